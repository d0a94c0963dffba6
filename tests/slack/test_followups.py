"""`action @bob by friday <text>`: owner and due date as people say them, and `actions`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from response.core.models import Action
from response.slack.inbound.followups import ActionRequest, due_date_from, parse_action
from tests.slack.helpers import declare_in_slack, mention, reactions_on

MONDAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("<@U1BOB> by friday Write the runbook", ("Write the runbook", "U1BOB", date(2026, 12, 4))),
        ("by friday <@U1BOB|bob> fix it", ("fix it", "U1BOB", date(2026, 12, 4))),
        ("Fix the alert <@U1BOB> by tomorrow", ("Fix the alert", "U1BOB", date(2026, 12, 1))),
        ("Rotate keys by 2026-12-24", ("Rotate keys", None, date(2026, 12, 24))),
        ("Rotate keys by 3 jan", ("Rotate keys", None, date(2027, 1, 3))),
        ("Drop by the office and say thanks", ("Drop by the office and say thanks", None, None)),
        ("Review by months end", ("Review by months end", None, None)),
        ("plain", ("plain", None, None)),
    ],
)
def test_owner_and_due_date_are_read_where_people_put_them(said, expected):
    assert parse_action(said, today=MONDAY) == ActionRequest(*expected)


def test_days_are_the_next_ones():
    assert due_date_from("monday", today=MONDAY) == MONDAY + timedelta(days=7)
    assert due_date_from("next week", today=MONDAY) == MONDAY + timedelta(days=7)
    assert due_date_from("today", today=MONDAY) == MONDAY
    assert due_date_from("in 10 days", today=MONDAY) == date(2026, 12, 10)
    assert due_date_from("2026-02-30", today=MONDAY) is None


def test_action_with_owner_and_due_date_from_slack_and_the_open_ones_listed(slack):
    incident, channel_id = declare_in_slack(slack)
    bob = slack.user_id("bob")
    ts = mention(slack, "alice", channel_id, f"action <@{bob}> by friday Write the runbook")
    slack.wait_for(lambda: "white_check_mark" in reactions_on(slack, channel_id, ts))
    action = Action.objects.select_related("owner").get(incident=incident)
    assert (action.text, action.owner.external_id) == ("Write the runbook", bob)
    assert action.due_date.weekday() == 4 and action.due_date > timezone.localdate()
    recorded = f"📝 Follow-up action recorded: Write the runbook — <@{bob}>, due Fri "
    slack.wait_for(lambda: any(recorded in m["text"] for m in slack.messages(channel_id)))
    alice = slack.actor("alice")
    answer = alice.slash_command("/incident", "action Update the dashboards", channel=channel_id)
    assert answer.body["text"] == "Follow-up action recorded: Update the dashboards"
    listing = alice.slash_command("/incident", "actions", channel=channel_id).body["text"]
    assert f"• Write the runbook — <@{bob}>, due Fri " in listing
    assert "• Update the dashboards" in listing and "(2)" in listing
    empty = alice.slash_command("/incident", "action", channel=channel_id).body["text"]
    assert "What is the action?" in empty
