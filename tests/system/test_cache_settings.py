"""PUTRIGHT_CACHE_URL puts Django's caches on Redis, shared by every server process."""

from __future__ import annotations

import pytest
from django.core.cache.backends.redis import RedisCache

from config.settings.base import caches_from_env


def test_without_a_url_each_process_keeps_its_own_caches(monkeypatch):
    monkeypatch.delenv("PUTRIGHT_CACHE_URL", raising=False)
    caches = caches_from_env()
    assert {c["BACKEND"] for c in caches.values()} == {
        "django.core.cache.backends.locmem.LocMemCache"
    }
    assert set(caches) == {"default"}


def test_with_a_url_the_cache_is_on_redis(monkeypatch):
    monkeypatch.setenv("PUTRIGHT_CACHE_URL", "redis://127.0.0.1:6379/15")
    caches = caches_from_env()
    assert {c["BACKEND"] for c in caches.values()} == {
        "django.core.cache.backends.redis.RedisCache"
    }
    cache = RedisCache(caches["default"]["LOCATION"], {"KEY_PREFIX": "putright-test"})
    try:
        cache.set("probe", 1, timeout=5)
    except Exception as error:  # no Redis on this machine: the settings are still checked
        pytest.skip(f"no Redis answers at 127.0.0.1:6379 ({type(error).__name__})")
    assert cache.get("probe") == 1
    cache.delete("probe")
