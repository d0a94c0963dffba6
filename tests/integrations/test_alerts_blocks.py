"""The triage post and its modals, rendered from data alone."""

from __future__ import annotations

import json

from response.integrations.alerts.blocks import (
    ACCEPT,
    DECLINE,
    MERGE,
    MergeChoice,
    TriagePostData,
    render_decline_modal,
    render_merge_modal,
    render_triage_post,
)

SITE = "https://response.example.com"


def data(**changes) -> TriagePostData:
    base = {
        "incident_id": 7,
        "title": "DiskFull <!channel>",
        "status": "triage",
        "severity": "critical",
        "summary": "/ is 99% full & rising",
        "source": "Prometheus Alertmanager",
        "links": (("dashboard", "https://grafana.example/d/1"), ("source", "http://p:9090/g")),
        "firing": True,
        "times_received": 1,
    }
    return TriagePostData(**{**base, **changes})


def buttons(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_waiting_for_triage_it_shows_the_alert_and_three_buttons():
    text, blocks = render_triage_post(data(), site_url=SITE)
    shown = json.dumps(blocks)
    assert "<!channel>" not in text + shown and "&lt;!channel&gt;" in text
    assert "&amp; rising" in shown
    assert "<https://grafana.example/d/1|Dashboard>" in shown
    assert f"<{SITE}/incidents/7/|Incident #7>" in shown
    assert buttons(blocks) == [ACCEPT, DECLINE, MERGE]
    assert all(e["value"] == "7" for b in blocks if b["type"] == "actions" for e in b["elements"])


def test_decided_it_says_who_and_what_without_buttons():
    accepted = render_triage_post(
        data(status="investigating", outcome="accepted", decided_by="U1"), site_url=SITE
    )[1]
    assert buttons(accepted) == [] and "Accepted by <@U1>" in json.dumps(accepted)
    declined = render_triage_post(
        data(status="declined", outcome="declined", decided_by="U2", reason="flaky <b>"),
        site_url=SITE,
    )[1]
    assert "Declined by <@U2>: flaky &lt;b&gt;" in json.dumps(declined)
    merged = render_triage_post(
        data(status="declined", outcome="merged", merged_into=3, times_received=4), site_url=SITE
    )[1]
    assert "Merged into incident #3" in json.dumps(merged)
    assert "received 4 times" in json.dumps(merged)


def test_the_modals_carry_the_incident_and_list_open_incidents():
    decline = render_decline_modal(7, "DiskFull")
    assert json.loads(decline["private_metadata"]) == {"incident_id": 7}
    merge = render_merge_modal(7, "DiskFull", [MergeChoice(3, "Database is slow")])
    options = merge["blocks"][1]["element"]["options"]
    assert [(o["value"], o["text"]["text"]) for o in options] == [("3", "#3 Database is slow")]
    empty = render_merge_modal(7, "DiskFull", [])
    assert "submit" not in empty and "No incident is open" in json.dumps(empty)
