import html
import io


def page_text(response):
    """The response body with HTML entities decoded, to look for French text with apostrophes."""
    return html.unescape(response.content.decode())


def pdf_text(content):
    """The text of every page of a PDF (bytes), as a reader who selects and copies it gets it."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(content))).pages)
