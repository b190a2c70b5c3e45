"""Test settings: the base settings with faster hashing and quiet, in-memory side channels.

The database comes from DATABASE_URL like everywhere else; the test plugin in tests/ points it at a
PostgreSQL server it starts, or leaves the SQLite default when no PostgreSQL binaries are installed.
"""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "insecure-key-for-tests-only"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "volunteers.sms.OutboxSmsBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Unit tests run embedded whatever the developer's shell exports; the integration tests point Celery and
# the cache at the Redis server they start themselves.
REDIS_URL = ""
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"},
    "kept_in_process": KEPT_IN_PROCESS_CACHE,  # noqa: F405
}
CELERY_BROKER_URL = "memory://localhost/"
CELERY_RESULT_BACKEND = "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = True
