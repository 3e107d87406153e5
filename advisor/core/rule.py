"""One rule: what it says (``RuleSpec``: id, axis, title, when, effect, because, source,
examples, validated) and its compiled condition (``Rule``).

A rule set (advisor.core.rules) loads and validates the rules of its files; the engine
(advisor.core.engine) evaluates them.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .conditions import Check, leaf_paths
from .facts import FACTS
from .policy import placeholders
from .profile import MODES, Mode
from .validation import closest
from .value_class import value_class

_ID = r"^[a-z0-9][a-z0-9_-]{0,79}$"
_STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True, defer_build=True)


class Effect(BaseModel):
    """What a rule does when it fires.

    ``exclude``/``require``: the policy says these modes are the wrong contract.
    ``unmet``: the right contract, but this workload's numbers miss it (the recommendation
    is then the best mode that meets its contract, or, if none does, the best allowed mode,
    marked not feasible). ``reason``: one sentence with the numbers, naming facts in braces
    ({time_to_first_token_s}), said where this rule rules a mode out. ``pays_its_way``:
    such a mode is recommended only where its monthly total is below that of the mode it
    would replace (the one recommended without it). ``checklist``: items added to the
    checklist when that mode is recommended. ``score_reasons``: for a mode the title does
    not argue for (one scored below the mode the rule favours, or a mode scored up by a
    title that states the problem, not the remedy: "Calls over 30 s trip proxy timeouts"
    is no pro of a job, or a mode scored down by a title that gives advice, not a finding:
    "weigh what async costs to build" is no con), the words that say what the rule finds good or bad in it, said as
    that mode's pro or con.
    """

    model_config = _STRICT

    scores: dict[Mode, float] = {}
    exclude: list[Mode] = []
    require: Mode | None = None
    unmet: list[Mode] = []
    reason: str = ""
    pays_its_way: list[Mode] = []
    checklist: dict[Mode, list[str]] = {}
    patterns: list[str] = []
    score_reasons: dict[Mode, str] = {}

    @field_validator("reason")
    @classmethod
    def _facts_only(cls, value: str) -> str:
        for name in placeholders(value):
            if name not in FACTS:
                close = closest(name, list(FACTS))
                hint = f"; did you mean {{{close[0]}}}?" if close else ""
                raise ValueError(f"unknown fact {{{name}}} in the reason{hint}")
        return value

    @field_validator("scores")
    @classmethod
    def _bounded(cls, value: dict[Mode, float]) -> dict[Mode, float]:
        for mode, score in value.items():
            if not -10 <= score <= 10:
                raise ValueError(f"score for {mode} must be between -10 and 10 (got {score})")
        return value

    @model_validator(mode="after")
    def _does_something(self) -> "Effect":
        if not (self.scores or self.exclude or self.require or self.unmet or self.pays_its_way or self.patterns
                or self.checklist):
            raise ValueError(
                "an effect needs at least one of scores, exclude, require, unmet, pays_its_way, checklist, patterns"
            )
        if self.require and self.require in self.exclude:
            raise ValueError(f"cannot both require and exclude {self.require}")
        unscored = [mode for mode in self.score_reasons if mode not in self.scores]
        if unscored:
            raise ValueError(f"score_reasons: {unscored[0]} has no score to give a reason for")
        if self.unmet and not self.reason.strip():
            raise ValueError("an 'unmet' effect needs a 'reason': one sentence with the numbers")
        return self

    @property
    def excluded_modes(self) -> tuple[Mode, ...]:
        """Modes this effect rules out; ``require: X`` rules out every other mode."""
        if self.require:
            return tuple(m for m in MODES if m != self.require)
        return tuple(self.exclude)


class Examples(BaseModel):
    model_config = _STRICT

    fires: list[dict[str, Any]] = []
    does_not_fire: list[dict[str, Any]] = []


class RuleSpec(BaseModel):
    model_config = _STRICT

    id: str = Field(pattern=_ID)
    axis: str
    title: str = Field(min_length=1, max_length=120)
    when: dict[str, Any]
    effect: Effect
    because: str = Field(min_length=1)
    source: str = Field(min_length=1)
    examples: Examples = Examples()


@value_class
class Rule:
    """A validated rule with its compiled condition: ``check(facts, trace)`` tells whether it
    fires and appends one (fact, op, actual, threshold, passed) per condition to ``trace``,
    in the order of ``paths``."""

    spec: RuleSpec
    check: Check
    file: str
    # Flattened from the spec once at load, for the evaluation loop.
    id: str = ""
    axis: str = ""
    scores: tuple[tuple[Mode, float], ...] = ()
    excludes: tuple[Mode, ...] = ()
    unmets: tuple[Mode, ...] = ()
    pays: tuple[Mode, ...] = ()
    # Where each condition of the trace sits in ``when``: "when.all[1].not.all[0]".
    paths: tuple[str, ...] = ()

    @classmethod
    def compiled(cls, spec: RuleSpec, check: Check, file: str) -> "Rule":
        effect = spec.effect
        return cls(
            spec, check, file, spec.id, spec.axis, tuple(effect.scores.items()), tuple(effect.excluded_modes),
            tuple(effect.unmet), tuple(effect.pays_its_way), leaf_paths(spec.when),
        )
