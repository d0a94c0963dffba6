"""Fixtures for Slack tests: a fakeslack workspace wired to Response's real HTTP endpoint (or
Socket Mode), and a real Huey consumer running the worker in threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from huey.consumer import Consumer

from fakeslack import FakeSlack
from response.slack import http
from response.slack.inbox import EVENT_INBOX
from response.slack.models import Job


class ThreadConsumer(Consumer):
    """Huey's own consumer, run in a thread: signal handlers belong to the main thread."""

    def _set_signal_handlers(self):
        pass


@dataclass
class Worker:
    consumer: ThreadConsumer
    thread: threading.Thread

    def idle(self, timeout: float = 10.0) -> bool:
        """Wait until no Slack job is pending and none is due (for negative assertions)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not Job.objects.filter(state=Job.State.PENDING).exists():
                time.sleep(0.05)
                if not Job.objects.filter(state=Job.State.PENDING).exists():
                    return True
            time.sleep(0.05)
        return False


@pytest.fixture
def worker(transactional_db) -> Iterator[Worker]:
    from huey.contrib.djhuey import HUEY

    from response.serving import create_consumer  # noqa: F401  (registers the tasks)

    HUEY.flush()
    consumer = HUEY.create_consumer(
        workers=4,
        worker_type="thread",
        periodic=False,
        initial_delay=0.02,
        backoff=1.0,
        max_delay=0.05,
        check_worker_health=False,
    )
    consumer.__class__ = ThreadConsumer
    thread = threading.Thread(target=consumer.run, name="test-huey", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not all(process.is_alive() for _, process in consumer.worker_threads):
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.01)
    yield Worker(consumer, thread)
    consumer.stop(graceful=True)
    consumer.stop_flag.set()
    thread.join(timeout=10)
    HUEY.flush()
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
    fakeslack.configure_app(request_url=f"{live_server.url}/slack/events")
    yield fakeslack
    http.reset()
    EVENT_INBOX.release_connection()
