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
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr

from advisor.core.assessment import (
    Assessment,
    RuleSetInfo,
    headline,
    headline_rule_of,
    infeasible_reason_of,
    latency_miss_on_benchmark,
    latency_miss_on_stand_in,
    missed_on_stand_in,
)
from advisor.core.capacity import PROFILE_LIMITS, Capacity, limits_label
from advisor.core.catalogue import CITED_AS, Catalogue
from advisor.core.citation import SourceInfo, source_map
from advisor.core.cost import ModeCost, OffPeakHours, UnpricedReasoning, cache_writes_unpriced, unpriced_reasoning
from advisor.core.errors import AdvisorError, InputError, check_paths, check_type, each
from advisor.core.files import FileFinder, folder_problem
from advisor.core.latency import LatencyEstimate
from advisor.core.levers import provider_names
from advisor.core.policy import fill, named_in_order
from advisor.core.profile import MODES, Mode, WorkloadProfile, parse_profile, worked_example_hint
from advisor.core.provider import shutdown_source_ids, usual_batch_s
from advisor.core.rules import HEADER_FILE, RuleSet, load_rules
from advisor.core.situation import price_date_or_today, situate_each
from advisor.core.steps import work_steps
from advisor.core.version import __version__
from advisor.core.yamlio import parse_yaml, read_yaml_text

from .formatting import AT_RISK as AT_RISK_WORDS
from .formatting import (
    batch_source_words,
    budget_digits,
    budget_seconds,
    larger,
    money,
    move_words,
    percent,
    rounding_gap,
    saving_cell,
    saving_or_extra,
    seconds,
    times,
    window_outlasts_budget,
)
from .json_output import dump_json

if TYPE_CHECKING:  # the Markdown report's and the decision records' modules load when used:
    # a JSON review without --decisions needs neither Jinja2 nor the records' parsers
    from markupsafe import Markup

    from advisor.core.engine import Evaluation
    from advisor.records.verify import VerifyResult

TEMPLATE = "review.md.j2"
WORKLOAD_TEMPLATE = "review-workload.md.j2"  # a workload's line of the report
WORKLOAD_SUFFIXES = (".yaml", ".yml")
TOP_RISKS = 50  # shown in the Markdown summary (every one, up to this many); JSON lists them all
DUPLICATES_SHOWN = 20  # feature names used by more than one file, named in the Markdown summary
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
    # The feature runs today (a current mode): a live risk, not a planned one.
    live: bool = False
    # Whether moving to the recommended mode removes it (None: not known for this kind).
    removed_by_recommendation: bool | None = None


class DecisionLink(BaseModel):
    model_config = _FROZEN
    number: int | None  # the number its file name gives it (None: its name gives none)
    path: str
    # How it was tied to the workload: "file" (the workload file the record names is this
    # row's file) or "name" (the record names no file: matched by the feature's name).
    matched_by: str = "file"
    # Whether it still holds against today's rules and prices, as ``advisor verify`` judges it:
    # holds, drifted, inconsistent, unverifiable or superseded; and why, in a few words.
    status: str | None = None
    note: str | None = None


class SeveralRecordsInForce(BaseModel):
    """A workload file that two or more records in force name (``advisor verify`` says the same:
    advisor.records.verify.several_in_force): the records, the older ones, and how to retire them."""

    model_config = _FROZEN
    workload_file: str
    records: list[str]
    older: list[str]
    fix: str


class FolderRuleSet(BaseModel):
    """A rule set of its own held by a workload's folder or a folder above it (the nearest one
    with a ruleset.yaml), not the one the review assessed the workload with."""

    model_config = _FROZEN
    path: str  # the folder that holds it, as the workload's file is given (relative or absolute)
    id: str | None  # its id, as its ruleset.yaml says it (None: it says none that can be read)


class ReviewFolderRuleSets(BaseModel):
    """The workloads assessed under the review's rule set though their folder holds another."""

    model_config = _FROZEN
    path: str
    id: str | None
    workloads: int


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
    # What that reasoning would add a month, as the latency times it (about so many reasoning
    # tokens a call, at the output price), today's mode and the recommended one; None where it
    # is not worked out (priced, or the model's time measured).
    current_reasoning_unpriced_usd: float | None = None
    recommended_reasoning_unpriced_usd: float | None = None
    # Where the price depends on the hour, no one waits on the answer and the recommended mode
    # can be scheduled into the cheapest hours (a script, a job): its month there (the record's
    # cost note, "Scheduled into them"); None elsewhere. The monthly costs stay at the peak rate.
    recommended_off_peak: ReviewOffPeak | None = None
    flags: list[str]
    risks: list[ReviewRisk]
    decisions: list[DecisionLink]
    # A feasible batch whose budget is shorter than the provider's window: it meets its
    # contract only if the batch comes in before the window ends ("at risk against the budget").
    at_risk: bool = False
    at_risk_reason: str | None = None
    # Not feasible on a latency figure of a model timed at a stand-in: measure it first.
    not_feasible_on_stand_in: bool = False
    # The verdict (feasible or not) rests on a speed no one measured for this call, as recommend
    # says it: "stand_in" (a model timed at a stand-in: "Feasible on an assumed speed", "NOT
    # FEASIBLE as specified, on an assumed speed"), "benchmark" (a miss on latency at a speed the
    # catalogue says was measured under conditions of its own); None: it does not.
    verdict_on_assumed_speed: Literal["stand_in", "benchmark"] | None = None
    # The build counted in build_usd_per_month, up front (person-weeks x the rate), and the
    # cost model's figures it is amortised with.
    build_upfront_usd: float = 0.0
    amortisation_months: int = 0
    usd_per_person_week: float = 0.0
    # A move's deciding reason in a few words ("required: <rule>", "contract: <rule>", "cost",
    # "preferred: <rule>"), and whether the rules require it (they rule today's mode out or
    # today's mode misses its contract). None / False when it does not move.
    move_reason: str | None = None
    move_required: bool = False
    # What its figures rest on: the price data its prices are from, as recommend says it
    # ("genai-prices 0.2.3", "workload pricing override"), where its batch prices come from
    # (catalogue, published discount, override, none), how its p95 was come by ("measured":
    # every call's time given; "stand_in": a model timed at a stand-in speed; "estimated":
    # from speeds, published or given), the rate limits its peak is checked against (each
    # model's provider and account tier, "the workload's own", "none known"), and whether
    # the cost model leaves its prompt-cache writes unpriced (cached input billed as reads).
    price_data: str = ""
    batch_prices: str = ""
    p95_basis: str = "estimated"
    rate_limit_tiers: list[str] = []
    cache_writes_unpriced: bool = False
    # The rule ``reason`` is the first sentence of (its headline rule; None: no rule decided).
    headline_rule: str | None = None
    # Its folder (or one above it) holds a rule set other than the one it was assessed with,
    # which may decide otherwise: said, not switched to (a review judges under one policy).
    folder_ruleset: FolderRuleSet | None = None


class ReviewOffPeak(BaseModel):
    """The recommended mode's month in its providers' off-peak hours: the tokens at those
    hours' prices, the build and infrastructure unchanged (``ModeCost.off_peak_total_usd``)."""

    model_config = _FROZEN
    monthly_usd: float
    providers: list[str]  # as the provider catalogue names them ("DeepSeek")
    windows_utc: list[str]  # "10:00-01:00", the longest first


class ReviewMove(BaseModel):
    model_config = _FROZEN
    name: str
    file: str
    current_mode: Mode
    recommendation: Mode
    saving_usd_per_month: float
    feasible: bool = True
    at_risk: bool = False
    reason: str = ""
    required: bool = False
    # The two monthly costs the saving is the difference of (the report says it in their step).
    current_monthly_usd: float = 0.0
    recommended_monthly_usd: float = 0.0


class ReviewAmortisation(BaseModel):
    model_config = _FROZEN
    months: int
    usd_per_person_week: float
    features: int


class ReviewBasis(BaseModel):
    """What the review's figures rest on, counted over its workloads (each count a number of
    features; the most common first)."""

    model_config = _FROZEN
    price_data: dict[str, int] = {}  # "genai-prices 0.2.3", "workload pricing override"
    batch_prices: dict[str, int] = {}  # catalogue, published discount, override, none
    amortisation: list[ReviewAmortisation] = []  # the cost model's months and rate a person-week
    # The rate limits the peaks are checked against: "<provider> <tier>", "the workload's own",
    # "none known" (a feature on models of two providers counts under each).
    rate_limit_tiers: dict[str, int] = {}
    p95: dict[str, int] = {}  # measured, estimated (from speeds), stand_in (a stand-in speed)
    unpriced: dict[str, int] = {}  # reasoning, prompt_cache_writes: features whose bill leaves it out


class ReviewDuplicate(BaseModel):
    model_config = _FROZEN
    name: str
    files: list[str]
    # Every file holds the same workload (comments and layout aside, as verify compares): a copy,
    # whose costs the totals add once per file.
    same_workload: bool = False


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
    # Per recommended mode: features already running in it, features moving into it from
    # another mode, and features whose recommended mode misses its contract as specified.
    already_in_mode: dict[Mode, int] = {}
    moving_in: dict[Mode, int] = {}
    not_feasible: dict[Mode, int] = {}
    not_feasible_on_stand_in: int = 0  # of them, missed on a stand-in speed: measure first
    at_risk: int = 0  # feasible batches whose window outlasts the budget
    # Features running today whose reasoning is not priced (their costs are a floor).
    reasoning_unpriced: int = 0
    build_upfront_usd: float = 0.0  # the moves' new builds, up front
    # The moves the rules require (today's mode ruled out or missing its contract) and the others.
    required_moves: int = 0
    required_moves_saving_usd_per_month: float = 0.0
    other_moves_saving_usd_per_month: float = 0.0
    # New features: not feasible as specified (count, monthly cost), reasoning not priced,
    # and their builds (a month, amortised; up front).
    new_not_feasible: int = 0
    new_not_feasible_monthly_usd: float = 0.0
    new_reasoning_unpriced: int = 0
    new_build_usd_per_month: float = 0.0
    new_build_upfront_usd: float = 0.0
    # The cost model's figures the builds are amortised with (each distinct one, sorted).
    amortisation_months: list[int] = []
    usd_per_person_week: list[float] = []
    # With a decisions folder: its advisor records by verify status, and the features with none.
    decision_records: dict[str, int] | None = None
    features_without_record: int | None = None
    basis: ReviewBasis = ReviewBasis()
    # Feature names used by more than one file (a name says which feature only with its
    # file): each name, sorted, with its files in the order reviewed.
    duplicate_names: list[ReviewDuplicate] = []
    # The folders holding a rule set other than the review's, with how many workloads under
    # each were assessed with the review's all the same (by folder).
    folder_rulesets: list[ReviewFolderRuleSets] = []


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
    # The decisions folder given (the first, when several are: every one in ``decisions_dirs``).
    decisions_dir: str | None
    decisions_dirs: list[str] = []
    # The decisions folders given that hold no advisor record, even in their subfolders.
    decisions_dirs_without_records: list[str] = []
    workloads: list[ReviewRow]
    summary: ReviewSummary
    errors: list[ReviewError]
    skipped: list[ReviewSkip] = []
    # How many files in the folders searched are not YAML (hidden ones too): counted, not listed.
    skipped_not_yaml: int = 0
    # With decisions folders: their advisor records in force (not superseded, rejected or
    # deprecated) that match no reviewed workload (the file they name was not reviewed, or,
    # naming none, no feature has their name).
    unmatched_decisions: list[DecisionLink] = []
    # With decisions folders: each workload file that two or more of their records in force name.
    several_records_in_force: list[SeveralRecordsInForce] = []
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


NOT_YAML = "not a YAML file (.yaml or .yml)"


class _Finder(FileFinder):
    """The workload files of the given paths (advisor.core.files.FileFinder): YAML files,
    not a rule set's own."""

    once = "reviewed once"

    def wanted(self, name: str, folder_names: frozenset[str]) -> str | None:
        if not _is_workload_name(name):
            return NOT_YAML
        if HEADER_FILE in folder_names:
            return f"part of a rule set (its folder has a {HEADER_FILE}), not a workload"
        return None


def workload_files(
    paths: Iterable[str | Path], *, recurse: bool = True
) -> tuple[list[Path], list[ReviewSkip], list[ReviewError], int]:
    """The workload files under ``paths``, the files passed over that might have been meant
    as workloads with why, the errors, and how many files were passed over as not YAML.

    A folder gives its ``*.yaml``/``*.yml`` files (any case), sorted by name, and those of
    its subfolders unless ``recurse`` is off; hidden files and folders, other files and a
    rule set's own files (a folder with a ruleset.yaml) are skipped. Each is listed with its
    reason but a file that is not YAML, hidden or not (a README, a decision record, a trace):
    those are only counted, as no one meant them as workloads, and a folder of code or
    Markdown next to the workloads would bury the rest. A file named on the command line is
    reviewed whatever its name. A path that does not exist is an error, not a stop.
    """
    finder = _Finder(recurse)
    for given in paths:
        finder.given(Path(given))
    skipped, not_yaml = [], 0
    for path, reason in finder.skipped:
        if reason == NOT_YAML or (reason == "hidden file" and not _is_workload_name(path.name)):
            not_yaml += 1
        else:
            skipped.append(ReviewSkip(file=str(path), reason=reason))
    return finder.files, skipped, [ReviewError(file=str(path), error=error) for path, error in finder.errors], not_yaml


class _FolderRules:
    """The rule set a workload file's folder holds, or the nearest folder above it (a folder with
    a ruleset.yaml, as the walk skips a rule set's own files), where it is not the rule set the
    review assesses with: looked up once a folder (its string as the file gives it), each folder
    above it once, and each such rule set's id read once."""

    def __init__(self, ruleset: RuleSet):
        self.used = os.path.realpath(ruleset.path)
        self.folders: dict[str, FolderRuleSet | None] = {}
        self.above: dict[str, str | None] = {}  # an absolute folder -> the nearest one with a rule set
        self.ids: dict[str, str | None] = {}

    def of(self, file: str) -> FolderRuleSet | None:
        folder = os.path.dirname(file)
        try:
            return self.folders[folder]
        except KeyError:
            pass
        found = self._holder(os.path.abspath(folder or "."))
        held = None
        if found is not None and os.path.realpath(found) != self.used:
            if found not in self.ids:
                self.ids[found] = _ruleset_id(found)
            held = FolderRuleSet(path=found if os.path.isabs(file) else os.path.relpath(found), id=self.ids[found])
        self.folders[folder] = held
        return held

    def _holder(self, folder: str) -> str | None:
        """The nearest folder from ``folder`` up that holds a ruleset.yaml (None: none does)."""
        passed: list[str] = []
        found: str | None = None
        while True:
            if folder in self.above:
                found = self.above[folder]
                break
            passed.append(folder)
            if os.path.isfile(os.path.join(folder, HEADER_FILE)):
                found = folder
                break
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        for each_folder in passed:
            self.above[each_folder] = found
        return found


def _ruleset_id(folder: str) -> str | None:
    """The id a rule set's ruleset.yaml gives (None where it cannot be read or gives none)."""
    path = os.path.join(folder, HEADER_FILE)
    try:
        data = parse_yaml(read_yaml_text(path), path)
    except AdvisorError:
        return None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


def folder_rules_flag(used: str, held: FolderRuleSet) -> str:
    """A row's flag: "assessed with advisor-default; its folder holds rule set acme-cost-first"."""
    which = f"rule set {held.id}" if held.id else f"another rule set ({held.path})"
    return f"assessed with {used}; its folder holds {which}"


class _Records:
    """The advisor-written records of the decisions folders, found and verified as ``advisor
    verify`` finds and verifies them (each folder with its subfolders; a record reached from
    two folders given, once), matched by the real path of the workload file they name, or,
    naming none, by the feature's name; and which of them a reviewed workload was linked to."""

    def __init__(self, directories: Sequence[Path], ruleset: RuleSet, price_date: datetime.date):
        for directory in directories:
            if (problem := folder_problem(directory)) is not None:
                raise InputError(
                    "no such decisions folder" if problem == "no such folder" else problem,
                    source=str(directory), field="--decisions",
                )
        from advisor.records.folder import read_record, record_number
        from advisor.records.inputs import read_inputs
        from advisor.records.verify import NOT_A_RECORD, NOT_IN_FORCE, found_nothing, several_in_force, verify
        from advisor.records.workload import workload_path

        self.by_file: dict[str, list[DecisionLink]] = {}
        self.by_name: dict[str, list[DecisionLink]] = {}
        self.all: list[DecisionLink] = []
        self.linked: set[int] = set()  # indexes in ``all`` of the records a workload was linked to
        # Indexes in ``all`` of the records no longer in force: superseded, rejected or deprecated.
        self.retired: set[int] = set()
        self.errors: list[ReviewError] = []
        self.read: list[Path] = []  # every Markdown file verify read there: a report never replaces one
        self.empty: list[str] = []  # the folders, as given, that hold no advisor record
        seen: set[str] = set()
        every: list[VerifyResult] = []  # each record once, from every folder: for several_in_force
        for directory in directories:
            results = verify([directory], rules=ruleset, price_date=price_date)
            if found_nothing(results):
                self.empty.append(str(directory))
            for result in results:
                path = Path(result.path)
                if result.status == "skipped":
                    if result.message == NOT_A_RECORD:
                        self.read.append(path)
                    continue  # passed over (a hidden folder, a broken link), or no advisor record
                self.read.append(path)
                real = os.path.realpath(path)
                if real in seen:
                    continue  # reached from an earlier folder given (one inside another)
                seen.add(real)
                every.append(result)
                try:
                    text = read_record(path)
                    inputs = read_inputs(text, str(path)) if text is not None else None
                except AdvisorError as exc:
                    self.errors.append(ReviewError(file=str(path), error=_describe(exc, path)))
                    continue
                if text is None or inputs is None:  # says advisor wrote it, but no embedded workload to match
                    continue
                recorded = inputs.stamp.workload_file
                link = DecisionLink(
                    number=record_number(path), path=str(path), matched_by="name" if recorded is None else "file",
                    status=result.status, note=_verify_note(result),
                )
                if result.status in NOT_IN_FORCE:  # verify reads a record's own status too
                    self.retired.add(len(self.all))
                self.all.append(link)
                if recorded is None:
                    self.by_name.setdefault(inputs.workload.name, []).append(link)
                else:
                    self.by_file.setdefault(os.path.realpath(workload_path(path, recorded)), []).append(link)
        self.index = {id(link): i for i, link in enumerate(self.all)}
        self.several = [SeveralRecordsInForce(**found.model_dump()) for found in several_in_force(every)]

    def links(self, file: str, name: str) -> list[DecisionLink]:
        """The records of the workload in ``file`` named ``name``: by the file they name, then,
        for records that name none, by the name."""
        found = [*self.by_file.get(os.path.realpath(file), ()), *self.by_name.get(name, ())]
        self.linked.update(self.index[id(link)] for link in found)
        return found

    def unmatched(self) -> list[DecisionLink]:
        """The records in force that no reviewed workload was linked to: a retired record
        (superseded, rejected, deprecated) whose workload is gone or renamed is no gap."""
        return [link for i, link in enumerate(self.all) if i not in self.linked and i not in self.retired]

    def statuses(self) -> dict[str, int]:
        """How many records have each status, in verify's order of them."""
        from advisor.records.verify import CHECKED, NOT_IN_FORCE

        order = (*CHECKED, *NOT_IN_FORCE)
        counts = {status: sum(link.status == status for link in self.all) for status in order}
        return {status: count for status, count in counts.items() if count}


def _compared(move: Mapping[str, Any]) -> float:
    """The larger of the two monthly costs a move's saving is the difference of (0 in a review
    written before they were kept): the step its cell says the saving in."""
    return larger(move.get("current_monthly_usd") or 0.0, move.get("recommended_monthly_usd") or 0.0)


def _compared_sum(moves: Iterable[Mapping[str, Any]]) -> float:
    """The larger of the two monthly costs some moves' saving together is the difference of
    (what they cost today, and in their recommended modes): the step the summary says it in,
    as a record says a saving ("$65", not "$65.28", between $615 and $550)."""
    moves = list(moves)
    return larger(math.fsum(m.get("current_monthly_usd") or 0.0 for m in moves),
                  math.fsum(m.get("recommended_monthly_usd") or 0.0 for m in moves))


def _verify_note(result: VerifyResult) -> str | None:
    """What verify found, in a few words: the decision or the cost that moved, the problem; for a
    record written with a rule set of another id, that first, as verify says it (its drift may be
    only the review's rule set)."""
    from .verify import ruleset_line

    note = _found(result)
    other = ruleset_line(result) if result.status in ("holds", "drifted") else None
    return "; ".join(part for part in (other, note) if part) or None


def _found(result: VerifyResult) -> str | None:
    """What verify found of the record itself, in a few words."""
    if result.status == "drifted":
        if result.current_mode != result.recorded_mode:
            return f"decision {result.recorded_mode} -> {result.current_mode}"
        if result.current_infeasible_reason is not None and result.recorded_feasible:
            return f"{result.recorded_mode} no longer meets its contract: {result.current_infeasible_reason}"
        moved = [c for c in result.cost_changes if c.beyond_tolerance]
        chosen = [c for c in moved if c.mode == result.recorded_mode] or moved[:1]
        return "; ".join(
            f"{c.mode} costs {money(c.recorded_usd)} -> {money(c.current_usd)} a month" for c in chosen
        ) or None
    if result.status == "inconsistent":
        return result.problems[0] if result.problems else result.message or None
    from advisor.records.verify import NOT_IN_FORCE

    if result.status == "unverifiable" or result.status in NOT_IN_FORCE:
        return result.message or None
    if result.workload_file_state == "missing":
        return "its workload file is not there: checked from its own inputs"
    if result.workload_file_state == "outside":
        return "its workload file lies outside the repository that holds it: checked from its own inputs"
    return result.message or None


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


class _RiskFigures(dict[str, str]):
    """The figures a risk's detail may name (advisor.core.policy.REVIEW_RISK_FIGURES); the
    p95 and the budget in the digits that tell them apart, and the budget apart from the
    lines the rules draw on it (``budget_seconds``), as the other views say them.

    Each is worked out when a detail first names it: a row's risks name a few of them (a
    speed assumed names the models and the p95), and working out all twelve for each row
    with a risk took about a twentieth of the review's time a file."""

    def __init__(
        self, cap: Capacity, lat: LatencyEstimate, current_mode: Mode | None, facts: Mapping[str, Any],
        price_date: datetime.date, budget_lines: tuple[float, ...] = (),
    ):
        super().__init__()
        self.cap, self.lat, self.current_mode, self.facts = cap, lat, current_mode, facts
        self.price_date, self.budget_lines = price_date, budget_lines
        self.digits: int | None = None

    def __missing__(self, name: str) -> str:
        value = self[name] = self._figure(name)
        return value

    def _figure(self, name: str) -> str:
        cap, lat, facts = self.cap, self.lat, self.facts
        days = facts.get("days_to_model_shutdown")
        if name == "shutdown_model":
            return facts.get("shutdown_model") or "none"
        if name == "days_to_shutdown":
            return "no shutdown announced" if days is None else f"{days:g} day{'' if days == 1 else 's'}"
        if name == "shutdown_date":
            return "none announced" if days is None else (self.price_date + datetime.timedelta(days=days)).isoformat()
        if name == "peak_use":
            return percent(1 - cap.headroom) if cap.headroom is not None else "unknown"
        if name == "peak_times":
            # The same use as a multiple ("3.3x"), as recommend and the record say it.
            return times(1 - cap.headroom) if cap.headroom is not None else "unknown"
        if name == "tighter_limit":
            return _tighter_limit(cap)
        if name == "limits_source":
            return cap.limits_source
        if name == "limits":
            return limits_label(cap.limits_source)  # whose limits at which tier, not the page they cite
        if name == "current_mode":
            return self.current_mode or "none"
        if name == "end_to_end_p95":
            return seconds(lat.end_to_end_p95_s, self._extra())
        if name == "latency_budget":
            return budget_seconds(lat.latency_budget_s, self._extra(), self.budget_lines)
        if name == "stand_ins":
            return " and ".join(lat.stand_ins) or "no model"
        raise KeyError(name)

    def _extra(self) -> int:
        """``budget_digits`` of the facts, for the p95 and the budget alike."""
        if self.digits is None:
            self.digits = budget_digits(self.facts)
        return self.digits


# The figures a risk's detail may name that rest on a cited document: the catalogue's rate
# limits (and its page, ``limits_source``) and the provider's announcement of a shutdown.
_LIMIT_FIGURES = frozenset({"peak_use", "peak_times", "tighter_limit", "limits_source", "limits"})
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
    figures: _RiskFigures | None = None
    for spec, check in ruleset.review_risk_checks:
        if not check(facts, []):
            continue
        if figures is None:
            figures = _RiskFigures(
                cap, lat, workload.current_mode, facts, price_date, ruleset.thresholds("latency_budget_s")
            )
        severity = float(facts[spec.severity]) if spec.severity else 1.0
        risks.append({
            "kind": spec.kind, "label": spec.label, "workload": workload.name, "file": file,
            "detail": fill(spec.detail, figures), "severity": severity,
            "source_ids": _risk_source_ids(spec.detail, cap, workload, facts, ruleset),
        })
    return risks


# Risks the review adds to the rule set's: the recommendation misses its contract as specified,
# and a feasible batch whose window outlasts the budget. Listed before the rule set's last kind
# (a shutdown to come), after its kinds of today.
NOT_FEASIBLE = ("not_feasible", "not feasible as specified")
AT_RISK = ("batch_at_risk", f"batch {AT_RISK_WORDS}")
# The rule set's risk of a p95 timed at a stand-in speed (rules/ruleset.yaml). Where the
# verdict rests on it (as recommend says: a feasible sync, streaming or async, or a miss on
# latency), the row's flag is the verdict's own words instead of its label.
ASSUMED_SPEED = "assumed_speed"
FEASIBLE_ON_ASSUMED_SPEED = "feasible on an assumed speed"  # recommend: "Feasible on an assumed speed"
# Said right after "not feasible as specified", as recommend says "NOT FEASIBLE as specified, on an
# assumed speed"; a benchmark's speed as the miss's reason says it ("is a benchmark's, not this call's").
ON_SPEED = {"stand_in": "on an assumed speed", "benchmark": "on a benchmark's speed"}


def _removed(kind: str, recommendation: Mode, feasible: bool) -> bool | None:
    """Does moving to the recommended mode remove a risk of this kind (None: not known)?"""
    if kind == "rate_limit":  # a queue or a batch, draining in time, takes the peak
        return feasible and recommendation in ("async", "batch")
    if kind == "compliance_on_sync":
        return recommendation not in ("sync", "streaming")
    if kind == "budget_missed":
        return feasible
    if kind in ("model_shutdown", ASSUMED_SPEED, NOT_FEASIBLE[0], AT_RISK[0]):
        return False
    return None


def _move_reason(
    ruleset: RuleSet, current: Mode, saving: float, ruled_out_by: Sequence[str], unmet_by: Sequence[str],
    decided_by: Sequence[str], recommendation: Mode,
) -> tuple[str, bool]:
    """A move's deciding reason in a few words, and whether the rules require it: a rule rules
    today's mode out (not for its cost) or today's mode misses its contract. Otherwise the
    first deciding rule that weighs the recommended mode above today's (not one that decided
    by ruling a third mode out)."""
    for rule_id in ruled_out_by:
        rule = ruleset.rule(rule_id)
        if current in rule.excludes:
            return f"required: {rule.spec.title}", True
    if unmet_by:
        return f"contract: {ruleset.rule(unmet_by[0]).spec.title}", True
    if saving > 0:
        return "cost", False
    weighing = [(rule_id, ruleset.rule(rule_id).spec.effect.scores) for rule_id in decided_by]
    above = [(rule_id, scores) for rule_id, scores in weighing
             if scores.get(recommendation, 0.0) > scores.get(current, 0.0)]
    # A rule whose own favourite is the recommended mode says it best; else one that at least
    # weighs it above today's.
    best = next((rule_id for rule_id, scores in above if max(scores.values()) == scores[recommendation]),
                above[0][0] if above else None)
    return (f"preferred: {ruleset.rule(best).spec.title}" if best else "preferred by the rules' scores"), False


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
    usd_per_person_week: float = 0.0,
    on_stand_in: bool = False,
    why_not_current: Callable[[], tuple[Sequence[str], Sequence[str]]] | None = None,
    *,
    price_basis: tuple[str, str, bool] = ("", "", False),
    headline_rule: str | None = None,
    unpriced: Sequence[UnpricedReasoning] = (),
    on_benchmark: bool = False,
    folder_rules: FolderRuleSet | None = None,
    off_peak: OffPeakHours | None = None,
) -> dict[str, Any]:
    """One workload's row as data: what ``ReviewRow(**row).model_dump(mode="json")`` gives,
    key for key (a review too large to keep writes it as it is). ``why_not_current``: the
    rules that rule today's mode out and those it misses its contract by, asked only of a move.
    ``price_basis``: the price data, where the batch prices come from, and whether prompt-cache
    writes are left unpriced. ``on_stand_in`` / ``on_benchmark``: the recommendation misses its
    contract on latency timed at a stand-in / at a benchmark's speed. ``folder_rules``: the rule
    set its folder holds, where it is not ``ruleset``. ``off_peak``: the hours its price is lowest
    in, where it depends on the hour."""
    current = w.current_mode
    # Today is the current mode's monthly cost (its build is paid); a move adds what the new
    # mode's build adds to today's (advisor.core.cost.move_build).
    today_cost = costs[current].total_usd if current else None
    moving = current is not None and current != recommendation
    chosen = costs[recommendation]
    saving = None if today_cost is None else today_cost - chosen.total_usd
    feasible = infeasible_reason is None
    risks = _risks(facts, cap, lat, w, file, ruleset, price_date)
    # A feasible batch whose window outlasts the budget (as recommend says it: at risk).
    at_risk_reason = window_outlasts_budget(
        recommendation, facts, w.latency_budget_s, lat.calls, ruleset.thresholds("latency_budget_s"),
        usual_batch_s(ruleset.catalogue, w.provider),
    ) if feasible else None
    added = [(NOT_FEASIBLE, infeasible_reason), (AT_RISK, at_risk_reason)]
    for (kind, label), detail in added:
        if detail is not None:
            risks.append({"kind": kind, "label": label, "workload": w.name, "file": file, "detail": detail,
                          "severity": 1.0, "source_ids": ()})
    for risk in risks:
        risk["live"] = current is not None
        risk["removed_by_recommendation"] = _removed(risk["kind"], recommendation, feasible)
    cost_note = (
        move_words(current, recommendation, costs, amortisation_months, batch_breakeven,
                   modes=ruleset.header.modes)
        if saving is not None and saving < 0 else None
    )
    build = chosen.engineering_usd if moving or current is None else 0.0
    # The verdict rests on a speed no one measured for this call, as recommend says it: a feasible
    # recommendation timed at a stand-in (not batch: judged by its window, which no speed moves),
    # or a miss on latency at a stand-in's or a benchmark's speed.
    assumed: Literal["stand_in", "benchmark"] | None = (
        "stand_in" if on_stand_in or (feasible and lat.stand_ins and recommendation != "batch")
        else "benchmark" if on_benchmark and not feasible else None
    )
    move_reason, required = None, False
    if moving and why_not_current is not None:
        assert current is not None
        ruled_out_by, unmet_by = why_not_current()
        move_reason, required = _move_reason(ruleset, current, saving or 0.0, ruled_out_by, unmet_by, decided_by,
                                               recommendation)
    return {
        "name": w.name,
        "file": file,
        "current_mode": current,
        "recommendation": recommendation,
        "moves": moving,
        "reason": reason,
        "feasible": feasible,
        "infeasible_reason": infeasible_reason,
        "decided_by": list(decided_by),
        "current_monthly_usd": today_cost,
        "recommended_monthly_usd": chosen.total_usd,
        "saving_usd_per_month": saving,
        "build_usd_per_month": build,
        "cost_note": cost_note,
        "reasoning_tokens_unpriced": bool(lat.reasoning_unpriced),
        "current_reasoning_unpriced_usd": None if current is None or not unpriced
        else sum(u.usd_per_month[current] for u in unpriced),
        "recommended_reasoning_unpriced_usd": sum(u.usd_per_month[recommendation] for u in unpriced)
        if unpriced else None,
        "recommended_off_peak": _off_peak(off_peak, chosen, facts, ruleset),
        "flags": _flags(risks, feasible, assumed) + (
            [folder_rules_flag(ruleset.id, folder_rules)] if folder_rules is not None else []
        ),
        "risks": risks,
        "decisions": [link.model_dump(mode="json") for link in decisions or ()],
        "at_risk": at_risk_reason is not None,
        "at_risk_reason": at_risk_reason,
        "not_feasible_on_stand_in": on_stand_in,
        "verdict_on_assumed_speed": assumed,
        "build_upfront_usd": _charged_weeks(chosen) * usd_per_person_week if build else 0.0,
        "amortisation_months": amortisation_months,
        "usd_per_person_week": usd_per_person_week,
        "move_reason": move_reason,
        "move_required": required,
        "price_data": price_basis[0],
        "batch_prices": price_basis[1],
        "p95_basis": _p95_basis(lat),
        "rate_limit_tiers": _limit_tiers(cap, ruleset.catalogue),
        "cache_writes_unpriced": price_basis[2],
        "headline_rule": headline_rule,
        "folder_ruleset": None if folder_rules is None else folder_rules.model_dump(),
    }


def _off_peak(hours: OffPeakHours | None, chosen: ModeCost, facts: Mapping[str, Any],
              ruleset: RuleSet) -> dict[str, Any] | None:
    """The recommended mode's month in the off-peak hours, as the record's cost note gives it
    ("Scheduled into them"): where no one waits on the answer and the mode can be scheduled
    (its ``off_peak_total_usd``). None elsewhere: a call someone waits on runs when asked."""
    if hours is None or chosen.off_peak_total_usd is None or facts.get("someone_waiting", True):
        return None
    return {"monthly_usd": chosen.off_peak_total_usd,
            "providers": provider_names(ruleset.catalogue, hours.providers),
            "windows_utc": list(hours.windows_utc)}


def _charged_weeks(cost: ModeCost) -> float:
    """The person-weeks a mode's monthly cost charges (a move: what its build adds to today's)."""
    charged = cost.engineering_person_weeks_charged
    return cost.engineering_person_weeks if charged is None else charged


def _flags(risks: Sequence[Mapping[str, Any]], feasible: bool, assumed: str | None) -> list[str]:
    """The row's flags: its risks' labels, a verdict that rests on a speed no one measured for
    this call said in the verdict's words ("feasible on an assumed speed"; "not feasible as
    specified" followed by "on an assumed speed" or "on a benchmark's speed"), where the rule
    set's "p95 on an assumed speed" would say less."""
    flags: list[str] = []
    for r in risks:
        if r["kind"] == ASSUMED_SPEED and assumed == "stand_in":
            continue
        flags.append(r["label"])
        if r["kind"] == NOT_FEASIBLE[0] and assumed is not None:
            flags.append(ON_SPEED[assumed])
    if feasible and assumed == "stand_in":
        flags.append(FEASIBLE_ON_ASSUMED_SPEED)
    return flags


def _p95_basis(lat: LatencyEstimate) -> str:
    """How the p95 was come by: "stand_in" (a model timed at a stand-in speed: no measured
    speed, no time given), "measured" (every call's time given), else "estimated" (from the
    models' speeds, published or given)."""
    if lat.stand_ins:
        return "stand_in"
    return "measured" if lat.measured else "estimated"


def _limit_tiers(cap: Capacity, catalogue: Catalogue) -> list[str]:
    """The rate limits the peak is checked against, once each: "OpenAI tier-1" (the provider
    catalogue's at that account tier), "the workload's own" or "none known"."""
    labels: list[str] = []
    for m in cap.models:
        if m.limits_source == PROFILE_LIMITS:
            label = "the workload's own"
        elif m.utilisation is None:
            label = "none known"
        else:
            spec = catalogue.provider(m.provider)
            name = spec.name if spec is not None else m.provider
            label = f"{name} {m.tier}" if m.tier else name
        if label not in labels:
            labels.append(label)
    return labels


def _why_not(evaluation: Evaluation, mode: Mode | None) -> tuple[Sequence[str], Sequence[str]]:
    """The rules that rule ``mode`` out, and those it misses its contract by."""
    if mode is None:
        return (), ()
    return evaluation.excluded.get(mode, ()), evaluation.unmet.get(mode, ())


def review_row(a: Assessment, file: str, ruleset: RuleSet, decisions: list[DecisionLink] | None = None) -> ReviewRow:
    """One workload's row, from its assessment."""
    current = a.workload.current_mode

    def why_not_current() -> tuple[list[str], list[str]]:
        ruled_out = [rule for x in a.excluded if x.mode == current for rule in x.rules]
        unmet = [rule for x in a.unmet if x.mode == current for rule in x.rules]
        return ruled_out, unmet

    unmet_by = [rule for x in a.unmet if x.mode == a.recommendation for rule in x.rules]
    on_stand_in = not a.feasible and latency_miss_on_stand_in(ruleset, unmet_by, a.latency)
    on_benchmark = not a.feasible and latency_miss_on_benchmark(ruleset, unmet_by, a.latency)
    return ReviewRow.model_validate(_row(
        a.workload, a.recommendation, a.reason, a.infeasible_reason, a.decided_by, a.costs,
        a.pricing.amortisation_months, a.pricing.batch_breakeven_requests_per_month, a.capacity, a.latency, a.facts,
        file, ruleset, decisions, a.price_date, a.pricing.usd_per_person_week, on_stand_in, why_not_current,
        price_basis=(a.pricing.data_version, a.pricing.batch_source, cache_writes_unpriced(a.pricing.steps)),
        headline_rule=headline_rule_of(ruleset, a.decided_by, a.recommendation),
        unpriced=a.pricing.unpriced_reasoning, on_benchmark=on_benchmark,
        folder_rules=_FolderRules(ruleset).of(file), off_peak=a.pricing.off_peak,
    ))


class _Tally:
    """What the summary needs of the rows, kept as they go by (a review of 100,000 workloads
    keeps no row): counts, the amounts to add up, the moves and the risks."""

    def __init__(self, ruleset: RuleSet, records: _Records | None = None):
        self.ruleset = ruleset
        self.records = records
        kinds = [spec.kind for spec in ruleset.header.review_risks]
        # The review's own kinds go before a shutdown to come (the rule set's last, not of today).
        at = kinds.index("model_shutdown") if "model_shutdown" in kinds else len(kinds)
        kinds[at:at] = [NOT_FEASIBLE[0], AT_RISK[0]]
        self.order = {kind: i for i, kind in enumerate(kinds)}
        self.rows = 0
        self.recommended = dict.fromkeys(MODES, 0)
        self.current = dict.fromkeys((*MODES, "none"), 0)
        self.already = dict.fromkeys(MODES, 0)
        self.moving_in = dict.fromkeys(MODES, 0)
        self.not_feasible = dict.fromkeys(MODES, 0)
        self.stand_in = 0
        self.at_risk = 0
        self.unpriced = 0
        self.new_unpriced = 0
        self.unrecorded = 0
        self.today: list[float] = []
        self.after: list[float] = []
        self.saving: list[float] = []
        self.build: list[float] = []
        self.upfront: list[float] = []
        self.required: list[float] = []
        self.other: list[float] = []
        self.new: list[float] = []
        self.new_not_feasible: list[float] = []
        self.new_build: list[float] = []
        self.new_upfront: list[float] = []
        self.months: set[int] = set()
        self.rates: set[float] = set()
        self.moves: list[tuple[Any, ...]] = []
        self.risks: list[tuple[Any, ...]] = []
        self.cited: dict[str, None] = {}  # every id a risk cites, once: no more than the documents
        # What the figures rest on (ReviewBasis), counted: a few distinct keys, not a row each.
        self.price_data: dict[str, int] = {}
        self.batch_prices: dict[str, int] = {}
        self.amortisation: dict[tuple[int, float], int] = {}
        self.limit_tiers: dict[str, int] = {}
        self.p95 = {"measured": 0, "estimated": 0, "stand_in": 0}
        self.cache_writes = 0
        # Each feature name's first file (the file's string is the one the file list keeps),
        # and the files of a name used more than once.
        self.names: dict[str, str] = {}
        self.duplicates: dict[str, list[str]] = {}
        # The rule sets of their own the workloads' folders hold, by folder: its id and how many.
        self.folder_rules: dict[str, tuple[str | None, int]] = {}

    def add(self, row: Mapping[str, Any]) -> None:
        """One row, as ``ReviewRow`` data."""
        self.rows += 1
        current, recommended = row["current_mode"], row["recommendation"]
        self.recommended[recommended] += 1
        self.current[current or "none"] += 1
        if current == recommended:
            self.already[recommended] += 1
        elif current is not None:
            self.moving_in[recommended] += 1
        if not row["feasible"]:
            self.not_feasible[recommended] += 1
            self.stand_in += bool(row.get("not_feasible_on_stand_in"))
        self.at_risk += bool(row.get("at_risk"))
        unpriced = bool(row.get("reasoning_tokens_unpriced"))
        for counts, key in ((self.price_data, row.get("price_data")), (self.batch_prices, row.get("batch_prices"))):
            if key:
                counts[key] = counts.get(key, 0) + 1
        used = (row.get("amortisation_months", 0), row.get("usd_per_person_week", 0.0))
        self.amortisation[used] = self.amortisation.get(used, 0) + 1
        for label in row.get("rate_limit_tiers", ()):
            self.limit_tiers[label] = self.limit_tiers.get(label, 0) + 1
        basis = row.get("p95_basis")
        if basis in self.p95:
            self.p95[basis] += 1
        self.cache_writes += bool(row.get("cache_writes_unpriced"))
        held = row.get("folder_ruleset")
        if held is not None:
            count = self.folder_rules.get(held["path"], (None, 0))[1]
            self.folder_rules[held["path"]] = (held["id"], count + 1)
        first = self.names.setdefault(row["name"], row["file"])
        if first != row["file"]:
            self.duplicates.setdefault(row["name"], [first]).append(row["file"])
        if row.get("build_usd_per_month"):
            self.months.add(row.get("amortisation_months", 0))
            self.rates.add(row.get("usd_per_person_week", 0.0))
        if row["current_monthly_usd"] is not None:
            self.today.append(row["current_monthly_usd"] or 0.0)
            self.after.append(row["recommended_monthly_usd"])
            self.saving.append(row["saving_usd_per_month"] or 0.0)
            self.build.append(row["build_usd_per_month"])
            self.upfront.append(row.get("build_upfront_usd", 0.0))
            self.unpriced += unpriced
        else:
            self.new.append(row["recommended_monthly_usd"])
            self.new_build.append(row["build_usd_per_month"])
            self.new_upfront.append(row.get("build_upfront_usd", 0.0))
            self.new_unpriced += unpriced
            if not row["feasible"]:
                self.new_not_feasible.append(row["recommended_monthly_usd"])
        if row["moves"] and current is not None:
            saving = row["saving_usd_per_month"] or 0.0
            required = bool(row.get("move_required"))
            (self.required if required else self.other).append(saving)
            self.moves.append((
                row["name"], row["file"], current, recommended, saving, row["feasible"], bool(row.get("at_risk")),
                row.get("move_reason") or "", required, row["current_monthly_usd"], row["recommended_monthly_usd"],
            ))
        if self.records is not None and not row["decisions"]:
            self.unrecorded += 1
        for r in row["risks"]:
            self.risks.append((
                r["kind"], r["label"], r["workload"], r["file"], r["detail"], r["severity"], r["source_ids"],
                r.get("live", False), r.get("removed_by_recommendation"),
            ))
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

    def tail(self) -> dict[str, Any]:
        """The summary's fields after its risks."""
        records = self.records
        return {
            "already_in_mode": self.already,
            "moving_in": self.moving_in,
            "not_feasible": self.not_feasible,
            "not_feasible_on_stand_in": self.stand_in,
            "at_risk": self.at_risk,
            "reasoning_unpriced": self.unpriced,
            "build_upfront_usd": math.fsum(self.upfront),
            "required_moves": len(self.required),
            "required_moves_saving_usd_per_month": math.fsum(self.required),
            "other_moves_saving_usd_per_month": math.fsum(self.other),
            "new_not_feasible": len(self.new_not_feasible),
            "new_not_feasible_monthly_usd": math.fsum(self.new_not_feasible),
            "new_reasoning_unpriced": self.new_unpriced,
            "new_build_usd_per_month": math.fsum(self.new_build),
            "new_build_upfront_usd": math.fsum(self.new_upfront),
            "amortisation_months": sorted(self.months),
            "usd_per_person_week": sorted(self.rates),
            "decision_records": None if records is None else records.statuses(),
            "features_without_record": None if records is None else self.unrecorded,
            "basis": self.basis(),
            "duplicate_names": [
                {"name": name, "files": files, "same_workload": _same_workload(files)}
                for name, files in sorted(self.duplicates.items())
            ],
            "folder_rulesets": [
                {"path": path, "id": held, "workloads": n} for path, (held, n) in sorted(self.folder_rules.items())
            ],
        }

    def basis(self) -> dict[str, Any]:
        """What the figures rest on, as ``ReviewBasis`` data: each count most common first."""
        return {
            "price_data": _most_first(self.price_data),
            "batch_prices": _most_first(self.batch_prices),
            "amortisation": [
                {"months": months, "usd_per_person_week": rate, "features": n}
                for (months, rate), n in sorted(self.amortisation.items(), key=lambda item: (-item[1], item[0]))
            ],
            "rate_limit_tiers": _most_first(self.limit_tiers),
            "p95": dict(self.p95),
            "unpriced": {"reasoning": self.unpriced + self.new_unpriced, "prompt_cache_writes": self.cache_writes},
        }

    def sources(self) -> dict[str, SourceInfo]:
        """The documents the risks cite, by id, as an assessment's ``sources`` gives them."""
        ruleset = self.ruleset
        return source_map(self.cited, ruleset.header.sources, ruleset.catalogue)

    def sorted_risks(self) -> list[tuple[Any, ...]]:
        """Live risks (a feature running today) before planned ones; then in the order of their
        kinds (the rule set's, the review's own before a shutdown to come), worst first within a
        kind."""
        order = self.order
        last = len(order)
        return sorted(self.risks, key=lambda k: (not k[7], order.get(k[0], last), -k[5], k[2], k[3]))

    def sorted_moves(self) -> list[tuple[Any, ...]]:
        """The largest saving first, then the extra costs, the smallest first."""
        return sorted(self.moves, key=lambda m: (-m[4], m[0], m[1]))

    def summary(self, broken_files: int) -> ReviewSummary:
        return ReviewSummary(
            **self.head(broken_files),
            moves=[ReviewMove(**dict(zip(_MOVE_FIELDS, move, strict=True))) for move in self.sorted_moves()],
            **self.amounts(),
            risks=[ReviewRisk(**dict(zip(_RISK_FIELDS, risk, strict=True))) for risk in self.sorted_risks()],
            **self.tail(),
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
        yield from _json_list((dict(zip(_MOVE_FIELDS, move, strict=True)) for move in self.sorted_moves()), 2)
        for key, value in self.amounts().items():
            yield f",\n    {_json(key, 2)}: {_json(value, 2)}"
        yield ',\n    "risks": '
        yield from _json_list((dict(zip(_RISK_FIELDS, risk, strict=True)) for risk in self.sorted_risks()), 2)
        for key, value in self.tail().items():
            yield f",\n    {_json(key, 2)}: {_json(value, 2)}"
        yield "\n  }"


def _same_workload(files: Sequence[str]) -> bool:
    """Whether the files (of one feature name) hold one workload, comments and layout aside.
    Read again here, for the few names used twice: the review's rows keep no workload."""
    from advisor.core.profile import load_profile
    from advisor.records.workload import compared_data

    try:
        data = (compared_data(load_profile(file)) for file in files)
        first = next(data)
        return all(other == first for other in data)  # read up to the first that differs
    except AdvisorError:  # changed since it was assessed: not known to be a copy
        return False


def _most_first(counts: Mapping[str, int]) -> dict[str, int]:
    """Counts, the largest first, then by key (a stable order, whatever order they came in)."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


_MOVE_FIELDS = tuple(ReviewMove.model_fields)
_RISK_FIELDS = tuple(ReviewRisk.model_fields)
assert _MOVE_FIELDS == (
    "name", "file", "current_mode", "recommendation", "saving_usd_per_month", "feasible", "at_risk", "reason",
    "required", "current_monthly_usd", "recommended_monthly_usd",
)
assert _RISK_FIELDS == (
    "kind", "label", "workload", "file", "detail", "severity", "source_ids", "live", "removed_by_recommendation",
)


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
        deeper = level + 1
        pad = "\n" + "  " * deeper
        leaf = _LEAF.get
        items = []
        for key, item in value.items():
            write = leaf(item.__class__)
            items.append(f"{pad}{_encode_string(key)}: {_json(item, deeper) if write is None else write(item)}")
        return "{" + ",".join(items) + "\n" + "  " * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        deeper = level + 1
        pad = "\n" + "  " * deeper
        leaf = _LEAF.get
        parts = []
        for item in value:
            write = leaf(item.__class__)
            parts.append(pad + (_json(item, deeper) if write is None else write(item)))
        return "[" + ",".join(parts) + "\n" + "  " * level + "]"
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).replace("\n", "\n" + "  " * level)


_encode_string = json.encoder.encode_basestring  # the C one where there is one, as json.dumps uses


def _finite(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
    return float.__repr__(value)


# A row is mostly scalars: each written by its exact type without a call of _json (about 70
# values a row). A subclass (an enum of str) takes _json's own way, to the same text.
_LEAF: dict[type, Callable[[Any], str]] = {
    str: _encode_string, int: int.__repr__, float: _finite, bool: ("false", "true").__getitem__,
    type(None): {None: "null"}.__getitem__,
}


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
        rules: RuleSet | str | Path | None = None,
        decisions_dir: str | Path | Sequence[str | Path] | None = None,
        price_date: datetime.date | str | None = None,
        progress: Callable[[int, int], None] | None = None,
        recurse: bool = True,
    ):
        if isinstance(paths, (str, Path)):
            paths = [paths]
        self.ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
        self.when = price_date_or_today(price_date)
        # One decisions folder or several (--decisions given more than once), each as given.
        folders = [] if decisions_dir is None else (
            [decisions_dir] if isinstance(decisions_dir, (str, Path)) else list(decisions_dir)
        )
        self.decisions_dirs = [str(folder) for folder in folders]
        self.decisions_dir = self.decisions_dirs[0] if folders else None
        self.progress = progress
        self.files, self.skipped, self.errors, self.skipped_not_yaml = workload_files(paths, recurse=recurse)
        if not self.files:
            # Nothing to review (no such path, an empty folder): one line, not an empty report.
            shown = ", ".join(str(p) for p in paths) or "(no paths)"
            skipped, other = self.skipped, self.skipped_not_yaml
            passed = f"; {len(skipped)} file{'s' if len(skipped) != 1 else ''} skipped: " + "; ".join(
                f"{s.file} ({s.reason})" for s in skipped[:5]
            ) + ("; ..." if len(skipped) > 5 else "") if skipped else ""
            if other:
                passed += f"; {other}{' other' if skipped else ''} file{'s' if other != 1 else ''} that " + (
                    "is not YAML" if other == 1 else "are not YAML"
                )
            wrong = "".join(f"; {e.file}: {e.error}" for e in self.errors[:5]) + (
                "; ..." if len(self.errors) > 5 else ""
            )
            hints = {hint for p in paths if (hint := worked_example_hint(p)) is not None}
            wrong += "".join(f"; {hint}" for hint in sorted(hints))
            raise InputError(
                f"no workload files ({', '.join('*' + s for s in WORKLOAD_SUFFIXES)}) found in {shown}{wrong}{passed}"
            )
        self.records: _Records | None = None
        if folders:
            self.records = _Records([Path(folder) for folder in folders], self.ruleset, self.when)
            self.errors.extend(self.records.errors)

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each workload's row as ``ReviewRow`` data, in the order of the files.

        The files are assessed a batch at a time, one step over the whole batch before the
        next (read them all, parse them all, validate them all, situate them all, ...): each
        step's code stays hot in the processor's caches, about a fifth less time a file than
        one file start to finish. Each step is the one ``load_profile`` and ``assess`` take.
        """
        ruleset, when, files = self.ruleset, self.when, self.files
        folder_rules = _FolderRules(ruleset)
        for start in range(0, len(files), _BATCH):
            batch = files[start:start + _BATCH]
            names = [str(file) for file in batch]
            # Each file's result at each step, or the error that stopped it (kept to the end).
            texts = each(read_yaml_text, batch)
            profiles = each(parse_profile, each(parse_yaml, texts, names), names)
            situations = situate_each(profiles, ruleset, when)
            evaluations = each(lambda situation: ruleset.evaluate(situation.facts), situations)
            heads = each(lambda evaluation: headline(ruleset, evaluation), evaluations)
            rows = []
            for done, (file, name, profile, situation, evaluation, head) in enumerate(
                zip(batch, names, profiles, situations, evaluations, heads, strict=True), start + 1
            ):
                if isinstance(head, AdvisorError):
                    self.errors.append(ReviewError(file=name, error=_describe(head, file)))
                else:
                    costs = situation.costs
                    rows.append(_row(
                        profile, evaluation.recommendation, head[1],
                        infeasible_reason_of(ruleset, evaluation, situation.latency, stepped=profile.steps is not None),
                        evaluation.decided_by, costs.modes,
                        costs.amortisation_months, costs.batch_breakeven_requests_per_month, situation.capacity,
                        situation.latency, situation.facts, name, ruleset,
                        self.records.links(name, profile.name) if self.records is not None else None,
                        situation.card.price_date, costs.usd_per_person_week,
                        missed_on_stand_in(ruleset, evaluation, situation.latency),
                        functools.partial(_why_not, evaluation, profile.current_mode),
                        price_basis=(costs.data_version, situation.card.batch_source,
                                     cache_writes_unpriced(costs.steps)),
                        headline_rule=head[0],
                        # Worked out only where a reasoning model's reasoning is left out (rare).
                        unpriced=unpriced_reasoning(profile, situation.steps, situation.latency, situation.card,
                                                    ruleset.catalogue) if situation.latency.reasoning_unpriced
                        else (),
                        on_benchmark=not evaluation.feasible and latency_miss_on_benchmark(
                            ruleset, evaluation.unmet[evaluation.recommendation], situation.latency),
                        folder_rules=folder_rules.of(name), off_peak=costs.off_peak,
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
            "decisions_dir": self.decisions_dir,
            "decisions_dirs": self.decisions_dirs,
            "decisions_dirs_without_records": self.records.empty if self.records is not None else [],
        }

    def result(self) -> Review:
        """The whole review, every row kept."""
        tally = _Tally(self.ruleset, self.records)
        rows = []
        for row in self.rows():
            tally.add(row)
            rows.append(ReviewRow.model_validate(row))
        result = Review(
            **self._head(), workloads=rows, summary=tally.summary(len(self.errors)), errors=self.errors,
            skipped=self.skipped, skipped_not_yaml=self.skipped_not_yaml, unmatched_decisions=self._unmatched(),
            several_records_in_force=self._several(), sources=tally.sources(),
        )
        result._rules = self.ruleset
        return result

    def _unmatched(self) -> list[DecisionLink]:
        return self.records.unmatched() if self.records is not None else []

    def _several(self) -> list[SeveralRecordsInForce]:
        return self.records.several if self.records is not None else []

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
        tally = _Tally(self.ruleset, self.records)

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
        yield ',\n  "skipped_not_yaml": ' + _json(self.skipped_not_yaml, 1)
        yield ',\n  "unmatched_decisions": ' + _json([d.model_dump(mode="json") for d in self._unmatched()], 1)
        yield ',\n  "several_records_in_force": ' + _json([d.model_dump(mode="json") for d in self._several()], 1)
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
        tally = _Tally(self.ruleset, self.records)
        lines = []
        why: dict[str, str] = {}  # each headline rule's reason, once (no more than the rules)
        kept = []  # of each row that leaves reasoning out or runs on a retiring model, what the summary says
        to_act: list[Markup] = []  # the records that do not hold, named under the summary's count
        for row in self.rows():
            tally.add(row)
            lines.append(_workload_line(row, base, decisions, self.ruleset))
            to_act += _not_holding(row, base)
            left_out = _left_out(row)
            if any(left_out[1:]):  # the rest add nothing: 100,000 rows are not kept for a few
                kept.append(left_out)
            if row["headline_rule"] is not None:
                why.setdefault(row["headline_rule"], row["reason"])
        head = self._head()
        risks = tally.sorted_risks()
        context = _report_context(
            head["advisor_version"], head["ruleset"], self.when, head["decisions_dir"], self.ruleset,
            {**tally.head(len(self.errors)), **tally.amounts(), **tally.tail()},
            [dict(zip(_MOVE_FIELDS, move, strict=True)) for move in tally.sorted_moves()],
            [dict(zip(_RISK_FIELDS, risk, strict=True)) for risk in risks[:TOP_RISKS]], len(risks),
            [_decision_cell(d.model_dump(), base) for d in self._unmatched()], tally.sources(),
            head["decisions_dirs_without_records"], [d.fix for d in self._several()],
        )
        del risks
        context["summary"].update(_left_out_and_retiring(kept))
        if context["summary"]["records"] is not None:
            context["summary"]["records"]["to_act"] = to_act
        context["rows"] = lines
        context["why"] = _why_in_full(why, self.ruleset)
        context["errors"] = [e.model_dump() for e in self.errors]
        context["skipped"] = [e.model_dump() for e in self.skipped]
        context["skipped_not_yaml"] = self.skipped_not_yaml
        from .templates import environment

        yield from environment().get_template(TEMPLATE).generate(context)


def review(
    paths: Sequence[str | Path],
    *,
    rules: RuleSet | str | Path | None = None,
    decisions_dir: str | Path | Sequence[str | Path] | None = None,
    price_date: datetime.date | str | None = None,
    progress: Callable[[int, int], None] | None = None,
    recurse: bool = True,
) -> Review:
    """Assess every workload under ``paths``; broken files are listed in ``errors``, files
    passed over (hidden, a rule set's) in ``skipped``, each with why, and those that are not
    YAML counted in ``skipped_not_yaml``. No workload
    file at all under ``paths`` (an empty folder, a path that does not exist) is an
    InputError that names each path's problem.

    Folders are searched with their subfolders unless ``recurse=False``. ``decisions_dir``
    (one folder, or a list of them) links each workload to its advisor records there, found
    as ``advisor verify`` finds them (subfolders too).
    ``progress(done, total)`` is called after each file (the CLI draws its bar with it).
    ``ReviewRun(...).json()`` writes the JSON of a review too large to keep, a row at a time.
    """
    paths = check_paths(paths, "paths", "the path of a workload file or folder")
    if decisions_dir is not None:
        decisions_dir = check_paths(decisions_dir, "decisions_dir", "the path of a decisions folder")
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
    # A name that is not UTF-8 (a Latin-1 folder) is linked by its own bytes, %E9 for 0xE9,
    # as the file system has it; strict UTF-8 raised UnicodeEncodeError on its stand-ins.
    return urllib.parse.quote(target.as_posix(), errors="surrogateescape")


def _rule_title(ruleset: RuleSet, rule_id: str) -> str:
    try:
        return ruleset.rule(rule_id).spec.title
    except KeyError:  # a row made under another rule set: its id says which rule
        return rule_id


def _as_sentence(title: str) -> str:
    """A rule's title as the first sentence of a cell: "Minutes to an hour is async."."""
    return title if title.endswith((".", "!", "?")) else title + "."


def _why_in_full(why: Mapping[str, str], ruleset: RuleSet) -> list[dict[str, str]]:
    """Each headline rule of the Workloads table, once, in the order the table first gives
    it: its title, its id and its reason in full (what the rows' ``reason`` says)."""
    return [
        {"title": _rule_title(ruleset, rule_id), "id": rule_id, "reason": reason} for rule_id, reason in why.items()
    ]


def _workload_line(row: Mapping[str, Any], base: Path | None, decisions: bool, ruleset: RuleSet) -> Markup:
    """A workload's line of the report's Workloads table (``ReviewRow`` data in), Markdown
    already: the template's ``workload_line`` escapes its free text. Its Why is the headline
    rule's title, its text given once below the table (``_why_in_full``)."""
    from markupsafe import Markup

    # The monthly costs leave out the reasoning of a model that reasons (no reasoning_tokens given).
    def unpriced(amount: float | None) -> str:
        if not row.get("reasoning_tokens_unpriced"):
            return ""
        # What the latency's own reasoning would add, where it is worked out.
        more = f": about {money(amount)} more" if amount is not None else ""
        return f" (reasoning tokens not priced{more})"

    cells = {
        "name": row["name"],
        "file": row["file"],
        "current": row["current_mode"] or "new",
        "recommendation": row["recommendation"],
        "moves": row["moves"],
        "reason": row["reason"] if row.get("headline_rule") is None else _as_sentence(
            _rule_title(ruleset, row["headline_rule"])
        ),
        "infeasible_reason": row["infeasible_reason"],
        "today": _usd(row["current_monthly_usd"]) + (
            unpriced(row.get("current_reasoning_unpriced_usd")) if row["current_monthly_usd"] is not None else ""),
        "recommended": _usd(row["recommended_monthly_usd"]) + unpriced(row.get("recommended_reasoning_unpriced_usd")),
        "off_peak": _off_peak_words(row.get("recommended_off_peak")),
        "cost_note": row["cost_note"],
        "flags": row["flags"],
        "decisions": Markup("; ".join(_decision_cell(link, base) for link in row["decisions"]) or "none"),
        "at_risk_reason": row.get("at_risk_reason"),
    }
    return Markup(_template_module().workload_line(cells, decisions))


def _off_peak_words(off_peak: Mapping[str, Any] | None) -> str | None:
    """The recommended month in the off-peak hours, said after the peak rate's figure: "$581 in
    DeepSeek's off-peak hours". None where there is none."""
    if not off_peak:
        return None
    whose = " and ".join(f"{name}'s" for name in off_peak["providers"]) or "the"
    return f"{_usd(off_peak['monthly_usd'])} in {whose} off-peak hours"


def _decision_cell(link: Mapping[str, Any], base: Path | None) -> Markup:
    """A record's link with what verify says of it ("[0007](...) drifted: decision batch ->
    async"), Markdown already, its free text escaped for a table cell."""
    from markupsafe import Markup

    from .markdown import cell

    words = link.get("status") or ""
    note = link.get("note") or ""
    if note.startswith(f"{words} "):  # "superseded by record 5", not "superseded: superseded by record 5"
        words = note
    elif note:
        words += f": {note}"
    if link.get("matched_by") == "name":
        words += " (matched by name: the record names no workload file)"
    from .markdown import inline

    # A record is shown by its number; one whose file name gives none, by that name.
    number = link["number"]
    label = inline(Path(link["path"]).name) if number is None else f"{number:04d}"
    shown = f"[{label}]({_link_target(link['path'], base)})"
    return Markup(shown + (" " + str(cell(words.strip())) if words.strip() else ""))


def _not_holding(row: Mapping[str, Any], base: Path | None) -> list[Markup]:
    """Each of a workload's records that verify would fail (drifted, inconsistent, unverifiable),
    linked with what verify says and the feature's name: the summary names them, so that a review
    of sixty workloads does not leave them to be found in the last column of its table."""
    from markupsafe import Markup

    from .markdown import cell

    return [
        Markup(f"{_decision_cell(link, base)} ({cell(row['name'])})")
        for link in row["decisions"] if link.get("status") in ("drifted", "inconsistent", "unverifiable")
    ]


def _left_out(row: Mapping[str, Any]) -> tuple[bool, float, float, list[tuple[str, str]]]:
    """Of one row (``ReviewRow`` data), what the summary says beyond its totals: whether it runs
    today, the reasoning its monthly costs leave out (today's, the recommended mode's) and the
    shutdowns to come of its models (the feature's name, the risk's detail)."""
    return (
        row["current_monthly_usd"] is not None,
        row.get("current_reasoning_unpriced_usd") or 0.0,
        row.get("recommended_reasoning_unpriced_usd") or 0.0,
        [(row["name"], r["detail"]) for r in row["risks"] if r["kind"] == "model_shutdown"],
    )


def _left_out_and_retiring(kept: Sequence[tuple[bool, float, float, list[tuple[str, str]]]]) -> dict[str, Any]:
    """What the summary's "at least" leaves out, summed as the rows say it ("reasoning tokens
    not priced: about $6,618 more"), so that it has a size; and each feature on a model its
    provider will shut down (a risk the Top risks table lists after the others, or not at all)."""

    def about(amounts: Iterable[float]) -> str | None:
        total = math.fsum(amounts)
        return _usd(total) if total > 0 else None

    return {
        "unpriced_today": about(today for running, today, _, _ in kept if running),
        "unpriced_after": about(after for running, _, after, _ in kept if running),
        "new_unpriced_usd": about(after for running, _, after, _ in kept if not running),
        "retiring": [{"name": name, "detail": detail} for *_, shutdowns in kept for name, detail in shutdowns],
    }


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
        [_decision_cell(d.model_dump(), base) for d in r.unmatched_decisions], r.sources,
        r.decisions_dirs_without_records, [d.fix for d in r.several_records_in_force],
    )
    dumped = [row.model_dump() for row in r.workloads]
    context["rows"] = [_workload_line(row, base, decisions, r.rules) for row in dumped]
    context["summary"].update(_left_out_and_retiring([_left_out(row) for row in dumped]))
    if context["summary"]["records"] is not None:
        context["summary"]["records"]["to_act"] = [cell for row in dumped for cell in _not_holding(row, base)]
    why: dict[str, str] = {}
    for row in r.workloads:
        if row.headline_rule is not None:
            why.setdefault(row.headline_rule, row.reason)
    context["why"] = _why_in_full(why, r.rules)
    context["errors"] = [e.model_dump() for e in r.errors]
    context["skipped"] = [e.model_dump() for e in r.skipped]
    context["skipped_not_yaml"] = r.skipped_not_yaml
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
    unmatched: Sequence[Markup] = (),
    sources: Mapping[str, SourceInfo] | None = None,
    empty_decisions: Sequence[str] = (),
    several_in_force: Sequence[str] = (),
) -> dict[str, Any]:
    """What the template prints around the workloads' lines: ``totals`` are the summary's
    counts and amounts (``ReviewSummary`` data without its moves and risks), ``moves`` its
    moves, ``top_risks`` its first TOP_RISKS risks of ``risk_count`` (``ReviewMove`` and
    ``ReviewRisk`` data)."""
    from markupsafe import Markup

    existing = totals["workloads"] - totals["new_workloads"]
    months, rates = totals.get("amortisation_months", []), totals.get("usd_per_person_week", [])
    amortised = (
        f"{months[0]} months" if len(months) == 1 else "each workload's months (" + ", ".join(map(str, months)) + ")"
    ) if months else ""
    rate = (
        f"{money(rates[0])} a person-week" if len(rates) == 1 else "each workload's rate a person-week"
    ) if rates else ""
    records = totals.get("decision_records")
    # Every document a risk cites, once, numbered: a risk's detail gives the numbers.
    cited = list((sources or {}).items())
    numbers = {key: n for n, (key, _) in enumerate(cited, 1)}
    # The moves' rows as a reader adds them up, against the totals the summary states (of the
    # exact figures): the whole change, and its required and other shares where both are said.
    # Each row as its cell says it: in the step of the two monthly costs it is the difference of.
    # Each total in the step of the larger of the two monthly costs it is the difference of, as the summary says it.
    required = [m for m in moves if m.get("required")]
    other = [m for m in moves if not m.get("required")]
    change_like = larger(totals["monthly_today_usd"], totals["monthly_recommended_usd"])
    sums = [(moves, totals["saving_usd_per_month"], change_like)]
    if 0 < totals.get("required_moves", 0) < len(moves):
        sums += [
            (required, totals.get("required_moves_saving_usd_per_month", 0.0), _compared_sum(required)),
            (other, totals.get("other_moves_saving_usd_per_month", 0.0), _compared_sum(other)),
        ]
    return {
        "basis": _basis_sentences(totals.get("basis") or {}, totals["workloads"], price_date),
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
            "moves": [{**m, "saving": saving_cell(m["saving_usd_per_month"], _compared(m))} for m in moves],
            "moves_rounded": bool(moves) and any(
                rounding_gap([m["saving_usd_per_month"] for m in rows], total, [_compared(m) for m in rows], like)
                for rows, total, like in sums
            ),
            "modes": [
                {"mode": mode, "count": count, "already": totals.get("already_in_mode", {}).get(mode, 0),
                 "moving_in": totals.get("moving_in", {}).get(mode, 0),
                 "new": count - totals.get("already_in_mode", {}).get(mode, 0)
                 - totals.get("moving_in", {}).get(mode, 0),
                 "not_feasible": totals.get("not_feasible", {}).get(mode, 0)}
                for mode, count in totals["recommended"].items()
            ],
            "not_feasible": sum(totals.get("not_feasible", {}).values()),
            "stand_in": totals.get("not_feasible_on_stand_in", 0),
            "at_risk": totals.get("at_risk", 0),
            "unpriced": totals.get("reasoning_unpriced", 0),
            "new_unpriced": totals.get("new_reasoning_unpriced", 0),
            "build": _usd(totals["build_usd_per_month"]),
            "build_usd": totals["build_usd_per_month"],
            "upfront": _usd(totals.get("build_upfront_usd", 0.0)),
            "required_moves": totals.get("required_moves", 0),
            "required_change": saving_or_extra(totals.get("required_moves_saving_usd_per_month", 0.0),
                                               _compared_sum(required)),
            "other_moves": len(moves) - totals.get("required_moves", 0),
            "other_change": saving_or_extra(totals.get("other_moves_saving_usd_per_month", 0.0), _compared_sum(other)),
            "new_not_feasible": totals.get("new_not_feasible", 0),
            "new_not_feasible_monthly": _usd(totals.get("new_not_feasible_monthly_usd", 0.0)),
            "new_build": _usd(totals.get("new_build_usd_per_month", 0.0)),
            "new_build_usd": totals.get("new_build_usd_per_month", 0.0),
            "new_upfront": _usd(totals.get("new_build_upfront_usd", 0.0)),
            "amortised": amortised,
            "rate": rate,
            "records": None if records is None else {
                "total": sum(records.values()),
                "counts": ", ".join(
                    # "3 hold" but "1 holds", as verify's summary says it.
                    f"{count} {'hold' if status == 'holds' and count != 1 else status}"
                    for status, count in records.items()
                ),
                "without": totals.get("features_without_record"),
                "unmatched": len(unmatched),
                "empty": list(empty_decisions),
                # Two or more records in force about one workload file: each fix, a line.
                # "Records 4 and 5 ..." starts a sentence; a fix that starts with a path keeps its case
                # ("V/decisions/0001-x.md" names no file).
                "several": [fix[:1].upper() + fix[1:] if fix.startswith("records ") else fix
                            for fix in several_in_force],
            },
            "unmatched": unmatched,
            "duplicates": totals.get("duplicate_names", [])[:DUPLICATES_SHOWN],
            "folder_rulesets": totals.get("folder_rulesets", []),
            "duplicate_count": len(totals.get("duplicate_names", [])),
            "today": _usd(totals["monthly_today_usd"]),
            "after": _usd(totals["monthly_recommended_usd"]),
            "change": saving_or_extra(totals["saving_usd_per_month"], change_like),
            "why": _why_summary(totals["saving_usd_per_month"], totals["build_usd_per_month"]),
            "existing": existing,
            "new_workloads": totals["new_workloads"],
            "new_monthly": _usd(totals["new_monthly_usd"]),
            "risks": [
                {**k, "refs": ", ".join(str(numbers[i]) for i in k.get("source_ids", ()) if i in numbers)}
                for k in top_risks
            ],
            "more_risks": max(0, risk_count - TOP_RISKS),
            "none_found": ", ".join(spec.none for spec in rules.header.review_risks),
        },
        "sources": [_source_words(info) for _, info in cited],
        # The pie's slices: a code block is not Markdown, so nothing in it is escaped.
        "pie": [Markup(f'    "{mode}" : {count}') for mode, count in totals["recommended"].items() if count],
    }


def _source_words(info: SourceInfo) -> str:
    """A document as a reader checks it, as the catalogue cites it: "OpenAI: Rate limits,
    read 2026-11-25: https://..."; a rule set's document by its title."""
    text = info.title
    if info.as_of:
        text += f", {CITED_AS.get(info.kind or '', 'as of')} {info.as_of}"
    return f"{text}: {info.url}" if info.url else text


def _for_each(counts: Mapping[str, int], total: int, words: Callable[[str, int], str] | None = None) -> str:
    """"OpenAI tier-1 for 12 features, Anthropic start for 3"; the one key alone where it
    holds for every feature. ``words(key, i)``: the key as the i-th item says it."""
    say = words or (lambda key, _: key)
    if len(counts) == 1 and next(iter(counts.values())) == total:
        return say(next(iter(counts)), 0)
    return ", ".join(
        f"{say(key, i)} for {n}{(' feature' if n == 1 else ' features') if i == 0 else ''}"
        for i, (key, n) in enumerate(counts.items())
    )


def _batch_words(source: str, i: int) -> str:
    words = batch_source_words(source)
    return words if i == 0 else words.removeprefix("batch prices ")


# How each p95 was come by (ReviewBasis.p95), as the report says it.
_P95_WORDS = {
    "estimated": "estimated from published speeds",
    "stand_in": "timed at a stand-in speed",
    "measured": "measured (given by the workload)",
}


def _basis_sentences(basis: Mapping[str, Any], total: int, price_date: datetime.date) -> list[str]:
    """What the figures rest on, in a few sentences (``ReviewBasis`` data): the price data,
    the cost model's amortisation, the rate limits' tiers, how each p95 was come by and what
    is left unpriced."""
    sentences: list[str] = []
    if basis.get("price_data"):
        prices = f"Prices from {_for_each(basis['price_data'], total)} as of {price_date.isoformat()}"
        if basis.get("batch_prices"):
            prices += f"; {_for_each(basis['batch_prices'], total, _batch_words)}"
        sentences.append(prices + ".")
    if basis.get("amortisation"):
        builds = {f"{a['months']} months at {money(a['usd_per_person_week'])} a person-week": a["features"]
                  for a in basis["amortisation"]}
        sentences.append(f"Builds amortised over {_for_each(builds, total)}, as the cost model states them.")
    if basis.get("rate_limit_tiers"):
        sentences.append(f"Rate limits at {_for_each(basis['rate_limit_tiers'], total)}.")
    counted = basis.get("p95", {})
    p95 = {key: counted[key] for key in _P95_WORDS if counted.get(key)}
    if p95:
        sentences.append(f"The p95 is {_for_each(p95, total, lambda key, _: _P95_WORDS[key])}.")
        if "stand_in" in p95:
            sentences.append("A model with no measured speed is timed at a stand-in: measure it before acting"
                             " on a verdict that rests on it (the Flags column marks each such feature: \"on an"
                             " assumed speed\").")
    unpriced = basis.get("unpriced", {})
    left_out = [
        f"{what} of {n} feature{'' if n == 1 else 's'} ({why})"
        for what, why, n in (
            ("the reasoning", "no reasoning_tokens given", unpriced.get("reasoning", 0)),
            ("the prompt-cache writes", "cached input is billed as cache reads only",
             unpriced.get("prompt_cache_writes", 0)),
        )
        if n
    ]
    if left_out:
        sentences.append(f"Not priced: {' and '.join(left_out)}.")
    return sentences


def render_review(r: Review, fmt: str = "md", *, link_base: str | Path | None = None) -> str:
    """The review as Markdown (``md``) or JSON (``json``); same review, same bytes.

    ``link_base`` is the folder the Markdown will be read from: decision-record links are
    made relative to it (default: the paths as found).
    """
    check_type(r, Review, "r", "a Review, as advisor.review(...) returns")
    if fmt == "json":
        return dump_json(r.model_dump(mode="json"))
    if fmt != "md":
        raise InputError(f"must be md or json (got {fmt!r})", field="format")
    from .templates import render_shipped

    return render_shipped(TEMPLATE, review_context(r, link_base))
