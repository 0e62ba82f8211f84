"""The Redis cache keeps one client per pool and still works as a cache (REDIS_URL set)."""

import pytest
from django.core.cache import cache, caches

from oms.core.cache import RedisCache

pytestmark = pytest.mark.skipif(not isinstance(caches["default"], RedisCache), reason="needs REDIS_URL")


def test_one_client_serves_every_call_and_the_values_round_trip():
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    cache.set("oms-test:cache", {"n": 1}, 5)
    assert cache.add("oms-test:cache", 2, 5) is False
    assert cache.get("oms-test:cache") == {"n": 1}
    cache.delete("oms-test:cache")
    assert cache.add("oms-test:cache", 2, 5) is True
    cache.delete("oms-test:cache")
