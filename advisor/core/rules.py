"""Rule sets: load, validate, compile once.

A rule set is a folder of YAML files. ``ruleset.yaml`` holds the header: id, version,
the axes with their weights, the tie-break order, the complementary patterns, the
modes' risks and the base profile that rule examples start from. Every other ``*.yaml``
file holds ``rules:``, a list of rules, whose conditions advisor.core.conditions
compiles; nothing is ever evaluated as code.
"""

import functools
import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .catalogue import (
    CATALOGUE_FILE,
    Catalogue,
    CatalogueLayer,
    build_catalogue,
    read_catalogue_layer,
    trusted_catalogue,
)
from .citation import ADVISOR_CITED_DOCUMENTS
from .compiler import Decide, compile_ruleset, decide_source
from .conditions import Check, ConditionError, compile_condition, condition_thresholds
from .engine import MAX_WEIGHT, Evaluation, evaluate, weights_problem
from .errors import RuleSetError, SourceIdError
from .files import NUL_IN_PATH, read_bytes
from .policy import Answers, Migration, ModeSpec, ReviewRiskSpec
from .preparsed import parse_rule_bytes, read_rule_file
from .profile import MODES, Mode
from .resources import checkout_only_hint, shipped_dir
from .rule import Effect, Examples, Rule, RuleSpec
from .validation import closest, describe_validation_error
from .value_class import value_class

__all__ = [
    "MAX_WEIGHT", "Effect", "Examples", "Rule", "RuleSet", "RuleSpec", "load_rules", "weights_problem",
]

RULES_ENV = "ADVISOR_RULES"
HEADER_FILE = "ruleset.yaml"

_ID = r"^[a-z0-9][a-z0-9_-]{0,79}$"
_STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True, defer_build=True)


# -- header -------------------------------------------------------------------------

class AxisSpec(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    weight: float = Field(ge=0, le=100)
    question: str = Field(min_length=1)
    source: str = Field(min_length=1)


class PatternSpec(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=_ID)
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    applies_to: list[Mode] = Field(min_length=1)
    source: str = Field(min_length=1)


class RuleSetHeader(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=_ID)
    version: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1)
    description: str = ""
    sources: dict[str, str] = Field(min_length=1)
    axes: list[AxisSpec] = Field(min_length=1)
    tie_break: list[Mode]
    modes: dict[Mode, ModeSpec]
    answers: Answers
    patterns: list[PatternSpec] = []
    migration: Migration
    review_risks: list[ReviewRiskSpec] = []
    example_base: dict[str, Any]

    @field_validator("tie_break")
    @classmethod
    def _permutation(cls, value: list[str]) -> list[str]:
        if sorted(value) != sorted(MODES):
            raise ValueError(f"must list each of {', '.join(MODES)} exactly once")
        return value

    @model_validator(mode="after")
    def _unique_and_complete(self) -> "RuleSetHeader":
        ids = [a.id for a in self.axes]
        if len(set(ids)) != len(ids):
            raise ValueError("axis ids must be unique")
        pids = [p.id for p in self.patterns]
        if len(set(pids)) != len(pids):
            raise ValueError("pattern ids must be unique")
        kinds = [r.kind for r in self.review_risks]
        if len(set(kinds)) != len(kinds):
            raise ValueError("review risk kinds must be unique")
        missing = [m for m in MODES if m not in self.modes]
        if missing:
            raise ValueError(f"modes: describe every mode; missing {', '.join(missing)}")
        for mode, spec in self.modes.items():
            seen = [mode]
            base = spec.builds_on
            while base is not None:
                if base in seen:
                    chain = " -> ".join([*seen, base])
                    raise ValueError(f"modes.{mode}.builds_on: the builds contain each other in a loop ({chain})")
                seen.append(base)
                base = self.modes[base].builds_on
        return self


@value_class
class RuleSet:
    """A rule set as loaded: its header and rules, where it was read from, its catalogue's layers."""

    header: RuleSetHeader
    rules: tuple[Rule, ...]
    path: str
    content_hash: str
    folders: tuple[str, ...] = ()  # this rule set's folder and those of the sets it extends
    # The provider catalogue's layers, merged in order: the rule set's own catalogue.yaml (or
    # the shipped one) and, in a rule set extending it, that set's catalogue.yaml on top.
    catalogue_layers: tuple[CatalogueLayer, ...] = ()

    def files(self) -> list[Path]:
        """Every file the rule set was read from: the YAML files of its folder and of the folders
        it builds on (the rule sets it extends, the shipped catalogue's). A command's output may
        never replace one of them (advisor.core.files.check_output)."""
        return [path for folder in self.folders for path in sorted(Path(folder).glob("*.yaml")) if path.is_file()]

    @functools.cached_property
    def catalogue(self) -> Catalogue:
        layers = self.catalogue_layers or shipped_catalogue_layers()
        return _catalogue_of(layers)

    @property
    def id(self) -> str:
        return self.header.id

    @property
    def version(self) -> str:
        return self.header.version

    @functools.cached_property
    def weights(self) -> dict[str, float]:
        """Axis id -> weight. Shared: copy before changing."""
        return {axis.id: axis.weight for axis in self.header.axes}

    @functools.cached_property
    def axis_ids(self) -> tuple[str, ...]:
        return tuple(axis.id for axis in self.header.axes)

    @functools.cached_property
    def waiting_interactions(self) -> frozenset[str]:
        """The interactions in which someone is blocked on the answer (``someone_waiting``)."""
        return frozenset(i for i, words in self.header.answers.interaction.items() if words.someone_waiting)

    @functools.cached_property
    def review_risk_checks(self) -> tuple[tuple[ReviewRiskSpec, Check], ...]:
        """Each risk ``advisor review`` flags, with its compiled condition (validated at load)."""
        return tuple((risk, compile_condition(risk.when)) for risk in self.header.review_risks)

    def thresholds(self, fact: str) -> tuple[float, ...]:
        """The numbers the rules (and the review's risks) compare ``fact`` with, in order: the
        lines they draw on it (``latency_budget_s``: 5 s, a minute, an hour in the shipped set)."""
        key = f"thresholds {fact}"
        hit: tuple[float, ...] | None = self.memo.get(key)
        if hit is None:
            conditions = [*(rule.spec.when for rule in self.rules), *(r.when for r in self.header.review_risks)]
            hit = self.memo[key] = tuple(sorted(set().union(*(condition_thresholds(c, fact) for c in conditions))))
        return hit

    @functools.cached_property
    def builds_on(self) -> dict[Mode, Mode | None]:
        """Mode -> the mode whose build its build contains (``builds_on`` in the rule set's
        modes; None: none), which a move between two modes does not pay again."""
        return {mode: self.header.modes[mode].builds_on for mode in MODES}

    @functools.cached_property
    def tie_rank(self) -> dict[str, int]:
        return {mode: i for i, mode in enumerate(self.header.tie_break)}

    @functools.cached_property
    def pays_its_way(self) -> tuple[tuple[int, Mode], ...]:
        """(rule index, mode) for each mode a rule says must pay its way."""
        return tuple((i, mode) for i, rule in enumerate(self.rules) for mode in rule.pays)

    @functools.cached_property
    def weight_vector(self) -> tuple[float, ...]:
        """The axes' weights, in axis order."""
        return tuple(axis.weight for axis in self.header.axes)

    @functools.cached_property
    def decide(self) -> Decide:
        """The rule set compiled into one function (advisor.core.compiler)."""
        return compile_ruleset(self.rules, self.axis_ids)

    @property
    def source(self) -> str:
        """The compiled rule set as Python source, to read."""
        return decide_source(self.rules, self.axis_ids)

    def evaluate(self, facts: Mapping[str, Any], weights: Mapping[str, float] | None = None) -> Evaluation:
        """Evaluate the rules on ``facts`` (``advisor.facts(profile)``): the recommendation,
        the ranking, the fired rule ids, and the per-condition trace when first read."""
        return evaluate(self, facts, weights)

    @functools.cached_property
    def memo(self) -> dict[str, Any]:
        """What the layers above work out once from this rule set and share between its
        results (advisor.core.assessment keeps an assessment's rule-set parts here)."""
        return {}

    @functools.cached_property
    def _by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def pattern(self, pattern_id: str) -> PatternSpec:
        for pattern in self.header.patterns:
            if pattern.id == pattern_id:
                return pattern
        raise KeyError(pattern_id)


def _rule_error(file: str, rule_id: str | None, path: str, message: str) -> RuleSetError:
    where = f"rule '{rule_id}': " if rule_id else ""
    return RuleSetError(f"{where}{path}: {message}", source=file)


def default_rules_dir() -> Path:
    return shipped_dir("rules")


def resolve_rules_dir(rules_dir: str | Path | None = None) -> Path:
    """An explicit folder, else $ADVISOR_RULES, else the shipped default rule set."""
    if rules_dir is not None and not isinstance(rules_dir, (str, os.PathLike)):
        raise RuleSetError(
            f"expected the path of a rule-set folder or a loaded RuleSet (got {type(rules_dir).__name__})"
        )
    if rules_dir == "":  # as the CLI refuses --rules "": never the default policy by accident
        raise RuleSetError("expected the path of a rule-set folder, got an empty string")
    if rules_dir:
        if "\0" in str(rules_dir):
            raise RuleSetError(NUL_IN_PATH, source=str(rules_dir))
        return Path(rules_dir)
    env = os.environ.get(RULES_ENV)
    if not env:
        return default_rules_dir()
    if not Path(env).is_dir():  # a variable set long ago is easily forgotten: say where the path came from
        raise RuleSetError(f"{not_a_folder(Path(env))} (named by ${RULES_ENV})", source=env)
    return Path(env)


def rule_file_shape_problem(data: Any) -> str | None:
    """What is wrong with a rule file's top level (None when it is ``rules:``, a list): the
    key found instead, with the closest one, as every other error names what it found."""
    if isinstance(data, dict) and set(data) == {"rules"} and isinstance(data["rules"], list):
        return None
    problem = "a rule file holds one key, 'rules', a list of rules"
    if data is None:
        return f"{problem}; this file is empty"
    if not isinstance(data, dict):
        return f"{problem}; this file holds a {'list' if isinstance(data, list) else type(data).__name__}"
    if "rules" in data and not isinstance(data["rules"], list):
        return f"{problem}; 'rules' here is not a list"
    other = [str(key) for key in data if key != "rules"]
    hint = ""
    if "rules" not in data and len(other) == 1 and (close := closest(other[0], ["rules"])):
        hint = f"; did you mean '{close[0]}'?"
    found = ", ".join(repr(key) for key in other)
    return f"{problem}; found {found}{hint}"


def rule_id_lines(file: str | Path, rule_id: str) -> list[int]:
    """The lines (1-based) where ``rules[i].id`` is ``rule_id`` in a rule file; read again
    only to word a duplicate id, so an unreadable file gives no lines rather than an error."""
    try:
        root = yaml.compose(Path(file).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeError, yaml.YAMLError):
        return []
    lines: list[int] = []
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        if getattr(key, "value", None) != "rules" or not isinstance(value, yaml.SequenceNode):
            continue
        for item in value.value:
            if not isinstance(item, yaml.MappingNode):
                continue
            for k, v in item.value:
                if getattr(k, "value", None) == "id" and getattr(v, "value", None) == rule_id:
                    lines.append(v.start_mark.line + 1)
    return lines


def duplicate_in_file(file: str | Path, rule_id: str) -> str:
    """How a rule id defined more than once in one file is said: with the lines where it can."""
    lines = rule_id_lines(file, rule_id)
    if len(lines) < 2:
        return "defined more than once in this file"
    shown = ", ".join(str(n) for n in lines[:-1]) + f" and {lines[-1]}"
    return f"defined more than once in this file, lines {shown}"


def parse_rules(
    data: Any, file: str, header: RuleSetHeader, seen: dict[str, str]
) -> list[Rule]:
    if (shape := rule_file_shape_problem(data)) is not None:
        raise RuleSetError(shape, source=file)
    axes = {a.id for a in header.axes}
    pattern_ids = {p.id for p in header.patterns}
    rules: list[Rule] = []
    for index, raw in enumerate(data["rules"]):
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        label = rule_id if isinstance(rule_id, str) else None
        if not isinstance(raw, dict):
            raise _rule_error(file, None, f"rules[{index}]", "a rule must be a mapping")
        try:
            spec = RuleSpec.model_validate(raw)
        except ValidationError as exc:
            path, message = describe_validation_error(exc, RuleSpec, noun="key")
            raise _rule_error(file, label, path, message) from None
        if spec.id in seen:
            where = duplicate_in_file(file, spec.id) if seen[spec.id] == file else f"also in {seen[spec.id]}"
            raise _rule_error(file, spec.id, "id", f"duplicate rule id ({where})")
        if spec.axis not in axes:
            raise _rule_error(file, spec.id, "axis", f"unknown axis {spec.axis!r}; allowed: {', '.join(sorted(axes))}")
        for i, pattern in enumerate(spec.effect.patterns):
            if pattern not in pattern_ids:
                raise _rule_error(
                    file, spec.id, f"effect.patterns[{i}]",
                    f"unknown pattern {pattern!r}; declared: {', '.join(sorted(pattern_ids)) or 'none'}",
                )
        try:
            check = compile_condition(spec.when)
        except ConditionError as exc:
            raise _rule_error(file, spec.id, exc.path, exc.message) from None
        seen[spec.id] = file
        rules.append(Rule.compiled(spec, check, file))
    return rules


class ExtendingHeader(BaseModel):
    """The header of a rule set built on another one: ``extends: default`` (the shipped set)
    or a folder relative to this one. Everything not overridden is inherited."""

    # Built when a rule set first extends another, not at import: most runs never need it.
    model_config = _STRICT

    id: str = Field(pattern=_ID)
    version: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1)
    description: str = ""
    extends: str = Field(min_length=1)
    weights: dict[str, float] = {}
    sources: dict[str, str] = {}
    disable: list[str] = []
    example_base: dict[str, Any] | None = None
    # Policy sections, merged into the base's key by key (a list replaces the base's list).
    modes: dict[str, Any] | None = None
    answers: dict[str, Any] | None = None
    migration: dict[str, Any] | None = None
    review_risks: list[Any] | None = None

    @field_validator("weights")
    @classmethod
    def _bounded(cls, value: dict[str, float]) -> dict[str, float]:
        for axis, weight in value.items():
            if not 0 <= weight <= 100:
                raise ValueError(f"weight of {axis} must be between 0 and 100 (got {weight})")
        return value


MAX_EXTENDS_DEPTH = 5
# The header sections an extending rule set may override in part.
POLICY_SECTIONS = ("modes", "answers", "migration", "review_risks")


def _merge(base: Any, override: Any) -> Any:
    """``override`` on top of ``base``: mappings key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        return {**base, **{key: _merge(base.get(key), value) for key, value in override.items()}}
    return override


def read_header(directory: Path, chain: tuple[str, ...] = ()) -> tuple[RuleSetHeader, RuleSet | None]:
    """The effective header of a rule-set folder and, when it extends another, that base."""
    header_path = directory / HEADER_FILE
    source = str(header_path)
    require_header(directory)
    data = read_rule_file(header_path)
    if not isinstance(data, dict):
        raise RuleSetError("expected a mapping", source=source)
    model = ExtendingHeader if "extends" in data else RuleSetHeader
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        path, message = describe_validation_error(exc, model, noun="key")
        raise RuleSetError(f"{path}: {message}", source=source) from None
    base: RuleSet | None = None
    if isinstance(parsed, ExtendingHeader):
        target = default_rules_dir() if parsed.extends == "default" else (directory / parsed.extends)
        target = target.resolve()
        if str(target) in chain:
            raise RuleSetError(f"extends: rule sets extend each other in a loop ({parsed.extends})", source=source)
        if len(chain) >= MAX_EXTENDS_DEPTH:  # a chain with no loop in it is said as one, not as a loop
            raise RuleSetError(
                f"extends: more than {MAX_EXTENDS_DEPTH} rule sets extend one another in a chain, from the one"
                " given to this one; extend a rule set nearer the default",
                source=source,
            )
        if not (target / HEADER_FILE).is_file():
            # Named here, where it was written: the folder alone would point nowhere the user looks.
            # Shown as the rule set's own path was given (relative stays relative).
            missing = not_a_folder(target) if not target.is_dir() else f"not a rule set (no {HEADER_FILE})"
            shown_target = os.path.normpath(directory / parsed.extends)
            raise RuleSetError(
                f"extends: {parsed.extends!r}: {missing} ({shown_target}); use 'default' for the shipped rule set "
                "or the folder of another rule set, relative to this one",
                source=source,
            )
        base = _load(target, (*chain, str(directory.resolve())))
        axes = {a.id for a in base.header.axes}
        for axis in parsed.weights:
            if axis not in axes:
                close = closest(axis, sorted(axes))
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise RuleSetError(
                    f"weights.{axis}: unknown axis; {hint}axes: {', '.join(sorted(axes))}", source=source
                )
        base_ids = {r.id for r in base.rules}
        for i, rule_id in enumerate(parsed.disable):
            if rule_id not in base_ids:
                close = closest(rule_id, sorted(base_ids))
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise RuleSetError(f"disable[{i}]: no rule {rule_id!r} in {parsed.extends}{hint}", source=source)
        header = base.header.model_copy(
            update={
                "id": parsed.id,
                "version": parsed.version,
                "title": parsed.title,
                "description": parsed.description or base.header.description,
                "sources": {**base.header.sources, **parsed.sources},
                "axes": [a.model_copy(update={"weight": parsed.weights.get(a.id, a.weight)}) for a in base.header.axes],
                "example_base": parsed.example_base or base.header.example_base,
            }
        )
        overrides = {key: value for key in POLICY_SECTIONS if (value := getattr(parsed, key)) is not None}
        if overrides:
            merged = _merge(header.model_dump(mode="json", by_alias=True, exclude_none=True), overrides)
            try:
                header = RuleSetHeader.model_validate(merged)
            except ValidationError as exc:
                path, message = describe_validation_error(exc, RuleSetHeader, noun="key")
                raise RuleSetError(f"{path}: {message}", source=source) from None
        base = RuleSet(
            header=base.header,
            rules=tuple(r for r in base.rules if r.id not in parsed.disable),
            path=base.path,
            content_hash=base.content_hash,
            folders=base.folders,
            catalogue_layers=base.catalogue_layers,
        )
    else:
        header = parsed
    for spec in header.axes:
        check_source(spec.source, header, source, None, f"axes.{spec.id}.source")
    if (problem := weights_problem({a.id: a.weight for a in header.axes})) is not None:
        raise RuleSetError(f"weights: {problem}", source=source)
    return header, base


def require_header(directory: Path) -> None:
    """A folder without a ruleset.yaml is no rule set at all: unusable input, for every command."""
    if not (directory / HEADER_FILE).is_file():
        raise RuleSetError(f"a rule set needs a {HEADER_FILE} (id, version, axes, modes)", source=str(directory))


def not_a_folder(directory: Path) -> str:
    """What is wrong with a rule-set path that is no folder."""
    if directory.exists():
        return "is a file, not a rule-set folder: give the folder that holds the rule set's YAML files"
    hint = checkout_only_hint(directory)
    return "no such rule-set folder" + (f"; {hint}" if hint else "")


def misnamed_refusal(path: Path) -> str:
    """Why a rule set with a misnamed rule file does not load, as every command says it."""
    return f"rule files end in .yaml, and this one would not be read: rename it {path.stem}.yaml"


def misnamed_rule_files(directory: Path) -> list[Path]:
    """The YAML files of a rule-set folder that no command reads: only ``*.yaml`` files hold
    rules, so a rule written in ``org.yml`` (or ``ORG.YAML``) would be passed over without a word."""
    return [
        path for path in sorted(directory.iterdir())
        if path.suffix.lower() in (".yaml", ".yml") and path.suffix != ".yaml" and not path.name.startswith(".")
        and path.is_file()
    ]


def _load(directory: Path, chain: tuple[str, ...] = (), *, misnamed_ok: bool = False) -> RuleSet:
    if not directory.is_dir():
        raise RuleSetError(not_a_folder(directory), source=str(directory))
    header, base = read_header(directory, chain)
    if not misnamed_ok and (misnamed := misnamed_rule_files(directory)):
        # Refused, not skipped: a rule set without one of its files decides otherwise, unseen.
        raise RuleSetError(misnamed_refusal(misnamed[0]), source=str(misnamed[0]))
    # Every *.yaml entry, not only the regular files: a rule file that is a folder, a FIFO or a
    # broken link is refused by read_bytes, naming it, rather than passed over without a word.
    # But not an editor's lock beside a file being edited (Emacs links .#latency.yaml to no file
    # while latency.yaml has unsaved changes): a hidden entry that is no file is passed over.
    files = sorted(p for p in directory.glob("*.yaml") if p.is_file() or not p.name.startswith("."))
    digest = hashlib.sha256()
    if base is not None:  # a change in the base rule set changes this one too
        digest.update(base.content_hash.encode() + b"\0")
    content = {path: read_bytes(path, what="rule file") for path in files}
    for path, raw in content.items():
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
    inherited = list(base.rules) if base else []
    seen: dict[str, str] = {rule.id: rule.file for rule in inherited}
    rules: list[Rule] = []
    for path in files:
        if path.name in (HEADER_FILE, CATALOGUE_FILE):
            continue
        for rule in parse_rules(parse_rule_bytes(content[path], path), str(path), header, seen):
            check_source(rule.spec.source, header, rule.file, rule.id, "source")
            rules.append(rule)
    if not rules and not inherited:
        raise RuleSetError("the rule set has no rules", source=str(directory))
    folders = (str(directory.resolve()), *(base.folders if base else ()))
    # The catalogue: a rule set that extends another merges its own catalogue.yaml (if any)
    # into the base's; one of its own uses its own catalogue.yaml, else the shipped one (and
    # then a change there changes it too).
    shipped = directory.resolve() == default_rules_dir().resolve()
    own = shipped_catalogue_layers()[0] if shipped else read_catalogue_layer(directory)
    layers: tuple[CatalogueLayer, ...]
    if base is not None:
        below = base.catalogue_layers or shipped_catalogue_layers()
        layers = (*below, own) if own is not None else below
    elif own is not None:
        layers = (own,)
    else:
        layers = shipped_catalogue_layers()
        digest.update(b"shipped catalogue\0" + (default_rules_dir() / CATALOGUE_FILE).read_bytes())
        folders = (*folders, str(default_rules_dir().resolve()))
    ruleset = RuleSet(
        header=header, rules=(*inherited, *rules), path=str(directory), content_hash=digest.hexdigest(),
        folders=folders, catalogue_layers=layers,
    )
    ruleset.catalogue  # noqa: B018 - a catalogue error is a loading error, found now
    _check_source_ids(ruleset, base, own)
    if not shipped:
        _check_advisor_documents(ruleset)
    return ruleset


def _check_source_ids(ruleset: RuleSet, base: RuleSet | None, own: CatalogueLayer | None) -> None:
    """An id names one document: the assessment's ``sources`` map is keyed by it, and rules
    and catalogue facts cite by it. So a document of the rule set (its header's ``sources``)
    may not take the id of a source of its provider catalogue, nor the other way round. A
    rule set's own catalogue.yaml may still override a catalogue source under its id (a
    newer reading of the same page): that is one document, updated."""
    taken = ruleset.catalogue.data.sources
    header_file = str(Path(ruleset.path) / HEADER_FILE)
    for key, title in ruleset.header.sources.items():
        if key not in taken:
            continue
        holder = next(
            source for data, source in reversed(ruleset.catalogue_layers or shipped_catalogue_layers())
            if isinstance(data.get("sources"), dict) and key in data["sources"]
        )
        if base is not None and key in base.header.sources and own is not None and holder == own[1]:
            # The document came with the rule set this one extends; its catalogue.yaml added the source.
            raise SourceIdError(
                f"sources.{key}: this id is taken by a document of the rule set "
                f"({Path(base.path) / HEADER_FILE}: {title!r}); an id names one document, so give this "
                "source another id and cite it by that",
                source=holder,
            )
        raise SourceIdError(
            f"sources.{key}: this id is taken by the provider catalogue (a source in {holder}: "
            f"{taken[key].title!r}); an id names one document, so give this document another id "
            "and cite it by that in the rules",
            source=header_file,
        )


def _check_advisor_documents(ruleset: RuleSet) -> None:
    """The advisor's own figures cite documents of the shipped rule set by id, whatever rule
    set decides (citation.ADVISOR_CITED_DOCUMENTS), and the assessment's ``sources`` map gives
    one title per id. So in any rule set such an id names that document: the header may list
    it under its shipped title (a rule set written from the shipped one), and neither the
    header nor a catalogue.yaml may give it to another document, whose title would then stand
    under the advisor's citations."""
    shipped_file = default_rules_dir() / HEADER_FILE
    shipped = load_rules(default_rules_dir()).header.sources
    catalogue = ruleset.catalogue.data.sources
    for key in ADVISOR_CITED_DOCUMENTS:
        taken = (
            f"sources.{key}: this id names a document of the shipped rule set ({shipped_file}: "
            f"{shipped[key]!r}), which the advisor's own figures cite whatever rule set decides; an id "
            "names one document, so "
        )
        title = ruleset.header.sources.get(key)
        if title is not None and title != shipped[key]:
            raise SourceIdError(
                taken + "list it under that title or give this document another id and cite it by that in the rules",
                source=str(Path(ruleset.path) / HEADER_FILE),
            )
        if title is None and key in catalogue:
            holder = next(
                source for data, source in reversed(ruleset.catalogue_layers)
                if isinstance(data.get("sources"), dict) and key in data["sources"]
            )
            raise SourceIdError(taken + "give this source another id and cite it by that", source=holder)


def advisor_document_title(ruleset: RuleSet, key: str) -> str:
    """The title of a document the advisor's own figures cite (citation.ADVISOR_CITED_DOCUMENTS),
    whatever rule set decides: the rule set's, which is the shipped one's (checked as it is
    loaded), or the shipped rule set's where it lists none."""
    title = ruleset.header.sources.get(key)
    return title if title is not None else load_rules(default_rules_dir()).header.sources[key]


_SHIPPED_CATALOGUE: dict[str, tuple[CatalogueLayer, ...]] = {}  # file stamp -> the layer read


def shipped_catalogue_layers() -> tuple[CatalogueLayer, ...]:
    """The shipped catalogue's data, read once (again only when the file changes)."""
    path = default_rules_dir() / CATALOGUE_FILE
    stat = path.stat()
    stamp = f"{stat.st_mtime_ns}:{stat.st_size}"
    hit = _SHIPPED_CATALOGUE.get(stamp)
    if hit is not None:
        return hit
    layer = read_catalogue_layer(default_rules_dir())
    if layer is None:  # pragma: no cover - the catalogue ships with the rule set
        raise RuleSetError(f"the shipped rule set has no {CATALOGUE_FILE}", source=str(default_rules_dir()))
    _SHIPPED_CATALOGUE.clear()
    _SHIPPED_CATALOGUE[stamp] = (layer,)
    return (layer,)


# Catalogues by the identity of their layers: rule sets built on the same files share one.
_CATALOGUES: dict[tuple[int, ...], tuple[tuple[CatalogueLayer, ...], Catalogue]] = {}


def _catalogue_of(layers: tuple[CatalogueLayer, ...]) -> Catalogue:
    key = tuple(id(data) for data, _ in layers)
    hit = _CATALOGUES.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], layers, strict=True)):
        return hit[1]
    shipped = [layer for read in _SHIPPED_CATALOGUE.values() for layer in read]
    if len(layers) == 1 and shipped and layers[0] is shipped[0]:
        # The shipped file as it is: validated by the tests and `advisor rules check`.
        catalogue = trusted_catalogue(*layers[0])
    else:
        catalogue = build_catalogue(layers)
    _CATALOGUES[key] = (layers, catalogue)
    return catalogue


def check_source(source: str, header: RuleSetHeader, file: str, rule_id: str | None, path: str) -> None:
    """A source starts with a file named in the header's ``sources``."""
    document = re.split(r"[\s,§]", source, maxsplit=1)[0]
    if document not in header.sources:
        listed = list(header.sources)
        close = closest(document, listed)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise _rule_error(
            file, rule_id, path,
            f"source must start with a document listed under 'sources' (got {document!r}); "
            f"{hint}listed: {', '.join(listed)}",
        )


def _stamp(directory: str) -> tuple[Any, ...]:
    """What a folder's rule files look like now: the folder's own modification time (a file
    added, removed or renamed, an editor's save by rename, changes it) and each YAML file's
    path, modification time and size (an edit in place changes them)."""
    try:
        folder = os.stat(directory).st_mtime_ns
    except OSError:
        return ()
    paths = sorted(entry.path for entry in os.scandir(directory) if entry.name.endswith(".yaml"))
    return (folder, *(_file_stamp(path) for path in paths))


def _file_stamp(path: str) -> tuple[str, int, int]:
    try:
        info = os.stat(path)
    except OSError:
        return (path, -1, -1)
    return (path, info.st_mtime_ns, info.st_size)


def _unchanged(stamp: tuple[Any, ...], directory: str) -> bool:
    """Whether the folder's rule files are as ``_stamp`` saw them: a ``stat`` of the folder
    and one of each file it had, no listing (this runs on every ``advisor.assess(p)``)."""
    if not stamp:
        return not os.path.isdir(directory)
    try:
        if os.stat(directory).st_mtime_ns != stamp[0]:
            return False
        for path, mtime, size in stamp[1:]:
            info = os.stat(path)
            if info.st_mtime_ns != mtime or info.st_size != size:
                return False
    except OSError:
        return False
    return True


# folder -> (the stamps of every folder the rule set was built from, the rule set)
_CACHE: dict[str, tuple[tuple[tuple[Any, ...], ...], RuleSet]] = {}


@functools.cache
def _shipped_key() -> str:
    """The shipped rule set's folder, resolved once: the package does not move."""
    return str(default_rules_dir().resolve())


def load_rules_to_check(directory: Path) -> RuleSet:
    """The rule set of a folder as ``advisor rules check`` reads it: not cached, and with its
    misnamed rule files passed over, since the check reports each of them (with every other
    problem) before it refuses the rule set as the loader does."""
    return _load(directory.resolve(), misnamed_ok=True)


def load_rules(rules_dir: str | Path | None = None) -> RuleSet:
    """Load, validate and compile a rule set; cached until one of its files (or those of the
    rule set it extends) changes."""
    if rules_dir is not None or os.environ.get(RULES_ENV):
        directory = str(resolve_rules_dir(rules_dir).resolve())
    else:
        directory = _shipped_key()
    hit = _CACHE.get(directory)
    if hit is not None:
        stamps, ruleset = hit
        if all(_unchanged(stamp, folder) for stamp, folder in zip(stamps, ruleset.folders, strict=True)):
            return ruleset
    try:
        ruleset = _load(Path(directory))
    except RuleSetError as exc:
        if rules_dir or exc.source != directory or "$" in exc.message:
            raise
        # The folder itself is no rule set: a variable set long ago is easily forgotten.
        raise RuleSetError(f"{exc.message} (named by ${RULES_ENV})", source=exc.source, field=exc.field) from None
    _CACHE[directory] = (tuple(_stamp(folder) for folder in ruleset.folders), ruleset)
    return ruleset
