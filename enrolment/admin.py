"""The dossiers in the staff back-office: list, filters, batch decisions, the dossier page, assisted enrolment.

Nothing here changes a dossier's state by itself: every action calls `enrolment.services` (or
`enrolment.convocations`), which checks the rule, logs who did it and e-mails the élu. The state field is
read-only everywhere.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, Value, When
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from accounts.models import IdentityDocument, User
from dife_portal import french
from dife_portal.admin_search import BoundedSearchMixin
from dife_portal.csv_export import csv_response
from trainings.models import Session

from . import admin_identity, admin_sessions, attendance, convocations, documents, rules, services, todo  # noqa: F401 (admin_identity, admin_sessions register)
from .admin_actions import object_to_change, run_for_each, run_with_reason
from .admin_funding import FundingAdminMixin, FundingTodoFilter
from .exceptions import EnrolmentError
from .forms import StaffReasonForm
from .models import Dossier, DossierLog, DossierState, FundingLog


def _date(value):
    return formats.date_format(timezone.localtime(value), "d/m/Y") if value else "—"


def _datetime(value):
    return french.date_heure(value, "d/m/Y") if value else "—"


def session_label(session):
    place = f", {session.city}" if session.city else ""
    return f"{session.first_day:%d/%m/%Y} — {session.training.title}{place}"


class DossierLogInline(admin.TabularInline):
    model = DossierLog
    extra = 0
    can_delete = False
    fields = ["at", "by", "from_state", "to_state", "event", "note"]
    readonly_fields = fields
    verbose_name_plural = "historique (qui, quand, de, vers)"
    template = "admin/edit_inline/tabular_named_headers.html"  # its empty column headers named (axe)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class FundingLogInline(DossierLogInline):
    model = FundingLog
    fields = ["at", "by", "source", "from_state", "to_state", "note"]
    readonly_fields = fields
    verbose_name_plural = "financement Mon Compte Formation (qui, quand, source, de, vers)"


class AwaitingAnswerFilter(admin.SimpleListFilter):
    title = "réponse de l'AMIL"
    parameter_name = todo.WAITING_PARAM

    def lookups(self, request, model_admin):
        return [
            (todo.WAITING_ALL, "En attente de réponse"),
            (
                todo.WAITING_OVERDUE,
                f"En attente depuis plus de {settings.AMIL_RESPONSE_WORKING_DAYS} jours ouvrés",
            ),
            (todo.IDENTITY_URGENT, "Pièce d'identité à vérifier en priorité"),
        ]

    def queryset(self, request, queryset):
        if self.value() == todo.WAITING_ALL:
            return queryset.filter(todo.awaiting_answer())
        if self.value() == todo.WAITING_OVERDUE:
            return queryset.filter(todo.overdue())
        if self.value() == todo.IDENTITY_URGENT:
            return queryset.filter(todo.identity_urgent())
        return queryset


class SessionFilter(admin.SimpleListFilter):
    """Sessions that have dossiers, most recent first (one query, the training's title joined)."""

    title = "session"
    parameter_name = "session"
    LIMIT = 60

    def lookups(self, request, model_admin):
        sessions = (
            Session.objects.filter(dossiers__isnull=False)
            .distinct()
            .select_related("training")
            .order_by("-starts_at")[: self.LIMIT]
        )
        return [(str(s.pk), session_label(s)) for s in sessions]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(session_id=int(value))
        return queryset


class AssistedEnrolmentForm(forms.Form):
    """Staff start a dossier on an élu's behalf; the élu reviews and sends it."""

    user = forms.ModelChoiceField(
        label="Élu",
        queryset=User.objects.filter(is_active=True),
        help_text="Tapez son nom ou son adresse mail. L'élu doit déjà avoir un compte sur le portail.",
        error_messages={"required": "Choisissez l'élu.", "invalid_choice": "Cet élu n'existe pas."},
    )
    session = forms.ModelChoiceField(
        label="Session",
        queryset=Session.objects.none(),
        help_text="Seules les sessions dont les inscriptions sont ouvertes sont proposées.",
        error_messages={
            "required": "Choisissez la session.",
            "invalid_choice": "Cette session n'accepte plus d'inscription : choisissez-en une autre.",
        },
    )

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        user_field.widget = AutocompleteSelect(Dossier._meta.get_field("user"), admin_site)
        user_field.widget.choices = user_field.choices  # what the field's queryset setter would do
        self.fields["session"].queryset = (
            Session.objects.registration_open()
            .filter(training__is_published=True)
            .select_related("training")
            .order_by("starts_at")
        )
        self.fields["session"].label_from_instance = session_label


@admin.register(Dossier)
class DossierAdmin(FundingAdminMixin, BoundedSearchMixin, admin.ModelAdmin):
    # Few, narrow columns: the list stays readable next to the navigation and the filters.
    list_display = ["elu", "collectivite", "session_display", "state", "sent_on", "funding_display", "identity_path"]
    list_display_links = ["elu"]
    list_filter = [
        "state",
        AwaitingAnswerFilter,
        "funding_state",
        FundingTodoFilter,
        SessionFilter,
        ("session__training", admin.RelatedOnlyFieldListFilter),
        ("mandate__collectivite", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["user", "session__training", "mandate__collectivite"]
    list_per_page = 50
    search_fields = [
        "user__email",
        "user__birth_name",
        "user__usage_name",
        "user__first_names",
        "contact_email",
        "birth_name",
        "usage_name",
        "mandate__collectivite__name",
        "mandate_label",
    ]
    inlines = [DossierLogInline, FundingLogInline]
    actions = [
        "accept",
        "refuse",
        "send_convocation",
        "mark_attended",
        "mark_absent",
        "cancel",
        "funding_proposal_sent",
        "funding_entry_declared",
        "funding_service_declared",
        "export_csv",
    ]
    fieldsets = [
        (
            "Élu",
            {
                "fields": [
                    "user_link",
                    "identity_path",
                    "identity_details",
                    "contact_details",
                    "address_details",
                    "mandate_display",
                    "elu_comment",
                ]
            },
        ),
        ("Session", {"fields": ["session_link", "invitation", "prepared"]}),
        (
            "Suivi",
            {
                "fields": [
                    "state",
                    "created_at",
                    "sent_on_long",
                    "waiting",
                    "decided_at",
                    "refusal_reason",
                    "cancel_reason",
                    "waitlisted_at",
                    "offer_expires_at",
                    "convocation_sent_at",
                    "reminder_sent_at",
                ]
            },
        ),
        (
            "Financement Mon Compte Formation",
            {
                "fields": [
                    "funding_state",
                    "funding_state_since",
                    "mcf_number",
                    "mcf_requested_at",
                    "proposal_sent_on",
                    "entry_declared_on",
                    "service_declared_on",
                ]
            },
        ),
    ]

    # --- Read-only everywhere ------------------------------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        declared = [name for _, options in self.fieldsets for row in options["fields"] for name in _flat(row)]
        return declared

    def has_delete_permission(self, request, obj=None):
        return False  # a dossier is cancelled or refused, never deleted: its log is the trace

    def get_queryset(self, request):
        # Dossiers waiting for an answer first, the oldest first; then the others, the most recent first.
        waiting = Q(state=DossierState.SUBMITTED)
        # Built here rather than by super(), which orders by get_ordering() before the annotation exists.
        return (
            Dossier.objects.select_related(
                "user",
                "session__training",
                "mandate__collectivite",
                "invitation__training",
                "invitation__collectivite",
                "created_by",
            )
            .annotate(
                waiting_first=Case(When(waiting, then=Value(0)), default=Value(1)),
                waiting_since=Case(When(waiting, then=F("submitted_at"))),
            )
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        return ["waiting_first", "waiting_since", "-submitted_at", "-created_at"]

    # --- Columns ---------------------------------------------------------------------------------------------

    @admin.display(description="élu", ordering="user__birth_name")
    def elu(self, dossier):
        return format_html(
            "{}<br><small>{} — dossier n° {}</small>", attendance.display_name(dossier), dossier.user.email, dossier.pk
        )

    @admin.display(description="collectivité", ordering="mandate__collectivite__name")
    def collectivite(self, dossier):
        if dossier.mandate_id:
            return dossier.mandate.collectivite.name
        return dossier.mandate_label or "—"

    @admin.display(description="session", ordering="session__starts_at")
    def session_display(self, dossier):
        session = dossier.session
        place = f", {session.city}" if session.city else ""
        return format_html(
            "{}<br><small>{}{}</small>",
            Truncator(session.training.title).chars(48),
            f"{session.first_day:%d/%m/%Y}",
            place,
        )

    @admin.display(description="envoyé le (attente)", ordering="submitted_at")
    def sent_on(self, dossier):
        waiting = self.waiting(dossier)
        if waiting == "—":
            return _date(dossier.submitted_at)
        return format_html("{}<br>{}", _date(dossier.submitted_at), waiting)

    @admin.display(description="envoyé le")
    def sent_on_long(self, dossier):
        return _datetime(dossier.submitted_at)

    @admin.display(description="attente")
    def waiting(self, dossier):
        if dossier.state != DossierState.SUBMITTED or dossier.submitted_at is None:
            return "—"
        days, working = rules.waiting_days(dossier.submitted_at)
        text = f"{days} j ({working} ouvré{'s' if working > 1 else ''})"
        if rules.is_response_overdue(dossier.submitted_at):
            return format_html('<strong class="backoffice-overdue">⚠ {} — en retard</strong>', text)
        return text

    @admin.display(description="identité")
    def identity_path(self, dossier):
        user = dossier.user
        if user.identity_verified:
            return "FranceConnect" if user.verified_by_franceconnect else "Pièce d'identité vérifiée"
        if dossier.state == DossierState.AWAITING_IDENTITY:
            return "Pièce d'identité à vérifier"
        return "Non vérifiée"

    @admin.display(description="compte de l'élu")
    def user_link(self, dossier):
        url = reverse("admin:accounts_user_change", args=[dossier.user_id])
        return format_html('<a href="{}">{}</a> — {}', url, dossier.user.get_full_name(), dossier.user.email)

    @admin.display(description="état civil")
    def identity_details(self, dossier):
        # What the dossier holds (copied when it is sent), else what the élu's account says.
        user = dossier.user

        def pick(name):
            return getattr(dossier, name) or getattr(user, name)

        birth = pick("birth_date")
        parts = [
            f"Nom de naissance : {pick('birth_name') or '—'}",
            f"nom d'usage : {pick('usage_name') or '—'}",
            f"prénoms : {pick('first_names') or '—'}",
            f"né(e) le {birth:%d/%m/%Y} à {pick('birth_place') or '—'}" if birth else "date de naissance : —",
            f"nationalité : {pick('nationality') or '—'}",
        ]
        return " ; ".join(parts)

    @admin.display(description="contact")
    def contact_details(self, dossier):
        phones = " / ".join(filter(None, [dossier.phone_mobile, dossier.phone_landline])) or "pas de téléphone"
        return f"{dossier.contact_email or dossier.user.email} — {phones}"

    @admin.display(description="adresse")
    def address_details(self, dossier):
        town = f"{dossier.postal_code} {dossier.city}".strip()
        return ", ".join(filter(None, [dossier.street_address, town])) or "—"

    @admin.display(description="mandat")
    def mandate_display(self, dossier):
        return attendance.collectivite_label(dossier) or "—"

    @admin.display(description="session")
    def session_link(self, dossier):
        url = reverse("admin:trainings_session_participants", args=[dossier.session_id])
        return format_html('<a href="{}">{}</a>', url, session_label(dossier.session))

    @admin.display(description="dossier commencé par")
    def prepared(self, dossier):
        if dossier.prepared_by_staff:
            return f"{dossier.created_by} (équipe), pour l'élu — inscription assistée"
        return "L'élu"

    # --- The dossier page --------------------------------------------------------------------------------------

    def get_urls(self):
        urls = [
            path(
                "<int:pk>/decision/",
                self.admin_site.admin_view(self.transition_view),
                name="enrolment_dossier_transition",
            ),
            path(
                "<int:pk>/attestation/",
                self.admin_site.admin_view(self.certificate_view),
                name="enrolment_dossier_certificate",
            ),
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dossier = self.get_object(request, object_id)
        extra = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        if dossier is not None:
            extra |= self._panels_context(request, dossier)
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def _panels_context(self, request, dossier):
        can_change = self.has_change_permission(request, dossier)
        labels = {
            "accept": "Valider le dossier",
            "refuse": "Refuser le dossier",
            "convocation": "Envoyer la convocation" + (" à nouveau" if dossier.convocation_sent_at else ""),
            "attended": "Marquer présent",
            "absent": "Marquer absent",
            "cancel": "Annuler le dossier",
        }
        actions = rules.staff_actions(dossier) if can_change else []
        can_review = request.user.has_perm("accounts.view_identity_files")
        documents = []
        if can_review:
            documents = list(
                IdentityDocument.objects.filter(user_id=dossier.user_id)
                .select_related("reviewed_by")
                .order_by("-uploaded_at")[:3]
            )
        return {
            "dossier": dossier,
            "staff_actions": [(name, labels[name]) for name in actions if name not in ("refuse", "cancel")],
            "reason_actions": [(name, labels[name]) for name in actions if name in ("refuse", "cancel")],
            "transition_url": reverse("admin:enrolment_dossier_transition", args=[dossier.pk]),
            "reason_form": StaffReasonForm(),
            "can_review_identity": can_review,
            "can_decide_identity": can_review and request.user.has_perm("accounts.change_identitydocument"),
            "identity_documents": documents,
            "identity_pending": dossier.state == DossierState.AWAITING_IDENTITY,
            "certificate_url": reverse("admin:enrolment_dossier_certificate", args=[dossier.pk])
            if dossier.state == DossierState.ATTENDED
            else "",
            **self.funding_panel_context(request, dossier),
        }

    TRANSITIONS = {
        "accept": (services.accept, "Dossier validé : l'élu est prévenu par e-mail.", "Dossier validé."),
        "refuse": (services.refuse, "Dossier refusé : l'élu a reçu le motif par e-mail.", "Dossier refusé."),
        "cancel": (services.cancel, "Dossier annulé : l'élu est prévenu par e-mail.", "Dossier annulé."),
        "attended": (services.mark_attended, "Présence notée.", "Présence notée."),
        "absent": (services.mark_absent, "Absence notée.", "Absence notée."),
        "convocation": (
            convocations.send_convocation,
            "Convocation envoyée par e-mail, avec le fichier pour l'agenda.",
            "Convocation envoyée.",
        ),
    }

    def transition_view(self, request, pk):
        dossier = object_to_change(self, request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        name = request.POST.get("transition", "")
        if name not in self.TRANSITIONS:
            messages.error(request, "Action inconnue.")
            return redirect("admin:enrolment_dossier_change", dossier.pk)
        service, success, history = self.TRANSITIONS[name]
        kwargs = {}
        if name in ("refuse", "cancel"):
            kwargs["reason"] = request.POST.get("reason", "")
        try:
            service(dossier, by=request.user, **kwargs)
        except EnrolmentError as error:
            messages.error(request, str(error))
        else:
            if kwargs.get("reason"):
                history = f"{history} Motif : {kwargs['reason'].strip()}"
            self.log_change(request, dossier, history)
            messages.success(request, success)
        return redirect("admin:enrolment_dossier_change", dossier.pk)

    def certificate_view(self, request, pk):
        """The élu's certificate of attendance (PDF); refused, with the reason, unless the élu is marked present."""
        from .admin_sessions import file_response

        dossier = self.get_object(request, str(pk))
        if dossier is None:
            raise Http404
        if not self.has_view_permission(request, dossier):
            raise PermissionDenied
        try:
            return file_response(*documents.certificate(dossier))
        except EnrolmentError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect("admin:enrolment_dossier_change", dossier.pk)

    # --- Assisted enrolment ("Inscrire un élu") --------------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"session": request.GET.get("session"), "user": request.GET.get("user")}
        form = AssistedEnrolmentForm(request.POST or None, initial=initial, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid():
            user, session = form.cleaned_data["user"], form.cleaned_data["session"]
            try:
                dossier, created = services.prepare_for_elu(user, session, by=request.user)
            except EnrolmentError as error:
                form.add_error(None, str(error))
            else:
                if created:
                    self.log_addition(request, dossier, "Dossier préparé pour l'élu (inscription assistée).")
                    messages.success(
                        request,
                        f"Dossier préparé pour {user.get_full_name() or user.email} : un e-mail lui demande de le "
                        "vérifier et de l'envoyer lui-même.",
                    )
                else:
                    messages.info(request, "Cet élu a déjà un dossier pour cette session : le voici.")
                return redirect("admin:enrolment_dossier_change", dossier.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": "Inscrire un élu : préparer son dossier",
            "form": form,
            "media": self.media + form.media,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/enrolment/dossier/assisted.html", context)

    # --- Batch actions -----------------------------------------------------------------------------------------

    @admin.action(description="Valider", permissions=["change"])
    def accept(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset,
            services.accept,
            "{count} dossier(s) validé(s) : les élus sont prévenus par e-mail.",
            history="Dossier validé.",
        )

    @admin.action(description="Refuser (avec un motif)", permissions=["change"])
    def refuse(self, request, queryset):
        return run_with_reason(
            self,
            request,
            queryset,
            services.refuse,
            title="Refuser des dossiers",
            success="{count} dossier(s) refusé(s) : les élus ont reçu le motif par e-mail.",
            history="Dossier refusé.",
        )

    @admin.action(description="Annuler (avec un motif)", permissions=["change"])
    def cancel(self, request, queryset):
        return run_with_reason(
            self,
            request,
            queryset,
            services.cancel,
            title="Annuler des dossiers",
            success="{count} dossier(s) annulé(s).",
            history="Dossier annulé.",
        )

    @admin.action(description="Envoyer la convocation (e-mail et agenda)", permissions=["change"])
    def send_convocation(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset,
            convocations.send_convocation,
            "{count} convocation(s) envoyée(s).",
            history="Convocation envoyée.",
        )

    @admin.action(description="Marquer présent", permissions=["change"])
    def mark_attended(self, request, queryset):
        run_for_each(
            self, request, queryset, services.mark_attended, "{count} dossier(s) : présent.", history="Présence notée."
        )

    @admin.action(description="Marquer absent", permissions=["change"])
    def mark_absent(self, request, queryset):
        run_for_each(
            self, request, queryset, services.mark_absent, "{count} dossier(s) : absent.", history="Absence notée."
        )

    @admin.action(description="Exporter (CSV)", permissions=["view"])
    def export_csv(self, request, queryset):
        from .admin_sessions import participant_rows

        dossiers = queryset.select_related("user", "mandate__collectivite", "session__training").order_by(
            "session__starts_at", "pk"
        )
        header, rows = participant_rows(dossiers, with_session=True)
        return csv_response("dossiers.csv", header, rows)


def _flat(row):
    return row if isinstance(row, list | tuple) else [row]
