from django import template

register = template.Library()
NBSP = "\u00a0"
NARROW_NBSP = "\u202f"


@register.filter
def duration_fr(delta):
    """A timedelta in plain French: "15 minutes", "1 heure", "1 heure et 30 minutes"."""
    minutes = round(delta.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} heure{'s' if hours > 1 else ''}")
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes > 1 else ''}")
    return " et ".join(parts)


@register.filter
def euros(amount):
    """700 -> "700,00 €" (French format, non-breaking spaces)."""
    if amount is None or amount == "":
        return ""
    whole, cents = f"{float(amount):,.2f}".split(".")
    whole = whole.replace(",", NARROW_NBSP)
    return f"{whole},{cents}{NBSP}€"
