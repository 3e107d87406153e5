"""A portfolio read: a principal architect reviewing ~40 features with `advisor review`, and a
platform engineer wiring `advisor verify` into CI for a repository that commits its records
next to the workload files. Each test is something one of them saw, and what they see now."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import EXAMPLES, run_cli
from .test_records import FIXED, PRICE_DATE
from .test_verify import edit, run_verify
from .test_workload_file import recorded  # noqa: F401  (a fixture: a workload file and its record)


@pytest.fixture(autouse=True)
def _in_a_repository(tmp_path: Path) -> None:
    """A repository of its own, as in test_workload_file: a record reads its workload file only
    inside the git work tree that holds it."""
    (tmp_path / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")


# -- verify in CI ---------------------------------------------------------------------------------


def test_an_edited_record_says_how_to_put_it_right_and_the_command_does(tmp_path, capsys, recorded):  # noqa: F811
    """A hand-edited decision failed CI as INCONSISTENT with nothing on what to do, where a drifted
    record is given the command that records it again. Now it is told both ways out: undo the
    edit, or the same command; and following it turns CI green."""
    workload, record = recorded
    edit(record, 'Chosen option: "Streaming response"', 'Chosen option: "Synchronous call"')
    fix = (
        "    to put it right, undo the hand edit (the record as advisor wrote it), or record it again and"
        f" retire this record: advisor adr {workload} --dir {record.parent} --supersedes 1"
    )
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 1
    assert out.splitlines()[1] == fix
    # The JSON a CI job reads carries the command, and the GitHub annotation says it.
    code_, out, _ = run_verify(capsys, record, "--format", "json")
    (entry,) = json.loads(out)["records"]
    assert entry["status"] == "inconsistent"
    assert entry["next_step"] == f"advisor adr {workload} --dir {record.parent} --supersedes 1"
    _, out, _ = run_verify(capsys, record, "--format", "github")
    assert f"%0A{fix.strip()}" in out
    # Following it: a new record retires the edited one, and verify passes.
    code_, _, err = run_cli(capsys, "adr", workload, "--dir", record.parent, "--supersedes", "1", *FIXED)
    assert code_ == 0, err
    code_, out, _ = run_verify(capsys, record.parent)
    assert code_ == 0, out


def test_an_edited_record_whose_workload_file_is_gone_is_told_to_record_it_from_its_new_path(
    tmp_path, capsys, recorded  # noqa: F811
):
    workload, record = recorded
    edit(record, 'Chosen option: "Streaming response"', 'Chosen option: "Synchronous call"')
    workload.unlink()
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 1
    assert out.splitlines()[1].endswith(f"advisor adr <new path> --dir {record.parent} --supersedes 1")


def test_a_workload_file_broken_in_a_pull_request_is_annotated_on_that_file(tmp_path, capsys, recorded):  # noqa: F811
    """A typo in a workload file made its record unverifiable, and GitHub annotated the record, a
    file the pull request did not touch: the error showed on no line of the diff. It is now on the
    workload file, naming the record, as for a workload file that changed."""
    workload, record = recorded
    edit(workload, "requests_per_month:", "requests_per_mont:")
    code_, out, _ = run_verify(capsys, record, "--format", "github")
    assert code_ == 2
    (annotation,) = [line for line in out.splitlines() if line.startswith("::")]
    assert annotation.startswith(
        "::error file=repo/workloads/chat.yaml,title=advisor verify%3A unverifiable::"
        f"{record}: UNVERIFIABLE: its workload file ../../workloads/chat.yaml: field 'requests_per_mont'"
    )
    # The text and JSON forms are as before: the record, unverifiable, and why.
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 2 and out.startswith(f"{record}: UNVERIFIABLE: its workload file ../../workloads/chat.yaml:")


# -- review of a portfolio ----------------------------------------------------------------------


def test_a_copied_workload_file_is_said_to_be_counted_twice_in_the_totals(tmp_path, capsys):
    """Two teams' folders held the same file (a copy), and the review's totals counted its cost
    twice, where the summary only said the name was used twice, "the File columns tell them
    apart", as of two features. A copy is now said to be one, beside a same-named other feature."""
    portfolio = tmp_path / "portfolio"
    for team in ("support", "growth"):
        (portfolio / team).mkdir(parents=True)
        shutil.copyfile(EXAMPLES / "nightly-ticket-triage.yaml", portfolio / team / "triage.yaml")
    # The same name, another workload (a tenth of the volume): not a copy.
    (portfolio / "support" / "chat.yaml").write_text(
        (EXAMPLES / "chatbot.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (portfolio / "growth" / "chat.yaml").write_text(
        (EXAMPLES / "chatbot.yaml").read_text(encoding="utf-8").replace(
            "requests_per_month: 400000", "requests_per_month: 40000"), encoding="utf-8")
    code_, out, _ = run_cli(capsys, "review", portfolio, "--price-date", PRICE_DATE)
    assert code_ == 0
    line = next(line for line in out.splitlines() if "used by more than one file" in line)
    copies = f"`{portfolio}/growth/triage.yaml`, `{portfolio}/support/triage.yaml`"
    assert f'"Nightly ticket classification" ({copies}: the same workload, which the totals count once per file)' in line
    assert f'"Customer chatbot" (`{portfolio}/growth/chat.yaml`, `{portfolio}/support/chat.yaml`)' in line
    code_, out, _ = run_cli(capsys, "review", portfolio, "--format", "json", "--price-date", PRICE_DATE)
    duplicates = json.loads(out)["summary"]["duplicate_names"]
    assert [(d["name"], d["same_workload"]) for d in duplicates] == [
        ("Customer chatbot", False), ("Nightly ticket classification", True)]


def test_a_json_verify_that_finds_no_record_says_why_on_stderr(tmp_path, capsys):
    # Exit 2 with a JSON of no records and nothing on stderr left a CI job to guess; the text
    # format says it in its summary line, the JSON run says it where errors go.
    code, out, err = run_cli(capsys, "verify", str(tmp_path), "--format", "json")
    assert code == 2 and json.loads(out)["records"] == []
    assert err.strip() == (f"advisor: error: found no advisor record in {tmp_path}: check the path, or pass"
                           " --allow-empty when none is fine")
    code, out, err = run_cli(capsys, "verify", str(tmp_path), "--format", "json", "--allow-empty")
    assert code == 0 and err == ""
