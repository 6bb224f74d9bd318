"""Uploads are capped while they stream in: an oversized file is counted, never kept.

`SizeLimitedUploadHandler` runs first in FILE_UPLOAD_HANDLERS. Past `FILE_UPLOAD_MAX_BYTES` it stops
passing a file's bytes to the handlers after it (memory, temporary file), so a 50 MB upload costs one
64 KB chunk of memory at a time and at most the limit on the temporary disk. The form then receives an
`OversizedUploadedFile` whose `size` is the real size and whose content is empty: its validation says
"trop lourd" without ever reading the file.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUploadedFile(UploadedFile):
    """Stands for a file refused for its size: `size` is what was sent, the content is empty."""

    oversized = True

    def __init__(self, name, content_type, size, charset=None, content_type_extra=None):
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.max_bytes = settings.FILE_UPLOAD_MAX_BYTES
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        was_within = self.received <= self.max_bytes
        self.received += len(raw_data)
        if self.received <= self.max_bytes:
            return raw_data
        if was_within:
            self._discard_kept_copies()
        return None  # swallowed: the handlers after this one never see the rest

    def _discard_kept_copies(self):
        """Close (hence delete) what the next handlers kept of this file so far: it will never be used."""
        handlers = list(getattr(self.request, "upload_handlers", []) or [])
        for handler in handlers[handlers.index(self) + 1 :] if self in handlers else []:
            kept = getattr(handler, "file", None)
            if kept is not None:
                kept.close()

    def file_complete(self, file_size):
        if self.received <= self.max_bytes:
            return None  # the next handler returns the file it kept
        return OversizedUploadedFile(
            self.file_name, self.content_type, self.received, self.charset, self.content_type_extra
        )
