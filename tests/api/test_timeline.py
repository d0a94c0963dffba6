"""Timeline entries per incident: list, add, edit, delete."""

from __future__ import annotations

import pytest

from response.core import verbs
from response.core.models import AuditEvent, TimelineEvent
from tests.api.test_incidents import _count_queries
from tests.factories import declare


def test_list_is_in_time_order(api, time_machine):
    time_machine.move_to("2026-04-01 10:00Z", tick=False)
    incident = declare()
    verbs.add_timeline_event(incident, "Earlier", timestamp=incident.started_at.replace(hour=9))
    body = api.get(f"/api/incidents/{incident.pk}/timeline").json()
    assert [e["text"] for e in body["items"]] == ["Earlier", "Declared: Payments are failing"]
    assert body["count"] == 2


def test_add_edit_and_delete_an_entry(api, user, chat_user):
    incident = declare()
    added = api.post(
        f"/api/incidents/{incident.pk}/timeline",
        {"text": "Deploy 42 rolled back", "timestamp": "2026-01-01T10:00:00+02:00"},
    )
    assert added.status_code == 201, added.content
    entry = added.json()
    assert (entry["kind"], entry["timestamp"], entry["author"]["id"]) == (
        "note",
        "2026-01-01T08:00:00Z",
        chat_user.pk,
    )
    url = f"/api/incidents/{incident.pk}/timeline/{entry['id']}"
    assert api.get(url).json()["text"] == "Deploy 42 rolled back"

    edited = api.patch(url, {"text": "Deploy 42 rolled back by Alice"})
    assert edited.status_code == 200
    assert edited.json()["text"] == "Deploy 42 rolled back by Alice"

    deleted = api.delete(url)
    assert deleted.status_code == 204
    assert not TimelineEvent.objects.filter(pk=entry["id"]).exists()
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404
    verbs_seen = list(
        AuditEvent.objects.filter(actor_user=user, object_type="timelineevent").values_list(
            "verb", flat=True
        )
    )
    assert verbs_seen == ["timeline.added", "timeline.edited", "timeline.removed"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "  "}, "text"),
        ({"text": "x", "kind": "declared"}, "kind"),
        ({"text": "x", "timestamp": "2026-01-01T10:00:00"}, "timestamp"),
        ({"text": "x", "timestamp": "noon"}, "timestamp"),
        ({"text": "x" * 10_001}, "text"),
    ],
)
def test_add_validation(api, body, field):
    incident = declare()
    response = api.post(f"/api/incidents/{incident.pk}/timeline", body)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field


@pytest.mark.parametrize(
    ("body", "field"),
    [({"text": ""}, "text"), ({"text": None}, "text"), ({"timestamp": "2026-01-01"}, "timestamp")],
)
def test_edit_validation(api, body, field):
    incident = declare()
    entry = incident.timeline_events.get()
    response = api.patch(f"/api/incidents/{incident.pk}/timeline/{entry.pk}", body)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field


def test_an_entry_of_another_incident_is_not_found(api):
    first, second = declare("One"), declare("Two")
    entry = first.timeline_events.get()
    response = api.patch(f"/api/incidents/{second.pk}/timeline/{entry.pk}", {"text": "x"})
    assert response.status_code == 404
    assert response.json()["field"] == "event_id"


def test_private_incident_timelines_stay_hidden(api):
    secret = declare(is_private=True)
    entry = secret.timeline_events.get()
    assert api.get(f"/api/incidents/{secret.pk}/timeline").status_code == 404
    assert api.delete(f"/api/incidents/{secret.pk}/timeline/{entry.pk}").status_code == 404
    assert TimelineEvent.objects.filter(pk=entry.pk).exists()


def test_read_only_tokens_cannot_change_the_timeline(read_only_api):
    incident = declare()
    entry = incident.timeline_events.get()
    url = f"/api/incidents/{incident.pk}/timeline/{entry.pk}"
    assert read_only_api.patch(url, {"text": "x"}).status_code == 403
    assert read_only_api.delete(url).status_code == 403
    assert read_only_api.get(url).status_code == 200


def test_timeline_query_count_is_constant(api):
    incident = declare()
    url = f"/api/incidents/{incident.pk}/timeline"
    few = _count_queries(api, url)
    for n in range(15):
        verbs.add_timeline_event(incident, f"note {n}")
    assert _count_queries(api, url) == few == 5  # token, incident, COUNT, ids, rows
