"""Widgets of notebook 04 (memory and precision): a bit-level format explorer, a training-memory
breakdown and a "will it fit" calculator.

The views are thin: they read their controls, call :mod:`course_lib.formats` and
:mod:`course_lib.memory`, and format the result. Sizes are printed in GB (1e9 bytes, as on
datasheets) and GiB (2**30 bytes, as ``nvidia-smi`` reports).
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from course_lib import _validate, formats, hardware, memory, models, topology, units
from course_lib.widgets._controls import checkbox, dropdown, number_box, powers_of_two, toggles
from course_lib.widgets._view import PART_COLOURS, CalculatorView, ViewUpdate, html_table, plain_log_axis

FORMAT_OPTIONS = ("fp32", "tf32", "fp16", "bf16", "fp8_e4m3", "fp8_e5m2", "int8")
REFERENCE_GPU = "H100 SXM"  # capacity line on the training-memory chart
_FIELD_COLOURS = {"sign": "#f4a6a6", "exponent": "#a6c8f4", "mantissa": "#b9e4a8"}
_FORMAT_COLOURS = {"fp32": "black", "tf32": "tab:gray", "fp16": "tab:red", "bf16": "tab:blue",
                   "fp8_e4m3": "tab:green", "fp8_e5m2": "tab:olive", "int8": "tab:purple", "int4": "tab:brown"}
# Named below their line's end on the spacing plot (the others above): above lies the sawtooth of tf32
# (fp16's precision, over a longer range) and of fp8_e5m2.
_NAME_BELOW = {"fp16", "fp8_e4m3"}


def _size(n_bytes: float) -> str:
    """'80 GB (74.5 GiB)'."""
    return f"{units.format_si(n_bytes, 'B')} ({units.format_binary(n_bytes)})"


# -- number formats ------------------------------------------------------------------------------

def bits_html(decomposition: formats.Decomposition) -> str:
    """The bit pattern of a :class:`~course_lib.formats.Decomposition` as coloured boxes with a legend.

    Sign red, exponent blue, mantissa green (black digits on each); for integers the bits after the sign are
    "value bits".
    """
    info = formats.format_info(decomposition.name)
    fields = (("sign", str(decomposition.sign)), ("exponent", decomposition.exponent_bits),
              ("mantissa", decomposition.mantissa_bits))
    boxes = "".join(
        f"<span title='{field}' style='display:inline-block;width:1.3em;text-align:center;margin:1px;"
        f"font-family:monospace;color:#000000;background:{_FIELD_COLOURS[field]};border:1px solid #888'>{bit}</span>"
        for field, bits in fields for bit in bits)
    if info.is_float:
        legend = (f"sign (1 bit) | exponent ({info.exponent_bits} bits, bias {info.bias}) | "
                  f"mantissa ({info.mantissa_bits} bits)")
        if info.pattern_bits < info.bits:
            legend += f"; kept in a {info.bits}-bit register whose low {info.bits - info.pattern_bits} bits are ignored"
    else:
        legend = f"two's complement: sign bit (weight -2^{info.bits - 1}) | {info.mantissa_bits} value bits"
    # Dark digits on the pastel boxes, the legend in the theme's own text colour: readable in light and dark themes.
    return f"<div>{boxes}</div><div style='font-size:85%'>{html.escape(legend)}</div>"


def plot_format_spacing(ax, names=FORMAT_OPTIONS, highlight: str | None = None, value: float | None = None):
    """Relative gap (gap to the next number / |x|, from :func:`course_lib.formats.format_spacing`) vs |x|,
    log-log; return ``ax``.

    Each format is a sawtooth: its height is the precision (between eps/2 and eps for normal
    numbers, rising towards 1 among the subnormals), its width the range (it ends at the largest
    finite value, where its name is written). ``highlight`` is drawn thicker, with its name in bold;
    ``value`` is marked by a dotted line.
    """
    highlight = formats.format_info(highlight).name if highlight is not None else None
    largest = 0.0
    for name in names:
        info = formats.format_info(name)
        x, gap = formats.format_spacing(info.name)
        # Between two steps the gap is constant, so gap / |x| is a straight line in log-log.
        ends = np.repeat(x, 2)[1:-1]
        relative = np.repeat(gap[:-1], 2) / ends
        chosen = info.name == highlight
        colour = _FORMAT_COLOURS[info.name]
        ax.plot(ends, relative, label=info.name, color=colour, linewidth=2.6 if chosen else 1.2,
                alpha=1.0 if chosen or highlight is None else 0.6)
        # Names at the line ends instead of a legend (eight legend entries took a third of a redraw).
        below = info.name in _NAME_BELOW
        ax.annotate(info.name, (ends[-1], relative[-1]), xytext=(3, -1 if below else 1), textcoords="offset points",
                    va="top" if below else "bottom", color=colour, fontsize=8,
                    fontweight="bold" if chosen else "normal")
        largest = max(largest, ends[-1])
    marked = abs(value) if value is not None and value != 0 and np.isfinite(value) else None
    if marked is not None:
        ax.axvline(marked, color="black", linestyle=":", linewidth=1, label=f"|x| = {marked:.3g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(right=max(largest * 1e8, min(10 * (marked or 0), np.finfo(float).max)))  # room for the names
    # Few plain-text tick labels (1e-20, 1e+00, 1e+20): mathtext and many ticks are slow to draw.
    plain_log_axis(ax.xaxis, base=1e20, fmt="{:.0e}")
    plain_log_axis(ax.yaxis, base=100, fmt="{:.0e}")
    ax.set_xlabel("magnitude |x| (lines end at the largest finite value" + ("; dotted: |x|)" if marked else ")"))
    ax.set_ylabel("relative gap to the next number")
    ax.grid(True, which="major", alpha=0.3)
    return ax


def format_explorer_view(value: float = 0.1, name: str = "fp16") -> CalculatorView:
    """How ``value`` is stored in format ``name``: bits, stored value, rounding error, range and precision."""
    controls = {
        "name": dropdown("name", formats.format_info(name).name, FORMAT_OPTIONS, "format"),
        "value": number_box("value", value, "value x", minimum=-1e300, maximum=1e300),
    }

    def compute_view(name, value):
        d = formats.decompose(value, name)
        info = formats.format_info(name)
        if d.overflow and info.is_float:
            verdict = f"overflow: beyond the largest finite {info.name} value {info.max:.6g}"
        elif d.overflow:
            verdict = f"saturated to the {info.name} range [{info.min:g}, {info.max:g}]"
        elif d.category == "zero" and value != 0:
            verdict = f"underflow: at most half the smallest positive {info.name} value {info.min_subnormal:.3g}"
        else:
            verdict = f"{d.category}, relative error {d.rel_error:.2e}"
        headline = f"{value!r} in {info.name} → stored {d.stored!r} ({verdict})"
        rows = [("", ""),
                ("bits (sign exponent mantissa)", d.bit_string),
                ("unbiased exponent", "—" if d.exponent is None else str(d.exponent)),
                ("stored value", f"{d.stored!r}"),
                ("absolute error", f"{d.abs_error:.3g}"),
                ("relative error", f"{d.rel_error:.3g}"),
                (f"{info.name}: largest finite value", f"{info.max:.6g}"),
                ("smallest positive normal", f"{info.min_normal:.3g}"),
                ("smallest positive (subnormal)", f"{info.min_subnormal:.3g}"),
                ("gap after 1.0 (eps)", f"{info.eps:.3g}"),
                ("storage", f"{info.bits} bits")]
        details = (bits_html(d) + html_table(rows[1:], header=rows[0])
                   + f"<div style='font-size:85%'>{html.escape(info.description)}</div>")
        return ViewUpdate(headline, details,
                          lambda fig: plot_format_spacing(fig.add_subplot(), FORMAT_OPTIONS, info.name, value))

    return CalculatorView(controls, compute_view, figsize=(6.4, 3.4))


def plot_gradient_underflow(ax, gradients, loss_scale: float = 1.0, name: str = "fp16"):
    """Histogram of log2 |gradient| before and after multiplying by ``loss_scale``; return ``ax``.

    Dashed lines mark the smallest positive, smallest normal and largest value of format ``name``.
    The legend gives the fraction of non-zero gradients flushed to zero in ``name``
    (:func:`course_lib.formats.underflow_fraction`).
    """
    info = formats.format_info(name)
    grads = np.abs(np.asarray(gradients, dtype=np.float64))
    grads = grads[grads > 0]
    scale = _validate.positive("loss_scale", loss_scale)
    edges = {"smallest": info.min_subnormal, "smallest normal": info.min_normal, "largest": info.max}
    logs = np.log2(np.concatenate([grads, grads * scale, list(edges.values())]))
    bins = np.arange(np.floor(logs.min()) - 1, np.ceil(logs.max()) + 2)
    unscaled = formats.underflow_fraction(grads, info.name)
    ax.hist(np.log2(grads), bins=bins, color="tab:gray", alpha=0.6, label=f"gradients: {unscaled:.0%} become 0")
    if scale != 1:
        scaled = formats.underflow_fraction(grads, info.name, scale)
        ax.hist(np.log2(grads * scale), bins=bins, color="tab:blue", alpha=0.6,
                label=f"× {scale:g}: {scaled:.0%} become 0")
    for (label, edge), style in zip(edges.items(), (":", "--", "-"), strict=True):
        ax.axvline(np.log2(edge), color=_FORMAT_COLOURS[info.name], linestyle=style, linewidth=1.2,
                   label=f"{info.name} {label}: {edge:.3g}")
    ax.set_xlabel("log2 |gradient|")
    ax.set_ylabel("count")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return ax


# -- memory --------------------------------------------------------------------------------------

def plot_memory_breakdown(ax, bars: dict, capacity_bytes: float | None = None, capacity_label: str = "",
                          highlight: str | None = None):
    """Stacked bars in GB: ``bars`` maps a bar label to a dict of parts in bytes (as returned by
    :func:`course_lib.memory.training_memory` or ``fit_report(...)["breakdown"]``; "total" is skipped,
    zero parts are left out). A dashed line marks ``capacity_bytes``; ``highlight`` gets a black edge.
    Return ``ax``.
    """
    labels = list(bars)
    bottoms = np.zeros(len(labels))
    parts = [p for p in PART_COLOURS if any(bars[label].get(p, 0) > 0 for label in labels)]
    for part in parts:
        heights = np.array([bars[label].get(part, 0.0) for label in labels]) / units.GB
        ax.bar(labels, heights, bottom=bottoms, color=PART_COLOURS[part], label=part.replace("_", " "))
        bottoms += heights
    if highlight in labels:
        i = labels.index(highlight)
        ax.bar([labels[i]], [bottoms[i]], fill=False, edgecolor="black", linewidth=2)
    for i, total in enumerate(bottoms):
        ax.text(i, total, f"{total:,.3g}", ha="center", va="bottom", fontsize=8)
    if capacity_bytes is not None:
        ax.axhline(capacity_bytes / units.GB, color="black", linestyle="--", linewidth=1, label=capacity_label)
    ax.set_ylabel("GB (1e9 bytes)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.grid(True, axis="y", alpha=0.3)
    return ax


def training_memory_view(model: str = "Llama-2 7B", optimizer: str = "adam", mixed_precision: bool = True,
                         checkpointing: str = "selective", seq_len: int = 4096, micro_batch: int = 1) -> CalculatorView:
    """Memory to train ``model`` on one GPU: weights, gradients, optimizer states (ZeRO paper) and
    activations (Korthikanti et al.), with bars for each activation-checkpointing mode."""
    gpu = hardware.get_gpu(REFERENCE_GPU)
    controls = {
        "model": dropdown("model", models.get_model(model).name, models.model_names(), "model"),
        "optimizer": dropdown("optimizer", optimizer, memory.OPTIMIZERS, "optimizer"),
        "mixed_precision": checkbox("mixed_precision", mixed_precision, "mixed precision (16-bit + fp32 master)"),
        "checkpointing": toggles("checkpointing", checkpointing, memory.CHECKPOINTING, "activation checkpointing"),
        "seq_len": powers_of_two("seq_len", seq_len, 2**7, 2**15, "sequence length (tokens)"),
        "micro_batch": number_box("micro_batch", micro_batch, "micro batch (sequences)", integer=True, minimum=1,
                                  maximum=65_536),
    }

    def compute_view(model, optimizer, mixed_precision, checkpointing, seq_len, micro_batch):
        config = models.get_model(model)
        n_params = config.param_count()
        bars = memory.training_memory_by_checkpointing(config, optimizer=optimizer, mixed_precision=mixed_precision,
                                                seq_len=seq_len, micro_batch=micro_batch)
        parts = bars[checkpointing]
        state = parts["total"] - parts["activations"]
        stored = "16-bit" if mixed_precision else "fp32"
        headline = (f"{config.name} ({n_params / 1e9:.2f} B params): {units.format_si(parts['total'], 'B')} = "
                    f"{state / n_params:g} bytes/param × N ({units.format_si(state, 'B')}) "
                    f"+ {stored} activations {units.format_si(parts['activations'], 'B')}")
        rows = [("part", "bytes/param", "GB", "GiB")]
        rows += [(part.replace("_", " "), f"{parts[part] / n_params:g}", f"{parts[part] / units.GB:,.1f}",
                  f"{parts[part] / units.GiB:,.1f}") for part in ("weights", "gradients", "optimizer_states")]
        rows += [(f"activations ({checkpointing})", "—", f"{parts['activations'] / units.GB:,.1f}",
                  f"{parts['activations'] / units.GiB:,.1f}"),
                 ("total", "—", f"{parts['total'] / units.GB:,.1f}", f"{parts['total'] / units.GiB:,.1f}")]
        if mixed_precision:
            note = ("Mixed precision: 16-bit weights, gradients and activations; the optimizer keeps an fp32 "
                    "master copy of the weights.")
        else:
            note = ("fp32 throughout: weights and gradients take 4 bytes each and no master copy is needed, so "
                    "the state per parameter is the same as with mixed precision; the activations take 4 bytes "
                    "per value instead of 2 (dropout masks stay 1 byte), almost twice the memory.")
        details = html_table(rows[1:], header=rows[0]) + f"<div>{html.escape(note)}</div>"
        return ViewUpdate(headline, details, lambda fig: plot_memory_breakdown(
            fig.add_subplot(), bars, gpu.memory_bytes, f"one {gpu.name} ({gpu.memory_gb:g} GB)", checkpointing))

    return CalculatorView(controls, compute_view, figsize=(6.0, 3.6))


def fit_view(model: str = "Llama-2 70B", gpu: str = "H100 SXM", dtype: str = "bf16", seq_len: int = 4096,
             batch: int = 1, n_gpus: int = 1, mode: str = "inference", zero_stage: int = 0,
             checkpointing: str = "selective") -> CalculatorView:
    """Does ``model`` fit on ``n_gpus`` x ``gpu``? Required vs available memory per GPU (GB and GiB).

    Inference: weights in ``dtype`` + KV cache (:func:`course_lib.memory.fit_report`), bars for
    each weight dtype. Training: mixed-precision Adam with ZeRO ``zero_stage`` and activations with
    ``checkpointing`` (``dtype`` unused), bars for each ZeRO stage.
    """
    controls = {
        "model": dropdown("model", models.get_model(model).name, models.model_names(), "model"),
        "gpu": dropdown("gpu", hardware.get_gpu(gpu).name, hardware.gpu_names("gpu"), "GPU"),
        "mode": toggles("mode", mode, memory.MODES, "mode"),
        "dtype": dropdown("dtype", dtype, tuple(memory.DTYPE_BYTES), "weights dtype (inference)"),
        "seq_len": powers_of_two("seq_len", seq_len, 2**7, 2**17, "context length (tokens)"),
        "batch": number_box("batch", batch, "batch (sequences)", integer=True, minimum=1, maximum=65_536),
        "n_gpus": number_box("n_gpus", n_gpus, "number of GPUs", integer=True, minimum=1, maximum=100_000),
        "zero_stage": dropdown("zero_stage", zero_stage, (0, 1, 2, 3), "ZeRO stage (training)"),
        "checkpointing": dropdown("checkpointing", checkpointing, memory.CHECKPOINTING, "checkpointing (training)"),
    }

    def compute_view(model, gpu, mode, dtype, seq_len, batch, n_gpus, zero_stage, checkpointing):
        config, device = models.get_model(model), hardware.get_gpu(gpu)
        common = {"seq_len": seq_len, "batch": batch, "mode": mode, "checkpointing": checkpointing}
        report = memory.fit_report(config, device, dtype=dtype, n_gpus=n_gpus, zero_stage=zero_stage, **common)
        bars = memory.fit_variants(config, device, dtype=dtype, n_gpus=n_gpus, zero_stage=zero_stage, **common)
        chosen = dtype if mode == "inference" else f"ZeRO-{zero_stage}"
        verdict = "Fits" if report["fits"] else "Does not fit"
        headline = (f"{verdict}: {config.name} ({mode}) needs {_size(report['required_bytes'])} per GPU; "
                    f"one {device.name} has {_size(report['available_bytes'])}")
        rows = [("part (per GPU)", "GB", "GiB")]
        rows += [(part.replace("_", " "), f"{value / units.GB:,.2f}", f"{value / units.GiB:,.2f}")
                 for part, value in report["breakdown"].items() if part != "total" and value > 0]
        rows += [("required", f"{report['required_bytes'] / units.GB:,.2f}",
                  f"{report['required_bytes'] / units.GiB:,.2f}"),
                 ("available", f"{report['available_bytes'] / units.GB:,.2f}",
                  f"{report['available_bytes'] / units.GiB:,.2f}"),
                 ("headroom", f"{report['headroom_bytes'] / units.GB:,.2f}",
                  f"{report['headroom_bytes'] / units.GiB:,.2f}")]
        notes = _gpu_count_notes(config, device, report, dtype=dtype, zero_stage=zero_stage, **common)
        details = html_table(rows[1:], header=rows[0]) + "".join(f"<div>{html.escape(note)}</div>" for note in notes)
        return ViewUpdate(headline, details, lambda fig: plot_memory_breakdown(
            fig.add_subplot(), bars, device.memory_bytes, f"one {device.name} ({device.memory_gb:g} GB)", chosen))

    return CalculatorView(controls, compute_view, figsize=(6.0, 3.6))


def _gpu_count_notes(config: models.ModelConfig, device: hardware.GPU, report: memory.FitReport,
                     **fit_kwargs: Any) -> list[str]:
    """Sentences under the fit table: how many GPUs it takes (and why counts differ), the longest context."""
    count = memory.fewest_gpus(config, device, **fit_kwargs)
    if report["mode"] == "training":
        if count.memory is None:
            stage = fit_kwargs["zero_stage"]
            return ["No number of GPUs up to 1024 makes it fit with these settings"
                    + (" (ZeRO-0 replicates everything: try a higher stage)." if stage == 0 else
                       ": the activations of one micro-batch alone are too large (lower the batch or recompute).")]
        return [f"Fewest data-parallel GPUs that fit with ZeRO-{fit_kwargs['zero_stage']}: {count.memory} "
                "(any count works for data parallelism)."]
    if count.memory is None:
        notes = ["No number of GPUs up to 1024 holds it with these settings."]
    elif count.memory == 1:
        notes = ["One GPU holds it."]
    else:
        alone = ("the weights alone need as many" if count.weights_only == count.memory else
                 f"the weights alone need {count.weights_only}, the count notebook 05 uses")
        notes = [f"Fewest GPUs whose memory holds it: {count.memory} (weights + KV cache split evenly; {alone})."]
        limit = topology.tensor_parallel_limit(device)
        rule = (f"A tensor-parallel split must divide the {config.n_heads} attention heads (vLLM refuses other "
                "counts) and stay inside one link domain, never crossing the network between servers")
        if limit == 1:
            notes.append(f"{rule}; the course data has no multi-GPU system of the {device.name} (here a "
                         "single card), so no split holds it.")
        elif count.tensor_parallel is None:
            notes.append(f"{rule} ({limit} x {device.name} in its system): no split of at most {limit} holds it.")
        else:
            notes.append(f"{rule} ({limit} x {device.name} in its system): {count.tensor_parallel} GPUs.")
    if report["n_gpus"] == 1:
        weights = report["breakdown"]["weights"]
        if weights > report["available_bytes"]:
            notes.append(f"The weights alone ({units.format_si(weights, 'B')}) do not fit in one "
                         f"{device.name} ({device.memory_gb:g} GB): no context length fits on one GPU.")
        else:
            longest = memory.max_context(config, device, dtype=fit_kwargs["dtype"], batch=fit_kwargs["batch"])
            batch = fit_kwargs["batch"]
            notes.append(f"Longest context that fits on one GPU at batch {batch}: {longest:,} tokens "
                         f"(memory only; the model was trained for {config.max_seq_len:,})." if longest else
                         f"The weights fit, but not one token of KV cache for {batch} sequences: lower the batch.")
    return notes
