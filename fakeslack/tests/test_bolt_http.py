"""A real slack_bolt App served over HTTP receives every delivery type, signatures verified."""

from __future__ import annotations

import time

from slack_sdk import WebClient

from fakeslack import FakeSlack

from .conftest import bolt_app
from .modals import HOME, declare_modal, headline_blocks, small_modal


def _recorder(seen: list, kind: str):
    def listener(event: dict, body: dict) -> None:
        seen.append((kind, event | {"_body": body}))

    return listener


def test_events_reach_bolt(slack: FakeSlack, client: WebClient, serve_bolt) -> None:
    app = bolt_app(slack)
    seen: list[tuple[str, dict]] = []
    for kind in (
        "message",
        "app_mention",
        "reaction_added",
        "reaction_removed",
        "pin_added",
        "pin_removed",
        "member_joined_channel",
        "channel_rename",
        "channel_archive",
        "app_home_opened",
    ):
        app.event(kind)(_recorder(seen, kind))
    slack.configure_app(request_url=serve_bolt(app).url)
    alice = slack.actor("alice")
    channel = client.conversations_create(name="inc-1")["channel"]["id"]
    client.conversations_invite(channel=channel, users=slack.user_id("bob"))
    assert slack.settle()  # the invite's member_joined_channel is delivered in the background

    ts = alice.post_message("incidents", "help @response, #general is down")
    alice.react("incidents", ts, "eyes")
    alice.unreact("incidents", ts, "eyes")
    alice.pin("incidents", ts)
    alice.unpin("incidents", ts)
    alice.edit_message("incidents", ts, "fixed")
    alice.delete_message("incidents", ts)
    alice.join(channel)
    alice.rename_channel(channel, "inc-1-checkout")
    alice.archive_channel(channel)
    alice.open_app_home()

    assert all(d.ok and d.transport == "http" for d in slack.deliveries())
    kinds = [k for k, _ in seen]
    assert kinds == [
        "member_joined_channel",  # bob, invited by the bot
        "message",
        "app_mention",
        "reaction_added",
        "reaction_removed",
        "pin_added",
        "pin_removed",
        "message",  # message_changed
        "message",  # message_deleted
        "member_joined_channel",
        "channel_rename",
        "channel_archive",
        "app_home_opened",
    ]
    invited = seen.pop(0)[1]
    assert invited["user"] == slack.user_id("bob") and invited["inviter"] == slack.bot_user_id
    message = seen[0][1]
    general = slack.channel_id("general")
    bot = slack.bot_user_id
    assert message["text"] == f"help <@{bot}>, <#{general}|general> is down"
    assert message["channel_type"] == "channel" and message["ts"] == ts
    body = message["_body"]
    assert body["type"] == "event_callback" and body["event_id"].startswith("Ev")
    assert body["team_id"] == slack.team_id and body["api_app_id"] == slack.api_app_id
    assert isinstance(body["event_time"], int)
    assert seen[6][1]["subtype"] == "message_changed"
    assert seen[6][1]["message"]["text"] == "fixed"
    assert seen[7][1]["subtype"] == "message_deleted" and seen[7][1]["deleted_ts"] == ts
    assert seen[9][1]["channel"]["name"] == "inc-1-checkout"


def test_self_events_are_opt_in(slack: FakeSlack, client: WebClient, serve_bolt) -> None:
    app = bolt_app(slack)
    seen: list[tuple[str, dict]] = []
    for kind in ("message", "channel_created", "channel_rename", "member_joined_channel"):
        app.event(kind)(_recorder(seen, kind))
    url = serve_bolt(app).url
    slack.configure_app(request_url=url)
    client.chat_postMessage(channel="incidents", text="quiet")
    client.conversations_create(name="quiet-room")
    assert slack.settle() and seen == []

    slack.configure_app(request_url=url, self_events=True)
    client.chat_postMessage(channel="incidents", text="loud")
    channel = client.conversations_create(name="loud-room")["channel"]["id"]
    client.conversations_rename(channel=channel, name="louder-room")
    client.conversations_join(channel=slack.channel_id("random"))
    assert slack.settle()
    # Bolt ignores the bot's own messages by default, as with real Slack.
    assert [k for k, _ in seen] == ["channel_created", "channel_rename", "member_joined_channel"]
    assert [d.payload["event"]["type"] for d in slack.deliveries()] == [
        "message",
        "channel_created",
        "channel_rename",
        "member_joined_channel",
    ]
    assert slack.deliveries()[0].payload["event"]["bot_id"] == slack.bot_id


def test_bot_only_hears_channels_it_is_in(slack: FakeSlack, serve_bolt) -> None:
    app = bolt_app(slack)
    app.event("message")(lambda event: None)
    slack.configure_app(request_url=serve_bolt(app).url)
    slack.actor("alice").post_message("random", "the bot is not here")
    assert slack.deliveries() == []


def test_slash_command_opens_a_modal_and_submission_carries_state(
    slack: FakeSlack, serve_bolt
) -> None:
    app = bolt_app(slack)
    submitted: list[dict] = []

    @app.command("/incident")
    def declare(ack, body, client, command):
        client.views_open(trigger_id=body["trigger_id"], view=declare_modal(command["text"]))
        ack()

    @app.view("declare")
    def on_submit(ack, body, view):
        submitted.append(body)
        ack()

    slack.configure_app(request_url=serve_bolt(app).url)
    alice = slack.actor("alice")
    command = alice.slash_command("/incident", "Checkout is failing", channel="incidents")
    assert command.ok and command.status == 200 and command.trigger_id
    assert command.payload["channel_id"] == slack.channel_id("incidents")
    [view] = slack.open_views()
    assert view["id"].startswith("V") and view["private_metadata"] == "Checkout is failing"
    assert view["user_id"] == slack.user_id("alice")

    bob = slack.user_id("bob")
    result = alice.submit_view(
        view["id"],
        {
            "severity": {"value": "1"},
            "lead": {"value": bob},
            "flags": {"value": ["public"]},
            "date": {"value": "2026-11-27"},
            "time": {"value": "21:30"},
            "impact": {"value": "high"},
            "watchers": {"value": [bob, slack.user_id("carol")]},
        },
    )
    assert result.ok and result.response_action is None
    assert slack.open_views() == []
    [body] = submitted
    assert body["type"] == "view_submission" and body["user"]["id"] == slack.user_id("alice")
    sent = body["view"]
    assert sent["id"] == view["id"] and sent["callback_id"] == "declare"
    assert sent["private_metadata"] == "Checkout is failing" and sent["hash"]
    values = sent["state"]["values"]
    assert values["summary"]["value"] == {
        "type": "plain_text_input",
        "value": "Checkout is failing",
    }
    assert values["severity"]["value"]["selected_option"]["value"] == "1"
    assert values["lead"]["value"] == {"type": "users_select", "selected_user": bob}
    assert [o["value"] for o in values["flags"]["value"]["selected_options"]] == ["public"]
    assert values["date"]["value"]["selected_date"] == "2026-11-27"
    assert values["time"]["value"]["selected_time"] == "21:30"
    assert values["impact"]["value"]["selected_option"]["value"] == "high"
    assert values["watchers"]["value"]["selected_users"] == [bob, slack.user_id("carol")]


def test_response_actions(slack: FakeSlack, serve_bolt) -> None:
    app = bolt_app(slack)

    @app.command("/incident")
    def declare(ack, body, client):
        client.views_open(trigger_id=body["trigger_id"], view=declare_modal())
        ack()

    @app.view("declare")
    def on_submit(ack, view):
        summary = view["state"]["values"]["summary"]["value"]["value"]
        if summary == "x":
            ack(response_action="errors", errors={"summary": "Say a little more"})
        elif summary == "update":
            ack(response_action="update", view=small_modal("Updated"))
        elif summary == "push":
            ack(response_action="push", view=small_modal("Pushed"))
        else:
            ack(response_action="clear")

    @app.view("next")
    def on_next(ack):
        ack()

    slack.configure_app(request_url=serve_bolt(app).url)
    alice = slack.actor("alice")
    alice.slash_command("/incident", channel="incidents")
    [view] = slack.open_views()
    choices = {"severity": {"value": "2"}, "lead": {"value": slack.user_id("bob")}}

    errors = alice.submit_view(view["id"], {"summary": {"value": "x"}, **choices})
    assert errors.response_action == "errors"
    assert slack.view(view["id"])["errors"] == {"summary": "Say a little more"}
    assert slack.view(view["id"])["is_open"]

    pushed = alice.submit_view(view["id"], {"summary": {"value": "push"}, **choices})
    assert pushed.response_action == "push"
    stack = slack.open_views()
    assert [v["title"]["text"] for v in stack] == ["Declare an incident", "Pushed"]
    assert stack[1]["previous_view_id"] == view["id"] and stack[1]["root_view_id"] == view["id"]
    # Submitting the pushed view with an empty ack closes it, back to the first.
    assert alice.submit_view(stack[1]["id"]).ok
    assert [v["id"] for v in slack.open_views()] == [view["id"]]

    updated = alice.submit_view(view["id"], {"summary": {"value": "update"}, **choices})
    assert updated.response_action == "update"
    [same] = slack.open_views()
    assert same["id"] == view["id"] and same["title"]["text"] == "Updated"

    alice.submit_view(same["id"], {"note": {"value": "done"}})
    assert slack.open_views() == []

    alice.slash_command("/incident", channel="incidents")
    [again] = slack.open_views()
    alice.submit_view(again["id"], {"summary": {"value": "clear"}, **choices})
    assert slack.open_views() == []


def test_command_answers_and_response_url(slack: FakeSlack, serve_bolt) -> None:
    app = bolt_app(slack)

    @app.command("/incident")
    def answer(ack, command, respond):
        if command["text"] == "public":
            ack(response_type="in_channel", text="Declared for everyone")
        else:
            ack(text="Only you can see this")
            respond(text="Posted later", response_type="in_channel")

    slack.configure_app(request_url=serve_bolt(app).url)
    alice = slack.actor("alice")
    alice.slash_command("/incident", "private", channel="incidents")
    assert [e["text"] for e in slack.ephemeral("incidents", user="alice")] == [
        "Only you can see this"
    ]
    assert [m["text"] for m in slack.messages("incidents")] == ["Posted later"]
    alice.slash_command("/incident", "public", channel="incidents")
    assert [m["text"] for m in slack.messages("incidents")][-1] == "Declared for everyone"


def test_command_that_is_not_answered_shows_an_error(slack: FakeSlack, serve_bolt) -> None:
    app = bolt_app(slack)

    @app.command("/slow")
    def slow(ack):
        time.sleep(0.5)
        ack()

    slack.configure_app(request_url=serve_bolt(app).url, ack_timeout=0.2)
    delivery = slack.actor("alice").slash_command("/slow", channel="incidents")
    assert not delivery.ok and delivery.error == "http_timeout"
    assert len(delivery.attempts) == 1  # commands are never redelivered
    [error] = slack.ephemeral(user="alice")
    assert error["text"] == '/slow failed with the error "operation_timeout"'


def test_block_actions_on_a_message(slack: FakeSlack, client: WebClient, serve_bolt) -> None:
    app = bolt_app(slack)
    actions: list[dict] = []

    @app.action("close_incident")
    def close(ack, body, respond):
        actions.append(body)
        ack()
        respond(replace_original=True, text="Closed by <@" + body["user"]["id"] + ">")

    @app.action("severity")
    def severity(ack, body):
        actions.append(body)
        ack()

    @app.action("lead")
    def choose_lead(ack, body):
        actions.append(body)
        ack()

    slack.configure_app(request_url=serve_bolt(app).url)
    channel = slack.channel_id("incidents")
    ts = client.chat_postMessage(channel=channel, text="Checkout", blocks=headline_blocks())["ts"]
    alice = slack.actor("alice")

    assert alice.click(channel, ts, "severity", value="1").ok
    assert alice.click(channel, ts, "lead", value=slack.user_id("bob")).ok
    clicked = alice.click(channel, ts, "close_incident")
    assert clicked.ok and clicked.trigger_id

    select, lead, button = actions
    assert select["type"] == "block_actions"
    assert select["container"] == {
        "type": "message",
        "message_ts": ts,
        "channel_id": channel,
        "is_ephemeral": False,
    }
    assert select["message"]["ts"] == ts and select["channel"]["id"] == channel
    assert select["actions"][0]["selected_option"]["value"] == "1"
    assert select["actions"][0]["block_id"] == "controls"
    assert select["state"]["values"]["controls"]["severity"]["selected_option"]["value"] == "1"
    assert lead["actions"][0]["selected_user"] == slack.user_id("bob")
    assert button["actions"][0]["value"] == "incident-1"
    assert button["actions"][0]["type"] == "button" and button["response_url"]
    assert slack.message(channel, ts)["text"] == f"Closed by <@{slack.user_id('alice')}>"


def test_block_actions_in_a_modal_and_views_update(slack: FakeSlack, serve_bolt) -> None:
    app = bolt_app(slack)

    @app.command("/incident")
    def declare(ack, body, client):
        client.views_open(trigger_id=body["trigger_id"], view=declare_modal("x"))
        ack()

    @app.action("add_note")
    def add_note(ack, body, client):
        ack()
        view = body["view"]
        client.views_update(view_id=view["id"], hash=view["hash"], view=small_modal("With note"))

    slack.configure_app(request_url=serve_bolt(app).url)
    alice = slack.actor("alice")
    alice.slash_command("/incident", channel="incidents")
    [view] = slack.open_views()
    delivery = alice.click_in_view(view["id"], "add_note")
    assert delivery.ok
    assert delivery.payload["container"] == {"type": "view", "view_id": view["id"]}
    assert "summary" in delivery.payload["view"]["state"]["values"]
    assert slack.view(view["id"])["title"]["text"] == "With note"


def test_view_closed_and_shortcuts(slack: FakeSlack, client: WebClient, serve_bolt) -> None:
    app = bolt_app(slack)
    received: list[dict] = []

    @app.shortcut("declare_shortcut")
    def global_shortcut(ack, body, client):
        received.append(body)
        client.views_open(trigger_id=body["trigger_id"], view=declare_modal(notify_on_close=True))
        ack()

    @app.shortcut("from_message")
    def message_shortcut(ack, body):
        received.append(body)
        ack()

    @app.view_closed("declare")
    def closed(ack, body):
        received.append(body)
        ack()

    slack.configure_app(request_url=serve_bolt(app).url)
    alice = slack.actor("alice")
    assert alice.global_shortcut("declare_shortcut").ok
    [view] = slack.open_views()
    closed_delivery = alice.close_view(view["id"])
    assert closed_delivery is not None and closed_delivery.ok
    assert slack.open_views() == []
    channel = slack.channel_id("incidents")
    ts = alice.post_message(channel, "something broke")
    assert alice.message_shortcut("from_message", channel, ts).ok

    shortcut, view_closed, message_action = received
    assert shortcut["type"] == "shortcut" and shortcut["callback_id"] == "declare_shortcut"
    assert view_closed["type"] == "view_closed" and view_closed["view"]["id"] == view["id"]
    assert view_closed["is_cleared"] is False
    assert message_action["type"] == "message_action"
    assert message_action["message"]["text"] == "something broke"
    assert message_action["channel"]["id"] == channel


def test_app_home_publish(slack: FakeSlack, serve_bolt) -> None:
    app = bolt_app(slack)

    @app.event("app_home_opened")
    def home(event, client):
        client.views_publish(user_id=event["user"], view=HOME)

    slack.configure_app(request_url=serve_bolt(app).url)
    alice = slack.actor("alice")
    first = alice.open_app_home()
    assert first is not None and first.ok
    published = slack.home_view("alice")
    assert published is not None and published["type"] == "home"
    second = alice.open_app_home()
    assert second is not None and second.payload["event"]["view"]["id"] == published["id"]


def test_bad_signature_is_rejected_and_retried(slack: FakeSlack, serve_bolt) -> None:
    app = bolt_app(slack, signing_secret="not-the-secret")
    app.event("message")(lambda event: None)
    slack.configure_app(request_url=serve_bolt(app).url)
    [delivery] = slack.emit({"type": "message", "text": "x", "channel": "C1", "user": "U1"})
    assert delivery.status == 401 and delivery.error == "http_error"
    assert len(delivery.attempts) == 4  # the first try and three retries
    slack.configure_app(request_url=serve_bolt(app).url, retries=False)
    [once] = slack.emit({"type": "message", "text": "x", "channel": "C1", "user": "U1"})
    assert len(once.attempts) == 1


def test_url_verification(slack: FakeSlack, serve_bolt) -> None:
    slack.configure_app(request_url=serve_bolt(bolt_app(slack)).url)
    delivery = slack.verify_url()
    assert delivery.ok and delivery.body["challenge"] == delivery.payload["challenge"]


def test_block_suggestion_for_external_selects(slack: FakeSlack, client: WebClient, serve_bolt):
    app = bolt_app(slack)

    @app.options("service")
    def services(ack, payload):
        ack(options=[{"text": {"type": "plain_text", "text": "checkout"}, "value": "checkout"}])

    slack.configure_app(request_url=serve_bolt(app).url)
    trigger = slack.actor("alice").slash_command("/x", channel="incidents").trigger_id
    modal = small_modal() | {
        "blocks": [
            {
                "type": "input",
                "block_id": "svc",
                "label": {"type": "plain_text", "text": "Service"},
                "element": {"type": "external_select", "action_id": "service"},
            }
        ]
    }
    view = client.views_open(trigger_id=trigger, view=modal)["view"]
    delivery = slack.actor("alice").suggest_in_view(view["id"], "service", "chec")
    assert delivery.payload["type"] == "block_suggestion" and delivery.payload["value"] == "chec"
    assert delivery.body["options"][0]["value"] == "checkout"
    result = slack.actor("alice").submit_view(view["id"], {"svc": {"service": "checkout"}})
    assert result.payload["view"]["state"]["values"]["svc"]["service"]["selected_option"] == {
        "text": {"type": "plain_text", "text": "checkout"},
        "value": "checkout",
    }


def test_several_request_urls_take_turns(slack: FakeSlack, serve_bolt) -> None:
    """Like a load balancer in front of two web processes: deliveries alternate between them."""
    seen: dict[str, list[tuple[str, dict]]] = {"first": [], "second": []}
    urls = []
    for name in seen:
        app = bolt_app(slack)
        app.event("message")(_recorder(seen[name], "message"))
        urls.append(serve_bolt(app).url)
    slack.configure_app(request_url=" ".join(urls))
    alice = slack.actor("alice")
    for n in range(4):
        alice.post_message("incidents", f"message {n}")
    assert all(d.ok for d in slack.deliveries())
    texts = {name: [event["text"] for _, event in events] for name, events in seen.items()}
    assert texts == {"first": ["message 0", "message 2"], "second": ["message 1", "message 3"]}
