"""trainings/page_cache.py: the public pages cached for anonymous visitors only, the shared fragments, stale the
moment what they show changes."""

import datetime

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enrolment import services
from enrolment.models import DossierState
from tests.factories import DossierFactory, InvitationFactory, MandateFactory, SessionFactory, UserFactory
from trainings import invitations, page_cache
from trainings.admin import TrainingAdmin
from trainings.models import Invitation, Training

pytestmark = pytest.mark.django_db

SEARCH = reverse("trainings:search")
SUBMITTED_LABEL = str(DossierState.SUBMITTED.label)
ACCEPTED_LABEL = str(DossierState.ACCEPTED.label)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.fixture
def session():
    return SessionFactory(days_ahead=30, seats=3, training__title="Le budget communal")


def test_an_anonymous_visitor_gets_the_catalogue_pages_from_the_cache(client, session):
    for url in ("/", SEARCH, session.training.get_absolute_url(), f"{SEARCH}?q=budget"):
        first, page = queries_for(client, url)
        again, cached = queries_for(client, url)
        assert again == 0 and cached == page, url
        assert "Cookie" in client.get(url)["Vary"]  # a shared cache in front keeps élus apart


def test_the_query_string_is_part_of_the_key(client, session):
    assert "Le budget communal" in queries_for(client, f"{SEARCH}?q=budget")[1]
    assert "Aucune formation" in queries_for(client, f"{SEARCH}?q=jardinage")[1]


def test_a_signed_in_elu_never_gets_the_anonymous_page_nor_leaves_a_page_in_it(client, session):
    url = session.training.get_absolute_url()
    anonymous = queries_for(client, url)[1]
    assert "Me connecter" in anonymous
    client.force_login(UserFactory())
    queries, page = queries_for(client, url)
    assert queries > 0 and "Me connecter" not in page and "Mes dossiers" in page
    client.logout()
    assert queries_for(client, url)[1] == anonymous


def test_a_visitor_with_a_session_is_served_fresh_pages(client, session):
    browser_session = client.session  # a session may hold a flash message, a form in progress…: never the cache
    browser_session["signup_in_progress"] = True
    browser_session.save()
    url = session.training.get_absolute_url()
    queries_for(client, url)
    assert queries_for(client, url)[0] > 0


def test_a_visitor_who_followed_an_invitation_gets_the_cached_page_with_that_invitations_banner(client, session):
    amboise = InvitationFactory(training=session.training, collectivite__name="Amboise", collectivite__kind="commune")
    loches = InvitationFactory(training=session.training, collectivite__name="Loches", collectivite__kind="commune")
    url = session.training.get_absolute_url()
    anonymous = queries_for(client, url)[1]
    assert "invitation-banner" not in anonymous

    client.get(reverse("invitation", args=[amboise.token]))
    assert "sessionid" not in client.cookies  # following a link writes no session
    first, page = queries_for(client, url)
    again, cached = queries_for(client, url)
    # Kept under the link's version: served without a query, like any anonymous page.
    assert first >= 1 and again == 0 and cached == page
    assert "transmise à la commune d&#x27;Amboise" in page

    # Another mairie's link: its own banner, never the first one's page.
    client.get(reverse("invitation", args=[loches.token]))
    page = queries_for(client, url)[1]
    assert "transmise à la commune de Loches" in page and "Amboise" not in page
    # Another training's page is the anonymous one, banner-free and shared.
    other = SessionFactory().training.get_absolute_url()
    client.cookies.pop(invitations.COOKIE_NAME)
    queries_for(client, other)
    client.get(reverse("invitation", args=[amboise.token]))
    assert queries_for(client, other)[0] == 0


@pytest.mark.parametrize(
    "change",
    [
        lambda invitation: invitations.revoke(Invitation.objects.filter(pk=invitation.pk)),
        lambda invitation: Invitation.objects.get(pk=invitation.pk).delete(),
        lambda invitation: invitation.__class__.objects.get(pk=invitation.pk).save(),
    ],
    ids=["revoked", "deleted", "edited"],
)
def test_a_change_of_the_followed_link_replaces_its_cached_page_at_once(client, session, change):
    amboise = InvitationFactory(training=session.training, collectivite__name="Amboise", collectivite__kind="commune")
    loches = InvitationFactory(training=session.training, collectivite__name="Loches", collectivite__kind="commune")
    url = session.training.get_absolute_url()
    client.get(reverse("invitation", args=[loches.token]))
    queries_for(client, url)
    client.get(reverse("invitation", args=[amboise.token]))
    queries_for(client, url)
    assert queries_for(client, url)[0] == 0

    change(amboise)
    queries, page = queries_for(client, url)
    assert queries > 0  # built again, from the link's current state
    assert ("Amboise" in page) == (Invitation.objects.filter(pk=amboise.pk, revoked_at__isnull=True).exists())
    # Another link's page is not touched.
    client.get(reverse("invitation", args=[loches.token]))
    queries, page = queries_for(client, url)
    assert queries == 0 and "transmise à la commune de Loches" in page


def test_a_forged_invitation_cookie_is_ignored(client, session):
    invitation = InvitationFactory(training=session.training)
    client.get(reverse("invitation", args=[invitation.token]))
    value = client.cookies[invitations.COOKIE_NAME].value
    client.cookies[invitations.COOKIE_NAME] = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    page = queries_for(client, session.training.get_absolute_url())[1]
    assert "invitation-banner" not in page


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous: page cache", "signed in: shared fragments"])
def test_sending_a_dossier_shows_at_once_on_the_training_page_and_in_the_search(client, session, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    url = session.training.get_absolute_url()
    assert "3 places disponibles sur 3" in queries_for(client, url)[1]
    search_before = queries_for(client, SEARCH)[0]
    assert queries_for(client, SEARCH)[0] < search_before  # the results now come from the cache
    elu = UserFactory(franceconnect=True)
    MandateFactory(user=elu)
    services.submit(DossierFactory(user=elu, session=session), by=elu)
    assert "2 places disponibles sur 3" in queries_for(client, url)[1]
    assert queries_for(client, SEARCH)[0] == search_before  # built again: the seats changed


def test_a_session_becoming_full_shows_complet_in_the_search(client, session):
    assert "Complet" not in queries_for(client, SEARCH)[1]
    for _ in range(3):
        DossierFactory(session=session, accepted=True)
    assert "Complet" in queries_for(client, SEARCH)[1]


def test_editing_a_training_or_a_session_refreshes_every_catalogue_page(client, session):
    other = SessionFactory(days_ahead=40)
    queries_for(client, SEARCH)
    queries_for(client, other.training.get_absolute_url())
    session.training.title = "Les finances de la commune"
    session.training.save()
    assert "Les finances de la commune" in queries_for(client, SEARCH)[1]
    other.venue = "Salle des fêtes de Loches"
    other.save()
    assert "Salle des fêtes de Loches" in queries_for(client, other.training.get_absolute_url())[1]


def test_unpublishing_from_the_admin_takes_the_training_out_of_the_cached_search(client, session, rf):
    assert "Le budget communal" in queries_for(client, SEARCH)[1]
    request = rf.post("/admin/")
    request.user = UserFactory(superuser=True)
    request._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
    TrainingAdmin(Training, site).unpublish(request, Training.objects.filter(pk=session.training.pk))
    assert "Le budget communal" not in queries_for(client, SEARCH)[1]


def test_a_new_day_is_a_new_page(client, session):
    queries_for(client, SEARCH)
    with time_machine.travel(datetime.datetime.now() + datetime.timedelta(days=1)):
        assert queries_for(client, SEARCH)[0] > 0


def test_zero_seconds_turns_the_cache_off(client, session, settings):
    settings.PAGE_CACHE_SECONDS = 0
    queries_for(client, SEARCH)
    assert queries_for(client, SEARCH)[0] > 0


def test_a_lost_version_token_is_replaced_by_a_new_one_never_by_an_old_value():
    first = page_cache.versions(["catalogue"])
    cache.delete(f"{page_cache.VERSION_PREFIX}:catalogue")
    assert page_cache.versions(["catalogue"]) != first
    page_cache.bump(["catalogue"])
    assert page_cache.versions(["catalogue"]) != first


def test_what_is_never_cached():
    factory = RequestFactory()
    assert not page_cache.is_anonymous_request(factory.post("/"))
    with_session = factory.get("/")
    with_session.COOKIES["sessionid"] = "x"
    assert not page_cache.is_anonymous_request(with_session)
    with_message = factory.get("/")
    with_message.COOKIES["messages"] = "x"
    assert not page_cache.is_anonymous_request(with_message)
    assert page_cache.is_anonymous_request(factory.get("/"))

    request = factory.get("/")
    assert page_cache.is_shareable_response(request, HttpResponse("ok"))
    assert not page_cache.is_shareable_response(request, HttpResponse("no", status=404))
    private = HttpResponse("ok")
    private["Cache-Control"] = "private"
    assert not page_cache.is_shareable_response(request, private)
    setting_cookie = HttpResponse("ok")
    setting_cookie.set_cookie("x", "1")
    assert not page_cache.is_shareable_response(request, setting_cookie)
    get_token(request)  # a form with a CSRF token was rendered
    assert not page_cache.is_shareable_response(request, HttpResponse("ok"))


def test_the_invitation_link_itself_is_never_cached(client, session):
    invitation = InvitationFactory(training=session.training)
    url = reverse("invitation", args=[invitation.token])
    client.get(url)
    client.cookies.clear()
    client.get(url)
    invitation.refresh_from_db()
    assert invitation.open_count == 2


def test_a_signed_in_elu_gets_the_search_results_and_the_sessions_from_the_shared_fragments(client, session):
    SessionFactory(training=session.training, days_ahead=60, city="Chinon")
    client.force_login(UserFactory())
    for url in (SEARCH, f"{SEARCH}?q=budget", session.training.get_absolute_url()):
        first, page = queries_for(client, url)
        again, cached = queries_for(client, url)
        # The page around them is built for the élu each time; the results and sessions are not.
        assert again < first, url
        assert "Se déconnecter" in cached and "Me connecter" not in cached
        assert cached.split("<main")[1].split("</main>")[0] == page.split("<main")[1].split("</main>")[0]
    assert "Chinon" in queries_for(client, session.training.get_absolute_url())[1]


def test_mes_dossiers_never_shows_another_elus_dossiers(client, session):
    first_elu, second_elu = UserFactory(), UserFactory()
    DossierFactory(user=first_elu, session=session)
    client.force_login(first_elu)
    assert "Le budget communal" in queries_for(client, reverse("enrolment:list"))[1]
    client.force_login(second_elu)
    assert "Vous n'avez pas encore de dossier" in queries_for(client, reverse("enrolment:list"))[1]


@pytest.mark.parametrize(
    "name",
    [
        "trainings/includes/search_content.html",
        "trainings/includes/training_sessions.html",
    ],
)
def test_a_cached_fragment_never_renders_a_csrf_token(name):
    """A fragment is rendered once and served again: a CSRF token in it would be another request's."""
    from django.template import engines
    from django.template.loader_tags import IncludeNode

    def sources(template):
        yield template.source
        for node in template.nodelist.get_nodes_by_type(IncludeNode):
            included = node.template.resolve({})
            if isinstance(included, str):
                yield from sources(engines["django"].engine.get_template(included))

    for source in sources(engines["django"].engine.get_template(name)):
        assert "csrf_token" not in source and 'method="post"' not in source.lower()


def test_a_staff_preview_of_an_unpublished_training_never_reaches_an_elu(client, session):
    Training.objects.filter(pk=session.training.pk).update(is_published=False)
    url = session.training.get_absolute_url()
    client.force_login(UserFactory(staff=True))
    assert "Aperçu réservé à l'équipe" in queries_for(client, url)[1]
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_outdated_address_redirects_to_the_training_page_when_cached(client, session, signed_in):
    training = session.training
    wrong = reverse("trainings:detail", kwargs={"pk": training.pk, "slug": "ancien-titre"})
    if signed_in:
        client.force_login(UserFactory())
    for _ in range(2):
        response = client.get(f"{wrong}?source=mairie")  # a parameter the page does not read is dropped
        assert response.status_code == 301
        assert response["Location"] == training.get_absolute_url()


def test_a_fragment_holding_a_form_token_is_never_kept():
    builds = []

    def build():
        builds.append(1)
        return {"html": '<input type="hidden" name="csrfmiddlewaretoken" value="x">'}

    page_cache._fragment("with-a-form", ["catalogue"], build)
    page_cache._fragment("with-a-form", ["catalogue"], build)
    assert len(builds) == 2


def test_two_portals_sharing_one_redis_never_share_keys(settings):
    production = {"HOST": "db.internal", "PORT": "5432", "NAME": "dife"}
    staging = {**production, "NAME": "dife_staging"}
    assert page_cache.site_of(production) != page_cache.site_of(staging)
    assert page_cache.site() in page_cache.page_key(RequestFactory().get(SEARCH)).split(":")


def test_the_query_string_is_normalised_before_keying_so_variants_share_one_entry(client, session):
    """Unknown parameters are dropped and the order fixed: a visitor cannot fill the cache with endless variants."""
    first, page = queries_for(client, f"{SEARCH}?q=budget&lieu=Tours")
    assert first > 0 and "Le budget communal" in page
    for variant in ("?lieu=Tours&q=budget", "?q=budget&lieu=Tours&utm_source=x", "?zz=1&q=budget&lieu=Tours&page="):
        assert queries_for(client, f"{SEARCH}{variant}") == (0, page), variant
    # The view itself sees the normalised query: what is kept is exactly what the key names.
    assert "utm_source" not in page
    assert queries_for(client, f"{SEARCH}?q=jardinage")[0] > 0


def test_a_training_page_reads_no_query_parameter(client, session):
    url = session.training.get_absolute_url()
    page = queries_for(client, url)[1]
    for number in range(3):
        assert queries_for(client, f"{url}?x={number}") == (0, page)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed in"])
def test_cached_pages_are_private_and_vary_by_cookie(client, session, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    for url in ("/", SEARCH, session.training.get_absolute_url()):
        for _ in range(2):  # built, then (anonymous) from the cache
            response = client.get(url)
            assert "private" in response["Cache-Control"] and "Cookie" in response["Vary"], url


def test_pages_and_fragments_are_kept_as_json_values(client, session, monkeypatch):
    """Whoever can write to the cache must not run code in the portal: nothing kept is a pickled object."""
    import json

    stored = []
    original = cache.set
    monkeypatch.setattr(
        cache, "set", lambda key, value, *args, **kwargs: (stored.append(value), original(key, value, *args, **kwargs))
    )
    for url in ("/", SEARCH, session.training.get_absolute_url()):
        client.get(url)
    client.force_login(UserFactory())
    client.get(session.training.get_absolute_url())
    assert len(stored) >= 6
    for value in stored:
        assert json.loads(json.dumps(value)) == value


def test_a_running_seat_offer_shows_until_it_runs_out_even_sooner_than_the_cache_seconds(client):
    """The seats a page shows count a running waiting-list offer; the page is not kept past its end."""
    soon = timezone.now() + datetime.timedelta(seconds=60)
    session = SessionFactory(days_ahead=30, seats=1)
    DossierFactory(session=session, offered=True, offer_expires_at=soon)
    url = session.training.get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert "Complet" in queries_for(client, url)[1]
        assert "Complet" in queries_for(client, SEARCH)[1]
        traveller.shift(datetime.timedelta(seconds=61))
        assert "1 place disponible sur 1" in queries_for(client, url)[1]
        assert "Complet" not in queries_for(client, SEARCH)[1]
