"""What Slack shows of an incident's roles: the list, the DM to a new holder, the modal."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from response.slack.blocks import ids
from response.slack.blocks.data import RoleShown
from response.slack.blocks.text import SECTION_TEXT_LIMIT, escape, mention, truncate

ROLE_EMOJI = "🎭"
INPUT_LABEL_LIMIT = 2000
HINT_LIMIT = 2000


def role_block_id(slug: str) -> str:
    """The modal's input block (and element) for a role: "role:comms"."""
    return f"{ids.ROLE_BLOCK_PREFIX}{slug}"


def render_role_list(incident_id: int, roles: list[RoleShown]) -> str:
    """`@Response role`: every role and who holds it, and how to give one."""
    lines = [
        f"• *{escape(role.name)}* (`{role.slug}`): {mention(role.holder_id, nobody='_nobody_')}"
        for role in roles
    ]
    return truncate(
        f"*Roles in incident #{incident_id}*\n"
        + "\n".join(lines)
        + "\n`role <role> @person` gives one (`me` for yourself, `nobody` to clear it).",
        SECTION_TEXT_LIMIT,
    )


def render_role_given(role: RoleShown, *, by: str = "") -> str:
    """The channel's "🎭 @bob is now Comms lead." (`by`: " (by Dana, on the web)", escaped)."""
    if role.holder_id is None:
        return f"{ROLE_EMOJI} Nobody is {escape(role.name)} now{by}."
    return f"{ROLE_EMOJI} {mention(role.holder_id)} is now {escape(role.name)}{by}."


def render_role_dm(
    role: RoleShown, *, incident_id: int, title: str, channel_id: str | None, url: str
) -> tuple[str, list[dict]]:
    """The DM a new holder gets: the role, what it asks of them, and where the incident is."""
    text = f"{ROLE_EMOJI} You are {escape(role.name)} in incident #{incident_id}: {escape(title)}"
    where = [f"<{url}|Incident page>"]
    if channel_id:
        where.insert(0, f"<#{channel_id}>")
    body = [f"*{text}*"]
    if role.description:
        body.append(f"_{escape(role.description)}_")
    if role.instructions:
        body.append(escape(role.instructions))
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(body), SECTION_TEXT_LIMIT))),
        ContextBlock(elements=[MarkdownTextObject(text=" · ".join(where))]),
    ]
    return text, [block.to_dict() for block in blocks]


def render_roles_modal(*, incident_id: int, title: str, roles: list[RoleShown]) -> dict:
    """ "Assign roles": a person picker per role, showing who holds it now."""
    blocks: list = [
        SectionBlock(text=truncate(f"*Incident #{incident_id}:* {escape(title)}", 3000)),
    ]
    for role in roles:
        blocks.append(
            InputBlock(
                block_id=role_block_id(role.slug),
                label=truncate(role.name, INPUT_LABEL_LIMIT),
                optional=True,
                hint=truncate(role.description, HINT_LIMIT) or None,
                element=UserSelectElement(
                    action_id=role_block_id(role.slug),
                    placeholder="Nobody yet",
                    initial_user=role.holder_id,
                ),
            )
        )
    return View(
        type="modal",
        callback_id=ids.ROLES_MODAL,
        title="Assign roles",
        submit="Save",
        close="Cancel",
        # Who held what when the form was shown: the submission changes only what was changed.
        private_metadata=json.dumps(
            {"incident_id": incident_id, "shown": {r.slug: r.holder_id for r in roles}}
        ),
        blocks=blocks,
    ).to_dict()
