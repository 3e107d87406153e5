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
import functools
import json
import math
import os
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from advisor.core.assessment import Assessment, RuleSetInfo, headline_reason, infeasible_reason_of
from advisor.core.capacity import Capacity
from advisor.core.citation import SourceInfo, source_map
from advisor.core.cost import ModeCost
from advisor.core.errors import AdvisorError, InputError, each
from advisor.core.files import FileFinder, folder_problem
from advisor.core.latency import LatencyEstimate
from advisor.core.policy import fill, named_in_order
from advisor.core.profile import MODES, Mode, WorkloadProfile, parse_profile
from advisor.core.provider import shutdown_source_ids
from advisor.core.rules import HEADER_FILE, RuleSet, load_rules
from advisor.core.situation import price_date_or_today, situate_each
from advisor.core.steps import work_steps
from advisor.core.version import __version__
from advisor.core.yamlio import parse_yaml, read_yaml_text

from .formatting import (
    budget_digits,
    budget_seconds,
    money,
    move_words,
    percent,
    saving_cell,
    saving_or_extra,
    seconds,
)
from .json_output import dump_json

if TYPE_CHECKING:  # the Markdown report's and the decision records' modules load when used:
    # a JSON review without --decisions needs neither Jinja2 nor the records' parsers
    from markupsafe import Markup

TEMPLATE = "review.md.j2"
WORKLOAD_TEMPLATE = "review-workload.md.j2"  # a workload's line of the report
WORKLOAD_SUFFIXES = (".yaml", ".yml")
TOP_RISKS = 10  # shown in the Markdown summary; JSON lists them all
_FROZEN = ConfigDict(frozen=True, defer_build=True)



class ReviewRisk(BaseModel):
    model_config = _FROZEN
    kind: str  # one of the rule set's review_risks
    label: str
    workload: str
    file: str
    detail: str
    severity: float  # the rule set's severity fact (peak utilisation, p95 / budget), else 1
    # The documents the figures of its detail rest on (rate limits, a shutdown's announcement),
    # by the ids the assessment gives them: keys of the review's ``sources``.
    source_ids: list[str] = []


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
    feasible: bool  # the recommended mode meets its contract for this workload's numbers
    infeasible_reason: str | None  # when it does not: why, in one sentence with the numbers
    decided_by: list[str]
    current_monthly_usd: float | None  # today: the current mode's monthly cost; None for a new feature
    recommended_monthly_usd: float  # the recommended mode's monthly cost
    saving_usd_per_month: float | None  # today - recommended; negative: an extra cost
    build_usd_per_month: float  # the recommended mode's build, amortised; 0 when it stays in its mode
    cost_note: str | None  # a move that costs more than today: why, in words
    # A model reasons before it answers and the workload gives no reasoning_tokens: the
    # monthly costs leave its reasoning out (the bill is higher by what it reasons).
    reasoning_tokens_unpriced: bool = False
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
    # Every document a risk cites, once, by id (as an assessment's ``sources``); last in the
    # JSON, as it is known once every workload is.
    sources: dict[str, SourceInfo] = {}
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


class _Finder(FileFinder):
    """The workload files of the given paths (advisor.core.files.FileFinder): YAML files,
    not a rule set's own."""

    once = "reviewed once"

    def wanted(self, name: str, folder_names: frozenset[str]) -> str | None:
        if not _is_workload_name(name):
            return "not a YAML file (.yaml or .yml)"
        if HEADER_FILE in folder_names:
            return f"part of a rule set (its folder has a {HEADER_FILE}), not a workload"
        return None


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
    return (
        finder.files,
        [ReviewSkip(file=str(path), reason=reason) for path, reason in finder.skipped],
        [ReviewError(file=str(path), error=error) for path, error in finder.errors],
    )


def _decision_records(directory: Path) -> tuple[dict[str, list[DecisionLink]], list[ReviewError]]:
    """Advisor-written records of a decisions folder, by the workload name their inputs embed."""
    if (problem := folder_problem(directory)) is not None:
        raise InputError(
            "no such decisions folder" if problem == "no such folder" else problem,
            source=str(directory), field="--decisions",
        )
    from advisor.records.folder import read_record, record_files
    from advisor.records.inputs import read_inputs

    by_name: dict[str, list[DecisionLink]] = {}
    errors: list[ReviewError] = []
    for number, path in record_files(directory):
        try:
            text = read_record(path)
            inputs = read_inputs(text, str(path)) if text is not None else None
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


def _risk_figures(
    cap: Capacity, lat: LatencyEstimate, current_mode: Mode | None, facts: Mapping[str, Any],
    price_date: datetime.date, budget_lines: tuple[float, ...] = (),
) -> dict[str, str]:
    """The figures a risk's detail may name (advisor.core.policy.REVIEW_RISK_FIGURES); the
    p95 and the budget in the digits that tell them apart, and the budget apart from the
    lines the rules draw on it (``budget_seconds``), as the other views say them."""
    days = facts.get("days_to_model_shutdown")
    extra = budget_digits(facts)
    return {
        "shutdown_model": facts.get("shutdown_model") or "none",
        "days_to_shutdown": "no shutdown announced" if days is None else f"{days:g} day{'' if days == 1 else 's'}",
        "shutdown_date": "none announced" if days is None else (price_date + datetime.timedelta(days=days)).isoformat(),
        "peak_use": percent(1 - cap.headroom) if cap.headroom is not None else "unknown",
        "tighter_limit": _tighter_limit(cap),
        "limits_source": cap.limits_source,
        "current_mode": current_mode or "none",
        "end_to_end_p95": seconds(lat.end_to_end_p95_s, extra),
        "latency_budget": budget_seconds(lat.latency_budget_s, extra, budget_lines),
    }


# The figures a risk's detail may name that rest on a cited document: the catalogue's rate
# limits (and its page, ``limits_source``) and the provider's announcement of a shutdown.
_LIMIT_FIGURES = frozenset({"peak_use", "tighter_limit", "limits_source"})
_SHUTDOWN_FIGURES = frozenset({"shutdown_model", "days_to_shutdown", "shutdown_date"})


def _risk_source_ids(
    detail: str, cap: Capacity, workload: WorkloadProfile, facts: Mapping[str, Any], ruleset: RuleSet
) -> tuple[str, ...]:
    """The ids of the documents the figures ``detail`` names rest on, in the order it names
    them: the ids the workload's assessment gives the same documents."""
    ids: list[str] = []
    for figure in named_in_order(detail):
        if figure in _LIMIT_FIGURES:
            ids.extend(cap.limits_source_ids)
        elif figure in _SHUTDOWN_FIGURES and facts.get("shutdown_model") is not None:
            models = ((step.provider, step.model) for step in work_steps(workload))
            ids.extend(shutdown_source_ids(ruleset.catalogue, models, facts["shutdown_model"]))
    return tuple(dict.fromkeys(ids))  # most cite nothing: the one empty tuple, nothing kept


def _risks(
    facts: Mapping[str, Any], cap: Capacity, lat: LatencyEstimate, workload: WorkloadProfile, file: str,
    ruleset: RuleSet, price_date: datetime.date,
) -> list[dict[str, Any]]:
    """The rule set's review risks that hold for this workload as it runs today (as
    ``ReviewRisk`` data)."""
    risks: list[dict[str, Any]] = []
    figures: dict[str, str] | None = None
    for spec, check in ruleset.review_risk_checks:
        if not check(facts, []):
            continue
        figures = figures or _risk_figures(
            cap, lat, workload.current_mode, facts, price_date, ruleset.thresholds("latency_budget_s")
        )
        severity = float(facts[spec.severity]) if spec.severity else 1.0
        risks.append({
            "kind": spec.kind, "label": spec.label, "workload": workload.name, "file": file,
            "detail": fill(spec.detail, figures), "severity": severity,
            "source_ids": _risk_source_ids(spec.detail, cap, workload, facts, ruleset),
        })
    return risks


def _row(
    w: WorkloadProfile,
    recommendation: Mode,
    reason: str,
    infeasible_reason: str | None,
    decided_by: Sequence[str],
    costs: Mapping[Mode, ModeCost],
    amortisation_months: int,
    batch_breakeven: float | None,
    cap: Capacity,
    lat: LatencyEstimate,
    facts: Mapping[str, Any],
    file: str,
    ruleset: RuleSet,
    decisions: list[DecisionLink] | None,
    price_date: datetime.date,
) -> dict[str, Any]:
    """One workload's row as data: what ``ReviewRow(**row).model_dump(mode="json")`` gives,
    key for key (a review too large to keep writes it as it is)."""
    current = w.current_mode
    # Today is the current mode's monthly cost (its build is paid); a move adds the new build.
    today_cost = costs[current].total_usd if current else None
    moving = current is not None and current != recommendation
    chosen = costs[recommendation]
    saving = None if today_cost is None else today_cost - chosen.total_usd
    risks = _risks(facts, cap, lat, w, file, ruleset, price_date)
    cost_note = (
        move_words(current, recommendation, costs, amortisation_months, batch_breakeven)
        if saving is not None and saving < 0 else None
    )
    return {
        "name": w.name,
        "file": file,
        "current_mode": current,
        "recommendation": recommendation,
        "moves": moving,
        "reason": reason,
        "feasible": infeasible_reason is None,
        "infeasible_reason": infeasible_reason,
        "decided_by": list(decided_by),
        "current_monthly_usd": today_cost,
        "recommended_monthly_usd": chosen.total_usd,
        "saving_usd_per_month": saving,
        "build_usd_per_month": chosen.engineering_usd if moving or current is None else 0.0,
        "cost_note": cost_note,
        "reasoning_tokens_unpriced": bool(lat.reasoning_unpriced),
        "flags": [r["label"] for r in risks],
        "risks": risks,
        "decisions": [link.model_dump(mode="json") for link in decisions or ()],
    }


def review_row(a: Assessment, file: str, ruleset: RuleSet, decisions: list[DecisionLink] | None = None) -> ReviewRow:
    """One workload's row, from its assessment."""
    return ReviewRow.model_validate(_row(
        a.workload, a.recommendation, a.reason, a.infeasible_reason, a.decided_by, a.costs,
        a.pricing.amortisation_months, a.pricing.batch_breakeven_requests_per_month, a.capacity, a.latency, a.facts,
        file, ruleset, decisions, a.price_date,
    ))


class _Tally:
    """What the summary needs of the rows, kept as they go by (a review of 100,000 workloads
    keeps no row): counts, the amounts to add up, the moves and the risks."""

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.order = {spec.kind: i for i, spec in enumerate(ruleset.header.review_risks)}
        self.rows = 0
        self.recommended = dict.fromkeys(MODES, 0)
        self.current = dict.fromkeys((*MODES, "none"), 0)
        self.today: list[float] = []
        self.after: list[float] = []
        self.saving: list[float] = []
        self.build: list[float] = []
        self.new: list[float] = []
        self.moves: list[tuple[str, str, Mode, Mode, float]] = []
        self.risks: list[tuple[str, str, str, str, str, float, Sequence[str]]] = []
        self.cited: dict[str, None] = {}  # every id a risk cites, once: no more than the documents

    def add(self, row: Mapping[str, Any]) -> None:
        """One row, as ``ReviewRow`` data."""
        self.rows += 1
        current, recommended = row["current_mode"], row["recommendation"]
        self.recommended[recommended] += 1
        self.current[current or "none"] += 1
        if row["current_monthly_usd"] is not None:
            self.today.append(row["current_monthly_usd"] or 0.0)
            self.after.append(row["recommended_monthly_usd"])
            self.saving.append(row["saving_usd_per_month"] or 0.0)
            self.build.append(row["build_usd_per_month"])
        else:
            self.new.append(row["recommended_monthly_usd"])
        if row["moves"] and current is not None:
            self.moves.append((row["name"], row["file"], current, recommended, row["saving_usd_per_month"] or 0.0))
        for r in row["risks"]:
            self.risks.append(
                (r["kind"], r["label"], r["workload"], r["file"], r["detail"], r["severity"], r["source_ids"])
            )
            self.cited.update(dict.fromkeys(r["source_ids"]))

    def head(self, broken_files: int) -> dict[str, Any]:
        """The summary's fields before its moves, and after them up to its risks."""
        return {
            "workloads": self.rows,
            "broken_files": broken_files,
            "recommended": self.recommended,
            "current": {k: v for k, v in self.current.items() if v},
        }

    def amounts(self) -> dict[str, Any]:
        return {
            "monthly_today_usd": math.fsum(self.today),
            "monthly_recommended_usd": math.fsum(self.after),
            "saving_usd_per_month": math.fsum(self.saving),
            "build_usd_per_month": math.fsum(self.build),
            "new_workloads": len(self.new),
            "new_monthly_usd": math.fsum(self.new),
        }

    def sources(self) -> dict[str, SourceInfo]:
        """The documents the risks cite, by id, as an assessment's ``sources`` gives them."""
        ruleset = self.ruleset
        return source_map(self.cited, ruleset.header.sources, ruleset.catalogue)

    def sorted_risks(self) -> list[tuple[str, str, str, str, str, float, Sequence[str]]]:
        """In the rule set's order of its kinds, worst first within a kind."""
        order = self.order
        return sorted(self.risks, key=lambda k: (order[k[0]], -k[5], k[2], k[3]))

    def summary(self, broken_files: int) -> ReviewSummary:
        return ReviewSummary(
            **self.head(broken_files),
            moves=[ReviewMove(**dict(zip(_MOVE_FIELDS, move, strict=True))) for move in self.moves],
            **self.amounts(),
            risks=[ReviewRisk(**dict(zip(_RISK_FIELDS, risk, strict=True))) for risk in self.sorted_risks()],
        )

    def summary_json(self, broken_files: int) -> Iterator[str]:
        """The summary as ``summary(...).model_dump(mode="json")`` would be written inside the
        review's JSON, one move and one risk at a time."""
        yield "{"
        first = True
        for key, value in self.head(broken_files).items():
            yield ("\n    " if first else ",\n    ") + f"{_json(key, 2)}: {_json(value, 2)}"
            first = False
        yield ',\n    "moves": '
        yield from _json_list((dict(zip(_MOVE_FIELDS, move, strict=True)) for move in self.moves), 2)
        for key, value in self.amounts().items():
            yield f",\n    {_json(key, 2)}: {_json(value, 2)}"
        yield ',\n    "risks": '
        yield from _json_list((dict(zip(_RISK_FIELDS, risk, strict=True)) for risk in self.sorted_risks()), 2)
        yield "\n  }"


_MOVE_FIELDS = tuple(ReviewMove.model_fields)
_RISK_FIELDS = tuple(ReviewRisk.model_fields)
assert _MOVE_FIELDS == ("name", "file", "current_mode", "recommendation", "saving_usd_per_month")
assert _RISK_FIELDS == ("kind", "label", "workload", "file", "detail", "severity", "source_ids")


def _json(value: Any, level: int) -> str:
    """``value`` as ``dump_json`` (json.dumps, indent 2, UTF-8 as is, no NaN) writes it at
    this depth of the document; the standard library's encoder in Python when it indents,
    about twice as slow for the rows of a large review."""
    if isinstance(value, str):
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
        return float.__repr__(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        pad = "\n" + "  " * (level + 1)
        items = [f"{pad}{_encode_string(key)}: {_json(item, level + 1)}" for key, item in value.items()]
        return "{" + ",".join(items) + "\n" + "  " * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        pad = "\n" + "  " * (level + 1)
        return "[" + ",".join(pad + _json(item, level + 1) for item in value) + "\n" + "  " * level + "]"
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).replace("\n", "\n" + "  " * level)


_encode_string = json.encoder.encode_basestring  # the C one where there is one, as json.dumps uses


def _json_list(items: Iterable[Any], level: int) -> Iterator[str]:
    """A list at this depth, one item at a time."""
    first = True
    pad = "\n" + "  " * (level + 1)
    for item in items:
        yield ("[" if first else ",") + pad + _json(item, level + 1)
        first = False
    yield "[]" if first else "\n" + "  " * level + "]"


def summarise(rows: Sequence[ReviewRow], broken_files: int, ruleset: RuleSet) -> ReviewSummary:
    """Counts, moves, money and risks over the rows; every total is the sum of its rows.
    Risks are listed in the rule set's order of its kinds, worst first within a kind."""
    tally = _Tally(ruleset)
    for row in rows:
        tally.add(row.model_dump())
    return tally.summary(broken_files)


# -- the review -----------------------------------------------------------------------

# Files assessed together, step by step (ReviewRun.rows): enough for each step's code to stay
# in the caches, few enough that a batch's workloads take no memory to speak of.
_BATCH = 64


class ReviewRun:
    """One review under way: the files found and the decision records read (an InputError
    now, before any output, when there is nothing to review); then one row per file, each
    file read and parsed once and assessed as far as a row needs (no what-if search, no
    trace), and the files that could not be in ``errors``."""

    def __init__(
        self,
        paths: Sequence[str | Path],
        *,
        rules: RuleSet | str | None = None,
        decisions_dir: str | Path | None = None,
        price_date: datetime.date | str | None = None,
        progress: Callable[[int, int], None] | None = None,
        recurse: bool = True,
    ):
        if isinstance(paths, (str, Path)):
            paths = [paths]
        self.ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
        self.when = price_date_or_today(price_date)
        self.decisions_dir = decisions_dir
        self.progress = progress
        self.files, self.skipped, self.errors = workload_files(paths, recurse=recurse)
        if not self.files:
            # Nothing to review (no such path, an empty folder): one line, not an empty report.
            shown = ", ".join(str(p) for p in paths) or "(no paths)"
            skipped = self.skipped
            passed = f"; {len(skipped)} file{'s' if len(skipped) != 1 else ''} skipped: " + "; ".join(
                f"{s.file} ({s.reason})" for s in skipped[:5]
            ) + ("; ..." if len(skipped) > 5 else "") if skipped else ""
            wrong = "".join(f"; {e.file}: {e.error}" for e in self.errors[:5]) + (
                "; ..." if len(self.errors) > 5 else ""
            )
            raise InputError(
                f"no workload files ({', '.join('*' + s for s in WORKLOAD_SUFFIXES)}) found in {shown}{wrong}{passed}"
            )
        self.links: dict[str, list[DecisionLink]] = {}
        if decisions_dir is not None:
            self.links, record_errors = _decision_records(Path(decisions_dir))
            self.errors.extend(record_errors)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each workload's row as ``ReviewRow`` data, in the order of the files.

        The files are assessed a batch at a time, one step over the whole batch before the
        next (read them all, parse them all, validate them all, situate them all, ...): each
        step's code stays hot in the processor's caches, about a fifth less time a file than
        one file start to finish. Each step is the one ``load_profile`` and ``assess`` take.
        """
        ruleset, when, files = self.ruleset, self.when, self.files
        for start in range(0, len(files), _BATCH):
            batch = files[start:start + _BATCH]
            names = [str(file) for file in batch]
            # Each file's result at each step, or the error that stopped it (kept to the end).
            texts = each(read_yaml_text, batch)
            profiles = each(parse_profile, each(parse_yaml, texts, names), names)
            situations = situate_each(profiles, ruleset, when)
            evaluations = each(lambda situation: ruleset.evaluate(situation.facts), situations)
            reasons = each(lambda evaluation: headline_reason(ruleset, evaluation), evaluations)
            rows = []
            for done, (file, name, profile, situation, evaluation, reason) in enumerate(
                zip(batch, names, profiles, situations, evaluations, reasons, strict=True), start + 1
            ):
                if isinstance(reason, AdvisorError):
                    self.errors.append(ReviewError(file=name, error=_describe(reason, file)))
                else:
                    costs = situation.costs
                    rows.append(_row(
                        profile, evaluation.recommendation, reason,
                        infeasible_reason_of(ruleset, evaluation, situation.latency),
                        evaluation.decided_by, costs.modes,
                        costs.amortisation_months, costs.batch_breakeven_requests_per_month, situation.capacity,
                        situation.latency, situation.facts, name, ruleset, self.links.get(profile.name),
                        situation.card.price_date,
                    ))
                if self.progress is not None:
                    self.progress(done, len(files))
            yield from rows

    def _head(self) -> dict[str, Any]:
        ruleset = self.ruleset
        return {
            "advisor_version": __version__,
            "ruleset": RuleSetInfo(id=ruleset.id, version=ruleset.version, hash=ruleset.content_hash),
            "price_date": self.when,
            "decisions_dir": None if self.decisions_dir is None else str(self.decisions_dir),
        }

    def result(self) -> Review:
        """The whole review, every row kept."""
        tally = _Tally(self.ruleset)
        rows = []
        for row in self.rows():
            tally.add(row)
            rows.append(ReviewRow.model_validate(row))
        result = Review(
            **self._head(), workloads=rows, summary=tally.summary(len(self.errors)), errors=self.errors,
            skipped=self.skipped, sources=tally.sources(),
        )
        result._rules = self.ruleset
        return result

    def json(self) -> Iterator[str]:
        """The review's JSON, as ``render_review(self.result(), "json")`` writes it, a row at a
        time: no row is kept, only what the summary adds up."""
        head = self._head()
        head["ruleset"] = head["ruleset"].model_dump(mode="json")
        head["price_date"] = self.when.isoformat()
        yield "{"
        first = True
        for key, value in head.items():
            yield ("\n  " if first else ",\n  ") + f"{_json(key, 1)}: {_json(value, 1)}"
            first = False
        tally = _Tally(self.ruleset)

        def rows() -> Iterator[dict[str, Any]]:
            for row in self.rows():
                tally.add(row)
                yield row

        yield ',\n  "workloads": '
        yield from _json_list(rows(), 1)
        yield ',\n  "summary": '
        yield from tally.summary_json(len(self.errors))
        yield ',\n  "errors": ' + _json([e.model_dump(mode="json") for e in self.errors], 1)
        yield ',\n  "skipped": ' + _json([s.model_dump(mode="json") for s in self.skipped], 1)
        sources = {key: info.model_dump(mode="json") for key, info in tally.sources().items()}
        yield ',\n  "sources": ' + _json(sources, 1)
        yield "\n}\n"

    def markdown(self, link_base: str | Path | None = None) -> Iterator[str]:
        """The review's Markdown, as ``render_review(self.result(), "md", link_base=...)``
        writes it. The summary comes first in the report but adds up every workload, so each
        workload's line is made as it is assessed and only the lines are kept (a tenth of
        the memory of its row), then the report is written a piece at a time."""
        base = Path(link_base) if link_base is not None else None
        decisions = self.decisions_dir is not None
        tally = _Tally(self.ruleset)
        lines = []
        for row in self.rows():
            tally.add(row)
            lines.append(_workload_line(row, base, decisions))
        head = self._head()
        risks = tally.sorted_risks()
        context = _report_context(
            head["advisor_version"], head["ruleset"], self.when, head["decisions_dir"], self.ruleset,
            {**tally.head(len(self.errors)), **tally.amounts()},
            [dict(zip(_MOVE_FIELDS, move, strict=True)) for move in tally.moves],
            [dict(zip(_RISK_FIELDS, risk, strict=True)) for risk in risks[:TOP_RISKS]], len(risks),
        )
        del risks
        context["rows"] = lines
        context["errors"] = [e.model_dump() for e in self.errors]
        context["skipped"] = [e.model_dump() for e in self.skipped]
        from .templates import environment

        yield from environment().get_template(TEMPLATE).generate(context)


def review(
    paths: Sequence[str | Path],
    *,
    rules: RuleSet | str | None = None,
    decisions_dir: str | Path | None = None,
    price_date: datetime.date | str | None = None,
    progress: Callable[[int, int], None] | None = None,
    recurse: bool = True,
) -> Review:
    """Assess every workload under ``paths``; broken files are listed in ``errors``, files
    passed over (hidden, not YAML, a rule set's) in ``skipped``, each with why. No workload
    file at all under ``paths`` (an empty folder, a path that does not exist) is an
    InputError that names each path's problem.

    Folders are searched with their subfolders unless ``recurse=False``.
    ``progress(done, total)`` is called after each file (the CLI draws its bar with it).
    ``ReviewRun(...).json()`` writes the JSON of a review too large to keep, a row at a time.
    """
    return ReviewRun(
        paths, rules=rules, decisions_dir=decisions_dir, price_date=price_date, progress=progress, recurse=recurse
    ).result()


# -- rendering ------------------------------------------------------------------------


def _usd(value: float | None) -> str:
    return "n/a" if value is None else money(value)


def _why_summary(saving: float, build: float) -> str | None:
    """Why the moves together cost more than today (None when they do not): ``saving`` is
    the summary's saving a month, ``build`` the new builds' share of it."""
    if saving >= 0:
        return None
    running = saving + build  # the change without the new builds
    why = f"the new builds of the moves, amortised, add {money(build)} a month"
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


def _workload_line(row: Mapping[str, Any], base: Path | None, decisions: bool) -> Markup:
    """A workload's line of the report's Workloads table (``ReviewRow`` data in), Markdown
    already: the template's ``workload_line`` escapes its free text."""
    from markupsafe import Markup

    # The monthly costs leave out the reasoning of a model that reasons (no reasoning_tokens given).
    unpriced = " (reasoning tokens not priced)" if row.get("reasoning_tokens_unpriced") else ""
    cells = {
        "name": row["name"],
        "file": row["file"],
        "current": row["current_mode"] or "new",
        "recommendation": row["recommendation"],
        "moves": row["moves"],
        "reason": row["reason"],
        "infeasible_reason": row["infeasible_reason"],
        "today": _usd(row["current_monthly_usd"]) + (unpriced if row["current_monthly_usd"] is not None else ""),
        "recommended": _usd(row["recommended_monthly_usd"]) + unpriced,
        "cost_note": row["cost_note"],
        "flags": row["flags"],
        "decisions": Markup(", ".join(
            f"[{link['number']:04d}]({_link_target(link['path'], base)})" for link in row["decisions"]
        ) or "none"),
    }
    return Markup(_template_module().workload_line(cells, decisions))


@functools.cache
def _template_module() -> Any:
    from .templates import environment

    return environment().get_template(WORKLOAD_TEMPLATE).module


def review_context(r: Review, link_base: str | Path | None = None) -> dict[str, Any]:
    """What the review template prints; numbers pre-formatted, free text escaped by the template."""
    base = Path(link_base) if link_base is not None else None
    decisions = r.decisions_dir is not None
    s = r.summary
    context = _report_context(
        r.advisor_version, r.ruleset, r.price_date, r.decisions_dir, r.rules,
        s.model_dump(exclude={"moves", "risks"}), [m.model_dump() for m in s.moves],
        [k.model_dump() for k in s.risks[:TOP_RISKS]], len(s.risks),
    )
    context["rows"] = [_workload_line(row.model_dump(), base, decisions) for row in r.workloads]
    context["errors"] = [e.model_dump() for e in r.errors]
    context["skipped"] = [e.model_dump() for e in r.skipped]
    return context


def _report_context(
    advisor_version: str,
    ruleset: RuleSetInfo,
    price_date: datetime.date,
    decisions_dir: str | None,
    rules: RuleSet,
    totals: Mapping[str, Any],
    moves: Sequence[Mapping[str, Any]],
    top_risks: Sequence[Mapping[str, Any]],
    risk_count: int,
) -> dict[str, Any]:
    """What the template prints around the workloads' lines: ``totals`` are the summary's
    counts and amounts (``ReviewSummary`` data without its moves and risks), ``moves`` its
    moves, ``top_risks`` its first TOP_RISKS risks of ``risk_count`` (``ReviewMove`` and
    ``ReviewRisk`` data)."""
    from markupsafe import Markup

    return {
        "review": {
            "advisor_version": advisor_version,
            "price_date": price_date.isoformat(),
            "decisions": decisions_dir is not None,
        },
        "ruleset": {**ruleset.model_dump(), "short_hash": ruleset.hash[:12]},
        "summary": {
            "workloads": totals["workloads"],
            "broken_files": totals["broken_files"],
            "recommended": totals["recommended"],
            "current": totals["current"],
            "moves": [{**m, "saving": saving_cell(m["saving_usd_per_month"])} for m in moves],
            "today": _usd(totals["monthly_today_usd"]),
            "after": _usd(totals["monthly_recommended_usd"]),
            "change": saving_or_extra(totals["saving_usd_per_month"]),
            "why": _why_summary(totals["saving_usd_per_month"], totals["build_usd_per_month"]),
            "existing": totals["workloads"] - totals["new_workloads"],
            "new_workloads": totals["new_workloads"],
            "new_monthly": _usd(totals["new_monthly_usd"]),
            "risks": top_risks,
            "more_risks": max(0, risk_count - TOP_RISKS),
            "none_found": ", ".join(spec.none for spec in rules.header.review_risks),
        },
        # The pie's slices: a code block is not Markdown, so nothing in it is escaped.
        "pie": [Markup(f'    "{mode}" : {count}') for mode, count in totals["recommended"].items() if count],
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
    from .templates import render_shipped

    return render_shipped(TEMPLATE, review_context(r, link_base))
