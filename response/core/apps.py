from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "response.core"
    label = "core"
    verbose_name = "Incidents"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from response.core.models import IncidentType, Severity
        from response.core.roles import all_roles
        from response.core.selectors import forget_incident_types, forget_severities

        all_roles()  # a mistake in RESPONSE_ROLES stops Response at start-up, with a sentence

        for signal in (post_save, post_delete):  # what this process remembers of them
            signal.connect(forget_severities, sender=Severity, dispatch_uid="core-severities")
            signal.connect(forget_incident_types, sender=IncidentType, dispatch_uid="core-types")
