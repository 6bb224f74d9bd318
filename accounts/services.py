"""Operations on élu accounts: sign up, confirm the address, record rights, delete the account."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import activation, deletion
from accounts.email_addresses import canonical_email
from accounts.models import ActivationCode, User

BALANCE_DATES = {"dife_balance": "dife_balance_date", "cpf_balance": "cpf_balance_date"}


class AccountError(Exception):
    """An operation the élu asked for cannot be done; the message is French and shown to the élu."""


@transaction.atomic
def register(*, email, password_hash, profile, next_url=""):
    """Create an account waiting for e-mail confirmation and mail it a code and a link.

    If the address already has an account, nothing is created and its owner is told by e-mail; the
    caller shows the same page either way, so that sign-up never reveals who has an account.
    Returns the new user, or None for a duplicate."""
    email = canonical_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User(email=email, password=password_hash, cgu_accepted_at=timezone.now(), **profile)
                user.save()
        except IntegrityError:  # the same address signed up at the same moment
            existing = User.objects.get(email=email)
        else:
            activation.mail_recently_sent(email)  # starts the "wait a minute before resending" delay
            activation.send_activation_mail(user, next_url)
            return user
    if not activation.mail_recently_sent(email):
        activation.send_already_registered_mail(existing)
    return None


@transaction.atomic
def confirm_email(user):
    """The address is proven: the account can sign in."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    ActivationCode.objects.filter(user=user).delete()
    return user


def stamp_balance_dates(user, changed_fields, today=None):
    """After a balance was recorded (by the élu or the staff): date it today unless a date was given, and
    drop the "compte élu absent" flag once a DIFE amount is known. Returns the fields it changed."""
    today = today or timezone.localdate()
    touched = []
    for amount_field, date_field in BALANCE_DATES.items():
        if amount_field not in changed_fields:
            continue
        if getattr(user, amount_field) is None:
            setattr(user, date_field, None)
            touched.append(date_field)
        elif date_field not in changed_fields or getattr(user, date_field) is None:
            setattr(user, date_field, today)
            touched.append(date_field)
    if "dife_balance" in changed_fields and user.dife_balance is not None and user.dife_account_missing:
        user.dife_account_missing = False
        touched.append("dife_account_missing")
    return touched


def purge_unconfirmed(older_than):
    """Delete accounts whose address was never confirmed, created before `older_than` (never staff, never
    accounts that signed in another way, e.g. FranceConnect). Returns how many were deleted."""
    stale = User.objects.filter(
        email_confirmed_at__isnull=True,
        date_joined__lt=older_than,
        is_staff=False,
        last_login__isnull=True,
        franceconnect_sub__isnull=True,
    )
    count = stale.count()
    stale.delete()
    return count


@transaction.atomic
def delete_account(user):
    """Erase the élu and everything attached (mandates, drafts, identity documents and their files)."""
    if deletion.is_blocked(user):
        raise AccountError(
            "Vous avez une demande d'inscription en cours de traitement par l'AMIL. Annulez-la depuis « Mes "
            "dossiers » ou contactez l'AMIL avant de supprimer votre compte."
        )
    files = [f for doc in user.identity_documents.all() for f in (doc.front, doc.back) if f]
    email = user.email
    user.delete()

    def remove_traces():
        for file in files:
            file.storage.delete(file.name)
        from axes.utils import reset

        reset(username=email)

    transaction.on_commit(remove_traces)
