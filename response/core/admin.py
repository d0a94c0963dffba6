from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from response.core.models import (
    Action,
    AuditEvent,
    CustomField,
    CustomFieldValue,
    ExternalUser,
    Incident,
    IncidentType,
    PostMortem,
    PostMortemSection,
    Service,
    Severity,
    Team,
    TimelineEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, not edited here: changes go through the domain verbs (Slack, web UI, API), so they
    are validated, audited and announced."""

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Severity)
class SeverityAdmin(admin.ModelAdmin):
    list_display = ("rank", "emoji", "name", "slug", "update_cadence_mins")
    list_display_links = ("name",)
    ordering = ("rank",)


class CustomFieldInline(admin.StackedInline):
    model = CustomField
    extra = 0
    fields = (("label", "key", "kind"), ("required", "order"), "options", "default", "help_text")
    prepopulated_fields = {"key": ("label",)}


@admin.register(IncidentType)
class IncidentTypeAdmin(admin.ModelAdmin):
    """Types and their fields. A type in use cannot be deleted (archive it: it is no longer
    offered, and its incidents keep it); a field with answers cannot be deleted either."""

    list_display = ("order", "name", "slug", "private_by_default", "archived")
    list_display_links = ("name",)
    list_filter = ("archived",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CustomFieldInline]


@admin.register(ExternalUser)
class ExternalUserAdmin(admin.ModelAdmin):
    list_display = ("external_id", "display_name", "full_name", "email", "time_zone", "is_bot")
    search_fields = ("external_id", "display_name", "full_name", "email")
    list_filter = ("is_bot", "is_deleted", "app")
    raw_id_fields = ("user",)


class ActionInline(admin.TabularInline):
    model = Action
    fk_name = "incident"
    extra = 0
    fields = ("text", "owner", "due_date", "priority", "done", "done_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


class TimelineInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0
    fields = ("timestamp", "kind", "text", "author")
    readonly_fields = fields
    can_delete = False


class FieldValueInline(admin.TabularInline):
    model = CustomFieldValue
    extra = 0
    fields = ("field", "value")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # answers change through the verbs (the incident page, the API)


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "status", "severity", "lead", "reported_at", "is_private")
    list_filter = ("status", "severity", "type", "is_private", "is_report_only")
    search_fields = ("title", "summary", "impact")
    date_hierarchy = "reported_at"
    list_select_related = ("severity", "lead")
    inlines = [FieldValueInline, ActionInline, TimelineInline]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ("text", "incident", "owner", "due_date", "priority", "done")
    list_filter = ("done", "priority")
    search_fields = ("text",)
    list_select_related = ("incident", "owner")


@admin.register(TimelineEvent)
class TimelineEventAdmin(ReadOnlyAdmin):
    list_display = ("timestamp", "incident", "kind", "text", "author")
    list_filter = ("kind",)
    search_fields = ("text",)
    list_select_related = ("incident", "author")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log can be read, never written or deleted here."""

    list_display = ("occurred_at", "verb", "object_type", "object_id", "incident", "actor_name")
    list_filter = ("verb", "object_type")
    search_fields = ("verb", "actor_name", "object_id")
    date_hierarchy = "occurred_at"
    list_select_related = ("incident",)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class PostMortemSectionInline(admin.StackedInline):
    model = PostMortemSection
    fields = ("key", "text", "version", "edited_at", "edited_by_name")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(PostMortem)
class PostMortemAdmin(ReadOnlyAdmin):
    """Read here; written on the write-up page, through the API or from Slack (the verbs)."""

    list_display = ("incident", "owner", "state", "updated_at", "done_at")
    list_filter = ("state",)
    list_select_related = ("incident", "owner")
    inlines = [PostMortemSectionInline]


# --- The service catalog: data people keep here (or with `response catalog import`) ---------------


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = ("name", "slug", "tier")
    show_change_link = True


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "slack_usergroup_handle", "slack_usergroup_id")
    search_fields = ("name", "slug", "slack_usergroup_handle", "slack_usergroup_id")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("owners",)
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "team", "tier")
    list_filter = ("team", "tier")
    search_fields = ("name", "slug", "description", "team__name")
    list_select_related = ("team",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("owners", "team")
