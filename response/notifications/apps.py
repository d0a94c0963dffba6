from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "response.notifications"
    label = "notifications"
    verbose_name = "Reminders"
