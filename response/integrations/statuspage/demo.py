"""The status page in `response demo`: a local Statuspage (fakes/statuspage.py) beside the Slack
sandbox, seeded with a few components, its page kept in the demo's data directory.

`environment()` runs before Django starts (response/server/demo.py `prepare`, once fakes/ is
importable), so this module imports nothing of Django; `start()` and `stop()` run in the demo
command.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from fakes.statuspage import FakeStatuspage

PAGE_ID = "demo"
STATE_FILE = "statuspage.json"
COMPONENTS = ("Website", "API", "Checkout", "Payments")


def environment(*, port: int) -> dict[str, str]:
    """The variables that switch the integration on, pointed at the local Statuspage."""
    return {
        "STATUSPAGE_API_KEY": "demo-" + secrets.token_hex(8),
        "STATUSPAGE_PAGE_ID": PAGE_ID,
        "STATUSPAGE_API_URL": f"http://127.0.0.1:{port}/v1",
        "STATUSPAGE_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }


def start(settings: Any, data_dir: Path) -> FakeStatuspage:
    """The local Statuspage, serving on the port the settings name, with what it held last time
    (or the seeded components)."""
    fake = FakeStatuspage(api_key=settings.STATUSPAGE_API_KEY, page_id=PAGE_ID, port=0)
    fake.start()
    # Any free port; this process is the demo's web and worker, so its settings follow.
    settings.STATUSPAGE_API_URL = f"{fake.url}/v1"
    settings.STATUSPAGE_PUBLIC_URL = fake.url
    saved = data_dir / STATE_FILE
    if saved.exists():
        fake.restore(json.loads(saved.read_text(encoding="utf-8")))
    else:
        for name in COMPONENTS:
            fake.add_component(name)
    return fake


def banner(fake: FakeStatuspage) -> str:
    return f"\n  status page:   {fake.url}/  (a local Statuspage: the public page)"


def stop(fake: FakeStatuspage, data_dir: Path) -> None:
    (data_dir / STATE_FILE).write_text(json.dumps(fake.snapshot()), encoding="utf-8")
    fake.stop()
