"""The anonymous results of the satisfaction questionnaire in the back-office (enrolment.satisfaction).

`SatisfactionResultsMixin` is mixed into `enrolment.admin_sessions.SessionAdmin`:
/admin/trainings/session/<pk>/satisfaction/
shows a session's counts, averages and comments, and satisfaction.csv exports its answers. The answers' own list
is read-only and says nothing about who answered.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from dife_portal.admin_search import BoundedSearchMixin
from dife_portal.csv_export import csv_response
from trainings.models import Session

from . import satisfaction
from .models import SatisfactionAnswer

PERMISSION = "enrolment.view_satisfactionanswer"


class SatisfactionResultsMixin:
    def get_urls(self):
        def view(func, suffix, name):
            return path(f"<int:pk>/{suffix}/", self.admin_site.admin_view(func), name=f"trainings_session_{name}")

        return [
            view(self.satisfaction_view, "satisfaction", "satisfaction"),
            view(self.satisfaction_csv_view, "satisfaction.csv", "satisfaction_csv"),
            *super().get_urls(),
        ]

    def _results_session(self, request, pk):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return get_object_or_404(Session.objects.select_related("training"), pk=pk)

    def satisfaction_view(self, request, pk):
        session = self._results_session(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Questionnaire de satisfaction — {session.training.title}",
            "subtitle": None,
            "opts": Session._meta,
            "session": session,
            "results": satisfaction.results(session),
        }
        return TemplateResponse(request, "admin/enrolment/session_satisfaction.html", context)

    def satisfaction_csv_view(self, request, pk):
        session = self._results_session(request, pk)
        filename = f"satisfaction-{session.training.reference}-{session.first_day:%Y-%m-%d}.csv"
        return csv_response(filename, satisfaction.CSV_HEADER, satisfaction.csv_rows(session))


@admin.register(SatisfactionAnswer)
class SatisfactionAnswerAdmin(BoundedSearchMixin, admin.ModelAdmin):
    """Every answer, anonymous, to read the comments across sessions; results per session are one click away."""

    list_display = ["session_link", "overall", "objectives_met", "usefulness", "would_recommend", "comment_excerpt"]
    list_filter = ["session__training", "overall", "objectives_met", "would_recommend"]
    search_fields = ["comment"]
    list_select_related = ["session__training"]
    ordering = ["-session__starts_at", "pk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="session", ordering="session__starts_at")
    def session_link(self, answer):
        url = reverse("admin:trainings_session_satisfaction", args=[answer.session_id])
        return format_html('<a href="{}">{}</a>', url, answer.session)

    @admin.display(description="commentaire")
    def comment_excerpt(self, answer):
        return Truncator(answer.comment).chars(120) or "—"
