"""The affected services: the modal that chooses them, and the answer listing them."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import ButtonElement, SectionBlock
from slack_sdk.models.views import View

from response.slack.blocks import ids
from response.slack.blocks.data import ServiceChoice
from response.slack.blocks.modals import services_input
from response.slack.blocks.text import escape, truncate


def set_services_button(incident_id: int) -> ButtonElement:
    return ButtonElement(text="🧩 Services", action_id=ids.SET_SERVICES, value=str(incident_id))


def render_services_modal(
    *, incident_id: int, title: str, services: list[ServiceChoice], current: tuple[str, ...]
) -> dict:
    """`current`: the slugs of the services it affects now, ticked."""
    return View(
        type="modal",
        callback_id=ids.SERVICES_MODAL,
        title="Affected services",
        submit="Save",
        close="Cancel",
        private_metadata=json.dumps({"incident_id": incident_id}),
        blocks=[
            SectionBlock(text=truncate(f"*Incident #{incident_id}:* {escape(title)}", 3000)),
            services_input(services, current),
        ],
    ).to_dict()


def render_services_list(affected: list[str], known: list[ServiceChoice]) -> str:
    """The answer to `services` alone: what it affects, and how to change it."""
    now = (
        f"Affected services: {escape(', '.join(affected))}."
        if affected
        else "No affected services yet."
    )
    if not known:
        return f"{now} The service catalog is empty: add services in the admin."
    slugs = ", ".join(f"`{escape(s.slug)}`" for s in known[:40])
    more = f" and {len(known) - 40} more" if len(known) > 40 else ""
    return (
        f"{now} Say `services <slug> <slug>…` to set them, `services add <slug>`, "
        f"`services remove <slug>` or `services none`. Known: {slugs}{more}."
    )
