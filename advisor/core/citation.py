"""Citations: the documents a source names, by id, and what a reader needs to show each one.

A ``source`` is text (``004_5230b8ac56ced4ba.txt § The five axes, 3``, or a catalogue page
cited as "title, read date: url"). Beside it, ``source_ids`` lists the documents it cites,
and the assessment's ``sources`` map gives each one's title, address, date and kind, once
per assessment however often it is cited. Ids are the keys the rule set and the catalogue
use: a rule set's documents (its header's ``sources``: file keys such as
``003_a5044114f5d4f089.txt``, ``catalogue.yaml``, ``advisor-default``) and the catalogue's
``sources``.
"""

import re
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict

from .catalogue import Catalogue

# The shipped rule set's document the advisor's own figures cite (the order of each mode's
# build effort, the retry back-off), whatever rule set decides. Its id names that document in
# every rule set: a rule set may list it under its shipped title, not give the id to another.
INTEGRATION_PATTERNS = "003_a5044114f5d4f089.txt"
# When to Skip Real-Time LLM Inference: what most batches take where the provider says nothing.
SKIP_REAL_TIME = "002_a8123194d0372aa9.txt"
ADVISOR_CITED_DOCUMENTS = (SKIP_REAL_TIME, INTEGRATION_PATTERNS)


def short_title(title: str) -> str:
    """A title without its subtitle: "AI API Integration Patterns: Direct Call vs ..." becomes
    "AI API Integration Patterns"."""
    head, sep, _ = title.partition(": ")
    return head if sep and len(head) >= 12 else title


class SourceInfo(BaseModel):
    """One document as a reader finds it. A rule set's documents have a title only; the
    catalogue's have their address (None: none public), the date they were read, copied or
    measured (``as_of``) and how (``kind``: page, transcription, read, measured, seed)."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    title: str
    url: str | None
    as_of: str | None
    kind: str | None


def document_ids(text: str, documents: Iterable[str]) -> tuple[str, ...]:
    """The rule-set documents ``text`` names, in the order it names them."""
    found = []
    for key in documents:
        match = re.search(rf"(?<![\w.-]){re.escape(key)}(?![\w-]|\.\w)", text)
        if match is not None:
            found.append((match.start(), key))
    return tuple(key for _, key in sorted(found))


def source_map(
    ids: Iterable[str], documents: Mapping[str, str], catalogue: Catalogue
) -> dict[str, SourceInfo]:
    """Each id cited, once, with what a reader needs: the rule set's documents first, in the
    order the rule set lists them, then the catalogue's, in the catalogue's order."""
    wanted = set(ids)
    known = catalogue.data.sources
    found: dict[str, SourceInfo] = {}
    for key, title in documents.items():
        if key in wanted:
            found[key] = SourceInfo(title=title, url=None, as_of=None, kind=None)
    for key, source in known.items():
        if key in wanted and key not in found:
            found[key] = SourceInfo(title=source.title, url=source.url, as_of=str(source.as_of), kind=source.kind)
    return found
