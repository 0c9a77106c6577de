"""Memory calculators against the ZeRO, Korthikanti et al. and vLLM papers and hand derivations."""

import dataclasses
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracles import LLAMA2_7B_PARAMS as N_7B
from oracles import LLAMA2_70B_PARAMS as N_70B

from course_lib import memory
from course_lib.models import ModelConfig, get_model

GB = 1e9


# ---------------------------------------------------------------- bytes per value, weights

def test_bytes_per_param():
    assert [memory.bytes_per_param(d) for d in ("fp32", "fp16", "bf16", "fp8", "int8", "int4")] == [4, 2, 2, 1, 1, 0.5]
    assert memory.bytes_per_param("BF16") == 2


def test_unknown_dtype_lists_close_match():
    with pytest.raises(ValueError, match=r"^dtype: unknown value 'fp61'.*'fp16'"):
        memory.bytes_per_param("fp61")


def test_weights_10b_fp32_is_40_gb_not_400():
    # 10e9 parameters x 4 bytes = 40e9 bytes = 40 GB (an article the course debunks says 400 GB).
    assert memory.weights_bytes(10e9, "fp32") == 40e9
    assert memory.weights_bytes(7e9, "int4") == 3.5e9


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "7e9", True])
def test_weights_rejects_bad_n_params(bad):
    with pytest.raises(ValueError, match="^n_params"):
        memory.weights_bytes(bad, "fp16")


# ---------------------------------------------------------------- training memory (ZeRO)

@pytest.mark.parametrize("stage, expected_gb", [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.9)])
def test_zero_paper_figure_1(stage, expected_gb):
    # Rajbhandari et al. 2020 (arXiv:1910.02054), Figure 1: Psi = 7.5B parameters, N_d = 64 GPUs, K = 12:
    # baseline (2 + 2 + K) Psi = 120 GB; P_os 31.4 GB; P_os+g 16.6 GB; P_os+g+p 1.9 GB per GPU.
    result = memory.training_memory(7.5e9, zero_stage=stage, n_gpus=64)
    assert round(result["total"] / GB, 1) == expected_gb


def test_zero_stage_1_parts_by_hand():
    # 2 Psi weights + 2 Psi gradients + 12 Psi / 64 optimizer = 15 + 15 + 1.40625 GB
    parts = memory.training_memory(7.5e9, zero_stage=1, n_gpus=64)
    assert (parts["weights"], parts["gradients"], parts["optimizer_states"]) == (15e9, 15e9, 1.40625e9)


@pytest.mark.parametrize("optimizer, mixed, per_param", [
    ("adam", True, (2, 2, 12)),           # fp16 w, fp16 g, fp32 master + momentum + variance
    ("adamw", True, (2, 2, 12)),
    ("adam", False, (4, 4, 8)),           # fp32 w, fp32 g, momentum + variance
    ("sgd_momentum", True, (2, 2, 8)),    # fp32 master + momentum
    ("sgd_momentum", False, (4, 4, 4)),   # momentum
    ("sgd", True, (2, 2, 4)),             # fp32 master only
    ("sgd", False, (4, 4, 0)),
])
def test_bytes_per_parameter_by_optimizer(optimizer, mixed, per_param):
    parts = memory.training_memory(1e9, optimizer=optimizer, mixed_precision=mixed)
    assert (parts["weights"], parts["gradients"], parts["optimizer_states"]) == tuple(b * 1e9 for b in per_param)
    assert parts["total"] == sum(per_param) * 1e9


def test_activations_added_as_given_and_not_partitioned():
    parts = memory.training_memory(1e9, zero_stage=3, n_gpus=8, activations_bytes=5e9)
    assert parts["activations"] == 5e9
    assert parts["total"] == 16e9 / 8 + 5e9


@given(n_params=st.floats(1e6, 1e12), optimizer=st.sampled_from(memory.OPTIMIZERS), mixed=st.booleans(),
       n_gpus=st.integers(1, 4096), more=st.integers(1, 4096), activations=st.floats(0, 1e11))
def test_training_memory_properties(n_params, optimizer, mixed, n_gpus, more, activations):
    def total(stage, gpus):
        parts = memory.training_memory(n_params, optimizer=optimizer, mixed_precision=mixed, zero_stage=stage,
                                       n_gpus=gpus, activations_bytes=activations)
        assert parts["total"] == pytest.approx(sum(v for k, v in parts.items() if k != "total"), rel=1e-12)
        return parts["total"]

    by_stage = [total(stage, n_gpus) for stage in range(4)]
    assert by_stage == sorted(by_stage, reverse=True)
    for stage in (1, 2, 3):
        assert total(stage, n_gpus + more) <= total(stage, n_gpus)
    assert total(0, n_gpus + more) == total(0, n_gpus)   # plain data parallelism replicates everything


@pytest.mark.parametrize("kwargs, name", [
    ({"n_gpus": 0}, "n_gpus"), ({"zero_stage": 4}, "zero_stage"), ({"zero_stage": -1}, "zero_stage"),
    ({"zero_stage": 1.5}, "zero_stage"), ({"optimizer": "adagrad"}, "optimizer"),
    ({"activations_bytes": -1}, "activations_bytes"), ({"mixed_precision": "yes"}, "mixed_precision"),
])
def test_training_memory_validation(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        memory.training_memory(1e9, **kwargs)


# ---------------------------------------------------------------- activations (Korthikanti et al. 2022)

# GPT-3 175B, s = 2048, b = 1: h = 12288, a = 96, L = 96, so s*b*h = 25,165,824 and 5as/h = 5*96*2048/12288 = 80.
SBH = 2048 * 12288


@pytest.mark.parametrize("kwargs, per_layer_factor", [
    ({}, 34 + 80),                                                     # sbh(34 + 5as/h)
    ({"checkpointing": "selective"}, 34),                              # drop 5as/h
    ({"checkpointing": "full"}, 2),                                    # layer input only
    ({"tensor_parallel": 8}, 10 + 24 / 8 + 80 / 8),                    # sbh(10 + 24/t + 5as/(ht)) = 23 sbh
    ({"tensor_parallel": 8, "sequence_parallel": True}, (34 + 80) / 8),  # sbh/t (34 + 5as/h)
    ({"tensor_parallel": 8, "checkpointing": "selective"}, 10 + 24 / 8),
    ({"tensor_parallel": 8, "sequence_parallel": True, "checkpointing": "selective"}, 34 / 8),
    ({"tensor_parallel": 8, "checkpointing": "full"}, 2),              # Table 2: 2sbhL
    ({"sequence_parallel": True}, 34 + 80),                            # t = 1: nothing to split
])
def test_gpt3_175b_activations_by_hand(kwargs, per_layer_factor):
    assert memory.activation_bytes("GPT-3 175B", 2048, 1, **kwargs) == pytest.approx(96 * SBH * per_layer_factor)


def test_gpt3_175b_no_recompute_total():
    # 96 layers x 25,165,824 x 114 = 275,414,777,856 bytes: 275 GB for one 2048-token sequence
    assert memory.activation_bytes("GPT-3 175B", 2048, 1) == 275_414_777_856


def test_paper_ratios():
    # Sec. 5: selective recomputation saves 5as/h / (34 + 5as/h) of the activations: ~70% for GPT-3 175B
    # (80 / 114) and ~65% for MT-NLG 530B (a = 128, h = 20480, s = 2048: 5as/h = 64, 64 / 98).
    full = memory.activation_bytes("GPT-3 175B", 2048, 1)
    selective = memory.activation_bytes("GPT-3 175B", 2048, 1, checkpointing="selective")
    assert round(1 - selective / full, 2) == 0.70
    mt_nlg = ModelConfig("MT-NLG 530B", vocab_size=51200, d_model=20480, n_layers=105, n_heads=128, n_kv_heads=128,
                         d_ff=4 * 20480, gated_mlp=False, tied_embeddings=True, learned_positions=True,
                         max_seq_len=2048, bias=True, norm="layernorm")
    saved = 1 - (memory.activation_bytes(mt_nlg, 2048, 1, checkpointing="selective")
                 / memory.activation_bytes(mt_nlg, 2048, 1))
    assert round(saved, 2) == 0.65
    # Abstract: sequence parallelism + selective recomputation "reduces activation memory by 5x" over tensor
    # parallelism alone; for GPT-3 at t = 8 that is 23 / 4.25 = 5.4x.
    tp = memory.activation_bytes("GPT-3 175B", 2048, 1, tensor_parallel=8)
    tp_sp_sel = memory.activation_bytes("GPT-3 175B", 2048, 1, tensor_parallel=8, sequence_parallel=True,
                                        checkpointing="selective")
    assert tp / tp_sp_sel == pytest.approx(23 / 4.25)
    assert 5 <= tp / tp_sp_sel < 6


def test_activations_scale_linearly_in_batch():
    one = memory.activation_bytes("Llama-2 7B", 4096, 1)
    assert memory.activation_bytes("Llama-2 7B", 4096, 4) == pytest.approx(4 * one)
    # Llama-2 7B, s = 4096: 5as/h = 5*32*4096/4096 = 160; 32 layers x 4096*4096 x 194
    assert one == 32 * 4096 * 4096 * (34 + 160)


@pytest.mark.parametrize("args, kwargs, name", [
    (("GPT-3 175B", 0, 1), {}, "seq_len"),
    (("GPT-3 175B", 2048, -1), {}, "micro_batch"),
    (("GPT-3 175B", 2048, 1), {"checkpointing": "partial"}, "checkpointing"),
    (("GPT-3 175B", 2048, 1), {"tensor_parallel": 5}, "tensor_parallel"),   # 96 heads
    (("GPT-3 175B", 2048, 1), {"tensor_parallel": 0}, "tensor_parallel"),
    (("GPT-3 175B", 2048, 1), {"sequence_parallel": 1}, "sequence_parallel"),
    (("no-such-model", 2048, 1), {}, "model name"),
])
def test_activation_validation(args, kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        memory.activation_bytes(*args, **kwargs)


# ---------------------------------------------------------------- KV cache

def test_kv_cache_vllm_paper_opt_13b():
    # Kwon et al. 2023 (vLLM, arXiv:2309.06180), Sec. 3: "for the 13B parameter OPT model, the KV cache of a single
    # token demands 800 KB of space, calculated as 2 (key and value vectors) x 5120 (hidden state size) x 40
    # (number of layers) x 2 (bytes per FP16)" = 819,200 bytes = 800 KiB; "the KV cache of one request can be as
    # much as 1.6 GB" for 2048 tokens = 1,677,721,600 bytes = 1600 MiB.
    assert memory.kv_cache_bytes("OPT-13B", 1, 1) == 2 * 5120 * 40 * 2 == 819_200 == 800 * 1024
    assert memory.kv_cache_bytes("OPT-13B", 2048, 1) == 1600 * 2**20


def test_kv_cache_llama_2():
    # Llama-2 13B has the same shape as OPT-13B's attention (40 layers x 40 heads x 128): ~800 KB per token.
    assert memory.kv_cache_bytes("Llama-2 13B", 1, 1) == 819_200
    # Llama-2 70B, GQA with 8 kv heads: 2 x 80 layers x 8 x 128 x 2 bytes = 327,680 bytes per token ...
    assert memory.kv_cache_bytes("Llama-2 70B", 1, 1) == 2 * 80 * 8 * 128 * 2 == 327_680
    # ... 8x less than the same model with one kv head per query head (64).
    mha = dataclasses.replace(get_model("Llama-2 70B"), n_kv_heads=64)
    assert memory.kv_cache_bytes(mha, 1, 1) == 8 * 327_680


def test_kv_cache_scales_with_tokens_batch_and_dtype():
    per_token = memory.kv_cache_bytes("Llama-3 8B", 1, 1)
    assert per_token == 2 * 32 * 8 * 128 * 2 == 131_072          # 128 KiB
    assert memory.kv_cache_bytes("Llama-3 8B", 8192, 4, dtype="fp8") == 8192 * 4 * 131_072 / 2


@pytest.mark.parametrize("args, kwargs, name", [
    (("OPT-13B", 0, 1), {}, "seq_len"), (("OPT-13B", 1, 0), {}, "batch"), (("OPT-13B", 1.5, 1), {}, "seq_len"),
    (("OPT-13B", 1, 1), {"dtype": "fp4"}, "dtype"),
])
def test_kv_cache_validation(args, kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        memory.kv_cache_bytes(*args, **kwargs)


# ---------------------------------------------------------------- inference memory, max context, fits

def test_inference_memory_llama_2_7b_by_hand():
    # weights 6,738,415,616 x 2 = 13,476,831,232 B; KV cache 2 x 32 x 4096 x 4096 tokens x 2 B = 2 GiB
    result = memory.inference_memory("Llama-2 7B", "fp16", seq_len=4096)
    assert result == {"weights": 13_476_831_232, "kv_cache": 2**31, "overhead": 0.0,
                      "total": 13_476_831_232 + 2**31}
    with_overhead = memory.inference_memory("Llama-2 7B", "fp16", seq_len=4096, overhead_fraction=0.1)
    assert with_overhead["total"] == pytest.approx(1.1 * (13_476_831_232 + 2**31))


def test_inference_kv_dtype_defaults():
    # int4 weights (weight-only quantization): 0.5 B/param, KV cache stays fp16 unless kv_dtype says otherwise
    int4 = memory.inference_memory("Llama-2 7B", "int4", seq_len=4096)
    assert (int4["weights"], int4["kv_cache"]) == (3_369_207_808, 2**31)
    assert memory.inference_memory("Llama-2 7B", "int4", seq_len=4096, kv_dtype="int8")["kv_cache"] == 2**30
    assert memory.inference_memory("Llama-2 7B", "fp32", seq_len=4096)["kv_cache"] == 2**32


def test_vllm_weights_share_on_a100_40gb():
    # vLLM Sec. 1 / Fig. 1: a 13B model on an A100 40GB, "approximately 65% of the memory is allocated for the
    # model weights": 12,853,473,280 x 2 B = 25.7 GB of 40 GB = 64%.
    assert memory.inference_memory("OPT-13B", seq_len=1)["weights"] / 40e9 == pytest.approx(0.65, abs=0.01)


def test_max_context_by_hand():
    # H100 SXM: 80 GB (datasheet). Llama-2 7B fp16: (80e9 - 13,476,831,232) / 524,288 B per token
    # = 66,523,168,768 / 524,288 = 126,882.9 -> 126,882 tokens (31x its own 4096 limit).
    assert memory.max_context("Llama-2 7B", "H100 SXM") == 126_882
    assert memory.max_context("Llama-2 7B", "h100", batch=2) == 126_882 // 2
    # Llama-2 70B in int4 (KV in fp16): (80e9 - 34,488,324,096) / 327,680 = 138,890.6 -> 138,890
    assert memory.max_context("Llama-2 70B", "h100", dtype="int4") == 138_890
    # fp16 weights alone (137.95 GB) do not fit in 80 GB
    assert memory.max_context("Llama-2 70B", "h100") == 0


def test_max_context_is_the_exact_boundary():
    n = memory.max_context("Mistral 7B", "a100", overhead_fraction=0.05)
    capacity = 80e9   # A100 SXM 80GB datasheet
    assert memory.inference_memory("Mistral 7B", seq_len=n, overhead_fraction=0.05)["total"] <= capacity
    assert memory.inference_memory("Mistral 7B", seq_len=n + 1, overhead_fraction=0.05)["total"] > capacity


def test_fits_inference_70b():
    # fp16 Llama-2 70B: 137,953,296,384 B weights + 2048 x 327,680 = 671,088,640 B KV cache
    assert not memory.fits("Llama-2 70B", "H100 SXM")
    report = memory.fit_report("Llama-2 70B", "H100 SXM", n_gpus=2)
    per_gpu = (137_953_296_384 + 671_088_640) / 2            # 69.3 GB on each 80 GB GPU
    assert report["fits"] and report["required_bytes"] == per_gpu
    assert report["available_bytes"] == 80e9
    assert report["headroom_bytes"] == 80e9 - per_gpu
    assert report["headroom_fraction"] == pytest.approx((80e9 - per_gpu) / 80e9)
    assert memory.fits("Llama-2 70B", "H100 SXM", n_gpus=2)


def test_fits_training_7b():
    # Full fine-tuning of Llama-2 7B with mixed-precision Adam: 16 x 6,738,415,616 = 107.8 GB > 80 GB.
    assert not memory.fits("Llama-2 7B", "H100 SXM", mode="training", seq_len=4096, batch=1)
    # ZeRO-3 over 8 GPUs: 107,814,649,856 / 8 = 13,476,831,232 B, plus full recomputation of a 4096-token
    # micro-batch: 32 layers x 2 x 4096 x 4096 = 1,073,741,824 B.
    report = memory.fit_report("Llama-2 7B", "H100 SXM", mode="training", zero_stage=3, n_gpus=8, seq_len=4096,
                               checkpointing="full")
    assert report["fits"]
    assert report["required_bytes"] == 13_476_831_232 + 1_073_741_824
    assert report["breakdown"]["activations"] == 1_073_741_824


@pytest.mark.parametrize("kwargs, name", [
    ({"mode": "serving"}, "mode"), ({"n_gpus": 0}, "n_gpus"), ({"seq_len": 0}, "seq_len"), ({"batch": -2}, "batch"),
    ({"dtype": "fp12"}, "dtype"), ({"kv_dtype": "fp12"}, "kv_dtype"), ({"overhead_fraction": -0.1}, "overhead_fraction"),
    ({"mode": "training", "zero_stage": 5}, "zero_stage"), ({"mode": "training", "checkpointing": "x"}, "checkpointing"),
])
def test_fits_validation(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        memory.fits("Llama-2 7B", "H100 SXM", **kwargs)


def test_unknown_gpu_and_model():
    with pytest.raises(ValueError, match="^gpu name"):
        memory.max_context("Llama-2 7B", "no-such-gpu")
    with pytest.raises(ValueError, match="^model name"):
        memory.fits("llama-5", "H100 SXM")
    with pytest.raises(ValueError, match="^overhead_fraction"):
        memory.max_context("Llama-2 7B", "H100 SXM", overhead_fraction=math.nan)


# ---------------------------------------------------------------- variants the notebook compares

def test_training_memory_by_checkpointing_by_hand():
    bars = memory.training_memory_by_checkpointing("Llama-2 7B", seq_len=4096, micro_batch=1)
    # 16 B x N = 107,814,649,856 B; activations per layer (Korthikanti et al.): none 194 s b h,
    # selective 34 s b h, full 2 s b h bytes; x 32 layers x 4096 x 4096
    assert bars["none"]["total"] == 107_814_649_856 + 194 * 32 * 4096 * 4096
    assert bars["selective"]["total"] == 107_814_649_856 + 34 * 32 * 4096 * 4096
    assert bars["full"]["total"] == 107_814_649_856 + 2 * 32 * 4096 * 4096


def test_fit_variants_by_hand():
    inference = memory.fit_variants("Llama-2 70B", "H100 SXM", n_gpus=4, seq_len=4096, batch=1)
    assert list(inference) == list(memory.WEIGHT_DTYPES)
    assert inference["int4"]["weights"] == N_70B * 0.5 / 4  # half a byte per weight, split over 4 GPUs
    assert inference["fp32"]["weights"] == N_70B * 4 / 4
    training = memory.fit_variants("Llama-2 7B", "H100 SXM", mode="training", n_gpus=8, seq_len=2048, batch=1)
    assert list(training) == ["ZeRO-0", "ZeRO-1", "ZeRO-2", "ZeRO-3"]
    assert training["ZeRO-0"]["optimizer_states"] == 12 * N_7B  # fp32 master + momentum + variance, replicated
    assert training["ZeRO-3"]["weights"] == 2 * N_7B / 8  # 16-bit weights partitioned over 8 GPUs
    with pytest.raises(ValueError, match="^mode"):
        memory.fit_variants("Llama-2 7B", "H100 SXM", mode="serving")
