"""Measure THIS machine: matrix-multiply speed, memory bandwidth, and the GPU if PyTorch sees one.

Numbers here are measurements, so they depend on the machine, its load and its clock; run
``python -m course_lib.measure`` (``--json`` for JSON, ``--full`` for bigger sizes). Rates are
in GFLOPS (1e9 FLOP/s) and TFLOPS (1e12 FLOP/s), an n x n @ n x n matmul counting 2 n^3 FLOP;
bandwidths in GB/s (1e9 bytes/s). Each timing is the best of a few repeats after a warm-up run.

The CPU peak is an *estimate* from the instruction-set flags, core count and clock, with stated
assumptions (see :func:`flop_per_cycle`); it is not a datasheet number.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from course_lib import _validate, hardware, units

DTYPES = ("float32", "float64")
FLAGS_OF_INTEREST = ("sse2", "avx", "fma", "avx2", "avx512f", "avx512_bf16", "amx_tile")
GPU_PRECISIONS = ("bf16", "fp16", "tf32")


# --------------------------------------------------------------------------- CPU measurements


def _best_seconds(fn, repeats: int) -> float:
    """Best wall time of ``repeats`` calls of ``fn`` (seconds), after one untimed warm-up call."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return max(best, 1e-9)  # a clock tick can read 0 on coarse timers


def matmul_gflops(n=512, dtype="float32", repeats=3) -> float:
    """GFLOPS of numpy's ``A @ B`` for n x n matrices (2 n^3 FLOP), best of ``repeats``.

    numpy hands the product to its BLAS library (OpenBLAS, MKL or Accelerate), which uses SIMD
    instructions and every core.
    """
    n = _validate.positive_int("n", n)
    dtype = _validate.choice("dtype", dtype, DTYPES)
    repeats = _validate.positive_int("repeats", repeats)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    return 2 * n**3 / _best_seconds(lambda: a @ b, repeats) / 1e9


def python_loop_gflops(n=64) -> float:
    """GFLOPS of a pure-Python triple loop multiplying two n x n lists of floats (2 n^3 FLOP).

    One interpreted multiply-add at a time, one core, no SIMD: the contrast to
    :func:`matmul_gflops`. n = 64 takes a few hundredths of a second.
    """
    n = _validate.positive_int("n", n)
    a = [[float(i + j) for j in range(n)] for i in range(n)]
    b = [[float(i - j) for j in range(n)] for i in range(n)]

    def multiply():
        columns = list(zip(*b, strict=True))
        c = []
        for row in a:
            out = []
            for col in columns:
                total = 0.0
                for k in range(n):
                    total += row[k] * col[k]
                out.append(total)
            c.append(out)
        return c

    return 2 * n**3 / _best_seconds(multiply, 1) / 1e9


def memory_bandwidth_gbs(n_bytes=256e6, repeats=3) -> float:
    """Main-memory bandwidth in GB/s from copying an ``n_bytes`` array into another.

    A copy reads n_bytes and writes n_bytes, so 2 x n_bytes count as moved (the convention of
    the STREAM "copy" kernel). Hidden traffic (the CPU reading destination lines before writing
    them) is not counted, so this is a lower bound. Arrays much larger than the last-level
    cache (256 MB by default) measure DRAM, not cache.
    """
    n_bytes = _validate.positive("n_bytes", n_bytes)
    repeats = _validate.positive_int("repeats", repeats)
    count = max(int(n_bytes) // 8, 1)
    source = np.ones(count, dtype=np.float64)
    destination = np.empty_like(source)
    return 2 * source.nbytes / _best_seconds(lambda: np.copyto(destination, source), repeats) / 1e9


# --------------------------------------------------------------------------- CPU description and peak estimate


def parse_cpuinfo(text: str) -> dict:
    """Model, vendor, family, clock, physical cores and flags from Linux ``/proc/cpuinfo`` text.

    Keys: ``model_name``, ``vendor``, ``family`` (int or None), ``clock_mhz`` (the "cpu MHz"
    line: the current clock, or under a hypervisor often the base clock), ``physical_cores``
    (distinct (physical id, core id) pairs; None if the file does not say), ``flags`` (set of all
    flags of the first processor).
    """
    processors, current = [], {}
    for line in text.splitlines():
        if not line.strip():
            if current:
                processors.append(current)
            current = {}
            continue
        key, _, value = line.partition(":")
        current[key.strip()] = value.strip()
    if current:
        processors.append(current)
    first = processors[0] if processors else {}
    pairs = {(p["physical id"], p["core id"]) for p in processors if "physical id" in p and "core id" in p}
    family = first.get("cpu family", "")
    clock = first.get("cpu MHz", "")
    return {
        "model_name": first.get("model name") or first.get("Hardware") or None,
        "vendor": first.get("vendor_id") or None,
        "family": int(family) if family.isdigit() else None,
        "clock_mhz": float(clock) if clock.replace(".", "", 1).isdigit() else None,
        "physical_cores": len(pairs) or None,
        "flags": set((first.get("flags") or first.get("Features") or "").split()),
    }


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def cpu_info() -> dict:
    """This CPU: model name, vendor, logical and physical cores, clock, flags of interest.

    From ``/proc/cpuinfo`` and ``/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq`` on Linux;
    elsewhere (macOS, Windows) only ``platform`` and ``os.cpu_count()``, the rest None.
    ``clock_mhz`` is the maximum clock from cpufreq when available, else the "cpu MHz" line;
    ``clock_source`` says which. ``flags`` lists those of :data:`FLAGS_OF_INTEREST` present.
    """
    parsed = parse_cpuinfo(_read("/proc/cpuinfo") or "")
    max_khz = (_read("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq") or "").strip()
    max_clock_mhz = int(max_khz) / 1000 if max_khz.isdigit() else None
    if max_clock_mhz:
        clock_mhz, clock_source = max_clock_mhz, "cpufreq maximum"
    elif parsed["clock_mhz"]:
        clock_mhz, clock_source = parsed["clock_mhz"], "/proc/cpuinfo cpu MHz: current or base clock"
    else:
        clock_mhz, clock_source = None, None
    return {
        "model_name": parsed["model_name"] or platform.processor() or platform.machine() or None,
        "vendor": parsed["vendor"],
        "family": parsed["family"],
        "machine": platform.machine(),
        "logical_cores": os.cpu_count(),
        "physical_cores": parsed["physical_cores"],
        "max_clock_mhz": max_clock_mhz,
        "clock_mhz": clock_mhz,
        "clock_source": clock_source,
        "flags": [f for f in FLAGS_OF_INTEREST if f in parsed["flags"]],
    }


def flop_per_cycle(flags, dtype="float32", vendor="", family=None) -> int | None:
    """Peak FLOP per clock cycle of one x86 core: 2 vector units x SIMD lanes x (2 if FMA else 1).

    Assumptions, stated because this is an estimate: two vector FMA (or add + multiply) units
    per core; SIMD width 512 bits with ``avx512f``, 256 with ``avx``, 128 with ``sse2``; an FMA
    counts 2 FLOP. So AVX2 + FMA: 2 x 8 fp32 lanes x 2 = 32 FLOP/cycle; AVX-512: 64 (fp64: half).
    AMD Zen 4 (vendor AuthenticAMD, family 25) executes 512-bit FMAs on its two 256-bit pipes in
    two cycles (LLVM's Znver4 scheduling model, from AMD's Zen 4 Software Optimization Guide,
    pub. 57647), so it gets the 256-bit figure; Intel Xeon Silver/Bronze and several client
    cores have one AVX-512 FMA unit, so there the result is 2x too high. None when no x86 SIMD
    flag is present (e.g. Arm, or unknown flags).
    """
    dtype = _validate.choice("dtype", dtype, DTYPES)
    flags = set(flags)
    if "avx512f" in flags and not (vendor == "AuthenticAMD" and family is not None and family <= 25):
        bits = 512
    elif "avx" in flags:
        bits = 256
    elif "sse2" in flags:
        bits = 128
    else:
        return None
    lanes = bits // (32 if dtype == "float32" else 64)
    return 2 * lanes * (2 if "fma" in flags else 1)


def peak_gflops_estimate(cores, clock_mhz, flags, dtype="float32", vendor="", family=None) -> float | None:
    """cores x clock x :func:`flop_per_cycle`, in GFLOPS; None if FLOP/cycle is unknown."""
    cores = _validate.positive_int("cores", cores)
    clock_mhz = _validate.positive("clock_mhz", clock_mhz)
    per_cycle = flop_per_cycle(flags, dtype, vendor, family)
    return None if per_cycle is None else cores * clock_mhz * 1e6 * per_cycle / 1e9


def cpu_peak_gflops_estimate(dtype="float32", info=None) -> float | None:
    """Estimated peak GFLOPS of this CPU (all physical cores), or None if it cannot be derived.

    ``info`` is a :func:`cpu_info` dict (read now if omitted). The clock is the cpufreq maximum
    or the reported clock; boost clocks above it make measurements exceed this estimate.
    """
    info = info if info is not None else cpu_info()
    cores = info.get("physical_cores") or info.get("logical_cores")
    if not cores or not info.get("clock_mhz"):
        return None
    return peak_gflops_estimate(cores, info["clock_mhz"], info["flags"], dtype, info.get("vendor") or "",
                                info.get("family"))


# --------------------------------------------------------------------------- GPU


@dataclass
class GPUMeasurement:
    """What :func:`gpu_measurement` found. ``available`` False means "no GPU here" (see ``reason``).

    tflops: measured dense matmul TFLOPS per precision ("bf16", "fp16", "tf32").
    memory_bandwidth_gbs: device-to-device copy, read + write bytes counted.
    catalog_name: the course catalog row matched to the device name (None if none matched);
    percent_of_peak: measured / catalog peak x 100 per precision and "memory_bandwidth".
    """

    available: bool
    reason: str
    name: str | None = None
    catalog_name: str | None = None
    tflops: dict = field(default_factory=dict)
    memory_bandwidth_gbs: float | None = None
    percent_of_peak: dict = field(default_factory=dict)


def _words(text: str) -> set:
    return set("".join(c if c.isalnum() else " " for c in text.lower()).split())


def catalog_gpu_for(device_name: str) -> hardware.GPU | None:
    """The catalog GPU whose name or alias best matches a driver's device name, or None.

    ``"NVIDIA A100-SXM4-80GB"`` -> A100 SXM 80GB, ``"NVIDIA A100 80GB PCIe"`` -> A100 PCIe 80GB,
    ``"NVIDIA H100 80GB HBM3"`` -> H100 SXM. An alias matches when all its words are words of the
    device name ("a100" does not match "A1000"); the alias with most words wins. Variants missing
    from the catalog fall back to the closest row, so read ``catalog_name`` before trusting a %.
    """
    words = _words(device_name)
    best, best_score = None, (0, 0)
    for gpu in hardware.list_gpus("gpu"):
        for key in (gpu.name, *gpu.aliases):
            alias = _words(key)
            score = (len(alias), len(key))
            if alias and alias <= words and score > best_score:
                best, best_score = gpu, score
    return best


def _time_cuda(torch, fn, repeats: int) -> float:
    """Mean seconds per call of ``fn`` on the GPU, with CUDA events, after two warm-up calls."""
    fn()
    fn()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(repeats):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / 1e3 / repeats


def _measure_cuda(torch, quick: bool) -> GPUMeasurement:
    name = torch.cuda.get_device_name()
    n, repeats = 8192, (5 if quick else 20)
    tflops = {}
    for precision, dtype in (("bf16", torch.bfloat16), ("fp16", torch.float16), ("tf32", torch.float32)):
        a = torch.randn(n, n, device="cuda", dtype=dtype)
        b = torch.randn(n, n, device="cuda", dtype=dtype)
        previous = torch.backends.cuda.matmul.allow_tf32
        torch.backends.cuda.matmul.allow_tf32 = True  # only affects float32: TF32 tensor cores
        try:
            tflops[precision] = 2 * n**3 / _time_cuda(torch, lambda a=a, b=b: a @ b, repeats) / 1e12
        finally:
            torch.backends.cuda.matmul.allow_tf32 = previous
    free_bytes, _ = torch.cuda.mem_get_info()
    n_bytes = int(min(1e9 if quick else 4e9, free_bytes / 4))
    source = torch.empty(n_bytes, dtype=torch.uint8, device="cuda")
    destination = torch.empty_like(source)
    bandwidth = 2 * n_bytes / _time_cuda(torch, lambda: destination.copy_(source), repeats) / 1e9
    gpu = catalog_gpu_for(name)
    percent = {}
    if gpu is not None:
        for precision, value in tflops.items():
            peak = gpu.peak_tflops(precision)
            percent[precision] = 100 * value / peak if peak else None
        percent["memory_bandwidth"] = 100 * bandwidth / gpu.memory_bandwidth_gbs
    return GPUMeasurement(available=True, reason=f"measured with torch {torch.__version__}", name=name,
                          catalog_name=gpu.name if gpu else None, tflops=tflops, memory_bandwidth_gbs=bandwidth,
                          percent_of_peak=percent)


def gpu_measurement(quick=True) -> GPUMeasurement:
    """Measure the GPU with PyTorch, if installed with a CUDA (or ROCm) device; never raises.

    bf16, fp16 and tf32 matmul TFLOPS (8192 x 8192, CUDA events, warm-up first), device memory
    bandwidth (a 1 GB device copy; 4 GB with ``quick=False``) and % of the catalog peak.
    Without torch or a GPU, returns ``available=False`` with the reason ("no GPU here: ...").
    """
    try:
        import torch
    except ImportError:
        return GPUMeasurement(available=False, reason="no GPU here: PyTorch (torch) is not installed")
    try:
        if not torch.cuda.is_available():
            return GPUMeasurement(available=False,
                                  reason=f"no GPU here: torch {torch.__version__} finds no CUDA device")
        return _measure_cuda(torch, quick)
    except Exception as error:  # a measurement tool reports failures instead of crashing a notebook
        return GPUMeasurement(available=False, reason=f"GPU measurement failed: {type(error).__name__}: {error}")


# --------------------------------------------------------------------------- everything


@dataclass
class Measurement:
    """Everything :func:`measure_all` measured; ``to_dict()`` for JSON. GFLOPS, GB/s, seconds."""

    cpu: dict
    matmul_n: int
    matmul_gflops: dict  # dtype -> measured GFLOPS
    cpu_flop_per_cycle: dict  # dtype -> assumed FLOP/cycle/core (None if unknown)
    cpu_peak_gflops_estimate: dict  # dtype -> GFLOPS (None if unknown)
    percent_of_peak: dict  # dtype -> measured / estimate x 100 (None if unknown)
    python_loop_n: int
    python_loop_gflops: float
    numpy_speedup: float  # numpy float32 matmul GFLOPS / Python-loop GFLOPS
    memory_copy_bytes: float
    memory_bandwidth_gbs: float
    gpu: GPUMeasurement
    seconds: float  # how long measure_all took

    def to_dict(self) -> dict:
        return asdict(self)


def measure_all(quick=True, progress: Callable[[str], None] | None = None) -> Measurement:
    """Measure the CPU (matmul, Python loop, memory copy) and the GPU; a few seconds when ``quick``.

    ``progress`` is called with a short message before each step (a notebook can pass a Label
    updater; the command line prints them). ``quick=False`` uses bigger sizes for steadier numbers.
    """
    say = progress or (lambda message: None)
    started = time.perf_counter()
    matmul_n, loop_n, copy_bytes = (512, 64, 256e6) if quick else (2048, 128, 1e9)
    say("reading CPU information")
    info = cpu_info()
    gflops, per_cycle, peak, percent = {}, {}, {}, {}
    for dtype in DTYPES:
        say(f"numpy matmul {matmul_n}x{matmul_n} {dtype}")
        gflops[dtype] = matmul_gflops(matmul_n, dtype, repeats=3 if quick else 5)
        per_cycle[dtype] = flop_per_cycle(info["flags"], dtype, info["vendor"] or "", info["family"])
        peak[dtype] = cpu_peak_gflops_estimate(dtype, info)
        percent[dtype] = 100 * gflops[dtype] / peak[dtype] if peak[dtype] else None
    say(f"pure-Python matmul {loop_n}x{loop_n}")
    loop = python_loop_gflops(loop_n)
    say(f"memory copy of {units.format_si(copy_bytes, 'B')}")
    bandwidth = memory_bandwidth_gbs(copy_bytes)
    say("GPU (needs PyTorch with CUDA)")
    gpu = gpu_measurement(quick)
    return Measurement(cpu=info, matmul_n=matmul_n, matmul_gflops=gflops, cpu_flop_per_cycle=per_cycle,
                       cpu_peak_gflops_estimate=peak, percent_of_peak=percent, python_loop_n=loop_n,
                       python_loop_gflops=loop, numpy_speedup=gflops["float32"] / loop,
                       memory_copy_bytes=copy_bytes, memory_bandwidth_gbs=bandwidth, gpu=gpu,
                       seconds=time.perf_counter() - started)


def format_report(m: Measurement) -> str:
    """A plain-text table of a :class:`Measurement`: measured vs estimated peak, % of peak."""
    cpu = m.cpu
    cores = f"{cpu['physical_cores'] or '?'} physical / {cpu['logical_cores'] or '?'} logical cores"
    clock = f"{cpu['clock_mhz']:.0f} MHz ({cpu['clock_source']})" if cpu["clock_mhz"] else "clock unknown"

    def rate(gflops):
        return units.format_si(gflops * 1e9, "FLOPS")

    lines = [f"CPU: {cpu['model_name'] or 'unknown'}; {cores}; {clock}",
             f"     flags: {', '.join(cpu['flags']) or 'unknown'}", "",
             f"{'':34}{'measured':>14}{'estimated peak':>16}{'% of peak':>11}"]
    for dtype in DTYPES:
        peak = m.cpu_peak_gflops_estimate[dtype]
        lines.append(f"{f'numpy matmul {m.matmul_n}^3 {dtype}':34}{rate(m.matmul_gflops[dtype]):>14}"
                     f"{rate(peak) if peak else '-':>16}"
                     f"{f'{m.percent_of_peak[dtype]:.0f}%' if peak else '-':>11}")
    lines.append(f"{f'pure-Python loop {m.python_loop_n}^3':34}{rate(m.python_loop_gflops):>14}")
    copy_size = units.format_si(m.memory_copy_bytes, "B")
    lines.append(f"{f'memory copy ({copy_size})':34}"
                 f"{units.format_si(m.memory_bandwidth_gbs * 1e9, 'B/s'):>14}")
    lines += ["", f"numpy (BLAS) is {m.numpy_speedup:,.0f}x faster than the pure-Python loop."]
    if m.cpu_flop_per_cycle["float32"] and m.cpu_peak_gflops_estimate["float32"]:
        n_cores = cpu["physical_cores"] or cpu["logical_cores"]
        lines.append(f"Peak estimate = cores x clock x FLOP/cycle = {n_cores} x {cpu['clock_mhz']:.0f} MHz x "
                     f"{m.cpu_flop_per_cycle['float32']} (float32); an estimate, not a datasheet figure.")
        if m.percent_of_peak["float32"] > 100:
            lines.append("Measured above the estimate: the clock read is probably the base clock; "
                         "boost clocks run faster.")
    lines.append("")
    gpu = m.gpu
    if not gpu.available:
        lines.append(f"GPU: {gpu.reason}")
    else:
        lines.append(f"GPU: {gpu.name} (catalog row: {gpu.catalog_name or 'none matched'}; {gpu.reason})")
        for precision, value in gpu.tflops.items():
            pct = gpu.percent_of_peak.get(precision)
            lines.append(f"{f'  matmul 8192^3 {precision}':34}{units.format_si(value * 1e12, 'FLOPS'):>14}"
                         f"{f'{pct:.0f}% of peak' if pct else '':>27}")
        pct = gpu.percent_of_peak.get("memory_bandwidth")
        lines.append(f"{'  device memory copy':34}{units.format_si(gpu.memory_bandwidth_gbs * 1e9, 'B/s'):>14}"
                     f"{f'{pct:.0f}% of peak' if pct else '':>27}")
    lines.append(f"(measured in {m.seconds:.1f} s)")
    return "\n".join(lines)


def main(argv=None) -> int:
    """Command line: ``python -m course_lib.measure [--json] [--full]``."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.measure", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON to stdout instead of a table")
    parser.add_argument("--full", action="store_true", help="bigger sizes: steadier numbers, a few seconds more")
    args = parser.parse_args(argv)
    result = measure_all(quick=not args.full, progress=lambda message: print(f"... {message}", file=sys.stderr))
    print(json.dumps(result.to_dict(), indent=2) if args.json else format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
