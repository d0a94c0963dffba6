from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "response.notifications"
    label = "notifications"
    verbose_name = "Reminders"

    def ready(self) -> None:
        from response.notifications import receivers, scheduler  # noqa: F401  (the job kind)

        receivers.connect()
