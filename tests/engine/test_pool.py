"""The engine's threads: every wake-up reaches a thread that runs lanes."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest

from response.engine.kinds import KINDS, Priority, job_kind
from response.engine.pool import Engine
from response.engine.queue import enqueue

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_single_wake_up_is_never_taken_by_the_sweeper():
    """One wake-up wakes one waiting thread. The sweeper waited on the same condition, and a
    wake-up that reached it was lost: the lane waited for the next sweep (seen with two
    `response worker` processes, where each wake-up reaches one of them: 3.9–4.9 s in one idle
    mention of ten, `bench/slack_engine.py --split … --workers 2 --only idle`). Which thread
    waited longest depends on timing, so this wakes forty lanes one at a time."""
    ran = {n: threading.Event() for n in range(40)}
    with KINDS.isolated():

        @job_kind("test.mark", priority=Priority.VISIBLE)
        @dataclass(frozen=True)
        class Mark:
            n: int

            def perform(self, job):
                ran[self.n].set()
                return {}

        engine = Engine(threads=1, sweep_seconds=60).start()  # no sweep during the test
        try:
            for n in ran:  # which thread waited longest varies: try it many times
                enqueue(Mark(n=n), lane=f"lane-{n}")
                # Lost, it would wait for the sweep, a minute away.
                assert ran[n].wait(10), f"lane {n}'s wake-up was lost"
                time.sleep(0.01)
        finally:
            engine.stop()
