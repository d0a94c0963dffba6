"""Two people submitting web forms on one row at the same moment: each answer is a success, a
404 or a 409, never a 500, and the rows end as one of the two orders would have left them."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from response.core import verbs
from response.core.models import Action, AuditEvent, Incident, Severity, TimelineEvent
from tests.factories import declare
from tests.races import Tally, race, web_session

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 40


@pytest.fixture
def site(live_server):
    return live_server.url


@pytest.fixture
def people(user, staff):
    """Two people, each with a browser of their own (closed after the test, with the server's
    threads that kept their connections)."""
    with web_session(user) as alex, web_session(staff) as sam:
        yield alex, sam


def _audits(verb: str, obj) -> int:
    return AuditEvent.objects.filter(verb=verb, object_id=str(obj.pk)).count()


def test_an_entry_edited_and_deleted_at_once(site, people):
    alex, sam = people
    incident = declare()
    tally = Tally()
    for n in range(ROUNDS):
        entry = verbs.add_timeline_event(incident, f"entry {n}")
        edit_url = site + reverse("web:edit_entry", args=[incident.pk, entry.pk])
        delete_url = site + reverse("web:delete_entry", args=[incident.pk, entry.pk])
        edit, delete = race(
            partial(alex.post, edit_url, {"entry-text": "edited"}, allow_redirects=False),
            partial(sam.post, delete_url, allow_redirects=False),
        )
        tally.add(edit=edit, delete=delete)
        # Whoever won, the entry is gone, removed once; the edit happened only if it said so.
        assert not TimelineEvent.objects.filter(pk=entry.pk).exists()
        assert _audits("timeline.removed", entry) == 1
        assert _audits("timeline.edited", entry) == (1 if edit.status_code == 302 else 0)
    assert tally.seen["delete"] == {302: ROUNDS}, tally
    assert tally.statuses() <= {302, 404}, tally


def test_an_entry_deleted_twice_at_once(site, people):
    alex, sam = people
    incident = declare()
    tally = Tally()
    for n in range(ROUNDS // 4):
        entry = verbs.add_timeline_event(incident, f"entry {n}")
        url = site + reverse("web:delete_entry", args=[incident.pk, entry.pk])
        first, second = race(
            partial(alex.post, url, allow_redirects=False),
            partial(sam.post, url, allow_redirects=False),
        )
        tally.add(first=first, second=second)
        assert sorted([first.status_code, second.status_code]) == [302, 404], tally
        assert not TimelineEvent.objects.filter(pk=entry.pk).exists()
        assert _audits("timeline.removed", entry) == 1


def test_an_action_edited_and_completed_at_once(site, people):
    alex, sam = people
    incident = declare()
    tally = Tally()
    for n in range(ROUNDS // 4):
        action = verbs.add_action(incident, f"action {n}")
        edit_url = site + reverse("web:edit_action", args=[incident.pk, action.pk])
        complete_url = site + reverse("web:complete_action", args=[incident.pk, action.pk])
        form = {"action-text": "edited", "action-priority": "high"}
        edit, complete = race(
            partial(alex.post, edit_url, form, allow_redirects=False),
            partial(sam.post, complete_url, {"done": "on"}, allow_redirects=False),
        )
        tally.add(edit=edit, complete=complete)
        # Neither change is lost, in either order.
        action = Action.objects.get(pk=action.pk)
        assert (action.text, action.priority, action.done) == ("edited", "high", True)
    assert tally.statuses() == {302}, tally


def test_an_incident_resolved_twice_at_once(site, people):
    alex, sam = people
    tally = Tally()
    for _ in range(ROUNDS // 4):
        incident = declare()
        url = site + reverse("web:status", args=[incident.pk])
        first, second = race(
            partial(alex.post, url, {"status": "resolved"}, allow_redirects=False),
            partial(sam.post, url, {"status": "resolved"}, allow_redirects=False),
        )
        tally.add(first=first, second=second)
        # One resolved it; the other found it resolved already: a conflict, not a form error.
        assert sorted([first.status_code, second.status_code]) == [302, 409], tally
        assert Incident.objects.get(pk=incident.pk).status == "resolved"
        assert _audits("incident.resolved", incident) == 1


def test_incident_details_and_severity_changed_at_once(site, people):
    alex, sam = people
    major = Severity.objects.get(slug="major")
    started = (timezone.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    tally = Tally()
    for n in range(ROUNDS // 4):
        incident = declare()
        details_url = site + reverse("web:edit_details", args=[incident.pk])
        severity_url = site + reverse("web:severity", args=[incident.pk])
        details = {"title": f"Renamed {n}", "summary": "", "impact": "", "started_at": started}
        first, second = race(
            partial(alex.post, details_url, details, allow_redirects=False),
            partial(sam.post, severity_url, {"severity": major.pk}, allow_redirects=False),
        )
        tally.add(details=first, severity=second)
        # Both changes hold, in either order: each verb wrote only its own fields.
        incident = Incident.objects.get(pk=incident.pk)
        assert (incident.title, incident.severity_id) == (f"Renamed {n}", major.pk)
    assert tally.statuses() == {302}, tally
