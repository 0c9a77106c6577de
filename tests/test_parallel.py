"""course_lib.parallel against hand derivations, published figures and numpy as the oracle."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import LLAMA2_7B_PARAMS

from course_lib import parallel

# -------------------------------------------------------------------------- all-reduce cost


def test_ring_allreduce_seconds_hand_values():
    # 1 GB over 8 GPUs at 300 GB/s each way: 2 * 7/8 * 1e9 B / 300e9 B/s = 1.75/300 s = 5.833 ms
    assert parallel.allreduce_seconds(1e9, 8, 300) == pytest.approx(5.8333333e-3)
    # two GPUs: each sends half the buffer twice = the whole buffer: 1e9 / 100e9 = 10 ms
    assert parallel.allreduce_seconds(1e9, 2, 100) == pytest.approx(0.010)
    # latency only: 2 (n - 1) messages of 10 us for n = 4 -> 60 us
    assert parallel.allreduce_seconds(0, 4, 100, latency_s=10e-6) == pytest.approx(60e-6)


def test_naive_allreduce_seconds_hand_values():
    # GPU 0 receives 7 buffers, then sends 7: 14 * 1e9 B / 300e9 B/s = 46.67 ms, + 2 latencies
    assert parallel.allreduce_seconds(1e9, 8, 300, "naive") == pytest.approx(0.0466667, rel=1e-5)
    assert parallel.allreduce_seconds(1e9, 8, 300, "naive", latency_s=1e-3) == pytest.approx(0.0486667, rel=1e-5)


def test_one_gpu_needs_no_communication():
    assert parallel.allreduce_seconds(1e9, 1, 300) == 0.0
    assert parallel.allreduce_seconds(1e9, 1, 300, "naive", latency_s=1.0) == 0.0


@given(n_bytes=st.floats(1.0, 1e12), n_gpus=st.integers(2, 1024), bandwidth=st.floats(0.1, 2000))
def test_ring_bus_bandwidth_identity(n_bytes, n_gpus, bandwidth):
    # nccl-tests PERFORMANCE.md: busbw = algbw * 2(n-1)/n equals the link bandwidth for an ideal ring
    seconds = parallel.allreduce_seconds(n_bytes, n_gpus, bandwidth)
    algbw = n_bytes / seconds / 1e9
    assert algbw * 2 * (n_gpus - 1) / n_gpus == pytest.approx(bandwidth, rel=1e-9)
    # each GPU moves less than twice the buffer, whatever n; the naive way is never faster
    assert seconds < 2 * n_bytes / (bandwidth * 1e9)
    assert parallel.allreduce_seconds(n_bytes, n_gpus, bandwidth, "naive") >= seconds


def test_ring_bytes_sent_hand_value():
    assert parallel.ring_allreduce_bytes_sent(800, 4) == 1200  # 2 * 3/4 * 800


def test_interconnect_per_direction():
    # A100 whitepaper: 12 NVLinks x 25 GB/s per direction = 300 GB/s (600 GB/s total bidirectional)
    assert parallel.interconnect_per_direction_gbs("A100 SXM 80GB") == 300
    # A800: NVLink 400 GB/s total -> 200 GB/s each way
    assert parallel.interconnect_per_direction_gbs("A800") == 200
    with pytest.raises(ValueError, match="^gpu"):
        parallel.interconnect_per_direction_gbs("T4")  # PCIe only


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n_bytes": -1}, "n_bytes"),
        ({"n_bytes": float("nan")}, "n_bytes"),
        ({"n_gpus": 0}, "n_gpus"),
        ({"n_gpus": 2.5}, "n_gpus"),
        ({"bandwidth_gbs": 0}, "bandwidth_gbs"),
        ({"bandwidth_gbs": float("nan")}, "bandwidth_gbs"),
        ({"latency_s": -1e-6}, "latency_s"),
        ({"algorithm": "tree"}, "algorithm"),
    ],
)
def test_allreduce_seconds_bad_input(kwargs, name):
    args = {"n_bytes": 1e9, "n_gpus": 8, "bandwidth_gbs": 300, **kwargs}
    with pytest.raises(ValueError, match=f"^{name}"):
        parallel.allreduce_seconds(**args)


def test_algorithm_typo_suggests_ring():
    with pytest.raises(ValueError, match="'ring'"):
        parallel.allreduce_seconds(1e9, 8, 300, algorithm="rign")


# -------------------------------------------------------------------------- ring all-reduce simulation


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 8), per_rank=st.integers(0, 6), seed=st.integers(0, 2**32 - 1))
def test_ring_allreduce_sums_and_bytes(n, per_rank, seed):
    rng = np.random.default_rng(seed)
    arrays = [rng.integers(-1000, 1000, size=n * per_rank) for _ in range(n)]
    result = parallel.ring_allreduce(arrays)
    expected = np.sum(arrays, axis=0)  # numpy as the oracle; integers, so exact
    for out in result.results:
        np.testing.assert_array_equal(out, expected)
    # chunks of equal size: each rank sends 2(n-1) chunks of 1/n of the buffer
    array_bytes = arrays[0].nbytes
    assert result.bytes_sent == [2 * (n - 1) * array_bytes // n] * n


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 7), length=st.integers(0, 40))
def test_ring_allreduce_uneven_chunks(n, length):
    arrays = [np.arange(length, dtype=np.int64) * (rank + 1) for rank in range(n)]
    result = parallel.ring_allreduce(arrays)
    expected = np.arange(length) * (n * (n + 1) // 2)  # 1 + 2 + ... + n times arange
    for out in result.results:
        np.testing.assert_array_equal(out, expected)
    # all ranks together: 2(n-1) transfers of every element (nccl-tests PERFORMANCE.md)
    assert sum(result.bytes_sent) == 2 * (n - 1) * arrays[0].nbytes


def test_ring_allreduce_float_multidim_keeps_shape_and_inputs():
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((3, 5)).astype(np.float32) for _ in range(4)]
    copies = [a.copy() for a in arrays]
    result = parallel.ring_allreduce(arrays)
    for out in result.results:
        assert out.shape == (3, 5) and out.dtype == np.float32
        np.testing.assert_allclose(out, np.sum(arrays, axis=0), rtol=1e-5)
    for a, c in zip(arrays, copies, strict=True):
        np.testing.assert_array_equal(a, c)  # inputs untouched


def test_ring_allreduce_step_log_three_ranks():
    # Hand derivation for n = 3 (Patarasuk & Yuan): reduce-scatter step s, rank r sends chunk (r - s) mod 3;
    # all-gather step s, rank r sends chunk (r + 1 - s) mod 3.
    result = parallel.ring_allreduce([np.full(6, float(r)) for r in range(3)], record_steps=True)
    assert [(s["phase"], s["step"], s["sends"]) for s in result.steps] == [
        ("reduce-scatter", 0, (0, 1, 2)),
        ("reduce-scatter", 1, (2, 0, 1)),
        ("all-gather", 0, (1, 2, 0)),
        ("all-gather", 1, (0, 1, 2)),
    ]
    # after step 0 of reduce-scatter, rank 1 holds chunk 0 with 2 inputs (its own + rank 0's), etc.
    np.testing.assert_array_equal(result.steps[0]["contributions"], [[1, 1, 2], [2, 1, 1], [1, 2, 1]])
    # after reduce-scatter, rank r holds the complete sum of chunk (r + 1) mod 3
    after_rs = result.steps[1]["contributions"]
    assert [after_rs[r, (r + 1) % 3] for r in range(3)] == [3, 3, 3]
    np.testing.assert_array_equal(result.steps[-1]["contributions"], np.full((3, 3), 3))
    assert parallel.ring_allreduce([np.zeros(3)] * 3).steps is None


def test_ring_allreduce_single_rank():
    result = parallel.ring_allreduce([np.array([1.0, 2.0])], record_steps=True)
    np.testing.assert_array_equal(result.results[0], [1.0, 2.0])
    assert result.bytes_sent == [0] and result.steps == []


@pytest.mark.parametrize("arrays", [[], "abc", [np.zeros(3), np.zeros(4)], [np.zeros(3), np.zeros(3, np.int32)]])
def test_ring_allreduce_bad_input(arrays):
    with pytest.raises(ValueError, match="^arrays"):
        parallel.ring_allreduce(arrays)


# -------------------------------------------------------------------------- pipeline schedules


F, B = "F", "B"


def test_gpipe_grid_by_hand():
    # p = 2, m = 2: stage 1 starts one slot late; backwards run in reverse stage order.
    assert parallel.pipeline_schedule(2, 2, "gpipe") == [
        [(F, 0), (F, 1), None, None, (B, 0), (B, 1)],
        [None, (F, 0), (F, 1), (B, 0), (B, 1), None],
    ]


def test_1f1b_grid_by_hand():
    # p = 2, m = 3: stage 0 warms up with p - 1 = 1 forward, then alternates F and B.
    assert parallel.pipeline_schedule(2, 3, "1f1b") == [
        [(F, 0), (F, 1), None, (B, 0), (F, 2), (B, 1), None, (B, 2)],
        [None, (F, 0), (B, 0), (F, 1), (B, 1), (F, 2), (B, 2), None],
    ]


def _in_flight_peak(row):
    """Most micro-batches alive at once on one stage: from the forward until the backward's last slot."""
    first_f = {cell[1]: t for t, cell in enumerate(row) if cell and cell[0] == F}
    last_b = {cell[1]: t for t, cell in enumerate(row) if cell and cell[0] == B}
    return max(sum(first_f[mb] <= t <= last_b[mb] for mb in first_f) for t in range(len(row)))


@settings(max_examples=80, deadline=None)
@given(p=st.integers(1, 8), m=st.integers(1, 16), schedule=st.sampled_from(["gpipe", "1f1b"]),
       ratio=st.integers(1, 3))
def test_schedule_grid_matches_formulas(p, m, schedule, ratio):
    grid = parallel.pipeline_schedule(p, m, schedule, backward_ratio=ratio)
    cells = [cell for row in grid for cell in row]
    idle = sum(cell is None for cell in cells)
    # bubble measured on the grid = (p-1)/(m+p-1) (GPipe, Huang et al. 2019)
    assert idle / len(cells) == pytest.approx((p - 1) / (m + p - 1))
    assert parallel.grid_bubble_fraction(grid) == pytest.approx(idle / len(cells))
    assert parallel.pipeline_bubble_fraction(p, m, schedule) == pytest.approx((p - 1) / (m + p - 1))
    # step length: (m + p - 1) forward+backward slots
    assert all(len(row) == (m + p - 1) * (1 + ratio) for row in grid)
    for stage, row in enumerate(grid):
        # every micro-batch: one forward slot and `ratio` backward slots on every stage
        assert sorted(c for c in row if c and c[0] == F) == [(F, i) for i in range(m)]
        assert sorted(c for c in row if c and c[0] == B) == [(B, i) for i in range(m) for _ in range(ratio)]
        # dependencies: F(mb) after F(mb) on the previous stage; B(mb) after B(mb) on the next stage
        for mb in range(m):
            if stage > 0:
                assert row.index((F, mb)) > grid[stage - 1].index((F, mb))
            if stage < p - 1:
                assert row.index((B, mb)) >= max(t for t, c in enumerate(grid[stage + 1]) if c == (B, mb)) + 1
            else:
                assert row.index((B, mb)) > row.index((F, mb))
    expected_peak = m if schedule == "gpipe" else min(p, m)
    assert _in_flight_peak(grid[0]) == expected_peak
    assert parallel.peak_activation_microbatches(p, m, schedule) == expected_peak


def test_bubble_matches_narayanan_form():
    # Narayanan et al. 2021: bubble time / ideal time = (p - 1) / m; p = 8, m = 32 -> 7/32
    bubble = parallel.pipeline_bubble_fraction(8, 32)
    assert bubble / (1 - bubble) == pytest.approx(7 / 32)
    assert bubble == pytest.approx(7 / 39)
    assert parallel.pipeline_bubble_fraction(4, 8, "1f1b") == pytest.approx(3 / 11)


def test_peak_activation_hand_values():
    assert parallel.peak_activation_microbatches(4, 8, "gpipe") == 8
    assert parallel.peak_activation_microbatches(4, 8, "1f1b") == 4
    assert parallel.peak_activation_microbatches(8, 3, "1f1b") == 3


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: parallel.pipeline_schedule(0, 4), "n_stages"),
        (lambda: parallel.pipeline_schedule(4, -1), "n_microbatches"),
        (lambda: parallel.pipeline_schedule(4, 4, "zero-bubble"), "schedule"),
        (lambda: parallel.pipeline_schedule(4, 4, backward_ratio=0), "backward_ratio"),
        (lambda: parallel.pipeline_bubble_fraction(4, float("nan")), "n_microbatches"),
        (lambda: parallel.peak_activation_microbatches(4, 4, "pipedream"), "schedule"),
    ],
)
def test_pipeline_bad_input(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


def test_schedule_typo_suggests_close_match():
    with pytest.raises(ValueError, match="'gpipe'"):
        parallel.pipeline_schedule(4, 4, "gpip")


# -------------------------------------------------------------------------- tensor parallelism


def _relu(x):
    return np.maximum(x, 0)


def _gelu_tanh(x):
    # GeLU, tanh approximation (Hendrycks & Gimpel 2016), written out independently of the library
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


@settings(max_examples=40, deadline=None)
@given(n_parts=st.sampled_from([1, 2, 4, 8]), batch=st.integers(1, 3), seed=st.integers(0, 2**32 - 1))
def test_tensor_parallel_equals_unsplit(n_parts, batch, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, 5, 16))  # (batch, seq, d_model)
    w = rng.standard_normal((16, 24))
    w1 = rng.standard_normal((16, 32))  # d_model -> 4 * ... hidden
    w2 = rng.standard_normal((32, 16))
    np.testing.assert_allclose(parallel.column_parallel_matmul(x, w, n_parts), x @ w, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(parallel.row_parallel_matmul(x, w, n_parts), x @ w, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(parallel.tensor_parallel_mlp(x, w1, w2, n_parts, "relu"), _relu(x @ w1) @ w2,
                               rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(parallel.tensor_parallel_mlp(x, w1, w2, n_parts), _gelu_tanh(x @ w1) @ w2,
                               rtol=1e-10, atol=1e-10)


def test_gelu_value_at_one():
    # tanh-approximate GeLU(1) = 0.5 * (1 + tanh(0.7978845608 * 1.044715)) = 0.841191990608
    out = parallel.tensor_parallel_mlp(np.array([[1.0]]), np.array([[1.0]]), np.array([[1.0]]), 1)
    assert out[0, 0] == pytest.approx(0.841191990608, rel=1e-9)


def test_row_parallel_partial_sums_are_not_the_result():
    # a single GPU's partial sum is not the answer: the all-reduce is needed
    x, w = np.ones((1, 4)), np.ones((4, 1))
    assert parallel.row_parallel_matmul(x, w, 2)[0, 0] == 4.0  # 2 + 2 after the sum
    assert (x[:, :2] @ w[:2])[0, 0] == 2.0


@pytest.mark.parametrize(
    "call, pattern",
    [
        (lambda: parallel.column_parallel_matmul(np.ones((2, 4)), np.ones((4, 6)), 4), "^n_parts"),
        (lambda: parallel.row_parallel_matmul(np.ones((2, 6)), np.ones((6, 4)), 4), "^n_parts"),
        (lambda: parallel.tensor_parallel_mlp(np.ones((2, 4)), np.ones((4, 6)), np.ones((6, 4)), 4), "^n_parts"),
        (lambda: parallel.column_parallel_matmul(np.ones((2, 4)), np.ones((4, 6)), 0), "^n_parts"),
        (lambda: parallel.column_parallel_matmul(np.ones((2, 3)), np.ones((4, 6)), 2), "^w"),
        (lambda: parallel.tensor_parallel_mlp(np.ones((2, 4)), np.ones((4, 6)), np.ones((5, 4)), 2), "^w2"),
        (lambda: parallel.tensor_parallel_mlp(np.ones((2, 4)), np.ones((4, 6)), np.ones((6, 4)), 2, "rleu"),
         "^activation.*'relu'"),
    ],
)
def test_tensor_parallel_bad_input(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


# -------------------------------------------------------------------------- ZeRO and data parallelism


@pytest.mark.parametrize(
    "stage, expected_gb",
    # ZeRO paper (Rajbhandari et al. 2020), Figure 1: 7.5B parameters, N_d = 64 GPUs, K = 12
    [(0, 120), (1, 31.4), (2, 16.6), (3, 1.9)],
)
def test_zero_figure_1(stage, expected_gb):
    result = parallel.zero_memory_per_gpu(7.5e9, 64, stage)
    assert result["total"] / 1e9 == pytest.approx(expected_gb, abs=0.05)  # the figure rounds to 0.1 GB
    assert set(result) == {"weights", "gradients", "optimizer_states", "activations", "total"}


def test_zero_stage_3_components_by_hand():
    # stage 3: 2 + 2 + 12 bytes per parameter, all divided by 64 GPUs
    result = parallel.zero_memory_per_gpu(7.5e9, 64, 3)
    assert result["weights"] == pytest.approx(2 * 7.5e9 / 64)
    assert result["gradients"] == pytest.approx(2 * 7.5e9 / 64)
    assert result["optimizer_states"] == pytest.approx(12 * 7.5e9 / 64)


@pytest.mark.parametrize("stage", [-1, 4, 1.5, "2"])
def test_zero_bad_stage(stage):
    with pytest.raises(ValueError, match="^stage"):
        parallel.zero_memory_per_gpu(7.5e9, 64, stage)


def test_zero_bad_gpu_count_names_it():
    with pytest.raises(ValueError, match="n_gpus"):
        parallel.zero_memory_per_gpu(7.5e9, 0, 1)


def test_data_parallel_a100_vs_a800():
    # 7e9 params in bf16 = 14e9 bytes of gradients, ring over 8 GPUs: 2 * 7/8 * 14e9 = 24.5e9 bytes per GPU.
    # A100 NVLink 600 GB/s total = 300 each way -> 81.67 ms; A800 400 total = 200 each way -> 122.5 ms.
    a100 = parallel.data_parallel_step_seconds(7e9, 8, 300, compute_seconds=1.0)
    a800 = parallel.data_parallel_step_seconds(7e9, 8, 200, compute_seconds=1.0)
    assert a100["gradient_bytes"] == 14e9
    assert a100["communication"] == pytest.approx(0.0816667, rel=1e-5)
    assert a800["communication"] == pytest.approx(0.1225)
    assert a100["total"] == pytest.approx(1.0816667, rel=1e-6) and a100["compute"] == 1.0
    assert a800["total"] == pytest.approx(1.1225)


def test_data_parallel_overlap_and_dtype():
    full = parallel.data_parallel_step_seconds(7e9, 8, 300, 1.0, overlap=1.0)
    assert full["total"] == pytest.approx(1.0)  # 81.7 ms all hidden behind the 0.667 s backward pass
    # Only the backward pass (2 of the 3 forward-equivalents of a step) can hide the all-reduce:
    # compute 0.06 s -> backward 0.04 s; all-reduce 2 x 7/8 x 14e9 / 300e9 = 0.0816667 s;
    # step = 0.06 + 0.0816667 - 0.04 = 0.1016667 s (not 0.0816667 s, which would hide the forward pass too).
    short = parallel.data_parallel_step_seconds(7e9, 8, 300, 0.06, overlap=1.0)
    assert short["total"] == pytest.approx(0.1016667, rel=1e-6) and short["hidden"] == pytest.approx(0.04)
    # overlap 0.5 would hide 0.0408333 s, but the backward pass is only 0.04 s long
    assert parallel.data_parallel_step_seconds(7e9, 8, 300, 0.06, overlap=0.5)["total"] == pytest.approx(
        0.1016667, rel=1e-6)
    # 0.09 s of compute: backward 0.06 s > 0.0408333 s, so half the all-reduce is hidden: 0.09 + 0.0408333
    assert parallel.data_parallel_step_seconds(7e9, 8, 300, 0.09, overlap=0.5)["total"] == pytest.approx(
        0.1308333, rel=1e-6)
    half = parallel.data_parallel_step_seconds(7e9, 8, 300, 1.0, overlap=0.5)
    assert half["total"] == pytest.approx(1.0 + 0.0816667 / 2, rel=1e-6)
    fp32 = parallel.data_parallel_step_seconds(7e9, 8, 300, 1.0, grad_dtype="fp32")
    assert fp32["communication"] == pytest.approx(2 * 0.0816667, rel=1e-5)  # 4 bytes instead of 2
    assert parallel.data_parallel_step_seconds(7e9, 1, 300, 1.0)["total"] == 1.0


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"n_params": 0}, "n_params"),
        ({"n_gpus": 0}, "n_gpus"),
        ({"bandwidth_gbs": -300}, "bandwidth_gbs"),
        ({"compute_seconds": float("nan")}, "compute_seconds"),
        ({"overlap": 1.5}, "overlap"),
        ({"grad_dtype": "bf61"}, "grad_dtype"),
    ],
)
def test_data_parallel_bad_input(kwargs, name):
    args = {"n_params": 7e9, "n_gpus": 8, "bandwidth_gbs": 300, "compute_seconds": 1.0, **kwargs}
    with pytest.raises(ValueError, match=f"^{name}"):
        parallel.data_parallel_step_seconds(**args)


# -------------------------------------------------------------------------- links and tensor-parallel layer time


@pytest.mark.parametrize(
    "gen, lanes, expected",
    [
        (3, 16, 15.7538),  # 16 x 8 GT/s x 128/130 / 8 = 15.75 GB/s (the classic "~16 GB/s" Gen3 x16)
        (4, 16, 31.5077),  # 16 x 16 x 128/130 / 8 = 31.5 GB/s per direction ("64 GB/s" both ways)
        (5, 16, 63.0154),  # 16 x 32 x 128/130 / 8 = 63.0 GB/s per direction ("128 GB/s" both ways)
        (4, 8, 15.7538),  # half the lanes, half the bandwidth
    ],
)
def test_pcie_bandwidth_hand_values(gen, lanes, expected):
    assert parallel.pcie_bandwidth_gbs(gen, lanes) == pytest.approx(expected, rel=1e-5)


def test_network_bandwidth_bits_to_bytes():
    assert parallel.network_bandwidth_gbs(400) == 50.0  # InfiniBand NDR 400 Gb/s = 50 GB/s


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: parallel.pcie_bandwidth_gbs(7), "gen"),
        (lambda: parallel.pcie_bandwidth_gbs(True), "gen"),
        (lambda: parallel.pcie_bandwidth_gbs(4, 0), "lanes"),
        (lambda: parallel.network_bandwidth_gbs(-400), "link_gbit_per_s"),
        (lambda: parallel.network_bandwidth_gbs(float("nan")), "link_gbit_per_s"),
    ],
)
def test_link_bad_input(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


def test_data_parallel_speedup_hand_values():
    # Llama-2 7B: 6,738,415,616 parameters (config.json); A100 dense bf16 312 TFLOPS.
    # compute: 6 x 6,738,415,616 x 4096 / (312e12 x 0.4) = 1.326950 s; all-reduce: 13,476,831,232 B x 1.75 / 300e9
    # = 78.615 ms; speed-up 8 x 1.326950 / 1.405565 = 7.5525
    n_params = LLAMA2_7B_PARAMS
    r = parallel.data_parallel_speedup("Llama-2 7B", "A100", 300, 8, 4096, 0.4)
    assert r["compute"] == pytest.approx(6 * n_params * 4096 / (312e12 * 0.4))
    assert r["communication"] == pytest.approx(2 * n_params * 1.75 / 300e9)
    assert r["speedup"] == pytest.approx(7.5525, rel=1e-4)
    assert r["efficiency"] == pytest.approx(7.5525 / 8, rel=1e-4)
    # 512 tokens over PCIe Gen4 with full overlap: compute 1.326950 / 8 = 0.165869 s, backward 2/3 of it = 0.110579 s,
    # all-reduce 13,476,831,232 x 1.75 / 31.50769e9 = 0.748532 s; step 0.165869 + 0.748532 - 0.110579 = 0.803822 s;
    # speed-up 8 x 0.165869 / 0.803822 = 1.6508
    r = parallel.data_parallel_speedup("Llama-2 7B", "A100", 16 * 16 * 128 / 130 / 8, 8, 512, 0.4, overlap=1.0)
    assert r["speedup"] == pytest.approx(1.6508, rel=1e-4)
    assert parallel.data_parallel_speedup("Llama-2 7B", "A100", 31.5, 1, 4096, 0.4)["speedup"] == 1
    with pytest.raises(ValueError, match="^tokens_per_gpu"):
        parallel.data_parallel_speedup("Llama-2 7B", "A100", 300, 8, 0, 0.4)
    with pytest.raises(ValueError, match="^n_gpus"):
        parallel.data_parallel_speedup("Llama-2 7B", "A100", 300, 0, 4096, 0.4)


def test_tensor_parallel_layer_llama2_70b_by_hand():
    # Llama-2 70B: d_model 8192, 80 layers, vocab 32000 (untied). Parameters used in matmuls:
    # 68,976,648,192 - 32000 x 8192 (embedding lookup) = 68,714,504,192. Forward FLOP per token at
    # s = 4096: 2 x 68,714,504,192 + 2 x 80 x 4096 x 8192 = 142,797,717,504; training x3 =
    # 428,393,152,512; per layer / 80 = 5,354,914,406.4; x 4096 tokens = 2.19337e13 FLOP.
    # TP 8 on H100 SXM (989.5e12 bf16 dense) at MFU 0.5: 2.19337e13 / 8 / 494.75e12 = 5.5416 ms.
    # One all-reduce buffer: 4096 x 8192 x 2 bytes = 67,108,864; ring 2 x 7/8 of it = 117,440,512
    # bytes, 4 per layer = 469,762,048 bytes: at 450 GB/s 1.04392 ms, at 50 GB/s 9.39524 ms.
    nvlink = parallel.tensor_parallel_layer_seconds("Llama-2 70B", 4096, 1, 8, 450, "H100 SXM", 0.5)
    assert nvlink["allreduce_bytes"] == 67_108_864
    assert nvlink["compute"] == pytest.approx(5.5416e-3, rel=1e-4)
    assert nvlink["communication"] == pytest.approx(1.04392e-3, rel=1e-5)
    ib = parallel.tensor_parallel_layer_seconds("Llama-2 70B", 4096, 1, 8, 50, "H100 SXM", 0.5)
    assert ib["communication"] == pytest.approx(9.39524e-3, rel=1e-5)
    assert ib["compute"] == nvlink["compute"]


def test_tensor_parallel_layer_ratio_independent_of_batch():
    one = parallel.tensor_parallel_layer_seconds("Llama-2 7B", 2048, 1, 4, 300, "A100", 0.4)
    four = parallel.tensor_parallel_layer_seconds("Llama-2 7B", 2048, 4, 4, 300, "A100", 0.4)
    assert four["compute"] == pytest.approx(4 * one["compute"])
    assert four["communication"] == pytest.approx(4 * one["communication"])
    assert parallel.tensor_parallel_layer_seconds("Llama-2 7B", 2048, 1, 1, 300, "A100", 0.4)["communication"] == 0


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"model": "llama-9b"}, "model|name"),
        ({"seq_len": 0}, "seq_len"),
        ({"micro_batch": 1.5}, "micro_batch"),
        ({"n_gpus": 0}, "n_gpus"),
        ({"bandwidth_gbs": 0}, "bandwidth_gbs"),
        ({"mfu": 1.2}, "mfu"),
        ({"dtype": "fp9"}, "dtype"),
    ],
)
def test_tensor_parallel_layer_bad_input(kwargs, name):
    args = {"model": "Llama-2 7B", "seq_len": 2048, "micro_batch": 1, "n_gpus": 8, "bandwidth_gbs": 300,
            "gpu": "A100", "mfu": 0.4, **kwargs}
    with pytest.raises(ValueError, match=f"^({name})"):
        parallel.tensor_parallel_layer_seconds(**args)
