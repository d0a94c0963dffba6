"""The affected services in Block Kit: pure renderers compared with checked-in snapshots (after
an intended change: `UPDATE_SNAPSHOTS=1`), the declare modal unchanged without a catalog, and
what people typed escaped."""

from __future__ import annotations

from dataclasses import replace

from response.slack.blocks.data import ServiceChoice
from response.slack.blocks.headline import render_headline
from response.slack.blocks.modals import render_declare_modal
from response.slack.blocks.services import render_services_list, render_services_modal
from tests.slack.helpers import HOSTILE, unescaped_user_text
from tests.slack.test_blocks import OPEN, SEVERITIES, SITE, matches_snapshot

SERVICES = [
    ServiceChoice(slug="checkout", name="Checkout"),
    ServiceChoice(slug="ledger", name="Ledger"),
]


def declare_modal(services=None):
    return render_declare_modal(
        title="Checkout is failing",
        severities=SEVERITIES,
        report_only_allowed=True,
        metadata={"channel_id": "C0GENERAL"},
        services=services,
    )


def test_the_declare_modal_offers_the_services_after_the_severity():
    matches_snapshot("modal_declare_services", declare_modal(SERVICES))
    blocks = [b.get("block_id") for b in declare_modal(SERVICES)["blocks"]]
    assert blocks.index("services") == blocks.index("severity") + 1


def test_without_services_the_declare_modal_is_as_before():
    assert declare_modal(None) == declare_modal([])
    matches_snapshot("modal_declare", declare_modal(None))  # the snapshot of test_blocks.py


def test_a_menu_offers_at_most_a_hundred_services():
    many = [ServiceChoice(slug=f"s{i}", name=f"Service {i}") for i in range(150)]
    [field] = [b for b in declare_modal(many)["blocks"] if b.get("block_id") == "services"]
    assert len(field["element"]["options"]) == 100


def test_the_headline_and_the_services_modal():
    data = replace(OPEN, services=("Checkout", "Ledger"))
    matches_snapshot("headline_services", render_headline(data, site_url=SITE))
    matches_snapshot(
        "modal_services",
        render_services_modal(
            incident_id=42, title=OPEN.title, services=SERVICES, current=("ledger",)
        ),
    )


def test_names_people_typed_are_escaped():
    headline = render_headline(replace(OPEN, services=(HOSTILE,)), site_url=SITE)
    listed = render_services_list([HOSTILE], [ServiceChoice(slug="x", name=HOSTILE)])
    assert unescaped_user_text({"blocks": headline, "text": listed}) == []
