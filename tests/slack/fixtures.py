"""Fixtures for Slack tests: a fakeslack workspace wired to Response's real HTTP endpoint (or
Socket Mode), and the real work engine running in threads."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from fakeslack import FakeSlack
from response.engine.models import Job
from response.engine.pool import Engine
from response.slack import http
from response.slack.inbox import EVENT_INBOX

# Slack gives up on an answer, and on a modal's trigger id, after 3 s. Tests allow Response more:
# they assert what it did, and a first request on a loaded machine (imports, the Bolt app built)
# can take longer than that. How fast it answers is measured by bench/slack_ack.py and
# bench/slack_engine.py.
ACK_TIMEOUT = 15.0


def configure_app(slack: FakeSlack, **config) -> None:
    """Where fakeslack delivers (`FakeSlack.configure_app`), with the tests' allowances."""
    slack.configure_app(ack_timeout=ACK_TIMEOUT, **config)
    slack.state.trigger_ttl = ACK_TIMEOUT


@dataclass
class Worker:
    engine: Engine

    def idle(self, timeout: float = 10.0, soon: float = 0.0) -> bool:
        """Wait until no job is due or running (for negative assertions). Jobs due later (a
        reminder tomorrow) do not count; with `soon`, jobs due within that many seconds do (a
        debounced headline edit, a retry after a timeout on a loaded machine)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._quiet(soon):
                time.sleep(0.05)
                if self._quiet(soon):
                    return True
            time.sleep(0.05)
        return False

    def settled(self, timeout: float = 60.0) -> bool:
        """Wait until nothing is left to do soon: for positive assertions on what the work ends
        with."""
        return self.idle(timeout, soon=10.0)

    def _quiet(self, soon: float = 0.0) -> bool:
        due = Job.objects.filter(
            state=Job.State.PENDING, not_before__lte=timezone.now() + timedelta(seconds=soon)
        )
        return self.engine.idle() and not due.exists()


@pytest.fixture
def worker(transactional_db) -> Iterator[Worker]:
    """The work engine's threads, in this process (as `response run` runs them)."""
    engine = Engine(threads=4, sweep_seconds=0.5).start()
    yield Worker(engine)
    engine.stop()
    EVENT_INBOX.release_connection()


@pytest.fixture
def slack(fakeslack: FakeSlack, live_server, settings, worker) -> Iterator[FakeSlack]:
    """fakeslack delivering to Response's /slack/events over signed HTTP, worker running."""
    settings.SLACK_BOT_TOKEN = fakeslack.bot_token
    settings.SLACK_SIGNING_SECRET = fakeslack.signing_secret
    settings.SLACK_APP_TOKEN = ""
    settings.SLACK_API_URL = fakeslack.api_url
    settings.SITE_URL = "https://response.example.com"
    settings.RESPONSE_SLACK_MAX_BACKOFF = 1
    http.reset()
    configure_app(fakeslack, request_url=f"{live_server.url}/slack/events")
    yield fakeslack
    http.reset()
    EVENT_INBOX.release_connection()
