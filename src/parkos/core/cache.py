"""One Redis connection pool per process for Django's cache."""

from threading import Lock

import redis


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
