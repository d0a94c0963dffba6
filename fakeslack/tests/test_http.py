"""HTTP/1.1 with persistent connections: many requests over one socket, on every path."""

from __future__ import annotations

import http.client
import json
import socket
import time

import pytest
from slack_sdk import WebClient

from fakeslack import FakeSlack


def connect(slack: FakeSlack) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(slack.host, slack.port, timeout=5)


def request(
    connection: http.client.HTTPConnection,
    method: str,
    path: str,
    body: dict | str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[http.client.HTTPResponse, bytes]:
    """One request on the connection, its answer read whole (as a keep-alive client must)."""
    headers = dict(headers or {})
    if isinstance(body, dict):
        body = json.dumps(body)
        headers.setdefault("Content-Type", "application/json; charset=utf-8")
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response, response.read()


def test_web_api_calls_share_one_connection(slack: FakeSlack) -> None:
    connection = connect(slack)
    auth = {"Authorization": f"Bearer {slack.bot_token}"}
    response, raw = request(connection, "POST", "/api/auth.test", headers=auth)
    sock = connection.sock
    assert sock is not None, "the server closed the connection"
    assert response.version == 11 and json.loads(raw)["ok"]
    for text in ("one", "two", "three"):
        form = f"channel=incidents&text={text}"
        form_headers = {**auth, "Content-Type": "application/x-www-form-urlencoded"}
        response, raw = request(connection, "POST", "/api/chat.postMessage", form, form_headers)
        assert json.loads(raw)["ok"]
        assert connection.sock is sock, "the server closed the connection"
    assert [m["text"] for m in slack.messages("incidents")] == ["one", "two", "three"]


def test_every_path_keeps_the_connection(slack: FakeSlack) -> None:
    alice = slack.actor("alice")
    command = alice.slash_command("/incident", "x", channel="incidents")
    response_path = command.payload["response_url"].removeprefix(slack.url)
    requests = [
        ("GET", "/_fakeslack/state", None, 200),
        ("POST", "/_fakeslack/faults", {"method": "auth.test", "status": 500, "count": 1}, 200),
        ("POST", "/api/auth.test", None, 500),  # the fault's answer
        ("POST", response_path, {"text": "answered"}, 200),
        ("GET", "/sandbox/", None, 200),
        ("GET", "/sandbox/static/sandbox.js", None, 200),
        ("GET", "/sandbox/static/nothing.js", None, 404),
        ("GET", "/sandbox/api/state?user=alice", None, 200),
        ("GET", "/nowhere", None, 404),
        ("GET", "/_fakeslack/nowhere", None, 404),
        ("POST", "/api/auth.test", "{not json", 400),
        ("OPTIONS", "/_fakeslack/act", None, 204),
        ("POST", "/api/no.such.method", None, 200),
        ("POST", "/_fakeslack/act", {"user": "nobody", "action": "join"}, 400),
    ]
    connection = connect(slack)
    request(connection, "GET", "/_fakeslack")
    sock = connection.sock
    assert sock is not None, "the server closed the connection"
    for method, path, body, status in requests:
        headers = {"Content-Type": "application/json"} if isinstance(body, str) else {}
        response, _ = request(connection, method, path, body, headers)
        assert response.status == status, (method, path)
        assert connection.sock is sock, f"{method} {path} closed the connection"
    assert slack.ephemeral("incidents")[-1]["text"] == "answered"


def test_sandbox_page_loads(slack: FakeSlack) -> None:
    connection = connect(slack)
    response, raw = request(connection, "GET", "/")
    assert response.status == 200 and b"<html" in raw.lower()
    assert int(response.getheader("Content-Length")) == len(raw)


def test_chunked_request_bodies(slack: FakeSlack) -> None:
    with socket.create_connection((slack.host, slack.port), timeout=5) as sock:
        body = json.dumps({"channel": "incidents", "text": "chunked"}).encode()
        head = (
            "POST /api/chat.postMessage HTTP/1.1\r\nHost: x\r\n"
            f"Authorization: Bearer {slack.bot_token}\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            "Transfer-Encoding: chunked\r\n\r\n"
        ).encode()
        sock.sendall(head + f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert json.loads(response.read())["ok"]
    assert slack.messages("incidents")[0]["text"] == "chunked"


def test_sdk_client_still_works(slack: FakeSlack, client: WebClient) -> None:
    assert client.auth_test()["ok"]
    assert client.chat_postMessage(channel="incidents", text="hi")["ok"]


def test_a_dropped_call_drops_a_persistent_connection(slack: FakeSlack) -> None:
    connection = connect(slack)
    auth = {"Authorization": f"Bearer {slack.bot_token}"}
    request(connection, "POST", "/api/auth.test", headers=auth)
    assert connection.sock is not None
    slack.faults.add(method="auth.test", drop=True, count=1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        request(connection, "POST", "/api/auth.test", headers=auth)
    connection.close()
    _, raw = request(connection, "POST", "/api/auth.test", headers=auth)
    assert json.loads(raw)["ok"]


def test_stopping_closes_idle_connections() -> None:
    slack = FakeSlack().start()
    connection = connect(slack)
    request(connection, "GET", "/_fakeslack")
    assert connection.sock is not None
    slack.stop()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        request(connection, "GET", "/_fakeslack")


def test_answers_on_a_persistent_connection_are_not_held_back(slack: FakeSlack) -> None:
    # Without TCP_NODELAY each answer's body waits for the client's delayed ACK (~40 ms).
    connection = connect(slack)
    auth = {"Authorization": f"Bearer {slack.bot_token}"}
    started = time.monotonic()
    for _ in range(50):
        request(connection, "POST", "/api/auth.test", headers=auth)
    assert time.monotonic() - started < 1.0


def test_a_port_in_use_is_an_os_error_saying_so():
    with FakeSlack() as first:
        second = FakeSlack(port=first.port)
        with pytest.raises(OSError):
            second.start()
