"""What an élu signed in with FranceConnect still has to give: FranceConnect certifies the identity,
the portal also needs a phone number, a home address, a mandate and the acceptance of the CGU."""

from .models import Collectivite

CONTACT = "contact"
ADDRESS = "address"
MANDATE = "mandate"
CGU = "cgu"


def missing_sections(user):
    """The sections of the profile the élu has not filled in yet, in the order they are asked."""
    missing = []
    if not (user.phone_mobile or user.phone_landline):
        missing.append(CONTACT)
    if not ((user.street_name or user.lieu_dit) and user.postal_code and user.city):
        missing.append(ADDRESS)
    # A mandate is chosen among the collectivités the association knows: none known, none asked.
    if not user.mandates.exists() and Collectivite.objects.exists():
        missing.append(MANDATE)
    if not user.cgu_accepted_at:
        missing.append(CGU)
    return missing
