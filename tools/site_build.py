"""Build the course website: ``make site`` (``python -m tools.site_build``), into ``build/site/``.

1. Execute every notebook (notebooks/, apps/planner.ipynb) once, in parallel, keeping the widgets'
   state; a notebook whose source and course_lib are unchanged since the last build is reused from
   ``build/site-cache/``.
2. Write the Sphinx source into ``build/site-src/`` in the repository's own layout, so relative
   links keep working: the executed notebooks with each widget frozen into the picture of its
   starting state plus "Launch on Binder · Open in Colab" links (``tools.static_widgets``), the
   exercise notebooks (no solutions), the glossary and the source-article errors from docs/, and the
   generated home, sources and instructor pages (``tools.site_pages``). Guard cells and the Colab
   install cell are left out; links to files the site does not publish point at GitHub.
3. ``sphinx-build`` with myst-nb and sphinx-book-theme (the engine of Jupyter Book 1; configuration in
   ``book/conf.py``), warnings as errors, so a broken internal link fails the build.

Jupyter Book 2 (mystmd) is not used: its ``build --html`` downloads the book theme from
api.mystmd.org, which neither PyPI nor npm carries, so it cannot build offline or from the package
registries alone.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from tools import site_pages
from tools.address import ROOT, Address, load
from tools.static_widgets import freeze_widgets

BUILD = ROOT / "build"
CACHE = BUILD / "site-cache"
SOURCE = BUILD / "site-src"
OUTPUT = BUILD / "site"
CONFIG = ROOT / "book"
EXECUTED = ("notebooks/[0-9][0-9]_*.ipynb", "apps/planner.ipynb")
COPIED = ("exercises/[0-9][0-9]_*_exercises.ipynb", "docs/glossary.md", "docs/source-article-errors.md")
GENERATED = ("index.md", "sources.md", "instructor.md")
HIDDEN_TAGS = {"guard", "active-ipynb"}  # maintainers' checks; the Colab install cell
LIBRARY_FILES = ("course_lib/**/*.py", "course_lib/data/*")
# docs/glossary.md's '### <a id="mfu"></a>MFU': an <a> without href breaks the theme's script; the heading keeps the id.
GLOSSARY_ANCHOR = re.compile(r'^(#+ )<a id="[^"]+"></a>', re.M)


def heading_slug(text: str) -> str:
    """Heading anchors as the glossary writes them (``course_lib.glossary.Term.anchor``): '2:4 sparsity' -> '2-4-sparsity'."""
    from course_lib.glossary import Term

    return Term(text, "", "").anchor


# --- 1. execute ---------------------------------------------------------------------------------------

def _fingerprint(path: Path) -> str:
    """Hash of a notebook and of everything it runs (course_lib), so an unchanged notebook is not run again."""
    digest = hashlib.sha256(path.read_bytes())
    for pattern in LIBRARY_FILES:
        for file in sorted(ROOT.glob(pattern)):
            if "__pycache__" not in file.parts:
                digest.update(file.relative_to(ROOT).as_posix().encode() + file.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def _execute(path: str) -> tuple[str, float, float]:
    """Run one notebook (in a worker process): (executed notebook JSON, seconds, peak kernel memory in MB)."""
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(notebook, timeout=600, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # Linux: kB
    return nbformat.writes(notebook), seconds, peak_mb


def execute_all(paths: list[Path], jobs: int) -> dict[Path, nbformat.NotebookNode]:
    """Executed notebooks by source path, from the cache where the fingerprint matches."""
    CACHE.mkdir(parents=True, exist_ok=True)
    executed, todo = {}, []
    for path in paths:
        cached = CACHE / path.relative_to(ROOT).as_posix().replace("/", "__")
        if cached.exists():
            notebook = nbformat.read(cached, as_version=4)
            if notebook.metadata.get("course_site", {}).get("fingerprint") == _fingerprint(path):
                executed[path] = notebook
                continue
        todo.append(path)
    if todo:
        print(f"executing {len(todo)} notebooks ({len(paths) - len(todo)} reused), {jobs} at a time", flush=True)
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for path, (text, seconds, peak_mb) in zip(todo, pool.map(_execute, map(str, todo)), strict=True):
                notebook = nbformat.reads(text, as_version=4)
                notebook.metadata["course_site"] = {"fingerprint": _fingerprint(path), "peak_kernel_mb": peak_mb,
                                                    "executed": datetime.date.today().isoformat()}
                nbformat.write(notebook, CACHE / path.relative_to(ROOT).as_posix().replace("/", "__"))
                executed[path] = notebook
                print(f"  {path.relative_to(ROOT)}: {seconds:.1f} s", flush=True)
    else:
        print(f"reusing {len(paths)} executed notebooks from {CACHE.relative_to(ROOT)}")
    return executed


# --- 2. the Sphinx source ---------------------------------------------------------------------------

def launch_links(address: Address, path: str) -> str:
    """HTML: "Launch on Binder · Open in Colab" for the notebook at repo ``path`` (Voila for the app)."""
    binder = address.binder_url(path, ui="voila" if path.startswith("apps/") else "lab")
    return (f'<a class="course-launch" href="{binder}">Launch on Binder</a> · '
            f'<a class="course-launch" href="{address.colab_url(path)}">Open in Colab</a>')


def _widget_launch(address: Address, path: str) -> str:
    return (f'<p class="course-widget-launch">A picture of this widget in its starting state. '
            f"To move it: {launch_links(address, path)}</p>")


def _page_note(address: Address, path: str, executed_on: str | None) -> nbformat.NotebookNode:
    if executed_on:
        text = (f"This page shows the notebook as it ran on {executed_on}, when the website was built, on the build "
                "machine (its measurements are of that machine). Widgets appear as pictures of their starting state.")
    else:
        text = "Exercise notebook, without solutions: `ex1.check(answer)` checks an answer when the notebook runs."
    return nbformat.v4.new_markdown_cell(f'<p class="course-page-note">{text} Run it: {launch_links(address, path)}</p>')


def site_notebook(notebook: nbformat.NotebookNode, path: str, address: Address, site_files: set[str],
                  executed: bool) -> tuple[nbformat.NotebookNode, int]:
    """The notebook at repo ``path`` as the website shows it; and how many widgets were frozen."""
    notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))  # a copy
    cells = []
    for cell in notebook.cells:
        if HIDDEN_TAGS & set(cell.metadata.get("tags", [])):
            continue
        if cell.cell_type == "markdown":
            cell.source = site_pages.rewrite_links(cell.source, path, site_files, address)
        cells.append(cell)
    executed_on = notebook.metadata.get("course_site", {}).get("executed") if executed else None
    cells.insert(1, _page_note(address, path, executed_on))
    notebook.cells = cells
    frozen = freeze_widgets(notebook, lambda: _widget_launch(address, path)) if executed else 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "text/html" in output.get("data", {}):
                output["data"]["text/html"] = site_pages.rewrite_html_links(
                    "".join(output["data"]["text/html"]), path, site_files, address)
    return notebook, frozen


def toctree(site_files: set[str]) -> str:
    """The site's navigation, appended to the home page."""
    def tree(caption: str, names: list[str]) -> str:
        entries = "\n".join(name.rsplit(".", 1)[0] for name in names)
        return f"\n```{{toctree}}\n:caption: {caption}\n:maxdepth: 1\n:hidden:\n\n{entries}\n```\n"

    notebooks = sorted(f for f in site_files if f.startswith("notebooks/"))
    exercises = sorted(f for f in site_files if f.startswith("exercises/"))
    reference = ["docs/glossary.md", "sources.md", "docs/source-article-errors.md", "apps/planner.ipynb",
                 "instructor.md"]
    return tree("The course", notebooks) + tree("Exercises", exercises) + tree("Reference", reference)


def site_files_of(root: Path = ROOT) -> set[str]:
    """Repo paths of everything the website publishes as a page."""
    files = {p.relative_to(root).as_posix() for pattern in EXECUTED + COPIED for p in root.glob(pattern)}
    return files | set(GENERATED)


def write_source(executed: dict[Path, nbformat.NotebookNode], address: Address) -> dict[str, int]:
    """Fill ``build/site-src``; return the number of frozen widgets per notebook."""
    shutil.rmtree(SOURCE, ignore_errors=True)
    site_files = site_files_of()
    frozen = {}
    for path, notebook in executed.items():
        relative = path.relative_to(ROOT).as_posix()
        page, frozen[relative] = site_notebook(notebook, relative, address, site_files, executed=True)
        (SOURCE / relative).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(page, SOURCE / relative)
    for pattern in COPIED:
        for path in sorted(ROOT.glob(pattern)):
            relative = path.relative_to(ROOT).as_posix()
            (SOURCE / relative).parent.mkdir(parents=True, exist_ok=True)
            if path.suffix == ".ipynb":
                page, _ = site_notebook(nbformat.read(path, as_version=4), relative, address, site_files,
                                        executed=False)
                nbformat.write(page, SOURCE / relative)
            else:
                text = site_pages.rewrite_links(path.read_text(encoding="utf-8"), relative, site_files, address)
                text = GLOSSARY_ANCHOR.sub(r"\1", text)  # headings get the same anchors from heading_slug
                (SOURCE / relative).write_text(text, encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    peak = max((nb.metadata.get("course_site", {}).get("peak_kernel_mb", 0) for nb in executed.values()), default=None)
    pages = {
        "index.md": site_pages.home_markdown(readme, address, site_files, toctree(site_files)),
        "sources.md": site_pages.sources_markdown(address),
        "instructor.md": site_pages.instructor_markdown(address, readme, site_files, peak),
    }
    for name, text in pages.items():
        (SOURCE / name).write_text(text, encoding="utf-8")
    return frozen


# --- 3. sphinx ----------------------------------------------------------------------------------------

def sphinx(jobs: int) -> None:
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(CONFIG), "-W", "--keep-going", "-q",
               "-j", str(jobs), str(SOURCE), str(OUTPUT)]
    subprocess.run(command, check=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=min(os.cpu_count() or 1, 4), help="notebooks executed at once")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    address = load()
    paths = sorted(p for pattern in EXECUTED for p in ROOT.glob(pattern))
    executed = execute_all(paths, args.jobs)
    frozen = write_source(executed, address)
    print(f"{sum(frozen.values())} widgets shown as pictures; building HTML", flush=True)
    shutil.rmtree(OUTPUT, ignore_errors=True)
    try:
        sphinx(args.jobs)
    except subprocess.CalledProcessError:
        print("sphinx-build failed (warnings are errors: a broken link, a missing page)", file=sys.stderr)
        return 1
    print(f"site built in {time.perf_counter() - start:.0f} s: {OUTPUT.relative_to(ROOT)}/index.html "
          f"(published at {address.pages_url})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
