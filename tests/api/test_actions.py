"""Follow-up actions: per incident and across incidents, create, update, complete."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from response.core import verbs
from response.core.models import Action, AuditEvent
from tests.api.test_incidents import _count_queries, ids
from tests.factories import ExternalUserFactory, declare


def test_create_an_action(api, user, chat_user):
    incident = declare()
    owner = ExternalUserFactory()
    response = api.post(
        f"/api/incidents/{incident.pk}/actions",
        {
            "text": "Add a disk alert",
            "owner_id": owner.pk,
            "due_date": "2030-01-31",
            "priority": "high",
            "external_url": "https://tracker.example.com/OPS-1",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["text"], body["owner"]["id"], body["due_date"], body["priority"]) == (
        "Add a disk alert",
        owner.pk,
        "2030-01-31",
        "high",
    )
    assert body["created_by"]["id"] == chat_user.pk
    assert (body["done"], body["overdue"], body["incident_id"]) == (False, False, incident.pk)
    assert AuditEvent.objects.filter(verb="action.added", actor_user=user).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   "}, "action"),
        ({"text": "ok", "priority": "urgent"}, "priority"),
        ({"text": "ok", "owner_id": 99999}, "owner_id"),
        ({"text": "ok", "due_date": "soon"}, "due_date"),
        ({"text": "ok", "due_date": 0}, "due_date"),
        ({"text": "ok", "due_date": "2030-01-01T00:00:00Z"}, "due_date"),
        ({"text": "ok", "external_url": "u" * 501}, "external_url"),
    ],
)
def test_create_action_validation(api, body, field):
    incident = declare()
    response = api.post(f"/api/incidents/{incident.pk}/actions", body)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert Action.objects.count() == 0


def test_update_and_complete_an_action(api):
    incident = declare()
    action = verbs.add_action(incident, "Write the postmortem")
    owner = ExternalUserFactory()
    response = api.patch(
        f"/api/actions/{action.pk}", {"text": "Write it today", "owner_id": owner.pk}
    )
    assert response.status_code == 200
    assert (response.json()["text"], response.json()["owner"]["id"]) == ("Write it today", owner.pk)

    done = api.post(f"/api/actions/{action.pk}/complete")
    assert done.status_code == 200
    assert done.json()["done"] is True and done.json()["done_at"] is not None

    undone = api.patch(f"/api/actions/{action.pk}", {"done": False, "owner_id": None})
    assert (undone.json()["done"], undone.json()["owner"]) == (False, None)
    assert api.patch(f"/api/actions/{action.pk}", {"priority": "urgent"}).status_code == 400
    assert api.patch(f"/api/actions/{action.pk}", {"text": "  "}).json()["field"] == "action"


def test_actions_across_incidents_with_filters(api, time_machine):
    time_machine.move_to("2026-05-10 12:00Z", tick=False)
    owner = ExternalUserFactory()
    first, second = declare("One"), declare("Two")
    overdue = verbs.add_action(first, "Late", owner=owner, due_date=date(2026, 5, 1))
    later = verbs.add_action(second, "Later", due_date=date(2026, 6, 1))
    done = verbs.add_action(second, "Done", owner=owner, due_date=date(2026, 5, 1))
    verbs.complete_action(done)

    assert ids(api.get("/api/actions")) == [overdue.pk, later.pk, done.pk]
    assert ids(api.get(f"/api/actions?owner_id={owner.pk}")) == [overdue.pk, done.pk]
    assert ids(api.get("/api/actions?done=true")) == [done.pk]
    assert ids(api.get("/api/actions?overdue=true")) == [overdue.pk]
    assert ids(api.get("/api/actions?overdue=false")) == [later.pk, done.pk]
    assert ids(api.get(f"/api/actions?incident_id={second.pk}")) == [later.pk, done.pk]
    assert ids(api.get(f"/api/incidents/{second.pk}/actions?done=false")) == [later.pk]
    assert api.get("/api/actions").json()["items"][0]["overdue"] is True


def test_actions_of_private_incidents_stay_hidden(api, staff_api):
    secret = declare("Secret", is_private=True)
    action = verbs.add_action(secret, "Hidden")
    assert ids(api.get("/api/actions")) == []
    assert api.get(f"/api/actions/{action.pk}").status_code == 404
    assert api.patch(f"/api/actions/{action.pk}", {"text": "x"}).status_code == 404
    assert api.post(f"/api/actions/{action.pk}/complete").status_code == 404
    assert api.post(f"/api/incidents/{secret.pk}/actions", {"text": "x"}).status_code == 404
    assert ids(staff_api.get("/api/actions")) == [action.pk]


def test_a_missing_action_is_a_404(api):
    response = api.get("/api/actions/31337")
    assert response.status_code == 404
    assert response.json()["field"] == "action_id"


def test_read_only_tokens_cannot_change_actions(read_only_api):
    action = verbs.add_action(declare(), "Nope")
    assert read_only_api.patch(f"/api/actions/{action.pk}", {"text": "x"}).status_code == 403
    assert read_only_api.post(f"/api/actions/{action.pk}/complete").status_code == 403
    assert read_only_api.get(f"/api/actions/{action.pk}").status_code == 200


def test_action_list_query_count_is_constant(api):
    incident = declare()
    verbs.add_action(incident, "first", owner=ExternalUserFactory())
    few = _count_queries(api, "/api/actions")
    for n in range(15):
        verbs.add_action(
            declare(f"Incident {n}"),
            f"action {n}",
            owner=ExternalUserFactory(),
            due_date=timezone.localdate() - timedelta(days=n),
        )
    assert _count_queries(api, "/api/actions") == few == 4
    per_incident = f"/api/incidents/{incident.pk}/actions"
    assert _count_queries(api, per_incident) == 5  # token, incident, COUNT, ids, rows
