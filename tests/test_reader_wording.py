"""What a board member reads in a record or a summary, where a sentence once misled: a stream
held to its whole answer, a first token no one waits for, chain words on one call, one unit for
one figure, and a headline that argues for the mode it heads."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import yaml

from advisor.cli import main

from .conftest import PRICE_DATE

FIXED = ["--price-date", PRICE_DATE.isoformat()]


def _run(*argv: object) -> str:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    assert code == 0, err.getvalue()
    return " ".join(out.getvalue().split())


def _workload(tmp_path: Path, name: str, **fields: Any) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"name": name, **fields}), encoding="utf-8")
    return path


def _record(tmp_path: Path, workload: Path, template: str = "madr") -> str:
    written = _run("adr", workload, "--dir", tmp_path / template, "--template", template, *FIXED, "--date", "2026-11-23")
    return " ".join(Path(written).read_text(encoding="utf-8").split())


# Long prose behind a button (review 3, N2): 1,200 tokens a person waits for, 3 s to be usable.
GENERATE_BUTTON = dict(
    interaction="request_response", latency_budget_s=3, input_tokens=1200, output_tokens=1200,
    requests_per_month=30000, provider="anthropic", model="claude-sonnet-4-6",
)


def test_a_stream_held_to_its_whole_answer_is_watched_on_its_whole_answer(tmp_path):
    """The verdict says the answer is needed whole; the record once had the team watch the
    first token against the budget ("the budget holds the first token")."""
    for template in ("madr", "nygard"):
        record = _record(tmp_path, _workload(tmp_path, "copy", **GENERATE_BUTTON), template)
        assert "STREAMING" in record.upper() and "needed whole" in record
        assert "the budget holds the first token" not in record, template
        assert "Time to first token stays under the budget" not in record, template
        assert "within the budget of 3.00 s; the whole answer" not in record, template
        assert "the budget holds the whole answer" in record, template
        assert "The estimate already misses the budget of 3.00 s" in record, template


def test_a_chat_stream_is_still_watched_on_its_first_token(tmp_path):
    chat = _workload(tmp_path, "chat", **{**GENERATE_BUTTON, "interaction": "chat", "output_tokens": 400})
    record = _record(tmp_path, chat)
    assert "Time to first token stays under the budget of 3.00 s" in record
    assert "(the budget holds the first token)" in record
    assert "the budget holds the whole answer" not in record
