"""Views for notebook 07 (parallelism): all-reduce time, data-parallel scaling, pipeline bubble, ZeRO memory.

Every number comes from :mod:`course_lib.parallel`, :mod:`course_lib.topology`, :mod:`course_lib.compute`,
:mod:`course_lib.memory` and the catalogs; the static ``plot_*(ax, ...)`` helpers draw the same figures as
the views, for static cells. GPUs come in systems (:data:`SYSTEMS`): inside a node they talk over NVLink
or PCIe, past one node over the system's network, and the views say which. Bandwidths are per GPU and per
direction, in GB/s (see :mod:`course_lib.parallel`).
"""

from __future__ import annotations

import html
from typing import cast

import ipywidgets as widgets
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.ticker import FuncFormatter, MaxNLocator

from course_lib import _validate, hardware, layouts, memory, models, parallel, planner, topology, units
from course_lib.widgets._controls import dropdown, int_slider, log_slider, percent_slider, powers_of_two, toggles
from course_lib.widgets._view import PART_COLOURS, CalculatorView, ViewUpdate, html_table

_PART_COLORS = {part: PART_COLOURS[part] for part in ("weights", "gradients", "optimizer_states")}


def _log2_gpu_axis(ax, max_gpus: int):
    """Log-2 x axis with plain tick labels 2, 4, 8, ... (no mathtext: faster to draw)."""
    ticks = [2**k for k in range(1, int(np.log2(max_gpus)) + 1)]
    ax.set_xscale("log", base=2)
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])


# --------------------------------------------------------------------------- ring all-reduce


def ring_step_lines(steps) -> list:
    """One line of text per step of a :func:`course_lib.parallel.ring_allreduce` step log.

    "reduce-scatter 1: GPU0 -> GPU1 chunk 0 | ..." (steps and GPUs numbered as in the log, steps from 1).
    """
    if not steps:
        raise ValueError("steps: give the step log of ring_allreduce(..., record_steps=True) for 2+ ranks")
    n = len(steps[0]["sends"])
    return [f"{s['phase']:>14} {s['step'] + 1}: "
            + " | ".join(f"GPU{r} -> GPU{(r + 1) % n} chunk {c}" for r, c in enumerate(s["sends"]))
            for s in steps]


def plot_ring_contributions(fig, steps):
    """One small heat map per step: how many GPUs' inputs each GPU's copy of each chunk sums.

    Rows are GPUs, columns chunks; n (dark) means the chunk is complete on that GPU. Returns the axes.
    """
    if not steps:
        raise ValueError("steps: give the step log of ring_allreduce(..., record_steps=True) for 2+ ranks")
    n = len(steps[0]["sends"])
    axes = fig.subplots(2, len(steps) // 2, squeeze=False).ravel()
    for ax, step in zip(axes, steps, strict=True):
        ax.imshow(step["contributions"], cmap="Blues", vmin=0, vmax=n)
        for (r, c), value in np.ndenumerate(step["contributions"]):
            ax.text(c, r, str(value), ha="center", va="center", fontsize=8, color="white" if value > n / 2 else "black")
        ax.set_title(f"{step['phase']} {step['step'] + 1}", fontsize=9)
        ax.set_xticks(range(n))
        ax.set_yticks(range(n))
        ax.set_xlabel("chunk", fontsize=8)
        ax.set_ylabel("GPU", fontsize=8)
        ax.tick_params(labelsize=8)
    return axes


# The systems notebook 07 compares: three 8-GPU NVLink servers (A100, A800, H100) and a PCIe box.
SYSTEMS = ("DGX A100 (80GB)", "HGX A800 8-GPU", "DGX H100", "AWS g6e.48xlarge (8x L40S)")


_KIND_NAMES = {"nvlink": "NVLink", "pcie": "PCIe", "infinity_fabric": "Infinity Fabric", "ici": "ICI"}


def allreduce_headline(n_bytes: float, system, n_gpus: int, what: str = "gradients") -> str:
    """One short line: the all-reduce time of ``n_bytes`` over ``n_gpus`` GPUs of ``system`` and where it runs."""
    s = topology.get_system(system)
    t = topology.collective_time("all-reduce", n_bytes, s, n_gpus)
    nodes = topology.nodes_for(n_gpus, s)
    if t.group.crosses_domain:
        where = f"{s.network().name} between nodes"
    else:
        where = f"{_KIND_NAMES[s.intra_link.kind]} inside the node" if s.intra_link else "one GPU"
    return (f"{units.format_si(n_bytes, 'B')} of {what} over {n_gpus} GPUs in {nodes} node{'s' if nodes > 1 else ''}: "
            f"{units.format_duration(t.seconds)} ({where})")


def plot_allreduce_vs_gpus(ax, n_bytes: float, n_gpus: int, system: str, max_gpus: int = 64, compact: bool = False):
    """All-reduce seconds vs GPU count (log scales) on each of :data:`SYSTEMS`: ring inside a node, then
    hierarchical across nodes (:func:`course_lib.topology.collective_time`); the chosen ``system``'s flat
    ring across nodes dashed, a dot at ``n_gpus``, and a dotted line where the NVLink/PCIe domain ends.
    Only GPU counts the system can hold are drawn. Return ``ax``.

    ``compact=True`` (the widget) draws the other systems thin and grey without legend entries.
    """
    chosen = topology.get_system(system)
    n_gpus = _validate.positive_int("n_gpus", n_gpus)
    max_gpus = max(_validate.positive_int("max_gpus", max_gpus), n_gpus, 2)
    for name in dict.fromkeys((*SYSTEMS, chosen.name)):
        counts = topology.power_of_two_counts(name, max_gpus)
        times = [topology.collective_time("all-reduce", n_bytes, name, n).seconds for n in counts]
        s = topology.get_system(name)
        label = f"{name}: {s.link_inside().bandwidth_gbs:.3g} GB/s inside, " + (
            f"{s.network().bandwidth_gbs:.3g} GB/s per GPU between nodes" if s.clustered else "never clustered")
        if name == chosen.name:
            ax.plot(counts, times, linewidth=2.5, color="tab:blue" if compact else None, label=label)
        else:  # a label starting with "_" stays out of the legend
            ax.plot(counts, times, linewidth=1.2, color="0.75" if compact else None,
                    label=f"_{label}" if compact else label)
    across = [n for n in topology.power_of_two_counts(chosen, max_gpus) if n > chosen.domain_size]
    if across:
        flat = [topology.collective_time("all-reduce", n_bytes, chosen, n, algorithm="ring").seconds for n in across]
        ax.plot(across, flat, linestyle="--", color="gray", label="one flat ring across nodes (no hierarchy)")
    if chosen.domain_size < max_gpus:
        ax.axvline(chosen.domain_size, linestyle=":", color="black", linewidth=1)
    ax.plot([n_gpus], [topology.collective_time("all-reduce", n_bytes, chosen, n_gpus).seconds], "o", color="tab:red")
    _log2_gpu_axis(ax, max_gpus)
    ax.set_yscale("log")
    ax.minorticks_off()
    ax.yaxis.set_major_formatter(FuncFormatter(lambda seconds, _: units.format_duration(seconds)))
    ax.set_xlabel("GPUs (dotted: end of one node's NVLink/PCIe domain)")
    ax.set_ylabel("all-reduce time (s)")
    ax.set_title(f"all-reduce of {units.format_si(n_bytes, 'B')}" + (" (grey: the other systems)" if compact else ""),
                 fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return ax


def _gpu_slider(value: int, most: int = 64, fewest: int = 2) -> widgets.SelectionSlider:
    return powers_of_two("n_gpus", value, fewest, most, "GPUs")


def allreduce_view(n_params_billion: float = 7.0, n_gpus: int = 8, system: str = "DGX A100 (80GB)",
                   grad_dtype: str = "bf16") -> CalculatorView:
    """Model size, GPU count, system and gradient type -> all-reduce time on the system's links, with the
    time vs GPUs plot. Past one node the headline names the network it crosses."""
    controls = {
        "n_params_billion": log_slider("n_params_billion", n_params_billion, 0.1, 1000, "parameters (billions)"),
        "n_gpus": _gpu_slider(n_gpus),
        "system": dropdown("system", topology.get_system(system).name, SYSTEMS, "system"),
        "grad_dtype": toggles("grad_dtype", grad_dtype, ["bf16", "fp32"], "gradients"),
    }

    def compute_(n_params_billion, n_gpus, system, grad_dtype):
        n_bytes = memory.weights_bytes(n_params_billion * 1e9, grad_dtype)
        n = n_gpus
        headline = allreduce_headline(n_bytes, system, n, f"{grad_dtype} gradients")
        rows = []
        for name in SYSTEMS:
            if n in topology.power_of_two_counts(name, 1024):
                t = topology.collective_time("all-reduce", n_bytes, name, n)
                rows.append((name, units.format_duration(t.seconds), f"{t.bus_bandwidth_gbs:.3g} GB/s",
                             "network" if t.group.crosses_domain else "inside the node"))
            else:
                rows.append((name, "-", "-", "cannot hold this many GPUs"))
        naive_bw = topology.get_system(system).link_inside().bandwidth_gbs
        details = (html_table(rows, ("system", "all-reduce", "bus bandwidth", "runs")) +
                   f"<p>Bus bandwidth: the per-GPU rate one ring would need for that time (nccl-tests' busbw). "
                   f"Naive (everything through GPU 0) inside one {html.escape(system)} node of 8: "
                   f"{units.format_duration(parallel.allreduce_seconds(n_bytes, 8, naive_bw, 'naive'))}.</p>")
        return ViewUpdate(headline, details,
                          lambda fig: plot_allreduce_vs_gpus(fig.add_subplot(), n_bytes, n, system, compact=True))

    return CalculatorView(controls, compute_, figsize=(6.4, 3.8))


# --------------------------------------------------------------------------- data-parallel scaling


def plot_dp_scaling(ax, model, tokens_per_gpu: int, mfu: float, overlap: float = 0.0, systems=SYSTEMS,
                    max_gpus: int = 64, highlight=None, compact: bool = False):
    """Data-parallel speed-up vs GPU count (linear axes) for ``systems`` (each on its own GPU and links),
    with the ideal line; a dot at ``highlight`` = (system, n_gpus). Return ``ax``.

    ``compact=True`` (the widget) colours only the highlighted system and draws the others thin and grey.
    """
    model = models.get_model(model)
    chosen = topology.get_system(highlight[0]).name if highlight else None
    counts = [1, *topology.power_of_two_counts(SYSTEMS[0], max_gpus)]
    ax.plot(counts, counts, linestyle="--", color="gray", label="ideal (n GPUs = n x faster)")
    for name in dict.fromkeys((*systems, *([chosen] if chosen else []))):
        xs = [1, *topology.power_of_two_counts(name, max_gpus)]
        speedups = [layouts.dp_speedup(model, name, n, tokens_per_gpu, mfu, overlap)["speedup"] for n in xs]
        label = f"{name} ({topology.get_system(name).gpu})"
        if compact and name != chosen:  # a label starting with "_" stays out of the legend
            ax.plot(xs, speedups, linewidth=1, color="0.75", label=f"_{label}")
        else:
            ax.plot(xs, speedups, marker=".", color="tab:blue" if compact else None, label=label)
    if highlight is not None:
        ax.axvline(topology.get_system(highlight[0]).domain_size, linestyle=":", color="black", linewidth=1)
        ax.plot([highlight[1]], [layouts.dp_speedup(model, highlight[0], highlight[1], tokens_per_gpu, mfu,
                                                    overlap)["speedup"]], "o",
                color="tab:red")
    for axis in (ax.xaxis, ax.yaxis):  # 0, 16, 32, 48, 64: few tick labels, they are slow to draw
        axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 4, 8], integer=True))
    ax.set_xlabel("GPUs (dotted: end of one node)")
    ax.set_ylabel("speed-up vs 1 GPU")
    ax.set_title(f"{model.name}, {tokens_per_gpu:,} tokens per GPU per step"
                 + (" (grey: the other systems)" if compact else ""), fontsize=9)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return ax


def dp_step_view(model: str = "Llama-2 7B", system: str = "DGX A100 (80GB)", n_gpus: int = 8,
                 tokens_per_gpu: int = 4096, mfu: float = 0.4, overlap: float = 0.0):
    """Model, system, GPU count, tokens per GPU, MFU and overlap -> data-parallel step time and speed-up;
    past one node the all-reduce crosses the system's network, and the headline says so."""
    controls = {
        "model": dropdown("model", models.get_model(model).name, models.model_names(), "model"),
        "system": dropdown("system", topology.get_system(system).name, SYSTEMS, "system"),
        "n_gpus": _gpu_slider(n_gpus, fewest=1),
        "tokens_per_gpu": dropdown("tokens_per_gpu", tokens_per_gpu, [2**k for k in range(9, 20)],
                                   "tokens per GPU per step"),
        "mfu": percent_slider("mfu", mfu, "MFU", 0.05, 1.0, 0.05),
        "overlap": percent_slider("overlap", overlap, "overlap (share of all-reduce hidden)", 0.0, 1.0, 0.1),
    }

    def compute_(model, system, n_gpus, tokens_per_gpu, mfu, overlap):
        n = n_gpus
        r = layouts.dp_speedup(model, system, n, tokens_per_gpu, mfu, overlap)
        gpu = topology.get_system(system).gpu
        headline = (f"{n} x {gpu}: step {units.format_duration(r['total'])} "
                    f"(compute {units.format_duration(r['compute'])}, all-reduce "
                    f"{units.format_duration(r['communication'])}) -> {r['speedup']:.3g}x one GPU "
                    f"({r['efficiency']:.0%} efficiency)")
        details = (f"<p>The all-reduce {html.escape(r['note'])}. Gradients: "
                   f"{units.format_si(r['gradient_bytes'], 'B')} (bf16) every step; "
                   f"{units.format_duration(r['hidden'])} of it hidden behind the backward pass (overlap can use "
                   "only the backward pass, 2/3 of the compute). Fewer tokens per GPU, a slower link or a faster GPU "
                   "make the all-reduce a bigger share.</p>")
        return ViewUpdate(headline, details, lambda fig: plot_dp_scaling(
            fig.add_subplot(), model, tokens_per_gpu, mfu, overlap, highlight=(system, n), compact=True))

    return CalculatorView(controls, compute_, figsize=(6.4, 3.8))


# --------------------------------------------------------------------------- pipeline bubble


def plot_pipeline_schedule(ax: Axes, grid: list[list[parallel.Cell]], *, title: str | None = None,
                           labels: bool = True) -> Axes:
    """Draw a :func:`course_lib.parallel.pipeline_schedule` grid on a matplotlib ``Axes``: one row per stage.

    Forward passes are blue, backward passes orange, each slot labelled with its micro-batch
    ("F3", "B3") unless ``labels=False`` (one text per slot is most of the drawing time); idle
    slots stay white. Returns ``ax``.
    """
    grid = parallel.check_grid(grid)
    labels = _validate.flag("labels", labels)
    colors = {"F": "#4C72B0", "B": "#DD8452"}
    n_stages, n_slots = len(grid), max((len(row) for row in grid), default=0)
    for stage, row in enumerate(grid):
        for kind, color in colors.items():  # one collection per stage and kind: fast to draw
            slots = [(slot, 1) for slot, cell in enumerate(row) if cell is not None and cell[0] == kind]
            if slots:
                ax.broken_barh(slots, (stage - 0.4, 0.8), facecolors=color, edgecolors="white")
        for slot, cell in enumerate(row):
            if labels and cell is not None:
                ax.text(slot + 0.5, stage, f"{cell[0]}{cell[1]}", ha="center", va="center", color="white", fontsize=8)
    ax.set_xlim(0, n_slots)
    ax.locator_params(axis="x", nbins=6, integer=True)  # few tick labels: they are slow to draw
    ax.set_ylim(n_stages - 0.5, -0.5)  # stage 0 on top
    ax.set_yticks(range(n_stages))
    ax.set_yticklabels([f"GPU {s}" for s in range(n_stages)])
    ax.set_xlabel("time slot (one forward pass each)")
    ax.set_title(title if title is not None else f"bubble: {parallel.grid_bubble_fraction(grid):.0%} of GPU time idle")
    return ax


def bubble_view(n_stages: int = 4, n_microbatches: int = 8, schedule: str = "1f1b",
                backward_ratio: int = 1) -> CalculatorView:
    """Stages, micro-batches, schedule and backward cost -> bubble fraction, with the schedule chart."""
    controls = {
        "n_stages": int_slider("n_stages", n_stages, 1, 8, "stages (GPUs) p"),
        "n_microbatches": int_slider("n_microbatches", n_microbatches, 1, 32, "micro-batches m"),
        "schedule": toggles("schedule", schedule, list(parallel.PIPELINE_SCHEDULES), "schedule"),
        "backward_ratio": toggles("backward_ratio", backward_ratio, [1, 2], "backward / forward time"),
    }

    def compute_(n_stages, n_microbatches, schedule, backward_ratio):
        grid = parallel.pipeline_schedule(n_stages, n_microbatches, schedule, backward_ratio)
        bubble = parallel.pipeline_bubble_fraction(n_stages, n_microbatches, schedule)
        held = parallel.peak_activation_microbatches(n_stages, n_microbatches, schedule)
        headline = (f"{schedule}, {n_stages} stages, {n_microbatches} micro-batches: {bubble:.1%} of GPU time idle "
                    f"((p-1)/(m+p-1) = {n_stages - 1}/{n_microbatches + n_stages - 1})")
        details = (f"<p>Counted on the chart (blue: forward, orange: backward, white: idle): "
                   f"{parallel.grid_bubble_fraction(grid):.1%} idle over {len(grid[0])} time slots. "
                   f"GPU 0 holds the activations of up to {held} micro-batch(es) at once.</p>")

        def draw(fig):  # no per-slot labels: one text per slot would triple the redraw time
            plot_pipeline_schedule(fig.add_subplot(), grid, labels=False)

        return ViewUpdate(headline, details, draw)

    return CalculatorView(controls, compute_, figsize=(7.2, 2.8))


# --------------------------------------------------------------------------- ZeRO


def plot_zero_stages(ax, n_params: float, n_gpus: int, stage: int | None = None, gpu=None):
    """Stacked bars of per-GPU bytes (weights, gradients, optimizer states) for ZeRO stages 0-3, each
    labelled with its total in GB; ``stage`` is drawn opaque, the others faded; a dashed line at the
    memory of ``gpu`` (catalog name) if given. Return ``ax``.

    The twelve bar segments are one ``PolyCollection`` (``ax.collections[0]``: the weights of stages
    0-3, then the gradients, then the optimizer states) and the parts are named by coloured words above
    the bars: a legend and twelve bar patches took a third of the view's redraw.
    """
    stages = [cast(dict[str, float], parallel.zero_memory_per_gpu(n_params, n_gpus, s)) for s in range(4)]
    heights = np.array([[parts[name] for parts in stages] for name in _PART_COLORS]) / units.GB  # part x stage
    tops = heights.cumsum(axis=0)
    segments = [[(s - 0.4, low), (s + 0.4, low), (s + 0.4, high), (s - 0.4, high)]
                for lows, highs in zip(tops - heights, tops, strict=True)
                for s, (low, high) in enumerate(zip(lows, highs, strict=True))]
    colors = [to_rgba(color, 1.0 if stage in (None, s) else 0.35) for color in _PART_COLORS.values() for s in range(4)]
    ax.add_collection(PolyCollection(segments, facecolors=colors, edgecolors="none"))
    # Stage names and totals as one text above each bar instead of x tick labels (ticks are slow to draw).
    names = ("0: plain DP", "1: + optimizer", "2: + gradients", "3: + weights")
    for s, parts in enumerate(stages):
        ax.text(s, tops[-1, s], f"{units.format_si(parts['total'], 'B')}\n{names[s]}", ha="center", va="bottom",
                fontsize=8)
    key = None  # "■ weights  ■ gradients  ■ optimizer states" in the parts' colours, each after the previous
    for name, color in _PART_COLORS.items():
        where = {"xy": (0.01, 0.97), "xycoords": "axes fraction", "va": "top"} if key is None else \
            {"xy": (1, 0), "xycoords": key, "xytext": (10, 0), "textcoords": "offset points", "va": "bottom"}
        key = ax.annotate(f"■ {name.replace('_', ' ')}", color=color, fontsize=8, fontweight="bold", **where)
    xlabel = "ZeRO stage (what is sharded over the GPUs)"
    top = tops[-1].max()
    if gpu is not None:
        device = hardware.get_gpu(gpu)
        ax.axhline(device.memory_gb, color="black", linestyle="--", linewidth=1)
        xlabel += f"; dashed: {device.name}, {device.memory_gb:g} GB"
        top = max(top, device.memory_gb)
    ax.set_xticks([])
    ax.set_xlim(-0.5, 3.5)
    ax.set_ylim(0, top * 1.45)  # room for the labels and the coloured words
    ax.yaxis.set_major_locator(MaxNLocator(4))
    ax.set_xlabel(xlabel, fontsize=9)
    ax.set_ylabel("GB per GPU")
    # y given: no automatic title placement, which measures the axes' tick labels on every draw.
    ax.set_title(f"{n_params / 1e9:.3g}B parameters, mixed-precision Adam, {n_gpus} GPUs (activations not counted)",
                 fontsize=9, y=1.0)
    return ax


def zero_view(n_params_billion: float = 7.5, n_gpus: int = 64, stage: int = 2,
              gpu: str = "A100 SXM 80GB") -> CalculatorView:
    """Parameters, GPU count, ZeRO stage and a GPU -> training bytes per GPU, with the stacked bars."""
    controls = {
        "n_params_billion": log_slider("n_params_billion", n_params_billion, 0.1, 1000, "parameters (billions)"),
        "n_gpus": _gpu_slider(n_gpus, most=1024, fewest=1),
        "stage": toggles("stage", stage, [0, 1, 2, 3], "ZeRO stage"),
        "gpu": dropdown("gpu", hardware.get_gpu(gpu).name, hardware.gpu_names("gpu"), "GPU"),
    }

    def compute_(n_params_billion, n_gpus, stage, gpu):
        n_params, n = n_params_billion * 1e9, n_gpus
        device = hardware.get_gpu(gpu)
        planner.rentable_gpus(n, topology.reference_system(device), device)  # refuses counts no server of it holds
        parts = cast(dict[str, float], parallel.zero_memory_per_gpu(n_params, n, stage))
        verdict = "fits in" if parts["total"] <= device.memory_bytes else "does not fit in"
        headline = (f"ZeRO-{stage}, {n_params_billion:.3g}B parameters on {n} GPU{'s' if n > 1 else ''}: "
                    f"{units.format_si(parts['total'], 'B')} per GPU ({verdict} {device.name}'s "
                    f"{device.memory_gb:g} GB before activations)")
        details = ("<p>" + ", ".join(f"{name.replace('_', ' ')} {units.format_si(parts[name], 'B')}"
                                     for name in _PART_COLORS) + "</p>")
        return ViewUpdate(headline, details,
                          lambda fig: plot_zero_stages(fig.add_subplot(), n_params, n, stage, device.name))

    return CalculatorView(controls, compute_)
