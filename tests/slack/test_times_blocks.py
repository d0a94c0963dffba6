"""The key times modal and message (pure renderers) and the parser of what the modal sends back."""

from datetime import UTC, datetime, timedelta

from slack_sdk.models.views import View

from response.slack.blocks.times import (
    KeyTime,
    KeyTimesData,
    render_duration,
    render_key_times_message,
    render_key_times_modal,
)
from response.slack.inbound.forms import view_values
from response.slack.inbound.times import submitted_times
from tests.slack.test_blocks import matches_snapshot

T0 = datetime(2026, 3, 1, 9, 0, 27, tzinfo=UTC)
DATA = KeyTimesData(
    incident_id=7,
    title="Checkout <b> & co",
    reported_at=int(T0.timestamp()) + 600,
    times=(
        KeyTime("started_at", "Impact started", int(T0.timestamp()), required=True),
        KeyTime("detected_at", "Detected", None, required=False),
    ),
    durations=(("Time to detect", None), ("Time to resolve", 3600)),
)


def test_the_modal_has_a_prefilled_picker_per_key_time():
    view = render_key_times_modal(DATA)
    View(**view).validate_json()  # within Slack's limits
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [(b["block_id"], b["optional"]) for b in inputs] == [
        ("started_at", False),
        ("detected_at", True),
    ]
    assert inputs[0]["element"] == {
        "type": "datetimepicker",
        "action_id": "started_at",
        "initial_date_time": int(T0.timestamp()),
    }
    assert "initial_date_time" not in inputs[1]["element"]
    assert "Checkout &lt;b&gt; &amp; co" in str(view["blocks"][0])  # what people typed, escaped
    assert '"fields": ["started_at", "detected_at"]' in view["private_metadata"]


def test_the_message_says_the_times_and_offers_the_button():
    text, blocks = render_key_times_message(DATA)
    assert text == "Key times of incident #7"
    shown = str(blocks)
    assert "<!date^" in shown and "_unknown_" in shown and "Time to resolve: 1h" in shown
    assert blocks[-1]["elements"][0]["action_id"] == "edit-key-times-button"
    assert blocks[-1]["elements"][0]["value"] == "7"


def submission(**moments):
    return view_values(
        {
            "state": {
                "values": {
                    name: {name: {"type": "datetimepicker", "selected_date_time": value}}
                    for name, value in moments.items()
                }
            }
        }
    )


def test_only_the_times_changed_are_submitted():
    current = {"started_at": T0, "detected_at": None, "mitigated_at": T0 + timedelta(hours=1)}
    fields = ["started_at", "detected_at", "mitigated_at"]
    untouched = submission(
        started_at=int(T0.timestamp()) - 27,  # the picker's whole minute: no change
        detected_at=None,
        mitigated_at=int((T0 + timedelta(hours=1)).timestamp()),
    )
    assert submitted_times(untouched, fields, current) == {}

    changed = submission(
        started_at=int(T0.timestamp()) - 60, detected_at=int(T0.timestamp()), mitigated_at=None
    )
    assert submitted_times(changed, fields, current) == {
        "started_at": T0 - timedelta(minutes=1),
        "detected_at": T0,
        "mitigated_at": None,  # emptied: unknown
    }


def test_what_our_modal_would_never_send_is_ignored():
    values = {"started_at": "yesterday", "reported_at": 1, "detected_at": True}
    fields = ["started_at", "reported_at", "detected_at"]
    current = {"started_at": T0, "detected_at": None}
    assert submitted_times(values, fields, current) == {"started_at": None}


def test_the_duration_says_when_the_impact_stopped_if_sooner():
    assert render_duration(timedelta(hours=2), timedelta(minutes=40)) == (
        "2h (impact mitigated after 40m)"
    )
    assert render_duration(timedelta(hours=2), timedelta(hours=2, seconds=3)) == "2h"
    assert render_duration(timedelta(minutes=5), None) == "5m"


def test_the_renderers_match_their_snapshots():
    # The dates Slack localises (<!date^…>) carry their fallback in UTC: no local time here.
    matches_snapshot("key_times_modal", render_key_times_modal(DATA))
    matches_snapshot("key_times_message", render_key_times_message(DATA)[1])
