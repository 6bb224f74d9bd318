"""Who the benchmark's requests are made as: signed-in élus, their CSRF tokens, fresh (élu, session) pairs.

Run by benchmarks/run.py with the same environment as the servers (same database, same cache), after
`generate_bench_data`. Prints a JSON document; nothing here goes through the login form, so the
figures measure the pages, not the password hasher.

    python benchmarks/fixtures.py --elus 200 --once 4000 --pairs 4000 --drafts 1500 --invited 200 --invitations 200
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dife_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.middleware.csrf import CSRF_SECRET_LENGTH  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from accounts.models import User  # noqa: E402
from enrolment import rules, services  # noqa: E402
from enrolment.management.commands.generate_bench_data import BENCH_DOMAIN  # noqa: E402
from enrolment.models import ACTIVE_STATES, Dossier, DossierEvent, DossierLog, DossierState  # noqa: E402
from trainings import invitations  # noqa: E402
from trainings.deadlines import is_registration_open  # noqa: E402
from trainings.models import Invitation, Session, Training  # noqa: E402

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
CSRF_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def signed_in(user):
    """A session cookie for `user`, as django.contrib.auth.login would leave it, and a CSRF secret.

    The CSRF cookie holds the secret; Django accepts the same 32 characters as the form token.
    """
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = MODEL_BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    csrf = get_random_string(CSRF_SECRET_LENGTH, CSRF_CHARS)
    cookie = f"{settings.SESSION_COOKIE_NAME}={store.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    return {"user_pk": user.pk, "cookie": cookie, "csrf": csrf}


def invited(invitation):
    """The cookie of a visitor who is not signed in and followed `invitation` (what the invitation link sets)."""
    return {"cookie": f"{invitations.COOKIE_NAME}={invitations.cookie_value(invitation)}"}


def bench_elus():
    return (
        User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}", is_staff=False)
        .prefetch_related("mandates")
        .order_by("pk")
    )


def the_training():
    """The published training with the most sessions: the heaviest training page."""
    training = Training.objects.filter(is_published=True).annotate(n=Count("sessions")).order_by("-n", "pk").first()
    if training is None:
        sys.exit("No published training: run generate_bench_data first.")
    return {
        "training_pk": training.pk,
        "training_slug": training.slug,
        "training_url": training.get_absolute_url(),
        # How many sessions its page lists (the page shows every upcoming session).
        "training_upcoming": training.sessions.upcoming().count(),
    }


def open_sessions():
    now = timezone.now()
    sessions = Session.objects.filter(
        status=Session.Status.OPEN, starts_at__gt=now, training__is_published=True
    ).order_by("starts_at")
    return [s for s in sessions if is_registration_open(s.first_day)]


def fresh_pairs(count, users, sessions, taken, drafts):
    """`count` (élu, open session) pairs not in `taken` (which grows), spread over the sessions."""
    if not sessions or count == 0:
        return []
    verified = [u for u in users if u.identity_verified_at is not None]
    pairs, i = [], 0
    while len(pairs) < count and i < len(verified) * len(sessions):
        user, session = verified[i % len(verified)], sessions[(i + i // len(verified)) % len(sessions)]
        i += 1
        if (user.pk, session.pk) in taken:
            continue
        taken.add((user.pk, session.pk))
        pairs.append((user, session))
    rows = []
    with transaction.atomic():
        for user, session in pairs:
            rows.append({**signed_in(user), "session_pk": session.pk})
        if drafts:
            # What "Créer mon dossier" leaves (services.prefill), every detail present: "Envoyer mon dossier" sends it.
            dossiers = Dossier.objects.bulk_create(
                [Dossier(user=u, session=s, created_by=u, **services.prefill(u)) for u, s in pairs]
            )
            incomplete = [d.pk for d in dossiers if rules.missing_information(d)]
            if incomplete:
                sys.exit(f"Bench drafts miss information the AMIL needs: {incomplete[:5]}…")
            DossierLog.objects.bulk_create(
                DossierLog(dossier=d, by_id=d.user_id, to_state=DossierState.DRAFT, event=DossierEvent.CREATED)
                for d in dossiers
            )
            for row, dossier in zip(rows, dossiers, strict=True):
                row["dossier_pk"] = dossier.pk
    return rows


def invited_visitors(count, training_pk):
    """Visitors who followed one of the invitations to the training (each mairie's link: its own banner)."""
    if count == 0:
        return []
    links = list(
        Invitation.objects.filter(training_id=training_pk, collectivite__isnull=False)
        .select_related("training", "collectivite")
        .order_by("pk")
    )
    if not links:
        sys.exit("No invitation to the bench training: run generate_bench_data first.")
    return [invited(links[i % len(links)]) for i in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elus", type=int, default=200, help="signed-in élus reused in turn (read pages)")
    parser.add_argument("--once", type=int, default=0, help="signed-in élus used once each")
    parser.add_argument("--pairs", type=int, default=0, help="fresh (élu, open session) pairs")
    parser.add_argument("--drafts", type=int, default=0, help="fresh pairs, each with a draft dossier ready to send")
    parser.add_argument("--invited", type=int, default=0, help="visitors who followed an invitation to the training")
    parser.add_argument("--invitations", type=int, default=200)
    args = parser.parse_args()

    users = list(bench_elus())
    if len(users) < args.elus + args.once:
        sys.exit(f"Only {len(users)} bench élus: generate more data or ask for fewer.")
    with transaction.atomic():
        readers = [signed_in(u) for u in users[: args.elus]]
        once = [signed_in(u) for u in users[args.elus : args.elus + args.once]]
    # Élus of the write paths come from the other end of the list: they never share a session cookie.
    pool = list(reversed(users))
    sessions = open_sessions()
    taken = set(
        Dossier.objects.filter(session__in=sessions, state__in=ACTIVE_STATES).values_list("user_id", "session_id")
    )
    context = the_training()
    document = {
        "context": context,
        "elu": readers,
        "elu_once": once,
        "pair": fresh_pairs(args.pairs, pool, sessions, taken, drafts=False),
        "draft": fresh_pairs(args.drafts, pool, sessions, taken, drafts=True),
        "invited": invited_visitors(args.invited, context["training_pk"]),
        "invitation": [
            {"invitation_token": token, "invitation_training_pk": training_pk}
            for token, training_pk in Invitation.objects.order_by("pk").values_list("token", "training_id")[
                : args.invitations
            ]
        ],
    }
    json.dump(document, sys.stdout)


if __name__ == "__main__":
    main()
