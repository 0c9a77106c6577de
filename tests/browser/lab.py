"""JupyterLab and Voila in Debian's chromium: the servers, one Lab page reused for every notebook, Run All, what the
page shows, and the in-page latency probe. Shared by the browser tests (conftest.py) and ``make bench`` (bench/browser.py).

How this was made fast without testing less (issue 9: the suite took ~3 min for 12 notebooks on 2 cores):

* one JupyterLab page for the whole session: each notebook is opened in it through JupyterLab's own commands
  (``window.jupyterapp``, exposed with ``--LabApp.expose_app_in_browser``) and closed with its kernel afterwards,
  instead of a page load (2-4 s of JavaScript on a busy machine) per notebook;
* Run All is awaited on JupyterLab's own promise and then on the kernel's idle status and the cells' prompts,
  never on fixed sleeps;
* the next notebook's kernel is started while the current one is checked (:meth:`Lab.prefetch`).

Nothing here downloads a browser or writes into the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1280, "height": 800}  # a laptop; the default Lab layout (file browser open)
VOILA_NOTEBOOK = "apps/planner.ipynb"  # the planner dashboard (apps/ is served next to the notebooks)

# What the learner sees. Widget views (ipywidgets 8 / 7 class names):
SLIDER_HANDLE = (".widget-slider .slider:not([disabled]) .noUi-handle, "
                 ".widget-slider .ui-slider:not(.ui-state-disabled) .ui-slider-handle")  # enabled sliders only
DROPDOWN = ".widget-dropdown select"
FREE_LABEL = "div.widget-label"  # a Label widget; descriptions of controls are <label class="widget-label">
VIEW = ".course-view"  # a CalculatorView (course_lib.widgets._view)
WIDGET_ERROR = ".jupyter-widgets-error-widget"
# Labels and descriptions typeset $...$ as LaTeX: "$2 ... $30" turns into garbled math.
WIDGET_MATH = ".jupyter-widgets:not(.widget-htmlmath) :is(mjx-container, .MathJax, .katex)"
ERROR_MIME = "[data-mime-type='application/vnd.jupyter.error']"
# JupyterLab 4 renders tracebacks as stderr (so ERROR_MIME rarely matches); Voila prints these. A widget whose
# front-end is missing shows "Click to show javascript error." (BROWSER_TESTING.md).
ERROR_TEXTS = ("Error displaying widget", "Click to show javascript error", "Traceback (most recent call last)",
               "There was an error when executing cell")


# --------------------------------------------------------------------------- served files and servers


def strip_outputs(path: Path) -> None:
    """Remove every output, execution count and saved widget state of the notebook at ``path``."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    notebook.metadata.get("widgets", {}).clear()
    nbformat.write(notebook, path)


def served_copy(root: Path) -> Path:
    """Copy notebooks/ (and apps/ inside it) to ``root``, outputs stripped, no .py pairs; return ``root``."""
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns("*.py", "__pycache__", ".ipynb_checkpoints"))
    shutil.copytree(REPO / "apps", root / "apps", ignore=shutil.ignore_patterns("*.py", ".ipynb_checkpoints"))
    for path in [*root.glob("*.ipynb"), *root.glob("apps/*.ipynb")]:
        strip_outputs(path)
    return root


def course_notebooks() -> list[str]:
    """File names of the course notebooks (``notebooks/*.ipynb``), sorted."""
    return sorted(path.name for path in (REPO / "notebooks").glob("*.ipynb"))


def private_env(home: Path) -> dict:
    """Environment with private Jupyter config/runtime/data and IPython dirs (the user's are never read)."""
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTER_DATA_DIR=str(home / "data"), IPYTHONDIR=str(home / "ipython"), JUPYTER_PLATFORM_DIRS="1")
    env.pop("MPLBACKEND", None)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_http(url: str, process: subprocess.Popen, log: Path, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # the server answered (an error page still means it is up)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    raise RuntimeError(f"no answer from {url} after {timeout_s} s:\n{log.read_text()[-3000:]}")


@contextmanager
def server(command: list[str], env: dict, log: Path, ready_url: str, keep_log: Path | None = None) -> Iterator[None]:
    """Run ``command`` (a server) until the block ends; stop it by its PID (SIGTERM, then SIGKILL).

    Its log is copied to ``keep_log`` afterwards, if given.
    """
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)
    try:
        _wait_for_http(ready_url, process, log)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if keep_log is not None:
            keep_log.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(log, keep_log)


def write_lab_settings(settings: Path, theme: str | None = None) -> None:
    """User settings: no autosave, no news or update checks, every cell attached (no windowing); ``theme`` e.g.
    "JupyterLab Dark"."""
    files = {
        "docmanager-extension/plugin": '{"autosave": false}',
        "apputils-extension/notification": '{"fetchNews": "false", "checkForUpdates": false}',
        "notebook-extension/tracker": '{"windowingMode": "none"}',
    }
    if theme:
        files["apputils-extension/themes"] = json.dumps({"theme": theme})
    for name, content in files.items():
        path = settings / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


@contextmanager
def lab_server(root: Path, work: Path, env: dict, keep_log: Path | None = None,
               theme: str | None = None) -> Iterator[str]:
    """Base URL of a JupyterLab server on 127.0.0.1 serving ``root`` (no token, app exposed to the page)."""
    work.mkdir(parents=True, exist_ok=True)
    write_lab_settings(work / "settings", theme)
    port = free_port()
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
               "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True",
               f"--LabApp.user_settings_dir={work / 'settings'}", f"--LabApp.workspaces_dir={work / 'workspaces'}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    url = f"http://127.0.0.1:{port}"
    with server(command, env, work / "lab.log", f"{url}/api/status", keep_log):
        yield url


@contextmanager
def voila_server(notebook: Path, work: Path, env: dict, keep_log: Path | None = None) -> Iterator[str]:
    """Base URL of Voila serving ``notebook`` on 127.0.0.1 (``port_retries=0``: it never takes another port)."""
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [sys.executable, "-m", "voila", str(notebook), "--no-browser", "--Voila.ip=127.0.0.1",
               f"--Voila.port={port}", "--Voila.port_retries=0", "--show_tracebacks=True"]
    url = f"http://127.0.0.1:{port}"
    # Voila executes the notebook per page request: readiness is checked on its static-file route.
    with server(command, env, work / "voila.log", f"{url}/voila/static/", keep_log):
        yield url


def shutdown_kernels(base_url: str) -> None:
    """Shut down every kernel session of the server at ``base_url``."""
    with urllib.request.urlopen(f"{base_url}/api/sessions", timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(f"{base_url}/api/sessions/{session['id']}", method="DELETE")
        urllib.request.urlopen(request, timeout=10).close()


def launch_chromium(playwright):
    """Debian's headless chromium (``playwright install`` cannot download one here)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


# --------------------------------------------------------------------------- one Lab page, many notebooks

_OPEN = """async ([path, prefetch]) => {
    const app = window.jupyterapp;
    const panel = await app.commands.execute('docmanager:open',
        {path, factory: 'Notebook', options: prefetch ? {mode: 'tab-after', activate: false} : {}});
    if (!prefetch) {
        app.shell.activateById(panel.id);
        await panel.context.ready;
        await panel.sessionContext.ready;
    }
    return panel.id;
}"""
_IDLE = """(id) => {
    const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.id === id);
    return panel && panel.sessionContext.kernelDisplayStatus === 'idle';
}"""
_RUN_ALL = """async (id) => {
    const app = window.jupyterapp;
    app.shell.activateById(id);
    await app.commands.execute('notebook:run-all-cells');
}"""
_DONE = """(id) => {
    const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.id === id);
    const prompts = [...panel.node.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
    return panel.sessionContext.kernelDisplayStatus === 'idle' && prompts.length > 0
        && prompts.every(p => !p.textContent.includes('*')) && /\\[\\d+\\]/.test(prompts[0].textContent);
}"""
_SAVE = """async (id) => {
    const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.id === id);
    await panel.context.save();
    return panel.context.model.dirty;
}"""
_CLOSE_ALL = """async (keep) => {
    for (const panel of [...window.jupyterapp.shell.widgets('main')]) {
        if (keep !== null && panel.context && panel.context.path === keep) continue;
        if (panel.sessionContext) { panel.sessionContext.shutdown(); }  // not awaited: the server stops it
        if (panel.context) { panel.context.model.dirty = false; }
        panel.close();
    }
}"""


class Lab:
    """One JupyterLab page (``page``, at ``url``) in which notebooks are opened, run, saved and closed in turn."""

    def __init__(self, page, url: str):
        self.page, self.url = page, url
        self.panels: dict[str, str] = {}  # notebook path -> panel id of an open notebook

    def load(self, timeout_ms: int = 90_000) -> None:
        """Load JupyterLab once and wait until its layout is restored."""
        self.page.goto(f"{self.url}/lab?reset", timeout=timeout_ms)
        self.page.wait_for_function("() => window.jupyterapp !== undefined", timeout=timeout_ms)
        self.page.evaluate("async () => { await window.jupyterapp.restored; }")

    def prefetch(self, name: str) -> None:
        """Open ``name`` in a background tab, so that its kernel starts while the current notebook is checked."""
        if name not in self.panels:
            self.panels[name] = self.page.evaluate(_OPEN, [name, True])

    def run(self, name: str, timeout_ms: int = 180_000) -> str:
        """Open ``name`` (if not prefetched), wait for its kernel, Run All, wait until every cell ran and the kernel
        is idle, save; return the panel id."""
        panel = self.panels.get(name) or self.page.evaluate(_OPEN, [name, False])
        self.panels[name] = panel
        self.page.evaluate("(id) => window.jupyterapp.shell.activateById(id)", panel)
        # The status bar says idle only once the kernel is ready (the notebook's own dot says so earlier).
        self.page.wait_for_function(_IDLE, arg=panel, timeout=90_000)
        self.page.evaluate(_RUN_ALL, panel)
        self.page.wait_for_function(_DONE, arg=panel, timeout=timeout_ms, polling=200)
        if self.page.evaluate(_SAVE, panel):
            raise RuntimeError(f"{name} is still unsaved after saving")
        return panel

    def close_all(self, keep: str | None = None) -> None:
        """Shut down the kernel of every open notebook but ``keep`` (a prefetched one) and close its tab (nothing
        asks to save)."""
        self.page.evaluate(_CLOSE_ALL, keep)
        self.panels = {name: panel for name, panel in self.panels.items() if name == keep}


def error_outputs(path: Path) -> list[str]:
    """``"cell N: Ename: message"`` for every error output of the (saved) notebook at ``path``."""
    notebook = nbformat.read(path, as_version=4)
    return [f"cell {index}: {output.ename}: {output.evalue}"
            for index, cell in enumerate(notebook.cells) if cell.cell_type == "code"
            for output in cell.outputs if output.output_type == "error"]


def page_problems(scope) -> list[str]:
    """What a learner would see as broken in ``scope`` (a page or a locator): tracebacks, widgets that failed to
    render, formulas typeset in widget text."""
    problems = [f"{count} widget(s) failed to render" for count in [scope.locator(WIDGET_ERROR).count()] if count]
    problems += [f"{count} error output(s)" for count in [scope.locator(ERROR_MIME).count()] if count]
    problems += [f"{count} formula(s) typeset in widget text (two \"$\" in a Label or description?)"
                 for count in [scope.locator(WIDGET_MATH).count()] if count]
    outputs = scope.locator(".jp-OutputArea-output, .jp-OutputArea")  # not the prose, which may quote these messages
    problems += [f'"{text}" shown' for text in ERROR_TEXTS if outputs.get_by_text(text).count()]
    return problems


# --------------------------------------------------------------------------- latency: key press or click -> the view changed

# Installed on one view before one operation. t0: the triggering keydown / pointerdown / input event (capture phase);
# then every mutation of the view's result area (headline, details, error, image; not the controls, whose readout
# changes at once) is time-stamped: the first one, the last one, and the image's src swap.
PROBE = """(view) => {
    const state = {t0: null, first: null, last: null, image: null};
    const controls = view.firstElementChild;
    for (const type of ['keydown', 'pointerdown', 'input']) {
        view.addEventListener(type, () => { if (state.t0 === null) state.t0 = performance.now(); },
                              {capture: true, once: true});
    }
    const observer = new MutationObserver((records) => {
        const now = performance.now();
        for (const r of records) {
            if (controls.contains(r.target)) continue;
            if (r.type === 'attributes' && r.attributeName === 'src') state.image = state.image ?? now;
            state.first = state.first ?? now;
            state.last = now;
        }
    });
    observer.observe(view, {subtree: true, childList: true, characterData: true, attributes: true,
                            attributeFilter: ['src', 'class']});
    state.stop = () => observer.disconnect();
    window.__courseProbe = state;
}"""
# True once the view has been quiet for ``quiet`` ms after its first change (or ``give_up`` ms passed unchanged).
SETTLED = """([quiet, giveUp]) => {
    const s = window.__courseProbe, now = performance.now();
    if (s.t0 === null) return false;
    if (s.first === null) return now - s.t0 > giveUp;
    return now - s.last > quiet;
}"""
READ = """() => {
    const s = window.__courseProbe;
    s.stop();
    const since = (t) => (t === null || s.t0 === null) ? null : t - s.t0;
    return {first: since(s.first), last: since(s.last), image: since(s.image)};
}"""
