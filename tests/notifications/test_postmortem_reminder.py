"""The post-mortem's owner is reminded in Slack, every RESPONSE_POSTMORTEM_REMINDER_DAYS from the
resolution, while it is not done: through the real worker and fakeslack, time moved by
time-machine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from response.core import verbs
from response.core.models import Incident, PostMortem
from response.notifications.models import ScheduledNotification
from response.slack.people import slack_user
from tests.notifications.helpers import dms_to, settle
from tests.slack.helpers import declare_in_slack

START = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # a Monday morning: +2 and +4 days are weekdays
REMINDER = "was resolved"  # not the DM telling carol she owns it


def refreshed(incident) -> Incident:
    return Incident.objects.select_related("severity", "lead").get(pk=incident.pk)


def reminders_to(slack, name: str) -> list[dict]:
    return [m for m in dms_to(slack, name) if REMINDER in m["text"]]


def test_the_owner_is_reminded_every_two_days_until_it_is_done(
    slack, worker, time_machine, settings
):
    settings.RESPONSE_WORKING_HOURS = (0, 24)  # weekdays, any hour: this test is not about them
    time_machine.move_to(START, tick=True)
    incident, _ = declare_in_slack(slack)
    bob = slack_user(slack.user_id("bob"))
    carol = slack_user(slack.user_id("carol"))
    verbs.set_lead(refreshed(incident), bob)
    postmortem = verbs.start_postmortem(refreshed(incident), by=bob)
    verbs.set_postmortem_owner(postmortem, carol, by=bob)
    resolved = verbs.resolve_incident(refreshed(incident)).resolved_at
    settle(slack, worker)
    assert reminders_to(slack, "carol") == []  # the lead is asked to write it up, at once
    assert [m for m in dms_to(slack, "carol") if "you now own the post-mortem" in m["text"]]

    # Two days later: carol, who owns it, is reminded, with its state and a link.
    time_machine.move_to(resolved + timedelta(days=2, seconds=1), tick=True)
    [dm] = slack.wait_for(lambda: reminders_to(slack, "carol"), timeout=20)
    assert "The post-mortem you own is still *draft*" in dm["text"]
    assert f"/incidents/{incident.pk}/write-up/" in dm["text"]
    assert reminders_to(slack, "bob") == []

    # Not again the next day; again two days after the first.
    time_machine.move_to(resolved + timedelta(days=3), tick=True)
    settle(slack, worker)
    assert len(reminders_to(slack, "carol")) == 1
    first_sent = ScheduledNotification.objects.get(
        incident=incident, key="response.slack.reminders.postmortem_owner"
    ).last_sent_at
    time_machine.move_to(first_sent + timedelta(days=2, seconds=1), tick=True)
    slack.wait_for(lambda: len(reminders_to(slack, "carol")) == 2, timeout=20)

    # Done: no more reminders, however long.
    postmortem = PostMortem.objects.get(incident=incident)
    verbs.edit_postmortem_section(postmortem, "root_cause", "A bad deploy", by=carol)
    verbs.set_postmortem_state(postmortem, "done", by=carol)
    time_machine.move_to(resolved + timedelta(days=9), tick=True)
    settle(slack, worker)
    assert len(reminders_to(slack, "carol")) == 2


def test_a_setting_spaces_the_reminders_and_the_lead_is_asked_without_an_owner(
    slack, worker, time_machine, settings
):
    settings.RESPONSE_WORKING_HOURS = (0, 24)
    settings.RESPONSE_POSTMORTEM_REMINDER_DAYS = 1
    time_machine.move_to(START, tick=True)
    incident, _ = declare_in_slack(slack)
    verbs.set_lead(refreshed(incident), slack_user(slack.user_id("bob")))
    resolved = verbs.resolve_incident(refreshed(incident)).resolved_at
    time_machine.move_to(resolved + timedelta(days=1, seconds=1), tick=True)
    [dm] = slack.wait_for(lambda: reminders_to(slack, "bob"), timeout=20)
    assert "Nobody has started the post-mortem yet" in dm["text"]
