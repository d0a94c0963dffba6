"""The status page's modal and messages, as pure functions of plain values (no ORM access)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from response.integrations.statuspage.statuses import ComponentState, PublicStatus
from response.slack.blocks.controls import section
from response.slack.blocks.text import escape, mention, truncate

# Action, block and callback ids.
OPEN_MODAL = "statuspage-open"
RESOLVE_PUBLIC = "statuspage-resolve"
MODAL = "statuspage-modal"
NAME = "statuspage-name"
STATUS = "statuspage-status"
MESSAGE = "statuspage-message"
COMPONENT_PREFIX = "statuspage-component:"

NAME_MAX = 255
MESSAGE_MAX = 3000  # plain_text_input's own limit
MAX_COMPONENTS = 40  # a modal holds 100 blocks; a page with more is asked to group them
STATUS_EMOJI = {
    PublicStatus.INVESTIGATING: "🔍",
    PublicStatus.IDENTIFIED: "🎯",
    PublicStatus.MONITORING: "👀",
    PublicStatus.RESOLVED: "✅",
}
Message = tuple[str, list[dict]]  # (fallback text, blocks)


@dataclass(frozen=True)
class ComponentChoice:
    component_id: str
    name: str
    state: ComponentState  # what the form starts with


@dataclass(frozen=True)
class PublishForm:
    """What the modal shows: the incident, what it will say, and the page's components."""

    incident_id: int
    title: str
    name: str
    status: PublicStatus
    message: str
    components: tuple[ComponentChoice, ...] = ()
    components_as_of: datetime | None = None  # None: never fetched (Statuspage not reached yet)
    public_link: str = ""  # the public incident this would update; "" creates one
    public_exists: bool = False


@dataclass(frozen=True)
class Published:
    """A publication as the channel and the timeline tell it."""

    status: PublicStatus
    body: str
    link: str
    created: bool
    by_id: str | None = None
    component_changes: tuple[tuple[str, ComponentState], ...] = field(default=())


def component_block(component_id: str) -> str:
    return f"{COMPONENT_PREFIX}{component_id}"


def _option(value: str, label: str) -> Option:
    return Option(value=value, text=truncate(label, 75))


def render_publish_modal(form: PublishForm) -> dict:
    statuses = [_option(s.value, f"{STATUS_EMOJI[s]} {s.label}") for s in PublicStatus]
    states = [_option(s.value, s.label) for s in ComponentState]
    if form.public_exists:
        where = (
            f"Updates the <{form.public_link}|public incident>."
            if form.public_link
            else "Updates the public incident."
        )
    else:
        where = "Creates a public incident on the status page."
    blocks: list = [
        SectionBlock(
            text=truncate(f"*Incident #{form.incident_id}:* {escape(form.title)}\n{where}", 3000)
        ),
        InputBlock(
            block_id=NAME,
            label="Public name",
            element=PlainTextInputElement(
                action_id=NAME, initial_value=truncate(form.name, NAME_MAX), max_length=NAME_MAX
            ),
        ),
        InputBlock(
            block_id=STATUS,
            label="Status",
            element=StaticSelectElement(
                action_id=STATUS,
                options=statuses,
                initial_option=next(o for o in statuses if o.value == form.status.value),
            ),
        ),
        InputBlock(
            block_id=MESSAGE,
            label="Message for the public",
            element=PlainTextInputElement(
                action_id=MESSAGE,
                multiline=True,
                max_length=MESSAGE_MAX,
                initial_value=truncate(form.message, MESSAGE_MAX) or None,
                placeholder="What customers see: what is affected, what we are doing",
            ),
        ),
    ]
    for component in form.components[:MAX_COMPONENTS]:
        blocks.append(
            InputBlock(
                block_id=component_block(component.component_id),
                label=truncate(component.name, 2000),
                optional=True,
                element=StaticSelectElement(
                    action_id="state",
                    options=states,
                    initial_option=next(o for o in states if o.value == component.state.value),
                ),
            )
        )
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_components_note(form))]))
    return View(
        type="modal",
        callback_id=MODAL,
        title="Status page",
        submit="Publish",
        close="Cancel",
        private_metadata=json.dumps({"incident_id": form.incident_id}),
        blocks=blocks,
    ).to_dict()


def _components_note(form: PublishForm) -> str:
    if form.components_as_of is None:
        return (
            "⚠️ Statuspage has not listed its components yet (it may be down): this publishes "
            "without them. Open the form again in a moment to set them."
        )
    when = form.components_as_of.strftime("%H:%M UTC")
    if not form.components:
        return f"The status page has no components (as of {when})."
    more = len(form.components) - MAX_COMPONENTS
    extra = f" The first {MAX_COMPONENTS} are shown ({more} more)." if more > 0 else ""
    return f"Components as Statuspage listed them at {when}.{extra}"


def render_open_button(incident_id: int) -> Message:
    text = "📣 Create or update the public incident on the status page:"
    button = ButtonElement(
        text="Update the status page", action_id=OPEN_MODAL, value=str(incident_id)
    )
    return text, [section(text), ActionsBlock(elements=[button]).to_dict()]


def headline_button(incident_id: int) -> ButtonElement:
    return ButtonElement(text="📣 Status page", action_id=OPEN_MODAL, value=str(incident_id))


def timeline_text(published: Published) -> str:
    """The timeline entry (plain text: the web escapes it; its link is the entry's URL)."""
    verb = "Public incident created" if published.created else "Status page updated"
    return f"{verb}: {published.status.label} — {published.body or '(no message)'}"


def render_published(published: Published) -> Message:
    who = f" by {mention(published.by_id)}" if published.by_id else ""
    verb = "created the public incident" if published.created else "updated the status page"
    link = f" (<{published.link}|view it>)" if published.link else ""
    states = ", ".join(
        f"{escape(name)}: {state.label.lower()}" for name, state in published.component_changes
    )
    text = (
        f"📣 Response {verb}{who}{link}: *{published.status.label}* — "
        f"{escape(published.body) or '(no message)'}"
        + (f"\nComponents: {states}" if states else "")
    )
    return text, [section(text)]


def render_refused(
    incident_id: int, *, status: PublicStatus, reason: str, by_id: str | None
) -> Message:
    who = f"{mention(by_id)}, " if by_id else ""
    text = (
        f"⚠️ {who}Statuspage refused the status page update ({status.label}): {escape(reason)}. "
        "Nothing was published; fix it and publish again."
    )
    button = ButtonElement(text="Open the form again", action_id=OPEN_MODAL, value=str(incident_id))
    return text, [section(text), ActionsBlock(elements=[button]).to_dict()]


def render_stale(incident_id: int, *, lead_id: str | None, minutes_since: int) -> Message:
    who = f"{mention(lead_id)}, the" if lead_id else "The"
    text = (
        f"📣 {who} public status page has not been updated for {minutes_since} minutes. "
        "Does it still say how things stand?"
    )
    button = ButtonElement(
        text="Update the status page", action_id=OPEN_MODAL, value=str(incident_id), style="primary"
    )
    return text, [section(text), ActionsBlock(elements=[button]).to_dict()]


def render_resolve_offer(incident_id: int, *, link: str) -> Message:
    where = f"<{link}|public incident>" if link else "public incident"
    text = f"✅ This incident is resolved, but its {where} is still open on the status page."
    buttons = [
        ButtonElement(
            text="Resolve it publicly",
            action_id=RESOLVE_PUBLIC,
            value=str(incident_id),
            style="primary",
        ),
        ButtonElement(text="Write an update first", action_id=OPEN_MODAL, value=str(incident_id)),
    ]
    return text, [section(text), ActionsBlock(elements=buttons).to_dict()]
