from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "response.importers"
    label = "importers"
    verbose_name = "Imports"
