"""`seed_demo` gives the past demo session a few anonymous questionnaire answers, once."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from enrolment.models import SatisfactionAnswer
from tests.factories import UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db


def test_the_demo_session_has_results_and_seeding_again_adds_none(client):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    answers = SatisfactionAnswer.objects.all()
    assert answers.count() == 4 and len({answer.session_id for answer in answers}) == 1
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    assert SatisfactionAnswer.objects.count() == 4
    client.force_login(UserFactory(superuser=True))
    page = page_text(client.get(reverse("admin:trainings_session_satisfaction", args=[answers[0].session_id])))
    assert "4,0 sur 5" in page and "Un peu court sur le plan pluriannuel" in page
