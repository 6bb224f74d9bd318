"""Portail DIFE settings: every deployment knob comes from the environment (12-factor)."""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from .branding import DEFAULT_COLOUR, checked_colour

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "formtools",
    "bootstrap",
    "axes",
    "csp",
    "accounts",
    "trainings",
    "enrolment",
    "mailing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dife_portal.middleware.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "dife_portal.middleware.DatabaseUnavailableMiddleware",
    # AxesMiddleware must be last: it turns lockouts into the French lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dife_portal.urls"
WSGI_APPLICATION = "dife_portal.wsgi.application"

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
                "dife_portal.context_processors.association",
                "trainings.context_processors.current_invitation",
            ],
            # French hours and place names ("9 h 30", "d'Amboise") in every template, e-mails and admin included.
            "builtins": ["dife_portal.french"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool("DATABASE_JIT", default=False):
    # PostgreSQL's JIT compiler costs tens of milliseconds on the catalogue search for no gain on queries that
    # run in a few milliseconds (it is meant for long analytical queries): off for this OLTP workload.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side cursors cost three round trips for every small list a form iterates (DECLARE, FETCH, CLOSE) and
    # do not work behind PgBouncer in transaction mode: the portal's lists are small, client-side cursors suffice.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = not env.bool("DATABASE_SERVER_SIDE_CURSORS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One shared cache (Redis) when several app servers run: CACHE_URL=redis://127.0.0.1:6379/0.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "dife_portal.redis_cache.RedisCache"  # one client per pool, outage tolerated
    # A Redis that does not answer must not hold a request for long: each call gives up after this many seconds.
    _cache_timeout = env.float("CACHE_TIMEOUT_SECONDS", default=0.5)
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=_cache_timeout, socket_timeout=_cache_timeout
    )
# Several portals (staging, production) sharing one Redis keep apart with a prefix (or a database number).
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="")
# Sessions in the database by default (shared by every app server); "cache" when Redis is the cache.
SESSION_ENGINE = env("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
# Public pages (home, search, training page) are cached this many seconds for visitors without a session
# (trainings/page_cache.py); 0 turns that off. RELEASE (e.g. the commit deployed) starts a deployment with
# fresh pages.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=120)
RELEASE = env("RELEASE", default="")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # AxesStandaloneBackend must come first: it refuses locked-out credentials before checking them.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "birth_name", "usage_name", "first_names")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CharacterClassesValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:rights"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "fr-fr"
# A few of Django admin's French strings, reworded (see the .po file): they take precedence over Django's.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django's default French datetime formats, with hours written "9 h 30" (dife_portal/formats/fr).
FORMAT_MODULE_PATH = ["dife_portal.formats"]
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Identity documents: a private folder (PRIVATE_MEDIA_ROOT) by default; several app servers share a volume
    # or an S3-compatible bucket (PRIVATE_STORAGE_BACKEND=storages.backends.s3.S3Storage, docs/deployment.md §5).
    "private": {
        "BACKEND": env("PRIVATE_STORAGE_BACKEND", default="accounts.models.identity.PrivateStorage"),
        "OPTIONS": env.json("PRIVATE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Identity documents never live under a public URL: they are served by a permission-checked view.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
# The STORAGES alias identity documents are written to (a deployment settings module may define its own).
IDENTITY_DOCUMENTS_STORAGE = env("IDENTITY_DOCUMENTS_STORAGE", default="private")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# The outbox (mailing/outbox.py): the delivery tried in the request right after a change is short, and
# skipped for a while after a failure; `send_outbox` (every minute) delivers the rest with EMAIL_TIMEOUT.
OUTBOX_IMMEDIATE_TIMEOUT = env.float("OUTBOX_IMMEDIATE_TIMEOUT", default=3)
OUTBOX_PAUSE_SECONDS = env.int("OUTBOX_PAUSE_SECONDS", default=60)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Maison des Maires d'Indre-et-Loire <amil@wanadoo.fr>")

# The association that runs this portal: another association of mayors sets its own.
ASSOCIATION = {
    "name": env("ASSOCIATION_NAME", default="Maison des Maires d'Indre-et-Loire"),
    "short_name": env("ASSOCIATION_SHORT_NAME", default="AMIL"),
    "address": env("ASSOCIATION_ADDRESS", default="34, Place de la Préfecture"),
    "postal_code_city": env("ASSOCIATION_POSTAL_CODE_CITY", default="37020 Tours Cedex 01"),
    "phone": env("ASSOCIATION_PHONE", default="02.47.33.37.00"),
    "email": env("ASSOCIATION_EMAIL", default="amil@wanadoo.fr"),
    "department": env("ASSOCIATION_DEPARTMENT", default="Indre-et-Loire"),
}

# The association's face (dife_portal/branding.py): a colour that keeps WCAG AA contrast, a logo and a favicon, as
# paths under static/ or URLs on this site. The defaults are sober and the association's own (not the State's).
ASSOCIATION_BRANDING = {
    "colour": checked_colour(env("ASSOCIATION_COLOR", default=DEFAULT_COLOUR)),
    "logo": env("ASSOCIATION_LOGO", default="img/association-logo.svg"),
    "favicon": env("ASSOCIATION_FAVICON", default="img/favicon.svg"),
    "favicon_ico": env("ASSOCIATION_FAVICON_ICO", default="img/favicon.ico"),
}

# Business rules (DESIGN.md §2).
REGISTRATION_MIN_DAYS = env.int("REGISTRATION_MIN_DAYS", default=11)
REGISTRATION_DAYS_MODE = env("REGISTRATION_DAYS_MODE", default="calendar")
if REGISTRATION_DAYS_MODE not in ("calendar", "business"):
    raise ImproperlyConfigured("REGISTRATION_DAYS_MODE must be 'calendar' or 'business'.")
IDENTITY_VERIFICATION_WORKING_DAYS = env.int("IDENTITY_VERIFICATION_WORKING_DAYS", default=3)
IDENTITY_DOCUMENT_RETENTION_DAYS = env.int("IDENTITY_DOCUMENT_RETENTION_DAYS", default=7)
IDENTITY_DOCUMENT_MAX_BYTES = env.int("IDENTITY_DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)
# A photo whose header announces more pixels is refused before being decoded (enrolment/identity_reencoding.py).
IDENTITY_IMAGE_MAX_PIXELS = env.int("IDENTITY_IMAGE_MAX_PIXELS", default=50_000_000)
# Every uploaded file is cut off past this size while it streams in (see dife_portal/uploads.py).
FILE_UPLOAD_MAX_BYTES = env.int("FILE_UPLOAD_MAX_BYTES", default=IDENTITY_DOCUMENT_MAX_BYTES)
FILE_UPLOAD_HANDLERS = [
    "dife_portal.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
WAITING_LIST_OFFER_HOURS = env.int("WAITING_LIST_OFFER_HOURS", default=48)
# How long a request waits for a session's seat lock (PostgreSQL) before asking the élu to retry.
ENROLMENT_LOCK_TIMEOUT_MS = env.int("ENROLMENT_LOCK_TIMEOUT_MS", default=5000)
# Drafts get one reminder e-mail when the registration deadline is this many days away.
DRAFT_REMINDER_DAYS = env.int("DRAFT_REMINDER_DAYS", default=3)
AMIL_RESPONSE_WORKING_DAYS = env.int("AMIL_RESPONSE_WORKING_DAYS", default=2)
DIFE_CEILING_EUROS = 800
DIFE_YEARLY_CREDIT_EUROS = 400
HOURLY_COST_CAP_EUROS = 80
DEFAULT_SESSION_SEATS = 15
DIFE_CDC_EMAIL = "dfp_mcf_gestion-des-droits-et-formations@caissedesdepots.fr"
# Mon Compte Formation (trainings/mcf.py): a training's page is built from its two identifiers; without them the
# élu starts from the sign-in page the guide gives (MCF_LOGIN_URL below) and searches.
MCF_TRAINING_URL = env(
    "MCF_TRAINING_URL",
    default="https://www.moncompteformation.gouv.fr/espace-prive/html/#/formation/recherche/{training_id}/{action_id}",
)

# The funding track on Mon Compte Formation (MCF): the platform's own deadlines, in working days (Monday–Friday,
# French public holidays excluded). Dated facts of the MCF general conditions; see enrolment/funding_rules.py.
MCF_ORGANISATION_ANSWER_WORKING_DAYS = env.int("MCF_ORGANISATION_ANSWER_WORKING_DAYS", default=2)
MCF_PROPOSAL_VALIDATION_WORKING_DAYS = env.int("MCF_PROPOSAL_VALIDATION_WORKING_DAYS", default=4)
MCF_ENTRY_DECLARATION_WORKING_DAYS = env.int("MCF_ENTRY_DECLARATION_WORKING_DAYS", default=3)
MCF_SERVICE_DECLARATION_WORKING_DAYS = env.int("MCF_SERVICE_DECLARATION_WORKING_DAYS", default=3)
MCF_MAX_REQUESTS_PER_ACTION = env.int("MCF_MAX_REQUESTS_PER_ACTION", default=5)
# Buying a training on MCF requires FranceConnect+ (or the ID copy sent to the Caisse des Dépôts) since this day.
MCF_FRANCECONNECT_PLUS_SINCE = datetime.date.fromisoformat(env("MCF_FRANCECONNECT_PLUS_SINCE", default="2022-10-25"))
# Where the élu searches the training when the session has no MCF address of its own.
MCF_SEARCH_URL = env(
    "MCF_SEARCH_URL", default="https://www.moncompteformation.gouv.fr/espace-prive/html/#/formation/recherche"
)
# Staff and élu are told when an accepted dossier still has no MCF request this many days after the acceptance
# (enrolment/funding_todo.py, the send_funding_reminders command).
MCF_REQUEST_REMINDER_DAYS = env.int("MCF_REQUEST_REMINDER_DAYS", default=2)
# Where the send_funding_reminders command tells the team about missed MCF deadlines (one e-mail per run).
MCF_STAFF_ALERT_EMAIL = env("MCF_STAFF_ALERT_EMAIL", default=ASSOCIATION["email"])
MCF_LOGIN_URL = env("MCF_LOGIN_URL", default="https://www.moncompteformation.gouv.fr/espace-prive/html/#/connexion")

# django-axes: lock a login after repeated failures, per username and per IP.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.axes_username"  # one counter per address, whatever its case
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
# Account e-mails a visitor can ask for (password reset, sign-up, new code) per hour: to one address, and from one
# client address (accounts/throttling.py).
ACCOUNT_MAIL_THROTTLE_SECONDS = env.int("ACCOUNT_MAIL_THROTTLE_SECONDS", default=3600)
ACCOUNT_MAIL_LIMIT_PER_ADDRESS = env.int("ACCOUNT_MAIL_LIMIT_PER_ADDRESS", default=5)
ACCOUNT_MAIL_LIMIT_PER_CLIENT = env.int("ACCOUNT_MAIL_LIMIT_PER_CLIENT", default=30)
# The client address django-axes counts failures for (through django-ipware). Default: the TCP peer (REMOTE_ADDR),
# right when gunicorn faces the clients. Behind a reverse proxy every request comes from the proxy: set
# AXES_IPWARE_META_PRECEDENCE_ORDER=HTTP_X_FORWARDED_FOR,REMOTE_ADDR and AXES_IPWARE_PROXY_COUNT to the proxies
# between the client and the proxy that writes the header (docs/deployment.md §4). Never trust the header without a
# proxy that overwrites it: a client could then pick the address it is counted under.
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(env.list("AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"]))
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
AXES_IPWARE_PROXY_ORDER = env("AXES_IPWARE_PROXY_ORDER", default="left-most")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if env.bool("HTTPS", default=False):
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# FranceConnect (OpenID Connect). Endpoints follow FranceConnect v2's layout under the issuer
# (https://oidc.franceconnect.gouv.fr/api/v2 in production) unless given one by one.
# FRANCECONNECT_SIMULATOR=1 (with DEBUG only) serves a local provider under /fc-simulateur/ for `make run`.
FRANCECONNECT_SIMULATOR = env.bool("FRANCECONNECT_SIMULATOR", default=False)
if FRANCECONNECT_SIMULATOR and DEBUG:
    INSTALLED_APPS.append("fc_simulator")
FRANCECONNECT_ISSUER = env(
    "FRANCECONNECT_ISSUER", default=f"{SITE_URL}/fc-simulateur/api/v2" if FRANCECONNECT_SIMULATOR else ""
).rstrip("/")
FRANCECONNECT_AUTHORIZE_URL = env("FRANCECONNECT_AUTHORIZE_URL", default="")
FRANCECONNECT_TOKEN_URL = env("FRANCECONNECT_TOKEN_URL", default="")
FRANCECONNECT_USERINFO_URL = env("FRANCECONNECT_USERINFO_URL", default="")
FRANCECONNECT_JWKS_URL = env("FRANCECONNECT_JWKS_URL", default="")
FRANCECONNECT_SESSION_END_URL = env("FRANCECONNECT_SESSION_END_URL", default="")
FRANCECONNECT_CLIENT_ID = env(
    "FRANCECONNECT_CLIENT_ID", default="portail-dife-simulateur" if FRANCECONNECT_SIMULATOR else ""
)
FRANCECONNECT_CLIENT_SECRET = env(
    "FRANCECONNECT_CLIENT_SECRET", default="secret-du-simulateur" if FRANCECONNECT_SIMULATOR else ""
)
# eidas1 for FranceConnect, eidas2 for FranceConnect+.
FRANCECONNECT_ACR_VALUES = env("FRANCECONNECT_ACR_VALUES", default="eidas1")
FRANCECONNECT_SCOPES = env.list(
    "FRANCECONNECT_SCOPES",
    default=[
        "openid",
        "given_name",
        "family_name",
        "birthdate",
        "gender",
        "birthplace",
        "birthcountry",
        "preferred_username",
        "email",
    ],
)
FRANCECONNECT_HTTP_TIMEOUT = env.float("FRANCECONNECT_HTTP_TIMEOUT", default=10)
FRANCECONNECT_JWKS_CACHE_SECONDS = env.int("FRANCECONNECT_JWKS_CACHE_SECONDS", default=300)
FRANCECONNECT_STATE_MAX_AGE = env.int("FRANCECONNECT_STATE_MAX_AGE", default=600)
# The simulator's signing keys: generated at first use, never committed (the folder is git-ignored).
FRANCECONNECT_SIMULATOR_KEYS_FILE = Path(
    env("FRANCECONNECT_SIMULATOR_KEYS_FILE", default=str(BASE_DIR / ".fc-simulator" / "keys.json"))
)


# Signing out and linking an account are forms whose answer redirects to FranceConnect.
_FRANCECONNECT_ORIGINS = sorted(
    {
        "{0.scheme}://{0.netloc}".format(urlsplit(url))
        for url in (FRANCECONNECT_ISSUER, FRANCECONNECT_AUTHORIZE_URL, FRANCECONNECT_SESSION_END_URL)
        if url
    }
)

# Content-Security-Policy: no inline script anywhere, everything from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *_FRANCECONNECT_ORIGINS, *env.list("CSP_FORM_ACTION_EXTRA", default=[])],
    }
}

# No personal data in the logs (dife_portal/log_privacy.py): addresses and link tokens are masked.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "dife_portal.log_privacy.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs each step of each PDF at INFO, fontTools each font subset.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        **{
            name: {"filters": ["personal_data"]}
            for name in (
                "django.request",
                "django.security.csrf",
                "django.security.DisallowedHost",
                "django.security.SuspiciousOperation",
                "django.security.SuspiciousFileOperation",
                "django.security.SuspiciousMultipartForm",
                "django.security.RequestDataTooBig",
                "django.security.TooManyFieldsSent",
            )
        },
    },
}
