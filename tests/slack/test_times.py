"""Key times through Slack: set where the product knows them (a signed declaration, the lead
taken, the status moved on, with the real worker), and corrected in the modal that
`/incident timestamps`, the answer to `@Response timestamps` and the headline's 🕒 button open;
an order refusal comes back as the field error of the time changed."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from response.core.models import Incident, TimelineEvent
from response.slack.models import HeadlinePost
from tests.slack.helpers import declare_in_slack, headline_blocks, mention

EDITABLE = ["started_at", "detected_at", "acknowledged_at", "mitigated_at"]


def epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def pickers(view) -> dict[str, int | None]:
    """The modal's date and time pickers: {field: the epoch seconds shown}."""
    return {
        b["block_id"]: b["element"].get("initial_date_time")
        for b in view["blocks"]
        if b["type"] == "input" and b["element"]["type"] == "datetimepicker"
    }


def open_times_modal(slack, user, channel_id):
    assert slack.actor(user).slash_command("/incident", "timestamps", channel=channel_id).ok
    return slack.open_views(slack.user_id(user))[-1]


def test_the_product_notes_the_times_it_knows(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    incident.refresh_from_db()
    assert incident.detected_at == incident.reported_at
    assert incident.acknowledged_at is None and incident.mitigated_at is None

    mention(slack, "bob", channel_id, "lead")
    slack.wait_for(lambda: Incident.objects.get(pk=incident.pk).lead is not None)
    incident.refresh_from_db()
    acknowledged = incident.acknowledged_at
    assert acknowledged is not None and acknowledged >= incident.detected_at

    mention(slack, "bob", channel_id, "status monitoring")
    slack.wait_for(lambda: Incident.objects.get(pk=incident.pk).status == "monitoring")
    incident.refresh_from_db()
    assert incident.mitigated_at == incident.monitoring_at
    assert incident.acknowledged_at == acknowledged  # the lead took it on first

    mention(slack, "bob", channel_id, "close")
    slack.wait_for(lambda: Incident.objects.get(pk=incident.pk).status == "resolved")
    incident.refresh_from_db()
    assert incident.mitigated_at == incident.monitoring_at < incident.resolved_at
    assert worker.settled()


def test_the_slash_command_opens_the_modal_filled_in(slack):
    incident, channel_id = declare_in_slack(slack)
    view = open_times_modal(slack, "alice", channel_id)
    assert view["callback_id"] == "key-times-modal"
    incident.refresh_from_db()
    assert pickers(view) == {
        "started_at": epoch(incident.started_at),
        "detected_at": epoch(incident.detected_at),
        "acknowledged_at": None,
        "mitigated_at": None,
    }  # no resolution time while it is open


def test_correcting_times_in_the_modal(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    now = timezone.now().replace(second=0, microsecond=0)
    started, detected = now - timedelta(hours=2), now - timedelta(minutes=90)
    view = open_times_modal(slack, "alice", channel_id)
    submitted = slack.actor("alice").submit_view(
        view["id"],
        {
            "started_at": {"started_at": epoch(started)},
            "detected_at": {"detected_at": epoch(detected)},
        },
    )
    assert submitted.ok and not submitted.body  # closed: done
    incident.refresh_from_db()
    assert (incident.started_at, incident.detected_at) == (started, detected)
    assert incident.started_at.tzinfo == UTC
    entry = TimelineEvent.objects.filter(incident=incident).latest("id")
    assert entry.text.startswith("Key times corrected: ")
    assert entry.author.external_id == slack.user_id("alice")
    assert worker.settled()


def test_an_untouched_modal_changes_nothing(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    before = TimelineEvent.objects.filter(incident=incident).count()
    view = open_times_modal(slack, "alice", channel_id)
    assert slack.actor("alice").submit_view(view["id"], {}).ok
    assert TimelineEvent.objects.filter(incident=incident).count() == before


def test_mitigated_before_detected_comes_back_as_the_field_error(slack):
    incident, channel_id = declare_in_slack(slack)
    incident.refresh_from_db()
    view = open_times_modal(slack, "alice", channel_id)
    too_early = incident.detected_at - timedelta(minutes=30)
    answer = slack.actor("alice").submit_view(
        view["id"], {"mitigated_at": {"mitigated_at": epoch(too_early)}}
    )
    assert answer.body["response_action"] == "errors"
    assert list(answer.body["errors"]) == ["mitigated_at"]
    assert answer.body["errors"]["mitigated_at"].startswith("Mitigated (")
    assert "cannot be before" in answer.body["errors"]["mitigated_at"]
    assert slack.view(view["id"])["is_open"]  # still open, the error by the field
    incident.refresh_from_db()
    assert incident.mitigated_at is None


def test_the_mention_answers_with_a_button_that_opens_the_modal(slack):
    _, channel_id = declare_in_slack(slack)
    mention(slack, "alice", channel_id, "timestamps")
    slack.wait_for(
        lambda: any(
            "edit-key-times-button" in str(e.get("blocks"))
            for e in slack.ephemeral(channel=channel_id, user="alice")
        )
    )
    answer = next(
        e
        for e in slack.ephemeral(channel=channel_id, user="alice")
        if "edit-key-times-button" in str(e.get("blocks"))
    )
    assert "Detected" in str(answer["blocks"]) and "unknown" in str(answer["blocks"])
    assert slack.actor("alice").click(channel_id, answer["ts"], "edit-key-times-button").ok
    view = slack.open_views(slack.user_id("alice"))[-1]
    assert view["callback_id"] == "key-times-modal"
    assert list(pickers(view)) == EDITABLE


def test_the_headline_button_opens_it(slack):
    incident, _ = declare_in_slack(slack)
    slack.wait_for(lambda: "edit-key-times-button" in str(headline_blocks(slack, incident)))
    post = HeadlinePost.objects.get(incident=incident)
    assert slack.actor("bob").click(post.channel_id, post.message_ts, "edit-key-times-button").ok
    view = slack.open_views(slack.user_id("bob"))[-1]
    assert view["callback_id"] == "key-times-modal"
    assert list(pickers(view)) == EDITABLE


def test_corrected_times_show_on_the_headline_of_a_resolved_incident(slack, worker):
    incident, channel_id = declare_in_slack(slack)
    mention(slack, "bob", channel_id, "close")
    slack.wait_for(lambda: "*Duration*" in str(headline_blocks(slack, incident)))
    view = open_times_modal(slack, "bob", channel_id)  # the headline has no buttons once closed
    incident.refresh_from_db()
    assert list(pickers(view)) == [*EDITABLE, "resolved_at"]
    assert pickers(view)["resolved_at"] == epoch(incident.resolved_at)
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    mitigated = start + timedelta(minutes=30)
    answer = slack.actor("bob").submit_view(
        view["id"],
        {
            "started_at": {"started_at": epoch(start)},
            "detected_at": {"detected_at": epoch(start)},
            "acknowledged_at": {"acknowledged_at": epoch(start + timedelta(minutes=10))},
            "mitigated_at": {"mitigated_at": epoch(mitigated)},
        },
    )
    assert answer.ok and not answer.body, answer.body
    slack.wait_for(lambda: "impact mitigated after 30m" in str(headline_blocks(slack, incident)))
    assert worker.settled()
