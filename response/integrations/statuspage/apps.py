from django.apps import AppConfig


class StatuspageConfig(AppConfig):
    name = "response.integrations.statuspage"
    label = "integrations_statuspage"
    verbose_name = "Status page"
