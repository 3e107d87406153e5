"""Perf round 29: the quicker paths write and read exactly what the plain ones did.

- A review row's JSON (``_json`` in advisor.views.review) writes each plain value of a list or
  a mapping by its exact type, without a call of its own: the text is still json.dumps's
  (indent 2, UTF-8 as is, no NaN) at the row's depth, for every kind of value a row holds
  and for subclasses (an enum of text or of numbers), which take the general way.
- ``each`` (advisor.core.errors) passes each entry's arguments as zip makes them: every
  argument in its place, an earlier error kept, a step's own error caught.
- ``read_bytes`` (advisor.core.files) takes a Path as it is: the file it reads and the name
  its errors give are those of the path given, as a text path is still read as a Path.
- The YAML loader tests a mapping's value for a colon before it calls ``refuse_base_60``: a
  base-60 number is still refused, naming its field; text with a colon is still text.
"""

from __future__ import annotations

import enum
import json
import math
from pathlib import Path
from typing import Any

import pytest

from advisor.core.errors import AdvisorError, InputError, each
from advisor.core.files import read_bytes
from advisor.views.review import _json


class _Word(enum.StrEnum):
    SYNC = "sync"


class _Count(enum.IntEnum):
    TWO = 2


_VALUES: list[Any] = [
    "plain", "naïve \u2013 \u201cquoted\u201d \"x\" \\ \n\t\x00", "", 0, -7, 10**20, True, False, None,
    0.1, -0.0, 1e16, 1.5e-300, 123456789.123, _Word.SYNC, _Count.TWO,
    [], {}, (), ["a", 1, 2.5, None, True], ("x", "y"), {"k": "v", "n": 3, "f": 0.25, "b": False, "z": None},
    {"nested": [{"a": [1, [2, {}]], "b": ()}, [], [[]]], "enum": _Word.SYNC, "count": _Count.TWO},
]


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_a_rows_json_is_json_dumps_at_its_depth(level: int) -> None:
    row = {f"key {i}": value for i, value in enumerate(_VALUES)}
    row["list of all"] = list(_VALUES)
    row["risks"] = [{"kind": "rate_limit", "severity": 1.0, "source_ids": ("a", "b"), "live": True},
                    {"kind": "shutdown", "severity": 0.5, "source_ids": (), "live": None}]
    for value in (row, list(_VALUES), *_VALUES):
        expected = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False).replace("\n", "\n" + "  " * level)
        assert _json(value, level) == expected


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_rows_json_still_refuses_what_json_has_not(bad: float) -> None:
    for value in (bad, [1, bad], {"a": bad}, {"a": [{"b": bad}]}):
        with pytest.raises(ValueError, match="not JSON compliant"):
            _json(value, 1)


def test_each_passes_every_argument_and_keeps_every_error() -> None:
    earlier = InputError("bad file", source="a.yaml")

    def step(item: Any, second: Any, third: Any) -> Any:
        if item == "raise":
            raise InputError("bad value", source=str(second))
        return (item, second, third)

    done = each(step, ["one", earlier, "raise", "four"], [1, 2, 3, 4], ["x", "y", "z", "w"])
    assert done[0] == ("one", 1, "x")
    assert done[1] is earlier
    assert isinstance(done[2], AdvisorError) and "bad value" in str(done[2])
    assert done[3] == ("four", 4, "w")
    assert each(lambda item: item * 2, [1, earlier, 3]) == [2, earlier, 6]
    with pytest.raises(ValueError):  # the lists must be as long as each other
        each(step, ["one"], [1, 2], ["x"])


def test_read_bytes_reads_a_path_as_it_reads_its_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "w.yaml").write_bytes(b"name: x\n")
    assert read_bytes(Path("sub/w.yaml")) == read_bytes("sub/w.yaml") == read_bytes("./sub//w.yaml") == b"name: x\n"
    messages = []
    for given in (Path("sub/missing.yaml"), "sub/missing.yaml", "./sub//missing.yaml"):
        with pytest.raises(InputError) as caught:
            read_bytes(given)
        messages.append(str(caught.value))
    assert messages[0] == messages[1] == messages[2]
    assert "sub/missing.yaml" in messages[0] and "./" not in messages[0]


def test_a_base_60_value_is_still_refused_and_text_with_a_colon_still_read() -> None:
    from advisor.core.yamlio import parse_yaml

    with pytest.raises(InputError) as caught:
        parse_yaml("name: x\nlatency_budget_s: 1:30\n", "w.yaml")
    assert "1:30 is a base-60 number in YAML 1.1 (90)" in str(caught.value)
    assert caught.value.field == "latency_budget_s"
    assert parse_yaml("name: 'a: b'\nat: '1:30'\nplain: a:b\nlist: [1:30x]\n", "w.yaml") == {
        "name": "a: b", "at": "1:30", "plain": "a:b", "list": ["1:30x"],
    }
