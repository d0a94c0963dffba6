"""Socket Mode: Response connects out to Slack, so no public URL is needed. The same Bolt app
answers; deliveries are recognised and recorded by the same middleware as over HTTP."""

from __future__ import annotations

from django.conf import settings
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient

from response.slack.app import get_app


def start_socket_mode() -> SocketModeHandler:
    """Connect in background threads; returns the handler (call .close() to disconnect)."""
    handler = SocketModeHandler(
        get_app(),
        app_token=settings.SLACK_APP_TOKEN,
        web_client=WebClient(token=settings.SLACK_APP_TOKEN, base_url=settings.SLACK_API_URL),
    )
    handler.connect()
    return handler
