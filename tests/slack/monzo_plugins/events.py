"""An event handler as the original registered it: `@slack_event`."""

from response.slack.decorators import slack_event
from response.slack.models import CommsChannel


@slack_event("member_joined_channel")
def welcome(incident, event):
    comms_channel = CommsChannel.objects.get(incident=incident)
    comms_channel.post_in_channel(f"👋 Welcome <@{event['user']}>! Read the pinned messages.")
