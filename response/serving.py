"""Running the web server and the worker, alone or together in one process."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger("response")


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
            clear_untrusted_proxy_headers=True,
        )
        # Port 0 asks the OS for a free port; report the real one.
        self.port = self._server.effective_port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def serve(self) -> None:
        self._server.run()

    def serve_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve, name="response-web", daemon=True)
        thread.start()
        return thread

    def close(self) -> None:
        self._server.close()


def create_consumer(workers: int | None = None):
    """A Huey consumer configured from settings.HUEY (threads, periodic tasks on)."""
    from django.utils.module_loading import autodiscover_modules
    from huey.contrib.djhuey import HUEY

    options = dict(settings.HUEY.get("consumer", {}))
    if workers:
        options["workers"] = workers
    autodiscover_modules("tasks")
    return HUEY.create_consumer(**options)
