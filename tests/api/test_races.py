"""Two API clients writing one row at the same moment: each answer is a success, a 404 or a
409, never a 500, and the rows end as one of the two orders would have left them."""

from __future__ import annotations

from functools import partial

import pytest

from response.api.tokens import create_api_token
from response.core import verbs
from response.core.models import Action, AuditEvent, Incident, TimelineEvent
from tests.factories import declare
from tests.races import Tally, api_session, race

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 40


@pytest.fixture
def api(live_server):
    return f"{live_server.url}/api"


@pytest.fixture
def clients(user, other_user):
    """Two API clients, each with a token and a connection of its own (closed after the test,
    with the server's threads that kept them)."""
    tokens = [create_api_token(u, name="races")[1] for u in (user, other_user)]
    with api_session(tokens[0]) as alice, api_session(tokens[1]) as bob:
        yield alice, bob


def _audits(verb: str, obj) -> int:
    return AuditEvent.objects.filter(verb=verb, object_id=str(obj.pk)).count()


def test_an_entry_patched_and_deleted_at_once(api, clients):
    alice, bob = clients
    incident = declare()
    tally = Tally()
    for n in range(ROUNDS):
        entry = verbs.add_timeline_event(incident, f"entry {n}")
        url = f"{api}/incidents/{incident.pk}/timeline/{entry.pk}"
        patch, delete = race(
            partial(alice.patch, url, json={"text": "edited"}),
            partial(bob.delete, url),
        )
        tally.add(patch=patch, delete=delete)
        # Whoever won, the entry is gone, removed once; the edit happened only if it said so.
        assert not TimelineEvent.objects.filter(pk=entry.pk).exists()
        assert _audits("timeline.removed", entry) == 1
        assert _audits("timeline.edited", entry) == (1 if patch.status_code == 200 else 0)
        if patch.status_code == 200:
            assert patch.json()["text"] == "edited"
    assert tally.seen["delete"] == {204: ROUNDS}, tally
    assert tally.statuses() <= {200, 204, 404}, tally


def test_an_entry_deleted_twice_at_once(api, clients):
    alice, bob = clients
    incident = declare()
    tally = Tally()
    for n in range(ROUNDS // 4):
        entry = verbs.add_timeline_event(incident, f"entry {n}")
        url = f"{api}/incidents/{incident.pk}/timeline/{entry.pk}"
        first, second = race(partial(alice.delete, url), partial(bob.delete, url))
        tally.add(first=first, second=second)
        assert not TimelineEvent.objects.filter(pk=entry.pk).exists()
        assert _audits("timeline.removed", entry) == 1
    # One removed it; the other found it gone, as it would have a moment later.
    assert tally.seen["first"] + tally.seen["second"] == {204: ROUNDS // 4, 404: ROUNDS // 4}, tally


def test_an_action_patched_and_completed_at_once(api, clients):
    alice, bob = clients
    incident = declare()
    tally = Tally()
    for n in range(ROUNDS // 4):
        action = verbs.add_action(incident, f"action {n}")
        patch, complete = race(
            partial(alice.patch, f"{api}/actions/{action.pk}", json={"text": "edited"}),
            partial(bob.post, f"{api}/actions/{action.pk}/complete"),
        )
        tally.add(patch=patch, complete=complete)
        # Neither change is lost, in either order.
        action = Action.objects.get(pk=action.pk)
        assert (action.text, action.done) == ("edited", True)
    assert tally.statuses() == {200}, tally


def test_an_action_patched_twice_at_once(api, clients):
    alice, bob = clients
    incident = declare()
    tally = Tally()
    for n in range(ROUNDS // 4):
        action = verbs.add_action(incident, f"action {n}")
        url = f"{api}/actions/{action.pk}"
        first, second = race(
            partial(alice.patch, url, json={"text": "alice's", "done": True}),
            partial(bob.patch, url, json={"text": "bob's", "done": False}),
        )
        tally.add(first=first, second=second)
        # One PATCH after the other, each whole: never one's text with the other's done.
        action = Action.objects.get(pk=action.pk)
        assert (action.text, action.done) in {("alice's", True), ("bob's", False)}
    assert tally.statuses() == {200}, tally


def test_an_incident_patched_twice_at_once(api, clients):
    alice, bob = clients
    tally = Tally()
    for n in range(ROUNDS // 4):
        incident = declare()
        url = f"{api}/incidents/{incident.pk}"
        first, second = race(
            partial(alice.patch, url, json={"title": f"Renamed {n}", "status": "identified"}),
            partial(bob.patch, url, json={"severity": "major", "status": "identified"}),
        )
        tally.add(first=first, second=second)
        # Both asked for "identified": whoever came second found it there, and its other
        # changes still hold, as they would have a moment later.
        incident = Incident.objects.select_related("severity").get(pk=incident.pk)
        assert (incident.title, incident.severity.slug) == (f"Renamed {n}", "major")
        assert incident.status == "identified"
        assert _audits("incident.status_changed", incident) == 1
    assert tally.statuses() == {200}, tally


def test_an_incident_resolved_twice_at_once(api, clients):
    alice, bob = clients
    tally = Tally()
    for _ in range(ROUNDS // 4):
        incident = declare()
        url = f"{api}/incidents/{incident.pk}/resolve"
        first, second = race(partial(alice.post, url), partial(bob.post, url))
        tally.add(first=first, second=second)
        assert Incident.objects.get(pk=incident.pk).status == "resolved"
        assert _audits("incident.resolved", incident) == 1
    # One resolved it; the other found it resolved already, as it would have a moment later.
    assert tally.seen["first"] + tally.seen["second"] == {200: ROUNDS // 4, 409: ROUNDS // 4}, tally


def test_an_incident_declared_twice_at_once_with_one_idempotency_key(api, clients):
    alice, _ = clients
    tally = Tally()
    for n in range(ROUNDS // 4):
        declare_it = partial(
            alice.post,
            f"{api}/incidents",
            json={"title": "Alert"},
            headers={"Idempotency-Key": f"key-{n}"},
        )
        first, second = race(declare_it, declare_it)
        tally.add(first=first, second=second)
        # One incident; one answer says it was declared, the other that it already was.
        assert first.json()["id"] == second.json()["id"]
        assert Incident.objects.filter(title="Alert").count() == n + 1
        assert sorted([first.status_code, second.status_code]) == [200, 201], tally
