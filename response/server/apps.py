from django.apps import AppConfig


class ServerConfig(AppConfig):
    """The processes that run Response: `run`, `web`, `worker` and `demo`."""

    name = "response.server"
    label = "server"
    verbose_name = "Processes"
