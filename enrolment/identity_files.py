"""Identity document files: which ones are accepted, judged by their content, never by their name.

A file is accepted when `filetype` recognises JPEG, PNG or PDF from its first bytes AND a light structural
parse agrees (a PDF has its header and an end-of-file marker; a PNG has a valid header chunk and ends with
IEND; a JPEG has a frame header with a size before its scan and an end-of-image marker). No image library
is needed for that, and nothing is written anywhere while checking. A file that also carries web content
(an HTML page or an SVG behind the magic bytes, a script, bytes after a PNG's end) is refused: it is not a
plain photo or scan, and a browser could be talked into running it. What passes is then re-encoded
(`identity_reencoding`): what is stored, and what staff open, is an image the portal drew itself.
"""

import re
import struct
import zlib

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats

from .identity_reencoding import CORRUPT, reencode

# Sniffed MIME type → extension given to the stored file.
ACCEPTED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
ACCEPT_ATTRIBUTE = ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers (baseline, progressive, lossless, arithmetic…), never DHT/JPG/DAC.
JPEG_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _looks_like_pdf(data):
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]


def _looks_like_png(data):
    if not data.startswith(PNG_SIGNATURE):
        return False
    pos = len(PNG_SIGNATURE)
    seen_idat = False
    first = True
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        chunk_type = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            return False
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : end])
        if zlib.crc32(chunk_type + body) & 0xFFFFFFFF != crc:
            return False
        if first:
            if chunk_type != b"IHDR" or length != 13:
                return False
            width, height = struct.unpack(">II", body[:8])
            if width == 0 or height == 0:
                return False
            first = False
        if chunk_type == b"IDAT":
            seen_idat = True
        if chunk_type == b"IEND":
            return seen_idat and end == len(data)  # nothing may hide after the end
        pos = end
    return False


def _looks_like_jpeg(data):
    if not data.startswith(b"\xff\xd8"):
        return False
    pos = 2
    has_frame = False
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            return False
        if marker in JPEG_SOF_MARKERS:
            if length < 7:
                return False
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            if width == 0 or height == 0:
                return False
            has_frame = True
        if marker == 0xDA:  # start of scan: the compressed data follows, then the end-of-image marker
            return has_frame and data.rfind(b"\xff\xd9") > pos
        pos += 2 + length
    return False


# Markup or scripts a browser (or a PDF reader) would run; a photo or a scan never holds them in clear.
ACTIVE_CONTENT = re.compile(
    rb"<\s*(?:script|html|head|body|svg|iframe|object|embed|meta|!doctype)"
    rb"|javascript:|/JavaScript|/JS[\s/<(\[]|/Launch|/EmbeddedFile|/RichMedia",
    re.IGNORECASE,
)

STRUCTURE_CHECKS = {"image/jpeg": _looks_like_jpeg, "image/png": _looks_like_png, "application/pdf": _looks_like_pdf}


def human_size(size):
    """1536 → "1,5 Ko", 10485760 → "10 Mo": the units people read on their phone or computer."""
    for unit, factor in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if size >= factor:
            value = size / factor
            return f"{formats.number_format(value, 0 if value == int(value) else 1)}\u00a0{unit}"
    return f"{size}\u00a0octets"


def _read_all(uploaded):
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    return data


def check_identity_file(uploaded):
    """Return what to store: the file re-encoded by the portal (`identity_reencoding.Reencoded`, a JPEG or PNG
    image with its extension), or raise a French ValidationError."""
    max_bytes = settings.IDENTITY_DOCUMENT_MAX_BYTES
    if uploaded.size > max_bytes:
        raise ValidationError(
            "Ce fichier est trop lourd (%(size)s) : la taille maximale est de %(max)s. "
            "Réduisez la résolution de la photo ou du scan, puis envoyez-le à nouveau.",
            code="too_large",
            params={"size": human_size(uploaded.size), "max": human_size(max_bytes)},
        )
    if uploaded.size == 0:
        raise ValidationError("Ce fichier est vide.", code="empty")
    if getattr(uploaded, "oversized", False):  # cut off while streaming in (dife_portal/uploads.py)
        raise ValidationError("Ce fichier est trop lourd.", code="too_large")
    data = _read_all(uploaded)
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime not in ACCEPTED_TYPES:
        raise ValidationError(
            "Ce fichier n'est ni une photo (JPEG ou PNG) ni un PDF. Le nom du fichier ne suffit pas : "
            "envoyez une photo ou un scan de votre pièce d'identité.",
            code="bad_type",
        )
    if ACTIVE_CONTENT.search(data):
        raise ValidationError(
            "Ce fichier contient du code (page web ou script) : ce n'est pas une simple photo ou un scan. "
            "Enregistrez votre pièce d'identité en photo (JPEG ou PNG) ou en PDF, puis envoyez ce fichier.",
            code="active_content",
        )
    if not STRUCTURE_CHECKS[mime](data):
        raise ValidationError(CORRUPT, code="corrupt")
    return reencode(data, mime)
