"""PagerDuty (docs/integrations.md): page on-call from an incident, hear back when they answer.

- `models`: the services known (with who is on call), the pages made, the webhooks received;
- `client`: the official `pagerduty` package, one attempt per call, its failures the engine's;
- `jobs`: the work engine's PagerDuty jobs (refresh the services, trigger a page, resolve it);
- `blocks`: the modal and the messages, pure;
- `plugin`: the Slack building blocks (the headline button, `@Response page`, the modal);
- `webhooks`: PagerDuty's signed v3 webhooks, at /integrations/pagerduty/webhook.
"""

from __future__ import annotations

from django.conf import settings


def configured() -> bool:
    """Whether the settings switch this integration on (then its `plugin` module is loaded)."""
    return bool(settings.PAGERDUTY_API_TOKEN)
