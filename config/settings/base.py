"""Settings shared by every environment, read from environment variables in one place.

Safe by default: DEBUG is off unless DJANGO_DEBUG says otherwise, and there is no secret key but the one
DJANGO_SECRET_KEY gives (dev.py and test.py set their own; production.py refuses to start without one).
With no other environment the project runs embedded: SQLite (WAL) for data, Celery tasks executed eagerly
in-process, console e-mail and SMS. Every production value comes from the environment (see the settings
table in README.md).
"""

import zoneinfo
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Only the process environment is read. The `.env` beside docker-compose.yml belongs to production's
# containers; reading it here would hand `./dev run` production's database and hosts.
env = environ.Env()

# Empty without DJANGO_SECRET_KEY: Django then refuses to sign anything rather than use a guessable key.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Project apps first so their templates and translations win.
    "core",
    "city",
    "cms",
    "campaigns",
    "volunteers",
    "verification",
    "voice",
    "opencity",
    "rewards",
    "achievements",
    "credentials",
    "delphi",
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "config.middleware.ApiLanguageMiddleware",
    "config.middleware.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.db_routing.PinToPrimaryAfterWritesMiddleware",
    "core.cache.VersionsReadOnceMiddleware",
    "core.sites.KeptSiteMiddleware",
    "config.middleware.AdminLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
            ],
            "builtins": ["core.templatetags.hamyar"],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------------
# PostgreSQL plans a statement each time it gets one with its values written in (psycopg's client-side
# binding, Django's default): for the short statements of a sign-up or a listing, planning is most of the
# database's work (a listing's first page: 3.2 ms planned, 2.2 ms run). Sent with its values apart, a
# statement a connection has run PREPARE_THRESHOLD times is prepared: parsed once, and planned once unless
# PostgreSQL finds a plan for its values cheaper (plan_cache_mode "auto"). A connection pooler in
# transaction mode cannot keep prepared statements: DATABASE_PREPARED_STATEMENTS=false behind one.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
PREPARE_THRESHOLD = 5


def postgresql_engine(engine: str) -> str:
    """Django's PostgreSQL backend with a health check of kept connections that costs no round trip."""
    return "core.postgresql" if engine == "django.db.backends.postgresql" else engine


def postgresql_statement_options() -> dict:
    if not DATABASE_PREPARED_STATEMENTS:
        return {}
    return {"server_side_binding": True, "prepare_threshold": PREPARE_THRESHOLD}


DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the site read while a Celery task or a second request writes; the busy timeout makes a
    # writer wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["ENGINE"] = postgresql_engine(DATABASES["default"]["ENGINE"])
    DATABASES["default"].setdefault("OPTIONS", {}).update(postgresql_statement_options())
# A PostgreSQL streaming replica for the reads everyone makes the same way (core/db_routing.py): the open
# calls, the leaderboards, the open city. Writes, and the reads of whoever just wrote, stay on the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 0),
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
    }
    DATABASES["replica"]["ENGINE"] = postgresql_engine(DATABASES["replica"]["ENGINE"])
    DATABASES["replica"].setdefault("OPTIONS", {}).update(postgresql_statement_options())
DATABASE_ROUTERS = ["core.db_routing.ReplicaRouter"]
# After a change, how long the person's reads stay on the primary (longer than the replica's lag).
REPLICA_PIN_SECONDS = env.int("REPLICA_PIN_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Redis is an accelerator, not a dependency (core/cache.py): with Redis down the default cache misses, so
# every answer is computed from PostgreSQL, and the limits on failed attempts count in the database.
REDIS_CACHE_OPTIONS = {
    "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CACHE_CONNECT_TIMEOUT_SECONDS", default=0.25),
    "SOCKET_TIMEOUT": env.float("REDIS_CACHE_TIMEOUT_SECONDS", default=0.5),
}
# Parts repeated many times a page or answer (core.cache.kept_part), in each process's
# own memory: a few thousand cards of a few hundred bytes (LocMemCache culls a third when full).
KEPT_IN_PROCESS_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "kept-in-process",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {**REDIS_CACHE_OPTIONS, "IGNORE_EXCEPTIONS": True},
        },
        "limits": {
            "BACKEND": "core.cache.FailoverCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "limits",
            "OPTIONS": {"PRIMARY_OPTIONS": REDIS_CACHE_OPTIONS, "FALLBACK_TABLE": "core_cache_fallback"},
        },
        "kept_in_process": KEPT_IN_PROCESS_CACHE,
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "limits"},
        "kept_in_process": KEPT_IN_PROCESS_CACHE,
    }


# --- Celery ----------------------------------------------------------------------------------------
# Without Redis there is no broker: tasks run eagerly in the calling process, so the embedded site works
# with no worker at all. With Redis, tasks travel to the worker(s) and beat.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ACKS_LATE = False  # opted into per task, only where the task is idempotent
# A task acked late whose worker died (kill -9, out of memory) goes back to the queue at once when only the
# pool's child died, and after the visibility timeout when the whole worker did: sized to the longest task
# (minutes), not Redis' default hour. The outbox (core/outbox.py) hands over again what is still not done.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=300),
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Queued sign-ups are decided from a queue of their own, which every worker also consumes (the queues
# listed here), taken in turn with the default one: a flood of notices never holds them back.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (
    Queue("celery", routing_key="celery"),
    Queue("signup-queue", routing_key="signup-queue"),
)
CELERY_TASK_ROUTES = {"campaigns.tasks.process_signup_line_task": {"queue": "signup-queue"}}
# The transactional outbox (core/outbox.py): the first hand-over happens right after the commit; the relay
# hands over what is due every OUTBOX_RELAY_SECONDS, again after OUTBOX_RESEND_AFTER_SECONDS (doubling)
# while a task has not reported success, and after OUTBOX_BROKER_RETRY_SECONDS when the broker refused.
OUTBOX_RELAY_SECONDS = env.float("OUTBOX_RELAY_SECONDS", default=15.0)
OUTBOX_RESEND_AFTER_SECONDS = env.int("OUTBOX_RESEND_AFTER_SECONDS", default=120)
OUTBOX_BROKER_RETRY_SECONDS = env.int("OUTBOX_BROKER_RETRY_SECONDS", default=15)
OUTBOX_MAX_HAND_OVERS = env.int("OUTBOX_MAX_HAND_OVERS", default=10)
OUTBOX_KEEP_DONE_DAYS = env.int("OUTBOX_KEEP_DONE_DAYS", default=7)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# All periodic work is declared here, in one place; apps add their entries as they need them.
CELERY_BEAT_SCHEDULE: dict = {
    "relay-outbox": {
        "task": "core.tasks.relay_outbox_task",
        "schedule": OUTBOX_RELAY_SECONDS,
        "options": {"expires": OUTBOX_RELAY_SECONDS},
    },
    "delete-expired-data-exports": {
        "task": "credentials.tasks.delete_expired_data_exports_task",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    # Delphi rounds: reminders to panellists who have not answered, and rounds closed on their day.
    "delphi-remind-and-close-rounds": {
        "task": "delphi.tasks.remind_and_close_rounds_task",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    # Citizen voice: overdue items escalate to their department's approvers; answered ones close.
    "run-voice-clock": {
        "task": "voice.tasks.run_voice_clock_task",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    # The open city's figures, computed for readers in advance.
    "refresh-open-city": {
        "task": "opencity.tasks.open_city_refresh_task",
        "schedule": 300.0,
        "options": {"expires": 280},
    },
    # The under-served district bonus, where staff let it follow the open city's equity figures.
    "refresh-equity-bonus": {
        "task": "opencity.tasks.equity_bonus_refresh_task",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "prune-outbox": {
        "task": "core.tasks.prune_outbox_task",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "publish-scheduled-pages": {"task": "cms.tasks.publish_scheduled_pages_task", "schedule": 60.0},
    # The listing's order by next shift: a call's schedule goes stale when its first counted shift ends.
    "refresh-stale-call-schedules": {
        "task": "campaigns.tasks.refresh_stale_call_schedules_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # A run that waited longer than the interval is dropped: the next one does the same work.
    "send-shift-reminders": {
        "task": "campaigns.tasks.send_shift_reminders_task",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    "release-unassigned-team-places": {
        "task": "campaigns.tasks.release_unassigned_team_places_task",
        "schedule": 300.0,
        "options": {"expires": 240},
    },
    # Sign-ups waiting their turn whose worker never came (Redis or the worker down when they joined).
    "process-waiting-signup-requests": {
        "task": "campaigns.tasks.process_waiting_signup_requests_task",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    "mark-no-shows": {
        "task": "campaigns.tasks.mark_no_shows_task",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
    "expire-points": {
        "task": "rewards.tasks.expire_points_task",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "expire-vouchers": {
        "task": "rewards.tasks.expire_vouchers_task",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    "delete-expired-one-time-codes": {
        "task": "volunteers.tasks.delete_expired_one_time_codes_task",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
}

# Proxies in front of the app that append to X-Forwarded-For; rate limits key on the client's address.
NINJA_NUM_PROXIES = env.int("NINJA_NUM_PROXIES", default=0)

# A confirmed place can be given up online until this long before its shift starts.
SIGNUP_CANCELLATION_CUTOFF_MINUTES = env.int("SIGNUP_CANCELLATION_CUTOFF_MINUTES", default=120)
# Team places still unassigned this long before a shift go back to the public (and its waiting list).
TEAM_PLACES_RELEASE_HOURS = env.int("TEAM_PLACES_RELEASE_HOURS", default=24)
# A burst of sign-ups for one shift waits its turn in a line (campaigns.signup_line): once more than this
# many are being decided at once, the next ones are written down and answered at once with their place;
# the line stays open this long after the last one joined it. 0 turns the line off.
SIGNUP_LINE_AFTER_IN_FLIGHT = env.int("SIGNUP_LINE_AFTER_IN_FLIGHT", default=2)
SIGNUP_LINE_HOLD_SECONDS = env.int("SIGNUP_LINE_HOLD_SECONDS", default=10)
# Check-in on site: how long a QR code works, when check-in opens and closes, when an absence is a no-show.
CHECKIN_TOKEN_MAX_AGE_SECONDS = env.int("CHECKIN_TOKEN_MAX_AGE_SECONDS", default=120)
CHECKIN_OPENS_MINUTES_BEFORE_START = env.int("CHECKIN_OPENS_MINUTES_BEFORE_START", default=30)
CHECKOUT_CLOSES_MINUTES_AFTER_END = env.int("CHECKOUT_CLOSES_MINUTES_AFTER_END", default=120)
CHECKIN_REPEAT_GRACE_SECONDS = env.int("CHECKIN_REPEAT_GRACE_SECONDS", default=300)
NO_SHOW_GRACE_MINUTES = env.int("NO_SHOW_GRACE_MINUTES", default=60)
# An approval worth more points than this (hours × the call's points per hour) needs a second approver.
VERIFICATION_SECOND_APPROVER_ABOVE_POINTS = env.int("VERIFICATION_SECOND_APPROVER_ABOVE_POINTS", default=200)
# Bonuses (first shift, teams, streaks, districts) need at least this many approved hours.
BONUS_MINIMUM_HOURS = env.float("BONUS_MINIMUM_HOURS", default=1.0)
# Earned points expire this many days after they were credited, oldest first (a beat task expires them).
POINTS_EXPIRE_AFTER_DAYS = env.int("POINTS_EXPIRE_AFTER_DAYS", default=365)

# --- Auth --------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["volunteers.backends.PhoneEmailOrUsernameBackend"]
# Sessions live in the database (every node reads them there); core.sessions reads them faster.
SESSION_ENGINE = "core.sessions"
LOGIN_URL = "volunteers:login"
LOGIN_REDIRECT_URL = "volunteers:account"
LOGOUT_REDIRECT_URL = "/"

# --- Language, time ---------------------------------------------------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
# Our catalogue, then Persian for the strings of Wagtail's admin that Wagtail's own catalogue leaves in
# English (locale_wagtail/, kept by hand: makemessages would drop them from ours as obsolete).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Tehran")
CELERY_TIMEZONE = TIME_ZONE
LANGUAGE_COOKIE_NAME = "hamyar_language"

# --- Static and media --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Files only their owner may download through a view that checks who asks (people's data archives): never
# under MEDIA_ROOT, which a web server may serve as it is.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Several web machines share nothing local: uploaded files and private files go to an S3-compatible
# bucket (AWS S3, MinIO, Ceph, Arvan…) when one is named; without it they stay in the folders above.
OBJECT_STORAGE_BUCKET = env.str("OBJECT_STORAGE_BUCKET", default="")
if OBJECT_STORAGE_BUCKET:
    from core.storage import object_storages

    STORAGES.update(
        object_storages(
            bucket=OBJECT_STORAGE_BUCKET,
            endpoint_url=env.str("OBJECT_STORAGE_ENDPOINT_URL", default=""),
            access_key=env.str("OBJECT_STORAGE_ACCESS_KEY", default=""),
            secret_key=env.str("OBJECT_STORAGE_SECRET_KEY", default=""),
            region=env.str("OBJECT_STORAGE_REGION", default=""),
        )
    )

# --- E-mail and SMS ------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Hamyar <no-reply@hamyar.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Dotted path of the SMS backend class; the console backend prints messages to standard output.
SMS_BACKEND = env.str("SMS_BACKEND", default="volunteers.sms.ConsoleSmsBackend")
# For volunteers.sms.KavenegarSmsBackend: the account's API key and sender line.
SMS_API_KEY = env.str("SMS_API_KEY", default="")
SMS_SENDER = env.str("SMS_SENDER", default="")
SMS_API_URL = env.str("SMS_API_URL", default="https://api.kavenegar.com/v1")

# A confirmed place given up this close to its shift, and not taken from the waiting list, is offered to
# people who asked to hear of places to cover: this many for each free place.
COVER_CALL_HOURS = env.int("COVER_CALL_HOURS", default=48)
# The city's working week for the clock of answers owed to citizens: JSON of Python weekday (Monday 0 …
# Saturday 5) → [opening, closing]; empty: Saturday to Wednesday 7:30–14:30 and Thursday 7:30–12:30.
CITY_WORKING_HOURS = env.json("CITY_WORKING_HOURS", default={})
# The licence of the open city's data, as its SPDX identifier.
OPEN_DATA_LICENCE = env.str("OPEN_DATA_LICENCE", default="CC-BY-4.0")
# The city's key for Open Badges 3.0 credentials: a private RSA JWK (JSON). Without one, a key is made once
# and kept in PRIVATE_MEDIA_ROOT/keys/ (fine for one machine; production sets its own and keeps it safe).
OPEN_BADGES_SIGNING_KEY = env.str("OPEN_BADGES_SIGNING_KEY", default="")
# How long after an answer its author may reopen the item (once).
VOICE_REOPEN_DAYS = env.int("VOICE_REOPEN_DAYS", default=7)
COVER_NOTICES_PER_PLACE = env.int("COVER_NOTICES_PER_PLACE", default=10)

# The municipality that issues certificates of volunteering, in each language.
HAMYAR_MUNICIPALITY = {
    "fa": env.str("MUNICIPALITY_NAME_FA", default="شهرداری اصفهان"),
    "en": env.str("MUNICIPALITY_NAME_EN", default="Isfahan Municipality"),
}

# --- Wagtail -------------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Hamyar"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("fa", _("Persian"))]
# PostgreSQL full-text search in production; the database backend picks the right engine by itself.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Staff avatars are Wagtail's own local image: Gravatar would load from outside (broken offline) and send
# every member of staff's e-mail hash to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# The admin never calls out to releases.wagtail.org: the site runs where only its own servers are reachable.
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Staff pick their admin time zone among real IANA zones only. The system's zone directory also holds files
# such as "localtime" and "posixrules", which browsers reject: the account page's script failed on them.
WAGTAIL_USER_TIME_ZONES = sorted(
    zone
    for zone in zoneinfo.available_timezones()
    if zone == "UTC" or ("/" in zone and not zone.startswith(("posix/", "right/", "Etc/", "SystemV/")))
)
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# --- Logging ---------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail runs its search-index and reference-index updates as django-tasks; one line each is noise.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # Eager tasks in the web process would log a line each; a worker logs through Celery's own setup.
        "celery.app.trace": {"level": "WARNING"},
        "celery.backends": {"level": "ERROR"},
    },
}

AUTH_USER_MODEL = "volunteers.User"

# In development whitenoise serves straight from the apps' static folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
