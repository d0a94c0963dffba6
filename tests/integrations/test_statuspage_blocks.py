"""Pure pieces of the status page: our statuses mapped onto Statuspage's, the form and the messages
rendered (what people typed escaped where Slack parses it), the request body with our marker."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from response.integrations.statuspage import blocks
from response.integrations.statuspage.blocks import (
    ComponentChoice,
    Published,
    PublishForm,
    render_publish_modal,
    render_published,
    render_refused,
    render_stale,
    timeline_text,
)
from response.integrations.statuspage.jobs import request_fields
from response.integrations.statuspage.models import Publication
from response.integrations.statuspage.statuses import (
    ComponentState,
    PublicStatus,
    public_status_for,
)
from tests.slack.helpers import HOSTILE, unescaped_user_text


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        ("investigating", "investigating"),
        ("identified", "identified"),
        ("monitoring", "monitoring"),
        ("resolved", "resolved"),
        ("reported", "resolved"),  # report-only: over when declared
    ],
)
def test_our_statuses_map_onto_statuspage(ours, theirs):
    assert public_status_for(ours) == PublicStatus(theirs)


def form(**changes) -> PublishForm:
    values = {
        "incident_id": 7,
        "title": HOSTILE,
        "name": "Checkout errors",
        "status": PublicStatus.IDENTIFIED,
        "message": "Rolling back",
        "components": (
            ComponentChoice("cmp1", "API", ComponentState.OPERATIONAL),
            ComponentChoice("cmp2", "Checkout", ComponentState.MAJOR_OUTAGE),
        ),
        "components_as_of": datetime(2026, 12, 1, 10, 5, tzinfo=UTC),
        "public_link": "https://status.example.com/incidents/abc",
        "public_exists": True,
    }
    return PublishForm(**{**values, **changes})


def element(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]


def test_the_form_starts_from_what_it_is_given():
    view = render_publish_modal(form())
    assert view["callback_id"] == blocks.MODAL and '"incident_id": 7' in view["private_metadata"]
    assert element(view, blocks.NAME)["initial_value"] == "Checkout errors"
    assert element(view, blocks.STATUS)["initial_option"]["value"] == "identified"
    assert element(view, blocks.MESSAGE)["initial_value"] == "Rolling back"
    states = element(view, blocks.component_block("cmp2"))
    assert states["initial_option"]["value"] == "major_outage"
    assert [o["value"] for o in states["options"]] == [s.value for s in ComponentState]
    assert "Updates the <https://status.example.com/incidents/abc|public incident>" in str(view)
    assert "10:05 UTC" in str(view)
    assert not unescaped_user_text(view)


def test_the_form_without_components_says_why():
    view = render_publish_modal(form(components=(), components_as_of=None, public_exists=False))
    assert "has not listed its components yet" in str(view)
    assert "Creates a public incident" in str(view)


def test_a_large_page_shows_its_first_components_and_says_so():
    many = tuple(ComponentChoice(f"c{n}", f"C{n}", ComponentState.OPERATIONAL) for n in range(45))
    view = render_publish_modal(form(components=many))
    shown = [b for b in view["blocks"] if b.get("block_id", "").startswith(blocks.COMPONENT_PREFIX)]
    assert len(shown) == blocks.MAX_COMPONENTS and "(5 more)" in str(view)


def test_messages_escape_what_people_typed():
    published = Published(
        status=PublicStatus.MONITORING,
        body=HOSTILE,
        link="https://status.example.com/incidents/abc",
        created=False,
        by_id="U0BOB",
        component_changes=(("API & <web>", ComponentState.PARTIAL_OUTAGE),),
    )
    text, rendered = render_published(published)
    assert "<@U0BOB>" in text and "*Monitoring*" in text and "API &amp; &lt;web&gt;" in text
    assert not unescaped_user_text({"text": text, "blocks": rendered})
    refused = render_refused(7, status=PublicStatus.RESOLVED, reason=HOSTILE, by_id=None)
    assert not unescaped_user_text({"text": refused[0], "blocks": refused[1]})
    assert timeline_text(published) == f"Status page updated: Monitoring — {HOSTILE}"


def test_the_stale_reminder_names_the_lead_and_offers_the_form():
    text, rendered = render_stale(7, lead_id="U0BOB", minutes_since=75)
    assert text.startswith("📣 <@U0BOB>, the public status page has not been updated for 75")
    assert blocks.OPEN_MODAL in str(rendered)


def test_the_request_carries_our_marker_and_the_affected_components():
    publication = Publication(
        pk=12,
        incident_id=7,
        name="Checkout errors",
        status="identified",
        body="Rolling back",
        components={"cmp1": "operational", "cmp2": "partial_outage"},
    )
    assert request_fields(publication) == {
        "name": "Checkout errors",
        "status": "identified",
        "body": "Rolling back",
        "components": {"cmp1": "operational", "cmp2": "partial_outage"},
        "component_ids": ["cmp2"],
        "metadata": {"response": {"incident_id": "7", "publication_id": "12"}},
    }
