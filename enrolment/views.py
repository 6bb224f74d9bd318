"""Step 3 of the journey, "S'inscrire": thin views over `enrolment.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import IdentityDocument, IdentityDocumentAccess
from accounts.models.identity import IDENTITY_FILE_EXTENSIONS
from dife_portal.french import date_heure
from trainings import deadlines, invitations
from trainings.models import Session

from . import funding, funding_guide, funding_rules, rules, seats, services
from .exceptions import EnrolmentError
from .forms import CancelForm, DossierInformationForm, IdentityDocumentForm, McfNumberForm
from .models import Dossier, DossierLog, DossierState, FundingSource, FundingState

SENT_STATES = (DossierState.SUBMITTED, DossierState.WAITLISTED)


def _own_dossier(request, pk):
    """The signed-in élu's dossier, or 404: another élu's dossier does not exist for them."""
    return get_object_or_404(
        Dossier.objects.select_related("session__training__organiser", "mandate__collectivite", "satisfaction_receipt"),
        pk=pk,
        user=request.user,
    )


def _identity_status(user):
    """What the dossier pages say about the élu's identity: verified, waiting for staff, or to do."""
    if user.identity_verified:
        return {"verified": True, "pending": None, "rejected": None}
    documents = list(user.identity_documents.order_by("-uploaded_at")[:1])
    latest = documents[0] if documents else None
    return {
        "verified": False,
        "pending": latest if latest and latest.status == IdentityDocument.Status.PENDING else None,
        "rejected": latest if latest and latest.status == IdentityDocument.Status.REJECTED else None,
    }


def _timeline(logs):
    """The lines of a dossier's history (includes/timeline.html), each moment written once, in Paris time."""
    lines = []
    for log in logs:
        at = timezone.localtime(log.at)
        lines.append(
            {"datetime": at.isoformat(), "when": date_heure(at, "j F Y"), "label": log.label, "note": log.note}
        )
    return lines


def _dossier_context(request, dossier, **extra):
    session = dossier.session
    training = session.training
    return {
        "step": 3,
        "dossier": dossier,
        "session": session,
        "training": training,
        "dife_balance": request.user.dife_balance,
        "dife_balance_date": request.user.dife_balance_date,
        "remaining_cost": rules.remaining_cost(training.price, request.user.dife_balance),
        "identity": _identity_status(request.user),
        "upload_advice": rules.identity_upload_advice(session.first_day),
        "waiting_position": seats.waiting_list_position(dossier),
        "registration_open": deadlines.is_registration_open(session.first_day),
        "can_cancel": rules.elu_can_cancel(dossier),
        "has_pending_offer": dossier.has_pending_offer(timezone.now()),
        **_funding_context(dossier, extra.pop("mcf_form", None)),
        **extra,
    }


def _funding_context(dossier, mcf_form=None):
    """The funding track on Mon Compte Formation: the next action, the guide, and the form for the MCF number."""
    today = deadlines.paris_today()
    can_record = funding.can(dossier, "record_mcf_request") and (
        dossier.funding_state == FundingState.REQUESTED or funding_guide.needs_mcf_request(dossier, today)
    )
    return {
        "next_action": funding_guide.next_action(dossier, today),
        "shows_funding": funding_rules.shows_funding(dossier),
        "mcf_guide": funding_guide.guide(dossier, today),
        "mcf_form": (mcf_form or McfNumberForm()) if can_record else None,
        "funding_logs": dossier.funding_logs.all() if dossier.funding_state != FundingState.TODO else (),
    }


# What "Mes dossiers" reads of a dossier, its session and training (its templates, enrolment.rules,
# enrolment.funding_guide, enrolment.satisfaction): the dossier's form fields and the training's long texts stay behind.
# A column read but left out here costs a query per dossier: the list's query count test covers every shape.
MY_DOSSIERS_FIELDS = (
    "user_id",
    "session_id",
    "state",
    "created_by_id",
    "offer_expires_at",
    "convocation_sent_at",
    "funding_state",
    "mcf_number",
    "mcf_requested_at",
    "proposal_sent_on",
    "session__training_id",
    "session__starts_at",
    "session__ends_at",
    "session__city",
    "session__status",
    "session__mcf_action_id",
    "session__training__title",
    "session__training__mcf_training_id",
    "session__training__mcf_action_id",
    "satisfaction_receipt__id",
)
MY_DOSSIERS_LOG_FIELDS = ("dossier_id", "at", "event", "to_state", "note")


@login_required
def my_dossiers(request):
    """The élu's dossiers with their history, each with its funding track, the one next action and, on the waiting
    list, its position."""
    dossiers = list(
        Dossier.objects.filter(user_id=request.user.pk)
        .select_related("session__training", "satisfaction_receipt")
        .only(*MY_DOSSIERS_FIELDS)
        .prefetch_related(
            Prefetch("logs", queryset=DossierLog.objects.only(*MY_DOSSIERS_LOG_FIELDS).order_by("at", "pk"))
        )
        .order_by("-created_at")
    )
    seats.read_waiting_list_positions(dossiers)
    now = timezone.now()
    today = deadlines.paris_today(now)
    rows = [_my_dossier_row(dossier, today, now) for dossier in dossiers]
    return render(request, "enrolment/list.html", {"rows": rows, "step": 3})


def _my_dossier_row(dossier, today, now):
    """What a card of "Mes dossiers" shows of `dossier`, each value from the rule that decides it."""
    session = dossier.session
    return {
        "dossier": dossier,
        "session": session,
        "detail_url": reverse("enrolment:detail", args=[dossier.pk]),
        "one_day": session.first_day == session.last_day,
        "can_cancel": rules.elu_can_cancel(dossier, now),
        "has_pending_offer": dossier.has_pending_offer(now),
        "waiting_position": seats.waiting_list_position(dossier),
        "next_action": funding_guide.next_action(dossier, today, now),
        "shows_funding": funding_rules.shows_funding(dossier),
        "timeline": _timeline(dossier.logs.all()),
        "mcf_url": session.moncompteformation_url,
    }


@login_required
def start(request, session_pk):
    """ "Créer mon dossier d'inscription": shows the session, creates (or resumes) the élu's dossier."""
    session = get_object_or_404(
        Session.objects.select_related("training__organiser"), pk=session_pk, training__is_published=True
    )
    existing = services.active_dossier(request.user, session)
    if existing:
        if request.method == "POST":
            messages.info(request, "Vous avez déjà un dossier pour cette session : vous pouvez le reprendre.")
        return redirect("enrolment:detail", existing.pk)
    if request.method == "POST":
        try:
            invitation = invitations.invitation_for(request, session)
            dossier, _ = services.create_draft(request.user, session, invitation=invitation)
        except EnrolmentError as error:
            messages.error(request, str(error))
        else:
            return redirect("enrolment:detail", dossier.pk)
    context = {
        "step": 3,
        "session": session,
        "training": session.training,
        "registration_open": session.status == Session.Status.OPEN
        and deadlines.is_registration_open(session.first_day),
        "is_full": seats.availability(session, timezone.now()).is_full,
        "remaining_cost": rules.remaining_cost(session.training.price, request.user.dife_balance),
        "dife_balance": request.user.dife_balance,
    }
    return render(request, "enrolment/start.html", context)


@login_required
def detail(request, pk):
    """The dossier: editable information while it is a draft, its state and timeline afterwards."""
    dossier = _own_dossier(request, pk)
    form = None
    if dossier.is_editable:
        if request.method == "POST":
            form = DossierInformationForm(request.POST, instance=dossier, user=request.user)
            if form.is_valid():
                try:
                    services.update_information(dossier, by=request.user, data=form.cleaned_data)
                except EnrolmentError as error:
                    messages.error(request, str(error))
                    return redirect("enrolment:detail", dossier.pk)
                return redirect("enrolment:review", dossier.pk)
        else:
            form = DossierInformationForm(instance=dossier, user=request.user)
    timeline = _timeline(dossier.logs.order_by("at", "pk"))
    return render(request, "enrolment/detail.html", _dossier_context(request, dossier, form=form, timeline=timeline))


@login_required
@require_POST
def record_mcf_number(request, pk):
    """The élu types the number of their dossier on Mon Compte Formation: the funding track moves to "Demande
    envoyée". A wrong number shows the dossier page again with the French error and what was typed."""
    dossier = _own_dossier(request, pk)
    form = McfNumberForm(request.POST)
    if form.is_valid():
        try:
            funding.record_mcf_request(
                dossier, form.cleaned_data["mcf_number"], by=request.user, source=FundingSource.ELU
            )
        except EnrolmentError as error:
            form.add_error("mcf_number", str(error))
        else:
            messages.success(
                request,
                "Le numéro de votre dossier sur Mon Compte Formation est enregistré. Attendez la réponse de l'AMIL.",
            )
            return redirect("enrolment:detail", dossier.pk)
    timeline = _timeline(dossier.logs.order_by("at", "pk"))
    context = _dossier_context(request, dossier, form=None, timeline=timeline, mcf_form=form)
    return render(request, "enrolment/detail.html", context)


@login_required
def identity(request, pk):
    """Path without FranceConnect: upload the identity document and confirm what it says."""
    dossier = _own_dossier(request, pk)
    status = _identity_status(request.user)
    if not dossier.is_editable or status["verified"] or status["pending"]:
        return redirect("enrolment:detail", dossier.pk)
    if request.method == "POST":
        form = IdentityDocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.upload_identity_document(
                    dossier,
                    by=request.user,
                    kind=form.cleaned_data["kind"],
                    identity=form.identity,
                    front=form.cleaned_data["front"],
                    back=form.cleaned_data["back"],
                )
            except EnrolmentError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    "Votre pièce d'identité est envoyée. L'équipe la vérifie et vous écrit : vous pourrez "
                    "alors envoyer votre dossier.",
                )
            return redirect("enrolment:detail", dossier.pk)
    else:
        user = request.user
        form = IdentityDocumentForm(
            initial={name: getattr(user, name) for name in IdentityDocumentForm.IDENTITY_FIELDS if getattr(user, name)}
        )
    return render(request, "enrolment/identity.html", _dossier_context(request, dossier, form=form))


@login_required
def review(request, pk):
    """ "Vérifiez votre dossier": everything that will be sent, then "Envoyer mon dossier"."""
    dossier = _own_dossier(request, pk)
    if dossier.state in SENT_STATES:
        return redirect("enrolment:sent", dossier.pk)
    if not dossier.is_editable:
        return redirect("enrolment:detail", dossier.pk)
    context = _dossier_context(request, dossier, missing=rules.missing_information(dossier))
    return render(request, "enrolment/review.html", context)


@login_required
@require_POST
def send(request, pk):
    # The service finds the dossier's session with the seat lock and checks whose the dossier is.
    try:
        services.submit_own(pk, elu=request.user)
    except Dossier.DoesNotExist:
        raise Http404("Dossier introuvable") from None
    except EnrolmentError as error:
        messages.error(request, str(error))
        return redirect("enrolment:review", pk)
    return redirect("enrolment:sent", pk)


@login_required
def sent(request, pk):
    """The confirmation: "Votre demande d'inscription est envoyée. Attendez la réponse de l'AMIL."."""
    dossier = _own_dossier(request, pk)
    if dossier.state not in SENT_STATES:
        return redirect("enrolment:detail", dossier.pk)
    return render(request, "enrolment/sent.html", _dossier_context(request, dossier))


@login_required
def cancel(request, pk):
    """ "Annuler ma demande", after a confirmation page."""
    dossier = _own_dossier(request, pk)
    if not rules.elu_can_cancel(dossier):
        messages.error(request, "Cette demande ne peut plus être annulée en ligne. Contactez l'équipe.")
        return redirect("enrolment:detail", dossier.pk)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel(dossier, by=request.user, reason=form.cleaned_data["reason"])
        except EnrolmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Votre demande est annulée.")
        return redirect("enrolment:list")
    return render(request, "enrolment/cancel.html", _dossier_context(request, dossier, form=form))


@login_required
@require_POST
def confirm_offer(request, pk):
    """The élu takes the seat offered from the waiting list."""
    dossier = _own_dossier(request, pk)
    try:
        services.confirm_offer(dossier, by=request.user)
    except EnrolmentError as error:
        messages.error(request, str(error))
        return redirect("enrolment:detail", dossier.pk)
    messages.success(request, "Votre place est confirmée.")
    return redirect("enrolment:sent", dossier.pk)


@login_required
def identity_file(request, pk, side):
    """Serve one side of an identity document to staff allowed to see it, and record who looked."""
    if not (request.user.is_staff and request.user.has_perm("accounts.view_identity_files")):
        raise Http404
    document = get_object_or_404(IdentityDocument, pk=pk)
    stored = document.files.get(side)
    if stored is None or not stored.storage.exists(stored.name):
        raise Http404
    IdentityDocumentAccess.objects.create(document=document, viewed_by=request.user, side=side)
    extension = stored.name.rsplit(".", 1)[-1] if "." in stored.name else ""
    content_type = IDENTITY_FILE_EXTENSIONS.get(extension, "application/octet-stream")
    response = FileResponse(
        stored.storage.open(stored.name, "rb"),
        content_type=content_type,
        as_attachment=False,
        filename=f"piece-{document.pk}-{side}.{extension or 'bin'}",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if content_type == "application/pdf":
        # Stored as sent, before uploads were redrawn as images (enrolment/identity_reencoding.py): downloaded,
        # never opened in the browser, and with nothing allowed to run should a browser render it.
        response["Content-Disposition"] = response["Content-Disposition"].replace("inline", "attachment", 1)
        response["Content-Security-Policy"] = "sandbox"
    return response
