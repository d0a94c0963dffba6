"""Inbound webhooks of this integration, under /integrations/trackers/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
