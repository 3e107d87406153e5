"""Record numbers under concurrency, and `--supersedes` taking only what it should.

Parallel `advisor adr` runs into one folder each get a number of their own (a number is
reserved by exclusive creation; a taken one makes a run try the next), nothing is
overwritten, and superseding is strict: ASCII digits of one existing regular file, about
the same workload unless --force, never twice.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from advisor import assess, load_profile, write_adr
from advisor.core.errors import InputError
from advisor.records.folder import find_record, is_superseded
from advisor.records.inputs import read_inputs

from .conftest import EXAMPLES, PRICE_DATE, run_cli
from .test_records import FIXED, write_record

WORKLOADS = sorted(EXAMPLES.glob("*.yaml"))


def numbers(folder: Path) -> list[int]:
    return sorted(int(p.name[:4]) for p in folder.glob("*.md"))


def test_eight_parallel_adr_runs_get_eight_numbers(tmp_path):
    folder = tmp_path / "decisions"
    workloads = WORKLOADS[:8]
    assert len(workloads) == 8
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    for round_ in range(3):
        runs = [
            subprocess.Popen(
                [sys.executable, "-m", "advisor.cli", "adr", str(w), "--dir", str(folder), *FIXED],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            )
            for w in workloads
        ]
        outputs = [run.communicate(timeout=120) for run in runs]
        assert [run.returncode for run in runs] == [0] * 8, [err for _, err in outputs]
        written = [Path(out.strip()) for out, _ in outputs]
        assert len(set(written)) == 8
        assert numbers(folder) == list(range(1, 8 * (round_ + 1) + 1)), "numbers are distinct and without gaps"
    # Nothing was overwritten: each file holds the workload its run wrote, and no reservation is left.
    names = sorted(load_profile(w).name for w in workloads) * 3
    held = [read_inputs(p.read_text(encoding="utf-8"), str(p)).workload.name for p in sorted(folder.glob("*.md"))]
    assert sorted(held) == sorted(names)
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_threads_writing_at_once_get_distinct_numbers(tmp_path):
    a = assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=datetime.date(2026, 11, 1))
    paths: list[Path] = []
    errors: list[BaseException] = []
    start = threading.Barrier(16)

    def write() -> None:
        try:
            start.wait()
            paths.append(write_adr(a, tmp_path, date="2026-11-23"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert numbers(tmp_path) == list(range(1, 17))
    assert len({p.name for p in paths}) == 16


def test_a_stale_reservation_is_taken_over(tmp_path, capsys):
    stale = tmp_path / ".0001.advisor-reserved"
    stale.write_text("")
    old = datetime.datetime.now().timestamp() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".0002.advisor-reserved"
    fresh.write_text("")  # another run is writing record 2 right now
    path = write_record(capsys, "chatbot", tmp_path)
    assert path.name.startswith("0001-")
    assert not stale.exists() and fresh.exists()
    fresh.unlink()
    assert write_record(capsys, "chatbot", tmp_path).name.startswith("0002-")


# -- --supersedes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [" 1", "1 ", "\u0661", "+1", "-1", "0", "1.0", "01x", "", "²"])
def test_supersedes_takes_ascii_digits_only(tmp_path, capsys, value):
    old = write_record(capsys, "chatbot", tmp_path)
    before = old.read_bytes()
    with pytest.raises(SystemExit) as exit_:
        run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, "--supersedes", value, *FIXED)
    assert exit_.value.code == 2
    assert "--supersedes" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == [old.name] and old.read_bytes() == before


def test_supersedes_with_leading_zeros_names_the_same_record(tmp_path, capsys):
    write_record(capsys, "chatbot", tmp_path)
    new = write_record(capsys, "chatbot", tmp_path, "--supersedes", "0001")
    assert new.name.startswith("0002-")


def test_supersedes_refuses_a_record_about_another_workload_unless_forced(tmp_path, capsys):
    old = write_record(capsys, "chatbot", tmp_path)
    before = old.read_bytes()
    code_, out, err = run_cli(capsys, "adr", EXAMPLES / "nightly-ticket-triage.yaml", "--dir", tmp_path,
                              "--supersedes", "1", *FIXED)
    assert code_ == 2 and out == ""
    assert "record 1 is about 'Customer chatbot', not 'Nightly ticket classification'" in err
    assert "--force" in err
    assert [p.name for p in tmp_path.iterdir()] == [old.name] and old.read_bytes() == before
    new = write_record(capsys, "nightly-ticket-triage", tmp_path, "--supersedes", "1", "--force")
    assert is_superseded(old.read_text(encoding="utf-8")) and new.name.startswith("0002-")


def test_force_without_supersedes_is_refused_before_any_record_is_written(tmp_path, capsys):
    # `adr FILE --force` wrote the next record as if --force meant nothing; elsewhere --force
    # replaces a file, so it read as "overwrite the record".
    code_, out, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, "--force", *FIXED)
    assert (code_, out) == (2, "")
    assert err == "advisor: error: --force only applies with --supersedes (a record is never overwritten)\n"
    assert list(tmp_path.iterdir()) == []
    assessment = assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=PRICE_DATE, what_if=False)
    with pytest.raises(InputError, match=r"^field 'force': only applies with supersedes"):
        write_adr(assessment, tmp_path, force=True)
    assert list(tmp_path.iterdir()) == []


def test_a_hand_written_record_can_be_superseded(tmp_path, capsys):
    (tmp_path / "0001-use-sync-calls.md").write_text("# 1. Use sync calls\n\nDate: 2026-01-01\n\n## Status\n\nAccepted\n")
    write_record(capsys, "chatbot", tmp_path, "--template", "nygard", "--supersedes", "1")
    assert "Superseded by [2. Customer chatbot" in (tmp_path / "0001-use-sync-calls.md").read_text()


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_superseding_twice_is_refused(tmp_path, capsys, template):
    old = write_record(capsys, "chatbot", tmp_path, "--template", template)
    write_record(capsys, "chatbot", tmp_path, "--template", template, "--supersedes", "1")
    marked = old.read_bytes()
    code_, _, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, "--template", template,
                            "--supersedes", "1", *FIXED)
    assert code_ == 2 and "record 1 is already superseded by record 2; supersede that one instead" in err
    assert old.read_bytes() == marked
    assert old.read_text(encoding="utf-8").count("Superseded by") == 1
    assert numbers(tmp_path) == [1, 2]


def test_the_adr_tools_superceded_spelling_counts_as_superseded(tmp_path, capsys):
    old = write_record(capsys, "chatbot", tmp_path, "--template", "nygard")
    old.write_text(old.read_text(encoding="utf-8").replace(
        "\nProposed\n", "\nSuperceded by [2. Move to async](0002-move-to-async.md)\n"))
    code_, _, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, "--supersedes", "1", *FIXED)
    assert code_ == 2 and "already superseded by record 2" in err


def test_a_symlinked_record_is_refused_and_stays_a_link(tmp_path, capsys):
    shared = tmp_path / "shared"
    target = write_record(capsys, "chatbot", shared)
    folder = tmp_path / "decisions"
    folder.mkdir()
    link = folder / "0001-customer-chatbot-stream-the-answer.md"
    link.symlink_to(target)
    before = target.read_bytes()
    code_, _, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", folder, "--supersedes", "1", *FIXED)
    assert code_ == 2 and "is a symbolic link" in err
    assert link.is_symlink() and target.read_bytes() == before
    assert [p.name for p in folder.iterdir()] == [link.name]


def test_two_records_with_one_number_must_be_renumbered_first(tmp_path, capsys):
    write_record(capsys, "chatbot", tmp_path)
    (tmp_path / "0001-other.md").write_text("# 1. Other\n\n## Status\n\nAccepted\n")
    with pytest.raises(InputError, match=r"2 records are numbered 1 \(0001-customer-chatbot-stream-the-answer.md, "
                                         r"0001-other.md\)"):
        find_record(tmp_path, 1)
    code_, _, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, "--supersedes", "1", *FIXED)
    assert code_ == 2 and "give one of them a free number first" in err


@pytest.mark.parametrize("bad", [0, -3, True, "1"])
def test_write_adr_checks_supersedes_too(tmp_path, bad):
    a = assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=datetime.date(2026, 11, 1))
    with pytest.raises(InputError, match="supersedes"):
        write_adr(a, tmp_path, supersedes=bad)


# -- statuses and people -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["proposed", "accepted", "rejected", "deprecated", "superseded"])
def test_every_madr_status(tmp_path, capsys, status):
    madr = write_record(capsys, "chatbot", tmp_path / "m", "--status", status)
    front = yaml.safe_load(madr.read_text(encoding="utf-8").split("---\n")[1])
    assert front["status"] == status
    nygard = write_record(capsys, "chatbot", tmp_path / "n", "--status", status, "--template", "nygard")
    assert nygard.read_text(encoding="utf-8").split("\n")[6] == status.capitalize()


def test_an_unknown_status_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, "--status", "maybe")
    assert "invalid choice: 'maybe'" in capsys.readouterr().err


def test_people_fill_the_front_matter(tmp_path, capsys):
    odd = 'Zoë "Z" O\'Neil: lead, ] [ # {x}'
    path = write_record(
        capsys, "chatbot", tmp_path, "--decision-makers", "Ana Lima, Ben Okafor", "--decision-makers", "Chen Wu",
        "--consulted", "Platform team", "--informed", odd.replace(",", ""),
    )
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert front["decision-makers"] == ["Ana Lima", "Ben Okafor", "Chen Wu"]
    assert front["consulted"] == ["Platform team"]
    assert front["informed"] == [odd.replace(",", "")]
    nygard = write_record(capsys, "chatbot", tmp_path / "n", "--template", "nygard", "--consulted", "Platform team")
    assert "\nConsulted: Platform team.\n" in nygard.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        # "José" typed in a Latin-1 terminal: Python reads the byte it can't decode as a lone surrogate.
        (os.fsdecode(b"Jos\xe9"), "must be Unicode text"),
        ("Eve\u202e", "must not contain bidirectional control characters"),
        ("Eve\x1b[2J", "must be one line of text"),
    ],
)
def test_a_name_no_record_can_hold_is_refused(name, message, tmp_path, capsys):
    code, out, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path / "d", "--consulted", name)
    assert (code, out) == (2, "")
    assert err.startswith("advisor: error: field 'consulted': ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "d").exists()


def test_no_people_means_empty_lists(tmp_path, capsys):
    path = write_record(capsys, "chatbot", tmp_path)
    front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
    assert (front["decision-makers"], front["consulted"], front["informed"]) == ([], [], [])
    assert not re.search(r"^Decision-makers:", path.read_text(), re.MULTILINE)


def test_every_markdown_name_with_a_number_holds_it(tmp_path, capsys):
    """verify reads .MD and .markdown records: adr numbers past them, and past a link (even one to
    nothing) or a folder with such a name, which hold their number as well."""
    folder = tmp_path / "decisions"
    folder.mkdir()
    (folder / "0001-use-postgres.MD").write_text("---\nstatus: accepted\n---\n\n# Use Postgres\n", encoding="utf-8")
    assert write_record(capsys, "chatbot", folder).name.startswith("0002-")
    (folder / "0003-queue.Markdown").write_text("# Use a queue\n", encoding="utf-8")
    (folder / "0004-gone.md").symlink_to("nowhere.md")
    (folder / "0005-a-folder.md").mkdir()
    assert write_record(capsys, "chatbot", folder).name.startswith("0006-")
    assert find_record(folder, 3).name == "0003-queue.Markdown"
    # --supersedes finds the .MD record, and verify sees its successor.
    code_, _, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", folder, "--supersedes", "1", *FIXED)
    assert code_ == 0, err
    assert is_superseded((folder / "0001-use-postgres.MD").read_text(encoding="utf-8"))


def test_a_successor_named_markdown_counts(tmp_path, capsys):
    from advisor.records.folder import successor_exists, superseded_by

    old = write_record(capsys, "chatbot", tmp_path)
    (tmp_path / "0003-x.markdown").write_text("# Use the Batch API\n", encoding="utf-8")
    old.write_text(old.read_text(encoding="utf-8").replace(
        "# Customer chatbot: stream the answer\n",
        "# Customer chatbot: stream the answer\n\nSuperseded by [3. X](0003-x.markdown)\n", 1), encoding="utf-8")
    successor = superseded_by(old.read_text(encoding="utf-8"))
    assert successor is not None and successor_exists(old, successor)
