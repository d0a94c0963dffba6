"""Log lines: JSON when RESPONSE_LOG_FORMAT=json, carrying the ids of the delivery, incident and
job being handled; and what people typed in Slack is not logged at INFO."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from response.engine.models import Job
from response.observability import context
from response.observability.logs import ContextFilter, JsonFormatter
from response.slack.decorators import event_handler, isolated_registries
from tests.processes import ROOT
from tests.slack.helpers import declare_in_slack, mention

SECRET_WORDS = "zebra-crossing-7781"


@pytest.fixture
def json_lines():
    """Every line logged at INFO and above, formatted as RESPONSE_LOG_FORMAT=json has them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line]
    root.removeHandler(handler)


def test_a_json_line_carries_the_ids_known_where_it_was_logged():
    record = logging.LogRecord(
        "response.x", logging.WARNING, __file__, 1, "hello %s", ("you",), None
    )
    with context.handling_job(job=41, lane="incident:7", delivery="event:Ev1"):
        line = json.loads(JsonFormatter().format(record))
        ContextFilter().filter(record)
    assert line["message"] == "hello you"
    assert line["level"] == "WARNING" and line["logger"] == "response.x"
    assert (line["job_id"], line["incident_id"], line["delivery_id"]) == (41, 7, "event:Ev1")
    assert record.ids == " [delivery_id=event:Ev1 incident_id=7 job_id=41]"
    outside = json.loads(JsonFormatter().format(record))
    assert "job_id" not in outside and "incident_id" not in outside


def test_a_reminder_lane_names_its_incident():
    assert context.incident_of_lane("reminder:12:40") == 12
    assert context.incident_of_lane("incident:3") == 3
    assert context.incident_of_lane("in:C0123") is None


def test_the_setting_makes_every_line_a_json_object():
    """In a real process started with RESPONSE_LOG_FORMAT=json, through Django's LOGGING."""
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('response.check').info('ready %s', 1)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "response.settings"}
    env["RESPONSE_LOG_FORMAT"] = "json"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert {"logger": "response.check", "message": "ready 1", "level": "INFO"}.items() <= lines[
        -1
    ].items()


def test_a_failing_handler_is_logged_with_its_delivery_incident_and_job(
    slack, worker, settings, json_lines
):
    settings.RESPONSE_JOB_MAX_FAILURES = 1
    incident, channel_id = declare_in_slack(slack, title=f"Checkout {SECRET_WORDS}")
    with isolated_registries():

        @event_handler("message")
        def fragile_plugin(incident, event):
            raise ValueError("this plugin cannot read that")

        bob = slack.actor("bob")
        bob.join(channel_id)
        bob.post_message(channel_id, f"a message about {SECRET_WORDS}")
        dead = slack.wait_for(lambda: Job.objects.filter(state="dead").first(), timeout=30)
    mention(slack, "alice", channel_id, f"update {SECRET_WORDS} is better")
    assert worker.settled()
    lines = json_lines()
    failed = [line for line in lines if "fragile_plugin failed" in line["message"]]
    assert failed, lines
    assert failed[0]["job_id"] == dead.pk
    assert failed[0]["incident_id"] == incident.pk
    assert failed[0]["delivery_id"] == dead.delivery_key
    assert "ValueError" in failed[0]["exception"]
    # Nothing anyone typed (a title, a message, a command) reached the log.
    assert not [line for line in lines if SECRET_WORDS in json.dumps(line)]
