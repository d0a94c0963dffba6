"""Delivering events, slash commands and interactions to the app, the way Slack does.

Over HTTP: a POST to the request URL signed with the signing secret (``X-Slack-Signature`` v0,
``X-Slack-Request-Timestamp``); events as a JSON ``event_callback``, commands form-encoded,
interactions as a form field ``payload``. Over Socket Mode: an envelope on the WebSocket.

Each delivery blocks until the app answered or the ack timeout passed, so tests are
deterministic. Events that fail (no 2xx in time, no ack) are redelivered up to three times with
``X-Slack-Retry-Num``/``X-Slack-Retry-Reason`` (``retry_attempt``/``retry_reason`` in Socket Mode).
Like Slack, commands and interactions are not redelivered: the user sees an error instead.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlparse

from .ids import new_envelope_id
from .socket_mode import NoConnection, SocketModeServer

MAX_RETRIES = 3


@dataclass
class AppConfig:
    """Where and how the app receives deliveries."""

    # One URL, or several separated by spaces: deliveries then take turns between them, as a
    # load balancer in front of several web processes would share them out.
    request_url: str | None = None
    socket_mode: bool = False
    retries: bool = True
    ack_timeout: float = 3.0
    # Slack waits a minute, then five, between retries; tests want no wait.
    retry_delay: float = 0.0
    # Event types to deliver; None means every type (as if subscribed to all).
    events: set[str] | None = None
    # Also deliver events caused by the bot's own Web API calls.
    self_events: bool = False


@dataclass
class Attempt:
    status: int | None
    body: Any
    error: str | None  # http_timeout, http_error, connection_failed, timeout, no_connection
    duration: float


@dataclass
class Delivery:
    """The outcome of delivering one event, command or interaction."""

    kind: str  # "event", "command", "interaction" or "url_verification"
    payload: dict[str, Any]
    trigger_id: str | None = None
    transport: str = "none"  # "http", "socket" or "none" (no app configured)
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def status(self) -> int | None:
        return self.attempts[-1].status if self.attempts else None

    @property
    def body(self) -> Any:
        """The app's answer: parsed JSON, text, or ``None`` when empty (or no answer)."""
        return self.attempts[-1].body if self.attempts else None

    @property
    def error(self) -> str | None:
        return self.attempts[-1].error if self.attempts else "no_app"

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.error is None

    @property
    def retries(self) -> int:
        return max(0, len(self.attempts) - 1)

    @property
    def response_action(self) -> str | None:
        body = self.body
        return body.get("response_action") if isinstance(body, dict) else None

    @property
    def event_id(self) -> str | None:
        return self.payload.get("event_id")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "transport": self.transport,
            "status": self.status,
            "body": self.body,
            "error": self.error,
            "ok": self.ok,
            "trigger_id": self.trigger_id,
            "attempts": len(self.attempts),
            "response_action": self.response_action,
            "payload": self.payload,
        }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def _parse_body(content_type: str, raw: bytes) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    if "json" in content_type or text.lstrip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


class Dispatcher:
    def __init__(self, *, signing_secret: str, socket: SocketModeServer) -> None:
        self.config = AppConfig()
        self.signing_secret = signing_secret
        self.socket = socket
        self.log: list[Delivery] = []
        self._lock = threading.Lock()
        self._turns = itertools.count()

    def deliveries(self, kind: str | None = None) -> list[Delivery]:
        with self._lock:
            return [d for d in self.log if kind is None or d.kind == kind]

    # -- the three kinds ---------------------------------------------------------------------

    def event(self, envelope: dict[str, Any]) -> Delivery:
        body = json.dumps(envelope).encode()
        return self._deliver(
            Delivery("event", envelope), body, "application/json", "events_api", retry=True
        )

    def command(self, form: dict[str, str], trigger_id: str) -> Delivery:
        body = urlencode(form).encode()
        return self._deliver(
            Delivery("command", form, trigger_id),
            body,
            "application/x-www-form-urlencoded",
            "slash_commands",
            retry=False,
        )

    def url_verification(self, payload: dict[str, Any]) -> Delivery:
        """The handshake Slack makes when a request URL is set (HTTP only, never retried)."""
        body = json.dumps(payload).encode()
        return self._deliver(
            Delivery("url_verification", payload), body, "application/json", "", retry=False
        )

    def interaction(self, payload: dict[str, Any], trigger_id: str | None = None) -> Delivery:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return self._deliver(
            Delivery("interaction", payload, trigger_id),
            body,
            "application/x-www-form-urlencoded",
            "interactive",
            retry=False,
        )

    # -- transport ---------------------------------------------------------------------------

    def _deliver(
        self, delivery: Delivery, body: bytes, content_type: str, envelope_type: str, *, retry: bool
    ) -> Delivery:
        config = self.config
        if config.socket_mode and envelope_type:
            delivery.transport = "socket"
        elif config.request_url:
            delivery.transport = "http"
        else:
            return self._logged(delivery)
        reason = ""
        for attempt_number in range(MAX_RETRIES + 1):
            if attempt_number:
                time.sleep(config.retry_delay)
            if delivery.transport == "socket":
                attempt = self._over_socket(envelope_type, delivery.payload, attempt_number, reason)
            else:
                attempt = self._over_http(body, content_type, attempt_number, reason)
            delivery.attempts.append(attempt)
            if attempt.error is None or not (retry and config.retries):
                break
            reason = attempt.error
        return self._logged(delivery)

    def _logged(self, delivery: Delivery) -> Delivery:
        with self._lock:
            self.log.append(delivery)
        return delivery

    def _over_http(self, body: bytes, content_type: str, retry_num: int, reason: str) -> Attempt:
        config = self.config
        url = urlparse(self._next_request_url())
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature(self.signing_secret, timestamp, body),
        }
        if retry_num:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = reason
        connection_class = (
            http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        )
        path = url.path or "/"
        if url.query:
            path += "?" + url.query
        started = time.monotonic()
        connection = connection_class(
            url.hostname or "127.0.0.1", url.port, timeout=config.ack_timeout
        )
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
            status = response.status
            parsed = _parse_body(response.getheader("Content-Type", ""), raw)
        except TimeoutError:
            return Attempt(None, None, "http_timeout", time.monotonic() - started)
        except OSError:
            return Attempt(None, None, "connection_failed", time.monotonic() - started)
        finally:
            connection.close()
        duration = time.monotonic() - started
        error = None if 200 <= status < 300 else "http_error"
        return Attempt(status, parsed, error, duration)

    def _next_request_url(self) -> str:
        urls = (self.config.request_url or "").split()
        return urls[next(self._turns) % len(urls)] if urls else ""

    def _over_socket(
        self, envelope_type: str, payload: dict[str, Any], retry_attempt: int, reason: str
    ) -> Attempt:
        envelope = {
            "envelope_id": new_envelope_id(),
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": envelope_type != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": reason,
        }
        started = time.monotonic()
        try:
            ack = self.socket.deliver(envelope, timeout=self.config.ack_timeout)
        except NoConnection:
            return Attempt(None, None, "no_connection", time.monotonic() - started)
        duration = time.monotonic() - started
        if ack is None:
            return Attempt(None, None, "timeout", duration)
        return Attempt(200, ack.get("payload"), None, duration)
