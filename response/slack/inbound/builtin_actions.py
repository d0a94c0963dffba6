"""The built-in buttons and menus, written with the same building block as any plugin."""

from __future__ import annotations

from response.core import verbs
from response.core.errors import InvalidInput
from response.slack.blocks import ids
from response.slack.channel_life import on_channel_wanted
from response.slack.decorators import ActionContext, action_handler
from response.slack.inbound.context import tell
from response.slack.inbound.modals import (
    open_declare_modal,
    open_edit_modal,
    open_field_modal,
    open_update_modal,
)
from response.slack.outbound.client import request_path_client
from response.slack.outbound.outbox import create_comms_channel
from response.slack.people import slack_user


def _incident(context: ActionContext):
    if context.incident is None:
        raise InvalidInput("I can't tell which incident this is about.")
    return context.incident


def _client():
    return request_path_client()


def _open(problem: str | None, context: ActionContext) -> None:
    if problem:
        tell(context.user_id, problem, channel_id=context.channel_id)


@action_handler(ids.CREATE_COMMS_CHANNEL)
def create_channel(context: ActionContext):
    incident = _incident(context)
    create_comms_channel(incident.pk, requested_by=context.user_id)
    on_channel_wanted(incident)  # groups by severity, the call link


@action_handler(ids.EDIT_INCIDENT)
def edit(context: ActionContext):
    _open(
        open_edit_modal(_client(), trigger_id=context.trigger_id, incident=_incident(context)),
        context,
    )


@action_handler(ids.CLOSE_INCIDENT)
def close(context: ActionContext):
    verbs.resolve_incident(_incident(context), by=slack_user(context.user_id))


def _change_field(context: ActionContext, field: str) -> None:
    incident = _incident(context)
    problem = open_field_modal(
        _client(), trigger_id=context.trigger_id, incident=incident, field=field
    )
    _open(problem, context)


@action_handler(ids.CHANGE_SUMMARY)
def change_summary(context: ActionContext):
    _change_field(context, "summary")


@action_handler(ids.CHANGE_IMPACT)
def change_impact(context: ActionContext):
    _change_field(context, "impact")


@action_handler(ids.DECLARE_FROM_HOME)
def declare_from_home(context: ActionContext):
    _open(
        open_declare_modal(_client(), trigger_id=context.trigger_id, title="", channel_id=None),
        context,
    )


@action_handler(ids.TAKE_LEAD)
def take_lead(context: ActionContext):
    user = slack_user(context.user_id)
    verbs.set_lead(_incident(context), user, by=user)


@action_handler(ids.SET_SEVERITY_SELECT)
def choose_severity(context: ActionContext):
    verbs.set_severity(_incident(context), context.value, by=slack_user(context.user_id))


@action_handler(ids.POST_UPDATE)
def post_update(context: ActionContext):
    _open(
        open_update_modal(_client(), trigger_id=context.trigger_id, incident=_incident(context)),
        context,
    )
