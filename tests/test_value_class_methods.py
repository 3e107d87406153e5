"""A value class's ``__eq__``, ``__hash__`` and ``__repr__`` are value_class's own closures
(dataclass compiled them from source for every class, about half of the time a class took
to make at start-up); they must give what the frozen dataclass they stand for gives.

Each value class of the package is checked against its twin: a frozen dataclass made from
the same fields with the same ``compare``, ``hash`` and ``repr`` options.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import pytest

from advisor.core.value_class import value_class

from .test_value_classes import VALUE_CLASSES


def _twin(cls: type[Any]) -> type[Any]:
    """A frozen dataclass with ``cls``'s fields, options and qualified name (repr shows it)."""
    fields = [
        (f.name, Any, dataclasses.field(compare=f.compare, hash=f.hash, repr=f.repr))
        for f in dataclasses.fields(cls)
        if f.init
    ]
    twin = dataclasses.make_dataclass(cls.__name__, fields, frozen=True)
    twin.__qualname__ = cls.__qualname__
    return twin


def _values(cls: type[Any], tag: str) -> dict[str, Any]:
    return {f.name: ("value", f.name, tag) for f in dataclasses.fields(cls) if f.init}


@pytest.mark.parametrize(("cls", "slots"), VALUE_CLASSES, ids=lambda x: getattr(x, "__qualname__", str(x)))
def test_a_value_class_compares_hashes_and_shows_as_its_frozen_dataclass_twin(cls: type[Any], slots: bool):
    twin = _twin(cls)
    same, other = _values(cls, ""), _values(cls, "other")
    a, b, c = cls(**same), cls(**same), cls(**other)
    ta, tb, tc = twin(**same), twin(**same), twin(**other)
    assert repr(a) == repr(ta) and repr(c) == repr(tc)
    assert hash(a) == hash(ta) == hash(b) and hash(c) == hash(tc)
    assert (a == b, a == c, a != c) == (ta == tb, ta == tc, ta != tc)
    # Another class, even with equal fields, is not equal (as a dataclass's __eq__ says).
    assert (a == ta, a.__eq__(ta)) == (False, NotImplemented)


def test_field_options_a_single_field_and_no_field_as_dataclass_has_them():
    @value_class
    class Tagged:
        x: float
        note: str = dataclasses.field(default="", compare=False)
        secret: str = dataclasses.field(default="", repr=False)
        cached: int = dataclasses.field(default=0, hash=False)

    @dataclasses.dataclass(frozen=True)
    class TaggedTwin:
        x: float
        note: str = dataclasses.field(default="", compare=False)
        secret: str = dataclasses.field(default="", repr=False)
        cached: int = dataclasses.field(default=0, hash=False)

    for args, other in [((1.0, "a", "s", 1), (1.0, "b", "s", 2)), ((math.nan,), (math.nan,))]:
        assert (Tagged(*args) == Tagged(*other)) == (TaggedTwin(*args) == TaggedTwin(*other))
        assert hash(Tagged(*args)) == hash(TaggedTwin(*args))
        assert repr(Tagged(*args)).split("(", 1)[1] == repr(TaggedTwin(*args)).split("(", 1)[1]
    assert repr(Tagged(1.0, "a", "s", 1)).endswith("Tagged(x=1.0, note='a', cached=1)")

    @value_class(slots=True)
    class One:
        x: float

    nan = math.nan
    assert One(nan) == One(nan) and hash(One(2.0)) == hash((2.0,))  # a 1-tuple, as dataclass's
    assert One(1.0) != One(2.0)

    @value_class
    class Empty:
        pass

    assert Empty() == Empty() and hash(Empty()) == hash(()) and repr(Empty()).endswith("Empty()")


def test_a_value_class_that_holds_itself_shows_dots_as_dataclass_does():
    @value_class
    class Node:
        items: list[Any]

    node = Node([])
    node.items.append(node)
    assert repr(node).endswith("Node(items=[...])")
