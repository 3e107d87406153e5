"""`advisor verify`: one honest status per record (holds, drifted, inconsistent,
unverifiable), its exit codes, folders and subfolders, price noise, and the three formats.

Each test is one way a platform team's CI could be fooled, and what verify says instead.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from advisor import load_rules, review, verify
from advisor.records.inputs import read_inputs
from advisor.records.verify import verify_exit_code

from .conftest import EXAMPLES, ROOT, run_cli
from .conftest import RETIRING as RETIRING_EXAMPLES
from .test_records import PRICE_DATE, write_record, write_workload

LEGACY = ROOT / "tests" / "fixtures" / "records-v1"  # records as advisor 0.1.0 wrote them, before digests


@pytest.fixture(autouse=True)
def _in_a_repository(tmp_path: Path) -> None:
    """Each test works in a repository of its own, as a team does: a record reads its workload file
    only inside the git work tree that holds it (here a ``.git`` file, as a worktree has; a hidden
    file verify does not list)."""
    (tmp_path / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")


def run_verify(capsys, *argv) -> tuple[int, str, str]:
    return run_cli(capsys, "verify", *argv, "--price-date", PRICE_DATE)


def retiring(model: str, day: str, days: int) -> str:
    """The line under a record whose model OpenAI has announced it will shut down."""
    lasting = [key for key, m in load_rules().catalogue.models_of("openai") if m.shutdown is None and m.output == "text"]
    return (f"    model retiring: OpenAI shuts {model} down on {day}, {days} day{'' if days == 1 else 's'} after the "
            "price date: from then every request to it fails, so this decision holds only until the move to a "
            f"current model; OpenAI models with no shutdown announced: {', '.join(lasting)}")


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def changed_rules(tmp_path: Path, *, batch_needs_s: int | None = None, downstream_weight: float | None = None) -> Path:
    """A copy of the shipped rule set, as an organisation might edit it."""
    folder = tmp_path / "our-rules"
    shutil.copytree(ROOT / "rules", folder)
    header = folder / "ruleset.yaml"
    text = header.read_text(encoding="utf-8").replace("\nversion: 1.0.0\n", "\nversion: 1.1.0-ours\n")
    if downstream_weight is not None:
        text = re.sub(r"(- id: downstream\n    name: .*\n    weight: )[\d.]+", rf"\g<1>{downstream_weight:g}", text)
    header.write_text(text, encoding="utf-8")
    if batch_needs_s is not None:
        latency = folder / "latency.yaml"
        rules_text = latency.read_text(encoding="utf-8")
        block = rules_text.split("- id: latency-batch-window-too-short")[1].split("- id:")[0]
        assert "{fact: latency_budget_s, op: le, value: 3600}" in block
        latency.write_text(rules_text.replace(block, block.replace("value: 3600}", f"value: {batch_needs_s}}}")))
    return folder


# -- holds -------------------------------------------------------------------------------------


def test_fresh_records_hold(tmp_path, capsys):
    write_record(capsys, "chatbot", tmp_path)
    write_record(capsys, "nightly-ticket-triage", tmp_path, "--template", "nygard")
    code_, out, err = run_verify(capsys, tmp_path)
    assert code_ == 0, err
    assert out.splitlines() == [
        f"{tmp_path}/0001-customer-chatbot-stream-the-answer.md: holds (streaming)",
        f"{tmp_path}/0002-nightly-ticket-classification-send-requests-through-the.md: holds (batch)",
        "2 records: 2 holds, 0 drifted, 0 inconsistent, 0 unverifiable",
    ]


def test_people_may_fill_in_sections(tmp_path, capsys):
    """MADR expects people to add to a record: notes, links, a filled-in section stay fine."""
    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, "## Decision Drivers\n", "## Decision Drivers\n\nDiscussed with support on 2026-11-20.\n\n")
    path.write_text(path.read_text(encoding="utf-8") + "\n## Notes\n\nSee the load test in INFRA-12.\n")
    assert run_verify(capsys, path)[0] == 0


# -- unverifiable -----------------------------------------------------------------------------


def test_a_deleted_inputs_block_is_unverifiable(tmp_path, capsys):
    path = write_record(capsys, "chatbot", tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("```yaml\n")], encoding="utf-8")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 2
    assert out.startswith(f"{path}: UNVERIFIABLE: says advisor wrote it, but its inputs block is missing")


def test_a_second_contradicting_block_is_unverifiable(tmp_path, capsys):
    path = write_record(capsys, "chatbot", tmp_path)
    text = path.read_text(encoding="utf-8")
    block = text[text.index("```yaml\n"):]
    path.write_text(text + "\n" + block.replace("mode: streaming", "mode: sync"), encoding="utf-8")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 2
    assert "UNVERIFIABLE: has 2 inputs blocks (lines " in out and "a record has exactly one" in out


@pytest.mark.parametrize("weight", [".nan", "-1.0", ".inf", "101"])
def test_a_weight_that_is_not_a_weight_is_unverifiable(tmp_path, capsys, weight):
    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, "ux_contract: 3.0", f"ux_contract: {weight}")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 2
    assert "UNVERIFIABLE" in out and "record.weights" in out and "weight of ux_contract" in out


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda t: t.replace("  mode: streaming", "  mode: [streaming"), "not valid YAML"),
        (lambda t: t.replace("  mode: streaming", "  mode: teleport"), "field 'record.mode'"),
        (lambda t: t.replace("  interaction: chat", "  interaction: telepathy"), "field 'interaction'"),
        (lambda t: t[: t.rindex("```")], "is never closed"),
        (lambda t: t.replace("\ndigest: sha256:", "\nchecksum: sha256:"), "has no digest"),
        (lambda t: t.replace("advisor-record: 2", "advisor-record: 9"), "a newer advisor wrote it"),
    ],
)
def test_a_malformed_block_is_unverifiable(tmp_path, capsys, damage, message):
    path = write_record(capsys, "chatbot", tmp_path)
    path.write_text(damage(path.read_text(encoding="utf-8")), encoding="utf-8")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 2
    assert out.startswith(f"{path}: UNVERIFIABLE: ") and message in out, out


def test_inputs_that_cannot_be_evaluated_today_are_unverifiable(tmp_path, capsys):
    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, "  model: gpt-5.4", "  model: gpt-retired-9")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 2 and "UNVERIFIABLE: cannot re-evaluate the embedded inputs today" in out


# -- inconsistent -------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_title_and_choice_edited_to_another_mode_are_inconsistent(tmp_path, capsys, template):
    path = write_record(capsys, "chatbot", tmp_path, "--template", template)
    edit(path, "Customer chatbot: stream the answer", "Customer chatbot: call the model synchronously")
    if template == "madr":
        edit(path, 'Chosen option: "Streaming response"', 'Chosen option: "Synchronous call"')
    else:
        edit(path, "We will stream the answer (`streaming`", "We will call the model synchronously (`sync`")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1
    head, *details = out.splitlines()
    assert head == f"{path}: INCONSISTENT: its text and inputs disagree"
    assert details[0].startswith("    the title reads 'Customer chatbot: call the model synchronously'")
    assert "the decision reads" in details[1] and "(streaming)" in details[1]
    # The annotation points at the title.
    _, annotated, _ = run_verify(capsys, path, "--format", "github")
    title_line = next(i for i, row in enumerate(path.read_text().split("\n"), 1) if row.startswith("# "))
    assert f",line={title_line},title=advisor verify%3A inconsistent::" in annotated


def test_a_tenfold_volume_is_inconsistent(tmp_path, capsys):
    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, "requests_per_month: 400000", "requests_per_month: 4000000")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1
    assert out.splitlines()[:3] == [
        f"{path}: INCONSISTENT: its text and inputs disagree",
        "    the inputs no longer match the digest written with them: they were edited by hand",
        "    its inputs give other monthly costs than it records under the same prices (sync, streaming, async, batch)",
    ]


@pytest.mark.parametrize(
    "old, new",
    [
        # A date unquoted by hand is read by YAML as a date, which JSON (the digest's form) cannot hold.
        ("price_date: '2026-11-01'", "price_date: 2026-11-01"),
        ("  template: madr\n", "  template: madr\n  extra: !!binary aGVsbG8=\n"),
        ("  template: madr\n", "  template: madr\n  extra: !!set {a: null}\n"),
        ("  template: madr\n", "  template: madr\n  1: x\n"),
    ],
    ids=["unquoted-date", "binary", "set", "number-key"],
)
def test_a_hand_edit_json_cannot_hold_is_inconsistent_and_the_others_are_still_checked(tmp_path, capsys, old, new):
    folder = tmp_path / "decisions"
    good = write_record(capsys, "chatbot", folder)
    edited = write_record(capsys, "chatbot", folder)
    edit(edited, old, new)
    code_, out, err = run_verify(capsys, folder)
    assert (code_, err) == (1, "")
    assert out.splitlines() == [
        f"{good}: holds (streaming)",
        f"{edited}: INCONSISTENT: the inputs no longer match the digest written with them: they were edited by hand",
        # What puts it right (portfolio read, V1): undo the edit, or a new record that retires it.
        "    to put it right, undo the hand edit (the record as advisor wrote it), or record it again and retire"
        f" this record: advisor adr FILE --dir {folder} --supersedes 2",
        "2 records: 1 holds, 0 drifted, 1 inconsistent, 0 unverifiable",
    ]
    # The commands that read a decisions folder read it too.
    code_, _, err = run_cli(capsys, "review", EXAMPLES / "chatbot.yaml", "--decisions", folder,
                            "--price-date", PRICE_DATE)
    assert (code_, err) == (0, "")
    code_, out, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", folder, "--supersedes", "2",
                              "--price-date", PRICE_DATE)
    assert code_ == 0 and "Traceback" not in err
    assert "superseded by ADR-0003" in edited.read_text(encoding="utf-8")


def test_a_tenfold_volume_with_a_forged_digest_is_still_inconsistent(tmp_path, capsys):
    """The record's own cost figures (kept in the block) no longer follow from its inputs."""
    from advisor.records.inputs import _digest

    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, "requests_per_month: 400000", "requests_per_month: 4000000")
    text = path.read_text(encoding="utf-8")
    body = text[text.index("```yaml\n") + 8 : text.rindex("```")]
    data = yaml.safe_load(body)
    path.write_text(text.replace(data["digest"], _digest(data)), encoding="utf-8")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1
    assert "INCONSISTENT: its inputs give other monthly costs than it records under the same prices" in out


def test_an_older_record_edited_to_another_mode_is_inconsistent(tmp_path, capsys):
    shutil.copytree(LEGACY, tmp_path / "d")
    path = tmp_path / "d" / "0001-customer-chatbot-stream-the-answer.md"
    edit(path, 'Chosen option: "Streaming response"', 'Chosen option: "Synchronous call"')
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1
    assert "INCONSISTENT: the chosen option is 'Synchronous call' (sync), but the inputs record streaming" in out


# -- what a reader sees is what is checked ------------------------------------------------------

MADR_TITLE = "# Customer chatbot: stream the answer"
MADR_CHOSEN = 'Chosen option: "Streaming response", because'
NYGARD_CHOSEN = "We will stream the answer (`streaming`, Streaming response), because"


@pytest.mark.parametrize(
    "title, decision",
    [
        # The honest lines hidden in HTML comments, a Batch title and decision shown instead.
        (f"<!--\n{MADR_TITLE}\n-->\n# Customer chatbot: send it through the Batch API",
         '<!--\nChosen option: "Streaming response"\n-->\nChosen option: "Batch API", because'),
        # The same, each comment on one line.
        (f"<!-- {MADR_TITLE} -->\n# Customer chatbot: send it through the Batch API",
         'Chosen option: "Batch API", because <!-- Chosen option: "Streaming response" -->'),
        # The honest lines kept in a code block (which shows as code, not as a title or a decision).
        (f"```text\n{MADR_TITLE}\n```\n\n# Customer chatbot: send it through the Batch API",
         f'~~~\n{MADR_CHOSEN}\n~~~\n\nChosen option: "Batch API", because'),
        # A setext title above the honest one, and a decision in a block quote above the honest one.
        (f"Customer chatbot: send it through the Batch API\n===\n\n{MADR_TITLE}",
         f'> Chosen option: "Batch API", because it is cheaper.\n\n{MADR_CHOSEN}'),
    ],
    ids=["comments", "one-line-comments", "code-blocks", "setext-and-quote"],
)
def test_a_decision_hidden_from_the_reader_and_another_shown_is_inconsistent(tmp_path, capsys, title, decision):
    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, MADR_TITLE, title)
    edit(path, MADR_CHOSEN, decision)
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert out.startswith(f"{path}: INCONSISTENT: ")
    assert "the title reads 'Customer chatbot: send it through the Batch API'" in out
    assert """the decision reads 'Chosen option: "Batch API"', but the inputs record""" in out


@pytest.mark.parametrize(
    "template, old, new",
    [
        ("madr", MADR_CHOSEN,
         'Chosen option: "Streaming response" was rejected: we send requests through the Batch API instead, because'),
        ("madr", MADR_CHOSEN, 'Chosen option: "Streaming response" and then "Batch API", because'),
        ("nygard", NYGARD_CHOSEN, "We will stream the answer (`streaming`, Batch API), because"),
        ("nygard", NYGARD_CHOSEN, "We will stream the answer (`streaming`, no: the Batch API instead), because"),
    ],
    ids=["madr-rejected", "madr-and-then", "nygard-other-label", "nygard-continued"],
)
def test_a_decision_line_that_only_begins_as_recorded_is_inconsistent(tmp_path, capsys, template, old, new):
    """The whole statement, up to its rationale, is the recorded one: not just its first words."""
    path = write_record(capsys, "chatbot", tmp_path, "--template", template)
    edit(path, old, new)
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    head = new.removesuffix(", because")
    assert out.splitlines()[0] == (
        f"{path}: INCONSISTENT: the decision reads {head!r}, but the inputs record "
        f"{old.split(', because')[0].split(', Streaming')[0]!r} (streaming)"
    )


def test_a_second_visible_decision_naming_another_option_is_inconsistent(tmp_path, capsys):
    path = write_record(capsys, "chatbot", tmp_path)
    path.write_text(path.read_text(encoding="utf-8") + '\nChosen option: "Batch API", because it is cheaper.\n')
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1
    assert 'INCONSISTENT: line ' in out and "states another decision ('Chosen option: \"Batch API\"')" in out


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_what_people_add_around_the_decision_keeps_it_holding(tmp_path, capsys, template):
    """Comments, notes, a quoted copy of the decision, prose that says "we will": a record still holds."""
    path = write_record(capsys, "chatbot", tmp_path, "--template", template)
    text = path.read_text(encoding="utf-8")
    chosen = MADR_CHOSEN if template == "madr" else NYGARD_CHOSEN
    line = next(row for row in text.split("\n") if row.startswith(chosen))
    text = text.replace("## Context", "<!-- reviewed by the platform team -->\n\n## Context", 1)
    text += (
        "\n## Notes\n\nWe will revisit this after the load test.\n\n"
        f"<!-- {chosen.replace('Streaming response', 'Batch API')} (an old draft) -->\n\n"
        f"```text\n# Customer chatbot: send it through the Batch API\n```\n\n"
        f"As agreed:\n\n{line.split(', because')[0]}, because we said so.\n"
    )
    path.write_text(text, encoding="utf-8")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 0, out


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_record_in_another_unicode_form_or_with_a_bom_still_holds(tmp_path, capsys, template):
    """An editor that saves NFD (macOS) or adds a byte-order mark changes no word a reader sees."""
    import unicodedata

    workload = write_workload(tmp_path, {**yaml.safe_load((EXAMPLES / "chatbot.yaml").read_text()),
                                         "name": "Café résumé chatbot"})
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", tmp_path / "d", "--template", template,
                              "--price-date", PRICE_DATE)
    assert code_ == 0, err
    path = Path(out.strip())
    path.write_text("\ufeff" + unicodedata.normalize("NFD", path.read_text(encoding="utf-8")), encoding="utf-8")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 0, out


# -- drifted --------------------------------------------------------------------------------------


def test_a_rule_set_that_changes_the_decision_drifts(tmp_path, capsys):
    record = write_record(capsys, "nightly-ticket-triage", tmp_path / "d")
    ours = changed_rules(tmp_path, batch_needs_s=2 * 86400)  # "batch needs two days of tolerance"
    code_, out, _ = run_verify(capsys, record, "--rules", ours)
    assert code_ == 1
    lines = out.splitlines()
    assert lines[0] == f"{record}: DRIFTED batch -> async"
    assert lines[1].startswith("    rule set advisor-default 1.0.0 (sha256 ") and "-> advisor-default 1.1.0-ours" in lines[1]
    moved = next(line for line in lines if "latency-batch-window-too-short" in line)
    assert moved == (
        "    rule latency-batch-window-too-short now fires (latency_budget_s 28800 le 172800: yes);"
        " its threshold moved: latency_budget_s le 3600 -> latency_budget_s le 172800"
    )
    assert lines[-1] == "1 record: 0 holds, 1 drifted, 0 inconsistent, 0 unverifiable"

    code_, out, _ = run_verify(capsys, record, "--rules", ours, "--format", "json")
    report = json.loads(out)
    assert code_ == 1 and report["exit_code"] == 1
    (entry,) = report["records"]
    assert entry["status"] == "drifted"
    assert (entry["recorded_mode"], entry["current_mode"]) == ("batch", "async")
    (rule,) = [r for r in entry["rule_changes"] if r["rule"] == "latency-batch-window-too-short"]
    assert rule["thresholds_then"] == ["latency_budget_s le 3600"]
    assert rule["thresholds_now"] == ["latency_budget_s le 172800"]
    assert any("now fires" in change for change in entry["changes"])


def test_changes_that_do_not_flip_the_decision_are_shown(tmp_path, capsys):
    record = write_record(capsys, "nightly-ticket-triage", tmp_path / "d")
    ours = changed_rules(tmp_path, downstream_weight=2)
    (result,) = verify([record], rules=ours, price_date=datetime.date(2026, 12, 1))
    assert result.status == "holds" and result.current_mode == "batch"
    assert result.weight_changes == {"downstream": (1.0, 2.0)}


def org_rules(tmp_path: Path) -> Path:
    """An organisation's rule set under its own id: the shipped one, with latency-batch-window-too-short
    replaced by a copy of its own (globex-batch-window)."""
    folder = tmp_path / "globex-rules"
    shutil.copytree(ROOT / "rules", folder)
    edit(folder / "ruleset.yaml", "\nid: advisor-default\n", "\nid: globex-platform\n")
    edit(folder / "latency.yaml", "- id: latency-batch-window-too-short\n", "- id: globex-batch-window\n")
    return folder


def test_records_of_another_rule_set_verified_without_it_say_so_first_with_the_fix(tmp_path, capsys):
    record = write_record(capsys, "chatbot", tmp_path / "d", "--rules", org_rules(tmp_path))
    assert run_verify(capsys, record, "--rules", tmp_path / "globex-rules")[0] == 0
    code_, out, _ = run_verify(capsys, record)  # CI that forgot --rules
    assert code_ == 0  # the same decision: it holds, but says with which rule set it was checked
    lines = out.splitlines()
    assert lines[:3] == [
        f"{record}: holds (streaming)",
        "    written with globex-platform 1.0.0; verified with advisor-default 1.0.0: pass --rules DIR or set"
        " ADVISOR_RULES",
        f"    rule set globex-platform 1.0.0 (sha256 {lines[2].split('sha256 ')[1][:12]}) -> advisor-default 1.0.0"
        f" (sha256 {load_rules().content_hash[:12]})",
    ]
    # A rule one side has and the other has not is said so, not as a threshold that moved from or to nothing.
    assert lines[3:5] == [
        "    rule latency-batch-window-too-short now fires (latency_budget_s 2.5 le 3600: yes): a rule the record's"
        " rule set did not have",
        "    rule globex-batch-window no longer fires: a rule the rule set in use does not have",
    ]
    _, out, _ = run_verify(capsys, record, "--format", "json")
    (entry,) = json.loads(out)["records"]
    assert entry["ruleset_id_changed"] is True and entry["next_step"] is None
    assert {r["rule"]: r["only_in"] for r in entry["rule_changes"]} == {
        "latency-batch-window-too-short": "current", "globex-batch-window": "recorded",
    }


def _o3_record(tmp_path: Path, capsys) -> Path:
    """openai o3 cut its prices by 80% on 2025-06-10; a record from the week before."""
    data = yaml.safe_load((EXAMPLES / "nightly-ticket-triage.yaml").read_text(encoding="utf-8"))
    workload = write_workload(tmp_path, {**data, "model": "o3"})
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", tmp_path / "d", "--price-date", "2025-06-01")
    assert code_ == 0, err
    return Path(out.strip())


def test_a_price_cut_that_keeps_the_decision_still_drifts_with_its_figures(tmp_path, capsys):
    record = _o3_record(tmp_path, capsys)
    code_, out, _ = run_cli(capsys, "verify", record, "--price-date", "2025-07-01")
    assert code_ == 1
    assert out.splitlines() == [
        f"{record}: DRIFTED (batch still chosen; monthly costs moved beyond the tolerance)",
        # It runs sync today: batch pays only what its build adds to sync's, and still pays for
        # itself after the cut, so no rule moves; the figures do.
        "    prices moved between 2025-06-01 and 2025-07-01:",
        "      standard: input $10, cached input $0.5, output $40 per 1M tokens"
        " -> input $2, cached input $0.5, output $8 per 1M tokens",
        "      batch: input $5, cached input $0.25, output $20 per 1M tokens"
        " -> input $1, cached input $0.25, output $4 per 1M tokens",
        # o3 reasons and the workload gives no reasoning_tokens: each figure leaves that out (board read 9).
        "    monthly cost of sync: $2,340 -> $468 (-80%, beyond the 10% tolerance); both figures leave out the"
        " model's reasoning (no reasoning_tokens given): about $28,620 -> $5,724 a month more",
        "    monthly cost of streaming: $2,406 -> $534 (-78%, beyond the 10% tolerance); both figures leave out the"
        " model's reasoning (no reasoning_tokens given): about $28,620 -> $5,724 a month more",
        "    monthly cost of async: $2,612 -> $740 (-72%, beyond the 10% tolerance); both figures leave out the"
        " model's reasoning (no reasoning_tokens given): about $28,620 -> $5,724 a month more",
        "    monthly cost of batch (the recorded choice): $1,301 -> $365 (-72%, beyond the 10% tolerance); both"
        " figures leave out the model's reasoning (no reasoning_tokens given): about $14,310 -> $2,862 a month more",
        retiring("o3", "2026-12-11", 528),
        # What to do about it, with the record's own file, folder and number.
        "    to record it again from its workload file and retire this record:"
        f" advisor adr {tmp_path / 'workload.yaml'} --dir {record.parent} --supersedes 1",
        "1 record: 0 holds, 1 drifted, 0 inconsistent, 0 unverifiable",
    ]


@pytest.mark.parametrize("tolerance, code", [("90%", 0), ("0.9", 0), ("60%", 1), ("0", 1)])
def test_cost_tolerance(tmp_path, capsys, tolerance, code):
    record = _o3_record(tmp_path, capsys)
    code_, out, _ = run_cli(capsys, "verify", record, "--price-date", "2025-07-01", "--cost-tolerance", tolerance)
    assert code_ == code
    assert "prices moved between 2025-06-01 and 2025-07-01:" in out  # shown either way


@pytest.mark.parametrize("tolerance", ["-5%", "ten", "15", "nan", "1e3%", "9" * 400 + "%", "9" * 400])
def test_a_bad_cost_tolerance_is_a_clear_error(capsys, tolerance):
    # 400 nines were read as infinity and refused only later, as "field 'cost_tolerance': must
    # be a fraction of at least 0 (got inf)": neither the option nor what was typed.
    with pytest.raises(SystemExit) as exit_:
        run_cli(capsys, "verify", "--cost-tolerance", tolerance)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "argument --cost-tolerance: " in err and "inf" not in err
    assert len(err.splitlines()[-1]) < 200  # one readable line, never the 400 digits back


def test_the_help_says_what_a_cost_tolerance_over_100_percent_does(capsys):
    # No ceiling at 100%: a cost can rise by more (+191% above), so 300% still means something.
    with pytest.raises(SystemExit):
        run_cli(capsys, "verify", "--help")
    out = " ".join(capsys.readouterr().out.split())
    assert "10% (default) or 0.1; above 100% it limits only rises (a cost falls by 100% at most)" in out


# -- price noise ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, written, checked, days",
    [
        ("gpt-4o-mini", "2026-11-01", "2026-11-02", 73),  # the next day, the same prices
        ("gpt-4o-mini", "2026-11-01", "2027-01-13", 1),  # the day before OpenAI shuts it down
    ],
)
def test_no_price_line_unless_prices_moved(tmp_path, capsys, model, written, checked, days):
    data = {**yaml.safe_load((EXAMPLES / "chatbot.yaml").read_text(encoding="utf-8")), "model": model}
    workload = write_workload(tmp_path, data)
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", tmp_path / "d", "--price-date", written)
    assert code_ == 0, err
    code_, out, _ = run_cli(capsys, "verify", tmp_path / "d", "--price-date", checked)
    assert code_ == 0
    assert out.splitlines() == [
        f"{tmp_path}/d/0001-customer-chatbot-stream-the-answer.md: holds (streaming)",
        retiring(model, "2027-01-14", days),
        "1 record: 1 holds, 0 drifted, 0 inconsistent, 0 unverifiable",
    ]


# -- superseded --------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_superseded_record_counts_only_when_its_successor_exists(tmp_path, capsys, template):
    first = write_record(capsys, "chatbot", tmp_path, "--template", template)
    second = write_record(capsys, "chatbot", tmp_path, "--template", template, "--supersedes", "1")
    results = verify(tmp_path, price_date=datetime.date.fromisoformat(PRICE_DATE))
    assert [(r.status, r.message) for r in results] == [("superseded", "superseded by record 2"), ("holds", "")]
    second.unlink()
    (result,) = verify(tmp_path, price_date=datetime.date.fromisoformat(PRICE_DATE))
    assert result.path == str(first) and result.status == "holds"
    assert "marked superseded by record 2, which does not exist" in result.message


def test_a_drifted_record_hand_marked_superseded_by_nothing_still_drifts(tmp_path, capsys):
    record = write_record(capsys, "nightly-ticket-triage", tmp_path / "d")
    edit(record, "status: proposed", "status: superseded by ADR-0009")
    ours = changed_rules(tmp_path, batch_needs_s=2 * 86400)
    code_, out, _ = run_verify(capsys, record, "--rules", ours)
    assert code_ == 1 and out.startswith(f"{record}: DRIFTED batch -> async")


@pytest.mark.parametrize(
    ("template", "old", "new"),
    [
        ("nygard", "\nProposed\n", "\nSuperseded by [1. Itself]({name})\n"),
        ("nygard", "\nProposed\n", "\nSuperseded by [9. The readme](../README.md)\n"),
        ("madr", "status: proposed", "status: superseded by ADR-0001"),
    ],
    ids=["by a link to itself", "by a link to a file that is no record", "by its own number"],
)
def test_a_record_marked_superseded_by_itself_or_by_no_record_is_still_checked(tmp_path, capsys, template, old, new):
    (tmp_path / "README.md").write_text("# Our project\n")
    record = write_record(capsys, "chatbot", tmp_path / "d", "--template", template)
    edit(record, old, new.format(name=record.name))
    edit(record, "requests_per_month: 400000", "requests_per_month: 40000000")  # the inputs edited by hand
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 1 and out.startswith(f"{record}: INCONSISTENT"), out
    assert "no longer match the digest" in out


@pytest.mark.parametrize("template, old, new", [
    ("madr", "\nstatus: accepted\n", "\nstatus: {}\n"),
    ("nygard", "## Status\n\nAccepted\n", "## Status\n\n{}\n"),
])
@pytest.mark.parametrize("status", ["deprecated", "rejected"])
def test_a_deprecated_or_rejected_record_is_not_in_force(tmp_path, capsys, template, old, new, status):
    """Retired by its own status, as a superseded record is by its successor: not re-checked, and
    no failure in CI when what it decided drifts."""
    workload = write_workload(tmp_path, yaml.safe_load((EXAMPLES / "chatbot.yaml").read_text(encoding="utf-8")))
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", tmp_path / "d", "--template", template,
                              "--status", "accepted", "--price-date", PRICE_DATE)
    assert code_ == 0, err
    record = Path(out.strip())
    edit(workload, "requests_per_month: 400000", "requests_per_month: 4000000")  # ten times the traffic
    assert run_verify(capsys, record)[0] == 1  # in force, it drifts
    edit(record, old, new.format(status.capitalize() if template == "nygard" else status))
    code_, out, _ = run_verify(capsys, tmp_path / "d")
    assert code_ == 0, out
    assert out.splitlines() == [
        f"{record}: {status} (not in force: not re-checked)",
        f"0 records: 0 holds, 0 drifted, 0 inconsistent, 0 unverifiable; 1 {status}",
    ]
    (result,) = verify(record, price_date=PRICE_DATE)
    assert result.status == status


def test_records_that_supersede_each_other_in_a_loop_are_all_checked(tmp_path, capsys):
    """1 superseded by 2 and 2 by 1 leaves no record in force: neither may pass unchecked."""
    first = write_record(capsys, "chatbot", tmp_path, "--template", "nygard")
    second = write_record(capsys, "chatbot", tmp_path, "--template", "nygard", "--supersedes", "1")
    edit(second, "\nProposed\n", f"\nSuperseded by [1. Older]({first.name})\n")
    edit(second, "requests_per_month: 400000", "requests_per_month: 40000000")  # the inputs edited by hand
    code_, out, _ = run_verify(capsys, tmp_path)
    assert code_ == 1, out
    assert f"{first}: holds (streaming)" in out and f"{second}: INCONSISTENT" in out
    # Without the loop, the record in force supersedes the one before it again.
    edit(second, f"Superseded by [1. Older]({first.name})", "Proposed")
    results = verify(tmp_path, price_date=datetime.date.fromisoformat(PRICE_DATE))
    assert [r.status for r in results] == ["superseded", "inconsistent"]


@pytest.mark.parametrize(
    "successor",
    ["hello\n", "", "Some notes, no title.\n\n<!--\n# 2. Hidden title\n-->\n", b"\xff\xfe# 2. not UTF-8\n"],
    ids=["a-note", "empty", "title-in-a-comment", "unreadable"],
)
def test_a_drifted_record_marked_superseded_by_a_file_that_is_no_record_still_drifts(tmp_path, capsys, successor):
    folder = tmp_path / "d"
    record = write_record(capsys, "nightly-ticket-triage", folder)
    edit(record, "status: proposed", "status: superseded by ADR-0002")
    note = folder / "0002-x.md"
    if isinstance(successor, bytes):
        note.write_bytes(successor)
    else:
        note.write_text(successor, encoding="utf-8")
    ours = changed_rules(tmp_path, batch_needs_s=2 * 86400)
    code_, out, _ = run_verify(capsys, folder, "--rules", ours)
    assert code_ == 1, out
    lines = out.splitlines()
    assert lines[0] == f"{record}: DRIFTED batch -> async"
    assert lines[1] == ("    marked superseded by record 2 (0002-x.md), which is no decision record (it has no title and "
                        "advisor did not write it): checked as a record in force")


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_superseded_line_hidden_from_the_reader_does_not_retire_a_record(tmp_path, capsys, template):
    folder = tmp_path / "d"
    record = write_record(capsys, "nightly-ticket-triage", folder, "--template", template)
    write_record(capsys, "nightly-ticket-triage", folder, "--template", template)  # record 2 exists
    ours = changed_rules(tmp_path, batch_needs_s=2 * 86400)
    for hidden in ("<!--\nSuperseded by ADR-0002\n-->\n", "```\nSuperseded by ADR-0002\n```\n"):
        record.write_text(record.read_text(encoding="utf-8") + hidden, encoding="utf-8")
        code_, out, _ = run_verify(capsys, record, "--rules", ours)
        assert code_ == 1 and out.startswith(f"{record}: DRIFTED batch -> async"), out


def test_a_record_written_by_hand_with_a_title_supersedes(tmp_path, capsys):
    """adr-tools or a person may write the successor: a title is what makes it a record."""
    folder = tmp_path / "d"
    record = write_record(capsys, "nightly-ticket-triage", folder)
    edit(record, "status: proposed", "status: superseded by ADR-0002")
    (folder / "0002-use-a-queue.md").write_text("# 2. Use a queue\n\nDate: 2026-11-30\n\n## Status\n\nAccepted\n")
    ours = changed_rules(tmp_path, batch_needs_s=2 * 86400)
    code_, out, _ = run_verify(capsys, folder, "--rules", ours)
    assert code_ == 0, out
    assert out.splitlines()[0] == (
        f"{record}: superseded by record 2, a record advisor did not write: not re-checked"
    )


def test_a_successor_about_another_workload_does_not_retire_a_record(tmp_path, capsys):
    """Any file with a title silenced a drifted record; now a successor advisor wrote must be about
    the same workload (as adr --supersedes insists), and one it did not write is said as such."""
    folder = tmp_path / "d"
    record = write_record(capsys, "nightly-ticket-triage", folder)
    other = write_record(capsys, "chatbot", folder)  # record 2, about the chatbot
    edit(record, "# Nightly ticket", f"Superseded by [2. X]({other.name})\n\n# Nightly ticket")
    ours = changed_rules(tmp_path, batch_needs_s=2 * 86400)
    code_, out, _ = run_verify(capsys, record, "--rules", ours)
    assert code_ == 1 and out.startswith(f"{record}: DRIFTED batch -> async"), out
    assert ("    marked superseded by record 2, which is about another workload ('Customer chatbot'): checked as a"
            " record in force") in out.splitlines()
    # A note with a title, by hand: it retires the record, said as not re-checked, with the status it keeps.
    (folder / "0099-scratch.md").write_text("# Scratch\n", encoding="utf-8")
    edit(record, f"Superseded by [2. X]({other.name})", "Superseded by [99. Scratch](0099-scratch.md)")
    code_, out, _ = run_verify(capsys, record, "--rules", ours)
    assert code_ == 0 and out.splitlines()[0] == (
        f"{record}: superseded by record 99, a record advisor did not write: not re-checked; its front"
        " matter still says status: proposed"
    )


def test_adr_tools_superceded_spelling_counts(tmp_path, capsys):
    first = write_record(capsys, "chatbot", tmp_path, "--template", "nygard")
    write_record(capsys, "chatbot", tmp_path, "--template", "nygard")
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("\nProposed\n", "\nSuperceded by [2. Newer](0002-customer-chatbot-stream-the-answer.md)\n"))
    (result, _) = verify(tmp_path, price_date=datetime.date.fromisoformat(PRICE_DATE))
    assert result.status == "superseded"


# -- folders, exit codes ----------------------------------------------------------------------------------


def test_verify_searches_subfolders_and_reports_what_it_skipped(tmp_path, capsys):
    write_record(capsys, "chatbot", tmp_path / "frontend")
    write_record(capsys, "nightly-ticket-triage", tmp_path / "backend" / "jobs")
    (tmp_path / "README.md").write_text("# Decisions\n\n```yaml\nname: not ours\n```\n")
    (tmp_path / "0002-by-hand.md").write_text("# 2. By hand\n\nDate: 2026-01-01\n\n## Status\n\nAccepted\n")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "notes.md").write_text("hidden folders are not records\n")
    code_, out, _ = run_verify(capsys, tmp_path)
    assert code_ == 0
    assert out.splitlines() == [
        f"{tmp_path}/.github: skipped (hidden folder, not searched)",
        f"{tmp_path}/0002-by-hand.md: skipped (not an advisor record)",
        f"{tmp_path}/README.md: skipped (not an advisor record)",
        f"{tmp_path}/backend/jobs/0001-nightly-ticket-classification-send-requests-through-the.md: holds (batch)",
        f"{tmp_path}/frontend/0001-customer-chatbot-stream-the-answer.md: holds (streaming)",
        "2 records: 2 holds, 0 drifted, 0 inconsistent, 0 unverifiable; 2 files skipped (not advisor records); "
        "1 hidden folder not searched",
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_verify_finds_records_in_any_markdown_spelling_and_through_linked_folders(tmp_path, capsys):
    """A record saved as .MD or .markdown, or kept in a folder linked in, is checked, not passed
    over in silence; a link back up the tree is said once, not walked for ever."""
    folder = tmp_path / "decisions"
    upper = write_record(capsys, "nightly-ticket-triage", folder)
    upper = upper.rename(upper.with_name("0001-a.MD"))
    long = write_record(capsys, "nightly-ticket-triage", folder)
    long = long.rename(long.with_name("0002-b.markdown"))
    elsewhere = write_record(capsys, "nightly-ticket-triage", tmp_path / "elsewhere")
    (folder / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "diagram.png").write_bytes(b"\x89PNG")
    ours = changed_rules(tmp_path, batch_needs_s=2 * 86400)
    code_, out, _ = run_verify(capsys, folder, "--rules", ours)
    assert code_ == 1
    heads = [line for line in out.splitlines() if not line.startswith(" ")]
    assert heads == [
        f"{upper}: DRIFTED batch -> async",
        f"{long}: DRIFTED batch -> async",
        f"{folder}/linked/{elsewhere.name}: DRIFTED batch -> async",
        f"{folder}/loop: skipped (a folder already searched (through a link or given twice))",
        "3 records: 0 holds, 3 drifted, 0 inconsistent, 0 unverifiable; 1 other path passed over (said above)",
    ]


def test_a_hand_written_record_advisor_cannot_read_is_skipped_and_one_advisor_wrote_is_not(tmp_path, capsys):
    """Not UTF-8 or over 1 MB: skipped when it does not say advisor wrote it (an ADR in Latin-1, a
    long one in an adr-tools folder), unverifiable, as before, when it does."""
    folder = tmp_path / "decisions"
    good = write_record(capsys, "chatbot", folder)
    latin = folder / "0002-use-postgres.md"
    latin.write_bytes(b"# 2. Use Postgres\n\nDate: 2024-01-01\n\n## Status\n\nAccepted\n\nCaf\xe9 orders need one.\n")
    big = folder / "0003-big.md"
    big.write_text("# 3. Big\n\n" + "Lorem ipsum dolor sit amet. " * 40_000, encoding="utf-8")
    skipped = [f"{latin}: skipped (not an advisor record)", f"{big}: skipped (not an advisor record)"]
    code_, out, err = run_verify(capsys, folder)
    assert (code_, err) == (0, "")
    assert out.splitlines() == [
        f"{good}: holds (streaming)", *skipped,
        "1 record: 1 holds, 0 drifted, 0 inconsistent, 0 unverifiable; 2 files skipped (not advisor records)",
    ]
    code_, _, err = run_cli(capsys, "review", EXAMPLES / "chatbot.yaml", "--decisions", folder,
                            "--price-date", PRICE_DATE)
    assert (code_, err) == (0, "")
    # advisor's own records, re-saved in Latin-1 or UTF-16, or grown past 1 MB (the claim far in).
    text = good.read_text(encoding="utf-8")
    latin_bytes = text.replace("A customer", "Un caf\u00e9").encode("latin-1", "replace")
    (folder / "0004-latin.md").write_bytes(latin_bytes)
    at = next(i for i, byte in enumerate(latin_bytes) if byte > 127) + 1
    (folder / "0005-utf16.md").write_text(text, encoding="utf-16")
    (folder / "0006-grown.md").write_text("x" * 1_100_000 + "\n" + text, encoding="utf-8")
    code_, out, _ = run_verify(capsys, folder)
    assert code_ == 2
    assert out.splitlines()[3:6] == [
        f"{folder}/0004-latin.md: UNVERIFIABLE: decision record is not UTF-8 text (byte {at} is not valid UTF-8)",
        f"{folder}/0005-utf16.md: UNVERIFIABLE: decision record is not UTF-8 text (byte 1 is not valid UTF-8)",
        f"{folder}/0006-grown.md: UNVERIFIABLE: decision record is larger than 1,000,000 bytes",
    ]


@pytest.mark.parametrize("content", [None, "# Decisions\n"])
def test_an_empty_path_is_exit_2_unless_allowed(tmp_path, capsys, content):
    if content:
        (tmp_path / "README.md").write_text(content)
    code_, out, _ = run_verify(capsys, tmp_path)
    assert code_ == 2
    assert out.splitlines()[-1].endswith("found no advisor record: check the path, or pass --allow-empty when none is fine")
    code_, out, _ = run_verify(capsys, tmp_path, "--allow-empty")
    assert code_ == 0 and "allowed by --allow-empty" in out


def test_a_missing_path_is_exit_2(tmp_path, capsys):
    write_record(capsys, "chatbot", tmp_path)
    code_, out, _ = run_verify(capsys, tmp_path, tmp_path / "nope.md")
    assert code_ == 2
    assert f"{tmp_path}/nope.md: NOT FOUND (no such file or folder)" in out
    # A path that is not there is said apart, not counted as a record.
    assert out.splitlines()[-1] == "1 record: 1 holds, 0 drifted, 0 inconsistent, 0 unverifiable; 1 path not found"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_path_that_is_not_a_file_says_what_it_is(tmp_path, capsys):
    fifo = tmp_path / "0001-pipe.md"
    os.mkfifo(fifo)
    code_, out, _ = run_verify(capsys, fifo)
    assert code_ == 2
    assert f"{fifo}: UNVERIFIABLE: is a FIFO, not a regular file" in out


def test_exit_code_is_the_worst_status(tmp_path, capsys):
    good = write_record(capsys, "chatbot", tmp_path / "a")
    bad = write_record(capsys, "chatbot", tmp_path / "b")
    edit(bad, "requests_per_month: 400000", "requests_per_month: 4000000")
    gone = write_record(capsys, "chatbot", tmp_path / "c")
    gone.write_text(gone.read_text().split("```yaml\n")[0])
    day = datetime.date.fromisoformat(PRICE_DATE)
    assert verify_exit_code(verify([good], price_date=day)) == 0
    assert verify_exit_code(verify([good, bad], price_date=day)) == 1
    assert verify_exit_code(verify([good, bad, gone], price_date=day)) == 2
    assert verify_exit_code([]) == 2 and verify_exit_code([], allow_empty=True) == 0


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_record_with_windows_line_endings_is_read_as_written(tmp_path, capsys, template):
    """Git for Windows checks records out with CRLF: they hold, their digest too, and can be superseded."""
    folder = tmp_path / "decisions"
    path = write_record(capsys, "chatbot", folder, "--template", template)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    code_, out, err = run_verify(capsys, folder)
    assert (code_, out, err) == (0, f"{path}: holds (streaming)\n1 record: 1 holds, 0 drifted, 0 inconsistent, "
                                    "0 unverifiable\n", "")
    day = datetime.date.fromisoformat(PRICE_DATE)
    assert [r.sealed for r in verify(folder, price_date=day)] == [True]
    assert [link.number for link in review([EXAMPLES / "chatbot.yaml"], decisions_dir=folder,
                                          price_date=day).workloads[0].decisions] == [1]
    code_, out, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", folder, "--supersedes", "1",
                              "--template", template, "--price-date", PRICE_DATE)
    assert code_ == 0, err
    rewritten = path.read_bytes()
    assert b"Superseded by [2. " in rewritten and rewritten.count(b"\n") == rewritten.count(b"\r\n")
    code_, out, _ = run_verify(capsys, folder)
    assert code_ == 0 and out.splitlines()[0] == f"{path}: superseded by record 2"


# -- older records ---------------------------------------------------------------------------------------


def test_records_written_before_digests_still_verify(tmp_path, capsys):
    code_, out, _ = run_verify(capsys, LEGACY)
    assert code_ == 0
    assert out.count(": holds (") == 2
    assert out.count("written before records carried a digest") == 2
    ours = changed_rules(tmp_path, batch_needs_s=2 * 86400)
    code_, out, _ = run_verify(capsys, LEGACY, "--rules", ours)
    assert code_ == 1 and "DRIFTED batch -> async" in out
    # No thresholds were recorded then: the rule that now fires is named with today's figures.
    assert "rule latency-batch-window-too-short now fires (latency_budget_s 28800 le 172800: yes)" in out


def downgrade(path: Path, *, strip_format_2_keys: bool = False) -> None:
    """A format-2 record rewritten by hand as one from before digests: the fence's info string,
    no advisor-record key, no digest, no stated text (and, optionally, none of the other keys
    only format 2 writes)."""
    text = path.read_text(encoding="utf-8")
    text = text.replace("```yaml\n", "```yaml advisor-record\n", 1).replace("advisor-record: 2\n", "")
    text = re.sub(r"\ndigest: sha256:[0-9a-f]+\n", "\n", text)
    text = re.sub(r"  stated:\n    title: .*\n    decision: .*\n", "", text)
    if strip_format_2_keys:
        text = re.sub(r"  template: .*\n|  workload_file: .*\n|  monthly_cost: .*\n|    (standard|batch): .*\n(      .*\n)?", "", text)
        text = re.sub(r"  thresholds:\n(    .*\n)+", "", text)
    path.write_text(text, encoding="utf-8")


def test_a_record_downgraded_by_hand_to_the_format_without_a_digest_is_inconsistent(tmp_path, capsys):
    """Taking the digest out (and the stated text with it) is an edit of the inputs like any other."""
    path = write_record(capsys, "chatbot", tmp_path)
    downgrade(path)
    edit(path, "  downstream: own_ui\n", "  downstream: internal_service\n")
    edit(path, "# Customer chatbot: stream the answer", "# Customer chatbot: use the Batch API overnight")
    edit(path, 'Chosen option: "Streaming response"', 'Chosen option: "Batch API, overnight"')
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert out.splitlines() == [
        f"{path}: INCONSISTENT: its inputs block has no digest, as records written before digests, but it holds "
        "what only records with a digest hold (record.template, record.monthly_cost, "
        "record.thresholds, record.prices.standard, record.prices.batch): the digest was taken out by hand",
        "    to put it right, undo the hand edit (the record as advisor wrote it), or record it again and retire"
        f" this record: advisor adr FILE --dir {tmp_path} --supersedes 1",
        "1 record: 0 holds, 0 drifted, 1 inconsistent, 0 unverifiable",
    ]
    code_, out, _ = run_verify(capsys, path, "--format", "github")
    # GitHub reads an annotation's file from the top of the repository (here tmp_path).
    assert code_ == 1 and out.startswith(f"::error file={path.relative_to(tmp_path).as_posix()},line=")


def test_a_record_downgraded_whole_is_inconsistent_by_its_rule_set_or_its_advisor(tmp_path, capsys):
    """Today's advisor is 0.1.0 too, so the version says nothing yet; the shipped rule set's hash
    does: it has changed since the days records had no digest."""
    path = write_record(capsys, "chatbot", tmp_path)
    downgrade(path, strip_format_2_keys=True)
    day = datetime.date.fromisoformat(PRICE_DATE)
    (result,) = verify(path, price_date=day)
    current = load_rules().content_hash
    assert result.status == "inconsistent" and result.problems == [
        "its inputs block has no digest, as records written before digests, but it names the shipped rule set "
        f"advisor-default as it has been only since records carried a digest (sha256 {current[:12]}): the digest "
        "was taken out by hand"
    ]
    # With a hash the shipped rule set had then, nothing says otherwise: as advisor 0.1.0 wrote it.
    then = "1c5dd1b8c4defb3a222943129855473466d89a917a184aa61bbed53832dc1ae7"
    edit(path, current, then)
    (result,) = verify(path, price_date=day)
    assert result.status in ("holds", "drifted") and result.sealed is None
    # A rule set of one's own (another id) is not judged by its hash.
    edit(path, "id: advisor-default", "id: our-rules")
    edit(path, then, "cafe" * 16)
    (result,) = verify(path, price_date=day)
    assert result.status in ("holds", "drifted") and result.sealed is None
    edit(path, "id: our-rules", "id: advisor-default")
    edit(path, "cafe" * 16, then)
    edit(path, "  advisor_version: 0.1.0", "  advisor_version: 0.2.0")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1
    assert out.splitlines()[0] == (
        f"{path}: INCONSISTENT: its inputs block has no digest, as records written before digests, but it names "
        "advisor 0.2.0, which has only ever written records with a digest: the digest was taken out by hand"
    )


def test_a_record_from_a_template_of_ones_own_says_its_text_is_not_checked(tmp_path, capsys):
    """No stated text is recorded for such a template: verify says what it could not check."""
    template = tmp_path / "ours.md.j2"
    template.write_text("# Customer chatbot: send it through the Batch API\n\nWe chose the Batch API.\n\n"
                        "{{ inputs_block }}\n", encoding="utf-8")
    path = write_record(capsys, "chatbot", tmp_path / "d", "--template", str(template))
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 0
    assert out.splitlines()[:2] == [
        f"{path}: holds (streaming)",
        "    written with a template of its own: its inputs are checked, not what its text says",
    ]
    code_, out, _ = run_verify(capsys, path, "--format", "json")
    assert json.loads(out)["records"][0]["text_unchecked"] is True


# -- formats -----------------------------------------------------------------------------------------------


def test_github_format_annotates_the_file_and_line(tmp_path, capsys):
    ok = write_record(capsys, "chatbot", tmp_path)
    record = write_record(capsys, "nightly-ticket-triage", tmp_path)
    ours = changed_rules(tmp_path / "r", batch_needs_s=2 * 86400)
    code_, out, _ = run_verify(capsys, tmp_path, "--rules", ours, "--format", "github")
    assert code_ == 1
    lines = out.splitlines()
    assert lines[0] == f"{ok}: holds (streaming)"
    annotation = next(line for line in lines if line.startswith("::error "))
    chosen = next(i for i, row in enumerate(record.read_text().split("\n"), 1) if row.startswith("Chosen option:"))
    prop_path = record.relative_to(tmp_path).as_posix()  # from the top of the repository
    assert annotation.startswith(f"::error file={prop_path},line={chosen},title=advisor verify%3A drifted::DRIFTED batch")
    assert "\n" not in annotation and "%0A    " not in annotation and "%0Arule set advisor-default" in annotation


def test_github_format_escapes_what_would_break_a_workflow_command():
    from advisor.records.verify import VerifyResult
    from advisor.views.verify import format_github

    result = VerifyResult(path="a,b:c.md", status="unverifiable", message="50% off\r\nnext", line=3)
    out = format_github([result])
    assert out.splitlines()[0] == "::error file=a%2Cb%3Ac.md,line=3,title=advisor verify%3A unverifiable::UNVERIFIABLE: 50%25 off%0D%0Anext"


def test_json_format(tmp_path, capsys):
    write_record(capsys, "chatbot", tmp_path)
    code_, out, _ = run_verify(capsys, tmp_path, "--format", "json")
    report = json.loads(out)
    assert code_ == 0 and report["exit_code"] == 0
    (entry,) = report["records"]
    assert {"path", "status", "line", "recorded_mode", "current_mode", "message", "changes", "cost_changes",
            "price_changes", "rule_changes", "sealed"} <= set(entry)
    assert entry["status"] == "holds" and entry["sealed"] is True


def test_the_block_is_machine_readable_yaml(tmp_path, capsys):
    path = write_record(capsys, "chatbot", tmp_path)
    inputs = read_inputs(path.read_text(encoding="utf-8"), str(path))
    assert inputs.version == 2 and inputs.sealed
    assert inputs.stamp.monthly_cost["streaming"] == pytest.approx(3776.67)  # 400,000 x (1,500 in at $2.50 + 350 out at $15 per 1M) + $10 + $167
    assert inputs.stamp.stated.decision == 'Chosen option: "Streaming response"'


# -- thresholds under a not or an any ------------------------------------------------------------

FLAT = ROOT / "tests" / "fixtures" / "records-flat-thresholds"  # written before thresholds kept not and any


def test_a_record_written_before_thresholds_kept_not_and_any_still_holds(tmp_path, capsys):
    shutil.copytree(FLAT, tmp_path / "d")
    record = tmp_path / "d" / "0001-customer-chatbot-stream-the-answer.md"
    assert "latency-chain-over-two: [chained_calls gt 2, latency_budget_s lt 5]" in record.read_text()
    (result,) = verify([record], price_date=datetime.date.fromisoformat(PRICE_DATE))
    assert result.status == "holds"
    # Only the one-hour line moved since (an hour is now "minutes to an hour", no batch), and
    # the 70% line gained a condition (not where no one waits and the peak drains within a
    # tenth of the budget), as the burst's did (only where the peak comes near the limits or
    # meets none known: board read 3, M13): no rule whose thresholds sit under a not or an any
    # reads back as moved without a change of its own. The 5-second window gained one too: a
    # job is not ruled out where the caller cuts the whole answer off (redteam-judgement-14).
    assert [c.rule for c in result.rule_changes] == [
        "cost-rate-limit-tight", "cost-bursty-traffic", "latency-realtime-window",
        "latency-walked-away", "latency-overnight", "latency-batch-window-too-short", "latency-batch-completion-window",
    ]


def test_a_moved_threshold_under_a_not_is_said_as_the_rule_says_it(tmp_path, capsys):
    shutil.copytree(FLAT, tmp_path / "d")
    record = tmp_path / "d" / "0001-customer-chatbot-stream-the-answer.md"
    ours = changed_rules(tmp_path)
    latency = ours / "latency.yaml"
    text = latency.read_text(encoding="utf-8")
    block = text.split("- id: latency-chain-over-two\n")[1].split("- id:")[0]
    assert "{fact: latency_budget_s, op: lt, value: 5}" in block
    latency.write_text(text.replace(block, block.replace("op: lt, value: 5}", "op: lt, value: 4}")), encoding="utf-8")
    (result,) = verify([record], rules=ours, price_date=datetime.date.fromisoformat(PRICE_DATE))
    (change,) = [c for c in result.rule_changes if c.rule == "latency-chain-over-two"]
    assert change.thresholds_then == ["chained_calls gt 2", "latency_budget_s lt 5"]
    assert change.thresholds_now == ["chained_calls gt 2", "not (someone_waiting eq true and latency_budget_s lt 4)"]
    # A record written now keeps the not, and reads back without a moved threshold.
    fresh = write_record(capsys, "chatbot", tmp_path / "new")
    assert "latency-chain-over-two: [chained_calls gt 2, not (someone_waiting eq true and latency_budget_s lt 5)]" in (
        fresh.read_text()
    )
    (now,) = verify([fresh], price_date=datetime.date.fromisoformat(PRICE_DATE))
    assert now.status == "holds" and now.rule_changes == []


def test_a_record_whose_model_its_provider_shut_down_is_unverifiable_and_says_why(tmp_path, capsys):
    workload = write_workload(tmp_path, yaml.safe_load((RETIRING_EXAMPLES / "chatbot.yaml").read_text(encoding="utf-8")))
    code_, _, err = run_cli(capsys, "adr", workload, "--dir", tmp_path / "d", "--price-date", "2026-11-01")
    assert code_ == 0, err
    code_, out, _ = run_cli(capsys, "verify", tmp_path / "d", "--price-date", "2027-01-14")
    assert code_ == 2
    assert "UNVERIFIABLE" in out and "OpenAI shut gpt-4o-mini down on 2027-01-14" in out


RETIRING = retiring("gpt-4o-mini", "2027-01-14", 74).strip()


def test_a_record_on_a_model_being_retired_holds_and_says_until_when(tmp_path, capsys):
    """A record on gpt-4o-mini read 'holds (streaming)' and nothing else, in CI, until the day
    OpenAI shuts the model down and the record turns unverifiable: the team learns of it on that
    day. It holds, and says until when; GitHub gets a warning on the file, not an error."""
    # The chatbot example as it was, on gpt-4o-mini.
    workload = write_workload(tmp_path, yaml.safe_load((RETIRING_EXAMPLES / "chatbot.yaml").read_text(encoding="utf-8")))
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", tmp_path / "d", "--price-date", PRICE_DATE)
    assert code_ == 0, err
    record = Path(out.strip())
    code_, out, _ = run_verify(capsys, tmp_path / "d")
    assert code_ == 0
    assert out.splitlines()[:2] == [f"{record}: holds (streaming)", f"    {RETIRING}"]
    code_, out, _ = run_verify(capsys, tmp_path / "d", "--format", "json")
    (entry,) = json.loads(out)["records"]
    assert code_ == 0 and entry["status"] == "holds" and RETIRING in entry["changes"]
    assert entry["model_shutdowns"] == [RETIRING.removeprefix("model retiring: ")]
    code_, out, _ = run_verify(capsys, tmp_path / "d", "--format", "github")
    prop_path = record.relative_to(tmp_path).as_posix()  # from the top of the repository
    assert code_ == 0 and f"::warning file={prop_path},title=advisor verify%3A model retiring::{RETIRING}" in out
    # A model with no shutdown announced: nothing of the kind.
    steady = {**yaml.safe_load((EXAMPLES / "chatbot.yaml").read_text(encoding="utf-8")), "provider": "anthropic",
              "model": "claude-sonnet-4-6"}
    code_, _, err = run_cli(capsys, "adr", write_workload(tmp_path, steady), "--dir", tmp_path / "steady",
                            "--price-date", PRICE_DATE)
    assert code_ == 0, err
    code_, out, _ = run_verify(capsys, tmp_path / "steady", "--format", "github")
    assert code_ == 0 and "retiring" not in out and "::warning" not in out



def test_broken_links_verify_would_never_read_are_not_listed(tmp_path, capsys):
    write_record(capsys, "chatbot", tmp_path)
    (tmp_path / "dangling.yaml").symlink_to("/nonexistent")
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    (tmp_path / "gone.md").symlink_to("nowhere.md")  # a record that is not there: said
    (tmp_path / "gone-folder").symlink_to("nowhere")  # no suffix: may have been a folder, said
    _, out, _ = run_verify(capsys, tmp_path)
    skipped = [line for line in out.splitlines() if ": skipped" in line]
    assert [line.split(": skipped")[0] for line in skipped] == [str(tmp_path / "gone-folder"), str(tmp_path / "gone.md")]
    assert out.splitlines()[-1].endswith("2 other paths passed over (said above)")
