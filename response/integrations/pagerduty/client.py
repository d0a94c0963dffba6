"""PagerDuty's REST API through the official `pagerduty` package, one attempt per call.

The package retries by itself (a 429 forever, network errors three times) and sleeps between
attempts; here the work engine decides: the client makes one attempt, and its failures become
the engine's verdicts through `response.integrations.http.judge`, as every integration's do
(5xx, 429, 408 and no answer: `Retry`; another 4xx: `Refused`, with PagerDuty's words).

    with rest_client() as client, judged():
        incident = client.rpost("/incidents", json={...})
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pagerduty
from django.conf import settings

from response.engine.kinds import Retry
from response.integrations.http import TIMEOUT, Answer, judge

REMOTE = "pagerduty"

# The package logs each failed call as an ERROR, with attempt counts that mean nothing once its
# retries are off; what happens to the call is the engine's to say (`response jobs`, the
# "pagerduty is still unavailable" line), so its own lines are kept for debugging only.
_package_log = logging.getLogger("response.integrations.pagerduty.package")
_package_log.setLevel(logging.CRITICAL)


class OneAttemptClient(pagerduty.RestApiV2Client):
    """The package's REST client without its own retries and sleeps."""

    # A network error raises at once (the package's count starts above this number).
    max_network_attempts = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.log = _package_log
        self.timeout = int(TIMEOUT)  # the package waits a minute by default
        # The package retries a 429 without end unless told how often; with no attempt allowed
        # beyond the first, it answers the 429 (and any 5xx) at once for `judged` to turn into
        # the engine's Retry, which honours Retry-After.
        self.retry = {status: 1 for status in (429, 500, 502, 503, 504)}
        self.max_http_attempts = -1

    @property
    def url(self) -> str:
        return self._url or ""

    @url.setter
    def url(self, base_url: str) -> None:
        # The package insists on https://; a local fake (tests, the demo) speaks plain HTTP.
        self._url = base_url.rstrip("/")


def rest_client() -> OneAttemptClient:
    return OneAttemptClient(
        settings.PAGERDUTY_API_TOKEN,
        default_from=settings.PAGERDUTY_FROM_EMAIL or None,
        base_url=settings.PAGERDUTY_API_URL,
    )


@contextmanager
def judged() -> Iterator[None]:
    """The package's errors as the engine's: `Retry` or `Refused` (see the module docstring)."""
    try:
        yield
    except pagerduty.HttpError as error:
        judge(answer_of(error.response), remote=REMOTE)
        raise  # a 2xx or 3xx the package found wrong (a body it could not read)
    except pagerduty.Error as error:  # no answer at all
        raise Retry(f"{REMOTE} did not answer: {error}", remote=REMOTE) from error


def checked(response: Any) -> Answer:
    """A response the package returned (it raises only for some statuses) judged like any."""
    return judge(answer_of(response), remote=REMOTE)


def answer_of(response: Any) -> Answer:
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        # PagerDuty explains itself as {"error": {"message": …, "errors": […]}}.
        error = body["error"]
        body = {"message": "; ".join([str(error.get("message", "")), *error.get("errors", [])])}
    headers = {name.lower(): value for name, value in response.headers.items()}
    return Answer(status=response.status_code, body=body, headers=headers)


def probe() -> None:
    """A cheap call that raises while PagerDuty is unavailable: the sweep asks it while jobs
    wait for PagerDuty, and releases them at once when it answers (response.engine.health)."""
    with rest_client() as client, judged():
        checked(client.get("/abilities"))
