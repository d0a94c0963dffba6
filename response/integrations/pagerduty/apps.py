from django.apps import AppConfig


class PagerdutyConfig(AppConfig):
    name = "response.integrations.pagerduty"
    label = "integrations_pagerduty"
    verbose_name = "PagerDuty"
