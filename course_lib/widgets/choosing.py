"""Widgets and figures of notebooks 09 and 10 and the planner app: the catalog, the planner, prices, rent vs buy.

The views are thin: they read their controls, call :mod:`course_lib.planner` and
:mod:`course_lib.prices` and format the result. A price is either from the dated snapshot
(:mod:`course_lib.prices`, shown with its provider and date), typed by the learner (shown as
"your price"), or missing ("enter a price"); a GPU switch never carries one GPU's price to another.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from course_lib import _validate, compute, hardware, memory, models, planner, prices, topology, units
from course_lib.widgets._controls import (
    BOX_WIDTH,
    MENU_WIDTH,
    STYLE,
    dropdown,
    int_slider,
    layout,
    log_slider,
    number_box,
    percent_slider,
    toggles,
)
from course_lib.widgets._view import (
    DASH,
    CalculatorView,
    ViewUpdate,
    html_table,
    money,
    number,
    place_labels,
    plain_log_axis,
    raw,
)

_URL = re.compile(r"https?://[^\s,;]+")
TASK_OPTIONS = (("pre-train", "pretrain"), ("full fine-tune", "finetune"), ("LoRA-style fine-tune (frozen weights)",
                                                                           "lora"), ("serve", "serve"))
RANK_OPTIONS = (("fastest", "time"), ("least energy", "energy"), ("cheapest", "cost"))
TRAINING_CONTROLS = ("n_tokens", "deadline_days", "mfu")
SERVING_CONTROLS = ("requests_per_s", "tokens_per_request", "serve_days", "decode_efficiency")


def _paragraph(text: str) -> str:
    """An HTML paragraph that wraps (widget HTML does not wrap by default); ``text`` is already escaped."""
    return f"<p style='white-space:normal;max-width:60em'>{text}</p>"


# --------------------------------------------------------------------------- the catalog


def source_link(gpu) -> str:
    """HTML link to the first URL of a catalog row's ``source`` (the datasheet), or its text if none."""
    gpu = hardware.get_gpu(gpu)
    match = _URL.search(gpu.source)
    if not match:
        return html.escape(gpu.source)
    url = match.group(0).rstrip(").")
    return f'<a href="{html.escape(url)}" target="_blank" title="{html.escape(gpu.source)}">{gpu.vendor} datasheet</a>'


def catalog_table_html(gpus=None, precisions=("bf16", "fp8")) -> str:
    """The catalog as an HTML table: name, year, memory, bandwidth, dense TFLOPS, TDP, interconnect, source.

    ``gpus``: names (default every GPU and TPU). ``precisions``: dense-TFLOPS columns; "—" where the
    vendor publishes no rate (or no TDP / no GPU-to-GPU link).
    """
    header = ["name", "year", "memory (GB)", "bandwidth (GB/s)", *[f"dense {p} TFLOPS" for p in precisions],
              "TDP (W)", "GPU-to-GPU link (GB/s, bidirectional)", "source"]
    rows = [[g.name, g.year, f"{g.memory_gb:g}", f"{g.memory_bandwidth_gbs:,g}",
             *[number(g.peak_tflops(p), "{:,g}") for p in precisions], number(g.tdp_w, "{:g}"),
             number(g.interconnect_gbs, "{:,g}"), raw(source_link(g))] for g in planner.devices(gpus)]
    return html_table(rows, header, align="left", scroll=True)


def systems_table_html(gpus=None) -> str:
    """Each GPU's reference system (:func:`course_lib.topology.reference_system`): what a node holds, the link inside it
    (per direction, and how many GPUs it connects) and the network between nodes; "single cards" where the data
    has no multi-GPU system."""
    rows: list[list[Any]] = []
    for device in planner.devices(gpus):
        system = topology.reference_system(device)
        if system is None:
            rows.append([device.name, raw("<i>single cards (no multi-GPU system in the course's data)</i>", 5)])
            continue
        inside = (DASH if system.intra_link is None else
                  f"{system.intra_link.name}: {system.intra_link.bandwidth_gbs:,.3g} GB/s, {system.domain_size} GPUs")
        network = ("never clustered" if system.inter_link is None else
                   f"{system.inter_link.name}: {system.inter_link.bandwidth_gbs:,.3g} GB/s per GPU")
        rows.append([device.name, system.name, system.kind, system.gpus_per_node, inside, network])
    return html_table(rows, ["GPU", "reference system", "kind", "GPUs per node", "link inside (per direction, domain)",
                             "network between nodes (per direction)"], align="left", scroll=True)


def _log_axes(ax) -> None:
    """Log-log axes with ticks at 1, 2, 5 x 10^k written as plain numbers."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        plain_log_axis(axis, subs=(1, 2, 5), fmt="{:,.0f}")


def plot_tflops_vs_memory(ax, precision: str = "bf16", gpus=None):
    """Dense ``precision`` TFLOPS vs memory (GB), bubble area proportional to TDP; return ``ax``.

    Rows without that rate are left out; rows without a TDP (TPU v5e) are hollow squares.
    """
    rows = [g for g in planner.devices(gpus) if g.peak_tflops(precision)]
    powered = [g for g in rows if g.tdp_w is not None]
    unpowered = [g for g in rows if g.tdp_w is None]
    ax.scatter([g.memory_gb for g in powered], [g.peak_tflops(precision) for g in powered],
               s=[(g.tdp_w or 0) / 2 for g in powered], alpha=0.5, color="tab:blue", label="bubble area ∝ TDP (W)")
    if unpowered:
        ax.scatter([g.memory_gb for g in unpowered], [g.peak_tflops(precision) for g in unpowered], s=60,
                   marker="s", facecolors="none", edgecolors="tab:red", label="no published TDP")
    _log_axes(ax)
    ax.set_xlabel("memory (GB)")
    ax.set_ylabel(f"dense {precision} TFLOPS")
    ax.grid(True, which="major", alpha=0.3)
    legend = ax.legend(fontsize=8, loc="lower right")
    rates = [float(g.peak_tflops(precision) or 0) for g in rows]  # rows all have the rate
    place_labels(ax, [g.memory_gb for g in rows], rates, [g.name for g in rows], obstacles=[legend])
    return ax


def plot_tflops_per_watt(ax, precision: str = "bf16", gpus=None):
    """Horizontal bars: dense ``precision`` TFLOPS per watt of TDP (:func:`course_lib.compute.flops_per_watt`).

    Rows without the rate or without a TDP are left out (named in the title). Return ``ax``.
    """
    devices = planner.devices(gpus)
    rows = sorted(((g.name, compute.flops_per_watt(g, precision) / units.TFLOPS) for g in devices
                   if g.peak_tflops(precision) and g.tdp_w is not None), key=lambda row: row[1])
    missing = [g.name for g in devices if not (g.peak_tflops(precision) and g.tdp_w is not None)]
    ax.barh([name for name, _ in rows], [value for _, value in rows], color="tab:green")
    ax.set_xlabel(f"dense {precision} TFLOPS per watt of TDP")
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(True, axis="x", alpha=0.3)
    if missing:
        ax.set_title("not shown (no rate or no TDP): " + ", ".join(missing), fontsize=8)
    return ax


def plot_bandwidth_vs_memory(ax, gpus=None):
    """Memory bandwidth (GB/s) vs memory capacity (GB), one labelled point per row; return ``ax``."""
    rows = planner.devices(gpus)
    xs, ys = [g.memory_gb for g in rows], [g.memory_bandwidth_gbs for g in rows]
    ax.scatter(xs, ys, color="tab:purple")
    _log_axes(ax)
    ax.set_xlabel("memory (GB)")
    ax.set_ylabel("memory bandwidth (GB/s)")
    ax.grid(True, which="major", alpha=0.3)
    place_labels(ax, xs, ys, [g.name for g in rows])
    return ax


def plot_decode_vs_specs(axes, model: str = "Llama-2 7B", dtype: str = "fp16", precision: str = "bf16", gpus=None):
    """Batch-1 decode bound (tokens/s, :func:`course_lib.compute.decode_tokens_per_second`) vs TFLOPS and bandwidth.

    ``axes``: two matplotlib Axes (left: against ``precision`` TFLOPS, right: against GB/s). Only rows
    that hold the model's weights in ``dtype`` (:func:`course_lib.memory.fits`, one 2,048-token
    sequence) and have the rate are drawn. Returns ``axes``.
    """
    rows = [g for g in planner.devices(gpus) if g.peak_tflops(precision) and memory.fits(model, g, dtype=dtype)]
    speed = [compute.decode_tokens_per_second(model, g, dtype) for g in rows]
    panels = ((axes[0], [float(g.peak_tflops(precision) or 0) for g in rows], f"dense {precision} TFLOPS"),
              (axes[1], [g.memory_bandwidth_gbs for g in rows], "memory bandwidth (GB/s)"))
    for ax, xs, label in panels:
        ax.scatter(xs, speed, color="tab:blue")
        ax.set_xlabel(label)
        ax.grid(True, alpha=0.3)
    for ax, xs, _ in panels:  # after both scatters: the panels may share the y axis
        place_labels(ax, xs, speed, [g.name for g in rows])
    axes[0].set_ylabel(f"{models.get_model(model).name} {dtype} decode bound, batch 1 (tokens/s)")
    return axes


# --------------------------------------------------------------------------- prices


def parse_price(text: str, what: str) -> float | None:
    """A price typed into a text box: None if empty (use the snapshot), else a number >= 0 ("USD" and "," allowed).

    ``what`` names the box in the message ("your price for H100 SXM").
    """
    cleaned = str(text).strip().lower().removeprefix("usd").strip().replace(",", "")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or value > 1e12:
        raise ValueError(f"{what} must be a number from 0 to 1e12 (or empty for the snapshot price), got {text!r}")
    return value + 0.0  # "-0" typed: 0.0, never "USD -0.00"


def price_box(description: str, placeholder: str = "empty: the snapshot price") -> widgets.Text:
    """An empty text box for a price the learner types (read by :func:`parse_price` when the view updates)."""
    return widgets.Text(value="", placeholder=placeholder, description=description, style=STYLE,
                        layout=layout(BOX_WIDTH), continuous_update=False)


class TypedPrices:
    """Prices the learner typed, one per GPU, behind one text box and the GPU control it applies to.

    Choosing another GPU shows the price typed for that GPU, or an empty box: one GPU's price is
    never carried to another. ``values(what)`` parses them (empty boxes are left out).
    """

    def __init__(self, gpu_control: widgets.Dropdown, text_control: widgets.Text):
        self.gpu_control, self.text_control = gpu_control, text_control
        self.typed: dict[str, str] = {}
        self._showing = False
        gpu_control.observe(self._show, names="value")  # registered before the view's own observers
        text_control.observe(self._store, names="value")

    def _show(self, change) -> None:
        self._showing = True
        try:
            self.text_control.value = self.typed.get(change["new"], "")
        finally:
            self._showing = False

    def _store(self, change) -> None:
        if not self._showing:
            self.typed[self.gpu_control.value] = change["new"]

    def values(self, what: str = "your price") -> dict[str, float]:
        """GPU name -> typed price (parsed); ValueError naming the GPU whose box holds something else."""
        parsed = {name: parse_price(text, f"{what} for {name}") for name, text in self.typed.items()}
        return {name: value for name, value in parsed.items() if value is not None}


def _price_cell(price: prices.Price) -> str:
    """A short price for a table cell: "2.99 (Lambda, 2026-05-18)", "4.00 (your price)" or "—"."""
    if price.usd is None:
        return DASH
    obs = price.observation
    if price.origin == "typed" or obs is None:
        return f"{price.usd:,.2f} (your price)"
    where = obs.provider if isinstance(obs, prices.RentObservation) else obs.item
    return f"{price.usd:,.2f} ({where}, {obs.as_of.isoformat()})"


def rent_table_html(gpus=None) -> str:
    """Every rental observation of the snapshot (cheapest first per GPU), then the GPUs it has none for.

    Columns: GPU, provider, offer (on-demand or AWS capacity block), USD per GPU-hour, as of, the page.
    """
    rows: list[list[Any]] = []
    for device in planner.devices(gpus):
        observations = prices.rent_observations(device)
        for obs in observations:
            link = f'<a href="{html.escape(obs.url)}" target="_blank">page</a>'
            rows.append([device.name, obs.provider, obs.offer, f"{obs.usd_per_gpu_hour:,.2f}", obs.as_of.isoformat(),
                         raw(link + (f" ({html.escape(obs.note)})" if obs.note else ""))])
    missing = [d.name for d in planner.devices(gpus) if not prices.rent_observations(d)]
    table = html_table(rows, ["GPU", "provider", "offer", "USD per GPU-hour", "as of", "source"], align="left",
                       scroll=True)
    return table + (_paragraph(f"No rental price in the snapshot for: {html.escape(', '.join(missing))}.") if missing
                    else "")


def purchase_table_html() -> str:
    """Every purchase observation: item, GPUs in it, USD, USD per GPU, as of, the page."""
    rows = [[p.item, p.gpus, f"{p.usd:,.0f}", f"{p.usd_per_gpu:,.0f}", p.as_of.isoformat(),
             raw(f'<a href="{html.escape(p.url)}" target="_blank">page</a>')]
            for p in prices.purchase_observations()]
    return html_table(rows, ["item", "GPUs", "USD", "USD per GPU", "as of", "source"], align="left", scroll=True)


# --------------------------------------------------------------------------- the planner


def _time_text(p: planner.Plan) -> str:
    if p.time_s is None:
        return DASH
    return units.format_duration(p.time_s) + (f" per response (batch {p.batch})" if p.task == "serve" else "")


def _energy_text(kwh: float | None) -> str:
    return "no published TDP" if kwh is None else units.format_si(kwh * 1e3, "Wh")


def plans_table_html(ranking: planner.Ranking, price_table: dict | None = None) -> str:
    """HTML table of a :class:`course_lib.planner.Ranking`: ranked plans, then those left out, then those that do not fit.

    ``price_table``: GPU name -> :class:`course_lib.prices.Price` for the price column (where it came from).
    Caveats are written out in the last column (not hidden in a tooltip).
    """
    plans = ranking.plans
    serving = bool(plans) and plans[0].task == "serve"
    header = ["#", "GPU", "GPUs", "in", *(["per copy × batch"] if serving else []), "memory / GPU", "time",
              "GPU-hours", "energy", "USD per GPU-hour", "cost", "within budget", "links", "note"]
    rows: list[list[Any]] = []
    left_out = set(id(p) for p in ranking.left_out)
    for rank, p in enumerate(plans, start=1):
        if not p.fits:
            rows.append([DASH, p.gpu, raw(f"<i>does not fit: {html.escape(p.note)}</i>", len(header) - 2)])
            continue
        price = (price_table or {}).get(p.gpu)
        rows.append([DASH if id(p) in left_out else rank, p.gpu, f"{p.n_gpus:,}", _system_text(p),
                     *([f"{p.group} × {p.batch}"] if serving else []),
                     units.format_si(_validate.present("memory_per_gpu_bytes", p.memory_per_gpu_bytes), "B"),
                     _time_text(p), number(p.gpu_hours, "{:,.0f}"),
                     _energy_text(p.kwh), DASH if price is None else _price_cell(price), money(p.usd),
                     {True: "yes", False: "no", None: DASH}[p.within_budget], p.link, p.note])
    return html_table(rows, header, align="left", scroll=True, wrap=("links", "note"))


def _system_text(p: planner.Plan) -> str:
    """Where the GPUs come from: "10 × DGX H100", "part of one DGX H100", "11 hosts of 8 in one TPU v6e pod"
    (:func:`course_lib.topology.placement`), "single cards"."""
    if p.system is None:
        return "single cards"
    return topology.placement(_validate.present("n_gpus", p.n_gpus), p.system)


def _ranked_value(p: planner.Plan, rank_by: str, serving: bool) -> float:
    if rank_by == "cost":
        return _validate.present("usd", p.usd)
    if rank_by == "energy":
        return _validate.present("kwh", p.kwh) / 1e3
    time_s = _validate.present("time_s", p.time_s)
    return time_s if serving else time_s / units.SECONDS_PER_DAY


def plot_ranking(ax, ranking: planner.Ranking, budget_usd: float | None = None, top: int = 8):
    """Horizontal bars of the ``top`` best plans of a ranking: days (or seconds per response), MWh or USD.

    Cost bars are green within the budget (dashed line), orange above it. Linear axis (the table has
    every number). Return ``ax``.
    """
    shown = ranking.ranked[:top]
    serving = bool(shown) and shown[0].task == "serve"
    label = {"cost": "USD for the whole job", "energy": "MWh (every GPU at its TDP)",
             "time": "seconds per response" if serving else "wall-clock days"}[ranking.rank_by]
    colors = ["tab:blue" if ranking.rank_by != "cost" or p.within_budget is None
              else ("tab:green" if p.within_budget else "tab:orange") for p in shown]
    rows = np.arange(len(shown))  # numeric positions: a categorical axis costs ~30 ms more per redraw
    ax.barh(rows, [_ranked_value(p, ranking.rank_by, serving) for p in shown], color=colors)
    ax.set_yticks(rows, [f"{p.n_gpus:,} × {p.gpu}" for p in shown], fontsize=9)
    ax.invert_yaxis()
    if ranking.rank_by == "cost" and budget_usd is not None and shown:
        ax.axvline(budget_usd, color="black", linestyle="--", linewidth=1)
        label += "; dashed: the budget"
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}" if ranking.rank_by == "cost"
                                               else f"{value:g}"))
    ax.set_xlabel(label)
    ax.grid(True, axis="x", alpha=0.3)
    if not shown:
        ax.text(0.5, 0.5, "nothing to rank", transform=ax.transAxes, ha="center")
    return ax


def _headline(ranking: planner.Ranking, job: planner.Job, price_table: dict) -> str:
    fitting = len(ranking.ranked) + len(ranking.left_out)
    total = len(ranking.plans)
    if not fitting:
        return "No GPU in the catalog can do this job (the reasons are in the table)."
    if not ranking.ranked:
        return (f"{fitting} of {total} GPUs fit, but none has a price: type one under 'your price for'."
                if ranking.rank_by == "cost" else f"{fitting} of {total} fit, none with a published TDP.")
    best = ranking.ranked[0]
    nodes = best.nodes or 1
    who = f"{best.n_gpus:,} × {best.gpu}" + (f" ({nodes:,} nodes)" if best.task != "serve" and nodes > 1 else "")
    if ranking.rank_by == "cost":
        origin = "your price" if price_table[best.gpu].origin == "typed" else "snapshot price"
        within = sum(bool(p.within_budget) for p in ranking.ranked)
        budget = "" if job.budget_usd is None else f", {within} within {money(job.budget_usd)}"
        return (f"Cheapest of {len(ranking.ranked)} with a price: {who}, {money(best.usd)} ({origin}); "
                f"{len(ranking.left_out)} left out (no price){budget}.")
    if ranking.rank_by == "energy":
        return (f"Least energy: {who}, {_energy_text(best.kwh)}; {fitting} of {total} fit, "
                f"{len(ranking.left_out)} left out (no TDP).")
    if job.task == "serve":
        return (f"Fastest responses: {who} ({best.group} per copy), {units.format_duration(_validate.present('time_s', best.time_s))} per "
                f"{job.tokens_per_request:,}-token response; {fitting} of {total} fit.")
    return (f"Fastest: {who}, {units.format_duration(_validate.present('seconds', best.seconds))}, "
            f"{_validate.present('gpu_hours', best.gpu_hours):,.0f} GPU-hours; "
            f"{fitting} of {total} fit.")


def _show_controls(controls: dict, task: str) -> None:
    """Show only the controls that apply to ``task`` (training or serving ones)."""
    serving = task == "serve"
    for name in TRAINING_CONTROLS:
        controls[name].layout.display = "none" if serving else ""
    for name in SERVING_CONTROLS:
        controls[name].layout.display = "" if serving else "none"


def planner_view(task: str = "pretrain", model: str = "Llama-2 7B", precision: str = "bf16", n_tokens: float = 2e12,
                 deadline_days: float = 30.0, mfu: float = planner.DEFAULT_MFU, requests_per_s: float = 10.0,
                 tokens_per_request: int = 500, serve_days: float = 30.0,
                 decode_efficiency: float = planner.DEFAULT_DECODE_EFFICIENCY, seq_len: int = 2048,
                 budget_usd: float = 500_000.0, rank_by: str = "time", gpus=None) -> CalculatorView:
    """Which catalog GPUs can run a job, how many, how long, how much energy and money: :func:`planner.rank_hardware`.

    Only the controls of the chosen task are shown. Prices are the snapshot's (:mod:`course_lib.prices`,
    dated) unless the learner types one under "your price for" (per GPU); a cost ranking leaves GPUs
    without a price out and names them. ``gpus``: names to compare (default every GPU and TPU).
    """
    task = _validate.choice("task", task, planner.TASKS)
    devices = planner.devices(gpus)
    names = [d.name for d in devices]
    controls = {
        "task": dropdown("task", task, TASK_OPTIONS, "task"),
        "model": dropdown("model", models.get_model(model).name, models.model_names(), "model"),
        "precision": dropdown("precision", precision, planner.PRECISIONS, "precision"),
        "n_tokens": log_slider("n_tokens", n_tokens, 1e6, 1e14, "training tokens"),
        "deadline_days": number_box("deadline_days", deadline_days, "deadline (days)", minimum=0, open_minimum=True,
                                    maximum=36_500),
        "mfu": percent_slider("mfu", mfu, "MFU", 0.05, 0.8),
        "requests_per_s": log_slider("requests_per_s", requests_per_s, 0.01, 10_000, "requests per second"),
        "tokens_per_request": number_box("tokens_per_request", tokens_per_request, "tokens per response",
                                         integer=True, minimum=1, maximum=1_000_000),
        "serve_days": number_box("serve_days", serve_days, "serving period (days)", minimum=0, open_minimum=True,
                                 maximum=36_500),
        "decode_efficiency": percent_slider("decode_efficiency", decode_efficiency, "decode efficiency", 0.05, 1.0),
        "seq_len": dropdown("seq_len", seq_len, [512, 1024, 2048, 4096, 8192, 16384, 32768], "sequence length (tokens)"),
        "budget_usd": number_box("budget_usd", budget_usd, "budget (USD)", maximum=1e12),
        "price_gpu": dropdown("price_gpu", "H100 SXM" if "H100 SXM" in names else names[0], names, "your price for"),
        "price_typed": price_box("USD per GPU-hour"),
        "rank_by": toggles("rank_by", rank_by, RANK_OPTIONS, "rank by"),
    }
    typed = TypedPrices(controls["price_gpu"], controls["price_typed"])
    _show_controls(controls, task)
    controls["task"].observe(lambda change: _show_controls(controls, change["new"]), names="value")

    def compute_view(task, model, precision, n_tokens, deadline_days, mfu, requests_per_s, tokens_per_request,
                     serve_days, decode_efficiency, seq_len, budget_usd, price_gpu, price_typed, rank_by):
        # Only the shown controls count: a value left in a hidden box must not block the other task.
        shown = ({"requests_per_s": requests_per_s, "tokens_per_request": tokens_per_request, "serve_days": serve_days,
                  "decode_efficiency": decode_efficiency} if task == "serve" else
                 {"n_tokens": n_tokens, "deadline_days": deadline_days, "mfu": mfu})
        job = planner.Job(task, model, precision, seq_len=seq_len, budget_usd=budget_usd, **shown)
        price_table = prices.rent_prices(devices, typed.values())
        ranking = planner.rank_hardware(job, prices.priced(price_table), rank_by=rank_by, gpus=gpus)
        chosen = price_table[price_gpu]
        notes = [f"Price of {price_gpu}: {html.escape(chosen.label())}."]
        if ranking.left_out:
            notes.append(f"Left out of this ranking ({ranking.left_out_reason()}): "
                         f"{html.escape(', '.join(p.gpu for p in ranking.left_out))}.")
        notes.append("Assumptions: " + html.escape("; ".join(planner.assumptions(job))) + ".")
        notes.append(f"Prices: {html.escape(prices.snapshot_note())}")
        details = "".join(_paragraph(note) for note in notes) + plans_table_html(ranking, price_table)
        plotted = (rank_by, job.budget_usd, *((p.gpu, p.n_gpus, _ranked_value(p, rank_by, task == "serve"),
                                              p.within_budget) for p in ranking.ranked[:8]))
        return ViewUpdate(_headline(ranking, job, price_table), details,
                          lambda fig: plot_ranking(fig.add_subplot(), ranking, job.budget_usd), key=plotted)

    return CalculatorView(controls, compute_view, figsize=(6.4, 4.2))


# --------------------------------------------------------------------------- rent vs buy


def plot_rent_vs_buy(ax, purchase_usd: float, power_w: float, rent_usd_per_hour: float, usd_per_kwh: float,
                     hours_per_day: float = 24.0, months: float | None = None, pue: float = 1.0):
    """Cumulative USD of renting vs owning over ``months`` of use (default: twice the break-even, at most 60).

    Owning = purchase + electricity per hour x hours; renting = rent x hours
    (:func:`course_lib.planner.break_even`). The break-even point is marked. Return ``ax``.
    """
    result = planner.break_even(purchase_usd, power_w, rent_usd_per_hour, usd_per_kwh, pue=pue,
                                hours_per_day=hours_per_day)
    if months is None:
        months = min(60.0, 2 * result["months"]) if math.isfinite(result["months"]) else 60.0
    x = [0.0, _validate.positive("months", max(months, 1.0))]  # both costs are straight lines
    costs = planner.cumulative_usd(purchase_usd, power_w, rent_usd_per_hour, usd_per_kwh, x, pue=pue,
                                   hours_per_day=hours_per_day)
    ax.plot(x, costs["buy_usd"], label="buy: price + electricity")
    ax.plot(x, costs["rent_usd"], label="rent")
    if result["months"] <= x[1]:
        ax.axvline(result["months"], color="gray", linestyle=":")
        ax.text(result["months"], 0.02, f" break-even {result['months']:.1f} months",
                transform=ax.get_xaxis_transform(), fontsize=8)
    ax.set_xlabel(f"months of use at {hours_per_day:g} h/day")
    ax.set_ylabel("cumulative USD")
    ax.legend(fontsize=8, loc="upper left")
    return ax


ELECTRICITY_TYPED = "type a price"


def _blank(fig, message: str) -> None:
    """An empty plot that says what is missing (instead of keeping the last plot on screen)."""
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=12, color="gray", transform=ax.transAxes)


def _electricity_options() -> list:
    return [(f"{e.region}, {e.sector} ({e.year}): USD {e.usd_per_kwh:.4f}/kWh", f"{e.region}|{e.sector}")
            for e in prices.electricity_observations()] + [(ELECTRICITY_TYPED, ELECTRICITY_TYPED)]


def rent_vs_buy_view(gpu: str = "A100 SXM 40GB", electricity: str = "Texas|commercial",
                     hours_per_day: int = 24) -> CalculatorView:
    """Break-even of buying vs renting one GPU (:func:`course_lib.planner.break_even` at the GPU's TDP).

    Purchase and rent come from the dated snapshot (:func:`course_lib.prices.purchase_price`,
    :func:`course_lib.prices.rent_price`) unless the learner types them for this GPU; a GPU without
    one asks for it. Electricity: an EIA state average (sector) or a typed price per kWh.
    """
    names = [g.name for g in planner.devices() if g.tdp_w is not None]
    controls = {
        "gpu": dropdown("gpu", hardware.get_gpu(gpu).name, names, "GPU (its TDP is the power draw)", width=MENU_WIDTH),
        "purchase_typed": price_box("your purchase price (USD per GPU)"),
        "rent_typed": price_box("your rent (USD per GPU-hour)"),
        "electricity": dropdown("electricity", electricity, _electricity_options(), "electricity", width=MENU_WIDTH),
        "kwh_typed": price_box("your electricity (USD per kWh)", placeholder="USD per kWh"),
        "hours_per_day": int_slider("hours_per_day", hours_per_day, 1, 24, "hours of use per day"),
    }
    purchases = TypedPrices(controls["gpu"], controls["purchase_typed"])
    rents = TypedPrices(controls["gpu"], controls["rent_typed"])

    def show_kwh(change=None):
        controls["kwh_typed"].layout.display = "" if controls["electricity"].value == ELECTRICITY_TYPED else "none"

    show_kwh()
    controls["electricity"].observe(show_kwh, names="value")

    def compute_view(gpu, purchase_typed, rent_typed, electricity, kwh_typed, hours_per_day):
        card = hardware.get_gpu(gpu)
        buy = prices.purchase_price(card, purchases.values("your purchase price").get(card.name))
        rent = prices.rent_price(card, rents.values("your rent").get(card.name))
        if electricity == ELECTRICITY_TYPED:
            usd_per_kwh = parse_price(kwh_typed, "your electricity price")
            power_source = "your price"
            if usd_per_kwh is None:
                return ViewUpdate("Type an electricity price in USD per kWh.", "",
                                  lambda fig: _blank(fig, "enter a price"), key=("missing", "kwh"))
        else:
            region, sector = electricity.split("|")
            grid = prices.electricity(region, sector)
            usd_per_kwh, power_source = grid.usd_per_kwh, f"EIA {grid.year} average, {grid.sector}, {grid.region}"
        missing = [what for what, price in (("purchase price", buy), ("rent", rent)) if price.usd is None]
        rows = [("purchase price per GPU", buy.label("")), ("rent", rent.label()),
                ("electricity", f"USD {usd_per_kwh:.4f} per kWh ({power_source})"),
                ("power draw (TDP)", f"{card.tdp_w:g} W")]
        if missing:
            message = f"{card.name}: no {' and no '.join(missing)} in the snapshot: enter {'them' if len(missing) > 1 else 'one'} above."
            return ViewUpdate(message, html_table(rows, ["quantity", "value"], align="left", scroll=True),
                              lambda fig: _blank(fig, "enter a price"), key=("missing", card.name))
        buy_usd, rent_usd = _validate.present("purchase price", buy.usd), _validate.present("rent", rent.usd)
        tdp_w = _validate.present("tdp_w", card.tdp_w)  # the dropdown lists GPUs with a TDP
        result = planner.break_even(buy_usd, tdp_w, rent_usd, usd_per_kwh, hours_per_day=hours_per_day)
        if math.isfinite(result["hours"]):
            headline = (f"Buying {card.name} ({money(buy.usd)}) beats renting ({money(rent.usd, 2)}/h) after "
                        f"{result['hours']:,.0f} hours of use = {result['months']:.1f} months at {hours_per_day:g} h/day")
        else:
            headline = (f"Never: the electricity alone ({money(result['electricity_usd_per_hour'], 3)}/h) costs at "
                        f"least the rent ({money(rent.usd, 2)}/h)")
        dates = [p.observation.as_of.year for p in (buy, rent) if p.origin == "snapshot" and p.observation is not None]
        rows += [("electricity per hour of use", money(result["electricity_usd_per_hour"], 4)),
                 ("rent saved per hour, net of electricity", money(result["net_usd_per_hour"], 4)),
                 ("break-even", f"{result['hours']:,.0f} h = {result['days']:,.1f} days = {result['months']:.2f} months"
                  if math.isfinite(result["hours"]) else "never")]
        caveat = (_paragraph("The snapshot prices are from different years " + ", ".join(map(str, sorted(set(dates))))
                             + ": the comparison shows the method, not today's market.") if len(set(dates)) > 1 else "")
        details = (html_table(rows, ["quantity", "value"], align="left", scroll=True) + caveat +
                   _paragraph("Not counted: the host computer, resale value, interest, maintenance, your time."))
        plotted = (buy_usd, tdp_w, rent_usd, usd_per_kwh, hours_per_day)
        return ViewUpdate(headline, details, lambda fig: plot_rent_vs_buy(fig.add_subplot(), *plotted), key=plotted)

    return CalculatorView(controls, compute_view)
