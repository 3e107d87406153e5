"""A newcomer who installed advisor from a wheel follows the README, the docs and the help,
outside the repository: the worked examples they name can be had, and a missing one says how."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import advisor

from .conftest import EXAMPLES, ROOT, run_cli


def test_init_example_writes_the_worked_example_the_docs_name(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "init", "--example", "chatbot")
    assert code == 0, err
    assert (tmp_path / "chatbot.yaml").read_bytes() == (EXAMPLES / "chatbot.yaml").read_bytes()
    assert "wrote chatbot.yaml; then: advisor recommend chatbot.yaml" in err
    code, out, err = run_cli(capsys, "recommend", "chatbot.yaml")
    assert code == 0, err
    assert out.startswith("Customer chatbot: STREAMING")


def test_init_example_to_a_file_and_to_stdout(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").mkdir()
    code, _, err = run_cli(capsys, "init", "--example", "gray-zone-30s", "examples/gray-zone-30s.yaml")
    assert code == 0, err
    assert (tmp_path / "examples" / "gray-zone-30s.yaml").read_text() == (EXAMPLES / "gray-zone-30s.yaml").read_text()
    code, out, _ = run_cli(capsys, "init", "--example", "voice-assistant", "-")
    assert code == 0
    assert out == (EXAMPLES / "voice-assistant.yaml").read_text()
    # An example already written is not replaced without --force, as the starter is not.
    code, _, err = run_cli(capsys, "init", "--example", "gray-zone-30s", "examples/gray-zone-30s.yaml")
    assert code == 2 and "--force" in err


def test_an_unknown_example_is_refused_with_the_names_allowed(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "init", "--example", "chatbott")
    assert code == 2 and out == ""
    assert err.startswith("advisor: error: option --example: no worked example named 'chatbott'; one of: chatbot, ")
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_the_python_api_mirrors_init_example():
    assert advisor.starter_workload(example="chatbot") == (EXAMPLES / "chatbot.yaml").read_text()
    assert advisor.starter_workload() != advisor.starter_workload(example="support-reply-draft")
    with pytest.raises(advisor.InputError, match="option --example: no worked example named 'nope'; one of: "):
        advisor.starter_workload(example="nope")


def test_a_missing_worked_example_says_how_to_write_it_and_that_works(capsys, tmp_path, monkeypatch):
    """`advisor --help`'s first example, `advisor recommend examples/chatbot.yaml`, outside a
    checkout: the error gives the commands that make it work, and they do."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "recommend", "examples/chatbot.yaml")
    assert code == 2 and out == ""
    assert err == (
        "advisor: error: examples/chatbot.yaml: no such file; the worked example ships with advisor: "
        "mkdir examples, then advisor init --example chatbot examples/chatbot.yaml\n"
    )
    (tmp_path / "examples").mkdir()
    code, _, err = run_cli(capsys, "adr", "examples/chatbot.yaml")
    assert err.endswith("the worked example ships with advisor: advisor init --example chatbot examples/chatbot.yaml\n")
    assert code == 2
    assert run_cli(capsys, "init", "--example", "chatbot", "examples/chatbot.yaml")[0] == 0
    code, out, err = run_cli(capsys, "recommend", "examples/chatbot.yaml")
    assert code == 0, err
    assert out.startswith("Customer chatbot: STREAMING")


def test_a_missing_file_that_is_no_worked_example_gets_no_hint(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").mkdir()
    for path in ("examples/my-feature.yaml", "chatbot.yaml", "features/chatbot.yaml"):
        code, _, err = run_cli(capsys, "recommend", path)
        assert (code, err) == (2, f"advisor: error: {path}: no such file\n")


@pytest.mark.slow
def test_the_wheel_writes_its_worked_examples_outside_the_repository(tmp_path):
    """Installed from a wheel, in a folder with no examples/: every worked example of the
    checkout can be written, and the README's first command then runs as printed."""
    out = tmp_path / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)],
        capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = out.glob("advisor-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("ADVISOR_RULES", None)

    def advisor_cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "advisor", *argv], cwd=home, env=env, capture_output=True, text=True)

    first = advisor_cli("recommend", "examples/support-reply-draft.yaml", "--price-date", "2026-11-01")
    assert first.returncode == 2
    assert "mkdir examples, then advisor init --example support-reply-draft examples/support-reply-draft.yaml" in first.stderr
    (home / "examples").mkdir()
    for example in sorted(EXAMPLES.glob("*.yaml")):
        wrote = advisor_cli("init", "--example", example.stem, f"examples/{example.name}")
        assert wrote.returncode == 0, wrote.stderr
        assert (home / "examples" / example.name).read_bytes() == example.read_bytes()
    again = advisor_cli("recommend", "examples/support-reply-draft.yaml", "--price-date", "2026-11-01")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Support reply draft: SYNC (synchronous contract)")


@pytest.mark.parametrize("function", ["assess", "facts", "decision_map", "review", "verify", "load_rules"])
def test_every_public_function_that_takes_a_rule_set_folder_takes_a_path(function, tmp_path):
    """A rule set of one's own is a folder: `advisor.load_rules(Path(...))` and `advisor.verify(...,
    rules=Path(...))` were typed to take a Path, `assess`, `facts`, `decision_map` and `review`
    only text, so a type-checked caller (the package ships py.typed) was refused what runs."""
    import typing

    hints = typing.get_type_hints(getattr(advisor, function))
    parameter = "rules_dir" if function == "load_rules" else "rules"
    assert Path in typing.get_args(hints[parameter]), hints[parameter]


def test_a_rule_set_folder_given_as_a_path_decides_as_the_same_text(tmp_path):
    rules = tmp_path / "our-rules"
    rules.mkdir()
    (rules / "ruleset.yaml").write_text(
        "id: our-rules\nversion: 1.0.0\ntitle: Ours\nextends: default\nweights:\n  cost_burst: 2.5\n", encoding="utf-8"
    )
    profile = advisor.load_profile(EXAMPLES / "nightly-ticket-triage.yaml")
    by_path = advisor.assess(profile, rules=rules, price_date="2026-11-01", what_if=False)
    by_text = advisor.assess(profile, rules=str(rules), price_date="2026-11-01", what_if=False)
    assert by_path.ruleset.id == "our-rules" == by_text.ruleset.id
    assert by_path.model_dump(mode="json") == by_text.model_dump(mode="json")


def test_review_of_the_missing_examples_folder_says_how_to_write_it(capsys, tmp_path, monkeypatch):
    """`advisor --help`'s third example, `advisor review examples/`, outside a checkout."""
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "review", "examples/")
    assert code == 2 and out == ""
    names = ", ".join(sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
    assert err == (
        "advisor: error: no workload files (*.yaml, *.yml) found in examples/; examples: no such file or folder; "
        "the worked examples ship with advisor: mkdir examples, then advisor init --example NAME "
        f"examples/NAME.yaml for each NAME of: {names}\n"
    )
    (tmp_path / "examples").mkdir()
    for name in ("chatbot", "gray-zone-30s"):
        assert run_cli(capsys, "init", "--example", name, f"examples/{name}.yaml")[0] == 0
    code, out, err = run_cli(capsys, "review", "examples/")
    assert code == 0, err
    assert out.startswith("# Architecture review: 2 AI features")
    code, _, err = run_cli(capsys, "review", "elsewhere/")
    assert (code, err) == (2, "advisor: error: no workload files (*.yaml, *.yml) found in elsewhere/; elsewhere: no such file or folder\n")


def test_what_the_readme_says_is_in_a_checkout_only_is_what_the_wheel_leaves_out():
    """The README tells a newcomer which examples an installed advisor lacks; that list is
    pyproject.toml's wheel exclusions (it once said the wheel ships no examples at all)."""
    import re
    import tomllib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    excluded = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"][
        "targets"]["wheel"]["exclude"]
    sentence = re.search(r"The trace export .*? are in a checkout only", readme, re.DOTALL)
    assert sentence, "the README says what an installed advisor lacks"
    named = set(re.findall(r"`(examples/[^`]+?)/?`", sentence.group(0)))
    assert named == set(excluded)
    assert "the wheel does not ship" not in readme


def test_the_review_the_readme_names_in_python_is_what_the_cli_writes(capsys, tmp_path):
    """The README's CLI/API table: `advisor review ... -o FILE --format md|json` is
    `advisor.render_review(advisor.review(paths), fmt)`, byte for byte."""
    paths = [EXAMPLES / "chatbot.yaml", EXAMPLES / "gray-zone-30s.yaml"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert 'advisor.render_review(review, "md" or "json")' in readme
    review = advisor.review(paths)
    for fmt in ("md", "json"):
        out = tmp_path / f"review.{fmt}"
        code, _, err = run_cli(capsys, "review", *paths, "--format", fmt, "-o", out)
        assert code == 0, err
        assert out.read_text(encoding="utf-8") == advisor.render_review(review, fmt)
