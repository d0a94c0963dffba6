"""The pure parts of outgoing webhooks: the Standard Webhooks signature, secrets, event types."""

from __future__ import annotations

import base64

import pytest

from response.core.events import Change
from response.integrations.webhooks import events
from response.integrations.webhooks.signing import (
    new_secret,
    signature,
    signed_headers,
    signing_key,
)

# The example published with the specification (and its reference libraries' tests).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specifications_example():
    assert (
        signature(SPEC_SECRET, message_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY)
        == SPEC_SIGNATURE
    )


def test_the_secret_works_without_its_prefix_too():
    assert signing_key(SPEC_SECRET) == signing_key(SPEC_SECRET.removeprefix("whsec_"))


def test_the_headers():
    assert signed_headers(
        [SPEC_SECRET], message_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY
    ) == {
        "webhook-id": SPEC_ID,
        "webhook-timestamp": "1614265330",
        "webhook-signature": SPEC_SIGNATURE,
    }


def test_while_rotating_a_message_has_a_signature_per_secret():
    other = new_secret()
    headers = signed_headers(
        [other, SPEC_SECRET], message_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY
    )
    first, second = headers["webhook-signature"].split(" ")
    assert second == SPEC_SIGNATURE
    assert first == signature(other, message_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY)


@pytest.mark.parametrize(
    ("changed", "message_id", "timestamp", "body"),
    [
        ("body", SPEC_ID, SPEC_TIMESTAMP, b'{"test": 2432232315}'),
        ("id", "msg_other", SPEC_TIMESTAMP, SPEC_BODY),
        ("timestamp", SPEC_ID, SPEC_TIMESTAMP + 1, SPEC_BODY),
    ],
)
def test_every_part_is_signed(changed, message_id, timestamp, body):
    assert (
        signature(SPEC_SECRET, message_id=message_id, timestamp=timestamp, body=body)
        != SPEC_SIGNATURE
    )


def test_new_secrets_are_random_whsec_keys_of_24_bytes():
    first, second = new_secret(), new_secret()
    assert first != second
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"), validate=True)) == 24


def test_every_published_change_has_a_documented_event_type():
    published = {events.event_type_of(change) for change in Change} - {None}
    assert published == set(events.EVENT_TYPES)
    assert events.event_type_of(Change.SEVERITY) == "incident.updated"
    assert events.event_type_of(Change.TIMELINE_ADDED) is None
    assert events.event_type_of(Change.MADE_PRIVATE) is None


def test_bookkeeping_fields_are_not_news():
    assert events.published_fields(("status", "updated_at", "last_update_at", "resolved_at")) == [
        "status",
        "resolved_at",
    ]
