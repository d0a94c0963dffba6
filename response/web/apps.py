from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "response.web"
    label = "web"
    verbose_name = "Web UI"
