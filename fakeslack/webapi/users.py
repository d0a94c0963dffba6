"""users.info, users.list, users.lookupByEmail."""

from __future__ import annotations

import copy
from typing import Any

from ..errors import SlackError
from .base import Context, Handler, paginate


def info(ctx: Context) -> dict[str, Any]:
    ref = ctx.args.required("user", "user_not_found")
    user = ctx.state.users.get(ref)
    if user is None:
        raise SlackError("user_not_found")
    return {"user": copy.deepcopy(user)}


def list_(ctx: Context) -> dict[str, Any]:
    page, metadata = paginate(list(ctx.state.users.values()), ctx.args, default_limit=1000)
    return {"members": copy.deepcopy(page), "cache_ts": 0, "response_metadata": metadata}


def lookup_by_email(ctx: Context) -> dict[str, Any]:
    email = (ctx.args.required("email", "users_not_found")).lower()
    for user in ctx.state.users.values():
        if (user["profile"].get("email") or "").lower() == email:
            return {"user": copy.deepcopy(user)}
    raise SlackError("users_not_found")


METHODS: dict[str, Handler] = {
    "users.info": info,
    "users.list": list_,
    "users.lookupByEmail": lookup_by_email,
}
