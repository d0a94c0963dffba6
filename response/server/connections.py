"""What this process is connected to, said in words (never with a password or a token), and the
small probes `response doctor` and `/readyz` share.

    Slack: @response in Acme Corp (Socket Mode); database: PostgreSQL test@127.0.0.1:5432/response;
    queue: Redis 127.0.0.1:6379/0
"""

from __future__ import annotations

import logging
import urllib.error
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from response.settings import huey_settings

# Start-up and `doctor` ask Slack once each; a Slack that does not answer in this time is down.
SLACK_PROBE_TIMEOUT = 10

# slack_sdk logs every failed request as an ERROR; a probe says what failed in its own words.
_quiet = logging.getLogger("response.server.slack_probe")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


def describe_database(given: Mapping[str, Any] | None = None) -> str:
    """The default database (or the given settings.DATABASES entry) in words."""
    db: Mapping[str, Any] = given or settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    vendor = "PostgreSQL" if "postgresql" in db["ENGINE"] else db["ENGINE"].rsplit(".", 1)[-1]
    return f"{vendor} {_address(db.get('USER'), db.get('HOST'), db.get('PORT'), db.get('NAME'))}"


def describe_queue(queue_url: str | None = None) -> str:
    """RESPONSE_QUEUE_URL (or the given one) in words."""
    url = urlsplit(queue_url or settings.RESPONSE_QUEUE_URL)
    if url.scheme == "memory":
        return "in memory (this process only)"
    if url.scheme == "sqlite":
        return f"SQLite {huey_settings(url.geturl())['filename']}"
    vendor = "Redis" if url.scheme in {"redis", "rediss"} else "PostgreSQL"
    user = None if vendor == "Redis" else url.username
    database = url.path.lstrip("/") or ("0" if vendor == "Redis" else "")
    return f"{vendor} {_address(user, url.hostname, url.port, database)}"


def _address(user: str | None, host: str | None, port: object, database: str | None) -> str:
    """user@host:port/database, leaving out what is not set (and the password, always)."""
    where = host or "localhost"
    if port:
        where += f":{port}"
    if user:
        where = f"{unquote(user)}@{where}"
    return f"{where}/{database}" if database else where


def slack_client(token: str) -> WebClient:
    """A client that asks once: a probe that fails is the answer, not something to retry."""
    return WebClient(
        token=token,
        base_url=settings.SLACK_API_URL,
        timeout=SLACK_PROBE_TIMEOUT,
        retry_handlers=[],
        logger=_quiet,
    )


@dataclass(frozen=True)
class SlackAnswer:
    """Slack's answer to a probe: the response, or why there is none."""

    response: SlackResponse | None = None
    error: str = ""  # Slack's error code ("invalid_auth"), or what went wrong on the way
    unreachable: bool = False


def ask_slack(method: str, token: str, **arguments: object) -> SlackAnswer:
    try:
        return SlackAnswer(response=slack_client(token).api_call(method, params=arguments))
    except SlackApiError as error:
        return SlackAnswer(error=str(error.response.get("error", "error")))
    except urllib.error.URLError as error:  # refused, a name that does not resolve, …
        return SlackAnswer(error=str(error.reason), unreachable=True)
    except Exception as error:  # timed out, …
        return SlackAnswer(error=str(error) or type(error).__name__, unreachable=True)


def describe_slack(mode: str, identity: Mapping[str, Any] | None = None) -> str:
    """`Slack: @response in Acme Corp (Socket Mode)`, or what is wrong. From `identity` (an
    `auth.test` answer the process already has), else Slack is asked."""
    if not settings.SLACK_BOT_TOKEN:
        return "Slack: not configured (SLACK_BOT_TOKEN is not set)"
    suffix = f" ({mode})" if mode else ""
    if identity is not None:
        return f"Slack: @{identity['user']} in {identity['team']}{suffix}"
    answer = ask_slack("auth.test", settings.SLACK_BOT_TOKEN)
    if answer.response is None:
        problem = "not reachable" if answer.unreachable else "refuses the bot token"
        return f"Slack: {problem} ({answer.error}){suffix}"
    return f"Slack: @{answer.response['user']} in {answer.response['team']}{suffix}"


def slack_mode() -> str:
    if settings.SLACK_APP_TOKEN:
        return "Socket Mode"
    return "HTTP events at /slack/events"


def startup_line(*, mode: str, identity: Mapping[str, Any] | None = None) -> str:
    """The one line `run`, `web` and `worker` print at start-up."""
    slack = describe_slack(mode, identity)
    return f"{slack}; database: {describe_database()}; queue: {describe_queue()}"


def queue_size() -> int:
    """Messages waiting in the worker queue; raises when the queue cannot be reached."""
    from huey.contrib.djhuey import HUEY

    return int(HUEY.storage.queue_size())
