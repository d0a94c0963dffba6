"""Inbound webhooks of this integration, under /integrations/webhooks/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
