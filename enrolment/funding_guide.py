"""What the élu reads about the funding on Mon Compte Formation (MCF): the ONE next action of a dossier with its
date, and the guide "Étape suivante sur Mon Compte Formation" (identity path, MCF screens in order, each dated).

Pure functions of a dossier and today's Paris date. A date is only ever given as something to do when it is today
or later; once MCF's own deadline has passed, the élu is told plainly that it is too late and what the AMIL can
still do.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from trainings import deadlines, mcf

from . import funding_rules
from .models import DossierState, FundingState

S = FundingState
FUNDABLE_DOSSIER_STATES = funding_rules.FUNDABLE_DOSSIER_STATES
TOO_LATE = (
    "Il est trop tard pour faire la demande sur Mon Compte Formation pour cette session : la formation ne peut plus "
    "être payée par votre DIFE. Contactez l'{short_name} : elle peut vous proposer une autre session ou une prise en "
    "charge par votre collectivité"
)


@dataclass(frozen=True)
class NextAction:
    """The one thing to do next on a dossier. `due` is never a past day; `elu_acts` is False when the élu waits.
    `text` has no final full stop: the date (if any) follows it."""

    kind: str
    text: str
    due: object = None  # datetime.date or None
    elu_acts: bool = True
    due_words: str = "au plus tard le"  # what stands before the date
    after: str = ""  # a sentence after the date
    url: str = ""  # where on MCF, for an action on MCF: the training (a request) or the élu's space (the rest)

    @property
    def on_mcf(self):
        """The action happens on Mon Compte Formation: the page offers the link."""
        return bool(self.url)


def _too_late():
    return NextAction("too_late", TOO_LATE.format(short_name=settings.ASSOCIATION["short_name"]), elu_acts=False)


def needs_mcf_request(dossier, today):
    """Whether the élu must now make a request on MCF (the guide's full steps are shown): the AMIL holds the
    dossier, no request is running, and MCF still takes one today."""
    return (
        dossier.state in FUNDABLE_DOSSIER_STATES
        and not dossier.session.is_cancelled
        and dossier.funding_state in (S.TODO, S.CANCELLED, S.EXPIRED)
        and funding_rules.is_mcf_request_open(dossier.session, today)
    )


def next_action(dossier, today=None, now=None):
    """The dossier's next action, both tracks together (the AMIL's decision first, then the funding)."""
    today = today or deadlines.paris_today(now)
    session = dossier.session
    state = dossier.state
    if session.is_cancelled:
        return None  # nothing to do for a cancelled session (the AMIL tells the élu)
    if state in (DossierState.DRAFT, DossierState.AWAITING_IDENTITY):
        last_day = deadlines.last_registration_day(session.first_day)
        if last_day < today:
            return None  # the deadline notice says the registration is closed
        if state == DossierState.AWAITING_IDENTITY:
            return NextAction("wait_identity", "L'équipe vérifie votre pièce d'identité", elu_acts=False)
        return NextAction("send", "Envoyer votre dossier à l'AMIL", last_day)
    if state == DossierState.WAITLISTED:
        if dossier.offer_expires_at and dossier.has_pending_offer(now or timezone.now()):
            return NextAction(
                "confirm_offer", "Confirmer la place proposée", deadlines.paris_today(dossier.offer_expires_at)
            )
        return NextAction(
            "wait_seat", "Attendre qu'une place se libère : elle vous sera proposée par e-mail", elu_acts=False
        )
    if state not in FUNDABLE_DOSSIER_STATES:
        return None
    return funding_next_action(dossier, today)


def funding_next_action(dossier, today):
    """The next action on the funding track of a dossier the AMIL holds (sent, accepted, attended)."""
    session = dossier.session
    funding_state = dossier.funding_state
    request_last_day = funding_rules.mcf_request_last_day(session)
    if funding_state in (S.TODO, S.CANCELLED, S.EXPIRED):
        if request_last_day < today:
            return _too_late()
        again = "une nouvelle" if funding_state != S.TODO else "votre"
        return NextAction(
            "mcf_request",
            f"Faire {again} demande sur Mon Compte Formation (« Créer mon dossier d'inscription »), puis indiquer ici "
            "son numéro",
            request_last_day,
            url=funding_rules.mcf_url(dossier),
        )
    if funding_state == S.REQUESTED:
        answer_day = funding_rules.organisation_answer_deadline(funding_rules.requested_on(dossier) or today)
        if answer_day >= today:
            return NextAction(
                "wait_proposal", "L'AMIL vous répond sur Mon Compte Formation", answer_day, elu_acts=False
            )
        return NextAction(
            "wait_proposal",
            "La réponse de l'AMIL sur Mon Compte Formation est en retard : contactez l'AMIL si rien n'arrive",
            elu_acts=False,
        )
    if funding_state == S.TO_VALIDATE:
        last_day = funding_rules.proposal_deadline(dossier.proposal_sent_on or today)
        if last_day >= today:
            return NextAction(
                "validate",
                "Valider la proposition sur Mon Compte Formation (« Valider »)",
                last_day,
                url=settings.MCF_LOGIN_URL,
            )
        if request_last_day >= today:
            return NextAction(
                "mcf_request",
                "Le délai pour valider la proposition est dépassé : Mon Compte Formation l'annule. Faites une "
                "nouvelle demande sur Mon Compte Formation, puis indiquez ici son numéro",
                request_last_day,
                url=funding_rules.mcf_url(dossier),
            )
        return _too_late()
    if funding_state in (S.VALIDATED, S.IN_TRAINING):
        if session.first_day > today:
            return NextAction(
                "come",
                "Rien d'autre à faire : la formation est payée par votre DIFE. Rendez-vous à la formation",
                session.first_day,
                elu_acts=False,
                due_words="le",
            )
        if session.last_day >= today:
            return NextAction("come", "Formation en cours", elu_acts=False)
        declaration_day = funding_rules.service_declaration_deadline(session.last_day)
        return NextAction(
            "wait_service",
            "L'AMIL déclare la fin de la formation sur Mon Compte Formation",
            declaration_day if declaration_day >= today else None,
            elu_acts=False,
            after="Vous pourrez alors confirmer votre présence et donner votre avis sur Mon Compte Formation.",
        )
    if funding_state == S.SERVICE_DECLARED:
        return NextAction(
            "rate",
            "Confirmer votre présence et donner votre avis sur Mon Compte Formation",
            url=settings.MCF_LOGIN_URL,
        )
    if funding_state == S.SERVICE_VALIDATED:
        return NextAction("done", "Dossier terminé : la formation est payée par votre DIFE", elu_acts=False)
    # REFUSED
    return NextAction(
        "refused",
        "L'AMIL n'a pas pu accepter la demande sur Mon Compte Formation : contactez-la pour trouver une autre solution",
        elu_acts=False,
    )


def search_words(session):
    """What to type in MCF's search when the session has no MCF address: "Formation, métier, etc.",
    "Formation en centre / Formation à distance" and "Localisation", as the guide teaches (trainings.mcf)."""
    link = mcf.mcf_link(session.training, session)
    return {"what": link.keywords, "modality": link.modality, "where": link.location}


def guide(dossier, today=None):
    """The context of the guide "Étape suivante sur Mon Compte Formation" (None when there is no MCF request to
    make today). Dates assume the élu makes the request today, the best case the guide recommends."""
    today = today or deadlines.paris_today()
    if not needs_mcf_request(dossier, today):
        return None
    session = dossier.session
    answer_day = funding_rules.organisation_answer_deadline(today)
    url = funding_rules.mcf_url(dossier)
    return {
        "today": today,
        "identity_path": funding_rules.identity_path(dossier.user),
        "request_last_day": funding_rules.mcf_request_last_day(session),
        "is_last_day": funding_rules.mcf_request_last_day(session) == today,
        "answer_day": answer_day,
        "validation_day": funding_rules.proposal_deadline(answer_day),
        "mcf_url": url,
        "login_url": settings.MCF_LOGIN_URL,
        # An address of its own on MCF opens the training; the generic search needs the words to type.
        "has_own_address": mcf.has_identifiers(session.training, session),
        "search": search_words(session),
        "cdc_email": settings.DIFE_CDC_EMAIL,
        "franceconnect_plus_since": settings.MCF_FRANCECONNECT_PLUS_SINCE,
        "answer_working_days": settings.MCF_ORGANISATION_ANSWER_WORKING_DAYS,
        "validation_working_days": settings.MCF_PROPOSAL_VALIDATION_WORKING_DAYS,
        "again": dossier.funding_state != S.TODO,
    }
