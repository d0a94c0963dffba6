"""The key times card and the life strip in a real browser (Debian's Chromium, Playwright), on a
desktop and a 390-pixel phone: screenshots to artifacts/screenshots/times-*.png."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from response.core import verbs
from response.core.models import Incident, TimelineEvent
from tests.browser import SCREENSHOTS, browser_test
from tests.factories import ExternalUserFactory
from tests.web.test_browser import assert_no_sideways_scrolling

pytestmark = browser_test


def dated(entry: TimelineEvent | None, at) -> None:
    entry = entry or TimelineEvent.objects.latest("id")
    TimelineEvent.objects.filter(pk=entry.pk).update(timestamp=at)


def an_incident_with_a_life() -> Incident:
    """Impact two hours ago, reported 20 minutes later, identified, monitored, resolved; with
    updates and pinned messages along the way. Made with the verbs, dated after the fact."""
    now = timezone.now()
    start = now - timedelta(hours=2)
    lead = ExternalUserFactory(display_name="dana.lead")
    incident = verbs.declare_incident(
        title="Payments are failing", severity="critical", lead=lead, reporter=lead, by=lead
    )
    reported = start + timedelta(minutes=20)
    Incident.objects.filter(pk=incident.pk).update(
        started_at=start, detected_at=start + timedelta(minutes=10), reported_at=reported
    )
    dated(None, reported)
    verbs.set_status(incident, "identified", by=lead)
    dated(None, start + timedelta(minutes=45))
    update = verbs.post_status_update(incident, "Rolled back the deploy of 14:02", by=lead)
    dated(update, start + timedelta(minutes=55))
    pin = verbs.add_timeline_event(
        incident, "Error rate back under 1%", author=lead, source="slack:C1:1.1"
    )
    TimelineEvent.objects.filter(pk=pin.pk).update(kind=TimelineEvent.Kind.MESSAGE)
    dated(pin, start + timedelta(minutes=70))
    verbs.set_status(incident, "monitoring", by=lead)
    dated(None, start + timedelta(minutes=75))
    verbs.resolve_incident(incident, by=lead)
    incident.refresh_from_db()
    verbs.set_key_times(
        incident,
        acknowledged_at=start + timedelta(minutes=25),
        mitigated_at=start + timedelta(minutes=72),
    )
    return incident


def sign_in(page, url: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("correct horse")
    page.get_by_role("button", name="Sign in").click()


def test_the_strip_and_the_key_times_on_desktop_and_phone(browser, live_server, transactional_db):
    from playwright.sync_api import expect

    get_user_model().objects.create_user("alex", "alex@example.com", "correct horse")
    incident = an_incident_with_a_life()
    url = f"{live_server.url}/incidents/{incident.pk}/"

    for name, viewport in (("desktop", (1280, 900)), ("phone", (390, 844))):
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]},
            timezone_id="Europe/London",
            is_mobile=name == "phone",
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live_server.url)
        page.goto(url)
        strip = page.locator("svg.life-strip")
        expect(strip).to_be_visible()
        box = strip.bounding_box()
        assert box["width"] > viewport[0] * 0.6 and box["x"] + box["width"] <= viewport[0]
        segments = strip.locator("rect.seg")
        assert segments.count() == 4  # not reported yet, investigating, identified, monitoring
        widths = [segments.nth(i).bounding_box()["width"] for i in range(4)]
        assert all(w > 5 for w in widths)  # each stretch visible, even on a phone
        assert strip.locator("circle.mark").count() == 2
        assert_no_sideways_scrolling(page)
        page.locator("section.life").screenshot(path=str(SCREENSHOTS / f"times-strip-{name}.png"))

        # A marker links to its timeline entry.
        strip.locator("a").first.click()
        expect(page).to_have_url(f"{url}#entry-{TimelineEvent.objects.get(kind='update').pk}")

        # The key times card: a refusal by its field.
        page.locator("#key-times summary", has_text="Correct the key times").click()
        page.locator("#key-times").scroll_into_view_if_needed()
        page.locator("#key-times").screenshot(path=str(SCREENSHOTS / f"times-card-{name}.png"))
        page.get_by_label("Mitigated").fill("2020-01-01T10:00:00")
        page.get_by_role("button", name="Save key times").click()
        error = page.locator("#key-times .field.has-error .field-error")
        expect(error).to_contain_text("Mitigated (01 Jan 2020 10:00 UTC) cannot be before")
        assert_no_sideways_scrolling(page)
        page.locator("#key-times").screenshot(
            path=str(SCREENSHOTS / f"times-card-refused-{name}.png")
        )
        page.screenshot(path=str(SCREENSHOTS / f"times-page-{name}.png"), full_page=True)

        # The write-up draws it too.
        page.goto(f"{url}write-up/")
        expect(page.locator("svg.life-strip rect.seg")).to_have_count(4)
        assert_no_sideways_scrolling(page)
        page.screenshot(path=str(SCREENSHOTS / f"times-writeup-{name}.png"), full_page=True)
        context.close()
