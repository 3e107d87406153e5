"""Red-team round 5 on bad input: each test is a defect found, asserted as the user sees it
(one message naming where, exit status 2, no traceback, nothing written). The report is
/work/scratch/reports/redteam-input-5.md."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import advisor
from advisor import InputError

from .conftest import EXAMPLES, run_cli

CHATBOT = EXAMPLES / "chatbot.yaml"


# -- two records in force that share a number ----------------------------------------------------
# verify said "records 1 and 1 in d are both in force ...: retire the older, record 1: mark it
# superseded by record 1 (MADR: 'status: superseded by ADR-0001' ...)": a record told to name
# itself as its successor. With one number there is no newest; each needs a number of its own.

def test_two_records_in_force_with_one_number_are_not_told_to_supersede_themselves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "d"
    assert run_cli(capsys, "adr", CHATBOT, "--dir", folder, "--price-date", "2026-11-01")[0] == 0
    (first,) = folder.glob("0001-*.md")
    second = folder / "0001-pasted.md"
    shutil.copy(first, second)
    said = (f"{first} and {second} are both in force about {CHATBOT}: they share a number, so none can"
            " supersede another: give each record a number of its own, or set the status of each one no"
            " longer meant to deprecated")
    code, out, _ = run_cli(capsys, "verify", folder, "--price-date", "2026-11-01")
    assert code == 0 and said in out
    assert "superseded by record 1" not in out
    code, out, _ = run_cli(capsys, "verify", folder, "--price-date", "2026-11-01", "--format", "json")
    (several,) = json.loads(out)["several_records_in_force"]
    assert several["older"] == [] and several["fix"] == said


# -- an integer beyond a float's range, in a field that takes a decimal number ------------------
# It said "input should be a valid number (got 1000...)" of a number: pydantic's words when an
# int does not convert to a float. A count (an int field) already said the bound it passes.

@pytest.mark.parametrize(("digits", "got"), [(401, "100000000000000000"), (5001, "a 5,001-digit number")])
def test_a_huge_integer_for_a_decimal_field_is_said_to_be_too_large(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], digits: int, got: str
) -> None:
    workload = tmp_path / "w.yaml"
    text = CHATBOT.read_text(encoding="utf-8")
    workload.write_text(text.replace("latency_budget_s: 2.5", "latency_budget_s: 1" + "0" * (digits - 1)),
                        encoding="utf-8")
    code, out, err = run_cli(capsys, "recommend", workload)
    assert code == 2 and out == ""
    assert err.startswith(f"advisor: error: {workload}: field 'latency_budget_s': input should be less than or"
                          f" equal to 2592000 (got {got}")
    assert "valid number" not in err


def test_the_python_api_says_a_huge_negative_decimal_is_below_the_range() -> None:
    data = advisor.load_profile(CHATBOT).model_dump(exclude_none=True)
    with pytest.raises(InputError, match=r"field 'tool_latency_s': input should be greater than or equal to 0 \("):
        advisor.parse_profile({**data, "tool_latency_s": -(10**400)})


# -- a Python value nested too deep to show ------------------------------------------------------
# parse_profile of a dict a caller built (from JSON, say) with a list 100,000 deep in a field
# raised RecursionError while the message quoted the value: no InputError, no field named.

def test_a_value_nested_100000_deep_is_an_input_error_naming_its_field() -> None:
    data = advisor.load_profile(CHATBOT).model_dump(exclude_none=True)
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(InputError) as caught:
        advisor.parse_profile({**data, "description": deep})
    assert str(caught.value) == "workload: field 'description': input should be a valid string (got [[[[[[[...]]]]]]])"
