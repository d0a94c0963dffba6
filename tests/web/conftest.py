import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.browser import SCREENSHOTS, launch_chromium


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium, for the browser tests of this folder."""
    # Playwright's sync API runs an event loop in this thread; the test thread's own ORM calls
    # are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("alex", "alex@example.com", "correct horse")


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user("sam", "sam@example.com", "pw", is_staff=True)


@pytest.fixture
def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


from tests.web.signin import signin_slack  # noqa: E402, F401  (the Sign in with Slack fixture)
