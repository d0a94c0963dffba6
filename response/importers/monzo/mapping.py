"""How a row of the original Response becomes a row here. Pure functions: rows in, values out.

Each `map_*` returns a `Mapped`: the target's field values, the notes (keys of NOTES) saying where
something without an equivalent went, and `extra`, values kept only in the import's audit row.
Ids of related rows stay source ids here; the caller translates them.
"""

from __future__ import annotations

import ast
import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from response.core.models import Status, TimelineEvent

Kind = TimelineEvent.Kind

# The original's choices ("1".."4") and the slugs of the severities this project seeds.
SEVERITY_SLUGS = {"1": "critical", "2": "major", "3": "minor", "4": "trivial"}
PRIORITIES = {"1": "high", "2": "medium", "3": "low"}
ACTION_TYPES = {"1": "detective", "2": "preventative", "3": "corrective"}
FIELD_UPDATES = {
    "incident_report": "title",
    "incident_summary": "summary",
    "incident_impact": "impact",
}

# What the report says about each note; the key is what `map_*` returns.
NOTES = {
    "owner_not_moved": "linked to a web login (owner) in the original: not linked, logins stay",
    "text_unescaped": "text stored HTML-escaped by the original (bleach): unescaped",
    "empty_title": 'empty report: titled "Incident <original id>"',
    "unknown_severity": "severity with no matching severity here: left unset",
    "grafana_annotation": "Grafana annotation id: kept in the import's audit row (after.extra)",
    "dangling_user": "referred to a chat user missing from the source: left empty",
    "tuple_text": "text the original stored as a Python tuple ('…',): repaired",
    "severity_as_impact": "severity change the original logged as an impact change: kind severity",
    "unknown_event_type": "event type this importer does not know: imported as a note",
    "pin_time_from_ts": "pinned message: time taken from its Slack ts (exact, UTC)",
    "unreadable_metadata": "metadata that is not JSON: kept as text in metadata.monzo.raw",
    "action_type_in_text": 'action type (detective, preventative, …): "[type] " before its text',
    "priority_missing": "action without a priority: medium",
    "done_at_estimated": "done action without a done date: done at its creation (or report) time",
    "done_date_dropped": "not-done action with a done date: done date dropped",
    "creator_is_not_owner": "the original recorded who logged an action: created_by, owner empty",
    "pin_without_event": "pin from before the timeline existed: imported as a message entry",
}

_TUPLE_TEXT = re.compile(r"""^\((?P<q>['"]).*(?P=q),\)$""", re.S)


@dataclass
class Mapped:
    fields: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def to_utc(value: Any, tz: tzinfo) -> datetime | None:
    """An aware UTC datetime from what a driver returned: a datetime (naive ones are in `tz`,
    the original's TIME_ZONE) or SQLite's text. Raises ValueError when it is not a time."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time())
    if not isinstance(value, datetime):
        raise ValueError(f"not a time: {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def clean_text(value: str | None, notes: list[str]) -> str:
    """Undo the original's bleach escaping (it stored "&" as "&amp;"), once."""
    text = value or ""
    unescaped = html.unescape(text)
    if unescaped != text:
        notes.append("text_unescaped")
    return unescaped


def user_key(row: dict) -> tuple[str, str]:
    """Who a source user is: the chat app and its user id (the original could hold several rows
    for one Slack user, one per display name it had seen)."""
    return (row["app_id"] or "slack", (row["external_id"] or "").strip())


def map_user(row: dict) -> Mapped:
    app, external_id = user_key(row)
    return Mapped(
        {
            "app": app[:32],
            "workspace_id": "",  # the original kept none; the Slack adapter looks users up so too
            "external_id": external_id,
            "display_name": (row["display_name"] or "")[:255],
            "full_name": (row["full_name"] or "")[:255],
            "email": (row["email"] or "").strip()[:254],
            "is_deleted": bool(row["deleted"]),
        }
    )


def map_incident(row: dict, *, severity_ids: dict[str, int | None], tz: tzinfo) -> Mapped:
    notes: list[str] = []
    extra: dict[str, Any] = {}
    title = clean_text(row["report"], notes).strip()
    if not title:
        title = f"Incident {row['id']}"
        notes.append("empty_title")
    reported_at = to_utc(row["report_time"], tz)
    started_at = to_utc(row["start_time"], tz) or reported_at
    ended_at = to_utc(row["end_time"], tz)
    if row["report_only"]:
        status = Status.REPORTED
    elif ended_at is not None:
        status = Status.RESOLVED
    else:
        status = Status.INVESTIGATING
    severity = (row["severity"] or "").strip()
    severity_id = severity_ids.get(severity) if severity else None
    if severity and severity_id is None:
        notes.append("unknown_severity")
        extra["severity"] = severity
    if row["grafana_annotation_id"] is not None:
        notes.append("grafana_annotation")
        extra["grafana_annotation_id"] = row["grafana_annotation_id"]
    return Mapped(
        {
            "title": title[:255],
            "summary": clean_text(row["summary"], notes),
            "impact": clean_text(row["impact"], notes),
            "severity_id": severity_id,
            "status": status,
            "is_private": bool(row["private"]),
            "is_report_only": bool(row["report_only"]),
            "started_at": started_at,
            "reported_at": reported_at,
            "resolved_at": ended_at,
            "created_at": reported_at,
            "updated_at": max(t for t in (reported_at, ended_at) if t is not None),
        },
        sorted(set(notes)),
        extra,
    )


def repair_tuple_text(text: str) -> str | None:
    """Some versions of the original saved `("…",)` (a stray comma made the text a tuple)."""
    if not _TUPLE_TEXT.match(text):
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    if isinstance(value, tuple) and len(value) == 1 and isinstance(value[0], str):
        return value[0]
    return None


def parse_metadata(value: Any, notes: list[str]) -> dict:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value)
    except (TypeError, ValueError):
        notes.append("unreadable_metadata")
        return {"raw": str(value)}
    return parsed if isinstance(parsed, dict) else {"value": parsed}


def slack_source(channel_id: str | None, ts: str | None) -> str | None:
    """The key this project's Slack adapter gives a pinned message (see slack/inbound/timeline)."""
    source = f"slack:{channel_id}:{ts}" if channel_id and ts else None
    return source if source and len(source) <= 200 else None


def ts_time(ts: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(ts), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def map_timeline_event(row: dict, *, tz: tzinfo, channel_id: str | None) -> Mapped:
    """A timeline event. `fields["author_key"]` is the author's user_key, when known."""
    notes: list[str] = []
    metadata = parse_metadata(row["metadata"], notes)
    text = clean_text(row["text"], notes)
    if (repaired := repair_tuple_text(text)) is not None:
        text = repaired
        notes.append("tuple_text")
    event_type = row["event_type"] or ""
    timestamp = to_utc(row["timestamp"], tz)
    target_meta: dict[str, Any] = {}
    source = None
    author_key = None
    if event_type == "text":
        kind = Kind.NOTE
    elif event_type == "slack_pin":
        kind = Kind.MESSAGE
        ts = metadata.get("message_ts")
        source = slack_source(metadata.get("channel_id") or channel_id, ts)
        if (exact := ts_time(ts)) is not None:
            timestamp = exact
            notes.append("pin_time_from_ts")
        author = metadata.get("author")
        if isinstance(author, dict) and author.get("external_id"):
            author_key = (author.get("app_id") or "slack", str(author["external_id"]))
    elif event_type == "incident_update":
        kind, target_meta = _update_kind(metadata, notes)
    else:
        kind = Kind.NOTE
        notes.append("unknown_event_type")
    target_meta["monzo"] = {"id": row["id"], "event_type": event_type, "metadata": metadata}
    return Mapped(
        {
            "kind": kind,
            "text": text,
            "timestamp": timestamp,
            "source": source,
            "metadata": target_meta,
            "author_key": author_key,
        },
        notes,
    )


def _update_kind(metadata: dict[str, Any], notes: list[str]) -> tuple[Kind, dict[str, Any]]:
    update_type = metadata.get("update_type")
    if update_type == "incident_lead":
        return Kind.LEAD, {}
    if update_type == "incident_severity":
        return Kind.SEVERITY, {}
    new_value = metadata.get("new_value")
    if update_type == "incident_impact" and isinstance(new_value, dict) and "id" in new_value:
        notes.append("severity_as_impact")
        return Kind.SEVERITY, {}
    if update_type in FIELD_UPDATES:
        return Kind.FIELD, {"field": FIELD_UPDATES[update_type]}
    notes.append("unknown_event_type")
    return Kind.NOTE, {}


def map_pin(row: dict, *, tz: tzinfo, channel_id: str | None) -> Mapped:
    """A pinned message the original never put on its timeline (pins from before 0.3)."""
    notes = ["pin_without_event"]
    timestamp = ts_time(row["message_ts"]) or to_utc(row["timestamp"], tz)
    return Mapped(
        {
            "kind": Kind.MESSAGE,
            "text": clean_text(row["text"], notes),
            "timestamp": timestamp,
            "source": slack_source(channel_id, row["message_ts"]),
            "metadata": {"monzo": {"pinned_message_id": row["id"]}},
        },
        notes,
    )


def map_action(row: dict, *, tz: tzinfo, fallback_time: datetime) -> Mapped:
    notes = ["creator_is_not_owner"]
    text = clean_text(row["details"], notes)
    action_type = ACTION_TYPES.get((row["type"] or "").strip())
    if action_type:
        text = f"[{action_type}] {text}"
        notes.append("action_type_in_text")
    priority = PRIORITIES.get((row["priority"] or "").strip())
    if priority is None:
        priority = "medium"
        notes.append("priority_missing")
    created_at = to_utc(row["created_date"], tz) or fallback_time
    done = bool(row["done"])
    done_at = to_utc(row["done_date"], tz)
    if done and done_at is None:
        done_at = created_at
        notes.append("done_at_estimated")
    elif not done and done_at is not None:
        done_at = None
        notes.append("done_date_dropped")
    due = to_utc(row["due_date"], tz)
    return Mapped(
        {
            "text": text,
            "done": done,
            "done_at": done_at,
            "due_date": due.astimezone(tz).date() if due else None,
            "priority": priority,
            "created_at": created_at,
        },
        notes,
    )
