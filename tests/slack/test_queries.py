"""Listing incidents for Slack (`/incident list`, App Home) costs the same queries for 2 or 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from response.slack.inbound.commands import handle_slash_command
from response.slack.models import CommsChannel
from tests.factories import declare

pytestmark = pytest.mark.django_db


def list_queries() -> tuple[int, str]:
    answers = []
    command = {"text": "list", "user_id": "U1", "channel_id": "C0GENERAL", "trigger_id": "t"}
    with CaptureQueriesContext(connection) as queries:
        handle_slash_command(ack=lambda **kw: answers.append(kw), command=command)
    return len(queries), answers[0]["text"]


def open_incidents(start: int, count: int) -> None:
    for n in range(start, start + count):
        incident = declare(f"Incident {n}", severity="major")
        CommsChannel.objects.create(incident=incident, channel_id=f"C{n:08d}", name=f"inc-{n}")


def test_incident_list_query_count_is_constant():
    open_incidents(0, 2)
    few, text = list_queries()
    assert "Incident 1" in text
    open_incidents(2, 18)
    many, text = list_queries()
    assert "Incident 19" in text and "<#C00000017>" in text
    assert many == few
