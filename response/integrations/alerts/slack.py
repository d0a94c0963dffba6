"""The triage post in Slack: a receiver of the core's announcements that queues its sync, and
the job that posts it (the first time) or edits it (after), from the incident's state when it
runs. Keyed per incident and in the incident's lane: ten quick changes, one edit, in order."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from response.core.events import Change, IncidentChanged, incident_changed
from response.core.models import AuditEvent, AuditVerb, Incident, Status
from response.engine.kinds import Failed, JobContext, job_kind
from response.engine.queue import enqueue
from response.integrations import alerts
from response.integrations.alerts.blocks import TriagePostData, render_triage_post
from response.integrations.alerts.models import Alert, AlertState, Source, TriagePost
from response.slack.outbound import client
from response.slack.outbound.calls import post_once
from response.slack.outbound.client import Permanent
from response.slack.outbound.identity import (
    CHANNEL_ID,
    cache_get,
    cache_set,
    find_channel_id,
    incidents_channel_id,
)
from response.slack.outbound.places import incident_lane

# Changes the triage post shows: its opening, the decision, and (while it waits) the alert's news.
SHOWN = {Change.TRIAGED, Change.DECLARED, Change.DECLINED, Change.MERGED}

OUTCOMES = {
    AuditVerb.INCIDENT_TRIAGE_ACCEPTED: "accepted",
    AuditVerb.INCIDENT_TRIAGE_DECLINED: "declined",
    AuditVerb.INCIDENT_TRIAGE_MERGED: "merged",
}


def connect() -> None:
    incident_changed.connect(on_incident_changed, dispatch_uid="response.integrations.alerts")


def on_incident_changed(sender: object, event: IncidentChanged, **kwargs: object) -> None:
    if not settings.SLACK_BOT_TOKEN or not alerts.configured():
        return
    incident = event.incident
    waiting = incident is not None and incident.status == Status.TRIAGE
    if event.kind in SHOWN or (event.kind == Change.TIMELINE_ADDED and waiting):
        # DECLARED is every declaration's: only those of an alert have a triage post.
        if (
            event.kind != Change.TRIAGED
            and not Alert.objects.filter(incident_id=event.incident_id).exists()
        ):
            return
        sync_triage_post(event.incident_id)


def sync_triage_post(incident_id: int) -> None:
    enqueue(
        SyncTriagePost(incident_id=incident_id),
        lane=incident_lane(incident_id),
        key=f"alerts-triage-post:{incident_id}",
    )


def triage_channel_id() -> str:
    """ALERTS_TRIAGE_CHANNEL's id (a name or an id; created if missing, and joined), or the
    incidents channel's. Talks to Slack: call it from a job's perform()."""
    configured = settings.ALERTS_TRIAGE_CHANNEL.lstrip("#")
    if not configured:
        return incidents_channel_id()
    if CHANNEL_ID.match(configured):
        return configured
    cache_key = f"channel-id:{configured}"
    if cached := cache_get(cache_key):
        return str(cached["id"])
    channel_id = find_channel_id(configured)
    if channel_id is None:
        try:
            channel_id = client.call("conversations.create", name=configured)["channel"]["id"]
        except Permanent as error:
            # Another job (another alert's post) created it a moment ago: use theirs.
            if error.error != "name_taken" or not (channel_id := find_channel_id(configured)):
                raise
    if channel_id is not None:
        client.call("conversations.join", channel=channel_id)
    cache_set(cache_key, {"id": channel_id})
    return str(channel_id)


def triage_post_data(incident: Incident) -> TriagePostData:
    alert = Alert.objects.filter(incident=incident).order_by("-generation").first()
    decision = (
        AuditEvent.objects.filter(incident=incident, verb__in=list(OUTCOMES))
        .select_related("actor")
        .order_by("-id")
        .first()
    )
    after = decision.after if decision else {}
    return TriagePostData(
        incident_id=incident.pk,
        title=incident.title,
        status=incident.status,
        severity=alert.severity if alert else "",
        summary=incident.summary,
        source=Source(alert.source).label if alert else "",
        links=tuple(sorted((alert.links if alert else {}).items())),
        firing=alert is None or alert.state == AlertState.FIRING,
        times_received=alert.times_received if alert else 1,
        outcome=OUTCOMES[AuditVerb(decision.verb)] if decision else "",
        decided_by=decision.actor.external_id if decision and decision.actor else None,
        reason=str(after.get("reason") or ""),
        merged_into=after.get("into"),
    )


@job_kind("alerts.sync_triage_post")
@dataclass(frozen=True)
class SyncTriagePost:
    incident_id: int

    def perform(self, job: JobContext) -> dict[str, str]:
        incident = Incident.objects.filter(pk=self.incident_id).first()
        if incident is None:
            raise Failed(f"incident {self.incident_id} does not exist")
        text, blocks = render_triage_post(triage_post_data(incident), site_url=settings.SITE_URL)
        post = TriagePost.objects.filter(incident=incident).first()
        if post is not None:
            client.call(
                "chat.update", channel=post.channel_id, ts=post.message_ts, text=text, blocks=blocks
            )
            return {"updated": post.message_ts}
        channel_id = triage_channel_id()
        # post_once: a retry after a lost answer finds the message its first try posted.
        answer = post_once(job, channel=channel_id, text=text, blocks=blocks, unfurl_links=False)
        return {"posted": str(answer["ts"]), "channel": channel_id}

    def record(self, job: JobContext, result: dict[str, str]) -> None:
        if "posted" in result:
            TriagePost.objects.get_or_create(
                incident_id=self.incident_id,
                defaults={"channel_id": result["channel"], "message_ts": result["posted"]},
            )
