"""Tests for course_lib.compute.

Expected values come from papers (quoted with their numbers), datasheets (A100 SXM 80GB:
312 TFLOPS dense bf16/fp16, 2,039 GB/s, 400 W; H100 SXM: 1,979 TFLOPS bf16 with sparsity, so 989.5 dense,
3,350 GB/s, 700 W) and hand
derivations written out below; never from the function under test.
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracles import LLAMA2_7B_PARAMS

from course_lib import compute
from course_lib.models import ModelConfig, get_model

A100 = "A100 SXM 80GB"
H100 = "H100 SXM"
DAY = 86400.0

# GPT-3 175B as configured in Megatron-LM's Table 1 (Narayanan et al. 2021, arXiv 2104.04473):
# 96 layers, hidden 12288, 96 heads, vocabulary 51,200, sequence length 2048.
MEGATRON_GPT3 = ModelConfig("Megatron GPT-3 175B", vocab_size=51200, d_model=12288, n_layers=96, n_heads=96,
                            n_kv_heads=96, d_ff=4 * 12288, gated_mlp=False, tied_embeddings=True,
                            learned_positions=True, max_seq_len=2048, bias=True, norm="layernorm")


# ---------------------------------------------------------------- FLOP counts

def test_matmul_flops_counts_multiply_and_add():
    # (2 x 3) @ (3 x 4): 2*4 outputs, each 3 multiplies + 3 adds = 8 * 6 = 48 FLOP.
    assert compute.matmul_flops(2, 4, 3) == 48
    assert compute.matmul_flops(4096, 4096, 4096) == 2 * 4096**3 == 137_438_953_472


def test_forward_flops_gpt2_small_by_hand():
    # GPT-2 small has 124,439,808 parameters (the Hugging Face checkpoint); 786,432 of them are the
    # learned positions (1024 x 768), a table lookup. The token embedding is tied to the output head,
    # so it counts once, as the head: 124,439,808 - 786,432 = 123,653,376 matmul parameters.
    # Attention term at 1024 tokens: 2 * 12 layers * 1024 * 768 = 18,874,368.
    expected = 2 * 123_653_376 + 18_874_368  # 266,181,120
    assert compute.forward_flops_per_token("GPT-2 small", 1024) == expected
    assert compute.training_flops_per_token("GPT-2 small", 1024) == 3 * expected


def test_forward_flops_llama2_7b_by_hand():
    # Llama-2 7B: 6,738,415,616 parameters; the untied 32,000 x 4096 input embedding (131,072,000)
    # is a lookup, the separate output head is a matmul: 6,607,343,616 matmul parameters.
    # Attention at 4096 tokens: 2 * 32 * 4096 * 4096 = 1,073,741,824.
    assert compute.forward_flops_per_token("Llama-2 7B", 4096) == 2 * 6_607_343_616 + 1_073_741_824


def test_forward_flops_matches_kaplan_table1_plus_head():
    # Kaplan et al. 2020, Table 1: C_forward = 2N + 2 n_layer n_ctx d_attn with N = 12 n_layer d^2
    # non-embedding parameters; the de-embedding (output head) adds 2 n_vocab d (Table 1, "De-embed").
    # Our count also includes biases and norms (13 d per layer), 0.01 % here.
    layers, d, s, v = 96, 12288, 2048, 51200
    kaplan = 2 * 12 * layers * d**2 + 2 * layers * s * d + 2 * v * d
    assert compute.forward_flops_per_token(MEGATRON_GPT3, s) == pytest.approx(kaplan, rel=2e-4)


def test_training_flops_gpt3_table_d1():
    # Brown et al. 2020 (arXiv 2005.14165), Table D.1: GPT-3 175B, 300B tokens, 3.14e23 FLOP.
    # 6 x 174.6e9 x 300e9 = 3.1428e23 (the paper's 174.6B parameters); 6 x 175e9 x 300e9 = 3.15e23.
    assert compute.training_flops(174.6e9, 300e9) == pytest.approx(3.1428e23, rel=1e-12)
    assert compute.training_flops(174.6e9, 300e9) == pytest.approx(3.14e23, rel=2e-3)
    assert compute.training_flops(175e9, 300e9) == pytest.approx(3.15e23, rel=1e-12)


def test_training_flops_gpt3_preset_matches_table_d1():
    n = get_model("GPT-3 175B").param_count()
    assert compute.training_flops(n, 300e9) == pytest.approx(3.14e23, rel=3e-3)


def test_training_is_three_forwards_and_about_6n():
    # With the attention term and head, training FLOP/token of Llama-2 7B at 4096 tokens is
    # 3 * 14,288,429,056 = 42,865,287,168, i.e. 6N (40,430,493,696) x 1.0602: the 6 N D rule is a lower estimate.
    assert compute.training_flops_per_token("Llama-2 7B", 4096) == 42_865_287_168
    assert compute.training_flops_per_token("Llama-2 7B", 4096) / (6 * LLAMA2_7B_PARAMS) == pytest.approx(1.0602, abs=1e-4)


# ---------------------------------------------------------------- MFU and time, against papers

def test_llama65b_mfu_and_21_days():
    # Touvron et al. 2023 (LLaMA, arXiv 2302.13971), section 2.4: the 65B model (65.2B parameters,
    # Table 2) "processes around 380 tokens/sec/GPU on 2048 A100 GPU with 80GB of RAM ... training
    # over our dataset containing 1.4T tokens takes approximately 21 days".
    # MFU by hand: 6 x 65.2e9 x 380 / 312e12 = 148.656e12 / 312e12 = 0.47646.
    value = compute.mfu(380 * 2048, 65.2e9, A100, n_gpus=2048)
    assert value == pytest.approx(0.47646, abs=5e-5)
    assert 0.47 <= value <= 0.48
    # Time by hand: 1.4e12 tokens / (380 x 2048 tokens/s) = 1,798,931 s = 20.82 days.
    seconds = compute.training_seconds(6 * 65.2e9 * 1.4e12, A100, 2048, mfu=0.47646)
    assert seconds / DAY == pytest.approx(20.82, abs=0.01)
    assert seconds / DAY == pytest.approx(21, rel=0.02)  # the paper's "approximately 21 days"


def test_megatron_gpt3_34_days():
    # Narayanan et al. 2021, section 5.1: FLOP per iteration with recomputation
    # 96 B s l h^2 (1 + s/(6h) + V/(16 l h)); GPT-3 175B, 300B tokens, 1024 A100s at 140 TFLOP/s
    # per GPU -> "34 days". Per token by hand (l=96, h=12288, s=2048, V=51200):
    # 96 x 96 x 12288^2 = 1.391569e12; 1 + 2048/73728 + 51200/18874368 = 1.0304905;
    # product 1.433999e12 FLOP/token; x 300e9 tokens = 4.30200e23 FLOP.
    total = compute.megatron_training_flops(MEGATRON_GPT3, 300e9, seq_len=2048)
    assert total == pytest.approx(4.30200e23, rel=1e-5)
    # 140 TFLOP/s of 312 is the utilization of executed FLOP (recomputation included):
    # 4.302e23 / (1024 x 140e12) = 3.0008e6 s = 34.7 days; the paper rounds with 8TP/(nX) = 33.9.
    days = compute.training_seconds(total, A100, 1024, mfu=140 / 312) / DAY
    assert days == pytest.approx(34.73, abs=0.02)
    assert days == pytest.approx(34, rel=0.025)
    # The paper's approximation 8TP drops the bracket: 8 x 300e9 x 175e9 = 4.2e23 -> 33.9 days.
    assert compute.training_seconds(8 * 300e9 * 175e9, A100, 1024, mfu=140 / 312) / DAY == pytest.approx(33.9, abs=0.05)


def test_megatron_without_recompute_and_causal_convention():
    # Korthikanti et al. 2022 (arXiv 2205.05198), appendix A: 72 B s l h^2 (1 + s/(6h) + V/(12 l h)).
    # Per token: 72 x 96 x 12288^2 = 1.043677e12; bracket 1 + 0.0277778 + 51200/14155776 = 1.0313947.
    per_token = compute.megatron_training_flops(MEGATRON_GPT3, 1, seq_len=2048, recompute=False)
    assert per_token == pytest.approx(1.043677e12 * 1.0313947, rel=1e-6)
    # Megatron counts the full s x s attention (12 l s h per training token); our forward uses the
    # causal average (6 l s h for training): the difference is 6 x 96 x 2048 x 12288 = 1.4496e10,
    # less the biases and norms we count and Megatron does not (0.6 %).
    ours = compute.training_flops_per_token(MEGATRON_GPT3, 2048)
    assert per_token - ours == pytest.approx(6 * 96 * 2048 * 12288, rel=1e-2)


def test_megatron_rejects_non_gpt_models():
    with pytest.raises(ValueError, match=r"^model"):
        compute.megatron_training_flops("Llama-2 7B", 1e12, seq_len=4096)


def test_llama2_7b_gpu_hours_imply_39_percent_mfu():
    # Touvron et al. 2023b (Llama 2, arXiv 2307.09288), Table 2: 7B took 184,320 GPU-hours on
    # A100-80GB at 400 W (3,311,616 for the whole family); 2.0T tokens (Table 1).
    # Implied MFU by hand: 6 x 6.74e9 x 2e12 / (184320 x 3600 x 312e12) = 8.088e22 / 2.0703e23 = 0.3907.
    tokens_per_gpu_second = 2e12 / (184_320 * 3600)
    assert compute.mfu(tokens_per_gpu_second, 6.74e9, A100) == pytest.approx(0.3907, abs=1e-4)
    # So 6ND at 39 % MFU reproduces the table (a plausible MFU; LLaMA-65B reached 48 %).
    cost = compute.training_cost(6 * 6.74e9 * 2e12, A100, n_gpus=1024, mfu=0.3907, usd_per_gpu_hour=2.0)
    assert cost["gpu_hours"] == pytest.approx(184_320, rel=1e-4)
    assert cost["seconds"] == pytest.approx(184_320 * 3600 / 1024, rel=1e-4)  # 648,000 s = 7.5 days
    assert cost["usd"] == pytest.approx(368_640, rel=1e-4)  # 184,320 h x $2
    assert cost["kwh"] == pytest.approx(73_728, rel=1e-4)  # 184,320 h x 0.4 kW


def test_training_cost_pue_scales_energy_only():
    base = compute.training_cost(1e21, H100, 8, 0.5, 3.0)
    with_pue = compute.training_cost(1e21, H100, 8, 0.5, 3.0, pue=1.2)
    # By hand: 1e21 / (8 x 989.5e12 x 0.5) = 252,653 s; 8 x 700 W x 252,653 s / 3.6e6 = 393.02 kWh.
    assert base["seconds"] == pytest.approx(1e21 / (8 * 989.5e12 * 0.5), rel=1e-12)
    assert base["kwh"] == pytest.approx(393.02, abs=0.01)
    assert with_pue["kwh"] == pytest.approx(1.2 * 393.02, abs=0.02)
    assert with_pue["usd"] == base["usd"]


def test_energy_kwh_of_an_8_gpu_node_for_a_day():
    # By hand: 8 x 700 W x 86,400 s = 4.8384e8 J; / 3.6e6 J/kWh = 134.4 kWh (H100 SXM TDP 700 W).
    assert compute.energy_kwh(700, 86_400, n_gpus=8) == pytest.approx(134.4, rel=1e-12)
    # A100 SXM, 400 W: 8 x 0.4 kW x 24 h = 76.8 kWh; with PUE 1.5: 115.2 kWh.
    assert compute.energy_kwh(400, 86_400, 8) == pytest.approx(76.8, rel=1e-12)
    assert compute.energy_kwh(400, 86_400, 8, pue=1.5) == pytest.approx(115.2, rel=1e-12)
    assert compute.energy_kwh(450, 0) == 0.0


def test_training_cost_without_a_published_tdp_has_no_energy():
    # TPU v5e: 197 dense bf16 TFLOPS, no published power. 1e21 / (4 x 197e12 x 0.5) = 2,538,071 s.
    cost = compute.training_cost(1e21, "TPU v5e", 4, 0.5, 1.0)
    assert cost["kwh"] is None
    assert cost["seconds"] == pytest.approx(2_538_071, rel=1e-6)
    assert cost["gpu_hours"] == pytest.approx(4 * 2_538_071 / 3600, rel=1e-6)


# ---------------------------------------------------------------- roofline

def test_ridge_points_from_datasheets():
    # A100: 312e12 / 2039e9 = 153.0 FLOP/byte; H100 SXM: 989.5e12 / 3350e9 = 295.4.
    assert compute.ridge_point(A100, "bf16") == pytest.approx(153.02, abs=0.01)
    assert compute.ridge_point(H100) == pytest.approx(295.37, abs=0.01)


def test_roofline_two_regimes_by_hand():
    # Intensity 10 FLOP/byte on A100: 10 x 2039e9 = 20.39 TFLOP/s (memory-bound);
    # 1000 FLOP/byte: capped at the 312 TFLOP/s peak.
    assert compute.roofline(10, A100) == pytest.approx(20.39e12)
    assert compute.roofline(1000, A100) == pytest.approx(312e12)


def test_matmul_arithmetic_intensity_by_hand():
    # Square n x n x n in bf16: 2n^3 / (2 x 3n^2) = n/3 -> 4096/3 = 1365.33 FLOP/byte.
    assert compute.matmul_arithmetic_intensity(4096, 4096, 4096, 2) == pytest.approx(4096 / 3)
    # Decode GEMV, one token times a 4096 x 4096 fp16 weight: 2 x 4096^2 / (2 x (4096 + 4096^2 + 4096))
    # = 16,777,216 / 16,785,408 = 0.99951 FLOP/byte: deep in the memory-bound regime.
    assert compute.matmul_arithmetic_intensity(1, 4096, 4096, 2) == pytest.approx(0.99951, abs=1e-5)


# ---------------------------------------------------------------- decode

# Llama-2 7B (config.json): vocab 32000, d 4096, 6,738,415,616 parameters, of which the input embedding and the
# output head are 32000 x 4096 = 131,072,000 each. A decode step reads the head, one embedding row per token and
# the other 6,476,271,616 weights: 6,607,347,712 weights at batch 1 (no longer the whole 131M-row table).
# KV cache per token: 2 (K, V) x 32 layers x 4096 x 2 bytes = 524,288 bytes.
LLAMA_READ_BATCH1 = 6_607_347_712


def test_decode_llama2_7b_a100_batch1():
    # 2 x 6,607,347,712 = 13,214,695,424 bytes of fp16 weights: 2039e9 / 13,214,695,424 = 154.30 tokens/s.
    assert compute.decode_tokens_per_second("Llama-2 7B", A100, "fp16") == pytest.approx(2039e9 / 13_214_695_424)
    assert compute.decode_tokens_per_second("Llama-2 7B", A100, "fp16") == pytest.approx(154.30, abs=0.01)


def test_decode_with_kv_cache_by_hand():
    # Batch 1 at 4096 cached tokens: + 4096 x 524,288 = 2,147,483,648 bytes of KV:
    # 2039e9 / (13,214,695,424 + 2,147,483,648) = 132.73 tokens/s.
    assert compute.decode_tokens_per_second("Llama-2 7B", A100, "fp16", seq_len=4096) == pytest.approx(
        2039e9 / 15_362_179_072)
    # Batch 8: weights 2 x (6,607,347,712 + 7 more rows of 4096) = 13,214,752,768; KV 8 x 2,147,483,648
    # = 17,179,869,184: 8 x 2039e9 / 30,394,621,952 = 536.67 tokens/s.
    assert compute.decode_tokens_per_second("Llama-2 7B", A100, "fp16", batch=8, seq_len=4096) == pytest.approx(
        8 * 2039e9 / 30_394_621_952)


def test_decode_compute_bound_and_crossover():
    # Compute ceiling: 312e12 / (2 x 6,607,343,616) = 23,610.1 tokens/s whatever the batch
    # (matmul parameters: all but the input embedding; the head counts).
    ceiling = compute.decode_compute_bound_tokens_per_second("Llama-2 7B", A100, "fp16")
    assert ceiling == pytest.approx(23_610.1, abs=0.1)
    # Batching turns decode compute-bound near batch = ceiling / 154.29 = 153, the ridge point of the A100 (153).
    assert compute.decode_tokens_per_second("Llama-2 7B", A100, batch=150) < ceiling
    assert compute.decode_tokens_per_second("Llama-2 7B", A100, batch=160) > ceiling
    # Attention over 4096 cached tokens: + 4 x 32 x 4096 x 4096 = 2,147,483,648 FLOP per token.
    assert compute.decode_compute_bound_tokens_per_second("Llama-2 7B", A100, seq_len=4096) == pytest.approx(
        312e12 / (2 * 6_607_343_616 + 2_147_483_648))


def test_decode_tensor_parallel_and_quantized_weights():
    # Two A100s (NVLink 600 GB/s total, 300 per direction) each read half the bytes: 13,214,695,424 / (2 x 2039e9)
    # = 3.24051 ms, plus 2 all-reduces per layer x 32 layers, each NCCL's ring/LL latency 6.6 + 2 x 0.6 us plus
    # 2 x 1/2 x 8,192 bytes / 300e9 (27 ns): 64 x 7.8273 us = 0.50095 ms -> 3.74146 ms per token, 267.27 tokens/s.
    assert compute.decode_tokens_per_second("Llama-2 7B", A100, n_gpus=2) == pytest.approx(
        1 / (13_214_695_424 / (2 * 2039e9) + 64 * (7.8e-6 + 8192 / 300e9)))
    assert compute.decode_tokens_per_second("Llama-2 7B", A100, n_gpus=2) == pytest.approx(267.27, abs=0.01)
    # int4 weights (4.125 bits = 0.515625 byte with their fp16 group scales, every weight) keep an fp16 KV cache
    # by default (weight-only quantization): 6,607,347,712 x 0.515625 = 3,406,913,664 B of weights read;
    # 2039e9 / (3,406,913,664 + 2,147,483,648) = 2039e9 / 5,554,397,312 = 367.10 tokens/s.
    assert compute.decode_tokens_per_second("Llama-2 7B", A100, "int4", seq_len=4096) == pytest.approx(
        2039e9 / 5_554_397_312)
    # An int4 KV cache too: 4,096 tokens x 262,144 values per token x 0.515625 byte =
    # 553,648,128 B -> 2039e9 / 3,960,561,792 = 514.82 tokens/s.
    assert compute.decode_tokens_per_second("Llama-2 7B", A100, "int4", seq_len=4096, kv_dtype="int4") == \
        pytest.approx(2039e9 / 3_960_561_792)


def test_decode_moe_reads_routed_experts():
    # Mixtral 8x7B (config.json: d 4096, 32 layers, 8 experts of 3 x 4096 x 14336 = 176,160,768, 2 per token,
    # vocab 32000): non-expert weights 46,702,792,704 - 2 x 131,072,000 - 32 x 8 x 176,160,768 = 1,343,492,096.
    # Batch 1 reads the head, 1 row, those and 2 experts per layer: 12,748,857,344 weights, 25,497,714,688 bytes:
    # 3350e9 / 25,497,714,688 = 131.38 tokens/s on an H100 SXM.
    assert compute.decode_tokens_per_second("Mixtral 8x7B", H100) == pytest.approx(3350e9 / 25_497_714_688)
    # Batch 8 with uniform routing uses 8 (1 - (6/8)^8) = 7.19910 experts per layer on average:
    weights = 131_072_000 + 8 * 4096 + 1_343_492_096 + 32 * 8 * (1 - 0.75**8) * 176_160_768
    assert compute.decode_tokens_per_second("Mixtral 8x7B", H100, batch=8) == pytest.approx(
        8 * 3350e9 / (2 * weights))


# ---------------------------------------------------------------- properties

catalog_gpus = st.sampled_from([A100, H100])
mfus = st.floats(min_value=0.01, max_value=1.0)
flops = st.floats(min_value=1e15, max_value=1e26)


@given(flops, catalog_gpus, st.integers(min_value=1, max_value=100_000), mfus)
def test_training_seconds_scales_inversely_with_gpus_and_mfu(total, gpu, n_gpus, mfu):
    one = compute.training_seconds(total, gpu, 1, 1.0)
    assert one == pytest.approx(total / {A100: 312e12, H100: 989.5e12}[gpu], rel=1e-12)
    assert compute.training_seconds(total, gpu, n_gpus, mfu) == pytest.approx(one / (n_gpus * mfu), rel=1e-12)


# MFU up to 0.999: at exactly 1.0 floating-point rounding can land just above 1, which mfu() rejects.
@given(st.floats(min_value=1e6, max_value=1e12), st.floats(min_value=1e-3, max_value=0.999), catalog_gpus,
       st.integers(min_value=1, max_value=4096))
def test_mfu_and_training_seconds_are_inverse(n_params, target_mfu, gpu, n_gpus):
    # If a run reaches MFU u, D tokens take D / throughput seconds at that MFU.
    peak = {A100: 312e12, H100: 989.5e12}[gpu]
    tokens_per_second = target_mfu * n_gpus * peak / (6 * n_params)
    measured = compute.mfu(tokens_per_second, n_params, gpu, n_gpus)
    assert measured == pytest.approx(target_mfu, rel=1e-9)
    assert compute.training_seconds(6 * n_params * 1e12, gpu, n_gpus, measured) == pytest.approx(
        1e12 / tokens_per_second, rel=1e-9)


@given(st.floats(min_value=1e-3, max_value=1e5), st.floats(min_value=1e-3, max_value=1e5), catalog_gpus)
def test_roofline_is_monotone_and_capped(a, b, gpu):
    low, high = sorted((a, b))
    peak = {A100: 312e12, H100: 989.5e12}[gpu]
    assert compute.roofline(low, gpu) <= compute.roofline(high, gpu) <= peak
    ridge = compute.ridge_point(gpu)
    if high >= ridge:
        assert compute.roofline(high, gpu) == pytest.approx(peak, rel=1e-12)


@given(st.integers(min_value=1, max_value=65536), st.sampled_from([0.5, 1, 2, 4]))
def test_square_matmul_intensity_is_2n_over_3b(n, b):
    # 2n^3 FLOP over b x 3n^2 bytes.
    assert compute.matmul_arithmetic_intensity(n, n, n, b) == pytest.approx(2 * n / (3 * b), rel=1e-12)


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("call, param", [
    (lambda: compute.matmul_flops(0, 2, 2), "m"),
    (lambda: compute.matmul_flops(2, -1, 2), "n"),
    (lambda: compute.matmul_flops(2, 2, 1.5), "k"),
    (lambda: compute.forward_flops_per_token("Llama-2 7B", 0), "seq_len"),
    (lambda: compute.forward_flops_per_token("Llama-9 7B", 10), "model"),
    (lambda: compute.training_flops(math.nan, 1e9), "n_params"),
    (lambda: compute.training_flops(1e9, -1), "n_tokens"),
    (lambda: compute.training_seconds(-1.0, A100, 8, 0.5), "total_flops"),
    (lambda: compute.training_seconds(1e20, A100, 0, 0.5), "n_gpus"),
    (lambda: compute.training_seconds(1e20, A100, 2.5, 0.5), "n_gpus"),
    (lambda: compute.training_seconds(1e20, A100, 8, 0.0), "mfu"),
    (lambda: compute.training_seconds(1e20, A100, 8, 1.5), "mfu"),
    (lambda: compute.training_seconds(1e20, A100, 8, math.nan), "mfu"),
    (lambda: compute.training_seconds(1e20, A100, 8, 0.5, precision="fp12"), "precision"),
    (lambda: compute.training_seconds(1e20, A100, 8, 0.5, precision="fp8"), "precision"),  # A100 has no fp8
    (lambda: compute.training_seconds(1e20, "A1000 SXM", 8, 0.5), "gpu"),
    (lambda: compute.mfu(math.inf, 7e9, A100), "tokens_per_second"),
    (lambda: compute.mfu(1e6, 7e9, A100), "tokens_per_second"),  # would be 135x the peak
    (lambda: compute.mfu(1e3, 7e9, A100, n_gpus=-2), "n_gpus"),
    (lambda: compute.training_cost(1e20, A100, 8, 0.5, -1.0), "usd_per_gpu_hour"),
    (lambda: compute.training_cost(1e20, A100, 8, 0.5, 2.0, pue=0.9), "pue"),
    (lambda: compute.training_cost(1e20, A100, 0, 0.5, 2.0), "n_gpus"),
    (lambda: compute.energy_kwh(None, 3600), "power_w"),  # e.g. the TPU's missing TDP
    (lambda: compute.energy_kwh(700, -1.0), "seconds"),
    (lambda: compute.energy_kwh(700, 3600, n_gpus=0), "n_gpus"),
    (lambda: compute.energy_kwh(700, 3600, pue=0.5), "pue"),
    (lambda: compute.roofline(0, A100), "arithmetic_intensity"),
    (lambda: compute.roofline(math.nan, A100), "arithmetic_intensity"),
    (lambda: compute.ridge_point(A100, "float16x"), "precision"),
    (lambda: compute.matmul_arithmetic_intensity(8, 8, 8, 0), "bytes_per_element"),
    (lambda: compute.megatron_training_flops(MEGATRON_GPT3, 0, 2048), "n_tokens"),
    (lambda: compute.megatron_training_flops(MEGATRON_GPT3, 1e9, -5), "seq_len"),
    (lambda: compute.decode_tokens_per_second("Llama-2 7B", A100, batch=0), "batch"),
    (lambda: compute.decode_tokens_per_second("Llama-2 7B", A100, seq_len=-1), "seq_len"),
    (lambda: compute.decode_tokens_per_second("Llama-2 7B", A100, n_gpus=0), "n_gpus"),
    (lambda: compute.decode_tokens_per_second("Llama-2 7B", A100, dtype="fp7"), "dtype"),
    (lambda: compute.decode_compute_bound_tokens_per_second("Llama-2 7B", A100, precision="int3"), "precision"),
    (lambda: compute.decode_compute_bound_tokens_per_second("Llama-2 7B", A100, seq_len=-1), "seq_len"),
])
def test_bad_input_raises_value_error_naming_the_parameter(call, param):
    with pytest.raises(ValueError, match=rf"^{param}"):
        call()


def test_unknown_gpu_lists_close_matches():
    with pytest.raises(ValueError, match="did you mean"):
        compute.ridge_point("A100 SXM 80")
