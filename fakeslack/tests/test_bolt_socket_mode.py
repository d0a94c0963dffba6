"""The same Bolt app receives every delivery type over Socket Mode (SocketModeHandler)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from fakeslack import FakeSlack

from .conftest import bolt_app
from .modals import HOME, declare_modal, headline_blocks


@pytest.fixture
def socket_app(slack: FakeSlack) -> Iterator:
    """``socket_app(app)`` connects a Bolt app over Socket Mode until the test ends."""
    handlers: list[SocketModeHandler] = []

    def connect_app(app: App) -> SocketModeHandler:
        slack.configure_app(socket_mode=True, ack_timeout=2.0)
        handler = SocketModeHandler(app, slack.app_token)
        handler.connect()
        handlers.append(handler)
        assert slack.wait_for_socket(5.0)
        return handler

    yield connect_app
    for handler in handlers:
        handler.close()


def test_every_delivery_type_over_socket_mode(
    slack: FakeSlack, client: WebClient, socket_app
) -> None:
    app = bolt_app(slack)
    seen: list[str] = []

    @app.event("message")
    def on_message(event):
        seen.append("message:" + event["text"])

    @app.event("app_mention")
    def on_mention(event):
        seen.append("app_mention")

    @app.event("app_home_opened")
    def on_home(event, client):
        client.views_publish(user_id=event["user"], view=HOME)
        seen.append("app_home_opened")

    @app.command("/incident")
    def declare(ack, body, client, command):
        client.views_open(trigger_id=body["trigger_id"], view=declare_modal(command["text"]))
        ack(text="Opening the form")

    @app.view("declare")
    def on_submit(ack, view):
        summary = view["state"]["values"]["summary"]["value"]["value"]
        if len(summary) < 5:
            ack(response_action="errors", errors={"summary": "Too short"})
        else:
            seen.append("view_submission:" + summary)
            ack()

    @app.action("close_incident")
    def close(ack, body, respond):
        ack()
        respond(replace_original=True, text="Closed")

    @app.shortcut("declare_shortcut")
    def shortcut(ack):
        seen.append("shortcut")
        ack()

    socket_app(app)
    alice = slack.actor("alice")

    alice.post_message("incidents", "hi @response")
    command = alice.slash_command("/incident", "Payments down", channel="incidents")
    assert command.ok and command.transport == "socket"
    assert command.body == {"text": "Opening the form"}
    assert [e["text"] for e in slack.ephemeral(user="alice")] == ["Opening the form"]
    [view] = slack.open_views()
    choices = {"severity": {"value": "1"}, "lead": {"value": slack.user_id("bob")}}
    rejected = alice.submit_view(view["id"], {"summary": {"value": "no"}, **choices})
    assert rejected.response_action == "errors"
    assert slack.view(view["id"])["errors"] == {"summary": "Too short"}
    assert alice.submit_view(view["id"], {"summary": {"value": "Payments down"}, **choices}).ok
    assert slack.open_views() == []

    channel = slack.channel_id("incidents")
    ts = client.chat_postMessage(channel=channel, text="x", blocks=headline_blocks())["ts"]
    assert alice.click(channel, ts, "close_incident").ok
    assert slack.message(channel, ts)["text"] == "Closed"
    assert alice.global_shortcut("declare_shortcut").ok
    assert alice.open_app_home() is not None
    assert slack.home_view("alice") is not None

    assert seen == [
        f"message:hi <@{slack.bot_user_id}>",
        "app_mention",
        "view_submission:Payments down",
        "shortcut",
        "app_home_opened",
    ]
    assert all(d.ok and d.transport == "socket" for d in slack.deliveries())


def test_disconnect_makes_the_client_reconnect(slack: FakeSlack, socket_app) -> None:
    app = bolt_app(slack)
    heard: list[str] = []
    app.event("message")(lambda event: heard.append(event["text"]))
    socket_app(app)
    assert len(slack.calls("apps.connections.open")) == 1
    assert slack.disconnect_socket("refresh_requested") == 1
    slack.wait_for(lambda: len(slack.calls("apps.connections.open")) == 2)
    assert slack.wait_for_socket(5.0)  # the new connection; the old one gets nothing more
    slack.actor("alice").post_message("incidents", "still there?")
    assert slack.wait_for(lambda: heard)[0] == "still there?"
    [delivery] = slack.deliveries()
    assert delivery.ok


@contextmanager
def _raw_socket_client(slack: FakeSlack) -> Iterator[ClientConnection]:
    app_client = WebClient(token=slack.app_token, base_url=slack.api_url)
    url = app_client.apps_connections_open(app_token=slack.app_token)["url"]
    with connect(url) as connection:
        hello = json.loads(connection.recv(timeout=2))
        assert hello["type"] == "hello"
        assert hello["connection_info"]["app_id"] == slack.api_app_id
        yield connection


def test_unacknowledged_envelopes_are_redelivered(slack: FakeSlack) -> None:
    """A hand-written client ignores the first envelope and acknowledges the retry."""
    slack.configure_app(socket_mode=True, ack_timeout=1.0)
    envelopes: list[dict] = []
    with _raw_socket_client(slack) as connection:

        def app() -> None:
            for attempt in range(2):
                envelope = json.loads(connection.recv(timeout=5))
                envelopes.append(envelope)
                if attempt == 1:
                    connection.send(json.dumps({"envelope_id": envelope["envelope_id"]}))

        thread = threading.Thread(target=app)
        thread.start()
        ts = slack.actor("alice").post_message("incidents", "retry me")
        thread.join(5)
    [delivery] = slack.deliveries("event")
    assert delivery.ok and len(delivery.attempts) == 2
    first, second = envelopes
    assert first["type"] == "events_api" and first["accepts_response_payload"] is False
    assert (first["retry_attempt"], first["retry_reason"]) == (0, "")
    assert (second["retry_attempt"], second["retry_reason"]) == (1, "timeout")
    assert first["payload"]["event_id"] == second["payload"]["event_id"]
    assert first["payload"]["event"]["ts"] == ts


def test_socket_mode_without_a_connection(slack: FakeSlack) -> None:
    slack.configure_app(socket_mode=True, retries=False)
    slack.socket.connect_timeout = 0.1
    delivery = slack.actor("alice").slash_command("/incident", channel="incidents")
    assert not delivery.ok and delivery.error == "no_connection"


def test_interactive_envelopes_accept_response_payload(slack: FakeSlack) -> None:
    slack.configure_app(socket_mode=True, ack_timeout=2)
    with _raw_socket_client(slack) as connection:

        def app() -> None:
            envelope = json.loads(connection.recv(timeout=5))
            assert envelope["type"] == "slash_commands" and envelope["accepts_response_payload"]
            ack = {"envelope_id": envelope["envelope_id"], "payload": {"text": "ack payload"}}
            connection.send(json.dumps(ack))

        thread = threading.Thread(target=app)
        thread.start()
        delivery = slack.actor("alice").slash_command("/incident", "x", channel="incidents")
        thread.join(5)
    assert delivery.ok and delivery.body == {"text": "ack payload"}
    assert delivery.payload["command"] == "/incident" and delivery.payload["text"] == "x"


def test_unknown_tickets_are_refused(slack: FakeSlack) -> None:
    url = f"ws://127.0.0.1:{slack.socket.port}/link/?ticket=forged"
    with connect(url) as connection, pytest.raises(ConnectionClosed):
        connection.recv(timeout=2)
    assert slack.socket.connections == 0
