"""`response demo` with PagerDuty: started as a person starts it, a page made through the Slack
sandbox's own control API, and the fake's on-call acknowledging it back through the webhook."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from response.integrations.pagerduty import blocks
from tests.demo.helpers import start_demo

pytestmark = pytest.mark.slow


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def act(sandbox_url: str, **body) -> dict:
    request = urllib.request.Request(
        f"{sandbox_url}/_fakeslack/act",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        raise AssertionError(f"{body}: {error.read().decode()}") from None


def state(sandbox_url: str, user: str = "alice") -> dict:
    return get(f"{sandbox_url}/sandbox/api/state?user={user}")


def wait_for(find, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := find():
            return found
        time.sleep(0.2)
    raise TimeoutError("not within the time allowed")


def messages(sandbox_url: str, channel_name_start: str) -> list[dict]:
    return [
        m
        for c in state(sandbox_url)["channels"]
        if c["name"].startswith(channel_name_start)
        for m in c["messages"]
    ]


def test_the_demo_pages_its_fake_pagerduty_and_hears_the_acknowledgement(tmp_path):
    demo = start_demo(tmp_path)
    try:
        assert "PagerDuty:     a local fake at http://127.0.0.1:" in demo.output
        url = demo.sandbox_url
        act(
            url,
            user="alice",
            action="slash_command",
            command="/incident",
            text="Checkout down",
            channel="general",
        )
        declare = wait_for(lambda: state(url)["modals"])[-1]
        act(url, user="alice", action="submit_view", view_id=declare["id"])

        headline = wait_for(
            lambda: next(
                (m for m in messages(url, "incidents") if blocks.PAGE_BUTTON in json.dumps(m)),
                None,
            )
        )
        incidents = next(c for c in state(url)["channels"] if c["name"] == "incidents")
        act(
            url,
            user="alice",
            action="click",
            channel=incidents["id"],
            message_ts=headline["ts"],
            action_id=blocks.PAGE_BUTTON,
        )
        modal = wait_for(
            lambda: next(
                (v for v in state(url)["modals"] if blocks.SERVICE in json.dumps(v["blocks"])),
                None,
            )
        )
        assert "Carol Chen" in json.dumps(modal["blocks"])
        act(
            url,
            user="alice",
            action="submit_view",
            view_id=modal["id"],
            values={blocks.SERVICE: {blocks.SERVICE: "PSVC001"}},
        )

        wait_for(lambda: any("Paged Payments on-call" in m["text"] for m in messages(url, "inc-")))
        wait_for(
            lambda: any(
                "page of Payments acknowledged by Carol Chen" in m["text"]
                for m in messages(url, "inc-")
            )
        )
    finally:
        assert demo.stop() == 0, demo.output
