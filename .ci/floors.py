"""The declared floors, tested: a fresh virtual environment with every runtime dependency
(and the app extra) pinned at the lowest version pyproject.toml allows, the test extra at
its newest, then the test suite. A floor that fails here is a promise pip makes to a user
that the advisor does not keep.

    python3 .ci/floors.py                           # every floor, the whole suite
    python3 .ci/floors.py --pin streamlit==1.41.0   # one pin moved (to find a floor)
    python3 .ci/floors.py -- tests/test_app.py -x   # other pytest arguments

Not part of `make test`: it downloads the old releases and takes minutes.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(tempfile.gettempdir()) / "advisor-floors"
EXTRAS_AT_FLOOR = ("app",)
REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*)")
FLOOR = re.compile(r">=\s*([^,\s]+)")


def floors(pyproject: Path) -> dict[str, str]:
    """``{name: lowest version}`` of the runtime dependencies and the extras users install."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in EXTRAS_AT_FLOOR:
        requirements += project["optional-dependencies"][extra]
    pins: dict[str, str] = {}
    for requirement in requirements:
        match = REQUIREMENT.fullmatch(requirement)
        floor = FLOOR.search(match.group(2)) if match else None
        if match is None or floor is None:
            sys.exit(f"{pyproject}: dependency {requirement!r} declares no floor (NAME>=VERSION)")
        pins[match.group(1).lower()] = floor.group(1)
    return pins


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pin", action="append", default=[], metavar="NAME==VERSION",
                        help="test this version instead of the declared floor")
    parser.add_argument("--venv", type=Path, default=VENV, help=f"where to build it (default {VENV}; emptied first)")
    parser.add_argument("pytest_args", nargs="*", help="after --: what pytest runs (default: the whole suite)")
    args = parser.parse_args()

    pins = floors(ROOT / "pyproject.toml")
    for pin in args.pin:
        name, _, version = pin.partition("==")
        if name.lower() not in pins or not version:
            parser.error(f"--pin {pin!r}: expected NAME==VERSION for one of {', '.join(sorted(pins))}")
        pins[name.lower()] = version

    venv.create(args.venv, clear=True, with_pip=True)
    python = str(args.venv / "bin" / "python")
    constraints = args.venv / "floors.txt"
    constraints.write_text("".join(f"{name}=={version}\n" for name, version in pins.items()), encoding="utf-8")
    print("floors:", ", ".join(f"{name}=={version}" for name, version in pins.items()), flush=True)

    pip = [python, "-m", "pip", "--disable-pip-version-check"]
    install = [*pip, "install", "-c", str(constraints), "-e", f"{ROOT}[{','.join((*EXTRAS_AT_FLOOR, 'test'))}]"]
    for step in (install, [*pip, "check"]):
        done = subprocess.run(step, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:  # pip says why (a conflict, a build that failed) only when not quiet
            print(done.stdout, done.stderr, f"floors: failed: {' '.join(step)}", sep="\n", file=sys.stderr)
            return 1
    # What the tests ran against, said beside their result.
    show = "import importlib.metadata as m, sys; print('installed:', *(f'{n}=={m.version(n)}' for n in sys.argv[1:]))"
    subprocess.run([python, "-c", show, *pins], cwd=ROOT)
    tests = args.pytest_args or ["tests"]
    return subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
