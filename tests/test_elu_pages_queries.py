"""Every page an élu sees costs at most 10 SQL queries (issue #9), whatever the number of rows it lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    DossierFactory,
    DossierLogFactory,
    InvitationFactory,
    MandateFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MAX_QUERIES = 10


def elu_pages(elu, rows):
    """The élu's pages, with `rows` dossiers, mandates and sessions behind each list."""
    sessions = [SessionFactory(days_ahead=30 + i) for i in range(rows)]
    for i in range(rows):
        SessionFactory(training=sessions[0].training, days_ahead=60 + i)
    mandates = [MandateFactory(user=elu) for _ in range(rows)]
    draft = DossierFactory(user=elu, session=sessions[0], mandate=mandates[0])
    sent = DossierFactory(user=elu, session=SessionFactory(days_ahead=45), submitted=True)
    for dossier in [DossierFactory(user=elu, session=s, submitted=True) for s in sessions[1:]] + [draft, sent]:
        for _ in range(rows):
            DossierLogFactory(dossier=dossier, to_state=dossier.state)
    fresh = SessionFactory(days_ahead=50)
    InvitationFactory(training=fresh.training)
    pages = [
        reverse("home"),
        reverse("trainings:search"),
        reverse("trainings:search") + "?q=budget&lieu=Tours",
        sessions[0].training.get_absolute_url(),
        reverse("enrolment:list"),
        reverse("enrolment:start", args=[fresh.pk]),
        reverse("enrolment:detail", args=[draft.pk]),
        reverse("enrolment:review", args=[draft.pk]),
        reverse("enrolment:cancel", args=[draft.pk]),
        reverse("enrolment:detail", args=[sent.pk]),
        reverse("enrolment:sent", args=[sent.pk]),
        reverse("accounts:rights"),
        reverse("accounts:rights_edit"),
        reverse("accounts:dife_missing"),
        reverse("accounts:mandates"),
        reverse("accounts:mandate_add"),
        reverse("accounts:mandate_edit", args=[mandates[0].pk]),
        reverse("accounts:profile"),
        reverse("accounts:profile_edit"),
        reverse("accounts:password_change"),
        reverse("accounts:account_delete"),
    ]
    if not elu.identity_verified:
        pages.append(reverse("enrolment:identity", args=[draft.pk]))
    return pages


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("verified", [True, False], ids=["franceconnect", "without-franceconnect"])
def test_every_elu_page_stays_within_ten_queries_whatever_the_rows(client, verified):
    counts = {}
    for rows in (1, 6):
        elu = UserFactory(franceconnect=verified)
        client.force_login(elu)
        counts[rows] = [count(client, url) for url in elu_pages(elu, rows)]
    pages = elu_pages(UserFactory(franceconnect=verified), 1)
    over = {page: n for page, n in zip(pages, counts[6], strict=True) if n > MAX_QUERIES}
    assert not over
    assert counts[1] == counts[6]  # constant in the number of rows
