"""Inbound webhooks of this integration, under /integrations/pagerduty/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
