"""What the tests share: the repository's paths, the price date that keeps figures fixed,
a CLI runner, and rule sets built for one test (the bad rule sets' headers included)."""

from __future__ import annotations

import datetime
import os
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import settings

from advisor.cli import main
from advisor.core.clock import TODAY_ENV
from advisor.core.rules import HEADER_FILE, RULES_ENV

if TYPE_CHECKING:  # Streamlit is imported by the app's tests only
    from streamlit.testing.v1 import AppTest

# No property test has a time limit: hypothesis's default (200 ms an example) turned a busy
# moment of a shared machine into a failure. Speed is measured by `make bench`, never by a test.
settings.register_profile("advisor", deadline=None)
settings.load_profile("advisor")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# Shipped examples as they were on a model its provider is shutting down: fixed inputs for the
# tests of shutdown behaviour (the examples themselves move to current models).
RETIRING = ROOT / "tests" / "fixtures" / "retiring"
SHIPPED_RULES = ROOT / "rules"
BAD_RULES = ROOT / "tests" / "fixtures" / "bad_rules"
# Prices of a fixed day: every figure a test checks stays put as the catalogue moves on.
PRICE_DATE = datetime.date(2026, 11, 1)
# And "today" (a command's default price date, a new record's date) fixed too, for every test
# and every command a test starts: a model's announced shutdown must not fail the suite on the
# day it comes.
TODAY = datetime.date(2026, 11, 26)
os.environ[TODAY_ENV] = TODAY.isoformat()


@pytest.fixture(autouse=True)
def _no_rules_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own ADVISOR_RULES must not change what the tests check.
    monkeypatch.delenv(RULES_ENV, raising=False)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: Any) -> tuple[int, str, str]:
    """``advisor ARGV...`` in this process: (exit code, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def shipped_header(**changes: Any) -> dict[str, Any]:
    """The shipped rule set's header as data, with ``changes`` on top."""
    data = yaml.safe_load((SHIPPED_RULES / HEADER_FILE).read_text(encoding="utf-8"))
    return {**data, **changes}


def write_header(folder: Path, **changes: Any) -> None:
    text = yaml.safe_dump(shipped_header(**changes), sort_keys=False, allow_unicode=True)
    (folder / HEADER_FILE).write_text(text, encoding="utf-8")


def make_rule_set(folder: Path, rules: list[dict[str, Any]], **header: Any) -> Path:
    """A complete rule set: the shipped header (optionally changed) and one rule file."""
    folder.mkdir(parents=True)
    write_header(folder, **header)
    text = yaml.safe_dump({"rules": rules}, sort_keys=False, allow_unicode=True)
    (folder / "rules.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The questionnaire (app.py) run once in AppTest, from the project's root: Streamlit reads
    .streamlit/config.toml from there. Streamlit is imported here, by the app's tests only."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.chdir(ROOT)
    test = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    test.run()
    return test


@pytest.fixture
def bad_rules(tmp_path: Path) -> Callable[[str], Path]:
    """``bad_rules(case)``: the rule files of tests/fixtures/bad_rules/CASE under the shipped
    header, as a rule-set folder of its own."""

    def build(case: str) -> Path:
        folder = tmp_path / case
        shutil.copytree(BAD_RULES / case, folder)
        write_header(folder)
        return folder

    return build


def signals_at_defaults(*ignored: str) -> None:
    """For a command's process (``preexec_fn``): its signals at their defaults, whatever the test
    run was started with (a script's background job ignores SIGINT, nohup SIGHUP), but for
    those ``ignored``, as ``nohup`` starts it."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN if name in ignored else signal.SIG_DFL)
