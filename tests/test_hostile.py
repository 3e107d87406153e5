"""The hostile-input corpus (tests/hostile/cases.yaml): every case of careless or hostile
input, run through the real command line. A case fails on a traceback, a run over 10
seconds, another exit code or message than the corpus says, JSON that is not strict, or
any file changed, added or removed."""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import EXAMPLES, ROOT

CORPUS = ROOT / "tests" / "hostile"
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
TIMEOUT_S = 10

# Each case runs the CLI in a process of its own: a few seconds for the whole corpus.
pytestmark = pytest.mark.slow


def workspace(tmp_path: Path) -> Path:
    """A copy of the corpus (links kept as links), the examples, a FIFO, a link to a device
    and a file over 1 MB. The device link is made here, not kept in the repository: an sdist
    holding a link to an absolute path is refused by pip and `python -m build`."""
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root, symlinks=True)
    shutil.copytree(EXAMPLES, root / "examples")
    os.mkfifo(root / "fifo.yaml")
    (root / "links" / "to-dev-zero.yaml").symlink_to("/dev/zero")
    (root / "too-big.yaml").write_text("# " + "x" * 1_000_000 + "\n", encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under ``root``: a file's digest, a link's target, a folder, a FIFO."""
    entries: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                entries[key] = "link " + os.readlink(path)
            elif path.is_dir():
                entries[key] = "folder"
            elif path.is_file():
                entries[key] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                entries[key] = "special"
    return entries


def strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_the_corpus_names_every_case_once():
    names = [case["name"] for case in CASES]
    assert len(names) == len(set(names)) and len(names) > 80
    for case in CASES:
        assert set(case) <= {"name", "argv", "exit", "stderr", "stdout", "json"}, case["name"]
        assert case["exit"] in (0, 1, 2), case["name"]


def test_every_corpus_file_is_used():
    used = " ".join(arg for case in CASES for arg in case["argv"])
    for path in sorted(CORPUS.rglob("*")):
        relative = path.relative_to(CORPUS).as_posix()
        if path.is_file() and not path.is_symlink() and path.name != "cases.yaml":
            folder = relative.split("/")[0]
            assert relative in used or folder in used, f"{relative} is in the corpus but no case uses it"


@dataclass(frozen=True)
class Run:
    code: int | None  # None: still running after TIMEOUT_S, and killed
    out: str
    err: str
    changed: bool  # a file under the workspace was changed, added or removed


def run_case(case: dict[str, Any], root: Path) -> Run:
    before = snapshot(root)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ADVISOR_RULES", None)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "advisor.cli", *case["argv"]],
            cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return Run(None, "", "", snapshot(root) != before)
    return Run(done.returncode, done.stdout, done.stderr, snapshot(root) != before)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every case at once, a few at a time, each in a workspace of its own."""
    roots = {case["name"]: workspace(tmp_path_factory.mktemp("case")) for case in CASES}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 2)) as pool:
        futures = {case["name"]: pool.submit(run_case, case, roots[case["name"]]) for case in CASES}
        return {name: future.result() for name, future in futures.items()}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_hostile_input(case, runs):
    run = runs[case["name"]]
    assert run.code is not None, f"advisor {' '.join(case['argv'])} ran for more than {TIMEOUT_S} s"
    out, err = run.out, run.err
    assert "Traceback" not in out + err, err
    assert run.code == case["exit"], f"exit {run.code}, expected {case['exit']}:\n{err}"
    if "stderr" in case:
        assert case["stderr"] in err, err
    if "stdout" in case:
        assert case["stdout"] in out, out[-2000:]
    if case.get("json"):
        strict_json(out)
    if run.code == 2:
        assert err.strip() or out.strip(), "an unusable input says why"
        assert not err.strip() or err.splitlines()[-1].startswith("advisor"), err
    assert not run.changed, "the command changed, added or removed a file"
