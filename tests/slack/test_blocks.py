"""Block Kit renderers: pure functions of frozen data, compared with checked-in snapshots.

After an intended change: `UPDATE_SNAPSHOTS=1 make test ARGS=tests/slack/test_blocks.py`, then
review the JSON diff.
"""

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from response.slack.blocks.data import IncidentData, SeverityChoice
from response.slack.blocks.headline import headline_text, render_headline
from response.slack.blocks.home import render_home
from response.slack.blocks.messages import render_field, render_welcome, topic_text
from response.slack.blocks.modals import (
    render_declare_modal,
    render_edit_modal,
    render_update_modal,
)

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
        render_welcome(
            OPEN, site_url=SITE, commands=[("lead", "Set the lead."), ("sev", "Set it.")]
        ),
    )
    matches_snapshot("field_summary", render_field(OPEN, "summary"))
    matches_snapshot("topic", topic_text(OPEN, url=f"{SITE}/incidents/42/"))
    matches_snapshot("home", render_home([OPEN, BARE], site_url=SITE, now_ts=1764003600))
