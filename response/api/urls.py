"""The REST API: django-ninja, mounted at /api/ (OpenAPI at /api/openapi.json, docs at /api/docs).

Every operation needs a bearer token or the web UI's session; errors share one JSON shape.
"""

from response.api.auth import AUTH
from response.api.docs import OfflineSwagger, ResponseNinjaAPI
from response.api.errors import install_error_handlers
from response.api.routers import (
    actions,
    audit,
    catalog,
    incidents,
    insights,
    people,
    postmortem,
    stats,
    timeline,
)

api = ResponseNinjaAPI(
    title="Response API",
    version="1",
    description=(
        "Incidents, follow-up actions, timelines, the audit log and the people Response knows. "
        "Authenticate with `Authorization: Bearer <token>` (create one in the admin or with "
        "`response create_api_token`) or with the web UI's session."
    ),
    urls_namespace="api",
    auth=AUTH,
    docs=OfflineSwagger(),
)
install_error_handlers(api)

for module in (incidents, actions, timeline, audit, people, stats, insights, postmortem, catalog):
    api.add_router("/", module.router)
