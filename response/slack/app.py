"""The single Bolt app. The HTTP view and the Socket Mode runner dispatch through it, so every
interactive delivery meets the same middleware and listeners (response.slack.routes)."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from slack_bolt import App
from slack_bolt.authorization import AuthorizeResult

from response import registry
from response.slack import routes
from response.slack.outbound.client import request_path_client
from response.slack.outbound.identity import identity
from response.slack.outbound.outbox import learn_identity

logger = logging.getLogger(__name__)


def authorize(enterprise_id, team_id, logger) -> AuthorizeResult:
    """Single-workspace authorisation from settings, without calling Slack on the request path.
    The bot's own ids come from `auth.test`, asked once by the worker and remembered."""
    auth = identity()
    if not auth:
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
        client=request_path_client(),
        authorize=authorize,
        # Listeners only touch the database and queue Slack work, so they run before the answer
        # is sent: the answer then means "done", and nothing is left running in a thread.
        process_before_response=True,
        token_verification_enabled=False,
        request_verification_enabled=True,
        raise_error_for_unhandled_request=False,
    )
    routes.register_listeners(app)
    return app


_built: dict[tuple, App] = {}
_lock = threading.Lock()


def get_app() -> App:
    """The app for the current settings and registries (a plugin registered later, or a test's
    settings, get an app that routes to them)."""
    key = (
        registry.generation(),
        settings.SLACK_BOT_TOKEN,
        settings.SLACK_SIGNING_SECRET,
        settings.SLACK_API_URL,
        settings.RESPONSE_SLASH_COMMAND,
    )
    app = _built.get(key)
    if app is None:
        with _lock:
            app = _built.get(key)
            if app is None:
                _built.clear()
                app = _built[key] = build_app()
    return app


def forget() -> None:
    _built.clear()
