"""Where a training is on Mon Compte Formation (MCF), the platform where the DIFE pays.

MCF opens one training at an address made of two identifiers, both shown in the organisation's EDOF space
and in the address bar of the training's MCF page: the training ("numéro de formation") and the action
("numéro d'action"), each prefixed with the organisation's SIRET, for example
https://www.moncompteformation.gouv.fr/espace-prive/html/#/formation/recherche/12345678900012_BUDGET/12345678900012_BUDGET-TOURS
(`MCF_TRAINING_URL` says how the address is built, should MCF change it). A session may belong to another action
than its training's (another town): its own action identifier then wins.

Without identifiers, the élu is shown what to type in MCF's search, as the association's guide teaches:
"Formation, métier, etc.", "Formation en centre / Formation à distance" and "Localisation".
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

# "<SIRET: 14 digits>_<the organisation's own number>", as in MCF's addresses.
IDENTIFIER_RE = re.compile(r"^\d{14}_[A-Za-z0-9][A-Za-z0-9._-]{0,85}$")
# A training's MCF page address, pasted whole from the browser.
ADDRESS_RE = re.compile(r"/formation/recherche/(?P<training>\d{14}_[^/?#&]+)/(?P<action>\d{14}_[^/?#&]+)")
IDENTIFIER_HELP = (
    "Tel qu'il figure dans l'adresse de la formation sur Mon Compte Formation : le SIRET de l'organisme, "
    "un tiret bas, puis le numéro (par exemple 12345678900012_BUDGET). "
    "Vous pouvez aussi coller ici l'adresse complète de la page de la formation."
)


def validate_identifier(value):
    if not IDENTIFIER_RE.match(value):
        raise ValidationError(
            "Cet identifiant n'a pas la forme attendue : 14 chiffres (le SIRET), un tiret bas, puis le numéro "
            "(lettres, chiffres, points, tirets), par exemple 12345678900012_BUDGET.",
            code="mcf_identifier",
        )


def split_address(text):
    """The (training, action) identifiers of a pasted MCF training address, or None when it is not one."""
    match = ADDRESS_RE.search(text or "")
    if not match or not (IDENTIFIER_RE.match(match["training"]) and IDENTIFIER_RE.match(match["action"])):
        return None
    return match["training"], match["action"]


def action_id(training, session=None):
    return (session.mcf_action_id if session is not None else "") or training.mcf_action_id


def has_identifiers(training, session=None):
    return bool(training.mcf_training_id and action_id(training, session))


def exact_url(training, session=None):
    """The address of this very training (and session's action) on MCF, or "" without identifiers."""
    if not has_identifiers(training, session):
        return ""
    return settings.MCF_TRAINING_URL.format(
        training_id=training.mcf_training_id, action_id=action_id(training, session)
    )


@dataclass(frozen=True)
class McfLink:
    url: str
    is_exact: bool
    # What to type in MCF's search when the link is not exact (the guide's three fields).
    keywords: str
    modality: str
    location: str


def _search_modality(training):
    from .models import Modality

    return "Formation à distance" if training.modality == Modality.REMOTE else "Formation en centre"


def _location(training, session, towns):
    from .models import Modality

    if training.modality == Modality.REMOTE:
        return ""
    if session is not None and session.city:
        return " ".join(filter(None, [session.postal_code, session.city]))
    if towns:
        towns = sorted(towns)
        if len(towns) == 1:
            return towns[0]
        return f"{', '.join(towns[:-1])} ou {towns[-1]}, selon votre session"
    return settings.ASSOCIATION["department"]


def mcf_link(training, session=None, towns=()):
    """Everything a page needs to send the élu to this training on MCF (templates/trainings/includes/mcf_link.html).

    `towns`: where the training's sessions take place, for the search's "Localisation" when no session is chosen.
    """
    url = exact_url(training, session)
    return McfLink(
        url=url or settings.MCF_LOGIN_URL,
        is_exact=bool(url),
        keywords=training.title,
        modality=_search_modality(training),
        location=_location(training, session, towns),
    )
