"""Start-up: the annotations read when a class is made are types, not strings.

pydantic reads every field's annotation when it makes a model class (and when it builds the
schema of a dataclass it serialises), as ``NamedTuple`` does; an annotation written as a
string (``from __future__ import annotations``) is compiled and evaluated there, at every
start. The modules whose classes are read so keep their annotations as types, and quote only
a name not defined yet. This counts the strings compiled so while ``recommend`` starts and
runs, in a fresh process: re-adding the future import to one of those modules (profile.py
alone has 69 fields) fails here, not only in ``make bench``.
"""

import os
import subprocess
import sys

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
