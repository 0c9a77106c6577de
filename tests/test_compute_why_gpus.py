"""Tests for the compute helpers introduced in notebook 01 (Amdahl, vector add, roofline time, FLOP/s per watt).

Expected values are hand derivations written out below and datasheet figures (H100 SXM: 1,979
TFLOPS bf16 with 2:4 sparsity, so 989.5 dense, 3,350 GB/s, 700 W; A100 SXM 80GB: 312 TFLOPS
bf16 dense, 400 W), never the functions under test.
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib import compute, hardware

H100 = "H100 SXM"
A100 = "A100 SXM 80GB"
XEON = "Xeon Platinum 8480+"


def test_amdahl_by_hand():
    # p = 0.95 on 1000 workers: 1 / (0.05 + 0.95/1000) = 1 / 0.05095 = 19.627
    assert compute.amdahl_speedup(0.95, 1000) == pytest.approx(19.627, abs=1e-3)
    # p = 0.5 on 2 workers: 1 / (0.5 + 0.25) = 4/3
    assert compute.amdahl_speedup(0.5, 2) == pytest.approx(4 / 3)
    # fully parallel: linear; fully serial: no speed-up
    assert compute.amdahl_speedup(1.0, 64) == pytest.approx(64)
    assert compute.amdahl_speedup(0.0, 64) == pytest.approx(1)
    # one worker never speeds anything up
    assert compute.amdahl_speedup(0.9, 1) == pytest.approx(1)


@given(st.floats(min_value=0, max_value=0.999), st.integers(min_value=1, max_value=10**6))
def test_amdahl_bounded_by_workers_and_serial_part(p, n):
    s = compute.amdahl_speedup(p, n)
    assert 1 - 1e-12 <= s <= n * (1 + 1e-12)
    assert s <= 1 / (1 - p) * (1 + 1e-12)
    assert compute.amdahl_speedup(p, n + 1) >= s * (1 - 1e-12)  # more workers never hurt


def test_vector_add_intensity_by_hand():
    # fp32: 1 FLOP per (4 + 4 + 4) bytes = 1/12; bf16: 1/6
    assert compute.vector_add_arithmetic_intensity(4) == pytest.approx(1 / 12)
    assert compute.vector_add_arithmetic_intensity(2) == pytest.approx(1 / 6)
    # 1000 fp32 elements: x and y read, z written: 3 x 1000 x 4 = 12,000 bytes
    assert compute.vector_add_bytes(1000, 4) == 12_000


def test_roofline_seconds_compute_and_memory_bound():
    # 4096^3 bf16 matmul on H100: 2 x 4096^3 = 1.37439e11 FLOP / 989.5e12 = 138.9 us;
    # traffic 3 x 4096^2 x 2 bytes = 100.66 MB / 3.35e12 = 30.0 us -> compute-bound, 138.9 us.
    assert compute.roofline_seconds(2 * 4096**3, 3 * 4096**2 * 2, H100) == pytest.approx(138.9e-6, rel=1e-3)
    # fp32 vector add of 1e8 elements: 1e8 FLOP, 1.2e9 bytes / 3.35e12 = 358.2 us -> memory-bound.
    assert compute.roofline_seconds(1e8, 1.2e9, H100, "fp32") == pytest.approx(358.2e-6, rel=1e-3)
    assert compute.roofline_seconds(0, 0, H100) == 0


def test_roofline_seconds_with_an_efficiency_slows_only_the_arithmetic():
    # 4096^3 bf16 on H100 at 70 %: 1.37439e11 / (989.5e12 x 0.7) = 198.4 us (memory side 30.0 us unchanged)
    assert compute.roofline_seconds(2 * 4096**3, 3 * 4096**2 * 2, H100, "bf16", 0.7) == pytest.approx(198.4e-6,
                                                                                                     rel=1e-3)
    # memory-bound: 1.2e9 bytes / 3.35e12 = 358.2 us whatever the efficiency
    assert compute.roofline_seconds(1e8, 1.2e9, H100, "fp32", 0.1) == pytest.approx(358.2e-6, rel=1e-3)


def test_matmul_time_outer_product_is_memory_bound():
    # Learner review: (4096 x 1) @ (1 x 4096) in bf16 on one H100 SXM at 70 % of peak.
    # FLOP 2 x 4096 x 4096 x 1 = 33,554,432 -> 33,554,432 / (989.5e12 x 0.7) = 0.04844 us;
    # bytes (4096 + 4096 + 4096^2) x 2 = 33,570,816 -> / 3.35e12 B/s = 10.02 us: memory-bound, 10.02 us.
    t = compute.matmul_time(4096, 4096, 1, H100, 0.7, "bf16")
    assert t.flops == 33_554_432 and t.n_bytes == 33_570_816
    assert t.compute_s == pytest.approx(4.844e-8, rel=1e-3)
    assert t.memory_s == pytest.approx(10.02e-6, rel=1e-3)
    assert t.seconds == t.memory_s and t.bound == "memory"
    assert t.intensity == pytest.approx(33_554_432 / 33_570_816)  # 0.9995 FLOP/byte


def test_matmul_time_square_is_compute_bound_and_reads_operand_sizes():
    # 4096^3 bf16 at 70 %: 198.4 us arithmetic vs 3 x 4096^2 x 2 = 100,663,296 B / 3.35e12 = 30.05 us
    t = compute.matmul_time(4096, 4096, 4096, H100, 0.7)
    assert t.n_bytes == 100_663_296 and t.bound == "compute"
    assert t.seconds == t.compute_s == pytest.approx(198.4e-6, rel=1e-3)
    assert t.memory_s == pytest.approx(30.05e-6, rel=1e-3)
    # 64^3 bf16: 524,288 FLOP / 692.65e12 = 0.757 ns; 3 x 64^2 x 2 = 24,576 B / 3.35e12 = 7.34 ns: memory-bound
    small = compute.matmul_time(64, 64, 64, H100, 0.7)
    assert small.bound == "memory" and small.seconds == pytest.approx(7.336e-9, rel=1e-3)
    # operand sizes: tf32 reads fp32 (4 B), fp64 8 B, fp8 1 B
    assert [compute.operand_bytes(p) for p in ("tf32", "fp32", "fp64", "fp16", "bf16", "fp8", "int8")] == \
        [4, 4, 8, 2, 2, 1, 1]
    assert compute.matmul_time(4096, 4096, 4096, H100, 1.0, "fp64").n_bytes == 3 * 4096**2 * 8
    assert compute.matmul_bytes(4096, 4096, 1, 2) == 33_570_816


def test_roofline_bound_either_side_of_the_ridge():
    # H100 SXM bf16 ridge: 989.5e12 / 3.35e12 = 295.4 FLOP/byte; A100 80GB: 312e12 / 2.039e12 = 153.0
    assert compute.roofline_bound(295.0, H100) == "memory"
    assert compute.roofline_bound(296.0, H100) == "compute"
    assert compute.roofline_bound(200.0, A100) == "compute"
    assert compute.roofline_bound(200.0, H100) == "memory"
    # fp32 vector ridge on H100: 67e12 / 3.35e12 = 20 FLOP/byte
    assert compute.roofline_bound(19.0, H100, "fp32") == "memory"
    assert compute.roofline_bound(21.0, H100, "fp32") == "compute"


def test_flops_per_watt_from_datasheets():
    # H100 SXM bf16: 989.5e12 / 700 W = 1.4136e12 FLOP/J; A100: 312e12 / 400 W = 7.8e11 FLOP/J
    assert compute.flops_per_watt(H100) == pytest.approx(1.4136e12, rel=1e-4)
    assert compute.flops_per_watt(A100, "bf16") == pytest.approx(7.8e11)
    # fp32 vector: 67e12 / 700 = 9.571e10
    assert compute.flops_per_watt(H100, "fp32") == pytest.approx(9.571e10, rel=1e-3)


def test_flops_per_watt_without_tdp_names_gpu():
    base = hardware.get_gpu(H100)
    no_tdp = hardware.GPU(**{**{f: getattr(base, f) for f in base.__dataclass_fields__}, "name": "X", "tdp_w": None})
    with pytest.raises(ValueError, match=r"^gpu: X has no published board power"):
        compute.flops_per_watt(no_tdp)


@pytest.mark.parametrize("call, param", [
    (lambda: compute.amdahl_speedup(1.2, 10), "parallel_fraction"),
    (lambda: compute.amdahl_speedup(-0.1, 10), "parallel_fraction"),
    (lambda: compute.amdahl_speedup(math.nan, 10), "parallel_fraction"),
    (lambda: compute.amdahl_speedup(0.9, 0), "n_workers"),
    (lambda: compute.amdahl_speedup(0.9, 2.5), "n_workers"),
    (lambda: compute.vector_add_arithmetic_intensity(0), "bytes_per_element"),
    (lambda: compute.vector_add_bytes(0, 4), "n_elements"),
    (lambda: compute.vector_add_bytes(10, -4), "bytes_per_element"),
    (lambda: compute.roofline_seconds(-1, 10, H100), "flops"),
    (lambda: compute.roofline_seconds(1, math.inf, H100), "n_bytes"),
    (lambda: compute.roofline_seconds(1, 1, "H1000"), "gpu"),
    (lambda: compute.roofline_seconds(1, 1, A100, "fp8"), "precision"),
    (lambda: compute.roofline_seconds(1, 1, A100, "bf16", 0), "efficiency"),
    (lambda: compute.roofline_seconds(1, 1, A100, "bf16", 1.5), "efficiency"),
    (lambda: compute.matmul_time(0, 8, 8, H100), "m"),
    (lambda: compute.matmul_time(8, 8, 8, H100, 0.7, "fp4"), "precision"),
    (lambda: compute.matmul_time(8, 8, 8, A100, 0.7, "fp8"), "precision"),
    (lambda: compute.matmul_bytes(8, 8, 8, 0), "bytes_per_element"),
    (lambda: compute.operand_bytes("fp12"), "precision"),
    (lambda: compute.roofline_bound(0, H100), "arithmetic_intensity"),
    (lambda: compute.roofline_bound(10, H100, "fp12"), "precision"),
    (lambda: compute.flops_per_watt("B2000"), "gpu"),
    (lambda: compute.flops_per_watt(H100, "fp4"), "precision"),
])
def test_bad_input_raises_value_error_naming_the_parameter(call, param):
    with pytest.raises(ValueError, match=rf"^{param}"):
        call()


def test_spec_comparison_xeon_vs_h100():
    table = compute.spec_comparison(XEON, H100, "fp32")
    flops, bandwidth, per_watt = table["peak FLOP/s"], table["memory bandwidth (B/s)"], table["FLOP/s per watt"]
    assert flops[2] == pytest.approx(67 / 7.168)  # 9.35
    assert bandwidth[2] == pytest.approx(3350 / 307.2)  # 10.9
    assert per_watt[0] == pytest.approx(7.168e12 / 350)  # 20.5 GFLOPS/W
    assert per_watt[2] == pytest.approx((67 / 700) / (7.168 / 350))  # 4.67


def test_llm_matmul_roofline_decode_vs_prefill():
    # 1 token x 4096^2 bf16: 2 x 4096^2 / (2 x (4096 + 4096^2 + 4096)) = 0.9995 FLOP/byte;
    # attainable 0.9995 x 3.35e12 = 3.348e12 FLOP/s = 0.34 % of 989.5e12
    decode = compute.llm_matmul_roofline(H100, "bf16", 1, 4096)
    assert decode["intensity"] == pytest.approx(0.9995, abs=1e-4)
    assert decode["bound"] == "memory"
    assert decode["attainable_flops"] == pytest.approx(0.9995 * 3.35e12, rel=1e-4)
    assert decode["fraction_of_peak"] == pytest.approx(0.9995 * 3.35 / 989.5, rel=1e-4)
    # 4096 tokens: 2 x 4096^3 / (2 x 3 x 4096^2) = 1365.3 > ridge 989.5 / 3.35 = 295.4
    prefill = compute.llm_matmul_roofline(H100, "bf16", 4096, 4096)
    assert prefill["intensity"] == pytest.approx(4096 / 3)
    assert prefill["ridge"] == pytest.approx(295.37, abs=0.01)
    assert prefill["bound"] == "compute" and prefill["fraction_of_peak"] == 1


def test_spec_and_roofline_bad_input_names_parameter():
    with pytest.raises(ValueError, match=r"^precision"):
        compute.llm_matmul_roofline("H100 SXM", "tf32", 1, 4096)
    with pytest.raises(ValueError, match=r"^first"):
        compute.spec_comparison("H1000", "H100 SXM", "fp32")
