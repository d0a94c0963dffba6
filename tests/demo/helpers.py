"""Running `response demo` as a person does: a subprocess on free ports, stopped with Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Demo:
    process: subprocess.Popen
    lines: list[str] = field(default_factory=list)
    sandbox_url: str = ""
    web_url: str = ""

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_line(self, pattern: str, timeout: float = 60.0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := re.search(pattern, line):
                    return match
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r} in:\n{self.output}")

    def stop(self, timeout: float = 30.0) -> int:
        """Ctrl-C, as a person stops it; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                raise AssertionError(f"the demo did not stop on Ctrl-C:\n{self.output}") from None
        return self.process.returncode


def demo_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "SLACK_"))}
    for name in ("RESPONSE_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "RESPONSE_QUEUE_URL"):
        env.pop(name, None)
    env["RESPONSE_DATA_DIR"] = str(data_dir)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_demo(data_dir: Path, *args: str, command: str = "demo") -> Demo:
    process = subprocess.Popen(
        [sys.executable, "-m", "response", command, "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=demo_env(data_dir),
        cwd=ROOT,
    )
    demo = Demo(process)

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            demo.lines.append(line)

    threading.Thread(target=read, name="demo-output", daemon=True).start()
    demo.web_url = demo.wait_for_line(r"running at (http://\S+?)/?$").group(1)
    demo.sandbox_url = demo.wait_for_line(r"Slack sandbox: (http://\S+?)/?\s").group(1)
    demo.wait_for_line(r"Ctrl-C")
    return demo
