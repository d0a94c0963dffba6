"""The engine running in this process, if any: where an enqueue's wake-up goes directly."""

from __future__ import annotations

from typing import Any

_engine: Any = None  # response.engine.pool.Engine


def local_engine() -> Any:
    engine = _engine
    return engine if engine is not None and engine.running else None


def set_local_engine(engine: Any) -> None:
    global _engine
    _engine = engine
