"""`response demo` shows the status page working: its local Statuspage beside the Slack sandbox,
published to through the sandbox as a person does it, and its page kept between runs."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from tests.demo.helpers import start_demo

pytestmark = pytest.mark.slow


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def act(sandbox_url: str, **body) -> dict:
    request = urllib.request.Request(
        f"{sandbox_url}/_fakeslack/act",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def state(sandbox_url: str) -> dict:
    return json.loads(get(f"{sandbox_url}/_fakeslack/state"))


def wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.2)
    raise TimeoutError("condition not met")


def open_view(sandbox_url: str, callback_id: str) -> dict | None:
    views = state(sandbox_url)["views"]
    return next((v for v in views if v["is_open"] and v.get("callback_id") == callback_id), None)


def headline_with_button(sandbox_url: str) -> tuple[str, str] | None:
    for channel in state(sandbox_url)["channels"]:
        for message in channel["messages"]:
            if "statuspage-open" in json.dumps(message.get("blocks") or []):
                return channel["id"], message["ts"]
    return None


def test_the_demo_publishes_to_its_local_status_page(tmp_path):
    demo = start_demo(tmp_path)
    try:
        status_url = demo.wait_for_line(r"status page:\s+(http://\S+?)/?\s").group(1)
        assert "Website: operational" in get(f"{status_url}/")

        sandbox = demo.sandbox_url
        act(
            sandbox,
            user="alice",
            action="slash_command",
            command="/incident",
            text="Checkout is down",
        )
        declare = wait_for(lambda: open_view(sandbox, "declare-incident-modal"))
        act(sandbox, user="alice", action="submit_view", view_id=declare["id"])
        channel_id, ts = wait_for(lambda: headline_with_button(sandbox))

        act(
            sandbox,
            user="alice",
            action="click",
            channel=channel_id,
            message_ts=ts,
            action_id="statuspage-open",
        )
        form = wait_for(lambda: open_view(sandbox, "statuspage-modal"))
        values = {"statuspage-message": {"statuspage-message": "Some customers cannot pay."}}
        act(sandbox, user="alice", action="submit_view", view_id=form["id"], values=values)

        page = wait_for(lambda: (p := get(f"{status_url}/")) and "Checkout is down" in p and p)
        assert "Some customers cannot pay." in page
    finally:
        assert demo.stop() == 0, demo.output

    again = start_demo(tmp_path)
    try:
        status_url = again.wait_for_line(r"status page:\s+(http://\S+?)/?\s").group(1)
        assert "Checkout is down" in get(f"{status_url}/")  # kept between runs
    finally:
        assert again.stop() == 0, again.output
