"""Value classes: dataclasses immutable to the type checker, and as cheap as plain ones at run time.

A frozen dataclass pays for its immutability twice in Python 3.11: at import, each class
execs a generated ``__setattr__`` and ``__delattr__``, and every construction sets each
field through ``object.__setattr__`` (a full assessment's JSON ran about 10% slower for
it). A value class is held frozen by the type checker instead: ``value_class`` is marked
with PEP 681's ``dataclass_transform(frozen_default=True)``, so mypy rejects an assignment
to a field of one (``Property "x" of "C" is read-only``) as it did a frozen dataclass's.
At run time it is a plain dataclass with the ``__eq__`` and the hash of its fields that a
frozen one has (``unsafe_hash=True``): an instance is still a dict key, a set member, a
cache key.

Nothing stops an assignment the type checker does not see (``setattr``, ``# type:
ignore``); the package makes none. ``dataclasses.replace`` makes a changed copy, as ever.

It imports only the standard library: every layer may use it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar, dataclass_transform, overload

_T = TypeVar("_T")


@overload
def value_class(cls: type[_T], /) -> type[_T]: ...


@overload
def value_class(*, slots: bool = False) -> Callable[[type[_T]], type[_T]]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def value_class(cls: type[_T] | None = None, /, *, slots: bool = False) -> type[_T] | Callable[[type[_T]], type[_T]]:
    """``@value_class`` or ``@value_class(slots=True)``: a dataclass (``slots`` as
    ``dataclass``'s) that the type checker holds frozen, equal and hashed by its fields as a
    frozen one is, without a frozen one's cost at import and at every construction."""

    def wrap(cls: type[_T]) -> type[_T]:
        return dataclasses.dataclass(cls, unsafe_hash=True, slots=slots)

    return wrap if cls is None else wrap(cls)
