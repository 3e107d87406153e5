"""Asking the engine about a changed workload: the mode recommended with some answers
changed, as cheaply as it can be found. The what-if search and the decision map both
probe the engine thousands of times through this.
"""

import datetime
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from .engine import cost_comparisons, evaluate, total_cost_fact
from .figures import money
from .profile import Mode, WorkloadProfile
from .rules import RuleSet
from .situation import Situation, price_date_or_today, resituate, situate
from .variables import Value


class Decision(NamedTuple):
    mode: Mode
    decided_by: tuple[str, ...]
    excluded: dict[Mode, tuple[str, ...]]  # mode -> ids of the rules that excluded it
    unmet: dict[Mode, tuple[str, ...]]  # mode -> ids of the rules whose numbers it misses
    feasible: bool  # the recommended mode meets its contract
    # (mode, the mode it would replace): the costs weighed for a mode that must pay its way
    # (advisor.core.engine.replaced_mode). The same for every situation of one cache key.
    weighed: tuple[tuple[Mode, Mode], ...] = ()


class ModeProbe:
    """The recommended mode of one workload with some facts changed.

    Each probe situates the modified profile (latency, prices, costs, capacity) and runs
    the compiled rule set for which rules fire. The engine's ranking depends only on which
    rules fired (and, where a rule says a mode must pay its way, on the costs), so the full
    ``evaluate`` runs once per distinct set of fired rules and is reused.
    """

    def __init__(
        self,
        profile: WorkloadProfile,
        ruleset: RuleSet,
        *,
        weights: Mapping[str, float] | None = None,
        price_date: datetime.date | str | None = None,
        base: Situation | None = None,
    ):
        self.profile = profile
        self.ruleset = ruleset
        # A copy of the caller's weights; anything else goes to the engine as given, to be refused.
        self.weights = dict(weights) if isinstance(weights, Mapping) else weights
        self.price_date = price_date_or_today(price_date)
        self.base = base or situate(profile, ruleset, self.price_date)
        self._decisions: dict[tuple[tuple[bool, ...], tuple[bool, ...]], Decision] = {}
        self._as_specified: Decision | None = None

    def decide(self, changes: Mapping[str, Value | None]) -> Decision:
        """The decision with ``changes`` applied; RuleSetError if every mode is excluded there."""
        return self.decide_situation(self.situate(changes))

    def situate(self, changes: Mapping[str, Value | None]) -> Situation:
        if not changes:
            return self.base
        return resituate(self.base, self.ruleset, changes)

    def decide_situation(self, situation: Situation) -> Decision:
        facts = situation.facts
        fired = self.ruleset.decide(facts, self.ruleset.weight_vector)[0]
        key = (fired, cost_comparisons(self.ruleset, fired, facts))
        decision = self._decisions.get(key)
        if decision is None:
            evaluation = evaluate(self.ruleset, facts, self.weights)
            decision = Decision(
                evaluation.recommendation, evaluation.decided_by, evaluation.excluded, evaluation.unmet,
                evaluation.feasible, evaluation.weighed,
            )
            self._decisions[key] = decision
        return decision

    def as_specified(self) -> Decision:
        """The decision on the workload as given (worked out once: each change is set against it)."""
        if self._as_specified is None:
            self._as_specified = self.decide({})
        return self._as_specified

    def because(
        self, decision: Decision, previous: Mode | None = None, changes: Mapping[str, Value | None] | None = None
    ) -> str:
        """One sentence naming the rule that decides ``decision``: the rule that rules out
        the previous mode when there is one, the rule it no longer misses when the same mode
        now meets its contract, the rule that no longer rules out (or that it no longer
        misses) when the new mode was held back as specified, else the most decisive rule
        that favours the new mode over the previous one. Where that rule says a mode must pay
        its way, the sentence names the mode its cost was weighed against and both monthly
        totals, at ``changes`` (the decision's own: board read 4, P1, where "the mode it
        replaces" read as today's)."""
        modes = self.ruleset.header.modes
        if not decision.feasible:
            rule = self.ruleset.rule(decision.unmet[decision.mode][0]).spec
            return f"{modes[decision.mode].label} misses its contract: {rule.title.rstrip('.')} ({rule.id})."
        if previous is not None and previous in decision.excluded:
            rule = self.ruleset.rule(decision.excluded[previous][0]).spec
            weighed = self._weighed(decision, previous, rule.effect.pays_its_way, changes)
            return f"{modes[previous].label} is ruled out: {rule.title.rstrip('.')} ({rule.id}){weighed}."
        if previous is not None and previous in decision.unmet:
            rule = self.ruleset.rule(decision.unmet[previous][0]).spec
            return f"{modes[previous].label} misses its contract: {rule.title.rstrip('.')} ({rule.id})."
        if previous == decision.mode:  # the same mode, now meeting the contract it missed
            missed = self.as_specified().unmet.get(previous, ())
            gone = [rule_id for rule_id in missed if rule_id not in decision.unmet.get(previous, ())]
            if gone:
                rule = self.ruleset.rule(gone[0]).spec
                return (f"{modes[previous].label} now meets its contract, which it missed as specified:"
                        f" {rule.title.rstrip('.')} ({rule.id}).")
        if previous is not None and previous != decision.mode:
            # A mode ruled out as specified (or missing its contract) and no longer: that is
            # the change, whatever else scored it well before and after.
            base = self.as_specified()
            if decision.mode in base.excluded:
                rule = self.ruleset.rule(base.excluded[decision.mode][0]).spec
                weighed = self._weighed(decision, decision.mode, rule.effect.pays_its_way, changes, previous)
                return (f"{modes[decision.mode].label} is no longer ruled out: {rule.title.rstrip('.')}"
                        f" ({rule.id}){weighed}.")
            if decision.mode in base.unmet:
                rule = self.ruleset.rule(base.unmet[decision.mode][0]).spec
                return (f"{modes[decision.mode].label} now meets its contract, which it missed as specified:"
                        f" {rule.title.rstrip('.')} ({rule.id}).")
        if not decision.decided_by:
            return f"{modes[decision.mode].label} scores highest with no rule against it."
        rule = self.ruleset.rule(self._deciding(decision, previous)).spec
        return f"{rule.title.rstrip('.')} ({rule.id})."

    def _weighed(
        self, decision: Decision, mode: Mode, payers: Sequence[Mode], changes: Mapping[str, Value | None] | None,
        previous: Mode | None = None,
    ) -> str:
        """Which mode ``mode``'s cost was weighed against and the two monthly totals, in words
        (", the one the rules would choose without it; here that is Synchronous call, at
        $23.21 a month against Batch API's $142"), where a rule that says ``mode`` must pay its
        way weighed it; and ``previous`` (the recommendation as specified) where it is another
        mode and costs less. Empty elsewhere, and where no ``changes`` are given."""
        against = next((other for paid, other in decision.weighed if paid == mode), None)
        if changes is None or mode not in payers or against is None:
            return ""
        facts = self.situate(changes).facts
        cost, other = facts.get(total_cost_fact(mode)), facts.get(total_cost_fact(against))
        if cost is None or other is None:
            return ""
        names = self.ruleset.header.modes
        words = (f", the one the rules would choose without it; here that is {names[against].label},"
                 f" at {money(other)} a month against {names[mode].label}'s {money(cost)}")
        if previous is not None and previous not in (mode, against):
            own = facts.get(total_cost_fact(previous))
            if own is not None and own < cost:
                words += f" ({names[previous].label}, recommended as specified, costs {money(own)} there)"
        return words

    def _deciding(self, decision: Decision, previous: Mode | None) -> str:
        """The decisive rule that says why the new mode beats the previous one: the first
        whose scores favour it over the previous mode. The most decisive rule may be one that
        held as specified too (a provider with no batch API rules batch out either way), which
        says nothing about the change."""
        if previous is not None and previous != decision.mode:
            for rule_id in decision.decided_by:
                scores = self.ruleset.rule(rule_id).spec.effect.scores
                if scores.get(decision.mode, 0.0) > scores.get(previous, 0.0):
                    return rule_id
        return decision.decided_by[0]
