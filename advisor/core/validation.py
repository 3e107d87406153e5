"""Pydantic's validation errors in plain words, and a user's values as messages show them.

Every boundary (workload files, rule sets, the inputs embedded in records) reports its
first problem the same way: the field's dotted path, what is wrong, what is allowed.
"""

from __future__ import annotations

import datetime
import math
import reprlib
import sys
from collections.abc import Callable
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

_SHOWN_MAX = 60
# What a text field says of a lone surrogate (half of a UTF-16 pair), which no UTF-8 file can hold.
NOT_UNICODE = "must be Unicode text (a lone surrogate such as \\ud800, half of a UTF-16 pair, is not)"


def finite_number(value: Any) -> bool:
    """A number a figure can be made of: an int or a float, not a bool, not NaN or infinite,
    and no int beyond a float's range (math.isfinite raises on one; it cannot become a figure)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) if isinstance(value, float) else abs(value) <= sys.float_info.max


def given(value: Any) -> str:
    """``repr(value)``, as a message quotes what a Python caller gave; an int of more than
    Python's 4,300 digits, which repr() refuses, in words."""
    try:
        return repr(value)
    except RecursionError:  # a list nested 100,000 deep, made in Python: its outer levels
        return reprlib.repr(value)
    except ValueError:
        digits = int(abs(value).bit_length() * math.log10(2)) + 1
        return f"a {'negative ' if value < 0 else ''}number of about {digits:,} digits"


def shown(value: Any) -> str:
    """A value as an error message shows it: whole numbers with thousands separators from
    10,000, other numbers to six significant digits, text quoted, everything on one line
    and cut at 60 characters."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, (int, float)) and value == int(value) and abs(value) < 1e15:
        whole = int(value)
        return f"{whole:,}" if abs(whole) >= 10_000 else str(whole)
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (datetime.date, datetime.time)):  # YAML reads 2026-11-26 as a date
        return value.isoformat()
    text = given(value)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 3] + "..."


# The patterns of advisor's fields, in words: a regular expression is no message.
PATTERN_WORDS = {
    r"^[a-z0-9][a-z0-9_-]{0,79}$": "an id of lower-case letters, digits, '-' and '_', starting with a letter or "
    "digit, at most 80 characters (like cost-burst)",
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$": "a UTC time like 2026-11-01T00:00:00Z",
}


def _as_float(value: float) -> str:
    """A float as written with its point where it is whole (1000.0, 100,000.0), else as ``shown``."""
    text = shown(value)
    return f"{text}.0" if value.is_integer() and text.lstrip("-").replace(",", "").isdigit() else text


def plain(value: float) -> str:
    """A number as an assumption states it: like ``:g`` (six significant digits, no trailing
    zeros) but never in exponent form, and at most six decimals: 0.15, 2.5, 0.000001, 2500000."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    if abs(value) >= 1e6:
        return f"{value:,.0f}".replace(",", "")
    decimals = min(6, max(0, 5 - math.floor(math.log10(abs(value)))))
    text = f"{value:.{decimals}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text in ("", "-0") else text


# A did-you-mean costs a difflib search per unknown key: a 1 MB file of 40,000 of them took 40 s
# to refuse. A document of so many is no misspelling; its first keys are offered one, and every
# problem is still counted.
MAX_HINTS = 50


def closest(word: str, candidates: list[str], *, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The candidates closest to a misspelt ``word``, for "did you mean ...?" (difflib's ratio)."""
    import difflib  # only a mistake needs it: kept off the start-up path

    return difflib.get_close_matches(word, candidates, n=n, cutoff=cutoff)


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The (nested) model a location points into (None where it leaves the models)."""
    current: type[BaseModel] = model
    keyed = False  # the last field maps keys to models (a rule set's modes): the next part is a key
    for part in loc[:-1]:
        if isinstance(part, int) or keyed:  # an item of a list or a mapping of models: the same model
            keyed = False
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return None
        keyed = get_origin(field.annotation) is dict
        for candidate in (field.annotation, *get_args(field.annotation),
                          *(inner for arg in get_args(field.annotation) for inner in get_args(arg))):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                current = candidate
                break
        else:
            return None
    return current


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Keys of the (nested) model the location points into, as they are written (a field's alias:
    a migration step's ``from``, not ``from_``)."""
    current = _model_at(model, loc)
    return [field.alias or name for name, field in current.model_fields.items()] if current is not None else []


# The bounds a field can have (Field(ge=...) and the rest: annotated_types' Ge, Gt, Le, Lt,
# each holding its bound under its own name), as pydantic words each, and whether a value keeps it.
_BOUNDS: tuple[tuple[str, str, Callable[[float, float], bool]], ...] = (
    ("ge", "greater than or equal to", lambda value, bound: value >= bound),
    ("gt", "greater than", lambda value, bound: value > bound),
    ("le", "less than or equal to", lambda value, bound: value <= bound),
    ("lt", "less than", lambda value, bound: value < bound),
)


def _out_of_range(model: type[BaseModel], loc: tuple[Any, ...], value: Any) -> str | None:
    """The field's range message for a float a count refuses that is a whole number (1e308,
    which YAML keeps as a float) or an infinity outside the field's bounds, as pydantic says
    it of an integer there: "input should be less than or equal to 50". None for a fraction
    (refused for not being whole) and for a number inside the bounds."""
    if not (isinstance(value, float) and (math.isinf(value) or value.is_integer())):
        return None
    current = _model_at(model, loc)
    field = current.model_fields.get(str(loc[-1])) if current is not None and loc else None
    if field is None:
        return None
    for constraint in field.metadata:
        for name, words, holds in _BOUNDS:
            bound = getattr(constraint, name, None)
            if isinstance(bound, (int, float)) and not isinstance(bound, bool) and not holds(value, bound):
                return f"input should be {words} {bound}"
    return None


def describe_validation_error(
    exc: ValidationError, model: type[BaseModel], *, noun: str = "field"
) -> tuple[str, str]:
    """Pydantic's first error as (dotted path, plain-English message), saying how many more
    there are.

    ``noun`` is what the input calls its keys: "field" in a workload, "key" in a rule file.
    """
    problems = describe_validation_errors(exc, model, noun=noun)
    path, message = problems[0]
    more = len(problems) - 1
    if more:
        message += f" [and {more:,} more problem{'s' if more > 1 else ''}]"
    return path, message


def describe_validation_errors(
    exc: ValidationError, model: type[BaseModel], *, noun: str = "field"
) -> list[tuple[str, str]]:
    """Every one of pydantic's errors as (dotted path, plain-English message), in its order,
    except that a misspelt required key comes first: "unknown field 'latency_budjet_s'; did
    you mean 'latency_budget_s'?" says what went wrong, "'latency_budget_s' is missing" does not."""
    errors = exc.errors(include_url=False)
    missing = {tuple(err["loc"]) for err in errors if err["type"] == "missing"}
    hinted = {id(err) for err in [err for err in errors if err["type"] == "extra_forbidden"][:MAX_HINTS]}

    def misspelt(err: Any) -> bool:
        loc = tuple(err["loc"])
        if id(err) not in hinted or not loc:
            return False
        return any((*loc[:-1], key) in missing for key in closest(str(loc[-1]), _allowed_keys(model, loc)))

    if missing:
        errors = sorted(errors, key=lambda err: not misspelt(err))  # stable: the rest keep their order
    return [_describe(err, model, noun, hint=id(err) in hinted) for err in errors]


def _key(part: Any) -> str:
    """One part of a field's path, on one line: a key with a line break or another control
    character is written with escapes ('a\\nb')."""
    text = str(part)
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


def _describe(err: Any, model: type[BaseModel], noun: str, *, hint: bool = True) -> tuple[str, str]:
    loc = tuple(err["loc"])
    path = ".".join(_key(p) for p in loc) or "(document)"
    kind = err["type"]
    given = err.get("input")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc)
        close = closest(str(loc[-1]), allowed) if hint else []
        meant = f"did you mean '{close[0]}'? " if close else ""
        listed = f"; {meant}allowed {noun}s: {', '.join(allowed)}" if allowed else ""
        message = f"unknown {noun}{listed}"
    elif kind == "missing":
        message = f"required {noun} is missing"
    elif kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        message = f"must be one of {expected} (got {shown(given)})"
    elif kind == "string_unicode":  # a lone surrogate, as the profile's own text check says it
        message = f"{NOT_UNICODE} (got {shown(given)})"
    elif kind == "int_type" and (bound := _out_of_range(model, loc, given)):
        # 1e308 or inf for a count is refused for its size, as 1e12 is, not as "not an integer".
        message = f"{bound} (got {shown(given)})"
    elif kind == "float_type" and isinstance(given, int) and not isinstance(given, bool):
        # An integer beyond a float's range (10**400) is a number: too large, not "not a valid number".
        bound = _out_of_range(model, loc, -math.inf if given < 0 else math.inf)
        message = f"{bound or 'must be a finite number'} (got {shown(given)})"
    elif kind == "string_pattern_mismatch" and (words := PATTERN_WORDS.get(err.get("ctx", {}).get("pattern"))):
        message = f"must be {words} (got {shown(given)})"
    elif kind in ("too_long", "too_short") and "actual_length" in err.get("ctx", {}):
        # Pydantic says "list should have at most 100 items after validation, not 101".
        ctx = err["ctx"]
        most = kind == "too_long"
        bound = ctx["max_length"] if most else ctx["min_length"]
        items = "item" if bound == 1 else "items"
        message = f"must have at {'most' if most else 'least'} {bound:,} {items} (got {ctx['actual_length']:,})"
    elif kind == "int_type" and isinstance(given, float):
        # "(got 1000)" for 1000.0 showed a value that looks valid: a float is shown as one. A
        # whole one (1000.0) is refused for how it is written (counts are strict integers), which
        # "must be a whole number" alone left a puzzle.
        written = ", written without a decimal point" if given.is_integer() else ""
        message = f"must be a whole number{written} (got {_as_float(given)})"
    elif kind == "finite_number":
        message = f"must be a finite number (got {shown(given)})"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        # Pydantic says "a valid dictionary or instance of Pricing": the class is not the user's word.
        allowed = _allowed_keys(model, (*loc, ""))
        listed = f" of the {noun}s {', '.join(allowed)}" if allowed else ""
        message = f"must be a mapping{listed} (got {shown(given)})"
    elif kind == "value_error":
        message = str(err["ctx"]["error"])
        # A check that names the value it refused says it once; a list's or a mapping's check
        # (two steps of one name) names what is wrong in it, not its Python repr.
        if "(got " not in message and not isinstance(given, (list, dict)):
            message += f" (got {shown(given)})"
    else:
        message = f"{err['msg'][0].lower()}{err['msg'][1:]} (got {shown(given)})"
    if kind == "string_type" and isinstance(given, (bool, int, float, datetime.date)):
        # YAML reads yes, 12 or 2026-11-26 as a boolean, a number or a date.
        message += "; put it in quotes to give it as text"
    return path, message
