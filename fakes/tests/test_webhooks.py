"""The fake webhook receiver: it accepts the specification's own example, refuses forgeries and
stale messages, counts a message once, and fails as told."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

import pytest

from fakes.webhooks import FakeWebhookReceiver

# The example in the Standard Webhooks specification and its reference libraries' tests.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def signed(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }


@pytest.fixture
def receiver():
    with FakeWebhookReceiver() as fake:
        yield fake


def test_the_specifications_example_is_accepted():
    with FakeWebhookReceiver(clock=lambda: SPEC_TIMESTAMP) as fake:
        url = fake.endpoint("spec", secret=SPEC_SECRET)
        headers = {
            "webhook-id": SPEC_ID,
            "webhook-timestamp": str(SPEC_TIMESTAMP),
            # Another version's signature beside it, as during a key rotation, is ignored.
            "webhook-signature": f"v2,bm9wZQ== {SPEC_SIGNATURE}",
        }
        assert post(url, SPEC_BODY, headers) == 200
        [message] = fake.messages("spec")
        assert (message.id, message.payload) == (SPEC_ID, {"test": 2432232314})


@pytest.mark.parametrize(
    "tamper",
    [
        lambda h, b: (
            {**h, "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="},
            b,
        ),
        lambda h, b: (h, b + b" "),
        lambda h, b: ({**h, "webhook-id": "msg_other"}, b),
        lambda h, b: ({k: v for k, v in h.items() if k != "webhook-signature"}, b),
        lambda h, b: ({**h, "webhook-timestamp": "soon"}, b),
    ],
    ids=["wrong signature", "changed body", "other id", "unsigned", "bad timestamp"],
)
def test_forgeries_are_refused_and_not_recorded(receiver, tamper):
    url = receiver.endpoint("ops", secret=SPEC_SECRET)
    body = json.dumps({"type": "incident.declared"}).encode()
    headers, body = tamper(signed(SPEC_SECRET, "msg_1", int(time.time()), body), body)
    assert post(url, body, headers) == 401
    assert receiver.messages("ops") == []


@pytest.mark.parametrize("skew", [-301, 301])
def test_stale_or_future_timestamps_are_refused(receiver, skew):
    url = receiver.endpoint("ops", secret=SPEC_SECRET)
    body = b'{"type": "incident.declared"}'
    assert post(url, body, signed(SPEC_SECRET, "msg_1", int(time.time()) + skew, body)) == 401
    assert receiver.rejected[0][2] == "the timestamp is too old or too new"


def test_a_message_is_recorded_once_and_its_redeliveries_counted(receiver):
    url = receiver.endpoint("ops", secret=SPEC_SECRET)
    body = b'{"type": "incident.declared"}'
    for _ in range(3):  # each attempt signs anew, with its own timestamp
        assert post(url, body, signed(SPEC_SECRET, "msg_1", int(time.time()), body)) == 200
    assert [m.id for m in receiver.messages("ops")] == ["msg_1"]
    assert receiver.redeliveries["msg_1"] == 2
    assert receiver.types("ops") == ["incident.declared"]


def test_refusing_as_told_then_accepting(receiver):
    url = receiver.endpoint("ops", secret=SPEC_SECRET)
    body = b'{"type": "incident.declared"}'
    receiver.refuse("ops", 422, calls=1)
    assert post(url, body, signed(SPEC_SECRET, "msg_1", int(time.time()), body)) == 422
    assert post(url, body, signed(SPEC_SECRET, "msg_1", int(time.time()), body)) == 200
    assert len(receiver.messages("ops")) == 1


def test_an_unknown_endpoint_is_a_404(receiver):
    assert post(f"{receiver.url}/hooks/nobody", b"{}", {}) == 404
