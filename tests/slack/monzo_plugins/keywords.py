"""Keyword handlers of the original's later releases (given the keyword), and the `func=` form."""

from response.slack.decorators import incident_command, keyword_handler
from response.slack.models import CommsChannel


@keyword_handler(["runbook", "run book"])
def runbook_notification(comms_channel: CommsChannel, user: str, keyword: str, text: str, ts: str):
    comms_channel.post_in_channel(
        f"📗 You said '{keyword}': runbooks live at https://wiki.example.com"
    )


def status_page_notification(comms_channel, user, text, ts):
    comms_channel.post_in_channel("📣 The status page is at https://status.example.com")


keyword_handler(["status page"], func=status_page_notification)


def who_is_on_call(incident, user_id, message):
    return True, "📟 The database on-call this week is @dbadmin."


incident_command(["oncall"], func=who_is_on_call, helptext="Who is on call for the database?")
