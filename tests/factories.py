"""All factories in one place, with traits for the common shapes."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Collectivite, IdentityDocument, Mandate, User
from accounts.models.user import IdentityMethod
from enrolment.models import Dossier, DossierLog, DossierState, FundingState
from tests.files import pdf_bytes, png_bytes
from trainings.models import Invitation, Modality, Organiser, Session, Theme, Training

TEST_PASSWORD = "Motdepasse-Solide-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"elu{n}@example.fr")
    birth_name = factory.Faker("last_name", locale="fr_FR")
    first_names = factory.Faker("first_name", locale="fr_FR")
    birth_date = datetime.date(1970, 5, 17)
    birth_place = "Tours"
    phone_mobile = "06 12 34 56 78"
    street_number = "12"
    street_type = "rue"
    street_name = "Nationale"
    postal_code = "37000"
    city = "Tours"
    email_confirmed_at = factory.LazyFunction(timezone.now)
    cgu_accepted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or TEST_PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)
        franceconnect = factory.Trait(
            identity_method=IdentityMethod.FRANCECONNECT,
            identity_verified_at=factory.LazyFunction(timezone.now),
            franceconnect_sub=factory.Sequence(lambda n: f"fc-sub-{n}"),
        )
        verified_by_document = factory.Trait(
            identity_method=IdentityMethod.DOCUMENT,
            identity_verified_at=factory.LazyFunction(timezone.now),
        )
        unconfirmed = factory.Trait(email_confirmed_at=None)  # signed up, e-mail not confirmed yet


class CollectiviteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collectivite
        django_get_or_create = ["code"]

    name = factory.Sequence(lambda n: f"Commune {n}")
    code = factory.Sequence(lambda n: f"37{n:03d}")
    postal_code = "37000"
    is_member = True
    contact_email = factory.Sequence(lambda n: f"mairie{n}@example.fr")

    class Params:
        epci = factory.Trait(
            kind=Collectivite.Kind.EPCI,
            name=factory.Sequence(lambda n: f"Communauté de communes {n}"),
            code=factory.Sequence(lambda n: f"2437{n:05d}"),
            postal_code="",
        )


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    user = factory.SubFactory(UserFactory)
    collectivite = factory.SubFactory(CollectiviteFactory)
    function = Mandate.Function.MAIRE
    start_date = datetime.date(2020, 7, 3)


class OrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organiser

    name = factory.Sequence(lambda n: f"Association des maires {n}")
    short_name = "AM"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    title = factory.Sequence(lambda n: f"Formation {n}")
    reference = factory.Sequence(lambda n: f"AMIL-{n:04d}")
    organiser = factory.SubFactory(OrganiserFactory)
    theme = factory.SubFactory(ThemeFactory)
    summary = "Une formation pour les élus."
    objectives = "Comprendre les bases."
    content = "Matin : cadre. Après-midi : cas pratiques."
    duration_hours = Decimal("7")
    modality = Modality.IN_PERSON
    price = Decimal("150.00")
    is_published = True

    class Params:
        unpublished = factory.Trait(is_published=False)
        # Identified on Mon Compte Formation: the links open this very training there.
        mcf = factory.Trait(
            mcf_training_id=factory.Sequence(lambda n: f"12345678900012_AMIL-{n:04d}"),
            mcf_action_id=factory.Sequence(lambda n: f"12345678900012_AMIL-{n:04d}-A"),
        )
        remote = factory.Trait(modality=Modality.REMOTE)
        blended = factory.Trait(modality=Modality.BLENDED)


def _days_from_now(days, hour=9):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class SessionFactory(factory.django.DjangoModelFactory):
    """`days_ahead` sets the first day; `taken=n` gives n seats to accepted dossiers of other élus."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    class Params:
        days_ahead = 30
        # Upcoming, but the last registration day has passed (the rule is 11 days by default).
        registration_closed = factory.Trait(days_ahead=5)
        cancelled = factory.Trait(status=Session.Status.CANCELLED)
        remote = factory.Trait(venue="Classe virtuelle", city="", postal_code="")

    training = factory.SubFactory(TrainingFactory)
    starts_at = factory.LazyAttribute(lambda o: _days_from_now(o.days_ahead, 9))
    ends_at = factory.LazyAttribute(lambda o: _days_from_now(o.days_ahead, 17))
    venue = "34, Place de la Préfecture"
    city = "Tours"
    postal_code = "37000"
    seats = 15

    @factory.post_generation
    def taken(obj, create, extracted, **kwargs):
        for _ in range(extracted or 0):
            DossierFactory(session=obj, accepted=True)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    training = factory.SubFactory(TrainingFactory)
    collectivite = factory.SubFactory(CollectiviteFactory)


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    user = factory.SubFactory(UserFactory)
    session = factory.SubFactory(SessionFactory)
    state = DossierState.DRAFT

    # What the AMIL needs, as create_draft pre-fills it: a factory dossier can be sent as is.
    contact_email = factory.LazyAttribute(lambda o: o.user.email)
    phone_mobile = "06 12 34 56 78"
    street_address = "12 rue Nationale"
    postal_code = "37000"
    city = "Tours"
    mandate_label = "Maire — Commune de Tours"

    class Params:
        awaiting_identity = factory.Trait(state=DossierState.AWAITING_IDENTITY)
        submitted = factory.Trait(state=DossierState.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now))
        waitlisted = factory.Trait(
            state=DossierState.WAITLISTED,
            submitted_at=factory.LazyFunction(timezone.now),
            waitlisted_at=factory.LazyFunction(timezone.now),
        )
        offered = factory.Trait(
            state=DossierState.WAITLISTED,
            submitted_at=factory.LazyFunction(timezone.now),
            waitlisted_at=factory.LazyFunction(timezone.now),
            offer_expires_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=48)),
        )
        accepted = factory.Trait(
            state=DossierState.ACCEPTED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
        )
        refused = factory.Trait(
            state=DossierState.REFUSED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
            refusal_reason="Session réservée aux communes adhérentes.",
        )
        cancelled = factory.Trait(state=DossierState.CANCELLED)
        # Marked present; give it a past session (session__days_ahead=-3) for what comes after the training.
        attended = factory.Trait(
            state=DossierState.ATTENDED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
        )
        # Funding track on Mon Compte Formation (the AMIL accepted the dossier).
        mcf_requested = factory.Trait(
            state=DossierState.ACCEPTED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
            funding_state=FundingState.REQUESTED,
            funding_state_since=factory.LazyFunction(timezone.now),
            mcf_number=factory.Sequence(lambda n: f"{4200000000 + n}"),
            mcf_requested_at=factory.LazyFunction(timezone.now),
        )
        mcf_to_validate = factory.Trait(
            mcf_requested=True,
            funding_state=FundingState.TO_VALIDATE,
            proposal_sent_on=factory.LazyFunction(timezone.localdate),
        )
        mcf_validated = factory.Trait(mcf_requested=True, funding_state=FundingState.VALIDATED)


class DossierLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DossierLog

    dossier = factory.SubFactory(DossierFactory)
    to_state = DossierState.DRAFT


class IdentityDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentityDocument

    user = factory.SubFactory(UserFactory)
    kind = IdentityDocument.Kind.CNI
    birth_name = factory.LazyAttribute(lambda o: o.user.birth_name)
    first_names = factory.LazyAttribute(lambda o: o.user.first_names)
    birth_date = datetime.date(1970, 5, 17)
    birth_place = "Tours"
    nationality = "Française"

    class Params:
        with_files = factory.Trait(
            front=factory.django.FileField(filename="piece.png", data=png_bytes()),
            back=factory.django.FileField(filename="piece.pdf", data=pdf_bytes()),
        )
        accepted = factory.Trait(
            status=IdentityDocument.Status.ACCEPTED, reviewed_at=factory.LazyFunction(timezone.now)
        )
        rejected = factory.Trait(
            status=IdentityDocument.Status.REJECTED,
            reviewed_at=factory.LazyFunction(timezone.now),
            rejection_reason="La photo est floue.",
        )
