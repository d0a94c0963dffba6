"""Fault injection: rate limits, server errors, slow answers, dropped connections, outages."""

from __future__ import annotations

import time
import urllib.error

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from fakeslack import FakeSlack


def test_rate_limit_with_retry_after(slack: FakeSlack, client: WebClient) -> None:
    slack.faults.add(method="chat.postMessage", status=429, retry_after=7, count=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_postMessage(channel="incidents", text="x")
        assert raised.value.response.status_code == 429
        assert raised.value.response.headers["Retry-After"] == "7"
        assert raised.value.response["error"] == "ratelimited"
    # Other methods are unaffected, and the fault is spent after two calls.
    client.auth_test()
    assert client.chat_postMessage(channel="incidents", text="x")["ok"]
    statuses = [c.status for c in slack.calls("chat.postMessage")]
    assert statuses == [429, 429, 200]
    assert [c.fault for c in slack.calls("chat.postMessage")] == [True, True, False]
    assert len(slack.messages("incidents")) == 1


def test_sdk_retry_handler_honours_retry_after(slack: FakeSlack) -> None:
    slack.faults.add(method="chat.postMessage", status=429, retry_after=1, count=1)
    client = WebClient(
        token=slack.bot_token,
        base_url=slack.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    started = time.monotonic()
    assert client.chat_postMessage(channel="incidents", text="x")["ok"]
    assert time.monotonic() - started >= 1.0
    assert [c.status for c in slack.calls("chat.postMessage")] == [429, 200]


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors(slack: FakeSlack, client: WebClient, status: int) -> None:
    slack.faults.add(status=status, count=1)  # any method
    with pytest.raises(SlackApiError) as raised:
        client.conversations_create(name="inc-1")
    assert raised.value.response.status_code == status
    assert slack.channels() and "inc-1" not in {c["name"] for c in slack.channels()}
    client.conversations_create(name="inc-1")


def test_slow_answers(slack: FakeSlack, client: WebClient) -> None:
    slack.faults.add(method="auth.test", delay=0.3, count=1)
    started = time.monotonic()
    assert client.auth_test()["ok"]  # slow but correct
    assert time.monotonic() - started >= 0.3
    slack.faults.add(method="auth.test", delay=1.0, count=1)
    impatient = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=0.2)
    with pytest.raises(TimeoutError):
        impatient.auth_test()


def test_dropped_connections(slack: FakeSlack, client: WebClient) -> None:
    # slack_sdk retries a dropped connection once by itself.
    slack.faults.add(method="chat.postMessage", drop=True, count=1)
    assert client.chat_postMessage(channel="incidents", text="x")["ok"]
    assert [c.status for c in slack.calls("chat.postMessage")] == [None, 200]
    slack.faults.add(method="chat.postMessage", drop=True, count=2)
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        client.chat_postMessage(channel="incidents", text="x")
    assert len(slack.messages("incidents")) == 1


def test_time_window(slack: FakeSlack, client: WebClient) -> None:
    slack.faults.add(status=503, window=0.5)
    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.auth_test()
    time.sleep(0.55)
    assert client.auth_test()["ok"]
    assert slack.faults.active() == []


def test_outage_and_restore(slack: FakeSlack, client: WebClient) -> None:
    slack.outage()
    for call in (client.auth_test, client.users_list):
        with pytest.raises(SlackApiError) as raised:
            call()
        assert raised.value.response.status_code == 503
    slack.outage(mode="drop")
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        client.auth_test()
    slack.restore()
    assert client.auth_test()["ok"]


def test_fault_needs_something_to_do(slack: FakeSlack) -> None:
    with pytest.raises(ValueError):
        slack.faults.add(method="auth.test")
    fault = slack.faults.add(method="auth.test", status=500)
    slack.faults.remove(fault)
    assert slack.faults.active() == []


def _without_retries(slack: FakeSlack, timeout: float = 5) -> WebClient:
    """A client that does not retry a dropped connection by itself."""
    return WebClient(
        token=slack.bot_token, base_url=slack.api_url, timeout=timeout, retry_handlers=[]
    )


def test_lost_answer_dropped_after_posting(slack: FakeSlack) -> None:
    slack.faults.add(method="chat.postMessage", lose_answer="drop", count=1)
    client = _without_retries(slack)
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        client.chat_postMessage(channel="incidents", text="posted once")
    # Slack posted it although the client heard nothing.
    assert [m["text"] for m in slack.messages("incidents")] == ["posted once"]
    [call] = slack.calls("chat.postMessage")
    assert call.fault and call.applied and call.lost_answer == "drop"
    assert call.status is None and not call.ok
    assert call.response["ts"] == slack.messages("incidents")[0]["ts"]
    # The fault is spent: the next call is answered.
    assert client.chat_postMessage(channel="incidents", text="next")["ok"]


def test_lost_answer_and_the_sdk_retry_post_twice(slack: FakeSlack, client: WebClient) -> None:
    # What the fault is for: slack_sdk retries a dropped connection once, and Slack has no
    # idempotency key, so the message is posted twice.
    slack.faults.add(method="chat.postMessage", lose_answer="drop", count=1)
    assert client.chat_postMessage(channel="incidents", text="twice")["ok"]
    assert [m["text"] for m in slack.messages("incidents")] == ["twice", "twice"]
    assert [c.lost_answer for c in slack.calls("chat.postMessage")] == ["drop", None]


def test_lost_answer_late_after_creating(slack: FakeSlack) -> None:
    slack.faults.add(method="conversations.create", lose_answer="late", delay=1.0, count=1)
    impatient = _without_retries(slack, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        impatient.conversations_create(name="inc-42")
    assert time.monotonic() - started < 0.9
    assert slack.channel("inc-42")["name"] == "inc-42"
    [call] = slack.calls("conversations.create")
    assert call.fault and call.applied and call.lost_answer == "late" and call.status == 200
    assert call.response["channel"]["id"] == slack.channel_id("inc-42")
    # A retry finds the channel there.
    with pytest.raises(SlackApiError) as raised:
        impatient.conversations_create(name="inc-42")
    assert raised.value.response["error"] == "name_taken"
    assert len([c for c in slack.channels() if c["name"] == "inc-42"]) == 1


def test_lost_answer_within_a_window(slack: FakeSlack) -> None:
    slack.faults.add(method="chat.postMessage", lose_answer="drop", window=0.5)
    client = _without_retries(slack)
    for _ in range(2):
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            client.chat_postMessage(channel="incidents", text="x")
    time.sleep(0.55)
    assert client.chat_postMessage(channel="incidents", text="x")["ok"]
    assert len(slack.messages("incidents")) == 3


def test_lost_answer_arguments(slack: FakeSlack) -> None:
    with pytest.raises(ValueError):
        slack.faults.add(method="chat.postMessage", lose_answer="late")  # no delay
    with pytest.raises(ValueError):
        slack.faults.add(method="chat.postMessage", lose_answer="drop", status=500)
    with pytest.raises(ValueError):
        slack.faults.add(method="chat.postMessage", lose_answer="never")
