"""views.*: trigger ids, stacks, hashes, App Home, validation; modal rules for actors."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from fakeslack import FakeSlack

from .modals import HOME, SEVERITIES, declare_modal, input_block, small_modal


def error_of(call, **kwargs) -> str:
    with pytest.raises(SlackApiError) as raised:
        call(**kwargs)
    return raised.value.response["error"]


@pytest.fixture
def quick_slack() -> Iterator[FakeSlack]:
    """A workspace whose trigger ids expire after 0.5 s instead of 3 s."""
    fake = FakeSlack(trigger_ttl=0.5).start()
    yield fake
    fake.stop()


def trigger_for(slack: FakeSlack, user: str = "alice") -> str:
    """A trigger id, as a slash command gives one (no app configured: nothing is delivered)."""
    delivery = slack.actor(user).slash_command("/incident", channel="incidents")
    assert delivery.transport == "none" and delivery.trigger_id
    return delivery.trigger_id


def test_trigger_ids_are_single_use_and_expire(quick_slack: FakeSlack) -> None:
    client = WebClient(token=quick_slack.bot_token, base_url=quick_slack.api_url)
    trigger = trigger_for(quick_slack)
    view = client.views_open(trigger_id=trigger, view=declare_modal())["view"]
    assert view["id"].startswith("V")
    assert error_of(client.views_open, trigger_id=trigger, view=declare_modal()) == (
        "exchanged_trigger_id"
    )
    stale = trigger_for(quick_slack)
    time.sleep(0.6)
    assert error_of(client.views_open, trigger_id=stale, view=declare_modal()) == (
        "expired_trigger_id"
    )
    assert error_of(client.views_open, trigger_id="12.34.nonsense", view=declare_modal()) == (
        "invalid_trigger_id"
    )


def test_view_validation(slack: FakeSlack, client: WebClient) -> None:
    long_title = declare_modal() | {"title": {"type": "plain_text", "text": "x" * 25}}
    assert error_of(client.views_open, trigger_id=trigger_for(slack), view=long_title) == (
        "invalid_arguments"
    )
    no_submit = {k: v for k, v in declare_modal().items() if k != "submit"}
    assert error_of(client.views_open, trigger_id=trigger_for(slack), view=no_submit) == (
        "invalid_arguments"
    )
    assert error_of(client.views_open, trigger_id=trigger_for(slack), view=HOME) == (
        "invalid_arguments"
    )


def test_push_update_hash_and_external_id(slack: FakeSlack, client: WebClient) -> None:
    root = client.views_open(trigger_id=trigger_for(slack), view=declare_modal())["view"]
    for i in range(2):
        pushed = client.views_push(trigger_id=trigger_for(slack), view=small_modal(f"Step {i}"))
        assert pushed["view"]["root_view_id"] == root["id"]
    assert len(slack.open_views()) == 3
    assert error_of(client.views_push, trigger_id=trigger_for(slack), view=small_modal()) == (
        "push_limit_reached"
    )

    updated = client.views_update(view_id=root["id"], hash=root["hash"], view=small_modal("New"))
    assert updated["view"]["id"] == root["id"] and updated["view"]["hash"] != root["hash"]
    assert error_of(
        client.views_update, view_id=root["id"], hash=root["hash"], view=small_modal()
    ) == ("hash_conflict")
    assert error_of(client.views_update, view_id="V000NOPE", view=small_modal()) == "not_found"

    external = small_modal("External") | {"external_id": "incident-42"}
    client.views_update(view_id=root["id"], view=external)
    by_external = client.views_update(external_id="incident-42", view=external)
    assert by_external["view"]["id"] == root["id"]


def test_publish_app_home(slack: FakeSlack, client: WebClient) -> None:
    alice = slack.user_id("alice")
    first = client.views_publish(user_id=alice, view=HOME)["view"]
    second = client.views_publish(user_id=alice, view=HOME)["view"]
    assert first["id"] == second["id"] and first["type"] == "home"
    assert slack.home_view("alice")["id"] == first["id"]
    assert error_of(client.views_publish, user_id="U000NOPE", view=HOME) == "user_not_found"
    assert error_of(client.views_publish, user_id=alice, view=small_modal()) == (
        "invalid_arguments"
    )


def test_submitting_needs_required_inputs(slack: FakeSlack, client: WebClient) -> None:
    view = client.views_open(trigger_id=trigger_for(slack), view=declare_modal())["view"]
    alice = slack.actor("alice")
    with pytest.raises(ValueError, match="required input summary/value is empty"):
        alice.submit_view(view["id"])
    with pytest.raises(LookupError, match="no inputs"):
        alice.submit_view(view["id"], {"nope": {"value": "x"}})
    with pytest.raises(LookupError, match="no option"):
        alice.submit_view(view["id"], {"summary": {"value": "x"}, "severity": {"value": "SEV9"}})


def test_views_are_personal(slack: FakeSlack, client: WebClient) -> None:
    view = client.views_open(trigger_id=trigger_for(slack, "alice"), view=declare_modal())["view"]
    from fakeslack import SlackError

    with pytest.raises(SlackError):
        slack.actor("bob").close_view(view["id"])
    assert slack.actor("alice").close_view(view["id"]) is None  # notify_on_close is off
    assert slack.open_views() == [] and slack.view(view["id"])["is_open"] is False
    with pytest.raises(SlackError):
        slack.actor("alice").submit_view(view["id"])


def test_a_datetimepicker_keeps_its_initial_moment_or_takes_a_new_one(
    slack: FakeSlack, client: WebClient
) -> None:
    """Slack's `datetimepicker` works in epoch seconds: `initial_date_time` in, and
    `selected_date_time` in the submission (what was shown, when nobody touched it)."""
    picker = {"type": "datetimepicker", "initial_date_time": 1_772_355_600}
    modal = small_modal() | {
        "blocks": [
            {
                "type": "input",
                "block_id": "when",
                "label": {"type": "plain_text", "text": "When"},
                "element": {"action_id": "when", **picker},
            },
            {
                "type": "input",
                "block_id": "unknown",
                "optional": True,
                "label": {"type": "plain_text", "text": "Unknown"},
                "element": {"action_id": "unknown", "type": "datetimepicker"},
            },
        ]
    }
    alice = slack.actor("alice")
    view = client.views_open(trigger_id=trigger_for(slack), view=modal)["view"]
    alice.submit_view(view["id"])
    values = slack.view(view["id"])["state"]["values"]
    assert values["when"]["when"] == {"type": "datetimepicker", "selected_date_time": 1_772_355_600}
    assert values["unknown"]["unknown"]["selected_date_time"] is None

    view = client.views_open(trigger_id=trigger_for(slack), view=modal)["view"]
    alice.submit_view(view["id"], {"when": {"when": "1772359200"}})  # as the sandbox's form
    assert slack.view(view["id"])["state"]["values"]["when"]["when"]["selected_date_time"] == (
        1_772_359_200
    )


def test_inputs_tell_the_app_only_when_they_dispatch(slack: FakeSlack, client: WebClient) -> None:
    modal = small_modal("Two inputs")
    modal["blocks"] = [
        input_block("summary", {"type": "plain_text_input", "action_id": "summary"}),
        input_block(
            "severity",
            {"type": "static_select", "action_id": "severity", "options": SEVERITIES},
        )
        | {"dispatch_action": True},  # choosing a severity updates the modal
    ]
    view = client.views_open(trigger_id=trigger_for(slack), view=modal)["view"]
    alice = slack.actor("alice")
    # Typing in an input that does not dispatch is kept in the view's state; Slack sends nothing.
    assert alice.enter_in_view(view["id"], "summary", "Card payments fail") is None
    state = slack.view(view["id"])["state"]["values"]
    assert state["summary"]["summary"]["value"] == "Card payments fail"
    with pytest.raises(ValueError, match="no dispatch_action"):
        alice.click_in_view(view["id"], "summary", "typed")
    # A dispatching input is a block_actions delivery (no app here: it goes nowhere).
    delivery = alice.enter_in_view(view["id"], "severity", "2")
    assert delivery is not None and delivery.payload["actions"][0]["action_id"] == "severity"
    assert delivery.payload["view"]["state"]["values"]["summary"]["summary"]["value"] == (
        "Card payments fail"
    )
