"""How fast the course runs on this machine; writes bench/report.md.

``python -m bench.run`` (``make bench``; not part of ``make test``) measures:

1. notebooks: headless execution time of every ``notebooks/*.ipynb`` (nbclient, once each, with
   this environment's Python as the kernel); target < 10 s each;
2. widgets: update latency (median, p95) of every view in ``course_lib.widgets.*``, every update a redraw (the
   pictures a view keeps for settings seen before are dropped first). Views are
   found by importing each widget module and calling its public builders (functions named
   ``*_view`` or annotated to return a ``CalculatorView``) with their defaults; ~20 updates each,
   made by setting control values, are timed end to end (calculator + redraw); target < 100 ms median;
3. calculators: calls per second of the main course_lib calculators;
4. this machine: numpy matmul GFLOPS as a % of the estimated CPU peak (course_lib.measure);
5. the real browser: every view of every notebook (and the Voila app) in Debian's chromium, key press or click
   until the view's text and picture changed, median and p95 (bench/browser.py); target < 100 ms median,
   < 250 ms p95 on an idle machine.

Timings on a shared machine are upper bounds: the report records the load average.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import inspect
import os
import pkgutil
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "bench" / "report.md"
NOTEBOOK_TARGET_S = 10.0
WIDGET_TARGET_MS = 100.0
UPDATES_PER_VIEW = 20
VALUES_PER_CONTROL = 5


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


# --------------------------------------------------------------------------- notebooks


@dataclass
class NotebookResult:
    """Wall seconds of one headless run (kernel start included) and the sum of its cells' times."""

    name: str
    seconds: float
    cell_seconds: float
    error: str | None = None


def _cell_seconds(cell) -> float:
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def time_notebook(path: Path, timeout: int = 600) -> NotebookResult:
    """Execute ``path`` once with nbclient in its own folder; never raises (errors are reported)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # Kernel "python3" with argv "python ..." runs as sys.executable: this environment's Python.
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    start = time.perf_counter()
    try:
        client.execute()
    except Exception as exc:  # a failing notebook is a result, not a crash of the benchmark
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:160] if str(exc).strip() else ''}"
    seconds = time.perf_counter() - start
    cells = sum(_cell_seconds(cell) for cell in nb.cells if cell.cell_type == "code")
    return NotebookResult(path.stem, seconds, cells, error)


# --------------------------------------------------------------------------- widgets


@dataclass
class ViewResult:
    """Latencies (seconds) of one view's updates, and the calculator-only share of them."""

    module: str
    builder: str
    build_seconds: float = 0.0
    updates: list = field(default_factory=list)
    calculator: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # per update: did the view show an input error?
    reference_ms: float = float("nan")  # median redraw of the one-line reference view, timed just before
    problem: str | None = None

    def _redrawn(self) -> list:
        return [t for t, error in zip(self.updates, self.errors, strict=True) if not error] or [float("nan")]

    @property
    def median_ms(self) -> float:
        """Median of the updates that recomputed and redrew (an input error skips the redraw)."""
        return 1e3 * float(np.median(self._redrawn()))

    @property
    def p95_ms(self) -> float:
        return 1e3 * float(np.percentile(self._redrawn(), 95))


def discover_builders():
    """(module name, function name, function) of every view builder, plus (where, why) for what was skipped."""
    import course_lib.widgets as package

    builders, skipped = [], []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        try:
            module = importlib.import_module(f"{package.__name__}.{info.name}")
        except Exception as exc:  # a module mid-edit by its author must not stop the benchmark
            skipped.append((info.name, f"import failed: {type(exc).__name__}: {exc}"))
            continue
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            signature = inspect.signature(function)
            if not (name.endswith("_view") or "CalculatorView" in str(signature.return_annotation)):
                continue
            required = [p.name for p in signature.parameters.values()
                        if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            if required:
                skipped.append((f"{info.name}.{name}", f"needs arguments {required}"))
                continue
            builders.append((info.name, name, function))
    return builders, skipped


def _spread(values: list, n: int) -> list:
    """At most ``n`` of ``values``, evenly spaced (first and last included)."""
    if len(values) <= n:
        return values
    return [values[round(i)] for i in np.linspace(0, len(values) - 1, n)]


def candidate_values(control, n: int = VALUES_PER_CONTROL) -> list:
    """Up to ``n`` values other than the current one that a learner could set on ``control``."""
    import ipywidgets as widgets

    current = control.value
    if isinstance(control, widgets.Checkbox):
        values = [not current]
    elif hasattr(control, "_options_values"):  # Dropdown, ToggleButtons, RadioButtons, Select...
        values = list(control._options_values)
    elif isinstance(control, (widgets.FloatLogSlider, widgets.IntSlider, widgets.FloatSlider)):
        # Positions a slider can take: min + k x step (exponents for a log slider), as in the browser.
        steps = int(round((control.max - control.min) / control.step))
        grid = [control.min + k * control.step for k in range(steps + 1)]
        if isinstance(control, widgets.FloatLogSlider):
            values = [float(control.base ** e) for e in grid]
        elif isinstance(control, widgets.IntSlider):
            values = [int(v) for v in grid]
        else:
            values = [round(float(v), 12) for v in grid]
    elif isinstance(control, widgets.IntText):
        values = [max(1, int(round(current * f))) for f in (2, 0.5, 4, 0.25)] if current else [1, 2, 4]
    elif isinstance(control, widgets.FloatText):
        values = [current * f for f in (2, 0.5, 1.5, 0.75)] if current else [0.5, 1.0, 2.0]
    else:
        values = []
    return _spread([v for v in values if v != current], n)


def time_view(module: str, builder: str, function, n_updates: int = UPDATES_PER_VIEW) -> ViewResult:
    """Build the view, then time ``n_updates`` control changes (round robin over its controls)."""
    from course_lib.widgets import CalculatorView

    result = ViewResult(module, builder)
    try:
        start = time.perf_counter()
        view = function()
        result.build_seconds = time.perf_counter() - start
    except Exception as exc:
        result.problem = f"builder raised {type(exc).__name__}: {exc}"
        return result
    if not isinstance(view, CalculatorView):
        result.problem = f"returned {type(view).__name__}, not a CalculatorView"
        return result
    plans = {name: candidate_values(control) for name, control in view.controls.items()}
    plans = {name: values for name, values in plans.items() if values}
    if not plans:
        result.problem = "no control with values to set"
        return result
    position = dict.fromkeys(plans, 0)
    while len(result.updates) < n_updates:
        progressed = False
        for name, values in plans.items():
            if len(result.updates) >= n_updates:
                break
            control = view.controls[name]
            value = values[position[name] % len(values)]
            position[name] += 1
            if value == control.value:
                continue
            view._pictures.clear()  # time a real redraw: not a picture kept from a setting seen before
            start = time.perf_counter()
            control.value = value  # observers: calculator + redraw, as in the browser
            result.updates.append(time.perf_counter() - start)
            result.errors.append(bool(view.error.value))
            start = time.perf_counter()
            try:
                view.compute(**view.values())
            except Exception:  # the view showed it as a message; only the time counts here
                pass
            result.calculator.append(time.perf_counter() - start)
            progressed = True
        if not progressed:
            break
    if not result.updates:
        result.problem = "no update changed a value"
    return result


def reference_view():
    """The floor of a redraw on this machine: a CalculatorView whose figure is a single line."""
    import ipywidgets as widgets

    from course_lib.widgets import CalculatorView, ViewUpdate

    def compute(slope):
        return ViewUpdate(f"slope {slope:g}", "", lambda fig: fig.add_subplot().plot([0, 1], [0, slope]))

    return CalculatorView({"slope": widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.1)}, compute)


# --------------------------------------------------------------------------- calculators and this machine


def calculator_cases() -> list:
    """(label, no-argument function) for the main calculators."""
    from course_lib import compute, memory, parallel, quantization

    matrix = quantization.synthetic_weights((256, 1024), seed=0)
    ranks = [np.random.default_rng(r).standard_normal(1024).astype(np.float32) for r in range(8)]
    return [
        ("memory.training_memory(7e9, zero_stage=2, n_gpus=8)",
         lambda: memory.training_memory(7e9, zero_stage=2, n_gpus=8)),
        ("memory.kv_cache_bytes('Llama-2 7B', 4096, 8)", lambda: memory.kv_cache_bytes("Llama-2 7B", 4096, 8)),
        ("memory.fit_report('Llama-2 70B', 'H100 SXM', seq_len=4096, n_gpus=2)",
         lambda: memory.fit_report("Llama-2 70B", "H100 SXM", seq_len=4096, n_gpus=2)),
        ("compute.training_seconds(3.14e23, 'A100 SXM 80GB', 1024, 0.4)",
         lambda: compute.training_seconds(3.14e23, "A100 SXM 80GB", 1024, 0.4)),
        ("quantization.quantize(256 x 1024, bits=8), per tensor", lambda: quantization.quantize(matrix, bits=8)),
        ("quantization.quantize(256 x 1024, bits=4, group_size=128)",
         lambda: quantization.quantize(matrix, bits=4, group_size=128)),
        ("parallel.ring_allreduce(8 ranks x 1024 fp32)", lambda: parallel.ring_allreduce(ranks)),
    ]


def calls_per_second(function, budget_s: float = 0.3) -> float:
    """Calls per second of ``function`` over about ``budget_s`` seconds, after one warm-up call."""
    function()
    calls, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < budget_s:
        function()
        calls += 1
    return calls / elapsed


def machine_rows() -> list:
    """(n, dtype, measured GFLOPS, estimated peak GFLOPS or None) for numpy matmuls of n = 512, 1024, 2048."""
    from course_lib import measure

    info = measure.cpu_info()
    rows = []
    for dtype in measure.DTYPES:
        peak = measure.cpu_peak_gflops_estimate(dtype, info)
        for n in (512, 1024, 2048):
            rows.append((n, dtype, measure.matmul_rate(n, dtype).median, peak))
    return rows


# --------------------------------------------------------------------------- report


def _status(ok: bool) -> str:
    return "ok" if ok else "**MISS**"


def render(context: dict, notebooks: list, views: list, skipped: list, calculators: list, machine: list,
           bandwidth_gbs: float, gpu_line: str) -> str:
    lines = ["# Benchmark report", "",
             f"Written by `python -m bench.run` on {context['date']}. Machine: {context['cpu']}, "
             f"{context['cores']} logical cores, Python {context['python']}, {context['platform']}. "
             f"Load average (1/5/15 min) at start {context['load_start']}, at end {context['load_end']}.", ""]
    busy = context["busy"]
    if busy:
        lines += [f"**The machine was busy** (load above its {context['cores']} cores while this ran): "
                  "other jobs shared the CPU, so the times below are upper bounds; rerun on an idle machine "
                  "before acting on a miss.", ""]

    lines += ["## 1. Notebooks: headless execution", "",
              f"nbclient, once each, this environment's kernel. Target < {NOTEBOOK_TARGET_S:.0f} s per notebook "
              "(wall clock, kernel start included). \"cells\" is the sum of the cells' own times; the rest "
              "is kernel start-up and messaging.", ""]
    if notebooks:
        lines += ["| notebook | wall (s) | cells (s) | target | note |", "|---|---:|---:|---|---|"]
        for nb in notebooks:
            ok = nb.error is None and nb.seconds < NOTEBOOK_TARGET_S
            if nb.error:
                note = f"failed: {nb.error}"
            elif not ok:
                note = (f"over by {nb.seconds - NOTEBOOK_TARGET_S:.1f} s; cells take {nb.cell_seconds:.1f} s, "
                        f"start-up {nb.seconds - nb.cell_seconds:.1f} s" + ("; machine busy" if busy else ""))
            else:
                note = ""
            lines.append(f"| {nb.name} | {nb.seconds:.1f} | {nb.cell_seconds:.1f} | {_status(ok)} | {note} |")
    else:
        lines.append("(skipped)")
    lines.append("")

    lines += ["## 2. Widgets: update latency", "",
              f"Every view builder in `course_lib.widgets.*` called with its defaults, then {UPDATES_PER_VIEW} "
              "control changes round robin over the view's controls. Latency = setting the value until the "
              "view has recomputed and redrawn its PNG. \"calculator\" = the compute function alone (no "
              f"drawing). Target < {WIDGET_TARGET_MS:.0f} ms median. \"reference\" is the median update of a "
              "CalculatorView whose figure is a single line, timed just before each view: the floor of any "
              "redraw on this machine at that moment (matplotlib Agg render, crop and PNG encoding"
              "); \"x reference\" divides by it, which removes most of the machine's "
              "load from the comparison.", "",
              "| view | build (ms) | updates | median (ms) | p95 (ms) | reference (ms) | x reference | "
              "calculator median (ms) | errors shown | target | note |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for v in views:
        if v.problem:
            lines.append(f"| {v.module}.{v.builder} | | | | | | | | | **MISS** | {v.problem} |")
            continue
        calc = 1e3 * float(np.median(v.calculator))
        ok = v.median_ms < WIDGET_TARGET_MS  # False for NaN: every update was rejected
        note = "" if ok else (f"redraw ≈ {v.median_ms - calc:.0f} ms of {v.median_ms:.0f}"
                              if calc < v.median_ms / 2 else f"calculator {calc:.0f} ms of {v.median_ms:.0f}")
        lines.append(f"| {v.module}.{v.builder} | {1e3 * v.build_seconds:.0f} | {len(v.updates)} | "
                     f"{v.median_ms:.0f} | {v.p95_ms:.0f} | {v.reference_ms:.0f} | {v.median_ms / v.reference_ms:.1f} | "
                     f"{calc:.1f} | {sum(v.errors)} | {_status(ok)} | {note} |")
    for where, why in skipped:
        lines.append(f"| {where} | | | | | | | | | skipped | {why} |")
    slow_floor = [v for v in views if not v.problem and v.reference_ms >= WIDGET_TARGET_MS]
    if slow_floor:
        lines += ["", f"**For {len(slow_floor)} of {len(views)} views the one-line reference alone took "
                  f"{WIDGET_TARGET_MS:.0f} ms or more**: the machine's load set the floor, so judge those by "
                  "\"x reference\" and rerun on an idle machine."]
    lines += ["", "\"errors shown\" counts updates whose inputs the view rejected with a message (combinations "
              "the round robin reaches, e.g. a GPU without the chosen precision); those skip the redraw, so "
              "median and p95 are over the other updates.", ""]

    lines += ["## 3. Calculators: throughput", "", "| call | calls/s |", "|---|---:|"]
    lines += [f"| `{label}` | {rate:,.0f} |" for label, rate in calculators]
    lines.append("")

    lines += ["## 4. This machine: matmul vs estimated peak", "",
              "numpy `A @ B` (n x n, 2n³ FLOP, median over 0.3 s after warm-up) against "
              "`course_lib.measure.cpu_peak_gflops_estimate`: "
              "cores x clock x FLOP per cycle from the CPU's flags, an estimate, not a datasheet figure.", "",
              "| n | dtype | GFLOPS | estimated peak (GFLOPS) | % of peak |", "|---:|---|---:|---:|---:|"]
    for n, dtype, gflops, peak in machine:
        percent = f"{100 * gflops / peak:.0f} %" if peak else "-"
        lines.append(f"| {n} | {dtype} | {gflops:.1f} | {f'{peak:.1f}' if peak else '-'} | {percent} |")
    if any(peak and gflops > peak for _, _, gflops, peak in machine):
        lines += ["", "Above 100 %: the estimate uses the clock the OS reports (often the base clock, under a "
                  "hypervisor), and the cores boost above it; the estimate is too low, not the measurement too high."]
    lines += ["", f"Memory copy (256 MB, read + write counted): {bandwidth_gbs:.1f} GB/s.", "",
              f"GPU: {gpu_line}", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--no-notebooks", action="store_true", help="skip executing the notebooks (fast)")
    parser.add_argument("--no-browser", action="store_true", help="skip the real-browser latency section (~5 min)")
    parser.add_argument("--output", type=Path, default=REPORT, help=f"report path (default {REPORT})")
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    from course_lib import measure

    def say(message):
        print(f"... {message}", file=sys.stderr, flush=True)

    load_start = _load()
    notebooks = []
    if not args.no_notebooks:
        for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
            say(f"notebook {path.name}")
            notebooks.append(time_notebook(path))
    builders, skipped = discover_builders()
    views = []
    for module, builder, function in builders:
        say(f"widget {module}.{builder}")
        # The load of a shared machine drifts: time the reference right before each view.
        reference = time_view("(reference)", "one-line plot", reference_view, n_updates=10)
        views.append(time_view(module, builder, function))
        views[-1].reference_ms = reference.median_ms
    say("calculators")
    calculators = [(label, calls_per_second(function)) for label, function in calculator_cases()]
    say("matmul and memory bandwidth")
    machine = machine_rows()
    bandwidth = measure.memory_copy_rate().median
    gpu = measure.gpu_report()
    if gpu.available:
        gpu_line = measure.format_gpu_report(gpu).replace("\n", "; ")
    else:
        gpu_line = f"{gpu.reason}. With a CUDA GPU and PyTorch, `python -m course_lib.measure` adds its TFLOPS."
    cores = os.cpu_count() or 1
    load_end = _load()
    try:
        busy = max(os.getloadavg()[0], float(load_start.split(" / ")[0])) > cores
    except (OSError, ValueError):
        busy = False
    context = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
               "cpu": measure.cpu_info()["model_name"] or platform.processor() or "unknown CPU", "cores": cores,
               "python": platform.python_version(), "platform": platform.platform(terse=True),
               "load_start": load_start, "load_end": load_end, "busy": busy}
    report = render(context, notebooks, views, skipped, calculators, machine, bandwidth, gpu_line)
    if not args.no_browser:
        from bench import browser

        report += "\n" + "\n".join(browser.render(browser.measure(say=say)))
    args.output.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
