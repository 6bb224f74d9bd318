"""The training page gives the last day for the request on Mon Compte Formation, with the portal's."""

import re
from html import unescape

import pytest
import time_machine

from tests.enrolment.conftest import paris
from tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_each_open_session_gives_the_mcf_last_day(client):
    with time_machine.travel(paris(2027, 3, 1, 10), tick=False):
        session = SessionFactory(starts_at=paris(2027, 3, 15, 9), ends_at=paris(2027, 3, 15, 17))
        page = unescape(client.get(session.training.get_absolute_url()).content.decode())
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "Paiement par le DIFE : demande à faire aussi sur Mon Compte Formation, au plus tard le 4 mars 2027" in text
