"""Roles, the pure parts: the catalogue and its setting, and how Slack shows roles (snapshots)."""

import json
from dataclasses import replace

import pytest
from django.core.exceptions import ImproperlyConfigured

from response.core.errors import InvalidInput
from response.core.roles import all_roles, check_role, parse_roles
from response.slack.blocks.data import RoleShown
from response.slack.blocks.headline import render_headline
from response.slack.blocks.messages import TOPIC_LIMIT, topic_text
from response.slack.blocks.roles import render_role_dm, render_role_list, render_roles_modal
from tests.slack.helpers import HOSTILE, unescaped_user_text
from tests.slack.test_blocks import OPEN, SITE, matches_snapshot

COMMS = RoleShown("comms", "Comms lead", "U0BOB", "Keeps everyone informed.", "Post updates.")
SCRIBE = RoleShown("scribe", "Scribe", "U0CAROL")
URL = f"{SITE}/incidents/42/"


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("comms", "comms"),
        ("Comms Lead", "comms"),
        ("communications", "comms"),
        ("comms-lead", "comms"),
        ("scribe", "scribe"),
        ("note taker", "scribe"),
        ("lead", "lead"),
        ("IC", "lead"),
        ("incident commander", "lead"),
    ],
)
def test_roles_are_found_by_the_words_people_use(typed, slug):
    assert check_role(typed).slug == slug


def test_an_unknown_role_is_refused_with_the_list():
    with pytest.raises(InvalidInput) as refused:
        check_role("janitor")
    assert refused.value.message == (
        "There is no role “janitor”. The roles are: lead (Incident lead), comms (Comms lead), "
        "scribe (Scribe)."
    )


def test_custom_roles_come_after_the_built_ins_and_may_replace_one(settings, tmp_path):
    settings.RESPONSE_ROLES = json.dumps(
        [
            {"slug": "liaison", "name": "Customer liaison", "instructions": "Call them."},
            {"slug": "scribe", "name": "Note taker", "instructions": "Our own way."},
        ]
    )
    assert [(r.slug, r.name) for r in all_roles()] == [
        ("lead", "Incident lead"),
        ("comms", "Comms lead"),
        ("scribe", "Note taker"),
        ("liaison", "Customer liaison"),
    ]
    assert check_role("customer liaison").instructions == "Call them."
    # A YAML file works as well.
    path = tmp_path / "roles.yaml"
    path.write_text("- slug: ops\n  name: Ops liaison\n  description: Talks to ops.\n")
    settings.RESPONSE_ROLES = str(path)
    assert check_role("ops liaison").description == "Talks to ops."


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ('[{"name": "X"}]', "needs a slug"),
        ('[{"slug": "x"}]', "needs a name"),
        ('[{"slug": "x", "name": "X"}, {"slug": "x", "name": "Y"}]', "a slug twice"),
        ('{"slug": "x"}', "must be a list"),
        ("[oops", "not valid JSON"),
        ("/nonexistent/roles.yaml", "cannot be read"),
    ],
)
def test_a_wrong_setting_is_a_sentence(value, says):
    with pytest.raises(ImproperlyConfigured, match=says):
        parse_roles(value)


def test_headline_and_topic_show_the_roles():
    data = replace(OPEN, roles=(COMMS, SCRIBE))
    matches_snapshot("headline_roles", render_headline(data, site_url=SITE))
    topic = topic_text(data, url=URL)
    assert topic == (
        "⛈️ Critical | Investigating | Lead: <@U0LEAD> | Comms lead: <@U0BOB> | "
        f"Scribe: <@U0CAROL> | {URL}"
    )


def test_the_topic_keeps_the_lead_and_the_link_and_drops_roles_that_do_not_fit():
    many = tuple(
        RoleShown(f"r{n}", f"A rather long role name {n}", f"U0PERSON{n}") for n in range(10)
    )
    topic = topic_text(replace(OPEN, roles=many), url=URL)
    assert len(topic) <= TOPIC_LIMIT
    assert topic.startswith("⛈️ Critical | Investigating | Lead: <@U0LEAD> | ")
    assert topic.endswith(URL)
    assert "A rather long role name 0: <@U0PERSON0>" in topic
    assert "U0PERSON9" not in topic


def test_modal_dm_and_list():
    roles = [RoleShown("lead", "Incident lead", "U0LEAD"), COMMS, replace(SCRIBE, holder_id=None)]
    matches_snapshot(
        "modal_roles", render_roles_modal(incident_id=42, title=OPEN.title, roles=roles)
    )
    matches_snapshot(
        "role_dm",
        render_role_dm(COMMS, incident_id=42, title=OPEN.title, channel_id="C0CHANNEL", url=URL),
    )
    assert render_role_list(42, roles) == (
        "*Roles in incident #42*\n"
        "• *Incident lead* (`lead`): <@U0LEAD>\n"
        "• *Comms lead* (`comms`): <@U0BOB>\n"
        "• *Scribe* (`scribe`): _nobody_\n"
        "`role <role> @person` gives one (`me` for yourself, `nobody` to clear it)."
    )


def test_what_a_team_typed_in_its_roles_cannot_ping_anyone():
    hostile = RoleShown("x", HOSTILE, "U0BOB", HOSTILE, HOSTILE)
    text, blocks = render_role_dm(hostile, incident_id=42, title=HOSTILE, channel_id=None, url=URL)
    assert not unescaped_user_text([text, blocks])
    data = replace(OPEN, roles=(hostile,))
    assert not unescaped_user_text(render_headline(data, site_url=SITE))
    assert not unescaped_user_text(topic_text(data, url=URL))
    assert not unescaped_user_text(render_role_list(42, [hostile]))
