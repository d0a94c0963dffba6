"""A plugin for tests/slack/test_worker_killed.py: a reminder due the moment an incident is
declared, so that a worker killed at random moments is killed while sending some of them."""

from response.slack.decorators import single_notification
from response.slack.outbound.outbox import post_to_incident_channel


@single_notification(initial_delay_mins=0)
def remind_at_once(incident):
    post_to_incident_channel(incident.pk, text=f"⏰ A reminder for incident #{incident.pk}")
