"""Board read 9: the portfolio view and the decision trail, read by a board member and a staff engineer.

- A superseding record compared the record it replaces at its monthly cost with the new one at
  its own, where the old model reasoned and its reasoning was not priced: "Record 3 chose
  Asynchronous job at $5,297 a month ... Changed since: model gpt-5 to gpt-5.4. This record keeps
  Asynchronous job, now at $9,122 a month." A board reads a 72% rise; with the about $6,618 a
  month of gpt-5's reasoning that record 3's figure left out, the new model costs less.
  `advisor verify` said the same drift as "monthly cost of async (the recorded choice): $5,297 ->
  $9,122 (+72%)", with nothing on what the recorded figure left out.
- The review's summary said "1 of them reasons with no reasoning tokens given: its reasoning is not
  priced" under "at least $35,169 a month", though each row gives the size ("about $6,618 more");
  and a live feature on a model shut down in 40 days was said only in the Top risks table, after
  the batch risks (and past TOP_RISKS rows, not at all).
- verify's next step for a drifted Nygard record, "advisor adr wl/x.yaml --dir doc/adr
  --supersedes 1", run as printed, put a MADR record into an adr-tools folder.
- The review's decision cell read "[0001](...) superseded: superseded by record 5".
"""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml

from advisor import Assessment, assess, load_profile, load_rules, write_adr

RULES = load_rules()
PRICE_DATE = datetime.date(2026, 11, 1)
DATE = "2026-11-01"
TEMPLATES = ("madr", "nygard")

# Invoice extraction on gpt-5 (reasons by default, no reasoning_tokens given): its reasoning is
# not in its monthly cost. 600,000 x (3,500 x $1.25 + 400 x $10) / 1M = $5,025 of tokens.
INVOICE = {
    "name": "Invoice field extraction", "description": "Extracts fields from supplier invoices into the ledger.",
    "interaction": "service_call", "latency_budget_s": 3600, "input_tokens": 3500, "output_tokens": 400,
    "output_format": "json", "requests_per_month": 600000, "provider": "openai", "model": "gpt-5",
    "downstream": "compliance_critical", "side_effects": "idempotent", "current_mode": "sync",
}


def _write(a: Assessment, folder: Path, template: str, supersedes: int | None = None) -> str:
    return write_adr(a, folder, template=template, date=DATE, supersedes=supersedes).read_text(encoding="utf-8")


def _context(record: str) -> str:
    head = "## Context and Problem Statement\n\n" if record.startswith("---") else "## Context\n\n"
    return record.split(head, 1)[1].split("\n\n", 1)[0]


def test_a_superseding_record_says_the_replaced_cost_left_the_reasoning_out(tmp_path: Path) -> None:
    on_gpt5 = assess(INVOICE, RULES, price_date=PRICE_DATE)
    on_gpt54 = assess({**INVOICE, "model": "gpt-5.4"}, RULES, price_date=PRICE_DATE)
    unpriced = on_gpt5.pricing.unpriced_reasoning_usd_per_month
    assert unpriced is not None and round(unpriced["async"]) == 6618
    assert on_gpt54.pricing.unpriced_reasoning_usd_per_month is None
    for template in TEMPLATES:
        folder = tmp_path / template
        _write(on_gpt5, folder, template)
        said = _context(_write(on_gpt54, folder, template, supersedes=1))
        assert said.startswith(
            "Record 1 chose Asynchronous job at $5,297 a month, not counting the reasoning of gpt-5 (not priced:"
            " about $6,618 a month more), with the rule set `advisor-default`"), template
        assert said.endswith("Changed since: model gpt-5 to gpt-5.4. This record keeps Asynchronous job, now at"
                             " $9,122 a month."), template
        # And the other way: the new record's own figure leaves its reasoning out, and says so.
        back = _context(_write(on_gpt5, folder, template, supersedes=2))
        assert back.startswith("Record 2 chose Asynchronous job at $9,122 a month, with the rule set"), template
        assert back.endswith("This record keeps Asynchronous job, now at $5,297 a month, not counting the reasoning"
                             " of gpt-5 (not priced: about $6,618 a month more)."), template


def test_verify_says_which_monthly_cost_left_the_reasoning_out(tmp_path: Path, monkeypatch) -> None:
    from advisor.records.verify import verify
    from advisor.views.verify import format_verify

    # The record written on gpt-5 from its workload file; then the file moves to gpt-5.4.
    monkeypatch.chdir(tmp_path)
    workload = tmp_path / "invoice.yaml"
    workload.write_text(yaml.safe_dump(INVOICE), encoding="utf-8")
    a = assess(load_profile(workload), RULES, price_date=PRICE_DATE)
    write_adr(a, tmp_path / "decisions", date=DATE, workload_file=workload)
    workload.write_text(yaml.safe_dump({**INVOICE, "model": "gpt-5.4"}), encoding="utf-8")
    (result,) = verify(tmp_path / "decisions", rules=RULES, price_date=PRICE_DATE)
    assert result.status == "drifted"
    costs = {c.mode: c for c in result.cost_changes}
    assert round(costs["async"].recorded_reasoning_unpriced_usd or 0) == 6618
    assert costs["async"].current_reasoning_unpriced_usd is None
    text = format_verify([result])
    assert ("monthly cost of async (the recorded choice): $5,297 -> $9,122 (+72%, beyond the 10% tolerance);"
            " the recorded figure leaves out the model's reasoning (no reasoning_tokens given): about $6,618 a month"
            " more") in text
    # Batch's leaves out the reasoning at batch prices.
    assert "monthly cost of batch: $2,644 -> $4,556 (+72%, beyond the 10% tolerance); the recorded figure leaves" \
        " out the model's reasoning (no reasoning_tokens given): about $3,309 a month more" in text


def test_the_review_summary_sizes_the_unpriced_reasoning_and_names_a_model_shutting_down(
    tmp_path: Path, capsys
) -> None:
    from advisor import render_review, review

    from .conftest import run_cli

    # A live feature on gpt-5 (shut down 2026-12-11), a new one on gpt-5 too, and one on gpt-5.4.
    team = tmp_path / "finance"
    team.mkdir()
    files = {
        "invoice.yaml": INVOICE,
        "receipts.yaml": {**INVOICE, "name": "Receipt matching", "requests_per_month": 60000,
                          "current_mode": None},
        "ledger.yaml": {**INVOICE, "name": "Ledger notes", "model": "gpt-5.4"},
    }
    for name, data in files.items():
        team.joinpath(name).write_text(yaml.safe_dump({k: v for k, v in data.items() if v is not None}),
                                       encoding="utf-8")
    code, streamed, _ = run_cli(capsys, "review", tmp_path, "--price-date", DATE)
    assert code == 0
    whole = render_review(review([tmp_path], price_date=PRICE_DATE), "md")
    for text in (streamed, whole):
        # Each "at least" has a size: the rows' "about $6,618 more", summed.
        assert ("2 of them reason with no reasoning tokens given" not in text
                and "1 of them reasons with no reasoning tokens given: its reasoning is not priced (about $6,618 a"
                    " month more as it runs and $6,618 in its recommended mode, at the reasoning tokens the latency"
                    " assumes).") in text
        assert "(1 feature's reasoning not priced: about $662 a month more, at the reasoning tokens the latency" \
            " assumes)." in text
        # Both features on gpt-5 are said in the summary, live and planned, not only among the risks.
        assert ("2 features run on a model its provider will shut down, after which every request to it fails:"
                " Invoice field extraction (the provider shuts gpt-5 down on 2026-12-11, 40 days after the price"
                " date); Receipt matching (the provider shuts gpt-5 down on 2026-12-11, 40 days after the price"
                " date).") in text
        assert text.index("will shut down") < text.index("### Top risks")


def test_verify_s_next_step_keeps_the_record_s_template(tmp_path: Path, monkeypatch, capsys) -> None:
    from .conftest import run_cli

    # An adr-tools folder of Nygard records: the command verify prints must write another Nygard
    # record, not a MADR one beside them.
    monkeypatch.chdir(tmp_path)
    Path("wl").mkdir()
    Path("wl/invoice.yaml").write_text(yaml.safe_dump({**INVOICE, "model": "gpt-5.4"}), encoding="utf-8")
    for template in ("nygard", "madr"):
        code, _, _ = run_cli(capsys, "adr", "wl/invoice.yaml", "--dir", f"doc/{template}", "--template", template,
                             "--date", DATE, "--price-date", DATE)
        assert code == 0
    Path("wl/invoice.yaml").write_text(yaml.safe_dump({**INVOICE, "model": "gpt-5.4", "requests_per_month": 6000000}),
                                       encoding="utf-8")
    code, out, _ = run_cli(capsys, "verify", "doc", "--price-date", DATE)
    assert code == 1
    assert ("to record it again from its workload file and retire this record: advisor adr wl/invoice.yaml"
            " --dir doc/nygard --template nygard --supersedes 1") in out
    assert "advisor adr wl/invoice.yaml --dir doc/madr --supersedes 1" in out
    # Run as printed, it writes a Nygard record that supersedes the first.
    code, _, _ = run_cli(capsys, "adr", "wl/invoice.yaml", "--dir", "doc/nygard", "--template", "nygard",
                         "--supersedes", "1", "--date", DATE, "--price-date", DATE)
    (second,) = Path("doc/nygard").glob("0002-*.md")
    assert not second.read_text(encoding="utf-8").startswith("---")


def test_the_review_says_a_superseded_record_once(tmp_path: Path, monkeypatch, capsys) -> None:
    from .conftest import run_cli

    monkeypatch.chdir(tmp_path)
    Path("wl").mkdir()
    Path("wl/invoice.yaml").write_text(yaml.safe_dump({**INVOICE, "model": "gpt-5.4"}), encoding="utf-8")
    for supersedes in ((), ("--supersedes", "1")):
        code, _, _ = run_cli(capsys, "adr", "wl/invoice.yaml", "--dir", "decisions", "--date", DATE,
                             "--price-date", DATE, *supersedes)
        assert code == 0
    code, out, _ = run_cli(capsys, "review", "wl", "--decisions", "decisions", "--price-date", DATE)
    assert code == 0
    assert "superseded: superseded" not in out
    assert ".md) superseded by record 2; [0002](" in out
