"""conversations.history and .replies: time windows, pages and cursors, message metadata."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack

METADATA = {"event_type": "incident_headline", "event_payload": {"incident_id": 42}}


def error_of(call, **kwargs) -> str:
    with pytest.raises(SlackApiError) as raised:
        call(**kwargs)
    return raised.value.response["error"]


def texts(response) -> list[str]:
    return [m["text"] for m in response["messages"]]


def post_form(slack: FakeSlack, method: str, **args: str) -> dict:
    """A form-encoded call, as a client sending metadata as a JSON string would make it."""
    request = urllib.request.Request(
        f"{slack.api_url}{method}",
        data=urllib.parse.urlencode(args).encode(),
        headers={"Authorization": f"Bearer {slack.bot_token}"},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def test_metadata_only_when_asked_for(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.channel_id("incidents")
    posted = client.chat_postMessage(channel=channel, text="headline", metadata=METADATA)
    client.chat_postMessage(channel=channel, text="reply", thread_ts=posted["ts"])
    assert posted["message"]["metadata"] == METADATA
    plain = client.conversations_history(channel=channel)
    assert "metadata" not in plain["messages"][0]
    full = client.conversations_history(channel=channel, include_all_metadata=True)
    assert full["messages"][0]["metadata"] == METADATA
    replies = client.conversations_replies(channel=channel, ts=posted["ts"])
    assert all("metadata" not in m for m in replies["messages"])
    replies = client.conversations_replies(
        channel=channel, ts=posted["ts"], include_all_metadata=True
    )
    assert replies["messages"][0]["metadata"] == METADATA
    assert "metadata" not in replies["messages"][1]  # the reply has none
    # The observer shows what is stored.
    assert slack.message(channel, posted["ts"])["metadata"] == METADATA


def test_metadata_as_a_json_string_in_a_form(slack: FakeSlack) -> None:
    posted = post_form(
        slack, "chat.postMessage", channel="incidents", text="x", metadata=json.dumps(METADATA)
    )
    assert posted["ok"] and posted["message"]["metadata"] == METADATA
    history = post_form(
        slack,
        "conversations.history",
        channel=slack.channel_id("incidents"),
        include_all_metadata="true",
    )
    assert history["messages"][0]["metadata"] == METADATA
    assert slack.calls("chat.postMessage")[0].args["metadata"] == METADATA


def test_update_replaces_keeps_or_removes_metadata(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.channel_id("incidents")
    ts = client.chat_postMessage(channel=channel, text="v1", metadata=METADATA)["ts"]
    client.chat_update(channel=channel, ts=ts, text="v2")  # no metadata: kept
    assert slack.message(channel, ts)["metadata"] == METADATA
    newer = {"event_type": "incident_headline", "event_payload": {"incident_id": 42, "v": 2}}
    client.chat_update(channel=channel, ts=ts, text="v3", metadata=newer)
    history = client.conversations_history(channel=channel, include_all_metadata=True)
    assert history["messages"][0]["metadata"] == newer
    client.chat_update(channel=channel, ts=ts, text="v4", metadata={})  # {}: removed
    assert "metadata" not in slack.message(channel, ts)


def test_metadata_errors(slack: FakeSlack, client: WebClient) -> None:
    post = client.chat_postMessage
    assert error_of(post, channel="incidents", text="x", metadata="{oops") == (
        "invalid_metadata_format"
    )
    assert error_of(post, channel="incidents", text="x", metadata=[1]) == (
        "invalid_metadata_format"
    )
    assert error_of(post, channel="incidents", text="x", metadata={"event_payload": {}}) == (
        "invalid_metadata_schema"
    )
    no_payload = {"event_type": "x"}
    assert error_of(post, channel="incidents", text="x", metadata=no_payload) == (
        "invalid_metadata_schema"
    )
    assert slack.messages("incidents") == []


@pytest.fixture
def stamps(slack: FakeSlack, client: WebClient) -> list[str]:
    """Six messages m0..m5 in #incidents, and a thread reply that history leaves out."""
    channel = slack.channel_id("incidents")
    stamps = [client.chat_postMessage(channel=channel, text=f"m{i}")["ts"] for i in range(6)]
    client.chat_postMessage(channel=channel, text="in thread", thread_ts=stamps[0])
    return stamps


def test_history_windows(slack: FakeSlack, client: WebClient, stamps: list[str]) -> None:
    history = client.conversations_history
    channel = slack.channel_id("incidents")
    assert texts(history(channel=channel)) == ["m5", "m4", "m3", "m2", "m1", "m0"]
    assert texts(history(channel=channel, latest=stamps[2])) == ["m1", "m0"]
    assert texts(history(channel=channel, latest=stamps[2], inclusive=True)) == ["m2", "m1", "m0"]
    assert texts(history(channel=channel, oldest=stamps[3])) == ["m5", "m4"]
    assert texts(history(channel=channel, oldest=stamps[3], inclusive=1)) == ["m5", "m4", "m3"]
    between = history(channel=channel, oldest=stamps[1], latest=stamps[4])
    assert texts(between) == ["m3", "m2"]
    # Whole seconds, as some clients send them, bound by time too.
    assert texts(history(channel=channel, latest="1")) == []
    assert texts(history(channel=channel, oldest="0")) == texts(history(channel=channel))
    assert error_of(history, channel=channel, latest="soon") == "invalid_ts_latest"
    assert error_of(history, channel=channel, oldest="yesterday") == "invalid_ts_oldest"


def test_history_pages_back_from_latest(
    slack: FakeSlack, client: WebClient, stamps: list[str]
) -> None:
    channel = slack.channel_id("incidents")
    seen, cursor, pages = [], None, 0
    while True:
        page = client.conversations_history(channel=channel, limit=2, cursor=cursor)
        seen += texts(page)
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        assert page["has_more"] == bool(cursor)
        if not cursor:
            break
        # A message posted meanwhile does not shift the pages (cursors hold a ts, not an offset).
        client.chat_postMessage(channel=channel, text="meanwhile")
    assert seen == ["m5", "m4", "m3", "m2", "m1", "m0"] and pages == 3
    # Within a window, pages stay in it.
    first = client.conversations_history(
        channel=channel, latest=stamps[5], oldest=stamps[0], limit=3
    )
    assert texts(first) == ["m4", "m3", "m2"] and first["has_more"]
    rest = client.conversations_history(
        channel=channel,
        latest=stamps[5],
        oldest=stamps[0],
        limit=3,
        cursor=first["response_metadata"]["next_cursor"],
    )
    assert texts(rest) == ["m1"] and not rest["has_more"]


def test_history_with_only_oldest_starts_there(
    slack: FakeSlack, client: WebClient, stamps: list[str]
) -> None:
    # Slack: with oldest but no latest, the page holds the messages closest to oldest (still
    # newest first), and the cursor walks forward.
    channel = slack.channel_id("incidents")
    first = client.conversations_history(channel=channel, oldest=stamps[0], limit=2)
    assert texts(first) == ["m2", "m1"] and first["has_more"]
    second = client.conversations_history(
        channel=channel, oldest=stamps[0], limit=2, cursor=first["response_metadata"]["next_cursor"]
    )
    assert texts(second) == ["m4", "m3"]
    third = client.conversations_history(
        channel=channel,
        oldest=stamps[0],
        limit=2,
        cursor=second["response_metadata"]["next_cursor"],
    )
    assert texts(third) == ["m5"] and not third["has_more"]


def test_history_cursor_errors_and_limits(
    slack: FakeSlack, client: WebClient, stamps: list[str]
) -> None:
    channel = slack.channel_id("incidents")
    history = client.conversations_history
    assert error_of(history, channel=channel, cursor="garbage") == "invalid_cursor"
    assert error_of(history, channel=channel, cursor="bmV4dDoy") == "invalid_cursor"  # next:2
    assert len(history(channel=channel, limit=0)["messages"]) == 6  # 0: the default, 100
    assert len(history(channel=channel, limit=5000)["messages"]) == 6
    assert history(channel=channel, limit=1)["messages"][0]["text"] == "m5"
