"""Shared by the Sign in with Slack tests: Response's live server wired to a fakeslack
workspace's OpenID Connect, and a browser made of urllib (cookies kept, redirects followed one at a
time so each hop can be looked at)."""

from __future__ import annotations

import html.parser
import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest

from fakeslack import FakeSlack


@pytest.fixture
def signin_slack(fakeslack: FakeSlack, live_server, settings) -> FakeSlack:
    """Response (the live server) with Sign in with Slack set up for fakeslack's workspace."""
    settings.SLACK_BOT_TOKEN = fakeslack.bot_token
    settings.SLACK_SIGNING_SECRET = fakeslack.signing_secret
    settings.SLACK_API_URL = fakeslack.api_url
    settings.SLACK_CLIENT_ID = fakeslack.client_id
    settings.SLACK_CLIENT_SECRET = fakeslack.client_secret
    settings.SLACK_TEAM_ID = ""
    settings.RESPONSE_SLACK_STAFF = []
    settings.RESPONSE_PASSWORD_LOGIN = True
    settings.SITE_URL = live_server.url
    return fakeslack


@dataclass
class Answer:
    url: str
    status: int
    location: str
    body: str

    @property
    def next_url(self) -> str:
        return urllib.parse.urljoin(self.url, self.location)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Keeps cookies like a browser; `go` follows redirects and returns every hop."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def get(self, url: str) -> Answer:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, form: dict[str, str]) -> Answer:
        data = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(url, data=data, headers={"Referer": url}))

    def go(self, url: str, *, hops: int = 10) -> list[Answer]:
        answers = [self.get(url)]
        while answers[-1].status in (301, 302, 303) and len(answers) < hops:
            answers.append(self.get(answers[-1].next_url))
        return answers

    def csrf_token(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with self._opener.open(request, timeout=30) as response:
                return Answer(request.full_url, response.status, "", response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(
                request.full_url,
                error.code,
                error.headers.get("Location", ""),
                error.read().decode(errors="replace"),
            )


class Links(html.parser.HTMLParser):
    """Every link of a page, with its text."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href, self._text = dict(attrs).get("href") or "", []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None

    def href(self, text: str) -> str:
        [found] = [href for href, label in self.links if text in label]
        return found


def sign_in(browser: Browser, site: str, person: str, *, start: str = "/login/") -> list[Answer]:
    """Through the login page's button and fakeslack's authorize page, picking `person` (their
    real name, as on the page); every hop from the click on that name."""
    login = browser.get(site + start)
    assert login.status == 200, login.body
    out = browser.go(urllib.parse.urljoin(login.url, Links(login.body).href("Sign in with Slack")))
    authorize = out[-1]
    assert authorize.status == 200 and "Sign in to Acme Corp" in authorize.body, authorize.body
    return browser.go(urllib.parse.urljoin(authorize.url, Links(authorize.body).href(person)))
