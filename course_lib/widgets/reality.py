"""Views of notebook 11 (reality check): a browser of the comparisons and an MFU explorer.

Both read :mod:`course_lib.reality` (the published numbers, their sources and the course's
predictions); the plot helpers are used by the views and by the notebook's static figures.
"""

from __future__ import annotations

import html

import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.ticker import MaxNLocator

from course_lib import reality
from course_lib.widgets._controls import dropdown, percent_slider
from course_lib.widgets._view import CalculatorView, ViewUpdate, html_table, number, row_labels


def comparison_table_html(comparisons=None) -> str:
    """HTML table of ``comparisons`` (default: all): published, predicted, % difference, tolerance, source."""
    comparisons = reality.COMPARISONS if comparisons is None else comparisons
    rows = [(i, c.title, number(c.published), number(c.predicted()), f"{c.percent_difference():+.2f} %",
             f"± {100 * c.tolerance:.2g} %", c.unit, c.source) for i, c in enumerate(comparisons, 1)]
    return html_table(rows, header=("#", "what", "published", "course_lib", "difference", "tolerance", "unit",
                                    "source"), align="left")


def plot_ratios(ax, comparisons=None, highlight: str | None = None):
    """predicted / published for every row on one linear, unit-free axis centred on 1; return ``ax``.

    Each row's tolerance is a gray band around 1 and its ratio a dot; rows are numbered as in
    :func:`comparison_table_html`; ``highlight`` (a row key) is drawn in red with a bold label. The axis
    always spans every band and every dot, so a 0.09 % gap looks as small as it is.
    """
    comparisons = reality.COMPARISONS if comparisons is None else list(comparisons)
    if not comparisons:
        raise ValueError("comparisons: give at least one row")
    rows = np.arange(len(comparisons))
    tolerance = np.array([c.tolerance for c in comparisons])
    ratios = np.array([c.predicted() / c.published for c in comparisons])
    # the bands as one collection: one artist to draw instead of a rectangle per row
    ax.add_collection(PolyCollection([[(1 - t, y - 0.35), (1 + t, y - 0.35), (1 + t, y + 0.35), (1 - t, y + 0.35)]
                                      for t, y in zip(tolerance, rows, strict=True)], facecolors="lightgray"))
    chosen = np.array([c.key == highlight for c in comparisons])
    ax.scatter(ratios, rows, c=np.where(chosen, "tab:red", "tab:blue"), s=np.where(chosen, 40, 16), zorder=3)
    ax.axvline(1, color="black", linewidth=0.8)
    reach = max(np.max(tolerance), np.max(np.abs(ratios - 1))) * 1.15
    ax.set_xlim(1 - reach, 1 + reach)
    ax.set_ylim(len(comparisons) - 0.5, -0.5)  # first row on top
    row_labels(ax, rows, [f"{i} {c.key}" for i, c in enumerate(comparisons, 1)],
               colors=["tab:red" if is_chosen else "black" for is_chosen in chosen], bold=list(chosen))
    ax.xaxis.set_major_locator(MaxNLocator(7))
    ax.set_xlabel("course_lib / published (1 = agree; gray: tolerance)")
    ax.grid(True, axis="x", alpha=0.3)
    return ax


def comparison_view(key: str = "gpt3-compute") -> CalculatorView:
    """Pick a published result: its inputs, the course's formula, predicted vs published, and why they differ."""
    start = reality.get_comparison(key)
    controls = {
        "key": dropdown("key", start.key, [(c.title, c.key) for c in reality.COMPARISONS], "published result",
                        width="640px"),
    }

    def compute_view(key):
        row = reality.get_comparison(key)
        predicted = row.predicted()
        verdict = "within" if row.within_tolerance() else "OUTSIDE"
        headline = (f"{row.title}: course_lib {number(predicted)} vs published {number(row.published)} {row.unit} "
                    f"({row.percent_difference():+.2f} %, {verdict} the ± {100 * row.tolerance:.2g} % tolerance)")
        rows = [("source", row.source), *row.inputs, ("how course_lib predicts it", row.formula),
                ("predicted", f"{number(predicted)} {row.unit}"),
                ("published", f"{number(row.published)} {row.unit}"),
                ("difference", f"{row.percent_difference():+.3f} %"),
                ("tolerance", f"± {100 * row.tolerance:.2g} %: {row.tolerance_reason}"),
                *(row.details() if row.details else ())]
        details = html_table(rows) + f"<p><b>Why they differ:</b> {html.escape(row.explanation)}</p>"

        return ViewUpdate(headline, details, lambda fig: plot_ratios(fig.add_subplot(), highlight=row.key))

    return CalculatorView(controls, compute_view, figsize=(6.4, 4))


def plot_mfu_explorer(ax, run: reality.TrainingRun, mfu: float, legend: bool = True):
    """Predicted time of ``run`` vs MFU (blue), the published time (dashed), the MFU that matches it (dotted)
    and ``mfu`` (red dot); return ``ax``. The widget leaves out the legend (text is what costs time)."""
    grid = np.linspace(0.15, 1.0, 18)
    ax.plot(grid * 100, [run.predicted(m) for m in grid], color="tab:blue", label="6ND / (GPUs x peak x MFU)")
    ax.axhline(run.published, color="black", linestyle="--", linewidth=1, label=f"published: {number(run.published)}")
    implied = run.implied_mfu()
    ax.axvline(implied * 100, color="gray", linestyle=":", linewidth=1, label=f"agree at MFU {implied:.1%}")
    ax.plot([mfu * 100], [run.predicted(mfu)], "o", color="tab:red", label=f"MFU {mfu:.0%}")
    ax.set_ylim(0, run.predicted(0.15) * 1.05)
    ax.xaxis.set_major_locator(MaxNLocator(6))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.set_xlabel("MFU (% of dense bf16 peak)")
    ax.set_ylabel(run.unit)
    if legend:
        ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)
    return ax


def mfu_view(run: str = "LLaMA-65B (2048 A100)", mfu: float = 0.4) -> CalculatorView:
    """Pick a published training run and an MFU: predicted days (or GPU-hours) vs the published ones."""
    controls = {
        "run": dropdown("run", reality.get_run(run).name, [r.name for r in reality.TRAINING_RUNS], "training run",
                        width="480px"),
        "mfu": percent_slider("mfu", mfu, "MFU (share of dense peak)", 0.15, 1.0),  # the plotted range
    }

    def compute_view(run, mfu):
        chosen = reality.get_run(run)
        predicted = chosen.predicted(mfu)
        implied = chosen.implied_mfu()
        headline = (f"{chosen.name} at {mfu:.0%} MFU: {number(predicted)} {chosen.unit} predicted vs "
                    f"{number(chosen.published)} published ({100 * chosen.difference(mfu):+.0f} %); "
                    f"they agree at {implied:.1%} MFU")
        details = html_table([
            ("parameters\u00a0N", f"{chosen.n_params:,.0f}"),  # no-break space: the label stays on one line
            ("tokens\u00a0D", f"{chosen.n_tokens:.3g}"),
            ("hardware", f"{chosen.n_gpus:,} x {chosen.gpu}" if chosen.unit == "days" else f"{chosen.gpu}"),
            ("source", chosen.source),
            ("note", chosen.note),
        ], align="left")
        details += ("<p>Plot: blue = predicted, dashed = published, dotted = the MFU where they agree, "
                    "red = your MFU.</p>")
        return ViewUpdate(headline, details,
                          lambda fig: plot_mfu_explorer(fig.add_subplot(), chosen, mfu, legend=False))

    return CalculatorView(controls, compute_view)
