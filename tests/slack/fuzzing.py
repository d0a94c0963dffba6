"""Hypothesis strategies for everything Slack could send to /slack/events, and much it never
would: signed deliveries of every kind Response listens to (events, slash commands, buttons and
menus, modal submissions and closings, shortcuts, options loads), over both content types, with
their fields mutated (wrong types, missing keys, empty lists, huge and NUL-bearing strings, ids
longer than their columns, junk nested in a view's state), and headers that are missing, not
numbers, huge, duplicated or wrongly signed.

Shared by tests/slack/test_fuzz.py (a bounded, deterministic run) and bench/fuzz_slack.py (the
long run). The strategies start from real ids (the workspace's people and channels, an incident's
headline post) so that a good share of the deliveries reach the handlers, not only the checks.
"""

from __future__ import annotations

import http.client
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from fakeslack.deliver import signature
from response.slack.blocks import ids

COMMAND = "/incident"


@dataclass(frozen=True)
class Workspace:
    """The real ids the strategies start from."""

    signing_secret: str
    team_id: str
    users: tuple[str, ...]
    channels: tuple[str, ...]  # an incident's channel first
    bot_user_id: str
    headline: tuple[str, str]  # (channel, ts) of an incident's headline post
    incident_ids: tuple[int, ...]


@dataclass(frozen=True)
class Delivery:
    kind: str  # what it started as: "event:app_mention", "command", "block_actions", …
    body: bytes
    headers: tuple[tuple[str, str], ...]  # a name may repeat


_serial = itertools.count(1)


def fresh(prefix: str) -> str:
    """A new id (a delivery's key): Hypothesis would draw the same few often, and a repeated
    key is a redelivery, which Response drops before reading it."""
    return f"{prefix}{next(_serial):010d}"


# --- Values -----------------------------------------------------------------------------------

LONG_ID = "U" + "X" * 40  # longer than any id column (32), shorter than Slack's envelope check
HUGE = "x" * 70_000

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["", "\x00", "a\x00b", LONG_ID, "C" + "9" * 300, HUGE, "🔥" * 50, "1.0"]),
)
junk = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def valid_or_junk(draw, chaos: int, valid: st.SearchStrategy) -> Any:
    """The value Slack sends, or, `chaos` times in a hundred, anything at all."""
    return draw(junk) if draw(st.integers(0, 99)) < chaos else draw(valid)


@st.composite
def mutated(draw, chaos: int, shape: dict[str, Any]) -> dict[str, Any]:
    """The shape, with (`chaos` times in a hundred each) keys dropped or values made junk."""
    result = {}
    for key, value in shape.items():
        if draw(st.integers(0, 99)) >= chaos:
            result[key] = value
        elif draw(st.booleans()):
            result[key] = draw(junk)
    return result


def odd_users(workspace: Workspace, chaos: int) -> tuple[str, ...]:
    """The workspace's people, and (when there is chaos) an id longer than its column."""
    return (*workspace.users, LONG_ID) if chaos else workspace.users


def trigger_ids(chaos: int) -> st.SearchStrategy[str]:
    """A fresh trigger id (a delivery's key), sometimes longer than the key column holds."""
    longer = st.sampled_from(["", "t" * 300] if chaos else [""])
    return longer.map(lambda tail: fresh("1.") + tail)


def texts(workspace: Workspace) -> st.SearchStrategy[str]:
    bot = f"<@{workspace.bot_user_id}>"
    return st.one_of(
        st.sampled_from(
            [
                f"{bot} severity critical",
                f"{bot} severity nonsense",
                f"{bot} lead <@{LONG_ID}>",
                f"{bot} lead <@{workspace.users[0]}>",
                f"{bot} summary " + "s" * 5000,
                f"{bot} action Roll back",
                f"{bot} status resolved",
                f"{bot} help",
                f"{bot} ",
                "severity major " + bot,
                "just chatting",
            ]
        ),
        st.text(max_size=40).map(lambda t: f"{bot} {t}"),
    )


# --- Events -----------------------------------------------------------------------------------

EVENT_TYPES = (
    "app_mention",
    "message",
    "message_changed",
    "message_deleted",
    "pin_added",
    "pin_removed",
    "reaction_added",
    "reaction_removed",
    "channel_rename",
    "group_rename",
    "member_joined_channel",
    "member_left_channel",
    "app_home_opened",
)


@st.composite
def events(draw, workspace: Workspace, chaos: int) -> tuple[str, dict[str, Any]]:
    kind = draw(st.sampled_from(EVENT_TYPES))
    channel = draw(valid_or_junk(chaos, st.sampled_from(workspace.channels)))
    user = draw(valid_or_junk(chaos, st.sampled_from(odd_users(workspace, chaos))))
    ts = draw(valid_or_junk(chaos, st.sampled_from([f"{time.time():.6f}", workspace.headline[1]])))
    text = draw(valid_or_junk(chaos, texts(workspace)))
    message = draw(
        valid_or_junk(
            chaos, mutated(chaos, {"type": "message", "user": user, "text": text, "ts": ts})
        )
    )
    item = draw(
        valid_or_junk(
            chaos,
            mutated(chaos, {"type": "message", "channel": channel, "ts": ts, "message": message}),
        )
    )
    if kind in {"app_mention", "message"}:
        subtype = draw(
            st.sampled_from([None, None, "thread_broadcast", "file_share", "bot_message"])
        )
        # A channel_rename's channel is an object; a message's is its id, never the object.
        where = st.sampled_from(
            [channel, {"id": channel, "name": "n" * 80}] if chaos else [channel]
        )
        event = {"type": kind, "channel": draw(where), "user": user, "text": text, "ts": ts}
        if subtype:
            event["subtype"] = subtype
    elif kind == "message_changed":
        event = {"type": "message", "subtype": kind, "channel": channel, "message": message}
    elif kind == "message_deleted":
        event = {
            "type": "message",
            "subtype": kind,
            "channel": channel,
            "previous_message": message,
        }
    elif kind in {"pin_added", "pin_removed"}:
        event = {"type": kind, "user": user, "channel_id": channel, "item": item}
    elif kind in {"reaction_added", "reaction_removed"}:
        reaction = draw(
            valid_or_junk(chaos, st.sampled_from(["pushpin", "white_check_mark", "x" * 500]))
        )
        event = {"type": kind, "user": user, "reaction": reaction, "item": item}
    elif kind in {"channel_rename", "group_rename"}:
        name = draw(valid_or_junk(chaos, st.sampled_from(["inc-renamed", "n" * 500])))
        event = {
            "type": kind,
            "channel": draw(valid_or_junk(chaos, st.just({"id": channel, "name": name}))),
        }
    elif kind in {"member_joined_channel", "member_left_channel"}:
        event = {"type": kind, "user": user, "channel": channel}
    else:
        event = {"type": kind, "user": user, "tab": draw(valid_or_junk(chaos, st.just("home")))}
    event["event_ts"] = f"{time.time():.6f}"
    return kind, draw(mutated(chaos, event))


@st.composite
def event_bodies(draw, workspace: Workspace, chaos: int) -> tuple[str, dict[str, Any]]:
    kind, event = draw(events(workspace, chaos))
    envelope = {
        "token": "fakeslack-verification-token",
        "team_id": workspace.team_id,
        "api_app_id": "A0FAKE",
        "type": "event_callback",
        "event_id": fresh("Ev"),
        "event_time": int(time.time()),
        "event": event,
    }
    choice = draw(st.sampled_from(["plain"] * 6 + ["mutated", "verification", "rate_limited"]))
    if choice == "mutated":
        envelope = draw(mutated(chaos, envelope))
    elif choice == "verification":
        envelope = {"type": "url_verification", "challenge": draw(junk), "token": draw(junk)}
    elif choice == "rate_limited":
        envelope = {"type": "app_rate_limited", "minute_rate_limited": draw(junk)}
    return f"event:{kind}", envelope


# --- Slash commands -----------------------------------------------------------------------------


@st.composite
def command_forms(draw, workspace: Workspace, chaos: int) -> dict[str, Any]:
    text = draw(
        st.one_of(
            st.sampled_from(
                [
                    "",
                    "help",
                    "list",
                    "declare Checkout down",
                    "severity critical",
                    "lead <@" + LONG_ID + ">",
                    "summary " + "s" * 5000,
                    "Payments are failing",
                    "t" * 3000,
                ]
            ),
            st.text(max_size=30),
        )
    )
    form = {
        "token": "fakeslack-verification-token",
        "team_id": workspace.team_id,
        "channel_id": draw(
            st.sampled_from((*workspace.channels, "C" + "1" * 40) if chaos else workspace.channels)
        ),
        "user_id": draw(st.sampled_from(odd_users(workspace, chaos))),
        "command": COMMAND,
        "text": text,
        "response_url": "https://hooks.slack.com/commands/T/1/x",
        "trigger_id": draw(trigger_ids(chaos)),
    }
    return draw(mutated(chaos, form))


# --- Interactions -------------------------------------------------------------------------------

ACTION_IDS = (
    ids.CREATE_COMMS_CHANNEL,
    ids.EDIT_INCIDENT,
    ids.CLOSE_INCIDENT,
    ids.OPEN_INCIDENT_PAGE,
    ids.CHANGE_SUMMARY,
    ids.CHANGE_IMPACT,
    ids.DECLARE_FROM_HOME,
    ids.TAKE_LEAD,
    ids.SET_SEVERITY_SELECT,
    ids.POST_UPDATE,
    "not-ours",
)
MODALS = (ids.DECLARE_MODAL, ids.EDIT_MODAL, ids.FIELD_MODAL, ids.UPDATE_MODAL, "not-ours")
BLOCKS = (ids.TITLE, ids.SUMMARY, ids.IMPACT, ids.SEVERITY, ids.LEAD, ids.OPTIONS, ids.STATUS)
BLOCKS += (ids.UPDATE_TEXT, ids.FIELD_VALUE)
ELEMENT_TYPES = (
    "plain_text_input",
    "static_select",
    "users_select",
    "checkboxes",
    "multi_users_select",
    "datepicker",
    "mystery_input",
)


@st.composite
def elements(draw, workspace: Workspace, chaos: int) -> Any:
    option_value = valid_or_junk(
        chaos,
        st.sampled_from(["critical", "major", "nonsense", "private", "fixing", "resolved", HUGE]),
    )
    element = {
        "type": draw(st.sampled_from(ELEMENT_TYPES)),
        "value": draw(valid_or_junk(chaos, st.sampled_from(["A title", "", "v" * 5000, "a\x00b"]))),
        "selected_option": draw(
            valid_or_junk(chaos, st.fixed_dictionaries({"value": option_value}))
        ),
        "selected_options": draw(
            valid_or_junk(
                chaos, st.lists(st.fixed_dictionaries({"value": option_value}), max_size=2)
            )
        ),
        "selected_user": draw(valid_or_junk(chaos, st.sampled_from(odd_users(workspace, chaos)))),
        "selected_users": draw(valid_or_junk(chaos, st.lists(st.sampled_from(workspace.users)))),
        "selected_date": draw(valid_or_junk(chaos, st.just("2026-11-30"))),
    }
    return draw(valid_or_junk(chaos, mutated(chaos, element)))


@st.composite
def view_states(draw, workspace: Workspace, chaos: int) -> Any:
    blocks = draw(st.lists(st.sampled_from(BLOCKS), unique=True, max_size=5))
    values = {
        block: draw(
            valid_or_junk(chaos, st.fixed_dictionaries({block: elements(workspace, chaos)}))
        )
        for block in blocks
    }
    return draw(
        valid_or_junk(chaos, st.just({"values": draw(valid_or_junk(chaos, st.just(values)))}))
    )


@st.composite
def views(draw, workspace: Workspace, chaos: int) -> dict[str, Any]:
    metadata = {
        "incident_id": draw(
            valid_or_junk(chaos, st.sampled_from((*workspace.incident_ids, 10**12)))
        ),
        "field": draw(valid_or_junk(chaos, st.sampled_from(["summary", "impact", "title"]))),
        "channel_id": draw(valid_or_junk(chaos, st.sampled_from(workspace.channels))),
    }
    private_metadata = draw(
        st.one_of(
            st.just(json.dumps(draw(mutated(chaos, metadata)))),
            st.sampled_from(["", "{", "[1, 2]", "null", '"text"']),
            junk,
        )
    )
    view = {
        "id": draw(valid_or_junk(chaos, st.builds(fresh, st.just("V")))),
        "hash": draw(valid_or_junk(chaos, st.just("1.abc"))),
        "type": draw(valid_or_junk(chaos, st.sampled_from(["modal", "modal", "workflow_step"]))),
        "callback_id": draw(valid_or_junk(chaos, st.sampled_from(MODALS))),
        "private_metadata": private_metadata,
        "state": draw(view_states(workspace, chaos)),
    }
    return draw(mutated(chaos, view))


@st.composite
def actions(draw, workspace: Workspace, chaos: int) -> Any:
    action = {
        "type": draw(st.sampled_from(["button", "static_select", "users_select"])),
        "action_id": draw(valid_or_junk(chaos, st.sampled_from(ACTION_IDS))),
        "block_id": "b",
        "value": draw(
            valid_or_junk(
                chaos,
                st.sampled_from(
                    [str(i) for i in workspace.incident_ids] + ["critical", "99999999999999999999"]
                ),
            )
        ),
        "selected_option": draw(
            valid_or_junk(
                chaos, st.fixed_dictionaries({"value": valid_or_junk(chaos, st.just("major"))})
            )
        ),
        "action_ts": f"{time.time():.6f}",
    }
    return draw(mutated(chaos, action))


@st.composite
def interactions(draw, workspace: Workspace, chaos: int) -> tuple[str, dict[str, Any]]:
    kind = draw(
        st.sampled_from(
            [
                "block_actions",
                "view_submission",
                "view_closed",
                "shortcut",
                "message_action",
                "block_suggestion",
            ]
        )
    )
    channel, ts = workspace.headline
    common = {
        "type": kind,
        "user": draw(
            valid_or_junk(
                chaos,
                st.fixed_dictionaries(
                    {"id": valid_or_junk(chaos, st.sampled_from(odd_users(workspace, chaos)))}
                ),
            )
        ),
        "team": {"id": workspace.team_id},
        "api_app_id": "A0FAKE",
        "token": "fakeslack-verification-token",
        "trigger_id": draw(valid_or_junk(chaos, trigger_ids(chaos))),
    }
    if kind == "block_actions":
        body = {
            **common,
            "container": draw(
                valid_or_junk(
                    chaos, st.just({"type": "message", "message_ts": ts, "channel_id": channel})
                )
            ),
            "channel": draw(valid_or_junk(chaos, st.just({"id": channel}))),
            "message": draw(valid_or_junk(chaos, st.just({"ts": ts, "text": "headline"}))),
            "response_url": "https://hooks.slack.com/actions/T/1/x",
            "actions": draw(valid_or_junk(chaos, st.lists(actions(workspace, chaos), max_size=3))),
        }
    elif kind in {"view_submission", "view_closed"}:
        body = {**common, "view": draw(valid_or_junk(chaos, views(workspace, chaos)))}
    elif kind == "shortcut":
        shortcut = st.sampled_from([ids.DECLARE_SHORTCUT, ids.ADD_TO_TIMELINE_SHORTCUT, "nope"])
        body = {**common, "callback_id": draw(valid_or_junk(chaos, shortcut))}
    elif kind == "message_action":
        message = {"type": "message", "user": workspace.users[0], "ts": ts, "text": "a message"}
        body = {
            **common,
            "callback_id": draw(valid_or_junk(chaos, st.just(ids.ADD_TO_TIMELINE_SHORTCUT))),
            "channel": draw(valid_or_junk(chaos, st.just({"id": channel}))),
            "message": draw(valid_or_junk(chaos, mutated(chaos, message))),
            "message_ts": ts,
        }
    else:
        body = {
            **common,
            "action_id": draw(valid_or_junk(chaos, st.just(ids.LEAD))),
            "block_id": ids.LEAD,
            "value": draw(junk),
            "view": draw(valid_or_junk(chaos, views(workspace, chaos))),
        }
    return kind, draw(mutated(chaos, body)) if draw(st.integers(0, 3)) == 0 else body


# --- Bodies and headers -------------------------------------------------------------------------

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@st.composite
def bodies(draw, workspace: Workspace, chaos: int) -> tuple[str, bytes, str]:
    """(kind, body, content type), mostly in the content type Slack uses for the kind."""
    family = draw(st.sampled_from(["event", "event", "command", "interaction", "interaction"]))
    if family == "event":
        kind, envelope = draw(event_bodies(workspace, chaos))
        encodings = ["json"] * 4 + ["form-payload"]
        payload: Any = envelope
    elif family == "command":
        kind, payload = "command", draw(command_forms(workspace, chaos))
        encodings = ["form"] * 4 + ["json"]
    else:
        kind, payload = draw(interactions(workspace, chaos))
        encodings = ["form-payload"] * 4 + ["json"]
    encoding = draw(st.sampled_from(encodings))
    padding = draw(st.sampled_from([0] * 30 + [10_000, 400_000, 3_000_000]))
    if padding and isinstance(payload, dict):
        payload = {**payload, "padding": "p" * padding}
    if encoding == "json":
        return kind, json.dumps(payload).encode(), draw(st.sampled_from([JSON, JSON, "text/plain"]))
    if encoding == "form-payload":
        raw = urlencode({"payload": json.dumps(payload)}).encode()
        return kind, raw, FORM
    fields = payload if isinstance(payload, dict) else {"junk": payload}
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()}
    return kind, urlencode(form).encode(), FORM


@st.composite
def headers_for(draw, secret: str, body: bytes, content_type: str) -> tuple[tuple[str, str], ...]:
    """Signed headers, or headers that are missing, malformed, stale, huge or duplicated."""
    now = str(int(time.time()))
    good = (
        ("Content-Type", content_type),
        ("X-Slack-Request-Timestamp", now),
        ("X-Slack-Signature", signature(secret, now, body)),
    )
    fault = draw(
        st.sampled_from(
            ["none"] * 40
            + [
                "no signature",
                "no timestamp",
                "no content type",
                "non-numeric timestamp",
                "huge timestamp",
                "negative timestamp",
                "float timestamp",
                "stale",
                "wrong signature",
                "huge signature",
                "duplicated timestamp",
                "duplicated signature",
                "retry headers",
            ]
        )
    )
    headers = list(good)
    if fault == "no signature":
        headers = [h for h in headers if h[0] != "X-Slack-Signature"]
    elif fault == "no timestamp":
        headers = [h for h in headers if h[0] != "X-Slack-Request-Timestamp"]
    elif fault == "no content type":
        headers = [h for h in headers if h[0] != "Content-Type"]
    elif fault in {"non-numeric timestamp", "huge timestamp", "negative timestamp"}:
        timestamp = {
            "non-numeric timestamp": draw(st.sampled_from(["abc", "", " ", "12a", "٣٣", "1e9"])),
            "huge timestamp": "9" * 5000,
            "negative timestamp": "-" + now,
        }[fault]
        headers = [
            ("Content-Type", content_type),
            ("X-Slack-Request-Timestamp", timestamp),
            ("X-Slack-Signature", signature(secret, timestamp, body)),
        ]
    elif fault == "float timestamp":
        timestamp = f"{time.time():.3f}"
        headers = [
            ("Content-Type", content_type),
            ("X-Slack-Request-Timestamp", timestamp),
            ("X-Slack-Signature", signature(secret, timestamp, body)),
        ]
    elif fault == "stale":
        stale = str(int(time.time()) - 3600)
        headers = [
            ("Content-Type", content_type),
            ("X-Slack-Request-Timestamp", stale),
            ("X-Slack-Signature", signature(secret, stale, body)),
        ]
    elif fault == "wrong signature":
        headers = [*headers[:2], ("X-Slack-Signature", "v0=" + "0" * 64)]
    elif fault == "huge signature":
        headers = [*headers[:2], ("X-Slack-Signature", "v0=" + "a" * 8000)]
    elif fault == "duplicated timestamp":
        headers.append(("X-Slack-Request-Timestamp", now))
    elif fault == "duplicated signature":
        headers.append(("X-Slack-Signature", signature(secret, now, body)))
    else:
        headers += [
            ("X-Slack-Retry-Num", draw(st.sampled_from(["1", "x", "9" * 50]))),
            ("X-Slack-Retry-Reason", "http_timeout"),
        ]
    return tuple(headers)


@st.composite
def deliveries(draw, workspace: Workspace) -> Delivery:
    # Some deliveries clean (they reach the handlers), most a little broken, some very.
    chaos = draw(st.sampled_from([0, 0, 3, 10, 30]))
    kind, body, content_type = draw(bodies(workspace, chaos))
    headers = draw(headers_for(workspace.signing_secret, body, content_type))
    return Delivery(kind=kind, body=body, headers=headers)


# --- Sending ------------------------------------------------------------------------------------


class Sender:
    """POSTs deliveries to /slack/events as they are, duplicated headers included (a client
    library would merge them), over one kept-alive connection."""

    def __init__(self, host: str, port: int, path: str = "/slack/events") -> None:
        self.host, self.port, self.path = host, port, path
        self._connection: http.client.HTTPConnection | None = None

    def send(self, delivery: Delivery) -> int:
        for attempt in (1, 2):
            connection = self._connection or http.client.HTTPConnection(
                self.host, self.port, timeout=60
            )
            self._connection = connection
            try:
                connection.putrequest("POST", self.path)
                for name, value in delivery.headers:
                    connection.putheader(name, value.encode())  # non-ASCII too
                connection.putheader("Content-Length", str(len(delivery.body)))
                connection.endheaders(delivery.body)
                response = connection.getresponse()
                response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.close()
                return response.status
            except (http.client.HTTPException, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
