"""Counting Web API calls, and keeping few or none of them for long benchmarks."""

from __future__ import annotations

import http.client
import json
import tracemalloc
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import Call, FakeSlack
from fakeslack.recorder import Recorder


def test_call_counts_since_a_moment(slack: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    before = slack.call_counts()
    assert before == {"auth.test": 1}
    for _ in range(3):
        client.chat_postMessage(channel="incidents", text="x")
    slack.faults.add(method="chat.update", status=503, count=1)
    ts = slack.messages("incidents")[0]["ts"]
    with pytest.raises(SlackApiError):
        client.chat_update(channel="incidents", ts=ts, text="y")  # a 503 counts
    with pytest.raises(SlackApiError):
        client.api_call("chat.teleport")  # unknown methods are calls too
    assert slack.call_counts(since=before) == {
        "chat.postMessage": 3,
        "chat.update": 1,
        "chat.teleport": 1,
    }
    assert sum(slack.call_counts().values()) == 6


def test_keeping_no_calls_still_counts() -> None:
    with FakeSlack(record_calls=False) as slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        client.chat_postMessage(channel="incidents", text="x")
        assert slack.calls() == []
        assert slack.call_counts() == {"chat.postMessage": 1}
        assert slack.snapshot()["calls"] == 1
        assert len(slack.messages("incidents")) == 1  # the workspace itself is unaffected


def test_keeping_the_latest_calls_over_one_connection() -> None:
    with FakeSlack(record_calls=10) as slack:
        connection = http.client.HTTPConnection(slack.host, slack.port, timeout=5)
        headers = {"Authorization": f"Bearer {slack.bot_token}"}
        for i in range(2000):
            connection.request("POST", f"/api/auth.test?n={i}", headers=headers)
            assert json.loads(connection.getresponse().read())["ok"]
        kept = slack.calls()
        assert len(kept) == 10 and [c.args["n"] for c in kept] == [
            str(i) for i in range(1990, 2000)
        ]
        assert slack.call_counts() == {"auth.test": 2000}


def _call(i: int) -> Call:
    return Call(
        "chat.postMessage",
        {"channel": "C0INCIDENTS", "text": f"message {i}" * 5},
        "xoxb-token",
        0.0,
        {"ok": True, "channel": "C0INCIDENTS", "ts": f"{i}.000000"},
    )


def test_a_capped_recorder_stays_flat_over_100_000_calls() -> None:
    recorder = Recorder(keep=1000)
    tracemalloc.start()
    try:
        for i in range(2000):
            recorder.record(_call(i))
        settled, _ = tracemalloc.get_traced_memory()
        for i in range(2000, 100_000):
            recorder.record(_call(i))
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - settled < 100_000, f"grew by {after - settled} bytes"
    assert len(recorder.select()) == 1000
    assert recorder.counts() == {"chat.postMessage": 100_000} and recorder.total == 100_000


def control(slack: FakeSlack, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"{slack.url}/_fakeslack/{path}",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_counts_over_the_control_api(slack: FakeSlack, client: WebClient) -> None:
    client.auth_test()
    before = control(slack, "calls/counts")
    assert before == {"ok": True, "counts": {"auth.test": 1}, "total": 1}
    client.chat_postMessage(channel="incidents", text="x")
    client.chat_postMessage(channel="incidents", text="y")
    since = control(slack, "calls/counts", {"since": before["counts"]})
    assert since == {"ok": True, "counts": {"chat.postMessage": 2}, "total": 2}
