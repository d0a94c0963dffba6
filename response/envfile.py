"""The `.env` file: configuration kept beside a checkout instead of exported in a shell.

Read by the console script before Django reads its settings. Variables already in the
environment win, so a deployment's own variables are never overridden by a stray file.
The format is the common one: `KEY=VALUE` lines, `#` comments, blank lines, an optional
`export ` prefix, and values optionally in single quotes (taken as they are) or double quotes
(where `\\n`, `\\"` and `\\\\` are escapes). This module imports only the standard library.
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping
from pathlib import Path

from response.refusal import Refusal

_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
_DOUBLE_QUOTE_ESCAPES = {"n": "\n", '"': '"', "\\": "\\"}


class EnvFileError(Refusal, ValueError):
    """A line of the file that is not `KEY=VALUE`: named with its line number."""


def parse_env(text: str, *, source: str = ".env") -> dict[str, str]:
    """The variables a `.env` text sets, in order; a line that is not `KEY=VALUE` is an error."""
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise EnvFileError(
                f"{source}, line {number}: expected KEY=VALUE, found {line.strip()[:40]!r}."
            )
        name, raw = match.groups()
        values[name] = _value(raw)
    return values


def _value(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == "'":
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return re.sub(r"\\(.)", lambda m: _DOUBLE_QUOTE_ESCAPES.get(m[1], m[0]), raw[1:-1])
    # Unquoted: a ` #` starts a comment, as in a shell.
    return re.split(r"\s+#", raw, maxsplit=1)[0].rstrip()


def load_env_file(path: Path, environ: MutableMapping[str, str] = os.environ) -> dict[str, str]:
    """Set the variables of `path` that `environ` does not have; returns those it set."""
    if not path.is_file():
        return {}
    values = parse_env(path.read_text(encoding="utf-8"), source=str(path))
    added = {name: value for name, value in values.items() if name not in environ}
    environ.update(added)
    return added
