"""`advisor app` serves the questionnaire: what it says without Streamlit, its options, and its
start-up, which loads no Streamlit. The server itself, started from an installed wheel in a
folder of its own, is tested in tests/test_packaging.py."""

from __future__ import annotations

import subprocess
import sys

import pytest

from advisor.cli import main

from .conftest import ROOT, signals_at_defaults

MISSING = "advisor: error: the questionnaire needs Streamlit, which is not installed: pip install 'streamlit>=1.66,<2'\n"


def advisor_without_streamlit(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    """The `advisor` command in a Python where `import streamlit` fails, as after a plain
    `pip install advisor` without the app extra."""
    code = "import sys; sys.modules['streamlit'] = None; from advisor.cli import run; run()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )


def test_without_streamlit_it_names_the_extra_to_install_and_exits_2(tmp_path):
    done = advisor_without_streamlit(tmp_path, "app")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", MISSING)


def test_the_install_hint_asks_for_what_the_app_extra_does():
    # A hint that drifted from pyproject.toml would install a Streamlit the app was never run on.
    import tomllib

    from advisor.cli.app import INSTALL

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    (streamlit,) = extra["app"]  # Streamlit alone: the hint names all of it
    assert INSTALL.removeprefix("pip install ") == f"'{streamlit}'"


def test_without_streamlit_its_help_still_shows(tmp_path):
    done = advisor_without_streamlit(tmp_path, "app", "--help")
    assert done.returncode == 0, done.stderr
    assert "pip install 'streamlit>=1.66,<2'" in done.stdout
    assert "--port PORT" in done.stdout


def test_the_command_list_names_it(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "app       serve the questionnaire in a browser (needs Streamlit)" in capsys.readouterr().out


@pytest.mark.parametrize("port", ["0", "65536", "-1", "http", ""])
def test_a_port_out_of_range_is_refused(port, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["app", "--port", port])
    assert exit_.value.code == 2
    assert f"argument --port: expected a port number from 1 to 65535, got {port!r}" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--help"], ["app", "--help"]])
def test_starting_the_command_line_loads_no_streamlit(args):
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "advisor", *args], cwd=ROOT, capture_output=True, text=True,
    )
    assert done.returncode == 0
    loaded = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    assert "advisor.cli.app" in loaded  # the probe sees the command's own module
    assert not [name for name in loaded if name.split(".")[0] in {"streamlit", "altair", "pandas"}]


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no SIGHUP")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_that_stops_the_command_stops_the_server_it_serves(name):
    """A closed terminal (SIGHUP) or a stopped service (SIGTERM) is passed on to the server,
    which ends as it is asked, and the command ends with it: the command's own handler
    (advisor.cli.run) would otherwise end it alone and leave the server running."""
    assert serve_and_signal(name).returncode == 7


def serve_and_signal(name: str, *, ignored: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """The app command's ``serve`` of a stand-in server that ends with status 7 when it gets the
    signal ``name`` (else with 0 after 3 s); the command gets that signal a second in, started
    with the signals ``ignored`` ignored."""
    server = f"import signal, sys, time; signal.signal(signal.{name}, lambda *a: sys.exit(7)); time.sleep(3)"
    code = (
        "import os, signal, sys, threading\n"
        "from advisor.cli import _stop_on_signals\n"
        "from advisor.cli.app import serve\n"
        "_stop_on_signals()\n"
        f"threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.{name})).start()\n"
        f"sys.exit(serve([sys.executable, '-c', {server!r}]))\n"
    )
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30,
                          preexec_fn=lambda: signals_at_defaults(*ignored))


def test_the_served_page_keeps_the_code_it_started_with():
    """A server left running across a `git pull` must not reload some modules under objects
    cached from the old ones (the page showed an AttributeError traceback until restarted):
    both `make run` and `advisor app` serve without Streamlit's file watcher."""
    from advisor.cli.app import server_flags

    assert "--server.fileWatcherType=none" in server_flags(ROOT / "app.py")
