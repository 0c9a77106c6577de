"""Views and static figures for notebook 02 (inside the GPU and the server).

Every number comes from the calculators (:mod:`course_lib.chip`, :mod:`course_lib.memory_hierarchy`,
:mod:`course_lib.tiling`, :mod:`course_lib.attention`, :mod:`course_lib.server`,
:mod:`course_lib.storage`, :mod:`course_lib.power`, :mod:`course_lib.software_stack`); this module
only builds controls, formats text and draws.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

from course_lib import (
    _validate,
    attention,
    chip,
    hardware,
    memory_hierarchy,
    models,
    power,
    server,
    software_stack,
    storage,
    tiling,
    units,
)
from course_lib.widgets._controls import (
    choice_slider,
    dropdown,
    float_slider,
    int_slider,
    log_slider,
    number_box,
    powers_of_two,
    toggles,
)
from course_lib.widgets._view import CalculatorView, ViewUpdate, html_table, plain_log_axis

_STATUS_STYLE = {"published": dict(marker="o", color="tab:blue"), "derived": dict(marker="s", color="tab:orange")}
TILE_PRECISIONS = ("bf16", "fp16", "fp8", "fp32")


def _follow(source: widgets.Widget, target: widgets.Widget, value_for) -> None:
    """When ``source`` changes, set ``target`` to ``value_for(source.value)`` (after the view's own update)."""
    source.observe(lambda change: setattr(target, "value", value_for(change["new"])), names="value")


def _si_log_axes(ax, x_unit: str, y_unit: str) -> None:
    """Decade ticks on both log axes labelled with SI prefixes ("35 MB", "1 TB/s"), no minor ticks."""
    for axis, unit in ((ax.xaxis, x_unit), (ax.yaxis, y_unit)):
        axis.set_major_locator(LogLocator(base=10))
        axis.set_major_formatter(FuncFormatter(lambda value, _, unit=unit: units.format_si(value, unit, 1)))
        axis.set_minor_locator(NullLocator())


def _log_axes(ax, which: str = "xy") -> None:
    for axis in ([ax.xaxis] if "x" in which else []) + ([ax.yaxis] if "y" in which else []):
        plain_log_axis(axis, fmt="{:.3g}")


# --------------------------------------------------------------------------- the chip: peak rebuilt


def peak_rebuild_table(gpus=None, precision: str = "bf16") -> str:
    """HTML table: SMs x FLOP/clock/SM x clock vs the datasheet, one row per GPU with architecture data."""
    rows = []
    for name in gpus or chip.arch_gpu_names():
        r = chip.rebuild_peak(name, precision if hardware.get_gpu(name).peak_tflops(precision) else "fp16")
        rows.append([r.gpu, r.precision, r.sm_count or "—", f"{r.flop_per_clock_per_sm:,.0f}" if r.flop_per_clock_per_sm
                     else "—", f"{r.clock_mhz:,.0f}" if r.clock_mhz else "—",
                     f"{r.rebuilt_tflops:,.1f}" if r.rebuilt_tflops else "—",
                     f"{r.datasheet_tflops:,.1f}" if r.datasheet_tflops else "—",
                     f"{r.difference_pct:+.2f} %" if r.difference_pct is not None else "not published"])
    return html_table(rows, ["GPU", "precision", "SMs (AMD: compute units)", "FLOP/clock per SM or CU", "MHz",
                             "rebuilt TFLOPS", "datasheet", "difference"])


def _clock_positions(start: float) -> list[int]:
    """Clock slider positions (MHz): every 50 MHz from 500 to 2,700, plus each architecture's published Tensor Core
    and boost clocks (so choosing a GPU moves the slider to its own clock exactly) and ``start``."""
    start = _validate.real("clock_mhz", start)
    if not 500 <= start <= 2700:
        raise ValueError(f"clock_mhz must be from 500 to 2,700 MHz, got {start:g}")
    published = {chip.get_arch(name).value(field) for name in chip.arch_gpu_names()
                 for field in ("tensor_clock_mhz", "boost_clock_mhz")}
    return sorted(set(range(500, 2701, 50)) | {int(c) for c in published if c} | {round(start)})


def peak_view(gpu: str = "H100 SXM", precision: str = "bf16", clock_mhz: int | None = None) -> CalculatorView:
    """GPU, precision and a clock slider -> SMs x FLOP/clock/SM x clock against the datasheet peak."""
    names = chip.arch_gpu_names()
    start = clock_mhz or chip.get_arch(gpu).value("tensor_clock_mhz") or 500
    controls = {
        "gpu": dropdown("gpu", gpu, names, "GPU"),
        "precision": toggles("precision", precision, ("fp16", "bf16", "fp8"), "precision"),
        "clock_mhz": choice_slider("clock_mhz", start, _clock_positions(start), "clock (MHz)"),
    }

    def compute_(gpu, precision, clock_mhz):
        r = chip.rebuild_peak(gpu, precision, clock_mhz)
        arch = chip.get_arch(gpu)
        terms = chip.unit_terms(gpu)  # the vendor's words: SMs and Tensor Cores, or compute units and Matrix Cores
        if r.rebuilt_tflops is None:
            return ViewUpdate(f"{gpu}, {precision}: {r.explanation}", "")
        headline = (f"{r.sm_count} {terms.blocks} x {r.flop_per_clock_per_sm:,.0f} FLOP/clock x {clock_mhz:,} MHz = "
                    f"{r.rebuilt_tflops:,.1f} TFLOPS vs {r.datasheet_tflops:,.1f} on the datasheet "
                    f"({r.difference_pct:+.2f} %)")
        tensor, boost = arch.value("tensor_clock_mhz"), arch.value("boost_clock_mhz")
        details = (f"<p>{html.escape(r.explanation)} {html.escape(gpu)}: {terms.matrix_unit} peaks at {tensor:,} MHz"
                   + (f", {terms.vector_peaks} peaks at {boost:,} MHz" if boost != tensor else "")
                   + f". Per {terms.block}: {arch.value('tensor_cores_per_sm')} {terms.matrix_units}, "
                   f"{html.escape(arch.rates[precision].note or 'rate from the vendor documents')}.</p>")
        return ViewUpdate(headline, details)

    view = CalculatorView(controls, compute_, figsize=None)
    _follow(controls["gpu"], controls["clock_mhz"], lambda name: chip.get_arch(name).value("tensor_clock_mhz") or 500)
    return view


# --------------------------------------------------------------------------- the memory hierarchy


def plot_hierarchy(ax, gpu, working_set_bytes: float | None = None):
    """Log-log capacity vs bandwidth of the levels of ``gpu``; unpublished bandwidths as crosses at the bottom."""
    levels = memory_hierarchy.memory_hierarchy(gpu)
    known = [(level, level.bandwidth_bytes_per_s) for level in levels if level.bandwidth_bytes_per_s is not None]
    low = min(bandwidth for _, bandwidth in known) / 10
    for status, style in _STATUS_STYLE.items():
        chosen = [(level, bandwidth) for level, bandwidth in known if level.status == status]
        ax.plot([level.capacity_bytes for level, _ in chosen], [bandwidth for _, bandwidth in chosen],
                linestyle="none", markersize=7, markerfacecolor=style["color"] if status == "published" else "white",
                **style)
    hidden = [level for level in levels if level.bandwidth_bytes_per_s is None]
    ax.plot([level.capacity_bytes for level in hidden], [low] * len(hidden), "x", color="gray")
    for level, bandwidth in known:
        ax.text(level.capacity_bytes * 1.4, bandwidth * 1.15, level.name, fontsize=8)
    if hidden:
        ax.text(hidden[0].capacity_bytes * 1.4, low * 1.3, "bandwidth not published: "
                + ", ".join(f"{level.name} ({units.format_si(level.capacity_bytes, 'B')})" for level in hidden),
                fontsize=8, color="gray")
    if working_set_bytes is not None:
        ax.axvline(working_set_bytes, color="tab:red", linestyle=":")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(min(level.capacity_bytes for level in levels) / 3, max(level.capacity_bytes for level in levels) * 30)
    ax.set_ylim(low / 2, max(bandwidth for _, bandwidth in known) * 3)
    _si_log_axes(ax, "B", "B/s")
    ax.set_xlabel("capacity (whole GPU)")
    ax.set_ylabel("bandwidth")
    ax.set_title(f"{hardware.get_gpu(gpu).name}: filled = published, hollow = derived", fontsize=9)
    return ax


def hierarchy_table(gpu) -> str:
    """HTML table of the levels: capacity, bandwidth, status and basis."""
    rows = [[level.name, units.format_si(level.capacity_bytes, "B"),
             units.format_si(level.bandwidth_bytes_per_s, "B/s") if level.bandwidth_bytes_per_s else "—",
             level.status, level.basis] for level in memory_hierarchy.memory_hierarchy(gpu)]
    return html_table(rows, ["level", "capacity", "bandwidth", "status", "basis"])


def hierarchy_view(gpu: str = "H100 SXM", working_set_bytes: float = 1e9) -> CalculatorView:
    """GPU and a working-set slider -> the nearest level that holds it and the time to read it once."""
    controls = {
        "gpu": dropdown("gpu", gpu, [n for n in chip.arch_gpu_names() if n != "B200"], "GPU"),
        "working_set_bytes": log_slider("working_set_bytes", working_set_bytes, 1e3, 1e13, "working set",
                                        fmt=lambda n: units.format_si(n, "B")),
    }

    def compute_(gpu, working_set_bytes):
        ws = memory_hierarchy.working_set_level(gpu, working_set_bytes)
        size = units.format_si(working_set_bytes, "B")
        bandwidth = ws.level.bandwidth_bytes_per_s
        if ws.read_seconds is None or bandwidth is None:
            time = "its bandwidth is not published"
        else:
            time = (f"{units.format_duration(ws.read_seconds)} to read once at "
                    f"{units.format_si(bandwidth, 'B/s')} ({ws.level.status})")
        headline = f"{size} fits first in {ws.level.name}: {time}"
        return ViewUpdate(headline, hierarchy_table(gpu),
                          lambda fig: plot_hierarchy(fig.add_subplot(), gpu, working_set_bytes))

    return CalculatorView(controls, compute_, figsize=(6.4, 3.8))


# --------------------------------------------------------------------------- tiles


def plot_tile_intensity(ax, gpu, precision: str, tile: int, n: int = 8192):
    """Intensity from HBM vs tile edge (log-log), the ridge of ``gpu``, the chosen tile and one SM's register limit."""
    tiles = np.unique(np.round(np.logspace(2, np.log2(n), 60, base=2)).astype(int))
    intensity = [tiling.matmul_traffic(n, n, n, int(t), tiling.precision_bytes(precision)).intensity for t in tiles]
    chosen = tiling.tile_on_roofline(gpu, tile, precision, n)
    ax.plot(tiles, intensity, color="tab:blue")
    ax.axhline(chosen.ridge, color="tab:red", linestyle="--")
    ax.text(tiles[0], chosen.ridge, f" ridge {chosen.ridge:.0f} FLOP/byte", color="tab:red", va="bottom", fontsize=8)
    ax.plot([tile], [chosen.traffic.intensity], "o", color="tab:red")
    if chosen.register_file_bytes:
        limit = (chosen.register_file_bytes / tiling.ACCUMULATOR_BYTES) ** 0.5
        ax.axvline(limit, color="gray", linestyle=":")
        ax.text(limit, 0.03, " accumulators fill one SM's registers", rotation=90, color="gray", fontsize=8, va="bottom", ha="right",
                transform=ax.get_xaxis_transform())
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    plain_log_axis(ax.xaxis, base=2, subs=(1.0,), fmt="{:,.0f}")
    plain_log_axis(ax.yaxis, fmt="{:,.4g}")
    ax.set_xlabel(f"tile edge T (output tiles T x T), n = {n:,}")
    ax.set_ylabel("FLOP per HBM byte")
    return ax


def _register_verdict(r: tiling.TileOnRoofline) -> str:
    """One sentence on the tile's fp32 accumulators against one SM's register file: fit, fill or overflow."""
    n = r.accumulator_bytes  # in binary units, as the whitepapers size register files (KiB)
    binary = f"{n / 2**20:,.3g} MiB" if n >= 2**20 else f"{n / 1024:,.3g} KiB" if n >= 1024 else f"{n:,} bytes"
    size = f"The tile's fp32 accumulators ({binary})"
    share = r.register_share
    if share is None or r.register_file_bytes is None:
        return f"{size}: this GPU's register file size is not published."
    registers = f"one SM's {r.register_file_bytes / 1024:,.0f} KiB register file"
    real_m, real_n = tiling.REAL_KERNEL_TILE
    real = f"real kernels stop at about {real_m} x {real_n} per thread block, half the register file"
    if share > 1:
        return f"{size} do not fit in {registers}."
    if share == 1:
        return (f"{size} fill the entire register file of one SM: no room is left for the operands, addresses "
                f"and loop counters; {real}.")
    if share > 0.5:
        return f"{size} take {share:.0%} of {registers}: more than real kernels leave them ({real})."
    return f"{size} take {f'{share:.0%}' if share >= 0.01 else 'under 1%'} of {registers}."


def tiling_view(gpu: str = "H100 SXM", precision: str = "bf16", tile: int = 128, n: int = 8192) -> CalculatorView:
    """Tile-size slider -> HBM traffic, reuse and arithmetic intensity of an n x n x n matmul vs the ridge."""
    controls = {
        "gpu": dropdown("gpu", gpu, [g for g in chip.arch_gpu_names() if g != "B200"], "GPU"),
        "precision": toggles("precision", precision, TILE_PRECISIONS, "precision"),
        "tile": powers_of_two("tile", tile, 4, 2**13, "tile edge T"),
    }

    def compute_(gpu, precision, tile):
        r = tiling.tile_on_roofline(gpu, tile, precision, n)
        crossing = tiling.compute_bound_tile(gpu, precision, n)
        registers = _register_verdict(r)
        headline = (f"T = {tile:,}: {r.traffic.intensity:,.1f} FLOP/byte vs ridge {r.ridge:,.0f} -> {r.bound}-bound, "
                    f"at most {r.fraction_of_peak:.0%} of peak; compute-bound from T = "
                    + (f"{crossing:,.0f}" if crossing else "never (n too small)"))
        details = (f"<p>{n:,}^3 {precision} matmul: {units.format_si(r.traffic.hbm_bytes, 'B')} from/to HBM, "
                   f"{units.format_si(r.traffic.shared_read_bytes, 'B')} read on chip: each loaded value is used "
                   f"{r.traffic.reuse:,.0f} times. {registers}</p>")
        return ViewUpdate(headline, details, lambda fig: plot_tile_intensity(fig.add_subplot(), gpu, precision, tile, n))

    return CalculatorView(controls, compute_)


# --------------------------------------------------------------------------- FlashAttention


def plot_attention_bytes(ax, gpu, seq_len: int, head_dim: int, precision: str = "bf16"):
    """HBM bytes per head vs sequence length (log-log) for standard, tiled and minimum attention."""
    sram = attention.sram_values(gpu, precision)
    lengths = 2 ** np.arange(8, 18)
    b = tiling.precision_bytes(precision)
    colors = {"standard": "tab:red", "tiled": "tab:blue", "minimum": "tab:green"}
    for method in attention.METHODS:
        ax.plot(lengths, [attention.attention_io(int(n), head_dim, b, sram).bytes[method] for n in lengths],
                color=colors[method], label=method)
        ax.plot([seq_len], [attention.attention_io(seq_len, head_dim, b, sram).bytes[method]], "o", color=colors[method])
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    plain_log_axis(ax.xaxis, base=2, subs=(1.0,), fmt="{:,.0f}")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: units.format_si(value, "B", 1)))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlabel("sequence length N")
    ax.set_ylabel("HBM bytes per head")
    ax.legend(fontsize=8, loc="upper left")
    return ax


def attention_view(gpu: str = "H100 SXM", seq_len: int = 8192, head_dim: int = 128) -> CalculatorView:
    """Sequence-length slider -> HBM traffic, intensity, bound and roofline time of the three attention methods."""
    controls = {
        "gpu": dropdown("gpu", gpu, [g for g in chip.arch_gpu_names() if g not in ("B200", "RTX 5090")], "GPU"),
        "seq_len": powers_of_two("seq_len", seq_len, 2**8, 2**17, "sequence length N"),
        "head_dim": dropdown("head_dim", head_dim, (64, 128), "head size d"),
    }

    def compute_(gpu, seq_len, head_dim):
        precision = "bf16" if hardware.get_gpu(gpu).peak_tflops("bf16") else "fp16"  # V100, T4: no bf16
        rows = {r.method: r for r in attention.attention_on_roofline(gpu, seq_len, head_dim, precision)}
        std, tiled, low = rows["standard"], rows["tiled"], rows["minimum"]
        headline = (f"N = {seq_len:,} ({precision}): standard {units.format_si(std.hbm_bytes, 'B')} per head "
                    f"({std.bound}-bound), "
                    f"tiled {units.format_si(tiled.hbm_bytes, 'B')} ({std.hbm_bytes / tiled.hbm_bytes:.1f}x less, "
                    f"{tiled.bound}-bound), minimum {units.format_si(low.hbm_bytes, 'B')} ({low.bound}-bound)")
        table = html_table([[r.method, units.format_si(r.hbm_bytes, "B"), f"{r.intensity:,.1f}", r.bound,
                             units.format_duration(r.seconds)] for r in rows.values()],
                           ["method", "HBM bytes", "FLOP/byte", "bound", "roofline time"])
        return ViewUpdate(headline, table,
                          lambda fig: plot_attention_bytes(fig.add_subplot(), gpu, seq_len, head_dim, precision))

    return CalculatorView(controls, compute_)


# --------------------------------------------------------------------------- the server


def plot_server(ax, node: str = "DGX H100"):
    """The node drawn from data: GPUs, NVSwitch chips, one NIC per GPU, PCIe switches, CPUs, NVMe; links labelled."""
    parts = server.node(node)
    system = server.node_system(node)
    paths = {p.key: p for p in server.node_paths(node)}
    gpus, switches = system.gpus_per_node, parts["nvswitch_chips"].value
    nics = _validate.present("nics_per_node", system.nics_per_node)
    cpus, drives = parts["cpus"].value, parts["data_drives"].value

    def box(x, y, w, h, text, color):
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02", fc=color, ec="black",
                                    lw=0.6))
        ax.text(x, y, text, ha="center", va="center", fontsize=6.5)

    def link(x, y0, y1, color, width=0.8):
        ax.plot([x, x], [y0, y1], color=color, lw=width)

    short_gpu = system.gpu.split()[0]
    box(gpus / 2, 7.0, gpus, 0.4, "network switches: other nodes (InfiniBand or Ethernet)", "#fde2c8")
    for x in np.linspace(0.5, gpus - 0.5, nics):
        link(x, 6.8, 6.4, "tab:orange", 1.2)
        box(x, 6.15, 0.8, 0.45, f"NIC\n{system.nic_gbit_per_s:g} Gb/s", "#fde2c8")
        link(x, 5.92, 5.45, "gray")
    box(gpus / 2, 5.2, gpus, 0.45, f"PCIe Gen{parts['pcie_gen'].value} switches (their number is not published)",
        "#eeeeee")
    for x in np.linspace(0.5, gpus - 0.5, gpus):
        link(x, 4.97, 4.55, "gray")
        box(x, 4.3, 0.8, 0.5, short_gpu, "#cfe8cf")
        link(x, 4.05, 3.45, "tab:green", 1.8)
    for x in np.linspace(gpus / (2 * switches), gpus - gpus / (2 * switches), switches):
        box(x, 3.2, gpus / switches - 0.3, 0.45, "NVSwitch", "#cde3f7")
    right = gpus + 1.3
    ax.plot([gpus, right - 0.9], [5.2, 5.2], color="gray", lw=0.8)
    for i in range(cpus):
        box(right, 5.55 - 0.75 * i, 1.7, 0.5, parts["cpu_model"].value.replace("Intel Xeon Platinum ", "Xeon "),
            "#f2d7e8")
    box(right, 5.55 - 0.75 * cpus, 1.7, 0.55, f"{drives} NVMe drives\nx {parts['data_drive_tb'].value:g} TB", "#fff3b0")
    box(right, 6.65, 1.7, 0.45, f"{parts['system_memory_tb'].value:g} TB CPU memory", "#f2d7e8")
    for y, text, color in ((6.6, f"network: {paths['network'].gbs:,.0f} GB/s", "tab:orange"),
                           (4.75, f"PCIe: {paths['pcie'].gbs:,.0f} GB/s", "dimgray"),
                           (3.75, f"NVLink: {paths['nvlink'].gbs:,.0f} GB/s", "tab:green")):
        ax.text(-0.15, y, text, ha="right", va="center", fontsize=7.5, color=color)
    ax.text(-0.15, 2.7, "(per GPU, each way)", ha="right", va="center", fontsize=7, color="dimgray")
    ax.set_xlim(-2.6, right + 1.0)
    ax.set_ylim(2.5, 7.4)
    ax.axis("off")
    ax.set_title(f"{node}: {gpus} GPUs, {switches} NVSwitch chips, {nics} network cards (NICs), {cpus} CPUs",
                 fontsize=9)
    return ax


def plot_tp_links(ax, results):
    """Bars of compute vs communication time per layer for each link of :func:`course_lib.server.tensor_parallel_over_links`."""
    labels = [r.link.replace(" (", "\n(") for r in results]
    x = np.arange(len(results))
    ax.bar(x - 0.2, [1e3 * r.compute_s for r in results], width=0.4, color="tab:blue", label="compute")
    ax.bar(x + 0.2, [1e3 * r.communication_s for r in results], width=0.4, color="tab:orange", label="all-reduces")
    ax.set_xticks(x)
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("ms per layer (forward + backward)")
    ax.legend(fontsize=8)
    return ax


def tensor_parallel_view(model: str = "Llama-2 70B", tensor_parallel: int = 8, seq_len: int = 4096,
                         mfu: float = 0.5) -> CalculatorView:
    """Tensor-parallel degree and tokens -> per-layer compute vs all-reduce time over NVLink and over the network."""
    controls = {
        "model": dropdown("model", model, models.model_names(), "model"),
        "tensor_parallel": int_slider("tensor_parallel", tensor_parallel, 2, 8, "tensor-parallel GPUs"),
        "seq_len": powers_of_two("seq_len", seq_len, 2**9, 2**14, "tokens per micro-batch"),
    }

    def compute_(model, tensor_parallel, seq_len):
        results = server.tensor_parallel_over_links(model, seq_len, 1, tensor_parallel, mfu)
        inside, across = results
        headline = (f"{model}, {tensor_parallel} GPUs: all-reduces take {inside.communication_share:.0%} of the compute "
                    f"time over NVLink, {across.communication_share:.0%} over the network cards")
        details = (f"<p>Per layer and micro-batch of {seq_len:,} tokens, at {mfu:.0%} MFU (the share of the peak "
                   f"FLOP/s a training run really uses) on H100s: compute {1e3 * inside.compute_s:.2f} ms; all-reduces "
                   f"{1e3 * inside.communication_s:.2f} ms at {inside.gbs:,.0f} GB/s (NVLink) vs "
                   f"{1e3 * across.communication_s:.2f} ms at {across.gbs:,.0f} GB/s (one NIC per GPU).</p>")
        return ViewUpdate(headline, details, lambda fig: plot_tp_links(fig.add_subplot(), results))

    return CalculatorView(controls, compute_, figsize=(6.0, 3.2))


# --------------------------------------------------------------------------- checkpoints


def plot_lost_fraction(ax, checkpoint_seconds: float, mtbf_seconds: float):
    """Share of time lost vs checkpoint interval (log x), Young's optimum marked."""
    best = storage.young_interval_seconds(checkpoint_seconds, mtbf_seconds)
    taus = best * np.logspace(-1.2, 1.2, 60)
    ax.plot(taus / 60, [100 * storage.lost_fraction(t, checkpoint_seconds, mtbf_seconds) for t in taus])
    ax.plot([best / 60], [100 * storage.lost_fraction(best, checkpoint_seconds, mtbf_seconds)], "o", color="tab:red")
    ax.set_xscale("log")
    _log_axes(ax, "x")
    ax.set_xlabel("minutes between checkpoints")
    ax.set_ylabel("% of time lost")
    return ax


def checkpoint_view(n_params: float = 70e9, n_gpus: int = 1024, store: str = "Tectonic (Llama 3)",
                    your_gbs: float = 100.0) -> CalculatorView:
    """Model size, GPUs and storage -> checkpoint size and write time, MTBF and the Young/Daly interval."""
    stores = ["local NVMe (every node)", *storage.storage_tiers(), "a store you describe (GB/s below)"]
    controls = {
        "n_params": log_slider("n_params", n_params, 1e9, 1e12, "parameters", fmt=lambda n: f"{n / 1e9:,g}B"),
        "n_gpus": powers_of_two("n_gpus", n_gpus, 8, 2**15, "GPUs (8 per node)"),
        "store": dropdown("store", store, stores, "checkpoint to"),
        "your_gbs": number_box("your_gbs", your_gbs, "your store, GB/s total", minimum=0, open_minimum=True,
                               maximum=1e9),
    }

    def compute_(n_params, n_gpus, store, your_gbs):
        nodes = max(1, n_gpus // 8)
        ckpt = storage.checkpoint_bytes(n_params)
        if store.startswith("local"):
            seconds = storage.write_seconds(ckpt.total, nodes, per_node_gbs=storage.local_nvme_write_gbs())
        elif store in storage.storage_tiers():
            seconds = storage.write_seconds(ckpt.total, shared_gbs=storage.storage_tiers()[store]["sustained_tbs"].value
                                            * 1e3)
        else:
            seconds = storage.write_seconds(ckpt.total, shared_gbs=your_gbs)
        mtbf = storage.job_mtbf_seconds(n_gpus)
        young = storage.young_interval_seconds(seconds, mtbf)
        daly = storage.daly_interval_seconds(seconds, mtbf)
        headline = (f"{units.format_si(ckpt.total, 'B')} per checkpoint, {units.format_duration(seconds)} to write; "
                    f"a failure every {units.format_duration(mtbf)} -> checkpoint every "
                    f"{units.format_duration(young)}, losing {storage.lost_fraction(young, seconds, mtbf):.1%}")
        details = (f"<p>Weights {units.format_si(ckpt.weights, 'B')} + optimizer states "
                   f"{units.format_si(ckpt.optimizer_states, 'B')} (mixed-precision Adam). {nodes:,} node(s). "
                   f"Young: {units.format_duration(young)}; Daly: {units.format_duration(daly)}. "
                   f"The failure rate is the Llama 3 snapshot's, per GPU, scaled to {n_gpus:,} GPUs.</p>")
        return ViewUpdate(headline, details, lambda fig: plot_lost_fraction(fig.add_subplot(), seconds, mtbf))

    return CalculatorView(controls, compute_, figsize=(6.0, 3.0))


# --------------------------------------------------------------------------- power and cooling


def plot_rack_power(ax, it_w: float, facility_w: float):
    """Bars: this rack's IT and facility power beside a typical rack and a GB200 NVL72 rack (kW)."""
    nvl72 = server.rack("GB200 NVL72")["rack_power_kw"].value
    labels = ["typical rack\n(survey)", "your rack\n(IT)", "your rack\n(facility)", "GB200 NVL72\n(IT)"]
    values = [power.typical_rack_w() / 1e3, it_w / 1e3, facility_w / 1e3, nvl72]
    bars = ax.bar(range(4), values, color=["gray", "tab:blue", "tab:purple", "tab:red"])
    for bar, value in zip(bars, values, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, value, f"{value:,.0f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(4))
    ax.set_xticklabels(labels, fontsize=8)
    ax.set_ylabel("kW")
    ax.set_ylim(0, max(values) * 1.15)
    return ax


def power_view(nodes_per_rack: int = 4, pue: float = 1.0, delta_t_k: float = 10.0) -> CalculatorView:
    """DGX H100 nodes per rack, PUE and coolant warming -> rack and facility power, air and water flow."""
    controls = {
        "nodes_per_rack": int_slider("nodes_per_rack", nodes_per_rack, 1, 8, "DGX H100 per rack"),
        "pue": float_slider("pue", pue, 1.0, 2.0, 0.05, "PUE (your facility)"),
        "delta_t_k": float_slider("delta_t_k", delta_t_k, 5, 20, 1, "coolant warms by (K)", ".0f"),
    }

    def compute_(nodes_per_rack, pue, delta_t_k):
        it_w = power.rack_power_w(nodes_per_rack)
        facility_w = power.facility_power_w(it_w, pue)
        air = power.coolant_flow_m3_per_s(it_w, delta_t_k, "air")
        water = power.coolant_flow_m3_per_s(it_w, delta_t_k, "water")
        headline = (f"{nodes_per_rack} DGX H100: {it_w / 1e3:,.1f} kW of IT load, {facility_w / 1e3:,.1f} kW at PUE "
                    f"{pue:.2f}; to carry it off at +{delta_t_k:.0f} K: {air / power.M3_PER_S_PER_CFM:,.0f} CFM of air "
                    f"or {1e3 * water:.2f} L/s of water")
        details = (f"<p>{units.format_si(air, 'm³/s')} of air vs {units.format_si(water, 'm³/s')} of water: per "
                   f"litre and per kelvin water carries {air / water:,.0f} times more heat.</p>")
        return ViewUpdate(headline, details, lambda fig: plot_rack_power(fig.add_subplot(), it_w, facility_w))

    return CalculatorView(controls, compute_, figsize=(6.0, 3.0))


# --------------------------------------------------------------------------- software stack


def plot_software_stack(ax):
    """The stack map as a grid: layers bottom to top, one column per vendor."""
    layers, vendors = software_stack.layers(), software_stack.vendors()
    colors = ["#cde3f7", "#cfe8cf", "#fde2c8", "#f2d7e8", "#fff3b0", "#e0e0f8"]
    for row, layer in enumerate(layers):
        ax.text(-0.05, row + 0.5, layer.name.replace(", runtime", ",\nruntime").replace(" ", "\n", 1)
                if len(layer.name) > 16 else layer.name, ha="right", va="center", fontsize=7.5)
        for col, vendor in enumerate(vendors):
            ax.add_patch(FancyBboxPatch((col + 0.05, row + 0.08), 0.9, 0.84, boxstyle="round,pad=0.01",
                                        fc=colors[row % len(colors)], ec="black", lw=0.5))
            ax.text(col + 0.5, row + 0.5, layer.projects[vendor].value.replace(", ", ",\n"), ha="center",
                    va="center", fontsize=7)
    for col, vendor in enumerate(vendors):
        ax.text(col + 0.5, len(layers) + 0.15, vendor, ha="center", va="bottom", fontsize=9, weight="bold")
    ax.set_xlim(-0.05, len(vendors))
    ax.set_ylim(0, len(layers) + 0.6)
    ax.axis("off")
    return ax


def software_stack_table() -> str:
    """HTML table of the stack: layer, what it does, and the project per vendor."""
    vendors = software_stack.vendors()
    rows = [[layer.name, layer.does, *(layer.projects[v].value for v in vendors)]
            for layer in reversed(software_stack.layers())]
    return html_table(rows, ["layer", "what it does", *vendors])


# --------------------------------------------------------------------------- beyond NVIDIA


def accelerator_table(names=("H100 SXM", "B200", "MI300X", "TPU v5p", "TPU v6e", "Gaudi 3")) -> str:
    """HTML table of catalog accelerators (dense bf16 TFLOPS, memory, bandwidth, links, power), "—" where unpublished."""
    rows = []
    for name in names:
        gpu = hardware.get_gpu(name)
        rows.append([gpu.name, gpu.vendor, f"{gpu.peak_tflops('bf16'):,.0f}" if gpu.peak_tflops("bf16") else "—",
                     f"{gpu.memory_gb:g}", f"{gpu.memory_bandwidth_gbs:,g}",
                     f"{gpu.interconnect_gbs:,g}" if gpu.interconnect_gbs else "—",
                     f"{gpu.tdp_w:g}" if gpu.tdp_w else "not published"])
    return html_table(rows, ["chip", "vendor", "bf16 TFLOPS", "memory GB", "GB/s", "chip-to-chip GB/s (both ways)",
                             "power W"])
