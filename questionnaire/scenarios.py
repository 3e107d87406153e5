"""The worked examples a session can start from: the workload files in examples/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import advisor
from advisor.core.errors import AdvisorError
from advisor.core.files import read_text
from advisor.core.profile import WorkloadProfile
from advisor.core.yamlio import parse_yaml

DEFAULT_SCENARIO = "support-reply-draft"


@dataclass(frozen=True)
class Scenario:
    stem: str
    name: str
    seed_note: str  # the file's comment header: which seed case it reproduces
    profile: WorkloadProfile


def read_scenarios(folder: Path) -> tuple[dict[str, Scenario], tuple[str, ...]]:
    """The example workloads by file stem, and the messages of any that failed to load."""
    found: dict[str, Scenario] = {}
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            text = read_text(path, what="YAML file")
            profile = advisor.parse_profile(parse_yaml(text, str(path)), source=str(path))
        except AdvisorError as exc:
            problems.append(str(exc))
            continue
        found[path.stem] = Scenario(path.stem, profile.name, _comment_header(text), profile)
    return found, tuple(problems)


def _comment_header(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(lines)


# A note longer than this shows its first sentence, the rest on request.
NOTE_SHOWN = 300
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def example_note(note: str) -> tuple[str, str]:
    """A worked example's note as the page shows it: whole where it is short; else its first
    sentence and the rest ("" where there is no sentence to break after)."""
    if len(note) <= NOTE_SHOWN:
        return note, ""
    parts = _SENTENCE_END.split(note, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (note, "")
