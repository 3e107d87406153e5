"""The questions, one bordered group per axis; every answer is a widget keyed ``q_<field>``.

A wrong answer is marked right under its own question, in the question's words; the
axis priorities sit in an "Advanced" section at the end, each with its default.
"""

from __future__ import annotations

import datetime
from typing import Any

import streamlit as st

from advisor.core.clock import today
from advisor.core.cost import (
    AMORTISATION_MONTHS,
    ENGINEERING_PERSON_WEEKS,
    INFRA_USD_PER_MONTH,
    USD_PER_PERSON_WEEK,
)
from advisor.core.errors import InputError
from advisor.core.profile import DEFAULT_LATENCY_CORRELATION, DEFAULT_PEAK_MINUTES, MINUTES_PER_MONTH, MODES
from advisor.core.provider import offered_service_tiers
from advisor.core.rules import RuleSet
from advisor.core.variables import field_range
from advisor.views.formatting import count
from questionnaire.session import example_cleared, on_model, on_provider, on_use_steps, put_example_back, reset_weights
from questionnaire.state import BUDGET_UNITS, md
from questionnaire.step_editor import step_editor
from questionnaire.verdict import Shown
from questionnaire.vocabulary import FIELD_LABELS, HELP, Words

Problems = dict[str, list[str]]  # question (top-level field) -> its problems, as shown under it


def _mark(problems: Problems, *fields: str) -> None:
    """The problems of these questions, right under them."""
    for field in fields:
        for line in problems.get(field, ()):
            st.error(line, icon=":material/error:")


def _select(words: Words, field: str, label: str, help_key: str | None = None, **kw: Any) -> None:
    labels = words.choices(field) or {}
    st.selectbox(
        label, list(labels), format_func=labels.__getitem__, key=f"q_{field}", help=HELP[help_key or field], **kw
    )


def _axis_header(ruleset: RuleSet, index: int, axis_id: str, fallback: str) -> None:
    axis = next((a for a in ruleset.header.axes if a.id == axis_id), None)
    # A heading (h2, under the page's h1), not a bold line: a screen reader jumps between the axes.
    st.header(f"{index} · {md(axis.name if axis else fallback)}", anchor=False)
    if axis:
        st.caption(md(axis.question))


def _number(where: Any, field: str, label: str, step: float, **kw: Any) -> None:
    """A number question whose bounds are WorkloadProfile's own, checked there (never restated
    here): a widget given min_value or max_value drops a value outside them in the browser,
    silently, and the verdict would stay on the old one, unmarked. Without them every value
    reaches the profile, which marks it under its question in the question's words and labels
    the verdict stale. An integer field keeps whole-number steps.

    ``value=None`` (the answer itself is in the session state): a field emptied is None, an
    optional answer left blank ("estimated"), a required one "needs an answer"; with a
    default, Streamlit put its default (the minimum) in an emptied field, as if typed."""
    if field_range(field).integer:
        where.number_input(label, value=None, step=int(step), key=f"q_{field}", help=HELP[field], **kw)
    else:
        where.number_input(label, value=None, step=float(step), format="%g", key=f"q_{field}", help=HELP[field], **kw)


def _money_input(where: Any, label: str, key: str, step: float, help_key: str, **kw: Any) -> None:
    """An amount the profile bounds (prices, limits, costs): unbounded here, as ``_number``."""
    where.number_input(label, value=None, step=step, format="%g", key=key, help=HELP[help_key], **kw)


def _volume_in_words() -> None:
    """The monthly volume with its thousands separators and as an average rate: a number
    input shows 5000000, a person reads 5,000,000."""
    volume = st.session_state.get("q_requests_per_month")
    if isinstance(volume, int) and volume >= 10_000:
        st.caption(f"{count(volume)} requests a month, {count(volume / MINUTES_PER_MONTH)} a minute on average.")


def tokens_a_request(calls: Any, tokens_in: Any, tokens_out: Any, reasoning: Any) -> str:
    """The tokens of one request when it makes several calls: the token answers are one
    call's (as WorkloadProfile defines them), the bill is the request's. "" with one call or
    a blank answer. "(times) 3 chained calls = 27,000 input and 1,200 output tokens a request"."""
    if not isinstance(calls, int) or calls < 2 or not isinstance(tokens_in, int) or not isinstance(tokens_out, int):
        return ""
    thinking = f" (+ {count(calls * reasoning)} reasoning)" if isinstance(reasoning, int) and reasoning else ""
    return (
        f"\u00d7 {calls} chained calls = {count(calls * tokens_in)} input and {count(calls * tokens_out)} output "
        f"tokens{thinking} a request."
    )


def _tokens_a_request() -> None:
    state = st.session_state
    said = tokens_a_request(
        state.get("q_chained_calls"), state.get("q_input_tokens"), state.get("q_output_tokens"),
        state.get("q_reasoning_tokens"),
    )
    if said:
        st.caption(said)  # the fields' help says they are one call's


def _note(notes: dict[str, str], *fields: str) -> None:
    for field in fields:
        if field in notes:
            st.info(md(notes[field]), icon=":material/info:")


def _example_cleared(words: Words) -> None:
    """Said where the answers were cleared: a feature renamed away from its worked example does
    not keep the example's description and how it runs today."""
    cleared = example_cleared()
    if cleared is None:
        return
    was = cleared["was"]
    what = ["description"] if "q_description" in was else []
    if "q_current_mode" in was:
        what.append(f"*{FIELD_LABELS['current_mode']}* ({md(words.mode(was['q_current_mode']))})")
    one = len(what) == 1
    st.info(
        f"A new name, so the example's {' and '.join(what)} {'was' if one else 'were'} cleared: "
        f"{'it' if one else 'they'} described *{md(cleared['example'])}*, not your feature.",
        icon=":material/info:",
    )
    st.button(
        "Put it back" if one else "Put them back", key="put_example_back", on_click=put_example_back,
        type="tertiary", icon=":material/undo:", help=f"The words of {md(cleared['example'])} again.",
    )


# Every question the form marks; a problem naming anything else is shown above the form.
MARKED = frozenset({
    "name", "description", "current_mode", "interaction", "latency_budget_s", "caller_timeout_s", "chained_calls",
    "tool_latency_s",
    "model_p50_s", "model_p95_s", "ttft_s", "output_tokens_per_s", "latency_correlation", "steps",
    "requests_per_month", "peak_requests_per_minute", "peak_minutes", "provider", "model", "tier", "service_tier",
    "input_tokens",
    "output_tokens", "reasoning_tokens", "cached_input_fraction", "pricing", "rate_limits", "costs",
    "side_effects", "retry_rate", "attempts_per_layer", "retry_layers", "downstream", "output_format", "weights",
})


def questions(
    ruleset: RuleSet,
    catalogue: dict[str, tuple[str, ...]],
    problems: Problems,
    notes: dict[str, str],
    shown: Shown | None = None,
) -> None:
    """Every question; ``problems`` marks wrong answers, ``notes`` valid ones that look unmeant,
    ``shown`` is the verdict the step editor's figures come from."""
    words = Words(ruleset)
    for field, texts in problems.items():
        if field not in MARKED:
            for text in texts:
                st.error(text, icon=":material/error:")
    with st.container(border=True, key="q_feature"):
        st.header("The feature", anchor=False)
        st.text_input(FIELD_LABELS["name"], key="q_name", max_chars=200, help=HELP["name"])
        _mark(problems, "name")
        _example_cleared(words)
        st.text_area(
            FIELD_LABELS["description"], key="q_description", max_chars=5000, height=80, help=HELP["description"]
        )
        _mark(problems, "description")
        _select(words, "current_mode", FIELD_LABELS["current_mode"])
        _mark(problems, "current_mode")

    with st.container(border=True, key="q_axis_ux"):
        _axis_header(ruleset, 1, "ux_contract", "UX contract")
        _select(words, "interaction", FIELD_LABELS["interaction"])
        _mark(problems, "interaction")

    with st.container(border=True, key="q_axis_latency"):
        _axis_header(ruleset, 2, "latency", "Latency")
        value, unit = st.columns([3, 2])
        # In the chosen unit; unbounded, as _number: the profile checks it in seconds and says what is allowed.
        value.number_input(
            FIELD_LABELS["latency_budget_s"], value=None, step=1.0, format="%g", key="q_budget", help=HELP["budget"]
        )
        unit.selectbox("Unit", list(BUDGET_UNITS), key="q_budget_unit", help=HELP["budget_unit"])
        _mark(problems, "latency_budget_s")
        _number(
            st, "caller_timeout_s", FIELD_LABELS["caller_timeout_s"] + " (s, optional)", 1.0, placeholder="none stated"
        )
        _mark(problems, "caller_timeout_s")
        stepped = st.toggle(
            "Describe the calls as steps", key="q_use_steps", on_change=on_use_steps, help=HELP["use_steps"]
        )
        if stepped:
            step_editor(problems, shown)
        else:
            calls, tools = st.columns(2)
            _number(calls, "chained_calls", FIELD_LABELS["chained_calls"], 1)
            _number(tools, "tool_latency_s", "Tool time per request (s)", 0.1)
            _mark(problems, "chained_calls", "tool_latency_s")
        speed = ("model_p50_s", "model_p95_s", "ttft_s", "output_tokens_per_s", "latency_correlation")
        title = "How the calls' latencies move together (optional)" if stepped else "Measured model speed (optional)"
        with st.expander(title, expanded=any(f in problems for f in speed)):
            if not stepped:
                p50, p95 = st.columns(2)
                _number(p50, "model_p50_s", f"{FIELD_LABELS['model_p50_s']} (s)", 0.5, placeholder="estimated")
                _number(p95, "model_p95_s", f"{FIELD_LABELS['model_p95_s']} (s)", 0.5, placeholder="estimated")
                ttft, tps = st.columns(2)
                _number(ttft, "ttft_s", f"{FIELD_LABELS['ttft_s']} (s)", 0.1, placeholder="model default")
                _number(tps, "output_tokens_per_s", "Output speed (tokens/s)", 10, placeholder="model default")
            _number(
                st, "latency_correlation", "Correlation between the calls' latencies (0 to 1)", 0.1,
                placeholder=f"{DEFAULT_LATENCY_CORRELATION:g}, the advisor's default",
            )
            _mark(problems, *speed)

    with st.container(border=True, key="q_axis_cost"):
        _axis_header(ruleset, 3, "cost_burst", "Volume, tokens and cost")
        volume, peak = st.columns(2)
        _number(volume, "requests_per_month", FIELD_LABELS["requests_per_month"], 1000)
        _number(
            peak, "peak_requests_per_minute", FIELD_LABELS["peak_requests_per_minute"], 10, placeholder="flat month"
        )
        _number(
            peak, "peak_minutes", FIELD_LABELS["peak_minutes"] + " (minutes)", 5,
            placeholder=f"{DEFAULT_PEAK_MINUTES:g}: the busy hour",
        )
        _mark(problems, "requests_per_month", "peak_requests_per_minute", "peak_minutes")
        if "requests_per_month" not in problems:  # a volume out of bounds is not read back beneath its error
            _volume_in_words()
        _note(notes, "requests_per_month", "peak_requests_per_minute")
        provider, model = st.columns(2)
        providers = _with_current(tuple(catalogue), st.session_state.get("q_provider"))
        provider.selectbox(
            FIELD_LABELS["provider"],
            providers,
            key="q_provider",
            accept_new_options=True,
            help=HELP["provider"],
            on_change=on_provider,
            args=(catalogue, ruleset),
        )
        provider_key = str(st.session_state.get("q_provider") or "")
        try:
            day = today()
        except InputError:  # a malformed $ADVISOR_TODAY: the page says so; the picker goes by the catalogue's date
            day = ruleset.catalogue.data.compiled_on
        models = _with_current(
            _known_first(
                ruleset, provider_key,
                tuple(m for m in catalogue.get(provider_key, ()) if not _shut_down(ruleset, provider_key, m, day)),
            ),
            st.session_state.get("q_model"),
        )
        model.selectbox(
            FIELD_LABELS["model"],
            models,
            key="q_model",
            format_func=lambda m: _model_label(ruleset, provider_key, m, day),
            accept_new_options=True,
            placeholder="choose or type a model",
            help=HELP["model"],
            on_change=on_model,
            args=(catalogue,),
        )
        _mark(problems, "provider", "model")
        _tiers(ruleset)
        _mark(problems, "tier", "service_tier")
        if stepped:
            st.caption("Tokens, reasoning and the prompt cache: per step, in the steps above. The model here is the "
                       "one a step with a blank model calls.")
        else:
            tokens_in, tokens_out = st.columns(2)
            _number(tokens_in, "input_tokens", FIELD_LABELS["input_tokens"], 100)
            _number(tokens_out, "output_tokens", FIELD_LABELS["output_tokens"], 50)
            # A row of its own, below both: in the input's column, Tab went input, reasoning, output.
            reasoning, _ = st.columns(2)
            _number(reasoning, "reasoning_tokens", FIELD_LABELS["reasoning_tokens"], 100, placeholder="none stated")
            _mark(problems, "input_tokens", "output_tokens", "reasoning_tokens")
            _tokens_a_request()
            _note(notes, "input_tokens", "output_tokens")
            st.slider(
                FIELD_LABELS["cached_input_fraction"],
                min_value=0.0,
                max_value=1.0,
                step=0.01,
                format="percent",
                key="q_cached_input_fraction",
                help=HELP["cached_input_fraction"],
            )
            _mark(problems, "cached_input_fraction")
        own = ("pricing", "rate_limits")  # tier and service tier are asked beside the model
        with st.expander("Your own prices and rate limits", expanded=any(f in problems for f in own)):
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
                value=None,
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
            _mark(problems, *own)
        with st.expander("Build and run cost (optional)", expanded="costs" in problems):
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
                value=None,
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
            _mark(problems, "costs")

    with st.container(border=True, key="q_axis_failure"):
        _axis_header(ruleset, 4, "failure_retry", "Failure and audit")
        _select(words, "side_effects", FIELD_LABELS["side_effects"])
        _mark(problems, "side_effects")
        st.slider(
            FIELD_LABELS["retry_rate"],
            min_value=0.0,
            max_value=1.0,
            step=0.01,
            format="percent",
            key="q_retry_rate",
            help=HELP["retry_rate"],
        )
        _mark(problems, "retry_rate")
        a, b = st.columns(2)
        _number(a, "attempts_per_layer", FIELD_LABELS["attempts_per_layer"], 1)
        _number(b, "retry_layers", FIELD_LABELS["retry_layers"], 1)
        _mark(problems, "attempts_per_layer", "retry_layers")

    with st.container(border=True, key="q_axis_downstream"):
        _axis_header(ruleset, 5, "downstream", "Downstream")
        _select(words, "downstream", FIELD_LABELS["downstream"])
        _mark(problems, "downstream")
        _select(words, "output_format", FIELD_LABELS["output_format"])
        _mark(problems, "output_format")

    advanced(ruleset, problems)


def advanced(ruleset: RuleSet, problems: Problems) -> None:
    """How much each axis counts: the rule set's defaults, changed only on purpose."""
    axes = ruleset.header.axes
    zero = [axis for axis in axes if not st.session_state.get(f"q_w_{axis.id}")]
    with st.expander("Advanced: how much each axis counts", expanded=bool(zero) or "weights" in problems,
                     icon=":material/tune:"):
        st.caption(
            "The ranking weighs each axis's score by its priority. The defaults come from the rule set's authors; "
            "change them to match your organisation's priorities."
        )
        for axis in axes:
            top = max(10.0, float(axis.weight) * 2)
            st.slider(
                f"{md(axis.name)} (default {axis.weight:g})",
                min_value=0.0,
                max_value=top,
                step=0.5,
                format="%g",
                key=f"q_w_{axis.id}",
                help=md(axis.question),
            )
            if axis in zero:
                st.warning(f"At 0, *{md(axis.name)}* is ignored: it no longer counts in the ranking.")
        _mark(problems, "weights")
        st.button(
            "Reset to the defaults",
            on_click=reset_weights,
            args=(ruleset,),
            key="reset_weights",
            icon=":material/restart_alt:",
        )


def _tiers(ruleset: RuleSet) -> None:
    """The account tier (whose rate limits apply) and the service tier, as the provider's
    catalogue entry lists them; a value it does not list (from a file) is kept and marked."""
    provider_key = str(st.session_state.get("q_provider") or "").lower()
    provider = ruleset.catalogue.provider(provider_key)
    tiers = list(provider.tiers) if provider else []
    default = provider.default_tier if provider else None
    offered = ["standard", *(t for t in ("flex", "priority") if provider and getattr(provider, t))]
    model = st.session_state.get("q_model")
    if provider and model and not st.session_state.get("q_use_steps"):
        # Only the tiers the catalogue documents for this model: flex is not every model's.
        offered = list(offered_service_tiers(ruleset.catalogue, ruleset.catalogue.resolve(provider_key, str(model))))
    account, service = st.columns(2)
    account.selectbox(
        FIELD_LABELS["tier"],
        _with_current(("", *tiers), st.session_state.get("q_tier")),
        key="q_tier",
        format_func=lambda t: t or (f"Default: {default}" if default and default != "default" else "The default"),
        help=HELP["tier"],
    )
    service.selectbox(
        FIELD_LABELS["service_tier"],
        _with_current(tuple(offered), st.session_state.get("q_service_tier")),
        key="q_service_tier",
        help=HELP["service_tier"],
    )


def _shutdown(ruleset: RuleSet, provider: str, model: str) -> datetime.date | None:
    entry = ruleset.catalogue.resolve(provider, model).model
    return entry.shutdown.date if entry is not None and entry.shutdown is not None else None


def _shut_down(ruleset: RuleSet, provider: str, model: str, day: datetime.date) -> bool:
    """A model its provider has shut down by ``day``: not offered (the assessment refuses it)."""
    when = _shutdown(ruleset, provider, model)
    return when is not None and when <= day


def _known_first(ruleset: RuleSet, provider: str, models: tuple[str, ...]) -> tuple[str, ...]:
    """The models the provider catalogue knows (speed, limits, lifecycle) ahead of those only
    priced, with the retiring ones after those that stay: genai-prices lists OpenAI's models
    alphabetically, so the picker opened on ada and babbage (shut down in 2024)."""
    def rank(model: str) -> int:
        entry = ruleset.catalogue.resolve(provider, model).model
        if entry is None:
            return 2
        return 1 if entry.shutdown is not None else 0
    return tuple(sorted(models, key=rank))  # stable: each group keeps genai-prices' order


def _model_label(ruleset: RuleSet, provider: str, model: object, day: datetime.date) -> str:
    """A model as the picker shows it: with its shutdown date where one is announced, as the rule
    reference marks it ('gpt-4o-mini (shuts down 2027-01-14)')."""
    when = _shutdown(ruleset, provider, str(model))
    if when is None:
        return str(model)
    return f"{model} ({'shut down' if when <= day else 'shuts down'} {when})"


def _with_current(options: tuple[str, ...], current: str | None) -> list[str]:
    return list(options) if not current or current in options else [current, *options]
