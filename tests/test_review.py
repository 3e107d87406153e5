"""The architecture review: totals, golden report, broken files, links, escaping."""

from __future__ import annotations

import datetime
import html
import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import MODES, assess, load_rules, parse_profile
from advisor.cli.progress import Progress
from advisor.core.assessment import feasible_on_stand_in, misses_on_stand_in
from advisor.core.errors import InputError
from advisor.views.review import render_review, review, review_row, summarise

from .conftest import ROOT, run_cli
from .strategies import profile_dicts

GOLDEN = ROOT / "tests" / "golden" / "review-examples.md"
RULES = load_rules()
PRICE_DATE = "2026-11-01"
DATE = datetime.date.fromisoformat(PRICE_DATE)




def write_workload(folder: Path, filename: str, **fields) -> Path:
    base = yaml.safe_load((ROOT / "examples" / "chatbot.yaml").read_text(encoding="utf-8"))
    base.update(fields)
    path = folder / filename
    path.write_text(yaml.safe_dump(base, allow_unicode=True), encoding="utf-8")
    return path


def to_html(text: str) -> str:
    """Render with pymarkdown's own GFM parser, as a reader's viewer would."""
    from application_properties import ApplicationProperties
    from pymarkdown.extension_manager.extension_manager import ExtensionManager
    from pymarkdown.general.tokenized_markdown import TokenizedMarkdown
    from pymarkdown.transform_gfm.transform_to_gfm import TransformToGfm

    props = ApplicationProperties()
    extensions = ExtensionManager(None)
    extensions.initialize(props)
    extensions.apply_configuration("markdown-tables")
    tokenizer = TokenizedMarkdown()
    tokenizer.apply_configuration(props, extensions)
    return TransformToGfm().transform(tokenizer.transform(text))


def visible(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


# -- totals ---------------------------------------------------------------------------


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(profile_dicts(), max_size=6))
def test_totals_are_the_sums_of_the_rows(dicts):
    assessments = [assess(parse_profile(d), RULES, price_date=DATE, what_if=False) for d in dicts]
    rows = [review_row(a, f"w{i}.yaml", RULES) for i, a in enumerate(assessments)]
    s = summarise(rows, broken_files=0, ruleset=RULES)
    existing = [r for r in rows if r.current_mode is not None]
    new = [r for r in rows if r.current_mode is None]
    assert s.workloads == len(rows) == sum(s.recommended.values()) == sum(s.current.values())
    assert list(s.recommended) == list(MODES)
    for mode in MODES:
        assert s.recommended[mode] == sum(r.recommendation == mode for r in rows)
    assert s.monthly_today_usd == pytest.approx(sum(r.current_monthly_usd for r in existing), rel=1e-12, abs=1e-9)
    assert s.monthly_recommended_usd == pytest.approx(sum(r.recommended_monthly_usd for r in existing), rel=1e-12, abs=1e-9)
    # A difference of two large totals carries their rounding: billions of requests a month
    # make totals of $1e9 and more, each exact to about 1e-16 of itself.
    cancellation = 1e-12 * max(s.monthly_today_usd, s.monthly_recommended_usd)
    assert s.saving_usd_per_month == pytest.approx(
        s.monthly_today_usd - s.monthly_recommended_usd, rel=1e-9, abs=max(1e-6, cancellation)
    )
    assert s.saving_usd_per_month == pytest.approx(sum(r.saving_usd_per_month for r in existing), rel=1e-12, abs=1e-9)
    assert s.new_workloads == len(new)
    assert s.new_monthly_usd == pytest.approx(sum(r.recommended_monthly_usd for r in new), rel=1e-12, abs=1e-9)
    # The moves, largest saving first, then the extra costs, the smallest first.
    moving = [r for r in existing if r.current_mode != r.recommendation]
    assert sorted(m.name for m in s.moves) == sorted(r.name for r in moving)
    assert [m.saving_usd_per_month for m in s.moves] == sorted((m.saving_usd_per_month for m in s.moves), reverse=True)
    assert s.not_feasible == {mode: sum(r.recommendation == mode and not r.feasible for r in rows) for mode in MODES}
    for mode in MODES:
        assert s.already_in_mode[mode] + s.moving_in[mode] + sum(
            r.recommendation == mode for r in new
        ) == s.recommended[mode]
    assert s.required_moves_saving_usd_per_month + s.other_moves_saving_usd_per_month == pytest.approx(
        sum(m.saving_usd_per_month for m in s.moves), rel=1e-12, abs=1e-9
    )
    assert sorted(k.model_dump_json() for k in s.risks) == sorted(k.model_dump_json() for r in rows for k in r.risks)
    for a, row in zip(assessments, rows, strict=True):
        # The verdict rests on a speed no one measured where recommend says so.
        assumed = "stand_in" if feasible_on_stand_in(a) or misses_on_stand_in(a) else None
        if assumed is None and not a.feasible and "The speed of " in (a.infeasible_reason or ""):
            assumed = "benchmark"
        assert row.verdict_on_assumed_speed == assumed
        # Its flags are its risks' labels, the verdict's own words in place of "p95 on an assumed
        # speed" where the verdict rests on it.
        flags = []
        for k in row.risks:
            if k.kind == "assumed_speed" and assumed == "stand_in":
                continue
            flags.append({"rate_limit": "over rate limit", "model_shutdown": "model shutting down",
                          "compliance_on_sync": "compliance flow on a synchronous call",
                          "budget_missed": "misses its p95 budget",
                          "assumed_speed": "p95 on an assumed speed",
                          "not_feasible": "not feasible as specified",
                          "batch_at_risk": "batch at risk against the budget"}[k.kind])
            if k.kind == "not_feasible" and assumed:
                flags.append({"stand_in": "on an assumed speed", "benchmark": "on a benchmark's speed"}[assumed])
        if a.feasible and assumed:
            flags.append("feasible on an assumed speed")
        assert row.flags == flags
        assert any(k.kind == "assumed_speed" for k in row.risks) == bool(a.latency.stand_ins)
        assert row.feasible == all(k.kind != "not_feasible" for k in row.risks)
        assert row.at_risk == any(k.kind == "batch_at_risk" for k in row.risks)


def test_a_workload_on_a_model_its_provider_shuts_down_is_flagged_with_the_days_left(tmp_path):
    """A platform team reviewing its features learns which run on a model the provider has
    announced it will shut down: o3 and the GPT-5 family on 2026-12-11, GPT-4o and GPT-4.1 on
    2027-01-14 (the record said so; the review did not)."""
    write_workload(tmp_path, "reasoner.yaml", name="Reasoner", model="o3")
    write_workload(tmp_path, "steady.yaml", name="Steady", provider="anthropic", model="claude-sonnet-4-6")
    result = review([tmp_path], rules=RULES, price_date=datetime.date(2026, 11, 26))
    flagged = {r.name: r.flags for r in result.workloads}
    assert "model shutting down" in flagged["Reasoner"] and "model shutting down" not in flagged["Steady"]
    (risk,) = [r for r in result.summary.risks if r.kind == "model_shutdown"]
    # The day itself, as the record and the summary say it: "15 days" alone left the reader to count.
    assert risk.detail == "the provider shuts o3 down on 2026-12-11, 15 days after the price date"
    assert "no model shutting down" in render_review(review([tmp_path / "steady.yaml"], rules=RULES,
                                                          price_date=datetime.date(2026, 11, 26)))


def test_examples_rows_match_their_assessments():
    result = review([ROOT / "examples"], rules=RULES, price_date=DATE)
    assert result.errors == []
    # Subfolders too, but not the rule set's own files (listed as skipped, with why).
    examples = ROOT / "examples"
    names = sorted(
        p.relative_to(examples).as_posix() for p in examples.rglob("*.yaml") if p.parent.name != "rules-cost-first"
    )
    assert "rules-cost-first/workloads/sales-call-summaries.yaml" in names
    assert [Path(r.file).relative_to(examples).as_posix() for r in result.workloads] == names
    # The trace export `advisor calibrate` reads is not YAML: counted, not listed.
    assert {Path(s.file).name for s in result.skipped} == {"org.yaml", "ruleset.yaml"}
    assert all("rule set" in s.reason for s in result.skipped)
    assert result.skipped_not_yaml == 1
    for row in result.workloads:
        a = assess(parse_profile(yaml.safe_load(Path(row.file).read_text())), RULES, price_date=DATE, what_if=False)
        assert row.recommendation == a.recommendation
        today = a.workload.current_mode
        if today:
            # Today's cost keeps it running (its build is paid); a move adds the new build.
            running = a.costs[today].total_usd - a.costs[today].engineering_usd
            assert row.current_monthly_usd == pytest.approx(running)
            assert row.saving_usd_per_month == pytest.approx(a.costs[a.recommendation].saving_vs_current_usd)
        if today is None or row.moves:
            assert row.recommended_monthly_usd == a.costs[a.recommendation].total_usd
        else:
            assert row.recommended_monthly_usd == row.current_monthly_usd
    s = result.summary
    assert s.recommended == {"sync": 2, "streaming": 4, "async": 8, "batch": 3}  # with the three step examples
    # Seed 000's gray zone and the compliance flow both run sync today and should move.
    moved = {m.name: (m.current_mode, m.recommendation) for m in s.moves}
    assert moved["Thirty-second report"] == ("sync", "async")
    assert moved["Drug interaction check"] == ("sync", "async")
    kinds = {(k.kind, k.workload) for k in s.risks}
    assert ("compliance_on_sync", "Drug interaction check") in kinds
    assert ("budget_missed", "Drug interaction check") in kinds


def test_a_recommendation_that_misses_its_contract_says_so_as_the_record_does(tmp_path):
    """The record and `advisor recommend` say NOT FEASIBLE for a mode whose numbers miss its
    contract; the review's line for that feature says it too, with the same reason, not a
    plain recommendation an architect would take as working."""
    for name in ("voice-assistant", "claims-triage-compliance", "chatbot"):
        path = ROOT / "examples" / f"{name}.yaml"
        a = assess(parse_profile(yaml.safe_load(path.read_text())), RULES, price_date=DATE, what_if=False)
        result = review([path], rules=RULES, price_date=DATE)
        (row,) = result.workloads
        assert row.feasible == a.feasible
        assert row.infeasible_reason == a.infeasible_reason
        line = next(
            visible(to_html(line)) for line in render_review(result).splitlines()
            if line.startswith(f"| {a.workload.name} |") and " → " in line
        )
        if a.feasible:
            assert "not feasible" not in line.lower()
        else:
            assert f"→ {a.recommendation} (not feasible)" in line
            assert a.infeasible_reason is not None and a.infeasible_reason in line
    # The report's other path (the assessment's own row) says the same.
    voice = ROOT / "examples" / "voice-assistant.yaml"
    a = assess(parse_profile(yaml.safe_load(voice.read_text())), RULES, price_date=DATE, what_if=False)
    assert review_row(a, str(voice), RULES).feasible is False


def test_a_monthly_cost_that_prices_no_reasoning_says_so_in_its_row(tmp_path, capsys):
    """deepseek-flash reasons before it answers, and the workload gives no reasoning_tokens: the
    row's monthly costs (today's, its build paid, and the recommended one) leave its reasoning out, and say so,
    with what the reasoning the latency assumes would add; the JSON says it as reasoning_tokens_unpriced and
    the two amounts. A workload that gives them says nothing."""
    deepseek = yaml.safe_load((ROOT / "examples" / "deepseek-catalogue-enrichment.yaml").read_text(encoding="utf-8"))
    (tmp_path / "a.yaml").write_text(yaml.safe_dump({**deepseek, "current_mode": "sync"}), encoding="utf-8")
    (tmp_path / "b.yaml").write_text((ROOT / "examples" / "reasoning-contract-check.yaml").read_text(encoding="utf-8"),
                                     encoding="utf-8")
    result = review([tmp_path / "a.yaml", tmp_path / "b.yaml"], rules=RULES, price_date=DATE)
    lines = [visible(to_html(line)) for line in render_review(result).splitlines() if " → " in line]
    cells = [[cell.strip() for cell in line.split("|")] for line in lines]
    assert [row[5:7] for row in cells if row[1] == "Product catalogue enrichment"] == [
        ["$396 (reasoning tokens not priced: about $763 more)",
         "$668 (reasoning tokens not priced: about $763 more); $470 in DeepSeek's off-peak hours"]]
    assert [row[6] for row in cells if row[1] == "Clause risk check"] == ["$2,663"]
    code, out, _ = run_cli(capsys, "review", str(tmp_path), "--format", "json", "--price-date", PRICE_DATE)
    assert code == 0
    rows = json.loads(out)["workloads"]
    assert [w["reasoning_tokens_unpriced"] for w in rows] == [True, False]
    # What the reasoning the latency assumes would add: 1,060 tokens a call ((22.99 s - 1.8 s) x 50
    # tokens/s) x 600,000 requests at $1.20 per million output tokens, today's mode and the recommended one.
    assert [(w["current_reasoning_unpriced_usd"], w["recommended_reasoning_unpriced_usd"]) for w in rows] == [
        (pytest.approx(763.2), pytest.approx(763.2)), (None, None)]
    # The report's other path (the assessment's own row) says the same.
    a = assess(parse_profile(yaml.safe_load((tmp_path / "a.yaml").read_text())), RULES, price_date=DATE, what_if=False)
    row = review_row(a, "a.yaml", RULES)
    assert (row.current_reasoning_unpriced_usd, row.recommended_reasoning_unpriced_usd) == (
        pytest.approx(763.2), pytest.approx(763.2))


# -- the report -----------------------------------------------------------------------


def test_golden_review_of_the_examples(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(capsys, "review", "examples", "--price-date", PRICE_DATE)
    assert code == 0, err
    if os.environ.get("ADVISOR_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(out, encoding="utf-8")
    assert out == GOLDEN.read_text(encoding="utf-8"), "regenerate with ADVISOR_UPDATE_GOLDEN=1 if the change is intended"


def test_golden_review_is_clean_markdown():
    result = subprocess.run(
        [sys.executable, "-m", "pymarkdown", "-d", "md013", "scan", str(GOLDEN)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_summary_says_which_features_its_totals_are_of(capsys, monkeypatch):
    """The monthly totals are of every feature running today, not of the ones that move: the
    sentence says so, and says nothing of the kind when no feature runs today."""
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli(capsys, "review", "examples", "--price-date", PRICE_DATE)
    assert code == 0
    assert "**3 of 5** features running today should change mode.\n" in out
    assert "\nThe 5 features running today cost $17,279" in out
    assert "Together they cost" not in out
    moves = re.findall(r"^\| [^|]+ \| `[^`]+` \| \w+ \| [^|]+ \| (extra cost|saving) \$([\d.]+) \| [^|]+ \|$", out, re.M)
    # Two moves cost $272 more each (async's build less the client built today); the nightly triage's move to
    # batch saves $176.39 on gpt-5.4 ("$176" between $615 and $439).
    assert sorted(moves) == [("extra cost", "272"), ("extra cost", "272"), ("saving", "176")]
    assert "an extra cost of $368 a month" in out
    code, out, _ = run_cli(capsys, "review", "examples/chatbot.yaml", "--price-date", PRICE_DATE)
    assert code == 0
    assert "No feature runs today (none gives a current mode)." in out
    assert "$0 a month" not in out and "needs to change mode" not in out
    code, out, _ = run_cli(capsys, "review", "examples/support-reply-draft.yaml", "--price-date", PRICE_DATE)
    assert "The one feature running today costs $864 a month as it runs" in out


def test_report_shows_the_mode_mix_as_a_mermaid_pie():
    text = GOLDEN.read_text(encoding="utf-8")
    pie = re.search(r"```mermaid\npie title [^\n]+\n((?:    \"\w+\" : \d+\n)+)```", text)
    assert pie, text
    slices = dict(re.findall(r"\"(\w+)\" : (\d+)", pie.group(1)))
    assert slices == {"sync": "2", "streaming": "4", "async": "8", "batch": "3"}


def test_broken_file_is_reported_and_the_rest_reviewed(tmp_path, capsys):
    folder = tmp_path / "workloads"
    folder.mkdir()
    write_workload(folder, "a.yaml", name="Alpha")
    (folder / "b.yaml").write_text("name: Broken\ninteraction: chat\nlatency_budget_s: [1\n", encoding="utf-8")
    write_workload(folder, "c.yml", name="Gamma", latency_budget_s=-3)
    write_workload(folder, "d.yaml", name="Delta", interaction="pipeline", latency_budget_s=86400)
    write_workload(folder, ".hidden.yaml", name="Hidden")
    (folder / "notes.txt").write_text("not a workload", encoding="utf-8")
    report = tmp_path / "review.md"
    code, out, err = run_cli(capsys, "review", str(folder), "-o", str(report), "--price-date", PRICE_DATE)
    assert code == 2
    assert out == ""
    text = report.read_text(encoding="utf-8")
    assert "| Alpha |" in text and "| Delta |" in text and "Hidden" not in text
    assert "2 files were not reviewed" in text
    assert "not valid YAML (line 4, column 1)" in text
    assert "field 'latency_budget_s': input should be greater than or equal to 0.01 (got -3)" in text
    lines = err.strip().splitlines()
    assert lines[-1] == f"wrote {report}"  # the report is written, its broken inputs said first
    assert lines[0].startswith(f"advisor: error: {folder / 'b.yaml'}: not valid YAML")
    assert lines[1].startswith(f"advisor: error: {folder / 'c.yml'}: field 'latency_budget_s'")
    assert len(lines) == 3


def test_json_keys(tmp_path, capsys):
    folder = tmp_path / "w"
    folder.mkdir()
    write_workload(folder, "a.yaml", name="Alpha", current_mode="sync")
    (folder / "b.yaml").write_text("- not a mapping\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "review", str(folder), "--format", "json", "--price-date", PRICE_DATE)
    assert code == 2
    data = json.loads(out)
    assert {"workloads", "summary", "errors"} <= set(data)
    assert [(w["name"], w["recommendation"]) for w in data["workloads"]] == [("Alpha", "streaming")]
    assert data["workloads"][0]["current_mode"] == "sync"
    assert data["errors"] == [{"file": str(folder / "b.yaml"), "error": "expected a mapping of workload fields, got a list"}]
    assert data["summary"]["broken_files"] == 1
    assert data["price_date"] == PRICE_DATE


def test_review_risks_cite_their_documents_by_the_ids_the_assessment_gives(tmp_path, capsys):
    """The review's rate-limit risk quoted its source as titled text only, while `recommend
    --format json` gives ids beside every source: a script could not tell which document a
    flag rests on. Each risk now lists `source_ids`, the ids the workload's assessment gives
    the same documents, and the review's `sources` map, at the end of the document, gives each
    cited document once, as the assessment's does."""
    import shutil

    shutil.copy(ROOT / "examples" / "support-agent-tools.yaml", tmp_path)
    write_workload(tmp_path, "reasoner.yaml", name="Reasoner", model="o3")  # shut down on 2026-12-11
    day = "2026-11-26"
    code, out, _ = run_cli(capsys, "review", tmp_path, "--format", "json", "--price-date", day)
    assert code == 0
    data = json.loads(out)
    # What was there stays, in its place; the map of the documents cited comes last.
    assert list(data) == ["advisor_version", "ruleset", "price_date", "decisions_dir", "decisions_dirs",
                          "decisions_dirs_without_records", "workloads", "summary", "errors", "skipped",
                          "skipped_not_yaml", "unmatched_decisions", "several_records_in_force", "sources"]
    rows = {Path(w["file"]).name: w for w in data["workloads"]}

    def assessed(name: str) -> dict:
        code, out, _ = run_cli(capsys, "recommend", tmp_path / name, "--format", "json", "--price-date", day)
        assert code == 0
        return json.loads(out)

    (limit,) = [r for r in rows["support-agent-tools.yaml"]["risks"] if r["kind"] == "rate_limit"]
    assert list(limit) == ["kind", "label", "workload", "file", "detail", "severity", "source_ids", "live",
                           "removed_by_recommendation"]
    agent = assessed("support-agent-tools.yaml")
    assert limit["source_ids"] == agent["capacity"]["limits_source_ids"] != []
    (shutdown,) = [r for r in rows["reasoner.yaml"]["risks"] if r["kind"] == "model_shutdown"]
    reasoner = assessed("reasoner.yaml")
    (announced,) = [x for x in reasoner["assumptions"] if x["name"] == "model shutdown"]
    assert shutdown["source_ids"] == announced["source_ids"] != []

    cited = [i for w in data["workloads"] for r in w["risks"] for i in r["source_ids"]]
    assert set(data["sources"]) == set(cited)  # every id cited resolves, and the map holds no other
    for i in limit["source_ids"]:
        assert data["sources"][i] == agent["sources"][i]
        assert data["sources"][i]["url"] not in limit["detail"]  # cited by its id, not in the detail
    for i in shutdown["source_ids"]:
        assert data["sources"][i] == reasoner["sources"][i]
    # The summary's risks are the rows' risks, ids and all.
    assert sorted(map(json.dumps, data["summary"]["risks"])) == sorted(
        json.dumps(r) for w in data["workloads"] for r in w["risks"]
    )


def test_files_in_the_order_given(tmp_path):
    a = write_workload(tmp_path, "zeta.yaml", name="Zeta")
    folder = tmp_path / "f"
    folder.mkdir()
    write_workload(folder, "b.yaml", name="B")
    write_workload(folder, "a.yml", name="A")
    result = review([a, folder, folder / "a.yml"], rules=RULES, price_date=DATE)
    assert [r.name for r in result.workloads] == ["Zeta", "A", "B"]  # a.yml once


def test_nothing_to_review(tmp_path, capsys):
    code, out, err = run_cli(capsys, "review", str(tmp_path))
    assert code == 2 and out == ""
    assert "no workload files (*.yaml, *.yml) found in" in err


@pytest.mark.parametrize("output", [[], ["--format", "json"], ["-o", "r.md"]])
def test_a_path_that_does_not_exist_is_one_line_as_an_empty_folder_is(tmp_path, capsys, monkeypatch, output):
    # `review nothere` printed a whole empty report ("0 AI features", "Files not reviewed:
    # nothere") where `review emptydir` printed one line.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "emptydir").mkdir()
    for paths, line in (
        (["nothere"], "found in nothere; nothere: no such file or folder"),
        (["nothere", "emptydir"], "found in nothere, emptydir; nothere: no such file or folder"),
    ):
        code, out, err = run_cli(capsys, "review", *paths, *output)
        assert (code, out) == (2, "")
        assert err == f"advisor: error: no workload files (*.yaml, *.yml) {line}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["emptydir"]
    with pytest.raises(InputError, match="nothere: no such file or folder"):
        review(["nothere"], rules=RULES, price_date=DATE)


def test_files_that_are_not_yaml_are_counted_not_listed(tmp_path, capsys, monkeypatch):
    """Platform pass K4: `review services` listed every decision record, trace and README of a
    monorepo as "skipped: not a YAML file", which buried what "Files skipped" is for: a file
    that might have been meant as a workload and was not reviewed. A file that is not YAML
    (a hidden one too) is now counted, not listed; a YAML file passed over still is, with why,
    and so is one that fails to load (under "Files not reviewed")."""
    monkeypatch.chdir(tmp_path)
    write_workload(tmp_path, "a.yaml", name="A")
    (tmp_path / "broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# Workloads\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.tmp\n", encoding="utf-8")
    (tmp_path / ".draft.yaml").write_text("name: Draft\n", encoding="utf-8")
    decisions = tmp_path / "docs" / "decisions"
    decisions.mkdir(parents=True)
    for n in range(1, 4):
        (decisions / f"{n:04d}-record.md").write_text(f"# {n}. A record\n", encoding="utf-8")
    result = review([tmp_path], rules=RULES, price_date=DATE)
    assert [(Path(s.file).name, s.reason) for s in result.skipped] == [(".draft.yaml", "hidden file")]
    assert result.skipped_not_yaml == 5  # README.md, .gitignore and the three records
    assert [Path(e.file).name for e in result.errors] == ["broken.yaml"]
    code, out, _ = run_cli(capsys, "review", ".", "--format", "json", "--price-date", PRICE_DATE)
    assert code == 2
    data = json.loads(out)
    assert [s["file"] for s in data["skipped"]] == [".draft.yaml"] and data["skipped_not_yaml"] == 5
    assert list(data)[list(data).index("skipped") + 1] == "skipped_not_yaml"
    code, out, _ = run_cli(capsys, "review", ".", "--price-date", PRICE_DATE)
    assert "0001-record.md" not in out and "README.md" not in out
    assert "1 file was skipped as not a workload: see [Files skipped](#files-skipped). 5 other files are not YAML" \
        " (.yaml or .yml) and were not read." in out
    assert "| `.draft.yaml` | hidden file |" in out
    # Nothing but files that are not YAML: the error says how many.
    only = tmp_path / "docs"
    code, out, err = run_cli(capsys, "review", only)
    assert (code, out) == (2, "")
    assert err == f"advisor: error: no workload files (*.yaml, *.yml) found in {only}; 3 files that are not YAML\n"


# -- decision records -----------------------------------------------------------------


def test_links_to_matching_decision_records(tmp_path, capsys):
    folder = tmp_path / "w"
    folder.mkdir()
    chat = write_workload(folder, "chat.yaml", name="Customer chatbot")
    write_workload(folder, "other.yaml", name="Other feature")
    decisions = tmp_path / "docs" / "decisions"
    for _ in range(2):
        assert run_cli(capsys, "adr", str(chat), "--dir", str(decisions), "--price-date", PRICE_DATE,
                       "--date", PRICE_DATE)[0] == 0
    (decisions / "0003-hand-written.md").write_text("# 3. Something else\n", encoding="utf-8")
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    report = out_dir / "review.md"
    code, _, err = run_cli(capsys, "review", str(folder), "--decisions", str(decisions), "-o", str(report),
                           "--price-date", PRICE_DATE)
    assert code == 0, err
    text = report.read_text(encoding="utf-8")
    records = sorted(p.name for p in decisions.glob("000[12]-*.md"))
    # Each record with what `advisor verify` says of it today.
    assert re.search(rf"\[0001\]\(\.\./docs/decisions/{records[0]}\) holds[^|]*; \[0002\]\(\.\./docs/decisions/"
                     rf"{records[1]}\) holds", text)
    other = next(line for line in text.splitlines() if line.startswith("| Other feature |"))
    assert other.endswith("| none |")
    data = review([folder], rules=RULES, decisions_dir=decisions, price_date=DATE)
    assert [link.number for link in data.workloads[0].decisions] == [1, 2]


def test_missing_decisions_folder_is_an_error(tmp_path, capsys):
    write_workload(tmp_path, "a.yaml", name="A")
    code, _, err = run_cli(capsys, "review", str(tmp_path), "--decisions", str(tmp_path / "nope"))
    assert code == 2 and "no such decisions folder" in err


# -- free text, output file, progress -------------------------------------------------


HOSTILE = "A | B <script>alert(1)</script> *bold* [x](javascript:alert(1)) `c` #1"


def test_free_text_is_escaped(tmp_path):
    folder = tmp_path / "we|ird `dir`"
    folder.mkdir()
    write_workload(folder, "a.yaml", name=HOSTILE, current_mode="sync", downstream="compliance_critical")
    text = render_review(review([folder], rules=RULES, price_date=DATE))
    rendered = to_html(text)
    assert "<script>" not in rendered
    assert not [h for h in re.findall(r'href="([^"]*)"', rendered) if "javascript" in h]
    tables = re.findall(r"<table>.*?</table>", rendered, re.DOTALL)
    workloads = tables[-1]
    header, row = re.findall(r"<tr>(.*?)</tr>", workloads, re.DOTALL)[:2]
    cells = [visible(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)]
    assert len(cells) == len(re.findall(r"<th", header)) == 7
    assert cells[0] == HOSTILE
    assert cells[1] == str(folder / "a.yaml")
    risks = next(t for t in tables if "Risk" in t)
    assert HOSTILE in visible(risks)


def test_output_is_replaced_whole(tmp_path, capsys):
    write_workload(tmp_path, "a.yaml", name="A")
    report = tmp_path / "out" / "review.md"
    report.parent.mkdir()
    report.write_text("old report\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "review", str(tmp_path / "a.yaml"), "-o", str(report), "--price-date", PRICE_DATE)
    assert code == 2 and "already exists; pass --force" in err
    assert report.read_text(encoding="utf-8") == "old report\n"
    code, _, _ = run_cli(
        capsys, "review", str(tmp_path / "a.yaml"), "-o", str(report), "--force", "--price-date", PRICE_DATE
    )
    assert code == 0
    assert report.read_text(encoding="utf-8").startswith("# Architecture review: 1 AI feature\n")
    assert sorted(p.name for p in report.parent.iterdir()) == ["review.md"]  # no temporary file left
    code, _, err = run_cli(capsys, "review", str(tmp_path / "a.yaml"), "-o", str(tmp_path / "missing" / "r.md"))
    assert code == 2 and "does not exist" in err and not (tmp_path / "missing").exists()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal():
    tty = _Terminal()
    bar = Progress(tty, delay_s=0.0)
    for done in range(1, 5):
        bar.update(done, 4)
    bar.close()
    written = tty.getvalue()
    assert "\rreviewing [" in written and "4/4" in written
    assert written.endswith("\r")  # the line is cleared at the end
    pipe = io.StringIO()
    quiet = Progress(pipe, delay_s=0.0)
    quiet.update(1, 4)
    quiet.close()
    assert pipe.getvalue() == ""


def test_review_output_is_deterministic(tmp_path):
    first = render_review(review([ROOT / "examples"], rules=RULES, price_date=DATE), "json")
    second = render_review(review([ROOT / "examples"], rules=RULES, price_date=DATE), "json")
    assert first == second
    data = json.loads(first)
    assert math.isclose(
        data["summary"]["monthly_today_usd"],
        sum(w["current_monthly_usd"] for w in data["workloads"] if w["current_monthly_usd"] is not None),
    )


def test_the_streamed_report_is_the_reviews_report(tmp_path):
    """`advisor review` writes its report as it is made (JSON a workload at a time, Markdown
    keeping only each workload's line; a review of 100,000 files keeps no workload): the same
    bytes as the whole review's report, decision-record links and all."""
    import shutil

    from advisor import load_profile, write_adr
    from advisor.core.errors import InputError
    from advisor.views.review import ReviewRun

    folder = tmp_path / "portfolio"
    shutil.copytree(ROOT / "examples", folder, ignore=shutil.ignore_patterns("rules-*"))
    (folder / "broken.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a workload\n", encoding="utf-8")
    decisions = tmp_path / "decisions"
    decisions.mkdir()
    assessment = assess(load_profile(folder / "chatbot.yaml"), RULES, price_date=DATE)
    write_adr(assessment, decisions)
    cases = [
        ([folder], {}), ([folder], {"decisions_dir": decisions}), ([folder / "chatbot.yaml"], {}),
        ([folder / "notes.txt", folder / "missing.yaml"], {}),
    ]
    compared = 0
    for paths, extra in cases:
        kwargs = {"rules": RULES, "price_date": DATE, **extra}
        try:
            whole = review(paths, **kwargs)
        except InputError:
            continue
        streamed = "".join(ReviewRun(paths, **kwargs).json())
        assert streamed == render_review(whole, "json")
        json.loads(streamed)
        for base in (None, tmp_path / "out"):
            streamed = "".join(ReviewRun(paths, **kwargs).markdown(link_base=base))
            assert streamed == render_review(whole, "md", link_base=base)
        compared += 1
    assert compared == 4


def test_records_are_linked_by_the_workload_file_they_name_with_what_verify_says(tmp_path, capsys, monkeypatch):
    """An architect's review linked record 0008 to both "IDE inline code completion" rows (two
    files, one name), lost a renamed feature's record, and said nothing of a drifted record:
    a record is now linked by the workload file it names, resolved to its real path, with its
    status as `advisor verify` judges it; one that names no file is matched by name, saying so;
    one that matches no reviewed workload is listed."""
    import shutil

    from advisor import load_profile, write_adr

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "workloads"
    folder.mkdir()
    first = write_workload(folder, "a.yaml", name="Same name")
    write_workload(folder, "b.yaml", name="Same name")
    gone = write_workload(folder, "gone.yaml", name="Retired")
    shutil.copy(ROOT / "examples" / "support-reply-draft.yaml", folder / "draft.yaml")
    decisions = tmp_path / "docs" / "decisions"
    for path in (first, gone, folder / "draft.yaml"):
        assert run_cli(capsys, "adr", str(path), "--dir", str(decisions), "--price-date", PRICE_DATE,
                       "--date", PRICE_DATE)[0] == 0
    write_adr(assess(load_profile(folder / "b.yaml"), RULES, price_date=DATE), decisions)  # names no file
    gone.unlink()
    # The feature is renamed and its volume grows tenfold: its record drifts.
    draft = yaml.safe_load((folder / "draft.yaml").read_text(encoding="utf-8"))
    draft.update(name="Support reply draft (renamed)", requests_per_month=draft["requests_per_month"] * 10)
    (folder / "draft.yaml").write_text(yaml.safe_dump(draft), encoding="utf-8")
    result = review([folder], rules=RULES, decisions_dir=decisions, price_date=DATE)
    links = {Path(row.file).name: [(d.number, d.matched_by, d.status) for d in row.decisions] for row in result.workloads}
    assert links["a.yaml"] == [(1, "file", "holds"), (4, "name", "holds")]
    assert links["b.yaml"] == [(4, "name", "holds")]  # 0001 names a.yaml, not b.yaml
    assert links["draft.yaml"] == [(3, "file", "drifted")]
    (drifted,) = result.workloads[2].decisions
    assert drifted.note == "sync costs $864 -> $8,640 a month"
    assert [d.number for d in result.unmatched_decisions] == [2]
    assert result.summary.decision_records == {"holds": 3, "drifted": 1}
    assert result.summary.features_without_record == 0
    text = render_review(result)
    assert "4 decision records: 3 hold, 1 drifted (as `advisor verify` judges them today); 0 features have no record;" \
        " 1 record matches no reviewed workload" in text
    assert "drifted: sync costs $864 -&gt; $8,640 a month" in text
    assert "(matched by name: the record names no workload file)" in text
    assert "## Decision records without a reviewed workload" in text
    assert render_review(review([folder], rules=RULES, price_date=DATE), "json").count("unmatched_decisions") == 1


def _monorepo(tmp_path: Path, capsys) -> Path:
    """A repository with a decisions folder per service (services/*/docs/decisions), each
    service's workloads recorded there, as a platform team lays it out."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    services = tmp_path / "services"
    for service, names in (("support", ("Customer chatbot", "Reply draft")), ("search", ("Query intent",))):
        workloads = services / service / "workloads"
        workloads.mkdir(parents=True)
        for i, name in enumerate(names):
            path = write_workload(workloads, f"w{i}.yaml", name=name)
            assert run_cli(capsys, "adr", path, "--dir", services / service / "docs" / "decisions",
                           "--price-date", PRICE_DATE, "--date", PRICE_DATE)[0] == 0
    return services


def test_decisions_are_searched_with_their_subfolders_and_given_more_than_once(tmp_path, capsys, monkeypatch):
    """Platform pass W3: `review services --decisions services` said "0 decision records ... 3
    features have no record" in a monorepo with a decisions folder per service, and a second
    --decisions silently replaced the first. A decisions folder is now searched as `advisor
    verify` searches it (subfolders too), and --decisions may be given more than once."""
    services = _monorepo(tmp_path, capsys)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "review", "services", "--decisions", "services", "--format", "json",
                             "--price-date", PRICE_DATE)
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["decision_records"] == {"holds": 3}
    assert data["summary"]["features_without_record"] == 0
    assert data["decisions_dir"] == "services" and data["decisions_dirs"] == ["services"]
    assert all(len(w["decisions"]) == 1 for w in data["workloads"])
    # Given twice: both folders' records, not the last folder's only.
    support, search = (f"services/{s}/docs/decisions" for s in ("support", "search"))
    code, out, err = run_cli(capsys, "review", "services", "--decisions", support, "--decisions", search,
                             "--format", "json", "--price-date", PRICE_DATE)
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["decision_records"] == {"holds": 3}
    assert data["summary"]["features_without_record"] == 0
    assert data["decisions_dir"] == support and data["decisions_dirs"] == [support, search]
    # A folder inside another one given: each record once.
    code, out, err = run_cli(capsys, "review", "services", "--decisions", "services", "--decisions", support,
                             "--format", "json", "--price-date", PRICE_DATE)
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["decision_records"] == {"holds": 3}
    assert [len(w["decisions"]) for w in data["workloads"]] == [1, 1, 1]
    assert data["decisions_dirs_without_records"] == []
    # A record found in a subfolder is an input: the report never writes over it.
    (record,) = (services / "search" / "docs" / "decisions").glob("0001-*.md")
    code, _, err = run_cli(capsys, "review", "services", "--decisions", "services", "-o", record, "--force")
    assert code == 2 and "is one of this command's inputs" in err
    # The Python API: one path as before, or a list of them.
    one = review([services], rules=RULES, decisions_dir=services, price_date=DATE)
    both = review([services], rules=RULES, decisions_dir=[tmp_path / support, tmp_path / search], price_date=DATE)
    for result in (one, both):
        assert result.summary.decision_records == {"holds": 3} and result.summary.features_without_record == 0
    assert one.decisions_dir == str(services) and one.decisions_dirs == [str(services)]
    assert both.decisions_dirs == [str(tmp_path / support), str(tmp_path / search)]
    assert review([services], rules=RULES, price_date=DATE).decisions_dirs == []


def test_a_decisions_folder_without_a_record_is_said(tmp_path, capsys, monkeypatch):
    """Platform pass W3: a decisions folder with no advisor record in it gave "0 decision
    records" and nothing more, as if the features had none: the report now says which
    folder holds no record."""
    _monorepo(tmp_path, capsys)
    monkeypatch.chdir(tmp_path)
    empty = Path("docs") / "adr"
    empty.mkdir(parents=True)
    (empty / "README.md").write_text("# Decisions\n\nWritten by hand.\n", encoding="utf-8")
    support = "services/support/docs/decisions"
    code, out, err = run_cli(capsys, "review", "services", "--decisions", support, "--decisions", empty,
                             "--format", "json", "--price-date", PRICE_DATE)
    assert code == 0, err
    data = json.loads(out)
    assert data["decisions_dirs_without_records"] == [str(empty)]
    assert data["summary"]["decision_records"] == {"holds": 2}
    code, out, err = run_cli(capsys, "review", "services", "--decisions", support, "--decisions", empty,
                             "--price-date", PRICE_DATE)
    assert code == 0, err
    assert "The decisions folder `docs/adr` holds no advisor decision record (searched with its subfolders)." in out
    result = review(["services"], rules=RULES, decisions_dir=[support], price_date=DATE)
    assert result.decisions_dirs_without_records == []
    assert "holds no advisor decision record" not in render_review(result)


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_records_no_longer_in_force_are_not_listed_without_a_workload(tmp_path, capsys, monkeypatch, template):
    """Platform pass K8: a record superseded after its workload file was renamed was listed
    under "Decision records without a reviewed workload", as was a deprecated one whose feature
    is gone: retired records, not a gap. Only records in force are listed there (all are
    still counted, by status). MADR says a status in its front matter, Nygard in a section."""
    import shutil

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "workloads"
    folder.mkdir()
    decisions = tmp_path / "docs" / "decisions"

    def adr(path: Path, *extra: str) -> None:
        assert run_cli(capsys, "adr", path, "--dir", decisions, "--template", template, "--price-date", PRICE_DATE,
                       "--date", PRICE_DATE, *extra)[0] == 0

    old = write_workload(folder, "chat.yaml", name="Customer chatbot")
    gone = write_workload(folder, "gone.yaml", name="Retired feature")
    kept = write_workload(folder, "kept.yaml", name="Feature in force")
    adr(old)
    adr(gone, "--status", "deprecated")
    adr(kept, "--status", "accepted")
    # The workload is renamed and recorded again from its new name, superseding record 1.
    new = folder / "support-chat.yaml"
    shutil.move(old, new)
    adr(new, "--supersedes", "1")
    gone.unlink()
    kept.unlink()
    result = review([folder], rules=RULES, decisions_dir=decisions, price_date=DATE)
    assert [d.number for d in result.unmatched_decisions] == [3]  # in force, its workload not reviewed
    assert result.summary.decision_records == {"holds": 2, "superseded": 1, "deprecated": 1}
    text = render_review(result)
    assert "1 record matches no reviewed workload" in text
    listed = text.split("## Decision records without a reviewed workload")[1]
    assert "0003-feature-in-force" in listed and "0001-" not in listed and "0002-" not in listed


def test_the_summary_says_what_misses_its_contract_what_is_at_risk_and_what_the_totals_rest_on(tmp_path):
    """The review dropped recommend's "batch is at risk against the budget", never counted the
    features that miss their contract as specified, and gave its totals without the builds they
    amortise or the reasoning they leave out (architect review F3-F7)."""
    import shutil

    for name in ("nightly-ticket-triage.yaml", "voice-assistant.yaml", "gray-zone-30s.yaml",
                 "support-reply-draft.yaml", "claims-triage-compliance.yaml"):
        shutil.copy(ROOT / "examples" / name, tmp_path)
    result = review([tmp_path], rules=RULES, price_date=DATE)
    rows = {Path(r.file).name: r for r in result.workloads}
    triage, voice = rows["nightly-ticket-triage.yaml"], rows["voice-assistant.yaml"]
    assert triage.recommendation == "batch" and triage.feasible and triage.at_risk
    assert "longer than the budget" in (triage.at_risk_reason or "")
    assert "batch at risk against the budget" in triage.flags
    assert not voice.feasible and "not feasible as specified" in voice.flags
    s = result.summary
    assert s.at_risk == 1
    assert sum(s.not_feasible.values()) == sum(not r.feasible for r in result.workloads) > 0
    assert s.new_not_feasible_monthly_usd == pytest.approx(
        sum(r.recommended_monthly_usd for r in result.workloads if r.current_mode is None and not r.feasible)
    )
    # The builds: a month, and up front at the cost model's rate over its months.
    assert s.amortisation_months == [36] and s.usd_per_person_week == [4000.0]
    assert s.build_upfront_usd == pytest.approx(s.build_usd_per_month * 36)
    moves = {Path(m.file).name: m for m in s.moves}
    assert moves["nightly-ticket-triage.yaml"].reason == "cost" and moves["nightly-ticket-triage.yaml"].at_risk
    assert moves["claims-triage-compliance.yaml"].required
    assert moves["claims-triage-compliance.yaml"].reason == "required: Compliance-critical output goes async"
    assert s.moves[0].saving_usd_per_month == max(m.saving_usd_per_month for m in s.moves)
    # Live risks before planned ones, each saying whether the recommendation removes it.
    lives = [k.live for k in s.risks]
    assert lives == sorted(lives, reverse=True) and any(lives) and not all(lives)
    (compliance,) = [k for k in s.risks if k.kind == "compliance_on_sync"]
    assert compliance.removed_by_recommendation is True
    text = render_review(result)
    assert "features miss their contract in their recommended mode as specified" in text
    assert "1 batch recommendation is at risk against the budget" in text
    assert "| sync | batch (batch at risk against the budget) |" in text
    assert "of engineering up front amortised over 36 months at $4,000 a person-week" in text
    assert "| Recommended mode | Features | Already running in it | Moving in from another mode |" in text
    assert "see the JSON report" not in text


def test_a_move_the_rules_prefer_gives_the_rule_that_weighs_for_the_new_mode(tmp_path):
    """A nightly classification with half an hour to finish moves from sync to async. Its move
    was put down to "No batch within an hour", the first rule that decided, which rules batch
    out and says nothing for async over sync."""
    workload = {
        "name": "Nightly support ticket classification", "interaction": "pipeline", "latency_budget_s": 1800,
        "input_tokens": 900, "output_tokens": 30, "output_format": "json", "requests_per_month": 300_000,
        "provider": "openai", "model": "gpt-5.4-mini", "downstream": "internal_service",
        "side_effects": "idempotent", "current_mode": "sync",
    }
    (tmp_path / "nightly.yaml").write_text(yaml.safe_dump(workload), encoding="utf-8")
    (row,) = review([tmp_path], rules=RULES, price_date=DATE).workloads
    assert (row.current_mode, row.recommendation) == ("sync", "async")
    assert row.move_reason == "preferred: Minutes to an hour is async"


def test_the_report_says_what_its_figures_rest_on(tmp_path, capsys):
    """The header gave only the price date: not the price data, the amortisation, the account
    tiers the rate limits are at, how each p95 was come by, nor what is left unpriced, which
    recommend says of each feature (architect review F10). Counted over the features, in
    Markdown and JSON."""
    write_workload(tmp_path, "a.yaml", name="Published speed")  # gpt-5.4 at OpenAI's default tier
    write_workload(tmp_path, "b.yaml", name="Stand-in speed", model="gpt-5.4-mini", tier="tier-3")
    write_workload(tmp_path, "c.yaml", name="Measured", model_p95_s=1.2, cached_input_fraction=0.5,
                   costs={"amortisation_months": 24, "usd_per_person_week": 5000})
    write_workload(tmp_path, "d.yaml", name="Anthropic", provider="anthropic", model="claude-haiku-4-5")
    write_workload(tmp_path, "e.yaml", name="Own limits", rate_limits={"rpm": 1000, "tpm": 1_000_000})
    result = review([tmp_path], rules=RULES, price_date=DATE)
    rows = {r.name: r for r in result.workloads}
    assert [rows[n].p95_basis for n in ("Published speed", "Stand-in speed", "Measured")] == [
        "estimated", "stand_in", "measured"]
    assert rows["Anthropic"].rate_limit_tiers == ["Anthropic start"]
    assert rows["Measured"].cache_writes_unpriced and not rows["Published speed"].cache_writes_unpriced
    from genai_prices import __version__ as prices_version

    basis = result.summary.basis
    assert basis.price_data == {f"genai-prices {prices_version}": 5}
    assert [(a.months, a.usd_per_person_week, a.features) for a in basis.amortisation] == [
        (36, 4000.0, 4), (24, 5000.0, 1)]
    assert basis.rate_limit_tiers == {"OpenAI tier-1": 2, "Anthropic start": 1, "OpenAI tier-3": 1,
                                      "the workload's own": 1}
    assert basis.p95 == {"measured": 1, "estimated": 3, "stand_in": 1}
    assert basis.unpriced == {"reasoning": 0, "prompt_cache_writes": 1}
    text = render_review(result)
    header = text.split("## Summary", 1)[0]
    assert "**What the figures rest on.** Prices from genai-prices " in header
    assert "as of 2026-11-01; batch prices as genai-prices lists them. Builds" in header
    assert "Builds amortised over 36 months at $4,000 a person-week for 4 features, 24 months at $5,000" \
        " a person-week for 1, as the cost model states them." in header
    assert "Rate limits at OpenAI tier-1 for 2 features, Anthropic start for 1, OpenAI tier-3 for 1," \
        " the workload's own for 1." in header
    assert "The p95 is estimated from published speeds for 3 features, timed at a stand-in speed for 1," \
        " measured (given by the workload) for 1." in header
    assert "Not priced: the prompt-cache writes of 1 feature (cached input is billed as cache reads only)." in header
    code, out, _ = run_cli(capsys, "review", str(tmp_path), "--format", "json", "--price-date", PRICE_DATE)
    assert code == 0
    assert json.loads(out)["summary"]["basis"] == result.summary.basis.model_dump(mode="json")


def test_feature_names_used_by_more_than_one_file_are_named_in_the_summary(tmp_path, capsys, monkeypatch):
    """Two "Drug interaction check" rows in Top risks could not be told apart by name: the
    summary says which names more than one file uses, and with which files; the JSON lists
    every one (architect review F11)."""
    import advisor.views.review as review_module

    odd = "Promo | *bold* <b>x</b>"
    for filename, name in (("a.yaml", "Same"), ("b.yaml", "Unique"), ("c.yaml", "Same"), ("d.yaml", odd),
                           ("e.yaml", odd), ("f.yaml", "Same")):
        write_workload(tmp_path, filename, name=name)
    result = review([tmp_path], rules=RULES, price_date=DATE)
    assert [(d.name, [Path(f).name for f in d.files]) for d in result.summary.duplicate_names] == [
        (odd, ["d.yaml", "e.yaml"]), ("Same", ["a.yaml", "c.yaml", "f.yaml"])]
    text = render_review(result)
    line = next(line for line in text.splitlines() if "used by more than one file" in line)
    assert line.startswith("2 feature names are used by more than one file (the File columns tell them apart): ")
    assert f"`{tmp_path / 'a.yaml'}`, `{tmp_path / 'c.yaml'}`, `{tmp_path / 'f.yaml'}`" in line
    assert visible(to_html(line)).count(odd) == 1
    monkeypatch.setattr(review_module, "DUPLICATES_SHOWN", 1)
    assert "; and 1 more, each listed in the JSON report's summary." in render_review(result)
    code, out, _ = run_cli(capsys, "review", str(tmp_path / "b.yaml"), str(tmp_path / "a.yaml"), "--format", "json",
                           "--price-date", PRICE_DATE)
    assert code == 0
    assert json.loads(out)["summary"]["duplicate_names"] == []
    assert "used by more than one file" not in render_review(review([tmp_path / "a.yaml"], rules=RULES, price_date=DATE))


def test_the_moves_say_so_when_their_rounded_rows_do_not_add_up_to_the_total(tmp_path):
    """Six moves of "extra cost $383" and a saving of $7,048 add up to $4,815 where the summary
    said $4,813, the sum of the exact figures (6 x $383.33): the table now says its rows are
    rounded on their own, and only where a reader's sum would differ (architect review F15)."""
    import shutil

    note = "Each row is rounded on its own; the total is of the exact figures."
    shutil.copy(ROOT / "examples" / "gray-zone-30s.yaml", tmp_path / "a.yaml")
    one = render_review(review([tmp_path], rules=RULES, price_date=DATE))
    assert "| extra cost $272 |" in one and "an extra cost of $272 a month" in one
    assert note not in one
    shutil.copy(ROOT / "examples" / "claims-triage-compliance.yaml", tmp_path / "b.yaml")
    two = render_review(review([tmp_path], rules=RULES, price_date=DATE))
    # Two rows of $272 each ($272.22, async's build less the client built today): $544 either way.
    assert two.count("| extra cost $272 |") == 2 and "an extra cost of $544 a month" in two
    assert note not in two
    shutil.copy(ROOT / "examples" / "gray-zone-30s.yaml", tmp_path / "c.yaml")
    result = review([tmp_path], rules=RULES, price_date=DATE)
    three = render_review(result)
    # Three rows of $272 each; the total of the exact figures is $817.
    assert three.count("| extra cost $272 |") == 3 and "an extra cost of $817 a month" in three
    after = three.split("| Why it moves |", 1)[1].split("\n\n", 1)[1]
    assert after.startswith(note + "\n")


def test_a_rate_limit_risk_says_its_use_as_a_multiple_and_cites_its_page_once(tmp_path):
    """Top risks read "peak needs 20x of the RPM limit (... <https://...>)" beside "peak needs
    330% of the TPM limit (...)": two units, and the whole citation of the limits page in
    each cell. The detail now says "2.9x the TPM limit" and whose limits at which tier; the
    page is cited once, in the report's Sources, by a number in the cell (architect review F14)."""
    import shutil

    shutil.copy(ROOT / "examples" / "support-agent-tools.yaml", tmp_path)
    write_workload(tmp_path, "reasoner.yaml", name="Reasoner", model="o3")  # shut down on 2026-12-11
    result = review([tmp_path], rules=RULES, price_date=DATE)
    (limit,) = [k for k in result.summary.risks if k.kind == "rate_limit" and k.workload == "Ticket resolution agent"]
    assert limit.detail == "peak needs 2.9x the TPM limit (OpenAI gpt-5.4, tier-2)"
    text = render_review(result)
    risks = text.split("### Top risks", 1)[1].split("## Workloads", 1)[0]
    sources = list(result.sources.values())
    # Numbered in the order of the review's sources: o3's limits, gpt-5.4's, o3's shutdown (two).
    assert sources[1].url == "https://developers.openai.com/api/docs/models/gpt-5.4"
    assert "| peak needs 3.7x the TPM limit (OpenAI o3, tier-1) [1] |" in risks
    assert "| peak needs 2.9x the TPM limit (OpenAI gpt-5.4, tier-2) [2] |" in risks
    assert "after the price date [3, 4] |" in risks
    assert "http" not in risks and "%" not in risks
    assert "A number in brackets is a document the figures rest on: see [Sources](#sources)." in risks
    listed = text.split("\n## Sources\n", 1)[1]
    assert f"\n2. {sources[1].title}, read {sources[1].as_of}: <{sources[1].url}>\n" in listed
    assert listed.count("\n4. ") == 1 and "\n5. " not in listed
    # A review whose risks cite nothing has no Sources.
    (tmp_path / "quiet").mkdir()
    quiet = write_workload(tmp_path / "quiet", "q.yaml", name="Quiet", current_mode="sync")
    plain = render_review(review([quiet], rules=RULES, price_date=DATE))
    assert "| Risk |" in plain and "## Sources" not in plain and "[Sources]" not in plain


def test_the_why_column_gives_the_rules_title_and_its_text_once_below_the_table(tmp_path, capsys):
    """The Workloads table's Why cells repeated the same 400-character rule sentence dozens of
    times. A cell gives the headline rule's title, then what is particular to the row (not
    feasible, at risk, the move's extra cost); each rule's sentence is said once, in "Why, in
    full". The JSON's reason is unchanged (architect review F13)."""
    import shutil

    for name in ("nightly-ticket-triage.yaml", "nightly-content-audit.yaml", "voice-assistant.yaml",
                 "gray-zone-30s.yaml"):
        shutil.copy(ROOT / "examples" / name, tmp_path)
    result = review([tmp_path], rules=RULES, price_date=DATE)
    rows = {Path(r.file).name: r for r in result.workloads}
    triage, audit = rows["nightly-ticket-triage.yaml"], rows["nightly-content-audit.yaml"]
    assert triage.headline_rule == audit.headline_rule == "ux-no-one-waiting"
    rule = RULES.rule("ux-no-one-waiting")
    assert triage.reason == audit.reason and triage.reason.startswith("No one is on the other end")
    text = render_review(result)
    table, below = text.split("## Workloads", 1)[1].split("### Why, in full", 1)
    cells = {Path(c[1].strip("` ")).name: c[3].strip()
             for c in (line.split(" | ") for line in table.splitlines() if " → " in line)}
    assert cells["nightly-content-audit.yaml"].startswith(f"{rule.spec.title}. Batch is at risk against the budget: ")
    assert cells["voice-assistant.yaml"].startswith("Conversations and inline edits stream. Not feasible as specified: ")
    assert cells["gray-zone-30s.yaml"].endswith(". (The move is an extra cost of $272 a month: its build adds $222 a"
                                                " month (the 2 person-weeks that the asynchronous job adds to today's"
                                                " synchronous call, amortised over 36 months) and its"
                                                " infrastructure $50.)")
    assert triage.reason not in table
    assert text.count(triage.reason) == 1
    assert f"- **{rule.spec.title}** (`ux-no-one-waiting`): {triage.reason}\n" in below
    items = [line for line in below.splitlines() if line.startswith("- **")]
    assert len(items) == len({r.headline_rule for r in result.workloads}) == 3
    code, out, _ = run_cli(capsys, "review", str(tmp_path), "--format", "json", "--price-date", PRICE_DATE)
    assert code == 0
    assert [(w["reason"], w["headline_rule"]) for w in json.loads(out)["workloads"]] == [
        (r.reason, r.headline_rule) for r in result.workloads]


def test_a_verdict_on_a_speed_no_one_measured_is_flagged_on_its_row_and_in_the_top_risks(tmp_path, capsys):
    """The review's header said that some p95s are timed at a stand-in speed, but no row said which
    verdicts rest on one (board read 3, N6): the row says it in recommend's words ("Feasible on an
    assumed speed", "NOT FEASIBLE as specified, on an assumed speed" or at a benchmark's speed), the
    JSON as verdict_on_assumed_speed, and the rule set's last review risk lists every p95 timed at
    a stand-in under Top risks, after the risks of today and a shutdown to come."""
    import shutil

    for name in ("reasoning-contract-check.yaml", "rag-corpus-embedding.yaml", "voice-assistant.yaml",
                 "claims-triage-compliance.yaml", "chatbot.yaml"):
        shutil.copy(ROOT / "examples" / name, tmp_path)
    result = review([tmp_path], rules=RULES, price_date=DATE)
    rows = {Path(r.file).stem: r for r in result.workloads}
    clause, rag, voice = rows["reasoning-contract-check"], rows["rag-corpus-embedding"], rows["voice-assistant"]
    code, out, err = run_cli(capsys, "recommend", str(ROOT / "examples" / "reasoning-contract-check.yaml"),
                             "--price-date", PRICE_DATE)
    assert code == 0, err
    assert "Feasible on an assumed speed: async meets its contract" in out
    assert clause.feasible and clause.verdict_on_assumed_speed == "stand_in"
    assert clause.flags == ["feasible on an assumed speed"]
    # A batch is judged by its window, which no speed moves: recommend says "Feasible", the row
    # says only that its p95 is assumed.
    assert rag.recommendation == "batch" and rag.verdict_on_assumed_speed is None
    assert rag.flags == ["p95 on an assumed speed"]
    # A miss on latency at a benchmark's speed: the flag follows "not feasible as specified".
    assert voice.verdict_on_assumed_speed == "benchmark"
    assert voice.flags == ["not feasible as specified", "on a benchmark's speed"]
    for name in ("chatbot", "claims-triage-compliance"):
        assert rows[name].verdict_on_assumed_speed is None
        assert not any("assumed" in flag for flag in rows[name].flags)
    # Top risks: each p95 on a stand-in, last, said with its model and its p95.
    risks = [(k.kind, k.workload) for k in result.summary.risks]
    speed = [k for k in result.summary.risks if k.kind == "assumed_speed"]
    assert {k.workload for k in speed} == {"Clause risk check", "RAG corpus embedding"}
    assert risks[-len(speed):] == [(k.kind, k.workload) for k in speed]
    assert all(k.removed_by_recommendation is False and not k.live for k in speed)
    assert "no measured speed for gpt-5.5: the end-to-end p95 of" in speed[0].detail
    text = render_review(result)
    clause_line = next(line for line in text.splitlines() if line.startswith("| Clause risk check |") and " → " in line)
    assert clause_line.endswith("| feasible on an assumed speed |")
    voice_line = next(line for line in text.splitlines() if line.startswith("| In-car voice assistant |")
                      and " → " in line)
    assert voice_line.endswith("| not feasible as specified, on a benchmark's speed |")
    assert "| p95 on an assumed speed | Clause risk check |" in text
    assert "the Flags column marks each such feature" in text
    # The JSON row has the key, streamed as kept.
    code, out, err = run_cli(capsys, "review", str(tmp_path), "--format", "json", "--price-date", PRICE_DATE)
    assert code == 0, err
    by_name = {w["name"]: w for w in json.loads(out)["workloads"]}
    assert by_name["Clause risk check"]["verdict_on_assumed_speed"] == "stand_in"
    assert by_name["Customer chatbot"]["verdict_on_assumed_speed"] is None


def test_a_workload_whose_folder_holds_another_rule_set_says_so_and_keeps_the_reviews_rule_set(
    tmp_path, capsys, monkeypatch
):
    """The review of the examples read rules-cost-first/workloads/sales-call-summaries.yaml with
    advisor-default, though its folder's rule set (acme-cost-first) decides otherwise, and said
    nothing (board read 3, N5). The review keeps one rule set for every workload, and says, on the
    row, in its JSON and in the header, which rule set the folder holds and how to use it; with
    that rule set given, nothing is said."""
    monkeypatch.chdir(ROOT)
    result = review(["examples"], rules=RULES, price_date=DATE)
    held = [r for r in result.workloads if r.folder_ruleset is not None]
    assert [Path(r.file).name for r in held] == ["sales-call-summaries.yaml"]
    (sales,) = held
    assert sales.folder_ruleset.model_dump() == {"path": "examples/rules-cost-first", "id": "acme-cost-first"}
    assert "assessed with advisor-default; its folder holds rule set acme-cost-first" in sales.flags
    # Assessed as the review's rule set decides, not switched: a review judges under one policy.
    a = assess(parse_profile(yaml.safe_load(Path(sales.file).read_text())), RULES, price_date=DATE, what_if=False)
    assert sales.recommendation == a.recommendation and result.ruleset.id == "advisor-default"
    assert [f.model_dump() for f in result.summary.folder_rulesets] == [
        {"path": "examples/rules-cost-first", "id": "acme-cost-first", "workloads": 1}
    ]
    text = render_review(result)
    assert ("**1 feature under `examples/rules-cost-first` was assessed with `advisor-default`, though that folder"
            " holds the rule set `acme-cost-first`**, which may decide otherwise: pass"
            " `--rules examples/rules-cost-first` to review it under that rule set.") in text
    # The streamed report and JSON say the same.
    code, out, err = run_cli(capsys, "review", "examples", "--price-date", PRICE_DATE)
    assert code == 0, err
    assert out == text
    code, out, err = run_cli(capsys, "review", "examples", "--format", "json", "--price-date", PRICE_DATE)
    assert code == 0, err
    rows = {Path(w["file"]).name: w for w in json.loads(out)["workloads"]}
    assert rows["sales-call-summaries.yaml"]["folder_ruleset"]["id"] == "acme-cost-first"
    assert rows["chatbot.yaml"]["folder_ruleset"] is None
    # Under the folder's own rule set, nothing to say.
    cost_first = load_rules(ROOT / "examples" / "rules-cost-first")
    result = review(["examples"], rules=cost_first, price_date=DATE)
    assert all(r.folder_ruleset is None for r in result.workloads) and result.summary.folder_rulesets == []
    assert "though that folder holds" not in render_review(result)
    # A folder above the one given counts, found from the file as given (an absolute path stays one);
    # a rule set whose id cannot be read is named by its folder.
    team = tmp_path / "team"
    (team / "features" / "a").mkdir(parents=True)
    (team / "ruleset.yaml").write_text("title: no id here\n", encoding="utf-8")
    write_workload(team / "features" / "a", "one.yaml", name="One")
    write_workload(team / "features" / "a", "two.yaml", name="Two")
    result = review([team / "features"], rules=RULES, price_date=DATE)
    assert [r.folder_ruleset.model_dump() for r in result.workloads] == [{"path": str(team), "id": None}] * 2
    assert result.workloads[0].flags[-1] == f"assessed with advisor-default; its folder holds another rule set ({team})"
    assert "**2 features under" in render_review(result)


def test_the_summary_says_the_moves_changes_as_the_records_say_a_saving(capsys, monkeypatch):
    """Board read 2 C2, still in the review at read 3: the nightly triage's move was "a saving of
    $65.28 a month" in the summary where its record and its row say "$65" (a difference of two
    monthly costs, said in the step of the larger). The JSON keeps the exact figure. (The move
    now pays only what batch's build adds to today's client: $176.39, "$176".)"""
    monkeypatch.chdir(ROOT)
    code, out, _ = run_cli(capsys, "review", "examples", "--price-date", PRICE_DATE)
    assert code == 0
    assert "the other 1: a saving of $176 a month." in out and "$176.39" not in out
    assert "an extra cost of $544 a month" in out
    code, out, _ = run_cli(capsys, "review", "examples", "--price-date", PRICE_DATE, "--format", "json")
    assert code == 0
    summary = json.loads(out)["summary"]
    assert round(summary["other_moves_saving_usd_per_month"], 2) == 176.39
