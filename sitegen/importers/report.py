"""What an import did: the end-of-run summary and the JSON report."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Draft, Failure, Skip
from .writer import Outcome

_SHOWN = 10  # per list in the printed summary; the JSON report has them all


@dataclass
class Report:
    when: str
    dry_run: bool = False
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    missing: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome, draft: Draft) -> None:
        missing = [name for name, value in (("date", draft.date), ("author", draft.authors)) if not value]
        entry: dict[str, Any] = {"source": outcome.origin, "status": outcome.status}
        if outcome.path:
            entry["path"] = outcome.path
        if outcome.message:
            entry["message"] = outcome.message
        if outcome.status in ("imported", "updated", "unchanged"):
            if missing:
                entry["missing"] = missing
                self.missing.update(missing)
            if draft.notes:
                entry["notes"] = list(draft.notes)
        self.counts[outcome.status] += 1
        self.outcomes.append(entry)

    def fail(self, failure: Failure) -> None:
        self.counts["failed"] += 1
        entry = {"source": failure.origin, "status": "failed", "message": failure.message}
        if failure.fix:
            entry["fix"] = failure.fix
        self.outcomes.append(entry)

    def skip(self, skip: Skip) -> None:
        self.counts["skipped"] += 1
        self.outcomes.append({"source": skip.origin, "status": "skipped", "message": skip.reason})

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def summary(self) -> str:
        c = self.counts
        verb = "would import" if self.dry_run else "imported"
        lines = [
            f"{verb} {c['imported']}, updated {c['updated']}, unchanged {c['unchanged']}, "
            f"duplicates skipped {c['duplicate']}, kept hand edits {c['edited']}, "
            f"skipped {c['skipped']}, failed {c['failed']}"
        ]
        for status, heading in (("failed", "failed"), ("duplicate", "duplicates"), ("edited", "edited by hand, not overwritten")):
            entries = [e for e in self.outcomes if e["status"] == status]
            if entries:
                lines.append(f"{heading}:")
                lines.extend(f"  {e['source']}: {e.get('message', '')}" + (f" (fix: {e['fix']})" if e.get("fix") else "") for e in entries[:_SHOWN])
                if len(entries) > _SHOWN:
                    lines.append(f"  ... and {len(entries) - _SHOWN} more (see --report)")
        for name in ("date", "author"):
            entries = [e for e in self.outcomes if name in e.get("missing", ())]
            if entries:
                lines.append(f"no {name}: {len(entries)} articles")
                lines.extend(f"  {e.get('path') or e['source']}" for e in entries[:_SHOWN])
                if len(entries) > _SHOWN:
                    lines.append(f"  ... and {len(entries) - _SHOWN} more (see --report)")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "when": self.when,
            "dry_run": self.dry_run,
            "counts": dict(sorted(self.counts.items())),
            "missing": dict(sorted(self.missing.items())),
            "articles": self.outcomes,
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
