"""Socket Mode: Response connects out to Slack, so no public URL is needed. The same Bolt app
answers; deliveries are checked, recognised and recorded as over HTTP."""

from __future__ import annotations

import logging

from django.conf import settings
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.socket_mode.builtin.client import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from response.slack.app import get_app
from response.slack.inbound.validation import socket_payload_problem

logger = logging.getLogger(__name__)


class CheckedSocketModeHandler(SocketModeHandler):
    """Bolt's handler, after the checks `POST /slack/events` makes (response.slack.http): a
    delivery Slack would never send is acknowledged and dropped, instead of failing inside Bolt
    before any listener runs, unacknowledged, to be sent again."""

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        if problem := socket_payload_problem(req.type, req.payload):
            logger.warning("A %s delivery refused: %s", req.type, problem)
            client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        super().handle(client, req)


def build_socket_mode_handler() -> CheckedSocketModeHandler:
    """The handler, not yet connected (response.slack.startup connects it, trying again while
    Slack is out of reach)."""
    return CheckedSocketModeHandler(
        get_app(),
        app_token=settings.SLACK_APP_TOKEN,
        web_client=WebClient(token=settings.SLACK_APP_TOKEN, base_url=settings.SLACK_API_URL),
    )


def start_socket_mode() -> SocketModeHandler:
    """Connect in background threads; returns the handler (call .close() to disconnect)."""
    handler = build_socket_mode_handler()
    handler.connect()
    return handler
