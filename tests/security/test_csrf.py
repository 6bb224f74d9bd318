"""CSRF on every POST: each POST endpoint of the access matrix and every admin form and action, sent
without the CSRF token by a browser that enforces the checks, is refused (French 403) and changes nothing.
The same POST with the token gets through the CSRF check (positive control)."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.security.conftest import snapshot
from tests.security.matrix import CASES, OwnAccount, OwnedObject, StaffPermission
from tests.utils import page_text

pytestmark = pytest.mark.django_db

POST_CASES = sorted(name for name, case in CASES.items() if "post" in case.methods)
CSRF_SECRET = "a" * 32  # a CSRF cookie holds a 32-character secret; the form may send the secret itself


def browser(user=None, token=False):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    if token:
        client.cookies["csrftoken"] = CSRF_SECRET
    return client


def who_posts(case, world):
    """The person the form is for: a signed-in owner for their pages, an anonymous visitor otherwise."""
    return world.owner if isinstance(case, OwnAccount | OwnedObject | StaffPermission) else None


def test_there_are_post_endpoints_to_check():
    assert len(POST_CASES) >= 20


@pytest.mark.parametrize("name", POST_CASES)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(name, world):
    case = CASES[name]
    url = reverse(name, kwargs=case.kwargs(world))
    client = browser(who_posts(case, world))
    users_before = list(User.objects.order_by("pk").values())
    before = snapshot(world)
    response = client.post(url, case.post(world))
    assert response.status_code == 403, f"{name}: {response.status_code}"
    assert "Votre demande n'a pas pu être vérifiée" in page_text(response)
    assert snapshot(world) == before
    assert list(User.objects.order_by("pk").values()) == users_before

    # Positive control: the same POST with the token is not stopped by the CSRF check.
    with_token = browser(who_posts(case, world), token=True).post(
        url, {**case.post(world), "csrfmiddlewaretoken": CSRF_SECRET}
    )
    assert "Votre demande n'a pas pu être vérifiée" not in page_text(with_token)


def admin_posts(world):
    """Every admin form and action a superuser could send: add, change, delete, each action of each list."""
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_add".format(*info)), {}
        if obj is None:
            continue
        yield reverse("admin:{}_{}_change".format(*info), args=[obj.pk]), {}
        yield reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]), {"post": "yes"}
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        for action in ["delete_selected", *[a if isinstance(a, str) else a.__name__ for a in model_admin.actions]]:
            yield changelist, {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes", "confirm": "yes"}
    yield reverse("admin:trainings_invitation_generate"), {"training": world.draft.session.training.pk}
    yield reverse("admin:login"), {"username": world.superuser.email, "password": "x"}
    yield reverse("admin:logout"), {}
    yield reverse("admin:password_change"), {}


def test_every_admin_form_and_action_needs_the_csrf_token(world):
    client = browser(world.superuser)
    before = snapshot(world)
    counts = {model: model._default_manager.count() for model in admin.site._registry}
    tried = 0
    for url, data in admin_posts(world):
        response = client.post(url, data)
        assert response.status_code == 403, f"{url} {data.get('action', '')}: {response.status_code}"
        tried += 1
    assert tried > 40
    assert snapshot(world) == before
    assert {model: model._default_manager.count() for model in admin.site._registry} == counts
