"""``advisor verify``: keeping recorded decisions honest. Each advisor record is re-checked
from the inputs it embeds and gets one status:

- ``holds``: today's rules and prices make the same decision, and no option's monthly cost
  moved by more than the tolerance (default 10%).
- ``drifted``: today's rules or prices change the decision, or whether the recorded mode meets
  its contract (feasible then, not feasible now, or the reverse), or move an option's monthly
  cost by more than the tolerance.
- ``inconsistent``: the record's text, as a reader sees it rendered, states another decision
  than its inputs (its first visible title, its first visible paragraph stating the decision,
  whole up to its rationale, or a further visible decision paragraph), or the inputs no longer
  match the digest written with them, or they no longer give the decision the record names
  under the same rules, prices and advisor.
- ``unverifiable``: the record says advisor wrote it, but its inputs are missing,
  duplicated or invalid (a NaN or negative weight included), or cannot be evaluated today;
  or the workload file it names is no valid workload.

A record that names the workload file it was written from (``record.workload_file``) is held
to that file as it is now: when the file holds another workload than the embedded one
(compared as validated data), the file's workload is assessed and the record judged against
it, with the fields that changed; a file that is not there is noted, and the record's own
inputs are checked. So is a path that leads out of the repository that holds the record
(advisor.records.workload.workload_bound): that file is never opened.

Files that are not advisor records are ``skipped``; a record visibly marked superseded by a
decision record that exists (advisor's about the same workload, or one with a title, which is
said as a record advisor did not write) is ``superseded`` (no longer in force, not re-checked);
so is a record whose own status says ``deprecated`` or ``rejected`` (MADR's front matter,
Nygard's Status section), which gets that status. Exit 0 when every record holds, 1 when any
drifted or is inconsistent, 2 when any is unverifiable, a path does not exist, or no advisor
record was found (unless ``allow_empty``). Two or more records in force that name one workload
file (``several_in_force``) are said, not failed: each is judged on its own. advisor.views.verify
words the results.
"""

from __future__ import annotations

import datetime
import os
import re
import shlex
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from advisor.core.assessment import Assessment, ConditionTrace, RuleTrace, assess
from advisor.core.conditions import Group, conjuncts, holds, in_words
from advisor.core.errors import AdvisorError, InputError, check_paths, check_type
from advisor.core.files import FileFinder
from advisor.core.profile import MODES, Mode, WorkloadProfile, load_profile
from advisor.core.provider import SHUTDOWN
from advisor.core.rules import RuleSet, default_rules_dir, load_rules
from advisor.core.situation import price_date_or_today
from advisor.core.validation import finite_number, given

from .folder import (
    DEFAULT_DIR,
    MARKDOWN_SUFFIXES,
    read_record,
    record_number,
    retired_status,
    status_not_superseded,
    successor_about_another_workload,
    successor_exists,
    successor_in_a_loop,
    successor_not_a_record,
    successor_written_by_advisor,
    superseded_by,
    supersedes_itself,
)
from .inputs import RecordInputs, RecordStamp, claims_advisor, fences, input_blocks, read_inputs, rule_thresholds
from .reading import Block, first_heading, rendered, same_text, visible_blocks, visible_lines
from .workload import (
    changed_fields,
    compared_data,
    shown_path,
    within_bound,
    work_tree,
    workload_bound,
    workload_path,
)

VerifyStatus = Literal[
    "holds", "drifted", "inconsistent", "unverifiable", "superseded", "deprecated", "rejected", "skipped"
]
DEFAULT_COST_TOLERANCE = 0.10
# Statuses of records that were re-checked (or should have been): what "empty" counts.
CHECKED: tuple[VerifyStatus, ...] = ("holds", "drifted", "inconsistent", "unverifiable")
# Records found but not in force, not re-checked: retired by a successor, or by their own status.
NOT_IN_FORCE: tuple[VerifyStatus, ...] = ("superseded", "deprecated", "rejected")
_FROZEN = ConfigDict(frozen=True, defer_build=True)
_CENT = 0.01


class CostChange(BaseModel):
    """An option's monthly cost, as recorded and today."""

    model_config = _FROZEN
    mode: Mode
    recorded_usd: float
    current_usd: float
    change: float | None  # (current - recorded) / recorded; None when it was 0
    beyond_tolerance: bool
    # What each figure leaves out: a model's reasoning that no reasoning_tokens priced, about so
    # much a month (None: nothing left out). A floor set against a full figure is no like for like.
    recorded_reasoning_unpriced_usd: float | None = None
    current_reasoning_unpriced_usd: float | None = None


class PriceChange(BaseModel):
    """Token prices that moved between the record's price date and today's."""

    model_config = _FROZEN
    kind: Literal["standard", "batch"]
    recorded: str
    current: str


class RuleChange(BaseModel):
    """A rule that fires now and did not then (or the other way round), or whose thresholds moved."""

    model_config = _FROZEN
    rule: str
    fired_then: bool
    fires_now: bool
    thresholds_then: list[str] | None  # None: the record did not keep them (written before version 2)
    thresholds_now: list[str]
    conditions_now: list[str]  # today's facts against today's thresholds: "latency_budget_s 28800 lt 300: no"
    # A rule one side's rule set has and the other's does not: "recorded" (only the record's rule
    # set had it), "current" (only the rule set verify runs with has it); None: both, as far as
    # the record tells (it keeps the rules that fired and those with a numeric threshold).
    only_in: Literal["recorded", "current"] | None = None


class WorkloadChange(BaseModel):
    """A field of the workload that differs between the record's inputs and its workload file."""

    model_config = _FROZEN
    field: str  # as the workload file spells it: "model", "steps[1].output_tokens", "pricing.input_per_mtok"
    recorded: Any  # None: not given
    current: Any


# What verify found at the workload file a record names: the same workload as the record's
# inputs, another one, no file there, a file that is no valid workload, or a path that leads out
# of the repository that holds the record (not read: checked as "missing" is).
WorkloadFileState = Literal["unchanged", "changed", "missing", "invalid", "outside"]


class VerifyResult(BaseModel):
    """One file re-checked: does its recorded decision still hold under today's rules and prices?"""

    model_config = _FROZEN

    path: str
    status: VerifyStatus
    line: int | None = None  # where to point a reader (an annotation): the decision, the title, the block
    recorded_mode: Mode | None = None
    current_mode: Mode | None = None
    message: str = ""  # why it is inconsistent, unverifiable, skipped or superseded
    problems: list[str] = []  # every inconsistency found
    ruleset_then: str | None = None  # "advisor-default 1.0.0 (sha256 1c5dd1b8c4de)" when the rule set changed
    ruleset_now: str | None = None
    weight_changes: dict[str, tuple[float | None, float | None]] = {}
    rule_changes: list[RuleChange] = []
    price_date_then: datetime.date | None = None
    price_date_now: datetime.date | None = None
    price_changes: list[PriceChange] = []
    cost_changes: list[CostChange] = []
    cost_tolerance: float = DEFAULT_COST_TOLERANCE
    advisor_then: str | None = None
    advisor_now: str | None = None
    sealed: bool | None = None  # the digest matched; None: an older record without one
    # Written with a template of one's own: no stated text was recorded, so only the inputs are
    # re-checked, not what the record's text says.
    text_unchecked: bool = False
    # Each of its models' announced shutdowns, as of today's price date ("OpenAI shuts gpt-4o-mini
    # down on 2027-01-14, 49 days after the price date: ..."): from that day it is unverifiable.
    model_shutdowns: list[str] = []
    # The workload file the record names, relative to the record's folder (None: it names none);
    # what verify found there; and, when it holds another workload, the fields that changed.
    workload_file: str | None = None
    workload_file_state: WorkloadFileState | None = None
    workload_changes: list[WorkloadChange] = []
    # Whether the recorded mode met its contract when the record was written (from the rules that
    # fired then, as the rule set in use defines them), and whether today's decision meets it, with
    # why not (the reason `advisor recommend` gives). None where the record was not re-checked.
    recorded_feasible: bool | None = None
    current_feasible: bool | None = None
    current_infeasible_reason: str | None = None
    # The record was written with a rule set of another id than the one verify ran with (a rule set
    # of one's own, and verify run without --rules): its changes are mostly that.
    ruleset_id_changed: bool = False
    # The command that records the decision again from its workload file and retires this record
    # ("advisor adr workloads/chat.yaml --supersedes 4"), where the record is drifted, or holds
    # against a workload file that changed or is not there; FILE or <new path> where verify does
    # not know the file. None otherwise, and where the rule set's id changed (pass --rules first).
    next_step: str | None = None


# -- reading a record ----------------------------------------------------------------------------


_NUMBER_PREFIX = re.compile(r"^\d+\.\s+")
# A paragraph that states a decision, as shown (whitespace collapsed, emphasis dropped): MADR's
# 'Chosen option: "Label"' (any quotes, or none) and Nygard's 'We will ... (`mode`'.
_CHOSEN = re.compile(r"^Chosen option:\s*(.*)", re.IGNORECASE)
_QUOTED = re.compile(r'^["\u201c\u201d\u201e](.*?)["\u201c\u201d\u201e]')
_WE_WILL = re.compile(r"^We will .*?\(`(\w+)`")
# Straight and curly double quotes say the same.
_STRAIGHT = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"'})
# How the rationale starts after the stated decision: MADR's '", because', Nygard's
# ', Label), because' (the paragraph may also end there).
_MADR_TAIL = re.compile(r"^(?:,\s+because\b.*)?$")
_NYGARD_TAIL = re.compile(r"^, (.+?)\)(?:,\s+because\b.*)?$")


def _line_of(text: str, pattern: re.Pattern[str]) -> int | None:
    return next((line.number for line in visible_lines(text) if pattern.search(line.text)), None)


def _chosen(shown: str) -> str | None:
    """The option a MADR decision names ('Chosen option: "Label", because'), in whatever quotes
    (or none: up to the first comma); None when ``shown`` is no such decision."""
    chosen = _CHOSEN.match(shown)
    if chosen is None:
        return None
    quoted = _QUOTED.match(chosen.group(1))
    return (quoted.group(1) if quoted else chosen.group(1).split(",")[0]).strip()


# Letters that look like ASCII ones (Cyrillic, Greek): "Chosen option" with a Cyrillic capital Es
# (U+0421) for its C reads as "Chosen option". Folded, with NFKC (fullwidth letters), only to find
# what reads as a decision.
_LOOKALIKE = str.maketrans(
    "\u0410\u0412\u0421\u0415\u041d\u0406\u0408\u041a\u041c\u041e\u0420\u0405\u0422\u0425\u0423\u0430"
    "\u0435\u043e\u0440\u0441\u0445\u0443\u0456\u0458\u0455\u0501\u04bb\u051d\u0391\u0392\u0395\u0397"
    "\u0399\u039a\u039c\u039d\u039f\u03a1\u03a4\u03a7\u03a5\u0396\u03bf\u03b9\u03bd\u03b1",
    "ABCEHIJKMOPSTXYaeopcxyijsdhwABEHIKMNOPTXYZoiva",
)


def _reads_as(shown: str) -> str:
    """The text as its letters read, lookalikes folded to ASCII."""
    return unicodedata.normalize("NFKC", shown).translate(_LOOKALIKE)


def _decisions(blocks: list[Block]) -> list[Block]:
    """Every visible paragraph (a table's cell included) or heading shaped like the one that
    states a decision ("Chosen option: ...", "We will ... (`mode`"): a reader takes
    '### Chosen option: "Batch API"' as a decision too. Not the title (the first level-1
    heading), which is held to its own words."""
    title = next((b for b in blocks if b.level == 1), None)
    return [
        b for b in blocks
        if b is not title and (_CHOSEN.match(_reads_as(b.shown)) or _WE_WILL.match(_reads_as(b.shown)))
    ]


def _stating(line: str) -> str:
    """The part of a decision that states it: up to its rationale, shortened."""
    head = re.split(r",\s+because\b", line, maxsplit=1)[0]
    return head if len(head) <= 120 else head[:117] + "..."


def _states_decision(shown: str, stamp: RecordStamp, ruleset: RuleSet, *, whole: bool) -> bool:
    """Does a visible decision paragraph (as shown) say what the record's inputs state
    (``stamp.stated``, shown the same way)?

    With ``whole``, it must be the stated text up to where the rationale starts ("because"):
    nothing a continuation could turn round ("... was rejected: we chose the Batch API
    instead"). Otherwise it must name the same option (a further mention of the decision)."""
    assert stamp.stated is not None
    stated = unicodedata.normalize("NFC", rendered(stamp.stated.decision)).translate(_STRAIGHT)
    shown = unicodedata.normalize("NFC", shown).translate(_STRAIGHT)
    if not whole and (named := _chosen(shown)) is not None:
        return named == _chosen(stated)
    if not shown.startswith(stated):
        return False
    tail = shown[len(stated):]
    if not whole:
        return tail == "" or not tail[0].isalnum()
    if _MADR_TAIL.match(tail):
        return stated.startswith("Chosen option:")
    nygard = _NYGARD_TAIL.match(tail)
    if nygard is None or not stated.startswith("We will "):
        return False
    # Nygard names the option again: ", Streaming response)". Its label under today's rule set;
    # a record written under another rule set may use another label, never another option's.
    label = nygard.group(1).strip().casefold()
    modes = ruleset.header.modes
    if label == modes[stamp.mode].label.casefold():
        return True
    if stamp.ruleset.hash == ruleset.content_hash or "(" in label or ")" in label:
        return False
    return not any(modes[m].label.casefold() in label or m == label for m in MODES if m != stamp.mode)


def _stated_problems(text: str, stamp: RecordStamp, ruleset: RuleSet) -> tuple[list[str], int | None]:
    """Where the text a reader sees states another decision than the inputs; and the line of
    the first. Only what shows counts: the first level-1 heading and the first paragraph stating
    a decision that are not in an HTML comment or block or in code, compared as rendered."""
    problems: list[str] = []
    line: int | None = None
    heading = first_heading(visible_lines(text))
    shown_title = _NUMBER_PREFIX.sub("", heading.shown) if heading is not None else None
    decisions = _decisions(visible_blocks(text))
    if stamp.stated is not None:
        title = rendered(stamp.stated.title)
        if shown_title is None or not same_text(shown_title, title):
            problems.append(
                f"the title reads {shown_title!r}, but the inputs record the title {stamp.stated.title!r}"
                if shown_title is not None else f"the title {stamp.stated.title!r} is gone"
            )
            line = heading.number if heading is not None else None
        if not decisions:
            problems.append(f"the line stating the decision ({stamp.stated.decision!r}) is gone")
            return problems, line
        first, *others = decisions
        if not _states_decision(first.shown, stamp, ruleset, whole=True):
            problems.append(
                f"the decision reads {_stating(first.shown)!r},"
                f" but the inputs record {stamp.stated.decision!r} ({stamp.mode})"
            )
            line = line or first.number
        for other in others:
            if not _states_decision(other.shown, stamp, ruleset, whole=False):
                problems.append(
                    f"line {other.number} states another decision ({_stating(other.shown)!r}), but the inputs record"
                    f" {stamp.stated.decision!r} ({stamp.mode})"
                )
                line = line or other.number
        return problems, line
    # An older record: hold its title and chosen option to the words of today's rule set.
    modes = ruleset.header.modes
    if shown_title is not None:
        for mode in MODES:
            if mode != stamp.mode and shown_title.endswith(f": {modes[mode].verb}"):
                problems.append(f"the title reads {shown_title!r} ({mode}), but the inputs record {stamp.mode}")
                line = heading.number if heading is not None else None
    for decision in decisions:
        chosen = _chosen(decision.shown)
        if chosen is not None:
            named = [m for m in MODES if modes[m].label == chosen]
            if named and named[0] != stamp.mode:
                problems.append(
                    f"the chosen option is {chosen!r} ({named[0]}), but the inputs record {stamp.mode}"
                )
                line = line or decision.number
        we_will = _WE_WILL.match(decision.shown)
        if we_will is not None and we_will.group(1) in MODES and we_will.group(1) != stamp.mode:
            problems.append(f"the decision reads {we_will.group(1)!r}, but the inputs record {stamp.mode}")
            line = line or decision.number
    return problems, line


def _decision_line(text: str, stamp: RecordStamp | None) -> int | None:
    decisions = _decisions(visible_blocks(text))
    if decisions:
        return decisions[0].number
    heading = first_heading(visible_lines(text))
    return heading.number if heading is not None else None


# -- comparing then and now --------------------------------------------------------------------


def _short(digest: str) -> str:
    return digest[:12]


def _number(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _conditions_now(trace: RuleTrace) -> list[str]:
    """Each part of the rule's ``when`` with today's facts: ``latency_budget_s 28800 lt 300:
    no``; a ``not`` or ``any`` whole, with its own verdict."""

    def compared(c: ConditionTrace) -> str:
        return f"{c.fact} {_number(c.actual)} {c.op} {_number(c.threshold)}"

    def marked(c: ConditionTrace) -> str:
        return f"{compared(c)} ({'yes' if c.passed else 'no'})"

    def passed(c: ConditionTrace) -> bool:
        return c.passed

    parts = conjuncts(trace.conditions, [c.path for c in trace.conditions])
    out = []
    for part in parts:
        verdict = "yes" if holds(part, passed) else "no"
        if isinstance(part, Group):
            out.append(f"{in_words(part, marked)}: {verdict}")
        else:
            out.append(f"{compared(part)}: {verdict}")
    return out


def _rule_changes(stamp: RecordStamp, now: Assessment, rules_now: Assessment | None = None) -> list[RuleChange]:
    """The rules that fire now and did not then, or the other way round, in ``now``; and those
    whose thresholds moved, in ``rules_now`` (default ``now``): the recorded workload under
    today's rules, where ``now`` is a changed workload file's, whose own budget moves
    thresholds the rules did not."""
    fired_now = {r.id for r in now.fired_rules}
    fired_then = set(stamp.fired_rules)
    thresholds_now = rule_thresholds(rules_now or now)
    # Records written before thresholds kept a rule's not and any listed its numeric
    # comparisons alone: the same thresholds, written the old way.
    flat_now = rule_thresholds(rules_now or now, flat=True)
    traces = {t.rule: t for t in now.trace}
    out = []
    for rule_id in [t.rule for t in now.trace] + sorted(fired_then - set(traces)):
        then_t = stamp.thresholds.get(rule_id) if stamp.thresholds is not None else None
        now_t = thresholds_now.get(rule_id, [])
        firing_changed = (rule_id in fired_now) != (rule_id in fired_then)
        moved = stamp.thresholds is not None and (then_t or []) not in (now_t, flat_now.get(rule_id, []))
        if then_t is None and not firing_changed and rule_id not in fired_now:
            # No threshold of it in the record and it decides nothing now: a rule added since
            # (the rule set's new digest says the rules changed), not a threshold that moved.
            moved = False
        if not firing_changed and not moved:
            continue
        trace = traces.get(rule_id)
        conditions = _conditions_now(trace) if trace else []
        only_in: Literal["recorded", "current"] | None = None
        if trace is None:
            only_in = "recorded"  # it fired then, and today's rule set has no rule by that id
        elif stamp.thresholds is not None and then_t is None and now_t and rule_id not in fired_then:
            # The record keeps every rule's numeric thresholds: one with a threshold today that the
            # record does not name, and that did not fire then, was not in its rule set.
            only_in = "current"
        out.append(
            RuleChange(
                rule=rule_id, fired_then=rule_id in fired_then, fires_now=rule_id in fired_now,
                thresholds_then=None if stamp.thresholds is None else (then_t or []),
                thresholds_now=now_t, conditions_now=conditions, only_in=only_in,
            )
        )
    return out


def _cost_changes(
    recorded: dict[Mode, float], now: Assessment, tolerance: float, then: Assessment | None = None
) -> list[CostChange]:
    """Each option's monthly cost that moved; ``then``: the recorded workload at the record's
    price date, for what its figures left out."""
    left_then = (then.pricing.unpriced_reasoning_usd_per_month if then is not None else None) or {}
    left_now = now.pricing.unpriced_reasoning_usd_per_month or {}
    out = []
    for mode in MODES:
        if mode not in recorded:
            continue
        before, after = recorded[mode], round(now.costs[mode].total_usd, 2)
        if abs(after - before) < _CENT:
            continue
        change = (after - before) / before if before else None
        out.append(
            CostChange(mode=mode, recorded_usd=before, current_usd=after, change=change,
                       beyond_tolerance=change is None or abs(change) > tolerance,
                       recorded_reasoning_unpriced_usd=left_then.get(mode),
                       current_reasoning_unpriced_usd=left_now.get(mode))
        )
    return out


def _recorded_feasible(stamp: RecordStamp, ruleset: RuleSet) -> bool:
    """Did the recorded mode meet its contract when the record was written? Not when a rule that
    fired then says this workload's numbers miss that mode's contract (its ``unmet``), as the rule
    set in use defines the rule: the record keeps which rules fired, not what each of them did.
    Exact under the same rule set; a rule the rule set in use does not have counts for nothing."""
    rules = {rule.id: rule for rule in ruleset.rules}
    return not any(stamp.mode in rules[i].unmets for i in stamp.fired_rules if i in rules)


_NUMBERED = re.compile(r"^0*(\d+)-")


def _from_here(path: str | os.PathLike[str]) -> str:
    """An absolute path as a command run from the working folder gives it: relative when it lies
    in the working folder, else whole."""
    here = os.path.realpath(os.getcwd())
    real = os.fspath(path)
    return os.path.relpath(real, here) if within_bound(real, here) else real


def _workload_from_here(path: Path, recorded: str) -> str:
    """The workload file a record names, as a command run from the working folder names it: by the
    way the record was reached (``services/support/docs/decisions/../../workloads/chat.yaml``,
    tidied) where that leads to it, else from where it really is."""
    real = workload_path(path, recorded)
    reached = os.path.normpath(os.path.join(os.path.dirname(str(path)), *recorded.split("/")))
    try:
        if os.path.samefile(reached, real):
            return reached
    except OSError:
        pass
    return str(real) if path.is_absolute() else _from_here(real)


def next_step(
    path: Path, workload_file: str | None, state: WorkloadFileState | None, ruleset: RuleSet,
    template: str | None = None,
) -> str:
    """The command that writes the record again from its workload file and retires this one:
    ``advisor adr <file> [--dir <its folder>] [--template <its template>] [--rules <the rule set>]
    --supersedes <its number>``. The folder is said unless it is adr's default (docs/decisions,
    from the working folder), the template unless it is adr's default (MADR: a Nygard folder
    kept by adr-tools would otherwise get a MADR record; ``PATH`` for one's own template, whose
    path the record does not keep), the rule set unless it is the shipped one; ``FILE`` where
    the record names no workload file, ``<new path>`` where it is not there (or is not read),
    ``N`` where its name has no number."""
    if workload_file is None:
        file = "FILE"
    elif state in ("missing", "outside"):
        file = "<new path>"
    else:
        file = shlex.quote(_workload_from_here(path, workload_file))
    parts = ["advisor", "adr", file]
    folder = os.path.dirname(str(path)) or "."
    if os.path.normpath(folder) != os.path.normpath(DEFAULT_DIR):
        parts += ["--dir", shlex.quote(folder)]
    if template == "nygard":
        parts += ["--template", "nygard"]
    elif template == "custom":
        parts += ["--template", "PATH"]
    if Path(ruleset.path).resolve() != default_rules_dir().resolve():
        parts += ["--rules", shlex.quote(_from_here(ruleset.path))]
    number = _NUMBERED.match(path.name)
    return " ".join([*parts, "--supersedes", number.group(1) if number else "N"])


_KEY = re.compile(r"^([A-Za-z_]\w*)")


def repository_path(path: str) -> str:
    """A record as a pull request names it: GitHub reads an annotation's file from the top of the
    repository, whatever folder the CI step ran verify in. Its path from the top of the repository
    that holds it (with no repository, from the working folder, as ``changed_workload_file``
    names a workload file); as given where neither holds it."""
    real = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))
    here = str(work_tree(os.path.dirname(real)) or os.path.realpath(os.getcwd()))
    return Path(os.path.relpath(real, here)).as_posix() if within_bound(real, here) else path


def changed_workload_file(r: VerifyResult) -> tuple[str, int | None] | None:
    """Where a change to the workload file a record names is seen in a pull request: the file, as
    a path from the top of the repository that holds the record (a pull request's paths; with no
    repository, from the working folder), and the line of the first changed field's top-level key
    (None where the file writes it otherwise, as a flow mapping, or where it is no valid workload
    any more: it was one when the record was written, so it changed too). None when the file did
    not change, or does not lie there: no path an annotation could name."""
    if r.workload_file is None or r.workload_file_state not in ("changed", "invalid"):
        return None
    here = str(work_tree(os.path.dirname(os.path.realpath(r.path))) or os.path.realpath(os.getcwd()))
    where = workload_path(r.path, r.workload_file)
    if not within_bound(where, here):
        return None
    line = None
    key = _KEY.match(r.workload_changes[0].field) if r.workload_changes else None
    if key is not None:
        try:
            with open(where, encoding="utf-8", errors="replace") as text:
                starts = re.compile(rf"^['\"]?{re.escape(key.group(1))}['\"]?\s*:")
                line = next((n for n, row in enumerate(text, 1) if starts.match(row)), None)
        except OSError:
            pass
    return Path(os.path.relpath(where, here)).as_posix(), line


# Under a record whose own status retires it (deprecated, rejected).
RETIRED = "not in force: not re-checked"


def _assess(
    inputs: RecordInputs,
    ruleset: RuleSet,
    same_rules: bool,
    price_date: datetime.date | None,
    workload: WorkloadProfile | None = None,
) -> Assessment:
    """The record's workload (or ``workload``, its file's) assessed with its weights."""
    # Same rule set: the record's weights are the rule set's or a deliberate override, so
    # keep them. Changed rule set: its weights are part of what is being re-checked.
    weights = (
        {k: v for k, v in inputs.stamp.weights.items() if k in ruleset.weights} if same_rules else None
    )
    return assess(workload or inputs.workload, ruleset, weights=weights, price_date=price_date, what_if=False)


_OUTSIDE: Literal["outside"] = "outside"


def _workload_file(
    path: Path, recorded: str, searched: Path | None = None
) -> WorkloadProfile | InputError | Literal["outside"] | None:
    """The workload in the file a record names (``recorded``, from the record's folder); None
    when no file is there; ``"outside"``, never opened, when the path (or the file it links to)
    lies outside the repository that holds the record (``workload_bound``); the InputError
    ``advisor recommend`` would give for a file that is no valid workload, naming the file as
    the record does."""
    where = workload_path(path, recorded)
    if not within_bound(where, workload_bound(path, searched)):
        return _OUTSIDE
    if not os.path.exists(where):  # a link to nothing is no file either
        return None
    try:
        return load_profile(where)
    except InputError as exc:
        return _naming(exc, recorded)


def _inconsistent_next_step(path: Path, stamp: RecordStamp, ruleset: RuleSet, searched: Path | None) -> str | None:
    """How an edited record is put right by a new one (besides undoing the edit): the command
    that records it again from its workload file, as for a drifted record. Only whether the file
    is there is looked at (its content may be part of the same edit); None, as for a drifted
    record, when the record was written with a rule set of another id."""
    if stamp.ruleset.id != ruleset.id:
        return None
    state: WorkloadFileState | None = None
    if stamp.workload_file is not None:
        where = workload_path(path, stamp.workload_file)
        if not within_bound(where, workload_bound(path, searched)):
            state = "outside"
        elif not os.path.exists(where):
            state = "missing"
    return next_step(path, stamp.workload_file, state, ruleset, stamp.template)


def _naming(exc: AdvisorError, recorded: str) -> InputError:
    """``exc`` about the workload file, named as the record names it."""
    return InputError(exc.message, source=shown_path(recorded), field=exc.field)


def verify_one(
    path: Path,
    ruleset: RuleSet,
    price_date: datetime.date | None = None,
    *,
    cost_tolerance: float = DEFAULT_COST_TOLERANCE,
    searched: Path | None = None,
) -> VerifyResult:
    """Re-check one file (see the module's docstring for what each status means).

    ``searched``: the path verify was asked to search that found it; a record in no git work
    tree, and not in the working folder, reads a workload file only inside it (``workload_bound``)."""
    source = str(path)
    try:
        text = read_record(path)
    except InputError as exc:
        return VerifyResult(path=source, status="unverifiable", message=exc.message)
    if text is None:
        return VerifyResult(path=source, status="skipped", message=NOT_A_RECORD)
    try:
        inputs = read_inputs(text, source)
    except InputError as exc:
        blocks = input_blocks(text) or [f for f in fences(text) if "advisor-record" in f.info]
        return VerifyResult(
            path=source, status="unverifiable", line=blocks[-1].line if blocks else None,
            message=str(exc).removeprefix(f"{source}: "),
        )
    successor = superseded_by(text)
    if inputs is None:
        if successor is not None and successor_exists(path, successor) and claims_advisor(text):
            return VerifyResult(path=source, status="superseded", message=f"superseded by record {successor.number}")
        if claims_advisor(text) and (retired := retired_status(text)) is not None:
            return VerifyResult(path=source, status=retired, message=RETIRED)
        if claims_advisor(text):
            return VerifyResult(
                path=source, status="unverifiable", line=_line_of(text, re.compile(r"^Written by advisor")),
                message="says advisor wrote it, but its inputs block is missing: nothing to re-check it against",
            )
        return VerifyResult(path=source, status="skipped", message=NOT_A_RECORD)
    stamp = inputs.stamp
    common = {"path": source, "recorded_mode": stamp.mode, "cost_tolerance": cost_tolerance,
              "sealed": inputs.sealed if inputs.version >= 2 or inputs.downgraded else None,
              "text_unchecked": inputs.version >= 2 and stamp.stated is None, "workload_file": stamp.workload_file}
    # A successor advisor wrote about another workload does not retire it (advisor adr --supersedes
    # would have refused it without --force).
    other = successor_about_another_workload(path, successor, inputs.workload.name) if successor else None
    if successor is not None and other is None and successor_exists(path, successor):
        message = f"superseded by record {successor.number}"
        if not successor_written_by_advisor(path, successor):
            message += ", a record advisor did not write: not re-checked"
        if (front_status := status_not_superseded(text)) is not None:
            message += f"; its front matter still says status: {front_status}"
        return VerifyResult(**common, status="superseded", message=message)
    # Its own status says it is no longer in force (MADR's front matter, Nygard's Status section).
    if (retired := retired_status(text)) is not None:
        return VerifyResult(**common, status=retired, message=RETIRED)
    # A record marked superseded by one that does not exist is still in force.
    problems: list[str] = []
    line: int | None = None
    note = ""
    if successor is not None and other is not None:
        named = f"record {successor.number}" if successor.number is not None else "a record"
        note = (f"marked superseded by {named}, which is about another workload ({other!r}): checked as a record "
                "in force")
    elif successor is not None and supersedes_itself(path, successor):
        note = "marked superseded by itself: checked as a record in force"
    elif successor is not None:
        named = f"record {successor.number}" if successor.number is not None else "a record"
        if successor_in_a_loop(path, successor):
            note = (f"marked superseded by {named}, whose chain of successors leads back to this record, so none"
                    " of them is in force: checked as a record in force")
        elif (not_record := successor_not_a_record(path, successor)) is not None:
            note = (f"marked superseded by {named} ({not_record.name}), which is no decision record (it has no "
                    "title and advisor did not write it): checked as a record in force")
        else:
            note = f"marked superseded by {named}, which does not exist: checked as a record in force"
    if inputs.version >= 2 and not inputs.sealed:
        problems.append("the inputs no longer match the digest written with them: they were edited by hand")
        line = inputs.line
    if inputs.downgraded is not None:
        problems.append(
            f"its inputs block has no digest, as records written before digests, but {inputs.downgraded}:"
            " the digest was taken out by hand"
        )
        line = inputs.line
    stated, stated_line = _stated_problems(text, stamp, ruleset)
    problems += stated
    line = line or stated_line

    same_rules = stamp.ruleset.hash == ruleset.content_hash
    # The recorded workload today: when that fails (its model shut down) a changed workload file may
    # still be judged.
    then: Assessment | None = None
    recorded_now: Assessment | AdvisorError
    try:
        then = _assess(inputs, ruleset, same_rules, stamp.prices.price_date)
        recorded_now = _assess(inputs, ruleset, same_rules, price_date)
    except AdvisorError as exc:
        recorded_now = exc
    if then is None or (isinstance(recorded_now, AdvisorError) and (problems or stamp.workload_file is None)):
        return VerifyResult(
            **common, status="unverifiable", line=inputs.line,
            message=f"cannot re-evaluate the embedded inputs today: {recorded_now}",
        )
    # Same rules, same prices, same advisor: the inputs must give what the record says.
    if same_rules and stamp.prices.data_version == then.pricing.data_version and (
        stamp.advisor_version == then.advisor_version
    ):
        if then.recommendation != stamp.mode:
            problems.append(
                f"its inputs give {then.recommendation} under the rules and prices it names,"
                f" but it records {stamp.mode}"
            )
        elif stamp.monthly_cost is not None:
            off = [m for m in MODES if m in stamp.monthly_cost
                   and abs(round(then.costs[m].total_usd, 2) - stamp.monthly_cost[m]) >= _CENT]
            if off:
                problems.append(
                    "its inputs give other monthly costs than it records under the same prices ("
                    + ", ".join(off) + ")"
                )
        line = line or _decision_line(text, stamp)

    if problems:
        # What the record states is not what its inputs say: drift against those inputs means nothing,
        # and the workload file it names may be an edit of its own: it is not read.
        assert isinstance(recorded_now, Assessment)
        return VerifyResult(
            **common, status="inconsistent", line=line, current_mode=recorded_now.recommendation,
            message="; ".join([*problems, note] if note else problems), problems=problems,
            next_step=_inconsistent_next_step(path, stamp, ruleset, searched),
        )
    # The workload file the record names, as it is now: the record is judged against it when it
    # holds another workload than the one recorded.
    now = recorded_now
    changes: list[WorkloadChange] = []
    file_state: WorkloadFileState | None = None
    if stamp.workload_file is not None:
        found = _workload_file(path, stamp.workload_file, searched)
        if isinstance(found, InputError):
            return VerifyResult(
                **common, workload_file_state="invalid", status="unverifiable", line=inputs.line,
                message=f"its workload file {found}",
            )
        if found is None or isinstance(found, str):
            file_state = "missing" if found is None else "outside"
        elif compared_data(found) == compared_data(inputs.workload):
            file_state = "unchanged"
        else:
            file_state = "changed"
            changes = [
                WorkloadChange(field=field, recorded=before, current=after)
                for field, before, after in changed_fields(compared_data(inputs.workload), compared_data(found))
            ]
            try:
                now = _assess(inputs, ruleset, same_rules, price_date, found)
            except AdvisorError as exc:  # what `advisor recommend` says of the file (an unknown model)
                return VerifyResult(
                    **common, workload_file_state="invalid", status="unverifiable", line=inputs.line,
                    message=f"its workload file {exc if exc.source else _naming(exc, stamp.workload_file)}",
                )
    if isinstance(now, AdvisorError):  # the embedded inputs cannot be assessed today, nor any file instead
        return VerifyResult(
            **common, workload_file_state=file_state, status="unverifiable", line=inputs.line,
            message=f"cannot re-evaluate the embedded inputs today: {now}",
        )
    recorded_costs = stamp.monthly_cost or {m: round(then.costs[m].total_usd, 2) for m in MODES}
    rates_then = {
        "standard": stamp.prices.standard or then.pricing.standard.describe(),
        "batch": stamp.prices.batch or then.pricing.batch.describe(),
    }
    # The prices of the recorded workload's model(s), then and today: what the catalogue moved, not
    # what a changed workload file moved (its changes say that).
    priced = recorded_now if isinstance(recorded_now, Assessment) else None
    rates_now = (
        {"standard": priced.pricing.standard.describe(), "batch": priced.pricing.batch.describe()}
        if priced is not None else rates_then
    )
    price_changes = [
        PriceChange(kind=kind, recorded=rates_then[kind], current=rates_now[kind])
        for kind in ("standard", "batch") if rates_then[kind] != rates_now[kind]
    ]
    cost_changes = _cost_changes(recorded_costs, now, cost_tolerance, then)
    rule_changes = _rule_changes(stamp, now, priced)
    old = stamp.ruleset
    rules_changed = (old.id, old.version, old.hash) != (ruleset.id, ruleset.version, ruleset.content_hash)
    weights_now = {axis.id: axis.weight for axis in now.axes}
    weight_changes = {
        axis: (stamp.weights.get(axis), weights_now.get(axis))
        for axis in sorted(set(stamp.weights) | set(weights_now))
        if stamp.weights.get(axis) != weights_now.get(axis)
    } if rules_changed else {}

    # Whether the recorded mode meets its contract: the record's central claim. The same mode, no
    # longer feasible (a budget cut below the first token), is a decision that no longer holds.
    recorded_feasible = _recorded_feasible(stamp, ruleset)
    feasibility_changed = now.recommendation == stamp.mode and now.feasible != recorded_feasible
    if (
        now.recommendation != stamp.mode or feasibility_changed
        or any(c.beyond_tolerance for c in cost_changes)
    ):
        status: VerifyStatus = "drifted"
        line = _decision_line(text, stamp)
    else:
        status = "holds"
    ruleset_id_changed = old.id != ruleset.id
    step = (
        next_step(path, stamp.workload_file, file_state, ruleset, stamp.template)
        if not ruleset_id_changed and (status == "drifted" or file_state in ("changed", "missing", "outside"))
        else None
    )
    anything = bool(rules_changed or rule_changes or price_changes or cost_changes or changes)
    return VerifyResult(
        **common,
        status=status,
        line=line if status != "holds" else None,
        current_mode=now.recommendation,
        message=note,
        ruleset_then=f"{old.id} {old.version} (sha256 {_short(old.hash)})" if rules_changed else None,
        ruleset_now=f"{ruleset.id} {ruleset.version} (sha256 {_short(ruleset.content_hash)})" if rules_changed
        else None,
        weight_changes=weight_changes,
        rule_changes=rule_changes,
        price_date_then=stamp.prices.price_date,
        price_date_now=now.pricing.price_date,
        price_changes=price_changes,
        cost_changes=cost_changes,
        advisor_then=stamp.advisor_version if anything and stamp.advisor_version != now.advisor_version else None,
        advisor_now=now.advisor_version if anything and stamp.advisor_version != now.advisor_version else None,
        model_shutdowns=[x.value for x in now.assumptions if x.name == SHUTDOWN],
        workload_file_state=file_state,
        workload_changes=changes,
        recorded_feasible=recorded_feasible,
        current_feasible=now.feasible,
        current_infeasible_reason=now.infeasible_reason,
        ruleset_id_changed=ruleset_id_changed,
        next_step=step,
    )


# -- folders ---------------------------------------------------------------------------------


NOT_MARKDOWN = f"not a Markdown file ({', '.join(MARKDOWN_SUFFIXES[:-1])} or {MARKDOWN_SUFFIXES[-1]})"
NOT_A_RECORD = "not an advisor record"


class _RecordFinder(FileFinder):
    """Markdown files (advisor.core.files.FileFinder: subfolders and linked folders searched,
    hidden folders not)."""

    once = "checked once"

    def wanted(self, name: str, folder_names: frozenset[str]) -> str | None:
        return None if name.lower().endswith(MARKDOWN_SUFFIXES) else NOT_MARKDOWN


def _named_other_than_markdown(path: Path) -> bool:
    """Is ``path`` no folder, named with a suffix other than a Markdown one (a broken
    ``workloads/x.yaml`` link, which verify would never read)? A name with no suffix may be a
    folder's: a broken link by that name is still said."""
    suffix = path.suffix.lower()
    return bool(suffix) and suffix not in MARKDOWN_SUFFIXES and not path.is_dir()


def _expand(paths: Iterable[str | Path]) -> list[VerifyResult | tuple[Path, Path]]:
    """Every file to check, path by path as given, a folder's in name order (subfolders
    included, as MADR's category folders); and, as results, what was passed over that a
    reader should know of: a hidden folder, a broken link, a second name of one file, a path
    that is not there. Other files (images, hidden files such as advisor's reservations) are
    left unsaid. A file comes with the path given that found it."""
    finder = _RecordFinder()
    out: list[VerifyResult | tuple[Path, Path]] = []
    for raw in paths:
        counts = len(finder.files), len(finder.skipped), len(finder.errors)
        finder.given(Path(raw))
        found: list[tuple[Path, VerifyResult | tuple[Path, Path]]] = [
            (p, (p, Path(raw))) for p in finder.files[counts[0]:]
        ]
        found += [
            (path, VerifyResult(path=str(path), status="skipped", message=reason))
            for path, reason in finder.skipped[counts[1]:]
            if reason not in (NOT_MARKDOWN, "hidden file") and not _named_other_than_markdown(path)
        ]
        found += [
            (path, VerifyResult(path=str(path), status="unverifiable",
                                message=NOT_FOUND if error == "no such file or folder" else error))
            for path, error in finder.errors[counts[2]:]
        ]
        out += [item for _, item in sorted(found, key=lambda pair: pair[0].parts)]
    return out


def verify(
    paths: str | Path | Sequence[str | Path],
    *,
    rules: RuleSet | str | Path | None = None,
    price_date: datetime.date | str | None = None,
    cost_tolerance: float = DEFAULT_COST_TOLERANCE,
) -> list[VerifyResult]:
    """Re-check every advisor record in ``paths`` (folders, searched with their subfolders,
    and files) from its embedded inputs.

    Each result says whether the recorded decision holds under ``rules`` (default: the
    current rule set) and the prices of ``price_date`` (a datetime.date or text YYYY-MM-DD;
    default: today), with an option's monthly cost allowed to move by ``cost_tolerance`` (a
    fraction, 0.10 = 10%); or why it is inconsistent or unverifiable, superseded, or
    skipped. A missing path is an ``unverifiable`` result.
    """
    if not (finite_number(cost_tolerance) and cost_tolerance >= 0):
        raise InputError(f"must be a fraction of at least 0, e.g. 0.1 for 10% (got {given(cost_tolerance)})",
                         field="cost_tolerance")
    if price_date is not None:  # the caller's mistake, not any record's: checked before any is read
        price_date = price_date_or_today(price_date)
    paths = check_paths(paths, "paths", "the path of a decision record or folder")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    ruleset = rules if isinstance(rules, RuleSet) else load_rules(rules)
    return [
        item if isinstance(item, VerifyResult)
        else verify_one(item[0], ruleset, price_date, cost_tolerance=cost_tolerance, searched=item[1])
        for item in _expand(paths)
    ]


class SeveralInForce(BaseModel):
    """Two or more records in force (not superseded, deprecated or rejected) that name one workload
    file: an inconsistency a team resolves by retiring all but one of them."""

    model_config = _FROZEN
    workload_file: str  # as a command run from the working folder names it
    records: list[str]  # their paths, as verify gives them: by folder, then by number
    # The older ones, to retire: every one but the highest number in their folder; empty where
    # they lie in different folders (numbers of two folders say nothing of which is older), or
    # one has no number.
    older: list[str]
    fix: str  # one line: the records, the file, and how to retire the older


def _named(paths: Sequence[Path]) -> str:
    """"records 4 and 5" (by number; a file name where it has none)."""
    names = [f"{n}" if (n := record_number(p)) is not None else p.name for p in paths]
    said = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"record{'s' if len(names) > 1 else ''} {said}"


def several_in_force(results: Sequence[VerifyResult]) -> list[SeveralInForce]:
    """Each workload file that two or more records in force name (the same file, whatever path
    reaches it), with the records and how to retire the older: mark them superseded by the newest
    (a record's status, MADR's front matter or Nygard's Status section), or deprecated. Not
    ``advisor adr FILE --supersedes N``: that writes a third record and leaves two in force."""
    by_file: dict[str, list[VerifyResult]] = {}
    seen: set[str] = set()
    for r in results:
        if r.status not in CHECKED or r.workload_file is None:
            continue
        real = os.path.realpath(r.path)
        if real in seen:
            continue
        seen.add(real)
        by_file.setdefault(os.path.realpath(workload_path(r.path, r.workload_file)), []).append(r)
    out = []
    for group in by_file.values():
        if len(group) < 2:
            continue
        group = sorted(group, key=lambda r: (str(Path(r.path).parent), record_number(r.path) or 0, r.path))
        paths = [Path(r.path) for r in group]
        file = _workload_from_here(paths[0], group[0].workload_file or "")
        numbers = [record_number(p) for p in paths]
        one_folder = len({os.path.realpath(p.parent) for p in paths}) == 1
        # One folder, numbered apart: the newest is the highest number, and the others can name it.
        if one_folder and all(numbers) and len(set(numbers)) == len(numbers):
            older, newest = paths[:-1], paths[-1]
            ref = f"ADR-{record_number(newest) or 0:04d}"
            fix = (
                f"{_named(paths)} in {paths[0].parent} are {'both' if len(paths) == 2 else 'all'} in force about"
                f" {file}: retire the older, {_named(older)}: mark {'it' if len(older) == 1 else 'each'} superseded by"
                f" {_named([newest])} (MADR: 'status: superseded by {ref}' in its front matter; Nygard:"
                f" 'Superseded by {ref}' as its status), or set its status to deprecated"
            )
        else:
            older = []
            both = 'both' if len(paths) == 2 else 'all'
            fix = f"{', '.join(map(str, paths[:-1]))} and {paths[-1]} are {both} in force about {file}: "
            if one_folder and all(numbers):
                # Numbered alike, none is the newest: "superseded by record 1" would name itself.
                fix += (f"{'they' if len(set(numbers)) == 1 else 'some'} share a number, so none can supersede"
                        " another: give each record a number of its own, or set the status of each one no longer"
                        " meant to deprecated")
            else:
                fix += ("retire each one no longer meant (records in different folders, or not numbered, cannot"
                        " supersede each other): set its status to deprecated")
        out.append(SeveralInForce(workload_file=file, records=[str(p) for p in paths],
                                  older=[str(p) for p in older], fix=fix))
    return sorted(out, key=lambda s: s.workload_file)


# A path given that does not exist: unverifiable (exit 2), but no record.
NOT_FOUND = "no such file or folder"


def found_nothing(results: Sequence[VerifyResult]) -> bool:
    """No advisor record at all among the paths (superseded, deprecated and rejected ones count as
    found)."""
    return not any(r.status in (*CHECKED, *NOT_IN_FORCE) for r in results)


def check_results(results: object, allow_empty: object) -> None:
    """What the Python API takes where it is given verify's results: the list advisor.verify(...)
    returns (a dict or a string would be read as no record, or fail deep inside), and a bool."""
    check_type(results, (list, tuple), "results", "the list advisor.verify(...) returns")
    for r in results:  # type: ignore[attr-defined]
        check_type(r, VerifyResult, "results", "the list advisor.verify(...) returns")
    check_type(allow_empty, bool, "allow_empty", "True or False")


def verify_exit_code(results: Sequence[VerifyResult], *, allow_empty: bool = False) -> int:
    """0 when every record holds; 1 when any drifted or is inconsistent; 2 when any is
    unverifiable, or when no advisor record was found and ``allow_empty`` is False."""
    check_results(results, allow_empty)
    statuses = {r.status for r in results}
    if "unverifiable" in statuses or (found_nothing(results) and not allow_empty):
        return 2
    return 1 if statuses & {"drifted", "inconsistent"} else 0
