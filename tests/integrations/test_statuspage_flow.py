"""The status page through Slack and the local Statuspage, over real HTTP both ways: the headline
button and `@Response statuspage` open the form, submitting it publishes (created, then updated),
every publication is on the timeline with its link and said in the channel; double submits,
outages, lost answers and refusals."""

from __future__ import annotations

import pytest

from fakeslack import payloads
from response.core import verbs
from response.engine.models import Job
from response.integrations.statuspage import blocks
from response.integrations.statuspage.models import Component, Publication, PublicIncident
from tests.integrations.statuspage_helpers import (  # noqa: F401 (fixtures)
    form_values,
    open_form_from_headline,
    said_in,
    statuspage_entries,
    statuspage_fixture,
    statuspage_plugin_fixture,
)
from tests.slack.helpers import (
    HOSTILE,
    declare_in_slack,
    headline_blocks,
    mention,
    unescaped_user_text,
)
from tests.slack.test_escaping import everything_sent

pytestmark = pytest.mark.usefixtures("statuspage_plugin")


def components_fetched(slack, count=2):
    slack.wait_for(lambda: Component.objects.count() == count, timeout=15)


def open_form_with_components(slack, incident):
    """The form as it opens once the components were fetched (its first opening fetches them)."""
    first = open_form_from_headline(slack, incident)
    components_fetched(slack)
    slack.actor("bob").close_view(first["id"])
    return open_form_from_headline(slack, incident)


def initial(view, block_id):
    element = next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]
    return element.get("initial_value") or (element.get("initial_option") or {}).get("value")


def test_publish_from_the_headline_then_update_from_a_mention(slack, worker, statuspage):
    incident, channel_id = declare_in_slack(slack, title="Checkout is failing")
    api, checkout = list(statuspage.components)

    # The first form opens at once, before Statuspage was ever asked: it says so, and gets the
    # components once they are listed.
    first = open_form_from_headline(slack, incident)
    assert "has not listed its components yet" in str(first["blocks"])
    components_fetched(slack)
    slack.wait_for(lambda: blocks.component_block(checkout) in str(slack.view(first["id"])))
    assert "has not listed" not in str(slack.view(first["id"])["blocks"])
    slack.actor("bob").close_view(first["id"])

    # Pre-filled from the incident: its title, its status mapped, the last status update.
    verbs.post_status_update(incident, "Payments fail for a third of customers")
    view = open_form_from_headline(slack, incident)
    assert initial(view, blocks.NAME) == "Checkout is failing"
    assert initial(view, blocks.STATUS) == "investigating"
    assert initial(view, blocks.MESSAGE) == "Payments fail for a third of customers"
    assert initial(view, blocks.component_block(checkout)) == "operational"

    bob = slack.actor("bob")
    values = form_values("Some payments fail; we are on it.", components={checkout: "major_outage"})
    assert bob.submit_view(view["id"], values).ok
    slack.wait_for(lambda: statuspage_entries(incident), timeout=20)

    [created] = statuspage.received("POST", "/v1/pages/page1/incidents$")
    sent = created.json()["incident"]
    assert sent["name"] == "Checkout is failing" and sent["status"] == "investigating"
    assert sent["components"] == {api: "operational", checkout: "major_outage"}
    assert sent["component_ids"] == [checkout]
    assert sent["metadata"]["response"]["incident_id"] == str(incident.pk)
    assert created.header("Authorization") == "OAuth sp-test-key"
    [public] = statuspage.incidents.values()
    assert PublicIncident.objects.get(incident=incident).statuspage_id == public["id"]

    [entry] = statuspage_entries(incident)
    assert (
        entry.text == "Public incident created: Investigating — Some payments fail; we are on it."
    )
    assert entry.url == public["shortlink"]
    slack.wait_for(lambda: said_in(slack, channel_id, "created the public incident"))
    [message] = said_in(slack, channel_id, "created the public incident")
    assert public["shortlink"] in message["text"] and "Checkout: major outage" in message["text"]

    # `@Response statuspage` answers with a button (a mention has no trigger to open a modal).
    mention(slack, "alice", channel_id, "statuspage")
    offer = slack.wait_for(
        lambda: [e for e in slack.ephemeral(channel=channel_id) if blocks.OPEN_MODAL in str(e)]
    )[-1]
    alice = slack.actor("alice")
    assert alice.click(channel_id, offer["ts"], blocks.OPEN_MODAL).ok
    view = slack.wait_for(lambda: slack.open_views(slack.user_id("alice")))[-1]
    # The form starts from the last publication's components.
    assert initial(view, blocks.component_block(checkout)) == "major_outage"
    values = form_values(
        "Fixed; watching.", status="monitoring", components={checkout: "operational"}
    )
    assert alice.submit_view(view["id"], values).ok
    slack.wait_for(lambda: len(statuspage_entries(incident)) == 2, timeout=20)

    [patched] = statuspage.received("PATCH", "/v1/pages/page1/incidents/")
    assert patched.path.endswith(public["id"])
    assert patched.json()["incident"]["status"] == "monitoring"
    assert statuspage.incidents[public["id"]]["status"] == "monitoring"
    assert len(statuspage.incidents) == 1
    assert statuspage.components[checkout]["status"] == "operational"
    assert (
        statuspage_entries(incident)[-1].text
        == "Status page updated: Monitoring — Fixed; watching."
    )
    slack.wait_for(lambda: said_in(slack, channel_id, "updated the status page"))
    assert worker.settled()
    assert not Job.objects.filter(state="dead").exists()


def test_a_double_submit_publishes_once(slack, worker, statuspage):
    incident, channel_id = declare_in_slack(slack)
    view = open_form_from_headline(slack, incident)
    bob = slack.actor("bob")
    values = form_values("Looking into it")
    assert bob.submit_view(view["id"], values).ok
    # Slack's double submit: the same view again, with a new trigger (the inbox's key differs).
    state = slack.state
    with state.lock:
        again = payloads.view_submission(
            state,
            user_id=slack.user_id("bob"),
            view=slack.view(view["id"]),
            trigger_id=state.issue_trigger(slack.user_id("bob")),
        )
    assert slack.dispatcher.interaction(again).ok
    slack.wait_for(lambda: statuspage_entries(incident), timeout=20)
    assert worker.settled()
    assert len(statuspage.incidents) == 1
    assert len(statuspage.received("POST")) == 1
    assert Publication.objects.filter(incident=incident).count() == 1
    assert len(said_in(slack, channel_id, "created the public incident")) == 1


def test_an_outage_then_recovery_publishes_everything_once_in_order(slack, worker, statuspage):
    incident, channel_id = declare_in_slack(slack)
    statuspage.outage(503)
    bob = slack.actor("bob")
    for n, status in enumerate(["investigating", "identified", "monitoring"], start=1):
        view = open_form_from_headline(slack, incident)  # opens, Statuspage down or not
        assert "has not listed its components yet" in str(view["blocks"])
        assert bob.submit_view(view["id"], form_values(f"note {n}", status=status)).ok
    # The Slack flow goes on while Statuspage is down.
    mention(slack, "alice", channel_id, "severity major")
    slack.wait_for(lambda: "Major" in str(headline_blocks(slack, incident)), timeout=20)
    slack.wait_for(lambda: Job.objects.filter(kind="statuspage.publish", attempts__gte=2).exists())
    assert statuspage.incidents == {} and not statuspage_entries(incident)

    statuspage.recover()
    slack.wait_for(lambda: len(statuspage_entries(incident)) == 3, timeout=40)
    [public] = statuspage.incidents.values()
    bodies = [u["body"] for u in reversed(public["incident_updates"])]
    assert bodies == ["note 1", "note 2", "note 3"]
    assert public["status"] == "monitoring"
    assert [e.text.split(" — ")[1] for e in statuspage_entries(incident)] == bodies
    assert worker.settled()
    assert not Job.objects.filter(state="dead").exists()


def test_a_lost_answer_on_create_makes_one_public_incident(slack, worker, statuspage):
    incident, _ = declare_in_slack(slack)
    view = open_form_from_headline(slack, incident)
    components_fetched(slack)
    statuspage.lose_answers("POST")  # the create is applied, its answer lost
    assert slack.actor("bob").submit_view(view["id"], form_values("Looking into it")).ok
    slack.wait_for(lambda: statuspage_entries(incident), timeout=30)
    assert len(statuspage.incidents) == 1
    assert len(statuspage.received("POST")) == 1
    [public] = statuspage.incidents.values()
    assert PublicIncident.objects.get(incident=incident).statuspage_id == public["id"]
    assert statuspage_entries(incident)[0].text.startswith("Public incident created")
    assert Job.objects.get(kind="statuspage.publish").attempts == 2  # the answer was lost
    assert worker.settled()


def test_a_lost_answer_on_update_updates_once(slack, worker, statuspage):
    incident, _ = declare_in_slack(slack)
    bob = slack.actor("bob")
    view = open_form_from_headline(slack, incident)
    assert bob.submit_view(view["id"], form_values("Looking into it")).ok
    slack.wait_for(lambda: statuspage_entries(incident), timeout=20)
    statuspage.lose_answers("PATCH")
    view = open_form_from_headline(slack, incident)
    assert bob.submit_view(view["id"], form_values("Found it", status="identified")).ok
    slack.wait_for(lambda: len(statuspage_entries(incident)) == 2, timeout=30)
    [public] = statuspage.incidents.values()
    assert [u["body"] for u in public["incident_updates"]] == ["Found it", "Looking into it"]
    assert len(statuspage.received("PATCH")) == 1
    assert Job.objects.filter(kind="statuspage.publish").order_by("id").last().attempts == 2


def test_a_refusal_is_said_in_the_channel_and_on_the_timeline(slack, worker, statuspage):
    incident, channel_id = declare_in_slack(slack)
    view = open_form_from_headline(slack, incident)
    statuspage.api_key = "rotated"  # our key no longer works: Statuspage says 401
    assert slack.actor("bob").submit_view(view["id"], form_values("Looking into it")).ok
    slack.wait_for(lambda: said_in(slack, channel_id, "Statuspage refused"), timeout=20)
    [message] = said_in(slack, channel_id, "Statuspage refused")
    assert "Could not authenticate" in message["text"]
    assert f"<@{slack.user_id('bob')}>" in message["text"]
    [entry] = statuspage_entries(incident)
    assert "refused" in entry.text and "Could not authenticate" in entry.text
    assert Publication.objects.get(incident=incident).state == "refused"
    assert worker.settled()
    assert not Job.objects.filter(state="dead").exists()


def test_an_empty_message_is_refused_in_the_form(slack, worker, statuspage):
    incident, _ = declare_in_slack(slack)
    view = open_form_from_headline(slack, incident)
    answer = slack.actor("bob").submit_view(view["id"], form_values("   "))
    assert answer.body["response_action"] == "errors"
    assert blocks.MESSAGE in answer.body["errors"]
    assert not Publication.objects.exists()


def test_resolving_offers_to_resolve_the_public_incident_once(slack, worker, statuspage):
    incident, channel_id = declare_in_slack(slack)
    view = open_form_with_components(slack, incident)
    checkout = list(statuspage.components)[1]
    values = form_values("Checkout is down", components={checkout: "major_outage"})
    assert slack.actor("bob").submit_view(view["id"], values).ok
    slack.wait_for(lambda: statuspage_entries(incident), timeout=20)

    mention(slack, "alice", channel_id, "close")
    offer = slack.wait_for(lambda: said_in(slack, channel_id, "still open on the status page"))[0]
    alice = slack.actor("alice")
    assert alice.click(channel_id, offer["ts"], blocks.RESOLVE_PUBLIC).ok
    assert alice.click(channel_id, offer["ts"], blocks.RESOLVE_PUBLIC).ok  # pressed twice
    slack.wait_for(lambda: len(statuspage_entries(incident)) == 2, timeout=20)
    assert worker.settled()
    [public] = statuspage.incidents.values()
    assert public["status"] == "resolved"
    assert len(public["incident_updates"]) == 2
    assert statuspage.components[checkout]["status"] == "operational"


def test_a_public_incident_deleted_on_statuspage_is_made_again(slack, worker, statuspage):
    incident, _ = declare_in_slack(slack)
    bob = slack.actor("bob")
    view = open_form_from_headline(slack, incident)
    assert bob.submit_view(view["id"], form_values("Looking into it")).ok
    slack.wait_for(lambda: statuspage_entries(incident), timeout=20)
    with statuspage.lock:
        statuspage.incidents.clear()  # someone deleted it on Statuspage
    view = open_form_from_headline(slack, incident)
    assert bob.submit_view(view["id"], form_values("Found it", status="identified")).ok
    slack.wait_for(lambda: len(statuspage_entries(incident)) == 2, timeout=20)
    [public] = statuspage.incidents.values()
    assert public["status"] == "identified"
    assert PublicIncident.objects.get(incident=incident).statuspage_id == public["id"]


def test_what_people_typed_is_escaped_wherever_slack_parses_it(slack, worker, statuspage):
    incident, channel_id = declare_in_slack(slack, title=f"Checkout {HOSTILE}")
    view = open_form_with_components(slack, incident)
    values = form_values(HOSTILE, name=HOSTILE)
    assert slack.actor("bob").submit_view(view["id"], values).ok
    slack.wait_for(lambda: said_in(slack, channel_id, "created the public incident"), timeout=20)
    statuspage.api_key = "rotated"
    view = open_form_from_headline(slack, incident)
    assert slack.actor("bob").submit_view(view["id"], form_values(HOSTILE)).ok
    slack.wait_for(lambda: said_in(slack, channel_id, "Statuspage refused"), timeout=20)
    assert worker.settled()
    assert unescaped_user_text(everything_sent(slack)) == []
    # Statuspage is sent the text as typed: it is its page that escapes it.
    assert statuspage.received("POST")[0].json()["incident"]["body"] == HOSTILE


def test_the_slash_command_offers_the_form_too(slack, worker, statuspage):
    _, channel_id = declare_in_slack(slack)
    alice = slack.actor("alice")
    assert alice.slash_command("/incident", "statuspage", channel=channel_id).ok
    offer = slack.wait_for(
        lambda: [e for e in slack.ephemeral(channel=channel_id) if blocks.OPEN_MODAL in str(e)]
    )[-1]
    assert offer["recipient"] == slack.user_id("alice")
    assert alice.click(channel_id, offer["ts"], blocks.OPEN_MODAL).ok
    view = slack.wait_for(lambda: slack.open_views(slack.user_id("alice")))[-1]
    assert view["callback_id"] == blocks.MODAL
