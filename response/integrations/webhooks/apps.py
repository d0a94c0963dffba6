from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "response.integrations.webhooks"
    label = "integrations_webhooks"
    verbose_name = "Outgoing webhooks"
