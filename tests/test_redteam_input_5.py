"""Red-team round 5 on bad input: each test is a defect found, asserted as the user sees it
(one message naming where, exit status 2, no traceback, nothing written). The report is
/work/scratch/reports/redteam-input-5.md."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import EXAMPLES, run_cli

CHATBOT = EXAMPLES / "chatbot.yaml"


# -- two records in force that share a number ----------------------------------------------------
# verify said "records 1 and 1 in d are both in force ...: retire the older, record 1: mark it
# superseded by record 1 (MADR: 'status: superseded by ADR-0001' ...)": a record told to name
# itself as its successor. With one number there is no newest; each needs a number of its own.

def test_two_records_in_force_with_one_number_are_not_told_to_supersede_themselves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "d"
    assert run_cli(capsys, "adr", CHATBOT, "--dir", folder, "--price-date", "2026-11-01")[0] == 0
    (first,) = folder.glob("0001-*.md")
    second = folder / "0001-pasted.md"
    shutil.copy(first, second)
    said = (f"{first} and {second} are both in force about {CHATBOT}: they share a number, so none can"
            " supersede another: give each record a number of its own, or set the status of each one no"
            " longer meant to deprecated")
    code, out, _ = run_cli(capsys, "verify", folder, "--price-date", "2026-11-01")
    assert code == 0 and said in out
    assert "superseded by record 1" not in out
    code, out, _ = run_cli(capsys, "verify", folder, "--price-date", "2026-11-01", "--format", "json")
    (several,) = json.loads(out)["several_records_in_force"]
    assert several["older"] == [] and several["fix"] == said
