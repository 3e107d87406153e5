"""Nothing a user has is overwritten or lost: every command that writes a file refuses an
existing path unless --force, refuses its own inputs even with --force, never replaces a
symbolic link, and writes whole or not at all."""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
from pathlib import Path

import pytest

from advisor.core.errors import InputError
from advisor.core.files import write_output
from advisor.core.rules import default_rules_dir

from .conftest import EXAMPLES, PRICE_DATE, run_cli

CHATBOT = EXAMPLES / "chatbot.yaml"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with two workloads and a copy of the default rule set, as the current folder."""
    shutil.copy(CHATBOT, tmp_path / "chatbot.yaml")
    shutil.copy(EXAMPLES / "gray-zone-30s.yaml", tmp_path / "gray.yaml")
    shutil.copytree(default_rules_dir(), tmp_path / "rules")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: a file's bytes, a link's target."""
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[key] = "-> " + os.readlink(path)
        elif path.is_file():
            out[key] = path.read_bytes()
    return out


# The writing commands, each with the file it writes and the inputs it reads.
WRITERS = {
    "review": (["review", "chatbot.yaml", "gray.yaml", "--price-date", PRICE_DATE, "-o"], ["chatbot.yaml", "gray.yaml"]),
    "rules docs": (["rules", "docs", "rules", "-o"], ["rules/ruleset.yaml", "rules/latency.yaml"]),
    "init": (["init"], []),
}


@pytest.mark.parametrize("command", WRITERS)
def test_an_existing_file_is_refused_without_force_and_replaced_with_it(workspace, capsys, command):
    argv, _ = WRITERS[command]
    target = workspace / "out.txt"
    target.write_text("mine\n")
    code, _, err = run_cli(capsys, *argv, target)
    assert code == 2 and "already exists; pass --force" in err
    assert target.read_text() == "mine\n"
    code, _, err = run_cli(capsys, *argv, target, "--force")
    assert code == 0, err
    assert target.read_text() != "mine\n" and len(target.read_text()) > 100
    assert sorted(p.name for p in workspace.iterdir() if p.name.startswith(".advisor-")) == []  # no temp file


@pytest.mark.parametrize("command", [c for c in WRITERS if WRITERS[c][1]])
def test_an_input_is_refused_even_with_force_whatever_names_it(workspace, capsys, command):
    argv, inputs = WRITERS[command]
    before = snapshot(workspace)
    (workspace / "sub").mkdir()
    os.symlink(workspace / inputs[0], workspace / "sub" / "link.yaml")  # the link itself is refused too
    os.link(workspace / inputs[-1], workspace / "hard.yaml")
    for name in (inputs[0], f"sub/../{inputs[-1]}", "hard.yaml", str(workspace / inputs[0])):
        code, out, err = run_cli(capsys, *argv, name, "--force")
        assert code == 2, (name, out, err)
        assert "is one of this command's inputs" in err and "even with --force" in err
    after = snapshot(workspace)
    assert {k: v for k, v in after.items() if k in before} == before


@pytest.mark.parametrize("command", WRITERS)
def test_a_symbolic_link_is_never_replaced_nor_written_through(workspace, capsys, command):
    argv, _ = WRITERS[command]
    real = workspace / "real.md"
    real.write_text("the real file\n")
    (workspace / "link.md").symlink_to(real)
    (workspace / "dangling.md").symlink_to(workspace / "nowhere.md")
    for name in ("link.md", "dangling.md"):
        code, _, err = run_cli(capsys, *argv, name, "--force")
        assert code == 2 and "is a symbolic link" in err, err
    assert (workspace / "link.md").is_symlink() and os.readlink(workspace / "link.md") == str(real)
    assert (workspace / "dangling.md").is_symlink() and not (workspace / "nowhere.md").exists()
    assert real.read_text() == "the real file\n"


@pytest.mark.parametrize("command", WRITERS)
def test_a_folder_or_a_missing_folder_is_refused_before_any_work(workspace, capsys, command):
    argv, _ = WRITERS[command]
    (workspace / "folder").mkdir()
    for name, message in (("folder", "is a folder"), ("missing/out.md", "does not exist")):
        code, _, err = run_cli(capsys, *argv, name)
        assert code == 2 and message in err, err
    assert not (workspace / "missing").exists()


@pytest.mark.parametrize("command", WRITERS)
def test_a_fifo_or_a_socket_is_never_replaced_by_a_file(workspace, capsys, command):
    """As /dev/null would be, run as root: --force replaces files, not what is no file."""
    argv, _ = WRITERS[command]
    os.mkfifo(workspace / "fifo.md")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind("sock.md")
        for name, kind in (("fifo.md", "a FIFO"), ("sock.md", "a socket")):
            for force in ([], ["--force"]):
                code, _, err = run_cli(capsys, *argv, name, *force)
                assert code == 2 and f"is {kind}, not a regular file" in err, err
        assert stat.S_ISFIFO((workspace / "fifo.md").lstat().st_mode)
        assert stat.S_ISSOCK((workspace / "sock.md").lstat().st_mode)


@pytest.mark.parametrize("command", ["review", "rules docs"])
def test_a_dash_prints_and_an_empty_name_is_refused(workspace, capsys, command):
    """As for calibrate and init: -o - prints (no file named "-"); -o "" (an unset variable in
    a script) is an error, not a report printed where a file was expected."""
    argv, _ = WRITERS[command]
    before = snapshot(workspace)
    code, out, err = run_cli(capsys, *argv, "-")
    assert code == 0 and out.startswith("#"), err
    assert not (workspace / "-").exists()
    with pytest.raises(SystemExit) as exit_:
        run_cli(capsys, *argv, "")
    assert exit_.value.code == 2 and "expected a path, got an empty string" in capsys.readouterr().err
    assert snapshot(workspace) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["adr", "chatbot.yaml", "--dir", ""],
        ["adr", "chatbot.yaml", "--template", ""],
        ["verify", ""],
        ["review", ""],
        ["review", "chatbot.yaml", "--decisions", ""],
        ["recommend", "chatbot.yaml", "--rules", ""],
        ["recommend", ""],
        ["map", "", "--x", "interaction", "--y", "downstream"],
        ["rules", "check", ""],
        ["rules", "docs", ""],
        ["calibrate", "", "-o", "out.yaml"],
        ["calibrate", "traces.jsonl", "--into", "", "-o", "out.yaml"],
        ["init", ""],
    ],
    ids=lambda argv: " ".join(a or "''" for a in argv),
)
def test_an_empty_path_is_a_usage_error_not_the_current_folder(workspace, capsys, argv):
    """An unset variable in a script (--dir "$DIR") must not write a record into the current
    folder, review or verify the whole of it, or fall back on the default rule set."""
    before = snapshot(workspace)
    with pytest.raises(SystemExit) as exit_:
        run_cli(capsys, *argv)
    out, err = capsys.readouterr()
    assert exit_.value.code == 2 and out == ""
    assert "expected a path, got an empty string" in err, err
    assert snapshot(workspace) == before


def test_adr_never_overwrites_and_explains_a_bad_decisions_folder(workspace, capsys):
    code, out, err = run_cli(capsys, "adr", "chatbot.yaml", "--dir", "decisions", "--price-date", PRICE_DATE)
    assert code == 0
    assert err == "created the decisions folder decisions: it did not exist\n"  # a typo shows
    first = Path(out.strip())
    text = first.read_bytes()
    code, out, err = run_cli(capsys, "adr", "chatbot.yaml", "--dir", "decisions", "--price-date", PRICE_DATE)
    assert code == 0 and Path(out.strip()) != first and first.read_bytes() == text  # the next number
    assert err.startswith("record 1 is about this workload file: pass --supersedes 1")  # both in force: said
    (workspace / "dangling").symlink_to(workspace / "nowhere")
    code, _, err = run_cli(capsys, "adr", "chatbot.yaml", "--dir", "dangling")
    assert code == 2 and "is a symbolic link to" in err and "which does not exist" in err
    assert "File exists" not in err
    code, _, err = run_cli(capsys, "adr", "chatbot.yaml", "--dir", "chatbot.yaml")
    assert code == 2 and "is a file, not a folder" in err


def test_init_writes_a_starter_that_recommend_accepts_and_keeps_it(workspace, capsys):
    code, _, err = run_cli(capsys, "init", "mine.yaml")
    assert code == 0 and "advisor recommend mine.yaml" in err
    text = (workspace / "mine.yaml").read_text()
    assert text.count("\n#") > 20  # commented
    code, out, err = run_cli(capsys, "recommend", "mine.yaml")
    assert code == 0 and err == "" and out.startswith("Support reply draft: ")
    (workspace / "mine.yaml").write_text(text + "current_mode: sync\n")
    code, _, err = run_cli(capsys, "init", "mine.yaml")
    assert code == 2 and "already exists" in err
    assert (workspace / "mine.yaml").read_text().endswith("current_mode: sync\n")
    code, out, _ = run_cli(capsys, "init", "-")
    assert code == 0 and out == text


def test_the_starter_explains_every_field_a_user_writes(workspace, capsys):
    """Every workload field, its steps' and its cost overrides' fields, is in the starter
    (evidence is calibrate's to write); its commented cost overrides, uncommented, are valid."""
    import yaml

    from advisor.core.profile import CostOptions, Step, WorkloadProfile

    run_cli(capsys, "init", "mine.yaml")
    text = (workspace / "mine.yaml").read_text()
    named = set(re.findall(r"^#?\s*(?:-\s*)?(\w+):", text, re.MULTILINE))
    fields = {*WorkloadProfile.model_fields, *Step.model_fields, *CostOptions.model_fields} - {"evidence"}
    assert fields - named == set()
    costs = re.search(r"^# costs:\n((?:#   .*\n)+)", text, re.MULTILINE)
    assert costs is not None
    block = "".join(line[2:] + "\n" for line in costs.group(1).splitlines())
    assert CostOptions.model_validate(yaml.safe_load(block)).amortisation_months == 36


def test_a_failed_write_leaves_nothing_behind(workspace, monkeypatch):
    target = workspace / "report.md"
    target.write_text("old\n")

    def full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(InputError, match="No space left on device"):
        write_output(target, "new\n", force=True)
    assert target.read_text() == "old\n"
    monkeypatch.setattr(os, "fsync", lambda fd: full(fd, fd))
    with pytest.raises(InputError, match="No space left on device"):
        write_output(workspace / "fresh.md", "new\n")
    assert not (workspace / "fresh.md").exists()
    assert [p.name for p in workspace.iterdir() if p.name.startswith(".advisor-")] == []


def test_the_review_refuses_a_decision_record_it_reads(workspace, capsys):
    code, out, _ = run_cli(capsys, "adr", "chatbot.yaml", "--dir", "decisions", "--price-date", PRICE_DATE)
    record = Path(out.strip())
    before = record.read_bytes()
    code, _, err = run_cli(
        capsys, "review", "chatbot.yaml", "--decisions", "decisions", "-o", str(record), "--force"
    )
    assert code == 2 and "is one of this command's inputs" in err
    assert record.read_bytes() == before


@pytest.fixture
def nothing_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that names the shipped rule set's own files as an output may not write them if it fails."""
    from advisor.core import files

    def refuse(path, *args, **kwargs):
        pytest.fail(f"wrote {path}")

    monkeypatch.setattr(files, "write_atomic", refuse)
    monkeypatch.setattr(files, "create_exclusive", refuse)


@pytest.mark.parametrize("how", ["--rules", "ADVISOR_RULES", "extends", "default"])
def test_the_review_refuses_a_file_of_the_rule_set_it_reads(workspace, capsys, monkeypatch, nothing_written, how):
    review = ["review", "chatbot.yaml", "--price-date", PRICE_DATE]
    if how == "--rules":
        review += ["--rules", "rules"]
        target = workspace / "rules" / "latency.yaml"
    elif how == "ADVISOR_RULES":
        monkeypatch.setenv("ADVISOR_RULES", "rules")
        target = workspace / "rules" / "catalogue.yaml"
    elif how == "extends":  # a file of the rule set it builds on is as much an input
        shutil.copytree(EXAMPLES / "rules-cost-first", workspace / "ours")
        header = workspace / "ours" / "ruleset.yaml"
        header.write_text(header.read_text(encoding="utf-8").replace("extends: default", "extends: ../rules"))
        review += ["--rules", "ours"]
        target = workspace / "rules" / "ruleset.yaml"
    else:
        target = default_rules_dir() / "latency.yaml"
    before = snapshot(workspace)
    shipped = target.read_bytes()
    code, _, err = run_cli(capsys, *review, "-o", target, "--force")
    assert code == 2, err
    assert err == (f"advisor: error: {target}: option --output: is one of this command's inputs ({target}); "
                   "advisor never writes over its input, even with --force\n")
    assert snapshot(workspace) == before and target.read_bytes() == shipped


@pytest.mark.parametrize("command", WRITERS)
def test_a_path_through_a_file_says_the_file_is_no_folder(workspace, capsys, command):
    argv, _ = WRITERS[command]
    code, _, err = run_cli(capsys, *argv, "chatbot.yaml/out.md", "--force")
    assert code == 2
    assert err.startswith("advisor: error: chatbot.yaml/out.md: ")
    assert err.endswith(": cannot write into chatbot.yaml: it is a file, not a folder\n"), err


@pytest.mark.parametrize("command", WRITERS)
def test_a_name_ending_in_a_slash_is_refused_not_written_without_it(workspace, capsys, command):
    """A trailing slash names a folder: no file is written under the name without it."""
    argv, _ = WRITERS[command]
    option = "" if command == "init" else "option --output: "
    before = snapshot(workspace)
    for name in ("newdir/", "report.md/"):
        for force in ([], ["--force"]):
            code, _, err = run_cli(capsys, *argv, name, *force)
            assert code == 2
            assert err == (f"advisor: error: {name}: {option}ends in a slash, so it names a folder; "
                           "give the name of the file to write\n")
    assert snapshot(workspace) == before and not (workspace / "newdir").exists()


def test_a_file_that_appears_while_the_output_is_made_is_kept_and_force_is_named(workspace):
    """Two runs with one -o: the loser keeps the winner's file and is told what --force would do."""
    target = workspace / "report.md"

    def made_meanwhile():
        yield "mine\n"
        target.write_text("the other run's\n")
        yield "more\n"

    with pytest.raises(InputError) as caught:
        write_output(target, made_meanwhile(), what="report")
    assert str(caught.value) == (f"{target}: option --output: already exists (it appeared while this report was "
                                 "being made); pass --force to replace it")
    assert target.read_text() == "the other run's\n"
    assert [p.name for p in workspace.iterdir() if p.name.startswith(".advisor-")] == []
