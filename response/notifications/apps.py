from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "response.notifications"
    label = "notifications"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from response.notifications import receivers, tasks  # noqa: F401  (registers the tasks)

        receivers.connect()
