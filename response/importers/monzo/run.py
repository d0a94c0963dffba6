"""The import itself: chat users first, then incidents in batches (by original id), each batch with
everything that hangs off its incidents, written in one transaction with bulk inserts.

Rows are written directly, not through the verbs: they record history that already happened, so
there is nothing to validate against the present, no timeline entry to add and nothing to announce
(announcing would re-render thousands of Slack messages). Each imported incident gets one audit row,
`incident.imported`, naming where it came from. Every row dealt with is remembered in
ImportedRecord, so a second run (or a run after a failure) imports only what is new.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, tzinfo

from django.db import connection, transaction
from django.db.models import Max, Q

from response.core.models import AuditEvent, AuditVerb, ExternalUser, Incident, Severity
from response.importers.models import ImportedRecord
from response.importers.monzo import mapping
from response.importers.monzo.children import ChildImport
from response.importers.monzo.report import Report
from response.importers.monzo.source import SourceDatabase

AUDIT_VERB = AuditVerb.INCIDENT_IMPORTED
AUDIT_ACTOR = "import-monzo"
SLACK_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{6,}")

INCIDENT_COLUMNS = [
    "id", "report", "reporter_id", "report_time", "report_only", "private", "start_time",
    "end_time", "summary", "impact", "lead_id", "severity", "grafana_annotation_id",
]  # fmt: skip
NOT_IMPORTED = {
    "response_event": "the original's change feed for its event handlers; changes here are "
    "announced by the verbs",
    "response_notification": "the original's reminder state; reminders here start when an "
    "incident is declared or reopened (see docs/migrating.md)",
}


@dataclass(frozen=True)
class Options:
    source_name: str = "monzo"
    incident_channel_id: str | None = None
    skip_headline_posts: bool = False
    time_zone: tzinfo = UTC
    batch_size: int = 500
    dry_run: bool = False


def default_incident_channel_id(configured: str) -> str | None:
    """RESPONSE_INCIDENT_CHANNEL when it is a channel id (the original's headline posts are in
    its incidents channel, whose id it never stored)."""
    value = configured.strip().lstrip("#")
    return value if SLACK_CHANNEL_ID.fullmatch(value) else None


class MonzoImport:
    def __init__(self, source: SourceDatabase, options: Options):
        self.source = source
        self.options = options
        self.report = Report(
            source=source.label,
            schema=source.schema_version(),
            read_only=source.read_only_check,
            dry_run=options.dry_run,
        )
        self.known: dict[str, dict[str, int]] = defaultdict(dict)
        for kind, source_id, target_id in ImportedRecord.objects.filter(
            source=options.source_name
        ).values_list("kind", "source_id", "target_id"):
            self.known[kind][source_id] = target_id
        self.pending: list[ImportedRecord] = []
        self.user_ids: dict[int, int] = {}  # source user id -> ExternalUser id
        self.user_by_key: dict[tuple[str, str], int] = {}
        self.severity_ids = _severity_ids()
        self.next_free: int | None = None  # set: renumber from here rather than the sequence

    # --- bookkeeping --------------------------------------------------------------------------

    def target_of(self, kind: str, source_id: int) -> int | None:
        return self.known[kind].get(str(source_id))

    def remember(self, kind: str, source_id: int, target_id: int) -> None:
        self.known[kind][str(source_id)] = target_id
        self.pending.append(
            ImportedRecord(
                source=self.options.source_name,
                kind=kind,
                source_id=str(source_id),
                target_id=target_id,
            )
        )

    def flush(self) -> None:
        ImportedRecord.objects.bulk_create(self.pending, batch_size=1000)
        self.pending = []

    def user_ref(self, source_user_id: int | None, notes: list[str]) -> int | None:
        if source_user_id is None:
            return None
        target = self.user_ids.get(source_user_id)
        if target is None:
            notes.append("dangling_user")
        return target

    # --- the run ------------------------------------------------------------------------------

    def pending_headline_posts(self) -> int:
        """Headline posts that were posted to Slack and are not imported yet."""
        done = self.known["headline_post"]
        rows = self.source.rows("SELECT id FROM response_headlinepost WHERE message_ts IS NOT NULL")
        return sum(1 for r in rows if str(r["id"]) not in done)

    def run(self) -> Report:
        with transaction.atomic():
            self.import_users()
            self.flush()
        highest = self.source.scalar("SELECT MAX(id) FROM response_incident") or 0
        if self.options.dry_run and connection.vendor == "postgresql":
            # A sequence is not rolled back: a dry run numbers renumbered incidents itself.
            newest_here = Incident.objects.aggregate(m=Max("pk"))["m"] or 0
            self.next_free = max(highest, newest_here) + 1
        else:
            with transaction.atomic():
                reserve_incident_ids(highest)
        last = 0
        while rows := self.source.select(
            "response_incident", INCIDENT_COLUMNS, '"id" > %s', (last,), self.options.batch_size
        ):
            with transaction.atomic():
                self.import_batch(rows)
                self.flush()
            last = rows[-1]["id"]
        for table, why in NOT_IMPORTED.items():
            if rows_left := self.source.count(table):
                self.report.not_imported.append((table, rows_left, why))
        return self.report

    def import_users(self) -> None:
        stats = self.report["user"]
        rows = self.source.select(
            "response_externaluser",
            ["id", "app_id", "external_id", "display_name", "full_name", "email", "deleted",
             "owner_id"],
        )  # fmt: skip
        stats.found = len(rows)
        groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in rows:
            groups[mapping.user_key(row)].append(row)
        targets: dict[tuple[str, str], int] = {}
        for key, group in groups.items():
            for row in group:
                if (known := self.target_of("user", row["id"])) is not None:
                    targets[key] = known
        new_keys = [k for k in groups if k not in targets and usable_user_id(k[1])]
        existing = _existing_users(new_keys)
        created: dict[tuple[str, str], ExternalUser] = {}
        for key in new_keys:
            if key in existing:
                targets[key] = existing[key]
            else:
                newest = max(groups[key], key=lambda r: r["id"])
                created[key] = ExternalUser(**mapping.map_user(newest).fields)
        ExternalUser.objects.bulk_create(created.values(), batch_size=500)
        targets.update({key: user.pk for key, user in created.items()})
        for key, group in groups.items():
            representative = max(group, key=lambda r: r["id"])
            for row in group:
                if self.target_of("user", row["id"]) is not None:
                    stats.already["imported by an earlier run"] += 1
                elif key not in targets:
                    stats.skipped["no usable chat user id (empty, or over 32 characters)"] += 1
                    continue
                elif row is not representative:
                    stats.skipped[
                        "duplicate row for the same Slack user (the original kept one per "
                        "display name): merged into one chat user"
                    ] += 1
                elif key in created:
                    stats.imported += 1
                else:
                    stats.already["chat user already here (same Slack user id): reused"] += 1
                if self.target_of("user", row["id"]) is None:
                    self.remember("user", row["id"], targets[key])
                    if row["owner_id"] is not None:
                        stats.notes["owner_not_moved"] += 1
                self.user_ids[row["id"]] = targets[key]
        self.user_by_key = targets

    def import_batch(self, rows: list[dict]) -> None:
        self.import_incidents(rows)
        ChildImport(self, rows).import_all()

    def renumber(self) -> int | None:
        """A new number for an incident whose own is taken: None lets the database choose."""
        if self.next_free is None:
            return None
        self.next_free += 1
        return self.next_free - 1

    def import_incidents(self, rows: list[dict]) -> None:
        stats = self.report["incident"]
        stats.found += len(rows)
        new = []
        for row in rows:
            if self.target_of("incident", row["id"]) is not None:
                stats.already["imported by an earlier run"] += 1
            else:
                new.append(row)
        taken = set(
            Incident.objects.filter(pk__in=[r["id"] for r in new]).values_list("pk", flat=True)
        )
        built: list[tuple[dict, mapping.Mapped, Incident]] = []
        for row in new:
            try:
                mapped = mapping.map_incident(
                    row, severity_ids=self.severity_ids, tz=self.options.time_zone
                )
            except (TypeError, ValueError) as error:
                stats.skipped[f"unreadable: {error}"] += 1
                continue
            incident = Incident(
                pk=self.renumber() if row["id"] in taken else row["id"],
                reporter_id=self.user_ref(row["reporter_id"], mapped.notes),
                lead_id=self.user_ref(row["lead_id"], mapped.notes),
                **mapped.fields,
            )
            built.append((row, mapped, incident))
        Incident.objects.bulk_create([b[2] for b in built], batch_size=500)
        audit_rows = []
        for row, mapped, incident in built:
            stats.imported += 1
            stats.notes.update(mapped.notes)
            if incident.pk == row["id"]:
                self.report.kept_numbers += 1
            else:
                self.report.renumbered[row["id"]] = incident.pk
            self.remember("incident", row["id"], incident.pk)
            audit_rows.append(self.audit_row(row, mapped, incident))
        AuditEvent.objects.bulk_create(audit_rows, batch_size=500)

    def audit_row(self, row: dict, mapped: mapping.Mapped, incident: Incident) -> AuditEvent:
        return AuditEvent(
            verb=AUDIT_VERB,
            incident_id=incident.pk,
            object_type="incident",
            object_id=str(incident.pk),
            actor_name=AUDIT_ACTOR,
            after={
                "source": self.options.source_name,
                "database": self.source.label,
                "original_id": row["id"],
                "title": incident.title,
                "status": incident.status,
                "notes": [mapping.NOTES[n] for n in sorted(set(mapped.notes))],
                "extra": mapped.extra,
            },
        )


def usable_user_id(external_id: str) -> bool:
    return 0 < len(external_id) <= (ExternalUser._meta.get_field("external_id").max_length or 0)


def _severity_ids() -> dict[str, int | None]:
    """The original's severity choice ("1".."4") -> a Severity here: by slug, else by rank."""
    by_slug = dict(Severity.objects.values_list("slug", "pk"))
    by_rank = dict(Severity.objects.values_list("rank", "pk"))
    return {
        choice: by_slug.get(slug) or by_rank.get(int(choice))
        for choice, slug in mapping.SEVERITY_SLUGS.items()
    }


def _existing_users(keys: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Chat users already here, by (app, user id); one with no workspace id first, as the Slack
    adapter creates them so."""
    found: dict[tuple[str, str], int] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        query = Q()
        for app, external_id in chunk:
            query |= Q(app=app, external_id=external_id)
        for app, external_id, pk, workspace in (
            ExternalUser.objects.filter(query)
            .order_by("-workspace_id", "pk")
            .values_list("app", "external_id", "pk", "workspace_id")
        ):
            if (app, external_id) not in found or workspace == "":
                found[(app, external_id)] = pk
    return found


def reserve_incident_ids(highest: int) -> None:
    """Make new incidents here get numbers above the original's, so that an original number kept
    here never collides with an incident declared (or renumbered) meanwhile."""
    table = Incident._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"GREATEST(%s, (SELECT COALESCE(MAX(id), 0) FROM {quoted}), 1))",
                [table, highest],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [highest, table]
            )
            if cursor.rowcount == 0:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, highest]
                )
