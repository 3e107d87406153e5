"""advisor: should an LLM feature call its model sync, streaming, async or batch?

    >>> import advisor
    >>> result = advisor.assess(advisor.load_profile("examples/chatbot.yaml"))
    >>> result.recommendation
    'streaming'

The CLI (``advisor recommend``) prints ``result.model_dump(mode="json")``.
"""

from .assessment import Assessment, assess
from .authoring import check_rules
from .drift import verify
from .errors import AdvisorError, InputError, RuleSetError, UnknownModelError
from .modemap import DecisionMap, decision_map
from .portfolio import Review, render_review, review
from .profile import MODES, WorkloadProfile, load_profile, parse_profile
from .records import render_adr, write_adr
from .ruledocs import rules_docs
from .rules import RuleSet, load_rules
from .version import __version__
from .whatif import what_would_change

__all__ = [
    "MODES",
    "AdvisorError",
    "Assessment",
    "DecisionMap",
    "InputError",
    "Review",
    "RuleSet",
    "RuleSetError",
    "UnknownModelError",
    "WorkloadProfile",
    "__version__",
    "assess",
    "check_rules",
    "decision_map",
    "load_profile",
    "load_rules",
    "parse_profile",
    "render_adr",
    "render_review",
    "review",
    "rules_docs",
    "verify",
    "what_would_change",
    "write_adr",
]
