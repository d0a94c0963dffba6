"""The update modal's "Next update in": opened by `/incident update` (and the Post an update
button), it schedules the update reminder at the chosen time instead of the severity's cadence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from response.core import verbs
from response.core.errors import InvalidInput
from response.core.models import Incident, TimelineEvent
from response.core.models.audit import AuditEvent, AuditVerb
from response.core.verbs import get_or_create_external_user
from response.engine.models import Job
from response.slack.blocks.modals import render_update_modal
from response.slack.models import CommsChannel
from tests.notifications.helpers import UPDATE_DUE, run_due_notifications
from tests.slack.helpers import declare_in_slack

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


# --- Through Slack --------------------------------------------------------------------------------


def open_update_form(slack, user: str, channel_id: str) -> dict:
    person = slack.actor(user)
    if slack.user_id(user) not in slack.members(channel_id):
        person.join(channel_id)
    assert person.slash_command("/incident", "update", channel=channel_id).ok
    view = slack.open_views(slack.user_id(user))[-1]
    assert view["callback_id"] == "post-update-modal"
    return view


def test_slash_update_opens_the_form_and_its_choice_sets_when_the_next_update_is_due(slack, worker):
    incident, channel_id = declare_in_slack(slack, values={"severity": {"severity": "major"}})
    view = open_update_form(slack, "alice", channel_id)
    choice = next(b for b in view["blocks"] if b.get("block_id") == "next_update")
    assert choice["element"]["initial_option"]["text"]["text"] == "The usual (60 minutes)"

    assert (
        slack.actor("alice")
        .submit_view(
            view["id"],
            {
                "update_text": {"update_text": "Rolled back; watching the error rate"},
                "next_update": {"next_update": "15"},
            },
        )
        .ok
    )
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.next_update_at == incident.last_update_at + timedelta(minutes=15)
    assert TimelineEvent.objects.filter(incident=incident, kind="update").count() == 1
    audit = AuditEvent.objects.filter(verb=AuditVerb.INCIDENT_UPDATE_POSTED).get()
    assert audit.after["next_update_at"] is not None

    # The next update without a choice: the severity's cadence again.
    view = open_update_form(slack, "alice", channel_id)
    assert (
        slack.actor("alice")
        .submit_view(view["id"], {"update_text": {"update_text": "Error rate back to normal"}})
        .ok
    )
    assert Incident.objects.get(pk=incident.pk).next_update_at is None
    assert worker.settled()


def test_a_choice_the_form_never_offered_is_refused_in_the_form(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    view = open_update_form(slack, "alice", channel_id)
    # A choice this form never offered (a stale or forged one).
    forged = {"text": {"type": "plain_text", "text": "3 days"}, "value": "4320"}
    delivery = slack.actor("alice").submit_view(
        view["id"],
        {"update_text": {"update_text": "Still looking"}, "next_update": {"next_update": forged}},
    )
    assert delivery.body["response_action"] == "errors"
    assert "next_update" in delivery.body["errors"]
    assert not TimelineEvent.objects.filter(incident=incident, kind="update").exists()


def test_the_update_modal_offers_the_choices():
    view = render_update_modal(
        incident_id=7, status="identified", title="Checkout", cadence_mins=None
    )
    [block] = [b for b in view["blocks"] if b.get("block_id") == "next_update"]
    assert [o["value"] for o in block["element"]["options"]] == ["cadence", "15", "30", "60", "120"]
    assert block["element"]["initial_option"]["text"]["text"] == "No reminder (the usual)"
    assert block["optional"] is True


# --- When the reminder fires (the worker's clock moved by time-machine) ----------------------


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(verb, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return verb(*args, **kwargs)

    return run


def nudges() -> list[Job]:
    return [j for j in Job.objects.order_by("id") if UPDATE_DUE in (j.payload.get("text") or "")]


def declared(committed, severity: str) -> Incident:
    lead, _ = get_or_create_external_user("U0BOB")
    incident = committed(
        verbs.declare_incident, title="Checkout is failing", severity=severity, lead=lead
    )
    CommsChannel.objects.create(incident=incident, channel_id="C0INC", name="inc-1")
    return incident


@pytest.mark.django_db
def test_the_promised_time_replaces_the_cadence_once(time_machine, committed):
    time_machine.move_to(T0, tick=False)
    incident = declared(committed, "major")  # cadence: 60 minutes
    time_machine.move_to(minutes(5), tick=False)
    committed(
        verbs.post_status_update, incident, "Rolled back", next_update_in=timedelta(minutes=15)
    )
    run_due_notifications(now=minutes(19))
    assert not nudges()
    run_due_notifications(now=minutes(20))
    assert len(nudges()) == 1
    # Then the severity's cadence again: an hour after that nudge.
    run_due_notifications(now=minutes(79))
    assert len(nudges()) == 1
    run_due_notifications(now=minutes(80))
    assert len(nudges()) == 2


@pytest.mark.django_db
def test_a_promise_later_than_the_cadence_holds_the_nudge_back(time_machine, committed):
    time_machine.move_to(T0, tick=False)
    incident = declared(committed, "critical")  # cadence: 30 minutes
    committed(
        verbs.post_status_update, incident, "Paging the DBA", next_update_in=timedelta(hours=2)
    )
    run_due_notifications(now=minutes(30))
    run_due_notifications(now=minutes(119))
    assert not nudges()
    run_due_notifications(now=minutes(120))
    assert len(nudges()) == 1


@pytest.mark.django_db
def test_a_promise_is_kept_at_a_severity_without_a_cadence(time_machine, committed):
    time_machine.move_to(T0, tick=False)
    incident = declared(committed, "minor")  # no cadence: never nudged on its own
    committed(verbs.post_status_update, incident, "Looking", next_update_in=timedelta(minutes=30))
    run_due_notifications(now=minutes(29))
    assert not nudges()
    run_due_notifications(now=minutes(30))
    [nudge] = nudges()
    assert "this minor incident" in nudge.payload["text"]
    run_due_notifications(now=minutes(600))
    assert len(nudges()) == 1


@pytest.mark.django_db
def test_the_verb_refuses_a_promise_out_of_range(committed):
    incident = declared(committed, "major")
    with pytest.raises(InvalidInput):
        verbs.post_status_update(incident, "Soon", next_update_in=timedelta(days=3))
