"""recommend's start, round 28: what was made cheaper, held to what it must still do.

The annotations read when a class is made are types, not strings.
pydantic reads every field's annotation when it makes a model class (and when it builds the
schema of a dataclass it serialises), as ``NamedTuple`` does; an annotation written as a
string (``from __future__ import annotations``) is compiled and evaluated there, at every
start. The modules whose classes are read so keep their annotations as types, and quote only
a name not defined yet. This counts the strings compiled so while ``recommend`` starts and
runs, in a fresh process: re-adding the future import to one of those modules (profile.py
alone has 69 fields) fails here, not only in ``make bench``.
"""

import datetime
import os
import subprocess
import sys

from advisor.core.prices import _catalogue, catalogue_span, price_date_caveat

from .conftest import ROOT

_COUNT = """
import io, sys, typing
made = []
init = typing.ForwardRef.__init__
def counted(self, arg, *args, **kwargs):
    made.append(arg)
    init(self, arg, *args, **kwargs)
typing.ForwardRef.__init__ = counted
import pydantic, yaml, genai_prices  # their own imports are not advisor's to count
made.clear()
import advisor.cli
out = sys.stdout
sys.stdout = io.StringIO()
try:
    advisor.cli.main(["recommend", "examples/support-reply-draft.yaml", "--format", "json",
                      "--price-date", "2026-11-01"])
finally:
    sys.stdout = out
print(len(made), sorted(set(made)))
"""

# The deliberate ones: Assessment's private ``_later`` (its class comes after it) and the
# wrap validator's handler, which names the class being made.
_QUOTED = 3


def test_recommend_compiles_no_string_annotations_but_the_quoted_forward_references() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", _COUNT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    count, names = done.stdout.strip().split(" ", 1)
    assert int(count) <= _QUOTED, f"string annotations compiled at start: {count}: {names}"


def _every_dated_price() -> list[datetime.date]:
    """Every start date genai-prices gives a price or a price variant, read the long way."""
    from genai_prices.types import StartDateConstraint

    snapshot, _ = _catalogue()
    found = []
    for provider in snapshot.providers:
        for model in provider.models:
            prices = model.prices if isinstance(model.prices, list) else []
            for constraint in [p.constraint for p in prices] + [v.constraint for v in model.price_variants or []]:
                if isinstance(constraint, StartDateConstraint):
                    found.append(constraint.start_date)
    return found


def test_the_price_date_warning_names_the_oldest_and_newest_price_change_the_catalogue_records() -> None:
    # catalogue_span walks every model of genai-prices once a process (every price card asks it)
    # (a loop now, two generators a model before): the same span, and the caveats built on it.
    dates = _every_dated_price()
    assert len(dates) > 100  # the bundled catalogue has hundreds of dated prices
    first, last = min(dates), max(dates)
    assert catalogue_span() == (first, last)
    _, version = _catalogue()
    after = price_date_caveat(last + datetime.timedelta(days=1))
    assert after is not None and after.startswith(f"{last + datetime.timedelta(days=1)} is after {last}, the newest price change {version} records")
    before = price_date_caveat(first - datetime.timedelta(days=1))
    assert before is not None and f"is before {first}, the oldest price change {version} records" in before
    assert price_date_caveat(first) is None and price_date_caveat(last) is None
