"""Settings for FastOpp Django.

Every value comes from one env reader (django-environ), with a `.env` file in the
project root read when present. Each setting has a safe development default, so a
fresh clone runs with no configuration. This module never exits: a value that would
be unsafe in production is left as given, and fastopp_site.startup (called by the entry
points) refuses to start on it.
"""

from __future__ import annotations

import importlib.util
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

from fastopp_site.cacheurl import DEFAULT_CACHE_URL, LOCMEM_BACKEND, CacheUrlError, cache_config
from fastopp_site.dburl import DatabaseUrlError, database_url_normalize

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


# --- Environment ---------------------------------------------------------------
ENVIRONMENT = env.str("ENVIRONMENT", default="development").lower()
IS_PRODUCTION = ENVIRONMENT == "production"
DEBUG = env.bool("DEBUG", default=not IS_PRODUCTION) and not IS_PRODUCTION

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-this-in-production-0123"  # noqa: S105 (DEBUG only)
SECRET_KEY = env.str("SECRET_KEY", default="")
if DEBUG and not SECRET_KEY:
    SECRET_KEY = _DEV_SECRET_KEY

# Hosts: platforms publish their public host name in env vars; trust those too.
ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
_PLATFORM_HOSTS = {
    "FLY_APP_NAME": "{}.fly.dev",
    "RAILWAY_PUBLIC_DOMAIN": "{}",
    "RENDER_EXTERNAL_HOSTNAME": "{}",
}
for _var, _pattern in _PLATFORM_HOSTS.items():
    if env.str(_var, default=""):
        ALLOWED_HOSTS.append(_pattern.format(env.str(_var)))

CSRF_TRUSTED_ORIGINS: list[str] = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=[f"https://{host}" for host in ALLOWED_HOSTS if host not in {"*"} and "*" not in host],
)

# Minimal mode switches off the demo pages and demo data (FastOpp's "oppdemo destroy").
MINIMAL_MODE = env.bool("MINIMAL_MODE", default=False)
# The demo accounts' passwords are published (admin123...). In production `loaddemo` and
# init-demo give those accounts unusable passwords unless this is on (or the command gets
# --with-demo-passwords); everywhere else they get the published ones.
DEMO_PASSWORDS = env.bool("DEMO_PASSWORDS", default=False)

# Seconds /health reuses a good "migrations applied" and "storage writable" answer.
HEALTH_CACHE_SECONDS = env.int("HEALTH_CACHE_SECONDS", default=30)

# Seconds the catalog's dashboard reads stay cached (0: off); in the shared cache when
# CACHE_URL names one, else in each process (see CACHES below).
CATALOG_CACHE_SECONDS = env.int("CATALOG_CACHE_SECONDS", default=30)

# The benchmark's comparison endpoints under /bench/ (a deliberately blocking LLM view, a
# sleeping query): `make bench` turns them on for its own loopback servers, nothing else may.
BENCH_ENDPOINTS = env.bool("BENCH_ENDPOINTS", default=False)

# --- Applications --------------------------------------------------------------
INSTALLED_APPS = [
    # daphne's runserver serves through ASGI, so streamed responses stream in development.
    # It is a development tool (pyproject's dev group), absent from the production install
    # (gunicorn with uvicorn workers), so it is listed only where it is installed.
    *(["daphne"] if importlib.util.find_spec("daphne") else []),
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "fastopp_site.apps.StaticFilesConfig",
    "fastopp_site.apps.SiteConfig",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    # Failed sign-ins, counted in the database so every process and machine sees them.
    "axes",
    "accounts",
    "catalog",
    "webinars",
    "chat",
    "platform_ops",
]

MIDDLEWARE = [
    # Platform health probes answer before the host check and the SSL redirect: their
    # checkers send the machine's address as Host, over plain HTTP (fastopp_site.probes).
    "fastopp_site.probes.HealthProbes",
    # Django's own middleware, with hooks that run in the event loop under ASGI (see the
    # module's docstring); WhiteNoise likewise.
    "fastopp_site.middleware.Security",
    "fastopp_site.static.AsyncWhiteNoiseMiddleware",
    # Outside everything that can answer a page (CSRF failures, redirects, views).
    "fastopp_site.middleware.ContentSecurityPolicy",
    "fastopp_site.middleware.Session",
    "fastopp_site.middleware.Common",
    "fastopp_site.middleware.Csrf",
    "fastopp_site.middleware.Authentication",
    "fastopp_site.middleware.Messages",
    "fastopp_site.middleware.XFrameOptions",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a sign-in that locked out into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fastopp_site.urls"
WSGI_APPLICATION = "fastopp_site.wsgi.application"
ASGI_APPLICATION = "fastopp_site.asgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# django-axes' backend only refuses locked-out sign-ins; ModelBackend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

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
                "fastopp_site.context_processors.site",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------
_DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
# Why DATABASE_URL cannot be used ("" when it can); the URL itself may hold a password,
# so only this message is kept.
DATABASE_URL_PROBLEM = ""
try:
    _database_url = database_url_normalize(
        url=env.str("DATABASE_URL", default=_DEFAULT_DATABASE_URL), base_dir=BASE_DIR
    )
except DatabaseUrlError as exc:
    DATABASE_URL_PROBLEM = str(exc)
    # A placeholder nobody connects to: the entry points refuse to start first.
    _database_url = "sqlite://:memory:"
_database: dict[str, Any] = env.db_url_config(_database_url)

if _database["ENGINE"] == "django.db.backends.sqlite3":
    # A web process plus one task worker share the file: WAL lets readers run beside
    # the writer, IMMEDIATE takes the write lock up front instead of failing mid-transaction.
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        **_database.get("OPTIONS", {}),
    }
else:
    # Under ASGI every request's sync code runs in a new thread, so persistent
    # connections (CONN_MAX_AGE > 0) would be opened per thread and never reused.
    _database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
    _database["CONN_HEALTH_CHECKS"] = True
    _database.setdefault("OPTIONS", {})
    _database["OPTIONS"].setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", 10))
    # Optional: psycopg 3's pool (pip install "psycopg[binary,pool]"); docs/COMPARISON.md
    # (S2, S3) has what it changes.
    if env.bool("DATABASE_POOL", default=False):
        _database["CONN_MAX_AGE"] = 0
        _database["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=2),
            "max_size": env.int("DATABASE_POOL_MAX", default=10),
            "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
        }
    _database["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default=None)}
if _database["ENGINE"] == "django.db.backends.sqlite3" and env.str("TEST_DATABASE_NAME", ""):
    # A file test database lets worker processes started by tests share it.
    _database["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}

DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache -----------------------------------------------------------------------
# "default" is what every process of the site shares: Redis (CACHE_URL=redis://...) when
# there are two or more processes (web workers, machines, a task worker that writes catalog
# data), otherwise each process's own memory. "local" is always this process's memory, for
# facts about this machine (its storage), which another machine's answer must not stand for.
CACHE_URL_PROBLEM = ""  # why CACHE_URL cannot be used; the URL may hold a password
try:
    _default_cache = cache_config(url=env.str("CACHE_URL", default="") or DEFAULT_CACHE_URL)
except CacheUrlError as exc:
    CACHE_URL_PROBLEM = str(exc)
    _default_cache = cache_config(url=DEFAULT_CACHE_URL)  # unused: the entry points refuse
CACHES: dict[str, dict[str, Any]] = {
    "default": _default_cache,
    "local": {"BACKEND": LOCMEM_BACKEND, "LOCATION": "fastopp-local"},
}

# --- Passwords and sessions ----------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 24 * 14)
# A reset link works once, and for this long (seconds).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)

# --- Sign-in throttling (django-axes; README, "Accounts") -------------------------
# Two rules, both counted over the last LOGIN_LOCKOUT_MINUTES: failures for one email from
# one address (someone guessing a password), and failures from one address whatever the
# email (someone trying many accounts). accounts.lockout gives each rule its own limit.
LOGIN_FAILURES_PER_EMAIL_AND_IP = env.int("LOGIN_FAILURES_PER_EMAIL_AND_IP", default=5)
LOGIN_FAILURES_PER_IP = env.int("LOGIN_FAILURES_PER_IP", default=20)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
AXES_HANDLER = "accounts.lockout.LoginLockoutHandler"  # the database handler, two limits
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_EMAIL_AND_IP
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
# A sign-in refused during a lockout does not restart the wait, so the page's "try again
# in N minutes" holds even for someone who keeps trying.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True  # the signed-in email's failures from that address only
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field; it holds the email
AXES_USERNAME_CALLABLE = "accounts.lockout.login_email"
# The address the server was given (accounts.access.client_ip), never a request header.
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.login_client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429

# Bad API bearer tokens (personal or OPS_TOKEN) from one address: after this many within
# API_TOKEN_LOCKOUT_MINUTES every bearer call from it answers 429 until the window ends.
# Counted in the "default" cache: set CACHE_URL=redis://... when more than one process serves.
API_TOKEN_FAILURES_PER_IP = env.int("API_TOKEN_FAILURES_PER_IP", default=5)
API_TOKEN_LOCKOUT_MINUTES = env.int("API_TOKEN_LOCKOUT_MINUTES", default=15)
# Password-reset requests from one address within LOGIN_LOCKOUT_MINUTES (then 429), and
# reset mails to one address per hour (more are dropped without a word, so the page never
# tells whether an account exists).
PASSWORD_RESETS_PER_IP = env.int("PASSWORD_RESETS_PER_IP", default=5)
PASSWORD_RESET_MAILS_PER_EMAIL = env.int("PASSWORD_RESET_MAILS_PER_EMAIL", default=3)

# --- Email (password reset) --------------------------------------------------------
# EMAIL_URL: smtp+tls://user:password@smtp.example.com:587 in production; the default
# prints mail to the console (a deploy check warns about that when DEBUG is off).
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://")
EMAIL_URL_PROBLEM = ""  # why EMAIL_URL cannot be used; the URL may hold a password
try:
    _email: dict[str, Any] = env.email_url_config(EMAIL_URL)
except ImproperlyConfigured:
    EMAIL_URL_PROBLEM = (
        "EMAIL_URL has a scheme django-environ does not know (smtp, smtp+tls, consolemail...)"
    )
    _email = env.email_url_config("consolemail://")  # unused: the entry points refuse
EMAIL_BACKEND: str = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL", False))
# Django's default is no timeout: a stuck SMTP server would hold the request forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="FastOpp Django <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files and uploads --------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/uploads/"
MEDIA_ROOT = Path(env.str("UPLOAD_DIR", default=str(BASE_DIR / "uploads")))
if not MEDIA_ROOT.is_absolute():
    MEDIA_ROOT = (BASE_DIR / MEDIA_ROOT).resolve()

STORAGE_TYPE = env.str("STORAGE_TYPE", default="filesystem").lower()

_default_storage: dict[str, Any] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
}
if STORAGE_TYPE == "s3":
    from botocore.config import Config as BotoConfig

    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "access_key": env.str("S3_ACCESS_KEY", default=""),
            "secret_key": env.str("S3_SECRET_KEY", default=""),
            "bucket_name": env.str("S3_BUCKET", default=""),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="us-east-1"),
            "custom_domain": env.str("S3_CDN_URL", default="").removeprefix("https://") or None,
            "location": env.str("S3_PREFIX", default="uploads"),
            "addressing_style": "path",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": env.bool("S3_QUERYSTRING_AUTH", default=False),
            # With a client_config django-storages ignores addressing_style, so it is set here
            # too; boto3 >= 1.36 sends checksum headers some S3-compatible stores reject.
            "client_config": BotoConfig(
                s3={"addressing_style": "path"},
                signature_version="s3v4",
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        },
    }

# Uploaded-file backups (`manage.py backup_files`, POST /admin/backup-files); each value
# falls back to the S3_* one, so one bucket serves both unless told otherwise.
BACKUP_S3_ACCESS_KEY = env.str("BACKUP_S3_ACCESS_KEY", default=env.str("S3_ACCESS_KEY", default=""))
BACKUP_S3_SECRET_KEY = env.str("BACKUP_S3_SECRET_KEY", default=env.str("S3_SECRET_KEY", default=""))
BACKUP_S3_BUCKET = env.str("BACKUP_S3_BUCKET", default=env.str("S3_BUCKET", default=""))
BACKUP_S3_ENDPOINT_URL = env.str(
    "BACKUP_S3_ENDPOINT_URL", default=env.str("S3_ENDPOINT_URL", default="")
)
BACKUP_S3_REGION = env.str("BACKUP_S3_REGION", default=env.str("S3_REGION", default="us-east-1"))
BACKUP_S3_PREFIX = env.str("BACKUP_S3_PREFIX", default="backups/uploads")
# Database backups (`manage.py backupdb --bucket`) go to the same bucket under their own
# prefix; after each upload only the BACKUP_KEEP newest copies stay.
BACKUP_DB_PREFIX = env.str("BACKUP_DB_PREFIX", default="backups/db")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=7)

STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            # WhiteNoise's CompressedManifestStaticFilesStorage, minus the 500 on a
            # name missing from the manifest (fastopp_site.static).
            "fastopp_site.static.LenientManifestStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0
# Fixed at import: test runners flip DEBUG off later, yet still serve from the source folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Request bodies: Django's limit covers form fields; the ASGI guard in asgi.py caps the
# whole body before Django reads it.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=6 * 1024 * 1024)
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=5 * 1024 * 1024)

# --- Background tasks (django-tasks; the same setting name as Django 6) --------
# TASKS_BACKEND says where queued tasks run: "database" (the default: stored in the database,
# run by `manage.py run_worker`), "thread" (stored in the database, run by a background
# thread inside each web process, for hosts that cannot run a worker), "immediate" (stored
# in the database, run inside the request that queues it) or "rq" (Redis, run by
# `manage.py rqworker`; pip install django-tasks-rq). The API, GET /api/tasks/{id} and
# /health's queue figures are the same in the first three; rq has no database queue figures.
TASK_BACKEND_CLASSES = {
    "database": "django_tasks_db.DatabaseBackend",
    "thread": "platform_ops.task_backends.ThreadBackend",
    "immediate": "platform_ops.task_backends.ImmediateBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database").lower()
TASK_QUEUES = ["default", "reports", "ops", "chat"]
TASKS = {
    "default": {
        # An unknown name is refused at start-up (fastopp_site.startup); this keeps imports working.
        "BACKEND": TASK_BACKEND_CLASSES.get(TASKS_BACKEND, TASK_BACKEND_CLASSES["database"]),
        "QUEUES": TASK_QUEUES,
    },
}
TASKS_REDIS_URL = env.str("TASKS_REDIS_URL", default="redis://127.0.0.1:6379/0")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS.append("django_rq")  # its rqworker command and the backend's checks
    # rq's worker keeps a finished job's result for 500 s (GET /api/tasks/{id} then says 404).
    RQ_QUEUES = {name: {"URL": TASKS_REDIS_URL} for name in TASK_QUEUES}
# The thread runner's idle poll: tasks queued in this process wake it at once; the poll
# picks up tasks queued elsewhere (another process, or re-queued by recovery).
TASK_RUNNER_POLL_SECONDS = env.float("TASK_RUNNER_POLL_SECONDS", default=2.0)
# On shutdown the runner lets its current task finish for this long (under gunicorn's 30 s).
TASK_RUNNER_SHUTDOWN_SECONDS = env.float("TASK_RUNNER_SHUTDOWN_SECONDS", default=20.0)

# --- Chat (OpenRouter or any OpenAI-compatible server) --------------------------
OPENROUTER_API_KEY = env.str("OPENROUTER_API_KEY", default="")
OPENROUTER_LLM_MODEL = env.str(
    "OPENROUTER_LLM_MODEL", default="meta-llama/llama-3.3-70b-instruct:free"
)
OPENROUTER_BASE_URL = env.str("OPENROUTER_BASE_URL", default="https://openrouter.ai/api/v1")
CHAT_BACKEND = env.str("CHAT_BACKEND", default="")  # class path; empty = by OPENROUTER_API_KEY
# Every chat message can cost money: limits are checked before the upstream is called.
CHAT_REQUIRE_LOGIN = env.bool("CHAT_REQUIRE_LOGIN", default=False)
CHAT_RATE_LIMIT_USER_PER_MINUTE = env.int("CHAT_RATE_LIMIT_USER_PER_MINUTE", default=10)
CHAT_RATE_LIMIT_IP_PER_MINUTE = env.int("CHAT_RATE_LIMIT_IP_PER_MINUTE", default=20)
CHAT_DAILY_QUOTA = env.int("CHAT_DAILY_QUOTA", default=200)  # per user, or per IP when anonymous
CHAT_MAX_MESSAGE_CHARS = env.int("CHAT_MAX_MESSAGE_CHARS", default=4000)
CHAT_MAX_TOKENS = env.int("CHAT_MAX_TOKENS", default=1000)
CHAT_TEMPERATURE = env.float("CHAT_TEMPERATURE", default=0.7)
CHAT_HISTORY_CHARS = env.int("CHAT_HISTORY_CHARS", default=12000)
CHAT_CONNECT_TIMEOUT = env.float("CHAT_CONNECT_TIMEOUT", default=5.0)
CHAT_READ_TIMEOUT = env.float("CHAT_READ_TIMEOUT", default=60.0)  # longest silence between chunks
CHAT_TOTAL_TIMEOUT = env.float("CHAT_TOTAL_TIMEOUT", default=180.0)
CHAT_RETRIES = env.int("CHAT_RETRIES", default=2)  # on 429/502/503, only before the first token
CHAT_HEARTBEAT_SECONDS = env.float("CHAT_HEARTBEAT_SECONDS", default=10.0)
CHAT_OFFLINE_WORD_DELAY = env.float("CHAT_OFFLINE_WORD_DELAY", default=0.03)
CHAT_APP_URL = env.str("CHAT_APP_URL", default="https://github.com/Oppkey/fastopp")
CHAT_APP_TITLE = env.str("CHAT_APP_TITLE", default="FastOpp Django")

# --- Operations ------------------------------------------------------------------
OPS_TOKEN = env.str("OPS_TOKEN", default="")


def _platform_detect() -> str:
    # Each host sets its own marker; this is the only place that reads them.
    if env.str("LEAPCELL_APP_NAME", default="") or env.str("LEAPCELL_ENVIRONMENT", default=""):
        return "leapcell"
    if env.str("FLY_APP_NAME", default=""):
        return "fly"
    if env.str("RAILWAY_ENVIRONMENT", default=""):
        return "railway"
    if env.str("RENDER", default=""):
        return "render"
    return "local"


PLATFORM = _platform_detect()
# Workers started by `manage.py run_worker` record a heartbeat; a RUNNING task whose
# worker has been silent for TASK_WORKER_STALE_SECONDS is re-queued (or failed after
# TASK_MAX_ATTEMPTS attempts), so a killed worker never leaves a task stuck.
TASK_HEARTBEAT_SECONDS = env.float("TASK_HEARTBEAT_SECONDS", default=5.0)
TASK_WORKER_STALE_SECONDS = env.float("TASK_WORKER_STALE_SECONDS", default=30.0)
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=3)
TASK_RECOVER_EVERY_SECONDS = env.float("TASK_RECOVER_EVERY_SECONDS", default=15.0)
REPORT_STATEMENT_TIMEOUT_MS = env.int("REPORT_STATEMENT_TIMEOUT_MS", default=60_000)
# PostgreSQL parallel workers per report query (max_parallel_workers_per_gather). With the
# server's default of 2, one report takes every core of a small host and the site's own
# queries wait behind it (docs/COMPARISON.md, S3); 0 keeps a report on one core.
REPORT_PARALLEL_WORKERS = env.int("REPORT_PARALLEL_WORKERS", default=0)
EMERGENCY_LOGIN_MINUTES = env.int("EMERGENCY_LOGIN_MINUTES", default=10)

# --- Security headers (checked by `manage.py check --deploy`) -------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Django looks for its security middleware by dotted path; the project's subclasses are
# checked by fastopp_site.checks instead, which reruns every dependent check.
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]
# Content-Security-Policy (django-csp), the same in every environment so tests see what
# production sends: scripts, styles and fonts only from this site's own files, no inline
# script, no inline style, no eval (Alpine is its CSP build). The README's
# "Content-Security-Policy" section says how to allow another source.
CONTENT_SECURITY_POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # templates hand the token to htmx; no script reads the cookie
if not DEBUG:
    # Platforms terminate TLS at their proxy and say so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Platform health checks arrive over plain HTTP from inside the network: they are
    # answered before this redirect (fastopp_site.probes), so no exemption is needed here.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# The client address behind the platform's proxy: gunicorn and uvicorn read this same
# variable and believe X-Forwarded-For only from these peers (taking the right-most entry
# that is not one of them). Read here for the deploy check that refuses "*" (README).
FORWARDED_ALLOW_IPS = env.str("FORWARDED_ALLOW_IPS", default="127.0.0.1,::1")

# --- Logging -------------------------------------------------------------------
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # Every record the console writes has the configured secrets taken out (core.redaction).
    "filters": {"redact_secrets": {"()": "core.redaction.RedactSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's defaults give "django" handlers of its own (a DEBUG console, mail_admins)
        # that would write its records unfiltered; they go to the root's console instead.
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        # httpx logs every upstream request URL at INFO; chat volume would drown the log.
        "httpx": {"level": "WARNING"},
        # django-axes logs each sign-in at INFO; its WARNINGs (failures, lockouts) stay.
        "axes": {"level": "WARNING"},
    },
}
