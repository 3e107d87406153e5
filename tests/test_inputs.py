"""Input is read exactly: repeated keys, exponent numbers, huge integers, what a file is,
how big it is, names that show what they say, and axis weights that can rank modes."""

from __future__ import annotations

import datetime
import math
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import advisor
from advisor.core.errors import AdvisorError, InputError, RuleSetError
from advisor.core.files import MAX_FILE_BYTES, read_text
from advisor.core.profile import BIDI_CONTROLS, parse_profile
from advisor.core.yamlio import dump_yaml, parse_yaml
from advisor.records.inputs import find_inputs, read_inputs

from .conftest import EXAMPLES, PRICE_DATE, run_cli, write_header

CHATBOT_TEXT = (EXAMPLES / "chatbot.yaml").read_text(encoding="utf-8")
BASE = yaml.safe_load(CHATBOT_TEXT)


def write(tmp_path: Path, text: str, name: str = "w.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- repeated keys --------------------------------------------------------------------


def test_a_repeated_key_names_the_key_and_both_lines(tmp_path, capsys):
    path = write(tmp_path, "latency_budget_s: 3\n" + CHATBOT_TEXT)
    line = 1 + CHATBOT_TEXT.splitlines().index("latency_budget_s: 2.5") + 1
    code, out, err = run_cli(capsys, "recommend", path)
    assert code == 2 and out == ""
    assert err == (
        f"advisor: error: {path}: duplicate key 'latency_budget_s' on lines 1 and {line}: a key may appear once "
        "(YAML would silently keep the last value)\n"
    )


@pytest.mark.parametrize("text", ["{a: 1, a: 2}", "x:\n  a: 1\n  b: 2\n  a: 3\n", "- {k: 1}\n- {k: 1, k: 2}\n"])
def test_repeated_keys_are_refused_at_any_depth(text):
    with pytest.raises(InputError, match=r"duplicate key 'a'|duplicate key 'k'"):
        parse_yaml(text, "f.yaml")


def test_a_repeated_key_in_a_rule_file_or_a_record_block_is_refused(tmp_path):
    folder = tmp_path / "rs"
    folder.mkdir()
    write_header(folder)
    header = (folder / "ruleset.yaml").read_text(encoding="utf-8")
    (folder / "ruleset.yaml").write_text(header + "version: 9.9.9\n", encoding="utf-8")
    with pytest.raises(AdvisorError, match="duplicate key 'version' on lines"):
        advisor.load_rules(folder)
    record = "# Title\n\n```yaml advisor-record\nrecord: {}\nrecord: {}\nworkload: {}\n```\n"
    with pytest.raises(InputError, match="duplicate key 'record' on lines 1 and 2"):
        read_inputs(record, "0001-x.md")


# -- numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "field", "value"),
    [
        ("1e6", "requests_per_month", 1_000_000),
        ("1.5e3", "input_tokens", 1500),
        ("2E+5", "requests_per_month", 200_000),
        ("4.5e5", "requests_per_month", 450_000),
        ("25e-1", "latency_budget_s", 2.5),
        ("1e-2", "latency_budget_s", 0.01),
        (".5e1", "latency_budget_s", 5.0),
        ("1_000", "output_tokens", 1000),
    ],
)
def test_exponent_numbers_are_numbers_wherever_a_number_is_expected(tmp_path, written, field, value):
    text = CHATBOT_TEXT.replace(f"{field}: {BASE[field]}", f"{field}: {written}")
    assert text != CHATBOT_TEXT
    profile = advisor.load_profile(write(tmp_path, text))
    assert getattr(profile, field) == value


def test_an_exponent_number_that_is_not_whole_is_still_refused_where_a_count_is_expected(tmp_path, capsys):
    path = write(tmp_path, CHATBOT_TEXT.replace("requests_per_month: 400000", "requests_per_month: 1.5e-3"))
    code, _, err = run_cli(capsys, "recommend", path)
    assert code == 2 and "field 'requests_per_month': must be a whole number (got 0.0015)" in err


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("pricing: 5", "field 'pricing': must be a mapping of the fields input_per_mtok, output_per_mtok, "
                       "cached_input_per_mtok, batch_discount (got 5)"),
        ("rate_limits: [1000]", "field 'rate_limits': must be a mapping of the fields rpm, tpm, input_tpm, "
                                "output_tpm, concurrency (got [1000])"),
    ],
)
def test_a_group_of_fields_given_a_value_names_the_fields_it_takes(tmp_path, capsys, written, message):
    code, out, err = run_cli(capsys, "recommend", write(tmp_path, CHATBOT_TEXT + written + "\n"))
    assert code == 2 and out == ""
    assert message in err and "instance of" not in err, err


@pytest.mark.parametrize(
    ("written", "got"), [("2026-11-26", "2026-11-26"), ("2026-11-26 10:00:00", "2026-11-26T10:00:00"), ("yes", "true")]
)
def test_a_name_yaml_reads_as_a_date_or_a_boolean_is_shown_as_written_with_the_way_out(tmp_path, capsys, written, got):
    path = write(tmp_path, CHATBOT_TEXT.replace("name: Customer chatbot", f"name: {written}"))
    code, out, err = run_cli(capsys, "recommend", path)
    assert code == 2 and out == ""
    assert err == (
        f"advisor: error: {path}: field 'name': input should be a valid string (got {got}); "
        "put it in quotes to give it as text\n"
    )


@pytest.mark.parametrize(
    ("field", "old", "written", "value"),
    [("input_tokens", "1500", "1:30", "90"), ("latency_budget_s", "2.5", "1:00:00", "3600"),
     ("latency_budget_s", "2.5", "1:30.5", "90.5"), ("input_tokens", "1500", "-1:30", "-90")],
)
def test_a_base_60_number_is_refused_not_read_in_base_60(tmp_path, capsys, field, old, written, value):
    """YAML 1.1 reads 1:30 as 90 (base 60), YAML 1.2 as text: nothing guessed, the field named."""
    path = write(tmp_path, CHATBOT_TEXT.replace(f"{field}: {old}", f"{field}: {written}"))
    code, out, err = run_cli(capsys, "recommend", path)
    line = CHATBOT_TEXT.split("\n").index(f"{field}: {old}") + 1
    assert code == 2 and out == ""
    assert err == (
        f"advisor: error: {path}: field '{field}': line {line}: {written} is a base-60 number in YAML 1.1 ({value}) "
        f"and text in YAML 1.2; write {value} for the number, or quote it for text\n"
    )


@pytest.mark.parametrize("written", ["0100", "-0100", "0_100", "00"])
def test_a_leading_zero_is_refused_not_read_as_octal(tmp_path, capsys, written):
    """YAML 1.1 reads 0100 as octal (64 tokens, not 100): nothing guessed, the line named."""
    path = write(tmp_path, CHATBOT_TEXT.replace("input_tokens: 1500", f"input_tokens: {written}"))
    code, out, err = run_cli(capsys, "recommend", path)
    line = CHATBOT_TEXT.split("\n").index("input_tokens: 1500") + 1
    assert code == 2 and out == ""
    assert err == (
        f"advisor: error: {path}: line {line}: {written} has a leading zero, which YAML reads as an octal "
        "number; write it without the leading zero\n"
    )


@pytest.mark.parametrize("sign", ["", "-"])
def test_a_huge_integer_gets_the_fields_own_error(tmp_path, capsys, sign):
    path = write(tmp_path, CHATBOT_TEXT.replace("input_tokens: 1500", f"input_tokens: {sign}{'9' * 5000}"))
    code, out, err = run_cli(capsys, "recommend", path)
    assert code == 2 and out == "" and "Traceback" not in err
    bound = "less than or equal to 10000000" if not sign else "greater than or equal to 0"
    assert f"field 'input_tokens': input should be {bound} (got a {'negative ' if sign else ''}5,000-digit number)" in err


@given(st.integers(min_value=-(10**30), max_value=10**30), st.sampled_from(["{}", "{:_}", "{:e}"]))
def test_any_written_number_reads_as_the_number_it_is(number, form):
    text = form.format(number)
    value = parse_yaml(f"x: {text}", "f.yaml")["x"]
    assert isinstance(value, (int, float)) and not isinstance(value, bool)
    assert value == pytest.approx(float(text.replace("_", "")), rel=1e-9)


# -- what a file is -------------------------------------------------------------------


def _run(*argv: str, timeout: float = 10) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "advisor.cli", *argv], capture_output=True, text=True, timeout=timeout
    )
    return done, time.monotonic() - start


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_fails_fast_with_exit_2(device):
    if not os.path.exists(device):
        pytest.skip(f"{device} does not exist here")
    done, took = _run("recommend", device)
    assert done.returncode == 2 and took < 5
    assert done.stderr == f"advisor: error: {device}: is a device, not a regular file; advisor reads files only\n"


def test_a_fifo_without_a_writer_fails_fast(tmp_path):
    fifo = tmp_path / "w.yaml"
    os.mkfifo(fifo)
    done, took = _run("recommend", str(fifo))
    assert done.returncode == 2 and took < 5
    assert "is a FIFO, not a regular file" in done.stderr


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "w.yaml"
    with socket.socket(socket.AF_UNIX) as server:
        try:
            server.bind(str(path))
        except OSError:
            pytest.skip("no Unix sockets here")
        with pytest.raises(InputError, match="is a socket, not a regular file"):
            read_text(path)


def test_links_that_lead_nowhere_say_so(tmp_path, capsys):
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    code, _, err = run_cli(capsys, "recommend", tmp_path / "a.yaml")
    assert code == 2 and err.endswith("a.yaml: is a symbolic link loop\n")
    code, _, err = run_cli(capsys, "recommend", tmp_path / "gone.yaml")
    assert code == 2 and err.endswith(f"gone.yaml: is a symbolic link to {tmp_path / 'nowhere.yaml'}, which does not exist\n")


def test_the_size_cap_is_counted_while_reading(tmp_path, monkeypatch):
    big = write(tmp_path, "# " + "x" * MAX_FILE_BYTES + "\n")
    with pytest.raises(InputError, match="larger than 1,000,000 bytes"):
        read_text(big)
    # The size a file system reports is not trusted: a file that says it is empty is read up to the cap.
    real_fstat = os.fstat

    class Zero:
        def __init__(self, st: os.stat_result):
            self.st_mode, self.st_size = st.st_mode, 0

    monkeypatch.setattr(os, "fstat", lambda fd: Zero(real_fstat(fd)))
    with pytest.raises(InputError, match="larger than 1,000,000 bytes"):
        read_text(big)


def test_text_that_is_not_utf8_names_the_byte(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(InputError, match=r"not UTF-8 text \(byte 10 is not valid UTF-8\)"):
        read_text(path)


# -- names and descriptions -------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["   ", "\u200b\u200b", "\u3164", "\u2800", "\u00a0", "\u200d\ufeff", "\u2060"]
)
def test_a_name_needs_a_visible_character(name):
    with pytest.raises(InputError, match="field 'name': must contain a visible character"):
        parse_profile({**BASE, "name": name})


@pytest.mark.parametrize("field", ["name", "description", "model", "provider"])
@pytest.mark.parametrize("control", sorted(BIDI_CONTROLS))
def test_bidirectional_controls_are_refused_in_names_and_descriptions(field, control):
    with pytest.raises(InputError, match=f"field '{field}': must not contain bidirectional control characters"):
        parse_profile({**BASE, field: f"Invoice {control}gnp.exe"})


@pytest.mark.parametrize("name", ["Chat ✓", "Résumé", "订单助手", "A", "1", "🙂", "x\u200by"])
def test_names_in_any_script_are_accepted(name):
    assert parse_profile({**BASE, "name": name}).name == name


# -- weights -------------------------------------------------------------------------


BAD_WEIGHTS = [
    ({"ux_contract": math.nan}, "the weight of ux_contract must be a finite number from 0 to 100 (got nan)"),
    ({"latency": math.inf}, "the weight of latency must be a finite number from 0 to 100 (got inf)"),
    ({"latency": -1.0}, "the weight of latency must be a finite number from 0 to 100 (got -1.0)"),
    ({"latency": True}, "the weight of latency must be a number (got True)"),
    ({"ux_contract": 0, "latency": 0, "cost_burst": 0, "failure_retry": 0, "downstream": 0},
     "at least one axis weight must be above 0"),
]


@pytest.mark.parametrize(("weights", "message"), BAD_WEIGHTS)
def test_weights_are_finite_non_negative_and_one_positive_in_the_api(weights, message):
    profile = advisor.load_profile(EXAMPLES / "chatbot.yaml")
    with pytest.raises(InputError, match="field 'weights': " + message.replace("(", r"\(").replace(")", r"\)")):
        advisor.assess(profile, weights=weights)
    with pytest.raises(InputError, match="field 'weights'"):
        advisor.decision_map(profile, "interaction", ["chat"], "downstream", ["own_ui"], weights=weights)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({1: 2.0}, "axis names must be text (got 1)"),
        ([("latency", 2.0)], "must be a mapping of axis name to weight"),
        ([3.0, 1.0], "must be a mapping of axis name to weight"),
    ],
)
def test_weights_that_are_not_axis_names_to_numbers_are_input_errors(weights, message):
    # A caller's mistake is an InputError naming the argument, not a TypeError from inside.
    profile = advisor.load_profile(EXAMPLES / "chatbot.yaml")
    rules = advisor.load_rules()
    with pytest.raises(InputError, match=f"field 'weights': .*{message.replace('(', '.').replace(')', '.')}"):
        advisor.assess(profile, weights=weights)
    with pytest.raises(InputError, match="field 'weights'"):
        rules.evaluate(advisor.facts(profile), weights)
    with pytest.raises(InputError, match="field 'weights'"):
        advisor.decision_map(profile, "interaction", ["chat"], "downstream", ["own_ui"], weights=weights)


def test_weights_of_a_rule_set_must_rank_something(tmp_path, capsys):
    folder = tmp_path / "rs"
    folder.mkdir()
    (folder / "ruleset.yaml").write_text(
        "id: all-zero\nversion: '1'\ntitle: Nothing counts\nextends: default\n"
        "weights: {ux_contract: 0, latency: 0, cost_burst: 0, failure_retry: 0, downstream: 0}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleSetError, match="at least one axis weight must be above 0"):
        advisor.load_rules(folder)
    code, _, err = run_cli(capsys, "recommend", EXAMPLES / "chatbot.yaml", "--rules", folder)
    assert code == 2 and "at least one axis weight must be above 0" in err


@pytest.mark.parametrize(("weights", "message"), BAD_WEIGHTS[:3] + BAD_WEIGHTS[4:])
def test_weights_embedded_in_a_record_are_checked(tmp_path, capsys, weights, message):
    code, out, _ = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, "--price-date", PRICE_DATE)
    record = Path(out.strip())
    text = record.read_text(encoding="utf-8")
    block = find_inputs(text)
    assert block
    data = yaml.safe_load(block)
    data["record"]["weights"].update(weights)
    edited = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    record.write_text(text.replace(block, edited), encoding="utf-8")
    with pytest.raises(InputError, match=message.split(" (got")[0]):
        read_inputs(record.read_text(encoding="utf-8"), str(record))
    code, out, _ = run_cli(capsys, "verify", record, "--price-date", PRICE_DATE)
    assert code == 2 and message.split(" (got")[0] in out


@given(
    st.sampled_from(["1e5", "0E0", ".5e1", "-2.5E+3", "1_000", "0x1F", "1:30", "yes", "~", "1e400"])
    | st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")))  # what a profile's text may hold
)
def test_text_that_reads_as_a_number_is_quoted_when_advisor_writes_yaml(text):
    assert parse_yaml(dump_yaml({"name": text}), "f.yaml") == {"name": text}


_PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20) | st.dates(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_PLAIN)
def test_the_fast_path_builds_what_safeconstructor_builds(data):
    """parse_yaml builds plain data itself (faster): the same data SafeConstructor builds."""
    from advisor.core.yamlio import _Loader, dump_yaml, parse_yaml

    text = dump_yaml({"x": data})
    loader = _Loader(text)
    try:
        expected = loader.get_single_data()
    finally:
        loader.dispose()
    assert parse_yaml(text, "t") == expected


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: {c: 2, c: 3}\n",  # a repeated key in a nested mapping
        "a: !!set {x, y}\n",  # a tag the fast path leaves to SafeConstructor
        "? [1, 2]\n: x\n",  # a key that is a list
        "=: 1\n",  # YAML's value key
        "a: !!binary aGk=\n",
    ],
)
def test_the_fast_path_leaves_the_rest_to_safeconstructor(text, monkeypatch):
    """The same data, or the same message, as SafeConstructor's construct_document gives."""
    from advisor.core.yamlio import _Loader, parse_yaml

    def outcome() -> object:
        try:
            return parse_yaml(text, "t")
        except InputError as exc:
            return str(exc)

    fast = outcome()
    monkeypatch.setattr(_Loader, "build", lambda self, node: self.construct_document(node))
    assert fast == outcome()


@settings(max_examples=500, deadline=None)
@given(st.from_regex(r"\A[-+]?(0|[0-9]{1,22})(\.[0-9]{0,8})?\Z").filter(lambda t: t not in ("+", "-")))
def test_plain_numbers_read_as_safe_load_reads_them(text):
    """The reader builds a plain decimal itself (no octal leading zero, no underscore): the
    same number, of the same type, as yaml.safe_load; an octal leading zero is refused."""
    theirs = yaml.safe_load(f"n: {text}\n")["n"]
    digits = text.lstrip("+-")
    if isinstance(theirs, int) and len(digits) > 1 and digits.startswith("0"):
        with pytest.raises(InputError, match="has a leading zero"):
            parse_yaml(f"n: {text}\n", "t")
        return
    ours = parse_yaml(f"n: {text}\n", "t")["n"]
    assert (type(ours), ours) == (type(theirs), theirs)


# -- the price date a caller gives ----------------------------------------------------


def _dated_calls(tmp_path, when, into="d"):
    """Every API call that takes a date, given ``when`` (write_adr writes into ``into``)."""
    profile = advisor.load_profile(EXAMPLES / "chatbot.yaml")
    return {
        "assess": lambda: advisor.assess(profile, price_date=when, what_if=False),
        "facts": lambda: advisor.facts(profile, price_date=when),
        "decision_map": lambda: advisor.decision_map(
            profile, "interaction", ["chat"], "downstream", ["own_ui"], price_date=when
        ),
        "review": lambda: advisor.review([EXAMPLES / "chatbot.yaml"], price_date=when),
        "verify": lambda: advisor.verify([tmp_path], price_date=when),
        "write_adr": lambda: advisor.write_adr(
            advisor.assess(profile, price_date=datetime.date(2026, 11, 1), what_if=False), tmp_path / into, date=when
        ),
    }


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (20261101, "expected a date as YYYY-MM-DD or a datetime.date, got 20261101"),
        (datetime.datetime(2026, 11, 1, 12), "expected a date as YYYY-MM-DD or a datetime.date, got datetime.datetime("),
        ("2026-13-01", "2026-13-01 is not a day on the calendar (a year has 12 months, 01 to 12)"),
        ("2026-02-30", "2026-02-30 is not a day on the calendar (February 2026 has 28 days)"),
        ("2026-1-01", "expected a date as YYYY-MM-DD, got '2026-1-01'"),
        ("1 Nov 2026", "expected a date as YYYY-MM-DD, got '1 Nov 2026'"),
    ],
)
def test_a_date_that_is_not_a_date_is_an_input_error_worded_alike_everywhere(tmp_path, when, message):
    for name, call in _dated_calls(tmp_path, when).items():
        if name == "write_adr" and isinstance(when, datetime.datetime):
            continue  # a record is dated by the day: a datetime gives its day
        field = "date" if name == "write_adr" else "price_date"
        with pytest.raises(InputError) as info:
            call()
        assert str(info.value).startswith(f"field '{field}': {message}"), name


def test_a_date_may_be_given_as_text_as_on_the_command_line(tmp_path):
    # assess(price_date="2026-11-01") was refused while write_adr(date=...) and the CLI's
    # --price-date took the same text.
    as_text = _dated_calls(tmp_path, "2026-11-01", "text")
    as_date = _dated_calls(tmp_path, datetime.date(2026, 11, 1), "date")
    assert as_text["write_adr"]().name == as_date["write_adr"]().name == "0001-customer-chatbot-stream-the-answer.md"
    assert "date: 2026-11-01" in (tmp_path / "text" / "0001-customer-chatbot-stream-the-answer.md").read_text(encoding="utf-8")
    for name in ("assess", "facts", "decision_map", "review", "verify"):
        a, b = as_text[name](), as_date[name]()
        if name == "review":
            a, b = advisor.render_review(a, "json"), advisor.render_review(b, "json")
        elif name == "assess":
            a, b = a.model_dump(mode="json"), b.model_dump(mode="json")
        assert a == b, name
    assert as_text["assess"]().price_date == datetime.date(2026, 11, 1)
    assert [r.status for r in as_text["verify"]()] == ["holds", "holds"]


@pytest.mark.parametrize("wrong", [5, ["rules"], b"rules"])
def test_a_rule_set_or_a_workload_named_by_something_not_a_path_is_an_input_error(wrong):
    profile = advisor.load_profile(EXAMPLES / "chatbot.yaml")
    for call in (
        lambda: advisor.load_rules(wrong),
        lambda: advisor.assess(profile, wrong),
        lambda: advisor.check_rules(wrong),
        lambda: advisor.rules_docs(wrong),
    ):
        with pytest.raises(RuleSetError, match=f"expected the path of a rule-set folder or a loaded RuleSet \\(got {type(wrong).__name__}\\)"):
            call()
    with pytest.raises(InputError, match=f"expected the path of a workload file \\(got {type(wrong).__name__}\\)"):
        advisor.load_profile(wrong)


def test_a_long_line_after_a_fence_is_read_in_linear_time(tmp_path):
    """A fence line followed by a long run of spaces that does not end the line backtracked
    quadratically (30 KB took 10 s): 200 KB is read, in and out of an advisor record."""
    from advisor.records.folder import _has_link
    from advisor.records.inputs import fence_opening, fences

    line = "```a" + " " * 200_000 + "b"
    assert fence_opening(line) is not None
    text = f"# Notes\n\n{line}\nadvisor-record: 2\n"  # the marker: the fences are parsed
    (fence,) = fences(text)
    assert fence.info == line[3:] and not fence.closed
    assert read_inputs(text, "notes.md") is None
    assert fence_opening("```  yaml advisor-record \t") is not None
    assert fences("``` yaml x \t\n```\n")[0].info == "yaml x"
    assert not _has_link("[" * 100_000 + "](" * 100_000)
    assert _has_link("Amended by [2. X](0002-x.md)  ") and not _has_link("  [2. X](0002-x.md)")
    (tmp_path / "notes.md").write_text(f"# Notes\n\n{line}\n", encoding="utf-8")
    (result,) = advisor.verify(tmp_path)
    assert result.status == "skipped"
