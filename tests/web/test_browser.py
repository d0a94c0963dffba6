"""The web UI in a real browser: Debian's Chromium driven by Playwright (never a downloaded one).

Screenshots of every page go to artifacts/screenshots/ (gitignored; CI keeps them as artefacts).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.auth import get_user_model

from response.core import verbs
from response.core.models import Incident, Severity
from tests.browser import SCREENSHOTS, browser_test
from tests.factories import ExternalUserFactory

pytestmark = browser_test


def shot(page, name: str, *, full_page: bool = True) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def seed_severities() -> None:
    # Transactional tests empty the tables, seeded rows included.
    for rank, (slug, name) in enumerate(
        [("critical", "Critical"), ("major", "Major"), ("minor", "Minor")], start=1
    ):
        Severity.objects.get_or_create(slug=slug, defaults={"name": name, "rank": rank})


def make_incidents():
    seed_severities()
    lead = ExternalUserFactory(display_name="dana.lead", full_name="Dana Lead")
    reporter = ExternalUserFactory(display_name="rory")
    others = [
        ("Search results are stale", "minor", "Indexing lags by *20 minutes*."),
        ("Login emails delayed", "major", "Mail provider throttling us."),
    ]
    for title, severity, summary in others:
        verbs.declare_incident(title=title, severity=severity, summary=summary, by=reporter)
    old = verbs.declare_incident(title="CDN certificate expired", severity="major", by=reporter)
    verbs.resolve_incident(old, by=reporter)
    incident = verbs.declare_incident(
        title="Payments are failing",
        summary="Card payments fail at checkout.",
        impact="- All EU customers\n- About **30%** of orders",
        severity="critical",
        lead=lead,
        reporter=reporter,
        by=reporter,
    )
    verbs.set_status(incident, "identified", by=lead)
    verbs.add_timeline_event(
        incident,
        "Error rate on /checkout is 30%",
        author=lead,
        source="slack:C0PAY:1764000000.000100",
        url="https://example.slack.com/archives/C0PAY/p1764000000000100",
    )
    action = verbs.add_action(incident, "Alert on payment error rate", owner=lead, by=lead)
    verbs.add_action(incident, "Write the payment-provider runbook", by=lead)
    return incident, action, lead


def test_incident_workflow_in_a_browser(browser, live_server, transactional_db):
    from playwright.sync_api import expect

    get_user_model().objects.create_user("alex", "alex@example.com", "correct horse")
    incident, action, lead = make_incidents()

    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        timezone_id="Europe/London",
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)

    # Sign in: the list asks for it first.
    page.goto(f"{live_server.url}/incidents/")
    expect(page).to_have_url(re.compile(r"/login/"))
    shot(page, "01-login")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    expect(page.locator("table.incidents tbody tr")).to_have_count(4)
    shot(page, "02-incident-list")

    # Find it by search.
    page.get_by_role("searchbox", name="Search").fill("checkout")
    page.keyboard.press("Enter")
    expect(page.locator("table.incidents tbody tr")).to_have_count(1)
    shot(page, "03-search")
    page.get_by_role("link", name=re.compile("Payments are failing")).click()
    expect(page.get_by_role("heading", name="Payments are failing")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Times in Europe/London")
    shot(page, "04-incident")

    # Edit the summary.
    page.get_by_text("Edit title, summary, impact and start time").click()
    page.locator("#id_summary").fill("**Card payments** fail at checkout since the 14:00 deploy.")
    page.get_by_role("button", name="Save details").click()
    expect(page.locator(".prose strong").first).to_have_text("Card payments")
    expect(page.get_by_role("status")).to_contain_text("Details saved.")
    incident.refresh_from_db()
    assert incident.summary.startswith("**Card payments**")

    # Add a timeline entry (htmx: no reload).
    page.get_by_label("Entry").fill("Rolled back release 2026.11.27-3")
    page.get_by_role("button", name="Add to timeline").click()
    expect(page.locator("#timeline-live")).to_contain_text("Rolled back release 2026.11.27-3")
    expect(page.get_by_label("Entry")).to_have_value("")

    # A message pinned in Slack appears live, without a reload.
    marker = page.evaluate("window.__notReloaded = true")
    assert marker is True
    verbs.add_timeline_event(
        incident,
        "Pinned: error rate back under 1%",
        author=lead,
        source="slack:C0PAY:1764000999.000200",
        url="https://example.slack.com/archives/C0PAY/p1764000999000200",
    )
    expect(page.locator("#timeline-live")).to_contain_text(
        "Pinned: error rate back under 1%", timeout=15_000
    )
    assert page.evaluate("window.__notReloaded") is True
    shot(page, "05-incident-live-pin")

    # Complete a follow-up action.
    check = page.locator(f"#action-{action.pk} button.check")
    check.click()
    expect(page.locator(f"#action-{action.pk} button.check")).to_have_attribute(
        "aria-pressed", "true"
    )
    action.refresh_from_db()
    assert action.done

    # Assign the other action: its form is fetched when "Edit" opens.
    other = incident.actions.get(done=False)
    page.locator(f"#action-{other.pk} .action-edit > summary").click()
    page.locator(f"#action-{other.pk}-owner").wait_for()
    page.locator(f"#action-{other.pk}-owner").select_option(label="dana.lead")
    page.locator(f"#action-{other.pk}").screenshot(path=str(SCREENSHOTS / "05b-action-edit.png"))
    page.locator(f"#action-{other.pk}").get_by_role("button", name="Save action").click()
    expect(page.locator(f"#action-{other.pk} .action-meta")).to_contain_text("dana.lead")
    other.refresh_from_db()
    assert other.owner == lead

    # The write-up, and its Markdown export.
    page.get_by_role("link", name="Write-up").click()
    expect(page.get_by_text("Post-incident report")).to_be_visible()
    shot(page, "06-write-up")
    page.emulate_media(media="print")
    shot(page, "07-write-up-print")
    page.emulate_media(media="screen")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Markdown").click()
    download = download_info.value
    assert download.suggested_filename == f"incident-{incident.pk}-payments-are-failing.md"
    exported = Path(download.path()).read_text()
    assert "**Card payments** fail at checkout" in exported
    assert "- [x] Alert on payment error rate" in exported
    assert "Pinned: error rate back under 1%" in exported

    # Declaring from the web.
    page.get_by_role("link", name="Declare", exact=True).click()
    shot(page, "08-declare")
    page.get_by_label("Title").fill("Webhooks are retrying")
    page.get_by_label("Severity").select_option(label="Major")
    page.get_by_role("button", name="Declare incident").click()
    expect(page.get_by_role("heading", name="Webhooks are retrying")).to_be_visible()
    assert Incident.objects.filter(title="Webhooks are retrying", severity__slug="major").exists()
    context.close()

    # On a phone.
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        timezone_id="Europe/London",
    )
    page = phone.new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    shot(page, "09-phone-list")
    assert_no_sideways_scrolling(page)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    expect(page.get_by_role("heading", name="Payments are failing")).to_be_visible()
    assert_no_sideways_scrolling(page)
    shot(page, "10-phone-incident")
    shot(page, "11-phone-incident-first-screen", full_page=False)
    page.locator("#timeline").scroll_into_view_if_needed()
    shot(page, "12-phone-timeline-screen", full_page=False)
    phone.close()


def assert_no_sideways_scrolling(page) -> None:
    """Nothing wider than the screen: a phone scrolls only down."""
    wider = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((e) => !e.closest(".sr-only, thead"))  // read to screen readers, not shown
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map((e) => e.tagName + "." + e.className).slice(0, 5)"""
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] and not wider, (width, wider)
