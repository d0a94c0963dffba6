from django.apps import AppConfig


class SlackConfig(AppConfig):
    name = "response.slack"
    label = "slack"
    verbose_name = "Slack"

    def ready(self) -> None:
        from response.engine import health
        from response.slack import plugins, reactions
        from response.slack.outbound import client

        reactions.connect()
        plugins.load()
        from response.core.chat import use_directory
        from response.slack.directory import SlackDirectory

        use_directory(SlackDirectory())
        from django.db.models.signals import post_delete, post_save

        from response.core.models import Severity
        from response.slack.selectors import forget_severities

        for signal in (post_save, post_delete):
            signal.connect(forget_severities, sender=Severity, dispatch_uid="slack-severities")
        if client.SLACK not in health.PROBES:
            health.PROBES.register(client.SLACK, client.probe)
