"""The third board read's cosmetic items (/work/scratch/reports/board-read-3.md, re-check
table): a Sonnet speed cited under a label that named Sonnet on a page about Opus (M18), an
"&" written "&amp;" in the raw Markdown (K10), a what-if value printed as a float ("3600.0")
where the workload file says 3600 (K3), and the parts of a difference in a finer step than
the difference they explain ("$66 a month more ... its build adds $55.56") (K1)."""

from __future__ import annotations

import datetime
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor import assess, load_profile, load_rules, render_adr
from advisor.records.reading import rendered
from advisor.views.formatting import setting, why_extra_cost
from advisor.views.markdown import cell, inline
from advisor.views.text import render_text

from .conftest import EXAMPLES, RETIRING, run_cli

RULES = load_rules()
PRICE_DATE = datetime.date(2026, 11, 27)  # the board read's date
DATE = datetime.date(2026, 11, 27)


def record(example: str, template: str = "madr") -> str:
    a = assess(load_profile(EXAMPLES / f"{example}.yaml"), RULES, price_date=PRICE_DATE)
    return render_adr(a, template=template, date=DATE)


# -- M18: the Sonnet 4.5 speed's source says what the page is -------------------------------


def test_the_sonnet_speed_cites_the_opus_page_as_the_page_it_is():
    """The page at .../claude-opus-4-5/speed-analysis is the Opus 4.5 speed analysis; it gives
    Sonnet 4.5's Artificial Analysis figures beside Opus's (63 tokens/s, 1.80 s): the label
    names the page and the figures taken from it, not a "Claude Sonnet 4.5 speed" page."""
    source = RULES.catalogue.data.sources["aa_sonnet_4_5_via_lattice"]
    assert source.url == "https://lattice.uptownhr.com/claude-opus-4-5/speed-analysis"
    assert source.title.startswith("Claude Opus 4.5 speed analysis, lattice.uptownhr.com")
    assert "Claude Sonnet 4.5 figures" in source.title
    speed = RULES.catalogue.data.providers["anthropic"].models["claude-sonnet-4-5"].speed
    assert speed is not None and (speed.ttft_s, speed.output_tokens_per_s) == (1.80, 63)
    # The drug interaction check as it shipped on claude-sonnet-4-5 (the example moved to 4-6).
    a = assess(load_profile(RETIRING / "claims-triage-compliance.yaml"), RULES, price_date=PRICE_DATE)
    text = render_adr(a, date=DATE)
    assert "(Claude Opus 4.5 speed analysis, lattice.uptownhr.com — its Claude Sonnet 4.5 figures, from" in text
    assert "Claude Sonnet 4.5 speed, lattice" not in text


def test_the_tier_transcription_names_the_page_it_copies():
    """"OpenAI usage tiers ..., as transcribed by API Commons, copied 2026-05-22: <OpenAI's URL>"
    did not say which page of OpenAI's the address is; the title now names it."""
    text = record("chatbot")
    assert (
        "(OpenAI: Rate limits — usage tiers and their qualifications, as transcribed by API Commons,"
        " copied 2026-05-22: <https://platform.openai.com/docs/guides/rate-limits>)"
    ) in " ".join(text.split())


# -- K10: "&" is text; only what could start a character reference is escaped ----------------


def test_an_ampersand_before_a_space_is_written_as_itself():
    assert str(inline("DeepSeek API: Models & Pricing")) == "DeepSeek API: Models & Pricing"
    assert str(cell("a & b | c")) == r"a & b \| c"
    for raw in ("deepseek-catalogue-enrichment",):
        for template in ("madr", "nygard"):
            text = record(raw, template)
            assert "DeepSeek API: Models & Pricing" in text
            assert "&amp;" not in text


def test_only_what_could_read_as_a_character_reference_is_escaped():
    assert str(inline("R & D, Q & A")) == "R & D, Q & A"
    # "&amp;", "&#38;", "&copy;" and a name such as "Q&A" or "AT&T": each shown as typed.
    for text in ("&amp;", "&#38;", "&#x26;", "&copy;", "Q&A", "AT&T;", "x &", "&"):
        assert rendered(str(inline(text))) == text, text
    assert str(inline("Q&A")) == "Q&amp;A" and str(inline("&#38;")) == "&amp;#38;"
    # An "&" at the end of one value is escaped: what a template writes after it is unknown.
    assert rendered(str(inline("a &")) + str(inline("amp;"))) == "a &amp;"


_ENTITYISH = st.text(st.sampled_from(list("&#;xX0123456789abcdefampquotAZ \\`*_[]<>|")), max_size=30)


@settings(max_examples=300, deadline=None)
@given(_ENTITYISH)
def test_text_with_ampersands_renders_as_itself_escaped_only_where_it_must_be(text):
    written = str(inline(text))
    assert rendered(written) == " ".join(text.split())
    # Every "&amp;" written stands before what could continue a character reference.
    assert not re.search(r"&amp;(?![A-Za-z0-9#]|$)", written), written


# -- K3: a what-if value as the workload file writes it ---------------------------------------


def test_a_setting_reads_as_written_in_the_workload_file():
    assert setting(3600.0, "latency_budget_s") == "3600 (1 h)"
    assert setting(28800.0, "tool_latency_s") == "28800 (8 h)"
    assert setting(1380.0, "latency_budget_s") == "1380 (23 min)"
    assert setting(5.0, "model_p95_s") == "5" and setting(18.5, "latency_budget_s") == "18.5"
    assert setting(175000.0, "output_tokens") == "175000" and setting(990, "requests_per_month") == "990"
    assert setting("submit_and_notify", "interaction") == "submit_and_notify"


def test_the_record_the_text_and_the_json_say_the_budget_flip_alike():
    a = assess(load_profile(EXAMPLES / "nightly-ticket-triage.yaml"), RULES, price_date=PRICE_DATE)
    for template in ("madr", "nygard"):
        text = render_adr(a, template=template, date=DATE)
        assert "- `latency_budget_s` = 3600 (1 h), instead of 28,800 (8 h): an asynchronous job." in text
        assert "3600.0" not in text
    summary = render_text(a)
    assert "  latency_budget_s = 3600 (1 h), instead of 28,800 (8 h) -> async:" in summary
    assert "  tool_latency_s = 28800 (8 h), instead of 0 -> batch (not feasible):" in summary
    # The JSON keeps its numbers as they are.
    (flip,) = [c for c in a.model_dump(mode="json")["what_would_change"] if c["fact"] == "latency_budget_s"]
    assert flip["value"] == 3600.0 and json.dumps(flip["value"]) == "3600.0"


def test_recommend_prints_the_value_as_written(capsys):
    code_, out, err = run_cli(
        capsys, "recommend", EXAMPLES / "nightly-ticket-triage.yaml", "--price-date", PRICE_DATE.isoformat()
    )
    assert code_ == 0, err
    assert re.search(r"^  latency_budget_s = 3600 \(1 h\), instead of 28,800 \(8 h\) -> async", out, re.MULTILINE)


# -- K1: the parts of a difference in the difference's step -----------------------------------


def test_the_parts_of_a_difference_are_said_in_its_step():
    """0001: "costs $66 a month more ... its build adds $55.56 a month ... and its infrastructure
    $10.00": the $66 is in the step of the two monthly costs ($3,777 and $3,711); so are the
    parts that explain it."""
    text = " ".join(record("chatbot").split())
    assert (
        "Streaming response costs $66 a month more than Synchronous call, which misses its contract: its token bill"
        " is the same ($3,600), but its build adds $56 a month (amortised over 36 months) and its"
        " infrastructure $10."
    ) in text
    assert "$55.56" not in text


def test_why_a_move_costs_more_is_said_in_the_step_of_its_costs():
    words = why_extra_cost(build_usd=222.22, months=36, infra_change_usd=20.0, tokens_change_usd=-17.55, like=260.0)
    assert words == (
        "its build adds $222 a month (amortised over 36 months; today's is paid) and its infrastructure $20,"
        " while its tokens save $18"
    )
    # Never "$0" for a part that is not nothing.
    assert "its infrastructure $0.4000" in why_extra_cost(
        build_usd=0.0, months=36, infra_change_usd=0.4, tokens_change_usd=0.0, like=3000.0
    )
