"""The Web API: one module per method family, merged into one table of methods.

``call`` answers one method call with Slack's response shape: ``{"ok": true, ...}`` or
``{"ok": false, "error": code}``. Authentication happens here, for every method alike.
"""

from __future__ import annotations

from typing import Any

from ..errors import SlackError
from . import chat, conversations, history, items, misc, openid, users, views
from .base import Args, Context, Handler

# Only Socket Mode's connection call takes the app-level (xapp-) token.
APP_TOKEN_METHODS = {"apps.connections.open"}
# Sign in with Slack: the code exchange authenticates with the app's client id and secret, and
# userInfo takes the user (xoxp-) token that exchange returned.
CLIENT_CREDENTIAL_METHODS = {"openid.connect.token"}
USER_TOKEN_METHODS = {"openid.connect.userInfo"}


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
    openid.METHODS,
)


def call(ctx: Context, method: str) -> dict[str, Any]:
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
    if method in CLIENT_CREDENTIAL_METHODS:
        return  # the method checks the client id and secret itself
    if not ctx.token:
        raise SlackError("not_authed")
    kind = _token_kind(ctx)
    needed = (
        "app" if method in APP_TOKEN_METHODS else "user" if method in USER_TOKEN_METHODS else "bot"
    )
    if kind == needed:
        return
    if kind == "user":
        # A Sign in with Slack token is a real user token, but with no scope beyond these.
        raise SlackError("missing_scope", provided="openid,profile,email")
    raise SlackError("not_allowed_token_type")


def _token_kind(ctx: Context) -> str:
    workspace = ctx.state.workspace
    if ctx.token == workspace.bot_token:
        return "bot"
    if ctx.token == workspace.app_token:
        return "app"
    if ctx.signin.grant_for(ctx.token) is not None:
        return "user"
    raise SlackError("invalid_auth")


__all__ = ["METHODS", "Args", "Context", "call"]
