"""Records where they are published and checked: the Markdown renderers of GitHub
(CommonMark, here markdown-it-py) and MkDocs (Python-Markdown, with its own fenced code or
pymdownx.superfences), and pre-commit, run for real with `pre-commit try-repo`.

Every record must render with one H1 and one code block that holds its inputs, and the
YAML in that block, as the reader's browser shows it, must still be the record's inputs.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from advisor.records.inputs import read_inputs

from .conftest import EXAMPLES, ROOT, run_cli
from .test_records import fixed_assessment

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
# MkDocs reads YAML front matter itself before Markdown sees the page; GitHub shows it as a table.
_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n.*?\n(?:-{3}|\.{3})[ \t]*\n", re.DOTALL)


def _python_markdown(extensions: list[str], configs: dict | None = None):
    import markdown

    return markdown.Markdown(extensions=extensions, extension_configs=configs or {}).convert


def _superfences_with_mermaid():
    """MkDocs Material's documented setup: Mermaid fences become diagrams, the rest code."""
    from pymdownx.superfences import fence_code_format

    custom = [{"name": "mermaid", "class": "mermaid", "format": fence_code_format}]
    return _python_markdown(["toc", "tables", "attr_list", "pymdownx.superfences"],
                            {"pymdownx.superfences": {"custom_fences": custom}})


def _markdown_it(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").render(text)


RENDERERS = {
    # MkDocs' defaults: toc, tables, fenced_code.
    "python-markdown": lambda: _python_markdown(["toc", "tables", "fenced_code"]),
    "python-markdown+superfences": lambda: _python_markdown(["toc", "tables", "pymdownx.superfences"]),
    "python-markdown+superfences+mermaid": _superfences_with_mermaid,
    "markdown-it-py": lambda: _markdown_it,
}


def _code_blocks(page: str) -> list[str]:
    """The text of every <pre> block, as the reader sees it."""
    blocks = re.findall(r"<pre[^>]*>(.*?)</pre>", page, re.DOTALL)
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]


@pytest.mark.parametrize("renderer", sorted(RENDERERS))
@pytest.mark.parametrize("template", ["madr", "nygard"])
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_one_title_and_one_inputs_block_in_every_renderer(renderer, template, example):
    from advisor import render_adr

    text = render_adr(fixed_assessment(example), template=template, date="2026-11-23")
    expected = read_inputs(text, "record")
    assert expected is not None
    page = RENDERERS[renderer]()(_FRONT_MATTER.sub("", text))
    assert len(re.findall(r"<h1[ >]", page)) == 1, "one H1: the title"
    holding = [block for block in _code_blocks(page) if "advisor-record: 2" in block]
    assert len(holding) == 1, "one code block holds the inputs"
    shown = yaml.safe_load(holding[0])
    assert shown["workload"] == yaml.safe_load(expected_block(text))["workload"]
    assert shown["record"]["mode"] == expected.stamp.mode
    # Nothing of the inputs leaks out of the block as prose or headings.
    assert "advisor verify re-checks this record" not in re.sub(r"<pre.*?</pre>", "", page, flags=re.DOTALL)


def expected_block(text: str) -> str:
    return text[text.index("```yaml\n") + len("```yaml\n") : text.rindex("```")]


# -- pre-commit ---------------------------------------------------------------------------------------


def test_the_verify_hook_runs_on_a_record_a_workload_or_a_rule_file_and_checks_the_records_folder():
    """A commit that changes only a workload file or the rule set is the drift the hook exists to
    catch: it runs on YAML files too, and verifies the records folder (not the files committed,
    which are no records)."""
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks["advisor-verify"]
    assert hook["pass_filenames"] is False and hook["entry"] == "advisor verify --allow-empty"
    assert "args" not in hook  # verify's own default, docs/decisions; a config's args replace it
    files = re.compile(hook["files"])
    for name in ("docs/decisions/0001-chat.md", "doc/adr/0002-x.MARKDOWN", "workloads/chat.yaml",
                 "services/support/workloads/chat.YML", "our-rules/latency.yaml"):
        assert files.search(name), name
    for name in ("app.py", "README.rst", "workloads/chat.yaml.bak"):
        assert not files.search(name), name


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _snapshot_of_this_tree(target: Path) -> Path:
    """This working tree as a repository of one commit (try-repo reads commits; files not
    yet committed, like a new hook, must be in it too)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "-c", "user.email=ci@example.com", "-c", "user.name=CI", "commit", "-q", "-m", "snapshot")
    return target


def _pre_commit_available() -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")


@pytest.mark.slow
def test_pre_commit_hooks_run_with_try_repo(tmp_path, capsys):
    """The hooks this repository offers, installed and run by the real pre-commit."""
    _pre_commit_available()
    scratch = tmp_path / "product"
    scratch.mkdir()
    _git(scratch, "init", "-q")
    _git(scratch, "config", "user.email", "ci@example.com")
    _git(scratch, "config", "user.name", "CI")
    decisions = scratch / "docs" / "decisions"
    workload = scratch / "workloads" / "chat.yaml"
    workload.parent.mkdir()
    shutil.copyfile(EXAMPLES / "chatbot.yaml", workload)
    # Written with today's prices (no --price-date), so that it holds today; it names its workload file.
    code_, _, err = run_cli(capsys, "adr", workload, "--dir", decisions)
    assert code_ == 0, err
    (decisions / "README.md").write_text("# Decisions\n\nWritten by advisor; see below.\n")
    shutil.copytree(ROOT / "rules", scratch / "our-rules")
    _git(scratch, "add", "-A")
    _git(scratch, "commit", "-q", "-m", "records")

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "ADVISOR_RULES": str(scratch / "our-rules")}
    env.pop("VIRTUAL_ENV", None)

    source = _snapshot_of_this_tree(tmp_path / "advisor")

    def try_repo(*hook: str, files: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        which = ["--files", *files] if files else ["--all-files"]
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(source), *hook, *which],
            cwd=scratch, env=env, capture_output=True, text=True, timeout=900, check=False,
        )

    both = try_repo()
    assert both.returncode == 0, both.stdout + both.stderr
    assert re.search(r"advisor verify \(recorded decisions still hold\)\.+Passed", both.stdout), both.stdout
    assert re.search(r"advisor rules check\.+Passed", both.stdout), both.stdout

    # A commit that changes only a workload file (ten times the traffic) runs the verify hook, which
    # re-checks the records (not the files committed): the record of that workload drifts.
    workload.write_text(workload.read_text().replace("requests_per_month: 400000", "requests_per_month: 4000000"))
    drifted = try_repo("advisor-verify", files=("workloads/chat.yaml",))
    assert drifted.returncode == 1, drifted.stdout + drifted.stderr
    assert "DRIFTED" in drifted.stdout and "requests_per_month 400,000 -> 4,000,000" in drifted.stdout
    shutil.copyfile(EXAMPLES / "chatbot.yaml", workload)
    # A commit of a file that is no record, workload or rule file does not run it.
    (scratch / "app.py").write_text("print('hello')\n")
    skipped = try_repo("advisor-verify", files=("app.py",))
    assert skipped.returncode == 0 and "Skipped" in skipped.stdout, skipped.stdout

    # A hand edit of a record's inputs fails the verify hook, naming the record.
    (path,) = decisions.glob("0001-*.md")
    path.write_text(path.read_text().replace("requests_per_month: 400000", "requests_per_month: 4000000"))
    failed = try_repo("advisor-verify")
    assert failed.returncode == 1
    assert "INCONSISTENT" in failed.stdout and path.name in failed.stdout

    # A broken rule set fails the rules hook.
    header = scratch / "our-rules" / "latency.yaml"
    header.write_text(header.read_text().replace("op: lt", "op: less-than", 1))
    broken = try_repo("advisor-rules-check")
    assert broken.returncode != 0 and "less-than" in broken.stdout, broken.stdout
