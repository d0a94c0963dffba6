from django.apps import AppConfig


class SlackConfig(AppConfig):
    name = "response.slack"
    label = "slack"
    verbose_name = "Slack"

    def ready(self) -> None:
        """Wire the Slack adapter to the rest, once, when Django starts (models are loaded)."""
        from django.db.models.signals import post_delete, post_save

        from response.core.chat import use_directory
        from response.core.models import ExternalUser, Service, Severity
        from response.engine import health
        from response.slack import plugins, postmortem, reactions
        from response.slack.directory import SlackDirectory
        from response.slack.outbound import client, informing
        from response.slack.people import forget_person
        from response.slack.selectors import forget_services, forget_severities

        reactions.connect()  # follow the incidents' changes
        informing.connect()  # subscribers and announcement rules, after the above
        postmortem.connect()  # a post-mortem's new owner is told
        plugins.load()  # the built-in handlers and RESPONSE_PLUGINS
        use_directory(SlackDirectory())  # where incidents live, for the web UI and the API
        if client.SLACK not in health.PROBES:
            health.PROBES.register(client.SLACK, client.probe)
        # What this process remembers of the database, forgotten when it changes.
        for signal in (post_save, post_delete):
            signal.connect(forget_severities, sender=Severity, dispatch_uid="slack-severities")
            signal.connect(forget_services, sender=Service, dispatch_uid="slack-services")
        post_save.connect(forget_person, sender=ExternalUser, dispatch_uid="slack-people")
