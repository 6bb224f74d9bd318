"""The benchmark's own machinery: page specs render, and its prepared cookies really sign an élu in."""

from urllib.parse import parse_qs

import pytest
from django.urls import reverse

from benchmarks.pages import PAGES
from benchmarks.run import render_requests
from tests.factories import UserFactory

FIXTURES = {
    "context": {"training_url": "/formations/1-budget/", "training_pk": 1, "training_slug": "budget"},
    "elu": [{"user_pk": 1, "cookie": "sessionid=s1; csrftoken=c1", "csrf": "c1"}],
    "elu_once": [{"user_pk": 2, "cookie": "sessionid=s2; csrftoken=c2", "csrf": "c2"}],
    "pair": [{"user_pk": 3, "cookie": "sessionid=s3; csrftoken=c3", "csrf": "c3", "session_pk": 7}],
    "draft": [{"user_pk": 4, "cookie": "sessionid=s4; csrftoken=c4", "csrf": "c4", "session_pk": 7, "dossier_pk": 9}],
    "invitation": [{"invitation_token": "tok", "invitation_training_pk": 1}],
}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_page_spec_renders_its_requests(page):
    (method, path, cookie, body), *_ = render_requests(page, FIXTURES)
    assert method == page.method and path.startswith("/") and "{" not in path
    if page.identity != "anonymous" and page.identity != "invitation":
        assert cookie.startswith("sessionid=")
    if page.method == "POST":
        assert parse_qs(body)["csrfmiddlewaretoken"] == [FIXTURES[page.identity][0]["csrf"]]
        assert page.write_check, "a write path must say which rows it changes"


def test_floor_comes_first_and_slots_are_marked():
    assert PAGES[0].path == "/sante/plancher/"
    assert {p.identity for p in PAGES if not p.enabled} >= {"invitation", "draft"}


@pytest.mark.django_db
def test_prepared_cookies_sign_the_elu_in_and_pass_csrf(client):
    from benchmarks.fixtures import signed_in

    user = UserFactory()
    prepared = signed_in(user)
    for pair in prepared["cookie"].split("; "):
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    client.handler.enforce_csrf_checks = True
    assert client.get(reverse("enrolment:list")).status_code == 200
    response = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": prepared["csrf"]})
    assert response.status_code == 302
    assert client.get(reverse("enrolment:list")).status_code == 302  # signed out: back to the login page


@pytest.mark.django_db
def test_a_wrong_csrf_token_is_refused(client):
    from benchmarks.fixtures import signed_in

    prepared = signed_in(UserFactory())
    for pair in prepared["cookie"].split("; "):
        name, value = pair.split("=", 1)
        client.cookies[name] = value
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": "x" * 32}).status_code == 403
