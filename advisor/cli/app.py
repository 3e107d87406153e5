"""``advisor app``: serve the questionnaire (the Streamlit page) from wherever advisor is installed.

It runs ``python -m streamlit run`` on the page the package ships (``app.py`` in a checkout,
``advisor/app/app.py`` in a wheel) with the settings ``make run`` uses, those of the
``.streamlit/config.toml`` beside the page. Its ``[server]`` and ``[browser]`` settings (listen
on 127.0.0.1 only, no usage statistics) are passed as flags, so that they hold whatever folder
the command starts from and whatever Streamlit configuration that folder or the user has;
Streamlit reads the rest (the theme) from the same file, as the page's own configuration.

The command never imports Streamlit: it only checks that it is installed, and starts it in a
process of its own, which it waits for. A signal that stops ``advisor app`` (Ctrl-C, a
supervisor's SIGTERM) is passed on to Streamlit, so that no server is left running, and the
exit status is Streamlit's.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from advisor.core.errors import AdvisorError
from advisor.core.terminal import printable

if TYPE_CHECKING:  # what only running the command needs is imported when it runs
    import subprocess
    from pathlib import Path
    from types import FrameType

EPILOG = """\
examples:
  advisor app
  advisor app --port 8502
  advisor app -- --server.headless=false    # any other Streamlit option, after --; this one opens a browser tab

It serves until Ctrl-C, on 127.0.0.1 only and without usage statistics, and prints the
address to open. It needs Streamlit, which advisor's app extra installs (pip install
'.[app]' in a checkout) or: pip install 'streamlit>=1.66,<2'. The exit status is Streamlit's.
"""

# What the app extra asks for (pyproject.toml). Not "pip install 'advisor[app]'": advisor is not on
# PyPI, and a project of that name there is another one.
INSTALL = "pip install 'streamlit>=1.66,<2'"
# The sections of the page's config.toml passed as flags: where the server listens and what
# it sends home.
SERVER_SECTIONS = ("server", "browser")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "app",
        help="serve the questionnaire in a browser (needs Streamlit)",
        description="Serve the questionnaire, the Streamlit page that assesses one feature, on 127.0.0.1.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--port", type=port_number, default=None,
        help="the port to serve on (default: 8501, or the next free one)",
    )
    parser.add_argument(
        "streamlit_options", nargs=argparse.REMAINDER, metavar="-- OPTION",
        help="Streamlit's own options, after -- (e.g. -- --server.headless=false); they win over the defaults",
    )
    parser.set_defaults(handler=run)


def port_number(text: str) -> int:
    value = int(text) if text.isascii() and text.isdigit() else 0  # not '²' or full-width digits
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    import importlib.util

    from advisor.core.resources import questionnaire_page

    extra = list(args.streamlit_options)
    if extra[:1] == ["--"]:
        extra = extra[1:]
    # The port given twice, as --port and as Streamlit's own: Streamlit would take the last
    # without a word, as argparse did with an option given twice (refused, cli/__init__).
    port_too = next((word for word in extra if word.partition("=")[0] == "--server.port"), None)
    if args.port is not None and port_too is not None:
        raise AdvisorError(
            f"the port is given twice (--port {args.port} and {printable(port_too)} after --); give it once"
        )
    if importlib.util.find_spec("streamlit") is None:
        raise AdvisorError(f"the questionnaire needs Streamlit, which is not installed: {INSTALL}")
    page = questionnaire_page()
    command = [sys.executable, "-m", "streamlit", "run", str(page), *server_flags(page)]
    if args.port is not None:
        command.append(f"--server.port={args.port}")
    return serve([*command, *extra])  # Streamlit takes the last of a repeated option


def server_flags(page: Path) -> list[str]:
    """The ``[server]`` and ``[browser]`` settings of the config.toml beside the page, as flags."""
    import tomllib

    with (page.parent / ".streamlit" / "config.toml").open("rb") as file:
        config = tomllib.load(file)
    return [
        f"--{section}.{key}={str(value).lower() if isinstance(value, bool) else value}"
        for section in SERVER_SECTIONS
        for key, value in config.get(section, {}).items()
    ]


def serve(command: list[str]) -> int:
    """Run the server until it ends; what would stop this process stops the server instead."""
    import signal
    import subprocess

    server = subprocess.Popen(command)
    # SIGHUP too (a closed terminal; Windows has none): the command's own handler would end
    # this process and leave the server running.
    hangup = (signal.SIGHUP,) if hasattr(signal, "SIGHUP") else ()
    with _passed_on(server, (signal.SIGINT, signal.SIGTERM, *hangup)):
        return server.wait()


@contextlib.contextmanager
def _passed_on(server: subprocess.Popen[bytes], signals: tuple[int, ...]) -> Iterator[None]:
    """Pass these signals on to the server while it runs. Ctrl-C at a terminal reaches both
    processes; Streamlit stops once however many times it is asked."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # only the main thread may handle signals
        yield
        return

    def pass_on(number: int, frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            server.send_signal(number)

    # One the process was started ignoring (nohup) stays ignored, as the server inherits it.
    previous = {
        number: signal.signal(number, pass_on) for number in signals if signal.getsignal(number) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
