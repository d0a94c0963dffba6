"""The insights page in Chromium, at desktop width and on a 390 px phone, under the production
Content Security Policy. Screenshots go to artifacts/screenshots/insights-*.png."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from response.core import verbs
from tests.browser import browser_test
from tests.core.test_insights import make_incident
from tests.factories import ExternalUserFactory
from tests.web.test_browser import assert_no_sideways_scrolling, seed_severities, shot
from tests.web.test_browser_csp import REPORT_VIOLATIONS

pytestmark = browser_test


def make_history() -> None:
    """Twelve weeks of incidents of every severity, most of them resolved, a few led by the same
    people (some with a comms lead), one private."""
    seed_severities()
    leads = [ExternalUserFactory(display_name=name) for name in ("dana", "rory", "kim", "ade")]
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for i in range(36):
        reported = now - timedelta(days=2 + i * 2, hours=i % 5)
        severity = ("critical", "major", "major", "minor", "minor", "minor")[i % 6]
        resolved = i % 7 != 0
        incident = make_incident(
            reported,
            severity=severity,
            lead=leads[i % 3 if i % 2 else 0],
            started_before=timedelta(minutes=5 + i % 4 * 10),
            acknowledged=timedelta(minutes=8 + (i * 7) % 30),
            identified=timedelta(minutes=20 + i % 5 * 10) if i % 3 else None,
            monitoring=timedelta(minutes=70 + i * 3) if resolved else None,
            resolved=timedelta(minutes=90 + i * 3 + (i * 37) % 400) if resolved else None,
            is_private=i == 5,
            is_report_only=i == 21,  # neither identified nor resolved: it was never live
        )
        if i % 4 == 1:
            verbs.assign_role(incident, "comms", leads[3])


def test_the_insights_page_in_a_browser(browser, live_server, transactional_db, settings):
    from playwright.sync_api import expect

    settings.SECURE_CSP = settings.RESPONSE_CSP  # what RESPONSE_ENV=production sends
    get_user_model().objects.create_user("alex", "alex@example.com", "correct horse")
    make_history()

    for name, viewport in (
        ("desktop", {"width": 1280, "height": 900}),
        ("phone", {"width": 390, "height": 844}),
    ):
        context = browser.new_context(
            viewport=viewport,
            accept_downloads=True,
            timezone_id="Europe/London",
            **(
                {"device_scale_factor": 2, "is_mobile": True, "has_touch": True}
                if name == "phone"
                else {}
            ),
        )
        context.add_init_script(REPORT_VIOLATIONS)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill("alex")
        page.get_by_label("Password").fill("correct horse")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
        page.get_by_role("link", name="Insights").click()
        expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
        expect(page.locator(".insights-total")).to_have_text("35")  # the private one is hidden
        expect(page.locator("svg.chart-svg")).to_have_count(6)
        for title in ("Incidents per week by severity", "Time to resolve", "Load on people"):
            expect(page.get_by_role("img", name=title)).to_be_visible()
        shot(page, f"insights-{name}")
        if name == "phone":
            assert_no_sideways_scrolling(page)
            shot(page, "insights-phone-first-screen", full_page=False)
        else:
            # The table behind a chart, then its CSV.
            section = page.locator("#incidents-per-week")
            section.get_by_text("Show the figures as a table").click()
            expect(section.locator("tbody tr").first).to_be_visible()
            with page.expect_download() as download:
                section.get_by_role("link", name="Download CSV").click()
            rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
            assert rows[0] == ["Week", "Critical", "Major", "Minor", "Trivial", "Total"]
            assert sum(int(row[-1]) for row in rows[1:]) == 35
            # Filter: without report-only incidents, critical only.
            page.locator("#id_report_only").select_option("exclude")
            page.get_by_label("Critical").check()
            page.get_by_role("button", name="Show").click()
            expect(page.locator(".insights-total")).to_have_text("6")
            shot(page, "insights-desktop-filtered")
        assert page.evaluate("window.__violations") == []
        context.close()
