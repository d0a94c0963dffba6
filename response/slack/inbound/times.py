"""Key times from Slack: `/incident timestamps` opens a modal of date and time pickers,
`@Response timestamps` answers with the times and a button that opens it (a mention carries no
trigger, so no modal can open from it), and so does the headline's 🕒 button. The modal's
submission corrects the times through `set_key_times`; an order refusal comes back as the field
error of the time the person changed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from response.core import verbs
from response.core.durations import key_durations
from response.core.errors import InvalidInput, ResponseError
from response.core.models import Incident
from response.core.models.incident import KEY_TIMES
from response.core.verbs.times import EDITABLE
from response.slack.blocks import ids
from response.slack.blocks.times import (
    KeyTime,
    KeyTimesData,
    render_key_times_button,
    render_key_times_message,
    render_key_times_modal,
)
from response.slack.decorators import (
    ActionContext,
    action_handler,
    headline_post_action,
    incident_command,
    modal_handler,
)
from response.slack.inbound.context import SAID_IN_CHANNEL, tell
from response.slack.inbound.forms import as_pk
from response.slack.inbound.modals import open_view
from response.slack.models import CommsChannel
from response.slack.outbound.client import request_path_client
from response.slack.outbound.outbox import post_ephemeral
from response.slack.people import slack_user

LABELS = dict(KEY_TIMES)
COMMAND_NAMES = ("timestamps", "times")


def epoch(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment else None


def key_times_data(incident: Incident) -> KeyTimesData:
    # A resolution time belongs to a closed incident only (set_key_times refuses it otherwise).
    fields = [f for f in EDITABLE if f != "resolved_at" or incident.is_closed()]
    return KeyTimesData(
        incident_id=incident.pk,
        title=incident.title,
        reported_at=int(incident.reported_at.timestamp()),
        times=tuple(
            KeyTime(
                field=f,
                label=LABELS[f],
                at=epoch(getattr(incident, f)),
                required=f in ("started_at", "resolved_at"),
            )
            for f in fields
        ),
        durations=tuple(
            (d.label, int(d.value.total_seconds()) if d.value is not None else None)
            for d in key_durations(incident)
        ),
    )


def same_minute(one: datetime, other: datetime) -> bool:
    return int(one.timestamp()) // 60 == int(other.timestamp()) // 60


def submitted_times(
    values: dict[str, Any], fields: list[str], current: dict[str, datetime | None]
) -> dict[str, datetime | None]:
    """The times the person changed in the modal. Slack's picker works in whole minutes, so a
    time left in the minute it was (12:03:27, shown as 12:03) is not a change."""
    changes: dict[str, datetime | None] = {}
    for field in fields:
        if field not in EDITABLE:
            continue
        raw = values.get(field)
        at = (
            datetime.fromtimestamp(raw, UTC)
            if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0
            else None
        )
        before = current.get(field)
        if at is None and before is None:
            continue
        if at is not None and before is not None and same_minute(at, before):
            continue
        changes[field] = at
    return changes


def open_key_times_modal(client, *, trigger_id: str | None, incident: Incident) -> str | None:
    return open_view(
        client, trigger_id=trigger_id, view=render_key_times_modal(key_times_data(incident))
    )


@incident_command(
    list(COMMAND_NAMES),
    helptext="`timestamps` Show the key times (impact started, detected, acknowledged, "
    "mitigated, resolved) with a button to correct them.",
)
def show_key_times(incident: Incident, user_id: str, message: str):
    channel_id = SAID_IN_CHANNEL.get() or _channel_of(incident)
    text, blocks = render_key_times_message(key_times_data(incident))
    if channel_id:
        post_ephemeral(channel_id, user_id, text=text, blocks=blocks)
        return True, None
    return True, text


def _channel_of(incident: Incident) -> str | None:
    channel = CommsChannel.objects.filter(incident=incident).first()
    return channel.channel_id if channel else None


@action_handler(ids.EDIT_KEY_TIMES)
def edit_key_times(context: ActionContext) -> None:
    incident = context.incident
    if incident is None:
        raise InvalidInput("I can't tell which incident this is about.")
    problem = open_key_times_modal(
        request_path_client(), trigger_id=context.trigger_id, incident=incident
    )
    if problem:
        tell(context.user_id, problem, channel_id=context.channel_id)


@headline_post_action(order=250)
def key_times_button(headline_post):
    return render_key_times_button(headline_post.incident_id)


@modal_handler(ids.KEY_TIMES_MODAL)
def submit_key_times(
    user_id: str, values: dict[str, Any], metadata: dict, payload: dict
) -> dict[str, str] | None:
    fields = [f for f in metadata.get("fields") or [] if isinstance(f, str) and f in EDITABLE]
    incident_id = as_pk(metadata.get("incident_id"))
    incident = Incident.objects.filter(pk=incident_id).first() if incident_id else None
    if incident is None or not fields:
        return {fields[0] if fields else "started_at": "This incident no longer exists."}
    changes = submitted_times(values, fields, {f: getattr(incident, f) for f in fields})
    if not changes:
        return None
    try:
        verbs.set_key_times(incident, **changes, by=slack_user(user_id))  # type: ignore[arg-type]
    except ResponseError as error:
        block = error.field if error.field in fields else fields[0]
        return {block: error.message}
    return None
