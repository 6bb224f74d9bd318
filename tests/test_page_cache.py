"""dife_portal/page_cache.py and trainings/catalogue_cache.py: the public pages cached for anonymous visitors only,
stale the moment what they show changes."""

import datetime

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dife_portal import page_cache
from enrolment import services
from enrolment.models import Dossier, DossierState
from tests.factories import DossierFactory, InvitationFactory, MandateFactory, SessionFactory, UserFactory
from trainings import invitations
from trainings.admin import TrainingAdmin
from trainings.models import Training

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


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous: page cache", "signed in: élu page cache"])
def test_the_query_string_is_part_of_the_key(client, session, signed_in):
    if signed_in:
        client.force_login(UserFactory())
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
    # One query whatever the cache holds: whether the link still holds (a revoked link loses its banner at once).
    assert first >= 1 and again == 1 and cached == page
    assert "transmise à la commune de Amboise" in page

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


def test_a_forged_invitation_cookie_is_ignored(client, session):
    invitation = InvitationFactory(training=session.training)
    client.get(reverse("invitation", args=[invitation.token]))
    value = client.cookies[invitations.COOKIE_NAME].value
    client.cookies[invitations.COOKIE_NAME] = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    page = queries_for(client, session.training.get_absolute_url())[1]
    assert "invitation-banner" not in page


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous: page cache", "signed in: élu page cache"])
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


def test_bumps_of_a_block_replace_each_token_once_at_its_end_and_once_after_commit(django_capture_on_commit_callbacks):
    before = page_cache.versions(["a", "b"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic(), page_cache.coalesced_bumps():
            page_cache.bump_after_commit(["a"])
            with page_cache.coalesced_bumps():  # a nested block joins the outer one
                page_cache.bump_after_commit(["a", "b"])
            assert page_cache.versions(["a", "b"]) == before  # replaced when the block ends, not at each change
        at_end = page_cache.versions(["a", "b"])
        assert at_end[0] != before[0] and at_end[1] != before[1]
    assert len(callbacks) == 1  # one replacement after the commit, for both
    after = page_cache.versions(["a", "b"])
    assert after[0] != at_end[0] and after[1] != at_end[1]


def test_a_block_left_by_an_error_replaces_no_token(django_capture_on_commit_callbacks):
    before = page_cache.versions(["a"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic(), page_cache.coalesced_bumps():
            page_cache.bump_after_commit(["a"])
            raise RuntimeError("the change failed")
    assert callbacks == [] and page_cache.versions(["a"]) == before


def test_sending_a_dossier_replaces_what_it_stales_once_before_and_once_after_its_commit(
    session, monkeypatch, django_capture_on_commit_callbacks
):
    elu = UserFactory(franceconnect=True)
    MandateFactory(user=elu)
    dossier = DossierFactory(user=elu, session=session)
    replaced = []
    bump = page_cache.bump
    monkeypatch.setattr(page_cache, "bump", lambda names: (replaced.append(sorted(names)), bump(names)))
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(dossier, by=elu)
    stale = sorted(["seats", f"training:{session.training_id}", f"dossiers-of:{elu.pk}"])
    assert replaced == [stale, stale]  # the dossier and its log row changed: one write to Redis for all, twice


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
        # Built once, then served whole (tests/test_elu_page_cache.py): only the form token changes.
        assert again < first, url
        assert "Se déconnecter" in cached and "Me connecter" not in cached
        assert cached.split("<main")[1].split("</main>")[0] == page.split("<main")[1].split("</main>")[0]
    assert "Chinon" in queries_for(client, session.training.get_absolute_url())[1]


def test_mes_dossiers_is_kept_for_its_elu_until_one_of_the_dossiers_changes(client, session):
    staff = UserFactory(staff=True)
    elu = UserFactory(franceconnect=True)
    MandateFactory(user=elu)
    dossier = DossierFactory(user=elu, session=session)
    services.submit(dossier, by=elu)
    client.force_login(elu)
    url = reverse("enrolment:list")
    first, page = queries_for(client, url)
    again, cached = queries_for(client, url)
    assert again < first and cached.split("<main")[1] == page.split("<main")[1]
    assert SUBMITTED_LABEL in page

    dossier.refresh_from_db()
    services.accept(dossier, by=staff)
    now_page = queries_for(client, url)[1]
    assert ACCEPTED_LABEL in now_page and SUBMITTED_LABEL not in now_page.split("État")[1].split("</span>")[0]


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
        "enrolment/includes/dossier_list.html",
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


def test_an_outdated_address_still_redirects_with_its_query_string_when_cached(client, session):
    training = session.training
    wrong = reverse("trainings:detail", kwargs={"pk": training.pk, "slug": "ancien-titre"})
    client.force_login(UserFactory())
    for _ in range(2):
        response = client.get(f"{wrong}?source=mairie")
        assert response.status_code == 301
        assert response["Location"] == f"{training.get_absolute_url()}?source=mairie"


def test_a_fragment_holding_a_form_token_is_never_kept():
    builds = []

    def build():
        builds.append(1)
        return {"html": '<input type="hidden" name="csrfmiddlewaretoken" value="x">'}

    page_cache.cached_fragment("with-a-form", ["catalogue"], build)
    page_cache.cached_fragment("with-a-form", ["catalogue"], build)
    assert len(builds) == 2


def test_two_portals_sharing_one_redis_never_share_keys(settings):
    production = {"HOST": "db.internal", "PORT": "5432", "NAME": "dife"}
    staging = {**production, "NAME": "dife_staging"}
    assert page_cache.site_of(production) != page_cache.site_of(staging)
    assert page_cache.site() in page_cache.page_key(RequestFactory().get(SEARCH)).split(":")


def _offer_running_out(soon):
    DossierFactory(user=UserFactory(), session=SessionFactory(), offered=True, offer_expires_at=soon)
    return "Une place vous est proposée"


def _session_starting(soon):
    session = SessionFactory(starts_at=soon, ends_at=soon + datetime.timedelta(hours=7))
    DossierFactory(user=UserFactory(), session=session, submitted=True)
    return "Annuler ma demande"


@pytest.mark.parametrize("moment", [_offer_running_out, _session_starting], ids=["offer ends", "session starts"])
def test_mes_dossiers_is_not_kept_past_a_moment_that_changes_it(client, moment):
    """What the clock alone changes (a seat offer runs out, a session starts and can no longer be cancelled
    online) shows at that moment, even sooner than PAGE_CACHE_SECONDS."""
    soon = timezone.now() + datetime.timedelta(seconds=60)
    text = moment(soon)
    client.force_login(Dossier.objects.get().user)
    url = reverse("enrolment:list")
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert text in queries_for(client, url)[1]
        traveller.shift(datetime.timedelta(seconds=61))
        assert text not in queries_for(client, url)[1]
