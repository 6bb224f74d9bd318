"""The funding track on Mon Compte Formation in the dossier list: its column, its filters, and the batch actions
for what the AMIL does in its EDOF space ("proposition envoyée", "entrée en formation déclarée", "service fait
déclaré"), each asking the day it was done on an intermediate page; the same three steps as one-click forms on a
dossier's page. Every change goes through enrolment.funding (source: staff), which checks the transition, logs it
and e-mails the élu.
"""

from collections.abc import Callable
from typing import NamedTuple

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from trainings import deadlines

from . import funding, funding_rules, funding_todo, mcf_import
from .admin_actions import object_to_change, run_for_each
from .exceptions import EnrolmentError
from .models import FundingSource, FundingState

SESSION_DAY = "session"
THAT_DAY = "date"


class FundingTodoFilter(admin.SimpleListFilter):
    title = "financement à suivre"
    parameter_name = funding_todo.PARAM

    def lookups(self, request, model_admin):
        return funding_todo.filter_choices()

    def queryset(self, request, queryset):
        condition = funding_todo.condition(self.value(), timezone.now()) if self.value() else None
        return queryset.filter(condition) if condition is not None else queryset


class FundingDateForm(forms.Form):
    """The day a step was done in EDOF: one date for all, or each dossier's session day (entry, "service fait")."""

    when = forms.ChoiceField(
        label="Date",
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choisissez une des deux possibilités."},
    )
    on = forms.DateField(
        label="Le",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Le jour où vous l'avez fait dans votre espace EDOF (pas de date future).",
        error_messages={"invalid": "Cette date n'est pas valide : choisissez-la dans le calendrier (jj/mm/aaaa)."},
    )

    def __init__(self, *args, session_day_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = deadlines.paris_today()
        if session_day_label:
            self.fields["when"].choices = [(SESSION_DAY, session_day_label), (THAT_DAY, "Cette date pour tous :")]
            self.fields["when"].initial = SESSION_DAY
        else:
            del self.fields["when"]

    def clean(self):
        cleaned = super().clean()
        by_session = cleaned.get("when") == SESSION_DAY
        if "when" in self.fields and not cleaned.get("when"):
            self.add_error("when", "Choisissez une des deux possibilités.")
        elif not by_session and not cleaned.get("on") and "on" not in self.errors:
            self.add_error("on", "Indiquez la date.")
        return cleaned

    def day_for(self, dossier, own_day):
        if self.cleaned_data.get("when") == SESSION_DAY:
            return own_day(dossier)
        return self.cleaned_data["on"]


def run_with_date(modeladmin, request, queryset, step, *, title, success, history, own_day=None, day_label=None):
    """Ask the day once, on an intermediate page, then run the funding `step` for each dossier."""
    applying = "apply" in request.POST
    form = FundingDateForm(request.POST if applying else None, session_day_label=day_label)
    if applying and form.is_valid():

        def service(dossier, by):
            on = form.day_for(dossier, own_day)
            return step(dossier, on=on, by=by, source=FundingSource.STAFF)

        run_for_each(modeladmin, request, queryset, service, success, history=history)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset.select_related("user", "session__training"),
        "opts": modeladmin.model._meta,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/enrolment/funding_date_action.html", context)


class FundingStep(NamedTuple):
    """One EDOF step staff note, as a batch action of the list and as a button of the dossier page."""

    service: Callable  # enrolment.funding's function; its name is the transition's key in funding.ALLOWED
    title: str  # the batch action's page and the legend of the dossier page's form
    success: str  # the batch action's message, with {count}
    done: str  # the dossier page's message
    history: str  # Django's admin history (LogEntry)
    day_label: str = (
        ""  # with one, the date defaults to each dossier's earliest possible day (a session day), else today
    )


FUNDING_STEPS = {
    step.service.__name__: step
    for step in (
        FundingStep(
            funding.proposal_sent,
            title="Noter la proposition envoyée sur EDOF",
            success="{count} proposition(s) notée(s) : les élus ont reçu par e-mail le dernier jour pour valider.",
            done="Proposition notée : l'élu a reçu par e-mail le dernier jour pour valider.",
            history="Mon Compte Formation : proposition envoyée.",
        ),
        FundingStep(
            funding.entry_declared,
            title="Noter l'entrée en formation déclarée sur EDOF",
            success="{count} entrée(s) en formation notée(s).",
            done="Entrée en formation notée.",
            history="Mon Compte Formation : entrée en formation déclarée.",
            day_label="Le premier jour de la session de chaque dossier",
        ),
        FundingStep(
            funding.service_declared,
            title="Noter le service fait déclaré sur EDOF",
            success="{count} service(s) fait(s) noté(s) : les élus sont invités à confirmer leur présence sur "
            "Mon Compte Formation.",
            done="Service fait noté : l'élu est invité à confirmer sa présence sur Mon Compte Formation.",
            history="Mon Compte Formation : service fait déclaré.",
            day_label="Le dernier jour de la session de chaque dossier",
        ),
    )
}


def run_step_with_date(modeladmin, request, queryset, name):
    """The batch action of FUNDING_STEPS[name]."""
    step = FUNDING_STEPS[name]
    return run_with_date(
        modeladmin,
        request,
        queryset,
        step.service,
        title=step.title,
        success=step.success,
        history=step.history,
        own_day=(lambda dossier: funding_rules.earliest_day(dossier, name)) if step.day_label else None,
        day_label=step.day_label,
    )


def funding_steps_for(dossier):
    """The dossier page's steps: (name, step, date form with its default day, or None while the step's earliest
    possible day is still ahead, and that day) for each step the dossier's funding state allows now (funding.can and
    funding_rules.earliest_day; the service checks again when it runs)."""
    today = deadlines.paris_today()
    steps = []
    for name, step in FUNDING_STEPS.items():
        if not funding.can(dossier, name):
            continue
        earliest = funding_rules.earliest_day(dossier, name) or today
        day = earliest if step.day_label else today
        form = FundingDateForm(initial={"on": day}, auto_id=f"id_{name}_%s") if earliest <= today else None
        steps.append((name, step, form, earliest if form is None else day))
    return steps


def funding_deadline(dossier):
    """The élu's last day to validate a proposal, when one waits for it; else None."""
    if dossier.funding_state == FundingState.TO_VALIDATE and dossier.proposal_sent_on:
        return funding_rules.proposal_deadline(dossier.proposal_sent_on)
    return None


IMPORT_SALT = "enrolment.mcf_import"
IMPORT_MAX_AGE = 3600  # seconds between the preview and "Appliquer"


class McfImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier exporté de votre espace EDOF",
        help_text="La liste des dossiers, en CSV (séparateur ; ou ,) ou en Excel (.xlsx). Rien n'est modifié avant "
        "que vous ayez vu l'aperçu et confirmé.",
        error_messages={"required": "Choisissez le fichier à importer.", "empty": "Le fichier est vide."},
    )


# The list's column says "financement MCF": each state in a few words.
SHORT_LABELS = {
    FundingState.TODO: "à faire",
    FundingState.REQUESTED: "demande envoyée",
    FundingState.TO_VALIDATE: "à valider par l'élu",
    FundingState.VALIDATED: "validée, payée",
    FundingState.IN_TRAINING: "en formation",
    FundingState.SERVICE_DECLARED: "service fait déclaré",
    FundingState.SERVICE_VALIDATED: "service fait validé",
    FundingState.CANCELLED: "annulée",
    FundingState.REFUSED: "refusée",
    FundingState.EXPIRED: "expirée",
}


class FundingAdminMixin:
    """Mixed into enrolment.admin.DossierAdmin."""

    def get_urls(self):
        return [
            path(
                "import-mon-compte-formation/",
                self.admin_site.admin_view(self.mcf_import_view),
                name="enrolment_dossier_mcf_import",
            ),
            path(
                "<int:pk>/financement/",
                self.admin_site.admin_view(self.funding_step_view),
                name="enrolment_dossier_funding_step",
            ),
            *super().get_urls(),
        ]

    def funding_panel_context(self, request, dossier):
        """The dossier page's "Financement sur Mon Compte Formation" panel."""
        can_change = self.has_change_permission(request, dossier)
        return {
            "funding_deadline": funding_deadline(dossier),
            "funding_steps": funding_steps_for(dossier) if can_change else [],
            "funding_step_url": reverse("admin:enrolment_dossier_funding_step", args=[dossier.pk]),
        }

    def funding_step_view(self, request, pk):
        """One EDOF step for one dossier, from its page: the day it was done, then the same service as the batch
        action (source: staff). A refusal (another funding state by now, a date in the future…) changes nothing."""
        dossier = object_to_change(self, request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        back = redirect("admin:enrolment_dossier_change", dossier.pk)
        name = request.POST.get("step", "")
        step = FUNDING_STEPS.get(name)
        if step is None:
            messages.error(request, "Action inconnue.")
            return back
        form = FundingDateForm(request.POST)
        if not form.is_valid():
            text = " ".join(message for field_errors in form.errors.values() for message in field_errors)
            messages.error(request, f"{step.title} : {text[:1].lower()}{text[1:]}")
            return back
        target = funding.ALLOWED[name].target
        if dossier.funding_state == target:  # a double click: the service would change nothing
            messages.warning(
                request, f"Rien à noter : le dossier Mon Compte Formation est déjà à l'état « {target.label} »."
            )
            return back
        try:
            step.service(dossier, on=form.cleaned_data["on"], by=request.user, source=FundingSource.STAFF)
        except EnrolmentError as error:
            messages.error(request, str(error))
        else:
            self.log_change(request, dossier, step.history)
            on = form.cleaned_data["on"]
            if name == "proposal_sent" and not funding_rules.proposal_mail_due(on):  # the service sent no e-mail
                last_day = funding_rules.proposal_deadline(on)
                messages.warning(
                    request,
                    f"Proposition notée. Le dernier jour pour la valider, le {last_day:%d/%m/%Y}, est déjà passé : "
                    "l'élu n'a pas reçu d'e-mail.",
                )
            else:
                messages.success(request, step.done)
        return back

    def mcf_import_view(self, request):
        """Upload → preview (a dry run: what would change, the lines not matched) → "Appliquer" → report."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Importer la liste des dossiers de Mon Compte Formation",
            "opts": self.model._meta,
        }
        form = McfImportForm()
        if request.method == "POST" and "payload" in request.POST:
            try:
                data = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
            except signing.BadSignature:
                messages.error(request, "L'aperçu a expiré (plus d'une heure) : importez le fichier à nouveau.")
            else:
                rows = [mcf_import.Row.from_payload(item) for item in data]
                report = mcf_import.run(rows, by=request.user, dry_run=False)
                count = len(report.changes)
                self.message_user(
                    request,
                    f"Import appliqué : {count} dossier(s) mis à jour.",
                    messages.SUCCESS if count else messages.INFO,
                )
                return TemplateResponse(
                    request, "admin/enrolment/dossier/mcf_import.html", {**context, "report": report, "form": form}
                )
        elif request.method == "POST":
            form = McfImportForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    rows = mcf_import.read(form.cleaned_data["file"])
                except mcf_import.ImportFileError as error:
                    context["file_errors"] = error.errors
                else:
                    report = mcf_import.run(rows, by=request.user, dry_run=True)
                    context["report"] = report
                    context["payload"] = signing.dumps(
                        [row.to_payload() for row in rows], salt=IMPORT_SALT, compress=True
                    )
        return TemplateResponse(request, "admin/enrolment/dossier/mcf_import.html", {**context, "form": form})

    @admin.display(description="financement MCF", ordering="funding_state")
    def funding_display(self, dossier):
        label = SHORT_LABELS.get(dossier.funding_state, dossier.get_funding_state_display())
        number = f"n° {dossier.mcf_number}" if dossier.mcf_number else ""
        last_day = funding_deadline(dossier)
        if last_day:
            return format_html("{}<br><small>{}<br>au plus tard le {}</small>", label, number, f"{last_day:%d/%m/%Y}")
        if number:
            return format_html("{}<br><small>{}</small>", label, number)
        return label

    @admin.action(description="MCF : proposition envoyée (date)", permissions=["change"])
    def funding_proposal_sent(self, request, queryset):
        return run_step_with_date(self, request, queryset, "proposal_sent")

    @admin.action(description="MCF : entrée en formation déclarée (date)", permissions=["change"])
    def funding_entry_declared(self, request, queryset):
        return run_step_with_date(self, request, queryset, "entry_declared")

    @admin.action(description="MCF : service fait déclaré (date)", permissions=["change"])
    def funding_service_declared(self, request, queryset):
        return run_step_with_date(self, request, queryset, "service_declared")
