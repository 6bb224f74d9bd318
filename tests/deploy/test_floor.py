import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_floor_answers_through_the_middleware_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("floor"))
    assert response.status_code == 200 and response.content == b"ok"
    # Same middleware stack as every page: the security headers are there.
    assert "Content-Security-Policy" in response and response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_signed_in_floor_reads_the_session_and_loads_the_elu_and_nothing_else(client, django_assert_num_queries):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    with django_assert_num_queries(2):  # the session, the élu
        response = client.get(reverse("signed_in_floor"))
    assert response.content.decode() == "connecté"
    client.logout()
    assert client.get(reverse("signed_in_floor")).content.decode() == "anonyme"
