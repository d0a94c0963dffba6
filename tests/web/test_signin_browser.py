"""Sign in with Slack in a real browser (Debian's Chromium, driven by Playwright): the login page
(screenshot in artifacts/screenshots/), fakeslack's authorize page, the incident list."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from fakeslack import FakeSlack
from tests.browser import SCREENSHOTS, browser_test, launch_chromium

pytestmark = [*browser_test, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1100, "height": 760})
        page.set_default_timeout(15_000)
        yield page
        browser.close()


@pytest.mark.parametrize("password_login", [True, False], ids=["both", "slack-only"])
def test_sign_in_with_slack_in_a_browser(
    signin_slack: FakeSlack, live_server, settings, page, password_login
):
    from playwright.sync_api import expect

    settings.RESPONSE_PASSWORD_LOGIN = password_login
    settings.RESPONSE_SLACK_STAFF = ["@oncall"]
    page.goto(f"{live_server.url}/incidents/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    button = page.get_by_role("link", name="Sign in with Slack")
    expect(button).to_be_visible()
    expect(page.locator("input[name=password]")).to_have_count(1 if password_login else 0)
    page.screenshot(path=str(SCREENSHOTS / f"login-{page_name(password_login)}.png"))

    button.click()
    expect(page.locator("h1")).to_have_text("Sign in to Acme Corp")
    page.get_by_role("link", name=re.compile("Bob Brown")).click()

    expect(page).to_have_url(f"{live_server.url}/incidents/")
    expect(page.locator(".who")).to_have_text("bob@acme.example")
    expect(page.get_by_role("link", name="Admin")).to_be_visible()  # @oncall: staff
    page.screenshot(path=str(SCREENSHOTS / f"signed-in-with-slack-{page_name(password_login)}.png"))


def page_name(password_login: bool) -> str:
    return "with-password" if password_login else "slack-only"


def test_another_workspace_is_refused_with_a_page(
    signin_slack: FakeSlack, live_server, settings, page
):
    from playwright.sync_api import expect

    settings.SLACK_TEAM_ID = "T0OTHER1"
    page.goto(f"{live_server.url}/auth/slack/")  # fakeslack: no such workspace here
    parts = urllib.parse.urlsplit(page.url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "team"]
    page.goto(parts._replace(query=urllib.parse.urlencode(query)).geturl())  # picks Acme
    page.get_by_role("link", name=re.compile("Alice Adams")).click()
    expect(page.locator("h1")).to_contain_text("You signed in to Acme Corp")
    page.screenshot(path=str(SCREENSHOTS / "signin-wrong-workspace.png"))
    page.get_by_role("link", name="Back to the login page").click()
    expect(page).to_have_url(f"{live_server.url}/login/")
