"""PagerDuty in `response demo`: a fake PagerDuty beside the Slack sandbox, with services whose
on-call people are the sandbox's, and someone who acknowledges each page a few seconds later
(through PagerDuty's signed webhook, so the acknowledgement arrives as it would for real)."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import MutableMapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fakes.pagerduty import FakePagerDuty

SERVICES = (
    ("Payments", ["Carol Chen"]),
    ("Database", ["Frank Fischer"]),
    ("Platform", ["Ivan Ivanov", "Oscar Ortiz"]),
)
ACKNOWLEDGE_AFTER = 8.0  # seconds


def prepare_environment(*, port: int, environ: MutableMapping[str, str] = os.environ) -> None:
    """Switch the integration on, pointed at the fake (called before Django reads settings)."""
    environ.update(
        {
            "PAGERDUTY_API_TOKEN": "demo-" + secrets.token_hex(8),
            "PAGERDUTY_FROM_EMAIL": "alice@acme.example",
            "PAGERDUTY_WEBHOOK_SECRET": secrets.token_hex(16),
            "PAGERDUTY_API_URL": f"http://127.0.0.1:{port}",
        }
    )


def start_fake(*, webhook_url: str) -> FakePagerDuty:
    """The fake PagerDuty the settings point at, seeded and serving."""
    from django.conf import settings

    from fakes.pagerduty import FakePagerDuty

    fake = FakePagerDuty(
        token=settings.PAGERDUTY_API_TOKEN,
        webhook_url=webhook_url,
        webhook_secret=settings.PAGERDUTY_WEBHOOK_SECRET,
        acknowledge_after=ACKNOWLEDGE_AFTER,
        port=0,  # any free port: the settings follow it below
        # Its incidents' ids differ from a previous run's, whose pages the database keeps.
        incident_prefix=f"Q{int(time.time()):X}",
    )
    for name, on_call in SERVICES:
        fake.add_service(name, on_call=on_call)
    fake.start()
    settings.PAGERDUTY_API_URL = fake.url  # this process is the demo's web and worker
    return fake
