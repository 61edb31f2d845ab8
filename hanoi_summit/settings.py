"""Hanoi Summit settings: one module, every deployment difference comes from the environment.

The defaults need nothing but the Python packages, so a fresh machine runs the app as it
is: SQLite under var/, Celery tasks run eagerly in-process, e-mail printed to the console.
Production sets DATABASE_URL, REDIS_URL, EMAIL_URL, DJANGO_SECRET_KEY and
DJANGO_ALLOWED_HOSTS.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_noop

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("HANOI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The "django-insecure-" prefix makes `check --deploy` flag this key until a real one is set.
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="django-insecure-hanoi-summit-development-key-not-for-production"
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
PORT = env.int("PORT", default=8000)
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "axes",
    "csp",
    # Second factors (hanoi_summit/twofactor/): TOTP, recovery codes, WebAuthn passkeys.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "hanoi_summit",
    "delegations",
    "accreditation",
    "sessions.apps.ProgrammeConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hanoi_summit.web.middleware.PageContentSecurityPolicyMiddleware",
    "hanoi_summit.web.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hanoi_summit.web.middleware.StaffSessionTimeoutMiddleware",
    # After the session checks: a signed-in account that owes its second factor reaches only
    # the second-factor pages.
    "hanoi_summit.twofactor.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hanoi_summit.web.middleware.StaffOnlyAdminMiddleware",
    "hanoi_summit.core.http.PortalNoStoreMiddleware",
    # Axes last but one: it turns a locked-out login into its own response.
    "axes.middleware.AxesMiddleware",
    # Last: its process_exception answers an API view's exception in JSON before any other.
    "hanoi_summit.core.http.ApiErrorMiddleware",
]

ROOT_URLCONF = "hanoi_summit.urls"
WSGI_APPLICATION = "hanoi_summit.wsgi.application"

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
                "hanoi_summit.web.context_processors.event",
                "hanoi_summit.web.context_processors.staff_role",
                "hanoi_summit.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
# WhiteNoise warns at start-up when STATIC_ROOT is missing (before the first collectstatic).
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hanoi_summit.sqlite3'}"),
}
# Opening a PostgreSQL connection costs more than serving a simple page: keep connections
# open between requests, and check them before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # A database host that stops answering must fail fast (and /healthz/ say 503), not hang.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; wait for the lock rather than failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache, or nothing at all ----------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hanoi",
        }
    }
else:
    # No broker: tasks run in-process at .delay(), so a fresh machine needs no Redis.
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 4
CELERY_TASK_IGNORE_RESULT = True
# Without this, Celery's Django fixup closes the database connection around every task: a
# new PostgreSQL connection per e-mail. Kept connections are still dropped when broken or
# older than CONN_MAX_AGE (hanoi_summit/celery.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The broker may be down when a web process dispatches: fail fast, the beat sweep re-queues.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# Each kind of work has its own queue and workers, so a backlog of one (a mass mailing, a
# slow SMTP server) cannot delay the others. Anything not named here goes to "celery".
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "hanoi_summit.tasks.outbox_send": {"queue": "email"},
    "hanoi_summit.tasks.outbox_requeue_stale": {"queue": "periodic"},
    "hanoi_summit.tasks.outbox_purge_sent": {"queue": "periodic"},
    "accreditation.tasks.badge_batch_render_task": {"queue": "badges"},
    "accreditation.tasks.badge_batch_requeue_stuck_task": {"queue": "periodic"},
    "accreditation.tasks.personal_data_shred_task": {"queue": "periodic"},
    # Exports and the List of Participants: long, memory-bound runs of their own.
    "hanoi_summit.tasks.document_job_run": {"queue": "documents"},
    "hanoi_summit.tasks.document_jobs_purge_expired": {"queue": "periodic"},
}
# A background document (an export, the List of Participants) and its file are deleted this
# long after it was asked for; its link then answers 410.
DOCUMENT_JOB_EXPIRY_HOURS = env.int("DOCUMENT_JOB_EXPIRY_HOURS", default=24)
# A print batch pending or rendering with no progress for this long lost its render task:
# the sweep queues it again and its page offers "Render again". Progress is written every
# few dozen badges, so a live render never stays silent this long.
BATCH_STUCK_AFTER_SECONDS = env.int("BATCH_STUCK_AFTER_SECONDS", default=300)
CELERY_BEAT_SCHEDULE = {
    "print-batches-requeue-stuck": {
        "task": "accreditation.tasks.badge_batch_requeue_stuck_task",
        "schedule": env.float("BATCH_SWEEP_SECONDS", default=60.0),
    },
    "outbox-requeue": {
        "task": "hanoi_summit.tasks.outbox_requeue_stale",
        "schedule": env.float("OUTBOX_SWEEP_SECONDS", default=60.0),
    },
    "outbox-purge": {
        "task": "hanoi_summit.tasks.outbox_purge_sent",
        "schedule": 24 * 3600.0,
    },
    # Daily; it shreds only once PERSONAL_DATA_RETENTION_DAYS have passed after the event.
    "personal-data-shred": {
        "task": "accreditation.tasks.personal_data_shred_task",
        "schedule": 24 * 3600.0,
    },
    "documents-purge-expired": {
        "task": "hanoi_summit.tasks.document_jobs_purge_expired",
        "schedule": 3600.0,
    },
}

# --- E-mail ---------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Hanoi Convention Secretariat <accreditation@hanoi-summit.example>"
)
# Seconds an SMTP connect, read or write may block: a hung server holds an e-mail worker no
# longer than this before the send fails and is retried.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# An outbox row still "sending" after this long is presumed lost with its worker.
OUTBOX_STUCK_AFTER_SECONDS = env.int("OUTBOX_STUCK_AFTER_SECONDS", default=600)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# A failed e-mail gets one more round of OUTBOX_MAX_ATTEMPTS by itself this long after it
# failed (the mail server may be back); after that it waits for a person's "Retry".
OUTBOX_FAILED_RETRY_AFTER_SECONDS = env.int("OUTBOX_FAILED_RETRY_AFTER_SECONDS", default=1800)
# The sweep re-dispatches a queued row only after this long, so tasks merely waiting in a
# busy queue are not doubled.
OUTBOX_REDISPATCH_AFTER_SECONDS = env.int("OUTBOX_REDISPATCH_AFTER_SECONDS", default=120)
# Sent e-mails are deleted after this many days (their dedupe keys with them).
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=180)
# Off (the default): the send path's two status writes per e-mail don't wait for
# PostgreSQL's WAL flush, which is most of what the outbox adds to a bare send. The price:
# a database *server* crash may forget the last fraction of a second of those writes and
# re-send those e-mails, with the same Message-ID. A crash between SMTP's "accepted" and the
# "sent" mark re-sends anyway, so no outbox is exactly-once under crashes; this widens that
# window from milliseconds to under a second. Queueing is durable either way: no e-mail can
# be lost. On: wait for the flush.
OUTBOX_SYNCHRONOUS_COMMIT = env.bool("OUTBOX_SYNCHRONOUS_COMMIT", default=False)

# On (the default): an answered gate scan is on disk before the gate shows its verdict. Off
# trades that for throughput; what exactly is explained once, at accreditation/gate/scan.py's
# _record.
CHECKIN_SYNCHRONOUS_COMMIT = env.bool("CHECKIN_SYNCHRONOUS_COMMIT", default=True)
# A gate account sees the photo of a badge it scanned this many seconds ago at most, and no
# other: the photo is for comparing the face in front of the gate, not for browsing.
GATE_PHOTO_WINDOW_SECONDS = 300
# A gate device offline for longer than this says "sync needed" instead of deciding: its
# list of revoked badges may be too old (sent to devices in the gate bundle).
GATE_OFFLINE_MAX_MINUTES = env.int("GATE_OFFLINE_MAX_MINUTES", default=30)

# --- Auth -----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
# The root dispatches by role: staff to their work, focal points to the portal.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "portal:login"
# Login lock-outs (hanoi_summit/core/lockout.py): a username is locked at the address that
# failed AXES_FAILURE_LIMIT times, not everywhere; an address is locked for every username
# after AXES_ADDRESS_FAILURE_LIMIT failures. Token-authenticated API calls never count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=10 * AXES_FAILURE_LIMIT)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "hanoi_summit.core.lockout.AddressCeilingHandler"
AXES_RESET_ON_SUCCESS = True
# Axes keeps each failed attempt's form data, which the secretariat can read in the admin:
# a wrong second-factor code (a mistyped recovery code) is masked like the password.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
# How many proxies of our own (load balancer, nginx) sit in front of Django and append to
# X-Forwarded-For: the client's address is the entry that many from the right. 0: the peer's
# address (REMOTE_ADDR). Too high a number lets clients choose their address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "hanoi_summit.core.lockout.client_ip"

# --- Second factor (hanoi_summit/twofactor/) -------------------------------------------
# Every staff account (any role) must sign in with a second factor: an authenticator app's
# code (TOTP), or a security key or passkey (WebAuthn); one-time recovery codes stand in for
# a lost one. On by default in production; off under DEBUG (`make run`'s demo says so on
# every page). Focal points may turn it on for themselves; then it is required for them too.
STAFF_REQUIRE_2FA = env.bool("STAFF_REQUIRE_2FA", default=not DEBUG)
# WebAuthn's relying party: the domain passkeys are bound to (empty: the request's host,
# which ALLOWED_HOSTS has vetted), and the origins a ceremony may come from (empty: the
# request's own scheme and host). Set both behind a proxy that rewrites the host.
WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default="")
WEBAUTHN_ORIGINS = env.list("WEBAUTHN_ORIGINS", default=[])
OTP_WEBAUTHN_HELPER_CLASS = "hanoi_summit.twofactor.webauthn.RelyingPartyHelper"
OTP_WEBAUTHN_RP_ID_CALLABLE = "hanoi_summit.twofactor.webauthn.relying_party_id"
OTP_WEBAUTHN_RP_NAME = "Hanoi Summit"
OTP_WEBAUTHN_ALLOWED_ORIGINS = WEBAUTHN_ORIGINS
# The plugin's check wants origins listed; ours default to the request's (RelyingPartyHelper).
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]
# A passkey is a second factor here, after the password: the password step is where the
# lock-out counts guesses of the account's password.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_TOTP_ISSUER = "Hanoi Summit"
# Wrong codes are limited by the login lock-out (hanoi_summit/core/lockout.py), with the
# passwords: django-otp's own per-device back-off would be a second rule for the same thing.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# --- API ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "hanoi_summit.core.api.AutoSchema",
    "EXCEPTION_HANDLER": "hanoi_summit.core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "hanoi_summit.core.api_input.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "hanoi_summit.core.api_input.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hanoi Summit API",
    "DESCRIPTION": "Registration, accreditation, badges, check-in and programme of the "
    "Hanoi Convention signing ceremony and high-level conference.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # `check --deploy` is about security settings; schema warnings are the API tests' concern
    # and would otherwise fail `check --deploy --fail-level WARNING`.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    # Swagger UI and ReDoc from our own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set: "kind" is a delegation's, a session's and a document's, and the
    # protocol rank is a member's "protocol_rank" and a speaker request's "level".
    "ENUM_NAME_OVERRIDES": {
        "DelegationKindEnum": "delegations.models.DelegationKind",
        "SessionKindEnum": "sessions.models.SessionKind",
        "ProtocolRankEnum": "delegations.models.ProtocolRank",
    },
}

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Periodic tasks are scheduled in the event's local time too.
CELERY_TIMEZONE = TIME_ZONE
USE_I18N = True
USE_TZ = True

# --- Static files and uploads ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Bootstrap is copied into static/vendor/: venues run on closed networks, no CDN.
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploads (passports' photos, notes verbales) live outside any served folder; they
    # leave only through permission-checked views. MEDIA_URL is deliberately unset.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Photos and documents are personal data, not encrypted by the application (README, Personal
# data at rest): readable by the service account alone.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------
# Behind a TLS-terminating proxy (nginx, a load balancer), set DJANGO_BEHIND_TLS_PROXY=1 so
# Django trusts its X-Forwarded-Proto header; the proxy must overwrite that header.
if env.bool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_secure_default = not DEBUG
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=_secure_default)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=_secure_default)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if _secure_default else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Staff sessions end this long after the login, and after this long without a request
# (hanoi_summit/web/middleware.py); focal points' last SESSION_COOKIE_AGE, Django's 14 days.
STAFF_SESSION_MAX_AGE_HOURS = env.int("STAFF_SESSION_MAX_AGE_HOURS", default=12)
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
# Content-Security-Policy (django-csp) on every page: scripts, styles, fonts and images from
# our own origin only, no inline script or style (static/js/hanoi.js applies data-driven
# colours through the CSSOM). data: images are Bootstrap's SVG icons in its CSS.
# The API's docs are served from our static files too (drf-spectacular-sidecar): Swagger UI
# at /api/docs/ runs under this policy; ReDoc (/api/redoc/) adds inline styles and blob:
# workers for its own path only (hanoi_summit/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy: no camera, microphone, location... anywhere, except the camera on these
# pages (the gate page reads QR codes with it).
PERMISSIONS_POLICY_CAMERA_PATHS = ["/protocol/checkin/", "/protocol/checkin/device/"]
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]

# --- Event ----------------------------------------------------------------------------
# Marked for makemessages; pages and e-mails translate them when they show them.
EVENT_NAME = gettext_noop("Hanoi Convention against Cybercrime")
EVENT_LONG_NAME = gettext_noop(
    "Signing Ceremony and High-Level Conference of the United Nations Convention against Cybercrime"
)
EVENT_DATES = gettext_noop("25-26 October 2025")
EVENT_FIRST_DAY = "2025-10-25"
EVENT_LAST_DAY = "2025-10-26"
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
# Ed25519 key that signs badge codes (PEM, PKCS#8). Unset: a development key is made once
# under var/ and kept out of the repository.
BADGE_SIGNING_KEY = env.str("BADGE_SIGNING_KEY", default="")
# Fernet keys that encrypt passport data, dates of birth and vetting notes at rest
# (hanoi_summit/core/crypto.py), comma-separated: the first encrypts, all decrypt, so a key
# is rotated by putting a new one first and running `manage.py rotate_field_keys`. And the
# HMAC key of the passport numbers' keyed hashes (the unique rule, the desk's look-up).
# Unset: development keys are made once under var/private/keys/ (production refuses to start).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_HASH_KEY = env.str("FIELD_HASH_KEY", default="")
# Passport data, dates of birth, photos, documents and vetting notes are shredded this many
# days after the event's last day (the beat task `personal-data-shred`).
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=90)
# The event's clock (hanoi_summit/core/clock.py): an ISO 8601 time with offset pins "now" for the
# programme's booking rules and the gates' "valid today". The event was on 25-26 October
# 2025; in DEBUG (make run) the demo runs at the moment its data depicts (the seed's
# SNAPSHOT, 11:00 on the first day in Hanoi): gates admit its badges, the dashboard shows that
# morning's scans, and the afternoon's and second day's sessions are open for booking.
# Empty: the real time, as the event itself needs (check --deploy warns when it is set).
EVENT_NOW = env.str("EVENT_NOW", default="2025-10-25T11:00:00+07:00" if DEBUG else "")
# Length of one signing slot at the ceremony, in minutes.
PROGRAMME_SIGNING_SLOT_MINUTES = env.int("PROGRAMME_SIGNING_SLOT_MINUTES", default=3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
