from django import template

from trainings import mcf as mcf_links

register = template.Library()


@register.inclusion_tag("trainings/includes/mcf_link.html")
def mcf_link(training, session=None, towns=(), label="Voir cette formation sur Mon Compte Formation"):
    """The exact link to `training` (and `session`'s action) on Mon Compte Formation, or, without the training's MCF
    identifiers, the guide's search steps with the words to type."""
    return {"link": mcf_links.mcf_link(training, session, towns), "training": training, "label": label}
