"""The whole story in a browser, as a person tries it: `response demo`, the Slack sandbox, then
Response's web UI. Debian's Chromium driven by Playwright (never a downloaded browser).

Screenshots of each step go to artifacts/screenshots/demo/ (gitignored; CI keeps them).
"""

from __future__ import annotations

import re

import pytest

from tests.browser import browser_test
from tests.demo.helpers import (
    PAGE_TIMEOUT_MS,
    ROOT,
    WORK_TIMEOUT_MS,
    browser_page,
    demo_running,
)

SCREENSHOTS = ROOT / "artifacts" / "screenshots" / "demo"

pytestmark = browser_test


@pytest.fixture
def demo(tmp_path):
    with demo_running(tmp_path) as demo:
        yield demo
    assert "Stopped" in demo.output


@pytest.fixture
def page():
    with browser_page(SCREENSHOTS) as page:
        yield page


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def say(page, text: str) -> None:
    """Type in the channel's composer and press Enter, as a person does."""
    box = page.locator("#composer-input")
    box.click()
    box.fill(text)
    box.press("Enter")


def message(page, text: str, author: str | None = None):
    found = page.locator("#messages [data-testid=message]", has_text=text)
    if author:
        found = found.filter(has=page.locator(".msg-author", has_text=author))
    return found.last


def test_a_first_incident_from_the_sandbox_to_the_web_ui(demo, page):
    expect = _expect()

    # 1. Open the sandbox: #general, the sidebar, and the first-open hint.
    page.goto(demo.sandbox_url + "/")
    expect(page.locator("[data-testid=channel-title]")).to_have_text(re.compile("general"))
    expect(page.locator("#hint")).to_contain_text("/incident")
    shot(page, "01-sandbox-first-open")

    # 2. Slash-command completion, then /incident Checkout is failing opens the modal.
    box = page.locator("#composer-input")
    box.click()
    box.press_sequentially("/inc")
    expect(page.locator("[data-testid=completion-item]").first).to_contain_text("/incident")
    shot(page, "02-command-completion")
    box.fill("")
    say(page, "/incident Checkout is failing")
    modal = page.locator("#modal-overlay .modal")
    expect(modal).to_contain_text("Declare an incident")
    expect(modal.locator("[data-block-id=title] input")).to_have_value("Checkout is failing")
    expect(page.locator("#hint")).to_be_hidden()

    # 3. A required field left empty: the modal says so inline and stays open.
    modal.locator("[data-block-id=title] input").fill("")
    modal.get_by_role("button", name="Declare").click()
    expect(modal.locator("[data-block-id=title] .field-error")).to_be_visible()
    shot(page, "03-modal-validation")

    # 4. Fill it in: title, summary, severity (a select), lead (a user picker).
    modal.locator("[data-block-id=title] input").fill("Checkout is failing")
    modal.locator("[data-block-id=summary] textarea").fill(
        "Card payments fail with a 502 since the 14:05 deploy."
    )
    severity = modal.locator("[data-block-id=severity] select")
    severity.select_option(index=2)
    modal.locator("[data-block-id=lead] select").select_option(label="Alice Adams (@alice)")
    shot(page, "04-modal-filled")
    modal.get_by_role("button", name="Declare").click()
    expect(page.locator("#modal-overlay")).to_be_hidden()

    # 5. The headline post in #incidents, rendered from its blocks, with its buttons.
    page.locator("[data-testid=channel-incidents]").click()
    headline = message(page, "Checkout is failing")
    expect(headline).to_be_visible()
    expect(headline.locator(".b-header, .b-section").first).to_be_visible()
    expect(headline.locator("button.btn").first).to_be_visible()
    shot(page, "05-headline-post")

    # 6. The comms channel was created and Alice invited: it shows in the sidebar, unread.
    comms = page.locator("[data-testid^=channel-inc-]")
    expect(comms).to_have_count(1)
    comms.click()
    expect(page.locator("[data-testid=channel-title]")).to_have_text(re.compile(r"inc-\d+"))
    expect(page.locator("#messages [data-testid=message]").first).to_be_visible()
    shot(page, "06-comms-channel")

    # 7. Commands: lead by @mention (with @-completion), severity with /incident.
    box.click()
    box.press_sequentially("@resp")
    expect(page.locator("[data-testid=completion-item]").first).to_contain_text("response")
    box.press("Tab")
    box.press_sequentially("lead @bo")
    box.press("Tab")
    shot(page, "07-mention-completion")
    expect(box).to_have_value(re.compile(r"^@response lead @bob\s*$"))
    box.press("Enter")
    lead_message = message(page, "lead", author="Alice")
    expect(lead_message.locator(".reaction")).to_have_count(1, timeout=WORK_TIMEOUT_MS)
    say(page, "/incident severity critical")
    _wait_for_headline(page, "@bob", "Critical")
    page.locator("[data-testid^=channel-inc-]").click()
    shot(page, "08-lead-and-severity")

    # 8. Pin a message: it becomes a timeline entry.
    say(page, "Rolled back the 14:05 payments deploy")
    typed = message(page, "Rolled back the 14:05 payments deploy", author="Alice")
    expect(typed).to_be_visible()
    pinned = page.locator(f"#messages [data-ts='{typed.get_attribute('data-ts')}']")
    pinned.hover()
    pinned.get_by_role("button", name="Pin to channel").click()
    expect(pinned.locator(".msg-label.pin")).to_be_visible()
    shot(page, "09-pinned-message")
    # Editing a pinned message edits its timeline entry too.
    pinned.hover()
    pinned.get_by_role("button", name="More actions").click()
    page.locator(".menu button", has_text="Edit message").click()
    edit = pinned.get_by_role("textbox", name="Edit message")
    edit.fill("Rolled back the 14:05 payments deploy (v2.31)")
    edit.press("Enter")
    expect(pinned).to_contain_text("(v2.31)")
    expect(pinned.locator(".edited")).to_be_visible()
    page.get_by_test_id("pins-button").click()
    expect(page.locator("#pane")).to_contain_text("(v2.31)")
    page.get_by_test_id("members-button").click()
    expect(page.locator("#pane")).to_contain_text("Bob Brown")
    shot(page, "09-members-of-the-comms-channel")
    page.get_by_test_id("members-button").click()

    # 9. Post an update.
    say(page, "@response update Error rate is back to normal; monitoring")
    expect(message(page, "update Error rate", author="Alice").locator(".reaction")).to_have_count(
        1, timeout=WORK_TIMEOUT_MS
    )
    shot(page, "10-update-posted")

    # 10. The update is also in the headline's thread: open it and reply there.
    page.locator("[data-testid=channel-incidents]").click()
    headline = message(page, "Checkout is failing")
    headline.locator(".thread-link").click()
    thread = page.locator("#pane")
    expect(thread).to_contain_text("Error rate is back to normal")
    reply = thread.locator("textarea")
    reply.fill("Thanks: watching the dashboards for another ten minutes")
    reply.press("Enter")
    expect(thread).to_contain_text("watching the dashboards")
    shot(page, "11-thread")
    thread.get_by_title("Close thread").click()

    # 11. "You are" Bob now: his App Home lists the open incident.
    page.locator("#you-are").select_option("bob")
    page.locator("[data-testid=app-home]").click()
    home = page.locator("[data-testid=app-home-view]")
    expect(home).to_contain_text("Checkout is failing")
    shot(page, "12-app-home-as-bob")
    page.locator("#you-are").select_option("alice")

    # 12. Close the incident from the headline's button, through its confirmation dialog.
    page.locator("[data-testid=channel-incidents]").click()
    headline = message(page, "Checkout is failing")
    close = headline.locator("button.btn", has_text=re.compile("Close", re.I))
    close.click()
    dialog = page.locator("#dialog-overlay .modal")
    expect(dialog).to_be_visible()
    shot(page, "13-close-confirmation")
    dialog.locator("button.btn").last.click()
    expect(headline).to_contain_text(re.compile("Resolved|Closed", re.I), timeout=WORK_TIMEOUT_MS)
    shot(page, "14-incident-closed")

    # 13. Response's web UI: Sign in with Slack, picking Alice on the sandbox's authorize page,
    # and back on the incident asked for, with the pinned message.
    incident_url = f"{demo.web_url}/incidents/1/"
    page.goto(incident_url)
    shot(page, "15-web-login")
    page.get_by_role("link", name="Sign in with Slack").click()
    expect(page.locator("h1")).to_have_text("Sign in to Acme Corp")
    shot(page, "16-sandbox-sign-in")
    page.get_by_role("link", name=re.compile("Alice Adams")).click()
    expect(page).to_have_url(re.compile(r"/incidents/1/"))
    expect(page.locator("body")).to_contain_text("Checkout is failing")
    expect(page.locator("body")).to_contain_text("Rolled back the 14:05 payments deploy (v2.31)")
    expect(page.get_by_role("link", name="Admin")).to_be_visible()  # @sre: staff in the demo
    page.screenshot(path=str(SCREENSHOTS / "17-web-incident-timeline.png"), full_page=True)

    # 14. The page's links into Slack open the sandbox: the channel, and a pinned message.
    page.get_by_role("link", name=re.compile(r"Open #inc-\d+.* in Slack")).click()
    expect(page).to_have_url(re.compile(re.escape(demo.sandbox_url)))
    expect(page.locator("[data-testid=channel-title]")).to_have_text(re.compile(r"inc-\d+"))
    expect(page.locator("[data-testid=pin-notice]").first).to_contain_text("pinned a message")
    page.go_back()
    page.get_by_role("link", name="View in Slack").first.click()
    expect(page.locator("[data-testid=channel-title]")).to_have_text(re.compile(r"inc-\d+"))
    # Shown where it is (and lit up for a moment, which a loaded machine may miss).
    linked = page.locator("#messages [data-testid=message]", has_text="(v2.31)")
    expect(linked).to_be_in_viewport()
    shot(page, "18-link-into-the-sandbox")


def _wait_for_headline(page, *texts: str) -> None:
    page.locator("[data-testid=channel-incidents]").click()
    headline = message(page, "Checkout is failing")
    for text in texts:
        _expect()(headline).to_contain_text(text, timeout=WORK_TIMEOUT_MS)


def _expect():
    from playwright.sync_api import expect

    # As long as the page's own timeout: on a loaded 2-core machine the sandbox, the demo's
    # worker and the browser share the cores, and 5 s (Playwright's default) has run out.
    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    return expect
