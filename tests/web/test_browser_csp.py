"""The pages keep the production Content Security Policy: Chromium loads each page and what it
fetches with the policy on, and reports no violation (an inline script, an inline style, an
eval by htmx, a resource from elsewhere)."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model

from response.core import verbs
from tests.browser import browser_test
from tests.web.test_browser import make_incidents

pytestmark = browser_test

REPORT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`);
});
"""


def test_every_page_keeps_the_content_security_policy(browser, live_server, settings):
    from playwright.sync_api import expect

    settings.SECURE_CSP = settings.RESPONSE_CSP  # what RESPONSE_ENV=production sends
    get_user_model().objects.create_superuser("alex", "alex@example.com", "correct horse")
    incident, action, lead = make_incidents()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(60_000)  # a loaded machine: pages may take long, never fail
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    violations: list[str] = []

    def visited(path: str, heading: str | re.Pattern) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.get_by_role("heading", name=heading).first).to_be_visible(timeout=60_000)
        violations.extend(page.evaluate("window.__violations"))

    page.goto(f"{live_server.url}/login/")
    violations.extend(page.evaluate("window.__violations"))
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()

    visited("/incidents/", "Incidents")
    visited(f"/incidents/{incident.pk}/", "Payments are failing")
    # htmx at work under the policy: an edit form fetched, a live refresh of the timeline.
    page.locator(f"#action-{action.pk} .action-edit > summary").click()
    page.locator(f"#action-{action.pk}-owner").wait_for()
    page.locator(f"#action-{action.pk} .action-edit > summary").click()  # closed again
    page.locator("body").click(position={"x": 5, "y": 5})
    verbs.add_timeline_event(incident, "Pinned: error rate back under 1%", author=lead)
    expect(page.locator("#timeline-live")).to_contain_text(
        "Pinned: error rate back under 1%", timeout=60_000
    )
    violations.extend(page.evaluate("window.__violations"))
    visited(f"/incidents/{incident.pk}/write-up/", "Payments are failing")
    visited("/incidents/declare/", re.compile("Declare"))
    visited("/admin/", "Site administration")
    visited(f"/admin/core/incident/{incident.pk}/change/", re.compile("Change incident"))
    visited("/admin/engine/job/", re.compile("job", re.I))
    context.close()

    assert violations == []
    assert not [line for line in console if "Content Security Policy" in line], console
