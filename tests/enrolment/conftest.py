import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import MandateFactory, SessionFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(year, month, day, hour=12, minute=0, second=0):
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=PARIS)


@pytest.fixture
def elu(db):
    """An élu verified by FranceConnect, with one mandate: the shortest path to a sendable dossier."""
    user = UserFactory(franceconnect=True)
    MandateFactory(user=user)
    return user


@pytest.fixture
def unverified_elu(db):
    user = UserFactory()
    MandateFactory(user=user)
    return user


@pytest.fixture
def staff(db):
    return UserFactory(staff=True)


@pytest.fixture
def session(db):
    return SessionFactory(days_ahead=30, seats=15)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...` runs the e-mails scheduled with transaction.on_commit, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def staff_in(*group_names, **kwargs):
    """A staff member belonging to the staff groups created by the data migration."""
    from django.contrib.auth.models import Group

    user = UserFactory(staff=True, **kwargs)
    user.groups.add(*Group.objects.filter(name__in=group_names))
    return user


@pytest.fixture
def manager(db):
    return staff_in("Gestionnaire formations", first_names="Claire", birth_name="Gestion")


@pytest.fixture
def identity_checker(db):
    return staff_in("Vérification d'identité", first_names="Paul", birth_name="Contrôle")
