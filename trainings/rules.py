"""Catalogue rules the staff are warned about (DESIGN.md §2). Pure functions: no database, no request.

- A training financed by the DIFE for the mandate costs at most HOURLY_COST_CAP_EUROS (80 €) per hour.
- A session has at most DEFAULT_SESSION_SEATS (15) seats.
These are warnings, not errors: the staff may have a reason, and the platform has the last word.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings


def hourly_cost(price, duration_hours):
    """Price per hour of training, rounded to the cent; None when the duration is unknown or zero."""
    if price is None or not duration_hours or Decimal(duration_hours) <= 0:
        return None
    return (Decimal(price) / Decimal(duration_hours)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def exceeds_hourly_cap(price, duration_hours, cap=None):
    """Whether price ÷ hours is strictly above the cap (exactly 80 €/h is allowed)."""
    cap = Decimal(settings.HOURLY_COST_CAP_EUROS if cap is None else cap)
    if price is None or not duration_hours or Decimal(duration_hours) <= 0:
        return False
    return Decimal(price) > cap * Decimal(duration_hours)


def exceeds_seat_limit(seats, limit=None):
    limit = settings.DEFAULT_SESSION_SEATS if limit is None else limit
    return seats is not None and seats > limit


def _euros(amount):
    whole, cents = f"{Decimal(amount):.2f}".split(".")
    return f"{whole},{cents} €"


def training_warnings(price, duration_hours, session_seats=()):
    """The French warnings the admin shows for a training and the seats of its sessions."""
    warnings = []
    if exceeds_hourly_cap(price, duration_hours):
        warnings.append(
            f"Le coût horaire ({_euros(hourly_cost(price, duration_hours))} de l'heure) dépasse le plafond de "
            f"{settings.HOURLY_COST_CAP_EUROS} € HT par heure des formations liées au mandat : "
            "la formation risque de ne pas être finançable par le DIFE."
        )
    too_many = sorted({seats for seats in session_seats if exceeds_seat_limit(seats)}, reverse=True)
    if too_many:
        listed = ", ".join(str(seats) for seats in too_many)
        warnings.append(
            f"Une ou plusieurs sessions ont plus de {settings.DEFAULT_SESSION_SEATS} places ({listed}) : "
            "vérifiez la capacité de la salle et de l'intervenant."
        )
    return warnings
