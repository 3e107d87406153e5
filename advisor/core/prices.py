"""Token prices per model: standard and batch, from genai-prices or a workload override.

A price card holds USD per 1M tokens for uncached input, cached input (cache reads) and
output, in standard and in batch processing, as in force on one date. Where the catalogue
has no batch price for a model, the provider's published batch discount is applied and
recorded as an assumption; so is every other gap that had to be filled.
"""

from __future__ import annotations

import datetime
import functools
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from .assumption import Assumption
from .errors import UnknownModelError
from .profile import Pricing
from .validation import closest, plain

if TYPE_CHECKING:  # genai-prices is imported on first use: importing it costs ~0.3 s.
    from genai_prices.data_snapshot import DataSnapshot
    from genai_prices.types import ModelInfo, ModelPrice, Provider

_FROZEN = ConfigDict(frozen=True)

# Share taken off every token price by each provider's batch API (all three publish 50%).
PUBLISHED_BATCH_DISCOUNT: dict[str, float] = {"openai": 0.5, "anthropic": 0.5, "google": 0.5}
DEFAULT_BATCH_DISCOUNT = 0.5
BATCH_DISCOUNT_SOURCES: dict[str, str] = {
    "openai": "https://platform.openai.com/docs/guides/batch (50% lower cost)",
    "anthropic": "https://docs.anthropic.com/en/docs/build-with-claude/batch-processing (50% of standard prices)",
    "google": "https://ai.google.dev/gemini-api/docs/batch-mode (50% of the standard cost)",
}
DEFAULT_DISCOUNT_SOURCE = (
    "002_a8123194d0372aa9.txt, The Default That Costs You 50%; 003_a5044114f5d4f089.txt, Pattern 3 "
    "(50% discount on most providers)"
)
_BATCH_CONTEXT = {"processing": "batch"}
_CLOSE_MATCHES = 5


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

    def scaled(self, factor: float) -> TieredRate:
        return TieredRate(base=self.base * factor, tiers=tuple((s, p * factor) for s, p in self.tiers))

    def never_above(self, other: TieredRate) -> bool:
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


class PriceCard(BaseModel):
    model_config = _FROZEN

    provider: str  # catalogue ids as resolved (or as given, for an override)
    model: str
    source: Literal["genai-prices", "override"]
    standard: RateSet
    batch: RateSet
    batch_source: Literal["catalogue", "published discount", "override"]
    price_date: datetime.date
    data_version: str  # e.g. "genai-prices 0.2.3"
    assumptions: tuple[Assumption, ...]


# -- catalogue access ------------------------------------------------------------------


@functools.cache
def _catalogue() -> tuple[DataSnapshot, str]:
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
    dates = [
        constraint.start_date
        for provider in snapshot.providers
        for model in provider.models
        for constraint in (
            *(c.constraint for c in (model.prices if isinstance(model.prices, list) else ())),
            *(v.constraint for v in (model.price_variants or ())),
        )
        if isinstance(constraint, StartDateConstraint)
    ]
    today = datetime.datetime.now(datetime.UTC).date()
    return (min(dates), max(dates)) if dates else (today, today)


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


def _close(word: str, candidates: list[str]) -> str:
    unique = list(dict.fromkeys(candidates))
    found = closest(word.lower(), unique, n=_CLOSE_MATCHES, cutoff=0.5)
    return ", ".join(found) if found else "none"


def _find(snapshot: DataSnapshot, provider_id: str, model: str) -> tuple[Provider, ModelInfo]:
    try:
        provider = snapshot.find_provider(None, provider_id, None)
    except LookupError:
        ids = [p.id for p in snapshot.providers]
        raise UnknownModelError(
            f"unknown provider '{provider_id}'; close matches: {_close(provider_id, ids)}; "
            "or give a 'pricing' override",
            field="provider",
        ) from None
    try:
        return snapshot.find_provider_model(model, provider, None, None)
    except LookupError:
        names = [n for m in provider.models for n in (m.id, *_names(m.match))]
        raise UnknownModelError(
            f"unknown model '{model}' for provider '{provider.id}'; close matches: {_close(model, names)}; "
            "or give a 'pricing' override",
            field="model",
        ) from None


def _has_batch_variant(provider: Provider, model: ModelInfo, when: datetime.datetime) -> bool:
    # genai-prices ignores request context for a model borrowed from a fallback provider
    # (e.g. Azure serving OpenAI's gpt-4o); so do we.
    if not any(model is m for m in provider.models):
        return False
    for variant in model.price_variants or ():
        if variant.when != _BATCH_CONTEXT:
            continue
        if variant.constraint is not None and not variant.constraint.active(when):
            continue
        if variant.prices.__dict__.get("input_mtok") is not None:
            return True
    return False


# -- building the card -------------------------------------------------------------------


def _discount(provider: str, given: float | None) -> tuple[float, Assumption | None]:
    if given is not None:
        return given, None
    key = provider.lower()
    share = PUBLISHED_BATCH_DISCOUNT.get(key, DEFAULT_BATCH_DISCOUNT)
    source = BATCH_DISCOUNT_SOURCES.get(key, DEFAULT_DISCOUNT_SOURCE)
    whose = (
        f"{provider}'s published batch discount" if key in PUBLISHED_BATCH_DISCOUNT
        else f"the common batch discount; no published figure recorded for {provider}"
    )
    return share, Assumption(
        name="batch discount",
        value=f"{share:.0%} off every token price ({whose})",
        source=source,
    )


def _rate_set(price: ModelPrice, what: str, model: str, assumptions: list[Assumption]) -> RateSet:
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


def _cap_batch(batch: RateSet, standard: RateSet, assumptions: list[Assumption]) -> RateSet:
    """Batch never costs more than standard: a catalogue row saying so is treated as a data slip."""
    capped = {}
    for name in ("input", "cached_input", "output"):
        b, s = getattr(batch, name), getattr(standard, name)
        if not b.never_above(s):
            b = s
            assumptions.append(
                Assumption(
                    name=f"batch {name.replace('_', ' ')}",
                    value="standard price (catalogue batch price was higher)",
                    source="genai-prices catalogue",
                )
            )
        capped[name] = b
    return RateSet(**capped)


def _override_card(provider: str, model: str, price_date: datetime.date, pricing: Pricing) -> PriceCard:
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
    share, assumption = _discount(provider, pricing.batch_discount)
    if assumption is not None:
        assumptions.append(assumption)
    batch = RateSet(
        input=standard.input.scaled(1 - share),
        cached_input=standard.cached_input.scaled(1 - share),
        output=standard.output.scaled(1 - share),
    )
    return PriceCard(
        provider=provider, model=model, source="override", standard=standard, batch=batch,
        batch_source="override" if assumption is None else "published discount",
        price_date=price_date, data_version="workload pricing override", assumptions=tuple(assumptions),
    )


@functools.lru_cache(maxsize=256)
def price_card(
    provider: str, model: str, price_date: datetime.date, pricing: Pricing | None = None
) -> PriceCard:
    """Prices in force on ``price_date`` (00:00 UTC); ``pricing`` replaces the catalogue entirely."""
    if pricing is not None:
        return _override_card(provider, model, price_date, pricing)

    snapshot, version = _catalogue()
    found_provider, found_model = _find(snapshot, provider, model)
    when = datetime.datetime(price_date.year, price_date.month, price_date.day, tzinfo=datetime.UTC)
    assumptions: list[Assumption] = []
    standard = _rate_set(found_model.get_prices(when), "standard", found_model.id, assumptions)

    if _has_batch_variant(found_provider, found_model, when):
        batch = _rate_set(found_model.get_prices(when, _BATCH_CONTEXT), "batch", found_model.id, assumptions)
        batch = _cap_batch(batch, standard, assumptions)
        batch_source: Literal["catalogue", "published discount"] = "catalogue"
    else:
        share, assumption = _discount(found_provider.id, None)
        assert assumption is not None
        gap = "; the catalogue has no batch price for this model on this date"
        assumptions.append(assumption.model_copy(update={"value": assumption.value + gap}))
        batch = RateSet(
            input=standard.input.scaled(1 - share),
            cached_input=standard.cached_input.scaled(1 - share),
            output=standard.output.scaled(1 - share),
        )
        batch_source = "published discount"

    caveat = price_date_caveat(price_date, found_model.id)
    if caveat is not None:
        assumptions.insert(0, Assumption(name="price date", value=caveat, source=f"{version} catalogue"))
    assumptions.insert(
        0,
        Assumption(
            name="prices",
            value=f"{found_provider.id} {found_model.id} on {price_date.isoformat()}: standard {standard.describe()}; "
            f"batch {batch.describe()}",
            source=f"{version} catalogue" + (" (batch prices)" if batch_source == "catalogue" else ""),
        ),
    )
    return PriceCard(
        provider=found_provider.id, model=found_model.id, source="genai-prices", standard=standard, batch=batch,
        batch_source=batch_source, price_date=price_date, data_version=version, assumptions=tuple(assumptions),
    )
