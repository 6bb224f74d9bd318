"""Which functions exist in which kind of collectivité."""

from accounts.models import Collectivite, Mandate

F = Mandate.Function
FUNCTIONS_BY_KIND = {
    Collectivite.Kind.COMMUNE: [F.MAIRE, F.MAIRE_DELEGUE, F.ADJOINT, F.CONSEILLER_DELEGUE, F.CONSEILLER],
    Collectivite.Kind.EPCI: [F.PRESIDENT_EPCI, F.VICE_PRESIDENT_EPCI, F.CONSEILLER_COMMUNAUTAIRE],
}


def function_fits(function, collectivite):
    """True when `function` is a function held in a collectivité of this kind."""
    return function in FUNCTIONS_BY_KIND.get(collectivite.kind, [])
