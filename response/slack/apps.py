from django.apps import AppConfig


class SlackConfig(AppConfig):
    name = "response.slack"
    label = "slack"
    verbose_name = "Slack"

    def ready(self) -> None:
        from response.slack import plugins, reactions

        reactions.connect()
        plugins.load()
