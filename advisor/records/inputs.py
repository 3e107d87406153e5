"""The inputs a decision record embeds, as YAML in one fenced ``yaml`` code block: the exact
workload (and, when it came from a file, that file's path from the record's folder: see
advisor.records.workload), how the decision was made (advisor version, rule set, weights, prices, the rules
that fired and their thresholds), what it cost, what the record's text states, and a
digest of it all (an unkeyed SHA-256: it catches an edit made by mistake, not a forger, who
can recompute it; review in git is what guards a record). ``advisor verify`` reads it back to
re-check the record; the record's Markdown around it is a view (advisor.views.adr).

The block is a plain ``yaml`` fence, which every Markdown renderer (GitHub, markdown-it-py,
Python-Markdown with or without pymdownx.superfences) shows as one code block; its first
key, ``advisor-record: 2``, marks it as the record's inputs and gives the format version.
Records written before version 2 used the info string ``yaml advisor-record`` and no
digest; they stay readable, but a version-1 block that no version-1 writer could have written
is a version-2 block whose digest was taken out (``downgraded``): one that names the shipped
rule set with a hash it did not have then, names an advisor other than the one that wrote
version 1, or holds a key only version 2 writes. Today's advisor has the same version number
(0.1.0) as the one that wrote version 1, so the version alone catches nothing yet; a block
downgraded whole from a record written with a rule set of one's own is not caught.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from advisor.core.assessment import Assessment, ConditionTrace
from advisor.core.clock import as_date, not_on_the_calendar
from advisor.core.conditions import conjuncts, in_words, leaves
from advisor.core.errors import InputError
from advisor.core.profile import MODES, Mode, WorkloadProfile, parse_profile
from advisor.core.rules import weights_problem
from advisor.core.validation import describe_validation_error
from advisor.core.value_class import value_class
from advisor.core.yamlio import Dumper, parse_yaml

from .reading import INVISIBLE
from .workload import recorded_path_problem

FORMAT_KEY = "advisor-record"
FORMAT_VERSION = 2
LEGACY_INFO = "yaml advisor-record"  # the info string of version 1 blocks
# Format 1 (no digest) was written by advisor 0.1.0 from 2026-11-23 until format 2 replaced it
# on 2026-11-25 (commit 1f23f40), installed ("0.1.0") or run from a checkout without package
# metadata ("0.0.0+checkout"), and held these keys only. A format-1 block that names another
# advisor or holds a key only format 2 writes had its digest taken out by hand. (Today's advisor
# is "0.1.0" too: the version catches nothing until it moves; the rule set's hash below does.)
LEGACY_WRITERS = ("0.1.0", "0.0.0+checkout")
# The shipped rule set's content hashes over the days advisor wrote format 1. Made from git
# history: for each of the 60 commits of `git rev-list 61435fb^..1f23f40^` (61435fb wrote the
# first format-1 record; 1f23f40 brought format 2), `git archive C advisor rules` and
# `load_rules().content_hash` from that tree (advisor.rules before the package was split into
# advisor.core). A format-1 block naming the shipped rule set (its id) with any other hash was
# written later; a rule set of one's own (another id) is not judged. The one way an honest
# format-1 block fails this: written in those days with an edited copy of the shipped rules that
# kept the shipped id. (A date says nothing: --date and --price-date took any date then.)
SHIPPED_RULESET_ID = "advisor-default"
FORMAT_1_RULESET_HASHES = frozenset({
    "6dc8c3cb9281101eaa95d49309b7eebdbd8708b17fadf0038d9627e4fc4b28bf",  # 2026-11-23 13:46 (61435fb)
    "091fb64039647ca119d96f6f65be23703cebec5f7b256643cc484aa8e28e2a65",  # 2026-11-23 14:17
    "1c5dd1b8c4defb3a222943129855473466d89a917a184aa61bbed53832dc1ae7",  # 2026-11-25 22:59
})
_LEGACY_KEYS = {
    "": {"record", "workload"},
    "record": {"advisor_version", "mode", "ruleset", "weights", "prices", "fired_rules"},
    "record.prices": {"data_version", "price_date"},
}
# The digest is SHA-256 with no key: it shows an edit made by mistake, not one made on purpose.
_COMMENT = (
    "# advisor verify re-checks this record from these inputs. The digest catches careless edits,"
    " not deliberate ones (anyone can recompute it): review changes to this block as code.\n"
)
# A record says advisor wrote it in its reproducibility sentence; a record that says so but
# has lost its inputs block cannot be verified (and must not pass as "not ours").
_WRITTEN_BY = re.compile(r"^Written by advisor \S+ with the rule set", re.MULTILINE)
_MARKER_LINE = re.compile(rf"^{re.escape(FORMAT_KEY)}\s*:", re.MULTILINE)
_CLAIM = re.compile(rf"^(?:{re.escape(FORMAT_KEY)}: \d|`{{3,}}{re.escape(LEGACY_INFO)}\s*$)", re.MULTILINE)


class _Dumper(Dumper):
    """advisor's own YAML writer (no aliases, text like "1e5" quoted), with one-line mappings."""


class _Flow(dict[str, Any]):
    """A mapping written on one line: {a: 1, b: 2}."""


class _FlowList(list[Any]):
    """A list written on one line: [a, b]."""


_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))
_Dumper.add_representer(_FlowList, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


# -- what a record states ------------------------------------------------------------------


@value_class
class Statement:
    """What a record's text says the decision is, as Markdown, so verify can hold it to it.

    ``title`` is the H1 (without Nygard's ``N.`` prefix); ``decision`` is how the line that
    states the choice begins (MADR: ``Chosen option: "Streaming response"``).
    """

    title: str
    decision: str


# -- the block ------------------------------------------------------------------------------


def rule_thresholds(assessment: Assessment, *, flat: bool = False) -> dict[str, list[str]]:
    """Each rule's numeric thresholds as the rule states them: ``latency_budget_s lt 300``
    for a comparison the rule needs to hold, and a ``not`` or an ``any`` with a number in it
    written whole, with the comparisons it combines: ``not (someone_waiting eq true and
    latency_budget_s lt 5)``.

    ``flat``: the numeric comparisons alone, as records wrote them before they kept the
    ``not`` and ``any`` (verify reads those records against this)."""
    out: dict[str, list[str]] = {}
    for trace in assessment.trace:
        if flat:
            stated = [_comparison(c) for c in trace.conditions if _numeric(c)]
        else:
            parts = conjuncts(trace.conditions, [c.path for c in trace.conditions])
            stated = [
                in_words(part, _comparison) for part in parts
                if any(_numeric(c) for c in leaves(part))
            ]
        if stated:
            out[trace.rule] = stated
    return out


def _numeric(c: ConditionTrace) -> bool:
    return isinstance(c.threshold, (int, float)) and not isinstance(c.threshold, bool)


def _comparison(c: ConditionTrace) -> str:
    return f"{c.fact} {c.op} {_value(c.threshold)}"


def _value(value: Any) -> str:
    """A threshold as a rule writes it: 300, 0.7, true, chat, [chat, inline_edit]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return str(value)


def _number(value: float) -> str:
    """300, 0.7, 1000000: a threshold as a rule writes it."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def _digest(data: Mapping[str, Any]) -> str:
    """sha256 of the block's data without the digest, as canonical JSON."""
    body = {k: v for k, v in data.items() if k != "digest"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=True)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _normalised(value: Any, form: Literal["NFC", "NFD"]) -> Any:
    """``value`` with every text in one Unicode form: an editor that re-saves a record in
    another form (macOS's NFD) changes no character a reader sees, nor the digest's verdict."""
    if isinstance(value, str):
        return unicodedata.normalize(form, value)
    if isinstance(value, dict):
        return {_normalised(k, form): _normalised(v, form) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v, form) for v in value]
    return value


def inputs_data(
    assessment: Assessment,
    *,
    template: str = "custom",
    statement: Statement | None = None,
    workload_file: str | None = None,
) -> dict[str, Any]:
    """The block as data (what ``inputs_yaml`` writes), its digest included.

    ``workload_file``: the path of the workload file it was written from, relative to the
    folder the record goes into (advisor.records.workload.recorded_path); verify reads it."""
    a = assessment
    record: dict[str, Any] = {"advisor_version": a.advisor_version, "template": template}
    if workload_file is not None:
        if (problem := recorded_path_problem(workload_file)) is not None:
            raise InputError(f"{problem} (got {workload_file!r})", field="workload_file")
        record["workload_file"] = workload_file
    if statement is not None:
        record["stated"] = {"title": statement.title, "decision": statement.decision}
    record.update(
        {
            "mode": a.recommendation,
            "ruleset": a.ruleset.model_dump(mode="json"),
            "weights": {axis.id: axis.weight for axis in a.axes},
            "prices": {
                "data_version": a.pricing.data_version,
                "price_date": a.pricing.price_date.isoformat(),
                "standard": a.pricing.standard.describe(),
                "batch": a.pricing.batch.describe(),
            },
            # Each option's monthly total (USD), to the cent: verify compares today's with it.
            "monthly_cost": {m: round(a.costs[m].total_usd, 2) for m in MODES},
            "fired_rules": [r.id for r in a.fired_rules],
            "thresholds": rule_thresholds(a),
        }
    )
    data: dict[str, Any] = {
        FORMAT_KEY: FORMAT_VERSION,
        "record": record,
        # The exact inputs, as validated; None means "not given" (the field's default).
        "workload": a.workload.model_dump(mode="json", exclude_none=True),
    }
    data["digest"] = _digest(data)
    return data


def _styled(data: dict[str, Any]) -> dict[str, Any]:
    """Short leaves on one line each, so the block stays short; the workload as a mapping."""
    record = dict(data["record"])
    for key in ("ruleset", "weights", "monthly_cost"):
        record[key] = _Flow(record[key])
    record["fired_rules"] = _FlowList(record["fired_rules"])
    record["thresholds"] = {rule: _FlowList(conds) for rule, conds in record["thresholds"].items()}
    return {**data, "record": record}


def inputs_yaml(
    assessment: Assessment,
    *,
    template: str = "custom",
    statement: Statement | None = None,
    workload_file: str | None = None,
) -> str:
    """The body of the inputs block: a comment, then the inputs as YAML."""
    data = _styled(inputs_data(assessment, template=template, statement=statement, workload_file=workload_file))
    return _COMMENT + yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=120
    )


# -- finding the block in a record ----------------------------------------------------------


@value_class
class Fence:
    """A fenced code block: its info string, its content, and the line it opens on (from 1)."""

    info: str
    body: str
    line: int
    closed: bool


# The fence and the rest of the line, matched possessively: no backtracking, so a long line
# costs its length (a lazy info string followed by ``[ \t]*$`` backtracked quadratically on a
# run of spaces that does not end the line). The info string is the rest, stripped.
_OPEN = re.compile(r"^ {0,3}(`{3,}+|~{3,}+)([^\n]*+)$")


def _info(match: re.Match[str]) -> str:
    return match.group(2).strip(" \t")


def fence_opening(line: str) -> re.Pattern[str] | None:
    """When ``line`` opens a fenced code block, the pattern of the line that closes it."""
    match = _OPEN.match(line)
    if match is None or (match.group(1)[0] == "`" and "`" in match.group(2)):
        return None
    marker = match.group(1)
    return re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}+[ \t]*+$")


def fences(text: str) -> list[Fence]:
    """Every fenced code block of a Markdown text, as CommonMark finds them."""
    lines = text.split("\n")
    out: list[Fence] = []
    i = 0
    while i < len(lines):
        close = fence_opening(lines[i])
        if close is None:
            i += 1
            continue
        match = _OPEN.match(lines[i])
        assert match is not None
        info = _info(match)
        end = next((j for j in range(i + 1, len(lines)) if close.match(lines[j])), None)
        body_end = len(lines) if end is None else end
        body = "\n".join(lines[i + 1 : body_end])
        out.append(Fence(info=info, body=body + "\n" if body_end > i + 1 else "", line=i + 1, closed=end is not None))
        i = body_end + 1
    return out


def input_blocks(text: str) -> list[Fence]:
    """The fenced blocks that hold a record's inputs (any format version)."""
    if FORMAT_KEY not in text:  # both kinds of block say it: a text that does not has none
        return []
    return [
        f for f in fences(text)
        if f.info == LEGACY_INFO or (f.info.split(" ")[0] in ("yaml", "yml") and _MARKER_LINE.search(f.body))
    ]


def find_inputs(text: str) -> str | None:
    """The YAML inside a record's inputs block, or None when the text has none."""
    blocks = input_blocks(text)
    return blocks[0].body if blocks else None


# The signature as a reader reads it, however it is spelled: any case, any whitespace (a no-break
# space), markup around it ("**Written by advisor**"), and the block's key with "_" or " " for "-".
_WRITTEN_BY_LOOSE = re.compile(
    r"^[^\w\n]*written\s+by\s+advisor\s+\S+\s+with\s+the\s+rule\s+set", re.MULTILINE | re.IGNORECASE
)
_CLAIM_LOOSE = re.compile(
    rf"^[^\w\n]*advisor[^\S\n]*(?:[_-][^\S\n]*)?record[^\S\n]*:[^\S\n]*\d|^`{{3,}}[^\S\n]*{re.escape(LEGACY_INFO)}[^\S\n]*$",
    re.MULTILINE | re.IGNORECASE,
)

# The digest line of a block with one: no record written by hand has it.
_DIGEST_LINE = re.compile(r"^[^\S\n]*digest[^\S\n]*:[^\S\n]*sha256:[0-9a-f]{64}\b", re.MULTILINE | re.IGNORECASE)


def claims_advisor(text: str) -> bool:
    """Does the text say advisor wrote it (whether or not its inputs are still there)? As a reader
    reads it: its signature ("Written by advisor ... with the rule set") or its inputs block's key
    ("advisor-record: 2") edited by a character no one sees, a no-break space, another case or "_"
    for "-" still says so, as does its block's digest line ("digest: sha256:..."); so such an edit
    makes the record unverifiable, not "not an advisor record" (skipped, exit 0)."""
    if _WRITTEN_BY.search(text) or _CLAIM.search(text):
        return True
    seen = text.translate(INVISIBLE)
    return bool(_WRITTEN_BY_LOOSE.search(seen) or _CLAIM_LOOSE.search(seen) or _DIGEST_LINE.search(seen))


# -- reading it back --------------------------------------------------------------------------


def _finite_non_negative(value: float, what: str) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a finite number of at least 0 (got {value})")
    return value


class _StampedRuleSet(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)
    id: str
    version: str
    hash: str


class _StampedPrices(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)
    data_version: str
    price_date: datetime.date
    standard: str | None = None  # version 2: the rates, as the record printed them
    batch: str | None = None

    @field_validator("price_date", mode="before")
    @classmethod
    def _yyyy_mm_dd(cls, value: object) -> datetime.date:
        # Read as every date advisor takes, not by Pydantic's rules (20261101 as a Unix time).
        try:
            return as_date(value)
        except InputError:
            impossible = not_on_the_calendar(value) if isinstance(value, str) else None
            raise ValueError(impossible or "must be a date as YYYY-MM-DD") from None


class _Stated(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    title: str
    decision: str


class RecordStamp(BaseModel):
    """What a record says about how it was made (the ``record:`` part of its inputs block)."""

    # Unknown keys are ignored so that a newer advisor's records stay readable.
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    advisor_version: str
    template: str | None = None
    # The workload file it was written from, relative to the record's folder; None: not from a file
    # (the questionnaire's download), or written before records named it.
    workload_file: str | None = None
    stated: _Stated | None = None
    mode: Mode
    ruleset: _StampedRuleSet
    weights: dict[str, float]
    prices: _StampedPrices
    monthly_cost: dict[Mode, float] | None = None
    fired_rules: list[str]
    thresholds: dict[str, list[str]] | None = None

    @field_validator("weights")
    @classmethod
    def _usable_weights(cls, value: dict[str, float]) -> dict[str, float]:
        # A NaN or negative weight would make every re-evaluation meaningless.
        if (problem := weights_problem(value)) is not None:
            raise ValueError(problem)
        return value

    @field_validator("workload_file")
    @classmethod
    def _relative_path(cls, value: str | None) -> str | None:
        if value is not None and (problem := recorded_path_problem(value)) is not None:
            raise ValueError(f"the workload file's path {problem}")
        return value

    @field_validator("monthly_cost")
    @classmethod
    def _costs(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        for mode, usd in (value or {}).items():
            _finite_non_negative(usd, f"the monthly cost of {mode}")
        return value


@value_class
class RecordInputs:
    stamp: RecordStamp
    workload: WorkloadProfile
    version: int  # format version: 1 (no digest, no costs) or 2
    line: int  # the line the block opens on
    sealed: bool  # the digest matches the data (always False for version 1, which has none)
    # Version 1 only: why it cannot be a block advisor wrote before digests (it names an advisor
    # that writes format 2, or holds keys only format 2 writes); None when it can be.
    downgraded: str | None = None


def _downgrade(data: dict[str, Any]) -> str | None:
    """Why a format-1 block (no digest) cannot be one that a format-1 advisor wrote, or None."""
    record = data["record"]
    version = record.get("advisor_version")
    if isinstance(version, str) and version not in LEGACY_WRITERS:
        return f"it names advisor {version}, which has only ever written records with a digest"
    prices = record.get("prices")
    parts: list[tuple[str, Any]] = [("", data), ("record", record)]
    if isinstance(prices, dict):
        parts.append(("record.prices", prices))
    extra = [
        f"{where}.{key}" if where else str(key)
        for where, mapping in parts for key in mapping if key not in _LEGACY_KEYS[where]
    ]
    if extra:
        return f"it holds what only records with a digest hold ({', '.join(extra)})"
    ruleset = record.get("ruleset")
    if isinstance(ruleset, dict) and ruleset.get("id") == SHIPPED_RULESET_ID:
        digest = ruleset.get("hash")
        if isinstance(digest, str) and digest not in FORMAT_1_RULESET_HASHES:
            return (f"it names the shipped rule set {SHIPPED_RULESET_ID} as it has been only since records carried"
                    f" a digest (sha256 {digest[:12]})")
    return None


def read_inputs(text: str, source: str) -> RecordInputs | None:
    """Parse a record's embedded inputs; None when it has no inputs block.

    An InputError names what is wrong: two blocks, a block never closed, YAML that does not
    parse, a missing or malformed key, a weight that is NaN or negative, an invalid workload.
    A digest that does not match is not an error here: ``sealed`` says so.
    """
    blocks = input_blocks(text)
    if not blocks:
        return None
    if len(blocks) > 1:
        lines = ", ".join(str(b.line) for b in blocks)
        raise InputError(f"has {len(blocks)} inputs blocks (lines {lines}); a record has exactly one", source=source)
    block = blocks[0]
    if not block.closed:
        raise InputError(f"the inputs block opened on line {block.line} is never closed", source=source)
    data = parse_yaml(block.body, f"{source}: inputs block (line {block.line})")
    if not isinstance(data, dict) or not isinstance(data.get("record"), dict) or "workload" not in data:
        raise InputError("the inputs block must hold 'record' and 'workload' mappings", source=source)
    version = 1 if block.info == LEGACY_INFO and FORMAT_KEY not in data else data.get(FORMAT_KEY)
    if version not in (1, FORMAT_VERSION):
        raise InputError(
            f"unknown inputs format {FORMAT_KEY}: {version!r} (this advisor reads 1 and {FORMAT_VERSION}); "
            "a newer advisor wrote it",
            source=source,
        )
    sealed = False
    if version >= 2:
        digest = data.get("digest")
        if not isinstance(digest, str) or not digest.startswith("sha256:"):
            raise InputError("the inputs block has no digest ('digest: sha256:...')", source=source)
        try:
            sealed = digest == _digest(data) or any(
                digest == _digest(_normalised(data, form)) for form in ("NFC", "NFD")
            )
        except (TypeError, ValueError):
            # advisor writes only what JSON holds (a date as text); a date, bytes, a set or a
            # number key in the block was put there by hand, so it cannot match the digest.
            sealed = False
    try:
        stamp = RecordStamp.model_validate(data["record"])
    except ValidationError as exc:
        field, message = describe_validation_error(exc, RecordStamp, noun="key")
        raise InputError(f"malformed inputs block: {message}", source=source, field=f"record.{field}") from None
    workload = parse_profile(data["workload"], source=f"{source}: inputs block workload")
    return RecordInputs(
        stamp=stamp, workload=workload, version=int(version), line=block.line, sealed=sealed,
        downgraded=_downgrade(data) if version == 1 else None,
    )
