"""Commands run as a person runs them, in a subprocess that the test always stops.

    with Running([RESPONSE, "run", "--port", "0"], env=env) as run:
        url = run.wait_for_line(r"running at (http://\\S+?)/?$").group(1)
        ...
        assert run.interrupt() == 0          # Ctrl-C, as a person stops it

Output is read on a thread, so waiting for a line never blocks past its deadline, whatever the
process does. However the test ends (an assertion, a timeout, an error), leaving the block stops
the process: Ctrl-C, then SIGKILL if it will not stop. A test never leaves a process running.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STOP_SECONDS = 30.0


class Running:
    # Every process started and not yet seen to end: a safety net stops them after each test.
    alive: set[Running] = set()

    def __init__(self, args: list[str], *, env: dict[str, str], cwd: Path = ROOT) -> None:
        self.args = args
        self.env = env
        self.cwd = cwd
        self.lines: list[str] = []
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Running:
        self.process = subprocess.Popen(
            self.args,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**self.env, "PYTHONUNBUFFERED": "1"},
            cwd=self.cwd,
        )
        self._reader = threading.Thread(target=self._read, name="subprocess-output", daemon=True)
        self._reader.start()
        Running.alive.add(self)
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    @property
    def returncode(self) -> int | None:
        return self.process.poll() if self.process else None

    def wait_for_line(self, pattern: str, timeout: float = 60.0) -> re.Match:
        """The first output line matching `pattern`, waiting for it at most `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for line in list(self.lines):
                if match := re.search(pattern, line):
                    return match
            if time.monotonic() > deadline or (self.process and self.process.poll() is not None):
                # One last look: the process may have printed it just before ending.
                for line in list(self.lines):
                    if match := re.search(pattern, line):
                        return match
                raise AssertionError(f"no line matching {pattern!r} in:\n{self.output}")
            time.sleep(0.05)

    def interrupt(self, timeout: float = STOP_SECONDS) -> int:
        """Ctrl-C, as a person stops it; the exit code. A process that will not stop is killed
        and the test fails."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._kill()
                raise AssertionError(f"it did not stop on Ctrl-C:\n{self.output}") from None
        self._reader.join(timeout=5)  # the last lines it wrote before it ended
        return self.process.returncode

    def stop(self) -> None:
        """However the test went: Ctrl-C, then SIGKILL if it will not stop."""
        Running.alive.discard(self)
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self._kill()

    def _kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)


def stop_leftovers() -> list[str]:
    """Stop whatever a test started and left running; returns what it was."""
    left = [" ".join(running.args) for running in list(Running.alive) if running.returncode is None]
    for running in list(Running.alive):
        Running.stop(running)
    return left


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without anything that would point a child elsewhere."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "SLACK_"))
        and k not in {"RESPONSE_ENV", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL"}
        and k != "RESPONSE_QUEUE_URL"
    }
    env.update(extra)
    return env
