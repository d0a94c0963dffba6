"""The built-in nudges, written with the same building blocks as any plugin. Each can be switched
off in settings: RESPONSE_REMINDERS = {"no_lead": False, ...} (see response/settings.py).

They post to the incident's comms channel (an incident without one is not nudged there) or DM
one person, through the durable Slack outbox. A handler that has nothing to say right now raises
NotNow, which does not use up one of its sends.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from response.core.events import Change
from response.core.models import Action, Incident
from response.core.postmortems import postmortem_of
from response.notifications.registry import NotNow, Phase, notification_options
from response.notifications.scheduler import current_run
from response.notifications.workhours import in_working_hours, next_working_time, zone_of
from response.slack.blocks.headline import incident_url
from response.slack.blocks.reminders import (
    ActionLine,
    render_long_running,
    render_no_lead,
    render_no_severity,
    render_overdue_action,
    render_postmortem_due,
    render_take_a_break,
    render_update_due,
    render_write_up,
)
from response.slack.blocks.text import human_duration
from response.slack.decorators import recurring_notification, single_notification
from response.slack.outbound import outbox
from response.slack.selectors import comms_channel_of, severity_choices

# While the condition holds, a nudge that declines is asked again only when a change wakes it.
QUIET_MINS = 24 * 60
# An incident without a comms channel (yet: it is being created, or someone may press the
# headline's button) is looked at again this often.
NO_CHANNEL_RETRY_MINS = 5


def _now() -> datetime:
    run = current_run()
    return run.now if run else timezone.now()


def _channel_or_not_now(incident: Incident):
    channel = comms_channel_of(incident.pk)
    if channel is None:
        raise NotNow("the incident has no comms channel", retry_in_mins=NO_CHANNEL_RETRY_MINS)
    if channel.is_archived:  # reopened, and being unarchived
        raise NotNow("the channel is archived", retry_in_mins=NO_CHANNEL_RETRY_MINS)
    return channel


def _post(incident: Incident, message: tuple[str, list[dict]]) -> None:
    text, blocks = message
    outbox.post_to_incident_channel(incident.pk, text=text, blocks=blocks)


@notification_options(wake_on=(Change.LEAD,))
@recurring_notification(interval_mins=2, max_notifications=5)
def no_lead(incident: Incident):
    """No lead after 2 minutes: "who is leading?" with an "I'll lead" button (every 2 min, 5x)."""
    if incident.lead_id:
        raise NotNow("there is a lead", retry_in_mins=QUIET_MINS)  # woken if it is removed
    _channel_or_not_now(incident)
    _post(incident, render_no_lead(incident.pk))


@notification_options(wake_on=(Change.SEVERITY,))
@recurring_notification(interval_mins=5, max_notifications=5)
def no_severity(incident: Incident):
    """No severity after 5 minutes: a severity picker (every 5 min, 5x)."""
    if incident.severity_id:
        raise NotNow("the severity is set", retry_in_mins=QUIET_MINS)
    _channel_or_not_now(incident)
    _post(incident, render_no_severity(incident.pk, severity_choices()))


@notification_options(wake_on=(Change.SEVERITY, Change.STATUS, Change.STATUS_UPDATE, Change.LEAD))
@recurring_notification(interval_mins=30, max_notifications=100)
def update_cadence(incident: Incident):
    """No update (`update` command or status change) for the severity's cadence (critical 30 min,
    major 60, minor and trivial never: Severity.update_cadence_mins, set in the admin), or by
    the time the last update promised the next one ("next update in 15 minutes", which stands
    instead of the cadence): ask the lead for one, with a button that opens the update modal."""
    severity = incident.severity
    cadence = severity.update_cadence_mins if severity else None
    run = current_run()
    moments = [incident.last_update_at, incident.reported_at, run.last_sent_at if run else None]
    since = max(moment for moment in moments if moment is not None)
    promised = incident.next_update_at
    if promised is not None and promised > since:
        due = promised  # asked once at the promised time, then the cadence again
    elif severity is None or not cadence:
        raise NotNow("no cadence at this severity", retry_in_mins=QUIET_MINS)
    else:
        due = since + timedelta(minutes=cadence)
    now = _now()
    if now < due:
        raise NotNow("an update was posted recently", at=due)
    _channel_or_not_now(incident)
    last_update = incident.last_update_at or incident.reported_at
    _post(
        incident,
        render_update_due(
            incident.pk,
            lead_id=incident.lead.external_id if incident.lead else None,
            minutes_since=int((now - last_update).total_seconds() // 60),
            severity_name=severity.name if severity else "",
        ),
    )


@recurring_notification(interval_mins=24 * 60, max_notifications=5)
def long_running(incident: Incident):
    """Open for 24 hours: ask the lead whether it can be closed, in the lead's working hours
    (weekdays 9-17 in their own Slack time zone), every 24 hours, at most 5 times."""
    _channel_or_not_now(incident)
    person = incident.lead or incident.reporter
    zone = zone_of(person)
    now = _now()
    if not in_working_hours(now, zone):
        raise NotNow("outside the lead's working hours", at=next_working_time(now, zone))
    _post(
        incident,
        render_long_running(
            incident.pk,
            lead_id=incident.lead.external_id if incident.lead else None,
            open_for=human_duration(incident.duration(now)),
        ),
    )


@notification_options(phase=Phase.RESOLVED)
@single_notification(initial_delay_mins=0)
def write_up(incident: Incident):
    """On resolution: DM the lead (or the reporter) a link to write it up, with the follow-up
    actions still open."""
    person = incident.lead or incident.reporter
    if not settings.SLACK_BOT_TOKEN or person is None or person.is_bot:
        return
    open_actions = [
        ActionLine(a.text, a.owner.external_id if a.owner else None, a.due_date)
        for a in incident.actions.filter(done=False).select_related("owner")
    ]
    text, blocks = render_write_up(
        incident.pk,
        title=incident.title,
        url=incident_url(incident.pk, site_url=settings.SITE_URL),
        open_actions=open_actions,
    )
    outbox.send_dm(
        person.external_id, text=text, blocks=blocks, lane=outbox.incident_lane(incident.pk)
    )


@notification_options(phase=Phase.ACTION)
@recurring_notification(interval_mins=24 * 60, max_notifications=3)
def overdue_actions(action: Action):
    """When a follow-up action's due date has passed: DM its owner, in their working hours,
    daily, at most 3 times, until it is done."""
    owner, due_date = action.owner, action.due_date
    if owner is None or due_date is None:  # not scheduled then; changed since
        return
    if not settings.SLACK_BOT_TOKEN or owner.is_bot or owner.is_deleted:
        return
    zone = zone_of(owner)
    now = _now()
    if not in_working_hours(now, zone):
        raise NotNow("outside the owner's working hours", at=next_working_time(now, zone))
    incident = action.incident
    text, blocks = render_overdue_action(
        incident.pk,
        title=incident.title,
        action_text=action.text,
        due_date=due_date,
        url=incident_url(incident.pk, site_url=settings.SITE_URL),
    )
    outbox.send_dm(owner.external_id, text=text, blocks=blocks)


@notification_options(phase=Phase.RESOLVED, wake_on=(Change.POSTMORTEM,))
@recurring_notification(interval_mins=60, max_notifications=30)
def postmortem_owner(incident: Incident):
    """While a resolved incident's post-mortem is not done: DM its owner (without one, the lead,
    or the reporter) every RESPONSE_POSTMORTEM_REMINDER_DAYS days from the resolution (2 by
    default), in their working hours, with its state and a link. Done, it stops (and is asked
    again only if the post-mortem goes back to draft or review)."""
    postmortem = postmortem_of(incident)
    if postmortem is not None and postmortem.is_done:
        raise NotNow("the post-mortem is done", retry_in_mins=QUIET_MINS)  # woken on a change
    run = current_run()
    every = timedelta(days=settings.RESPONSE_POSTMORTEM_REMINDER_DAYS)
    since = (run.last_sent_at or run.anchor_at) if run else incident.resolved_at
    now = _now()
    if since is not None and now < since + every:
        raise NotNow("reminded recently", at=since + every)
    owner = postmortem.owner if postmortem is not None else None
    person = owner or incident.lead or incident.reporter
    if not settings.SLACK_BOT_TOKEN or person is None or person.is_bot or person.is_deleted:
        raise NotNow("nobody to remind", retry_in_mins=QUIET_MINS)  # woken by a new owner
    zone = zone_of(person)
    if not in_working_hours(now, zone):
        raise NotNow("outside their working hours", at=next_working_time(now, zone))
    text, blocks = render_postmortem_due(
        incident.pk,
        title=incident.title,
        url=incident_url(incident.pk, site_url=settings.SITE_URL) + "write-up/",
        state=postmortem.get_state_display() if postmortem is not None else "",
        is_owner=owner is not None,
        resolved_for=human_duration(now - (incident.resolved_at or now)),
    )
    outbox.send_dm(
        person.external_id, text=text, blocks=blocks, lane=outbox.incident_lane(incident.pk)
    )


@recurring_notification(interval_mins=30, max_notifications=10)
def take_a_break(incident: Incident):
    """The original's example, shipped switched off (RESPONSE_REMINDERS["take_a_break"])."""
    _channel_or_not_now(incident)
    _post(incident, render_take_a_break())
