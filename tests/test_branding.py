import re

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from dife_portal import branding

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_associations_icon_instead_of_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.ico"
    assert finders.find("img/favicon.ico") and finders.find("img/favicon.svg")


def test_every_page_wears_the_associations_logo_favicon_and_colour(client):
    page = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="icon" href="/static/img/favicon.ico" sizes="32x32">' in page
    assert re.search(r'<img class="portal-logo" src="/static/img/association-logo.svg" alt=""', page)
    stylesheet = re.search(r'<link rel="stylesheet" href="(/association.css\?v=\w+)">', page).group(1)
    css = client.get(stylesheet)
    assert css["Content-Type"] == "text/css" and "max-age=31536000" in css["Cache-Control"]
    assert f"--dife-blue: {branding.DEFAULT_COLOUR};" in css.content.decode()


def test_a_deployment_sets_its_own_colour_logo_and_favicon(client, settings):
    settings.ASSOCIATION_BRANDING = {
        "colour": branding.checked_colour("#7A1F3D"),
        "logo": "/media/logo-amf.png",
        "favicon": "img/autre.png",
        "favicon_ico": "img/autre.ico",
    }
    page = client.get(reverse("home")).content.decode()
    assert 'src="/media/logo-amf.png"' in page and '<link rel="icon" href="/static/img/autre.png">' in page
    assert client.get("/favicon.ico")["Location"] == "/static/img/autre.ico"
    stylesheet = re.search(r'href="(/association.css\?v=\w+)"', page).group(1)
    assert "--dife-blue: #7a1f3d;" in client.get(stylesheet).content.decode()


@pytest.mark.parametrize("colour", ["#ffd700", "#6a9fd4", "bleu", "#000091aa", ""])
def test_a_colour_that_is_not_one_or_would_break_aa_contrast_is_refused_at_start(colour):
    with pytest.raises(ImproperlyConfigured):
        branding.checked_colour(colour)


def test_the_default_is_the_associations_own_not_the_states_and_keeps_aa_contrast():
    assert branding.DEFAULT_COLOUR != "#000091"  # the State's "bleu France" is for State services
    for background in branding.BACKGROUNDS:
        assert branding.contrast_ratio(branding.DEFAULT_COLOUR, background) >= 4.5
    css = open(finders.find("css/portal.css")).read()
    assert "Marianne" not in css and "--dife-blue: #1d4e6f;" in css


@pytest.mark.django_db
def test_the_emails_and_pdfs_wear_the_associations_colour_not_the_states(settings):
    from enrolment import documents, emails
    from tests.factories import DossierFactory

    settings.ASSOCIATION_BRANDING = {**settings.ASSOCIATION_BRANDING, "colour": "#6a1b4d"}
    html = emails.preview_dossier_email("accepted", DossierFactory(accepted=True))["html"]
    assert "#6a1b4d" in html and "#000091" not in html
    assert "#6a1b4d" in documents.colour_rules()
