"""Declaring from a message and keeping others informed, in the demo's sandbox, as a person does
it: the "Declare incident" message shortcut (its ⋮ menu), the quote in the new channel, the
announcement in #random (the demo announces critical incidents there), Subscribe on the
headline, and the 🚨 reaction's offer. Debian's Chromium driven by Playwright.

Screenshots go to artifacts/screenshots/declare/ (gitignored; CI keeps them)."""

from __future__ import annotations

import re

import pytest

from tests.browser import browser_test
from tests.demo.helpers import (
    PAGE_TIMEOUT_MS,
    ROOT,
    browser_page,
    demo_running,
)

SCREENSHOTS = ROOT / "artifacts" / "screenshots" / "declare"

pytestmark = browser_test

ALERT = "Payments API returns 502 for 20% of requests"


@pytest.fixture
def demo(tmp_path):
    with demo_running(tmp_path) as demo:
        yield demo


@pytest.fixture
def page():
    with browser_page(SCREENSHOTS, timeout_ms=20000) as page:
        yield page


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def message(page, text: str):
    return page.locator("#messages [data-testid=message]", has_text=text).last


def test_declare_from_a_message_then_subscribe_and_react(demo, page):
    from playwright.sync_api import expect

    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    page.goto(demo.sandbox_url + "/")
    expect(page.locator("[data-testid=channel-title]")).to_have_text(re.compile("general"))
    box = page.locator("#composer-input")
    box.click()
    box.fill(ALERT)
    box.press("Enter")

    # The message's ⋮ menu offers the app's "Declare incident": the form, pre-filled.
    alert = message(page, ALERT)
    alert.hover()
    alert.get_by_role("button", name="More actions").click()
    page.locator(".menu button", has_text="Declare incident").click()
    modal = page.locator("#modal-overlay .modal")
    expect(modal.locator("[data-block-id=title] input")).to_have_value(ALERT)
    expect(modal.locator("[data-block-id=summary] textarea")).to_have_value(ALERT)
    modal.locator("[data-block-id=severity] select").select_option(value="critical")
    shot(page, "01-declare-from-a-message")
    modal.get_by_role("button", name="Declare").click()
    expect(page.locator("#modal-overlay")).to_be_hidden()

    # The new channel's first message quotes the message, with a link back to it.
    page.locator("[data-testid^=channel-inc-]").click()
    first = page.locator("#messages [data-testid=message]").first
    expect(first).to_contain_text("Declared from the original message")
    expect(first).to_contain_text(ALERT)
    shot(page, "02-the-quote-first-in-the-channel")

    # Critical: announced in #random.
    page.locator("[data-testid=channel-random]").click()
    expect(message(page, "incident #1")).to_contain_text(ALERT)
    shot(page, "03-announced-in-random")

    # The form opened again lists the incident declared a moment ago.
    page.locator("[data-testid=channel-general]").click()
    box.click()
    box.fill("/incident Payments slow")
    box.press("Enter")
    expect(modal).to_contain_text("Declared in the last hour")
    expect(modal).to_contain_text(ALERT)
    shot(page, "04-recent-incidents-in-the-form")
    modal.get_by_role("button", name="Cancel").click()

    # Subscribe on the headline post: said only to the person who pressed it.
    page.locator("[data-testid=channel-incidents]").click()
    headline = message(page, ALERT)
    headline.locator("button.btn", has_text="Subscribe").click()
    expect(page.locator("#messages")).to_contain_text("Subscribed to incident #1")
    shot(page, "05-subscribed")

    # 🚨 on a message in #general: a Declare incident button, for the one who reacted.
    page.locator("[data-testid=channel-general]").click()
    box.click()
    box.fill("Search returns nothing since 10:02")
    box.press("Enter")
    other = message(page, "Search returns nothing")
    other.hover()
    other.get_by_role("button", name="Add reaction").click()
    page.locator(".emoji-menu button[title=':rotating_light:']").click()
    offer = message(page, "Declare an incident from this message?")
    expect(offer.locator("button.btn", has_text="Declare incident")).to_be_visible()
    shot(page, "06-the-reactions-offer")
