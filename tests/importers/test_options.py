"""The import against what a real move meets: older schemas, an install already in use, options."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from response.core.models import Action, AuditEvent, ExternalUser, Incident, TimelineEvent
from response.importers.models import ImportedRecord
from response.slack.models import CommsChannel, HeadlinePost
from tests.factories import ExternalUserFactory, declare
from tests.importers.conftest import report_table, run_import, target
from tests.importers.monzo_data import build_rows
from tests.importers.monzo_source import migration_rows, sqlite_source

pytestmark = pytest.mark.django_db


def source_at(tmp_path, upto: int, incidents: int = 20) -> str:
    rows = build_rows(incidents=incidents)
    rows["django_migrations"] = migration_rows(upto)
    return sqlite_source(tmp_path / f"response-{upto}.sqlite3", rows, upto=upto)


def test_an_older_schema_imports_with_defaults(tmp_path):
    """Release 0.1-era: no channel names, report-only, private, action details or deleted."""
    report = run_import(source_at(tmp_path, upto=8))
    assert "original schema: response 0008_externaluser_email" in report
    assert Incident.objects.count() == 20
    assert not Incident.objects.filter(is_report_only=True).exists()
    channel = CommsChannel.objects.get(incident_id=2)
    assert channel.name == channel.channel_id == "C00000002"
    action = Action.objects.filter(incident_id=2).first()
    assert (action.priority, action.created_at) == (
        "medium",
        Incident.objects.get(pk=2).reported_at,
    )
    # Without timeline_event_id every pin looks old; the timeline has each Slack message once.
    assert report_table(report)["pinned messages"][1] == 1  # only the really old one
    assert TimelineEvent.objects.filter(kind="message", incident_id=2).count() == 3


def test_the_last_schema_keeps_grafana_annotations_in_the_audit_row(tmp_path):
    run_import(source_at(tmp_path, upto=18))
    audit = AuditEvent.objects.get(verb="incident.imported", incident_id=5)
    assert audit.after["extra"] == {"grafana_annotation_id": 4242}


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_numbers_already_taken_here_are_renumbered(sqlite_url):
    existing = [declare(f"Declared here first {n}") for n in range(3)]
    report = run_import(sqlite_url)
    assert [i.pk for i in existing] == [1, 2, 3]
    assert Incident.objects.get(pk=2).title == "Declared here first 1"
    moved = target("incident", 2)
    assert moved > 60 and Incident.objects.get(pk=moved).title == "Payments & cards <down>"
    assert Incident.objects.get(pk=4).title == "Reported, with an end"  # kept its number
    assert "57 kept their original number" in report
    assert f"3 renumbered, their number being taken here: 1→{target('incident', 1)}" in report
    assert CommsChannel.objects.get(incident_id=moved).channel_id == "C00000002"
    newest = declare("Declared after the import")
    assert newest.pk > max(Incident.objects.exclude(pk=newest.pk).values_list("pk", flat=True))


def test_chat_users_already_here_are_reused_not_overwritten(sqlite_url):
    known = ExternalUserFactory(workspace_id="", external_id="U00000001", display_name="ann")
    report = run_import(sqlite_url)
    known.refresh_from_db()
    assert known.display_name == "ann"
    assert ExternalUser.objects.filter(external_id="U00000001").count() == 1
    assert Incident.objects.get(pk=2).reporter == known
    assert "chat users: 1 chat user already here (same Slack user id): reused" in report


def test_headline_posts_need_the_incidents_channel_id(sqlite_url, source_rows, settings):
    settings.RESPONSE_INCIDENT_CHANNEL = "incidents"  # a name: the original never stored the id
    with pytest.raises(CommandError, match="pass --incident-channel-id C"):
        call_command("import_monzo", sqlite_url)
    with pytest.raises(CommandError, match="needs the channel's Slack id"):
        call_command("import_monzo", sqlite_url, "--incident-channel-id", "#incidents")
    assert not ImportedRecord.objects.exists()
    call_command("import_monzo", sqlite_url, "--skip-headline-posts")
    assert Incident.objects.count() == 60 and not HeadlinePost.objects.exists()
    # Later, with the id: only the headline posts are new.
    settings.RESPONSE_INCIDENT_CHANNEL = "#C0INCIDENTS"
    call_command("import_monzo", sqlite_url)
    posted = {r["incident_id"] for r in source_rows["response_headlinepost"] if r["message_ts"]}
    assert HeadlinePost.objects.count() == len(posted)
    assert set(HeadlinePost.objects.values_list("channel_id", flat=True)) == {"C0INCIDENTS"}


def next_incident_id() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT last_value FROM pg_sequences WHERE sequencename LIKE 'core_incident%'"
            )
        else:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = 'core_incident'")
        row = cursor.fetchone()
    return row[0] if row else 0


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_dry_run_writes_nothing(sqlite_url):
    declare("Declared here first")  # number 1 is taken: the dry run renumbers one incident
    sequence = next_incident_id()
    report = run_import(sqlite_url, "--dry-run")
    assert report.startswith("Dry run (nothing written)")
    assert report_table(report)["incidents"] == (60, 60, 0, 0)
    assert "1 renumbered" in report
    assert Incident.objects.count() == 1
    for model in (ExternalUser, TimelineEvent, AuditEvent):  # the declared incident's own
        assert model.objects.count() == 1, model
    assert not ImportedRecord.objects.exists()
    assert next_incident_id() == sequence


def test_naive_times_are_read_in_the_originals_time_zone(sqlite_url, source_rows):
    run_import(sqlite_url, "--source-time-zone", "Europe/London")
    first = source_rows["response_incident"][0]
    assert Incident.objects.get(pk=1).reported_at == first["report_time"] - timedelta(hours=1)


def test_small_batches_give_the_same_result(sqlite_url):
    one = run_import(sqlite_url, "--batch-size", "7", "--dry-run")
    many = run_import(sqlite_url, "--dry-run")
    assert report_table(one) == report_table(many)


def test_queries_do_not_grow_with_rows(tmp_path):
    small = source_at(tmp_path, upto=17, incidents=15)
    large = sqlite_source(tmp_path / "large.sqlite3", build_rows(incidents=120, seed=3))
    counts = []
    for name, url in (("small", small), ("large", large)):
        with CaptureQueriesContext(connection) as queries:
            run_import(url, "--dry-run", "--batch-size", "1000", "--source-name", name)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_later_run_brings_what_the_original_added_meanwhile(tmp_path, sqlite_url):
    copy = tmp_path / "still-running.sqlite3"
    shutil.copy(sqlite_url.removeprefix("sqlite:///"), copy)
    run_import(f"sqlite:///{copy}")
    with sqlite3.connect(copy) as original:  # the original kept working after the first run
        original.execute(
            "INSERT INTO response_timelineevent (timestamp, text, event_type, metadata, "
            "incident_id) VALUES ('2019-06-05 10:00:00', 'Late note', 'text', NULL, 2)"
        )
        original.execute(
            "INSERT INTO response_incident (report, report_time, start_time, report_only, "
            "private, reporter_id) VALUES ('New one', '2021-01-01 00:00:00', "
            "'2021-01-01 00:00:00', 0, 0, 1)"
        )
    report = run_import(f"sqlite:///{copy}")
    table = report_table(report)
    assert table["incidents"][:2] == (61, 1) and table["timeline events"][1] == 1
    assert TimelineEvent.objects.get(text="Late note").incident_id == 2
    assert Incident.objects.get(pk=61).title == "New one"


def test_users_without_a_usable_slack_id_are_skipped_with_a_reason(tmp_path):
    rows = build_rows(incidents=5)
    template = rows["response_externaluser"][0]
    for n, external_id in enumerate(["", "U" + "9" * 40]):
        rows["response_externaluser"].append(
            {**template, "id": 900 + n, "external_id": external_id}
        )
    report = run_import(sqlite_source(tmp_path / "odd-users.sqlite3", rows))
    assert "chat users: 2 no usable chat user id (empty, or over 32 characters)" in report
    assert not ExternalUser.objects.filter(external_id="").exists()
