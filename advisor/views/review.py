"""``advisor review``: every workload of a portfolio assessed at once, in one report.

``review(paths)`` assesses each workload file (``*.yaml``/``*.yml`` in folders, sorted;
files as given) under one rule set and one price date, and returns a ``Review``: one row
per workload (current -> recommended mode, why, monthly cost of each, flags), a summary
(mode mix, the features that should move, cost today vs recommended, the top risks) and
the files that could not be read. ``render_review`` writes it as Markdown (with a Mermaid
pie of the mode mix) or JSON. A broken file is listed with its error and skipped.
"""

from __future__ import annotations

import datetime
import math
import os
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, PrivateAttr

from advisor.core.assessment import Assessment, RuleSetInfo, assess
from advisor.core.capacity import Capacity
from advisor.core.errors import AdvisorError, InputError
from advisor.core.files import folder_problem, link_problem, read_text
from advisor.core.policy import fill
from advisor.core.profile import MODES, Mode, load_profile
from advisor.core.rules import HEADER_FILE, RuleSet, load_rules
from advisor.core.situation import today
from advisor.core.version import __version__
from advisor.records.folder import record_files
from advisor.records.inputs import read_inputs

from .formatting import money, move_in_words, percent, saving_cell, saving_or_extra, seconds
from .json_output import dump_json
from .templates import render_shipped

TEMPLATE = "review.md.j2"
WORKLOAD_SUFFIXES = (".yaml", ".yml")
TOP_RISKS = 10  # shown in the Markdown summary; JSON lists them all
_FROZEN = ConfigDict(frozen=True)



class ReviewRisk(BaseModel):
    model_config = _FROZEN
    kind: str  # one of the rule set's review_risks
    label: str
    workload: str
    file: str
    detail: str
    severity: float  # the rule set's severity fact (peak utilisation, p95 / budget), else 1


class DecisionLink(BaseModel):
    model_config = _FROZEN
    number: int
    path: str


class ReviewRow(BaseModel):
    model_config = _FROZEN
    name: str
    file: str
    current_mode: Mode | None
    recommendation: Mode
    moves: bool  # runs today in another mode than the recommended one
    reason: str
    decided_by: list[str]
    current_monthly_usd: float | None  # today: the current mode's monthly cost; None for a new feature
    recommended_monthly_usd: float  # the recommended mode's monthly cost
    saving_usd_per_month: float | None  # today - recommended; negative: an extra cost
    build_usd_per_month: float  # the recommended mode's build, amortised; 0 when it stays in its mode
    cost_note: str | None  # a move that costs more than today: why, in words
    flags: list[str]
    risks: list[ReviewRisk]
    decisions: list[DecisionLink]


class ReviewMove(BaseModel):
    model_config = _FROZEN
    name: str
    file: str
    current_mode: Mode
    recommendation: Mode
    saving_usd_per_month: float


class ReviewSummary(BaseModel):
    model_config = _FROZEN
    workloads: int
    broken_files: int
    recommended: dict[Mode, int]  # count per recommended mode, every mode listed
    current: dict[str, int]  # count per mode run today; "none" for new features
    moves: list[ReviewMove]
    # Workloads with a current mode: what they cost today, and in the recommended modes.
    monthly_today_usd: float
    monthly_recommended_usd: float
    saving_usd_per_month: float  # today - recommended; negative: an extra cost
    build_usd_per_month: float  # of it, the new builds of the moves, amortised
    # Workloads without a current mode (new features), in their recommended modes.
    new_workloads: int
    new_monthly_usd: float
    risks: list[ReviewRisk]


class ReviewError(BaseModel):
    model_config = _FROZEN
    file: str
    error: str


class ReviewSkip(BaseModel):
    """A file or folder under the given paths that was not reviewed, and why."""

    model_config = _FROZEN
    file: str
    reason: str


class Review(BaseModel):
    model_config = _FROZEN
    advisor_version: str
    ruleset: RuleSetInfo
    price_date: datetime.date
    decisions_dir: str | None
    workloads: list[ReviewRow]
    summary: ReviewSummary
    errors: list[ReviewError]
    skipped: list[ReviewSkip] = []
    # The rule set it was made with: the report reads its risk kinds. Not serialised.
    _rules: RuleSet | None = PrivateAttr(default=None)

    @property
    def rules(self) -> RuleSet:
        if self._rules is None:
            raise InputError("this review was not made by advisor.review(); its rule set is unknown")
        return self._rules


# -- finding the files ----------------------------------------------------------------


def _is_workload_name(name: str) -> bool:
    return name.lower().endswith(WORKLOAD_SUFFIXES)


class _Finder:
    """Walks the given paths: the files to review, and every file passed over with why."""

    def __init__(self, recurse: bool):
        self.recurse = recurse
        self.files: list[Path] = []
        self.skipped: list[ReviewSkip] = []
        self.errors: list[ReviewError] = []
        self._seen_files: dict[Path, Path] = {}
        self._seen_folders: set[Path] = set()

    def skip(self, path: Path, reason: str) -> None:
        self.skipped.append(ReviewSkip(file=str(path), reason=reason))

    def add(self, path: Path) -> None:
        key = path.resolve()
        first = self._seen_files.get(key)
        if first is not None:
            self.skip(path, f"the same file as {first}, reviewed once")
            return
        self._seen_files[key] = path
        self.files.append(path)

    def given(self, path: Path) -> None:
        """A path named on the command line: a folder to search, or a file to review as is."""
        problem = folder_problem(path)
        if problem is None:
            self.folder(path)
        elif problem == "is a file, not a folder":
            self.add(path)
        else:
            self.errors.append(ReviewError(file=str(path), error="no such file or folder" if problem ==
                                           "no such folder" else problem))

    def folder(self, folder: Path) -> None:
        key = folder.resolve()
        if key in self._seen_folders:
            self.skip(folder, "a folder already searched (through a link or given twice)")
            return
        self._seen_folders.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            self.errors.append(ReviewError(file=str(folder), error=f"cannot list the folder: {exc.strerror or exc}"))
            return
        rule_set = any(e.name == HEADER_FILE for e in entries)
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                self.skip(path, "hidden folder, not searched" if entry.is_dir() else "hidden file")
                continue
            if entry.is_symlink() and (problem := link_problem(path)) is not None:
                self.skip(path, problem.removeprefix("is "))
                continue
            if entry.is_dir():
                if self.recurse:
                    self.folder(path)
                else:
                    self.skip(path, "a subfolder, not searched (--no-recurse)")
            elif not _is_workload_name(entry.name):
                self.skip(path, "not a YAML file (.yaml or .yml)")
            elif rule_set:
                self.skip(path, f"part of a rule set (its folder has a {HEADER_FILE}), not a workload")
            elif not entry.is_file():
                self.skip(path, "not a regular file")
            else:
                self.add(path)


def workload_files(
    paths: Iterable[str | Path], *, recurse: bool = True
) -> tuple[list[Path], list[ReviewSkip], list[ReviewError]]:
    """The workload files under ``paths``, every file passed over with why, and the errors.

    A folder gives its ``*.yaml``/``*.yml`` files (any case), sorted by name, and those of
    its subfolders unless ``recurse`` is off; hidden files and folders, other files and a
    rule set's own files (a folder with a ruleset.yaml) are skipped, each listed with its
    reason. A file named on the command line is reviewed whatever its name. A path that
    does not exist is an error, not a stop.
    """
    finder = _Finder(recurse)
    for given in paths:
        finder.given(Path(given))
    return finder.files, finder.skipped, finder.errors


def _decision_records(directory: Path) -> tuple[dict[str, list[DecisionLink]], list[ReviewError]]:
    """Advisor-written records of a decisions folder, by the workload name their inputs embed."""
    if (problem := folder_problem(directory)) is not None:
        raise InputError(
            "no such decisions folder" if problem == "no such folder" else problem,
            source=str(directory), field="--decisions",
        )
    by_name: dict[str, list[DecisionLink]] = {}
    errors: list[ReviewError] = []
    for number, path in record_files(directory):
        try:
            inputs = read_inputs(read_text(path, what="decision record"), str(path))
        except AdvisorError as exc:
            errors.append(ReviewError(file=str(path), error=_describe(exc, path)))
            continue
        if inputs is None:  # written by hand or another tool: no embedded workload to match
            continue
        by_name.setdefault(inputs.workload.name, []).append(DecisionLink(number=number, path=str(path)))
    return by_name, errors


def _describe(exc: AdvisorError, file: Path) -> str:
    """The error without the file name it is already listed under."""
    where = [exc.source] if exc.source and exc.source != str(file) else []
    if exc.field:
        where.append(f"field '{exc.field}'")
    return ": ".join([*where, exc.message])


# -- one row --------------------------------------------------------------------------


def _tighter_limit(cap: Capacity) -> str:
    """The limit that binds first: RPM, TPM or concurrency (the first named when none is known)."""
    uses = {"RPM": cap.rpm_utilisation, "TPM": cap.tpm_utilisation, "concurrency": cap.concurrency_utilisation}
    known = {name: use for name, use in uses.items() if use is not None}
    return max(known, key=lambda name: known[name]) if known else "RPM"


def _risk_figures(a: Assessment) -> dict[str, str]:
    """The figures a risk's detail may name (advisor.core.policy.REVIEW_RISK_FIGURES)."""
    cap, lat = a.capacity, a.latency
    return {
        "peak_use": percent(1 - cap.headroom) if cap.headroom is not None else "unknown",
        "tighter_limit": _tighter_limit(cap),
        "limits_source": cap.limits_source,
        "current_mode": a.workload.current_mode or "none",
        "end_to_end_p95": seconds(lat.end_to_end_p95_s),
        "latency_budget": seconds(lat.latency_budget_s),
    }


def _risks(a: Assessment, file: str, ruleset: RuleSet) -> list[ReviewRisk]:
    """The rule set's review risks that hold for this workload as it runs today."""
    risks: list[ReviewRisk] = []
    figures: dict[str, str] | None = None
    for spec, check in ruleset.review_risk_checks:
        if not check(a.facts, []):
            continue
        figures = figures or _risk_figures(a)
        severity = float(a.facts[spec.severity]) if spec.severity else 1.0
        risks.append(ReviewRisk(
            kind=spec.kind, label=spec.label, workload=a.workload.name, file=file, severity=severity,
            detail=fill(spec.detail, figures),
        ))
    return risks


def review_row(a: Assessment, file: str, ruleset: RuleSet, decisions: list[DecisionLink] | None = None) -> ReviewRow:
    w = a.workload
    current = w.current_mode
    # Today is the current mode's monthly cost (its build is paid); a move adds the new build.
    today_cost = a.costs[current].total_usd if current else None
    moving = current is not None and current != a.recommendation
    chosen = a.costs[a.recommendation]
    saving = None if today_cost is None else today_cost - chosen.total_usd
    risks = _risks(a, file, ruleset)
    return ReviewRow(
        name=w.name,
        file=file,
        current_mode=current,
        recommendation=a.recommendation,
        moves=moving,
        reason=a.reason,
        decided_by=list(a.decided_by),
        current_monthly_usd=today_cost,
        recommended_monthly_usd=chosen.total_usd,
        saving_usd_per_month=saving,
        build_usd_per_month=chosen.engineering_usd if moving or current is None else 0.0,
        cost_note=move_in_words(a) if saving is not None and saving < 0 else None,
        flags=[r.label for r in risks],
        risks=risks,
        decisions=list(decisions or []),
    )


def summarise(rows: Sequence[ReviewRow], broken_files: int, ruleset: RuleSet) -> ReviewSummary:
    """Counts, moves, money and risks over the rows; every total is the sum of its rows.
    Risks are listed in the rule set's order of its kinds, worst first within a kind."""
    recommended = dict.fromkeys(MODES, 0)
    current = dict.fromkeys((*MODES, "none"), 0)
    for row in rows:
        recommended[row.recommendation] += 1
        current[row.current_mode or "none"] += 1
    existing = [r for r in rows if r.current_monthly_usd is not None]
    new = [r for r in rows if r.current_monthly_usd is None]
    today_usd = math.fsum(r.current_monthly_usd or 0.0 for r in existing)
    after_usd = math.fsum(r.recommended_monthly_usd for r in existing)
    moves = [
        ReviewMove(name=r.name, file=r.file, current_mode=r.current_mode, recommendation=r.recommendation,
                   saving_usd_per_month=r.saving_usd_per_month or 0.0)
        for r in rows
        if r.moves and r.current_mode is not None
    ]
    order = {spec.kind: i for i, spec in enumerate(ruleset.header.review_risks)}
    risks = sorted(
        (risk for r in rows for risk in r.risks),
        key=lambda k: (order[k.kind], -k.severity, k.workload, k.file),
    )
    return ReviewSummary(
        workloads=len(rows),
        broken_files=broken_files,
        recommended=recommended,
        current={k: v for k, v in current.items() if v},
        moves=moves,
        monthly_today_usd=today_usd,
        monthly_recommended_usd=after_usd,
        saving_usd_per_month=math.fsum(r.saving_usd_per_month or 0.0 for r in existing),
        build_usd_per_month=math.fsum(r.build_usd_per_month for r in existing),
        new_workloads=len(new),
        new_monthly_usd=math.fsum(r.recommended_monthly_usd for r in new),
        risks=risks,
    )


# -- the review -----------------------------------------------------------------------


def review(
    paths: Sequence[str | Path],
    *,
    rules: RuleSet | str | None = None,
    decisions_dir: str | Path | None = None,
    price_date: datetime.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    recurse: bool = True,
) -> Review:
    """Assess every workload under ``paths``; broken files are listed in ``errors``, files
    passed over (hidden, not YAML, a rule set's) in ``skipped``, each with why.

    Folders are searched with their subfolders unless ``recurse=False``.
    ``progress(done, total)`` is called after each file (the CLI draws its bar with it).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    when = price_date or today()
    files, skipped, errors = workload_files(paths, recurse=recurse)
    if not files and not errors:
        shown = ", ".join(str(p) for p in paths) or "(no paths)"
        passed = f"; {len(skipped)} file{'s' if len(skipped) != 1 else ''} skipped: " + "; ".join(
            f"{s.file} ({s.reason})" for s in skipped[:5]
        ) + ("; ..." if len(skipped) > 5 else "") if skipped else ""
        raise InputError(
            f"no workload files ({', '.join('*' + s for s in WORKLOAD_SUFFIXES)}) found in {shown}{passed}"
        )
    links: dict[str, list[DecisionLink]] = {}
    if decisions_dir is not None:
        links, record_errors = _decision_records(Path(decisions_dir))
        errors.extend(record_errors)
    rows: list[ReviewRow] = []
    for done, file in enumerate(files, 1):
        try:
            assessment = assess(load_profile(file), ruleset, price_date=when, what_if=False)
        except AdvisorError as exc:
            errors.append(ReviewError(file=str(file), error=_describe(exc, file)))
        else:
            rows.append(review_row(assessment, str(file), ruleset, links.get(assessment.workload.name)))
        if progress is not None:
            progress(done, len(files))
    broken = len(errors)
    result = Review(
        advisor_version=__version__,
        ruleset=RuleSetInfo(id=ruleset.id, version=ruleset.version, hash=ruleset.content_hash),
        price_date=when,
        decisions_dir=None if decisions_dir is None else str(decisions_dir),
        workloads=rows,
        summary=summarise(rows, broken, ruleset),
        errors=errors,
        skipped=skipped,
    )
    result._rules = ruleset
    return result


# -- rendering ------------------------------------------------------------------------


def _usd(value: float | None) -> str:
    return "n/a" if value is None else money(value)


def _why_summary(s: ReviewSummary) -> str | None:
    """Why the moves together cost more than today (None when they do not)."""
    if s.saving_usd_per_month >= 0:
        return None
    running = s.saving_usd_per_month + s.build_usd_per_month  # the change without the new builds
    why = f"the new builds of the moves, amortised, add {money(s.build_usd_per_month)} a month"
    if running > 0:
        return f"{why}, more than running the recommended modes saves ({money(running)} a month)"
    if running < 0:
        return f"{why}, and running the recommended modes costs {money(-running)} a month more"
    return why


def _link_target(path: str, base: Path | None) -> str:
    target = Path(path)
    if base is not None:
        target = Path(os.path.relpath(target.resolve(), base.resolve()))
    return urllib.parse.quote(target.as_posix())


def review_context(r: Review, link_base: str | Path | None = None) -> dict[str, Any]:
    """What the review template prints; numbers pre-formatted, free text escaped by the template."""
    base = Path(link_base) if link_base is not None else None
    s = r.summary
    rows = [
        {
            "name": row.name,
            "file": row.file,
            "current": row.current_mode or "new",
            "recommendation": row.recommendation,
            "moves": row.moves,
            "reason": row.reason,
            "today": _usd(row.current_monthly_usd),
            "recommended": _usd(row.recommended_monthly_usd),
            "saving": saving_cell(row.saving_usd_per_month),
            "cost_note": row.cost_note,
            "flags": row.flags,
            "decisions": Markup(", ".join(
                f"[{link.number:04d}]({_link_target(link.path, base)})" for link in row.decisions
            ) or "none"),
        }
        for row in r.workloads
    ]
    return {
        "review": {
            "advisor_version": r.advisor_version,
            "price_date": r.price_date.isoformat(),
            "decisions": r.decisions_dir is not None,
        },
        "ruleset": {**r.ruleset.model_dump(), "short_hash": r.ruleset.hash[:12]},
        "summary": {
            "workloads": s.workloads,
            "broken_files": s.broken_files,
            "recommended": s.recommended,
            "current": s.current,
            "moves": [{**m.model_dump(), "saving": saving_cell(m.saving_usd_per_month)} for m in s.moves],
            "today": _usd(s.monthly_today_usd),
            "after": _usd(s.monthly_recommended_usd),
            "change": saving_or_extra(s.saving_usd_per_month),
            "why": _why_summary(s),
            "existing": s.workloads - s.new_workloads,
            "new_workloads": s.new_workloads,
            "new_monthly": _usd(s.new_monthly_usd),
            "risks": [k.model_dump() for k in s.risks[:TOP_RISKS]],
            "more_risks": max(0, len(s.risks) - TOP_RISKS),
            "none_found": ", ".join(spec.none for spec in r.rules.header.review_risks),
        },
        # The pie's slices: a code block is not Markdown, so nothing in it is escaped.
        "pie": [Markup(f'    "{mode}" : {count}') for mode, count in s.recommended.items() if count],
        "rows": rows,
        "errors": [e.model_dump() for e in r.errors],
        "skipped": [e.model_dump() for e in r.skipped],
    }


def render_review(r: Review, fmt: str = "md", *, link_base: str | Path | None = None) -> str:
    """The review as Markdown (``md``) or JSON (``json``); same review, same bytes.

    ``link_base`` is the folder the Markdown will be read from: decision-record links are
    made relative to it (default: the paths as found).
    """
    if fmt == "json":
        return dump_json(r.model_dump(mode="json"))
    if fmt != "md":
        raise InputError(f"must be md or json (got {fmt!r})", field="format")
    return render_shipped(TEMPLATE, review_context(r, link_base))
