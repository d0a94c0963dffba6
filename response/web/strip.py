"""The incident's life as a strip: one coloured segment per status over time, from when the
impact started (or it was reported) to its resolution (or now), with markers for the status
updates and pinned messages. Built from the incident and its timeline by a pure function; the
page draws it as server-side SVG (no JavaScript, and sized in percent so it fits any screen)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from response.core.models import Incident, Status, TimelineEvent

NOT_REPORTED = "unreported"  # the impact had started; nobody had reported it yet
LABELS = {NOT_REPORTED: "Not reported yet", **{s.value: s.label for s in Status}}

# Status entries written before they carried {"status": …} in their metadata say it in words.
_STATUS_WORDS = re.compile(
    r"^(?:Status changed to (?P<to>\w+)|Reopened \((?P<reopened>\w+)\)|(?P<resolved>Resolved)\b)"
)
MARKER_KINDS: dict[str, tuple[str, str]] = {
    TimelineEvent.Kind.UPDATE.value: ("update", "Status update"),
    TimelineEvent.Kind.MESSAGE.value: ("message", "Pinned message"),
}
MARKER_TEXT_MAX = 120


@dataclass(frozen=True)
class Segment:
    status: str  # a Status value, or NOT_REPORTED
    label: str
    start: datetime
    end: datetime
    left: str  # percent of the strip, formatted for SVG ("12.50")
    width: str

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class Marker:
    kind: str  # "update" or "message"
    label: str  # "Status update"
    entry_id: int  # the timeline entry it links to
    at: datetime
    text: str  # the start of what it says
    left: str


@dataclass(frozen=True)
class KeyMoment:
    label: str  # "Mitigated"
    at: datetime
    left: str


@dataclass(frozen=True)
class LifeStrip:
    start: datetime
    end: datetime
    ongoing: bool  # still open: the strip ends now
    segments: tuple[Segment, ...]
    markers: tuple[Marker, ...]
    # Detected, acknowledged and mitigated, where known: ticks across the bar.
    moments: tuple[KeyMoment, ...] = ()


# The key times drawn as ticks (the start, the report and the end are the strip's own edges).
TICKED = (
    ("detected_at", "Detected"),
    ("acknowledged_at", "Acknowledged"),
    ("mitigated_at", "Mitigated"),
)


def status_of_entry(entry: TimelineEvent) -> str | None:
    """The status a timeline entry moved the incident to, or None for any other entry."""
    if entry.kind != TimelineEvent.Kind.STATUS:
        return None
    status = (entry.metadata or {}).get("status")
    if isinstance(status, str) and status in Status.values:
        return status
    words = _STATUS_WORDS.match(entry.text)
    if words is None:
        return None
    if words.group("resolved"):
        return Status.RESOLVED.value
    name = (words.group("to") or words.group("reopened") or "").lower()
    return name if name in Status.values else None


def life_strip(incident: Incident, entries: Sequence[TimelineEvent], *, now: datetime) -> LifeStrip:
    """The strip of `incident`, from its timeline `entries` (any order)."""
    entries = sorted(entries, key=lambda e: (e.timestamp, e.pk or 0))
    start = min(incident.started_at, incident.reported_at)
    ended = incident.end_time()
    end = max(ended or now, start + timedelta(seconds=1))
    span = (end - start).total_seconds()

    def percent(moment: datetime) -> float:
        return min(max((moment - start).total_seconds() / span * 100, 0.0), 100.0)

    # When each status began: before the report, the impact alone; then the declared status and
    # every change the timeline recorded.
    first = Status.REPORTED if incident.is_report_only else Status.INVESTIGATING
    changes: list[tuple[datetime, str]] = [(start, NOT_REPORTED), (incident.reported_at, first)]
    if incident.status == Status.REPORTED:
        changes = [(start, Status.REPORTED.value)]  # reported after the fact: one stretch
    else:
        changes += [
            (e.timestamp, status) for e in entries if (status := status_of_entry(e)) is not None
        ]

    segments: list[Segment] = []
    for (begin, status), (finish, _) in zip(changes, [*changes[1:], (end, "")], strict=True):
        begin, finish = min(max(begin, start), end), min(max(finish, start), end)
        if finish <= begin:
            continue
        if segments and segments[-1].status == status:  # "identified" twice: one stretch
            begin = segments.pop().start
        left, right = percent(begin), percent(finish)
        segments.append(
            Segment(
                status,
                LABELS.get(status, status),
                begin,
                finish,
                f"{left:.2f}",
                f"{right - left:.2f}",
            )
        )

    markers = tuple(
        Marker(
            kind=MARKER_KINDS[e.kind][0],
            label=MARKER_KINDS[e.kind][1],
            entry_id=e.pk,
            at=e.timestamp,
            text=_shortened(e.text),
            left=f"{percent(e.timestamp):.2f}",
        )
        for e in entries
        if e.kind in MARKER_KINDS
    )
    moments = tuple(
        KeyMoment(label, at, f"{percent(at):.2f}")
        for name, label in TICKED
        if (at := getattr(incident, name)) is not None and start <= at <= end
    )
    return LifeStrip(
        start=start,
        end=end,
        ongoing=ended is None,
        segments=tuple(segments),
        markers=markers,
        moments=moments,
    )


def _shortened(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MARKER_TEXT_MAX else line[: MARKER_TEXT_MAX - 1] + "…"
