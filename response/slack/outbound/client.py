"""The only place that calls the Slack Web API. Thin: one call, an explicit timeout, no retries
and no sleeping here. Retrying belongs to the job that made the call (see response.slack.jobs)."""

from __future__ import annotations

import json
import logging
import urllib.error
from functools import cache

from django.conf import settings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from response.slack.jobs import Failed, Retry

logger = logging.getLogger(__name__)

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


@cache
def _client(token: str, base_url: str, timeout: float) -> WebClient:
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])


def web_client() -> WebClient:
    return _client(
        settings.SLACK_BOT_TOKEN, settings.SLACK_API_URL, settings.RESPONSE_SLACK_TIMEOUT
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
        return dict(response.data) if isinstance(response.data, dict) else {}
    except SlackApiError as error:
        status = error.response.status_code
        code = error.response.get("error", "") if isinstance(error.response.data, dict) else ""
        if status == 429 or code == "ratelimited":
            retry_after = float(error.response.headers.get("Retry-After", 1) or 1)
            raise RateLimited(f"{method}: rate limited", delay=retry_after) from None
        if status >= 500 or code in TRANSIENT_ERRORS:
            raise Transient(f"{method}: HTTP {status} {code}") from None
        raise Permanent(method, code or f"HTTP {status}") from None
    except (
        urllib.error.URLError,
        TimeoutError,
        ConnectionError,
        json.JSONDecodeError,
        SlackClientError,
    ) as error:
        raise Transient(f"{method}: {error!r}") from None
