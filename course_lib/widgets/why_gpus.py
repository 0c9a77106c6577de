"""Views for notebook 01 (why GPUs): Amdahl's law, CPU vs GPU on paper, the roofline of an LLM matmul.

Every number comes from :mod:`course_lib.compute` and the catalog (:mod:`course_lib.hardware`);
the static ``plot_*(ax, ...)`` helpers draw the same figures as the views, for static cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes

from course_lib import _validate, compute, hardware, memory, units
from course_lib.widgets._view import STYLE as _STYLE
from course_lib.widgets._view import CalculatorView, ViewUpdate, html_table, plain_log_axis

MATRIX_SIZES = (1024, 2048, 4096, 8192, 16384)
TENSOR_VS_VECTOR_GPUS = ("V100 SXM2 32GB", "A100 SXM 80GB", "H100 SXM", "B200", "RTX 4090", "MI300X")



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


def amdahl_view(parallel_fraction: float = 0.95, n_workers: int = 1000) -> CalculatorView:
    """Parallel fraction and number of workers -> Amdahl speed-up, with the curve."""
    controls = {
        "parallel_fraction": widgets.FloatSlider(value=parallel_fraction, min=0, max=1, step=0.001,
                                                 readout_format=".3f", description="parallel fraction p",
                                                 style=_STYLE),
        "n_workers": widgets.FloatLogSlider(value=n_workers, base=10, min=0, max=5, step=0.1,
                                            readout_format=",.0f", description="workers n", style=_STYLE),
    }

    def compute_(parallel_fraction, n_workers):
        n = round(n_workers)
        speedup = compute.amdahl_speedup(parallel_fraction, n)
        billion = compute.amdahl_speedup(parallel_fraction, 10**9)
        headline = (f"{parallel_fraction:.1%} parallel on {n:,} workers: {speedup:,.3g}x faster "
                    f"(each worker busy {speedup / n:.1%} of the time)")
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
        "first": widgets.Dropdown(options=names, value=first, description="compare", style=_STYLE),
        "second": widgets.Dropdown(options=names, value=second, description="with", style=_STYLE),
        "precision": widgets.ToggleButtons(options=hardware.PRECISIONS, value=precision, description="precision",
                                           style=_STYLE),
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


def roofline_view(gpu: str = "H100 SXM", precision: str = "bf16", tokens: int = 1, d: int = 4096) -> CalculatorView:
    """Tokens in flight x a d x d weight matrix -> arithmetic intensity, attainable FLOP/s, and the roofline."""
    controls = {
        "gpu": widgets.Dropdown(options=hardware.gpu_names(), value=gpu, description="hardware", style=_STYLE),
        "precision": widgets.ToggleButtons(options=compute.ROOFLINE_PRECISIONS, value=precision, description="precision",
                                           style=_STYLE),
        "tokens": widgets.FloatLogSlider(value=tokens, base=2, min=0, max=14, step=1, readout_format=",.0f",
                                         description="tokens in flight (batch x sequence)", style=_STYLE),
        "d": widgets.Dropdown(options=MATRIX_SIZES, value=d, description="weight matrix d x d, d =", style=_STYLE),
    }

    def compute_(gpu, precision, tokens, d):
        tokens = round(tokens)
        r = compute.llm_matmul_roofline(gpu, precision, tokens, d)
        headline = (f"({tokens:,} x {d}) @ ({d} x {d}) in {precision}: {r['intensity']:,.4g} FLOP/byte vs ridge "
                    f"{r['ridge']:,.4g} -> {r['bound']}-bound, at most "
                    f"{units.format_si(r['attainable_flops'], 'FLOPS')} ({r['fraction_of_peak']:.1%} of peak)")
        details = ("Batch-1 decoding multiplies one token by each weight matrix (tokens = 1); "
                   "training and prefill push thousands of tokens through the same weights.")
        points = {"vector add": compute.vector_add_arithmetic_intensity(memory.bytes_per_param(precision)),
                  f"{tokens:,} tokens": r["intensity"]}  # the vector add also keeps the left end of the x axis fixed

        def draw(fig):
            _plain_log_ticks(plot_roofline(fig.add_subplot(), gpu, precision, points=points))

        return ViewUpdate(headline, details, draw)

    return CalculatorView(controls, compute_)


# --------------------------------------------------------------------------- Tensor Cores


def plot_tensor_vs_vector(ax, gpus=TENSOR_VS_VECTOR_GPUS, vector: str = "fp32", tensor: str = "bf16"):
    """Grouped bars of each GPU's dense ``vector`` and ``tensor`` TFLOPS, with the ratio on top; return ``ax``.

    GPUs without a ``tensor`` rate are drawn with the vector bar only (ratio "none").
    """
    gpus = [hardware.get_gpu(g) for g in gpus]
    if not gpus:
        raise ValueError("gpus: give at least one GPU")
    x = np.arange(len(gpus))
    vector_tflops = [g.peak_flops(vector) / units.TFLOPS for g in gpus]
    tensor_tflops = [(g.peak_tflops(tensor) or 0.0) for g in gpus]
    ax.bar(x - 0.2, vector_tflops, width=0.4, label=f"{vector} (vector units)")
    ax.bar(x + 0.2, tensor_tflops, width=0.4, label=f"{tensor} (Tensor/Matrix Cores)")
    for i, (v, t) in enumerate(zip(vector_tflops, tensor_tflops, strict=True)):
        ax.text(i + 0.2, max(t, v), f"{t / v:.3g}x" if t else "none", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels([g.name for g in gpus], fontsize=8, rotation=20)
    ax.set_yscale("log")
    _plain_log_ticks(ax, "y")
    ax.set_ylabel("dense TFLOPS (log scale)")
    ax.legend(loc="upper left", fontsize=8)
    return ax
