from django.core.checks import Warning, register

from .identity_reencoding import pdftoppm_path


@register()
def pdf_identity_documents_can_be_drawn(app_configs, **kwargs):
    """Identity documents sent as PDF are drawn to images by poppler's pdftoppm (enrolment/identity_reencoding)."""
    if pdftoppm_path() is None:
        return [
            Warning(
                "pdftoppm (poppler-utils) is not installed: identity documents sent as PDF are refused.",
                hint="Install poppler-utils (`make system` does, as root).",
                id="enrolment.W001",
            )
        ]
    return []
