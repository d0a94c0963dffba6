"""The inbox's group commit: one bad row never fails the others that shared its commit."""

from __future__ import annotations

import json

import pytest

from response.engine.models import Job
from response.slack.inbox import EventInbox, RefusedDelivery, _Pending

pytestmark = pytest.mark.django_db(transaction=True)


def pending(n: int, payload: str | None = None) -> _Pending:
    body = {"type": "event_callback", "event_id": f"Ev{n}", "event": {"type": "message"}}
    return _Pending(lane="in:C1", key=f"event:Ev{n}", payload=payload or json.dumps({"body": body}))


def test_a_row_the_database_refuses_is_refused_alone():
    batch = [pending(1), pending(2, payload="{not json"), pending(3)]
    EventInbox()._write(batch)
    assert [p.inserted for p in batch] == [True, False, True]
    assert isinstance(batch[1].error, RefusedDelivery)
    assert batch[0].error is None and batch[2].error is None
    assert sorted(Job.objects.values_list("delivery_key", flat=True)) == ["event:Ev1", "event:Ev3"]


def test_a_redelivery_in_the_same_batch_is_recorded_once():
    batch = [pending(1), pending(1)]
    EventInbox()._write(batch)
    assert [p.inserted for p in batch] == [True, False]
    assert Job.objects.count() == 1
