from django.apps import AppConfig


class TrackersConfig(AppConfig):
    name = "response.integrations.trackers"
    label = "integrations_trackers"
    verbose_name = "Issue trackers"
