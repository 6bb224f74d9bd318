"""The PDF documents of a session, rendered on the server by WeasyPrint from the templates in
templates/enrolment/documents/: the convocation, the attendance sheets (one page per half-day) and the certificates
of attendance ("certificat de réalisation", one per élu marked present, alone or all of a session in a zip).

Each document is A4 with selectable text, carries the association's identity (settings.ASSOCIATION) and embeds the
subset of the font it uses (DejaVu Sans, installed by `make system`). WeasyPrint never fetches anything: the style
sheet is read from the static files and every other URL is refused.
"""

import io
import zipfile
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from . import attendance, convocations
from .exceptions import EnrolmentError
from .models import DossierState

PDF_CONTENT_TYPE = "application/pdf"
STYLESHEET = "css/documents.css"
# Empty lines at the end of each attendance sheet, for a participant added on the day.
BLANK_ROWS = 3
# The id of each certificate's title in certificates.html, followed by the dossier's pk.
CERTIFICATE_ANCHOR = "attestation-"


class NotAttended(EnrolmentError):
    message = "Cet élu n'est pas noté présent à la session : aucune attestation ne peut être délivrée."


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"Les documents PDF ne chargent aucune ressource externe ({url}).")


@cache
def _stylesheet():
    from weasyprint import CSS

    return CSS(filename=finders.find(STYLESHEET), url_fetcher=_refuse_fetch)


def colour_rules():
    """The association's colour (ASSOCIATION_COLOR) where the stylesheet draws the association's identity."""
    colour = settings.ASSOCIATION_BRANDING["colour"]
    return f".association {{ border-bottom-color: {colour}; }} .association strong, h2 {{ color: {colour}; }}"


def _colours():
    from weasyprint import CSS

    return CSS(string=colour_rules(), url_fetcher=_refuse_fetch)


def _document(template_name, context):
    from weasyprint import HTML  # imported on first use: loading Pango costs every process that never prints

    html = render_to_string(template_name, {"association": settings.ASSOCIATION, **context})
    return HTML(string=html, url_fetcher=_refuse_fetch, base_url=settings.SITE_URL).render(
        stylesheets=[_stylesheet(), _colours()], pdf_tags=True
    )


def _write(document):
    return document.write_pdf(pdf_tags=True)


def render_pdf(template_name, context):
    """The PDF (bytes) of a document template rendered with `context` and the association's identity."""
    return _write(_document(template_name, context))


def _session_context(session, title):
    return {
        "title": title,
        "session": session,
        "training": session.training,
        "days": attendance.session_days(session),
        "place": convocations.location(session),
        "is_remote": convocations.is_remote(session),
    }


def _file_stem(kind, session):
    return f"{kind}-{slugify(session.training.title)[:50].strip('-')}-{session.first_day:%Y-%m-%d}"


# --- Attendance sheets -------------------------------------------------------------------------------------------


def attendance_sheets(session):
    """(filename, PDF): one sheet per half-day, the enrolled élus by name, blank signature boxes, a trainer box."""
    context = {
        **_session_context(session, "Feuilles d'émargement"),
        "half_days": attendance.half_days(session),
        "rows": attendance.rows(attendance.enrolled(session)),
        "blank_rows": range(BLANK_ROWS),
    }
    pdf = render_pdf("enrolment/documents/attendance_sheets.html", context)
    return f"{_file_stem('emargement', session)}.pdf", pdf


# --- Certificates ------------------------------------------------------------------------------------------------


def certificate_filename(dossier):
    name = slugify(attendance.display_name(dossier))[:40].strip("-") or str(dossier.pk)
    return f"{_file_stem('attestation', dossier.session)}-{name}.pdf"


def certificates_for(session, dossiers, today=None):
    """[(dossier, PDF)]: the certificates of `dossiers` laid out once, then written one file per élu."""
    rows = [{**row, "hours": attendance.hours_attended(row["dossier"])} for row in attendance.rows(dossiers)]
    context = {
        **_session_context(session, "Certificat de réalisation"),
        "rows": rows,
        "signing_place": attendance.signing_place(),
        "today": today or timezone.localdate(),
    }
    document = _document("enrolment/documents/certificates.html", context)
    # Each certificate starts on a new page with its anchor; a long one may run on the next pages.
    pages = {}
    current = None
    for page in document.pages:
        current = next((key for key in page.anchors if key.startswith(CERTIFICATE_ANCHOR)), current)
        pages.setdefault(current, []).append(page)
    return [(d, _write(document.copy(pages[f"{CERTIFICATE_ANCHOR}{d.pk}"]))) for d in dossiers]


def certificate(dossier, today=None):
    """(filename, PDF) of the élu's certificate; raises NotAttended unless the élu is marked present."""
    if dossier.state != DossierState.ATTENDED:
        raise NotAttended()
    [(_, pdf)] = certificates_for(dossier.session, [dossier], today)
    return certificate_filename(dossier), pdf


def certificates_zip(session, today=None):
    """(filename, zip bytes) holding one certificate per élu marked present, or None when nobody is."""
    dossiers = attendance.attended(session)
    if not dossiers:
        return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for dossier, pdf in certificates_for(session, dossiers, today):
            archive.writestr(certificate_filename(dossier), pdf)
    return f"{_file_stem('attestations', session)}.zip", buffer.getvalue()


# --- Convocation -------------------------------------------------------------------------------------------------

CONVOCATION_FILENAME = "convocation.pdf"


def convocation(dossier, today=None):
    """(filename, PDF) of the convocation sent with the e-mail: the élu, days and hours, place, access, contact."""
    session = dossier.session
    context = {
        **_session_context(session, "Convocation"),
        "dossier": dossier,
        "name": attendance.display_name(dossier),
        "mandate": attendance.collectivite_label(dossier),
        "contact": convocations.contact(session.training),
        "today": today or timezone.localdate(),
    }
    return CONVOCATION_FILENAME, render_pdf("enrolment/documents/convocation.html", context)
