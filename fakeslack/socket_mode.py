"""Socket Mode: a loopback WebSocket server speaking Slack's envelope protocol.

``apps.connections.open`` hands out ``ws://127.0.0.1:PORT/link/?ticket=…``. On connect the server
sends ``hello``; each delivery is an envelope (``envelope_id``, ``type``, ``payload``,
``accepts_response_payload``, ``retry_attempt``, ``retry_reason``) that the app acknowledges by
sending back ``{"envelope_id": …, "payload": …}``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

logger = logging.getLogger(__name__)


class NoConnection(Exception):
    """No Socket Mode client is connected."""


@dataclass
class _Pending:
    done: threading.Event = field(default_factory=threading.Event)
    ack: dict[str, Any] | None = None


@dataclass
class _Client:
    connection: ServerConnection
    send_lock: threading.Lock = field(default_factory=threading.Lock)
    # Told to disconnect: like Slack, send it nothing more while the client reconnects.
    draining: bool = False

    def send(self, message: dict[str, Any]) -> None:
        with self.send_lock:
            self.connection.send(json.dumps(message))


class SocketModeServer:
    def __init__(self, *, app_id: str, host: str = "127.0.0.1") -> None:
        self.app_id = app_id
        self.host = host
        self.port = 0
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._clients: list[_Client] = []
        self._tickets: set[str] = set()
        self._pending: dict[str, _Pending] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._turn = itertools.count()
        # How long a delivery waits for a client to (re)connect before giving up.
        self.connect_timeout = 5.0

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        self._server = serve(
            self._handle, self.host, 0, compression=None, logger=logger, close_timeout=1.0
        )
        self.port = self._server.socket.getsockname()[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fakeslack-socket-mode", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    # -- connections -------------------------------------------------------------------------

    def new_url(self) -> str:
        ticket = secrets.token_hex(16)
        with self._lock:
            self._tickets.add(ticket)
        return f"ws://{self.host}:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    def _live(self) -> list[_Client]:
        return [c for c in self._clients if not c.draining]

    @property
    def connections(self) -> int:
        """Connected clients that receive envelopes (not those told to disconnect)."""
        with self._lock:
            return len(self._live())

    def wait_connected(self, timeout: float = 5.0, count: int = 1) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self._live()) >= count, timeout)

    def _handle(self, connection: ServerConnection) -> None:
        query = parse_qs(urlparse(connection.request.path if connection.request else "").query)
        ticket = (query.get("ticket") or [""])[0]
        with self._lock:
            known = ticket in self._tickets
        if not known:
            connection.close(code=1008, reason="invalid ticket")
            return
        client = _Client(connection)
        with self._changed:
            self._clients.append(client)
            count = len(self._clients)
            self._changed.notify_all()
        try:
            client.send(
                {
                    "type": "hello",
                    "num_connections": count,
                    "debug_info": {
                        "host": "fakeslack",
                        "build_number": 1,
                        "approximate_connection_time": 3600,
                    },
                    "connection_info": {"app_id": self.app_id},
                }
            )
            for raw in connection:
                self._receive(raw)
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                if client in self._clients:
                    self._clients.remove(client)
                self._changed.notify_all()

    def _receive(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except ValueError:
            logger.warning("fakeslack: ignoring a non-JSON Socket Mode message: %r", raw)
            return
        envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
        with self._lock:
            pending = self._pending.get(envelope_id or "")
        if pending is not None:
            pending.ack = message
            pending.done.set()

    # -- delivering --------------------------------------------------------------------------

    def deliver(self, envelope: dict[str, Any], *, timeout: float) -> dict[str, Any] | None:
        """Send one envelope and wait for its acknowledgement; ``None`` if none came in time."""
        if not self.wait_connected(self.connect_timeout):
            raise NoConnection("no Socket Mode connection")
        with self._lock:
            clients = self._live()
            if not clients:
                raise NoConnection("no Socket Mode connection")
            client = clients[next(self._turn) % len(clients)]
            pending = self._pending[envelope["envelope_id"]] = _Pending()
        try:
            client.send(envelope)
            pending.done.wait(timeout)
            return pending.ack
        except ConnectionClosed:
            return None
        finally:
            with self._lock:
                self._pending.pop(envelope["envelope_id"], None)

    def disconnect(self, reason: str = "refresh_requested") -> int:
        """Send Slack's ``disconnect`` message to every client; they reconnect on a new URL."""
        with self._lock:
            clients = self._live()
            for client in clients:
                client.draining = True
        for client in clients:
            with contextlib.suppress(ConnectionClosed):
                client.send(
                    {"type": "disconnect", "reason": reason, "debug_info": {"host": "fakeslack"}}
                )
        return len(clients)
