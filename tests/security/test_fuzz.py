"""Every form and every query-string view, fuzzed with hypothesis (300 examples each).

Inputs: any unicode, control characters (NUL included), very long strings, SQL and HTML fragments, and
sometimes a plausible value so that valid submissions are exercised too. Through the Django test client
(whole middleware stack, no live server), each answer must be:

- never a server error (5xx);
- in French: every error message of every form on the page is French, and error pages are French pages;
- an invalid submission saves nothing (the tables and the élu's rows are compared before and after);
- what was typed never comes back as live markup (an HTML fragment sent is never echoed unescaped).

Runs in `make test` on SQLite and on PostgreSQL (marker "fuzz"; `make fuzz` runs only this module).
"""

import datetime
import html
import re
import time

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.forms import BaseForm
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import IdentityDocument, Mandate, User
from enrolment.models import Dossier, DossierLog
from mailing.models import OutgoingEmail
from tests.factories import CollectiviteFactory, UserFactory
from tests.files import pdf_bytes, png_bytes, upload
from trainings.models import Invitation, Session, Training

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = 300
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

XSS = ["<script>alert('dife')</script>", '"><img src=x onerror=alert(1)>', "<svg/onload=alert(1)>"]
FRAGMENTS = [
    *XSS,
    "' OR '1'='1",
    "'; DROP TABLE accounts_user; --",
    "1; SELECT pg_sleep(5)--",
    "\\x00",
    "\x00",
    "a\x00b",
    "%00",
    "../../../../etc/passwd",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${jndi:ldap://x/a}",
    "\u202e\u202dgnp.exe",
    "\ufeff",
    "\r\n\r\nSet-Cookie: x=1",
    "NaN",
    "-1",
    "1e309",
    "9" * 400,
    "0x7fffffff",
    "2026-02-30",
    "31/12/9999",
    "0000-00-00",
    "   ",
    "",
    "🙂" * 50,
    "Zoë d'Aÿ-Lès-Œuf",
]
CONTROL = st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Co"])
hostile = st.one_of(
    st.text(max_size=40),
    st.text(CONTROL, max_size=8),
    st.sampled_from(FRAGMENTS),
    st.builds(lambda fragment, text: fragment + text, st.sampled_from(FRAGMENTS), st.text(max_size=12)),
    st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=4), st.integers(50, 3000)),
)


# Admin searches are bounded to their first words (dife_portal/admin_search.py): the same hostile input on both
# databases.
admin_search = hostile


def plausible(*values):
    """Hostile input, or now and then a plausible value (so that valid submissions happen too)."""
    return st.one_of(hostile, st.sampled_from(values))


dates = st.one_of(
    hostile,
    st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)).map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
)
numbers = st.one_of(hostile, st.integers(-(10**12), 10**12).map(str), st.decimals(allow_nan=True).map(str))
phones = plausible("06 12 34 56 78", "+33 6 12 34 56 78", "02 47 00 00 00", "0612345678")
emails = plausible("jeanne.fuzz@example.fr", "JEANNE@EXAMPLE.FR", "a@b", "x@example.fr")
postal = plausible("37000", "37500", "75001", "00000")
boolean = plausible("on", "1", "true", "")


def nothing(world):
    return {}


class Target:
    """`fresh(world)` runs before each example (puts back what a valid example consumed); `refuses`: the
    view validates its input and says what is wrong (False for a bare button value)."""

    def __init__(
        self, url, fields, who="owner", method="post", prefix="", extra=nothing, files=None, fresh=None, refuses=True
    ):
        self.url, self.fields, self.who, self.method = url, fields, who, method
        self.prefix, self.extra, self.files, self.fresh, self.refuses = prefix, extra, files, fresh, refuses


def _submitted_again(world):
    Dossier.objects.filter(pk=world.submitted.pk).update(
        state="submitted", cancel_reason="", refusal_reason="", decided_at=None
    )


def _email_change_pending(world):
    """The owner asked to change their address: the code page has a change to confirm."""
    from accounts import email_change
    from accounts.models import EmailChange

    EmailChange.objects.filter(user=world.owner).delete()
    email_change.request_change(world.owner, "nouvelle.adresse@mairie-exemple.fr")


def _attended_unanswered(world):
    """The owner's submitted dossier, marked present at a session that is over, with no answer yet."""
    from enrolment.models import SatisfactionAnswer, SatisfactionReceipt
    from tests.security.matrix import attended_after_the_session

    dossier = world.submitted
    attended_after_the_session(world)
    SatisfactionReceipt.objects.filter(dossier=dossier).delete()
    SatisfactionAnswer.objects.filter(session_id=dossier.session_id).delete()


def _no_mcf_request(world):
    from enrolment.models import FundingLog

    Dossier.objects.filter(pk=world.submitted.pk).update(
        state="accepted", funding_state="todo", mcf_number="", mcf_requested_at=None
    )
    FundingLog.objects.filter(dossier_id=world.submitted.pk).delete()


def _fresh_elu(world):
    user = UserFactory()
    world.clients["fresh"] = Client()
    world.clients["fresh"].force_login(user)


IDENTITY = {
    "birth_name": hostile,
    "usage_name": hostile,
    "first_names": hostile,
    "birth_date": dates,
    "birth_place": plausible("Tours", "Chinon"),
}
CONTACT = {"phone_mobile": phones, "phone_landline": phones, "email": emails}
ADDRESS = {
    "street_number": plausible("12", "12bis", "0"),
    "street_repetition": plausible("B", "T", "Q"),
    "street_type": plausible("rue", "avenue", "allee"),
    "street_name": hostile,
    "address_complement": hostile,
    "lieu_dit": hostile,
    "postal_code": postal,
    "city": plausible("Tours", "tours", "Paris"),
}
PASSWORD = {
    "password1": plausible("Un-Mot-de-passe-2026!"),
    "password2": plausible("Un-Mot-de-passe-2026!"),
    "cgu": boolean,
}
MANDATE = {
    "collectivite": plausible("1", "999999", "-1"),
    "function": plausible("maire", "adjoint", "president"),
    "start_date": dates,
    "end_date": dates,
}


def _wizard(step):
    return lambda world: {"signup_wizard-current_step": step}


FORMS = {
    "sign-in": Target(
        lambda w: reverse("accounts:login"), {"username": emails, "password": hostile, "next": hostile}, who=None
    ),
    "password-reset": Target(lambda w: reverse("accounts:password_reset"), {"email": emails}, who=None),
    "set-password": Target(
        lambda w: w.reset_form_url, {"new_password1": hostile, "new_password2": hostile}, who="reset"
    ),
    "sign-up identity": Target(
        lambda w: reverse("accounts:signup_step", args=["identite"]),
        IDENTITY,
        who=None,
        prefix="identite",
        extra=_wizard("identite"),
    ),
    "sign-up contact": Target(
        lambda w: reverse("accounts:signup_step", args=["contact"]),
        CONTACT,
        who=None,
        prefix="contact",
        extra=_wizard("contact"),
    ),
    "sign-up address": Target(
        lambda w: reverse("accounts:signup_step", args=["adresse"]),
        ADDRESS,
        who=None,
        prefix="adresse",
        extra=_wizard("adresse"),
    ),
    "sign-up password": Target(
        lambda w: reverse("accounts:signup_step", args=["mot-de-passe"]),
        PASSWORD,
        who=None,
        prefix="mot-de-passe",
        extra=_wizard("mot-de-passe"),
    ),
    "activation code": Target(
        lambda w: reverse("accounts:activation"), {"code": plausible("123456", "000000")}, who="pending"
    ),
    "rights": Target(
        lambda w: reverse("accounts:rights_edit"),
        {"dife_balance": numbers, "dife_balance_date": dates, "cpf_balance": numbers, "cpf_balance_date": dates},
    ),
    "dife missing": Target(lambda w: reverse("accounts:dife_missing_report"), {"missing": boolean}, refuses=False),
    "mandate add": Target(lambda w: reverse("accounts:mandate_add"), {**MANDATE, "next": hostile}),
    "mandate edit": Target(lambda w: reverse("accounts:mandate_edit", args=[w.mandate.pk]), MANDATE),
    "profile": Target(lambda w: reverse("accounts:profile_edit"), {**IDENTITY, **CONTACT, **ADDRESS, "city": hostile}),
    "e-mail change": Target(lambda w: reverse("accounts:email_change"), {"new_email": emails, "password": hostile}),
    "e-mail change code": Target(
        lambda w: reverse("accounts:email_change_confirm"),
        {"code": st.one_of(plausible("123456", "000000", "12 34 56"), hostile)},
        fresh=_email_change_pending,
    ),
    "staff digest setting": Target(
        lambda w: reverse("enrolment:staff_digest"),
        {"enabled": plausible("0", "1", "")},
        who="superuser",
        refuses=False,
    ),
    "password change": Target(
        lambda w: reverse("accounts:password_change"),
        {"old_password": hostile, "new_password1": hostile, "new_password2": hostile},
    ),
    # A new élu each time (a valid example deletes the account; the owner's dossiers would block it).
    "account delete": Target(
        lambda w: reverse("accounts:account_delete"),
        {"confirm": plausible("", "off", "0")},
        who="fresh",
        fresh=_fresh_elu,
    ),
    "franceconnect completion": Target(
        lambda w: reverse("franceconnect:complete"),
        {
            "phone_mobile": phones,
            "phone_landline": phones,
            **{k: v for k, v in ADDRESS.items()},
            "mandate_collectivite": plausible("1", "999999"),
            "mandate_function": plausible("maire", "conseiller"),
            "mandate_start_date": dates,
            "accept_cgu": boolean,
            "next": hostile,
        },
        who="fc",
    ),
    "dossier information": Target(
        lambda w: reverse("enrolment:detail", args=[w.draft.pk]),
        {
            "usage_name": hostile,
            "nationality": hostile,
            "contact_email": emails,
            "phone_mobile": phones,
            "phone_landline": phones,
            "street_address": hostile,
            "postal_code": postal,
            "city": hostile,
            "mandate": plausible("1", "2", "999999"),
            "mandate_label": hostile,
            "elu_comment": hostile,
        },
    ),
    "identity document": Target(
        lambda w: reverse("enrolment:identity", args=[w.draft.pk]),
        {
            "kind": plausible("cni", "passport"),
            "birth_name": hostile,
            "usage_name": hostile,
            "first_names": hostile,
            "birth_date": dates,
            "birth_place": hostile,
            "nationality": hostile,
            "certify": boolean,
        },
        files=st.sampled_from(
            [
                ("recto.png", png_bytes()),
                ("verso.pdf", pdf_bytes()),
                ("vide.png", b""),
                ("page.pdf", b"<html><script>alert(1)</script></html>"),
                ("x.png", png_bytes()[:30]),
            ]
        ),
    ),
    "satisfaction questionnaire": Target(
        lambda w: reverse("enrolment:satisfaction", args=[w.submitted.pk]),
        {
            "overall": plausible("5", "1", "0", "6"),
            "objectives_met": plausible("oui", "en_partie", "non", "peut-etre"),
            "usefulness": plausible("4", "2", "10"),
            "would_recommend": plausible("oui", "non", "1"),
            "comment": hostile,
        },
        fresh=_attended_unanswered,
    ),
    "mcf number": Target(
        lambda w: reverse("enrolment:mcf_number", args=[w.submitted.pk]),
        {"mcf_number": st.one_of(plausible("1234567890", "n° 4200 0001 23", "12", "abc"), hostile)},
        fresh=_no_mcf_request,
    ),
    "dossier cancel": Target(
        lambda w: reverse("enrolment:cancel", args=[w.submitted.pk]), {"reason": hostile}, fresh=_submitted_again
    ),
    "admin: invitations": Target(
        lambda w: reverse("admin:trainings_invitation_generate"),
        {
            "training": plausible("1", "999999"),
            "session": plausible("1", "999999"),
            "collectivite": plausible("1", "999999"),
            "all_members": boolean,
            "expires_at": dates,
        },
        who="superuser",
    ),
    "admin: refusal reason": Target(
        lambda w: reverse("admin:enrolment_dossier_changelist"),
        {"reason": hostile},
        who="superuser",
        extra=lambda w: {"action": "refuse", ACTION_CHECKBOX_NAME: [w.submitted.pk], "apply": "1"},
        fresh=_submitted_again,
    ),
}

QUERY_VIEWS = {
    "search": Target(
        lambda w: reverse("trainings:search"),
        {
            "q": hostile,
            "modalite": plausible("presentiel", "distance", ""),
            "lieu": plausible("Tours", "37000"),
            "du": dates,
            "au": dates,
            "theme": hostile,
            "page": numbers,
        },
        who=None,
        method="get",
    ),
    "training page": Target(
        lambda w: reverse("trainings:detail", args=[w.draft.session.training.pk, "ancien-titre"]),
        {"session": numbers, "utm_source": hostile},
        who=None,
        method="get",
    ),
    "sign-in next": Target(lambda w: reverse("accounts:login"), {"next": hostile}, who=None, method="get"),
    "sign-up next": Target(lambda w: reverse("accounts:signup"), {"next": hostile}, who=None, method="get"),
    "mandates next": Target(lambda w: reverse("accounts:mandate_add"), {"next": hostile}, method="get"),
    "franceconnect start": Target(lambda w: reverse("franceconnect:start"), {"next": hostile}, who=None, method="get"),
    "franceconnect callback": Target(
        lambda w: reverse("franceconnect:callback"),
        {"code": hostile, "state": hostile, "error": hostile, "error_description": hostile},
        who=None,
        method="get",
    ),
    "franceconnect link": Target(lambda w: reverse("franceconnect:link"), {"next": hostile}, method="get"),
    "admin: dossiers list": Target(
        lambda w: reverse("admin:enrolment_dossier_changelist"),
        {"q": admin_search, "state": hostile, "o": hostile, "p": numbers},
        who="superuser",
        method="get",
    ),
    "admin: identity documents list": Target(
        lambda w: reverse("admin:accounts_identitydocument_changelist"),
        {"q": admin_search, "status__exact": hostile, "kind__exact": hostile},
        who="superuser",
        method="get",
    ),
}

ENGLISH = re.compile(
    r"\b(This field|Enter a|Ensure this|Select a valid|is required|characters are not allowed|must be|"
    r"is not a valid|Please|password|Invalid|Forbidden|Not Found|Bad Request|Server Error)\b"
)
SAVED_TABLES = [User, Mandate, Dossier, DossierLog, IdentityDocument, OutgoingEmail, Invitation, Session, Training]


def state(world):
    """What an invalid submission must not change: row counts, and the rows of the élus who act.

    Raw SQL: it runs around each of thousands of examples, and the ORM would double its cost.
    """
    tables = ", ".join(f"(SELECT COUNT(*) FROM {model._meta.db_table})" for model in SAVED_TABLES)
    people = (world.owner.pk, world.fc_user.pk)
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {tables}")
        rows.append(cursor.fetchone())
        for model, column in ((User, "id"), (Dossier, "user_id"), (Mandate, "user_id")):
            cursor.execute(f"SELECT * FROM {model._meta.db_table} WHERE {column} IN (%s, %s) ORDER BY id", people)
            rows.append(cursor.fetchall())
    return rows


def error_messages(forms):
    return [str(message) for form in forms for errors in form.errors.values() for message in errors]


@pytest.fixture
def validated_forms(monkeypatch):
    """Every bound form validated during a request, recorded cheaply.

    The test client normally copies every template context (crispy renders dozens per page): during the
    fuzz, templates render as in production and forms are caught where they are validated instead.
    """
    from django.template.base import Template
    from django.test.utils import _TestState

    monkeypatch.setattr(Template, "_render", _TestState.saved_data.template_render)
    seen = []
    full_clean = BaseForm.full_clean

    def recording_full_clean(form):
        full_clean(form)
        if form.is_bound:
            seen.append(form)

    monkeypatch.setattr(BaseForm, "full_clean", recording_full_clean)
    return seen


@pytest.fixture
def fuzz_world(world, settings, django_capture_on_commit_callbacks, validated_forms):
    """The security world, plus what some forms need: a reset link, a pending sign-up, a FranceConnect élu.

    Sessions live in the local cache here (not the database): thousands of requests, less overhead.
    """
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    CollectiviteFactory(name="Commune de Fuzz")
    world.fc_user = UserFactory(
        franceconnect=True, phone_mobile="", street_name="", postal_code="", city="", cgu_accepted_at=None
    )
    clients = {None: Client(), "owner": Client(), "other": Client(), "fc": Client(), "superuser": Client()}
    clients["reset"] = Client()
    clients["owner"].force_login(world.owner)
    clients["other"].force_login(world.other)
    clients["fc"].force_login(world.fc_user)
    clients["superuser"].force_login(world.superuser)
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(world.other.pk))
    token = default_token_generator.make_token(world.other)
    world.reset_form_url = clients["reset"].get(reverse("accounts:password_reset_confirm", args=[uid, token])).url
    pending = Client()
    pending.get(reverse("accounts:signup"))
    from tests.accounts.test_signup import VALID, post_step

    for step, data in VALID.items():
        post_step(pending, step, data)
    with django_capture_on_commit_callbacks(execute=True):
        post_step(pending, "verification", {})
    clients["pending"] = pending
    world.clients = clients
    world.validated_forms = validated_forms
    world.last_state = None
    return world


def _without(message, typed):
    """`message` without the values the example typed (longest first), where they stand as whole words."""
    for value in typed:
        message = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", message)
    return message


def run_one(world, target, values, file_choice=None):
    if target.fresh is not None:
        target.fresh(world)
        world.last_state = None
    client = world.clients[target.who]
    payload = {(f"{target.prefix}-{key}" if target.prefix else key): value for key, value in values.items()}
    payload.update(target.extra(world))
    if file_choice is not None:
        name, content = file_choice
        payload["front"] = upload(name, content)
        payload["back"] = upload(name, content)
    url = target.url(world)
    # What the tables held before: the state after the previous example (nothing else runs in between).
    checks_state = target.method == "post"
    if checks_state and world.last_state is None:
        world.last_state = state(world)
    before = world.last_state
    world.validated_forms.clear()
    if target.method == "get":
        response = client.get(url, payload)
    else:
        response = client.post(url, payload)
    assert response.status_code < 500, f"{response.status_code} for {values!r}"
    body = response.content.decode("utf-8", "replace") if not response.streaming else ""
    messages = error_messages(world.validated_forms)
    # Django's French "Sélectionnez un choix valide. password n'en fait pas partie." quotes what was typed: only the
    # message's own words are checked.
    typed = sorted((v for v in values.values() if isinstance(v, str) and len(v) >= 4), key=len, reverse=True)
    english = [m for m in messages if ENGLISH.search(_without(m, typed))]
    assert not english, f"error messages not in French: {english}"
    if response.status_code == 200 and messages and "text/html" in response.get("Content-Type", ""):
        page = html.unescape(body)
        assert any(m in page for m in messages), f"the page shows none of its errors: {messages}"
    if response.status_code >= 400 and "text/html" in response.get("Content-Type", ""):
        assert 'lang="fr"' in body, f"{response.status_code} page not in French"
    if checks_state:
        world.last_state = state(world)
        if messages:
            assert world.last_state == before, f"an invalid submission saved something: {values!r}"
    for value in values.values():
        for fragment in XSS:
            if fragment in str(value):
                assert fragment not in body, f"{fragment!r} echoed unescaped"
    return response.status_code, bool(messages)


def record(figures, name, outcomes, started):
    statuses = {}
    for status, _ in outcomes:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    figures.append(
        {
            "target": name,
            "examples": len(outcomes),
            "refused_with_a_message": sum(1 for _, refused in outcomes if refused),
            "statuses": statuses,
            "seconds": round(time.monotonic() - started, 1),
        }
    )


@pytest.fixture(scope="module")
def fuzz_figures():
    figures = []
    yield figures
    from tests.security.figures import save

    save("fuzz", figures)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_every_form_resists_hostile_input(name, fuzz_world, fuzz_figures):
    target = FORMS[name]
    fields = st.fixed_dictionaries({}, optional=target.fields)
    outcomes = []
    started = time.monotonic()

    @FUZZ
    @given(values=fields, file_choice=target.files if target.files is not None else st.none())
    def fuzz(values, file_choice):
        outcomes.append(run_one(fuzz_world, target, values, file_choice))

    fuzz()
    record(fuzz_figures, f"form: {name}", outcomes, started)
    assert len(outcomes) >= EXAMPLES
    # Not vacuous: the form was really reached, and refused bad input with its messages.
    if target.refuses:
        assert sum(1 for _, refused in outcomes if refused) >= 1


@pytest.mark.parametrize("name", sorted(QUERY_VIEWS))
def test_every_query_string_view_resists_hostile_input(name, fuzz_world, fuzz_figures):
    target = QUERY_VIEWS[name]
    fields = st.fixed_dictionaries({}, optional=target.fields)
    outcomes = []
    started = time.monotonic()

    @FUZZ
    @given(values=fields)
    def fuzz(values):
        outcomes.append(run_one(fuzz_world, target, values))

    fuzz()
    record(fuzz_figures, f"query: {name}", outcomes, started)
    assert len(outcomes) >= EXAMPLES


def test_the_state_compared_around_each_example_notices_a_change(fuzz_world):
    before = state(fuzz_world)
    User.objects.filter(pk=fuzz_world.owner.pk).update(city="Ailleurs")
    assert state(fuzz_world) != before
    before = state(fuzz_world)
    Mandate.objects.create(
        user=fuzz_world.fc_user, collectivite=fuzz_world.mandate.collectivite, start_date="2020-01-01"
    )
    assert state(fuzz_world) != before


def test_every_form_of_the_portal_is_fuzzed():
    """A new form view must join FORMS: every POST endpoint of the access matrix is fuzzed or listed here."""
    from tests.security.matrix import CASES

    covered = {
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_confirm",
        "accounts:signup_step",
        "accounts:activation",
        "accounts:rights_edit",
        "accounts:dife_missing_report",
        "accounts:mandate_add",
        "accounts:mandate_edit",
        "accounts:profile_edit",
        "accounts:password_change",
        "accounts:account_delete",
        "franceconnect:complete",
        "enrolment:detail",
        "enrolment:identity",
        "enrolment:cancel",
        "enrolment:satisfaction",
        "enrolment:mcf_number",
        "accounts:email_change",
        "accounts:email_change_confirm",
        "enrolment:staff_digest",
    }
    # POST endpoints without any input to fuzz (a button): nothing typed, nothing to fuzz.
    buttons = {
        "accounts:logout",
        "accounts:activation_resend",
        "accounts:activation_link",
        "accounts:mandate_delete",
        "enrolment:start",
        "franceconnect:logout",
        "franceconnect:link",
        "enrolment:send",
        "enrolment:confirm_offer",
        "accounts:email_change_cancel",
        "accounts:email_change_link",
    }
    posts = {name for name, case in CASES.items() if "post" in case.methods}
    assert posts == covered | buttons, f"POST endpoints to add to FORMS (or to buttons): {posts - covered - buttons}"
