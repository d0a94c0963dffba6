from django.contrib import admin

from response.core.admin import ReadOnlyAdmin
from response.integrations.statuspage.models import Component, Publication, PublicIncident


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    list_display = ("incident", "status", "state", "requested_by", "created_at", "published_at")
    list_filter = ("state", "status")
    search_fields = ("body", "error", "key")
    list_select_related = ("incident", "requested_by")


@admin.register(PublicIncident)
class PublicIncidentAdmin(ReadOnlyAdmin):
    list_display = ("incident", "statuspage_id", "status", "last_published_at", "shortlink")
    list_select_related = ("incident",)


@admin.register(Component)
class ComponentAdmin(ReadOnlyAdmin):
    list_display = ("name", "component_id", "status", "refreshed_at")
