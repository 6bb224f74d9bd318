"""dife_portal/redis_cache.py: what Redis holds is JSON, never a pickled object (security finding 18.5)."""

import pickle

import pytest
from django.core.cache import cache

from dife_portal.redis_cache import JSONSerializer
from tests.deploy.test_two_app_servers import REDIS_URL, redis_client  # noqa: F401 (fixture)
from tests.factories import SessionFactory

RUN = []


class Payload:
    """What an attacker who can write to Redis would plant: unpickling it runs code."""

    def __reduce__(self):
        return (exec, ("from tests.test_redis_cache import RUN; RUN.append('code ran')",))


def test_a_pickle_planted_in_redis_is_never_unpickled():
    serializer = JSONSerializer()
    assert serializer.loads(pickle.dumps(Payload())) is None
    assert RUN == []


@pytest.mark.parametrize("value", [7, True, None, "texte", 1.5, ["a", 1], {"versions": ["x"], "body": "<p>é</p>"}])
def test_json_values_come_back_as_they_were_stored(value):
    serializer = JSONSerializer()
    assert serializer.loads(serializer.dumps(value)) == value
    assert serializer.dumps(7) == 7  # a Redis integer: INCR works on it


def test_a_value_redis_could_not_hold_as_json_is_refused_at_once():
    with pytest.raises(TypeError):
        JSONSerializer().dumps(object())


@pytest.mark.django_db
def test_through_redis_pages_are_json_and_a_planted_pickle_is_a_miss(settings, client, redis_client):  # noqa: F811
    """The portal against a real Redis: the cached pages are JSON, and a pickle written over one of them is read as
    missing (the page is built again), never run."""
    settings.CACHES = {"default": {"BACKEND": "dife_portal.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
    redis_client.flushdb()
    session = SessionFactory(days_ahead=30)
    url = session.training.get_absolute_url()
    assert client.get(url).status_code == 200
    keys = redis_client.keys("*page:*")
    assert keys and all(redis_client.get(key).startswith(JSONSerializer.MARK) for key in keys)
    for key in redis_client.keys("*page*"):
        redis_client.set(key, pickle.dumps(Payload()))
    response = client.get(url)
    assert response.status_code == 200 and session.training.title in response.content.decode()
    assert RUN == []
    cache.clear()
