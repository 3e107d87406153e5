"""The provider catalogue: what each provider offers and how fast its models answer.

Data, not code (``rules/catalogue.yaml``, cited and dated like the rules): whether a batch
API exists, its discount and completion window; the flex and priority service tiers; the
account tiers and each model's rate limits in them; each model's speed and whether it
reasons before it answers. A rule set may override any part of it with a
``catalogue.yaml`` of its own, merged into the one it builds on key by key.

Models are matched within one provider by exact name, then a dated snapshot of a name,
then the longest name-prefix followed by ``-``, ``@`` or ``:`` (see the file's header);
two models claiming one name at the same step is an error when the catalogue loads.
"""

# No `from __future__ import annotations` here: pydantic would have to evaluate every
# annotation string of these models when the module loads, a few milliseconds of start-up.
import datetime
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .assumption import Assumption
from .errors import RuleSetError
from .preparsed import read_rule_file
from .validation import describe_validation_error
from .value_class import value_class

CATALOGUE_FILE = "catalogue.yaml"
ServiceTier = Literal["standard", "flex", "priority"]
TokenLimit = Literal["combined", "separate", "input_only", "none"]

# defer_build: a model builds its validator when it first validates. The shipped catalogue
# is built without validating (``trusted_catalogue``), so a command that only reads it
# never pays for building these validators (about 5 ms of start-up).
_STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True, defer_build=True)
_NAME = r"^[a-z0-9][a-z0-9_.:@/-]{0,119}$"
_DATE_SUFFIX = re.compile(r"(?:-\d{4}-\d{2}-\d{2}|-\d{8}|@\d{8})$")
_PREFIX_END = "-@:"
# How a source's date is said, by its kind: "read 2026-11-26", "copied 2026-08-12".
CITED_AS = {"page": "dated", "transcription": "copied", "read": "read", "measured": "measured", "seed": "as of"}

Sources = str | list[str]


class Source(BaseModel):
    model_config = _STRICT

    title: str = Field(min_length=1)
    url: str | None
    as_of: datetime.date | str
    kind: Literal["page", "transcription", "read", "measured", "seed"]
    note: str = ""


class Speed(BaseModel):
    """A model's median speed (p50), as measured; ``ttft_p95_s`` where a p95 was measured too."""

    model_config = _STRICT

    ttft_s: float = Field(gt=0, le=600)
    ttft_p95_s: float | None = Field(default=None, gt=0, le=600)
    output_tokens_per_s: float = Field(gt=0, le=100_000)
    source: Sources
    note: str = ""
    # The service it was measured through where not the provider's own API (a router such as
    # OpenRouter, whose routing the figures include): the provider's own unmeasured models are
    # judged no faster than it, but no other provider's model is (a router's figures say
    # nothing of another provider's serving).
    via: str = ""


class Limits(BaseModel):
    """One account tier's limits for a model; which keys apply is the provider's token_limit."""

    model_config = _STRICT

    rpm: float | None = Field(default=None, gt=0, le=1e9)
    tpm: float | None = Field(default=None, gt=0, le=1e12)
    input_tpm: float | None = Field(default=None, gt=0, le=1e12)
    output_tpm: float | None = Field(default=None, gt=0, le=1e12)
    concurrency: float | None = Field(default=None, gt=0, le=1e9)


class Match(BaseModel):
    model_config = _STRICT

    exact: list[str] = []
    snapshot_of: list[str] = []
    prefix: list[str] = []
    not_prefix: list[str] = []


class Shutdown(BaseModel):
    """The day the provider shuts the model down (announced or past): from it on, every request
    to it fails."""

    model_config = _STRICT

    date: datetime.date
    source: Sources
    note: str = ""  # what happens to a request from then, when not "every request to it fails"


class ModelSpec(BaseModel):
    model_config = _STRICT

    match: Match
    # The genai-prices id that prices the model: absent, the catalogue's own id; null, the
    # name the workload gives (for models whose versions or regions price differently).
    prices: str | None = None
    output: Literal["text", "embedding"] = "text"
    reasons: bool  # reasons before it answers, by default: the first visible token waits
    reasons_source: Sources | None = None
    # It cannot answer without reasoning (no way to turn its thinking off): a workload may
    # not state reasoning_tokens 0 for it.
    always_reasons: bool = False
    always_reasons_source: Sources | None = None
    speed: Speed | None = None
    # The same model served by its maker ("anthropic/claude-sonnet-4-5"): its measured speed
    # is used where this entry has none of its own.
    speed_of: str | None = None
    flex: bool = False  # offered on the provider's flex tier
    # The provider's priority tier guarantees this median output speed (its SLA floor).
    priority_output_tokens_per_s: float | None = Field(default=None, gt=0, le=100_000)
    limits: dict[str, Limits] = {}
    limits_source: Sources | None = None
    # Why the catalogue holds no limits for this model, in a clause, where a source explains
    # it (the provider publishes them only in tiers of another scheme; limits_source cites it):
    # said beside the unknown limits, so the reason sits in this model's records only.
    limits_note: str = ""
    shutdown: Shutdown | None = None
    # The most tokens one response can hold, its reasoning included (the provider's "max
    # output tokens"); null where no source gives it. What would change the decision never
    # offers an output beyond it: no request to this model could return one.
    max_output_tokens: int | None = Field(default=None, gt=0, le=100_000_000)
    max_output_source: Sources | None = None
    # The shortest prefix the provider caches for this model, where it differs from the
    # provider's min_cached_prefix: a shorter cached prefix is never read.
    min_cached_prefix: int | None = Field(default=None, gt=0, le=10_000_000)
    min_cached_prefix_source: Sources | None = None


class BatchCacheHits(BaseModel):
    """Prompt-cache hits inside a batch, as the provider states them where it does not promise
    the hit rate of real-time calls: the range its users typically see (``low`` to ``high``, a
    share of the cacheable input read from the cache), the usage field that counts a call's
    cache reads, and its advice for more hits."""

    model_config = _STRICT

    low: float = Field(ge=0, le=1)
    high: float = Field(ge=0, le=1)
    usage_field: str = ""  # the field of a call's usage that counts the input tokens read from the cache
    advice: str = ""  # the provider's advice for more hits inside a batch, in a phrase
    source: Sources

    @model_validator(mode="after")
    def _ordered(self) -> "BatchCacheHits":
        if self.low > self.high:
            raise ValueError("low must not be above high")
        return self


class BatchSpec(BaseModel):
    model_config = _STRICT

    available: bool
    discount: float | None = Field(default=None, ge=0, lt=1)  # share off every token price
    window_h: float | None = Field(default=None, gt=0, le=24 * 30)  # guaranteed (or target) completion
    usually_within_h: float | None = Field(default=None, gt=0, le=24 * 30)
    max_requests: int | None = Field(default=None, gt=0, le=10_000_000)
    max_file_mb: float | None = Field(default=None, gt=0, le=1_000_000)
    reason: str = ""  # why there is none, when there is none
    source: Sources
    # Where the provider provides prompt-cache hits inside a batch on a best-effort basis only:
    # the range it states (None: it states none, and the real-time hit rate is assumed to hold).
    cache_hits: BatchCacheHits | None = None

    @model_validator(mode="after")
    def _complete(self) -> "BatchSpec":
        if self.available and (self.discount is None or self.window_h is None):
            raise ValueError("a batch API needs its discount and window_h")
        if not self.available and (self.discount is not None or not self.reason.strip()):
            raise ValueError("without a batch API: no discount, and a reason saying why")
        return self


class ServiceTierSpec(BaseModel):
    model_config = _STRICT

    discount: float | None = Field(default=None, ge=0, lt=1)  # flex: share off the standard price
    note: str = ""
    # What the tier answers when it lacks capacity to take a call, in the provider's words
    # (flex: '429 "Resource Unavailable"'), and whether such a refusal is billed.
    refusal: str = ""
    source: Sources


class ProviderSpec(BaseModel):
    model_config = _STRICT

    name: str = Field(min_length=1)
    # Other names a workload may give this provider by ("gemini" for the Gemini API): read as
    # this id everywhere. Only names of this same service: Vertex AI is not the Gemini API,
    # nor Azure OpenAI OpenAI, though the price data files them under one id.
    aliases: list[str] = []
    aliases_source: Sources | None = None
    prices: str | None  # genai-prices provider id; null: no price list (give `pricing`)
    token_limit: TokenLimit
    cached_input_counts: bool | None = None  # None: not documented, so counted
    rate_limits_source: Sources
    # That the provider refuses outright one request whose tokens are more than a per-minute
    # token limit (its bucket never holds them), in its words where it gives them.
    request_too_large_source: Sources | None = None
    ttft_p95_over_p50: float | None = Field(default=None, ge=1, le=20)
    ttft_spread_source: Sources | None = None
    price_at_utc_hour: int = Field(default=0, ge=0, le=23)
    price_at_source: Sources | None = None
    tiers: list[str]
    default_tier: str | None = None
    tiers_source: Sources
    tiers_note: str = ""
    batch: BatchSpec
    flex: ServiceTierSpec | None = None
    priority: ServiceTierSpec | None = None
    any_model: bool = False  # any model name is accepted (self-hosted)
    # The shortest prompt prefix the provider caches (a model's own min_cached_prefix wins);
    # None: not documented.
    min_cached_prefix: int | None = Field(default=None, gt=0, le=10_000_000)
    min_cached_prefix_source: Sources | None = None
    models: dict[str, ModelSpec] = {}


class PromptReading(BaseModel):
    """How fast a model reads its prompt before the first token, uncached and cached (tokens
    a second), and the prompt length the catalogue's speeds were measured with: a call that
    sends more waits for the tokens beyond it."""

    model_config = _STRICT

    input_tokens_per_s: float = Field(gt=0, le=10_000_000)
    cached_input_tokens_per_s: float = Field(gt=0, le=10_000_000)
    measured_prompt_tokens: int = Field(ge=0, le=10_000_000)
    source: Sources
    note: str = ""


class LatencySpec(BaseModel):
    model_config = _STRICT

    ttft_p95_over_p50: float = Field(ge=1, le=20)
    source: Sources
    note: str = ""
    prompt_reading: PromptReading


class FallbackSpeed(BaseModel):
    model_config = _STRICT

    ttft_p95_s: float = Field(gt=0, le=600)
    output_tokens_per_s: float = Field(gt=0, le=100_000)
    source: Sources
    reasoning_ttft_s: float = Field(gt=0, le=3600)
    reasoning_source: Sources


class CatalogueData(BaseModel):
    model_config = _STRICT

    compiled_on: datetime.date
    latency: LatencySpec
    fallback_speed: FallbackSpeed
    providers: dict[str, ProviderSpec]
    sources: dict[str, Source]


# -- matching -----------------------------------------------------------------------------


@value_class
class _Index:
    """One provider's model names, by matching step."""

    exact: dict[str, str]
    snapshot: dict[str, str]
    prefixes: tuple[tuple[str, str], ...]  # (prefix, model id), longest first
    vetoes: dict[str, tuple[str, ...]]

    def find(self, reference: str) -> str | None:
        ref = reference.lower()
        found = self.exact.get(ref)
        if found is not None:
            return found
        dated = _DATE_SUFFIX.search(ref)
        if dated is not None:
            found = self.snapshot.get(ref[: dated.start()])
            if found is not None:
                return found
        for prefix, model_id in self.prefixes:
            if ref.startswith(prefix) and (len(ref) == len(prefix) or ref[len(prefix)] in _PREFIX_END):
                if any(ref.startswith(veto) for veto in self.vetoes.get(model_id, ())):
                    continue
                return model_id
        return None


def _index(provider_key: str, provider: ProviderSpec) -> _Index:
    exact: dict[str, str] = {}
    snapshot: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    vetoes: dict[str, tuple[str, ...]] = {}
    for model_id, model in provider.models.items():
        for step, names, table in (
            ("exact", model.match.exact, exact),
            ("snapshot_of", model.match.snapshot_of, snapshot),
            ("prefix", model.match.prefix, prefixes),
        ):
            for name in names:
                key = name.lower()
                other = table.get(key)
                if other is not None and other != model_id:
                    raise _problem(
                        f"providers.{provider_key}.models.{model_id}.match.{step}",
                        f"'{name}' is also claimed by model '{other}': a name matches one model",
                    )
                table[key] = model_id
        vetoes[model_id] = tuple(v.lower() for v in model.match.not_prefix)
    ordered = tuple(sorted(prefixes.items(), key=lambda item: (-len(item[0]), item[0])))
    return _Index(exact, snapshot, ordered, vetoes)


# -- the loaded catalogue ------------------------------------------------------------------


@value_class(slots=True)
class ResolvedModel:
    """A workload's provider and model as the catalogue knows them (None: it does not)."""

    provider_key: str
    provider: ProviderSpec | None
    model_key: str | None
    model: ModelSpec | None

    @property
    def prices_model(self) -> str | None:
        """The genai-prices id to price with (None: the name the workload gives)."""
        if self.model is None or self.model_key is None:
            return None
        if "prices" in self.model.model_fields_set:
            return self.model.prices
        return self.model_key


@value_class(slots=True)
class Slowest:
    """What a chat model with no measured speed is judged at: no faster than the slowest
    measured model without reasoning of its provider (else of the whole catalogue), and never
    faster than ``fallback_speed``. ``*_of`` is the (provider, model) whose figure it is
    (None: the fallback's), ``*_source`` its sources."""

    ttft_p95_s: float
    ttft_of: tuple[str, str] | None
    ttft_how: str  # "1.58 s at p95 = 0.93 s median x 1.7", or the fallback's "0.8 s"
    ttft_source: tuple[str, ...]
    output_tokens_per_s: float
    output_of: tuple[str, str] | None
    output_source: tuple[str, ...]
    # The first token's median of the model whose p95 it is (None: the fallback's, which has
    # no median of its own): an unmeasured model is no faster than it at the median either.
    ttft_p50_s: float | None = None


def measured_p95(data: CatalogueData, provider: ProviderSpec, speed: Speed) -> tuple[float, str, tuple[str, ...]]:
    """A measured speed's first-token p95, how it was had, and its sources (the spread's too)."""
    if speed.ttft_p95_s is not None:
        return speed.ttft_p95_s, f"{speed.ttft_p95_s:g} s at p95, measured", tuple(_source_keys(speed.source))
    ratio, ratio_source = data.latency.ttft_p95_over_p50, data.latency.source
    if provider.ttft_p95_over_p50 is not None:
        ratio, ratio_source = provider.ttft_p95_over_p50, provider.ttft_spread_source or ratio_source
    p95 = speed.ttft_s * ratio
    keys = tuple(dict.fromkeys([*_source_keys(speed.source), *_source_keys(ratio_source)]))
    return p95, f"{p95:.2f} s at p95 = {speed.ttft_s:g} s median x {ratio:g}", keys


def _slowest(data: CatalogueData) -> tuple[dict[str, Slowest], Slowest]:
    """Each provider's Slowest (those with a measured model without reasoning) and the
    catalogue's. Ties go to the provider and model first in alphabetical order."""
    firsts: dict[str, list[tuple[float, str, str, str, tuple[str, ...], float]]] = {}
    outputs: dict[str, list[tuple[float, str, str, tuple[str, ...]]]] = {}
    routed: set[tuple[str, str]] = set()  # measured through a router: no stand-in for another provider
    for provider_key, provider in data.providers.items():
        for model_key, model in provider.models.items():
            if model.speed is None or model.reasons or model.output != "text":
                continue
            p95, how, keys = measured_p95(data, provider, model.speed)
            firsts.setdefault(provider_key, []).append((p95, provider_key, model_key, how, keys, model.speed.ttft_s))
            outputs.setdefault(provider_key, []).append(
                (model.speed.output_tokens_per_s, provider_key, model_key, tuple(_source_keys(model.speed.source)))
            )
            if model.speed.via:
                routed.add((provider_key, model_key))
    fallback = data.fallback_speed
    seed = tuple(_source_keys(fallback.source))

    def pick(first: list[tuple[float, str, str, str, tuple[str, ...], float]],
             output: list[tuple[float, str, str, tuple[str, ...]]]) -> Slowest:
        p95, fp, fm, how, fkeys, p50 = min(first, key=lambda f: (-f[0], f[1], f[2]))
        tps, op, om, okeys = min(output, key=lambda o: (o[0], o[1], o[2]))
        slow_first = p95 > fallback.ttft_p95_s
        slow_output = tps < fallback.output_tokens_per_s
        return Slowest(
            p95 if slow_first else fallback.ttft_p95_s, (fp, fm) if slow_first else None,
            how if slow_first else f"{fallback.ttft_p95_s:g} s", fkeys if slow_first else seed,
            tps if slow_output else fallback.output_tokens_per_s, (op, om) if slow_output else None,
            okeys if slow_output else seed, p50 if slow_first else None,
        )

    anywhere = [f for fs in firsts.values() for f in fs if (f[1], f[2]) not in routed]
    everywhere = (
        pick(anywhere, [o for os in outputs.values() for o in os if (o[1], o[2]) not in routed]) if anywhere
        else Slowest(fallback.ttft_p95_s, None, f"{fallback.ttft_p95_s:g} s", seed,
                     fallback.output_tokens_per_s, None, seed)
    )
    return {key: pick(firsts[key], outputs[key]) for key in firsts}, everywhere


class Catalogue:
    """A validated catalogue with its model index; lookups are cached (it never changes)."""

    def __init__(self, data: CatalogueData, path: str):
        self.data = data
        self.path = path
        self._indexes: dict[str, _Index] = {}  # built for a provider when first asked
        self._resolved: dict[tuple[str, str], ResolvedModel] = {}
        self.memo: dict[Any, Any] = {}  # derived figures, cached by the modules that use them
        self._slowest, self._slowest_anywhere = _slowest(data)
        self._aliases = {alias: key for key, spec in data.providers.items() for alias in spec.aliases}

    def slowest(self, provider: str) -> Slowest:
        """What a chat model of ``provider`` with no measured speed is judged at (see Slowest):
        its provider's slowest measured model, else the catalogue's slowest."""
        return self._slowest.get(self.provider_key(provider), self._slowest_anywhere)

    def has_measured(self, provider: str) -> bool:
        """The provider has a measured model without reasoning (its own Slowest)."""
        return self.provider_key(provider) in self._slowest

    def maker_of(self, model: ModelSpec | None) -> tuple[str, str, ModelSpec] | None:
        """The maker's entry (provider, model id, spec) whose measured speed a hosted copy
        takes: where ``model`` names one (``speed_of``), has no speed of its own, and the
        maker's is measured."""
        if model is None or model.speed is not None or model.speed_of is None:
            return None
        maker_key, _, maker_model = model.speed_of.partition("/")
        provider = self.data.providers.get(maker_key)
        target = provider.models.get(maker_model) if provider is not None else None
        return (maker_key, maker_model, target) if target is not None and target.speed is not None else None

    def __repr__(self) -> str:
        return f"Catalogue({self.path!r})"

    def provider_key(self, name: str) -> str:
        """The catalogue's id of a provider named by its id or one of its aliases ("gemini" is
        google); any other name, lower-cased."""
        key = name.lower()
        return self._aliases.get(key, key)

    def provider(self, key: str) -> ProviderSpec | None:
        return self.data.providers.get(self.provider_key(key))

    def resolve(self, provider: str, model: str) -> ResolvedModel:
        key = (provider, model)
        hit = self._resolved.get(key)
        if hit is not None:
            return hit
        provider_key = self.provider_key(provider)
        spec = self.data.providers.get(provider_key)
        model_key = None
        if spec is not None:
            index = self._indexes.get(provider_key)
            if index is None:
                index = self._indexes[provider_key] = _index(provider_key, spec)
            model_key = index.find(model)
        resolved = ResolvedModel(
            provider_key, spec, model_key, spec.models[model_key] if spec is not None and model_key else None
        )
        self._resolved[key] = resolved
        return resolved

    def min_cached_prefix(self, provider: str, model: str) -> tuple[int, Sources] | None:
        """The shortest prefix the provider caches for the model (the model's own, else its
        provider's) and the source that gives it; None where the catalogue has none."""
        resolved = self.resolve(provider, model)
        for spec in (resolved.model, resolved.provider):
            if spec is not None and spec.min_cached_prefix is not None and spec.min_cached_prefix_source is not None:
                return spec.min_cached_prefix, spec.min_cached_prefix_source
        return None

    def cite(self, keys: Sources | None) -> str:
        """The sources named, as a reader checks them: title, date, address."""
        if keys is None:
            return "advisor catalogue"
        return "; ".join(self._cite_one(key) for key in ([keys] if isinstance(keys, str) else keys))

    def ids(self, keys: Sources | None) -> tuple[str, ...]:
        """The ids of the sources named (what ``cite`` cites), for a reader to look up."""
        return tuple(_source_keys(keys))

    def assumption(self, name: str, value: str, keys: Sources | None) -> Assumption:
        """An assumption that cites these sources: the citation and the ids beside it."""
        return Assumption(name=name, value=value, source=self.cite(keys), source_ids=self.ids(keys))

    def _cite_one(self, key: str) -> str:
        source = self.data.sources[key]
        # No parentheses: a view puts a citation in its own, and they would nest.
        text = f"{source.title}, {CITED_AS[source.kind]} {source.as_of}"
        return f"{text}: {source.url}" if source.url else text

    def models_of(self, provider: str) -> Iterator[tuple[str, ModelSpec]]:
        spec = self.provider(provider)
        if spec is not None:
            yield from spec.models.items()


# -- loading and validation ---------------------------------------------------------------


class _Problem(Exception):
    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _problem(path: str, message: str) -> _Problem:
    return _Problem(path, message)


def _source_keys(value: Sources | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


_LIMIT_KEYS: dict[TokenLimit, frozenset[str]] = {
    "combined": frozenset({"rpm", "tpm", "concurrency"}),
    "separate": frozenset({"rpm", "input_tpm", "output_tpm", "concurrency"}),
    "input_only": frozenset({"rpm", "input_tpm", "concurrency"}),
    "none": frozenset({"concurrency"}),
}


def _check(data: CatalogueData) -> None:
    """What types cannot say: sources exist, tiers are declared, limits fit the provider's
    way of counting, names are unambiguous."""
    known = data.sources

    def cited(path: str, value: Sources | None) -> None:
        for i, key in enumerate(_source_keys(value)):
            if key not in known:
                where = path if isinstance(value, str) else f"{path}[{i}]"
                raise _problem(where, f"unknown source '{key}'; every source is a key of 'sources'")

    cited("latency.source", data.latency.source)
    cited("latency.prompt_reading.source", data.latency.prompt_reading.source)
    cited("fallback_speed.source", data.fallback_speed.source)
    cited("fallback_speed.reasoning_source", data.fallback_speed.reasoning_source)
    for key, provider in data.providers.items():
        if not re.match(_NAME, key):
            raise _problem(f"providers.{key}", "a provider id is lower-case letters, digits and - _ .")
        base = f"providers.{key}"
        for field in (
            "rate_limits_source", "request_too_large_source", "ttft_spread_source", "price_at_source", "tiers_source",
        ):
            cited(f"{base}.{field}", getattr(provider, field))
        cited(f"{base}.batch.source", provider.batch.source)
        if provider.batch.cache_hits is not None:
            cited(f"{base}.batch.cache_hits.source", provider.batch.cache_hits.source)
        for tier_name in ("flex", "priority"):
            tier = getattr(provider, tier_name)
            if tier is not None:
                cited(f"{base}.{tier_name}.source", tier.source)
        cited(f"{base}.aliases_source", provider.aliases_source)
        if provider.aliases and provider.aliases_source is None:
            raise _problem(f"{base}.aliases_source", "aliases need their source")
        for i, alias in enumerate(provider.aliases):
            if not re.match(_NAME, alias):
                raise _problem(f"{base}.aliases[{i}]", "an alias is lower-case letters, digits and - _ .")
            if alias in data.providers:
                raise _problem(f"{base}.aliases[{i}]", f"'{alias}' is a provider's id")
            claimed = [k for k, p in data.providers.items() if alias in p.aliases and k != key]
            if claimed:
                raise _problem(f"{base}.aliases[{i}]", f"'{alias}' is also an alias of {claimed[0]}")
        if len(set(provider.tiers)) != len(provider.tiers):
            raise _problem(f"{base}.tiers", "tier ids must be unique")
        if provider.tiers and provider.default_tier not in provider.tiers:
            raise _problem(f"{base}.default_tier", f"must be one of the provider's tiers: {', '.join(provider.tiers)}")
        if not provider.tiers and provider.default_tier is not None:
            raise _problem(f"{base}.default_tier", "a provider without tiers has no default tier")
        if (provider.min_cached_prefix is None) != (provider.min_cached_prefix_source is None):
            raise _problem(f"{base}.min_cached_prefix_source",
                           "min_cached_prefix needs its source, and a source its min_cached_prefix")
        cited(f"{base}.min_cached_prefix_source", provider.min_cached_prefix_source)
        allowed = _LIMIT_KEYS[provider.token_limit]
        for model_id, model in provider.models.items():
            where = f"{base}.models.{model_id}"
            if not re.match(_NAME, model_id):
                raise _problem(where, "a model id is lower-case letters, digits and - _ . : @ /")
            if not (model.match.exact or model.match.snapshot_of or model.match.prefix):
                raise _problem(f"{where}.match", "a model needs at least one exact, snapshot_of or prefix name")
            cited(f"{where}.reasons_source", model.reasons_source)
            if model.always_reasons and not model.reasons:
                raise _problem(f"{where}.always_reasons", "a model that always reasons needs reasons: true")
            if model.always_reasons and model.always_reasons_source is None:
                raise _problem(f"{where}.always_reasons_source", "always_reasons needs its source")
            if not model.always_reasons and model.always_reasons_source is not None:
                raise _problem(f"{where}.always_reasons_source", "a source for always_reasons, which is not set")
            cited(f"{where}.always_reasons_source", model.always_reasons_source)
            cited(f"{where}.limits_source", model.limits_source)
            if model.speed is not None:
                cited(f"{where}.speed.source", model.speed.source)
            if model.speed_of is not None:
                maker_key, _, maker_model = model.speed_of.partition("/")
                maker = data.providers.get(maker_key)
                target = maker.models.get(maker_model) if maker is not None else None
                if target is None or maker_key == key:
                    raise _problem(f"{where}.speed_of",
                                   "names the same model at another provider, as provider/model (a model id of it)")
                if target.speed_of is not None or target.output != model.output:
                    raise _problem(f"{where}.speed_of",
                                   f"'{model.speed_of}' must be the maker's own entry, of the same output")
            if model.shutdown is not None:
                cited(f"{where}.shutdown.source", model.shutdown.source)
            if model.flex and (provider.flex is None or provider.flex.discount is None):
                raise _problem(f"{where}.flex", f"provider '{key}' declares no priced flex tier")
            if model.priority_output_tokens_per_s is not None and provider.priority is None:
                raise _problem(f"{where}.priority_output_tokens_per_s", f"provider '{key}' declares no priority tier")
            if model.limits and model.limits_source is None:
                raise _problem(f"{where}.limits_source", "limits need their source")
            if model.limits_note and model.limits:
                raise _problem(f"{where}.limits_note", "a note says why a model has no limits; this one has limits")
            if model.limits_note and model.limits_source is None:
                raise _problem(f"{where}.limits_source", "limits_note needs its source")
            if (model.max_output_tokens is None) != (model.max_output_source is None):
                raise _problem(f"{where}.max_output_source",
                               "max_output_tokens needs its source, and a source its max_output_tokens")
            cited(f"{where}.max_output_source", model.max_output_source)
            if (model.min_cached_prefix is None) != (model.min_cached_prefix_source is None):
                raise _problem(f"{where}.min_cached_prefix_source",
                               "min_cached_prefix needs its source, and a source its min_cached_prefix")
            cited(f"{where}.min_cached_prefix_source", model.min_cached_prefix_source)
            for tier, limits in model.limits.items():
                if tier not in provider.tiers:
                    raise _problem(
                        f"{where}.limits.{tier}",
                        f"unknown tier; {key}'s tiers: {', '.join(provider.tiers) or 'none'}",
                    )
                given = {name for name in Limits.model_fields if getattr(limits, name) is not None}
                wrong = sorted(given - allowed)
                if wrong:
                    raise _problem(
                        f"{where}.limits.{tier}.{wrong[0]}",
                        f"{key} counts tokens as {provider.token_limit!r}: limits may name "
                        + ", ".join(sorted(allowed)),
                    )
        _index(key, provider)  # raises on an ambiguous name


def _merge(base: Any, override: Any) -> Any:
    """``override`` on top of ``base``: mappings key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        return {**base, **{key: _merge(base.get(key), value) for key, value in override.items()}}
    return override


def parse_catalogue(data: Any, source: str) -> Catalogue:
    """Validate catalogue data; a problem is a RuleSetError naming the file and the key."""
    if not isinstance(data, dict):
        raise RuleSetError("a catalogue is a mapping (compiled_on, latency, fallback_speed, providers, sources)",
                           source=source)
    try:
        parsed = CatalogueData.model_validate(data)
        _check(parsed)
    except ValidationError as exc:
        path, message = describe_validation_error(exc, CatalogueData, noun="key")
        raise RuleSetError(f"{path}: {message}", source=source) from None
    except _Problem as exc:
        raise RuleSetError(f"{exc.path}: {exc.message}", source=source) from None
    return Catalogue(parsed, source)


CatalogueLayer = tuple[dict[str, Any], str]  # (raw data, the file it came from)


def read_catalogue_layer(directory: Path) -> CatalogueLayer | None:
    """A rule-set folder's own catalogue.yaml as raw data (None when it has none)."""
    path = directory / CATALOGUE_FILE
    if not os.path.lexists(path):  # one that is there but no file (a broken link) is read, and refused
        return None
    data = read_rule_file(path)
    if not isinstance(data, dict):
        raise RuleSetError("a catalogue is a mapping of keys", source=str(path))
    return data, str(path)


def trusted_catalogue(data: dict[str, Any], source: str) -> Catalogue:
    """The shipped catalogue, built as validation would build it but without validating:
    the tests and ``advisor rules check`` validate that very file (and check this gives the
    same objects), so a command need not pay for validating it on every start."""
    return Catalogue(_construct(CatalogueData, data), source)


def _construct(model: type[BaseModel], data: dict[str, Any]) -> Any:
    converters = _converters(model)
    # model_construct: the fields set are exactly the keys given, as validating sets them.
    return model.model_construct(**{name: converters[name](item) for name, item in data.items()})


_CONVERTERS: dict[type[BaseModel], dict[str, Any]] = {}


def _converters(model: type[BaseModel]) -> dict[str, Any]:
    found = _CONVERTERS.get(model)
    if found is None:
        found = _CONVERTERS[model] = {name: _converter(f.annotation) for name, f in model.model_fields.items()}
    return found


def _same(item: Any) -> Any:
    return item


def _to_float(item: Any) -> Any:
    return float(item) if type(item) is int else item


def _converter(annotation: Any) -> Any:
    """How the strict model stores a value of ``annotation``: models built, numbers as floats."""
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return lambda item, model=annotation: None if item is None else _construct(model, item)
        return _to_float if annotation is float else _same
    args: tuple[Any, ...] = tuple(getattr(annotation, "__args__", ()))
    origin = getattr(annotation, "__origin__", None)
    if origin is dict:
        value = _converter(args[1])
        return _same if value is _same else lambda item: {key: value(v) for key, v in item.items()}
    if origin is list:
        value = _converter(args[0])
        return _same if value is _same else lambda item: [value(v) for v in item]
    members = [_converter(member) for member in args if member is not type(None)]
    if all(m is _same for m in members):
        return _same
    if len(members) == 1:  # X | None
        return lambda item, convert=members[0]: None if item is None else convert(item)
    raise TypeError(f"no trusted converter for {annotation}")  # pragma: no cover - a new field type


def build_catalogue(layers: tuple[CatalogueLayer, ...]) -> Catalogue:
    """The catalogue of a rule set: the shipped one with each rule set's own on top, in order.
    Each layer is validated once merged onto those below it, so an error names its file."""
    merged: dict[str, Any] = {}
    catalogue: Catalogue | None = None
    for data, source in layers:
        merged = _merge(merged, data)
        catalogue = parse_catalogue(merged, source)
    if catalogue is None:  # pragma: no cover - the shipped layer is always first
        raise RuleSetError("no catalogue")
    return catalogue
