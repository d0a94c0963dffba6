"""Inbound webhooks of this integration, under /integrations/trackers/."""

from django.urls import URLPattern, path

from response.integrations.trackers import views

urlpatterns: list[URLPattern] = [
    path("github", views.github_webhook, name="trackers_github_webhook"),
    path("jira", views.jira_webhook, name="trackers_jira_webhook"),
]
