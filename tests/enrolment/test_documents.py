import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from enrolment import documents
from enrolment.models import DossierState
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, MandateFactory, SessionFactory
from tests.utils import pdf_text

pytestmark = pytest.mark.django_db

A4_POINTS = (595.28, 841.89)
MAX_BYTES = 200 * 1024


@pytest.fixture
def held(settings):
    settings.ASSOCIATION = {**settings.ASSOCIATION, "name": "Association des Maires de Touraine"}
    return SessionFactory(
        starts_at=paris(2026, 3, 16, 9),
        ends_at=paris(2026, 3, 17, 17),
        venue="Espace Rabelais, 1 rue Jean-Jacques Rousseau",
        postal_code="37500",
        city="Chinon",
        training__title="Urbanisme : comprendre et faire évoluer le PLU",
        training__duration_hours=Decimal("10.5"),
    )


def participant(session, state, **names):
    mandate = MandateFactory(**{f"user__{key}": value for key, value in names.items()}, collectivite__name="Chinon")
    return DossierFactory(session=session, state=state, user=mandate.user, mandate=mandate)


def assert_well_formed(pdf):
    """A4 pages, fonts embedded (as subsets), small enough to attach to an e-mail."""
    assert len(pdf) < MAX_BYTES
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4_POINTS
        fonts = page["/Resources"]["/Font"]
        assert fonts
        for font in fonts.values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor, "the font is embedded"
    return reader


def test_the_certificate_says_who_what_when_how_long_and_who_certifies(held):
    dossier = participant(held, DossierState.ATTENDED, birth_name="Garnier", first_names="Sylvie")
    filename, pdf = documents.certificate(dossier, today=paris(2026, 3, 18).date())
    assert filename == "attestation-urbanisme-comprendre-et-faire-evoluer-le-plu-2026-03-16-garnier-sylvie.pdf"
    assert len(assert_well_formed(pdf).pages) == 1
    text = pdf_text(pdf)
    for expected in (
        "Association des Maires de Touraine",
        "CERTIFICAT DE RÉALISATION",
        "GARNIER Sylvie",
        "Maire — Chinon",
        "Urbanisme : comprendre et faire évoluer le PLU",
        "du lundi 16 mars 2026 au mardi 17 mars 2026",
        "Espace Rabelais, 1 rue Jean-Jacques Rousseau, 37500 Chinon",
        "Durée suivie 10,5 heures",
        "Fait à Tours, le 18 mars 2026.",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("state", [DossierState.ABSENT, DossierState.ACCEPTED, DossierState.CANCELLED])
def test_no_certificate_for_an_elu_not_marked_present(held, state):
    with pytest.raises(documents.NotAttended, match="n'est pas noté présent"):
        documents.certificate(participant(held, state))


def test_the_zip_holds_one_small_certificate_per_elu_present(held):
    for index in range(15):
        participant(held, DossierState.ATTENDED, birth_name=f"Élu{index:02d}")
    participant(held, DossierState.ABSENT, birth_name="Absent")
    import zipfile

    filename, content = documents.certificates_zip(held)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert filename.startswith("attestations-urbanisme") and len(archive.namelist()) == 15
    for index, name in enumerate(archive.namelist()):
        pdf = archive.read(name)
        assert_well_formed(pdf)
        text = pdf_text(pdf)
        assert f"ÉLU{index:02d}" in text and text.count("CERTIFICAT DE RÉALISATION") == 1 and "ABSENT" not in text


def test_attendance_sheets_fit_fifteen_elus_on_one_page_per_half_day(held):
    for index in range(15):
        participant(held, DossierState.ACCEPTED, birth_name=f"Élu{index:02d}")
    filename, pdf = documents.attendance_sheets(held)
    assert filename == "emargement-urbanisme-comprendre-et-faire-evoluer-le-plu-2026-03-16.pdf"
    reader = assert_well_formed(pdf)
    assert len(reader.pages) == 4  # two days, morning and afternoon
    for page in reader.pages:
        text = page.extract_text()
        assert "ÉLU00" in text and "ÉLU14" in text and "Association des Maires de Touraine" in text
        assert "Nombre de présents" in text


def test_the_convocation_names_the_elu_the_days_and_the_place(held):
    dossier = participant(held, DossierState.ACCEPTED, birth_name="Moreau", first_names="Jean")
    filename, pdf = documents.convocation(dossier)
    assert filename == "convocation.pdf"
    assert_well_formed(pdf)
    text = pdf_text(pdf).replace("\xa0", " ")  # the times keep their no-break spaces
    for expected in (
        "Association des Maires de Touraine",
        "MOREAU Jean",
        "lundi 16 mars 2026, de 9 h à 17 h",
        "mardi 17 mars 2026, de 9 h à 17 h",
        "37500 Chinon",
        "10,5 heures",
    ):
        assert expected in text, expected
