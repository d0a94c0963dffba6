"""The receivers' answers: a token per source (401 otherwise), 400 with a reason for what is
not an alert, never a 500; and what a delivery records, with Slack not set up."""

from __future__ import annotations

import json
import threading

import pytest
from django.test import Client

from fakes.service import FakeService
from response.core.models import AuditEvent, AuditVerb, Incident, Status
from response.integrations.alerts.models import Alert
from tests.integrations.alerts_helpers import (
    ALERTMANAGER_TOKEN,
    GENERIC_TOKEN,
    GRAFANA_TOKEN,
    switch_on,
)

RACERS = 6

FIRING = {
    "version": "4",
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "DiskFull", "severity": "critical"},
            "annotations": {"summary": "/ is full"},
            "startsAt": "2026-11-30T06:59:00Z",
            "fingerprint": "f1",
        }
    ],
}


@pytest.fixture
def switched_on(settings, db):
    switch_on(settings)


def post(path: str, body, token: str | None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return Client().post(
        f"/integrations/alerts/{path}", data, content_type="application/json", **headers
    )


@pytest.mark.parametrize(
    ("path", "token"),
    [
        ("alertmanager", None),
        ("alertmanager", "wrong"),
        ("alertmanager", GRAFANA_TOKEN),  # another source's token
        ("grafana", ALERTMANAGER_TOKEN),
        ("generic", "x" + GENERIC_TOKEN),
    ],
)
def test_a_wrong_or_missing_token_is_a_401(switched_on, path, token):
    answer = post(path, FIRING, token)
    assert answer.status_code == 401
    assert not Incident.objects.exists()


def test_a_source_without_a_token_is_switched_off(settings, db):
    switch_on(settings)
    settings.ALERTS_GRAFANA_TOKEN = ""
    assert post("grafana", FIRING, "").status_code == 404


def test_another_scheme_is_a_401(switched_on):
    answer = post("alertmanager", FIRING, None, HTTP_AUTHORIZATION=f"Basic {ALERTMANAGER_TOKEN}")
    assert answer.status_code == 401


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        ([1, 2], "JSON object"),
        ({"alerts": [{"status": "firing", "labels": {}}]}, "alertname"),
    ],
)
def test_what_is_not_an_alert_is_a_400_with_a_reason(switched_on, body, reason):
    answer = post("alertmanager", body, ALERTMANAGER_TOKEN)
    assert answer.status_code == 400
    assert reason in answer.json()["error"]
    assert not Incident.objects.exists()


def test_only_post(switched_on):
    assert Client().get("/integrations/alerts/alertmanager").status_code == 405


def test_a_firing_alert_opens_a_triage_incident_through_the_verb(switched_on):
    answer = post("alertmanager", FIRING, ALERTMANAGER_TOKEN)
    assert answer.status_code == 200
    [outcome] = answer.json()["alerts"]
    incident = Incident.objects.get()
    assert outcome == {"fingerprint": "f1", "incident": incident.pk, "opened": True}
    assert (incident.title, incident.status, incident.summary) == (
        "DiskFull",
        Status.TRIAGE,
        "/ is full",
    )
    assert incident.severity.slug == "critical"
    assert AuditEvent.objects.filter(verb=AuditVerb.INCIDENT_TRIAGE_OPENED).count() == 1

    again = post("alertmanager", FIRING, ALERTMANAGER_TOKEN).json()["alerts"][0]
    assert again == {"fingerprint": "f1", "incident": incident.pk, "opened": False}
    assert Incident.objects.count() == 1 and Alert.objects.get().times_received == 2


def test_an_unknown_severity_label_is_left_unset(switched_on):
    body = json.loads(json.dumps(FIRING))
    body["alerts"][0]["labels"]["severity"] = "page-everyone"
    assert post("alertmanager", body, ALERTMANAGER_TOKEN).status_code == 200
    assert Incident.objects.get().severity is None


def test_a_resolution_of_an_alert_never_seen_is_accepted_and_ignored(switched_on):
    body = json.loads(json.dumps(FIRING))
    body["alerts"][0]["status"] = "resolved"
    answer = post("alertmanager", body, ALERTMANAGER_TOKEN)
    assert answer.status_code == 200 and answer.json()["alerts"][0]["incident"] is None
    assert not Incident.objects.exists()


def test_a_resolved_alert_leaves_the_triage_incident_open_when_so_configured(switched_on, settings):
    settings.ALERTS_RESOLVED_CLOSES_TRIAGE = False
    post("alertmanager", FIRING, ALERTMANAGER_TOKEN)
    body = json.loads(json.dumps(FIRING))
    body["alerts"][0]["status"] = "resolved"
    post("alertmanager", body, ALERTMANAGER_TOKEN)
    post("alertmanager", body, ALERTMANAGER_TOKEN)  # resent: noted once
    incident = Incident.objects.get()
    assert incident.status == Status.TRIAGE
    assert incident.timeline_events.filter(text="Alert resolved: DiskFull").count() == 1


def test_an_alert_firing_again_after_resolving_is_noted_on_its_open_incident(switched_on, settings):
    settings.ALERTS_RESOLVED_CLOSES_TRIAGE = False
    post("alertmanager", FIRING, ALERTMANAGER_TOKEN)
    resolved = json.loads(json.dumps(FIRING))
    resolved["alerts"][0]["status"] = "resolved"
    post("alertmanager", resolved, ALERTMANAGER_TOKEN)
    post("alertmanager", FIRING, ALERTMANAGER_TOKEN)
    incident = Incident.objects.get()
    assert list(incident.timeline_events.values_list("text", flat=True)) == [
        "Opened for triage: DiskFull",
        "Alert resolved: DiskFull",
        "Alert firing again: DiskFull",
    ]


def test_deliveries_racing_on_a_new_alert_open_one_incident(settings, live_server):
    """Alertmanager's retries and a resend can arrive together (and, behind a load balancer,
    at different web processes): each is counted, and one incident is opened."""
    switch_on(settings)
    url = f"{live_server.url}/integrations/alerts/alertmanager"
    headers = {"Authorization": f"Bearer {ALERTMANAGER_TOKEN}"}
    start = threading.Barrier(RACERS)
    answers: list[int] = []

    def deliver() -> None:
        start.wait()
        status, _ = FakeService.post_json(url, FIRING, headers)
        answers.append(status)

    racers = [threading.Thread(target=deliver) for _ in range(RACERS)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=60)
    assert answers == [200] * RACERS
    assert Incident.objects.count() == 1
    assert Alert.objects.get().times_received == RACERS


def test_a_declined_alert_still_firing_does_not_come_back_until_a_new_episode(switched_on):
    from response.core import verbs

    post("alertmanager", FIRING, ALERTMANAGER_TOKEN)
    verbs.decline_triage(Incident.objects.get(), reason="Noise")
    post("alertmanager", FIRING, ALERTMANAGER_TOKEN)  # the repeat_interval's resend
    assert Incident.objects.count() == 1
    later = json.loads(json.dumps(FIRING))
    later["alerts"][0]["startsAt"] = "2026-11-30T07:30:00Z"  # it stopped and started again
    post("alertmanager", later, ALERTMANAGER_TOKEN)
    assert Incident.objects.count() == 2
    assert Incident.objects.filter(status=Status.TRIAGE).count() == 1


def test_a_start_in_the_senders_future_is_taken_as_now(switched_on):
    future = json.loads(json.dumps(FIRING))
    future["alerts"][0]["startsAt"] = "2099-01-01T00:00:00Z"
    assert post("alertmanager", future, ALERTMANAGER_TOKEN).status_code == 200
    incident = Incident.objects.get()
    assert incident.started_at <= incident.reported_at
