"""What an import did: per kind of row, how many were found, imported, already here or skipped
(and why), and what was mapped to the nearest field."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from response.importers.monzo.mapping import NOTES

# The kinds of rows, in the order they are imported and reported, with their names for people.
KINDS = {
    "user": "chat users",
    "incident": "incidents",
    "comms_channel": "comms channels",
    "headline_post": "headline posts",
    "timeline_event": "timeline events",
    "pinned_message": "pinned messages",
    "action": "actions",
    "participant": "participants",
}


@dataclass
class KindStats:
    found: int = 0
    imported: int = 0
    already: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)


@dataclass
class Report:
    source: str
    schema: str = ""
    read_only: str = ""
    dry_run: bool = False
    kinds: dict[str, KindStats] = field(default_factory=lambda: {k: KindStats() for k in KINDS})
    kept_numbers: int = 0
    renumbered: dict[int, int] = field(default_factory=dict)  # original id -> id here
    not_imported: list[tuple[str, int, str]] = field(default_factory=list)  # table, rows, why

    def __getitem__(self, kind: str) -> KindStats:
        return self.kinds[kind]

    @property
    def imported_total(self) -> int:
        return sum(s.imported for s in self.kinds.values())

    def render(self) -> str:
        lines = [
            f"{'Dry run (nothing written)' if self.dry_run else 'Imported'} from {self.source}",
            f"  original schema: response {self.schema}; read-only: {self.read_only}",
            "",
            f"  {'':<18}{'found':>8}{'imported':>10}{'already':>9}{'skipped':>9}",
        ]
        for kind, name in KINDS.items():
            s = self.kinds[kind]
            lines.append(
                f"  {name:<18}{s.found:>8}{s.imported:>10}"
                f"{s.already.total():>9}{s.skipped.total():>9}"
            )
        if self.kept_numbers or self.renumbered:
            lines += ["", "Incident numbers:", f"  {self.kept_numbers} kept their original number"]
            if self.renumbered:
                shown = ", ".join(f"{a}→{b}" for a, b in list(self.renumbered.items())[:20])
                more = " …" if len(self.renumbered) > 20 else ""
                lines.append(
                    f"  {len(self.renumbered)} renumbered, their number being taken here: "
                    f"{shown}{more}"
                )
        lines += self._reasons("Already here", "already")
        lines += self._reasons("Skipped", "skipped")
        lines += self._reasons("Mapped to the nearest field", "notes")
        if self.not_imported:
            lines += ["", "Not imported (no equivalent here):"]
            lines += [f"  {t}: {n} rows: {why}" for t, n, why in self.not_imported]
        return "\n".join(lines) + "\n"

    def _reasons(self, title: str, attribute: str) -> list[str]:
        out = []
        for kind, name in KINDS.items():
            counter: Counter[str] = getattr(self.kinds[kind], attribute)
            for reason, n in sorted(counter.items(), key=lambda item: (-item[1], item[0])):
                out.append(f"  {name}: {n} {NOTES.get(reason, reason)}")
        return ["", f"{title}:", *out] if out else []
