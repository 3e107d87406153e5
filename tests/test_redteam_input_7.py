"""Red-team round 7 on bad input: the environment a command runs in (a closed stderr, a file
name that is not UTF-8), names that become commands and file names, and the questionnaire's
uploads. Each test is a defect found, asserted as the user sees it. The report is
/work/scratch/reports/redteam-input-7.md."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from .conftest import EXAMPLES, run_cli

CHATBOT = EXAMPLES / "chatbot.yaml"
TRACES = EXAMPLES / "traces" / "rag-chat.jsonl.gz"
COMMAND = "import sys; from advisor.cli import run; sys.argv = ['advisor', *sys.argv[1:]]; run()"


def _next_command(err: str) -> list[str]:
    """The command a message ends with ("...; then: advisor recommend FILE"), as a shell reads it
    (a ";" outside quotes ends the command)."""
    lexer = shlex.shlex(err.strip().rsplit(": ", 1)[1], posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words = list(lexer)
    assert words[:2] == ["advisor", "recommend"], err
    return words[2:]


# -- the next command, as printed, names the file it wrote ---------------------------------------------
# `advisor init "my feature.yaml"` said "then: advisor recommend my feature.yaml": pasted, that
# is two files, neither there; "a;b.yaml" ran a second command, and "-x.yaml" was read as an
# option. calibrate's "next: advisor recommend FILE" the same.

@pytest.mark.parametrize("name", ["my feature.yaml", "a;b.yaml", "it's.yaml", "-dash.yaml"])
def test_init_says_a_command_that_works_as_printed(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "init", "--", name)
    assert code == 0, err
    assert (tmp_path / name).is_file()
    args = _next_command(err)
    assert args in ([name], [f"./{name}"])
    assert run_cli(capsys, "recommend", *args, "--price-date", "2026-11-01")[0] == 0


def test_calibrate_says_a_command_that_works_as_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "calibrate", TRACES, "-o", "rag chat.yaml")
    assert code == 0, err
    assert _next_command(err) == ["rag chat.yaml"]
