"""What ``advisor verify`` prints: one line per file, what changed under it, and a count.

Three forms: ``text`` for people, ``json`` for programs, ``github`` for a GitHub Actions
log, where every record that does not hold becomes an error annotation on its file and
line (``::error file=...,line=...::``), shown inline on the pull request, and a record
whose model is being retired a warning (``::warning file=...::``), before the day it fails;
so is a record that holds though its workload file is not there or holds another workload.
A record judged against its changed workload file is annotated on that file, at the changed
field's line, naming the record: the pull request changed the file, often not the record; so is
a record left unverifiable by a workload file that is no valid workload any more (on the file).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from advisor.core.errors import InputError
from advisor.core.files import HIDDEN_FOLDER
from advisor.core.rules import RULES_ENV
from advisor.core.terminal import printable
from advisor.records.verify import (
    CHECKED,
    NOT_A_RECORD,
    NOT_FOUND,
    NOT_IN_FORCE,
    CostChange,
    VerifyResult,
    changed_workload_file,
    check_results,
    found_nothing,
    repository_path,
    several_in_force,
    verify_exit_code,
)
from advisor.records.workload import change_lines, shown_path

from .formatting import money, percent
from .json_output import dump_json

# A recorded decision that holds until its model goes away: said under it, and a warning on GitHub.
RETIRING = "model retiring"
# Under a record a template of one's own wrote: what verify could not hold it to.
CUSTOM_TEMPLATE = "written with a template of its own: its inputs are checked, not what its text says"


# Under a record that holds against a workload file that changed since it was written (with the
# command that records it again, from its file, where verify knows it: ``stale_figures``).
STALE_FIGURES = (
    "the decision and monthly costs still hold, but the record's figures come from the workload as it was:"
    " record it again with advisor adr FILE --supersedes N"
)


def stale_figures(r: VerifyResult) -> str:
    """STALE_FIGURES, with the real command where verify knows it."""
    return _with_command(STALE_FIGURES, r)


def _with_command(text: str, r: VerifyResult) -> str:
    """``text`` with its placeholder command made the real one where verify knows it."""
    return text if r.next_step is None else text.replace("advisor adr FILE --supersedes N", r.next_step)


# Under an inconsistent record: what puts it right (with the real command where verify knows it).
EDITED_FIX = (
    "to put it right, undo the hand edit (the record as advisor wrote it), or record it again and retire"
    " this record: advisor adr FILE --supersedes N"
)


def edited_fix(r: VerifyResult) -> str:
    """EDITED_FIX, with the real command where verify knows it."""
    return _with_command(EDITED_FIX, r)


def ruleset_line(r: VerifyResult) -> str | None:
    """Under a record written with a rule set of another id than the one verify ran with: which two,
    and how to verify with the record's own (said first: its other changes mostly follow from it)."""
    if not r.ruleset_id_changed or r.ruleset_then is None or r.ruleset_now is None:
        return None
    then, now = (name.split(" (sha256 ")[0] for name in (r.ruleset_then, r.ruleset_now))
    return f"written with {then}; verified with {now}: pass --rules DIR or set {RULES_ENV}"


def feasibility_line(r: VerifyResult) -> str | None:
    """Whether today's decision meets its contract, where that is news: the recorded mode met it and
    no longer does (or the reverse), or another mode is chosen now and misses it."""
    if r.current_feasible is None or r.recorded_feasible is None:
        return None
    if not r.current_feasible and (r.recorded_feasible or r.current_mode != r.recorded_mode):
        return f"not feasible as specified now: {r.current_infeasible_reason or 'its contract is missed'}"
    if r.current_feasible and not r.recorded_feasible and r.current_mode == r.recorded_mode:
        return f"{r.current_mode} now meets its contract: the record says it was not feasible as specified"
    return None


def feasibility_changed(r: VerifyResult) -> bool:
    """The recorded mode is still chosen, and whether it meets its contract changed."""
    return (
        r.current_mode == r.recorded_mode and r.current_feasible is not None and r.recorded_feasible is not None
        and r.current_feasible != r.recorded_feasible
    )


# Under a record whose workload file is not there: the file may be gone with its feature, and then
# no new path leads back; a record in force for a feature that is gone is retired by its status.
GONE = "if the feature is gone, set this record's status to deprecated"


def workload_file_notes(r: VerifyResult) -> list[str]:
    """What verify says of the workload file a record names, when there is something to say:
    that it is not there, or that it holds another workload (and, for a record that holds all
    the same, that its figures are from before). Nothing when the file holds the recorded
    workload, or the record names none."""
    if r.workload_file is None:
        return []
    if r.workload_file_state == "missing":
        return [
            f"its workload file {shown_path(r.workload_file)} is not there: the record's own inputs are checked;"
            f" {_fix(r)}; {GONE}"
        ]
    if r.workload_file_state == "outside":
        return [
            f"it names a workload file outside the repository ({shown_path(r.workload_file)}): not read; the"
            f" record's own inputs are checked; {_fix(r)}"
        ]
    if r.workload_file_state != "changed":
        return []
    changed = "; ".join(change_lines((c.field, c.recorded, c.current) for c in r.workload_changes))
    return [f"the workload changed since the record: {changed}", *([stale_figures(r)] if r.status == "holds" else [])]


_NUMBERED = re.compile(r"^0*(\d+)-")
WITHOUT_FILE = ("missing", "outside")  # the workload file states under which a record is checked alone


def _fix(r: VerifyResult) -> str:
    """How a record whose workload file moved is brought back to it: a new record, from the file."""
    if r.next_step is not None:
        return f"if the file moved, record it again from there: {r.next_step}"
    number = _NUMBERED.match(PurePath(r.path).name)
    return (f"if the file moved, record it again from there: advisor adr <new path> --supersedes "
            f"{number.group(1) if number else 'N'}")


def _change(value: float | None) -> str:
    return "from nothing" if value is None else f"{'+' if value >= 0 else '-'}{percent(abs(value))}"


def describe_changes(r: VerifyResult) -> list[str]:
    """What differs from when the record was written, one line each (rules, prices, costs)."""
    out: list[str] = []
    if (rules := ruleset_line(r)) is not None:
        out.append(rules)
    if r.status == "drifted" and (feasibility := feasibility_line(r)) is not None:
        out.append(feasibility)
    if r.status in ("holds", "drifted"):
        out += workload_file_notes(r)
    if r.status == "drifted" and r.message:  # a note on how it was checked (a superseded mark that does not count)
        out.append(r.message)
    if r.status == "inconsistent" and len(r.problems) > 1:
        out += r.problems
    if r.ruleset_then:
        out.append(f"rule set {r.ruleset_then} -> {r.ruleset_now}")
    for axis, (before, after) in r.weight_changes.items():
        out.append(
            f"axis weight {axis}: {'absent' if before is None else f'{before:g}'} -> "
            f"{'absent' if after is None else f'{after:g}'}"
        )
    for c in r.rule_changes:
        if c.fires_now != c.fired_then:
            what = "now fires" if c.fires_now else "no longer fires"
            line = f"rule {c.rule} {what}"
            if c.conditions_now:
                line += f" ({'; '.join(c.conditions_now)})"
        else:
            line = f"rule {c.rule} still {'fires' if c.fires_now else 'does not fire'}"
        if c.only_in == "current":
            line += ": a rule the record's rule set did not have"
        elif c.only_in == "recorded":
            line += ": a rule the rule set in use does not have"
        elif c.thresholds_then is not None and c.thresholds_then != c.thresholds_now:
            line += _thresholds_change(c.thresholds_then, c.thresholds_now)
        out.append(line)
    if r.price_changes:
        out.append(f"prices moved between {r.price_date_then} and {r.price_date_now}:")
        out += [f"  {p.kind}: {p.recorded} -> {p.current}" for p in r.price_changes]
    for cost in r.cost_changes:
        chosen = " (the recorded choice)" if cost.mode == r.recorded_mode else ""
        beyond = f", beyond the {percent(r.cost_tolerance)} tolerance" if cost.beyond_tolerance else ""
        out.append(
            f"monthly cost of {cost.mode}{chosen}: {money(cost.recorded_usd)} -> {money(cost.current_usd)}"
            f" ({_change(cost.change)}{beyond}){_left_out(cost)}"
        )
    if r.advisor_then:
        out.append(f"advisor {r.advisor_then} -> {r.advisor_now}")
    if r.sealed is None and r.status in CHECKED and r.status != "unverifiable":
        out.append("written before records carried a digest: a hand edit of its inputs cannot be detected")
    if r.text_unchecked and r.status in ("holds", "drifted"):
        out.append(CUSTOM_TEMPLATE)
    out += [f"{RETIRING}: {shutdown}" for shutdown in r.model_shutdowns]
    if r.status == "inconsistent":
        out.append(edited_fix(r))
    if r.status == "drifted" and r.next_step is not None and r.workload_file_state not in WITHOUT_FILE:
        # (without its file, the note on the file already says it, with <new path>)
        out.append(f"to record it again from its workload file and retire this record: {r.next_step}")
    return out


def _thresholds_change(then: list[str], now: list[str]) -> str:
    """A rule's thresholds then and now, said as what changed: one moved (``a -> b``), or those
    added and dropped, so a condition added to a rule is not said as every one of them moving,
    and the ones that stayed are not repeated under every record."""
    dropped = [t for t in then if t not in now]
    added = [t for t in now if t not in then]
    if len(dropped) == 1 and len(added) == 1:
        return f"; its threshold moved: {dropped[0]} -> {added[0]}"
    if not dropped and not added:  # the same thresholds, in another order
        return ""
    parts = ([f"dropped {', '.join(dropped)}"] if dropped else []) + ([f"added {', '.join(added)}"] if added else [])
    return f"; its thresholds changed: {'; '.join(parts)}"


def _left_out(cost: CostChange) -> str:
    """What either figure leaves out, said beside them: a floor against a full figure is no like
    for like (gpt-5's $5,297 without its reasoning against gpt-5.4's $9,122 with nothing left out)."""
    then, now = cost.recorded_reasoning_unpriced_usd, cost.current_reasoning_unpriced_usd
    what = "the model's reasoning (no reasoning_tokens given)"
    if then and now:
        return f"; both figures leave out {what}: about {money(then)} -> {money(now)} a month more"
    if then:
        return f"; the recorded figure leaves out {what}: about {money(then)} a month more"
    if now:
        return f"; today's figure leaves out {what}: about {money(now)} a month more"
    return ""


def headline(r: VerifyResult) -> str:
    """One line: the file and its status."""
    if r.status == "holds":
        # A decision that misses its contract still holds if the record says so; said, or a CI
        # reader takes "holds" for "fine".
        infeasible = ", not feasible as specified, as the record says" if r.current_feasible is False else ""
        head = f"holds ({r.current_mode}{infeasible})"
        if r.message:
            head += f"; {r.message}"
        return f"{r.path}: {head}"
    if r.status == "drifted":
        if r.current_mode != r.recorded_mode:
            return f"{r.path}: DRIFTED {r.recorded_mode} -> {r.current_mode}"
        costs = any(c.beyond_tolerance for c in r.cost_changes)
        if feasibility_changed(r):
            what = ("but not feasible as specified now" if not r.current_feasible
                    else "and feasible now, which the record says it was not")
            moved = "; monthly costs moved beyond the tolerance" if costs else ""
            return f"{r.path}: DRIFTED ({r.recorded_mode} still chosen, {what}{moved})"
        return f"{r.path}: DRIFTED ({r.recorded_mode} still chosen; monthly costs moved beyond the tolerance)"
    if r.status == "inconsistent":
        return f"{r.path}: INCONSISTENT: {r.problems[0] if len(r.problems) == 1 else 'its text and inputs disagree'}"
    if r.status == "unverifiable" and r.message == NOT_FOUND:  # no record at all (JSON: unverifiable)
        return f"{r.path}: NOT FOUND ({NOT_FOUND})"
    if r.status == "unverifiable":
        return f"{r.path}: UNVERIFIABLE: {r.message}"
    if r.message and r.message.startswith(f"{r.status} "):  # "superseded by record 5", said once
        return f"{r.path}: {r.message}"
    return f"{r.path}: {r.status} ({r.message})"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(results: Sequence[VerifyResult], *, allow_empty: bool = False) -> str:
    # A path that does not exist is no record: said apart, not counted as an unverifiable one.
    missing = sum(1 for r in results if r.status == "unverifiable" and r.message == NOT_FOUND)
    counts = {s: sum(1 for r in results if r.status == s) for s in (*CHECKED, *NOT_IN_FORCE, "skipped")}
    counts["unverifiable"] -= missing
    checked = sum(counts[s] for s in CHECKED)
    # A record that holds without its workload file holds on its own inputs alone: said, not a clean pass.
    alone = sum(1 for r in results if r.status == "holds" and r.workload_file_state in WITHOUT_FILE)
    said = {s: f"{counts[s]} {s}" for s in CHECKED}
    if alone:
        said["holds"] += f" ({alone} without its workload file)"
    parts = [f"{_plural(checked, 'record')}: " + ", ".join(said[s] for s in CHECKED)]
    if missing:
        parts.append(f"{_plural(missing, 'path')} not found")
    parts += [f"{counts[s]} {s}" for s in NOT_IN_FORCE if counts[s]]
    not_records = sum(1 for r in results if r.status == "skipped" and r.message == NOT_A_RECORD)
    hidden = sum(1 for r in results if r.status == "skipped" and r.message == HIDDEN_FOLDER)
    others = counts["skipped"] - not_records - hidden
    if not_records:
        parts.append(f"{_plural(not_records, 'file')} skipped (not advisor records)")
    if hidden:
        parts.append(f"{_plural(hidden, 'hidden folder')} not searched")
    if others:
        parts.append(f"{_plural(others, 'other path')} passed over (said above)")
    line = "; ".join(parts)
    if found_nothing(results):
        line += (
            "; found no advisor record (allowed by --allow-empty)" if allow_empty
            else "; found no advisor record: check the path, or pass --allow-empty when none is fine"
        )
    return line


def format_verify(results: Sequence[VerifyResult], *, allow_empty: bool = False) -> str:
    lines = []
    for r in results:
        lines.append(headline(r))
        lines.extend(f"    {change}" for change in describe_changes(r))
    # Two records in force about one workload file: each holds on its own, but a reader cannot
    # tell which decision stands. Said, not failed (see several_in_force).
    lines += [s.fix for s in several_in_force(results)]
    lines.append(summary(results, allow_empty=allow_empty))
    return "\n".join(printable(line) for line in lines) + "\n"


def _escape_data(text: str) -> str:
    """A workflow command's message: %, CR and LF are encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """A workflow command's property value: also ':' and ','."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(results: Sequence[VerifyResult], *, allow_empty: bool = False) -> str:
    """The text report, with an ``::error`` annotation for each record that does not hold."""
    lines = []
    for r in results:
        changes = describe_changes(r)
        # A record judged against its changed workload file: the annotation goes where the pull
        # request changed it (the record is often not in the diff), and names the record.
        changed = changed_workload_file(r) if r.status in ("drifted", "holds", "unverifiable") else None
        if r.status in ("drifted", "inconsistent", "unverifiable"):
            where, line = (repository_path(r.path), r.line) if changed is None else changed
            where = f"file={_escape_property(where)}"
            if line is not None:
                where += f",line={line}"
            title = _escape_property(f"advisor verify: {r.status}")
            head = headline(r) if changed is not None else headline(r).removeprefix(f"{r.path}: ")
            message = "\n".join([head, *changes])
            lines.append(f"::error {where},title={title}::{_escape_data(message)}")
        else:
            lines.append(headline(r))
            lines.extend(f"    {change}" for change in changes)
            for shutdown in r.model_shutdowns:
                where = f"file={_escape_property(repository_path(r.path))}"
                title = _escape_property(f"advisor verify: {RETIRING}")
                lines.append(f"::warning {where},title={title}::{_escape_data(f'{RETIRING}: {shutdown}')}")
            if r.status == "holds" and (notes := workload_file_notes(r)):
                # Not there, or another workload than recorded: the record holds, but on what?
                where = f"file={_escape_property(repository_path(r.path) if changed is None else changed[0])}"
                if changed is not None:  # on the workload file: which record it is about
                    where += f",line={changed[1]}" if changed[1] is not None else ""
                    notes = [headline(r), *notes]
                title = _escape_property(f"advisor verify: workload file {r.workload_file_state}")
                lines.append(f"::warning {where},title={title}::{_escape_data(chr(10).join(notes))}")
    for several in several_in_force(results):  # a warning on the record to retire (or the first)
        where = f"file={_escape_property(repository_path((several.older or several.records)[0]))}"
        title = _escape_property("advisor verify: two records in force")
        lines.append(f"::warning {where},title={title}::{_escape_data(several.fix)}")
    if found_nothing(results) and not allow_empty:
        lines.append(f"::error title=advisor verify::{_escape_data(summary(results))}")
    lines.append(summary(results, allow_empty=allow_empty))
    # A file name's escape sequence is shown, not obeyed, by the terminal or the log viewer.
    return "\n".join(printable(line) for line in lines) + "\n"


def verify_json(results: Sequence[VerifyResult], exit_code: int) -> dict[str, Any]:
    """The JSON report: the exit code and each result, with its changes in words."""
    return {
        "exit_code": exit_code,
        "records": [{**r.model_dump(mode="json"), "changes": describe_changes(r)} for r in results],
        # Workload files that two or more records in force name: {workload_file, records, older, fix}.
        "several_records_in_force": [s.model_dump(mode="json") for s in several_in_force(results)],
    }


def render_verify(results: Sequence[VerifyResult], fmt: str = "text", *, allow_empty: bool = False) -> str:
    """What ``advisor verify --format FMT`` prints for the results of ``advisor.verify(...)``:
    ``text``, ``json`` (with ``exit_code`` and ``several_records_in_force``) or ``github``; the
    same results, the same bytes. ``verify_exit_code(results)`` gives the command's exit status."""
    check_results(results, allow_empty)
    if fmt == "json":
        return dump_json(verify_json(results, verify_exit_code(results, allow_empty=allow_empty)))
    if fmt == "github":
        return format_github(results, allow_empty=allow_empty)
    if fmt != "text":
        raise InputError(f"must be text, json or github (got {fmt!r})", field="format")
    return format_verify(results, allow_empty=allow_empty)
