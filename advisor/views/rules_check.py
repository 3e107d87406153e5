"""What ``advisor rules check`` prints: one line per rule, like a test runner."""

from __future__ import annotations

from advisor.core.rules_check import CheckReport


def _counted(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def render_check_report(report: CheckReport) -> str:
    name = f"rule set {report.ruleset_id} {report.version}" if report.ruleset_id else "rule set"
    examples = sum(c.examples for c in report.checks)
    rules = sum(1 for c in report.checks if c.is_rule)
    if report.loaded:
        lines = [
            f"checking {name} in {report.path}: {_counted(rules, 'rule')}, {_counted(examples, 'example')}, "
            f"{_counted(report.sample_size, 'sample profile')}"
        ]
    else:  # nothing was run: no counts of rules, examples and samples that were never checked
        lines = [f"checking {name} in {report.path}: it does not load"]
    if report.catalogue:
        lines.append(f"catalogue: {report.catalogue}")
    for check in report.checks:
        if check.passed:
            plural = "" if check.examples == 1 else "s"
            lines.append(f"PASS {check.name} ({check.examples} example{plural})")
        else:
            lines.append(f"FAIL {check.name}: {check.problems[0]}")
            lines.extend(f"     {problem}" for problem in check.problems[1:])
        lines.extend(f"WARN {check.name}: {warning}" for warning in check.warnings)
    if not report.loaded:
        problems = _counted(report.failed, "problem")
        lines.append(f"not checked: the rule set does not load ({problems} above); no rule was run")
        return "\n".join(lines) + "\n"
    summary = f"{report.passed} passed, {report.failed} failed"
    if report.unreadable:
        summary += f" ({report.unreadable} file{' was' if report.unreadable == 1 else 's were'} not readable)"
    lines.append(summary)
    return "\n".join(lines) + "\n"
