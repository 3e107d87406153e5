"""Numbers as people read them: money, durations, shares and counts. Every view (the text
summary, the decision record, the review, the rule docs, the questionnaire) formats its
figures here, so a figure reads the same wherever it appears.

Every formatter takes any finite number the advisor can derive and gives a short, exact
enough figure: never ``inf`` or ``nan``, never scientific notation, never three hundred
digits. Above a trillion, figures are counted in trillions.

The money vocabulary (the same words in the text summary, the JSON's keys, the decision
record, the review and the app):

- a mode's **monthly cost**: its tokens, its infrastructure and its build amortised over
  the amortisation months, a month. The mode a feature runs in today is built: its build
  is paid, so its monthly cost is its tokens and infrastructure; another mode's build counts
  only what it adds to today's (advisor.core.cost.move_build: the resilient client is built);
- **today**: the monthly cost of the mode the feature runs in now;
- a **saving**: today minus the new mode's monthly cost, when that is above 0;
- an **extra cost**: the new mode's monthly cost minus today, when that is above 0. A
  negative saving is always printed as an extra cost.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from advisor.core.engine import replaced_mode, total_cost_fact

# One set of number formatters for the core's sentences and the views (the core's are the
# lower layer); the views read them from here.
from advisor.core.figures import NOT_A_NUMBER as NOT_A_NUMBER
from advisor.core.figures import as_said as as_said
from advisor.core.figures import budget_digits as budget_digits
from advisor.core.figures import budget_seconds as budget_seconds
from advisor.core.figures import count as count
from advisor.core.figures import count_from as count_from
from advisor.core.figures import digits_apart, money_shown, money_step, round_half_up
from advisor.core.figures import money as money
from advisor.core.figures import percent as percent
from advisor.core.figures import seconds as seconds
from advisor.core.figures import times as times
from advisor.core.levers import off_peak_words, provider_names
from advisor.core.prices import peak_hour
from advisor.core.profile import MODES
from advisor.core.provider import batch_window_words, retiring_models, usual_batch_s
from advisor.core.steps import work_steps
from advisor.core.validation import plain
from advisor.core.variables import current_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from advisor.core.assessment import Assessment, FiredRule, PriceBasis
    from advisor.core.cost import ModeCost, UnpricedReasoning
    from advisor.core.latency import LatencyEstimate
    from advisor.core.levers import Lever
    from advisor.core.policy import ModeSpec
    from advisor.core.profile import Evidence, Mode
    from advisor.core.whatif import Change


def calls_p95(lat: LatencyEstimate, retry_rate: float, how: str = "", extra: int = 0) -> tuple[bool, str, str]:
    """How a request of identical calls (the single-call shorthand) comes to its end-to-end
    p95: whether it is their sum, the calls (and tools) in words, and what makes it not one.

    The p95 of a sum is the sum of the p95s only when the calls are slow together (a latency
    correlation of 1) or there is one call, and no call is retried (docs/cost-model.md,
    Latency): then "1 x 2.72 s per call + 0.40 s tools" is an equation; otherwise "2 calls of
    9.41 s p95 each" and "latency correlation 0.5", "2% of calls retried". A request without
    tools says none. ``extra``: the digits the end-to-end p95 is printed in beside the budget
    (``budget_digits``), which the terms of the sum are printed in too, so that "2.503 s = 1 x
    2.503 s per call" reads as the equation it is."""
    tools = sum(s.calls * s.tool_latency_s for s in lat.steps)
    per = f"{seconds(lat.per_call_p95_s, extra)}{f' {how}' if how else ''}"
    if retry_rate == 0 and (lat.calls == 1 or lat.latency_correlation >= 1):
        return True, f"{lat.calls} x {per} per call" + (f" + {seconds(tools, extra)} tools" if tools else ""), ""
    calls = f"{lat.calls} call{'s' if lat.calls != 1 else ''} of {per} p95{' each' if lat.calls != 1 else ''}"
    calls += f" and {seconds(tools)} of tools" if tools else ""
    why = [f"latency correlation {plain(lat.latency_correlation)}"] if lat.calls != 1 else []
    why += [f"{percent(retry_rate)} of calls retried"] if retry_rate else []
    return False, calls, ", ".join(why)


def retiring(a: Assessment) -> list[str]:
    """Each model of the workload its provider has announced it will shut down, in a
    sentence or two: the date, what then becomes of a request, and that the monthly costs
    price the model's calls for a whole month at prices that hold only until then
    (``core.provider.retiring_models``). The text summary's headline, the record's decision
    and the questionnaire's card say the same."""
    return retiring_models(a.rules.catalogue, ((s.provider, s.model) for s in a.latency.steps), a.price_date)


def retries_in_words(retry_rate: float, calls: int) -> str:
    """The retry rate as the workload states it and the cost and latency models read it, a
    share of calls, each retried once: "3% of calls are retried once". A request of several
    calls adds the share of requests that see at least one retry, 1 - (1 - rate)^calls over the
    calls the latency model counts ("about 14% of requests (1 - 0.97^5, over 5 calls each) see
    at least one retry"): an idempotency key has to cover that many requests, not 3%."""
    if not retry_rate:
        return "0% of calls are retried"
    said = f"{percent(retry_rate)} of calls are retried once"
    if calls > 1:
        kept = 1 - min(retry_rate, 1.0)
        requests = 1 - kept**calls
        # The working is shown where its base reads as a plain decimal (0.97, not 1e-09).
        base = f"{kept:.4g}"
        working = f"1 - {base}^{calls}, over {calls:,} calls each" if "e" not in base else f"over {calls:,} calls each"
        if kept == 0:
            said += "; every request sees at least one retry"
        elif requests >= 0.995:  # "about 100%" would read as every one
            said += f"; nearly every request ({working}) sees at least one retry"
        else:
            said += f"; about {percent(requests)} of requests ({working}) see at least one retry"
    return said


def peak_rate(a: Assessment) -> str | None:
    """Where a provider's price depends on the hour, which price the token bill is at: its
    peak rate, the hour the provider catalogue prices it at, an upper bound ("DeepSeek's peak
    rate (its price at 02:00 UTC, an upper bound: calls made off-peak bill less)"); None where
    no step's price depends on the hour. The bill is priced at one hour, as the hours a workload
    runs are not known: the off-peak hours and their month are said beside it (``off_peak_note``),
    and as a lever where a job can be scheduled into them (Assessment.off_peak)."""
    peaks = list(dict.fromkeys(
        hit for step in work_steps(a.workload)
        if (hit := peak_hour(a.rules.catalogue, step.provider, step.pricing)) is not None
    ))
    if not peaks:
        return None
    return " and ".join(
        f"{name}'s peak rate (its price at {hour:02d}:00 UTC, an upper bound: calls made off-peak bill less)"
        for name, hour in peaks
    )


def off_peak_note(a: Assessment, label: Callable[[Mode], str] = str) -> str | None:
    """Where a step's price depends on the hour and some hours cost less than the figures'
    peak rate, those hours and what they bill, read from the price data: "DeepSeek's
    off-peak hours (10:00-01:00 and 04:00-06:00 UTC) bill deepseek-flash at input $0.15,
    cached input $0.003, output $0.6 per 1M tokens; the figures above are at its peak rate,
    an upper bound. Scheduled into them: async $1,823 a month (...)." Where someone
    waits on the answer, the calls run when they are asked: the month lies between the two,
    and no job is priced. ``label`` names a mode (the record's "Asynchronous job"). None where
    no hour is cheaper."""
    hours = a.pricing.off_peak
    if hours is None:
        return None
    where = off_peak_words(provider_names(a.rules.catalogue, hours.providers), hours.windows_utc)
    rates = a.pricing.off_peak_rates
    said = f"{where[0].upper()}{where[1:]}"
    said += f" bill {a.pricing.model} at {rates.describe()}" if rates is not None else " bill less"
    said += "; the figures above are at the peak rate, an upper bound."
    reasoning = _off_peak_reasoning(a.pricing.unpriced_reasoning)
    if a.facts.get("someone_waiting", True):
        return said + (" Calls a person or a service waits on run when they are asked: the month lies between the"
                       f" peak rate's figures and {money(hours.tokens_usd_per_month)} of tokens, all of them"
                       f" off-peak.{reasoning}")
    excluded = {e.mode for e in a.excluded}
    jobs = [(mode, cost.off_peak_total_usd) for mode, cost in a.costs.items()
            if cost.off_peak_total_usd is not None and mode not in excluded]
    if not jobs:
        return said + reasoning
    return said + " Scheduled into them: " + ", ".join(
        f"{in_a_sentence(label(mode))} {money(total)} a month" for mode, total in jobs
    ) + f" (the tokens at those hours' prices, the build and infrastructure unchanged).{reasoning}"


def _off_peak_reasoning(unpriced: Sequence[UnpricedReasoning]) -> str:
    """The reasoning the bill leaves out, in the off-peak hours, where a step's is priced there
    (``UnpricedReasoning.off_peak_usd_per_month``): " The reasoning the bill leaves out would add
    about $382 a month in those hours, at $0.6 per million output tokens (about $763 at the peak
    rate)." Empty elsewhere. Priced at the price data's rates in those hours, not assumed a share
    of the peak's."""
    if not any(u.off_peak_usd_per_month is not None for u in unpriced):
        return ""
    off = sum(u.off_peak_usd_per_month if u.off_peak_usd_per_month is not None else u.usd_per_month["sync"]
              for u in unpriced)
    peak = sum(u.usd_per_month["sync"] for u in unpriced)
    rate = (f", at ${plain(unpriced[0].off_peak_output_usd_per_mtok)} per million output tokens"
            if len(unpriced) == 1 and unpriced[0].off_peak_output_usd_per_mtok is not None else "")
    return (f" The reasoning the bill leaves out would add about {money(off)} a month in those hours{rate}"
            f" (about {money(peak)} at the peak rate).")


def token_prices(a: Assessment) -> str:
    """The prices the token bill is at, as the record's cost driver says it: "standard
    prices", the service tier's ("flex prices"), or a peak rate where the price depends on
    the hour (``peak_rate``), beside the others' where only some steps' does."""
    tier = a.workload.service_tier
    said = "standard prices" if tier == "standard" else f"{tier} prices"
    peak = peak_rate(a)
    if peak is None:
        return said
    everywhere = all(peak_hour(a.rules.catalogue, step.provider, step.pricing) is not None
                     for step in work_steps(a.workload))
    return peak if everywhere else f"{said}, {peak}"


def budget_lines(a: Assessment) -> tuple[float, ...]:
    """The lines the assessment's rule set draws on the latency budget (its thresholds on
    ``latency_budget_s``): a budget near one is said apart from it (``budget_words``)."""
    return a.rules.thresholds("latency_budget_s")


def budget_words(a: Assessment, extra: int | None = None) -> str:
    """The latency budget as every view says it: in the digits the times set against it need
    (``budget_digits``; ``extra``: that many instead, where no time is set beside it), and in
    enough more not to read as a line the rules draw on it that it is not on: a budget of
    3,601 s beside a batch verdict is "1.0003 h", not the "1 h" at which the rules still rule
    batch out."""
    digits = budget_digits(a.facts) if extra is None else extra
    return budget_seconds(a.workload.latency_budget_s, digits, budget_lines(a))


def window_outlasts_budget(
    recommendation: Mode, facts: Mapping[str, Any], budget: float, calls: int, lines: tuple[float, ...],
    usual_s: float | None,
) -> str | None:
    """Where batch is recommended with a budget shorter than the provider's window (the fact
    ``batch_window_s``, absent where there is no batch API), the words that say when its results
    come against the budget; else None. An assessment's views (``batch_window_risk``) and the
    review's rows, which keep no assessment, both say it so."""
    window = facts.get("batch_window_s")
    if recommendation != "batch" or window is None or budget >= window:
        return None
    return batch_window_words(window, budget, calls, extra=budget_digits(facts), lines=lines, usual_s=usual_s)


def batch_window_risk(a: Assessment) -> str | None:
    """Where batch is recommended with a budget shorter than the provider's window (a risk the
    rule set accepts from an hour on, with an alert on the checklist), the words that say so;
    else None."""
    words = window_outlasts_budget(a.recommendation, a.facts, a.workload.latency_budget_s, a.latency.calls,
                                   budget_lines(a), usual_batch(a))
    if words is None:
        return None
    return f"{words} (the checklist has an alert for a batch still running as the budget runs out)"


def usual_batch(a: Assessment) -> float | None:
    """What the provider says most of its batches take, in seconds (None: it publishes
    nothing, and the general statement stands, with its source among the assumptions)."""
    return usual_batch_s(a.rules.catalogue, a.workload.provider)


# What a feasible verdict is called where its batch window outlasts the budget: the summary,
# the record's options and the questionnaire's card all use these words.
AT_RISK = "at risk against the budget"


def at_risk_sentence(a: Assessment) -> str | None:
    """"Feasible, but batch is at risk against the budget: ..." where a feasible batch's window
    outlasts the budget (``batch_window_risk``), as the text summary and the verdict card say
    it; else None."""
    risk = batch_window_risk(a) if a.feasible else None
    return None if risk is None else f"Feasible, but {a.recommendation} is {AT_RISK}: {risk}."


def levers_note(levers: Iterable[Lever], embedding: bool = False) -> str:
    """What the levers rest on, said once before them: each was found by re-running the
    assessment, and a lever that swaps the model is judged on speed, price and limits alone,
    not on the quality of its answers. ``embedding``: the workload returns embedding vectors,
    whose model cannot change without re-embedding what is already stored (its own index of
    vectors of one model), which no lever's figure counts."""
    swaps = any(field == "model" or field.endswith(".model") for lever in levers for field in lever.changes)
    if swaps and embedding:
        return (
            "each found by re-running the assessment; a lever to another embedding model is judged on its speed,"
            " price and limits, not on its retrieval quality, and its vectors cannot join those already stored:"
            " evaluate it, and count re-embedding the whole corpus, before switching"
        )
    return "each found by re-running the assessment" + (
        "; a lever to another model is judged on its speed, price and limits, not on its answers:"
        " evaluate them before switching" if swaps else ""
    )


def in_a_sentence(item: str) -> str:
    """A list item read inside a sentence: "Retry with backoff" -> "retry with backoff", "A
    higher tier" -> "a higher tier"; a first word that is a name or an acronym ("OpenAI",
    "SSE", "Retry-After", a team's "PagerDuty") stays as written, and so does every later word
    ("the Batch API")."""
    first = item.split(" ", 1)[0]
    if first[:1].isupper() and not any(ch.isupper() for ch in first[1:]):
        return item[0].lower() + item[1:]
    return item


def setting(value: object, field: str = "") -> str:
    """A value a field of the workload would be set to (a lever, a what-if change), as its user
    would write it in the workload file: 3600, not 3600.0, and never in exponent form. A time
    (a field in seconds, ``..._s``) of a minute or more adds its reading: "3600 (1 h)"; a rate
    (``..._per_s``, tokens a second) is no time and adds none."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = count(value) if abs(value) >= 1e12 else plain(value) if isinstance(value, float) else str(value)
    if field.endswith("_s") and not field.endswith("_per_s") and math.isfinite(value) and value >= 60:
        text += f" ({seconds(value)})"
    return text


def as_specified(a: Assessment, change: Change) -> str:
    """The value a what-if changes, as the workload has it, so that a reader sees how far the
    decision is from changing ("requests_per_month = 990, instead of 600,000"): as its user
    writes it (a large whole figure with its thousands separators), or, where the workload
    gives none, the figure the assessment took in its place. The record and the text summary
    both say it after "instead of"."""
    value = current_value(change.fact, a.workload, a.latency)
    if change.fact == "model_p95_s" and a.workload.model_p95_s is None:
        return f"{seconds(float(value))} as estimated"
    if change.fact == "peak_requests_per_minute" and not a.capacity.peak_given:
        return f"{count(float(value))}, the monthly average (no peak given)"
    said = setting(value, change.fact)
    # Read in a sentence, not typed into a file: a large whole figure takes its thousands
    # separators ("instead of 600,000", "instead of 28,800 (8 h)"), as other prose figures do.
    if not isinstance(value, bool) and isinstance(value, int | float) and 1e4 <= abs(value) < 1e12 \
            and float(value).is_integer():
        _, _, reading = said.partition(" ")
        said = f"{value:,.0f}" + (f" {reading}" if reading else "")
    return said


def money_or_none(value: float | None, none: str = "n/a", like: float = 0.0) -> str:
    """An amount that may not exist (a cost per 1,000 requests at no requests): ``none`` then.
    ``like`` as for ``money``."""
    return none if value is None else money(value, like)


# The columns of a cost table whose figures are each shown in the step of the column's largest
# (money's ``like``): "$0.68" under "$1.35", not "$0.6750"; "$0.85" above "$1.30", not "$0.8452";
# "$56" above "$222", not "$55.56". The monthly cost, which the text sets one against another,
# keeps each its own.
COST_COLUMNS = ("tokens_usd", "infra_usd", "engineering_usd", "per_1k_requests_usd")


def cost_column_likes(costs: Iterable[ModeCost]) -> dict[str, float]:
    """The largest figure of each of COST_COLUMNS over the table's rows (0 for a column of none)."""
    costs = list(costs)
    return {column: max((abs(float(v)) for c in costs if (v := getattr(c, column)) is not None
                         and math.isfinite(float(v))), default=0.0)
            for column in COST_COLUMNS}


def rounding_note(costs: Iterable[ModeCost], today: ModeCost | None = None,
                  pairs: Iterable[tuple[ModeCost, ModeCost]] = (),
                  likes: Mapping[str, float] | None = None) -> str | None:
    """The line under a cost table where a row's figures as shown (tokens, infrastructure,
    build a month) do not add up to its monthly cost as shown, each having been rounded on
    its own ($652.50 + $0 + $111.11 shows as $653 + $0 + $111, and its $763.61 as $764):
    "Each figure is rounded on its own, so a row can differ from its sum by $1." With
    ``today`` (the cost of today's mode), the same for the column against today: a saving of
    $206.67 shows as $207 beside $3,983 and $3,777. With ``pairs`` (two rows whose difference
    the text says: an option against the chosen one, or against the cheapest that meets its
    contract), the same for each: "$272 a month less ... ($112 against $385)", where $385 less
    $112 is $273. None where every figure adds up (and for figures shown in words, which no one
    adds). With ``likes`` (cost_column_likes), a row's figures as the table shows them, each in
    its column's step."""
    costs = list(costs)
    parts = ("tokens_usd", "infra_usd", "engineering_usd")
    steps = None if likes is None else [likes.get(part, 0.0) for part in parts]
    rows = max(
        (rounding_gap([getattr(cost, part) for part in parts], cost.total_usd, steps) for cost in costs),
        default=Decimal(0),
    )
    against_today = Decimal(0) if today is None else max(
        (_saving_gap(today.total_usd, cost.total_usd) for cost in costs if cost is not today),
        default=Decimal(0),
    )
    against_others = max((_saving_gap(one.total_usd, other.total_usd) for one, other in pairs), default=Decimal(0))
    savings = max(against_today, against_others)
    largest = max(rows, savings)
    if not largest:
        return None
    what = ("a row can differ from its sum, and a saving from the difference of the two monthly costs,"
            if rows and savings else "a row can differ from its sum" if rows
            else "a saving can differ from the difference of the two monthly costs" if against_others
            else "a saving against today can differ from the difference of the two monthly costs")
    # Money as the table writes it: "$0.10" in cents, not "$0.1"; "$1" in whole dollars.
    shown = f"{largest.normalize():f}"
    if "." in shown:
        whole, cents = shown.split(".")
        shown = f"{whole}.{cents.ljust(2, '0')}"
    return f"Each figure is rounded on its own, so {what} by ${shown}."


def _saving_gap(today_usd: float, row_usd: float) -> Decimal:
    """How far a saving against today (or against any cost a row is set against) as shown, in
    the step of the larger cost, is from the difference a reader makes of the two monthly costs
    as shown: 0 where they agree."""
    said = money_shown(today_usd - row_usd, larger(today_usd, row_usd))
    before, after = money_shown(today_usd), money_shown(row_usd)
    if said is None or before is None or after is None:
        return Decimal(0)
    return abs(said - (before - after))


def rounding_gap(
    parts: Iterable[float], total: float, likes: Iterable[float] | None = None, total_like: float = 0.0
) -> Decimal:
    """How far the sum a reader makes of ``parts`` as ``money`` shows them (each rounded on its
    own, signs kept; in the step of its ``likes`` entry where given) is from ``total`` as shown
    (in the step of ``total_like`` where given), to the step the total is shown in: 0 where they
    agree, or where a figure is shown in words, which no one adds."""
    parts = list(parts)
    steps = list(likes) if likes is not None else [0.0] * len(parts)
    shown = [money_shown(part, like) for part, like in zip(parts, steps, strict=True)]
    stated = money_shown(total, total_like)
    if stated is None or any(part is None for part in shown):
        return Decimal(0)
    step = money_step(max(abs(total), abs(total_like))) if total_like else money_step(abs(total))
    added = round_half_up(sum(part for part in shown if part is not None), step)
    return abs(added - stated)


def priced_models(pricing: PriceBasis) -> list[str]:
    """Every model the token bill is priced at, once each in step order: ["openai/gpt-4.1-mini",
    "openai/gpt-4.1"] for steps on two models; the one model otherwise."""
    models = [f"{step.provider}/{step.model}" for step in pricing.steps] or [f"{pricing.provider}/{pricing.model}"]
    return list(dict.fromkeys(models))


def prices_of(pricing: PriceBasis) -> str:
    """Whose prices the costs are at: "openai/gpt-4o-mini", or for steps on several models
    "each step's own model (openai/gpt-4.1-mini and openai/gpt-4.1)"."""
    models = priced_models(pricing)
    if len(models) == 1:
        return models[0]
    return f"each step's own model ({', '.join(models[:-1])} and {models[-1]})"


def reasoning_unpriced(
    models: tuple[str, ...] | list[str], implied: Sequence[UnpricedReasoning] = ()
) -> str | None:
    """Why the token bill leaves out reasoning, where it does: "deepseek-flash reasons before
    it answers and the workload gives no reasoning_tokens; its bill is higher by what it
    reasons". The latency waits for that reasoning; the cost bills none of it. ``implied``
    (the assessment's ``pricing.unpriced_reasoning``): the reasoning the latency itself is
    timed with, said with what it would add a month (``implied_reasoning_words``); the priced
    figures stay as they are. None when every reasoning model's are given."""
    if not models:
        return None
    if len(models) == 1:
        said = (f"{models[0]} reasons before it answers and the workload gives no reasoning_tokens;"
                " its bill is higher by what it reasons")
    else:
        names = f"{', '.join(models[:-1])} and {models[-1]}"
        said = (f"{names} reason before they answer and the workload gives them no reasoning_tokens;"
                " the bill is higher by what they reason")
    words = implied_reasoning_words(implied)
    return f"{said}. {words}" if words else said


def _implied_how(u: UnpricedReasoning) -> str:
    """How one step's implied count is worked out, in its figures."""
    return (f"the first token's median, {plain(u.first_token_p50_s)} s with reasoning, less {plain(u.start_p50_s)} s"
            f" to start without it, at {plain(u.output_tokens_per_s)} tokens/s")


def implied_reasoning_words(implied: Sequence[UnpricedReasoning]) -> str | None:
    """The reasoning the latency assumes where the bill has none, as a sentence: "The latency
    assumes about 1,060 reasoning tokens a call (the first token's median, 22.99 s with
    reasoning, less 1.8 s to start without it, at 50 tokens/s), which would add about $763 a
    month at $1.20 per million output tokens; give reasoning_tokens to price them". At the
    prices sync, streaming and async pay, and at batch prices too where they differ; for
    several steps, each step's and their sum. None where no step's is worked out."""
    if not implied:
        return None
    total = sum(u.usd_per_month["sync"] for u in implied)
    batch = sum(u.usd_per_month["batch"] for u in implied)
    if len(implied) == 1:
        (u,) = implied
        runs = f" ({count(u.calls)} calls a request)" if u.calls > 1 else ""
        tokens = count(u.implied_reasoning_tokens_per_call)
        assumes = f"about {tokens} reasoning tokens a call{runs} ({_implied_how(u)})"
        price = f"at {money(u.output_usd_per_mtok)} per million output tokens"
        at_batch = f" ({money(batch)} at batch prices)" if money(batch) != money(total) else ""
        return (f"The latency assumes {assumes}, which would add about {money(total)} a month {price}{at_batch};"
                " give reasoning_tokens to price them")
    parts = []
    for u in implied:
        runs = f", {count(u.calls)} calls a request" if u.calls > 1 else ""
        parts.append(f"about {count(u.implied_reasoning_tokens_per_call)} a call of {u.step} ({u.model}{runs}:"
                     f" {_implied_how(u)}; about {money(u.usd_per_month['sync'])} a month at"
                     f" {money(u.output_usd_per_mtok)} per million output tokens)")
    listed = f"{', '.join(parts[:-1])} and {parts[-1]}"
    at_batch = f" ({money(batch)} at batch prices)" if money(batch) != money(total) else ""
    return (f"The latency assumes reasoning tokens of {listed}, which would add about {money(total)} a month"
            f"{at_batch}; give reasoning_tokens to price them")


# Where the batch prices come from, as a sentence says it (PriceBasis.batch_source).
_BATCH_PRICES = {
    "catalogue": "batch prices as genai-prices lists them",
    "published discount": "batch prices at the provider's published batch discount",
    "override": "batch prices at the workload's own batch discount",
    "none": "no batch API",
}


def batch_prices(pricing: PriceBasis) -> str:
    """Where the batch prices come from: "batch prices as genai-prices lists them"."""
    return batch_source_words(pricing.batch_source)


def batch_source_words(source: str) -> str:
    """A ``batch_source`` (catalogue, published discount, override, none) in words."""
    return _BATCH_PRICES.get(source, f"batch prices: {source}")


def number(value: float) -> str:
    """A threshold as written in a rule: exact, with thousands separators from 10,000."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    return repr(value)


def signed(value: float) -> str:
    """A score with its sign: "+5", "-10", "+0.5"."""
    return f"{float(value):+g}"


def value(item: object) -> str:
    """Any fact value in a table: numbers to four significant digits (whole with separators
    from 10,000), lists joined."""
    if isinstance(item, float):
        if not math.isfinite(item):
            return NOT_A_NUMBER
        if abs(item) >= 10_000:
            return count(item)
        if item != 0 and abs(item) < 0.0001:
            return "less than 0.0001" if item > 0 else "more than -0.0001"
        return f"{item:,.4g}"
    if isinstance(item, (list, tuple)):
        return ", ".join(map(str, item))
    return str(item)


# -- the money vocabulary ---------------------------------------------------------------


def saving_or_extra(saving: float, like: float = 0.0) -> str:
    """A change against today in words: "a saving of $120 a month", "an extra cost of $991
    a month" (a negative saving), "no change in monthly cost"; ``like``: the larger of the two
    monthly costs it is the difference of, whose step it is shown in (see ``money``)."""
    if saving > 0:
        return f"a saving of {money(saving, like)} a month"
    if saving < 0:
        return f"an extra cost of {money(-saving, like)} a month"
    return "no change in monthly cost"


def saving_cell(saving: float | None, like: float = 0.0) -> str:
    """The same change in a table cell: "saving $120", "extra cost $991", "none", "n/a"."""
    if saving is None:
        return "n/a"
    if saving > 0:
        return f"saving {money(saving, like)}"
    if saving < 0:
        return f"extra cost {money(-saving, like)}"
    return "none"


def larger(*amounts: float) -> float:
    """The largest of the amounts a difference is taken between: the ``like`` of ``money``."""
    return max(abs(amount) for amount in amounts)


def person_weeks(weeks: float) -> str:
    """A build effort: "0.5 person-week", "1 person-week", "2.25 person-weeks"."""
    shown = f"{round(weeks, 2):,.2f}".rstrip("0").rstrip(".")
    return f"{shown} person-week{'' if weeks <= 1 else 's'}"


def _mode_noun(mode: Mode, modes: Mapping[Mode, ModeSpec] | None) -> str:
    """A mode inside a sentence, by its label as the records say it: "synchronous call"."""
    if modes is None:
        return mode
    label = modes[mode].label
    return label[0].lower() + label[1:]


def build_charged_words(
    cost: ModeCost, today: Mode, months: int, modes: Mapping[Mode, ModeSpec] | None = None
) -> str:
    """What a move's build charges, for the parenthesis after "its build adds $X a month":
    the part of the new mode's build that today's does not contain, where the two share one
    (advisor.core.cost.move_build), else its whole build, today's being paid.

    "the 0.5 person-week that the streaming response adds to today's synchronous call, amortised
    over 36 months"; "amortised over 36 months; today's is paid"."""
    base, weeks = cost.build_reused, cost.engineering_person_weeks_charged
    if base is None or weeks is None:
        return f"amortised over {months} months; today's is paid"
    held = (f"today's {_mode_noun(base, modes)}" if base == today
            else f"the {_mode_noun(base, modes)} within today's {_mode_noun(today, modes)}")
    return (f"the {person_weeks(weeks)} that the {_mode_noun(cost.mode, modes)} adds to {held},"
            f" amortised over {months} months")


def why_extra_cost(
    *, build_usd: float, months: int, infra_change_usd: float, tokens_change_usd: float, like: float = 0.0,
    build_said: str | None = None,
) -> str:
    """Why a move costs more than today, from its parts (each a monthly amount, the new
    mode's minus today's): the new build amortised, infrastructure, and what tokens save.
    ``like``: the larger of the two monthly costs, whose step the parts are said in, as the
    extra cost they explain is (``money``'s ``like``). ``build_said``: what the build's figure
    is (``build_charged_words``), in its parenthesis.

    "its build adds $222 a month (amortised over 36 months; today's is paid) and its
    infrastructure $20, while its tokens save $18"
    """
    adds: list[str] = []
    if build_usd > 0:
        said = build_said or f"amortised over {months} months; today's is paid"
        adds.append(f"its build adds {money(build_usd, like)} a month ({said})")
    if infra_change_usd > 0:
        adds.append(f"its infrastructure {money(infra_change_usd, like)}")
    if tokens_change_usd > 0:
        adds.append(f"its tokens {money(tokens_change_usd, like)}")
    saves: list[str] = []
    if infra_change_usd < 0:
        saves.append(f"its infrastructure saves {money(-infra_change_usd, like)}")
    if tokens_change_usd < 0:
        saves.append(f"its tokens save {money(-tokens_change_usd, like)}")
    text = " and ".join(adds) or "it costs the same to run"
    return f"{text}, while {' and '.join(saves)}" if saves else text


def move_in_words(a: Assessment) -> str | None:
    """What moving from today's mode to the recommended one does to the monthly cost, with
    why when it rises: "a saving of $120 a month" or "an extra cost of $225 a month: its
    build adds ...; batch pays for itself from 2,241,216 requests a month". None when
    there is no move (a new feature, or it stays in its mode)."""
    return move_words(
        a.workload.current_mode, a.recommendation, a.costs, a.pricing.amortisation_months,
        a.pricing.batch_breakeven_requests_per_month, modes=a.rules.header.modes,
    )


def move_words(
    today: Mode | None,
    new: Mode,
    costs: Mapping[Mode, ModeCost],
    months: int,
    breakeven: float | None,
    *,
    modes: Mapping[Mode, ModeSpec] | None = None,
) -> str | None:
    """``move_in_words`` from the figures it reads: today's mode, the recommended one, each
    mode's costs, the months a build is amortised over and batch's break-even volume;
    ``modes``, the rule set's, name the modes in the build's words (else their ids)."""
    if today is None or today == new:
        return None
    saving = costs[new].saving_vs_current_usd or 0.0
    # In the step of the two monthly costs it is the difference of: "$65", not "$65.28".
    like = larger(costs[today].total_usd, costs[new].total_usd)
    words = saving_or_extra(saving, like)
    if saving >= 0:
        return words
    before, after = costs[today], costs[new]
    why = why_extra_cost(
        build_usd=after.engineering_usd,
        months=months,
        infra_change_usd=after.infra_usd - before.infra_usd,
        tokens_change_usd=after.tokens_usd - before.tokens_usd,
        like=like,
        build_said=build_charged_words(after, today, months, modes),
    )
    if new == "batch" and breakeven is not None:
        why += f"; batch pays for itself from {count_from(breakeven)} requests a month"
    return f"{words}: {why}"


def headroom_words(headroom: float | None, over_limit: bool) -> str:
    """Rate-limit headroom at peak: "35% headroom", or "over the limit: peak use is 2.5x the
    limit" (never a negative headroom of thousands of per cent), or "headroom unknown" when
    no rate limit is known for the model and tier."""
    if headroom is None:
        return "headroom unknown"
    if over_limit:
        return f"over the limit: peak use is {times(1 - headroom)} the limit"
    return f"{percent(headroom)} headroom"


def bill_change(before: float, after: float) -> str:
    """A token bill from one mode to another: "its token bill is the same ($275)",
    "its token bill falls from $35.10 to $17.55"."""
    if abs(after - before) <= 0.005 * max(abs(before), abs(after), 0.01):
        return f"its token bill is the same ({money(after)})"
    return f"its token bill {'falls' if after < before else 'rises'} from {money(before)} to {money(after)}"


def tradeoff_against(a: Assessment, *, allowed_only: bool = False) -> Mode | None:
    """The mode ``tradeoff_in_words`` sets the recommended one against: today's, else the
    cheapest (``allowed_only``: of those the policy allows); None where it says nothing (the
    recommended mode costs no more)."""
    today, new = a.workload.current_mode, a.recommendation
    excluded = {e.mode for e in a.excluded}
    # ``allowed_only``: against a cheaper mode only where the policy allows it (a record need
    # not say that a chat costs more than the batch it rules out), or today's.
    if allowed_only and not a.feasible:
        return None  # the miss is the story: a cheaper mode that misses too explains nothing
    cheaper = [m for m in a.costs if not (allowed_only and m in excluded)]
    other = today if today is not None and today != new else min(cheaper, key=lambda m: a.costs[m].total_usd)
    if other == new or a.costs[new].total_usd - a.costs[other].total_usd <= 0.005:
        return None
    return other


def tradeoff_in_words(a: Assessment, *, allowed_only: bool = False) -> str | None:
    """One sentence when money and mode seem to disagree: the recommended mode costs more
    than today's mode, or than a cheaper mode, and why (the token bill, the build amortised,
    the infrastructure, the batch break-even volume) and why the cheaper one is not chosen.
    None when the recommended mode is already the cheapest (or costs the same as today).

    "Batch API costs $225 a month more than Synchronous call (today): its token bill falls
    from $35.10 to $17.55, but its build adds $222 a month (amortised over 36 months) and
    its infrastructure $20; batch pays for itself only from 2,241,216 requests a month."
    """
    modes, new = a.rules.header.modes, a.recommendation
    today = a.workload.current_mode
    excluded = {e.mode for e in a.excluded}
    other = tradeoff_against(a, allowed_only=allowed_only)
    if other is None:
        return None
    chosen, compared = a.costs[new], a.costs[other]
    more = chosen.total_usd - compared.total_usd
    unmet = {u.mode for u in a.unmet}
    if other == today:
        whom = f"{modes[other].label} (today)"
    elif other in excluded:
        whom = f"{modes[other].label}, which is ruled out"
    elif other in unmet:
        whom = f"{modes[other].label}, which misses its contract"
    elif rules := _scoring_below(a, new, other):  # the rules that score it below the choice, in words
        titles = {r.id: in_a_sentence(r.title.rstrip(".")) for r in a.fired_rules}
        said = " and ".join(titles[rule] for rule in rules)
        whom = f"{modes[other].label}, which scores lower because {said}"
    else:
        whom = f"{modes[other].label}, which ranks below it on the other axes"
    # The parts of the difference in its step: "$66 a month more ... its build adds $56 a month
    # and its infrastructure $10", not "$55.56" and "$10.00" beside "$66".
    like = larger(chosen.total_usd, compared.total_usd)
    parts = []
    build = chosen.engineering_usd - compared.engineering_usd
    if build > 0:
        months = a.pricing.amortisation_months
        said = (build_charged_words(chosen, other, months, modes) if other == today and today is not None
                else f"amortised over {months} months")
        parts.append(f"its build adds {money(build, like)} a month ({said})")
    infra = chosen.infra_usd - compared.infra_usd
    if infra > 0:
        parts.append(f"its infrastructure {money(infra, like)}")
    costs = " and ".join(parts)
    bill = bill_change(compared.tokens_usd, chosen.tokens_usd)
    rises = bill.startswith("its token bill rises")
    why = f"{bill}{', ' if rises else ', but '}{costs}" if costs else bill
    breakeven = a.pricing.batch_breakeven_requests_per_month
    if new == "batch" and breakeven is not None and a.workload.requests_per_month < breakeven:
        why += f"; batch pays for itself only from {count_from(breakeven)} requests a month"
    more_said = money(more, like)  # "$66" between $3,777 and $3,711
    return f"{modes[new].label} costs {more_said} a month more than {whom}: {why}."


def _scoring_below(a: Assessment, chosen: Mode, other: Mode, most: int = 2) -> list[str]:
    """The fired rules that score ``other`` furthest below ``chosen`` under the axes' weights,
    the strongest first (at most ``most``)."""
    weight = {axis.id: axis.weight for axis in a.axes}
    gaps = [
        (-(r.scores.get(chosen, 0.0) - r.scores.get(other, 0.0)) * weight.get(r.axis, 1.0), i, r.id)
        for i, r in enumerate(a.fired_rules)
        if r.scores.get(chosen, 0.0) > r.scores.get(other, 0.0)
    ]
    return [rule for _, _, rule in sorted(gaps)[:most]]


def measured_sentence(evidence: Evidence, name: Callable[[str], str] = repr) -> str:
    """"Measured from 353 traces between A and B (...)": what a calibrated workload rests on.
    ``name`` shows the root span's name (quoted for text, escaped for Markdown)."""
    root = f" whose root span is {name(evidence.root)}" if evidence.root else ""
    return (
        f"Its steps, volume, peak and retry rate were measured from {evidence.traces:,} OpenTelemetry traces{root}"
        f" between {evidence.start} and {evidence.end} ({evidence.spans:,} spans), not taken from model defaults."
    )


def listed(items: Iterable[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    named = list(items)
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def rule_role(a: Assessment, rule: FiredRule) -> str:
    """What a rule that fired did to the options, in a few words, as the record presents them:
    what it ruled out, which option it found missing its contract (one no other rule ruled out),
    which it weighed for and against, each option the record cannot choose so marked ("weighed
    for Batch API, which is ruled out"), whether a mode it makes pay its way did, the pattern it
    suggests where the record shows it; and "decisive" before all that for a rule that decided."""
    modes = a.rules.header.modes
    excluded = {e.mode for e in a.excluded}
    unmet = {u.mode for u in a.unmet} - excluded  # a mode that is both is presented as ruled out

    def state(mode: Mode) -> str | None:
        return "ruled out" if mode in excluded else "misses its contract" if mode in unmet else None

    def weighed(chosen: list[Mode]) -> str:
        """The options a rule weighed for: those the record can choose first, then those that
        miss their contract, then those ruled out, each group said once ("Streaming response
        and for Synchronous call, which misses its contract")."""
        phrases = []
        for which, one, more in ((None, "", ""), ("misses its contract", ", which misses its contract",
                                                    ", which miss their contracts"),
                                 ("ruled out", ", which is ruled out", ", which are ruled out")):
            labels = [modes[m].label for m in chosen if state(m) == which]
            if labels:
                phrases.append(listed(labels) + (one if len(labels) == 1 else more))
        if len(phrases) == 1:
            return phrases[0]
        last = ", and for " if len(phrases) > 2 or ", which" in phrases[0] else " and for "  # a clause closes first
        return ", for ".join(phrases[:-1]) + last + phrases[-1]

    parts: list[str] = []
    if rule.exclude:
        parts.append("rules out " + listed([modes[m].label for m in rule.exclude]))
    missing = [modes[m].label for m in rule.unmet if m in unmet]
    if missing:
        parts.append(listed(missing) + (" misses its contract" if len(missing) == 1 else " miss their contracts"))
    favoured = [m for m in MODES if rule.scores.get(m, 0.0) > 0 and m not in rule.exclude]
    disfavoured = [m for m in MODES if rule.scores.get(m, 0.0) < 0 and m not in rule.exclude]
    if favoured:
        parts.append("weighed for " + weighed(favoured))
    if disfavoured:
        parts.append(("against " if favoured else "weighed against ") + listed([modes[m].label for m in disfavoured]))
    effect = a.rules.rule(rule.id).spec.effect
    for m in effect.pays_its_way:
        if any(m == e.mode and rule.id in e.rules for e in a.excluded):
            # The mode it would have replaced is the one recommended in its place.
            instead = _weighed_against(a, m, a.recommendation)
            parts.append(f"rules out {modes[m].label}: it costs no less than {instead}")
        elif m == a.recommendation:  # checked only where it would be recommended: it paid its way
            ranked = [r.mode for r in sorted(a.ranking, key=lambda r: r.rank)]
            against = replaced_mode(ranked, m, {e.mode for e in a.excluded}, {e.mode for e in a.unmet})
            if against is None:
                parts.append(f"weighs no cost: no mode {modes[m].label} would replace meets its contract as it does")
            else:
                parts.append(f"finds that {modes[m].label} costs less than {_weighed_against(a, m, against)}")
    if a.recommendation in effect.checklist:
        parts.append(f"adds to the checklist of {modes[a.recommendation].label}")
    shown = [p.name for p in a.patterns if rule.id in p.rules]
    if shown:
        parts.append("suggests " + listed(shown))
    what = "; ".join(parts)
    if rule.id in a.decided_by:
        return f"decisive: {what}" if what else "decisive"
    return what or "no effect on this decision"


def _weighed_against(a: Assessment, mode: Mode, against: Mode) -> str:
    """The mode a rule that says ``mode`` must pay its way weighed it against, with both
    monthly totals, and today's mode where it is another and costs less ("Asynchronous job,
    the mode the rules would choose without it, at $143 a month against $296, though more than
    today's Synchronous call at $23.40"): "the mode it would replace" read as today's (board
    read 4, P1)."""
    modes = a.rules.header.modes
    cost, other = a.facts.get(total_cost_fact(mode)), a.facts.get(total_cost_fact(against))
    words = f"{modes[against].label}, the mode the rules would choose without it"
    if cost is None or other is None:
        return words
    words += f", at {money(cost)} a month against {money(other)}"
    today = a.workload.current_mode
    own = a.facts.get(total_cost_fact(today)) if today is not None and today not in (mode, against) else None
    if today is not None and own is not None and own < cost:
        words += f", though more than today's {modes[today].label} at {money(own)}"
    return words


def decisive_first(a: Assessment) -> list[FiredRule]:
    """The rules that fired: those that decided first, in the order the decision names them,
    then the rest in the order they fired."""
    order = {rule_id: index for index, rule_id in enumerate(a.decided_by)}
    return sorted(a.fired_rules, key=lambda r: order.get(r.id, len(order)))


# -- the caller's timeout ---------------------------------------------------------------------

def caller_timeout(a: Assessment) -> tuple[float, float] | None:
    """The caller's timeout and the share of requests whose whole answer comes after it, where
    the workload states one (the facts ``caller_timeout_s`` and ``caller_cut_off_share``)."""
    timeout, share = a.facts.get("caller_timeout_s"), a.facts.get("caller_cut_off_share")
    if not isinstance(timeout, (int, float)) or not isinstance(share, (int, float)):
        return None
    return float(timeout), float(share)


def caller_timeout_seconds(a: Assessment) -> str:
    """The caller's timeout in words, in the digits that tell it from the end-to-end p95 and p99
    set beside it ("" where none is stated)."""
    stated = caller_timeout(a)
    if stated is None:
        return ""
    return seconds(stated[0], caller_timeout_digits(a))


def caller_timeout_digits(a: Assessment) -> int:
    """The digits beyond the usual three that the end-to-end p95 and p99 need to read apart
    from the caller's timeout (0 where none is stated)."""
    stated = caller_timeout(a)
    if stated is None:
        return 0
    lat = a.latency
    return max(digits_apart(lat.end_to_end_p95_s, stated[0]), digits_apart(lat.end_to_end_p99_s, stated[0]))


def cut_off_share(share: float) -> str:
    """The share of calls a caller's timeout cuts off, in words: "about 5%", "fewer than 0.01%"."""
    return f"about {percent(share)}" if share >= 0.0001 else "fewer than 0.01%"


def caller_timeout_line(a: Assessment) -> str:
    """What the caller's timeout does to each mode, in one sentence ("" where none is stated):
    a call that holds the connection (sync, streaming) is cut off after it; a job or a batch
    acknowledges at once."""
    stated = caller_timeout(a)
    if stated is None:
        return ""
    line = (
        f"The caller gives up after {caller_timeout_seconds(a)}: {cut_off_share(stated[1])} of calls would be cut"
        " off where the call holds the connection until the whole answer comes (sync, streaming); a job or a batch"
        " acknowledges at once, so the caller's timeout does not bind it."
    )
    lat = a.latency
    # An estimated call's spread is its first token's: output speed is held at its median, as
    # no spread of it is published. Where writing the answer takes most of the call, the tail
    # is wider than the estimate says: said where the estimate's p99 is within the timeout but
    # not twice within it, where a wider tail could cross it.
    p99 = lat.end_to_end_p99_s
    if not lat.measured and lat.per_call_p95_s > 2 * lat.ttft_s and p99 <= stated[0] < 2 * p99:
        line += (
            f" That share is an estimate's, whose p99 of {seconds(p99, caller_timeout_digits(a))} is close to the"
            " timeout: it holds output speed at its median (no spread of it is published), and writing the"
            " answer takes most of each call, so the tail, and the share cut off, may be larger; measure the"
            " call's p50 and p95 (model_p50_s, model_p95_s) before relying on it."
        )
    # A service that consumes the answer waits for it: one that gives up before the budget ends
    # cannot read an answer that may come after, and is most likely a webhook sender.
    if a.workload.interaction == "service_call" and stated[0] < a.workload.latency_budget_s:
        line += (
            " The budget runs past the caller's timeout: a caller that waits only for an acknowledgement, such as"
            " a webhook sender, is interaction: pipeline, not service_call (it waits for no answer)."
        )
    return line
