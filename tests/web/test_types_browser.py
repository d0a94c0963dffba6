"""The incident page's type card in a real browser (Debian's Chromium, Playwright), on a
desktop and a 390-pixel phone: screenshots to artifacts/screenshots/types-*.png."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from response.core.selectors import field_values_of
from tests.browser import SCREENSHOTS, browser_test
from tests.factories import declare
from tests.incident_types import customer_type, security_type
from tests.web.test_browser import assert_no_sideways_scrolling
from tests.web.test_times_browser import sign_in

pytestmark = browser_test


@pytest.mark.parametrize(("name", "width", "height"), [("desktop", 1280, 900), ("phone", 390, 844)])
def test_the_type_card_shows_answers_and_changes_them(
    browser, live_server, transactional_db, name, width, height
):
    from playwright.sync_api import expect

    get_user_model().objects.create_user("alex", "alex@example.com", "correct horse")
    security_type()
    customer_type()
    incident = declare(
        "Keys leaked on GitHub",
        incident_type="security",
        fields={
            "data_exposed": "Internal",
            "regions": ["EU", "US"],
            "ticket": "https://tickets.example.com/SEC-42",
        },
        is_private=False,
    )
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=name == "phone"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/")
    card = page.locator("#type")
    expect(card.locator("dd").first).to_have_text("Security")
    expect(card.get_by_role("link", name="https://tickets.example.com/SEC-42")).to_be_visible()

    card.locator("summary", has_text="Change the type and its fields").click()
    card.get_by_label("Records affected").fill("a dozen")
    card.get_by_role("button", name="Save type").click()
    card = page.locator("#type")
    expect(card.locator(".field.has-error .field-error")).to_contain_text(
        "Records affected must be a number, not “a dozen”."
    )
    assert_no_sideways_scrolling(page)
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(SCREENSHOTS / f"types-card-refused-{name}.png"))

    card.get_by_label("Records affected").fill("12")
    card.get_by_role("button", name="Save type").click()
    expect(page.locator("#type")).to_contain_text("Records affected")
    assert field_values_of(incident)["records"] == 12
    page.locator("#type").scroll_into_view_if_needed()
    page.locator("#type").screenshot(path=str(SCREENSHOTS / f"types-card-{name}.png"))
    context.close()


def test_declaring_with_a_type_shows_its_fields_as_it_is_chosen(
    browser, live_server, transactional_db
):
    from playwright.sync_api import expect

    from response.core.models import Incident

    get_user_model().objects.create_user("alex", "alex@example.com", "correct horse")
    security_type()
    customer_type()
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/incidents/declare/")
    page.get_by_label("Title").fill("Keys leaked on GitHub")
    expect(page.get_by_label("Data exposed")).to_have_count(0)
    page.get_by_label("Type").select_option("security")
    expect(page.get_by_label("Data exposed")).to_be_visible()  # swapped in by htmx
    expect(page.get_by_label("Private")).to_be_checked()  # the type is private by default
    expect(page.get_by_label("EU")).to_be_checked()  # the default region
    page.get_by_label("Data exposed").select_option("Customer")
    page.get_by_label("Records affected").fill("120")
    page.locator("#declare-type").screenshot(path=str(SCREENSHOTS / "types-declare.png"))
    page.get_by_role("button", name="Declare incident").click()
    expect(page.locator("#type")).to_contain_text("Customer")
    incident = Incident.objects.get()
    assert incident.is_private and incident.type.slug == "security"
    assert field_values_of(incident) == {
        "data_exposed": "Customer",
        "regions": ["EU"],
        "records": 120,
    }
    page.screenshot(path=str(SCREENSHOTS / "types-declared-page.png"), full_page=True)
    context.close()
