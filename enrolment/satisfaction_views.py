"""The satisfaction questionnaire in the portal (rules and results: enrolment.satisfaction)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from . import satisfaction
from .exceptions import EnrolmentError
from .models import Dossier, SatisfactionAnswer

COMMENT_MAX_LENGTH = 2000


class LinkedRadioSelect(forms.RadioSelect):
    """Radio buttons whose group the error summary can link to (its first button)."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


def _radio(label, choices, coerce=int):
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=coerce,
        widget=LinkedRadioSelect,
        error_messages={"required": "Choisissez une réponse.", "invalid_choice": "Choisissez une des réponses."},
    )


class SatisfactionForm(forms.Form):
    overall = _radio("Dans l'ensemble, êtes-vous satisfait de cette formation ?", satisfaction.RATINGS)
    objectives_met = _radio(
        "Les objectifs annoncés de la formation ont-ils été atteints ?",
        SatisfactionAnswer.Objectives.choices,
        coerce=str,
    )
    usefulness = _radio("Ce que vous avez appris vous sera-t-il utile dans votre mandat ?", satisfaction.USEFULNESS)
    would_recommend = _radio(
        "Recommanderiez-vous cette formation à un autre élu ?",
        [("oui", "Oui"), ("non", "Non")],
        coerce=lambda value: value == "oui",
    )
    comment = forms.CharField(
        label="Un commentaire, une suggestion (facultatif)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que vous avez apprécié, ce qui pourrait être amélioré, un thème de formation qui vous manque.",
        error_messages={"max_length": "Votre commentaire est trop long : %(limit_value)d caractères au plus."},
    )


@login_required
def questionnaire(request, pk):
    """ "Votre avis sur la formation": open to a participant marked present once the session is over, answered once."""
    dossier = get_object_or_404(
        Dossier.objects.select_related("session__training", "satisfaction_receipt"), pk=pk, user=request.user
    )
    context = {"step": 3, "dossier": dossier, "session": dossier.session, "training": dossier.session.training}
    if satisfaction.has_answered(dossier):
        return render(request, "enrolment/satisfaction_thanks.html", context)
    if not satisfaction.is_open_for(dossier):
        messages.info(request, str(satisfaction.NotYetOpen()))
        return redirect("enrolment:detail", dossier.pk)
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            satisfaction.record_answer(dossier, by=request.user, **form.cleaned_data)
        except EnrolmentError as error:
            messages.error(request, str(error))
        return redirect("enrolment:satisfaction", dossier.pk)
    return render(request, "enrolment/satisfaction.html", {**context, "form": form})
