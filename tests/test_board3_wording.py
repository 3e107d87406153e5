"""Four items of the third board read of the records (board-read-3.md, its re-check table),
each still present on its examples and red-team workloads: a burst far below the rate
limits decided a clause check and consoled a voice caller with a queue (M13); an async
result was "within the budget" beside a queue wait it never counted (M21); a rule that
favours streaming was a good of the synchronous call (C4); a refund agent was told its
verdict "as with" a 90-page contract (M14)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor import assess, load_rules, render_adr

RULES = load_rules()
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PRICED = datetime.date(2026, 11, 27)  # the board's --date and price date
BURST = "cost-bursty-traffic"

# rt/0005 of the board read: the red team's voice agent (redteam-judgement-6, Z19).
VOICE_AGENT: dict[str, Any] = {
    "name": "Voice order-status agent",
    "description": "A caller asks where the order is; a small model routes, the order API is called, and the reply"
    " is spoken as it streams.",
    "interaction": "chat", "latency_budget_s": 1.5, "requests_per_month": 600_000, "peak_requests_per_minute": 200,
    "provider": "openai", "model": "gpt-4.1-mini", "tier": "tier-3", "downstream": "own_ui",
    "steps": [
        {"name": "route", "model": "gpt-4.1-mini", "input_tokens": 500, "output_tokens": 20},
        {"name": "reply", "tool_latency_s": 0.3, "input_tokens": 1200, "output_tokens": 120},
    ],
}
# rt/0004 of the board read: the refund agent that works in the background (Z17).
REFUND_AGENT = Path(__file__).resolve().parent / "fixtures" / "judgement-6" / "Z17-refund-agent-background.yaml"


def example(name: str, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    return {**data, **changes}


def decide(fields: dict[str, Any]):  # type: ignore[no-untyped-def]
    return assess(fields, RULES, price_date=PRICED)


def record(fields: dict[str, Any], template: str = "madr") -> str:
    return render_adr(decide(fields), template=template, date=PRICED)


def flat(text: str) -> str:
    return " ".join(text.split())


def option(text: str, label: str) -> str:
    """One option's Pros and Cons (MADR), on one line."""
    return flat(text.split(f"### {label}")[1].split("\n### ")[0].split("\n## ")[0])


def outcome(text: str) -> str:
    return flat(text.split("## Decision Outcome\n")[1].split("### Consequences")[0])


# -- M13: a burst counts only where it comes near the limits --------------------------------


def test_a_burst_with_most_of_the_limits_to_spare_decides_nothing() -> None:
    """The clause check peaks at 10 requests a minute, 21.6 times its average, with 91% of its
    limits to spare: cost-bursty-traffic was among the four rules that decided it, and its
    title the async option's first good. The verdict (async, on the latency rules) stays."""
    a = decide(example("reasoning-contract-check"))
    assert a.facts["burst_factor"] >= 10 and a.facts["rate_limit_utilisation"] < 0.3
    assert (a.recommendation, a.feasible) == ("async", True)
    assert BURST not in [r.id for r in a.fired_rules]
    assert a.decided_by == ["latency-blocking-wait-over-5s", "latency-sync-over-5s", "failure-timeout-cascade"]
    text = render_adr(a, date=PRICED)
    assert "bursty traffic is absorbed by a queue" not in text.lower()
    assert f"`{BURST}`" not in outcome(text)


def test_a_voice_caller_is_not_offered_a_queue_as_its_con() -> None:
    """The voice agent (9% of its limits at peak) read "Bad, because bursty traffic is absorbed
    by a queue" under the stream it chose and the call beside it: no consolation to a caller."""
    a = decide(VOICE_AGENT)
    assert a.recommendation == "streaming" and a.facts["rate_limit_utilisation"] < 0.1
    assert BURST not in [r.id for r in a.fired_rules]
    assert "absorbed by a queue" not in render_adr(a, date=PRICED)


def test_a_burst_near_the_limits_still_counts_and_says_what_it_costs_a_stream() -> None:
    """Near the limits (80% of an account's 500 requests a minute) the burst still weighs on
    both real-time options alike; where no limit is known it weighs as before. The con it
    gives a stream or a call is the connection each holds, not the queue it lacks."""
    tight = decide({**VOICE_AGENT, "rate_limits": {"rpm": 500}})
    assert tight.facts["rate_limit_utilisation"] >= 0.7 and BURST in [r.id for r in tight.fired_rules]
    assert tight.recommendation == "streaming"
    scores = {r.mode: r.axis_scores["cost_burst"] for r in tight.ranking}
    assert scores["sync"] == scores["streaming"]
    unchecked = {**VOICE_AGENT, "model": "gpt-6-luna", "tier": "tier-1"}
    unchecked.pop("steps")
    unchecked.update(input_tokens=1200, output_tokens=120)
    a = decide(unchecked)
    assert a.facts["rate_limits_known"] is False and BURST in [r.id for r in a.fired_rules]
    chosen = option(render_adr(a, date=PRICED), "Streaming response (chosen)")
    assert ("Bad, because a stream holds its connection until the answer is done, as a synchronous call does, so a"
            " peak ten times the average must be provisioned for, or requests turned away at the door"
            f" (`{BURST}`)") in chosen
    assert "queue" not in chosen


# -- M21: an async result within the budget says what the queue may take --------------------


def test_a_queued_result_is_within_the_budget_only_if_the_queue_leaves_it_time() -> None:
    """0013 read "result after 57.6 s plus queue wait, within the budget of 1 min": the check
    was of the call alone. The record now says what the call leaves the queue (1 min less
    the 57.6 s it says), and why the limits add no backlog at this peak."""
    text = record(example("reasoning-contract-check"))
    assert ("- Asynchronous job (`async`): $2,663 a month; result after 57.6 s once a worker takes the job, within"
            " the budget of 1 min; 2.40 s to spare for the queue; **chosen**.") in text
    said = ("the caller gets a job id at once and the result about 57.6 s at p95 after a worker takes the job:"
            " within the budget of 1 min if it waits no more than 2.40 s for one (the peak builds no backlog at the"
            " rate limits)")
    assert f"- Good, because {said}." in text  # the first consequence
    assert "plus queue wait, within" not in text and "plus any queue wait, within" not in text
    nygard = record(example("reasoning-contract-check"), "nygard")
    assert f"- Meets its budget: {said}." in nygard


def test_a_queue_says_what_its_time_rests_on_or_adds_to_a_miss() -> None:
    """Where no rate limit is known, nothing says the peak builds no backlog; where no peak is
    given, the month's average is what was checked. Over the budget on the call alone, the
    queue's wait only adds to the miss, said as before."""
    unknown = record(example("reasoning-contract-check", model="gpt-6-luna", tier="tier-1"))
    assert "if it waits no more than 2.40 s for one (no rate limits are known to check the peak against)" in unknown
    summary = record(example("document-summary-button"))
    assert "(the monthly average rate, no peak given, builds no backlog at the rate limits)" in summary
    over = record(example("reasoning-contract-check", latency_budget_s=30))
    assert "result after 57.6 s plus queue wait, over the budget of 30.0 s" in over
    assert "to spare for the queue" not in over


# -- C4: a rule that favours another open option is no good of this one ---------------------


@pytest.mark.parametrize("name", ["chatbot", "code-completion", "rag-chat-rewrite", "voice-assistant"])
def test_the_rule_that_favours_the_stream_is_not_a_good_of_the_call(name: str) -> None:
    """0001, 0003, 0011 and 0016: the synchronous call read "Good, because it keeps the
    synchronous contract a conversation ... needs, the answer whole rather than streamed
    (`ux-conversation-streams`)", the rule that decides for streaming."""
    said = ("it keeps the synchronous contract a conversation or an inline edit needs, but answers whole rather than"
            " streamed (`ux-conversation-streams`, which favours Streaming response)")
    sync = option(record(example(name)), "Synchronous call")
    assert f"Neutral, because {said}" in sync
    assert "Good, because it keeps the synchronous contract" not in sync
    nygard = flat(record(example(name), "nygard").split("**Synchronous call**")[1].split("\n**")[0])
    assert f"- Neutral: {said}" in nygard and "For: it keeps the synchronous contract" not in nygard


def test_a_runner_up_is_neutral_only_while_the_option_the_rule_favours_is_open() -> None:
    """Where the favoured option is ruled out, the runner-up is the best the rule finds open,
    and its words stay a good of it: DeepSeek has no batch API, so latency-overnight's words
    for the job are the job's good; the chat's stream is open, so the call's are neutral."""
    job = option(record(example("deepseek-catalogue-enrichment")), "Asynchronous job (chosen)")
    assert "Good, because hours or overnight leave time for a job too, at full price (`latency-overnight`)" in job
    sync = option(record(example("chatbot")), "Synchronous call")
    assert "Neutral, because it keeps the synchronous contract" in sync


# -- M14: the source's example is not a claim about the workload -----------------------------


def test_a_refund_agent_is_not_told_it_is_a_contract_review() -> None:
    """rt/0004: "because the user gets back to work and wants to be notified later (as with
    "summarize this 90-page contract and flag risks")". The reason is the rule's first
    sentence; the example is the source's, in the rule's full reason."""
    fields: dict[str, Any] = yaml.safe_load(REFUND_AGENT.read_text(encoding="utf-8"))
    text = record(fields)
    assert ('Chosen option: "Asynchronous job", because the user gets back to work and wants to be notified later,'
            " so the contract is asynchronous: a job id now, the result later.") in outcome(text)
    assert "90-page" not in outcome(text)
    fired = flat(text.split("### Rules that fired")[1])
    assert ("a job id now, the result later. The source's example of such a job is \"summarize this 90-page contract"
            " and flag risks\".") in fired
    summary = decide(fields)
    assert "90-page" not in summary.reason


# -- the same input, the same record, whatever was assessed before it ------------------------


def test_a_record_says_its_default_tier_whatever_was_assessed_before() -> None:
    """A workload that names tier-1 on a model without limits there, and whose levers try
    gpt-5.4 at tier-1, left the catalogue's memo of gpt-5.4's tier-1 limits without the
    "account tier" assumption: the chatbot's record, written next in the same process (the
    app, a review, a test run), lost its line on the default tier."""
    chatbot = example("chatbot")
    assert "tier" not in chatbot
    memo = RULES.catalogue.memo  # a cache of figures: emptied, the order of the two is this test's own
    memo.clear()
    fresh = record(chatbot)
    assert "- Account tier: tier-1 (OpenAI's default for every model; set 'tier' for yours)." in fresh
    memo.clear()
    record(example("reasoning-contract-check", model="gpt-6-luna", tier="tier-1"))
    assert record(chatbot) == fresh
