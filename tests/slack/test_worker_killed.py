"""A worker killed with SIGKILL at random moments and started again: every delivered event,
every Slack call and every reminder takes effect exactly once, and none is lost.

The worker is a real `response worker` process on the test's database; Response's web side
(the live server) records Slack's deliveries and wakes it through the queue, as in production.
"""

from __future__ import annotations

import importlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from response.core.models import Action, Incident
from response.engine.models import Job
from response.slack import http
from response.slack.decorators import isolated_registries
from response.slack.models import CommsChannel, HeadlinePost
from tests.slack.fixtures import configure_app

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = "tests.slack.kill_plugin"
FOLLOW_UP = "📝 Follow-up action recorded: "
KILLS = 8

pytestmark = pytest.mark.slow


def database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = f"{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}"
    return f"postgres://{s.get('USER') or 'postgres'}{password}@{host}/{s['NAME']}"


class WorkerProcess:
    """`response worker` in a subprocess, killed with SIGKILL and started again on demand."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def ready(self) -> bool:
        """The current process has said it started (its engine is running)."""
        return self.log.read_text(errors="replace").count("Response worker started") > self.kills

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "response", "worker", "--workers", "4"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@pytest.fixture
def worker_process(fakeslack, live_server, settings, tmp_path):
    settings.SLACK_BOT_TOKEN = fakeslack.bot_token
    settings.SLACK_SIGNING_SECRET = fakeslack.signing_secret
    settings.SLACK_APP_TOKEN = ""
    settings.SLACK_API_URL = fakeslack.api_url
    settings.SITE_URL = "https://response.example.com"
    http.reset()
    configure_app(fakeslack, request_url=f"{live_server.url}/slack/events")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "response.settings",
        "DATABASE_URL": database_url(),
        "RESPONSE_DATA_DIR": str(django_settings.DATA_DIR),
        "RESPONSE_QUEUE_URL": django_settings.RESPONSE_QUEUE_URL,
        "SLACK_BOT_TOKEN": fakeslack.bot_token,
        "SLACK_SIGNING_SECRET": fakeslack.signing_secret,
        "SLACK_API_URL": fakeslack.api_url,
        "SITE_URL": "https://response.example.com",
        "RESPONSE_PLUGINS": PLUGIN,
        "RESPONSE_JOB_LEASE_SECONDS": "2",
        "RESPONSE_SLACK_MAX_BACKOFF": "1",
        "RESPONSE_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("SLACK_APP_TOKEN", None)
    worker = WorkerProcess(env, tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()
    http.reset()


def declare(slack, title: str) -> None:
    alice = slack.actor("alice")
    assert alice.slash_command("/incident", title, channel="general").ok
    view = slack.open_views(slack.user_id("alice"))[-1]
    assert alice.submit_view(view["id"], {}).ok


def test_a_worker_killed_at_random_moments_does_everything_exactly_once(
    slack_plugin, fakeslack, worker_process
):
    slack = fakeslack
    random.seed(20261129)
    declare(slack, "Payments are failing")
    declare(slack, "Search is slow")
    channels = slack.wait_for(
        lambda: (
            list(CommsChannel.objects.order_by("id")) if CommsChannel.objects.count() == 2 else None
        ),
        timeout=30,
    )
    for channel in channels:
        slack.actor("bob").join(channel.channel_id)
    # Slack applies posts and reactions at once but answers a little late: a kill in that window
    # leaves a message posted that the killed worker never recorded.
    for method in ("chat.postMessage", "reactions.add"):
        slack.faults.add(method=method, lose_answer="late", delay=0.25)

    done = threading.Event()

    def keep_killing() -> None:
        """Kill the worker a random moment after it started working, eight times."""
        for _ in range(KILLS):
            deadline = time.monotonic() + 30
            while not worker_process.ready() and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(random.uniform(0.05, 0.6))
            worker_process.kill()
            worker_process.start()
        done.set()

    killer = threading.Thread(target=keep_killing, daemon=True)
    killer.start()
    mentions: dict[str, tuple[str, str]] = {}
    try:
        n = 0
        while not done.is_set() and n < 200:
            channel = channels[n % 2].channel_id
            text = f"item {n}"
            mentions[text] = (
                channel,
                slack.actor("bob").post_message(channel, f"<@{slack.bot_user_id}> action {text}"),
            )
            if n == 10:
                declare(slack, "Logins are failing")  # its channel, headline and reminder too
            n += 1
            time.sleep(random.uniform(0.02, 0.15))
    finally:
        killer.join(timeout=120)
    assert worker_process.kills == KILLS

    # Let the last worker finish everything (a killed worker's leases run out after 2 s).
    slack.wait_for(lambda: _settled(slack, len(mentions)), timeout=90)

    retried = Job.objects.filter(attempts__gte=2).count()
    print(f"{worker_process.kills} kills, {len(mentions)} commands, {retried} jobs tried again")
    assert retried, "no kill interrupted a job: the test proved nothing"
    assert not Job.objects.filter(state="dead").exists(), list(
        Job.objects.filter(state="dead").values("kind", "last_error")
    )
    # Events: each command applied once.
    assert sorted(Action.objects.values_list("text", flat=True)) == sorted(mentions)
    # Slack calls: one channel, one headline post and one welcome per incident; one follow-up
    # message and one ✅ per command.
    incidents = list(Incident.objects.all())
    assert CommsChannel.objects.count() == HeadlinePost.objects.count() == 3
    ours = [c for c in slack.channels() if c.get("name", "").startswith("inc-")]
    assert len(ours) == 3, [c["name"] for c in ours]
    assert len(slack.messages(slack.channel_id("incidents"))) == 3
    for text, (channel, ts) in mentions.items():
        assert len([m for m in slack.messages(channel) if m.get("text") == FOLLOW_UP + text]) == 1
        [reaction] = slack.message(channel, ts)["reactions"]
        assert reaction["name"] == "white_check_mark"
    # Reminders: each sent once.
    for incident in incidents:
        channel = CommsChannel.objects.get(incident=incident).channel_id
        texts = [m.get("text") for m in slack.messages(channel)]
        assert texts.count(f"⏰ A reminder for incident #{incident.pk}") == 1
        assert len([t for t in texts if t and t.startswith("👋 This is the channel")]) == 1


def _settled(slack, actions: int) -> bool:
    due = Job.objects.filter(state="pending", not_before__lte=timezone.now())
    return Action.objects.count() == actions and Incident.objects.count() == 3 and not due.exists()


@pytest.fixture
def slack_plugin():
    """The plugin, registered in this process too (declaring schedules its reminder here)."""
    with isolated_registries():
        sys.modules.pop(PLUGIN, None)
        yield importlib.import_module(PLUGIN)
        sys.modules.pop(PLUGIN, None)
