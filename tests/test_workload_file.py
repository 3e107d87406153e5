"""A record and the workload file it was written from: `advisor adr FILE` names the file
(relative to the record's folder, under the digest), and `advisor verify` holds the record to
the file as it is now.

Each test is a way a team's CI could be fooled: the workload file edited (another model, ten
times the traffic) without a new record, and the old record still reading "holds".
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from advisor import InputError, assess, load_profile, render_adr, verify, write_adr

from .conftest import EXAMPLES, RETIRING, ROOT, run_cli
from .test_records import DATE, FIXED, PRICE_DATE
from .test_verify import edit, run_verify

KEY = "  workload_file: ../../workloads/chat.yaml\n"
DRIFT = ("    the workload changed since the record: requests_per_month 400,000 -> 4,000,000;"
         " model gpt-5.4 -> gpt-5.4-mini")
STALE = ("    the decision and monthly costs still hold, but the record's figures come from the workload as it was:"
         " record it again with advisor adr {} --dir {} --supersedes 1")


def fix(record: Path | str) -> str:
    """How a record whose workload file is not there is brought back to it: its folder and number."""
    return f"if the file moved, record it again from there: advisor adr <new path> --dir {Path(record).parent} --supersedes 1"


def missing(record: Path) -> str:
    return (f"    its workload file ../../workloads/chat.yaml is not there: the record's own inputs are checked; {fix(record)};"
            " if the feature is gone, set this record's status to deprecated")
SUMMARY_ALONE = "1 record: 1 holds (1 without its workload file), 0 drifted, 0 inconsistent, 0 unverifiable"


@pytest.fixture(autouse=True)
def _in_a_repository(tmp_path: Path) -> None:
    """Each test works in a repository of its own, as a team does: a record reads its workload file
    only inside the git work tree that holds it (here a ``.git`` file, as a worktree has; a hidden
    file verify does not list)."""
    (tmp_path / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")


def repo(root: Path) -> Path:
    """A repository: workloads/chat.yaml (the chatbot example) and docs/decisions/ to record it in."""
    (root / "workloads").mkdir(parents=True)
    shutil.copyfile(EXAMPLES / "chatbot.yaml", root / "workloads" / "chat.yaml")
    return root


def adr(capsys, workload: Path, folder: Path, *extra: str) -> Path:
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", folder, *FIXED, *extra)
    assert code_ == 0, err
    return Path(out.strip())


@pytest.fixture
def recorded(tmp_path, capsys) -> tuple[Path, Path]:
    """(the workload file, the record written from it with `advisor adr FILE --dir D`)."""
    root = repo(tmp_path / "repo")
    workload = root / "workloads" / "chat.yaml"
    return workload, adr(capsys, workload, root / "docs" / "decisions")


def headline(record: Path, status: str = "holds (streaming)") -> str:
    return f"{record}: {status}"


SUMMARY_HOLDS = "1 record: 1 holds, 0 drifted, 0 inconsistent, 0 unverifiable"


# -- what adr writes -------------------------------------------------------------------------------


def test_a_record_names_its_workload_file_from_its_own_folder_whatever_the_working_folder(
    tmp_path, capsys, monkeypatch, recorded
):
    workload, record = recorded
    text = record.read_text(encoding="utf-8")
    assert KEY in text
    assert "from its workload file `../../workloads/chat.yaml` (relative to this record) once that changes:" in text
    # Run from inside the repository, with relative paths: the same record, byte for byte.
    monkeypatch.chdir(workload.parent)
    again = adr(capsys, Path("chat.yaml"), Path("../docs/other"))
    assert again.read_bytes() == text.encode("utf-8")
    # The Python API, as the README's table has it: the same record.
    a = assess(load_profile(workload), price_date=datetime.date.fromisoformat(PRICE_DATE))
    api = write_adr(a, tmp_path / "repo" / "docs" / "api", date=DATE, workload_file=workload)
    assert api.read_bytes() == text.encode("utf-8")


def test_a_record_names_a_linked_folder_by_where_it_is_and_a_linked_file_as_the_link(tmp_path, capsys):
    root = repo(tmp_path / "repo")
    (tmp_path / "through").symlink_to(root)  # a repository reached through a link
    record = adr(capsys, tmp_path / "through" / "workloads" / "chat.yaml", tmp_path / "through" / "docs" / "decisions")
    assert KEY in record.read_text(encoding="utf-8")
    (root / "workloads" / "current.yaml").symlink_to("chat.yaml")  # the link is what the repository holds
    record = adr(capsys, root / "workloads" / "current.yaml", root / "docs" / "decisions")
    assert "  workload_file: ../../workloads/current.yaml\n" in record.read_text(encoding="utf-8")
    code_, out, _ = run_verify(capsys, root / "docs" / "decisions")
    assert code_ == 0 and out.splitlines()[-1] == "2 records: 2 holds, 0 drifted, 0 inconsistent, 0 unverifiable"


def test_write_adr_refuses_a_workload_file_that_is_not_the_assessed_workload(tmp_path):
    root = repo(tmp_path)
    a = assess(load_profile(EXAMPLES / "nightly-ticket-triage.yaml"), price_date=datetime.date.fromisoformat(PRICE_DATE))
    with pytest.raises(InputError, match=r"does not hold the workload assessed \(it differs in name, .*interaction"):
        write_adr(a, root / "docs", workload_file=root / "workloads" / "chat.yaml")
    assert not (root / "docs").exists()


def test_a_record_from_the_questionnaire_names_no_file_and_verifies_as_before(tmp_path, capsys):
    """The questionnaire's download (render_adr, as questionnaire/record.py calls it) has no file."""
    a = assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=datetime.date.fromisoformat(PRICE_DATE))
    text = render_adr(a, date=DATE)
    assert "workload_file" not in text and "from its workload file" not in text
    record = tmp_path / "0001-customer-chatbot-stream-the-answer.md"
    record.write_text(text, encoding="utf-8")
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 0 and out.splitlines() == [headline(record), SUMMARY_HOLDS]
    code_, out, _ = run_verify(capsys, record, "--format", "json")
    (entry,) = json.loads(out)["records"]
    assert (entry["workload_file"], entry["workload_file_state"], entry["workload_changes"]) == (None, None, [])


def test_the_workload_files_path_is_under_the_digest(capsys, recorded):
    _, record = recorded
    edit(record, KEY, "  workload_file: ../../workloads/other.yaml\n")
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 1
    assert out.splitlines()[0] == (
        f"{record}: INCONSISTENT: the inputs no longer match the digest written with them: they were edited by hand"
    )


# -- what verify says ------------------------------------------------------------------------------


def test_an_unchanged_workload_file_holds_as_before(capsys, recorded):
    _, record = recorded
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 0 and out.splitlines() == [headline(record), SUMMARY_HOLDS]
    code_, out, _ = run_verify(capsys, record, "--format", "json")
    (entry,) = json.loads(out)["records"]
    assert entry["workload_file"] == "../../workloads/chat.yaml"
    assert entry["workload_file_state"] == "unchanged" and entry["workload_changes"] == [] and entry["changes"] == []


def test_a_reformatted_workload_file_is_the_same_workload(capsys, recorded):
    """Comments, key order, quoting and how a number is written are not the workload."""
    workload, record = recorded
    data = yaml.safe_load(workload.read_text(encoding="utf-8"))
    lines = [f"{key}: {json.dumps(value)}  # {key}" for key, value in reversed(data.items())]
    text = "# rewritten by hand\n\n" + "\n".join(lines) + "\n"
    workload.write_text(text.replace("400000", "400_000").replace("2.5", "2.50"), encoding="utf-8")
    assert load_profile(workload).model_dump() == load_profile(EXAMPLES / "chatbot.yaml").model_dump()
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 0 and out.splitlines() == [headline(record), SUMMARY_HOLDS]
    (result,) = verify(record, price_date=datetime.date.fromisoformat(PRICE_DATE))
    assert result.workload_file_state == "unchanged"  # read, and found the same


def test_a_workload_file_with_another_model_and_ten_times_the_traffic_drifts(capsys, recorded):
    workload, record = recorded
    edit(workload, "model: gpt-5.4", "model: gpt-5.4-mini")
    edit(workload, "requests_per_month: 400000", "requests_per_month: 4000000")
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 1
    lines = out.splitlines()
    assert lines[:2] == [
        headline(record, "DRIFTED (streaming still chosen; monthly costs moved beyond the tolerance)"), DRIFT,
    ]
    assert "    monthly cost of streaming (the recorded choice): $3,777 -> $10,977 (+191%, beyond the 10% tolerance)" \
        in lines
    # The prices of the recorded model did not move: no price line for the model that changed.
    assert not any("prices moved" in line for line in lines)
    code_, out, _ = run_verify(capsys, record, "--format", "json")
    (entry,) = json.loads(out)["records"]
    assert entry["status"] == "drifted" and entry["workload_file_state"] == "changed"
    assert entry["workload_changes"] == [
        {"field": "requests_per_month", "recorded": 400000, "current": 4000000},
        {"field": "model", "recorded": "gpt-5.4", "current": "gpt-5.4-mini"},
    ]
    assert entry["changes"][0] == DRIFT.strip()
    # On GitHub the annotation goes on the workload file's changed line, where the pull request shows
    # the change (the record is often not in its diff), from the repository's top; it names the record.
    code_, out, _ = run_verify(capsys, record, "--format", "github")
    assert code_ == 1 and out.startswith(
        f"::error file=repo/workloads/chat.yaml,line=10,title=advisor verify%3A drifted::{headline(record, 'DRIFTED')}"
    )
    assert DRIFT.strip() in out and f"file={record}" not in out


def test_a_workload_file_that_now_needs_another_mode_drifts_to_it(capsys, recorded):
    workload, record = recorded
    edit(workload, "interaction: chat", "interaction: pipeline")
    edit(workload, "latency_budget_s: 2.5", "latency_budget_s: 86400")
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 1
    assert out.splitlines()[:2] == [
        headline(record, "DRIFTED streaming -> batch"),
        "    the workload changed since the record: interaction chat -> pipeline; latency_budget_s 2.5 -> 86,400",
    ]


def test_a_changed_workload_file_that_keeps_the_decision_and_costs_holds_with_a_note(capsys, recorded):
    workload, record = recorded
    edit(workload, "latency_budget_s: 2.5", "latency_budget_s: 3")
    edit(workload, "\ndescription: A customer asks questions in the help widget and reads the answer as it appears.",
         "\ndescription: Questions in the help widget.")
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 0
    assert out.splitlines() == [
        headline(record),
        "    the workload changed since the record: description 'A customer asks questions in the help...'"
        " -> 'Questions in the help widget.'; latency_budget_s 2.5 -> 3",
        STALE.format(workload, record.parent),
        SUMMARY_HOLDS,
    ]
    code_, out, _ = run_verify(capsys, record, "--format", "github")
    assert code_ == 0
    assert ("::warning file=repo/workloads/chat.yaml,line=5,title=advisor verify%3A workload file changed::"
            f"{headline(record)}%0Athe workload changed") in out


def test_a_workload_file_moved_away_is_noted_and_the_record_holds(tmp_path, capsys, recorded):
    workload, record = recorded
    workload.rename(workload.with_name("moved.yaml"))
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 0 and out.splitlines() == [headline(record), missing(record), SUMMARY_ALONE]
    code_, out, _ = run_verify(capsys, record, "--format", "github")
    assert code_ == 0
    # On the record, named from the top of the repository (tmp_path), as GitHub reads it.
    assert (f"::warning file={record.relative_to(tmp_path).as_posix()},title=advisor verify%3A workload file missing::{missing(record).strip()}"
            in out.splitlines())
    assert out.splitlines()[-1] == SUMMARY_ALONE  # not read as a clean pass, in any format
    code_, out, _ = run_verify(capsys, record, "--format", "json")
    (entry,) = json.loads(out)["records"]
    assert entry["status"] == "holds" and entry["workload_file_state"] == "missing"
    assert entry["changes"] == [missing(record).strip()]
    assert entry["next_step"] == f"advisor adr <new path> --dir {record.parent} --supersedes 1"
    # A link to nothing is no file either.
    workload.symlink_to("nowhere.yaml")
    assert run_verify(capsys, record)[1].splitlines() == [headline(record), missing(record), SUMMARY_ALONE]


@pytest.mark.parametrize("broken, message", [
    ("name: x\nmodel: [1\n", "not valid YAML (line 3, column 1): did not find expected ',' or ']'"),
    (None, "field 'requests_per_month': input should be greater than or equal to 0 (got -5)"),
    ("unknown model", "field 'model': unknown model 'nope-1' for provider 'openai'"),
])
def test_a_workload_file_that_is_no_valid_workload_makes_the_record_unverifiable(capsys, recorded, broken, message):
    workload, record = recorded
    if broken is None:
        edit(workload, "requests_per_month: 400000", "requests_per_month: -5")
    elif broken == "unknown model":
        edit(workload, "model: gpt-5.4", "model: nope-1")
    else:
        workload.write_text(broken, encoding="utf-8")
    # What `advisor recommend` says of the file...
    code_, _, err = run_cli(capsys, "recommend", workload)
    assert code_ == 2 and err.startswith(f"advisor: error: {workload}: {message}")
    said = err.strip().removeprefix(f"advisor: error: {workload}: ")
    # ...verify says under the record, naming the file as the record does.
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 2
    assert out.splitlines() == [
        f"{record}: UNVERIFIABLE: its workload file ../../workloads/chat.yaml: {said}",
        "1 record: 0 holds, 0 drifted, 0 inconsistent, 1 unverifiable",
    ]
    (result,) = verify(record, price_date=datetime.date.fromisoformat(PRICE_DATE))
    assert result.status == "unverifiable" and result.workload_file_state == "invalid"


def test_a_copied_repository_checks_its_own_workload_file(tmp_path, capsys, recorded):
    """A fresh clone elsewhere: the record finds the clone's workload file, not the original's."""
    _, record = recorded
    clone = tmp_path / "elsewhere" / "clone"
    shutil.copytree(tmp_path / "repo", clone, symlinks=True)
    copied = clone / record.relative_to(tmp_path / "repo")
    assert run_verify(capsys, copied)[1].splitlines() == [headline(copied), SUMMARY_HOLDS]
    edit(clone / "workloads" / "chat.yaml", "model: gpt-5.4", "model: gpt-5.4-mini")
    edit(clone / "workloads" / "chat.yaml", "requests_per_month: 400000", "requests_per_month: 4000000")
    code_, out, _ = run_verify(capsys, copied)
    assert code_ == 1 and out.splitlines()[1] == DRIFT
    assert run_verify(capsys, record)[0] == 0  # the original is untouched
    # The record found through a linked folder still names the file from its real folder.
    (tmp_path / "link").symlink_to(clone / "docs")
    code_, out, _ = run_verify(capsys, tmp_path / "link" / "decisions")
    assert code_ == 1 and out.splitlines()[1] == DRIFT


def test_recording_the_edited_workload_again_supersedes_the_stale_record(tmp_path, capsys, recorded):
    workload, record = recorded
    edit(workload, "model: gpt-5.4", "model: gpt-5.4-mini")
    edit(workload, "requests_per_month: 400000", "requests_per_month: 4000000")
    assert run_verify(capsys, record.parent)[0] == 1
    new = adr(capsys, workload, record.parent, "--supersedes", "1")
    code_, out, _ = run_verify(capsys, record.parent)
    assert code_ == 0
    assert out.splitlines() == [
        f"{record}: superseded by record 2",
        headline(new),
        "1 record: 1 holds, 0 drifted, 0 inconsistent, 0 unverifiable; 1 superseded",
    ]
    # Another workload still cannot supersede it unless forced.
    code_, _, err = run_cli(capsys, "adr", EXAMPLES / "nightly-ticket-triage.yaml", "--dir", record.parent,
                            "--supersedes", "2", *FIXED)
    assert code_ == 2 and "record 2 is about 'Customer chatbot', not 'Nightly ticket classification'" in err


def test_a_workload_file_name_is_shown_never_obeyed(tmp_path, capsys):
    root = tmp_path / "repo"
    (root / "workloads").mkdir(parents=True)
    workload = root / "workloads" / "chat\x1b[2J.yaml"
    shutil.copyfile(EXAMPLES / "chatbot.yaml", workload)
    record = adr(capsys, workload, root / "docs" / "decisions")
    text = record.read_text(encoding="utf-8")
    assert "`../../workloads/chat\\x1b[2J.yaml`" in text and "\x1b" not in text.split("```yaml")[0]
    assert '  workload_file: "../../workloads/chat\\e[2J.yaml"\n' in text
    workload.unlink()
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 0 and "\x1b" not in out
    assert "    its workload file ../../workloads/chat\\x1b[2J.yaml is not there" in out


def test_no_relative_path_no_key_and_the_command_says_so(tmp_path, capsys, monkeypatch):
    """Windows has no relative path to another drive; a record then names no file, and says
    nothing it cannot keep."""
    root = repo(tmp_path)

    def no_path(path, start=os.curdir):
        raise ValueError("path is on mount 'D:', start on mount 'C:'")

    monkeypatch.setattr(os.path, "relpath", no_path)
    code_, out, err = run_cli(capsys, "adr", root / "workloads" / "chat.yaml", "--dir", root / "docs", *FIXED)
    assert code_ == 0
    assert "the record does not name its workload file" in err and "checks the record's own inputs only" in err
    text = Path(out.strip()).read_text(encoding="utf-8")
    assert "workload_file" not in text and "from its workload file" not in text


def test_a_file_name_that_is_not_utf8_is_not_named(tmp_path, capsys):
    """A record holds text: a Latin-1 file name has no path a record can keep."""
    root = repo(tmp_path)
    workload = root / "workloads" / os.fsdecode(b"chat-\xe9.yaml")
    shutil.copyfile(EXAMPLES / "chatbot.yaml", workload)
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", root / "docs", *FIXED)
    assert code_ == 0 and "the record does not name its workload file" in err
    assert "workload_file" not in Path(out.strip()).read_text(encoding="utf-8")


def test_a_workload_moved_off_a_model_shut_down_is_judged_from_its_file(tmp_path, capsys):
    """The record's own model is gone (its inputs cannot be assessed today), but the team moved
    the workload file to a current model: the record is judged against the file, and drifts."""
    root = tmp_path / "repo"
    (root / "workloads").mkdir(parents=True)
    workload = root / "workloads" / "chat.yaml"
    shutil.copyfile(RETIRING / "chatbot.yaml", workload)  # on gpt-4o-mini, shut down on 2027-01-14
    record = adr(capsys, workload, root / "docs" / "decisions")
    after = ["--price-date", "2027-02-01"]
    code_, out, _ = run_cli(capsys, "verify", record, *after)
    assert code_ == 2 and "cannot re-evaluate the embedded inputs today" in out
    edit(workload, "model: gpt-4o-mini", "model: gpt-5.4-mini")
    code_, out, _ = run_cli(capsys, "verify", record, *after)
    assert code_ == 1
    assert out.splitlines()[1] == "    the workload changed since the record: model gpt-4o-mini -> gpt-5.4-mini"


# -- only inside the repository -------------------------------------------------------------------


def reseal(record: Path) -> None:
    """Recompute the digest after editing the inputs block, as anyone can."""
    from advisor.records.inputs import _digest, find_inputs

    text = record.read_text(encoding="utf-8")
    data = yaml.safe_load(find_inputs(text) or "")
    record.write_text(text.replace(data["digest"], _digest(data)), encoding="utf-8")


def outside(named: str, record: Path | str) -> str:
    return (f"    it names a workload file outside the repository ({named}): not read; the record's own inputs are"
            f" checked; {fix(record)}")


def test_a_decisions_folder_moved_up_does_not_read_a_file_beside_the_repository(tmp_path, capsys, recorded):
    """docs/decisions renamed to adr/: ../../workloads/chat.yaml now leads beside the repository,
    where another project's file is not this record's workload."""
    _, record = recorded
    root = tmp_path / "repo"
    (root / ".git").mkdir()
    beside = tmp_path / "workloads"
    beside.mkdir()
    (beside / "chat.yaml").write_text(
        (root / "workloads" / "chat.yaml").read_text(encoding="utf-8").replace("model: gpt-5.4", "model: gpt-5.4-mini"),
        encoding="utf-8",
    )
    (root / "docs" / "decisions").rename(root / "adr")
    moved = root / "adr" / record.name
    code_, out, _ = run_verify(capsys, root / "adr")
    assert code_ == 0 and out.splitlines() == [
        headline(moved), outside("../../workloads/chat.yaml", moved), SUMMARY_ALONE
    ]
    code_, out, _ = run_verify(capsys, root / "adr", "--format", "json")
    (entry,) = json.loads(out)["records"]
    assert (entry["status"], entry["workload_file_state"], entry["workload_changes"]) == ("holds", "outside", [])


@pytest.mark.parametrize("named", ["../../../../../../../../../../etc/passwd", "../../../secret.yaml", "../../link.yaml"])
def test_a_record_naming_a_file_outside_the_repository_never_reads_it(tmp_path, capsys, recorded, named):
    _, record = recorded
    root = tmp_path / "repo"
    (root / ".git").mkdir()
    (tmp_path / "secret.yaml").write_text("name: x\nmodel: sk-proj-SECRETKEY9876\n", encoding="utf-8")
    (root / "link.yaml").symlink_to(tmp_path / "secret.yaml")  # inside, but leads out
    edit(record, KEY, f"  workload_file: {named}\n")
    reseal(record)
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 0 and out.splitlines()[1] == outside(named, record)
    assert "SECRET" not in out and "root:" not in out


def test_adr_names_no_workload_file_outside_the_repository_nor_a_device(tmp_path, capsys):
    root = repo(tmp_path / "repo")
    (root / ".git").mkdir()
    (tmp_path / "outside.yaml").write_bytes((root / "workloads" / "chat.yaml").read_bytes())
    (root / "workloads" / "linked.yaml").symlink_to(tmp_path / "outside.yaml")
    (root / "docs" / "decisions").mkdir(parents=True)
    fd = os.open(root / "workloads" / "chat.yaml", os.O_RDONLY)
    try:
        for workload, why in [
            (tmp_path / "outside.yaml", f"it is outside the repository that holds the decisions folder ({root})"),
            (root / "workloads" / "linked.yaml", f"it is outside the repository that holds the decisions folder ({root})"),
            (Path(f"/dev/fd/{fd}"), "it is no regular file (a device, a FIFO, or a file under /dev or /proc)"),
            (Path(f"/proc/self/fd/{fd}"), "it is no regular file (a device, a FIFO, or a file under /dev or /proc)"),
        ]:
            code_, out, err = run_cli(capsys, "adr", workload, "--dir", root / "docs" / "decisions", *FIXED)
            assert code_ == 0, err
            assert "workload_file" not in Path(out.strip()).read_text(encoding="utf-8")
            assert err == (f"the record does not name its workload file {workload}: {why}, so advisor verify checks"
                           " the record's own inputs only\n")
    finally:
        os.close(fd)


def test_with_no_git_the_folder_searched_bounds_the_workload_file(tmp_path, capsys):
    root = repo(tmp_path / "plain")
    (tmp_path / ".git").unlink()  # no repository at all
    record = adr(capsys, root / "workloads" / "chat.yaml", root / "docs" / "decisions")
    assert run_verify(capsys, root)[1].splitlines() == [headline(record), SUMMARY_HOLDS]
    assert run_verify(capsys, root / "docs")[1].splitlines()[1] == outside("../../workloads/chat.yaml", record)


def test_with_no_git_the_working_folder_bounds_the_workload_file_of_a_record_in_it(tmp_path, capsys, monkeypatch):
    """A copy without its .git (a container image, an export), verified from its top as CI runs
    it: the records' folder is searched, and their workload files beside it are read."""
    root = repo(tmp_path / "plain")
    (tmp_path / ".git").unlink()
    record = adr(capsys, root / "workloads" / "chat.yaml", root / "docs" / "decisions")
    edit(root / "workloads" / "chat.yaml", "requests_per_month: 400000", "requests_per_month: 4000000")
    monkeypatch.chdir(root)
    code_, out, _ = run_verify(capsys, Path("docs"))
    assert code_ == 1 and out.startswith(f"{Path('docs') / record.relative_to(root / 'docs')}: DRIFTED"), out
    monkeypatch.chdir(root / "docs")  # a workload file above the working folder is not read
    assert run_verify(capsys, Path("decisions"))[1].splitlines()[1] == outside(
        "../../workloads/chat.yaml", Path("decisions") / record.name
    )


# -- what counts as a change ------------------------------------------------------------------------


def test_a_text_restyled_to_drop_its_final_line_break_is_the_same_workload(tmp_path, capsys):
    """``description: >`` to ``>-`` changes only the text's final line break: layout, not the workload."""
    root = tmp_path / "repo"
    (root / "workloads").mkdir(parents=True)
    workload = root / "workloads" / "contract.yaml"
    shutil.copyfile(EXAMPLES / "contract-risk-review.yaml", workload)
    record = adr(capsys, workload, root / "docs" / "decisions")
    edit(workload, "description: >\n", "description: >-\n")
    code_, out, _ = run_verify(capsys, record, "--format", "json")
    (entry,) = json.loads(out)["records"]
    assert code_ == 0 and (entry["workload_file_state"], entry["changes"]) == ("unchanged", [])


def test_two_long_texts_that_start_alike_are_shown_where_they_differ(capsys, recorded):
    workload, record = recorded
    edit(workload, "reads the answer as it appears", "reads the reply as it appears")
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 0
    assert out.splitlines()[1] == (
        "    the workload changed since the record: description at character 60: '...d reads the answer as it"
        " appears.' -> '...d reads the reply as it appears.'"
    )


def test_a_very_long_workload_path_is_shortened_where_a_message_names_it(capsys, recorded):
    _, record = recorded
    named = "../" * 3000 + "chat.yaml"
    edit(record, KEY, f"  workload_file: {named}\n")
    reseal(record)
    _, out, _ = run_verify(capsys, record, "--format", "json")
    (entry,) = json.loads(out)["records"]
    assert entry["workload_file"] == named  # as the record names it
    (note,) = entry["changes"]
    assert len(note) < 400 and ("../" * 19 + "...") in note and note.count("chat.yaml") == 1


# -- the recorded mode meets its contract, or no longer does -----------------------------------------


def infeasible_reason(workload: Path) -> str:
    """Why `advisor recommend` says the workload's decision is not feasible as specified."""
    reason = assess(load_profile(workload), price_date=datetime.date.fromisoformat(PRICE_DATE)).infeasible_reason
    assert reason is not None
    return reason


def test_a_budget_cut_below_the_first_token_drifts_though_the_mode_is_the_same(capsys, recorded):
    """The record's central claim, that streaming meets its contract, is false once the budget is
    cut below the first token: the same mode, but not the decision the record describes."""
    workload, record = recorded
    edit(workload, "latency_budget_s: 2.5", "latency_budget_s: 0.3")
    reason = infeasible_reason(workload)
    assert reason.startswith("The first token arrives at ")
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 1
    assert out.splitlines()[:3] == [
        headline(record, "DRIFTED (streaming still chosen, but not feasible as specified now)"),
        f"    not feasible as specified now: {reason}",
        "    the workload changed since the record: latency_budget_s 2.5 -> 0.3",
    ]
    # The next step, with the record's own file, folder and number.
    assert out.splitlines()[-2] == (
        "    to record it again from its workload file and retire this record:"
        f" advisor adr {workload} --dir {record.parent} --supersedes 1"
    )
    code_, out, _ = run_verify(capsys, record, "--format", "json")
    (entry,) = json.loads(out)["records"]
    assert (entry["status"], entry["recorded_mode"], entry["current_mode"]) == ("drifted", "streaming", "streaming")
    assert (entry["recorded_feasible"], entry["current_feasible"]) == (True, False)
    assert entry["current_infeasible_reason"] == reason
    assert entry["next_step"] == f"advisor adr {workload} --dir {record.parent} --supersedes 1"
    assert f"not feasible as specified now: {reason}" in entry["changes"]
    code_, out, _ = run_verify(capsys, record, "--format", "github")
    annotation = next(line for line in out.splitlines() if line.startswith("::error "))
    assert f"title=advisor verify%3A drifted::{record}: DRIFTED (streaming still chosen, but not feasible" in annotation
    assert f"%0Anot feasible as specified now: {reason}" in annotation


def test_a_record_of_a_decision_not_feasible_drifts_when_it_becomes_feasible(tmp_path, capsys):
    root = repo(tmp_path / "repo")
    workload = root / "workloads" / "chat.yaml"
    edit(workload, "latency_budget_s: 2.5", "latency_budget_s: 0.3")
    record = adr(capsys, workload, root / "docs" / "decisions")
    assert "Not feasible as specified" in record.read_text(encoding="utf-8")
    assert run_verify(capsys, record)[0] == 0  # not feasible then, not feasible now: it holds as written
    edit(workload, "latency_budget_s: 0.3", "latency_budget_s: 2.5")
    code_, out, _ = run_verify(capsys, record)
    assert code_ == 1
    assert out.splitlines()[:2] == [
        headline(record, "DRIFTED (streaming still chosen, and feasible now, which the record says it was not)"),
        "    streaming now meets its contract: the record says it was not feasible as specified",
    ]
    (result,) = verify(record, price_date=PRICE_DATE)
    assert (result.recorded_feasible, result.current_feasible, result.current_infeasible_reason) == (False, True, None)


def test_the_next_step_is_said_from_the_working_folder_with_the_rule_set_in_use(tmp_path, capsys, monkeypatch):
    """Run from the repository's top, as CI runs it: the command names the file, the folder and the
    rule set as that folder sees them, and leaves out adr's defaults."""
    root = repo(tmp_path / "repo")
    ours = root / "our-rules"
    shutil.copytree(ROOT / "rules", ours)
    workload = root / "workloads" / "chat.yaml"
    adr(capsys, workload, root / "docs" / "decisions", "--rules", ours)
    edit(workload, "requests_per_month: 400000", "requests_per_month: 4000000")
    monkeypatch.chdir(root)
    code_, out, _ = run_verify(capsys, "--rules", "our-rules")
    assert code_ == 1
    assert out.splitlines()[-2] == (
        "    to record it again from its workload file and retire this record:"
        " advisor adr workloads/chat.yaml --rules our-rules --supersedes 1"
    )
    # And under a record that holds against a changed file, the same command, not FILE and N.
    edit(workload, "requests_per_month: 4000000", "requests_per_month: 410000")
    code_, out, _ = run_verify(capsys, "--rules", "our-rules")
    assert code_ == 0
    assert out.splitlines()[2] == (
        "    the decision and monthly costs still hold, but the record's figures come from the workload as it was:"
        " record it again with advisor adr workloads/chat.yaml --rules our-rules --supersedes 1"
    )


# -- a second record about one workload file -------------------------------------------------------------


def test_adr_writes_a_second_record_about_a_file_and_names_the_one_in_force(tmp_path, capsys):
    root = repo(tmp_path / "repo")
    workload, folder = root / "workloads" / "chat.yaml", root / "docs" / "decisions"
    adr(capsys, workload, folder)  # 1, superseded by 2
    adr(capsys, workload, folder, "--supersedes", "1")  # 2, in force
    other = adr(capsys, workload, folder, "--status", "deprecated")  # 3, retired by its own status
    assert other.name.startswith("0003-")
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", folder, *FIXED)
    assert code_ == 0
    written = Path(out.strip())
    assert written.name.startswith("0004-") and written.is_file()  # written all the same: never refused
    assert err == (f"record 2 is about this workload file: pass --supersedes 2 to replace it (remove {written.name}"
                   " and run again with it); as written, both are in force\n")
    # Superseding the one in force says nothing more; nor does a record about another file.
    written.unlink()
    code_, _, err = run_cli(capsys, "adr", workload, "--dir", folder, "--supersedes", "2", *FIXED)
    assert code_ == 0 and err == ""
    shutil.copyfile(workload, root / "workloads" / "other.yaml")
    code_, _, err = run_cli(capsys, "adr", root / "workloads" / "other.yaml", "--dir", folder, *FIXED)
    assert code_ == 0 and err == ""


def test_verify_and_review_say_two_records_in_force_about_one_file_and_how_to_retire_the_older(tmp_path, capsys):
    root = repo(tmp_path / "repo")
    workload, folder = root / "workloads" / "chat.yaml", root / "docs" / "decisions"
    adr(capsys, workload, folder)  # 1, superseded by 2: not in force
    adr(capsys, workload, folder, "--supersedes", "1")  # 2
    adr(capsys, workload, folder, "--status", "deprecated")  # 3, retired by its own status
    newest = adr(capsys, workload, folder)  # 4: 2 and 4 are in force
    older = next(folder.glob("0002-*.md"))
    shutil.copyfile(workload, root / "workloads" / "other.yaml")
    adr(capsys, root / "workloads" / "other.yaml", folder)  # 5, alone about its file
    said = (f"records 2 and 4 in {folder} are both in force about {workload}: retire the older, record 2: mark it"
            " superseded by record 4 (MADR: 'status: superseded by ADR-0004' in its front matter; Nygard:"
            " 'Superseded by ADR-0004' as its status), or set its status to deprecated")
    code_, out, _ = run_verify(capsys, folder)
    # Each record holds on its own: said, one line before the count, and CI is not failed for it.
    assert code_ == 0 and out.splitlines()[-2:] == [
        said, "3 records: 3 holds, 0 drifted, 0 inconsistent, 0 unverifiable; 1 superseded; 1 deprecated"
    ]
    code_, out, _ = run_verify(capsys, folder, "--format", "json")
    assert code_ == 0 and json.loads(out)["several_records_in_force"] == [
        {"workload_file": str(workload), "records": [str(older), str(newest)], "older": [str(older)], "fix": said}
    ]
    code_, out, _ = run_verify(capsys, folder, "--format", "github")
    assert code_ == 0 and (f"::warning file={older.relative_to(tmp_path).as_posix()},title=advisor verify%3A two records in force::{said}"
                           in out.splitlines())
    # The review says it under its count of the records, and in its JSON.
    code_, out, _ = run_cli(capsys, "review", root / "workloads", "--decisions", folder, "--price-date", PRICE_DATE)
    assert code_ == 0 and f"\n\nR{said[1:]}.\n" in out.replace("\\_", "_")  # (Markdown: "_" escaped)
    code_, out, _ = run_cli(capsys, "review", root / "workloads", "--decisions", folder, "--format", "json",
                            "--price-date", PRICE_DATE)
    assert code_ == 0 and [s["older"] for s in json.loads(out)["several_records_in_force"]] == [[str(older)]]
    # Marked superseded by the newest, as the line says, the older is retired and nothing is said.
    edit(older, "status: proposed", "status: superseded by ADR-0004")
    code_, out, _ = run_verify(capsys, folder)
    assert code_ == 0 and f"{older}: superseded by record 4" in out and "in force about" not in out
    code_, out, _ = run_verify(capsys, folder, "--format", "json")
    assert json.loads(out)["several_records_in_force"] == []


def test_two_nygard_records_in_force_and_the_status_line_that_retires_the_older(tmp_path, capsys):
    root = repo(tmp_path / "repo")
    workload, folder = root / "workloads" / "chat.yaml", root / "docs" / "decisions"
    older = adr(capsys, workload, folder, "--template", "nygard")
    adr(capsys, workload, folder, "--template", "nygard")
    code_, out, _ = run_verify(capsys, folder)
    assert code_ == 0 and "'Superseded by ADR-0002' as its status" in out
    edit(older, "## Status\n\nProposed\n", "## Status\n\nSuperseded by ADR-0002\n")
    code_, out, _ = run_verify(capsys, folder)
    assert code_ == 0 and f"{older}: superseded by record 2" in out and "in force about" not in out


def test_records_in_two_folders_about_one_file_are_said_and_deprecated_is_the_way_out(tmp_path, capsys):
    root = repo(tmp_path / "repo")
    workload = root / "workloads" / "chat.yaml"
    first = adr(capsys, workload, root / "docs" / "decisions")
    second = adr(capsys, workload, root / "services" / "chat" / "decisions")
    code_, out, _ = run_verify(capsys, root / "services", root / "docs")  # (the later folder first)
    assert code_ == 0 and (f"{first} and {second} are both in force about {workload}: retire each one no longer"
                           " meant (records in different folders, or not numbered, cannot supersede each other): set"
                           " its status to deprecated") in out


def test_the_workload_files_annotation_is_named_from_the_top_of_the_records_repository(tmp_path, capsys):
    # Wherever verify runs from: a pull request names its files from the repository's top.
    workload = repo(tmp_path / "repo") / "workloads" / "chat.yaml"
    record = adr(capsys, workload, tmp_path / "repo" / "docs" / "decisions")
    (tmp_path / "repo" / ".git").mkdir()  # the repository is now repo/ (the record's path is inside it)
    edit(workload, "requests_per_month: 400000", "requests_per_month: 4000000")
    code_, out, _ = run_verify(capsys, record, "--format", "github")
    assert code_ == 1 and out.startswith("::error file=workloads/chat.yaml,line=10,")
