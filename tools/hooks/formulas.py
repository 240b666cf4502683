"""MkDocs hook: fail the build on a formula that MathJax cannot parse.

MathJax turns TeX into math in the reader's browser, so a typo in a formula
does not break the build: the reader sees a red error or raw TeX. This hook
finds the formulas in every page the way MathJax does (see
`docs/javascripts/mathjax.js` for the delimiters and the classes it skips),
then parses them all with the site's own MathJax in Node.js. A formula that
fails, or a delimiter that is never closed, fails the build with the page,
the formula and MathJax's message.

Node.js is needed for the check; without it the build logs that the check
was skipped, and the browser tests still catch the error.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page

log = get_plugin_logger("formulas")

_REPOSITORY = Path(__file__).resolve().parents[2]
CHECKER = _REPOSITORY / "tools" / "check_formulas.js"
MATHJAX = _REPOSITORY / "docs" / "assets" / "vendor" / "mathjax" / "node-main.js"

# These mirror the MathJax configuration in docs/javascripts/mathjax.js and
# MathJax's default skipHtmlTags.
_SKIPPED_TAGS = {"script", "noscript", "style", "textarea", "pre", "code", "annotation"}
_IGNORED_CLASS = re.compile(r"(^| )(tex2jax_ignore|highlight|highlight-ipynb|jp-OutputArea)( |$)")
_PROCESSED_CLASS = re.compile(r"(^| )(tex2jax_process|arithmatex)( |$)")
_VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}

# Opening delimiter, closing delimiter, display math or not; longest first.
_DELIMITERS = (("$$", "$$", True), ("\\[", "\\]", True), ("\\(", "\\)", False), ("$", "$", False))


@dataclass(frozen=True)
class Formula:
    """One piece of TeX that MathJax would typeset, and the page it is on."""

    page: str
    tex: str
    display: bool


class _TextCollector(HTMLParser):
    """Split a page into the text strings in which MathJax looks for math.

    MathJax searches each run of text between two tags separately (a `<br>`
    does not end a run), skips code and the classes it is configured to ignore, so
    a formula cannot span an `<em>` that Markdown put inside it.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.strings: list[str] = []
        self._current: list[str] = []
        self._skipping: list[bool] = [False]

    def _end_string(self) -> None:
        if self._current:
            self.strings.append("".join(self._current))
            self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "wbr"):
            self._current.append("\n" if tag == "br" else "")
            return
        self._end_string()
        if tag in _VOID_TAGS:
            return

        classes = dict(attrs).get("class") or ""
        skip = self._skipping[-1]
        if tag in _SKIPPED_TAGS or _IGNORED_CLASS.search(classes):
            skip = True
        if _PROCESSED_CLASS.search(classes):
            skip = False
        self._skipping.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        self._end_string()
        if len(self._skipping) > 1:
            self._skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipping[-1]:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._end_string()


def _find_end(text: str, start: int, closing: str) -> int:
    """Return the index of `closing` after `start` at brace depth 0, or -1."""
    depth = 0
    index = start
    while index < len(text):
        if text.startswith(closing, index) and depth == 0:
            return index
        character = text[index]
        if character == "\\":
            index += 2
            continue
        if character == "{":
            depth += 1
        elif character == "}":
            depth -= 1
        index += 1
    return -1


def _formulas_in_string(text: str) -> tuple[list[tuple[str, bool]], list[str]]:
    """Return the formulas in one text string, and the delimiters left open."""
    formulas: list[tuple[str, bool]] = []
    unclosed: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith("\\$", index):  # an escaped dollar is text
            index += 2
            continue

        for opening, closing, display in _DELIMITERS:
            if text.startswith(opening, index):
                end = _find_end(text, index + len(opening), closing)
                if end < 0:
                    unclosed.append(f"{opening}{text[index + len(opening) :][:40]}")
                    index += len(opening)
                else:
                    formulas.append((text[index + len(opening) : end], display))
                    index = end + len(closing)
                break
        else:
            index += 1
    return formulas, unclosed


def find_formulas(html: str, page: str = "") -> tuple[list[Formula], list[str]]:
    """Return the formulas MathJax would typeset in `html`, and any delimiters left open."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()

    formulas: list[Formula] = []
    unclosed: list[str] = []
    for text in collector.strings:
        found, left_open = _formulas_in_string(text)
        formulas.extend(Formula(page, tex, display) for tex, display in found)
        unclosed.extend(left_open)
    return formulas, unclosed


def parse_errors(formulas: list[Formula]) -> list[str] | None:
    """Parse `formulas` with MathJax in Node.js and describe each failure.

    Returns None when Node.js is not installed.
    """
    node = shutil.which("node")
    if node is None:
        return None

    process = subprocess.run(
        [node, str(CHECKER), str(MATHJAX)],
        input=json.dumps([asdict(formula) for formula in formulas]),
        capture_output=True,
        text=True,
        check=False,
    )
    if process.returncode != 0:
        raise PluginError(f"The formula check failed to run:\n{process.stderr}")

    return [
        f"{formulas[error['index']].page}: {formulas[error['index']].tex!r}: {error['message']}"
        for error in json.loads(process.stdout)
    ]


_found: list[Formula] = []
_unclosed: list[str] = []


def on_pre_build(config: MkDocsConfig) -> None:
    """Forget the formulas of a previous build (`mkdocs serve` rebuilds in one process)."""
    _found.clear()
    _unclosed.clear()


def on_page_content(html: str, page: Page, **kwargs: object) -> str:
    """Collect the formulas of each page."""
    formulas, unclosed = find_formulas(html, page.file.src_uri)
    _found.extend(formulas)
    _unclosed.extend(f"{page.file.src_uri}: unclosed {text!r}" for text in unclosed)
    return html


def on_post_build(config: MkDocsConfig) -> None:
    """Parse every collected formula and fail the build on the first bad ones."""
    problems = list(_unclosed)
    errors = parse_errors(_found)
    if errors is None:
        log.info("Node.js not found, so %d formulas were not parsed at build time", len(_found))
    else:
        log.info("Parsed %d formulas", len(_found))
        problems.extend(errors)

    if problems:
        listing = "\n  ".join(problems)
        raise PluginError(f"Formulas that MathJax cannot typeset:\n  {listing}")
