"""django-axes: repeated failed sign-ins lock the (address, IP) pair for a while (see AXES_* settings)."""

from django.conf import settings

from accounts.email_addresses import canonical_email


def axes_username(request, credentials=None):
    """The counter a sign-in attempt counts on: the address in the one spelling sign-in looks up
    (accounts.email_addresses.canonical_email). Every spelling that can sign into an account ("Marie@X.fr",
    full-width letters, the Kelvin sign…) is that account's stored address, so it counts on the account's
    counter, and a success clears only that counter; a spelling that matches no account counts on its own
    and can never sign in."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "POST", {}).get(field)
    # Cut to what axes can store (its username columns are 255 characters): a longer "address" typed in a
    # sign-in form must be refused like any wrong one, not break the database write on PostgreSQL.
    return canonical_email(username)[:255] if isinstance(username, str) else username
