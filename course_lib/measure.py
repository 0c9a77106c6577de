"""Measure THIS machine: the CPU always, the GPU when PyTorch sees one, and published reference results.

Everything here is a measurement, so it depends on the machine, its clock and what else runs.
To make the numbers trustworthy, every kernel is timed the same way (:func:`time_calls`): untimed
warm-up calls first, then repeated calls for a fixed time budget, reported as the **median** with
its spread (quartiles and extremes, :class:`Spread`), never as a single best or first run.

* CPU (:func:`cpu_report`): numpy matmul in float32 and float64, a pure-Python loop and a memory
  copy, beside an *estimated* peak (cores x clock x FLOP per cycle from the instruction-set flags;
  :func:`flop_per_cycle` states the assumptions). Measured once per Python session and cached in a
  small JSON file (:func:`cache_path`), so notebooks 01, 03 and 11 show the same number.
* GPU (:func:`gpu_report`, needs PyTorch with a CUDA or ROCm device; never required): matmul
  TFLOPS per precision over a small sweep of square sizes (the best size is the *achievable*
  maximum, the idea of S. Bekman's "Maximum Achievable Matmul FLOPS" (MAMF) finder, ml-engineering,
  compute/accelerator/benchmarks), device-memory bandwidth (a large copy), host-to-device
  bandwidth from pinned and pageable memory, and the kernel-launch latency; each beside the
  catalog peak of the GPU it was matched to. GPU kernels are timed with CUDA events, one pair per
  call, after a synchronising warm-up; the L2 cache is overwritten between matmul calls, as the
  MAMF finder does. Planned for 10-25 s on a T4 (estimated from its datasheet rates; steps past
  25 s are skipped).
* The race (:func:`race`): the same float32 matmul on the CPU (numpy) and the GPU at growing
  sizes, the GPU also in fp16 (Tensor Cores) and end to end (copy in, multiply, copy back).
* Published measurements (:func:`reference_measurements`, ``data/gpu_measurements.json``): each
  with its GPU, software versions, date, place and source, for learners without a GPU.

Units: an (m x k) @ (k x n) matmul counts 2 m n k FLOP; GFLOPS = 1e9 FLOP/s, TFLOPS = 1e12;
bandwidths in GB/s = 1e9 bytes/s (a copy moves its bytes twice: read + write, the STREAM "copy"
convention; a host-to-device transfer counts its bytes once, one direction); times in seconds.

Command line: ``python -m course_lib.measure`` prints the same report as the notebooks
(``--json`` for JSON, ``--refresh`` to measure again instead of reading the cache).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import math
import operator
import os
import platform
import sys
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypedDict

import numpy as np

from course_lib import _validate, hardware, parallel, units

DTYPES = ("float32", "float64")
FLAGS_OF_INTEREST = ("sse2", "avx", "fma", "avx2", "avx512f", "avx512_bf16", "amx_tile")
GPU_DTYPES = ("fp32", "tf32", "fp16", "bf16")

# Bounds: every size and repeat parameter is capped so that no call runs for minutes.
MAX_MATMUL_N = 2048  # a 2048^3 float64 matmul: 17 GFLOP, about 1 s on a slow laptop core pair
MAX_LOOP_N = 256  # pure Python: 2 x 256^3 = 34 MFLOP, about 1 s
MAX_COPY_BYTES = 1e9
MAX_BUDGET_S = 10.0
MAX_REPEATS = 10_000
MIN_REPEATS = 3

DEFAULT_MATMUL_N = 1024
SWEEP_SIZES = (1024, 2048, 4096, 8192)  # square GPU matmuls of the sweep
RACE_SIZES = (64, 128, 256, 512, 1024, 2048, 4096)
RACE_CPU_MAX_N = 1024  # numpy at 2048^3 already takes 0.1-1 s per call on a 2-core (Colab) CPU
GPU_TIME_LIMIT_S = 25.0  # gpu_report skips the remaining steps past this (it stays < 30 s on a T4)

CACHE_ENV = "COURSE_LIB_CACHE_DIR"
CACHE_SCHEMA = 1

_clock = time.perf_counter  # the wall clock of every host-side timing (tests replace it for a fake GPU)


# --------------------------------------------------------------------------- timing and spread


@dataclass(frozen=True)
class Spread:
    """A quantity measured ``repeats`` times: median, quartiles (middle half) and extremes, in ``unit``."""

    unit: str
    median: float
    q1: float  # 25th percentile
    q3: float  # 75th percentile
    minimum: float
    maximum: float
    repeats: int

    @classmethod
    def of(cls, values: Sequence[float], unit: str) -> Spread:
        """The spread of ``values`` (at least one finite, positive number each)."""
        array = np.asarray(values, dtype=float)
        if array.size == 0 or not np.all(np.isfinite(array)) or np.any(array <= 0):
            raise ValueError(f"values: need at least one finite positive number, got {list(values)!r}")
        q1, median, q3 = np.percentile(array, [25, 50, 75])
        return cls(unit, float(median), float(q1), float(q3), float(array.min()), float(array.max()), int(array.size))

    @classmethod
    def of_rates(cls, work: float, seconds: Sequence[float], unit: str, scale: float = 1.0) -> Spread:
        """Rates ``work / seconds / scale`` of each timed call, e.g. FLOP / s / 1e9 in "GFLOPS"."""
        return cls.of([work / s / scale for s in seconds], unit)

    @property
    def relative_iqr(self) -> float:
        """Width of the middle half (q3 - q1) as a fraction of the median: 0.05 means +-2.5 %."""
        return (self.q3 - self.q1) / self.median

    def describe(self) -> str:
        """``"152 GFLOPS (middle half 140-160, all runs 20-170; 212 runs)"``."""
        def g(x: float) -> str:
            return f"{x:,.3g}"

        return (f"{g(self.median)} {self.unit} (middle half {g(self.q1)}-{g(self.q3)}, "
                f"all runs {g(self.minimum)}-{g(self.maximum)}; {self.repeats} runs)")


def _budget(budget_s: Any) -> float:
    budget_s = _validate.positive("budget_s", budget_s)
    if budget_s > MAX_BUDGET_S:
        raise ValueError(f"budget_s must be at most {MAX_BUDGET_S} s, got {budget_s!r}")
    return budget_s


def _repeats(name: str, value: Any, low: int = 1) -> int:
    value = _validate.positive_int(name, value)
    if not low <= value <= MAX_REPEATS:
        raise ValueError(f"{name} must be between {low} and {MAX_REPEATS:,}, got {value!r}")
    return value


def time_calls(fn: Callable[[], object], budget_s: float = 0.3, min_repeats: int = MIN_REPEATS,
               max_repeats: int = 1000, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of each timed call of ``fn``, after ``warmup`` untimed calls.

    Calls repeat until ``budget_s`` seconds of timed calls have passed and at least
    ``min_repeats`` were timed, but never more than ``max_repeats``. The first calls of a kernel
    pay one-off costs (threads starting, caches and clocks ramping up): the warm-up absorbs them.
    """
    budget_s = _budget(budget_s)
    max_repeats = _repeats("max_repeats", max_repeats)
    min_repeats = _repeats("min_repeats", min_repeats)
    if min_repeats > max_repeats:
        raise ValueError(f"min_repeats ({min_repeats}) must not exceed max_repeats ({max_repeats})")
    warmup = _validate.non_negative_int("warmup", warmup)
    if warmup > 100:
        raise ValueError(f"warmup must be at most 100 calls, got {warmup!r}")
    for _ in range(warmup):
        fn()
    seconds: list[float] = []
    spent = 0.0
    while len(seconds) < max_repeats and (spent < budget_s or len(seconds) < min_repeats):
        start = _clock()
        fn()
        elapsed = max(_clock() - start, 1e-9)  # a coarse clock tick can read 0
        seconds.append(elapsed)
        spent += elapsed
    return seconds


# --------------------------------------------------------------------------- CPU kernels


def _size(name: str, value: Any, maximum: int) -> int:
    value = _validate.positive_int(name, value)
    if value > maximum:
        raise ValueError(f"{name} must be at most {maximum:,} (a bigger one runs for minutes), got {value!r}")
    return value


def matmul_rate(n: int = DEFAULT_MATMUL_N, dtype: str = "float32", budget_s: float = 0.3) -> Spread:
    """GFLOPS of numpy's ``A @ B`` for n x n matrices (2 n^3 FLOP per call): median and spread.

    numpy hands the product to its BLAS library (OpenBLAS, MKL or Accelerate), which uses the SIMD
    units of every core. Two warm-up calls, then calls for ``budget_s`` seconds (at least 5).
    """
    n = _size("n", n, MAX_MATMUL_N)
    dtype = _validate.choice("dtype", dtype, DTYPES)
    budget_s = _budget(budget_s)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    out = np.empty((n, n), dtype=dtype)
    seconds = time_calls(lambda: np.matmul(a, b, out=out), budget_s, min_repeats=5, warmup=2)
    return Spread.of_rates(2 * n**3, seconds, "GFLOPS", 1e9)


def python_loop_rate(n: int = 64, budget_s: float = 0.2) -> Spread:
    """GFLOPS of a pure-Python triple loop multiplying two n x n lists of floats (2 n^3 FLOP).

    One interpreted multiply-add at a time, on one core, without SIMD: the contrast to
    :func:`matmul_rate`. n = 64 takes about 10-30 ms per call.
    """
    n = _size("n", n, MAX_LOOP_N)
    budget_s = _budget(budget_s)
    a = [[float(i + j) for j in range(n)] for i in range(n)]
    b = [[float(i - j) for j in range(n)] for i in range(n)]
    columns = list(zip(*b, strict=True))

    def multiply() -> list[list[float]]:
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

    return Spread.of_rates(2 * n**3, time_calls(multiply, budget_s), "GFLOPS", 1e9)


def memory_copy_rate(n_bytes: float = 256e6, budget_s: float = 0.3) -> Spread:
    """Main-memory bandwidth in GB/s from copying an ``n_bytes`` array into another.

    A copy reads and writes n_bytes, so 2 x n_bytes count as moved (the STREAM "copy"
    convention). Hidden traffic (the CPU reading destination lines before writing them) is not
    counted, so this is a lower bound. Arrays much larger than the last-level cache (256 MB by
    default, at most 1 GB) measure DRAM, not cache.
    """
    n_bytes = _validate.positive("n_bytes", n_bytes)
    if n_bytes > MAX_COPY_BYTES:
        raise ValueError(f"n_bytes must be at most {MAX_COPY_BYTES:.0e} (1 GB), got {n_bytes!r}")
    budget_s = _budget(budget_s)
    source = np.ones(max(int(n_bytes) // 8, 1), dtype=np.float64)
    destination = np.empty_like(source)
    seconds = time_calls(lambda: np.copyto(destination, source), budget_s)
    return Spread.of_rates(2 * source.nbytes, seconds, "GB/s", 1e9)


# --------------------------------------------------------------------------- CPU description and peak estimate


class CPUInfo(TypedDict):
    """What :func:`cpu_info` reads about this CPU (None where the operating system does not say)."""

    model_name: str | None
    vendor: str | None
    family: int | None
    machine: str
    logical_cores: int | None
    physical_cores: int | None
    max_clock_mhz: float | None
    clock_mhz: float | None
    clock_source: str | None
    flags: list[str]


def parse_cpuinfo(text: str) -> dict:
    """Model, vendor, family, clock, physical cores and flags from Linux ``/proc/cpuinfo`` text.

    Keys: ``model_name``, ``vendor``, ``family`` (int or None), ``clock_mhz`` (the "cpu MHz"
    line: the current clock, or under a hypervisor often the base clock), ``physical_cores``
    (distinct (physical id, core id) pairs; None if the file does not say), ``flags`` (set of all
    flags of the first processor).
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be the text of /proc/cpuinfo (a str), got {type(text).__name__}")
    processors: list[dict[str, str]] = []
    current: dict[str, str] = {}
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


def cpu_info() -> CPUInfo:
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
    return CPUInfo(
        model_name=parsed["model_name"] or platform.processor() or platform.machine() or None,
        vendor=parsed["vendor"], family=parsed["family"], machine=platform.machine(),
        logical_cores=os.cpu_count(), physical_cores=parsed["physical_cores"], max_clock_mhz=max_clock_mhz,
        clock_mhz=clock_mhz, clock_source=clock_source,
        flags=[f for f in FLAGS_OF_INTEREST if f in parsed["flags"]])


def flop_per_cycle(flags: Collection[str], dtype: str = "float32", vendor: str = "", family: int | None = None) -> int | None:
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
    if isinstance(flags, str) or not isinstance(flags, (set, frozenset, list, tuple)):
        raise TypeError(f"flags must be a set or list of flag names, got {type(flags).__name__}")
    if not isinstance(vendor, str):
        raise TypeError(f"vendor must be a str such as 'GenuineIntel', got {type(vendor).__name__}")
    if family is not None:
        family = _validate.non_negative_int("family", family)
    names = set(flags)
    if "avx512f" in names and not (vendor == "AuthenticAMD" and family is not None and family <= 25):
        bits = 512
    elif "avx" in names:
        bits = 256
    elif "sse2" in names:
        bits = 128
    else:
        return None
    lanes = bits // (32 if dtype == "float32" else 64)
    return 2 * lanes * (2 if "fma" in flags else 1)


def peak_gflops_estimate(cores: int, clock_mhz: float, flags: Collection[str], dtype: str = "float32", vendor: str = "",
                         family: int | None = None) -> float | None:
    """cores x clock x :func:`flop_per_cycle`, in GFLOPS; None if FLOP/cycle is unknown."""
    cores = _validate.positive_int("cores", cores)
    clock_mhz = _validate.positive("clock_mhz", clock_mhz)
    per_cycle = flop_per_cycle(flags, dtype, vendor, family)
    return None if per_cycle is None else cores * clock_mhz * 1e6 * per_cycle / 1e9


def cpu_peak_gflops_estimate(dtype: str = "float32", info: Mapping | None = None) -> float | None:
    """Estimated peak GFLOPS of this CPU (all physical cores), or None if it cannot be derived.

    ``info`` is a :func:`cpu_info` dict (read now if omitted). The clock is the cpufreq maximum
    or the reported clock; boost clocks above it make measurements exceed this estimate.
    """
    if info is not None and not isinstance(info, Mapping):
        raise TypeError(f"info must be a cpu_info() dict, got {type(info).__name__}")
    info = info if info is not None else cpu_info()
    cores = info.get("physical_cores") or info.get("logical_cores")
    clock = info.get("clock_mhz")
    if not cores or not clock:
        return None
    return peak_gflops_estimate(cores, clock, info.get("flags") or [], dtype, info.get("vendor") or "",
                                info.get("family"))


# --------------------------------------------------------------------------- the CPU report (cached)


@dataclass(frozen=True)
class CPUReport:
    """This CPU measured: each rate a :class:`Spread` (median and spread), beside the estimated peak.

    ``matmul_gflops``: numpy n x n matmul per dtype; ``peak_gflops_estimate`` and
    ``flop_per_cycle`` per dtype (None if not derivable); ``python_loop_gflops``;
    ``memory_bandwidth_gbs`` (copy, read + write counted). ``measured_at`` is ISO 8601 (UTC);
    ``cached_from`` is the cache file it was read from (None if measured in this session).
    """

    cpu: CPUInfo
    matmul_n: int
    matmul_gflops: dict[str, Spread]
    flop_per_cycle: dict[str, int | None]
    peak_gflops_estimate: dict[str, float | None]
    python_loop_n: int
    python_loop_gflops: Spread
    memory_copy_bytes: float
    memory_bandwidth_gbs: Spread
    measured_at: str
    seconds: float
    cached_from: str | None = None

    def percent_of_peak(self, dtype: str = "float32") -> float | None:
        """Median matmul GFLOPS / estimated peak x 100, or None without an estimate."""
        dtype = _validate.choice("dtype", dtype, DTYPES)
        peak = self.peak_gflops_estimate[dtype]
        return 100 * self.matmul_gflops[dtype].median / peak if peak else None

    @property
    def numpy_speedup(self) -> float:
        """Median numpy float32 matmul GFLOPS / median pure-Python-loop GFLOPS."""
        return self.matmul_gflops["float32"].median / self.python_loop_gflops.median

    def peak_sentence(self, dtype: str = "float32") -> str:
        """One sentence on the median vs the estimated peak, with the reason when it is above 100 %."""
        percent = self.percent_of_peak(dtype)
        if percent is None:
            return (f"No peak estimate for this CPU (its clock or SIMD flags are not known), so the {dtype} matmul "
                    "has no percentage.")
        clock = (self.cpu["clock_mhz"] or 0.0) / 1000  # a percentage exists only with a known clock
        head = (f"Your {dtype} matmul ran at {percent:.0f} % of the estimated peak "
                f"({self.peak_gflops_estimate[dtype]:,.0f} GFLOPS at {clock:.2f} GHz)")
        if percent > 100 and self.cpu["clock_source"] != "cpufreq maximum":
            return (f"{head}: above it, and that is not a measuring error. The estimate multiplies by the clock the "
                    f"operating system reports, {clock:.2f} GHz, which is usually the base clock; under load the cores "
                    "boost above it (Intel Turbo Boost, AMD Precision Boost), so the estimate is too low, not the "
                    "measurement too high.")
        if percent > 100:
            return (f"{head}: above it even at the maximum clock, so this CPU does more FLOP per cycle than the "
                    "estimate assumes (see measure.flop_per_cycle).")
        return (f"{head}: below it, as every real program is. Thread start-up, memory traffic, a lower all-core "
                "clock under load, and other programs on the machine take their share.")

    def to_dict(self) -> dict:
        """JSON-ready dict (Spreads as dicts)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> CPUReport:
        """Inverse of :meth:`to_dict`; ValueError if a field is missing or malformed."""
        try:
            values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
            values["matmul_gflops"] = {k: Spread(**v) for k, v in data["matmul_gflops"].items()}
            values["python_loop_gflops"] = Spread(**data["python_loop_gflops"])
            values["memory_bandwidth_gbs"] = Spread(**data["memory_bandwidth_gbs"])
            values["cpu"] = CPUInfo(**data["cpu"])  # type: ignore[typeddict-item]  # keys checked: KeyError/TypeError
            report = cls(**values)
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"data: not a CPUReport dict ({type(error).__name__}: {error})") from error
        if set(report.matmul_gflops) != set(DTYPES):
            raise ValueError(f"data: matmul_gflops must have {DTYPES}, got {sorted(report.matmul_gflops)}")
        return report


Progress = Callable[[float, str], None]


def _progress(progress: Any) -> Progress:
    if progress is None:
        return lambda fraction, message: None
    if not callable(progress):
        raise TypeError(f"progress must be a function progress(fraction, message), got {type(progress).__name__}")
    return progress


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def measure_cpu(progress: Progress | None = None, n: int = DEFAULT_MATMUL_N) -> CPUReport:
    """Measure this CPU now (about 1.5 s): numpy matmul (float32, float64), Python loop, memory copy.

    ``progress(fraction, message)`` is called before each step. Use :func:`cpu_report` for the
    cached measurement that every notebook shares.
    """
    say = _progress(progress)
    n = _size("n", n, MAX_MATMUL_N)
    started = _clock()
    say(0.0, "reading the CPU's description")
    info = cpu_info()
    gflops, per_cycle, peak = {}, {}, {}
    for i, dtype in enumerate(DTYPES):
        say(0.1 + 0.3 * i, f"numpy matmul {n} x {n} {dtype}")
        gflops[dtype] = matmul_rate(n, dtype)
        per_cycle[dtype] = flop_per_cycle(info["flags"], dtype, info["vendor"] or "", info["family"])
        peak[dtype] = cpu_peak_gflops_estimate(dtype, info)
    loop_n, copy_bytes = 64, 256e6
    say(0.7, f"pure-Python loop {loop_n} x {loop_n}")
    loop = python_loop_rate(loop_n)
    say(0.85, f"memory copy of {units.format_si(copy_bytes, 'B')}")
    bandwidth = memory_copy_rate(copy_bytes)
    say(1.0, "done")
    return CPUReport(cpu=info, matmul_n=n, matmul_gflops=gflops, flop_per_cycle=per_cycle,
                     peak_gflops_estimate=peak, python_loop_n=loop_n, python_loop_gflops=loop,
                     memory_copy_bytes=copy_bytes, memory_bandwidth_gbs=bandwidth, measured_at=_now(),
                     seconds=_clock() - started)


def cache_path() -> Path:
    """The measurement cache file: ``$COURSE_LIB_CACHE_DIR``, else ``$XDG_CACHE_HOME`` or ``~/.cache``,
    then ``gpu-llm-course/measurements.json``."""
    folder = os.environ.get(CACHE_ENV)
    if folder:
        return Path(folder) / "measurements.json"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gpu-llm-course" / "measurements.json"


def _cpu_key() -> dict:
    """What must match for a cached CPU measurement to count as this machine's."""
    info = cpu_info()
    return {"schema": CACHE_SCHEMA, "node": platform.node(), "model_name": info["model_name"],
            "logical_cores": info["logical_cores"], "machine": info["machine"], "numpy": np.__version__}


def _read_cache() -> dict:
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(section: str, key: dict, report: dict) -> None:
    """Store ``report`` under ``section``; a read-only or missing home folder only skips the cache."""
    data = _read_cache()
    data[section] = {"key": key, "report": report}
    path = cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    except OSError:
        pass


_SESSION: dict = {}  # measurements of this Python session (kernel): "cpu" -> CPUReport, "gpu" -> GPUReport


def cpu_report(refresh: bool = False, use_cache_file: bool = True, progress: Progress | None = None) -> CPUReport:
    """This CPU's measurement, made once and shared: by this session, and by notebooks through a cache file.

    The first call measures (:func:`measure_cpu`, about 1.5 s); later calls in the same session
    return the same report. With ``use_cache_file`` the report is also written to
    :func:`cache_path` and read back by later sessions on the same machine (same host name, CPU
    model, core count and numpy version), so notebooks 01, 03 and 11 quote one number.
    ``refresh=True`` measures again and replaces both.
    """
    refresh, use_cache_file = _validate.flag("refresh", refresh), _validate.flag("use_cache_file", use_cache_file)
    if not refresh and "cpu" in _SESSION:
        return _SESSION["cpu"]
    key = _cpu_key()
    if not refresh and use_cache_file:
        entry = _read_cache().get("cpu") or {}
        if entry.get("key") == key:
            try:
                report = CPUReport.from_dict(dict(entry["report"], cached_from=str(cache_path())))
            except ValueError:
                report = None
            if report is not None:
                _SESSION["cpu"] = report
                return report
    report = measure_cpu(progress)
    _SESSION["cpu"] = report
    if use_cache_file:
        _write_cache("cpu", key, dict(report.to_dict(), cached_from=None))
    return report


# --------------------------------------------------------------------------- GPU: catalog match


def _words(text: str) -> set:
    return set("".join(c if c.isalnum() else " " for c in text.lower()).split())


def catalog_gpu_for(device_name: str) -> hardware.GPU | None:
    """The catalog GPU whose name or alias best matches a driver's device name, or None.

    ``"NVIDIA A100-SXM4-80GB"`` -> A100 SXM 80GB, ``"NVIDIA A100 80GB PCIe"`` -> A100 PCIe 80GB,
    ``"NVIDIA H100 80GB HBM3"`` -> H100 SXM, ``"Tesla T4"`` -> T4. An alias matches when all its
    words are words of the device name ("a100" does not match "A1000"); the alias with most words
    wins. Variants missing from the catalog fall back to the closest row (a V100 16 GB to the
    32 GB row, same chip and peaks), so read ``catalog_name`` before trusting a %.
    """
    if not isinstance(device_name, str):
        raise TypeError(f"device_name must be the GPU's name as a str, got {type(device_name).__name__}")
    words = _words(device_name)
    best, best_score = None, (0, 0)
    for gpu in hardware.list_gpus("gpu"):
        for key in (gpu.name, *gpu.aliases):
            alias = _words(key)
            score = (len(alias), len(key))
            if alias and alias <= words and score > best_score:
                best, best_score = gpu, score
    return best


def _catalog_peak(gpu: hardware.GPU | None, dtype: str) -> float | None:
    return gpu.peak_tflops(dtype) if gpu is not None else None


# --------------------------------------------------------------------------- GPU: timing on the device


class _Device:
    """The few torch calls the GPU measurements need, on one device, with its timers.

    On CUDA, kernels are timed with CUDA events (one start/end pair per call, read after one
    synchronise); elsewhere (a CPU torch, used by the tests) with the wall clock.
    """

    def __init__(self, torch: Any, device: str) -> None:
        self.torch, self.device = torch, device
        self.cuda = device.startswith("cuda")

    def sync(self) -> None:
        if self.cuda:
            self.torch.cuda.synchronize()

    def wall_seconds(self, fn: Callable[[], object], budget_s: float, min_repeats: int = MIN_REPEATS,
                     max_repeats: int = 1000) -> list[float]:
        """Host wall-clock seconds per call of ``fn`` followed by a synchronise (what a user waits)."""
        def call() -> None:
            fn()
            self.sync()

        return time_calls(call, budget_s, min_repeats, max_repeats, warmup=2)

    def kernel_seconds(self, fn: Callable[[], object], budget_s: float, before: Callable[[], object] | None = None, min_repeats: int = MIN_REPEATS,
                       max_repeats: int = 200) -> list:
        """Device seconds per call of ``fn`` (``before`` runs untimed ahead of each call, e.g. a cache flush).

        Two synchronised warm-up calls give the repeat count that fills ``budget_s``.
        """
        def once() -> None:
            if before is not None:
                before()
            fn()
            self.sync()

        warm = time_calls(once, MAX_BUDGET_S, min_repeats=1, max_repeats=1, warmup=1)[0]
        repeats = int(min(max(budget_s / warm, min_repeats), max_repeats))
        if not self.cuda:
            return time_calls(once, budget_s, min_repeats=repeats, max_repeats=repeats, warmup=0)
        event = self.torch.cuda.Event
        starts = [event(enable_timing=True) for _ in range(repeats)]
        ends = [event(enable_timing=True) for _ in range(repeats)]
        for start, end in zip(starts, ends, strict=True):
            if before is not None:
                before()
            start.record()
            fn()
            end.record()
        self.sync()
        return [max(start.elapsed_time(end) / 1e3, 1e-9) for start, end in zip(starts, ends, strict=True)]


# --------------------------------------------------------------------------- GPU: the report


@dataclass(frozen=True)
class MatmulSweep:
    """Matmul TFLOPS of one precision over square sizes; the best median is the achievable maximum."""

    dtype: str
    sizes: tuple[int, ...]
    tflops: tuple[Spread, ...]
    peak_tflops: float | None  # the catalog's dense peak for this precision (None if not published)

    @property
    def best_n(self) -> int:
        """The size whose median TFLOPS is highest."""
        return self.sizes[max(range(len(self.sizes)), key=lambda i: self.tflops[i].median)]

    @property
    def best(self) -> Spread:
        """The TFLOPS spread at :attr:`best_n`."""
        return self.tflops[self.sizes.index(self.best_n)]

    @property
    def percent_of_peak(self) -> float | None:
        """Best median / catalog peak x 100 (None without a catalog peak)."""
        return 100 * self.best.median / self.peak_tflops if self.peak_tflops else None


@dataclass(frozen=True)
class GPUReport:
    """What :func:`gpu_report` found. ``available`` False means "no GPU measured here" (see ``reason``).

    ``matmul``: dtype -> :class:`MatmulSweep`; ``skipped``: dtype (or step) -> why it was not
    measured; ``device_copy_gbs`` (read + write counted), ``h2d_pinned_gbs`` and
    ``h2d_pageable_gbs`` (one direction): GB/s spreads; ``launch_us`` (per launch, back to back)
    and ``round_trip_us`` (launch one tiny kernel and wait for it): microseconds.
    ``peak_bandwidth_gbs`` (catalog) and ``pcie_gbs`` (per direction, x16 of the catalog's PCIe
    generation) are the peaks the percentages divide by.
    """

    available: bool
    reason: str
    name: str | None = None
    catalog_name: str | None = None
    compute_capability: tuple[int, int] | None = None
    memory_gb: float | None = None
    software: dict[str, str] = field(default_factory=dict)
    matmul: dict[str, MatmulSweep] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    device_copy_gbs: Spread | None = None
    h2d_pinned_gbs: Spread | None = None
    h2d_pageable_gbs: Spread | None = None
    launch_us: Spread | None = None
    round_trip_us: Spread | None = None
    peak_bandwidth_gbs: float | None = None
    pcie_gbs: float | None = None
    measured_at: str | None = None
    seconds: float | None = None
    cached_from: str | None = None

    def percent(self, what: str) -> float | None:
        """Median / peak x 100 for ``"device_copy"``, ``"h2d_pinned"``, ``"h2d_pageable"`` or a matmul dtype."""
        what = _validate.choice("what", what, ("device_copy", "h2d_pinned", "h2d_pageable", *GPU_DTYPES))
        if what in GPU_DTYPES:
            return self.matmul[what].percent_of_peak if what in self.matmul else None
        spread = getattr(self, f"{what}_gbs")
        peak = self.peak_bandwidth_gbs if what == "device_copy" else self.pcie_gbs
        return 100 * spread.median / peak if spread is not None and peak else None

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> GPUReport:
        """Inverse of :meth:`to_dict`; ValueError if malformed."""
        try:
            values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
            values["matmul"] = {k: MatmulSweep(v["dtype"], tuple(v["sizes"]), tuple(Spread(**s) for s in v["tflops"]),
                                               v["peak_tflops"]) for k, v in data.get("matmul", {}).items()}
            for name in ("device_copy_gbs", "h2d_pinned_gbs", "h2d_pageable_gbs", "launch_us", "round_trip_us"):
                values[name] = Spread(**data[name]) if data.get(name) else None
            if data.get("compute_capability"):
                values["compute_capability"] = tuple(data["compute_capability"])
            return cls(**values)
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"data: not a GPUReport dict ({type(error).__name__}: {error})") from error


def _driver_version() -> str:
    text = _read("/proc/driver/nvidia/version") or ""
    for word in text.split():
        if word.count(".") >= 1 and word.replace(".", "").isdigit():
            return word
    return "not found (/proc/driver/nvidia/version)"


def _software(torch: Any) -> dict[str, str]:
    version = getattr(torch, "version", None)
    return {"torch": str(torch.__version__), "cuda": str(getattr(version, "cuda", None) or "none"),
            "hip": str(getattr(version, "hip", None) or "none"), "driver": _driver_version(),
            "python": platform.python_version()}


def _torch_dtype(torch: Any, dtype: str) -> Any:
    return {"fp32": torch.float32, "tf32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[dtype]


def _supported(capability: tuple[int, int] | None, dtype: str) -> str | None:
    """None if ``dtype`` runs on matrix units here, else the reason it is skipped (CUDA capability rules)."""
    if capability is None or dtype in ("fp32", "fp16"):
        return None
    if capability < (8, 0):
        return (f"{dtype} needs Tensor Cores of compute capability 8.0 (Ampere) or newer; this GPU has "
                f"{capability[0]}.{capability[1]}")
    return None


class _TF32:
    """Context manager: float32 matmuls on TF32 Tensor Cores (``allow``) or in full fp32; restores the setting."""

    def __init__(self, torch: Any, allow: bool) -> None:
        self.matmul, self.allow = torch.backends.cuda.matmul, allow

    def __enter__(self) -> None:
        self.previous = self.matmul.allow_tf32
        self.matmul.allow_tf32 = self.allow

    def __exit__(self, *exc: object) -> None:
        self.matmul.allow_tf32 = self.previous


def _matmul_sweep(dev: _Device, dtype: str, sizes: Sequence[int], budget_s: float, peak: float | None,
                  flush: Callable[[], object] | None, free_bytes: float) -> MatmulSweep | None:
    torch = dev.torch
    kept, spreads = [], []
    with _TF32(torch, dtype == "tf32"):
        for n in sizes:
            element = 2 if dtype in ("fp16", "bf16") else 4
            if 3 * n * n * element > free_bytes / 2:
                continue  # leave half the free memory alone
            a = torch.randn(n, n, device=dev.device, dtype=_torch_dtype(torch, dtype))
            b = torch.randn(n, n, device=dev.device, dtype=_torch_dtype(torch, dtype))
            seconds = dev.kernel_seconds(functools.partial(operator.matmul, a, b), budget_s, before=flush)
            kept.append(n)
            spreads.append(Spread.of_rates(2 * n**3, seconds, "TFLOPS", 1e12))
            del a, b
    return MatmulSweep(dtype, tuple(kept), tuple(spreads), peak) if kept else None


def _copy_gbs(dev: _Device, n_bytes: int, budget_s: float, source: str) -> Spread:
    """Bandwidth of ``destination.copy_(source)``: source "device" (read + write counted), "pinned" or
    "pageable" host memory (one direction counted)."""
    torch = dev.torch
    destination = torch.empty(n_bytes, dtype=torch.uint8, device=dev.device)
    if source == "device":
        origin = torch.empty(n_bytes, dtype=torch.uint8, device=dev.device)
    else:
        origin = torch.empty(n_bytes, dtype=torch.uint8, pin_memory=(source == "pinned" and dev.cuda))
    seconds = dev.kernel_seconds(lambda: destination.copy_(origin), budget_s)
    moved = 2 * n_bytes if source == "device" else n_bytes
    return Spread.of_rates(moved, seconds, "GB/s", 1e9)


def _launch_latency(dev: _Device, budget_s: float) -> tuple[Spread, Spread]:
    """(per launch back to back, launch + wait) in microseconds, from a one-element add."""
    torch = dev.torch
    x = torch.zeros(1, device=dev.device)
    batch = 100

    def launches() -> None:
        for _ in range(batch):
            x.add_(1)

    per_launch = [s / batch * 1e6 for s in dev.wall_seconds(launches, budget_s / 2)]
    round_trip = [s * 1e6 for s in dev.wall_seconds(lambda: x.add_(1), budget_s / 2)]
    return Spread.of(per_launch, "µs"), Spread.of(round_trip, "µs")


def _measure_device(torch: Any, device: str, progress: Progress | None = None, sizes: Sequence[int] = SWEEP_SIZES,
                    budget_s: float = 0.2, copy_bytes: int = 256 * 2**20,
                    time_limit_s: float = GPU_TIME_LIMIT_S) -> GPUReport:
    """Every GPU measurement on ``device`` ("cuda" or, for tests, "cpu"), stopping new steps after ``time_limit_s``."""
    say = _progress(progress)
    started = _clock()
    dev = _Device(torch, device)
    if dev.cuda:
        name = torch.cuda.get_device_name(0)
        capability = tuple(torch.cuda.get_device_capability(0))
        free_bytes, total_bytes = torch.cuda.mem_get_info()
    else:
        name, capability, free_bytes, total_bytes = f"torch {device} device", None, 8e9, None
    gpu = catalog_gpu_for(name)
    copy_bytes = int(min(copy_bytes, free_bytes / 8))
    # Overwritten between matmul calls so each starts with a cold L2 cache, as the MAMF finder does (256 MiB).
    flush_buffer = torch.empty(int(min(256 * 2**20, free_bytes / 8)), dtype=torch.uint8, device=device) if dev.cuda \
        else None  # a CPU torch (tests) needs no cold L2
    steps = [*(("matmul", d) for d in GPU_DTYPES), ("copy", "device"), ("copy", "pinned"), ("copy", "pageable"),
             ("launch", "")]
    matmul: dict[str, MatmulSweep] = {}
    skipped: dict[str, str] = {}
    copies: dict[str, Spread] = {}
    latency: tuple[Spread | None, Spread | None] = (None, None)
    for i, (kind, what) in enumerate(steps):
        label = f"{kind} {what}".strip()
        if _clock() - started > time_limit_s:
            skipped[what if kind == "matmul" else label] = f"skipped: the {time_limit_s:.0f} s time limit was reached"
            continue
        say(i / len(steps), f"{label} ...")
        if kind == "matmul":
            reason = _supported(capability, what) if dev.cuda else (None if what == "fp32" else "only fp32 off CUDA")
            if reason:
                skipped[what] = reason
                continue
            flush = flush_buffer.zero_ if flush_buffer is not None else None
            sweep = _matmul_sweep(dev, what, sizes, budget_s, _catalog_peak(gpu, what), flush, free_bytes)
            if sweep is None:
                skipped[what] = "no size fits in half the free GPU memory"
            else:
                matmul[what] = sweep
        elif kind == "copy":
            if what == "pinned" and not dev.cuda:
                skipped[label] = "pinned host memory needs CUDA"
                continue
            copies[what] = _copy_gbs(dev, copy_bytes, budget_s, what)
        else:
            latency = _launch_latency(dev, budget_s)
    del flush_buffer
    if dev.cuda:
        torch.cuda.empty_cache()
    say(1.0, "done")
    reason = f"measured with torch {torch.__version__}" + ("" if gpu else "; no catalog row matched this GPU")
    return GPUReport(
        available=True, reason=reason, name=name, catalog_name=gpu.name if gpu else None,
        compute_capability=capability, memory_gb=total_bytes / 1e9 if total_bytes else None,
        software=_software(torch), matmul=matmul, skipped=skipped, device_copy_gbs=copies.get("device"),
        h2d_pinned_gbs=copies.get("pinned"), h2d_pageable_gbs=copies.get("pageable"), launch_us=latency[0],
        round_trip_us=latency[1], peak_bandwidth_gbs=gpu.memory_bandwidth_gbs if gpu else None,
        pcie_gbs=parallel.pcie_bandwidth_gbs(gpu.pcie_gen) if gpu and gpu.pcie_gen else None,
        measured_at=_now(), seconds=_clock() - started)


def _cuda_torch() -> tuple[Any, str]:
    """(torch, "") when PyTorch sees a CUDA/ROCm device, else (None, the reason)."""
    try:
        import torch
    except ImportError:
        return None, "no GPU here: PyTorch (torch) is not installed"
    try:
        if not torch.cuda.is_available():
            return None, f"no GPU here: torch {torch.__version__} finds no CUDA device"
    except Exception as error:  # a broken driver install raises here; report it instead of crashing a notebook
        return None, f"no GPU here: torch.cuda failed ({type(error).__name__}: {error})"
    return torch, ""


def measure_gpu(progress: Progress | None = None) -> GPUReport:
    """Measure the GPU now with PyTorch, if installed with a CUDA (or ROCm) device; never raises.

    Matmul TFLOPS for fp32, tf32, fp16 and bf16 (those the GPU's Tensor Cores support) at
    n = 1024, 2048, 4096, 8192; device copy, pinned and pageable host-to-device bandwidth (256 MiB);
    launch latency. Planned for 10-25 s on a T4 (an estimate; steps that would start after 25 s are
    skipped). Without torch or a GPU: ``available=False`` and the reason.
    """
    say = _progress(progress)
    torch, reason = _cuda_torch()
    if torch is None:
        return GPUReport(available=False, reason=reason)
    try:
        return _measure_device(torch, "cuda", say)
    except Exception as error:  # a measurement tool reports failures (out of memory, driver) instead of crashing
        return GPUReport(available=False, reason=f"GPU measurement failed: {type(error).__name__}: {error}")


def _gpu_key(name: str | None) -> dict:
    return {"schema": CACHE_SCHEMA, "node": platform.node(), "device": name}


def gpu_report(refresh: bool = False, use_cache_file: bool = True, progress: Progress | None = None) -> GPUReport:
    """The GPU's measurement, made once and shared like :func:`cpu_report` (session, then cache file).

    Without a GPU this returns at once with ``available=False``; nothing is cached then.
    """
    refresh, use_cache_file = _validate.flag("refresh", refresh), _validate.flag("use_cache_file", use_cache_file)
    say = _progress(progress)
    if not refresh and "gpu" in _SESSION:
        say(1.0, "measured earlier in this session")
        return _SESSION["gpu"]
    torch, reason = _cuda_torch()
    if torch is None:
        say(1.0, reason)
        return GPUReport(available=False, reason=reason)
    try:
        key = _gpu_key(torch.cuda.get_device_name(0))
    except Exception as error:
        return GPUReport(available=False, reason=f"GPU measurement failed: {type(error).__name__}: {error}")
    if not refresh and use_cache_file:
        entry = _read_cache().get("gpu") or {}
        if entry.get("key") == key:
            try:
                report = GPUReport.from_dict(dict(entry["report"], cached_from=str(cache_path())))
            except ValueError:
                report = None
            if report is not None:
                _SESSION["gpu"] = report
                say(1.0, f"read from {cache_path()}")
                return report
    report = measure_gpu(say)
    if report.available:
        _SESSION["gpu"] = report
        if use_cache_file:
            _write_cache("gpu", key, dict(report.to_dict(), cached_from=None))
    return report


# --------------------------------------------------------------------------- the race: CPU vs GPU by size


RACE_SERIES = ("cpu", "gpu_fp32", "gpu_fp16", "gpu_end_to_end")
RACE_LABELS = {"cpu": "CPU, numpy fp32", "gpu_fp32": "GPU fp32 (CUDA cores)", "gpu_fp16": "GPU fp16 (Tensor Cores)",
               "gpu_end_to_end": "GPU fp32 with copies in and out", "transfer_estimate": "PCIe copies alone (estimate)"}


@dataclass(frozen=True)
class Race:
    """The same n x n matmul on the CPU and a GPU at growing n: median seconds per series (None = not measured).

    Series: ``cpu`` (numpy float32, measured here), ``gpu_fp32`` and ``gpu_fp16`` (the kernel
    alone), ``gpu_end_to_end`` (copy A and B from pageable host memory, multiply in fp32, copy C
    back: what a program that starts and ends on the CPU waits for), and ``transfer_estimate``
    (the 12 n^2 bytes of A, B and C at the PCIe per-direction rate, a lower bound that leaves out
    latency: an estimate, not a measurement). ``measured`` is True when the GPU series were
    measured here; otherwise they come from the reference table entry ``source``.
    """

    sizes: tuple[int, ...]
    cpu: tuple[float | None, ...]
    gpu_fp32: tuple[float | None, ...]
    gpu_fp16: tuple[float | None, ...]
    gpu_end_to_end: tuple[float | None, ...]
    transfer_estimate: tuple[float | None, ...]
    gpu_name: str
    catalog_name: str | None
    measured: bool
    source: str
    source_url: str | None = None

    def seconds(self, series: str, n: int) -> float | None:
        """Median seconds of ``series`` at size ``n`` (None if not measured there)."""
        series = _validate.choice("series", series, (*RACE_SERIES, "transfer_estimate"))
        n = _validate.positive_int("n", n)
        if n not in self.sizes:
            raise ValueError(f"n: {n} is not a size of this race; sizes are {list(self.sizes)}")
        return getattr(self, series)[self.sizes.index(n)]

    def tflops(self, series: str) -> tuple[float | None, ...]:
        """Achieved TFLOPS (2 n^3 / seconds / 1e12) of ``series`` at every size."""
        series = _validate.choice("series", series, RACE_SERIES)
        return tuple(None if s is None else 2 * n**3 / s / 1e12 for n, s in zip(self.sizes, getattr(self, series),
                                                                                strict=True))

    def winner(self, n: int) -> str | None:
        """At size ``n``: "cpu" or "gpu" for a program whose data start and end on the CPU (None if unknown).

        Compares the CPU with ``gpu_end_to_end`` when measured, else with the GPU fp32 kernel plus
        the transfer estimate.
        """
        cpu = self.seconds("cpu", n)
        gpu = self.seconds("gpu_end_to_end", n)
        if gpu is None:
            kernel, transfer = self.seconds("gpu_fp32", n), self.seconds("transfer_estimate", n)
            gpu = None if kernel is None or transfer is None else kernel + transfer
        if cpu is None or gpu is None:
            return None
        return "cpu" if cpu <= gpu else "gpu"

    def crossover(self) -> int | None:
        """The smallest size from which the GPU wins at every larger known size (None if it never does)."""
        decided = [(n, self.winner(n)) for n in self.sizes if self.winner(n) is not None]
        for i, (n, _) in enumerate(decided):
            if all(w == "gpu" for _, w in decided[i:]):
                return n
        return None


def _sizes(name: str, sizes: Any, maximum: int) -> tuple[int, ...]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
        raise ValueError(f"{name} must be a non-empty list of sizes, got {sizes!r}")
    if len(sizes) > 20:
        raise ValueError(f"{name}: at most 20 sizes, got {len(sizes)}")
    return tuple(sorted({_size(f"{name}[{i}]", n, maximum) for i, n in enumerate(sizes)}))


def cpu_race_seconds(sizes: Sequence[int] = RACE_SIZES, cpu_max_n: int = RACE_CPU_MAX_N,
                     budget_s: float = 0.1) -> tuple[float | None, ...]:
    """Median seconds of numpy's float32 n x n matmul at each size (None above ``cpu_max_n``)."""
    sizes = _sizes("sizes", sizes, 16384)
    cpu_max_n = _size("cpu_max_n", cpu_max_n, MAX_MATMUL_N)
    return tuple(2 * n**3 / (matmul_rate(n, "float32", budget_s).median * 1e9) if n <= cpu_max_n else None
                 for n in sizes)


def transfer_seconds_estimate(n: int, gpu: hardware.GPULike) -> float | None:
    """Seconds to copy A and B (n x n fp32) to ``gpu`` and C back over PCIe x16 at the catalog generation's
    per-direction rate (12 n^2 bytes; no latency): an estimate and a lower bound. None without PCIe data."""
    n = _validate.positive_int("n", n)
    gpu = hardware.get_gpu(gpu)
    if gpu.pcie_gen is None:
        return None
    return 3 * n * n * 4 / (parallel.pcie_bandwidth_gbs(gpu.pcie_gen) * 1e9)


def _race_on(dev: _Device, sizes: tuple[int, ...], cpu: tuple, budget_s: float, say: Progress,
             gpu: hardware.GPU | None) -> dict:
    torch = dev.torch
    rng = np.random.default_rng(0)
    series: dict[str, list[float | None]] = {"gpu_fp32": [], "gpu_fp16": [], "gpu_end_to_end": []}
    fp16 = dev.cuda  # fp16 matmuls on a CPU torch are slow and not what the race shows
    for i, n in enumerate(sizes):
        say(i / len(sizes), f"race n = {n}")
        a_host = rng.standard_normal((n, n)).astype(np.float32)
        b_host = rng.standard_normal((n, n)).astype(np.float32)
        with _TF32(torch, False):
            a, b = torch.from_numpy(a_host).to(dev.device), torch.from_numpy(b_host).to(dev.device)
            series["gpu_fp32"].append(float(np.median(dev.kernel_seconds(functools.partial(operator.matmul, a, b),
                                                                         budget_s))))

            def round_trip(x: np.ndarray = a_host, y: np.ndarray = b_host) -> Any:
                return (torch.from_numpy(x).to(dev.device) @ torch.from_numpy(y).to(dev.device)).cpu()

            end_to_end = dev.wall_seconds(round_trip, budget_s)
            series["gpu_end_to_end"].append(float(np.median(end_to_end)))
        if fp16:
            a16, b16 = a.half(), b.half()
            series["gpu_fp16"].append(float(np.median(dev.kernel_seconds(functools.partial(operator.matmul, a16, b16),
                                                                         budget_s))))
            del a16, b16
        else:
            series["gpu_fp16"].append(None)
        del a, b
    transfer = tuple(transfer_seconds_estimate(n, gpu) if gpu else None for n in sizes)
    return {k: tuple(v) for k, v in series.items()} | {"cpu": cpu, "transfer_estimate": transfer}


def race(sizes: Sequence[int] = RACE_SIZES, progress: Progress | None = None, budget_s: float = 0.1) -> Race | None:
    """Run the race on this machine's GPU (and CPU): None when no GPU is available (see :func:`reference_race`).

    CPU: numpy float32 up to n = 1024; GPU: fp32 with TF32 off (CUDA cores), fp16 (Tensor
    Cores) and fp32 end to end from pageable host memory. Planned for 5-10 s on a T4 (an estimate).
    """
    sizes = _sizes("sizes", sizes, 8192)
    budget_s = _budget(budget_s)
    say = _progress(progress)
    torch, _ = _cuda_torch()
    if torch is None:
        return None
    say(0.0, "CPU side of the race")
    cpu = cpu_race_seconds(sizes)
    dev = _Device(torch, "cuda")
    name = torch.cuda.get_device_name(0)
    gpu = catalog_gpu_for(name)
    series = _race_on(dev, sizes, cpu, budget_s, lambda f, m: say(0.2 + 0.8 * f, m), gpu)
    say(1.0, "done")
    return Race(sizes=sizes, gpu_name=name, catalog_name=gpu.name if gpu else None, measured=True,
                source=f"measured here with torch {torch.__version__}, {_now()[:10]}", **series)


# --------------------------------------------------------------------------- published reference measurements


@dataclass(frozen=True)
class ReferenceMeasurement:
    """One published matmul measurement (``data/gpu_measurements.json``), with its provenance.

    ``tflops`` is the published achievable figure (the best over the sizes or shapes tried);
    ``sizes``/``tflops_per_size`` the published per-size values when the source gives them
    (square n x n matmuls); ``catalog_name`` the course catalog row whose peak it is compared
    with (None if the GPU is not in the catalog; then ``published_peak_tflops`` is the source's own).
    """

    id: str
    device: str
    catalog_name: str | None
    dtype: str
    tflops: float
    benchmark: str
    shape: str | None
    sizes: tuple[int, ...]
    tflops_per_size: tuple[float, ...]
    published_peak_tflops: float | None
    software: dict[str, str]
    date: str
    where: str
    source: str
    notes: str = ""

    @property
    def label(self) -> str:
        """``"NVIDIA Tesla T4 16GB (square sizes, 2025-09-26)"``: device, benchmark and date."""
        return f"{self.device} ({'MAMF' if self.benchmark == 'mamf' else 'square sizes'}, {self.date})"

    @property
    def peak_tflops(self) -> float | None:
        """The course catalog's dense peak for this GPU and precision, else the source's own peak."""
        catalog = hardware.get_gpu(self.catalog_name).peak_tflops(self.dtype) if self.catalog_name else None
        return catalog or self.published_peak_tflops

    @property
    def percent_of_peak(self) -> float | None:
        """``tflops`` / :attr:`peak_tflops` x 100."""
        peak = self.peak_tflops
        return 100 * self.tflops / peak if peak else None


@lru_cache(maxsize=1)
def _reference_data() -> dict:
    return json.loads(resources.files("course_lib").joinpath("data/gpu_measurements.json").read_text(encoding="utf-8"))


def reference_benchmarks() -> dict:
    """The benchmarks of the reference table: id -> {"name", "method", "url"} (how each was measured)."""
    return dict(_reference_data()["benchmarks"])


def reference_measurements(gpu: str | None = None, dtype: str | None = None) -> tuple[ReferenceMeasurement, ...]:
    """Published measurements, optionally only those of catalog GPU ``gpu`` and/or precision ``dtype``."""
    rows = tuple(ReferenceMeasurement(**dict(row, sizes=tuple(row.get("sizes", ())),
                                             tflops_per_size=tuple(row.get("tflops_per_size", ()))))
                 for row in _reference_data()["measurements"])
    if gpu is not None:
        name = hardware.get_gpu(gpu).name
        rows = tuple(r for r in rows if r.catalog_name == name)
    if dtype is not None:
        dtype = _validate.choice("dtype", dtype, ("fp32", "tf32", "fp16", "bf16", "fp8"))
        rows = tuple(r for r in rows if r.dtype == dtype)
    return rows


def reference_race_gpus() -> list[str]:
    """Catalog GPUs with published per-size fp32 and fp16 measurements (for :func:`reference_race`)."""
    by_gpu: dict[str, set] = {}
    for row in reference_measurements():
        if row.catalog_name and row.sizes:
            by_gpu.setdefault(row.catalog_name, set()).add(row.dtype)
    return [name for name, dtypes in by_gpu.items() if {"fp32", "fp16"} <= dtypes]


def reference_race(gpu: str = "H100 SXM", cpu: Sequence[float | None] | None = None,
                   sizes: Sequence[int] = RACE_SIZES) -> Race:
    """The race without a GPU: this CPU (``cpu`` seconds per size, measured now if omitted) against a
    GPU's published per-size fp32 and fp16 times (:func:`reference_race_gpus`).

    Sizes are ``sizes`` plus the published ones; the GPU series are None where nothing is
    published, ``gpu_end_to_end`` is None everywhere (not published), ``transfer_estimate`` is
    computed from the catalog's PCIe generation.
    """
    name = hardware.get_gpu(gpu).name
    if name not in reference_race_gpus():
        raise ValueError(_validate.unknown_message("gpu", gpu, reference_race_gpus()))
    rows = {r.dtype: r for r in reference_measurements(name) if r.sizes and r.dtype in ("fp32", "fp16")}
    own = _sizes("sizes", sizes, 16384)
    if cpu is None:
        cpu = cpu_race_seconds(own)
    elif len(cpu) != len(own) or any(c is not None and not (isinstance(c, float) and c > 0) for c in cpu):
        raise ValueError(f"cpu must give one positive float (or None) per size of {list(own)}, got {cpu!r}")
    all_sizes = tuple(sorted(set(own) | set(rows["fp32"].sizes) | set(rows["fp16"].sizes)))
    cpu_by_n = dict(zip(own, cpu, strict=True))

    def published(dtype: str) -> tuple[float | None, ...]:
        row = rows[dtype]
        per_n = dict(zip(row.sizes, row.tflops_per_size, strict=True))
        return tuple(2 * n**3 / (per_n[n] * 1e12) if n in per_n else None for n in all_sizes)

    source = "; ".join(dict.fromkeys(f"{r.device}, {r.where}, torch {r.software['torch']}, {r.date}"
                                     for r in (rows["fp32"], rows["fp16"])))
    urls = dict.fromkeys(r.source.split()[0] for r in (rows["fp32"], rows["fp16"]))
    return Race(sizes=all_sizes, cpu=tuple(cpu_by_n.get(n) for n in all_sizes), gpu_fp32=published("fp32"),
                gpu_fp16=published("fp16"), gpu_end_to_end=tuple(None for _ in all_sizes),
                transfer_estimate=tuple(transfer_seconds_estimate(n, name) for n in all_sizes),
                gpu_name=rows["fp32"].device, catalog_name=name, measured=False, source=source,
                source_url=" ".join(urls))


@dataclass(frozen=True)
class AchievedFraction:
    """A measured matmul rate as a fraction of its peak: one bar of the "measured vs peak" figure."""

    label: str
    dtype: str
    measured_tflops: float
    peak_tflops: float
    source: str  # "measured here" or the reference row's source
    mine: bool  # True for this machine's own measurement

    @property
    def percent(self) -> float:
        """measured / peak x 100."""
        return 100 * self.measured_tflops / self.peak_tflops


def achieved_fractions(dtype: str = "bf16", gpu: GPUReport | None = None, benchmark: str | None = "mamf",
                       cpu: CPUReport | None = None) -> list[AchievedFraction]:
    """Measured / peak per GPU for ``dtype``, from the reference table (``benchmark`` only, all if None),
    plus this machine's GPU (``gpu``, if measured in that precision) and CPU (``cpu``, float32 vs its
    estimated peak), largest fraction first."""
    dtype = _validate.choice("dtype", dtype, ("fp32", "tf32", "fp16", "bf16", "fp8"))
    if benchmark is not None:
        benchmark = _validate.choice("benchmark", benchmark, reference_benchmarks())
    rows = [AchievedFraction(r.label, r.dtype, r.tflops, r.peak_tflops, r.source, False)
            for r in reference_measurements(dtype=dtype)
            if r.peak_tflops and (benchmark is None or r.benchmark == benchmark)]
    sweep = gpu.matmul.get(dtype) if gpu is not None and gpu.available else None
    if gpu is not None and sweep is not None and sweep.peak_tflops:
        rows.append(AchievedFraction(f"{gpu.name} (yours)", dtype, sweep.best.median, sweep.peak_tflops,
                                     "measured here", True))
    cpu_peak = None if cpu is None else cpu.peak_gflops_estimate["float32"]
    if cpu is not None and cpu_peak:
        rows.append(AchievedFraction(f"{cpu.cpu['model_name'] or 'your CPU'} (yours, fp32 vs estimate)", "fp32",
                                     cpu.matmul_gflops["float32"].median / 1e3, cpu_peak / 1e3, "measured here", True))
    return sorted(rows, key=lambda r: -r.percent)


# --------------------------------------------------------------------------- report and command line


def _rate_row(label: str, spread: Spread, peak: float | None, peak_label: str) -> str:
    percent = f"{100 * spread.median / peak:.0f} % of {peak_label}" if peak else ""
    return f"  {label:30}{spread.median:>10,.3g} {spread.unit:7} [{spread.q1:,.3g}-{spread.q3:,.3g}]  {percent}"


def format_cpu_report(report: CPUReport) -> str:
    """A plain-text table of a :class:`CPUReport`: medians, middle halves, % of the estimated peak."""
    if not isinstance(report, CPUReport):
        raise TypeError(f"report must be a CPUReport (from measure.cpu_report()), got {type(report).__name__}")
    cpu = report.cpu
    cores = f"{cpu['physical_cores'] or '?'} physical / {cpu['logical_cores'] or '?'} logical cores"
    clock = f"{cpu['clock_mhz']:.0f} MHz ({cpu['clock_source']})" if cpu["clock_mhz"] else "clock unknown"
    when = f" (read back from {report.cached_from})" if report.cached_from else ""
    lines = [f"CPU: {cpu['model_name'] or 'unknown'}; {cores}; {clock}",
             f"     flags: {', '.join(cpu['flags']) or 'unknown'}; measured {report.measured_at}{when}",
             f"  {'':30}{'median':>10} {'':7} [middle half]"]
    for dtype in DTYPES:
        peak = report.peak_gflops_estimate[dtype]
        lines.append(_rate_row(f"numpy matmul {report.matmul_n}^3 {dtype}", report.matmul_gflops[dtype], peak,
                               f"estimated peak {peak:,.0f}" if peak else ""))
    lines.append(_rate_row(f"pure-Python loop {report.python_loop_n}^3", report.python_loop_gflops, None, ""))
    lines.append(_rate_row(f"memory copy {units.format_si(report.memory_copy_bytes, 'B')}",
                           report.memory_bandwidth_gbs, None, ""))
    lines += [f"numpy (BLAS) is {report.numpy_speedup:,.0f}x faster than the pure-Python loop.",
              report.peak_sentence("float32")]
    if report.flop_per_cycle["float32"] and report.peak_gflops_estimate["float32"]:
        n_cores = cpu["physical_cores"] or cpu["logical_cores"]
        lines.append(f"Peak estimate = cores x clock x FLOP/cycle = {n_cores} x {cpu['clock_mhz']:.0f} MHz x "
                     f"{report.flop_per_cycle['float32']} (float32): an estimate, not a datasheet figure.")
    return "\n".join(lines)


def format_gpu_report(report: GPUReport) -> str:
    """A plain-text table of a :class:`GPUReport`: medians beside the catalog peaks."""
    if not isinstance(report, GPUReport):
        raise TypeError(f"report must be a GPUReport (from measure.gpu_report()), got {type(report).__name__}")
    if not report.available:
        return (f"GPU: {report.reason}. On Colab: Runtime > Change runtime type > T4 GPU, then run again; "
                "published measurements: measure.reference_measurements().")
    software = ", ".join(f"{k} {v}" for k, v in report.software.items())
    lines = [f"GPU: {report.name} (catalog row: {report.catalog_name or 'none matched'}; "
             f"compute capability {'.'.join(map(str, report.compute_capability or ())) or '?'})",
             f"     {software}; measured {report.measured_at}"
             + (f" (cached from {report.cached_from})" if report.cached_from else "")]
    for dtype, sweep in report.matmul.items():
        lines.append(_rate_row(f"matmul {dtype}, best n = {sweep.best_n}", sweep.best, sweep.peak_tflops,
                               "catalog peak"))
    for dtype, why in report.skipped.items():
        lines.append(f"  {dtype}: {why}")
    for label, spread, peak, peak_label in (
            ("device memory copy", report.device_copy_gbs, report.peak_bandwidth_gbs, "catalog bandwidth"),
            ("host -> GPU, pinned", report.h2d_pinned_gbs, report.pcie_gbs, "PCIe x16 per direction"),
            ("host -> GPU, pageable", report.h2d_pageable_gbs, report.pcie_gbs, "PCIe x16 per direction"),
            ("kernel launch (back to back)", report.launch_us, None, ""),
            ("launch + wait (round trip)", report.round_trip_us, None, "")):
        if spread is not None:
            lines.append(_rate_row(label, spread, peak, peak_label))
    return "\n".join(lines)


def format_race(result: Race) -> str:
    """A plain-text table of a :class:`Race`: milliseconds per series and the winner per size."""
    if not isinstance(result, Race):
        raise TypeError(f"result must be a Race, got {type(result).__name__}")

    def ms(value: float | None) -> str:
        return f"{value * 1e3:>11.3f}" if value is not None else f"{'-':>11}"

    head = "".join(f"{RACE_LABELS[s][:22]:>24}" for s in (*RACE_SERIES, "transfer_estimate"))
    lines = [f"Race: CPU vs {result.gpu_name} ({'measured here' if result.measured else result.source}), "
             "median milliseconds", f"{'n':>6}{head}{'winner':>9}"]
    for n in result.sizes:
        cells = "".join(f"{ms(result.seconds(s, n)):>24}" for s in (*RACE_SERIES, "transfer_estimate"))
        lines.append(f"{n:>6}{cells}{result.winner(n) or '-':>9}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Measurement:
    """Everything :func:`measure_all` measured."""

    cpu: CPUReport
    gpu: GPUReport
    race: Race | None

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


def measure_all(refresh: bool = False, with_race: bool = True, progress: Progress | None = None) -> Measurement:
    """CPU and GPU reports (cached unless ``refresh``) and, with a GPU and ``with_race``, the race."""
    with_race = _validate.flag("with_race", with_race)
    say = _progress(progress)
    cpu = cpu_report(refresh, progress=lambda f, m: say(0.1 * f, m))
    gpu = gpu_report(refresh, progress=lambda f, m: say(0.1 + 0.6 * f, m))
    result = race(progress=lambda f, m: say(0.7 + 0.3 * f, m)) if with_race and gpu.available else None
    return Measurement(cpu, gpu, result)


def format_report(m: Measurement) -> str:
    """The report ``python -m course_lib.measure`` prints."""
    if not isinstance(m, Measurement):
        raise TypeError(f"m must be a Measurement (from measure.measure_all()), got {type(m).__name__}")
    parts = [format_cpu_report(m.cpu), "", format_gpu_report(m.gpu)]
    if m.race is not None:
        parts += ["", format_race(m.race)]
    return "\n".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m course_lib.measure [--json] [--refresh] [--no-race]``."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.measure", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON to stdout instead of tables")
    parser.add_argument("--refresh", action="store_true", help="measure again instead of reading the cache file")
    parser.add_argument("--no-race", action="store_true", help="skip the CPU-vs-GPU race (a GPU only)")
    args = parser.parse_args(argv)

    def show(fraction: float, message: str) -> None:
        print(f"... {math.floor(100 * fraction):3d} % {message}", file=sys.stderr, flush=True)

    result = measure_all(refresh=args.refresh, with_race=not args.no_race, progress=show)
    print(json.dumps(result.to_dict(), indent=2) if args.json else format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
