"""What a board member reads in a record or a summary, where a sentence once misled: a stream
held to its whole answer, a first token no one waits for, chain words on one call, one unit for
one figure, and a headline that argues for the mode it heads."""

from __future__ import annotations

import contextlib
import io
import json
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


# A nightly pipeline of two steps (review 3, W03): no one waits, nothing is shown as it comes.
NIGHTLY_STEPS = dict(
    interaction="pipeline", latency_budget_s=21600, requests_per_month=90000, provider="openai",
    model="gpt-5.4-mini", steps=[
        {"name": "extract", "input_tokens": 3000, "output_tokens": 400},
        {"name": "normalise", "input_tokens": 900, "output_tokens": 300},
    ],
)


def test_a_pipeline_prints_no_first_visible_token(tmp_path):
    """"first visible token 9.51 s (p95)" was printed for a nightly job no one watches."""
    nightly = _workload(tmp_path, "nightly", **NIGHTLY_STEPS)
    text = _run("recommend", nightly, *FIXED)
    assert "first visible token" not in text.lower()
    for template in ("madr", "nygard"):
        record = _record(tmp_path, nightly, template)
        assert "first visible token" not in record.lower(), template
        assert "read as it appears" not in record, template
    # The same steps behind a click: a person waits for the first words, and sees when they come.
    clicked = _workload(tmp_path, "clicked", **{**NIGHTLY_STEPS, "interaction": "request_response",
                                                "latency_budget_s": 30})
    assert "first visible token" in _run("recommend", clicked, *FIXED)
    assert "First visible token (normalise)" in _record(tmp_path / "clicked", clicked)


# A nightly classification of one call each (review 3, N9: report #02).
NIGHTLY_ONE_CALL = dict(
    interaction="pipeline", latency_budget_s=21600, input_tokens=1200, output_tokens=20,
    requests_per_month=300000, provider="openai", model="gpt-5.4-mini", downstream="internal_service",
)


def test_a_one_call_batch_is_not_told_of_dependent_steps(tmp_path):
    """"a request of dependent steps waits for one batch per step" was printed for one call,
    and its p95 "within budget" read as if a batch came back in 1.40 s."""
    record = _record(tmp_path, _workload(tmp_path, "one", **NIGHTLY_ONE_CALL))
    assert "Chosen option: \"Batch API\"" in record
    assert "dependent step" not in record
    assert "within budget as a direct call; as a batch, results come within the provider's window of 24 h" in record
    chained = _record(tmp_path / "chain", _workload(tmp_path, "chain", **NIGHTLY_STEPS))
    assert "a request of dependent steps waits for one batch per step" in chained
    assert "results come within 2 days (the provider's window of 24 h for each of 2 dependent calls)" in chained


def test_an_over_limit_workload_says_its_peak_use_as_a_multiple_everywhere(tmp_path: Path) -> None:
    """One figure, one unit: the line that says why the verdict is not feasible read "needs
    330% of its rate limit on gpt-5.4" while the capacity lines said "peak use is 3.3x the
    limit". The JSON keeps the number."""
    path = _workload(
        tmp_path, "chain", interaction="request_response", latency_budget_s=4, requests_per_month=150_000,
        peak_requests_per_minute=1000, provider="openai", model="gpt-5.4", output_format="json",
        steps=[{"name": "normalise", "model": "gpt-5.4-mini", "input_tokens": 300, "output_tokens": 60},
               {"name": "answer", "input_tokens": 1500, "output_tokens": 150}],
        downstream="own_ui",
    )
    text = " ".join(_run("recommend", path, *FIXED).split())
    assert "NOT FEASIBLE as specified: At peak the workload needs 3.3x its rate limit on gpt-5.4" in text
    assert "OVER LIMIT: peak use is 3.3x the limit" in text
    assert "%" not in text.split("rate limit on")[0].split("NOT FEASIBLE")[1]
    assert "330%" not in text + " ".join(_record(tmp_path, path).split())
    facts = json.loads(_run("recommend", path, "--format", "json", *FIXED))["facts"]
    assert facts["rate_limit_utilisation"] == 3.3
