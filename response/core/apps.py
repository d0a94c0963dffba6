from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "response.core"
    label = "core"
    verbose_name = "Incidents"
