"""Inbound webhooks of this integration, under /integrations/statuspage/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
