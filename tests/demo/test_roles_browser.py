"""Roles in the demo's Slack sandbox, in a browser: `@response role comms @bob`, the welcome's
"Assign roles" modal, the headline and the topic showing who holds what, the holder's DM.

Screenshots go to artifacts/screenshots/roles/ (gitignored)."""

from __future__ import annotations

import re

import pytest

from tests.browser import browser_test
from tests.demo.helpers import (
    ROOT,
    WORK_TIMEOUT_MS,
    browser_page,
    demo_running,
)
from tests.demo.test_demo_browser import message, say

SCREENSHOTS = ROOT / "artifacts" / "screenshots" / "roles"

pytestmark = browser_test


@pytest.fixture
def demo(tmp_path):
    with demo_running(tmp_path) as demo:
        yield demo


@pytest.fixture
def page():
    with browser_page(SCREENSHOTS, height=900, timeout_ms=20000) as page:
        yield page


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_roles_in_the_sandbox(demo, page):
    from playwright.sync_api import expect

    page.goto(demo.sandbox_url + "/")
    say(page, "/incident Checkout is failing")
    modal = page.locator("#modal-overlay .modal")
    expect(modal).to_contain_text("Declare an incident")
    modal.get_by_role("button", name="Declare").click()
    expect(page.locator("#modal-overlay")).to_be_hidden()

    # A role by command: the channel is told, the topic shows it.
    page.locator("[data-testid^=channel-inc-]").click()
    say(page, "@response role comms @bob")
    expect(message(page, "is now Comms lead")).to_be_visible(timeout=30_000)
    topic = page.locator(".topic")
    expect(topic).to_contain_text(re.compile(r"Comms lead: @?bob", re.I), timeout=WORK_TIMEOUT_MS)
    shot(page, "01-role-by-command")

    # The welcome's Assign roles: a picker per role, filled with the holders.
    welcome = message(page, "lists everything I can do here")
    welcome.get_by_role("button", name="Assign roles").click()
    roles = page.locator("#modal-overlay .modal")
    expect(roles).to_contain_text("Assign roles")
    expect(roles).to_contain_text("Scribe")
    roles.locator("[data-block-id='role:scribe'] select").select_option(label="Carol Chen (@carol)")
    shot(page, "02-assign-roles-modal")
    roles.get_by_role("button", name="Save").click()
    expect(page.locator("#modal-overlay")).to_be_hidden()
    expect(message(page, "is now Scribe")).to_be_visible(timeout=30_000)

    # The headline post in #incidents shows the roles held.
    page.locator("[data-testid=channel-incidents]").click()
    headline = message(page, "Checkout is failing")
    expect(headline).to_contain_text("Roles", timeout=WORK_TIMEOUT_MS)
    expect(headline).to_contain_text("Scribe")
    shot(page, "03-headline-with-roles")

    # Bob's DM tells him what the comms lead does.
    page.locator("#you-are").select_option("bob")
    page.locator("[data-testid^=dm-]").first.click()  # his only DM: the bot's
    expect(page.locator("#messages")).to_contain_text("You are Comms lead", timeout=WORK_TIMEOUT_MS)
    shot(page, "04-dm-with-instructions")

    # The web page's Roles card: Bob is given the scribe's role there too; Slack follows.
    page.locator("#you-are").select_option("alice")
    page.goto(f"{demo.web_url}/incidents/1/")
    page.get_by_role("link", name="Sign in with Slack").click()
    page.get_by_role("link", name=re.compile("Alice Adams")).click()
    card = page.locator("#roles")
    expect(card).to_contain_text("Comms lead")
    card.get_by_text("Assign roles").click()
    bob = card.locator("#id_role_scribe option", has_text=re.compile("bob", re.I)).first
    card.locator("#id_role_scribe").select_option(value=bob.get_attribute("value"))
    card.locator("form", has=page.locator("#id_role_scribe")).get_by_role("button").click()
    expect(page.locator("#roles dl")).to_contain_text(re.compile("Scribe.*bob", re.I | re.S))
    page.locator("#roles").screenshot(path=str(SCREENSHOTS / "05-web-roles-card.png"))
    page.goto(demo.sandbox_url + "/")
    page.locator("[data-testid^=channel-inc-]").click()
    expect(message(page, "is now Scribe (by")).to_be_visible(timeout=30_000)
    shot(page, "06-web-change-in-slack")
