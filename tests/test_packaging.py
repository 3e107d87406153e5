"""A packaged install works outside the repository: rules/, reports/ and the questionnaire ship
in the wheel."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

import advisor
from questionnaire.scenarios import DEFAULT_SCENARIO
from questionnaire.vocabulary import Words

from .conftest import EXAMPLES, ROOT

# Building the wheel takes seconds: `make test-fast` skips this module.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("advisor-*.whl")
    return built


def test_wheel_ships_rules_and_report_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped_rules = {p.name for p in (ROOT / "rules").glob("*.yaml")}
    assert {f"advisor/rules/{n}" for n in shipped_rules} <= names
    shipped_reports = {p.name for p in (ROOT / "reports").glob("*.j2")}
    assert shipped_reports and {f"advisor/reports/{n}" for n in shipped_reports} <= names
    # Type checkers read the package's annotations (PEP 561); every layer ships.
    assert {"advisor/py.typed", "advisor/core/__init__.py", "advisor/cli/__main__.py"} <= names
    assert "advisor/core/starter.yaml" in names  # what advisor init writes
    # The licence the metadata declares travels with the code.
    assert any(re.fullmatch(r"advisor-[^/]+\.dist-info/licenses/LICENSE", n) for n in names)


def test_installed_package_runs_from_another_folder(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    workload = tmp_path / "w.yaml"
    workload.write_text((ROOT / "examples" / "chatbot.yaml").read_text())
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("ADVISOR_RULES", None)
    probe = "import advisor; from advisor.core.rules import default_rules_dir; print(advisor.__file__); print(default_rules_dir())"
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    module_file, rules_dir = result.stdout.splitlines()
    assert module_file.startswith(str(site)) and rules_dir.startswith(str(site))
    # `python -m advisor` is the `advisor` command, as `python -m advisor.cli` is.
    for module in ("advisor.cli", "advisor"):
        run = subprocess.run(
            [sys.executable, "-m", module, "recommend", "w.yaml"], cwd=tmp_path, env=env, capture_output=True,
            text=True,
        )
        assert run.returncode == 0, f"python -m {module}: {run.stderr}"
        assert "STREAMING" in run.stdout
    version = subprocess.run(
        [sys.executable, "-m", "advisor", "--version"], cwd=tmp_path, env=env, capture_output=True, text=True,
    )
    assert version.stdout == f"advisor {wheel.name.split('-')[1]}\n", version.stderr


def test_wheel_ships_the_questionnaire_inside_the_package(wheel):
    """The page, its parts, the worked examples it opens on and its server settings, under
    advisor/app/ as at the root of a checkout; nothing else lands in site-packages."""
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    parts = {f"advisor/app/questionnaire/{p.name}" for p in (ROOT / "questionnaire").glob("*.*")}
    assert "advisor/app/questionnaire/page.css" in parts
    examples = {f"advisor/app/examples/{p.name}" for p in EXAMPLES.glob("*.yaml")}
    assert f"advisor/app/examples/{DEFAULT_SCENARIO}.yaml" in examples
    assert {"advisor/app/app.py", "advisor/app/.streamlit/config.toml"} | parts | examples <= names
    # The settings `make run` reads, byte for byte: 127.0.0.1, no usage statistics, the theme.
    assert archive.read("advisor/app/.streamlit/config.toml") == (ROOT / ".streamlit" / "config.toml").read_bytes()
    # No top-level `questionnaire` or `app.py` beside other packages, no compiled leftovers.
    assert {n.split("/")[0] for n in names} == {"advisor", f"advisor-{wheel.name.split('-')[1]}.dist-info"}
    assert [n for n in names if "__pycache__" in n or n.endswith(".pyc")] == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def test_advisor_app_serves_the_questionnaire_from_an_installed_wheel(wheel, tmp_path):
    """`advisor app` in a folder of a user's own, from the wheel: the shipped page, on 127.0.0.1,
    without usage statistics, even where that folder's Streamlit settings say otherwise; a
    SIGTERM to the command stops the server too, and the exit status is Streamlit's."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    project = tmp_path / "project"
    (project / ".streamlit").mkdir(parents=True)
    (project / ".streamlit" / "config.toml").write_text('[server]\naddress = "0.0.0.0"\n[browser]\ngatherUsageStats = true\n')
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    env = {**os.environ, "PYTHONPATH": str(site)}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "advisor", "app", "--port", str(port)], cwd=project, env=env, stdout=out,
            stderr=subprocess.STDOUT,
        )
    child = None
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, log.read_text(errors="replace")
            try:
                assert _get(f"{url}/_stcore/health") == (200, b"ok")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert time.monotonic() < deadline, log.read_text(errors="replace")
                time.sleep(0.25)
        status, page = _get(f"{url}/")
        assert status == 200 and b'<div id="root">' in page
        (child,) = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        assert str(site / "advisor" / "app" / "app.py").encode() in command
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            status = server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            raise
        finally:  # a server the signal did not reach is stopped all the same
            if child is not None and Path(f"/proc/{child}").exists():
                os.kill(int(child), signal.SIGKILL)
    output = log.read_text(errors="replace")
    assert status == 0, output
    assert f"URL: http://127.0.0.1:{port}" in output
    assert "usage statistics" not in output.lower(), output
    with pytest.raises(urllib.error.URLError):  # the server stopped with the command
        _get(f"{url}/_stcore/health")


def test_the_shipped_page_opens_on_the_default_example_as_make_run_does(wheel, tmp_path):
    """The page of the wheel, run outside the repository, reads its parts and worked examples
    from the wheel and opens on the default example with the verdict `make run` shows."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    page = site / "advisor" / "app" / "app.py"
    probe = f"""
import json, sys
sys.path = [p for p in sys.path if p not in ({str(ROOT)!r}, "")]  # the checkout the test venv installs
sys.path.insert(0, {str(page.parent)!r})  # as `streamlit run` does
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(page)!r}, default_timeout=60).run()
import advisor, questionnaire
print(json.dumps({{
    "exceptions": [e.message for e in at.exception], "errors": [e.value for e in at.error],
    "modules": [advisor.__file__, questionnaire.__file__],
    "scenario": at.session_state["scenario"], "examples": at.selectbox(key="scenario").options,
    "titles": [m.value for m in at.markdown if m.value.startswith("## ")],
}}))
"""
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.splitlines()[-1])
    assert shown["exceptions"] == [] and shown["errors"] == []
    assert all(module.startswith(str(site)) for module in shown["modules"]), shown["modules"]
    assert shown["scenario"] == DEFAULT_SCENARIO
    assert len(shown["examples"]) == len(list(EXAMPLES.glob("*.yaml")))
    expected = advisor.assess(advisor.load_profile(EXAMPLES / f"{DEFAULT_SCENARIO}.yaml"))
    assert f"## {Words(advisor.load_rules()).mode(expected.recommendation)}" in shown["titles"]


def test_python_m_build_makes_an_sdist_that_installs_and_a_wheel_from_it(tmp_path):
    """`python -m build` unpacks its own sdist to build the wheel, as pip does with an sdist: with
    tarfile's data filter, which refuses a member linking to an absolute path."""
    out = tmp_path / "dist"
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)], capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (sdist,) = out.glob("advisor-*.tar.gz")
    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    (built,) = out.glob("advisor-*.whl")
    names = set(zipfile.ZipFile(built).namelist())
    assert {"advisor/rules/ruleset.yaml", "advisor/reports/madr.md.j2", "advisor/core/starter.yaml",
            "advisor/core/preparsed.jsonl"} <= names
    shipped_page = {"app.py", ".streamlit/config.toml", "questionnaire/page.css", f"examples/{DEFAULT_SCENARIO}.yaml"}
    assert {f"advisor/app/{name}" for name in shipped_page} <= names


def test_ci_installs_what_a_fresh_debian_lacks():
    """.ci/run starts from a clean clone on a fresh Debian: `make test` needs make, Python with
    its venv module (Debian ships it apart, as python3-venv) and git (the pre-commit test), beside
    the tools the tests drive (adr-tools, chromium)."""
    script = re.sub(r"\\\n", " ", (ROOT / ".ci" / "run").read_text(encoding="utf-8"))
    installs = re.findall(r"apt-get install ([^\n]+)", script)
    packages = {word for line in installs for word in line.split() if not word.startswith(("-", ">"))}
    assert {"make", "python3", "python3-venv", "git", "adr-tools", "chromium"} <= packages, packages
