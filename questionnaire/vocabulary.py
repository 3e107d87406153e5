"""What the CTO reads instead of field values: the questions, their help, the colours, and
the rule set's words for modes and answers (``Words``).

Plain data and string formatting only (no Streamlit), so the state helpers and the charts
share one wording.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from advisor.core.cost import AMORTISATION_MONTHS, USD_PER_PERSON_WEEK
from advisor.core.facts import FACTS
from advisor.core.profile import DEFAULT_LATENCY_CORRELATION, MODES
from advisor.core.rules import RuleSet
from advisor.views.formatting import budget_seconds, count, money, percent, seconds, times
from questionnaire.steps import BY_FIELD, step_label

# Okabe and Ito's colour-blind-safe palette: each mode a distinct hue that stays distinct
# under the common colour-vision deficiencies (and none of them the grey of "ruled out").
MODE_COLORS = {"sync": "#E69F00", "streaming": "#0072B2", "async": "#009E73", "batch": "#CC79A7"}
# Paul Tol's "bright" scheme for the axes, also colour-blind-safe, so that an axis never
# wears a mode's colour.
AXIS_COLORS = ["#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#BBBBBB"]
# The parts of a monthly cost: tokens, infrastructure, the build amortised.
COST_COLORS = ["#4477AA", "#66CCEE", "#CCBB44"]
RULED_OUT_COLOR = "#9ca3af"
# The answer "how it runs today" when it does not run yet: a widget value of its own
# (a selectbox shows None as no choice at all), None in the workload.
NOT_BUILT = "not_built"
NOT_BUILT_LABEL = "Not built yet"
# The contract a mode keeps (ruleset.yaml's ``contract``, as `advisor recommend` prints it:
# "STREAMING (synchronous contract)"; "sync contract" as the rule set names streaming's),
# said with what it promises the caller, short enough for a badge beside two others: a
# streaming verdict keeps a synchronous contract, which alone read like a contradiction.
CONTRACT_WORDS = {
    "synchronous": "sync contract: the caller waits",
    "asynchronous": "async contract: the result comes later",
}


@functools.lru_cache(maxsize=8)
def _rule_ids(ids: tuple[str, ...]) -> re.Pattern[str] | None:
    if not ids:
        return None
    alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    return re.compile(rf"\s*\((?:{alternatives})(?:,\s*(?:{alternatives}))*\)")


class Words:
    """The rule set's vocabulary as the page uses it: the same words the text summary and
    the decision records read (``modes`` and ``answers`` in ruleset.yaml)."""

    def __init__(self, ruleset: RuleSet):
        self._ids = tuple(rule.id for rule in ruleset.rules)
        self._budget_lines = ruleset.thresholds("latency_budget_s")
        header = ruleset.header
        self._modes = {str(mode): spec for mode, spec in header.modes.items()}
        answers = header.answers
        self._choices: dict[str, Mapping[Any, str]] = {
            "interaction": {k: v.label for k, v in answers.interaction.items()},
            "downstream": {k: v.label for k, v in answers.downstream.items()},
            "side_effects": {k: v.label for k, v in answers.side_effects.items()},
            "output_format": {k: v.label for k, v in answers.output_format.items()},
            "current_mode": {NOT_BUILT: NOT_BUILT_LABEL, **{m: self.mode(m) for m in MODES}},
        }

    def plain(self, text: str) -> str:
        """A rule set's sentence without the rule ids it cites in brackets: ids belong to the
        Why tab; elsewhere a rule is named by its title. A workload file's field name in it
        ("give its p95 as model_p95_s") is said as the question the form asks it as."""
        pattern = _rule_ids(self._ids)
        text = pattern.sub("", text) if pattern else text
        text = _STEP_FIELD_NAMES.sub(lambda m: f"\u201c{BY_FIELD[m.group(0)].label}\u201d", text)
        return _FIELD_NAMES.sub(lambda m: f"\u201c{FIELD_LABELS[m.group(0)]}\u201d", text)

    def mode(self, mode: str) -> str:
        """A mode as an option's title: "Streaming response"."""
        return self._modes[mode].label

    def short(self, mode: str) -> str:
        """A mode where space is short: "Streaming"."""
        return self._modes[mode].short

    def choices(self, fact: str) -> Mapping[Any, str] | None:
        """Value -> label of a choice question (None for a fact that is not a choice)."""
        return self._choices.get(fact)

    def short_choice(self, fact: str, value: Any) -> str:
        """A choice's label up to its colon: "Chat", not "Chat: a person reads as it is written"."""
        return self._choices[fact].get(value, str(value)).split(":")[0]

    def format_fact(self, fact: str, value: Any) -> str:
        """A fact's value as the page shows it: the choice's label, or the number in its unit."""
        labels = self._choices.get(fact)
        if labels is not None:
            return labels.get(value, str(value))
        unit = FACTS[fact].unit if fact in FACTS else ""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(value)
        if fact == "latency_budget_s":  # apart from a line the rules draw on it: 3,601 s is not "1 h"
            return budget_seconds(float(value), 0, self._budget_lines)
        if unit == "s":
            return seconds(float(value))
        if unit == "fraction":
            return percent(float(value))
        if unit == "times":
            return times(float(value))
        if unit == "USD/month":
            return money(float(value)) + "/month"
        if unit:
            whole = float(value).is_integer() or abs(value) >= 100
            if value == 1 and unit in _PLURALS:
                unit = unit[:-1]  # 1 call, 1 token, 1 request
            return f"{count(value)} {unit}" if whole else f"{value:,.2f} {unit}"
        return f"{value:g}"


_PLURALS = frozenset({"calls", "tokens", "requests"})

# The question each profile field is asked as: error messages name the question, not the key.
FIELD_LABELS = {
    "weights": "Axis priority",
    "name": "Feature name",
    "description": "What it does",
    "current_mode": "How it runs today",
    "interaction": "Who waits for the answer",
    "latency_budget_s": "Latency budget at p95",
    "caller_timeout_s": "Caller's timeout",
    "steps": "Steps",
    "latency_correlation": "How the calls' latencies move together",
    "chained_calls": "Chained calls per request",
    "tool_latency_s": "Tool time per request",
    "model_p50_s": "Measured median of one model call",
    "model_p95_s": "Measured p95 of one model call",
    "ttft_s": "Time to first token",
    "output_tokens_per_s": "Output speed",
    "requests_per_month": "Requests per month",
    "peak_requests_per_minute": "Peak requests per minute",
    "peak_minutes": "Peak length",
    "provider": "Provider",
    "model": "Model",
    "input_tokens": "Input tokens per call",
    "output_tokens": "Output tokens per call",
    "reasoning_tokens": "Reasoning tokens per call",
    "cached_input_fraction": "Input served from the prompt cache",
    "output_format": "What the model returns",
    "pricing": "Your own prices",
    "rate_limits": "Your rate limits",
    "tier": "Account tier",
    "service_tier": "Service tier",
    "costs": "Build and run cost",
    "retry_rate": "Calls retried",
    "attempts_per_layer": "Attempts per layer",
    "retry_layers": "Layers that retry",
    "side_effects": "What a repeated request does",
    "downstream": "Who consumes the output",
}

# A field name as a workload file spells it, in a sentence the page shows: only the names with
# an underscore ("model", "tier" are words too), longest first.
_FIELD_NAMES = re.compile(
    r"(?<![\w.])(?:" + "|".join(sorted((f for f in FIELD_LABELS if "_" in f), key=len, reverse=True)) + r")(?!\w)"
)
# A step's own field ("give its p95 as the step's model_p95_s"): a column of the steps grid,
# not the single-call question, which the page hides while the calls are steps.
_STEP_FIELD_NAMES = re.compile(r"(?<=step's )(?:" + "|".join(f for f in BY_FIELD if "_" in f) + r")(?!\w)")

# The parts of a question that has several answers, as a problem with one of them names it:
# "Your own prices, input".
PART_LABELS = {
    "input_per_mtok": "input",
    "output_per_mtok": "output",
    "cached_input_per_mtok": "cached input",
    "batch_discount": "batch discount",
    "rpm": "requests per minute",
    "tpm": "tokens per minute",
    "input_tpm": "input tokens per minute",
    "output_tpm": "output tokens per minute",
    "concurrency": "requests in flight",
    "usd_per_person_week": "engineer cost per week",
    "amortisation_months": "months amortised over",
    "infra_usd_per_month": "infrastructure",
    "engineering_person_weeks": "build effort",
}


def question_label(field: str) -> str:
    """The question a (dotted) field is asked as: "Feature name", "Your own prices, input",
    'Step "answer", model'."""
    named = step_label(field)
    if named is not None:
        return named
    top, *parts = field.split(".")
    words = [FIELD_LABELS.get(top, top), *(PART_LABELS.get(part, part) for part in parts)]
    return ", ".join(words)


HELP = {
    "name": "A short name for the feature, as your team calls it. It titles the decision record. "
    "Example: *Support reply draft*.",
    "description": "One or two sentences on what the feature does and for whom; it becomes the context of "
    "the decision record. Example: *An agent clicks Draft reply and edits the suggestion before sending.* "
    "A blank line starts a new paragraph; a single line break is a space, as in Markdown.",
    "current_mode": "How the feature calls the model today, if it is built. The advisor prices the move from "
    "this mode and the record describes the migration. Example: a first version shipped as a plain "
    "request/response call is *Synchronous*.",
    "interaction": "Who waits for the answer, and how. This is the dominant axis: someone watching a chat needs "
    "words on screen within a second; a nightly job needs nobody's attention. Example: a help-desk chat is "
    "*Chat*; classifying yesterday's tickets overnight is *Pipeline*. A webhook whose sender needs only an "
    "acknowledgement waits for no answer: *Pipeline*, not *Service call*.",
    "budget": "The p95 time by which the result must be usable: 95 of 100 requests must be done sooner. It is "
    "held against the model's worst case, not its average. Example: 2-3 s for a chat turn, 60 s for a "
    "report someone waits for, 8 hours for a nightly job.",
    "budget_unit": "The unit of the latency budget.",
    "caller_timeout_s": "The timeout of whoever holds the connection open, in seconds: a webhook sender, a client, "
    "a gateway or load balancer. It is not the budget (when the result is wanted): past it the caller drops the "
    "connection, and a synchronous call or a stream still running is cut off, its answer lost. A job or a batch "
    "acknowledges at once, so it is not bound by it. Example: GitHub gives up on a webhook delivery after 10 s; "
    "load balancers often stop at 30 or 60 s. Blank: none stated.",
    "chained_calls": "Model or tool calls that must run one after another to answer one request; each adds its "
    "full p95. Example: retrieve, draft, then check is 3 chained calls.",
    "tool_latency_s": "Total time per request spent in tools (database lookups, search, other APIs), in seconds "
    "at p95. Example: a vector search plus a CRM lookup might add 0.8 s.",
    "model_p95_s": "If you have measured it: the p95 duration of one model call under production load. Leave it "
    "blank to estimate it from the model's typical speed (listed under Assumptions). Example: 7.5 s.",
    "use_steps": "Describe each model call of a request as a step of its own: a query rewrite, then the answer; an "
    "agent's triage, lookups and reply. Each step has its own model, tokens and tool time, and a step an agent loops "
    "runs several times. Off: the request is one call (repeated as chained calls), the simple case. Work on a schedule "
    "of its own, such as a nightly audit of every draft, is not a step: assess it as a feature of its own (Who waits "
    "for the answer: Pipeline).",
    "steps": "One row per step of a request, in order; a step an agent loops runs several times. Type in the empty "
    "row at the foot to add a step; select a row by its left edge and press Delete to remove it. Blank cells take "
    "the workload's model and the model's own speed. Only the calls a request makes while it is answered: a nightly "
    "audit of every draft, or other work on a schedule of its own, would add its time to every request; assess it as "
    "a feature of its own.",
    "latency_correlation": "How far the calls of one request are slow together, 0 to 1. At 1 a slow call means a "
    "slow request: the calls' p95s add up. At 0 they vary independently and the chain's p95 is shorter than the "
    f"sum. Blank: {DEFAULT_LATENCY_CORRELATION:g}, the advisor's default (docs/cost-model.md says why).",
    "model_p50_s": "If you have measured it: the median duration of one model call. With the p95 it sets the "
    "spread of the latency distribution (the p99). Blank: estimated.",
    "reasoning_tokens": "Tokens a reasoning model (gpt-5.5, gpt-6-luna...) thinks before its first visible token; "
    "billed as output. Blank: none stated (a reasoning model's catalogue first token then includes some reasoning).",
    "peak_minutes": "How long the busiest rate lasts. A peak above the rate limits builds a queue for this long; "
    "it then has to drain. Blank: 60 minutes (the busy hour).",
    "ttft_s": "Time to first token: how long the model takes to start answering, i.e. what a streaming user waits "
    "before seeing anything. Blank: the model's typical value.",
    "output_tokens_per_s": "How fast the model writes. 50-80 tokens/s is typical of frontier models, small models "
    "are faster. Blank: the model's typical value.",
    "requests_per_month": "Calls to this feature per month, all users together. It drives the token bill and "
    "whether a batch discount pays for its extra engineering. Example: 200 agents x 30 drafts x 20 days = 120,000.",
    "peak_requests_per_minute": "Requests in the busiest minute. Rate limits and open connections are sized for "
    "the peak, not the average. Blank: a flat month. Example: a Monday-morning spike of 40 a minute.",
    "provider": "Who serves the model. Prices and default rate limits come from this provider's published data "
    "(the genai-prices catalogue).",
    "model": "The model id as the provider names it. A model the catalogue does not know needs your own prices "
    "(below). Example: *gpt-5.4*.",
    "input_tokens": "Tokens sent in one model call: instructions, context, retrieved documents and the user's "
    "input; about 4 characters of English per token. With several chained calls, each call's: a request sends it "
    "once per call (the line under the tokens gives the request's total). Example: a ticket thread plus "
    "instructions is about 1,800 tokens.",
    "output_tokens": "Tokens the model writes in one call; with several chained calls, each call's. Long outputs "
    "are slow (2,000 tokens at 50 tokens/s is 40 s) and cost several times more per token than input. Example: a "
    "short reply is about 180 tokens.",
    "cached_input_fraction": "Share of input tokens served from the provider's prompt cache (a shared system prompt "
    "or document prefix); cached tokens are billed at a discount. Example: a 1,200-token system prompt in a "
    "1,800-token request is about 65%.",
    "output_format": "What the model returns. JSON that software parses cannot be used half-finished, so streaming "
    "helps less; embeddings are vectors with nothing to stream. Example: a classification label is *JSON*.",
    "use_pricing": "Use your negotiated or self-hosted prices instead of the public catalogue, in USD per 1 million "
    "tokens. Needed for a model the catalogue does not know.",
    "input_per_mtok": "USD per 1 million uncached input tokens.",
    "output_per_mtok": "USD per 1 million output tokens.",
    "cached_input_per_mtok": "USD per 1 million input tokens read from the prompt cache. Blank: the input price.",
    "batch_discount": "Share taken off every token price in batch, e.g. 0.5 for 50% off. Blank: the provider's "
    "published batch discount.",
    "use_limits": "Your account's rate limits for this model. Off: the provider's published limits for the account "
    "tier above (listed under Assumptions). Exceeding them at peak means 429 errors and retries.",
    "tier": "The account tier whose published rate limits apply: providers raise the limits as an account spends "
    "more. The default is the provider's lowest paid tier (the provider catalogue's): at OpenAI, *tier-1*.",
    "service_tier": "How the provider processes the calls: *standard*; *flex*, cheaper and slower where offered; "
    "*priority*, faster at a premium. Only the tiers this provider offers are listed.",
    "rpm": "Requests per minute your account may send to this model.",
    "tpm": "Tokens per minute (input + output) your account may send to this model.",
    "usd_per_person_week": "Fully loaded cost of one engineer for a week; prices the build effort of each mode. "
    f"Blank: ${USD_PER_PERSON_WEEK:,.0f}.",
    "amortisation_months": "Months over which the one-time build effort is spread in the monthly cost. "
    f"Blank: {AMORTISATION_MONTHS} months.",
    "infra": "Monthly infrastructure this mode adds (proxy capacity, queue, workers, storage). Blank: the advisor's "
    "default, shown as the placeholder.",
    "effort": "One-time build effort for this mode, in person-weeks. Blank: the advisor's default, shown as the "
    "placeholder.",
    "retry_rate": "Share of model calls that fail once and are retried (timeouts, 429s, 5xx). Each call of a "
    "request is retried on its own, so more requests see a retry: at 2% of calls, a request of 5 calls sees "
    "at least one about 10% of the time. Retries add tokens to the bill and load on the rate limit. "
    "Example: 2%.",
    "attempts_per_layer": "Attempts each layer of your stack makes before giving up (client, gateway, worker). "
    "Stacked retries multiply: 3 attempts at 5 layers is 243 calls for one request.",
    "retry_layers": "How many layers of the call path retry on their own. Example: the SDK, your API client and a "
    "job runner are 3 layers.",
    "side_effects": "What happens if the same request runs twice. Retries and resubmitted batches do repeat "
    "requests; if that would send an email twice or write a duplicate record, you need idempotency keys and an "
    "audit trail. Example: posting a reply to a customer is *not idempotent*.",
    "downstream": "Who consumes the output. An external API or a compliance system turns your mode into a contract "
    "that is expensive to change later; compliance-critical output needs an audit trail and controlled retries. "
    "Example: a drug-interaction check that gates a pharmacist's approval is *compliance*.",
}


def fact_label(fact: str) -> str:
    """The question a fact is asked as, with its unit when it is seconds."""
    label = FIELD_LABELS.get(fact, fact)
    return f"{label} (s)" if fact in FACTS and FACTS[fact].unit == "s" and "(s)" not in label else label
