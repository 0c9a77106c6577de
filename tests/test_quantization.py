"""course_lib.quantization: hand-computed examples, error bounds as properties, LLM.int8()."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from oracles import LLAMA2_7B_PARAMS

from course_lib.quantization import (
    bits_per_weight,
    check_bits,
    dequantize,
    error_vs_bits,
    granularity_kwargs,
    int8_matmul,
    mixed_int8_matmul,
    prune_2_4,
    quantization_error,
    quantize,
    quantize_matrix,
    quantized_bytes,
    quantized_serving,
    synthetic_weights,
    weights_per_scale,
)

X_HAND = [1.2, -0.5, -4.3, 1.2, -3.1, 0.8, 2.4, 5.4]


def test_absmax_by_hand():
    # scale = max|x| / 127 = 5.4 / 127 = 0.0425197; q = round(x / scale) = round(x * 23.5185):
    # 1.2 -> 28.22 -> 28, -0.5 -> -11.76 -> -12, -4.3 -> -101.13 -> -101, -3.1 -> -72.91 -> -73,
    # 0.8 -> 18.81 -> 19, 2.4 -> 56.44 -> 56, 5.4 -> 127.
    q, scale, zero_point = quantize(X_HAND, bits=8, scheme="absmax")
    assert scale == pytest.approx(5.4 / 127, rel=1e-12)
    assert zero_point == 0
    np.testing.assert_array_equal(q, [28, -12, -101, 28, -73, 19, 56, 127])
    assert q.dtype == np.int8


def test_zeropoint_by_hand():
    # range [-4.3, 5.4]: scale = 9.7 / 255 = 0.0380392, zero_point = round(4.3 / scale) = round(113.04) = 113;
    # q = round(x / scale) + 113: 1.2 -> 31.55 -> 32 -> 145, -0.5 -> -13.14 -> 100, -4.3 -> -113.04 -> 0,
    # -3.1 -> -81.49 -> 32, 0.8 -> 21.03 -> 134, 2.4 -> 63.09 -> 176, 5.4 -> 141.96 -> 255.
    q, scale, zero_point = quantize(X_HAND, bits=8, scheme="zeropoint")
    assert scale == pytest.approx(9.7 / 255, rel=1e-12)
    assert zero_point == 113
    np.testing.assert_array_equal(q, [145, 100, 0, 145, 32, 134, 176, 255])
    # dequantize: (145 - 113) * 9.7 / 255 = 1.21725...
    assert dequantize(q, scale, zero_point)[0] == pytest.approx(32 * 9.7 / 255, rel=1e-12)


def test_int4_absmax_by_hand():
    # bits=4: q in [-7, 7], scale = 5.4 / 7 = 0.771; 1.2 / 0.771 = 1.56 -> 2, -4.3 -> -5.57 -> -6
    q, scale, _ = quantize(X_HAND, bits=4)
    assert scale == pytest.approx(5.4 / 7)
    assert q[0] == 2 and q[2] == -6 and q[7] == 7


def test_zeropoint_range_contains_zero():
    # all positive data [2, 4]: the range is widened to [0, 4], so zero_point = 0 and scale = 4 / 255
    q, scale, zero_point = quantize([2.0, 3.0, 4.0], scheme="zeropoint")
    assert zero_point == 0 and scale == pytest.approx(4 / 255)


def test_scale_shapes():
    w = np.arange(24.0).reshape(4, 6) - 10
    assert np.shape(quantize(w)[1]) == ()
    assert quantize(w, axis=0)[1].shape == (4, 1)  # one scale per row
    assert quantize(w, axis=1)[1].shape == (1, 6)  # one scale per column
    assert quantize(w, axis=-1)[1].shape == (1, 6)
    assert quantize(w, group_size=3)[1].shape == (4, 2)  # two groups of 3 per row
    # axis=0: row i's scale is max |w[i, :]| / 127, e.g. row 0 = [-10..-5] -> 10 / 127
    assert quantize(w, axis=0)[1][0, 0] == pytest.approx(10 / 127)
    # group (row 3, second group) = [11, 12, 13] -> 13 / 127
    assert quantize(w, group_size=3)[1][3, 1] == pytest.approx(13 / 127)


def test_all_zero_input_does_not_divide_by_zero():
    for scheme in ("absmax", "zeropoint"):
        with np.errstate(all="raise"):
            q, scale, zero_point = quantize(np.zeros((2, 4)), scheme=scheme, group_size=2)
            x_hat = dequantize(q, scale, zero_point, group_size=2)
        assert np.all(np.isfinite(scale)) and np.all(scale > 0)
        np.testing.assert_array_equal(x_hat, 0.0)


MODES = [{}, {"axis": 0}, {"axis": 1}, {"group_size": 4}]


@settings(max_examples=150, deadline=None)
@given(
    x=hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.sampled_from([4, 8, 12])),
                 elements=st.floats(-1e4, 1e4, allow_subnormal=False)),
    bits=st.integers(2, 8),
    scheme=st.sampled_from(["absmax", "zeropoint"]),
    mode=st.sampled_from(MODES),
)
def test_round_trip_error_at_most_half_a_step(x, bits, scheme, mode):
    q, scale, zero_point = quantize(x, bits=bits, scheme=scheme, **mode)
    group_size = mode.get("group_size")
    x_hat = dequantize(q, scale, zero_point, group_size=group_size)
    assert x_hat.shape == x.shape
    # the scale that applies to each element, expanded by the test itself
    per_element = np.repeat(scale, group_size, axis=-1) if group_size else np.broadcast_to(scale, x.shape)
    assert np.all(np.abs(x - x_hat) <= per_element / 2 * (1 + 1e-9))
    if scheme == "absmax":
        assert q.min() >= -(2 ** (bits - 1) - 1) and q.max() <= 2 ** (bits - 1) - 1
        assert np.all(zero_point == 0)
    else:
        assert q.min() >= 0 and q.max() <= 2**bits - 1


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), bits=st.integers(2, 8), scheme=st.sampled_from(["absmax", "zeropoint"]))
def test_per_channel_beats_per_tensor_when_rows_differ_in_scale(seed, bits, scheme):
    rng = np.random.default_rng(seed)
    row_scales = rng.permutation(np.logspace(0, 2, 8))[:, None]  # rows spanning 1x .. 100x
    w = rng.normal(size=(8, 64)) * row_scales
    per_tensor = dequantize(*quantize(w, bits, scheme))
    per_row = dequantize(*quantize(w, bits, scheme, axis=0))
    assert quantization_error(w, per_row)["mse"] < quantization_error(w, per_tensor)["mse"]


def test_more_bits_less_error():
    w = synthetic_weights((64, 256), "heavy_tailed", seed=3)
    mse = [quantization_error(w, dequantize(*quantize(w, bits, axis=0)))["mse"] for bits in range(2, 9)]
    assert np.all(np.diff(mse) < 0)


def test_quantization_error_by_hand():
    # error [0, 0, 0, -1]: mse 1/4, max 1, relative 1/sqrt(1+4+9+16), sqnr 10 log10(30 / 1)
    result = quantization_error([1, 2, 3, 4], [1, 2, 3, 5])
    assert result["mse"] == 0.25 and result["max_abs"] == 1.0
    assert result["relative"] == pytest.approx(1 / math.sqrt(30))
    assert result["sqnr_db"] == pytest.approx(14.771212547, rel=1e-9)
    assert quantization_error([1.0, 2.0], [1.0, 2.0])["sqnr_db"] == math.inf


def test_quantized_bytes_by_hand():
    # 7e9 weights x 4 bits = 3.5e9 bytes; 7e9 / 128 = 54_687_500 groups x 2-byte fp16 scale
    assert quantized_bytes(7e9, 4, group_size=128, scale_bytes=2) == 3.5e9 + 7e9 / 128 * 2
    assert quantized_bytes(7e9, 4, group_size=128) == 3_609_375_000
    # plus a 4-bit (half-byte) zero point per group
    assert quantized_bytes(7e9, 4, group_size=128, zero_point=True) == 3_609_375_000 + 54_687_500 * 0.5
    assert quantized_bytes(7e9, 16) == 14e9 + 2  # per tensor: one scale
    assert quantized_bytes(1000, 8, group_size=128) == 1000 + 8 * 2  # ceil(1000 / 128) = 8 groups


def test_synthetic_weights():
    w = synthetic_weights((256, 512))
    assert w.shape == (256, 512) and w.std() == pytest.approx(0.02, rel=0.02)
    np.testing.assert_array_equal(w, synthetic_weights((256, 512), seed=0))
    assert not np.array_equal(w, synthetic_weights((256, 512), seed=1))
    t = synthetic_weights((256, 512), "heavy_tailed")
    assert t.std() == pytest.approx(0.02, rel=0.2)
    excess_kurtosis = lambda a: np.mean((a - a.mean()) ** 4) / a.var() ** 2 - 3  # noqa: E731
    assert excess_kurtosis(t) > 1 and abs(excess_kurtosis(w)) < 0.1  # Gaussian: 0
    o = synthetic_weights((256, 1000), "outlier_channels", std=1.0)
    column_std = o.std(axis=0)
    big = column_std > 10
    assert big.sum() == 5  # 0.5% of 1000 feature columns
    assert np.all((column_std[big] > 15) & (column_std[big] < 70))  # 20-60x of std 1, sampled
    assert np.all(column_std[~big] < 1.2)
    assert synthetic_weights(7, "outlier_channels").shape == (7,)


def test_int8_matmul_exact_on_grid_values():
    # every row of x and column of w has max |value| 127 (times a power of two), so scales are
    # 0.5 and 4 and all codes are exact: the result must equal the float product exactly.
    x = np.array([[127.0, -64.0, 3.0], [5.0, 127.0, -127.0]]) * 0.5
    w = np.array([[127.0, 1.0], [-127.0, 127.0], [7.0, -2.0]]) * 4.0
    np.testing.assert_array_equal(int8_matmul(x, w), x @ w)


def test_mixed_decomposition_rescues_outlier_features():
    x = synthetic_weights((64, 1024), "outlier_channels", seed=1, std=1.0)  # activations, 5 outlier columns
    w = synthetic_weights((1024, 256), seed=2)
    reference = x @ w
    plain = quantization_error(reference, int8_matmul(x, w))["relative"]
    mixed_output, n_outliers = mixed_int8_matmul(x, w, threshold=6.0)
    mixed = quantization_error(reference, mixed_output)["relative"]
    assert n_outliers == np.count_nonzero(np.any(np.abs(x) >= 6.0, axis=0)) == 5
    assert mixed < 0.01  # close to the float matmul
    assert plain > 10 * mixed
    # without outliers, plain int8 is already good
    clean = synthetic_weights((64, 1024), seed=1, std=1.0)
    assert quantization_error(clean @ w, int8_matmul(clean, w))["relative"] < 0.02


def test_mixed_decomposition_limits():
    x = synthetic_weights((8, 32), "outlier_channels", std=1.0)
    w = synthetic_weights((32, 4), seed=5)
    output, n = mixed_int8_matmul(x, w, threshold=1e9)  # nothing is an outlier: pure int8
    assert n == 0 and np.array_equal(output, int8_matmul(x, w))
    output, n = mixed_int8_matmul(x, w, threshold=1e-9)  # everything is: pure float
    assert n == 32 and np.allclose(output, x @ w, rtol=1e-12, atol=0)


@pytest.mark.parametrize("call, parameter", [
    (lambda: quantize(X_HAND, bits=1), "bits"),
    (lambda: quantize(X_HAND, bits=9), "bits"),
    (lambda: quantize(X_HAND, bits=4.5), "bits"),
    (lambda: quantize([1.0, np.nan], bits=8), "x"),
    (lambda: quantize([], bits=8), "x"),
    (lambda: quantize(X_HAND, scheme="absmx"), "scheme"),
    (lambda: quantize(X_HAND, group_size=3), "group_size"),
    (lambda: quantize(X_HAND, group_size=0), "group_size"),
    (lambda: quantize(X_HAND, axis=0, group_size=4), "group_size"),
    (lambda: quantize(np.ones((2, 2)), axis=2), "axis"),
    (lambda: dequantize(np.ones(4), 1.0, 0), "q"),
    (lambda: dequantize(np.ones(4, np.int8), 0.0, 0), "scale"),
    (lambda: dequantize(np.ones(4, np.int8), 1.0, 0.5), "zero_point"),
    (lambda: dequantize(np.ones(8, np.int8), np.ones(3), np.zeros(3, np.int8), group_size=4), "group_size"),
    (lambda: dequantize(np.ones((2, 8), np.int8), np.ones(3), 0), "scale"),
    (lambda: quantization_error([1.0, 2.0], [1.0]), "x_hat"),
    (lambda: quantized_bytes(-1, 4), "n_params"),
    (lambda: quantized_bytes(7e9, 0), "bits"),
    (lambda: quantized_bytes(7e9, 4, group_size=-128), "group_size"),
    (lambda: quantized_bytes(7e9, 4, scale_bytes=float("nan")), "scale_bytes"),
    (lambda: synthetic_weights((0, 3)), "shape"),
    (lambda: synthetic_weights((4, 4), kind="gauss"), "kind"),
    (lambda: synthetic_weights((4, 4), seed=-1), "seed"),
    (lambda: int8_matmul(np.ones((2, 3)), np.ones((2, 3))), "w"),
    (lambda: mixed_int8_matmul(np.ones((2, 3)), np.ones((3, 3)), threshold=-1), "threshold"),
    (lambda: bits_per_weight(0), "bits"),
    (lambda: bits_per_weight(4, group_size=0), "group_size"),
    (lambda: bits_per_weight(4, scale_bytes=-2), "scale_bytes"),
    (lambda: quantized_serving("Llama-2 7B", "T4", 1), "bits"),
    (lambda: quantized_serving("Llama-2 7B", "T4", 12), "bits"),
    (lambda: quantized_serving("Llama-2 7B", "T4", 4, group_size=-1), "group_size"),
    (lambda: quantized_serving("Llama-2 7B", "T4", 4, scale_bytes=0), "scale_bytes"),
    (lambda: quantized_serving("Llama-9 7B", "T4", 4), "model"),
    (lambda: quantized_serving("Llama-2 7B", "T5", 4), "gpu"),
    (lambda: prune_2_4([1.0, 2.0, 3.0]), "axis"),
    (lambda: prune_2_4(np.ones((4, 6)), axis=1), "axis"),
    (lambda: prune_2_4(np.ones((4, 4)), axis=2), "axis"),
    (lambda: prune_2_4([1.0, np.nan, 0.0, 2.0]), "w"),
    (lambda: prune_2_4(3.0), "w"),
])
def test_bad_input_names_the_parameter(call, parameter):
    with pytest.raises(ValueError, match=f"^{parameter}"):
        call()


def test_unknown_scheme_suggests_close_match():
    with pytest.raises(ValueError, match="'absmax'"):
        quantize(X_HAND, scheme="absmx")


def test_granularity_names_by_hand():
    assert granularity_kwargs("per-tensor") == {}
    assert granularity_kwargs("per-channel") == {"axis": 0}  # one scale per row (output channel)
    assert granularity_kwargs("Group 128") == {"group_size": 128}
    assert weights_per_scale((256, 1024), "per-tensor") == 262_144  # 256 x 1024
    assert weights_per_scale((256, 1024), "per-channel") == 1024  # one row
    assert weights_per_scale((256, 1024), "group 32") == 32
    assert [check_bits(b) for b in (2, 4.0, 8)] == [2, 4, 8]
    with pytest.raises(ValueError, match="^granularity.*'group 128'"):
        granularity_kwargs("group 100")
    with pytest.raises(ValueError, match="^shape"):
        weights_per_scale((4, 4, 4), "per-tensor")
    for bad in (1, 9, 4.5, "4"):
        with pytest.raises(ValueError, match="^bits"):
            check_bits(bad)


def numpy_absmax(w, bits, block_axis=None):
    """Oracle written here: symmetric round-to-nearest with q_max = 2**(bits-1) - 1, scales over ``block_axis``."""
    q_max = 2 ** (bits - 1) - 1
    scale = np.max(np.abs(w), axis=block_axis, keepdims=True) / q_max
    return np.clip(np.rint(w / scale), -q_max, q_max) * scale


def test_quantize_matrix_and_error_vs_bits_match_numpy_oracle():
    w = synthetic_weights((16, 64), "outlier_channels", seed=3)
    relative = [np.linalg.norm(w - numpy_absmax(w, b, block_axis=1)) / np.linalg.norm(w) for b in (3, 8)]
    np.testing.assert_allclose(error_vs_bits(w, "absmax", "per-channel", bits=(3, 8)), relative, rtol=1e-12)
    groups = w.reshape(16, 2, 32)  # two groups of 32 per row
    w_hat, q, scale, _ = quantize_matrix(w, 4, "absmax", "group 32")
    np.testing.assert_allclose(w_hat, numpy_absmax(groups, 4, block_axis=2).reshape(16, 64), rtol=1e-12)
    assert scale.shape == (16, 2) and q.dtype == np.int8


def test_bits_per_weight_by_hand():
    assert bits_per_weight(4, group_size=128) == 4.125  # 4 + 16 bits of fp16 scale / 128 weights
    # QLoRA (Dettmers et al. 2023, arXiv 2305.14314, sec. 3): one 32-bit constant per block of 64
    # weights adds 32 / 64 = 0.5 bits per parameter
    assert bits_per_weight(4, group_size=64, scale_bytes=4) - 4 == 0.5
    assert bits_per_weight(4, group_size=128, zero_point=True) == 4 + (16 + 4) / 128  # plus a 4-bit zero point
    assert bits_per_weight(8, group_size=64) == 8.25
    assert bits_per_weight(8) == 8.0  # per tensor: one scale for millions of weights


# Llama-2 7B: 6,738,415,616 parameters (tests/oracles.py); RTX 4090: 24 GB, 1,008 GB/s (datasheet).
LLAMA2_7B = LLAMA2_7B_PARAMS


def test_quantized_serving_llama2_7b_int4_by_hand():
    report = quantized_serving("Llama-2 7B", "RTX 4090", 4, group_size=128)
    # Weight-only int4 keeps the embedding and the head (2 x 32000 x 4096 = 262,144,000 weights) in fp16:
    # 524,288,000 bytes; the other 6,476,271,616 weights at 4 + 16/128 = 4.125 bits: 3,339,327,552 bytes.
    assert report["weights_bytes"] == 524_288_000 + 3_339_327_552
    assert report["n_params"] == LLAMA2_7B and report["bits_per_weight"] == pytest.approx(8 * 3_863_615_552 / LLAMA2_7B)
    assert report["fits"] and report["n_gpus"] == report["tensor_parallel"] == 1
    # Batch 1 reads the head (262,144,000 B), one embedding row (8,192 B) and the 4-bit weights:
    # 1008e9 / 3,601,479,744 = 279.9 tokens/s
    assert report["decode_tokens_per_second"] == pytest.approx(1008e9 / 3_601_479_744)
    fp16 = quantized_serving("Llama-2 7B", "RTX 4090", 16, group_size=128)  # 16 bits: no scales, group ignored
    assert fp16["weights_bytes"] == 2 * LLAMA2_7B and fp16["bits_per_weight"] == 16
    # 2 x 6,607,347,712 = 13,214,695,424 bytes: 76.3 tokens/s
    assert fp16["decode_tokens_per_second"] == pytest.approx(1008e9 / 13_214_695_424)
    # Everything in 4 bits if stated: the 262,144,000 embedding and head weights at 4.125 bits too
    all_int4 = quantized_serving("Llama-2 7B", "RTX 4090", 4, group_size=128, embedding_bits=4.125)
    assert all_int4["weights_bytes"] == pytest.approx(LLAMA2_7B * 4.125 / 8)


def test_quantized_serving_gpt3_needs_several_gpus():
    # GPT-3 175B (Brown et al. 2020, Table 2.1: d 12288, 96 layers, vocab 50257, context 2048):
    # 96 x (12 d^2 + 13 d) + (50257 + 2048) d + 2 d = 174,604,259,328 parameters, of which the (tied) embedding
    # and the position table are (50257 + 2048) x 12288 = 642,723,840.
    n, embeddings = 174_604_259_328, 642_723_840
    int8 = quantized_serving("GPT-3 175B", "A100 SXM 80GB", 8)
    assert int8["weights_bytes"] == (n - embeddings) + 2 * embeddings  # 1 byte each, embeddings in fp16
    assert not int8["fits"] and int8["n_gpus"] == 3  # 175.2 GB / 80 GB = 2.19 -> 3
    assert int8["tensor_parallel"] == 3             # 3 divides the 96 heads
    fp16 = quantized_serving("GPT-3 175B", "A100 SXM 80GB", 16)
    assert fp16["n_gpus"] == 5 and fp16["tensor_parallel"] == 6  # 349.2 GB / 80 GB = 4.37 -> 5; 96 heads -> 6
    every_weight_int8 = quantized_serving("GPT-3 175B", "T4", 8, embedding_bits=8)
    assert every_weight_int8["weights_bytes"] == n and not every_weight_int8["fits"]  # the "INT8 GPT-3 in 16 GB" myth
    assert every_weight_int8["n_gpus"] == 11  # 174.6 / 16 = 10.9
    # the T4 has no multi-GPU system in the course's data (a PCIe card): no tensor-parallel split of 11, no decode bound
    assert every_weight_int8["max_tensor_parallel"] == 1
    assert every_weight_int8["tensor_parallel"] is None and every_weight_int8["decode_tokens_per_second"] is None
    # A100s come in 8-GPU DGX servers: 5 cards' worth of fp16 GPT-3 split over 6 of one server's 8
    assert fp16["max_tensor_parallel"] == 8


def test_quantized_serving_on_a_four_card_workstation_by_hand():
    # The course's RTX 4090 system is a workstation of 4 cards on PCIe Gen4 x16 (16 GT/s x 16 lanes x 128/130 / 8
    # = 31.508 GB/s each way), never clustered: a split stops at 4.
    fp16 = quantized_serving("Llama-2 70B", "RTX 4090", 16)
    assert fp16["n_gpus"] == 6 and fp16["max_tensor_parallel"] == 4  # 137.95 GB / 24 GB = 5.75 -> 6 cards
    assert fp16["tensor_parallel"] is None and fp16["decode_tokens_per_second"] is None
    # 8 bits, groups of 128 (8.125 bits): (68,976,648,192 - 2 x 262,144,000) x 8.125 / 8 + 2 x 524,288,000 bytes
    # = 70.57 GB -> 3 cards; 64 heads split over 4, not 3. Batch 1 reads the 8-bit body, the fp16 head and one
    # fp16 embedding row, a quarter on each card at 1008 GB/s; 160 all-reduces of 8192 x 2 bytes, each
    # 6.6 us + 2 x 3 PCIe ring steps x 1.0 us + 2 x 3/4 x 16,384 B / 31.508 GB/s
    int8 = quantized_serving("Llama-2 70B", "RTX 4090", 8, group_size=128)
    assert (int8["n_gpus"], int8["tensor_parallel"]) == (3, 4)
    read = (68_976_648_192 - 524_288_000) * 8.125 / 8 + 2 * (262_144_000 + 8192)
    pcie = 16 * 16 * 128 / 130 / 8 * 1e9
    allreduce = 160 * (6.6e-6 + 6 * 1.0e-6 + 2 * 3 / 4 * 16_384 / pcie)
    step = read / (4 * 1008e9) + allreduce
    assert int8["decode_tokens_per_second"] == pytest.approx(1 / step)
    assert int8["allreduce_fraction"] == pytest.approx(allreduce / step) and round(allreduce / step, 2) == 0.11


def test_quantized_serving_moe_reads_active_weights():
    # Mixtral 8x7B: 2 of 8 experts per token. Batch 1 reads the fp16 head (131,072,000 weights), one embedding row
    # (4096), the 1,343,492,096 non-expert weights and 2 experts per layer (32 x 2 x 176,160,768 = 11,274,289,152) at
    # 8 bits (per-tensor scales):
    read = 2 * (131_072_000 + 4096) + 1_343_492_096 + 11_274_289_152
    report = quantized_serving("Mixtral 8x7B", "H100 SXM", 8)
    assert report["decode_tokens_per_second"] == pytest.approx(3350e9 / read)
    assert report["n_params"] > 3 * 12_879_925_248  # but all experts are stored (13B active of 47B)


def test_16_bits_on_two_gpus_vs_8_bits_on_one():
    # Llama-2 70B on A100 80GB: fp16 (137.95 GB) is split over 2 GPUs, int8 (70.6 GB) fits one. Two GPUs read
    # twice as fast, so 16 bits is almost as fast as 8 bits; what it loses is the 2 x 80 all-reduces per token.
    fp16 = quantized_serving("Llama-2 70B", "A100 SXM 80GB", 16)
    int8 = quantized_serving("Llama-2 70B", "A100 SXM 80GB", 8, group_size=128)
    assert (fp16["tensor_parallel"], int8["tensor_parallel"]) == (2, 1)
    # The fp16 step reads the head (32000 x 8192 = 262,144,000 weights), one embedding row (8192) and the other
    # 68,976,648,192 - 2 x 262,144,000 weights, 2 bytes each, half on each GPU (2039 GB/s);
    # all-reduces: 160 x (6.6 + 2 x 0.6 us + 2 x 1/2 x 16,384 B / 300e9) = 160 x 7.8546 us = 1.2567 ms
    read = 2 * (68_976_648_192 - 524_288_000 + 262_144_000 + 8192)
    step = read / (2 * 2039e9) + 160 * (7.8e-6 + 16_384 / 300e9)
    assert fp16["decode_tokens_per_second"] == pytest.approx(1 / step)
    assert fp16["allreduce_fraction"] == pytest.approx(160 * (7.8e-6 + 16_384 / 300e9) / step)
    assert 0.95 < fp16["decode_tokens_per_second"] / int8["decode_tokens_per_second"] < 1


def test_quantized_serving_and_compute_share_one_decode_bound():
    from course_lib import compute, quantization, serving

    # compute.decode_tokens_per_second stores every weight in its dtype; quantized_serving(embedding_bits=bits)
    # states the same; both are serving.decode_step. memory's "int4" is the course convention: 4-bit codes
    # with one fp16 scale per group of 128 weights, 4.125 bits.
    for model in ("Llama-2 7B", "Mixtral 8x7B"):
        for bits, group_size, dtype in ((16, None, "fp16"), (8, None, "int8"), (4, 128, "int4")):
            every = quantization.bits_per_weight(bits, group_size) if group_size else bits
            ours = quantized_serving(model, "H200 SXM", bits, group_size,
                                     embedding_bits=every)["decode_tokens_per_second"]
            assert ours == pytest.approx(compute.decode_tokens_per_second(model, "H200 SXM", dtype), rel=1e-12)
            dep = serving.deployment(model, "H200 SXM", weight_bits=every, embedding_bits=every)
            assert ours == pytest.approx(serving.decode_step(dep).tokens_per_second, rel=1e-12)


def test_prune_2_4_by_hand():
    w = [[1.0, -3.0, 2.0, 0.5, 4.0, -4.0, 0.1, 0.0]]
    # group [1, -3, 2, 0.5]: keep -3 and 2; group [4, -4, 0.1, 0]: keep 4 and -4
    np.testing.assert_array_equal(prune_2_4(w), [[0.0, -3.0, 2.0, 0.0, 4.0, -4.0, 0.0, 0.0]])
    np.testing.assert_array_equal(prune_2_4([1.0, -1.0, 1.0, 1.0]), [1.0, -1.0, 0.0, 0.0])  # ties: earlier kept
    # axis=0: groups run down the columns
    column = np.array([[0.1], [5.0], [-0.2], [-7.0]])
    np.testing.assert_array_equal(prune_2_4(column, axis=0), [[0.0], [5.0], [0.0], [-7.0]])


@settings(max_examples=100, deadline=None)
@given(w=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.sampled_from([4, 8, 12])),
                    elements=st.floats(-1e3, 1e3, allow_subnormal=False)),
       axis=st.sampled_from([-1, 1]))
def test_prune_2_4_keeps_the_two_largest_of_every_four(w, axis):
    pruned = prune_2_4(w, axis=axis)
    assert pruned.shape == w.shape
    groups, kept = w.reshape(w.shape[0], -1, 4), pruned.reshape(w.shape[0], -1, 4)
    changed = kept != groups
    assert np.all(kept[changed] == 0)  # values are kept or zeroed, never altered
    assert np.all(np.count_nonzero(kept == 0, axis=-1) >= 2)  # at least 2 zeros in every group of 4
    # the kept magnitudes are the 2 largest of each group (numpy sort as the oracle)
    np.testing.assert_array_equal(np.sort(np.abs(kept), axis=-1)[..., 2:], np.sort(np.abs(groups), axis=-1)[..., 2:])
    np.testing.assert_array_equal(prune_2_4(w.T, axis=0), pruned.T)


def test_prune_2_4_error_on_gaussian_weights():
    # Zeroing the 2 smallest of 4 Gaussian values: with |z| sorted, E[z_(1)^2] = 0.1207 and E[z_(2)^2] = 0.4091
    # (order statistics of |N(0,1)| for n = 4, by numerical integration of their densities; the 4 add up to
    # E[sum z^2] = 4), so the relative error is about sqrt(0.5298 / 4) = 0.364.
    w = synthetic_weights((256, 1024), seed=7)
    error = quantization_error(w, prune_2_4(w))["relative"]
    assert error == pytest.approx(0.364, rel=0.02)
    small_two = np.sort(np.abs(w.reshape(-1, 4)), axis=-1)[:, :2]  # the same, from this sample with numpy's sort
    assert error == pytest.approx(math.sqrt(np.sum(small_two**2) / np.sum(w**2)), rel=1e-12)
    assert np.count_nonzero(prune_2_4(w)) == w.size // 2


def test_published_gptq_table_and_increase():
    from course_lib.quantization import GPTQ_LLAMA_PERPLEXITY
    llama7 = GPTQ_LLAMA_PERPLEXITY[0]
    # IST-DASLab/gptq README, LLaMa-7B row: FP16 5.68 | 4bit-RTN 6.29 | 4bit-GPTQ 6.09 | 3bit-RTN 25.54 |
    # 3bit-GPTQ 8.07 | 3g128-GPTQ 6.61
    assert (llama7.model, llama7.fp16) == ("LLaMA-7B", 5.68)
    assert list(llama7.quantized.values()) == [6.29, 6.09, 25.54, 8.07, 6.61]
    assert llama7.increase("4-bit RTN") == pytest.approx(6.29 / 5.68 - 1)  # 10.7 %
    assert [row.model for row in GPTQ_LLAMA_PERPLEXITY] == ["LLaMA-7B", "LLaMA-13B", "LLaMA-30B", "LLaMA-65B"]
    # GPTQ beats round-to-nearest in every row and setting of the table
    for row in GPTQ_LLAMA_PERPLEXITY:
        assert row.quantized["4-bit GPTQ"] < row.quantized["4-bit RTN"]
        assert row.quantized["3-bit GPTQ"] < row.quantized["3-bit RTN"]
        assert "2210.17323" in row.source
    with pytest.raises(ValueError, match="^setting"):
        llama7.increase("5-bit RTN")
