"""Views for notebook 01 (why GPUs): Amdahl's law, CPU vs GPU on paper, the roofline of an LLM matmul.

Every number comes from :mod:`course_lib.compute` and the catalog (:mod:`course_lib.hardware`);
the static ``plot_*(ax, ...)`` helpers draw the same figures as the views, for static cells.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from functools import lru_cache

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from course_lib import _validate, chip, compute, hardware, measure, memory, units
from course_lib.widgets._controls import choice_slider, dropdown, log_slider, powers_of_two, toggles
from course_lib.widgets._view import CalculatorView, ViewUpdate, html_table, plain_log_axis, row_labels

MATRIX_SIZES = (1024, 2048, 4096, 8192, 16384)
TENSOR_VS_VECTOR_GPUS = ("V100 SXM2 32GB", "A100 SXM 80GB", "H100 SXM", "B200", "RTX 4090", "MI300X")
# The 16-bit rate LLMs train at, in order of preference: bf16, else fp16 (Volta and Turing have no bf16).
TENSOR_PRECISIONS = ("bf16", "fp16")
# Positions of the Amdahl slider's parallel fraction: tenths, then the nines where the speed-up takes off.
PARALLEL_FRACTIONS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9999)



def _plain_log_ticks(ax, which: str = "xy"):
    """Plain-number major ticks and no minor ticks on the log axes ``which`` of ``ax``; return ``ax``."""
    for axis in ([ax.xaxis] if "x" in which else []) + ([ax.yaxis] if "y" in which else []):
        plain_log_axis(axis)
    return ax


# --------------------------------------------------------------------------- Amdahl's law


def plot_amdahl(ax, parallel_fraction: float, n_workers: int, max_workers: int = 100_000):
    """Speed-up vs number of workers (log-log) for ``parallel_fraction``, the ideal linear line and
    a dot at ``n_workers``; return ``ax``."""
    max_workers = _validate.positive_int("max_workers", max_workers)
    n_workers = _validate.positive_int("n_workers", n_workers)
    workers = np.unique(np.round(np.logspace(0, np.log10(max(max_workers, n_workers)), 60)).astype(int))
    speedups = [compute.amdahl_speedup(parallel_fraction, int(n)) for n in workers]
    ax.plot(workers, workers, linestyle="--", color="gray", label="linear (every part parallel)")
    ax.plot(workers, speedups, color="tab:blue", label=f"{parallel_fraction:.1%} parallel")
    ax.plot([n_workers], [compute.amdahl_speedup(parallel_fraction, n_workers)], "o", color="tab:red")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("workers (cores, GPU lanes)")
    ax.set_ylabel("speed-up")
    _plain_log_ticks(ax)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left")
    return ax


def _busy_percent(share: float) -> str:
    """A share of the time as a percentage: one decimal from 1 % up ("19.6%"), 2 significant figures below
    ("0.02%", not "0.0%")."""
    return f"{share:.1%}" if share >= 0.01 else f"{100 * share:.2g}%"


def amdahl_view(parallel_fraction: float = 0.95, n_workers: int = 1000) -> CalculatorView:
    """Parallel fraction and number of workers -> Amdahl speed-up, with the curve."""
    controls = {
        "parallel_fraction": choice_slider("parallel_fraction", parallel_fraction, PARALLEL_FRACTIONS,
                                           "parallel fraction p", fmt=str),
        "n_workers": log_slider("n_workers", n_workers, 1, 100_000, "workers n", integer=True,
                                marks=[chip.parallelism("H100 SXM").fp32_lanes]),
    }

    def compute_(parallel_fraction, n_workers):
        n = n_workers
        speedup = compute.amdahl_speedup(parallel_fraction, n)
        billion = compute.amdahl_speedup(parallel_fraction, 10**9)
        headline = (f"{parallel_fraction:.1%} parallel on {n:,} workers: {speedup:,.3g}x faster "
                    f"(each worker busy {_busy_percent(speedup / n)} of the time)")
        details = (f"With a billion workers: {billion:,.4g}x. The serial {1 - parallel_fraction:.1%} "
                   "caps the speed-up, however many workers you add.")
        return ViewUpdate(headline, details, lambda fig: plot_amdahl(fig.add_subplot(), parallel_fraction, n))

    return CalculatorView(controls, compute_)


# --------------------------------------------------------------------------- measured rates


def plot_rates(ax, gflops: dict, title: str = ""):
    """Bar chart (log scale) of ``{label: GFLOPS}``, each bar labelled with its rate; return ``ax``."""
    if not gflops:
        raise ValueError("gflops: give at least one {label: GFLOPS} entry")
    labels = list(gflops)
    values = [_validate.positive(f"gflops[{label!r}]", gflops[label]) for label in labels]
    bars = ax.bar(range(len(values)), values, color="tab:blue")
    for bar, value in zip(bars, values, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, value, units.format_si(value * 1e9, "FLOPS"),
                ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(values)))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_yscale("log")
    _plain_log_ticks(ax, "y")
    ax.set_ylabel("GFLOPS (log scale)")
    ax.set_title(title)
    return ax


# --------------------------------------------------------------------------- CPU vs GPU on paper


def plot_comparison(ax, first, second, precision: str):
    """Bars of the ratios of :func:`course_lib.compute.spec_comparison` (log scale, 1 = equal); return ``ax``."""
    ratios = {name: ratio for name, (_, _, ratio) in compute.spec_comparison(first, second, precision).items()}
    bars = ax.bar(range(len(ratios)), list(ratios.values()), color="tab:green")
    for bar, ratio in zip(bars, ratios.values(), strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, ratio, f"{ratio:.3g}x", ha="center", va="bottom")
    ax.axhline(1, color="black", linewidth=0.8)
    ax.set_ylim(min(0.5, *ratios.values()) / 1.5, max(2.0, *ratios.values()) * 2)  # room for the labels
    ax.set_xticks(range(len(ratios)))
    ax.set_xticklabels(list(ratios))
    ax.set_yscale("log")
    _plain_log_ticks(ax, "y")
    ax.set_ylabel(f"{hardware.get_gpu(second).name} / {hardware.get_gpu(first).name}")
    ax.set_title(f"dense {precision}")
    return ax


_UNITS = {"peak FLOP/s": "FLOPS", "memory bandwidth (B/s)": "B/s", "FLOP/s per watt": "FLOPS/W"}


def compare_view(first: str = "Xeon Platinum 8480+", second: str = "H100 SXM", precision: str = "fp32"):
    """Pick two catalog entries and a precision -> FLOP/s, bandwidth and FLOP/s per watt, and their ratios."""
    names = hardware.gpu_names()
    controls = {
        "first": dropdown("first", first, names, "compare"),
        "second": dropdown("second", second, names, "with"),
        "precision": toggles("precision", precision, hardware.PRECISIONS, "precision"),
    }

    def compute_(first, second, precision):
        table = compute.spec_comparison(first, second, precision)
        headline = f"{second} vs {first} ({precision}, dense): " + ", ".join(
            f"{ratio:.3g}x {name.split(' (')[0]}" for name, (_, _, ratio) in table.items())
        rows = [(name, units.format_si(a, _UNITS[name]), units.format_si(b, _UNITS[name]), f"{ratio:.3g}x")
                for name, (a, b, ratio) in table.items()]
        missing = [g.name for g in map(hardware.get_gpu, (first, second)) if g.tdp_w is None]
        note = f"<p>No published TDP for {', '.join(missing)}: no FLOP/s per watt.</p>" if missing else ""
        details = html_table(rows, header=("", first, second, "ratio")) + note
        return ViewUpdate(headline, details,
                          lambda fig: plot_comparison(fig.add_subplot(), first, second, precision))

    return CalculatorView(controls, compute_)


# --------------------------------------------------------------------------- roofline of an LLM matmul


def plot_roofline(ax: Axes, gpus: hardware.GPULike | Sequence[hardware.GPULike], precision: str = "bf16",
                  points: Mapping[str, float] | None = None) -> Axes:
    """Draw log-log rooflines (x: FLOP/byte, y: TFLOP/s) of one or more GPUs on ``ax``; return ``ax``.

    ``gpus``: a name or GPU, or a list of them. ``points``: optional ``{label: FLOP/byte}`` drawn as
    labelled dotted vertical lines, e.g. ``{"GEMV": 1.0}``. Only ``ax`` is touched (no pyplot state).
    """
    names = [gpus] if isinstance(gpus, (str, hardware.GPU)) else list(gpus)
    if not names:
        raise ValueError("gpus: give at least one GPU")
    devices = [hardware.get_gpu(g, "gpus") for g in names]
    points = {str(label): _validate.positive(f"points[{label!r}]", x) for label, x in dict(points or {}).items()}
    ridges = [compute.ridge_point(g, precision) for g in devices]
    x_low = min([*ridges, *points.values()]) / 30
    x_high = max([*ridges, *points.values()]) * 30
    for gpu, ridge in zip(devices, ridges, strict=True):
        xs = [x_low, ridge, x_high]
        ax.plot(xs, [compute.roofline(x, gpu, precision) / units.TFLOPS for x in xs], label=f"{gpu.name} ({precision})")
    for label, x in points.items():
        ax.axvline(x, linestyle=":", color="gray")
        ax.text(x, 0.02, f" {label}", rotation=90, va="bottom", ha="right", transform=ax.get_xaxis_transform())
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (FLOP/byte)")
    ax.set_ylabel("attainable TFLOP/s (dense)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return ax


def plot_layer_roofline(ax, gpu, precision: str, tokens: int, d: int, max_tokens: int = 2**14):
    """The roofline of ``gpu`` with the layer matmul of :func:`course_lib.compute.llm_matmul_roofline` as a red point on it; return ``ax``.

    The x axis spans a vector add (gray square, the lowest intensity) to ``max_tokens`` tokens, so the
    point moves along a fixed roof as ``tokens`` changes; a dotted line marks the ridge point.
    """
    r = compute.llm_matmul_roofline(gpu, precision, tokens, d)
    gpu = hardware.get_gpu(gpu)
    vector_add = compute.vector_add_arithmetic_intensity(memory.bytes_per_param(precision))
    most = compute.llm_matmul_roofline(gpu, precision, max(max_tokens, tokens), d)["intensity"]
    xs = [min(vector_add, r["intensity"]) / 3, r["ridge"], max(most, r["ridge"]) * 3]
    ax.plot(xs, [compute.roofline(x, gpu, precision) / units.TFLOPS for x in xs], color="tab:blue",
            label=f"{gpu.name} ({precision})")
    ax.axvline(r["ridge"], color="gray", linestyle=":", linewidth=1)
    ax.text(r["ridge"], 0.02, f" ridge {r['ridge']:,.4g}", transform=ax.get_xaxis_transform(), fontsize=8,
            color="gray")
    ax.plot([vector_add], [compute.roofline(vector_add, gpu, precision) / units.TFLOPS], "s", color="gray")
    ax.annotate("vector add", (vector_add, compute.roofline(vector_add, gpu, precision) / units.TFLOPS),
                textcoords="offset points", xytext=(6, -4), fontsize=8, color="gray")
    label = f"{tokens:,} token{'' if tokens == 1 else 's'}: {r['fraction_of_peak']:.1%} of peak"
    ax.plot([r["intensity"]], [r["attainable_flops"] / units.TFLOPS], "o", color="tab:red", markersize=8)
    ax.annotate(label, (r["intensity"], r["attainable_flops"] / units.TFLOPS), textcoords="offset points",
                xytext=(-8, 8) if r["bound"] == "memory" else (-8, -16), ha="left" if r["bound"] == "memory" else "right",
                fontsize=9, color="tab:red")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(xs[0], xs[-1])
    ax.set_xlabel("arithmetic intensity (FLOP/byte)")
    ax.set_ylabel("attainable TFLOP/s (dense)")
    _plain_log_ticks(ax)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def roofline_view(gpu: str = "H100 SXM", precision: str = "bf16", tokens: int = 1, d: int = 4096) -> CalculatorView:
    """Tokens in flight x a d x d weight matrix -> arithmetic intensity, attainable FLOP/s, and the roofline."""
    controls = {
        "gpu": dropdown("gpu", gpu, hardware.gpu_names(), "hardware"),
        "precision": toggles("precision", precision, compute.ROOFLINE_PRECISIONS, "precision"),
        "tokens": powers_of_two("tokens", tokens, 1, 2**14, "tokens in flight (batch x sequence)"),
        "d": dropdown("d", d, MATRIX_SIZES, "weight matrix d x d, d ="),
    }

    def compute_(gpu, precision, tokens, d):
        r = compute.llm_matmul_roofline(gpu, precision, tokens, d)
        headline = (f"({tokens:,} x {d}) @ ({d} x {d}) in {precision}: {r['intensity']:,.4g} FLOP/byte vs ridge "
                    f"{r['ridge']:,.4g} -> {r['bound']}-bound, at most "
                    f"{units.format_si(r['attainable_flops'], 'FLOPS')} ({r['fraction_of_peak']:.1%} of peak)")
        details = ("Generating text one token at a time (decoding at batch 1) multiplies a single token by each "
                   "weight matrix: tokens = 1. Training, and reading a whole prompt before the first new token, "
                   "push thousands of tokens through the same weights.")
        return ViewUpdate(headline, details,
                          lambda fig: plot_layer_roofline(fig.add_subplot(), gpu, precision, tokens, d))

    return CalculatorView(controls, compute_)


# --------------------------------------------------------------------------- Tensor Cores


def _tensor_rate(gpu, preference: tuple[str, ...] = TENSOR_PRECISIONS) -> tuple[str, float] | None:
    """``(precision, dense TFLOPS)`` of the first precision in ``preference`` that ``gpu``'s matrix units
    have (bf16, else fp16: the V100 and T4 have fp16 Tensor Cores but no bf16), or None if none."""
    gpu = hardware.get_gpu(gpu)
    return next(((p, gpu.peak_tflops(p)) for p in preference if gpu.peak_tflops(p)), None)


def plot_tensor_vs_vector(ax, gpus=TENSOR_VS_VECTOR_GPUS, vector: str = "fp32",
                          tensor: tuple[str, ...] = TENSOR_PRECISIONS):
    """Grouped bars of each GPU's dense ``vector`` rate and its 16-bit matrix-unit rate, ratio on top; return ``ax``.

    The matrix-unit bar is the first of ``tensor`` the GPU has (bf16, else fp16); a bar that is not
    ``tensor[0]`` is hatched and its label names the precision ("7.96x fp16"). GPUs with none of them
    are drawn with the vector bar only (label "none").
    """
    gpus = [hardware.get_gpu(g) for g in gpus]
    if not gpus:
        raise ValueError("gpus: give at least one GPU")
    x = np.arange(len(gpus))
    vector_tflops = [g.peak_flops(vector) / units.TFLOPS for g in gpus]
    rates = [_tensor_rate(g, tensor) for g in gpus]
    ax.bar(x - 0.2, vector_tflops, width=0.4, color="tab:blue")
    tensor_bars = ax.bar(x + 0.2, [rate[1] if rate else 0.0 for rate in rates], width=0.4, color="tab:orange")
    for i, (bar, v, rate) in enumerate(zip(tensor_bars, vector_tflops, rates, strict=True)):
        if rate is None:
            ax.text(i + 0.2, v, "none", ha="center", va="bottom", fontsize=8)
            continue
        precision, t = rate
        if precision != tensor[0]:
            bar.set_hatch("//")
        label = f"{t / v:.3g}x" if precision == tensor[0] else f"{t / v:.3g}x {precision}"
        ax.text(i + 0.2, max(t, v), label, ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels([g.name for g in gpus], fontsize=8, rotation=20)
    ax.set_yscale("log")
    ax.set_ylim(top=2 * max(vector_tflops + [rate[1] for rate in rates if rate]))  # room for the labels
    _plain_log_ticks(ax, "y")
    ax.set_ylabel("dense TFLOPS (log scale)")
    handles = [Patch(color="tab:blue", label=f"{vector} (vector units)"),
               Patch(color="tab:orange", label=f"{tensor[0]} (Tensor/Matrix Cores)")]
    handles += [Patch(facecolor="tab:orange", hatch="//", label=f"{p} (GPU has no {tensor[0]})")
                for p in tensor[1:] if any(rate and rate[0] == p for rate in rates)]
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.01), ncol=len(handles), fontsize=8,
              frameon=False)
    return ax


# --------------------------------------------------------------------------- measured: this CPU, the race, measured vs peak
# (course_lib.measure makes every number; these draw them.)


def plot_cpu_report(ax, report: measure.CPUReport):
    """Log bars of the medians of a :class:`~course_lib.measure.CPUReport` (Python loop, numpy float64 and
    float32) with their spread (thick: middle half, thin: all runs), and the estimated float32 peak; return ``ax``."""
    if not isinstance(report, measure.CPUReport):
        raise TypeError(f"report must be a measure.CPUReport, got {type(report).__name__}")
    spreads = {"Python loop": report.python_loop_gflops, "numpy float64": report.matmul_gflops["float64"],
               "numpy float32": report.matmul_gflops["float32"]}
    x = np.arange(len(spreads))
    medians = [s.median for s in spreads.values()]
    ax.bar(x, medians, color="tab:blue", width=0.6)
    for i, s in enumerate(spreads.values()):
        ax.plot([i, i], [s.minimum, s.maximum], color="black", linewidth=1)
        ax.plot([i, i], [s.q1, s.q3], color="black", linewidth=4)
        ax.text(i + 0.32, s.median, units.format_si(s.median * 1e9, "FLOPS"), va="center", fontsize=8)
    peak = report.peak_gflops_estimate["float32"]
    labels = list(spreads)
    if peak:
        ax.bar(len(x), peak, color="tab:gray", width=0.6)
        ax.text(len(x) + 0.32, peak, units.format_si(peak * 1e9, "FLOPS"), va="center", fontsize=8)
        labels.append("fp32 peak\n(estimate)")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_xlim(-0.5, len(labels) - 0.1)
    ax.set_yscale("log")
    _plain_log_ticks(ax, "y")
    ax.set_ylabel("GFLOPS (log scale)")
    ax.set_title(f"this CPU: median of each kernel, n = {report.matmul_n} (bars: middle half, all runs)", fontsize=9)
    return ax


def progress_bar(description: str = "measuring", width: int = 24):
    """``(widget, progress)``: display the widget (a Label drawn as a text bar, so it works on every
    ipywidgets version), pass ``progress`` to a ``course_lib.measure`` function."""
    width = _validate.positive_int("width", width)
    label = widgets.Label(value=f"{description}: waiting")

    def progress(fraction: float, message: str) -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        filled = round(fraction * width)
        label.value = f"{description} {'█' * filled}{'░' * (width - filled)} {fraction:4.0%} {message}"

    return widgets.HBox([label]), progress


_RACE_STYLE = {"cpu": ("black", "o"), "gpu_fp32": ("tab:blue", "s"), "gpu_fp16": ("tab:green", "^"),
               "gpu_end_to_end": ("tab:red", "D")}


def _race_peaks(result: measure.Race) -> dict:
    """Catalog peaks (TFLOPS) of the race's GPU for the fp32 and fp16 lines of the TFLOPS panel."""
    if result.catalog_name is None:
        return {}
    gpu = hardware.get_gpu(result.catalog_name)
    return {label: gpu.peak_tflops(precision) for label, precision in (("fp32", "fp32"), ("fp16", "fp16"))
            if gpu.peak_tflops(precision)}


RACE_QUANTITIES = ("time", "TFLOPS")


def plot_race(ax, result: measure.Race, quantity: str = "time", n: int | None = None):
    """One panel of a :class:`~course_lib.measure.Race` against n (log-log): the median ``"time"`` per matmul
    (with the PCIe copy estimate) or the achieved ``"TFLOPS"`` (with the GPU's catalog peaks); a marker
    line at size ``n``; return ``ax``."""
    if not isinstance(result, measure.Race):
        raise TypeError(f"result must be a measure.Race, got {type(result).__name__}")
    quantity = _validate.choice("quantity", quantity, RACE_QUANTITIES)
    for series in measure.RACE_SERIES:
        color, marker = _RACE_STYLE[series]
        values = getattr(result, series) if quantity == "time" else result.tflops(series)
        points = [(size, v) for size, v in zip(result.sizes, values, strict=True) if v is not None]
        if points:
            ax.plot(*zip(*points, strict=True), color=color, marker=marker, markersize=4,
                    label=measure.RACE_LABELS[series])
    if quantity == "time":
        estimate = [(size, s) for size, s in zip(result.sizes, result.transfer_estimate, strict=True) if s is not None]
        if estimate:
            ax.plot(*zip(*estimate, strict=True), color="gray", linestyle="--", linewidth=1,
                    label=measure.RACE_LABELS["transfer_estimate"])
        ax.set_ylabel("median time per matmul (s)")
    else:
        for label, peak in _race_peaks(result).items():
            ax.axhline(peak, color="tab:green" if label == "fp16" else "tab:blue", linestyle=":", linewidth=1)
            ax.text(result.sizes[0], peak, f"{label} peak {peak:g}", fontsize=8, va="bottom")
        ax.set_ylabel("achieved TFLOPS")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    plain_log_axis(ax.xaxis, base=4, fmt="{:.0f}")  # every other power of 2: fewer tick labels, a faster redraw
    plain_log_axis(ax.yaxis)
    ax.set_xlabel("matrix size n (n x n @ n x n)")
    ax.grid(True, alpha=0.3)
    if n is not None:
        ax.axvline(n, color="tab:orange", linewidth=1)
    if quantity == "time":
        ax.legend(fontsize=8, loc="upper left")
    return ax


def _race_headline(result: measure.Race, n: int) -> str:
    def t(series):
        seconds = result.seconds(series, n)
        return units.format_duration(seconds) if seconds is not None else None

    cpu = t("cpu") or "-"
    if t("gpu_fp32") is None:
        return f"n = {n:,}: CPU {cpu} | GPU not {'measured' if result.measured else 'published'} at this size"
    gpu = f"GPU fp32 {t('gpu_fp32')}, fp16 {t('gpu_fp16') or '-'}"
    if result.measured:
        gpu += f", with copies {t('gpu_end_to_end')}"
    elif t("transfer_estimate"):
        gpu += f", + copies >= {t('transfer_estimate')} (estimate)"
    winner = {"cpu": "CPU wins", "gpu": "GPU wins", None: "no verdict"}[result.winner(n)]
    return f"n = {n:,}: CPU {cpu} | {gpu} -> {winner}"


def _race_details(result: measure.Race) -> str:
    both = [(n, fp32, fp16) for n in result.sizes
            if (fp32 := result.seconds("gpu_fp32", n)) and (fp16 := result.seconds("gpu_fp16", n))]
    lines = []
    if both:
        n, fp32, fp16 = both[-1]
        ratio = fp32 / fp16
        lines.append(f"Tensor Cores: at n = {n:,}, fp16 runs {ratio:.1f}x faster than fp32 on the same GPU.")
    crossover = result.crossover()
    if crossover is not None:
        lines.append(f"From n = {crossover:,} on, the GPU wins even with the copies counted.")
    if result.measured:
        lines.append(f"{html.escape(result.gpu_name)} measured here; so was this CPU.")
    else:
        links = " ".join(f'<a href="{html.escape(url)}" target="_blank">source</a>'
                         for url in (result.source_url or "").split())
        lines.append(f"GPU: published measurement ({html.escape(result.source)}; {links}); this CPU measured here.")
    lines.append("Dashed: 12 n² bytes at the PCIe per-direction rate, an estimate.")
    return "<br>".join(lines)


def race_view(live: measure.Race | None = None, cpu_seconds=None, n: int = 256) -> CalculatorView:
    """The race: your CPU against your GPU (``live``, from ``measure.race()``) or, without one, against
    published GPU measurements (``cpu_seconds``: this CPU's times at ``measure.RACE_SIZES``)."""
    if live is not None and not isinstance(live, measure.Race):
        raise TypeError(f"live must be a measure.Race or None, got {type(live).__name__}")
    options = (["your GPU (measured)"] if live is not None else []) + measure.reference_race_gpus()
    if live is None:
        cpu_seconds = measure.cpu_race_seconds() if cpu_seconds is None else tuple(cpu_seconds)
    sizes = live.sizes if live is not None else measure.reference_race(options[0], cpu=cpu_seconds).sizes
    controls = {
        "gpu": dropdown("gpu", options[0], options, "GPU"),
        "quantity": toggles("quantity", "time", RACE_QUANTITIES, "plot"),
        "n": choice_slider("n", n, list(sizes), "matrix size n"),
    }

    @lru_cache(maxsize=16)
    def race_of(gpu):
        return live if gpu == "your GPU (measured)" else measure.reference_race(gpu, cpu=cpu_seconds)

    def compute_(gpu, quantity, n):
        result = race_of(gpu)
        return ViewUpdate(_race_headline(result, n), _race_details(result),
                          lambda fig: plot_race(fig.add_subplot(), result, quantity, n))

    return CalculatorView(controls, compute_)


def plot_achieved_fractions(ax, rows):
    """Horizontal bars of measured / peak in % (``measure.achieved_fractions`` rows), the learner's own in
    orange, with a line at 100 %; return ``ax``."""
    rows = list(rows)
    if not rows or not all(isinstance(r, measure.AchievedFraction) for r in rows):
        raise ValueError("rows: give measure.achieved_fractions(...) rows (at least one)")
    y = np.arange(len(rows))[::-1]
    ax.barh(y, [r.percent for r in rows], color=["tab:orange" if r.mine else "tab:blue" for r in rows])
    for yi, r in zip(y, rows, strict=True):
        ax.text(r.percent + 1, yi, f"{r.percent:.0f} %", va="center", fontsize=8)
    ax.axvline(100, color="black", linewidth=0.8)
    row_labels(ax, y, [r.label for r in rows])
    ax.set_xlim(0, max(110, max(r.percent for r in rows) + 15))
    ax.set_xlabel("measured / peak (%)")
    return ax


def achieved_view(gpu: measure.GPUReport | None = None, cpu: measure.CPUReport | None = None,
                  dtype: str = "bf16") -> CalculatorView:
    """Measured / peak per GPU for one precision: published measurements, plus yours when given."""
    controls = {"dtype": toggles("dtype", dtype, ("bf16", "fp16", "tf32", "fp32", "fp8"), "precision")}

    def compute_(dtype):
        rows = measure.achieved_fractions(dtype, gpu=gpu, benchmark=None, cpu=cpu if dtype == "fp32" else None)
        if not rows:
            raise ValueError(f"dtype: no published {dtype} measurement with a known peak")
        published = [r for r in rows if not r.mine]
        low, high = min(r.percent for r in published), max(r.percent for r in published)
        headline = (f"{dtype}: {len(published)} published measurements reach {low:.0f}-{high:.0f} % of their "
                    "dense peak")
        mine = [f"{html.escape(r.label)}: {r.percent:.0f} %" for r in rows if r.mine]
        details = ("Yours: " + "; ".join(mine) + ". ") if mine else ""
        details += "Sources: measure.reference_measurements() (each row with its GPU, software, date and place)."
        return ViewUpdate(headline, details, lambda fig: plot_achieved_fractions(fig.add_subplot(), rows))

    return CalculatorView(controls, compute_, figsize=(6.4, 4.0))
