"""What a workload's provider offers it, from the provider catalogue: the account tier whose
rate limits apply, the service tiers it may ask for, and whether a batch API exists (with
its discount, window and limits). Asking for what the provider lacks is an error naming
the field and what the provider offers.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from .assumption import Assumption
from .catalogue import Catalogue, ModelSpec, ResolvedModel
from .citation import SKIP_REAL_TIME
from .errors import InputError, UnknownModelError
from .figures import budget_seconds, seconds
from .profile import WorkloadProfile
from .steps import WorkStep
from .value_class import value_class

# "In practice, most batches complete well under an hour despite the 24-hour guarantee"
# (When to Skip Real-Time LLM Inference § Where the Break-Even Actually Is): the general
# statement, for a provider whose own figure (the catalogue's usually_within_h) is unknown.
USUAL_BATCH_S = 3600.0
USUAL_BATCH_SOURCE = f"{SKIP_REAL_TIME} § Where the Break-Even Actually Is"
# The assumption that says what typical batch completion is taken to be, and from where.
TYPICAL_BATCH = "typical batch completion"


def batch_usually_in_time(
    window_s: float, budget_s: float, calls: int = 1, *, usual_s: float | None = None
) -> bool:
    """A budget shorter than the batch window, but long enough for most batches (one per
    dependent call, each within ``usual_s``: the provider's own figure where the catalogue
    has one, else well under an hour): batch is then a risk, not a miss."""
    return window_s > budget_s >= (usual_s or USUAL_BATCH_S) * calls


def usual_batch_s(catalogue: Catalogue, provider: str) -> float | None:
    """The time the provider says most of its batches finish within (the catalogue's
    ``usually_within_h``), in seconds; None where it publishes none."""
    offer = batch_offer(catalogue, provider)
    return offer.usually_within_h * 3600.0 if offer.available and offer.usually_within_h else None


def usually_words(usual_s: float | None, calls: int = 1) -> str:
    """What most batches take: the provider's own figure ("most batches finish in under 1 h"),
    else the general statement ("most batches complete well under an hour")."""
    if usual_s is None:
        return ("most batches complete well under an hour" if calls == 1
                else f"its {calls} batches run one after another, most each well under an hour")
    return (f"most batches finish in under {seconds(usual_s)}" if calls == 1
            else f"its {calls} batches run one after another, most each in under {seconds(usual_s)}")


# Where what most batches take comes from, in the words the assumption and a lever share.
_GENERAL_STATEMENT = "a general statement across providers"


def _own_figure(name: str) -> str:
    return f"{name}'s own figure"


def _publishes_none(name: str) -> str:
    return f"{name} publishes no typical completion time"


def _provider_name(catalogue: Catalogue, provider: str) -> str:
    spec = catalogue.provider(provider)
    return spec.name if spec is not None else provider


def typical_batch_assumption(
    catalogue: Catalogue, provider: str, window_s: float | None, budget_s: float, calls: int = 1
) -> Assumption | None:
    """Where the record leans on what most batches take (a budget shorter than the batch
    window but long enough for most batches: "at risk", not missed), what that is taken to
    be and from where: the provider's own figure with its catalogue source, else the general
    statement of When to Skip Real-Time LLM Inference. None where nothing leans on it."""
    usual = usual_batch_s(catalogue, provider)
    if window_s is None or not batch_usually_in_time(window_s, budget_s, calls, usual_s=usual):
        return None
    name = _provider_name(catalogue, provider)
    window = seconds(window_s / calls)
    if usual is not None:
        offer = batch_offer(catalogue, provider)
        return Assumption(
            name=TYPICAL_BATCH,
            value=f"{usually_words(usual)} ({_own_figure(name)}); only its window of {window} is guaranteed",
            source=offer.source, source_ids=offer.source_ids,
        )
    # A provider the catalogue lacks has no window of its own there: the one taken is said as taken.
    guarantees = (f"guarantees only its window of {window}" if catalogue.provider(provider) is not None
                  else f"guarantees only its window, taken as {window} (see the batch window)")
    return Assumption(
        name=TYPICAL_BATCH,
        value=f"{usually_words(None)}, {_GENERAL_STATEMENT}: {_publishes_none(name)} in the provider catalogue, and "
        f"{guarantees}",
        source=USUAL_BATCH_SOURCE, source_ids=(SKIP_REAL_TIME,),
    )


def typical_batch_source(catalogue: Catalogue, provider: str, general: str) -> str:
    """Where what most batches take comes from, in brief, for a sentence that says it with no
    "typical batch completion" assumption beside it (a lever's budget, not the workload's):
    "Anthropic's own figure"; "a general statement across providers, When to Skip Real-Time
    LLM Inference; OpenAI publishes no typical completion time" (``general``: the title of
    the document the general statement is from)."""
    name = _provider_name(catalogue, provider)
    if usual_batch_s(catalogue, provider) is not None:
        return _own_figure(name)
    return f"{_GENERAL_STATEMENT}, {general}; {_publishes_none(name)}"


def batch_window_words(
    window_s: float, budget_s: float, calls: int = 1, *, extra: int = 0, lines: Iterable[float] = (),
    usual_s: float | None = None, usual_source: str | None = None,
) -> str:
    """When a batch's results come, against the budget: within the provider's window, and,
    where the budget is shorter than the window, that most batches finish well under an hour
    but only the window is guaranteed (When to Skip Real-Time LLM Inference § Where the
    Break-Even Actually Is: providers "just won't guarantee faster"). ``extra``: digits a
    time set against the budget needs to read apart from it (advisor.core.figures); ``lines``:
    the rule set's thresholds on the budget, which the budget is said apart from; ``usual_s``:
    what the provider says most of its batches take (usual_batch_s), None for the general
    statement; ``usual_source``: where that comes from, in brackets after it, where no
    assumption beside the words says it (typical_batch_source)."""
    window, budget = seconds(window_s, extra), budget_seconds(budget_s, extra, lines)
    # The window is one per dependent call: 4 days for 4 calls of a 24 h window.
    within = (f"the provider's batch window of {window}" if calls == 1
              else f"{window}, the provider's batch window for each of {calls} dependent calls")
    if budget_s >= window_s:
        return f"results come within {within}"
    if not batch_usually_in_time(window_s, budget_s, calls, usual_s=usual_s):  # what most take is beside the point
        return f"results come within {within}, longer than the budget of {budget}"
    usually = usually_words(usual_s, calls) + (f" ({usual_source})" if usual_source else "")
    guaranteed = (f"its window of {window}" if calls == 1
                  else f"{window}, its window for each of {calls} dependent calls")
    late = f"longer than the budget of {budget}"
    return f"{usually}, but the provider guarantees results only within {guaranteed}, {late}"


def account_tier(catalogue: Catalogue, profile: WorkloadProfile) -> tuple[str | None, Assumption | None]:
    """The tier whose limits apply, and the assumption when it is the provider's default."""
    return provider_tier(catalogue, profile.provider, profile.tier)


def provider_tier(
    catalogue: Catalogue, provider: str, given: str | None
) -> tuple[str | None, Assumption | None]:
    """The tier of ``provider`` whose limits apply (``given``, else its default, with the
    assumption that says so). A step on another provider than the workload's gets that
    provider's default tier."""
    key = ("tier", provider, given)
    hit: tuple[str | None, Assumption | None] | None = catalogue.memo.get(key)
    if hit is None:
        hit = catalogue.memo[key] = _account_tier(catalogue, provider, given)
    return hit


def _account_tier(catalogue: Catalogue, provider: str, given: str | None) -> tuple[str | None, Assumption | None]:
    spec = catalogue.provider(provider)
    if spec is None:
        if given is not None:
            raise InputError(
                f"the provider catalogue has no account tiers for provider '{provider}'; "
                "leave 'tier' out and give 'rate_limits' for your account",
                field="tier",
            )
        return None, None
    if given is not None:
        if given.lower() in spec.tiers:
            return given.lower(), None
        allowed = ", ".join(spec.tiers) if spec.tiers else "none (leave it out)"
        raise InputError(f"unknown tier {given!r} for {spec.name}; allowed: {allowed}", field="tier")
    if spec.default_tier is None:
        return None, None
    note = f" {spec.tiers_note.strip()}" if spec.tiers_note else ""
    return spec.default_tier, catalogue.assumption(
        "account tier", f"{spec.default_tier} ({spec.name}'s default for every model; set 'tier' for yours).{note}",
        spec.tiers_source,
    )


def offered_service_tiers(catalogue: Catalogue, resolved: ResolvedModel) -> tuple[str, ...]:
    """The service tiers the catalogue documents for this model: standard, then flex and
    priority where the provider offers them for it."""
    spec, model = resolved.provider, resolved.model
    offered = ["standard"]
    if spec is not None and model is not None:
        if model.flex and spec.flex is not None:
            offered.append("flex")
        if spec.priority is not None and model.priority_output_tokens_per_s is not None:
            offered.append("priority")
    return tuple(offered)


def check_service_tier(
    catalogue: Catalogue, profile: WorkloadProfile, models: Iterable[tuple[str, str, str]] = ()
) -> None:
    """The workload's service tier is offered for its model, and for every step's model
    (``models``: step name, provider, model)."""
    if profile.service_tier == "standard":
        return
    for step, provider, model in [*models] or [("", profile.provider, profile.model)]:
        resolved = catalogue.resolve(provider, model)
        offered = offered_service_tiers(catalogue, resolved)
        if profile.service_tier not in offered:
            who = f"{model} at {resolved.provider.name}" if resolved.provider else f"provider '{provider}'"
            where = f" (step {step!r})" if step else ""
            raise InputError(
                f"{who}{where} has no {profile.service_tier} tier in the provider catalogue; offered: "
                f"{', '.join(offered)}",
                field="service_tier",
            )


def check_reasoning_off(catalogue: Catalogue, steps: Iterable[WorkStep]) -> None:
    """No step states reasoning_tokens 0 (thinking off) for a model that cannot answer
    without reasoning (``always_reasons`` in the catalogue): that is an InputError naming the
    step's field and what it may give instead."""
    for step in steps:
        if not step.reasoning_stated or step.reasoning_tokens:
            continue
        entry = catalogue.resolve(step.provider, step.model).model
        if entry is None or not entry.always_reasons:
            continue
        raise InputError(
            f"{step.model} cannot turn its reasoning off ({catalogue.cite(entry.always_reasons_source)}), so 0 "
            "is not possible: give the reasoning tokens it writes per call, or leave the field out (the first "
            "token is then the catalogue's, reasoning included)",
            field=step.field("reasoning_tokens"),
        )


def check_max_output(catalogue: Catalogue, steps: Iterable[WorkStep]) -> None:
    """No call asks its model for more output (visible and reasoning) than one response of it
    can hold (``max_output_tokens`` in the catalogue): the answer stops at the limit every
    time, so that is an InputError naming the step's field, as a call over its context window
    is."""
    for step in steps:
        entry = catalogue.resolve(step.provider, step.model).model
        if entry is None or entry.max_output_tokens is None or step.billed_output_tokens <= entry.max_output_tokens:
            continue
        limit = entry.max_output_tokens
        parts = f"{step.output_tokens:,} output" + (
            f" + {step.reasoning_tokens:,} reasoning" if step.reasoning_tokens else "")
        field = "reasoning_tokens" if step.reasoning_tokens > step.output_tokens else "output_tokens"
        raise InputError(
            f"one call of {step.model} would write {step.billed_output_tokens:,} tokens ({parts}), more than its "
            f"maximum output of {limit:,} tokens a response, reasoning included "
            f"[{catalogue.cite(entry.max_output_source)}]: every such answer is cut off at the limit; give at most "
            f"{limit:,} output and reasoning tokens a call (split the answer over several calls), or a model whose "
            "maximum output holds it",
            field=step.field(field),
        )


# The assumption that names a model's announced shutdown; the views raise it to a risk.
SHUTDOWN = "model shutdown"


def model_shutdown(
    catalogue: Catalogue, provider: str, model: str, price_date: datetime.date
) -> Assumption | None:
    """The model's announced shutdown as an assumption, when it comes after ``price_date``; a
    model its provider has shut down by then is an InputError naming the models that answer."""
    resolved = catalogue.resolve(provider, model)
    spec, entry = resolved.provider, resolved.model
    if spec is None or entry is None or entry.shutdown is None:
        return None
    shutdown = entry.shutdown
    source = catalogue.cite(shutdown.source)
    effect = shutdown.note or "every request to it fails"
    if price_date >= shutdown.date:
        raise UnknownModelError(
            f"{spec.name} shut {model} down on {shutdown.date}: {effect} [{source}]. "
            f"{spec.name}'s models in the provider catalogue that answer on {price_date}: "
            f"{', '.join(_answering(spec.models, entry, price_date)) or 'none'}; or give a price date before "
            f"{shutdown.date} to assess it as it was",
            field="model",
        )
    days = (shutdown.date - price_date).days
    lasting = _lasting(spec.models, entry)
    current = f"; {spec.name} models with no shutdown announced: {', '.join(lasting)}" if lasting else ""
    return Assumption(
        name=SHUTDOWN,
        value=f"{spec.name} shuts {model} down on {shutdown.date}, {days} day{'' if days == 1 else 's'} after the "
        f"price date: from then {effect}, so this decision holds only until the move to a current model{current}",
        source=source, source_ids=catalogue.ids(shutdown.source),
    )


def retiring_models(
    catalogue: Catalogue, models: Iterable[tuple[str, str]], price_date: datetime.date
) -> list[str]:
    """Each announced shutdown of ``models`` (provider, model; each said once), as the text
    summary's headline and the record's decision say it: the shutdown as its assumption says
    it (the date, what then becomes of a request: the model that answers it, where the
    provider names one), then what it means for the money: every monthly cost bills the
    model's calls at its own prices for a whole month, which hold only until that day.

    The same rule as the headline's and the review's: every shutdown announced after the
    price date, however far off (one on or before it is refused where the prices are read)."""
    said: list[str] = []
    seen: set[tuple[str, str]] = set()
    for provider, model in models:
        if (provider, model) in seen:
            continue
        seen.add((provider, model))
        shutdown = model_shutdown(catalogue, provider, model, price_date)
        entry = catalogue.resolve(provider, model).model
        if shutdown is None or entry is None or entry.shutdown is None:
            continue
        said.append(
            f"{shutdown.value[:1].upper()}{shutdown.value[1:]}. The monthly costs bill {model}'s calls at its own"
            f" prices for the whole month; those prices hold only until {entry.shutdown.date}."
        )
    return said


def _lasting(models: Mapping[str, ModelSpec], gone: ModelSpec) -> list[str]:
    """The provider's models of the same kind as ``gone`` with no shutdown announced."""
    return [key for key, m in models.items() if m.output == gone.output and m.shutdown is None]


def _answering(models: Mapping[str, ModelSpec], gone: ModelSpec, day: datetime.date) -> list[str]:
    """What can replace ``gone`` on ``day``: the provider's models of the same kind (a chat
    model is not replaced by an embedding model) that still answer, those with no announced
    shutdown first, then the retiring ones, latest shutdown first, each with its date."""
    kind = [(key, m) for key, m in models.items() if m.output == gone.output]
    lasting = _lasting(models, gone)
    retiring = sorted(((m.shutdown.date, key) for key, m in kind if m.shutdown and m.shutdown.date > day),
                      key=lambda pair: pair[0], reverse=True)
    return [*lasting, *(f"{key} (until {date})" for date, key in retiring)]


def first_shutdown(
    catalogue: Catalogue, models: Iterable[tuple[str, str]], price_date: datetime.date
) -> tuple[int, str] | None:
    """Days from ``price_date`` until the first of ``models`` (provider, model) is shut down,
    and that model's name; None when no shutdown is announced for any of them."""
    found: tuple[int, str] | None = None
    for provider, model in models:
        entry = catalogue.resolve(provider, model).model
        if entry is None or entry.shutdown is None:
            continue
        days = (entry.shutdown.date - price_date).days
        if found is None or days < found[0]:
            found = (days, model)
    return found


def shutdown_source_ids(catalogue: Catalogue, models: Iterable[tuple[str, str]], model: str) -> tuple[str, ...]:
    """The ids of the documents that announce ``model``'s shutdown, ``model`` being one of
    ``models`` (provider, model) as ``first_shutdown`` named it; () when none is announced."""
    for provider, name in models:
        entry = catalogue.resolve(provider, name).model
        if name == model and entry is not None and entry.shutdown is not None:
            return catalogue.ids(entry.shutdown.source)
    return ()


@value_class(slots=True)
class BatchOffer:
    """A provider's batch offer as cited (its discount, window and limits), or why there is none."""

    available: bool
    discount: float | None  # the provider's published share off every token price
    window_h: float | None  # the completion window it guarantees (or targets)
    usually_within_h: float | None
    max_requests: int | None
    max_file_mb: float | None
    reason: str  # why there is none
    source: str  # cited
    source_ids: tuple[str, ...]


def batch_offer(catalogue: Catalogue, provider: str) -> BatchOffer:
    key = ("batch", provider)
    hit: BatchOffer | None = catalogue.memo.get(key)
    if hit is None:
        spec = catalogue.provider(provider)
        if spec is None:
            hit = BatchOffer(
                False, None, None, None, None, None,
                f"The provider catalogue does not know whether {provider} has a batch API; a 'pricing' override "
                "with its batch_discount says it has.",
                "advisor provider catalogue", (),
            )
        else:
            b = spec.batch
            hit = BatchOffer(
                b.available, b.discount, b.window_h, b.usually_within_h, b.max_requests, b.max_file_mb,
                " ".join(b.reason.split()), catalogue.cite(b.source), catalogue.ids(b.source),
            )
        catalogue.memo[key] = hit
    return hit


def batch_queue_assumption(catalogue: Catalogue, provider: str) -> Assumption | None:
    """That the provider's batch queue limit (what one account tier may have queued in its
    batches at once) is not checked: the provider catalogue holds no such figure, so a batch
    recommendation says so beside the per-batch limits it does check, with the provider's
    batch documentation as the place to read it. None: no batch API in the catalogue."""
    key = ("batch queue", provider)
    if key in catalogue.memo:
        hit: Assumption | None = catalogue.memo[key]
        return hit
    offer = batch_offer(catalogue, provider)
    spec = catalogue.provider(provider)
    hit = None
    if offer.available and spec is not None:
        hit = Assumption(
            name="batch queue",
            value=f"not checked: a provider caps what one account tier may have queued in its batches at once "
            f"(its batch queue limit, in tokens or requests), and the provider catalogue holds no such figure for "
            f"{spec.name}; confirm your tier's before counting on the batch window, as work beyond it waits for "
            "earlier batches to finish",
            source=offer.source, source_ids=offer.source_ids,
        )
    catalogue.memo[key] = hit
    return hit
