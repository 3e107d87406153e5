"""Sources by their titles: what a person reads never shows a document's file key
(``003_a5044114f5d4f089.txt``) or "seed 003", which no reader can resolve.

A rule set's ``sources`` map gives each document's title; rules, assumptions and catalogue
facts keep the file key internally, and every view cites through here. The shipped rule
set's titles are always known, since the catalogue's facts cite its documents whatever rule
set decides.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from advisor.core.citation import short_title as short_title
from advisor.core.resources import shipped_dir
from advisor.core.rules import load_rules

# A document key of the shipped sources, or "seed 003" / "Seed 003's" in a sentence.
_SEED = re.compile(r"\b[Ss]eeds? (\d{3})\b")


@functools.lru_cache(maxsize=1)
def shipped_sources() -> dict[str, str]:
    return dict(load_rules(shipped_dir("rules")).header.sources)


def _documents(sources: Mapping[str, str] | None) -> dict[str, str]:
    return {**shipped_sources(), **(sources or {})}


def cite(text: str, sources: Mapping[str, str] | None = None, *, short: bool = True) -> str:
    """``text`` with every document key and "seed NNN" replaced by the document's title."""
    if not text:
        return text
    documents = _documents(sources)
    title = short_title if short else (lambda t: t)
    for key in sorted(documents, key=len, reverse=True):
        if key in text:
            text = text.replace(key, title(documents[key]))
    by_number = {key[:3]: value for key, value in documents.items() if re.match(r"\d{3}_", key)}

    def seed(match: re.Match[str]) -> str:
        found = by_number.get(match.group(1))
        return title(found) if found else match.group(0)

    return _SEED.sub(seed, text)


def cited_titles(texts: list[str], sources: Mapping[str, str] | None = None) -> list[str]:
    """The full titles of the documents ``texts`` cite, in the order the rule set lists them."""
    documents = _documents(sources)
    joined = " ".join(texts)
    numbers = set(_SEED.findall(joined))
    return [title for key, title in documents.items() if key in joined or key[:3] in numbers]
