"""The staff dashboard ("Tableau de bord") and the year's activity report, in the admin, for every staff member:
counts only, no personal data. The figures come from enrolment.dashboard and enrolment.activity_report."""

from django import forms
from django.contrib import admin
from django.db.models import Min
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone

from dife_portal.csv_export import csv_response
from trainings import deadlines
from trainings.models import Session

from . import activity_report, charts, dashboard


class YearForm(forms.Form):
    annee = forms.TypedChoiceField(label="Année", coerce=int)

    def __init__(self, data, *, years):
        super().__init__(data)
        self.fields["annee"].choices = [(year, year) for year in years]
        self.fields["annee"].error_messages["invalid_choice"] = (
            "Choisissez une année de la liste : les chiffres de l'année en cours sont affichés."
        )


def _years(today):
    """From the year of the first session to next year (sessions are planned ahead)."""
    first = Session.objects.aggregate(first=Min("starts_at"))["first"]
    start = deadlines.paris_today(first).year if first else today.year
    return list(range(max(today.year + 1, start), min(start, today.year) - 1, -1))


def _period(request):
    """The year asked for (`?annee=`), or this year with the form's error when it is not one of the list."""
    today = deadlines.paris_today()
    form = YearForm(request.GET if "annee" in request.GET else {"annee": today.year}, years=_years(today))
    year = form.cleaned_data["annee"] if form.is_valid() else today.year
    return dashboard.Period.of(year, timezone.now()), form


def _chart(table):
    chart = table.chart
    if chart is None:
        return None
    rows = chart.rows if chart.rows is not None else table.rows
    items = [
        (
            str(row[chart.label_column]),
            row[chart.value_column],
            dashboard.format_cell(row[chart.value_column]) + chart.unit,
        )
        for row in rows
    ]
    return charts.horizontal_bars(items, maximum=chart.maximum, max_rows=dashboard.CHART_ROWS)


def _context(request, title, period, form, **extra):
    return {
        **admin.site.each_context(request),
        "title": title,
        "subtitle": None,
        "year": period.year,
        "form": form,
        **extra,
    }


def dashboard_view(request):
    period, form = _period(request)
    sections = [{"table": table, "chart": _chart(table)} for table in dashboard.sections(period)]
    context = _context(request, f"Tableau de bord {period.year}", period, form, sections=sections)
    return TemplateResponse(request, "admin/enrolment/dashboard.html", context)


def dashboard_csv(request, key):
    period, _ = _period(request)
    if key not in dashboard.SECTIONS:
        raise Http404
    table = dashboard.section(key, period)
    return csv_response(f"tableau-de-bord-{period.year}-{key}.csv", table.columns, table.csv_rows())


def activity_report_view(request):
    period, form = _period(request)
    table = activity_report.figures(period)
    context = _context(
        request,
        f"Bilan annuel d'activité {period.year}",
        period,
        form,
        table=table,
        not_counted=activity_report.not_counted(period),
    )
    return TemplateResponse(request, "admin/enrolment/activity_report.html", context)


def activity_report_csv(request):
    period, _ = _period(request)
    table = activity_report.figures(period)
    rows = table.csv_rows()
    missing = activity_report.not_counted(period)
    if missing:
        rows += [[], activity_report.NOT_COUNTED_COLUMNS, *activity_report.not_counted_rows(missing)]
    return csv_response(f"bilan-activite-{period.year}.csv", table.columns, rows)
