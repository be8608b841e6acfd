"""Settings for dangjian, read from the environment (see README, "Configuration")."""

import json
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from dangjian.core.env import data_dir, ensure_folder, env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("DANGJIAN_DEBUG")
ALLOWED_HOSTS = env_list("DANGJIAN_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DANGJIAN_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "axes",
    "dangjian.core",
    "dangjian.edge",
    "dangjian.accounts",
    "dangjian.orgs",
    "dangjian.members",
    "dangjian.study",
    "dangjian.library",
    "dangjian.notices",
    "dangjian.care",
    "dangjian.rights",
    "dangjian.evaluation",
    "dangjian.compliance",
    "dangjian.development",
    "dangjian.dues",
    "dangjian.ops",
    "dangjian.web",
    "dangjian.demo",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Pages go out compressed (Django pads the gzip output against BREACH); static files are
    # compressed ahead of time by WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dangjian.core.middleware.RetryAfterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangjian.core.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dangjian.core.middleware.AuditContextMiddleware",
    "dangjian.config.errors.ErrorMiddleware",
    "dangjian.accounts.middleware.PasswordChangeRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangjian.config.urls"
WSGI_APPLICATION = "dangjian.config.wsgi.application"
# Every form widget wears the design system's classes (form-control, form-select…).
FORM_RENDERER = "dangjian.edge.forms.Renderer"

# The API docs page uses Django Ninja's bundled Swagger UI files (templates and static files), not a
# CDN. They are found without importing the package: as an installed app, `ninja` (and pydantic with
# it) would be imported by every process as it starts, whether it serves the API or not.
NINJA_DIR = Path(find_spec("ninja").origin).parent  # type: ignore[union-attr, arg-type]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dangjian.web.context_processors.navigation",
            ],
            # The interface's components ({% icon %}, {% tile %}, {% empty %}…) on every template.
            "builtins": ["dangjian.edge.templatetags.ui"],
        },
    },
]


def _databases() -> dict:
    if url := env_str("DATABASE_URL"):
        # A kept connection is tested before a request uses it, so a restarted database server costs no errors.
        return {
            "default": dj_database_url.parse(
                url, conn_max_age=env_int("DANGJIAN_DB_CONN_MAX_AGE", 60), conn_health_checks=True
            )
        }
    return {
        "default": {
            "ENGINE": "dangjian.core.sqlite",  # Django's, able to read a read-only folder
            "NAME": DATA_DIR / "dangjian.sqlite3",
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
                # BEGIN so two writers queue on busy_timeout instead of failing mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "dangjian.accounts.backends.ScopeBackend",  # user.has_perm(Perm.X[, org]) answers from the scope
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "dangjian.accounts.validators.PersonalDataValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failed logins (django-axes), per account and address.
AXES_FAILURE_LIMIT = env_int("DANGJIAN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("DANGJIAN_LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dangjian.accounts.views.locked_out"
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy: name it (addresses or networks) so that the
# client's own address is read from the header it sets; lock-out then keys on account + real address.
DANGJIAN_TRUSTED_PROXIES = env_list("DANGJIAN_TRUSTED_PROXIES", "")
DANGJIAN_CLIENT_IP_HEADER = env_str("DANGJIAN_CLIENT_IP_HEADER", "X-Forwarded-For")
AXES_CLIENT_IP_CALLABLE = "dangjian.core.clientip.client_ip"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_SECURE = env_bool("DANGJIAN_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
# HTTP Strict Transport Security, off unless asked for; sent only on HTTPS requests. Behind a proxy that
# ends TLS, name the header it sets (e.g. X-Forwarded-Proto) so that Django knows a request was HTTPS.
SECURE_HSTS_SECONDS = env_int("DANGJIAN_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DANGJIAN_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("DANGJIAN_HSTS_PRELOAD")
if _proto_header := env_str("DANGJIAN_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proto_header.upper().replace("-", "_"), "https")
# Answer a plain-HTTP request with a redirect to HTTPS (the reverse proxy usually does this already;
# behind one, DANGJIAN_PROXY_SSL_HEADER must be set too, or every request looks like plain HTTP).
SECURE_SSL_REDIRECT = env_bool("DANGJIAN_SSL_REDIRECT")
# HSTS preload is a decision for the whole registered domain (the university's), made by whoever runs it
# and submitted for that domain; the platform runs on one host name of it, so `check --deploy` does not
# ask for it (DANGJIAN_HSTS_PRELOAD still adds it to the header where wanted).
SILENCED_SYSTEM_CHECKS = ["security.W021"]

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DANGJIAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [NINJA_DIR / "static"]  # ninja/swagger-ui-bundle.js, … for the API docs page
# Collected static files: in the data folder unless named (a container image collects them at build).
STATIC_ROOT = Path(env_str("DANGJIAN_STATIC_ROOT") or DATA_DIR / "static").resolve()
ensure_folder(STATIC_ROOT)  # WhiteNoise warns about a missing folder
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
# Uploaded files go through Django's storage API: the data folder by default; a deployment may
# name another backend (e.g. django-storages' S3 storage) and its options as JSON.
STORAGES = {
    "default": {
        "BACKEND": env_str("DANGJIAN_FILE_STORAGE", "dangjian.core.storage.DataFolderStorage"),
        "OPTIONS": json.loads(env_str("DANGJIAN_FILE_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# `serve` runs collectstatic, so WhiteNoise serves the compressed copies; set this for `runserver`.
WHITENOISE_USE_FINDERS = env_bool("DANGJIAN_STATIC_FROM_APPS", DEBUG)

_redis_url = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}
        if _redis_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Uploads: the roster import refuses anything larger.
DANGJIAN_IMPORT_MAX_BYTES = env_int("DANGJIAN_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Reading an uploaded Office file, PDF or workbook (dangjian.core.files): the most its parts may unpack
# to, and the memory and seconds the child process that reads it may use.
DANGJIAN_READ_MAX_UNPACKED_MB = env_int("DANGJIAN_READ_MAX_UNPACKED_MB", 256)
DANGJIAN_READ_MEMORY_MB = env_int("DANGJIAN_READ_MEMORY_MB", 1024)
DANGJIAN_READ_SECONDS = env_int("DANGJIAN_READ_SECONDS", 60)

# Study materials: the largest upload accepted.
DANGJIAN_LIBRARY_MAX_BYTES = env_int("DANGJIAN_LIBRARY_MAX_BYTES", 50 * 1024 * 1024)
# Minutes of active reading a day that count as self-study (domain.md §2: a daily cap is common).
DANGJIAN_READING_DAILY_CAP_MINUTES = env_int("DANGJIAN_READING_DAILY_CAP_MINUTES", 60)

# Member care: working days the organisation above has to answer an appeal (local practice; see rights/rules.py),
# and the early warning's thresholds, as JSON overriding compliance/rules/warning.py's defaults, e.g.
# {"absence_threshold": 4, "life_warning_days": 60}.
DANGJIAN_APPEAL_ANSWER_WORKING_DAYS = env_int("DANGJIAN_APPEAL_ANSWER_WORKING_DAYS", 20)
DANGJIAN_EARLY_WARNING = json.loads(env_str("DANGJIAN_EARLY_WARNING", "{}"))

# Background work (text extraction of long documents) through Django's tasks framework, kept in
# the database and run by `dangjian worker` (`dangjian serve` starts and supervises one beside the server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Backups (`dangjian backup`, `dangjian restore`; docs/backup.md): the folder archives go to (better on
# another disk than the data folder), and nightly backups on the background worker, off unless turned on,
# keeping the newest of each of the last N days and of each of the last M months.
DANGJIAN_BACKUP_DIR = Path(env_str("DANGJIAN_BACKUP_DIR") or DATA_DIR / "backups").resolve()
DANGJIAN_BACKUP_NIGHTLY = env_bool("DANGJIAN_BACKUP_NIGHTLY")
DANGJIAN_BACKUP_KEEP_DAILY = env_int("DANGJIAN_BACKUP_KEEP_DAILY", 7)
DANGJIAN_BACKUP_KEEP_MONTHLY = env_int("DANGJIAN_BACKUP_KEEP_MONTHLY", 12)

# API bearer tokens live this many days.
DANGJIAN_API_TOKEN_DAYS = env_int("DANGJIAN_API_TOKEN_DAYS", 30)
# A member's calendar feed link (revocable) lives this many days; a new one can be made at any time.
DANGJIAN_CALENDAR_FEED_DAYS = env_int("DANGJIAN_CALENDAR_FEED_DAYS", 365)

# E-mail, for the optional daily digest of a person's to-dos and unread notices (off unless the person turns it
# on). SMTP when DANGJIAN_EMAIL_HOST is set; otherwise e-mail is not configured, nothing is sent, and
# Django's console backend catches anything else (set DANGJIAN_EMAIL_BACKEND=console to see the digests
# on the console, e.g. in the demo). Links in the mail start with DANGJIAN_SITE_URL (https://dangjian.example.edu.cn).
DANGJIAN_EMAIL_HOST = env_str("DANGJIAN_EMAIL_HOST")
_email_backend = env_str("DANGJIAN_EMAIL_BACKEND", "smtp" if DANGJIAN_EMAIL_HOST else "")
DANGJIAN_EMAIL_ENABLED = _email_backend in {"smtp", "console"}
if _email_backend == "smtp":
    _email_ssl = env_bool("DANGJIAN_EMAIL_USE_SSL")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": DANGJIAN_EMAIL_HOST or "localhost",
                "port": env_int("DANGJIAN_EMAIL_PORT", 465 if _email_ssl else 587),
                "username": env_str("DANGJIAN_EMAIL_USER"),
                "password": env_str("DANGJIAN_EMAIL_PASSWORD"),
                "use_ssl": _email_ssl,
                "use_tls": not _email_ssl and env_bool("DANGJIAN_EMAIL_USE_TLS", True),
                "timeout": env_int("DANGJIAN_EMAIL_TIMEOUT", 20),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DANGJIAN_EMAIL_FROM", env_str("DANGJIAN_EMAIL_USER") or "dangjian@localhost")
DANGJIAN_SITE_URL = env_str("DANGJIAN_SITE_URL").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DANGJIAN_LOG_LEVEL", "WARNING")},
}
