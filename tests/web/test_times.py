"""Key times on the incident page: the durations, the form that corrects them (a refusal shown by
the field the person changed), and the strip of the incident's life."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from response.core import verbs
from response.core.models import AuditEvent, Incident, TimelineEvent
from response.core.selectors import timeline_of
from response.web.strip import life_strip, status_of_entry
from tests.factories import ExternalUserFactory, declare

pytestmark = pytest.mark.django_db


def page_url(incident) -> str:
    return reverse("web:incident", args=[incident.pk])


def times_url(incident) -> str:
    return reverse("web:key_times", args=[incident.pk])


def local(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def shown_times(html: str) -> dict[str, str]:
    """The key times form as the page filled it in."""
    return dict(re.findall(r'name="(\w+_at)" value="([^"]+)"', html))


# --- The form -------------------------------------------------------------------------------------


def test_the_page_shows_durations_and_a_filled_in_form(signed_in):
    signed_in.cookies["tz"] = "UTC"
    incident = declare(started_at=timezone.now() - timedelta(hours=1))
    verbs.set_status(incident, "identified")
    html = signed_in.get(page_url(incident)).content.decode()
    for label in ("Time to detect", "Time to acknowledge", "Time to mitigate", "Time to resolve"):
        assert f"<dt>{label}</dt>" in html
    assert f'action="{times_url(incident)}"' in html
    shown = shown_times(html)
    assert shown["started_at"] == local(incident.started_at)
    assert shown["acknowledged_at"] == local(incident.acknowledged_at)
    assert 'name="mitigated_at"' in html and 'name="resolved_at"' not in html  # still open


def test_correcting_a_key_time(signed_in, user):
    signed_in.cookies["tz"] = "Europe/Paris"  # UTC+1 in March
    incident = declare(started_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    shown = shown_times(signed_in.get(page_url(incident)).content.decode())
    response = signed_in.post(times_url(incident), {**shown, "detected_at": "2026-03-01T10:20:00"})
    assert response.status_code == 302
    assert response["Location"].endswith("#key-times")
    incident.refresh_from_db()
    assert incident.detected_at == datetime(2026, 3, 1, 9, 20, tzinfo=UTC)  # 10:20 in Paris
    assert incident.started_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # not sent as a change
    event = AuditEvent.objects.filter(incident=incident).latest("id")
    assert event.after == {"detected_at": "2026-03-01T09:20:00+00:00"}
    assert event.actor_user == user
    entry = TimelineEvent.objects.filter(incident=incident).latest("id")
    assert entry.text == "Key times corrected: detected 01 Mar 2026 09:20 UTC (on the web)"
    assert "Key times saved." in signed_in.get(response["Location"]).content.decode()


def test_an_empty_time_is_unknown(signed_in):
    incident = declare(started_at=timezone.now() - timedelta(hours=1))
    verbs.set_status(incident, "identified")
    shown = shown_times(signed_in.get(page_url(incident)).content.decode())
    response = signed_in.post(times_url(incident), {**shown, "acknowledged_at": ""})
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.acknowledged_at is None


def test_mitigated_before_detected_is_refused_by_its_field(signed_in):
    signed_in.cookies["tz"] = "UTC"
    incident = declare(started_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    verbs.set_key_times(incident, detected_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC))
    shown = shown_times(signed_in.get(page_url(incident)).content.decode())
    response = signed_in.post(times_url(incident), {**shown, "mitigated_at": "2026-03-01T09:10:00"})
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(r'<div class="field has-error">(.*?)</div>', html, re.DOTALL).group(1)
    assert 'name="mitigated_at"' in field
    assert (
        "Mitigated (01 Mar 2026 09:10 UTC) cannot be before detected (01 Mar 2026 09:30 UTC)."
        in field
    )
    assert '<details class="edit-times" open>' in html
    incident.refresh_from_db()
    assert incident.mitigated_at is None


def test_the_start_is_required_and_a_resolution_only_once_closed(signed_in):
    incident = declare(started_at=timezone.now() - timedelta(hours=1))
    shown = shown_times(signed_in.get(page_url(incident)).content.decode())
    response = signed_in.post(times_url(incident), {**shown, "started_at": ""})
    assert response.status_code == 400
    verbs.resolve_incident(incident)
    html = signed_in.get(page_url(incident)).content.decode()
    assert 'name="resolved_at"' in html


def test_unchanged_form_changes_nothing(signed_in):
    incident = declare(started_at=timezone.now() - timedelta(hours=1))
    before = TimelineEvent.objects.filter(incident=incident).count()
    shown = shown_times(signed_in.get(page_url(incident)).content.decode())
    assert signed_in.post(times_url(incident), shown).status_code == 302
    assert TimelineEvent.objects.filter(incident=incident).count() == before


def test_the_form_needs_sign_in(client):
    incident = declare()
    response = client.post(times_url(incident), {"started_at": ""})
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- The strip (pure) ----------------------------------------------------------------------------


T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def timeline(incident) -> list[TimelineEvent]:
    return list(timeline_of(incident))


def backdated(incident: Incident, **times) -> None:
    Incident.objects.filter(pk=incident.pk).update(**times)
    incident.refresh_from_db()


def move(incident: Incident, status: str, at: datetime) -> None:
    """Move the incident with the real verb, its timeline entry dated `at`."""
    verbs.move_incident(incident, status)
    TimelineEvent.objects.filter(pk=TimelineEvent.objects.latest("id").pk).update(timestamp=at)


def test_a_strip_of_statuses_over_time_with_updates_and_pins():
    incident = declare(started_at=T0 - timedelta(minutes=20))
    backdated(incident, started_at=T0 - timedelta(minutes=20), reported_at=T0)
    TimelineEvent.objects.filter(incident=incident).update(timestamp=T0)
    move(incident, "identified", T0 + timedelta(minutes=20))
    move(incident, "monitoring", T0 + timedelta(minutes=40))
    update = verbs.post_status_update(incident, "Rolled back")
    TimelineEvent.objects.filter(pk=update.pk).update(timestamp=T0 + timedelta(minutes=50))
    pin = verbs.add_timeline_event(
        incident, "Errors are down", timestamp=T0 + timedelta(minutes=30), source="slack:C1:2.3"
    )
    TimelineEvent.objects.filter(pk=pin.pk).update(kind=TimelineEvent.Kind.MESSAGE)
    verbs.resolve_incident(incident)
    backdated(
        incident,
        resolved_at=T0 + timedelta(minutes=60),
        detected_at=T0,
        acknowledged_at=T0 + timedelta(minutes=20),
        mitigated_at=T0 + timedelta(minutes=40),
    )

    strip = life_strip(incident, timeline(incident), now=T0 + timedelta(hours=5))
    assert (strip.start, strip.end, strip.ongoing) == (
        T0 - timedelta(minutes=20),
        T0 + timedelta(minutes=60),
        False,
    )
    assert [(s.status, s.left, s.width) for s in strip.segments] == [
        ("unreported", "0.00", "25.00"),
        ("investigating", "25.00", "25.00"),
        ("identified", "50.00", "25.00"),
        ("monitoring", "75.00", "25.00"),  # resolved at its end: nothing after
    ]
    assert [(m.kind, m.left, m.text) for m in strip.markers] == [
        ("message", "62.50", "Errors are down"),
        ("update", "87.50", "Rolled back"),
    ]
    assert strip.markers[1].entry_id == update.pk
    # The key times: ticks across the bar.
    assert [(k.label, k.left) for k in strip.moments] == [
        ("Detected", "25.00"),
        ("Acknowledged", "50.00"),
        ("Mitigated", "75.00"),
    ]


def test_an_open_incident_runs_until_now():
    incident = declare(started_at=T0)
    backdated(incident, reported_at=T0)
    TimelineEvent.objects.filter(incident=incident).update(timestamp=T0)
    strip = life_strip(incident, timeline(incident), now=T0 + timedelta(hours=1))
    assert strip.ongoing and strip.end == T0 + timedelta(hours=1)
    assert [(s.status, s.width) for s in strip.segments] == [("investigating", "100.00")]


def test_a_reopened_incident_shows_its_time_resolved():
    incident = declare(started_at=T0)
    backdated(incident, reported_at=T0)
    move(incident, "resolved", T0 + timedelta(minutes=10))
    move(incident, "investigating", T0 + timedelta(minutes=30))
    strip = life_strip(incident, timeline(incident), now=T0 + timedelta(minutes=40))
    assert [s.status for s in strip.segments] == ["investigating", "resolved", "investigating"]


def test_status_entries_written_before_metadata_are_read_from_their_words():
    def entry(text: str) -> TimelineEvent:
        return TimelineEvent(kind=TimelineEvent.Kind.STATUS, text=text, metadata={})

    assert status_of_entry(entry("Status changed to Identified (on the web)")) == "identified"
    assert status_of_entry(entry("Resolved")) == "resolved"
    assert status_of_entry(entry("Reopened (Monitoring)")) == "monitoring"
    assert status_of_entry(entry("Something else")) is None
    note = TimelineEvent(kind=TimelineEvent.Kind.NOTE, text="Status changed to Identified")
    assert status_of_entry(note) is None


def test_a_report_only_incident_is_one_stretch():
    incident = declare(is_report_only=True, started_at=timezone.now() - timedelta(hours=2))
    strip = life_strip(incident, timeline(incident), now=timezone.now())
    assert [(s.status, s.width) for s in strip.segments] == [("reported", "100.00")]


# --- The strip on the page ---------------------------------------------------------------------


def test_the_page_draws_the_strip_with_linked_markers(signed_in):
    lead = ExternalUserFactory()
    incident = declare(started_at=timezone.now() - timedelta(hours=1), lead=lead)
    verbs.set_status(incident, "identified", by=lead)
    update = verbs.post_status_update(incident, "Found the bad deploy <b>", by=lead)
    html = signed_in.get(page_url(incident)).content.decode()
    svg = re.search(r'<svg class="life-strip".*?</svg>', html, re.DOTALL).group(0)
    assert svg.count('class="seg seg-') == 3  # before the report, investigating, identified
    assert 'class="seg seg-identified"' in svg
    assert f'<a href="#entry-{update.pk}">' in svg
    assert "Status update at" in svg and "Found the bad deploy &lt;b&gt;" in svg
    assert f'id="entry-{update.pk}"' in html  # the marker's link lands on the entry
    assert "<script" not in svg


def test_the_write_up_draws_the_strip_too(signed_in):
    lead = ExternalUserFactory()
    incident = declare(started_at=timezone.now() - timedelta(hours=1), lead=lead)
    update = verbs.post_status_update(incident, "Rolled back", by=lead)
    verbs.resolve_incident(incident, by=lead)
    html = signed_in.get(reverse("web:writeup", args=[incident.pk])).content.decode()
    svg = re.search(r'<svg class="life-strip".*?</svg>', html, re.DOTALL).group(0)
    assert 'aria-labelledby="w-life life-desc"' in svg
    assert f'<a href="#entry-{update.pk}">' in svg and f'id="entry-{update.pk}"' in html
    assert 'class="key-tick"' in svg  # detected, acknowledged, mitigated
