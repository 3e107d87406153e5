"""verify reads a record as a CommonMark renderer shows it (advisor.records.reading): what a
reader sees as code is not a title or a decision, what a reader sees as text is, however it is
spelled or wrapped; and reading takes linear time.

The forged records are the red team's (round 2 of verify): each edits only the text of an
honest record, so the inputs and their digest still match.
"""

from __future__ import annotations

import datetime
import re
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from advisor import load_rules, verify
from advisor.records.folder import record_title_line
from advisor.records.reading import first_heading, visible_lines
from advisor.records.verify import verify_one

from .conftest import EXAMPLES, run_cli
from .test_records import PRICE_DATE, write_record
from .test_verify import MADR_CHOSEN, MADR_TITLE, changed_rules, edit, run_verify

DAY = datetime.date.fromisoformat(PRICE_DATE)
CLAIM = 'Chosen option: "Batch API", because the review board overruled streaming on cost.'


def after_decision(path: Path, inject: str) -> None:
    """``inject`` as paragraphs right after the honest MADR decision paragraph."""
    text = path.read_text(encoding="utf-8")
    decision = re.search(r'^Chosen option: "Streaming response", because.*$', text, flags=re.MULTILINE)
    assert decision is not None
    path.write_text(text[: decision.end()] + "\n\n" + inject + text[decision.end():], encoding="utf-8")


def test_a_title_and_decision_shown_as_code_in_a_block_quote_are_not_read(tmp_path, capsys):
    """Finding 1: a fence inside a block quote is code to a reader; the title and decision shown
    are the forged ones."""
    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, MADR_CHOSEN, "Chosen option: **Batch API**, because")
    edit(path, f"{MADR_TITLE}\n", f"> ```text\n> {MADR_TITLE}\n> {MADR_CHOSEN} (first draft)\n> ```\n\n"
                                  "# Customer chatbot: send it through the Batch API\n")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert out.startswith(f"{path}: INCONSISTENT: ")
    assert "the title reads 'Customer chatbot: send it through the Batch API'" in out
    assert "the decision reads 'Chosen option: Batch API'" in out


@pytest.mark.parametrize("container", ["> ", "- "])
def test_a_successor_whose_only_title_is_code_is_no_record(tmp_path, capsys, container):
    """Finding 1, for superseding: a title inside a fenced block in a block quote or a list item
    shows as code, so the file has no title and supersedes nothing."""
    folder = tmp_path / "d"
    record = write_record(capsys, "nightly-ticket-triage", folder)
    edit(record, "status: proposed", "status: superseded by ADR-0002")
    more = "> " if container == "> " else "  "  # a block quote's lines, a list item's continuation
    (folder / "0002-note.md").write_text(f"{container}```\n{more}# 2. Use a queue\n{more}```\n")
    assert record_title_line((folder / "0002-note.md").read_text()) is None
    code_, out, _ = run_verify(capsys, folder, "--rules", changed_rules(tmp_path, batch_needs_s=2 * 86400))
    assert code_ == 1 and out.startswith(f"{record}: DRIFTED batch -> async"), out


@pytest.mark.parametrize(
    "before",
    ["Reviewer note: write `<!--` to start a comment.", "Reviewed by Ana <!-- TODO link the minutes"],
    ids=["code-span", "unclosed-inline"],
)
def test_a_comment_opener_that_opens_no_comment_hides_nothing(tmp_path, capsys, before):
    """Finding 2: `<!--` in a code span, or inline and never closed, is text: the decision after it shows."""
    path = write_record(capsys, "chatbot", tmp_path)
    after_decision(path, f"{before}\n\n{CLAIM}")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert """states another decision ('Chosen option: "Batch API"')""" in out


def test_a_list_items_indented_paragraph_is_text_not_code(tmp_path, capsys):
    """Finding 3: a list item's continuation paragraph indented four spaces is a paragraph."""
    path = write_record(capsys, "chatbot", tmp_path)
    after_decision(path, f"Review board, 2026-11-20:\n\n-   Outcome of the review:\n\n    {CLAIM}\n")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert """states another decision ('Chosen option: "Batch API"')""" in out


@pytest.mark.parametrize(
    "block",
    [f"<div>\n{CLAIM}\n</div>", f"<p>{CLAIM}</p>", f"<div>\n<!-- a note -->\n<b>{CLAIM}</b>\n</div>"],
    ids=["div", "p", "div-with-comment"],
)
def test_a_decision_written_in_an_html_block_is_read(tmp_path, capsys, block):
    """A renderer shows the text between an HTML block's tags: a decision written there is one."""
    path = write_record(capsys, "chatbot", tmp_path)
    after_decision(path, block)
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert """states another decision ('Chosen option: "Batch API"')""" in out


def test_a_title_written_as_an_html_heading_is_the_title(tmp_path, capsys):
    """An ``<h1>`` above the record's own title is the first title a reader sees."""
    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, f"{MADR_TITLE}\n", f"<h1>Customer chatbot: send it through the Batch API</h1>\n\n{MADR_TITLE}\n")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert "the title reads 'Customer chatbot: send it through the Batch API'" in out


@pytest.mark.parametrize(
    "block",
    [f"<!--\n{CLAIM}\n-->", f"<script>\n{CLAIM}\n</script>", "<details>\n<summary>Review notes</summary>\n</details>"],
    ids=["comment", "script", "details"],
)
def test_what_an_html_block_does_not_show_is_not_read(tmp_path, capsys, block):
    path = write_record(capsys, "chatbot", tmp_path)
    after_decision(path, block)
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 0, out


@pytest.mark.parametrize(
    "claim",
    [CLAIM.replace("Chosen option", "Chosen  option"),
     CLAIM.replace('"Batch API"', "\u201cBatch API\u201d"),
     CLAIM.replace("Chosen option:", "**Chosen option:**"),
     CLAIM.replace("option: ", "option:\u00a0"),
     CLAIM.replace('"Batch API"', "Batch API"),
     CLAIM.replace("Chosen option: ", "Chosen option:\n")],
    ids=["double-space", "curly-quotes", "bold", "nbsp", "no-quotes", "wrapped"],
)
def test_a_further_decision_is_recognised_however_it_is_spelled(tmp_path, capsys, claim):
    """Finding 4: a second decision that renders as one names its option, whatever its spacing,
    quotes or emphasis."""
    path = write_record(capsys, "chatbot", tmp_path)
    after_decision(path, claim)
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert "states another decision" in out and "Batch API" in out


@pytest.mark.parametrize(
    "again",
    ['Chosen option: \u201cStreaming response\u201d, as agreed.', '**Chosen option:** "Streaming response".'],
    ids=["curly-quotes", "bold"],
)
def test_a_further_decision_naming_the_same_option_in_another_spelling_holds(tmp_path, capsys, again):
    path = write_record(capsys, "chatbot", tmp_path)
    after_decision(path, again)
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 0, out


# Block starts a formatter never wraps a word onto: the wrapped line would begin another block.
_BLOCK_START = re.compile(r"^(?:[#>+*=_|<~`-]|\d{1,9}[.)])")


def hard_wrapped(text: str, width: int) -> str:
    """``text`` with every prose paragraph line wrapped at ``width`` columns, as Prettier
    (proseWrap: always) or mdformat --wrap do: front matter, headings, lists, quotes, code and
    HTML left alone, and no word moved to the start of a line where it would begin a block."""
    out: list[str] = []
    rows = text.split("\n")
    fence: str | None = None
    front = rows[0] == "---"
    for number, row in enumerate(rows):
        if front:
            front = not (number > 0 and row == "---")
            out.append(row)
            continue
        if fence is not None or row.startswith(("```", "~~~")):
            if fence is None:
                fence = row[:3]
            elif row.startswith(fence):
                fence = None
            out.append(row)
            continue
        if len(row) <= width or row.startswith((" ", "\t")) or _BLOCK_START.match(row):
            out.append(row)
            continue
        line = ""
        for word in row.split(" "):
            if line and len(line) + 1 + len(word) > width and not _BLOCK_START.match(word):
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return "\n".join(out)


EXAMPLE_NAMES = sorted(path.stem for path in EXAMPLES.glob("*.yaml"))


class Records(dict[tuple[str, str], tuple[Path, str]]):
    def __repr__(self) -> str:  # what a failing example prints: not every record whole
        return f"<{len(self)} shipped records>"


@pytest.fixture(scope="module")
def shipped_records(tmp_path_factory) -> Records:
    """Every shipped example's record in both templates: its path and its text as written."""
    from advisor.cli import main

    records = Records()
    for template in ("madr", "nygard"):
        folder = tmp_path_factory.mktemp(template)
        for name in EXAMPLE_NAMES:
            before = set(folder.iterdir())
            assert main(["adr", str(EXAMPLES / f"{name}.yaml"), "--dir", str(folder), "--template", template,
                         "--price-date", PRICE_DATE, "--date", "2026-11-23"]) == 0
            (path,) = set(folder.iterdir()) - before
            records[name, template] = (path, path.read_text(encoding="utf-8"))
    return records


def test_a_record_hard_wrapped_at_80_columns_holds(shipped_records, capsys):
    """Finding 5: the red team's case, a Nygard record on the asynchronous job, wrapped at 80."""
    path, text = shipped_records["contract-risk-review", "nygard"]
    wrapped = hard_wrapped(text, 80)
    assert "(`async`, Asynchronous job),\nbecause" in wrapped or "(`async`,\nAsynchronous" in wrapped
    path.write_text(wrapped, encoding="utf-8")
    try:
        assert verify_one(path, load_rules(), DAY).status == "holds"
    finally:
        path.write_text(text, encoding="utf-8")
    capsys.readouterr()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=hs.sampled_from(EXAMPLE_NAMES), template=hs.sampled_from(["madr", "nygard"]),
       width=hs.integers(min_value=30, max_value=100))
def test_any_shipped_record_hard_wrapped_at_any_width_still_holds(shipped_records, name, template, width):
    """Finding 5: a formatter that hard-wraps prose changes no word a reader sees."""
    path, text = shipped_records[name, template]
    wrapped = hard_wrapped(text, width)
    path.write_text(wrapped, encoding="utf-8")
    try:
        result = verify_one(path, load_rules(), DAY)
    finally:
        path.write_text(text, encoding="utf-8")
    assert result.status == "holds", (width, result.message)


@pytest.mark.parametrize("shown", ["Q&A bot: stream the answer", "Q&#38;A bot: stream the answer",
                                   r"Q\&A bot: stream the answer"])
def test_a_title_compares_as_it_renders(tmp_path, capsys, shown):
    """Finding 6: ``Q&amp;A``, ``Q&A``, ``Q&#38;A`` and ``Q\\&A`` all render as Q&A."""
    workload = tmp_path / "qa.yaml"
    workload.write_text(re.sub(r"(?m)^name:.*$", 'name: "Q&A bot"', (EXAMPLES / "chatbot.yaml").read_text()))
    code_, out, err = run_cli(capsys, "adr", workload, "--dir", tmp_path / "d", "--price-date", PRICE_DATE)
    assert code_ == 0, err
    path = Path(out.strip())
    edit(path, "# Q&amp;A bot: stream the answer", f"# {shown}")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 0, out
    edit(path, f"# {shown}", "# Q&amp;B bot: stream the answer")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1 and "the title reads 'Q&B bot: stream the answer'" in out, out


def _alarm(signum, frame):  # pragma: no cover - only when reading hangs
    raise TimeoutError("reading a record took more than 30 s")


@pytest.mark.parametrize(
    "text",
    ["# a" + " " * 200_000 + "b\n", "# Notes\n\n```a" + " " * 200_000 + "b\n",
     "# Notes\n\n" + "<!-- " * 40_000 + "\n", "# Notes\n\n" + "`" * 200_000 + "\n",
     "# Notes\n\n<div>\n" + "<!--<script" * 20_000 + "\n", "# Notes\n\n<div>\n" + "<a " * 60_000 + "\n"],
    ids=["heading", "fence", "comments", "backticks", "html-comments", "html-tags"],
)
def test_a_long_line_is_read_in_linear_time(text):
    """Finding 10: a 200 KB line does not make reading backtrack (it took minutes); the alarm only
    stops a hang, it times nothing."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(30)
    try:
        lines = visible_lines(text)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    heading = first_heading(lines)
    assert heading is not None and heading.shown in ("a b", "Notes")


def test_verify_finds_the_forged_records_in_a_folder(tmp_path, capsys):
    """All at once, as CI reads a folder: each forgery is inconsistent, the honest record holds."""
    folder = tmp_path / "d"
    honest = write_record(capsys, "chatbot", folder)
    forged = write_record(capsys, "chatbot", folder)
    after_decision(forged, f"Reviewed by Ana <!-- TODO\n\n{CLAIM}")
    statuses = {Path(r.path).name: r.status for r in verify(folder, price_date=DAY)}
    assert statuses == {honest.name: "holds", forged.name: "inconsistent"}
