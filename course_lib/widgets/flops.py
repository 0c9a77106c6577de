"""Widgets of notebook 03 (FLOPS): a training time-and-cost calculator and a matmul FLOP counter.

Both views are thin: they read their controls, call :mod:`course_lib.compute` and format the
result. Rates are the catalog's dense peaks; training FLOP is 6 N D with N the parameters a token
uses (all of them for dense models, the active ones for mixture-of-experts).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from course_lib import compute, hardware, models, prices, units
from course_lib.widgets import choosing
from course_lib.widgets._controls import (
    BOX_WIDTH,
    STYLE,
    dropdown,
    layout,
    log_slider,
    number_box,
    percent_slider,
    powers_of_two,
)
from course_lib.widgets._view import CalculatorView, ViewUpdate, html_table, money, plain_log_axis, row_labels

PRECISION_OPTIONS = ("bf16", "fp16", "fp8", "tf32", "fp32", "fp64")
# Horizontal guides on the days-vs-GPUs plot: (label, seconds).
_GUIDES = (("1 day", units.SECONDS_PER_DAY), ("1 week", 7 * units.SECONDS_PER_DAY), ("1 year", units.SECONDS_PER_YEAR))


def plot_training_days(ax, total_flops: float, gpu, n_gpus: int, mfu: float, precision: str = "bf16"):
    """Plot wall-clock days vs number of GPUs (log-log) for ``total_flops``; mark ``n_gpus``; return ``ax``.

    Days come from :func:`course_lib.compute.training_seconds` (perfect scaling: MFU does not drop as
    GPUs are added). Dotted guides at 1 day, 1 week and 1 year.
    """
    gpu = hardware.get_gpu(gpu)
    chosen = compute.training_seconds(total_flops, gpu, n_gpus, mfu, precision) / units.SECONDS_PER_DAY
    counts = [2**i for i in range(0, 21) if 2**i <= max(2**14, 4 * int(n_gpus))]
    days = [compute.training_seconds(total_flops, gpu, n, mfu, precision) / units.SECONDS_PER_DAY for n in counts]
    ax.plot(counts, days, color="tab:blue")
    ax.plot([n_gpus], [chosen], "o", color="tab:red")
    ax.set_title(f"{gpu.name}, {precision}, MFU {mfu:.0%}: {int(n_gpus):,} GPUs take {chosen:,.3g} days",
                 fontsize=9)
    for label, seconds in _GUIDES:
        ax.axhline(seconds / units.SECONDS_PER_DAY, color="gray", linestyle=":", linewidth=1)
        ax.text(counts[-1], seconds / units.SECONDS_PER_DAY, f" {label}", va="bottom", ha="right", fontsize=8,
                color="gray")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    plain_log_axis(ax.xaxis, base=4)
    plain_log_axis(ax.yaxis)
    ax.set_xlabel("number of GPUs")
    ax.set_ylabel("wall-clock days")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def training_cost_view(model: str = "Llama-2 7B", n_tokens: float = 2e12, gpu: str = "A100 SXM 80GB",
                       n_gpus: int = 1024, mfu: float = 0.4, usd_per_gpu_hour: float | None = None,
                       precision: str = "bf16") -> CalculatorView:
    """Training time, GPU-hours, rental cost and energy of ``model`` trained on ``n_tokens`` tokens.

    The price per GPU-hour is the dated snapshot's for the chosen GPU (:func:`course_lib.prices.rent_price`,
    shown with provider and date) unless the learner types one for that GPU ("your price"); a GPU
    without either gets no cost, and the view asks for a price. ``usd_per_gpu_hour``: a price typed
    for ``gpu`` from code. Energy assumes every GPU at its TDP for the whole run
    (:func:`course_lib.compute.training_cost`).
    """
    start = hardware.get_gpu(gpu).name
    controls = {
        "model": dropdown("model", models.get_model(model).name, models.model_names(), "model"),
        "n_tokens": log_slider("n_tokens", n_tokens, 1e8, 1e14, "training tokens"),
        "gpu": dropdown("gpu", start, hardware.gpu_names("gpu"), "GPU"),
        "n_gpus": number_box("n_gpus", n_gpus, "number of GPUs", integer=True, minimum=1, maximum=1e7),
        "mfu": percent_slider("mfu", mfu, "MFU (share of dense peak)"),
        "price_typed": widgets.Text(value="" if usd_per_gpu_hour is None else f"{usd_per_gpu_hour:g}",
                                    placeholder="empty: the snapshot price", description="your price (USD per GPU-hour)",
                                    style=STYLE, layout=layout(BOX_WIDTH), continuous_update=False),
        "precision": dropdown("precision", precision, PRECISION_OPTIONS, "precision"),
    }
    typed = choosing.TypedPrices(controls["gpu"], controls["price_typed"])
    if usd_per_gpu_hour is not None:
        typed.typed[start] = controls["price_typed"].value

    def compute_view(model, n_tokens, gpu, n_gpus, mfu, price_typed, precision):
        config = models.get_model(model)
        n_params = config.active_param_count()
        total = compute.training_flops(n_params, n_tokens)
        price = prices.rent_price(gpu, typed.values().get(hardware.get_gpu(gpu).name))
        cost = compute.training_cost(total, gpu, n_gpus, mfu, price.usd or 0.0, precision)
        peak = hardware.get_gpu(gpu).peak_flops(precision)
        cost_text = money(cost["usd"]) if price.usd is not None else f"cost: no {gpu} price in the snapshot, type one"
        headline = (f"{config.name}, {n_tokens:.3g} tokens: {total:.3g} FLOP → {units.format_duration(cost['seconds'])}"
                    f" on {n_gpus:,} × {gpu} at {mfu:.0%} MFU, {cost['gpu_hours']:,.0f} GPU-hours, {cost_text}")
        details = html_table([
            ("parameters N (used per token)", f"{n_params:,}"),
            ("tokens per parameter", f"{n_tokens / n_params:,.1f}"),
            ("training FLOP (6 N D)", f"{total:.3g} FLOP"),
            (f"dense {precision} peak per GPU", units.format_si(peak, "FLOPS")),
            ("wall-clock time", units.format_duration(cost["seconds"])),
            ("GPU-hours", f"{cost['gpu_hours']:,.0f}"),
            ("price", price.label()),
            ("rental cost", money(None if price.usd is None else cost["usd"])),
            ("energy (GPUs at TDP)",
             "no TDP published" if cost["kwh"] is None else units.format_si(cost["kwh"] * 1e3, "Wh")),
        ])
        return ViewUpdate(headline, details,
                          lambda fig: plot_training_days(fig.add_subplot(), total, gpu, n_gpus, mfu, precision))

    return CalculatorView(controls, compute_view)


def plot_matmul_times(ax, total_flops: float, gpu, efficiency: float, precision: str = "bf16", n_bytes: float = 0.0):
    """Horizontal bars: roofline seconds for ``total_flops`` and ``n_bytes`` on each catalog GPU with a ``precision`` rate.

    Each bar is :func:`course_lib.compute.roofline_seconds`: the larger of the arithmetic at
    ``efficiency`` x the GPU's dense peak and ``n_bytes`` moved at its memory bandwidth (``n_bytes`` = 0:
    the arithmetic alone). ``gpu`` is highlighted. Return ``ax``.
    """
    chosen = hardware.get_gpu(gpu).name
    rows = [(g.name, compute.roofline_seconds(total_flops, n_bytes, g, precision, efficiency))
            for g in hardware.list_gpus("gpu") if g.peak_tflops(precision)]
    rows.sort(key=lambda row: row[1])
    names = [name for name, _ in rows]
    y = np.arange(len(names))
    ax.barh(y, [seconds for _, seconds in rows], color=["tab:red" if name == chosen else "tab:blue" for name in names])
    ax.set_xscale("log")
    plain_log_axis(ax.xaxis)
    if n_bytes:
        ax.set_xlabel(f"seconds: the larger of FLOP / ({efficiency:.0%} of dense {precision} peak)\n"
                      "and bytes / memory bandwidth")
    else:
        ax.set_xlabel(f"seconds at {efficiency:.0%} of the dense {precision} peak")
    row_labels(ax, y, names, fontsize=9)
    ax.set_ylim(len(names) - 0.5, -0.5)  # first row on top, no margins: one row per GPU
    ax.grid(True, axis="x", which="major", alpha=0.3)
    return ax


def matmul_view(m: int = 4096, n: int = 4096, k: int = 4096, gpu: str = "H100 SXM", efficiency: float = 0.7,
                precision: str = "bf16") -> CalculatorView:
    """FLOP of (m x k) @ (k x n) = 2mnk, its bytes, and its roofline time on ``gpu``.

    The time is :func:`course_lib.compute.matmul_time`: the larger of the arithmetic at ``efficiency``
    x the dense peak and the memory traffic (A and B read once, C written once, in the storage size
    of ``precision``) at full bandwidth; the view says which of the two binds.
    m, n, k are powers of two on the sliders (1 .. 32768).
    """
    def size(name, value, description):
        return powers_of_two(name, value, 1, 2**15, description)

    controls = {
        "m": size("m", m, "m (rows of A)"),
        "k": size("k", k, "k (inner dimension)"),
        "n": size("n", n, "n (columns of B)"),
        "gpu": dropdown("gpu", hardware.get_gpu(gpu).name, hardware.gpu_names("gpu"), "GPU"),
        "efficiency": percent_slider("efficiency", efficiency, "share of dense peak", 0.05, 1.0, 0.05),
        "precision": dropdown("precision", precision, PRECISION_OPTIONS, "precision"),
    }

    def compute_view(m, k, n, gpu, efficiency, precision):
        t = compute.matmul_time(m, n, k, gpu, efficiency, precision)
        card = hardware.get_gpu(gpu)
        shape = f"({m:,} × {k:,}) @ ({k:,} × {n:,})"
        arithmetic = f"the arithmetic at {efficiency:.0%} of peak {units.format_duration(t.compute_s)}"
        moving = f"moving the data {units.format_duration(t.memory_s)}"
        reason = f"{moving}, {arithmetic}" if t.bound == "memory" else f"{arithmetic}, {moving}"
        headline = (f"{shape}: 2·m·n·k = {units.format_si(t.flops, 'FLOP')}, {units.format_si(t.n_bytes, 'B')} "
                    f"to move → {units.format_duration(t.seconds)} on one {gpu}: {t.bound}-bound ({reason})")
        details = html_table([
            ("multiply-adds m·n·k", f"{t.flops // 2:,}"),
            ("FLOP (2 per multiply-add)", f"{t.flops:,}"),
            (f"bytes moved: (m·k + k·n + m·n) × {compute.operand_bytes(precision):g} B ({precision})",
             f"{t.n_bytes:,.0f}"),
            ("arithmetic intensity", f"{t.intensity:,.1f} FLOP/byte"),
            (f"dense {precision} peak", units.format_si(card.peak_flops(precision), "FLOPS")),
            ("memory bandwidth", units.format_si(card.memory_bandwidth_bytes_per_s, "B/s")),
            (f"arithmetic time: FLOP / ({efficiency:.0%} of peak)", units.format_duration(t.compute_s)),
            ("memory time: bytes / bandwidth", units.format_duration(t.memory_s)),
            (f"time (the larger: {t.bound}-bound)", units.format_duration(t.seconds)),
        ])
        def draw(fig):
            rows = sum(1 for g in hardware.list_gpus("gpu") if g.peak_tflops(precision))
            fig.set_size_inches(6.4, 0.9 + 0.2 * rows)  # 16 px per GPU: 9-point names that do not touch (D14)
            plot_matmul_times(fig.add_subplot(), t.flops, gpu, efficiency, precision, t.n_bytes)

        return ViewUpdate(headline, details, draw)

    return CalculatorView(controls, compute_view, figsize=(6.4, 4.6))
