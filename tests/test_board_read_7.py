"""Board read 7: what a board member and a staff engineer reading the records would notice.

- The ticket agent's record listed "Synchronous call: answer after 25.7 s, within the budget
  of 15 min; **misses its contract**" and argued "Good, because the whole answer comes after
  25.7 s at p95, within the budget of 15 min" beside the con that the peak's last request waits
  19 min at the rate limits. Within and missing at once: a call made without a queue waits at
  the limits as long as a queued one (cost-backlog-misses-budget), and now says so.
- "What would change the decision" gave a field and a number ("`tool_latency_s` = 0.28",
  "`requests_per_month` = 990") and left the reader to find what it is now: how near the
  decision is to changing is the point of the list. Each line now says the value as specified.
- A cost table column mixed its steps: "$0.8452" above "$1.30" per 1,000 requests, tokens of
  "$0.6750" under "$1.35", a build of "$55.56" above "$222" (which the prose beside it calls
  "$56"). A column's figures are now shown in the step of its largest.
- The note under a cost table said a figure "can differ ... by $0.1": money no other line writes
  so. It now says "$0.10".
- A record that supersedes another said only "Supersedes [15. ...]": a board reading record 16
  could not tell what record 15 chose, or why there is a new one. It now says what the old one
  chose, at what cost, on which rules and prices, what has changed since, and what this one
  does about it.
- A call of over a minute was "1.16 min" in the drivers and "69.4 s" in the assumptions,
  the same figure in two units for the reader to convert. The assumption now says both.
- The steps table's "Whole request" row put a p99 of 39.9 s under steps whose p99s add up to
  under 25 s, with no word why: a step's row is one attempt without its tools; the whole
  request adds both, and its retries. The row now says what it includes.
"""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from advisor import assess, load_profile, load_rules, render_adr, write_adr

RULES = load_rules()
PRICE_DATE = datetime.date(2026, 11, 1)
DATE = "2026-11-01"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TEMPLATES = ("madr", "nygard")


def _record(example: str, template: str) -> str:
    a = assess(load_profile(EXAMPLES / f"{example}.yaml"), RULES, price_date=PRICE_DATE)
    return render_adr(a, template=template, date=DATE)


def _considered(record: str, label: str) -> str:
    (line,) = [x for x in record.splitlines() if x.startswith(f"- {label} (`")]
    return line


def _case(record: str, label: str, template: str) -> str:
    """One option's pros and cons: MADR's "### Label" section, Nygard's "**Label**" list."""
    head = f"### {label}" if template == "madr" else f"**{label}**"
    return record.split("\n" + head, 1)[1].split("\n\n", 2)[1]


def test_an_option_held_back_at_the_rate_limits_is_not_said_to_be_within_its_budget() -> None:
    a = assess(load_profile(EXAMPLES / "support-agent-tools.yaml"), RULES, price_date=PRICE_DATE)
    assert {u.mode for u in a.unmet} >= {"sync", "async"}
    assert a.latency.end_to_end_p95_s < 900 < a.capacity.peak_worst_wait_s  # each call fits, the peak does not
    for template in TEMPLATES:
        record = _record("support-agent-tools", template)
        sync = _considered(record, "Synchronous call")
        assert sync == ("- Synchronous call (`sync`): $57,639 a month; answer after 25.7 s plus up to 19 min of"
                        " retries at the rate limits after a peak, over the budget of 15 min; **misses its contract**.")
        assert "answer after 25.7 s, within the budget of 15 min" not in record
        # Its case no longer argues it is within the budget beside the miss that says it is not.
        case = _case(record, "Synchronous call", template)
        assert "within the budget" not in case, template
        assert "the last of them waits 19 min" in case
        # A stream of the same request waits as long for its first token.
        stream = _considered(record, "Streaming response")
        assert "first token 16.7 s plus up to 19 min of retries at the rate limits after a peak, over the budget" in stream
        # The queue, already said so, says it as before.
        assert "result after 25.7 s plus up to 19 min in the queue after a peak, over the budget of 15 min" in record


def test_an_option_within_the_rate_limits_is_said_as_before() -> None:
    for template in TEMPLATES:
        record = _record("support-reply-draft", template)
        assert _considered(record, "Synchronous call") == (
            "- Synchronous call (`sync`): $864 a month; answer after 2.72 s, within the budget of 4.00 s; **chosen**.")
        assert "of retries at the rate limits" not in record


def _what_if(record: str) -> list[str]:
    marker = "### What would change the decision" if "\n## Pros and Cons" in record else "What would change the decision:"
    section = record.split(marker, 1)[1].split("\nSources:", 1)[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


def test_what_would_change_says_each_value_as_specified() -> None:
    for template in TEMPLATES:
        assert _what_if(_record("support-reply-draft", template)) == [
            "- `latency_budget_s` = 2.7, instead of 4: a streaming response. Synchronous call misses its contract:"
            " Sync must fit the budget at p95 (latency-sync-misses-budget).",
            "- `tool_latency_s` = 0.28, instead of 0: a streaming response. Text a person waits over 3 s for should"
            " stream (ux-text-wait-over-3s-streams).",
        ], template
        cron = _what_if(_record("monthly-cron-report", template))
        assert cron[1].startswith("- `requests_per_month` = 1000, instead of 100: batch jobs through the Batch API.")
        # A time the workload leaves to the estimate is said as estimated, with its unit.
        summary = _what_if(_record("document-summary-button", template))
        assert summary[0].startswith("- `model_p95_s` = 5, instead of 26.9 s as estimated: a streaming response.")
        # A budget in hours reads in hours on both sides.
        triage = _what_if(_record("nightly-ticket-triage", template))
        assert triage[0].startswith("- `latency_budget_s` = 3600 (1 h), instead of 28,800 (8 h): an asynchronous job.")


def _cost_table(record: str) -> list[list[str]]:
    lines = record.split("| Option | Tokens |", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


def _dollars(cell: str) -> float:
    return 0.0 if cell == "paid" else float(cell.replace("$", "").replace(",", ""))


def _decimals(cell: str) -> int:
    return len(cell.split(".", 1)[1]) if "." in cell else 0


def test_a_cost_column_shows_its_figures_in_one_step() -> None:
    for template in TEMPLATES:
        enrichment = _cost_table(_record("deepseek-catalogue-enrichment", template))
        assert [row[5] for row in enrichment] == ["$0.85", "$0.95", "$1.30", "$1.06"], template
        cron = _cost_table(_record("monthly-cron-report", template))
        assert [row[1] for row in cron] == ["$1.35", "$1.35", "$1.35", "$0.68"], template
        reply = _record("support-reply-draft", template)
        assert [row[3] for row in _cost_table(reply)] == ["paid", "$56", "$222", "$111"], template
        assert "$55.56" not in reply
        for record in (reply, _record("monthly-cron-report", template), _record("deepseek-catalogue-enrichment", template)):
            rows = _cost_table(record)
            # Every money column but the monthly cost in one number of decimals (a "$0" reads as none).
            for column in (1, 2, 3, 5):
                shown = {_decimals(row[column]) for row in rows if row[column] not in ("paid", "$0")}
                assert len(shown) <= 1, (template, column, [row[column] for row in rows])
            # Each row still adds up as shown, or the note under the table says by how much it may not.
            for row in rows:
                gap = abs(sum(_dollars(cell) for cell in row[1:4]) - _dollars(row[4]))
                assert gap < 0.005 or (gap <= 1 and "Each figure is rounded on its own" in record), row


def test_the_whole_request_row_says_what_it_adds_to_the_steps() -> None:
    agent = assess(load_profile(EXAMPLES / "support-agent-tools.yaml"), RULES, price_date=PRICE_DATE)
    steps_p99 = sum(s.calls * s.tool_latency_s for s in agent.latency.steps)
    record = render_adr(agent, template="madr", date=DATE)
    step_rows = [line for line in record.splitlines() if line.startswith("| ") and " s / " in line]
    for line in step_rows[:-1]:
        steps_p99 += float(re.findall(r"([\d.]+) s \|", line.split(" / ")[2])[0])
    # The whole request's p99 stands far above the steps' added up: its retries.
    assert agent.latency.end_to_end_p99_s > steps_p99 + 10
    assert step_rows[-1].startswith("| **Whole request (tools and retries included)** |")
    html = MarkdownIt("commonmark").enable("table").render(record)
    assert "<strong>Whole request (tools and retries included)</strong>" in html
    # Tools and no retries; neither (one step of one call, none retried).
    assert "| **Whole request (tools included)** |" in _record("rag-chat-rewrite", "nygard")
    assert "| **Whole request** |" in _record("reasoning-contract-check", "madr")


def test_the_rounding_note_writes_its_amount_as_the_table_writes_money() -> None:
    """The note under a table of cents read "… can differ … by $0.1.": no figure above it is
    written so. It now reads "$0.10"."""
    fixture = Path(__file__).resolve().parent / "fixtures" / "retiring" / "nightly-ticket-triage.yaml"
    a = assess(load_profile(fixture), RULES, price_date=PRICE_DATE)
    for template in TEMPLATES:
        record = render_adr(a, template=template, date=DATE)
        assert ("Each figure is rounded on its own, so a saving can differ from the difference of the two monthly"
                " costs by $0.10.") in record, template
        assert "by $0.1." not in record
    # Whole dollars stay whole.
    assert "monthly costs by $1." in _record("support-agent-tools", "madr")


def _write(data: dict, folder: Path, template: str, supersedes: int | None = None, price_date: str = DATE) -> str:
    a = assess(data, RULES, price_date=datetime.date.fromisoformat(price_date))
    return write_adr(a, folder, template=template, date=DATE, supersedes=supersedes).read_text(encoding="utf-8")


def _context(record: str) -> str:
    head = "## Context and Problem Statement\n\n" if record.startswith("---") else "## Context\n\n"
    return record.split(head, 1)[1].split("\n\n", 1)[0]


def test_a_superseding_record_says_what_it_replaces_and_what_changed(tmp_path: Path) -> None:
    reply = yaml.safe_load((EXAMPLES / "support-reply-draft.yaml").read_text(encoding="utf-8"))
    for template in TEMPLATES:
        folder = tmp_path / template
        _write(reply, folder, template)
        # More requests, and a description with Markdown and HTML in it: data, escaped.
        busier = {**reply, "requests_per_month": 200000, "description": "Drafts a **reply** <b>now</b>."}
        second = _write(busier, folder, template, supersedes=1)
        said = _context(second)
        assert said.startswith("Record 1 chose Synchronous call at $864 a month, with the rule set `advisor-default`"
                               " 1.0.0 and the prices in force on 2026-11-01. Changed since: description "), template
        # The spend difference said (board read 11), not left to the reader to subtract.
        assert ("; requests_per_month 120,000 to 200,000. This record keeps Synchronous call, now at $1,440 a month,"
                " $576 a month more than record 1's.") in said
        assert "<b>" not in said and "**reply**" not in said and "&lt;b&gt;" in said
        # A tighter budget turns it into a stream: said as a change of mode.
        tighter = {**busier, "latency_budget_s": 2}
        third = _context(_write(tighter, folder, template, supersedes=2))
        assert third.startswith("Record 2 chose Synchronous call at $1,440 a month")
        assert third.endswith("Changed since: latency_budget_s 4 to 2. This record chooses Streaming response instead,"
                              " now at $1,506 a month, $66 a month more than record 2's.")
        # The same workload again, at a later price date: only the date has changed.
        fourth = _context(_write(tighter, folder, template, supersedes=3, price_date="2026-11-20"))
        # A new price date with the model's prices the same says so (board read 11).
        assert fourth.endswith("Changed since: prices in force on 2026-11-01 to 2026-11-20 (gpt-5.4's prices the"
                               " same). This record keeps Streaming response, now at $1,506 a month.")
    # A record with nothing to supersede says nothing of the kind.
    assert "Changed since" not in _record("support-reply-draft", "madr")
    # The superseding record still passes the MADR linter, its sentence and all.
    newest = sorted((tmp_path / "madr").glob("0004-*.md"))[0]
    lint = subprocess.run([sys.executable, "-m", "pymarkdown", "--enable-extensions", "front-matter", "-d",
                           "md013,md024", "scan", str(newest)], capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_a_call_of_over_a_minute_reads_in_the_same_unit_in_the_drivers_and_the_assumptions() -> None:
    # The DeepSeek example with a longer answer: its reasoning stand-in's first token is 39.1 s
    # at p95 since judgement 11 (64.4 s before, when its 250 tokens alone made it over a minute).
    data = yaml.safe_load((EXAMPLES / "deepseek-catalogue-enrichment.yaml").read_text(encoding="utf-8"))
    a = assess({**data, "output_tokens": 1500}, RULES, price_date=PRICE_DATE)
    for template in TEMPLATES:
        record = render_adr(a, template=template, date=DATE)
        assert "End-to-end p95 1.15 min (1 x 1.15 min estimated per call;" in record
        assert "- Per-call p95: 69.1 s (1.15 min) = 39.1 s to the first token + 1,500 tokens / 50 tok/s" in record
    # Under a minute, seconds alone, as before.
    assert "- Per-call p95: 2.72 s = 0.67 s to the first token + 180 tokens / 88 tok/s" in \
        _record("support-reply-draft", "madr")
