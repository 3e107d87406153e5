"""Decision records: MADR and Nygard ADRs of an assessment, and ``advisor verify``.

``render_adr`` turns an Assessment into Markdown through a Jinja2 template in ``reports/``
(or the user's own, rendered in a sandbox). Every record embeds its exact inputs in a
fenced ``yaml advisor-record`` block, so ``verify`` can re-evaluate it later under the
rules and prices of the day and say whether the decision still holds.

Free text is data: templates never see user text as template source, and every value
printed by a template is Markdown-escaped unless a filter already made it Markdown.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import to_jsonable_python

from . import markdown
from .assessment import Assessment, assess, today
from .errors import AdvisorError, InputError
from .files import create_exclusive, write_atomic
from .profile import MODES, Mode, parse_profile
from .resources import shipped_dir
from .summary import money, seconds
from .yamlio import MAX_FILE_BYTES, parse_yaml

TEMPLATES = {"madr": "madr.md.j2", "nygard": "nygard.md.j2"}
STATUSES = ("proposed", "accepted", "rejected", "deprecated")
DEFAULT_DIR = "docs/decisions"
INPUTS_INFO = "yaml advisor-record"  # the info string of the fenced block verify reads

MODE_LABELS: dict[str, str] = {
    "sync": "Synchronous call",
    "streaming": "Streaming response",
    "async": "Asynchronous job",
    "batch": "Batch API",
}
MODE_VERBS: dict[str, str] = {
    "sync": "call the model synchronously",
    "streaming": "stream the answer",
    "async": "run the model as an asynchronous job",
    "batch": "send requests through the Batch API",
}
MODE_PHRASES: dict[str, str] = {
    "sync": "a synchronous call",
    "streaming": "a streaming response",
    "async": "an asynchronous job",
    "batch": "batch jobs through the Batch API",
}
_INTERACTION = {
    "chat": "A person converses with the model and reads the answer as it is written.",
    "inline_edit": "A person edits inline (autocomplete, rewrite) and waits for the suggestion.",
    "request_response": "A person clicks and waits to read, edit or act on the answer in the same session.",
    "submit_and_notify": "A person submits the work, gets back to something else and is told when the result is ready.",
    "service_call": "Another service waits for the whole answer in its own request path.",
    "pipeline": "No one waits: the work runs in the background (scheduled, bulk or pipeline).",
}
_DOWNSTREAM = {
    "own_ui": "The output is shown in the product's own user interface.",
    "internal_service": "The output is consumed by an internal service.",
    "external_api": "The output is returned to external API customers, who build on its contract.",
    "compliance_critical": "The output feeds a financial, legal or compliance system that needs an audit trail.",
}
_SIDE_EFFECTS = {
    "none": "Repeating a request has no side effect.",
    "idempotent": "Repeating a request is safe (idempotent).",
    "non_idempotent": "Repeating a request repeats its side effect (not idempotent), so every retry needs an idempotency key.",
}
_OUTPUT = {"text": "prose text", "json": "structured JSON", "embedding": "an embedding vector"}
_WAITING_USER = {"chat", "inline_edit", "request_response", "submit_and_notify"}
_MIGRATION_SOURCE = "004_5230b8ac56ced4ba.txt § The migration trap, and how to avoid it"


# -- record links -------------------------------------------------------------------


@dataclass(frozen=True)
class RecordLink:
    """Another record: its number, its title as Markdown, its file name (same folder)."""

    number: int
    title: str | None = None
    file: str | None = None

    @property
    def text(self) -> Markup:
        """The link as adr-tools writes it: ``[N. Title](file)``."""
        title = self.title or f"ADR-{self.number:04d}"
        if not re.match(rf"^0*{self.number}\.\s", title):
            title = f"{self.number}. {title}"
        if self.file is None:
            return Markup(title)
        return Markup(f"[{title}]({self.file})")


# -- the template context ----------------------------------------------------------


def record_title(assessment: Assessment) -> str:
    """The record's title, plain text: "<workload name>: <what we decided>"."""
    return f"{assessment.workload.name}: {MODE_VERBS[assessment.recommendation]}"


def _lower_first(text: str) -> str:
    """"The user..." -> "the user..." after "because"; "UX ..." and "OpenAI ..." stay as they are."""
    if re.match(r"[A-Z][a-z]*\b(?![-'/.])", text) and not re.match(r"[A-Z][a-z]*[A-Z]", text):
        return text[0].lower() + text[1:]
    return text


def _count(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:,.1f}"


def _pct(value: float) -> str:
    if value == 0 or abs(value) >= 0.01:
        return f"{value:.0%}"
    return f"{value:.2%}" if abs(value) >= 0.0001 else "less than 0.01%"


def _workload_words(a: Assessment) -> list[str]:
    w = a.workload
    sentences = [_INTERACTION[w.interaction]]
    peak = (
        f", peaking at {_count(w.peak_requests_per_minute)} a minute"
        if w.peak_requests_per_minute is not None
        else " (no peak rate given: the monthly average is used)"
    )
    sentences.append(
        f"It makes {w.requests_per_month:,} requests a month{peak}; each sends about {w.input_tokens:,} input tokens"
        f" and receives about {w.output_tokens:,} output tokens of {_OUTPUT[w.output_format]}"
        f" from {w.provider}/{w.model}."
    )
    chain = ""
    if w.chained_calls > 1 or w.tool_latency_s:
        chain = f" Each request makes {w.chained_calls} model call{'s' if w.chained_calls > 1 else ''} in sequence"
        chain += f" plus {seconds(w.tool_latency_s)} of tool time." if w.tool_latency_s else "."
    sentences.append(f"The result must be usable within {seconds(w.latency_budget_s)} at p95.{chain}")
    sentences.append(_DOWNSTREAM[w.downstream])
    sentences.append(_SIDE_EFFECTS[w.side_effects])
    if w.current_mode:
        sentences.append(f"Today it runs as {MODE_PHRASES[w.current_mode]} ({w.current_mode}).")
    else:
        sentences.append("It is not built yet.")
    return sentences


def _axis_answer(a: Assessment, axis_id: str) -> str:
    w, lat, cap = a.workload, a.latency, a.capacity
    if axis_id == "ux_contract":
        return _INTERACTION[w.interaction]
    if axis_id == "latency":
        verdict = "within" if lat.within_budget else "over"
        how = "measured" if lat.measured else "estimated"
        tools = f" + {seconds(w.tool_latency_s)} tools" if w.tool_latency_s else ""
        return (
            f"End-to-end p95 {seconds(lat.end_to_end_p95_s)} ({w.chained_calls} x {seconds(lat.per_call_p95_s)}"
            f" {how} per call{tools}) against a budget of {seconds(w.latency_budget_s)}: {verdict} budget."
        )
    if axis_id == "cost_burst":
        sync = a.costs["sync"]
        return (
            f"{money(sync.tokens_usd)} a month in tokens at standard prices, {_pct(a.pricing.batch_token_saving_fraction)}"
            f" less at batch prices; peak {_count(cap.peak_rpm)} requests/min with {_pct(cap.headroom)} rate-limit"
            f" headroom{' (over the limit)' if cap.over_limit else ''}."
        )
    if axis_id == "failure_retry":
        audit = " The output needs an audit trail." if w.downstream == "compliance_critical" else ""
        storm = (
            f"; stacked retries multiply calls by {cap.retry_amplification:g} in a storm"
            if cap.retry_amplification > 1 else ""
        )
        return f"{_SIDE_EFFECTS[w.side_effects]} {_pct(w.retry_rate)} of requests are retried{storm}.{audit}"
    if axis_id == "downstream":
        return _DOWNSTREAM[w.downstream]
    # An organisation's own axis: its answer is what its rules found.
    titles = [r.title for r in a.fired_rules if r.axis == axis_id]
    return "; ".join(titles) + "." if titles else "No rule on this axis fired for this workload."


def _drivers(a: Assessment) -> list[dict[str, Any]]:
    order = sorted(range(len(a.axes)), key=lambda i: (-a.axes[i].weight, i))
    return [
        {
            "id": a.axes[i].id,
            "name": a.axes[i].name,
            "weight": a.axes[i].weight,
            "priority": priority,
            "question": a.axes[i].question,
            "answer": _axis_answer(a, a.axes[i].id),
        }
        for priority, i in enumerate(order, start=1)
    ]


def _arguments(a: Assessment, mode: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pros and cons of one mode, from the rules that fired: score > 0 is a pro, < 0 or exclusion a con."""
    pros: list[dict[str, Any]] = []
    cons: list[dict[str, Any]] = []
    for rule in a.fired_rules:
        base = {"rule": rule.id, "title": rule.title, "because": _lower_first(rule.because), "source": rule.source}
        if mode in rule.exclude:
            cons.append({**base, "score": None, "excluded": True})
            continue
        score = rule.scores.get(mode, 0.0)
        if score > 0:
            pros.append({**base, "score": score, "excluded": False})
        elif score < 0:
            cons.append({**base, "score": score, "excluded": False})
    # Strongest arguments first; the rule set's order breaks ties (sort is stable).
    pros.sort(key=lambda x: -x["score"])
    cons.sort(key=lambda x: (not x["excluded"], x["score"] or 0.0))
    return pros, cons


def _options(a: Assessment) -> list[dict[str, Any]]:
    options = []
    for r in a.ranking:
        pros, cons = _arguments(a, r.mode)
        options.append(
            {
                "mode": r.mode,
                "label": MODE_LABELS[r.mode],
                "rank": r.rank,
                "total": r.total,
                "axis_scores": r.axis_scores,
                "excluded": r.excluded,
                "chosen": r.mode == a.recommendation,
                "current": r.mode == a.workload.current_mode,
                "pros": pros,
                "cons": cons,
                "cost": to_jsonable_python(a.costs[r.mode]),
            }
        )
    return options


def _migration(a: Assessment) -> dict[str, Any] | None:
    w = a.workload
    old, new = w.current_mode, a.recommendation
    if old is None or old == new:
        return None
    new_async = new in ("async", "batch")
    old_async = old in ("async", "batch")
    steps = [
        (
            f"Version the endpoint, don't mutate it: ship the {new} version as a new endpoint (e.g. /v2) and keep"
            f" the {old} one (/v1) alive until every consumer has moved. One endpoint that tries to be both usually"
            " ends up being neither."
        )
    ]
    if new_async and not old_async:
        steps.append(
            "Move the downstream consumer first: whatever depends on the synchronous response (billing, workflow"
            " triggers, other services) must handle a job id and a completion signal (webhook or polling) before"
            " the producer changes; otherwise the cut-over breaks its business logic."
        )
    elif old_async and not new_async:
        steps.append(
            "Move the downstream consumer first: consumers that poll for job results or receive webhooks must"
            " accept the direct response before the job endpoint is retired."
        )
    elif new == "streaming":
        steps.append(
            "Move the clients first: each client must read Server-Sent Events and handle a partial response,"
            " or keep calling /v1 until it can."
        )
    elif old == "streaming":
        steps.append("Move the clients first: each client must wait for the whole payload, with a progress indicator.")
    else:
        steps.append(
            "Move the downstream consumer first: it must handle the new completion signal"
            f" ({'a batch finishing within 24 hours' if new == 'batch' else 'a per-job webhook or poll'})"
            " before the producer changes."
        )
    if new_async and w.side_effects == "non_idempotent":
        key = "custom_id" if new == "batch" else "an idempotency key per job"
        steps.append(f"Make retries safe before the first one runs: use {key} so a resubmitted request never repeats its side effect.")
    if new_async and w.interaction in _WAITING_USER:
        steps.append(
            "Treat the UX redesign as part of the migration, not a follow-up: job history, status indicators and"
            " notifications ship with the change. Async without them feels like the product is broken."
        )
    elif new == "batch":
        steps.append("Schedule the submissions and alert when a batch nears the provider's 24-hour completion window.")
    saving = a.costs[new].saving_vs_current_usd
    if saving is not None:
        if saving >= 0:
            steps.append(f"Expected effect on the monthly bill: {money(saving)} a month less than today.")
        else:
            steps.append(f"Expected effect on the monthly bill: {money(-saving)} a month more than today.")
    return {"from": old, "from_phrase": MODE_PHRASES[old], "to": new, "to_phrase": MODE_PHRASES[new],
            "steps": steps, "source": _MIGRATION_SOURCE}


def _confirmation(a: Assessment) -> list[str]:
    mode, w, lat, cap = a.recommendation, a.workload, a.latency, a.capacity
    cost = a.costs[mode]
    budget = seconds(w.latency_budget_s)
    items: list[str] = []
    if mode in ("sync", "streaming"):
        items.append(
            f"End-to-end p95 latency stays under the {budget} budget (estimate: {seconds(lat.end_to_end_p95_s)});"
            " alert when it crosses the budget."
        )
    else:
        items.append(
            f"Time from submission to usable result (queue age plus processing) stays under the {budget} budget at p95."
        )
    if mode == "streaming":
        items.append(
            f"Time to first token stays near the {seconds(lat.time_to_first_token_s)} estimate, and dropped streams"
            " stay within the 1-3% that seed 003 reports."
        )
    if mode == "sync":
        items.append("Timeouts stay rare: seed 003 reports 2-5% on long generations; a rising rate means the timeout or the mode is wrong.")
    if mode == "async":
        items.append("Queue age (the oldest waiting job) and the size of the dead-letter queue stay flat.")
    if mode == "batch":
        items.append(
            "Batch completion time stays well inside the 24-hour window, and failed requests per batch stay"
            " within the 1-5% that seed 003 reports; each is resubmitted or dead-lettered."
        )
    items.append(
        f"429 (rate limit) responses stay near zero: peak use was estimated at {_count(cap.peak_rpm)} of"
        f" {_count(cap.rpm_limit)} requests/min and {_count(cap.peak_tpm)} of {_count(cap.tpm_limit)} tokens/min"
        f" ({_pct(cap.headroom)} headroom)."
    )
    items.append(
        f"Cost per 1,000 requests stays near the {money(cost.per_1k_requests_usd)} estimate"
        f" ({money(cost.total_usd)} a month at {w.requests_per_month:,} requests)."
    )
    return items


def nice_ceiling(top: float) -> float:
    """A round axis maximum at least 10% above ``top``: 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return 1.0
    target = max(top, 0.01) * 1.1  # dollars: nothing below a cent is drawn
    magnitude = 10.0 ** math.floor(math.log10(target))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if magnitude * factor >= target:
            return float(f"{magnitude * factor:.6g}")  # 0.30000000000000004 -> 0.3
    return float(f"{magnitude * 10:.6g}")  # pragma: no cover - factor 10 always reaches the target


def _chart(a: Assessment) -> dict[str, Any]:
    """The cost chart's data, formatted here: a code block must not be escaped."""
    values = [round(a.costs[m].total_usd, 2) for m in MODES]
    return {
        "x_axis": Markup(", ".join(MODES)),
        "bars": Markup(", ".join(f"{v:.2f}" for v in values)),
        "y_max": Markup(f"{nice_ceiling(max(values, default=0.0)):g}"),
        "totals": values,
    }


def _lifecycle(a: Assessment) -> dict[str, Markup]:
    """Figures the sequence diagram annotates, formatted here: a code block must not be escaped."""
    sync_request = a.pricing.request_tokens_usd["sync"]
    batch_request = a.pricing.request_tokens_usd["batch"]
    ratio = batch_request / sync_request if sync_request else 1.0
    lat = a.latency
    return {
        "end_to_end": Markup(seconds(lat.end_to_end_p95_s)),
        "budget": Markup(seconds(lat.latency_budget_s)),
        "first_token": Markup(seconds(lat.time_to_first_token_s)),
        "standard_cost": Markup("1.0x"),
        "batch_cost": Markup(f"{ratio:.2g}x"),
    }


def record_context(
    assessment: Assessment,
    *,
    number: int | None = None,
    status: str = "proposed",
    date: datetime.date | None = None,
    supersedes: RecordLink | None = None,
) -> dict[str, Any]:
    """Everything a record template may print, as plain data (no methods to reach through)."""
    a = assessment
    mode = a.recommendation
    title = record_title(a)
    return {
        "record": {
            "number": number if number is not None else 1,
            "title": title,
            "date": (date or today()).isoformat(),
            "status": status,
            "supersedes": None if supersedes is None else {
                "number": supersedes.number, "title": supersedes.title, "file": supersedes.file,
                "link": supersedes.text,
            },
        },
        "workload": a.workload.model_dump(mode="json"),
        "words": _workload_words(a),
        "drivers": _drivers(a),
        "options": _options(a),
        "chosen": {
            "mode": mode,
            "label": MODE_LABELS[mode],
            "phrase": MODE_PHRASES[mode],
            "verb": MODE_VERBS[mode],
            "contract": a.contract,
            "reason": a.reason,
            "because": _lower_first(a.reason),
            "decided_by": list(a.decided_by),
            "patterns": [p.model_dump(mode="json") for p in a.patterns],
            "excluded": [e.model_dump(mode="json") for e in a.excluded],
        },
        "mode_labels": MODE_LABELS,
        "mode_phrases": MODE_PHRASES,
        "costs": [
            {**to_jsonable_python(a.costs[m]), "label": MODE_LABELS[m], "chosen": m == mode,
             "current": m == a.workload.current_mode}
            for m in MODES
        ],
        "chart": _chart(a),
        "pricing": a.pricing.model_dump(mode="json"),
        "assumptions": [x.model_dump(mode="json") for x in a.assumptions],
        "latency": to_jsonable_python(a.latency),
        "capacity": to_jsonable_python(a.capacity),
        "lifecycle": _lifecycle(a),
        "risks": [{**r.model_dump(mode="json"), "because": _lower_first(r.risk)} for r in a.risks],
        "checklist": list(a.checklist),
        "migration": _migration(a),
        "confirmation": _confirmation(a),
        "what_would_change": [c.model_dump(mode="json") for c in a.what_would_change],
        "ruleset": a.ruleset.model_dump(mode="json"),
        "advisor_version": a.advisor_version,
        "price_date": a.pricing.price_date.isoformat(),
        "price_data_version": a.pricing.data_version,
        "inputs_block": inputs_block(a),
    }


# -- the embedded inputs ------------------------------------------------------------


class _NoAliasDumper(yaml.SafeDumper):
    """advisor's YAML reader refuses aliases; never write one."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _StampedRuleSet(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    id: str
    version: str
    hash: str


class _StampedPrices(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    data_version: str
    price_date: datetime.date


class RecordStamp(BaseModel):
    """What a record says about how it was made (the ``record:`` part of its inputs block)."""

    # Unknown keys are ignored so that a newer advisor's records stay readable.
    model_config = ConfigDict(extra="ignore", frozen=True)

    advisor_version: str
    mode: Mode
    ruleset: _StampedRuleSet
    weights: dict[str, float]
    prices: _StampedPrices
    fired_rules: list[str]


def inputs_data(assessment: Assessment) -> dict[str, Any]:
    a = assessment
    return {
        "record": {
            "advisor_version": a.advisor_version,
            "mode": a.recommendation,
            "ruleset": a.ruleset.model_dump(mode="json"),
            "weights": {axis.id: axis.weight for axis in a.axes},
            "prices": {"data_version": a.pricing.data_version, "price_date": a.pricing.price_date.isoformat()},
            "fired_rules": [r.id for r in a.fired_rules],
        },
        # The exact inputs, as validated; None means "not given" (the field's default).
        "workload": a.workload.model_dump(mode="json", exclude_none=True),
    }


def inputs_block(assessment: Assessment) -> Markup:
    """The fenced YAML block that ``advisor verify`` reads back."""
    body = "# advisor verify re-evaluates this record from these inputs; edit them and it is no longer this decision.\n"
    body += yaml.dump(
        inputs_data(assessment), Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True,
        default_flow_style=False, width=120,
    )
    # The fence is longer than any backtick run in the YAML, so no value can close it early.
    ticks = markdown.fence(body)
    return Markup(f"{ticks}{INPUTS_INFO}\n{body}{ticks}")


_FENCE_OPEN = re.compile(rf"^(`{{3,}}){re.escape(INPUTS_INFO)}[ \t]*$", re.MULTILINE)


def find_inputs(text: str) -> str | None:
    """The YAML inside a record's inputs block, or None when the text has no such block."""
    match = _FENCE_OPEN.search(text)
    if match is None:
        return None
    ticks = match.group(1)
    close = re.compile(rf"^{ticks}`*[ \t]*$", re.MULTILINE)
    end = close.search(text, match.end())
    if end is None:
        return ""  # an opened, never closed block: malformed, not absent
    return text[match.end() + 1 : end.start()]


@dataclass(frozen=True)
class RecordInputs:
    stamp: RecordStamp
    workload: Any  # a WorkloadProfile


def read_inputs(text: str, source: str) -> RecordInputs | None:
    """Parse a record's embedded inputs; None when it is not an advisor record."""
    block = find_inputs(text)
    if block is None:
        return None
    data = parse_yaml(block, f"{source}: advisor-record block")
    if not isinstance(data, dict) or not isinstance(data.get("record"), dict) or "workload" not in data:
        raise InputError("the advisor-record block must hold 'record' and 'workload' mappings", source=source)
    try:
        stamp = RecordStamp.model_validate(data["record"])
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = "record." + ".".join(str(p) for p in err["loc"])
        raise InputError(f"malformed advisor-record block: {err['msg']}", source=source, field=field) from None
    workload = parse_profile(data["workload"], source=f"{source}: advisor-record workload")
    return RecordInputs(stamp=stamp, workload=workload)


# -- templates ----------------------------------------------------------------------


def _finalize(value: Any) -> Any:
    """Every ``{{ value }}`` is Markdown-escaped unless a filter already made it Markdown."""
    if isinstance(value, Markup):
        return value
    return markdown.inline(value)


def _usd(value: Any) -> Markup:
    return markdown.inline(money(float(value)))


def _secs(value: Any) -> Markup:
    return markdown.inline(seconds(float(value)))


def _percent(value: Any) -> Markup:
    return markdown.inline(_pct(float(value)))


def _number(value: Any) -> Markup:
    return markdown.inline(_count(float(value)))


def _signed(value: Any) -> Markup:
    return markdown.inline(f"{float(value):+g}")


FILTERS = {
    "md": markdown.inline,
    "cell": markdown.cell,
    "code": markdown.code,
    "usd": _usd,
    "secs": _secs,
    "pct": _percent,
    "num": _number,
    "signed": _signed,
}
_OPTIONS: dict[str, Any] = {
    "autoescape": False,  # Markdown, not HTML: _finalize escapes instead
    "finalize": _finalize,
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Environment of the shipped templates (built once)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(shipped_dir("reports")), auto_reload=False, **_OPTIONS)
    env.filters.update(FILTERS)
    return env


@functools.lru_cache(maxsize=1)
def sandbox() -> ImmutableSandboxedEnvironment:
    """The Environment of users' own templates: no attribute games, no mutation, no file access."""
    env = ImmutableSandboxedEnvironment(loader=None, **_OPTIONS)
    env.filters.update(FILTERS)
    return env


def _user_template(path: str) -> jinja2.Template:
    source = str(path)
    file = Path(path)
    try:
        if file.is_dir():
            raise InputError("is a folder, expected a Jinja2 template file", source=source, field="--template")
        if file.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"template is larger than {MAX_FILE_BYTES:,} bytes", source=source, field="--template")
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            "no such template file; use madr, nygard or the path of your own Jinja2 template",
            source=source, field="--template",
        ) from None
    except UnicodeDecodeError:
        raise InputError("template is not a UTF-8 text file", source=source, field="--template") from None
    except OSError as exc:
        raise InputError(f"cannot read template: {exc.strerror or exc}", source=source, field="--template") from None
    try:
        return sandbox().from_string(text)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template syntax error on line {exc.lineno}: {exc.message}", source=source) from None


def _render(template: str, context: dict[str, Any]) -> str:
    if template in TEMPLATES:
        return environment().get_template(TEMPLATES[template]).render(context)
    compiled = _user_template(template)
    try:
        return compiled.render(context)
    except SecurityError as exc:
        raise AdvisorError(f"the template tried something the sandbox does not allow: {exc}", source=template) from None
    except jinja2.UndefinedError as exc:
        raise InputError(f"template uses an undefined value: {exc.message}", source=template) from None
    except Exception as exc:  # noqa: BLE001 - a user's template is user input: any failure is theirs to fix
        raise InputError(f"template failed: {type(exc).__name__}: {exc}", source=template) from None


def _as_date(value: datetime.date | str | None) -> datetime.date:
    if value is None:
        return today()
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"expected a date as YYYY-MM-DD, got {value!r}", field="date") from None


def render_adr(
    assessment: Assessment,
    *,
    template: str = "madr",
    status: str = "proposed",
    date: datetime.date | str | None = None,
    number: int | None = None,
    supersedes: int | RecordLink | None = None,
) -> str:
    """The decision record of an assessment as Markdown.

    ``template`` is ``madr`` (MADR 4), ``nygard`` (as adr-tools writes it) or the path of
    a Jinja2 template (rendered in a sandbox). ``date`` defaults to today (UTC);
    ``number`` (Nygard's ``# N. Title``) to 1. Same assessment and arguments, same bytes.
    """
    if status not in STATUSES:
        raise InputError(f"must be one of {', '.join(STATUSES)} (got {status!r})", field="status")
    if number is not None and number < 1:
        raise InputError(f"must be a positive record number (got {number})", field="number")
    link = RecordLink(supersedes) if isinstance(supersedes, int) else supersedes
    context = record_context(assessment, number=number, status=status, date=_as_date(date), supersedes=link)
    return _render(template, context)


# -- the decisions folder -----------------------------------------------------------

_RECORD_FILE = re.compile(r"^(\d+)-.*\.md$")


def _record_files(directory: Path) -> list[tuple[int, Path]]:
    if not directory.is_dir():
        return []
    found = []
    for entry in directory.iterdir():
        match = _RECORD_FILE.match(entry.name)
        if match and entry.is_file():
            found.append((int(match.group(1)), entry))
    return sorted(found, key=lambda x: (x[0], x[1].name))


def next_number(directory: str | Path) -> int:
    """One more than the highest ``NNNN-*.md`` in the folder, whichever tool wrote it."""
    return max((n for n, _ in _record_files(Path(directory))), default=0) + 1


def find_record(directory: str | Path, number: int) -> Path:
    for n, path in _record_files(Path(directory)):
        if n == number:
            return path
    raise InputError(f"no decision record number {number} (no file {number:04d}-*.md)", source=str(directory))


_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)


def record_title_line(text: str) -> str | None:
    """The first ``# `` heading after any front matter, as adr-tools reads titles."""
    body = text[m.end():] if (m := _FRONT_MATTER.match(text)) else text
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None


def mark_superseded(text: str, by: RecordLink, source: str) -> str:
    """``text`` of an old record, marked as superseded by ``by`` (as adr-tools does)."""
    front = _FRONT_MATTER.match(text)
    lines = text.split("\n")
    if front:
        # MADR: the front-matter status says so, and a line under the title links to the new record.
        fm_lines = front.group(1).split("\n")
        status = f"status: superseded by ADR-{by.number:04d}"
        replaced = [status if re.match(r"^status\s*:", line) else line for line in fm_lines]
        if replaced == fm_lines:
            replaced.insert(0, status)
        body = text[front.end():]
        body_lines = body.split("\n")
        for i, line in enumerate(body_lines):
            if line.startswith("# "):
                body_lines[i + 1 : i + 1] = ["", f"Superseded by {by.text}"]
                break
        else:
            raise InputError("has front matter but no '# ' title line; cannot mark it superseded", source=source)
        return "---\n" + "\n".join(replaced) + "---\n" + "\n".join(body_lines)
    # Nygard: the Status section's status lines give way to the link; other links stay.
    try:
        start = lines.index("## Status")
    except ValueError:
        raise InputError(
            "has neither front matter nor a '## Status' section; cannot mark it superseded", source=source
        ) from None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("##")), len(lines))
    kept = [line for line in lines[start + 1 : end] if re.match(r"^\S.*\[.*\]\(.*\)\s*$", line)]
    section = [""]
    for line in [*kept, f"Superseded by {by.text}"]:
        section += [line, ""]
    return "\n".join([*lines[: start + 1], *section, *lines[end:]])


def is_superseded(text: str) -> bool:
    front = _FRONT_MATTER.match(text)
    if front and re.search(r"^status\s*:\s*[\"']?superseded", front.group(1), re.MULTILINE | re.IGNORECASE):
        return True
    return re.search(r"^## Status\n(?:(?!##).*\n)*?Superseded by ", text, re.MULTILINE) is not None


def read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"file is larger than {MAX_FILE_BYTES:,} bytes", source=str(path))
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text file", source=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=str(path)) from None


def write_adr(
    assessment: Assessment,
    directory: str | Path = DEFAULT_DIR,
    *,
    template: str = "madr",
    status: str = "proposed",
    date: datetime.date | str | None = None,
    supersedes: int | None = None,
) -> Path:
    """Write the record as ``NNNN-title-slug.md`` with the next free number; return its path.

    Never overwrites; the file appears whole or not at all. ``supersedes=N`` marks record
    N as superseded by the new one (rewritten atomically) and links back to it.
    """
    folder = Path(directory)
    old: tuple[Path, str, RecordLink] | None = None
    if supersedes is not None:
        old_path = find_record(folder, supersedes)
        old_text = read_text(old_path)
        old_title = record_title_line(old_text) or old_path.stem
        old = (old_path, old_text, RecordLink(supersedes, old_title, old_path.name))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the decisions folder: {exc.strerror or exc}", source=str(folder)) from None
    number = next_number(folder)
    title = record_title(assessment)
    path = folder / f"{number:04d}-{markdown.slug(title)}.md"
    text = render_adr(
        assessment, template=template, status=status, date=date, number=number,
        supersedes=old[2] if old else None,
    )
    marked = None
    if old:
        # Checked before anything is written: an old record we cannot mark stops everything.
        marked = mark_superseded(old[1], RecordLink(number, str(markdown.inline(title)), path.name), str(old[0]))
    create_exclusive(path, text, what="decision record")
    if old and marked is not None:
        try:
            write_atomic(old[0], marked)
        except InputError as exc:
            path.unlink(missing_ok=True)
            raise InputError(f"cannot rewrite the superseded record: {exc.message}", source=str(old[0])) from None
    return path


# -- the CLI ------------------------------------------------------------------------


def cmd_adr(args: Any) -> int:
    from .cli import about_file
    from .profile import load_profile

    profile = load_profile(args.file)
    with about_file(args.file):
        result = assess(profile, args.rules, price_date=args.price_date)
    path = write_adr(
        result, args.dir, template=args.template, status=args.status, date=args.date, supersedes=args.supersedes
    )
    print(path)
    return 0


__all__ = [
    "MODE_LABELS",
    "RecordLink",
    "RecordStamp",
    "cmd_adr",
    "render_adr",
    "write_adr",
]
