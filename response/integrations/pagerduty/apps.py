from django.apps import AppConfig


class PagerdutyConfig(AppConfig):
    name = "response.integrations.pagerduty"
    label = "integrations_pagerduty"
    verbose_name = "PagerDuty"

    def ready(self) -> None:
        from response.engine import health
        from response.integrations.pagerduty.client import REMOTE, probe

        if REMOTE not in health.PROBES:
            health.PROBES.register(REMOTE, probe)
