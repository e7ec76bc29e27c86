"""Django's Redis cache with one connection pool per process and one client per cache object."""

from threading import Lock

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedConnectionPool(redis.ConnectionPool):
    """Django keeps a cache object per request context, not per thread, under ASGI servers,
    and each new cache object built its own pool: every request opened and closed a Redis
    connection. Pools are shared per URL and options instead."""

    _pools: dict = {}
    _lock = Lock()

    @classmethod
    def from_url(cls, url, **kwargs):
        key = (url, tuple(sorted((name, repr(value)) for name, value in kwargs.items())))
        with cls._lock:
            if key not in cls._pools:
                cls._pools[key] = super().from_url(url, **kwargs)
            return cls._pools[key]


class _ReusedClient(RedisCacheClient):
    """Django builds a new `redis.Redis` for every cache call, and each one fills a table of
    some 170 response callbacks: a quarter of a millisecond per request on the API. A client
    only holds its pool and that table, and is safe to share, so one per pool is kept."""

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
        self._class = _ReusedClient
