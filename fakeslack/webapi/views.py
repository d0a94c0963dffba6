"""views.open, views.push, views.update, views.publish."""

from __future__ import annotations

import copy
from typing import Any

from ..blocks import check_view
from ..errors import SlackError
from .base import Context, Handler


def _view_arg(ctx: Context, surface: str | None = None) -> dict[str, Any]:
    view: dict[str, Any] | None = ctx.args.json("view")
    if view is None:
        raise SlackError("invalid_arguments", "missing required field: view")
    check_view(view, surface=surface)
    return view


def open_(ctx: Context) -> dict[str, Any]:
    view = _view_arg(ctx, "modal")
    trigger = ctx.state.exchange_trigger(ctx.args.required("trigger_id", "invalid_trigger_id"))
    return {"view": copy.deepcopy(ctx.state.views.open(view, user_id=trigger.user_id))}


def push(ctx: Context) -> dict[str, Any]:
    view = _view_arg(ctx, "modal")
    trigger = ctx.state.exchange_trigger(ctx.args.required("trigger_id", "invalid_trigger_id"))
    return {"view": copy.deepcopy(ctx.state.views.push(view, user_id=trigger.user_id))}


def update(ctx: Context) -> dict[str, Any]:
    store = ctx.state.views
    view = _view_arg(ctx)
    if "view_id" in ctx.args:
        record = store.get(ctx.args.required("view_id"))
    elif "external_id" in ctx.args:
        record = store.by_external_id(ctx.args.required("external_id"))
    else:
        raise SlackError("invalid_arguments", "view_id or external_id is required")
    return {"view": copy.deepcopy(store.update(record, view, hash=ctx.args.string("hash")))}


def publish(ctx: Context) -> dict[str, Any]:
    view = _view_arg(ctx, "home")
    user = ctx.state.user(ctx.args.required("user_id", "user_not_found"))
    published = ctx.state.views.publish(view, user_id=user["id"], hash=ctx.args.string("hash"))
    return {"view": copy.deepcopy(published)}


METHODS: dict[str, Handler] = {
    "views.open": open_,
    "views.push": push,
    "views.update": update,
    "views.publish": publish,
}
