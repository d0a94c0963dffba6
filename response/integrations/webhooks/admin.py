"""The admin of outgoing webhooks: endpoints with their event filters and secret, the delivery
log of each, a test event, and retrying what failed."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from response.integrations.webhooks import configured, operations
from response.integrations.webhooks.events import EVENT_TYPES
from response.integrations.webhooks.models import Delivery, Endpoint

SWITCHED_OFF = (
    "Outgoing webhooks are switched off: nothing is sent until RESPONSE_WEBHOOKS=on is set "
    "for Response's processes."
)
RECENT_DELIVERIES = 20


class EndpointForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        choices=[(name, f"{name}: {text}") for name, text in EVENT_TYPES.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="None ticked: every event.",
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "event_types", "is_active", "include_private"]


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ("__str__", "url", "events", "is_active", "include_private", "log")
    list_filter = ("is_active",)
    readonly_fields = ("secret", "previous_secret_until", "log", "recent_deliveries")
    actions = ["send_test_event", "rotate_secret"]

    def get_fields(self, request: HttpRequest, obj: Endpoint | None = None) -> tuple[str, ...]:
        fields = ("url", "description", "event_types", "is_active", "include_private")
        shown = ("secret", "previous_secret_until", "log", "recent_deliveries")
        return (*fields, *shown) if obj else fields

    def response_add(
        self, request: HttpRequest, obj: Endpoint, post_url_continue: str | None = None
    ) -> HttpResponse:
        """To the new endpoint's page, which shows the secret to give to the receiver."""
        if "_addanother" in request.POST or IS_POPUP_VAR in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request, f"Give the receiver the secret shown below to check that {obj} is from us."
        )
        return HttpResponseRedirect(
            reverse("admin:integrations_webhooks_endpoint_change", args=[obj.pk])
        )

    @admin.display(description="events")
    def events(self, endpoint: Endpoint) -> str:
        return ", ".join(endpoint.event_types) or "all"

    @admin.display(description="delivery log")
    def log(self, endpoint: Endpoint) -> str:
        if endpoint.pk is None:
            return ""
        url = reverse("admin:integrations_webhooks_delivery_changelist")
        return format_html('<a href="{}?endpoint__id__exact={}">Deliveries</a>', url, endpoint.pk)

    @admin.display(description=f"latest deliveries (up to {RECENT_DELIVERIES})")
    def recent_deliveries(self, endpoint: Endpoint) -> str:
        latest = Delivery.objects.filter(endpoint=endpoint).order_by("-id")[:RECENT_DELIVERIES]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    d.created_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
                    d.event_type,
                    d.message_id,
                    d.state,
                    d.attempts,
                    d.last_status or "",
                    d.last_error[:120],
                )
                for d in latest
            ),
        )
        if not rows:
            return "Nothing sent yet."
        return format_html(
            "<table><tr><th>created</th><th>event</th><th>webhook-id</th><th>state</th>"
            "<th>attempts</th><th>last status</th><th>last error</th></tr>{}</table>",
            rows,
        )

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        if not configured():
            self.message_user(request, SWITCHED_OFF, messages.WARNING)
        return super().changelist_view(request, extra_context)

    @admin.action(description="Send a test event to the selected endpoints")
    def send_test_event(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        if not configured():
            self.message_user(request, SWITCHED_OFF, messages.ERROR)
            return
        for endpoint in queryset:
            delivery = operations.send_test_event(endpoint, by=request.user.get_username())
            self.message_user(
                request,
                f"A test event ({delivery.message_id}) is on its way to {endpoint}: "
                "see its delivery log.",
                messages.SUCCESS,
            )

    @admin.action(description="Rotate the secret of the selected endpoints")
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[Endpoint]) -> None:
        for endpoint in queryset:
            operations.rotate_secret(endpoint)
            self.message_user(
                request,
                f"{endpoint} has a new secret (on its page). Messages are signed with the old one "
                f"too until {endpoint.previous_secret_until:%Y-%m-%d %H:%M} UTC: give the "
                "receiver the new one before then.",
                messages.SUCCESS,
            )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log: every message, what the receiver last answered, and retrying failures."""

    list_display = (
        "created_at",
        "endpoint",
        "event_type",
        "incident",
        "state",
        "attempts",
        "last_status",
        "error",
        "delivered_at",
    )
    list_filter = ("state", "event_type", "endpoint")
    list_select_related = ("endpoint", "incident")
    search_fields = ("message_id", "last_error")
    ordering = ("-id",)
    actions = ["retry_failed"]

    def get_readonly_fields(self, request: HttpRequest, obj: Delivery | None = None) -> list[str]:
        return [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="last error")
    def error(self, delivery: Delivery) -> str:
        return delivery.last_error[:120]

    @admin.action(description="Retry the selected failed deliveries")
    def retry_failed(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        if not configured():
            self.message_user(request, SWITCHED_OFF, messages.ERROR)
            return
        count = operations.retry_failed(queryset.filter(state=Delivery.State.FAILED))
        self.message_user(request, f"{count} failed delivery(ies) will be tried again.")
