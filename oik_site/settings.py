"""Settings for the Niebieska Karta project, read from the environment.

Development (the default) runs on SQLite with console e-mail and a secret generated once
per checkout. ``OIK_ENV=production`` refuses to start without ``DJANGO_SECRET_KEY``,
``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and the audit key (``OIK_AUDIT_KEY``).
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from oik_site.env import env_bool, env_date, env_int, env_list, env_str, local_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = Path(env_str("OIK_LOCAL_DIR", str(BASE_DIR / ".local")))

OIK_ENV = env_str("OIK_ENV", "development")
if OIK_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"OIK_ENV must be 'development' or 'production', got {OIK_ENV!r}")
PRODUCTION = OIK_ENV == "production"

if PRODUCTION:
    _missing = [
        name
        for name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL")
        if not env_str(name).strip()
    ]
    if _missing:
        raise ImproperlyConfigured(
            "Production mode needs these environment variables: " + ", ".join(_missing)
        )
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    DEBUG = False
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY") or local_secret_key(LOCAL_DIR)
    DEBUG = env_bool("DJANGO_DEBUG", True)
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

# The audit trail's key (HMAC of every event and of the checkpoints, docs/audit.md): kept
# outside the database so that whoever can write to the database cannot forge the chain.
# OIK_AUDIT_KEY, or OIK_AUDIT_KEY_FILE naming a file that holds it; production refuses to
# start without one; development generates .local/audit_key once.
_audit_key_file = env_str("OIK_AUDIT_KEY_FILE").strip()
if env_str("OIK_AUDIT_KEY").strip():
    OIK_AUDIT_KEY = env_str("OIK_AUDIT_KEY").strip()
elif _audit_key_file:
    try:
        OIK_AUDIT_KEY = Path(_audit_key_file).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"OIK_AUDIT_KEY_FILE cannot be read: {exc}") from exc
elif PRODUCTION:
    raise ImproperlyConfigured(
        "Production mode needs the audit key: set OIK_AUDIT_KEY or OIK_AUDIT_KEY_FILE"
    )
else:
    OIK_AUDIT_KEY = local_secret_key(LOCAL_DIR, "audit_key")
if len(OIK_AUDIT_KEY) < 32:
    raise ImproperlyConfigured("The audit key must be at least 32 characters long")
# Signed checkpoints of the chain's head (python manage.py audit_checkpoint, from cron).
OIK_AUDIT_CHECKPOINT_DIR = Path(
    env_str("OIK_AUDIT_CHECKPOINT_DIR", str(LOCAL_DIR / "audit-checkpoints"))
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "viewflow",
    "viewflow.workflow",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_ratelimit",
    "core",
    "accounts",
    "people",
    "workflows",
    "forms.apps.StatutoryFormsConfig",
    "documents",
    "audit",
    "centre",
    "oversight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Renews a used session at most once a minute (the idle sign-out, docs/security.md).
    "accounts.sessions.IdleSessionMiddleware",
    "oik_site.middleware.PolishByDefaultLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who is acting, for the events of administrative changes (audit.admin_changes).
    "audit.admin_changes.ActingUserMiddleware",
    # Every response to a signed-in user: Cache-Control no-store.
    "accounts.middleware.NoStoreMiddleware",
    # django-otp marks a session verified; ours sends the unverified to the code page.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Refuses an oversized upload to the public verification page before its body is read
    # (CsrfViewMiddleware reads the body in process_view, after every middleware's __call__).
    "documents.middleware.VerifyUploadLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last: django-axes turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oik_site.urls"
WSGI_APPLICATION = "oik_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "oik_site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "oversight.context_processors.audit_nav",
                "workflows.context_processors.notifications",
            ],
        },
    },
]

# Every form's labels begin with a capital letter (core/rendering.py).
FORM_RENDERER = "core.rendering.FormRenderer"

# SQLite by default; DATABASE_URL (e.g. postgres://127.0.0.1:5432/test) for anything shared.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{LOCAL_DIR / 'db.sqlite3'}",
        # Persistent connections (a new one cost about 3.5 ms of server CPU per request),
        # checked before reuse so a restarted database costs one failed check, not an error.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_bool(
    "DB_SERVER_SIDE_BINDING", True
):
    # Parameters bound on the server: psycopg prepares a statement after its fifth run on a
    # connection, so PostgreSQL parses and plans a page's queries once per connection, not on
    # every request (docs/benchmarks.md, "Load"). Off (``DB_SERVER_SIDE_BINDING=false``)
    # behind a pooler in transaction mode, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
if PRODUCTION and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    raise ImproperlyConfigured("Production mode needs a PostgreSQL DATABASE_URL, not SQLite.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttling (docs/security.md, "Sign-in"). django-axes locks an account after
# repeated failures *from one address* (account and address together): ten wrong passwords
# typed from elsewhere cannot lock the chair out of their own office. Guessing across
# accounts from one address (password spraying) is slowed by a per-address limit on failed
# sign-ins (accounts.throttle, django-ratelimit), high enough for an office behind one
# public address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the user read with their roles in one query.
    "accounts.backends.UserBackend",
    "workflows.permissions.StepBackend",  # the nodes' "workflows.<action>" permissions
]
AXES_FAILURE_LIMIT = env_int("OIK_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = env_int("OIK_LOGIN_LOCKOUT_HOURS", 1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
OIK_LOGIN_ADDRESS_FAILURE_RATE = env_str("OIK_LOGIN_ADDRESS_FAILURE_RATE", "30/15m")

# The cache holds the throttling counters (sign-in per address, the public verification
# page). Development: this process's memory. Production: the database (run
# `python manage.py createcachetable` once), shared by every worker; or
# OIK_CACHE_BACKEND=locmem for a single process.
_CACHE_BACKENDS = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "oik_cache",
    },
}
_cache = env_str("OIK_CACHE_BACKEND", "database" if PRODUCTION else "locmem")
if _cache not in _CACHE_BACKENDS:
    raise ImproperlyConfigured(f"OIK_CACHE_BACKEND must be one of {sorted(_CACHE_BACKENDS)}")
CACHES = {"default": _CACHE_BACKENDS[_cache]}
# django-ratelimit prefers memcached or Redis; for a throttle an increment lost in a race
# (database cache) or a per-process count (locmem) is acceptable.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# The public document verification page (documents.views.verify): attempts per client
# address, and the largest PDF it accepts (our documents are a few hundred kilobytes).
OIK_VERIFY_RATE = env_str("OIK_VERIFY_RATE", "30/h")
OIK_VERIFY_MAX_UPLOAD_MB = env_int("OIK_VERIFY_MAX_UPLOAD_MB", 20)

# Sessions end after this much inactivity: a request renews the session when its last
# renewal is a minute old (accounts.sessions.IdleSessionMiddleware), not on every page.
SESSION_COOKIE_AGE = env_int("OIK_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LOGIN_URL = "login"
# Two-factor sign-in (TOTP, django-otp) for every account: always in production, optional in
# development (the demo signs in with a password only unless OIK_REQUIRE_2FA=true).
OIK_REQUIRE_2FA = True if PRODUCTION else env_bool("OIK_REQUIRE_2FA", False)
if PRODUCTION and not env_bool("OIK_REQUIRE_2FA", True):
    raise ImproperlyConfigured("Two-factor sign-in cannot be switched off in production.")
OTP_TOTP_ISSUER = "Niebieska Karta"
LOGIN_REDIRECT_URL = "workflows:inbox"
LOGOUT_REDIRECT_URL = "login"

# Polish is the users' language; English is available from the language switch.
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "oik_site" / "locale"]
USE_I18N = True
USE_TZ = True
# Datetimes are stored in UTC; legal dates are computed in Europe/Warsaw (workflows.calendar).
TIME_ZONE = "Europe/Warsaw"
# Dates dd.mm.rrrr and times HH:MM on every page, in Polish and English mode (oik_site/formats).
FORMAT_MODULE_PATH = ["oik_site.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "oik_site" / "static"]
MEDIA_ROOT = Path(env_str("OIK_MEDIA_ROOT", str(LOCAL_DIR / "media")))

# Console e-mail by default in development, SMTP (OIK_SMTP_*) in production;
# OIK_EMAIL_BACKEND=console|smtp overrides.
_smtp = env_str("OIK_EMAIL_BACKEND", "smtp" if PRODUCTION else "console") == "smtp"
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("OIK_SMTP_HOST", "localhost"),
                "port": env_int("OIK_SMTP_PORT", 587),
                "username": env_str("OIK_SMTP_USER"),
                "password": env_str("OIK_SMTP_PASSWORD"),
                "use_tls": env_bool("OIK_SMTP_TLS", True),
            },
        }
        if _smtp
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "niebieska-karta@localhost")

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (Django's own): nothing inline, nothing from elsewhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Background work (document generation) through Django's tasks framework. In production the
# work is queued in the database for `python manage.py db_worker` (django-tasks-db): a step's
# documents are rendered off the request path (issue 16), so the worker must run. Elsewhere it
# runs immediately after the transaction commits. OIK_TASKS_BACKEND chooses either way.
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "dummy": "django.tasks.backends.dummy.DummyBackend",  # queues nothing (benchmarks)
}
_tasks = env_str("OIK_TASKS_BACKEND", "database" if PRODUCTION else "immediate")
if _tasks not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"OIK_TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_tasks]}}

# Procedure settings. Values that the law leaves open are configuration (see docs/rules.md).
OIK_REMINDER_WORKING_DAYS = env_int("OIK_REMINDER_WORKING_DAYS", 2)
# The address links in e-mails point to (reminders carry a link, never personal data).
OIK_SITE_URL = env_str("OIK_SITE_URL", "http://127.0.0.1:8000")
# Centre statistics that include procedure figures: cells below this are shown as "<N>" to
# centre staff who take no part in procedures (centre.statistics).
OIK_STATISTICS_MIN_CELL = env_int("OIK_STATISTICS_MIN_CELL", 3)

# The declaration of accessibility (/dostepnosc/, art. 10 ustawy z 4 kwietnia 2019 r. o
# dostępności cyfrowej stron internetowych i aplikacji mobilnych podmiotów publicznych): what
# only the entity running the site knows. An empty entity name means the team's own name.
OIK_ACCESSIBILITY_ENTITY = env_str("OIK_ACCESSIBILITY_ENTITY").strip()
OIK_ACCESSIBILITY_PUBLISHED = env_date("OIK_ACCESSIBILITY_PUBLISHED", datetime.date(2026, 11, 26))
OIK_ACCESSIBILITY_UPDATED = env_date("OIK_ACCESSIBILITY_UPDATED", datetime.date(2026, 11, 26))
OIK_ACCESSIBILITY_PREPARED = env_date("OIK_ACCESSIBILITY_PREPARED", datetime.date(2026, 11, 26))
OIK_ACCESSIBILITY_CONTACT_NAME = env_str("OIK_ACCESSIBILITY_CONTACT_NAME").strip()
OIK_ACCESSIBILITY_CONTACT_EMAIL = env_str("OIK_ACCESSIBILITY_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)
OIK_ACCESSIBILITY_CONTACT_PHONE = env_str("OIK_ACCESSIBILITY_CONTACT_PHONE").strip()
OIK_ACCESSIBILITY_ARCHITECTURE = env_str("OIK_ACCESSIBILITY_ARCHITECTURE").strip()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "WARNING")},
    # One line per task state is noise; failures still come through as errors.
    "loggers": {"django.tasks": {"level": "WARNING", "handlers": [], "propagate": True}},
}
