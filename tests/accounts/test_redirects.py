"""accounts/redirects.py: next= never leaves the site."""

import pytest
from django.test import RequestFactory

from accounts.redirects import safe_next, with_next


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/formations/3-budget/?session=4", "/formations/3-budget/?session=4"),
        ("http://testserver/formations/", "http://testserver/formations/"),
        ("", ""),
        ("https://evil.example/", ""),
        ("//evil.example/", ""),
        ("/\\evil.example", ""),
        ("\\/evil.example", ""),
        ("https:evil.example", ""),
        ("javascript:alert(1)", ""),
        ("/formations/\nLocation: https://evil.example", ""),
        ("http://testserver.evil.example/", ""),
    ],
)
def test_safe_next(url, expected):
    assert safe_next(RequestFactory().get("/"), url) == expected


def test_with_next_encodes():
    assert with_next("/compte/connexion/", "/a/?b=1&c=2") == "/compte/connexion/?next=%2Fa%2F%3Fb%3D1%26c%3D2"
    assert with_next("/compte/connexion/", "") == "/compte/connexion/"
