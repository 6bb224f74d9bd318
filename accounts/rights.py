"""DIFE rules ("Vos droits formation"): what an élu's mandates let us expect on the compte élu.

Mon Compte Formation credits 400 € per year of mandate on the compte élu, up to a ceiling of 800 €
(700 € in 2022; raised to 800 € on 29 March 2023). An élu holding several mandates has one
compte élu: overlapping mandates do not add up. The amount actually available is the one shown on
Mon Compte Formation, which the élu (or the staff) records on the portal; this module only gives an
estimate to compare it with.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import quote

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format

CEILING_RAISED_ON = datetime.date(2023, 3, 29)
CEILING_BEFORE_RAISE_EUROS = 700


def ceiling_on(day):
    """The ceiling of the compte élu on `day`, in euros."""
    return CEILING_BEFORE_RAISE_EUROS if day < CEILING_RAISED_ON else settings.DIFE_CEILING_EUROS


def _merged_periods(mandates, today):
    periods = sorted(
        (m.start_date, min(m.end_date or today, today)) for m in mandates if m.start_date and m.start_date <= today
    )
    merged = []
    for start, end in periods:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def mandate_years(mandates, today=None):
    """Whole years of mandate held up to `today`, overlapping mandates counted once."""
    today = today or timezone.localdate()
    return sum(relativedelta(end, start).years for start, end in _merged_periods(mandates, today))


@dataclass(frozen=True)
class DifeEstimate:
    years: int
    yearly_credit: int
    ceiling: int
    amount: int

    @property
    def is_capped(self):
        return self.years * self.yearly_credit > self.ceiling


def dife_estimate(mandates, today=None):
    """What the compte élu may hold if no training was paid from it: 400 € a year, capped."""
    today = today or timezone.localdate()
    years = mandate_years(mandates, today)
    yearly = settings.DIFE_YEARLY_CREDIT_EUROS
    ceiling = ceiling_on(today)
    return DifeEstimate(years=years, yearly_credit=yearly, ceiling=ceiling, amount=min(years * yearly, ceiling))


def cdc_mailto(user, mandates):
    """A ready-to-send e-mail to the Caisse des Dépôts when the compte élu does not appear."""
    name = " ".join(part for part in [user.first_names, user.birth_name.upper()] if part)
    lines = [
        "Bonjour,",
        "",
        "Mon compte élu (DIFE) n'apparaît pas sur Mon Compte Formation. Pourriez-vous vérifier mes droits ?",
        "",
        f"Nom de naissance : {user.birth_name}",
    ]
    if user.usage_name:
        lines.append(f"Nom d'usage : {user.usage_name}")
    lines.append(f"Prénoms : {user.first_names}")
    if user.birth_date:
        lines.append(f"Date de naissance : {user.birth_date:%d/%m/%Y}")
    if user.birth_place:
        lines.append(f"Lieu de naissance : {user.birth_place}")
    for mandate in mandates:
        since = date_format(mandate.start_date, "j F Y")
        lines.append(f"Mandat : {mandate.get_function_display()}, {mandate.collectivite.name} (depuis le {since})")
    lines += ["", "Je vous remercie par avance.", "", name]
    subject = f"Compte élu (DIFE) absent de Mon Compte Formation — {name}"
    # RFC 6068: line breaks in a mailto body are CRLF, percent-encoded.
    body = "\r\n".join(lines)
    return f"mailto:{settings.DIFE_CDC_EMAIL}?subject={quote(subject, safe='')}&body={quote(body, safe='')}"
