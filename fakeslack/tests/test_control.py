"""The HTTP control API, for driving fakeslack from another process."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack


def control(slack: FakeSlack, path: str, body: dict | None = None, method: str | None = None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{slack.url}/_fakeslack/{path}",
        data=data,
        method=method or ("POST" if data is not None else "GET"),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_act_and_state(slack: FakeSlack) -> None:
    status, body = control(
        slack,
        "act",
        {"user": "alice", "action": "post_message", "channel": "incidents", "text": "hi"},
    )
    assert status == 200 and body["ok"]
    ts = body["result"]
    assert slack.message("incidents", ts)["text"] == "hi"
    status, body = control(
        slack, "act", {"user": "bob", "action": "slash_command", "command": "/incident"}
    )
    assert status == 200 and body["result"]["kind"] == "command" and body["result"]["trigger_id"]
    status, state = control(slack, "state")
    incidents = next(c for c in state["channels"] if c["name"] == "incidents")
    assert incidents["messages"][0]["text"] == "hi"
    assert {u["name"] for u in state["users"]} >= {"alice", "bob", "response"}
    assert state["team"]["id"] == slack.team_id


def test_act_errors(slack: FakeSlack) -> None:
    status, body = control(slack, "act", {"user": "alice", "action": "format_disk"})
    assert status == 400 and body["error"] == "invalid_request"
    status, body = control(
        slack, "act", {"user": "bob", "action": "post_message", "channel": "security", "text": "x"}
    )
    assert status == 400 and body["error"] == "channel_not_found"


def test_faults_outage_and_calls(slack: FakeSlack, client: WebClient) -> None:
    control(slack, "faults", {"method": "auth.test", "status": 429, "retry_after": 3, "count": 1})
    with pytest.raises(SlackApiError):
        client.auth_test()
    control(slack, "outage", {"mode": "503"})
    with pytest.raises(SlackApiError):
        client.auth_test()
    control(slack, "restore", {})
    assert client.auth_test()["ok"]
    control(slack, "faults", {"status": 500})
    control(slack, "faults", method="DELETE")
    assert client.auth_test()["ok"]
    _, body = control(slack, "calls?method=auth.test")
    assert [c["status"] for c in body["calls"]] == [429, 503, 200, 200]


def test_configure_and_deliveries(slack: FakeSlack) -> None:
    control(slack, "configure", {"request_url": "http://127.0.0.1:9/x", "retries": False})
    assert slack.app_config.request_url == "http://127.0.0.1:9/x"
    control(
        slack, "act", {"user": "alice", "action": "post_message", "channel": "general", "text": "x"}
    )
    _, body = control(slack, "deliveries")
    assert body["deliveries"][0]["error"] == "connection_failed"


def test_cors_for_browsers(slack: FakeSlack) -> None:
    request = urllib.request.Request(f"{slack.url}/_fakeslack/act", method="OPTIONS")
    with urllib.request.urlopen(request) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_index_and_unknown_paths(slack: FakeSlack) -> None:
    status, body = control(slack, "")
    assert status == 200 and "/_fakeslack/act" in body["endpoints"]
    assert control(slack, "nope")[0] == 404


def test_lost_answer_fault(slack: FakeSlack) -> None:
    status, body = control(
        slack, "faults", {"method": "chat.postMessage", "lose_answer": "drop", "count": 1}
    )
    assert status == 200 and body["fault"]["lose_answer"] == "drop"
    client = WebClient(token=slack.bot_token, base_url=slack.api_url, retry_handlers=[])
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        client.chat_postMessage(channel="incidents", text="x")
    assert len(slack.messages("incidents")) == 1
    _, body = control(slack, "calls?method=chat.postMessage")
    [call] = body["calls"]
    assert call["fault"] and call["lost_answer"] == "drop" and call["response"]["ok"]
    status, body = control(slack, "faults", {"lose_answer": "late"})
    assert status == 400 and body["error"] == "invalid_request"
