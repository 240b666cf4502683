"""The build-time checks: a failing cell, a broken link, a bad formula or a
resource from another origin fails the build and names the page."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import build_site, make_project
from tools.hooks.formulas import Formula, find_formulas, parse_errors
from tools.hooks.links import broken_links
from tools.hooks.offline import foreign_resources

PAGE_HEADER = """\
    # %% [markdown]
    # # A test page
"""

# --- finding formulas as MathJax does -----------------------------------------


def tex_of(html: str) -> list[tuple[str, bool]]:
    formulas, unclosed = find_formulas(html)
    assert unclosed == []
    return [(formula.tex, formula.display) for formula in formulas]


def test_find_formulas_arithmatex_spans():
    html = (
        '<p>Inline <span class="arithmatex">\\(a^2\\)</span> and</p>'
        '<div class="arithmatex">\\[\\frac{1}{2}\\]</div>'
    )

    assert tex_of(html) == [("a^2", False), ("\\frac{1}{2}", True)]


def test_find_formulas_dollar_delimiters():
    html = "<p>Let $x_1 &lt; y$ hold, and</p><p>$$\\sum_{j=1}^{d} e^{z_j}$$</p>"

    assert tex_of(html) == [("x_1 < y", False), ("\\sum_{j=1}^{d} e^{z_j}", True)]


def test_find_formulas_skips_code_and_outputs():
    html = (
        "<pre><code>cost = $5 + $6</code></pre><p><code>$not math$</code></p>"
        '<div class="jp-OutputArea"><pre>$ echo</pre></div>'
    )

    assert tex_of(html) == []


def test_find_formulas_escaped_dollar_is_text():
    assert tex_of("<p>It costs \\$5, or $x$.</p>") == [("x", False)]


def test_find_formulas_dollar_inside_braces():
    # A $ inside braces does not close the formula, as in MathJax.
    assert tex_of("<p>$\\text{a $b$ c}$</p>") == [("\\text{a $b$ c}", False)]


def test_find_formulas_tag_splits_formula():
    # Markdown turned the underscores of a_1 ... b_1 into <em>: MathJax finds
    # two strings, each with an unclosed $.
    _, unclosed = find_formulas("<p>$a<em>1 + b</em>1$</p>")

    assert len(unclosed) == 2


def test_find_formulas_line_break_keeps_formula():
    assert tex_of("<p>$a +<br>b$</p>") == [("a +\nb", False)]


# --- parsing formulas with MathJax ----------------------------------------------

NODE_MISSING = shutil.which("node") is None
if NODE_MISSING and os.environ.get("DLTUT_REQUIRE_TOOLS"):
    # In CI a missing Node.js must not turn the formula checks into skips.
    raise RuntimeError("Node.js is required (DLTUT_REQUIRE_TOOLS is set) but was not found")
needs_node = pytest.mark.skipif(
    NODE_MISSING, reason="Node.js is needed to parse formulas: install it (apt-get install nodejs)"
)


@needs_node
def test_parse_errors_accepts_valid_tex():
    formulas = [
        Formula("page.md", "\\operatorname{softmax}(z)_i = \\frac{e^{z_i}}{\\sum_j e^{z_j}}", True),
        Formula("page.md", "\\lim_{h \\to 0} \\frac{f(a + h) - f(a)}{h}", False),
    ]

    assert parse_errors(formulas) == []


@needs_node
def test_parse_errors_reports_each_bad_formula():
    formulas = [
        Formula("a.md", "\\frac{1}{", False),
        Formula("b.md", "x^2", False),
        Formula("c.md", "\\notamacro x", True),
    ]

    errors = parse_errors(formulas)

    assert errors is not None
    assert len(errors) == 2
    assert errors[0].startswith("a.md: '\\\\frac{1}{': ")
    assert "Missing close brace" in errors[0]
    assert errors[1].startswith("c.md: ")
    assert "Undefined control sequence \\notamacro" in errors[1]


# --- other origins ---------------------------------------------------------------


def test_foreign_resources_lists_fetched_urls():
    html = (
        '<script src="https://cdn.example.org/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.example.org/f.css">'
        '<img src="../assets/figure.svg">'
        '<a href="https://example.org/">a link is fine</a>'
        '<link rel="canonical" href="https://dltut.example/">'
        "<style>@font-face { src: url(https://fonts.example.org/a.woff2) }</style>"
    )

    assert foreign_resources(html) == [
        "https://cdn.example.org/x.js",
        "//fonts.example.org/f.css",
        "https://fonts.example.org/a.woff2",
    ]


# --- broken links ----------------------------------------------------------------


def test_broken_links_checks_files_and_anchors(tmp_path: Path):
    (tmp_path / "guide").mkdir()
    (tmp_path / "index.html").write_text(
        '<h1 id="top">Home</h1>'
        '<a href="guide/">ok</a> <a href="guide/#usage">ok</a> <a href="#top">ok</a>'
        '<a href="missing/">no page</a> <a href="guide/#nowhere">no anchor</a>'
        '<a href="https://example.org/missing/">external</a>'
    )
    (tmp_path / "guide" / "index.html").write_text('<h2 id="usage">Usage</h2><a href="../">up</a>')

    problems = broken_links(tmp_path)

    assert problems == [
        "index.html: missing/ (no file missing/index.html)",
        "index.html: guide/#nowhere (no id 'nowhere' in that page)",
    ]


# --- whole builds that must fail --------------------------------------------------


def failed_build_output(tmp_path: Path, pages: dict[str, str]) -> str:
    config = make_project(tmp_path / "project", {"index.md": "# Home\n", **pages})
    process = build_site(tmp_path / "site", cache_dir=tmp_path / "cache", config=config)

    assert process.returncode != 0, "the build should have failed"
    return process.stdout + process.stderr


def test_build_fails_on_failing_cell(tmp_path: Path):
    page = (
        PAGE_HEADER
        + '\n    # %%\n    value = 1\n\n    # %%\n    raise RuntimeError("on purpose")\n'
    )

    output = failed_build_output(tmp_path, {"tutorial/01-broken.py": page})

    assert "docs/tutorial/01-broken.py:7 (cell 3 of 3)" in output
    assert "RuntimeError: on purpose" in output


def test_build_fails_on_warning_in_cell(tmp_path: Path):
    page = PAGE_HEADER + '\n    # %%\n    import warnings\n    warnings.warn("careful")\n'

    output = failed_build_output(tmp_path, {"tutorial/01-warns.py": page})

    assert "Output on stderr in docs/tutorial/01-warns.py:4 (cell 2 of 2)" in output
    assert "careful" in output


def test_build_fails_on_broken_notebook_link(tmp_path: Path):
    page = PAGE_HEADER + "    #\n    # See [the next page](../02-missing/).\n"

    output = failed_build_output(tmp_path, {"tutorial/01-links.py": page})

    assert "tutorial/01-links/index.html: ../02-missing/" in output


@needs_node
def test_build_fails_on_bad_formula(tmp_path: Path):
    page = PAGE_HEADER + "    #\n    # The ratio $\\frac{a}$ has no denominator.\n"

    output = failed_build_output(tmp_path, {"tutorial/01-math.py": page})

    assert "tutorial/01-math.ipynb: '\\\\frac{a}': Missing argument for \\frac" in output


def test_build_fails_on_unclosed_formula(tmp_path: Path):
    page = PAGE_HEADER + "    #\n    # The ratio $\\frac{a}{b$ is not closed.\n"

    output = failed_build_output(tmp_path, {"tutorial/01-math.py": page})

    assert "tutorial/01-math.ipynb: unclosed '$\\\\frac{a}{b$ is not closed.'" in output


@needs_node
def test_build_fails_on_bad_markdown_formula(tmp_path: Path):
    output = failed_build_output(tmp_path, {"notes.md": "# Notes\n\nSee $\\badmacro{x}$.\n"})

    assert "notes.md: '\\\\badmacro{x}': Undefined control sequence \\badmacro" in output


def test_build_fails_on_foreign_script(tmp_path: Path):
    page = '# Notes\n\n<script src="https://cdn.example.org/x.js"></script>\n'

    output = failed_build_output(tmp_path, {"notes.md": page})

    assert "notes/index.html: https://cdn.example.org/x.js" in output


# --- the cache of executed pages ----------------------------------------------


def test_page_runs_again_only_when_an_input_changes(tmp_path: Path):
    page = PAGE_HEADER + (
        "\n    # %%\n"
        "    from pathlib import Path\n"
        "    print(Path('benchmarks/results.json').read_text())\n"
    )
    config = make_project(tmp_path / "project", {"index.md": "# Home\n", "benchmarks.py": page})
    inputs = tmp_path / "project" / "benchmarks"
    inputs.mkdir()
    (inputs / "report.py").write_text("")
    (inputs / "results.json").write_text('{"first": 1}')

    def build() -> str:
        process = build_site(tmp_path / "site", cache_dir=tmp_path / "cache", config=config)
        assert process.returncode == 0, process.stderr
        return process.stdout + process.stderr

    first, unchanged = build(), build()
    (inputs / "results.json").write_text('{"second": 2}')
    changed = build()

    assert "Executing benchmarks.py" in first
    assert "Cached: benchmarks.py" in unchanged
    assert "Executing benchmarks.py" in changed
    html = (tmp_path / "site" / "benchmarks" / "index.html").read_text(encoding="utf-8")
    assert "second" in html
