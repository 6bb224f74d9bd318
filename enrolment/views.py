from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from trainings.models import Session


@login_required
def my_dossiers(request):
    dossiers = request.user.dossiers.select_related("session__training")
    return render(request, "enrolment/list.html", {"dossiers": dossiers, "step": 3})


@login_required
def start(request, session_pk):
    session = get_object_or_404(Session.objects.select_related("training"), pk=session_pk)
    return render(request, "enrolment/start.html", {"session": session, "step": 3})
