"""Mahatat settings: one module, driven by the environment.

The defaults are the embedded single machine: SQLite in ./data, jobs run in-process, an in-memory channel
layer, files on the local disk, e-mail and SMS written to ./data/outbox. Production sets MAHATAT_ENV=production
and the variables listed in docs/deployment.md; it refuses to start without a real SECRET_KEY and PII keys.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


MAHATAT_ENV = env("MAHATAT_ENV", "development")
if MAHATAT_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("MAHATAT_ENV must be development, test or production.")
PRODUCTION = MAHATAT_ENV == "production"

DATA_DIR = Path(env("MAHATAT_DATA_DIR", str(BASE_DIR / "data")))


def _local_secret(name: str, nbytes: int = 32) -> str:
    """A secret for the embedded default: made once, kept in ./data (never in the repo)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f".{name}"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


def _required_secret(name: str, *, min_length: int = 32) -> str:
    value = env(name)
    if PRODUCTION:
        if len(value) < min_length or value.startswith("django-insecure") or len(set(value)) < 5:
            raise ImproperlyConfigured(
                f"{name} must be set to a long random value (at least {min_length} characters) in production."
            )
        return value
    return value or _local_secret(name.lower())


SECRET_KEY = _required_secret("SECRET_KEY", min_length=50)
# Keys for personal data at rest: Fernet keys (comma-separated; the first encrypts, all decrypt, so keys rotate)
# and a separate key for the keyed hash that finds a national number without decrypting every row.
PII_ENCRYPTION_KEYS = env_list("PII_ENCRYPTION_KEYS")
PII_HASH_KEY = _required_secret("PII_HASH_KEY")
if not PII_ENCRYPTION_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("PII_ENCRYPTION_KEYS must be set in production (see docs/deployment.md).")
    PII_ENCRYPTION_KEYS = [_local_secret("pii_fernet_seed")]

# The ledger: the Ed25519 private key that signs its checkpoints (32 random bytes, base64), required in production
# like the PII keys; and the public keys (base64, comma-separated) of earlier signing keys, so that checkpoints
# they signed still verify after a rotation (docs/deployment.md).
LEDGER_SIGNING_KEY = _required_secret("LEDGER_SIGNING_KEY", min_length=43)
_ledger_key = LEDGER_SIGNING_KEY.strip().rstrip("=").replace("+", "-").replace("/", "_")
try:
    _ledger_key_bytes = base64.urlsafe_b64decode(_ledger_key + "=" * (-len(_ledger_key) % 4))
except ValueError:
    _ledger_key_bytes = b""
if len(_ledger_key_bytes) != 32:
    raise ImproperlyConfigured("LEDGER_SIGNING_KEY must be 32 random bytes, base64 (docs/deployment.md).")
LEDGER_VERIFY_KEYS = env_list("LEDGER_VERIFY_KEYS")

# How many reverse proxies (nginx, a load balancer) stand in front of the app servers and add X-Forwarded-For.
NUM_PROXIES = int(env("NUM_PROXIES", "1" if PRODUCTION else "0"))

DEBUG = env_bool("DEBUG", default=not PRODUCTION and MAHATAT_ENV != "test")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address of the site, for links that leave it: SMS and e-mail messages, QR codes on certificates.
SITE_URL = env("SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be the site's public https:// address (docs/deployment.md).")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
# Training: how long a seat offered from the waitlist is held for the citizen before it passes on.
TRAINING_OFFER_HOURS = int(env("TRAINING_OFFER_HOURS", "24"))

INSTALLED_APPS = [
    "mahatat.core",
    "mahatat.stations",
    "mahatat.accounts",
    "mahatat.training",
    "mahatat.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "template_partials",
    "simple_history",
    "django_celery_beat",
    "channels",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mahatat.accounts.middleware.PreferredLanguageMiddleware",
    "mahatat.accounts.middleware.StaffMFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mahatat.urls"
WSGI_APPLICATION = "mahatat.wsgi.application"
ASGI_APPLICATION = "mahatat.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mahatat.core.context_processors.site",
                "mahatat.accounts.context_processors.navigation",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------------------

DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'mahatat.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(env("DB_CONN_MAX_AGE", "0")))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN, so a
    # check-then-insert inside atomic() cannot interleave with another writer's (see docs/architecture.md).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    DATA_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, jobs, channels ----------------------------------------------------------------------------------

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mahatat"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TIMEZONE = "Asia/Amman"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs; beat copies them into django-celery-beat's tables, where operators can change them.
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {"task": "mahatat.core.tasks.clear_expired_sessions", "schedule": 60 * 60 * 24},
    # Sign the ledger's head once a day (Amman time); a second run on the same day makes nothing.
    "ledger-daily-checkpoint": {
        "task": "mahatat.core.tasks.make_daily_ledger_checkpoint",
        "schedule": crontab(hour=0, minute=30),
    },
    # Training: end the seat offers that ran out and pass each seat to the next person.
    "training-expire-offers": {"task": "mahatat.training.expire_offers", "schedule": 5 * 60},
    # Training: ask graduates 3 and 6 months after completing what became of them (a second run makes nothing).
    "training-outcome-follow-ups": {
        "task": "mahatat.training.create_follow_ups",
        "schedule": crontab(hour=10, minute=0),
    },
}

# --- Auth ---------------------------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "mahatat.accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
# Citizens sign up with their mobile number (nearly everyone has one; many have no e-mail); e-mail is optional.
ACCOUNT_SIGNUP_FIELDS = ["phone*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_PHONE_VERIFICATION_ENABLED = env_bool("ACCOUNT_PHONE_VERIFICATION_ENABLED", default=False)
# SMS codes are six digits: typed on a phone's number pad (the code fields ask for numbers).
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up says plainly when an e-mail or mobile number is already registered (the issue asks for a clear message
# next to the field); the sign-up and login rate limits below bound how fast anyone can probe.
ACCOUNT_PREVENT_ENUMERATION = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "change_password": "5/m/user",
}
ACCOUNT_FORMS = {"signup": "mahatat.accounts.forms.SignupForm", "login": "mahatat.accounts.forms.LoginForm"}
# Code fields that also accept Arabic-Indic digits (what an Arabic phone keyboard types).
MFA_FORMS = {
    "authenticate": "mahatat.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "mahatat.accounts.forms.MFAReauthenticateForm",
    "activate_totp": "mahatat.accounts.forms.ActivateTOTPForm",
}
MFA_ADAPTER = "mahatat.accounts.mfa_adapter.MFAAdapter"  # TOTP secrets encrypted with the PII keys
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mahatat"
MFA_RECOVERY_CODE_COUNT = 10

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The Django admin has no login of its own (urls.py sends it to the site's sign-in, which asks staff for their
# TOTP code), so axes guards that one sign-in page, per login (e-mail or mobile, normalised) and address.
AXES_ONLY_ADMIN_SITE = False
AXES_USERNAME_CALLABLE = "mahatat.accounts.lockout.login_identifier"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
# Behind nginx the client's address is the last hop the proxies add to X-Forwarded-For; every rate limit,
# lockout and personal-data access log uses the same count of trusted proxies (mahatat.core.client_ip).
ALLAUTH_TRUSTED_PROXY_COUNT = NUM_PROXIES
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if NUM_PROXIES else ("REMOTE_ADDR",)
)

# --- Internationalisation ------------------------------------------------------------------------------------

LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "mahatat_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Amman"
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))

_default_storage: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if env("S3_BUCKET"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "access_key": env("S3_ACCESS_KEY_ID"),
            "secret_key": env("S3_SECRET_ACCESS_KEY"),
            "region_name": env("S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail and SMS ------------------------------------------------------------------------------------------

OUTBOX_DIR = DATA_DIR / "outbox"
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = OUTBOX_DIR / "email"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Mahatat <no-reply@mahatat.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SMS_BACKEND = env("SMS_BACKEND", "mahatat.core.sms.FileSMSBackend")
SMS_FILE_PATH = OUTBOX_DIR / "sms"
SMS_HTTP_URL = env("SMS_HTTP_URL")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN")
SMS_SENDER_ID = env("SMS_SENDER_ID", "Mahatat")

# --- API ------------------------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: an anonymous request to a private endpoint gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "mahatat.core.api_pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "EXCEPTION_HANDLER": "mahatat.core.api_errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "anon": "600/min",
        "user": "1200/min",
        "auth_token": env("API_TOKEN_RATE", "20/min"),  # per client address
        "auth_token_login": env("API_TOKEN_LOGIN_RATE", "5/min"),  # per login, from any address
    },
    # Proxies in front of the app whose X-Forwarded-For is trusted for throttling (nginx in production).
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mahatat API",
    "DESCRIPTION": "Knowledge Stations and electronic inspection: public and authenticated endpoints.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No call to the online validator (swagger.io): nothing on the docs page leaves the machine.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "persistAuthorization": False},
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "TAGS": [
        {"name": "stations", "description": "The public station directory."},
        {"name": "me", "description": "The signed-in user's own profile."},
        {"name": "auth", "description": "Tokens for devices (tablets)."},
        {"name": "training", "description": "Courses, enrolment, the waitlist and attendance."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "StationStatusEnum": "mahatat.stations.api.PUBLIC_STATUSES",
        "LanguageEnum": "mahatat.accounts.models.Language",
        "RoleEnum": "mahatat.accounts.models.Role",
        "CohortStatusEnum": "mahatat.training.models.Cohort.Status",
        "EnrolmentStatusEnum": "mahatat.training.models.Enrolment.Status",
        "EnrolmentOutcomeEnum": "mahatat.training.models.Enrolment.Outcome",
        "AttendanceStatusEnum": "mahatat.training.models.Attendance.Status",
        "TopicEnum": "mahatat.training.models.Topic",
        "TargetGroupEnum": "mahatat.training.models.TargetGroup",
        "GenderEnum": "mahatat.accounts.models.Gender",
        "IdTypeEnum": "mahatat.accounts.identity.IdentityDocumentType",
    },
}

# --- Site ----------------------------------------------------------------------------------------------------

MAP_TILE_URL = env("MAP_TILE_URL")  # e.g. https://tiles.example.org/{z}/{x}/{y}.png; empty = no tiles
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION")
SITE_NAME = _("Mahatat")

# --- Security ------------------------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
