"""Follow-up actions exported to an issue tracker (Jira Cloud, GitHub Issues), and marked done
here when their issue is closed there (docs/integrations.md).

- `jira.py`, `github.py`: what we send each tracker and the calls, made only from jobs;
- `jobs.py`: the work engine's jobs (export an action; sync what webhooks missed);
- `receivers.py`: the announcements of core verbs that queue the jobs and the Slack messages;
- `plugin.py`: the Slack buttons; `views.py`: the trackers' webhooks.
"""

from __future__ import annotations

from django.conf import settings


def configured() -> bool:
    """Whether the settings switch this integration on (then its `plugin` module is loaded)."""
    return bool(settings.TRACKERS)
