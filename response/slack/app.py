"""The single Bolt app. The HTTP view, the Socket Mode runner and the worker's event replay all
dispatch through it, so every delivery meets the same middleware and listeners."""

from __future__ import annotations

import logging
import re
from functools import cache

from django.conf import settings
from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from response.slack.blocks import ids
from response.slack.inbound import actions, commands, events, modals, shortcuts
from response.slack.middleware import record_delivery

logger = logging.getLogger(__name__)

# views.open must finish before Slack's 3-second deadline; never wait longer than this for it.
REQUEST_PATH_TIMEOUT = 2.5


def slack_is_configured() -> bool:
    return bool(settings.SLACK_BOT_TOKEN)


def authorize(enterprise_id, team_id, logger) -> AuthorizeResult:
    """Single-workspace authorisation from settings, without calling Slack on the request path.
    The bot's own ids come from `auth.test`, fetched once by the worker and remembered."""
    from response.slack.outbound.performers import cache_get

    auth = cache_get("auth") or {}
    if not auth:
        from response.slack.outbound.outbox import learn_identity

        learn_identity()
    return AuthorizeResult(
        enterprise_id=enterprise_id,
        team_id=team_id or auth.get("team_id"),
        bot_token=settings.SLACK_BOT_TOKEN,
        bot_user_id=auth.get("user_id"),
        bot_id=auth.get("bot_id"),
    )


class _SkipTokenWarnings(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself, then warns that it is unused
    because a client and `authorize` are given. They are given on purpose; drop the noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "will be unused" not in message and "will be ignored" not in message


def build_app() -> App:
    bolt_logger = logging.getLogger("response.slack.bolt")
    if not any(isinstance(f, _SkipTokenWarnings) for f in bolt_logger.filters):
        bolt_logger.addFilter(_SkipTokenWarnings())
    app = App(
        logger=bolt_logger,
        signing_secret=settings.SLACK_SIGNING_SECRET or "not-configured",
        client=WebClient(
            base_url=settings.SLACK_API_URL,
            timeout=REQUEST_PATH_TIMEOUT,
            retry_handlers=[],
        ),
        authorize=authorize,
        # Listeners only record and enqueue, so they run before the answer is sent: the answer
        # then means "recorded", and nothing is left running in a thread when it is sent.
        process_before_response=True,
        token_verification_enabled=False,
        request_verification_enabled=True,
        raise_error_for_unhandled_request=False,
    )
    register(app)
    return app


def register(app: App) -> None:
    """Wire the listeners, in a fixed order (Bolt runs the first listener that matches)."""
    app.use(record_delivery)
    app.command(settings.RESPONSE_SLASH_COMMAND)(commands.handle_slash_command)
    app.view(ids.DECLARE_MODAL)(modals.submit_declare)
    app.view(ids.EDIT_MODAL)(modals.submit_edit)
    app.view(ids.FIELD_MODAL)(modals.submit_field)
    app.view(ids.UPDATE_MODAL)(modals.submit_update)
    app.view(re.compile(".+"))(modals.submit_plugin_modal)
    app.view_closed(re.compile(".*"))(modals.ignore_closed)
    app.shortcut(ids.DECLARE_SHORTCUT)(shortcuts.declare)
    app.shortcut(ids.ADD_TO_TIMELINE_SHORTCUT)(shortcuts.add_to_timeline)
    app.action(re.compile(".+"))(actions.handle_action)
    app.event(re.compile(".+"))(events.handle_event)
    app.error(log_error)


def log_error(error, body, logger):
    logger.exception("Slack listener failed: %s", error)


def request_path_client() -> WebClient:
    """For the one Slack call allowed before answering (views.open): short timeout, no retry."""
    return _request_path_client(settings.SLACK_BOT_TOKEN, settings.SLACK_API_URL)


@cache
def _request_path_client(token: str, base_url: str) -> WebClient:
    return WebClient(
        token=token, base_url=base_url, timeout=REQUEST_PATH_TIMEOUT, retry_handlers=[]
    )


@cache
def get_app() -> App:
    return build_app()
