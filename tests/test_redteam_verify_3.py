"""Red team, round 3 of ``advisor verify``: what a reader sees struck out, hidden, in a heading or
in a table is read as a reader reads it; a record under any of GitHub's Markdown extensions, or
with classic Mac OS line endings, is still checked; a loop of successors is said as one.

Each forged record edits only the text of an honest record: its inputs and digest still match.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_cli
from .test_reading import CLAIM, after_decision
from .test_records import PRICE_DATE, write_record
from .test_verify import MADR_CHOSEN, MADR_TITLE, edit, run_verify

FORGED_TITLE = "# Customer chatbot: send it through the Batch API"
OVERRULED = "**Decision:** the review board overruled streaming: Batch API, overnight."


@pytest.fixture(autouse=True)
def _in_a_repository(tmp_path: Path) -> None:
    """A repository of its own, as in tests/test_verify.py."""
    (tmp_path / ".git").write_text("gitdir: elsewhere\n", encoding="utf-8")


def strike(path: Path, opening: str, closing: str) -> None:
    """The honest title and decision struck out inline, a forged title and decision beside them."""
    text = path.read_text(encoding="utf-8")
    start = text.index(MADR_CHOSEN)
    end = text.index("\n", start)
    text = text[:start] + opening + text[start:end] + closing + "\n\n" + OVERRULED + text[end:]
    text = text.replace(f"{MADR_TITLE}\n", f"# {opening}{MADR_TITLE[2:]}{closing}\n\n#{FORGED_TITLE}\n", 1)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("opening, closing", [("<del>", "</del>"), ("<s>", "</s>"), ("<strike>", "</strike>")])
def test_a_title_and_decision_struck_out_inline_are_not_stated(tmp_path, capsys, opening, closing):
    """A reader takes struck-out words as withdrawn: the record states no title and no decision
    (it held, exit 0, while the only words not struck out chose the Batch API)."""
    path = write_record(capsys, "chatbot", tmp_path)
    strike(path, opening, closing)
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert out.startswith(f"{path}: INCONSISTENT: ")
    assert """the line stating the decision ('Chosen option: "Streaming response"') is gone""" in out


@pytest.mark.parametrize(
    "opening, closing", [("<del>", "</del>"), ("<div hidden>", "</div>")], ids=["struck", "hidden"]
)
def test_a_decision_wrapped_in_a_struck_or_hidden_element_is_not_stated(tmp_path, capsys, opening, closing):
    """An HTML element on lines of its own wraps the Markdown blocks up to its closing tag: the
    decision inside ``<del>`` shows struck out, inside ``<div hidden>`` not at all."""
    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, "## Decision Outcome\n", f"## Decision Outcome\n\n{opening}\n")
    edit(path, "### Consequences\n", f"{closing}\n\n{OVERRULED}\n\n### Consequences\n")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert "the line stating the decision" in out and "is gone" in out


def test_a_struck_out_word_elsewhere_in_a_record_still_holds(tmp_path, capsys):
    """Struck-out words and a table a team adds below the decision are theirs: the record holds."""
    path = write_record(capsys, "chatbot", tmp_path)
    after_decision(path, "~~Revisit in Q3~~ Revisited on 2026-11-20: no change.\n\n| Review | Outcome |\n|---|---|\n"
                         "| 2026-11-20 | kept streaming |")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 0, out
    assert out.startswith(f"{path}: holds (streaming)")


@pytest.mark.parametrize(
    "claim",
    [f"### {CLAIM}", f"| {CLAIM} |\n|---|", f"| Review | Outcome |\n|---|---|\n| 2026-11-20 | {CLAIM} |"],
    ids=["heading", "table-header", "table-cell"],
)
def test_a_decision_in_a_heading_or_a_table_is_a_decision(tmp_path, capsys, claim):
    """'### Chosen option: "Batch API"' reads as a decision, and so does a table's cell (GitHub
    renders tables): it held, exit 0."""
    path = write_record(capsys, "chatbot", tmp_path)
    after_decision(path, claim)
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert """states another decision ('Chosen option: "Batch API"')""" in out


@pytest.mark.parametrize("suffix", [".mkdn", ".mdown", ".mkd", ".mdwn", ".MDX"])
def test_a_record_under_any_of_githubs_markdown_extensions_is_checked(tmp_path, capsys, suffix):
    """GitHub renders 0001-x.mkdn as Markdown: verify found no record in the folder (or, beside
    another record, said nothing of it, exit 0), and adr gave the next record its number."""
    folder = tmp_path / "d"
    path = write_record(capsys, "chatbot", folder)
    renamed = path.with_suffix(suffix)
    path.rename(renamed)
    code_, out, _ = run_verify(capsys, folder)
    assert code_ == 0, out
    assert out.startswith(f"{renamed}: holds (streaming)")
    following = write_record(capsys, "nightly-ticket-triage", folder)
    assert following.name.startswith("0002-"), following


def test_a_record_with_classic_mac_line_endings_still_holds(tmp_path, capsys):
    """A lone CR is a line ending to CommonMark and GitHub: the record was 'not an advisor record'."""
    path = write_record(capsys, "chatbot", tmp_path)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 0, out
    assert out.startswith(f"{path}: holds (streaming)")


def test_records_that_supersede_each_other_in_a_loop_are_said_as_a_loop(tmp_path, capsys):
    """1 superseded by 2 and 2 by 1: both are in force and checked, and the note says why (it said
    'record 2, which does not exist' beside the file 0002-...)."""
    folder = tmp_path / "d"
    first = write_record(capsys, "chatbot", folder)
    code_, out, err = run_cli(capsys, "adr", Path(__file__).parent.parent / "examples" / "chatbot.yaml",
                              "--dir", folder, "--price-date", PRICE_DATE, "--date", PRICE_DATE, "--supersedes", "1")
    assert code_ == 0, err
    second = Path(out.strip())
    edit(second, "status: proposed", "status: superseded by ADR-0001")
    code_, out, _ = run_verify(capsys, folder)
    assert code_ == 0, out
    assert "which does not exist" not in out
    for path, other in ((first, 2), (second, 1)):
        assert (f"{path}: holds (streaming); marked superseded by record {other}, whose chain of successors leads"
                " back to this record, so none of them is in force: checked as a record in force") in out


@pytest.mark.parametrize("retiring", ["deprecated", "rejected", "superseded by ADR-0002"])
def test_of_two_status_keys_the_one_a_reader_sees_counts(tmp_path, capsys, retiring):
    """GitHub shows the front matter as YAML reads it: of two ``status:`` keys the last ('accepted').
    verify took the first, so a record in force was retired and never re-checked (exit 0)."""
    folder = tmp_path / "d"
    path = write_record(capsys, "chatbot", folder)
    (folder / "0002-use-a-queue.md").write_text("# 2. Use a queue\n", encoding="utf-8")
    edit(path, "status: proposed\n", f"status: {retiring}\ndate: 2026-11-01\nstatus: accepted\n")
    code_, out, _ = run_verify(capsys, path)
    assert out.startswith(f"{path}: holds (streaming)"), out
    assert code_ == 0
    edit(path, "status: accepted\n", "status: proposed\n")
    edit(path, f"status: {retiring}\n", "status: accepted\n")
    edit(path, "status: proposed\n", f"status: {retiring}\n")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 0 and out.split(":")[1].split()[0] in ("deprecated", "rejected", "superseded"), out


@pytest.mark.parametrize(
    "claim", [f"> [!IMPORTANT]\n> {CLAIM}", f"See the review[^1].\n\n[^1]: {CLAIM}"], ids=["alert", "footnote"]
)
def test_a_decision_in_a_github_alert_or_footnote_is_a_decision(tmp_path, capsys, claim):
    """GitHub shows '> [!IMPORTANT]' as a box titled Important over the decision, and '[^1]: ...' as
    a footnote: the words a reader sees start 'Chosen option: "Batch API"' (it held, exit 0)."""
    path = write_record(capsys, "chatbot", tmp_path)
    after_decision(path, claim)
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert """states another decision ('Chosen option: "Batch API"')""" in out


def test_an_images_alt_text_is_read_as_shown(tmp_path, capsys):
    """A browser shows an image's alt text where it does not load: the decision read
    'Chosen option: "Streaming response" was rejected: we chose the Batch API' and held."""
    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, MADR_CHOSEN, 'Chosen option: "Streaming response"![ was rejected: we chose the Batch API](no.png), because')
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert """the decision reads 'Chosen option: "Streaming response"was rejected: we chose the Batch API'""" in out


@pytest.mark.parametrize(
    "signature, key",
    [
        ("Drafted with advisor", "advisor_record: 2"),
        ("Written by\u00a0advisor", "\ufeffadvisor-record: 2"),
        ("Written by advisor", "Advisor-Record: 2"),
        ("**Written by\u200b advisor", "advisor record: 2"),
        ("Drafted with a tool", "adv1sor-record: 2"),
    ],
    ids=["renamed-key", "invisible-characters", "key-case", "signature-zero-width", "only-the-digest-left"],
)
def test_a_record_whose_signature_is_respelled_is_still_advisors(tmp_path, capsys, signature, key):
    """A record still reads as advisor's when its signature and its block's key are respelled
    (a no-break space, a zero-width character, "_" for "-"): it was 'skipped (not an advisor
    record)', exit 0, so a drifted record went quiet. It is unverifiable."""
    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, "Written by advisor", signature)
    edit(path, "advisor-record: 2", key)
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 2, out
    assert out.startswith(f"{path}: UNVERIFIABLE: says advisor wrote it, but its inputs block is missing")


def test_a_record_written_by_hand_is_still_not_advisors(tmp_path, capsys):
    """The looser reading of the signature does not claim a team's own record."""
    path = tmp_path / "0001-use-postgres.md"
    path.write_text("# Use Postgres\n\nWritten by advisor team members, with the rule set of our guild.\n\n"
                    "```yaml\nadvisor: ana\nrecord: kept\n```\n", encoding="utf-8")
    code_, out, _ = run_verify(capsys, path, "--allow-empty")
    assert code_ == 0, out
    assert out.startswith(f"{path}: skipped (not an advisor record)")


@pytest.mark.parametrize("hidden", ["\u200b", "&shy;", "\u2060"], ids=["zero-width-space", "soft-hyphen", "word-joiner"])
def test_a_further_decision_spelled_with_an_invisible_character_is_read(tmp_path, capsys, hidden):
    """'C<zero-width space>hosen option: "Batch API"' reads as 'Chosen option: "Batch API"' (it held, exit 0)."""
    path = write_record(capsys, "chatbot", tmp_path)
    after_decision(path, f"C{hidden}{CLAIM[1:]}")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert """states another decision ('Chosen option: "Batch API"')""" in out


@pytest.mark.parametrize("first", ["\u0421", "\uff23"], ids=["cyrillic-es", "fullwidth-c"])
def test_a_further_decision_spelled_with_a_lookalike_letter_is_read(tmp_path, capsys, first):
    """'Chosen option: "Batch API"' with a Cyrillic capital Es (or a fullwidth C) for its C reads as a
    decision (it held, exit 0)."""
    path = write_record(capsys, "chatbot", tmp_path)
    after_decision(path, f"{first}{CLAIM[1:]}")
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 1, out
    assert "states another decision" in out and 'hosen option: "Batch API"' in out


def test_a_hidden_image_hides_nothing_after_it(tmp_path, capsys):
    """An element with no content (``<img hidden>``, ``<br hidden>``) wraps nothing: the decision after
    it still shows, and the record holds."""
    path = write_record(capsys, "chatbot", tmp_path)
    edit(path, "## Decision Outcome\n", '## Decision Outcome\n\n<img src="board.png" hidden>\n<br hidden>\n')
    code_, out, _ = run_verify(capsys, path)
    assert code_ == 0, out
    assert out.startswith(f"{path}: holds (streaming)")
