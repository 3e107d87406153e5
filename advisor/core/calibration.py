"""Calibrating a workload from traces: steps, latency, volume, peak and retries, measured.

Definitions (docs/calibration.md explains each choice):
- A **request** is a trace with at least one model call; with ``root``, only traces whose root
  span (the span without a parent) has that name. Traces of the feature without a model call
  (cache hits, refusals) are reported, not counted: they put no load on the model.
- A request's **calls** are its model-call spans in start order. A call wrapped by another
  model-call span (two instrumentations of one call) counts once, as the inner span.
- **Same shape**: same operation, provider and model, and input and output tokens each
  *similar* to the previous call's: within a factor of 2 or within 100 tokens (a count the
  span lacks is similar to any). Growing agent context stays one shape call after call.
- A **retry** is a failed call (error status or ``error.type``) followed by a same-shaped
  call. The failed attempt is not a step; its time and back-off are not tool time.
- A **step** is a run of consecutive same-shaped calls; ``repeat`` is the run's length.
- **Alignment**: each request has a step structure (its steps' operation, provider and
  model, in order). The most common structure is the workload's; requests with another
  structure count for volume and retries but not for step figures (the share is reported).
  ``repeat`` is the median run length over those requests.
- **tool_latency_s** is the median, over requests, of the time outside the model per run
  of the step: the gap before the step's first attempt (from the end of the previous step, or
  the root span's start) plus the gaps between its calls, divided by the run length.
- **Volume**: requests per month = request rate x 30 days; the rate is (n - 1) / (last start -
  first start), or n / window_days when the window is given. The **peak** is the largest
  count of request starts in one UTC clock minute.
"""

from __future__ import annotations

import math
import os
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .catalogue import Catalogue
from .errors import TraceError, check_paths, check_type
from .genai import KEPT_ATTRIBUTES, PROVIDER_IDS, ModelCall, is_genai, model_call
from .otlp import Span, printable, read_spans
from .profile import ANSWERS_TRACES_CANNOT_GIVE, DEFAULT_PEAK_MINUTES, SHORTHAND_FIELDS, WorkloadProfile, check_name
from .validation import finite_number
from .validation import given as quoted
from .value_class import value_class

MIN_REQUESTS = 10
MIN_WINDOW_S = 60.0
DAYS_PER_MONTH = 30  # advisor's month: MINUTES_PER_MONTH = 30 days
LOW_SAMPLE = 100  # figures from fewer samples get a comment in the workload file
# Children may start this much before their parent without it counting as clock skew:
# SDKs that keep millisecond clocks (the JavaScript one) round a child below its parent.
SKEW_TOLERANCE_NS = 1_000_000
SIMILAR_RATIO = 2.0
SIMILAR_TOKENS = 100
MIN_STRUCTURE_SHARE = 0.5  # below this, a warning says the steps describe a minority


# The workload fields traces measure, in the order a calibrated file writes them (peak_minutes
# only where the traffic is too sparse for the default hour's peak; see _peak_within_month).
MEASURED_FIELDS = (
    "provider", "model", "requests_per_month", "peak_requests_per_minute", "peak_minutes", "retry_rate", "steps",
    "evidence",
)


@value_class
class Calibration:
    """What the traces say: workload fields, and where each figure came from."""

    workload: dict[str, Any]
    provenance: dict[str, Any]

    @property
    def evidence(self) -> dict[str, Any]:
        """The workload's ``evidence`` field: how many traces and spans, from when to when, and
        the model each step was measured on (``into`` names the steps as its base does)."""
        p = self.provenance
        found = {"traces": p["traces"], "spans": p["spans"], "start": p["start"], "end": p["end"]}
        return found | ({"root": p["root"]} if p["root"] else {}) | {"models": _models(self.workload["steps"])}

    def into(self, base: Mapping[str, Any] | WorkloadProfile | None = None) -> dict[str, Any]:
        """The measured workload as a mapping of profile fields, ``base``'s answers kept.

        ``base`` is a workload's fields (a mapping) or a loaded WorkloadProfile (the fields
        its file gave). Every field traces measure (``MEASURED_FIELDS``) is replaced, and the
        single-call fields go (the steps replace them); everything else of ``base`` stays as
        it is. Without a base, or where the base lacks them, the answers traces can't give are
        None: the profile refuses the workload, naming them, until they are filled in.
        """
        base = workload_fields(base)
        steps = _named_as(self.workload["steps"], base)
        measured = {**self.workload, "steps": steps, "evidence": self.evidence | {"models": _models(steps)}}
        # A field traces measure only sometimes (peak_minutes) is the base's where they did not.
        replaced = {key for key in MEASURED_FIELDS if key in measured} | set(SHORTHAND_FIELDS)
        kept = {key: value for key, value in base.items() if key not in replaced}
        answers = {name: kept.pop(name, None) for name in ANSWERS_TRACES_CANNOT_GIVE}
        name = kept.pop("name", None) or _feature_name(self.provenance["feature"])
        described = {"description": kept.pop("description")} if "description" in kept else {}
        return {"name": name, **described, **answers, **kept,
                **{key: measured[key] for key in MEASURED_FIELDS if key in measured}}

    def low_sample_figures(self, threshold: int = LOW_SAMPLE) -> list[tuple[str, int]]:
        """Workload figures measured from fewer than ``threshold`` samples, as (path, n)."""
        samples = self.provenance["samples"]
        low = [(key, n) for key, n in samples.items() if key != "steps" and n < threshold]
        for i, step in enumerate(samples["steps"]):
            low.extend((f"steps[{i}].{key}", n) for key, n in step.items() if n < threshold)
        return low


def _models(steps: list[dict[str, Any]]) -> dict[str, str]:
    return {step["name"]: step["model"] for step in steps}


def workload_fields(base: Mapping[str, Any] | WorkloadProfile | None) -> dict[str, Any]:
    """A base workload as the fields a file gives: a WorkloadProfile's as its file wrote
    them (none of the defaults it left out), a mapping's as they are."""
    if isinstance(base, WorkloadProfile):
        return base.model_dump(mode="json", exclude_unset=True)
    check_type(base, (Mapping, type(None)), "base", "a workload: a mapping of its fields or a WorkloadProfile")
    return dict(base or {})


def _named_as(steps: list[dict[str, Any]], base: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The measured steps, named as the base workload names its own when they are the same
    calls: as many steps, each on the same model (the base's step names are its answers)."""
    given = base.get("steps")
    if not isinstance(given, list) or len(given) != len(steps) or not all(isinstance(s, dict) for s in given):
        return steps
    models = [str(s.get("model") or base.get("model") or "").lower() for s in given]
    names = [s.get("name") for s in given]
    if models != [s["model"].lower() for s in steps] or not all(isinstance(n, str) and n for n in names):
        return steps
    if len(set(names)) != len(names):
        return steps
    return [{**step, "name": name} for step, name in zip(steps, names, strict=True)]


def _feature_name(root_name: str) -> str:
    """The root span's name as the workload's name, when it is one a workload takes."""
    try:
        return check_name(root_name[:200])
    except ValueError:
        return "Calibrated workload"


# -- requests -----------------------------------------------------------------------


@dataclass(slots=True)
class _Call:
    """A call that counts as a step call: its first attempt's start and how many retries."""

    call: ModelCall
    attempt_start_ns: int
    retries: int


@dataclass(slots=True)
class _Request:
    trace_id: str
    root: Span
    calls: list[_Call]
    groups: list[list[_Call]] = field(default_factory=list)
    overlapping: bool = False

    @property
    def structure(self) -> tuple[tuple[str, str, str], ...]:
        return tuple((g[0].call.operation, g[0].call.provider, g[0].call.model) for g in self.groups)


def _similar(a: int | None, b: int | None) -> bool:
    if a is None or b is None:
        return True
    low, high = min(a, b), max(a, b)
    return high <= SIMILAR_RATIO * low or high - low <= SIMILAR_TOKENS


def same_shape(a: ModelCall, b: ModelCall) -> bool:
    """Whether two calls are the same kind of call (see the module docstring)."""
    return (
        a.operation == b.operation
        and a.model == b.model
        and a.provider == b.provider
        and _similar(a.input_tokens, b.input_tokens)
        and _similar(a.output_tokens, b.output_tokens)
    )


def _wrappers(calls: list[ModelCall], spans: dict[str, Span]) -> set[str]:
    """The model-call spans that wrap another model call (two instrumentations of one call).

    Each span's ancestors are walked once for all the calls: a walk stops at a span an
    earlier walk passed, whose own ancestors that walk has seen. Spans nested thousands deep
    cost their number, not its square; ``seen`` also ends a malformed loop of parents.
    """
    call_ids = {c.span.span_id for c in calls}
    wrappers: set[str] = set()
    seen: set[str] = set()
    for call in calls:
        parent = call.span.parent_id
        while parent and parent in spans and parent not in seen:
            if parent == call.span.span_id:  # else the call would wrap itself, and be dropped
                raise TraceError(
                    f"span '{printable(call.span.name)}' (trace {call.span.trace_id}, span {parent}) is its own "
                    "ancestor: its parentSpanId, followed from parent to parent, leads back to it; a span's parent "
                    "is another span that contains it: the export is corrupt",
                    source=call.span.source,
                )
            seen.add(parent)
            if parent in call_ids:
                wrappers.add(parent)
            parent = spans[parent].parent_id
    return wrappers


def _root(spans: dict[str, Span]) -> Span | None:
    roots = [s for s in spans.values() if not s.parent_id]
    return min(roots, key=lambda s: (s.start_ns, s.span_id)) if roots else None


def _check_skew(spans: dict[str, Span]) -> None:
    for span in spans.values():
        parent = spans.get(span.parent_id) if span.parent_id else None
        if parent is not None and span.start_ns + SKEW_TOLERANCE_NS < parent.start_ns:
            early = (parent.start_ns - span.start_ns) / 1e9
            raise TraceError(
                f"clock skew in trace {span.trace_id}: span '{printable(span.name)}' starts {early:.3f} s before "
                f"its parent '{printable(parent.name)}'; the hosts' clocks disagree, so the trace's timings "
                "can't be used (synchronise the clocks, or leave this trace out of the export)",
                source=span.source,
            )


def _build_request(trace_id: str, root: Span, calls: list[ModelCall]) -> _Request:
    calls.sort(key=lambda c: (c.start_ns, c.end_ns, c.span.span_id))
    counted: list[_Call] = []
    pending_start: int | None = None
    pending_retries = 0
    for i, call in enumerate(calls):
        following = calls[i + 1] if i + 1 < len(calls) else None
        if call.failed and following is not None and same_shape(call, following):
            pending_start = call.start_ns if pending_start is None else pending_start
            pending_retries += 1
            continue
        start = call.start_ns if pending_start is None else pending_start
        counted.append(_Call(call, start, pending_retries))
        pending_start, pending_retries = None, 0
    request = _Request(trace_id, root, counted)
    for i, item in enumerate(counted):
        if i and item.attempt_start_ns + SKEW_TOLERANCE_NS < counted[i - 1].call.end_ns:
            request.overlapping = True
        if request.groups and same_shape(request.groups[-1][-1].call, item.call):
            request.groups[-1].append(item)
        else:
            request.groups.append([item])
    return request


def _where(sources: Sequence[str]) -> str | None:
    if not sources:
        return None
    if len(sources) <= 3:
        return ", ".join(sources)
    return f"{sources[0]} and {len(sources) - 1} other files"


def _differs(a: Span, b: Span) -> str | None:
    """What differs between two copies of one span (the same ids), in words; None when they
    are the same span (where each was read from aside)."""
    for name in ("parent_id", "name", "start_ns", "end_ns", "status", "attributes", "events"):
        if getattr(a, name) != getattr(b, name):
            return {"parent_id": "parent span", "start_ns": "start time", "end_ns": "end time"}.get(name, name)
    return None


def _requests(spans: Iterable[Span], root_name: str | None, where: str | None) -> tuple[list[_Request], dict[str, Any]]:
    traces: dict[str, dict[str, Span]] = {}
    duplicates = 0
    total = 0
    for span in spans:
        total += 1
        trace = traces.setdefault(span.trace_id, {})
        kept = trace.get(span.span_id)
        if kept is not None:
            differs = _differs(kept, span)
            if differs:
                # Two versions of one span: which is right is not for the order of the files to decide.
                raise TraceError(
                    f"span {span.span_id} of trace {span.trace_id} is in {kept.source} and in {span.source}, "
                    f"and the two differ in their {differs}; a span exported twice must be the same span: "
                    "give one of the two exports",
                    source=where,
                )
            duplicates += 1  # the same span exported twice, or a file given twice
            continue
        trace[span.span_id] = span
    if not total:
        raise TraceError("no spans in the trace export", source=where)

    genai_spans = 0
    model_calls = 0
    without_calls = 0
    root_names: Counter[str] = Counter()
    requests: list[_Request] = []
    for trace_id in sorted(traces):
        trace = traces[trace_id]
        calls = []
        for span in trace.values():
            if is_genai(span):
                genai_spans += 1
                call = model_call(span)
                if call is not None:
                    calls.append(call)
        if not calls:
            # A request of the feature that needed no model (a cache hit, a refusal): not a
            # request for the model, so it is counted here and nowhere else.
            bare_root = _root(trace)
            if bare_root is not None and (root_name is None or bare_root.name == root_name):
                without_calls += 1
            continue
        model_calls += len(calls)
        root = _root(trace)
        if root is None:
            example = calls[0].span
            raise TraceError(
                f"trace {trace_id} has no root span (every span names a parent): the export is incomplete, "
                "so the request can't be timed; export whole traces (e.g. a collector with no tail cut-off)",
                source=example.source,
            )
        root_names[root.name] += 1
        if root_name is not None and root.name != root_name:
            continue
        _check_skew(trace)
        # Two instrumentations of one call (a framework span around the client span): keep
        # the inner one, which carries what the provider returned.
        wrappers = _wrappers(calls, trace)
        calls = [c for c in calls if c.span.span_id not in wrappers]
        requests.append(_build_request(trace_id, root, calls))

    if not model_calls:
        if genai_spans:
            raise TraceError(
                f"{genai_spans:,} spans carry GenAI attributes but none is a model call "
                "(gen_ai.operation.name chat, text_completion, generate_content or embeddings, with a model); "
                "agent and tool spans alone can't be calibrated",
                source=where,
            )
        raise TraceError(
            f"none of the {total - duplicates:,} spans carries GenAI attributes (gen_ai.operation.name, "
            "gen_ai.request.model, gen_ai.usage.input_tokens, ...); instrument the model calls with the "
            "OpenTelemetry GenAI semantic conventions",
            source=where,
        )
    if not requests:
        names = ", ".join(f"'{printable(name)}' ({n:,})" for name, n in root_names.most_common(5))
        raise TraceError(
            f"no trace with a model call has a root span named '{printable(str(root_name))}'; "
            f"their root spans are: {names}",
            source=where,
        )
    requests.sort(key=lambda r: (r.root.start_ns, r.trace_id))
    counts = {
        "spans": total - duplicates,
        "duplicate_spans": duplicates,
        "traces_read": len(traces),
        "genai_spans": genai_spans,
        "model_calls": model_calls,
        "traces_without_model_calls": without_calls,
    }
    return requests, counts


# -- figures ------------------------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile by linear interpolation between order statistics (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def _iso(ns: int, *, up: bool = False) -> str:
    seconds = -(-ns // 1_000_000_000) if up else ns // 1_000_000_000
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return slug or "call"


def _reasoning(
    calls: list[ModelCall], name: str, always_reasons: bool
) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """A step's reasoning_tokens and its sample size (each as a mapping, empty when not
    stated), with a warning where the figure is not the median of every call.

    Only where the traces report reasoning: a step without it leaves the profile's default
    (none stated), rather than claiming a measured 0 for a model that reasons. A median of 0
    states thinking off, which a model that cannot turn its reasoning off (the catalogue's
    ``always_reasons``) refuses: its figure is then the median of the calls that report some,
    or, where none does, not stated.
    """
    reported = [c.reasoning_tokens or 0 for c in calls if c.reasoning_tokens is not None]
    if not reported:
        return {}, {}, []
    median = _round_half_up(statistics.median(reported))
    if median or not always_reasons:
        return {"reasoning_tokens": median}, {"reasoning_tokens": len(reported)}, []
    model = printable(calls[0].model)
    some = [tokens for tokens in reported if tokens]
    zero = len(reported) - len(some)
    if not some:
        return {}, {}, [
            f"step {name}: {model} cannot turn its reasoning off, yet all {zero} of its calls report 0 reasoning "
            "tokens (which would state thinking off); reasoning_tokens is left out: none is billed and the first "
            "token is the catalogue's (give the figure if the traces miss it)"
        ]
    return {"reasoning_tokens": _round_half_up(statistics.median(some))}, {"reasoning_tokens": len(some)}, [
        f"step {name}: {model} cannot turn its reasoning off, yet {zero} of its {len(reported)} calls report 0 "
        f"reasoning tokens (a median of 0 would state thinking off); reasoning_tokens is the median of the "
        f"{len(some)} calls that report some, so its cost and first token lean high"
    ]


def _step(
    index: int, groups: list[list[_Call]], requests: list[_Request], name: str, where: str | None,
    always_reasons: bool = False,
) -> tuple[dict[str, Any], dict[str, int], list[str]]:
    """One step's figures from its run in each request of the workload's structure;
    ``always_reasons``: its model cannot turn its reasoning off (see ``_reasoning``)."""
    first = groups[0][0].call
    calls = [item.call for group in groups for item in group]
    ok = [c for c in calls if not c.failed]
    with_input = [c for c in calls if c.input_tokens is not None]
    with_output = [c for c in calls if c.output_tokens is not None]
    with_ttft = [c for c in ok if c.ttft_s is not None]
    speeds = [
        c.output_tokens / (c.duration_s - c.ttft_s)
        for c in with_ttft
        if c.output_tokens and c.ttft_s is not None and c.duration_s > c.ttft_s
    ]
    tool_times = []
    for request, group in zip(requests, groups, strict=True):
        before = request.root.start_ns if index == 0 else request.groups[index - 1][-1].call.end_ns
        outside = 0
        for item in group:
            outside += max(0, item.attempt_start_ns - before)
            before = item.call.end_ns
        tool_times.append(outside / len(group) / 1e9)
    reasoning, reasoning_samples, warnings = _reasoning(calls, name, always_reasons)
    if not ok:
        raise TraceError(
            f"step {name} ({printable(first.operation)} {printable(first.model)}): every call failed in all "
            f"{len(groups)} requests; there is no duration to measure",
            source=where,
        )
    if not with_input:
        warnings.append(f"step {name}: no call records gen_ai.usage.input_tokens; its token counts are 0, fill them in")
    input_total = sum(c.input_tokens or 0 for c in with_input)
    cached_total = sum(c.cached_input_tokens or 0 for c in with_input)
    durations = [c.duration_s for c in ok]
    step: dict[str, Any] = {
        "name": name,
        "model": first.model,
        "provider": first.provider,
        "input_tokens": _round_half_up(statistics.median(c.input_tokens or 0 for c in with_input)) if with_input else 0,
        "output_tokens": (
            _round_half_up(statistics.median(c.output_tokens or 0 for c in with_output)) if with_output else 0
        ),
        **reasoning,
        "cached_input_fraction": round(cached_total / input_total, 3) if input_total else 0.0,
        "tool_latency_s": round(statistics.median(tool_times), 3),
        "model_p50_s": round(quantile(durations, 0.50), 3),
        "model_p95_s": round(quantile(durations, 0.95), 3),
    }
    samples = {
        "input_tokens": len(with_input),
        "output_tokens": len(with_output),
        **reasoning_samples,
        "cached_input_fraction": len(with_input),
        "tool_latency_s": len(tool_times),
        "model_p50_s": len(durations),
        "model_p95_s": len(durations),
    }
    if with_ttft:
        # A p95, as the profile's ttft_s is (the catalogue's first-token times are p95s too).
        step["ttft_s"] = round(quantile([c.ttft_s or 0.0 for c in with_ttft], 0.95), 3)
        samples["ttft_s"] = len(with_ttft)
    if speeds:
        step["output_tokens_per_s"] = round(statistics.median(speeds), 1)
        samples["output_tokens_per_s"] = len(speeds)
    step["repeat"] = max(1, _round_half_up(statistics.median(len(g) for g in groups)))
    samples["repeat"] = len(groups)
    return step, samples, warnings


def _describe(structure: tuple[tuple[str, str, str], ...]) -> str:
    return " -> ".join(f"{printable(op)} {printable(model)}" for op, _provider, model in structure)


def calibrate_spans(
    spans: Iterable[Span],
    *,
    root: str | None = None,
    window_days: float | None = None,
    sources: Sequence[str] = (),
    catalogue: Catalogue | None = None,
) -> Calibration:
    """Calibrate a workload from spans already read (see ``calibrate``)."""
    where = _where(sources)
    if window_days is not None and (
        not finite_number(window_days)
        or window_days * 86_400 < MIN_WINDOW_S
    ):
        raise TraceError(
            f"must be a number of days covering at least a minute (got {quoted(window_days)})", field="window_days"
        )
    requests, counts = _requests(spans, root, where)
    if catalogue is None:
        from .rules import load_rules  # the rule set recommend reads by default: $ADVISOR_RULES, else the shipped

        catalogue = load_rules().catalogue
    n = len(requests)
    who = (
        ("request" if n == 1 else "requests")
        + " (traces with a model call"
        + (f" whose root span is '{printable(root)}')" if root else ")")
    )
    if n < MIN_REQUESTS:
        raise TraceError(
            f"only {n} {who}; calibration needs at least {MIN_REQUESTS}: export a longer window", source=where
        )
    starts = [r.root.start_ns for r in requests]
    first_start, last_start = starts[0], starts[-1]
    spread_s = (last_start - first_start) / 1e9
    if window_days is None:
        if spread_s < MIN_WINDOW_S:
            raise TraceError(
                f"the {n} {who} start within {spread_s:.1f} s; calibration needs at least a minute of "
                "traffic to measure volume and the per-minute peak: export a longer window",
                source=where,
            )
        window_s = spread_s
        rate_per_s = (n - 1) / window_s
    else:
        window_s = window_days * 86_400
        if spread_s > window_s + MIN_WINDOW_S:
            raise TraceError(
                f"the requests span {spread_s / 86_400:.2f} days, longer than the window given ({window_days:g} days)",
                field="window_days",
            )
        rate_per_s = n / window_s
    per_minute = Counter(start // 60_000_000_000 for start in starts)
    minutes_observed = last_start // 60_000_000_000 - first_start // 60_000_000_000 + 1

    counted_calls = sum(len(r.calls) for r in requests)
    retries = sum(item.retries for r in requests for item in r.calls)
    failed = sum(1 for r in requests for item in r.calls if item.call.failed)

    structures = Counter(r.structure for r in requests)
    # The most common structure; a tie goes to the one seen first (requests are in time order).
    order = {s: i for i, s in reversed(list(enumerate(r.structure for r in requests)))}
    workload_structure = min(structures, key=lambda s: (-structures[s], order[s]))
    aligned = [r for r in requests if r.structure == workload_structure]

    warnings: list[str] = []
    steps: list[dict[str, Any]] = []
    step_samples: list[dict[str, int]] = []
    used_names: Counter[str] = Counter()
    streamed_steps = []
    for index in range(len(workload_structure)):
        groups = [r.groups[index] for r in aligned]
        # Named after what it calls ("chat-gpt-4o-mini"); a second step of the same kind gets "-2".
        first_call = groups[0][0].call
        slug = _slug(f"{first_call.operation} {first_call.model}")
        used_names[slug] += 1
        name = slug if used_names[slug] == 1 else f"{slug}-{used_names[slug]}"
        provider = PROVIDER_IDS.get(first_call.provider.lower(), first_call.provider)
        entry = catalogue.resolve(provider, first_call.model).model
        always_reasons = entry is not None and entry.always_reasons
        step, samples, step_warnings = _step(index, groups, aligned, name, where, always_reasons)
        steps.append(step)
        step_samples.append(samples)
        warnings.extend(step_warnings)
        calls = [item.call for group in groups for item in group]
        if sum(c.streamed for c in calls) * 2 >= len(calls):
            streamed_steps.append(index)
    if streamed_steps:
        # The person reads the last streamed step as it appears; without streaming evidence
        # the profile's default (the last step) applies.
        steps[streamed_steps[-1]]["shown"] = True
    main = steps[streamed_steps[-1]] if streamed_steps else steps[-1]

    share = len(aligned) / n
    if share < MIN_STRUCTURE_SHARE:
        warnings.append(
            f"only {share:.0%} of requests share the most common step structure; the steps describe those requests"
        )
    overlapping = sum(r.overlapping for r in requests)
    if overlapping:
        warnings.append(f"{overlapping} requests made model calls in parallel; the steps model them in sequence")

    workload = {
        "provider": main["provider"],
        "model": main["model"],
        "steps": steps,
        "requests_per_month": _round_half_up(rate_per_s * DAYS_PER_MONTH * 86_400),
        "peak_requests_per_minute": max(per_minute.values()),
        "retry_rate": round(min(1.0, retries / counted_calls), 4),
    }
    warnings += _peak_within_month(workload)
    others = [
        {"steps": _describe(s), "requests": k}
        for s, k in sorted(structures.items(), key=lambda item: (-item[1], order[item[0]]))
        if s != workload_structure
    ]
    # Provider names as advisor's catalogue spells them; what the traces said is kept.
    renamed = {}
    for step in steps:
        given = step["provider"]
        step["provider"] = PROVIDER_IDS.get(given.lower(), given)
        if step["provider"] != given:
            renamed[given] = step["provider"]
    workload["provider"] = main["provider"]
    feature = root or Counter(r.root.name for r in aligned).most_common(1)[0][0]
    provenance = {
        "sources": list(sources),
        "root": root,
        "feature": feature,
        "provider_names": renamed,
        "traces": n,
        **counts,
        "start": _iso(first_start),
        "end": _iso(max(s.end_ns for r in requests for s in (r.root, *(i.call.span for i in r.calls))), up=True),
        "window_s": round(window_s, 3),
        "window_from": "window_days" if window_days is not None else "observed",
        "step_structure": {
            "steps": _describe(workload_structure),
            "requests": len(aligned),
            "share": round(share, 4),
            "others": others[:5],
        },
        "retried_calls": sum(1 for r in requests for item in r.calls if item.retries),
        "retries": retries,
        "failed_calls": failed,
        "samples": {
            "requests_per_month": n,
            "peak_requests_per_minute": minutes_observed,
            "retry_rate": counted_calls,
            "steps": step_samples,
        },
        "warnings": warnings,
    }
    return Calibration(workload=workload, provenance=provenance)


def _peak_within_month(workload: dict[str, Any]) -> list[str]:
    """Sparse traffic (a few requests a day) has a busiest minute that an hour's peak (the
    profile's default peak_minutes) would make bigger than the whole month, which the profile
    refuses: the peak then lasts as many minutes as the month holds (at least one), and a month
    that cannot hold even that minute (a window longer than a month) is raised to it."""
    peak, month = workload["peak_requests_per_minute"], workload["requests_per_month"]
    if peak * DEFAULT_PEAK_MINUTES <= month:
        return []
    if month < peak:
        workload["requests_per_month"] = peak
        workload["peak_minutes"] = 1
        return [
            f"the busiest minute ({peak:,} requests) holds more than an average month ({month:,}): "
            f"requests_per_month is {peak:,}, the peak one minute"
        ]
    workload["peak_minutes"] = max(1.0, math.floor(month / peak * 100) / 100)
    return []


def calibrate(
    paths: str | Path | Sequence[str | Path],
    *,
    root: str | None = None,
    window_days: float | None = None,
    catalogue: Catalogue | None = None,
) -> Calibration:
    """Read OTLP/JSON trace exports and measure a workload from them. Raises ``TraceError``.

    ``root``: count only traces whose root span has this name. ``window_days``: the export's
    time window, when it is known to be longer than the traces' own spread. ``catalogue``:
    the provider catalogue that says which models cannot turn their reasoning off (default:
    the one of the rule set ``advisor recommend`` reads without ``--rules``).
    """
    if paths is not None:  # None: no trace files, said below
        paths = check_paths(paths, "paths", "the path of a trace export")
    check_type(root, (str, type(None)), "root", "the name of the root span, as text")
    if isinstance(paths, (str, os.PathLike)):  # one file, as advisor.verify and advisor.review take it
        paths = [paths] if paths != "" else []
    if not paths:
        raise TraceError("no trace files given")
    spans: list[Span] = []
    for path in paths:
        spans.extend(read_spans(path, attributes=KEPT_ATTRIBUTES))
    return calibrate_spans(spans, root=root, window_days=window_days, sources=[str(p) for p in paths],
                           catalogue=catalogue)
