"""Plugins written for Monzo's original Response (tests/slack/monzo_plugins), loaded unchanged and
driven through Slack: signed deliveries to the real endpoint, the real engine, fakeslack."""

import importlib.util
import logging
import warnings
from pathlib import Path

import pytest

from response.core.models import TimelineEvent
from response.engine.models import Job
from response.slack import compat
from response.slack.decorators import isolated_registries
from response.slack.models import HeadlinePost
from tests.slack.helpers import declare_in_slack, headline_blocks, mention

PLUGINS = Path(__file__).resolve().parent / "monzo_plugins"

# Expected here (each test asserts on what it is told); kept out of the suite's summary.
pytestmark = pytest.mark.filterwarnings("ignore:.*from Monzo's Response:DeprecationWarning")


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"monzo_plugins.{name}", PLUGINS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def reported():
    """What the compatibility layer logs about the plugins (from any thread)."""
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    handler = Keep(level=logging.WARNING)
    logger = logging.getLogger("response.slack.compat")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


@pytest.fixture
def plugins():
    with isolated_registries():
        yield load


def texts(slack, channel_id):
    return [m["text"] for m in slack.messages(channel_id)]


def test_keyword_handlers_given_the_keyword_and_registered_with_func(slack, plugins, reported):
    plugins("keywords")
    _, channel_id = declare_in_slack(slack)

    # (comms_channel, user, keyword, text, ts): the keyword as registered, whatever the case.
    slack.actor("alice").post_message(channel_id, "Is there a RUN BOOK for this?")
    slack.wait_for(
        lambda: (
            "📗 You said 'run book': runbooks live at https://wiki.example.com"
            in texts(slack, channel_id)
        )
    )

    # keyword_handler([...], func=handler), with the README's four arguments.
    slack.actor("alice").post_message(channel_id, "Who updates the status page?")
    slack.wait_for(
        lambda: "📣 The status page is at https://status.example.com" in texts(slack, channel_id)
    )

    # incident_command([...], func=handler, helptext=...): its reply, and its help.
    mention(slack, "alice", channel_id, "oncall")
    slack.wait_for(lambda: "on-call this week" in str(slack.ephemeral(channel=channel_id)))
    mention(slack, "alice", channel_id, "help")
    slack.wait_for(
        lambda: "Who is on call for the database?" in str(slack.ephemeral(channel=channel_id))
    )

    # No handler failed on the way.
    assert not Job.objects.filter(failures__gt=0).exists()
    assert any(
        "monzo_plugins.keywords.runbook_notification uses a keyword handler taking "
        "(comms_channel, user, keyword, text, ts)"
        in r
        and "use (comms_channel, user, text, ts)" in r
        for r in reported
    )
    assert any(
        "status_page_notification uses keyword_handler(['status page'], func=…)" in r
        and "keyword_handler(['status page'])(status_page_notification)" in r
        for r in reported
    )


def test_slack_event_handlers_run_for_incident_channels_only(slack, plugins, reported):
    plugins("events")
    _, channel_id = declare_in_slack(slack)

    slack.actor("dave").join(channel_id)
    welcome = f"👋 Welcome <@{slack.user_id('dave')}>! Read the pinned messages."
    slack.wait_for(lambda: welcome in texts(slack, channel_id))

    # The original never called it for a channel that is not an incident's: neither do we.
    erin, incidents_id = slack.actor("erin"), slack.channel("incidents")["id"]
    erin.leave(incidents_id)
    erin.join(incidents_id)
    joined = Job.objects.filter(
        kind="slack.event",
        payload__body__event__type="member_joined_channel",
        payload__body__event__channel=incidents_id,
    )
    slack.wait_for(lambda: joined.filter(state=Job.State.DONE).exists())
    assert joined.get().failures == 0
    assert not any(t.startswith("👋 Welcome") for t in texts(slack, incidents_id))
    assert any(
        "monzo_plugins.events.welcome uses @slack_event('member_joined_channel')" in r
        and "use @event_handler('member_joined_channel')" in r
        for r in reported
    )


def test_block_kit_buttons_action_context_and_dialog_handler(slack, plugins):
    plugins("freeze")
    incident, channel_id = declare_in_slack(slack)

    # A block_kit.Button from a @headline_post_action, between the built-ins at 100 and 200.
    slack.wait_for(lambda: "monzo-freeze-deploys" in str(headline_blocks(slack, incident)))
    actions = next(b for b in headline_blocks(slack, incident) if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [
        "monzo-freeze-deploys",
        "edit-incident-button",
        "edit-key-times-button",  # built-in at 250 (response.slack.inbound.times)
        "close-incident-button",
        "subscribe-button",
    ]
    freeze = next(e for e in actions["elements"] if e["action_id"] == "monzo-freeze-deploys")
    assert freeze["value"] == str(incident.pk)

    # The button opens a modal built with block_kit (action_context.button_value inside);
    # its submission reaches the @dialog_handler as (user_id, channel_id, submission, …).
    post = HeadlinePost.objects.get(incident=incident)
    bob = slack.actor("bob")
    assert bob.click(post.channel_id, post.message_ts, "monzo-freeze-deploys").ok
    view = slack.open_views(slack.user_id("bob"))[-1]
    assert view["callback_id"] == "monzo-freeze-dialog"
    assert bob.submit_view(view["id"], {"reason": {"reason": "Bad migration"}}).ok
    assert TimelineEvent.objects.filter(
        incident=incident, text="Deploys frozen: Bad migration"
    ).exists()

    # block_kit.Message(...).send(channel): posted through the engine, with its blocks.
    slack.wait_for(lambda: "Deploys are frozen" in texts(slack, channel_id))
    frozen = next(m for m in slack.messages(channel_id) if m["text"] == "Deploys are frozen")
    assert [b["type"] for b in frozen["blocks"]] == ["section", "divider", "actions"]
    assert (
        frozen["blocks"][0]["text"]["text"] == f"*🧊 Deploys*\nFrozen by <@{slack.user_id('bob')}>"
    )
    # (The job is marked done once Slack's answer is recorded, a moment after Slack has it.)
    posted = Job.objects.filter(kind="slack.post", payload__text="Deploys are frozen")
    slack.wait_for(lambda: posted.filter(state=Job.State.DONE).exists())

    # The Thaw button's handler edits that message: .send(channel, action_context.message["ts"]).
    assert bob.click(channel_id, frozen["ts"], "monzo-thaw-deploys").ok
    slack.wait_for(lambda: slack.message(channel_id, frozen["ts"])["text"] == "Deploys are thawed")
    thawed = slack.message(channel_id, frozen["ts"])
    assert (
        thawed["blocks"][0]["text"]["text"] == f"*🌤 Deploys*\nThawed by <@{slack.user_id('bob')}>"
    )

    def edits():  # recorded once answered, a moment after the edit is visible
        return [c.args["ts"] for c in slack.calls("chat.update") if c.args["channel"] == channel_id]

    slack.wait_for(lambda: edits() == [frozen["ts"]])


def test_view_handler_gets_the_originals_view_context(slack, plugins):
    plugins("notes")
    incident, _ = declare_in_slack(slack)
    slack.wait_for(lambda: "monzo-add-note" in str(headline_blocks(slack, incident)))

    post = HeadlinePost.objects.get(incident=incident)
    carol = slack.actor("carol")
    assert carol.click(post.channel_id, post.message_ts, "monzo-add-note").ok
    view = slack.open_views(slack.user_id("carol"))[-1]
    assert view["callback_id"] == "monzo-note-modal"
    assert carol.submit_view(view["id"], {"note-block": {"note": "Rolled back at 14:02"}}).ok
    note = TimelineEvent.objects.get(incident=incident, text="Rolled back at 14:02")
    assert note.author.external_id == slack.user_id("carol")


def test_each_plugin_function_is_reported_once(slack, plugins, reported):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plugins("freeze")
    registered = [str(w.message) for w in caught if w.category is DeprecationWarning]
    # At registration: the @dialog_handler, and block_kit in no function yet.
    assert [m.split(" uses ")[0] for m in registered] == ["monzo_plugins.freeze.freeze"]
    assert "use a modal and @modal_handler('monzo-freeze-dialog')" in registered[0]
    assert caught[0].filename.endswith("monzo_plugins/freeze.py")

    _, channel_id = declare_in_slack(slack)
    for _ in range(2):
        mention(slack, "alice", channel_id, "freeze")
    slack.wait_for(lambda: texts(slack, channel_id).count("Deploys are frozen") == 2)
    first, second = (m for m in slack.messages(channel_id) if m["text"] == "Deploys are frozen")
    bob = slack.actor("bob")
    for message in (first, second):
        assert bob.click(channel_id, message["ts"], "monzo-thaw-deploys").ok
    slack.wait_for(lambda: texts(slack, channel_id).count("Deploys are thawed") == 2)

    about = [r.split(" (from Monzo's Response)")[0] for r in reported]
    # Used twice each, reported once per function: the headline button (rendered at every
    # headline edit), the message built in post_frozen, and thaw's block_kit and .message.
    assert (
        about.count("monzo_plugins.freeze.freeze_deploys_button uses response.slack.block_kit") == 1
    )
    assert about.count("monzo_plugins.freeze.post_frozen uses response.slack.block_kit") == 1
    assert about.count("monzo_plugins.freeze.thaw uses response.slack.block_kit") == 1
    assert about.count("monzo_plugins.freeze.thaw uses action_context.message") == 1
    assert len(about) == len(set(about))


def test_a_keyword_handlers_shape_is_read_from_its_signature():
    def readme(comms_channel, user, text, ts):
        pass

    def later_release(comms_channel, user, keyword, text, ts):
        pass

    def either(comms_channel, user, keyword, text, ts=None):  # both fit: the names decide
        pass

    def anything(*args):
        pass

    with isolated_registries():
        assert not compat.keyword_handler_takes_keyword(readme)
        assert compat.keyword_handler_takes_keyword(later_release)
        assert compat.keyword_handler_takes_keyword(either)
        assert not compat.keyword_handler_takes_keyword(anything)


def test_a_handler_that_fits_no_shape_is_refused_when_registered(plugins):
    from response.slack.decorators import dialog_handler, keyword_handler

    def three(comms_channel, user, text):
        pass

    with pytest.raises(TypeError, match=r"takes \(comms_channel, user, text, ts\)"):
        keyword_handler(["x"])(three)
    with pytest.raises(TypeError, match=r"takes \(user_id, channel_id, submission"):
        dialog_handler("y", func=three)
