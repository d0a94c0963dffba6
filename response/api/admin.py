from django.contrib import admin, messages
from django.utils import timezone

from response.api.models import ApiToken
from response.api.tokens import create_api_token, revoke_api_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Adding a token here shows it once, in the confirmation message; only its digest is kept."""

    list_display = ("prefix", "name", "user", "read_only", "created_at", "last_used_at", "status")
    list_filter = ("read_only", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("prefix", "name", "user__username")
    raw_id_fields = ("user",)
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name", "read_only", "expires_at")
        return ("user", "name", "prefix", "read_only", "expires_at", *self.readonly_fields[1:])

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "user") if obj else ()

    @admin.display(description="status")
    def status(self, obj: ApiToken) -> str:
        if obj.revoked_at:
            return "revoked"
        if obj.expires_at and obj.expires_at <= timezone.now():
            return "expired"
        return "active"

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        row, token = create_api_token(
            form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
            expires_at=form.cleaned_data["expires_at"],
        )
        obj.pk = row.pk
        obj.__dict__.update({f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields})
        obj._state.adding = False
        messages.warning(
            request, f"The new API token is {token} — copy it now: it will not be shown again."
        )

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            revoke_api_token(token)
        messages.success(request, f"Revoked {queryset.count()} token(s).")
