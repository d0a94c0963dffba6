"""Key times in the demo's Slack sandbox, in a browser: `/incident timestamps` opens the modal
with a date and time picker per key time, a time out of order is refused by its field, and
`@response timestamps` answers with a button that opens it. Screenshots in
artifacts/screenshots/demo/times-*.png."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

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


@pytest.fixture
def page():
    with browser_page(SCREENSHOTS, timezone_id="UTC") as page:
        yield page


def say(page, text: str) -> None:
    box = page.locator("#composer-input")
    box.click()
    box.fill(text)
    box.press("Enter")


def picker(modal, field: str):
    return modal.locator(f"[data-block-id={field}] input[type=datetime-local]")


def minute(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")  # the browser is in UTC


def test_key_times_in_the_sandbox(demo, page):
    from playwright.sync_api import expect

    expect.set_options(timeout=PAGE_TIMEOUT_MS)
    page.goto(demo.sandbox_url + "/")
    say(page, "/incident Checkout is failing")
    modal = page.locator("#modal-overlay .modal")
    expect(modal).to_contain_text("Declare an incident")
    modal.get_by_role("button", name="Declare").click()
    expect(page.locator("#modal-overlay")).to_be_hidden()
    comms = page.locator("[data-testid^=channel-inc-]")
    expect(comms).to_have_count(1, timeout=WORK_TIMEOUT_MS)
    comms.click()
    expect(page.locator("[data-testid=channel-title]")).to_have_text(re.compile(r"inc-\d+"))

    # /incident timestamps: the modal, filled in (nobody acknowledged or mitigated it yet).
    say(page, "/incident timestamps")
    expect(modal).to_contain_text("Key times of #")
    for field in ("started_at", "detected_at", "acknowledged_at", "mitigated_at"):
        expect(picker(modal, field)).to_be_visible()
    expect(picker(modal, "started_at")).not_to_have_value("")
    expect(picker(modal, "mitigated_at")).to_have_value("")
    page.screenshot(path=str(SCREENSHOTS / "times-modal.png"))

    # Mitigated before detected: refused by its field, the modal stays open.
    now = datetime.now(UTC)
    picker(modal, "mitigated_at").fill(minute(now - timedelta(hours=1)))
    modal.get_by_role("button", name="Save").click()
    error = modal.locator("[data-block-id=mitigated_at] .field-error")
    expect(error).to_contain_text("cannot be before")
    page.screenshot(path=str(SCREENSHOTS / "times-modal-refused.png"))

    # Put the whole story right: it saves, and the modal closes.
    picker(modal, "started_at").fill(minute(now - timedelta(hours=3)))
    picker(modal, "detected_at").fill(minute(now - timedelta(hours=2)))
    modal.get_by_role("button", name="Save").click()
    expect(page.locator("#modal-overlay")).to_be_hidden()

    # @response timestamps: the times, and a button to the modal (a mention cannot open it).
    say(page, "@response timestamps")
    answer = page.locator("#messages [data-testid=message]", has_text="Key times of incident")
    expect(answer.last).to_be_visible(timeout=WORK_TIMEOUT_MS)
    expect(answer.last).to_contain_text("Time to mitigate: 2h")
    page.screenshot(path=str(SCREENSHOTS / "times-mention-answer.png"))
    answer.last.get_by_role("button", name=re.compile("Key times")).click()
    expect(modal).to_contain_text("Key times of #")
    expect(picker(modal, "mitigated_at")).to_have_value(minute(now - timedelta(hours=1)))
