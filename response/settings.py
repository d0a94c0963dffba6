"""Django settings, read from the environment (the configuration contract in ARCHITECTURE.md).

Everything has an embedded default so that a fresh clone runs on SQLite with no configuration.
`RESPONSE_ENV=production` turns the defaults that are only safe on a laptop into errors.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from response.production import production_refusal

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env(name).split(",") if item.strip()]


RESPONSE_ENV = env("RESPONSE_ENV", "development").lower()
PRODUCTION = RESPONSE_ENV == "production"
if RESPONSE_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("RESPONSE_ENV must be 'development' or 'production'.")

DATA_DIR = Path(env("RESPONSE_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _generated_secret_key() -> str:
    """A secret generated once into the data directory, so sessions survive restarts. Written
    to a new file and moved into place, so two processes starting at once agree on one."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fresh = DATA_DIR / f".secret_key.{os.getpid()}"
        fresh.write_text(secrets.token_urlsafe(50))
        fresh.chmod(0o600)
        try:
            os.link(fresh, path)  # fails if another process got there first: keep theirs
        except FileExistsError:
            pass
        finally:
            fresh.unlink()
    return path.read_text().strip()


DEBUG = env_bool("RESPONSE_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY") or _generated_secret_key()
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

_site_host = urlsplit(SITE_URL).hostname or "127.0.0.1"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or (
    [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver", _site_host]
)
CSRF_TRUSTED_ORIGINS = [f"{urlsplit(SITE_URL).scheme}://{urlsplit(SITE_URL).netloc}"]

if PRODUCTION and (refusal := production_refusal(os.environ)):
    raise ImproperlyConfigured(refusal)

# --- Security headers (production) ----------------------------------------------------------------


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """RESPONSE_PROXY_SSL_HEADER: the header a TLS-terminating proxy sets on requests that came
    over HTTPS, "X-Forwarded-Proto" or "Name: value" (value "https" if not given). Only set it
    behind a proxy that always sets or strips that header: anyone could send it otherwise."""
    if not value:
        return None
    name, _, expected = value.partition(":")
    meta = "HTTP_" + name.strip().upper().replace("-", "_")
    return (meta, expected.strip() or "https")


SECURE_PROXY_SSL_HEADER = proxy_ssl_header(env("RESPONSE_PROXY_SSL_HEADER"))
# What every page may load: only this site's own scripts, styles, images and fonts (no inline
# script or style, no eval; the templates keep to that), framed by nobody.
RESPONSE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if PRODUCTION:
    _https = SITE_URL.startswith("https://")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _https
    # Sent on HTTPS requests only (Django's SecurityMiddleware): behind a proxy, those the proxy
    # says came over HTTPS (RESPONSE_PROXY_SSL_HEADER).
    SECURE_HSTS_SECONDS = int(env("RESPONSE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("RESPONSE_HSTS_INCLUDE_SUBDOMAINS")
    # Redirect plain HTTP to HTTPS only when a proxy can tell us which is which: without it
    # every request behind a TLS-terminating proxy looks like HTTP, and would loop.
    SECURE_SSL_REDIRECT = _https and SECURE_PROXY_SSL_HEADER is not None
    # Probes and scrapers inside the network may ask over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health$", r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_CSP = RESPONSE_CSP

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "response.core",
    "response.engine",
    "response.web",
    "response.api",
    "response.slack",
    "response.notifications",
    "response.importers",
    "response.server",
    "response.security",
    "response.integrations.pagerduty",
    "response.integrations.statuspage",
    "response.integrations.trackers",
    "response.integrations.alerts",
    "response.integrations.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",  # SECURE_CSP: production only
    "response.web.middleware.ChangeOriginMiddleware",
]

ROOT_URLCONF = "response.urls"
WSGI_APPLICATION = "response.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------

DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'response.sqlite3'}"
# The databases Response is built and tested on; dj_database_url knows more, but their drivers
# are not installed.
DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
if urlsplit(DATABASE_URL).scheme not in DATABASE_SCHEMES:
    raise ImproperlyConfigured(
        f"DATABASE_URL has an unsupported scheme {urlsplit(DATABASE_URL).scheme!r}: use "
        "postgres://user:password@host:5432/name or sqlite:///path/to/file.sqlite3."
    )
# Keep connections between requests: opening one (and its PRAGMAs) costs more than most requests.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(env("RESPONSE_DB_CONN_MAX_AGE", "600"))
    )
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while the worker writes; IMMEDIATE transactions take the write lock
    # up front, so two writers queue instead of failing with "database is locked"; the threads of
    # one process take turns on a lock of their own (response/db/sqlite3).
    _db["ENGINE"] = "response.db.sqlite3"
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    _db["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
elif _db["ENGINE"] in {
    "django.db.backends.postgresql",
    "django.db.backends.postgresql_psycopg2",
}:
    _db["ENGINE"] = "django.db.backends.postgresql"
    _db["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Worker queue (Huey) --------------------------------------------------------------------------


def huey_settings(queue_url: str) -> dict:
    """Huey configuration for RESPONSE_QUEUE_URL: sqlite:///path, redis://..., postgres://..."""
    scheme = urlsplit(queue_url).scheme
    common = {
        "name": "response",
        "immediate": False,  # djhuey would otherwise follow DEBUG
        "results": False,
        "utc": True,
        # The consumer only relays wake-ups from other processes and runs housekeeping; the work
        # runs on the engine's own threads (RESPONSE_WORKER_THREADS). Redis and PostgreSQL
        # queues block until a message arrives; SQLite's is polled, at most a second apart.
        "consumer": {
            "workers": 1,
            "worker_type": "thread",
            "periodic": True,
            "initial_delay": 0.05,
            "backoff": 1.5,
            "max_delay": 1.0,
        },
    }
    if scheme == "memory":  # tests: one process, no files
        return {**common, "huey_class": "huey.MemoryHuey"}
    if scheme == "sqlite":
        path = queue_url.removeprefix("sqlite:///") or str(DATA_DIR / "queue.sqlite3")
        # The queue only carries nudges; the work itself is committed in the main database and
        # a lost nudge is re-sent by the sweep, so the queue need not fsync every enqueue.
        return {**common, "huey_class": "huey.SqliteHuey", "filename": path, "fsync": False}
    if scheme in {"redis", "rediss"}:
        return {**common, "huey_class": "huey.RedisHuey", "url": queue_url}
    if scheme in {"postgres", "postgresql"}:
        return {**common, "huey_class": "huey.PostgresHuey", "dsn": queue_url}
    raise ImproperlyConfigured(
        f"RESPONSE_QUEUE_URL has an unsupported scheme {scheme!r}: use sqlite:///, redis:// "
        "or postgres://."
    )


RESPONSE_QUEUE_URL = env("RESPONSE_QUEUE_URL") or f"sqlite:///{DATA_DIR / 'queue.sqlite3'}"
HUEY = huey_settings(RESPONSE_QUEUE_URL)

# --- Slack ----------------------------------------------------------------------------------------

SLACK_BOT_TOKEN = env("SLACK_BOT_TOKEN")
SLACK_SIGNING_SECRET = env("SLACK_SIGNING_SECRET")
SLACK_APP_TOKEN = env("SLACK_APP_TOKEN")
SLACK_API_URL = env("SLACK_API_URL", "https://slack.com/api/")
if not SLACK_API_URL.endswith("/"):
    SLACK_API_URL += "/"
RESPONSE_INCIDENT_CHANNEL = env("RESPONSE_INCIDENT_CHANNEL", "incidents")
# Where report-only incidents (declared after the fact) are posted; the incidents channel if unset.
RESPONSE_REPORT_CHANNEL = env("RESPONSE_REPORT_CHANNEL")
RESPONSE_PLUGINS = env_list("RESPONSE_PLUGINS")
RESPONSE_SLASH_COMMAND = env("RESPONSE_SLASH_COMMAND", "/incident")
# Create the comms channel as soon as a live incident is declared (else: the headline's button).
RESPONSE_AUTO_CREATE_CHANNEL = env_bool("RESPONSE_AUTO_CREATE_CHANNEL", default=True)
# Offer "report only — already fixed" when declaring.
RESPONSE_REPORT_ONLY_ENABLED = env_bool("RESPONSE_REPORT_ONLY_ENABLED", default=True)
# Reacting with this emoji adds a message to the timeline, like pinning it.
RESPONSE_TIMELINE_REACTION = env("RESPONSE_TIMELINE_REACTION", "pushpin")
RESPONSE_CHANNEL_NAME_TEMPLATE = env("RESPONSE_CHANNEL_NAME_TEMPLATE", "inc-{id}-{slug}")
# Sign in with Slack (OpenID Connect): the app's OAuth credentials (Basic Information → App
# Credentials). Unset: the login page offers no Slack button.
SLACK_CLIENT_ID = env("SLACK_CLIENT_ID")
SLACK_CLIENT_SECRET = env("SLACK_CLIENT_SECRET")
# The workspace whose members may sign in; unset: the bot token's (auth.test).
SLACK_TEAM_ID = env("SLACK_TEAM_ID")
# Who signs in with Slack as staff (the admin, every private incident): user group handles
# (`@sre`), Slack user ids and emails, comma-separated. Unset: rights are managed in the admin.
RESPONSE_SLACK_STAFF = env_list("RESPONSE_SLACK_STAFF")
# The username and password form on the login page and the admin (off: Sign in with Slack only).
RESPONSE_PASSWORD_LOGIN = env_bool("RESPONSE_PASSWORD_LOGIN", default=True)
if not RESPONSE_PASSWORD_LOGIN and not (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "RESPONSE_PASSWORD_LOGIN is off and Sign in with Slack is not set up, so nobody could "
        "sign in: set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (see docs/slack.md)."
    )
# Longest wait between two tries of a Slack call that keeps failing (seconds).
RESPONSE_SLACK_MAX_BACKOFF = int(env("RESPONSE_SLACK_MAX_BACKOFF", "300"))
# How long the worker waits for one Slack Web API call before trying again later (seconds).
RESPONSE_SLACK_TIMEOUT = float(env("RESPONSE_SLACK_TIMEOUT", "10"))

# --- The work engine (response.engine) ------------------------------------------------------------

# Worker threads running lanes (Slack calls wait on the network; more threads, more in flight).
RESPONSE_WORKER_THREADS = int(env("RESPONSE_WORKER_THREADS", "4"))
# How long a worker may hold a job that calls Slack before another takes it over (it died).
RESPONSE_JOB_LEASE_SECONDS = int(env("RESPONSE_JOB_LEASE_SECONDS", "120"))
# Failures (not counting Slack being down) after which a job is parked as dead.
RESPONSE_JOB_MAX_FAILURES = int(env("RESPONSE_JOB_MAX_FAILURES", "6"))

# --- Reminders (response.notifications) -----------------------------------------------------------

# Each built-in reminder can be switched off; a plugin's by its key ("module.function": False).
RESPONSE_REMINDERS = {
    "no_lead": env_bool("RESPONSE_REMIND_NO_LEAD", default=True),
    "no_severity": env_bool("RESPONSE_REMIND_NO_SEVERITY", default=True),
    "update_cadence": env_bool("RESPONSE_REMIND_UPDATE_CADENCE", default=True),
    "long_running": env_bool("RESPONSE_REMIND_LONG_RUNNING", default=True),
    "write_up": env_bool("RESPONSE_REMIND_WRITE_UP", default=True),
    "overdue_actions": env_bool("RESPONSE_REMIND_OVERDUE_ACTIONS", default=True),
    "take_a_break": env_bool("RESPONSE_REMIND_TAKE_A_BREAK", default=False),  # the example
    "postmortem_owner": env_bool("RESPONSE_REMIND_POSTMORTEM", default=True),
}
# Days between the DMs to a post-mortem's owner while it is not done (from the resolution).
RESPONSE_POSTMORTEM_REMINDER_DAYS = float(env("RESPONSE_POSTMORTEM_REMINDER_DAYS", "2"))
# Reminders that can wait go out only in the recipient's working hours (their Slack time zone,
# Monday to Friday): from the first hour until the second.
RESPONSE_WORKING_HOURS = (9, 17)

# --- The rest -------------------------------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve static files straight from the apps, so `response run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "web:login"
# Wrong passwords (response.security.throttle): from the third, each holds the username (and the
# client address) a moment that doubles; at this many in a row it is locked out for this long.
RESPONSE_LOGIN_MAX_FAILURES = int(env("RESPONSE_LOGIN_MAX_FAILURES", "5"))
RESPONSE_LOGIN_LOCKOUT_SECONDS = int(env("RESPONSE_LOGIN_LOCKOUT_SECONDS", "900"))

# --- Observability (response.observability) -------------------------------------------------------

# GET /metrics answers Prometheus only with "Authorization: Bearer <this>"; unset, it is a 404.
RESPONSE_METRICS_TOKEN = env("RESPONSE_METRICS_TOKEN")
# `response worker` serves /metrics (no token) on this port of this address, when set.
RESPONSE_METRICS_PORT = int(env("RESPONSE_METRICS_PORT")) if env("RESPONSE_METRICS_PORT") else None
RESPONSE_METRICS_HOST = env("RESPONSE_METRICS_HOST", "127.0.0.1")
# "json": one JSON object a line, with the delivery, incident and job ids; "plain" otherwise.
RESPONSE_LOG_FORMAT = env("RESPONSE_LOG_FORMAT", "plain").lower()
if RESPONSE_LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("RESPONSE_LOG_FORMAT must be 'plain' or 'json'.")

# --- Declaring from a message, and keeping others informed (issue 14: declare) -------------------

# Reacting with this emoji (a name, without colons) to a message in one of the listed channels
# (names or ids) offers the reactor a "Declare incident" button pre-filled from the message.
# Unset (the default), reactions declare nothing.
RESPONSE_DECLARE_REACTION = env("RESPONSE_DECLARE_REACTION").strip(":")
RESPONSE_DECLARE_REACTION_CHANNELS = [
    c.lstrip("#") for c in env_list("RESPONSE_DECLARE_REACTION_CHANNELS")
]
# Announcement rules: "critical:#exec-updates,#support;major:#support" announces an incident of
# that severity (when declared or raised to it) in those channels, and its updates follow there.
RESPONSE_ANNOUNCE = env("RESPONSE_ANNOUNCE")

# --- Roles (issue 14: roles; response.core.roles) ------------------------------------------------

# The team's own roles, besides the incident lead, comms lead and scribe: a JSON list, or the path
# of a JSON or YAML file holding one; each {"slug", "name", "description", "instructions"}.
RESPONSE_ROLES = env("RESPONSE_ROLES")

# --- People and the channel's life (issue 14, part "people"; docs/slack.md) ---------------------

# Slack user groups whose members are invited to the channel by severity:
# "critical:@sre,@payments-oncall;major:@sre" -> {"critical": ["sre", "payments-oncall"], ...}.
RESPONSE_AUTO_INVITE: dict[str, list[str]] = {}
for _rule in filter(None, (r.strip() for r in env("RESPONSE_AUTO_INVITE").split(";"))):
    _slug, _, _handles = _rule.partition(":")
    _groups = [h.strip().lstrip("@").lower() for h in _handles.split(",") if h.strip(" @")]
    if not _slug.strip() or not _groups:
        raise ImproperlyConfigured(
            "RESPONSE_AUTO_INVITE is severity:@group,@group;severity:@group "
            f"(e.g. critical:@sre;major:@sre), not {_rule!r}."
        )
    RESPONSE_AUTO_INVITE[_slug.strip().lower()] = _groups
# Hours after resolution when the channel is archived (a last message links the write-up);
# reopening unarchives it. 0: never archived.
RESPONSE_ARCHIVE_AFTER_HOURS = float(env("RESPONSE_ARCHIVE_AFTER_HOURS", "24"))
# A call link for every new incident's channel, e.g. "https://meet.example.com/inc-{id}" ({id}
# is the incident's number); posted, pinned and bookmarked. Unset: only `@Response call <url>`.
RESPONSE_CALL_URL_TEMPLATE = env("RESPONSE_CALL_URL_TEMPLATE")
try:
    RESPONSE_CALL_URL_TEMPLATE.format(id=1)
except (KeyError, IndexError, ValueError) as _error:
    raise ImproperlyConfigured(
        f"RESPONSE_CALL_URL_TEMPLATE may use {{id}} only, not {_error}."
    ) from None

# Integrations (docs/integrations.md): each is switched on by its own variables, read here.

# -- PagerDuty ------------------------------------------------------------------------------
# On when PAGERDUTY_API_TOKEN is set (a REST API key: General Access, read-write).
PAGERDUTY_API_TOKEN = env("PAGERDUTY_API_TOKEN")
# PagerDuty's REST API wants the email of a PagerDuty user as `From` on what it changes.
PAGERDUTY_FROM_EMAIL = env("PAGERDUTY_FROM_EMAIL")
# The secret of the Generic Webhook (v3) subscription: its signatures are checked with it.
PAGERDUTY_WEBHOOK_SECRET = env("PAGERDUTY_WEBHOOK_SECRET")
# The REST API (another service region, or a local fake in tests and the demo).
PAGERDUTY_API_URL = env("PAGERDUTY_API_URL", "https://api.pagerduty.com")


# -- Atlassian Statuspage -------------------------------------------------------------------
# On when both the key and the page are set (response.integrations.statuspage.configured).
STATUSPAGE_API_KEY = env("STATUSPAGE_API_KEY")  # sent as `Authorization: OAuth <key>`
STATUSPAGE_PAGE_ID = env("STATUSPAGE_PAGE_ID")
STATUSPAGE_API_URL = env("STATUSPAGE_API_URL", "https://api.statuspage.io/v1").rstrip("/")
# The public page people read (e.g. https://status.example.com): linked when an incident's own
# shortlink is not known.
STATUSPAGE_PUBLIC_URL = env("STATUSPAGE_PUBLIC_URL").rstrip("/")


# -- Issue trackers: Jira, GitHub Issues ----------------------------------------------------
# Jira Cloud (REST API v3, basic auth with an API token): all four of URL, email, token and
# project key switch it on. The webhook secret signs Jira's webhooks (X-Hub-Signature).
JIRA_URL = env("JIRA_URL").rstrip("/")
JIRA_EMAIL = env("JIRA_EMAIL")
JIRA_API_TOKEN = env("JIRA_API_TOKEN")
JIRA_PROJECT_KEY = env("JIRA_PROJECT_KEY")
JIRA_ISSUE_TYPE = env("JIRA_ISSUE_TYPE", "Task")
JIRA_WEBHOOK_SECRET = env("JIRA_WEBHOOK_SECRET")
# GitHub Issues: a token that may write issues and the repository ("owner/name") switch it on.
GITHUB_TOKEN = env("GITHUB_TOKEN")
GITHUB_REPOSITORY = env("GITHUB_REPOSITORY")
GITHUB_API_URL = env("GITHUB_API_URL", "https://api.github.com").rstrip("/")
GITHUB_WEBHOOK_SECRET = env("GITHUB_WEBHOOK_SECRET")
# The trackers follow-up actions may be exported to, in the order Slack and the web page offer
# them (core reads this list; the integration reads the variables above).
TRACKERS = [
    *(["jira"] if JIRA_URL and JIRA_EMAIL and JIRA_API_TOKEN and JIRA_PROJECT_KEY else []),
    *(["github"] if GITHUB_TOKEN and GITHUB_REPOSITORY else []),
]
# How often the worker asks the trackers about exported actions still open here (what a
# webhook missed), in seconds.
TRACKERS_SYNC_SECONDS = int(env("TRACKERS_SYNC_SECONDS", "300"))


# -- Alert sources: Alertmanager, Grafana, generic JSON -------------------------------------

# Each source's receiver (/integrations/alerts/<source>) is on when its token is set; senders
# present it as "Authorization: Bearer <token>".
ALERTS_ALERTMANAGER_TOKEN = env("ALERTS_ALERTMANAGER_TOKEN")
ALERTS_GRAFANA_TOKEN = env("ALERTS_GRAFANA_TOKEN")
ALERTS_GENERIC_TOKEN = env("ALERTS_GENERIC_TOKEN")
# Where triage incidents are posted (a name or an id); the incidents channel if unset.
ALERTS_TRIAGE_CHANNEL = env("ALERTS_TRIAGE_CHANNEL")
# An alert that resolves while its incident is still in triage closes it (declined).
ALERTS_RESOLVED_CLOSES_TRIAGE = env_bool("ALERTS_RESOLVED_CLOSES_TRIAGE", default=True)


# -- Outgoing webhooks ----------------------------------------------------------------------
# On: incident events are POSTed, signed (Standard Webhooks), to the endpoints set in the admin.
RESPONSE_WEBHOOKS = env_bool("RESPONSE_WEBHOOKS")
# How long one delivery waits for the receiver's answer (seconds).
RESPONSE_WEBHOOKS_TIMEOUT = float(env("RESPONSE_WEBHOOKS_TIMEOUT", "10"))
# A receiver that refuses a delivery (a 4xx other than 408 and 429) is asked again after each
# of these delays (seconds); then the delivery has failed (retry it from the admin).
RESPONSE_WEBHOOKS_REJECTED_RETRIES = [
    float(seconds)
    for seconds in env_list("RESPONSE_WEBHOOKS_REJECTED_RETRIES") or ["5", "30", "300"]
]
# A receiver that is down (no answer, 5xx, 429) is retried with backoff for this long.
RESPONSE_WEBHOOKS_GIVE_UP_HOURS = float(env("RESPONSE_WEBHOOKS_GIVE_UP_HOURS", "72"))
# Deliveries made are kept in the log this long (failed ones until dealt with).
RESPONSE_WEBHOOKS_KEEP_DAYS = int(env("RESPONSE_WEBHOOKS_KEEP_DAYS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"ids": {"()": "response.observability.logs.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s%(ids)s"},
        "json": {"()": "response.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": RESPONSE_LOG_FORMAT,
            "filters": ["ids"],
        }
    },
    "root": {"handlers": ["console"], "level": env("RESPONSE_LOG_LEVEL", "INFO")},
    "loggers": {
        "huey": {"level": env("RESPONSE_LOG_LEVEL", "INFO")},
        "django.db.backends": {"level": "INFO"},
    },
}
