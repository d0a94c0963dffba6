"""docs/example_plugin.py, loaded as a plugin, every building block exercised through Slack."""

import importlib.util
import logging
from pathlib import Path

import pytest

from response.core.models import TimelineEvent
from response.notifications.registry import NOTIFICATIONS
from response.slack.decorators import isolated_registries
from response.slack.models import HeadlinePost
from tests.slack.helpers import declare_in_slack, headline_blocks, mention

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "example_plugin.py"


@pytest.fixture
def example_plugin():
    with isolated_registries():
        spec = importlib.util.spec_from_file_location("example_plugin", EXAMPLE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module


def channel_texts(slack, channel_id):
    return [m["text"] for m in slack.messages(channel_id)]


def test_every_building_block(slack, example_plugin):
    incident, channel_id = declare_in_slack(slack)

    # @headline_post_action: the button sits between the built-ins at 100 and 200.
    slack.wait_for(lambda: "example-page-database-team" in str(headline_blocks(slack, incident)))
    actions = next(b for b in headline_blocks(slack, incident) if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [
        "example-page-database-team",
        "edit-incident-button",
        "edit-key-times-button",  # built-in at 250 (response.slack.inbound.times)
        "close-incident-button",
        "subscribe-button",
    ]

    # @action_handler opens a modal; @modal_handler validates and records.
    post = HeadlinePost.objects.get(incident=incident)
    bob = slack.actor("bob")
    assert bob.click(post.channel_id, post.message_ts, "example-page-database-team").ok
    view = slack.open_views(slack.user_id("bob"))[-1]
    refused = bob.submit_view(view["id"], {"message": {"message": "db"}})
    assert refused.body["response_action"] == "errors"
    assert bob.submit_view(view["id"], {"message": {"message": "Primary is at 100% CPU"}}).ok
    assert TimelineEvent.objects.filter(
        incident=incident, text="Paged the database team: Primary is at 100% CPU"
    ).exists()

    # @incident_command
    mention(slack, "alice", channel_id, "oncall")
    slack.wait_for(lambda: any("on-call" in t for t in channel_texts(slack, channel_id)))

    # @keyword_handler: whole words, any case.
    slack.actor("alice").post_message(channel_id, "Is there a RUNBOOK for this?")
    slack.wait_for(lambda: any("Runbooks live" in t for t in channel_texts(slack, channel_id)))

    # @event_handler
    slack.actor("dave").join(channel_id)
    slack.wait_for(
        lambda: any(
            f"Welcome <@{slack.user_id('dave')}>" in t for t in channel_texts(slack, channel_id)
        )
    )

    # The notification decorators registered their handlers.
    assert {"example_plugin.take_a_break", "example_plugin.remind_about_the_status_page"} <= {
        key for key, _ in NOTIFICATIONS.items()
    }


@pytest.fixture
def logged():
    """Records logged by Response's Slack adapter."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(level=logging.ERROR)
    logger = logging.getLogger("response.slack")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def test_a_failing_handler_is_logged_and_apologised_for_without_blocking_others(
    slack, example_plugin, logged
):
    from response.slack.decorators import INCIDENT_COMMANDS, incident_command

    @incident_command(["explode"], helptext="Always fails.")
    def explode(incident, user_id, message):
        raise RuntimeError("boom")

    incident, channel_id = declare_in_slack(slack)
    ts = mention(slack, "alice", channel_id, "explode")
    slack.wait_for(
        lambda: "Sorry, something went wrong" in str(slack.ephemeral(channel=channel_id))
    )
    assert any(f"(incident {incident.pk})" in r.getMessage() for r in logged)
    # Other handlers still work.
    mention(slack, "alice", channel_id, "oncall")
    slack.wait_for(lambda: any("on-call" in t for t in channel_texts(slack, channel_id)))
    assert "explode" in INCIDENT_COMMANDS
    assert ts
