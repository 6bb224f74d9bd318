from django import template

from enrolment import satisfaction as questionnaire

register = template.Library()


@register.inclusion_tag("enrolment/includes/satisfaction_prompt.html")
def satisfaction_prompt(dossier):
    """After the session, for a participant marked present: the invitation to answer, or thanks once answered."""
    return {
        "dossier": dossier,
        "is_open": questionnaire.is_open_for(dossier),
        "answered": questionnaire.has_answered(dossier),
    }
