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
    # int4: 4-bit codes + one 16-bit scale per 128 weights = 4 + 16/128 = 4.125 bits = 0.515625 bytes
    assert [memory.bytes_per_param(d) for d in ("fp32", "fp16", "bf16", "fp8", "int8", "int4")] == \
        [4, 2, 2, 1, 1, 0.515625]
    assert memory.bytes_per_param("BF16") == 2


def test_int4_convention_is_the_quantization_modules():
    # One int4 convention: memory's bytes per int4 weight are quantization's bits per weight for 4-bit codes in
    # groups of memory.INT4_GROUP_SIZE with fp16 scales, and both equal the hand value 4.125 bits.
    from course_lib import quantization
    assert memory.INT4_GROUP_SIZE == 128
    assert 8 * memory.bytes_per_param("int4") == quantization.bits_per_weight(4, memory.INT4_GROUP_SIZE) == 4.125
    assert memory.weights_bytes(70e9, "int4") == quantization.quantized_bytes(70e9, 4, group_size=128)


def test_unknown_dtype_lists_close_match():
    with pytest.raises(ValueError, match=r"^dtype: unknown value 'fp61'.*'fp16'"):
        memory.bytes_per_param("fp61")


def test_weights_10b_fp32_is_40_gb_not_400():
    # 10e9 parameters x 4 bytes = 40e9 bytes = 40 GB (an article the course debunks says 400 GB).
    assert memory.weights_bytes(10e9, "fp32") == 40e9
    # int4 with its scales: 7e9 x 0.5 B + 7e9 / 128 scales x 2 B = 3.5e9 + 1.09375e8 B
    assert memory.weights_bytes(7e9, "int4") == 3_609_375_000


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
    # The paper's per-layer formulas (no output logits)
    assert memory.activation_bytes("GPT-3 175B", 2048, 1, include_logits=False, **kwargs) == pytest.approx(
        96 * SBH * per_layer_factor)


# fp32 activations (training without mixed precision), from the paper's Sec. 4.1 list of stored tensors:
# attention: QKV input sbh, Q and K 2sbh, softmax output and dropout output 2as^2b, V sbh, output-projection input
# sbh values (5sbh + 2as^2b); dropout masks of the scores (as^2b) and of the output (sbh), 1 byte each.
# MLP: inputs of the two linears and of the GeLU sbh + 8sbh values, dropout mask sbh. Two layer norms: 2sbh values.
# Values: 16sbh + 2as^2b, masks: 2sbh + as^2b. At 2 bytes: 34sbh + 5as^2b (the paper). At 4 bytes: 66sbh + 9as^2b.
@pytest.mark.parametrize("kwargs, per_layer_factor", [
    ({}, 66 + 9 * 16),                                    # 5as/h = 80, so as/h = 16
    ({"checkpointing": "selective"}, 66),
    ({"checkpointing": "full"}, 4),                       # the layer input in fp32
    # t = 8: values not split 4sbh (2 norms' inputs, QKV and MLP inputs), masks 2sbh; split 12sbh + 2as^2b values
    # and as^2b masks: 4*4 + 2 + (12*4 + (2*4 + 1) * 16) / 8 = 18 + (48 + 144) / 8 = 42
    ({"tensor_parallel": 8}, 18 + (48 + 144) / 8),
    ({"tensor_parallel": 8, "sequence_parallel": True}, (66 + 9 * 16) / 8),
])
def test_gpt3_175b_fp32_activations_by_hand(kwargs, per_layer_factor):
    assert memory.activation_bytes("GPT-3 175B", 2048, 1, dtype="fp32", include_logits=False, **kwargs) == \
        pytest.approx(96 * SBH * per_layer_factor)
    # plus the output logits in fp32: 4 bytes x vocab 50,257 x 2,048 tokens = 411,705,344 B, split over t GPUs
    t = kwargs.get("tensor_parallel", 1)
    assert memory.activation_bytes("GPT-3 175B", 2048, 1, dtype="fp32", **kwargs) == \
        pytest.approx(96 * SBH * per_layer_factor + 411_705_344 / t)


def test_activation_dtype_validated():
    assert memory.activation_bytes("GPT-2 small", 1024, 1, dtype="fp16") == memory.activation_bytes("GPT-2 small", 1024, 1)
    with pytest.raises(ValueError, match="^dtype"):
        memory.activation_bytes("GPT-2 small", 1024, 1, dtype="int8")


def test_gpt3_175b_no_recompute_total():
    # 96 layers x 25,165,824 x 114 = 275,414,777,856 bytes: 275 GB for one 2048-token sequence,
    # plus the 16-bit logits: 2 x 50,257 x 2048 = 205,852,672 bytes -> 275,620,630,528
    assert memory.activation_bytes("GPT-3 175B", 2048, 1, include_logits=False) == 275_414_777_856
    assert memory.activation_bytes("GPT-3 175B", 2048, 1) == 275_620_630_528


def test_paper_ratios():
    # Sec. 5: selective recomputation saves 5as/h / (34 + 5as/h) of the activations: ~70% for GPT-3 175B
    # (80 / 114) and ~65% for MT-NLG 530B (a = 128, h = 20480, s = 2048: 5as/h = 64, 64 / 98).
    full = memory.activation_bytes("GPT-3 175B", 2048, 1, include_logits=False)
    selective = memory.activation_bytes("GPT-3 175B", 2048, 1, checkpointing="selective", include_logits=False)
    assert round(1 - selective / full, 2) == 0.70
    mt_nlg = ModelConfig("MT-NLG 530B", vocab_size=51200, d_model=20480, n_layers=105, n_heads=128, n_kv_heads=128,
                         d_ff=4 * 20480, gated_mlp=False, tied_embeddings=True, learned_positions=True,
                         max_seq_len=2048, bias=True, norm="layernorm")
    saved = 1 - (memory.activation_bytes(mt_nlg, 2048, 1, checkpointing="selective", include_logits=False)
                 / memory.activation_bytes(mt_nlg, 2048, 1, include_logits=False))
    assert round(saved, 2) == 0.65
    # Abstract: sequence parallelism + selective recomputation "reduces activation memory by 5x" over tensor
    # parallelism alone; for GPT-3 at t = 8 that is 23 / 4.25 = 5.4x.
    tp = memory.activation_bytes("GPT-3 175B", 2048, 1, tensor_parallel=8, include_logits=False)
    tp_sp_sel = memory.activation_bytes("GPT-3 175B", 2048, 1, tensor_parallel=8, sequence_parallel=True,
                                        checkpointing="selective", include_logits=False)
    assert tp / tp_sp_sel == pytest.approx(23 / 4.25)
    assert 5 <= tp / tp_sp_sel < 6


def test_activations_scale_linearly_in_batch():
    one = memory.activation_bytes("Llama-2 7B", 4096, 1)
    assert memory.activation_bytes("Llama-2 7B", 4096, 4) == pytest.approx(4 * one)
    # Llama-2 7B, s = 4096: 5as/h = 5*32*4096/4096 = 160; 32 layers x 4096*4096 x 194,
    # plus the logits 2 x 32000 x 4096 = 262,144,000 bytes
    assert one == 32 * 4096 * 4096 * (34 + 160) + 262_144_000


def test_logits_in_activations_by_hand():
    # Llama-3 8B at 8192 tokens: 128,256 x 8192 x 2 bytes = 2,101,346,304, about as much as the 32 layer inputs
    # kept under full recomputation: 2 x 8192 x 4096 x 32 = 2,147,483,648
    with_logits = memory.activation_bytes("Llama-3 8B", 8192, 1, checkpointing="full")
    without = memory.activation_bytes("Llama-3 8B", 8192, 1, checkpointing="full", include_logits=False)
    assert without == 2_147_483_648 and with_logits - without == 2_101_346_304
    # tensor parallelism splits the vocabulary: t = 4 -> a quarter of the logits on each GPU
    tp4 = memory.activation_bytes("Llama-3 8B", 8192, 1, checkpointing="full", tensor_parallel=4)
    assert tp4 - without == 2_101_346_304 / 4


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
    # int4 weights (weight-only quantization): 6,738,415,616 x 0.5 B = 3,369,207,808 B of codes plus
    # 6,738,415,616 / 128 = 52,643,872 fp16 scales (105,287,744 B); the KV cache stays fp16 unless kv_dtype says otherwise
    int4 = memory.inference_memory("Llama-2 7B", "int4", seq_len=4096)
    assert (int4["weights"], int4["kv_cache"]) == (3_474_495_552, 2**31)
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
    # Llama-2 70B in int4 (KV in fp16): weights 34,488,324,096 B of codes + 68,976,648,192 / 128 x 2 B of scales
    # = 35,566,084,224 B; (80e9 - 35,566,084,224) / 327,680 = 135,601.3 -> 135,601
    assert memory.max_context("Llama-2 70B", "h100", dtype="int4") == 135_601
    # fp16 weights alone (137.95 GB) do not fit in 80 GB
    assert memory.max_context("Llama-2 70B", "h100") == 0


def test_max_context_is_the_exact_boundary():
    mistral = dataclasses.replace(get_model("Mistral 7B"), sliding_window=0)  # full attention: the cache grows
    n = memory.max_context(mistral, "a100", overhead_fraction=0.05)
    capacity = 80e9   # A100 SXM 80GB datasheet
    assert memory.inference_memory(mistral, seq_len=n, overhead_fraction=0.05)["total"] <= capacity
    assert memory.inference_memory(mistral, seq_len=n + 1, overhead_fraction=0.05)["total"] > capacity


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
    # micro-batch: 32 layers x 2 x 4096 x 4096 = 1,073,741,824 B, plus its logits 2 x 32000 x 4096 = 262,144,000 B.
    report = memory.fit_report("Llama-2 7B", "H100 SXM", mode="training", zero_stage=3, n_gpus=8, seq_len=4096,
                               checkpointing="full")
    assert report["fits"]
    assert report["required_bytes"] == 13_476_831_232 + 1_073_741_824 + 262_144_000
    assert report["breakdown"]["activations"] == 1_073_741_824 + 262_144_000


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
    # selective 34 s b h, full 2 s b h bytes; x 32 layers x 4096 x 4096; plus the logits 2 x 32000 x 4096 bytes
    logits = 2 * 32000 * 4096
    assert bars["none"]["total"] == 107_814_649_856 + 194 * 32 * 4096 * 4096 + logits
    assert bars["selective"]["total"] == 107_814_649_856 + 34 * 32 * 4096 * 4096 + logits
    assert bars["full"]["total"] == 107_814_649_856 + 2 * 32 * 4096 * 4096 + logits
    fp32 = memory.training_memory_by_checkpointing("Llama-2 7B", mixed_precision=False)
    # fp32 values, 1-byte masks: none (16 + 2 x 32) x 4 + (2 + 32) = 354 s b h, selective 66, full 4; fp32 logits
    assert [fp32[mode]["activations"] for mode in ("none", "selective", "full")] == \
        [k * 32 * 4096 * 4096 + 2 * logits for k in (354, 66, 4)]


def test_fit_variants_by_hand():
    inference = memory.fit_variants("Llama-2 70B", "H100 SXM", n_gpus=4, seq_len=4096, batch=1)
    assert list(inference) == list(memory.WEIGHT_DTYPES)
    # int4: 4.125 bits = 0.515625 bytes per weight (4-bit code + fp16 scale per 128), split over 4 GPUs
    assert inference["int4"]["weights"] == N_70B * 0.515625 / 4
    assert inference["fp32"]["weights"] == N_70B * 4 / 4
    training = memory.fit_variants("Llama-2 7B", "H100 SXM", mode="training", n_gpus=8, seq_len=2048, batch=1)
    assert list(training) == ["ZeRO-0", "ZeRO-1", "ZeRO-2", "ZeRO-3"]
    assert training["ZeRO-0"]["optimizer_states"] == 12 * N_7B  # fp32 master + momentum + variance, replicated
    assert training["ZeRO-3"]["weights"] == 2 * N_7B / 8  # 16-bit weights partitioned over 8 GPUs
    with pytest.raises(ValueError, match="^mode"):
        memory.fit_variants("Llama-2 7B", "H100 SXM", mode="serving")


# ---------------------------------------------------------------- fewest GPUs

def test_fewest_gpus_gpt3_int8_on_t4_by_hand():
    # weights 174,604,259,328 B (int8) + KV cache (fp16) 2 x 96 x 12288 x 2 B x 4096 = 19,327,352,832 B:
    # 193,931,612,160 / 16e9 = 12.12 -> 13; weights alone 10.91 -> 11. The first divisor of the 96 heads >= 13 is 16,
    # but the T4 has no multi-GPU system in the course's data: 16 T4s are no
    # tensor-parallel group, so there is no split
    assert memory.fewest_gpus("GPT-3 175B", "T4", dtype="int8", seq_len=4096) == memory.GpuCount(13, 11, None)
    # on 80 GB A100s (8 to a DGX A100): 193.9 GB / 80 GB = 2.42 -> 3, and 3 divides 96 and fits in 8
    assert memory.fewest_gpus("GPT-3 175B", "A100 SXM 80GB", dtype="int8", seq_len=4096) == memory.GpuCount(3, 3, 3)


def test_fewest_gpus_split_stays_in_the_workstation():
    # Llama-2 70B: 68,976,648,192 weights; KV cache (bf16) 2 x 80 layers x 1024 x 2 B x 4096 = 1,342,177,280 B.
    # bf16: (137,953,296,384 + 1,342,177,280) / 24e9 = 5.80 -> 6 RTX 4090s, more than the 4 of the course's
    # RTX 4090 workstation: no split. int8: (68,976,648,192 + 1,342,177,280) / 24e9 = 2.93 -> 3, split over 4
    # (64 heads do not divide by 3)
    assert memory.fewest_gpus("Llama-2 70B", "RTX 4090", dtype="bf16", seq_len=4096) == memory.GpuCount(6, 6, None)
    assert memory.fewest_gpus("Llama-2 70B", "RTX 4090", dtype="int8", seq_len=4096) == memory.GpuCount(3, 3, 4)


def test_fewest_gpus_training_and_none():
    # ZeRO-3, full recomputation, one 4096-token sequence: 107,814,649,856 / n + 1,073,741,824 <= 80e9 -> n = 2
    kwargs = {"mode": "training", "seq_len": 4096, "checkpointing": "full"}
    assert memory.fewest_gpus("Llama-2 7B", "H100 SXM", zero_stage=3, **kwargs) == memory.GpuCount(2, None, None)
    # ZeRO-0 replicates the 107.8 GB state on every GPU: no count helps
    assert memory.fewest_gpus("Llama-2 7B", "H100 SXM", zero_stage=0, **kwargs) == memory.GpuCount(None, None, None)
    with pytest.raises(ValueError, match="^n_gpus"):
        memory.fewest_gpus("Llama-2 7B", "H100 SXM", n_gpus=2)


@given(st.integers(1, 300))
def test_fewest_gpus_is_the_boundary(limit):
    count = memory.fewest_gpus("Llama-2 70B", "RTX 4090", dtype="bf16", seq_len=4096, limit=limit)
    if count.memory is not None:
        assert memory.fits("Llama-2 70B", "RTX 4090", dtype="bf16", seq_len=4096, n_gpus=count.memory)
        if count.memory > 1:
            assert not memory.fits("Llama-2 70B", "RTX 4090", dtype="bf16", seq_len=4096, n_gpus=count.memory - 1)
    else:
        assert not memory.fits("Llama-2 70B", "RTX 4090", dtype="bf16", seq_len=4096, n_gpus=limit)


def test_training_without_mixed_precision_stores_fp32_activations():
    # Llama-2 7B, selective recomputation, one 4096-token sequence: 16-bit 32 x 34 x 4096^2 = 18,253,611,008 B;
    # fp32 values and 1-byte masks: 32 x 66 x 4096^2 = 35,433,480,192 B
    common = {"mode": "training", "seq_len": 4096, "checkpointing": "selective"}
    mixed = memory.fit_report("Llama-2 7B", "H100 SXM", **common)["breakdown"]["activations"]
    fp32 = memory.fit_report("Llama-2 7B", "H100 SXM", mixed_precision=False, **common)["breakdown"]["activations"]
    # plus the output logits, 32,000 x 4096 values: 262,144,000 B in bf16, 524,288,000 B in fp32
    assert (mixed, fp32) == (18_253_611_008 + 262_144_000, 35_433_480_192 + 524_288_000)


def test_mixtral_int4_on_a_24_gb_card_agrees_everywhere():
    # Mixtral 8x7B: 46,702,792,704 parameters x 4.125 bits / 8 = 24,081,127,488 bytes > 24e9 (RTX 4090):
    # the memory module, quantized_serving at 4 bits in groups of 128, and exercise 05-9 all say it does not fit.
    from course_lib import quantization
    from course_lib.checks import quantization as checks
    weights = memory.weights_bytes(get_model("Mixtral 8x7B").param_count(), "int4")
    every_weight = quantization.quantized_serving("Mixtral 8x7B", "RTX 4090", 4, group_size=memory.INT4_GROUP_SIZE,
                                                  embedding_bits=4.125)
    assert weights == every_weight["weights_bytes"] == 24_081_127_488
    # Served as GPTQ/AWQ checkpoints are (quantized_serving's default): the embedding and output head, 2 x 32,000 x
    # 4096 = 262,144,000 parameters, stay in 16 bits: + 262,144,000 x (2 - 0.515625) = 389,120,000 B.
    served = quantization.quantized_serving("Mixtral 8x7B", "RTX 4090", 4, group_size=memory.INT4_GROUP_SIZE)
    assert served["weights_bytes"] == 24_081_127_488 + 389_120_000
    assert not served["fits"] and not every_weight["fits"]
    assert not memory.fits("Mixtral 8x7B", "RTX 4090", dtype="int4", seq_len=1)
    assert checks.ex9.expected() == "does not fit"
