"""The same input gives the same bytes whatever the environment the command runs in: the
locale and its encoding, the time zone, the hash seed and the working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES, PRICE_DATE

COMMAND = "import sys; from advisor.cli import run; sys.argv = ['advisor', *sys.argv[1:]]; run()"
FIXED = ("--price-date", PRICE_DATE.isoformat())
ENVIRONMENT = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONHASHSEED", "PYTHONUTF8", "PYTHONIOENCODING")

# Each a different environment: a locale whose encoding is ASCII (an old server's C locale,
# with Python's UTF-8 fallbacks off), a time zone a day ahead of UTC, another hash seed, and
# another working directory.
VARIANTS = {
    "ascii locale": ({"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}, None),
    "time zone": ({"TZ": "Pacific/Kiritimati"}, None),
    "hash seed": ({"PYTHONHASHSEED": "4242"}, None),
    "working directory": ({}, "/"),
}

COMMANDS = {
    "recommend (steps)": ("recommend", str(EXAMPLES / "support-agent-tools.yaml"), *FIXED),
    "recommend json": ("recommend", "--format", "json", str(EXAMPLES / "chatbot.yaml"), *FIXED),
    "rules docs": ("rules", "docs"),
    "review": ("review", str(EXAMPLES / "support-agent-tools.yaml"), str(EXAMPLES / "chatbot.yaml"), *FIXED),
}


def _run(argv: tuple[str, ...], env: dict[str, str], cwd: str | None) -> subprocess.CompletedProcess[bytes]:
    base = {k: v for k, v in os.environ.items() if k not in ENVIRONMENT}
    return subprocess.run(
        [sys.executable, "-c", COMMAND, *argv], env={**base, **env}, cwd=cwd, capture_output=True, timeout=120
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_output_is_the_same_bytes_in_every_environment(command: str, tmp_path: Path) -> None:
    argv = COMMANDS[command]
    reference = _run(argv, {"LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0", "TZ": "UTC"}, str(tmp_path))
    assert reference.returncode == 0, reference.stderr.decode()
    assert reference.stdout.decode("utf-8")  # UTF-8, and not empty
    for name, (env, cwd) in VARIANTS.items():
        done = _run(argv, env, cwd or str(tmp_path))
        assert done.returncode == 0, f"{name}: {done.stderr.decode(errors='replace')}"
        assert done.stdout == reference.stdout, f"{name}: the output differs"


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system that takes any bytes in a name")
def test_a_file_name_that_is_not_utf8_is_written_back_as_its_bytes(tmp_path: Path) -> None:
    # A workload copied from an older system keeps its Latin-1 name ("café" as c a f 0xE9).
    # Python hands such a name over with the undecodable byte as a lone surrogate; the
    # report shows the name as the file system has it, on standard output and in a file.
    folder = tmp_path / "workloads"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.yaml")
    (folder / name).write_bytes((EXAMPLES / "chatbot.yaml").read_bytes())
    printed = _run(("review", str(folder), *FIXED), {}, str(tmp_path))
    assert printed.returncode == 0, printed.stderr.decode(errors="replace")
    assert b"caf\xe9.yaml" in printed.stdout
    written = _run(("review", str(folder), "-o", "review.md", *FIXED), {}, str(tmp_path))
    assert written.returncode == 0, written.stderr.decode(errors="replace")
    assert (tmp_path / "review.md").read_bytes() == printed.stdout
