"""accounts/admin.py: staff record an élu's balances in the back-office."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CollectiviteFactory, UserFactory

pytestmark = pytest.mark.django_db


def change_form_data(client, user):
    """The change form's current values, as the browser would post them back."""
    response = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name == "password" or field.disabled:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if isinstance(value, (list, tuple)) or hasattr(value, "all"):
            data[name] = [str(getattr(v, "pk", v)) for v in (value.all() if hasattr(value, "all") else value)]
            continue
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value)
            data[f"{name}_0"], data[f"{name}_1"] = value.strftime("%d/%m/%Y"), value.strftime("%H:%M:%S")
            continue
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        data[name] = value
    for prefix in ("mandates",):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_staff_record_a_balance_dated_today_and_the_missing_flag_drops(client):
    client.force_login(UserFactory(superuser=True))
    elu = UserFactory(dife_account_missing=True)
    data = change_form_data(client, elu)
    data.update(dife_balance="650,00", dife_balance_date="")
    data.pop("dife_account_missing", None)
    data["dife_account_missing"] = "on"
    response = client.post(reverse("admin:accounts_user_change", args=[elu.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    elu.refresh_from_db()
    assert elu.dife_balance == Decimal("650.00") and elu.dife_balance_date == timezone.localdate()
    assert not elu.dife_account_missing


def test_admin_lists_show_balances_and_filters(client):
    client.force_login(UserFactory(superuser=True))
    UserFactory(dife_balance=Decimal("700"), dife_account_missing=True)
    html = client.get(reverse("admin:accounts_user_changelist") + "?dife_account_missing__exact=1").content.decode()
    assert "700" in html
    assert client.get(reverse("admin:accounts_user_changelist") + "?email_confirmed=no").status_code == 200
    assert client.get(reverse("admin:accounts_mandate_changelist")).status_code == 200


def test_mark_collectivites_as_members(client):
    client.force_login(UserFactory(superuser=True))
    commune = CollectiviteFactory(is_member=False)
    client.post(
        reverse("admin:accounts_collectivite_changelist"),
        {"action": "mark_members", "_selected_action": [commune.pk]},
    )
    commune.refresh_from_db()
    assert commune.is_member
