"""The access-control matrix: one case for every named URL of the portal (the admin has its own checks).

The URL conf is walked at test time: a URL without a case here fails `test_access_matrix`, so adding a view
means saying who may reach it. Kinds of case:

- `Public`: anyone may open it; it shows nobody's personal data.
- `Token`: public, but only a secret link opens something; a forged or unknown one gives nothing.
- `OwnAccount`: sign-in required; it shows or changes the signed-in person's own account only.
- `OwnedObject`: the URL names an object of one élu (dossier, mandate): anyone else gets 404/403.
- `StaffPermission`: only staff holding one permission (identity files): everyone else gets 404/403.
- `Staff`: any staff member, for their own settings (the daily digest): élus get 404/403.
"""

import base64
from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import TEST_PASSWORD
from tests.files import pdf_bytes, png_bytes, upload


def walk_urls(patterns=None, prefix="", namespace=None):
    """Every URL pattern as (route, name): name is "namespace:name", or the route when the pattern has none."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk_urls(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = (f"{namespace}:{pattern.name}" if namespace else pattern.name) if pattern.name else route
            yield route, name


def portal_urls():
    """The portal's own URLs: everything but the admin (checked in test_admin_access) and static files."""
    return {name: route for route, name in walk_urls() if not route.startswith(("admin/", "static/", "media/"))}


def no_kwargs(world):
    return {}


def no_data(world):
    return {}


@dataclass
class Case:
    kwargs: Callable = no_kwargs
    methods: tuple = ("get",)
    post: Callable = no_data  # a valid submission: if the check were missing, it would change something


@dataclass
class Public(Case):
    pass


@dataclass
class Token(Case):
    """`kwargs` gives a forged token; the page must refuse with one of `statuses` and say `says`."""

    statuses: frozenset = frozenset({404})
    says: str = ""


@dataclass
class OwnAccount(Case):
    shows: Callable | None = None  # a string the owner sees on the page (proves the check can fail)


@dataclass
class OwnedObject(Case):
    shows: Callable | None = None
    owner_status: int = 200  # what the owner gets on GET (a redirect for POST-only views)
    before_owner_post: Callable = no_data  # what the owner's own POST needs first (positive control)


@dataclass
class StaffPermission(Case):
    permission: str = ""
    owner_status: int = 200
    extra: dict = field(default_factory=dict)


@dataclass
class Staff(Case):
    pass


def _uidb64(world):
    return base64.urlsafe_b64encode(str(world.owner.pk).encode()).decode().rstrip("=")


def _dossier_form(world):
    return {
        "usage_name": "Piraté",
        "nationality": "Française",
        "contact_email": "pirate@example.fr",
        "phone_mobile": "06 11 22 33 44",
        "phone_landline": "",
        "street_address": "1 rue du Pirate",
        "postal_code": "37000",
        "city": "Tours",
        "mandate": world.mandate.pk,
        "mandate_label": "Pirate",
        "elu_comment": "modifié par un autre",
    }


def _identity_form(world):
    return {
        "kind": "cni",
        "front": upload("recto.png", png_bytes(), "image/png"),
        "back": upload("verso.pdf", pdf_bytes(), "application/pdf"),
        "birth_name": "Pirate",
        "first_names": "Pierre",
        "birth_date": "1970-01-01",
        "birth_place": "Tours",
        "nationality": "Française",
        "certify": "on",
    }


def _mandate_form(world):
    return {
        "collectivite": world.mandate.collectivite_id,
        "function": "maire",
        "start_date": "2020-07-03",
        "end_date": "2021-01-01",
    }


def _profile_form(world):
    return {
        "birth_name": "Pirate",
        "first_names": "Pierre",
        "birth_date": "1970-01-01",
        "birth_place": "Tours",
        "phone_mobile": "06 11 22 33 44",
        "street_number": "1",
        "street_type": "rue",
        "street_name": "du Pirate",
        "postal_code": "37000",
        "city": "Tours",
    }


def attended_after_the_session(world):
    """The owner's submitted dossier, marked present at a session that is over."""
    import datetime

    from enrolment.models import Dossier
    from trainings.models import Session

    dossier = world.submitted
    Session.objects.filter(pk=dossier.session_id).update(
        starts_at=datetime.datetime(2026, 1, 5, 8, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 1, 5, 16, tzinfo=datetime.UTC),
    )
    Dossier.objects.filter(pk=dossier.pk).update(state="attended")


def _verify_owner(world):
    from django.utils import timezone

    from accounts.models import User

    User.objects.filter(pk=world.owner.pk).update(identity_method="document", identity_verified_at=timezone.now())


def _owner_string(key):
    from tests.security.conftest import OWNER

    return lambda world: OWNER[key]


CASES = {
    # The journey's public pages.
    "home": Public(),
    "health": Public(),
    "floor": Public(),
    "signed_in_floor": Public(),
    "association_stylesheet": Public(),
    "favicon": Public(),
    "cgu": Public(),
    "privacy": Public(),
    "trainings:search": Public(),
    "trainings:detail": Public(kwargs=lambda w: {"pk": w.draft.session.training.pk, "slug": "x"}),
    "invitation": Token(kwargs=lambda w: {"token": "jeton-invente-0123456789abcdef"}, says="lien"),
    # Se connecter.
    "accounts:login": Public(
        methods=("get", "post"), post=lambda w: {"username": w.other.email, "password": "Mauvais-1-mot-de-passe!"}
    ),
    "accounts:logout": Public(methods=("post",)),
    "accounts:password_reset": Public(methods=("get", "post"), post=lambda w: {"email": w.other.email}),
    "accounts:password_reset_done": Public(),
    "accounts:password_reset_confirm": Token(
        kwargs=lambda w: {"uidb64": _uidb64(w), "token": "cn5abc-0123456789abcdef0123456789abcdef"},
        methods=("get", "post"),
        post=lambda w: {"new_password1": "Pirate-Mot-de-passe-2026!", "new_password2": "Pirate-Mot-de-passe-2026!"},
        statuses=frozenset({200}),
        says="Ce lien n'est plus valable",
    ),
    "accounts:password_reset_complete": Public(),
    "accounts:signup": Public(),
    "accounts:signup_step": Public(
        kwargs=lambda w: {"step": "identite"},
        methods=("get", "post"),
        post=lambda w: {"signup_wizard-current_step": "identite", "identite-birth_name": "Nouveau"},
    ),
    "accounts:activation": Public(methods=("get", "post"), post=lambda w: {"code": "123456"}),
    "accounts:activation_resend": Public(methods=("post",)),
    "accounts:activation_link": Token(
        kwargs=lambda w: {"token": "eyJ1IjoxfQ:1tFake:forgedSignature"},
        methods=("get", "post"),
        statuses=frozenset({400}),
        says="lien",
    ),
    "franceconnect:start": Public(),
    "franceconnect:callback": Token(
        kwargs=no_kwargs, statuses=frozenset({302}), says=""
    ),  # no valid state: back to sign-in, nobody signed in
    "franceconnect:logout": Public(methods=("post",)),
    "franceconnect:logout_callback": Public(),
    # The élu's own account.
    "franceconnect:link": OwnAccount(methods=("get", "post")),
    "franceconnect:complete": OwnAccount(methods=("get", "post"), post=_profile_form),
    "accounts:rights": OwnAccount(shows=lambda w: "731,37"),
    "accounts:rights_edit": OwnAccount(
        methods=("get", "post"),
        post=lambda w: {
            "dife_balance": "1",
            "dife_balance_date": "2025-01-01",
            "cpf_balance": "",
            "cpf_balance_date": "",
        },
        shows=lambda w: "731,37",
    ),
    "accounts:dife_missing": OwnAccount(shows=_owner_string("birth_name")),
    "accounts:dife_missing_report": OwnAccount(methods=("post",), post=lambda w: {"missing": "1"}),
    "accounts:mandates": OwnAccount(shows=lambda w: "13 février 1991"),
    "accounts:mandate_add": OwnAccount(methods=("get", "post"), post=_mandate_form),
    "accounts:profile": OwnAccount(shows=_owner_string("birth_name")),
    "accounts:profile_edit": OwnAccount(methods=("get", "post"), post=_profile_form, shows=_owner_string("birth_name")),
    "accounts:password_change": OwnAccount(
        methods=("get", "post"),
        post=lambda w: {
            "old_password": TEST_PASSWORD,
            "new_password1": "Pirate-Mot-de-passe-2026!",
            "new_password2": "Pirate-Mot-de-passe-2026!",
        },
    ),
    "accounts:personal_data": OwnAccount(shows=_owner_string("email")),
    "accounts:email_change": OwnAccount(
        methods=("get", "post"),
        post=lambda w: {"new_email": "pirate@example.fr", "password": TEST_PASSWORD},
        shows=_owner_string("email"),
    ),
    "accounts:email_change_confirm": OwnAccount(methods=("get", "post"), post=lambda w: {"code": "123456"}),
    "accounts:email_change_cancel": OwnAccount(methods=("post",)),
    "accounts:email_change_link": Token(
        kwargs=lambda w: {"token": "eyJ1IjoxfQ:1tFake:forgedSignature"},
        methods=("get", "post"),
        statuses=frozenset({410}),
        says="Lien non valable",
    ),
    "accounts:account_delete": OwnAccount(methods=("get", "post")),
    "enrolment:list": OwnAccount(shows=lambda w: f"/dossiers/{w.draft.pk}/"),
    "enrolment:start": OwnAccount(kwargs=lambda w: {"session_pk": w.open_session.pk}, methods=("get", "post")),
    # Objects of one élu.
    "accounts:mandate_edit": OwnedObject(
        kwargs=lambda w: {"pk": w.mandate.pk}, methods=("get", "post"), post=_mandate_form, shows=lambda w: "1991-02-13"
    ),
    "accounts:mandate_delete": OwnedObject(kwargs=lambda w: {"pk": w.mandate.pk}, methods=("get", "post")),
    "enrolment:detail": OwnedObject(
        kwargs=lambda w: {"pk": w.draft.pk}, methods=("get", "post"), post=_dossier_form, shows=_owner_string("comment")
    ),
    "enrolment:identity": OwnedObject(
        kwargs=lambda w: {"pk": w.draft.pk},
        methods=("get", "post"),
        post=_identity_form,
        shows=_owner_string("birth_name"),
    ),
    "enrolment:review": OwnedObject(kwargs=lambda w: {"pk": w.draft.pk}, shows=_owner_string("comment")),
    "enrolment:send": OwnedObject(
        kwargs=lambda w: {"pk": w.draft.pk}, methods=("post",), owner_status=405, before_owner_post=_verify_owner
    ),
    "enrolment:sent": OwnedObject(
        kwargs=lambda w: {"pk": w.submitted.pk}, shows=lambda w: w.submitted.session.training.title
    ),
    "enrolment:cancel": OwnedObject(
        kwargs=lambda w: {"pk": w.submitted.pk}, methods=("get", "post"), post=lambda w: {"reason": "Piraté"}
    ),
    # Open to the owner once the session is over and they were present: before, they are sent to the dossier.
    "enrolment:satisfaction": OwnedObject(
        kwargs=lambda w: {"pk": w.submitted.pk},
        methods=("get", "post"),
        post=lambda w: {"overall": "1", "objectives_met": "non", "usefulness": "1", "would_recommend": "non"},
        owner_status=302,
        before_owner_post=attended_after_the_session,
    ),
    "enrolment:confirm_offer": OwnedObject(kwargs=lambda w: {"pk": w.offered.pk}, methods=("post",), owner_status=405),
    "enrolment:mcf_number": OwnedObject(
        kwargs=lambda w: {"pk": w.submitted.pk},
        methods=("post",),
        owner_status=405,
        post=lambda w: {"mcf_number": "1234567890"},
    ),
    # Any staff member, for their own settings.
    "enrolment:staff_digest": Staff(methods=("get", "post"), post=lambda w: {"enabled": "0"}),
    # Staff with one permission only.
    "enrolment:identity_file": StaffPermission(
        kwargs=lambda w: {"pk": w.document.pk, "side": "recto"}, permission="accounts.view_identity_files"
    ),
}
