"""Remote services that are down, and waking everything that waits for them when they answer.

A job that failed because a remote service is unavailable waits for it (`Job.waiting_on`) with a
growing backoff. When the service answers again (any call succeeds in this process, or the
sweep's probe does) every job waiting for it is released at once: an outage ends for all lanes
within seconds of the service coming back, not after each lane's own backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db.models import Min
from django.utils import timezone

from response.engine.models import Job
from response.engine.queue import wake
from response.registry import Registry

logger = logging.getLogger(__name__)

# How often the sweep may ask a service that jobs are waiting for whether it is back.
PROBE_SECONDS = 5.0

# A cheap call per remote service that raises when the service is unavailable.
PROBES: Registry[Callable[[], None]] = Registry("remote probe")

_down: set[str] = set()
_lock = threading.Lock()
_last_probe: dict[str, float] = {}


def forget() -> None:
    """Tests start each time with every service up."""
    with _lock:
        _down.clear()
        _last_probe.clear()


def failed(remote: str) -> None:
    """A call to `remote` failed because it is unavailable."""
    if remote:
        with _lock:
            _down.add(remote)


def answered(remote: str) -> None:
    """A call to `remote` succeeded: if it was down, release what waits for it."""
    if remote not in _down:  # the common case, without the lock
        return
    with _lock:
        if remote not in _down:
            return
        _down.discard(remote)
    release(remote)


def release(remote: str) -> int:
    """Make every job waiting for `remote` due now, and wake their lanes."""
    now = timezone.now()
    waiting = Job.objects.filter(state=Job.State.PENDING, waiting_on=remote)
    lanes = dict(waiting.values_list("lane").annotate(priority=Min("priority")))
    if not lanes:
        return 0
    waiting.filter(not_before__gt=now).update(not_before=now)
    logger.info("%s answers again: %s waiting lanes resume", remote, len(lanes))
    wake({lane: (priority, now) for lane, priority in lanes.items()})
    return len(lanes)


def probe_waiting_remotes() -> None:
    """For each service jobs are waiting for, at most every PROBE_SECONDS: is it back?"""
    remotes = set(
        Job.objects.filter(state=Job.State.PENDING)
        .exclude(waiting_on="")
        .values_list("waiting_on", flat=True)
        .distinct()
    )
    for remote in remotes:
        probe = PROBES.find(remote)
        if probe is None:
            continue
        now = time.monotonic()
        if now - _last_probe.get(remote, 0.0) < PROBE_SECONDS:
            continue
        _last_probe[remote] = now
        try:
            probe()
        except Exception as error:
            logger.info("%s is still unavailable: %s", remote, error)
            continue
        with _lock:
            _down.discard(remote)
        release(remote)
