"""course_lib.attention: tiled (FlashAttention, Algorithm 1) attention equals softmax attention to fp32
rounding (float64 oracle), and its HBM traffic is counted as derived by hand from Dao et al. 2022."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import attention


def qkv(n, d, seed=0, dtype=np.float32, spread=1.0):
    rng = np.random.default_rng(seed)
    return tuple((spread * rng.standard_normal((n, d))).astype(dtype) for _ in range(3))


def reference(q, k, v):
    """softmax(Q K^T / sqrt(d)) V in float64, written out here (the oracle)."""
    q, k, v = (x.astype(np.float64) for x in (q, k, v))
    s = q @ k.T / np.sqrt(q.shape[1])
    w = np.exp(s - s.max(axis=1, keepdims=True))
    return (w / w.sum(axis=1, keepdims=True)) @ v


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 70), d=st.sampled_from([1, 2, 8, 16]), blocks=st.integers(4, 64), seed=st.integers(0, 999))
def test_tiled_attention_equals_softmax_attention_to_fp32_rounding(n, d, blocks, seed):
    q, k, v = qkv(n, d, seed)
    out, _ = attention.tiled_attention(q, k, v, sram_values=4 * d * blocks)
    assert out.dtype == np.float32
    exact = reference(q, k, v)
    # outputs are weighted means of V rows (|v| < ~5): a few fp32 epsilons per accumulated block
    assert np.max(np.abs(out - exact)) < 1e-5 * max(1.0, np.max(np.abs(v)))
    np.testing.assert_allclose(attention.softmax_attention(q, k, v), exact, atol=1e-5 * max(1.0, np.max(np.abs(v))))


def test_large_scores_do_not_overflow_thanks_to_the_running_max():
    q, k, v = qkv(40, 8, spread=30.0)  # scores ~ 30 x 30 x sqrt(8): exp() would overflow without the max
    out, _ = attention.tiled_attention(q, k, v, sram_values=4 * 8 * 5)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, reference(q, k, v), atol=1e-4)


def test_traffic_counted_while_running_matches_the_formula_and_a_hand_count():
    # N = 8, d = 2, M = 16 values: B_c = ceil(16 / 8) = 2, B_r = min(2, 2) = 2, T_c = 4 passes.
    # K, V once: 2 N d = 32; per pass Q_i, O_i read (2 N d = 32) and O_i written (16); l, m read and written (4 N = 32);
    # initialising O, l, m: N d + 2 N = 32. Total 32 + 4 x (32 + 16 + 32) + 32 = 384 values.
    q, k, v = qkv(8, 2)
    _, counts = attention.tiled_attention(q, k, v, sram_values=16)
    assert (counts.block_rows, counts.block_cols, counts.total) == (2, 2, 384)
    assert attention.attention_io(8, 2, 1, 16).bytes["tiled"] == 384
    # standard (Algorithm 0): 4 N d + 4 N^2 = 64 + 256 = 320: at this toy size tiling moves more, not less
    assert attention.attention_io(8, 2, 1, 16).bytes["standard"] == 320


@pytest.mark.parametrize(("n", "d", "m"), [(100, 16, 300), (257, 32, 4096), (64, 8, 32), (33, 4, 1000)])
def test_counted_traffic_equals_the_closed_form(n, d, m):
    q, k, v = qkv(n, d)
    _, counts = attention.tiled_attention(q, k, v, sram_values=m)
    assert counts.total == attention.attention_io(n, d, 1, m).bytes["tiled"]


def test_h100_roofline_by_hand():
    # bf16, d = 128, N = 8192, per head. Standard: 4 N^2 d / (2 (4 N d + 4 N^2)) = N d / (2 (N + d)) = 63.0 FLOP/byte;
    # minimum: 4 N^2 d / (2 x 4 N d) = N / 2 = 4096. H100 ridge 989.5 / 3.35 = 295.4.
    rows = {r.method: r for r in attention.attention_on_roofline("H100 SXM", 8192)}
    assert rows["standard"].intensity == pytest.approx(8192 * 128 / (2 * (8192 + 128)))
    assert rows["minimum"].intensity == pytest.approx(4096)
    assert (rows["standard"].bound, rows["minimum"].bound) == ("memory", "compute")
    # standard is memory-bound: time = bytes / bandwidth = 2 (4 N d + 4 N^2) / 3.35e12
    assert rows["standard"].seconds == pytest.approx(2 * (4 * 8192 * 128 + 4 * 8192**2) / 3.35e12)
    # H100: 228 KB shared memory = 116,736 bf16 values; B_c = ceil(116736 / 512) = 228
    assert attention.sram_values("H100 SXM") == 116_736
    assert attention.block_sizes(128, 116_736) == (128, 228)
    assert rows["standard"].hbm_bytes / rows["tiled"].hbm_bytes == pytest.approx(2.3, abs=0.1)


def test_where_each_becomes_compute_bound():
    # minimum traffic: N / 2 >= ridge -> N >= 590.7 on the H100 (1024 as a power of two), 306 on the A100 80GB (512)
    assert attention.compute_bound_seq_len("H100 SXM", "minimum") == 1024
    assert attention.compute_bound_seq_len("A100 SXM 80GB", "minimum") == 512
    # standard attention tends to d / 2 = 64 FLOP/byte, below both ridges: memory-bound at every length
    assert attention.compute_bound_seq_len("H100 SXM", "standard") is None
    assert attention.compute_bound_seq_len("A100 SXM 80GB", "standard") is None


def test_heads_scale_bytes_and_time_not_intensity():
    one = {r.method: r for r in attention.attention_on_roofline("A100 SXM 80GB", 2048)}
    many = {r.method: r for r in attention.attention_on_roofline("A100 SXM 80GB", 2048, heads=64)}
    for method in attention.METHODS:
        assert many[method].hbm_bytes == 64 * one[method].hbm_bytes
        assert many[method].intensity == one[method].intensity
        assert many[method].seconds == pytest.approx(64 * one[method].seconds)


@pytest.mark.parametrize(("call", "name"), [
    (lambda: attention.tiled_attention(*qkv(4, 2), sram_values=4), "sram_values"),
    (lambda: attention.tiled_attention(*qkv(4, 2), sram_values=0), "sram_values"),
    (lambda: attention.tiled_attention(*qkv(4, 2), sram_values=64, scale=-1.0), "scale"),
    (lambda: attention.softmax_attention(np.ones((2, 2)), np.ones((3, 2)), np.ones((2, 2))), "q, k, v"),
    (lambda: attention.softmax_attention(*(np.ones((2, 2), dtype=int),) * 3), "q"),
    (lambda: attention.attention_io(0, 64, 2, 1000), "seq_len"),
    (lambda: attention.attention_io(64, 64, 2, 1000).intensity("flash"), "method"),
    (lambda: attention.attention_on_roofline("H100 SXM", 1024, precision="fp4"), "precision"),
    (lambda: attention.attention_on_roofline("H100 SXM", 1024, heads=0), "heads"),
    (lambda: attention.sram_values("B200"), "gpu"),
    (lambda: attention.compute_bound_seq_len("H100 SXM", "fast"), "method"),
])
def test_bad_input_raises_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()
