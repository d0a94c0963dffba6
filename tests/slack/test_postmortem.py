"""The post-mortem in Slack: `@Response postmortem` answers with its link, owner and state;
`@Response postmortem owner @carol` starts it if needed and gives it to carol, who is told in a
DM. Signed deliveries, the real worker, fakeslack."""

from response.core import verbs
from response.core.models import PostMortem, TimelineEvent
from response.slack.people import slack_user
from tests.notifications.helpers import dms_to
from tests.slack.helpers import declare_in_slack, mention, reactions_on


def ephemerals_to(slack, channel_id, user):
    return [m["text"] for m in slack.ephemeral(channel=channel_id, user=slack.user_id(user))]


def test_postmortem_link_owner_and_state_from_the_channel(slack, worker):
    incident, channel_id = declare_in_slack(slack)

    # Not started: where to start it.
    ts = mention(slack, "alice", channel_id, "postmortem")
    slack.wait_for(lambda: "white_check_mark" in reactions_on(slack, channel_id, ts))
    [said] = slack.wait_for(lambda: ephemerals_to(slack, channel_id, "alice"))
    assert "Nobody has started the post-mortem" in said
    assert f"/incidents/{incident.pk}/write-up/|start it on the web>" in said
    assert not PostMortem.objects.exists()

    # Given to carol: started, hers, and she is told.
    carol = slack.user_id("carol")
    mention(slack, "alice", channel_id, f"postmortem owner <@{carol}>")
    slack.wait_for(lambda: PostMortem.objects.filter(owner__external_id=carol).exists())
    [dm] = slack.wait_for(lambda: [m for m in dms_to(slack, "carol") if "post-mortem" in m["text"]])
    assert "you now own the post-mortem of incident" in dm["text"] and "*draft*" in dm["text"]
    assert TimelineEvent.objects.filter(incident=incident, metadata__postmortem="owner").exists()

    # Asked again: its state and owner.
    mention(slack, "bob", channel_id, "pm")
    [said] = slack.wait_for(lambda: ephemerals_to(slack, channel_id, "bob"))
    assert f"Post-mortem of incident #{incident.pk}>: *draft*, owned by <@{carol}>." in said


def test_an_owner_set_elsewhere_is_told_too_but_not_one_who_took_it_on(slack, worker):
    incident, _ = declare_in_slack(slack)
    bob = slack_user(slack.user_id("bob"))
    postmortem = verbs.start_postmortem(incident, by=bob)
    verbs.set_postmortem_owner(postmortem, bob, by=bob)  # took it on himself: not told
    verbs.set_postmortem_owner(postmortem, slack_user(slack.user_id("carol")), by=bob)
    slack.wait_for(lambda: [m for m in dms_to(slack, "carol") if "post-mortem" in m["text"]])
    slack.settle()
    assert not [m for m in dms_to(slack, "bob") if "you now own" in m["text"]]
