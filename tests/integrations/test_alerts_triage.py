"""Triage in the core and where incidents are listed and counted: the verbs (one change each,
with its timeline entry, audit row and announcement), and triage incidents kept apart from real
ones in the web list, the API list and the statistics unless asked for."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from response.api.tokens import create_api_token
from response.core import verbs
from response.core.errors import InvalidInput, InvalidTransition
from response.core.events import Change, incident_changed
from response.core.models import AuditEvent, AuditVerb, Incident, Status
from response.notifications.models import ScheduledNotification
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    kinds: list[Change] = []

    def keep(sender, event, **kwargs):
        kinds.append(event.kind)

    incident_changed.connect(keep, dispatch_uid="test-alerts-triage")
    yield kinds
    incident_changed.disconnect(dispatch_uid="test-alerts-triage")


def triage(title: str = "DiskFull", key: str = "k1") -> Incident:
    incident, opened = verbs.open_triage_incident(title=title, dedup_key=key)
    assert opened
    return incident


def test_opening_is_keyed_and_announced_as_triaged_not_declared(announced):
    incident = triage()
    assert verbs.open_triage_incident(title="DiskFull", dedup_key="k1") == (incident, False)
    assert incident.status == Status.TRIAGE
    assert not incident.is_open() and not incident.is_closed() and incident.is_triage()
    assert announced == [Change.TRIAGED]
    assert incident.timeline_events.get().text == "Opened for triage: DiskFull"


def test_accepting_declares_it_and_only_then_reminders_start(announced):
    incident = triage()
    assert not ScheduledNotification.objects.filter(incident=incident).exists()  # no nagging
    dana = ExternalUserFactory(display_name="dana")
    announced.clear()
    verbs.accept_triage(incident, by=dana)
    assert ScheduledNotification.objects.filter(incident=incident).exists()
    assert incident.status == Status.INVESTIGATING and incident.reporter == dana
    assert announced == [Change.DECLARED]  # what declaring does happens now
    assert AuditEvent.objects.filter(verb=AuditVerb.INCIDENT_TRIAGE_ACCEPTED).count() == 1
    with pytest.raises(InvalidTransition, match="not in triage any more"):
        verbs.accept_triage(incident, by=dana)


def test_declining_needs_a_reason_and_closes_it(announced):
    incident = triage()
    with pytest.raises(InvalidInput):
        verbs.decline_triage(incident, reason=" ")
    verbs.decline_triage(incident, reason="Flaky check")
    assert incident.status == Status.DECLINED and incident.is_closed()
    assert incident.resolved_at is not None and incident.end_time() == incident.resolved_at
    assert announced[-1] == Change.DECLINED
    with pytest.raises(InvalidTransition):
        verbs.decline_triage(incident, reason="again")


def test_merging_needs_an_open_incident(announced):
    incident = triage()
    target = declare("Database is slow")
    closed = declare("Old one")
    verbs.resolve_incident(closed)
    with pytest.raises(InvalidTransition, match="not open"):
        verbs.merge_triage(incident, into=closed)
    with pytest.raises(InvalidInput):
        verbs.merge_triage(incident, into=incident)
    announced.clear()
    verbs.merge_triage(incident, into=target)
    assert incident.status == Status.DECLINED
    assert target.timeline_events.filter(
        text=f"Alert merged in from triage incident #{incident.pk}: DiskFull"
    ).exists()
    assert announced == [Change.MERGED, Change.TIMELINE_ADDED]


def test_status_changes_cannot_skip_triage():
    incident = triage()
    with pytest.raises(InvalidTransition, match="Accept it from triage first"):
        verbs.set_status(incident, "identified")


@pytest.fixture
def some_of_each():
    real = declare("Real incident")
    waiting = triage("Waiting alert", "k1")
    declined = triage("Declined alert", "k2")
    verbs.decline_triage(declined, reason="noise")
    return real, waiting, declined


def test_the_web_list_shows_triage_incidents_only_when_asked(some_of_each):
    user = get_user_model().objects.create_user("alex", "alex@example.com", "pw")
    client = Client()
    client.force_login(user)
    url = reverse("web:incidents")

    def titles(query=None):
        return [i.title for i, _ in client.get(url, query or {}).context["rows"]]

    assert titles() == ["Real incident"]
    assert titles({"status": "closed"}) == []
    assert titles({"status": "triage"}) == ["Waiting alert"]
    assert titles({"status": "declined"}) == ["Declined alert"]
    _, waiting, declined = some_of_each
    for incident in (waiting, declined):  # its page, like any incident's
        page = client.get(reverse("web:incident", args=[incident.pk]))
        assert page.status_code == 200 and incident.title in page.content.decode()


def test_the_api_list_and_statistics_leave_triage_incidents_out_unless_asked(some_of_each):
    user = get_user_model().objects.create_user("alice", "alice@example.com")
    _, token = create_api_token(user, name="tests")
    api = Client(headers={"Authorization": f"Bearer {token}"})

    def titles(query=""):
        answer = api.get(f"/api/incidents{query}")
        assert answer.status_code == 200, answer.content
        return [i["title"] for i in answer.json()["items"]]

    assert titles() == ["Real incident"]
    assert titles("?triage=true") == ["Declined alert", "Waiting alert", "Real incident"]
    assert titles("?status=triage") == ["Waiting alert"]
    accepted = triage("Accepted alert", "k3")
    verbs.accept_triage(accepted)
    summary = api.get("/api/stats/summary").json()
    assert (summary["count"], summary["open"]) == (2, 2)  # the accepted one is an incident
    assert summary["triage"] == {"waiting": 1, "declined": 1, "accepted": 1}
    by_month = api.get("/api/stats/incidents-by-month").json()
    assert sum(month["count"] for month in by_month) == 2
