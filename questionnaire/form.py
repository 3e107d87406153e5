"""The questions, one bordered group per axis; every answer is a widget keyed ``q_<field>``."""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from advisor.core.cost import (
    AMORTISATION_MONTHS,
    ENGINEERING_PERSON_WEEKS,
    INFRA_USD_PER_MONTH,
    USD_PER_PERSON_WEEK,
)
from advisor.core.profile import MODES
from advisor.core.rules import RuleSet
from advisor.core.variables import field_range
from questionnaire.session import on_provider
from questionnaire.state import BUDGET_UNITS, md
from questionnaire.vocabulary import FIELD_LABELS, HELP, Words


def _select(words: Words, field: str, label: str, help_key: str | None = None, **kw: Any) -> None:
    labels = words.choices(field) or {}
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


def questions(ruleset: RuleSet, catalogue: dict[str, tuple[str, ...]]) -> None:
    words = Words(ruleset)
    with st.container(border=True):
        st.markdown("**The feature**")
        st.text_input(FIELD_LABELS["name"], key="q_name", max_chars=200, help=HELP["name"])
        st.text_area(
            FIELD_LABELS["description"], key="q_description", max_chars=5000, height=80, help=HELP["description"]
        )
        _select(words, "current_mode", FIELD_LABELS["current_mode"])

    with st.container(border=True):
        _axis_header(ruleset, 1, "ux_contract", "UX contract")
        _select(words, "interaction", FIELD_LABELS["interaction"])

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
            a, b = st.columns(2)
            a.text_input(
                "Account tier", key="q_tier", placeholder="the provider's default",
                help="The tier whose rate limits apply, e.g. tier-3 at OpenAI or build at Anthropic.",
            )
            b.selectbox(
                "Service tier", ("standard", "flex", "priority"), key="q_service_tier",
                help="Flex (cheaper, slower) or priority processing, where the provider offers it for the model.",
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
                    f"{words.mode(mode)}: infrastructure (USD/month)",
                    f"q_infra_{mode}",
                    10.0,
                    "infra",
                    placeholder=f"{INFRA_USD_PER_MONTH[mode]:g}",
                )
                _money_input(
                    b,
                    f"{words.mode(mode)}: build effort (person-weeks)",
                    f"q_effort_{mode}",
                    0.5,
                    "effort",
                    placeholder=f"{ENGINEERING_PERSON_WEEKS[mode]:g}",
                )

    with st.container(border=True):
        _axis_header(ruleset, 4, "failure_retry", "Failure and audit")
        _select(words, "side_effects", FIELD_LABELS["side_effects"])
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
        _select(words, "downstream", FIELD_LABELS["downstream"])
        _select(words, "output_format", FIELD_LABELS["output_format"])


def _with_current(options: tuple[str, ...], current: str | None) -> list[str]:
    return list(options) if not current or current in options else [current, *options]
