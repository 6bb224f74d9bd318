""" "Mot de passe oublié": the request does the same work for every address; the e-mail is prepared afterwards.

The request counts the address and the client against the e-mail throttle (accounts/throttling.py) and asks the
outbox for a deferred e-mail (mailing/deferred.py): one INSERT, whether the address has an account or not. After
the response, `mail_reset_link` looks the account up and, if there is one that signs in with a password, queues
the e-mail with its single-use link.
"""

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.email_addresses import canonical_email
from accounts.models import User
from mailing import deferred, outbox

PASSWORD_RESET = "accounts.password_reset"
TEMPLATE = "accounts/emails/password_reset"


def request_reset(email):
    """Ask for the reset e-mail of `email`, answered the same whether it has an account or not."""
    deferred.defer(PASSWORD_RESET, canonical_email(email))


def mail_reset_link(to):
    """The deferred part: queue the reset link if `to` is an active account's address with a password."""
    user = User.objects.filter(email=to, is_active=True).first()
    if user is None or not user.has_usable_password():  # FranceConnect-only accounts have no password to reset
        return
    context = {
        "email": user.email,
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }
    outbox.queue_text(user.email, TEMPLATE, context)
