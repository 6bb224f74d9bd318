"""No personal data in the logs: a whole journey, with its usual mishaps, logged at INFO by every logger.

The journey: sign-up (four steps and the review), activation by code, a mistyped password then sign-in,
lockout of a mistyped address, "Mot de passe oublié", dossier, identity-document upload, staff review in
the admin, sending, staff acceptance; plus a dead invitation link, a forged activation link, a form sent
without its CSRF token, an unknown page and an e-mail server that is down.

Three views of the logs are checked for every string of the élu (name, e-mail, phone, address, birth date,
password, stored file name, link tokens, cookies): the records (caplog, every logger at INFO), the lines the
production console handler writes (its filters included), and the gunicorn access log of every request.
"""

import datetime
import io
import logging
import re
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import IdentityDocument, User
from enrolment.models import Dossier, DossierState
from mailing.models import OutgoingEmail
from tests.accounts.test_signup import post_step
from tests.factories import MandateFactory, SessionFactory, UserFactory
from tests.files import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"
PASSWORD = "Journal-Secret-Mot2passe!"
ELU = {
    "identite": {
        "birth_name": "Loguenard",
        "usage_name": "Tracebois",
        "first_names": "Séraphin Anatole",
        "birth_date": "1964-09-21",
        "birth_place": "Bourgueil",
    },
    "contact": {"phone_mobile": "06 47 21 93 58", "phone_landline": "", "email": "seraphin.loguenard@example.fr"},
    "adresse": {
        "street_number": "7",
        "street_repetition": "",
        "street_type": "allee",
        "street_name": "des Journaux Intimes",
        "address_complement": "",
        "lieu_dit": "",
        "postal_code": "37140",
        "city": "Bourgueil",
    },
    "mot-de-passe": {"password1": PASSWORD, "password2": PASSWORD, "cgu": "on"},
}
EMAIL = ELU["contact"]["email"]


class RecordingClient(Client):
    """A test client that keeps every response, to replay them through the gunicorn access log."""

    def __init__(self, journal, **kwargs):
        super().__init__(**kwargs)
        self.journal = journal

    def request(self, **request):
        response = super().request(**request)
        self.journal.append(response)
        return response


@pytest.fixture
def console():
    """The production console handler (with its filters), writing to a buffer at INFO."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    buffer = io.StringIO()
    old_stream, old_level = handler.setStream(buffer), handler.level
    handler.setLevel(logging.INFO)
    yield buffer
    handler.setStream(old_stream)
    handler.setLevel(old_level)


def access_log(responses):
    """The access-log lines gunicorn (deploy/gunicorn.conf.py) would write for these responses."""
    from gunicorn.config import Config

    conf = runpy.run_path(str(CONF))
    logger = conf["PrivacyLogger"](Config())
    lines = []
    for response in responses:
        request = response.request
        path, query = request["PATH_INFO"], request.get("QUERY_STRING", "")
        environ = {
            "REMOTE_ADDR": "203.0.113.77",
            "REQUEST_METHOD": request["REQUEST_METHOD"],
            "RAW_URI": path + (f"?{query}" if query else ""),
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_USER_AGENT": f"Navigateur de {EMAIL}",
            "HTTP_REFERER": f"https://mairie.example/?contact={EMAIL}",
        }
        headers = [("COOKIE", request.get("HTTP_COOKIE", ""))]
        cookies = [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        resp = SimpleNamespace(status=f"{response.status_code} X", headers=[*response.items(), *cookies], sent=123)
        atoms = logger.atoms(resp, SimpleNamespace(headers=headers), environ, datetime.timedelta(milliseconds=5))
        lines.append(conf["access_log_format"] % logger.atoms_wrapper_class(atoms))
    return lines


def the_journey(journal, commit):
    """Returns what belongs to the élu and only to them, as it appeared during the journey."""
    session = SessionFactory()
    staff = UserFactory(superuser=True)
    MandateFactory(user=UserFactory())  # a collectivité to choose from
    elu_browser = RecordingClient(journal)
    staff_browser = RecordingClient(journal)
    staff_browser.force_login(staff)
    stranger = RecordingClient(journal)

    # Sign-up, review, activation by the code of the e-mail.
    elu_browser.get(reverse("accounts:signup"))
    for step, data in ELU.items():
        assert post_step(elu_browser, step, data).status_code == 302
    with commit():
        assert post_step(elu_browser, "verification", {}).status_code == 302
    activation_mail = mail.outbox[-1].body
    code = re.search(r"\b(\d{6})\b", activation_mail).group(1)
    link_token = re.search(r"/compte/activation/([^/\s]+)/", activation_mail).group(1)
    elu_browser.post(reverse("accounts:activation"), {"code": "000000"})
    with commit():
        assert elu_browser.post(reverse("accounts:activation"), {"code": code}).status_code == 302
    user = User.objects.get(email=EMAIL)
    collectivite = MandateFactory._meta.model.objects.exclude(user=user).first().collectivite
    elu_browser.post(
        reverse("accounts:mandate_add"),
        {"collectivite": collectivite.pk, "function": "maire", "start_date": "2020-07-03"},
    )
    elu_browser.post(reverse("accounts:logout"))

    # A mistyped password, then the right one; a mistyped address locked out; "Mot de passe oublié".
    elu_browser.post(reverse("accounts:login"), {"username": EMAIL, "password": "Mauvais-mot-de-passe-1"})
    assert elu_browser.post(reverse("accounts:login"), {"username": EMAIL, "password": PASSWORD}).status_code == 302
    typo = EMAIL.replace("@", ".@")
    for _ in range(5):
        stranger.post(reverse("accounts:login"), {"username": typo, "password": PASSWORD})
    with commit():
        stranger.post(reverse("accounts:password_reset"), {"email": EMAIL})
    reset_token = re.search(r"/mot-de-passe-oublie/[^/\s]+/([^/\s]+)/", mail.outbox[-1].body).group(1)

    # Dossier, identity document (its name carries the élu's name), staff review, sending, acceptance.
    with commit():
        elu_browser.post(reverse("enrolment:start", args=[session.pk]))
    dossier = Dossier.objects.get(user=user)
    elu_browser.post(
        reverse("enrolment:detail", args=[dossier.pk]),
        {
            "contact_email": EMAIL,
            "phone_mobile": ELU["contact"]["phone_mobile"],
            "street_address": "7 allée des Journaux Intimes",
            "postal_code": "37140",
            "city": "Bourgueil",
            "mandate": user.mandates.get().pk,
            "elu_comment": "Je viens avec mon fauteuil roulant, Séraphin",
        },
    )
    with commit():
        elu_browser.post(
            reverse("enrolment:identity", args=[dossier.pk]),
            {
                "kind": "cni",
                "front": upload("CNI Loguenard Séraphin recto.png", png_bytes(), "image/png"),
                "back": upload("CNI Loguenard Séraphin verso.pdf", pdf_bytes(), "application/pdf"),
                "birth_name": "Loguenard",
                "usage_name": "Tracebois",
                "first_names": "Séraphin Anatole",
                "birth_date": "1964-09-21",
                "birth_place": "Bourgueil",
                "nationality": "Française",
                "certify": "on",
            },
        )
    document = IdentityDocument.objects.get(user=user)
    staff_browser.get(reverse("admin:accounts_identitydocument_change", args=[document.pk]))
    staff_browser.get(reverse("enrolment:identity_file", args=[document.pk, "recto"]))
    with commit():
        staff_browser.post(
            reverse("admin:accounts_identitydocument_changelist"),
            {"action": "accept_documents", ACTION_CHECKBOX_NAME: [document.pk]},
        )
    elu_browser.get(reverse("enrolment:review", args=[dossier.pk]))
    with commit():
        elu_browser.post(reverse("enrolment:send", args=[dossier.pk]))
    with commit():
        staff_browser.post(
            reverse("admin:enrolment_dossier_changelist"), {"action": "accept", ACTION_CHECKBOX_NAME: [dossier.pk]}
        )
    dossier.refresh_from_db()
    assert dossier.state == DossierState.ACCEPTED

    # Mishaps: dead links, a form without its CSRF token, an unknown page, the mail server down.
    stranger.get(reverse("invitation", args=["Zk3v9QpL0aXyTr7uWm2sNb4cDeFg"]))
    stranger.get(reverse("accounts:activation_link", args=[link_token + "x"]))
    stranger.get(f"/compte/profil/{EMAIL}/")
    csrf_browser = RecordingClient(journal, enforce_csrf_checks=True)
    csrf_browser.post(reverse("accounts:login"), {"username": EMAIL, "password": PASSWORD})
    with commit():
        stranger.post(reverse("accounts:password_reset"), {"email": EMAIL})

    return {
        "e-mail": EMAIL,
        "typo": typo,
        "birth name": "Loguenard",
        "usage name": "Tracebois",
        "first name": "Séraphin",
        "phone": "06 47 21 93 58",
        "phone digits": "0647219358",
        "street": "Journaux Intimes",
        "birth date": "1964-09-21",
        "password": PASSWORD,
        "code": code,
        "activation token": link_token,
        "reset token": reset_token,
        "stored file": Path(document.front.name or "identity/x").stem if document.front else "",
        "comment": "fauteuil roulant",
        "session cookie": elu_browser.cookies["sessionid"].value,
        "staff session": staff_browser.cookies["sessionid"].value,
        "csrf cookie": stranger.cookies["csrftoken"].value if "csrftoken" in stranger.cookies else "",
        "client address": "203.0.113.77",
    }


def test_a_whole_journey_logs_nothing_personal_at_info_and_above(
    caplog, console, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caplog.set_level(logging.INFO)  # every logger, INFO and above
    journal = []

    def commit():
        return django_capture_on_commit_callbacks(execute=True)

    secrets = the_journey(journal, commit)
    # The e-mail server goes down: the outbox logs its failure.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    OutgoingEmail.objects.update(sent_at=None, next_attempt_at=None)
    from mailing.outbox import deliver

    assert deliver()[1] > 0

    records = [r for r in caplog.records if r.levelno >= logging.INFO]
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    captured = "\n".join(formatter.format(r) for r in records)
    written = console.getvalue()
    access = "\n".join(access_log(journal))

    # The journey did log (sign-in failures, lockout, 4xx, CSRF, outbox): the check is not vacuous.
    assert len(records) >= 10 and "AXES" in captured and "outbox" in captured and "Forbidden" in captured
    assert len(journal) >= 30 and access.count("\n") == len(journal) - 1
    for name, secret in secrets.items():
        if not secret:
            continue
        assert secret not in captured, f"the élu's {name} is in the log records"
        assert secret not in written, f"the élu's {name} is in the console log"
        assert secret not in access, f"the élu's {name} is in the access log"
    assert "@" not in captured and "@" not in access


def test_the_filter_masks_addresses_and_link_tokens_in_messages_and_tracebacks():
    from dife_portal.log_privacy import RedactPersonalData

    try:
        raise ValueError("duplicate key (email)=(marie.durand@example.fr)")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s",
        ("/invitation/Zk3v9QpL0aXyTr7uWm2sNb4c/",),
        exc_info,
    )
    RedactPersonalData().filter(record)
    text = logging.Formatter().format(record)
    assert "Not Found: /invitation/:jeton/" in text
    assert "marie.durand@example.fr" not in text and ":adresse" in text
    assert "ValueError" in text  # the class names and the traceback stay
