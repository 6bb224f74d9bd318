"""Admin actions that call the enrolment services (issue 6 builds the full back-office on these)."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from .exceptions import EnrolmentError
from .forms import StaffReasonForm


def run_for_each(modeladmin, request, queryset, service, success, **kwargs):
    """Call `service(obj, by=request.user, **kwargs)` for each selected object; report successes and refusals."""
    done = 0
    for obj in queryset:
        try:
            service(obj, by=request.user, **kwargs)
        except EnrolmentError as error:
            modeladmin.message_user(request, f"{obj} : {error}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, success.format(count=done), messages.SUCCESS)


def run_with_reason(modeladmin, request, queryset, service, *, title, success, **kwargs):
    """Ask for a reason (shown to the élu) on an intermediate page, then run the service with it."""
    form = StaffReasonForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        run_for_each(modeladmin, request, queryset, service, success, reason=form.cleaned_data["reason"], **kwargs)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "opts": modeladmin.model._meta,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/enrolment/reason_action.html", context)


__all__ = ["admin", "run_for_each", "run_with_reason"]
