"""Block Kit renderers: pure functions of frozen data, compared with checked-in snapshots.

After an intended change: `UPDATE_SNAPSHOTS=1 make test ARGS=tests/slack/test_blocks.py`, then
review the JSON diff.
"""

import json
import os
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from response.slack.blocks.data import IncidentData, SeverityChoice
from response.slack.blocks.headline import headline_text, render_headline
from response.slack.blocks.home import render_home
from response.slack.blocks.messages import (
    render_declaration_confirmation,
    render_field,
    render_help,
    render_open_incidents,
    render_status_update,
    render_welcome,
    topic_text,
)
from response.slack.blocks.modals import (
    render_declare_modal,
    render_edit_modal,
    render_field_modal,
    render_update_modal,
)
from response.slack.blocks.reminders import (
    ActionLine,
    render_long_running,
    render_overdue_action,
    render_postmortem_due,
    render_update_due,
    render_write_up,
)
from response.slack.blocks.text import escape, mention, truncate
from response.slack.inbound.context import from_slack
from tests.factories import ExternalUserFactory
from tests.slack.helpers import HOSTILE, unescaped_user_text

SNAPSHOTS = Path(__file__).parent / "snapshots"
SITE = "https://response.example.com"
CRITICAL = SeverityChoice(slug="critical", name="Critical", emoji="⛈️", rank=1)
SEVERITIES = [
    CRITICAL,
    SeverityChoice(slug="major", name="Major", emoji="🌧️", rank=2),
    SeverityChoice(slug="minor", name="Minor", emoji="🌦️", rank=3),
]
OPEN = IncidentData(
    id=42,
    title="Card payments are failing",
    status="investigating",
    status_label="Investigating",
    severity=CRITICAL,
    reporter_id="U0REPORTER",
    lead_id="U0LEAD",
    summary="Card payments fail with HTTP 500 <since 10:02> & retries make it worse",
    impact="All EU customers",
    is_open=True,
    is_private=False,
    is_report_only=False,
    comms_channel_id="C0CHANNEL",
    reported_ts=1764000000,
    duration_text=None,
)
BARE = replace(
    OPEN,
    severity=None,
    lead_id=None,
    summary="",
    impact="",
    comms_channel_id=None,
)
RESOLVED = replace(
    OPEN, status="resolved", status_label="Resolved", is_open=False, duration_text="1h 5m"
)
PLUGIN_BUTTON = {
    "type": "button",
    "action_id": "page-db",
    "text": {"type": "plain_text", "text": "Page DB"},
}


def matches_snapshot(name: str, value) -> None:
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        assert not os.environ.get("CI"), f"snapshot {path.name} is missing"
        path.write_text(text)
    assert json.loads(path.read_text()) == json.loads(text), f"{name} differs from its snapshot"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("headline_open", OPEN),
        ("headline_bare", BARE),
        ("headline_resolved", RESOLVED),
        ("headline_private", replace(OPEN, is_private=True)),
        ("headline_plugin_button", replace(OPEN, extra_buttons=((150, PLUGIN_BUTTON),))),
    ],
)
def test_headline(name, data):
    matches_snapshot(
        name, {"text": headline_text(data), "blocks": render_headline(data, site_url=SITE)}
    )


def test_headline_buttons_follow_their_order():
    blocks = render_headline(
        replace(
            BARE,
            extra_buttons=((150, PLUGIN_BUTTON), (50, {**PLUGIN_BUTTON, "action_id": "first"})),
        ),
        site_url=SITE,
    )
    actions = next(b for b in blocks if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [
        "first",
        "create-comms-channel-button",
        "page-db",
        "edit-incident-button",
        "close-incident-button",
        "subscribe-button",
    ]


def test_long_text_stays_inside_slacks_limits():
    long = replace(OPEN, title="T" * 255, summary="S" * 10_000, impact="I" * 10_000)
    blocks = render_headline(long, site_url=SITE)
    assert len(blocks[0]["text"]["text"]) <= 150
    for block in blocks:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
    assert len(topic_text(long, url=SITE)) <= 250


def test_modals():
    matches_snapshot(
        "modal_declare",
        render_declare_modal(
            title="Checkout is failing",
            severities=SEVERITIES,
            report_only_allowed=True,
            metadata={"channel_id": "C0GENERAL"},
        ),
    )
    matches_snapshot("modal_edit", render_edit_modal(OPEN, severities=SEVERITIES))
    matches_snapshot(
        "modal_update", render_update_modal(incident_id=42, status="identified", title=OPEN.title)
    )


def test_messages_and_home():
    matches_snapshot(
        "welcome",
        render_welcome(OPEN, site_url=SITE, severities=SEVERITIES),
    )
    matches_snapshot("field_summary", render_field(OPEN, "summary"))
    matches_snapshot("topic", topic_text(OPEN, url=f"{SITE}/incidents/42/"))
    matches_snapshot("home", render_home([OPEN, BARE], site_url=SITE, now_ts=1764003600))


# --- Escaping what people typed -------------------------------------------------------------------

HOSTILE_INCIDENT = replace(
    OPEN,
    title=HOSTILE,
    summary=HOSTILE,
    impact=HOSTILE,
    severity=SeverityChoice(slug="sev", name="<!here> Sev & co", emoji="🔥", rank=1),
)


def everything_rendered_for(data: IncidentData) -> dict:
    action = ActionLine(text=HOSTILE, owner_id="U0OWNER", due_date=date(2026, 12, 1))
    url = f"{SITE}/incidents/42/"
    return {
        "headline": {"text": headline_text(data), "blocks": render_headline(data, site_url=SITE)},
        "welcome": render_welcome(data, site_url=SITE, severities=[data.severity]),
        "help": render_help([("x", "`x <thing>` & more")]),
        "confirmation": render_declaration_confirmation(
            data, headline_permalink="https://acme.slack.com/p1", channel_id="C0", site_url=SITE
        ),
        "summary": render_field(data, "summary"),
        "impact": render_field(data, "impact"),
        "list": render_open_incidents([data], site_url=SITE),
        "update": render_status_update(data, author_id="U0AUTHOR", text=HOSTILE),
        "topic": topic_text(data, url=url),
        "long_topic": topic_text(data, url="https://x.example/" + "p" * 300),
        "home": render_home([data], site_url=SITE, now_ts=1764003600),
        "update_modal": render_update_modal(incident_id=42, status="identified", title=HOSTILE),
        "edit_modal": render_edit_modal(data, severities=[data.severity]),
        "field_modal": render_field_modal(incident_id=42, field="summary", value=HOSTILE),
        "update_due": render_update_due(
            42, lead_id="U0LEAD", minutes_since=31, severity_name=data.severity.name
        ),
        "long_running": render_long_running(42, lead_id="U0LEAD", open_for="1d"),
        "write_up": render_write_up(42, title=HOSTILE, url=url, open_actions=[action]),
        "overdue": render_overdue_action(
            42, title=HOSTILE, action_text=HOSTILE, due_date=date(2026, 12, 1), url=url
        ),
        "postmortem_due": render_postmortem_due(
            42, title=HOSTILE, url=url, state=HOSTILE, is_owner=True, resolved_for="2d"
        ),
    }


def test_no_renderer_lets_typed_text_ping_mention_or_link():
    assert len(unescaped_user_text({"text": HOSTILE, "blocks": [{"text": HOSTILE}]})) == 2
    rendered = everything_rendered_for(HOSTILE_INCIDENT)
    assert unescaped_user_text(rendered) == []
    # …while what was typed is still all there, to be read.
    headline = rendered["headline"]["blocks"]
    assert (
        "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in headline[2]["text"]["text"]
    )
    assert "&lt;!here&gt; Sev &amp; co" in rendered["headline"]["text"]
    # Our own mentions of people we know by id stay mentions.
    assert "<@U0LEAD>" in rendered["topic"] and "<@U0AUTHOR>" in rendered["update"]
    assert "<@U0OWNER>" in json.dumps(rendered["write_up"])


def test_plain_text_is_shown_as_typed():
    """Slack does not parse plain_text nor input values: escaping them would show "&amp;"."""
    headline = render_headline(replace(OPEN, title="Q&A <page> down"), site_url=SITE)
    assert headline[0]["text"] == {
        "type": "plain_text",
        "text": "Incident #42: Q&A <page> down",
        "emoji": True,
    }
    modal = render_edit_modal(replace(OPEN, title="Q&A <page>"), severities=SEVERITIES)
    assert modal["blocks"][0]["element"]["initial_value"] == "Q&A <page>"
    assert (
        render_declare_modal(
            title="a & b", severities=SEVERITIES, report_only_allowed=False, metadata={}
        )["blocks"][0]["element"]["initial_value"]
        == "a & b"
    )


def test_escaped_text_is_cut_between_entities():
    for cut in range(1, 12):
        text = truncate(escape("&&&&&&&&&&"), cut)
        assert text == "" or re.fullmatch(r"(&amp;)*…?", text), text
    assert truncate(escape("<" * 100), 10) == "&lt;" * 2 + "…"
    long = replace(OPEN, title="&" * 255, summary="<" * 10_000)
    assert unescaped_user_text(render_headline(long, site_url=SITE)) == []
    assert not re.search(r"&(?!amp;|lt;|gt;)", topic_text(long, url="https://x/" + "p" * 300))


def test_a_mention_is_of_a_user_id_or_it_is_text():
    assert mention("U0LEAD") == "<@U0LEAD>"
    assert mention("W012ABC") == "<@W012ABC>"
    assert mention("!channel") == "!channel"
    assert mention("U1>|x <!here") == "U1&gt;|x &lt;!here"
    assert mention(None) == "Unassigned"


@pytest.mark.django_db
def test_text_typed_in_slack_is_kept_as_plain_text():
    ExternalUserFactory(external_id="U0BOB", display_name="bob")
    typed = (
        "ask <@U0BOB> &amp; <@U0NEW|newbie> in <#C0X|ops>: "
        "see <https://a.example|docs> &lt;now&gt; <!here>"
    )
    assert (
        from_slack(typed) == "ask @bob & @newbie in #ops: see docs (https://a.example) <now> @here"
    )
    assert from_slack("nothing special") == "nothing special"
    assert from_slack("a &amp;lt; b") == "a &lt; b"  # typed "&lt;" stays "&lt;"
