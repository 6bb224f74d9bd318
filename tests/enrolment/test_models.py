"""enrolment/models.py: small derived properties."""

from enrolment.models import DossierEvent, DossierLog, DossierState


def test_a_log_label_says_what_get_display_says_known_or_not():
    for event in ["", *DossierEvent.values, "unknown_event"]:
        for to_state in [*DossierState.values, "unknown_state"]:
            log = DossierLog(event=event, to_state=to_state)
            expected = log.get_event_display() if event else log.get_to_state_display()
            assert log.label == expected, (event, to_state)
