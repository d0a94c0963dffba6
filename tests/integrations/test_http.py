"""The integrations' HTTP client against a local fake service: answers, refusals and the
failures the engine retries."""

from __future__ import annotations

import pytest

from fakes.service import FakeService, Reply
from response.engine.kinds import Retry
from response.integrations.http import Refused, call_json


@pytest.fixture
def service():
    fake = FakeService()
    fake.route("POST", "/things", lambda request: Reply(201, {"got": request.json()}))
    fake.route("GET", "/limited", lambda request: Reply(429, {}, {"Retry-After": "7"}))
    fake.route("GET", "/missing", lambda request: Reply(404, {"message": "No such thing"}))
    fake.route("GET", "/text", lambda request: "plain")
    fake.route(
        "POST",
        "/issues",
        lambda request: Reply(400, {"errors": {"project": "valid project is required"}}),
    )
    with fake:
        yield fake


def test_json_in_and_out(service):
    answer = call_json("POST", f"{service.url}/things", json={"a": 1}, remote="fake")
    assert (answer.status, answer.body) == (201, {"got": {"a": 1}})
    assert service.received("POST", "/things")[0].header("content-type") == "application/json"


def test_a_refusal_is_final_and_says_why(service):
    with pytest.raises(Refused, match="No such thing") as refused:
        call_json("GET", f"{service.url}/missing", remote="fake")
    assert refused.value.status == 404


def test_rate_limits_keep_retry_after(service):
    with pytest.raises(Retry) as retry:
        call_json("GET", f"{service.url}/limited", remote="fake")
    assert (retry.value.delay, retry.value.remote) == (7.0, "fake")


def test_an_outage_and_no_answer_are_retried(service):
    service.outage(503)
    with pytest.raises(Retry, match="503"):
        call_json("POST", f"{service.url}/things", json={}, remote="fake")
    service.recover()
    service.drop_answers(1)
    with pytest.raises(Retry, match="did not answer"):
        call_json("POST", f"{service.url}/things", json={}, remote="fake")
    assert len(service.received("POST", "/things")) == 1  # applied, its answer lost


def test_nothing_listening_is_retried():
    fake = FakeService().start()
    url = fake.url
    fake.stop()
    with pytest.raises(Retry):
        call_json("GET", f"{url}/things", remote="fake", timeout=2)


def test_a_refusal_in_several_words_reads_as_a_sentence(service):
    with pytest.raises(Refused) as refused:
        call_json("POST", f"{service.url}/issues", json={}, remote="jira")
    assert refused.value.detail == "project: valid project is required"
