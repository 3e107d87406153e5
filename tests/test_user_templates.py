"""A user's own record template is contained: limits on output, time and memory, and every
failure is one message naming the template, with nothing written."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from advisor.views import templates

from .conftest import EXAMPLES, PRICE_DATE, run_cli

HOSTILE = {
    "a huge repetition": ("{{ 'a' * 4000000000 }}", "the sandbox does not allow: a repetition of 4,000,000,000 items"),
    "a huge power": ("{{ 7 ** 99999999 }}", "the sandbox does not allow: a power with an exponent of 99999999"),
    "a huge concatenation": (
        "{% set s = 'ab' * 400000 %}{{ (s + s) | length }}", "a value of more than 1,000,000 characters"
    ),
    "loops within loops": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", "took longer than"
    ),
    "endless output": ("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
                       "output is larger than 1,000,000 characters"),
    "a huge filter result": ("{{ 'x' | center(2000000000) }}", "needs more than 512 MB of memory"),
    "a huge format on literals": ("{{ '%0999999999d' % 1 }}", "needs more than 512 MB of memory"),
    "recursion": ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "nests too deeply"),
    "an attribute game": ("{{ ''.__class__.__mro__ }}", "the sandbox does not allow"),
    "an undefined value": ("{{ no_such_thing }}", "template uses an undefined value: 'no_such_thing' is undefined"),
    "bad syntax": ("{% if %}", "template syntax error on line 1"),
    "an include": ("# Record\n{% include 'madr.md.j2' %}", "line 2: a template of your own is one file"),
    "an import": ("{% from 'x.j2' import y %}{{ y }}", "line 1: a template of your own is one file"),
    "an extends": ("{% extends 'madr.md.j2' %}", "include, import and extends cannot load another template"),
}


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(templates, "TIME_LIMIT_S", 1.0)


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_template_is_one_message_naming_it_and_writes_nothing(tmp_path, capsys, case):
    source, message = HOSTILE[case]
    template = tmp_path / "mine.md.j2"
    template.write_text(source, encoding="utf-8")
    decisions = tmp_path / "decisions"
    start = time.monotonic()
    code, out, err = run_cli(
        capsys, "adr", EXAMPLES / "chatbot.yaml", "--template", template, "--dir", decisions, "--price-date", PRICE_DATE
    )
    assert time.monotonic() - start < 10
    assert code == 2 and out == ""
    assert err.startswith(f"advisor: error: {template}: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not decisions.exists() or [p.name for p in decisions.iterdir() if not p.name.startswith(".")] == []


def record_with(tmp_path, capsys, source: str) -> tuple[int, str, str]:
    """``advisor adr`` of the chatbot with a template of one's own (tmp_path/mine.md.j2) into
    tmp_path/d: (exit status, stdout, stderr)."""
    template = tmp_path / "mine.md.j2"
    template.write_text(source, encoding="utf-8")
    return run_cli(
        capsys, "adr", EXAMPLES / "chatbot.yaml", "--template", template, "--dir", tmp_path / "d",
        "--price-date", PRICE_DATE,
    )


def test_a_fair_template_still_renders(tmp_path, capsys):
    code, out, err = record_with(
        tmp_path, capsys,
        "# {{ workload.name }}\n\n{% for i in range(3) %}{{ i }} {% endfor %}{{ 'ab' * 3 }} {{ 2 ** 10 }}\n\n"
        "{{ inputs_block }}\n",
    )
    assert code == 0, err
    record = Path(out.strip()).read_text(encoding="utf-8")
    assert record.startswith("# Customer chatbot\n\n0 1 2 ababab 1024\n\n```yaml\n")


@pytest.mark.parametrize(
    ("source", "written"),
    [
        ("# {{ workload.name }}\n", "none"),
        ("# {{ workload.name }}\n> {{ inputs_block }}\n", "none"),
        ("# {{ workload.name }}\n\n{{ inputs_block }}\n\n{{ inputs_block }}\n", "2"),
        ("```yaml\nadvisor-record: 2\nrecord: {}\n```\n", "one, changed"),
    ],
)
def test_a_template_that_drops_the_inputs_writes_no_record_verify_would_skip(tmp_path, capsys, source, written):
    code, out, err = record_with(tmp_path, capsys, source)
    assert code == 2 and out == "" and not (tmp_path / "d").exists()
    assert err == (
        f"advisor: error: {tmp_path / 'mine.md.j2'}: the template must write the record's inputs once, as "
        f"{{{{ inputs_block }}}} gives them (it writes {written}): advisor verify checks a record from them, "
        "so no record is written without them\n"
    )


def test_a_templates_options_give_each_pro_in_words_for_that_option(tmp_path, capsys):
    # A conversation's rule favours streaming and scores sync a little too: sync's pro must
    # not be the rule's title, which argues for streaming.
    code, out, err = record_with(
        tmp_path, capsys,
        "{% for o in options %}{% for p in o.pros %}{{ o.mode }}: {{ p.reason }}\n{% endfor %}{% endfor %}\n"
        "{{ inputs_block }}\n",
    )
    assert code == 0, err
    lines = Path(out.strip()).read_text(encoding="utf-8").split("\n\n")[0].splitlines()
    sync = [line for line in lines if line.startswith("sync: ")]
    assert sync and not any("inline edits stream" in line for line in sync), lines
    assert any(line.startswith("streaming: ") and "stream" in line for line in lines), lines


def test_a_byte_order_mark_before_the_inputs_is_no_part_of_the_record(tmp_path, capsys):
    # An editor's BOM right before {{ inputs_block }} hid the fence: "it writes none".
    code, out, err = record_with(tmp_path, capsys, "\ufeff{{ inputs_block }}\n")
    assert code == 0, err
    record = Path(out.strip()).read_bytes()
    assert record.startswith(b"```yaml\n")
    assert run_cli(capsys, "verify", out.strip())[0] == 0
