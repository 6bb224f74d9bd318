"""E-mails prepared after the response: the request only writes who asked for what, the same for every address.

"Mot de passe oublié" must answer an address with an account exactly as it answers one without: looking the
account up, making a token and rendering the e-mail in the request made existing addresses measurably slower.
Now the request calls `defer(name, to)`, which writes one row whatever the address. Once the response is sent
(Django's `request_finished`, sent when the server closes the response) the rows this request wrote are handed
to their preparer, registered by the app that owns the e-mail (`register`): it looks up what it needs and
queues the e-mail through the outbox, or nothing. `send_outbox` prepares any row left behind (a worker that
stopped in between).
"""

import logging
import threading

from django.db import transaction

from .models import DeferredEmail

logger = logging.getLogger(__name__)

_preparers = {}
_written = threading.local()


def register(name, preparer):
    """`preparer(to)` queues the e-mail for the address `to` through the outbox, or nothing."""
    _preparers[name] = preparer


def defer(name, to):
    """Ask for the e-mail `name` for the address `to`: one INSERT, prepared after the response."""
    if name not in _preparers:
        raise LookupError(f"no preparer registered for {name!r}")
    row = DeferredEmail.objects.create(preparer=name, to=to)
    if not hasattr(_written, "pks"):
        _written.pks = []
    _written.pks.append(row.pk)
    return row


def run_after_response(sender=None, **kwargs):
    """Connected to `request_finished`: prepare what this request deferred (nothing for most requests)."""
    pks = getattr(_written, "pks", None)
    if not pks:
        return
    _written.pks = []
    prepare(DeferredEmail.objects.filter(pk__in=pks))


def prepare(rows=None):
    """Prepare (and delete) the deferred rows given, or all of them; returns how many were prepared."""
    prepared = 0
    for pk in (rows if rows is not None else DeferredEmail.objects.all()).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                row = DeferredEmail.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
                if row is None:  # prepared meanwhile by another process
                    continue
                _preparers[row.preparer](row.to)
                row.delete()
                prepared += 1
        except Exception:  # noqa: BLE001 - one failing e-mail never blocks the others; send_outbox retries it
            logger.exception("deferred e-mail %s not prepared", pk)
    return prepared
