"""Which cached public pages a change makes stale (see dife_portal/page_cache.py).

The version tokens:
- "catalogue": trainings, sessions, themes, organisers — any change replaces it, and every catalogue page with it;
- "seats": any change of a dossier's state — the search shows which sessions are full and orders by them;
- "training:<pk>": a dossier of one of that training's sessions changed — its page shows the seats left;
Tokens are replaced at once and again once the transaction commits (`page_cache.bump_after_commit`).
"""

from django.db.models.signals import post_delete, post_save

from dife_portal import page_cache

from .models import Organiser, Session, Theme, Training

CATALOGUE = "catalogue"
SEATS = "seats"


def training_version(pk):
    return f"training:{pk}"


def search_versions(*args, **kwargs):
    return [CATALOGUE, SEATS]


def training_page_versions(pk, *args, **kwargs):
    return [CATALOGUE, training_version(pk)]


bump_after_commit = page_cache.bump_after_commit


def _catalogue_changed(sender, **kwargs):
    bump_after_commit([CATALOGUE])


def _dossier_changed(sender, instance, update_fields=None, **kwargs):
    from enrolment.services import EDITABLE_FIELDS  # enrolment depends on trainings, not the reverse

    # The élu's own details and the reminder date are never shown on the public pages: saving only those stales
    # nothing there.
    if update_fields and set(update_fields) <= {*EDITABLE_FIELDS, "reminder_sent_at"}:
        return
    if sender.session.is_cached(instance):
        training_id = instance.session.training_id
    else:
        training_id = Session.objects.filter(pk=instance.session_id).values_list("training_id", flat=True).first()
    bump_after_commit([SEATS, training_version(training_id)])


def connect():
    for model in (Training, Session, Theme, Organiser):
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_save")
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"page_cache_{model.__name__}_delete")
    post_save.connect(_dossier_changed, sender="enrolment.Dossier", dispatch_uid="page_cache_dossier_save")
    post_delete.connect(_dossier_changed, sender="enrolment.Dossier", dispatch_uid="page_cache_dossier_delete")
