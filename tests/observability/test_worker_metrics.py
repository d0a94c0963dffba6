"""`response worker --metrics-port`: the worker, which serves no web pages, shows Prometheus its
own counters (the Slack calls it made) and the database's gauges on a port of its own."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tests.observability.scraping import get
from tests.processes import Running, clean_environment

RESPONSE = str(Path(sys.executable).parent / "response")

QUEUE_A_MESSAGE = """
from django.db import transaction
from response.core import verbs
from response.slack.outbound.outbox import post_message
verbs.declare_incident(title="Queue is slow", severity="major")
with transaction.atomic():
    post_message("{channel}", text="hello from the worker")
"""


def test_the_worker_serves_its_counters_and_the_gauges(tmp_path, fakeslack):
    env = clean_environment(
        RESPONSE_DATA_DIR=str(tmp_path),
        RESPONSE_QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        SLACK_BOT_TOKEN=fakeslack.bot_token,
        SLACK_SIGNING_SECRET=fakeslack.signing_secret,
        SLACK_API_URL=fakeslack.api_url,
        RESPONSE_AUTO_CREATE_CHANNEL="0",
    )
    migrate = [RESPONSE, "migrate", "--verbosity", "0"]
    done = subprocess.run(migrate, env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    code = QUEUE_A_MESSAGE.format(channel=fakeslack.channel_id("general"))
    done = subprocess.run(
        [RESPONSE, "shell", "--no-imports", "-c", code], env=env, capture_output=True, timeout=300
    )
    assert done.returncode == 0, done.stderr

    with Running([RESPONSE, "worker", "--metrics-port", "0"], env=env) as worker:
        url = worker.wait_for_line(r"Metrics for Prometheus at (http://\S+)").group(1)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status, text = get(url)
            assert status == 200, text
            if 'response_slack_api_calls_total{method="chat.postMessage",outcome="ok"}' in text:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"the worker's call was not counted:\n{text}")
        assert 'response_incidents_open{severity="major"} 1.0' in text
        assert "response_jobs_dead 0.0" in text
        assert worker.interrupt() == 0
    assert any(m["text"] == "hello from the worker" for m in fakeslack.messages("general"))
