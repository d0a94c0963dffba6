"""Acting as users: what the Slack client allows, and what the workspace looks like after."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from slack_sdk import WebClient

from fakeslack import FakeSlack, SlackError

from .modals import headline_blocks


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_users_post_only_where_they_are_members(slack: FakeSlack, client: WebClient) -> None:
    alice, bob = slack.actor("alice"), slack.actor("bob")
    channel = client.conversations_create(name="inc-1")["channel"]["id"]
    with pytest.raises(SlackError) as raised:
        alice.post_message(channel, "let me in")
    assert raised.value.error == "not_in_channel"
    alice.join(channel)
    assert alice.post_message(channel, "in now")
    with pytest.raises(SlackError) as hidden:
        bob.post_message("security", "private")
    assert hidden.value.error == "channel_not_found"
    slack.actor("heidi").post_message("security", "we can")


def test_mentions_and_channel_links_are_encoded(slack: FakeSlack) -> None:
    ts = slack.actor("alice").post_message("incidents", "@bob see #general, @here @nobody")
    text = slack.message("incidents", ts)["text"]
    bob, general = slack.user_id("bob"), slack.channel_id("general")
    assert text == f"<@{bob}> see <#{general}|general>, <!here> @nobody"


def test_messages_view(slack: FakeSlack) -> None:
    alice = slack.actor("alice")
    parent = alice.post_message("incidents", "parent")
    reply = alice.post_message("incidents", "reply", thread_ts=parent)
    alice.pin("incidents", parent)
    alice.react("incidents", parent, ":fire:")
    messages = slack.messages("incidents")
    assert [m["text"] for m in messages] == ["parent", "reply"]
    assert messages[0]["pinned"] and messages[0]["reactions"][0]["name"] == "fire"
    assert messages[1]["thread_ts"] == parent and messages[1]["ts"] == reply
    assert [m["text"] for m in slack.messages("incidents", replies=False)] == ["parent"]
    alice.edit_message("incidents", parent, "parent (edited)")
    assert slack.message("incidents", parent)["text"] == "parent (edited)"
    with pytest.raises(SlackError):
        slack.actor("bob").edit_message("incidents", parent, "not mine")
    alice.delete_message("incidents", reply)
    assert [m["text"] for m in slack.messages("incidents")] == ["parent (edited)"]


def test_direct_message_to_the_bot(slack: FakeSlack) -> None:
    slack.actor("alice").post_message(slack.bot_user_id, "help")
    [event] = slack.events("message")
    assert event["channel_type"] == "im" and event["channel"].startswith("D")
    assert not slack.events("app_mention")


def test_channel_changes(slack: FakeSlack, client: WebClient) -> None:
    alice = slack.actor("alice")
    channel = client.conversations_create(name="inc-2")["channel"]["id"]
    alice.join(channel)
    assert slack.user_id("alice") in slack.members(channel)
    alice.rename_channel(channel, "inc-2-payments")
    assert slack.channel(channel)["name"] == "inc-2-payments"
    with pytest.raises(SlackError) as raised:
        alice.rename_channel(channel, "Not Valid")
    assert raised.value.error == "invalid_name_specials"
    alice.set_topic(channel, "SEV2")
    assert slack.topic(channel) == "SEV2"
    alice.archive_channel(channel)
    assert slack.channel(channel)["is_archived"]
    with pytest.raises(SlackError):
        alice.post_message(channel, "too late")
    assert [e["type"] for e in slack.events()] == [
        "member_joined_channel",
        "channel_rename",
        "channel_archive",
    ]


def test_response_url_replace_delete_and_limits(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.channel_id("incidents")
    ts = client.chat_postMessage(channel=channel, text="x", blocks=headline_blocks())["ts"]
    alice = slack.actor("alice")
    clicked = alice.click(channel, ts, "close_incident")
    response_url = clicked.payload["response_url"]
    assert post_json(response_url, {"replace_original": True, "text": "Replaced"})["ok"]
    assert slack.message(channel, ts)["text"] == "Replaced"
    post_json(response_url, {"text": "Just for you"})
    assert [e["text"] for e in slack.ephemeral(channel, "alice")] == ["Just for you"]
    post_json(response_url, {"text": "Everyone", "response_type": "in_channel"})
    assert slack.messages(channel)[-1]["text"] == "Everyone"
    post_json(response_url, {"delete_original": True})
    assert ts not in [m["ts"] for m in slack.messages(channel)]
    post_json(response_url, {"text": "fifth"})  # Slack allows five uses
    with pytest.raises(urllib.error.HTTPError) as raised:
        post_json(response_url, {"text": "sixth"})
    assert json.load(raised.value)["error"] == "used_url"


def test_buttons_in_ephemeral_messages(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.channel_id("incidents")
    client.chat_postEphemeral(
        channel=channel, user=slack.user_id("alice"), text="x", blocks=headline_blocks()
    )
    [ephemeral] = slack.ephemeral(channel, "alice")
    delivery = slack.actor("alice").click(channel, ephemeral["ts"], "close_incident")
    assert delivery.payload["container"]["is_ephemeral"] is True
    post_json(delivery.payload["response_url"], {"replace_original": True, "text": "Done"})
    assert [e["text"] for e in slack.ephemeral(channel, "alice")] == ["Done"]


def test_clicking_something_that_is_not_there(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.channel_id("incidents")
    ts = client.chat_postMessage(channel=channel, text="x", blocks=headline_blocks())["ts"]
    with pytest.raises(LookupError):
        slack.actor("alice").click(channel, ts, "no_such_button")
    with pytest.raises(LookupError):
        slack.actor("alice").click(channel, ts, "severity", value="SEV9")


def test_wait_for(slack: FakeSlack, client: WebClient) -> None:
    import threading

    threading.Timer(0.1, lambda: client.conversations_create(name="later")).start()
    channel = slack.wait_for(lambda: slack.channel("later"), timeout=2)
    assert channel["name"] == "later"
    with pytest.raises(TimeoutError):
        slack.wait_for(lambda: False, timeout=0.05)


def test_another_apps_message_has_no_user_and_reaches_the_bot(slack: FakeSlack) -> None:
    ts = slack.post_from_integration(
        "general",
        text="",
        attachments=[{"title": "HighErrorRate", "text": "checkout 5xx > 5%", "color": "danger"}],
    )
    message = slack.message("general", ts)
    assert message["subtype"] == "bot_message" and "user" not in message
    assert message["attachments"][0]["title"] == "HighErrorRate"
    # Also offered to message shortcuts like any message.
    assert slack.actor("alice").message_shortcut("declare", "general", ts) is not None


def test_shared_files_are_served_only_with_the_bot_token(slack: FakeSlack) -> None:
    slack.actor("alice").join("general")
    ts = slack.actor("alice").post_message("general", "graph", files=["graph.png"])
    file = slack.message("general", ts)["files"][0]
    assert file["mimetype"] == "image/png" and file["permalink"].endswith("/graph.png")
    signed = urllib.request.Request(
        file["thumb_360"], headers={"Authorization": f"Bearer {slack.bot_token}"}
    )
    with urllib.request.urlopen(signed) as answer:
        assert answer.headers["Content-Type"] == "image/png"
        assert answer.read().startswith(b"\x89PNG")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(file["thumb_360"])
    assert refused.value.code == 403
