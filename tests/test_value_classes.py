"""Value classes (advisor.core.value_class): frozen to the type checker, plain dataclasses at
run time, equal and hashed by their fields as the frozen dataclasses they replace were.

Every class of the package made with ``@value_class`` is found in the source with ``ast`` and
checked on instances of it: equal ones hash alike (they are dict keys, set members and cache
keys), ``dataclasses.replace`` makes a changed copy, and a class keeps its slots or its
``__dict__`` (``functools.cached_property`` needs one). mypy, on a snippet, rejects an
assignment to a field, which nothing at run time stops any more.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import importlib
import pickle
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from advisor.core.value_class import value_class

from .conftest import ROOT

PACKAGE = ROOT / "advisor"


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _decorator_slots(node: ast.ClassDef) -> bool | None:
    """None: not a value class; else whether it asks for slots."""
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Name) and decorator.id == "value_class":
            return False
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name) and decorator.func.id == "value_class":
            return any(k.arg == "slots" and isinstance(k.value, ast.Constant) and k.value.value is True
                       for k in decorator.keywords)
    return None


def _value_classes() -> list[tuple[type[Any], bool]]:
    """(class, slots) for every class of the package decorated with ``value_class``."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and (slots := _decorator_slots(node)) is not None:
                found.append((getattr(importlib.import_module(_module_name(path)), node.name), slots))
    return found


VALUE_CLASSES = _value_classes()


def _fields_of(cls: type[Any], tag: str = "") -> dict[str, Any]:
    """A value for each field of ``cls`` given to ``__init__``: hashable, and distinct per field."""
    return {f.name: ("value", f.name, tag) for f in dataclasses.fields(cls) if f.init}


def test_the_package_has_value_classes_and_no_frozen_dataclass():
    names = {cls.__qualname__ for cls, _ in VALUE_CLASSES}
    assert {"Calls", "Percentiles", "RuleSet", "ModeCost", "StepRow", "RecordInputs"} <= names
    frozen = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if (isinstance(node, ast.Call)
                    and (getattr(node.func, "id", None) == "dataclass" or getattr(node.func, "attr", None) == "dataclass")
                    and any(k.arg == "frozen" for k in node.keywords)):
                frozen.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert frozen == [], "a frozen dataclass; use advisor.core.value_class.value_class instead"


def test_the_decorator_module_imports_only_the_standard_library():
    path = PACKAGE / "core" / "value_class.py"
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "imports nothing of the package"
            imported.add((node.module or "").split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


@pytest.mark.parametrize(("cls", "slots"), VALUE_CLASSES, ids=lambda x: getattr(x, "__qualname__", str(x)))
def test_a_value_class_is_equal_and_hashed_by_its_fields(cls: type[Any], slots: bool):
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert not params.frozen  # frozen only to the type checker: no __setattr__ of its own
    # __eq__ and __hash__ are value_class's own (dataclass is asked for neither: it would compile them)
    assert cls.__eq__ is not object.__eq__ and cls.__hash__ is not object.__hash__
    assert cls.__setattr__ is object.__setattr__
    a, b = cls(**_fields_of(cls)), cls(**_fields_of(cls))
    assert a == b and a is not b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1 and {a: 1}[b] == 1
    # The hash a frozen dataclass had: that of its compared fields' values, in order.
    compared = [f for f in dataclasses.fields(cls) if f.compare and f.hash is not False]
    assert hash(a) == hash(tuple(getattr(a, f.name) for f in compared))


@pytest.mark.parametrize(("cls", "slots"), VALUE_CLASSES, ids=lambda x: getattr(x, "__qualname__", str(x)))
def test_replace_makes_a_changed_copy_and_copies_round_trip(cls: type[Any], slots: bool):
    a = cls(**_fields_of(cls))
    name = next(iter(_fields_of(cls)))
    changed = dataclasses.replace(a, **{name: "other"})
    assert getattr(changed, name) == "other" and getattr(a, name) == ("value", name, "")
    assert changed != a and changed == cls(**(_fields_of(cls) | {name: "other"}))
    assert copy.copy(a) == a and pickle.loads(pickle.dumps(a)) == a
    # Slots as before: a slotted class has no __dict__; the others keep theirs (RuleSet's
    # cached properties live in it, the ADR's rows are read through it).
    assert hasattr(a, "__dict__") is not slots


def test_fields_with_unhashable_values_refuse_a_hash_as_before():
    @value_class
    class Holder:
        items: list[int]

    assert Holder([1]) == Holder([1])
    with pytest.raises(TypeError, match="unhashable"):
        hash(Holder([1]))


def test_the_decorator_takes_field_specifiers_and_slots():
    @value_class(slots=True)
    class Point:
        x: float
        tags: tuple[str, ...] = dataclasses.field(default=(), compare=False)

    assert Point(1.0, ("a",)) == Point(1.0, ("b",))
    assert hash(Point(1.0, ("a",))) == hash(Point(1.0, ("b",))) == hash((1.0,))
    assert not hasattr(Point(1.0), "__dict__")
    assert repr(Point(1.0)) == "test_the_decorator_takes_field_specifiers_and_slots.<locals>.Point(x=1.0, tags=())"


def test_mypy_rejects_an_assignment_to_a_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    api = pytest.importorskip("mypy.api")
    snippet = tmp_path / "snippet.py"
    snippet.write_text(textwrap.dedent("""\
        import dataclasses

        from advisor.core.distribution import Calls
        from advisor.core.value_class import value_class


        @value_class
        class Point:
            x: float
            tags: tuple[str, ...] = dataclasses.field(default=())


        @value_class(slots=True)
        class Slotted:
            x: float


        point = Point(1.0)
        moved = dataclasses.replace(point, x=3.0)
        point.x = 2.0
        Slotted(1.0).x = 2.0
        Calls(1, 0.5, 1.0).p50 = 3.0
        Point(1.0, ("a",), 2)
    """))
    monkeypatch.setenv("MYPYPATH", str(ROOT))  # this checkout's package, whatever is installed
    stdout, stderr, status = api.run([
        "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "cache"),
        "--follow-imports", "silent", "--no-error-summary", "--show-column-numbers", str(snippet),
    ])
    errors = [line.split(": ", 1)[1] for line in stdout.splitlines() if ": error: " in line or ": note: " in line]
    assert status == 1, stdout + stderr
    assert errors == [
        'error: Property "x" defined in "Point" is read-only  [misc]',
        'error: Property "x" defined in "Slotted" is read-only  [misc]',
        'error: Property "p50" defined in "Calls" is read-only  [misc]',
        'error: Too many arguments for "Point"  [call-arg]',
    ], stdout
    assert [line.split(":")[1] for line in stdout.splitlines()] == ["20", "21", "22", "23"]
