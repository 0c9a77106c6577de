"""Views of notebook 06 (serving): one request's timeline, the batch-size trade-off, a server simulator, paged
vs contiguous KV cache, speculative decoding; and the figures of 09 (decode bound vs measurements) and 11
(published serving measurements).

Every number comes from :mod:`course_lib.serving`; these views only draw. Times are in seconds (or ms where
labelled), sizes in GB = 1e9 bytes, rates in tokens per second.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator

from course_lib import hardware, models, serving, units
from course_lib.widgets._controls import (
    choice_slider,
    dropdown,
    float_slider,
    int_slider,
    log_slider,
    powers_of_two,
    toggles,
)
from course_lib.widgets._view import CalculatorView, ViewUpdate, html_table, plain_log_axis

_PREFILL, _DECODE, _WAIT = "tab:orange", "tab:blue", "tab:gray"
TP_SIZES = (1, 2, 4, 8)
BATCHES = tuple(2**k for k in range(11))  # 1 .. 1024


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:,.3g} ms" if seconds < 1 else f"{seconds:,.3g} s"


def _weights_control(weight_bits: float) -> widgets.Dropdown:
    return dropdown("weight_bits", weight_bits, list(serving.WEIGHT_BITS.items()), "weights")


def _deployment(model: str, gpu: str, n_gpus: int, weight_bits: float, kv_dtype: str = "fp16") -> serving.Deployment:
    """A deployment whose weights fit, else a ValueError the view shows."""
    dep = serving.deployment(model, gpu, n_gpus=n_gpus, weight_bits=weight_bits, kv_dtype=kv_dtype)
    if not serving.fits(dep):
        raise ValueError(f"gpu: the weights of {dep.model.name} ({serving.weight_bytes(dep) / 1e9:,.1f} GB) do not fit "
                         f"on {n_gpus} x {dep.gpu.name} ({dep.gpu.memory_gb:g} GB each); choose more GPUs, fewer bits "
                         "or a bigger GPU")
    return dep


def _model_gpu_controls(model: str, gpu: str, n_gpus: int) -> dict:
    return {
        "model": dropdown("model", models.get_model(model).name, models.model_names(), "model"),
        "gpu": dropdown("gpu", hardware.get_gpu(gpu).name, hardware.gpu_names("gpu"), "GPU"),
        "n_gpus": dropdown("n_gpus", n_gpus, TP_SIZES, "GPUs (tensor parallel)"),
    }


# --------------------------------------------------------------------------- one request

def plot_timeline(ax: Axes, timeline: serving.Timeline) -> Axes:
    """One request (or static batch) as two bars on a time axis: prefill (TTFT), then the decode steps."""
    ttft, decode = timeline.ttft_s, timeline.decode_s
    ax.barh([0], [ttft], color=_PREFILL, height=0.5)
    ax.barh([0], [decode], left=[ttft], color=_DECODE, height=0.5)
    total = ttft + decode
    ax.text(0, 0.42, f"prefill {timeline.prompt_tokens:,} tokens: {_ms(ttft)} ({timeline.prefill.bound}-bound)",
            color=_PREFILL, fontsize=9, va="bottom")
    ax.text(total, -0.42, f"{timeline.output_tokens - 1:,} decode steps x {_ms(timeline.tpot_s)} "
            f"({timeline.last_decode.bound}-bound)", color=_DECODE, fontsize=9, va="top", ha="right")
    ax.set_ylim(-1, 1)
    ax.set_yticks([])
    ax.set_xlim(0, total * 1.02)
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.set_xlabel("time since the request arrived (s)")
    return ax


def request_view(model: str = "Llama-2 7B", gpu: str = "A100 SXM 80GB", prompt_tokens: int = 2048,
                 output_tokens: int = 256, weight_bits: float = 16.0, n_gpus: int = 1) -> CalculatorView:
    """Time to first token (prefill) and time per output token (decode) of one request on an idle server."""
    controls = {
        "prompt_tokens": int_slider("prompt_tokens", prompt_tokens, 64, 8192, "prompt tokens", step=64),
        "output_tokens": int_slider("output_tokens", output_tokens, 1, 2048, "output tokens"),
        **_model_gpu_controls(model, gpu, n_gpus),
        "weight_bits": _weights_control(weight_bits),
    }

    def compute_view(prompt_tokens, output_tokens, model, gpu, n_gpus, weight_bits):
        dep = _deployment(model, gpu, n_gpus, weight_bits)
        if prompt_tokens + output_tokens > dep.model.max_seq_len:
            raise ValueError(f"prompt_tokens: {dep.model.name} reads at most {dep.model.max_seq_len:,} tokens "
                             "(prompt + output)")
        if serving.max_batch(dep, prompt_tokens + output_tokens) < 1:
            raise ValueError("prompt_tokens: the KV cache of this request does not fit beside the weights")
        tl = serving.timeline(dep, prompt_tokens, output_tokens)
        decode = (f"then {_ms(tl.tpot_s)} per token ({1 / tl.tpot_s:,.0f} tokens/s, {tl.last_decode.bound}-bound)"
                  if tl.tpot_s > 0 else "no decode step (the prefill makes the only output token)")
        headline = (f"TTFT {_ms(tl.ttft_s)} ({tl.prefill.bound}-bound prefill) · {decode} · whole answer "
                    f"{_ms(tl.total_s)}")
        pre, step = tl.prefill, tl.last_decode
        details = html_table([
            ("prefill FLOP / bytes", f"{pre.flops / 1e12:,.3g} TFLOP / {(pre.weight_bytes + pre.kv_bytes) / 1e9:,.3g} GB"),
            ("prefill at peak FLOP/s / at full bandwidth", f"{_ms(pre.compute_s)} / {_ms(pre.memory_s)}"),
            ("last decode step FLOP / bytes", f"{step.flops / 1e9:,.3g} GFLOP / {(step.weight_bytes + step.kv_bytes) / 1e9:,.3g} GB"),
            ("last decode step at peak / at full bandwidth", f"{_ms(step.compute_s)} / {_ms(step.memory_s)}"),
            ("all-reduces per step (tensor parallel)", _ms(step.allreduce_s) if n_gpus > 1 else "none (one GPU)"),
        ], header=["", dep.label]) + ("<div style='font-size:85%'>Roofline bounds: each phase takes the longer of "
                                      "FLOP / dense peak and bytes / bandwidth; real kernels reach a fraction of both "
                                      "(section 10).</div>")

        def draw(fig):
            plot_timeline(fig.add_subplot(), tl)

        return ViewUpdate(headline, details, draw)

    return CalculatorView(controls, compute_view, figsize=(6.4, 1.8))


# --------------------------------------------------------------------------- batch size

@functools.lru_cache(maxsize=32)
def _curve(model: str, gpu: str, n_gpus: int, weight_bits: float, context: int) -> tuple:
    dep = _deployment(model, gpu, n_gpus, weight_bits)
    return tuple(serving.batch_curve(dep, context, BATCHES))


def plot_batch_curve(ax: Axes, points: Sequence[serving.BatchPoint], highlight: serving.BatchPoint | None = None) -> Axes:
    """Throughput (x, all users) against time per output token (y) for each batch; points that do not fit hollow."""
    tps = np.array([p.tokens_per_second for p in points])
    tpot = np.array([1000 * p.tpot_s for p in points])
    fits = np.array([p.fits for p in points])
    ax.plot(tps, tpot, color="lightgray", zorder=1)
    ax.scatter(tps[fits], tpot[fits], color=_DECODE, zorder=2, s=18)
    ax.scatter(tps[~fits], tpot[~fits], facecolors="white", edgecolors=_DECODE, zorder=2, s=18)
    for p, x, y in zip(points, tps, tpot, strict=True):
        ax.annotate(f"{p.batch}", (x, y), textcoords="offset points", xytext=(4, -9), fontsize=8, color="gray")
    if highlight is not None:
        ax.scatter([highlight.tokens_per_second], [1000 * highlight.tpot_s], s=90, facecolors="none",
                   edgecolors=_PREFILL, linewidths=2, zorder=3)
    ax.set_xscale("log")
    plain_log_axis(ax.xaxis, subs=(1.0, 2.0, 5.0), fmt="{:,.0f}")
    ax.set_xlabel("tokens/s, all users together (log scale)")
    ax.set_ylabel("ms per output token")
    ax.grid(True, alpha=0.3)
    return ax


def batch_view(model: str = "Llama-2 7B", gpu: str = "A100 SXM 80GB", batch: int = 1, context: int = 1024,
               weight_bits: float = 16.0, n_gpus: int = 1) -> CalculatorView:
    """Move the batch size along the throughput-latency curve of decoding (one step, all sequences at ``context``)."""
    controls = {
        "batch": choice_slider("batch", batch, BATCHES, "batch (sequences)"),
        "context": powers_of_two("context", context, 2**7, 2**15, "tokens already in each cache"),
        **_model_gpu_controls(model, gpu, n_gpus),
        "weight_bits": _weights_control(weight_bits),
    }

    def compute_view(batch, context, model, gpu, n_gpus, weight_bits):
        points = _curve(model, gpu, n_gpus, weight_bits, context)
        point = next(p for p in points if p.batch == batch)
        dep = _deployment(model, gpu, n_gpus, weight_bits)
        cross = serving.crossover_batch(dep, context)
        largest = serving.max_batch(dep, context)
        headline = (f"batch {batch}: {point.tokens_per_second:,.0f} tokens/s in total, {point.per_user_tokens_per_second:,.0f} "
                    f"for each user ({1000 * point.tpot_s:,.3g} ms per token), {point.bound}-bound"
                    + ("" if point.fits else " — but that many caches do not fit in memory"))
        details = html_table([
            ("sequences whose caches fit", f"{largest:,}"),
            ("batch where a step turns compute-bound", f"{cross:,}" if cross else "never (the KV reads grow as fast)"),
            ("one user alone", f"{points[0].per_user_tokens_per_second:,.0f} tokens/s"),
        ], header=["", dep.label]) + ("<div style='font-size:85%'>Hollow points: the weights plus that many caches do "
                                      "not fit. Each step reads the weights once for the whole batch, but every "
                                      "sequence's own KV cache.</div>")

        def draw(fig):
            plot_batch_curve(fig.add_subplot(), points, point)

        return ViewUpdate(headline, details, draw)

    return CalculatorView(controls, compute_view)


# --------------------------------------------------------------------------- the server

@functools.lru_cache(maxsize=64)
def _simulate(model: str, gpu: str, n_gpus: int, weight_bits: float, arrival_rate: float, n_requests: int,
              prompt_tokens: int, output_tokens: int, policy: str, kv_allocation: str) -> serving.SimulationResult:
    """:func:`course_lib.serving.simulate` (seed 0) for the server view, kept for settings seen before (~20 ms each)."""
    return serving.simulate(_deployment(model, gpu, n_gpus, weight_bits), arrival_rate=arrival_rate,
                            n_requests=n_requests, prompt_tokens=prompt_tokens, output_tokens=output_tokens,
                            policy=policy, kv_allocation=kv_allocation, seed=0)


def plot_ttft_by_arrival(ax: Axes, result: serving.SimulationResult) -> Axes:
    """Every request's time to first token, in arrival order, with the p50 and p99 as dashed lines.

    A flat band means the server keeps up; a ramp means the queue grows (overload).
    """
    ttft = np.asarray(result.ttft_by_arrival)
    ax.plot(np.arange(1, ttft.size + 1), ttft, color=_PREFILL, linewidth=0.8)
    for p, style in ((50, "--"), (99, ":")):
        ax.axhline(result.ttft[p], color="black", linewidth=0.8, linestyle=style)
        ax.text(ttft.size, result.ttft[p], f" p{p}", va="center", fontsize=8)
    ax.set_xlim(0, ttft.size * 1.08)
    ax.set_ylim(0, None)
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.set_xlabel("request, in arrival order")
    ax.set_ylabel("time to first token (s)")
    return ax


def server_view(model: str = "Llama-2 7B", gpu: str = "A100 SXM 80GB", arrival_rate: float = 4.0,
                policy: str = "continuous", kv_allocation: str = "paged", weight_bits: float = 16.0,
                n_gpus: int = 1, prompt_tokens: int = 512, output_tokens: int = 256,
                n_requests: int = 400) -> CalculatorView:
    """Simulate ``n_requests`` Poisson arrivals on one deployment; TTFT/TPOT percentiles, tokens/s, utilisation."""
    controls = {
        "arrival_rate": log_slider("arrival_rate", arrival_rate, 0.1, 100, "requests per second"),
        "policy": toggles("policy", policy, serving.POLICIES, "batching"),
        "kv_allocation": toggles("kv_allocation", kv_allocation, serving.KV_ALLOCATIONS, "KV cache"),
        **_model_gpu_controls(model, gpu, n_gpus),
        "weight_bits": _weights_control(weight_bits),
    }

    def compute_view(arrival_rate, policy, kv_allocation, model, gpu, n_gpus, weight_bits):
        dep = _deployment(model, gpu, n_gpus, weight_bits)
        r = _simulate(model, gpu, n_gpus, weight_bits, arrival_rate, n_requests, prompt_tokens, output_tokens, policy,
                      kv_allocation)
        headline = (f"TTFT p50 {_ms(r.ttft[50])}, p99 {_ms(r.ttft[99])} · TPOT p50 {_ms(r.tpot[50])} · "
                    f"{r.tokens_per_second:,.0f} tokens/s · {r.flops_utilization:.0%} of peak FLOP/s"
                    + (" — overloaded: the queue grows" if r.queue_growing else ""))
        details = html_table([
            ("requests, mean prompt / output tokens", f"{n_requests:,}, {prompt_tokens:,} / {output_tokens:,} "
                                                      "(exponential lengths)"),
            ("tokens/s asked for / served", f"{r.offered_tokens_per_second:,.0f} / {r.tokens_per_second:,.0f}"),
            ("mean sequences per decode step", f"{r.mean_batch:,.1f}"),
            ("KV cache that fits", f"{r.kv_capacity_tokens:,} tokens"),
            ("share of the time the GPUs run a step", f"{r.busy_fraction:.0%}"),
            ("latency p50 / p99 (arrival to last token)", f"{_ms(r.latency[50])} / {_ms(r.latency[99])}"),
        ], header=["", dep.label])

        def draw(fig):
            plot_ttft_by_arrival(fig.add_subplot(), r)

        return ViewUpdate(headline, details, draw)

    return CalculatorView(controls, compute_view, figsize=(6.4, 2.6))


# --------------------------------------------------------------------------- paged KV cache

def plot_kv_allocation(ax: Axes, allocation: serving.KVAllocation) -> Axes:
    """Used vs reserved KV tokens (in millions) under contiguous and paged allocation."""
    names = ["contiguous", f"paged ({allocation.block_size})"]
    reserved = np.array([allocation.contiguous, allocation.paged]) / 1e6
    used = allocation.used / 1e6
    ax.barh(names, reserved, color="lightgray", label="reserved")
    ax.barh(names, [used, used], color=_DECODE)
    for y, (r, waste) in enumerate(zip(reserved, (allocation.contiguous_waste, allocation.paged_waste), strict=True)):
        ax.text(r, y, f" {waste:.0%} unused", va="center", fontsize=9)
    ax.set_xlim(0, reserved.max() * 1.3)
    ax.set_xlabel("KV cache, millions of token slots (blue: holding a token)")
    ax.invert_yaxis()
    return ax


def paged_view(block_size: int = 16, mean_tokens: int = 600, reserved_tokens: int = 4096) -> CalculatorView:
    """KV memory wasted by reserving each sequence's maximum length vs paging it in blocks."""
    controls = {
        "block_size": powers_of_two("block_size", block_size, 1, 512, "block size (tokens)"),
        "mean_tokens": int_slider("mean_tokens", mean_tokens, 50, 3000, "mean tokens per sequence", step=50),
        "reserved_tokens": dropdown("reserved_tokens", reserved_tokens, (2048, 4096, 8192, 32768),
                                    "contiguous: reserved per sequence"),
    }

    def compute_view(block_size, mean_tokens, reserved_tokens):
        lengths = serving.sample_lengths(mean_tokens, limit=reserved_tokens)
        a = serving.kv_allocation(lengths, reserved_tokens, block_size)
        headline = (f"contiguous: {a.contiguous_waste:.0%} of the reserved KV memory unused · paged, blocks of "
                    f"{a.block_size}: {a.paged_waste:.1%} · {a.concurrency_gain:.1f}x as many sequences fit")
        details = (f"{a.n_sequences:,} sequences, {a.used:,} tokens in total (mean {a.used / a.n_sequences:,.0f}). "
                   f"Paging wastes at most one partly filled block per sequence, on average "
                   f"{serving.expected_block_waste_tokens(a.block_size):g} tokens.")

        def draw(fig):
            plot_kv_allocation(fig.add_subplot(), a)

        return ViewUpdate(headline, details, draw)

    return CalculatorView(controls, compute_view, figsize=(6.4, 2.0))


# --------------------------------------------------------------------------- speculative decoding

def plot_speculative(ax: Axes, acceptance_rate: float, draft_tokens: int, cost_ratio: float, max_draft: int = 12) -> Axes:
    """Speed-up (Leviathan et al., Thm. 3.8) against the number of drafted tokens; the chosen one marked."""
    gammas = np.arange(0, max_draft + 1)
    speedups = [serving.speculative_speedup(acceptance_rate, int(g), cost_ratio) for g in gammas]
    ax.plot(gammas, speedups, marker="o", color=_DECODE, markersize=4)
    ax.scatter([draft_tokens], [serving.speculative_speedup(acceptance_rate, draft_tokens, cost_ratio)], s=90,
               facecolors="none", edgecolors=_PREFILL, linewidths=2, zorder=3)
    ax.axhline(1, color="black", linewidth=0.8, linestyle="--")
    ax.set_xlabel("tokens drafted per check (gamma)")
    ax.set_ylabel("speed-up over plain decoding")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
    ax.grid(True, alpha=0.3)
    return ax


def speculative_view(acceptance_rate: float = 0.8, draft_tokens: int = 4, cost_ratio: float = 0.1) -> CalculatorView:
    """Expected tokens per target pass and the speed-up, from acceptance rate, draft length and draft cost."""
    controls = {
        "acceptance_rate": float_slider("acceptance_rate", acceptance_rate, 0.0, 0.99, 0.01, "acceptance rate (alpha)"),
        "draft_tokens": int_slider("draft_tokens", draft_tokens, 0, 12, "drafted tokens (gamma)"),
        "cost_ratio": float_slider("cost_ratio", cost_ratio, 0.0, 1.0, 0.01, "draft step / target step (c)"),
    }

    def compute_view(acceptance_rate, draft_tokens, cost_ratio):
        tokens = serving.speculative_expected_tokens(acceptance_rate, draft_tokens)
        speedup = serving.speculative_speedup(acceptance_rate, draft_tokens, cost_ratio)
        best = max(range(13), key=lambda g: serving.speculative_speedup(acceptance_rate, g, cost_ratio))
        headline = (f"{tokens:.2f} tokens per check of the big model · speed-up {speedup:.2f}x "
                    f"(best: {best} drafted tokens, {serving.speculative_speedup(acceptance_rate, best, cost_ratio):.2f}x)")
        details = ("Leviathan et al. 2023, Eq. 1 and Theorem 3.8: expected tokens (1 - α^(γ+1)) / (1 - α), speed-up "
                   "that over (γc + 1). It assumes the big model checks γ + 1 tokens in the time of one step, "
                   "true at small batch (decoding is memory-bound).").replace("α", "alpha").replace("γ", "gamma")

        def draw(fig):
            plot_speculative(fig.add_subplot(), acceptance_rate, draft_tokens, cost_ratio)

        return ViewUpdate(headline, details, draw)

    return CalculatorView(controls, compute_view, figsize=(6.4, 3.0))


# --------------------------------------------------------------------------- 09 and 11: model vs measurement

def plot_decode_model_vs_measured(ax: Axes, model: str = "Llama-2 7B", gpus: list[str] | None = None) -> Axes:
    """The batch-1 decode bound of ``model`` in 16 bits against memory bandwidth, with llama.cpp's measurements.

    The line is the model (tokens/s = bandwidth / bytes per token, one straight line by construction); the
    filled points are published measurements (:data:`course_lib.serving.MEASUREMENTS`, llama.cpp tg128).
    """
    m = models.get_model(model)
    devices = [hardware.get_gpu(g) for g in (gpus or hardware.gpu_names("gpu"))]
    devices = [g for g in devices if serving.fits(serving.deployment(m, g, precision="fp16"))]
    bandwidth = np.array([g.memory_bandwidth_gbs for g in devices])
    bound = [serving.decode_step(serving.deployment(m, g, precision="fp16")).tokens_per_second for g in devices]
    ax.plot(bandwidth, bound, "o", color="lightgray", markersize=5, label="course bound (model)")
    xs = np.array([0, bandwidth.max() * 1.05])
    slope = bound[0] / bandwidth[0]
    ax.plot(xs, slope * xs, color="lightgray", linewidth=1, zorder=0)
    named = {"A100 SXM 80GB", "H100 SXM", "H200 SXM", "B200"}  # the rest would overlap (GeForce: orange labels)
    for g, x, y in zip(devices, bandwidth, bound, strict=True):
        if g.name in named:
            ax.annotate(g.name, (x, y), textcoords="offset points", xytext=(-4, 5), fontsize=8, color="gray",
                        ha="right")
    for key, gpu_name, offset in (("llama.cpp-4090", "RTX 4090", (8, 2)), ("llama.cpp-3090", "RTX 3090", (8, -12))):
        row = serving.get_measurement(key)
        gpu = hardware.get_gpu(gpu_name)
        ax.plot([gpu.memory_bandwidth_gbs], [row.published], "o", color=_PREFILL, markersize=7)
        ax.annotate(f"{gpu_name} measured: {row.published:g} tokens/s ({row.achieved_fraction():.0%} of the bound)",
                    (gpu.memory_bandwidth_gbs, row.published), textcoords="offset points", xytext=offset,
                    fontsize=8, color=_PREFILL)
    ax.set_xlabel("memory bandwidth (GB/s)")
    ax.set_ylabel(f"{m.name} 16-bit decode, batch 1 (tokens/s)")
    ax.set_xlim(0, None)
    ax.set_ylim(0, None)
    ax.grid(True, alpha=0.3)
    return ax


def measurements_table_html() -> str:
    """The published serving measurements next to the course's estimates, as an HTML table."""
    rows = [(m.title, f"{m.published:,.4g} {m.unit}", f"{m.estimated():,.4g}", f"{m.difference():+.0%}",
             f"{m.achieved_fraction():.0%}") for m in serving.MEASUREMENTS]
    return html_table(rows, header=["measurement", "published", "course bound", "difference", "of the bound"])


def plot_measurements(ax: Axes) -> Axes:
    """Published / bound for rates (bound / published for times): how much of the roofline each setup reached."""
    rows = serving.MEASUREMENTS
    fractions = [m.achieved_fraction() for m in rows]
    y = np.arange(len(rows))
    ax.barh(y + 0.15, fractions, height=0.45, color=_DECODE)
    ax.axvline(1, color="black", linewidth=0.8, linestyle="--")
    for yi, m, f in zip(y, rows, fractions, strict=True):
        ax.text(0, yi - 0.12, m.title, va="bottom", fontsize=8)  # above its bar (the y axis is inverted)
        ax.text(f, yi + 0.15, f" {f:.0%}", va="center", fontsize=8)
    ax.set_yticks([])
    ax.set_ylim(len(rows) - 0.35, -0.65)  # top to bottom, room for the first title
    ax.set_xlim(0, 1.15)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel("share of the course's roofline bound that the published measurement reached")
    return ax


def timeline_summary(dep: serving.Deployment, prompt_tokens: int, output_tokens: int) -> str:
    """One line: TTFT, TPOT and the bound of each phase, for static cells."""
    tl = serving.timeline(dep, prompt_tokens, output_tokens)
    return (f"{dep.label}: TTFT {_ms(tl.ttft_s)} ({tl.prefill.bound}-bound), TPOT {_ms(tl.tpot_s)} "
            f"({tl.last_decode.bound}-bound), {units.format_duration(tl.total_s)} for {output_tokens:,} tokens")
