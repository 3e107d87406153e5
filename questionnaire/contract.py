"""The latency each mode's contract is judged on.

A streaming answer is judged by its first token (the reader reads along from then on)
unless the rules hold it to its whole answer (the answer is needed whole),
a batch by the provider's batch window, the others by the whole answer at p95. Whether a
mode meets its contract is the assessment's to say (``feasible``, ``unmet``): a batch
window longer than the budget, say, is a risk the rule set weighs, not always a miss.
Pure functions (no Streamlit): the verdict card, the bar, the charts and the Modes tab
share them.
"""

from __future__ import annotations

from dataclasses import dataclass

from advisor.core.assessment import Assessment
from advisor.core.conditions import condition_thresholds
from advisor.views.adr import held_whole, latency_against_budget, streams_nothing
from advisor.views.formatting import budget_digits, caller_timeout_seconds, seconds
from advisor.views.steps import first_token_read


@dataclass(frozen=True)
class ContractLatency:
    """The latency a mode's contract promises, against the budget."""

    label: str  # "First token at p95"
    value: str  # "0.62 s"
    within: bool
    sentence: str  # the whole judgement: "its first token comes after 0.62 s at p95, within ..."
    spread: str = ""  # its distribution: "p50 0.40 s, p95 0.62 s, p99 0.71 s" ("" for a batch window)
    # What misses the budget where the figure shown does not: a job's result comes in 25.7 s,
    # but the peak's last request waits 19 min in the queue first ("queued up to 19 min at peak").
    queue: str = ""


def contract_latency(a: Assessment, mode: str) -> ContractLatency:
    """Streaming by its first token, batch by the batch window, the others by the whole answer;
    in the digits the summary and the record say the times in (``budget_digits``), so that a
    p95 of 2.503 s against a budget of 2.5 s reads "2.503 s", not the budget's "2.50 s"."""
    within, sentence = latency_against_budget(a, mode)
    lat = a.latency
    extra = budget_digits(a.facts)
    answer = _spread(lat.end_to_end_p50_s, lat.end_to_end_p95_s, lat.end_to_end_p99_s, extra)
    if streams_nothing(a, mode):
        return ContractLatency("First token", "none, an embedding does not stream", within, sentence)
    if held_whole(a, mode):  # the rules hold this stream to its whole answer
        return ContractLatency(
            "Whole answer at p95", seconds(lat.end_to_end_p95_s, extra), within, sentence, answer,
            _retry_miss(a, within, lat.end_to_end_p95_s) or _caller_miss(a, mode, within),
        )
    if mode == "streaming":
        first = _spread(lat.time_to_first_token_p50_s, lat.time_to_first_token_s, lat.time_to_first_token_p99_s, extra)
        return ContractLatency(
            "First token at p95", seconds(lat.time_to_first_token_s, extra), within, sentence, first,
            _retry_miss(a, within, lat.time_to_first_token_s) or _caller_miss(a, mode, within),
        )
    if mode == "batch":
        window = a.facts.get("batch_window_s")
        shown = f"within {seconds(window, extra)}" if a.pricing.batch_available and window else "no batch API"
        return ContractLatency("Results", shown, within, sentence)
    if mode == "async":
        return ContractLatency(
            "Result at p95", seconds(lat.end_to_end_p95_s, extra), within, sentence, answer, _queue_miss(a, within)
        )
    return ContractLatency(
        "Answer at p95", seconds(lat.end_to_end_p95_s, extra), within, sentence, answer,
        _retry_miss(a, within, lat.end_to_end_p95_s) or _caller_miss(a, mode, within),
    )


def first_token_that_ruled_out_the_stream(a: Assessment) -> tuple[ContractLatency, float] | None:
    """A conversation whose stream a rule on its first token ruled out: that first token, the
    figure the verdict turned on and what a chat user waits for, which the recommended mode's
    own figure ("Result at p95") does not show, with the line it crossed, the rule's own (5 s).
    None where the card's figure is already the first token, or nobody reads one."""
    if a.recommendation == "streaming" or not first_token_read(a) or held_whole(a, "streaming"):
        return None
    lines = sorted({
        t for x in a.excluded if x.mode == "streaming" for r in x.rules
        for t in condition_thresholds(a.rules.rule(r).spec.when, "time_to_first_token_s")
    })
    if not lines:
        return None
    lat = a.latency
    extra = budget_digits(a.facts)
    return ContractLatency(
        "First token at p95", seconds(lat.time_to_first_token_s, extra), False,
        f"a streamed answer would show its first token after {seconds(lat.time_to_first_token_s, extra)} at p95,"
        f" over the {lines[0]:g} s a conversation may show nothing for, so streaming is ruled out",
        _spread(lat.time_to_first_token_p50_s, lat.time_to_first_token_s, lat.time_to_first_token_p99_s, extra),
    ), lines[0]


def shown_step_done(a: Assessment) -> ContractLatency | None:
    """Where steps follow the one the person reads: when that step is done, the time a split
    (answer at the shown step, run the rest as a job) answers at, against the budget, as the
    CLI's Latency line says it ("step 'classify' done at 1.98 s (p95)"). None where the shown
    step is the last, or nobody reads it."""
    if not first_token_read(a) or not a.facts.get("steps_after_shown"):
        return None
    lat = a.latency
    extra = budget_digits(a.facts)
    name = next(s.name for s in lat.steps if s.shown)
    done = seconds(lat.shown_step_p95_s, extra)
    within = lat.shown_step_p95_s <= a.workload.latency_budget_s
    return ContractLatency(
        "Shown step done at p95", done, within,
        f"the step the person reads, {name}, is done after {done} at p95,"
        f" {'within' if within else 'over'} the budget; the steps after it take the whole answer to"
        f" {seconds(lat.end_to_end_p95_s, extra)}",
        _spread(lat.shown_step_p50_s, lat.shown_step_p95_s, lat.shown_step_p99_s, extra),
    )


def _queue_miss(a: Assessment, within: bool) -> str:
    """A job whose result comes within the budget but whose peak queue makes it miss: the wait,
    as the record says it ("the last request of a peak after up to 19 min in the queue first");
    "" where the result's own p95 is the miss, or nothing is missed."""
    if within or a.latency.end_to_end_p95_s > a.workload.latency_budget_s:
        return ""
    wait = a.capacity.peak_worst_wait_s
    if wait is None:
        return "queue never drains"
    return f"queued up to {seconds(wait, budget_digits(a.facts))} at peak" if wait > 0 else ""


def _retry_miss(a: Assessment, within: bool, shown_s: float) -> str:
    """A call made without a queue whose own p95 fits the budget, missed by its retries at the rate
    limits (they wait for the peak's backlog as a queued job does): "retried up to 20.4 min at
    peak", or red "budget 8.00 s" beside "0.67 s" reads as a contradiction; "" where the figure
    shown is the miss itself, or nothing is missed."""
    if within or shown_s > a.workload.latency_budget_s or not a.capacity.over_limit:
        return ""
    wait = a.capacity.peak_worst_wait_s
    if wait is None:
        return "retries never clear"
    return f"retried up to {seconds(wait, budget_digits(a.facts))} at peak" if wait > 0 else ""


def _caller_miss(a: Assessment, mode: str, within: bool) -> str:
    """A held connection whose figure fits the budget but whose whole answer comes after the
    caller gives up, as a rule on the share cut off says: "the caller gives up at 10.0 s", or a
    green "budget 3.00 s" beside "misses its contract" reads as a contradiction; "" otherwise."""
    if not within or not any(
        condition_thresholds(a.rules.rule(r).spec.when, "caller_cut_off_share")
        for r in unmet_modes(a).get(mode, ())
    ):
        return ""
    return f"the caller gives up at {caller_timeout_seconds(a)}"


def _spread(p50: float, p95: float, p99: float, extra: int) -> str:
    return f"p50 {seconds(p50, extra)}, p95 {seconds(p95, extra)}, p99 {seconds(p99, extra)}"


def unmet_modes(a: Assessment) -> dict[str, list[str]]:
    """The modes that miss their contract on this workload's numbers, with the rules that say so."""
    return {u.mode: u.rules for u in a.unmet}
