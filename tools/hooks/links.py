"""MkDocs hook: fail the build on a broken link inside the site.

MkDocs checks the links in Markdown pages, but not those in notebook pages,
whose HTML comes from nbconvert, nor anchors into the generated API
reference. After the build, this hook reads every HTML page and checks each
link and resource that stays inside the site: the target file must exist,
and a `#fragment` must name an element id in the target page. A failure
names the page, the link and what is missing.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

# Attributes that point at another page or at a resource of the site.
_LINK_ATTRIBUTES = {"a": "href", "img": "src", "script": "src", "link": "href", "source": "src"}


class _PageParser(HTMLParser):
    """Collect the element ids and the in-site links of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        for name in ("id", "name"):
            if name in values:
                self.ids.add(values[name])

        link = values.get(_LINK_ATTRIBUTES.get(tag, ""))
        if link is not None:
            self.links.append(link)


def _has_anchor(page: _PageParser, fragment: str) -> bool:
    """Return whether `fragment` is empty or names an element of `page`."""
    return not fragment or unquote(fragment) in page.ids


def _is_external(link: str) -> bool:
    parts = urlsplit(link)
    return bool(parts.scheme or parts.netloc)


def _target_file(site: Path, page: Path, path: str, base_path: str) -> Path:
    """Return the file that the path part of a link from `page` points at."""
    if path.startswith("/"):
        # Absolute paths start with the path of site_url, such as /dltut/.
        relative = path.removeprefix(base_path).lstrip("/")
        target = site / unquote(relative)
    else:
        target = page.parent / unquote(path)
    target = Path(posixpath.normpath(target.as_posix()))

    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def broken_links(site: Path, base_path: str = "/") -> list[str]:
    """Return a description of every broken in-site link under `site`."""
    parsed: dict[Path, _PageParser] = {}
    for page in sorted(site.rglob("*.html")):
        parser = _PageParser()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        parsed[page] = parser

    problems = []
    for page, parser in parsed.items():
        for link in parser.links:
            if _is_external(link) or link.startswith(("data:", "javascript:", "blob:")):
                continue

            parts = urlsplit(link)
            target = page if not parts.path else _target_file(site, page, parts.path, base_path)
            where = f"{page.relative_to(site)}: {link}"
            if not target.is_relative_to(site):
                problems.append(f"{where} (points outside the site)")
            elif not target.exists():
                problems.append(f"{where} (no file {target.relative_to(site)})")
            elif target in parsed and not _has_anchor(parsed[target], parts.fragment):
                problems.append(f"{where} (no id '{parts.fragment}' in that page)")
    return problems


def on_post_build(config: MkDocsConfig) -> None:
    """Fail the build if a page links to a file or anchor that the site lacks."""
    base_path = urlsplit(config.site_url or "/").path or "/"
    problems = broken_links(Path(config.site_dir), base_path)
    if problems:
        listing = "\n  ".join(problems)
        raise PluginError(f"Broken links in the built site:\n  {listing}")
