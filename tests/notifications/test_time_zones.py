"""Reminders that wait for working hours, in each person's own Slack time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from response.core import verbs
from response.core.models import Incident
from response.notifications.models import ScheduledNotification
from response.notifications.workhours import in_working_hours, next_working_time
from response.slack.blocks import ids
from response.slack.people import slack_user
from tests.notifications.helpers import (
    LONG_RUNNING,
    dms_to,
    element_ids,
    said,
    settle,
    wait_for_time_zone,
)
from tests.slack.helpers import declare_in_slack

WORKSPACE = {
    "users": [
        {"name": "alice", "real_name": "Alice Adams", "tz": "Europe/London"},
        {"name": "kenji", "real_name": "Kenji Sato", "tz": "Asia/Tokyo"},
        {"name": "dave", "real_name": "Dave Davis", "tz": "America/Los_Angeles"},
    ],
    "channels": [{"name": "general", "general": True}, {"name": "incidents"}],
}

TOKYO = ZoneInfo("Asia/Tokyo")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
# Monday 30 November 2026, 02:00 UTC: 11:00 on Monday in Tokyo, 18:00 on Sunday in Los Angeles.
MONDAY = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def at(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(TOKYO, 2026, 12, 1, 3, 0), at(TOKYO, 2026, 12, 1, 9, 0)),  # 3 a.m.: wait for 9
        (at(TOKYO, 2026, 12, 1, 10, 0), at(TOKYO, 2026, 12, 1, 10, 0)),  # working: now
        (at(TOKYO, 2026, 12, 1, 17, 0), at(TOKYO, 2026, 12, 2, 9, 0)),  # 17:00 is after hours
        (at(LOS_ANGELES, 2026, 12, 4, 18, 0), at(LOS_ANGELES, 2026, 12, 7, 9, 0)),  # Fri → Mon
        (at(LOS_ANGELES, 2026, 12, 5, 12, 0), at(LOS_ANGELES, 2026, 12, 7, 9, 0)),  # Saturday
        (at(LOS_ANGELES, 2027, 3, 14, 3, 0), at(LOS_ANGELES, 2027, 3, 15, 9, 0)),  # DST Sunday
    ],
)
def test_next_working_time(moment, expected):
    assert next_working_time(moment, moment.tzinfo) == expected
    assert in_working_hours(expected, moment.tzinfo)


def lead_with(slack, incident, user_name):
    verbs.set_lead(incident, slack_user(slack.user_id(user_name)))
    verbs.set_severity(Incident.objects.get(pk=incident.pk), "minor")  # no update cadence
    wait_for_time_zone(slack, user_name)


@pytest.mark.fakeslack(workspace=WORKSPACE)
def test_long_running_incidents_ask_each_lead_in_their_own_working_hours(
    slack, worker, time_machine
):
    time_machine.move_to(MONDAY, tick=True)
    tokyo_incident, tokyo_channel = declare_in_slack(slack, "Tokyo payments are slow")
    lead_with(slack, tokyo_incident, "kenji")
    la_incident, la_channel = declare_in_slack(slack, "Uploads fail in us-west")
    lead_with(slack, la_incident, "dave")

    # 24 hours on: 11:00 on Tuesday in Tokyo, but 18:00 on Monday in Los Angeles.
    time_machine.move_to(MONDAY + timedelta(hours=24, minutes=1), tick=True)
    [ask] = slack.wait_for(lambda: said(slack, tokyo_channel, LONG_RUNNING), timeout=20)
    assert f"<@{slack.user_id('kenji')}>" in ask["text"]
    assert element_ids(ask) == [ids.CLOSE_INCIDENT, ids.POST_UPDATE]
    settle(slack, worker)
    assert not said(slack, la_channel, LONG_RUNNING)
    waiting = ScheduledNotification.objects.get(incident=la_incident, key__endswith=".long_running")
    assert waiting.sent_count == 0
    assert waiting.next_due_at == at(LOS_ANGELES, 2026, 12, 1, 9, 0)

    # 3 a.m. in Los Angeles: still nothing.
    time_machine.move_to(at(LOS_ANGELES, 2026, 12, 1, 3, 0), tick=True)
    settle(slack, worker)
    assert not said(slack, la_channel, LONG_RUNNING)

    # 9 a.m. in Los Angeles: now Dave is asked, once.
    time_machine.move_to(at(LOS_ANGELES, 2026, 12, 1, 9, 0, 1), tick=True)
    slack.wait_for(lambda: said(slack, la_channel, LONG_RUNNING), timeout=20)
    settle(slack, worker)
    assert len(said(slack, la_channel, LONG_RUNNING)) == 1
    assert len(said(slack, tokyo_channel, LONG_RUNNING)) == 1


@pytest.mark.fakeslack(workspace=WORKSPACE)
def test_an_overdue_action_reminds_its_owner_in_their_morning_until_done(
    slack, worker, time_machine
):
    time_machine.move_to(MONDAY, tick=True)
    incident, _channel = declare_in_slack(slack)
    dave = slack_user(slack.user_id("dave"))
    wait_for_time_zone(slack, "dave")
    action = verbs.add_action(
        incident, "Add a canary for uploads", owner=dave, due_date=date(2026, 12, 1)
    )
    row = ScheduledNotification.objects.get(subject=f"action:{action.pk}")
    # The due date has passed at midnight in Los Angeles; Dave hears of it at 9 a.m. there.
    assert row.next_due_at == at(LOS_ANGELES, 2026, 12, 2, 9, 0)

    time_machine.move_to(at(LOS_ANGELES, 2026, 12, 2, 9, 0, 1), tick=True)
    [dm] = slack.wait_for(
        lambda: [m for m in dms_to(slack, "dave") if "Add a canary" in m["text"]], timeout=10
    )
    assert "was due on 2026-12-01" in dm["text"]

    # Done: no more reminders the next day.
    verbs.complete_action(action)
    time_machine.move_to(at(LOS_ANGELES, 2026, 12, 3, 9, 0, 1), tick=True)
    settle(slack, worker)
    assert len([m for m in dms_to(slack, "dave") if "Add a canary" in m["text"]]) == 1
    row.refresh_from_db()
    assert (row.state, row.sent_count) == ("cancelled", 1)
