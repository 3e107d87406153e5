"""The CTO's questionnaire: describe one LLM feature, see how it should call its model, leave with an ADR.

The app decides nothing. It turns the answers into a WorkloadProfile (``advisor.parse_profile``)
and renders the Assessment that ``advisor.assess`` returns: the same call the CLI and the
decision records use. Everything a session owns lives in ``st.session_state``; the rule set,
the scenarios and the price catalogue are loaded once per server and never mutated.

    streamlit run app.py
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import altair as alt
import streamlit as st
import yaml

import advisor
from advisor.assessment import Assessment, today
from advisor.cli import dump_json
from advisor.cost import AMORTISATION_MONTHS, ENGINEERING_PERSON_WEEKS, INFRA_USD_PER_MONTH, USD_PER_PERSON_WEEK
from advisor.modemap import VARIABLE_FACTS, DecisionMap, decision_map, default_values, field_range
from advisor.errors import AdvisorError, InputError
from advisor.facts import FACTS
from advisor.markdown import slug
from advisor.profile import MODES, CostOptions, Pricing, WorkloadProfile, parse_profile
from advisor.records import record_title, render_adr
from advisor.rules import RuleSet, op_symbol
from advisor.summary import money, seconds
from advisor.yamlio import MAX_FILE_BYTES, parse_yaml

ROOT = Path(__file__).resolve().parent
EXAMPLES_DIR = ROOT / "examples"
DEFAULT_SCENARIO = "support-reply-draft"

# -- vocabulary: what the CTO reads instead of field values --------------------------------

MODE_LABELS = {"sync": "Synchronous", "streaming": "Streaming", "async": "Async job", "batch": "Batch API"}
MODE_COLORS = {"sync": "#64748b", "streaming": "#2563eb", "async": "#7c3aed", "batch": "#059669"}
AXIS_COLORS = ["#2563eb", "#7c3aed", "#059669", "#f59e0b", "#db2777", "#64748b", "#0891b2"]
MODE_SHORT = {"sync": "Sync", "streaming": "Streaming", "async": "Async", "batch": "Batch"}
CURRENT_LABELS = {None: "Not built yet", **{m: f"{MODE_LABELS[m]} ({m})" for m in MODES}}
INTERACTION_LABELS = {
    "chat": "Chat: a person reads as it is written",
    "inline_edit": "Inline: autocomplete, rewrite, code completion",
    "request_response": "Click and wait: a person waits for the result",
    "submit_and_notify": "Submit and notify: the person is told later",
    "service_call": "Service call: another service waits",
    "pipeline": "Pipeline: no one waits (bulk, scheduled)",
}
DOWNSTREAM_LABELS = {
    "own_ui": "Our own UI",
    "internal_service": "An internal service",
    "external_api": "External API customers",
    "compliance_critical": "A financial, legal, clinical or compliance system",
}
SIDE_EFFECT_LABELS = {
    "none": "None: it only produces output",
    "idempotent": "Idempotent: repeating it is harmless",
    "non_idempotent": "Not idempotent: a repeat sends, charges or writes twice",
}
FORMAT_LABELS = {"text": "Text for people", "json": "Structured JSON for software", "embedding": "Embedding vectors"}
CHOICE_LABELS: dict[str, Mapping[Any, str]] = {
    "interaction": INTERACTION_LABELS,
    "downstream": DOWNSTREAM_LABELS,
    "side_effects": SIDE_EFFECT_LABELS,
    "output_format": FORMAT_LABELS,
    "current_mode": CURRENT_LABELS,
}
BUDGET_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86_400}

# The question each profile field is asked as: error messages name the question, not the key.
FIELD_LABELS = {
    "name": "Feature name",
    "description": "What it does",
    "current_mode": "How it runs today",
    "interaction": "Who waits for the answer",
    "latency_budget_s": "Latency budget at p95",
    "chained_calls": "Chained calls per request",
    "tool_latency_s": "Tool time per request",
    "model_p95_s": "Measured p95 of one model call",
    "ttft_s": "Time to first token",
    "output_tokens_per_s": "Output speed",
    "requests_per_month": "Requests per month",
    "peak_requests_per_minute": "Peak requests per minute",
    "provider": "Provider",
    "model": "Model",
    "input_tokens": "Input tokens per request",
    "output_tokens": "Output tokens per request",
    "cached_input_fraction": "Input served from the prompt cache",
    "output_format": "What the model returns",
    "pricing": "Your own prices",
    "rate_limits": "Your rate limits",
    "costs": "Build and run cost",
    "retry_rate": "Requests retried",
    "attempts_per_layer": "Attempts per layer",
    "retry_layers": "Layers that retry",
    "side_effects": "What a repeated request does",
    "downstream": "Who consumes the output",
}

HELP = {
    "name": "A short name for the feature, as your team calls it. It titles the decision record. "
    "Example: *Support reply draft*.",
    "description": "One or two sentences on what the feature does and for whom; it becomes the context of "
    "the decision record. Example: *An agent clicks Draft reply and edits the suggestion before sending.*",
    "current_mode": "How the feature calls the model today, if it is built. The advisor prices the move from "
    "this mode and the record describes the migration. Example: a first version shipped as a plain "
    "request/response call is *Synchronous*.",
    "interaction": "Who waits for the answer, and how. This is the dominant axis: someone watching a chat needs "
    "words on screen within a second; a nightly job needs nobody's attention. Example: a help-desk chat is "
    "*Chat*; classifying yesterday's tickets overnight is *Pipeline*.",
    "budget": "The p95 time by which the result must be usable: 95 of 100 requests must be done sooner. It is "
    "held against the model's worst case, not its average. Example: 2-3 s for a chat turn, 60 s for a "
    "report someone waits for, 8 hours for a nightly job.",
    "budget_unit": "The unit of the latency budget.",
    "chained_calls": "Model or tool calls that must run one after another to answer one request; each adds its "
    "full p95. Example: retrieve, draft, then check is 3 chained calls.",
    "tool_latency_s": "Total time per request spent in tools (database lookups, search, other APIs), in seconds "
    "at p95. Example: a vector search plus a CRM lookup might add 0.8 s.",
    "model_p95_s": "If you have measured it: the p95 duration of one model call under production load. Leave it "
    "blank to estimate it from the model's typical speed (listed under Assumptions). Example: 7.5 s.",
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
    "(below). Example: *gpt-4o-mini*.",
    "input_tokens": "Tokens sent per request: instructions, context, retrieved documents and the user's input; "
    "about 4 characters of English per token. Example: a ticket thread plus instructions is about 1,800 tokens.",
    "output_tokens": "Tokens the model writes per request. Long outputs are slow (2,000 tokens at 50 tokens/s is "
    "40 s) and cost several times more per token than input. Example: a short reply is about 180 tokens.",
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
    "use_limits": "Your account's rate limits for this model. Off: the provider's published limits for a high "
    "tier (listed under Assumptions). Exceeding them at peak means 429 errors and retries.",
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
    "retry_rate": "Share of requests that fail once and are retried (timeouts, 429s, 5xx). Retries add tokens to "
    "the bill and load on the rate limit. Example: 2%.",
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

# Widgets of the results tabs are not drawn while their tab is closed; their keys are
# re-assigned every run so Streamlit keeps the choice.
TAB_WIDGET_KEYS = ("map_x", "map_y", "map_n", "adr_template", "adr_status", "adr_date", "adr_view")


class Layered(alt.LayerChart):
    """A layered Altair chart that skips JSON-schema validation when Streamlit serialises it.

    The specs are fixed by this file (only the data changes), the tests validate every one of
    them, and validating on each rerun would cost a tenth of a second per chart.
    """

    def to_dict(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("validate", False)
        return super().to_dict(*args, **kwargs)


def frame(rows: list[dict[str, Any]]) -> Any:
    """Chart data as a DataFrame: Streamlit ships it as Arrow, and Altair never deep-copies it."""
    import pandas as pd

    return pd.DataFrame(rows)


def layered(*charts: alt.Chart, height: int) -> Layered:
    return Layered(layer=list(charts)).properties(height=height)


# -- loaded once per server, never mutated ---------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    stem: str
    name: str
    seed_note: str  # the file's comment header: which seed case it reproduces
    profile: WorkloadProfile


@st.cache_resource(show_spinner=False)
def load_ruleset() -> RuleSet:
    return advisor.load_rules()


@st.cache_resource(show_spinner=False)
def load_scenarios() -> tuple[dict[str, Scenario], tuple[str, ...]]:
    """The example workloads by file stem, and the messages of any that failed to load."""
    found: dict[str, Scenario] = {}
    problems: list[str] = []
    for path in sorted(EXAMPLES_DIR.glob("*.yaml")):
        try:
            profile = advisor.load_profile(path)
        except AdvisorError as exc:
            problems.append(str(exc))
            continue
        found[path.stem] = Scenario(path.stem, profile.name, _comment_header(path.read_text("utf-8")), profile)
    return found, tuple(problems)


@st.cache_resource(show_spinner=False)
def load_catalogue() -> dict[str, tuple[str, ...]]:
    """Provider id -> model ids of the genai-prices catalogue (what the pickers offer)."""
    from genai_prices import data_snapshot

    snapshot = data_snapshot.get_snapshot()
    return {p.id: tuple(m.id for m in p.models) for p in snapshot.providers}


def _comment_header(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


# -- answers <-> session state ---------------------------------------------------------------


def split_budget(budget_s: float) -> tuple[float, str]:
    """The largest unit that divides the budget exactly, so value x unit gives it back."""
    for unit in ("days", "hours", "minutes"):
        factor = BUDGET_UNITS[unit]
        if budget_s >= factor and budget_s % factor == 0:
            return float(budget_s // factor), unit
    return float(budget_s), "seconds"


def profile_to_state(profile: WorkloadProfile) -> dict[str, Any]:
    """Every questionnaire widget's value for one profile (blank optional answers are None)."""
    budget, unit = split_budget(profile.latency_budget_s)
    pricing = profile.pricing or Pricing(input_per_mtok=0.0, output_per_mtok=0.0)
    limits, costs = profile.rate_limits, profile.costs or CostOptions()
    state: dict[str, Any] = {
        "q_name": profile.name,
        "q_description": profile.description,
        "q_current_mode": profile.current_mode,
        "q_interaction": profile.interaction,
        "q_budget": budget,
        "q_budget_unit": unit,
        "q_chained_calls": profile.chained_calls,
        "q_tool_latency_s": float(profile.tool_latency_s),
        "q_model_p95_s": _float(profile.model_p95_s),
        "q_ttft_s": _float(profile.ttft_s),
        "q_output_tokens_per_s": _float(profile.output_tokens_per_s),
        "q_requests_per_month": profile.requests_per_month,
        "q_peak_requests_per_minute": _float(profile.peak_requests_per_minute),
        "q_provider": profile.provider,
        "q_model": profile.model,
        "q_input_tokens": profile.input_tokens,
        "q_output_tokens": profile.output_tokens,
        "q_cached_input_fraction": float(profile.cached_input_fraction),
        "q_output_format": profile.output_format,
        # Without its own prices the toggle is off and the (disabled) inputs show nothing.
        "q_use_pricing": profile.pricing is not None,
        "q_input_per_mtok": _float(pricing.input_per_mtok) if profile.pricing else None,
        "q_output_per_mtok": _float(pricing.output_per_mtok) if profile.pricing else None,
        "q_cached_input_per_mtok": _float(pricing.cached_input_per_mtok),
        "q_batch_discount": _float(pricing.batch_discount),
        "q_use_limits": limits is not None,
        "q_rpm": _float(limits.rpm) if limits else None,
        "q_tpm": _float(limits.tpm) if limits else None,
        "q_usd_per_person_week": _float(costs.usd_per_person_week),
        "q_amortisation_months": costs.amortisation_months,
        "q_retry_rate": float(profile.retry_rate),
        "q_attempts_per_layer": profile.attempts_per_layer,
        "q_retry_layers": profile.retry_layers,
        "q_side_effects": profile.side_effects,
        "q_downstream": profile.downstream,
    }
    infra = costs.infra_usd_per_month or {}
    weeks = costs.engineering_person_weeks or {}
    for mode in MODES:
        state[f"q_infra_{mode}"] = _float(infra.get(mode))
        state[f"q_effort_{mode}"] = _float(weeks.get(mode))
    return state


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def answers_from_state(state: Mapping[str, Any]) -> dict[str, Any]:
    """The workload mapping the answers describe; blank optional answers are left out."""
    answers: dict[str, Any] = {
        "name": state["q_name"],
        "description": state["q_description"],
        "interaction": state["q_interaction"],
        "latency_budget_s": _budget_seconds(state["q_budget"], state["q_budget_unit"]),
        "chained_calls": state["q_chained_calls"],
        "tool_latency_s": state["q_tool_latency_s"],
        "model_p95_s": state["q_model_p95_s"],
        "ttft_s": state["q_ttft_s"],
        "output_tokens_per_s": state["q_output_tokens_per_s"],
        "input_tokens": state["q_input_tokens"],
        "output_tokens": state["q_output_tokens"],
        "cached_input_fraction": state["q_cached_input_fraction"],
        "output_format": state["q_output_format"],
        "requests_per_month": state["q_requests_per_month"],
        "peak_requests_per_minute": state["q_peak_requests_per_minute"],
        "provider": state["q_provider"],
        "model": state["q_model"] or None,
        "retry_rate": state["q_retry_rate"],
        "attempts_per_layer": state["q_attempts_per_layer"],
        "retry_layers": state["q_retry_layers"],
        "downstream": state["q_downstream"],
        "side_effects": state["q_side_effects"],
        "current_mode": state["q_current_mode"],
    }
    if state["q_use_pricing"]:
        answers["pricing"] = _present(
            input_per_mtok=state["q_input_per_mtok"],
            output_per_mtok=state["q_output_per_mtok"],
            cached_input_per_mtok=state["q_cached_input_per_mtok"],
            batch_discount=state["q_batch_discount"],
        )
    if state["q_use_limits"]:
        answers["rate_limits"] = _present(rpm=state["q_rpm"], tpm=state["q_tpm"])
    costs = _present(
        usd_per_person_week=state["q_usd_per_person_week"],
        amortisation_months=state["q_amortisation_months"],
        infra_usd_per_month=_present(**{m: state[f"q_infra_{m}"] for m in MODES}) or None,
        engineering_person_weeks=_present(**{m: state[f"q_effort_{m}"] for m in MODES}) or None,
    )
    if costs:
        answers["costs"] = costs
    return _present(**answers)


def _budget_seconds(value: float | None, unit: str) -> float | None:
    return None if value is None else value * BUDGET_UNITS[unit]


def _present(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def answers_yaml(profile: WorkloadProfile) -> str:
    """The answers as a workload file that ``advisor recommend`` and this app read back."""
    data = profile.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def read_upload(name: str, content: bytes) -> WorkloadProfile:
    """A workload YAML file from the browser; every problem is an InputError naming the file."""
    if len(content) > MAX_FILE_BYTES:
        raise InputError(f"file is larger than {MAX_FILE_BYTES:,} bytes", source=name)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text file", source=name) from None
    return parse_profile(parse_yaml(text, source=name), source=name)


def friendly(error: AdvisorError) -> str:
    """An error as the questionnaire words it: the question first, then what is allowed."""
    if error.field and not error.source:
        top = error.field.split(".")[0]
        label = FIELD_LABELS.get(top)
        if label:
            return f"**{label}** (`{error.field}`): {md(error.message)}"
    return md(str(error))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: str) -> str:
    """User text made inert in Markdown: no links, emphasis, colours, icons or maths."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


# -- session ------------------------------------------------------------------------------------


def apply_profile(profile: WorkloadProfile) -> None:
    for key, value in profile_to_state(profile).items():
        st.session_state[key] = value


def on_scenario(scenarios: dict[str, Scenario]) -> None:
    stem = st.session_state.get("scenario")
    if stem in scenarios:
        apply_profile(scenarios[stem].profile)
        st.session_state.pop("load_error", None)
        st.toast(f"Loaded the scenario: {scenarios[stem].name}")


def on_upload(key: str) -> None:
    upload = st.session_state.get(key)
    if upload is None:
        return
    try:
        profile = read_upload(upload.name, upload.getvalue())
    except AdvisorError as exc:
        st.session_state["load_error"] = str(exc)
        return
    apply_profile(profile)
    st.session_state.pop("load_error", None)
    st.session_state["scenario"] = None
    st.session_state["upload_gen"] = st.session_state.get("upload_gen", 0) + 1
    st.toast(f"Loaded {upload.name}")


def on_provider(catalogue: dict[str, tuple[str, ...]]) -> None:
    """A model the new provider does not list is cleared rather than silently kept."""
    models = catalogue.get(st.session_state.get("q_provider") or "")
    if models is not None and st.session_state.get("q_model") not in models:
        st.session_state["q_model"] = None


def reset_weights(ruleset: RuleSet) -> None:
    for axis in ruleset.header.axes:
        st.session_state[f"q_w_{axis.id}"] = float(axis.weight)


def init_session(scenarios: dict[str, Scenario], ruleset: RuleSet) -> None:
    if "q_name" not in st.session_state:
        if DEFAULT_SCENARIO in scenarios:
            apply_profile(scenarios[DEFAULT_SCENARIO].profile)
            st.session_state["scenario"] = DEFAULT_SCENARIO
        else:  # an install without examples still opens on a valid workload
            apply_profile(_fallback_profile())
            st.session_state["scenario"] = None
    for axis in ruleset.header.axes:
        st.session_state.setdefault(f"q_w_{axis.id}", float(axis.weight))
    for key in TAB_WIDGET_KEYS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def _fallback_profile() -> WorkloadProfile:
    return parse_profile(
        {
            "name": "New feature",
            "interaction": "request_response",
            "latency_budget_s": 5,
            "input_tokens": 1000,
            "output_tokens": 200,
            "requests_per_month": 10_000,
            "model": "gpt-4o-mini",
        }
    )


# -- the questionnaire ----------------------------------------------------------------------------


def _select(field: str, label: str, help_key: str | None = None, **kw: Any) -> None:
    labels = CHOICE_LABELS[field]
    st.selectbox(
        label, list(labels), format_func=labels.__getitem__, key=f"q_{field}", help=HELP[help_key or field], **kw
    )


def _axis_header(ruleset: RuleSet, index: int, axis_id: str, fallback: str) -> None:
    axis = next((a for a in ruleset.header.axes if a.id == axis_id), None)
    st.markdown(f"**{index} · {md(axis.name if axis else fallback)}**")
    if axis:
        st.caption(md(axis.question))


def _number(where: Any, field: str, label: str, step: float, **kw: Any) -> None:
    """A number question whose bounds are WorkloadProfile's own (never restated here)."""
    bounds = field_range(field)
    low = bounds.low if math.isfinite(bounds.low) else None
    high = bounds.high if math.isfinite(bounds.high) else None
    if bounds.integer:
        where.number_input(
            label, min_value=_int(low), max_value=_int(high), step=int(step), key=f"q_{field}", help=HELP[field], **kw
        )
    else:
        where.number_input(
            label,
            min_value=low,
            max_value=high,
            step=float(step),
            format="%g",
            key=f"q_{field}",
            help=HELP[field],
            **kw,
        )


def _int(value: float | None) -> int | None:
    return None if value is None else int(value)


def _money_input(where: Any, label: str, key: str, step: float, help_key: str, **kw: Any) -> None:
    where.number_input(label, min_value=0.0, step=step, format="%g", key=key, help=HELP[help_key], **kw)


def questionnaire(ruleset: RuleSet, catalogue: dict[str, tuple[str, ...]]) -> None:
    with st.container(border=True):
        st.markdown("**The feature**")
        st.text_input(FIELD_LABELS["name"], key="q_name", max_chars=200, help=HELP["name"])
        st.text_area(
            FIELD_LABELS["description"], key="q_description", max_chars=5000, height=80, help=HELP["description"]
        )
        _select("current_mode", FIELD_LABELS["current_mode"])

    with st.container(border=True):
        _axis_header(ruleset, 1, "ux_contract", "UX contract")
        _select("interaction", FIELD_LABELS["interaction"])

    with st.container(border=True):
        _axis_header(ruleset, 2, "latency", "Latency")
        value, unit = st.columns([3, 2])
        # In the chosen unit, so only "more than zero" applies here; the profile checks the rest.
        value.number_input(
            FIELD_LABELS["latency_budget_s"], min_value=0.0, step=1.0, format="%g", key="q_budget", help=HELP["budget"]
        )
        unit.selectbox("Unit", list(BUDGET_UNITS), key="q_budget_unit", help=HELP["budget_unit"])
        calls, tools = st.columns(2)
        _number(calls, "chained_calls", FIELD_LABELS["chained_calls"], 1)
        _number(tools, "tool_latency_s", "Tool time per request (s)", 0.1)
        with st.expander("Measured model speed (optional)"):
            _number(st, "model_p95_s", "Measured p95 of one model call (s)", 0.5, placeholder="estimate from the model")
            ttft, tps = st.columns(2)
            _number(ttft, "ttft_s", "Time to first token (s)", 0.1, placeholder="model default")
            _number(tps, "output_tokens_per_s", "Output speed (tokens/s)", 10, placeholder="model default")

    with st.container(border=True):
        _axis_header(ruleset, 3, "cost_burst", "Volume, tokens and cost")
        volume, peak = st.columns(2)
        _number(volume, "requests_per_month", FIELD_LABELS["requests_per_month"], 1000)
        _number(
            peak, "peak_requests_per_minute", FIELD_LABELS["peak_requests_per_minute"], 10, placeholder="flat month"
        )
        provider, model = st.columns(2)
        providers = _with_current(tuple(catalogue), st.session_state.get("q_provider"))
        provider.selectbox(
            FIELD_LABELS["provider"],
            providers,
            key="q_provider",
            accept_new_options=True,
            help=HELP["provider"],
            on_change=on_provider,
            args=(catalogue,),
        )
        models = _with_current(
            catalogue.get(st.session_state.get("q_provider") or "", ()), st.session_state.get("q_model")
        )
        model.selectbox(
            FIELD_LABELS["model"],
            models,
            key="q_model",
            accept_new_options=True,
            placeholder="choose or type a model",
            help=HELP["model"],
        )
        tokens_in, tokens_out = st.columns(2)
        _number(tokens_in, "input_tokens", FIELD_LABELS["input_tokens"], 100)
        _number(tokens_out, "output_tokens", FIELD_LABELS["output_tokens"], 50)
        st.slider(
            FIELD_LABELS["cached_input_fraction"],
            min_value=0.0,
            max_value=1.0,
            step=0.01,
            format="percent",
            key="q_cached_input_fraction",
            help=HELP["cached_input_fraction"],
        )
        with st.expander("Your own prices and rate limits"):
            priced = st.toggle("Use my own prices (USD per 1M tokens)", key="q_use_pricing", help=HELP["use_pricing"])
            a, b = st.columns(2)
            _money_input(a, "Input", "q_input_per_mtok", 0.05, "input_per_mtok", disabled=not priced)
            _money_input(b, "Output", "q_output_per_mtok", 0.1, "output_per_mtok", disabled=not priced)
            _money_input(
                a,
                "Cached input",
                "q_cached_input_per_mtok",
                0.01,
                "cached_input_per_mtok",
                disabled=not priced,
                placeholder="input price",
            )
            b.number_input(
                "Batch discount (share)",
                min_value=0.0,
                max_value=0.99,
                step=0.05,
                format="%g",
                key="q_batch_discount",
                disabled=not priced,
                placeholder="published",
                help=HELP["batch_discount"],
            )
            limited = st.toggle("Use my rate limits", key="q_use_limits", help=HELP["use_limits"])
            a, b = st.columns(2)
            _money_input(a, "Requests per minute (RPM)", "q_rpm", 100.0, "rpm", disabled=not limited)
            _money_input(b, "Tokens per minute (TPM)", "q_tpm", 10_000.0, "tpm", disabled=not limited)
        with st.expander("Build and run cost (optional)"):
            a, b = st.columns(2)
            _money_input(
                a,
                "Engineer cost per week (USD)",
                "q_usd_per_person_week",
                250.0,
                "usd_per_person_week",
                placeholder=f"{USD_PER_PERSON_WEEK:,.0f}",
            )
            b.number_input(
                "Amortised over (months)",
                min_value=1,
                step=1,
                key="q_amortisation_months",
                placeholder=str(AMORTISATION_MONTHS),
                help=HELP["amortisation_months"],
            )
            for mode in MODES:
                a, b = st.columns(2)
                _money_input(
                    a,
                    f"{MODE_LABELS[mode]}: infrastructure (USD/month)",
                    f"q_infra_{mode}",
                    10.0,
                    "infra",
                    placeholder=f"{INFRA_USD_PER_MONTH[mode]:g}",
                )
                _money_input(
                    b,
                    f"{MODE_LABELS[mode]}: build effort (person-weeks)",
                    f"q_effort_{mode}",
                    0.5,
                    "effort",
                    placeholder=f"{ENGINEERING_PERSON_WEEKS[mode]:g}",
                )

    with st.container(border=True):
        _axis_header(ruleset, 4, "failure_retry", "Failure and audit")
        _select("side_effects", FIELD_LABELS["side_effects"])
        st.slider(
            FIELD_LABELS["retry_rate"],
            min_value=0.0,
            max_value=1.0,
            step=0.01,
            format="percent",
            key="q_retry_rate",
            help=HELP["retry_rate"],
        )
        a, b = st.columns(2)
        _number(a, "attempts_per_layer", FIELD_LABELS["attempts_per_layer"], 1)
        _number(b, "retry_layers", FIELD_LABELS["retry_layers"], 1)

    with st.container(border=True):
        _axis_header(ruleset, 5, "downstream", "Downstream")
        _select("downstream", FIELD_LABELS["downstream"])
        _select("output_format", FIELD_LABELS["output_format"])


def _with_current(options: tuple[str, ...], current: str | None) -> list[str]:
    return list(options) if not current or current in options else [current, *options]


# -- the sidebar: scenarios, files, priorities ------------------------------------------------------


def sidebar(
    ruleset: RuleSet, scenarios: dict[str, Scenario], problems: tuple[str, ...], profile: WorkloadProfile | None
) -> None:
    with st.sidebar:
        st.markdown("### Start from")
        st.selectbox(
            "Scenario",
            list(scenarios),
            key="scenario",
            format_func=lambda s: scenarios[s].name,
            placeholder="Your own answers",
            on_change=on_scenario,
            args=(scenarios,),
            help="Worked cases from the source documents. Choosing one replaces every answer.",
        )
        chosen = scenarios.get(st.session_state.get("scenario") or "")
        if chosen and chosen.seed_note:
            st.caption(md(chosen.seed_note))
        for problem in problems:
            st.warning(f"An example could not be loaded: {md(problem)}")

        gen = st.session_state.get("upload_gen", 0)
        st.file_uploader(
            "Open a workload file",
            type=["yaml", "yml"],
            key=f"upload_{gen}",
            max_upload_size=1,
            on_change=on_upload,
            args=(f"upload_{gen}",),
            help="A workload YAML file as `advisor recommend` reads it. It replaces every answer.",
        )
        if error := st.session_state.get("load_error"):
            st.error(f"That file was not loaded: {md(error)}")
        st.download_button(
            "Download answers (YAML)",
            data=(lambda: answers_yaml(profile)) if profile else "",
            file_name=f"{slug(profile.name) if profile else 'workload'}.yaml",
            mime="application/yaml",
            key="download_answers",
            on_click="ignore",
            icon=":material/download:",
            disabled=profile is None,
            width="stretch",
            help="Your answers as a workload file: open it here later, or run `advisor recommend` on it."
            if profile
            else "Fix the answers marked in red first.",
        )

        st.markdown("### Axis priority")
        st.caption("How much each axis counts. The ranking follows; the rule set's defaults come from its authors.")
        for axis in ruleset.header.axes:
            top = max(10.0, float(axis.weight) * 2)
            st.slider(
                md(axis.name),
                min_value=0.0,
                max_value=top,
                step=0.5,
                format="%g",
                key=f"q_w_{axis.id}",
                help=md(axis.question),
            )
        st.button(
            "Reset priorities",
            on_click=reset_weights,
            args=(ruleset,),
            key="reset_weights",
            icon=":material/restart_alt:",
        )


def weights_from_state(ruleset: RuleSet) -> dict[str, float]:
    return {axis.id: float(st.session_state[f"q_w_{axis.id}"]) for axis in ruleset.header.axes}


# -- the result panel -------------------------------------------------------------------------------


def headline(a: Assessment, custom_weights: bool) -> None:
    rules = {r.id: r for r in a.fired_rules}
    w, lat, cap = a.workload, a.latency, a.capacity
    cost = a.costs[a.recommendation]
    with st.container(border=True, key="headline"):
        badges = [f":blue-badge[{a.contract} contract]"]
        if w.current_mode and w.current_mode != a.recommendation:
            badges.append(f":orange-badge[move from {w.current_mode}]")
        elif w.current_mode:
            badges.append(":green-badge[keep the current mode]")
        if custom_weights:
            badges.append(":violet-badge[your axis priorities]")
        st.markdown("Recommended execution mode &nbsp; " + " ".join(badges))
        st.markdown(f"# {MODE_LABELS[a.recommendation]}")
        st.markdown(md(a.reason))
        if a.decided_by:
            decisive = " · ".join(md(rules[r].title) if r in rules else f"`{r}`" for r in a.decided_by[:4])
            st.caption(f"Decided by: {decisive}")
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(
            "Monthly cost",
            money(cost.total_usd),
            help="Tokens, infrastructure and amortised build cost of the recommended mode.",
        )
        if w.current_mode and w.current_mode != a.recommendation and cost.saving_vs_current_usd is not None:
            saving = cost.saving_vs_current_usd
            m2.metric(
                f"Saving vs {w.current_mode}" if saving >= 0 else f"Extra vs {w.current_mode}",
                money(abs(saving)),
                delta=f"{money(abs(saving) * 12)} a year",
                delta_color="normal" if saving >= 0 else "inverse",
                delta_arrow="off",
                help="Today's monthly total minus the recommended mode's, build cost included.",
            )
        else:
            cheapest = min(a.costs.values(), key=lambda c: c.total_usd)
            m2.metric(
                "Cheapest mode",
                MODE_SHORT[cheapest.mode],
                delta=money(cheapest.total_usd) + " a month",
                delta_color="off",
                delta_arrow="off",
                help="The mode with the lowest monthly total; cost is one axis of five.",
            )
        m3.metric(
            "End-to-end p95",
            seconds(lat.end_to_end_p95_s),
            delta=f"budget {seconds(lat.latency_budget_s)}",
            delta_color="normal" if lat.within_budget else "inverse",
            delta_arrow="off",
            help="Chained calls x per-call p95 + tool time, against the latency budget.",
        )
        m4.metric(
            "Headroom",
            _percent(cap.headroom),
            delta="over the limit" if cap.over_limit else "at peak",
            delta_color="inverse" if cap.over_limit else "off",
            delta_arrow="off",
            help="Share of the tighter of the RPM and TPM limits left at peak traffic.",
        )


def _percent(share: float) -> str:
    """A share that never rounds to a misleading 0% or 100%."""
    if 0.99 < share < 1:
        return "> 99%"
    if 0 < share < 0.01:
        return "< 1%"
    return f"{share:.0%}"


def ranking_chart(a: Assessment) -> Layered:
    """Stacked weighted axis scores per mode, best first; the tick is the mode's total."""
    names = {x.id: x.name for x in a.axes}
    weights = {x.id: x.weight for x in a.axes}
    order = [_mode_row_label(r.mode, r.rank, r.excluded) for r in a.ranking]
    rows = [
        {
            "mode": _mode_row_label(r.mode, r.rank, r.excluded),
            "axis": names.get(axis, axis),
            "weighted": weights.get(axis, 0) * score,
            "score": score,
            "weight": weights.get(axis, 0),
        }
        for r in a.ranking
        for axis, score in r.axis_scores.items()
        if score
    ]
    totals = [{"mode": _mode_row_label(r.mode, r.rank, r.excluded), "total": r.total} for r in a.ranking]
    y = alt.Y(
        "mode:N",
        sort=order,
        title=None,
        scale=alt.Scale(domain=order, paddingInner=0.3),
        axis=alt.Axis(labelLimit=220, labelFontSize=13),
    )
    bars = (
        alt.Chart(frame(rows))
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X("sum(weighted):Q", title="weighted score (axis score x priority)"),
            y=y,
            color=alt.Color(
                "axis:N",
                title=None,
                sort=[x.name for x in a.axes],
                scale=alt.Scale(domain=[x.name for x in a.axes], range=AXIS_COLORS),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=260),
            ),
            tooltip=[
                alt.Tooltip("mode:N"),
                alt.Tooltip("axis:N"),
                alt.Tooltip("score:Q", title="axis score"),
                alt.Tooltip("weight:Q", title="priority"),
                alt.Tooltip("weighted:Q", format="+.1f"),
            ],
        )
    )
    marks = (
        alt.Chart(frame(totals))
        .mark_tick(color="#111827", thickness=3)
        .encode(x=alt.X("total:Q"), y=y, tooltip=[alt.Tooltip("mode:N"), alt.Tooltip("total:Q", format="+.1f")])
    )
    return layered(bars, marks, height=44 * len(order) + 110)


def _mode_row_label(mode: str, rank: int, excluded: bool) -> str:
    return f"{rank}. {MODE_LABELS[mode]}" + (" (excluded)" if excluded else "")


def overview_tab(a: Assessment) -> None:
    st.markdown("##### Ranking")
    st.altair_chart(ranking_chart(a), key="ranking_chart", width="stretch")
    st.caption(
        " · ".join(f"{r.rank}. **{r.mode}** {r.total:+.1f}" + (" (excluded)" if r.excluded else "") for r in a.ranking)
    )
    if a.excluded:
        st.markdown("##### Ruled out")
        for e in a.excluded:
            st.markdown(f"**{MODE_LABELS[e.mode]}**\n" + "\n".join(f"- {md(reason)}" for reason in e.reasons))
            st.caption("by the rules " + ", ".join(f"`{rule}`" for rule in e.rules))
    if a.patterns:
        st.markdown("##### Pair it with")
        for p in a.patterns:
            st.markdown(f"**{md(p.name)}**: {md(p.description)}")
            st.caption(md(p.source))
    st.markdown("##### What would change the decision")
    if a.what_would_change:
        lines = []
        for c in a.what_would_change:
            question = FIELD_LABELS.get(c.fact, FACTS[c.fact].description if c.fact in FACTS else c.fact)
            value = _short_choice(c.fact, c.value) if c.fact in CHOICE_LABELS else format_fact(c.fact, c.value)
            lines.append(
                f"- If *{md(question.lower() if question[1:2].islower() else question)}* were **{md(value)}**: "
                f"**{MODE_LABELS[c.new_recommendation]}**. {md(c.because)}"
            )
        st.markdown("\n".join(lines))
        st.caption("Each line changes one answer and keeps the rest; the engine re-ran the rules to find it.")
    else:
        st.caption("No single answer within reach changes the recommendation.")


def format_fact(fact: str, value: Any) -> str:
    labels = CHOICE_LABELS.get(fact)
    if labels is not None:
        return labels.get(value, str(value))
    unit = FACTS[fact].unit if fact in FACTS else ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if unit == "s":
        return seconds(float(value))
    if unit == "fraction":
        return f"{value:.0%}"
    if unit == "USD/month":
        return money(float(value)) + "/month"
    if unit:
        return f"{value:,.0f} {unit}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f} {unit}"
    return f"{value:g}"


def cost_chart(a: Assessment) -> Layered:
    parts = (("Tokens", "tokens_usd"), ("Infrastructure", "infra_usd"), ("Build (amortised)", "engineering_usd"))
    order = [_cost_row_label(a, m) for m in MODES]
    rows = [
        {"mode": _cost_row_label(a, m), "part": part, "usd": getattr(a.costs[m], attr), "order": i}
        for m in MODES
        for i, (part, attr) in enumerate(parts)
    ]
    totals = [
        {"mode": _cost_row_label(a, m), "total": a.costs[m].total_usd, "label": money(a.costs[m].total_usd)}
        for m in MODES
    ]
    y = alt.Y(
        "mode:N",
        sort=order,
        title=None,
        scale=alt.Scale(domain=order, paddingInner=0.3),
        axis=alt.Axis(labelLimit=240, labelFontSize=13),
    )
    bars = (
        alt.Chart(frame(rows))
        .mark_bar(cornerRadius=2)
        .encode(
            x=alt.X(
                "sum(usd):Q",
                title="USD per month",
                axis=alt.Axis(format="$,.0f"),
                scale=alt.Scale(domainMax=1.18 * max(c.total_usd for c in a.costs.values())),
            ),
            order=alt.Order("order:Q"),
            y=y,
            color=alt.Color(
                "part:N",
                title=None,
                sort=[p for p, _ in parts],
                scale=alt.Scale(range=["#2563eb", "#94a3b8", "#f59e0b"]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[alt.Tooltip("mode:N"), alt.Tooltip("part:N"), alt.Tooltip("usd:Q", format="$,.2f")],
        )
    )
    labels = (
        alt.Chart(frame(totals))
        .mark_text(align="left", dx=4, fontWeight="bold")
        .encode(x=alt.X("total:Q"), y=y, text=alt.Text("label:N"))
    )
    return layered(bars, labels, height=44 * len(order) + 90)


def _cost_row_label(a: Assessment, mode: str) -> str:
    tags = []
    if mode == a.recommendation:
        tags.append("recommended")
    if mode == a.workload.current_mode:
        tags.append("today")
    return MODE_LABELS[mode] + (f" ({', '.join(tags)})" if tags else "")


def cost_tab(a: Assessment) -> None:
    w, p = a.workload, a.pricing
    st.markdown(f"##### Monthly cost at {w.requests_per_month:,} requests")
    st.altair_chart(cost_chart(a), key="cost_chart", width="stretch")
    rows = []
    for mode, c in a.costs.items():
        rows.append(
            {
                "mode": MODE_LABELS[mode],
                "tokens": c.tokens_usd,
                "infra": c.infra_usd,
                "build": c.engineering_usd,
                "total": c.total_usd,
                "per 1K": c.per_1k_requests_usd,
                "vs today": c.saving_vs_current_usd,
            }
        )
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        key="cost_table",
        column_config={
            "tokens": st.column_config.NumberColumn(format="dollar", help="Token bill per month, retries included."),
            "infra": st.column_config.NumberColumn(format="dollar", help="Infrastructure this mode adds, per month."),
            "build": st.column_config.NumberColumn(format="dollar", help="One-time build effort, amortised per month."),
            "total": st.column_config.NumberColumn("total / month", format="dollar"),
            "per 1K": st.column_config.NumberColumn("per 1K requests", format="dollar"),
            "vs today": st.column_config.NumberColumn(
                "saving vs today", format="dollar", help="Today's monthly total minus this mode's; negative costs more."
            ),
        },
    )
    if w.current_mode and w.current_mode != a.recommendation:
        saving = a.costs[a.recommendation].saving_vs_current_usd or 0.0
        verdict = "saves" if saving >= 0 else "costs an extra"
        st.markdown(
            f"Moving from **{w.current_mode}** to **{a.recommendation}** {verdict} **{money(abs(saving))} a month** "
            f"({money(abs(saving) * 12)} a year), build cost included."
        )
    elif w.current_mode:
        st.markdown(f"It already runs **{w.current_mode}**, the recommended mode: no migration to pay for.")
    breakeven = p.batch_breakeven_requests_per_month
    st.caption(
        f"Prices: {md(p.provider)} {md(p.model)} as of {p.price_date} ({md(p.data_version)}); batch prices from the "
        f"{md(p.batch_source)}. Batch saves {p.batch_token_saving_fraction:.0%} of the token bill and breaks even at "
        + (f"{breakeven:,.0f} requests a month." if breakeven is not None else "no volume.")
        + f" Build effort at {money(p.usd_per_person_week)} per person-week, amortised over {p.amortisation_months} months."
    )


def latency_chart(a: Assessment) -> Layered:
    """The end-to-end p95 as its parts, against the budget (dashed, red when missed)."""
    lat, w = a.latency, a.workload
    rows = [{"what": f"{w.chained_calls} x model call p95", "s": w.chained_calls * lat.per_call_p95_s, "order": 0}]
    if w.tool_latency_s:
        rows.append({"what": "tools", "s": w.tool_latency_s, "order": 1})
    top = 1.12 * max(lat.latency_budget_s, lat.end_to_end_p95_s)
    x = alt.X("sum(s):Q", title="seconds at p95", scale=alt.Scale(domain=[0, top], nice=False))
    bar = (
        alt.Chart(frame(rows))
        .mark_bar(cornerRadius=2)
        .encode(
            x=x,
            color=alt.Color("what:N", scale=alt.Scale(range=["#2563eb", "#93c5fd"]), legend=None),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("what:N"), alt.Tooltip("s:Q", format=".2f")],
        )
    )
    budget = alt.Chart(frame([{"s": lat.latency_budget_s, "label": f"budget {seconds(lat.latency_budget_s)}"}]))
    color = "#111827" if lat.within_budget else "#dc2626"
    rule = budget.mark_rule(color=color, strokeWidth=2, strokeDash=[5, 3]).encode(
        x=alt.X("s:Q", scale=alt.Scale(domain=[0, top], nice=False))
    )
    text = budget.mark_text(align="right", dx=-5, baseline="top", y=2, color=color, fontWeight="bold").encode(
        x=alt.X("s:Q"), text=alt.Text("label:N")
    )
    return layered(bar, rule, text, height=115)  # the x axis alone takes ~80 px


def latency_tab(a: Assessment) -> None:
    lat, w, cap = a.latency, a.workload, a.capacity
    st.markdown("##### Latency against the budget")
    st.altair_chart(latency_chart(a), key="latency_chart", width="stretch")
    verdict = "fits" if lat.within_budget else "misses"
    st.markdown(
        f"End-to-end p95 **{seconds(lat.end_to_end_p95_s)}** = {w.chained_calls} x {seconds(lat.per_call_p95_s)} per call"
        f" + {seconds(w.tool_latency_s)} of tools: it **{verdict}** the {seconds(lat.latency_budget_s)} budget"
        f" ({lat.budget_ratio:.0%} of it). Streaming shows the first words after **{seconds(lat.time_to_first_token_s)}**."
    )
    st.caption(
        "Per-call p95 "
        + (
            "as measured."
            if lat.measured
            else f"estimated: {lat.ttft_s:g} s to first token + {w.output_tokens:,} tokens at {lat.output_tokens_per_s:g} tokens/s."
        )
    )
    st.markdown("##### Rate limits at peak")
    c1, c2 = st.columns(2)
    c1.progress(
        min(1.0, cap.rpm_utilisation),
        text=f"Requests: {cap.peak_rpm:,.1f} of {cap.rpm_limit:,.0f} per minute ({cap.rpm_utilisation:.0%})",
    )
    c2.progress(
        min(1.0, cap.tpm_utilisation),
        text=f"Tokens: {cap.peak_tpm:,.0f} of {cap.tpm_limit:,.0f} per minute ({cap.tpm_utilisation:.0%})",
    )
    if cap.over_limit:
        st.error(
            f"Peak traffic exceeds the rate limit ({1 - cap.headroom:.0%} of it): expect 429 errors unless traffic is queued or limits raised."
        )
    st.caption(f"Limits: {md(cap.limits_source)}")
    m1, m2, m3 = st.columns(3)
    m1.metric(
        "Open connections",
        f"{cap.concurrent_connections:,.1f}",
        help="Sync and streaming hold one connection per request in flight (Little's law).",
    )
    m2.metric(
        "Batch files a month",
        f"{cap.batch_submissions_per_month:,}",
        help=f"At most {cap.batch_max_requests:,} requests or {cap.batch_max_mb:g} MB per batch.",
    )
    m3.metric(
        "Calls in a retry storm",
        f"{cap.retry_amplification:,.0f}",
        help="Calls per request when every layer's retries fire (attempts per layer ^ layers).",
    )


def risks_tab(a: Assessment) -> None:
    st.markdown(f"##### Risks of {MODE_LABELS[a.recommendation].lower()} and how to contain them")
    for r in a.risks:
        with st.container(border=True):
            st.markdown(f"**{md(r.risk)}**")
            st.markdown(md(r.mitigation))
            st.caption(md(r.source))
    st.markdown("##### Resilience checklist")
    st.markdown("\n".join(f"- [ ] {md(item)}" for item in a.checklist))


def why_tab(a: Assessment) -> None:
    names = {x.id: x.name for x in a.axes}
    traces = {t.rule: t for t in a.trace}
    st.markdown(f"##### {len(a.fired_rules)} of {len(a.trace)} rules fired")
    for axis in a.axes:
        fired = [r for r in a.fired_rules if r.axis == axis.id]
        if not fired:
            continue
        st.markdown(f"**{md(names[axis.id])}** (priority {axis.weight:g})")
        for r in fired:
            marker = " · decisive" if r.id in a.decided_by else ""
            with st.expander(f"{r.title}{marker}"):
                st.markdown(md(r.because))
                effect = ", ".join(f"{m} {s:+g}" for m, s in r.scores.items())
                if r.exclude:
                    effect += ("; " if effect else "") + "rules out " + ", ".join(r.exclude)
                st.caption(f"`{r.id}` · effect: {md(effect) or 'patterns only'} · source: {md(r.source)}")
                trace = traces.get(r.id)
                if trace and trace.conditions:
                    st.dataframe(
                        [
                            {
                                "fact": c.fact,
                                "test": f"{op_symbol(c.op)} {_show(c.threshold)}",
                                "actual": _show(c.actual),
                                "holds": c.passed,
                            }
                            for c in trace.conditions
                        ],
                        hide_index=True,
                        width="stretch",
                    )
    with st.expander("Assumptions behind the figures"):
        st.dataframe(
            [{"what": x.name, "value": x.value, "source": x.source} for x in a.assumptions],
            hide_index=True,
            width="stretch",
        )
    st.caption(
        f"Rule set {md(a.ruleset.id)} {md(a.ruleset.version)} (sha256 {a.ruleset.hash[:12]}), advisor {a.advisor_version}."
    )


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def map_tab(profile: WorkloadProfile, ruleset: RuleSet, weights: dict[str, float]) -> None:
    st.markdown("##### Where each mode wins")
    st.caption(
        "The recommended mode over two answers you pick, everything else as you answered it. "
        "The ring marks your workload."
    )
    facts = list(VARIABLE_FACTS)
    st.session_state.setdefault("map_x", "latency_budget_s" if "latency_budget_s" in facts else facts[0])
    st.session_state.setdefault("map_y", "requests_per_month" if "requests_per_month" in facts else facts[-1])
    st.session_state.setdefault("map_n", 20)
    cx, cy, cn = st.columns([4, 4, 3])
    x = cx.selectbox(
        "Across", facts, key="map_x", format_func=_fact_label, help="The answer that varies from left to right."
    )
    y = cy.selectbox(
        "Up", facts, key="map_y", format_func=_fact_label, help="The answer that varies from bottom to top."
    )
    n = cn.slider(
        "Grid points",
        min_value=5,
        max_value=40,
        step=1,
        key="map_n",
        help="Values per numeric axis; more is finer and slower.",
    )
    if x == y:
        st.warning("Pick two different answers for the two axes.")
        return
    try:
        result = decision_map(
            profile, x, default_values(x, profile, n), y, default_values(y, profile, n), rules=ruleset, weights=weights
        )
    except AdvisorError as exc:
        st.error(f"The map cannot be drawn: {friendly(exc)}")
        return
    st.altair_chart(map_chart(result), key="map_chart", width="stretch")
    counts = {m: sum(row.count(m) for row in result.cells) for m in MODES}
    total = sum(counts.values())
    st.caption(" · ".join(f"{MODE_SHORT[m]} {counts[m] / total:.0%}" for m in MODES if counts[m]) + " of the grid.")


def _fact_label(fact: str) -> str:
    label = FIELD_LABELS.get(fact, fact)
    return f"{label} (s)" if fact in FACTS and FACTS[fact].unit == "s" and "(s)" not in label else label


def _short_choice(fact: str, value: Any) -> str:
    return CHOICE_LABELS[fact].get(value, str(value)).split(":")[0]


def _map_scale(fact: str, values: list[Any]) -> tuple[str, list[float]]:
    """Scale type and cell edges of a numeric axis: cells meet halfway between grid values
    (geometrically on a log scale), so the workload's own value lands in the cell that holds it."""
    nums = [float(v) for v in values]
    log = nums[0] > 0 and len(nums) > 1 and nums[-1] / nums[0] >= 20
    if len(nums) == 1:
        v = nums[0]
        return ("log", [v / 1.5, v * 1.5]) if v > 0 else ("linear", [v - 0.5, v + 0.5])
    if log:
        mids = [(a * b) ** 0.5 for a, b in pairwise(nums)]
        return "log", [nums[0] ** 2 / mids[0], *mids, nums[-1] ** 2 / mids[-1]]
    mids = [(a + b) / 2 for a, b in pairwise(nums)]
    return "linear", [2 * nums[0] - mids[0], *mids, 2 * nums[-1] - mids[-1]]


def map_chart(result: DecisionMap) -> Layered:
    """Heatmap of the recommended mode; numeric answers on continuous (often log) axes."""
    encodings: dict[str, dict[str, Any]] = {}
    for axis, fact, values in (("x", result.x_fact, result.x_values), ("y", result.y_fact, result.y_values)):
        title = _fact_label(fact)
        if fact in CHOICE_LABELS:
            labels = [_short_choice(fact, v) for v in values]
            enc = alt.X if axis == "x" else alt.Y
            encodings[axis] = {
                "kind": "choice",
                "labels": labels,
                "channel": enc(
                    f"{axis}_label:N", sort=labels, title=title, axis=alt.Axis(labelAngle=0, labelLimit=140)
                ),
            }
        else:
            scale_type, edges = _map_scale(fact, values)
            unit = FACTS[fact].unit
            labels = alt.Axis(labelExpr=SECONDS_LABEL, grid=False) if unit == "s" else alt.Axis(format="~s", grid=False)
            enc = alt.X if axis == "x" else alt.Y
            encodings[axis] = {
                "kind": "number",
                "edges": edges,
                "channel": enc(
                    f"{axis}0:Q", title=title, scale=alt.Scale(type=scale_type, nice=False, zero=False), axis=labels
                ),
                "end": (alt.X2 if axis == "x" else alt.Y2)(f"{axis}1:Q"),
            }
    rows = []
    for j, yv in enumerate(result.y_values):
        for i, xv in enumerate(result.x_values):
            row = {
                "mode": MODE_LABELS[result.cells[j][i]],
                "x": _map_value(result.x_fact, xv),
                "y": _map_value(result.y_fact, yv),
            }
            for axis, index, value, fact in (("x", i, xv, result.x_fact), ("y", j, yv, result.y_fact)):
                info = encodings[axis]
                if info["kind"] == "choice":
                    row[f"{axis}_label"] = _short_choice(fact, value)
                else:
                    row[f"{axis}0"], row[f"{axis}1"] = info["edges"][index], info["edges"][index + 1]
            rows.append(row)
    here: dict[str, Any] = {
        "what": "your workload",
        "x": _map_value(result.x_fact, result.current.x),
        "y": _map_value(result.y_fact, result.current.y),
    }
    point_enc: dict[str, Any] = {}
    for axis, fact, value in (("x", result.x_fact, result.current.x), ("y", result.y_fact, result.current.y)):
        info = encodings[axis]
        if info["kind"] == "choice":
            here[f"{axis}_label"] = _short_choice(fact, value)
            point_enc[axis] = info["channel"]
        else:
            here[f"{axis}0"] = float(value)
            point_enc[axis] = info["channel"]
    encode: dict[str, Any] = {"x": encodings["x"]["channel"], "y": encodings["y"]["channel"]}
    for axis in ("x", "y"):
        if encodings[axis]["kind"] == "number":
            encode[f"{axis}2"] = encodings[axis]["end"]
    labels = [MODE_LABELS[m] for m in MODES]
    cells = (
        alt.Chart(frame(rows))
        .mark_rect(stroke="#ffffff", strokeWidth=0.5)
        .encode(
            color=alt.Color(
                "mode:N",
                title="recommended",
                scale=alt.Scale(domain=labels, range=[MODE_COLORS[m] for m in MODES]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("x:N", title=_fact_label(result.x_fact)),
                alt.Tooltip("y:N", title=_fact_label(result.y_fact)),
                alt.Tooltip("mode:N", title="recommended"),
            ],
            **encode,
        )
    )
    marker = (
        alt.Chart(frame([here]))
        .mark_point(shape="circle", size=260, filled=False, color="#111827", strokeWidth=3)
        .encode(
            tooltip=[
                alt.Tooltip("what:N", title=""),
                alt.Tooltip("x:N", title=_fact_label(result.x_fact)),
                alt.Tooltip("y:N", title=_fact_label(result.y_fact)),
            ],
            **point_enc,
        )
    )
    return layered(cells, marker, height=420)


# Axis labels in the unit a person would say: 30 s, 5 min, 8 h, 2 d.
SECONDS_LABEL = (
    "datum.value >= 86400 ? format(datum.value / 86400, '~g') + ' d'"
    " : datum.value >= 3600 ? format(datum.value / 3600, '~g') + ' h'"
    " : datum.value >= 60 ? format(datum.value / 60, '~g') + ' min'"
    " : format(datum.value, '~g') + ' s'"
)


def _map_value(fact: str, value: Any) -> str:
    return format_fact(fact, value)


def record_tab(a: Assessment) -> None:
    st.markdown("##### Decision record")
    st.session_state.setdefault("adr_template", "madr")
    st.session_state.setdefault("adr_status", "proposed")
    st.session_state.setdefault("adr_date", today())
    st.session_state.setdefault("adr_view", "Preview")
    c1, c2, c3 = st.columns([3, 2, 2])
    template = c1.segmented_control(
        "Format",
        list(ADR_TEMPLATES),
        key="adr_template",
        format_func=ADR_TEMPLATES.__getitem__,
        required=True,
        help="MADR 4 (Markdown Architectural Decision Records) or Nygard's format as adr-tools writes it.",
    )
    status = c2.selectbox("Status", ("proposed", "accepted"), key="adr_status", help="Proposed until the team agrees.")
    date = c3.date_input("Date", key="adr_date", help="The date written in the record.")
    adr: str | None = None
    try:
        adr = adr_text(a, template, status, date)
    except AdvisorError as exc:
        st.error(f"The record cannot be written: {friendly(exc)}")
    d1, d2 = st.columns(2)
    if adr is not None:
        d1.download_button(
            f"Download the record ({ADR_TEMPLATES[template]})",
            data=adr.encode("utf-8"),
            file_name=f"{slug(record_title(a))}.md",
            mime="text/markdown",
            key="download_adr",
            on_click="ignore",
            icon=":material/description:",
            type="primary",
            width="stretch",
            help="Markdown to commit next to the code, e.g. as docs/decisions/NNNN-title.md. "
            "`advisor adr` writes the same record with the next free number.",
        )
    d2.download_button(
        "Download the assessment (JSON)",
        data=lambda: assessment_json(a),
        file_name=f"{slug(a.workload.name)}.json",
        mime="application/json",
        key="download_json",
        on_click="ignore",
        icon=":material/data_object:",
        width="stretch",
        help="Exactly what `advisor recommend --format json` prints for these answers.",
    )
    if adr is None:
        return
    view = st.segmented_control(
        "View", ("Preview", "Markdown source"), key="adr_view", required=True, label_visibility="collapsed"
    )
    with st.container(border=True, height=640, key="adr_preview"):
        if view == "Markdown source":
            st.code(adr, language="markdown", wrap_lines=True)
        else:
            front, body = split_front_matter(adr)
            if front:
                st.caption(" · ".join(md(line) for line in front.splitlines() if line.strip()))
            st.markdown(preview_markdown(body))


ADR_TEMPLATES = {"madr": "MADR 4", "nygard": "Nygard"}


def adr_text(a: Assessment, template: str, status: str, date: datetime.date) -> str:
    """The record as the CLI writes it: the same function, the same arguments."""
    return render_adr(a, template=template, status=status, date=date)


_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
_FENCE = re.compile(r"^(`{3,}|~{3,})")
# Streamlit's own Markdown extensions: $maths$ and :colour[text] directives.
_STREAMLIT_SYNTAX = re.compile(r"(\$|:(?=[a-z-]+\[))")


def split_front_matter(text: str) -> tuple[str, str]:
    match = _FRONT.match(text)
    return (match.group(1), text[match.end() :]) if match else ("", text)


def preview_markdown(body: str) -> str:
    """The record for st.markdown: outside code fences, a dollar is a dollar, not maths."""
    out, fence = [], ""
    for line in body.splitlines():
        opened = _FENCE.match(line.lstrip())
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
        elif opened:
            fence = opened.group(1)
        else:
            line = _STREAMLIT_SYNTAX.sub(r"\\\1", line)
        out.append(line)
    return "\n".join(out)


def assessment_json(a: Assessment) -> str:
    return dump_json(a.model_dump(mode="json"))


# -- the page ---------------------------------------------------------------------------------------

TABS = ("Overview", "Cost", "Latency & capacity", "Risks", "Why", "Decision map", "Decision record")


def results(
    profile: WorkloadProfile | None, error: AdvisorError | None, ruleset: RuleSet, weights: dict[str, float]
) -> None:
    if profile is None:
        st.error(
            f"The answers are not complete yet. {friendly(error)}" if error else "The answers are not complete yet."
        )
        return
    try:
        assessment = advisor.assess(profile, ruleset, weights=weights)
    except AdvisorError as exc:
        st.error(f"The advisor cannot assess these answers. {friendly(exc)}")
        return
    headline(assessment, weights != ruleset.weights)
    for note in sanity_notes(profile):
        st.info(note)
    tabs = st.tabs(TABS, key="result_tab", on_change="rerun")
    views: dict[str, Callable[[], None]] = {
        "Overview": lambda: overview_tab(assessment),
        "Cost": lambda: cost_tab(assessment),
        "Latency & capacity": lambda: latency_tab(assessment),
        "Risks": lambda: risks_tab(assessment),
        "Why": lambda: why_tab(assessment),
        "Decision map": lambda: map_tab(profile, ruleset, weights),
        "Decision record": lambda: record_tab(assessment),
    }
    for label, tab in zip(TABS, tabs):
        if tab.open:
            with tab:
                views[label]()


def sanity_notes(profile: WorkloadProfile) -> list[str]:
    """Answers that are valid but probably not what was meant."""
    notes = []
    peak = profile.peak_requests_per_minute
    average = profile.average_requests_per_minute
    if peak is not None and peak < average:
        notes.append(
            f"The peak ({peak:,.1f} a minute) is below the monthly average ({average:,.1f} a minute); "
            "the advisor uses the average."
        )
    if profile.requests_per_month == 0:
        notes.append("With no requests a month, every mode costs only its build and infrastructure.")
    if profile.input_tokens == 0 and profile.output_tokens == 0:
        notes.append("A request with no input and no output tokens costs nothing and takes no time.")
    return notes


# Less empty space above the title than Streamlit's default; the record preview's headings
# sized for a panel, not a page.
PAGE_STYLE = """<style>
[data-testid='stMainBlockContainer'] { padding-top: 2.5rem; }
.st-key-adr_preview h1 { font-size: 1.6rem; }
.st-key-adr_preview h2 { font-size: 1.25rem; }
.st-key-adr_preview h3 { font-size: 1.05rem; }
</style>"""


def main() -> None:
    st.set_page_config(page_title="Execution-mode advisor", page_icon=":material/alt_route:", layout="wide")
    st.html(PAGE_STYLE)
    try:
        ruleset = load_ruleset()
    except AdvisorError as exc:
        st.error(f"The rule set could not be loaded: {md(str(exc))}")
        st.stop()
    scenarios, problems = load_scenarios()
    catalogue = load_catalogue()
    init_session(scenarios, ruleset)

    profile: WorkloadProfile | None = None
    error: AdvisorError | None = None
    try:
        profile = parse_profile(answers_from_state(st.session_state), source="")
    except AdvisorError as exc:
        error = exc
    weights = weights_from_state(ruleset)
    sidebar(ruleset, scenarios, problems, profile)

    st.markdown("## Execution-mode advisor")
    st.caption(
        "Should this LLM feature call its model synchronously, stream, run as an async job or go through a "
        "batch API? Answer for one feature; the recommendation, the money and the reasons follow every answer."
    )
    left, right = st.columns([5, 7], gap="large")
    with left:
        questionnaire(ruleset, catalogue)
    with right:
        results(profile, error, ruleset, weights)


if __name__ == "__main__":
    main()
