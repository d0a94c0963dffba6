"""The fake Alertmanager against a fake receiver: its payload, its token, its retries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fakes.alertmanager import FakeAlertmanager, fingerprint_of
from fakes.service import FakeService, Reply, Request


@pytest.fixture
def receiver() -> Iterator[FakeService]:
    service = FakeService()
    service.route("POST", "/hook", lambda request: Reply(200, {"ok": True}))
    with service:
        yield service


def test_fingerprints_follow_the_label_set_not_its_order() -> None:
    one = fingerprint_of({"alertname": "DiskFull", "instance": "db1"})
    assert one == fingerprint_of({"instance": "db1", "alertname": "DiskFull"})
    assert one != fingerprint_of({"alertname": "DiskFull", "instance": "db2"})
    assert len(one) == 16 and int(one, 16) >= 0


def test_a_notification_is_webhook_version_4_with_the_bearer_token(
    receiver: FakeService,
) -> None:
    manager = FakeAlertmanager(f"{receiver.url}/hook", token="s3cret")
    fingerprint = manager.fire("DiskFull", severity="critical", summary="/ is 99% full")
    assert manager.notify().accepted

    [request] = receiver.received("POST", "/hook")
    assert request.header("authorization") == "Bearer s3cret"
    body = request.json()
    assert (body["version"], body["status"], body["receiver"]) == ("4", "firing", "response")
    [alert] = body["alerts"]
    assert alert["fingerprint"] == fingerprint
    assert alert["labels"] == {"alertname": "DiskFull", "severity": "critical"}
    assert alert["annotations"] == {"summary": "/ is 99% full"}
    assert alert["endsAt"] == "0001-01-01T00:00:00Z"


def test_failed_deliveries_are_retried_until_accepted(receiver: FakeService) -> None:
    manager = FakeAlertmanager(f"{receiver.url}/hook", token="t")
    manager.fire("DiskFull")
    receiver.outage(503, calls=2)
    assert manager.notify().accepted
    assert [d.status for d in manager.deliveries] == [503, 503, 200]
    assert len(receiver.received("POST", "/hook")) == 1  # the outage applied nothing


def test_resolved_alerts_are_sent_once_then_forgotten(receiver: FakeService) -> None:
    manager = FakeAlertmanager(f"{receiver.url}/hook", token="t")
    fingerprint = manager.fire("DiskFull")
    manager.notify()
    manager.resolve(fingerprint)
    manager.notify()
    last: Request = receiver.received("POST", "/hook")[-1]
    assert last.json()["status"] == "resolved"
    assert last.json()["alerts"][0]["endsAt"] != "0001-01-01T00:00:00Z"
    assert manager.alerts == {}


def test_a_receiver_that_never_answers_is_given_up_after_the_deadline() -> None:
    manager = FakeAlertmanager("http://127.0.0.1:9/hook", token="t", timeout=0.5)
    manager.fire("DiskFull")
    with pytest.raises(TimeoutError):
        manager.notify(deadline=0.3)
    assert manager.deliveries and manager.deliveries[0].status == 0
