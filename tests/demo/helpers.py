"""Running `response demo` as a person does: a subprocess on free ports, stopped with Ctrl-C."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.processes import ROOT, Running

__all__ = ["ROOT", "Demo", "demo_env", "start_demo"]


class Demo(Running):
    """`response demo` (or `response run` with no Slack credentials) on free ports."""

    sandbox_url: str = ""
    web_url: str = ""

    def stop(self, timeout: float = 30.0) -> int:  # type: ignore[override]
        """Ctrl-C, as a person stops it; returns the exit code."""
        return self.interrupt(timeout)


def demo_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SLACK_"))}
    for name in ("RESPONSE_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "RESPONSE_QUEUE_URL"):
        env.pop(name, None)
    env["RESPONSE_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_demo(data_dir: Path, *args: str, command: str = "demo") -> Demo:
    """Started and serving (its URLs read from what it printed); stopped however it went if it
    did not get that far."""
    demo = Demo(
        [sys.executable, "-m", "response", command, "--port", "0", *args], env=demo_env(data_dir)
    ).__enter__()
    try:
        demo.web_url = demo.wait_for_line(r"running at (http://\S+?)/?$").group(1)
        demo.sandbox_url = demo.wait_for_line(r"Slack sandbox: (http://\S+?)/?\s").group(1)
        demo.wait_for_line(r"Ctrl-C")
    except BaseException:
        Running.stop(demo)
        raise
    return demo


# How long a browser test waits for what the demo's worker does (a ✅, an edited headline, a
# DM): both test passes, their demos and their browsers share two cores, and a step may queue
# a dozen Slack calls (invites, announcements, DMs) before the one awaited. How fast it is, is
# measured by bench/, not here.
WORK_TIMEOUT_MS = 45_000
# How long one look at the page waits.
PAGE_TIMEOUT_MS = 20_000


@contextmanager
def demo_running(data_dir: Path) -> Iterator[Demo]:
    """A fresh `response demo` for a test; stopped cleanly afterwards (its output is printed, so
    a failed test shows it)."""
    demo = start_demo(data_dir, "--reset")
    yield demo
    print(demo.output)
    assert demo.stop() == 0, demo.output


@contextmanager
def browser_page(
    screenshots: Path,
    *,
    height: int = 860,
    timeout_ms: int = PAGE_TIMEOUT_MS,
    timezone_id: str = "",
) -> Iterator[Any]:
    """A Chromium page (Debian's, through Playwright) that fails the test on a JavaScript error."""
    screenshots.mkdir(parents=True, exist_ok=True)
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop in the test's thread
    try:
        yield from _page(height=height, timeout_ms=timeout_ms, timezone_id=timezone_id)
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


def _page(*, height: int, timeout_ms: int, timezone_id: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from tests.browser import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        options: dict[str, Any] = {"viewport": {"width": 1360, "height": height}}
        if timezone_id:
            options["timezone_id"] = timezone_id
        page = browser.new_context(**options).new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.set_default_timeout(timeout_ms)
        yield page
        browser.close()
        assert not errors, errors
