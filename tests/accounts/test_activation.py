"""accounts/activation.py: the 6-digit code and the signed link."""

import datetime

import pytest
import time_machine
from django.core import signing

from accounts import activation, confirmation_codes
from accounts.models import ActivationCode
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_only_a_hash_of_the_code_is_stored():
    user = UserFactory(unconfirmed=True)
    code = activation.issue_code(user)
    assert len(code) == 6 and code.isdigit()
    assert code not in ActivationCode.objects.get(user=user).code_hash
    assert activation.check_code(user, code) is activation.CodeCheck.OK
    assert activation.check_code(user, f" {code[:3]} {code[3:]} ") is activation.CodeCheck.OK  # spaces ignored


def test_wrong_codes_are_counted_and_then_the_code_is_void():
    user = UserFactory(unconfirmed=True)
    code = activation.issue_code(user)
    wrong = "000000" if code != "000000" else "111111"
    results = [activation.check_code(user, wrong) for _ in range(confirmation_codes.MAX_FAILED_ATTEMPTS)]
    assert results[:-1] == [activation.CodeCheck.WRONG] * (confirmation_codes.MAX_FAILED_ATTEMPTS - 1)
    assert results[-1] is activation.CodeCheck.TOO_MANY_ATTEMPTS
    assert activation.check_code(user, code) is activation.CodeCheck.TOO_MANY_ATTEMPTS
    new_code = activation.issue_code(user)  # a new mail starts over
    assert activation.check_code(user, new_code) is activation.CodeCheck.OK


def test_codes_expire():
    user = UserFactory(unconfirmed=True)
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC), tick=False):
        code = activation.issue_code(user)
    with time_machine.travel(datetime.datetime(2026, 1, 5, 12, tzinfo=datetime.UTC), tick=False):
        assert activation.check_code(user, code) is activation.CodeCheck.EXPIRED


def test_a_code_belongs_to_its_account():
    first, second = UserFactory(unconfirmed=True), UserFactory(unconfirmed=True)
    code, other_code = activation.issue_code(first), activation.issue_code(second)
    if code != other_code:  # one chance in a million that both draws are equal
        assert activation.check_code(second, code) is activation.CodeCheck.WRONG
    assert activation.check_code(first, code) is activation.CodeCheck.OK


def test_link_token_round_trip_and_tampering():
    user = UserFactory(unconfirmed=True)
    token = activation.make_link_token(user, "/formations/")
    assert activation.read_link_token(token) == (user, "/formations/")
    with pytest.raises(activation.InvalidLink):
        activation.read_link_token(token[:-2] + "xx")
    assert "@" not in str(signing.loads(token, salt="accounts.activation.link"))  # the address is not in the link
    forged = signing.dumps({"u": user.pk, "e": user.email, "n": ""}, salt="autre")
    with pytest.raises(activation.InvalidLink):
        activation.read_link_token(forged)


def test_link_token_dies_when_the_address_changes_or_time_passes():
    user = UserFactory(unconfirmed=True)
    token = activation.make_link_token(user)
    user.email = "autre@example.fr"
    user.save()
    with pytest.raises(activation.InvalidLink):
        activation.read_link_token(token)
    fresh = activation.make_link_token(user)
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=4)):
        with pytest.raises(activation.InvalidLink):
            activation.read_link_token(fresh)


def test_mails_to_one_address_are_throttled():
    assert activation.mail_recently_sent("marie@example.fr") is False
    assert activation.mail_recently_sent("MARIE@example.fr") is True
    assert activation.mail_recently_sent("paul@example.fr") is False
