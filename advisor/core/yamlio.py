"""Safe YAML reading: ``yaml.safe_load`` semantics, read exactly, bounded.

- Only plain data (``SafeConstructor``), never Python objects.
- No aliases: workload and rule files never need anchors and aliases, and refusing them
  removes the "billion laughs" expansion attack without guessing a safe limit.
- A key written twice in one mapping is an error naming the key and both lines (YAML
  would silently keep the last one); so is a merge key (``<<``), which without aliases
  can only hide a second value for a key.
- Numbers in exponent form are numbers, as YAML 1.2 reads them: ``1e6``, ``1.5e3`` and
  ``2E-3`` (YAML 1.1 reads the first two as text). An exponent form that is a whole
  number is an integer, so ``requests_per_month: 1e6`` means 1,000,000.
- An integer with a leading zero (``0100``) is an error: YAML 1.1 reads it as octal (64),
  YAML 1.2 as decimal (100); which one the writer meant is not for the reader to guess.
  So is a number with colons (``1:30``, ``1:00:00``): YAML 1.1 reads it in base 60 (90,
  3600), YAML 1.2 as text.
- An integer too long to convert (Python refuses more than 4,300 digits) reaches
  validation as a number of the same size, so it gets the field's own "at most ..."
  error instead of a crash.
"""

from __future__ import annotations

import decimal
import re
import sys
from pathlib import Path
from typing import Any, ClassVar

import yaml
from yaml.constructor import SafeConstructor

from .errors import InputError
from .files import MAX_FILE_BYTES, read_text

# libyaml's parser when PyYAML has it (about 7x faster on a review of many files), with the
# same SafeConstructor as yaml.safe_load: only plain data, never Python objects.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_FLOAT_TAG = "tag:yaml.org,2002:float"
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
# Keys the general path treats specially: a merge key (refused) and YAML's value key ("=").
_SPECIAL_KEY_TAGS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})
_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# YAML 1.2's exponent forms that YAML 1.1 reads as text: no dot, or no sign in the exponent.
_EXPONENT_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$")
# Numbers the fast path builds itself (see _Loader.build).
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\.[0-9]+")
# Whole numbers in exponent form up to this many digits become integers (1e6 -> 1000000).
_MAX_WHOLE_DIGITS = 300


class HugeInt(int):
    """An integer literal too long to convert exactly: its sign and order of magnitude.

    It compares like the number it stands for against any bound a field can have, and
    shows itself as "a 5,000-digit number" in messages.
    """

    digits: int

    def __new__(cls, negative: bool, digits: int) -> HugeInt:
        value = 10 ** min(digits - 1, 4_000)
        self = super().__new__(cls, -value if negative else value)
        self.digits = digits
        return self

    def __repr__(self) -> str:
        sign = "negative " if self < 0 else ""
        return f"a {sign}{self.digits:,}-digit number"

    __str__ = __repr__


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    source = "YAML"

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Before SafeConstructor flattens merge keys and builds the dict (which keeps the last).
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                # Without aliases a merge key only hides a second value for a key: refuse it.
                raise InputError(
                    f"merge keys (<<) are not allowed in advisor files (line {key_node.start_mark.line + 1})",
                    source=self.source,
                )
            if not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self.construct_object(key_node, deep=deep)
            self.refuse_base_60(value_node, key)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: SafeConstructor reports it
                continue
            if first is None:
                seen[key] = line
            else:
                where = f"twice on line {line}" if first == line else f"on lines {first} and {line}"
                raise InputError(
                    f"duplicate key {_shown_key(key)} {where}: a key may appear once "
                    "(YAML would silently keep the last value)",
                    source=self.source,
                )
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # PyYAML's constructors raise plain Python errors for a value its tag cannot make: a date
        # that is no date (2026-02-30, read as a timestamp unquoted), an explicit !!int abc, a
        # !!bool maybe, a !!set of a list. Each becomes a YAML error naming the line.
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(None, None, _unreadable(node, exc), node.start_mark) from None

    def refuse_base_60(self, node: yaml.Node, key: Any = None) -> None:
        """YAML 1.1 reads 1:30 as a base-60 number (90), YAML 1.2 as text: refuse it, as a
        leading zero, naming the line, the field when known, and what to write."""
        if not (isinstance(node, yaml.ScalarNode) and node.tag in (_INT_TAG, _FLOAT_TAG) and ":" in node.value):
            return
        try:
            as_number = (SafeConstructor.construct_yaml_int if node.tag == _INT_TAG else
                         SafeConstructor.construct_yaml_float)(self, node)
        except ValueError as exc:  # !!int 1:x: no number in any base
            raise yaml.constructor.ConstructorError(None, None, _unreadable(node, exc), node.start_mark) from None
        shown = _number_text(as_number)
        raise InputError(
            f"line {node.start_mark.line + 1}: {node.value} is a base-60 number in YAML 1.1 ({shown}) and text in "
            f"YAML 1.2; write {shown} for the number, or quote it for text",
            source=self.source, field=key if isinstance(key, str) else None,
        )

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float | int:
        self.refuse_base_60(node)
        value = self.construct_scalar(node)
        number: float = super().construct_yaml_float(node)
        text = str(value).replace("_", "").strip()
        if "e" in text.lower() and ":" not in text and number == number and abs(number) != float("inf"):
            try:
                exact = decimal.Decimal(text)
            except decimal.InvalidOperation:
                return number
            if exact == exact.to_integral_value() and exact.adjusted() < _MAX_WHOLE_DIGITS:
                return int(exact)
        return number

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        self.refuse_base_60(node)
        text = str(self.construct_scalar(node)).replace("_", "")
        digits = text.lstrip("+-")
        if len(digits) > 1 and digits.startswith("0") and digits.isdigit():
            # YAML 1.1 reads 0100 as octal (64); YAML 1.2 as 100. Neither is a guess to make.
            raise InputError(
                f"line {node.start_mark.line + 1}: {node.value} has a leading zero, which YAML reads as an octal "
                "number; write it without the leading zero",
                source=self.source,
            )
        if digits.isdigit() and len(digits) > sys.get_int_max_str_digits() > 0 and not digits.startswith("0"):
            return HugeInt(text.startswith("-"), len(digits))
        return super().construct_yaml_int(node)  # type: ignore[no-any-return]


    # -- the fast path ------------------------------------------------------------------
    # Plain data (strings, numbers, lists, mappings with scalar keys) is built here directly,
    # about three times faster than SafeConstructor's general machinery; anything else (a
    # tag such as !!set or !!binary, a key that is a list or a mapping, YAML's "=" key) goes
    # through SafeConstructor as before. The same data and the same errors (a document with
    # several errors may name another of them first).

    # The tag of a short plain scalar, by its text: keys and small values repeat. Shared by
    # every loader (the resolvers never change), and bounded.
    _resolved: ClassVar[dict[tuple[str, Any], str]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit is not None and len(value) <= 64:
            key = (value, implicit)
            tag = self._resolved.get(key)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(self._resolved) < 20_000:
                    self._resolved[key] = tag
            return tag
        return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]

    # libyaml's composer calls these around every node; with no path resolvers registered
    # (advisor adds none) PyYAML's own only check that there are none.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def build(self, node: yaml.Node) -> Any:
        kind = type(node)
        if kind is yaml.ScalarNode:
            tag, text = node.tag, node.value
            if tag == _STR_TAG:
                return text
            # A plain decimal (no leading zero, which YAML 1.1 reads as octal; no underscores,
            # no exponent) is what int() and float() make of it, as the constructors would.
            if tag == _INT_TAG and len(text) <= 18 and _PLAIN_INT.fullmatch(text):
                return int(text)
            if tag == _FLOAT_TAG and len(text) <= 24 and _PLAIN_FLOAT.fullmatch(text):
                return float(text)
            return self.construct_object(node, deep=True)
        if kind is yaml.SequenceNode and node.tag == _SEQ_TAG:
            return [self.build(item) for item in node.value]
        if kind is yaml.MappingNode and node.tag == _MAP_TAG:
            pairs = node.value
            if all(type(k) is yaml.ScalarNode and k.tag not in _SPECIAL_KEY_TAGS for k, _ in pairs):
                # As construct_mapping: every key checked before any value is built.
                keys = [self.build(k) for k, _ in pairs]
                try:
                    unique = len(set(keys)) == len(keys)
                except TypeError:  # pragma: no cover - scalar keys are hashable
                    unique = False
                if unique:
                    for key, (_, v) in zip(keys, pairs, strict=True):
                        # refuse_base_60's own first test, here: a call for each value cost more.
                        if isinstance(v, yaml.ScalarNode) and ":" in v.value:
                            self.refuse_base_60(v, key)
                    return {key: self.build(v) for key, (_, v) in zip(keys, pairs, strict=True)}
        return self.construct_object(node, deep=True)  # the general path: its checks and errors


def _number_text(value: float) -> str:
    """90, 3600, 90.5: a number as one would write it in the file."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _unreadable(node: yaml.Node, exc: Exception) -> str:
    """Why a value cannot be made into what its tag says: the value, the tag, the reason."""
    tag = str(node.tag).rsplit(":", 1)[-1]
    if isinstance(node, yaml.ScalarNode):
        value = str(node.value)
        shown = repr(value if len(value) <= 60 else value[:57] + "...")
    else:
        shown = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
    reason = f" ({exc})" if isinstance(exc, (ValueError, OverflowError)) and str(exc) else ""
    if tag == "timestamp" and node.tag == "tag:yaml.org,2002:timestamp" and isinstance(node, yaml.ScalarNode):
        return (f"{shown} reads as a date, but is not one{reason}; write a real date, "
                "or quote it to give it as text")
    return f"{shown} cannot be read as !!{tag}{reason}"


def _shown_key(key: Any) -> str:
    text = repr(key) if not isinstance(key, str) else "'" + key + "'"
    return text if len(text) <= 60 else text[:57] + "..."


_Loader.add_constructor(_FLOAT_TAG, _Loader.construct_yaml_float)
_Loader.add_constructor(_INT_TAG, _Loader.construct_yaml_int)
_Loader.add_implicit_resolver(_FLOAT_TAG, _EXPONENT_FLOAT, list("-+0123456789."))


class Dumper(yaml.SafeDumper):
    """Writes YAML that ``parse_yaml`` reads back as it was: text such as "1e5" is quoted
    (the reader takes it for a number), and no aliases are written (the reader refuses them)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


Dumper.add_implicit_resolver(_FLOAT_TAG, _EXPONENT_FLOAT, list("-+0123456789."))


def dump_yaml(data: Any, **options: Any) -> str:
    """``data`` as YAML that advisor reads back unchanged (keys in their order, UTF-8 as is)."""
    settings: dict[str, Any] = {"sort_keys": False, "allow_unicode": True, **options}
    text: str = yaml.dump(data, Dumper=Dumper, **settings)
    return text


def _refuse_aliases(root: yaml.Node | None, source: str) -> None:
    """An alias makes two places of the node graph one node: refuse any node met twice."""
    seen: set[int] = set()
    stack = [] if root is None else [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            mark = node.start_mark
            where = f" (the anchor at line {mark.line + 1}, column {mark.column + 1} is reused)" if mark else ""
            raise InputError(f"YAML aliases (*name) are not allowed in advisor files{where}", source=source)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack += (key, value)
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


def parse_yaml(text: str, source: str) -> Any:
    """Parse one YAML document from ``text``; ``source`` names it in errors."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise InputError(f"file is larger than {MAX_FILE_BYTES:,} bytes", source=source)
    loader = _Loader(text)
    loader.source = source
    try:
        # One pass: compose the node graph, check it, then build plain data from it.
        root = loader.get_single_node()
        if "*" in text:  # an alias is written *name: without a star there is none to look for
            _refuse_aliases(root, source)
        return None if root is None else loader.build(root)
    except yaml.reader.ReaderError as exc:
        character = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise InputError(
            f"not valid YAML: character {character} at position {exc.position + 1:,} is not allowed ({exc.reason})",
            source=source,
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = exc.problem or exc.context or "malformed YAML"
        raise InputError(f"not valid YAML{where}: {problem}", source=source) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", source=source) from None
    except RecursionError:
        raise InputError("not valid YAML: nested too deeply", source=source) from None
    finally:
        loader.dispose()


def read_yaml_file(path: str | Path) -> Any:
    """Read and parse a YAML file, turning every I/O problem into an InputError."""
    return parse_yaml(read_yaml_text(path), str(path))


def read_yaml_text(path: str | Path) -> str:
    """The text of a YAML file, as ``read_yaml_file`` reads it (an InputError when it cannot)."""
    return read_text(path, what="YAML file", missing="no such file")
