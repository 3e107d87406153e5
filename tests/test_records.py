"""Decision records: what `advisor adr` writes, what real ADR tools make of it, `advisor verify`.

Golden files: tests/golden/<example>.<template>.md, written by `advisor adr` with a fixed
--price-date and --date. Regenerate them with ADVISOR_UPDATE_GOLDEN=1 after a deliberate
change to the templates, the rule set or the price data.
"""

from __future__ import annotations

import datetime
import errno
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor import (
    assess,
    load_profile,
    parse_profile,
    render_adr,
    write_adr,
)
from advisor.core.clock import today
from advisor.core.errors import InputError
from advisor.core.terminal import controls_escaped
from advisor.records import folder
from advisor.records.folder import RecordLink
from advisor.records.inputs import find_inputs, read_inputs
from advisor.records.workload import recorded_path
from advisor.views.adr import nice_ceiling
from advisor.views.markdown import SLUG_MAX, cell, code, inline, slug
from advisor.views.text import render_text

from .conftest import EXAMPLES, RETIRING, run_cli
from .strategies import profile_dicts

GOLDEN = Path(__file__).resolve().parent / "golden"
PRICE_DATE = "2026-11-01"
DATE = "2026-11-23"
FIXED = ["--price-date", PRICE_DATE, "--date", DATE]
GOLDEN_CASES = [("chatbot", "madr"), ("chatbot", "nygard"),
                ("nightly-ticket-triage", "madr"), ("nightly-ticket-triage", "nygard")]
MADR_LINT = ["--enable-extensions", "front-matter", "-d", "md013,md024"]

HOSTILE = {
    "name": "{{ 7*7 }} <script>alert(1)</script> a|b ../../etc/passwd",
    "description": "{% if true %}rendered{% endif %}\n\n# Injected heading\n[click](javascript:alert(1)) | x",
    "interaction": "chat",
    "latency_budget_s": 3,
    "input_tokens": 800,
    "output_tokens": 200,
    "requests_per_month": 20000,
    "model": "gpt-4o-mini",
}




def write_record(capsys, example: str, folder: Path, *extra: str) -> Path:
    code_, out, err = run_cli(capsys, "adr", EXAMPLES / f"{example}.yaml", "--dir", folder, *FIXED, *extra)
    assert code_ == 0, err
    path = Path(out.strip())
    assert path.parent == folder and path.is_file()
    return path


def write_workload(tmp_path: Path, data: dict, name: str = "workload.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def fixed_assessment(data: dict | str):
    profile = load_profile(data) if isinstance(data, (str, Path)) else parse_profile(data)
    return assess(profile, price_date=datetime.date.fromisoformat(PRICE_DATE))


# -- a real CommonMark/GFM renderer, to check what a reader sees ------------------------

_RENDERER = None


def to_html(markdown_text: str) -> str:
    """Render with pymarkdown's own GFM parser (the linter's dependency)."""
    global _RENDERER
    if _RENDERER is None:
        from application_properties import ApplicationProperties
        from pymarkdown.extension_manager.extension_manager import ExtensionManager
        from pymarkdown.general.tokenized_markdown import TokenizedMarkdown

        props = ApplicationProperties()
        extensions = ExtensionManager(None)
        extensions.initialize(props)
        extensions.apply_configuration("front-matter,markdown-tables,markdown-strikethrough")
        tokenizer = TokenizedMarkdown()
        tokenizer.apply_configuration(props, extensions)
        _RENDERER = tokenizer
    from pymarkdown.transform_gfm.transform_to_gfm import TransformToGfm

    return TransformToGfm().transform(_RENDERER.transform(markdown_text))


def visible_text(fragment: str) -> str:
    """The text a reader sees in an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]*>", "", fragment))


def pymarkdown_scan(path: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pymarkdown", *options, "scan", str(path)],
        capture_output=True, text=True, check=False,
    )


# -- golden files and determinism ---------------------------------------------------------


def repository(tmp_path: Path, *examples: str) -> Path:
    """A repository of one's own: the examples as workload files, and an empty decisions folder
    beside them (a record names its workload file from there: ../../examples/NAME.yaml)."""
    (tmp_path / "examples").mkdir(parents=True)
    for example in examples:
        shutil.copyfile(EXAMPLES / f"{example}.yaml", tmp_path / "examples" / f"{example}.yaml")
    (tmp_path / "docs" / "decisions").mkdir(parents=True)
    return tmp_path


def write_record_in(capsys, repo: Path, example: str, *extra: str) -> Path:
    """``advisor adr examples/EXAMPLE.yaml`` in ``repo``, into its docs/decisions."""
    folder = repo / "docs" / "decisions"
    code_, out, err = run_cli(capsys, "adr", repo / "examples" / f"{example}.yaml", "--dir", folder, *FIXED, *extra)
    assert code_ == 0, err
    path = Path(out.strip())
    assert path.parent == folder and path.is_file()
    return path


@pytest.mark.parametrize("example, template", GOLDEN_CASES)
def test_golden_files(tmp_path, capsys, example, template):
    # Written from a repository's examples/ into its docs/decisions/: the path the record names
    # is the same wherever the test runs.
    path = write_record_in(capsys, repository(tmp_path, example), example, "--template", template)
    golden = GOLDEN / f"{example}.{template}.md"
    if os.environ.get("ADVISOR_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(path.read_bytes())
    assert golden.is_file(), f"missing {golden}; run with ADVISOR_UPDATE_GOLDEN=1 to create it"
    assert path.read_bytes() == golden.read_bytes(), (
        f"{golden.name} differs from what 'advisor adr' writes now; if the change is deliberate, "
        "regenerate with ADVISOR_UPDATE_GOLDEN=1"
    )


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_same_inputs_give_byte_identical_records(tmp_path, capsys, template):
    first = write_record(capsys, "chatbot", tmp_path / "a", "--template", template)
    second = write_record(capsys, "chatbot", tmp_path / "b", "--template", template)
    assert first.name == second.name
    assert first.read_bytes() == second.read_bytes()


def test_date_defaults_to_today_utc():
    text = render_adr(fixed_assessment(EXAMPLES / "chatbot.yaml"))
    assert f"\ndate: {today().isoformat()}\n" in text


# -- MADR 4 ---------------------------------------------------------------------------------


def test_madr_has_front_matter_and_every_section_in_order():
    text = render_adr(fixed_assessment(EXAMPLES / "nightly-ticket-triage.yaml"), status="accepted", date=DATE)
    front = re.match(r"\A---\n(.*?)\n---\n", text, re.DOTALL)
    assert front, "MADR starts with YAML front matter"
    meta = yaml.safe_load(front.group(1))
    assert meta == {"status": "accepted", "date": datetime.date(2026, 11, 23),
                    "decision-makers": [], "consulted": [], "informed": []}
    headings = re.findall(r"^(#{1,3}) (.+)$", text, re.MULTILINE)
    h2 = [title for level, title in headings if level == "##"]
    assert h2 == ["Context and Problem Statement", "Decision Drivers", "Considered Options", "Decision Outcome",
                  "Pros and Cons of the Options", "More Information"]
    h3 = [title for level, title in headings if level == "###"]
    assert h3.index("Consequences") < h3.index("Confirmation")
    assert 'Chosen option: "Batch API", because no one is on the other end of a blocking connection' in text
    # Every option is considered, and each has its pros and cons.
    for label, mode in (("Synchronous call", "sync"), ("Streaming response", "streaming"),
                        ("Asynchronous job", "async"), ("Batch API", "batch")):
        assert f"- {label} (`{mode}`): $" in text
        assert re.search(rf"^### {label}( \((chosen|ruled out)\))?$", text, re.MULTILINE)


def body_lines(text: str) -> list[str]:
    """The record without its front matter and its inputs block: what a board reads."""
    body = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
    return body[: body.index("```yaml\n")].rstrip("\n").split("\n")


@pytest.mark.parametrize("template", ["madr", "nygard"])
@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_example_record_reads_in_five_minutes(example, template):
    a = fixed_assessment(example)
    text = render_adr(a, template=template, date=DATE)
    lines = body_lines(text)
    # What the figures rest on is a list to look things up in, one assumption a bullet (the
    # paragraph on prices and a blank line come before it): the argument around it stays short.
    start = next(i for i, line in enumerate(lines) if line.startswith("Prices of ")) + 2
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("- "))
    assert end - start <= len(a.assumptions) + 2  # per request, peak; then each assumption at most once
    # A model being retired adds its risk to the argument: a line the reader needs.
    retiring = sum(x.name == "model shutdown" for x in a.assumptions)
    # The levers under the outcome are the words its paragraph held, one to a bullet: no more to read.
    at = next((i for i, line in enumerate(lines) if "What would make it" in line), None)
    levers = 0 if at is None else next(j for j in range(at + 2, len(lines)) if not lines[j].startswith("- ")) - (at + 1)
    assert len(lines) - (end - start + 1) - levers <= 120 + retiring
    # Detail is said once: no rule's full reason appears twice.
    for rule in a.fired_rules:
        assert text.count(" ".join(rule.because.split())[:80]) <= 1, rule.id


def test_madr_content_a_cto_needs():
    a = fixed_assessment(RETIRING / "nightly-ticket-triage.yaml")  # the figures below are gpt-4o-mini's
    text = render_adr(a, date=DATE)
    # The five axes as decision drivers, highest weight first, with the workload's answers.
    drivers = re.findall(r"^\d+\. \*\*(.+?)\*\* \(weight ([\d.]+)\)", text, re.MULTILINE)
    assert [name for name, _ in drivers] == [x.name for x in sorted(a.axes, key=lambda x: -x.weight)]
    assert "No one waits: the work runs in the background" in text
    # Each option argued from the assessment: its rules, its latency against the budget, its cost, its risk.
    batch = text.split("### Batch API (chosen)")[1].split("\n### ")[0]
    assert "- Good, because hours or overnight is batch (`latency-overnight`)" in batch
    assert ("- Bad, because most batches complete well under an hour, but the provider guarantees results only"
            " within its window of 24 h, longer than the budget of 8 h") in batch
    assert "- Bad, because its monthly cost of $149 is $114 a month more than the cheapest option" in batch
    sync = text.split("### Synchronous call\n")[1].split("\n### ")[0]
    assert "- Good, because it is the cheapest option, at $35.10 a month" in sync
    assert "- Bad, because of its main risk: Timeouts on long generations" in sync
    streaming = text.split("### Streaming response (ruled out)")[1].split("\n## ")[0]
    assert "- Bad, because it is ruled out: streaming only improves perceived latency" in streaming
    assert "(`ux-no-one-watches-the-stream`)" in streaming
    # Cost per option with what the figures rest on; against today. It runs sync today: that
    # build is paid, and a move is a saving or an extra cost, never a negative saving.
    # Each column's figures in the step of its largest (board read 7): cents beside async's $1.02.
    assert "| Synchronous call (today) | $35.10 | $0 | paid | $35.10 | $0.12 | today |" in text
    assert "| Batch API (chosen) | $17.55 | $20.00 | $111 | $149 | $0.50 | extra cost $114 |" in text
    assert "in force on 2026-11-01" in text and a.pricing.data_version in text
    assert "Output speed: 115 tokens/s, median (gpt-4o-mini)" in text
    # Latency against the budget; capacity; risks, checklist, migration, confirmation.
    assert "against a budget of 8 h: within budget" in text
    # No peak given: the figures are the monthly average's, and the record says so (board M16).
    assert "At the monthly average (no peak given): 6.9 of 500 requests/min, 5,000 of 200,000 tokens/min; 98%" \
        " headroom" in text
    assert "risk: results arrive in arbitrary order. Mitigation: Match every result by custom_id" in text
    assert "dead-letter queue for jobs that fail permanently" in text
    # A nightly job has no endpoint to version: its step switches the job's calls (board M15).
    assert "1. Switch the scheduled job's calls to batch submission plus a result collector" in text
    assert "2. Schedule the submissions and alert when a batch nears" in text
    assert "Batch completion time stays well inside the 24-hour window" in text
    assert ("The provider's token bill stays near the estimate of $0.0585 per 1,000 requests ($17.55 a month at"
            " 300,000 requests); the $149 a month the record counts adds $111 of amortised build and $20.00 of"
            " infrastructure, which are not on the provider's bill.") in text
    # Every fired rule with its full reason and its source by title, and the sources listed.
    assert ("- `latency-overnight` (decisive: weighed for Asynchronous job and Batch API): With hours or overnight"
            " it is a background pipeline") in text
    assert "\nSources: LLM Execution Models: pattern overview; When to Skip Real-Time" in text


def test_money_argues_against_options_that_can_be_chosen():
    # The support reply: batch is the cheapest option but ruled out for someone waiting. The
    # chosen sync is the cheapest that meets its contract (as the trade-off sentence compares),
    # not "$190 a month more than the Batch API" it rules out; batch says what accepting it
    # would save against the choice.
    a = fixed_assessment(EXAMPLES / "support-reply-draft.yaml")
    text = render_adr(a, date=DATE)
    sync = text.split("### Synchronous call (chosen)")[1].split("\n### ")[0]
    assert "- Good, because it is the cheapest option that meets its contract, at $864 a month" in sync
    assert "Batch API" not in sync
    streaming = text.split("### Streaming response")[1].split("\n### ")[0]
    assert ("- Bad, because its monthly cost of $930 is $66 a month more than the cheapest option that"
            " meets its contract (Synchronous call)") in streaming
    batch = text.split("### Batch API (ruled out)")[1].split("\n### ")[0]
    assert "- Good, because it would cost $301 a month less than the chosen Synchronous call ($563 against $864)" in batch
    # The chatbot: sync misses its 2.5 s budget. It is no "cheapest option the rules leave open";
    # it is what the choice would save if its miss were accepted.
    text = render_adr(fixed_assessment(EXAMPLES / "chatbot.yaml"), date=DATE)
    sync = text.split("### Synchronous call")[1].split("\n### ")[0]
    assert ("- Good, because it would cost $66 a month less than the chosen Streaming response"
            " ($3,711 against $3,777)") in sync
    assert "cheapest" not in text.split("## Pros and Cons of the Options")[1].split("### Cost per month")[0]


def test_a_ruled_out_option_carries_no_risk_of_its_own():
    """A risk belongs to a mode that can be chosen. The embedding corpus's record argued against
    streaming, ruled out because an embedding has nothing to stream, with streaming's dropped
    connections, and every record did the same for every ruled-out option."""
    text = render_adr(fixed_assessment(EXAMPLES / "rag-corpus-embedding.yaml"), date=DATE)
    streaming = text.split("### Streaming response (ruled out)")[1].split("\n## ")[0]
    assert "`ux-embeddings-do-not-stream`" in streaming
    assert "main risk" not in streaming and "Connection drops mid-stream" not in text
    # An option that can still be chosen keeps its main risk: for an embedding, which has no long
    # generation to time out, the rate limits (board M15).
    sync = text.split("### Synchronous call\n")[1].split("\n### ")[0]
    assert "- Bad, because of its main risk: Rate limits (429) and overload errors (5xx; Anthropic's 529) under bursts" in sync
    assert "Timeouts on long generations" not in text
    for example in sorted(EXAMPLES.glob("*.yaml")):
        a = fixed_assessment(example)
        madr, nygard = render_adr(a, date=DATE), render_adr(a, template="nygard", date=DATE)
        for excluded in a.excluded:
            label = a.rules.header.modes[excluded.mode].label
            case = madr.split(f"### {label} (ruled out)")[1].split("\n#")[0]
            assert "main risk" not in case, (example.stem, excluded.mode)
            case = nygard.split(f"**{label}** (ruled out):")[1].split("\n**")[0].split("\n## ")[0]
            assert "- Risk:" not in case, (example.stem, excluded.mode)


def test_a_streaming_record_judges_the_first_token_and_states_the_whole_answer():
    text = render_adr(fixed_assessment(RETIRING / "chatbot.yaml"), date=DATE)  # on gpt-4o-mini
    assert "- Streaming response (`streaming`): $351 a month; first token 0.42 s, within the budget of 2.50 s;" \
           " whole answer 3.47 s; **chosen**." in text
    assert "Streamed, the first token comes after 0.42 s, within the budget." in text
    confirmation = text.split("### Confirmation")[1].split("\n## ")[0]
    assert "Time to first token stays under the budget of 2.50 s at p95 (estimate: 0.42 s)" in confirmation
    assert "The whole answer takes about 3.47 s at p95" in confirmation
    assert "End-to-end p95 latency stays under the budget of 2.50 s" not in text, "an alert that fires on day one"


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_model_its_provider_will_shut_down_is_the_first_risk_of_the_decision(template):
    # gpt-4o-mini: OpenAI shuts it down on 2027-01-14, 74 days after the price date.
    text = render_adr(fixed_assessment(RETIRING / "chatbot.yaml"), template=template, date=DATE)
    consequences = text.split("Consequences\n\n")[1].split("\n\n")[0].splitlines()
    risk = "OpenAI shuts gpt-4o-mini down on 2027-01-14, 74 days after the price date: from then every request to it fails"
    first = next(line for line in consequences if "risk" in line.lower())
    assert risk in first and "Mitigation: Choose its successor and assess the workload on it before that day" in first
    # Claude Sonnet 4.5 has no announced shutdown: no such risk.
    other = render_adr(fixed_assessment(EXAMPLES / "contract-risk-review.yaml"), template=template, date=DATE)
    assert "shuts" not in other.split("Consequences")[1].split("\n## ")[0]


def test_the_summary_says_when_the_model_is_retired():
    text = render_text(fixed_assessment(RETIRING / "chatbot.yaml"))
    head = text.split("\n\n")[0]
    assert "Model retiring: OpenAI shuts gpt-4o-mini down on 2027-01-14, 74 days after the price date" in " ".join(
        line.strip() for line in head.splitlines()
    )
    assert "Model retiring" not in render_text(fixed_assessment(EXAMPLES / "contract-risk-review.yaml"))


def test_a_record_whose_estimate_misses_the_budget_says_so_in_its_confirmation():
    text = render_adr(fixed_assessment(EXAMPLES / "claims-triage-compliance.yaml"), date=DATE)
    confirmation = text.split("### Confirmation")[1].split("\n## ")[0]
    assert confirmation.split("\n")[2].startswith("- The estimate already misses the budget of 5.00 s")
    assert "stays under the budget of 5.00 s" not in confirmation


def test_a_ruled_out_option_that_outscores_the_choice_is_explained():
    # The gray zone: sync is ruled out past 5 s, yet it scores above the async job chosen.
    a = fixed_assessment(EXAMPLES / "gray-zone-30s.yaml")
    assert a.rank_of("sync").excluded and a.rank_of("sync").total > a.rank_of("async").total
    assert a.rank_of("sync").rank > a.rank_of("async").rank
    text = render_adr(a, date=DATE)
    assert "A ruled-out option ranks below every option that is not, whatever it scores" in text
    calm = render_adr(fixed_assessment(EXAMPLES / "claims-triage-compliance.yaml"), date=DATE)
    assert "A ruled-out option ranks below" not in calm


def test_migration_steps_only_when_the_mode_changes():
    chatbot = render_adr(fixed_assessment(EXAMPLES / "chatbot.yaml"), date=DATE)
    assert "migration trap" not in chatbot and "Against today" not in chatbot
    data = {**load_profile(EXAMPLES / "chatbot.yaml").model_dump(exclude_none=True), "current_mode": "sync"}
    moved = render_adr(fixed_assessment(data), date=DATE)
    assert "Today it runs as a synchronous call (`sync`). To move without falling into the migration trap" in moved
    assert "Move the clients first: each client must read Server-Sent Events" in moved


def test_user_async_migration_includes_the_ux_redesign():
    data = {**HOSTILE, "name": "Contract review", "description": "", "interaction": "submit_and_notify",
            "latency_budget_s": 600, "output_tokens": 4000, "current_mode": "sync", "side_effects": "non_idempotent"}
    a = fixed_assessment(data)
    assert a.recommendation == "async"
    text = render_adr(a, date=DATE)
    assert "Treat the UX redesign as part of the migration, not a follow-up" in text
    assert "an idempotency key per job" in text
    assert "Queue age (the oldest waiting job)" in text


@pytest.mark.parametrize(
    "example",
    ["chatbot", "nightly-ticket-triage", "claims-triage-compliance", "gray-zone-30s", "rag-chat-rewrite",
     "support-agent-tools", "reasoning-contract-check"],
)
def test_madr_passes_the_markdown_linter(tmp_path, capsys, example):
    path = write_record(capsys, example, tmp_path)
    result = pymarkdown_scan(path, *MADR_LINT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_madr_with_hostile_text_passes_the_markdown_linter(tmp_path, capsys):
    code_, out, err = run_cli(capsys, "adr", write_workload(tmp_path, HOSTILE), "--dir", tmp_path / "d", *FIXED)
    assert code_ == 0, err
    result = pymarkdown_scan(Path(out.strip()), *MADR_LINT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_nygard_passes_the_markdown_linter(tmp_path, capsys):
    path = write_record(capsys, "nightly-ticket-triage", tmp_path, "--template", "nygard")
    result = pymarkdown_scan(path, "-d", "md013,md024")
    assert result.returncode == 0, result.stdout + result.stderr


# -- Nygard, as adr-tools writes it ----------------------------------------------------------


def test_nygard_layout_is_adr_tools_layout(tmp_path, capsys):
    path = write_record(capsys, "chatbot", tmp_path, "--template", "nygard", "--status", "accepted")
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0] == "# 1. Customer chatbot: stream the answer"
    assert lines[1:7] == ["", f"Date: {DATE}", "", "## Status", "", "Accepted"]
    h2 = [line for line in lines if line.startswith("## ")]
    assert h2 == ["## Status", "## Context", "## Decision", "## Consequences"]


def _adr_tools_available() -> bool:
    if shutil.which("adr"):
        return True
    if os.environ.get("CI"):
        pytest.fail("adr-tools is not installed; CI installs the Debian package 'adr-tools' (.ci/run)")
    pytest.skip("adr-tools is not installed (apt-get install adr-tools); CI runs this test for real")


def test_adr_tools_lists_and_indexes_advisor_records(tmp_path, capsys):
    _adr_tools_available()
    subprocess.run(["adr", "init"], cwd=tmp_path, check=True, capture_output=True, env={**os.environ, "VISUAL": "true"})
    folder = tmp_path / "doc" / "adr"
    assert (folder / "0001-record-architecture-decisions.md").is_file()
    chat = write_record(capsys, "chatbot", folder, "--template", "nygard")
    nightly = write_record(capsys, "nightly-ticket-triage", folder, "--template", "nygard", "--status", "accepted")
    newer = write_record(capsys, "chatbot", folder, "--template", "nygard", "--supersedes", "2")
    assert [p.name[:4] for p in (chat, nightly, newer)] == ["0002", "0003", "0004"]

    listed = subprocess.run(["adr", "list"], cwd=tmp_path, check=True, capture_output=True, text=True).stdout.split()
    assert listed == [f"doc/adr/{name}" for name in sorted(p.name for p in folder.glob("*.md"))]
    assert len(listed) == 4

    toc = subprocess.run(["adr", "generate", "toc"], cwd=tmp_path, check=True, capture_output=True, text=True).stdout
    assert "* [1. Record architecture decisions](0001-record-architecture-decisions.md)" in toc
    assert f"* [2. Customer chatbot: stream the answer]({chat.name})" in toc
    assert f"* [3. Nightly ticket classification: send requests through the Batch API]({nightly.name})" in toc
    assert f"* [4. Customer chatbot: stream the answer]({newer.name})" in toc

    # adr-tools can supersede an advisor record in turn, and reads the status we wrote.
    subprocess.run(["adr", "new", "-s", "4", "Move to async"], cwd=tmp_path, check=True, capture_output=True,
                   env={**os.environ, "VISUAL": "true", "EDITOR": "true"})
    status = subprocess.run(["/usr/libexec/adr-tools/_adr_status", "4"], cwd=tmp_path, capture_output=True, text=True,
                            check=False)
    if status.returncode == 0:  # a private helper of the Debian package; the file itself is the contract
        assert "Superseded by [5. Move to async](0005-move-to-async.md)" in status.stdout
    assert "Superseded by [5. Move to async](0005-move-to-async.md)" in newer.read_text(encoding="utf-8")


# -- numbering, exclusive and atomic writes --------------------------------------------------


def test_numbering_continues_after_any_adr_style(tmp_path, capsys):
    (tmp_path / "0007-record-architecture-decisions.md").write_text("# 7. Record architecture decisions\n")
    (tmp_path / "0003-use-postgres.md").write_text("---\nstatus: accepted\n---\n\n# Use Postgres\n")
    (tmp_path / "README.md").write_text("# Decisions\n")
    (tmp_path / "0099-draft.txt").write_text("not a record")
    path = write_record(capsys, "chatbot", tmp_path)
    assert path.name == "0008-customer-chatbot-stream-the-answer.md"
    assert write_record(capsys, "chatbot", tmp_path).name.startswith("0009-")


def test_default_folder_is_created(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code_, out, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", *FIXED)
    assert code_ == 0, err
    assert out.strip() == "docs/decisions/0001-customer-chatbot-stream-the-answer.md"
    assert (tmp_path / "docs" / "decisions" / "0001-customer-chatbot-stream-the-answer.md").is_file()


def test_a_number_taken_meanwhile_is_never_overwritten(tmp_path, capsys, monkeypatch):
    # Another writer took number 1 between our look at the folder and our write.
    taken = tmp_path / "0001-customer-chatbot-stream-the-answer.md"
    taken.write_text("somebody else's record\n")
    monkeypatch.setattr(folder, "next_number", lambda directory: 1)
    code_, out, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, *FIXED)
    assert code_ == 0, err
    assert out.strip() == str(tmp_path / "0002-customer-chatbot-stream-the-answer.md")
    assert taken.read_text() == "somebody else's record\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [taken.name, "0002-customer-chatbot-stream-the-answer.md"], (
        "no temporary file or reservation left behind"
    )


def test_create_exclusive_never_overwrites(tmp_path):
    from advisor.core.files import create_exclusive

    taken = tmp_path / "0001-x.md"
    taken.write_text("mine\n")
    with pytest.raises(InputError, match="already exists"):
        create_exclusive(taken, "theirs\n", what="decision record")
    assert taken.read_text() == "mine\n" and [p.name for p in tmp_path.iterdir()] == ["0001-x.md"]


def test_create_exclusive_without_hard_links_leaves_nothing_when_the_disk_fills(tmp_path, monkeypatch):
    # A file system without hard links (some network and FUSE mounts) takes the fallback:
    # create the name exclusively, then copy. A full disk during the copy must not leave
    # half a record under the record's name.
    from advisor.core import files

    def no_hard_links(source, target):
        raise OSError(errno.EPERM, "Operation not permitted")

    def disk_fills(source, target, *args):
        target.write(source.read(10))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "link", no_hard_links)
    monkeypatch.setattr(files.shutil, "copyfileobj", disk_fills)
    with pytest.raises(InputError, match="No space left on device"):
        files.create_exclusive(tmp_path / "0001-x.md", "a whole record\n" * 100, what="decision record")
    assert list(tmp_path.iterdir()) == []


def test_write_adr_is_the_python_api_of_advisor_adr(tmp_path, capsys):
    a = fixed_assessment(EXAMPLES / "chatbot.yaml")
    (tmp_path / "0004-older.md").write_text("# 4. Older\n\n## Status\n\nAccepted\n")
    path = write_adr(a, tmp_path, template="nygard", date=DATE, supersedes=4)
    assert path == tmp_path / "0005-customer-chatbot-stream-the-answer.md"
    expected = render_adr(a, template="nygard", date=DATE, number=5,
                          supersedes=RecordLink(4, "4. Older", "0004-older.md"))
    assert path.read_text(encoding="utf-8") == expected
    assert (tmp_path / "0004-older.md").read_text() == (
        f"# 4. Older\n\n## Status\n\nSuperseded by [5. Customer chatbot: stream the answer]({path.name})\n"
    )


def test_records_are_written_whole(tmp_path, capsys):
    path = write_record(capsys, "chatbot", tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert path.read_text(encoding="utf-8").endswith("```\n")


# -- free text is data ---------------------------------------------------------------------


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_hostile_text_is_shown_literally_and_never_run(tmp_path, capsys, template):
    workload = write_workload(tmp_path, HOSTILE)
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", tmp_path / "records", "--template", template, *FIXED)
    assert code_ == 0, err
    path = Path(out.strip())
    # The file name is a safe slug inside the folder.
    assert path.parent == tmp_path / "records"
    assert re.fullmatch(r"\d{4}-[a-z0-9-]+\.md", path.name)
    assert [p.name for p in (tmp_path / "records").iterdir()] == [path.name]
    text = path.read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("# "))
    assert "{{ 7\\*7 }}" in title_line and "49" not in title_line, "a template expression in the name was evaluated"
    assert "rendered" not in text.replace(HOSTILE["description"].split("\n")[0], ""), "a {% %} block ran"
    assert "<script>" not in text.split("```yaml\n")[0]
    page = to_html(text)
    # What the reader sees is exactly what the user typed.
    title = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert visible_text(title).endswith(f"{HOSTILE['name']}: stream the answer")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Injected heading" not in "".join(re.findall(r"<h\d>.*?</h\d>", page))
    assert 'href="javascript' not in page
    # Its two paragraphs stay two (each escaped): the second's "#" is no heading.
    assert "{% if true %}rendered{% endif %}\n# Injected heading [click](javascript:alert(1)) | x" in visible_text(page)
    # The exact inputs are kept verbatim for verify.
    inputs = read_inputs(text, str(path))
    assert inputs.workload.name == HOSTILE["name"] and inputs.workload.description == HOSTILE["description"]


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_descriptions_paragraphs_stay_paragraphs_each_escaped(tmp_path, capsys, template):
    description = ("Agents draft a reply\nfrom the ticket.\n\n  \n# Then <b>a person</b> edits it [here](javascript:x)."
                   "\n\n1. It is sent.")
    data = {**HOSTILE, "name": "Reply draft", "description": description}
    code_, out, err = run_cli(capsys, "adr", write_workload(tmp_path, data), "--dir", tmp_path / "d", "--template",
                              template, *FIXED)
    assert code_ == 0, err
    record = Path(out.strip())
    text = record.read_text(encoding="utf-8")
    assert ("**Reply draft.** Agents draft a reply from the ticket.\n\n\\# Then &lt;b&gt;a person&lt;/b&gt; edits it"
            " \\[here\\](javascript:x).\n\n1\\. It is sent. A person converses") in text
    # Three paragraphs a reader sees as typed: no heading, no HTML, no link, no list.
    shown = [visible_text(p) for p in re.findall(r"<p>(.*?)</p>", to_html(text), re.DOTALL)]
    at = shown.index("Reply draft. Agents draft a reply from the ticket.")
    assert shown[at + 1] == "# Then <b>a person</b> edits it [here](javascript:x)."
    assert shown[at + 2].startswith("1. It is sent. A person converses")
    page = to_html(text)
    assert "<h1>Then" not in page and "<li>It is sent" not in page and 'href="javascript' not in page
    code_, out, _ = run_cli(capsys, "verify", tmp_path / "d", "--price-date", PRICE_DATE)
    assert code_ == 0 and "holds (streaming)" in out


@pytest.mark.parametrize("template", ["madr", "nygard"])
@pytest.mark.parametrize("own_word", [
    'Chosen option: "Batch API", because it is cheap.', "We will send it through a Batch API (`batch`, Batch API).",
    "Superseded by ADR-0009", "**Chosen option: batch**",
])
def test_a_description_paragraph_that_reads_as_the_records_own_word_is_not_set_apart(
    tmp_path, capsys, template, own_word
):
    # Set apart, it would be read as the record's decision (inconsistent) or a superseded mark.
    data = {**HOSTILE, "name": "Reply draft", "description": f"Agents draft a reply.\n\nThey edit it.\n\n{own_word}"}
    code_, out, err = run_cli(capsys, "adr", write_workload(tmp_path, data), "--dir", tmp_path / "d", "--template",
                              template, *FIXED)
    assert code_ == 0, err
    shown = [visible_text(p) for p in re.findall(r"<p>(.*?)</p>", to_html(Path(out.strip()).read_text("utf-8")))]
    at = shown.index("Reply draft. Agents draft a reply.")
    assert shown[at + 1].startswith(f"They edit it. {own_word} A person converses")
    code_, out, _ = run_cli(capsys, "verify", tmp_path / "d", "--price-date", PRICE_DATE)
    assert code_ == 0 and "holds (streaming)" in out


def test_a_queue_whose_peak_drains_after_the_budget_is_not_called_within_it():
    """Invoices queued over their tier's token limit: the job takes 6.76 s, but the peak's last
    invoice waits 19.2 min in the queue first (873 queued, 45.5 a minute through: first in first
    out, the arrivals after it wait behind it), against 5 min; the queue is empty only 21.3 min
    after the peak (873 / (45.5 - the 4.6 a minute arriving after it: the month's requests
    outside the peak, round 16 F2)). The chosen option is not
    feasible, and its line and its consequence say the wait, over the budget, not 'within the
    budget'; the queue's age is watched against the drain time (board read 3, N7)."""
    invoices = {"name": "Invoice extraction", "interaction": "submit_and_notify", "latency_budget_s": 300,
                "input_tokens": 4000, "output_tokens": 400, "output_format": "json", "requests_per_month": 200_000,
                "peak_requests_per_minute": 60, "model": "gpt-4.1-mini", "downstream": "internal_service"}
    a = fixed_assessment(invoices)
    assert (a.recommendation, a.feasible) == ("async", False) and a.capacity.peak_worst_wait_s > 300
    text = render_adr(a, date=datetime.date.fromisoformat(DATE))
    assert ("- Asynchronous job (`async`): $831 a month; result after 6.76 s plus up to 19.2 min in the queue"
            " after a peak, over the budget of 5 min; **chosen**.") in text
    assert "within the budget of 5 min" not in text.split("## Decision Outcome")[1].split("### Confirmation")[0]
    assert "the last request of a peak after up to 19.2 min in the queue first, over the budget of 5 min" in text
    assert "Queue age (the oldest waiting job) rises at each peak and is back to zero 21.3 min after the peak" in text
    # Its arguments say the miss once, with its numbers: not a second line on the same queue.
    chosen = text.split("### Asynchronous job (chosen)")[1].split("\n### ")[0]
    assert chosen.count("19.2 min") == 1 and "873 requests queued" in chosen
    # Within the limits the queue adds nothing the estimate knows of: the budget holds if the
    # wait for a worker stays within what the call leaves of it (board read 3, M21); a call of
    # 6.76 s leaves most of 5 min, so no figure is put on the spare (the clause check's 2.40 s of
    # 1 min is: tests/test_board3_wording.py).
    calm = render_adr(fixed_assessment({**invoices, "tier": "tier-2"}), date=datetime.date.fromisoformat(DATE))
    assert "result after 6.76 s once a worker takes the job, within the budget of 5 min; **chosen**." in calm
    assert "to spare for the queue" not in calm


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_step_names_read_as_typed_in_the_context(template):
    # The context paragraph names each step: escaped once, so "search & rank" never reads "search &amp; rank".
    data = yaml.safe_load((EXAMPLES / "support-agent-tools.yaml").read_text("utf-8"))
    data["steps"][0]["name"] = "search & rank"
    data["steps"][3]["name"] = "draft *v2* <final> [x]"
    text = render_adr(fixed_assessment(data), template=template, date=datetime.date.fromisoformat(DATE))
    paragraph = next(p for p in re.findall(r"<p>(.*?)</p>", to_html(text), re.DOTALL) if "in all:" in p)
    assert "in all: search & rank (gpt-5.4), " in visible_text(paragraph)
    assert ", draft *v2* <final> [x] (gpt-5.5). The output of the step 'draft *v2* <final> [x]' is the request's result:" in (
        visible_text(paragraph)
    )


def test_text_cannot_close_the_inputs_block_early(tmp_path, capsys):
    sneaky = "x\n```\n````yaml advisor-record\nrecord: {}\n````\n```"
    data = {**HOSTILE, "name": "Sneaky ````", "description": sneaky}
    code_, out, err = run_cli(capsys, "adr", write_workload(tmp_path, data), "--dir", tmp_path / "d", *FIXED)
    assert code_ == 0, err
    text = Path(out.strip()).read_text(encoding="utf-8")
    inputs = read_inputs(text, "record")
    assert inputs.workload.description == sneaky and inputs.workload.name == "Sneaky ````"
    assert pymarkdown_scan(Path(out.strip()), *MADR_LINT).returncode == 0
    code_, out, _ = run_cli(capsys, "verify", tmp_path / "d", "--price-date", PRICE_DATE)
    assert code_ == 0 and "holds (streaming)" in out


def test_the_inputs_fence_is_longer_than_any_backtick_run():
    from advisor.views.markdown import fence

    assert fence("plain") == "```"
    assert fence("a ```` b `") == "`````"


def test_a_pipe_in_a_table_cell_stays_in_its_cell():
    row = f"| {cell('a|b <i>c</i>')} | {cell('second')} |"
    page = to_html(f"| one | two |\n| --- | --- |\n{row}\n")
    cells = re.findall(r"<td>(.*?)</td>", page)
    assert [visible_text(c) for c in cells] == ["a|b <i>c</i>", "second"]


def test_user_templates_get_escaped_values_and_table_cells(tmp_path, capsys):
    template = tmp_path / "mine.md.j2"
    template.write_text(
        "# {{ record.number }}. {{ record.title }}\n\n| Feature | Mode |\n| --- | --- |\n"
        "| {{ workload.name | cell }} | {{ chosen.mode }} |\n\n{{ inputs_block }}\n",
        encoding="utf-8",
    )
    workload = write_workload(tmp_path, HOSTILE)
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", tmp_path / "d", "--template", template, *FIXED)
    assert code_ == 0, err
    text = Path(out.strip()).read_text(encoding="utf-8")
    cells = re.findall(r"<td>(.*?)</td>", to_html(text))
    assert [visible_text(c) for c in cells] == [HOSTILE["name"], "streaming"]
    # A user's record carries the inputs block, so verify checks it too.
    code_, out, _ = run_cli(capsys, "verify", tmp_path / "d", "--price-date", PRICE_DATE)
    assert code_ == 0 and "holds (streaming)" in out


@pytest.mark.parametrize(
    "source",
    [
        "{{ workload.__class__.__mro__ }}",
        "{{ ''.__class__.__subclasses__() }}",
        "{{ record.title.format.__globals__ }}",
        "{% for x in drivers %}{{ x.__class__ }}{% endfor %}",
        # str.format reached through the attr filter reads attributes the sandbox forbids
        # (Jinja2 before 3.1.6 wrote the class hierarchy into the record, CVE-2025-27516).
        '{{ "{0.__class__.__mro__}"|attr("format")(workload) }}\n\n{{ inputs_block }}',
    ],
)
def test_user_templates_cannot_escape_the_sandbox(tmp_path, capsys, source):
    template = tmp_path / "evil.md.j2"
    template.write_text(source, encoding="utf-8")
    code_, out, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path / "d", "--template", template,
                          *FIXED)
    assert code_ == 2 and out == ""
    assert str(template) in err and "sandbox" in err and "Traceback" not in err
    assert not (tmp_path / "d").exists() or not any((tmp_path / "d").iterdir())


@pytest.mark.parametrize(
    "source, message",
    [("{% if %}", "template syntax error on line 1"), ("{{ no_such_value }}", "undefined value")],
)
def test_broken_user_templates_are_clear_errors(tmp_path, capsys, source, message):
    template = tmp_path / "broken.md.j2"
    template.write_text(source, encoding="utf-8")
    code_, _, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, "--template", template, *FIXED)
    assert code_ == 2 and message in err and str(template) in err


def test_a_missing_template_is_a_clear_error(tmp_path, capsys):
    code_, _, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, "--template", tmp_path / "nope")
    assert code_ == 2 and err == (
        f"advisor: error: {tmp_path / 'nope'}: option --template: no such template file; use madr or nygard (the "
        "shipped templates, named in lower case) or the path of your own Jinja2 template\n"
    )


def test_a_shipped_template_named_in_capitals_is_told_names_are_case_sensitive(tmp_path, capsys, monkeypatch):
    # `--template NYGARD` said only "no such template file".
    monkeypatch.chdir(tmp_path)
    code_, out, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", "d", "--template", "NYGARD", *FIXED)
    assert (code_, out) == (2, "")
    assert err.startswith(
        "advisor: error: NYGARD: option --template: no such template file; did you mean nygard? Template names are "
        "case-sensitive: use madr or nygard"
    ), err
    assert not (tmp_path / "d").exists()


def test_render_adr_rejects_an_unknown_status():
    with pytest.raises(InputError, match="status"):
        render_adr(fixed_assessment(EXAMPLES / "chatbot.yaml"), status="maybe")


# -- superseding -------------------------------------------------------------------------------


def test_madr_supersedes_links_both_ways(tmp_path, capsys):
    old = write_record(capsys, "chatbot", tmp_path)
    new = write_record(capsys, "nightly-ticket-triage", tmp_path, "--supersedes", "1", "--force")
    old_text, new_text = old.read_text(encoding="utf-8"), new.read_text(encoding="utf-8")
    assert yaml.safe_load(old_text.split("---\n")[1])["status"] == "superseded by ADR-0002"
    assert (f"Superseded by [2. Nightly ticket classification: send requests through the Batch API]({new.name})"
            in old_text)
    assert f"Supersedes [1. Customer chatbot: stream the answer]({old.name})" in new_text
    # Everything else in the old record is untouched.
    assert old_text.split("## Context and Problem Statement")[1] == render_adr(
        fixed_assessment(EXAMPLES / "chatbot.yaml"), date=DATE,
        workload_file=recorded_path(EXAMPLES / "chatbot.yaml", tmp_path),
    ).split("## Context and Problem Statement")[1]
    assert pymarkdown_scan(old, *MADR_LINT).returncode == 0


def test_nygard_supersedes_replaces_the_status_as_adr_tools_does(tmp_path, capsys):
    first = write_record(capsys, "chatbot", tmp_path, "--template", "nygard")
    second = write_record(capsys, "chatbot", tmp_path, "--template", "nygard", "--supersedes", "1")
    third = write_record(capsys, "chatbot", tmp_path, "--template", "nygard", "--supersedes", "2")

    def status(path: Path) -> str:
        return path.read_text(encoding="utf-8").split("## Status\n")[1].split("\n## ")[0]

    assert status(first) == f"\nSuperseded by [2. Customer chatbot: stream the answer]({second.name})\n"
    assert status(second) == (
        f"\nSupersedes [1. Customer chatbot: stream the answer]({first.name})\n\n"
        f"Superseded by [3. Customer chatbot: stream the answer]({third.name})\n"
    )
    assert status(third) == f"\nProposed\n\nSupersedes [2. Customer chatbot: stream the answer]({second.name})\n"


def test_superseding_a_missing_record_writes_nothing(tmp_path, capsys):
    old = write_record(capsys, "chatbot", tmp_path)
    before = old.read_bytes()
    code_, out, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, "--supersedes", "5", *FIXED)
    assert code_ == 2 and out == "" and "no decision record number 5" in err
    assert [p.name for p in tmp_path.iterdir()] == [old.name] and old.read_bytes() == before


def test_a_record_that_cannot_be_marked_stops_everything(tmp_path, capsys):
    odd = tmp_path / "0001-odd.md"
    odd.write_text("Just some notes.\n")
    code_, _, err = run_cli(capsys, "adr", EXAMPLES / "chatbot.yaml", "--dir", tmp_path, "--supersedes", "1", *FIXED)
    assert code_ == 2 and "cannot mark it superseded" in err
    assert [p.name for p in tmp_path.iterdir()] == ["0001-odd.md"] and odd.read_text() == "Just some notes.\n"


# -- properties ------------------------------------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=60)
_MARKDOWNY = st.text(st.sampled_from(list("\\`*_[]()<>&|#-+=!~{}%.1 aZ:/\"'\n\t")), max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.one_of(_TEXT, _MARKDOWNY, st.sampled_from(["see https://example.com/a_b*c).", "1. x", "# h", "---"])))
def test_inline_text_renders_as_itself(text):
    expected = " ".join(text.split())
    page = to_html(f"{inline(text)}\n")
    assert visible_text(page).strip() == expected
    # Only a paragraph (and autolinks to http(s) URLs) may come out: no heading, list, HTML.
    tags = set(re.findall(r"</?([a-z0-9]+)", page))
    assert tags <= {"p", "a"}


@settings(max_examples=100, deadline=None)
@given(st.one_of(_TEXT, _MARKDOWNY))
def test_a_table_cell_holds_any_text(text):
    page = to_html(f"| a | b |\n| --- | --- |\n| {cell(text)} | end |\n")
    cells = re.findall(r"<td>(.*?)</td>", page, re.DOTALL)
    assert [visible_text(c).strip() for c in cells] == [" ".join(text.split()), "end"]


@settings(max_examples=100, deadline=None)
@given(st.one_of(_TEXT, _MARKDOWNY).filter(lambda t: t.strip()))
def test_a_code_span_shows_any_text_verbatim(text):
    """Verbatim, but a control character (a file name's escape sequence) as its escape."""
    page = to_html(f"x {code(text)} y\n")
    (inner,) = re.findall(r"<code>(.*?)</code>", page, re.DOTALL)
    assert html.unescape(inner) == controls_escaped(" ".join(text.split()))


@given(st.one_of(_TEXT, st.text(max_size=300), st.sampled_from(["../../etc/passwd", "", "!!!", "é" * 80])))
def test_slug_is_a_bounded_safe_file_name(title):
    result = slug(title)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", result)
    assert 1 <= len(result) <= SLUG_MAX


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_chart_axis_is_a_round_number_above_every_bar(top):
    ceiling = nice_ceiling(top)
    assert ceiling >= top * 1.1
    assert ceiling <= max(top * 1.1 * 5, 1.0 if top == 0 else 0.05)
    mantissa = ceiling / 10 ** int(f"{ceiling:e}".split("e")[1])
    assert round(mantissa, 6) in (1.0, 2.0, 2.5, 5.0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile_dicts(), st.sampled_from(["madr", "nygard"]))
def test_every_record_carries_inputs_that_reproduce_it(data, template):
    a = assess(data, price_date=datetime.date.fromisoformat(PRICE_DATE), what_if=False)
    text = render_adr(a, template=template, date=DATE)
    inputs = read_inputs(text, "record.md")
    assert inputs is not None
    assert inputs.workload == a.workload
    assert inputs.stamp.mode == a.recommendation
    assert inputs.stamp.ruleset.hash == a.ruleset.hash
    assert inputs.stamp.fired_rules == [r.id for r in a.fired_rules]
    assert find_inputs(text.replace("\nadvisor-record: 2\n", "\n")) is None
    again = assess(inputs.workload, price_date=inputs.stamp.prices.price_date, what_if=False)
    assert render_adr(again, template=template, date=DATE) == text


def test_records_get_normal_file_permissions(tmp_path):
    old_umask = os.umask(0o022)
    try:
        path = write_adr(assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=datetime.date(2026, 11, 1)),
                         tmp_path, date=datetime.date(2026, 11, 23))
    finally:
        os.umask(old_umask)
    assert path.stat().st_mode & 0o777 == 0o644


def test_writing_never_sets_the_umask_which_every_thread_shares(tmp_path, monkeypatch):
    from advisor.core.files import write_atomic

    a = assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=datetime.date(2026, 11, 1))
    old_umask = os.umask(0o027)
    try:
        # Setting it to read it would give a file another thread creates meanwhile mode 0666.
        monkeypatch.setattr(os, "umask", lambda *_: pytest.fail("the umask was set"))
        path = write_adr(a, tmp_path, date=datetime.date(2026, 11, 23))
        write_atomic(tmp_path / "review.md", "# Review\n")
    finally:
        monkeypatch.undo()
        os.umask(old_umask)
    assert path.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "review.md").stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_replacing_a_private_file_never_shows_its_new_text_to_others_while_it_is_written(tmp_path):
    from advisor.core.files import write_atomic

    private = tmp_path / "review.md"
    private.write_text("old\n", encoding="utf-8")
    private.chmod(0o600)
    seen: list[int] = []

    def chunks():
        yield "# Review\n"
        (temp,) = [p for p in tmp_path.iterdir() if p.name.startswith(".advisor-")]
        seen.append(temp.stat().st_mode & 0o777)
        yield "more\n"

    write_atomic(private, chunks())
    assert seen == [0o600] and private.stat().st_mode & 0o777 == 0o600
    assert private.read_text(encoding="utf-8") == "# Review\nmore\n"


# -- sources by title -------------------------------------------------------------------------

SOURCE_KEY = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b|\b[Ss]eeds? \d{3}\b")


def test_no_output_a_user_reads_cites_a_source_file_key(tmp_path, capsys):
    """Text, records (both templates), the review and the rule docs cite sources by title."""
    outputs = []
    for example in sorted(EXAMPLES.glob("*.yaml")):
        code_, out, _ = run_cli(capsys, "recommend", example, "--price-date", PRICE_DATE)
        assert code_ == 0
        outputs.append((f"recommend {example.name}", out))
        for template in ("madr", "nygard"):
            text = render_adr(fixed_assessment(example), template=template, date=DATE)
            outputs.append((f"adr {example.name} {template}", text))
    code_, out, _ = run_cli(capsys, "review", EXAMPLES, "--price-date", PRICE_DATE)
    outputs.append(("review", out))
    for rules in (None, EXAMPLES / "rules-cost-first"):
        code_, out, _ = run_cli(capsys, "rules", "docs", *([rules] if rules else []))
        outputs.append((f"rules docs {rules}", out))
    for name, text in outputs:
        match = SOURCE_KEY.search(text)
        assert match is None, f"{name} cites {match.group(0)!r}"
        # Nor by the bare number of a document's file key: "a guide to LLM execution models (001)".
        match = re.search(r"\(00[0-4]\)", text)
        assert match is None, f"{name} cites {match.group(0)!r}"
    chatbot = dict(outputs)["adr chatbot.yaml madr"]
    assert "AI API Integration Patterns § Pattern 3 — Batch Processing, When to use)" in chatbot


def test_cite_replaces_keys_and_seed_numbers_by_titles():
    from advisor.views.sources import cite, short_title

    assert cite("003_a5044114f5d4f089.txt § Streaming Failures") == "AI API Integration Patterns § Streaming Failures"
    assert cite("seed 003's 10,000 is older") == "AI API Integration Patterns's 10,000 is older"
    assert cite("own-policy.md § 2", {"own-policy.md": "Our AI cost policy: cost first"}) == "Our AI cost policy § 2"
    assert cite("no key here") == "no key here"
    assert short_title("LLM Execution Models (pattern overview)") == "LLM Execution Models (pattern overview)"


# -- what a board member checks: each option's verdict, its reason, its figures -------------


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_an_option_that_does_not_pay_its_way_is_ruled_out_and_says_why(template):
    """Batch at a hundred calls a month costs more than the simple script it would replace:
    the rule set rules it out (it outscores the chosen option), and the record says so."""
    a = fixed_assessment(EXAMPLES / "monthly-cron-report.yaml")
    assert a.recommendation == "sync" and "batch" in {e.mode for e in a.excluded}
    text = render_adr(a, template=template, date=DATE)
    assert re.search(r"^- Batch API \(`batch`\): \$243 a month; .*; \*\*ruled out\*\*\.$", text, re.M)
    assert "**ranked 3 of 4**" not in text
    heading = "### Batch API (ruled out)" if template == "madr" else "**Batch API** (ruled out):"
    assert heading in text
    assert ("it is ruled out: batch costs $243 a month in all (tokens, infrastructure, its build), no less than"
            " the mode it would replace (sync $112, async $385). (`cost-batch-pays-its-way`)") in text
    assert "A ruled-out option ranks below every option that is not, whatever it scores" in text


@pytest.mark.parametrize("template", ["madr", "nygard"])
@pytest.mark.parametrize(
    ("example", "peak"),
    [
        # Anthropic counts input and output tokens against limits of their own.
        # Neither gives a peak: the figures are the monthly average's, and the record says so.
        ("claims-triage-compliance", "At the monthly average (no peak given; 1.9 requests/min x 2 calls = 3.7"
         " calls/min): 3.7 calls of 1,000 requests/min (the limit counts each API call), 14,815 of 2,000,000 input"
         " tokens/min, 1,481 of 400,000 output tokens/min; 99% headroom"),
        # DeepSeek limits requests in flight, not requests or tokens a minute.
        ("deepseek-catalogue-enrichment", "At the monthly average (no peak given): 10 of 2,500 requests in flight; 100%"
         " headroom"),
        # The examples as they were on gpt-4o-mini, gpt-4.1-mini and gpt-4.1, with published limits.
        ("retiring/chatbot", "At peak: 60 of 500 requests/min, 111,000 of 200,000 tokens/min; 44% headroom"),
        ("retiring/support-agent-tools", "At peak (400 requests/min x 4 calls = 1,600 calls/min): 400 of 5,000 requests/min,"
         " 1,815,600 of 800,000 tokens/min on gpt-4.1; over the limit: peak use is 2.3x the limit"),
    ],
)
def test_the_record_states_each_rate_limit_as_the_provider_sets_it(example, peak, template):
    """A limit the catalogue knows is never 'unknown' in the record, and the peak against it is
    the text summary's: the cost note and what to watch in production say the same figures."""
    folder, _, name = example.rpartition("/")
    text = render_adr(fixed_assessment((RETIRING if folder else EXAMPLES) / f"{name}.yaml"), template=template, date=DATE)
    assert f"- {peak} (" in text
    assert "unknown" not in text
    (watch,) = [line for line in text.splitlines() if line.startswith("- ") and "peak use was estimated at" in line]
    uses, _, _ = peak.split(": ", 1)[1].rpartition("; ")
    if not peak.startswith("At peak"):
        uses += " at the monthly average, as no peak was given"
    # Over the limit the line reads otherwise (no '429s stay near zero'), with the same figures.
    assert f"peak use was estimated at {uses} (headroom: " in watch or f"peak use was estimated at {uses}; headroom: " in watch


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_every_model_over_its_limits_is_named_worst_first_and_the_limits_are_what_must_change(template):
    """The ticket agent's peak is 2.9x gpt-5.4's limits and 1.9x gpt-5.5's: the record named only
    gpt-5.4, so that mending its limits alone read as enough. The cost driver, the cost note and
    what to watch name both, worst first; and the budget its queue misses is met by changing the
    limits (a higher tier, a smoother peak; batch's 24-hour window is longer than the budget),
    not by cutting a latency that is within it."""
    text = " ".join(render_adr(fixed_assessment(EXAMPLES / "support-agent-tools.yaml"), template=template,
                               date=DATE).split())
    # gpt-5.4 answers 3 calls of each request: its figure is calls (board read 3, N13); gpt-5.5 one.
    gpt_5_4 = ("1,200 calls of 5,000 requests/min (the limit counts each API call), 2,900,880 of 1,000,000 tokens/min"
               " on gpt-5.4 (2.9x its limit)")
    gpt_5_5 = "400 of 5,000 requests/min, 1,938,000 of 1,000,000 tokens/min on gpt-5.5 (1.9x its limit)"
    assert "peak 400 requests/min is over the rate limits of gpt-5.4 (2.9x its limit) and gpt-5.5 (1.9x its limit)." \
        in text
    assert f"- At peak (400 requests/min x 4 calls = 1,600 calls/min): {gpt_5_4} and {gpt_5_5}; 2 models over their" \
        " limits (" in text
    assert f"- The peak is over the rate limits (peak use was estimated at {gpt_5_4} and {gpt_5_5}; headroom: none):" \
        in text
    assert ("Alert when the measured time from submission to result grows beyond the estimate, and treat the budget as"
            " unmet until the peak fits the rate limits of gpt-5.4 and gpt-5.5 (a higher account tier or a smoother"
            " peak): the rate limits, not the model's speed, are the cause.") in text
    assert "until the latency is cut" not in text
    # A job too slow for its budget, within its limits, is still told to cut the latency.
    slow = render_adr(fixed_assessment(EXAMPLES / "claims-triage-compliance.yaml"), template=template, date=DATE)
    assert "treat the budget as unmet until the latency is cut." in " ".join(slow.split())


def test_what_to_watch_without_a_known_limit_names_the_fields_the_provider_sets_and_its_page(tmp_path):
    """Gemini counts input tokens only: the record asks for the limits Google sets, in the fields
    that state them, and links Google's rate-limit page."""
    data = yaml.safe_load((EXAMPLES / "chatbot.yaml").read_text(encoding="utf-8"))
    data.update(provider="google", model="gemini-2.5-flash-lite", tier="tier-2")  # no tier-2 limits known
    path = tmp_path / "gemini-chat.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    text = " ".join(render_adr(fixed_assessment(path), date=DATE).split())
    assert ("429 (rate limit) responses: nothing was checked, as the provider catalogue has no Google (Gemini API) limits for"
            " gemini-2.5-flash-lite at tier-2. State your account's limits in the workload as rate_limits.rpm and"
            " rate_limits.input_tpm (see <https://ai.google.dev/gemini-api/docs/rate-limits>), then record") in text


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_provider_without_a_batch_api_is_said_so_with_no_invented_batch_figure(template):
    """DeepSeek has no batch API: the record invents no batch discount, no batch time set against
    the budget, and no volume at which batch would pay for itself; it says why batch is ruled out."""
    text = render_adr(fixed_assessment(EXAMPLES / "deepseek-catalogue-enrichment.yaml"), template=template, date=DATE)
    assert "- Batch API (`batch`): $638 a month; no batch API; **ruled out**." in text
    assert "no batch API, over the" not in text
    assert "0% less at batch prices" not in text and "no batch API, so no batch discount" in text
    assert "at no volume" not in text
    assert ("The provider has no batch API: batch would run at standard prices, save nothing and never pay for its"
            " extra build and run cost.") in text
    assert "deepseek has no batch API in the provider catalogue" in text
    # Said once, by the rule that rules on it, not again as the option's timing.
    assert not re.search(r"^- (Bad, because|Against:) the provider has no batch API$", text, re.M)


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_the_cost_to_watch_is_the_token_bill_the_provider_sends(template):
    """What to watch in production was 'Cost per 1,000 requests stays near the $40.79 estimate',
    a figure with $333 of amortised build and $50 of infrastructure in it that no provider's bill
    shows. The metric is the token bill, per 1,000 requests, with the rest named as not on the
    bill; a workload of 100 requests a month is given its month, not a per-thousand figure."""
    def watched(example: str) -> str:
        text = render_adr(fixed_assessment(EXAMPLES / f"{example}.yaml"), template=template, date=DATE)
        (line,) = [line for line in text.splitlines() if "token bill stays near" in line]
        return line

    assert watched("claims-triage-compliance") == (
        "- The provider's token bill stays near the estimate of $36.00 per 1,000 requests ($2,880 a month at 80,000"
        " requests); the $3,152 a month the record counts adds $222 of amortised build and $50.00 of infrastructure,"
        " which are not on the provider's bill.")
    assert watched("monthly-cron-report") == (
        "- The provider's token bill stays near the estimate of $1.35 a month at 100 requests; the $112 a month the"
        " record counts adds $111 of amortised build, which is not on the provider's bill.")
    # A reasoning model's reasoning, not priced, is on the bill all the same.
    # DeepSeek's price depends on the hour: the estimate is its peak rate, and the line says so
    # (a nightly job that runs off-peak bills less than the figure it is told to watch).
    assert watched("deepseek-catalogue-enrichment").startswith(
        "- The provider's token bill stays near the estimate of $0.6600 per 1,000 requests ($396 a month at 600,000"
        " requests) at DeepSeek's peak rate (its price at 02:00 UTC, an upper bound: calls made off-peak bill less)"
        " plus what deepseek-flash reasons (not priced); the $779 a month")
    # A mode that runs today, on no infrastructure of its own, has nothing off the bill to name.
    assert watched("support-reply-draft") == (
        "- The provider's token bill stays near the estimate of $7.20 per 1,000 requests ($864 a month at 120,000"
        " requests).")


# The reasoning the latency itself is timed with, by hand: deepseek-flash's first token is o3's
# median, 22.99 s with reasoning; a call without reasoning starts at 1.8 s (the slowest measured
# start, claude-sonnet-4-5's, as DeepSeek has none measured); at 50 tokens/s that is
# (22.99 - 1.8) x 50 = 1,059.5, about 1,060 tokens a call, and 1,060 x 600,000 x $1.20 / 1M = $763.20.
IMPLIED = ("The latency assumes about 1,060 reasoning tokens a call (the first token's median, 22.99 s with"
           " reasoning, less 1.8 s to start without it, at 50 tokens/s), which would add about $763 a month at"
           " $1.20 per million output tokens; give reasoning_tokens to price them")
UNPRICED = ("deepseek-flash reasons before it answers and the workload gives no reasoning_tokens; its bill is"
            f" higher by what it reasons. {IMPLIED}")


@pytest.mark.parametrize("template", ["madr", "nygard"])
def test_a_reasoning_model_without_reasoning_tokens_has_its_money_say_they_are_not_priced(template):
    """deepseek-flash reasons before it answers: its first token waits for the reasoning (o3's
    median), but with no reasoning_tokens given the bill has none of it. Where the money is
    shown (the cost driver, the cost section, the text's cost table) it says so, with the reasoning
    the latency itself assumes and what it would add a month (the priced figures stay as they
    are); a workload that gives them (gpt-5.5's 2,500) says nothing."""
    a = fixed_assessment(EXAMPLES / "deepseek-catalogue-enrichment.yaml")
    text = " ".join(render_adr(a, template=template, date=DATE).split())
    assert ("**Cost and burst** (weight 1.5): $396 a month in tokens at DeepSeek's peak rate (its price at 02:00 UTC,"
            " an upper bound: calls made off-peak bill less), no batch API, so no batch"
            f" discount; at the monthly average of 14 requests/min (no peak given) with 100% rate-limit headroom. Reasoning tokens are not priced: {UNPRICED}.")\
        in text
    # The note under the table first: $207 a month less is said beside $573 and $779 (a reader makes $206).
    assert ("| $1.06 | Each figure is rounded on its own, so a saving can differ from the difference of the two"
            f" monthly costs by $1. **Reasoning tokens are not priced:** {UNPRICED}. Prices of deepseek/deepseek-flash"
            ) in text
    summary = render_text(a)
    # Under the cost table's heading, before its figures: one note, its later lines hung.
    note = summary.split("\nCost per month at 600,000 requests", 1)[1].split("\n", 1)[1].split("\n  mode ")[0]
    first, *later = note.split("\n")
    assert first.startswith("  reasoning tokens not priced: ") and later and all(x.startswith("    ") for x in later)
    assert " ".join(note.split()) == f"reasoning tokens not priced: {UNPRICED}"
    given = fixed_assessment(EXAMPLES / "reasoning-contract-check.yaml")
    assert "not priced" not in render_adr(given, template=template, date=DATE) + render_text(given)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"number": "3"}, "field 'number': must be a record number from 1 to 999,999,999 (got '3')"),
        ({"number": True}, "field 'number': must be a record number from 1 to 999,999,999 (got True)"),
        ({"number": 10**30}, f"field 'number': must be a record number from 1 to 999,999,999 (got {10**30})"),
        ({"supersedes": "2"}, "field 'supersedes': must be a record number from 1 to 999,999,999 (got '2')"),
        # "Supersedes -3. ADR--003" was rendered, where write_adr refuses it
        ({"supersedes": -3}, "field 'supersedes': must be a record number from 1 to 999,999,999 (got -3)"),
        ({"supersedes": 0}, "field 'supersedes': must be a record number from 1 to 999,999,999 (got 0)"),
    ],
)
def test_a_library_caller_giving_a_record_argument_of_the_wrong_kind_gets_an_input_error(arguments, message):
    a = assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=datetime.date(2026, 11, 1), what_if=False)
    with pytest.raises(InputError) as info:
        render_adr(a, **arguments)
    assert str(info.value) == message


def test_a_record_of_something_other_than_an_assessment_is_an_input_error(tmp_path):
    a = assess(load_profile(EXAMPLES / "chatbot.yaml"), price_date=datetime.date(2026, 11, 1), what_if=False)
    for call in (lambda: render_adr(a.model_dump()), lambda: write_adr(a.model_dump(), tmp_path)):
        with pytest.raises(InputError, match=r"expects an Assessment, as advisor.assess\(profile\) returns \(got dict\)"):
            call()
    assert list(tmp_path.iterdir()) == []


def test_the_decision_names_a_lever_that_changes_the_mode_when_the_first_two_do_not():
    # The reasoning contract check: two model swaps keep it a job, the third lever (gpt-5.4
    # without reasoning) makes it a 4 s sync call. The summary lists all three; the record named
    # only the first two, and a board never saw the one that changes the decision.
    a = fixed_assessment(EXAMPLES / "reasoning-contract-check.yaml")
    assert [lever.recommendation for lever in a.levers[:2]] == ["async", "async"]
    outcome = render_adr(a, date=DATE).split("## Decision Outcome")[1].split("\n### ")[0]
    assert "the recommendation becomes sync, which meets its contract; the end-to-end p95 is 4.08 s" in outcome


def test_a_lever_to_another_model_says_its_answers_are_not_judged():
    # A board read "With claude-haiku-4-5: async meets its contract" for a legal review as
    # "equivalent": a model lever is judged on speed, price and limits only, and says so once.
    note = "a lever to another model is judged on its speed, price and limits, not on its answers"
    swap = fixed_assessment(EXAMPLES / "reasoning-contract-check.yaml")
    assert note in " ".join(render_text(swap).split())
    assert note in render_adr(swap, date=DATE).split("## Decision Outcome")[1].split("\n### ")[0]
    cache_only = fixed_assessment(EXAMPLES / "support-reply-draft.yaml")
    assert all("model" not in field for lever in cache_only.levers for field in lever.changes)
    assert note not in " ".join(render_text(cache_only).split()) and note not in render_adr(cache_only, date=DATE)


# -- Consequences tell the whole trade-off (board read 3) ------------------------------------

def _consequences(text: str, template: str) -> str:
    if template == "madr":
        return text.split("### Consequences")[1].split("### Confirmation")[0]
    return text.split("## Consequences")[1].split("To confirm the decision")[0]


@pytest.mark.parametrize("example, madr_line, nygard_line", [
    # The clinical check: async misses its 5 s budget. Nygard's Consequences opened with a risk.
    ("claims-triage-compliance",
     "- Bad, because the caller gets a job id at once and the result after about 10.1 s at p95 plus any queue wait,"
     " over the budget of 5.00 s.",
     "- Misses its budget: the caller gets a job id at once and the result after about 10.1 s at p95 plus any queue"
     " wait, over the budget of 5.00 s."),
    # The nightly triage: batch's 24 h window against an 8 h budget, at risk.
    ("nightly-ticket-triage",
     "- Bad, because most batches complete well under an hour, but the provider guarantees results only within its"
     " window of 24 h, longer than the budget of 8 h.",
     "- At risk against its budget: most batches complete well under an hour, but the provider guarantees results"
     " only within its window of 24 h, longer than the budget of 8 h."),
    ("support-reply-draft",
     "- Good, because the whole answer comes after 2.72 s at p95, within the budget of 4.00 s.",
     "- Meets its budget: the whole answer comes after 2.72 s at p95, within the budget of 4.00 s."),
])
def test_consequences_open_with_the_chosen_option_against_its_budget_in_both_templates(example, madr_line, nygard_line):
    """Board read 3, N2: MADR's Consequences said the chosen option misses its budget (or is at
    risk against it); Nygard's left it out, so its reader never learned it. Both open with it,
    from one function."""
    a = fixed_assessment(EXAMPLES / f"{example}.yaml")
    madr = _consequences(render_adr(a, date=DATE), "madr")
    nygard = _consequences(render_adr(a, template="nygard", date=DATE), "nygard")
    assert madr.strip().splitlines()[0] == madr_line
    assert nygard.strip().splitlines()[0] == nygard_line


@pytest.mark.parametrize("example, madr_line, nygard_line, said", [
    # No mode today: batch costs more than a synchronous call that also meets its contract
    # (the Decision's trade-off says the same $101).
    ("rag-corpus-embedding",
     "- Bad, because it costs $101 a month more than a synchronous call, the cheapest other option that meets its"
     " contract ($272 against $171).",
     "- Extra cost: it costs $101 a month more than a synchronous call, the cheapest other option that meets its"
     " contract ($272 against $171).",
     "Batch API costs $101 a month more than Synchronous call"),
    # A move from today's mode that costs more: against today's, as the Decision says it.
    ("gray-zone-30s",
     "- Bad, because it costs $272 a month more than today's synchronous call ($767 against $495).",
     "- Extra cost: it costs $272 a month more than today's synchronous call ($767 against $495).",
     "Asynchronous job costs $272 a month more than Synchronous call (today)"),
])
def test_consequences_say_an_extra_cost_as_they_say_a_saving(example, madr_line, nygard_line, said):
    """Board read 3, N3: the Consequences listed a saving ("Good, because it costs $65 a month
    less") but never an extra cost, though the Decision said "costs $101 a month more"."""
    a = fixed_assessment(EXAMPLES / f"{example}.yaml")
    madr, nygard = render_adr(a, date=DATE), render_adr(a, template="nygard", date=DATE)
    assert madr_line in _consequences(madr, "madr").splitlines()
    assert nygard_line in _consequences(nygard, "nygard").splitlines()
    assert said in madr.split("## Decision Outcome")[1].split("### Consequences")[0]
    assert "Good, because it costs" not in madr and "Saving:" not in nygard


def test_a_workload_that_stays_in_its_mode_is_weighed_against_the_cheapest_other_option():
    # The support reply stays sync: against today's mode there is nothing to say, so it is set
    # against the cheapest other option that meets its contract, as a new feature is.
    a = fixed_assessment(EXAMPLES / "support-reply-draft.yaml")
    assert a.workload.current_mode == a.recommendation == "sync"
    assert ("- Good, because it costs $66 a month less than a streaming response, the cheapest other option that"
            " meets its contract ($864 against $930).") in _consequences(render_adr(a, date=DATE), "madr")


def test_an_option_that_misses_its_contract_is_not_called_one_the_rules_leave_open():
    """Board read 1 M3, still present at read 3: the voice assistant's stream, which misses its
    budget, cost "$66 a month more than the cheapest option the rules leave open (Synchronous
    call)", where sync misses its contract too; a reader takes "left open" for acceptable. The
    cheaper option is named with its own miss (once, where the miss is the chosen one's too)."""
    a = fixed_assessment(EXAMPLES / "voice-assistant.yaml")
    madr, nygard = render_adr(a, date=DATE), render_adr(a, template="nygard", date=DATE)
    line = ("its monthly cost of $6,252 is $66 a month more than Synchronous call, which is cheaper but also misses"
            " its contract (the end-to-end p95 is 2.04 s on gpt-5.4, over the budget of 0.50 s)")
    assert f"- Bad, because {line}" in madr.split("### Streaming response (chosen)")[1].split("\n### ")[0]
    assert f"- Against: {line}" in nygard
    tools = render_adr(fixed_assessment(EXAMPLES / "support-agent-tools.yaml"), date=DATE)
    assert ("- Bad, because its monthly cost of $57,911 is $272 a month more than Synchronous call, which is cheaper but"
            " also misses its contract, for the same reason") in tools
    for example in sorted(EXAMPLES.glob("*.yaml")):
        for template in ("madr", "nygard"):
            assert "leave open" not in render_adr(fixed_assessment(example), template=template, date=DATE), example.stem
    # Sync chosen and missing its budget, the stream missing it too: sync is no "cheapest option
    # the rules leave open"; the stream's own line says what it would cost more.
    rewrite = {"name": "Rewrite button", "interaction": "request_response", "latency_budget_s": 3,
               "input_tokens": 800, "output_tokens": 250, "requests_per_month": 400_000, "provider": "openai",
               "model": "gpt-5.4-mini", "downstream": "own_ui"}
    a = fixed_assessment(rewrite)
    assert a.recommendation == "sync" and {u.mode for u in a.unmet} >= {"sync", "streaming"}
    text = render_adr(a, date=DATE)
    assert "leave open" not in text and "cheapest" not in text.split("### Synchronous call (chosen)")[1].split("\n### ")[0]
    assert "- Bad, because it would cost $66 a month more than the chosen Synchronous call" in text
