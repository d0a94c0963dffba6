import re
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from response.core import verbs
from response.core.models import AuditEvent, Participant, Severity, TimelineEvent
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db


def page_url(incident) -> str:
    return reverse("web:incident", args=[incident.pk])


def test_the_incident_document(signed_in):
    lead = ExternalUserFactory(display_name="dana")
    incident = declare(
        "Checkout is down",
        summary="Card payments **fail** for everyone.",
        impact="All _EU_ customers.",
        severity="critical",
        lead=lead,
    )
    Participant.objects.create(incident=incident, user=lead, message_count=42)
    verbs.set_status(incident, "identified", by=lead)
    verbs.add_action(incident, "Add an alert on payment errors", owner=lead, by=lead)
    verbs.add_timeline_event(
        incident,
        "Rolled back the deploy",
        author=lead,
        source="slack:C1:1.2",
        url="https://example.slack.com/archives/C1/p12",
    )
    html = signed_in.get(page_url(incident)).content.decode()
    assert "Checkout is down" in html
    assert "Card payments <strong>fail</strong> for everyone." in html
    assert "All <em>EU</em> customers." in html
    assert "Critical" in html and "Identified" in html
    assert "dana" in html and "42 messages" in html
    assert "Add an alert on payment errors" in html
    assert "Rolled back the deploy" in html
    assert 'href="https://example.slack.com/archives/C1/p12"' in html
    for label in (
        "Impact started",
        "Detected",
        "Reported",
        "Acknowledged",
        "Mitigated",
        "Resolved",
    ):
        assert f"<dt>{label}</dt>" in html
    assert 'hx-trigger="every 3s' in html  # open: the timeline refreshes itself


def test_markdown_on_the_page_is_sanitised(signed_in):
    incident = declare(
        "XSS",
        summary="<script>alert(1)</script>[x](javascript:alert(2))<img src=x onerror=alert(3)>",
    )
    page = signed_in.get(page_url(incident)).content.decode()
    html = page.split('id="summary-h"')[1].split("</section>")[0]  # the rendered summary
    assert "<script" not in html and "alert(1)" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "<script>alert(1)" not in page  # (the edit form's textarea escapes it)


def test_timeline_in_the_viewers_time_zone_grouped_by_day(signed_in):
    incident = declare("Night shift", started_at=datetime(2026, 3, 1, 20, 0, tzinfo=UTC))
    for hour in (22, 23):
        verbs.add_timeline_event(
            incident, f"At {hour} UTC", timestamp=datetime(2026, 3, 1, hour, 30, tzinfo=UTC)
        )
    signed_in.cookies["tz"] = "Asia/Tokyo"  # UTC+9: 22:30 and 23:30 UTC are the next morning
    html = signed_in.get(page_url(incident)).content.decode()
    assert "Times in Asia/Tokyo" in html
    assert "Monday 2 March 2026" in html
    assert "07:30:00" in html and "08:30:00" in html
    signed_in.cookies["tz"] = "Not/AZone"
    html = signed_in.get(page_url(incident)).content.decode()
    assert "Times in UTC" in html and "Sunday 1 March 2026" in html and "22:30:00" in html


def test_private_incidents_are_404_for_others(signed_in, user):
    private = declare("Secret", is_private=True)
    assert signed_in.get(page_url(private)).status_code == 404
    for name in ("web:timeline", "web:writeup", "web:writeup_markdown"):
        assert signed_in.get(reverse(name, args=[private.pk])).status_code == 404
    response = signed_in.post(reverse("web:edit_details", args=[private.pk]), {"title": "x"})
    assert response.status_code == 404
    # Involved (their chat account leads it): visible.
    ExternalUserFactory(user=user)
    verbs.set_lead(private, user.external_users.get(), by=None)
    assert signed_in.get(page_url(private)).status_code == 200


def test_unknown_incident_is_404(signed_in):
    assert signed_in.get(reverse("web:incident", args=[999999])).status_code == 404


def test_live_timeline_answers_204_until_something_changes(signed_in):
    incident = declare()
    url = reverse("web:timeline", args=[incident.pk])
    first = signed_in.get(url)
    assert first.status_code == 200
    version = first.content.decode().split('data-version="')[1].split('"')[0]
    assert signed_in.get(url, {"v": version}).status_code == 204
    verbs.add_timeline_event(incident, "Pinned: the database is on fire", source="slack:C:1")
    changed = signed_in.get(url, {"v": version})
    assert changed.status_code == 200
    assert "Pinned: the database is on fire" in changed.content.decode()


def test_resolved_incidents_do_not_poll(signed_in):
    incident = declare()
    verbs.resolve_incident(incident)
    assert "every 3s" not in signed_in.get(page_url(incident)).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(incident, n: int) -> None:
    people = [ExternalUserFactory() for _ in range(n)]
    for i, person in enumerate(people):
        Participant.objects.create(incident=incident, user=person, message_count=i)
        verbs.add_timeline_event(incident, f"entry {i}", author=person)
        action = verbs.add_action(incident, f"action {i}", owner=person, by=person)
        if i % 2:
            verbs.complete_action(action, by=person)


@pytest.mark.parametrize("name", ["web:incident", "web:writeup", "web:writeup_markdown"])
def test_query_count_does_not_grow_with_timeline_actions_or_people(signed_in, name):
    small, big = declare("small"), declare("big")
    _grow(small, 2)
    _grow(big, 20)
    counts = [_queries(signed_in, reverse(name, args=[i.pk])) for i in (small, big)]
    assert counts[0] == counts[1], counts
    # 12, the roles held (response.core.selectors.role_holders), the catalog's services with
    # those affected (response.web.queries.services_for)
    assert counts[1] <= 14


def test_live_timeline_query_count(signed_in):
    small, big = declare("small"), declare("big")
    _grow(small, 2)
    _grow(big, 20)
    counts = [_queries(signed_in, reverse("web:timeline", args=[i.pk])) for i in (small, big)]
    assert counts[0] == counts[1] <= 6, counts


# --- Editing: every change goes through a verb, is audited and announced -------------------------


def _audit(incident, verb):
    return AuditEvent.objects.filter(incident=incident, verb=verb)


def test_edit_details(signed_in, user):
    incident = declare("Old title")
    started = timezone.localtime(incident.started_at, zoneinfo.ZoneInfo("UTC")) - timedelta(hours=1)
    response = signed_in.post(
        reverse("web:edit_details", args=[incident.pk]),
        {
            "title": "New title",
            "summary": "It **broke**",
            "impact": "Everyone",
            "started_at": started.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.title, incident.summary, incident.impact) == (
        "New title",
        "It **broke**",
        "Everyone",
    )
    assert incident.started_at == started.replace(second=0, microsecond=0)
    event = _audit(incident, "incident.updated").get()
    assert event.actor_user == user and event.actor_name == "alex"
    follow = signed_in.get(response["Location"])
    assert "Details saved." in follow.content.decode()


def test_edit_details_errors_become_form_errors(signed_in):
    incident = declare()
    future = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = signed_in.post(
        reverse("web:edit_details", args=[incident.pk]),
        {"title": "ok", "summary": "", "impact": "", "started_at": future},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be in the future" in html
    assert 'id="edit-details" open' in html
    assert not _audit(incident, "incident.updated").exists()


def test_severity_status_and_lead(signed_in, user):
    incident = declare()
    lead = ExternalUserFactory(display_name="lee")
    major = Severity.objects.get(slug="major")
    signed_in.post(reverse("web:severity", args=[incident.pk]), {"severity": major.pk})
    signed_in.post(reverse("web:lead", args=[incident.pk]), {"lead": lead.pk})
    signed_in.post(reverse("web:status", args=[incident.pk]), {"status": "monitoring"})
    incident.refresh_from_db()
    assert incident.severity == major and incident.lead == lead and incident.status == "monitoring"
    assert incident.monitoring_at is not None
    signed_in.post(reverse("web:status", args=[incident.pk]), {"status": "resolved"})
    incident.refresh_from_db()
    assert incident.status == "resolved" and incident.resolved_at
    signed_in.post(reverse("web:status", args=[incident.pk]), {"status": "investigating"})
    incident.refresh_from_db()
    assert incident.status == "investigating" and incident.resolved_at is None
    verbs_seen = set(
        AuditEvent.objects.filter(incident=incident, actor_user=user).values_list("verb", flat=True)
    )
    assert verbs_seen == {
        "incident.severity_changed",
        "incident.lead_changed",
        "incident.status_changed",
        "incident.resolved",
        "incident.reopened",
    }


def test_an_impossible_status_is_a_form_error(signed_in):
    incident = declare()
    response = signed_in.post(
        reverse("web:status", args=[incident.pk]), {"status": "investigating"}
    )
    # A conflict with the incident's state (perhaps just changed by someone else), as in the API.
    assert response.status_code == 409
    assert "already investigating" in response.content.decode()


def test_timeline_entries_add_edit_delete_with_htmx(signed_in, user):
    incident = declare()
    hx = {"HTTP_HX_REQUEST": "true"}
    added = signed_in.post(
        reverse("web:add_entry", args=[incident.pk]), {"entry-text": "Restarted the pods"}, **hx
    )
    assert added.status_code == 200
    assert "Restarted the pods" in added.content.decode()
    assert added.content.decode().lstrip().startswith('<section id="timeline"')
    entry = incident.timeline_events.get(text="Restarted the pods")
    assert entry.metadata == {"by": "alex"}  # no chat account linked: credited by name
    assert '<span class="author">alex</span>' in added.content.decode()
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    signed_in.cookies["tz"] = "UTC"
    edited = signed_in.post(
        reverse("web:edit_entry", args=[incident.pk, entry.pk]),
        {"entry-text": "Restarted all the pods", "entry-timestamp": "2026-01-02T03:04:05"},
        **hx,
    )
    assert "Restarted all the pods" in edited.content.decode()
    entry.refresh_from_db()
    assert entry.text == "Restarted all the pods" and entry.timestamp == when
    signed_in.post(reverse("web:delete_entry", args=[incident.pk, entry.pk]), **hx)
    assert not TimelineEvent.objects.filter(pk=entry.pk).exists()
    assert {e.verb for e in AuditEvent.objects.filter(actor_user=user)} == {
        "timeline.added",
        "timeline.edited",
        "timeline.removed",
    }


def test_timeline_entry_without_javascript_redirects(signed_in):
    incident = declare()
    response = signed_in.post(reverse("web:add_entry", args=[incident.pk]), {"entry-text": "hi"})
    assert response.status_code == 302 and response["Location"].endswith("#timeline")
    empty = signed_in.post(reverse("web:add_entry", args=[incident.pk]), {"entry-text": ""})
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()


def test_an_entry_of_another_incident_is_404(signed_in):
    one, other = declare("one"), declare("other")
    entry = other.timeline_events.first()
    response = signed_in.post(
        reverse("web:delete_entry", args=[one.pk, entry.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 404
    assert TimelineEvent.objects.filter(pk=entry.pk).exists()


def test_actions_add_assign_complete(signed_in, user):
    incident = declare()
    owner = ExternalUserFactory(display_name="olu")
    hx = {"HTTP_HX_REQUEST": "true"}
    added = signed_in.post(
        reverse("web:add_action", args=[incident.pk]),
        {"action-text": "Write the runbook", "action-priority": "high", "action-due_date": ""},
        **hx,
    )
    assert "Write the runbook" in added.content.decode()
    action = incident.actions.get()
    signed_in.post(
        reverse("web:edit_action", args=[incident.pk, action.pk]),
        {
            "action-text": "Write the runbook",
            "action-owner": owner.pk,
            "action-due_date": "2030-01-31",
            "action-priority": "high",
        },
        **hx,
    )
    done = signed_in.post(
        reverse("web:complete_action", args=[incident.pk, action.pk]), {"done": "on"}, **hx
    )
    assert 'aria-pressed="true"' in done.content.decode()
    action.refresh_from_db()
    assert action.owner == owner and str(action.due_date) == "2030-01-31" and action.done
    signed_in.post(
        reverse("web:complete_action", args=[incident.pk, action.pk]), {"done": ""}, **hx
    )
    action.refresh_from_db()
    assert not action.done
    assert [e.verb for e in AuditEvent.objects.filter(actor_user=user).order_by("id")] == [
        "action.added",
        "action.updated",
        "action.completed",
        "action.reopened",
    ]


def test_web_changes_are_announced_like_slack_changes(
    signed_in, django_capture_on_commit_callbacks
):
    from response.core.events import incident_changed

    incident = declare()
    seen = []

    def receiver(sender, event, **kwargs):
        seen.append(event.kind)

    incident_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            signed_in.post(reverse("web:severity", args=[incident.pk]), {"severity": 1})
            signed_in.post(reverse("web:add_entry", args=[incident.pk]), {"entry-text": "note"})
    finally:
        incident_changed.disconnect(receiver)
    assert seen == ["severity", "timeline_added"]


def test_saving_details_changes_only_what_was_edited(signed_in):
    incident = declare("Title", summary="line one\nline two", impact="- a\n- b")
    signed_in.cookies["tz"] = "Europe/Paris"
    html = signed_in.get(page_url(incident)).content.decode()
    # The start time as the browser shows it: the viewer's zone, to the second.
    shown_start = re.search(r'name="started_at" value="([^"]+)"', html).group(1)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", shown_start)
    post = {
        "title": "Better title",
        "summary": "line one\r\nline two",  # browsers send CRLF
        "impact": "- a\r\n- b",
        "started_at": shown_start,
    }
    assert signed_in.post(reverse("web:edit_details", args=[incident.pk]), post).status_code == 302
    event = _audit(incident, "incident.updated").get()
    assert set(event.after) == {"title"}
    assert incident.timeline_events.filter(kind="field").count() == 1


def test_action_edit_form_is_fetched_when_opened(signed_in):
    incident = declare()
    owner = ExternalUserFactory(display_name="olu")
    action = verbs.add_action(incident, "Fix the alert", owner=owner)
    page = signed_in.get(page_url(incident)).content.decode()
    url = reverse("web:edit_action", args=[incident.pk, action.pk])
    assert f'hx-get="{url}"' in page and 'hx-trigger="toggle once"' in page
    assert f'id="action-{action.pk}-owner"' not in page  # not rendered until asked for
    fragment = signed_in.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert f'<option value="{owner.pk}" selected>olu</option>' in fragment
    assert 'hx-target="#actions"' in fragment
    full = signed_in.get(url).content.decode()  # without JavaScript: a page of its own
    assert "<html" in full and "Edit follow-up action" in full and "hx-post" not in full
    response = signed_in.post(
        url, {"action-text": "Fix the alert now", "action-priority": "low", "action-owner": ""}
    )
    assert response.status_code == 302 and response["Location"].endswith("#actions")
    action.refresh_from_db()
    assert (action.text, action.priority, action.owner) == ("Fix the alert now", "low", None)


def test_entry_edit_form_is_fetched_when_opened(signed_in):
    incident = declare()
    entry = verbs.add_timeline_event(
        incident, "Pinned", timestamp=datetime(2026, 7, 1, 12, 0, 5, tzinfo=UTC)
    )
    url = reverse("web:edit_entry", args=[incident.pk, entry.pk])
    page = signed_in.get(page_url(incident)).content.decode()
    assert f'hx-get="{url}"' in page and f'id="entry-{entry.pk}-text"' not in page
    signed_in.cookies["tz"] = "Europe/London"  # BST in July
    fragment = signed_in.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="2026-07-01T13:00:05"' in fragment and "Time (Europe/London)" in fragment
    assert 'hx-target="#timeline"' in fragment and "<html" not in fragment
    full = signed_in.get(url).content.decode()
    assert "Edit timeline entry" in full and "hx-post" not in full
