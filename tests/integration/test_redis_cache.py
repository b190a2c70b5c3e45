"""Django's Redis cache backend works against a real Redis, as configured when REDIS_URL is set."""

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings

from tests.integration.redis_celery import CACHE_REDIS_DB, redis_url

pytestmark = pytest.mark.integration


def test_a_cached_value_is_stored_in_redis_and_read_back(redis_server):
    cache_url = redis_url(redis_server, CACHE_REDIS_DB)
    redis_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}

    with override_settings(CACHES={"default": redis_cache}):
        cache.set("greeting", "سلام", timeout=60)
        read_back = cache.get("greeting")
        stored_in_redis = redis.Redis.from_url(cache_url).exists(":1:greeting")

    assert read_back == "سلام"
    assert stored_in_redis == 1
