"""course_lib.measure: machine-dependent numbers are checked for what can honestly fail.

Measured rates must be positive, finite and plausible; the peak estimate is checked on
synthetic CPUs against hand products; the GPU path is checked with torch absent, with torch
but no CUDA, and with a fake torch whose timings are known.
"""

import json
import math
import subprocess
import sys
import types

import pytest

from course_lib import hardware, measure

# -------------------------------------------------------------------------- measurements


def test_matmul_gflops_positive_and_finite():
    for dtype in ("float32", "float64"):
        gflops = measure.matmul_gflops(n=128, dtype=dtype, repeats=2)
        assert math.isfinite(gflops) and gflops > 0


def test_numpy_beats_python_loop_by_more_than_10x():
    numpy_rate = measure.matmul_gflops(n=256, repeats=2)
    python_rate = measure.python_loop_gflops(n=32)
    assert math.isfinite(python_rate) and python_rate > 0
    assert numpy_rate > 10 * python_rate


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: measure.matmul_gflops(n=0), "n"),
        (lambda: measure.matmul_gflops(dtype="float16"), "dtype"),
        (lambda: measure.matmul_gflops(repeats=-1), "repeats"),
        (lambda: measure.python_loop_gflops(n=float("nan")), "n"),
        (lambda: measure.memory_bandwidth_gbs(-5), "n_bytes"),
        (lambda: measure.peak_gflops_estimate(0, 3000, {"avx"}), "cores"),
        (lambda: measure.peak_gflops_estimate(4, float("nan"), {"avx"}), "clock_mhz"),
    ],
)
def test_bad_input_names_parameter(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


def test_dtype_typo_lists_close_match():
    with pytest.raises(ValueError, match="float32"):
        measure.matmul_gflops(dtype="flaot32")


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
    assert parsed["vendor"] == "GenuineIntel"
    assert parsed["family"] == 6
    assert parsed["clock_mhz"] == 2500.0
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
    json.dumps(info)  # serialisable for --json


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


# -------------------------------------------------------------------------- GPU


def test_gpu_measurement_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # makes `import torch` raise ImportError
    result = measure.gpu_measurement()
    assert result.available is False
    assert "no GPU here" in result.reason and "torch" in result.reason
    assert result.tflops == {} and result.memory_bandwidth_gbs is None


def test_gpu_measurement_torch_without_cuda(monkeypatch):
    fake = types.SimpleNamespace(__version__="2.5.0", cuda=types.SimpleNamespace(is_available=lambda: False))
    monkeypatch.setitem(sys.modules, "torch", fake)
    result = measure.gpu_measurement()
    assert result.available is False
    assert "no GPU here" in result.reason and "CUDA" in result.reason


def _fake_cuda_torch(matmul_ms, copy_ms, device_name):
    """A torch stand-in whose matmuls and copies advance a fake GPU clock by known times."""
    clock = {"ms": 0.0}

    class Tensor:
        def __matmul__(self, other):
            clock["ms"] += matmul_ms
            return self

        def copy_(self, other):
            clock["ms"] += copy_ms
            return self

    class Event:
        def __init__(self, enable_timing=False):
            self.at = None

        def record(self):
            self.at = clock["ms"]

        def elapsed_time(self, end):
            return end.at - self.at

    cuda = types.SimpleNamespace(is_available=lambda: True, get_device_name=lambda: device_name, Event=Event,
                                 synchronize=lambda: None, mem_get_info=lambda: (70e9, 80e9))
    return types.SimpleNamespace(
        __version__="fake", cuda=cuda, bfloat16="bf16", float16="fp16", float32="fp32", uint8="u8",
        backends=types.SimpleNamespace(cuda=types.SimpleNamespace(matmul=types.SimpleNamespace(allow_tf32=False))),
        randn=lambda *shape, **kw: Tensor(), empty=lambda *shape, **kw: Tensor(), empty_like=lambda t: Tensor())


def test_gpu_measurement_arithmetic_with_fake_gpu(monkeypatch):
    fake = _fake_cuda_torch(matmul_ms=1.5, copy_ms=0.8, device_name="NVIDIA H100 80GB HBM3")
    monkeypatch.setitem(sys.modules, "torch", fake)
    result = measure.gpu_measurement(quick=True)
    assert result.available and result.name == "NVIDIA H100 80GB HBM3"
    assert result.catalog_name == "H100 SXM"
    # 2 x 8192^3 = 1,099,511,627,776 FLOP in 1.5 ms = 733.0 TFLOPS
    assert result.tflops["bf16"] == pytest.approx(733.0078, rel=1e-6)
    assert result.tflops["tf32"] == pytest.approx(733.0078, rel=1e-6)
    # copy of 1e9 bytes = 2e9 bytes read + written in 0.8 ms = 2500 GB/s
    assert result.memory_bandwidth_gbs == pytest.approx(2500)
    h100 = hardware.get_gpu("H100 SXM")  # catalog (datasheet) peaks
    assert result.percent_of_peak["bf16"] == pytest.approx(100 * 733.0078 / h100.peak_tflops("bf16"), rel=1e-6)
    assert result.percent_of_peak["memory_bandwidth"] == pytest.approx(100 * 2500 / h100.memory_bandwidth_gbs)
    assert fake.backends.cuda.matmul.allow_tf32 is False  # restored


def test_gpu_measurement_failure_is_reported_not_raised(monkeypatch):
    fake = _fake_cuda_torch(1.0, 1.0, "NVIDIA H100 80GB HBM3")
    fake.randn = lambda *a, **k: (_ for _ in ()).throw(RuntimeError("CUDA out of memory"))
    monkeypatch.setitem(sys.modules, "torch", fake)
    result = measure.gpu_measurement()
    assert result.available is False and "out of memory" in result.reason


@pytest.mark.parametrize(
    "device_name, expected",
    [
        ("NVIDIA A100-SXM4-80GB", "A100 SXM 80GB"),  # torch.cuda.get_device_name / nvidia-smi strings
        ("NVIDIA A100 80GB PCIe", "A100 PCIe 80GB"),
        ("NVIDIA H100 80GB HBM3", "H100 SXM"),
        ("NVIDIA RTX A1000", None),  # "a100" must not match inside "A1000"
        ("NVIDIA GeForce GTX 1080", None),
    ],
)
def test_catalog_gpu_for(device_name, expected):
    gpu = measure.catalog_gpu_for(device_name)
    assert (gpu.name if gpu else None) == expected


# -------------------------------------------------------------------------- measure_all and the command line


def test_measure_all_quick_and_progress(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    messages = []
    result = measure.measure_all(quick=True, progress=messages.append)
    assert messages and all(isinstance(m, str) for m in messages)
    assert result.matmul_gflops["float32"] > 0
    # a 256 MB copy, larger than most last-level caches: from a slow laptop (~1 GB/s) to HBM-class (~10 TB/s)
    assert 0.1 < result.memory_bandwidth_gbs < 10_000
    assert result.numpy_speedup == pytest.approx(result.matmul_gflops["float32"] / result.python_loop_gflops)
    for dtype in ("float32", "float64"):
        peak = result.cpu_peak_gflops_estimate[dtype]
        if peak is not None:
            assert result.percent_of_peak[dtype] == pytest.approx(100 * result.matmul_gflops[dtype] / peak)
    assert result.gpu.available is False
    report = measure.format_report(result)
    assert "numpy matmul" in report and "no GPU here" in report
    json.dumps(result.to_dict())


def test_cli_json_prints_parseable_json():
    completed = subprocess.run([sys.executable, "-m", "course_lib.measure", "--json"], capture_output=True,
                               text=True, timeout=60, check=True)
    data = json.loads(completed.stdout)
    assert data["matmul_gflops"]["float32"] > 0
    assert "available" in data["gpu"]
    assert "..." in completed.stderr  # progress lines go to stderr, keeping stdout pure JSON
