"""``FakeSlack``: one emulated workspace with its Web API, deliveries, observers and faults."""

from __future__ import annotations

import contextlib
import copy
import json
import secrets
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import payloads, sandbox, webapi
from .actor import Actor
from .deliver import AppConfig, Delivery, Dispatcher
from .faults import Faults
from .observe import Observers
from .pump import EventPump
from .recorder import Call, Recorder
from .replies import use_response_url
from .server import Server
from .signin import CODE_TTL, SignIn
from .socket_mode import SocketModeServer
from .state import ResponseTarget, State
from .workspace import Workspace

# The bot of another app posting in the workspace (alerts from an incoming webhook).
INTEGRATION_BOT_ID = "B0INTEGRATN"


class FakeSlack(Observers):
    """A Slack workspace on loopback.

    ``FakeSlack().start()`` serves the Web API at ``api_url`` (point ``slack_sdk.WebClient``'s
    ``base_url`` at it) and Socket Mode on a second port; ``actor(name)`` acts as a user;
    ``configure_app`` says where the app receives events, commands and interactions.
    """

    def __init__(
        self,
        workspace: Workspace | dict[str, Any] | str | Path | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        trigger_ttl: float = 3.0,
        record_calls: bool | int = True,
        code_ttl: float = CODE_TTL,
    ) -> None:
        """``record_calls``: keep every Web API call for ``calls()`` (``True``), none
        (``False``), or the latest that many; ``call_counts()`` counts them all regardless.
        ``code_ttl``: how long a Sign in with Slack code may be exchanged (seconds)."""
        if workspace is None:
            workspace = Workspace.default()
        elif isinstance(workspace, dict):
            workspace = Workspace.from_dict(workspace)
        elif isinstance(workspace, str | Path):
            workspace = Workspace.load(workspace)
        self.workspace = workspace
        self.state = State(workspace, trigger_ttl=trigger_ttl)
        self.recorder = Recorder(keep=record_calls)
        self.faults = Faults()
        self.signin = SignIn(code_ttl=code_ttl)
        self.socket = SocketModeServer(app_id=self.state.app_id, host=host)
        self.dispatcher = Dispatcher(signing_secret=workspace.signing_secret, socket=self.socket)
        self._pump = EventPump(self.emit)
        self.host = host
        self._port = port
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Serve in background threads; returns self. Starting twice does nothing."""
        if self._server is not None:
            return self
        self._server = Server((self.host, self._port), self)
        self._port = self._server.server_address[1]
        if sandbox.is_configured(self):
            self.state.team["url"] = f"{self.url}/"  # links to channels open the sandbox
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fakeslack-http",
            daemon=True,
        )
        self._thread.start()
        self.socket.start()
        self._pump.start()
        return self

    def stop(self) -> None:
        self._pump.stop()
        self.socket.stop()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def serve_forever(self) -> None:
        """Start and block until interrupted (``python -m fakeslack``)."""
        self.start()
        try:
            while True:
                time.sleep(3600)
        finally:
            self.stop()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- identity ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self._port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    @property
    def bot_token(self) -> str:
        return self.workspace.bot_token

    @property
    def app_token(self) -> str:
        return self.workspace.app_token

    def scopes_of(self, token: str | None) -> str | None:
        """What Slack's ``x-oauth-scopes`` header says for ``token``: its granted scopes."""
        if token is None:
            return None
        if token == self.workspace.bot_token:
            return ",".join(self.workspace.bot_scopes)
        if token == self.workspace.app_token:
            return "connections:write"
        return None

    @property
    def signing_secret(self) -> str:
        return self.workspace.signing_secret

    @property
    def client_id(self) -> str:
        return self.workspace.client_id

    @property
    def client_secret(self) -> str:
        return self.workspace.client_secret

    @property
    def authorize_url(self) -> str:
        """Sign in with Slack's authorize page (``https://slack.com/openid/connect/authorize``)."""
        return f"{self.url}/openid/connect/authorize"

    @property
    def team_id(self) -> str:
        return self.state.team_id

    @property
    def bot_user_id(self) -> str:
        return self.state.bot_user_id

    @property
    def bot_id(self) -> str:
        return self.state.bot_id

    @property
    def api_app_id(self) -> str:
        return self.state.app_id

    def user_id(self, name: str) -> str:
        """A user's id by name (``alice``) or email."""
        with self.state.lock:
            return str(self.state.user(name)["id"])

    def channel_id(self, name: str) -> str:
        with self.state.lock:
            return self.state.channel(name).id

    def actor(self, user: str) -> Actor:
        """Act as this user (name, email or id)."""
        return Actor(self, self.user_id(user))

    # -- the app -----------------------------------------------------------------------------

    def configure_app(
        self,
        request_url: str | None = None,
        socket_mode: bool = False,
        retries: bool = True,
        ack_timeout: float = 3.0,
        *,
        retry_delay: float = 0.0,
        events: Iterable[str] | None = None,
        self_events: bool = False,
    ) -> None:
        """Where deliveries go: ``request_url`` over HTTP, or Socket Mode when ``socket_mode``.

        ``events`` limits the event types delivered (default: all). ``self_events`` also
        delivers events caused by the bot's own Web API calls (its messages, joins, renames,
        archives); events about other users (``member_joined_channel`` after an invite) are
        always delivered. Events caused by Web API calls are delivered on a background thread:
        ``settle()`` waits for them.
        """
        self.dispatcher.config = AppConfig(
            request_url=request_url,
            socket_mode=socket_mode,
            retries=retries,
            ack_timeout=ack_timeout,
            retry_delay=retry_delay,
            events=None if events is None else set(events),
            self_events=self_events,
        )

    def verify_url(self) -> Delivery:
        """Send Slack's ``url_verification`` challenge to the request URL.

        The app passes when ``delivery.ok`` and ``delivery.body["challenge"]`` (or the plain
        text body) equals ``delivery.payload["challenge"]``.
        """
        payload = {
            "token": payloads.VERIFICATION_TOKEN,
            "challenge": secrets.token_urlsafe(24),
            "type": "url_verification",
        }
        return self.dispatcher.url_verification(payload)

    def settle(self, timeout: float = 5.0) -> bool:
        """Wait until events caused by Web API calls have been delivered."""
        return self._pump.settle(timeout)

    @property
    def app_config(self) -> AppConfig:
        return self.dispatcher.config

    def emit(self, *events: dict[str, Any]) -> list[Delivery]:
        """Deliver events (wrapped in ``event_callback`` envelopes) to the app, one by one."""
        deliveries = []
        for event in events:
            config = self.dispatcher.config
            if config.events is not None and event["type"] not in config.events:
                continue
            with self.state.lock:
                envelope = payloads.event_envelope(self.state, event)
            deliveries.append(self.dispatcher.event(envelope))
        return deliveries

    def post_from_integration(
        self,
        channel: str,
        *,
        text: str = "",
        blocks: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        username: str = "Alertmanager",
    ) -> str:
        """A message from another app (an alerting tool's incoming webhook), stored the way Slack
        stores one: subtype ``bot_message``, a ``bot_id`` and ``username``, no ``user``. Delivered
        as a ``message`` event when the bot is in the channel; returns its ``ts``."""
        with self.state.lock:
            target = self.state.channel(channel)
            message: dict[str, Any] = {
                "type": "message",
                "subtype": "bot_message",
                "bot_id": INTEGRATION_BOT_ID,
                "username": username,
                "text": text,
                "ts": self.state.clock.ts(),
                "team": self.state.team_id,
            }
            if blocks is not None:
                message["blocks"] = copy.deepcopy(blocks)
            if attachments is not None:
                message["attachments"] = copy.deepcopy(attachments)
            self.state.add_message(target, message)
            hears = self.state.bot_user_id in target.members
            event = {
                **copy.deepcopy(message),
                "channel": target.id,
                "channel_type": target.channel_type,
                "event_ts": message["ts"],
            }
        if hears:
            self.emit(event)
        return str(message["ts"])

    def new_response_url(self, target: ResponseTarget) -> str:
        token = secrets.token_urlsafe(16)
        with self.state.lock:
            self.state.response_urls[token] = target
        return f"{self.url}/_fakeslack/response/{token}"

    def respond(self, token: str, body: dict[str, Any] | str) -> None:
        """Apply a post to a response_url (what the server does for the app)."""
        with self.state.lock:
            use_response_url(self.state, token, body)

    def wait_for_socket(self, timeout: float = 5.0, count: int = 1) -> bool:
        """Wait until ``count`` Socket Mode clients are connected."""
        return self.socket.wait_connected(timeout, count)

    def disconnect_socket(self, reason: str = "refresh_requested") -> int:
        """Send ``disconnect`` to every Socket Mode client; returns how many got it."""
        return self.socket.disconnect(reason)

    # -- the Web API (used by the server) ----------------------------------------------------

    def call_api(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        ctx = webapi.Context(
            state=self.state,
            args=webapi.Args(args),
            token=token,
            socket_url=self.socket.new_url,
            self_events=self.dispatcher.config.self_events,
            signin=self.signin,
        )
        with self.state.lock:
            response = copy.deepcopy(webapi.call(ctx, method))
        if ctx.events and response["ok"]:
            self._pump.put(ctx.events)
        return response

    def record_call(
        self,
        method: str,
        args: dict[str, Any],
        token: str | None,
        started: float,
        response: dict[str, Any],
        *,
        status: int | None,
        fault: bool,
        lost_answer: str | None = None,
    ) -> None:
        self.recorder.record(
            Call(method, _parsed_args(args), token, started, response, status, fault, lost_answer)
        )

    # -- breaking it -------------------------------------------------------------------------

    def outage(self, mode: str = "503") -> None:
        """Make every Web API call fail (``"503"``, or ``"drop"`` the connection) until restored."""
        if mode not in ("503", "drop"):
            raise ValueError("mode is '503' or 'drop'")
        self.faults.outage_mode = mode

    def restore(self) -> None:
        self.faults.outage_mode = None

    def reset_faults(self) -> None:
        self.faults.clear()


# Arguments sent as JSON strings in form bodies, recorded parsed so tests can read them.
_JSON_ARGS = ("blocks", "attachments", "view", "metadata")


def _parsed_args(args: dict[str, Any]) -> dict[str, Any]:
    parsed = dict(args)
    for name in _JSON_ARGS:
        value = parsed.get(name)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            # Invalid JSON is recorded as sent; the method itself answered the error.
            with contextlib.suppress(ValueError):
                parsed[name] = json.loads(value)
    return parsed
