"""The session in the staff back-office: its participants, presence, convocations and documents (PDF).

`SessionAdmin` extends the catalogue's `trainings.admin.SessionAdmin` (and replaces it in the admin site) with
the pages below, under /admin/trainings/session/<pk>/… Each page needs the matching dossier permission (view to
read and print, change to mark presence and send convocations); every change goes through the enrolment services.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html

from dife_portal.csv_export import csv_response
from trainings.admin import SessionAdmin as CatalogueSessionAdmin
from trainings.models import Session

from . import attendance, certificates, convocations, documents, rules, seats, services, todo
from .admin_actions import run_for_each
from .admin_satisfaction import SatisfactionResultsMixin
from .models import Dossier, DossierState


class SessionSituationFilter(admin.SimpleListFilter):
    title = "à surveiller"
    parameter_name = todo.SESSION_SITUATION_PARAM

    def lookups(self, request, model_admin):
        return [
            (todo.CLOSING_SOON, f"Inscriptions fermant dans les {todo.CLOSING_SOON_DAYS} jours"),
            (todo.FULL, "À venir et complètes"),
        ]

    def queryset(self, request, queryset):
        if self.value() == todo.CLOSING_SOON:
            return queryset.filter(pk__in=todo.sessions_closing_soon().values("pk"))
        if self.value() == todo.FULL:
            return queryset.filter(pk__in=todo.full_sessions().values("pk"))
        return queryset


def _date(value):
    return formats.date_format(timezone.localtime(value), "d/m/Y") if value else ""


def participant_rows(dossiers, *, with_session=False):
    """Header and rows of the participants' CSV (UTF-8 with BOM, `;`: see dife_portal.csv_export)."""
    header = [
        "État",
        "Nom",
        "Prénoms",
        "Adresse mail",
        "Téléphone mobile",
        "Téléphone fixe",
        "Mandat",
        "Demande envoyée le",
        "Convocation envoyée le",
    ]
    if with_session:
        header = ["Formation", "Session", *header]

    def row(dossier):
        user = dossier.user
        values = [
            dossier.get_state_display(),
            (dossier.usage_name or dossier.birth_name or user.usage_name or user.birth_name).upper(),
            dossier.first_names or user.first_names,
            dossier.contact_email or user.email,
            dossier.phone_mobile or user.phone_mobile,
            dossier.phone_landline or user.phone_landline,
            attendance.collectivite_label(dossier),
            _date(dossier.submitted_at),
            _date(dossier.convocation_sent_at),
        ]
        if with_session:
            values = [dossier.session.training.title, f"{dossier.session.first_day:%d/%m/%Y}", *values]
        return values

    return header, (row(d) for d in dossiers)


def file_response(filename, content, content_type=documents.PDF_CONTENT_TYPE, *, inline=True):
    """A generated document: shown by the browser (PDF) or downloaded (zip)."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


class SessionBackofficeMixin:
    """Participants, presence, convocations and documents of a session (see the module docstring)."""

    def get_urls(self):
        def view(func, suffix, name):
            return path(f"<int:pk>/{suffix}/", self.admin_site.admin_view(func), name=f"trainings_session_{name}")

        urls = [
            view(self.participants_view, "participants", "participants"),
            view(self.participants_csv_view, "participants.csv", "participants_csv"),
            view(self.presence_view, "presence", "presence"),
            view(self.convocations_view, "convocations", "convocations"),
            view(self.convocation_preview_view, "convocations/apercu.pdf", "convocation_preview"),
            view(self.attendance_sheets_view, "emargement", "attendance_sheets"),
            view(self.certificates_view, "attestations", "certificates"),
            view(self.send_certificates_view, "attestations/envoi", "send_certificates"),
        ]
        return urls + super().get_urls()

    @admin.display(description="participants")
    def participants_link(self, session):
        url = reverse("admin:trainings_session_participants", args=[session.pk])
        return format_html('<a href="{}">Participants</a>', url)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {}
        if object_id and str(object_id).isdigit():
            extra["participants_url"] = reverse("admin:trainings_session_participants", args=[object_id])
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    # --- Helpers -----------------------------------------------------------------------------------------------

    def _session(self, request, pk, permission):
        if not request.user.has_perm(f"enrolment.{permission}_dossier"):
            raise PermissionDenied
        return get_object_or_404(Session.objects.select_related("training").with_availability(), pk=pk)

    def _dossier_admin(self):
        return self.admin_site._registry[Dossier]

    def _context(self, request, session, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": Session._meta,
            "session": session,
            "training": session.training,
            "participants_url": reverse("admin:trainings_session_participants", args=[session.pk]),
            **extra,
        }

    # --- Participants ------------------------------------------------------------------------------------------

    def participants_view(self, request, pk):
        session = self._session(request, pk, "view")
        groups = attendance.participants(session)
        now = timezone.now()
        started = rules.session_started(session, now)
        can_change = request.user.has_perm("enrolment.change_dossier")
        pending = [
            {
                "dossier": d,
                "waiting": rules.waiting_days(d.submitted_at, now),
                "overdue": rules.is_response_overdue(d.submitted_at, now),
            }
            for d in groups["pending"]
        ]
        sections = [
            {"key": key, "label": label, "dossiers": groups[key], "count": len(groups[key])}
            for key, label, _ in attendance.GROUPS
        ]
        context = self._context(
            request,
            session,
            f"Participants — {session.training.title}",
            sections=sections,
            pending=pending,
            in_progress=groups["in_progress"],
            availability=seats.availability(session, now),
            days=attendance.session_days(session),
            started=started,
            can_change=can_change,
            can_mark_presence=can_change and started,
            can_convoke=can_change and not started and not session.is_cancelled,
            attended_count=sum(1 for d in groups["enrolled"] if d.state == DossierState.ATTENDED),
            certificates_to_send=sum(1 for d in groups["enrolled"] if certificates.is_due(d)),
            can_add_dossier=self._dossier_admin().has_add_permission(request) and session.is_registration_open,
            can_invite=request.user.has_perm("trainings.add_invitation"),
            dossiers_url=reverse("admin:enrolment_dossier_changelist"),
        )
        return TemplateResponse(request, "admin/enrolment/session_participants.html", context)

    def participants_csv_view(self, request, pk):
        session = self._session(request, pk, "view")
        groups = attendance.participants(session)
        header, rows = participant_rows(groups["enrolled"] + groups["pending"] + groups["waiting"])
        filename = f"participants-{session.first_day:%Y-%m-%d}-{session.pk}.csv"
        return csv_response(filename, header, rows)

    def presence_view(self, request, pk):
        # Permission first: staff without it learn nothing, whatever the method.
        session = self._session(request, pk, "change")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        presence = request.POST.get("presence")
        services_by_choice = {
            "attended": (services.mark_attended, "{count} élu(s) marqué(s) présent(s).", "Présence notée."),
            "absent": (services.mark_absent, "{count} élu(s) marqué(s) absent(s).", "Absence notée."),
        }
        ids = [value for value in request.POST.getlist("dossier") if value.isdigit()]
        dossier_admin = self._dossier_admin()
        if presence not in services_by_choice or not ids:
            dossier_admin.message_user(
                request, "Cochez au moins un élu, puis choisissez « présent » ou « absent ».", "error"
            )
            return redirect("admin:trainings_session_participants", session.pk)
        service, success, history = services_by_choice[presence]
        dossiers = (
            Dossier.objects.filter(session=session, pk__in=ids)
            .select_related("user", "session__training")
            .order_by("pk")
        )
        run_for_each(dossier_admin, request, dossiers, service, success, history=history)
        return redirect("admin:trainings_session_participants", session.pk)

    # --- Convocations --------------------------------------------------------------------------------------------

    def convocations_view(self, request, pk):
        session = self._session(request, pk, "change")
        again = (request.POST if request.method == "POST" else request.GET).get("again") == "1"
        dossiers = list(convocations.to_convoke(session, again=again).select_related("session__training"))
        if request.method == "POST":
            run_for_each(
                self._dossier_admin(),
                request,
                dossiers,
                convocations.send_convocation,
                "{count} convocation(s) envoyée(s) par e-mail, avec le fichier pour l'agenda.",
                history="Convocation envoyée.",
            )
            if not dossiers:
                self._dossier_admin().message_user(request, "Aucune convocation à envoyer.", "warning")
            return redirect("admin:trainings_session_participants", session.pk)
        already = Dossier.objects.filter(
            session=session, state=DossierState.ACCEPTED, convocation_sent_at__isnull=False
        ).count()
        context = self._context(
            request,
            session,
            f"Envoyer les convocations — {session.training.title}",
            dossiers=dossiers,
            again=again,
            already=already,
            preview=convocations.preview(dossiers[0]) if dossiers else None,
            started=rules.session_started(session),
        )
        return TemplateResponse(request, "admin/enrolment/session_convocations.html", context)

    def convocation_preview_view(self, request, pk):
        """The convocation PDF the first élu to convoke would receive, nothing sent."""
        session = self._session(request, pk, "change")
        dossier = convocations.to_convoke(session, again=True).select_related("session__training").first()
        if dossier is None:
            raise Http404
        return file_response(*documents.convocation(dossier))

    # --- Documents (PDF) ---------------------------------------------------------------------------------------

    def attendance_sheets_view(self, request, pk):
        session = self._session(request, pk, "view")
        return file_response(*documents.attendance_sheets(session))

    def certificates_view(self, request, pk):
        """All the certificates of the session, one PDF per élu marked present, in a zip."""
        session = self._session(request, pk, "view")
        archive = documents.certificates_zip(session)
        if archive is None:
            self._dossier_admin().message_user(
                request,
                "Aucun élu n'est marqué présent à cette session : notez d'abord la présence ci-dessous.",
                messages.WARNING,
            )
            return redirect("admin:trainings_session_participants", session.pk)
        filename, content = archive
        return file_response(filename, content, "application/zip", inline=False)

    def send_certificates_view(self, request, pk):
        """ "Envoyer les attestations": each élu marked present receives their certificate by e-mail, once."""
        session = self._session(request, pk, "change")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        rendered = {d.pk: pdf for d, pdf in certificates.rendered_for_sending(session)}
        dossier_admin = self._dossier_admin()
        if not rendered:
            dossier_admin.message_user(
                request,
                "Aucune attestation à envoyer : toutes ont déjà été envoyées, ou aucun élu n'est marqué présent.",
                messages.WARNING,
            )
        else:
            run_for_each(
                dossier_admin,
                request,
                Dossier.objects.filter(pk__in=rendered).order_by("pk"),
                lambda dossier, by: certificates.send_certificate(dossier, by=by, pdf=rendered[dossier.pk]),
                "{count} attestation(s) envoyée(s) par e-mail.",
                history="Attestation de présence envoyée.",
            )
        return redirect("admin:trainings_session_participants", session.pk)


class SessionAdmin(SessionBackofficeMixin, SatisfactionResultsMixin, CatalogueSessionAdmin):
    list_display = [*CatalogueSessionAdmin.list_display, "participants_link"]
    list_filter = [CatalogueSessionAdmin.list_filter[0], SessionSituationFilter, *CatalogueSessionAdmin.list_filter[1:]]


admin.site.unregister(Session)
admin.site.register(Session, SessionAdmin)
