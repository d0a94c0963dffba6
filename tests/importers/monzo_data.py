"""Rows for an original Monzo Response database: the cases that matter, then random filler.

`build_rows(incidents=n)` returns table -> list of row dicts (aware UTC datetimes, metadata as
dicts), shaped as the original wrote them: its event types and metadata, its quirks (one user row
per display name, severity changes logged as impact changes, texts saved as tuples, bleach's
HTML escaping), pins from before the timeline existed, headline posts never posted.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tests.importers.monzo_source import migration_rows

START = datetime(2019, 6, 3, 9, 0, tzinfo=UTC)
INCIDENT_CHANNEL = "C0INCIDENTS"
WORDS = ["payments", "cards", "login", "latency", "database", "dns", "cache", "queue", "deploy"]


def slack_ts(when: datetime, n: int) -> str:
    return f"{int(when.timestamp())}.{n:06d}"


class Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.rows: dict[str, list[dict]] = {t: [] for t in TABLES}
        self.ids = dict.fromkeys(TABLES, 0)
        self.ts_counter = 0

    def add(self, table: str, **row) -> dict:
        self.ids[table] += 1
        row = {"id": self.ids[table], **row}
        self.rows[table].append(row)
        return row

    def user(self, n: int, name: str | None = None, **extra) -> dict:
        return self.add(
            "response_externaluser",
            app_id="slack",
            external_id=f"U{n:08d}",
            display_name=name or f"person{n}",
            owner_id=extra.get("owner_id"),
            full_name=extra.get("full_name", f"Person {n}"),
            email=extra.get("email", f"person{n}@example.com"),
            deleted=extra.get("deleted", False),
        )

    def incident(self, **fields) -> dict:
        reported = fields.pop("report_time")
        row = {
            "report": "Something is wrong",
            "report_time": reported,
            "start_time": reported - timedelta(minutes=7),
            "end_time": None,
            "summary": None,
            "impact": None,
            "severity": None,
            "lead_id": None,
            "reporter_id": 1,
            "report_only": False,
            "private": False,
            "grafana_annotation_id": None,
        }
        row.update(fields)
        return self.add("response_incident", **row)

    def channel(self, incident: dict) -> dict:
        return self.add(
            "response_commschannel",
            channel_id=f"C{incident['id']:08d}",
            channel_name=f"inc-{incident['report_time']:%b-%-d-%H-%M-%S}".lower(),
            incident_id=incident["id"],
        )

    def headline(self, incident: dict, ts: str | None, channel: dict | None = None) -> dict:
        return self.add(
            "response_headlinepost",
            message_ts=ts,
            comms_channel_id=channel["id"] if channel else None,
            incident_id=incident["id"],
        )

    def event(self, incident: dict, when: datetime, text: str, event_type: str, meta) -> dict:
        return self.add(
            "response_timelineevent",
            timestamp=when,
            text=text,
            event_type=event_type,
            metadata=meta,
            incident_id=incident["id"],
        )

    def pin(self, incident: dict, author: dict, when: datetime, text: str, channel: dict):
        self.ts_counter += 1
        ts = slack_ts(when, self.ts_counter)
        author_meta = {key: author[key] for key in ("app_id", "external_id", "display_name")}
        meta = {"author": author_meta, "message_ts": ts, "channel_id": channel["channel_id"]}
        # The original logged the pin's time as the server's local time, here an hour off UTC.
        event = self.event(incident, when + timedelta(hours=1), text, "slack_pin", meta)
        self.add(
            "response_pinnedmessage",
            message_ts=ts,
            text=text,
            timestamp=when + timedelta(hours=1),
            author_id=author["id"],
            incident_id=incident["id"],
            timeline_event_id=event["id"],
        )
        return event, ts

    def old_pin(self, incident: dict, author: dict, ts: str, text: str) -> dict:
        return self.add(
            "response_pinnedmessage",
            message_ts=ts,
            text=text,
            timestamp=datetime.fromtimestamp(float(ts), UTC),
            author_id=author["id"],
            incident_id=incident["id"],
            timeline_event_id=None,
        )

    def update(self, incident: dict, when: datetime, update_type: str, old, new, text: str):
        meta = {"update_type": update_type, "old_value": old, "new_value": new}
        return self.event(incident, when, text, "incident_update", meta)

    def action(self, incident: dict, user: dict, details: str, **fields) -> dict:
        row = {
            "details": details,
            "done": False,
            "incident_id": incident["id"],
            "user_id": user["id"],
            "created_date": incident["report_time"] + timedelta(hours=1),
            "done_date": None,
            "due_date": None,
            "priority": None,
            "type": None,
        }
        row.update(fields)
        return self.add("response_action", **row)

    def stats(self, incident: dict, user: dict, count: int, joined: datetime | None) -> dict:
        return self.add(
            "response_userstats",
            join_time=joined,
            message_count=count,
            incident_id=incident["id"],
            user_id=user["id"],
        )


TABLES = [
    "django_migrations", "response_externaluser", "response_incident", "response_commschannel",
    "response_headlinepost", "response_timelineevent", "response_pinnedmessage",
    "response_action", "response_userstats", "response_notification", "response_event",
]  # fmt: skip


def build_rows(incidents: int = 60, seed: int = 7, people: int = 30) -> dict[str, list[dict]]:
    b = Builder(seed)
    b.rows["django_migrations"] = migration_rows(17)
    users = [b.user(n) for n in range(1, people + 1)]
    users[4]["owner_id"] = 1  # linked to a web login in the original
    users[5].update(deleted=True, full_name=None, email=None)
    # The original made a new row when a person's Slack name changed (get_or_create by name).
    renamed = [b.user(n, name=f"person{n}-renamed") for n in (2, 3, 4)]
    special(b, users, renamed)
    while b.ids["response_incident"] < incidents:
        filler(b, users)
    for n in range(1, 6):
        b.add(
            "response_notification",
            key="no_lead",
            time=START + timedelta(days=n),
            repeat_count=n,
            completed=n % 2 == 0,
            incident_id=n,
        )
        b.add(
            "response_event",
            timestamp=START + timedelta(days=n),
            event_type="incident_event",
            payload='{"report": "x"}',
        )
    return b.rows


def special(b: Builder, users: list[dict], renamed: list[dict]) -> None:
    t = START
    # 1: open, nothing set, nothing made.
    b.incident(report="Nothing set yet", report_time=t)
    # 2: closed, with everything; the report went through bleach.
    i2 = b.incident(
        report="Payments &amp; cards &lt;down&gt;",
        report_time=t + timedelta(days=1),
        end_time=t + timedelta(days=1, hours=3),
        summary="Card payments &amp; transfers failed",
        impact="20% of payments",
        severity="1",
        lead_id=users[1]["id"],
        reporter_id=users[0]["id"],
    )
    c2 = b.channel(i2)
    b.headline(i2, slack_ts(i2["report_time"], 1), c2)
    when = i2["report_time"]
    b.event(i2, when + timedelta(minutes=1), "Paged the on-call engineer", "text", None)
    pin_event, pin_ts = b.pin(i2, users[2], when + timedelta(minutes=5), "Found it &amp; fixed", c2)
    b.pin(i2, users[2], when + timedelta(minutes=6), "Second pin", c2)
    # The same message pinned twice (unpin, pin again): one timeline entry.
    b.event(
        i2, when + timedelta(minutes=7), "Found it &amp; fixed", "slack_pin", pin_event["metadata"]
    )
    # A pin from before the timeline existed, and one of the same message as a timeline pin.
    b.old_pin(i2, users[3], slack_ts(when + timedelta(minutes=2), 900001), "Old pin")
    b.old_pin(i2, users[2], pin_ts, "Found it &amp; fixed")
    b.update(i2, when + timedelta(minutes=8), "incident_lead", None,
             {"app_id": "slack", "external_id": users[1]["external_id"], "display_name": "person2"},
             "person2 was added as incident lead")  # fmt: skip
    b.update(i2, when + timedelta(minutes=9), "incident_report", "Payments", i2["report"],
             'Incident report updated from "Payments" to "Payments &amp; cards"')  # fmt: skip
    b.update(i2, when + timedelta(minutes=10), "incident_summary", "Cards", i2["summary"],
             "('Incident summary updated from \"Cards\" to \"Card payments\"',)")  # fmt: skip
    b.update(i2, when + timedelta(minutes=11), "incident_impact", None, i2["impact"],
             'Incident impact added: "20% of payments"')  # fmt: skip
    b.update(i2, when + timedelta(minutes=12), "incident_impact", {"id": "2", "text": "major"},
             {"id": "1", "text": "critical"},
             "('Incident severity updated from major to critical',)")  # fmt: skip
    b.update(i2, when + timedelta(minutes=13), "incident_severity", {"id": "1", "text": "critical"},
             {"id": "1", "text": "critical"}, "Incident severity set to critical")  # fmt: skip
    b.event(i2, when + timedelta(minutes=14), "Posted to the status page", "statuspage_update",
            {"page": "x"})  # fmt: skip
    b.event(i2, when + timedelta(minutes=15), "Metadata went missing", "text", None)
    b.rows["response_timelineevent"][-1]["metadata"] = "not json {"
    b.action(i2, users[0], "Add an alert &amp; a runbook", done=True,
             done_date=when + timedelta(days=2), due_date=when + timedelta(days=3),
             priority="1", type="2")  # fmt: skip
    b.action(i2, users[1], "Done, date unknown", done=True, created_date=None)
    b.action(i2, users[1], "Not done, done date set", done_date=when + timedelta(days=4))
    b.action(i2, users[2], "Plain", priority="3", type="9")
    b.stats(i2, users[1], 12, when + timedelta(minutes=1))
    b.stats(i2, users[2], 3, when + timedelta(minutes=4))
    # 3: report only, never ended. 4: report only, with an end.
    b.incident(report="Reported after the fact", report_time=t + timedelta(days=2),
               report_only=True, severity="4")  # fmt: skip
    b.incident(report="Reported, with an end", report_time=t + timedelta(days=3),
               report_only=True, end_time=t + timedelta(days=3, hours=1), severity="3")  # fmt: skip
    # 5: private and open, with a channel and a Grafana annotation.
    i5 = b.incident(report="Private trouble", report_time=t + timedelta(days=4), private=True,
                    severity="2", lead_id=users[0]["id"], grafana_annotation_id=4242)  # fmt: skip
    c5 = b.channel(i5)
    b.headline(i5, slack_ts(i5["report_time"], 2), c5)
    # 6: an empty report. 7: its headline post never reached Slack. 8: two headline posts.
    b.incident(report="", report_time=t + timedelta(days=5), end_time=t + timedelta(days=6))
    i7 = b.incident(report="Headline never posted", report_time=t + timedelta(days=6))
    b.headline(i7, None)
    i8 = b.incident(report="Two headlines", report_time=t + timedelta(days=7))
    b.headline(i8, slack_ts(i8["report_time"], 3))
    b.headline(i8, slack_ts(i8["report_time"], 4))
    # 9: a severity this install does not have.
    b.incident(report="Odd severity", report_time=t + timedelta(days=8), severity="7")
    # 10: reported by a person's older row, led by their newer row; both in the channel.
    i10 = b.incident(report="Renamed people", report_time=t + timedelta(days=9),
                     reporter_id=users[1]["id"], lead_id=renamed[0]["id"])  # fmt: skip
    c10 = b.channel(i10)
    b.stats(i10, users[1], 5, i10["report_time"] + timedelta(minutes=3))
    b.stats(i10, renamed[0], 2, i10["report_time"] + timedelta(minutes=1))
    b.pin(i10, renamed[1], i10["report_time"] + timedelta(minutes=2), "Pinned by a renamed", c10)


def filler(b: Builder, users: list[dict]) -> None:
    rng = b.rng
    n = b.ids["response_incident"] + 1
    reported = START + timedelta(days=10 + n, minutes=rng.randint(0, 600))
    closed = rng.random() < 0.7
    incident = b.incident(
        report=f"{rng.choice(WORDS).title()} {rng.choice(WORDS)} trouble {n}",
        report_time=reported,
        start_time=reported - timedelta(minutes=rng.randint(0, 90)),
        end_time=reported + timedelta(minutes=rng.randint(5, 900)) if closed else None,
        summary=rng.choice([None, "", f"Summary {n}"]),
        impact=rng.choice([None, f"Impact {n}"]),
        severity=rng.choice([None, "1", "2", "3", "4"]),
        lead_id=rng.choice([None, *[u["id"] for u in users[:10]]]),
        reporter_id=rng.choice(users)["id"],
        report_only=rng.random() < 0.05,
        private=rng.random() < 0.05,
    )
    channel = b.channel(incident) if rng.random() < 0.8 else None
    if rng.random() < 0.95:
        b.headline(incident, slack_ts(reported, n), channel)
    when = reported
    for k in range(rng.randint(0, 6)):
        when += timedelta(minutes=rng.randint(1, 30))
        choice = rng.random()
        if channel and choice < 0.4:
            b.pin(incident, rng.choice(users), when, f"Pinned {n}.{k}", channel)
        elif choice < 0.7:
            b.event(incident, when, f"Note {n}.{k}", "text", None)
        else:
            b.update(incident, when, "incident_summary", None, f"S{k}", f"Summary added {k}")
    for k in range(rng.randint(0, 3)):
        done = rng.random() < 0.5
        b.action(
            incident,
            rng.choice(users),
            f"Action {n}.{k}",
            done=done,
            done_date=reported + timedelta(days=1) if done else None,
            priority=rng.choice([None, "1", "2", "3"]),
            type=rng.choice([None, "1", "2", "3"]),
            due_date=rng.choice([None, reported + timedelta(days=14)]),
        )
    if channel:
        for user in rng.sample(users, rng.randint(1, 3)):
            b.stats(incident, user, rng.randint(0, 40), when)
