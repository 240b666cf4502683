"""MkDocs hook: keep the built site free of requests to other origins.

mkdocs-jupyter's notebook template loads MathJax 2 and Mermaid from a CDN.
The site serves its own MathJax 3 (see `docs/javascripts/mathjax.js`), which
also typesets notebook pages, so this hook removes those scripts from each
notebook page. After the build it scans every HTML file and fails the build,
naming the file and the address, if a script, stylesheet, image, font or
frame would still be loaded from another origin. Plain links (`<a href>`) to
other sites are allowed: a reader follows them on purpose.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page

# The blocks that nbconvert's base template writes around MathJax 2 and Mermaid.
_NOTEBOOK_CDN_BLOCKS = (
    re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.DOTALL),
    re.compile(r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>', re.DOTALL),
)

# Tags and the attributes through which they make a browser fetch a resource.
_FETCHING_ATTRIBUTES = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "link": ("href",),
}
# A <link> is fetched only for these relations; rel="canonical" and the like are not.
_FETCHED_LINK_RELATIONS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"}
_CSS_URL = re.compile(r"url\(\s*[\"']?(?P<url>(?:https?:)?//[^\"')]+)", re.IGNORECASE)
_FOREIGN = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


class _ResourceCollector(HTMLParser):
    """Collect the URLs of resources that a page loads."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and not _FETCHED_LINK_RELATIONS & set(values.get("rel", "").split()):
            return
        for attribute in _FETCHING_ATTRIBUTES.get(tag, ()):
            for candidate in values.get(attribute, "").split(","):
                url = candidate.strip().split(" ")[0]
                if url:
                    self.urls.append(url)


def on_page_content(html: str, page: Page, **kwargs: object) -> str:
    """Remove the CDN scripts from notebook pages."""
    if not page.file.abs_src_path or not page.file.abs_src_path.endswith(".ipynb"):
        return html
    for block in _NOTEBOOK_CDN_BLOCKS:
        html = block.sub("", html)
    return html


def foreign_resources(html: str) -> list[str]:
    """Return the addresses on another origin that loading `html` would fetch."""
    collector = _ResourceCollector()
    collector.feed(html)
    found = [url for url in collector.urls if _FOREIGN.match(url)]
    found.extend(match.group("url") for match in _CSS_URL.finditer(html))
    return found


def on_post_build(config: MkDocsConfig) -> None:
    """Fail the build if any page would load a resource from another origin."""
    site = Path(config.site_dir)
    offenders = []
    for path in sorted(site.rglob("*.html")):
        for url in foreign_resources(path.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{path.relative_to(site)}: {url}")

    if offenders:
        listing = "\n  ".join(offenders)
        raise PluginError(f"The site would load resources from other origins:\n  {listing}")
