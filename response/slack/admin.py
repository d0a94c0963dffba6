from django.contrib import admin

from response.core.admin import ReadOnlyAdmin
from response.slack.models import CommsChannel, HeadlinePost, InboundDelivery, Job, SlackCache


@admin.register(CommsChannel)
class CommsChannelAdmin(ReadOnlyAdmin):
    list_display = ("name", "channel_id", "incident", "is_private", "created_at")
    search_fields = ("name", "channel_id")
    list_select_related = ("incident",)


@admin.register(HeadlinePost)
class HeadlinePostAdmin(ReadOnlyAdmin):
    list_display = ("incident", "channel_id", "message_ts", "posted_at")
    list_select_related = ("incident",)


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """The Slack work queue: what is waiting, what failed and why."""

    list_display = ("id", "kind", "lane", "state", "attempts", "not_before", "last_error")
    list_filter = ("state", "kind")
    search_fields = ("lane", "key", "delivery_key")


@admin.register(InboundDelivery)
class InboundDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("key", "kind", "received_at")
    search_fields = ("key",)


@admin.register(SlackCache)
class SlackCacheAdmin(ReadOnlyAdmin):
    list_display = ("key", "updated_at")
