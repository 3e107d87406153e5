"""Token prices per model: standard, batch and flex, from genai-prices or a workload override.

A price card holds USD per 1M tokens for uncached input, cached input (cache reads) and
output, at the workload's service tier, in batch processing and on the flex tier, as in
force on one date. Which provider has a batch API, and its discount where the price data
has no batch price (Bedrock, Azure), comes from the provider catalogue, cited; a provider
without one gets no discount, never an invented one. Every gap filled is an assumption.
"""

import datetime
import functools
import re
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from .assumption import Assumption
from .catalogue import Catalogue
from .clock import today
from .errors import InputError, UnknownModelError
from .profile import Pricing
from .provider import batch_offer, model_shutdown
from .validation import closest, plain

if TYPE_CHECKING:  # genai-prices is imported on first use: importing it costs ~0.3 s.
    from genai_prices.data_snapshot import DataSnapshot
    from genai_prices.types import ModelInfo, ModelPrice, Provider

_FROZEN = ConfigDict(frozen=True, defer_build=True)

_BATCH_CONTEXT = {"processing": "batch"}
_FLEX_CONTEXT = {"service_tier": "flex"}
_PRIORITY_CONTEXT = {"service_tier": "priority"}
_CLOSE_MATCHES = 5
# What a provider appends to a model's name to make the id it is called by: a date, a
# version or both (anthropic.claude-sonnet-4-5 -> anthropic.claude-sonnet-4-5-20250929-v1:0).
_VERSION_SUFFIX = re.compile(r"(?:[-@:._]v?\d[\d.]*)+")
# A fine-tune's id (ft:gpt-3.5-turbo, gpt-4o-mini-2024-07-18.ft-...): the price data's
# pattern for someone's own fine-tune, no model to point a reader to.
# Either case: the price data is looked up without it (FT:gpt-4o would offer gpt-4o).
_FINE_TUNE = re.compile(r"^ft:|\.ft-", re.IGNORECASE)


class TieredRate(BaseModel):
    """USD per 1M tokens. Cliff tiers: once a request's input tokens exceed a tier's start,
    every token of that request pays the tier price (genai-prices and provider semantics)."""

    model_config = _FROZEN

    base: float
    tiers: tuple[tuple[int, float], ...] = ()  # (start, price), ascending by start

    def at(self, input_tokens: int) -> float:
        for start, price in reversed(self.tiers):
            if input_tokens > start:
                return price
        return self.base

    def scaled(self, factor: float) -> "TieredRate":
        return TieredRate(base=self.base * factor, tiers=tuple((s, p * factor) for s, p in self.tiers))

    def never_above(self, other: "TieredRate") -> bool:
        """True when this rate is <= other at every request size (checked at each tier edge)."""
        edges = {0} | {s + 1 for s, _ in self.tiers} | {s + 1 for s, _ in other.tiers}
        return all(self.at(n) <= other.at(n) for n in edges)

    def describe(self) -> str:
        text = f"${plain(self.base)}"
        for start, price in self.tiers:
            text += f" (${plain(price)} above {start:,} input tokens)"
        return text


class RateSet(BaseModel):
    model_config = _FROZEN

    input: TieredRate
    cached_input: TieredRate
    output: TieredRate

    def describe(self) -> str:
        return (
            f"input {self.input.describe()}, cached input {self.cached_input.describe()}, "
            f"output {self.output.describe()} per 1M tokens"
        )


BatchSource = Literal["catalogue", "published discount", "override", "none"]


class PriceCard(BaseModel):
    model_config = _FROZEN

    provider: str  # price-data ids as resolved (or as given, for an override)
    model: str
    source: Literal["genai-prices", "override"]
    service_tier: str  # the tier `standard` prices: standard, flex or priority
    standard: RateSet  # what sync, streaming and async pay (at the workload's service tier)
    batch: RateSet  # the standard prices where there is no batch API: no discount is invented
    # "catalogue": genai-prices' batch prices; "published discount": the provider's discount
    # (provider catalogue) applied to standard prices; "override": the workload's; "none":
    # the provider has no batch API.
    batch_source: BatchSource
    batch_available: bool
    flex: RateSet | None  # the flex tier's prices, where the model has one (async can use it)
    flex_source: Literal["catalogue", "published discount"] | None
    price_date: datetime.date
    data_version: str  # e.g. "genai-prices 0.2.3"
    assumptions: tuple[Assumption, ...]
    # The model's context window in tokens, as the price data gives it (None: an override, or
    # not given): a request's input and output must fit in it.
    context_window: int | None = None
    # Where the price data prices the model by the time of day (DeepSeek's peak and off-peak
    # hours), its standard prices through the day on the price date: (the second of the day,
    # UTC, a price starts at; its prices), from 0 in order, each until the next. None where the
    # price is the same all day, on another service tier, or for an override.
    hourly: tuple[tuple[int, RateSet], ...] | None = None

    def rates_at(self, second: int) -> RateSet:
        """The standard prices in force at ``second`` of the day (UTC): ``standard`` where
        the price is the same all day."""
        if self.hourly is None:
            return self.standard
        return next(rates for start, rates in reversed(self.hourly) if start <= second)
    # The standard tier's prices where the workload pays the flex tier's: what a call that flex
    # refuses, and that falls back to the standard tier, pays (None: standard is paid, or unknown).
    fallback: RateSet | None = None


# -- catalogue access ------------------------------------------------------------------


@functools.cache
def _catalogue() -> "tuple[DataSnapshot, str]":
    from genai_prices import __version__, data_snapshot

    return data_snapshot.get_snapshot(), f"genai-prices {__version__}"


@functools.cache
def catalogue_span() -> tuple[datetime.date, datetime.date]:
    """The oldest and the newest price change the catalogue records (its dated prices).

    genai-prices records when a price changed, not when a model was released nor when the
    catalogue was last updated: before the oldest change it has no history, after the
    newest it knows nothing (a later price change needs a newer genai-prices).
    """
    from genai_prices.types import StartDateConstraint

    snapshot, _ = _catalogue()
    # A plain loop: two generators a model (2,330 of them, one in ten with dated prices) took
    # about 4 ms of every start.
    constraints = []
    for provider in snapshot.providers:
        for model in provider.models:
            if isinstance(model.prices, list):
                constraints += [c.constraint for c in model.prices]
            if model.price_variants:
                constraints += [v.constraint for v in model.price_variants]
    dates = [c.start_date for c in constraints if isinstance(c, StartDateConstraint)]
    if not dates:
        day = today()
        return day, day
    return min(dates), max(dates)


def price_date_caveat(price_date: datetime.date, model: str = "each model") -> str | None:
    """Why the catalogue's prices for ``price_date`` may not be the ones in force then."""
    first, last = catalogue_span()
    _, version = _catalogue()
    if price_date < first:
        return (
            f"{price_date} is before {first}, the oldest price change {version} records: {model} is priced at its "
            "oldest listed price, which may not be what was charged then (or the model may not have existed yet)"
        )
    if price_date > last:
        return (
            f"{price_date} is after {last}, the newest price change {version} records: prices may have changed "
            "since (a newer genai-prices knows)"
        )
    return None


def _rate(value: Any) -> TieredRate | None:
    """A genai-prices Decimal or TieredPrices as a TieredRate (None stays None)."""
    if value is None:
        return None
    tiers = getattr(value, "tiers", None)
    if tiers is None:
        return TieredRate(base=float(value))
    return TieredRate(
        base=float(value.base), tiers=tuple(sorted((int(t.start), float(t.price)) for t in tiers))
    )


def _names(clause: Any) -> list[str]:
    """The literal model names a genai-prices match clause accepts (for 'did you mean')."""
    for attr in ("equals", "starts_with", "contains"):
        if isinstance(text := getattr(clause, attr, None), str):
            return [text]
    nested = getattr(clause, "or_", None) or getattr(clause, "and_", None) or ()
    return [name for sub in nested for name in _names(sub)]


def _close(
    word: str, candidates: list[str], first: Sequence[str] = (), preferred: Sequence[Sequence[str]] = ()
) -> str:
    """``first``, then the candidates spelt most like ``word``: five at most. With ``preferred``
    (lists of candidates, the best first), the close ones of each list in turn fill the five,
    and ``candidates`` are searched only when none of them has a close one."""
    found = list(first)
    for pool in preferred:
        found += closest(word.lower(), list(dict.fromkeys(pool)), n=_CLOSE_MATCHES, cutoff=0.5)
    if len(found) == len(first):
        found += closest(word.lower(), list(dict.fromkeys(candidates)), n=_CLOSE_MATCHES, cutoff=0.5)
    found = list(dict.fromkeys(found))
    return ", ".join(found[:_CLOSE_MATCHES]) if found else "none"


def _offered(
    catalogue: Catalogue, provider: str, price_date: datetime.date, snapshot: "DataSnapshot", prices_provider: str
) -> tuple[list[str], frozenset[str]]:
    """What an unknown model's close matches offer first, and what only when nothing else is
    close (questionnaire-ux-2, item 12: gpt-9-turbo was offered gpt-4-turbo, gpt-35-turbo,
    gpt-3.5-turbo, gpt-35-turbo-16k and ft:gpt-3.5-turbo, none of them in the model list).

    First: the provider catalogue's names of the models that still answer on ``price_date``.
    Last: a name of a model shut down by then (or of a price-data model the catalogue knows
    only as shut down: its other snapshots and aliases), Azure's spelling of another name of
    the same model without its dot (gpt-35-turbo for gpt-3.5-turbo), a fine-tune's id."""
    def state(name: str) -> bool | None:  # True: shut down by the price date; False: answers; None: unknown
        entry = catalogue.resolve(provider, name).model
        if entry is None:
            return None
        return entry.shutdown is not None and entry.shutdown.date <= price_date

    try:
        priced_by = snapshot.find_provider(None, prices_provider, None)
    except LookupError:  # the provider is unknown: its own message says so, with no models to offer
        return [], frozenset()
    last: set[str] = set()
    for m in priced_by.models:
        names = (m.id, *_names(m.match))
        states = {state(n) for n in names}
        gone = True in states and False not in states
        dotless = {n.replace(".", "") for n in names if "." in n}
        last.update(n for n in names if gone or state(n) or n in dotless or _FINE_TUNE.search(n))

    def prices(name: str) -> bool:
        try:
            snapshot.find_provider_model(name, priced_by, None, None)
        except LookupError:
            return False
        return True

    answering = [
        name for _, entry in catalogue.models_of(provider)
        if entry.shutdown is None or entry.shutdown.date > price_date
        for name in entry.match.exact
    ]
    return [name for name in answering if prices(name)], frozenset(last)


def _longer_ids(
    snapshot: "DataSnapshot", provider: "Provider", model: str, candidates: Sequence[str]
) -> list[str]:
    """The ids among ``candidates`` that are ``model`` with a date or version after it and
    that the price data prices: a name as a provider's docs say it (Bedrock's
    anthropic.claude-sonnet-4-5) is not the id it is called and priced by, and no spelling
    likeness puts that id among the close matches."""
    typed = model.lower()
    found = []
    for name in dict.fromkeys(candidates):
        rest = name.lower().removeprefix(typed)
        if rest == name.lower() or not _VERSION_SUFFIX.fullmatch(rest):
            continue
        try:
            snapshot.find_provider_model(name, provider, None, None)
        except LookupError:
            continue
        found.append(name)
    return found


def _find(
    snapshot: "DataSnapshot",
    provider_id: str,
    model: str,
    known: Sequence[str] = (),
    offered: Callable[[], tuple[Sequence[str], Collection[str]]] = lambda: ((), frozenset()),
) -> "tuple[Provider, ModelInfo]":
    """The price data's provider and model; ``known``: the ids the provider catalogue gives
    the provider's models, offered first (with the price data's own) where one is the model
    given with a date or version after it. ``offered`` (``_offered``, asked only for a name
    that is wrong): the names an unknown model's close matches offer first, and those they
    offer only when no other is close."""
    try:
        provider: Provider | None = snapshot.find_provider(None, provider_id, None)
    except LookupError:
        provider = None
    # genai-prices also takes any text that contains a provider's name: 'azure-openai' was
    # priced as OpenAI (not Azure), 'not-anthropic' as Anthropic, 'openai ' as OpenAI but
    # without its rate limits. A provider is its id (any case); such a near miss is offered.
    if provider is None or provider.id != provider_id.lower():
        ids = [p.id for p in snapshot.providers]
        near = [provider.id] if provider is not None else []
        raise UnknownModelError(
            f"unknown provider '{provider_id}'; close matches: {_close(provider_id, ids, near)}; "
            "or give a 'pricing' override",
            field="provider",
        )
    try:
        return snapshot.find_provider_model(model, provider, None, None)
    except LookupError:
        if _FINE_TUNE.search(model):
            # A fine-tune is billed at rates of its own (OpenAI's fine-tuned gpt-4.1-mini at twice
            # its base model's), so its base model, the closest spelling, is not offered.
            raise UnknownModelError(
                f"unknown model '{model}' for provider '{provider.id}': a fine-tuned model is billed "
                "at prices of its own, not its base model's, and the price data has none for this "
                "one; give them in a 'pricing' override (input_per_mtok, output_per_mtok)",
                field="model",
            ) from None
        names = [n for m in provider.models for n in (m.id, *_names(m.match))]
        longer = _longer_ids(snapshot, provider, model, [*known, *names])
        # The catalogue's models that answer and the price data's own ids (the model list's),
        # then their other names; a retired model, an Azure spelling, a fine-tune only if no other is close.
        first, last = offered()
        ids = [m.id for m in provider.models if m.id not in last]
        pools = ([*first, *ids], [n for n in names if n not in last])
        raise UnknownModelError(
            f"unknown model '{model}' for provider '{provider.id}'; close matches: "
            f"{_close(model, names, longer, pools)}; or give a 'pricing' override",
            field="model",
        ) from None


def _batch_words(batch: RateSet, source: BatchSource) -> str:
    """The batch prices as the prices line says them: where they are the provider's published
    discount applied to the price data's standard prices, said so, as the line's source is the
    price data's (the discount has its own line, with its source)."""
    if source == "published discount":
        return f"with the provider's published discount applied: {batch.describe()}"
    return batch.describe()


def _has_variant(
    provider: "Provider", model: "ModelInfo", when: datetime.datetime, context: dict[str, str]
) -> bool:
    """True when genai-prices prices the model in this context on this date (an unmatched
    context silently returns the standard price: never take that for a discount)."""
    # genai-prices ignores request context for a model borrowed from a fallback provider
    # (e.g. Azure serving OpenAI's gpt-4o); so do we.
    if not any(model is m for m in provider.models):
        return False
    for variant in model.price_variants or ():
        if variant.when != context:
            continue
        if variant.constraint is not None and not variant.constraint.active(when):
            continue
        if variant.prices.__dict__.get("input_mtok") is not None:
            return True
    return False


# -- building the card -------------------------------------------------------------------


def _rate_set(price: "ModelPrice", what: str, model: str, assumptions: list[Assumption]) -> RateSet:
    input_rate = _rate(price.input_mtok)
    if input_rate is None:
        raise UnknownModelError(
            f"the catalogue has no per-token {what} input price for model '{model}' (it is priced by another "
            "unit, e.g. audio or pages); give a 'pricing' override",
            field="model",
        )
    cached = _rate(price.cache_read_mtok)
    if cached is None:
        cached = input_rate
        assumptions.append(
            Assumption(name=f"{what} cached input", value="billed at the input price (no cache-read price listed)",
                       source="genai-prices catalogue")
        )
    output = _rate(price.output_mtok)
    if output is None:
        output = TieredRate(base=0.0)
        assumptions.append(
            Assumption(name=f"{what} output", value="$0 (no output token price listed, e.g. an embedding model)",
                       source="genai-prices catalogue")
        )
    return RateSet(input=input_rate, cached_input=cached, output=output)


# The per-token prices genai-prices lists for media, beside the text ones: (field, words, the text
# rate's field). A workload's tokens are priced as text; these say what audio, images or video cost.
_MEDIA_RATES = (
    ("input_audio_mtok", "audio input", "input_mtok"),
    ("output_audio_mtok", "audio output", "output_mtok"),
    ("input_image_mtok", "image input", "input_mtok"),
    ("output_image_mtok", "image output", "output_mtok"),
    ("input_video_mtok", "video input", "input_mtok"),
    ("output_video_mtok", "video output", "output_mtok"),
)


def _media_assumption(price: "ModelPrice", standard: RateSet, model: str, source: str) -> Assumption | None:
    """That the workload's tokens are billed at the text prices, where the price data lists other
    prices for the model's audio, image or video tokens (gemini-2.5-flash: audio input $1 against
    text $0.3; gpt-realtime: audio $32 in and $64 out against $4 and $16): a request that sends
    or returns them costs more (or less) than the bill shows. None: no such price differs."""
    text = {"input_mtok": standard.input, "output_mtok": standard.output}
    listed = []
    for field, words, against in _MEDIA_RATES:
        rate = _rate(getattr(price, field, None))
        if rate is not None and rate != text[against]:
            listed.append(f"{words} at {rate.describe()}")
    if not listed:
        return None
    return Assumption(
        name="audio, image and video tokens",
        value=f"billed as text (input {standard.input.describe()}, output {standard.output.describe()} per 1M "
        f"tokens), but {model} bills {', '.join(listed[:-1]) + ' and ' if len(listed) > 1 else ''}{listed[-1]} "
        "per 1M tokens: where its requests send or return them, give a 'pricing' override at the price the "
        "request's mix of tokens pays",
        source=source,
    )


def _cap(batch: RateSet, standard: RateSet, what: str, assumptions: list[Assumption]) -> RateSet:
    """A discounted tier never costs more than standard: a price row saying so is a data slip."""
    capped = {}
    for name in ("input", "cached_input", "output"):
        b, s = getattr(batch, name), getattr(standard, name)
        if not b.never_above(s):
            b = s
            assumptions.append(
                Assumption(
                    name=f"{what} {name.replace('_', ' ')}",
                    value=f"standard price (the price data's {what} price was higher)",
                    source="genai-prices catalogue",
                )
            )
        capped[name] = b
    return RateSet(**capped)


def _scaled(rates: RateSet, factor: float) -> RateSet:
    return RateSet(
        input=rates.input.scaled(factor), cached_input=rates.cached_input.scaled(factor),
        output=rates.output.scaled(factor),
    )


def _published_batch(
    catalogue: Catalogue, provider: str, standard: RateSet, assumptions: list[Assumption], gap: str
) -> tuple[RateSet, BatchSource, bool]:
    """Batch prices from the provider's published discount, or none without a batch API."""
    offer = batch_offer(catalogue, provider)
    if not offer.available or offer.discount is None:
        assumptions.append(
            Assumption(name="batch discount", value=f"none: {offer.reason}", source=offer.source,
                       source_ids=offer.source_ids)
        )
        return standard, "none", False
    assumptions.append(
        Assumption(
            name="batch discount",
            value=f"{offer.discount:.0%} off every token price (the provider's published batch discount{gap})",
            source=offer.source, source_ids=offer.source_ids,
        )
    )
    return _scaled(standard, 1 - offer.discount), "published discount", True


def _override_card(
    catalogue: Catalogue, provider: str, model: str, price_date: datetime.date, pricing: Pricing, service_tier: str
) -> PriceCard:
    assumptions: list[Assumption] = []
    input_rate = TieredRate(base=pricing.input_per_mtok)
    if pricing.cached_input_per_mtok is None:
        cached = input_rate
        assumptions.append(
            Assumption(name="cached input", value="billed at the input price (no cached_input_per_mtok given)",
                       source="workload pricing override")
        )
    else:
        cached = TieredRate(base=pricing.cached_input_per_mtok)
    standard = RateSet(input=input_rate, cached_input=cached, output=TieredRate(base=pricing.output_per_mtok))
    if service_tier != "standard":
        assumptions.append(
            Assumption(name="service tier", value=f"the pricing override is the {service_tier} tier's price",
                       source="workload pricing override")
        )
    offer = batch_offer(catalogue, provider)
    spec = catalogue.provider(provider)
    batch_source: BatchSource
    if pricing.batch_discount is not None:
        if spec is not None and not offer.available:
            raise InputError(f"{spec.name} has no batch API: {offer.reason} Leave batch_discount out.",
                             field="pricing.batch_discount")
        batch, batch_source, available = _scaled(standard, 1 - pricing.batch_discount), "override", True
    else:
        batch, batch_source, available = _published_batch(catalogue, provider, standard, assumptions, "")
    return PriceCard(
        provider=provider, model=model, source="override", service_tier=service_tier, standard=standard,
        batch=batch, batch_source=batch_source, batch_available=available, flex=None, flex_source=None,
        price_date=price_date, data_version="workload pricing override", assumptions=tuple(assumptions),
    )


def price_card(
    provider: str,
    model: str,
    price_date: datetime.date,
    pricing: Pricing | None = None,
    *,
    catalogue: Catalogue | None = None,
    service_tier: str = "standard",
) -> PriceCard:
    """Prices in force on ``price_date`` (at the provider catalogue's pricing hour, UTC);
    ``pricing`` replaces the price data entirely."""
    if catalogue is None:
        from .rules import load_rules

        catalogue = load_rules().catalogue
    return _price_card(catalogue, provider, model, price_date, pricing, service_tier)


# A day in seconds: the price data's time-of-day prices repeat every day, in UTC.
DAY_S = 86_400


def _second_of_day(value: datetime.time) -> int:
    """A time of day as the second of the day in UTC (a naive time is UTC, as genai-prices reads it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    moment = datetime.datetime.combine(datetime.date(1970, 1, 1), value).astimezone(datetime.UTC)
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _hourly(model: "ModelInfo", day: datetime.date) -> tuple[tuple[int, RateSet], ...] | None:
    """A model's standard prices through ``day`` where the price data prices it by the time of
    day (conditional prices with a time-of-day constraint: DeepSeek's peak hours): each price
    from the second it starts, read from the price data at each edge its constraints draw.
    None where no constraint depends on the time of day, or the prices are the same all day."""
    from genai_prices.types import TimeOfDateConstraint

    conditions = model.prices if isinstance(model.prices, list) else ()
    edges = {0}
    for condition in conditions:
        constraint = condition.constraint
        if isinstance(constraint, TimeOfDateConstraint):
            edges.update(_second_of_day(t) for t in (constraint.start_time, constraint.end_time))
    if len(edges) == 1:
        return None
    midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
    hourly: list[tuple[int, RateSet]] = []
    for start in sorted(edges):
        rates = _rate_set(model.get_prices(midnight + datetime.timedelta(seconds=start)), "standard", model.id, [])
        if not hourly or hourly[-1][1] != rates:
            hourly.append((start, rates))
    return tuple(hourly) if len(hourly) > 1 else None


def peak_hour(catalogue: Catalogue, provider: str, pricing: Pricing | None) -> tuple[str, int] | None:
    """Where a model's price depends on the hour (DeepSeek), the provider's name and the UTC
    hour it is priced at, which the provider catalogue sets at its peak: the figures are an
    upper bound, and calls made off-peak bill less. None where the price is the same all day,
    or the workload gives its own (``pricing``), which no hour changes."""
    spec = catalogue.provider(provider)
    if pricing is not None or spec is None or not spec.price_at_utc_hour:
        return None
    return spec.name, spec.price_at_utc_hour


@functools.lru_cache(maxsize=256)
def _price_card(
    catalogue: Catalogue,
    provider: str,
    model: str,
    price_date: datetime.date,
    pricing: Pricing | None,
    service_tier: str,
) -> PriceCard:
    # A model its provider has shut down has no price to pay, override or not.
    shutdown = model_shutdown(catalogue, provider, model, price_date)
    if pricing is not None:
        card = _override_card(catalogue, provider, model, price_date, pricing, service_tier)
    else:
        card = _listed_card(catalogue, provider, model, price_date, service_tier)
    if shutdown is None:
        return card
    return card.model_copy(update={"assumptions": (*card.assumptions, shutdown)})


def _listed_card(
    catalogue: Catalogue, provider: str, model: str, price_date: datetime.date, service_tier: str
) -> PriceCard:
    """The prices genai-prices lists, with the provider catalogue's batch and flex facts."""
    resolved = catalogue.resolve(provider, model)
    spec = resolved.provider
    if spec is not None and spec.prices is None:
        raise UnknownModelError(
            f"a {spec.name.lower()} has no price list: give 'pricing', your cost per 1M tokens", field="pricing"
        )
    snapshot, version = _catalogue()
    known = [name for entry in spec.models.values() for name in entry.match.exact] if spec is not None else []
    prices_provider, priced_as = (spec.prices if spec and spec.prices else provider), resolved.prices_model or model
    found_provider, found_model = _find(
        snapshot, prices_provider, priced_as, known,
        lambda: _offered(catalogue, provider, price_date, snapshot, prices_provider),
    )
    hour = spec.price_at_utc_hour if spec is not None else 0
    when = datetime.datetime(price_date.year, price_date.month, price_date.day, hour, tzinfo=datetime.UTC)
    assumptions: list[Assumption] = []
    listed = found_model.get_prices(when)
    standard = _rate_set(listed, "standard", found_model.id, assumptions)
    media = _media_assumption(listed, standard, found_model.id, f"{version} catalogue")
    if media is not None:
        assumptions.append(media)
    if hour and spec is not None:
        assumptions.append(
            catalogue.assumption("price hour", f"prices at {hour:02d}:00 UTC ({spec.name}'s price depends on "
                                 "the hour; this is its peak rate, an upper bound)", spec.price_at_source)
        )

    batch_source: BatchSource
    if spec is not None and not batch_offer(catalogue, provider).available:
        batch, batch_source, available = _published_batch(catalogue, provider, standard, assumptions, "")
    elif _has_variant(found_provider, found_model, when, _BATCH_CONTEXT):
        batch = _rate_set(found_model.get_prices(when, _BATCH_CONTEXT), "batch", found_model.id, assumptions)
        batch = _cap(batch, standard, "batch", assumptions)
        batch_source, available = "catalogue", True
    else:
        gap = "; the price data has no batch price for this model on this date"
        batch, batch_source, available = _published_batch(catalogue, provider, standard, assumptions, gap)

    flex: RateSet | None = None
    flex_source: Literal["catalogue", "published discount"] | None = None
    entry = resolved.model
    if entry is not None and entry.flex and spec is not None and spec.flex is not None:
        if _has_variant(found_provider, found_model, when, _FLEX_CONTEXT):
            flex = _rate_set(found_model.get_prices(when, _FLEX_CONTEXT), "flex", found_model.id, assumptions)
            flex, flex_source = _cap(flex, standard, "flex", assumptions), "catalogue"
        elif spec.flex.discount is not None:
            flex, flex_source = _scaled(standard, 1 - spec.flex.discount), "published discount"
            assumptions.append(
                catalogue.assumption("flex discount", f"{spec.flex.discount:.0%} off standard prices (the "
                                     "provider's published flex price; the price data has none on this date)",
                                     spec.flex.source)
            )

    paid = standard
    if service_tier == "flex":
        if flex is None:
            raise InputError(f"{model} has no flex price on {price_date}", field="service_tier")
        paid = flex
    elif service_tier == "priority":
        if not _has_variant(found_provider, found_model, when, _PRIORITY_CONTEXT):
            raise InputError(
                f"the price data ({version}) has no priority price for {found_model.id} on {price_date}; "
                "give 'pricing' with the price you pay",
                field="service_tier",
            )
        paid = _rate_set(found_model.get_prices(when, _PRIORITY_CONTEXT), "priority", found_model.id, assumptions)

    caveat = price_date_caveat(price_date, found_model.id)
    if caveat is not None:
        assumptions.insert(0, Assumption(name="price date", value=caveat, source=f"{version} catalogue"))
    tier = "" if service_tier == "standard" else f" ({service_tier} tier)"
    assumptions.insert(
        0,
        Assumption(
            name="prices",
            value=f"{found_provider.id} {found_model.id} on {price_date.isoformat()}{tier}: {paid.describe()}; "
            f"batch {_batch_words(batch, batch_source) if available else 'none (no batch API)'}",
            source=f"{version} catalogue" + (", batch prices included" if batch_source == "catalogue" else ""),
        ),
    )
    return PriceCard(
        provider=found_provider.id, model=found_model.id, source="genai-prices", service_tier=service_tier,
        standard=paid, batch=batch, batch_source=batch_source, batch_available=available, flex=flex,
        flex_source=flex_source, price_date=price_date, data_version=version, assumptions=tuple(assumptions),
        context_window=found_model.context_window,
        hourly=_hourly(found_model, price_date) if service_tier == "standard" else None,
        fallback=standard if service_tier == "flex" else None,
    )
