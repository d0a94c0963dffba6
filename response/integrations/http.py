"""Calling another service's HTTP API from a work engine job: JSON in and out, and the other
side's failures turned into the engine's verdicts, so every integration retries the same way.

    answer = call_json("POST", f"{base}/incidents", json={...}, headers=auth, remote="statuspage")

- no connection, a timeout, a 5xx, a 429 (its `Retry-After` kept), a 408: `Retry(remote=...)`,
  so the job holds its lane, in order, and every job waiting for that service is released at
  once when it answers again (`response.engine.health`);
- any other 4xx: `Refused` (a `Failed`: asking again would be refused again), with the service's
  own words, for the person who asked;
- a 2xx or 3xx: the `Answer`, and the service is marked as answering.

No call here belongs inside a database transaction: jobs of a remote kind perform outside one.
"""

from __future__ import annotations

import json as jsonlib
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from response.engine import health
from response.engine.kinds import Failed, Retry

TIMEOUT = 10.0
MAX_RETRY_AFTER = 600.0


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # the JSON answered, or the text when it was not JSON, or None
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased


class Refused(Failed):
    """The service refused the request for good (a 4xx other than 408 and 429)."""

    def __init__(self, remote: str, status: int, detail: str):
        super().__init__(f"{remote} refused it ({status}): {detail}")
        self.remote = remote
        self.status = status
        self.detail = detail


def call_json(
    method: str,
    url: str,
    *,
    remote: str,
    json: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Answer:
    body = None if json is None else jsonlib.dumps(json).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method=method.upper(),
        headers={
            "Accept": "application/json",
            **({"Content-Type": "application/json"} if body is not None else {}),
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            answer = _answer(response.status, response.read(), response.headers)
    except urllib.error.HTTPError as error:
        answer = _answer(error.code, error.read(), error.headers)
    except (TimeoutError, urllib.error.URLError, OSError) as error:  # no answer at all
        raise Retry(f"{remote} did not answer: {error}", remote=remote) from error
    return judge(answer, remote=remote)


def judge(answer: Answer, *, remote: str) -> Answer:
    """The answer when it is a success; else the engine's verdict on it, raised (for clients
    that make the request themselves, such as an official SDK)."""
    if answer.status in (408, 429) or answer.status >= 500:
        raise Retry(  # the engine marks the service down and keeps the lane waiting for it
            f"{remote} answered {answer.status}",
            delay=_retry_after(answer.headers.get("retry-after")),
            remote=remote,
        )
    health.answered(remote)
    if answer.status >= 400:
        raise Refused(remote, answer.status, _detail(answer.body))
    return answer


def _answer(status: int, raw: bytes, headers: Message | None) -> Answer:
    text = raw.decode("utf-8", errors="replace")
    try:
        body: Any = jsonlib.loads(text) if text.strip() else None
    except ValueError:
        body = text
    names = {name.lower(): value for name, value in (headers.items() if headers else [])}
    return Answer(status=int(status), body=body, headers=names)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` of seconds (an HTTP date is rare from APIs: back off)."""
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER) if value else None
    except ValueError:
        return None


def _words(value: Any) -> str:
    """Jira's {"project": "valid project is required"} or ["a", "b"] as a person reads them."""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_words(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(_words(item) for item in value)
    return str(value)


def _detail(body: Any) -> str:
    """The service's own explanation, short."""
    if isinstance(body, dict):
        for key in ("message", "error", "errorMessages", "errors", "detail"):
            if body.get(key):
                return _words(body[key])[:500]
    return str(body)[:500] if body else "no reason given"
