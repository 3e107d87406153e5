"""The rule set's policy beyond its rules, as data in ``ruleset.yaml``: how each mode and each
answer is worded (one vocabulary for the app, the text summary and the records), who
counts as waiting, the modes' risks, checklists and confirmation metrics, the migration
advice, and the risks ``advisor review`` flags.

Texts may name figures in braces (``{budget}``); each section says which it may name, and
a text naming any other fails when the rule set loads. The views fill them in.
"""

import functools
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator, model_validator

from .conditions import ConditionError, compile_condition, fact_spec
from .profile import Downstream, Interaction, Mode, OutputFormat, ServiceTier, SideEffects, WorkloadProfile

Contract = Literal["synchronous", "asynchronous"]

_ID = r"^[a-z0-9][a-z0-9_-]{0,79}$"
_STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True, defer_build=True)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

# The figures each kind of text may name.
CONFIRMATION_FIGURES = frozenset({
    "budget", "end_to_end_p95", "time_to_first_token", "limits_use", "peak_rpm", "rpm_limit", "peak_tpm",
    "tpm_limit", "headroom", "cost_per_1k", "monthly_cost", "requests_per_month", "queue_drain",
    "queue_age", "limits_unknown", "limit_fields", "limits_page", "token_cost", "not_billed", "estimate", "stand_ins",
    "flex_refusal", "fallback_token_cost", "never_drains_why",
})
MIGRATION_FIGURES = frozenset({"from", "to"})
REVIEW_RISK_FIGURES = frozenset({
    "peak_use", "peak_times", "tighter_limit", "limits_source", "limits", "current_mode", "end_to_end_p95",
    "latency_budget", "shutdown_model", "days_to_shutdown", "shutdown_date", "stand_ins",
})


def placeholders(text: str) -> set[str]:
    """The figures a text names: ``{budget}`` -> ``budget``."""
    return set(_PLACEHOLDER.findall(text))


def named_in_order(text: str) -> tuple[str, ...]:
    """The figures a text names, in the order it names them (a name named twice, twice)."""
    return _pieces(text)[1]


def fill(text: str, figures: Mapping[str, str]) -> str:
    """The text with each named figure written in (the names were checked at load)."""
    literals, names = _pieces(text)
    if not names:
        return text
    out = [literals[0]]
    for name, literal in zip(names, literals[1:], strict=True):
        out.append(figures[name])
        out.append(literal)
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _pieces(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A text split at its figures, once per text: the literals around them and their names."""
    parts = _PLACEHOLDER.split(text)
    return tuple(parts[0::2]), tuple(parts[1::2])


def _names_only(text: str, allowed: frozenset[str]) -> str:
    unknown = placeholders(text) - allowed
    if unknown:
        named = ", ".join(f"{{{name}}}" for name in sorted(allowed))
        raise ValueError(f"unknown figure {{{sorted(unknown)[0]}}}; a text here may name {named}")
    return text


# -- modes ---------------------------------------------------------------------------------


class _Condition(BaseModel):
    """A condition on a workload's answers (and, for a migration step, on the move): every key
    given matches (a list: any of it); no key, always. The one matcher of risks and migration
    steps, so that both read the answers the same way."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True, defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    def matches(self, values: Mapping[str, str]) -> bool:
        """``values`` holds the workload's answers (and, for a move, from, to and the contracts)."""
        for name, field in type(self).model_fields.items():
            allowed = getattr(self, name)
            if allowed is not None and values[field.alias or name] not in allowed:
                return False
        return True


class AnswerCondition(_Condition):
    """When a mode's risk applies: the workload's answers, in the words of the migration steps,
    and the provider's service tier it runs on (the flex tier refuses calls at times)."""

    interaction: list[Interaction] | None = None
    side_effects: list[SideEffects] | None = None
    downstream: list[Downstream] | None = None
    output_format: list[OutputFormat] | None = None
    service_tier: list[ServiceTier] | None = None


def answers_of(workload: WorkloadProfile) -> dict[str, str]:
    """The answers a risk's or a migration step's ``when`` reads, from a workload profile."""
    return {
        "interaction": workload.interaction, "side_effects": workload.side_effects,
        "downstream": workload.downstream, "output_format": workload.output_format,
        "service_tier": workload.service_tier,
    }


class RiskSpec(BaseModel):
    """A risk of a mode and its mitigation; ``chained_risk`` and ``chained_mitigation``, where
    given, are said instead for a request of more than one model call in sequence (a chain or
    steps), so that a one-call workload is not told of dependent steps it does not have.
    ``when``: the workloads it is said for (a pipeline has no endpoint to version, nor a
    person to notify); without it, every workload."""

    model_config = _STRICT

    when: AnswerCondition = AnswerCondition()
    risk: str = Field(min_length=1)
    mitigation: str = Field(min_length=1)
    source: str = Field(min_length=1)
    chained_risk: str | None = Field(default=None, min_length=1)
    chained_mitigation: str | None = Field(default=None, min_length=1)

    def said(self, chained: bool) -> tuple[str, str]:
        """The risk and its mitigation, as they read for a request of one call or of several."""
        if not chained:
            return self.risk, self.mitigation
        return self.chained_risk or self.risk, self.chained_mitigation or self.mitigation


class WatchSpec(BaseModel):
    """A metric to watch whose truth depends on the workload: ``text`` as a rule, and in its
    place ``over_limit`` once the estimated peak is already over a rate limit (the usual line
    would be false from the first day); ``never_drains`` over them where even the month's
    average is (or one call is refused whatever the rate), so that the queue a peak builds
    never drains and a smoother peak cannot help; ``limit_unknown`` where no limit is known for the
    model and tier, so that nothing was checked; ``whole_answer`` where the rules hold a
    stream to its whole answer, not its first token (a rule that marks it as missing its
    contract reads the whole answer's time); ``stand_in`` where the estimate misses the budget
    on a model with no measured speed, timed at a stand-in (measure first, then alert); ``flex``
    where the workload runs on the provider's flex tier, which refuses calls when it lacks
    capacity (a 429 there is expected, not a rate limit), said wherever a rate limit is known,
    within it or over it. A variant that is absent says ``text``."""

    model_config = _STRICT

    text: str = Field(min_length=1)
    over_limit: str | None = Field(default=None, min_length=1)
    never_drains: str | None = Field(default=None, min_length=1)
    limit_unknown: str | None = Field(default=None, min_length=1)
    whole_answer: str | None = Field(default=None, min_length=1)
    stand_in: str | None = Field(default=None, min_length=1)
    flex: str | None = Field(default=None, min_length=1)

    @field_validator("text", "over_limit", "never_drains", "limit_unknown", "whole_answer", "stand_in", "flex")
    @classmethod
    def _figures(cls, value: str | None) -> str | None:
        return value if value is None else _names_only(value, CONFIRMATION_FIGURES)

    @model_validator(mode="after")
    def _a_variant(self) -> "WatchSpec":
        variants = (self.over_limit, self.never_drains, self.limit_unknown, self.whole_answer, self.stand_in, self.flex)
        if all(v is None for v in variants):
            raise ValueError(
                "a metric with one line is a sentence: give over_limit, never_drains, limit_unknown, whole_answer,"
                " stand_in or flex"
            )
        return self

    def said(
        self, over_limit: bool, limits_known: bool = True, whole_answer: bool = False, stand_in: bool = False,
        flex: bool = False, never_drains: bool = False,
    ) -> str:
        if stand_in and self.stand_in is not None:
            return self.stand_in
        if whole_answer and self.whole_answer is not None:
            return self.whole_answer
        if not limits_known and self.limit_unknown is not None:
            return self.limit_unknown
        if flex and self.flex is not None:
            return self.flex
        if over_limit and never_drains and self.never_drains is not None:
            return self.never_drains
        if over_limit and self.over_limit is not None:
            return self.over_limit
        return self.text


# A confirmation item: a sentence, or a mapping of the two (an error names the one it is read as).
Watch = Annotated[
    Annotated[str, Tag("sentence")] | Annotated[WatchSpec, Tag("mapping")],
    Discriminator(lambda item: "mapping" if isinstance(item, (dict, WatchSpec)) else "sentence"),
]


class ModeSpec(BaseModel):
    """A mode: its words, its contract, what can go wrong with it and what to build and watch."""

    model_config = _STRICT

    name: str = Field(min_length=1)  # as the rule set's sentences name it: "Streaming (sync contract)"
    label: str = Field(min_length=1)  # an option's title in a record and the app: "Streaming response"
    short: str = Field(min_length=1)  # where space is short (charts, chips): "Streaming"
    phrase: str = Field(min_length=1)  # inside a sentence: "runs as a streaming response"
    verb: str = Field(min_length=1)  # what the team will do: "stream the answer"
    contract: Contract
    summary: str = Field(min_length=1)
    # The mode whose build this mode's contains (the shipped set: every mode is built on the
    # synchronous call's resilient client). A team that runs either has built that one, so a
    # move between them pays only the rest of the new mode's build (advisor.core.cost).
    # None: it contains no other mode's build, and a move to it pays the whole of it.
    builds_on: Mode | None = None
    risks: list[RiskSpec] = []
    checklist: list[str] = []
    # What to watch in production: a sentence, or one that reads otherwise over the rate limits.
    confirmation: list[Watch] = Field(min_length=1)

    @field_validator("confirmation")
    @classmethod
    def _figures(cls, value: list[str | WatchSpec]) -> list[str | WatchSpec]:
        return [_names_only(item, CONFIRMATION_FIGURES) if isinstance(item, str) else item for item in value]

    def risks_for(self, answers: Mapping[str, str]) -> list[RiskSpec]:
        """The risks said for a workload with these answers (``answers_of``), in the rule set's order."""
        return [risk for risk in self.risks if risk.when.matches(answers)]

    def watch(
        self, over_limit: bool, limits_known: bool = True, whole_answer: bool = False, stand_in: bool = False,
        flex: bool = False, never_drains: bool = False,
    ) -> list[str]:
        """The confirmation's sentences as they hold for a peak within the limits, over one
        (and over them for good, where the queue a peak builds never drains), or against no
        known limit; for a stream held to its whole answer; for an estimate that misses the
        budget on a stand-in speed; and on the flex service tier."""
        return [
            item if isinstance(item, str)
            else item.said(over_limit, limits_known, whole_answer, stand_in, flex, never_drains)
            for item in self.confirmation
        ]


# -- answers -------------------------------------------------------------------------------


class AnswerWords(BaseModel):
    model_config = _STRICT

    label: str = Field(min_length=1)  # where it is picked: the questionnaire
    sentence: str = Field(min_length=1)  # where it is told: the decision record


class InteractionWords(AnswerWords):
    someone_waiting: bool  # a person or a service is blocked on the answer: the fact someone_waiting


class FormatWords(BaseModel):
    model_config = _STRICT

    label: str = Field(min_length=1)
    phrase: str = Field(min_length=1)  # "output tokens of structured JSON"


def _every(value: Mapping[Any, Any], literal: Any, what: str) -> None:
    missing = [v for v in get_args(literal) if v not in value]
    if missing:
        raise ValueError(f"{what}: word every answer; missing {', '.join(missing)}")


class Answers(BaseModel):
    """The words of every answer a workload gives (and who waits, for each interaction)."""

    model_config = _STRICT

    interaction: dict[Interaction, InteractionWords]
    downstream: dict[Downstream, AnswerWords]
    side_effects: dict[SideEffects, AnswerWords]
    output_format: dict[OutputFormat, FormatWords]

    @model_validator(mode="after")
    def _complete(self) -> "Answers":
        _every(self.interaction, Interaction, "interaction")
        _every(self.downstream, Downstream, "downstream")
        _every(self.side_effects, SideEffects, "side_effects")
        _every(self.output_format, OutputFormat, "output_format")
        return self


# -- migration -----------------------------------------------------------------------------


class MoveCondition(_Condition):
    """When a migration step applies: every key given matches the move (a list: any of it)."""

    from_: list[Mode] | None = Field(default=None, alias="from")
    to: list[Mode] | None = None
    from_contract: list[Contract] | None = None
    to_contract: list[Contract] | None = None
    interaction: list[Interaction] | None = None
    side_effects: list[SideEffects] | None = None
    downstream: list[Downstream] | None = None
    output_format: list[OutputFormat] | None = None


class MigrationStep(BaseModel):
    """A step of the move; ``source``: the document it comes from where that is not the
    migration's own (a step for a scheduled job draws on the batch pipeline's seed)."""

    model_config = _STRICT

    when: MoveCondition = MoveCondition()
    text: str = Field(min_length=1)
    source: str | None = Field(default=None, min_length=1)

    @field_validator("text")
    @classmethod
    def _figures(cls, value: str) -> str:
        return _names_only(value, MIGRATION_FIGURES)


class Migration(BaseModel):
    """How to move from the mode a feature runs in today to the recommended one."""

    model_config = _STRICT

    source: str = Field(min_length=1)
    steps: list[MigrationStep] = Field(min_length=1)

    def steps_for(self, move: Mapping[str, str]) -> list[str]:
        return [fill(step.text, move) for step in self.steps if step.when.matches(move)]

    def sources_for(self, move: Mapping[str, str]) -> list[str]:
        """The documents the steps for this move come from: the migration's, then each step's own."""
        own = [step.source for step in self.steps if step.source is not None and step.when.matches(move)]
        return [self.source, *own]


# -- the review's risks --------------------------------------------------------------------


class ReviewRiskSpec(BaseModel):
    """A risk ``advisor review`` flags in what runs today, when its condition holds."""

    model_config = _STRICT

    kind: str = Field(pattern=_ID)
    label: str = Field(min_length=1)  # the flag on the workload's row
    none: str = Field(min_length=1)  # the all-clear: "no rate limit exceeded"
    when: dict[str, Any]
    severity: str | None = None  # a numeric fact that orders the flags of one kind; none: 1
    detail: str = Field(min_length=1)

    @field_validator("when")
    @classmethod
    def _condition(cls, value: dict[str, Any]) -> dict[str, Any]:
        try:
            compile_condition(value)
        except ConditionError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("severity")
    @classmethod
    def _numeric_fact(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                spec = fact_spec(value, "severity")
            except ConditionError as exc:
                raise ValueError(exc.message) from None
            if not spec.numeric:
                raise ValueError(f"fact '{value}' is a {spec.type}; severity needs a number")
        return value

    @field_validator("detail")
    @classmethod
    def _figures(cls, value: str) -> str:
        return _names_only(value, REVIEW_RISK_FIGURES)
