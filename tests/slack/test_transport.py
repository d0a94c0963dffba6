"""The transport: signatures, malformed bodies, redeliveries, Socket Mode, the ack path."""

import json
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from fakeslack import signature
from response.core.models import Incident, TimelineEvent
from response.engine.models import Job
from response.slack.models import InboundDelivery
from tests.slack.fixtures import configure_app
from tests.slack.helpers import declare_in_slack


def post(url, body: bytes, *, content_type, secret=None, timestamp=None, headers=None):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    request_headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp}
    if secret is not None:
        request_headers["X-Slack-Signature"] = signature(secret, timestamp, body)
    request_headers.update(headers or {})
    request = urllib.request.Request(url, data=body, headers=request_headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def endpoint(slack, live_server):
    return f"{live_server.url}/slack/events"


def event_body(slack, event_id="Ev000001", event=None):
    return json.dumps(
        {
            "token": "x",
            "team_id": slack.team_id,
            "api_app_id": slack.api_app_id,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event or {"type": "app_home_opened", "user": slack.user_id("alice")},
        }
    ).encode()


def test_url_verification(slack, endpoint):
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"}).encode()
    status, answer = post(
        endpoint, body, content_type="application/json", secret=slack.signing_secret
    )
    assert status == 200 and b"abc123" in answer


@pytest.mark.parametrize(
    ("secret", "age", "drop_headers"),
    [
        ("wrong-secret", 0, False),  # bad signature
        ("use-real", 6 * 60, False),  # signed, but older than five minutes
        ("use-real", 0, True),  # no signature headers at all
    ],
)
def test_unverifiable_requests_are_refused_without_side_effects(
    slack, endpoint, secret, age, drop_headers
):
    body = event_body(slack)
    key = slack.signing_secret if secret == "use-real" else secret
    if drop_headers:
        request = urllib.request.Request(
            endpoint, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=10)
        status = error.value.code
    else:
        status, _ = post(
            endpoint,
            body,
            content_type="application/json",
            secret=key,
            timestamp=int(time.time()) - age,
        )
    assert 400 <= status < 500
    assert not InboundDelivery.objects.exists()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b"{not json"),
        ("application/json", b"[1, 2, 3]"),
        ("application/json", b'{"type": "event_callback"}'),
        ("application/json", b'{"type": "event_callback", "event_id": "Ev9", "event": "nope"}'),
        ("application/x-www-form-urlencoded", b"payload=%7Bbroken"),
        ("application/x-www-form-urlencoded", b"payload=%5B%5D"),
        (
            "application/x-www-form-urlencoded",
            urlencode({"payload": json.dumps({"type": "block_actions"})}).encode(),
        ),
        (
            "application/x-www-form-urlencoded",
            urlencode(
                {"payload": json.dumps({"type": "view_submission", "trigger_id": "1"})}
            ).encode(),
        ),
        (
            "application/x-www-form-urlencoded",
            urlencode({"command": "/incident", "trigger_id": "t1"}).encode(),
        ),
        ("application/x-www-form-urlencoded", b"\xff\xfe\x00garbage"),
        ("text/plain", b""),
    ],
)
def test_signed_but_malformed_bodies_get_a_4xx_not_a_500(slack, endpoint, content_type, body):
    status, _ = post(endpoint, body, content_type=content_type, secret=slack.signing_secret)
    assert status < 500
    assert not Incident.objects.exists()


def test_a_redelivered_event_is_processed_once(slack):
    incident, channel_id = declare_in_slack(slack)
    alice = slack.actor("alice")
    ts = alice.post_message(channel_id, "The fix is deployed")
    alice.pin(channel_id, ts)
    slack.wait_for(lambda: TimelineEvent.objects.filter(incident=incident, kind="message").exists())
    # The pin's delivery (the bot's own answers may have been delivered after it).
    pin_event = next(
        d.payload
        for d in reversed(slack.deliveries("event"))
        if d.payload["event"]["type"] == "pin_added"
    )
    again = slack.dispatcher.event(pin_event)  # Slack's retry of the very same delivery
    assert again.ok
    # The channel's events are applied in order: once a later pin is on the timeline, anything
    # the redelivery could have done is done.
    later = alice.post_message(channel_id, "Monitoring the error rate")
    alice.pin(channel_id, later)
    messages = TimelineEvent.objects.filter(incident=incident, kind="message")
    slack.wait_for(lambda: messages.count() >= 2)
    assert messages.count() == 2
    assert Job.objects.filter(delivery_key=f"event:{pin_event['event_id']}").count() == 1


def test_acknowledgements_are_fast_while_slack_hangs(slack, settings):
    settings.RESPONSE_SLACK_TIMEOUT = 1.5
    incident_a, _channel_a = declare_in_slack(slack, "Payments are failing")
    # From now on, editing any message hangs far longer than the worker waits.
    slack.faults.add(method="chat.update", delay=20, count=1)
    from response.core import verbs

    verbs.set_severity(incident_a, "critical")
    started = time.monotonic()
    # Another incident, meanwhile: its acknowledgements are fast and its work is not held up.
    incident_b, _channel_b = declare_in_slack(slack, "Search is down")
    assert time.monotonic() - started < 8
    for delivery in slack.deliveries()[-2:]:
        assert delivery.attempts[-1].duration < 1.0
    assert incident_b.pk != incident_a.pk
    # Incident A's headline catches up once the hanging call has been given up and retried.
    from tests.slack.helpers import headline_blocks

    slack.wait_for(lambda: "Critical" in str(headline_blocks(slack, incident_a)), timeout=15)


def test_socket_mode_delivers_to_the_same_listeners(fakeslack, settings, worker, transactional_db):
    from response.slack import http
    from response.slack.socket_mode import start_socket_mode

    settings.SLACK_BOT_TOKEN = fakeslack.bot_token
    settings.SLACK_SIGNING_SECRET = ""
    settings.SLACK_APP_TOKEN = fakeslack.app_token
    settings.SLACK_API_URL = fakeslack.api_url
    settings.RESPONSE_SLACK_MAX_BACKOFF = 1
    http.reset()
    configure_app(fakeslack, socket_mode=True)
    handler = start_socket_mode()
    try:
        assert fakeslack.wait_for_socket(timeout=10)
        incident, channel_id = declare_in_slack(fakeslack, "Socket Mode works")
        alice = fakeslack.actor("alice")
        ts = alice.post_message(channel_id, "pinned over a socket")
        alice.pin(channel_id, ts)
        fakeslack.wait_for(
            lambda: TimelineEvent.objects.filter(incident=incident, kind="message").exists()
        )
        assert all(d.transport == "socket" for d in fakeslack.deliveries())
    finally:
        handler.close()
        http.reset()
