"""Running the web server and the worker, alone or together in one process."""

from __future__ import annotations

import gc
import logging
import signal
import threading
from dataclasses import dataclass

from django.conf import settings

from response.refusal import Refusal

logger = logging.getLogger("response")


def require_migrated() -> None:
    """Refuse to serve a database whose tables are missing or out of date: every request and
    job would fail. `response run` migrates by itself; the production split leaves migrating to
    one deliberate step, so that several processes never race to do it."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if waiting:
        raise Refusal(
            f"The database is not migrated ({len(waiting)} migrations to apply): run "
            "`response migrate` first, with the same DATABASE_URL."
        )


def freeze_start_up_objects() -> None:
    """Keep what start-up made (Django, Bolt, slack_sdk: most of a process's objects, alive
    until it stops) out of the garbage collector's full passes. Each full pass walked all of
    them while every thread waited, and those pauses were the slowest answers Slack got: the
    99th percentile of `/incident` went from about 130 ms to 60 ms (docs/benchmarks.md). Call
    it once the process has imported what it serves, before it starts serving."""
    gc.collect()
    gc.freeze()


class StopSignals:
    """Ctrl-C (SIGINT) and SIGTERM ask the process to stop, from the first moment of start-up.

    Installed before anything else happens, so an interrupt during start-up is never lost nor a
    traceback. A program started in the background by a shell begins with SIGINT ignored;
    installing a handler makes `kill -INT` stop it like Ctrl-C does in a terminal."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self._previous = {}
        for number in (signal.SIGINT, signal.SIGTERM):
            self._previous[number] = signal.signal(number, self._handle)

    def _handle(self, number, frame) -> None:
        self.requested.set()

    def wait(self) -> None:
        """Block until a stop is asked for (waking regularly, so signals are handled)."""
        while not self.requested.wait(0.5):
            pass

    def restore(self) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)


@dataclass
class WebServer:
    """A waitress server for the Django app; `serve()` blocks, `close()` stops it."""

    host: str
    port: int
    threads: int = 8

    def __post_init__(self) -> None:
        from waitress.server import create_server

        from response.wsgi import application

        self._server = create_server(
            application,
            host=self.host,
            port=self.port,
            threads=self.threads,
            ident="Response",
            # Forwarded headers are dropped unless a proxy was declared to set one
            # (RESPONSE_PROXY_SSL_HEADER): Django then reads it (SECURE_PROXY_SSL_HEADER).
            clear_untrusted_proxy_headers=settings.SECURE_PROXY_SSL_HEADER is None,
        )
        # Port 0 asks the OS for a free port; report the real one.
        self.port = self._server.effective_port
        self._closing = threading.Event()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def serve(self) -> None:
        try:
            self._server.run()
        except (OSError, ValueError):
            # close() from another thread shuts the sockets under the loop's select(): the
            # loop was being stopped (start-up refused a token, Ctrl-C), which is no error.
            if not self._closing.is_set():
                raise

    def serve_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve, name="response-web", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self._closing.set()
        self._server.close()


class Worker:
    """The work engine's threads (response.engine), and Huey's consumer beside them: it relays
    wake-ups sent by other processes (`response web`) and runs the housekeeping tasks."""

    def __init__(self, threads: int | None = None) -> None:
        from django.utils.module_loading import autodiscover_modules
        from huey.consumer import Consumer
        from huey.contrib.djhuey import HUEY

        from response.engine.heartbeat import Heartbeat
        from response.engine.pool import Engine

        autodiscover_modules("tasks")
        options = dict(settings.HUEY.get("consumer", {}))
        options.setdefault("shutdown_timeout", 5)
        self.engine = Engine(threads=threads or settings.RESPONSE_WORKER_THREADS)
        self.heartbeat = Heartbeat()
        self.consumer = HUEY.create_consumer(**options)
        # Signals belong to StopSignals (the process's main thread), not to Huey.
        self.consumer.__class__ = type(
            "WorkerConsumer", (Consumer,), {"_set_signal_handlers": _no_op}
        )

    def start(self) -> None:
        self.engine.start()
        self.consumer.start()
        self.heartbeat.start()

    def stop(self) -> None:
        self.heartbeat.stop()
        self.consumer.stop(graceful=True)
        self.engine.stop()


def _no_op(*args) -> None:
    return None
