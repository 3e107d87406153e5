"""The third board read's cosmetic items (/work/scratch/reports/board-read-3.md, re-check
table): a Sonnet speed cited under a label that named Sonnet on a page about Opus (M18), an
"&" written "&amp;" in the raw Markdown (K10), a what-if value printed as a float ("3600.0")
where the workload file says 3600 (K3), and the parts of a difference in a finer step than
the difference they explain ("$66 a month more ... its build adds $55.56") (K1)."""

from __future__ import annotations

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import assess, load_profile, load_rules, render_adr
from advisor.records.reading import rendered
from advisor.views.markdown import cell, inline

from .conftest import EXAMPLES

RULES = load_rules()
PRICE_DATE = datetime.date(2026, 11, 27)  # the board read's date
DATE = datetime.date(2026, 11, 27)


def record(example: str, template: str = "madr") -> str:
    a = assess(load_profile(EXAMPLES / f"{example}.yaml"), RULES, price_date=PRICE_DATE)
    return render_adr(a, template=template, date=DATE)


# -- K10: "&" is text; only what could start a character reference is escaped ----------------


def test_an_ampersand_before_a_space_is_written_as_itself():
    assert str(inline("DeepSeek API: Models & Pricing")) == "DeepSeek API: Models & Pricing"
    assert str(cell("a & b | c")) == r"a & b \| c"
    for raw in ("deepseek-catalogue-enrichment",):
        for template in ("madr", "nygard"):
            text = record(raw, template)
            assert "DeepSeek API: Models & Pricing" in text
            assert "&amp;" not in text


def test_what_could_read_as_a_character_reference_is_still_escaped():
    # "&amp;", "&#38;", "&copy;" and a name such as "Q&A" or "AT&T": each shown as typed.
    for text in ("&amp;", "&#38;", "&#x26;", "&copy;", "Q&A", "AT&T;", "x &", "&"):
        assert rendered(str(inline(text))) == text, text
    assert str(inline("Q&A")) == "Q&amp;A" and str(inline("&#38;")) == "&amp;#38;"
    # An "&" at the end of one value is escaped: what a template writes after it is unknown.
    assert rendered(str(inline("a &")) + str(inline("amp;"))) == "a &amp;"


_ENTITYISH = st.text(st.sampled_from(list("&#;xX0123456789abcdefampquotAZ \\`*_[]<>|")), max_size=30)


@settings(max_examples=300, deadline=None)
@given(_ENTITYISH)
def test_text_with_ampersands_renders_as_itself(text):
    expected = " ".join(text.split())
    assert rendered(str(inline(text))) == expected
