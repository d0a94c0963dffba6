"""The built-in nudges' decisions, pass by pass (what they queue for Slack: the outbox's jobs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from response.core import verbs
from response.core.verbs import get_or_create_external_user
from response.engine.models import Job
from response.notifications.models import ScheduledNotification
from response.notifications.scheduler import WAKE_DELAY
from response.slack.models import CommsChannel
from tests.notifications.helpers import NO_LEAD, UPDATE_DUE, run_due_notifications

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def posted(words: str) -> list[Job]:
    return [j for j in Job.objects.order_by("id") if words in (j.payload.get("text") or "")]


def nudge(incident, name: str) -> ScheduledNotification:
    return ScheduledNotification.objects.get(incident=incident, key__endswith=f".{name}")


def with_channel(incident):
    CommsChannel.objects.create(
        incident=incident, channel_id=f"C{incident.pk:09d}", name=f"inc-{incident.pk}"
    )
    return incident


@pytest.fixture
def person():
    def make(external_id: str, time_zone: str = "Europe/London"):
        user, _ = get_or_create_external_user(external_id)
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
        return user

    return make


def test_an_incident_without_a_comms_channel_is_not_nudged_until_it_has_one(time_machine, declare):
    time_machine.move_to(T0, tick=False)
    incident = declare()
    run_due_notifications(now=minutes(2))
    assert not posted(NO_LEAD)
    assert nudge(incident, "no_lead").sent_count == 0
    with_channel(incident)
    run_due_notifications(now=minutes(7))
    assert len(posted(NO_LEAD)) == 1
    assert nudge(incident, "no_lead").sent_count == 1


def test_a_lead_quiets_the_lead_nudge_and_removing_them_wakes_it(
    time_machine, declare, committed, person
):
    time_machine.move_to(T0, tick=False)
    incident = with_channel(declare())
    run_due_notifications(now=minutes(2))
    assert len(posted(NO_LEAD)) == 1

    time_machine.move_to(minutes(3), tick=False)
    committed(verbs.set_lead, incident, person("U0BOB"))
    run_due_notifications(now=minutes(3) + WAKE_DELAY)
    assert nudge(incident, "no_lead").next_due_at == minutes(3 + 24 * 60) + WAKE_DELAY

    time_machine.move_to(minutes(50), tick=False)
    committed(verbs.set_lead, incident, None)
    assert nudge(incident, "no_lead").next_due_at == minutes(50) + WAKE_DELAY
    run_due_notifications(now=minutes(50) + WAKE_DELAY)
    assert len(posted(NO_LEAD)) == 2
    assert nudge(incident, "no_lead").sent_count == 2


def test_the_update_cadence_follows_the_severity_and_each_update(
    time_machine, declare, committed, person
):
    time_machine.move_to(T0, tick=False)
    incident = with_channel(declare(severity="major", lead=person("U0BOB")))
    # Major: every 60 minutes. At 30 the nudge looks, and waits for 60.
    run_due_notifications(now=minutes(30))
    assert nudge(incident, "update_cadence").next_due_at == minutes(60)
    run_due_notifications(now=minutes(60))
    [ask] = posted(UPDATE_DUE)
    assert "<@U0BOB>" in ask.payload["text"]

    # An update at 70 minutes: the next reminder is due an hour after it.
    time_machine.move_to(minutes(70), tick=False)
    committed(verbs.post_status_update, incident, "Rolled back; watching")
    run_due_notifications(now=minutes(90))
    run_due_notifications(now=minutes(120))
    assert len(posted(UPDATE_DUE)) == 1
    run_due_notifications(now=minutes(130))
    assert len(posted(UPDATE_DUE)) == 2

    # Minor has no cadence: asked no more. Critical (every 30 minutes) wakes it within seconds.
    time_machine.move_to(minutes(140), tick=False)
    committed(verbs.set_severity, incident, "minor")
    run_due_notifications(now=minutes(300))
    assert len(posted(UPDATE_DUE)) == 2
    time_machine.move_to(minutes(301), tick=False)
    committed(verbs.set_severity, incident, "critical")
    run_due_notifications(now=minutes(301) + WAKE_DELAY)
    assert len(posted(UPDATE_DUE)) == 3  # nothing since 130: long overdue at 30 minutes


def test_the_write_up_request_goes_to_the_reporter_when_nobody_led(
    time_machine, declare, committed, person, settings
):
    settings.SLACK_BOT_TOKEN = "xoxb-test"
    time_machine.move_to(T0, tick=False)
    incident = declare(reporter=person("U0ALICE"))
    verbs.add_action(incident, "Add an alert", owner=person("U0CAROL"))
    done = verbs.add_action(incident, "Already done")
    verbs.complete_action(done)
    committed(verbs.resolve_incident, incident)
    run_due_notifications()
    [dm] = [j for j in Job.objects.filter(kind="slack.dm") if "write it up" in j.payload["text"]]
    assert dm.payload["user_id"] == "U0ALICE"
    assert "Add an alert" in str(dm.payload["blocks"])
    assert "Already done" not in str(dm.payload["blocks"])
