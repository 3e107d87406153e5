"""``advisor verify``: keeping recorded decisions honest. Re-check every advisor record
against today's rules and prices, from the inputs it embeds: exit 0 when all hold, 1 when
any drifted, 2 on unreadable input (advisor.views.verify words the results).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from advisor.core.assessment import Assessment, assess
from advisor.core.errors import AdvisorError, InputError
from advisor.core.files import read_text
from advisor.core.profile import Mode
from advisor.core.rules import RuleSet, load_rules

from .folder import is_superseded
from .inputs import RecordStamp, read_inputs

VerifyStatus = Literal["holds", "drifted", "skipped", "unreadable"]


class VerifyResult(BaseModel):
    """One record re-checked: does its decision still hold under today's rules and prices?"""

    model_config = ConfigDict(frozen=True)

    path: str
    status: VerifyStatus
    recorded_mode: Mode | None = None
    current_mode: Mode | None = None
    changes: list[str] = []  # what differs from when it was written (rules, fired rules, prices)
    message: str = ""


def _short(digest: str) -> str:
    return digest[:12]


def _changes(stamp: RecordStamp, a: Assessment, ruleset: RuleSet) -> list[str]:
    out: list[str] = []
    old = stamp.ruleset
    if (old.id, old.version, old.hash) != (ruleset.id, ruleset.version, ruleset.content_hash):
        if (old.id, old.version) == (ruleset.id, ruleset.version):
            out.append(
                f"rule set {old.id} {old.version} changed without a new version"
                f" (sha256 {_short(old.hash)} -> {_short(ruleset.content_hash)})"
            )
        else:
            out.append(
                f"rule set {old.id} {old.version} (sha256 {_short(old.hash)}) -> {ruleset.id} {ruleset.version}"
                f" (sha256 {_short(ruleset.content_hash)})"
            )
        now = {axis.id: axis.weight for axis in a.axes}
        for axis in sorted(set(stamp.weights) | set(now)):
            before, after = stamp.weights.get(axis), now.get(axis)
            if before != after:
                out.append(
                    f"axis weight {axis}: {'absent' if before is None else f'{before:g}'} -> "
                    f"{'absent' if after is None else f'{after:g}'}"
                )
    fired_now = [r.id for r in a.fired_rules]
    gone = [r for r in stamp.fired_rules if r not in fired_now]
    new = [r for r in fired_now if r not in stamp.fired_rules]
    if gone:
        out.append(f"rules that no longer fire: {', '.join(gone)}")
    if new:
        out.append(f"rules that now fire: {', '.join(new)}")
    if stamp.prices.price_date != a.pricing.price_date:
        out.append(f"price date {stamp.prices.price_date} -> {a.pricing.price_date}")
    if stamp.prices.data_version != a.pricing.data_version:
        out.append(f"price data {stamp.prices.data_version} -> {a.pricing.data_version}")
    if stamp.advisor_version != a.advisor_version:
        out.append(f"advisor {stamp.advisor_version} -> {a.advisor_version}")
    return out


def _expand(paths: Iterable[str | Path]) -> list[tuple[Path, bool]]:
    """(path, exists) for every file to check: folders give their *.md files, sorted."""
    out: list[tuple[Path, bool]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend((p, True) for p in sorted(path.glob("*.md")) if p.is_file())
        else:
            out.append((path, path.is_file()))
    return out


def verify_one(path: Path, ruleset: RuleSet, price_date: datetime.date | None) -> VerifyResult:
    source = str(path)
    try:
        text = read_text(path)
        inputs = read_inputs(text, source)
    except InputError as exc:
        return VerifyResult(path=source, status="unreadable", message=str(exc))
    if inputs is None:
        return VerifyResult(path=source, status="skipped", message="not an advisor record")
    stamp = inputs.stamp
    if is_superseded(text):
        return VerifyResult(
            path=source, status="skipped", recorded_mode=stamp.mode, message="superseded; no longer in force"
        )
    # Same rule set: the record's weights are the rule set's or a deliberate override, so
    # keep them. Changed rule set: its weights are part of what is being re-checked.
    same_rules = stamp.ruleset.hash == ruleset.content_hash
    weights = {k: v for k, v in stamp.weights.items() if k in ruleset.weights} if same_rules else None
    try:
        now = assess(inputs.workload, ruleset, weights=weights, price_date=price_date, what_if=False)
    except AdvisorError as exc:
        return VerifyResult(
            path=source, status="unreadable", recorded_mode=stamp.mode,
            message=f"cannot re-evaluate the embedded inputs: {exc}",
        )
    status: VerifyStatus = "holds" if now.recommendation == stamp.mode else "drifted"
    return VerifyResult(
        path=source, status=status, recorded_mode=stamp.mode, current_mode=now.recommendation,
        changes=_changes(stamp, now, ruleset),
    )


def verify(
    paths: str | Path | Sequence[str | Path],
    *,
    rules: RuleSet | str | Path | None = None,
    price_date: datetime.date | None = None,
) -> list[VerifyResult]:
    """Re-evaluate every advisor record in ``paths`` (folders and files) from its embedded inputs.

    Each result says whether the recorded decision holds under ``rules`` (default: the
    current rule set) and the prices of ``price_date`` (default: today), or why the file
    was skipped or could not be read. A missing path is an ``unreadable`` result.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    results = []
    for path, exists in _expand(paths):
        if not exists:
            results.append(VerifyResult(path=str(path), status="unreadable", message="no such file or folder"))
        else:
            results.append(verify_one(path, ruleset, price_date))
    return results


def verify_exit_code(results: Sequence[VerifyResult]) -> int:
    statuses = {r.status for r in results}
    if "unreadable" in statuses:
        return 2
    return 1 if "drifted" in statuses else 0
