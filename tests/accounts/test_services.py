"""accounts/services.py: sign-up, balances, deletion and purge rules not covered through the views."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import services
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_stamp_balance_dates():
    user = UserFactory.build(dife_balance=Decimal("400"), dife_balance_date=None, dife_account_missing=True)
    today = datetime.date(2026, 3, 1)
    touched = services.stamp_balance_dates(user, {"dife_balance"}, today)
    assert user.dife_balance_date == today and not user.dife_account_missing
    assert set(touched) == {"dife_balance_date", "dife_account_missing"}
    user.dife_balance_date = datetime.date(2026, 2, 1)
    services.stamp_balance_dates(user, {"dife_balance", "dife_balance_date"}, today)
    assert user.dife_balance_date == datetime.date(2026, 2, 1)  # a date given is kept
    user.cpf_balance, user.cpf_balance_date = None, datetime.date(2026, 1, 1)
    services.stamp_balance_dates(user, {"cpf_balance"}, today)
    assert user.cpf_balance_date is None  # no amount, no date


def test_purge_unconfirmed_accounts_spares_the_others():
    old = timezone.now() - datetime.timedelta(days=40)
    stale = UserFactory(unconfirmed=True, date_joined=old)
    kept = [
        UserFactory(unconfirmed=True),  # recent
        UserFactory(date_joined=old),  # confirmed
        UserFactory(unconfirmed=True, date_joined=old, staff=True),
        UserFactory(unconfirmed=True, date_joined=old, franceconnect=True),
    ]
    call_command("purge_unconfirmed_accounts", verbosity=0)
    assert not User.objects.filter(pk=stale.pk).exists()
    assert User.objects.filter(pk__in=[u.pk for u in kept]).count() == 4


def test_register_normalises_the_address(django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        user = services.register(
            email="Marie.Martin@Example.FR", password_hash="!", profile={"birth_name": "Martin"}, next_url=""
        )
    assert user.email == "marie.martin@example.fr" and mailoutbox[0].to == ["marie.martin@example.fr"]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.register(email="marie.martin@example.fr", password_hash="!", profile={}) is None
    assert len(mailoutbox) == 1  # the "already registered" mail waits for the throttle delay
