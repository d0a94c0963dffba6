"""The key times modal and the button that opens it: pure renderers of frozen data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from response.slack.blocks import ids
from response.slack.blocks.text import escape, human_duration, slack_date, truncate


@dataclass(frozen=True)
class KeyTime:
    field: str  # "mitigated_at"
    label: str  # "Mitigated"
    at: int | None  # epoch seconds; None when unknown
    required: bool  # impact started (and resolved, once resolved) cannot be unknown


@dataclass(frozen=True)
class KeyTimesData:
    incident_id: int
    title: str
    reported_at: int  # not editable: when Response heard of it
    times: tuple[KeyTime, ...]  # the editable ones, in order
    durations: tuple[tuple[str, int | None], ...]  # ("Time to mitigate", seconds or None)


HINT = "Shown in your time zone. Leave a time empty when nobody knows it."


def render_key_times_modal(data: KeyTimesData) -> dict:
    """Date and time pickers per key time, pre-filled; Slack shows them in the viewer's zone."""
    return View(
        type="modal",
        callback_id=ids.KEY_TIMES_MODAL,
        title=truncate(f"Key times of #{data.incident_id}", 24),
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps(
            {"incident_id": data.incident_id, "fields": [t.field for t in data.times]}
        ),
        blocks=[
            SectionBlock(
                text=truncate(f"*Incident #{data.incident_id}:* {escape(data.title)}", 3000)
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"Reported {slack_date(data.reported_at)}. {HINT}")
                ]
            ),
            *[
                InputBlock(
                    block_id=t.field,
                    label=t.label,
                    optional=not t.required,
                    element=DateTimePickerElement(action_id=t.field, initial_date_time=t.at),
                )
                for t in data.times
            ],
        ],
    ).to_dict()


def render_key_times_button(incident_id: int) -> ButtonElement:
    return ButtonElement(text="🕒 Key times", action_id=ids.EDIT_KEY_TIMES, value=str(incident_id))


def render_key_times_message(data: KeyTimesData) -> tuple[str, list[dict]]:
    """The answer to `@Response timestamps` (a mention carries no trigger, so no modal can open
    from it): the times and durations as they stand, and a button that opens the modal."""
    lines = [
        f"*{t.label}:* {slack_date(t.at) if t.at is not None else '_unknown_'}" for t in data.times
    ]
    figures = [
        f"{label}: {human_duration_of(seconds)}"
        for label, seconds in data.durations
        if seconds is not None
    ]
    text = "\n".join([f"🕒 *Key times of incident #{data.incident_id}*", *lines])
    blocks = [
        SectionBlock(text=truncate(text, 3000)),
        *(
            [ContextBlock(elements=[MarkdownTextObject(text=" · ".join(figures))])]
            if figures
            else []
        ),
        ActionsBlock(elements=[render_key_times_button(data.incident_id)]),
    ]
    return (
        f"Key times of incident #{data.incident_id}",
        [block.to_dict() for block in blocks],
    )


def render_duration(duration: timedelta, time_to_mitigate: timedelta | None) -> str:
    """How long a closed incident lasted, and when its impact stopped if that was sooner:
    "2h 5m (impact mitigated after 40m)"."""
    text = human_duration(duration)
    if time_to_mitigate is not None and (sooner := human_duration(time_to_mitigate)) != text:
        text += f" (impact mitigated after {sooner})"
    return text


def human_duration_of(seconds: int) -> str:
    return human_duration(timedelta(seconds=seconds))
