"""Claims of the docs, read as a contract against the product (docs read 11): each test runs
what a page says and compares, so a page and the code cannot part silently. The figures the
pages quote from a benchmark run and the JSON keys the README lists are in test_docs_drift.py."""

from __future__ import annotations

import re
import shlex

import pytest

from advisor import render_adr
from advisor.cli import main

from .conftest import EXAMPLES, ROOT
from .test_cli_help import shown_runs
from .test_records import DATE, body_lines, fixed_assessment


def page(name: str) -> str:
    """A page with its whitespace collapsed, so a quote may wrap anywhere."""
    return " ".join((ROOT / name).read_text(encoding="utf-8").split())


# -- docs/publishing.md: "A record reads in five minutes" ---------------------------------

def reading_length_claim() -> tuple[str, int]:
    """What publishing.md leaves out of a record's length, and the length it promises."""
    said = re.search(r"A record reads in five minutes: without (.*?), each example's record is at most (\d+) lines",
                     page("docs/publishing.md"))
    assert said, "docs/publishing.md says how long a record is"
    return said.group(1), int(said.group(2))


@pytest.mark.parametrize("template", ["madr", "nygard"])
@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_record_is_as_long_as_publishing_says(example, template):
    """Counted as the page counts it: only the parts it names are left out. The levers became a
    list of bullets (one lever a bullet) and the reading-length test in test_records.py stopped
    counting them; a page that still counted them promised 120 lines where three examples' records
    ran to 123."""
    left_out, most = reading_length_claim()
    a = fixed_assessment(example)
    lines = body_lines(render_adr(a, template=template, date=DATE))  # no front matter, no inputs block
    assert "front matter" in left_out and "inputs block" in left_out
    count = len(lines)
    if "assumptions" in left_out:
        start = next(i for i, line in enumerate(lines) if line.startswith("Prices of ")) + 2
        end = next(i for i in range(start, len(lines)) if not lines[i].startswith("- "))
        count -= end - start + 1
    if "levers" in left_out:
        at = next((i for i, line in enumerate(lines) if "What would make it" in line), None)
        if at is not None:
            count -= next(j for j in range(at + 2, len(lines)) if not lines[j].startswith("- ")) - (at + 1)
    retiring = sum(x.name == "model shutdown" for x in a.assumptions)
    assert count <= most + retiring, f"{example.stem} ({template}): {count} lines, publishing.md says at most {most}"


# -- docs/architecture.md: the garbage collector in the CLI -------------------------------

def test_architecture_names_the_commands_that_turn_the_collector_back_on():
    """`advisor.cli.run` starts every command with the collector off, and review, verify and map
    turn it back on once started (`common.started`), so that a review of many files frees each
    file's garbage. The page said every command ran with it off to the end: an engineer chasing
    a review's memory would have looked for garbage that is in fact collected."""
    turning_on = sorted(path.stem for path in (ROOT / "advisor" / "cli").glob("*.py")
                        if re.search(r"^\s+started\(\)", path.read_text(encoding="utf-8"), re.MULTILINE))
    assert turning_on == ["map", "review", "verify"]
    architecture = page("docs/architecture.md")
    passage = architecture[architecture.index("cyclic garbage collector"):][:700]
    assert "`advisor.cli.common.started`" in passage
    for command in turning_on:
        assert f"`{command}`" in passage, f"docs/architecture.md's collector passage leaves out {command}"


# -- README.md and docs/: what a console block shows between two "..." --------------------

@pytest.mark.parametrize("block", shown_runs())
def test_lines_a_console_block_shows_together_are_printed_together(block, capsys, monkeypatch):
    """test_cli_help.py checks that each line a block shows is printed, in order; a reader also
    takes two lines shown one under the other as printed one under the other, and a "..." as
    the place where lines are left out. The README's gray-zone run showed "What would change the
    decision" with `model_p95_s = 5 ...` under it, the fourth change the command prints, as if
    it were the first."""
    monkeypatch.chdir(ROOT)
    command, *shown = block.rstrip("\n").split("\n")
    assert main(shlex.split(command.removeprefix("$ "))[1:]) == 0
    printed = capsys.readouterr()[0].splitlines()
    at, follows = -1, False
    for line in shown:
        if line == "...":
            follows = False
            continue
        found = printed.index(line, at + 1) if line in printed[at + 1:] else None
        assert found is not None, f"the docs show {line!r}, which the command does not print (in order)"
        if follows:
            assert found == at + 1, (f"the docs show {line!r} right under {printed[at]!r}, where the command prints "
                                     f"{found - at - 1} lines between them: mark them with '...'")
        at, follows = found, True


# -- docs/publishing.md: "What a template gets" ------------------------------------------

def test_every_value_publishing_lists_for_a_template_is_given_to_one():
    """Each value the table names (first column), and each key it lists of a value that is a
    mapping or a list of mappings (second column), is in what a record template is rendered
    with: a template written from the table never meets an undefined name."""
    from advisor.views.adr import record_context

    text = (ROOT / "docs" / "publishing.md").read_text(encoding="utf-8")
    table = text.split("### What a template gets", 1)[1].split("\n## ", 1)[0]
    context = record_context(fixed_assessment(EXAMPLES / "support-agent-tools.yaml"))
    rows = [line.split(" | ", 1) for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) > 15
    for first, second in rows:
        names = [n if not n.startswith(".") else "record.people" + n for n in re.findall(r"`([a-z_.]+)`", first)]
        for name in names:
            value = context
            for part in name.split("."):
                assert isinstance(value, dict) and part in value, f"publishing.md lists {name!r}, which a template does not get"
                value = value[part]
        if len(names) == 1 or names[0] == "cases":
            value = context[names[0].split(".")[0]] if "." not in names[0] else None
            sample = value[0] if isinstance(value, list) and value and isinstance(value[0], dict) else value
            if isinstance(sample, dict) and names[0] not in ("workload", "latency", "capacity", "pricing", "ruleset"):
                keys = re.findall(r"`([a-z_]+)`", second.split(" | ", 1)[0])
                missing = [k for k in keys if k not in sample]
                assert not missing, f"publishing.md lists {missing} of {names[0]!r}, which a template does not get"


# -- docs/calibration.md: the attribute names, first listed wins --------------------------

def test_calibration_lists_the_attributes_calibrate_reads_in_the_order_it_reads_them():
    from advisor.core import genai

    text = (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8")
    table = text.split("First listed wins.", 1)[1].split("\n\n", 2)[1]
    rows = {}
    for line in table.splitlines()[2:]:
        figure, attributes, _source = line.strip("|").split(" | ")
        rows[figure.strip()] = re.findall(r"`((?:gen_ai|ai|llm)\.[a-zA-Z_.]+)`", attributes)
    assert rows["provider"] == list(genai.PROVIDER)
    assert rows["model"] == list(genai.MODEL)
    assert rows["input tokens"] == list(genai.INPUT_TOKENS)
    assert rows["output tokens"] == list(genai.OUTPUT_TOKENS)
    assert rows["cached input"] == list(genai.CACHED_INPUT_TOKENS)
    assert rows["reasoning"] == list(genai.REASONING_TOKENS)
    first = rows["first token"]
    assert first[:3] == [*genai.TIME_TO_FIRST_CHUNK_S, *genai.TIME_TO_FIRST_CHUNK_MS]
    assert set(first[3:]) == genai.CHUNK_EVENTS
    operations = re.search(r"^\| operation \| (.*?) are model calls; (.*?) are not \|", table, re.MULTILINE)
    assert operations
    assert set(re.findall(r"`(\w+)`", operations.group(1))) == genai.MODEL_OPERATIONS
    named = re.findall(r"`([\w*]+)`", operations.group(2))
    assert {op for op in genai.NON_MODEL_OPERATIONS if "memory" not in op} == {op for op in named if "*" not in op}
    assert "*_memory*" in named and all("memory" in op for op in genai.NON_MODEL_OPERATIONS - set(named))


# -- docs/calibration.md: how the measured steps are named --------------------------------

def test_calibration_says_a_base_keeps_its_step_names_as_calibrate_does(tmp_path):
    """calibrate --into keeps the base's step names for the same calls (since the refresh renamed
    a team's steps); the page's definition of a step still named every step after what it calls,
    so a reader of it expected `chat-gpt-5-4` where the file says `answer`."""
    import advisor

    from .test_newcomer_read_2 import RAG, _rag_export, _step_names

    calibration = advisor.calibrate([_rag_export(tmp_path / "traces.jsonl.gz")], root="rag.chat")
    assert _step_names(advisor.calibrated_workload(calibration)) == ["chat-gpt-5-4", "chat-gpt-5-4-2"]
    assert _step_names(advisor.calibrated_workload(calibration, str(RAG))) == ["rewrite", "answer"]
    calibration_page = page("docs/calibration.md")
    step = calibration_page[calibration_page.index("- **Step**:"):calibration_page.index("- **Alignment**:")]
    assert "`chat-gpt-4o-mini-2`" in step
    assert "`--into`" in step and "keep the base's names" in step


# -- docs/cost-model.md: what independence takes off a sum of p95s -----------------------

def test_independent_calls_are_as_far_below_the_sum_as_cost_model_says():
    """Four calls of a p95 twice their median: 8 s at a correlation of 1 (the p95s add up), 6.11 s
    independent, 24% below. The page said "a third below" (the sum is a third above: 1.31)."""
    from advisor.core.distribution import Calls, percentiles

    calls = [Calls(4, 1.0, 2.0)]
    summed = percentiles(calls, correlation=1.0).p95
    independent = percentiles(calls, correlation=0.0).p95
    said = re.search(r"four calls of a p95 twice their median have a p95 (?:about )?(a \w+) below the sum of theirs"
                     r"(?: \((\d+\.\d+) s against (\d+) s for a median of 1 s\))?", page("docs/cost-model.md"))
    assert said, "docs/cost-model.md says how far below the sum independent calls' p95 is"
    share = {"a half": 1 / 2, "a third": 1 / 3, "a quarter": 1 / 4, "a fifth": 1 / 5}[said.group(1)]
    assert 1 - independent / summed == pytest.approx(share, abs=0.02)
    assert said.group(2) and (said.group(2), said.group(3)) == (f"{independent:.2f}", f"{summed:g}")


# -- docs/cost-model.md: the caller's timeout, worked on the PR-review webhook ------------

def test_the_webhook_cost_model_works_the_timeout_on_is_the_one_advisor_judges():
    """The page's figures were the review's before its 18,000-token prompt was read ahead of the
    first token (9.99 s at p95, 19.8 s at p99, 5% cut off at 10 s); the review now takes 10.9 s,
    and 87% of deliveries are cut off at 10 s."""
    from .test_caller_timeout import PR_BOT, assessed

    cost_model = page("docs/cost-model.md")
    said = re.search(r"A GitHub webhook whose review of ([\d,]+) input tokens takes (\S+) s at p95 and (\S+) s at p99 "
                     r"\((\S+) s at the median\) has about (\d+)% of its deliveries cut off at 10 s; a caller that "
                     r"waited 11 s, just past the p95, would still lose about (\d+)%", cost_model)
    assert said, "docs/cost-model.md works the caller's timeout on the PR-review webhook"
    tokens, p95, p99, p50, at_10, at_11 = said.groups()
    assert int(tokens.replace(",", "")) == PR_BOT["input_tokens"]
    at = {timeout: assessed({**PR_BOT, "caller_timeout_s": timeout}) for timeout in (10, 11, 60)}
    latency = at[10].latency
    assert (p50, p95, p99) == (f"{latency.end_to_end_p50_s:.1f}", f"{latency.end_to_end_p95_s:.1f}",
                               f"{latency.end_to_end_p99_s:.1f}")
    assert (int(at_10), int(at_11)) == tuple(round(at[t].facts["caller_cut_off_share"] * 100) for t in (10, 11))
    (sync,) = [u for u in at[11].unmet if u.mode == "sync"]
    assert f'("{sync.reasons[0]}")' in cost_model
    # "With a timeout of 60 s the same workload is judged as without one."
    alone = assessed(PR_BOT)
    assert (at[60].recommendation, at[60].decided_by, at[60].unmet) == (alone.recommendation, alone.decided_by, alone.unmet)


def test_publishing_names_every_filter_a_template_may_use():
    """The page listed eight filters as the whole set beside Jinja2's own; a template also gets
    `cell`, `saving`, `headroom` and `in_a_sentence`, which the shipped templates use."""
    from advisor.views.templates import FILTERS

    text = page("docs/publishing.md")
    filters = text[text.index("Filters: "):text.index("and Jinja2's own")]
    assert set(re.findall(r"`([a-z_]+)`", filters)) >= set(FILTERS)


# -- docs/cost-model.md: Feasibility, when each mode meets its contract -------------------

def test_the_feasibility_table_names_every_rule_that_marks_a_mode_unmet():
    """The table said sync meets its contract when its p95 is within the budget and the limits
    hold while someone waits; the rule set also marks it unmet for a chain of three under a
    real-time budget, for flex while someone waits, and for a request or backlog the limits
    never let through. Each rule with `unmet` is named in the row of each mode it marks (the
    caller's timeout in the paragraph under the table)."""
    import yaml

    from advisor.core.rules import default_rules_dir

    text = (ROOT / "docs" / "cost-model.md").read_text(encoding="utf-8")
    section = text.split("| mode | meets its contract when | rule |", 1)[1].split("\n\n", 2)
    rows = {line.split(" | ")[0].strip("| "): line for line in section[0].splitlines() if line.startswith("| ")}
    under = " ".join(section[1].split())
    for path in sorted(default_rules_dir().glob("*.yaml")):
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules") or []:
            for mode in rule["effect"].get("unmet") or []:
                said = rows[mode] if rule["id"] != "latency-caller-gives-up" else under
                assert f"`{rule['id']}`" in said, f"cost-model.md's Feasibility leaves out {rule['id']} for {mode}"
