"""Who may open which portal URL: anonymous visitors, another élu and staff without the permission get a
sign-in redirect, a 404 or a 403, never the owner's data; a POST from them changes nothing.

Generated from the URL conf: a URL without a case in tests/security/matrix.py fails here. Each check also
has a positive control (the owner, or staff holding the permission, does see the data), so that a secret
that never appears anywhere cannot make the matrix pass by accident.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.conftest import leaked, snapshot
from tests.security.matrix import CASES, OwnAccount, OwnedObject, Public, Staff, StaffPermission, Token, portal_urls
from tests.utils import page_text

pytestmark = pytest.mark.django_db

URLS = portal_urls()
LOGIN = reverse("accounts:login")


def test_every_portal_url_has_a_case_and_every_case_a_url():
    missing = sorted(f"{name} ({route})" for name, route in URLS.items() if name not in CASES)
    assert not missing, f"URLs without a case in tests/security/matrix.py — say who may open them: {missing}"
    stale = sorted(set(CASES) - set(URLS))
    assert not stale, f"cases for URLs that no longer exist: {stale}"


def call(user, method, url, data=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    if method == "get":
        return client.get(url)
    return client.post(url, data or {})


def leaks(response, url):
    return [s for s in leaked(response) if s not in url]


def assert_refused(response, url, allowed, who):
    assert response.status_code in allowed, f"{who}: {response.status_code} for {url}"
    assert leaks(response, url) == [], f"{who} saw the owner's data on {url}"


def assert_sent_to_sign_in(response, url, who="anonymous"):
    assert response.status_code == 302, f"{who}: {response.status_code} for {url}"
    assert response["Location"].startswith(f"{LOGIN}?next="), response["Location"]
    assert leaks(response, url) == []


def check_public(case, url, world):
    for method in case.methods:
        for who, user in (("anonymous", None), ("another élu", world.other)):
            response = call(user, method, url, case.post(world))
            assert response.status_code < 500
            assert leaks(response, url) == [], f"{who} saw the owner's data on the public page {url}"


def check_token(case, url, world):
    from tests.utils import page_text

    for method in case.methods:
        response = call(None, method, url, case.post(world))
        assert_refused(response, url, case.statuses, "a forged link")
        if case.says:
            assert case.says in page_text(response)
        assert "_auth_user_id" not in Client().session


def check_own_account(case, url, world):
    for method in case.methods:
        assert_sent_to_sign_in(call(None, method, url, case.post(world)), url)
        for who, user in (("another élu", world.other), ("staff without permission", world.staff)):
            response = call(user, method, url, case.post(world))
            assert response.status_code < 500
            assert leaks(response, url) == [], f"{who} saw the owner's data on {url}"
    if case.shows:  # positive control
        response = call(world.owner, "get", url)
        assert response.status_code == 200
        assert case.shows(world) in page_text(response), f"the owner does not see their data on {url}"


def check_owned_object(case, url, world):
    for method in case.methods:
        assert_sent_to_sign_in(call(None, method, url, case.post(world)), url)
        attackers = (("another élu", world.other), ("staff without permission", world.staff))
        for who, user in attackers:
            allowed = {403, 404} if method == "post" else {403, 404, 405}
            assert_refused(call(user, method, url, case.post(world)), url, allowed, who)
    response = call(world.owner, "get", url)  # positive control
    assert response.status_code == case.owner_status, f"owner: {response.status_code} for {url}"
    if case.shows:
        assert case.shows(world) in page_text(response), f"the owner does not see their data on {url}"


def check_staff_permission(case, url, world):
    assert_sent_to_sign_in(call(None, "get", url), url)
    attackers = (
        ("the owner", world.owner),
        ("another élu", world.other),
        ("staff without permission", world.staff),
        ("staff with every other permission", world.staff_all_but),
    )
    for who, user in attackers:
        assert_refused(call(user, "get", url), url, {403, 404}, who)
    world.staff.user_permissions.add(
        *__import__("django.contrib.auth.models", fromlist=["Permission"]).Permission.objects.filter(
            codename=case.permission.split(".")[1]
        )
    )
    allowed = Client()
    allowed.force_login(world.staff)
    assert allowed.get(url).status_code == case.owner_status  # positive control


def check_staff(case, url, world):
    for method in case.methods:
        assert_sent_to_sign_in(call(None, method, url, case.post(world)), url)
        for who, user in (("the owner", world.owner), ("another élu", world.other)):
            assert_refused(call(user, method, url, case.post(world)), url, {403, 404}, who)
    assert call(world.staff, "get", url).status_code == 200  # positive control


CHECKS = {
    Staff: check_staff,
    Public: check_public,
    Token: check_token,
    OwnAccount: check_own_account,
    OwnedObject: check_owned_object,
    StaffPermission: check_staff_permission,
}


@pytest.mark.parametrize("name", sorted(URLS))
def test_access_matrix(name, world):
    case = CASES.get(name)
    if case is None:
        pytest.fail(f"{name} ({URLS[name]}) has no case in tests/security/matrix.py")
    url = reverse(name, kwargs=case.kwargs(world))
    before = snapshot(world)
    CHECKS[type(case)](case, url, world)
    assert snapshot(world) == before, f"someone other than the owner changed the owner's data through {url}"


@pytest.mark.parametrize(
    "name", sorted(n for n, c in CASES.items() if isinstance(c, OwnedObject) and "post" in c.methods)
)
def test_the_owner_can_change_what_others_cannot(name, world):
    """Positive control of the snapshot: the owner's own POST does change something."""
    case = CASES[name]
    url = reverse(name, kwargs=case.kwargs(world))
    case.before_owner_post(world)
    before = snapshot(world)
    response = call(world.owner, "post", url, case.post(world))
    assert response.status_code in (200, 302)
    assert snapshot(world) != before, f"the owner's POST to {url} changed nothing: the matrix would not notice"


def test_an_unpublished_training_is_hidden_from_everyone_but_staff(world):
    training = world.unpublished_training
    url = reverse("trainings:detail", kwargs={"pk": training.pk, "slug": training.slug})
    for who, user in (("anonymous", None), ("an élu", world.other)):
        response = call(user, "get", url)
        assert response.status_code == 404, who
        assert training.title not in response.content.decode()
    assert call(world.staff, "get", url).status_code == 200
