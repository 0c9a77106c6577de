"""course_lib.measure: what can honestly fail in a module of measurements.

- Timing and spread: a fake clock with known call times, and hand-computed quartiles.
- Bounds: every size, budget and repeat parameter is refused at once when it would run for minutes.
- The CPU: rates positive and plausible; the peak estimate against hand products; the sentence
  about boost clocks against synthetic reports; the cache (session and file).
- The GPU: a fake torch whose kernels, copies and launches advance a clock by modelled times, so
  every reported number has a hand-derived expected value; the same code on a real CPU torch
  (when installed) to check the torch calls exist; a real CUDA run when a GPU is present.
- The reference table: schema, provenance, published values against transcriptions, physical bounds.
"""

import json
import math
import re
import subprocess
import sys
import time
import types

import numpy as np
import pytest
from fakes import synthetic_cpu_report

from course_lib import hardware, measure


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Every test gets an empty session and its own cache folder (never the user's ~/.cache)."""
    monkeypatch.setenv(measure.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(measure, "_SESSION", {})


# -------------------------------------------------------------------------- spread and timing


def test_spread_quartiles_by_hand():
    spread = measure.Spread.of([5.0, 1.0, 4.0, 2.0, 3.0], "GFLOPS")
    # sorted 1 2 3 4 5: median 3; 25th percentile at position 0.25 x 4 = 1 -> 2; 75th at 3 -> 4
    assert (spread.median, spread.q1, spread.q3, spread.minimum, spread.maximum) == (3, 2, 4, 1, 5)
    assert spread.repeats == 5 and spread.relative_iqr == pytest.approx(2 / 3)
    assert spread.describe() == "3 GFLOPS (middle half 2-4, all runs 1-5; 5 runs)"


def test_spread_of_rates_divides_work_by_each_time():
    # 2e9 FLOP in 1 s and in 4 s: 2 and 0.5 GFLOPS; median of two values is their mean, 1.25
    spread = measure.Spread.of_rates(2e9, [1.0, 4.0], "GFLOPS", 1e9)
    assert (spread.minimum, spread.median, spread.maximum) == (0.5, 1.25, 2.0)


@pytest.mark.parametrize("values", [[], [0.0], [1.0, float("nan")], [-1.0]])
def test_spread_rejects_empty_or_nonpositive(values):
    with pytest.raises(ValueError, match="^values"):
        measure.Spread.of(values, "s")


class FakeClock:
    """A clock that only moves when a timed function says so."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_time_calls_warms_up_then_fills_the_budget(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(measure, "_clock", clock)
    calls = []

    def kernel():  # first call 1 s (cold), then 0.1 s each
        clock.now += 1.0 if not calls else 0.1
        calls.append(clock.now)

    seconds = measure.time_calls(kernel, budget_s=0.5, min_repeats=3, warmup=1)
    # the 1 s warm-up is not timed; then 0.1 s calls until 0.5 s are spent: 5 calls
    assert seconds == pytest.approx([0.1] * 5) and len(calls) == 6


def test_time_calls_min_and_max_repeats(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(measure, "_clock", clock)

    def slow():
        clock.now += 2.0

    assert len(measure.time_calls(slow, budget_s=0.5, min_repeats=3, warmup=0)) == 3  # over budget, still 3

    def instant():
        pass  # the fake clock does not move: every call reads as 1e-9 s

    assert len(measure.time_calls(instant, budget_s=0.5, max_repeats=40, warmup=0)) == 40  # the cap ends it


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"budget_s": 0}, "budget_s"),
        ({"budget_s": float("nan")}, "budget_s"),
        ({"budget_s": 1e30}, "budget_s"),
        ({"budget_s": 11}, "budget_s"),
        ({"max_repeats": 1e30}, "max_repeats"),
        ({"max_repeats": 10**400}, "max_repeats"),
        ({"min_repeats": 0}, "min_repeats"),
        ({"min_repeats": True}, "min_repeats"),
        ({"min_repeats": 50, "max_repeats": 10}, "min_repeats"),
        ({"warmup": -1}, "warmup"),
        ({"warmup": 10**6}, "warmup"),
    ],
)
def test_time_calls_bounds(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        measure.time_calls(lambda: None, **kwargs)


# -------------------------------------------------------------------------- CPU kernels and their bounds


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: measure.matmul_rate(n=20000), "n"),  # the reliability review's hang
        (lambda: measure.matmul_rate(n=0), "n"),
        (lambda: measure.matmul_rate(n=10**400), "n"),
        (lambda: measure.matmul_rate(dtype="float16"), "dtype"),
        (lambda: measure.matmul_rate(budget_s=1e30), "budget_s"),  # repeats=1e30 used to hang
        (lambda: measure.python_loop_rate(n=10000), "n"),  # the review's other hang
        (lambda: measure.python_loop_rate(n=float("nan")), "n"),
        (lambda: measure.memory_copy_rate(-5), "n_bytes"),
        (lambda: measure.memory_copy_rate(1e12), "n_bytes"),
        (lambda: measure.memory_copy_rate(budget_s=-1), "budget_s"),
        (lambda: measure.peak_gflops_estimate(0, 3000, {"avx"}), "cores"),
        (lambda: measure.peak_gflops_estimate(4, float("nan"), {"avx"}), "clock_mhz"),
        (lambda: measure.cpu_race_seconds(sizes=[64, 100_000]), "sizes"),
        (lambda: measure.cpu_race_seconds(sizes="64"), "sizes"),
        (lambda: measure.cpu_race_seconds(cpu_max_n=8192), "cpu_max_n"),
        (lambda: measure.race(sizes=[]), "sizes"),
        (lambda: measure.race(budget_s=1e30), "budget_s"),
    ],
)
def test_bad_input_is_refused_at_once(call, name):
    started = time.perf_counter()
    with pytest.raises(ValueError, match=f"^{name}"):
        call()
    assert time.perf_counter() - started < 1.0  # refused before any work, never a hang


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: measure.catalog_gpu_for(None), "device_name"),  # used to raise AttributeError
        (lambda: measure.parse_cpuinfo(None), "text"),
        (lambda: measure.format_report(None), "m"),
        (lambda: measure.format_cpu_report(None), "report"),
        (lambda: measure.format_gpu_report({}), "report"),
        (lambda: measure.format_race(None), "result"),
        (lambda: measure.flop_per_cycle("avx"), "flags"),
        (lambda: measure.cpu_peak_gflops_estimate("float32", info=[1]), "info"),
        (lambda: measure.cpu_report(refresh="yes"), "refresh"),
        (lambda: measure.gpu_report(use_cache_file=1), "use_cache_file"),
        (lambda: measure.measure_cpu(progress="bar"), "progress"),
    ],
)
def test_wrong_types_raise_typeerror_naming_the_parameter(call, name):
    # a flag that is not a real bool is a ValueError from _validate.flag, as everywhere in course_lib
    with pytest.raises((TypeError, ValueError), match=f"^{name}"):
        call()


def test_dtype_typo_lists_close_match():
    with pytest.raises(ValueError, match="float32"):
        measure.matmul_rate(dtype="flaot32")


def test_matmul_rate_is_a_positive_spread():
    for dtype in ("float32", "float64"):
        spread = measure.matmul_rate(n=128, dtype=dtype, budget_s=0.05)
        assert spread.unit == "GFLOPS" and spread.repeats >= 3
        assert 0 < spread.minimum <= spread.q1 <= spread.median <= spread.q3 <= spread.maximum < math.inf


def test_numpy_beats_python_loop_by_more_than_10x():
    numpy_rate = measure.matmul_rate(n=256, budget_s=0.05).median
    python_rate = measure.python_loop_rate(n=32, budget_s=0.05).median
    assert 0 < python_rate and numpy_rate > 10 * python_rate


def test_memory_copy_rate_plausible():
    # a 64 MB copy: from a slow laptop (~1 GB/s) to HBM-class (~10 TB/s)
    assert 0.1 < measure.memory_copy_rate(64e6, budget_s=0.05).median < 10_000


# -------------------------------------------------------------------------- CPU description and peak


CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz
cpu MHz\t\t: 2500.000
physical id\t: 0
core id\t\t: 0
flags\t\t: fpu sse2 avx fma avx2 avx512f avx512bw

processor\t: 1
vendor_id\t: GenuineIntel
cpu family\t: 6
model name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz
cpu MHz\t\t: 2500.000
physical id\t: 0
core id\t\t: 0
flags\t\t: fpu sse2 avx fma avx2 avx512f avx512bw

processor\t: 2
vendor_id\t: GenuineIntel
cpu family\t: 6
model name\t: Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz
cpu MHz\t\t: 2500.000
physical id\t: 0
core id\t\t: 1
flags\t\t: fpu sse2 avx fma avx2 avx512f avx512bw
"""


def test_parse_cpuinfo_synthetic():
    parsed = measure.parse_cpuinfo(CPUINFO)
    assert parsed["model_name"] == "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz"
    assert parsed["vendor"] == "GenuineIntel" and parsed["family"] == 6 and parsed["clock_mhz"] == 2500.0
    assert parsed["physical_cores"] == 2  # 3 logical CPUs, two of them hyper-threads of core 0
    assert {"avx2", "avx512f", "fma"} <= parsed["flags"]


def test_parse_cpuinfo_empty_degrades_to_none():
    parsed = measure.parse_cpuinfo("")
    assert parsed["model_name"] is None and parsed["physical_cores"] is None and parsed["clock_mhz"] is None
    assert parsed["flags"] == set()


def test_cpu_info_of_this_machine():
    info = measure.cpu_info()
    assert info["logical_cores"] >= 1
    assert info["physical_cores"] is None or 1 <= info["physical_cores"] <= info["logical_cores"]
    assert set(info["flags"]) <= set(measure.FLAGS_OF_INTEREST)
    json.dumps(info)  # serialisable for --json and the cache


@pytest.mark.parametrize(
    "flags, dtype, vendor, family, expected",
    [
        # 2 FMA units x lanes x 2 FLOP per FMA, written out by hand:
        ({"sse2", "avx", "fma", "avx2"}, "float32", "GenuineIntel", 6, 2 * 8 * 2),  # 256-bit: 8 fp32 lanes
        ({"sse2", "avx", "fma", "avx2"}, "float64", "GenuineIntel", 6, 2 * 4 * 2),  # 4 fp64 lanes
        ({"sse2", "avx", "fma", "avx2", "avx512f"}, "float32", "GenuineIntel", 6, 2 * 16 * 2),  # 512-bit
        ({"sse2", "avx", "fma", "avx2", "avx512f"}, "float64", "GenuineIntel", 6, 2 * 8 * 2),
        ({"sse2", "avx", "fma", "avx2", "avx512f"}, "float32", "AuthenticAMD", 25, 2 * 8 * 2),  # Zen 4: 256-bit pipes
        ({"sse2", "avx", "fma", "avx2", "avx512f"}, "float32", "AuthenticAMD", 26, 2 * 16 * 2),  # Zen 5: 512-bit
        ({"sse2", "avx"}, "float32", "GenuineIntel", 6, 2 * 8 * 1),  # Sandy Bridge: add + mul, no FMA
        ({"sse2"}, "float32", "", None, 2 * 4 * 1),
        ({"asimd", "fp"}, "float32", "", None, None),  # Arm: not derived
    ],
)
def test_flop_per_cycle_hand_products(flags, dtype, vendor, family, expected):
    assert measure.flop_per_cycle(flags, dtype, vendor, family) == expected


def test_peak_gflops_estimate_hand_product():
    # 20 cores x 2.5 GHz x 64 FLOP/cycle (AVX-512, 2 FMA units) = 3200 GFLOPS fp32
    assert measure.peak_gflops_estimate(20, 2500, {"avx", "fma", "avx512f"}, "float32", "GenuineIntel", 6) == \
        pytest.approx(3200)
    # 8 cores x 3.0 GHz x 16 FLOP/cycle (AVX2 + FMA, fp64) = 384 GFLOPS
    assert measure.peak_gflops_estimate(8, 3000, {"avx", "fma", "avx2"}, "float64") == pytest.approx(384)
    assert measure.peak_gflops_estimate(8, 3000, {"neon"}) is None


def test_cpu_peak_estimate_uses_physical_cores_and_clock():
    info = {"physical_cores": 4, "logical_cores": 8, "clock_mhz": 2000.0, "flags": ["avx", "fma", "avx2"],
            "vendor": "GenuineIntel", "family": 6}
    assert measure.cpu_peak_gflops_estimate("float32", info) == pytest.approx(4 * 2.0 * 32)  # 256 GFLOPS
    assert measure.cpu_peak_gflops_estimate("float32", dict(info, clock_mhz=None)) is None


# -------------------------------------------------------------------------- the CPU report and its sentence


def test_peak_sentence_above_100_percent_explains_boost_clock():
    report = synthetic_cpu_report()
    assert report.percent_of_peak("float32") == pytest.approx(100 * 192.4 / 166.1)  # 115.8 %
    sentence = report.peak_sentence()
    assert "116 %" in sentence and "2.60 GHz" in sentence and "boost" in sentence and "base clock" in sentence


def test_peak_sentence_above_100_at_maximum_clock_blames_the_assumptions():
    sentence = synthetic_cpu_report(clock_source="cpufreq maximum").peak_sentence()
    assert "FLOP per cycle" in sentence and "boost" not in sentence


def test_peak_sentence_below_100_percent():
    report = synthetic_cpu_report(float32=83.05)  # half of 166.1
    assert report.peak_sentence().startswith("Your float32 matmul ran at 50 % of the estimated peak")
    assert "below it" in report.peak_sentence()


def test_peak_sentence_without_estimate():
    report = synthetic_cpu_report(peak=None)
    assert report.percent_of_peak() is None and "no percentage" in report.peak_sentence()


def test_numpy_speedup_is_the_ratio_of_medians():
    assert synthetic_cpu_report().numpy_speedup == pytest.approx(192.4 / 0.04)  # 4810x


def test_cpu_report_round_trips_through_json():
    report = synthetic_cpu_report()
    assert measure.CPUReport.from_dict(json.loads(json.dumps(report.to_dict()))) == report
    with pytest.raises(ValueError, match="^data"):
        measure.CPUReport.from_dict({"cpu": {}})


def test_format_cpu_report_shows_median_spread_and_sentence():
    text = measure.format_cpu_report(synthetic_cpu_report())
    assert "192 GFLOPS" in text and "[173-212]" in text  # median and the middle half (0.9x, 1.1x)
    assert "116 % of estimated peak 166" in text and "boost" in text


# -------------------------------------------------------------------------- the cache


def test_cpu_report_measures_once_per_session_and_shares_through_the_file(monkeypatch):
    calls = []
    report = synthetic_cpu_report()
    monkeypatch.setattr(measure, "measure_cpu", lambda progress=None: calls.append(1) or report)
    first = measure.cpu_report()
    assert first is report and measure.cpu_report() is report and len(calls) == 1  # same session: no new run
    monkeypatch.setattr(measure, "_SESSION", {})  # a new kernel (notebook 03 after 01) on the same machine
    again = measure.cpu_report()
    assert len(calls) == 1 and again.cached_from == str(measure.cache_path())
    assert again.matmul_gflops == report.matmul_gflops and again.measured_at == report.measured_at
    measure.cpu_report(refresh=True)
    assert len(calls) == 2


def test_cache_of_another_machine_is_ignored(monkeypatch):
    calls = []
    monkeypatch.setattr(measure, "measure_cpu", lambda progress=None: calls.append(1) or synthetic_cpu_report())
    measure.cpu_report()
    monkeypatch.setattr(measure, "_SESSION", {})
    monkeypatch.setattr(measure, "_cpu_key", lambda: {"schema": 1, "node": "another-host"})
    assert measure.cpu_report().cached_from is None and len(calls) == 2


def test_corrupt_or_unwritable_cache_does_not_break_anything(monkeypatch, tmp_path):
    monkeypatch.setattr(measure, "measure_cpu", lambda progress=None: synthetic_cpu_report())
    path = measure.cache_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    assert measure.cpu_report().cached_from is None  # measured, and the file rewritten
    assert json.loads(path.read_text(encoding="utf-8"))["cpu"]["report"]["matmul_n"] == 1024
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(measure.CACHE_ENV, str(blocker / "sub"))  # a folder that cannot be created
    monkeypatch.setattr(measure, "_SESSION", {})
    assert measure.cpu_report().matmul_n == 1024


def test_cpu_report_for_real_is_cached_and_plausible():
    report = measure.cpu_report()
    assert report.matmul_n == measure.DEFAULT_MATMUL_N and report.matmul_gflops["float32"].repeats >= 3
    assert report.numpy_speedup > 10
    assert measure.cpu_report() is report
    percent = report.percent_of_peak()
    assert percent is None or 0 < percent < 400  # boost and estimate error, never 10x


# -------------------------------------------------------------------------- a fake GPU with modelled timings


class FakeTorch:
    """A torch stand-in: every kernel, copy and synchronise advances one clock by a modelled time.

    Matmul: launch + 2 n m k / rate (rate by dtype; float32 uses the tf32 rate only when
    ``allow_tf32`` is set and the GPU has compute capability 8.0+). Copies: bytes / bandwidth.
    CUDA events read the clock when recorded, so every measured value has a hand-derived answer.
    """

    float32, float16, bfloat16, uint8 = "float32", "float16", "bfloat16", "uint8"
    ITEMSIZE = {"float32": 4, "float16": 2, "bfloat16": 2, "uint8": 1}

    def __init__(self, name="Tesla T4", capability=(7, 5), rates=None, launch_s=10e-6, sync_s=5e-6,
                 device_gbs=300.0, pinned_gbs=12.0, pageable_gbs=6.0, d2h_gbs=6.0, free_bytes=15e9):
        self.now = 0.0
        self.rates = rates or {"fp32": 4.5e12, "tf32": 4.5e12, "fp16": 40e12, "bf16": 2e12}
        self.launch_s, self.sync_s = launch_s, sync_s
        self.bandwidth = {"device": device_gbs * 1e9, "pinned": pinned_gbs * 1e9, "pageable": pageable_gbs * 1e9,
                          "d2h": d2h_gbs * 1e9}
        self.capability = capability
        self.__version__ = "fake-2.0"
        self.version = types.SimpleNamespace(cuda="12.4", hip=None)
        self.backends = types.SimpleNamespace(cuda=types.SimpleNamespace(matmul=types.SimpleNamespace(allow_tf32=False)))
        fake = self

        class Event:
            def __init__(self, enable_timing=False):
                self.at = None

            def record(self):
                self.at = fake.now

            def elapsed_time(self, end):  # milliseconds, as torch.cuda.Event.elapsed_time
                return (end.at - self.at) * 1e3

        self.cuda = types.SimpleNamespace(
            is_available=lambda: True, get_device_name=lambda index=0: name,
            get_device_capability=lambda index=0: capability, mem_get_info=lambda: (free_bytes, 16e9),
            synchronize=self._sync, Event=Event, empty_cache=lambda: None)
        self.tf32_during_matmul = []

    def clock(self):
        return self.now

    def _sync(self):
        self.now += self.sync_s

    def matmul_rate(self, dtype):
        if dtype == "float32":
            tf32 = self.backends.cuda.matmul.allow_tf32 and self.capability >= (8, 0)
            self.tf32_during_matmul.append(self.backends.cuda.matmul.allow_tf32)
            return self.rates["tf32" if tf32 else "fp32"]
        return self.rates["fp16" if dtype == "float16" else "bf16"]

    def randn(self, *shape, device="cpu", dtype="float32"):
        return FakeTensor(self, shape, dtype, device)

    def empty(self, n, dtype="float32", device="cpu", pin_memory=False):
        return FakeTensor(self, (n,), dtype, device, pinned=pin_memory)

    def zeros(self, n, device="cpu"):
        return FakeTensor(self, (n,), "float32", device)

    def from_numpy(self, array):
        return FakeTensor(self, array.shape, "float32", "cpu")


class FakeTensor:
    def __init__(self, torch, shape, dtype, device, pinned=False):
        self.torch, self.shape, self.dtype, self.device, self.pinned = torch, tuple(shape), dtype, device, pinned

    @property
    def nbytes(self):
        return math.prod(self.shape) * FakeTorch.ITEMSIZE[self.dtype]

    def __matmul__(self, other):
        (n, k), (_, m) = self.shape, other.shape
        self.torch.now += self.torch.launch_s + 2 * n * k * m / self.torch.matmul_rate(self.dtype)
        return FakeTensor(self.torch, (n, m), self.dtype, self.device)

    def copy_(self, source):
        kind = "device" if source.device == "cuda" else ("pinned" if source.pinned else "pageable")
        moved = 2 * self.nbytes if kind == "device" else self.nbytes
        self.torch.now += moved / self.torch.bandwidth[kind]
        return self

    def zero_(self):
        self.torch.now += self.nbytes / self.torch.bandwidth["device"]
        return self

    def add_(self, value):
        self.torch.now += self.torch.launch_s
        return self

    def to(self, device):
        self.torch.now += self.nbytes / self.torch.bandwidth["pageable"]
        return FakeTensor(self.torch, self.shape, self.dtype, device)

    def cpu(self):
        self.torch.now += self.nbytes / self.torch.bandwidth["d2h"]
        return FakeTensor(self.torch, self.shape, self.dtype, "cpu")

    def half(self):
        self.torch.now += self.torch.launch_s
        return FakeTensor(self.torch, self.shape, "float16", self.device)


@pytest.fixture
def fake_gpu(monkeypatch):
    def install(**kwargs):
        fake = FakeTorch(**kwargs)
        monkeypatch.setitem(sys.modules, "torch", fake)
        monkeypatch.setattr(measure, "_clock", fake.clock)
        return fake

    return install


def test_gpu_report_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    result = measure.gpu_report()
    assert result.available is False and "no GPU here" in result.reason and "torch" in result.reason
    assert result.matmul == {} and result.device_copy_gbs is None
    assert "Change runtime type" in measure.format_gpu_report(result)
    assert measure.race() is None


def test_gpu_report_torch_without_cuda(monkeypatch):
    fake = types.SimpleNamespace(__version__="2.5.0", cuda=types.SimpleNamespace(is_available=lambda: False))
    monkeypatch.setitem(sys.modules, "torch", fake)
    result = measure.gpu_report()
    assert result.available is False and "no GPU here" in result.reason and "CUDA" in result.reason


def test_t4_measured_against_the_model(fake_gpu):
    fake = fake_gpu()  # a Tesla T4: compute capability 7.5, PCIe Gen3
    report = measure.gpu_report(use_cache_file=False)
    assert report.available and report.name == "Tesla T4" and report.catalog_name == "T4"
    assert report.compute_capability == (7, 5) and report.software["torch"] == "fake-2.0"
    # Turing: no TF32 or bf16 Tensor Cores, so those are skipped with the reason
    assert set(report.matmul) == {"fp32", "fp16"}
    assert "8.0" in report.skipped["tf32"] and "7.5" in report.skipped["bf16"]
    fp32 = report.matmul["fp32"]
    assert fp32.sizes == (1024, 2048, 4096, 8192) and fp32.best_n == 8192
    # 2 x 8192^3 = 1.0995e12 FLOP in 10 us + 1.0995e12 / 4.5e12 s = 0.244346 s -> 4.49982 TFLOPS;
    # the L2 flush between calls (256 MiB zeroed) is outside the events and must not count
    flop = 2 * 8192**3
    assert fp32.best.median == pytest.approx(flop / (10e-6 + flop / 4.5e12) / 1e12, rel=1e-9)
    assert fp32.best.median == pytest.approx(4.49982, rel=1e-5)
    assert fp32.percent_of_peak == pytest.approx(100 * 4.49982 / 8.1, rel=1e-5)  # T4 datasheet fp32: 8.1
    # fp16 at 1024: 2.147e9 FLOP in 10 us + 53.7 us = 63.7 us -> 33.7 TFLOPS; the launch matters at small n
    small = report.matmul["fp16"].tflops[0].median
    assert small == pytest.approx(2 * 1024**3 / (10e-6 + 2 * 1024**3 / 40e12) / 1e12, rel=1e-9)
    assert report.matmul["fp16"].best.median < 40 and report.matmul["fp16"].peak_tflops == 65
    # copies: 256 MiB read + written at 300 GB/s, host->device 12 (pinned) and 6 GB/s (pageable)
    assert report.device_copy_gbs.median == pytest.approx(300)
    assert report.h2d_pinned_gbs.median == pytest.approx(12) and report.h2d_pageable_gbs.median == pytest.approx(6)
    assert report.percent("device_copy") == pytest.approx(100 * 300 / 320)  # T4: 320 GB/s
    # PCIe Gen3 x16 per direction: 16 lanes x 8 GT/s x 128/130 / 8 = 15.754 GB/s
    assert report.pcie_gbs == pytest.approx(16 * 8 * 128 / 130 / 8)
    assert report.percent("h2d_pinned") == pytest.approx(100 * 12 / 15.7538, rel=1e-4)
    # 100 launches of 10 us then one 5 us synchronise: 10.05 us per launch; one launch + wait: 15 us
    assert report.launch_us.median == pytest.approx(10.05) and report.round_trip_us.median == pytest.approx(15)
    assert fake.backends.cuda.matmul.allow_tf32 is False  # restored
    text = measure.format_gpu_report(report)
    assert "Tesla T4" in text and "catalog row: T4" in text and "56 % of catalog peak" in text


def test_tf32_is_on_only_for_the_tf32_sweep(fake_gpu):
    rates = {"fp32": 50e12, "tf32": 400e12, "fp16": 800e12, "bf16": 800e12}
    fake = fake_gpu(name="NVIDIA H100 80GB HBM3", capability=(9, 0), rates=rates, free_bytes=79e9)
    report = measure.gpu_report(use_cache_file=False)
    assert report.catalog_name == "H100 SXM" and set(report.matmul) == set(measure.GPU_DTYPES)
    flop = 2 * 8192**3
    for dtype, rate in rates.items():  # each sweep ran at its own modelled rate: the TF32 switch was right
        assert report.matmul[dtype].best.median == pytest.approx(flop / (10e-6 + flop / rate) / 1e12, rel=1e-9)
    # tf32 at 8192: 1.0995e12 FLOP in 10 us + 2.7488 ms = 2.7588 ms -> 398.55 TFLOPS = 80.6 % of the 494.5 peak
    assert report.matmul["tf32"].percent_of_peak == pytest.approx(100 * 398.55 / 494.5, rel=1e-4)
    assert True in fake.tf32_during_matmul and fake.backends.cuda.matmul.allow_tf32 is False


def test_gpu_time_limit_skips_the_rest(fake_gpu):
    fake_gpu(rates={"fp32": 1e10, "tf32": 1e10, "fp16": 1e10, "bf16": 1e10})  # 110 s per 8192^3 call
    report = measure.gpu_report(use_cache_file=False)
    assert report.available and "fp32" in report.matmul
    assert "time limit" in report.skipped["fp16"] and "time limit" in report.skipped["copy device"]
    assert report.device_copy_gbs is None


def test_gpu_failure_is_reported_not_raised(fake_gpu):
    fake = fake_gpu()
    fake.randn = lambda *a, **k: (_ for _ in ()).throw(RuntimeError("CUDA out of memory"))
    result = measure.gpu_report(use_cache_file=False)
    assert result.available is False and "out of memory" in result.reason


def test_gpu_report_cached_and_round_trips(fake_gpu, monkeypatch):
    fake_gpu()
    report = measure.gpu_report()
    assert measure.gpu_report() is report
    monkeypatch.setattr(measure, "_SESSION", {})
    again = measure.gpu_report()
    assert again.cached_from == str(measure.cache_path()) and again.matmul == report.matmul
    assert again.round_trip_us == report.round_trip_us and again.compute_capability == (7, 5)


def test_race_against_the_model(fake_gpu, monkeypatch):
    fake_gpu()
    # fixed CPU times make the winner deterministic: 5 us at n = 64, 1 ms at n = 128
    monkeypatch.setattr(measure, "cpu_race_seconds", lambda sizes: (5e-6, 1e-3))
    result = measure.race(sizes=[64, 128])
    assert result.measured and result.catalog_name == "T4" and result.sizes == (64, 128)
    # n = 128 fp32 kernel: 10 us + 2 x 128^3 / 4.5e12 = 10.932 us
    assert result.seconds("gpu_fp32", 128) == pytest.approx(10e-6 + 2 * 128**3 / 4.5e12)
    assert result.seconds("gpu_fp16", 128) == pytest.approx(10e-6 + 2 * 128**3 / 40e12)
    # end to end: two 64 KiB pageable copies in (10.923 us each at 6 GB/s), the kernel, one copy back, one sync
    copy = 128 * 128 * 4 / 6e9
    assert result.seconds("gpu_end_to_end", 128) == pytest.approx(3 * copy + 10e-6 + 2 * 128**3 / 4.5e12 + 5e-6)
    # PCIe Gen3 x16 estimate: 12 x 128^2 bytes / 15.754 GB/s = 12.48 us
    assert result.seconds("transfer_estimate", 128) == pytest.approx(12 * 128**2 / 15.7538e9, rel=1e-4)
    assert result.winner(64) == "cpu" and result.winner(128) == "gpu" and result.crossover() == 128
    assert result.tflops("gpu_fp16")[1] == pytest.approx(2 * 128**3 / (10e-6 + 2 * 128**3 / 40e12) / 1e12)
    assert "winner" in measure.format_race(result)


# -------------------------------------------------------------------------- the same code on a real torch


def _real_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def test_measurement_code_runs_on_a_real_cpu_torch():
    torch = _real_torch()
    if torch is None:
        pytest.skip("PyTorch is not installed: the torch calls of course_lib.measure were checked only on the fake")
    report = measure._measure_device(torch, "cpu", sizes=(64, 128), budget_s=0.02, copy_bytes=2**20)
    assert report.available and set(report.matmul) == {"fp32"} and report.matmul["fp32"].sizes == (64, 128)
    assert report.h2d_pageable_gbs.median > 0 and report.launch_us.median > 0
    assert "pinned" in report.skipped["copy pinned"]
    series = measure._race_on(measure._Device(torch, "cpu"), (32, 64), (1e-5, 1e-4), 0.02, lambda f, m: None, None)
    assert all(s > 0 for s in series["gpu_fp32"] + series["gpu_end_to_end"])


def test_real_cuda_gpu_measured():
    torch = _real_torch()
    if torch is None or not torch.cuda.is_available():
        reason = "no CUDA GPU here" + ("" if torch else " (PyTorch is not installed)")
        print(f"SKIPPED test_real_cuda_gpu_measured: {reason}")
        pytest.skip(reason)
    report = measure.gpu_report(refresh=True, use_cache_file=False)
    assert report.available, report.reason
    fp32 = report.matmul["fp32"]
    if fp32.percent_of_peak is not None:  # a catalog GPU: between a throttled card and a boosted one
        assert 5 < fp32.percent_of_peak < 130
    assert 1 < report.device_copy_gbs.median < 20_000 and report.h2d_pinned_gbs.median > 0.5
    assert 0 < report.round_trip_us.median < 10_000
    result = measure.race(sizes=[64, 1024])
    assert result.winner(64) == "cpu" or result.seconds("gpu_end_to_end", 64) < 1e-3


# -------------------------------------------------------------------------- catalog matching


@pytest.mark.parametrize(
    "device_name, expected",
    [
        ("NVIDIA A100-SXM4-80GB", "A100 SXM 80GB"),  # torch.cuda.get_device_name / nvidia-smi strings
        ("NVIDIA A100 80GB PCIe", "A100 PCIe 80GB"),
        ("NVIDIA H100 80GB HBM3", "H100 SXM"),
        ("Tesla T4", "T4"),  # Colab
        ("NVIDIA L4", "L4"),
        ("NVIDIA RTX A1000", None),  # "a100" must not match inside "A1000"
        ("NVIDIA GeForce GTX 1080", None),
    ],
)
def test_catalog_gpu_for(device_name, expected):
    gpu = measure.catalog_gpu_for(device_name)
    assert (gpu.name if gpu else None) == expected


# -------------------------------------------------------------------------- the reference table


REFERENCE = measure.reference_measurements()


def test_reference_table_schema():
    ids = [row.id for row in REFERENCE]
    assert len(ids) == len(set(ids)) and len(ids) >= 20
    benchmarks = measure.reference_benchmarks()
    for key, bench in benchmarks.items():
        assert bench["method"] and bench["url"].startswith("https://github.com/"), key
    for row in REFERENCE:
        assert row.benchmark in benchmarks and row.dtype in ("fp32", "tf32", "fp16", "bf16", "fp8"), row.id
        assert math.isfinite(row.tflops) and row.tflops > 0, row.id
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.date) and "2024-01-01" <= row.date <= "2026-12-31", row.id
        assert row.where, row.id
        assert {"torch", "driver", "python"} <= set(row.software), row.id
        assert {"cuda", "rocm", "gaudi_software"} & set(row.software), row.id
        assert all(value for value in row.software.values()), row.id  # unknown says "not published", never empty
        if row.catalog_name is not None:
            hardware.get_gpu(row.catalog_name)  # a real catalog row
        else:
            assert row.published_peak_tflops, row.id
        if row.benchmark == "mamf":
            assert re.fullmatch(r"\d+x\d+x\d+", row.shape) and not row.sizes, row.id
        if row.sizes:
            assert len(row.sizes) == len(row.tflops_per_size) and row.tflops == max(row.tflops_per_size), row.id


def test_reference_sources_are_pinned():
    for row in REFERENCE:
        # a commit-pinned file, or a numbered issue: what was read can be read again
        assert re.search(r"github\.com/[\w.-]+/[\w.-]+/(blob/[0-9a-f]{40}/|issues/\d+)", row.source), row.id
        if "/blob/" in row.source:
            assert re.search(r"commit [0-9a-f]{40}", row.source), row.id  # the commit that added the row


def test_reference_values_against_the_sources():
    by_id = {row.id: row for row in REFERENCE}
    # ml-engineering MAMF table, BF16 (transcribed): H100 SXM 794.5 of 989 = 80.3 %, best shape 2048x2048x13312
    h100 = by_id["mamf-h100-sxm-bf16"]
    assert (h100.tflops, h100.shape, h100.software["torch"]) == (794.5, "2048x2048x13312", "2.7.0+cu126")
    assert round(h100.percent_of_peak, 1) == 80.3  # same with the catalog's 989.5: 80.29 %
    assert (by_id["mamf-a100-sxm-bf16"].tflops, round(by_id["mamf-a100-sxm-bf16"].percent_of_peak, 1)) == (271.2, 86.9)
    # MI300X: the table says 51.4 % of 1300; the catalog's datasheet 1307.4 gives 51.1 %, and the row says why
    mi300x = by_id["mamf-mi300x-bf16"]
    assert round(mi300x.percent_of_peak, 1) == 51.1 and "1307.4" in mi300x.notes
    # torch-performance-test-data: a T4 on Google Colab, fp16 41.91 (64.5 % of 65), fp32 4.17 (51.5 % of 8.1)
    t4 = {row.dtype: row for row in REFERENCE if row.id.startswith("sweep-t4-colab")}
    assert (t4["fp16"].tflops, t4["fp32"].tflops, t4["fp16"].where) == (41.91, 4.17, "Google Colab")
    assert round(t4["fp16"].percent_of_peak, 1) == 64.5 and round(t4["fp32"].percent_of_peak, 1) == 51.5
    assert t4["bf16"].percent_of_peak is None  # Turing has no bf16 rate in the catalog
    # issue #79: H100 80GB HBM3 per size, fp16 760.04 at n = 4096
    assert by_id["sweep-h100-sxm-fp16"].tflops_per_size[2] == 760.04


def test_published_measurements_stay_below_their_peak():
    for row in REFERENCE:
        if row.percent_of_peak is not None:
            assert 5 < row.percent_of_peak < 100, row.id  # a measurement above the dense peak would be a typo


def test_reference_filters():
    assert {r.catalog_name for r in measure.reference_measurements("t4")} == {"T4"}
    assert {r.dtype for r in measure.reference_measurements(dtype="fp8")} == {"fp8"}
    with pytest.raises(ValueError, match="^dtype"):
        measure.reference_measurements(dtype="fp4")
    assert set(measure.reference_race_gpus()) >= {"H100 SXM", "V100 SXM2 32GB", "L4"}
    assert "T4" not in measure.reference_race_gpus()  # only the best size was published for the T4


def test_reference_race_by_hand():
    cpu = (1e-5, 1e-4, 5e-4, 2e-3, 1e-2, None, None)  # this machine, n = 64 ... 4096 (fixed here)
    result = measure.reference_race("H100 SXM", cpu=cpu)
    assert not result.measured and result.sizes == (64, 128, 256, 512, 1024, 2048, 4096, 8192, 10240)
    assert result.seconds("gpu_fp32", 512) is None  # nothing published below 1024
    # issue #79: fp32 51.88 TFLOPS at 4096 -> 2 x 4096^3 / 51.88e12 = 2.649 ms
    assert result.seconds("gpu_fp32", 4096) == pytest.approx(2 * 4096**3 / 51.88e12)
    # H100 SXM: PCIe Gen5 x16 = 16 x 32 x 128/130 / 8 = 63.02 GB/s; 12 x 1024^2 bytes -> 199.7 us
    assert result.seconds("transfer_estimate", 1024) == pytest.approx(12 * 1024**2 / 63.0154e9, rel=1e-4)
    # n = 1024: CPU 10 ms vs 2 x 1024^3 / 37.39e12 = 57.4 us kernel + 199.7 us copies -> GPU
    assert result.winner(1024) == "gpu" and result.winner(512) is None and result.crossover() == 1024
    assert "issues/79" in result.source_url and "torch 2.7.0+cu128, 2025-10-18" in result.source
    with pytest.raises(ValueError, match="^gpu"):
        measure.reference_race("T4", cpu=cpu)
    with pytest.raises(ValueError, match="^cpu"):
        measure.reference_race("H100 SXM", cpu=(1.0,))


def test_achieved_fractions():
    rows = measure.achieved_fractions("bf16")
    assert [r.percent for r in rows] == sorted((r.percent for r in rows), reverse=True)
    assert all(not r.mine for r in rows) and len(rows) == 12  # the 12 BF16 MAMF rows
    mine = measure.achieved_fractions("fp32", benchmark=None, cpu=synthetic_cpu_report())
    cpu_row = next(r for r in mine if r.mine)
    assert cpu_row.percent == pytest.approx(100 * 192.4 / 166.1)
    with pytest.raises(ValueError, match="^benchmark"):
        measure.achieved_fractions("bf16", benchmark="speedtest")


def test_achieved_fractions_adds_the_learners_gpu(fake_gpu):
    fake_gpu()
    report = measure.gpu_report(use_cache_file=False)
    rows = measure.achieved_fractions("fp16", gpu=report, benchmark=None)
    yours = [r for r in rows if r.mine]
    assert len(yours) == 1 and yours[0].label == "Tesla T4 (yours)"
    assert yours[0].percent == pytest.approx(report.matmul["fp16"].percent_of_peak)


# -------------------------------------------------------------------------- measure_all and the command line


def test_measure_all_and_report_without_gpu(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    monkeypatch.setattr(measure, "measure_cpu", lambda progress=None: synthetic_cpu_report())
    messages = []
    result = measure.measure_all(progress=lambda fraction, message: messages.append((fraction, message)))
    assert result.race is None and not result.gpu.available
    text = measure.format_report(result)
    assert "numpy matmul 1024^3 float32" in text and "no GPU here" in text and "Colab" in text
    json.dumps(result.to_dict())


def test_cli_json_prints_parseable_json(tmp_path):
    completed = subprocess.run([sys.executable, "-m", "course_lib.measure", "--json"], capture_output=True, text=True,
                               timeout=120, check=True, env={**__import__("os").environ,
                                                             measure.CACHE_ENV: str(tmp_path / "cli")})
    data = json.loads(completed.stdout)
    assert data["cpu"]["matmul_gflops"]["float32"]["median"] > 0
    assert "available" in data["gpu"]
    assert "%" in completed.stderr  # progress lines go to stderr, keeping stdout pure JSON
    assert (tmp_path / "cli" / "measurements.json").exists()


def test_cli_refuses_unknown_option():
    with pytest.raises(SystemExit):
        measure.main(["--bogus"])


def test_measured_values_are_numpy_free_for_json():
    spread = measure.Spread.of(np.array([1.0, 2.0]), "GB/s")
    assert type(spread.median) is float and type(spread.repeats) is int
