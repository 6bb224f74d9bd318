"""enrolment/identity_reencoding.py: what is stored (and what staff open) is an image the portal drew itself.

Issue #18, finding 2: a PDF with JavaScript hidden from a text search (`/J#61vaScript`, `/JS%comment`, compressed
object streams), a 40000 × 40000 PNG of a few hundred kilobytes, and a JPEG followed by HTML were all accepted
and stored as sent.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from enrolment import identity_reencoding
from enrolment.identity_files import check_identity_file
from tests.files import HOSTILE_PDFS, huge_png, jpeg_bytes, pdf_bytes, upload


def drawn(name, content):
    result = check_identity_file(upload(name, content))
    return result, Image.open(io.BytesIO(result.content))


@pytest.mark.parametrize("content", HOSTILE_PDFS.values(), ids=HOSTILE_PDFS.keys())
def test_a_pdf_with_active_content_is_refused_wherever_it_hides(content):
    with pytest.raises(ValidationError) as error:
        check_identity_file(upload("carte.pdf", content))
    assert error.value.code == "active_content"
    assert "Ce PDF contient du code ou des éléments interactifs" in error.value.messages[0]


def test_a_plain_pdf_is_stored_as_the_image_of_its_pages():
    result, image = drawn("scan.pdf", pdf_bytes())
    assert result.extension == "jpg" and image.format == "JPEG"
    assert max(image.size) == identity_reencoding.PDF_PAGE_SIDE
    assert not result.content.startswith(b"%PDF")


def test_a_two_page_pdf_becomes_one_image_with_both_pages():
    two_pages = pdf_bytes()
    with __import__("pikepdf").open(io.BytesIO(two_pages)) as pdf:
        pdf.pages.append(pdf.pages[0])
        buffer = io.BytesIO()
        pdf.save(buffer)
    _, image = drawn("cni.pdf", buffer.getvalue())
    one_page_height = identity_reencoding.PDF_PAGE_SIDE // 2  # the test page is 200 × 100 points
    assert image.size == (identity_reencoding.PDF_PAGE_SIDE, 2 * one_page_height)


def test_a_pdf_with_too_many_pages_is_refused_in_french():
    with __import__("pikepdf").open(io.BytesIO(pdf_bytes())) as pdf:
        for _ in range(identity_reencoding.MAX_PDF_PAGES):
            pdf.pages.append(pdf.pages[0])
        buffer = io.BytesIO()
        pdf.save(buffer)
    with pytest.raises(ValidationError) as error:
        check_identity_file(upload("scan.pdf", buffer.getvalue()))
    assert error.value.messages == [
        "Ce PDF compte 5 pages : envoyez seulement la ou les pages de votre pièce d'identité (4 pages au plus)."
    ]


def test_an_encrypted_pdf_is_refused_in_french():
    import pikepdf

    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_bytes())) as pdf:
        pdf.save(buffer, encryption=pikepdf.Encryption(owner="a", user="b"))
    with pytest.raises(ValidationError) as error:
        check_identity_file(upload("scan.pdf", buffer.getvalue()))
    assert error.value.code in {"encrypted", "active_content"}
    assert "protégé par un mot de passe" in error.value.messages[0]


@pytest.mark.parametrize("side", [40000, 8000])
def test_a_photo_with_too_many_pixels_is_refused_before_being_decoded(side):
    content = huge_png(side)
    assert len(content) < 2 * 1024 * 1024  # small on the wire, gigantic once decoded
    with pytest.raises(ValidationError) as error:
        check_identity_file(upload("photo.png", content))
    assert error.value.code == "too_many_pixels"
    assert error.value.messages == [
        "Cette image compte trop de pixels (plus de 50 millions) : enregistrez-la dans une définition plus petite, "
        "ou reprenez la photo, puis envoyez-la à nouveau."
    ]


def test_a_jpeg_loses_its_metadata_and_what_follows_its_end():
    exif = Image.Exif()
    exif[0x010E] = "description"  # ImageDescription
    exif[0x8825] = {2: (47.0, 23.0, 0.0)}  # GPS latitude
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 30)).save(buffer, "JPEG", exif=exif, comment=b"<b>commentaire</b>")
    sent = buffer.getvalue() + b"<img src=x onerror=alert(document.cookie)>"
    result, image = drawn("photo.jpg", sent)
    assert result.extension == "jpg" and image.size == (40, 30)
    assert b"onerror" not in result.content and b"commentaire" not in result.content
    assert result.content.endswith(b"\xff\xd9")
    assert not image.getexif() and "comment" not in image.info


def test_a_photo_taken_sideways_is_stored_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buffer, "JPEG", exif=exif)
    _, image = drawn("photo.jpg", buffer.getvalue())
    assert image.size == (30, 40)


def test_a_png_stays_a_png_without_its_text_chunks():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Marie Dupont, 12 rue Nationale, Tours")
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 0, 0, 0)).save(buffer, "PNG", pnginfo=info)
    result, image = drawn("photo.png", buffer.getvalue())
    assert result.extension == "png" and image.mode == "RGB"  # transparency flattened on white
    assert b"Marie" not in result.content and not image.text
    assert image.getpixel((0, 0)) == (255, 255, 255)


def test_a_large_photo_is_shrunk_to_a_legible_size():
    _, image = drawn("photo.jpg", jpeg_bytes(4000, 3000))
    assert max(image.size) == identity_reencoding.MAX_SIDE


def test_without_pdftoppm_a_pdf_is_refused_with_a_french_message(monkeypatch):
    monkeypatch.setattr(identity_reencoding, "pdftoppm_path", lambda: None)
    with pytest.raises(ValidationError) as error:
        check_identity_file(upload("scan.pdf", pdf_bytes()))
    assert error.value.code == "pdf_unavailable"


def test_a_pdf_as_a_scanner_writes_it_with_a_link_is_accepted():
    """An image on a page (what scanners and phones write) and a plain web link are not active content."""
    import pikepdf

    buffer = io.BytesIO()
    Image.new("RGB", (850, 540), (180, 200, 230)).save(buffer, "PDF", resolution=100)
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        link = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[0, 0, 10, 10],
                A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.service-public.fr")),
            )
        )
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([link]))
        scanned = io.BytesIO()
        pdf.save(scanned)
    result, image = drawn("scan.pdf", scanned.getvalue())
    assert result.extension == "jpg" and image.size[0] == identity_reencoding.PDF_PAGE_SIDE


def test_the_system_check_warns_when_pdftoppm_is_missing(monkeypatch):
    from enrolment.checks import pdf_identity_documents_can_be_drawn

    assert pdf_identity_documents_can_be_drawn(None) == []
    monkeypatch.setattr("enrolment.checks.pdftoppm_path", lambda: None)
    assert [warning.id for warning in pdf_identity_documents_can_be_drawn(None)] == ["enrolment.W001"]
