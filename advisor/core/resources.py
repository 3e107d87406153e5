"""Where the shipped rule set, report templates and questionnaire live.

In a wheel they sit inside the package (``advisor/rules``, ``advisor/reports``, and the
questionnaire under ``advisor/app``); in a checkout they sit beside it (``rules/``,
``reports/``, ``app.py`` and ``questionnaire/``).
"""

from __future__ import annotations

import itertools
from pathlib import Path, PurePath

_PACKAGE = Path(__file__).resolve().parent.parent  # advisor/


def shipped_dir(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"advisor is installed without its '{name}' folder")  # pragma: no cover


def examples_dir() -> Path | None:
    """The worked examples' workload files: ``advisor/app/examples`` in a wheel (the page opens
    on them), ``examples/`` in a checkout; None where neither is there."""
    for folder in (_PACKAGE / "app" / "examples", _PACKAGE.parent / "examples"):
        if folder.is_dir():
            return folder
    return None


# What examples/ holds in a checkout and not in a wheel (pyproject.toml excludes them): the README
# and the commands' --help run them from a checkout's top.
CHECKOUT_ONLY = ("traces", "rules-cost-first")


def checkout_only_hint(path: str | Path) -> str | None:
    """Why ``examples/traces/...`` or ``examples/rules-cost-first/...``, named and not there, is
    not there: an installed advisor does not carry them (None for any other path, and where that
    folder is there: a checkout's, or a project's own, holds all but a misspelt file)."""
    parts = PurePath(path).parts
    for i, (here, there) in enumerate(itertools.pairwise(parts)):
        if here == "examples" and there in CHECKOUT_ONLY and not Path(*parts[: i + 2]).exists():
            return (f"examples/{there}/ comes with a checkout of advisor's repository (run from its top),"
                    " not with an installed advisor")
    return None


def questionnaire_page() -> Path:
    """The questionnaire's page, ``app.py``, with what it reads beside it: its parts
    (``questionnaire/``), the worked examples (``examples/``) and its server settings
    (``.streamlit/config.toml``). The wheel keeps them together under ``advisor/app/``,
    laid out as at the root of a checkout, so that no generic top-level name such as
    ``questionnaire`` lands in site-packages: ``streamlit run`` puts the page's folder on
    ``sys.path``, and that is where the page finds its parts."""
    for folder in (_PACKAGE / "app", _PACKAGE.parent):
        if (folder / "app.py").is_file() and (folder / "questionnaire").is_dir():
            return folder / "app.py"
    raise FileNotFoundError("advisor is installed without its questionnaire (app.py)")  # pragma: no cover
