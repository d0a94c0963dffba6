"""Running `response demo` as a person does: a subprocess on free ports, stopped with Ctrl-C."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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
