"""The work engine's contract, lane by lane: order, coalescing, claims and leases, transient and
permanent failures, poisoned jobs parked as dead, parts of a job kept, prompt recovery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DataError, transaction
from django.utils import timezone

from response.core.models import TimelineEvent
from response.engine import health, operations, runner
from response.engine.kinds import KINDS, Failed, Incomplete, Priority, Retry, job_kind
from response.engine.models import Job
from response.engine.queue import enqueue
from response.engine.tasks import prune_jobs_task
from tests.factories import declare

pytestmark = pytest.mark.django_db

done: list[tuple[str, int]] = []
behaviour: dict[int, object] = {}  # n -> an exception to raise, or a callable


def act(kind: str, n: int) -> dict:
    what = behaviour.get(n)
    if isinstance(what, BaseException):
        raise what
    if callable(what):
        what()
    done.append((kind, n))
    return {"n": n}


@pytest.fixture(autouse=True)
def kinds():
    """Two kinds for these tests: one that talks to a remote service, one that only writes."""
    done.clear()
    behaviour.clear()
    with KINDS.isolated():

        @job_kind("test.remote")
        @dataclass(frozen=True)
        class Remote:
            n: int

            def perform(self, job):
                return act("remote", self.n)

        @job_kind("test.local", priority=Priority.INBOUND, transactional=True)
        @dataclass(frozen=True)
        class Local:
            n: int

            def perform(self, job):
                return act("local", self.n)

        yield {"remote": Remote, "local": Local}


def add(kinds, kind: str, n: int, *, lane: str = "lane-a", key: str | None = None, at=None):
    enqueue(kinds[kind](n=n), lane=lane, key=key, at=at)


def run(lane: str = "lane-a") -> runner.SliceResult:
    total = 0
    while True:
        result = runner.run_slice(lane, seconds=30)
        total += result.done
        if not result.more:
            return runner.SliceResult(total, wait_until=result.wait_until)


def job(n: int) -> Job:
    return Job.objects.get(payload__n=n)


@pytest.mark.parametrize("kind", ["remote", "local"])
def test_a_lane_runs_in_order(kinds, kind):
    for n in range(5):
        add(kinds, kind, n)
    assert run().done == 5
    assert done == [(kind, n) for n in range(5)]
    assert set(Job.objects.values_list("state", flat=True)) == {"done"}


def test_kinds_may_share_a_lane_and_keep_its_order(kinds):
    for n, kind in enumerate(["local", "local", "remote", "local", "remote"]):
        add(kinds, kind, n)
    run()
    assert [n for _, n in done] == [0, 1, 2, 3, 4]


def test_pending_jobs_with_the_same_key_coalesce(kinds):
    add(kinds, "remote", 1, key="headline:1")
    add(kinds, "remote", 2, key="headline:1")
    assert Job.objects.count() == 1
    run()
    assert done == [("remote", 1)]
    # Once started, a job no longer absorbs new changes: they queue a fresh one.
    add(kinds, "remote", 3, key="headline:1")
    assert Job.objects.filter(state="pending").count() == 1


def test_a_rescheduled_job_moves_instead_of_being_added(kinds):
    soon = timezone.now() + timedelta(minutes=5)
    enqueue(kinds["local"](n=1), lane="r", key="reminder:1", at=soon)
    enqueue(kinds["local"](n=2), lane="r", key="reminder:1", at=timezone.now(), reschedule=True)
    [moved] = Job.objects.all()
    assert moved.payload == {"n": 2} and moved.not_before <= timezone.now()


def test_a_job_due_later_waits_and_says_until_when(kinds):
    later = timezone.now() + timedelta(minutes=5)
    add(kinds, "remote", 1, at=later)
    assert run() == runner.SliceResult(0, wait_until=later)
    assert done == []


def test_a_remote_job_held_by_another_worker_is_taken_over_when_its_lease_ends(kinds):
    add(kinds, "remote", 1)
    Job.objects.update(claimed_until=timezone.now() + timedelta(minutes=1), claimed_by="other")
    assert run().done == 0  # held by a worker that may be alive
    Job.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert run().done == 1
    assert job(1).attempts == 1 and done == [("remote", 1)]


@pytest.mark.parametrize("kind", ["remote", "local"])
def test_a_remote_service_down_holds_the_lane_in_order_without_counting_failures(kinds, kind):
    add(kinds, kind, 1)
    add(kinds, kind, 2)
    behaviour[1] = Retry("Slack is down", remote="slack")
    result = run()
    assert result.done == 0 and result.wait_until is not None
    waiting = job(1)
    assert (waiting.state, waiting.failures, waiting.waiting_on) == ("pending", 0, "slack")
    assert job(2).state == "pending"  # behind it, in order
    del behaviour[1]
    # Slack answers again: everything waiting for it is due at once, not after its backoff.
    health.failed("slack")
    health.answered("slack")
    assert run().done == 2
    assert done == [(kind, 1), (kind, 2)]


def test_a_rate_limit_waits_for_retry_after(kinds):
    add(kinds, "remote", 1)
    behaviour[1] = Retry("rate limited", delay=30)
    before = timezone.now()
    run()
    assert job(1).not_before >= before + timedelta(seconds=30)


@pytest.mark.parametrize("kind", ["remote", "local"])
def test_a_job_that_keeps_failing_is_parked_as_dead_and_stops_holding_its_lane(
    kinds, kind, settings
):
    settings.RESPONSE_JOB_MAX_FAILURES = 3
    add(kinds, kind, 1)
    add(kinds, kind, 2)
    behaviour[1] = ValueError("a bug")
    for attempt in range(1, 3):
        assert run().done == 0
        failing = job(1)
        assert (failing.state, failing.failures) == ("pending", attempt)
        assert "a bug" in failing.last_error
        assert failing.not_before > timezone.now()  # 1 s, then 2 s, ...
        Job.objects.filter(pk=failing.pk).update(not_before=timezone.now())
    assert run().done == 1  # the third failure parks it; the lane goes on
    assert (job(1).state, job(2).state) == ("dead", "done")
    assert done == [(kind, 2)]


def test_a_job_that_can_never_succeed_is_dead_at_once(kinds):
    add(kinds, "remote", 1)
    add(kinds, "remote", 2)
    behaviour[1] = Failed("channel_not_found")
    assert run().done == 1
    assert (job(1).state, job(1).last_error) == ("dead", "channel_not_found")


@pytest.mark.parametrize("kind", ["remote", "local"])
def test_a_job_whose_writes_the_database_refuses_is_dead_at_once(kinds, kind):
    """A value longer than its column (PostgreSQL says so; SQLite does not check): the same
    payload would be refused again, so retrying it would only hold its lane."""
    add(kinds, kind, 1)
    add(kinds, kind, 2)
    behaviour[1] = DataError("value too long for type character varying(128)")
    assert run().done == 1
    assert (job(1).state, job(1).failures) == ("dead", 1)
    assert job(2).state == "done"


def test_a_payload_that_does_not_fit_its_kind_is_dead(kinds):
    Job.objects.create(kind="test.remote", lane="lane-a", payload={"n": 1, "unknown": True})
    Job.objects.create(kind="test.gone", lane="lane-a", payload={})
    add(kinds, "remote", 2)
    assert run().done == 1
    assert list(Job.objects.order_by("id").values_list("state", flat=True)) == [
        "dead",
        "dead",
        "done",
    ]


def test_a_failing_transactional_job_leaves_nothing_behind(kinds):
    incident = declare()

    def half_way():
        TimelineEvent.objects.create(incident=incident, text="half", kind="note")
        raise RuntimeError("then it broke")

    add(kinds, "local", 1)
    add(kinds, "local", 2)
    behaviour[1] = half_way
    run()
    assert not TimelineEvent.objects.filter(text="half").exists()
    assert job(2).state == "pending"  # still behind the failing one


def test_parts_of_a_job_that_were_done_stay_done(kinds):
    """An event's handlers run on their own: a retry runs only the ones that failed."""
    incident = declare()
    attempts = []

    def parts():
        progress = attempts[-1] if attempts else ()
        attempts.append(progress)
        if "first" not in progress:
            TimelineEvent.objects.create(incident=incident, text="first part", kind="note")
        raise Incomplete(progress=["first"], cause=RuntimeError("second part failed"))

    add(kinds, "local", 1)
    behaviour[1] = parts
    run()
    failed = job(1)
    assert failed.result == {"progress": ["first"]} and failed.failures == 1
    assert TimelineEvent.objects.filter(text="first part").count() == 1


def test_a_batch_of_transactional_jobs_commits_once(kinds, django_assert_num_queries):
    jobs = runner.BATCH - 1  # fewer than a batch holds: the lane is seen to be drained
    for n in range(jobs):
        add(kinds, "local", n)
    # A try at claiming the head as a remote job, the head; the transaction (a savepoint, in a
    # test), the batch (locked), a savepoint per job (create and release), one UPDATE for every
    # job done, the commit. The lane had nothing else: nobody looks at it again.
    with django_assert_num_queries(2 + 1 + 1 + jobs * 2 + 1 + 1):
        assert runner.run_slice("lane-a", seconds=30) == runner.SliceResult(jobs)


def test_a_job_failing_in_a_batch_undoes_only_its_own_writes(kinds):
    """Each job of a batch runs in its own savepoint: the jobs before the failing one commit,
    the failing one's writes are undone, and it holds the lane until its retry."""
    incident = declare()

    def writes(n: int, fails: bool = False):
        def write() -> None:
            TimelineEvent.objects.create(incident=incident, text=f"job {n}", kind="note")
            if fails:
                raise RuntimeError("then it broke")

        return write

    for n in range(1, 5):
        add(kinds, "local", n)
        behaviour[n] = writes(n, fails=n == 3)
    result = runner.run_slice("lane-a", seconds=30)
    assert result.done == 2 and result.wait_until is not None
    assert [job(n).state for n in range(1, 5)] == ["done", "done", "pending", "pending"]
    assert job(3).failures == 1 and "then it broke" in job(3).last_error
    texts = TimelineEvent.objects.filter(text__startswith="job ").values_list("text", flat=True)
    assert sorted(texts) == ["job 1", "job 2"]


def test_lanes_are_independent(kinds):
    add(kinds, "remote", 1, lane="incident:1")
    add(kinds, "remote", 2, lane="incident:2")
    behaviour[1] = Retry("Slack is down", remote="slack")
    run("incident:1")
    assert run("incident:2").done == 1


def test_the_sweep_finds_due_lanes_nobody_holds(kinds):
    add(kinds, "remote", 1, lane="a")
    add(kinds, "local", 2, lane="b")
    add(kinds, "remote", 3, lane="c", at=timezone.now() + timedelta(hours=1))
    add(kinds, "remote", 4, lane="d")
    Job.objects.filter(lane="d").update(
        claimed_until=timezone.now() + timedelta(minutes=1), claimed_by="alive"
    )
    assert runner.lanes_due() == {"a": Priority.VISIBLE, "b": Priority.INBOUND}


def test_finished_jobs_are_pruned_after_a_week_dead_ones_are_kept(kinds):
    add(kinds, "remote", 1)
    add(kinds, "remote", 2, lane="b")
    behaviour[2] = Failed("no")
    run()
    run("b")
    Job.objects.update(done_at=timezone.now() - timedelta(days=8))
    assert prune_jobs_task.call_local() == 1
    assert list(Job.objects.values_list("state", flat=True)) == ["dead"]


def test_dead_jobs_can_be_retried_or_discarded(kinds, capsys):
    add(kinds, "remote", 1, lane="a")
    add(kinds, "remote", 2, lane="b")
    behaviour[1] = behaviour[2] = Failed("not_in_channel")
    run("a")
    run("b")
    call_command("jobs")
    listed = capsys.readouterr().out
    assert "test.remote" in listed and "not_in_channel" in listed and "dead jobs (2" in listed
    behaviour.clear()
    call_command("jobs", "retry", str(job(1).pk))
    call_command("jobs", "discard", "--all-dead")
    assert (job(1).state, job(2).state) == ("pending", "cancelled")
    assert run("a").done == 1
    assert operations.retry(Job.objects.all()) == 0  # nothing dead left


def test_work_enqueued_inside_a_transaction_that_rolls_back_never_exists(kinds):
    with pytest.raises(RuntimeError), transaction.atomic():
        add(kinds, "remote", 1)
        raise RuntimeError("the change failed")
    assert not Job.objects.exists()
