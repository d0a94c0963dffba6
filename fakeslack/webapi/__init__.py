"""The Web API: one module per method family, merged into one table of methods.

``call`` answers one method call with Slack's response shape: ``{"ok": true, ...}`` or
``{"ok": false, "error": code}``. Authentication happens here, for every method alike.
"""

from __future__ import annotations

from ..errors import SlackError
from . import chat, conversations, history, items, misc, users, views
from .base import Args, Context, Handler

# Only Socket Mode's connection call takes the app-level (xapp-) token.
APP_TOKEN_METHODS = {"apps.connections.open"}


def _merge(*tables: dict[str, Handler]) -> dict[str, Handler]:
    merged: dict[str, Handler] = {}
    for table in tables:
        duplicates = merged.keys() & table.keys()
        if duplicates:
            raise RuntimeError(f"Web API methods defined twice: {sorted(duplicates)}")
        merged.update(table)
    return merged


METHODS = _merge(
    misc.METHODS,
    chat.METHODS,
    conversations.METHODS,
    history.METHODS,
    users.METHODS,
    items.METHODS,
    views.METHODS,
)


def call(ctx: Context, method: str) -> dict:
    """Authenticate and run one method; the caller holds ``ctx.state.lock``."""
    try:
        handler = METHODS.get(method)
        if handler is None:
            raise SlackError("unknown_method")
        _authenticate(ctx, method)
        return {"ok": True, **handler(ctx)}
    except SlackError as error:
        return error.to_response()


def _authenticate(ctx: Context, method: str) -> None:
    workspace = ctx.state.workspace
    if not ctx.token:
        raise SlackError("not_authed")
    if ctx.token not in (workspace.bot_token, workspace.app_token):
        raise SlackError("invalid_auth")
    needs_app_token = method in APP_TOKEN_METHODS
    if (ctx.token == workspace.app_token) != needs_app_token:
        raise SlackError("not_allowed_token_type")


__all__ = ["METHODS", "Args", "Context", "call"]
