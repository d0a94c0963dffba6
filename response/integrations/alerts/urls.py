"""Inbound webhooks of this integration, under /integrations/alerts/."""

from django.urls import URLPattern, path

from response.integrations.alerts.models import Source
from response.integrations.alerts.views import receiver

urlpatterns: list[URLPattern] = [
    path(source.value, receiver(source.value), name=f"alerts-{source.value}") for source in Source
]
