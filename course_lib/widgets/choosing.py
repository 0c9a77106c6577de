"""Widgets and figures of notebook 09 (choosing hardware): the catalog, the planner, rent vs buy.

The views are thin: they read their controls, call :mod:`course_lib.planner` (which calls the
memory and compute calculators) and format the result. Every price is the learner's: the catalog
sources no rental prices and only GeForce launch MSRPs.
"""

from __future__ import annotations

import html
import math
import re

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FuncFormatter, MaxNLocator

from course_lib import _validate, compute, hardware, memory, models, planner, units
from course_lib.widgets._view import CalculatorView, ViewUpdate, plain_log_axis

_STYLE = {"description_width": "initial"}
_DASH = "—"
_URL = re.compile(r"https?://[^\s,;]+")
TASK_OPTIONS = (("pre-train", "pretrain"), ("full fine-tune", "finetune"), ("LoRA-style fine-tune (frozen weights)",
                                                                           "lora"), ("serve", "serve"))
EVERY_GPU = "every GPU"
DAYS_LABEL = {True: "deadline (days)", False: "serving period (days)"}


def _wide() -> widgets.Layout:
    """Layout for sliders: room for the track next to the description."""
    return widgets.Layout(width="480px")


def _html_table(header, rows) -> str:
    """An HTML table; cells are escaped text, or ``("html", markup)``, or ``("html", markup, columns)`` spanning."""
    def cell(value, tag):
        markup = value[1] if isinstance(value, tuple) else html.escape(str(value))
        span = f" colspan='{value[2]}'" if isinstance(value, tuple) and len(value) > 2 else ""
        return f"<{tag}{span} style='padding:1px 6px;text-align:left'>{markup}</{tag}>"

    head = "".join(cell(h, "th") for h in header)
    body = "".join("<tr>" + "".join(cell(v, "td") for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _number(value, fmt: str = "{:,.0f}") -> str:
    return _DASH if value is None else fmt.format(value)


class _Unchanged:
    """Remembers what a view's figure shows: a change that leaves the plot as it is (e.g. choosing which GPU
    your price applies to, or a control set back by another control's observer) skips the redraw."""

    def __init__(self):
        self.key = None

    def draw(self, key, draw):
        """``draw`` if ``key`` (what the plot shows) differs from the last one drawn, else None (keep the image)."""
        if key == self.key:
            return None
        self.key = key
        return draw


def _devices(gpus=None) -> list:
    """Catalog rows to show: ``gpus`` (names) or every GPU and TPU (no CPUs)."""
    if gpus is None:
        return hardware.list_gpus("gpu") + hardware.list_gpus("tpu")
    return [hardware.get_gpu(g) for g in gpus]


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
             *[_number(g.peak_tflops(p), "{:,g}") for p in precisions], _number(g.tdp_w, "{:g}"),
             _number(g.interconnect_gbs, "{:,g}"), ("html", source_link(g))] for g in _devices(gpus)]
    return _html_table(header, rows)


def _log_axes(ax) -> None:
    """Log-log axes with ticks at 1, 2, 5 x 10^k written as plain numbers."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    for axis in (ax.xaxis, ax.yaxis):
        plain_log_axis(axis, subs=(1, 2, 5), fmt="{:,.0f}")


def _label_points(ax, xs, ys, names):
    for x, y, name in zip(xs, ys, names, strict=True):
        ax.annotate(name, (x, y), textcoords="offset points", xytext=(4, 3), fontsize=7)


def plot_tflops_vs_memory(ax, precision: str = "bf16", gpus=None):
    """Dense ``precision`` TFLOPS vs memory (GB), bubble area proportional to TDP; return ``ax``.

    Rows without that rate are left out; rows without a TDP (TPU v5e) are hollow squares.
    """
    rows = [g for g in _devices(gpus) if g.peak_tflops(precision)]
    powered = [g for g in rows if g.tdp_w is not None]
    unpowered = [g for g in rows if g.tdp_w is None]
    ax.scatter([g.memory_gb for g in powered], [g.peak_tflops(precision) for g in powered],
               s=[g.tdp_w / 2 for g in powered], alpha=0.5, color="tab:blue", label="bubble area ∝ TDP (W)")
    if unpowered:
        ax.scatter([g.memory_gb for g in unpowered], [g.peak_tflops(precision) for g in unpowered], s=60,
                   marker="s", facecolors="none", edgecolors="tab:red", label="no published TDP")
    _label_points(ax, [g.memory_gb for g in rows], [g.peak_tflops(precision) for g in rows], [g.name for g in rows])
    _log_axes(ax)
    ax.set_xlabel("memory (GB)")
    ax.set_ylabel(f"dense {precision} TFLOPS")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return ax


def plot_tflops_per_watt(ax, precision: str = "bf16", gpus=None):
    """Horizontal bars: dense ``precision`` TFLOPS per watt of TDP (:func:`course_lib.compute.flops_per_watt`).

    Rows without the rate or without a TDP are left out (named in the title). Return ``ax``.
    """
    devices = _devices(gpus)
    rows = sorted(((g.name, compute.flops_per_watt(g, precision) / units.TFLOPS) for g in devices
                   if g.peak_tflops(precision) and g.tdp_w is not None), key=lambda row: row[1])
    missing = [g.name for g in devices if not (g.peak_tflops(precision) and g.tdp_w is not None)]
    ax.barh([name for name, _ in rows], [value for _, value in rows], color="tab:green")
    ax.set_xlabel(f"dense {precision} TFLOPS per watt of TDP")
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(True, axis="x", alpha=0.3)
    if missing:
        ax.set_title("not shown (no rate or no TDP): " + ", ".join(missing), fontsize=7)
    return ax


def plot_bandwidth_vs_memory(ax, gpus=None):
    """Memory bandwidth (GB/s) vs memory capacity (GB), one labelled point per row; return ``ax``."""
    rows = _devices(gpus)
    xs, ys = [g.memory_gb for g in rows], [g.memory_bandwidth_gbs for g in rows]
    ax.scatter(xs, ys, color="tab:purple")
    _label_points(ax, xs, ys, [g.name for g in rows])
    _log_axes(ax)
    ax.set_xlabel("memory (GB)")
    ax.set_ylabel("memory bandwidth (GB/s)")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def plot_decode_vs_specs(axes, model: str = "Llama-2 7B", dtype: str = "fp16", precision: str = "bf16", gpus=None):
    """Batch-1 decode bound (tokens/s, :func:`course_lib.compute.decode_tokens_per_second`) vs TFLOPS and bandwidth.

    ``axes``: two matplotlib Axes (left: against ``precision`` TFLOPS, right: against GB/s). Only rows
    that hold the model's weights in ``dtype`` (:func:`course_lib.memory.fits`, one 2,048-token
    sequence) and have the rate are drawn. Returns ``axes``.
    """
    rows = [g for g in _devices(gpus) if g.peak_tflops(precision) and memory.fits(model, g, dtype=dtype)]
    speed = [compute.decode_tokens_per_second(model, g, dtype) for g in rows]
    for ax, xs, label in ((axes[0], [g.peak_tflops(precision) for g in rows], f"dense {precision} TFLOPS"),
                          (axes[1], [g.memory_bandwidth_gbs for g in rows], "memory bandwidth (GB/s)")):
        ax.scatter(xs, speed, color="tab:blue")
        _label_points(ax, xs, speed, [g.name for g in rows])
        ax.set_xlabel(label)
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel(f"{models.get_model(model).name} {dtype} decode bound, batch 1 (tokens/s)")
    return axes


# --------------------------------------------------------------------------- the planner


def _time_text(p: planner.Plan) -> str:
    if p.time_s is None:
        return _DASH
    return units.format_duration(p.time_s) + (" per response (batch 1)" if p.task == "serve" else "")


def plans_table_html(plans) -> str:
    """HTML table of :func:`course_lib.planner.rank_hardware` rows, best first; rows that do not fit last."""
    serving = bool(plans) and plans[0].task == "serve"
    header = ["#", "GPU", "GPUs", "memory minimum", *(["GPUs per copy × batch"] if serving else []), "memory / GPU",
              "time", "GPU-hours", "$ (your price)", "kWh", "within budget"]
    rows = []
    for rank, p in enumerate(plans, start=1):
        if not p.fits:
            rows.append([_DASH, p.gpu, ("html", f"<i>does not fit: {html.escape(p.note)}</i>", len(header) - 2)])
            continue
        name = ("html", f'{html.escape(p.gpu)} <span title="{html.escape(p.note)}">⚠</span>') if p.note else p.gpu
        rows.append([rank, name, f"{p.n_gpus:,}", f"{p.min_gpus:,}",
                     *([f"{p.group} × {p.batch} sequences"] if serving else []),
                     units.format_si(p.memory_per_gpu_bytes, "B"), _time_text(p), _number(p.gpu_hours),
                     _number(p.usd, "${:,.0f}"), _number(p.kwh),
                     {True: "yes", False: "no", None: _DASH}[p.within_budget]])
    return _html_table(header, rows)


def plot_plans(ax, plans, rank_by: str = "cost", budget_usd=None, top: int = 8):
    """Horizontal bars of the ``top`` best plans: cost in $ (budget as a dashed line) or time; return ``ax``.

    Bars are green within the budget, orange above it, grey without a price. Time is days for
    training and seconds per response for serving. Linear axis (the table has every number).
    """
    rank_by = _validate.choice("rank_by", rank_by, planner.RANK_BY)
    shown = [p for p in plans if p.fits][:top]
    if rank_by == "cost":
        shown = [p for p in shown if p.usd is not None]
    serving = bool(shown) and shown[0].task == "serve"
    if rank_by == "cost":
        values, label = [p.usd for p in shown], "$ for the whole job (your price per GPU-hour)"
    elif serving:
        values, label = [p.time_s for p in shown], "seconds per response for a lone user"
    else:
        values, label = [p.time_s / units.SECONDS_PER_DAY for p in shown], "wall-clock days"
    colors = ["tab:gray" if p.within_budget is None else ("tab:green" if p.within_budget else "tab:orange")
              for p in shown]
    rows = np.arange(len(shown))  # numeric positions: a categorical axis costs ~30 ms more per redraw
    ax.barh(rows, values, color=colors)
    ax.set_yticks(rows, [f"{p.n_gpus:,} × {p.gpu}" for p in shown], fontsize=8)
    ax.invert_yaxis()
    if rank_by == "cost" and budget_usd is not None and shown:
        ax.axvline(budget_usd, color="black", linestyle="--", linewidth=1)
        label += "; dashed: your budget"
    ax.xaxis.set_major_locator(MaxNLocator(4))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"${value:,.0f}" if rank_by == "cost"
                                               else f"{value:g}"))
    ax.set_xlabel(label)
    ax.grid(True, axis="x", alpha=0.3)
    return ax


def _usd(value, digits: int = 0) -> str:
    """Money for a Label: "USD 1,599". Labels typeset $...$ as LaTeX, so two "$" in one line would garble it."""
    return _DASH if value is None else f"USD {value:,.{digits}f}"


def _headline(plans, task: str, days: float, budget_usd: float) -> str:
    fitting = [p for p in plans if p.fits]
    if not fitting:
        return "No GPU in the catalog can hold this job (see the table)."
    best = fitting[0]
    within = sum(bool(p.within_budget) for p in fitting)
    cost = _usd(best.usd)
    if task == "serve":
        job = (f"serves {best.tokens_per_s:,.0f} tokens/s for {days:g} days: {cost}"
               f" ({_usd(best.usd_per_million_tokens, 2)} per million tokens)")
    else:
        job = f"{units.format_duration(best.seconds)}, {best.gpu_hours:,.0f} GPU-hours, {cost}"
    energy = _DASH if best.kwh is None else units.format_si(best.kwh * 1e3, "Wh")
    return (f"Best: {best.n_gpus:,} × {best.gpu} — {job}, {energy}. {len(fitting)} of {len(plans)} fit; "
            f"{within} within your budget of {_usd(budget_usd)}.")


def planner_view(task: str = "pretrain", model: str = "Llama-2 7B", precision: str = "bf16", n_tokens: float = 2e12,
                 requests_per_s: float = 10.0, tokens_per_request: int = 500, seq_len: int = 2048,
                 days: float = 30.0, budget_usd: float = 500_000.0, usd_per_gpu_hour: float = 2.0, mfu: float = 0.4,
                 rank_by: str = "cost") -> CalculatorView:
    """Which catalog GPUs can run a job, how many, how long, at what cost: :func:`course_lib.planner.rank_hardware`.

    ``days`` is the deadline for training tasks and the serving period for "serve".
    ``usd_per_gpu_hour`` is the learner's price: for every GPU, or, after choosing a GPU in
    "price applies to", for that GPU only (the others keep the "every GPU" price).
    """
    prices = {EVERY_GPU: _validate.non_negative("usd_per_gpu_hour", usd_per_gpu_hour)}
    training = _validate.choice("task", task, planner.TASKS) != "serve"
    controls = {
        "task": widgets.Dropdown(options=TASK_OPTIONS, value=_validate.choice("task", task, planner.TASKS),
                                 description="task", style=_STYLE),
        "model": widgets.Dropdown(options=models.model_names(), value=models.get_model(model).name,
                                  description="model", style=_STYLE),
        "precision": widgets.Dropdown(options=planner.PRECISIONS, value=precision, description="precision",
                                      style=_STYLE),
        "n_tokens": widgets.FloatLogSlider(value=n_tokens, base=10, min=6, max=14, step=0.05, readout_format=".3g",
                                           description="training tokens", style=_STYLE, layout=_wide()),
        "requests_per_s": widgets.FloatLogSlider(value=requests_per_s, base=10, min=-2, max=4, step=0.05,
                                                 readout_format=".3g", description="requests/s (serve)",
                                                 style=_STYLE, layout=_wide()),
        "tokens_per_request": widgets.IntText(value=tokens_per_request, description="tokens per response (serve)",
                                              style=_STYLE),
        "seq_len": widgets.Dropdown(options=[512, 1024, 2048, 4096, 8192, 16384, 32768], value=seq_len,
                                    description="sequence length (tokens)", style=_STYLE),
        "days": widgets.FloatText(value=days, description=DAYS_LABEL[training], style=_STYLE),
        "budget_usd": widgets.FloatText(value=budget_usd, description="your budget ($)", style=_STYLE),
        "price_for": widgets.Dropdown(options=[EVERY_GPU, *[g.name for g in _devices()]], value=EVERY_GPU,
                                      description="your price applies to", style=_STYLE),
        "usd_per_gpu_hour": widgets.FloatText(value=prices[EVERY_GPU], description="your price ($ per GPU-hour)",
                                              style=_STYLE),
        "mfu": widgets.FloatSlider(value=mfu, min=0.05, max=1.0, step=0.01, readout_format=".0%",
                                   description="efficiency (MFU)", style=_STYLE, layout=_wide()),
        "rank_by": widgets.ToggleButtons(options=planner.RANK_BY, value=rank_by, description="rank by", style=_STYLE),
    }

    # Price bookkeeping runs before the view's own observers (registered below, in CalculatorView).
    def show_price(change):
        controls["usd_per_gpu_hour"].value = prices.get(change["new"], prices[EVERY_GPU])

    def store_price(change):
        key = controls["price_for"].value
        if change["new"] != prices.get(key, prices[EVERY_GPU]):  # a typed price, not show_price's
            prices[key] = change["new"]

    def relabel_days(change):
        controls["days"].description = DAYS_LABEL[change["new"] != "serve"]

    figure = _Unchanged()
    controls["price_for"].observe(show_price, names="value")
    controls["usd_per_gpu_hour"].observe(store_price, names="value")
    controls["task"].observe(relabel_days, names="value")

    def compute_view(task, model, precision, n_tokens, requests_per_s, tokens_per_request, seq_len, days, budget_usd,
                     price_for, usd_per_gpu_hour, mfu, rank_by):
        serving = task == "serve"
        price_map = {g.name: prices.get(g.name, prices[EVERY_GPU]) for g in _devices()}
        plans = planner.rank_hardware(
            task, model, precision=precision, n_tokens=n_tokens, requests_per_s=requests_per_s,
            tokens_per_request=tokens_per_request, usd_per_gpu_hour=price_map, budget_usd=budget_usd, mfu=mfu,
            deadline_days=None if serving else days, serve_days=days if serving else 30.0, seq_len=seq_len,
            rank_by=rank_by)
        own = ", ".join(f"{name} ${value:g}" for name, value in prices.items() if name != EVERY_GPU)
        assumptions = (f"<p>Your prices: ${prices[EVERY_GPU]:g} per GPU-hour for every GPU"
                       f"{'; ' + html.escape(own) if own else ''}. Memory includes 10% overhead; "
                       + ("training state sharded by ZeRO-3 (LoRA: frozen weights sharded), one sequence per GPU, "
                          "full activation checkpointing; GPUs added until the deadline is met."
                          if not serving else
                          "tensor-parallel groups up to 8 GPUs, copies added to carry the traffic; every sequence "
                          "at the full sequence length; prefill not counted.")
                       + " ⚠ = a caveat (hover).</p>")
        plotted = (rank_by, budget_usd, *((p.gpu, p.n_gpus, p.usd, p.time_s, p.within_budget) for p in plans))
        return ViewUpdate(_headline(plans, task, days, budget_usd), assumptions + plans_table_html(plans),
                          figure.draw(plotted, lambda fig: plot_plans(fig.add_subplot(), plans, rank_by, budget_usd)))

    return CalculatorView(controls, compute_view, figsize=(6.4, 4.2))


# --------------------------------------------------------------------------- rent vs buy


def plot_rent_vs_buy(ax, purchase_usd: float, power_w: float, rent_usd_per_hour: float, usd_per_kwh: float,
                     hours_per_day: float = 24.0, months: float | None = None, pue: float = 1.0):
    """Cumulative $ of renting vs owning over ``months`` of use (default: twice the break-even, at most 60).

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
    ax.set_ylabel("cumulative $")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def rent_vs_buy_view(gpu: str = "RTX 4090", purchase_usd: float | None = None, rent_usd_per_hour: float = 0.5,
                     usd_per_kwh: float = 0.15, hours_per_day: float = 24.0) -> CalculatorView:
    """Break-even of buying vs renting one GPU: :func:`course_lib.planner.break_even` at the GPU's TDP.

    ``purchase_usd`` defaults to the catalog's launch MSRP (GeForce cards); choosing another card
    with an MSRP loads it. Rent and electricity prices are the learner's.
    """
    names = [g.name for g in _devices() if g.tdp_w is not None]
    card = hardware.get_gpu(gpu)
    controls = {
        "gpu": widgets.Dropdown(options=names, value=card.name, description="GPU (its TDP is the power draw)",
                                style=_STYLE),
        "purchase_usd": widgets.FloatText(value=purchase_usd if purchase_usd is not None else (card.price_usd or 0.0),
                                          description="purchase price ($; catalog MSRP where known)", style=_STYLE),
        "rent_usd_per_hour": widgets.FloatText(value=rent_usd_per_hour, description="your rent price ($ per hour)",
                                               style=_STYLE),
        "usd_per_kwh": widgets.FloatText(value=usd_per_kwh, description="your electricity price ($ per kWh)",
                                         style=_STYLE),
        "hours_per_day": widgets.FloatSlider(value=hours_per_day, min=1, max=24, step=1, readout_format=".0f",
                                             description="hours of use per day", style=_STYLE, layout=_wide()),
    }

    def load_msrp(change):
        msrp = hardware.get_gpu(change["new"]).price_usd
        if msrp:
            controls["purchase_usd"].value = msrp

    controls["gpu"].observe(load_msrp, names="value")
    figure = _Unchanged()

    def compute_view(gpu, purchase_usd, rent_usd_per_hour, usd_per_kwh, hours_per_day):
        card = hardware.get_gpu(gpu)
        result = planner.break_even(purchase_usd, card.tdp_w, rent_usd_per_hour, usd_per_kwh,
                                    hours_per_day=hours_per_day)
        if math.isfinite(result["hours"]):
            headline = (f"Buying {card.name} for {_usd(purchase_usd)} beats renting at USD {rent_usd_per_hour:g}/h "
                        f"after {result['hours']:,.0f} hours of use = {result['months']:.1f} months at "
                        f"{hours_per_day:g} h/day")
        else:
            headline = (f"Never: the electricity alone ({_usd(result['electricity_usd_per_hour'], 3)}/h) costs at "
                        f"least the rent (USD {rent_usd_per_hour:g}/h)")
        msrp = ("catalog launch MSRP" if card.price_usd == purchase_usd else "your price")
        details = _html_table(["quantity", "value"], [
            ("purchase price", f"${purchase_usd:,.0f} ({msrp})"),
            ("power draw (TDP)", f"{card.tdp_w:g} W"),
            ("electricity per hour of use", f"${result['electricity_usd_per_hour']:.4f}"),
            ("rent saved per hour, net of electricity", f"${result['net_usd_per_hour']:.4f}"),
            ("break-even", f"{result['hours']:,.0f} h = {result['days']:,.1f} days = {result['months']:.2f} months"
             if math.isfinite(result["hours"]) else "never"),
        ]) + "<p>Not counted: the host computer, resale value, interest, maintenance, your time.</p>"
        plotted = (purchase_usd, card.tdp_w, rent_usd_per_hour, usd_per_kwh, hours_per_day)
        return ViewUpdate(headline, details, figure.draw(plotted, lambda fig: plot_rent_vs_buy(
            fig.add_subplot(), *plotted)))

    return CalculatorView(controls, compute_view)
