"""The benchmark's own machinery: page specs render, and its prepared cookies really sign an élu in."""

import io
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from benchmarks.pages import PAGES, SIGNED_IN_FLOOR
from benchmarks.run import render_requests
from enrolment import rules
from tests.factories import UserFactory

FIXTURES = {
    "context": {"training_url": "/formations/1-budget/", "training_pk": 1, "training_slug": "budget"},
    "elu": [{"user_pk": 1, "cookie": "sessionid=s1; csrftoken=c1", "csrf": "c1"}],
    "elu_once": [{"user_pk": 2, "cookie": "sessionid=s2; csrftoken=c2", "csrf": "c2"}],
    "pair": [{"user_pk": 3, "cookie": "sessionid=s3; csrftoken=c3", "csrf": "c3", "session_pk": 7}],
    "draft": [{"user_pk": 4, "cookie": "sessionid=s4; csrftoken=c4", "csrf": "c4", "session_pk": 7, "dossier_pk": 9}],
    "invitation": [{"invitation_token": "tok", "invitation_training_pk": 1}],
    "invited": [{"cookie": "dife_invitation=v5"}],
}


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_page_spec_renders_its_requests(page):
    (method, path, cookie, body), *_ = render_requests(page, FIXTURES)
    assert method == page.method and path.startswith("/") and "{" not in path
    if page.identity == "invited":
        assert cookie.startswith("dife_invitation=")
    elif page.identity not in ("anonymous", "invitation"):
        assert cookie.startswith("sessionid=")
    if page.method == "POST":
        assert parse_qs(body)["csrfmiddlewaretoken"] == [FIXTURES[page.identity][0]["csrf"]]
        assert page.write_check, "a write path must say which rows it changes"


def test_floor_comes_first_and_every_page_of_the_issue_is_measured():
    assert PAGES[0].path == "/sante/plancher/"
    assert all(page.enabled for page in PAGES)
    paths = {page.path for page in PAGES}
    assert {"/formations/", "{training_url}", "/invitation/{invitation_token}/", "/dossiers/"} <= paths
    (send,) = [page for page in PAGES if page.is_write]
    assert send.path == "/dossiers/{dossier_pk}/envoyer/" and send.method == "POST"
    assert send.min_throughput_ratio == 0.04
    # Signed-in pages are measured against the signed-in floor, and built in process within 10 ms.
    signed_in = [page for page in PAGES if page.identity == "elu" and page is not SIGNED_IN_FLOOR]
    assert {page.path for page in signed_in} == {"/formations/", "{training_url}", "/dossiers/"}
    assert all(p.floor == "signed_in" and p.min_throughput_ratio == 0.5 and p.build_time for p in signed_in)
    assert "submitted" in send.write_check and "waitlisted" in send.write_check
    # The scale ratio is taken on pages built for each request (the caches off), not on the caches.
    scaled = [page for page in PAGES if page.scale]
    assert {page.path for page in scaled} == {"/formations/", "{training_url}"}
    assert not any(page.cached for page in scaled)
    # Each page an élu reaches is measured as it is served: anonymous, invited, signed in.
    assert {"anonymous", "invited", "elu", "invitation", "draft"} <= {page.identity for page in PAGES}


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


@pytest.mark.django_db
def test_write_path_pairs_are_fresh_open_and_distinct():
    from django.core.management import call_command

    from benchmarks.fixtures import bench_elus, fresh_pairs, open_sessions
    from enrolment.models import ACTIVE_STATES, Dossier, DossierState
    from trainings.deadlines import is_registration_open

    sizes = ["--collectivites", "2", "--trainings", "2", "--sessions", "40", "--elus", "20", "--dossiers", "60"]
    call_command("generate_bench_data", *sizes, stdout=io.StringIO())
    sessions = open_sessions()
    assert sessions and all(s.starts_at > timezone.now() and is_registration_open(s.first_day) for s in sessions)
    taken = set(Dossier.objects.filter(state__in=ACTIVE_STATES).values_list("user_id", "session_id"))
    before = set(taken)
    users = list(bench_elus())

    pairs = fresh_pairs(10, users, sessions, taken, drafts=False)
    drafts = fresh_pairs(10, users, sessions, taken, drafts=True)

    keys = [(row["user_pk"], row["session_pk"]) for row in pairs + drafts]
    assert len(keys) == 20 and len(set(keys)) == 20 and not set(keys) & before
    # Only élus whose identity is verified: they are the ones who can send a dossier.
    assert all(User.objects.get(pk=pk).identity_verified for pk, _ in keys)
    prepared = Dossier.objects.filter(pk__in=[row["dossier_pk"] for row in drafts], state=DossierState.DRAFT)
    assert prepared.count() == 10
    # Ready to send: every detail the AMIL needs is there.
    assert all(rules.missing_information(dossier) == [] for dossier in prepared)


def sign_in_with(client, prepared):
    for pair in prepared["cookie"].split("; "):
        name, value = pair.split("=", 1)
        client.cookies[name] = value


@pytest.mark.django_db
def test_a_prepared_draft_is_sent_by_its_elu_with_the_bench_request(client):
    """What wrk sends for "Envoyer un dossier": the élu's cookies, the CSRF token, nothing else."""
    from django.core.management import call_command

    from benchmarks.fixtures import bench_elus, fresh_pairs, open_sessions
    from benchmarks.pages import PAGES
    from enrolment.models import Dossier, DossierState

    sizes = ["--collectivites", "2", "--trainings", "2", "--sessions", "40", "--elus", "20", "--dossiers", "20"]
    call_command("generate_bench_data", *sizes, stdout=io.StringIO())
    (row,) = fresh_pairs(1, list(bench_elus()), open_sessions(), set(), drafts=True)
    (send,) = [page for page in PAGES if page.is_write]
    (method, path, cookie, body), *_ = render_requests(send, {**FIXTURES, "draft": [row]})
    sign_in_with(client, row)
    client.handler.enforce_csrf_checks = True
    response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == send.expect_status and send.expect_location in response["Location"]
    assert Dossier.objects.get(pk=row["dossier_pk"]).state in (DossierState.SUBMITTED, DossierState.WAITLISTED)


@pytest.mark.django_db
def test_an_invited_cookie_carries_the_followed_invitation_and_gets_its_cached_banner(client):
    from benchmarks.fixtures import invited
    from tests.factories import InvitationFactory, SessionFactory

    invitation = InvitationFactory(collectivite__name="Amboise", collectivite__kind="commune")
    SessionFactory(training=invitation.training)
    sign_in_with(client, invited(invitation))
    url = invitation.training.get_absolute_url()
    first = client.get(url).content.decode()
    assert "transmise à la commune d&#x27;Amboise" in first
    assert client.get(url).content.decode() == first
    assert any(":page:" in key for key in _cache_keys())


def _cache_keys():
    from django.core.cache import cache

    return list(getattr(cache, "_cache", {}).keys())
