"""Board read 6: what a board member reading the records would notice.

- The ways to make a decision cheaper or feasible ran on in the Decision Outcome's paragraph,
  after its reason, its rules and its caveats: "…the same cost. gpt-5.4-mini is timed at a
  stand-in, … measure gpt-5.4-mini before paying for this. With gpt-5.4: the recommendation
  becomes streaming…". Where one ended and the next began, and which one a caveat belonged
  to, was left to the reader. They are now a list under the paragraph, one lever a bullet.
- A rule whose title gives advice was quoted as a con: "Bad, because in the 5-60 s gray zone,
  weigh what async costs to build". It now says what the rule finds: the job's plumbing costs
  at least half as much again as a synchronous call.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from markdown_it import MarkdownIt

from advisor import assess, load_rules, render_adr
from advisor.views.text import render_text

RULES = load_rules()
PRICE_DATE = datetime.date(2026, 11, 27)
DATE = "2026-11-27"

# A sales rep clicks "Write email" and waits: 8.58 s at p95 on a stand-in speed, 6 s budget.
SALES_EMAIL: dict[str, Any] = {
    "name": "Sales outreach email draft", "interaction": "request_response", "latency_budget_s": 6,
    "input_tokens": 2500, "output_tokens": 350, "cached_input_fraction": 0.5, "output_format": "text",
    "requests_per_month": 150000, "peak_requests_per_minute": 120, "provider": "openai",
    "model": "gpt-5.4-mini", "downstream": "own_ui", "side_effects": "none", "current_mode": "sync",
}
# A small monthly report: a simple script, with no lever to offer.
CRON: dict[str, Any] = {
    "name": "Monthly account summary", "interaction": "pipeline", "latency_budget_s": 86400,
    "input_tokens": 3000, "output_tokens": 500, "requests_per_month": 300, "provider": "openai",
    "model": "gpt-5.4", "downstream": "internal_service", "side_effects": "idempotent",
}
SECTION = {"madr": ("## Decision Outcome\n", "### Consequences"), "nygard": ("## Decision\n", "\n**")}


def _section(workload: dict[str, Any], template: str) -> str:
    a = assess(workload, RULES, price_date=PRICE_DATE)
    start, end = SECTION[template]
    return render_adr(a, template=template, date=DATE).split(start, 1)[1].split(end, 1)[0]


def test_the_levers_are_a_list_under_the_decision_not_a_run_on_paragraph() -> None:
    a = assess(SALES_EMAIL, RULES, price_date=PRICE_DATE)
    assert not a.feasible and a.recommendation == "async"
    for template in ("madr", "nygard"):
        section = _section(SALES_EMAIL, template)
        paragraph, _, rest = section.strip().partition("\n\n")
        assert paragraph.endswith("evaluate them before switching):"), template  # the list's lead-in
        assert "With a budget of" not in paragraph
        bullets = rest.strip().split("\n")
        assert bullets == [line for line in bullets if line.startswith("- ")], template
        # One bullet a lever: the budget, the priority tier (its speed floor, from the catalogue),
        # and the bigger model.
        assert len(bullets) == len(a.levers) == 3
        assert bullets[0] == "- With a budget of 8.60 s: async meets its contract; the end-to-end p95 is 8.58 s; the same cost."
        assert bullets[1].startswith("- With the priority tier: async meets its contract;")
        # The stand-in caveat sits with the bigger model it warns about, not after the budget.
        assert bullets[2].startswith("- gpt-5.4-mini is timed at a stand-in")
        assert "With gpt-5.4: the recommendation becomes streaming" in bullets[2]
        assert "$706 a month more than as specified." in bullets[2]
        # A reader's renderer shows a list of three inside the decision.
        html = MarkdownIt("commonmark").render(section)
        assert html.count("<li>") == 3 and html.count("<ul>") == 1, template


def test_a_decision_without_levers_ends_its_paragraph_cleanly() -> None:
    for template in ("madr", "nygard"):
        record = render_adr(assess(CRON, RULES, price_date=PRICE_DATE), template=template, date=DATE)
        assert "What would make it" not in record
        head = SECTION[template][0]
        section = record.split(head, 1)[1]
        # One paragraph, then one blank line before what follows: no empty list, no gap.
        assert re.match(r"\n?[^\n]+\n\n(### Consequences|\*\*)", section), template


def test_the_gray_zone_con_says_what_it_finds_not_what_to_do() -> None:
    a = assess(SALES_EMAIL, RULES, price_date=PRICE_DATE)
    assert "cost-gray-zone-async-build" in {r.id for r in a.fired_rules}
    madr = render_adr(a, template="madr", date=DATE)
    nygard = render_adr(a, template="nygard", date=DATE)
    said = ("in the 5-60 s gray zone its queue, workers and build cost at least half as much again"
            " as a synchronous call (`cost-gray-zone-async-build`)")
    assert f"- Bad, because {said}" in madr
    assert f"- Against: {said}" in nygard
    for record in (madr, nygard):
        assert "weigh what async costs to build (`" not in record
    # The numbers behind it: async $663 against sync $391 a month, 70% more.
    costs = {mode: cost.total_usd for mode, cost in a.costs.items()}
    assert round(costs["async"], 2) == 663.16 and round(costs["sync"], 2) == 390.94
    assert costs["async"] / costs["sync"] - 1 >= 0.5


# A new enrichment job no one waits on, on a model with no batch API: async is chosen over a
# cheaper synchronous call, which the rules score lower.
ENRICHMENT: dict[str, Any] = {
    "name": "Product catalogue enrichment", "interaction": "pipeline", "latency_budget_s": 28800,
    "input_tokens": 1200, "output_tokens": 250, "output_format": "json", "requests_per_month": 600000,
    "provider": "deepseek", "model": "deepseek-flash", "downstream": "internal_service",
    "side_effects": "idempotent",
}


def test_a_dearer_choice_says_in_words_why_the_cheaper_mode_scores_lower() -> None:
    """The outcome read "…more than Synchronous call, which ux-no-one-waiting and
    downstream-database-not-ui score below it": rule ids where a board reads a reason."""
    a = assess(ENRICHMENT, RULES, price_date=PRICE_DATE)
    assert a.recommendation == "async"
    said = ("Asynchronous job costs $272 a month more than Synchronous call, which scores lower because"
            " background work with no one waiting belongs in batch and work no one waits on needs no"
            " real-time call: its token bill is the same ($396)")
    for template in ("madr", "nygard"):
        outcome = _section(ENRICHMENT, template)
        assert said in " ".join(outcome.split()), template
        assert "score below it" not in outcome and "ux-no-one-waiting and" not in outcome
    assert said in " ".join(render_text(a).split())
