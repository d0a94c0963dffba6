"""Round trips through the official slack_sdk WebClient against every emulated method."""

from __future__ import annotations

import json
import urllib.request

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack


def error_of(call, *args, **kwargs) -> str:
    with pytest.raises(SlackApiError) as raised:
        call(*args, **kwargs)
    return raised.value.response["error"]


def test_auth_test_and_team_info(slack: FakeSlack, client: WebClient) -> None:
    auth = client.auth_test()
    assert auth["user_id"] == slack.bot_user_id
    assert auth["team_id"] == slack.team_id
    assert auth["bot_id"] == slack.bot_id
    team = client.team_info()["team"]
    assert team["id"] == slack.team_id and team["domain"] == "acme"


def test_answers_carry_the_granted_scopes_as_slack_sends_them() -> None:
    slack = FakeSlack({"bot_scopes": ["chat:write", "channels:read"]}).start()
    try:
        bot = WebClient(token=slack.bot_token, base_url=slack.api_url).auth_test()
        assert bot.headers["x-oauth-scopes"] == "chat:write,channels:read"
        app = WebClient(token=slack.app_token, base_url=slack.api_url)
        assert app.apps_connections_open(app_token=slack.app_token).headers["x-oauth-scopes"] == (
            "connections:write"
        )
        wrong = WebClient(token="xoxb-wrong", base_url=slack.api_url)
        with pytest.raises(SlackApiError) as refused:
            wrong.auth_test()
        assert "x-oauth-scopes" not in refused.value.response.headers
    finally:
        slack.stop()


def test_tokens_are_checked(slack: FakeSlack) -> None:
    assert error_of(WebClient(base_url=slack.api_url).auth_test) == "not_authed"
    wrong = WebClient(token="xoxb-wrong", base_url=slack.api_url)
    assert error_of(wrong.auth_test) == "invalid_auth"
    app_client = WebClient(token=slack.app_token, base_url=slack.api_url)
    assert error_of(app_client.auth_test) == "not_allowed_token_type"
    bot_client = WebClient(token=slack.bot_token, base_url=slack.api_url)
    assert error_of(bot_client.apps_connections_open, app_token=slack.bot_token) == (
        "not_allowed_token_type"
    )


def test_unknown_method(client: WebClient) -> None:
    assert error_of(client.api_call, "chat.teleport") == "unknown_method"


def test_ids_and_timestamps_look_like_slacks(slack: FakeSlack, client: WebClient) -> None:
    assert slack.team_id.startswith("T") and slack.bot_user_id.startswith("U")
    assert slack.channel_id("incidents").startswith("C")
    assert slack.channel_id("security").startswith("G")
    ts = client.chat_postMessage(channel="incidents", text="x")["ts"]
    seconds, micros = ts.split(".")
    assert len(seconds) == 10 and len(micros) == 6


def test_post_update_delete_message(slack: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="#incidents", text="Checkout is failing")
    channel, ts = posted["channel"], posted["ts"]
    assert channel == slack.channel_id("incidents")
    assert posted["message"]["bot_id"] == slack.bot_id
    client.chat_update(channel=channel, ts=ts, text="Checkout is fixed")
    assert slack.message(channel, ts)["text"] == "Checkout is fixed"
    assert slack.message(channel, ts)["edited"]["user"] == slack.bot_user_id
    client.chat_delete(channel=channel, ts=ts)
    assert slack.messages(channel) == []
    assert error_of(client.chat_delete, channel=channel, ts=ts) == "message_not_found"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_message_errors(slack: FakeSlack, client: WebClient) -> None:
    assert error_of(client.chat_postMessage, channel="nope", text="x") == "channel_not_found"
    assert error_of(client.chat_postMessage, channel="incidents") == "no_text"
    too_long = "x" * 40_001
    assert error_of(client.chat_postMessage, channel="incidents", text=too_long) == "msg_too_long"
    # The bot is not in #security, a private channel.
    security = slack.channel_id("security")
    assert error_of(client.chat_postMessage, channel=security, text="x") == "not_in_channel"


def test_post_message_to_private_channel_without_membership(client: WebClient) -> None:
    channel = client.conversations_create(name="private-room", is_private=True)["channel"]["id"]
    client.conversations_leave(channel=channel)
    assert error_of(client.chat_postMessage, channel=channel, text="x") == "not_in_channel"
    assert error_of(client.conversations_info, channel=channel) == "channel_not_found"


def test_cannot_edit_someone_elses_message(slack: FakeSlack, client: WebClient) -> None:
    ts = slack.actor("alice").post_message("incidents", "mine")
    channel = slack.channel_id("incidents")
    assert error_of(client.chat_update, channel=channel, ts=ts, text="x") == "cant_update_message"
    assert error_of(client.chat_delete, channel=channel, ts=ts) == "cant_delete_message"


def test_block_kit_limits(client: WebClient) -> None:
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "ok"}}
    client.chat_postMessage(channel="incidents", text="fine", blocks=[section] * 50)
    too_many = [section] * 51
    assert error_of(client.chat_postMessage, channel="incidents", text="x", blocks=too_many) == (
        "invalid_blocks"
    )
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="incidents", text="x", blocks=[long_section])
    assert raised.value.response["error"] == "invalid_blocks"
    assert "json-pointer:/blocks/0/text/text" in raised.value.response["errors"][0]
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    assert error_of(client.chat_postMessage, channel="incidents", text="x", blocks=[header]) == (
        "invalid_blocks"
    )
    unknown = [{"type": "carousel"}]
    assert error_of(client.chat_postMessage, channel="incidents", text="x", blocks=unknown) == (
        "invalid_blocks"
    )


def test_blocks_get_ids_like_slack(slack: FakeSlack, client: WebClient) -> None:
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}},
        {
            "type": "actions",
            "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Go"}}],
        },
    ]
    posted = client.chat_postMessage(channel="incidents", text="hi", blocks=blocks)
    stored = slack.message("incidents", posted["ts"])["blocks"]
    assert all(b["block_id"] for b in stored)
    assert stored[1]["elements"][0]["action_id"]


def test_thread_replies(slack: FakeSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="incidents", text="parent")["ts"]
    client.chat_postMessage(channel="incidents", text="one", thread_ts=parent)
    slack.actor("bob").post_message("incidents", "two", thread_ts=parent)
    replies = client.conversations_replies(channel=slack.channel_id("incidents"), ts=parent)
    assert [m["text"] for m in replies["messages"]] == ["parent", "one", "two"]
    assert replies["messages"][0]["reply_count"] == 2
    assert [m["text"] for m in slack.replies("incidents", parent)] == ["parent", "one", "two"]
    history = client.conversations_history(channel=slack.channel_id("incidents"))
    assert [m["text"] for m in history["messages"]] == ["parent"]
    assert error_of(
        client.conversations_replies, channel=slack.channel_id("incidents"), ts="1.000000"
    ) == ("thread_not_found")


def test_ephemeral_and_permalink(slack: FakeSlack, client: WebClient) -> None:
    alice = slack.user_id("alice")
    client.chat_postEphemeral(channel="incidents", user=alice, text="only you")
    assert [e["text"] for e in slack.ephemeral("incidents", user="alice")] == ["only you"]
    assert slack.ephemeral(user="bob") == []
    channel = client.conversations_create(name="empty-room")["channel"]["id"]
    assert error_of(client.chat_postEphemeral, channel=channel, user=alice, text="x") == (
        "user_not_in_channel"
    )
    ts = client.chat_postMessage(channel="incidents", text="x")["ts"]
    link = client.chat_getPermalink(channel=slack.channel_id("incidents"), message_ts=ts)
    assert link["permalink"] == (
        f"https://acme.slack.com/archives/{slack.channel_id('incidents')}/p{ts.replace('.', '')}"
    )


def test_create_and_channel_name_rules(slack: FakeSlack, client: WebClient) -> None:
    created = client.conversations_create(name="inc-2026-checkout_down")["channel"]
    assert created["id"].startswith("C") and created["is_member"]
    assert slack.channel("inc-2026-checkout_down")["creator"] == slack.bot_user_id
    assert error_of(client.conversations_create, name="Inc-Upper") == "invalid_name_specials"
    assert error_of(client.conversations_create, name="has space") == "invalid_name_specials"
    assert error_of(client.conversations_create, name="dot.ted") == "invalid_name_specials"
    assert error_of(client.conversations_create, name="x" * 81) == "invalid_name_maxlength"
    assert error_of(client.conversations_create, name="---") == "invalid_name_punctuation"
    assert error_of(client.conversations_create, name="") == "invalid_name_required"
    assert error_of(client.conversations_create, name="incidents") == "name_taken"
    client.conversations_create(name="x" * 80)
    private = client.conversations_create(name="secret", is_private=True)["channel"]
    assert private["id"].startswith("G") and private["is_private"]


def test_info_list_and_cursor_pagination(slack: FakeSlack, client: WebClient) -> None:
    for i in range(7):
        client.conversations_create(name=f"room-{i}")
    info = client.conversations_info(channel=slack.channel_id("incidents"))["channel"]
    assert info["name"] == "incidents" and info["is_member"]
    names, cursor = [], None
    while True:
        page = client.conversations_list(limit=3, cursor=cursor)
        assert len(page["channels"]) <= 3
        names += [c["name"] for c in page["channels"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    # Public channels only by default; the private #security is invisible to the bot.
    assert "security" not in names
    assert {"general", "incidents", "random", "room-0", "room-6"} <= set(names)
    assert len(names) == len(set(names)) == 10
    assert error_of(client.conversations_list, cursor="garbage") == "invalid_cursor"
    assert error_of(client.conversations_info, channel="C000NOPE") == "channel_not_found"
    assert error_of(client.conversations_info, channel=slack.channel_id("security")) == (
        "channel_not_found"
    )
    client.conversations_archive(channel=slack.channel_id("room-0"))
    active = client.conversations_list(exclude_archived=True, limit=100)["channels"]
    assert "room-0" not in {c["name"] for c in active}


def test_join_invite_kick_leave(slack: FakeSlack, client: WebClient) -> None:
    random_id = slack.channel_id("random")
    assert error_of(client.conversations_invite, channel=random_id, users="x") == "not_in_channel"
    client.conversations_join(channel=random_id)
    again = client.conversations_join(channel=random_id)
    assert again["warning"] == "already_in_channel"
    channel = client.conversations_create(name="inc-1")["channel"]["id"]
    alice, bob = slack.user_id("alice"), slack.user_id("bob")
    client.conversations_invite(channel=channel, users=f"{alice},{bob}")
    assert slack.members(channel) == [slack.bot_user_id, alice, bob]
    assert error_of(client.conversations_invite, channel=channel, users=alice) == (
        "already_in_channel"
    )
    assert error_of(client.conversations_invite, channel=channel, users="U000NOPE") == (
        "user_not_found"
    )
    assert error_of(client.conversations_invite, channel=channel, users=slack.bot_user_id) == (
        "cant_invite_self"
    )
    carol, dave = slack.user_id("carol"), slack.user_id("dave")
    # All or nothing, unless forced.
    assert error_of(client.conversations_invite, channel=channel, users=f"{carol},U000NOPE") == (
        "user_not_found"
    )
    assert carol not in slack.members(channel)
    forced = client.conversations_invite(channel=channel, users=f"{carol},{alice}", force=True)
    assert forced["errors"] == [{"user": alice, "ok": False, "error": "already_in_channel"}]
    assert carol in slack.members(channel) and dave not in slack.members(channel)
    client.conversations_kick(channel=channel, user=bob)
    assert bob not in slack.members(channel)
    assert slack.settle()
    assert [e["type"] for e in slack.events()] == [
        "member_joined_channel",
        "member_joined_channel",
        "member_joined_channel",
        "member_left_channel",
    ]
    assert error_of(client.conversations_kick, channel=channel, user=bob) == "not_in_channel"
    assert error_of(client.conversations_kick, channel=channel, user=slack.bot_user_id) == (
        "cant_kick_self"
    )
    client.conversations_leave(channel=channel)
    assert client.conversations_leave(channel=channel)["not_in_channel"] is True
    general = slack.channel_id("general")
    assert error_of(client.conversations_leave, channel=general) == "cant_leave_general"
    private = client.conversations_create(name="priv", is_private=True)["channel"]["id"]
    assert error_of(client.conversations_join, channel=private) == (
        "method_not_supported_for_channel_type"
    )


def test_rename_topic_purpose(slack: FakeSlack, client: WebClient) -> None:
    channel = client.conversations_create(name="inc-3")["channel"]["id"]
    renamed = client.conversations_rename(channel=channel, name="inc-3-checkout")["channel"]
    assert renamed["name"] == "inc-3-checkout" and renamed["previous_names"] == ["inc-3"]
    assert error_of(client.conversations_rename, channel=channel, name="general") == "name_taken"
    assert error_of(client.conversations_rename, channel=channel, name="Bad Name") == (
        "invalid_name_specials"
    )
    client.conversations_setTopic(channel=channel, topic="SEV1 · investigating")
    client.conversations_setPurpose(channel=channel, purpose="Checkout incident")
    assert slack.topic(channel) == "SEV1 · investigating"
    assert slack.purpose(channel) == "Checkout incident"
    assert error_of(client.conversations_setTopic, channel=channel, topic="x" * 251) == "too_long"
    random_id = slack.channel_id("random")
    assert error_of(client.conversations_setTopic, channel=random_id, topic="x") == (
        "not_in_channel"
    )
    assert error_of(client.conversations_rename, channel=random_id, name="rnd") == "not_in_channel"


def test_archive_and_unarchive(slack: FakeSlack, client: WebClient) -> None:
    channel = client.conversations_create(name="inc-4")["channel"]["id"]
    client.conversations_archive(channel=channel)
    assert slack.channel(channel)["is_archived"]
    assert error_of(client.chat_postMessage, channel=channel, text="x") == "is_archived"
    assert error_of(client.conversations_setTopic, channel=channel, topic="x") == "is_archived"
    assert error_of(client.conversations_archive, channel=channel) == "already_archived"
    client.conversations_unarchive(channel=channel)
    assert error_of(client.conversations_unarchive, channel=channel) == "not_archived"
    general = slack.channel_id("general")
    assert error_of(client.conversations_archive, channel=general) == "cant_archive_general"


def test_members_history_open(slack: FakeSlack, client: WebClient) -> None:
    incidents = slack.channel_id("incidents")
    members = client.conversations_members(channel=incidents, limit=5)
    assert len(members["members"]) == 5 and members["response_metadata"]["next_cursor"]
    for i in range(5):
        client.chat_postMessage(channel=incidents, text=f"m{i}")
    history = client.conversations_history(channel=incidents, limit=2)
    assert [m["text"] for m in history["messages"]] == ["m4", "m3"] and history["has_more"]
    rest = client.conversations_history(
        channel=incidents, cursor=history["response_metadata"]["next_cursor"]
    )
    assert [m["text"] for m in rest["messages"]] == ["m2", "m1", "m0"] and not rest["has_more"]
    opened = client.conversations_open(users=slack.user_id("alice"))
    assert opened["channel"]["id"].startswith("D")
    again = client.conversations_open(users=slack.user_id("alice"))
    assert again["channel"]["id"] == opened["channel"]["id"] and again["already_open"]
    group = client.conversations_open(users=f"{slack.user_id('alice')},{slack.user_id('bob')}")
    assert group["channel"]["id"].startswith("G")
    dm = client.chat_postMessage(channel=slack.user_id("alice"), text="psst")
    assert dm["channel"] == opened["channel"]["id"]


def test_users(slack: FakeSlack, client: WebClient) -> None:
    alice = client.users_info(user=slack.user_id("alice"))["user"]
    assert alice["name"] == "alice" and alice["tz"] == "Europe/London"
    assert alice["profile"]["email"] == "alice@acme.example"
    assert "tz_offset" in alice and alice["real_name"] == "Alice Adams"
    found = client.users_lookupByEmail(email="bob@acme.example")["user"]
    assert found["id"] == slack.user_id("bob")
    assert error_of(client.users_lookupByEmail, email="nobody@acme.example") == "users_not_found"
    assert error_of(client.users_info, user="U000NOPE") == "user_not_found"
    people, cursor = [], None
    while True:
        page = client.users_list(limit=5, cursor=cursor)
        people += page["members"]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert len(people) == 13  # twelve people and the bot
    assert len(client.users_list()["members"]) == 13
    assert sum(1 for p in people if p["is_bot"]) == 1


def test_reactions(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.channel_id("incidents")
    ts = client.chat_postMessage(channel=channel, text="x")["ts"]
    client.reactions_add(channel=channel, timestamp=ts, name="eyes")
    slack.actor("alice").react(channel, ts, "eyes")
    got = client.reactions_get(channel=channel, timestamp=ts)["message"]["reactions"]
    users = [slack.bot_user_id, slack.user_id("alice")]
    assert got == [{"name": "eyes", "users": users, "count": 2}]
    assert error_of(client.reactions_add, channel=channel, timestamp=ts, name="eyes") == (
        "already_reacted"
    )
    client.reactions_remove(channel=channel, timestamp=ts, name="eyes")
    assert error_of(client.reactions_remove, channel=channel, timestamp=ts, name="eyes") == (
        "no_reaction"
    )
    assert error_of(client.reactions_add, channel=channel, timestamp="1.2", name="x") == (
        "message_not_found"
    )


def test_pins(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.channel_id("incidents")
    ts = client.chat_postMessage(channel=channel, text="important")["ts"]
    client.pins_add(channel=channel, timestamp=ts)
    assert error_of(client.pins_add, channel=channel, timestamp=ts) == "already_pinned"
    items = client.pins_list(channel=channel)["items"]
    assert [i["message"]["ts"] for i in items] == [ts]
    assert slack.message(channel, ts)["pinned"] is True
    assert [m["text"] for m in slack.pins(channel)] == ["important"]
    history = client.conversations_history(channel=channel)["messages"]
    assert history[0]["pinned_to"] == [channel]
    client.pins_remove(channel=channel, timestamp=ts)
    assert error_of(client.pins_remove, channel=channel, timestamp=ts) == "no_pin"
    random_id = slack.channel_id("random")
    other = slack.actor("alice").post_message(random_id, "elsewhere")
    assert error_of(client.pins_add, channel=random_id, timestamp=other) == "not_in_channel"


def test_bookmarks(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.channel_id("incidents")
    added = client.bookmarks_add(
        channel_id=channel, title="Incident doc", type="link", link="https://response.example/1"
    )["bookmark"]
    assert added["id"].startswith("Bk")
    client.bookmarks_edit(channel_id=channel, bookmark_id=added["id"], title="The doc")
    listed = client.bookmarks_list(channel_id=channel)["bookmarks"]
    assert [(b["title"], b["link"]) for b in listed] == [("The doc", "https://response.example/1")]
    assert slack.bookmarks(channel)[0]["title"] == "The doc"
    assert error_of(
        client.bookmarks_add, channel_id=channel, title="x", type="link", link="not a url"
    ) == ("invalid_link")
    client.bookmarks_remove(channel_id=channel, bookmark_id=added["id"])
    assert client.bookmarks_list(channel_id=channel)["bookmarks"] == []
    assert error_of(client.bookmarks_remove, channel_id=channel, bookmark_id=added["id"]) == (
        "not_found"
    )


def test_usergroups(slack: FakeSlack, client: WebClient) -> None:
    groups = client.usergroups_list(include_users=True)["usergroups"]
    oncall = next(g for g in groups if g["handle"] == "oncall")
    assert oncall["id"].startswith("S")
    assert oncall["users"] == [slack.user_id("alice"), slack.user_id("bob")]
    users = client.usergroups_users_list(usergroup=oncall["id"])["users"]
    assert users == oncall["users"]
    assert error_of(client.usergroups_users_list, usergroup="S000NOPE") == "no_such_subteam"


def test_apps_connections_open(slack: FakeSlack) -> None:
    app_client = WebClient(token=slack.app_token, base_url=slack.api_url)
    url = app_client.apps_connections_open(app_token=slack.app_token)["url"]
    assert url.startswith("ws://127.0.0.1:") and "ticket=" in url


def test_json_bodies_and_token_in_form(slack: FakeSlack) -> None:
    request = urllib.request.Request(
        slack.api_url + "chat.postMessage",
        data=json.dumps({"channel": "incidents", "text": "json body"}).encode(),
        headers={"Authorization": f"Bearer {slack.bot_token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        body = json.load(response)
    assert body["ok"] and body["warning"] == "missing_charset"
    form = urllib.request.Request(
        slack.api_url + "auth.test", data=f"token={slack.bot_token}".encode()
    )
    with urllib.request.urlopen(form) as response:
        assert json.load(response)["ok"]


def test_calls_are_recorded(slack: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="incidents", text="one")
    error_of(client.api_call, "chat.teleport")
    calls = slack.calls("chat.postMessage")
    assert len(calls) == 1
    call = calls[0]
    assert call.args["text"] == "one" and call.token == slack.bot_token
    # JSON arguments of form bodies are recorded parsed.
    client.chat_postMessage(channel="incidents", text="x", blocks=[{"type": "divider"}])
    assert slack.calls("chat.postMessage")[1].args["blocks"][0]["type"] == "divider"
    assert call.response["ok"] and call["method"] == "chat.postMessage" and call.time > 0
    assert [c.method for c in slack.calls()] == [
        "chat.postMessage",
        "chat.teleport",
        "chat.postMessage",
    ]
    assert [c.method for c in slack.calls(ok=False)] == ["chat.teleport"]


def test_history_time_range(slack: FakeSlack, client: WebClient) -> None:
    channel = slack.channel_id("incidents")
    stamps = [client.chat_postMessage(channel=channel, text=f"m{i}")["ts"] for i in range(4)]
    between = client.conversations_history(channel=channel, oldest=stamps[0], latest=stamps[3])
    assert [m["text"] for m in between["messages"]] == ["m2", "m1"]
    inclusive = client.conversations_history(
        channel=channel, oldest=stamps[1], latest=stamps[2], inclusive=True
    )
    assert [m["text"] for m in inclusive["messages"]] == ["m2", "m1"]


def test_workspaces_are_isolated() -> None:
    with FakeSlack() as one, FakeSlack() as two:
        assert one.port != two.port
        WebClient(token=one.bot_token, base_url=one.api_url).chat_postMessage(
            channel="incidents", text="only in one"
        )
        assert len(one.messages("incidents")) == 1
        assert two.messages("incidents") == [] and two.calls() == []
