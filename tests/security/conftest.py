"""A small world for the security tests: one élu who owns everything (with unmistakable strings), an
other élu, staff without any permission, staff with every permission but one, and a superuser."""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.models import IdentityDocument, Mandate, User
from enrolment.models import Dossier, DossierLog, SatisfactionReceipt
from mailing.models import OutgoingEmail
from tests.factories import (
    CollectiviteFactory,
    DossierFactory,
    IdentityDocumentFactory,
    InvitationFactory,
    MandateFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)

# What belongs to the owner and must never reach anyone else. Each string occurs nowhere else in the world.
OWNER = {
    "email": "philomene.vaucanson-secret@example.fr",
    "birth_name": "Vaucanson-Secret",
    "usage_name": "Quillebœuf-Privé",
    "first_names": "Philomène Aurélie",
    "birth_place": "Montcresson-sur-Secret",
    "phone_mobile": "06 98 76 54 31",
    "street_name": "des Confidences Privées",
    "mandate_start": datetime.date(1991, 2, 13),
    "dife_balance": Decimal("731.37"),
    "comment": "Note privée 7Q : régime sans gluten",
    "document_birth_place": "Pièce-Lieu-Secret",
}
OWNER_STRINGS = [
    OWNER["email"],
    OWNER["birth_name"],
    OWNER["usage_name"],
    "Philomène",
    OWNER["birth_place"],
    OWNER["phone_mobile"],
    "06 98 76 54",
    "0698765431",
    OWNER["street_name"],
    "1991-02-13",
    "13/02/1991",
    "13 février 1991",
    "731,37",
    "731.37",
    "Note privée 7Q",
    OWNER["document_birth_place"],
]


def leaked(response):
    """The owner's strings found in a response (body and headers): must always be empty for anyone else."""
    from html import unescape

    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        text = json.dumps(json.loads(text), ensure_ascii=False)  # "\u00e8" would hide an "è"
    text = unescape(text) + " ".join(f"{k}: {v}" for k, v in response.items())
    return [s for s in OWNER_STRINGS if s in text]


@dataclass
class World:
    owner: User
    other: User
    staff: User  # is_staff, no permission at all
    staff_all_but: User  # is_staff with every permission except "see identity files"
    superuser: User
    mandate: Mandate
    draft: Dossier
    submitted: Dossier
    offered: Dossier
    document: IdentityDocument
    invitation: object
    open_session: object
    unpublished_training: object


def _password_free_staff(**kwargs):
    return UserFactory(staff=True, **kwargs)


@pytest.fixture
def world(db):
    collectivite = CollectiviteFactory(name="Commune de Publique-Ville")
    owner = UserFactory(
        email=OWNER["email"],
        birth_name=OWNER["birth_name"],
        usage_name=OWNER["usage_name"],
        first_names=OWNER["first_names"],
        birth_place=OWNER["birth_place"],
        phone_mobile=OWNER["phone_mobile"],
        street_name=OWNER["street_name"],
        dife_balance=OWNER["dife_balance"],
        dife_balance_date=datetime.date(2025, 1, 6),
    )
    mandate = MandateFactory(user=owner, collectivite=collectivite, start_date=OWNER["mandate_start"])
    other = UserFactory(franceconnect=True, dife_balance=Decimal("400"))
    MandateFactory(user=other, collectivite=collectivite)
    staff = _password_free_staff()
    staff_all_but = _password_free_staff()
    staff_all_but.user_permissions.set(Permission.objects.exclude(codename="view_identity_files"))
    superuser = UserFactory(superuser=True)

    draft = DossierFactory(user=owner, elu_comment=OWNER["comment"], contact_email=OWNER["email"], mandate=mandate)
    submitted = DossierFactory(user=owner, submitted=True, elu_comment=OWNER["comment"], contact_email=OWNER["email"])
    offered = DossierFactory(user=owner, offered=True, elu_comment=OWNER["comment"], contact_email=OWNER["email"])
    for dossier in (draft, submitted, offered):
        DossierLog.objects.create(dossier=dossier, by=owner, to_state=dossier.state, note=OWNER["comment"])
    document = IdentityDocumentFactory(
        user=owner, with_files=True, rejected=True, birth_place=OWNER["document_birth_place"]
    )
    OutgoingEmail.objects.create(to=OWNER["email"], subject="Votre dossier", body_text=OWNER["comment"])
    invitation = InvitationFactory(training=draft.session.training, collectivite=collectivite)
    return World(
        owner=owner,
        other=other,
        staff=staff,
        staff_all_but=staff_all_but,
        superuser=superuser,
        mandate=mandate,
        draft=draft,
        submitted=submitted,
        offered=offered,
        document=document,
        invitation=invitation,
        open_session=SessionFactory(),
        unpublished_training=TrainingFactory(unpublished=True, title="Formation en préparation"),
    )


def snapshot(world):
    """Everything of the owner that an attacker could try to change, to compare before and after."""
    owner = User.objects.get(pk=world.owner.pk)
    return {
        "owner": model_to_dict(owner, exclude=["last_login", "groups", "user_permissions"]),
        "dossiers": list(Dossier.objects.filter(user=owner).order_by("pk").values()),
        "logs": list(DossierLog.objects.filter(dossier__user=owner).order_by("pk").values()),
        "mandates": list(Mandate.objects.filter(user=owner).order_by("pk").values()),
        "documents": list(IdentityDocument.objects.filter(user=owner).order_by("pk").values()),
        "satisfaction": list(SatisfactionReceipt.objects.filter(dossier__user=owner).order_by("pk").values()),
        "emails": OutgoingEmail.objects.filter(to=OWNER["email"]).count(),
        "now": timezone.localdate(),
    }
