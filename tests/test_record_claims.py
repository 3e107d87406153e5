"""What a record claims, as a review board reads it: a claim about how long batches take
carries its source, a monthly average is not printed as a peak, and a chosen option's saving
is among its good consequences."""

from __future__ import annotations

import datetime
import json
import re

import pytest
import yaml

from advisor import assess, load_profile, parse_profile, render_adr
from advisor.views.text import render_text

from .conftest import EXAMPLES

PRICE_DATE = datetime.date(2026, 11, 1)
DATE = "2026-11-23"


def _assess(name: str, **changes: object):
    data = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    return assess(parse_profile(data), price_date=PRICE_DATE)


def _flat(text: str) -> str:
    return " ".join(text.split())


# -- M10: "most batches complete well under an hour" carries its source -------------------

SEED_LINE = (
    "Typical batch completion: most batches complete well under an hour, a general statement across providers:"
    " OpenAI publishes no typical completion time in the provider catalogue, and guarantees only its window of 24 h"
    " (When to Skip Real-Time LLM Inference § Where the Break-Even Actually Is)."
)


@pytest.mark.parametrize("template", ["madr", "nygard"])
@pytest.mark.parametrize("example", ["nightly-content-audit", "nightly-ticket-triage"])
def test_the_well_under_an_hour_claim_is_an_assumption_citing_the_seed_by_title(example, template):
    a = assess(load_profile(EXAMPLES / f"{example}.yaml"), price_date=PRICE_DATE)
    record = _flat(render_adr(a, template=template, date=DATE))
    assert "most batches well under an hour" in record  # the option leans on it ...
    assert SEED_LINE in record  # ... and the assumptions say where it comes from
    assert "002_a8123194d0372aa9.txt" not in record
    summary = _flat(render_text(a))
    assert ("typical batch completion: most batches complete well under an hour, a general statement across"
            " providers") in summary
    assert "[When to Skip Real-Time LLM Inference § Where the Break-Even Actually Is]" in summary
    dumped = json.loads(a.model_dump_json())
    (typical,) = [x for x in dumped["assumptions"] if x["name"] == "typical batch completion"]
    assert typical["source_ids"] == ["002_a8123194d0372aa9.txt"]
    assert dumped["sources"]["002_a8123194d0372aa9.txt"]["title"].startswith("When to Skip Real-Time LLM Inference")


def test_a_provider_with_its_own_figure_is_worded_and_cited_by_it():
    """Anthropic publishes "most batches finish in less than 1 hour": the record says that
    figure and cites Anthropic's page, not the seed's general statement."""
    a = _assess("nightly-content-audit", provider="anthropic", model="claude-sonnet-4-5")
    record = _flat(render_adr(a, date=DATE))
    assert "results guaranteed within 24 h, most batches in under 1 h, at risk against the budget of 8 h" in record
    assert ("Bad, because most batches finish in under 1 h, but the provider guarantees results only within its"
            " window of 24 h") in record
    assert ("Typical batch completion: most batches finish in under 1 h (Anthropic's own figure); only its window of"
            " 24 h is guaranteed (Claude Platform: Batch processing — 50%, 24 hours, most batches within an hour")\
        in record
    assert "well under an hour" not in record.split("### Rules that fired")[0]
    assert "When to Skip Real-Time LLM Inference § Where the Break-Even Actually Is)." not in record
    assert a.recommendation == "batch" and a.feasible  # its 1 h is the general hour: no verdict changes


def test_no_typical_batch_assumption_where_nothing_leans_on_it():
    """A budget the batch window fits, or one shorter than an hour: the words do not say what
    most batches take, and neither do the assumptions."""
    for changes in ({"latency_budget_s": 86400}, {"latency_budget_s": 1800}):
        a = _assess("nightly-content-audit", **changes)
        assert "typical batch completion" not in [x.name for x in a.assumptions]
        assert "well under an hour" not in _flat(render_adr(a, date=DATE)).split("## Decision Outcome")[0]
    chat = assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=PRICE_DATE)
    assert "typical batch completion" not in [x.name for x in chat.assumptions]


@pytest.mark.parametrize("changes", [{}, {"provider": "anthropic", "model": "claude-sonnet-4-5"}])
def test_a_budget_lever_into_batch_leans_on_no_unsourced_typical_time(capsys, tmp_path, changes):
    """Half an hour's budget leans on nothing, so the assessment has no "typical batch
    completion" assumption; its budget lever, to just over an hour, landed batch at risk on
    "most batches complete well under an hour". The lever is at the provider's window of 24 h,
    which leans on nothing either; in the text and the JSON alike."""
    from .conftest import run_cli

    a = _assess("nightly-content-audit", latency_budget_s=1800, **changes)
    assert "typical batch completion" not in [x.name for x in a.assumptions]
    (lever,) = [lv for lv in a.levers if set(lv.changes) == {"latency_budget_s"}]
    assert lever.changes == {"latency_budget_s": 86_400.0} and lever.recommendation == "batch"
    claim = "With a budget of 24 h: the recommendation becomes batch, which meets its contract; results come within"
    assert lever.because.startswith(claim) and "most batches" not in lever.because
    assert _flat(lever.because) in _flat(render_text(a))
    # The JSON's levers, as `advisor recommend FILE --format json` writes them.
    data = yaml.safe_load((EXAMPLES / "nightly-content-audit.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "w.yaml"
    path.write_text(yaml.safe_dump({**data, "latency_budget_s": 1800, **changes}), encoding="utf-8")
    code, out, _ = run_cli(capsys, "recommend", str(path), "--format", "json", "--price-date", "2026-11-01")
    assert code == 0 and any(lv["because"].startswith(claim) for lv in json.loads(out)["levers"])


def test_a_lever_leaves_the_source_to_the_assumption_where_the_workload_leans_on_it_too():
    """Eight hours' budget leans on what most batches take: the record's assumptions say
    where it comes from, and a lever that says it again does not repeat the source."""
    a = assess(load_profile(EXAMPLES / "nightly-ticket-triage.yaml"), price_date=PRICE_DATE)
    assert "typical batch completion" in [x.name for x in a.assumptions]
    (lever,) = [lv for lv in a.levers if "most batches" in lv.because]
    assert "most batches complete well under an hour, but the provider guarantees" in lever.because


def test_a_lever_names_the_general_statements_document_whatever_rule_set_decides():
    """A rule set that lists none of the shipped documents still has the advisor's own figures
    cite them: the lever takes the title from the shipped rule set."""
    import dataclasses

    from advisor.core.citation import SKIP_REAL_TIME
    from advisor.core.rules import advisor_document_title, load_rules

    shipped = load_rules()
    assert advisor_document_title(shipped, SKIP_REAL_TIME).startswith("When to Skip Real-Time LLM Inference: ")
    header = shipped.header.model_copy(update={"sources": {"own.txt": "Our own policy"}})
    bare = dataclasses.replace(shipped, header=header)
    assert advisor_document_title(bare, SKIP_REAL_TIME) == advisor_document_title(shipped, SKIP_REAL_TIME)


# -- M16: a monthly average is not printed as a peak ----------------------------------------


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_with_no_peak_given_the_record_says_the_monthly_average_not_a_peak(template):
    a = assess(load_profile(EXAMPLES / "nightly-ticket-triage.yaml"), price_date=PRICE_DATE)
    assert a.workload.peak_requests_per_minute is None and not a.capacity.peak_given
    record = _flat(render_adr(a, template=template, date=DATE))
    assert ("50% less at batch prices; at the monthly average of 6.9 requests/min (no peak given) with 99% rate-limit"
            " headroom.") in record
    # A batch is not told to watch the real-time limits (board read 3, N11); an async job is, at the average.
    claims = _flat(render_adr(assess(load_profile(EXAMPLES / "claims-triage-compliance.yaml"), price_date=PRICE_DATE),
                              template=template, date=DATE))
    assert ("peak use was estimated at 3.7 calls of 1,000 requests/min (the limit counts each API call), 14,815 of"
            " 2,000,000 input tokens/min, 1,481 of 400,000 output tokens/min at the monthly average, as no peak was"
            " given (headroom: 99%)") in claims
    assert "- At the monthly average (no peak given): 6.9 of 500 requests/min, 5,000 of 500,000 tokens/min;" \
        " 99% headroom" in record
    assert "peak 6.9 requests/min" not in record and "At peak" not in record
    # The figures themselves do not change.
    assert a.capacity.peak_rpm == pytest.approx(300_000 / (30 * 24 * 60), rel=0.01)


def test_with_no_peak_given_the_text_summary_heads_its_capacity_lines_with_the_average():
    a = assess(load_profile(EXAMPLES / "nightly-ticket-triage.yaml"), price_date=PRICE_DATE)
    summary = render_text(a)
    assert "Capacity at the monthly average (no peak given)\n  real-time limits (batch runs under its own): 6.9 of 500 requests/min" in summary
    assert "Capacity at peak" not in summary


def test_with_no_peak_given_no_capacity_line_of_the_text_summary_says_peak():
    """F9 (review 5): under "Capacity at the monthly average (no peak given)" the backlog
    and the async workers were still "at peak"; the words follow the heading."""
    a = assess(load_profile(EXAMPLES / "nightly-ticket-triage.yaml"), price_date=PRICE_DATE)
    block = render_text(a).split("Capacity at the monthly average (no peak given)\n", 1)[1].split("\n\n", 1)[0]
    assert "at peak" not in block
    assert "  real-time backlog at the monthly average: none (the rate limits hold it)" in block
    assert "async workers busy at the monthly average (Little's law on the mean request time)" in block
    peaked = render_text(_assess("nightly-ticket-triage", peak_requests_per_minute=60))
    assert "backlog at peak: none (the rate limits hold the peak)" in peaked
    assert "async workers busy at peak" in peaked


def test_a_given_peak_is_still_called_a_peak():
    a = _assess("nightly-ticket-triage", peak_requests_per_minute=60)
    assert a.capacity.peak_given
    record = _flat(render_adr(a, date=DATE))
    assert "50% less at batch prices; peak 60 requests/min with" in record
    assert "- At peak: 60 of 500 requests/min" in record and "no peak given" not in record
    assert "Capacity at peak\n" in render_text(a)
    assert json.loads(a.model_dump_json())["capacity"]["peak_given"] is True


@pytest.mark.slow
def test_the_questionnaire_calls_a_monthly_average_no_peak(monkeypatch):
    """The headroom metric and the latency tab's rate-limit heading say "at the monthly
    average (no peak given)" where the workload gives no peak, as the record does."""
    from streamlit.testing.v1 import AppTest

    from .test_app import APP, ROOT, block, ok, open_tab, texts

    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    at.selectbox(key="scenario").set_value("nightly-ticket-triage").run()
    ok(at)
    # A batch's card calls the figure the real-time limits (batch runs under its own); its help
    # says what they are taken at.
    metric = {m.label: m for m in block(at, "verdict").metric}["Real-time rate limits"]
    help_text = re.sub(r"\\(.)", r"\1", metric.proto.help)  # Markdown escapes undone
    assert "At the monthly average (no peak given): 6.9 of 500 requests/min" in help_text
    assert "at peak" not in help_text
    open_tab(at, "Latency & capacity")
    ok(at)
    shown = texts(at)
    # The heading says they are the real-time limits, as the card's figure does (questionnaire pass 5).
    assert "Real-time rate limits at the monthly average (no peak given)" in shown and "limits at peak" not in shown


# -- M19: the chosen option's saving is a good consequence ----------------------------------


def _consequences(record: str) -> list[str]:
    section = record.split("### Consequences\n", 1)[1].split("\n### ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("- ")]


def test_a_batch_record_with_no_mode_today_lists_the_saving_after_its_budget():
    # The chosen option against its budget comes first (here at risk: board read 3, N2), then the saving.
    a = assess(load_profile(EXAMPLES / "nightly-content-audit.yaml"), price_date=PRICE_DATE)
    lines = _consequences(render_adr(a, date=DATE))
    assert lines[0].startswith("- Bad, because most batches complete well under an hour, but the provider guarantees")
    assert lines[1] == (
        "- Good, because it costs $229 a month less than a synchronous call, the cheapest other option that meets its"
        " contract ($602 against $831), with its build amortised over 36 months: its build, $4,000 more than a"
        " synchronous call's, pays back in 12 months."
    )
    assert sum(line.startswith("- Good, because it costs") for line in lines) == 1


@pytest.mark.parametrize(("template", "prefix"), [("madr", "- Good, because "), ("nygard", "- Saving: ")])
def test_a_move_from_today_says_its_saving_rests_on_the_amortised_build(template, prefix):
    """nightly-ticket-triage saves $176.39 a month (said "$176", in the step of $615 and $439)
    against today's sync only with the $4,000 batch's build adds to today's spread over 36
    months: the line says so, and how long that build takes to pay back."""
    a = assess(load_profile(EXAMPLES / "nightly-ticket-triage.yaml"), price_date=PRICE_DATE)
    record = render_adr(a, template=template, date=DATE)
    line = (f"{prefix}it costs $176 a month less than today's synchronous call ($439 against $615), with its build"
            " amortised over 36 months: the $4,000 its build adds to today's pays back in 14 months.")
    assert line in record.splitlines()


def test_no_saving_line_where_the_chosen_option_costs_more_or_is_today_s():
    chat = assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=PRICE_DATE)  # streaming, dearer than sync
    assert not any("Good, because it costs" in line for line in _consequences(render_adr(chat, date=DATE)))
    # Already batch: nothing to save against today's mode; it is set against the cheapest other
    # option that meets its contract, which pays only what its build adds to today's: sync's
    # resilient client is inside the batch pipeline, so sync counts its tokens alone (board read 3, N3).
    kept = _assess("nightly-ticket-triage", current_mode="batch")
    assert kept.recommendation == "batch"
    assert "than today's" not in render_adr(kept, date=DATE)
    assert ("- Good, because it costs $288 a month less than a synchronous call, the cheapest other option that meets"
            " its contract ($328 against $615).") in _consequences(render_adr(kept, date=DATE))


def test_a_saving_with_no_extra_build_says_no_amortisation():
    """monthly-cron-report's sync costs less than async with less to build: its saving does
    not rest on the amortisation, and the line does not mention it."""
    a = assess(load_profile(EXAMPLES / "monthly-cron-report.yaml"), price_date=PRICE_DATE)
    (line,) = [x for x in _consequences(render_adr(a, date=DATE)) if "Good, because it costs" in x]
    assert line == ("- Good, because it costs $272 a month less than an asynchronous job, the cheapest other option"
                    " that meets its contract ($112 against $385).")


# -- F5 (review 5): a batch of many files says how many, and that its queue is not checked --


EMBEDDINGS_BACKFILL = {
    "name": "Embeddings backfill", "interaction": "pipeline", "latency_budget_s": 604800, "input_tokens": 450,
    "output_tokens": 0, "output_format": "embedding", "requests_per_month": 40_000_000, "provider": "openai",
    "model": "text-embedding-3-small", "tier": "tier-3", "downstream": "internal_service",
    "side_effects": "idempotent",
}


def test_a_batch_of_many_files_says_how_many_and_that_its_queue_limit_is_not_checked():
    """40M embeddings were "Feasible" with no word of the 800 batch files they take nor of
    the provider's batch queue limit, which nothing checks (the caveat lived only in
    cost-over-rate-limit's text)."""
    a = assess(parse_profile(EMBEDDINGS_BACKFILL), price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible, a.capacity.batch_submissions_per_month) == ("batch", True, 800)
    queue = next(x for x in a.assumptions if x.name == "batch queue")
    assert queue.value.startswith("not checked: a provider caps what one account tier may have queued in its batches")
    assert "developers.openai.com/api/docs/guides/batch" in queue.source
    text = render_text(a)
    assert ("batch: at least 800 batches a month (50,000 requests or 200 MB each); its batch queue limit is not"
            " checked") in _flat(text)
    assert "  - batch queue: not checked" in text
    for template in ("madr", "nygard"):
        record = _flat(render_adr(a, template=template, date=DATE))
        assert ("within the budget of 7 days; at least 800 batches a month (50,000 requests or 200 MB each), its batch queue"
                " limit not checked; **chosen**.") in record
        assert "Batch queue: not checked: a provider caps" in record


def test_a_chat_says_nothing_of_a_batch_queue_and_one_batch_no_count():
    chat = assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=PRICE_DATE)
    assert chat.recommendation != "batch"
    assert not [x for x in chat.assumptions if x.name == "batch queue"]
    assert "batch queue" not in render_text(chat)
    small = assess(parse_profile({**EMBEDDINGS_BACKFILL, "requests_per_month": 40_000}), price_date=PRICE_DATE)
    assert (small.recommendation, small.capacity.batch_submissions_per_month) == ("batch", 1)
    assert "batches a month" not in render_text(small) and "batches a month" not in render_adr(small, date=DATE)
    assert "  batch: its batch queue limit is not checked (see the assumptions)" in render_text(small)


def test_a_batch_recommendation_says_the_real_time_limits_it_is_over_are_not_its_own():
    """A nightly batch at 20,000 requests a minute read "OVER LIMIT: peak use is 8.8x the limit"
    and "backlog at peak: ... drains 13.2 h" beside "Feasible" (review 5, Y04; the CTO's second
    read, item 2): those are the real-time limits, which a batch does not run under."""
    burst = {**EMBEDDINGS_BACKFILL, "peak_requests_per_minute": 200_000, "peak_minutes": 10}
    a = assess(parse_profile(burst), price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible, a.capacity.over_limit) == ("batch", True, True)
    text = render_text(a)
    assert "\n  real-time limits (batch runs under its own): 200,000 of " in text
    assert "\n  real-time backlog at peak: " in text
    chat = render_text(assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=PRICE_DATE))
    assert "real-time" not in chat.split("Capacity", 1)[1].split("Why", 1)[0]


# -- F3 (review 5): a feasible verdict on a stand-in speed says so, as a missed one does -----


MINI_CHAT = {
    "name": "Help chat", "interaction": "chat", "latency_budget_s": 4.0, "input_tokens": 1500,
    "output_tokens": 300, "requests_per_month": 300_000, "provider": "openai", "model": "gpt-5.4-mini",
    "downstream": "own_ui",
}


def test_a_feasible_verdict_on_a_stand_in_speed_says_so_under_the_verdict():
    a = assess(parse_profile(MINI_CHAT), price_date=PRICE_DATE)
    assert (a.recommendation, a.feasible, a.latency.stand_ins) == ("streaming", True, ("gpt-5.4-mini",))
    said = ("gpt-5.4-mini has no measured speed, so it is timed at a stand-in (see the assumptions): measure the"
            " call and give its p95 as model_p95_s (ttft_s for the first token) before acting on this verdict.")
    text = " ".join(render_text(a).split())
    assert f"Feasible on an assumed speed: streaming meets its contract for this workload, but {said}" in text
    assert "Feasible: streaming meets its contract" not in text
    for template in ("madr", "nygard"):
        record = _flat(render_adr(a, template=template, date=DATE))
        assert f"this is what streaming was built for. **Feasible on an assumed speed:** {said}" in record
    # A measured model's verdict says nothing of a stand-in.
    measured = assess(parse_profile({**MINI_CHAT, "model": "gpt-4.1-mini"}), price_date=PRICE_DATE)
    assert measured.feasible and not measured.latency.stand_ins
    assert "assumed speed" not in render_text(measured) and "assumed speed" not in render_adr(measured, date=DATE)


def test_a_build_that_pays_back_in_a_month_says_one_month():
    """The CTO's second read: "its $8,000 build pays back in 1 months"."""
    a = _assess("nightly-ticket-triage", requests_per_month=10_000_000)
    assert (a.workload.current_mode, a.recommendation) == ("sync", "batch")
    record = render_adr(a, date=DATE)
    assert "pays back in 1 month." in record and "1 months" not in record


def test_a_batch_count_is_said_as_the_least_the_month_takes():
    """Board read 3, N1: the nightly triage's "6 batches a month (50,000 requests or 200 MB
    each)" is the month packed to the caps, where the description says it runs every night.
    The workload states no schedule, so the count is said as the least it is, and under 30 (one
    a night) that a schedule that runs more often takes more: in the record, the text and the card."""
    a = assess(load_profile(EXAMPLES / "nightly-ticket-triage.yaml"), price_date=PRICE_DATE)
    said = ("at least 6 batches a month (50,000 requests or 200 MB each; more if it runs more often, e.g. one a"
            " night)")
    for template in ("madr", "nygard"):
        assert f"at risk against the budget of 8 h; {said}, its batch queue limit not checked" in _flat(
            render_adr(a, template=template, date=DATE))
    assert f"batch: {said}; its batch queue limit is not checked" in _flat(render_text(a))
    assert "; 6 batches a month" not in _flat(render_adr(a, date=DATE))


def test_a_request_of_several_calls_is_set_against_a_requests_limit_as_calls():
    """Board read 3, N13: the clinical check makes 1.9 requests/min x 2 calls, and the record
    said "3.7 of 1,000 requests/min": a provider's requests per minute count API calls, so the
    3.7 are calls, and the record, the confirmation and the text say so alike."""
    a = assess(load_profile(EXAMPLES / "claims-triage-compliance.yaml"), price_date=PRICE_DATE)
    said = "3.7 calls of 1,000 requests/min (the limit counts each API call)"
    for template in ("madr", "nygard"):
        record = _flat(render_adr(a, template=template, date=DATE))
        assert f"3.7 calls/min): {said}," in record
        assert f"peak use was estimated at {said}," in record
        assert "3.7 of 1,000" not in record
    assert said in _flat(render_text(a))
    # One call a request: its requests are its calls, said as before.
    one = assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=PRICE_DATE)
    assert "calls of" not in render_text(one) and "each API call" not in render_adr(one, date=DATE)


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_batch_is_not_told_to_watch_429s_against_the_real_time_limits(template):
    """Board read 3, N11: the nightly triage's batch was told "429 (rate limit) responses stay
    near zero: peak use was estimated at 6.9 of 500 requests/min", limits its batches do not run
    under. It is told what its over-limit and unknown-limit variants already said, and of the
    batch queue limit, which nothing checks."""
    a = assess(load_profile(EXAMPLES / "nightly-ticket-triage.yaml"), price_date=PRICE_DATE)
    assert a.recommendation == "batch" and a.capacity.limits_known and not a.capacity.over_limit
    record = _flat(render_adr(a, template=template, date=DATE))
    watch = record.split("Confirmation")[1] if template == "madr" else record.split("watch these in production")[1]
    watch = watch.split("Pros and Cons")[0].split("Cost per month")[0]
    assert ("- The Batch API runs under limits of its own, not the real-time per-minute limits: watch for batches the"
            " provider rejects or lets expire, not for 429 responses, and keep what is queued within the account's"
            " batch queue limit (tokens enqueued at once), which advisor does not check.") in watch
    assert "stay near zero" not in watch and "requests/min" not in watch
