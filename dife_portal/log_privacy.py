"""Personal data never reaches the logs.

`RedactPersonalData` is a logging filter (see LOGGING in settings): e-mail addresses become ":adresse" and,
inside URL paths, token-like segments (invitation links, activation and password-reset links) become
":jeton", in the message and in the traceback. It sits on the loggers that echo request paths
(django.request, django.security.*) and on the console handler, the last stop before the log files.
django-axes masks the address and the IP in its own lines already (AXES_SENSITIVE_PARAMETERS).
"""

import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_PATH = re.compile(r"/[^\s\"'<>]*")
SECRET_SEGMENT = re.compile(r"[A-Za-z0-9_\-]{20,}")


def redact(text):
    text = EMAIL.sub(":adresse", text)
    return URL_PATH.sub(lambda path: SECRET_SEGMENT.sub(":jeton", path.group(0)), text)


class RedactPersonalData(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a badly formatted record is left for the handler to report
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            # The message of each exception is redacted; the "File ..." lines (source paths) are kept as is.
            lines = logging.Formatter().formatException(record.exc_info).splitlines()
            record.exc_text = "\n".join(line if line.startswith('  File "') else redact(line) for line in lines)
        return True
