"""What may forbid an élu to delete their account.

The apps built on accounts hold what the account is used for (enrolment: dossiers the AMIL is handling); each
registers a check at start-up, so that accounts never imports them.
"""

_checks = []


def register(check):
    """`check(user)` returns True when the account must not be deleted yet."""
    if check not in _checks:
        _checks.append(check)


def is_blocked(user):
    return any(check(user) for check in _checks)
