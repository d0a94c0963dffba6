"""HTTP deliveries as an app sees them on the wire: signatures, bodies, retries, timeouts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from slack_sdk.signature import SignatureVerifier

from fakeslack import FakeSlack, signature


class Receiver:
    """A bare HTTP endpoint recording requests; ``answer(n)`` picks each response."""

    def __init__(self, answer: Callable[[int], tuple[int, bytes, float]]) -> None:
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                number = len(receiver.requests)
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status, reply, delay = answer(number)
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    receivers: list[Receiver] = []

    def make(answer: Callable[[int], tuple[int, bytes, float]] = lambda n: (200, b"", 0.0)):
        receivers.append(Receiver(answer))
        return receivers[-1]

    yield make
    for r in receivers:
        r.stop()


def test_requests_are_signed_like_slack(slack: FakeSlack, receiver) -> None:
    app = receiver()
    slack.configure_app(request_url=app.url)
    alice = slack.actor("alice")
    alice.post_message("incidents", "hello")
    alice.slash_command("/incident", "Checkout is failing", channel="incidents")
    verifier = SignatureVerifier(slack.signing_secret)
    event, command = app.requests
    for request in app.requests:
        headers = request["headers"]
        assert verifier.is_valid_request(request["body"], headers)
        assert headers["X-Slack-Signature"] == signature(
            slack.signing_secret, headers["X-Slack-Request-Timestamp"], request["body"]
        )
        assert "X-Slack-Retry-Num" not in headers
    assert event["headers"]["Content-Type"] == "application/json"
    envelope = json.loads(event["body"])
    assert envelope["type"] == "event_callback" and envelope["event"]["text"] == "hello"
    assert command["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    form = {k: v[0] for k, v in parse_qs(command["body"].decode()).items()}
    assert form["command"] == "/incident" and form["text"] == "Checkout is failing"
    assert form["user_id"] == slack.user_id("alice") and form["response_url"].startswith(slack.url)
    assert form["trigger_id"] and form["team_id"] == slack.team_id


def test_interactions_are_a_payload_form_field(slack: FakeSlack, receiver) -> None:
    app = receiver()
    slack.configure_app(request_url=app.url)
    slack.actor("alice").global_shortcut("declare")
    [request] = app.requests
    payload = json.loads(parse_qs(request["body"].decode())["payload"][0])
    assert payload["type"] == "shortcut" and payload["callback_id"] == "declare"


def test_failed_events_are_redelivered_with_retry_headers(slack: FakeSlack, receiver) -> None:
    app = receiver(lambda n: (500 if n == 0 else 200, b"", 0.0))
    slack.configure_app(request_url=app.url)
    slack.actor("alice").post_message("incidents", "hello")
    first, second = app.requests
    assert "X-Slack-Retry-Num" not in first["headers"]
    assert second["headers"]["X-Slack-Retry-Num"] == "1"
    assert second["headers"]["X-Slack-Retry-Reason"] == "http_error"
    assert json.loads(first["body"])["event_id"] == json.loads(second["body"])["event_id"]
    [delivery] = slack.deliveries()
    assert delivery.ok and delivery.retries == 1


def test_slow_app_times_out_and_gets_three_retries(slack: FakeSlack, receiver) -> None:
    app = receiver(lambda n: (200, b"", 0.3))
    slack.configure_app(request_url=app.url, ack_timeout=0.1)
    slack.actor("alice").post_message("incidents", "hello")
    [delivery] = slack.deliveries()
    assert not delivery.ok and delivery.error == "http_timeout" and len(delivery.attempts) == 4
    assert [r["headers"].get("X-Slack-Retry-Num") for r in app.requests] == [None, "1", "2", "3"]
    assert app.requests[1]["headers"]["X-Slack-Retry-Reason"] == "http_timeout"


def test_retries_can_be_switched_off(slack: FakeSlack, receiver) -> None:
    app = receiver(lambda n: (503, b"", 0.0))
    slack.configure_app(request_url=app.url, retries=False)
    slack.actor("alice").post_message("incidents", "hello")
    assert len(app.requests) == 1 and slack.deliveries()[0].status == 503


def test_unreachable_app(slack: FakeSlack) -> None:
    slack.configure_app(request_url="http://127.0.0.1:9/slack/events", retries=False)
    slack.actor("alice").post_message("incidents", "hello")
    assert slack.deliveries()[0].error == "connection_failed"


def test_event_subscriptions_filter(slack: FakeSlack, receiver) -> None:
    app = receiver()
    slack.configure_app(request_url=app.url, events=["app_mention"])
    slack.actor("alice").post_message("incidents", "hi @response")
    [request] = app.requests
    assert json.loads(request["body"])["event"]["type"] == "app_mention"


def test_no_app_configured_records_what_would_be_sent(slack: FakeSlack) -> None:
    slack.actor("alice").post_message("incidents", "hello")
    [delivery] = slack.deliveries()
    assert delivery.transport == "none" and delivery.error == "no_app" and not delivery.ok
    assert slack.events("message")[0]["text"] == "hello"
