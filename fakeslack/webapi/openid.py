"""openid.connect.token and openid.connect.userInfo: the Web API half of Sign in with Slack."""

from __future__ import annotations

from typing import Any

from ..errors import SlackError
from ..signin import id_token, identity
from .base import Context, Handler


def token(ctx: Context) -> dict[str, Any]:
    """Exchange a code for a user token and an ID token (``authorization_code`` only)."""
    args, workspace = ctx.args, ctx.state.workspace
    grant_type = args.string("grant_type", "authorization_code")
    if grant_type == "refresh_token":
        raise SlackError("invalid_refresh_token")  # fakeslack issues no refresh tokens
    if grant_type != "authorization_code":
        raise SlackError("invalid_grant_type")
    if args.string("client_id") != workspace.client_id:
        raise SlackError("invalid_client_id")
    if args.string("client_secret") != workspace.client_secret:
        raise SlackError("bad_client_secret")
    grant = ctx.signin.redeem(args.string("code"), redirect_uri=args.string("redirect_uri"))
    access_token = ctx.signin.issue_user_token(grant)
    return {
        "access_token": access_token,
        "token_type": "Bearer",
        "id_token": id_token(ctx.state, grant, access_token=access_token),
    }


def user_info(ctx: Context) -> dict[str, Any]:
    grant = ctx.signin.grant_for(ctx.token)
    assert grant is not None  # authentication let only user tokens through
    return identity(ctx.state, grant)


METHODS: dict[str, Handler] = {
    "openid.connect.token": token,
    "openid.connect.userInfo": user_info,
}
