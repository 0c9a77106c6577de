"""Views for notebook 08 (parallel layouts): the layout search, a hand-edited layout, the published runs.

Every number comes from :mod:`course_lib.layouts`, :mod:`course_lib.topology` and
:mod:`course_lib.published_layouts`; the ``plot_*(ax, ...)`` helpers draw the same figures for static cells.
"""

from __future__ import annotations

import functools
import html

import ipywidgets as widgets
from matplotlib.collections import PolyCollection
from matplotlib.ticker import FuncFormatter, MaxNLocator

from course_lib import layouts, models, published_layouts, topology, units
from course_lib.widgets._controls import dropdown, int_slider, percent_slider, powers_of_two, toggles
from course_lib.widgets._view import CalculatorView, ViewUpdate, html_table

# Parts of a step, in drawing order, with the StepTime fields they come from (exposed = total - hidden).
TIME_PARTS = {
    "compute": ("compute", None), "bubble": ("bubble", None), "TP": ("tensor_parallel", None),
    "CP": ("context_parallel", None), "PP sends": ("pipeline_sends", None),
    "DP (exposed)": ("data_parallel", "data_parallel_hidden"), "EP (exposed)": ("expert_parallel", "expert_parallel_hidden"),
}
TIME_COLORS = ("#4C72B0", "#C0C0C0", "#DD8452", "#937860", "#8172B3", "#55A868", "#C44E52")
MEMORY_PARTS = ("weights", "gradients", "optimizer_states", "activations", "overhead")
MEMORY_COLORS = ("#4C72B0", "#DD8452", "#55A868", "#8172B3", "#C0C0C0")
_SHORT = {"optimizer_states": "optimizer", "activations": "activ.", "gradients": "grads"}
# Models offered: the presets (Llama 3 405B and DeepSeek-V3 among them), and the published shapes of models the
# presets do not have.
PUBLISHED_SHAPES = {f"{s.name} (paper's shape)": s for s in (published_layouts.GLM_130B,)}
# Systems a training job can use: everything but the one-GPU edge module.
TRAINING_SYSTEMS = tuple(s.name for s in topology.list_systems() if s.gpus_per_node > 1)
SEQUENCE_LENGTHS = (1024, 2048, 4096, 8192, 32768, 131072)


def model_options() -> list[str]:
    """Dropdown labels: the course presets, then the published shapes."""
    return models.model_names() + list(PUBLISHED_SHAPES)


def _model(label: str):
    return PUBLISHED_SHAPES.get(label, label)


def time_parts(result: layouts.LayoutResult) -> dict[str, float]:
    """Seconds per step by part (communication hidden behind compute left out), summing to the step time."""
    t = result.time
    return {name: getattr(t, field) - (getattr(t, hidden) if hidden else 0.0)
            for name, (field, hidden) in TIME_PARTS.items()}


def plot_step_breakdown(ax, results, title: str | None = None):
    """Horizontal stacked bars of :func:`time_parts` for each result (first on top), labelled with the layout,
    its step time and MFU; the parts are named by coloured words above the axes. All bars are one
    ``PolyCollection`` (``ax.collections[0]``, part by part): a legend and one patch per segment took most of a
    redraw. Return ``ax``."""
    results = list(results)
    if not results:
        raise ValueError("results: give at least one layout result")
    segments, colors, lefts = [], [], [0.0] * len(results)
    for name, color in zip(TIME_PARTS, TIME_COLORS, strict=True):
        for i, r in enumerate(results):
            width = time_parts(r)[name]
            if width > 0:
                segments.append([(lefts[i], i - 0.4), (lefts[i] + width, i - 0.4), (lefts[i] + width, i + 0.4),
                                 (lefts[i], i + 0.4)])
                colors.append(color)
                lefts[i] += width
    ax.add_collection(PolyCollection(segments, facecolors=colors, edgecolors="none"))
    longest = max(lefts)
    for i, r in enumerate(results):
        ax.text(lefts[i] + 0.01 * longest, i, f"{r.layout.label}: {units.format_duration(r.time.total)}, MFU {r.mfu:.0%}",
                va="center", fontsize=8)
    shown = [(name, color) for name, color in zip(TIME_PARTS, TIME_COLORS, strict=True) if color in colors]
    key = None  # "■ compute ■ bubble ..." in the parts' colours, each after the previous
    for name, color in shown:
        where = {"xy": (0.0, 1.02), "xycoords": "axes fraction", "va": "bottom"} if key is None else \
            {"xy": (1, 0), "xycoords": key, "xytext": (6, 0), "textcoords": "offset points", "va": "bottom"}
        key = ax.annotate(f"■ {name}", color=color, fontsize=8, fontweight="bold", **where)
    ax.set_ylim(len(results) - 0.5, -0.5)
    ax.set_yticks([])
    ax.set_xlim(0, longest * 2.8)  # room for the (8-point) labels right of the bars
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda seconds, _: units.format_duration(seconds) if seconds else "0"))
    ax.set_xlabel("time per training step")
    if title:
        ax.set_title(title, fontsize=9, y=1.08)
    return ax


def plot_memory(ax, result: layouts.LayoutResult):
    """One stacked bar of bytes per GPU by part, with the GPU's memory as a dashed line. Return ``ax``."""
    m = result.memory
    bottom = 0.0
    for name, color in zip(MEMORY_PARTS, MEMORY_COLORS, strict=True):
        height = getattr(m, name) / units.GB
        ax.bar(0, height, bottom=bottom, color=color, width=0.6)
        if height > 0.06 * m.capacity / units.GB:
            ax.text(0, bottom + height / 2, _SHORT.get(name, name), ha="center", va="center", fontsize=8, color="white")
        bottom += height
    ax.axhline(m.capacity / units.GB, color="black", linestyle="--", linewidth=1)
    ax.set_xlim(-0.6, 0.6)
    ax.set_xticks([])
    ax.set_ylim(0, max(bottom, m.capacity / units.GB) * 1.15)
    ax.set_ylabel("GB per GPU")
    ax.set_title(f"{bottom:.0f} of {m.capacity / units.GB:.0f} GB", fontsize=9)
    return ax


def _result_rows(results) -> list[tuple]:
    return [(r.layout.label, units.format_duration(r.time.total), f"{r.mfu:.0%}", f"{r.memory.total / units.GB:.0f} GB",
             f"{r.time.bubble / r.time.total:.0%}",
             f"{(r.time.total - r.time.compute - r.time.bubble) / r.time.total:.0%}") for r in results]


_RESULT_HEADER = ("layout", "step", "MFU", "memory/GPU", "bubble", "communication")


@functools.lru_cache(maxsize=64)
def _search(model: str, system: str, n_gpus: int, seq_len: int, global_batch: int, schedule: str,
            compute_efficiency: float) -> layouts.SearchResult:
    """:func:`course_lib.layouts.search` for the search view, kept for settings seen before (one search takes up to
    0.1 s: a mixture-of-experts model on thousands of GPUs tries 2,000 layouts)."""
    return layouts.search(_model(model), system, n_gpus, seq_len, global_batch, schedule=schedule,
                          compute_efficiency=compute_efficiency, limit=8)


def _gpu_slider(value: int, most: int = 4096) -> widgets.SelectionSlider:
    return powers_of_two("n_gpus", value, 2, most, "GPUs")


def search_view(model: str = "Llama-2 70B", system: str = "DGX H100", n_gpus: int = 64, seq_len: int = 4096,
                global_batch: int = 512, schedule: str = "1f1b", compute_efficiency: float = 0.6) -> CalculatorView:
    """Model, system, GPU count, sequence, batch, schedule and compute efficiency -> the fastest layouts that fit
    (:func:`course_lib.layouts.search`), with their time breakdown."""
    controls = {
        "model": dropdown("model", model, model_options(), "model"),
        "system": dropdown("system", topology.get_system(system).name, TRAINING_SYSTEMS, "system"),
        "n_gpus": _gpu_slider(n_gpus),
        "seq_len": dropdown("seq_len", seq_len, SEQUENCE_LENGTHS, "sequence length"),
        "global_batch": dropdown("global_batch", global_batch, [2**k for k in range(5, 15)], "sequences per step"),
        "schedule": toggles("schedule", schedule, list(layouts.SCHEDULES[:4]), "schedule"),
        "compute_efficiency": percent_slider("compute_efficiency", compute_efficiency, "compute efficiency", 0.2, 1.0,
                                             0.05),
    }

    def compute_(model, system, n_gpus, seq_len, global_batch, schedule, compute_efficiency):
        n = n_gpus
        found = _search(model, system, n, seq_len, global_batch, schedule, compute_efficiency)
        s = topology.get_system(system)
        where = f"{n} × {s.gpu} ({topology.placement(n, s)})"
        counts = (f"{found.n_candidates} layouts tried: {found.n_out_of_memory} do not fit in memory, "
                  f"{found.n_invalid} cannot run (degrees that do not divide the heads, layers or batch).")
        if found.best is None:
            return ViewUpdate(f"No layout of {model} fits on {where}: add GPUs or shorten the sequences",
                              f"<p>{html.escape(counts)}</p>")
        best = found.best
        headline = (f"Fastest of {found.n_feasible} that fit: {best.layout.label}, "
                    f"{units.format_duration(best.time.total)} per step, MFU {best.mfu:.0%}, "
                    f"{best.memory.total / units.GB:.0f} GB per GPU")
        details = (f"<p>On {html.escape(where)}:</p>" + html_table(_result_rows(found.feasible), _RESULT_HEADER)
                   + f"<p>{html.escape(counts)} Where the best one's groups sit: "
                   + html.escape("; ".join(best.notes) or "one GPU") + "</p>")
        return ViewUpdate(headline, details, lambda fig: plot_step_breakdown(fig.add_subplot(), found.feasible[:6]))

    return CalculatorView(controls, compute_, figsize=(7.6, 3.0))


def layout_view(model: str = "Llama-2 70B", system: str = "DGX H100", tp: int = 8, pp: int = 8, dp: int = 1,
                cp: int = 1, ep: int = 1, zero_stage: int = 1, micro_batch: int = 1, schedule: str = "1f1b",
                recompute: str = "selective", seq_len: int = 4096, global_batch: int = 512,
                compute_efficiency: float = 0.6) -> CalculatorView:
    """A layout edited by hand: memory per GPU against the GPU's, and the time per step by part. Layouts that
    cannot run (a TP degree that does not divide the heads, GPUs that are not whole nodes, ...) say why."""
    degrees = [1, 2, 4, 8, 16, 32, 64, 128]
    controls = {
        "model": dropdown("model", model, model_options(), "model"),
        "system": dropdown("system", topology.get_system(system).name, TRAINING_SYSTEMS, "system"),
        "tp": dropdown("tp", tp, degrees[:6], "TP"),
        "pp": dropdown("pp", pp, degrees[:7], "PP"),
        "dp": dropdown("dp", dp, degrees + [256, 512, 1024], "DP"),
        "cp": dropdown("cp", cp, degrees[:5], "CP"),
        "ep": dropdown("ep", ep, degrees, "EP"),
        "zero_stage": toggles("zero_stage", zero_stage, [0, 1, 2, 3], "ZeRO stage"),
        "micro_batch": int_slider("micro_batch", micro_batch, 1, 16, "micro-batch (sequences)"),
        "schedule": toggles("schedule", schedule, list(layouts.SCHEDULES), "schedule"),
        "recompute": toggles("recompute", recompute, list(layouts.RECOMPUTE), "recomputation"),
        "seq_len": dropdown("seq_len", seq_len, SEQUENCE_LENGTHS, "sequence length"),
        "global_batch": dropdown("global_batch", global_batch, [2**k for k in range(3, 15)], "sequences per step"),
        "compute_efficiency": percent_slider("compute_efficiency", compute_efficiency, "compute efficiency", 0.2, 1.0,
                                             0.05),
    }

    def compute_(model, system, tp, pp, dp, cp, ep, zero_stage, micro_batch, schedule, recompute, seq_len,
                 global_batch, compute_efficiency):
        layout = layouts.Layout(tp=tp, pp=pp, dp=dp, cp=cp, ep=ep, zero_stage=zero_stage, micro_batch=micro_batch,
                                schedule=schedule, virtual_stages=2 if schedule == "interleaved" else 1,
                                recompute=recompute)
        r = layouts.evaluate(_model(model), system, layout, seq_len, global_batch,
                             compute_efficiency=compute_efficiency)
        s = topology.get_system(system)
        verdict = "fits" if r.fits else "DOES NOT FIT"
        headline = (f"{layout.label}, {r.n_gpus} GPUs: {units.format_duration(r.time.total)} per step, MFU "
                    f"{r.mfu:.0%}, {r.memory.total / units.GB:.0f} of {r.memory.capacity / units.GB:.0f} GB per GPU "
                    f"({verdict})")
        parts = time_parts(r)
        rows = [(name, units.format_duration(seconds), f"{seconds / r.time.total:.0%}") for name, seconds in
                parts.items() if seconds > 0]
        details = (html_table(rows, ("part of the step", "time", "share"))
                   + f"<p>{html.escape(topology.placement(r.n_gpus, s))}; {r.microbatches} micro-batches per pipeline per step "
                   "(gradient accumulation); "
                   + html.escape("; ".join(r.notes) or "one GPU: no communication") + ".</p>")

        def draw(fig):
            memory_ax, time_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 4]})
            plot_memory(memory_ax, r)
            plot_step_breakdown(time_ax, [r])

        return ViewUpdate(headline, details, draw)

    return CalculatorView(controls, compute_, figsize=(7.6, 2.8))


def published_table(compute_efficiency: float = published_layouts.COMMON_EFFICIENCY) -> str:
    """HTML table of :data:`course_lib.published_layouts.PUBLISHED_LAYOUTS`: published number, estimate at
    ``compute_efficiency``, % difference, implied efficiency, memory per GPU."""
    rows = []
    for p in published_layouts.PUBLISHED_LAYOUTS:
        r = p.result(compute_efficiency)
        fmt = (lambda x: f"{x:.0%}") if p.unit == "MFU" else (lambda x: f"{x:,.4g}")
        rows.append((p.title, f"{fmt(p.published)} {'' if p.unit == 'MFU' else p.unit}".strip(),
                     fmt(p.predicted(compute_efficiency)), f"{p.difference(compute_efficiency):+.0%}",
                     f"{p.implied_efficiency():.0%}", f"{r.memory.total / units.GB:.0f} / {r.memory.capacity / units.GB:.0f} GB"))
    return html_table(rows, ("run", "published", "estimate", "difference", "implied efficiency", "memory/GPU"))


def plot_published_differences(ax, compute_efficiency: float = published_layouts.COMMON_EFFICIENCY):
    """One horizontal bar per published run: (estimate - published) / published in %, with the course's
    tolerance (:data:`course_lib.published_layouts.TOLERANCE`) shaded. Return ``ax``."""
    runs = published_layouts.PUBLISHED_LAYOUTS
    diffs = [100 * p.difference(compute_efficiency) for p in runs]
    limit = 100 * published_layouts.TOLERANCE
    ax.axvspan(-limit, limit, color="#E8F0E8")
    ax.barh(range(len(runs)), diffs, color=["#4C72B0" if abs(d) <= limit else "#C44E52" for d in diffs], height=0.6)
    ax.axvline(0, color="black", linewidth=1)
    for i, (p, d) in enumerate(zip(runs, diffs, strict=True)):
        ax.text(-limit * 1.4, i, p.title.split(" (")[0], ha="right", va="center", fontsize=8)
        ax.text(d + (2 if d >= 0 else -2), i, f"{d:+.0f}%", ha="left" if d >= 0 else "right", va="center", fontsize=8)
    ax.set_ylim(len(runs) - 0.5, -0.5)
    ax.set_yticks([])
    ax.set_xlim(-limit * 1.4, limit * 1.4)
    ax.set_xlabel(f"estimate vs published (%), GPUs at {compute_efficiency:.0%} of peak while computing; "
                  f"shaded: ±{limit:.0f}%", fontsize=8)
    return ax
