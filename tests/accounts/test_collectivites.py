"""accounts/collectivites.py, the committed data file and the demo seed."""

import pytest
from django.core.management import call_command

from accounts import collectivites
from accounts.models import Collectivite, Mandate, User
from enrolment.management.commands.seed_demo import DEMO_ELU_EMAIL


def test_data_file_lists_the_communes_and_epci_of_indre_et_loire_with_its_source():
    header = collectivites.DATA_FILE.read_text(encoding="utf-8").splitlines()[:3]
    assert "@etalab/decoupage-administratif version" in header[1] and "publiée le" in header[1]
    assert header[0].startswith("# Généré le")
    rows = collectivites.read_rows()
    communes = {r.code: r for r in rows if r.kind == "commune"}
    epcis = {r.code: r for r in rows if r.kind == "epci"}
    assert len(communes) == 272 and len(epcis) == 11
    assert all(code.startswith("37") and len(code) == 5 for code in communes)
    assert communes["37261"].name == "Tours" and communes["37261"].siren == "213702616"
    assert epcis["243700754"].name == "Tours Métropole Val de Loire"
    assert all(len(r.siren) == 9 and r.siren.isdigit() for r in rows)


@pytest.mark.django_db
def test_load_is_idempotent_and_keeps_what_staff_set():
    assert collectivites.load() == (283, 0)
    tours = Collectivite.objects.get(code="37261")
    assert tours.kind == "commune" and tours.postal_code == "37000" and not tours.is_member
    tours.is_member, tours.contact_email, tours.name = True, "mairie@tours.fr", "Tours (ancien nom)"
    tours.save()
    assert collectivites.load() == (0, 1)
    tours.refresh_from_db()
    assert tours.name == "Tours" and tours.is_member and tours.contact_email == "mairie@tours.fr"
    assert Collectivite.objects.get(code="243700754").kind == "epci"


@pytest.mark.django_db
def test_demo_communes_are_members_and_the_demo_elu_has_a_mandate_and_balances():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert Collectivite.objects.count() == 283
    assert not Collectivite.objects.filter(kind="commune", is_member=False).exists()
    elu = User.objects.get(email=DEMO_ELU_EMAIL)
    assert Mandate.objects.filter(user=elu).count() == 1
    assert elu.dife_balance is not None and elu.cpf_balance is not None and elu.email_confirmed_at
    assert elu.postal_code and elu.city
