"""Django's Redis cache backend, with one Redis client per connection pool, JSON values, and an outage that is not
an error.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` object for every cache call, a cost comparable to
the round trip itself; a client over a connection pool is thread-safe, so each pool keeps one.

Redis holds nothing the portal cannot do without (pages, fragments, throttles, a cached JWKS; sessions are
`cached_db`): when it cannot be reached, or does not answer within the socket timeouts (CACHE_TIMEOUT_SECONDS),
a read finds nothing, a write is dropped, `add` says it added (nothing is throttled while the cache is away), the
client leaves Redis alone for 5 seconds before trying again, and a warning is logged at most every 10 seconds per
process — the élus get pages built for them, a little slower,
never an error.

Values are stored as JSON (`JSONSerializer`), never pickled: whoever can write to Redis cannot make the portal run
code. Every other behaviour is Django's.
"""

import functools
import json
import logging
import time

from django.core.cache.backends import redis as django_redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# Unreachable, timed out, out of memory, read-only replica after a failover…: the cache cannot serve.
OUTAGE = RedisError
WARNING_INTERVAL = 10.0
# After a failure, this client does not call Redis again for this long: a Redis that hangs costs one timeout per
# worker every few seconds, not one per cache call (a page makes several).
BREAKER_SECONDS = 5.0
_last_warning = [0.0]


def warn_outage(operation, error):
    """Log that the cache could not answer, at most once every WARNING_INTERVAL seconds in this process."""
    now = time.monotonic()
    if now - _last_warning[0] >= WARNING_INTERVAL:
        _last_warning[0] = now
        name = type(error).__name__
        logger.warning("Cache unavailable (%s: %s: %s): going on without it", operation, name, error)


def _outage_returns(fallback, always_try=False):
    """Run the operation; if Redis cannot serve, log it and return fallback(*args) instead — and for the next
    BREAKER_SECONDS, return it without trying. An `always_try` operation is tried even then, and its failure is
    logged as an error: a deletion dropped in silence would leave a signed-out session valid in the cache."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._down_until and not always_try:
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except OUTAGE as error:
                self._down_until = time.monotonic() + BREAKER_SECONDS
                if always_try:
                    logger.error(
                        "Cache deletion lost (%s: %s): a sign-out may not reach the cache", method.__name__, error
                    )
                else:
                    warn_outage(method.__name__, error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


class JSONSerializer:
    """A value as Redis keeps it: an integer as itself (INCR works on it), anything else as JSON behind a mark.

    Only JSON values can be cached (str, int, float, bool, None, lists, dicts with string keys); anything else is a
    TypeError at once. A value that is not ours (a pickle left by an older release, a value planted in Redis) reads
    as missing: it is never unpickled.
    """

    MARK = b"j:"

    def dumps(self, obj):
        if type(obj) is int:
            return obj
        return self.MARK + json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()

    def loads(self, data):
        try:
            return int(data)
        except ValueError:
            pass
        if not data.startswith(self.MARK):
            return None
        try:
            return json.loads(data[len(self.MARK) :])
        except ValueError:
            return None


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, serializer=None, **kwargs):
        super().__init__(*args, serializer=serializer or JSONSerializer, **kwargs)
        self._clients = {}
        self._down_until = 0.0

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    # What each operation answers while Redis is away (see the module's docstring).
    add = _outage_returns(lambda key, value, timeout: True)(django_redis.RedisCacheClient.add)
    get = _outage_returns(lambda key, default: default)(django_redis.RedisCacheClient.get)
    set = _outage_returns(lambda key, value, timeout: None)(django_redis.RedisCacheClient.set)
    touch = _outage_returns(lambda key, timeout: False)(django_redis.RedisCacheClient.touch)
    # Deletions (a sign-out deletes the session) are rare and must not be dropped because of another call's failure.
    delete = _outage_returns(lambda key: False, always_try=True)(django_redis.RedisCacheClient.delete)
    get_many = _outage_returns(lambda keys: {})(django_redis.RedisCacheClient.get_many)
    has_key = _outage_returns(lambda key: False)(django_redis.RedisCacheClient.has_key)
    set_many = _outage_returns(lambda data, timeout: list(data))(django_redis.RedisCacheClient.set_many)
    delete_many = _outage_returns(lambda keys: None, always_try=True)(django_redis.RedisCacheClient.delete_many)


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
