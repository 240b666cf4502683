"""The site builds strictly, and its pages contain what the tutorial promises.

The site is built once per test run (the `built_site` fixture in conftest.py);
these tests read the HTML and notebooks it produced.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import dltut
from tests.conftest import ROOT, TUTORIAL_PAGES, build_site

pytestmark = pytest.mark.docs

# Figures each page draws; a page that loses one fails the tests below.
FIGURES = {
    # One per activation and a comparison of all four.
    "01-activations": 5,
    # The tangent, the error against the step, the accurate methods.
    "02-derivatives": 3,
    # The temperature bars and the batch heat maps.
    "03-softmax": 2,
    "04-chain-rule": 2,
    "05-several-inputs": 2,
    # The model's graph and the graph of x * x.
    "06-computational-graphs": 2,
    # Loss curves, predicted against actual, learning rates.
    "07-linear-regression": 3,
    # Loss curves on the diabetes data, the sin(x) fit.
    "08-neural-network": 2,
    # The relative gradient errors of every backward pass.
    "09-building-blocks": 1,
    # Sample images, training curves, confusion matrix, misclassified images.
    "10-digits": 4,
    # Initialization, momentum (two), schedules, dropout.
    "11-training-tricks": 5,
}


def page_html(site: Path, page: str) -> str:
    return (site / "tutorial" / page / "index.html").read_text(encoding="utf-8")


def inline_figures(html: str) -> int:
    """Count the figures that notebook outputs embed as SVG or images."""
    svg_outputs = len(re.findall(r'class="[^"]*jp-RenderedSVG', html))
    image_outputs = len(re.findall(r'class="[^"]*jp-RenderedImage', html))
    return svg_outputs + image_outputs


def visible_text(html: str) -> str:
    """Strip tags and collapse white space, so that text split across lines can be searched."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


@pytest.mark.parametrize("page", TUTORIAL_PAGES)
def test_tutorial_page_has_figures(built_site: Path, page: str) -> None:
    html = page_html(built_site, page)

    assert inline_figures(html) == FIGURES[page], f"{page} does not show its figures"


@pytest.mark.parametrize("page", TUTORIAL_PAGES)
def test_tutorial_page_figures_have_labels(built_site: Path, page: str) -> None:
    notebook = json.loads((built_site / "tutorial" / page / f"{page}.ipynb").read_text())
    svgs = [
        "".join(output["data"]["image/svg+xml"])
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if "image/svg+xml" in output.get("data", {})
    ]

    # Matplotlib writes each text element's content as an SVG comment.
    unlabelled = [index for index, svg in enumerate(svgs) if "<!-- " not in svg]
    assert svgs, f"{page} has no SVG figures"
    assert not unlabelled, f"{page}: figures {unlabelled} have no text (title or labels)"


@pytest.mark.parametrize("page", TUTORIAL_PAGES)
def test_tutorial_outputs_have_no_plot_reprs(built_site: Path, page: str) -> None:
    notebook = json.loads((built_site / "tutorial" / page / f"{page}.ipynb").read_text())
    results = [
        "".join(output["data"].get("text/plain", ""))
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if output["output_type"] == "execute_result"
    ]

    # The 2019 notebook showed return values of plotting calls, such as
    # Text(0, 0.5, 'y'), as cell outputs.
    leaked = [text for text in results if text.startswith(("Text(", "[<matplotlib", "<matplotlib"))]
    assert not leaked, f"{page} shows plotting return values: {leaked}"


@pytest.mark.parametrize("page", TUTORIAL_PAGES)
def test_tutorial_notebook_downloadable(built_site: Path, page: str) -> None:
    path = built_site / "tutorial" / page / f"{page}.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))

    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    output_types = {
        output["output_type"] for cell in code_cells for output in cell.get("outputs", [])
    }
    assert notebook["nbformat"] == 4
    assert code_cells, f"{page}.ipynb has no code cells"
    assert all(cell["execution_count"] for cell in code_cells), "a code cell did not run"
    assert "error" not in output_types


@pytest.mark.parametrize("page", TUTORIAL_PAGES)
def test_tutorial_page_links_its_notebook(built_site: Path, page: str) -> None:
    html = page_html(built_site, page)

    assert f'href="{page}.ipynb"' in html or f"/{page}/{page}.ipynb" in html


def test_softmax_page_shows_notebook_example(built_site: Path) -> None:
    text = visible_text(page_html(built_site, "03-softmax"))

    # softmax([3.0, 1.0, 0.2]) by hand: e^3 / (e^3 + e^1 + e^0.2)
    # = 20.0855 / (20.0855 + 2.7183 + 1.2214) = 0.8360, and so on.
    for value in ("0.8360", "0.1131", "0.0508"):
        assert value in text, f"softmax page does not show {value}"


def test_softmax_page_shows_stable_large_scores(built_site: Path) -> None:
    text = visible_text(page_html(built_site, "03-softmax"))

    # softmax([1000, 1001, 1002]) = softmax([0, 1, 2]) = [1, e, e^2] / (1 + e + e^2).
    for value in ("0.0900", "0.2447", "0.6652"):
        assert value in text, f"softmax page does not show {value}"


def test_derivatives_page_shows_exact_tangent_slope(built_site: Path) -> None:
    text = visible_text(page_html(built_site, "02-derivatives"))

    # d/dx 1/x = -1/x^2 = -1/0.16 = -6.25 at x = 0.4.
    assert "-6.25" in text


def test_home_page_credits_sources(built_site: Path) -> None:
    text = visible_text((built_site / "index.html").read_text(encoding="utf-8"))

    assert "Damir Cavar" in text
    assert "Weidman" in text
    assert "Deep Learning from Scratch" in text


@pytest.mark.parametrize("name", sorted(set(dltut.__all__) - {"__version__"}))
def test_api_reference_documents_function(built_site: Path, name: str) -> None:
    html = (built_site / "reference" / "index.html").read_text(encoding="utf-8")

    assert re.search(rf'id="dltut\.[a-z_]+\.{name}"', html), f"{name} is not in the reference"


def test_pages_load_mathjax_from_site(built_site: Path) -> None:
    for page in ["index.html", *(f"tutorial/{page}/index.html" for page in TUTORIAL_PAGES)]:
        html = (built_site / page).read_text(encoding="utf-8")

        assert re.search(r'<script src="[./]*assets/vendor/mathjax/tex-chtml\.js', html), page
        assert "cdnjs" not in html, page
    assert (built_site / "assets" / "vendor" / "mathjax" / "tex-chtml.js").is_file()


def test_two_clean_builds_identical(built_site: Path, tmp_path: Path) -> None:
    # A second build that executes every page again, with nothing cached.
    process = build_site(tmp_path / "site", cache_dir=tmp_path / "cache")
    assert process.returncode == 0, process.stderr

    def files(site: Path) -> dict[str, bytes]:
        return {
            path.relative_to(site).as_posix(): path.read_bytes()
            for path in sorted(site.rglob("*"))
            if path.is_file()
        }

    first, second = files(built_site), files(tmp_path / "site")
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == [], f"files that differ between two builds: {differing}"


@pytest.mark.parametrize("page", TUTORIAL_PAGES)
def test_tutorial_figures_have_alt_text(built_site: Path, page: str) -> None:
    alts = re.findall(r'<img alt="([^"]*)" src="data:image/svg', page_html(built_site, page))

    assert len(alts) == FIGURES[page]
    # Each figure is described by its title, labels and legend.
    assert all(alt.startswith("Figure: ") and len(alt) > 20 for alt in alts), alts


@pytest.mark.parametrize("page", TUTORIAL_PAGES)
def test_downloaded_notebook_links_absolute(built_site: Path, page: str) -> None:
    notebook = json.loads((built_site / "tutorial" / page / f"{page}.ipynb").read_text())
    links = [
        link
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
        for link in re.findall(r"\]\(([^)\s]+)\)", "".join(cell["source"]))
    ]

    # The site is built with its default address, http://127.0.0.1:8000/.
    site_url = "http://127.0.0.1:8000/"
    inside = [link for link in links if link.startswith(site_url)]
    relative = [link for link in links if not link.startswith(("http://", "https://"))]
    assert inside, f"{page}.ipynb links to no other page of the site"
    assert relative == []
    for link in inside:
        path = link.removeprefix(site_url).split("#")[0]
        assert (built_site / path / "index.html").is_file(), link


# --- the Benchmarks page ---


def benchmarks_html(site: Path) -> str:
    return (site / "benchmarks" / "index.html").read_text(encoding="utf-8")


def test_benchmarks_page_shows_every_goal(built_site: Path) -> None:
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    goals = [
        row
        for record in results.values()
        for row in record["results"].get("summary", [])
        if row["goal"] is not None
    ]
    summary = benchmarks_html(built_site).split('id="summary"')[1].split("</table>")[0]
    verdicts = re.findall(r'<td style="text-align: right">(met|missed)</td>', summary)

    assert len(goals) >= 10
    assert sorted(verdicts) == sorted("met" if row["met"] else "missed" for row in goals)


def test_benchmarks_page_has_figures_and_machine(built_site: Path) -> None:
    results = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    html = benchmarks_html(built_site)
    text = visible_text(html)

    # Epoch times, softmax timings and passes, derivative errors.
    assert inline_figures(html) == 3
    for record in results.values():
        assert record["command"] in text
    assert results["training"]["machine"]["numpy"] in text
    assert "BLAS used by NumPy" in text
    assert "make bench" in text


def test_benchmarks_page_hides_its_code(built_site: Path) -> None:
    html = benchmarks_html(built_site)

    assert "from benchmarks import report" not in html
    # Its notebook needs the repository, so the page offers no download.
    assert 'href="benchmarks.ipynb"' not in html
