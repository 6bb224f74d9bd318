"""The staff's daily digest: the admin home's to-do (enrolment.todo) by e-mail, through the outbox.

Each active staff member with an e-mail address receives it, unless they turned it off (StaffDigestPreference),
at most once per Paris day however often `send_staff_digest` runs, and only on a day when something waits.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mailing import outbox
from trainings import deadlines

from . import todo
from .models import StaffDigestPreference


def preference_for(user):
    preference, _ = StaffDigestPreference.objects.get_or_create(user=user)
    return preference


def set_enabled(user, enabled):
    """Turns `user`'s daily digest on or off."""
    StaffDigestPreference.objects.update_or_create(user=user, defaults={"enabled": enabled})


def recipients():
    """Active staff members with an address whose digest is not turned off."""
    return (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .exclude(staff_digest__enabled=False)
        .order_by("pk")
    )


def send_daily(now=None):
    """Queues today's digest for every recipient who has not had it today and has something waiting.
    Returns the users it was queued for."""
    now = now or timezone.now()
    today = deadlines.paris_today(now)
    sent = []
    for user in recipients():
        items = todo.items_for(user, now)
        if not any(item.count for item in items):
            continue
        with transaction.atomic():
            preference = preference_for(user)
            # One statement decides: two runs at once queue one e-mail, and a second run the same day none.
            claimed = (
                StaffDigestPreference.objects.filter(pk=preference.pk, enabled=True)
                .exclude(last_sent_on=today)
                .update(last_sent_on=today)
            )
            if not claimed:
                continue
            outbox.queue(user.email, "emails/staff/digest", _context(user, items, today))
        sent.append(user)
    return sent


def _context(user, items, today):
    site = settings.SITE_URL
    waiting = sum(item.count for item in items if not item.sub)
    return {
        "user": user,
        "today": today,
        "waiting": waiting,
        "items": [{"item": item, "url": site + item.url} for item in items],
        "admin_url": site + reverse("admin:index"),
        "settings_url": site + reverse("enrolment:staff_digest"),
    }
