"""The dashboard's figures against hand-built data: a year boundary in Paris time, a cancelled session, a session
not begun yet, élus trained twice."""

from decimal import Decimal

import pytest

from enrolment import activity_report, dashboard
from enrolment.models import Dossier, DossierState, FundingState, SatisfactionAnswer
from tests.enrolment.conftest import paris
from tests.factories import (
    CollectiviteFactory,
    DossierFactory,
    InvitationFactory,
    MandateFactory,
    SessionFactory,
    TrainingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = paris(2027, 1, 15)


def period(year=2026, now=NOW):
    return dashboard.Period.of(year, now)


def session_on(start, training, **kwargs):
    return SessionFactory(training=training, starts_at=start, ends_at=start.replace(hour=17), **kwargs)


@pytest.fixture
def year():
    """Two trainings held in 2026, one cancelled session, and sessions on either side of the year."""
    budget = TrainingFactory(title="Budget", duration_hours=Decimal("7"))
    plu = TrainingFactory(title="PLU", duration_hours=Decimal("3.5"))
    amboise = CollectiviteFactory(name="Amboise")
    epci = CollectiviteFactory(epci=True, name="CC du Val d'Amboise")
    first, second, third = (MandateFactory(collectivite=c) for c in (amboise, amboise, epci))
    fourth = UserFactory()  # no mandate recorded: the dossier only says what the élu typed
    held = session_on(paris(2026, 3, 10, 9), budget, seats=10)
    for mandate in (first, second, third):  # paid by their DIFE: their MCF dossiers went to "service fait validé"
        DossierFactory(
            session=held,
            user=mandate.user,
            mandate=mandate,
            state=DossierState.ATTENDED,
            funding_state=FundingState.SERVICE_VALIDATED,
        )
    DossierFactory(session=held, state=DossierState.ABSENT)
    DossierFactory(session=held, state=DossierState.ACCEPTED)  # presence not noted
    # New Year's Eve, 9h Paris: in 2026. The élu of the first one is trained twice.
    eve = session_on(paris(2026, 12, 31, 9), plu)
    DossierFactory(session=eve, user=first.user, mandate=first, state=DossierState.ATTENDED)
    DossierFactory(session=eve, user=fourth, state=DossierState.ATTENDED)
    cancelled = session_on(paris(2026, 5, 5, 9), budget, cancelled=True)
    DossierFactory.create_batch(2, session=cancelled, state=DossierState.CANCELLED)
    # Outside 2026 (Paris time): the session of 31 December 2025 at 23h30 and the one of 2 January 2027.
    before = session_on(paris(2025, 12, 31, 9), plu)
    before.starts_at = paris(2025, 12, 31, 23, 30)
    before.ends_at = paris(2025, 12, 31, 23, 45)
    before.save()
    DossierFactory(session=before, state=DossierState.ATTENDED)
    DossierFactory(session=session_on(paris(2027, 1, 2, 9), plu), state=DossierState.ATTENDED)
    return {"budget": budget, "plu": plu, "held": held, "eve": eve, "cancelled": cancelled}


def test_sessions_held_and_their_fill_rate(year):
    table = dashboard.sessions_fill(period())
    assert table.rows == [
        ["Budget", 1, 1, 10, 5, 3, Decimal("50.0")],
        ["PLU", 1, 0, 15, 2, 2, Decimal("13.3")],
    ]
    assert table.total == ["Total", 2, 1, 25, 7, 5, Decimal("28.0")]
    assert table.figures == [("Sessions tenues", 2), ("Taux de remplissage", "28 %")]


def test_a_session_not_begun_is_not_held(year):
    in_june = dashboard.sessions_fill(period(now=paris(2026, 6, 1)))
    assert in_june.rows == [["Budget", 1, 1, 10, 5, 3, Decimal("50.0")]]


def test_dossiers_by_state_are_those_of_the_years_sessions(year):
    table = dashboard.dossiers_by_state(period())
    counts = {label: count for label, count in table.rows}
    assert counts["Formation suivie"] == 5 and counts["Absent"] == 1 and counts["Validée"] == 1
    assert counts["Annulée"] == 2 and counts["Demande envoyée"] == 0
    assert table.total == ["Total", 9]
    assert [row[0] for row in table.chart.rows] == ["Validée", "Formation suivie", "Absent", "Annulée"]


def test_trainees_and_hours_by_training_count_each_elu_once_in_the_total(year):
    table = dashboard.trainees_by_training(period())
    assert table.rows == [["Budget", 3, Decimal("21")], ["PLU", 2, Decimal("7.0")]]
    assert table.total == ["Total", 4, Decimal("28.0")]


def test_trainees_and_hours_by_collectivite(year):
    table = dashboard.trainees_by_collectivite(period())
    assert table.rows == [
        ["Amboise", "Commune", 2, Decimal("17.5")],
        ["CC du Val d'Amboise", "EPCI", 1, Decimal("7")],
        [dashboard.NO_COLLECTIVITE, "—", 1, Decimal("3.5")],
    ]
    assert table.csv_rows()[0] == ["Amboise", "Commune", "2", "17,5"]


def test_the_previous_and_next_years_hold_their_own_sessions(year):
    assert dashboard.trainees_by_training(period(2025)).rows == [["PLU", 1, Decimal("3.5")]]
    assert dashboard.trainees_by_training(period(2027)).rows == [["PLU", 1, Decimal("3.5")]]


def test_invitations_to_dossiers_per_collectivite_in_the_year_they_were_created():
    amboise = CollectiviteFactory(name="Amboise")
    session = SessionFactory()
    march = InvitationFactory(collectivite=amboise, training=session.training, open_count=5)
    new_year = InvitationFactory(collectivite=amboise, training=session.training, open_count=3)
    old = InvitationFactory(collectivite=amboise, training=session.training, open_count=100)
    general = InvitationFactory(collectivite=None, training=session.training, open_count=7)
    for invitation, created_at in [
        (march, paris(2026, 3, 1)),
        (new_year, paris(2026, 1, 1, 0, 30)),  # 31 December 2025 23h30 UTC
        (old, paris(2025, 12, 31, 23, 30)),
        (general, paris(2026, 6, 1)),
    ]:
        type(invitation).objects.filter(pk=invitation.pk).update(created_at=created_at)
    DossierFactory(session=session, invitation=march, state=DossierState.ATTENDED, submitted_at=paris(2026, 3, 2))
    DossierFactory(session=session, invitation=new_year, submitted=True)
    DossierFactory(session=session, invitation=new_year)  # a draft
    DossierFactory(session=session, invitation=old, accepted=True)
    table = dashboard.invitation_funnel(period())
    assert table.rows == [
        ["Amboise", 2, 8, 3, 2, 1],
        ["Toutes les collectivités (lien général)", 1, 7, 0, 0, 0],
    ]
    assert table.total == ["Total", 3, 15, 3, 2, 1]
    assert table.chart.rows == [
        ["Invitations", 3],
        ["Ouvertures du lien", 15],
        ["Dossiers créés", 3],
        ["Dossiers envoyés", 2],
        ["Validés", 1],
    ]


def test_response_times_in_working_days_with_the_median_and_those_late():
    def answered(sent, decided, state=DossierState.ACCEPTED):
        DossierFactory(state=state, submitted_at=sent, decided_at=decided)

    answered(paris(2026, 3, 2, 10), paris(2026, 3, 2, 16))  # Monday, the same day: 0
    answered(paris(2026, 3, 2, 10), paris(2026, 3, 4, 9), DossierState.REFUSED)  # Wednesday: 2
    answered(paris(2026, 3, 6, 10), paris(2026, 3, 12, 9), DossierState.ATTENDED)  # Friday → Thursday: 4, late
    answered(paris(2026, 1, 1, 0, 30), paris(2026, 1, 2, 9), DossierState.CANCELLED)  # a holiday → Friday: 1
    answered(paris(2025, 12, 31, 23, 30), paris(2026, 1, 5, 9))  # sent in 2025
    DossierFactory(submitted=True, submitted_at=paris(2026, 11, 30))  # still waiting
    table = dashboard.response_times(period())
    assert sorted(dashboard.response_delays(period())) == [0, 1, 2, 4]
    assert [count for _, count in table.rows] == [1, 1, 1, 0, 1, 0]
    assert table.total == ["Total", 4]
    assert table.figures == [
        ("Délai médian", "1,5 jour(s) ouvré(s)"),
        ("Réponses au-delà de 2 jours ouvrés", 1),
        ("Demandes encore sans réponse", 1),
    ]


def test_an_empty_year_has_empty_tables():
    for table in dashboard.sections(period(2019)):
        assert table.rows == [] or all(not any(row[1:]) for row in table.rows), table.key
    assert dashboard.response_times(period(2019)).figures[0] == ("Délai médian", "—")


# --- The activity report -------------------------------------------------------------------------------------


def test_the_activity_report_splits_by_funding_and_lists_what_it_could_not_count(year):
    table = activity_report.figures(period())
    assert table.rows == [
        [activity_report.DIFE_MCF, 3, Decimal("21"), 1, 1],
        [activity_report.OTHER, 2, Decimal("7.0"), 1, 1],
    ]
    assert table.total == ["Total", 4, Decimal("28.0"), 2, 2]
    [missing] = activity_report.not_counted(period())
    assert (missing.session, missing.enrolled, missing.unmarked) == (year["held"], 5, 1)


def test_a_participation_counts_as_dife_once_mcf_validated_the_dossier(year):
    Dossier.objects.filter(session__training=year["plu"]).update(funding_state=FundingState.VALIDATED)
    table = activity_report.figures(period())
    assert table.rows[0] == [activity_report.DIFE_MCF, 4, Decimal("28.0"), 2, 2]
    assert table.rows[1] == [activity_report.OTHER, 0, Decimal("0"), 0, 0]


def test_dossiers_by_funding_state_count_only_the_dossiers_with_a_funding_track(year):
    table = dashboard.dossiers_by_funding_state(period())
    counts = {label: count for label, count in table.rows}
    # Held: 3 paid, the absent and the accepted ones still to do on MCF; the eve's 2; not the cancelled ones.
    assert counts["Service fait validé"] == 3
    assert counts["À faire sur Mon Compte Formation"] == 4
    assert table.total == ["Total", 7]
    assert "financement" in dashboard.SECTIONS


def test_satisfaction_by_training_averages_the_answers_of_the_years_sessions(year):
    for overall, recommend in ((5, True), (4, True), (2, False)):
        SatisfactionAnswer.objects.create(
            session=year["held"], overall=overall, usefulness=4, objectives_met="oui", would_recommend=recommend
        )
    table = dashboard.satisfaction_by_training(period())
    [row] = table.rows
    assert row[:4] == ["Budget", 3, Decimal("3.7"), Decimal("4.0")]
    assert row[4:] == [100, 67]  # all found the objectives met; two of three would recommend it
    assert [r[0] for r in table.chart.rows] == ["Budget"]
