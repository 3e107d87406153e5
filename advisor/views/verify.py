"""What ``advisor verify`` prints: one line per record, its changes, and a count."""

from __future__ import annotations

from collections.abc import Sequence

from advisor.records.verify import VerifyResult


def format_verify(results: Sequence[VerifyResult]) -> str:
    lines = []
    for r in results:
        if r.status == "holds":
            head = f"{r.path}: holds ({r.current_mode})"
        elif r.status == "drifted":
            head = f"{r.path}: DRIFTED {r.recorded_mode} -> {r.current_mode}"
        elif r.status == "skipped":
            head = f"{r.path}: skipped ({r.message})"
        else:
            head = f"{r.path}: UNREADABLE: {r.message}"
        lines.append(head)
        lines.extend(f"    {change}" for change in r.changes)
    counts = {s: sum(1 for r in results if r.status == s) for s in ("holds", "drifted", "skipped", "unreadable")}
    total = len(results)
    lines.append(
        f"{total} file{'s' if total != 1 else ''}: "
        + ", ".join(f"{n} {s}" for s, n in counts.items() if n or s in ("holds", "drifted"))
    )
    return "\n".join(lines) + "\n"
