"""django-axes: repeated failed sign-ins lock the (address, IP) pair for a while (see AXES_* settings)."""

from django.conf import settings


def axes_username(request, credentials=None):
    """The address as axes counts it: case and surrounding spaces ignored, so "Marie@X.fr" and "marie@x.fr"
    share one counter (the login itself is case-insensitive too)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "POST", {}).get(field)
    # Cut to what axes can store (its username columns are 255 characters): a longer "address" typed in a
    # sign-in form must be refused like any wrong one, not break the database write on PostgreSQL.
    return username.strip().lower()[:255] if isinstance(username, str) else username
