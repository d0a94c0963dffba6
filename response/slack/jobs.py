"""The durable, ordered work queue behind every Slack call and every delivered event.

A job is a row (`Job`), written before anyone is told about it, so a crash or restart loses
nothing. Huey only carries the nudge "lane X has work"; a periodic sweep re-nudges lanes whose
nudge was lost (worker killed mid-job: its lease expires and the job runs again).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from response.slack.models import Job
from response.slack.registry import Registry

logger = logging.getLogger(__name__)

# How long a worker may hold a job before another may take it over (it died, presumably).
LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 12
MAX_BACKOFF_SECONDS = 300


class Retry(Exception):
    """Raised by a job to be tried again after `delay` seconds (rate limit, outage)."""

    def __init__(self, reason: str, *, delay: float | None = None):
        super().__init__(reason)
        self.delay = delay  # None: back off exponentially with the number of attempts


class Failed(Exception):
    """Raised by a job that can never succeed (Slack said no for good); logged, not retried."""


Performer = Callable[[Job], dict | None]
JOB_KINDS: Registry[Performer] = Registry("job kind")


def job_kind(name: str) -> Callable[[Performer], Performer]:
    def register(performer: Performer) -> Performer:
        JOB_KINDS.register(name, performer)
        return performer

    return register


def backoff_seconds(attempts: int) -> float:
    ceiling = getattr(settings, "RESPONSE_SLACK_MAX_BACKOFF", MAX_BACKOFF_SECONDS)
    return min(2 ** max(attempts - 1, 0), ceiling)


def enqueue(lane: str, kind: str, payload: dict, *, key: str | None = None) -> Job:
    """Add a job (or return the pending one with the same key) and nudge its lane after commit."""
    if key and (pending := Job.objects.filter(key=key, state=Job.State.PENDING).first()):
        return pending
    try:
        with transaction.atomic():
            job = Job.objects.create(lane=lane, kind=kind, payload=payload, key=key)
    except IntegrityError:
        pending = Job.objects.filter(key=key, state=Job.State.PENDING).first()
        if pending is None:
            raise
        return pending
    transaction.on_commit(lambda: kick(lane))
    return job


def kick(lane: str, *, delay: float | None = None) -> None:
    from response.slack.tasks import run_lane_task

    if delay:
        run_lane_task.schedule((lane,), delay=delay)
    else:
        run_lane_task(lane)


def claim_next(lane: str) -> Job | None:
    """Take the oldest pending job of the lane, if it is due and nobody holds it."""
    now = timezone.now()
    head = (
        Job.objects.filter(lane=lane, state=Job.State.PENDING)
        .order_by("id")
        .only("id", "not_before", "claimed_until")
        .first()
    )
    if head is None or head.not_before > now:
        return None
    if head.claimed_until and head.claimed_until > now:
        return None
    unclaimed = (
        Q(claimed_until__isnull=True)
        if head.claimed_until is None
        else Q(claimed_until=head.claimed_until)
    )
    # A conditional UPDATE: of two workers racing for the same job, exactly one wins. The key is
    # released, so changes made from now on queue a fresh job instead of joining this one.
    won = Job.objects.filter(unclaimed, pk=head.pk, state=Job.State.PENDING).update(
        claimed_until=now + LEASE, key=None, attempts=F("attempts") + 1
    )
    return Job.objects.get(pk=head.pk) if won else None


def run_lane(lane: str) -> int:
    """Run the lane's due jobs in order until it is empty or a job must wait. Returns jobs done."""
    done = 0
    while job := claim_next(lane):
        try:
            result = JOB_KINDS.get(job.kind)(job)
        except Retry as retry:
            delay = retry.delay if retry.delay is not None else backoff_seconds(job.attempts)
            _release(job, delay=delay, error=str(retry))
            return done
        except Failed as failure:
            logger.warning("Slack job %s (%s) failed for good: %s", job.pk, job.kind, failure)
            _finish(job, state=Job.State.FAILED, error=str(failure))
            continue
        except Exception as error:
            if job.attempts >= MAX_ATTEMPTS:
                logger.exception(
                    "Slack job %s (%s) gave up after %s attempts", job.pk, job.kind, job.attempts
                )
                _finish(job, state=Job.State.FAILED, error=repr(error))
                continue
            logger.exception("Slack job %s (%s) failed; will retry", job.pk, job.kind)
            _release(job, delay=backoff_seconds(job.attempts), error=repr(error))
            return done
        _finish(job, state=Job.State.DONE, result=result or {})
        done += 1
    return done


def _release(job: Job, *, delay: float, error: str) -> None:
    Job.objects.filter(pk=job.pk).update(
        claimed_until=None,
        not_before=timezone.now() + timedelta(seconds=delay),
        last_error=error[:2000],
    )
    kick(job.lane, delay=delay)


def _finish(job: Job, *, state: str, result: dict | None = None, error: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(
        state=state,
        claimed_until=None,
        done_at=timezone.now(),
        result=result or {},
        last_error=error[:2000],
    )


def lanes_needing_work() -> list[str]:
    """Lanes with a due job that nobody holds: their nudge was lost, or their holder died."""
    now = timezone.now()
    return list(
        Job.objects.filter(state=Job.State.PENDING, not_before__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .values_list("lane", flat=True)
        .distinct()
    )


def prune_finished(*, older_than_days: int) -> int:
    from response.slack.models import InboundDelivery

    cutoff = timezone.now() - timedelta(days=older_than_days)
    done, _ = Job.objects.filter(
        state__in=[Job.State.DONE, Job.State.FAILED], done_at__lt=cutoff
    ).delete()
    seen, _ = InboundDelivery.objects.filter(received_at__lt=cutoff).delete()
    return done + seen
