"""Platform pass 2: a platform team runs advisor over a monorepo of 40 teams' records, in CI.

Each test is something the team saw go wrong while doing what the README and docs/publishing.md
say, and fails on the code before its fix.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import EXAMPLES, run_cli
from .test_records import FIXED
from .test_verify import edit, run_verify


@pytest.fixture
def monorepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git work tree (a ``.git`` file, as a worktree has) with one team's folder:
    services/support/{workloads/chat.yaml, docs/decisions/}; the working folder is its top."""
    root = tmp_path / "mono"
    team = root / "services" / "support"
    (team / "workloads").mkdir(parents=True)
    (root / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")
    shutil.copyfile(EXAMPLES / "chatbot.yaml", team / "workloads" / "chat.yaml")
    monkeypatch.chdir(root)
    return root


def _adr(capsys, workload: str, folder: str) -> str:
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", folder, *FIXED)
    assert code_ == 0, err
    return out.strip()


# -- GitHub annotations name a record from the top of the repository ------------------------------


def test_github_annotation_of_a_record_names_it_from_the_top_of_the_repository(monorepo, capsys, monkeypatch):
    """A CI step with `working-directory: services` (or run from a team's folder) gave the
    record's annotation the path from there (`support/docs/...`), which GitHub resolves from the
    top of the repository: no such file, so the pull request showed no annotation, while the
    workload file's annotation beside it was named from the top (`services/support/...`)."""
    record = _adr(capsys, "services/support/workloads/chat.yaml", "services/support/docs/decisions")
    edit(Path(record), "  downstream: own_ui\n", "  downstream: internal_service\n")  # a hand edit
    monkeypatch.chdir(monorepo / "services")
    code_, out, _ = run_verify(capsys, "support", "--format", "github")
    assert code_ == 1
    (annotation,) = [line for line in out.splitlines() if line.startswith("::")]
    assert annotation.startswith(
        "::error file=services/support/docs/decisions/0001-customer-chatbot-stream-the-answer.md,line="
    ), annotation
    # The message keeps the paths a person pastes from the working folder.
    assert "--dir support/docs/decisions --supersedes 1" in annotation


def test_github_warnings_of_a_record_name_it_from_the_top_of_the_repository(monorepo, capsys, monkeypatch):
    """The warnings on a record (its workload file gone; two records in force) too."""
    workload = "services/support/workloads/chat.yaml"
    first = _adr(capsys, workload, "services/support/docs/decisions")
    capsys.readouterr()
    _adr(capsys, workload, "services/support/docs/decisions")  # a second record in force
    (monorepo / workload).unlink()
    monkeypatch.chdir(monorepo / "services" / "support")
    code_, out, _ = run_verify(capsys, "docs/decisions", "--format", "github")
    assert code_ == 0
    warnings = [line for line in out.splitlines() if line.startswith("::warning")]
    assert warnings and all(
        line.startswith("::warning file=services/support/docs/decisions/000") for line in warnings
    ), warnings
    assert any(line.startswith(f"::warning file={first},title=advisor verify%3A two records")
               for line in warnings), warnings


# -- a workload file that is gone --------------------------------------------------------------------


def test_a_record_whose_workload_file_was_deleted_says_how_to_retire_it(monorepo, capsys):
    """A team deleted a feature's workload file (the feature is gone). verify's only next step was
    'if the file moved, record it again from there: advisor adr <new path> ...': there is no new
    path. The README's way to retire a record for a feature that is gone is its status."""
    workload = "services/support/workloads/chat.yaml"
    _adr(capsys, workload, "services/support/docs/decisions")
    (monorepo / workload).unlink()
    code_, out, _ = run_verify(capsys, "services")
    assert code_ == 0
    note = out.splitlines()[1]
    assert note.startswith("    its workload file ../../workloads/chat.yaml is not there"), out
    assert note.endswith("; if the feature is gone, set this record's status to deprecated"), note
    code_, out, _ = run_verify(capsys, "services", "--format", "github")
    assert "if the feature is gone, set this record's status to deprecated" in out


# -- review --decisions with another rule set than the records' ---------------------------------------


def test_review_says_a_record_was_written_with_another_rule_set(monorepo, capsys):
    """An architect ran `advisor review services --decisions services` without the org's --rules:
    a record written with ACME's rule set read 'drifted: decision batch -> async', as if the
    feature had moved, where verify says first that the record was written with another rule
    set and how to check it with its own."""
    workload = monorepo / "services" / "support" / "workloads" / "sales.yaml"
    shutil.copyfile(EXAMPLES / "rules-cost-first" / "workloads" / "sales-call-summaries.yaml", workload)
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", "services/support/docs/decisions",
                              "--rules", EXAMPLES / "rules-cost-first", *FIXED)
    assert code_ == 0, err
    code_, out, err = run_cli(capsys, "review", workload, "--decisions", "services", "--format", "json",
                              "--price-date", "2026-11-01")
    assert code_ == 0, err
    import json

    (row,) = json.loads(out)["workloads"]
    (link,) = row["decisions"]
    assert link["status"] == "drifted"
    assert link["note"].startswith(
        "written with acme-cost-first 1.0.0; verified with advisor-default 1.0.0: pass --rules DIR or set"
        " ADVISOR_RULES; decision batch -> async"
    ), link["note"]
    code_, out, err = run_cli(capsys, "review", workload, "--decisions", "services", "--price-date", "2026-11-01")
    assert "drifted: written with acme-cost-first 1.0.0; verified with advisor-default 1.0.0" in out


# -- a record priced by the workload's own prices ------------------------------------------------------


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_record_priced_by_the_workload_says_whose_prices_they_are(monorepo, capsys, template):
    """A self-hosted model's record (the workload's `pricing` gives its cost per 1M tokens) said it
    was written with 'the prices of workload pricing override in force on 2026-11-01': as if a
    price list dated them. They are the team's own figures."""
    workload = monorepo / "services" / "support" / "workloads" / "gpu.yaml"
    workload.write_text(
        "name: GPU pool chat\ninteraction: chat\nlatency_budget_s: 4\ninput_tokens: 1500\noutput_tokens: 350\n"
        "requests_per_month: 200000\nprovider: self_hosted\nmodel: llama-70b\nttft_s: 0.4\n"
        "output_tokens_per_s: 60\npricing: {input_per_mtok: 0.4, output_per_mtok: 0.8}\n",
        encoding="utf-8",
    )
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", "services/support/docs/decisions",
                              "--template", template, *FIXED)
    assert code_ == 0, err
    record = Path(out.strip())
    text = record.read_text(encoding="utf-8")
    assert "prices of workload pricing override" not in text
    assert "and the workload's own prices (its pricing override) at the price date 2026-11-01." in text
    assert run_verify(capsys, record)[0] == 0  # the record still verifies


# -- adr beside several records in force ---------------------------------------------------------------


def test_adr_beside_several_records_in_force_says_it_once_and_counts_them(monorepo, capsys):
    """A CI matrix that ran `advisor adr` for one workload on each of its jobs left three records
    in force; the next run printed one line per record, each 'pass --supersedes N to replace it
    ... as written, both are in force': three commands that each retire one record, and 'both'
    where four were in force."""
    workload, folder = "services/support/workloads/chat.yaml", "services/support/docs/decisions"
    for _ in range(3):
        _adr(capsys, workload, folder)
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", folder, *FIXED)
    assert code_ == 0
    written = Path(out.strip()).name
    assert err.splitlines() == [
        f"records 1, 2 and 3 are about this workload file too: as written, all 4 are in force; pass --supersedes 3"
        f" to replace the newest of them (remove {written} and run again with it), and retire the older ones by"
        " their status, as advisor verify says"
    ], err
