"""Where the shipped rule set and report templates live.

In a wheel they sit inside the package (``advisor/rules``, ``advisor/reports``); in a
checkout they sit beside it (``rules/``, ``reports/``).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # advisor/


def shipped_dir(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"advisor is installed without its '{name}' folder")  # pragma: no cover
