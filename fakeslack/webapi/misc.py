"""auth, team, apps.connections, usergroups."""

from __future__ import annotations

from typing import Any

from ..errors import SlackError
from .base import Context, Handler


def auth_test(ctx: Context) -> dict[str, Any]:
    state = ctx.state
    return {
        "url": state.team["url"],
        "team": state.team["name"],
        "user": state.users[state.bot_user_id]["name"],
        "team_id": state.team_id,
        "user_id": state.bot_user_id,
        "bot_id": state.bot_id,
        "is_enterprise_install": False,
    }


def team_info(ctx: Context) -> dict[str, Any]:
    team = ctx.args.string("team")
    if team and team != ctx.state.team_id:
        raise SlackError("team_not_found")
    return {"team": dict(ctx.state.team)}


def apps_connections_open(ctx: Context) -> dict[str, Any]:
    return {"url": ctx.socket_url()}


def usergroups_list(ctx: Context) -> dict[str, Any]:
    include_users = ctx.args.flag("include_users")
    groups = []
    for group in ctx.state.usergroups.values():
        group = dict(group)
        if not include_users:
            group.pop("users")
        groups.append(group)
    return {"usergroups": groups}


def usergroups_users_list(ctx: Context) -> dict[str, Any]:
    group = ctx.state.usergroups.get(ctx.args.required("usergroup"))
    if group is None:
        raise SlackError("no_such_subteam")
    return {"users": list(group["users"])}


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "team.info": team_info,
    "apps.connections.open": apps_connections_open,
    "usergroups.list": usergroups_list,
    "usergroups.users.list": usergroups_users_list,
}
