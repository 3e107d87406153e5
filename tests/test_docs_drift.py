"""Claims of README.md and docs/ that drifted from the code once and would again unnoticed:
figures quoted from the latest benchmark run (docs/performance.md, rewritten after each run),
the keys of the JSON outputs the README lists by name, and a lever's sentence that
docs/cost-model.md quotes word for word."""

from __future__ import annotations

import json
import re

import advisor

from .conftest import EXAMPLES, PRICE_DATE, ROOT, run_cli
from .test_step_model_lever import ROUTE_ON_GPT_54, router_chat


def page(name: str) -> str:
    """A page with its whitespace collapsed, so a quote may wrap anywhere."""
    return " ".join((ROOT / name).read_text(encoding="utf-8").split())


def latest_bench_figures() -> dict[str, str]:
    """docs/performance.md's latest table: each figure's description -> its measured value and
    its ratio, as printed (`1.28`, `4.24 s`)."""
    text = (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")
    section = text.split("## The latest figures on this machine", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        row = re.match(r"^ {4}(\S.*?\S)\s{2,}(\d[\d.,]* (?:ms|s|µs|MB))(?:\s{2,}.*?\s{2,}(\d+\.\d+)\s+\w+)?\s*$", line)
        if row:
            rows[row.group(1)] = row.group(2)
            if row.group(3):
                rows[row.group(1) + " (ratio)"] = row.group(3)
        like = re.match(r"^ {4}(\S.*like for like.*?\S)\s{2,}\S+ ms\s{2,}(\d+\.\d+)\s*$", line)
        if like:
            rows[like.group(1) + " (ratio)"] = like.group(2)
    assert rows, "docs/performance.md has a table of the latest figures"
    return rows


def _one(rows: dict[str, str], starts: str, ratio: bool = False) -> str:
    """The one figure (or, with ``ratio``, the one ratio) whose description starts so."""
    found = [value for key, value in rows.items() if key.startswith(starts) and key.endswith(" (ratio)") == ratio]
    assert len(found) == 1, f"docs/performance.md's latest table: one figure for {starts!r}, found {found}"
    return found[0]


def test_the_start_up_figures_quoted_are_the_latest_runs():
    """docs/architecture.md says its ratios are those of the latest run in performance.md."""
    rows = latest_bench_figures()
    architecture = page("docs/architecture.md")
    recommend = _one(rows, "advisor recommend FILE --format json (fresh process)", ratio=True)
    version = _one(rows, "advisor --version (fresh process)", ratio=True)
    like = _one(rows, "advisor recommend FILE --format json, against that: like for like", ratio=True)
    baseline = round(float(_one(rows, "baseline: import pydantic").split()[0]))
    no_teardown = round(float(_one(rows, "the same imports, ending with os._exit").split()[0]))
    assert f"takes about a sixth of that ({version})" in architecture
    assert f"`advisor recommend FILE --format json` takes {recommend} times it" in architecture
    assert f"in that run {baseline} ms with it, {no_teardown} ms ending with `os._exit`" in architecture
    assert f"`recommend` is {like} times them" in architecture


def test_the_calibrate_figures_quoted_are_the_latest_runs():
    rows = latest_bench_figures()
    gzip = _one(rows, "calibrate 101,906 spans, gzip")
    every = _one(rows, "calibrate 101,906 spans, JSON Lines, every trace")
    assert f"`--root rag.chat` in {gzip}, against a goal of 10 s" in page("README.md")
    calibration = page("docs/calibration.md")
    slowest = max(float(v.split()[0]) for k, v in rows.items()
                  if k.startswith("calibrate 101,906 spans") and not k.endswith(" (ratio)"))
    assert slowest in (float(gzip.split()[0]), float(every.split()[0])), "the page calls one of its two the slowest"
    # Which of the two is the slower moves from run to run: the page names the one that was.
    if float(gzip.split()[0]) == slowest:
        assert f"the gzip case, the slowest, took {gzip}, and every trace {every}" in calibration
    else:
        assert f"every trace, the slowest, took {every}, and the gzip case {gzip}" in calibration


def test_every_key_of_the_review_json_is_named_in_the_readme(capsys):
    code, out, _ = run_cli(capsys, "review", EXAMPLES / "support-agent-tools.yaml", EXAMPLES / "gray-zone-30s.yaml",
                           "--format", "json", "--price-date", PRICE_DATE.isoformat())
    assert code == 0
    review = json.loads(out)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("The rest of `advisor review --format json`", 1)[1].split("The money has one vocabulary", 1)[0]
    named = set(re.findall(r"`([a-z0-9_]+)`", section))
    row = review["workloads"][0]
    keys = {
        "top level": set(review),
        "a workload": set(row),
        "a risk": {key for w in review["workloads"] for risk in w["risks"] for key in risk},
        "summary": set(review["summary"]),
        "summary.basis": set(review["summary"]["basis"]),
        "summary.moves": {key for move in review["summary"]["moves"] for key in move},
    }
    assert keys["a risk"] and keys["summary.moves"]
    for where, found in keys.items():
        assert found <= named, f"README's review keys leave out {sorted(found - named)} ({where})"


def test_every_top_level_key_of_the_recommend_json_is_named_in_the_readme():
    dumped = advisor.assess(advisor.load_profile(EXAMPLES / "chatbot.yaml"), price_date=PRICE_DATE).model_dump(mode="json")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("The JSON output is strict JSON", 1)[1].split("Sources are cited by id", 1)[0]
    named = set(re.findall(r"`([a-z0-9_]+)`", section))
    assert set(dumped) <= named, f"README's JSON keys leave out {sorted(set(dumped) - named)}"
    assert set(dumped["costs"]["sync"]) - {"mode"} <= named


def test_the_router_lever_cost_model_quotes_is_the_one_advisor_says():
    a = advisor.assess(router_chat())
    lever = next(lever for lever in a.levers if lever.changes == ROUTE_ON_GPT_54)
    assert f'("{lever.because}")' in page("docs/cost-model.md")
