"""MkDocs hook: execute the notebook pages before mkdocs-jupyter renders them.

Each `.py` file under `docs/` (the tutorial pages and the Benchmarks page)
is a jupytext percent script. This hook turns it into a notebook, runs it in
a fresh kernel and hands the executed notebook to mkdocs-jupyter, which
renders it without running it again and offers it for download. Executed
notebooks are cached under `.cache/notebooks/`, keyed by the page's source,
the `dltut` package source, this file and the page's entry in `PAGE_INPUTS`,
so an unchanged page is not run again while `mkdocs serve` rebuilds. The environment variable
`DLTUT_CACHE_DIR` moves the cache elsewhere, for example to force a cold build.

A cell that raises, or that writes to stderr (a warning, for example), fails
the build with the page's path, the cell's line in it and the error.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import jupytext
import nbformat
from jupyter_client.manager import KernelManager
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

log = get_plugin_logger("notebooks")

#: Files under docs/ with this suffix are pages to execute.
PAGE_SUFFIX = ".py"

#: Files besides `dltut` that a page reads, by the page's path under docs/;
#: a change in one of them runs the page again.
PAGE_INPUTS = {
    "benchmarks.py": ("benchmarks/report.py", "benchmarks/results.json"),
}

#: Seconds one cell may run before the build fails.
CELL_TIMEOUT = 600

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
_MARKDOWN_LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
# nbconvert's placeholder alt text on figures that notebooks embed as SVG.
_GENERIC_ALT = re.compile(
    r'<img alt="No description has been provided for this image" '
    r'src="data:image/svg\+xml;base64,(?P<data>[A-Za-z0-9+/=]+)"'
)

_used_cache_dirs: set[Path] = set()


def _project_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _cache_root(config: MkDocsConfig) -> Path:
    """Return the folder of executed notebooks: $DLTUT_CACHE_DIR, or .cache/notebooks."""
    configured = os.environ.get("DLTUT_CACHE_DIR")
    if configured:
        return Path(configured).resolve()
    return _project_root(config) / ".cache" / "notebooks"


def _package_digest(root: Path) -> str:
    """Hash everything an executed page depends on besides its own source."""
    digest = hashlib.sha256()
    for path in sorted((root / "dltut").rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())

    # A change in how pages are executed invalidates them too.
    digest.update(Path(__file__).read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def _cell_lines(source: Path) -> list[int]:
    """Return the line number of each `# %%` cell marker in a percent script."""
    lines = source.read_text(encoding="utf-8").splitlines()
    return [number for number, line in enumerate(lines, start=1) if line.startswith("# %%")]


def _describe_cell(source: Path, index: int, cell_count: int) -> str:
    markers = _cell_lines(source)
    if len(markers) == cell_count:
        return f"{source}:{markers[index]} (cell {index + 1} of {cell_count})"
    return f"{source} (cell {index + 1} of {cell_count})"


def _plain(text: str) -> str:
    """Remove the ANSI colour codes that IPython puts into tracebacks."""
    return _ANSI_ESCAPE.sub("", text)


def _stderr_text(cell: Any) -> str:
    streams = [
        output.get("text", "")
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stderr"
    ]
    return "".join(streams)


def execute_page(source: Path, root: Path) -> nbformat.NotebookNode:
    """Run the percent script `source` as a notebook and return it with its outputs.

    Raises `PluginError` naming the page and the cell when a cell raises or
    writes to stderr.
    """
    notebook = jupytext.read(source)
    # nbformat gives new cells random ids; numbered ids keep the notebook the same on every build.
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"

    with tempfile.TemporaryDirectory() as runtime_dir:
        # Unix sockets in a private folder instead of TCP ports on localhost.
        kernel = KernelManager(
            kernel_name="python3",
            transport="ipc",
            ip=str(Path(runtime_dir) / "socket"),
            connection_file=str(Path(runtime_dir) / "kernel.json"),
        )
        try:
            return _run_cells(notebook, kernel, source, root)
        finally:
            # nbclient leaves a kernel that it did not create running.
            if kernel.has_kernel:
                kernel.shutdown_kernel()


def _run_cells(
    notebook: nbformat.NotebookNode, kernel: KernelManager, source: Path, root: Path
) -> nbformat.NotebookNode:
    client = NotebookClient(
        notebook,
        km=kernel,
        timeout=CELL_TIMEOUT,
        # Timestamps in the notebook would make every build differ.
        record_timing=False,
        # The kernel may split one cell's printed text into several messages,
        # differently on each run; merged, the output is the same every time.
        coalesce_streams=True,
        resources={"metadata": {"path": str(root)}},
    )

    cell_count = len(notebook.cells)
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            where = _describe_cell(source.relative_to(root), index, cell_count)
            try:
                client.execute_cell(cell, index)
            except CellExecutionError as error:
                raise PluginError(f"Error in {where}:\n{_plain(str(error))}") from None

            stderr = _stderr_text(cell)
            if stderr:
                raise PluginError(
                    f"Output on stderr in {where}; pages must run without warnings:\n"
                    + _plain(stderr)
                )
    return notebook


def _executed_notebook(file: File, config: MkDocsConfig, package_digest: str) -> Path:
    """Return the cache folder that contains the executed notebook for `file`, running it if needed.

    Inside that folder, the notebook has the script's path under docs/ with
    the suffix `.ipynb`.
    """
    root = _project_root(config)
    source = Path(file.abs_src_path or "")
    digest = hashlib.sha256(source.read_bytes() + package_digest.encode())
    for name in PAGE_INPUTS.get(file.src_uri, ()):
        digest.update(name.encode())
        digest.update((root / name).read_bytes())
    key = digest.hexdigest()[:20]

    # The notebook keeps its path under docs/, so that it gets the page's URL.
    cache_dir = _cache_root(config) / key
    target = cache_dir / Path(file.src_uri).with_suffix(".ipynb")
    _used_cache_dirs.add(cache_dir)
    if target.exists():
        log.info("Cached: %s", file.src_uri)
        return cache_dir

    log.info("Executing %s", file.src_uri)
    notebook = execute_page(source, root)

    # Written to a temporary name first, so an interrupted build leaves no
    # half-written notebook that a later build would take as cached.
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    nbformat.write(notebook, partial)  # type: ignore[no-untyped-call]
    partial.replace(target)
    return cache_dir


@event_priority(100)  # before mkdocs-jupyter wraps the notebooks
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Replace each page script by its executed notebook.

    The notebook's path ends in `.ipynb`, so `mkdocs.yml` and links name the
    pages `tutorial/NN-topic.ipynb` and `benchmarks.ipynb`.
    """
    # Kernels inherit these. A fixed hash seed makes set and dict orders the
    # same on every build; one BLAS thread makes floating-point sums add up
    # in the same order on any machine, and keeps a busy machine responsive.
    os.environ.setdefault("PYTHONHASHSEED", "0")
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    package_digest = _package_digest(_project_root(config))

    for file in list(files):
        if not file.src_uri.endswith(PAGE_SUFFIX):
            continue
        notebook = File(
            Path(file.src_uri).with_suffix(".ipynb").as_posix(),
            src_dir=str(_executed_notebook(file, config, package_digest)),
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
        )
        files.remove(file)
        files.append(notebook)
    return files


def _figure_description(match: re.Match[str]) -> str:
    """Return an img tag whose alt text lists the words in the SVG figure it shows."""
    svg = base64.b64decode(match.group("data")).decode("utf-8", errors="replace")

    # Matplotlib writes each text of a figure (title, labels, legend) as an SVG comment.
    texts = [html.unescape(text.strip()) for text in re.findall(r"<!-- (.*?) -->", svg)]
    # Tick labels are numbers, some written as mathtext such as $\mathdefault{10^{-3}}$.
    words = [text for text in texts if re.search(r"[A-Za-z]{2}", text) and text[0] != "$"]
    unique = list(dict.fromkeys(words))
    description = "Figure: " + "; ".join(unique[:8]) if unique else "Figure"

    data = match.group("data")
    return f'<img alt="{html.escape(description)}" src="data:image/svg+xml;base64,{data}"'


def on_page_content(page_html: str, page: Page, **kwargs: object) -> str:
    """Give each figure of a notebook page an alt text from its title, labels and legend."""
    if not (page.file.abs_src_path or "").endswith(".ipynb"):
        return page_html
    return _GENERIC_ALT.sub(_figure_description, page_html)


def _absolute_links(source: str, page_url: str) -> str:
    """Turn relative Markdown links in `source` into absolute URLs from `page_url`."""

    def absolute(match: re.Match[str]) -> str:
        target = match.group("target")
        if urlsplit(target).scheme or target.startswith("#"):
            return match.group(0)
        return f"]({urljoin(page_url, target)})"

    return _MARKDOWN_LINK.sub(absolute, source)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Make the links in the downloadable copy of a notebook work outside the site.

    mkdocs-jupyter has copied the notebook next to the page. Its links are
    relative to the page's URL, which a notebook opened in Jupyter does not
    have, so they become absolute URLs of the site.
    """
    source = page.file.abs_src_path or ""
    if not source.endswith(".ipynb") or not page.canonical_url:
        return output

    copy = Path(page.file.abs_dest_path).parent / Path(source).name
    if copy.exists():
        notebook = nbformat.read(copy, as_version=4)  # type: ignore[no-untyped-call]
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                cell.source = _absolute_links(cell.source, page.canonical_url)
        nbformat.write(notebook, copy)  # type: ignore[no-untyped-call]
    return output


def on_post_build(config: MkDocsConfig) -> None:
    """Delete cached notebooks that this build did not use."""
    cache_root = _cache_root(config)
    if not cache_root.is_dir():
        return
    for entry in cache_root.iterdir():
        if entry.is_dir() and entry not in _used_cache_dirs:
            shutil.rmtree(entry)
    _used_cache_dirs.clear()
