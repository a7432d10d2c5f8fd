"""Settings shared by every environment, read from the environment (see docs/operations.md)."""

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# --- paths -----------------------------------------------------------------------------------

PACKAGE_DIR = Path(__file__).resolve().parents[2]
# var/ holds what a running portal writes: the SQLite file, the generated key, mail, uploads.
VAR_DIR = Path(os.environ.get("KABINET_VAR_DIR", Path.cwd() / "var")).resolve()


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_count(name: str, default: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number of 0 or more, not {value!r}.")
    return int(value)


def development_secret_key() -> str:
    """Return the key kept under var/, creating it on first use (development only)."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# --- core ------------------------------------------------------------------------------------

SECRET_KEY = os.environ.get("KABINET_SECRET_KEY") or development_secret_key()
DEBUG = env_flag("KABINET_DEBUG", default=False)
ALLOWED_HOSTS = env_list("KABINET_ALLOWED_HOSTS", "localhost,127.0.0.1")
SITE_URL = os.environ.get("KABINET_SITE_URL", "http://localhost:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [SITE_URL]
# The client's address, which the Check step's and the API's per-client limits count by: the
# connection's own address unless this many proxies (a load balancer, a TLS terminator) stand
# in front and each appends to X-Forwarded-For. Trusting that header without them would let a
# client name any address it likes and escape the limits.
TRUSTED_PROXY_COUNT = env_count("KABINET_TRUSTED_PROXY_COUNT")
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

INSTALLED_APPS = [
    # ops: first, so that its `createsuperuser` and `db_worker` extend Django's and django-tasks'
    "kabinet.ops",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "django_htmx",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # ops: Swagger UI served from our own static files
    "django_tasks",
    "django_tasks_db",
    "kabinet.audit",
    "kabinet.providers",
    "kabinet.addresses",
    "kabinet.billing",
    "kabinet.metering",
    "kabinet.subscribers",
    "kabinet.quick_readings",
    "kabinet.exchange",
    "kabinet.notifications",
    "kabinet.web",
    "kabinet.backoffice",
    "kabinet.api",
    "kabinet.payments",
    "kabinet.demo",
    "kabinet.outages",  # requests and outages (issue 14)
    "kabinet.requests",
]

MIDDLEWARE = [
    # ops: request id, one JSON log line, metrics; answers /healthz, /readyz, /metrics itself
    "kabinet.ops.middleware.RequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware, with the user read from the cache (issue 12).
    "kabinet.subscribers.session_user.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "kabinet.config.urls"
WSGI_APPLICATION = "kabinet.config.wsgi.application"
SITE_ID = 1

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
            ],
        },
    },
]

# --- database --------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kabinet.sqlite3'}",
        conn_max_age=int(os.environ.get("KABINET_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache: shared by all server processes (throttling of the Check step relies on it) -------

CACHES: dict[str, dict[str, Any]]
if os.environ.get("KABINET_REDIS_URL"):
    CACHES = {
        "default": {
            # Django's RedisCache that answers as an empty cache while Redis restarts, rather
            # than a 500 (kabinet/web/cache.py); short time-outs so a hung Redis costs little.
            "BACKEND": "kabinet.web.cache.ResilientRedisCache",
            "LOCATION": os.environ["KABINET_REDIS_URL"],
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            # Django's database cache, which also deletes expired rows every minute or so.
            "BACKEND": "kabinet.web.cache.PurgingDatabaseCache",
            "LOCATION": "kabinet_cache",
            # Django culls a third of the table past 300 entries; throttle counters (the Check
            # step's, the API's) must not be culled by a flood of other keys, so the ceiling is
            # far above what one town's clients produce.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    }

# --- sessions in the shared cache (issue 7, load; see docs/scaling.md) -----------------------
# KABINET_SESSIONS=cache keeps sessions only in Redis (a Redis restart signs everyone out);
# KABINET_SESSIONS=cached_db reads them from Redis and writes them to the database too.
# Both need KABINET_REDIS_URL; without it, or unset, sessions stay in the database.
if os.environ.get("KABINET_REDIS_URL") and os.environ.get("KABINET_SESSIONS") in (
    "cache",
    "cached_db",
):
    SESSION_ENGINE = f"django.contrib.sessions.backends.{os.environ['KABINET_SESSIONS']}"
# A signed-in request reads its user from the shared cache instead of the users table, for
# this many seconds after the first read; any save or delete of the user drops the copy
# (kabinet/subscribers/session_user.py). Only with Redis: with the database cache a cache read
# is a query too. KABINET_USER_CACHE_SECONDS=0 turns it off.
USER_CACHE_SECONDS = (
    env_count("KABINET_USER_CACHE_SECONDS", 300) if os.environ.get("KABINET_REDIS_URL") else 0
)

# Providers listed on every Check step are kept in each process this long (issue 12).
PROVIDER_CACHE_SECONDS = env_count("KABINET_PROVIDER_CACHE_SECONDS", 30)

# --- languages and time ----------------------------------------------------------------------

LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", _("Ukrainian")), ("ru", _("Russian")), ("en", _("English"))]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Kyiv"
LOCALE_PATHS: list[Path] = []  # every app keeps its own catalogue in its locale/ folder

# --- static and uploaded files ---------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
# Files no URL serves (requests' attachments): read only through access-checked views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("KABINET_PRIVATE_MEDIA_DIR") or VAR_DIR / "private")
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- mail ------------------------------------------------------------------------------------

MAIL_DIR = os.environ.get("KABINET_MAIL_DIR", "")
SMTP_URL = os.environ.get("KABINET_SMTP_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("KABINET_FROM_EMAIL", "Kabinet <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if MAIL_DIR:
    EMAIL_BACKEND = "kabinet.notifications.mail.EmlFileBackend"
    EMAIL_FILE_PATH = MAIL_DIR
elif SMTP_URL:
    _smtp = urlsplit(SMTP_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp.hostname or "localhost"
    EMAIL_PORT = _smtp.port or 25
    EMAIL_HOST_USER = unquote(_smtp.username or "")
    EMAIL_HOST_PASSWORD = unquote(_smtp.password or "")
    EMAIL_USE_SSL = _smtp.scheme == "smtps"
    EMAIL_USE_TLS = _smtp.scheme == "smtp+tls"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# ops: mail sent and failed are counted (kabinet/ops/mail.py), then handed to the backend above.
OPS_MAIL_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "kabinet.ops.mail.CountingBackend"

# --- background tasks ------------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- authentication (django-allauth) ---------------------------------------------------------

AUTH_USER_MODEL = "subscribers.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/cabinet/"
LOGOUT_REDIRECT_URL = "/"
# Argon2id at OWASP's minimum by default (about 30 ms of CPU a check); PBKDF2 hashes made
# before are checked and rehashed with Argon2id on the next sign-in (docs/operations.md).
PASSWORD_HASHERS = [
    "kabinet.subscribers.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
ARGON2_MEMORY_KIB = env_count("KABINET_ARGON2_MEMORY_KIB", 19 * 1024)
ARGON2_TIME_COST = env_count("KABINET_ARGON2_TIME_COST", 2)
ARGON2_PARALLELISM = env_count("KABINET_ARGON2_PARALLELISM", 1)
if ARGON2_MEMORY_KIB < 19 * 1024 or ARGON2_TIME_COST < 2 or ARGON2_PARALLELISM < 1:
    raise ImproperlyConfigured(
        "Argon2id below OWASP's minimum: KABINET_ARGON2_MEMORY_KIB >= 19456, "
        "KABINET_ARGON2_TIME_COST >= 2, KABINET_ARGON2_PARALLELISM >= 1."
    )
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
# --- registration and sign-in (kabinet.subscribers; see docs/registration.md) ---
ACCOUNT_ADAPTER = "kabinet.subscribers.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "kabinet.subscribers.forms.LoginForm",
    "reset_password": "kabinet.subscribers.forms.ResetPasswordForm",
    "reset_password_from_key": "kabinet.subscribers.forms.ResetPasswordKeyForm",
    "change_password": "kabinet.subscribers.forms.ChangePasswordForm",
    "add_email": "kabinet.subscribers.forms.ChangeEmailForm",
}
# Signed links (HMAC) are single use: they name an address that is no longer unverified once
# opened. A changed address is confirmed again before it replaces the old one.
ACCOUNT_EMAIL_CONFIRMATION_HMAC = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Kabinet: "
AUTH_PASSWORD_VALIDATORS.append(
    {"NAME": "kabinet.subscribers.passwords.HolderNameSimilarityValidator"}
)
# allauth's templates come before our apps in INSTALLED_APPS; the subscribers' overrides of
# them (account/, allauth/layouts/) must win.
TEMPLATES[0]["DIRS"] = [PACKAGE_DIR / "subscribers" / "templates"]

# --- security headers, on every page ---------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
# No script reads these cookies (htmx takes the CSRF token from the page).
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- REST API --------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # ops (API v1): personal access tokens, one error shape, throttles per token and per client.
    "DEFAULT_AUTHENTICATION_CLASSES": ["kabinet.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "kabinet.api.errors.api_exception_handler",
    # DRF's default (None) takes X-Forwarded-For as sent, so a client could pick its own address.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_CLASSES": [
        "kabinet.api.throttles.TokenRateThrottle",
        "kabinet.api.throttles.ClientRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": os.environ.get("KABINET_API_TOKEN_RATE", "120/min"),
        "client": os.environ.get("KABINET_API_CLIENT_RATE", "300/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kabinet API",
    "DESCRIPTION": "Subscribers' and integrators' API of the Kabinet utility portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # ops: Swagger UI from drf-spectacular-sidecar's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- payments (kabinet.payments; see docs/payments.md) ---------------------------------------
# 1: providers without LiqPay keys pay through the portal's own sandbox gateway (demo, tests).
PAYMENTS_SANDBOX = env_flag("KABINET_PAYMENTS_SANDBOX")
LIQPAY_CHECKOUT_URL = "https://www.liqpay.ua/api/3/checkout"
LIQPAY_API_URL = "https://www.liqpay.ua/api/request"

# --- logging: one JSON object a line (kabinet/ops/logs.py; KABINET_LOG_FORMAT=text for people) ---

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "kabinet.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text" if os.environ.get("KABINET_LOG_FORMAT") == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("KABINET_LOG_LEVEL", "INFO")},
}

# --- operations: health, metrics (kabinet.ops; see docs/operations.md) ---------------------


def env_networks(name: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    try:
        return [ipaddress.ip_network(item, strict=False) for item in env_list(name, "")]
    except ValueError as error:
        raise ImproperlyConfigured(f"{name}: {error}") from None


METRICS_TOKEN = os.environ.get("KABINET_METRICS_TOKEN", "")
METRICS_ALLOWED = env_networks("KABINET_METRICS_ALLOWED")
METRICS_DIR = Path(os.environ.get("KABINET_METRICS_DIR") or VAR_DIR / "metrics").resolve()
# /readyz fails when the task worker's last heartbeat (written every 15 s) is older; 0: no check.
WORKER_HEARTBEAT_MAX_AGE = env_count("KABINET_WORKER_HEARTBEAT_MAX_AGE", 60)
