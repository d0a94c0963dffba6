"""The fake service base: routes, recording, outages and lost answers, over real HTTP."""

from __future__ import annotations

import http.client
import json

import pytest

from fakes.service import FakeService, Reply, Request


class Counter(FakeService):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.route("POST", "/counters/{name}", self.bump)

    def bump(self, request: Request) -> Reply:
        with self.lock:
            self.count += 1
        return Reply(201, {"name": request.params["name"], "count": self.count})


@pytest.fixture
def counter():
    with Counter() as service:
        yield service


def test_a_route_answers_and_is_recorded(counter):
    status, body = counter.post_json(f"{counter.url}/counters/a", {"by": 1})
    assert (status, json.loads(body)) == (201, {"name": "a", "count": 1})
    [request] = counter.received("POST", "/counters/")
    assert request.json() == {"by": 1} and request.params == {"name": "a"}


def test_an_unknown_path_is_a_404(counter):
    status, _ = counter.post_json(f"{counter.url}/nothing", {})
    assert status == 404


def test_an_outage_applies_nothing_until_recovered(counter):
    counter.outage(503)
    assert counter.post_json(f"{counter.url}/counters/a", {})[0] == 503
    counter.recover()
    assert counter.post_json(f"{counter.url}/counters/a", {})[0] == 201
    assert counter.count == 1


def test_an_outage_for_some_calls_ends_by_itself(counter):
    counter.outage(429, calls=1)
    assert counter.post_json(f"{counter.url}/counters/a", {})[0] == 429
    assert counter.post_json(f"{counter.url}/counters/a", {})[0] == 201


def test_a_lost_answer_was_applied(counter):
    counter.drop_answers(1)
    connection = http.client.HTTPConnection(counter.host, counter.port, timeout=5)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        connection.request("POST", "/counters/a", body=b"{}")
        connection.getresponse()
    connection.close()
    assert counter.count == 1
    assert counter.post_json(f"{counter.url}/counters/a", {})[0] == 201


def test_faults_can_be_set_over_http(counter):
    assert counter.post_json(f"{counter.url}/_fake/outage", {"status": 500})[0] == 204
    assert counter.post_json(f"{counter.url}/counters/a", {})[0] == 500
    request = http.client.HTTPConnection(counter.host, counter.port, timeout=5)
    request.request("DELETE", "/_fake/outage")
    assert request.getresponse().status == 204
    request.close()
    assert counter.post_json(f"{counter.url}/counters/a", {})[0] == 201


def test_a_lost_answer_can_be_limited_to_some_requests(counter):
    counter.route("GET", "/counters/{name}", lambda request: {"count": counter.count})
    counter.drop_answers(1, method="POST", path="/counters/b")
    assert counter.post_json(f"{counter.url}/counters/a", {})[0] == 201  # not that one
    connection = http.client.HTTPConnection(counter.host, counter.port, timeout=5)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        connection.request("POST", "/counters/b", body=b"{}")
        connection.getresponse()
    connection.close()
    assert counter.count == 2
