"""Import of the dossier list exported from EDOF (enrolment/mcf_import.py and its admin page)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from enrolment import funding, mcf_import
from enrolment.models import FundingLog, FundingSource, FundingState
from mailing.models import OutgoingEmail
from tests.enrolment.conftest import paris
from tests.factories import DossierFactory, SessionFactory, UserFactory
from tests.utils import page_text

pytestmark = pytest.mark.django_db

HEADER = "Numéro du dossier;Statut;Nom;Prénom;Date de début de session;Date du statut"
URL = reverse("admin:enrolment_dossier_mcf_import")


def upload(text, name="export.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding) if isinstance(text, str) else text)


def read(text, **kwargs):
    return mcf_import.read(upload(text, **kwargs))


def file_errors(text, **kwargs):
    with pytest.raises(mcf_import.ImportFileError) as caught:
        read(text, **kwargs)
    return caught.value.errors


@pytest.fixture
def now(time_machine):
    time_machine.move_to(paris(2027, 3, 10, 10), tick=False)


@pytest.fixture
def session(now):
    return SessionFactory(starts_at=paris(2027, 3, 29, 9), ends_at=paris(2027, 3, 29, 17), mcf_session_id="S-0042")


@pytest.fixture
def staff():
    return UserFactory(superuser=True)


# --- reading the file -----------------------------------------------------------------------------------------


def test_reads_utf8_with_semicolons_and_headers_in_any_order():
    rows = read(
        "Statut;Date de début de session;N° du dossier;NOM;Prénom\nAccepté;29/03/2027;42 000 001 23;Durand;Marie\n"
    )
    assert len(rows) == 1
    row = rows[0]
    assert (row.line, row.number, row.target, row.last_name, row.first_name) == (
        2,
        "4200000123",
        FundingState.VALIDATED,
        "Durand",
        "Marie",
    )
    assert row.session_start == datetime.date(2027, 3, 29) and row.status_date is None


def test_title_lines_above_the_header_are_skipped():
    rows = read(f"Export des dossiers de formation;;\n\n{HEADER}\n4200000123;Accepté;Durand;;29/03/2027;\n")
    assert (rows[0].line, rows[0].number) == (4, "4200000123")


def test_reads_windows_1252_with_commas():
    text = "Numéro du dossier,Statut,Nom,Date de début de session\n4200000123,Service fait déclaré,Bréhal,2027-03-29\n"
    rows = read(text, encoding="cp1252")
    assert rows[0].last_name == "Bréhal" and rows[0].target == FundingState.SERVICE_DECLARED


def test_reads_an_excel_file():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Numéro du dossier", "Statut", "Nom", "Date de début de session", "Date du statut"])
    sheet.append([4200000123, "Validé", "Durand", datetime.datetime(2027, 3, 29), datetime.datetime(2027, 3, 9, 14, 5)])
    content = io.BytesIO()
    workbook.save(content)
    rows = read(content.getvalue(), name="export.xlsx")
    assert (rows[0].number, rows[0].target, rows[0].status_date) == (
        "4200000123",
        FundingState.TO_VALIDATE,
        datetime.date(2027, 3, 9),
    )


def test_a_missing_column_refuses_the_file():
    errors = file_errors("Numéro du dossier;Nom;Date de début de session\n4200000123;Durand;29/03/2027\n")
    assert errors == [
        "Colonne introuvable sur la ligne d'en-tête (ligne 1) : « Statut ». Vérifiez que c'est bien l'export de la "
        "liste des dossiers de votre espace EDOF, avec sa ligne d'en-tête."
    ]


def test_every_wrong_line_is_reported_with_its_number_and_why():
    errors = file_errors(
        f"{HEADER}\n"
        "4200000123;Accepté;Durand;Marie;29/03/2027;\n"
        "4200000123;Accepté;Martin;Paul;29/03/2027;\n"
        "4200000124;Accepté;Petit;Léa;31/02/2027;\n"
        "ABC;Accepté;Roux;Jean;29/03/2027;\n"
        "4200000125;En pause;Blanc;Anne;29/03/2027;\n"
    )
    assert errors == [
        "ligne 3 : le numéro de dossier 4200000123 figure déjà ligne 2.",
        "ligne 4 : la date « 31/02/2027 » (début de session) n'est pas lisible (attendu : jj/mm/aaaa).",
        "ligne 5 : le numéro de dossier « ABC » n'est pas un numéro Mon Compte Formation.",
        "ligne 6 : le statut « En pause » n'est pas connu du portail.",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Numéro du dossier;Statut".encode("utf-16"), "n'est pas un fichier CSV lisible"),
        (b"", "Le fichier est vide."),
        ("Numéro du dossier;Statut\n".encode() + b"\x81\x8d;\xe9\n", "ni UTF-8, ni Windows-1252"),
        (b"PK\x03\x04not a workbook", "Ce fichier Excel ne peut pas être lu"),
        (f"{HEADER}\n".encode(), "aucune ligne de dossier"),
    ],
)
def test_unreadable_files_get_a_french_message(content, message):
    assert message in " ".join(file_errors(content))


def test_statuses_map_to_the_funding_track():
    assert mcf_import._target("Annulé par le titulaire") == FundingState.CANCELLED
    assert mcf_import._target("Refusé par l'organisme") == FundingState.REFUSED
    assert mcf_import._target("Annulation automatique") == FundingState.EXPIRED
    assert mcf_import._target("NON TRAITÉ") == FundingState.REQUESTED


def test_steps_go_forward_only():
    S = FundingState
    assert mcf_import.steps_to(S.TODO, S.VALIDATED, new_number=True) == ["record_mcf_request", "proposal_validated"]
    assert mcf_import.steps_to(S.REQUESTED, S.SERVICE_VALIDATED, new_number=False) == [
        "proposal_validated",
        "service_declared",
        "service_validated",
    ]
    assert mcf_import.steps_to(S.VALIDATED, S.IN_TRAINING, new_number=False) == ["entry_declared"]
    assert mcf_import.steps_to(S.VALIDATED, S.TO_VALIDATE, new_number=False) == []
    assert mcf_import.steps_to(S.TO_VALIDATE, S.CANCELLED, new_number=False) == ["cancel"]
    assert mcf_import.steps_to(S.REQUESTED, S.TO_VALIDATE, new_number=False) == ["proposal_sent"]
    assert mcf_import.steps_to(S.TO_VALIDATE, S.IN_TRAINING, new_number=False) == [
        "proposal_validated",
        "entry_declared",
    ]
    assert mcf_import.steps_to(S.VALIDATED, S.SERVICE_DECLARED, new_number=False) == ["service_declared"]
    assert mcf_import.steps_to(S.IN_TRAINING, S.SERVICE_VALIDATED, new_number=False) == [
        "service_declared",
        "service_validated",
    ]
    assert mcf_import.steps_to(S.EXPIRED, S.REQUESTED, new_number=False) == ["record_mcf_request"]
    assert mcf_import.steps_to(S.REQUESTED, S.REQUESTED, new_number=True) == ["record_mcf_request"]
    assert mcf_import.steps_to(S.EXPIRED, S.EXPIRED, new_number=False) == []


# --- matching and applying ----------------------------------------------------------------------------------


def export(*lines):
    return read("\n".join([HEADER, *lines]) + "\n")


def test_dry_run_shows_what_would_change_and_writes_nothing(session, staff):
    requested = DossierFactory(session=session, mcf_requested=True, mcf_number="4200000123")
    by_name = DossierFactory(session=session, accepted=True, birth_name="Durand", first_names="Marie Claire")
    rows = export(
        "4200000123;Validé;X;;29/03/2027;09/03/2027",
        "4200000999;Accepté;DURAND;Marie;29/03/2027;",
        "4200000777;Accepté;Inconnu;;29/03/2027;",
    )
    report = mcf_import.run(rows, by=staff, dry_run=True)
    assert [(o.row.line, o.kind) for o in report.outcomes] == [(2, "change"), (3, "change"), (4, "unmatched")]
    assert report.changes[0].dossier == requested and report.changes[0].steps_label == "proposition envoyée"
    assert report.changes[1].dossier == by_name
    assert report.changes[1].steps_label == "demande enregistrée, proposition validée"
    assert report.unmatched[0].message.startswith("Aucun dossier du portail")
    requested.refresh_from_db()
    by_name.refresh_from_db()
    assert requested.funding_state == FundingState.REQUESTED and by_name.funding_state == FundingState.TODO
    assert by_name.mcf_number == "" and not FundingLog.objects.filter(source=FundingSource.IMPORT).exists()
    assert not OutgoingEmail.objects.exists()


def test_commit_applies_through_the_services_as_an_import(session, staff):
    requested = DossierFactory(
        session=session, mcf_requested=True, mcf_number="4200000123", mcf_requested_at=paris(2027, 3, 8, 10)
    )
    by_name = DossierFactory(session=session, accepted=True, birth_name="Durand")
    rows = export("4200000123;Validé;X;;29/03/2027;09/03/2027", "4200000999;Accepté;Durand;;29/03/2027;")
    report = mcf_import.run(rows, by=staff, dry_run=False)
    assert len(report.changes) == 2
    requested.refresh_from_db()
    by_name.refresh_from_db()
    assert requested.funding_state == FundingState.TO_VALIDATE and requested.proposal_sent_on == datetime.date(
        2027, 3, 9
    )
    assert by_name.funding_state == FundingState.VALIDATED and by_name.mcf_number == "4200000999"
    logs = FundingLog.objects.filter(source=FundingSource.IMPORT)
    assert logs.count() == 3 and {log.by for log in logs} == {staff}
    assert OutgoingEmail.objects.filter(subject__startswith="Validez votre dossier").count() == 1
    # The same file again changes nothing.
    again = mcf_import.run(rows, by=staff, dry_run=False)
    assert not again.changes and len(again.unchanged) == 2 and logs.count() == 3


def test_matching_by_session_number_and_ambiguous_names(session, staff):
    other_day = SessionFactory(starts_at=paris(2027, 4, 5, 9), ends_at=paris(2027, 4, 5, 17))
    mine = DossierFactory(session=session, accepted=True, birth_name="Martin")
    DossierFactory(session=other_day, accepted=True, birth_name="Martin")
    twins = [DossierFactory(session=other_day, accepted=True, birth_name="Petit") for _ in range(2)]
    text = (
        "Numéro du dossier;Statut;Nom;Date de début de session;Numéro de session\n"
        "4200000001;Non traité;Martin;01/01/2027;S-0042\n"  # the session number wins over a wrong date
        "4200000002;Non traité;Petit;05/04/2027;\n"
    )
    report = mcf_import.run(read(text), by=staff, dry_run=True)
    assert report.changes[0].dossier == mine
    assert report.unmatched[0].message.startswith("Plusieurs dossiers") and len(twins) == 2


def test_a_line_the_track_refuses_is_reported_and_the_others_applied(session, staff):
    refused = DossierFactory(session=session, mcf_requested=True, mcf_number="4200000123")
    funding.refuse(refused, by=staff, source=FundingSource.STAFF, note="Hors délai.")
    fine = DossierFactory(session=session, mcf_requested=True, mcf_number="4200000124")
    rows = export("4200000123;Accepté;X;;29/03/2027;", "4200000124;Accepté;X;;29/03/2027;")
    report = mcf_import.run(rows, by=staff, dry_run=False)
    assert [o.kind for o in report.outcomes] == ["ignored", "change"]
    assert "Impossible" in report.ignored[0].message
    refused.refresh_from_db()
    fine.refresh_from_db()
    assert refused.funding_state == FundingState.REFUSED and fine.funding_state == FundingState.VALIDATED


# --- the admin page -----------------------------------------------------------------------------------------


def test_staff_upload_preview_then_apply(client, session):
    client.force_login(UserFactory(superuser=True))
    dossier = DossierFactory(session=session, accepted=True, birth_name="Durand")
    changelist = page_text(client.get(reverse("admin:enrolment_dossier_changelist")))
    assert "Importer depuis EDOF" in changelist
    preview = client.post(
        URL, {"file": upload(f"{HEADER}\n4200000999;Accepté;Durand;;29/03/2027;\n9999999;Accepté;Z;;29/03/2027;\n")}
    )
    page = page_text(preview)
    assert "Aperçu : voici ce que l'import changerait" in page and "Lignes sans dossier correspondant" in page
    assert "demande enregistrée, proposition validée" in page
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.TODO
    payload = preview.context["payload"]
    applied = client.post(URL, {"payload": payload})
    assert "Import appliqué : 1 dossier(s) mis à jour." in page_text(applied)
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.VALIDATED


def test_a_wrong_file_shows_why_and_changes_nothing(client, session):
    client.force_login(UserFactory(superuser=True))
    dossier = DossierFactory(session=session, accepted=True, birth_name="Durand")
    response = client.post(URL, {"file": upload(f"{HEADER}\n4200000999;Accepté;Durand;;29/13/2027;\n")})
    page = page_text(response)
    assert "<title>Erreur : " in page and "rien n'a été modifié" in page
    assert "ligne 2 : la date « 29/13/2027 » (début de session) n'est pas lisible" in page
    assert "payload" not in response.context
    dossier.refresh_from_db()
    assert dossier.funding_state == FundingState.TODO


def test_a_tampered_or_stale_preview_is_refused(client, session):
    client.force_login(UserFactory(superuser=True))
    response = client.post(URL, {"payload": "forged"}, follow=True)
    assert "L'aperçu a expiré" in page_text(response)
    assert not FundingLog.objects.exists()


def test_the_import_needs_the_change_permission(client):
    from tests.enrolment.conftest import staff_in

    client.force_login(staff_in("Vérification d'identité"))
    assert client.get(URL).status_code == 403
