"""The 6-digit codes mailed to confirm an address: a new account's (accounts.activation) and a changed one's
(accounts.email_change).

One row per account (an accounts.models.ConfirmationCode); only a keyed hash of the code is stored, made from
the account, the address the code went to and the code. A code is valid for VALIDITY, and MAX_FAILED_ATTEMPTS
wrong tries void it until a new one is mailed.
"""

import datetime
import enum
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

VALIDITY = datetime.timedelta(days=3)
MAX_FAILED_ATTEMPTS = 5
DIGITS = 6
# At most one mail a minute to an address: each one goes to an address a visitor typed.
RESEND_INTERVAL = datetime.timedelta(seconds=60)


class Check(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    TOO_MANY_ATTEMPTS = "too_many_attempts"


def new_code():
    """A fresh code, in clear, to be mailed."""
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def code_hash(salt, user_id, email, code):
    """What is stored for `code` mailed to `email` for the account `user_id`."""
    return salted_hmac(salt, f"{user_id}:{email}:{code}", algorithm="sha256").hexdigest()


def is_expired(row):
    return timezone.now() - row.created_at > VALIDITY


def sent_recently(row):
    """True while `row`'s code is younger than RESEND_INTERVAL: no new one yet."""
    return timezone.now() - row.created_at < RESEND_INTERVAL


def check(model, user, code, hash_code):
    """Compares `code` (spaces ignored) with the one stored in `user`'s row of `model`, counting wrong tries.
    `hash_code(row, code)` hashes a code the way it was hashed when mailed."""
    code = "".join((code or "").split())
    with transaction.atomic():
        row = model.objects.select_for_update().filter(user=user).first()
        if row is None:
            return Check.EXPIRED
        if row.failed_attempts >= MAX_FAILED_ATTEMPTS:
            return Check.TOO_MANY_ATTEMPTS
        if is_expired(row):
            return Check.EXPIRED
        if constant_time_compare(row.code_hash, hash_code(row, code)):
            return Check.OK
        model.objects.filter(pk=row.pk).update(failed_attempts=F("failed_attempts") + 1)
        return Check.TOO_MANY_ATTEMPTS if row.failed_attempts + 1 >= MAX_FAILED_ATTEMPTS else Check.WRONG
