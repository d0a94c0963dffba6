"""The fake PagerDuty: its REST API, its dedup, and its signed webhooks, over real HTTP."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from fakes.pagerduty import DEDUP_REFUSAL, FakePagerDuty, signature


class Receiver(ThreadingHTTPServer):
    def __init__(self) -> None:
        self.received: list[tuple[bytes, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((body, self.headers["X-PagerDuty-Signature"]))
                self.send_response(204)
                self.end_headers()

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def pagerduty():
    with FakePagerDuty(token="t") as fake:
        fake.add_service("Payments", on_call=["Dana"])
        yield fake


def call(fake, method, path, body=None, token="t", sender="me@example.com"):
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{fake.url}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={
            "Authorization": f"Token token={token}",
            "From": sender,
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def page(key="k1"):
    return {"incident": {"title": "Down", "service": {"id": "PSVC001"}, "incident_key": key}}


def test_services_and_oncalls(pagerduty):
    assert call(pagerduty, "GET", "/services")[1]["services"][0]["name"] == "Payments"
    oncall = call(pagerduty, "GET", "/oncalls")[1]["oncalls"][0]
    assert oncall["user"]["summary"] == "Dana" and oncall["escalation_policy"]["id"] == "PPOL001"


def test_a_wrong_token_is_a_401(pagerduty):
    assert call(pagerduty, "GET", "/services", token="nope")[0] == 401


def test_an_open_incident_with_the_same_key_is_refused_and_can_be_found(pagerduty):
    assert call(pagerduty, "POST", "/incidents", page())[0] == 201
    status, body = call(pagerduty, "POST", "/incidents", page())
    assert status == 400 and body["error"]["errors"] == [DEDUP_REFUSAL]
    found = call(pagerduty, "GET", "/incidents?incident_key=k1")[1]["incidents"]
    assert [i["id"] for i in found] == ["PINC0001"]


def test_changes_are_told_to_the_webhook_signed():
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        with FakePagerDuty(token="t", webhook_secret="s") as fake:
            fake.add_service("Payments")
            fake.webhook_url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
            call(fake, "POST", "/incidents", page())
            assert fake.acknowledge("PINC0001", by="Dana") == 204
            [(body, signed)] = receiver.received
            assert signed == signature(body, "s")
            event = json.loads(body)["event"]
            assert event["event_type"] == "incident.acknowledged"
            assert event["agent"]["summary"] == "Dana"
            assert event["data"]["incident_key"] == "k1"
    finally:
        receiver.shutdown()
        receiver.server_close()
