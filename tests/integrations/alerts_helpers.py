"""What the alert tests share: the integration switched on, a fake Alertmanager aimed at the
live server, and the triage post as fakeslack holds it."""

from __future__ import annotations

import importlib
import socket
import sys

import pytest

from fakes.alertmanager import FakeAlertmanager
from response.integrations.alerts.models import TriagePost
from response.slack.decorators import isolated_registries

ALERTMANAGER_TOKEN = "am-token-0123456789"
GRAFANA_TOKEN = "grafana-token-0123456789"
GENERIC_TOKEN = "generic-token-0123456789"
TRIAGE_CHANNEL = "alerts-triage"
PLUGIN = "response.integrations.alerts.plugin"


def switch_on(settings) -> None:
    settings.ALERTS_ALERTMANAGER_TOKEN = ALERTMANAGER_TOKEN
    settings.ALERTS_GRAFANA_TOKEN = GRAFANA_TOKEN
    settings.ALERTS_GENERIC_TOKEN = GENERIC_TOKEN
    settings.ALERTS_TRIAGE_CHANNEL = TRIAGE_CHANNEL
    settings.ALERTS_RESOLVED_CLOSES_TRIAGE = True


@pytest.fixture
def alerts_plugin(slack, settings):
    """The integration as start-up loads it when a token is set (its buttons in fresh
    registries, forgotten after the test)."""
    switch_on(settings)
    with isolated_registries():
        if PLUGIN in sys.modules:
            importlib.reload(sys.modules[PLUGIN])
        else:
            importlib.import_module(PLUGIN)
        yield


@pytest.fixture
def alertmanager(live_server, alerts_plugin) -> FakeAlertmanager:
    return FakeAlertmanager(
        f"{live_server.url}/integrations/alerts/alertmanager", token=ALERTMANAGER_TOKEN
    )


def unused_url() -> str:
    """A URL where nothing listens: a receiver that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/integrations/alerts/alertmanager"


def triage_post(slack, incident) -> dict:
    post = slack.wait_for(lambda: TriagePost.objects.filter(incident=incident).first())
    return slack.message(post.channel_id, post.message_ts)


def action_ids(message: dict) -> list[str]:
    return [
        element["action_id"]
        for block in message.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def post_text(message: dict) -> str:
    return str(message.get("blocks"))
