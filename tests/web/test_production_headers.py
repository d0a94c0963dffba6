"""`RESPONSE_ENV=production`: a real `response web` process behind a (pretend) TLS-terminating
proxy sends HSTS, the Content Security Policy and secure cookies, and redirects plain HTTP."""

from __future__ import annotations

import http.client
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.processes import Running, clean_environment

RESPONSE = str(Path(sys.executable).parent / "response")


@pytest.fixture
def production_web(tmp_path):
    env = clean_environment(
        RESPONSE_DATA_DIR=str(tmp_path),
        RESPONSE_ENV="production",
        SECRET_KEY="p" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://127.0.0.1",
        # Production needs Slack's credentials; Slack itself is not asked here (a closed port).
        SLACK_BOT_TOKEN="xoxb-1-2-3",
        SLACK_SIGNING_SECRET="s" * 32,
        SLACK_API_URL="http://127.0.0.1:9/api/",
        RESPONSE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        RESPONSE_QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}",
    )
    with Running([RESPONSE, "migrate", "--verbosity", "0"], env=env) as migrate:
        assert migrate.process.wait(timeout=180) == 0, migrate.output
    with Running([RESPONSE, "web", "--port", "0"], env=env) as web:
        url = web.wait_for_line(r"serving on (http://\S+?)/?\s").group(1)
        yield urlsplit(url).netloc
        assert web.interrupt() == 0


def get(netloc: str, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(netloc, timeout=60)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_production_pages_carry_the_security_headers_and_plain_http_is_redirected(
    production_web,
):
    page = get(production_web, "/login/", **{"X-Forwarded-Proto": "https"})
    assert page.status == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    cookies = page.headers.get_all("Set-Cookie")
    csrf = next(c for c in cookies if c.startswith("csrftoken="))
    assert "Secure" in csrf

    # What the proxy did not say came over HTTPS is sent there.
    page = get(production_web, "/login/")
    assert page.status == 301
    assert page.headers["Location"].startswith("https://")
    # Probes inside the network are not.
    assert get(production_web, "/health").status == 200
