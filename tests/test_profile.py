"""The workload input contract: valid files load; every kind of bad input gets one clear
message naming the file and the field, exit status 2, and no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from advisor import InputError, load_profile, parse_profile
from advisor.core.profile import FIELD_NAMES
from advisor.core.yamlio import dump_yaml, parse_yaml

from .conftest import EXAMPLES, run_cli
from .strategies import profile_dicts

BASE = {
    "name": "Support reply draft",
    "interaction": "request_response",
    "latency_budget_s": 4,
    "input_tokens": 1800,
    "output_tokens": 180,
    "requests_per_month": 120000,
    "model": "gpt-4o-mini",
}


def write(tmp_path: Path, text: str, name: str = "workload.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path




def test_defaults_fill_optional_fields():
    profile = parse_profile(BASE)
    assert profile.chained_calls == 1
    assert profile.tool_latency_s == 0
    assert profile.cached_input_fraction == 0
    assert profile.output_format == "text"
    assert profile.provider == "openai"
    assert profile.downstream == "own_ui"
    assert profile.side_effects == "none"
    assert profile.current_mode is None
    # No peak given: a flat month of 30 days.
    assert profile.effective_peak_rpm == pytest.approx(120000 / (30 * 24 * 60))


def test_peak_never_below_the_monthly_average():
    profile = parse_profile({**BASE, "peak_requests_per_minute": 0.1})
    assert profile.effective_peak_rpm == pytest.approx(120000 / 43200)


# -- figures that contradict each other are refused, naming both fields ------------------

_SECONDS = st.floats(min_value=0.01, max_value=600)


@settings(max_examples=200, deadline=None)
@given(ttft=_SECONDS, p95=_SECONDS, in_a_step=st.booleans())
def test_a_first_token_after_the_calls_p95_is_refused(ttft, p95, in_a_step):
    # ttft_s 3 with model_p95_s 2.4 was clamped to 2.4 without a word: feasible against a 2.5 s budget.
    timings = {"ttft_s": ttft, "model_p95_s": p95}
    if in_a_step:
        data = {**BASE, "steps": [{"name": "answer", "input_tokens": 10, "output_tokens": 10, **timings}]}
        del data["input_tokens"], data["output_tokens"]
    else:
        data = {**BASE, **timings}
    if ttft <= p95:
        parse_profile(data)
        return
    with pytest.raises(InputError) as caught:
        parse_profile(data)
    assert caught.value.field == ("steps.answer.ttft_s" if in_a_step else "ttft_s")
    assert "must be at most model_p95_s" in caught.value.message


@settings(max_examples=200, deadline=None)
@given(
    month=st.one_of(st.just(0), st.integers(0, 10_000_000)),
    peak=st.floats(min_value=0, max_value=100_000),
    minutes=st.one_of(st.none(), st.floats(min_value=1, max_value=1_440)),
)
def test_a_peak_bigger_than_the_whole_month_is_refused(month, peak, minutes):
    data = {**BASE, "requests_per_month": month, "peak_requests_per_minute": peak}
    if minutes is not None:
        data["peak_minutes"] = minutes
    if peak <= month / (60 if minutes is None else minutes):
        parse_profile(data)
        return
    with pytest.raises(InputError) as caught:
        parse_profile(data)
    assert caught.value.field == "peak_requests_per_minute"
    message = caught.value.message
    assert "more than requests_per_month" in message and "peak_minutes" in message


def test_the_peak_message_says_the_figures(tmp_path, capsys):
    text = (EXAMPLES / "chatbot.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data.update(requests_per_month=100, peak_requests_per_minute=400, peak_minutes=10)
    path = write(tmp_path, yaml.safe_dump(data))
    code, out, err = run_cli(capsys, "recommend", str(path))
    assert code == 2 and out == ""
    assert err == (
        f"advisor: error: {path}: field 'peak_requests_per_minute': is more than the whole month holds: for "
        "peak_minutes (10 minutes) it makes 4,000 requests, more than requests_per_month (100); lower it or peak_minutes, "
        "or raise requests_per_month (got 400 a minute)\n"
    )


@settings(max_examples=100, deadline=None)
@given(price=st.floats(min_value=0.01, max_value=100), cached=st.floats(min_value=0.01, max_value=100))
def test_a_cached_input_price_above_the_input_price_is_refused(price, cached):
    pricing = {"input_per_mtok": price, "output_per_mtok": 1, "cached_input_per_mtok": cached}
    data = {**BASE, "pricing": pricing}
    if cached <= price:
        parse_profile(data)
        return
    with pytest.raises(InputError, match="must be at most input_per_mtok") as caught:
        parse_profile(data)
    assert caught.value.field == "pricing.cached_input_per_mtok"


def test_every_example_file_is_valid():
    examples = sorted(Path("examples").glob("*.yaml"))
    assert len(examples) >= 8
    for path in examples:
        assert load_profile(path).name


BAD_CASES = [
    # (yaml text, expected field, fragment of the message)
    ("name: [unclosed", None, "not valid YAML"),
    ("", None, "empty"),
    ("- a\n- b\n", None, "got a list"),
    ("just a string\n", None, "got a str"),
    (yaml.safe_dump({**BASE, "latency_budget_s": "fast"}), "latency_budget_s", "number"),
    (yaml.safe_dump({**BASE, "requests_per_month": 1.5}), "requests_per_month", "whole number"),
    (yaml.safe_dump({**BASE, "chained_calls": True}), "chained_calls", "integer"),
    (yaml.safe_dump({**BASE}).replace("latency_budget_s: 4", "latency_budget_s: .nan"), "latency_budget_s", "finite"),
    (yaml.safe_dump({**BASE}).replace("latency_budget_s: 4", "latency_budget_s: .inf"), "latency_budget_s", "finite"),
    (yaml.safe_dump({**BASE, "input_tokens": -5}), "input_tokens", "greater than or equal to 0"),
    (yaml.safe_dump({**BASE, "latency_budget_s": 0}), "latency_budget_s", "greater than or equal to 0.01"),
    (yaml.safe_dump({**BASE, "cached_input_fraction": 1.5}), "cached_input_fraction", "less than or equal to 1"),
    (yaml.safe_dump({**BASE, "requests_per_month": 10**15}), "requests_per_month", "less than or equal to"),
    (yaml.safe_dump({**BASE, "interaction": "chatbot"}), "interaction", "'chat'"),
    (yaml.safe_dump({**BASE, "downstream": "bank"}), "downstream", "'compliance_critical'"),
    (yaml.safe_dump({**BASE, "current_mode": "realtime"}), "current_mode", "'streaming'"),
    (yaml.safe_dump({**BASE, "latency_budget": 4}), "latency_budget", "did you mean 'latency_budget_s'"),
    (yaml.safe_dump({k: v for k, v in BASE.items() if k != "model"}), "model", "required"),
    # A misspelt required field is named as the mistake it is, not as the field it left missing.
    (yaml.safe_dump(BASE).replace("latency_budget_s:", "latency_budjet_s:"), "latency_budjet_s",
     "unknown field; did you mean 'latency_budget_s'?"),
    (yaml.safe_dump({**{k: v for k, v in BASE.items() if k not in ("input_tokens", "output_tokens")},
                     "steps": [{"name": "answer", "input_tokens": 10, "output_token": 5}]}),
     "steps.answer.output_token", "unknown field; did you mean 'output_tokens'?"),
    (yaml.safe_dump({**BASE, "pricing": {"input_per_mtok": -1, "output_per_mtok": 1}}), "pricing.input_per_mtok", "greater than or equal to 0"),
    (yaml.safe_dump({**BASE, "pricing": {"input_per_mtok": 1, "output_per_mtok": 1, "discount": 0.5}}), "pricing.discount", "did you mean 'batch_discount'"),
    (yaml.safe_dump({**BASE, "name": "Chat\x1b[31m red"}), "name", "no control characters"),
    (yaml.safe_dump({**BASE, "name": "two\nlines"}), "name", "line breaks"),
    (yaml.safe_dump({**BASE, "description": "bell\x07"}), "description", "no other control characters"),
]


@pytest.mark.parametrize("text, field, fragment", BAD_CASES)
def test_bad_workload_gets_one_clear_message(tmp_path, capsys, text, field, fragment):
    path = write(tmp_path, text)
    code, out, err = run_cli(capsys, "recommend", str(path))
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1, err  # one line
    assert str(path) in err
    if field:
        assert f"field '{field}'" in err
    assert fragment in err


def test_missing_file(capsys, tmp_path):
    code, _, err = run_cli(capsys, "recommend", str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "no such file" in err


def test_folder_instead_of_file(capsys, tmp_path):
    code, _, err = run_cli(capsys, "recommend", str(tmp_path))
    assert code == 2
    assert "is a folder" in err


def test_not_utf8(capsys, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_bytes(b"name: \xff\xfe\n")
    code, _, err = run_cli(capsys, "recommend", str(path))
    assert code == 2 and "UTF-8" in err


def test_yaml_alias_bomb_is_refused_quickly(capsys, tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(ord("b"), ord("j")):
        prev = chr(i - 1)
        lines.append(f"{chr(i)}: &{chr(i)} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    code, _, err = run_cli(capsys, "recommend", str(path))
    assert code == 2
    assert "aliases" in err


def test_python_tags_are_not_executed(capsys, tmp_path):
    path = write(tmp_path, "name: !!python/object/apply:os.system ['echo pwned']\n")
    code, _, err = run_cli(capsys, "recommend", str(path))
    assert code == 2
    assert "not valid YAML" in err


def test_api_raises_input_error_for_non_mapping():
    with pytest.raises(InputError, match="expected a mapping"):
        parse_profile(["not", "a", "mapping"])


# -- parsers never fail with anything but a clear InputError ------------------------------

_JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(profile_dicts(), st.sampled_from((*FIELD_NAMES, "unknown_field")), _JUNK)
def test_any_value_in_any_field_is_accepted_or_named(profile, field, value):
    try:
        parse_profile({**profile, field: value})
    except InputError as exc:
        # The field given, or, where the value breaks a rule between two fields, the other one
        # with the given one named in its message ("model_p95_s: must be at least model_p50_s").
        assert exc.field and (exc.field.split(".")[0] == field or field in str(exc))
        assert "\n" not in str(exc)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_is_a_clear_yaml_error(text):
    try:
        parse_yaml(text, "w.yaml")
    except InputError as exc:
        assert str(exc).startswith("w.yaml: ")


@settings(max_examples=100, deadline=None)
@given(profile_dicts())
def test_a_profile_survives_a_round_trip_through_yaml(profile):
    # advisor's own writer: PyYAML's leaves a name like 0E0 bare, which advisor reads as a number.
    parsed = parse_profile(profile)
    again = parse_profile(parse_yaml(dump_yaml(parsed.model_dump(mode="json", exclude_none=True)), "w.yaml"))
    assert again == parsed


def _chatbot() -> dict:
    return yaml.safe_load((EXAMPLES / "chatbot.yaml").read_text(encoding="utf-8"))


def test_every_missing_required_field_is_named_in_the_first_message(tmp_path, capsys):
    # `name: x` alone said "field 'interaction': required field is missing [and 5 more
    # problems]": six runs to learn the six required fields.
    path = tmp_path / "w.yaml"
    path.write_text("name: x\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "recommend", path)
    assert (code, out) == (2, "")
    assert err == (
        f"advisor: error: {path}: required fields are missing: interaction, latency_budget_s, input_tokens, "
        "output_tokens, requests_per_month, model (or describe the calls as 'steps' instead of input_tokens and "
        "output_tokens)\n"
    )
    # A step's missing fields are named by the step; the other problems stay as they were, counted.
    with pytest.raises(InputError) as info:
        parse_profile({"name": "x", "interaction": "chat", "steps": [{"name": "a"}], "model": "m",
                       "downstream": "telepathy"}, source="w.yaml")
    assert str(info.value) == (
        "w.yaml: required fields are missing: latency_budget_s, requests_per_month, steps.a.input_tokens, "
        "steps.a.output_tokens [and 1 more problem]"
    )
    with pytest.raises(InputError) as info:
        one_call = {k: v for k, v in _chatbot().items() if k not in ("input_tokens", "output_tokens")}
        parse_profile({**one_call, "steps": [{"name": "a", "input_tokens": 5, "output_tokens": 5}, {"name": "b"}]},
                      source="w.yaml")
    assert str(info.value) == "w.yaml: field 'steps.b': required fields are missing: input_tokens, output_tokens"
    # One missing field, or a missing field after another problem: as before.
    chatbot = _chatbot()
    del chatbot["model"]
    with pytest.raises(InputError, match=r"^w\.yaml: field 'model': required field is missing$"):
        parse_profile(chatbot, source="w.yaml")
    with pytest.raises(InputError, match=r"^w\.yaml: field 'latency_budget_s': input should be .*\[and 2 more"):
        parse_profile({"name": "x", "interaction": "chat", "latency_budget_s": -1, "input_tokens": 5,
                       "output_tokens": 5}, source="w.yaml")


def test_every_problem_of_a_workload_is_named_with_its_field():
    """parse_profile stops at the first problem (and says how many more); a form marks them all."""
    from advisor.core.profile import profile_problems

    data = {"name": "", "interaction": "telepathy", "latency_budget_s": -1, "model": "gpt-4o-mini"}
    problems = profile_problems(data, source="w.yaml")
    assert [p.field for p in problems] == [
        "name", "interaction", "latency_budget_s", "input_tokens", "output_tokens", "requests_per_month"
    ]
    assert all(str(p).startswith(f"w.yaml: field '{p.field}': ") for p in problems)
    with pytest.raises(InputError, match=r"\[and 5 more problems\]"):
        parse_profile(data, source="w.yaml")
    assert profile_problems(yaml.safe_load((EXAMPLES / "chatbot.yaml").read_text("utf-8"))) == []


# -- a number too big for a count -----------------------------------------------------------

def _integer_fields() -> list[tuple[str, dict, str]]:
    """(field, a valid workload with the field set to "VALUE", the field's path in messages)
    for every integer field of a workload: its own, a step's, the costs' and the evidence's."""
    from advisor.core.profile import CostOptions, Evidence, Step, WorkloadProfile

    def integer(model, name):
        annotation = model.model_fields[name].annotation
        return annotation in (int, int | None)

    steps_base = {k: v for k, v in BASE.items() if k not in ("input_tokens", "output_tokens")}
    evidence = {"traces": 10, "spans": 30, "start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z"}
    within = {
        WorkloadProfile: lambda name: ({**BASE, name: "VALUE"}, name),
        Step: lambda name: (
            {**steps_base, "steps": [{"name": "answer", "input_tokens": 10, "output_tokens": 5, name: "VALUE"}]},
            f"steps.answer.{name}",
        ),
        CostOptions: lambda name: ({**BASE, "costs": {name: "VALUE"}}, f"costs.{name}"),
        Evidence: lambda name: ({**BASE, "evidence": {**evidence, name: "VALUE"}}, f"evidence.{name}"),
    }
    found = [
        (name, *within[model](name)) for model in within for name in model.model_fields if integer(model, name)
    ]
    assert len(found) >= 12  # the workload's counts, a step's, the amortisation, the traces and spans
    return found


def _with(data: dict, value: object) -> dict:
    """``data`` with its "VALUE" placeholder replaced by ``value``."""
    if isinstance(data, dict):
        return {k: _with(v, value) for k, v in data.items()}
    if isinstance(data, list):
        return [_with(v, value) for v in data]
    return value if data == "VALUE" else data


@pytest.mark.parametrize(("field", "data", "path"), [pytest.param(*case, id=case[2]) for case in _integer_fields()])
@pytest.mark.parametrize(
    ("written", "value", "whole"),
    [pytest.param("1e308", 1e308, 10**400, id="1e308"), pytest.param(".inf", float("inf"), 10**400, id="inf"),
     pytest.param("-1e308", -1e308, -(10**400), id="-1e308"),
     pytest.param("-.inf", float("-inf"), -(10**400), id="-inf")],
)
def test_a_count_too_big_for_any_integer_gets_its_range_not_a_valid_integer(
    tmp_path, field, data, path, written, value, whole
):
    """1e308 (which YAML keeps as a float: no integer of 309 digits is read from an exponent)
    and inf are refused for their size, as 1e12 is, naming what is allowed: in a file, in the
    API and in the questionnaire (which checks its answers with profile_problems)."""
    from advisor.core.profile import profile_problems

    # What the field says of an integer as far out: its own range, worded by pydantic.
    [as_integer] = [p for p in profile_problems(_with(data, whole)) if p.field == path]
    bound = as_integer.message.rsplit(" (got ", 1)[0]
    assert bound.startswith("input should be ") and "valid integer" not in bound
    expected = f"field '{path}': {bound} (got {written.replace('.inf', 'inf').replace('1e308', '1e+308')})"

    text = yaml.safe_dump(_with(data, "VALUE"), sort_keys=False).replace("VALUE", written)
    with pytest.raises(InputError) as from_file:
        load_profile(write(tmp_path, text))
    assert expected in str(from_file.value)
    with pytest.raises(InputError) as from_api:
        parse_profile(_with(data, value))
    assert expected in str(from_api.value)
    [in_form] = [str(p) for p in profile_problems(_with(data, value)) if p.field == path]
    assert in_form.endswith(expected)


@pytest.mark.parametrize(("written", "message"), [
    ("1.5", "must be a whole number (got 1.5)"),  # a fraction: not whole, whatever its size
    ("1e12", "input should be less than or equal to 100000000000 (got 1,000,000,000,000)"),
    ("1e308", "input should be less than or equal to 100000000000 (got 1e+308)"),
    # Inside the range: refused for its type, and shown as written ("(got 100)" looked valid).
    ("100.0", "must be a whole number, written without a decimal point (got 100.0)"),
    ("1000.", "must be a whole number, written without a decimal point (got 1000.0)"),
    ("250000.0", "must be a whole number, written without a decimal point (got 250,000.0)"),
])
def test_a_float_for_a_count_is_told_its_range_only_when_outside_it(tmp_path, written, message):
    text = yaml.safe_dump(BASE).replace("requests_per_month: 120000", f"requests_per_month: {written}")
    with pytest.raises(InputError) as caught:
        load_profile(write(tmp_path, text))
    assert str(caught.value).endswith(f"field 'requests_per_month': {message}")


# -- messages say what is allowed in words, not as a pattern or a Python repr ---------------

_STEP = {"name": "a", "input_tokens": 1, "output_tokens": 1}
_STEPS = {key: value for key, value in BASE.items() if key not in ("input_tokens", "output_tokens")}


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([{**_STEP, "name": f"s{i}"} for i in range(101)], "field 'steps': must have at most 100 items (got 101)"),
        ([], "field 'steps': must have at least 1 item (got 0)"),
        ([_STEP, _STEP], "field 'steps': two steps are named 'a'; each step needs a name of its own"),
        ([{**_STEP, "shown": True}, {**_STEP, "name": "b", "shown": True}],
         "field 'steps': 'a' and 'b' both have shown: true; at most one step is shown (default: the last)"),
    ],
)
def test_a_list_of_steps_is_told_what_is_wrong_in_words(steps, message):
    # "list should have at most 100 items after validation, not 101"; "(got [{'name': 'triage', ...".
    with pytest.raises(InputError) as caught:
        parse_profile({**_STEPS, "steps": steps})
    assert str(caught.value) == f"workload: {message}"


_EVIDENCE = {"traces": 10, "spans": 20, "start": "2026-11-01T00:00:00Z", "end": "2026-11-02T00:00:00Z"}


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=30), st.sampled_from(["2026-11-01", "2026-11-01T00:00:00", "2026-11-01 00:00:00Z"])))
@example("\\d")  # echoed back as typed: found by the property, once
@example("pattern")
def test_a_time_in_the_evidence_is_said_as_a_time_not_a_pattern(start):
    try:
        parse_profile({**BASE, "evidence": {**_EVIDENCE, "start": start}})
    except InputError as exc:
        # The value typed is echoed back ("(got '\\d')"): only the words around it are checked.
        words = exc.message.split(" (got ")[0]
        assert "pattern" not in words and "\\d" not in words
        if exc.field == "evidence.start" and "before" not in exc.message:
            assert exc.message.startswith("must be a UTC time like 2026-11-01T00:00:00Z (got ")
