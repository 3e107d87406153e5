"""``advisor rules check``: test a rule set like code.

``check_rules`` validates a rule-set folder, lints it and runs every rule's examples
(semgrep's ``ruleid:``/``ok:`` tests), with one result per rule like a test runner
(printed by advisor.views.rules_check). Its reference page is advisor.views.rules_docs.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import random
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any, get_args

from .catalogue import CATALOGUE_FILE, build_catalogue
from .conditions import condition_facts
from .engine import evaluate_rule
from .errors import AdvisorError, RuleSetError, SourceIdError
from .preparsed import read_rule_file
from .prices import price_card
from .profile import (
    MODES,
    SHORTHAND_FIELDS,
    Downstream,
    Interaction,
    Mode,
    OutputFormat,
    SideEffects,
    WorkloadProfile,
    parse_profile,
)
from .rules import (
    HEADER_FILE,
    Rule,
    RuleSet,
    RuleSetHeader,
    check_source,
    duplicate_in_file,
    load_rules_to_check,
    misnamed_refusal,
    misnamed_rule_files,
    not_a_folder,
    parse_rules,
    read_header,
    require_header,
    resolve_rules_dir,
    rule_file_shape_problem,
    shipped_catalogue_layers,
)
from .situation import situate
from .validation import shown
from .value_class import value_class

# Examples are priced on a fixed date so that a rule's examples never drift with the calendar.
EXAMPLE_PRICE_DATE = datetime.date(2026, 11, 1)

# The broad sample every rule is also run against: fixed seed, so `rules check` is repeatable.
SAMPLE_SIZE = 400
SAMPLE_SEED = 20261101

_ALL_MODES = frozenset(MODES)


# -- examples -------------------------------------------------------------------------


@value_class
class ExampleResult:
    rule: str
    file: str
    kind: str  # "fires" or "does_not_fire"
    index: int
    passed: bool
    message: str  # why it failed (empty when it passed)


@value_class
class _ExampleRun:
    kind: str
    index: int
    facts: dict[str, Any] | None  # None when the example is not a valid, priceable profile
    error: str


def example_profile(ruleset: RuleSet, overrides: dict[str, Any]) -> dict[str, Any]:
    """A rule example: the rule set's example_base with the example's fields on top (an
    example that gives steps drops the base's single-call fields)."""
    base = dict(ruleset.header.example_base)
    if overrides.get("steps") is not None:
        for name in SHORTHAND_FIELDS:
            base.pop(name, None)
    return {**base, **overrides}


def _facts(profile: WorkloadProfile, ruleset: RuleSet) -> dict[str, Any]:
    return situate(profile, ruleset, EXAMPLE_PRICE_DATE).facts


def _example_runs(ruleset: RuleSet, rule: Rule) -> list[_ExampleRun]:
    runs = []
    for kind in ("fires", "does_not_fire"):
        for index, overrides in enumerate(getattr(rule.spec.examples, kind)):
            label = f"examples.{kind}[{index}]"
            try:
                facts = _facts(parse_profile(example_profile(ruleset, overrides), source=label), ruleset)
            except AdvisorError as exc:
                where = f"field '{exc.field}': " if exc.field else ""
                runs.append(_ExampleRun(kind, index, None, f"{label} is not a valid workload: {where}{exc.message}"))
                continue
            runs.append(_ExampleRun(kind, index, facts, ""))
    return runs


def _judge(rule: Rule, run: _ExampleRun, file: str) -> ExampleResult:
    if run.facts is None:
        return ExampleResult(rule.id, file, run.kind, run.index, False, run.error)
    expect = run.kind == "fires"
    outcome = evaluate_rule(rule, run.facts)
    if outcome.fired == expect:
        return ExampleResult(rule.id, file, run.kind, run.index, True, "")
    detail = "; ".join(
        f"{fact} {op} {shown(threshold)}: actual {shown(actual)} -> {'pass' if passed else 'fail'}"
        for fact, op, actual, threshold, passed in outcome.conditions
    )
    verb = "should fire but did not" if expect else "fired but should not"
    message = f"examples.{run.kind}[{run.index}] {verb} ({detail})"
    return ExampleResult(rule.id, file, run.kind, run.index, False, message)


def run_rule_examples(ruleset: RuleSet, rule: Rule) -> list[ExampleResult]:
    return [_judge(rule, run, rule.file) for run in _example_runs(ruleset, rule)]


# -- the broad sample -----------------------------------------------------------------


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _round(value: float) -> float:
    """Three significant digits: readable in messages, still spread over decades."""
    return float(f"{value:.3g}")


def _cycle(values: tuple[Any, ...], size: int, rng: random.Random) -> list[Any]:
    """Every value at least size // len(values) times, in random order."""
    out = [values[i % len(values)] for i in range(size)]
    rng.shuffle(out)
    return out


def _sample_models(ruleset: RuleSet) -> list[dict[str, Any]]:
    """The provider/model/pricing combinations the rule set's own examples use: the sample
    stays priceable without guessing which models a custom rule set cares about."""
    base = ruleset.header.example_base
    seen: dict[str, dict[str, Any]] = {}
    candidates = [base] + [
        example_profile(ruleset, overrides)
        for rule in ruleset.rules
        for overrides in (*rule.spec.examples.fires, *rule.spec.examples.does_not_fire)
    ]
    for data in candidates:
        combo: dict[str, Any] = {key: data[key] for key in ("provider", "model", "pricing") if key in data}
        seen.setdefault(json.dumps(combo, sort_keys=True, default=str), combo)
    priceable = []
    for key in sorted(seen):
        try:
            _facts(parse_profile({**base, **seen[key]}), ruleset)
        except AdvisorError:  # an invalid example's model: that example fails on its own
            continue
        priceable.append(seen[key])
    return priceable


def _window(ruleset: RuleSet, data: dict[str, Any], windows: dict[str, int | None]) -> int | None:
    """The context window the price data gives the sample's model (None: its own pricing, or
    none given), looked up once per model in ``windows``."""
    if data.get("pricing") is not None:
        return None
    provider = str(data.get("provider") or WorkloadProfile.model_fields["provider"].default)
    key = f"{provider}/{data.get('model')}"
    if key not in windows:
        try:
            card = price_card(provider, str(data.get("model")), EXAMPLE_PRICE_DATE, catalogue=ruleset.catalogue)
            windows[key] = card.context_window
        except AdvisorError:  # not priceable: the sample fails on its own
            windows[key] = None
    return windows[key]


def sample_profiles(ruleset: RuleSet, size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED) -> list[WorkloadProfile]:
    """A deterministic spread of valid workloads: every enum value of every choice, numbers
    spread log-uniformly over the decades real workloads span."""
    rng = random.Random(seed)
    choices = {
        "interaction": _cycle(get_args(Interaction), size, rng),
        "output_format": _cycle(get_args(OutputFormat), size, rng),
        "downstream": _cycle(get_args(Downstream), size, rng),
        "side_effects": _cycle(get_args(SideEffects), size, rng),
        "current_mode": _cycle((*MODES, None), size, rng),
    }
    models = _sample_models(ruleset)
    if not models:  # not even the example base prices: nothing to sample
        return []
    base = ruleset.header.example_base
    profiles = []
    windows: dict[str, int | None] = {}
    for i in range(size):
        data: dict[str, Any] = {**base, **rng.choice(models), "name": f"sample profile {i}"}
        data.update({name: values[i] for name, values in choices.items()})
        data["latency_budget_s"] = min(_round(_log_uniform(rng, 0.5, 7 * 86_400)), 7 * 86_400)  # 605,000 > a week
        data["chained_calls"] = 1 if rng.random() < 0.5 else rng.randint(2, 8)
        data["tool_latency_s"] = 0.0 if rng.random() < 0.6 else _round(_log_uniform(rng, 0.05, 120))
        data["model_p95_s"] = None if rng.random() < 0.3 else _round(_log_uniform(rng, 0.2, 600))
        data["ttft_s"] = None if rng.random() < 0.7 else _round(_log_uniform(rng, 0.1, 30))
        if data["ttft_s"] is not None and data["model_p95_s"] is not None:  # the first token comes within the call
            data["ttft_s"] = min(data["ttft_s"], data["model_p95_s"])
        data["input_tokens"] = int(_log_uniform(rng, 10, 500_000))
        embedding = data["output_format"] == "embedding"
        data["output_tokens"] = 0 if embedding else int(_log_uniform(rng, 1, 16_000))
        # One call within its model's context window (the price data's): a larger one is an input error.
        window = _window(ruleset, data, windows)
        if window is not None:
            data["input_tokens"] = min(data["input_tokens"], max(window - data["output_tokens"], 10))
        data["cached_input_fraction"] = 0.0 if rng.random() < 0.6 else round(rng.uniform(0, 0.9), 2)
        requests = int(_log_uniform(rng, 1, 1e9))
        data["requests_per_month"] = requests
        burst = _log_uniform(rng, 1, 200)
        data["peak_requests_per_minute"] = None if rng.random() < 0.4 else _round(requests / 43_200 * burst)
        data["retry_rate"] = 0.0 if rng.random() < 0.5 else _round(_log_uniform(rng, 0.001, 0.3))
        data["attempts_per_layer"] = rng.randint(1, 4)
        data["retry_layers"] = rng.randint(1, 4)
        data = {key: value for key, value in data.items() if value is not None}
        try:
            profiles.append(parse_profile(data, source=f"sample profile {i}"))
        except AdvisorError:  # pragma: no cover - the ranges above sit inside the profile's bounds
            continue
    return profiles


def _sample_facts(ruleset: RuleSet) -> list[dict[str, Any]]:
    out = []
    for profile in sample_profiles(ruleset):
        try:
            out.append(_facts(profile, ruleset))
        except AdvisorError:  # a model in the examples the price data cannot price
            continue
    return out


# -- the check report -----------------------------------------------------------------


@dataclass
class RuleCheck:
    """One line of the report: a rule (or a file, for problems outside any rule)."""

    name: str
    file: str
    is_rule: bool = True  # False for a file or folder problem outside any one rule
    examples: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unreadable: bool = False  # the file could not be read as YAML at all: unusable input, not a finding
    # The problem keeps the rule set from loading at all (its ruleset.yaml, a file that is no
    # list of rules, a file that is no YAML): no rule could be run, so it is unusable input too.
    blocks_loading: bool = False

    @property
    def passed(self) -> bool:
        return not self.problems


@value_class
class CheckReport:
    path: str
    ruleset_id: str | None
    version: str | None
    checks: tuple[RuleCheck, ...]
    sample_size: int
    catalogue: str | None = None  # what the provider catalogue holds, when it is valid

    @property
    def passed(self) -> int:
        return sum(1 for c in self.checks if c.passed)

    @property
    def failed(self) -> int:
        return sum(1 for c in self.checks if not c.passed)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    @property
    def unreadable(self) -> int:
        return sum(1 for c in self.checks if c.unreadable)

    @property
    def loaded(self) -> bool:
        """Whether the rule set loaded, so that its rules were run: not when its header, a rule
        file's shape or name or a file's YAML is at fault (``checks`` then holds only the problems)."""
        return not any(c.unreadable or c.blocks_loading for c in self.checks)

    @property
    def exit_code(self) -> int:
        """0 when every check passed, 1 when a rule failed one, 2 when the rule set could not be
        loaded at all (the exit codes of every command: 2 is unusable input, as `recommend
        --rules` exits on the same rule set)."""
        if not self.loaded:
            return 2
        return 0 if self.ok else 1


@dataclass
class _Entry:
    rule: Rule | None  # None when the rule did not validate
    raw_id: str | None
    check: RuleCheck


def _readable_folder(directory: Path) -> None:
    """A folder that cannot even be listed is an input error (exit 2), not a failed check."""
    try:
        if not directory.is_dir():
            raise RuleSetError(not_a_folder(directory), source=str(directory))
        os.listdir(directory)
    except PermissionError:
        raise RuleSetError("cannot read the rule-set folder: permission denied", source=str(directory)) from None
    except OSError as exc:
        raise RuleSetError(f"cannot read the rule-set folder: {exc.strerror or exc}", source=str(directory)) from None


def _diagnose(directory: Path, load_error: Exception) -> tuple[RuleSetHeader | None, RuleSet | None, list[_Entry]]:
    """The loader stops at the first problem; a check reports every rule. Validate each
    rule on its own, with the loader's own parser, so every message is the loader's; the
    rules a rule set inherits (``extends``) are run with its own, as when it loads. Paths are
    the folder's as it was given (the loader's are resolved)."""
    header_path = directory / HEADER_FILE
    try:
        header, base = read_header(directory)
    except (AdvisorError, OSError) as exc:
        unreadable = not isinstance(exc, RuleSetError)
        problem = str(exc) if isinstance(exc, AdvisorError) else str(load_error)
        check = RuleCheck(
            HEADER_FILE, str(header_path), False, problems=[problem], unreadable=unreadable, blocks_loading=True
        )
        return None, None, [_Entry(None, None, check)]
    entries = [_Entry(rule, rule.id, RuleCheck(rule.id, rule.file)) for rule in (base.rules if base else ())]
    inherited = len(entries)
    files = (p for p in directory.glob("*.yaml") if p.is_file() and p.name not in (HEADER_FILE, CATALOGUE_FILE))
    for path in sorted(files):
        file = str(path)
        try:
            data = read_rule_file(path)  # the loader's reader, with its checks on the text
        except AdvisorError as exc:
            check = RuleCheck(path.name, file, False, problems=[str(exc)], unreadable=True)
            entries.append(_Entry(None, None, check))
            continue
        if (shape := rule_file_shape_problem(data)) is not None:
            check = RuleCheck(path.name, file, False, problems=[f"{file}: {shape}"], blocks_loading=True)
            entries.append(_Entry(None, None, check))
            continue
        for index, raw in enumerate(data["rules"]):
            raw_id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
            check = RuleCheck(raw_id or f"{path.name} rules[{index}]", file)
            rule = None
            if not isinstance(raw, dict):
                check.problems.append(f"{file}: rules[{index}]: a rule must be a mapping")
            else:
                try:
                    (rule,) = parse_rules({"rules": [raw]}, file, header, {})
                    check_source(rule.spec.source, header, file, rule.id, "source")
                except RuleSetError as exc:
                    check.problems.append(str(exc))
                    rule = None
            entries.append(_Entry(rule, raw_id, check))
    entries = _flag_duplicates(entries, inherited)
    valid = tuple(e.rule for e in entries if e.rule is not None)
    ruleset = RuleSet(header=header, rules=valid, path=str(directory), content_hash="") if valid else None
    return header, ruleset, entries


def _flag_duplicates(entries: list[_Entry], inherited: int = 0) -> list[_Entry]:
    """Fail each rule whose id another rule has: one line per file that defines it (with the
    lines of a file that defines it more than once), none for an inherited rule, whose own
    rule set is not at fault. The first ``inherited`` entries are the inherited rules."""
    files: dict[str, list[str]] = {}
    for entry in entries:
        if entry.raw_id:
            files.setdefault(entry.raw_id, []).append(entry.check.file)
    inherited_files = {id(e): e.check.file for e in entries[:inherited]}
    kept: list[_Entry] = []
    said: set[tuple[str, str]] = set()
    for entry in entries:
        where = files.get(entry.raw_id or "", [])
        if len(where) < 2 or id(entry) in inherited_files or entry.raw_id is None:
            kept.append(entry)
            continue
        key = (entry.raw_id, entry.check.file)
        if key in said:  # a second definition in the same file: its line is the first one's
            continue
        said.add(key)
        others = [f for f in dict.fromkeys(where) if f != entry.check.file]
        parts = [duplicate_in_file(entry.check.file, entry.raw_id)] if where.count(entry.check.file) > 1 else []
        own = [f for f in others if f not in inherited_files.values()]
        base = [f for f in others if f in inherited_files.values()]
        if own:
            parts.append(f"also in {', '.join(own)}")
        if base:
            parts.append(
                f"also in {', '.join(base)}, a rule this rule set inherits: to replace it, list its id under "
                f"disable: in {HEADER_FILE}"
            )
        entry.check.problems.insert(0, f"{entry.check.file}: duplicate rule id '{entry.raw_id}' ({'; '.join(parts)})")
        kept.append(entry)
    return kept


def _effect_words(rule: Rule) -> str:
    effect = rule.spec.effect
    if effect.require:
        return f"requires {effect.require}"
    return f"excludes {', '.join(effect.exclude)}"


def _as_written(value: Any) -> str:
    """A fact value as a rule file writes it: text bare, numbers and booleans as messages show them."""
    return value if isinstance(value, str) else shown(value)


def _facts_note(facts: dict[str, Any], names: set[str]) -> str:
    return ", ".join(f"{name} = {_as_written(facts.get(name))}" for name in sorted(names))


@value_class
class _Probe:
    label: str
    facts: dict[str, Any]


def _minimal_cover(group: list[int], excluded: list[frozenset[Mode]]) -> tuple[int, ...]:
    """Drop rules from a group while the rest still exclude every mode."""
    keep = list(group)
    for index in group:
        rest = [i for i in keep if i != index]
        if rest and frozenset().union(*(excluded[i] for i in rest)) >= _ALL_MODES:
            keep = rest
    return tuple(keep)


def _lint(ruleset: RuleSet, entries: list[_Entry], sample: list[dict[str, Any]]) -> None:
    rules = list(ruleset.rules)
    checks = {id(e.rule): e.check for e in entries if e.rule is not None}
    probes: list[_Probe] = []
    own_fires: dict[int, list[dict[str, Any]]] = {}
    for position, rule in enumerate(rules):
        check = checks[id(rule)]
        spec = rule.spec
        if not spec.because.strip():
            check.problems.append(f"{check.file}: rule '{rule.id}': 'because' is blank; say why in one sentence")
        if not spec.source.strip():
            check.problems.append(f"{check.file}: rule '{rule.id}': 'source' is blank; cite the document and section")
        if not spec.examples.fires:
            check.problems.append(
                f"{check.file}: rule '{rule.id}': no 'fires' example; add examples.fires, a profile it must fire on"
            )
        if not spec.examples.does_not_fire:
            check.problems.append(
                f"{check.file}: rule '{rule.id}': no 'does_not_fire' example; "
                "add examples.does_not_fire, a profile it must not fire on"
            )
        runs = _example_runs(ruleset, rule)
        check.examples = len(runs)
        for run in runs:
            result = _judge(rule, run, check.file)
            if not result.passed:
                check.problems.append(f"{check.file}: rule '{rule.id}': {result.message}")
            if run.facts is not None:
                probes.append(_Probe(f"rule '{rule.id}' examples.{run.kind}[{run.index}]", run.facts))
                if run.kind == "fires":
                    own_fires.setdefault(position, []).append(run.facts)
    probes.extend(_Probe(f"sample profile {i}", facts) for i, facts in enumerate(sample))

    # Which rules fire on which probe (sample hits counted for the never/always checks).
    scratch: list[Any] = []
    sample_hits = [0] * len(rules)
    fired_on: list[list[int]] = []
    first_sample = len(probes) - len(sample)
    for p, probe in enumerate(probes):
        fired = []
        for i, rule in enumerate(rules):
            scratch.clear()
            if rule.check(probe.facts, scratch):
                fired.append(i)
                if p >= first_sample:
                    sample_hits[i] += 1
        fired_on.append(fired)

    for i, rule in enumerate(rules):
        check = checks[id(rule)]
        own = own_fires.get(i, [])
        fires_on_own = any(rule.check(facts, []) for facts in own)
        if sample_hits[i] == 0 and not fires_on_own:
            where = {0: "any fires example (it has none)", 1: "its fires example"}.get(
                len(own), f"its {len(own)} fires examples"
            )
            check.problems.append(
                f"{check.file}: rule '{rule.id}': never fires: not on {where} nor on any of the "
                f"{len(sample)} sample profiles; its condition may be impossible"
            )
        elif sample and sample_hits[i] == len(sample):
            check.warnings.append(
                f"{check.file}: fires on every one of the {len(sample)} sample profiles; "
                "its condition may always hold"
            )

    _contradictions(rules, checks, probes, fired_on)


def _contradictions(
    rules: list[Rule], checks: dict[int, RuleCheck], probes: list[_Probe], fired_on: list[list[int]]
) -> None:
    """Hard constraints that, on one valid profile, leave no mode at all: the engine would
    refuse that workload. Checked on every example and the sample, pairwise first."""
    excluded = [frozenset(rule.spec.effect.excluded_modes) for rule in rules]
    hard = {i for i, modes in enumerate(excluded) if modes}
    found: dict[tuple[int, ...], _Probe] = {}
    for probe, fired in zip(probes, fired_on, strict=True):
        group = [i for i in fired if i in hard]
        if not group or frozenset().union(*(excluded[i] for i in group)) < _ALL_MODES:
            continue
        hits: list[tuple[int, ...]] = [(i,) for i in group if excluded[i] >= _ALL_MODES]
        hits += [(a, b) for a, b in combinations(group, 2) if excluded[a] | excluded[b] >= _ALL_MODES]
        for key in hits or [_minimal_cover(group, excluded)]:
            found.setdefault(key, probe)
    for key, probe in found.items():
        names = set().union(*(condition_facts(rules[i].spec.when) for i in key))
        example = f"e.g. on {probe.label} ({_facts_note(probe.facts, names)})"
        for i in key:
            rule = rules[i]
            check = checks[id(rule)]
            if len(key) == 1:
                message = f"excludes every mode whenever it fires, {example}"
            else:
                others = "; ".join(
                    f"rule '{rules[j].id}' ({checks[id(rules[j])].file}) {_effect_words(rules[j])}"
                    for j in key if j != i
                )
                message = (
                    f"contradictory hard constraints: it {_effect_words(rule)} and {others}; "
                    f"when they fire together no mode is left, {example}"
                )
            check.problems.append(f"{check.file}: rule '{rule.id}': {message}")


def _unread_files(directory: Path) -> list[_Entry]:
    """YAML files of the folder that the rule set does not read (only ``*.yaml`` files hold
    rules): every command refuses the rule set for one, so it does not load here either, and
    each is said as recommend says it (platform pass: the check called it a finding, exit 1,
    where recommend refused the same rule set, exit 2)."""
    return [
        _Entry(None, None, RuleCheck(
            path.name, str(path), False, problems=[f"{path}: {misnamed_refusal(path)}"], blocks_loading=True
        ))
        for path in misnamed_rule_files(directory)
    ]


def _written_in(file: str, directory: Path) -> str:
    """Where a rule is written, as a person opens it: a rule of the checked folder under the
    folder as it was given, an inherited one (``extends``) where its own rule set keeps it."""
    path = Path(file)
    return str(directory / path.name) if path.parent == directory.resolve() else file


def check_rules(rules_dir: str | Path | None = None) -> CheckReport:
    """Validate, lint and run the examples of a rule set; one result per rule.

    Raises RuleSetError when the folder cannot be read at all or holds no ruleset.yaml (it is
    no rule set), or when its provider catalogue is invalid (data, not rules: the error names
    the file and the key); every other problem, including a rule set the loader rejects, is a
    failed line of the report. A rule set that does not load at all (its header, a file that is
    not YAML or holds no list of rules, a rule file not named ``*.yaml``) runs no rule: the
    report holds only its problems, and ``loaded`` is false (exit 2).
    """
    directory = resolve_rules_dir(rules_dir)
    _readable_folder(directory)
    require_header(directory)  # no rule set to check (a wrong path): unusable input, not a failed rule
    try:
        loaded = load_rules_to_check(directory)
        ruleset: RuleSet | None = loaded
        # Validated in full, the shipped catalogue too (a command trusts the shipped file).
        catalogue = build_catalogue(loaded.catalogue_layers or shipped_catalogue_layers())
        models = sum(len(p.models) for p in catalogue.data.providers.values())
        catalogue_summary: str | None = (
            f"{len(catalogue.data.providers)} providers, {models} models, "
            f"{len(catalogue.data.sources)} sources, every figure cited ({catalogue.path})"
        )
        entries = [
            _Entry(rule, rule.id, RuleCheck(rule.id, _written_in(rule.file, directory))) for rule in loaded.rules
        ]
    except (AdvisorError, OSError) as exc:
        if isinstance(exc, RuleSetError) and exc.source and Path(exc.source).name == CATALOGUE_FILE:
            raise  # the catalogue is data, not rules: there is nothing to report rule by rule
        if isinstance(exc, SourceIdError):
            raise  # the rule set and its catalogue give one id two documents: no rule is at fault
        catalogue_summary = None
        error = exc if isinstance(exc, AdvisorError) else RuleSetError(
            f"cannot read the rule set: {exc.strerror or exc}", source=str(directory)
        )
        header, ruleset, entries = _diagnose(directory, error)
        if not any(e.check.problems for e in entries):
            # The loader saw something the per-rule pass cannot: report it as it is, under the
            # name of the file it names, in the folder as it was given.
            where = Path(error.source) if isinstance(error, AdvisorError) and error.source else directory
            # os.path.realpath, not Path.resolve: a rule file that is a link loop is what the error names
            same = os.path.realpath(where) == os.path.realpath(directory)
            file = str(directory) if same else _written_in(str(where), directory)
            message = str(error).replace(str(directory.resolve()), str(directory))
            check = RuleCheck(where.name, file, False, problems=[message], blocks_loading=True)
            entries.append(_Entry(None, None, check))
        if any(e.check.unreadable or e.check.blocks_loading for e in entries):
            # The rule set does not load: none of its rules was run with the others, so no rule
            # passed. Only the problems are reported (with the rules that failed on their own).
            entries = [e for e in entries if e.check.problems]
            ruleset = None
    else:
        header = loaded.header
    if unread := _unread_files(directory):
        # The rule set does not load (as above): only the problems are reported, with these files.
        entries = [e for e in entries if e.check.problems] + unread
        ruleset, catalogue_summary = None, None
    sample: list[dict[str, Any]] = []
    if ruleset is not None:
        sample = _sample_facts(ruleset)
        _lint(ruleset, entries, sample)
    return CheckReport(
        path=str(directory),
        ruleset_id=header.id if header else None,
        version=header.version if header else None,
        checks=tuple(e.check for e in entries),
        sample_size=len(sample),
        catalogue=catalogue_summary,
    )
