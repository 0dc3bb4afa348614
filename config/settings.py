"""Settings for Styrdok, read from the environment (12-factor).

Development needs nothing: SQLite under ``var/`` and a development secret key.
Production (``DJANGO_ENV=production``) refuses to start without ``SECRET_KEY``.
"""

import datetime
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import shared, sso_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

ENVIRONMENT = env("DJANGO_ENV", default="development")
PRODUCTION = ENVIRONMENT == "production"
TESTING = env.bool("STYRDOK_TESTING", default=False)

if PRODUCTION:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment when DJANGO_ENV=production."
        ) from exc
    DEBUG = env.bool("DEBUG", default=False)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
    DEBUG = env.bool("DEBUG", default=True)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "guardian",
    "axes",
    "viewflow",
    "viewflow.workflow",
    # The mail queue (django-mailer): e-mail is stored in the database and sent by a job
    # (before the project's apps: notifications.admin re-registers its admin).
    "mailer",
    # The project's apps, bottom layer first (docs/architecture.md).
    "audit",
    "org",
    "documents",
    "notifications",
    "workflows",
    "reading",
    "archive",
    "fixtures",
]

# The model audit entries name as their case: a setting, like AUTH_USER_MODEL, so that the
# audit app (the bottom layer) need not import workflows.
STYRDOK_CASE_MODEL = "workflows.Case"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "org.selectors.ActingMemoMiddleware",
    "config.middleware.CurrentRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.SessionTimeoutMiddleware",
    # Sessions from the municipality's provider are renewed there now and then (config.sso).
    "config.sso.ProviderSessionCheck",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "workflows.context_processors.navigation",
                "reading.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite by default; DATABASE_URL (postgres://...) selects PostgreSQL.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'styrdok.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with each statement's text converted to SQLite's style once
    # (config/sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite3"
    # BEGIN IMMEDIATE takes the write lock at the start of each transaction, so
    # concurrent writers queue on the busy timeout instead of failing with
    # "database is locked" when a read transaction tries to upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # A 2 MB page cache (the default) makes every page of a large register a system
            # call; memory-mapped reads and a 64 MB cache per connection serve it from RAM.
            # The map covers up to 2 GB (SQLite's own limit): a search touching pages beyond
            # the first 256 MB of a 1 GB register took twice as long the first time.
            # recursive_triggers: a row that INSERT OR REPLACE (or UPDATE OR REPLACE) deletes
            # fires the delete triggers, so the database's protection of records
            # (documents.protection) holds for it too.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA mmap_size=2147418112; PRAGMA cache_size=-65536; "
                "PRAGMA recursive_triggers=ON;"
            ),
        }
    )
    # In memory, named as such: pytest-django gives each xdist worker a database of its
    # own by suffixing the name, except for an in-memory one, which it recognises by
    # ":memory:" or, with no name, by Django's own engine (this one is config.sqlite3).
    DATABASES["default"].setdefault("TEST", {})["NAME"] = ":memory:"
    # Keep the connection between requests: opening it and running the pragmas above on
    # every request was a large part of a cached page's time under gunicorn.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # JIT compilation costs ~250 ms on the register's search queries and saves nothing
    # on queries of this size.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # The one-word search (config.prepared) is prepared on a connection after this many
    # runs there, the compiled statements (a case step's lock, reads and writes) at their
    # first; Django's own queries never are. "none" turns it off (a pooler in transaction
    # mode before PgBouncer 1.21 cannot keep prepared statements).
    _prepare = env.str("DB_PREPARE_THRESHOLD", default="2")
    DATABASES["default"]["OPTIONS"].setdefault(
        "prepare_threshold", None if _prepare.lower() == "none" else int(_prepare)
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses log-ins while a user name or address is locked out.
    "axes.backends.AxesStandaloneBackend",
    # Passwords, for the people LOCAL_LOGIN allows (config.sso).
    "config.sso.LocalPasswordBackend",
    # The municipality's accounts (OpenID Connect), when OIDC_ENABLED (config.sso).
    "config.sso.OIDCBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row

# Sessions (config.middleware.SessionTimeoutMiddleware): a log-in lasts at most
# SESSION_COOKIE_AGE (a working day, 10 hours) and ends after STYRDOK_SESSION_IDLE_SECONDS
# (2 hours) without a request; closing the browser ends it too.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 3600)
STYRDOK_SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=2 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Single sign-on: the municipality's accounts (OpenID Connect) --------
# mozilla-django-oidc's settings, from the environment (docs/deployment.md). A person is
# matched to an existing active user by one claim (OIDC_MATCH_CLAIM against the user's
# e-mail address or user name, OIDC_MATCH_FIELD); nobody is ever created.
OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
# The provider's end_session_endpoint: log-out ends the session there too (optional).
OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_MATCH_CLAIM = env("OIDC_MATCH_CLAIM", default="email")
OIDC_MATCH_FIELD = env(
    "OIDC_MATCH_FIELD", default="email" if OIDC_MATCH_CLAIM == "email" else "username"
)
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# Kept as the library's defaults say, spelled out so that nobody turns them off: state and
# nonce are checked on every answer, PKCE binds the code to this browser's session.
OIDC_USE_NONCE = True
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_VERIFY_SSL = True
OIDC_ALLOW_UNSECURED_JWT = False
OIDC_CREATE_USER = False
# A session from the provider is renewed there (without a prompt) when this is up.
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env.int("OIDC_RENEW_SECONDS", default=15 * 60)
# The ID token stays in the session as the hint the provider's log-out asks for.
OIDC_STORE_ID_TOKEN = True
# Passwords: "all", "admins-only" (administrators only: the break-glass path) or "none".
# With single sign-on on, only administrators keep them unless said otherwise.
STYRDOK_LOCAL_LOGIN = env("LOCAL_LOGIN", default="admins-only" if OIDC_ENABLED else "all")
sso_settings.check(
    oidc_enabled=OIDC_ENABLED,
    local_login=STYRDOK_LOCAL_LOGIN,
    match_field=OIDC_MATCH_FIELD,
    required={
        "OIDC_OP_AUTHORIZATION_ENDPOINT": OIDC_OP_AUTHORIZATION_ENDPOINT,
        "OIDC_OP_TOKEN_ENDPOINT": OIDC_OP_TOKEN_ENDPOINT,
        "OIDC_OP_USER_ENDPOINT": OIDC_OP_USER_ENDPOINT,
        "OIDC_OP_JWKS_ENDPOINT": OIDC_OP_JWKS_ENDPOINT,
        "OIDC_RP_CLIENT_ID": OIDC_RP_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
    },
)

# --- Client address -------------------------------------------------------
# Behind a reverse proxy every request comes from the proxy. Set TRUSTED_PROXY_COUNT to the
# number of proxies in front of Styrdok that append to X-Forwarded-For; the client address is
# then read from that header (config.client_ip). 0 (the default) uses the connection's address.
STYRDOK_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Log-in throttling (django-axes) --------------------------------------
# After AXES_FAILURE_LIMIT failed log-ins for one user name, or from one address, further
# attempts are refused for AXES_COOLOFF_TIME, with a Swedish page (status 429).
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_VERBOSE = False
# A failed attempt during the lockout does not extend it (the page names when it ends).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media files -----------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Uploaded files are never served from a public URL; downloads go through views
# that check permissions (see documents.views).
MEDIA_URL = "/_protected_media/"
# STORAGE_BACKEND=s3 keeps them in a private S3-compatible bucket instead, for several app
# servers (config.shared; docs/deployment.md).
STORAGES = {
    "default": shared.file_storage(env("STORAGE_BACKEND", default=shared.FILESYSTEM), env.ENVIRON),
    "staticfiles": {
        "BACKEND": (
            "config.storage.ViewflowSafeManifestStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Cache ----------------------------------------------------------------
# Local memory in each process by default. Several app servers share one Redis
# (CACHE_URL=redis://host:6379/0): the API's throttle, the register's cached pages and the
# desk's figures are then the same on every server (config.shared; docs/deployment.md).
CACHES = shared.caches(
    env("CACHE_URL", default=""), key_prefix=env("CACHE_KEY_PREFIX", default="styrdok")
)

# --- E-mail ---------------------------------------------------------------
# Every e-mail goes into the mail queue in the database (django-mailer's DbBackend), in the
# transaction of the change that caused it, whatever sends it (django.core.mail.send_mail,
# EmailMessage.send): nothing is lost when the mail server is down or slow. The job
# ``manage.py send_queued_mail`` (docs/deployment.md) hands the queue to the transport
# below and retries what the server refused. The environment variable EMAIL_BACKEND names
# that transport, as it did before the queue: SMTP in production, the console otherwise.
EMAIL_BACKEND = "mailer.backend.DbBackend"
MAILER_EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if PRODUCTION
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
# The job holds its own lock (config.jobs.exclusive), valid across servers; django-mailer's
# lock file in the working directory would hold on one server only.
MAILER_USE_FILE_LOCK = False
# A message the server refuses or cannot take is deferred and retried by each later run of
# the job, without limit by default (a server down for a weekend loses nothing); with a
# limit, a message that failed that often stays in the queue, in the admin, for a person.
MAILER_EMAIL_MAX_RETRIES = env.int("MAILER_EMAIL_MAX_RETRIES", default=None)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# A slow mail server holds the sending job, never a request: give up on it after this.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="styrdok@localhost")

# --- Security -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: forms carry the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix: the browser accepts the cookie only over HTTPS, for this host.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Content-Security-Policy (django-csp), in every environment so that the tests and the
# browser test see what production sends. Scripts and styles come from our own static files
# only; no inline script, no style attribute. The one exception is the <style> element the
# Trix editor inserts: it carries the request's nonce (from <meta name="trix-csp-nonce">
# in base.html). Trix's toolbar icons are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        # The log-out form's answer sends the browser on to the provider's end-session
        # address, and browsers hold redirects after a form to form-action too.
        "form-action": [SELF, *sso_settings.origins(OIDC_OP_LOGOUT_ENDPOINT)],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Styrdok --------------------------------------------------------------
# Overdue reviews (manage.py remind_overdue_reviews): the owner is reminded the day after
# the review date and then every STYRDOK_REVIEW_REMINDER_DAYS; the chief of the owner's unit
# from STYRDOK_REVIEW_CHIEF_AFTER_DAYS days after the review date, at the same interval.
STYRDOK_REVIEW_REMINDER_DAYS = env.int("STYRDOK_REVIEW_REMINDER_DAYS", default=14)
STYRDOK_REVIEW_CHIEF_AFTER_DAYS = env.int("STYRDOK_REVIEW_CHIEF_AFTER_DAYS", default=30)
# Absolute address of the site, for links in e-mails sent by scheduled jobs (a mail caused
# by a request links to the scheme and host of that request: notifications.links).
STYRDOK_BASE_URL = env("STYRDOK_BASE_URL", default="http://127.0.0.1:8000")

# Open data (/oppna-data/): who publishes the datasets in the DCAT-AP-SE description that
# the national data portal (dataportal.se) harvests, its contact and the data's licence.
STYRDOK_PUBLISHER_NAME = env("STYRDOK_PUBLISHER_NAME", default="Exempelkommunen")
STYRDOK_PUBLISHER_URL = env("STYRDOK_PUBLISHER_URL", default="https://www.exempel.kommun.se")
STYRDOK_PUBLISHER_EMAIL = env("STYRDOK_PUBLISHER_EMAIL", default="registrator@exempel.kommun.se")
STYRDOK_OPEN_DATA_LICENSE = env(
    "STYRDOK_OPEN_DATA_LICENSE", default="http://creativecommons.org/publicdomain/zero/1.0/"
)

# Where people report accessibility problems (the accessibility statement names it).
STYRDOK_ACCESSIBILITY_CONTACT = env("STYRDOK_ACCESSIBILITY_CONTACT", default=DEFAULT_FROM_EMAIL)
# The registrar's desk: a case is overdue when it has waited in its step longer than the
# step's limit here (days; steps not listed have no limit), or when the deadline of its
# target meeting has passed while it is not yet ready for that meeting.
STYRDOK_STEP_LIMIT_DAYS = {
    "draft": 90,
    "repeal_draft": 30,
    "union_statement": 14,
    "samverkan_meeting": 21,
    "negotiation": 30,
    "proposal": 14,
    "preparation": 30,
    "decision": 45,
    "registration": 7,
}
# Lead-time figures on the desk are computed from the whole step history; they are
# cached this many seconds (the case list itself is always live).
STYRDOK_DESK_FIGURES_SECONDS = env.int("STYRDOK_DESK_FIGURES_SECONDS", default=300)

# Uploaded files (docs/deployment.md, "Limits on uploaded files"). A DOCX or ODT is a zip
# archive: one that has more entries, unpacks to more, or is compressed harder than these
# is refused before anything is unpacked (a ratio is checked for entries above 1 MB).
STYRDOK_UPLOAD_ZIP_MAX_ENTRIES = env.int("STYRDOK_UPLOAD_ZIP_MAX_ENTRIES", default=1000)
STYRDOK_UPLOAD_ZIP_MAX_UNPACKED_BYTES = env.int(
    "STYRDOK_UPLOAD_ZIP_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024
)
STYRDOK_UPLOAD_ZIP_MAX_RATIO = env.int("STYRDOK_UPLOAD_ZIP_MAX_RATIO", default=100)
# The most the XML part holding a DOCX's or ODT's text may inflate to, counted as it is
# read (declared sizes can lie); more is refused.
STYRDOK_UPLOAD_XML_MAX_BYTES = env.int("STYRDOK_UPLOAD_XML_MAX_BYTES", default=64 * 1024 * 1024)
# A file's text is read by a separate process: the text kept for search, and the time
# (wall clock; the process is killed) and memory reading may take. When one runs out the
# file is accepted with the text read so far, and the shortfall is logged.
STYRDOK_UPLOAD_TEXT_MAX_CHARS = env.int("STYRDOK_UPLOAD_TEXT_MAX_CHARS", default=2_000_000)
STYRDOK_UPLOAD_TEXT_SECONDS = env.float("STYRDOK_UPLOAD_TEXT_SECONDS", default=15.0)
STYRDOK_UPLOAD_TEXT_MEMORY_BYTES = env.int(
    "STYRDOK_UPLOAD_TEXT_MEMORY_BYTES", default=768 * 1024 * 1024
)
# A PDF's pages read, and its decompressed page content, all pages together.
STYRDOK_PDF_TEXT_MAX_PAGES = env.int("STYRDOK_PDF_TEXT_MAX_PAGES", default=1000)
STYRDOK_PDF_TEXT_MAX_CONTENT_BYTES = env.int(
    "STYRDOK_PDF_TEXT_MAX_CONTENT_BYTES", default=64 * 1024 * 1024
)

# --- JSON API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Visibility is decided per object by the register's selectors.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Anonymous callers are counted per client address (config.client_ip), in the cache.
    "DEFAULT_THROTTLE_CLASSES": ["documents.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env("API_ANON_RATE", default="600/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Styrdok register API",
    "DESCRIPTION": "Read-only register of the municipality's governing documents.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}
