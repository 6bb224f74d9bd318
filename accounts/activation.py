"""Confirming a new account's e-mail address: a 6-digit code AND a link, both sent in one e-mail.

- The code is typed in the browser that signed up; only a keyed hash of it is stored, it expires, and
  a few wrong tries invalidate it.
- The link carries a signed, time-limited token (user, fingerprint of the e-mail, next page); it stops
  working once the address is confirmed or changed.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import confirmation_codes
from accounts.confirmation_codes import RESEND_INTERVAL, VALIDITY
from accounts.confirmation_codes import Check as CodeCheck
from accounts.email_addresses import canonical_email
from accounts.models import ActivationCode
from accounts.redirects import with_next
from mailing import outbox

_CODE_SALT = "accounts.activation.code"
_LINK_SALT = "accounts.activation.link"


MESSAGES = {
    CodeCheck.WRONG: "Ce code n'est pas le bon. Vérifiez le code à 6 chiffres reçu par mail.",
    CodeCheck.EXPIRED: "Ce code n'est plus valable. Demandez un nouveau code ci-dessous.",
    CodeCheck.TOO_MANY_ATTEMPTS: "Trop d'essais avec un code erroné : ce code est annulé. Demandez un nouveau code.",
}


def _code_hash(user, code):
    return confirmation_codes.code_hash(_CODE_SALT, user.pk, user.email, code)


def issue_code(user):
    """A fresh code for `user` (any previous one stops working). Returns the code in clear, to be mailed."""
    code = confirmation_codes.new_code()
    ActivationCode.objects.update_or_create(
        user=user, defaults={"code_hash": _code_hash(user, code), "created_at": timezone.now(), "failed_attempts": 0}
    )
    return code


def check_code(user, code):
    """Compare `code` with the one sent to `user`, counting wrong tries."""
    return confirmation_codes.check(ActivationCode, user, code, lambda stored, code: _code_hash(user, code))


def mail_recently_sent(email):
    """True if a sign-up mail went to `email` in the last minute; otherwise remember this one.
    Keeps repeated sign-ups or "renvoyer le code" from flooding someone's mailbox."""
    key = "accounts:signup-mail:" + salted_hmac(_CODE_SALT, canonical_email(email)).hexdigest()
    return not cache.add(key, True, timeout=int(RESEND_INTERVAL.total_seconds()))


def _email_fingerprint(user):
    # Signed tokens are readable (base64), so the link carries a keyed hash of the address, not the address.
    return salted_hmac(_LINK_SALT, user.email.lower()).hexdigest()[:20]


def make_link_token(user, next_url=""):
    return signing.dumps({"u": user.pk, "e": _email_fingerprint(user), "n": next_url}, salt=_LINK_SALT, compress=True)


class InvalidLink(Exception):
    pass


def read_link_token(token):
    """(user, next_url) for a valid link, else InvalidLink. The next page is re-checked by the caller."""
    try:
        payload = signing.loads(token, salt=_LINK_SALT, max_age=VALIDITY)
    except signing.BadSignature as error:  # includes SignatureExpired
        raise InvalidLink from error
    user = get_user_model().objects.filter(pk=payload.get("u")).first()
    if user is None or not constant_time_compare(_email_fingerprint(user), payload.get("e") or ""):
        raise InvalidLink
    return user, payload.get("n") or ""


def _send(template_prefix, user, context):
    """Queue the e-mail in the outbox: delivered after commit, retried if the mail server is down."""
    outbox.queue_text(user.email, template_prefix, {"user": user, **context})


def send_activation_mail(user, next_url=""):
    """Mail a new code and a link to confirm `user`'s address (sent once the transaction commits)."""
    code = issue_code(user)
    link = settings.SITE_URL + reverse("accounts:activation_link", args=[make_link_token(user, next_url)])
    _send(
        "accounts/emails/activation",
        user,
        {
            "code": code,
            "link": link,
            "validity_days": VALIDITY.days,
            "code_page": settings.SITE_URL + reverse("accounts:activation"),
        },
    )


def send_already_registered_mail(user):
    """Someone signed up with the address of an existing account: tell its owner, not the visitor."""
    reset_link = settings.SITE_URL + reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    _send(
        "accounts/emails/already_registered",
        user,
        {"reset_link": reset_link, "login_link": settings.SITE_URL + with_next(reverse("accounts:login"), "")},
    )
