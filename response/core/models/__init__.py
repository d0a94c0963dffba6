from response.core.models.action import Action
from response.core.models.audit import AuditEvent, AuditVerb
from response.core.models.catalog import AffectedService, Service, Team, Tier
from response.core.models.incident import Incident, Severity, Status
from response.core.models.people import ExternalUser, Participant
from response.core.models.postmortem import PostMortem, PostMortemSection, PostMortemState
from response.core.models.roles import RoleAssignment
from response.core.models.subscription import Subscription
from response.core.models.timeline import TimelineEvent, TimelineImage
from response.core.models.types import CustomField, CustomFieldValue, IncidentType

__all__ = [
    "Action",
    "AffectedService",
    "AuditEvent",
    "AuditVerb",
    "CustomField",
    "CustomFieldValue",
    "ExternalUser",
    "Incident",
    "IncidentType",
    "Participant",
    "PostMortem",
    "PostMortemSection",
    "PostMortemState",
    "RoleAssignment",
    "Service",
    "Severity",
    "Status",
    "Subscription",
    "Team",
    "Tier",
    "TimelineEvent",
    "TimelineImage",
]
