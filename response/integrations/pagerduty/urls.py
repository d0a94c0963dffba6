"""Inbound webhooks of this integration, under /integrations/pagerduty/."""

from django.urls import URLPattern, path

from response.integrations.pagerduty.webhooks import receive_webhook

urlpatterns: list[URLPattern] = [path("webhook", receive_webhook, name="pagerduty-webhook")]
