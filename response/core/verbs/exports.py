"""Verbs on exporting follow-up actions to an issue tracker (Jira, GitHub Issues).

Asking for an export only records the wish and announces it: the tracker integration's receiver
queues the job that creates the issue, and that job comes back through `link_action_to_tracker`
or `record_action_export_failure`. So the web page and the API ask for an export without knowing
the integration exists, and an export asked twice (a double click, two people) is one issue.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from response.core.errors import Conflict, InvalidInput
from response.core.events import Change
from response.core.models import Action, AuditVerb, TimelineEvent
from response.core.verbs._common import Actor, audit, author_for, changed, lock_incident
from response.core.verbs.followup import _current_action

ERROR_MAX_LENGTH = 1000


def tracker_label(tracker: str) -> str:
    return str(dict(Action.Tracker.choices).get(tracker, tracker))


def available_trackers() -> list[str]:
    """The trackers set up here, in the order they are offered."""
    return [name for name in settings.TRACKERS if name in Action.Tracker.values]


def check_tracker(tracker: str | None) -> str:
    """The tracker asked for, or the first one set up when none is named."""
    available = available_trackers()
    if not available:
        raise InvalidInput(
            "No issue tracker is set up: see “Follow-ups in Jira or GitHub Issues” in "
            "docs/integrations.md.",
            field="tracker",
        )
    if not tracker:
        return available[0]
    if tracker not in available:
        raise InvalidInput(
            f"“{tracker}” is not a tracker set up here. Choose one of: {', '.join(available)}.",
            field="tracker",
        )
    return tracker


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _copy_export_state(target: Action, source: Action) -> None:
    for name in ("tracker", "tracker_key", "tracker_url", "tracker_error"):
        setattr(target, name, getattr(source, name))


def request_action_export(action: Action, tracker: str | None = None, *, by: Actor) -> Action:
    """Ask for the action to be exported to `tracker` (the first one set up when None). Asked
    again while the export is under way, nothing changes; once exported, it is a Conflict."""
    tracker = check_tracker(tracker)
    with transaction.atomic():
        locked = lock_incident(action.incident_id)
        current = _current_action(action)
        if current.tracker_key:
            raise Conflict(
                f"Follow-up action #{current.pk} is already exported to "
                f"{tracker_label(current.tracker)}: {current.tracker_key}.",
                field="action_id",
                extra={"tracker_key": current.tracker_key, "tracker_url": current.tracker_url},
            )
        if current.tracker and current.tracker != tracker:
            raise Conflict(
                f"Follow-up action #{current.pk} is being exported to "
                f"{tracker_label(current.tracker)} already.",
                field="action_id",
            )
        if current.tracker:  # under way: the issue is being created already
            _copy_export_state(action, current)
            return action
        if current.done:
            raise Conflict(
                f"Follow-up action #{current.pk} is done: there is nothing left to track.",
                field="action_id",
            )
        before = {"tracker": current.tracker}
        current.tracker, current.tracker_error = tracker, ""
        current.save(update_fields=["tracker", "tracker_error"])
        requester = author_for(by)
        audit(
            verb=AuditVerb.ACTION_EXPORT_REQUESTED,
            obj=current,
            incident=locked,
            by=by,
            before=before,
            after={"tracker": tracker},
        )
        changed(
            locked,
            Change.ACTION_EXPORT_REQUESTED,
            by=by,
            object_id=current.pk,
            extra={"tracker": tracker, "requested_by": requester.pk if requester else None},
        )
    _copy_export_state(action, current)
    return action


def link_action_to_tracker(
    action: Action, *, tracker: str, key: str, url: str, by: Actor = None
) -> Action:
    """Record the issue the action was exported to. Recording the same issue again does
    nothing; another issue for an action already linked is a Conflict."""
    with transaction.atomic():
        locked = lock_incident(action.incident_id)
        current = _current_action(action)
        if current.tracker_key == key and current.tracker == tracker:
            _copy_export_state(action, current)
            return action
        if current.tracker_key:
            raise Conflict(
                f"Follow-up action #{current.pk} is already linked to {current.tracker_key}.",
                field="action_id",
            )
        current.tracker, current.tracker_key, current.tracker_url = tracker, key, url
        current.tracker_error = ""
        current.save(update_fields=["tracker", "tracker_key", "tracker_url", "tracker_error"])
        TimelineEvent.objects.create(
            incident=locked,
            kind=TimelineEvent.Kind.ACTION,
            text=f"Follow-up action exported to {tracker_label(tracker)} as {key}: {current.text}",
            author=author_for(by),
            url=url,
            metadata={"action_id": current.pk, "tracker": tracker, "tracker_key": key},
        )
        audit(
            verb=AuditVerb.ACTION_EXPORTED,
            obj=current,
            incident=locked,
            by=by,
            after={"tracker": tracker, "tracker_key": key, "tracker_url": url},
        )
        changed(
            locked,
            Change.ACTION_EXPORTED,
            by=by,
            object_id=current.pk,
            extra={"tracker": tracker, "tracker_key": key, "tracker_url": url},
        )
    _copy_export_state(action, current)
    return action


def record_action_export_failure(
    action: Action, *, tracker: str, reason: str, requested_by: int | None = None
) -> Action:
    """The tracker refused the export for good (a wrong project key, a token without rights):
    say so on the action and the timeline; the export may be asked for again. `requested_by`
    (an ExternalUser id) is who asked, for adapters that tell them where they asked."""
    reason = reason.strip()[:ERROR_MAX_LENGTH] or "no reason given"
    with transaction.atomic():
        locked = lock_incident(action.incident_id)
        current = _current_action(action)
        if current.tracker_key:  # exported meanwhile (asked twice, one went through)
            _copy_export_state(action, current)
            return action
        current.tracker, current.tracker_error = "", reason
        current.save(update_fields=["tracker", "tracker_error"])
        TimelineEvent.objects.create(
            incident=locked,
            kind=TimelineEvent.Kind.ACTION,
            text=(
                f"Exporting the follow-up action “{_short(current.text)}” to "
                f"{tracker_label(tracker)} failed: {reason}"
            ),
            metadata={"action_id": current.pk, "tracker": tracker},
        )
        audit(
            verb=AuditVerb.ACTION_EXPORT_FAILED,
            obj=current,
            incident=locked,
            by=None,
            before={"tracker": tracker},
            after={"tracker": "", "tracker_error": reason},
        )
        changed(
            locked,
            Change.ACTION_EXPORT_FAILED,
            by=None,
            object_id=current.pk,
            extra={"tracker": tracker, "reason": reason, "requested_by": requested_by},
        )
    _copy_export_state(action, current)
    return action


__all__ = [
    "available_trackers",
    "check_tracker",
    "link_action_to_tracker",
    "record_action_export_failure",
    "request_action_export",
    "tracker_label",
]
