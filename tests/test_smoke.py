import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_page_is_french_with_stepper_and_association_footer(client):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert "Aller au contenu" in html
    assert 'aria-label="Étapes de votre inscription"' in html and "S'inscrire" in html
    assert "34, Place de la Préfecture" in html and "amil@wanadoo.fr" in html


@pytest.mark.django_db
def test_association_identity_comes_from_settings(client, settings):
    settings.ASSOCIATION = {
        **settings.ASSOCIATION,
        "name": "Association des maires du Cher",
        "email": "am18@example.fr",
    }
    html = client.get(reverse("home")).content.decode()
    assert "Association des maires du Cher" in html and "am18@example.fr" in html


@pytest.mark.django_db
def test_health_check_answers_when_database_answers(client):
    assert client.get(reverse("health")).json() == {"status": "ok"}


@pytest.mark.django_db
def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    from django.core.management import call_command

    from trainings.models import Session, Training

    call_command("seed_demo", verbosity=0)
    counts = (Training.objects.count(), Session.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Training.objects.count(), Session.objects.count()) == counts
    assert counts[0] > 0
