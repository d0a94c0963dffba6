"""Ids and message timestamps shaped like Slack's (``U0123ABCD45``, ``1764000000.000100``)."""

from __future__ import annotations

import random
import secrets
import threading
import time

# Slack ids use upper-case letters and digits.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class IdFactory:
    """Issues unique ids like ``U04ABCDE12``. Seeded, so a workspace gets the same ids every run."""

    def __init__(self, seed: int | str = 0) -> None:
        self._random = random.Random(seed)
        self._issued: set[str] = set()
        self._lock = threading.Lock()

    def new(self, prefix: str, length: int = 10) -> str:
        with self._lock:
            while True:
                candidate = prefix + "".join(self._random.choices(_ALPHABET, k=length))
                if candidate not in self._issued:
                    self._issued.add(candidate)
                    return candidate

    def reserve(self, identifier: str) -> str:
        """Mark an id given by a workspace file as taken."""
        with self._lock:
            self._issued.add(identifier)
        return identifier


class Clock:
    """Message timestamps: wall-clock based, strictly increasing, unique per workspace."""

    def __init__(self) -> None:
        self._last_micros = 0
        self._lock = threading.Lock()

    def ts(self) -> str:
        with self._lock:
            micros = max(int(time.time() * 1_000_000), self._last_micros + 1)
            self._last_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def new_trigger_id() -> str:
    """A trigger id like Slack's ``1234567890123.1234567890.0123456789abcdef...``."""
    return f"{int(time.time() * 1000)}.{random.randint(10**9, 10**10 - 1)}.{secrets.token_hex(16)}"


def new_event_id() -> str:
    return "Ev" + "".join(random.choices(_ALPHABET, k=10))


def new_envelope_id() -> str:
    return secrets.token_hex(4) + "-" + secrets.token_hex(2) + "-" + secrets.token_hex(6)


def avatar_url(user_id: str, size: int) -> str:
    """Where a user's picture would be; ``.invalid`` so nothing ever fetches it."""
    return f"https://avatars.fakeslack.invalid/{user_id}_{size}.png"


def ts_to_permalink_part(ts: str) -> str:
    """``1764000000.000100`` -> ``p1764000000000100`` as in Slack permalinks."""
    return "p" + ts.replace(".", "")
