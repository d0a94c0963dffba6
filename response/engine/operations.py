"""What people do with the engine's jobs: look at them, retry the dead, discard them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min
from django.utils import timezone

from response.engine.models import Job
from response.engine.queue import wake


@dataclass(frozen=True)
class Overview:
    counts: dict[tuple[str, str], int]  # (kind, state) -> jobs
    oldest_pending: datetime | None
    oldest_due: datetime | None
    dead: list[Job]


def overview(*, dead_limit: int = 50) -> Overview:
    counts = {
        (row["kind"], row["state"]): row["n"]
        for row in Job.objects.values("kind", "state").annotate(n=Count("id"))
    }
    pending = Job.objects.filter(state=Job.State.PENDING)
    return Overview(
        counts=counts,
        oldest_pending=pending.aggregate(at=Min("created_at"))["at"],
        oldest_due=pending.filter(not_before__lte=timezone.now()).aggregate(at=Min("not_before"))[
            "at"
        ],
        dead=list(
            Job.objects.filter(state=Job.State.DEAD, done_at__isnull=False).order_by("-done_at")[
                :dead_limit
            ]
        ),
    )


def retry(jobs) -> int:
    """Make dead jobs pending again, due now; their lanes run them in id order as before."""
    now = timezone.now()
    dead = jobs.filter(state=Job.State.DEAD)
    lanes = dict(dead.values_list("lane", "priority"))
    count = dead.update(
        state=Job.State.PENDING, failures=0, not_before=now, done_at=None, waiting_on=""
    )
    if lanes:
        wake({lane: (priority, now) for lane, priority in lanes.items()})
    return count


def discard(jobs) -> int:
    """Give up on dead jobs for good (they stay listed as cancelled until pruned)."""
    return jobs.filter(state=Job.State.DEAD).update(
        state=Job.State.CANCELLED, done_at=timezone.now()
    )
