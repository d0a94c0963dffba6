"""The work engine's jobs of the tracker integration: exporting an action, syncing what is done.

Both are remote jobs: they call the tracker outside any transaction, and what they learn is
written (through core verbs) in `record`, in the transaction that marks them done.

- `ExportAction`, one per asked export, in the incident's tracker lane (`trackers:<incident>`,
  so exports of one incident are created in the order they were asked, and neither a Slack
  outage holds them nor a tracker outage holds Slack). Before creating, it looks for the issue
  an earlier attempt created (its answer lost): asked twice, retried, an issue is made once.
- `SyncTrackers`, one at a time (`trackers:sync`, keyed), every `TRACKERS_SYNC_SECONDS` while
  exported actions are open here: an issue closed there whose webhook never came is done here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from response.core import verbs
from response.core.models import Action
from response.core.verbs.exports import available_trackers
from response.engine.kinds import JobContext, Priority, job_kind
from response.engine.queue import enqueue
from response.integrations.http import Refused
from response.integrations.trackers import github, jira
from response.integrations.trackers.issues import ActionData, Issue

logger = logging.getLogger(__name__)

SYNC_LANE = SYNC_KEY = "trackers:sync"


def export_lane(incident_id: int) -> str:
    return f"trackers:{incident_id}"


def export_action(action: Action, *, tracker: str, requested_by: int | None) -> None:
    """Queue the export (in the caller's transaction: the request's)."""
    enqueue(
        ExportAction(action_id=action.pk, tracker=tracker, requested_by=requested_by),
        lane=export_lane(action.incident_id),
        key=f"trackers:export:{action.pk}",
    )


def schedule_sync() -> None:
    """The next sync, unless one is pending already (the key makes it one)."""
    enqueue(
        SyncTrackers(),
        lane=SYNC_LANE,
        key=SYNC_KEY,
        at=timezone.now() + timedelta(seconds=settings.TRACKERS_SYNC_SECONDS),
    )


def action_data(action: Action) -> ActionData:
    incident = action.incident
    return ActionData(
        id=action.pk,
        text=action.text,
        incident_id=incident.pk,
        incident_title="" if incident.is_private else incident.title,
        incident_url=f"{settings.SITE_URL.rstrip('/')}/incidents/{incident.pk}/",
        owner=action.owner.name if action.owner else "",
        due_date=action.due_date,
        priority=action.get_priority_display(),
    )


def find_or_create(tracker: str, action: ActionData, *, asked_at) -> Issue:
    if tracker == Action.Tracker.JIRA:
        return jira.find_issue(action.id) or jira.create_issue(action)
    return github.find_issue(action.id, created_after=asked_at) or github.create_issue(action)


@job_kind("trackers.export")
@dataclass(frozen=True)
class ExportAction:
    action_id: int
    tracker: str
    requested_by: int | None = None  # the ExternalUser who asked in Slack, told if it fails

    def perform(self, job: JobContext) -> dict:
        action = (
            Action.objects.select_related("incident", "owner").filter(pk=self.action_id).first()
        )
        if action is None or action.tracker != self.tracker or action.tracker_key:
            return {"skipped": True}  # removed, refused earlier, or exported already
        try:
            issue = find_or_create(self.tracker, action_data(action), asked_at=job.created_at)
        except Refused as refused:  # asking again would be refused again: tell the person
            return {"refused": f"{refused.detail} ({refused.status})"}
        return {"key": issue.key, "url": issue.url}

    def record(self, job: JobContext, result: dict) -> None:
        action = Action.objects.filter(pk=self.action_id).first()
        if action is None or result.get("skipped"):
            return
        if "key" in result:
            verbs.link_action_to_tracker(
                action, tracker=self.tracker, key=result["key"], url=result["url"]
            )
            schedule_sync()
        else:
            verbs.record_action_export_failure(
                action,
                tracker=self.tracker,
                reason=result.get("refused", ""),
                requested_by=self.requested_by,
            )


def open_exported_actions() -> dict[str, dict[str, int]]:
    """{tracker: {issue key: action id}} of the exported actions not done here."""
    rows = Action.objects.filter(done=False).exclude(tracker_key="")
    found: dict[str, dict[str, int]] = {}
    for pk, tracker, key in rows.values_list("pk", "tracker", "tracker_key"):
        found.setdefault(tracker, {})[key] = pk
    return found


@job_kind("trackers.sync", priority=Priority.BACKGROUND)
@dataclass(frozen=True)
class SyncTrackers:
    def perform(self, job: JobContext) -> dict:
        done: list[int] = []
        available = available_trackers()
        for tracker, actions in open_exported_actions().items():
            if tracker not in available:
                continue
            if tracker == Action.Tracker.JIRA:
                done += sorted(jira.done_among(actions.values()))
            else:
                done += [actions[key] for key in sorted(github.closed_among(actions))]
        return {"done": done}

    def record(self, job: JobContext, result: dict) -> None:
        for action in Action.objects.filter(pk__in=result.get("done", []), done=False):
            verbs.complete_action(action)
            logger.info("Follow-up action %s was closed in its tracker", action.pk)
        if Action.objects.filter(done=False).exclude(tracker_key="").exists():
            schedule_sync()
