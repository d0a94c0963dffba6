"""The three webhook formats, read by pure functions; bad input says what is wrong."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from response.integrations.alerts.parsers import (
    BadPayload,
    parse_alertmanager,
    parse_generic,
    parse_grafana,
)

ALERTMANAGER = {
    "version": "4",
    "groupKey": '{}:{alertname="DiskFull"}',
    "status": "firing",
    "receiver": "response",
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "DiskFull", "severity": "critical", "instance": "db1"},
            "annotations": {"summary": "/ is 99% full", "description": "long text"},
            "startsAt": "2026-11-30T06:59:00.123456789Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus:9090/graph?g0.expr=x",
            "fingerprint": "1a2b3c4d5e6f7a8b",
        }
    ],
}


def test_alertmanager_v4():
    [alert] = parse_alertmanager(ALERTMANAGER)
    assert alert.fingerprint == "1a2b3c4d5e6f7a8b"
    assert alert.firing and alert.name == "DiskFull" and alert.severity == "critical"
    assert alert.summary == "/ is 99% full"
    assert alert.links == {"source": "http://prometheus:9090/graph?g0.expr=x"}
    assert alert.starts_at == datetime(2026, 11, 30, 6, 59, 0, 123456, tzinfo=UTC)
    assert alert.ends_at is None  # Go's zero time


def test_without_a_fingerprint_the_label_set_is_the_identity():
    alert = {**ALERTMANAGER["alerts"][0]}
    del alert["fingerprint"]
    one = parse_alertmanager({"alerts": [alert]})[0].fingerprint
    reordered = {**alert, "labels": dict(reversed(list(alert["labels"].items())))}
    assert parse_alertmanager({"alerts": [reordered]})[0].fingerprint == one
    other = {**alert, "labels": {**alert["labels"], "instance": "db2"}}
    assert parse_alertmanager({"alerts": [other]})[0].fingerprint != one


def test_grafana_adds_its_links_and_values():
    payload = {
        "alerts": [
            {
                **ALERTMANAGER["alerts"][0],
                "values": {"B": 93.5, "A": 1},
                "dashboardURL": "https://grafana.example/d/xyz",
                "panelURL": "javascript:alert(1)",
            }
        ]
    }
    [alert] = parse_grafana(payload)
    assert alert.links == {
        "source": "http://prometheus:9090/graph?g0.expr=x",
        "dashboard": "https://grafana.example/d/xyz",
    }  # a link that is not http(s) is dropped
    assert alert.summary.endswith("(values: A=1, B=93.5)")


def test_generic_one_alert_or_many():
    [one] = parse_generic({"title": "Checkout 5xx", "id": "c-5xx", "url": "https://x.example"})
    assert (one.fingerprint, one.firing, one.name) == ("c-5xx", True, "Checkout 5xx")
    assert one.links == {"source": "https://x.example"}
    many = parse_generic(
        {"alerts": [{"title": "A", "status": "resolved"}, {"title": "B", "labels": {"x": "1"}}]}
    )
    assert [(a.name, a.firing) for a in many] == [("A", False), ("B", True)]
    assert many[0].fingerprint != many[1].fingerprint  # a digest when no id is given


@pytest.mark.parametrize(
    ("parse", "payload", "reason"),
    [
        (parse_alertmanager, [], "JSON object"),
        (parse_alertmanager, {"alerts": []}, "non-empty list"),
        (parse_alertmanager, {"alerts": ["x"]}, "alerts[0] must be an object"),
        (parse_alertmanager, {"alerts": [{"status": "on"}]}, "'firing' or 'resolved'"),
        (parse_alertmanager, {"alerts": [{"status": "firing", "labels": {}}]}, "alertname"),
        (parse_alertmanager, {"alerts": [{"status": "firing", "labels": 3}]}, "labels"),
        (
            parse_alertmanager,
            {"alerts": [{**ALERTMANAGER["alerts"][0], "startsAt": "yesterday"}]},
            "RFC 3339",
        ),
        (parse_generic, {"summary": "no title"}, "no title"),
        (parse_generic, {"title": "x", "status": "bad"}, "'firing' or 'resolved'"),
        (parse_generic, {"alerts": [{"title": "x"}] * 501}, "at most 500"),
    ],
)
def test_bad_payloads_say_why(parse, payload, reason):
    with pytest.raises(BadPayload, match=re.escape(reason)):
        parse(payload)
