"""Answers <-> session state, the workload file in and out, and error text as the page words it.

Pure functions over plain mappings (no Streamlit), so the round trips are property-tested.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, get_args

from advisor.core.errors import AdvisorError, UnknownModelError
from advisor.core.facts import FACTS
from advisor.core.files import decode_text
from advisor.core.profile import (
    MODES,
    SHORTHAND_FIELDS,
    CostOptions,
    Pricing,
    WorkloadProfile,
    parse_profile,
    profile_problems,
)
from advisor.core.validation import MAX_HINTS
from advisor.core.variables import field_range
from advisor.core.yamlio import dump_yaml, parse_yaml
from advisor.views.formatting import count, percent, seconds
from questionnaire.steps import BY_FIELD, apply_edits, rows_of, steps_of
from questionnaire.vocabulary import FIELD_LABELS, NOT_BUILT, question_label

# Milliseconds: a real-time budget is said in them (a voice turn's 500 ms); typed into a box that
# offered none, "milliseconds" matched nothing and the box stayed on seconds, so 800 meant 800 s.
BUDGET_UNITS = {"milliseconds": 0.001, "seconds": 1, "minutes": 60, "hours": 3600, "days": 86_400}
# The step editor's rows as loaded, and its edits since (Streamlit keeps a data editor's
# edits under its key; a new key, at each load, starts it afresh on new rows).
STEPS_ROWS = "q_steps"
STEPS_GENERATION = "q_steps_gen"
KEPT = "q_kept"
# The workload fields the form asks about; any other is kept as loaded (KEPT).
ASKED = frozenset({
    "name", "description", "interaction", "latency_budget_s", "caller_timeout_s", "chained_calls", "tool_latency_s",
    "model_p50_s", "model_p95_s", "ttft_s", "output_tokens_per_s", "input_tokens", "output_tokens", "reasoning_tokens",
    "cached_input_fraction", "latency_correlation", "output_format", "requests_per_month", "peak_requests_per_minute",
    "peak_minutes", "provider", "model", "tier", "service_tier", "retry_rate", "attempts_per_layer", "retry_layers",
    "downstream", "side_effects", "current_mode", "steps", "pricing", "rate_limits", "costs",
})


def steps_editor_key(state: Mapping[Any, Any]) -> str:
    return f"q_steps_editor_{state.get(STEPS_GENERATION, 0)}"


def step_rows(state: Mapping[Any, Any]) -> list[dict[str, Any]]:
    """The step editor's rows as they stand: the rows loaded, with the editor's edits."""
    return apply_edits(state.get(STEPS_ROWS) or [], state.get(steps_editor_key(state)))


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
    calls = _single_call(profile)
    state: dict[str, Any] = {
        "q_name": profile.name,
        "q_description": profile.description,
        "q_current_mode": profile.current_mode or NOT_BUILT,
        "q_interaction": profile.interaction,
        "q_budget": budget,
        "q_budget_unit": unit,
        "q_caller_timeout_s": _float(profile.caller_timeout_s),
        "q_use_steps": profile.steps is not None,
        STEPS_ROWS: rows_of(profile),
        "q_chained_calls": calls.chained_calls,
        "q_tool_latency_s": float(calls.tool_latency_s),
        "q_model_p50_s": _float(calls.model_p50_s),
        "q_model_p95_s": _float(calls.model_p95_s),
        "q_ttft_s": _float(calls.ttft_s),
        "q_output_tokens_per_s": _float(calls.output_tokens_per_s),
        "q_latency_correlation": _float(profile.latency_correlation),
        "q_requests_per_month": profile.requests_per_month,
        "q_peak_requests_per_minute": _float(profile.peak_requests_per_minute),
        "q_peak_minutes": _float(profile.peak_minutes),
        "q_provider": profile.provider,
        "q_model": profile.model,
        "q_input_tokens": calls.input_tokens,
        "q_output_tokens": calls.output_tokens,
        "q_reasoning_tokens": calls.reasoning_tokens,
        "q_cached_input_fraction": float(calls.cached_input_fraction),
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
        # Limits the form does not ask for yet, kept so a loaded workload loses nothing.
        "q_input_tpm": _float(limits.input_tpm) if limits else None,
        "q_output_tpm": _float(limits.output_tpm) if limits else None,
        "q_concurrency": _float(limits.concurrency) if limits else None,
        "q_tier": profile.tier or "",
        "q_service_tier": profile.service_tier,
        "q_usd_per_person_week": _float(costs.usd_per_person_week),
        "q_amortisation_months": costs.amortisation_months,
        "q_retry_rate": float(profile.retry_rate),
        "q_attempts_per_layer": profile.attempts_per_layer,
        "q_retry_layers": profile.retry_layers,
        "q_side_effects": profile.side_effects,
        "q_downstream": profile.downstream,
        # Fields the form does not ask about (a newer release's, say), kept as loaded.
        KEPT: {
            field: value for field, value in profile.model_dump(mode="json", exclude_none=True).items()
            if field not in ASKED
        },
    }
    infra = costs.infra_usd_per_month or {}
    weeks = costs.engineering_person_weeks or {}
    for mode in MODES:
        state[f"q_infra_{mode}"] = _float(infra.get(mode))
        state[f"q_effort_{mode}"] = _float(weeks.get(mode))
    return state


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)


def _single_call(profile: WorkloadProfile) -> WorkloadProfile:
    """The single-call answers: the workload's own, or, for a workload given as steps, its
    shown step's call, repeated as often as the request calls a model, with all its tool
    time (where the form starts should the person switch back to one call)."""
    if profile.steps is None:
        return profile
    steps = profile.steps
    shown = next((s for s in steps if s.shown), steps[-1])
    calls = sum(s.repeat for s in steps)
    return profile.model_copy(
        update={
            "chained_calls": min(calls, int(field_range("chained_calls").high)),
            "tool_latency_s": min(sum(s.repeat * s.tool_latency_s for s in steps), field_range("tool_latency_s").high),
            "input_tokens": shown.input_tokens,
            "output_tokens": shown.output_tokens,
            "reasoning_tokens": shown.reasoning_tokens,
            "cached_input_fraction": shown.cached_input_fraction,
            "model_p50_s": shown.model_p50_s,
            "model_p95_s": shown.model_p95_s,
            "ttft_s": shown.ttft_s,
            "output_tokens_per_s": shown.output_tokens_per_s,
        }
    )


def answers_from_state(state: Mapping[Any, Any]) -> dict[str, Any]:
    """The workload mapping the answers describe; blank optional answers are left out."""
    answers: dict[str, Any] = {
        "name": state["q_name"],
        "description": state["q_description"],
        "interaction": state["q_interaction"],
        "latency_budget_s": _budget_seconds(state["q_budget"], state["q_budget_unit"]),
        "caller_timeout_s": state.get("q_caller_timeout_s"),
        "chained_calls": state["q_chained_calls"],
        "tool_latency_s": state["q_tool_latency_s"],
        "model_p50_s": state.get("q_model_p50_s"),
        "model_p95_s": state["q_model_p95_s"],
        "ttft_s": state["q_ttft_s"],
        "output_tokens_per_s": state["q_output_tokens_per_s"],
        "input_tokens": state["q_input_tokens"],
        "output_tokens": state["q_output_tokens"],
        "reasoning_tokens": state.get("q_reasoning_tokens"),
        "cached_input_fraction": state["q_cached_input_fraction"],
        "latency_correlation": state.get("q_latency_correlation"),
        "output_format": state["q_output_format"],
        "requests_per_month": state["q_requests_per_month"],
        "peak_requests_per_minute": state["q_peak_requests_per_minute"],
        "peak_minutes": state.get("q_peak_minutes"),
        "provider": state["q_provider"],
        "model": state["q_model"] or None,
        "tier": (state.get("q_tier") or "").strip() or None,
        "service_tier": state.get("q_service_tier") or "standard",
        "retry_rate": state["q_retry_rate"],
        "attempts_per_layer": state["q_attempts_per_layer"],
        "retry_layers": state["q_retry_layers"],
        "downstream": state["q_downstream"],
        "side_effects": state["q_side_effects"],
        "current_mode": None if state["q_current_mode"] == NOT_BUILT else state["q_current_mode"],
    }
    if state.get("q_use_steps"):
        # The calls as steps: the single-call answers are kept for the switch back, not sent.
        for field in SHORTHAND_FIELDS:
            answers.pop(field, None)
        answers["steps"] = steps_of(step_rows(state))
    if state["q_use_pricing"]:
        answers["pricing"] = _present(
            input_per_mtok=state["q_input_per_mtok"],
            output_per_mtok=state["q_output_per_mtok"],
            cached_input_per_mtok=state["q_cached_input_per_mtok"],
            batch_discount=state["q_batch_discount"],
        )
    if state["q_use_limits"]:
        answers["rate_limits"] = _present(
            rpm=state["q_rpm"], tpm=state["q_tpm"], input_tpm=state.get("q_input_tpm"),
            output_tpm=state.get("q_output_tpm"), concurrency=state.get("q_concurrency"),
        )
    costs = _present(
        usd_per_person_week=state["q_usd_per_person_week"],
        amortisation_months=state["q_amortisation_months"],
        infra_usd_per_month=_present(**{m: state[f"q_infra_{m}"] for m in MODES}) or None,
        engineering_person_weeks=_present(**{m: state[f"q_effort_{m}"] for m in MODES}) or None,
    )
    if costs:
        answers["costs"] = costs
    return {**(state.get(KEPT) or {}), **_present(**answers)}


def _budget_seconds(value: float | None, unit: str) -> float | None:
    if value is None:
        return None
    # Divided, not multiplied by 0.001: 700 ms is 0.7 s, not 0.7000000000000001.
    return value / 1000 if unit == "milliseconds" else value * BUDGET_UNITS[unit]


def _present(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def answers_yaml(profile: WorkloadProfile) -> str:
    """The answers as a workload file that ``advisor recommend`` and this app read back."""
    data = profile.model_dump(mode="json", exclude_defaults=True)
    return dump_yaml(data, width=100)


def read_upload(name: str, content: bytes) -> WorkloadProfile:
    """A workload YAML file from the browser; every problem is an InputError naming the file."""
    return parse_profile(parse_yaml(decode_text(content, name), source=name), source=name)


def upload_problems(name: str, content: bytes) -> list[AdvisorError]:
    """Every problem of an uploaded workload file (read_upload stops at the first)."""
    try:
        data = parse_yaml(decode_text(content, name), source=name)
    except AdvisorError as exc:  # unreadable: one problem, the file's
        return [exc]
    if not isinstance(data, dict):
        try:
            parse_profile(data, source=name)
        except AdvisorError as exc:
            return [exc]
    return list[AdvisorError](profile_problems(data, source=name))


# The problems of a file that did not load, listed at most this many: a file of 100,000 unknown
# keys (under the 1 MB bound) listed each, 54 MB of text in one box for the browser to draw.
# The first ones are those with a did-you-mean (validation.MAX_HINTS); the rest are counted.
MAX_LISTED_PROBLEMS = MAX_HINTS


def load_errors_text(errors: list[str]) -> str:
    """The box above the form when a file did not load: how many problems, and the first
    MAX_LISTED_PROBLEMS of them, each the user's text made inert."""
    how_many = f"{len(errors):,} problems" if len(errors) > 1 else "a problem"
    listed = [f"- {md(e)}" for e in errors[:MAX_LISTED_PROBLEMS]]
    if len(errors) > MAX_LISTED_PROBLEMS:
        listed.append(f"- and {len(errors) - MAX_LISTED_PROBLEMS:,} more, not listed here: fix these first")
    return f"That file was not loaded; it has {how_many}:\n\n" + "\n".join(listed)


def answer_problems(answers: Mapping[str, Any]) -> list[AdvisorError]:
    """Every problem of the questionnaire's answers, each naming its field (a step's by the
    step's name: the grid has no row numbers)."""
    return list[AdvisorError](profile_problems(answers, source=""))


def problems_by_question(errors: list[AdvisorError]) -> dict[str, list[str]]:
    """Each problem as the line shown under its question ("**Feature name**: give the
    feature a name"), by the question (top-level field) it belongs to."""
    lines: dict[str, list[str]] = {}
    for error in errors:
        # A problem of no question names what it is about (a file, $ADVISOR_TODAY) as the CLI does.
        named = (
            f"**{md(question_label(error.field))}**: " if error.field
            else f"{md(error.source)}: " if error.source else ""
        )
        lines.setdefault(question_of(error), []).append(named + in_question_words(error))
    return lines


def question_of(error: AdvisorError) -> str:
    """The question a problem belongs to: its top-level field ("pricing.input_per_mtok" is
    the own-prices question), or "" when it names none."""
    return (error.field or "").split(".")[0]


def in_question_words(error: AdvisorError) -> str:
    """A problem as the question it marks words it: what is allowed, in the question's unit
    ("must be between 10 ms and 30 days"), never a field name or a library's phrasing."""
    field = error.field or ""
    top = field.split(".")[0]
    message = error.message
    if top == "steps":
        return _step_words(field, message, isinstance(error, UnknownModelError))
    if isinstance(error, UnknownModelError):
        message = message.replace("close matches: none; ", "").replace(
            "or give a 'pricing' override", "or turn on *Use my own prices* under *Your own prices and rate limits*"
        )
        return md(message).replace("\\*", "*")
    if field == top and _numeric(top):
        if message.startswith(("input should be", "must be a finite number")):  # out of its bounds
            return f"must be {_bounds(top)}"
        # Within its bounds but not with another answer ("at least model_p50_s"): that answer by its question.
        message = _FIELD_NAME.sub(lambda m: f"the {FIELD_LABELS[m.group()].lower()}", _GOT.sub("", message))
    if message.startswith("string should have at least 1 character"):
        return {"name": "give the feature a name", "model": "choose or type a model"}.get(top, "cannot be empty")
    if message == "required field is missing":
        return "needs an answer"
    if message.startswith("required field is missing (or describe the calls as 'steps'"):  # the file's words
        return "needs an answer (or switch on *Describe the calls as steps*)"
    if top == "rate_limits" and message.startswith("give at least one of"):  # the form asks for two of them
        return "give the requests or the tokens per minute, or switch off *Use my rate limits*"
    return md(_LIBRARY_WORDS.sub("must be", message))


_LIBRARY_WORDS = re.compile(r"^input should be")
# A field's name in a message ("model_p50_s"); a plain word ("steps", "model") is left as it is.
_FIELD_NAME = re.compile(r"\b(?:" + "|".join(sorted((f for f in FIELD_LABELS if "_" in f), key=len)[::-1]) + r")\b")
_GOT = re.compile(r" \(got .*\)$", re.DOTALL)


def _step_words(field: str, message: str, unknown_model: bool) -> str:
    """A problem with a step, as the step editor words it: the cell's bounds, the steps'
    own rules, never the list's raw contents."""
    part = field.rpartition(".")[2]
    if unknown_model:
        message = message.replace("close matches: none; ", "").replace(
            "or give a 'pricing' override", "or type a model the provider lists (blank: the workload's model)"
        )
        return md(message)
    column = BY_FIELD.get(part)
    if column is not None and column.kind in ("int", "float", "share") and message.startswith("input should be"):
        low, high = column.bounds()
        kind = "a whole number " if column.kind == "int" else ""
        if column.kind == "share":
            return "must be between 0% and 100%"
        shown = seconds if part.endswith("_s") else count
        if high is None:
            return f"must be {kind}at least {shown(low or 0)}"
        return f"must be {kind}between {shown(low or 0)} and {shown(high)}"
    if message.startswith("must have at least 1 item"):
        return "add at least one step (or switch off *Describe the calls as steps*)"
    if message.startswith("string should have at least 1 character") or message == "required field is missing":
        return "needs an answer"
    return md(_LIBRARY_WORDS.sub("must be", _GOT.sub("", message)))


def _numeric(field: str) -> bool:
    """A number question (its answer the user typed, shown right above the problem)."""
    spec = WorkloadProfile.model_fields.get(field)
    return spec is not None and bool({spec.annotation, *get_args(spec.annotation)} & {int, float})


def _bounds(field: str) -> str:
    """The field's own bounds in its unit: "between 10 ms and 30 days", "at least 0"."""
    rng = field_range(field)
    unit = FACTS[field].unit if field in FACTS else ""
    kind = "a whole number " if rng.integer else ""
    if math.isinf(rng.high):
        return f"{kind}{'more than' if rng.low_open else 'at least'} {_in_unit(rng.low, unit)}"
    return f"{kind}between {_in_unit(rng.low, unit)} and {_in_unit(rng.high, unit)}"


def _in_unit(value: float, unit: str) -> str:
    if unit == "s":
        return seconds(value)
    if unit == "fraction":
        return percent(value)
    return count(value)


def friendly(error: AdvisorError) -> str:
    """An error as the questionnaire words it: the question first, then what is allowed;
    an error about a file names the file."""
    if error.field and not error.source and error.field.split(".")[0] in FIELD_LABELS:
        return f"**{md(question_label(error.field))}**: {in_question_words(error)}"
    return md(str(error))


# "/" too: Streamlit draws ":material/home:" as an icon, both colons escaped or not, until
# the slash is.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:/])")


def md(text: str) -> str:
    """User text made inert in Markdown: no links, emphasis, colours, icons, emoji or maths."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
