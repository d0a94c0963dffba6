from django.apps import AppConfig


class EngineConfig(AppConfig):
    name = "response.engine"
    label = "engine"
    verbose_name = "Work engine"

    def ready(self) -> None:
        from response.engine import tasks  # noqa: F401  (registers the Huey tasks)
