"""What hangs off one batch of incidents: comms channels, headline posts, the timeline (events and
old pins), actions and participants. Rows of incidents that are not imported are skipped."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING

from response.core.models import Action, Participant, TimelineEvent
from response.importers.monzo import mapping
from response.slack.models import CommsChannel, HeadlinePost

if TYPE_CHECKING:
    from response.importers.monzo.run import MonzoImport

CHILD_COLUMNS = {
    "response_commschannel": ["id", "incident_id", "channel_id", "channel_name"],
    "response_headlinepost": ["id", "incident_id", "message_ts", "comms_channel_id"],
    "response_timelineevent": ["id", "incident_id", "timestamp", "text", "event_type", "metadata"],
    "response_pinnedmessage": [
        "id", "incident_id", "author_id", "message_ts", "text", "timestamp", "timeline_event_id",
    ],
    "response_action": [
        "id", "incident_id", "details", "done", "user_id", "created_date", "done_date",
        "due_date", "priority", "type",
    ],
    "response_userstats": ["id", "incident_id", "user_id", "join_time", "message_count"],
}  # fmt: skip
NO_INCIDENT = "its incident was not imported"
EARLIER = "imported by an earlier run"


class ChildImport:
    def __init__(self, run: MonzoImport, incident_rows: list[dict]):
        self.run = run
        self.tz = run.options.time_zone
        self.report = run.report
        self.rows = incident_rows
        # Source incident id -> incident id here, for this batch's incidents that are here.
        self.incidents = {
            r["id"]: target for r in incident_rows if (target := run.target_of("incident", r["id"]))
        }
        # (The original's report_time is NOT NULL: every imported incident has one.)
        self.reported_at: dict[int, datetime] = {
            self.incidents[r["id"]]: at
            for r in incident_rows
            if r["id"] in self.incidents and (at := mapping.to_utc(r["report_time"], self.tz))
        }
        self.private = {r["id"] for r in incident_rows if r["private"]}
        self.channel_of: dict[int, str] = {}  # source incident id -> its Slack channel id

    def import_all(self) -> None:
        source = self.run.source
        lo, hi = self.rows[0]["id"], self.rows[-1]["id"]
        children = {
            table: source.select(table, columns, '"incident_id" BETWEEN %s AND %s', (lo, hi))
            if source.has(table)
            else []
            for table, columns in CHILD_COLUMNS.items()
        }
        self.channel_of = {
            r["incident_id"]: r["channel_id"] for r in children["response_commschannel"]
        }
        self.comms_channels(children["response_commschannel"])
        self.headline_posts(children["response_headlinepost"])
        self.timeline(children["response_timelineevent"], children["response_pinnedmessage"])
        self.actions(children["response_action"])
        self.participants(children["response_userstats"])

    def _new(self, kind: str, rows: list[dict]) -> list[dict]:
        """The rows not imported before and whose incident is here; counts the others."""
        stats = self.report[kind]
        stats.found += len(rows)
        new = []
        for row in rows:
            if self.run.target_of(kind, row["id"]) is not None:
                stats.already[EARLIER] += 1
            elif row["incident_id"] not in self.incidents:
                stats.skipped[NO_INCIDENT] += 1
            else:
                new.append(row)
        return new

    def comms_channels(self, rows: list[dict]) -> None:
        stats = self.report["comms_channel"]
        new = self._new("comms_channel", rows)
        taken = dict(
            CommsChannel.objects.filter(channel_id__in=[r["channel_id"] for r in new]).values_list(
                "channel_id", "incident_id"
            )
        )
        has_one = set(
            CommsChannel.objects.filter(
                incident_id__in=[self.incidents[r["incident_id"]] for r in new]
            ).values_list("incident_id", flat=True)
        )
        built = []
        for row in new:
            incident_id = self.incidents[row["incident_id"]]
            channel_id = (row["channel_id"] or "").strip()
            if not channel_id:
                stats.skipped["no Slack channel id"] += 1
            elif channel_id in taken:
                stats.skipped["its Slack channel already belongs to another incident here"] += 1
            elif incident_id in has_one:
                stats.skipped["its incident already has a comms channel here"] += 1
            else:
                taken[channel_id] = incident_id
                has_one.add(incident_id)
                channel = CommsChannel(
                    incident_id=incident_id,
                    channel_id=channel_id,
                    name=(row["channel_name"] or channel_id)[:80],
                    is_private=row["incident_id"] in self.private,
                    created_at=self.reported_at[incident_id],
                )
                built.append((row, channel))
        CommsChannel.objects.bulk_create([c for _, c in built], batch_size=500)
        for row, channel in built:
            stats.imported += 1
            self.run.remember("comms_channel", row["id"], channel.pk)

    def headline_posts(self, rows: list[dict]) -> None:
        stats = self.report["headline_post"]
        new = self._new("headline_post", rows)
        has_one = set(
            HeadlinePost.objects.filter(
                incident_id__in=[self.incidents[r["incident_id"]] for r in new]
            ).values_list("incident_id", flat=True)
        )
        channel_id = self.run.options.incident_channel_id
        built = []
        for row in new:
            incident_id = self.incidents[row["incident_id"]]
            if not (row["message_ts"] or "").strip():
                stats.skipped["never posted to Slack (no message ts)"] += 1
            elif self.run.options.skip_headline_posts or not channel_id:
                stats.skipped["--skip-headline-posts"] += 1
            elif incident_id in has_one:
                stats.skipped["its incident already has a headline post here"] += 1
            else:
                has_one.add(incident_id)
                post = HeadlinePost(
                    incident_id=incident_id,
                    channel_id=channel_id,
                    message_ts=row["message_ts"].strip(),
                    posted_at=self.reported_at[incident_id],
                )
                built.append((row, post))
        HeadlinePost.objects.bulk_create([p for _, p in built], batch_size=500)
        for row, post in built:
            stats.imported += 1
            self.run.remember("headline_post", row["id"], post.pk)

    def timeline(self, events: list[dict], pins: list[dict]) -> None:
        new_events = self._new("timeline_event", events)
        new_pins = self._new("pinned_message", pins)
        seen = set(
            TimelineEvent.objects.filter(
                incident_id__in=self.incidents.values(), source__isnull=False
            ).values_list("incident_id", "source")
        )
        built: list[tuple[str, dict, mapping.Mapped, TimelineEvent]] = []
        for row in new_events:
            self._entry("timeline_event", row, built, seen)
        event_ids = {r["id"] for r in events}
        for row in new_pins:
            if row["timeline_event_id"] is not None and (
                row["timeline_event_id"] in event_ids
                or self.run.target_of("timeline_event", row["timeline_event_id"])
            ):
                self.report["pinned_message"].skipped[
                    "on the timeline already, as its timeline event"
                ] += 1
            else:
                self._entry("pinned_message", row, built, seen)
        TimelineEvent.objects.bulk_create([b[3] for b in built], batch_size=1000)
        for kind, row, mapped, entry in built:
            self.report[kind].imported += 1
            self.report[kind].notes.update(mapped.notes)
            self.run.remember(kind, row["id"], entry.pk)

    def _entry(self, kind: str, row: dict, built: list, seen: set) -> None:
        stats = self.report[kind]
        incident_id = self.incidents[row["incident_id"]]
        channel_id = self.channel_of.get(row["incident_id"])
        try:
            if kind == "timeline_event":
                mapped = mapping.map_timeline_event(row, tz=self.tz, channel_id=channel_id)
                author_key = mapped.fields.pop("author_key")
                author_id = self.run.user_by_key.get(author_key) if author_key else None
                if author_key and author_id is None:
                    mapped.notes.append("dangling_user")
            else:
                mapped = mapping.map_pin(row, tz=self.tz, channel_id=channel_id)
                author_id = self.run.user_ref(row["author_id"], mapped.notes)
        except (TypeError, ValueError) as error:
            stats.skipped[f"unreadable: {error}"] += 1
            return
        if mapped.fields["timestamp"] is None:
            stats.skipped["no time"] += 1
            return
        source = mapped.fields["source"]
        if source is not None and (incident_id, source) in seen:
            stats.skipped["the same Slack message is on its incident's timeline already"] += 1
            return
        if source is not None:
            seen.add((incident_id, source))
        entry = TimelineEvent(
            incident_id=incident_id,
            author_id=author_id,
            created_at=mapped.fields["timestamp"],
            **mapped.fields,
        )
        built.append((kind, row, mapped, entry))

    def actions(self, rows: list[dict]) -> None:
        stats = self.report["action"]
        built = []
        for row in self._new("action", rows):
            incident_id = self.incidents[row["incident_id"]]
            try:
                mapped = mapping.map_action(
                    row, tz=self.tz, fallback_time=self.reported_at[incident_id]
                )
            except (TypeError, ValueError) as error:
                stats.skipped[f"unreadable: {error}"] += 1
                continue
            action = Action(
                incident_id=incident_id,
                created_by_id=self.run.user_ref(row["user_id"], mapped.notes),
                **mapped.fields,
            )
            built.append((row, mapped, action))
        Action.objects.bulk_create([b[2] for b in built], batch_size=1000)
        for row, mapped, action in built:
            stats.imported += 1
            stats.notes.update(mapped.notes)
            self.run.remember("action", row["id"], action.pk)

    def participants(self, rows: list[dict]) -> None:
        """The original's UserStats. Rows of one person (merged duplicate users) become one
        participant: their messages added up, the earliest join kept."""
        stats = self.report["participant"]
        new = self._new("participant", rows)
        existing = {
            (incident_id, user_id): pk
            for incident_id, user_id, pk in Participant.objects.filter(
                incident_id__in=[self.incidents[r["incident_id"]] for r in new]
            ).values_list("incident_id", "user_id", "pk")
        }
        groups: dict[tuple[int, int], list[dict]] = defaultdict(list)
        for row in new:
            user_id = self.run.user_ids.get(row["user_id"])
            if user_id is None:
                stats.skipped["its chat user is missing from the source"] += 1
                continue
            groups[(self.incidents[row["incident_id"]], user_id)].append(row)
        built = []
        for (incident_id, user_id), group in groups.items():
            if (incident_id, user_id) in existing:
                stats.already["already a participant here"] += len(group)
                for row in group:
                    self.run.remember("participant", row["id"], existing[(incident_id, user_id)])
                continue
            joins = [t for r in group if (t := mapping.to_utc(r["join_time"], self.tz))]
            participant = Participant(
                incident_id=incident_id,
                user_id=user_id,
                message_count=sum(max(r["message_count"] or 0, 0) for r in group),
                joined_at=min(joins) if joins else None,
            )
            built.append((group, participant))
        Participant.objects.bulk_create([p for _, p in built], batch_size=1000)
        for group, participant in built:
            stats.imported += 1
            stats.skipped["same person as another row (merged duplicate users)"] += len(group) - 1
            for row in group:
                self.run.remember("participant", row["id"], participant.pk)
