"""Widgets of notebook 05 (quantization): a quantization explorer and a "memory and speed after quantization" view.

Weight matrices are stored as PyTorch's ``nn.Linear`` stores them, out_features x in_features: one
row per output channel. "per-channel" means one scale per row (``quantize(w, axis=0)``), "group g"
one scale per g consecutive weights of a row (``quantize(w, group_size=g)``, as GPTQ's ``group_size``).
The views call :mod:`course_lib.quantization`; sizes are in GB (1e9 bytes).
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib import ticker

from course_lib import _validate, hardware, models, quantization, units
from course_lib.widgets._controls import dropdown, int_slider, toggles
from course_lib.widgets._view import CalculatorView, ViewUpdate, html_table, plain_log_axis

CURVE_GRANULARITIES = ("per-tensor", "per-channel", "group 128", "group 32")  # lines of the error-vs-bits plot
EXPLORER_SHAPE = (256, 1024)  # 262,144 weights: one quantization takes a few ms
SERVING_BITS = (16, 8, 6, 5, 4, 3, 2)
GROUP_SIZES = (("per tensor", 0), ("32", 32), ("64", 64), ("128", 128), ("256", 256))
_COLOURS = {"per-tensor": "tab:red", "per-channel": "tab:orange", "group 32": "tab:green", "group 64": "tab:olive",
            "group 128": "tab:blue", "group 256": "tab:purple"}


@functools.lru_cache(maxsize=8)
def _weights(kind: str, shape: tuple) -> np.ndarray:
    w = quantization.synthetic_weights(shape, kind)
    w.flags.writeable = False
    return w


@functools.lru_cache(maxsize=8)  # ~2.3 MB each: going back to a setting, or switching the plot, costs nothing
def _cached_quantization(kind: str, shape: tuple, bits: int, scheme: str, granularity: str) -> tuple:
    """``quantize_matrix`` of the explorer's matrix of this kind, arrays read-only."""
    quantized = quantization.quantize_matrix(_weights(kind, shape), bits, scheme, granularity)
    for array in quantized:
        if isinstance(array, np.ndarray):
            array.flags.writeable = False
    return quantized


@functools.lru_cache(maxsize=1024)  # a small dict each: every point of every curve drawn so far
def _cached_error(kind: str, shape: tuple, bits: int, scheme: str,
                  granularity: str) -> quantization.QuantizationError:
    """``quantization_error`` of the explorer's matrix quantized with these settings (do not modify)."""
    return quantization.quantization_error(_weights(kind, shape),
                                           _cached_quantization(kind, shape, bits, scheme, granularity)[0])


@functools.lru_cache(maxsize=64)
def _cached_curve(kind: str, shape: tuple, scheme: str, granularity: str) -> np.ndarray:
    """``quantization.error_vs_bits`` of the explorer's matrix, point by point through :func:`_cached_error`:
    once a curve is drawn, moving the bits slider along it needs no quantization."""
    return np.array([_cached_error(kind, shape, bits, scheme, granularity)["relative"] for bits in quantization.BITS])


def _first_block(w, q, scale, zero_point, granularity):
    """Values, codes, scale and zero point of the first block: the whole tensor, row 0, or row 0's first group."""
    size = quantization.weights_per_scale(w.shape, granularity)
    if size == w.size:  # one block: the scale may still be an array, e.g. (1, 1) for one row per channel
        return w.ravel(), q.ravel(), np.ravel(scale)[0], np.ravel(zero_point)[0]
    return w[0, :size], q[0, :size], np.ravel(scale)[0], np.ravel(zero_point)[0]


def plot_quantization_grid(ax, w, bits: int, scheme: str = "absmax", granularity: str = "per-tensor", bins: int = 80,
                           quantized=None):
    """Histogram of the first block of ``w`` with the levels its scale allows; returns ``ax``.

    The first block is what one scale covers: the whole tensor (per-tensor), row 0 (per-channel) or
    the first group of row 0 (group-wise). Grey lines are the representable values between the block's
    smallest and largest code, ``dequantize(code, scale, zero_point)``. Counts are on a log scale for
    blocks of more than 4096 weights. ``quantized``: what ``quantize_matrix(w, bits, scheme, granularity)``
    returned, if the caller has it already (saves quantizing twice).
    """
    w = np.asarray(w, dtype=float)
    _, q, scale, zero_point = quantized or quantization.quantize_matrix(w, bits, scheme, granularity)
    values, codes, block_scale, block_zero = _first_block(w, q, scale, zero_point, granularity)
    levels = quantization.dequantize(np.arange(int(codes.min()), int(codes.max()) + 1), block_scale,
                                     np.asarray(block_zero))
    counts, edges = np.histogram(values, bins=bins)
    ax.vlines(levels, 0, 1, transform=ax.get_xaxis_transform(), color="0.6", linewidth=0.6)
    ax.stairs(counts, edges, fill=True, color="tab:blue", alpha=0.8)
    if values.size > 4096:  # a whole tensor: log counts show the rare large weights
        ax.set_yscale("log")
        plain_log_axis(ax.yaxis)
        ax.set_ylim(0.8, None)
    else:
        ax.yaxis.set_major_locator(ticker.MaxNLocator(5))  # few tick labels: each is costly to draw
    ax.xaxis.set_major_locator(ticker.MaxNLocator(5))
    block = {"per-tensor": "whole tensor", "per-channel": "row 0"}.get(granularity, f"row 0, first {values.size}")
    ax.set_xlabel(f"weight value ({block}: {values.size:,} weights)")
    ax.set_ylabel("count" + (" (log)" if values.size > 4096 else ""))
    # The title carries what a legend would (a legend doubles the drawing time of this small figure); y given:
    # no automatic title placement, which measures the tick labels on every draw.
    ax.set_title(f"{bits}-bit {scheme}, {granularity}: {levels.size} levels in use (grey), "
                 f"step {float(block_scale):.2g}", fontsize=10, y=1.0)
    return ax


def plot_error_vs_bits(ax, curves: dict, highlight=None, bits=quantization.BITS):
    """Relative error vs bits, one line per granularity (``curves``: name -> errors); returns ``ax``.

    ``highlight=(bits, error)`` marks the chosen point with a star. The lines are named by words in
    their colours in the lower left, which the falling curves leave empty (a legend took a fifth of the
    explorer's redraw).
    """
    key = []
    for name, errors in curves.items():
        (line,) = ax.plot(bits, errors, marker="o", markersize=3, color=_COLOURS.get(name), label=name)
        key.append((f"● {name}", line.get_color()))
    if highlight is not None:
        ax.plot(*highlight, marker="*", markersize=14, color="black", linestyle="none", label="chosen")
        key.append(("★ chosen", "black"))
    below = None  # from the bottom up, each word just above the previous one
    for text, colour in reversed(key):
        where = {"xy": (0.02, 0.03), "xycoords": "axes fraction"} if below is None else \
            {"xy": (0, 1), "xycoords": below, "xytext": (0, 1), "textcoords": "offset points"}
        below = ax.annotate(text, color=colour, fontsize=8, va="bottom", **where)
    ax.set_yscale("log")
    plain_log_axis(ax.yaxis)
    ax.set_xticks(bits)  # the default locator adds two ticks beyond the data, each costly to draw
    ax.set_xlabel("bits per weight (codes only)")
    ax.set_ylabel("relative error ||W - Ŵ|| / ||W||")
    ax.grid(True, alpha=0.3)
    return ax


def quantization_explorer_view(kind: str = "heavy_tailed", bits: int = 4, scheme: str = "absmax",
                               granularity: str = "per-channel", plot: str = "histogram",
                               shape=EXPLORER_SHAPE) -> CalculatorView:
    """Quantize a synthetic weight matrix (out x in) and show its error, with a histogram or an error-vs-bits plot."""
    shape = tuple(_validate.positive_int("shape", n) for n in shape)
    if len(shape) != 2:
        raise ValueError(f"shape must be (out_features, in_features), got {shape!r}")
    kind = _validate.choice("kind", kind, quantization.KINDS)
    bits = quantization.check_bits(bits)
    scheme = _validate.choice("scheme", scheme, quantization.SCHEMES)
    granularity = _validate.choice("granularity", granularity, quantization.GRANULARITIES)
    plot = _validate.choice("plot", plot, ("histogram", "error vs bits"))
    controls = {
        "kind": dropdown("kind", kind, quantization.KINDS, "weights"),
        "bits": int_slider("bits", bits, min(quantization.BITS), max(quantization.BITS), "bits"),
        "scheme": toggles("scheme", scheme, quantization.SCHEMES, "scheme"),
        "granularity": dropdown("granularity", granularity, quantization.GRANULARITIES, "scales"),
        "plot": toggles("plot", plot, ("histogram", "error vs bits"), "plot"),
    }

    def compute_view(kind, bits, scheme, granularity, plot):
        kind = _validate.choice("kind", kind, quantization.KINDS)
        w = _weights(kind, shape)
        error = _cached_error(kind, shape, bits, scheme, granularity)
        size = quantization.weights_per_scale(shape, granularity)
        average_bits = quantization.bits_per_weight(bits, size, zero_point=scheme == "zeropoint")
        headline = (f"{bits}-bit {scheme}, {granularity}, {kind} weights: relative error {error['relative']:.2%}, "
                    f"SQNR {error['sqnr_db']:.1f} dB, {average_bits:.3f} bits/weight with fp16 scales")
        details = html_table([
            ("matrix (out x in)", f"{shape[0]} x {shape[1]} = {w.size:,} weights"),
            ("weights per scale", f"{size:,} ({w.size // size:,} scales)"),
            ("storage incl. scales", f"{average_bits:.3f} bits/weight"),
            ("relative error ||W - Ŵ|| / ||W||", f"{error['relative']:.3%}"),
            ("SQNR", f"{error['sqnr_db']:.2f} dB"),
            ("max |error|", f"{error['max_abs']:.3g}"),
            ("largest |weight|", f"{np.abs(w).max():.3g}"),
        ])
        if plot == "histogram":
            quantized = _cached_quantization(kind, shape, bits, scheme, granularity)

            def draw(fig):
                plot_quantization_grid(fig.add_subplot(), w, bits, scheme, granularity, quantized=quantized)
        else:
            names = list(dict.fromkeys((*CURVE_GRANULARITIES, granularity)))
            curves = {name: _cached_curve(kind, shape, scheme, name) for name in names}

            def draw(fig):
                ax = plot_error_vs_bits(fig.add_subplot(), curves, highlight=(bits, error["relative"]))
                # y given: no automatic title placement, which measures the tick labels on every draw.
                ax.set_title(f"{kind} weights, {scheme}", fontsize=10, y=1.0)
        return ViewUpdate(headline, details, draw)

    return CalculatorView(controls, compute_view)


# -- memory and speed ---------------------------------------------------------------------------

def _no_split(report, device) -> str:
    """Why a copy that needs several GPUs has no tensor-parallel split (no decode bound), in words."""
    limit = report["max_tensor_parallel"]
    if limit == 1:
        return f"no multi-GPU system of the {device.name} in the course's data: one card only"
    return f"more GPUs than one {limit}-GPU link domain of the {device.name}'s system holds"


def _speed_label(report) -> str:
    if report["decode_tokens_per_second"] is None:
        limit = report["max_tensor_parallel"]
        return "one card only, no split" if limit == 1 else f"more than {limit} GPUs, no split"
    gpus = f" on {report['tensor_parallel']} GPUs" if report["tensor_parallel"] > 1 else ""
    return f"≤ {report['decode_tokens_per_second']:.3g} tok/s{gpus}"


def plot_serving(ax, model, gpu, group_size=128, highlight_bits=None, bits_options=SERVING_BITS):
    """Weights in GB of ``model`` at each number of bits, one GPU's memory as a line; returns ``ax``.

    Each bar is labelled with the batch-1 decode bound on the GPUs that hold it (tensor parallel,
    all-reduces included). ``group_size`` None (or 0) means per-tensor scales; 16 bits has none.
    """
    device = hardware.get_gpu(gpu)
    reports = [quantization.quantized_serving(model, device, b, group_size or None) for b in bits_options]
    sizes = [r["weights_bytes"] / units.GB for r in reports]
    colours = ["tab:orange" if b == highlight_bits else "tab:blue" for b in bits_options]
    y = np.arange(len(bits_options))
    ax.barh(y, sizes, color=colours)
    for yi, bits, size, report in zip(y, bits_options, sizes, reports, strict=True):  # one label per bar, no y ticks
        name = "16 bits (fp16)" if bits == 16 else f"{bits} bits"
        ax.text(size, yi, f" {name}: {size:.3g} GB, {_speed_label(report)}",
                va="center", fontsize=8, bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})  # over the line
    ax.axvline(device.memory_gb, color="black", linestyle="--", linewidth=1)
    ax.set_yticks([])
    ax.invert_yaxis()
    ax.set_xlim(0, max(max(sizes), device.memory_gb) * 1.6)
    ax.xaxis.set_major_locator(ticker.MaxNLocator(5))
    ax.set_xlabel(f"weights (GB = 1e9 bytes); dashed: one {device.name}, {device.memory_gb:g} GB")
    ax.set_title(f"{models.get_model(model).name}, scales per {group_size or 'tensor'} weights", fontsize=10)
    return ax


def serving_view(model: str = "Llama-2 70B", bits: int = 4, group_size: int = 128,
                 gpu: str = "A100 SXM 80GB") -> CalculatorView:
    """Weights in GB, whether they fit, and the decode tokens/s bound for a model quantized to ``bits`` bits.

    ``group_size`` 0 or None: one scale per tensor. The input embedding and output head stay in 16 bits.
    When the weights need several GPUs the bound is for one copy split over them (tensor parallel), and
    the headline says what the split gains (bandwidth) and costs (all-reduces).
    """
    if bits not in SERVING_BITS:
        raise ValueError(f"bits must be one of {', '.join(map(str, SERVING_BITS))}, got {bits!r}")
    group_size = group_size or 0
    if group_size not in dict(GROUP_SIZES).values():
        raise ValueError(f"group_size must be one of {', '.join(str(g) for _, g in GROUP_SIZES)}, got {group_size!r}")
    controls = {
        "model": dropdown("model", models.get_model(model).name, models.model_names(), "model"),
        "bits": dropdown("bits", bits, [(f"{b} (fp16)" if b == 16 else str(b), b) for b in SERVING_BITS],
                         "bits per weight"),
        "group_size": dropdown("group_size", group_size, GROUP_SIZES, "weights per scale"),
        "gpu": dropdown("gpu", hardware.get_gpu(gpu).name, hardware.gpu_names("gpu"), "GPU"),
    }

    def compute_view(model, bits, group_size, gpu):
        device = hardware.get_gpu(gpu)
        report = quantization.quantized_serving(model, device, bits, group_size or None)
        fp16 = quantization.quantized_serving(model, device, 16)
        size = units.format_si(report["weights_bytes"], "B")
        where = (f"fits on one {device.name} ({device.memory_gb:g} GB)" if report["fits"] else
                 f"needs {report['n_gpus']} x {device.name} for the weights alone")
        split = report["tensor_parallel"]
        if report["decode_tokens_per_second"] is None or split is None:
            speed = f"decode: no tensor-parallel split ({_no_split(report, device)})"
        elif split > 1:
            speed = (f"decode ≤ {report['decode_tokens_per_second']:.3g} tokens/s on {split} GPUs: each reads 1/{split} "
                     f"of the weights, and the all-reduces take {report['allreduce_fraction']:.0%} of each step")
        else:
            speed = f"decode ≤ {report['decode_tokens_per_second']:.3g} tokens/s (batch 1, memory-bound)"
        headline = f"{models.get_model(model).name} at {bits} bits: {size} of weights — {where}; {speed}"
        details = html_table([
            ("parameters", f"{report['n_params']:,}"),
            ("weights", f"{size} ({units.format_binary(report['weights_bytes'])})"),
            ("bits per weight incl. scales and 16-bit embeddings", f"{report['bits_per_weight']:.4g}"),
            ("smaller than fp16 by", f"{fp16['weights_bytes'] / report['weights_bytes']:.3g}x"),
            (f"{device.name} memory / bandwidth", f"{device.memory_gb:g} GB / {device.memory_bandwidth_gbs:g} GB/s"),
            ("GPUs to hold the weights", f"{report['n_gpus']}"),
            ("GPUs one copy is split over to decode", f"{split}" if split else
             f"none (at most {report['max_tensor_parallel']})"),
        ]) + ("<div style='font-size:85%'>Weights only: the KV cache, activations and the CUDA context need more "
              "(notebook 04). The input embedding and the output head stay in 16 bits, as in GPTQ/AWQ checkpoints. "
              "The speed bound assumes every weight is read once per token at full bandwidth; a copy split over "
              "several GPUs (tensor parallelism, notebook 07) reads in parallel but adds two all-reduces per "
              "layer, priced with NCCL's latency model.</div>")

        def draw(fig):
            plot_serving(fig.add_subplot(), model, device, group_size, highlight_bits=bits)

        return ViewUpdate(headline, details, draw)

    return CalculatorView(controls, compute_view)
