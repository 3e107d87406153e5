"""Board read, round 10: the record of a multi-step feature, and the rule set as a policy document.

What a board member and a staff engineer found reading the records of six multi-step workloads
(an agent's tool loop, classify-then-draft, retrieval + rerank + answer, moderation before a
stream, a fallback model, a step on a retiring model) and the rules as policy:

- The steps table's time column said "p50 / p95 / p99" beside "Tools per call" and "Tokens
  per call", so a step of four calls read as taking one call's 1.81 s; it is one call's time.
- The steps table gave each step's token bill a month but no total: the reader could not add
  the column up to the $8,518 the cost table bills, nor tell it was the bill of every mode but
  batch. The whole request's row now carries the bill, and a line says when the steps' rounded
  figures add up to a dollar off it.
- The record gave the per-token prices of every step's own model except the workload's, which
  only the machine-read inputs block held: no reader could redo the bill of the step on it.
- cost-rate-limit-tight said its 70% line was the source's for "the capacity you can use";
  seed 004 draws it for dedicated inference capacity and, for pay-per-token APIs, keeps only
  the burst-resilience argument without a number. Reading it on a rate limit is the advisor's
  own step, now said and cited as an advisor default (and in cost-bursty-traffic, which reuses it).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

from markdown_it import MarkdownIt

from advisor import Assessment, assess, load_profile, load_rules, render_adr

RULES = load_rules()
PRICE_DATE = datetime.date(2026, 11, 1)
DATE = "2026-11-01"
TEMPLATES = ("madr", "nygard")

AGENT = """\
name: Refund agent with tool loop
interaction: chat
latency_budget_s: 20
requests_per_month: 200000
peak_requests_per_minute: 60
provider: openai
model: gpt-5.4
tier: tier-2
retry_rate: 0.03
steps:
  - {name: plan, input_tokens: 2000, output_tokens: 120}
  - {name: tool round, repeat: 4, tool_latency_s: 0.8, input_tokens: 3000, output_tokens: 100, cached_input_fraction: 0.6}
  - {name: answer, input_tokens: 3500, output_tokens: 400}
downstream: own_ui
side_effects: idempotent
"""

RAG = """\
name: Policy Q&A with retrieval and rerank
interaction: chat
latency_budget_s: 8
requests_per_month: 40000
peak_requests_per_minute: 20
provider: openai
model: gpt-5.4
tier: tier-1
steps:
  - {name: embed query, model: text-embedding-3-small, input_tokens: 60, output_tokens: 0}
  - {name: rerank, model: gpt-5.4-mini, tool_latency_s: 0.25, input_tokens: 6000, output_tokens: 80}
  - {name: answer, input_tokens: 4000, output_tokens: 500, cached_input_fraction: 0.3}
downstream: own_ui
side_effects: none
"""


def _assess(tmp_path: Path, text: str, name: str) -> Assessment:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return assess(load_profile(path), RULES, price_date=PRICE_DATE)


def _dollars(cell: str) -> Decimal:
    return Decimal(cell.strip().lstrip("$").replace(",", ""))


def _steps_table(record: str) -> list[list[str]]:
    start = record.index("| Step | Model |")
    rows = []
    for line in record[start:].splitlines():
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows


def test_the_steps_table_says_its_times_are_one_call_s(tmp_path: Path) -> None:
    a = _assess(tmp_path, AGENT, "agent")
    for template in TEMPLATES:
        header, _, *rows = _steps_table(render_adr(a, template=template, date=DATE))
        assert header[4] == "p50 / p95 / p99 of one call"
        tool_round = next(r for r in rows if r[0] == "tool round")
        # Four calls of 1.81 s each (plus tools) are not a step of 1.81 s: the cell is one call.
        assert tool_round[2] == "4" and tool_round[4].split(" / ")[1] == "1.81 s"


def test_the_steps_table_adds_up_to_the_token_bill_of_the_cost_table(tmp_path: Path) -> None:
    a = _assess(tmp_path, AGENT, "agent")
    for template in TEMPLATES:
        record = render_adr(a, template=template, date=DATE)
        header, _, *rows = _steps_table(record)
        assert header[6] == "Tokens a month (not batch)"
        steps = [r for r in rows if not r[0].startswith("**")]
        whole = next(r for r in rows if r[0].startswith("**Whole request"))
        # The whole request's bill is the cost table's for the modes that are not batch.
        assert whole[6] == "$8,518"
        (sync,) = [line for line in record.splitlines() if line.startswith(("| Synchronous call |", "| Synchronous call ("))]
        assert sync.split("|")[2].strip() == "$8,518"
        # $1,401 + $4,079 + $3,039 is $8,519: the record says why it is a dollar off.
        assert sum(_dollars(r[6]) for r in steps) == Decimal(8519)
        assert "so the steps can add up to a dollar more or less than the whole request's" in record
        # The first token's row has no bill of its own.
        first = next(r for r in rows if r[0].startswith("**First visible token"))
        assert first[6] == ""
        html = MarkdownIt("commonmark").enable("table").render(record)
        assert '<td style="text-align:right">$8,518</td>' in html


def test_no_rounding_line_where_the_steps_add_up(tmp_path: Path) -> None:
    a = _assess(tmp_path, RAG, "rag")
    record = render_adr(a, template="madr", date=DATE)
    _, _, *rows = _steps_table(record)
    steps = [r for r in rows if not r[0].startswith("**")]
    # $0.0480 + $194 + $592 is $786, as the whole says, shown in whole dollars.
    assert [r[6] for r in steps] == ["$0.0480", "$194", "$592"]
    assert next(r for r in rows if r[0].startswith("**Whole request"))[6] == "$786"
    assert "a dollar more or less than the whole request's" not in record


def test_the_record_gives_the_workload_model_s_prices_as_it_gives_each_step_s(tmp_path: Path) -> None:
    a = _assess(tmp_path, RAG, "rag")
    for template in TEMPLATES:
        record = render_adr(a, template=template, date=DATE)
        prose = record.split("```yaml", 1)[0]  # not the inputs block, which a machine reads
        # The answer step runs on the workload's model: its $592 is 40,000 x (2,800 x $2.5 +
        # 1,200 x $0.25 + 500 x $15) / 1M, from the prices the record now gives.
        assert "- Prices: openai gpt-5.4 on 2026-11-01: input $2.5 " in prose
        assert "cached input $0.25 " in prose and "output $15 " in prose
        assert "- Prices (gpt-5.4-mini): openai gpt-5.4-mini on 2026-11-01: input $0.75" in prose
        assert round(40_000 * (2_800 * 2.5 + 1_200 * 0.25 + 500 * 15) / 1e6) == 592


def test_a_single_call_record_gives_its_prices_too() -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    a = assess(load_profile(examples / "chatbot.yaml"), RULES, price_date=PRICE_DATE)
    prose = render_adr(a, template="nygard", date=DATE).split("```yaml", 1)[0]
    assert re.search(r"^- Prices: openai \S+ on 2026-11-01: input \$", prose, re.M)


def test_the_70_percent_line_on_a_rate_limit_is_said_to_be_the_advisor_s_reading() -> None:
    # Seed 004, the passage both rules cite: "If your unit economics depend on >70% utilization
    # of dedicated inference capacity, async usually wins. If you're on pay-per-token APIs
    # (OpenAI, Anthropic, Bedrock), the cost difference shrinks but the burst-resilience
    # argument still holds."
    rules = {r.id: r.spec for r in RULES.rules}
    tight = rules["cost-rate-limit-tight"]
    assert "draws the 70% line for dedicated inference capacity" in tight.because
    assert "advisor-default, 70% of the rate limit" in tight.source
    bursty = rules["cost-bursty-traffic"]
    assert "the source's line above which async usually wins" not in bursty.because
    assert "advisor-default, ten times the average and 70% of the rate limit" in bursty.source
    docs = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert "| `cost-rate-limit-tight` | 70% of the rate limit |" in docs


RETIRING = """\
name: Contract clause summary
interaction: request_response
latency_budget_s: 30
requests_per_month: 20000
peak_requests_per_minute: 10
provider: anthropic
model: claude-sonnet-4-5
tier: start
steps:
  - {name: extract clauses, input_tokens: 20000, output_tokens: 1500}
  - {name: summarise, model: claude-haiku-4-5, input_tokens: 1800, output_tokens: 500}
downstream: own_ui
side_effects: none
"""


def test_the_steps_table_marks_the_step_whose_model_is_retiring(tmp_path: Path) -> None:
    a = _assess(tmp_path, RETIRING, "retiring")
    for template in TEMPLATES:
        record = render_adr(a, template=template, date=DATE)
        # The decision says Anthropic shuts claude-sonnet-4-5 down; the table says which step it stops.
        assert "Anthropic shuts claude-sonnet-4-5 down on 2026-11-30" in record
        _, _, *rows = _steps_table(record)
        by_step = {r[0]: r[1] for r in rows}
        assert by_step["extract clauses"] == "claude-sonnet-4-5 (shuts down on 2026-11-30)"
        assert by_step["summarise (read as it appears)"] == "claude-haiku-4-5"
