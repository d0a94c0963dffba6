"""The incident domain. Nothing here knows that Slack or HTTP exist."""
