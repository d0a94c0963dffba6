"""What an alert does to the incidents: recorded on the request path, in the request's
transaction, through the core verbs. No remote call here: the Slack work the verbs' announcements
need is queued by the plugin's receiver (response.integrations.alerts.slack) and done after the
commit.

A fingerprint has one *current* row, for its latest episode (from firing to resolved). The
same episode again only counts (Alertmanager resends every `repeat_interval` and retries on
errors), even after its incident was closed: an alert declined as noise while it keeps firing
does not come back every four hours. A new episode (it resolved since, or it started again
later than the one recorded) of a fingerprint whose incident is closed (declined, merged,
resolved) is a new problem: a new triage incident and a new row (the next generation). While
the incident is open, a new episode is noted on its timeline instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from response.core import verbs
from response.core.models import Status, TimelineEvent
from response.core.models.incident import TITLE_MAX_LENGTH
from response.core.verbs.incident import TEXT_MAX_LENGTH
from response.integrations.alerts.models import Alert, AlertState
from response.integrations.alerts.parsers import ParsedAlert

RESOLVED_REASON = "The alert resolved before anyone accepted it."


@dataclass(frozen=True)
class Outcome:
    fingerprint: str
    incident_id: int | None  # None: a resolution of an alert we never saw firing
    opened: bool = False


def record_alert(source: str, parsed: ParsedAlert) -> Outcome:
    """Apply one alert of a delivery; joins the caller's transaction."""
    with transaction.atomic():
        current = _current_row(source, parsed)
        if parsed.firing:
            if current is None:
                return _open(source, parsed)
            return _fired_again(current, parsed)
        if current is None:
            return Outcome(parsed.fingerprint, None)
        return _resolved(current, parsed)


def _current_row(source: str, parsed: ParsedAlert) -> Alert | None:
    """The fingerprint's current row, locked; retired (None) when a new episode fires after
    its incident was closed."""
    current = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("incident")
        .filter(source=source, fingerprint=parsed.fingerprint, is_current=True)
        .first()
    )
    if current is None or not parsed.firing:
        return current
    closed = current.incident is None or current.incident.is_closed()
    if closed and _new_episode(current, parsed):
        current.is_current = False
        current.save(update_fields=["is_current"])
        return None
    return current


def _new_episode(current: Alert, parsed: ParsedAlert) -> bool:
    if current.state == AlertState.RESOLVED:
        return True
    return bool(parsed.starts_at and current.started_at and parsed.starts_at > current.started_at)


def _open(source: str, parsed: ParsedAlert) -> Outcome:
    latest = Alert.objects.filter(source=source, fingerprint=parsed.fingerprint).aggregate(
        Max("generation")
    )["generation__max"]
    # A delivery racing on the same new alert may have committed since this one looked (on
    # PostgreSQL each statement sees what is committed): then its row is the current one, and
    # this delivery is a repeat, not a new episode with a generation (and incident) of its own.
    if (current := _current_row(source, parsed)) is not None:
        return _fired_again(current, parsed)
    generation = (latest or 0) + 1
    incident, opened = verbs.open_triage_incident(
        title=parsed.name[:TITLE_MAX_LENGTH],
        summary=parsed.summary[:TEXT_MAX_LENGTH],
        severity=parsed.severity or None,
        started_at=parsed.starts_at,
        # Deterministic, so two deliveries racing on one new alert open one incident.
        dedup_key=f"alert:{source}:{generation}:{parsed.fingerprint}"[:200],
    )
    now = timezone.now()
    try:
        with transaction.atomic():
            Alert.objects.create(
                source=source,
                fingerprint=parsed.fingerprint,
                generation=generation,
                incident=incident,
                name=parsed.name[:255],
                severity=parsed.severity[:64],
                summary=parsed.summary,
                labels=parsed.labels,
                links=parsed.links,
                started_at=parsed.starts_at,
                first_received_at=now,
                last_received_at=now,
            )
    except IntegrityError:  # the racing delivery recorded it first: count this one
        Alert.objects.filter(
            source=source, fingerprint=parsed.fingerprint, generation=generation
        ).update(times_received=F("times_received") + 1, last_received_at=now)
        opened = False
    return Outcome(parsed.fingerprint, incident.pk, opened=opened)


def _fired_again(current: Alert, parsed: ParsedAlert) -> Outcome:
    current.times_received += 1
    current.last_received_at = timezone.now()
    fields = ["times_received", "last_received_at"]
    if current.state == AlertState.RESOLVED:  # it flapped: say so where people look
        current.state = AlertState.FIRING
        current.ended_at = None
        current.started_at = parsed.starts_at or current.started_at
        fields += ["state", "ended_at", "started_at"]
        assert current.incident is not None
        verbs.add_timeline_event(
            current.incident,
            f"Alert firing again: {current.name}",
            kind=TimelineEvent.Kind.NOTE,
            url=parsed.links.get("source", ""),
            metadata={"alert": current.pk},
        )
    current.save(update_fields=fields)
    return Outcome(parsed.fingerprint, current.incident_id)


def _resolved(current: Alert, parsed: ParsedAlert) -> Outcome:
    incident = current.incident
    assert incident is not None
    if current.state == AlertState.RESOLVED:  # a resend of the resolution: nothing new
        current.times_received += 1
        current.save(update_fields=["times_received"])
        return Outcome(parsed.fingerprint, incident.pk)
    current.state = AlertState.RESOLVED
    current.ended_at = parsed.ends_at or timezone.now()
    current.times_received += 1
    current.last_received_at = timezone.now()
    current.save(update_fields=["state", "ended_at", "times_received", "last_received_at"])
    verbs.add_timeline_event(
        incident,
        f"Alert resolved: {current.name}",
        kind=TimelineEvent.Kind.NOTE,
        url=parsed.links.get("source", ""),
        metadata={"alert": current.pk},
    )
    if incident.status == Status.TRIAGE and settings.ALERTS_RESOLVED_CLOSES_TRIAGE:
        verbs.decline_triage(incident, reason=RESOLVED_REASON)
    return Outcome(parsed.fingerprint, incident.pk)
