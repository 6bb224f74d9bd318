"""Admin actions that call the enrolment services, one object at a time.

A refused object (wrong state, closed session…) is reported with the service's French message and the
others are processed. Each success is traced twice: by the service's own log (who, when, from, to) and
by Django's admin history (LogEntry), so every action stays traceable to the staff member.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse

from .exceptions import EnrolmentError
from .forms import StaffReasonForm


def object_to_change(modeladmin, request, pk):
    """The object a one-object view of the admin acts on: 404 when unknown, 403 without the change permission
    (checked before the method: staff without it learn nothing)."""
    obj = modeladmin.get_object(request, str(pk))
    if obj is None:
        raise Http404
    if not modeladmin.has_change_permission(request, obj):
        raise PermissionDenied
    return obj


def run_for_each(modeladmin, request, queryset, service, success, *, history="", **kwargs):
    """Call `service(obj, by=request.user, **kwargs)` for each object; report successes and refusals.

    Returns the objects for which the service succeeded.
    """
    done = []
    for obj in queryset:
        try:
            service(obj, by=request.user, **kwargs)
        except EnrolmentError as error:
            modeladmin.message_user(request, f"{obj} : {error}", messages.ERROR)
        else:
            done.append(obj)
            if history:
                modeladmin.log_change(request, obj, history)
    if done:
        modeladmin.message_user(request, success.format(count=len(done)), messages.SUCCESS)
    return done


def run_with_reason(modeladmin, request, queryset, service, *, title, success, history="", **kwargs):
    """Ask once for the reason (read by the élu), on an intermediate page, then run the service for each object."""
    form = StaffReasonForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        reason = form.cleaned_data["reason"]
        note = f"{history} Motif : {reason}" if history else ""
        run_for_each(modeladmin, request, queryset, service, success, history=note, reason=reason, **kwargs)
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


__all__ = ["admin", "object_to_change", "run_for_each", "run_with_reason"]
