"""The inputs a decision record embeds: the exact workload, and how the decision was made
(advisor version, rule set, weights, prices, fired rules), as YAML in a fenced block whose
info string is ``yaml advisor-record``. ``advisor verify`` reads it back to re-evaluate
the record; the record's Markdown around it is a view (advisor.views.adr).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from advisor.core.assessment import Assessment
from advisor.core.errors import InputError
from advisor.core.profile import Mode, WorkloadProfile, parse_profile
from advisor.core.validation import describe_validation_error
from advisor.core.yamlio import parse_yaml

INPUTS_INFO = "yaml advisor-record"  # the info string of the fenced block verify reads
_COMMENT = "# advisor verify re-evaluates this record from these inputs; edit them and it is no longer this decision.\n"


class _NoAliasDumper(yaml.SafeDumper):
    """advisor's YAML reader refuses aliases; never write one."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _StampedRuleSet(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    id: str
    version: str
    hash: str


class _StampedPrices(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    data_version: str
    price_date: datetime.date


class RecordStamp(BaseModel):
    """What a record says about how it was made (the ``record:`` part of its inputs block)."""

    # Unknown keys are ignored so that a newer advisor's records stay readable.
    model_config = ConfigDict(extra="ignore", frozen=True)

    advisor_version: str
    mode: Mode
    ruleset: _StampedRuleSet
    weights: dict[str, float]
    prices: _StampedPrices
    fired_rules: list[str]


def inputs_data(assessment: Assessment) -> dict[str, Any]:
    a = assessment
    return {
        "record": {
            "advisor_version": a.advisor_version,
            "mode": a.recommendation,
            "ruleset": a.ruleset.model_dump(mode="json"),
            "weights": {axis.id: axis.weight for axis in a.axes},
            "prices": {"data_version": a.pricing.data_version, "price_date": a.pricing.price_date.isoformat()},
            "fired_rules": [r.id for r in a.fired_rules],
        },
        # The exact inputs, as validated; None means "not given" (the field's default).
        "workload": a.workload.model_dump(mode="json", exclude_none=True),
    }


def inputs_yaml(assessment: Assessment) -> str:
    """The body of the inputs block: a comment, then the inputs as YAML."""
    return _COMMENT + yaml.dump(
        inputs_data(assessment), Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True,
        default_flow_style=False, width=120,
    )


_FENCE_OPEN = re.compile(rf"^(`{{3,}}){re.escape(INPUTS_INFO)}[ \t]*$", re.MULTILINE)


def find_inputs(text: str) -> str | None:
    """The YAML inside a record's inputs block, or None when the text has no such block."""
    match = _FENCE_OPEN.search(text)
    if match is None:
        return None
    ticks = match.group(1)
    close = re.compile(rf"^{ticks}`*[ \t]*$", re.MULTILINE)
    end = close.search(text, match.end())
    if end is None:
        return ""  # an opened, never closed block: malformed, not absent
    return text[match.end() + 1 : end.start()]


@dataclass(frozen=True)
class RecordInputs:
    stamp: RecordStamp
    workload: WorkloadProfile


def read_inputs(text: str, source: str) -> RecordInputs | None:
    """Parse a record's embedded inputs; None when it is not an advisor record."""
    block = find_inputs(text)
    if block is None:
        return None
    data = parse_yaml(block, f"{source}: advisor-record block")
    if not isinstance(data, dict) or not isinstance(data.get("record"), dict) or "workload" not in data:
        raise InputError("the advisor-record block must hold 'record' and 'workload' mappings", source=source)
    try:
        stamp = RecordStamp.model_validate(data["record"])
    except ValidationError as exc:
        field, message = describe_validation_error(exc, RecordStamp, noun="key")
        raise InputError(f"malformed advisor-record block: {message}", source=source, field=f"record.{field}") from None
    workload = parse_profile(data["workload"], source=f"{source}: advisor-record workload")
    return RecordInputs(stamp=stamp, workload=workload)
