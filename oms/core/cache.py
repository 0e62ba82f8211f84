"""Django's Redis cache backend, with one Redis client per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and
building one copies its table of response callbacks: a few hundred dictionary writes per call,
several calls per API request (throttle counters, sourcing and webhook wake-ups). A client is
safe to reuse (it takes a connection from its pool per command), so each pool gets one.

`count_in_window` is the API throttle's counter in one round trip (oms/core/api/throttling.py).
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient

    def count_in_window(self, counter: str, since: str, now: float, seconds: int) -> int:
        """This request's number in the window counted under `counter`, in one round trip:
        when no window is open, this request opens one (`counter` and `since` = now, both
        expiring in `seconds`). Django's `incr` takes two round trips and opening a window two
        more."""
        counter_key = self.make_and_validate_key(counter)
        since_key = self.make_and_validate_key(since)
        client = self._cache.get_client(counter_key, write=True)
        with client.pipeline(transaction=True) as pipeline:
            pipeline.set(counter_key, 0, ex=seconds, nx=True)
            pipeline.set(since_key, self._cache._serializer.dumps(now), ex=seconds, nx=True)
            pipeline.incr(counter_key)
            return pipeline.execute()[-1]
