"""What staff open is what the portal drew: every accepted identity file is re-encoded at upload.

A photo (JPEG or PNG) is decoded by Pillow and encoded anew: its metadata (EXIF with the GPS position, comments,
ICC profiles) and anything hidden around the picture (bytes after its end, an HTML page in a comment) never reach
the disk. Its pixel count is checked before any decoding, from the header alone.

A PDF is first parsed by pikepdf (object streams, compressed streams and escaped names like `/J#61vaScript`
decoded, as a PDF reader would); one with active content (JavaScript, an action run on opening, embedded files,
forms, multimedia) is refused. Its pages are then drawn to pixels by poppler's `pdftoppm`, in a child process with
a time and memory limit, and stored as one JPEG image: staff never open a PDF sent by an élu.
"""

import io
import resource
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

# The longest side of a stored image: a card or a passport page stays legible, a 50-megapixel photo shrinks.
MAX_SIDE = 3000
# A PDF page is drawn with its longest side this many pixels long (about 170 dpi for an A4 page).
PDF_PAGE_SIDE = 2000
MAX_PDF_PAGES = 4
PDFTOPPM_SECONDS = 20
PDFTOPPM_MEMORY_BYTES = 1024 * 1024 * 1024
JPEG_QUALITY = 90

# Dictionary keys and action types a PDF reader acts on by itself, or through which a PDF carries files or forms.
ACTIVE_KEYS = {"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles", "/EmbeddedFile", "/EF"}
ACTIVE_KEYS |= {"/XFA", "/AcroForm", "/RichMedia", "/RichMediaContent", "/RichMediaSettings"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/ResetForm", "/GoToE", "/GoToR"}
ACTIVE_ACTIONS |= {"/Rendition", "/Movie", "/Sound", "/RichMediaExecute"}
ACTIVE_ANNOTATIONS = {"/Widget", "/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}

TOO_MANY_PIXELS = (
    "Cette image compte trop de pixels (plus de %(max)s millions) : enregistrez-la dans une définition plus "
    "petite, ou reprenez la photo, puis envoyez-la à nouveau."
)
CORRUPT = "Ce fichier semble endommagé ou incomplet. Enregistrez à nouveau la photo ou le scan, puis réessayez."
PDF_ACTIVE = (
    "Ce PDF contient du code ou des éléments interactifs (script, formulaire, fichier joint…) : ce n'est pas un "
    "simple scan. Envoyez une photo de votre pièce d'identité (JPEG ou PNG), ou un PDF issu d'un scanner."
)
PDF_ENCRYPTED = "Ce PDF est protégé par un mot de passe. Envoyez-le sans protection, ou envoyez une photo."
PDF_TOO_MANY_PAGES = (
    "Ce PDF compte %(pages)s pages : envoyez seulement la ou les pages de votre pièce d'identité "
    "(%(max)s pages au plus)."
)
PDF_UNAVAILABLE = (
    "Les PDF ne peuvent pas être reçus pour le moment. Envoyez une photo de votre pièce d'identité (JPEG ou PNG)."
)


@dataclass(frozen=True)
class Reencoded:
    content: bytes
    extension: str  # "jpg" or "png"


def reencode(data, mime):
    """The file staff will look at, drawn anew from `data` (a JPEG, a PNG or a PDF already recognised by its
    content), or a French ValidationError."""
    if mime == "application/pdf":
        image, extension = _stack(_rasterise(data, _checked_page_count(data))), "jpg"
    else:
        image, extension = _decoded_image(data), "png" if mime == "image/png" else "jpg"
    return Reencoded(_encode(image, extension), extension)


# --- Photos ------------------------------------------------------------------------------------------------


def _max_pixels():
    return settings.IDENTITY_IMAGE_MAX_PIXELS


def _too_many_pixels():
    return ValidationError(TOO_MANY_PIXELS, code="too_many_pixels", params={"max": _max_pixels() // 1_000_000})


def _decoded_image(data):
    """Decode a photo whose header announces at most IDENTITY_IMAGE_MAX_PIXELS pixels; upright, in RGB or
    grey, its longest side at most MAX_SIDE."""
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > _max_pixels():
            raise _too_many_pixels()
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decoded directly at a reduced scale when large
        image.load()
        ImageOps.exif_transpose(image, in_place=True)
        return _flattened(image)
    except Image.DecompressionBombError as error:  # Pillow's own ceiling, checked when reading the header
        raise _too_many_pixels() from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValidationError(CORRUPT, code="corrupt") from error


def _flattened(image):
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGB", image.size, "white")
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        image = background
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.BICUBIC)
    return image


def _encode(image, extension):
    """A fresh file: no EXIF, no comment, no ICC profile, nothing after the picture."""
    image.info = {}  # Pillow would carry over a comment or an ICC profile read from the file sent
    buffer = io.BytesIO()
    if extension == "png":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


# --- PDFs --------------------------------------------------------------------------------------------------


def _checked_page_count(data):
    """Parse the PDF as a reader would; refuse it if it is encrypted or has active content anywhere."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if _has_active_content(pdf):
                raise ValidationError(PDF_ACTIVE, code="active_content")
            pages = len(pdf.pages)
    except pikepdf.PasswordError as error:
        raise ValidationError(PDF_ENCRYPTED, code="encrypted") from error
    except pikepdf.PdfError as error:
        raise ValidationError(CORRUPT, code="corrupt") from error
    if pages == 0:
        raise ValidationError(CORRUPT, code="corrupt")
    if pages > MAX_PDF_PAGES:
        raise ValidationError(PDF_TOO_MANY_PAGES, code="too_many_pages", params={"pages": pages, "max": MAX_PDF_PAGES})
    return pages


def _has_active_content(pdf):
    """True if any object of the file (in object streams too; names decoded) is or carries active content."""
    if pdf.is_encrypted:  # opened without a password but still encrypted: nothing can be judged
        raise pikepdf.PasswordError("encrypted")
    for obj in [pdf.trailer, *pdf.objects]:
        dictionary = obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj
        if not isinstance(dictionary, pikepdf.Dictionary):
            continue
        keys = set(dictionary.keys())
        if keys & ACTIVE_KEYS:
            return True
        if str(dictionary.get("/S", "")) in ACTIVE_ACTIONS or str(dictionary.get("/Subtype", "")) in ACTIVE_ANNOTATIONS:
            return True
        if str(dictionary.get("/Type", "")) in {"/EmbeddedFile", "/Filespec"}:
            return True
    return False


def pdftoppm_path():
    return shutil.which("pdftoppm")


def _limit_child():
    resource.setrlimit(resource.RLIMIT_CPU, (PDFTOPPM_SECONDS, PDFTOPPM_SECONDS))
    resource.setrlimit(resource.RLIMIT_AS, (PDFTOPPM_MEMORY_BYTES, PDFTOPPM_MEMORY_BYTES))


def _rasterise(data, pages):
    """Each page drawn by poppler, as Pillow images."""
    program = pdftoppm_path()
    if program is None:
        raise ValidationError(PDF_UNAVAILABLE, code="pdf_unavailable")
    with tempfile.TemporaryDirectory(prefix="identite-") as folder:
        source = Path(folder) / "piece.pdf"
        source.write_bytes(data)
        command = [program, "-q", "-scale-to", str(PDF_PAGE_SIDE), "-f", "1", "-l", str(pages)]
        try:
            subprocess.run(
                [*command, str(source), str(Path(folder) / "page")],
                check=True,
                capture_output=True,
                timeout=PDFTOPPM_SECONDS,
                preexec_fn=_limit_child,  # noqa: PLW1509 (no threads are started between fork and exec)
                stdin=subprocess.DEVNULL,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            raise ValidationError(CORRUPT, code="corrupt") from error
        drawn = sorted(Path(folder).glob("page*.ppm"))
        if not drawn:
            raise ValidationError(CORRUPT, code="corrupt")
        images = []
        for path in drawn:
            with Image.open(path) as page:
                page.load()
                images.append(page.convert("RGB"))
        return images


def _stack(pages):
    """The pages one below the other, on white, as one image (recto and verso on one screen): at most
    MAX_PDF_PAGES × PDF_PAGE_SIDE pixels high."""
    width = max(page.width for page in pages)
    sheet = Image.new("RGB", (width, sum(page.height for page in pages)), "white")
    top = 0
    for page in pages:
        sheet.paste(page, (0, top))
        top += page.height
    return sheet
