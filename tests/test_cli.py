"""`advisor recommend`: the text summary, the JSON contract, and the API it mirrors."""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import advisor
from advisor.cli import main

from .conftest import EXAMPLES, RETIRING, run_cli, signals_at_defaults

CHATBOT = "examples/chatbot.yaml"




def test_text_summary_names_mode_reasons_sources_costs_and_assumptions(capsys):
    code, out, err = run_cli(capsys, "recommend", CHATBOT, "--price-date", "2026-11-01")
    assert code == 0 and err == ""
    assert out.startswith("Customer chatbot: STREAMING (synchronous contract)")
    assert "Decided by: ux-conversation-streams" in out
    assert "source: Sync vs. Async AI Inference § The decision rule, step 3" in out
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt|[Ss]eed 0", out), "sources are cited by title"
    # Every figure shows its assumptions: price date, data version, model speed.
    assert "prices as of 2026-11-01" in out and "genai-prices" in out
    assert "output speed: 88 tokens/s, median (gpt-5.4)" in out
    assert "Feasible: streaming meets its contract" in out
    for mode in advisor.MODES:
        assert re.search(rf"^  {mode} +\$[0-9]", out, re.M)  # a cost row per mode
    assert "Rule set advisor-default" in out


def test_text_summary_checks_a_gpt_5_4_peak_against_its_tier_limits_and_says_where_they_are_from(capsys):
    """The chatbot's peak read 'no rate limit known, nothing checked' and 'limits: none known
    (the provider catalogue has no OpenAI limits for gpt-5.4 at tier-1)'."""
    code, out, _ = run_cli(capsys, "recommend", CHATBOT, "--price-date", "2026-11-01")
    assert code == 0
    assert "no rate limit known" not in out and "no OpenAI limits" not in out
    assert re.search(r"^  60 of 500 requests/min, [\d,]+ of 500,000 tokens/min: \d+% headroom$", out, re.M)
    cited = ("OpenAI model page gpt-5.4 — rate limits per tier, read 2026-11-26:"
             " https://developers.openai.com/api/docs/models/gpt-5.4")
    assert f"  limits: OpenAI gpt-5.4, tier-1: {cited}\n" in out
    assert re.search(r"^  - rate limits: RPM 500, TPM 500,000 \(OpenAI gpt-5.4, tier-1[^)]*\) \[" + re.escape(cited), out, re.M)


def test_text_summary_says_batch_never_pays_for_itself_without_a_batch_api(capsys):
    code, out, _ = run_cli(capsys, "recommend", "examples/deepseek-catalogue-enrichment.yaml", "--price-date", "2026-11-01")
    assert code == 0
    assert "batch never pays for itself (no batch API: no discount)" in out
    assert "at no volume" not in out


def test_json_has_the_stable_keys_and_equals_the_api(capsys):
    code, out, _ = run_cli(capsys, "recommend", CHATBOT, "--format", "json", "--price-date", "2026-11-01")
    assert code == 0
    data = json.loads(out)
    for key in ("recommendation", "ranking", "excluded", "fired_rules", "latency", "assumptions", "costs",
                "capacity", "what_would_change"):
        assert key in data
    # The catalogue's median first token (0.397 s) times its p95 spread (1.7), then 350 tokens at 88/s.
    assert data["latency"]["end_to_end_p95_s"] == pytest.approx(0.397 * 1.7 + 350 / 88)
    assert data["feasible"] is True and data["infeasible_reason"] is None
    assert isinstance(data["levers"], list) and isinstance(data["unmet"], list)
    assert set(data["costs"]) == set(advisor.MODES)
    for cost in data["costs"].values():
        assert {"tokens_usd", "infra_usd", "engineering_usd", "total_usd", "per_1k_requests_usd"} <= set(cost)
    assert {"peak_rpm", "peak_tpm", "over_limit"} <= set(data["capacity"])
    api = advisor.assess(advisor.load_profile(CHATBOT), price_date=datetime.date(2026, 11, 1))
    assert data == json.loads(json.dumps(api.model_dump(mode="json")))


def _cited(data: Any, path: str = "") -> list[tuple[str, str, list[str]]]:
    """Every citation in a JSON document: (path, its source text, the ids beside it)."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("source", "limits_source") and isinstance(value, str):
                found.append((f"{path}.{key}", value, data.get(f"{key}_ids")))
            elif key not in ("sources", "pricing"):  # pricing's sources name kinds: genai-prices, override
                found += _cited(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _cited(value, f"{path}[{i}]")
    return found


def test_json_names_every_source_it_cites_with_its_title(capsys):
    """The JSON cited source documents by file key ('004_5230b8ac56ced4ba.txt § The five axes')
    and catalogue pages only as text, with nothing a script can show or link: beside every
    source now stand the ids it cites, and one map, keyed by id, gives each one's title, url,
    date and kind."""
    # The default example as it was on gpt-4o-mini, whose rate limits the catalogue cites.
    code, out, _ = run_cli(capsys, "recommend", RETIRING / "support-reply-draft.yaml", "--format", "json",
                           "--price-date", "2026-11-01")
    assert code == 0
    data = json.loads(out)
    sources = data["sources"]
    cited = _cited(data)
    assert [path for path, _, ids in cited if ids is None] == []
    used = [i for _, _, ids in cited for i in ids]
    assert set(used) == set(sources)  # every id cited is in the map, and the map holds no other
    for entry in sources.values():
        assert set(entry) == {"title", "url", "as_of", "kind"} and entry["title"]
    document = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
    for path, text, ids in cited:
        assert set(document.findall(text)) <= set(ids), path  # every document key in a source is listed
    axes = next(r for r in data["fired_rules"] if "004_5230b8ac56ced4ba.txt" in r["source"])
    assert "004_5230b8ac56ced4ba.txt" in axes["source_ids"]
    assert sources["004_5230b8ac56ced4ba.txt"] == {
        "title": "Sync vs. Async AI Inference: Pick the Right Model for Your Product", "url": None, "as_of": None,
        "kind": None,
    }
    # A catalogue fact: the page, its address and the day it was read.
    limits = next(x for x in data["capacity"]["assumptions"] if x["name"] == "rate limits")
    assert limits["source_ids"][0] == "openai_model_pages_2026_09_24"
    assert data["capacity"]["limits_source_ids"] == ["openai_model_pages_2026_09_24"]
    assert sources["openai_model_pages_2026_09_24"] == {
        "title": "OpenAI model pages gpt-4o and gpt-4o-mini, verbatim copies — rate limits per tier",
        "url": "https://developers.openai.com/api/docs/models/gpt-4o.md", "as_of": "2026-09-24",
        "kind": "transcription",
    }
    for _, text, ids in cited:
        for i in ids:
            if sources[i]["url"]:
                assert sources[i]["url"] in text  # a catalogue page's id is the page the text cites
    # Read back through the API, the same document.
    assert json.loads(json.dumps(advisor.Assessment.model_validate(data).model_dump(mode="json"))) == data


def test_same_input_gives_byte_identical_output(capsys):
    outputs = set()
    for _ in range(2):
        for fmt in ("text", "json"):
            code, out, _ = run_cli(capsys, "recommend", CHATBOT, "--format", fmt, "--price-date", "2026-11-01")
            assert code == 0
            outputs.add((fmt, out))
    assert len(outputs) == 2


def test_help_shows_examples():
    out = subprocess.run(
        [sys.executable, "-m", "advisor.cli", "recommend", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "examples:" in out and "advisor recommend examples/chatbot.yaml" in out


def test_bad_price_date_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["recommend", CHATBOT, "--price-date", "yesterday"])
    assert info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_unknown_model_names_the_file_and_close_matches(tmp_path, capsys):
    path = tmp_path / "w.yaml"
    path.write_text(Path(CHATBOT).read_text().replace("model: gpt-5.4", "model: gpt-5.4-mnii"))
    code, out, err = run_cli(capsys, "recommend", str(path))
    assert code == 2 and out == ""
    assert f"{path}: field 'model': unknown model 'gpt-5.4-mnii'" in err
    assert "close matches: gpt-5.4-mini" in err


def test_pricing_override_prices_an_unknown_model(tmp_path, capsys):
    path = tmp_path / "w.yaml"
    text = Path(CHATBOT).read_text().replace("gpt-4o-mini", "our-private-model")
    path.write_text(text + "pricing: {input_per_mtok: 1.0, output_per_mtok: 2.0}\n")
    code, out, _ = run_cli(capsys, "recommend", str(path), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["pricing"]["source"] == "override"
    expected = (1500 * 1.0 + 350 * 2.0) / 1e6 * 400_000
    assert data["costs"]["sync"]["tokens_usd"] == pytest.approx(expected)


def test_module_entry_point_and_version():
    out = subprocess.run([sys.executable, "-m", "advisor.cli", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("advisor ")


# The ``advisor`` command in a process of its own: ``advisor.cli.run``, as the console script runs it.
COMMAND = "import sys; {before}; from advisor.cli import run; sys.argv = ['advisor', *sys.argv[1:]]; run()"


def _command(
    *argv: str, before: str = "pass", stdout: Any = subprocess.PIPE, closed: bool = False,
    ignored: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """The command, its stderr read through a pipe, and its stdout too unless given one (a
    file), or started with it closed (``closed``: ``>&-``); started with the signals
    ``ignored`` ignored (as ``nohup`` starts it) and the others at their defaults, whatever
    the test run itself was started with (a background job of a script ignores SIGINT)."""
    line = [sys.executable, "-c", COMMAND.format(before=before), *argv]
    if closed:
        line, stdout = ["sh", "-c", 'exec "$0" "$@" >&-', *line], None
    return subprocess.run(line, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120,
                          preexec_fn=lambda: signals_at_defaults(*ignored))


def test_the_command_ends_with_its_whole_output_its_status_and_the_exit_handlers_run(tmp_path):
    # advisor.cli.run skips the interpreter's teardown: what was written still arrives whole,
    # the status is the command's, and the exit handlers registered in the process still run.
    handler = "import atexit; atexit.register(lambda: print('exit handler ran', file=sys.stderr))"
    done = _command("review", "examples", "--format", "json", before=handler)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)  # a truncated buffer would not parse
    assert len(report["workloads"]) >= 10
    assert done.stderr.endswith("exit handler ran\n")

    done = _command("recommend", str(tmp_path / "missing.yaml"), before=handler)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"advisor: error: {tmp_path / 'missing.yaml'}: no such file\nexit handler ran\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full, a device that is always full")
@pytest.mark.parametrize(
    "argv",
    [
        ("recommend", CHATBOT, "--format", "json"),  # larger than the stream's buffer: fails in the command
        ("rules", "check", "examples/rules-cost-first"),  # smaller: fails at the last flush, in advisor.cli.end
    ],
)
def test_output_that_cannot_be_written_is_one_line_and_status_2(argv):
    with open("/dev/full", "w") as full:
        done = _command(*argv, stdout=full)
    assert done.returncode == 2
    assert done.stderr == "advisor: error: cannot write the output: No space left on device\n"


def test_a_command_started_without_an_output_says_so(tmp_path):
    # `>&-`: the process starts with its standard output closed (Python gives it none).
    done = _command("recommend", CHATBOT, closed=True)
    assert done.returncode == 2
    assert done.stderr == "advisor: error: cannot write the output: standard output is closed\n"
    done = _command("init", str(tmp_path / "mine.yaml"), closed=True)  # writes a file, speaks on stderr only
    assert done.returncode == 0 and (tmp_path / "mine.yaml").is_file()


@pytest.mark.parametrize("argv", [["adr", "{f}", "--dir", "{d}"], ["map", "{f}", "--x", "interaction", "--y", "downstream"]])
def test_every_command_names_the_file_of_an_unknown_model(tmp_path, capsys, argv):
    path = tmp_path / "w.yaml"
    path.write_text(Path(CHATBOT).read_text().replace("model: gpt-5.4", "model: gpt-5.4-mnii"))
    code, out, err = run_cli(capsys, *[a.format(f=path, d=tmp_path / "decisions") for a in argv])
    assert code == 2 and out == ""
    assert f"{path}: field 'model': unknown model 'gpt-5.4-mnii'" in err
    assert not (tmp_path / "decisions").exists() or not any((tmp_path / "decisions").iterdir())


def test_review_counts_one_broken_file_in_plain_words(tmp_path, capsys):
    path = tmp_path / "w.yaml"
    path.write_text(Path(CHATBOT).read_text().replace("model: gpt-5.4", "model: gpt-5.4-mnii"))
    code, out, _ = run_cli(capsys, "review", str(path))
    assert code == 2
    assert "1 file was not reviewed" in out


def test_each_command_loads_only_what_it_needs():
    """--version loads no library at all; recommend writes no template, so it never loads Jinja2, and
    reads no record, so it never loads markdown-it-py."""
    probe = (
        "import sys; from advisor.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pydantic', 'yaml', 'jinja2', 'genai_prices', 'markdown_it',"
        " 'advisor.core.assessment')"
        " if m in sys.modules), file=sys.stderr)"
    )

    def loaded(*argv: str) -> str:
        done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True)
        return done.stderr.strip().splitlines()[-1]

    assert loaded("--version") == "[]"
    assert loaded("recommend", CHATBOT, "--format", "json") == (
        "['advisor.core.assessment', 'genai_prices', 'pydantic', 'yaml']"
    )


# The review's JSON, its first workload written to the report's temporary file, and then the signal.
SIGNALLED = (
    "import os, signal; from advisor.views.review import ReviewRun; json = ReviewRun.json\n"
    "def signalled(self):\n"
    "    chunks = json(self); yield next(chunks); yield next(chunks)\n"
    "    os.kill(os.getpid(), signal.{signal}); yield from chunks\n"
    "ReviewRun.json = signalled"
)


@pytest.mark.parametrize(
    "name, status, said",
    [("SIGINT", 130, "interrupted"), ("SIGTERM", 143, "stopped by SIGTERM"), ("SIGHUP", 129, "stopped by SIGHUP")],
)
def test_a_command_stopped_by_a_signal_leaves_no_file_and_no_temporary_file(tmp_path, capsys, name, status, said):
    """A cancelled CI job (SIGTERM) or a closed terminal (SIGHUP) cleans up as Ctrl-C does."""
    if not hasattr(signal, name):
        pytest.skip(f"no {name} here")
    out = tmp_path / "out"
    out.mkdir()
    done = _command("review", "examples", "--format", "json", "-o", str(out / "r.json"),
                    before=SIGNALLED.format(signal=name))
    assert list(out.iterdir()) == []
    assert (done.returncode, done.stderr) == (status, f"advisor: {said}\n")
    # Only the command's own process: a caller of main keeps its signals as they were.
    before = signal.getsignal(signal.SIGTERM)
    assert run_cli(capsys, "schema")[0] == 0
    assert signal.getsignal(signal.SIGTERM) is before


# -- file names that would steer a terminal ------------------------------------------------------

# A file name may hold an escape sequence: colour (ESC [ 31 m) or a terminal title (ESC ] 0 ; ... BEL).
COLOUR, TITLE = "a\x1b[31mRED\x1b[0m", "b\x1b]0;title\x07"


def _raw_control(text: str) -> bool:
    return any(not ch.isprintable() and ch != "\n" for ch in text)


def test_a_file_name_with_control_characters_is_shown_not_obeyed(tmp_path, capsys):
    """Every message that names a file shows its control characters escaped, as review's already did."""
    from .test_records import write_record

    bad = tmp_path / f"{TITLE}.yaml"
    bad.write_text("name: x\n", encoding="utf-8")
    code_, out, err = run_cli(capsys, "recommend", bad)
    assert code_ == 2 and not _raw_control(err) and "b\\x1b]0;title\\x07.yaml" in err

    code_, _, err = run_cli(capsys, "init", tmp_path / f"{COLOUR}.yaml")
    assert code_ == 0 and not _raw_control(err) and "a\\x1b[31mRED\\x1b[0m.yaml" in err

    folder = tmp_path / "decisions"
    record = write_record(capsys, "chatbot", folder)
    record.rename(folder / f"0001-{TITLE}.md")
    (folder / f"0002-{TITLE}.md").write_text("hello\n", encoding="utf-8")
    for form in ("text", "github"):
        code_, out, _ = run_cli(capsys, "verify", folder, "--format", form, "--price-date", "2026-11-01")
        assert code_ == 0 and not _raw_control(out) and "0001-b\\x1b]0;title\\x07.md" in out, out

    shutil.copy(EXAMPLES / "chatbot.yaml", tmp_path / f"{COLOUR}-chat.yaml")
    code_, out, err = run_cli(capsys, "review", tmp_path / f"{COLOUR}-chat.yaml", tmp_path / f"{TITLE}.yaml",
                              "--price-date", "2026-11-01")
    assert not _raw_control(out) and not _raw_control(err), out
    assert "a\\x1b[31mRED\\x1b[0m-chat.yaml" in out
