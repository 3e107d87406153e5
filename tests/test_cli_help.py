"""The CLI explains itself: every option and argument has help, every command's help ends
with examples that work as printed, and the README says what the CLI does (read off its
``--help``, not restated by hand)."""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.cli import build_parser, main
from advisor.core.variables import VARIABLE_FACTS

from .conftest import EXAMPLES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> dict[str, argparse.ArgumentParser]:
    """Every command's parser by its words ("recommend", "rules check"), the top level as ""."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(parser: argparse.ArgumentParser, words: str) -> None:
        found[words] = parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{words} {name}".strip())

    walk(build_parser(), "")
    return found


PARSERS = commands()
LEAVES = [words for words, p in PARSERS.items() if words and not any(
    isinstance(a, argparse._SubParsersAction) for a in p._actions
)]


def option_groups(words: str) -> list[set[str]]:
    """Each option of a command with its aliases ({"-o", "--output"})."""
    return [set(a.option_strings) for a in PARSERS[words]._actions if a.option_strings and a.dest != "help"]


def options(words: str) -> set[str]:
    return {flag for group in option_groups(words) for flag in group}


# -- help on everything ------------------------------------------------------------------


@pytest.mark.parametrize("words", list(PARSERS))
def test_every_option_and_argument_has_help(words):
    parser = PARSERS[words]
    missing = [
        a.dest for a in parser._actions
        if not isinstance(a, argparse._SubParsersAction) and not (a.help and a.help.strip())
    ]
    assert missing == [], f"advisor {words}: no help for {missing}"
    assert parser.description or not words


@pytest.mark.parametrize("words", list(PARSERS))
def test_every_help_ends_with_examples(words):
    assert example_lines(words), f"advisor {words} --help shows no example"


def example_lines(words: str) -> list[str]:
    """The commands under "examples:" in a parser's epilog, continuation lines joined."""
    epilog = PARSERS[words].epilog or ""
    if "examples:" not in epilog:
        return []
    block = epilog.split("examples:", 1)[1].split("\n\n", 1)[0]
    joined = re.sub(r"\\\n\s*", "", block)
    return [line.strip() for line in joined.splitlines() if line.strip().startswith("advisor")]


def run_line(line: str, capsys: pytest.CaptureFixture[str]) -> list[tuple[int, str, str]]:
    """Run an example as a shell would: `a && b`, `> file`, `# comment`; in this process."""
    results = []
    for part in (p.strip() for p in line.split("#", 1)[0].split("&&")):
        argv = shlex.split(part)
        target = None
        if ">" in argv:
            target = argv[argv.index(">") + 1]
            argv = argv[: argv.index(">")]
        assert argv[0] == "advisor"
        code = main(argv[1:])
        out, err = capsys.readouterr()
        if target:
            Path(target).write_text(out, encoding="utf-8")
        results.append((code, out, err))
        if code != 0:
            break
    return results


# Commands whose examples read records that earlier work wrote.
SETUP = {"verify": ["advisor adr examples/chatbot.yaml", "advisor adr examples/gray-zone-30s.yaml --dir doc/adr"]}
# Exit 1 is a finding (a drifted record, a failed rule), not a broken example.
MAY_FIND = {"verify", "rules check"}
# Commands that serve until stopped: their examples are parsed here, and tests/test_app_command.py
# and tests/test_packaging.py start the server for real.
SERVES = {"app"}


@pytest.mark.parametrize("words", list(PARSERS))
def test_every_example_works_as_printed(words, tmp_path, monkeypatch, capsys):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for line in SETUP.get(words, []):
        assert [code for code, _, _ in run_line(line, capsys)] == [0]
    for line in example_lines(words):
        if words in SERVES:
            args = build_parser().parse_args(shlex.split(line.split("#", 1)[0])[1:])
            assert args.handler is PARSERS[words].get_default("handler"), line
            continue
        for code, _out, err in run_line(line, capsys):
            allowed = (0, 1) if words in MAY_FIND else (0,)
            assert code in allowed, f"{line!r} exited {code}: {err}"
            assert "Traceback" not in err


@pytest.mark.parametrize("words", list(PARSERS))
def test_every_example_reads_as_one_command_a_line(words):
    """An example continued on the next line shows its backslash: a string without it joins the
    two lines into one with a run of spaces in the middle."""
    epilog = PARSERS[words].epilog or ""
    block = epilog.split("examples:", 1)[-1].split("\n\n", 1)[0]
    joined = [line for line in block.splitlines() if re.search(r"\S {3,}(?=[^\s#])", line)]
    assert joined == []


def _help(words: str, option: str) -> str:
    (action,) = [a for a in PARSERS[words]._actions if option in a.option_strings]
    return action.help or ""


def test_the_help_says_alike_what_alike_options_do():
    # "(default, or -: print it)" read as a riddle; --y kept quiet about the default range
    # --x gave; adr --status sets Nygard's Status too, not only MADR's.
    printed = [words for words in LEAVES if "-o" in options(words) and PARSERS[words].get_default("output") is None
               and not any(a.required for a in PARSERS[words]._actions if "-o" in a.option_strings)]
    assert sorted(printed) == ["review", "rules docs"]
    for words in printed:
        assert "(default: print it; - also prints it)" in _help(words, "-o"), words
    assert _help("map", "--x").endswith("(default range: one a CTO would recognise)")
    assert _help("map", "--y").endswith("(default range: one a CTO would recognise)")
    assert "MADR" in _help("adr", "--status") and "Nygard" in _help("adr", "--status")
    assert _help("adr", "--force").startswith("only with --supersedes")


@pytest.mark.parametrize("words", LEAVES)
def test_an_unknown_option_is_reported_by_its_command_with_the_option_it_misspells(words, capsys):
    # `advisor recommend f.yaml --pricedate ...` printed `usage: advisor [-h] [--version]
    # COMMAND ...` and no suggestion: argparse reports what a command leaves over at the top.
    argv = shlex.split(example_lines(words)[0].split("#", 1)[0])[1:]
    misspelt = "--pricedate" if "--price-date" in options(words) else "--hepl"
    meant = "--price-date" if misspelt == "--pricedate" else "--help"
    extra = f"{misspelt}=2026-11-01"  # the value joined: a word of its own could be taken for a FILE or DIR
    with pytest.raises(SystemExit) as exit_:
        main([*argv, extra])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: advisor {words} "), err
    assert err.endswith(f"\nadvisor {words}: error: unrecognized arguments: {extra} (did you mean {meant}?)\n"), err


def test_an_argument_too_many_is_reported_by_its_command_and_one_before_it_by_the_top_level(capsys):
    for argv, usage, error in (
        (["recommend", "a.yaml", "--pricedate", "2026-11-01"], "usage: advisor recommend ",
         "advisor recommend: error: unrecognized arguments: --pricedate 2026-11-01 (did you mean --price-date?)\n"),
        (["recommend", "a.yaml", "b.yaml"], "usage: advisor recommend ",
         "advisor recommend: error: unrecognized arguments: b.yaml\n"),
        (["--bogus", "recommend", "a.yaml"], "usage: advisor [-h]", "advisor: error: unrecognized arguments: --bogus\n"),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        err = capsys.readouterr().err
        assert exit_.value.code == 2 and err.startswith(usage) and err.endswith(error), err


def test_the_map_example_shows_more_than_one_mode(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    first = example_lines("map")[0]
    ((code, out, _),) = run_line(first, capsys)
    assert code == 0
    cells = [cell for row in out.splitlines()[1:] for cell in row.split(",")[1:]]
    assert len(set(cells)) >= 2, set(cells)


def test_the_map_help_lists_exactly_the_facts_that_vary():
    epilog = PARSERS["map"].epilog or ""
    listed = re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\binteraction\b|\bdownstream\b",
                        epilog.split("Facts that can vary:", 1)[1])
    assert sorted(set(listed)) == sorted(VARIABLE_FACTS)


# -- the README against the CLI ----------------------------------------------------------


def command_blocks() -> list[str]:
    """Every ```sh block of the README and docs/ that runs advisor (not `make`, not a synopsis
    with placeholders such as TRACES...)."""
    blocks = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for block in re.findall(r"^ *```sh\n(.*?)^ *```", page.read_text(encoding="utf-8"), re.DOTALL | re.MULTILINE):
            if "advisor" in block and not block.lstrip().startswith("make") and "..." not in block:
                blocks.append(block)
    return blocks


@pytest.mark.parametrize("block", command_blocks())
def test_every_command_block_runs_as_written(block, tmp_path, monkeypatch, capsys):
    """A reader who copies one block into a project of their own (the examples beside a docs
    folder) gets no error."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    for line in re.sub(r"\\\n\s*", "", block).splitlines():
        line = line.strip()
        if variable := re.match(r"([A-Z_]+)=(\S+) ", line):
            monkeypatch.setenv(variable.group(1), variable.group(2))
            line = line[variable.end():]
        for code, _, err in run_line(line, capsys):
            assert code == 0, f"{line!r} exited {code}: {err}"
        monkeypatch.delenv("ADVISOR_RULES", raising=False)


@pytest.mark.parametrize("block", re.findall(r"```python\n(.*?)```", README, re.DOTALL))
def test_the_readmes_python_runs_and_returns_what_its_comments_say(block, tmp_path):
    """Run as a script in a folder of its own; a line `expr  # 'value'` must give that value."""
    shown: list[str] = []
    script = []
    for line in block.splitlines():
        said = re.match(r"(\S.*?)\s+# ('.*')$", line)
        if said:
            shown.append(said.group(2))
            line = f"print(repr({said.group(1)}))"
        script.append(line)
    (tmp_path / "example.py").write_text("\n".join(script) + "\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == shown


def readme_table() -> dict[str, str]:
    """The README's CLI table: command words -> the CLI cell."""
    section = README.split("## The CLI and the Python API", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for cell in re.findall(r"^\| `advisor ([^`]+)` \|", section, re.MULTILINE):
        words = next(w for w in sorted(LEAVES, key=len, reverse=True) if (cell + " ").startswith(w + " "))
        rows[words] = cell
    return rows


SHARED = ("--rules", "--price-date")


def shared_sentence_commands() -> set[str]:
    sentence = re.search(r"The commands that assess \(([^)]*)\) take `--rules DIR`", README)
    assert sentence, "the README says which commands take --rules and --price-date"
    return set(re.findall(r"`([a-z ]+)`", sentence.group(1)))


def test_the_readme_table_lists_every_command_with_its_options():
    table = readme_table()
    assert sorted(table) == sorted(LEAVES)
    shared = shared_sentence_commands()
    for words, cell in table.items():
        claimed = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", cell))
        real = options(words)
        assert claimed <= real, f"README claims advisor {words} takes {claimed - real}"
        lacking = [
            sorted(group) for group in option_groups(words)
            if not group & claimed and not (words in shared and group & set(SHARED))
        ]
        assert lacking == [], f"README's advisor {words} row lacks {lacking}"


def test_the_readme_says_which_commands_take_rules_and_price_date():
    shared = shared_sentence_commands()
    takes = {words for words in LEAVES if set(SHARED) <= options(words)}
    assert shared == takes
    assert all(not (set(SHARED) & options(words)) for words in set(LEAVES) - takes)


def advisor_lines(text: str) -> list[str]:
    """What follows `advisor` on a command line of a page, or in its inline code."""
    lines = re.findall(r"^ *(?:\$ )?(?:\.venv/bin/)?advisor ([^\n]+)$", text, re.MULTILINE)
    return lines + re.findall(r"`advisor ([a-z][^`]*)`", text)


def test_every_advisor_command_in_the_readme_uses_real_options():
    lines = advisor_lines(README)
    commands = {w.split()[0] for w in LEAVES}
    for page in sorted((ROOT / "docs").glob("*.md")):  # prose there may start "advisor benchmarks on ..."
        lines += [line for line in advisor_lines(page.read_text(encoding="utf-8")) if line.split()[0] in commands]
    assert len(lines) > 15
    for line in lines:
        words = next((w for w in sorted(LEAVES, key=len, reverse=True) if (line + " ").startswith(w + " ")), None)
        if words is None:
            assert line.split()[0] in {w.split()[0] for w in LEAVES}, line
            continue
        used = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", line.split("#", 1)[0]))
        assert used <= options(words), f"{line!r}: advisor {words} has no {used - options(words)}"


def shown_runs() -> list[str]:
    """The README's console blocks, and each block of docs/ that shows `$ advisor ...` and its output."""
    blocks = re.findall(r"```console\n(.*?)```", README, re.DOTALL)
    for page in sorted((ROOT / "docs").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        blocks += re.findall(r"```(?:console|text)\n(\$ advisor .*?)```", text, re.DOTALL)
    # ACME's first draft is a folder of its own: tests/test_authoring.py makes it and runs that block.
    return [block for block in blocks if not block.startswith("$ advisor rules check our-rules")]


@pytest.mark.parametrize("block", shown_runs())
def test_the_readmes_console_output_is_what_the_command_prints(block, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    command, *shown = block.rstrip("\n").split("\n")
    argv = shlex.split(command.removeprefix("$ "))
    assert argv[0].endswith("advisor")
    code = main(argv[1:])
    out, _ = capsys.readouterr()
    assert code == 0
    printed = out.splitlines()
    position = 0
    for line in shown:
        if line == "...":
            continue
        assert line in printed[position:], f"the docs show {line!r}, which the command does not print (in order)"
        position = printed.index(line, position) + 1
