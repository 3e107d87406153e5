"""Platform pass 3: a platform team installs advisor as a package, upgrades it over records an older
advisor wrote, reviews 60 workloads of 12 teams, and scripts it from Python as the README's table of
CLI and Python calls says.

Each test is something the team saw go wrong while doing what the README says, and fails on the
code before its fix.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import advisor
from advisor.core.errors import InputError

from .conftest import EXAMPLES, PRICE_DATE, ROOT, run_cli
from .test_records import FIXED
from .test_verify import edit, run_verify


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree with a workload file and two records in force about it, the newer one
    drifted (the workload's volume went up tenfold since)."""
    (tmp_path / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")
    (tmp_path / "workloads").mkdir()
    shutil.copyfile(EXAMPLES / "chatbot.yaml", tmp_path / "workloads" / "chat.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- The Python API gives what `advisor verify` prints, and its exit status -------------------------


def test_the_python_api_gives_what_verify_prints_in_each_format_and_its_exit_status(repo, capsys):
    for _ in range(2):
        code, _out, err = run_cli(capsys, "adr", "workloads/chat.yaml", *FIXED)
        assert code == 0, err
    edit(repo / "workloads" / "chat.yaml", "requests_per_month: 400000", "requests_per_month: 4000000")
    results = advisor.verify(["docs/decisions"], price_date=PRICE_DATE)
    assert advisor.verify_exit_code(results) == 1  # drifted: what CI fails on
    for fmt in ("text", "json", "github"):
        code, out, _err = run_verify(capsys, "docs/decisions", "--format", fmt)
        assert code == 1
        assert advisor.render_verify(results, fmt) == out, fmt
    report = json.loads(advisor.render_verify(results, "json"))
    assert report["exit_code"] == 1
    assert [s["records"] for s in report["several_records_in_force"]] == [[
        "docs/decisions/0001-customer-chatbot-stream-the-answer.md",
        "docs/decisions/0002-customer-chatbot-stream-the-answer.md",
    ]]
    # No record at all: exit 2 unless allowed, as the command's --allow-empty.
    assert advisor.verify_exit_code([]) == 2 and advisor.verify_exit_code([], allow_empty=True) == 0
    with pytest.raises(InputError, match="field 'format': must be text, json or github"):
        advisor.render_verify(results, "md")
    with pytest.raises(InputError, match="field 'results'"):
        advisor.render_verify(None)  # type: ignore[arg-type]


# -- An upgrade whose rule gained a condition says the condition, once, not every threshold moving --


def test_a_rule_that_gained_a_condition_says_what_was_added_not_every_threshold_moving(repo, capsys):
    """The rule set of the upgrade added a condition to latency-realtime-window (a caller's timeout).
    Every record that held said 'its threshold moved: A -> B, A', the unchanged A twice; 17 of 18."""
    code, _out, err = run_cli(capsys, "adr", "workloads/chat.yaml", *FIXED)
    assert code == 0, err
    ours = repo / "our-rules"
    shutil.copytree(ROOT / "rules", ours)
    latency = ours / "latency.yaml"
    text = latency.read_text(encoding="utf-8")
    block = text.split("- id: latency-realtime-window\n")[1].split("- id:")[0]
    kept = "        - {fact: someone_waiting, op: eq, value: true}\n"
    assert block.count(kept) == 1
    latency.write_text(text.replace(block, block.replace(
        kept, kept + "        - {fact: requests_per_month, op: ge, value: 10}\n")), encoding="utf-8")
    code, out, _err = run_verify(capsys, "docs/decisions", "--rules", ours)
    assert code == 0
    line = next(line for line in out.splitlines() if "rule latency-realtime-window" in line)
    assert line == "    rule latency-realtime-window still fires; its thresholds changed: added requests_per_month ge 10"


# -- A review of many workloads names the records that do not hold under their count -----------------


def test_a_review_names_the_records_that_do_not_hold_under_their_count(repo, capsys):
    """At 60 workloads the summary said "12 decision records: 10 hold, 2 drifted" and left the two to
    be found in the last column of a 60-row table; a reviewer acts on them first."""
    shutil.copyfile(EXAMPLES / "gray-zone-30s.yaml", repo / "workloads" / "report.yaml")
    for name in ("chat", "report"):
        code, _out, err = run_cli(capsys, "adr", f"workloads/{name}.yaml", *FIXED)
        assert code == 0, err
    edit(repo / "workloads" / "chat.yaml", "requests_per_month: 400000", "requests_per_month: 4000000")
    code, out, err = run_cli(capsys, "review", "workloads", "--decisions", "docs/decisions", "--price-date", PRICE_DATE)
    assert code == 0, err
    summary = out.split("\n## Workloads", 1)[0]
    assert "2 decision records: 1 holds, 1 drifted (as `advisor verify` judges them today); 0 features have no record." in summary
    listed = summary.split("Records that do not hold, to act on first (`advisor verify` says how):\n\n", 1)[1].split("\n\n", 1)[0]
    assert listed.splitlines() == [
        "- [0001](docs/decisions/0001-customer-chatbot-stream-the-answer.md) drifted: streaming costs"
        " $3,777 -&gt; $36,177 a month (Customer chatbot)"
    ]
    # The Python API's review says the same, byte for byte.
    assert advisor.render_review(advisor.review(["workloads"], decisions_dir="docs/decisions", price_date=PRICE_DATE)) == out
    # Every record holds: no such list.
    edit(repo / "workloads" / "chat.yaml", "requests_per_month: 4000000", "requests_per_month: 400000")
    code, out, err = run_cli(capsys, "review", "workloads", "--decisions", "docs/decisions", "--price-date", PRICE_DATE)
    assert code == 0 and "Records that do not hold" not in out


# -- Outside a checkout, the README's commands on examples/traces and examples/rules-cost-first say why --


CHECKOUT_ONLY = "comes with a checkout of advisor's repository (run from its top), not with an installed advisor"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["calibrate", "examples/traces/rag-chat.jsonl.gz", "--root", "rag.chat", "-o", "rag-chat.yaml"],
         "examples/traces/rag-chat.jsonl.gz: no such file; examples/traces/ "),
        (["rules", "check", "examples/rules-cost-first"],
         "examples/rules-cost-first: no such rule-set folder; examples/rules-cost-first/ "),
        (["recommend", "examples/rules-cost-first/workloads/sales-call-summaries.yaml"],
         "examples/rules-cost-first/workloads/sales-call-summaries.yaml: no such file; examples/rules-cost-first/ "),
    ],
)
def test_a_readme_command_on_what_only_a_checkout_has_says_so_in_an_empty_folder(argv, said, tmp_path, monkeypatch, capsys):
    """A packaged install, run from an empty folder as the README shows these commands: a bare
    'no such file', where the worked examples' own files say how to write them."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, *argv)
    assert (code, out) == (2, "")
    assert err == f"advisor: error: {said}{CHECKOUT_ONLY}\n"
    assert list(tmp_path.iterdir()) == []


def test_a_missing_file_elsewhere_gets_no_checkout_hint(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _out, err = run_cli(capsys, "calibrate", "traces/rag-chat.jsonl.gz", "-o", "x.yaml")
    assert (code, err) == (2, "advisor: error: traces/rag-chat.jsonl.gz: no such file\n")
