"""The app in a real browser: Debian's chromium, driven by Playwright, against `streamlit run`.

What only a browser shows: on a phone the verdict comes first and the worked examples need
no sidebar; on a desktop the verdict stays in view while the form scrolls; the record
downloads from the verdict card; no request leaves 127.0.0.1. Screenshots go to
test-artifacts/ (gitignored) for a person to look at.

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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def browse(app_url: str, tmp_path: Path) -> Iterator[Callable[[dict[str, int]], Any]]:
    """Pages on the app in a fresh Chromium profile; every request any of them makes is kept,
    and the test ends by checking that none left 127.0.0.1."""
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    with sync_playwright() as pw:
        contexts = []

        def open_page(viewport: dict[str, int]) -> Any:
            context = pw.chromium.launch_persistent_context(
                str(tmp_path / f"profile-{len(contexts)}"),  # a fresh user-data dir
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport=viewport,
                accept_downloads=True,
            )
            contexts.append(context)
            context.on("request", lambda request: requests.append(request.url))
            page = context.pages[0] if context.pages else context.new_page()
            page.goto(app_url, wait_until="domcontentloaded")
            _wait_idle(page)
            return page

        try:
            yield open_page
        finally:
            for context in contexts:
                context.close()
    away = sorted({url for url in requests if urlsplit(url).scheme not in ("data", "blob")
                   and urlsplit(url).hostname != "127.0.0.1"})
    assert requests and not away, f"requests left the machine: {away}"


def test_on_a_phone_the_verdict_comes_first_and_the_examples_need_no_sidebar(browse: Any) -> None:
    from playwright.sync_api import expect

    page = browse(PHONE)
    verdict = page.locator(".st-key-verdict")
    top = verdict.bounding_box()["y"]
    assert 0 <= top < PHONE["height"], f"the verdict starts {top:.0f} px down, below the first screen"
    form = page.locator(".st-key-q_feature").bounding_box()["y"]
    assert top < form, "the verdict comes before the form"
    picker = page.locator(".st-key-scenario")
    expect(picker).to_be_visible()
    assert picker.bounding_box()["y"] < PHONE["height"]
    _shot(page, "phone-top.png")

    # Scrolling the form, the one-line verdict bar stays at the top of the screen.
    page.locator(".st-key-q_axis_downstream").scroll_into_view_if_needed()
    bar = page.locator(".st-key-verdict_bar").bounding_box()
    assert bar is not None and 0 <= bar["y"] < 80, bar
    _shot(page, "phone-form.png")

    # A worked example, picked on the page itself.
    picker.get_by_role("combobox").click()
    page.keyboard.type("Nightly ticket")
    page.keyboard.press("Enter")
    expect(verdict.locator("h2")).to_have_text("Batch API", timeout=UPDATE_TIMEOUT_MS)


def test_on_a_desktop_the_verdict_stays_in_view_while_the_form_scrolls(browse: Any) -> None:
    from playwright.sync_api import expect

    page = browse(DESKTOP)
    verdict = page.locator(".st-key-verdict")
    expect(verdict.locator("h2")).to_have_text("Synchronous call", timeout=UPDATE_TIMEOUT_MS)
    _shot(page, "desktop-top.png")

    # Scrolled to the last question (what the model returns, in the downstream section).
    last = page.locator(".st-key-q_output_format")
    last.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    question = last.bounding_box()
    assert question is not None and 0 <= question["y"] < DESKTOP["height"], "the last question is on screen"
    box = verdict.bounding_box()
    assert box is not None and 0 <= box["y"] < DESKTOP["height"] / 2, box
    _shot(page, "desktop-last-question.png")

    # Who waits for the answer: a person in a chat. The verdict in view follows.
    page.locator(".st-key-q_interaction").get_by_role("combobox").click()
    page.keyboard.type("Chat: a person")
    page.keyboard.press("Enter")
    expect(verdict.locator("h2")).to_have_text("Streaming response", timeout=UPDATE_TIMEOUT_MS)
    _wait_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert 0 <= verdict.bounding_box()["y"] < DESKTOP["height"] / 2
    _shot(page, "desktop-streaming.png")


def test_the_record_downloads_from_the_verdict_card(browse: Any, tmp_path: Path) -> None:
    page = browse(DESKTOP)
    button = page.locator(".st-key-verdict").get_by_role("button", name="Download decision record (MADR 4)")
    with page.expect_download(timeout=UPDATE_TIMEOUT_MS) as download:
        button.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    record = saved.read_text("utf-8")
    assert saved.name == "support-reply-draft-call-the-model-synchronously.md"
    assert record.startswith("---\nstatus: proposed\n")  # MADR 4's front matter
    assert "# Support reply draft: call the model synchronously" in record


def test_a_card_taller_than_the_window_fades_where_it_is_cut(browse: Any) -> None:
    # At 1280 the sticky card scrolls inside itself; its last lines were cut mid-line, no cue.
    page = browse({"width": 1280, "height": 640})
    page.locator(".st-key-q_axis_latency").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    edge = page.evaluate(
        """() => {
            const box = document.querySelector('.st-key-verdict').closest('[data-testid="stLayoutWrapper"]');
            const fade = getComputedStyle(box, '::after');
            return {over: box.scrollHeight - box.clientHeight, position: fade.position, content: fade.content,
                    image: fade.backgroundImage, scrolled: getComputedStyle(box).backgroundImage};
        }"""
    )
    assert edge["over"] > 0, "the card fits the window: nothing to cue"
    assert edge["position"] == "sticky" and edge["content"] != "none", edge
    assert "linear-gradient" in edge["image"] and "radial-gradient" in edge["scrolled"], edge
    _shot(page, "desktop-card-cut.png")


def test_a_name_reads_as_typed_in_the_record_preview(browse: Any) -> None:
    """Shortcodes in a user's text stay text: Streamlit draws ":rocket:" as an emoji wherever
    its Markdown holds one (the record's inputs block included) and ":material/home:" as an
    icon, escaped or not."""
    from playwright.sync_api import expect

    name = "Launch :rocket: :material/home: day"
    page = browse(DESKTOP)
    field = page.locator(".st-key-q_name input")
    field.fill(name)
    field.press("Enter")
    _wait_idle(page)
    page.get_by_role("tab", name="Decision record").click()
    _wait_idle(page)
    preview = page.locator(".st-key-adr_preview")
    expect(preview.locator("h1").first).to_have_text(f"{name}: call the model synchronously",
                                                     timeout=UPDATE_TIMEOUT_MS)
    expect(preview.locator('[data-testid="stCode"]')).to_contain_text(f"name: '{name}'")
    assert "\N{ROCKET}" not in page.content()
    expect(preview.locator('[data-testid="stIconMaterial"]')).to_have_count(0)


def test_the_modes_tab_shows_the_four_lifecycles_side_by_side(browse: Any) -> None:
    page = browse(DESKTOP)
    page.get_by_role("tab", name="Modes").click()
    _wait_idle(page)
    diagrams = page.locator('[data-testid="stImage"] img')
    diagrams.first.wait_for(timeout=UPDATE_TIMEOUT_MS)
    assert diagrams.count() == 4
    tops = {round(diagrams.nth(i).bounding_box()["y"]) for i in range(4)}
    assert len(tops) == 1, "side by side on a desktop"
    diagrams.first.scroll_into_view_if_needed()
    _shot(page, "desktop-modes.png")


def test_a_step_edited_in_the_grid_moves_the_verdict(browse: Any) -> None:
    """The step editor for real: a cell typed into, the verdict's cost following it; the
    latency chart drawn with its steps and percentiles."""
    from playwright.sync_api import expect

    page = browse(DESKTOP)
    picker = page.locator(".st-key-scenario")
    picker.get_by_role("combobox").click()
    page.keyboard.type("Help-centre chat")
    page.keyboard.press("Enter")
    _wait_idle(page)
    verdict = page.locator(".st-key-verdict")
    expect(verdict.locator("h2")).to_have_text("Streaming response", timeout=UPDATE_TIMEOUT_MS)
    grid = page.locator(".st-key-q_axis_latency [data-testid='stDataFrame']").first
    # The example's steps in a new grid (the old one leaves the page): wait for it, then scroll.
    expect(grid.locator("#glide-cell-1-0")).to_have_text("rewrite", timeout=UPDATE_TIMEOUT_MS)
    _wait_idle(page)
    _scroll_to(page, ".st-key-q_axis_latency [data-testid='stDataFrame']")
    cost = verdict.locator('[data-testid="stMetricValue"]').first
    before = cost.inner_text()
    # The rewrite step's input tokens: the first row's third column, after the row markers
    # (about 32 px), the step's name and its model (120 px each). The grid is a canvas; its
    # accessible table says which cell is selected.
    cell = grid.locator("#glide-cell-3-0")
    for _ in range(5):  # until the click lands on a grid that stays
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 32 + 240 + 50, box["y"] + 35 + 17)
        page.wait_for_timeout(300)
        if cell.get_attribute("aria-selected") == "true":
            break
    expect(cell).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    editor = page.locator("#portal input, #portal textarea").first
    expect(editor).to_be_visible(timeout=UPDATE_TIMEOUT_MS)
    editor.fill("20000")
    editor.press("Enter")
    expect(grid.locator("#glide-cell-3-0")).to_have_text("20000", timeout=UPDATE_TIMEOUT_MS)
    _wait_idle(page)
    expect(cost).not_to_have_text(before, timeout=UPDATE_TIMEOUT_MS)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    _shot(page, "desktop-steps-edited.png")

    page.get_by_role("tab", name="Latency & capacity").click()
    _wait_idle(page)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=UPDATE_TIMEOUT_MS)
    _scroll_to(page, "[data-testid='stVegaLiteChart']")
    page.wait_for_timeout(500)
    _shot(page, "desktop-latency-steps.png")


def test_on_a_phone_the_steps_and_their_latency_fit(browse: Any) -> None:
    from playwright.sync_api import expect

    page = browse(PHONE)
    page.locator(".st-key-scenario").get_by_role("combobox").click()
    page.keyboard.type("Ticket resolution")
    page.keyboard.press("Enter")
    expect(page.locator(".st-key-verdict h2")).to_have_text("Asynchronous job", timeout=UPDATE_TIMEOUT_MS)
    grid = page.locator(".st-key-q_axis_latency [data-testid='stDataFrame']").first
    expect(grid.locator("#glide-cell-1-0")).to_have_text("triage", timeout=UPDATE_TIMEOUT_MS)
    _wait_idle(page)
    _scroll_to(page, ".st-key-q_axis_latency [data-testid='stDataFrame']")
    box = grid.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    _shot(page, "phone-steps.png")
    # The backlog the peak builds follows the form in the one-line verdict bar.
    expect(page.locator(".st-key-verdict_bar")).to_contain_text("queued at peak")
    page.get_by_role("tab", name="Latency & capacity").click()
    _wait_idle(page)
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    expect(chart.locator("canvas, svg").first).to_be_visible(timeout=UPDATE_TIMEOUT_MS)
    _scroll_to(page, "[data-testid='stVegaLiteChart']")
    chart_box = chart.bounding_box()
    assert chart_box is not None and chart_box["x"] + chart_box["width"] <= PHONE["width"] + 1, chart_box
    _shot(page, "phone-latency-steps.png")


def _scroll_to(page: Any, selector: str) -> None:
    """The element into the middle of the window. A grid or a chart is drawn afresh while
    the page settles (detaching what a locator had found): found again until it holds."""
    from playwright.sync_api import Error

    for _ in range(10):
        try:
            page.locator(selector).first.evaluate("e => e.scrollIntoView({block: 'center'})", timeout=5_000)
            break
        except Error:
            page.wait_for_timeout(500)
    page.wait_for_timeout(300)


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
    assert (ARTIFACTS / name).stat().st_size > 10_000


def _wait_idle(page: Any) -> None:
    """Until the script has run, Streamlit's "running" indicator is gone and the page has drawn."""
    from playwright.sync_api import expect

    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=UPDATE_TIMEOUT_MS)
    expect(page.locator('[data-testid="stStatusWidget"]')).to_have_count(0, timeout=UPDATE_TIMEOUT_MS)
    expect(page.locator(".st-key-verdict")).to_be_visible(timeout=UPDATE_TIMEOUT_MS)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=UPDATE_TIMEOUT_MS)


def test_on_a_phone_every_tab_is_in_view_and_a_number_out_of_bounds_is_marked(browse: Any) -> None:
    from playwright.sync_api import expect

    page = browse(PHONE)
    # The tab strip ran off the screen's right edge ("W>"): the map and the record out of sight.
    tabs = page.locator('[data-testid="stTabs"] [role="tab"]')
    assert tabs.count() == 8
    for i in range(tabs.count()):
        box = tabs.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            tabs.nth(i).inner_text(), box)
    # A number input's min_value made the browser drop -5 silently; the profile marks it now.
    field = page.get_by_role("spinbutton", name="Requests per month", exact=True)
    field.fill("-5")
    field.press("Enter")
    expect(page.locator(".st-key-q_axis_cost [data-testid='stAlertContentError']")).to_contain_text(
        "must be a whole number between 0 and 100,000,000,000", timeout=UPDATE_TIMEOUT_MS
    )
    expect(page.locator(".st-key-verdict")).to_contain_text("Stale")
    _shot(page, "phone-out-of-bounds.png")
