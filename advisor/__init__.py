"""advisor: should an LLM feature call its model sync, streaming, async or batch?

    >>> import advisor
    >>> profile = advisor.load_profile("examples/chatbot.yaml")
    >>> result = advisor.assess(profile)
    >>> result.recommendation
    'streaming'

``examples/chatbot.yaml`` is one of the worked examples of a checkout; an installed advisor
carries them too: ``advisor init --example chatbot examples/chatbot.yaml`` writes it, and
``advisor.starter_workload(example="chatbot")`` gives its text.

The CLI (``advisor recommend``) prints ``result.model_dump(mode="json")``. The engine
underneath is public too:

    >>> rules = advisor.load_rules()
    >>> evaluation = rules.evaluate(advisor.facts(profile))
    >>> evaluation.recommendation, evaluation.ranking
    ('streaming', ('streaming', 'sync', 'async', 'batch'))

``evaluation.fired_ids`` names the rules that fired and ``evaluation.trace`` gives every
rule with each condition's actual value and threshold.

The package has layers, each importing only those below it: ``advisor.core`` decides,
``advisor.records`` keeps decision-record files, ``advisor.views`` words the results for
people, ``advisor.cli`` is the command line. ``import advisor`` is lazy: each public name
loads its module the first time it is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    "MODES": "advisor.core.profile",
    "AdvisorError": "advisor.core.errors",
    "Assessment": "advisor.core.assessment",
    "Calibration": "advisor.core.calibration",
    "DecisionMap": "advisor.core.decision_map",
    "InputError": "advisor.core.errors",
    "Review": "advisor.views.review",
    "RuleSet": "advisor.core.rules",
    "RuleSetError": "advisor.core.errors",
    "TraceError": "advisor.core.errors",
    "UnknownModelError": "advisor.core.errors",
    "WorkloadProfile": "advisor.core.profile",
    "__version__": "advisor.core.version",
    "assess": "advisor.core.assessment",
    "calibrate": "advisor.core.calibration",
    "calibrated_workload": "advisor.views.workload_file",
    "check_rules": "advisor.core.rules_check",
    "decision_map": "advisor.core.decision_map",
    "facts": "advisor.core.situation",
    "load_profile": "advisor.core.profile",
    "load_rules": "advisor.core.rules",
    "parse_profile": "advisor.core.profile",
    "render_adr": "advisor.views.adr",
    "render_review": "advisor.views.review",
    "render_verify": "advisor.views.verify",
    "review": "advisor.views.review",
    "rules_docs": "advisor.views.rules_docs",
    "starter_workload": "advisor.core.profile",
    "verify": "advisor.records.verify",
    "verify_exit_code": "advisor.records.verify",
    "what_would_change": "advisor.core.whatif",
    "workload_schema": "advisor.core.profile",
    "write_adr": "advisor.views.adr",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'advisor' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is an ordinary attribute
    return value


def __dir__() -> list[str]:
    # The API and the module's own dunders: not this module's helpers (importlib, Any) nor
    # the layers a lookup has loaded.
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})


if TYPE_CHECKING:  # what a type checker and an editor see: the same names, eagerly
    from advisor.core.assessment import Assessment as Assessment
    from advisor.core.assessment import assess as assess
    from advisor.core.calibration import Calibration as Calibration
    from advisor.core.calibration import calibrate as calibrate
    from advisor.core.decision_map import DecisionMap as DecisionMap
    from advisor.core.decision_map import decision_map as decision_map
    from advisor.core.errors import AdvisorError as AdvisorError
    from advisor.core.errors import InputError as InputError
    from advisor.core.errors import RuleSetError as RuleSetError
    from advisor.core.errors import TraceError as TraceError
    from advisor.core.errors import UnknownModelError as UnknownModelError
    from advisor.core.profile import MODES as MODES
    from advisor.core.profile import WorkloadProfile as WorkloadProfile
    from advisor.core.profile import load_profile as load_profile
    from advisor.core.profile import parse_profile as parse_profile
    from advisor.core.profile import starter_workload as starter_workload
    from advisor.core.profile import workload_schema as workload_schema
    from advisor.core.rules import RuleSet as RuleSet
    from advisor.core.rules import load_rules as load_rules
    from advisor.core.rules_check import check_rules as check_rules
    from advisor.core.situation import facts as facts
    from advisor.core.version import __version__ as __version__
    from advisor.core.whatif import what_would_change as what_would_change
    from advisor.records.verify import verify as verify
    from advisor.records.verify import verify_exit_code as verify_exit_code
    from advisor.views.adr import render_adr as render_adr
    from advisor.views.adr import write_adr as write_adr
    from advisor.views.review import Review as Review
    from advisor.views.review import render_review as render_review
    from advisor.views.review import review as review
    from advisor.views.rules_docs import rules_docs as rules_docs
    from advisor.views.verify import render_verify as render_verify
    from advisor.views.workload_file import calibrated_workload as calibrated_workload
