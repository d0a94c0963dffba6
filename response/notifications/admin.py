from django.contrib import admin

from response.notifications.models import ScheduledNotification


@admin.register(ScheduledNotification)
class ScheduledNotificationAdmin(admin.ModelAdmin):
    """The schedule, to look at (what is due, how often it was sent); the worker writes it. Its
    failures are those of its jobs (the work engine's jobs of kind "reminder")."""

    list_display = (
        "incident",
        "key",
        "subject",
        "phase",
        "state",
        "next_due_at",
        "sent_count",
        "last_sent_at",
    )
    list_filter = ("state", "phase", "key")
    search_fields = ("key", "incident__title")
    ordering = ("next_due_at",)
    raw_id_fields = ("incident",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
