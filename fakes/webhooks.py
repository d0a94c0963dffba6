"""A receiver of Standard Webhooks (https://www.standardwebhooks.com), as a team would write one.

    receiver = FakeWebhookReceiver().start()
    url = receiver.endpoint("ops", secret="whsec_...")   # POST {url}: /hooks/ops
    receiver.messages("ops")          # each message once, in the order first received
    receiver.redeliveries["msg_..."]  # how many times a message came again

For each request it checks what a careful receiver checks, and answers as one would:

- the three headers are there, the timestamp is within TOLERANCE seconds of its clock, and one
  of the `v1,` signatures is the HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}" keyed
  with the base64-decoded secret: else 401, and nothing is recorded as received;
- a `webhook-id` it already has is acknowledged (200) and counted as a redelivery, not recorded
  again: a receiver's de-duplication;
- `refuse(name, status)` makes the endpoint answer that status (a receiver that rejects the
  payload), besides the base's `outage()` and `drop_answers()`.

Written apart from Response's signing code on purpose: it checks Response against the
specification, not against itself.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakes.service import FakeService, Reply, Request

TOLERANCE = 5 * 60  # seconds, the specification's recommendation


@dataclass(frozen=True)
class Message:
    id: str
    timestamp: int
    body: bytes
    headers: dict[str, str]

    @property
    def payload(self) -> Any:
        return json.loads(self.body)

    @property
    def type(self) -> str:
        return str(self.payload["type"])


@dataclass
class _Refusal:
    status: int
    calls: int | None  # None: until told otherwise


class FakeWebhookReceiver(FakeService):
    def __init__(self, *, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock
        self.route("POST", "/hooks/{name}", self.receive)
        self._secrets: dict[str, str] = {}
        self._messages: dict[str, list[Message]] = {}
        self._seen: set[str] = set()
        self._refusals: dict[str, _Refusal] = {}
        self.redeliveries: Counter[str] = Counter()
        self.rejected: list[tuple[str, int, str]] = []  # (endpoint, status, why)

    # -- set-up -----------------------------------------------------------------------------

    def endpoint(self, name: str, *, secret: str) -> str:
        """Accept webhooks signed with `secret` at /hooks/<name>; returns its URL."""
        with self.lock:
            self._secrets[name] = secret
            self._messages.setdefault(name, [])
        return f"{self.url}/hooks/{name}"

    def refuse(self, name: str, status: int = 400, *, calls: int | None = None) -> None:
        """Answer `status` (verified requests only) at this endpoint, for the next `calls`."""
        with self.lock:
            self._refusals[name] = _Refusal(status, calls)

    def accept(self, name: str) -> None:
        with self.lock:
            self._refusals.pop(name, None)

    # -- what arrived -----------------------------------------------------------------------

    def messages(self, name: str) -> list[Message]:
        with self.lock:
            return list(self._messages.get(name, []))

    def types(self, name: str) -> list[str]:
        return [message.type for message in self.messages(name)]

    # -- serving ----------------------------------------------------------------------------

    def receive(self, request: Request) -> Reply:
        name = request.params["name"]
        with self.lock:
            secret = self._secrets.get(name)
        if secret is None:
            return Reply(404, {"error": f"no endpoint {name}"})
        problem = self.verify(request, secret)
        if problem:
            with self.lock:
                self.rejected.append((name, 401, problem))
            return Reply(401, {"error": problem})
        message = Message(
            id=request.header("webhook-id"),
            timestamp=int(request.header("webhook-timestamp")),
            body=request.body,
            headers=dict(request.headers),
        )
        with self.lock:
            refusal = self._refusals.get(name)
            if refusal is not None and refusal.calls != 0:
                if refusal.calls is not None:
                    refusal.calls -= 1
                self.rejected.append((name, refusal.status, "refused as told"))
                return Reply(refusal.status, {"error": "refused by the receiver"})
            if message.id in self._seen:
                self.redeliveries[message.id] += 1
                return Reply(200, {"ok": True, "duplicate": True})
            self._seen.add(message.id)
            self._messages[name].append(message)
        return Reply(200, {"ok": True})

    def verify(self, request: Request, secret: str) -> str:
        """Why this request is not authentic, or "" when it is."""
        message_id = request.header("webhook-id")
        stamp = request.header("webhook-timestamp")
        signatures = request.header("webhook-signature")
        if not (message_id and stamp and signatures):
            return "missing webhook-id, webhook-timestamp or webhook-signature"
        try:
            timestamp = int(stamp)
        except ValueError:
            return "the timestamp is not a number of seconds"
        if abs(self.clock() - timestamp) > TOLERANCE:
            return "the timestamp is too old or too new"
        try:
            key = base64.b64decode(secret.split("whsec_", 1)[-1])
        except binascii.Error:
            return "the endpoint's secret is not base64"
        content = message_id.encode() + b"." + stamp.encode() + b"." + request.body
        expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest())
        for candidate in signatures.split(" "):
            version, _, value = candidate.partition(",")
            if version == "v1" and hmac.compare_digest(value.encode(), expected):
                return ""
        return "no valid signature"
