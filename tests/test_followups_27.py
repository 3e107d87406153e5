"""What board read 9 left (verify's one line per record), and signals under nohup.

- A record whose own decision misses its contract read "holds (streaming)", which a CI reader
  takes for "fine"; the record itself says "not feasible as specified".
- A retired record read "superseded (superseded by record 2)", the word twice.
- `nohup advisor review` ended when its terminal closed, and `nohup advisor app` passed the
  hangup on to its server: a signal the process was started ignoring now stays ignored.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from .test_records import write_record
from .test_verify import edit, run_verify


@pytest.fixture(autouse=True)
def _in_a_repository(tmp_path: Path) -> None:
    (tmp_path / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")


def test_a_record_that_holds_says_when_its_decision_misses_its_contract(tmp_path, capsys):
    voice = write_record(capsys, "voice-assistant", tmp_path / "d")  # streaming misses its budget
    chat = write_record(capsys, "chatbot", tmp_path / "d")  # streaming meets it
    code, out, _ = run_verify(capsys, tmp_path / "d")
    assert code == 0, out  # it holds: the record said so too, and CI does not fail for it
    lines = out.splitlines()
    assert f"{voice}: holds (streaming, not feasible as specified, as the record says)" in lines
    assert f"{chat}: holds (streaming)" in lines


def test_a_superseded_record_says_superseded_once(tmp_path, capsys):
    older = write_record(capsys, "chatbot", tmp_path / "d")
    write_record(capsys, "chatbot", tmp_path / "d")
    edit(older, "status: proposed", "status: superseded by ADR-0002")
    code, out, _ = run_verify(capsys, tmp_path / "d")
    assert code == 0, out
    assert f"{older}: superseded by record 2" in out.splitlines()
    assert "superseded (superseded" not in out


def test_a_review_started_under_nohup_outlives_the_hangup(tmp_path):
    """`nohup advisor review ... -o r.json`: the terminal closes (SIGHUP) and the review goes on
    to write its whole report; it ended at the hangup, as advisor put its own handler over the
    ignored signal (SIGTERM still stops it and cleans up: tests/test_cli.py)."""
    from .test_cli import SIGNALLED, _command

    out = tmp_path / "r.json"
    done = _command("review", "examples", "--format", "json", "-o", str(out),
                    before=SIGNALLED.format(signal="SIGHUP"), ignored=("SIGHUP",))
    assert done.returncode == 0, done.stderr
    assert len(json.loads(out.read_text(encoding="utf-8"))["workloads"]) >= 10


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGHUP")
def test_advisor_app_under_nohup_keeps_serving_when_its_terminal_closes():
    """`nohup advisor app`: the hangup is ignored by the command and the server alike (the server
    here would end with status 7 if it were passed on)."""
    from .test_app_command import serve_and_signal

    done = serve_and_signal("SIGHUP", ignored=("SIGHUP",))
    assert done.returncode == 0, done.stderr


def test_a_miss_no_measurement_can_change_is_not_said_to_rest_on_a_speed():
    """A chat on the flex tier, and three chained calls under a real-time budget, miss their
    contract whatever the models' speeds: "measure the call ... before acting on this verdict"
    promised a way out that does not exist, and the label said "on an assumed speed"."""
    import advisor
    from advisor.core.assessment import NOT_FEASIBLE, not_feasible_label

    flex = advisor.assess(advisor.parse_profile({
        "name": "Chat on flex", "interaction": "chat", "latency_budget_s": 2.5, "requests_per_month": 100_000,
        "provider": "openai", "model": "gpt-5.4", "input_tokens": 1200, "output_tokens": 300,
        "service_tier": "flex"}), price_date="2026-11-01")
    assert not flex.feasible and "On the flex tier gpt-5.4 answers slower" in (flex.infeasible_reason or "")
    assert "measure the call" not in (flex.infeasible_reason or "")

    chain = advisor.assess(advisor.parse_profile({
        "name": "Three calls", "interaction": "chat", "latency_budget_s": 4, "requests_per_month": 1000,
        "provider": "openai", "model": "gpt-5.4", "steps": [
            {"name": "classify", "model": "gpt-5.4-nano", "input_tokens": 1500, "output_tokens": 10},
            {"name": "draft", "input_tokens": 8000, "output_tokens": 400, "shown": True},
            {"name": "check", "input_tokens": 3000, "output_tokens": 200}]}), price_date="2026-11-01")
    assert not chain.feasible and "3 chained calls have no bounded p95" in (chain.infeasible_reason or "")
    assert "no measured speed" not in (chain.infeasible_reason or "")
    assert not_feasible_label(chain) == NOT_FEASIBLE
