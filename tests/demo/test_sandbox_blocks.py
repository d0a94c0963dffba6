"""The Slack sandbox renders Block Kit and turns clicks into deliveries: fakeslack alone (no app
answering), a message and a modal with every element the sandbox knows, in Chromium."""

from __future__ import annotations

import json
import re

from slack_sdk import WebClient

from fakeslack import FakeSlack
from tests.browser import browser_test, launch_chromium
from tests.demo.test_demo_browser import SCREENSHOTS

pytestmark = browser_test

CONFIRM = {
    "title": {"type": "plain_text", "text": "Page the database team?"},
    "text": {"type": "mrkdwn", "text": "It is *3 am* for them."},
    "confirm": {"type": "plain_text", "text": "Page them"},
    "deny": {"type": "plain_text", "text": "Not yet"},
    "style": "danger",
}


def option(value: str, text: str) -> dict:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


MESSAGE_BLOCKS = [
    {"type": "header", "text": {"type": "plain_text", "text": "Every block the sandbox shows"}},
    {
        "type": "section",
        "text": {
            "type": "mrkdwn",
            "text": "*Bold*, _italic_, ~struck~, `code` and <https://example.com|a link>",
        },
        "fields": [
            {"type": "mrkdwn", "text": "*Status*\nInvestigating"},
            {"type": "mrkdwn", "text": "*Lead*\n<@{alice}>"},
        ],
        "accessory": {
            "type": "overflow",
            "action_id": "more",
            "options": [option("mute", "Mute"), option("archive", "Archive")],
        },
    },
    {"type": "context", "elements": [{"type": "mrkdwn", "text": "Reported in <#{general}>"}]},
    {"type": "divider"},
    {
        "type": "actions",
        "elements": [
            {"type": "button", "action_id": "ok", "text": {"type": "plain_text", "text": "Fine"}},
            {
                "type": "button",
                "action_id": "page",
                "style": "danger",
                "text": {"type": "plain_text", "text": "Page DBAs"},
                "confirm": CONFIRM,
            },
            {
                "type": "button",
                "action_id": "go",
                "style": "primary",
                "text": {"type": "plain_text", "text": "Go"},
            },
            {
                "type": "static_select",
                "action_id": "severity",
                "placeholder": {"type": "plain_text", "text": "Severity"},
                "options": [option("1", "Critical"), option("2", "Major")],
            },
            {
                "type": "users_select",
                "action_id": "who",
                "placeholder": {"type": "plain_text", "text": "Someone"},
            },
        ],
    },
    {
        "type": "image",
        "image_url": "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='120' "
        "height='40'%3E%3Crect width='120' height='40' fill='%231264a3'/%3E%3C/svg%3E",
        "alt_text": "a graph",
        "title": {"type": "plain_text", "text": "Error rate"},
    },
]


def input_block(block_id: str, label: str, element: dict, *, optional: bool = False) -> dict:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {"action_id": block_id, **element},
        "optional": optional,
    }


MODAL = {
    "type": "modal",
    "callback_id": "everything",
    "title": {"type": "plain_text", "text": "Every input"},
    "submit": {"type": "plain_text", "text": "Send"},
    "close": {"type": "plain_text", "text": "Cancel"},
    "blocks": [
        input_block("name", "Name", {"type": "plain_text_input"}),
        input_block(
            "notes", "Notes", {"type": "plain_text_input", "multiline": True}, optional=True
        ),
        input_block(
            "kind",
            "Kind",
            {"type": "static_select", "options": [option("a", "Outage"), option("b", "Drill")]},
        ),
        input_block("owner", "Owner", {"type": "users_select"}),
        input_block("watchers", "Watchers", {"type": "multi_users_select"}, optional=True),
        input_block(
            "flags",
            "Flags",
            {"type": "checkboxes", "options": [option("p", "Private"), option("r", "Report only")]},
            optional=True,
        ),
        input_block(
            "when",
            "When",
            {"type": "radio_buttons", "options": [option("now", "Now"), option("later", "Later")]},
        ),
        input_block("day", "Day", {"type": "datepicker"}),
        input_block("time", "Time", {"type": "timepicker"}),
    ],
}


def fill(text: str, **ids: str) -> str:
    for name, value in ids.items():
        text = text.replace("{" + name + "}", value)
    return text


def test_blocks_and_inputs_render_and_deliver(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    slack = FakeSlack().start()
    try:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        ids = {"alice": slack.user_id("alice"), "general": slack.channel_id("general")}
        blocks = json.loads(fill(json.dumps(MESSAGE_BLOCKS), **ids))
        ts = client.chat_postMessage(channel="general", text="blocks", blocks=blocks)["ts"]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1360, "height": 860})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{slack.url}/sandbox/")
            posted = page.locator(f"[data-ts='{ts}']")
            expect(posted.locator(".b-header")).to_have_text("Every block the sandbox shows")
            expect(posted.locator(".b-fields")).to_contain_text("@alice")
            expect(posted.locator("b", has_text="Bold")).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "blocks-message.png"))

            # A button with a confirmation asks first; "Page them" delivers block_actions.
            posted.get_by_role("button", name="Page DBAs").click()
            dialog = page.locator("#dialog-overlay .modal")
            expect(dialog).to_contain_text("Page the database team?")
            page.screenshot(path=str(SCREENSHOTS / "blocks-confirm.png"))
            dialog.get_by_role("button", name="Page them").click()
            posted.locator("select[data-action-id=severity]").select_option("2")
            posted.get_by_role("button", name="More options").click()
            page.locator(".menu button", has_text="Archive").click()
            actions = slack.wait_for(
                lambda: (
                    [
                        d.payload["actions"][0]
                        for d in slack.deliveries("interaction")
                        if d.payload["type"] == "block_actions"
                    ][2:]
                    and [
                        d.payload["actions"][0]
                        for d in slack.deliveries("interaction")
                        if d.payload["type"] == "block_actions"
                    ]
                )
            )
            assert [a["action_id"] for a in actions] == ["page", "severity", "more"]
            assert actions[1]["selected_option"]["value"] == "2"
            assert actions[2]["selected_option"]["value"] == "archive"

            # A modal with every input; required ones left empty are flagged in the page.
            with slack.state.lock:
                trigger = slack.state.issue_trigger(ids["alice"])
            view = client.views_open(trigger_id=trigger, view=MODAL)["view"]
            modal = page.locator("#modal-overlay .modal")
            expect(modal).to_contain_text("Every input")
            modal.get_by_role("button", name="Send").click()
            expect(modal.locator(".field-error")).to_have_count(6)
            modal.locator("[data-block-id=name] input").fill("Checkout")
            modal.locator("[data-block-id=kind] select").select_option("b")
            modal.locator("[data-block-id=owner] select").select_option(ids["alice"])
            modal.locator("[data-block-id=flags] input[value=p]").check()
            modal.locator("[data-block-id=when] input[value=later]").check()
            modal.locator("[data-block-id=day] input").fill("2026-11-27")
            modal.locator("[data-block-id=time] input").fill("21:30")
            page.screenshot(path=str(SCREENSHOTS / "blocks-modal.png"))
            modal.get_by_role("button", name="Send").click()
            submitted = slack.wait_for(
                lambda: [
                    d.payload
                    for d in slack.deliveries("interaction")
                    if d.payload["type"] == "view_submission"
                ]
            )[0]
            values = submitted["view"]["state"]["values"]
            assert values["name"]["name"]["value"] == "Checkout"
            assert values["kind"]["kind"]["selected_option"]["value"] == "b"
            assert values["owner"]["owner"]["selected_user"] == ids["alice"]
            assert [o["value"] for o in values["flags"]["flags"]["selected_options"]] == ["p"]
            assert values["when"]["when"]["selected_option"]["value"] == "later"
            assert values["day"]["day"]["selected_date"] == "2026-11-27"
            assert values["time"]["time"]["selected_time"] == "21:30"

            # The app's response_action errors show under their blocks.
            with slack.state.lock:
                slack.state.views.get(view["id"]).errors = {"name": "That name is taken"}
            expect(modal.locator("[data-block-id=name] .field-error")).to_have_text(
                re.compile("That name is taken")
            )
            page.screenshot(path=str(SCREENSHOTS / "blocks-modal-app-error.png"))
            browser.close()
        assert not errors, errors
    finally:
        slack.stop()
