"""The one settings module. Everything that differs between a laptop and a park network
comes from the environment (see docs/operations.md)."""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[3]
PACKAGE_DIR = Path(__file__).resolve().parents[1]

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

DEBUG = env.bool("DEBUG", default=False)
# A deployment sets its own key; a laptop gets one of its own in var/ (core/secrets.py), and a
# production start without SECRET_KEY, or with a published one, is refused.
SECRET_KEY = env.str("SECRET_KEY", default="")
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
if not SECRET_KEY:
    from parkos.core.secrets import local_key

    SECRET_KEY = local_key(BASE_DIR / "var" / "secret_key")
# The demo and the tests serve on the loopback with the checkout's own key; they set this.
LOCAL_KEY_ALLOWED = env.bool("LOCAL_KEY_ALLOWED", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "parkos.core",
    "parkos.accounts",
    "parkos.parks",
    "parkos.approvals",
    "parkos.relief",
    "parkos.filings",
    "parkos.marketplace",
    "parkos.property",
    "parkos.iot",
    "parkos.crowd",
    "parkos.techtransfer",
    "parkos.talent",
    "parkos.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parkos.accounts.middleware.UserLanguageMiddleware",
    "parkos.core.middleware.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "parkos.core.middleware.ApiErrorFormatMiddleware",
    "parkos.core.middleware.ServiceErrorPageMiddleware",
]

ROOT_URLCONF = "parkos.config.urls"
WSGI_APPLICATION = "parkos.config.wsgi.application"
ASGI_APPLICATION = "parkos.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "parkos.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'parkos.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
    # the start of a transaction so two writers queue instead of failing half way.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # Under ASGI a request's sync code may run on any thread, so per-thread persistent
    # connections would pile up; a psycopg pool per process bounds them instead.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DB_POOL_MIN", default=1),
        "max_size": env.int("DB_POOL_MAX", default=10),
        "timeout": env.int("DB_POOL_TIMEOUT", default=10),
    }
    # Several checkouts on one server (developers, CI) each test in a database of their own.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", env.str("DATABASE_TEST_NAME", default="test_parkos")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
MQTT_URL = env.str("MQTT_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "parkos.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"pool_class": "parkos.core.cache.SharedConnectionPool"},
        }
    }
    # Sessions read from the shared cache, written through to the database. Only with a shared
    # cache: a per-process cache would keep a signed-out session alive in the other workers.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Seconds a verified API token's user is kept in the cache (0: look it up on every call).
# Off by default without a shared cache, where one worker could not drop another's entry.
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=60 if REDIS_URL else 0)
# Days an API token works after it is issued.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
# Seconds the bell's unread count is kept in the cache; dropped on delivery and on reading.
NOTIFICATION_COUNT_CACHE_SECONDS = env.int(
    "NOTIFICATION_COUNT_CACHE_SECONDS", default=300 if REDIS_URL else 0
)

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed sign-ins: free attempts per window for one username from one address, and for one
# address across usernames; past them each try waits a doubling pause (accounts/throttle.py).
LOGIN_RATE = env.str("LOGIN_RATE", default="5/5m")
LOGIN_ADDRESS_RATE = env.str("LOGIN_ADDRESS_RATE", default="30/5m")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "parkos_language"
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
FORMAT_MODULE_PATH = ["parkos.config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
# WhiteNoise serves from here after collectstatic; it must exist even before.
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (long cache lifetimes) need `parkos collectstatic` first; a deployment
    # turns them on with STATIC_MANIFEST=true, a fresh clone works without.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# The app serves its own static files, from the source tree when collectstatic has not run,
# so a page never depends on a CDN or a separate web server.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: a bulk import may be large, but not unbounded.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# Rows one imported file may hold, and refused rows listed in its report (the rest counted).
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
IMPORT_MAX_ERRORS = max(1, env.int("IMPORT_MAX_ERRORS", default=1_000))

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# Background jobs: Celery on Redis when REDIS_URL is set; otherwise the embedded default runs
# jobs in a thread of the web process, so a laptop needs no server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A task whose worker process dies is put back on the queue, not acknowledged and lost; and a
# task whose whole worker died is handed to another after the visibility timeout (kombu's
# default is an hour), which must stay longer than the longest task (a forecast chunk: ~2.5 min).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Periodic jobs: `celery beat` in production, `parkos run-schedule` in the embedded default.
CELERY_BEAT_SCHEDULE = {
    "approvals-flag-overdue": {
        "task": "approvals.flag_overdue",
        "schedule": crontab(hour=8, minute=0),
    },
    "marketplace-expire-grants": {
        "task": "marketplace.expire_voucher_grants",
        "schedule": crontab(hour=0, minute=10),
    },
    "marketplace-provider-scores": {
        "task": "marketplace.recompute_provider_scores",
        "schedule": crontab(hour=2, minute=0),
    },
    "property-check-sla": {"task": "property.check_sla", "schedule": crontab(minute="*/5")},
    "property-retrain": {"task": "property.retrain", "schedule": crontab(hour=3, minute=0)},
    "property-inspection-rounds": {
        "task": "property.generate_rounds",
        "schedule": crontab(hour=6, minute=0),
    },
    "property-rescore-month": {
        "task": "property.rescore_current_month",
        "schedule": crontab(minute=15),
    },
    "property-score-last-month": {
        "task": "property.score_month",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
    },
    "crowd-rollup": {"task": "crowd.rollup", "schedule": crontab(minute="*/5")},
    "iot-check-silence": {"task": "iot.check_silence", "schedule": crontab(minute="*")},
    "iot-rollup": {"task": "iot.rollup_last_hours", "schedule": crontab(minute=5)},
    "iot-rollup-five-minutes": {"task": "iot.rollup_five_minutes", "schedule": crontab(minute="*")},
    "iot-expire-raw": {"task": "iot.expire_raw", "schedule": crontab(hour=1, minute=30)},
    "crowd-refresh-forecasts": {"task": "crowd.refresh_forecasts", "schedule": crontab(minute=20)},
}
# Tests run jobs inline so that what a job writes is visible when the request returns.
JOBS_INLINE = env.bool("JOBS_INLINE", default=False)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ParkOS <noreply@parkos.local>")

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "parkos.core.log_redaction.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO").upper()},
    "loggers": {"jieba": {"level": "WARNING"}},
}
