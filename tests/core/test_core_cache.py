"""The production cache: Django's Redis cache with one pool per process and reused clients."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import port_open, require
from parkos.core.cache import RedisCache, SharedConnectionPool

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture
def redis_cache():
    require(port_open("127.0.0.1", 6379), "Redis at 127.0.0.1:6379")
    cache = RedisCache(REDIS_URL, {"OPTIONS": {"pool_class": SharedConnectionPool}})
    cache.clear()
    yield cache
    cache.clear()


def test_values_round_trip_and_expire(redis_cache):
    redis_cache.set("park:count", {"parks": 3, "name": "浦江软件园"}, timeout=60)
    assert redis_cache.get("park:count") == {"parks": 3, "name": "浦江软件园"}
    redis_cache.set("gone", 1, timeout=0)
    assert redis_cache.get("gone") is None
    redis_cache.delete("park:count")
    assert redis_cache.get("park:count", "missing") == "missing"


def test_threads_share_one_pool_and_one_client(redis_cache):
    """Each call used to build a fresh client; now every thread's calls go through one client
    and one pool, and what one thread writes the others read."""
    clients, errors = [], []
    barrier = threading.Barrier(8)

    def work(index):
        try:
            barrier.wait()
            for round_ in range(50):
                redis_cache.set(f"k{index}", round_)
                assert redis_cache.get(f"k{index}") == round_
                clients.append(redis_cache._cache.get_client())
        except Exception as error:
            errors.append((index, error))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))
    assert errors == []
    assert len({id(client) for client in clients}) == 1
    assert redis_cache.get_many([f"k{index}" for index in range(8)]) == {
        f"k{index}": 49 for index in range(8)
    }
    other = RedisCache(REDIS_URL, {"OPTIONS": {"pool_class": SharedConnectionPool}})
    assert (
        other._cache.get_client().connection_pool is redis_cache._cache.get_client().connection_pool
    )
