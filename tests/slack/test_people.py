"""Getting the right people in: user groups invited by severity, and `@Response invite`,
through signed deliveries, the real worker and fakeslack."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from response.slack.models import CommsChannel
from tests.slack.helpers import declare_in_slack, mention

SRE = ["alice", "frank", "ivan", "oscar"]  # fakeslack's seeded @sre
ONCALL = ["alice", "bob"]  # and @oncall


def bot_texts(slack, channel_id: str, words: str) -> list[str]:
    return [
        m["text"]
        for m in slack.messages(channel_id)
        if m.get("user") == slack.bot_user_id and words in m.get("text", "")
    ]


def group_id(slack, handle: str) -> str:
    return next(g["id"] for g in slack.state.usergroups.values() if g["handle"] == handle)


@pytest.fixture
def auto_invite(settings):
    settings.RESPONSE_AUTO_INVITE = {"critical": ["sre"], "major": ["oncall"]}


def test_the_severity_s_groups_are_invited_once_as_members_never_mentioned(
    slack, worker, auto_invite
):
    incident, channel_id = declare_in_slack(
        slack, user="dave", values={"severity": {"severity": "critical"}}
    )
    slack.wait_for(lambda: set(map(slack.user_id, SRE)) <= set(slack.members(channel_id)))
    assert worker.settled()
    [said] = bot_texts(slack, channel_id, "👥 Invited")
    assert "(members of @sre), for critical incidents." in said
    assert all(f"<@{slack.user_id(name)}>" in said for name in SRE)
    # The group itself is never mentioned (nobody outside the channel is pinged).
    assert not [m for m in slack.messages(channel_id) if "<!subteam" in m.get("text", "")]
    assert CommsChannel.objects.get(incident=incident).invited_groups == ["sre"]

    # Major brings @oncall (bob: alice is here already); critical again invites nobody twice.
    mention(slack, "dave", channel_id, "severity major")
    slack.wait_for(lambda: slack.user_id("bob") in slack.members(channel_id))
    assert worker.settled()
    invites = len(slack.calls("conversations.invite"))
    lookups = len(slack.calls("usergroups.list"))
    mention(slack, "dave", channel_id, "severity critical")
    assert worker.settled()
    assert len(slack.calls("conversations.invite")) == invites
    assert len(slack.calls("usergroups.list")) == lookups  # nothing left to look up
    assert len(bot_texts(slack, channel_id, "👥 Invited")) == 2
    assert CommsChannel.objects.get(incident=incident).invited_groups == ["oncall", "sre"]
    members = slack.members(channel_id)
    assert len(members) == len(set(members))


def test_no_groups_are_read_when_none_are_configured_for_the_severity(slack, worker, settings):
    settings.RESPONSE_AUTO_INVITE = {"critical": ["sre"]}
    _incident, channel_id = declare_in_slack(slack, values={"severity": {"severity": "minor"}})
    assert worker.settled()
    assert not slack.calls("usergroups.list")
    assert slack.user_id("frank") not in slack.members(channel_id)


def test_invite_brings_a_group_s_members_and_a_person(slack, worker):
    _incident, channel_id = declare_in_slack(slack)
    # As Slack writes a group and a person picked from the autocomplete.
    ts = mention(
        slack,
        "alice",
        channel_id,
        f"invite <!subteam^{group_id(slack, 'sre')}|@sre> <@{slack.user_id('judy')}>",
    )
    wanted = {slack.user_id(name) for name in [*SRE, "judy"]}
    slack.wait_for(lambda: wanted <= set(slack.members(channel_id)))
    assert worker.settled()
    [said] = bot_texts(slack, channel_id, "👥 Invited")
    assert f"asked by <@{slack.user_id('alice')}>" in said
    assert "@sre" in said and "<!subteam" not in said
    assert "white_check_mark" in {r["name"] for r in slack.message(channel_id, ts)["reactions"]}

    # A handle typed as text works too; one that names no group is answered, to the asker only.
    mention(slack, "alice", channel_id, "invite @oncall @nobody")
    slack.wait_for(lambda: slack.user_id("bob") in slack.members(channel_id))
    assert worker.settled()
    [warning] = [e for e in slack.ephemeral(channel_id) if "no user group @nobody" in e["text"]]
    assert warning["recipient"] == slack.user_id("alice")


def test_invite_with_nobody_named_says_how(slack, worker):
    _incident, channel_id = declare_in_slack(slack)
    mention(slack, "alice", channel_id, "invite")
    slack.wait_for(
        lambda: any("Whom shall I invite" in e["text"] for e in slack.ephemeral(channel_id))
    )
    assert not slack.calls("usergroups.list")


@pytest.mark.parametrize("how", ["drop", "late"])
def test_a_group_is_invited_and_announced_once_when_slack_s_answer_is_lost(
    slack, worker, settings, auto_invite, how
):
    settings.RESPONSE_SLACK_TIMEOUT = 1.0
    slack.faults.add(
        method="conversations.invite", lose_answer=how, count=2, delay=2.0 if how == "late" else 0
    )
    _incident, channel_id = declare_in_slack(slack, values={"severity": {"severity": "critical"}})
    slack.wait_for(lambda: set(map(slack.user_id, SRE)) <= set(slack.members(channel_id)))
    assert worker.settled()
    members = slack.members(channel_id)
    assert len(members) == len(set(members))
    assert len(bot_texts(slack, channel_id, "👥 Invited")) == 1


# --- The settings, read as Response reads them at start-up ----------------------------------------


def settings_of(tmp_path, **variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SLACK_"))}
    env.update(RESPONSE_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="response.settings")
    env.update(variables)
    script = (
        "from django.conf import settings as s; "
        "print(s.RESPONSE_AUTO_INVITE, s.RESPONSE_ARCHIVE_AFTER_HOURS, "
        "s.RESPONSE_CALL_URL_TEMPLATE)"
    )
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )


def test_the_settings_are_read_and_a_mistake_is_a_sentence(tmp_path):
    read = settings_of(
        tmp_path,
        RESPONSE_AUTO_INVITE="critical:@sre, @Payments-Oncall; major:@sre",
        RESPONSE_ARCHIVE_AFTER_HOURS="0.5",
        RESPONSE_CALL_URL_TEMPLATE="https://meet.example.com/inc-{id}",
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == (
        "{'critical': ['sre', 'payments-oncall'], 'major': ['sre']} 0.5 "
        "https://meet.example.com/inc-{id}"
    )
    wrong = settings_of(tmp_path, RESPONSE_AUTO_INVITE="critical")
    assert "RESPONSE_AUTO_INVITE is severity:@group" in wrong.stderr
    wrong = settings_of(tmp_path, RESPONSE_CALL_URL_TEMPLATE="https://meet.example.com/{slug}")
    assert "RESPONSE_CALL_URL_TEMPLATE may use {id} only" in wrong.stderr
