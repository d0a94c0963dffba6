from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "response.api"
    label = "api"
    verbose_name = "REST API"
