from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "response.integrations.alerts"
    label = "integrations_alerts"
    verbose_name = "Alert sources"
