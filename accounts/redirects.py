"""The `?next=` parameter: where to send the élu after signing in or signing up, never off-site."""

from urllib.parse import urlencode

from django.utils.http import url_has_allowed_host_and_scheme

NEXT_FIELD = "next"


def safe_next(request, url):
    """`url` if it points to this site (relative path or our own host), else ""."""
    if not url:
        return ""
    url = url.strip()
    # Reject backslashes and control characters outright: some browsers read "/\evil.example" as off-site.
    if "\\" in url or any(ord(ch) < 32 for ch in url):
        return ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return ""


def next_from_request(request):
    """The safe `next` from the POST body or the query string."""
    return safe_next(request, request.POST.get(NEXT_FIELD) or request.GET.get(NEXT_FIELD))


def with_next(url, next_url):
    """`url` with `?next=next_url` appended when there is one."""
    if not next_url:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode({NEXT_FIELD: next_url})}"
