from response.core.models.action import Action
from response.core.models.audit import AuditEvent
from response.core.models.incident import Incident, Severity, Status
from response.core.models.people import ExternalUser, Participant
from response.core.models.timeline import TimelineEvent

__all__ = [
    "Action",
    "AuditEvent",
    "ExternalUser",
    "Incident",
    "Participant",
    "Severity",
    "Status",
    "TimelineEvent",
]
