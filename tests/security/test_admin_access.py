"""The staff back-office: every admin URL, walked from the URL conf.

- Anonymous visitors and élus (non-staff) are sent to the admin sign-in page, whatever the URL.
- Staff without the permission get 403 on every object page (list, add, change, history, delete), on
  every custom admin view and on every action (exports included), and never the data.
- A new site-level admin URL (not a model page) fails the test until it is given an expectation below.
"""

import re

import pytest
from axes.models import AccessFailureLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from enrolment.models import SatisfactionAnswer
from tests.factories import TEST_PASSWORD
from tests.security.conftest import OWNER, leaked, snapshot
from tests.security.matrix import walk_urls

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = reverse("admin:login")
MODEL_PAGES = ("changelist", "add", "history", "delete", "change")
# Site-level admin URLs, as seen by staff without any permission: what they get, and it shows nobody's data.
STAFF_WITHOUT_PERMISSION = {
    "admin:index": {200},  # "Vous n'avez pas la permission de voir ou de modifier quoi que ce soit."
    "admin:login": {302},  # already signed in: on to the index
    "admin:logout": {405},  # POST only
    "admin:password_change": {200},  # their own password
    "admin:password_change_done": {200},
    "admin:jsi18n": {200},  # the translation catalogue
    "admin:autocomplete": {403},
    "admin:view_on_site": {302},  # the public page of a published training
    "admin:app_list": {404},
    "admin/(?P<url>.*)$": {404},
    # The dashboard and the activity report: counts only, for every staff member.
    "dashboard": {200},
    "dashboard_csv": {200},
    "activity_report": {200},
    "activity_report_csv": {200},
}
# Admin URLs that answer without a staff sign-in (everything else redirects to ADMIN_LOGIN).
OPEN_TO_ALL = {"admin:login": {200}, "admin:logout": {302, 405}}


@pytest.fixture
def admin_world(world):
    """The world, plus a row in every admin table (sign-in attempts of the owner included)."""
    Group.objects.create(name="Équipe formation")
    Client().post(reverse("accounts:login"), {"username": OWNER["email"], "password": TEST_PASSWORD})
    Client().post(reverse("accounts:login"), {"username": OWNER["email"], "password": "Mauvais-mot-de-passe-1"})
    AccessFailureLog.objects.create(username=OWNER["email"], ip_address="127.0.0.1", user_agent="", path_info="/")
    SatisfactionAnswer.objects.create(
        session=world.submitted.session, overall=4, objectives_met="oui", usefulness=4, would_recommend=True
    )
    return world


def model_of(route):
    parts = route.split("/")
    if len(parts) > 3:
        try:
            return apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            return None
    return None


def admin_targets():
    """(name, route, model) for every admin URL pattern; `name` is the route for unnamed patterns."""
    return [(name, route, model_of(route)) for route, name in walk_urls() if route.startswith("admin/")]


def url_for(route, model, world):
    if route.startswith("admin/^(?P<app_label>"):
        return [reverse("admin:app_list", kwargs={"app_label": label}) for label in re.findall(r"\w+", route[21:])]
    if route == "admin/(?P<url>.*)$":
        return ["/admin/inexistant/"]
    if route.startswith("admin/r/"):
        training = world.draft.session.training
        return [reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(training).pk, training.pk])]
    if route == "admin/tableau-de-bord/<slug:key>.csv":
        return [reverse("dashboard_csv", args=["collectivites"])]
    if route == "admin/autocomplete/":
        return ["/admin/autocomplete/?app_label=accounts&model_name=mandate&field_name=user&term=Vauc"]
    values = {}
    for param in re.findall(r"<(?:\w+:)?(\w+)>", route):
        assert param in ("object_id", "id", "pk"), f"admin URL {route}: give {param} a value in this test"
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"the admin world has no {model._meta.label}: add one to admin_world"
        values[param] = str(obj.pk)
    url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)
    return [url]


def page_kind(name):
    """ "changelist", "add"… for the pages every ModelAdmin has; "redirect" for its unnamed object URL;
    None for a custom admin view."""
    for page in MODEL_PAGES:
        if name.endswith(f"_{page}"):
            return page
    return "redirect" if name.endswith("<path:object_id>/") else None


def signed_in(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_every_admin_url_sends_non_staff_to_the_admin_sign_in(admin_world):
    world = admin_world
    checked = 0
    for who, user in (("anonymous", None), ("an élu", world.owner), ("another élu", world.other)):
        client = signed_in(user)
        for name, route, model in admin_targets():
            for url in url_for(route, model, world):
                response = client.get(url)
                checked += 1
                if name in OPEN_TO_ALL:
                    assert response.status_code in OPEN_TO_ALL[name], f"{who}: {url}"
                else:
                    assert response.status_code == 302, f"{who}: {response.status_code} for {url}"
                    assert response["Location"].startswith(f"{ADMIN_LOGIN}?next="), f"{who}: {url}"
                if user != world.owner:  # the admin sign-in page greets a signed-in élu by their address
                    assert leaked(response) == [], f"{who} saw the owner's data on {url}"
    assert checked > 200


def test_staff_without_permission_get_403_on_every_object_page_and_custom_view(admin_world):
    world = admin_world
    client = signed_in(world.staff)
    unknown = []
    for name, route, model in admin_targets():
        kind = page_kind(name) if model is not None else None
        for url in url_for(route, model, world):
            response = client.get(url)
            if model is None:
                if name not in STAFF_WITHOUT_PERMISSION:
                    unknown.append(f"{name} ({route})")
                    continue
                assert response.status_code in STAFF_WITHOUT_PERMISSION[name], f"{response.status_code} for {url}"
            elif kind == "redirect":
                assert response.status_code == 302 and response["Location"].endswith("/change/"), url
            elif kind is None:  # a custom admin view of a model: refused (403) or not found for them (404)
                assert response.status_code in (403, 404), f"staff without permission: {response.status_code} for {url}"
            else:  # a model page
                assert response.status_code == 403, f"staff without permission: {response.status_code} for {url}"
            assert leaked(response) == [], f"staff without permission saw the owner's data on {url}"
    assert not unknown, f"site-level admin URLs without an expectation in STAFF_WITHOUT_PERMISSION: {unknown}"


def test_staff_without_permission_cannot_run_any_action_or_export_nor_change_anything(admin_world):
    world = admin_world
    client = signed_in(world.staff)
    counts = {model: model._default_manager.count() for model in admin.site._registry}
    before = snapshot(world)
    tried = 0
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        info = model._meta.app_label, model._meta.model_name
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        actions = ["delete_selected", *[a if isinstance(a, str) else a.__name__ for a in model_admin.actions or ()]]
        for action in actions:
            data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk], "post": "yes", "apply": "1", "confirm": "yes"}
            response = client.post(changelist, data)
            assert response.status_code == 403, f"action {action} on {model._meta.label}: {response.status_code}"
            assert leaked(response) == []
            tried += 1
        for page, data in (("add", {}), ("change", {}), ("delete", {"post": "yes"})):
            args = [] if page == "add" else [obj.pk]
            response = client.post(reverse("admin:{}_{}_{}".format(*info, page), args=args), data)
            assert response.status_code == 403, f"POST {page} on {model._meta.label}: {response.status_code}"
            tried += 1
    assert tried > 40
    assert {model: model._default_manager.count() for model in admin.site._registry} == counts
    assert snapshot(world) == before


def test_the_csv_export_of_invitations_needs_a_permission(admin_world):
    world = admin_world
    changelist = reverse("admin:trainings_invitation_changelist")
    data = {"action": "export_csv", ACTION_CHECKBOX_NAME: [world.invitation.pk]}
    assert signed_in(world.staff).post(changelist, data).status_code == 403
    response = signed_in(world.superuser).post(changelist, data)  # positive control
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")


def test_autocomplete_never_lists_elus_to_staff_without_permission(admin_world):
    url = "/admin/autocomplete/?app_label=accounts&model_name=mandate&field_name=user&term=Vaucanson"
    response = signed_in(admin_world.staff).get(url)
    assert response.status_code == 403 and leaked(response) == []
    allowed = signed_in(admin_world.superuser).get(url)  # positive control
    assert allowed.status_code == 200 and leaked(allowed) != []


@pytest.mark.parametrize(
    ("route_name", "attr"),
    [
        ("admin:accounts_user_change", "owner"),
        ("admin:accounts_identitydocument_change", "document"),
        ("admin:enrolment_dossier_change", "draft"),
        ("admin:accounts_mandate_change", "mandate"),
    ],
)
def test_positive_control_a_superuser_does_see_the_owner_data(admin_world, route_name, attr):
    obj = getattr(admin_world, attr)
    response = signed_in(admin_world.superuser).get(reverse(route_name, args=[obj.pk]))
    assert response.status_code == 200 and leaked(response) != []
    assert signed_in(admin_world.staff).get(reverse(route_name, args=[obj.pk])).status_code == 403
