"""Django settings for pingyi, read from the environment with safe production defaults.

The embedded default needs no variables at all: data lives under PINGYI_HOME (./var), SQLite is the database,
keys are generated into PINGYI_HOME/keys.json. Production sets PINGYI_DATABASE_URL, PINGYI_ALLOWED_HOSTS and the
key variables. See README.md, "Configuration".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from pingyi.lib.env import database_from_url, envbool, envchoice, envfloat, envint, envlist, envstr
from pingyi.lib.forwarded import trusted_networks
from pingyi.lib.keys import load_keys

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("PINGYI_HOME", "var")).resolve()
(HOME / "static").mkdir(parents=True, exist_ok=True)

_keys = load_keys(HOME, create=True)
SECRET_KEY = _keys["secret_key"]
PINGYI_FIELD_KEY = _keys["field_key"]
PINGYI_AUDIT_KEY = _keys["audit_key"]

DEBUG = envbool("PINGYI_DEBUG", False)
ALLOWED_HOSTS = envlist("PINGYI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("PINGYI_CSRF_TRUSTED_ORIGINS", [])
# Where citizens' QR codes point; the poster and SMS links are built from it.
SITE_URL = envstr("PINGYI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_q",
    "pingyi.audit",
    "pingyi.accounts",
    "pingyi.catalog",
    "pingyi.derived",
    "pingyi.documents",
    "pingyi.imports",
    "pingyi.api",
    "pingyi.ledger",
    "pingyi.ratings",
    "pingyi.sms",
    "pingyi.oversight",
    "pingyi.inspections",
    "pingyi.workdays",
    "pingyi.tickets",
    "pingyi.accountability",
    "pingyi.insight",
    "pingyi.alerts",
    "pingyi.reports",
    "pingyi.disclosure",
    "pingyi.ops",
    "pingyi.web",
]

MIDDLEWARE = [
    # Requests by view and status for /metrics (docs/operations.md); the After half is the last middleware.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pingyi.lib.middleware.RequestIdMiddleware",
    "pingyi.lib.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "pingyi.lib.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pingyi.accounts.middleware.MustChangePasswordMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "pingyi.urls"
WSGI_APPLICATION = "pingyi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pingyi.web.context.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(envstr("PINGYI_DATABASE_URL"), default_sqlite_path=HOME / "pingyi.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator) would not outlive its transaction.
if envbool("PINGYI_DB_TRANSACTION_POOLING", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# An optional streaming replica for the dashboards, reports, exports and public pages (docs/deploy.md, decision 0023):
# a writer reads from the primary for pin_seconds after; a replica further behind than max_lag_seconds is not read;
# a process trusts its last look at the replica for check_seconds; views: the URL names that read from it.
PINGYI_REPLICA: dict[str, Any] = {
    "pin_seconds": envint("PINGYI_REPLICA_PIN_SECONDS", 30),
    "max_lag_seconds": envint("PINGYI_REPLICA_MAX_LAG_SECONDS", 10),
    "check_seconds": envint("PINGYI_REPLICA_CHECK_SECONDS", 2),
    "views": envlist(
        "PINGYI_REPLICA_VIEWS",
        ["insight:*", "causes:*", "reports:report_list", "reports:*_export"]
        + ["disclosure:public", "disclosure:bulletin", "disclosure:district", "disclosure:screen*"],
    ),
}
if envstr("PINGYI_REPLICA_DATABASE_URL"):
    _replica = database_from_url(
        envstr("PINGYI_REPLICA_DATABASE_URL"), default_sqlite_path=HOME / "replica.sqlite3"
    )
    if _replica["ENGINE"].endswith("postgresql"):  # a replica that is down must not hold a page for long
        _replica["OPTIONS"].setdefault("connect_timeout", "2")
    DATABASES["replica"] = {**_replica, "TEST": {"MIRROR": "default"}}  # tests read the one test database
    DATABASE_ROUTERS = ["pingyi.lib.dbrouter.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("pingyi.lib.middleware.RequestIdMiddleware") + 1,
        "pingyi.lib.dbpin.ReplicaReadsMiddleware",
    )

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins per username before the account is locked, and for how long.
PINGYI_LOCKOUT_ATTEMPTS = envint("PINGYI_LOCKOUT_ATTEMPTS", 5)
PINGYI_LOCKOUT_MINUTES = envint("PINGYI_LOCKOUT_MINUTES", 15)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("PINGYI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Without collectstatic (the demo, the tests) whitenoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = HOME / "media"
UPLOAD_ROOT = HOME / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest catalogue or ledger file accepted through the back office.
PINGYI_MAX_IMPORT_BYTES = envint("PINGYI_MAX_IMPORT_BYTES", 64 * 1024 * 1024)

# Security: production defaults; PINGYI_DEBUG=1 (the demo) relaxes only what plain HTTP on 127.0.0.1 needs.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("PINGYI_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
_https = envbool("PINGYI_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = envbool("PINGYI_SSL_REDIRECT", _https)
SECURE_HSTS_SECONDS = envint("PINGYI_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https
BEHIND_PROXY = envbool("PINGYI_BEHIND_PROXY", False)
# The proxies whose X-Forwarded-For names the client (pingyi.lib.forwarded, applied in pingyi.wsgi).
FORWARDED_ALLOW_IPS = envlist("PINGYI_FORWARDED_ALLOW_IPS", ["127.0.0.1"]) if BEHIND_PROXY else []
try:
    trusted_networks(FORWARDED_ALLOW_IPS)
except ValueError as exc:
    raise ImproperlyConfigured(
        f"PINGYI_FORWARDED_ALLOW_IPS: {exc} (addresses or networks, comma-separated)"
    ) from exc
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# The probes and the scraper talk to an app host directly, over plain HTTP inside the deployment's network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Jobs: the ORM broker on the embedded default, Redis when PINGYI_REDIS_URL is set. A job gets ``timeout`` seconds
# (then its worker process is killed); the ORM broker hands a task whose result never came back to another worker
# after ``retry`` seconds, which must be longer than the time limit (docs/operations.md, "Jobs").
_job_timeout = envint("PINGYI_JOB_TIMEOUT", 1800)
_job_retry = envint("PINGYI_JOB_RETRY", 2 * _job_timeout)
if _job_retry <= _job_timeout:
    raise ImproperlyConfigured(
        f"PINGYI_JOB_RETRY ({_job_retry}) must be longer than PINGYI_JOB_TIMEOUT ({_job_timeout})"
    )
Q_CLUSTER: dict = {
    "name": "pingyi",
    "workers": envint("PINGYI_WORKERS", 2),
    "timeout": _job_timeout,
    "retry": _job_retry,
    # A task that fails (or whose worker dies) is delivered again at most this often in all.
    "max_attempts": envint("PINGYI_JOB_MAX_ATTEMPTS", 3),
    "catch_up": False,
    "label": "任务",
    "sync": False,
}
_redis = envstr("PINGYI_REDIS_URL")
if _redis:
    Q_CLUSTER["redis"] = _redis
else:
    Q_CLUSTER["orm"] = "default"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("PINGYI_LOG_LEVEL", "INFO")},
    "loggers": {"django_q": {"level": "WARNING"}},
}

# Ratings (see docs/ratings.md): the deployment's scale, and the thresholds of the integrity checks at the door.
PINGYI_RATING_SCALE = envchoice("PINGYI_RATING_SCALE", "five", ("five", "three"))  # national, or Wuhan's
PINGYI_RATINGS = {
    "comment_max_chars": envint("PINGYI_COMMENT_MAX_CHARS", 500),
    # Refused (HTTP 429) beyond these: ratings from one device fingerprint in 10 minutes, from one phone in a day.
    "limit_per_device_10min": envint("PINGYI_LIMIT_PER_DEVICE_10MIN", 10),
    "limit_per_phone_day": envint("PINGYI_LIMIT_PER_PHONE_DAY", 20),
    # Flagged (stored, marked for inspectors) at or beyond these.
    "burst_per_device_10min": envint("PINGYI_BURST_PER_DEVICE_10MIN", 4),
    "phone_records_30d": envint("PINGYI_PHONE_RECORDS_30D", 5),
    "phone_units_30d": envint("PINGYI_PHONE_UNITS_30D", 3),
    "outside_hours_grace_minutes": envint("PINGYI_OUTSIDE_HOURS_GRACE_MINUTES", 30),
    "poster_valid_days": envint("PINGYI_POSTER_VALID_DAYS", 365),
}

# SMS invitations and replies (see docs/sms.md).
PINGYI_SMS_BACKEND = envstr("PINGYI_SMS_BACKEND", "pingyi.sms.backends.FileBackend")
# The shared secret the gateway sends in X-Pingyi-Sms-Secret; empty disables the inbound webhook.
PINGYI_SMS_INBOUND_SECRET = envstr("PINGYI_SMS_INBOUND_SECRET", "")
PINGYI_SMS_SIGNATURE = envstr("PINGYI_SMS_SIGNATURE", "评议")
PINGYI_SMS_SAMPLE_RATE = envfloat("PINGYI_SMS_SAMPLE_RATE", 0.3)  # share of a day's finished records
PINGYI_SMS_OVERDUE_DAYS = envint("PINGYI_SMS_OVERDUE_DAYS", 3)  # 智能邀评: unrated this many days after 办结
PINGYI_SMS_OVERDUE_MAX_DAYS = envint("PINGYI_SMS_OVERDUE_MAX_DAYS", 30)  # never invite about older records
PINGYI_SMS_INVITATION_DAYS = envint("PINGYI_SMS_INVITATION_DAYS", 7)  # a reply is accepted this long
PINGYI_SMS_MAX_ATTEMPTS = envint("PINGYI_SMS_MAX_ATTEMPTS", 5)
PINGYI_SMS_RETRY_SECONDS = envint("PINGYI_SMS_RETRY_SECONDS", 60)  # first back-off; doubles per attempt
PINGYI_SMS_BATCH = envint("PINGYI_SMS_BATCH", 200)  # messages per run of the sender
PINGYI_SMS_AUTO_REPLIES_PER_DAY = envint("PINGYI_SMS_AUTO_REPLIES_PER_DAY", 5)  # help/notice SMS per phone

# Inspections (see docs/inspections.md).
PINGYI_INSPECTIONS = {
    # 重点查: a unit that entered no service record for this many days is a candidate.
    "quiet_days": envint("PINGYI_INSPECTION_QUIET_DAYS", 30),
    # The rectification deadline proposed on the feedback form, in working days after sending (pingyi.workdays).
    "rectify_working_days": envint("PINGYI_INSPECTION_RECTIFY_WORKING_DAYS", 15),
}

# Tickets (see docs/tickets.md): deadlines in working days counted from the day after the ticket opens.
PINGYI_TICKET_VISIT_DAYS = envint("PINGYI_TICKET_VISIT_DAYS", 1)  # 回访 and first verification
PINGYI_TICKET_RECTIFY_DAYS = envint("PINGYI_TICKET_RECTIFY_DAYS", 15)  # 整改
PINGYI_TICKET_REMIND_HOURS = envint("PINGYI_TICKET_REMIND_HOURS", 24)  # remind this long before a deadline
PINGYI_CALL_RELAY_BACKEND = envstr("PINGYI_CALL_RELAY_BACKEND", "pingyi.tickets.callrelay.FileCallRelay")

# Insight (see docs/insight.md): rankings need this many active ratings in the month; Wuhan's composite weights.
PINGYI_RANKING_MIN_SAMPLE = envint("PINGYI_RANKING_MIN_SAMPLE", 30)
PINGYI_COMPOSITE_WEIGHTS = {"sms_qr": 40.0, "public_lines": 20.0, "review": 40.0}
# Reports (docs/reports.md): which finding types count as 作风 problems (迟到早退 by default).
PINGYI_REPORT_WORK_STYLE_TYPES = tuple(envstr("PINGYI_REPORT_WORK_STYLE_TYPES", "late_early").split(","))

# Operations (docs/operations.md): readiness thresholds, the reaper of jobs whose worker died, and /metrics.
PINGYI_OPS = {
    # /readyz fails when the worker's heartbeat job has not run for this long.
    "heartbeat_max_age_seconds": envint("PINGYI_HEARTBEAT_MAX_AGE_SECONDS", 180),
    # /readyz fails when less than this many MiB are free under PINGYI_HOME.
    "disk_free_min_mib": envint("PINGYI_DISK_FREE_MIN_MIB", 1024),
    # A job row still "running" this long after it started has outlived the time limit: its worker is gone.
    "job_stale_seconds": envint("PINGYI_JOB_STALE_SECONDS", _job_timeout + 60),
    # The counts /metrics reads from the database are recomputed at most this often per process (seconds).
    "metrics_db_seconds": envint("PINGYI_METRICS_DB_SECONDS", 30),
}
# /metrics answers only a request bearing this token (Authorization: Bearer ...); empty: /metrics is off.
PINGYI_METRICS_TOKEN = envstr("PINGYI_METRICS_TOKEN", "")
