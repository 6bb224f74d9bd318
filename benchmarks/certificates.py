"""How long the certificates of a full session take to generate: 15 élus marked present, one PDF each, in a zip
(what "Attestations de présence" in the session's participants page returns), and the same 15 e-mailed by
"Envoyer les attestations".

Runs on a throw-away SQLite database (migrated here), so it needs nothing but the project's setup:

    .venv/bin/python benchmarks/certificates.py [--participants 15] [--runs 3]

Prints the first run (WeasyPrint and the fonts loaded by the process) and the next ones, in wall-clock and CPU
time, the size of each PDF, and the machine. Nothing is asserted: the figures are for people to read (README,
"PDF documents and dashboard").
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=15)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="dife-bench-pdf-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="dife_portal.settings",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{workdir}/bench.sqlite3",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    import datetime
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from enrolment import certificates, documents
    from enrolment.models import Dossier, DossierState
    from trainings.models import Organiser, Session, Theme, Training

    organiser = Organiser.objects.create(name="Maison des Maires d'Indre-et-Loire", is_default=True)
    theme = Theme.objects.create(name="Urbanisme", slug="urbanisme")
    training = Training.objects.create(
        title="Urbanisme : comprendre et faire évoluer le PLU",
        reference="AMIL-URB-01",
        organiser=organiser,
        theme=theme,
        summary="Le plan local d'urbanisme.",
        objectives="Connaître les pièces du PLU.",
        content="Le cadre juridique.",
        duration_hours=Decimal("7"),
        price=Decimal("180"),
    )
    start = timezone.now() - datetime.timedelta(days=2)
    session = Session.objects.create(
        training=training,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=8),
        venue="Maison des Maires, 34 place de la Préfecture",
        postal_code="37000",
        city="Tours",
    )
    for index in range(args.participants):
        user = User.objects.create_user(
            f"elu{index}@example.fr", None, first_names="Marie-Christine", birth_name=f"Delaunay-Martin{index:02d}"
        )
        Dossier.objects.create(
            user=user, session=session, state=DossierState.ATTENDED, mandate_label="Adjointe au maire — Amboise"
        )

    zip_times, zip_cpu = [], []
    for _ in range(args.runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        _, archive = documents.certificates_zip(session)
        zip_times.append(time.perf_counter() - began)
        zip_cpu.append(time.process_time() - began_cpu)
    sizes = [len(pdf) for _, pdf in documents.certificates_for(session, documents.attendance.attended(session))]

    began = time.perf_counter()
    for dossier, pdf in certificates.rendered_for_sending(session):
        with transaction.atomic():
            certificates.send_certificate(dossier, by=None, pdf=pdf)
    send_time = time.perf_counter() - began

    print(f"# {args.participants} certificates of one session ({platform.python_version()}, {os.cpu_count()} CPUs)")
    print(f"load average: {os.getloadavg()[0]:.1f} (the machine may be shared: CPU time is the process's own)")
    print(f"zip, first run (WeasyPrint and fonts loaded): {zip_times[0]:.2f} s ({zip_cpu[0]:.2f} s CPU)")
    if len(zip_times) > 1:
        wall, cpu = statistics.median(zip_times[1:]), statistics.median(zip_cpu[1:])
        print(f"zip, next runs (median of {len(zip_times) - 1}): {wall:.2f} s ({cpu:.2f} s CPU)")
    print(f"'Envoyer les attestations' (render + outbox): {send_time:.2f} s")
    print(f"PDF size: {min(sizes) / 1024:.1f}–{max(sizes) / 1024:.1f} KB each, zip {len(archive) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
