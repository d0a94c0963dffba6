"""Roles in Slack: `@Response role comms @bob`, `/incident role …`, the welcome's "Assign roles"
modal; the holder invited and told the role's instructions, the headline and the topic showing
who holds what, reassigning on the timeline. Signed deliveries, the real worker."""

import json

import pytest

from fakeslack import payloads
from response.core.models import AuditEvent, ExternalUser, Incident, RoleAssignment, TimelineEvent
from tests.notifications.helpers import dms_to
from tests.slack.helpers import declare_in_slack, headline_blocks, mention, reactions_on


@pytest.fixture
def incident_channel(slack):
    return declare_in_slack(slack)


def holder(incident, role):
    found = RoleAssignment.objects.filter(incident=incident, role=role).first()
    return found.holder.external_id if found else None


def role_entries(incident):
    return [
        e.display_text
        for e in TimelineEvent.objects.filter(incident=incident, kind="role").select_related(
            "subject"
        )
    ]


def name_of(slack, user):
    return ExternalUser.objects.get(external_id=slack.user_id(user)).name


def test_role_by_mention_invites_tells_and_shows_everywhere(slack, worker, incident_channel):
    incident, channel_id = incident_channel
    bob = slack.user_id("bob")
    ts = mention(slack, "alice", channel_id, f"role comms <@{bob}>")
    slack.wait_for(lambda: holder(incident, "comms") == bob)
    slack.wait_for(lambda: "white_check_mark" in reactions_on(slack, channel_id, ts))

    # Invited, and told what the role asks of them, in a DM.
    slack.wait_for(lambda: bob in slack.members(channel_id))
    slack.wait_for(lambda: any("You are Comms lead" in m["text"] for m in dms_to(slack, "bob")))
    dm = next(m for m in dms_to(slack, "bob") if "You are Comms lead" in m["text"])
    assert "Post a status update" in str(dm["blocks"])  # the instructions
    assert f"<#{channel_id}>" in str(dm["blocks"])

    # The channel is told; the topic and the headline show it.
    slack.wait_for(
        lambda: any(
            m["text"] == f"🎭 <@{bob}> is now Comms lead." for m in slack.messages(channel_id)
        )
    )
    slack.wait_for(lambda: f"Comms lead: <@{bob}>" in slack.topic(channel_id))
    slack.wait_for(lambda: f"Comms lead: <@{bob}>" in str(headline_blocks(slack, incident)))
    assert len(slack.topic(channel_id)) <= 250

    assert worker.settled()
    assert role_entries(incident) == [f"{name_of(slack, 'bob')} is now Comms lead"]
    audit = AuditEvent.objects.get(incident=incident, verb="incident.role_changed")
    assert audit.after["holder"]["external_id"] == bob


def test_reassigning_by_slash_command_is_on_the_timeline(slack, worker, incident_channel):
    incident, channel_id = incident_channel
    alice = slack.actor("alice")
    bob, carol = slack.user_id("bob"), slack.user_id("carol")
    answer = alice.slash_command("/incident", f"role scribe <@{bob}>", channel=channel_id)
    assert answer.body["text"] == f"<@{bob}> is now Scribe."
    # Loosely named: "note taker" is the scribe.
    answer = alice.slash_command("/incident", f"role note taker <@{carol}>", channel=channel_id)
    assert answer.body["text"] == f"<@{carol}> is now Scribe."
    assert holder(incident, "scribe") == carol
    assert worker.settled()
    bob_name, carol_name = name_of(slack, "bob"), name_of(slack, "carol")
    assert role_entries(incident) == [
        f"{bob_name} is now Scribe",
        f"{carol_name} is now Scribe (was {bob_name})",
    ]
    slack.wait_for(lambda: f"Scribe: <@{carol}>" in slack.topic(channel_id))
    # Cleared: nobody holds it, and that is on the timeline too.
    answer = alice.slash_command("/incident", "role scribe nobody", channel=channel_id)
    assert answer.body["text"] == "Nobody is Scribe now."
    assert holder(incident, "scribe") is None
    assert role_entries(incident)[-1] == f"Nobody is Scribe now (was {carol_name})"
    slack.wait_for(lambda: "Scribe" not in slack.topic(channel_id))


def test_role_alone_lists_the_roles_and_me_is_yourself(slack, incident_channel):
    incident, channel_id = incident_channel
    alice = slack.actor("alice")
    assert alice.slash_command("/incident", "role comms me", channel=channel_id).ok
    assert holder(incident, "comms") == slack.user_id("alice")
    assert alice.slash_command("/incident", "role scribe", channel=channel_id).ok
    assert holder(incident, "scribe") == slack.user_id("alice")
    again = alice.slash_command("/incident", "role scribe", channel=channel_id)
    assert again.body["text"] == f"<@{slack.user_id('alice')}> is already Scribe."
    listed = alice.slash_command("/incident", "role", channel=channel_id).body["text"]
    assert "*Incident lead* (`lead`): _nobody_" in listed
    assert f"*Comms lead* (`comms`): <@{slack.user_id('alice')}>" in listed
    assert f"*Scribe* (`scribe`): <@{slack.user_id('alice')}>" in listed


def test_the_lead_is_a_role_and_gets_its_instructions(slack, incident_channel):
    incident, channel_id = incident_channel
    dave = slack.user_id("dave")
    mention(slack, "alice", channel_id, f"role incident commander <@{dave}>")
    slack.wait_for(lambda: Incident.objects.get(pk=incident.pk).lead_id is not None)
    assert Incident.objects.get(pk=incident.pk).lead.external_id == dave
    assert not RoleAssignment.objects.exists()  # the lead stays Incident.lead
    slack.wait_for(lambda: any("You are Incident lead" in m["text"] for m in dms_to(slack, "dave")))
    slack.wait_for(lambda: dave in slack.members(channel_id))


def test_an_unknown_role_is_refused_with_the_list(slack, incident_channel):
    _incident, channel_id = incident_channel
    bob = slack.user_id("bob")
    ts = mention(slack, "alice", channel_id, f"role janitor <@{bob}>")
    slack.wait_for(lambda: slack.ephemeral(channel=channel_id, user=slack.user_id("alice")))
    refusal = slack.ephemeral(channel=channel_id, user=slack.user_id("alice"))[-1]["text"]
    assert "There is no role “janitor”" in refusal
    assert "comms (Comms lead)" in refusal and "scribe (Scribe)" in refusal
    assert "white_check_mark" not in reactions_on(slack, channel_id, ts)
    assert not RoleAssignment.objects.exists()


def welcome_of(slack, channel_id):
    slack.wait_for(lambda: any("👋" in m.get("text", "") for m in slack.messages(channel_id)))
    return next(m for m in slack.messages(channel_id) if "👋" in m.get("text", ""))


def test_assign_roles_modal_prefilled_and_a_double_submit_assigns_once(
    slack, worker, incident_channel
):
    incident, channel_id = incident_channel
    alice = slack.actor("alice")
    bob, carol = slack.user_id("bob"), slack.user_id("carol")
    assert alice.slash_command("/incident", f"role scribe <@{carol}>", channel=channel_id).ok

    welcome = welcome_of(slack, channel_id)
    assert alice.click(channel_id, welcome["ts"], "assign-roles-button").ok
    view = slack.open_views(slack.user_id("alice"))[-1]
    assert view["callback_id"] == "assign-roles-modal"
    pickers = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert list(pickers) == ["role:lead", "role:comms", "role:scribe"]
    assert pickers["role:scribe"].get("initial_user") == carol  # pre-filled with the holder

    submitted = alice.submit_view(
        view["id"], {"role:comms": {"role:comms": bob}, "role:lead": {"role:lead": bob}}
    )
    assert submitted.ok, submitted.body
    assert holder(incident, "comms") == bob
    assert holder(incident, "scribe") == carol  # untouched
    assert Incident.objects.get(pk=incident.pk).lead.external_id == bob

    # The same submission delivered again changes nothing and tells nobody twice.
    with slack.state.lock:
        trigger = slack.state.issue_trigger(slack.user_id("alice"))
        again = payloads.view_submission(
            slack.state,
            user_id=slack.user_id("alice"),
            view=slack.view(view["id"]),
            trigger_id=trigger,
        )
    slack.dispatcher.interaction(again, trigger)
    assert worker.settled()
    assert RoleAssignment.objects.filter(incident=incident, role="comms").count() == 1
    assert len(role_entries(incident)) == 2  # scribe, then comms: once
    assert len([m for m in dms_to(slack, "bob") if "You are Comms lead" in m["text"]]) == 1
    assert len([m for m in dms_to(slack, "bob") if "You are Incident lead" in m["text"]]) == 1
    said = [m["text"] for m in slack.messages(channel_id)]
    assert said.count(f"🎭 <@{bob}> is now Comms lead.") == 1


def test_the_modal_refuses_a_bot(slack, incident_channel):
    _incident, channel_id = incident_channel
    alice = slack.actor("alice")
    assert alice.click(channel_id, welcome_of(slack, channel_id)["ts"], "assign-roles-button").ok
    view = slack.open_views(slack.user_id("alice"))[-1]
    bot = slack.bot_user_id
    ExternalUser.objects.update_or_create(
        external_id=bot, defaults={"is_bot": True, "app": "slack", "workspace_id": ""}
    )
    refused = alice.submit_view(view["id"], {"role:scribe": {"role:scribe": bot}})
    assert refused.body["response_action"] == "errors"
    assert "a role needs a person" in refused.body["errors"]["role:scribe"]
    assert not RoleAssignment.objects.exists()


CUSTOM_ROLES = [
    {
        "slug": "liaison",
        "name": "Customer liaison",
        "description": "Talks to the affected customers.",
        "instructions": "Call the customers on the affected plan & keep <b>notes</b>.",
        "aliases": ["customers"],
    }
]


def test_custom_roles_from_the_setting(slack, settings, incident_channel):
    settings.RESPONSE_ROLES = json.dumps(CUSTOM_ROLES)
    incident, channel_id = incident_channel
    erin = slack.user_id("erin")
    answer = slack.actor("alice").slash_command(
        "/incident", f"role customers <@{erin}>", channel=channel_id
    )
    assert answer.body["text"] == f"<@{erin}> is now Customer liaison."
    assert holder(incident, "liaison") == erin
    slack.wait_for(lambda: any("Customer liaison" in m["text"] for m in dms_to(slack, "erin")))
    dm = next(m for m in dms_to(slack, "erin") if "Customer liaison" in m["text"])
    assert "affected plan &amp; keep &lt;b&gt;notes&lt;/b&gt;" in str(dm["blocks"])  # escaped
    slack.wait_for(lambda: f"Customer liaison: <@{erin}>" in slack.topic(channel_id))
