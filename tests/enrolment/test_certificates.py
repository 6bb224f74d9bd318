import pytest

from enrolment import certificates, documents
from enrolment.models import DossierEvent, DossierState
from mailing.models import OutgoingEmail
from tests.factories import DossierFactory, SessionFactory, UserFactory
from tests.utils import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def held():
    return SessionFactory(days_ahead=-3, training__title="Le maire employeur")


def test_the_certificate_is_emailed_once_with_its_pdf_and_logged(held, staff, committed):
    dossier = DossierFactory(session=held, state=DossierState.ATTENDED, birth_name="Garnier", first_names="Sylvie")
    with committed():
        certificates.send_certificate(dossier, by=staff)
    dossier.refresh_from_db()
    assert dossier.certificate_sent_at is not None
    log = dossier.logs.get()
    assert (log.event, log.by, log.to_state) == (DossierEvent.CERTIFICATE_SENT, staff, DossierState.ATTENDED)
    email = OutgoingEmail.objects.get()
    assert email.to == dossier.user.email and email.sent_at is not None
    assert email.subject == "Votre attestation de présence à la formation — AMIL"
    assert "Le maire employeur" in email.body_text and "Durée suivie : 7 heures" in email.body_text
    attachment = email.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.filename.endswith("-garnier-sylvie.pdf")
    assert "GARNIER Sylvie" in pdf_text(attachment.content)
    with pytest.raises(certificates.CertificateAlreadySent):
        certificates.send_certificate(dossier, by=staff)
    assert OutgoingEmail.objects.count() == 1 and dossier.logs.count() == 1


def test_no_certificate_is_sent_to_an_elu_not_marked_present(held, staff):
    absent = DossierFactory(session=held, state=DossierState.ABSENT)
    with pytest.raises(documents.NotAttended):
        certificates.send_certificate(absent, by=staff)
    assert not OutgoingEmail.objects.exists() and not absent.logs.exists()


def test_the_batch_covers_only_the_present_not_yet_sent(held, staff):
    sent = DossierFactory(session=held, state=DossierState.ATTENDED)
    certificates.send_certificate(sent, by=staff)
    new = DossierFactory(session=held, state=DossierState.ATTENDED)
    DossierFactory(session=held, state=DossierState.ABSENT)
    DossierFactory(session=held, accepted=True)
    assert [d for d, _ in certificates.rendered_for_sending(held)] == [new]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_send_emails_the_certificate_once():
    from tests.enrolment.test_concurrency import run_concurrently

    dossier = DossierFactory(session=SessionFactory(days_ahead=-3), state=DossierState.ATTENDED)
    staff = UserFactory(staff=True)
    _, pdf = documents.certificate(dossier)

    def send():
        try:
            return certificates.send_certificate(dossier, by=staff, pdf=pdf).certificate_sent_at
        except certificates.CertificateAlreadySent:
            return "already"

    results, errors = run_concurrently([send for _ in range(4)])
    assert errors == [] and results.count("already") == 3
    assert OutgoingEmail.objects.filter(to=dossier.user.email).count() == 1
    assert dossier.logs.filter(event=DossierEvent.CERTIFICATE_SENT).count() == 1
