"""PagerDuty's modal and messages in Slack: pure functions of frozen dataclasses, built with
slack_sdk's block classes (so Slack's limits are checked). Names that come from PagerDuty
(services, people) are escaped wherever Slack parses text."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from response.slack.blocks.text import PLAIN_TEXT_LIMIT, escape, slack_date, truncate

# Action, callback and block ids.
PAGE_BUTTON = "pagerduty-page"  # the headline's button; value: the incident id
PAGE_SERVICE_BUTTON = "pagerduty-page-service"  # value: "<incident id>:<service id>"
RESOLVE_PAGES_BUTTON = "pagerduty-resolve-pages"  # value: the incident id
PAGE_MODAL = "pagerduty-page-modal"
SERVICE = "pagerduty-service"
URGENCY = "pagerduty-urgency"
MESSAGE = "pagerduty-message"

MESSAGE_MAX = 1000


@dataclass(frozen=True)
class ServiceChoice:
    id: str
    name: str
    on_call: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """ "Payments (on call: Dana Scully)", within a select option's 75 characters."""
        who = ", ".join(self.on_call) or "nobody on call"
        return truncate(f"{self.name} (on call: {who})", PLAIN_TEXT_LIMIT)


@dataclass(frozen=True)
class PageForm:
    incident_id: int
    channel_id: str  # where the person acted: refusals are said there
    message: str  # the incident's title, to start from
    services: tuple[ServiceChoice, ...]
    known_at: datetime | None  # when PagerDuty last listed them; None: never
    chosen_service_id: str | None = None
    pagerduty_down: bool = False
    refusal: str = ""  # why PagerDuty refused to list its services, when it did


@dataclass(frozen=True)
class PageData:
    service_name: str
    urgency: str
    html_url: str
    pagerduty_incident_id: str


def render_page_modal(form: PageForm) -> dict:
    """The modal of "Page on-call", opened at once from the services known; refreshed in place
    (views.update) when PagerDuty has listed them again."""
    blocks: list = [ContextBlock(elements=[MarkdownTextObject(text=_freshness(form))])]
    if form.services:
        options = [Option(value=s.id, text=s.label) for s in form.services]
        chosen = next((o for o in options if o.value == form.chosen_service_id), None)
        blocks += [
            InputBlock(
                block_id=SERVICE,
                label="Service to page",
                element=StaticSelectElement(
                    action_id=SERVICE,
                    placeholder="Whose on-call?",
                    options=options,
                    initial_option=chosen,
                ),
            ),
            InputBlock(
                block_id=URGENCY,
                label="Urgency",
                element=RadioButtonsElement(
                    action_id=URGENCY,
                    options=[_HIGH, _LOW],
                    initial_option=_HIGH,
                ),
            ),
            InputBlock(
                block_id=MESSAGE,
                label="Message",
                element=PlainTextInputElement(
                    action_id=MESSAGE,
                    multiline=True,
                    max_length=MESSAGE_MAX,
                    initial_value=truncate(form.message, MESSAGE_MAX),
                ),
            ),
        ]
    view = View(
        type="modal",
        callback_id=PAGE_MODAL,
        title="Page on-call",
        submit="Page" if form.services else None,
        close="Cancel",
        private_metadata=json.dumps(
            {"incident_id": form.incident_id, "channel_id": form.channel_id}
        ),
        blocks=blocks,
    )
    return view.to_dict()


_HIGH = Option(value="high", text="High: page them now")
_LOW = Option(value="low", text="Low: during working hours")


def _freshness(form: PageForm) -> str:
    if form.refusal:
        return f"⚠️ PagerDuty refused to list its services: {escape(form.refusal)}"
    if form.known_at is None:
        if form.pagerduty_down:
            return "⚠️ PagerDuty is not answering, and no services are known yet. Try again soon."
        return "⏳ Fetching the services from PagerDuty…"
    when = slack_date(int(form.known_at.timestamp()))
    if form.pagerduty_down:
        return (
            f"⚠️ PagerDuty is not answering: these are the services and on-calls it listed "
            f"{when}. A page is sent as soon as it answers again."
        )
    return f"Who is on call, as PagerDuty listed it {when}."


def render_page_requested(service_name: str) -> str:
    return f"📟 Paging {escape(service_name)} on-call…"


def render_page_sent(page: PageData) -> str:
    link = f"<{page.html_url}|{escape(page.pagerduty_incident_id)}>" if page.html_url else ""
    return f"📟 Paged {escape(page.service_name)} on-call ({page.urgency} urgency)" + (
        f": {link}" if link else "."
    )


def page_timeline_text(page: PageData) -> str:
    """Timeline entries are plain text; the link is the entry's URL."""
    return f"Paged {page.service_name} on-call ({page.urgency} urgency)"


def render_page_failed(service_name: str, reason: str) -> str:
    return f"⚠️ Paging {escape(service_name)} failed: {escape(reason)}"


def status_text(service_name: str, status: str, by: str) -> str:
    """A change PagerDuty told us about, as plain text (for the timeline)."""
    verb = {
        "acknowledged": "acknowledged",
        "resolved": "resolved",
        "reassigned": "reassigned",
    }.get(status, status)
    who = f" by {by}" if by else ""
    return f"PagerDuty page of {service_name} {verb}{who}"


def render_status(service_name: str, status: str, by: str, html_url: str) -> str:
    emoji = {"acknowledged": "👀", "resolved": "✅"}.get(status, "🔁")
    text = escape(status_text(service_name, status, by))
    return f"{emoji} {text}" + (f" (<{html_url}|open in PagerDuty>)" if html_url else "")


def render_resolve_offer(incident_id: int, open_pages: list[str]) -> tuple[str, list[dict]]:
    """Offered when the incident is resolved while pages are still open in PagerDuty."""
    names = ", ".join(escape(name) for name in open_pages)
    text = f"The incident is resolved; PagerDuty still has open pages: {names}."
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Resolve the pages in PagerDuty",
                    action_id=RESOLVE_PAGES_BUTTON,
                    value=str(incident_id),
                    style="primary",
                )
            ]
        ),
    ]
    return text, [block.to_dict() for block in blocks]


def render_services(
    incident_id: int, services: list[ServiceChoice], *, wanted: str = ""
) -> tuple[str, list[dict]]:
    """`@Response page [service]`: the services (those matching `wanted`), who is on call for
    each, and a button to page each (it opens the modal with the service chosen)."""
    if not services:
        text = (
            f"No PagerDuty service matches “{escape(wanted)}”."
            if wanted
            else "No PagerDuty services are known yet: try again in a moment."
        )
        return text, [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]
    text = "Who do you want to page?"
    blocks = [SectionBlock(text=MarkdownTextObject(text=text))]
    for service in services[:40]:  # Slack allows 50 blocks in a message
        who = ", ".join(escape(name) for name in service.on_call) or "nobody on call"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"*{escape(service.name)}*\nOn call: {who}"),
                accessory=ButtonElement(
                    text="Page",
                    action_id=f"{PAGE_SERVICE_BUTTON}",
                    value=f"{incident_id}:{service.id}",
                ),
            )
        )
    return text, [block.to_dict() for block in blocks]
