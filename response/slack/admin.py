from django.contrib import admin

from response.core.admin import ReadOnlyAdmin
from response.slack.models import CommsChannel, HeadlinePost, InboundDelivery, SlackCache


@admin.register(CommsChannel)
class CommsChannelAdmin(ReadOnlyAdmin):
    list_display = ("name", "channel_id", "incident", "is_private", "created_at")
    search_fields = ("name", "channel_id")
    list_select_related = ("incident",)


@admin.register(HeadlinePost)
class HeadlinePostAdmin(ReadOnlyAdmin):
    list_display = ("incident", "channel_id", "message_ts", "posted_at")
    list_select_related = ("incident",)


@admin.register(InboundDelivery)
class InboundDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("key", "kind", "received_at")
    search_fields = ("key",)


@admin.register(SlackCache)
class SlackCacheAdmin(ReadOnlyAdmin):
    list_display = ("key", "updated_at")
