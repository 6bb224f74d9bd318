"""The tests' cache: Django's local-memory cache that keeps each value as Redis would (dife_portal.redis_cache:
JSON, never a pickled object), so that a value Redis could not hold fails the tests, not production."""

from django.core.cache.backends.locmem import LocMemCache

from dife_portal.redis_cache import JSONSerializer

_serializer = JSONSerializer()


def _as_redis_keeps(value):
    return _serializer.loads(_serializer.dumps(value)) if type(value) is not int else value


class JSONLocMemCache(LocMemCache):
    def add(self, key, value, timeout=None, version=None):
        return super().add(key, _as_redis_keeps(value), timeout, version)

    def set(self, key, value, timeout=None, version=None):
        super().set(key, _as_redis_keeps(value), timeout, version)
