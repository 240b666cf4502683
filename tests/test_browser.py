"""The built site in a real browser: headless Chromium, driven by Playwright.

Every page is served from 127.0.0.1 and loaded in light and dark mode. The
tests check what a reader would see: the page loads without errors, nothing
is requested from another origin, every formula is typeset, every figure is
drawn and legible, copy buttons copy only code, search works, and math is
typeset after in-page navigation. A screenshot of each page in each mode is
saved under test-artifacts/screenshots/.

Chromium comes from the system (Debian's `chromium` package); Playwright's
own browser download is not used. Without it these tests are skipped, unless
DLTUT_REQUIRE_TOOLS is set, as it is in CI, where a missing browser fails.
"""

from __future__ import annotations

import functools
import http.server
import io
import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, TUTORIAL_PAGES
from tools.hooks.formulas import find_formulas

pytestmark = pytest.mark.browser

TUTORIAL_PATHS = [f"tutorial/{name}/" for name in TUTORIAL_PAGES]
PAGES = ["", *TUTORIAL_PATHS, "benchmarks/", "reference/"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

INSTALL_HINT = (
    "install Chromium (on Debian or Ubuntu: apt-get install chromium) and Playwright "
    "(pip install playwright), or set DLTUT_CHROMIUM to the browser's path"
)

# Flags for a headless browser on a machine without a display, a sandbox or a
# network: no background connections to the browser vendor's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("DLTUT_REQUIRE_TOOLS"):
        pytest.fail(f"Browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"{reason}; to run the browser tests, {INSTALL_HINT}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output free of one line per request."""


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    """Serve the built site on a free port of 127.0.0.1 and return its address."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Start the system's headless Chromium through Playwright."""
    executable = os.environ.get("DLTUT_CHROMIUM") or shutil.which("chromium")
    if executable is None:
        _unavailable("Chromium was not found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageVisit:
    """A page loaded in a new browser context, with everything it logged and requested."""

    def __init__(self, browser: Any, site_url: str, path: str, scheme: str = "light") -> None:
        self.context = browser.new_context(
            color_scheme=scheme,
            viewport={"width": 1280, "height": 900},
            permissions=["clipboard-read", "clipboard-write"],
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.errors.append(f"console: {message.text}") if message.type == "error" else None
            ),
        )
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on("request", lambda request: self.requests.append(request.url))

        self.response = self.page.goto(site_url + path, wait_until="networkidle")
        self.wait_for_math()

    def wait_for_math(self) -> None:
        # On a busy machine MathJax may still be starting when the network is idle.
        self.page.wait_for_function("() => window.MathJax && window.MathJax.startup")
        self.page.evaluate("() => window.MathJax.startup.promise")

    def count(self, selector: str) -> int:
        return int(self.page.locator(selector).count())

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def visits(browser: Any, site_url: str) -> Iterator[dict[tuple[str, str], PageVisit]]:
    """Load every page in light and dark mode once, and save a screenshot of each."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    loaded = {}
    for path in PAGES:
        for scheme in ("light", "dark"):
            visit = PageVisit(browser, site_url, path, scheme)
            name = (path.strip("/").replace("/", "-") or "home") + f"-{scheme}.png"
            visit.page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
            loaded[path, scheme] = visit
    yield loaded
    for visit in loaded.values():
        visit.close()


def expected_formulas(built_site: Path, path: str) -> int:
    formulas, _ = find_formulas((built_site / path / "index.html").read_text(encoding="utf-8"))
    return len(formulas)


def test_pages_list_covers_site(built_site: Path) -> None:
    pages = {
        page.parent.relative_to(built_site).as_posix() + "/"
        for page in built_site.rglob("index.html")
        if "assets" not in page.parts
    }

    assert pages == {page or "./" for page in PAGES}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_errors(visits: dict, path: str, scheme: str) -> None:
    visit = visits[path, scheme]

    assert visit.response is not None
    assert visit.response.status == 200
    assert visit.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_page_requests_only_site(visits: dict, site_url: str, path: str, scheme: str) -> None:
    requests = visits[path, scheme].requests
    outside = [
        url for url in requests if not url.startswith((site_url, "data:", "blob:", "about:"))
    ]

    assert requests, "no request was recorded"
    assert outside == []


@pytest.mark.parametrize("path", PAGES)
def test_page_formulas_all_rendered(visits: dict, built_site: Path, path: str) -> None:
    visit = visits[path, "light"]
    expected = expected_formulas(built_site, path)

    assert visit.count("mjx-container") == expected
    assert visit.count("mjx-merror") == 0


@pytest.mark.parametrize("path", TUTORIAL_PATHS)
def test_tutorial_has_formulas(built_site: Path, path: str) -> None:
    # Guards the test above against a page whose formulas were all lost.
    assert expected_formulas(built_site, path) >= 10


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_page_figures_drawn(visits: dict, path: str, scheme: str) -> None:
    page = visits[path, scheme].page
    sizes = page.evaluate(
        """() => [...document.querySelectorAll(
              '.md-content img, .md-content svg.figure')].map((element) => {
            const box = element.getBoundingClientRect();
            const loaded = element.tagName !== 'IMG'
                || (element.complete && element.naturalWidth > 0);
            return {width: box.width, height: box.height, loaded};
        })"""
    )

    assert all(size["loaded"] for size in sizes)
    assert all(size["width"] > 0 and size["height"] > 0 for size in sizes)
    if path in TUTORIAL_PATHS:
        assert sizes, f"{path} shows no figure"


@pytest.mark.parametrize("path", PAGES)
def test_dark_mode_applies(visits: dict, path: str) -> None:
    scheme = visits[path, "dark"].page.evaluate(
        "() => document.body.getAttribute('data-md-color-scheme')"
    )

    assert scheme == "slate"


@pytest.mark.parametrize("path", TUTORIAL_PATHS)
def test_dark_mode_figures_legible(visits: dict, path: str) -> None:
    from PIL import Image

    figures = visits[path, "dark"].page.locator(".jp-RenderedSVG img")
    assert figures.count() > 0

    for index in range(figures.count()):
        image = Image.open(io.BytesIO(figures.nth(index).screenshot())).convert("L")
        histogram = image.histogram()
        pixels = sum(histogram)
        light = sum(histogram[200:]) / pixels
        dark = sum(histogram[:100]) / pixels

        # Figures are drawn on white: mostly light pixels, with dark text and lines on top.
        assert light > 0.5, f"figure {index} on {path} has no light background in dark mode"
        assert dark > 0.002, f"figure {index} on {path} shows no dark text or lines"


@pytest.mark.parametrize("path", TUTORIAL_PATHS)
def test_copy_button_copies_code_only(browser: Any, site_url: str, built_site: Path, path: str):
    name = path.strip("/").split("/")[-1]
    notebook = json.loads((built_site / path / f"{name}.ipynb").read_text(encoding="utf-8"))
    first_code = next(cell for cell in notebook["cells"] if cell["cell_type"] == "code")
    source = "".join(first_code["source"])

    visit = PageVisit(browser, site_url, path)
    try:
        # The notebook template's copy button, at the top right of each code cell.
        visit.page.locator(".jp-CodeCell clipboard-copy").first.click()
        copied = visit.page.evaluate("() => navigator.clipboard.readText()")
    finally:
        visit.close()

    assert copied.strip() == source.strip()
    assert ">>>" not in copied
    assert "In [" not in copied


def test_search_finds_softmax_page(browser: Any, site_url: str) -> None:
    visit = PageVisit(browser, site_url, "")
    try:
        visit.page.locator(".md-search__input").first.click()
        # Typed key by key, as a reader would: the search runs on keyboard events.
        visit.page.keyboard.type("softmax")
        results = visit.page.locator("a.md-search-result__link")
        results.first.wait_for(timeout=10_000)
        targets = [results.nth(index).get_attribute("href") for index in range(results.count())]
    finally:
        visit.close()

    assert any("tutorial/03-softmax/" in (target or "") for target in targets)


def test_math_rendered_after_instant_navigation(browser: Any, site_url: str, built_site: Path):
    target = "tutorial/02-derivatives/"
    visit = PageVisit(browser, site_url, "")
    try:
        visit.page.locator(f'.md-nav a[href$="{target}"]').first.click()
        visit.page.wait_for_url(site_url + target)
        # Material swaps the content in place; the page's script then typesets it.
        visit.page.wait_for_function(
            "expected => document.querySelectorAll('mjx-container').length === expected",
            arg=expected_formulas(built_site, target),
            timeout=15_000,
        )
        errors = visit.count("mjx-merror")
        reloaded = visit.response is not None and visit.page.url == visit.response.url
    finally:
        visit.close()

    assert errors == 0
    assert not reloaded


def test_copy_button_strips_doctest_prompts(browser: Any, site_url: str) -> None:
    visit = PageVisit(browser, site_url, "reference/")
    try:
        example = visit.page.locator(".doc .highlight", has_text=">>>").first
        shown = example.locator("code").inner_text()
        example.hover()
        # Material's copy button for the block.
        example.locator("button[data-clipboard-target]").click()
        copied = visit.page.evaluate("() => navigator.clipboard.readText()")
    finally:
        visit.close()

    code_lines = [line[4:] for line in shown.splitlines() if line.startswith((">>> ", "... "))]
    assert ">>>" in shown
    assert copied.splitlines() == code_lines
