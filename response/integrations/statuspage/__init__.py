"""Status page: Atlassian Statuspage's public incidents, published from Slack
(docs/integrations.md).

- `models`: the components as last fetched, each publication asked for, the public incident.
- `statuses`, `blocks`: pure mapping and Block Kit rendering.
- `client`: the REST calls (through response.integrations.http), `jobs`: the work engine's kinds.
- `plugin`: the Slack building blocks (headline button, `@Response statuspage`, the modal, the
  reminder) and the announcement receiver.
"""

from __future__ import annotations

from django.conf import settings


def configured() -> bool:
    """Whether the settings switch this integration on (then its `plugin` module is loaded)."""
    return bool(settings.STATUSPAGE_API_KEY and settings.STATUSPAGE_PAGE_ID)
