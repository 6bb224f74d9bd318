"""The staff groups created by the data migration enrolment/0004_staff_groups."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.enrolment.conftest import staff_in
from tests.factories import IdentityDocumentFactory

pytestmark = pytest.mark.django_db


def codenames(name):
    return {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=name).permissions.all()}


def test_the_migration_creates_both_groups_with_their_permissions():
    manager = codenames("Gestionnaire formations")
    assert {"enrolment.change_dossier", "enrolment.add_dossier", "trainings.add_invitation"} <= manager
    assert "accounts.view_identity_files" not in manager and "accounts.change_user" not in manager
    checker = codenames("Vérification d'identité")
    assert {"accounts.view_identity_files", "accounts.change_identitydocument", "enrolment.view_dossier"} <= checker
    assert "enrolment.change_dossier" not in checker
    assert not any(code.split(".")[1].startswith("delete_") for code in manager | checker)


def test_each_group_can_do_its_job_and_only_that(client):
    document = IdentityDocumentFactory(with_files=True)
    recto = reverse("enrolment:identity_file", args=[document.pk, "recto"])
    client.force_login(staff_in("Gestionnaire formations"))
    assert client.get(reverse("admin:enrolment_dossier_changelist")).status_code == 200
    assert client.get(reverse("admin:trainings_invitation_generate")).status_code == 200
    assert client.get(recto).status_code == 404
    client.force_login(staff_in("Vérification d'identité"))
    assert client.get(recto).status_code == 200
    assert client.get(reverse("admin:accounts_identitydocument_changelist")).status_code == 200
    assert client.get(reverse("admin:trainings_invitation_generate")).status_code == 403
    assert client.get(reverse("admin:enrolment_dossier_add")).status_code == 403
