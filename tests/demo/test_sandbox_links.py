"""The sandbox behaves like Slack where links and pins are concerned: a sandboxed workspace's
links (`auth.test`'s url, /archives/…) open the sandbox on that channel and message, a pin shows
"X pinned a message to this channel.", and sending a message shows the newest one."""

from __future__ import annotations

import urllib.request

from slack_sdk import WebClient

from fakeslack import FakeSlack, sandbox
from fakeslack.sandbox import archive_target
from tests.browser import browser_test, launch_chromium
from tests.demo.test_demo_browser import SCREENSHOTS


def test_slack_links_point_into_the_page():
    assert archive_target("/archives/C0INC1") == "#C0INC1"
    assert archive_target("/archives/C0INC1/p1764000000000100") == "#C0INC1/1764000000.000100"
    assert archive_target("/archives/../etc") is None


def test_a_sandboxed_workspace_links_to_itself():
    slack = FakeSlack()
    sandbox.configure(slack)
    with slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        assert client.auth_test()["url"] == f"{slack.url}/"
        general = slack.channel_id("general")
        ts = client.chat_postMessage(channel=general, text="here")["ts"]
        link = client.chat_getPermalink(channel=general, message_ts=ts)["permalink"]
        assert link.startswith(f"{slack.url}/archives/{general}/p")

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(link, timeout=5)
            raise AssertionError("expected a redirect")
        except urllib.error.HTTPError as answer:
            assert answer.code == 302
            assert answer.headers["Location"] == f"/#{general}/{ts}"
    with FakeSlack() as plain:  # not a sandbox: Slack's own URL, as tests expect
        assert WebClient(token=plain.bot_token, base_url=plain.api_url).auth_test()["url"] == (
            "https://acme.slack.com/"
        )


@browser_test[0]
@browser_test[1]
def test_links_pins_and_the_newest_message_in_the_page(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    slack = FakeSlack()
    sandbox.configure(slack)
    with slack:
        client = WebClient(token=slack.bot_token, base_url=slack.api_url)
        random = slack.channel_id("random")
        client.conversations_join(channel=random)
        first = client.chat_postMessage(channel=random, text="The first message")["ts"]
        for n in range(40):  # enough to scroll
            client.chat_postMessage(channel=random, text=f"Filler {n}")
        link = client.chat_getPermalink(channel=random, message_ts=first)["permalink"]
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1200, "height": 700})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(link)  # /archives/C…/p…: the channel, at that message
            expect(page.locator("[data-testid=channel-title]")).to_have_text("# random")
            linked = page.locator(f"[data-ts='{first}']")
            expect(linked).to_be_in_viewport()

            slack.actor("alice").pin(random, first)
            notice = page.locator("[data-testid=pin-notice]")
            expect(notice).to_have_text("Alice Adams pinned a message to this channel.")

            box = page.locator("#composer-input")
            linked.scroll_into_view_if_needed()
            box.fill("Sent from the page")
            box.press("Enter")
            sent = page.locator("[data-testid=message]", has_text="Sent from the page")
            expect(sent).to_be_in_viewport()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "sandbox-pin-notice.png"))
            browser.close()
            assert errors == []


@browser_test[0]
@browser_test[1]
def test_a_menu_open_on_a_message_stays_while_others_arrive(monkeypatch):
    """Seen: the demo's "More actions" menu vanished under the pointer when the bot's answer to a
    pin arrived (the message list was drawn again, menu and all). The list now waits for the
    menu to close, then shows what arrived."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import expect, sync_playwright

    slack = FakeSlack()
    sandbox.configure(slack)
    with slack:
        general = slack.channel_id("general")
        ts = slack.actor("bob").post_message(general, "Deploys are paused")
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1200, "height": 700})
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{slack.url}/#{general}")
            posted = page.locator(f"#messages [data-ts='{ts}']")
            posted.hover()
            posted.get_by_role("button", name="More actions").click()
            menu = posted.locator(".menu")
            expect(menu).to_be_visible()

            slack.actor("carol").post_message(general, "Arrived while the menu was open")
            page.wait_for_function(
                "() => app.state.channels.some((c) => c.messages.some("
                "(m) => m.text === 'Arrived while the menu was open'))"
            )
            menu.get_by_role("button", name="Pin to channel").click(timeout=5000)
            expect(page.locator("[data-testid=pin-notice]")).to_be_visible()
            expect(
                page.locator("[data-testid=message]", has_text="Arrived while the menu was open")
            ).to_be_visible()
            browser.close()
            assert errors == []
