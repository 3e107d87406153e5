"""Claims of the docs, read as a contract against the product (docs read 12): what the changes
since docs read 11 do, said where a user looks, and each saying run against the product. The
README's console blocks are compared line by line in test_cli_help.py and test_docs_read_11.py."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from advisor import assess, load_rules
from advisor.views.text import render_text

from .conftest import EXAMPLES, PRICE_DATE, ROOT, run_cli
from .test_judgement15 import WEBHOOK

FIXED = ("--date", "2026-11-01", "--price-date", "2026-11-01")


def page(name: str) -> str:
    """A page with its whitespace collapsed, so a quote may wrap anywhere."""
    return " ".join((ROOT / name).read_text(encoding="utf-8").split())


def flat(text: str) -> str:
    return " ".join(text.split())


# -- README: recommend's cost table marks (bf35144) ---------------------------------------------

def test_the_readme_says_what_the_cost_tables_marks_mean_and_recommend_prints_them(capsys):
    """recommend's cost table marks a ruled-out option and one that misses its contract, as the
    record's does; the README showed "saving $301" on batch with no mark and said nowhere that a
    saving on such a row is not on offer."""
    readme = page("README.md")
    assert "`advisor recommend`'s cost table, as the record's, marks an option the rules rule out `(ruled out)`" \
        " and one that misses its contract `(misses its contract)`" in readme
    code, out, _err = run_cli(capsys, "recommend", EXAMPLES / "chatbot.yaml", "--price-date", "2026-11-01")
    assert code == 0
    table = out.split("Cost per month")[1].split("\n\n")[0]
    rows = {line.split()[0]: line for line in table.splitlines()[2:] if line.split()[1].startswith("$")}
    assert rows["sync"].endswith("(misses its contract)")
    assert rows["async"].endswith("(ruled out)") and rows["batch"].endswith("(ruled out)")
    assert rows["streaming"].endswith("<- recommended")


# -- README: a one-value option given twice (dcb6b7b) ---------------------------------------------

def test_an_option_given_twice_is_refused_as_the_readme_says(tmp_path, capsys, monkeypatch):
    readme = page("README.md")
    said = re.search(r"an option that takes one value, given twice, is refused naming both values, as `([^`]+)`",
                     readme)
    assert said, "README.md says what a one-value option given twice does"
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(EXAMPLES / "support-reply-draft.yaml", tmp_path / "w.yaml")
    assert run_cli(capsys, "adr", "w.yaml", "--dir", "d", *FIXED)[0] == 0
    with pytest.raises(SystemExit) as refused:
        run_cli(capsys, "adr", "w.yaml", "--dir", "d", *FIXED, *said.group(1).split())
    assert refused.value.code == 2
    err = capsys.readouterr().err
    assert "argument --supersedes: given twice (--supersedes 1 and --supersedes 4); give it once" in err
    assert sorted(p.name[:4] for p in (tmp_path / "d").glob("*.md")) == ["0001"]


# -- README: a superseding record's spend difference (fe82209) ------------------------------------

def test_a_superseding_record_says_its_spend_difference_as_the_readme_quotes(tmp_path, capsys, monkeypatch):
    readme = page("README.md")
    quotes = re.search(r'\("Changed since: (requests_per_month [\d,]+ to [\d,]+)"\), and what this one chooses,'
                       r' with the difference in spend \("([^"]+)";', readme)
    assert quotes, "README.md quotes a superseding record's spend difference"
    changed, keeps = quotes.groups()
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(EXAMPLES / "support-reply-draft.yaml", tmp_path / "w.yaml")
    assert run_cli(capsys, "adr", "w.yaml", "--dir", "d", *FIXED)[0] == 0
    text = (tmp_path / "w.yaml").read_text(encoding="utf-8")
    assert "requests_per_month: 120000" in text
    (tmp_path / "w.yaml").write_text(text.replace("requests_per_month: 120000", "requests_per_month: 200000"),
                                     encoding="utf-8")
    assert run_cli(capsys, "adr", "w.yaml", "--dir", "d", "--supersedes", "1", *FIXED)[0] == 0
    record = flat(next((tmp_path / "d").glob("0002-*.md")).read_text(encoding="utf-8"))
    assert f"Changed since: {changed}. {keeps}." in record


# -- README: verify's thresholds (068a6b8) ---------------------------------------------------------

def test_the_readme_says_verify_names_the_thresholds_that_changed_not_the_whole_list():
    from advisor.views.verify import _thresholds_change

    readme = page("README.md")
    assert "the rules that changed and what changed in their thresholds (one that moved, or those added and" \
        " dropped)" in readme
    assert _thresholds_change(["a ge 1"], ["a ge 2"]) == "; its threshold moved: a ge 1 -> a ge 2"
    assert _thresholds_change(["a ge 1"], ["a ge 1", "b ge 10"]) == "; its thresholds changed: added b ge 10"
    assert _thresholds_change(["a ge 1", "b ge 10"], ["a ge 1"]) == "; its thresholds changed: dropped b ge 10"


# -- docs/cost-model.md: a webhook sender is a pipeline (b366c88) ---------------------------------

def test_the_cost_model_quotes_the_webhook_hint_a_service_call_gets():
    said = re.search(r'The line then adds: "([^"]+)"', page("docs/cost-model.md"))
    assert said, "docs/cost-model.md § The caller's timeout quotes the hint"
    rules = load_rules()
    a = assess(WEBHOOK, rules, price_date=PRICE_DATE)
    assert said.group(1) in flat(render_text(a))
    # ... and, so described, the work is acknowledged at once and done as a job or a batch.
    piped = assess({**WEBHOOK, "interaction": "pipeline"}, rules, price_date=PRICE_DATE)
    assert piped.recommendation in ("async", "batch") and piped.feasible


# -- docs/calibration.md: an attribute given twice (2bd28b4) --------------------------------------

def _first_export_line_with(extra: dict[str, Any]) -> str:
    export = gzip.decompress((EXAMPLES / "traces" / "rag-chat.jsonl.gz").read_bytes())
    line = next(x for x in export.splitlines() if x.strip())
    doc = json.loads(line)
    doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"].append(extra)
    return json.dumps(doc) + "\n"


def test_calibration_lists_an_attribute_given_twice_among_its_errors(tmp_path: Path, capsys):
    errors = page("docs/calibration.md").split("## Errors")[1].split("## Performance")[0]
    assert "an attribute a span gives twice with two values" in errors
    assert "(the same value twice is read once)" in errors
    traces = tmp_path / "dup.jsonl"
    traces.write_text(_first_export_line_with(
        {"key": "gen_ai.request.model", "value": {"stringValue": "other"}}), encoding="utf-8")
    code, _out, err = run_cli(capsys, "calibrate", traces, "-o", tmp_path / "w.yaml")
    assert code == 2 and "the span gives this attribute twice, with another value at" in err
    assert "('gpt-5.4-mini', here 'other')" in err and not (tmp_path / "w.yaml").exists()



# -- README: a self-hosted model has no batch API (bc6113e, cc56e06) ------------------------------

def test_a_self_hosted_model_spelt_as_the_readme_spells_it_has_no_batch_api(tmp_path: Path, capsys):
    """The README says self-hosted models have no batch API and get no batch discount, and named
    no provider id for them. The catalogue's is `self_hosted`: `provider: self-hosted`, as the
    pages spell it, was a provider the catalogue lacks, whose `batch_discount` was taken, and
    batch was recommended with a 24 h window "OpenAI and Anthropic guarantee"."""
    readme = page("README.md")
    assert "DeepSeek and self-hosted models do not, so they get no batch discount, and a `batch_discount` for" \
        " them is refused; a self-hosted model is `provider: self_hosted`, or `self-hosted`" in readme
    base = {"name": "Nightly log digest", "interaction": "pipeline", "latency_budget_s": 86400,
            "input_tokens": 1000, "output_tokens": 100, "requests_per_month": 100_000, "model": "llama-70b",
            "downstream": "internal_service"}
    for provider in ("self_hosted", "self-hosted"):
        path = tmp_path / f"{provider}.yaml"
        path.write_text(json.dumps({**base, "provider": provider, "pricing": {
            "input_per_mtok": 1, "output_per_mtok": 2, "batch_discount": 0.5}}), encoding="utf-8")
        code, out, err = run_cli(capsys, "recommend", path, "--price-date", "2026-11-01")
        assert code == 2 and out == ""
        assert "field 'pricing.batch_discount': Self-hosted model has no batch API" in err, provider
        path.write_text(json.dumps({**base, "provider": provider, "pricing": {
            "input_per_mtok": 1, "output_per_mtok": 2}}), encoding="utf-8")
        a = assess(json.loads(path.read_text(encoding="utf-8")), load_rules(), price_date=PRICE_DATE)
        assert not a.pricing.batch_available and a.recommendation != "batch", provider


# -- README: a calibrated file's evidence names each step's model (ab1ca5d) -----------------------

def test_the_calibrated_files_evidence_names_each_steps_model_as_the_readme_says(tmp_path: Path, capsys):
    import yaml

    readme = page("README.md")
    said = re.search(r"advisor calibrate (examples/traces/\S+) --root (\S+) -o \S+", readme)
    assert said and "`evidence` (how many traces, from when to when, each step's model: a step edited by hand to" \
        " another model while it keeps the measured times is refused)" in readme
    out = tmp_path / "rag-chat.yaml"
    code, _out, err = run_cli(capsys, "calibrate", ROOT / said.group(1), "--root", said.group(2), "-o", out)
    assert code == 0, err
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["evidence"]["models"] == {step["name"]: step["model"] for step in data["steps"]}
    data["steps"][-1]["model"] = "gpt-5.4-nano"
    for field in ("latency_budget_s", "interaction", "downstream"):  # the REQUIRED ANSWERs, answered
        data[field] = {"latency_budget_s": 5, "interaction": "chat", "downstream": "own_ui"}[field]
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, _out, err = run_cli(capsys, "recommend", out, "--price-date", "2026-11-01")
    assert code == 2 and "were measured on" in err and "(evidence.models)" in err


# -- README: the review's summary names the records that do not hold (d542502) --------------------

def test_the_review_summary_lists_the_records_that_do_not_hold_as_the_readme_says(tmp_path: Path, capsys, monkeypatch):
    readme = page("README.md")
    said = re.search(r'Under its count of records, the summary lists each record that does not hold \("([^"]+)"\)',
                     readme)
    assert said, "README.md's --decisions passage says the review names the records that do not hold"
    (tmp_path / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")
    (tmp_path / "workloads").mkdir()
    workload = tmp_path / "workloads" / "chat.yaml"
    shutil.copyfile(EXAMPLES / "chatbot.yaml", workload)
    monkeypatch.chdir(tmp_path)
    assert run_cli(capsys, "adr", "workloads/chat.yaml", *FIXED)[0] == 0
    text = workload.read_text(encoding="utf-8")
    workload.write_text(text.replace("requests_per_month: 400000", "requests_per_month: 4000000"), encoding="utf-8")
    code, out, err = run_cli(capsys, "review", "workloads", "--decisions", "docs/decisions",
                             "--price-date", "2026-11-01")
    assert code == 0, err
    summary = out.split("\n## Workloads", 1)[0]
    listed = summary.split(said.group(1), 1)[1].split("\n\n", 2)[1]
    assert listed.startswith("- [0001](docs/decisions/0001-") and " drifted: " in listed
    assert listed.endswith("(Customer chatbot)")


# -- README: the verdict card's first token and retries (70eac6d, 015fbca) ------------------------

def test_the_verdict_cards_latency_says_what_the_readme_says():
    """The card's own functions, as the slow browser tests in test_questionnaire_pass_11 drive them:
    the README said the card shows streaming's first token and the others' whole answer, and no
    more."""
    from advisor import parse_profile
    from questionnaire.contract import contract_latency, first_token_that_ruled_out_the_stream

    readme = page("README.md")
    said = re.search(r'a chat a rule on its first token kept from streaming shows that first token too, "([^"]+)",'
                     r' and a figure within the budget that its retries at the rate limits make miss it says so,'
                     r' "retried up to ([\d.]+ min) at peak"', readme)
    assert said, "README.md's verdict card says the first token and the retries"
    chat = {"name": "Support chat assistant", "interaction": "chat", "latency_budget_s": 8.0,
            "input_tokens": 3000, "output_tokens": 350, "reasoning_tokens": 3000,
            "requests_per_month": 2000000, "peak_requests_per_minute": 100.0, "model": "gpt-5.4"}
    rules = load_rules()
    a = assess(parse_profile(chat), rules, price_date=PRICE_DATE)
    first = first_token_that_ruled_out_the_stream(a)
    assert a.recommendation == "async" and first is not None
    assert said.group(1) == f"over {first[1]:g} s: no stream"  # as questionnaire/verdict.py labels it
    streamed = assess(parse_profile({**chat, "reasoning_tokens": 0, "peak_requests_per_minute": 200.0}), rules,
                      price_date=PRICE_DATE)
    shown = contract_latency(streamed, streamed.recommendation)
    assert shown.within is False and shown.value == "0.67 s"
    assert shown.queue == f"retried up to {said.group(2)} at peak"


# -- advisor/__init__.py: what a type checker sees (7dbe8d5) ---------------------------------------

def test_a_type_checker_sees_every_name_the_package_exports():
    """The README's table names advisor.render_verify and advisor.verify_exit_code; the package's
    TYPE_CHECKING block, "what a type checker and an editor see: the same names", left them out,
    so mypy typed them Any and an editor offered neither."""
    import ast

    import advisor

    tree = ast.parse((ROOT / "advisor" / "__init__.py").read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If)
                 and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
    seen = {alias.asname or alias.name for node in block.body if isinstance(node, ast.ImportFrom)
            for alias in node.names}
    assert set(advisor.__all__) - seen == set()


# -- docs/cost-model.md: an unpriced fine-tune (5652549) -------------------------------------------

def test_an_unpriced_fine_tune_is_refused_as_the_cost_model_says(tmp_path: Path, capsys):
    said = page("docs/cost-model.md")
    assert "an unpriced fine-tune (`ft:...`) lists none, as its base model is billed at other rates, and asks for" \
        " its own prices in a `pricing` override" in said
    base = {"name": "Tagging", "interaction": "pipeline", "latency_budget_s": 86400, "input_tokens": 1000,
            "output_tokens": 100, "requests_per_month": 100_000, "provider": "openai",
            "model": "ft:gpt-4.1-mini-2025-04-14:acme::abc123", "downstream": "internal_service"}
    path = tmp_path / "ft.yaml"
    path.write_text(json.dumps(base), encoding="utf-8")
    code, _out, err = run_cli(capsys, "recommend", path, "--price-date", "2026-11-01")
    assert code == 2 and "close matches" not in err and "'pricing' override" in err
    path.write_text(json.dumps({**base, "pricing": {"input_per_mtok": 0.8, "output_per_mtok": 3.2}}), encoding="utf-8")
    assert run_cli(capsys, "recommend", path, "--price-date", "2026-11-01")[0] == 0


# -- docs/cost-model.md: the caller's timeout's two worked examples (7d5bd9b, 18a5dde) -------------
# Nothing compared the page's figures with the product: test_followups_30 checks the behaviour on
# the same workloads, not the numbers the page quotes.

def test_the_timeout_lever_the_cost_model_quotes_is_the_one_offered():
    from .test_followups_30 import SERVERLESS_CHAT

    said = re.search(r'\("(With a caller\'s timeout of [^"]+)", a docs chat streamed from a function capped at'
                     r' (\d+) s\)', page("docs/cost-model.md"))
    assert said, "docs/cost-model.md quotes the caller's-timeout lever"
    assert SERVERLESS_CHAT["caller_timeout_s"] == int(said.group(2))
    a = assess(SERVERLESS_CHAT, load_rules(), price_date=PRICE_DATE)
    becauses = [lever.because for lever in a.levers if "caller_timeout_s" in lever.changes]
    assert len(becauses) == 1 and becauses[0].startswith(said.group(1))


def test_the_long_reports_tail_the_cost_model_works_out_is_the_products():
    from advisor.views.formatting import caller_timeout_line, seconds

    from .test_followups_30 import REPORT_API

    said = re.search(r"\(a ([\d,]+)-token report: (\d+) s of writing after a ([\d.]+) s first token at p95\).*?"
                     r"\(([\d.]+) s against API Gateway's (\d+) s\)", page("docs/cost-model.md"))
    assert said, "docs/cost-model.md works out the long report's tail"
    tokens, writing, first, p99, timeout = said.groups()
    assert (int(tokens.replace(",", "")), int(timeout)) == (REPORT_API["output_tokens"], REPORT_API["caller_timeout_s"])
    a = assess(REPORT_API, load_rules(), price_date=PRICE_DATE)
    lat = a.latency
    assert seconds(lat.ttft_s) == f"{first} s"
    assert round(lat.per_call_p95_s - lat.ttft_s) == int(writing)
    assert f"whose p99 of {p99} s is close to the timeout" in caller_timeout_line(a)
