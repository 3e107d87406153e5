"""Red-team round 7 on bad input: the environment a command runs in (a closed stderr, a file
name that is not UTF-8), names that become commands and file names, and the questionnaire's
uploads. Each test is a defect found, asserted as the user sees it. The report is
/work/scratch/reports/redteam-input-7.md."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.views.markdown import slug

from .conftest import EXAMPLES, ROOT, run_cli

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


# -- a closed stderr ----------------------------------------------------------------------------------
# Started with standard error closed (`2>&-`), Python has no sys.stderr and print(file=None)
# writes to standard output: a warning went into the JSON on stdout (exit 0, the document not
# JSON), an error into the output a script redirected.

def _with_stderr_closed(*argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", COMMAND, *argv], stdout=subprocess.PIPE, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, pass_fds=(), timeout=120,
        preexec_fn=lambda: os.close(2),  # the child starts with no stderr, as after 2>&-
    )


def test_a_warning_with_stderr_closed_stays_out_of_the_document() -> None:
    done = _with_stderr_closed("recommend", "--format", "json", str(CHATBOT), "--price-date", "0001-01-01")
    assert done.returncode == 0
    assert json.loads(done.stdout)["workload"]["name"] == "Customer chatbot"


def test_an_error_with_stderr_closed_writes_nothing_to_stdout(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [\n", encoding="utf-8")
    done = _with_stderr_closed("recommend", str(bad))
    assert done.returncode == 2
    assert done.stdout == b""


# -- a file name that is not UTF-8, in a message ---------------------------------------------------------
# A Latin-1 "café.yaml" was named "caf\udce9.yaml" in an error: Python's stand-in for the byte,
# which names no byte a user could look for. It is shown as the byte, \xe9.

@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in a name")
def test_an_error_names_a_latin1_file_by_its_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / os.fsdecode(b"caf\xe9.yaml")
    path.write_bytes(b"name: [\n")
    code, _, err = run_cli(capsys, "recommend", path)
    assert code == 2
    assert "caf\\xe9.yaml: not valid YAML" in err
    assert "udc" not in err


# -- slugs ----------------------------------------------------------------------------------------------
# A record's file name dropped the Latin letters NFKD does not take apart: "Straße" became
# "strae", "Søknad" "sknad", "Łódź" "odz".

@pytest.mark.parametrize(
    ("title", "expected"),
    [("Straße-Assistent", "strasse-assistent"), ("Søknad", "soknad"), ("Łódź", "lodz"), ("Ærø", "aero")],
)
def test_a_record_file_name_keeps_latin_letters(title: str, expected: str) -> None:
    assert slug(title) == expected


def test_adr_names_the_file_with_the_letters_of_the_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workload = tmp_path / "w.yaml"
    workload.write_text(CHATBOT.read_text(encoding="utf-8").replace("name: Customer chatbot", "name: Straßen-Chat"),
                        encoding="utf-8")
    assert main(["adr", str(workload), "--dir", str(tmp_path / "d"), "--price-date", "2026-11-01"]) == 0
    assert [p.name for p in (tmp_path / "d").iterdir()] == ["0001-strassen-chat-stream-the-answer.md"]


# -- the questionnaire: a file of thousands of problems ---------------------------------------------------
# An uploaded file of 100,000 unknown keys (under the 1 MB bound) listed all 100,000 problems
# in one red box, 54 MB of text for the browser to draw, counted "100000 problems".

@pytest.mark.slow
def test_an_upload_of_many_problems_lists_the_first_and_counts_the_rest(at: object) -> None:
    from streamlit.testing.v1 import AppTest

    assert isinstance(at, AppTest)
    content = (
        b"name: x\ninteraction: chat\nlatency_budget_s: 2\ninput_tokens: 10\noutput_tokens: 10\n"
        b"requests_per_month: 10\nmodel: gpt-4o-mini\n" + b"".join(b"k%d: 1\n" % i for i in range(1_200))
    )
    at.file_uploader[0].set_value(("many.yaml", content, "application/yaml")).run()
    assert not at.exception
    (box,) = [e.value for e in at.error]
    assert box.startswith("That file was not loaded; it has 1,200 problems:")
    assert box.count("\n- ") == 51
    assert box.endswith("- and 1,150 more, not listed here: fix these first")


# -- a measured moment YAML reads as a timestamp -------------------------------------------------------
# `evidence.start: 0001-01-01T00:00:00+01:00` (unquoted: YAML reads a moment) is in year 0 in
# UTC: "OverflowError: date value out of range", a traceback, exit 1, from recommend and the
# API alike. And 0999-01-01T00:00:00Z was quoted back as '999-01-01T00:00:00Z' (glibc's
# strftime does not pad the year) and refused as not a UTC time.

def _with_evidence(tmp_path: Path, start: str) -> Path:
    workload = tmp_path / "measured.yaml"
    workload.write_text(
        CHATBOT.read_text(encoding="utf-8")
        + f"evidence:\n  traces: 10\n  spans: 20\n  start: {start}\n  end: 2025-03-04T10:30:08Z\n",
        encoding="utf-8",
    )
    return workload


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_measured_moment_beyond_the_calendar_is_refused_by_name(
    start: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "recommend", _with_evidence(tmp_path, start), "--price-date", "2026-11-01")
    assert (code, out) == (2, "")
    assert err == (
        f"advisor: error: {tmp_path / 'measured.yaml'}: field 'evidence.start': must be a moment between the years "
        f"0001 and 9999 in UTC (got {start})\n"
    )


def test_a_measured_moment_before_the_year_1000_keeps_its_four_digits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "recommend", _with_evidence(tmp_path, "0999-01-01T00:00:00Z"),
                             "--price-date", "2026-11-01")
    assert code == 0, err
    assert "between 0999-01-01T00:00:00Z and 2025-03-04T10:30:08Z" in out


# -- the schema under python -OO ----------------------------------------------------------------------
# Five definitions (Pricing, RateLimits, CostOptions, Step, Evidence) took their description
# from the class's docstring, which python -OO (PYTHONOPTIMIZE=2, as some container images set)
# drops: `advisor schema` printed another schema there, without them.

def test_the_schema_is_the_same_under_python_oo() -> None:
    printed = [
        subprocess.run(
            [sys.executable, *flags, "-c", COMMAND, "schema"], capture_output=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, check=True,
        ).stdout
        for flags in ((), ("-OO",))
    ]
    assert printed[0] == printed[1]
    assert json.loads(printed[1])["definitions"]["Step"]["description"].startswith("One model call of a request")


# -- a decisions folder whose name is not UTF-8 -----------------------------------------------------------
# `review --decisions` of a Latin-1 folder ("déc" as d 0xE9 c, copied from an older system)
# ended in "UnicodeEncodeError: 'utf-8' codec can't encode character '\udce9'", a traceback,
# exit 1, while linking each workload's record. The link is the folder's own bytes, %E9.

@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in a name")
def test_review_links_a_record_in_a_latin1_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chatbot.yaml").write_bytes(CHATBOT.read_bytes())
    folder = os.fsdecode(b"d\xe9c")
    assert run_cli(capsys, "adr", "chatbot.yaml", "--dir", folder, "--price-date", "2026-11-01")[0] == 0
    code, out, err = run_cli(capsys, "review", "chatbot.yaml", "--decisions", folder, "--price-date", "2026-11-01")
    assert code == 0, err
    assert "[0001](d%E9c/0001-customer-chatbot-stream-the-answer.md) holds" in out


# -- a workload file whose name is not UTF-8, in a record ------------------------------------------------
# adr said "the record does not name its workload file caf\udce9.yaml: no relative path leads
# to it from the decisions folder": a path did lead to it (the next folder); its name is what
# a record, UTF-8 text, cannot hold.

@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in a name")
def test_adr_says_why_it_cannot_name_a_latin1_workload_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    name = os.fsdecode(b"caf\xe9.yaml")
    (tmp_path / name).write_bytes(CHATBOT.read_bytes())
    code, _, err = run_cli(capsys, "adr", name, "--dir", "d", "--price-date", "2026-11-01")
    assert code == 0, err
    assert (
        "the record does not name its workload file caf\\xe9.yaml: its name cannot be written as UTF-8 text, "
        "which a record is, so advisor verify checks the record's own inputs only"
    ) in err
