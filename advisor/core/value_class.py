"""Value classes: dataclasses immutable to the type checker, and as cheap as plain ones at run time.

A frozen dataclass pays for its immutability twice in Python 3.11: at import, each class
execs a generated ``__setattr__`` and ``__delattr__``, and every construction sets each
field through ``object.__setattr__`` (a full assessment's JSON ran about 10% slower for
it). A value class is held frozen by the type checker instead: ``value_class`` is marked
with PEP 681's ``dataclass_transform(frozen_default=True)``, so mypy rejects an assignment
to a field of one (``Property "x" of "C" is read-only``) as it did a frozen dataclass's.
At run time it is a plain dataclass with the ``__eq__`` and the hash of its fields that a
frozen one has: an instance is still a dict key, a set member, a cache key.

Its ``__eq__``, ``__hash__`` and ``__repr__`` are closures over its fields' names, with the
results of the ones ``dataclass`` writes (tuples of the same fields compared, hashed and
shown). ``dataclass`` compiles each of those from generated source when the class is made:
about half the time a class takes, some 12 ms of ``recommend``'s start for its value
classes. Only ``__init__`` is still compiled: it runs on every construction. A closure's
``__eq__`` costs about 0.3 µs more a call; a full assessment's JSON makes about 250 such
calls (the latency's ``Calls``, hashed as a cache key).

Nothing stops an assignment the type checker does not see (``setattr``, ``# type:
ignore``); the package makes none. ``dataclasses.replace`` makes a changed copy, as ever.

It imports only the standard library: every layer may use it.
"""

from __future__ import annotations

import dataclasses
import operator
import reprlib
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

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
        return _with_methods(dataclasses.dataclass(cls, repr=False, eq=False, slots=slots))

    return wrap if cls is None else wrap(cls)


def _fields_of(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of the named fields of an instance, as dataclass's methods build it."""
    if len(names) > 1:
        return operator.attrgetter(*names)  # a tuple already
    if names:
        get = operator.attrgetter(names[0])
        return lambda self: (get(self),)
    return lambda self: ()


def _with_methods(cls: type[_T]) -> type[_T]:
    """``cls`` with the ``__eq__``, ``__hash__`` and ``__repr__`` of ``dataclass(eq=True,
    unsafe_hash=True)``: the same fields (``compare``, ``hash`` and ``repr`` as given to
    ``dataclasses.field``) compared, hashed and shown as tuples of them, with the same results."""
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    compared = _fields_of([f.name for f in fields if f.compare])
    hashed = _fields_of([f.name for f in fields if (f.compare if f.hash is None else f.hash)])
    shown = [f.name for f in fields if f.repr]

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        return f"{self.__class__.__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in shown)})"

    for method in (__eq__, __hash__, __repr__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)
    return cls
