"""The affected services card in a real browser (Debian's Chromium, Playwright), on a desktop and
a 390-pixel phone: tick services, save, see them. Screenshots to
artifacts/screenshots/services-*.png."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from response.core import verbs
from response.core.models import Incident
from tests.browser import SCREENSHOTS, browser_test
from tests.web.test_browser import assert_no_sideways_scrolling
from tests.web.test_times_browser import sign_in

pytestmark = browser_test


def test_choosing_the_affected_services(browser, live_server, transactional_db):
    from playwright.sync_api import expect

    get_user_model().objects.create_user("alex", "alex@example.com", "correct horse")
    for slug, name in (("checkout", "Checkout"), ("ledger", "Ledger"), ("search", "Search")):
        verbs.save_service(slug=slug, name=name)

    for name, viewport in (("desktop", (1280, 900)), ("phone", (390, 844))):
        incident = verbs.declare_incident(title=f"Payments are failing ({name})")
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, is_mobile=name == "phone"
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live_server.url)
        page.goto(f"{live_server.url}/incidents/{incident.pk}/")
        card = page.locator("#services")
        expect(card).to_contain_text("None named yet.")
        card.locator("summary", has_text="Choose services").click()
        card.get_by_label("Checkout").check()
        card.get_by_label("Ledger").check()
        card.scroll_into_view_if_needed()
        card.screenshot(path=str(SCREENSHOTS / f"services-form-{name}.png"))
        card.get_by_role("button", name="Save").click()
        expect(page.locator("#services ul.services li")).to_have_text(["Checkout", "Ledger"])
        assert sorted(
            Incident.objects.get(pk=incident.pk).services.values_list("slug", flat=True)
        ) == ["checkout", "ledger"]
        assert_no_sideways_scrolling(page)
        page.locator("#services").scroll_into_view_if_needed()
        page.locator("#services").screenshot(path=str(SCREENSHOTS / f"services-card-{name}.png"))
        context.close()
