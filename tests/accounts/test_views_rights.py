"""accounts/views/rights.py: "Vos droits formation", recording the amounts, "compte élu absent"."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from tests.factories import MandateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def elu(client):
    user = UserFactory(first_names="Marie", birth_name="Martin")
    client.force_login(user)
    return user


def test_rights_is_where_sign_in_lands_and_needs_sign_in(client, settings):
    assert settings.LOGIN_REDIRECT_URL == "accounts:rights"
    response = client.get(reverse("accounts:rights"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_two_panels_compte_elu_with_cockade_left_cpf_right(client, elu):
    elu.dife_balance, elu.dife_balance_date = Decimal("700"), datetime.date(2026, 2, 3)
    elu.cpf_balance, elu.cpf_balance_date = Decimal("1250.5"), datetime.date(2026, 2, 4)
    elu.save()
    html = client.get(reverse("accounts:rights")).content.decode()
    dife, cpf = html.index("Votre compte élu"), html.index("Vos droits en euros")
    assert dife < cpf and html.index('class="cockade"') < cpf
    assert "700,00\u00a0€" in html and "1\u202f250,50\u00a0€" in html
    assert "mis à jour le 3 février 2026" in html and "mis à jour le 4 février 2026" in html
    assert html.count("Montant disponible") == 2
    assert 'class="col-md-6"' in html  # side by side, stacked on phones
    assert 'aria-current="step"' in html and "Se connecter" in html


@time_machine.travel(datetime.datetime(2026, 11, 26, 12, 0), tick=False)
def test_estimate_from_the_declared_mandates(client, elu):
    MandateFactory(user=elu, start_date=datetime.date(2025, 3, 22))
    html = client.get(reverse("accounts:rights")).content.decode()
    assert "1 année complète" in html and "400,00\u00a0€" in html


@time_machine.travel(datetime.datetime(2026, 11, 26, 12, 0), tick=False)
def test_a_mandate_of_less_than_a_year_is_said_in_french(client, elu):
    MandateFactory(user=elu, start_date=datetime.date(2026, 3, 22))
    html = client.get(reverse("accounts:rights")).content.decode()
    assert "0 année" not in html and "moins d'une année complète" in html


def test_the_page_title_is_not_repeated_by_its_tab(client, elu):
    html = client.get(reverse("accounts:rights")).content.decode()
    assert html.count(">Vos droits formation<") == 1  # the h1; the tab says "Mes droits"
    assert ">Mes droits</a>" in html


def test_without_mandate_the_page_invites_to_declare_one(client, elu):
    html = client.get(reverse("accounts:rights")).content.decode()
    assert "Déclarez votre mandat" in html and "Pas encore renseigné." in html


def test_record_balances_dates_them_today_and_keeps_typing_on_errors(client, elu):
    response = client.post(reverse("accounts:rights_edit"), {"dife_balance": "700,50", "cpf_balance": ""})
    assert response.url == reverse("accounts:rights")
    elu.refresh_from_db()
    assert elu.dife_balance == Decimal("700.50") and elu.dife_balance_date is not None
    assert elu.cpf_balance is None and elu.cpf_balance_date is None
    html = client.post(reverse("accounts:rights_edit"), {"dife_balance": "-3", "cpf_balance": "abc"}).content.decode()
    assert html.count("Le montant ne peut pas être négatif.") == 2
    assert html.count("Saisissez un montant en euros") == 2
    assert 'value="abc"' in html and 'value="-3"' in html


def test_future_reading_date_is_refused(client, elu):
    html = client.post(
        reverse("accounts:rights_edit"), {"dife_balance": "700", "dife_balance_date": "2999-01-01"}
    ).content.decode()
    assert "Cette date ne peut pas être dans le futur." in html


def test_missing_compte_elu_page_offers_a_prefilled_mail_to_the_cdc(client, elu, settings):
    MandateFactory(user=elu, collectivite__name="Amboise")
    html = client.get(reverse("accounts:dife_missing")).content.decode()
    assert "cela signifie qu&#x27;il y a un problème" in html or "cela signifie qu'il y a un problème" in html
    assert f'href="mailto:{settings.DIFE_CDC_EMAIL}?subject=' in html
    assert "Amboise" in html and "Martin" in html


def test_report_missing_compte_elu_then_recording_an_amount_clears_it(client, elu):
    client.post(reverse("accounts:dife_missing_report"), {"missing": "1"})
    elu.refresh_from_db()
    assert elu.dife_account_missing
    assert "Vous nous avez signalé" in client.get(reverse("accounts:rights")).content.decode()
    client.post(reverse("accounts:rights_edit"), {"dife_balance": "400"})
    elu.refresh_from_db()
    assert not elu.dife_account_missing


def test_an_elu_only_ever_sees_and_changes_their_own_rights(client, elu):
    other = UserFactory(dife_balance=Decimal("321.00"), dife_balance_date=datetime.date(2026, 1, 1))
    assert "321,00" not in client.get(reverse("accounts:rights")).content.decode()
    client.post(reverse("accounts:rights_edit"), {"dife_balance": "10", "id": other.pk, "pk": other.pk})
    other.refresh_from_db()
    assert other.dife_balance == Decimal("321.00")


def test_rights_page_query_count_does_not_grow_with_mandates(client, elu, django_assert_max_num_queries):
    MandateFactory.create_batch(6, user=elu)
    with django_assert_max_num_queries(4):
        client.get(reverse("accounts:rights"))
