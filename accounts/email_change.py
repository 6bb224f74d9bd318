"""Changing the élu's e-mail address from "Mon profil", confirmed from the new address.

- `request_change` records the new address with a 6-digit code (only its keyed hash is kept) and mails the code and
  a link to the new address. The account keeps its address meanwhile: signing in works with the old one.
- `confirm` (the code typed while signed in, or the link opened in any browser) moves the account to the new
  address and tells the old address.
- A new address already used by another account is never confirmed, and the page does not say so (it would tell
  who has an account): the mail to that address says it instead.
- FranceConnect-linked accounts change their address the same way: FranceConnect finds them by its own
  identifier, never by e-mail, so signing in with it keeps working.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from mailing import outbox

from . import confirmation_codes
from .confirmation_codes import VALIDITY, Check
from .email_addresses import canonical_email
from .models import EmailChange

_CODE_SALT = "accounts.email_change.code"
_LINK_SALT = "accounts.email_change.link"


class ChangeError(Exception):
    """A change that cannot be confirmed; its message is for the élu."""


MESSAGES = {
    Check.WRONG: "Ce code n'est pas le bon. Vérifiez le code à 6 chiffres reçu à votre nouvelle adresse.",
    Check.EXPIRED: "Ce code n'est plus valable. Demandez de nouveau le changement d'adresse.",
    Check.TOO_MANY_ATTEMPTS: "Trop d'essais avec un code erroné : ce changement est annulé. Demandez-le de nouveau.",
}


def _code_hash(change, code):
    return confirmation_codes.code_hash(_CODE_SALT, change.user_id, change.new_email, code)


def _taken(email, user):
    return get_user_model().objects.filter(email=canonical_email(email)).exclude(pk=user.pk).exists()


def pending(user):
    """The change `user` asked for and has not confirmed yet, if any and still valid."""
    change = EmailChange.objects.filter(user=user).first()
    return None if change is None or confirmation_codes.is_expired(change) else change


@transaction.atomic
def request_change(user, new_email):
    """Records the change to `new_email` (replacing any earlier one) and mails the new address a code and a link,
    or, when another account already uses it, a message saying so. Returns the change."""
    new_email = canonical_email(new_email)
    code = confirmation_codes.new_code()
    change, _ = EmailChange.objects.update_or_create(
        user=user,
        defaults={
            "new_email": new_email,
            "code_hash": confirmation_codes.code_hash(_CODE_SALT, user.pk, new_email, code),
            "created_at": timezone.now(),
            "failed_attempts": 0,
        },
    )
    context = {"user": user, "new_email": new_email, "validity_days": VALIDITY.days}
    if _taken(new_email, user):
        outbox.queue_text(new_email, "accounts/emails/email_change_taken", context)
    else:
        link = settings.SITE_URL + reverse("accounts:email_change_link", args=[_link_token(change)])
        outbox.queue_text(new_email, "accounts/emails/email_change", {**context, "code": code, "link": link})
    return change


def check_code(user, code):
    """Compares `code` with the one mailed for `user`'s pending change, counting wrong tries."""
    return confirmation_codes.check(EmailChange, user, code, _code_hash)


@transaction.atomic
def confirm(user):
    """Moves `user` to the address of their pending change and tells the old address. Raises ChangeError."""
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    change = EmailChange.objects.select_for_update().filter(user=user).first()
    if change is None or confirmation_codes.is_expired(change):
        raise ChangeError("Ce changement d'adresse n'est plus valable. Demandez-le de nouveau depuis « Mon profil ».")
    if _taken(change.new_email, user):
        change.delete()
        raise ChangeError(
            "Cette adresse est déjà celle d'un autre compte du portail : votre adresse n'a pas été changée."
        )
    old_email = user.email
    user.email = change.new_email
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email", "email_confirmed_at"])
    change.delete()
    outbox.queue_text(old_email, "accounts/emails/email_changed", {"user": user, "old_email": old_email})
    return user


def cancel(user):
    EmailChange.objects.filter(user=user).delete()


def _fingerprint(change):
    # A signed token is readable: it carries a keyed hash of the change, not the address.
    return salted_hmac(_LINK_SALT, f"{change.pk}:{change.new_email}:{change.created_at.isoformat()}").hexdigest()[:24]


def _link_token(change):
    return signing.dumps({"u": change.user_id, "f": _fingerprint(change)}, salt=_LINK_SALT, compress=True)


def user_for_link(token):
    """The élu whose pending change the link `token` confirms, or None (forged, expired, replaced or done)."""
    try:
        payload = signing.loads(token, salt=_LINK_SALT, max_age=VALIDITY)
    except signing.BadSignature:
        return None
    change = EmailChange.objects.select_related("user").filter(user_id=payload.get("u")).first()
    if change is None or not constant_time_compare(_fingerprint(change), payload.get("f") or ""):
        return None
    return change.user
