from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WebhooksConfig(AppConfig):
    name = "response.integrations.webhooks"
    label = "integrations_webhooks"
    verbose_name = "Outgoing webhooks"

    def ready(self) -> None:
        from response.integrations.webhooks.models import Endpoint
        from response.integrations.webhooks.subscribers import forget_subscribers

        # The remembered list of endpoints is read again after a change made in this process.
        post_save.connect(forget_subscribers, sender=Endpoint, dispatch_uid="webhooks-endpoints")
        post_delete.connect(forget_subscribers, sender=Endpoint, dispatch_uid="webhooks-endpoints")
