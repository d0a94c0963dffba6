"""The post-mortem in a real browser (Debian's Chromium, Playwright): started from the write-up,
a section edited, the owner and state changed, then printed: the print stylesheet leaves the
document and hides the navigation and the forms. Screenshots and a PDF to
artifacts/screenshots/postmortem-*."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from response.core import verbs
from response.core.models import PostMortem
from tests.browser import SCREENSHOTS, browser_test
from tests.factories import ExternalUserFactory
from tests.web.test_browser import assert_no_sideways_scrolling
from tests.web.test_times_browser import an_incident_with_a_life, sign_in

pytestmark = browser_test


def test_write_edit_and_print_the_postmortem(browser, live_server, transactional_db):
    from playwright.sync_api import expect

    get_user_model().objects.create_user("alex", "alex@example.com", "correct horse")
    incident = an_incident_with_a_life()
    verbs.add_action(incident, "Alert on the card error rate", owner=incident.lead)
    ExternalUserFactory(display_name="carol.sre")
    url = f"{live_server.url}/incidents/{incident.pk}/write-up/"

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url)
    page.goto(url)
    page.get_by_role("button", name="Start the post-mortem").click()
    expect(page.locator("#postmortem")).to_contain_text("Draft")
    expect(page.locator("#pm-root_cause")).to_contain_text("Error rate back under 1%")
    expect(page.locator("#pm-follow_ups")).to_contain_text("Alert on the card error rate")

    # Write the root cause.
    page.locator("#pm-root_cause").get_by_role("link", name="Edit").click()
    page.get_by_role("textbox", name="Root cause").fill(
        "A **config push** disabled the card retries.\n\n- found by the error rate alert"
    )
    page.get_by_role("button", name="Save root cause").click()
    expect(page.locator("#pm-root_cause strong")).to_have_text("config push")
    expect(page.locator("#pm-root_cause .pm-prefilled")).to_have_count(0)

    # Two people on one section: the later save is refused, its text kept beside the other's.
    page.locator("#pm-lessons").get_by_role("link", name="Edit").click()
    verbs.edit_postmortem_section(
        PostMortem.objects.get(), "lessons", "Stage config pushes", by=incident.lead
    )
    page.get_by_role("textbox", name="Lessons").fill("Alert on retries")
    page.get_by_role("button", name="Save lessons").click()
    expect(page.locator(".field-error")).to_contain_text("changed by dana.lead")
    expect(page.locator(".pm-conflict")).to_contain_text("Stage config pushes")
    expect(page.get_by_role("textbox", name="Lessons")).to_have_value("Alert on retries")
    page.screenshot(path=str(SCREENSHOTS / "postmortem-conflict.png"), full_page=True)
    page.get_by_role("textbox", name="Lessons").fill("Stage config pushes; alert on retries")
    page.get_by_role("button", name="Save lessons").click()  # merged: saved
    expect(page.locator("#pm-lessons")).to_contain_text("Stage config pushes; alert on retries")

    # Owner and state.
    page.get_by_label("Owner").select_option(label="carol.sre")
    page.get_by_role("button", name="Save owner").click()
    expect(page.locator("#postmortem")).to_contain_text("carol.sre")
    page.get_by_label("State").select_option("in_review")
    page.get_by_role("button", name="Save state").click()
    expect(page.locator("#postmortem .pm-state")).to_have_text("In review")
    assert PostMortem.objects.get().state == "in_review"
    assert_no_sideways_scrolling(page)
    page.screenshot(path=str(SCREENSHOTS / "postmortem-screen.png"), full_page=True)

    # Printed: the document, without the navigation, the forms and the edit links.
    page.emulate_media(media="print")
    for hidden in (".topbar", ".pm-controls", ".writeup-tools", ".pm-edit", ".pm-prefilled"):
        for i in range(page.locator(hidden).count()):
            expect(page.locator(hidden).nth(i)).to_be_hidden()
    expect(page.locator("#pm-root_cause")).to_be_visible()
    expect(page.locator("#postmortem dl")).to_contain_text("carol.sre")
    page.screenshot(path=str(SCREENSHOTS / "postmortem-print.png"), full_page=True)
    pdf = page.pdf(path=str(SCREENSHOTS / "postmortem.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")
    context.close()
