"""The app in a real browser: Debian's chromium, driven by Playwright, against `streamlit run`.

Mandatory when CI is set (.ci/run installs chromium); elsewhere it skips, saying why, when
chromium or Playwright is missing. Playwright never downloads a browser here: it drives
the system's /usr/bin/chromium.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
# Without the background-networking flags chromium stalls on refused connections offline.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 60
UPDATE_TIMEOUT_MS = 30_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the browser test is mandatory in CI: {reason}")
    pytest.skip(f"{reason} (mandatory when CI is set)")


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        _unavailable(f"{CHROMIUM} is missing; install Debian's chromium package (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright's Python package is not installed (pip install playwright)")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on 127.0.0.1, usage statistics off; always stopped afterwards."""
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, server, log)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=15)


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit did not answer within {START_TIMEOUT_S} s:\n{log.read_text(errors='replace')}")


def test_changing_an_answer_updates_the_recommendation(app_url: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh user-data dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 1800},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(app_url, wait_until="domcontentloaded")
            page.wait_for_selector('[data-testid="stApp"]', timeout=UPDATE_TIMEOUT_MS)
            headline = page.locator(".st-key-headline")
            expect(headline).to_contain_text("Synchronous", timeout=UPDATE_TIMEOUT_MS)
            _wait_idle(page)

            # Who waits for the answer: a person in a chat.
            page.locator(".st-key-q_interaction").get_by_role("combobox").click()
            page.get_by_role("option", name="Chat: a person reads as it is written").click()

            expect(headline.locator("h1")).to_have_text("Streaming response", timeout=UPDATE_TIMEOUT_MS)
            _wait_idle(page)
            expect(page.locator('[data-testid="stException"]')).to_have_count(0)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "app.png"), full_page=True)
        finally:
            context.close()
    assert (ARTIFACTS / "app.png").stat().st_size > 10_000


def _wait_idle(page: object) -> None:
    """Until Streamlit's "running" indicator is gone and the charts have drawn."""
    from playwright.sync_api import expect

    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=UPDATE_TIMEOUT_MS)  # type: ignore[attr-defined]
    expect(
        page.locator('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg').first
    ).to_be_visible(  # type: ignore[attr-defined]
        timeout=UPDATE_TIMEOUT_MS
    )
