"""Affected services in Slack: chosen in the declare modal, changed later with `@Response
services …` or the headline's button; the owning teams' user groups invited once; the headline
showing them. Signed deliveries, the real worker, fakeslack."""

from __future__ import annotations

import pytest

from response.core import verbs
from response.core.models import AuditEvent, Incident, TimelineEvent
from response.slack.models import CommsChannel
from tests.slack.helpers import declare_in_slack, headline_blocks, mention, reactions_on

SRE = ["alice", "frank", "ivan", "oscar"]  # fakeslack's seeded @sre
ONCALL = ["alice", "bob"]  # and @oncall


@pytest.fixture
def catalog(db):
    platform, _ = verbs.save_team(slug="platform", name="Platform", slack_usergroup_handle="@sre")
    payments, _ = verbs.save_team(slug="payments", name="Payments", slack_usergroup_handle="oncall")
    verbs.save_service(slug="checkout", name="Checkout", team=payments, tier=1)
    verbs.save_service(slug="ledger", name="Ledger", team=payments)
    verbs.save_service(slug="database", name="Database", team=platform)
    verbs.save_service(slug="wiki", name="Wiki")  # nobody's


def services_of(incident):
    return sorted(Incident.objects.get(pk=incident.pk).services.values_list("slug", flat=True))


def shown_services(slack, incident):
    """The headline's Services field, as people read it."""
    for block in headline_blocks(slack, incident):
        for field in block.get("fields", []):
            if field["text"].startswith("*Services*\n"):
                return field["text"].removeprefix("*Services*\n")
    return None


def invited_texts(slack, channel_id):
    return [
        m["text"]
        for m in slack.messages(channel_id)
        if m.get("user") == slack.bot_user_id and "👥 Invited" in m.get("text", "")
    ]


def test_without_a_catalog_the_declare_modal_has_no_services_field(slack):
    person = slack.actor("alice")
    assert person.slash_command("/incident", "Checkout is failing", channel="general").ok
    view = slack.open_views(slack.user_id("alice"))[-1]
    assert "services" not in [b.get("block_id") for b in view["blocks"]]


def test_declared_with_services_invites_the_owning_teams_once_and_shows_them(
    slack, worker, catalog
):
    person = slack.actor("dave")
    assert person.slash_command("/incident", "Checkout is failing", channel="general").ok
    view = slack.open_views(slack.user_id("dave"))[-1]
    [field] = [b for b in view["blocks"] if b.get("block_id") == "services"]
    assert field["element"]["type"] == "multi_static_select"
    assert [o["value"] for o in field["element"]["options"]] == [
        "checkout",
        "database",
        "ledger",
        "wiki",
    ]

    incident, channel_id = declare_in_slack(
        slack, user="dave", values={"services": {"services": ["checkout", "ledger", "wiki"]}}
    )
    assert services_of(incident) == ["checkout", "ledger", "wiki"]
    slack.wait_for(lambda: set(map(slack.user_id, ONCALL)) <= set(slack.members(channel_id)))
    slack.wait_for(lambda: shown_services(slack, incident) == "Checkout, Ledger, Wiki")
    assert worker.settled()
    [said] = invited_texts(slack, channel_id)
    assert "(members of @oncall), for the affected services Checkout, Ledger." in said
    assert CommsChannel.objects.get(incident=incident).invited_groups == ["oncall"]
    entry = TimelineEvent.objects.get(incident=incident, kind="field")
    assert entry.text == "Affected services: Checkout, Ledger, Wiki"
    audit = AuditEvent.objects.get(incident=incident, verb="incident.services_changed")
    assert audit.before == {"services": []}
    assert audit.after == {"services": ["checkout", "ledger", "wiki"]}

    # Later, by mention: the database's team comes in; the payments team is not invited again.
    invites = len(slack.calls("conversations.invite"))
    ts = mention(slack, "dave", channel_id, "services add database")
    slack.wait_for(lambda: set(map(slack.user_id, SRE)) <= set(slack.members(channel_id)))
    slack.wait_for(lambda: "white_check_mark" in reactions_on(slack, channel_id, ts))
    assert worker.settled()
    assert services_of(incident) == ["checkout", "database", "ledger", "wiki"]
    assert len(slack.calls("conversations.invite")) == invites + 1
    assert len(invited_texts(slack, channel_id)) == 2
    assert "for the affected service Database." in invited_texts(slack, channel_id)[-1]
    assert CommsChannel.objects.get(incident=incident).invited_groups == ["oncall", "sre"]
    slack.wait_for(lambda: shown_services(slack, incident) == "Checkout, Database, Ledger, Wiki")

    # Removing and adding again invites nobody twice.
    mention(slack, "dave", channel_id, "services remove checkout ledger")
    slack.wait_for(lambda: services_of(incident) == ["database", "wiki"])
    mention(slack, "dave", channel_id, "services checkout database")
    slack.wait_for(lambda: services_of(incident) == ["checkout", "database"])
    assert worker.settled()
    assert len(slack.calls("conversations.invite")) == invites + 1
    assert len(invited_texts(slack, channel_id)) == 2
    slack.wait_for(lambda: shown_services(slack, incident) == "Checkout, Database")
    members = slack.members(channel_id)
    assert len(members) == len(set(members))


def test_an_unknown_service_is_refused_naming_it(slack, worker, catalog):
    incident, channel_id = declare_in_slack(slack)
    answer = slack.actor("alice").slash_command(
        "/incident", "services checkout payroll", channel=channel_id
    )
    assert "Unknown service “payroll”" in answer.body["text"]
    assert "checkout" in answer.body["text"]  # the known ones are listed
    assert services_of(incident) == []
    listed = slack.actor("alice").slash_command("/incident", "services", channel=channel_id)
    assert "No affected services yet." in listed.body["text"]


def test_the_headline_button_opens_the_services_modal(slack, worker, catalog):
    incident, channel_id = declare_in_slack(slack)
    verbs.set_services(incident, ["wiki"])
    post = incident.headline_post
    slack.wait_for(lambda: "set-services-button" in str(headline_blocks(slack, incident)))
    alice = slack.actor("alice")
    assert alice.click(post.channel_id, post.message_ts, "set-services-button").ok
    view = slack.open_views(slack.user_id("alice"))[-1]
    assert view["callback_id"] == "affected-services-modal"
    [field] = [b for b in view["blocks"] if b.get("block_id") == "services"]
    assert [o["value"] for o in field["element"]["initial_options"]] == ["wiki"]
    submitted = alice.submit_view(view["id"], {"services": {"services": ["database"]}})
    assert submitted.ok, submitted.body
    assert services_of(incident) == ["database"]
    slack.wait_for(lambda: set(map(slack.user_id, SRE)) <= set(slack.members(channel_id)))
    slack.wait_for(lambda: shown_services(slack, incident) == "Database")
