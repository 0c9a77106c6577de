"""Views for notebook 00 (start here): a byte-unit converter and a "where should I start" planner.

The course map (:data:`COURSE`) is the table in the README; a test keeps the two in agreement.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass

from course_lib import _validate, units
from course_lib.widgets._controls import dropdown, int_slider, toggles
from course_lib.widgets._view import CalculatorView, ViewUpdate, html_table, raw


@dataclass(frozen=True)
class Notebook:
    """One notebook of the course: ``name`` is the file stem, ``minutes`` the estimated time."""

    number: str
    name: str
    title: str
    learn: str
    minutes: int


COURSE = (
    Notebook("00", "00_start_here", "Start here", "how the course works, environment check, GB vs GiB, FLOP vs FLOPS", 15),
    Notebook("01", "01_why_gpus", "Why GPUs", "latency vs throughput, Amdahl, roofline, Tensor Cores", 55),
    Notebook("02", "02_inside_the_gpu", "Inside the GPU and the server",
             "SMs, Tensor Cores, memory hierarchy, tiles, FlashAttention, the 8-GPU server, storage, power", 65),
    Notebook("03", "03_flops", "FLOPS", "FLOP vs FLOPS, dense vs sparse, 6ND, training time and cost", 50),
    Notebook("04", "04_memory_and_precision", "Memory and precision",
             "fp32…fp8 bit by bit, training memory, KV cache, will it fit", 75),
    Notebook("05", "05_quantization", "Quantization", "absmax/zero-point, group-wise, INT4 with its scales, outliers, GPTQ, KV-cache quantization", 75),
    Notebook("06", "06_serving", "Serving LLMs",
             "prefill and decode, batching, paged KV cache, speculative decoding", 60),
    Notebook("07", "07_parallelism", "Parallelism", "data/tensor/pipeline parallel, ZeRO/FSDP, gradient accumulation, servers of 8 GPUs", 55),
    Notebook("08", "08_parallel_layouts", "Parallel layouts on real clusters",
             "nodes and NVLink domains, 3D/FSDP/expert/context parallel, published layouts", 55),
    Notebook("09", "09_choosing_hardware", "Choosing hardware", "which system, how many GPUs, how long; MI300X, TPUs, Jetson", 45),
    Notebook("10", "10_cost_and_energy", "Cost, energy and access",
             "dated prices, rent vs buy, power and PUE, export rules", 35),
    Notebook("11", "11_reality_check", "Reality check", "the course's estimates vs published training runs, matmuls, serving and layouts", 40),
)

# What a learner wants to find out -> the notebooks to do, in order (each path starts at 00).
GOALS = {
    "Why do LLMs run on GPUs?": ("00", "01", "02"),
    "How long and how much does training cost?": ("00", "01", "03", "09", "10", "11"),
    "Will this model fit in GPU memory?": ("00", "04"),
    "Can I run a model in 8 or 4 bits?": ("00", "04", "05"),
    "How do I serve a model to many users?": ("00", "01", "04", "05", "06"),
    "How is training split over many GPUs?": ("00", "01", "02", "03", "04", "07", "08"),
    "Which GPU should I buy or rent?": ("00", "01", "03", "04", "09", "10", "11"),
    "Everything (the whole course)": tuple(nb.number for nb in COURSE),
}

BYTE_UNITS = ("B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB")



def course_plan(goal: str, minutes_available: float) -> dict:
    """The notebooks for ``goal`` (a key of :data:`GOALS`) and which of them fit in ``minutes_available``.

    Returns ``{"path": [Notebook, ...], "total_minutes", "today": [Notebook, ...], "later": [...]}``:
    ``today`` is the longest prefix of the path whose estimated times add up to at most
    ``minutes_available``.
    """
    goal = _validate.choice("goal", goal, GOALS)
    minutes_available = _validate.non_negative("minutes_available", minutes_available)
    by_number = {nb.number: nb for nb in COURSE}
    path = [by_number[number] for number in GOALS[goal]]
    today, elapsed = [], 0
    for notebook in path:
        if elapsed + notebook.minutes > minutes_available:
            break
        today.append(notebook)
        elapsed += notebook.minutes
    return {"path": path, "total_minutes": sum(nb.minutes for nb in path), "today": today,
            "later": path[len(today):]}


def plot_course_plan(ax, plan: dict, minutes_available: float):
    """One horizontal bar per notebook of ``plan`` (from :func:`course_plan`), stacked in order; return ``ax``."""
    start = 0
    today = {nb.number for nb in plan["today"]}
    for notebook in plan["path"]:
        colour = "tab:green" if notebook.number in today else "tab:gray"
        ax.barh(0, notebook.minutes, left=start, color=colour, edgecolor="white")
        ax.text(start + notebook.minutes / 2, 0, notebook.number, ha="center", va="center", color="white")
        start += notebook.minutes
    ax.axvline(minutes_available, color="black", linestyle="--")
    ax.text(minutes_available, 0.45, " your time", va="top")
    ax.set_yticks([])
    ax.set_ylim(-0.5, 0.5)
    ax.set_xlim(0, max(start, minutes_available) * 1.2)  # room for the label
    ax.set_xlabel("minutes (green: today, gray: next time)")
    return ax


def plan_view(goal: str = "Why do LLMs run on GPUs?", minutes: int = 90) -> CalculatorView:
    """Pick a goal and the time you have: which notebooks, in which order, and what fits today."""
    controls = {
        "goal": dropdown("goal", goal, list(GOALS), "I want to know:", width="480px"),
        "minutes": int_slider("minutes", minutes, 10, 720, "minutes I have today", step=10),
    }

    def compute(goal, minutes):
        plan = course_plan(goal, minutes)
        path = " → ".join(nb.number for nb in plan["path"])
        if not plan["later"]:
            headline = f"Path {path}: {plan['total_minutes']} min in all; it fits in your time."
        elif plan["today"]:
            done = " → ".join(nb.number for nb in plan["today"])
            headline = (f"Path {path}: {plan['total_minutes']} min in all; today do {done}, "
                        f"then start next time at {plan['later'][0].number}.")
        else:
            headline = (f"Path {path}: {plan['total_minutes']} min in all; "
                        f"{plan['path'][0].number} alone needs {plan['path'][0].minutes} min.")
        details = html_table([(nb.number, raw(f"<a href='{nb.name}.ipynb'>{html.escape(nb.title)}</a>"), nb.learn,
                                f"{nb.minutes} min") for nb in plan["path"]], align="left")
        return ViewUpdate(headline, details, lambda fig: plot_course_plan(fig.add_subplot(), plan, minutes))

    return CalculatorView(controls, compute, figsize=(6.4, 1.4))


def _definition(shown: str, prefixes: Mapping[str, float], fallback: str, base: int) -> str:
    """HTML defining the byte unit a formatted size uses: "81.9 KB" -> "KB = 10<sup>3</sup> B".

    ``prefixes`` is :data:`course_lib.units.SI_PREFIXES` (``base`` 10) or ``BINARY_PREFIXES`` (``base`` 2);
    a size shown in plain bytes ("80 B") is defined with the ``fallback`` prefix.
    """
    prefix = shown.split()[-1][:-1] or fallback  # "81.9 KB" -> "K", "80 KiB" -> "Ki", "80 B" -> fallback
    exponent = round(math.log(prefixes[prefix], base))
    return f"{prefix}B = {base}<sup>{exponent}</sup> B"


def bytes_view(amount: int = 80, unit: str = "GB") -> CalculatorView:
    """A size with a unit -> bytes, decimal (GB) and binary (GiB) forms, via ``units.parse_quantity``.

    The details also give the ratio of the binary to the decimal unit of the chosen prefix (1 GiB =
    1.074 GB): the gap grows with every prefix, 2.4 % for K up to 10 % for T.
    """
    controls = {
        "amount": int_slider("amount", amount, 1, 1024, "amount"),
        "unit": toggles("unit", unit, BYTE_UNITS, "unit"),
    }

    def compute(amount, unit):
        n_bytes = units.parse_quantity(f"{amount!r} {unit}")
        decimal, binary = units.format_si(n_bytes, "B"), units.format_binary(n_bytes)
        headline = f"{amount:g} {unit} = {n_bytes:,.0f} bytes; decimal: {decimal}, binary: {binary}"
        prefix = unit[0]
        details = html_table([("bytes", f"{n_bytes:,.0f}"),
                              (raw(f"decimal (datasheets: {_definition(decimal, units.SI_PREFIXES, 'K', 10)})"),
                               decimal),
                              (raw("binary (nvidia-smi, operating systems: "
                                   f"{_definition(binary, units.BINARY_PREFIXES, 'Ki', 2)})"), binary)])
        if prefix != "B":
            ratio = units.parse_quantity(f"1 {prefix}iB") / units.parse_quantity(f"1 {prefix}B")
            details += (f"<p>1 {prefix}iB = {ratio:.3f} {prefix}B: the binary unit is {ratio - 1:.1%} bigger, "
                        f"so the same bytes give a number {1 - 1 / ratio:.1%} smaller in {prefix}iB than in "
                        f"{prefix}B.</p>")
        return ViewUpdate(headline, details)

    return CalculatorView(controls, compute, figsize=None)
