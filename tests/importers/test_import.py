"""`response import-monzo` on an original database (SQLite and PostgreSQL): every mapped field,
the report, the audit rows, and a second run that imports nothing."""

from __future__ import annotations

import html
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest

from response.core.models import (
    Action,
    AuditEvent,
    ExternalUser,
    Incident,
    Participant,
    Severity,
    Status,
    TimelineEvent,
)
from response.importers.models import ImportedRecord
from response.slack.models import CommsChannel, HeadlinePost
from tests.importers.conftest import report_table, run_import, target
from tests.importers.monzo_data import INCIDENT_CHANNEL

pytestmark = pytest.mark.django_db

SEVERITIES = {"1": "critical", "2": "major", "3": "minor", "4": "trivial"}


def by_id(rows: list[dict]) -> dict[int, dict]:
    return {r["id"]: r for r in rows}


def test_every_incident_is_imported_with_its_fields(source_url, source_rows):
    run_import(source_url)
    users = by_id(source_rows["response_externaluser"])
    slack_id = {u["id"]: u["external_id"] for u in users.values()}
    rows = source_rows["response_incident"]
    assert Incident.objects.count() == len(rows)
    for row in rows:
        incident = Incident.objects.select_related("severity", "reporter", "lead").get(
            pk=target("incident", row["id"])
        )
        assert incident.pk == row["id"]  # the number is kept: this install had none
        assert incident.title == (html.unescape(row["report"]) or f"Incident {row['id']}")
        assert incident.summary == html.unescape(row["summary"] or "")
        assert incident.impact == html.unescape(row["impact"] or "")
        assert incident.reported_at == row["report_time"]
        assert incident.started_at == row["start_time"]
        assert incident.is_private is row["private"]
        assert incident.is_report_only is row["report_only"]
        if row["report_only"]:
            assert incident.status == Status.REPORTED
            assert incident.resolved_at == row["end_time"]
        elif row["end_time"]:
            assert (incident.status, incident.resolved_at) == (Status.RESOLVED, row["end_time"])
        else:
            assert (incident.status, incident.resolved_at) == (Status.INVESTIGATING, None)
        assert incident.is_closed() is bool(row["report_only"] or row["end_time"])
        expected_severity = SEVERITIES.get(row["severity"] or "")
        assert (incident.severity.slug if incident.severity else None) == expected_severity
        for role in ("reporter", "lead"):
            person = getattr(incident, role)
            source_id = row[f"{role}_id"]
            assert (person.external_id if person else None) == slack_id.get(source_id), role


def test_the_quirky_incidents(source_url):
    run_import(source_url)
    i2 = Incident.objects.get(pk=2)
    assert i2.title == "Payments & cards <down>"  # bleach's escaping undone
    assert i2.summary == "Card payments & transfers failed"
    assert (i2.severity.slug, i2.status, i2.lead.external_id) == (
        "critical",
        "resolved",
        "U00000002",
    )
    assert Incident.objects.get(pk=3).end_time() == Incident.objects.get(pk=3).reported_at
    assert Incident.objects.get(pk=6).title == "Incident 6"
    assert Incident.objects.get(pk=9).severity is None  # "7": no such severity here
    audit = AuditEvent.objects.get(incident_id=9)
    assert audit.after["extra"] == {"severity": "7"}
    # Incident 10: reporter and lead were two rows of one person in the original.
    i10 = Incident.objects.get(pk=10)
    assert i10.reporter_id == i10.lead_id
    assert i10.lead.display_name == "person2-renamed"  # the newest row describes the person


def test_chat_users_one_per_slack_user(source_url, source_rows):
    run_import(source_url)
    rows = source_rows["response_externaluser"]
    newest = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        newest[row["external_id"]] = row
    assert ExternalUser.objects.count() == len(newest)
    for external_id, row in newest.items():
        user = ExternalUser.objects.get(external_id=external_id)
        assert (user.app, user.workspace_id) == ("slack", "")
        assert user.display_name == row["display_name"]
        assert user.full_name == (row["full_name"] or "")
        assert user.email == (row["email"] or "")
        assert user.is_deleted is row["deleted"]
        assert user.user_id is None
    for row in rows:  # every source row points at its person
        assert (
            target("user", row["id"]) == ExternalUser.objects.get(external_id=row["external_id"]).pk
        )


def test_comms_channels_and_headline_posts_keep_their_slack_ids(source_url, source_rows):
    run_import(source_url)
    channels = source_rows["response_commschannel"]
    assert CommsChannel.objects.count() == len(channels)
    private = {r["id"] for r in source_rows["response_incident"] if r["private"]}
    for row in channels:
        channel = CommsChannel.objects.get(incident_id=target("incident", row["incident_id"]))
        assert (channel.channel_id, channel.name) == (row["channel_id"], row["channel_name"])
        assert channel.is_private is (row["incident_id"] in private)
    posts = defaultdict(list)
    for row in source_rows["response_headlinepost"]:
        if row["message_ts"]:
            posts[row["incident_id"]].append(row)
    assert HeadlinePost.objects.count() == len(posts)
    for incident_id, rows in posts.items():
        post = HeadlinePost.objects.get(incident_id=target("incident", incident_id))
        first = min(rows, key=lambda r: r["id"])
        assert (post.channel_id, post.message_ts) == (INCIDENT_CHANNEL, first["message_ts"])
    assert not HeadlinePost.objects.filter(incident_id=7).exists()  # never posted


def test_timeline_events_of_each_kind(source_url):
    run_import(source_url)
    entries = list(TimelineEvent.objects.filter(incident_id=2).select_related("author"))
    by_text = {e.text: e for e in entries}
    note = by_text["Paged the on-call engineer"]
    assert (note.kind, note.author, note.source) == ("note", None, None)
    pin = by_text["Found it & fixed"]
    assert pin.kind == "message" and pin.author.external_id == "U00000003"
    assert pin.source.startswith("slack:C00000002:")
    ts = pin.source.rsplit(":", 1)[1]
    assert pin.timestamp == datetime.fromtimestamp(float(ts), UTC)  # exact, from the Slack ts
    assert [e.kind for e in entries if e.text == "Found it & fixed"] == ["message"]  # once
    old = by_text["Old pin"]
    assert (old.kind, old.author.external_id) == ("message", "U00000004")
    assert by_text["person2 was added as incident lead"].kind == "lead"
    field = by_text['Incident report updated from "Payments" to "Payments & cards"']
    assert (field.kind, field.metadata["field"]) == ("field", "title")
    # Texts the original saved as tuples, and a severity change it logged as an impact change.
    assert by_text['Incident summary updated from "Cards" to "Card payments"'].kind == "field"
    assert by_text["Incident severity updated from major to critical"].kind == "severity"
    assert by_text["Incident severity set to critical"].kind == "severity"
    assert by_text['Incident impact added: "20% of payments"'].metadata["field"] == "impact"
    custom = by_text["Posted to the status page"]
    assert custom.kind == "note"
    assert custom.metadata["monzo"]["event_type"] == "statuspage_update"
    assert by_text["Metadata went missing"].metadata["monzo"]["metadata"] == {"raw": "not json {"}
    assert note.timestamp == datetime(2019, 6, 4, 9, 1, tzinfo=UTC)


def test_every_timeline_event_and_pin_is_accounted_for(source_url, source_rows):
    run_import(source_url)
    events = source_rows["response_timelineevent"]
    pins = source_rows["response_pinnedmessage"]
    old_pins = [p for p in pins if p["timeline_event_id"] is None]
    # One slack_pin repeats a message already pinned, and one old pin is of that message too.
    assert TimelineEvent.objects.count() == len(events) - 1 + len(old_pins) - 1
    for row in events:
        entry = TimelineEvent.objects.filter(pk=target("timeline_event", row["id"])).first()
        if entry is None:
            continue
        assert entry.incident_id == target("incident", row["incident_id"])
        if row["event_type"] != "slack_pin":
            assert entry.timestamp == row["timestamp"]


def test_actions(source_url, source_rows):
    run_import(source_url)
    rows = source_rows["response_action"]
    users = by_id(source_rows["response_externaluser"])
    assert Action.objects.count() == len(rows)
    for row in rows:
        action = Action.objects.select_related("created_by").get(pk=target("action", row["id"]))
        kind = {"1": "detective", "2": "preventative", "3": "corrective"}.get(row["type"] or "")
        details = html.unescape(row["details"])
        assert action.text == (f"[{kind}] {details}" if kind else details)
        assert action.done is row["done"]
        assert action.priority == {"1": "high", "3": "low"}.get(row["priority"] or "", "medium")
        assert action.created_by.external_id == users[row["user_id"]]["external_id"]
        assert action.owner is None
        assert action.due_date == (row["due_date"].date() if row["due_date"] else None)
        created = row["created_date"] or next(
            i["report_time"]
            for i in source_rows["response_incident"]
            if i["id"] == row["incident_id"]
        )
        assert action.created_at == created
        if row["done"]:
            assert action.done_at == (row["done_date"] or created)
        else:
            assert action.done_at is None
    first = Action.objects.get(text="[preventative] Add an alert & a runbook")
    assert (first.priority, first.done) == ("high", True)


def test_participants_merge_one_persons_rows(source_url, source_rows):
    run_import(source_url)
    person = ExternalUser.objects.get(external_id="U00000002")
    merged = Participant.objects.get(incident_id=10, user=person)
    assert merged.message_count == 7
    assert merged.joined_at == Incident.objects.get(pk=10).reported_at + timedelta(minutes=1)
    assert Participant.objects.get(incident_id=2, user=person).message_count == 12
    assert Participant.objects.count() == len(source_rows["response_userstats"]) - 1


def test_one_audit_row_per_incident_names_its_origin(source_url):
    run_import(source_url)
    audits = AuditEvent.objects.filter(verb="incident.imported")
    assert audits.count() == Incident.objects.count()
    audit = audits.get(incident_id=2)
    assert (audit.object_type, audit.object_id, audit.actor_name) == (
        "incident",
        "2",
        "import-monzo",
    )
    assert audit.after["original_id"] == 2 and audit.after["source"] == "monzo"
    assert "password" not in audit.after["database"]
    assert any("HTML-escaped" in note for note in audit.after["notes"])


def test_report_and_second_run_imports_nothing(source_url, source_rows):
    first = run_import(source_url)
    counts = {
        model: model.objects.count()
        for model in (Incident, ExternalUser, TimelineEvent, Action, CommsChannel, HeadlinePost,
                      Participant, AuditEvent, ImportedRecord)
    }  # fmt: skip
    n = len(source_rows["response_incident"])
    table = report_table(first)
    assert table["incidents"] == (n, n, 0, 0)
    assert table["chat users"] == (33, 30, 0, 3)
    assert table["comms channels"][:2] == (len(source_rows["response_commschannel"]),) * 2
    assert table["timeline events"][3] == 1 and table["headline posts"][3] == 2
    for found, imported, already, skipped in table.values():
        assert found == imported + already + skipped
    assert "chat users: 3 duplicate row for the same Slack user" in first
    assert "headline posts: 1 never posted to Slack (no message ts)" in first
    assert "headline posts: 1 its incident already has a headline post here" in first
    assert (
        "timeline events: 1 the same Slack message is on its incident's timeline already" in first
    )
    assert "pinned messages: 1 pin from before the timeline existed" in first
    assert "actions: 1 done action without a done date" in first
    assert "incidents: 1 text stored HTML-escaped" in first
    assert "Not imported (no equivalent here):" in first
    assert "response_notification: 5 rows" in first and "response_event: 5 rows" in first
    assert f"{n} kept their original number" in first

    second = run_import(source_url)
    assert {model: model.objects.count() for model in counts} == counts
    table = report_table(second)
    assert table["incidents"] == (n, 0, n, 0)
    assert all(imported == 0 for _, imported, _, _ in table.values())
    assert "Mapped to the nearest field" not in second
    assert Severity.objects.count() == 4
