"""Small, valid identity-document files built in memory: each one decodes (Pillow) or draws (poppler)."""

import functools
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def _png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_bytes(width=2, height=2):
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(raw))
        + _png_chunk(b"IEND", b"")
    )


def jpeg_bytes(width=2, height=2):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def pdf_bytes(padding=0, catalog=b"", page=b"", extra=()):
    """A one-page PDF (a grey rectangle) with a correct cross-reference table; `padding` bytes of comment.
    `catalog` and `page` are added to those dictionaries, `extra` objects are numbered from 5."""
    content = b"0.5 g 20 20 160 60 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << >> " + page + b" >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        *extra,
    ]
    body = b"%PDF-1.4\n% " + b"x" * padding + b"\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def compressed_pdf(data):
    """The same PDF rewritten with its objects in compressed object streams (PDF 1.5): no name readable as text."""
    import pikepdf

    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    return buffer.getvalue()


@functools.cache
def huge_png(side=40000):
    """A black-and-white PNG (1 bit per pixel) of side × side pixels: 1.6 gigapixels in about 200 KB."""
    row = b"\x00" * (side // 8 + 1)  # filter byte, then the pixels
    compressor = zlib.compressobj(9)
    rows_per_chunk = 1000
    chunks = [compressor.compress(row * rows_per_chunk) for _ in range(side // rows_per_chunk)]
    idat = b"".join(chunks) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


JS_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
# PDFs with active content hidden from a text search (issue #18, finding 2), by what hides it.
HOSTILE_PDFS = {
    "nom échappé": pdf_bytes(catalog=b"/OpenAction 5 0 R", extra=[b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"]),
    "commentaire après /JS": pdf_bytes(
        catalog=b"/Open#41ction 5 0 R", extra=[b"<< /S /J#61vaScript /JS%commentaire\n(app.alert\\(1\\)) >>"]
    ),
    "flux d'objets compressés": compressed_pdf(pdf_bytes(catalog=b"/OpenAction 5 0 R", extra=[JS_ACTION])),
    "action à l'ouverture de la page": compressed_pdf(pdf_bytes(page=b"/AA << /O 5 0 R >>", extra=[JS_ACTION])),
    "lancement d'un programme": pdf_bytes(
        catalog=b"/OpenAction 5 0 R", extra=[b"<< /S /L#61unch /F (C:\\\\Windows\\\\calc.exe) >>"]
    ),
    "fichier joint": compressed_pdf(
        pdf_bytes(
            catalog=b"/Names << /EmbeddedFiles << /Names [(a.html) 5 0 R] >> >>",
            extra=[
                b"<< /Type /Filespec /F (a.html) /EF << /F 6 0 R >> >>",
                b"<< /Length 4 >>\nstream\n<p>x\nendstream",
            ],
        )
    ),
    "formulaire XFA": compressed_pdf(pdf_bytes(catalog=b"/AcroForm << /Fields [] /XFA 5 0 R >>", extra=[b"[]"])),
    "annotation multimédia": compressed_pdf(
        pdf_bytes(page=b"/Annots [5 0 R]", extra=[b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>"])
    ),
}


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
