import pytest

from enrolment import certificates, documents
from enrolment.models import DossierEvent, DossierState
from mailing.models import OutgoingEmail
from tests.factories import DossierFactory, SessionFactory
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
