"""Two worker processes on one PostgreSQL database: each due notification is sent exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from response.core import verbs
from response.engine.models import Job
from response.notifications.models import ScheduledNotification
from response.slack.models import CommsChannel
from tests.notifications.helpers import NO_LEAD

ROOT = Path(__file__).resolve().parents[2]
INCIDENTS = 40

# A worker process: waits for the start signal, then runs the due reminder lanes through the
# engine's runner (both processes race for the same lanes) until nothing has been due for a while.
WORKER = """
import json, os, sys, time
import django
django.setup()
from response.engine import runner
go = sys.argv[1]
while not os.path.exists(go):
    time.sleep(0.002)
sent = 0
idle_since = None
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    lanes = [lane for lane in runner.lanes_due() if lane.startswith("reminder:")]
    for lane in lanes:
        sent += runner.run_slice(lane).done
    if lanes:
        idle_since = None
    elif idle_since is None:
        idle_since = time.monotonic()
    elif time.monotonic() - idle_since > 0.5:
        break
print(json.dumps({"sent": sent}))
"""


def database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    host = f"{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}"
    return f"postgres://{user}{password}@{host}/{s['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_send_each_due_notification_exactly_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two processes racing for rows (run by make test's PG pass)")

    incidents = [verbs.declare_incident(title=f"Outage {n}") for n in range(INCIDENTS)]
    for incident in incidents:
        CommsChannel.objects.create(
            incident=incident, channel_id=f"C{incident.pk:09d}", name=f"inc-{incident.pk}"
        )
    assert ScheduledNotification.objects.filter(key__endswith=".no_lead").count() == INCIDENTS
    # The lead nudges are all overdue (the workers were down); nothing else is due yet.
    overdue = timezone.now() - timedelta(minutes=30)
    rows = ScheduledNotification.objects.filter(key__endswith=".no_lead")
    rows.update(next_due_at=overdue)
    Job.objects.filter(
        key__in=[f"reminder:{pk}" for pk in rows.values_list("pk", flat=True)]
    ).update(not_before=overdue)

    go = tmp_path / "go"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "response.settings",
        "DATABASE_URL": database_url(),
        "RESPONSE_DATA_DIR": str(tmp_path / "data"),
        "SLACK_BOT_TOKEN": "",
        "PYTHONPATH": str(ROOT),
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(go)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    go.touch()
    reports = []
    for process in workers:
        out, err = process.communicate(timeout=90)
        assert process.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))

    print("sent by each worker process:", [r["sent"] for r in reports])
    assert sum(r["sent"] for r in reports) == INCIDENTS, reports
    messages = [
        job.payload["incident_id"]
        for job in Job.objects.filter(kind="slack.comms_message")
        if NO_LEAD in job.payload["text"]
    ]
    assert sorted(messages) == sorted(i.pk for i in incidents)
    assert set(
        ScheduledNotification.objects.filter(key__endswith=".no_lead").values_list(
            "sent_count", flat=True
        )
    ) == {1}
