"""The only place that calls the Slack Web API. Thin: one call, an explicit timeout, no retries
and no sleeping here. Retrying belongs to the job that made the call (response.engine).

Calls go through slack_sdk's `WebClient` (its argument handling, its errors) over one persistent
HTTP connection per thread, instead of a new TCP (and TLS) connection per call.
"""

from __future__ import annotations

import http.client
import json
import logging
import select
import ssl
import threading
import urllib.error
import urllib.request
from functools import cache
from urllib.parse import urlsplit
from urllib.request import Request

from django.conf import settings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse

from response.engine import health
from response.engine.kinds import Failed, Retry
from response.observability.metrics import SLACK_API_CALLS, slack_api_outcome

logger = logging.getLogger(__name__)

SLACK = "slack"  # the remote service's name, for response.engine.health

# Errors that are Slack's fault and may pass.
TRANSIENT_ERRORS = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}


class RateLimited(Retry):
    pass


class Transient(Retry):
    pass


class Permanent(Failed):
    def __init__(self, method: str, error: str):
        super().__init__(f"{method}: {error}")
        self.error = error


class KeepAliveWebClient(WebClient):
    """slack_sdk's WebClient, sending each request over this thread's open connection.

    A connection the server closed while idle is noticed before it is used (its socket reads as
    ready), and replaced. A request that fails on the wire is not resent here: Slack may have
    applied it, and only the job that made it can tell (it reconciles before trying again)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._connections = threading.local()

    def api_call(self, api_method: str, **kwargs) -> SlackResponse:
        """Every Web API call (the worker's, views.open, auth.test) is counted by outcome."""
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            data = error.response.data if isinstance(error.response.data, dict) else {}
            outcome = slack_api_outcome(error.response.status_code, str(data.get("error", "")))
            SLACK_API_CALLS.labels(api_method, outcome).inc()
            raise
        except Exception:
            SLACK_API_CALLS.labels(api_method, slack_api_outcome(None)).inc()
            raise
        SLACK_API_CALLS.labels(api_method, "ok").inc()
        return response

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict:
        if self.proxy:
            return super()._perform_urllib_http_request_internal(url, req)
        parts = urlsplit(url)
        connection = self._connection(parts.scheme, parts.netloc)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                req.get_method(), path, body=req.data, headers=dict(req.header_items())
            )
            response = connection.getresponse()
            body = response.read()
        except BaseException:
            connection.close()
            raise
        if response.will_close:
            connection.close()
        charset = response.headers.get_content_charset() or "utf-8"
        return {
            "status": response.status,
            "headers": response.headers,
            "body": body.decode(charset),
        }

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        pool: dict = self._connections.__dict__.setdefault("pool", {})
        connection = pool.get((scheme, netloc))
        if connection is not None and _closed_by_peer(connection):
            connection.close()
        if connection is None:
            if scheme == "https":
                context = self.ssl or ssl.create_default_context()
                connection = http.client.HTTPSConnection(
                    netloc, timeout=self.timeout, context=context
                )
            else:
                connection = http.client.HTTPConnection(netloc, timeout=self.timeout)
            pool[(scheme, netloc)] = connection
        return connection


def _closed_by_peer(connection: http.client.HTTPConnection) -> bool:
    """An idle keep-alive socket that is readable has been closed by the server (or is broken)."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


@cache
def _client(token: str, base_url: str, timeout: float) -> WebClient:
    return KeepAliveWebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])


# views.open must finish before Slack's 3-second deadline; never wait longer than this for it.
REQUEST_PATH_TIMEOUT = 2.5


def request_path_client() -> WebClient:
    """For the one Slack call allowed before answering (views.open): a short timeout, no retry,
    a kept-alive connection. (Not the client Bolt hands its listeners: it makes a new one, and
    a new connection, for each request.)"""
    return _client(settings.SLACK_BOT_TOKEN, settings.SLACK_API_URL, REQUEST_PATH_TIMEOUT)


def web_client(*, timeout: float | None = None) -> WebClient:
    return _client(
        settings.SLACK_BOT_TOKEN,
        settings.SLACK_API_URL,
        timeout if timeout is not None else settings.RESPONSE_SLACK_TIMEOUT,
    )


def call(method: str, **arguments) -> dict:
    """Call a Web API method ("chat.postMessage") and return Slack's answer as a dict.

    Raises RateLimited(delay=Retry-After), Transient (5xx, network, timeout) or Permanent.
    """
    client = web_client()
    function = getattr(client, method.replace(".", "_"), None)
    try:
        if function is not None:
            response = function(**arguments)
        else:
            response = client.api_call(method, json=arguments)
    except SlackApiError as error:
        status = error.response.status_code
        code = error.response.get("error", "") if isinstance(error.response.data, dict) else ""
        if status == 429 or code == "ratelimited":
            headers = error.response.headers or {}
            retry_after = headers.get("Retry-After") or headers.get("retry-after") or 1
            health.answered(SLACK)  # it answered: it is up, only busy
            raise RateLimited(f"{method}: rate limited", delay=float(retry_after)) from None
        if status >= 500 or code in TRANSIENT_ERRORS:
            raise Transient(f"{method}: HTTP {status} {code}", remote=SLACK) from None
        health.answered(SLACK)
        raise Permanent(method, code or f"HTTP {status}") from None
    except (
        urllib.error.URLError,
        http.client.HTTPException,
        TimeoutError,
        OSError,
        json.JSONDecodeError,
        SlackClientError,
    ) as error:
        raise Transient(f"{method}: {error!r}", remote=SLACK) from None
    health.answered(SLACK)
    return dict(response.data) if isinstance(response.data, dict) else {}


def probe() -> None:
    """Is Slack there? (`auth.test`: cheap, no side effect.) Raises when it is not."""
    try:
        web_client(timeout=5).auth_test()
    except SlackApiError as error:
        if error.response.status_code >= 500:
            raise


def is_slack_file_url(url: str) -> bool:
    """Whether a URL is one of Slack's private file URLs (files.slack.com, or the Slack this
    Response talks to, an emulator in tests and the demo): the only place the bot's token may
    be sent to with a file request."""
    parts, api = urlsplit(url), urlsplit(settings.SLACK_API_URL or "https://slack.com/api/")
    if parts.scheme not in {"https", "http"} or not parts.path.startswith(("/files-", "/files/")):
        return False
    return parts.netloc == "files.slack.com" or parts.netloc == api.netloc


def fetch_file(url: str, *, max_bytes: int) -> tuple[str, bytes]:
    """GET a private file of Slack's (a thumbnail) with the bot's token: (content type, bytes).

    Raises RateLimited, Transient (5xx, network, timeout) or Permanent (refused, too large)."""
    if not is_slack_file_url(url):
        raise Permanent("files", "not_a_slack_file_url")
    request = Request(url, headers={"Authorization": f"Bearer {settings.SLACK_BOT_TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=settings.RESPONSE_SLACK_TIMEOUT) as answer:
            content_type = answer.headers.get_content_type()
            data = answer.read(max_bytes + 1)
    except urllib.error.HTTPError as error:
        if error.code == 429:
            raise RateLimited(
                "files: rate limited", delay=float(error.headers.get("Retry-After") or 1)
            ) from None
        if error.code >= 500:
            raise Transient(f"files: HTTP {error.code}", remote=SLACK) from None
        raise Permanent("files", f"HTTP {error.code}") from None
    except (urllib.error.URLError, http.client.HTTPException, TimeoutError, OSError) as error:
        raise Transient(f"files: {error!r}", remote=SLACK) from None
    if len(data) > max_bytes:
        raise Permanent("files", "too_large")
    return content_type, data
