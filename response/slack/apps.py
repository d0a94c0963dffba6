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
        if client.SLACK not in health.PROBES:
            health.PROBES.register(client.SLACK, client.probe)
