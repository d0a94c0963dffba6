"""Strict, typed registries: duplicates raise, order is declared, tests can swap entries."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

# Bumped by every change to any registry, so that what is built from them (the Bolt app's
# listeners) can tell it is out of date.
_changes = itertools.count(1)
_generation = 0


def generation() -> int:
    """A number that changes whenever any registry changes."""
    return _generation


def _changed() -> None:
    global _generation
    _generation = next(_changes)


class AlreadyRegistered(Exception):
    pass


class Registry[T]:
    def __init__(self, what: str):
        self.what = what
        self._entries: dict[str, T] = {}

    def register(self, key: str, value: T) -> T:
        if key in self._entries:
            raise AlreadyRegistered(f"A {self.what} named {key!r} is already registered.")
        self._entries[key] = value
        _changed()
        return value

    def get(self, key: str) -> T:
        try:
            return self._entries[key]
        except KeyError:
            raise KeyError(f"No {self.what} named {key!r} is registered.") from None

    def find(self, key: str) -> T | None:
        return self._entries.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def items(self) -> list[tuple[str, T]]:
        return list(self._entries.items())

    def values(self) -> list[T]:
        return list(self._entries.values())

    def unregister(self, key: str) -> None:
        if self._entries.pop(key, None) is not None:
            _changed()

    @contextmanager
    def isolated(self) -> Iterator[None]:
        """Whatever is registered inside the block is forgotten after it (tests, plugins)."""
        saved = dict(self._entries)
        try:
            yield
        finally:
            self._entries = saved
            _changed()

    @contextmanager
    def override(self, key: str, value: T) -> Iterator[None]:
        """Swap one entry for the duration of a test."""
        missing = object()
        previous = self._entries.get(key, missing)
        self._entries[key] = value
        _changed()
        try:
            yield
        finally:
            if previous is missing:
                self._entries.pop(key, None)
            else:
                self._entries[key] = previous  # type: ignore[assignment]
            _changed()
