"""The scheduler's contract, pass by pass, with the clock under the test's control. A "pass" runs
the reminder jobs that are due through the work engine, as the worker does."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from response.core import verbs
from response.engine import runner
from response.engine.models import Job
from response.notifications.models import ScheduledNotification
from response.notifications.registry import NOT_NOW, NotNow, Phase
from response.notifications.scheduler import WAKE_DELAY
from tests.notifications.helpers import reminder_job, run_due_notifications

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_builtins")]

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def row(recorder, incident) -> ScheduledNotification:
    return ScheduledNotification.objects.get(key=recorder.key, incident=incident)


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def log():
    """What the scheduler logs (caplog may be switched off with -p no:logging)."""
    handler = Capture()
    logger = logging.getLogger("response.engine.runner")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


def test_declaring_schedules_each_enabled_notification_from_the_declaration(
    time_machine, register, declare
):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=2)
    incident = declare()
    [scheduled] = ScheduledNotification.objects.filter(incident=incident)
    assert (scheduled.key, scheduled.state, scheduled.next_due_at) == (
        recorded.key,
        "scheduled",
        minutes(2),
    )


def test_built_ins_are_scheduled_unless_switched_off(time_machine, declare, settings):
    time_machine.move_to(T0, tick=False)
    settings.RESPONSE_REMINDERS = {"take_a_break": False, "long_running": False}
    incident = declare()
    names = {r.key.rsplit(".", 1)[1] for r in incident.scheduled_notifications.all()}
    assert names == {"no_lead", "no_severity", "update_cadence"}


def test_a_report_only_incident_gets_no_reminders(register, declare):
    register()
    incident = declare(is_report_only=True)
    assert not ScheduledNotification.objects.filter(incident=incident).exists()


def test_nothing_is_sent_before_it_is_due_then_once_per_interval_up_to_the_maximum(
    time_machine, register, declare
):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=2, interval_mins=2, max_notifications=3)
    incident = declare()
    assert run_due_notifications(now=minutes(1.9)).due == 0
    assert run_due_notifications(now=minutes(2)).sent == 1
    assert run_due_notifications(now=minutes(3)).sent == 0
    assert run_due_notifications(now=minutes(4)).sent == 1
    assert run_due_notifications(now=minutes(6)).sent == 1
    assert run_due_notifications(now=minutes(60)).due == 0
    assert recorded.calls == [incident.pk] * 3
    assert (row(recorded, incident).state, row(recorded, incident).sent_count) == ("done", 3)


def test_a_late_notification_is_sent_once_not_once_per_missed_interval(
    time_machine, register, declare
):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=2, interval_mins=2, max_notifications=10)
    incident = declare()
    # The worker was down for an hour.
    assert run_due_notifications(now=minutes(62)).sent == 1
    assert run_due_notifications(now=minutes(62.5)).sent == 0
    assert row(recorded, incident).next_due_at == minutes(64)
    assert len(recorded.calls) == 1


def test_a_single_notification_is_sent_once(time_machine, register, declare):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=5, interval_mins=None, max_notifications=1)
    declare()
    assert run_due_notifications(now=minutes(5)).sent == 1
    assert run_due_notifications(now=minutes(500)).due == 0
    assert len(recorded.calls) == 1


@pytest.mark.parametrize(
    "decline", [lambda i: NOT_NOW, lambda i: NotNow(), lambda i: (_ for _ in ()).throw(NotNow())]
)
def test_declining_does_not_use_up_a_send(time_machine, register, declare, decline):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=2, interval_mins=2, max_notifications=1)
    incident = declare()
    recorded.behaviour = decline
    result = run_due_notifications(now=minutes(2))
    assert (result.sent, result.declined) == (0, 1)
    assert row(recorded, incident).sent_count == 0
    assert row(recorded, incident).next_due_at == minutes(4)  # asked again after the interval
    recorded.behaviour = None
    assert run_due_notifications(now=minutes(4)).sent == 1
    assert row(recorded, incident).state == "done"


def test_declining_with_a_time_is_asked_again_then(time_machine, register, declare):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=2, interval_mins=30, max_notifications=1)
    incident = declare()

    def later(incident):
        raise NotNow("not yet", at=minutes(7))

    recorded.behaviour = later
    run_due_notifications(now=minutes(2))
    assert row(recorded, incident).next_due_at == minutes(7)


def test_a_failing_handler_is_logged_with_its_job_and_retried_with_backoff(
    time_machine, register, declare, log
):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=2, interval_mins=2, max_notifications=1)
    incident = declare()

    def boom(incident):
        raise RuntimeError("Slack renderer broke")

    recorded.behaviour = boom
    assert run_due_notifications(now=minutes(2)).failed == 1
    failed = row(recorded, incident)
    assert (failed.sent_count, failed.state) == (0, "scheduled")
    job = reminder_job(failed)
    assert (job.state, job.failures) == ("pending", 1)
    assert job.not_before == minutes(2) + timedelta(seconds=1)  # one second, then two, four, ...
    assert "Slack renderer broke" in job.last_error
    [record] = [r for r in log.records if r.levelno == logging.WARNING]
    assert f"reminder:{incident.pk}:" in record.getMessage()

    assert run_due_notifications(now=minutes(3)).failed == 1
    assert reminder_job(failed).not_before == minutes(3) + timedelta(seconds=2)
    recorded.behaviour = None
    assert run_due_notifications(now=minutes(5)).sent == 1
    assert row(recorded, incident).sent_count == 1
    assert reminder_job(failed).state == "done"


def test_a_handler_that_keeps_failing_is_parked_as_dead(time_machine, register, declare, settings):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=0, interval_mins=None, max_notifications=1)
    incident = declare()
    recorded.behaviour = lambda i: 1 / 0
    for n in range(settings.RESPONSE_JOB_MAX_FAILURES):
        run_due_notifications(now=minutes(10 + n))
    assert reminder_job(row(recorded, incident)).state == "dead"
    assert row(recorded, incident).state == "scheduled"  # retried from `response jobs`, it sends
    assert len(recorded.calls) == settings.RESPONSE_JOB_MAX_FAILURES


def test_what_a_failing_handler_enqueued_is_rolled_back(time_machine, register, declare):
    """The handler's work commits with the send: a failure half-way leaves nothing behind."""
    from response.slack.outbound.outbox import post_to_incident_channel

    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=0, interval_mins=None)
    declare()
    jobs_before = Job.objects.count()

    def half_way(incident):
        post_to_incident_channel(incident.pk, text="half a message")
        raise RuntimeError("then it broke")

    recorded.behaviour = half_way
    run_due_notifications(now=minutes(1))
    assert Job.objects.count() == jobs_before


def test_resolving_stops_and_reopening_resumes(time_machine, register, declare, committed):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=2, interval_mins=2, max_notifications=3)
    incident = declare()
    assert run_due_notifications(now=minutes(2)).sent == 1

    time_machine.move_to(minutes(3), tick=False)
    committed(verbs.resolve_incident, incident)
    assert row(recorded, incident).state == "cancelled"
    assert run_due_notifications(now=minutes(30)).due == 0

    time_machine.move_to(minutes(40), tick=False)
    committed(verbs.reopen_incident, incident)
    resumed = row(recorded, incident)
    assert (resumed.state, resumed.sent_count, resumed.next_due_at) == (
        "scheduled",
        1,
        minutes(42),
    )
    assert run_due_notifications(now=minutes(42)).sent == 1
    assert run_due_notifications(now=minutes(44)).sent == 1
    assert run_due_notifications(now=minutes(46)).due == 0
    assert row(recorded, incident).state == "done"
    assert len(recorded.calls) == 3


def test_a_reminder_due_when_its_incident_was_resolved_is_not_sent(time_machine, register, declare):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=2, interval_mins=2)
    incident = declare()
    # Resolved without the announcement that cancels the schedule: the job checks anyway.
    ScheduledNotification.objects.filter(incident=incident).update(state="scheduled")
    incident.status, incident.resolved_at = "resolved", minutes(1)
    incident.save(update_fields=["status", "resolved_at"])
    assert run_due_notifications(now=minutes(2)).cancelled == 1
    assert recorded.calls == []


def test_resolution_phase_runs_after_resolving_and_again_after_each_resolution(
    time_machine, register, declare, committed
):
    time_machine.move_to(T0, tick=False)
    recorded = register(
        "after", initial_delay_mins=0, interval_mins=None, max_notifications=1, phase=Phase.RESOLVED
    )
    incident = declare()
    assert not ScheduledNotification.objects.filter(incident=incident).exists()
    time_machine.move_to(minutes(10), tick=False)
    committed(verbs.resolve_incident, incident)
    assert run_due_notifications(now=minutes(10)).sent == 1
    committed(verbs.reopen_incident, incident)
    committed(verbs.resolve_incident, incident)
    assert run_due_notifications(now=minutes(11)).sent == 1
    assert recorded.calls == [incident.pk, incident.pk]


def test_a_change_the_notification_follows_wakes_it_within_seconds(
    time_machine, register, declare, committed
):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=60, interval_mins=60, wake_on=frozenset({"severity"}))
    incident = declare()
    time_machine.move_to(minutes(5), tick=False)
    committed(verbs.set_severity, incident, "critical")
    assert row(recorded, incident).next_due_at == minutes(5) + WAKE_DELAY
    assert run_due_notifications(now=minutes(5) + WAKE_DELAY).sent == 1


def test_a_run_of_changes_wakes_the_notification_once(time_machine, register, declare, committed):
    """A dozen severity changes in a few seconds: the notification looks once, after them, and
    each change after the first only reads the schedule (no job moved, no row written)."""
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=60, interval_mins=60, wake_on=frozenset({"severity"}))
    incident = declare()
    time_machine.move_to(minutes(5), tick=False)
    committed(verbs.set_severity, incident, "critical")
    woken = Job.objects.get(state=Job.State.PENDING, key=f"reminder:{row(recorded, incident).pk}")
    for n, severity in enumerate(["major", "minor", "critical"] * 4):
        time_machine.move_to(minutes(5) + timedelta(milliseconds=100 * n), tick=False)
        committed(verbs.set_severity, incident, severity)
    woken.refresh_from_db()
    assert woken.not_before == minutes(5) + WAKE_DELAY  # not moved again
    assert Job.objects.filter(state=Job.State.PENDING, kind="reminder").count() == 1
    assert run_due_notifications(now=minutes(5) + WAKE_DELAY).sent == 1
    assert recorded.calls == [incident.pk]


def test_a_removed_or_disabled_notification_is_cancelled_not_run(
    time_machine, register, declare, settings
):
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=2)
    incident = declare()
    settings.RESPONSE_REMINDERS = {**settings.RESPONSE_REMINDERS, recorded.key: False}
    assert run_due_notifications(now=minutes(2)).cancelled == 1
    assert row(recorded, incident).state == "cancelled"
    assert recorded.calls == []


def test_looking_for_due_work_costs_one_query_whatever_the_number_of_open_incidents(
    time_machine, register, declare, django_assert_num_queries
):
    time_machine.move_to(T0, tick=False)
    register(initial_delay_mins=60)
    declare()
    with django_assert_num_queries(1):
        assert runner.lanes_due() == {}
    for n in range(30):
        declare(f"Incident {n}")
    with django_assert_num_queries(1):
        assert runner.lanes_due() == {}


def test_sending_a_due_reminder_costs_a_few_queries(
    time_machine, register, declare, django_assert_num_queries
):
    time_machine.move_to(T0, tick=False)
    register(initial_delay_mins=1)
    incidents = [declare(f"Incident {n}") for n in range(3)]
    lanes = list(runner.lanes_due()) or None
    assert lanes is None
    time_machine.move_to(minutes(1), tick=False)
    lanes = list(runner.lanes_due())
    assert len(lanes) == len(incidents)
    # A try at claiming it as a remote job, the lane's head; one transaction (savepoint here, in
    # a test): the job (locked), its key released, a savepoint for the job, its row (locked) with
    # the incident, a savepoint for the handler, the row's update, the next job, the job done.
    # The lane had nothing else: nobody looks at it again.
    with django_assert_num_queries(14):
        assert runner.run_slice(lanes[0]).done == 1


def test_a_handler_may_change_the_incident_with_a_verb(time_machine, register, declare):
    """Verbs join the job's transaction: the change commits with the send, once."""
    time_machine.move_to(T0, tick=False)
    recorded = register(initial_delay_mins=1, interval_mins=None)
    recorded.behaviour = lambda incident: verbs.add_timeline_event(
        incident, "Reminder: check the dashboards"
    )
    incident = declare()
    assert run_due_notifications(now=minutes(1)).sent == 1
    assert incident.timeline_events.filter(text="Reminder: check the dashboards").count() == 1
    assert row(recorded, incident).state == "done"
