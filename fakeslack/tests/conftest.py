"""Fixtures for fakeslack's own tests: a workspace, an SDK client, a Bolt app over HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from fakeslack import FakeSlack

# The plugin under test; also what the product's conftest loads.
pytest_plugins = ["fakeslack.pytest_plugin"]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def client(slack: FakeSlack) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)


def bolt_app(slack: FakeSlack, *, signing_secret: str | None = None) -> App:
    """A Bolt app talking to fakeslack, verifying signatures, answering only after its listener."""
    return App(
        client=WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5),
        signing_secret=signing_secret or slack.signing_secret,
        process_before_response=True,
    )


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class BoltHttp:
    """A Bolt app served over real HTTP (Bolt's WSGI adapter) at ``url``."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.server = make_server(
            "127.0.0.1",
            0,
            SlackRequestHandler(app),
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}/slack/events"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve_bolt() -> Iterator:
    """``serve_bolt(app)`` serves a Bolt app over HTTP until the test ends."""
    servers: list[BoltHttp] = []

    def serve(app: App) -> BoltHttp:
        server = BoltHttp(app)
        servers.append(server)
        return server

    yield serve
    for server in servers:
        server.stop()
