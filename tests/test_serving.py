"""course_lib.serving: hand-derived step times, closed forms against Monte Carlo, queueing theory against the simulator.

Shapes from the config files (Llama-2 7B: vocab 32000, d 4096, 32 layers, 6,738,415,616 parameters; Llama-2 70B:
d 8192, 80 layers, 8 KV heads of 128, 68,976,648,192 parameters); GPUs from their datasheets (A100 SXM 80GB:
2039 GB/s, 312 dense bf16 TFLOPS; H100 SXM: 3350 GB/s, 989.5 TFLOPS; H200: 4800 GB/s, 141 GB).
"""

import math
import time

import numpy as np
import pytest

from course_lib import compute, serving

A100 = "A100 SXM 80GB"
# Llama-2 7B: the head and the input table are 131,072,000 weights each; a batch-1 decode step reads the head, one
# row and the other 6,476,271,616 weights: 6,607,347,712. Matmul parameters per token (no input table): 6,607,343,616.
READ_7B, MATMUL_7B, KV_7B = 6_607_347_712, 6_607_343_616, 524_288  # KV: 2 x 32 x 4096 x 2 bytes per token


@pytest.fixture(scope="module")
def llama7():
    return serving.deployment("Llama-2 7B", A100)


# ---------------------------------------------------------------- deployment

def test_deployment_defaults_and_labels(llama7):
    assert (llama7.n_gpus, llama7.weight_bits, llama7.embedding_bits, llama7.kv_dtype) == (1, 16, 16, "fp16")
    assert llama7.precision == "bf16" and llama7.link == "none"
    assert serving.deployment("Llama-2 7B", "V100").precision == "fp16"  # Volta has no bf16
    int4 = serving.deployment("Llama-2 70B", "H100 SXM", weight_bits=4.125)
    assert int4.embedding_bits == 16  # weight-only quantization keeps the embedding and head in 16 bits
    pair = serving.deployment("Llama-2 70B", "H100 SXM", n_gpus=2)
    assert (pair.link, pair.link_gbs) == ("NVLink", 450)  # 900 GB/s NVLink total, 450 each way
    pcie = serving.deployment("Llama-2 7B", "RTX 4090", n_gpus=2)
    assert pcie.link == "PCIe" and pcie.link_gbs == pytest.approx(16 * 16 * 128 / 130 / 8)  # Gen4 x16: 31.5 GB/s
    assert "2 x H100 SXM" in pair.label


@pytest.mark.parametrize("kwargs, name", [
    ({"n_gpus": 16}, "n_gpus"),                       # beyond one 8-GPU NVLink domain
    ({"n_gpus": 3}, "n_gpus"),                        # 3 does not divide 32 heads
    ({"weight_bits": 1}, "weight_bits"), ({"weight_bits": 64}, "weight_bits"), ({"weight_bits": "4"}, "weight_bits"),
    ({"embedding_bits": 0}, "embedding_bits"), ({"kv_dtype": "fp12"}, "kv_dtype"), ({"precision": "fp4"}, "precision"),
    ({"n_gpus": 0}, "n_gpus"),
])
def test_deployment_validation(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        serving.deployment("Llama-2 7B", "H100 SXM", **kwargs)


def test_tensor_parallel_stays_inside_the_link_domain_of_the_gpus_system():
    # The limit is the link domain of the system the GPU ships in (topology.reference_system, systems.json):
    # H100 SXM -> DGX H100, 8 on NVLink 4 (900 GB/s both ways, 450 each); B200 -> DGX B200 (listed before the
    # GB200 NVL72), 8; RTX 4090 -> a 4-card PCIe Gen4 workstation, never clustered; L40S -> an 8-card PCIe box
    assert serving.deployment("Llama-2 70B", "H100 SXM", n_gpus=8).link_gbs == 450
    with pytest.raises(ValueError, match="^n_gpus: tensor parallelism stays inside one link domain, 8 x H100 SXM"
                                         ".* 16 would cross InfiniBand"):
        serving.deployment("Llama-2 70B", "H100 SXM", n_gpus=16)
    with pytest.raises(ValueError, match="^n_gpus: .*8 x B200 .* in one DGX B200"):
        serving.deployment("Llama-2 70B", "B200", n_gpus=16)
    four = serving.deployment("Llama-2 70B", "RTX 4090", n_gpus=4)  # two RTX 4090s or four: a real workstation
    assert four.link == "PCIe" and four.link_gbs == pytest.approx(16 * 16 * 128 / 130 / 8)
    with pytest.raises(ValueError, match="^n_gpus: .*4 x RTX 4090 .*never clustered"):
        serving.deployment("Llama-2 70B", "RTX 4090", n_gpus=8)
    assert serving.deployment("Llama-2 70B", "L40S", n_gpus=8).link == "PCIe"
    # The A100 PCIe ships here in a 4-card PCIe server (Azure NC A100 v4): PCIe Gen4, not the NVLink bridge
    pcie_a100 = serving.deployment("Llama-2 70B", "A100 PCIe 80GB", n_gpus=4)
    assert (pcie_a100.link, pcie_a100.link_gbs) == ("PCIe", pytest.approx(31.51, abs=0.01))
    # MI300X: Infinity Fabric, 896 GB/s both ways -> 448 each; TPU v5e: ICI, 16 chips of a 256-chip pod
    mi300x = serving.deployment("Llama-2 70B", "MI300X", n_gpus=8)
    assert (mi300x.link, mi300x.link_gbs) == ("Infinity Fabric", 448)
    assert serving.deployment("Llama-2 70B", "TPU v5e", n_gpus=16).link == "ICI"


@pytest.mark.parametrize("gpu", ["T4", "L4", "H100 PCIe", "RTX 3090", "V100 SXM2 32GB"])
def test_a_gpu_without_a_multi_gpu_system_runs_alone(gpu):
    # no system of these in systems.json: 16 T4s over PCIe are not a tensor-parallel group, nor are 2
    with pytest.raises(ValueError, match=f"^n_gpus: the course's system data .* no multi-GPU server of the {gpu}"):
        serving.deployment("Llama-2 7B", gpu, n_gpus=2)
    assert serving.deployment("Llama-2 7B", gpu).n_gpus == 1


def test_gpus_no_link_joins_count_memory_but_not_time():
    # one_server=False (the planner sizing a copy): 16 T4s hold 1/16 of Llama-2 70B's 137.95 GB each, but with no
    # link between them a step cannot be timed
    t4s = serving.deployment("Llama-2 70B", "T4", n_gpus=16, one_server=False)
    assert t4s.link == "none"
    assert serving.weight_bytes(t4s) / 16 == pytest.approx(2 * 68_976_648_192 / 16)
    with pytest.raises(ValueError, match="^n_gpus: no link joins"):
        serving.decode_step(t4s, 1, 0)
    with pytest.raises(ValueError, match="^n_gpus: no link joins"):
        compute.decode_tokens_per_second("Llama-2 7B", "T4", n_gpus=2)


def test_all_reduce_latency_over_infinity_fabric_takes_nvlinks_constant():
    # 8 MI300X: 2 x 7 ring steps at NCCL's NVLink 0.6 us (RCCL publishes no constant) + 6.6 us base, plus
    # 2 x 7/8 x 8192 x 2 bytes / 448e9 per token; 2 all-reduces x 80 layers
    dep = serving.deployment("Llama-2 70B", "MI300X", n_gpus=8)
    step = serving.decode_step(dep, 1, 0)
    assert step.allreduce_s == pytest.approx(160 * (6.6e-6 + 14 * 0.6e-6 + 2 * 7 / 8 * 8192 * 2 / 448e9))


def test_physical_limits():
    with pytest.raises(ValueError, match="^n_gpus: Jetson"):
        serving.deployment("Llama-2 7B", "Jetson AGX Orin 64GB", n_gpus=2)  # edge modules are not clustered
    with pytest.raises(ValueError, match="^gpu"):
        serving.deployment("Llama-2 7B", "Xeon Platinum 8480+")
    with pytest.raises(ValueError, match="^precision"):
        serving.deployment("Llama-2 7B", "A100", precision="fp8")  # Ampere has no fp8
    wide = serving.deployment("Llama-2 70B", "H100 SXM", n_gpus=16, one_server=False)  # priced, not refused
    assert wide.n_gpus == 16
    with pytest.raises(ValueError, match="^one_server"):
        serving.deployment("Llama-2 70B", "H100 SXM", n_gpus=2, one_server="yes")
    with pytest.raises(TypeError, match="^dep"):
        serving.decode_step("Llama-2 7B")


def test_weight_bytes_by_hand():
    # fp16: 2 bytes x 6,738,415,616; int4 in groups of 128 (4.125 bits) with the 262,144,000 embedding and head
    # weights in fp16: 6,476,271,616 x 4.125 / 8 + 524,288,000 = 3,863,615,552 bytes
    assert serving.weight_bytes(serving.deployment("Llama-2 7B", A100)) == 13_476_831_232
    assert serving.weight_bytes(serving.deployment("Llama-2 7B", A100, weight_bits=4.125)) == 3_863_615_552
    assert serving.WEIGHT_BITS["4-bit, groups of 128"] == 4.125


# ---------------------------------------------------------------- MoE routing: closed form vs Monte Carlo

@pytest.mark.parametrize("tokens", [1, 2, 4, 16, 64])
def test_expected_experts_matches_monte_carlo(tokens):
    # Mixtral: each token picks 2 of 8 experts. Simulate uniform top-2 routing and count distinct experts.
    rng = np.random.default_rng(0)
    trials = 4000
    picks = np.argsort(rng.random((trials, tokens, 8)), axis=2)[:, :, :2]  # 2 different experts per token
    used = np.array([len(np.unique(p)) for p in picks])
    expected = serving.expected_experts("Mixtral 8x7B", tokens)
    assert expected == pytest.approx(used.mean(), abs=4 * used.std() / math.sqrt(trials) + 1e-3)
    # by hand: 8 (1 - (3/4)^T)
    assert expected == pytest.approx(8 * (1 - 0.75**tokens))


def test_expected_experts_edges():
    assert serving.expected_experts("Mixtral 8x7B", 1) == 2          # one token: its k experts
    assert serving.expected_experts("Llama-2 7B", 50) == 1           # dense: one MLP, always used
    assert serving.expected_experts("DeepSeek-V3", 4096) == pytest.approx(256, rel=1e-9)  # a big batch uses all
    np.testing.assert_allclose(serving.expected_experts("Mixtral 8x7B", np.array([1, 2])), [2, 8 * (1 - 0.75**2)])


# ---------------------------------------------------------------- steps by hand

def test_decode_step_by_hand(llama7):
    step = serving.decode_step(llama7, batch=1, context=0)
    assert step.weight_bytes == 2 * READ_7B and step.kv_bytes == 0
    assert step.flops == 2 * MATMUL_7B
    assert step.memory_s == pytest.approx(2 * READ_7B / 2039e9)           # 6.481 ms
    assert step.compute_s == pytest.approx(2 * MATMUL_7B / 312e12)        # 0.042 ms
    assert step.bound == "memory" and step.seconds == step.memory_s and step.allreduce_s == 0
    # batch 8 at 1000 cached tokens: 7 more embedding rows; KV 8 x 1000 x 524,288; attention 4 x 32 x 4096 x 1000
    # FLOP per token
    step = serving.decode_step(llama7, batch=8, context=1000)
    assert step.weight_bytes == 2 * (READ_7B + 7 * 4096)
    assert step.kv_bytes == 8 * 1000 * KV_7B
    assert step.flops == 8 * (2 * MATMUL_7B + 4 * 32 * 4096 * 1000)
    assert step.tokens_per_second == pytest.approx(8 / ((2 * (READ_7B + 7 * 4096) + 8000 * KV_7B) / 2039e9))


def test_causal_keys_by_hand():
    assert serving.causal_keys("Llama-2 7B", 5) == 1 + 2 + 3 + 4 + 5
    assert serving.causal_keys("Llama-2 7B", 2048) == 2048 * 2049 // 2
    # Mistral's window of 4096: the first 4096 tokens see 1..4096 keys, the next 904 see 4096 each
    assert serving.causal_keys("Mistral 7B", 5000) == 4096 * 4097 // 2 + 904 * 4096


def test_prefill_by_hand(llama7):
    # 2048 prompt tokens: 2 x (6,607,343,616 - 131,072,000) FLOP each, the head once (2 x 131,072,000),
    # attention 4 x 32 x 4096 per key over 2048 x 2049 / 2 keys
    flops = 2048 * 2 * (MATMUL_7B - 131_072_000) + 2 * 131_072_000 + 4 * 32 * 4096 * (2048 * 2049 // 2)
    step = serving.prefill(llama7, 2048)
    assert step.flops == flops
    assert step.compute_s == pytest.approx(flops / 312e12)        # 88.5 ms: compute-bound
    assert step.bound == "compute"
    # bytes: weights with 2048 embedding rows, and the prompt's K and V written
    assert step.weight_bytes == 2 * (READ_7B + 2047 * 4096) and step.kv_bytes == 2048 * KV_7B
    # a 128-token prompt is still memory-bound: 13.2 GB read in 6.5 ms vs 5.3 ms of FLOP
    short = serving.prefill(llama7, 128)
    assert short.bound == "memory" and short.seconds == pytest.approx(short.memory_s)


def test_tensor_parallel_allreduce_by_hand():
    # Llama-2 70B on 2 H100 SXM (NVLink 900 GB/s total, 450 per direction): 2 all-reduces x 80 layers per step,
    # each 6.6 + 2 x 0.6 us (NCCL ring/LL latency model) + 2 x 1/2 x 8192 x 2 bytes per token / 450e9
    dep = serving.deployment("Llama-2 70B", "H100 SXM", n_gpus=2)
    assert serving.decode_step(dep, 1).allreduce_s == pytest.approx(160 * (7.8e-6 + 16_384 / 450e9))
    assert serving.decode_step(dep, 64).allreduce_s == pytest.approx(160 * (7.8e-6 + 64 * 16_384 / 450e9))
    eight = serving.deployment("Llama-2 70B", "H100 SXM", n_gpus=8)  # 2 x 7 ring steps
    assert serving.decode_step(eight, 1).allreduce_s == pytest.approx(160 * (6.6e-6 + 14 * 0.6e-6 + 1.75 * 16_384
                                                                             / 450e9))


def test_kv_per_gpu_splits_heads_but_not_mla():
    llama70 = serving.deployment("Llama-2 70B", "H100 SXM", n_gpus=8)
    # 8 KV heads over 8 GPUs: one each, 327,680 / 8 = 40,960 bytes per token per GPU
    assert serving.kv_bytes_per_gpu(llama70, 1000) == 1000 * 40_960
    # DeepSeek-V3's latent (61 x 576 values, bf16: 70,272 bytes) is shared by all heads: every GPU keeps all of it
    deepseek = serving.deployment("DeepSeek-V3", "H200 SXM", n_gpus=8, weight_bits=8, kv_dtype="bf16")
    assert serving.kv_bytes_per_gpu(deepseek, 1000) == 1000 * 70_272
    # Mistral's window: at most 4096 tokens per sequence (131,072 bytes each)
    mistral = serving.deployment("Mistral 7B", "H100 SXM")
    assert serving.kv_bytes_per_gpu(mistral, 30_000) == 4096 * 131_072


# ---------------------------------------------------------------- batching

def test_crossover_batch_matches_the_closed_form(llama7):
    # compute b F / peak = memory (W0 + r b) / bandwidth with F = 2 x 6,607,343,616 FLOP per token,
    # W0 = 2 x 6,607,343,616 bytes (weights without the rows), r = 8192 bytes per row:
    # b* = (W0 / bw) / (F / peak - r / bw) = 153.03 -> the first whole batch is 154 (the A100's ridge is 153)
    w0, f, r = 2 * MATMUL_7B, 2 * MATMUL_7B, 8192
    b_star = (w0 / 2039e9) / (f / 312e12 - r / 2039e9)
    assert serving.crossover_batch(llama7, 0) == math.ceil(b_star) == 154
    # at 4096 cached tokens each sequence reads 2.1 GB of KV (1.05 ms) for 0.05 ms of FLOP: never compute-bound
    assert serving.crossover_batch(llama7, 4096) is None


def test_max_batch_by_hand(llama7):
    # (80e9 - 13,476,831,232) / (4096 x 524,288) = 30.98 -> 30 sequences of 4096 tokens
    assert serving.max_batch(llama7, 4096) == 30
    assert serving.kv_capacity_tokens(llama7) == (80e9 - 13_476_831_232) // KV_7B
    too_big = serving.deployment("Llama-2 70B", A100)
    assert not serving.fits(too_big) and serving.max_batch(too_big, 100) == 0


def test_batch_curve_trades_latency_for_throughput(llama7):
    points = serving.batch_curve(llama7, 1024, [1, 2, 4, 8, 16, 32, 64])
    tps = [p.tokens_per_second for p in points]
    tpot = [p.tpot_s for p in points]
    assert tps == sorted(tps) and tpot == sorted(tpot)      # more throughput, slower for each user
    # (80e9 - 13,476,831,232) / (1024 x 524,288) = 123.9: 123 sequences of 1024 tokens fit, 128 do not
    assert all(p.fits for p in points)
    assert [p.fits for p in serving.batch_curve(llama7, 1024, [123, 124])] == [True, False]


def test_timeline_by_hand(llama7):
    # one request, 128 tokens in, 3 out: the prefill makes token 1, then decode steps at 128 and 129 cached tokens
    tl = serving.timeline(llama7, 128, 3)
    steps = [(2 * READ_7B + c * KV_7B) / 2039e9 for c in (128, 129)]
    assert tl.decode_s == pytest.approx(sum(steps))
    assert tl.tpot_s == pytest.approx(sum(steps) / 2)
    assert tl.ttft_s == serving.prefill(llama7, 128).seconds
    assert tl.total_s == pytest.approx(tl.ttft_s + sum(steps))
    assert tl.tokens_per_second == pytest.approx(3 / tl.total_s)
    one = serving.timeline(llama7, 10, 1)
    assert one.decode_s == 0 and one.tpot_s == 0


# ---------------------------------------------------------------- paged KV

def test_kv_allocation_by_hand():
    # lengths 1, 16, 17, 100 with 128 reserved each: used 134 of 512; blocks of 16: 16 + 16 + 32 + 112 = 176
    a = serving.kv_allocation([1, 16, 17, 100], reserved_tokens=128, block_size=16)
    assert (a.used, a.contiguous, a.paged) == (134, 512, 176)
    assert a.contiguous_waste == pytest.approx(1 - 134 / 512) and a.paged_waste == pytest.approx(1 - 134 / 176)
    assert a.concurrency_gain == pytest.approx(512 / 176)
    assert serving.kv_allocation([5], 5, 1).paged_waste == 0


def test_block_waste_closed_form_vs_monte_carlo():
    # lengths spread over many blocks: the empty part of the last block is uniform on 0..B-1, mean (B - 1) / 2
    rng = np.random.default_rng(1)
    lengths = rng.integers(1, 100_000, size=200_000)
    for block in (8, 16, 32):
        waste = (-(-lengths // block) * block - lengths).mean()
        assert waste == pytest.approx(serving.expected_block_waste_tokens(block), abs=0.1)
    assert serving.expected_block_waste_tokens(16) == 7.5


@pytest.mark.parametrize("args, kwargs, name", [
    (([],), {"reserved_tokens": 8}, "lengths"), (([0, 3],), {"reserved_tokens": 8}, "lengths"),
    (([1.5],), {"reserved_tokens": 8}, "lengths"), (([10],), {"reserved_tokens": 8}, "reserved_tokens"),
    (([3],), {"reserved_tokens": 8, "block_size": 0}, "block_size"),
])
def test_kv_allocation_validation(args, kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        serving.kv_allocation(*args, **kwargs)


# ---------------------------------------------------------------- speculative decoding

def test_speculative_closed_form_by_hand():
    # Leviathan et al. 2023, Eq. 1: (1 - alpha^(gamma+1)) / (1 - alpha); alpha 0.8, gamma 4: (1 - 0.32768) / 0.2
    assert serving.speculative_expected_tokens(0.8, 4) == pytest.approx(3.3616)
    assert serving.speculative_expected_tokens(0.0, 4) == 1      # every draft rejected: the target's one token
    assert serving.speculative_expected_tokens(1.0, 4) == 5      # every draft accepted, plus the bonus token
    assert serving.speculative_expected_tokens(0.5, 0) == 1      # no drafts: plain decoding
    # Theorem 3.8 with c = 0.05: 3.3616 / (4 x 0.05 + 1) = 2.8013
    assert serving.speculative_speedup(0.8, 4, 0.05) == pytest.approx(3.3616 / 1.2)


@pytest.mark.parametrize("alpha, gamma", [(0.5, 1), (0.6, 3), (0.8, 4), (0.9, 8), (0.95, 2)])
def test_speculative_monte_carlo_agrees(alpha, gamma):
    n = 200_000
    mc = serving.simulate_speculative(alpha, gamma, iterations=n, seed=3)
    closed = serving.speculative_expected_tokens(alpha, gamma)
    # tokens per pass lie in 1..gamma+1: the standard error is at most (gamma / 2) / sqrt(n)
    assert mc == pytest.approx(closed, abs=4 * (gamma / 2) / math.sqrt(n))


def test_speculative_decode_on_hardware():
    target = serving.deployment("Llama-2 70B", "H200 SXM")   # 138 GB of fp16 weights in 141 GB
    draft = serving.deployment("Llama-2 7B", "H200 SXM")
    small = serving.speculative_decode(target, draft, 0.8, 4, batch=1)
    # batch 1 is memory-bound: checking 5 tokens costs about one step, so the closed form holds (c ~ 0.1)
    assert small.cost_ratio == pytest.approx(2 * READ_7B / (2 * (68_976_648_192 - 262_144_000 + 8192)), rel=1e-6)
    assert small.speedup == pytest.approx(serving.speculative_speedup(0.8, 4, small.cost_ratio), rel=0.01)
    assert small.speedup > 2  # 3.3616 / (4 x 0.096 + 1) = 2.43
    # batch 256 is compute-bound for the check of 5 tokens per sequence: speculation no longer pays
    assert serving.speculative_decode(target, draft, 0.8, 4, batch=256).speedup < 1


# ---------------------------------------------------------------- the simulator

def _m_d_1_wait(rate, service):
    """Mean wait in an M/D/1 queue (Pollaczek-Khinchine with deterministic service): rho S / (2 (1 - rho))."""
    rho = rate * service
    return rho * service / (2 * (1 - rho))


def test_static_batch_of_one_is_an_m_d_1_queue(llama7):
    # Fixed lengths, one request at a time: service S = prefill + decode, the same for everyone; Poisson arrivals.
    # The mean time to first token is the M/D/1 mean wait plus the prefill.
    tl = serving.timeline(llama7, 256, 64)
    rate = 0.6 / tl.total_s  # utilisation 0.6
    result = serving.simulate(llama7, arrival_rate=rate, n_requests=4000, prompt_tokens=256, output_tokens=64,
                              lengths="fixed", policy="static", max_batch_size=1, seed=7)
    assert result.ttft["mean"] == pytest.approx(_m_d_1_wait(rate, tl.total_s) + tl.ttft_s, rel=0.08)
    assert result.tpot["mean"] == pytest.approx(tl.tpot_s, rel=1e-9)   # alone on the GPU: the timeline's TPOT
    assert result.busy_fraction == pytest.approx(0.6, abs=0.03)


def test_light_load_sees_the_timeline(llama7):
    # arrivals 100 s apart on average: nobody waits, so TTFT is the prefill and TPOT the timeline's
    tl = serving.timeline(llama7, 100, 50)
    result = serving.simulate(llama7, arrival_rate=0.01, n_requests=50, prompt_tokens=100, output_tokens=50,
                              lengths="fixed", seed=0)
    assert result.ttft[50] == pytest.approx(tl.ttft_s, rel=1e-6)  # a few arrivals overlap another request
    assert result.tpot[50] == pytest.approx(tl.tpot_s, rel=1e-6)
    assert result.mean_batch == pytest.approx(1, abs=0.05)


def test_continuous_beats_static_and_paged_beats_contiguous(llama7):
    common = dict(arrival_rate=20, n_requests=1500, prompt_tokens=512, output_tokens=256, seed=1)
    static = serving.simulate(llama7, policy="static", **common)
    contiguous = serving.simulate(llama7, kv_allocation="contiguous", **common)
    paged = serving.simulate(llama7, **common)
    assert paged.tokens_per_second > contiguous.tokens_per_second > static.tokens_per_second
    assert paged.mean_batch > contiguous.mean_batch  # 4096 reserved tokens each vs what a request holds
    assert paged.ttft[50] < static.ttft[50]
    # every output token is accounted for
    for r in (static, contiguous, paged):
        assert 0 < r.busy_fraction <= 1 and 0 < r.flops_utilization < 1


def test_simulator_is_deterministic_and_fast(llama7):
    kwargs = dict(arrival_rate=8, n_requests=3000, prompt_tokens=512, output_tokens=256, seed=5)
    start = time.process_time()
    first = serving.simulate(llama7, **kwargs)
    elapsed = time.process_time() - start
    assert first == serving.simulate(llama7, **kwargs)
    assert first != serving.simulate(llama7, **{**kwargs, "seed": 6})
    # < 1 s of CPU for 3000 requests on an idle core; 2 s leaves room for a loaded test machine
    assert elapsed < 2.0


def test_simulator_handles_moe_windows_and_tensor_parallel():
    mistral = serving.deployment("Mistral 7B", "H100 SXM")
    long = serving.simulate(mistral, arrival_rate=2, n_requests=200, prompt_tokens=3000, output_tokens=2000,
                            max_tokens=8192, seed=2)
    assert long.ttft[50] > 0 and long.tpot[50] > 0
    mixtral = serving.deployment("Mixtral 8x7B", "H100 SXM", n_gpus=2)
    assert serving.simulate(mixtral, arrival_rate=5, n_requests=300, seed=2).tokens_per_second > 0


@pytest.mark.parametrize("kwargs, name", [
    ({"arrival_rate": 0}, "arrival_rate"), ({"n_requests": 0}, "n_requests"), ({"policy": "greedy"}, "policy"),
    ({"kv_allocation": "virtual"}, "kv_allocation"), ({"lengths": "normal"}, "lengths"),
    ({"max_batch_size": 0}, "max_batch_size"), ({"block_size": 0}, "block_size"), ({"seed": -1}, "seed"),
    ({"max_tokens": 10**7}, "max_tokens"),
])
def test_simulator_validation(llama7, kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        serving.simulate(llama7, **{"arrival_rate": 1.0, **kwargs})


def test_simulator_refuses_weights_that_do_not_fit():
    with pytest.raises(ValueError, match="^model"):
        serving.simulate(serving.deployment("Llama-2 70B", A100), arrival_rate=1.0)
