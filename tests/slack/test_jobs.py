"""The job lanes underneath every Slack call: order, coalescing, claims, pruning."""

from datetime import timedelta

import pytest
from django.utils import timezone

from response.slack import jobs
from response.slack.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def performed(django_capture_on_commit_callbacks):
    done = []

    def perform(job):
        done.append(job.payload["n"])
        return {"n": job.payload["n"]}

    with jobs.JOB_KINDS.override("test", perform):
        yield done


def add(n, lane="lane-a", key=None):
    job = Job.objects.create(lane=lane, kind="test", payload={"n": n}, key=key)
    return job


def test_a_lane_runs_in_order(performed):
    for n in range(5):
        add(n)
    assert jobs.run_lane("lane-a") == 5
    assert performed == [0, 1, 2, 3, 4]
    assert set(Job.objects.values_list("state", flat=True)) == {"done"}


def test_pending_jobs_with_the_same_key_coalesce(performed):
    first = jobs.enqueue("lane-a", "test", {"n": 1}, key="headline:1")
    again = jobs.enqueue("lane-a", "test", {"n": 2}, key="headline:1")
    assert first.pk == again.pk
    jobs.run_lane("lane-a")
    assert performed == [1]
    # Once taken by a worker, a job no longer absorbs new changes: they queue a fresh one.
    third = jobs.enqueue("lane-a", "test", {"n": 3}, key="headline:1")
    assert third.pk != first.pk


def test_a_claimed_job_is_not_taken_twice_until_its_lease_expires():
    add(1)
    claimed = jobs.claim_next("lane-a")
    assert claimed is not None
    assert jobs.claim_next("lane-a") is None
    Job.objects.filter(pk=claimed.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    retaken = jobs.claim_next("lane-a")
    assert retaken.pk == claimed.pk and retaken.attempts == 2
    assert "lane-a" not in jobs.lanes_needing_work()


def test_a_retry_holds_the_lane_and_a_failure_does_not(django_capture_on_commit_callbacks):
    calls = []

    def flaky(job):
        calls.append(job.payload["n"])
        if job.payload["n"] == 1:
            raise jobs.Retry("Slack is down", delay=60)
        if job.payload["n"] == 2:
            raise jobs.Failed("channel_not_found")
        return None

    with jobs.JOB_KINDS.override("test", flaky):
        add(1, lane="b")
        add(2, lane="c")
        add(3, lane="c")
        jobs.run_lane("b")
        jobs.run_lane("c")
    assert calls == [1, 2, 3]
    assert Job.objects.get(payload__n=1).state == "pending"
    assert Job.objects.get(payload__n=1).not_before > timezone.now() + timedelta(seconds=50)
    assert Job.objects.get(payload__n=2).state == "failed"
    assert Job.objects.get(payload__n=3).state == "done"


def test_backoff_grows_and_is_capped(settings):
    settings.RESPONSE_SLACK_MAX_BACKOFF = 300
    assert [jobs.backoff_seconds(n) for n in (1, 2, 3, 10, 20)] == [1, 2, 4, 300, 300]


def test_finished_jobs_are_pruned_after_a_week(performed):
    add(1)
    jobs.run_lane("lane-a")
    assert jobs.prune_finished(older_than_days=7) == 0
    Job.objects.update(done_at=timezone.now() - timedelta(days=8))
    assert jobs.prune_finished(older_than_days=7) == 1
