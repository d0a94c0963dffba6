"""An incident's life, minute by minute, through Slack: each nudge arrives from the real worker
(its precise wake-up) in fakeslack, is acted on with its button, and stops when it should."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from response.core import verbs
from response.core.models import Incident
from response.notifications.models import ScheduledNotification
from response.slack.blocks import ids
from response.slack.models import CommsChannel
from response.slack.people import slack_user
from tests.notifications.helpers import (
    NO_LEAD,
    NO_SEVERITY,
    UPDATE_DUE,
    dms_to,
    element_ids,
    said,
    settle,
)
from tests.slack.helpers import declare_in_slack

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday morning


def refreshed(incident) -> Incident:
    return Incident.objects.select_related("severity", "lead").get(pk=incident.pk)


def test_an_incident_is_nudged_at_each_step_of_its_life(slack, worker, time_machine):
    time_machine.move_to(START, tick=True)
    incident, channel_id = declare_in_slack(slack)
    declared = refreshed(incident).reported_at
    bob = slack.actor("bob")
    bob.join(channel_id)

    # Two minutes without a lead: "who is leading?", with a button.
    time_machine.move_to(declared + timedelta(minutes=2, seconds=1), tick=True)
    [ask] = slack.wait_for(lambda: said(slack, channel_id, NO_LEAD), timeout=20)
    assert element_ids(ask) == [ids.TAKE_LEAD]
    assert bob.click(channel_id, ask["ts"], ids.TAKE_LEAD).ok
    slack.wait_for(lambda: refreshed(incident).lead is not None)
    assert refreshed(incident).lead.external_id == slack.user_id("bob")

    # Five minutes without a severity: a picker.
    time_machine.move_to(declared + timedelta(minutes=5, seconds=1), tick=True)
    [ask] = slack.wait_for(lambda: said(slack, channel_id, NO_SEVERITY), timeout=20)
    assert element_ids(ask) == [ids.SET_SEVERITY_SELECT]
    assert bob.click(channel_id, ask["ts"], ids.SET_SEVERITY_SELECT, "critical").ok
    slack.wait_for(lambda: refreshed(incident).severity is not None)
    assert refreshed(incident).severity.slug == "critical"
    settle(slack, worker)
    assert len(said(slack, channel_id, NO_LEAD)) == 1  # a lead stops the lead nudge
    assert len(said(slack, channel_id, NO_SEVERITY)) == 1

    # Critical: an update every 30 minutes. None since the declaration: ask the lead.
    time_machine.move_to(declared + timedelta(minutes=30, seconds=1), tick=True)
    [ask] = slack.wait_for(lambda: said(slack, channel_id, UPDATE_DUE), timeout=20)
    assert f"<@{slack.user_id('bob')}>" in ask["text"]
    assert element_ids(ask) == [ids.POST_UPDATE]
    assert bob.click(channel_id, ask["ts"], ids.POST_UPDATE).ok
    modal = slack.wait_for(lambda: slack.open_views(slack.user_id("bob")))[-1]
    assert bob.submit_view(modal["id"], {ids.UPDATE_TEXT: {ids.UPDATE_TEXT: "Rolled back"}}).ok
    updated_at = slack.wait_for(
        lambda: (
            refreshed(incident).last_update_at > declared + timedelta(minutes=30)
            and refreshed(incident).last_update_at
        )
    )

    # The update resets the clock: nothing at +45 minutes, a reminder 30 minutes after it.
    time_machine.move_to(declared + timedelta(minutes=45), tick=True)
    settle(slack, worker)
    assert len(said(slack, channel_id, UPDATE_DUE)) == 1
    time_machine.move_to(updated_at + timedelta(minutes=30, seconds=1), tick=True)
    slack.wait_for(lambda: len(said(slack, channel_id, UPDATE_DUE)) == 2, timeout=20)

    # Resolved: the lead is asked to write it up, with the follow-up actions still open.
    verbs.add_action(incident, "Alert on checkout error rate", owner=slack_user("U0CAROL"))
    verbs.resolve_incident(refreshed(incident))
    [dm] = slack.wait_for(
        lambda: [m for m in dms_to(slack, "bob") if "write it up" in m["text"]], timeout=10
    )
    assert "Alert on checkout error rate" in str(dm["blocks"])
    assert f"/incidents/{incident.pk}/" in dm["text"]

    # Nothing more while it is resolved, however long.
    time_machine.move_to(declared + timedelta(hours=30), tick=True)
    settle(slack, worker)
    assert len(said(slack, channel_id, UPDATE_DUE)) == 2
    assert not ScheduledNotification.objects.filter(
        incident=incident, phase="open", state="scheduled"
    ).exists()

    # Reopened: the reminders resume, 30 minutes after the reopening. (Its channel was archived
    # a day after the resolution; it is unarchived on reopening, which in real time is long
    # done 30 minutes later: let it be done before time jumps, or the reminder finds the
    # channel still archived and waits, as it should, minutes longer than this test.)
    reopened = verbs.reopen_incident(refreshed(incident)).updated_at
    slack.wait_for(lambda: not CommsChannel.objects.get(incident=incident).is_archived, timeout=20)
    settle(slack, worker)
    time_machine.move_to(reopened + timedelta(minutes=30, seconds=1), tick=True)
    slack.wait_for(lambda: len(said(slack, channel_id, UPDATE_DUE)) == 3, timeout=20)
    settle(slack, worker)
    assert len(said(slack, channel_id, NO_LEAD)) == 1
    assert len(said(slack, channel_id, NO_SEVERITY)) == 1
    assert len([m for m in dms_to(slack, "bob") if "write it up" in m["text"]]) == 1


def test_a_slack_outage_during_a_due_reminder_delays_it_but_it_is_sent_once(
    slack, worker, time_machine
):
    from response.engine.models import Job

    time_machine.move_to(START, tick=True)
    incident, channel_id = declare_in_slack(slack)
    declared = refreshed(incident).reported_at
    assert worker.idle()  # the declaration's own Slack work is done: the reminder heads its lane

    slack.outage()
    time_machine.move_to(declared + timedelta(minutes=2, seconds=1), tick=True)
    row = slack.wait_for(
        lambda: ScheduledNotification.objects.filter(
            incident=incident, key__endswith=".no_lead", sent_count=1
        ).first(),
        timeout=20,
    )
    [job] = slack.wait_for(
        lambda: [
            j
            for j in Job.objects.filter(kind="slack.comms_message", attempts__gte=2)
            if NO_LEAD in j.payload["text"]
        ],
        timeout=20,
    )
    assert job.state == Job.State.PENDING  # Slack said 503: the job waits and retries
    assert not said(slack, channel_id, NO_LEAD)

    slack.restore()
    slack.wait_for(lambda: said(slack, channel_id, NO_LEAD), timeout=20)
    settle(slack, worker)
    assert len(said(slack, channel_id, NO_LEAD)) == 1
    row.refresh_from_db()
    assert row.sent_count == 1


@pytest.mark.parametrize("switched_off", ["no_lead"])
def test_a_switched_off_nudge_is_never_sent(slack, worker, time_machine, settings, switched_off):
    settings.RESPONSE_REMINDERS = {**settings.RESPONSE_REMINDERS, switched_off: False}
    time_machine.move_to(START, tick=True)
    incident, channel_id = declare_in_slack(slack)
    declared = refreshed(incident).reported_at
    time_machine.move_to(declared + timedelta(minutes=5, seconds=1), tick=True)
    slack.wait_for(lambda: said(slack, channel_id, NO_SEVERITY), timeout=20)
    settle(slack, worker)
    assert not said(slack, channel_id, NO_LEAD)
