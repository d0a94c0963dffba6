"""Meeting Slack at start-up: a token Slack refuses stops the process with one line naming it;
Slack out of reach is said in one line, and in Socket Mode (where the process must hold the
connection) waited for with backoff, one line per attempt, until it answers."""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from response.refusal import Refusal
from response.slack.socket_mode import build_socket_mode_handler

FIRST_DELAY = 1.0  # seconds before the second attempt; doubled each time
MAX_DELAY = 30.0
TIMEOUT = 10  # seconds for one Web API call

WHERE_TOKENS_COME_FROM = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-…) on your Slack app's "
    "OAuth & Permissions page",
    "SLACK_APP_TOKEN": "an app-level token (xapp-…) with the connections:write scope, from "
    "your Slack app's Basic Information page",
}

Say = Callable[[str], None]

# slack_sdk logs each failed request as an error; the one line per attempt here says it instead.
_SDK_LOGGER = logging.getLogger(f"{__name__}.slack_sdk")
_SDK_LOGGER.setLevel(logging.CRITICAL)


class SlackRefused(Refusal):
    """Slack answered and refused a token: trying again will not help."""

    def __init__(self, variable: str, error: str) -> None:
        super().__init__(
            f"Slack refused {variable} ({error}).\nSet {variable} to "
            f"{WHERE_TOKENS_COME_FROM[variable]}; see docs/slack.md."
        )
        self.variable = variable
        self.error = error


class SlackUnreachable(Exception):
    """No answer from Slack (or one saying it is down or busy): it may answer later."""

    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def check_bot_token(*, say: Say) -> dict[str, Any] | None:
    """`auth.test` with SLACK_BOT_TOKEN: its answer (workspace, bot), or None if Slack is out of
    reach (said in one line: the work engine waits for Slack on its own). A refusal raises."""
    try:
        return _bot_identity()
    except SlackUnreachable as error:
        say(
            f"Slack is unreachable at {settings.SLACK_API_URL} ({error.reason}): "
            "SLACK_BOT_TOKEN is not checked; Slack work waits until Slack answers."
        )
        return None


def connect_socket_mode(*, say: Say, stop: threading.Event) -> SocketModeHandler | None:
    """Check the bot token and open the Socket Mode connection, trying again with backoff while
    Slack is out of reach; None if a stop is asked for first. A refused token raises."""
    handler = build_socket_mode_handler()
    try:
        connected = keep_trying(lambda: _connect(handler), say=say, stop=stop)
    except BaseException:
        handler.close()
        raise
    if connected is None:
        handler.close()
        return None
    return handler


def keep_trying[T](attempt: Callable[[], T], *, say: Say, stop: threading.Event) -> T | None:
    """`attempt()` until Slack answers, waiting 1, 2, 4 … 30 s (or its Retry-After) between
    tries; None if `stop` is set while waiting."""
    delay = FIRST_DELAY
    for number in itertools.count(1):
        try:
            return attempt()
        except SlackUnreachable as error:
            wait = max(delay, error.retry_after)
            say(
                f"Slack is unreachable at {settings.SLACK_API_URL} ({error.reason}); "
                f"trying again in {wait:g} s (attempt {number})."
            )
            if stop.wait(wait):
                return None
            delay = min(delay * 2, MAX_DELAY)
    raise AssertionError("unreachable")  # itertools.count never ends


def _connect(handler: SocketModeHandler) -> SocketModeHandler:
    _bot_identity()
    app_client = _web_client(settings.SLACK_APP_TOKEN)
    opened = _answer(
        lambda: app_client.apps_connections_open(app_token=settings.SLACK_APP_TOKEN),
        variable="SLACK_APP_TOKEN",
    )
    # The URL is ours to ask for: slack_sdk's own request logs a refusal as an error and sleeps
    # through a rate limit.
    handler.client.wss_uri = opened["url"]
    try:
        handler.connect()
    except (OSError, SlackClientError) as error:
        raise SlackUnreachable(f"Socket Mode: {_reason(error)}") from error
    if not handler.client.is_connected():
        raise SlackUnreachable("Socket Mode: the connection was not accepted")
    return handler


def _bot_identity() -> dict[str, Any]:
    client = _web_client(settings.SLACK_BOT_TOKEN)
    return _answer(client.auth_test, variable="SLACK_BOT_TOKEN")


def _web_client(token: str) -> WebClient:
    """One request per attempt (the attempts are counted and spaced here), quietly."""
    return WebClient(
        token=token,
        base_url=settings.SLACK_API_URL,
        timeout=TIMEOUT,
        logger=_SDK_LOGGER,
        retry_handlers=[],
    )


def _answer(call: Callable[[], Any], *, variable: str) -> dict[str, Any]:
    """Slack's answer to `call`, or SlackRefused / SlackUnreachable."""
    try:
        return dict(call().data)
    except SlackApiError as error:
        status = error.response.status_code
        code = str(error.response.get("error") or f"HTTP {status}")
        if status == 429 or code == "ratelimited":
            headers = {name.lower(): value for name, value in error.response.headers.items()}
            retry_after = float(headers.get("retry-after", 1))
            raise SlackUnreachable("rate limited", retry_after=retry_after) from error
        if status >= 500 or code in {"internal_error", "fatal_error", "service_unavailable"}:
            raise SlackUnreachable(code) from error
        raise SlackRefused(variable, code) from error
    except (OSError, SlackClientError) as error:
        raise SlackUnreachable(_reason(error)) from error


def _reason(error: BaseException) -> str:
    """`Connection refused`, not `<urlopen error [Errno 111] Connection refused>`."""
    reason = getattr(error, "reason", error)
    return getattr(reason, "strerror", None) or str(reason) or type(error).__name__
