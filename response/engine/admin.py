from django.contrib import admin, messages

from response.core.admin import ReadOnlyAdmin
from response.engine import operations
from response.engine.models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """The work queue: what is waiting, what is dead and why; dead jobs can be retried."""

    list_display = ("id", "kind", "lane", "state", "attempts", "failures", "not_before", "error")
    list_filter = ("state", "kind")
    search_fields = ("lane", "key", "delivery_key", "last_error")
    ordering = ("-id",)
    actions = ["retry_dead", "discard_dead"]

    @admin.display(description="last error")
    def error(self, job: Job) -> str:
        return job.last_error[:120]

    @admin.action(description="Retry the selected dead jobs")
    def retry_dead(self, request, queryset):
        count = operations.retry(queryset)
        self.message_user(request, f"{count} dead job(s) will be tried again.", messages.SUCCESS)

    @admin.action(description="Discard the selected dead jobs")
    def discard_dead(self, request, queryset):
        count = operations.discard(queryset)
        self.message_user(request, f"{count} dead job(s) discarded.", messages.SUCCESS)
