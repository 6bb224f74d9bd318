import pytest
from django.core.exceptions import ValidationError

from enrolment.identity_files import check_identity_file
from tests.files import jpeg_bytes, pdf_bytes, png_bytes, upload


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [("photo.jpeg", jpeg_bytes(), "jpg"), ("scan.png", png_bytes(), "png"), ("cni.pdf", pdf_bytes(), "jpg")],
)
def test_accepted_types_are_recognised_by_content(name, content, extension):
    # A PDF is stored as the image of its pages (identity_reencoding).
    assert check_identity_file(upload(name, content)).extension == extension


def test_the_name_does_not_matter_only_the_content():
    assert check_identity_file(upload("IMG_0001.txt", png_bytes())).extension == "png"


@pytest.mark.parametrize(
    "content",
    [
        b"Ceci n'est pas un PDF, juste du texte.\n" * 10,
        b"GIF89a" + b"\x00" * 100,  # a real type, but not an accepted one
        b"PK\x03\x04" + b"\x00" * 100,  # a zip (e.g. a .docx) renamed
    ],
)
def test_a_file_renamed_pdf_that_is_not_one_is_refused(content):
    with pytest.raises(ValidationError) as error:
        check_identity_file(upload("carte-identite.pdf", content, "application/pdf"))
    assert error.value.code == "bad_type"
    assert "ni une photo (JPEG ou PNG) ni un PDF" in error.value.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        pdf_bytes()[:-7],  # truncated: no %%EOF
        png_bytes()[:-12],  # no IEND chunk
        png_bytes()[:30] + b"\x00" + png_bytes()[31:],  # IHDR CRC broken
        jpeg_bytes()[:-2],  # no end-of-image marker
        b"\xff\xd8\xff\xe0" + b"\x00" * 200,  # JPEG magic bytes, nothing behind them
    ],
)
def test_a_damaged_file_of_an_accepted_type_is_refused(content):
    with pytest.raises(ValidationError) as error:
        check_identity_file(upload("piece", content))
    assert error.value.code in {"corrupt", "bad_type"}


def test_an_oversized_file_is_refused_with_the_limit(settings):
    settings.IDENTITY_DOCUMENT_MAX_BYTES = 2048
    with pytest.raises(ValidationError) as error:
        check_identity_file(upload("scan.pdf", pdf_bytes(padding=4000)))
    assert error.value.code == "too_large"
    assert "la taille maximale est de 2\u00a0Ko" in error.value.messages[0]


def test_a_file_at_the_limit_is_accepted(settings):
    content = pdf_bytes(padding=500)
    settings.IDENTITY_DOCUMENT_MAX_BYTES = len(content)
    assert check_identity_file(upload("scan.pdf", content)).extension == "jpg"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        check_identity_file(upload("vide.png", b""))
