"""The building blocks: the public decorators, their settings switches, and the renderers."""

from __future__ import annotations

import pytest

from response.notifications.registry import (
    NOTIFICATIONS,
    NotificationSpec,
    Phase,
    is_enabled,
    recurring_notification,
    single_notification,
)
from response.registry import AlreadyRegistered
from response.slack import reminders as builtin
from response.slack.blocks import ids
from response.slack.blocks.data import SeverityChoice
from response.slack.blocks.reminders import render_no_severity, render_write_up


def spec_of(func) -> NotificationSpec:
    return NOTIFICATIONS.get(f"{func.__module__}.{func.__qualname__}")


def test_the_built_ins_are_registered_with_their_schedule():
    assert (spec_of(builtin.no_lead).interval_mins, spec_of(builtin.no_lead).max_notifications) == (
        2,
        5,
    )
    assert spec_of(builtin.no_severity).initial_delay_mins == 5
    assert spec_of(builtin.long_running).interval_mins == 24 * 60
    assert spec_of(builtin.write_up).phase == Phase.RESOLVED
    assert spec_of(builtin.overdue_actions).phase == Phase.ACTION
    assert "severity" in spec_of(builtin.update_cadence).wake_on


def test_take_a_break_ships_switched_off_and_the_others_on():
    assert not is_enabled(spec_of(builtin.take_a_break))
    assert all(
        is_enabled(spec_of(f))
        for f in (builtin.no_lead, builtin.no_severity, builtin.update_cadence, builtin.write_up)
    )


def test_a_switch_names_a_built_in_by_name_and_a_plugin_by_key(settings):
    def take_a_break(incident):
        pass

    take_a_break.__module__ = "my_plugin"
    plugin = NotificationSpec("my_plugin.take_a_break", take_a_break, 30, 30, 10)
    settings.RESPONSE_REMINDERS = {"take_a_break": True, "no_lead": False}
    assert is_enabled(spec_of(builtin.take_a_break))
    assert not is_enabled(spec_of(builtin.no_lead))
    assert is_enabled(plugin)  # a built-in's short name does not switch a plugin's namesake
    settings.RESPONSE_REMINDERS = {"my_plugin.take_a_break": False}
    assert not is_enabled(plugin)


def test_decorators_refuse_nonsense_and_duplicates():
    with pytest.raises(ValueError):
        recurring_notification(interval_mins=0, max_notifications=3)
    with pytest.raises(ValueError):
        single_notification(initial_delay_mins=-1)

    def twice(incident):
        pass

    single_notification(1)(twice)
    try:
        with pytest.raises(AlreadyRegistered):
            recurring_notification(5, 2)(twice)
    finally:
        NOTIFICATIONS.unregister(f"{twice.__module__}.{twice.__qualname__}")


def test_the_severity_picker_offers_each_severity_by_slug():
    text, [section] = render_no_severity(
        7, [SeverityChoice("critical", "Critical", "⛈️", 1), SeverityChoice("minor", "Minor", "", 3)]
    )
    assert section["accessory"]["action_id"] == ids.SET_SEVERITY_SELECT
    assert [o["value"] for o in section["accessory"]["options"]] == ["critical", "minor"]
    assert "severity" in text


def test_the_write_up_request_lists_open_actions_and_escapes_them():
    from response.slack.blocks.reminders import ActionLine

    text, blocks = render_write_up(
        3,
        title="<b>Checkout</b>",
        url="https://response.example.com/incidents/3/",
        open_actions=[ActionLine("Fix <alerting> & paging", "U1", None)],
    )
    assert "&lt;b&gt;Checkout&lt;/b&gt;" in text
    assert "Fix &lt;alerting&gt; &amp; paging — <@U1>" in blocks[1]["text"]["text"]
