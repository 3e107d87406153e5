"""``advisor rules docs``: the Markdown reference of a rule set, generated from the rules
(like ruff's rule docs): what each rule does, why, its source and its examples. Never
written twice.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from advisor.core.catalogue import ModelSpec
from advisor.core.facts import FACTS, STEPS_NOTE
from advisor.core.policy import AnswerCondition, MoveCondition
from advisor.core.profile import MODES
from advisor.core.rules import Rule, RuleSet, load_rules
from advisor.core.yamlio import dump_yaml

from .formatting import listed, number
from .markdown import cell, code, inline
from .sources import cite

_SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
_UNITLESS = {"", "fraction", "ratio", "times"}


def _value(fact: str, value: Any) -> str:
    if isinstance(value, dict):  # a reference to another fact
        return code(value["fact"])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        unit = FACTS[fact].unit
        return number(value) + ("" if unit in _UNITLESS else f" {inline(unit)}")
    return code(value)


def describe_condition(node: dict[str, Any], nested: bool = False) -> str:
    """A (valid) condition in plain words: `end_to_end_p95_s` > 5 s and `someone_waiting` = true."""
    for key, word in (("all", " and "), ("any", " or ")):
        if key in node:
            parts = [describe_condition(child, nested=True) for child in node[key]]
            text = word.join(parts)
            return f"({text})" if nested and len(parts) > 1 else text
    if "not" in node:
        return f"not ({describe_condition(node['not'])})"
    fact, op, value = node["fact"], node["op"], node["value"]
    if op in ("in", "not_in"):
        words = "is one of" if op == "in" else "is none of"
        return f"{code(fact)} {words} {', '.join(_value(fact, v) for v in value)}"
    return f"{code(fact)} {_SYMBOL[op]} {_value(fact, value)}"


def describe_effect(ruleset: RuleSet, rule: Rule) -> str:
    """What a rule does, each part a sentence: "Excludes `batch`. Says why: Results are ..."."""
    effect = rule.spec.effect
    parts = []
    if effect.scores:
        axis = next(a for a in ruleset.header.axes if a.id == rule.spec.axis)
        scores = ", ".join(
            f"{mode} {effect.scores[mode]:+g}" for mode in MODES if mode in effect.scores
        )
        parts.append(f"scores {scores} on {inline(axis.name)} (weight {number(axis.weight)})")
    for mode, said in effect.score_reasons.items():
        parts.append(f"says of {code(mode)}, as its pro or con: {inline(said)}")
    if effect.require:
        others = listed(code(m) for m in MODES if m != effect.require)
        parts.append(f"requires {code(effect.require)} (excludes {others})")
    elif effect.exclude:
        parts.append(f"excludes {listed(code(m) for m in effect.exclude)}")
    if effect.unmet:
        their = "its" if len(effect.unmet) == 1 else "their"
        parts.append(f"marks {listed(code(m) for m in effect.unmet)} as missing {their} contract (unmet)")
    if effect.pays_its_way:
        modes = listed(code(m) for m in effect.pays_its_way)
        parts.append(f"excludes {modes} where it costs no less a month than the mode it would replace")
    if effect.reason.strip():
        parts.append(f"says why: {inline(' '.join(effect.reason.split()))}")
    for mode, items in effect.checklist.items():
        parts += [f"adds to the {code(mode)} checklist: {inline(item)}" for item in items]
    for pattern_id in effect.patterns:
        pattern = ruleset.pattern(pattern_id)
        parts.append(f"suggests the pattern {inline(pattern.name)} ({code(pattern_id)})")
    return " ".join(_sentence(part) for part in parts)


def _sentence(text: str) -> str:
    """A part of an effect as a sentence of its own: a capital first, a full stop last."""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _source(text: str, documents: dict[str, str]) -> str:
    """Each cited document by its title, never its file key: "Sync vs. Async AI Inference § step 2"."""
    return str(inline(cite(" ".join(text.split()), documents)))


# What a heading must not end with (markdownlint MD026), the full-width CJK forms included.
_HEADING_END = ".,;:!\u3002\uff0c\uff1b\uff1a\uff01"


def _heading(text: str) -> str:
    """Heading text: inline Markdown without the trailing punctuation linters reject."""
    return str(inline(text)).rstrip(_HEADING_END) or str(inline(text))


def _example(overrides: dict[str, Any]) -> str:
    if not overrides:
        return "the base profile as it is"
    flow = dump_yaml(overrides, default_flow_style=True, width=1 << 30)
    return code(flow.strip())


def ruleset_markdown(ruleset: RuleSet) -> str:
    """The Markdown reference page of a loaded rule set. Deterministic: same files, same page."""
    header = ruleset.header
    out: list[str] = [
        f"# {_heading(header.title)}",
        "",
        "<!-- Generated by `advisor rules docs` from the rule files; edit those, not this page. -->",
        "",
        "| Rule set | |",
        "|---|---|",
        f"| Id | {_code_cell(header.id)} |",
        f"| Version | {_code_cell(header.version)} |",
        f"| Content hash (SHA-256 of the rule files) | {_code_cell(ruleset.content_hash)} |",
        f"| Rules | {len(ruleset.rules)} |",
        "",
    ]
    if header.description.strip():
        out += [str(inline(header.description)), ""]
    out += [
        "## Axes",
        "",
        "Each rule belongs to one axis. A fired rule adds its scores to its axis; a mode's total is "
        "the weighted sum of its axis scores. Hard constraints (excludes, requires) remove modes "
        "whatever they score: the policy says they are the wrong contract. A mode can also miss its "
        "contract (unmet): the right contract, but this workload's numbers miss it. The best-scoring "
        "mode that is allowed and meets its contract is recommended; when no allowed mode meets it, "
        "the best-scoring allowed mode is recommended and marked not feasible, with the reason in "
        "numbers, never another contract by elimination. A mode a rule says must pay its way is "
        "recommended only where it costs less a month than the mode it would replace. Equal totals "
        f"go to the first mode in the tie-break order: {', '.join(code(m) for m in header.tie_break)}.",
        "",
        "| Axis | Id | Weight | Question | Source |",
        "|---|---|---|---|---|",
    ]
    for axis in header.axes:
        out.append(
            f"| {cell(axis.name)} | {_code_cell(axis.id)} | {number(axis.weight)} | {cell(axis.question)} | "
            f"{_cell_raw(_source(axis.source, header.sources))} |"
        )
    out += ["", "## Sources", "", "Every rule cites one of these documents and a section of it.", ""]
    out += [f"- {inline(title)}" for title in header.sources.values()]
    out += ["", "## Rules", ""]
    out.append(
        "Each rule reads facts about a workload (the answers in its profile and what the advisor "
        "derives from them: latency, cost, capacity). Its examples are profiles it must fire on and "
        "must not fire on; each starts from the rule set's example base and overrides the fields shown. "
        f"The example base is {_example(header.example_base)}."
    )
    out.append("")
    for axis in header.axes:
        rules = [r for r in ruleset.rules if r.spec.axis == axis.id]
        if not rules:
            continue
        out += [f"### {_heading(axis.name)}", ""]
        plural = "" if len(rules) == 1 else "s"
        out += [f"{len(rules)} rule{plural} on the {code(axis.id)} axis (weight {number(axis.weight)}).", ""]
        for rule in rules:
            out += _rule_section(ruleset, rule)
    out += _facts_section()
    out += _defaults_section(ruleset)
    out += _patterns_section(ruleset)
    out += _modes_section(ruleset)
    out += _waiting_section(ruleset)
    out += _migration_section(ruleset)
    out += _review_risks_section(ruleset)
    out += _catalogue_section(ruleset)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _facts_section() -> list[str]:
    """Every fact a rule may read (advisor.core.facts), with how steps answer them."""
    out = [
        "## Facts",
        "",
        "What a rule's condition may read: the workload's own answers and what the advisor derives "
        "from them. A rule naming any other fact fails when the rule set loads.",
        "",
        STEPS_NOTE,  # the core's own text, with its fact names as code spans
        "",
        "| Fact | Type | Unit | What it is |",
        "|---|---|---|---|",
    ]
    for spec in FACTS.values():
        kind = spec.type if not spec.allowed else f"{spec.type}: {', '.join(spec.allowed)}"
        out.append(f"| {_code_cell(spec.name)} | {cell(kind)} | {cell(spec.unit)} | {cell(spec.description)} |")
    return [*out, ""]


def _cell_raw(markdown: str) -> str:
    """Already-rendered Markdown placed in a table cell: escape the pipes only (inside a code
    span too: a ``|`` splits a GFM table's cell wherever it stands)."""
    return markdown.replace("|", "\\|")


def _code_cell(value: object) -> str:
    """A value as a code span in a table cell, its pipes escaped like the review's File cells."""
    return _cell_raw(code(value))


def _rule_section(ruleset: RuleSet, rule: Rule) -> list[str]:
    spec = rule.spec
    out = [f"#### {code(rule.id)}", "", str(inline(spec.title)), ""]
    out += [
        f"- **When:** {describe_condition(spec.when)}",
        f"- **Then:** {describe_effect(ruleset, rule)}",
        f"- **Why:** {inline(spec.because)}",
        f"- **Source:** {_source(spec.source, ruleset.header.sources)}",
        f"- **Defined in:** {code(Path(rule.file).name)}",
    ]
    for label, examples in (("Fires on", spec.examples.fires), ("Does not fire on", spec.examples.does_not_fire)):
        if examples:
            out.append(f"- **{label}:**")
            out += [f"  - {_example(example)}" for example in examples]
        else:
            out.append(f"- **{label}:** no example")
    out.append("")
    return out


ADVISOR_DEFAULT = "advisor-default"


def _defaults_section(ruleset: RuleSet) -> list[str]:
    """The rules whose thresholds are the advisor's own, not a source document's."""
    own = [r for r in ruleset.rules if ADVISOR_DEFAULT in r.spec.source]
    if not own:
        return []
    out = [
        "## Advisor defaults",
        "",
        "These rules read a threshold of the advisor's own, not one of a source document; each says "
        "why in its **Why**, and its source names it as an advisor default.",
        "",
        "| Rule | Advisor default |",
        "|---|---|",
    ]
    for rule in own:
        notes = [part.partition(" ")[2].strip(" ()") for part in " ".join(rule.spec.source.split()).split("; ")
                 if part.startswith(ADVISOR_DEFAULT)]
        out.append(f"| {_code_cell(rule.id)} | {cell('; '.join(n for n in notes if n))} |")
    return [*out, ""]


def _catalogue_section(ruleset: RuleSet) -> list[str]:
    """What the provider catalogue says of each provider: batch, tiers, service tiers, models."""
    catalogue = ruleset.catalogue
    data = catalogue.data
    reading = data.latency.prompt_reading
    out = [
        "## Provider catalogue",
        "",
        f"Provider facts come from the catalogue ({code('catalogue.yaml')}, compiled on {data.compiled_on}); "
        "every figure cites its source and date, and each assessment prints the ones it used as "
        "assumptions. Speeds are medians: the first token's p95 is the median times "
        f"{number(data.latency.ttft_p95_over_p50)} unless a provider or model says otherwise. Speeds are measured "
        f"with prompts of at most {reading.measured_prompt_tokens:,} input tokens: a call's first token waits for "
        f"the input beyond them, read at {reading.input_tokens_per_s:,g} tokens/s "
        f"({reading.cached_input_tokens_per_s:,g} cached), unless the workload gives its first token (ttft_s). "
        "A model with no "
        f"speed of its own takes its maker's where it is a hosted copy of a measured model ({code('speed_of')}); "
        "a chat model, listed or not, is otherwise judged no faster than the slowest measured model of its "
        "provider (of the catalogue where its provider has none), and never faster than "
        f"{number(data.fallback_speed.ttft_p95_s)} s to the first token and "
        f"{number(data.fallback_speed.output_tokens_per_s)} tokens/s, which an embedding model or a provider the "
        "catalogue lacks gets; one that reasons before it answers, "
        f"{number(data.fallback_speed.reasoning_ttft_s)} s (median) to its first visible token, and one that "
        f"cannot turn its reasoning off ({code('always_reasons')}) may not state reasoning_tokens 0.",
        "",
        "| Provider | Batch API | Window | Account tiers (default) | Token limits | Service tiers | Models |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, spec in data.providers.items():
        batch = f"{spec.batch.discount:.0%} off" if spec.batch.available and spec.batch.discount is not None else "none"
        window = f"{number(spec.batch.window_h)} h" if spec.batch.window_h else "-"
        tiers = ", ".join(code(t) for t in spec.tiers) if spec.tiers else "none"
        if spec.default_tier:
            tiers += f" ({code(spec.default_tier)})"
        service = ", ".join(name for name in ("flex", "priority") if getattr(spec, name) is not None) or "standard"
        models = ", ".join(_model(key, m, data.compiled_on) for key, m in spec.models.items())
        models = models or "any (speeds and capacity from the workload)"
        out.append(
            f"| {cell(spec.name)} ({_code_cell(key)}) | {batch} | {window} | {_cell_raw(tiers)} | "
            f"{cell(spec.token_limit)} | {service} | {_cell_raw(models)} |"
        )
    return [*out, ""]


def _model(key: str, model: ModelSpec, compiled_on: datetime.date) -> str:
    """A model id, with its shutdown as of the catalogue's date where one is announced."""
    if model.shutdown is None:
        return code(key)
    when = model.shutdown.date
    return f"{code(key)} ({'shut down' if when <= compiled_on else 'shuts down'} {when})"


def _patterns_section(ruleset: RuleSet) -> list[str]:
    patterns = ruleset.header.patterns
    if not patterns:
        return []
    out = [
        "## Complementary patterns",
        "",
        "A fired rule can suggest a pattern; the advisor shows it when it applies to the recommended mode.",
        "",
    ]
    for pattern in patterns:
        users = [r.id for r in ruleset.rules if pattern.id in r.spec.effect.patterns]
        out += [f"### {_heading(pattern.name)}", "", str(inline(pattern.description)), ""]
        out += [
            f"- **Id:** {code(pattern.id)}",
            f"- **Applies to:** {', '.join(code(m) for m in pattern.applies_to)}",
            f"- **Suggested by:** {', '.join(code(u) for u in users) if users else 'no rule'}",
            f"- **Source:** {_source(pattern.source, ruleset.header.sources)}",
            "",
        ]
    return out


def _modes_section(ruleset: RuleSet) -> list[str]:
    out = [
        "## Modes",
        "",
        "What each mode promises, what can go wrong with it (a risk given a condition is said only for the "
        "workloads whose answers match it), what to build with it and what to watch once it runs.",
        "",
    ]
    for mode in MODES:
        spec = ruleset.header.modes[mode]
        out += [f"### {_heading(spec.name)} ({code(mode)})", ""]
        out += [f"{inline(spec.summary)} Contract: {spec.contract}.", ""]
        if spec.builds_on is not None:  # what a move to it does not pay again (docs/cost-model.md)
            out += [f"Its build contains {code(spec.builds_on)}'s: a move to it from a mode that holds that build "
                    "pays only the rest of its own.", ""]
        if spec.risks:
            out += ["#### Risks", ""]
            out += [
                "- "
                + (f"When {condition}: " if (condition := _when_words(r.when)) else "")
                + f"{inline(r.risk)} **Mitigation:** {inline(r.mitigation)} "
                + (f"For a request of several calls in sequence: {inline(r.said(True)[0])} **Mitigation:**"
                   f" {inline(r.said(True)[1])} " if r.said(True) != r.said(False) else "")
                + f"**Source:** {_source(r.source, ruleset.header.sources)}"
                for r in spec.risks
            ]
            out.append("")
        if spec.checklist:
            out += ["#### Checklist", ""]
            out += [f"- {inline(item)}" for item in spec.checklist]
            out.append("")
        out += ["#### What to watch in production", ""]
        for item in spec.confirmation:
            if isinstance(item, str):
                out.append(f"- {inline(item)}")
            else:
                line = f"- {inline(item.text)}"
                if item.over_limit is not None:
                    line += f" When the peak is already over a rate limit: {inline(item.over_limit)}"
                if item.never_drains is not None:
                    line += (" When the queue a peak builds never drains (even the monthly average is over the limits,"
                             f" or one call is): {inline(item.never_drains)}")
                if item.limit_unknown is not None:
                    line += f" When no rate limit is known for the model and tier: {inline(item.limit_unknown)}"
                if item.whole_answer is not None:
                    line += f" When the rules hold the stream to its whole answer: {inline(item.whole_answer)}"
                if item.stand_in is not None:
                    line += (" When the estimate misses the budget on a model with no measured speed (timed at a"
                             f" stand-in): {inline(item.stand_in)}")
                if item.flex is not None:
                    line += f" On the flex service tier: {inline(item.flex)}"
                out.append(line)
        out.append("")
    return out


def _waiting_section(ruleset: RuleSet) -> list[str]:
    out = [
        "## Who is waiting",
        "",
        f"The fact {code('someone_waiting')} is true for the interactions marked here: a person or a service "
        "is blocked on the answer.",
        "",
        "| Interaction | Someone waiting | In the decision record |",
        "|---|---|---|",
    ]
    for interaction, words in ruleset.header.answers.interaction.items():
        waiting = "yes" if words.someone_waiting else "no"
        out.append(f"| {_code_cell(interaction)} | {waiting} | {cell(words.sentence)} |")
    return [*out, ""]


def _when_words(when: AnswerCondition | MoveCondition) -> str:
    parts = []
    for name, field in type(when).model_fields.items():
        allowed = getattr(when, name)
        if allowed is not None:
            parts.append(f"{code(field.alias or name)} is {' or '.join(code(v) for v in allowed)}")
    return " and ".join(parts)


def _migration_section(ruleset: RuleSet) -> list[str]:
    migration = ruleset.header.migration
    out = [
        "## Migration advice",
        "",
        "When a feature runs in another mode today, its decision record lists the steps whose conditions match "
        f"the move, in this order. Source: {_source(migration.source, ruleset.header.sources)}.",
        "",
    ]
    for step in migration.steps:
        condition = _when_words(step.when)
        line = f"1. When {condition}: {inline(step.text)}" if condition else f"1. Always: {inline(step.text)}"
        if step.source is not None:
            line += f" **Source:** {_source(step.source, ruleset.header.sources)}"
        out.append(line)
    return [*out, ""]


def _review_risks_section(ruleset: RuleSet) -> list[str]:
    risks = ruleset.header.review_risks
    if not risks:
        return []
    out = [
        "## Review risks",
        "",
        "What `advisor review` flags in what runs today, in this order; a flag of one kind is ranked by its severity.",
        "",
        "| Kind | Flag | When | Severity | Detail |",
        "|---|---|---|---|---|",
    ]
    for risk in risks:
        severity = _code_cell(risk.severity) if risk.severity else "1"
        out.append(
            f"| {_code_cell(risk.kind)} | {cell(risk.label)} | {_cell_raw(describe_condition(risk.when))} | "
            f"{severity} | {cell(risk.detail)} |"
        )
    return [*out, ""]


def rules_docs(rules_dir: str | Path | None = None) -> str:
    """The Markdown reference of the rule set in ``rules_dir`` (default: $ADVISOR_RULES, else
    the shipped rule set)."""
    return ruleset_markdown(load_rules(rules_dir))
