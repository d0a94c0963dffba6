"""Saving and restoring a workspace (the demo keeps its Slack history between runs)."""

from __future__ import annotations

from pathlib import Path

from slack_sdk import WebClient

from fakeslack import FakeSlack, persist

from .modals import HOME, declare_modal


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    saved = tmp_path / "demo" / "workspace.json"
    with FakeSlack() as first:
        client = WebClient(token=first.bot_token, base_url=first.api_url)
        channel = client.conversations_create(name="inc-1")["channel"]["id"]
        client.conversations_invite(channel=channel, users=first.user_id("alice"))
        parent = client.chat_postMessage(channel=channel, text="headline")["ts"]
        first.actor("alice").post_message(channel, "reply", thread_ts=parent)
        first.actor("alice").pin(channel, parent)
        client.bookmarks_add(channel_id=channel, title="Doc", type="link", link="https://x.test")
        client.conversations_setTopic(channel=channel, topic="SEV1")
        client.views_publish(user_id=first.user_id("alice"), view=HOME)
        trigger = first.actor("alice").slash_command("/incident").trigger_id
        client.views_open(trigger_id=trigger, view=declare_modal())
        persist.save(first, saved)
        before = first.snapshot()

    second = FakeSlack()
    assert persist.load(second, saved)
    with second:
        after = second.snapshot()
        for key in ("users", "channels", "usergroups", "views", "ephemeral"):
            assert after[key] == before[key], key
        assert second.topic("inc-1") == "SEV1" and second.pins("inc-1")[0]["ts"] == parent
        assert len(second.open_views()) == 1 and second.home_view("alice")
        # New ids and timestamps do not collide with restored ones.
        client = WebClient(token=second.bot_token, base_url=second.api_url)
        newer = client.chat_postMessage(channel="inc-1", text="after restart")["ts"]
        assert float(newer) > float(parent)
        assert client.conversations_create(name="inc-2")["channel"]["id"] != channel


def test_nothing_to_load_and_mismatched_workspaces(tmp_path: Path) -> None:
    assert persist.load(FakeSlack(), tmp_path / "missing.json") is False
    saved = tmp_path / "w.json"
    persist.save(FakeSlack(), saved)
    other = FakeSlack({"seed": 2})  # another workspace: other ids
    assert persist.load(other, saved) is False
    assert other.channels() == []
