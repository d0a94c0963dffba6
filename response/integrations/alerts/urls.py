"""Inbound webhooks of this integration, under /integrations/alerts/."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
