"""course_lib.planner against hand derivations written out here (parameter counts: tests/test_models.py).

Llama-2 7B = 6,738,415,616 params; 13B = 13,015,864,320; 70B = 68,976,648,192 (Hugging Face configs).
H100 SXM: 80 GB, 3,350 GB/s, 989.5 dense bf16 TFLOPS, 700 W; A100 SXM 80GB: 312 TFLOPS, 400 W.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import memory, models, planner, serving, topology
from course_lib.planner import Job

N7, N13, N70 = 6_738_415_616, 13_015_864_320, 68_976_648_192


# ---------------------------------------------------------------- FLOP and memory of a task


def test_task_flops_full_and_frozen_weights():
    # 6 x 6,738,415,616 x 1e9 = 4.0430e19 FLOP; weights frozen: 4 x N x D = 2.6954e19.
    assert planner.task_flops(Job("pretrain", "Llama-2 7B", n_tokens=1e9)) == pytest.approx(4.0430493696e19, rel=1e-12)
    assert Job("finetune", "Llama-2 7B", n_tokens=1e9).flops == pytest.approx(4.0430493696e19, rel=1e-12)
    assert Job("lora", "Llama-2 7B", n_tokens=1e9).flops == pytest.approx(2.6953662464e19, rel=1e-12)
    assert Job("serve", "Llama-2 7B").flops is None


def test_lora_memory_is_frozen_weights_plus_activations():
    # bf16 weights 2 x 6,738,415,616 = 13,476,831,232 B; full checkpointing keeps each layer's input,
    # 2 s b h per layer: 2 x 2048 x 1 x 4096 x 32 layers = 536,870,912 B, plus the 16-bit logits
    # 2 x 32000 x 2048 = 131,072,000 B (memory.activation_bytes counts them).
    parts = planner.lora_memory("Llama-2 7B", 1)
    assert parts["weights"] == 13_476_831_232
    assert parts["activations"] == 536_870_912 + 131_072_000
    assert parts["total"] == 14_144_774_144
    halves = planner.lora_memory("Llama-2 7B", 2, overhead_fraction=0.1)
    assert halves["weights"] == 6_738_415_616
    assert halves["total"] == pytest.approx(1.1 * (6_738_415_616 + 536_870_912 + 131_072_000), rel=1e-12)


def test_lora_memory_matches_the_lora_papers_350_gb():
    # Hu et al. 2021 (arXiv:2106.09685), Section 4.2: training GPT-3 175B with LoRA took 350 GB of VRAM (1.2 TB in
    # full fine-tuning). Frozen fp16 weights alone: 2 B x 174.6e9 = 349.2 GB, within 0.3 % of the paper's figure.
    assert planner.lora_memory("GPT-3 175B", 1, dtype="fp16")["weights"] == pytest.approx(350e9, rel=0.003)


def test_lora_flops_are_an_optimistic_approximation():
    # 4 N D vs 6 N D: 2/3 of the time. The LoRA paper measured 32.5 vs 43.1 tokens/s per V100 (Section 4.2,
    # footnote 5): LoRA took 32.5 / 43.1 = 0.754 of full fine-tuning's time, more than the ideal 0.667.
    ratio = Job("lora", "Llama-2 7B", n_tokens=1e9).flops / Job("finetune", "Llama-2 7B", n_tokens=1e9).flops
    assert ratio == pytest.approx(2 / 3, rel=1e-12)
    assert ratio < 32.5 / 43.1


def test_min_gpus_for_full_training_with_zero_3():
    # Llama-2 7B on H100 (80 GB), 10% overhead: ZeRO-3 shards 16 B/param = 107,814,649,856 B; activations
    # 536,870,912 B stay. n = 1: (107.81e9 + 0.54e9) x 1.1 = 119.2 GB > 80; n = 2: (53.91e9 + 0.54e9) x 1.1 = 59.9 GB.
    assert planner.min_gpus(Job("pretrain", "Llama-2 7B", n_tokens=1e9), "H100 SXM") == 2
    # Llama-2 70B: 16 x N = 1,103,626,371,072 B; activations 2 x 2048 x 8192 x 80 = 2,684,354,560 B.
    # 1.1036e12 / n <= 80e9 / 1.1 - 2.684e9 = 70.04e9 -> n >= 15.76 -> 16 (without overhead: 14.27 -> 15).
    finetune = Job("finetune", "Llama-2 70B", n_tokens=1e9)
    assert planner.min_gpus(finetune, "H100 SXM") == 16
    assert planner.min_gpus(Job("finetune", "Llama-2 70B", n_tokens=1e9, overhead_fraction=0.0), "H100 SXM") == 15
    # ... 16 x 79.0 GB: (68.98e9 + 2.684e9 + logits 2 x 32000 x 2048 = 0.131e9) x 1.1 = 78.971e9 bytes per GPU.
    assert planner.memory_per_gpu(finetune, "H100 SXM", 16) == pytest.approx(78.971e9, rel=1e-4)


def test_min_gpus_none_when_activations_alone_overflow():
    # GPT-3 175B without checkpointing: s b h (34 + 5 a s / h) per layer = 2048 x 12288 x (34 + 80) x 96 layers
    # = 275.4 GB of activations on every GPU, more than 80 GB however many GPUs share the weights.
    assert planner.min_gpus(Job("pretrain", "GPT-3 175B", n_tokens=1e9, checkpointing="none"), "H100 SXM") is None


def test_min_gpus_for_lora():
    # Llama-2 13B, bf16 weights 26.03e9 B sharded; activations 2 x 2048 x 5120 x 40 = 838,860,800 B.
    # RTX 4090 (24 GB): (26.03e9 / n + 0.84e9) x 1.1 <= 24e9 -> 26.03 / n <= 20.98 -> n = 2. 7B: 15.4 GB -> 1.
    assert planner.min_gpus(Job("lora", "Llama-2 13B", n_tokens=1e9), "RTX 4090") == 2
    assert planner.min_gpus(Job("lora", "Llama-2 7B", n_tokens=1e9), "RTX 4090") == 1


def test_lora_70b_fits_a_pair_of_80_gb_gpus_at_one_sequence():
    # Llama-2 70B: bf16 weights 137,953,296,384 B sharded; activations 2 x 2048 x 8192 x 80 = 2,684,354,560 B.
    # (137.95e9 / n + 2.684e9) x 1.1 <= 80e9 -> 137.95e9 / n <= 70.04e9 -> n >= 1.97 -> 2 A100 80GB (or H100).
    # On A100 40GB: 137.95e9 / n <= 33.68e9 -> n >= 4.10 -> 5.
    lora = Job("lora", "Llama-2 70B", n_tokens=1e9)
    assert planner.min_gpus(lora, "A100 SXM 80GB") == 2
    assert planner.min_gpus(lora, "A100 SXM 40GB") == 5
    # (137.95e9 / 2 + 2.684e9 + 0.131e9 of logits) x 1.1 = 78.97e9
    assert planner.memory_per_gpu(lora, "A100 SXM 80GB", 2) == pytest.approx(78.97e9, rel=1e-3)


def test_min_gpus_for_serving_rounds_up_to_a_divisor_of_the_heads():
    # Llama-2 70B fp16: weights 137,953,296,384 B; KV cache 2 x 80 layers x 1,024 (8 KV heads x 128) x 2 B
    # = 327,680 B per token; 32 sequences x 4,096 tokens = 42,949,672,960 B. (137.95 + 42.95) x 1.1 = 199.0 GB
    # -> 2.49 H100s -> 3, but the group must divide the 64 heads -> 4.
    assert planner.min_gpus(Job("serve", "Llama-2 70B", "fp16", seq_len=4096, batch=32), "H100 SXM") == 4
    # One 2,048-token sequence: (137.95 + 0.67) x 1.1 = 152.5 GB -> 2 H100s; on one H200 (141 GB) only without
    # the 10% overhead: 138.6 GB.
    assert planner.min_gpus(Job("serve", "Llama-2 70B"), "H100 SXM") == 2
    assert planner.min_gpus(Job("serve", "Llama-2 70B"), "H200 SXM") == 2
    assert planner.min_gpus(Job("serve", "Llama-2 70B", overhead_fraction=0.0), "H200 SXM") == 1
    assert planner.tensor_parallel_sizes("Llama-2 70B") == [1, 2, 4, 8, 16, 32, 64]


def test_serving_never_fits_when_the_heads_forbid_splitting():
    # One attention head: no tensor parallelism. 20 layers x 12 x 8192^2 = 16.1e9 params = 32.2 GB in fp16.
    toy = models.ModelConfig("one-head toy", vocab_size=1000, d_model=8192, n_layers=20, n_heads=1, n_kv_heads=1,
                             d_ff=4 * 8192, gated_mlp=False, tied_embeddings=True, learned_positions=False,
                             max_seq_len=2048)
    assert planner.tensor_parallel_sizes(toy) == [1]
    assert planner.min_gpus(Job("serve", toy), "L4") is None  # 24 GB each, and only one GPU per copy
    assert planner.min_gpus(Job("serve", toy), "H100 SXM") == 1
    assert not planner.plan(Job("serve", toy), "L4").fits


# ---------------------------------------------------------------- serving throughput


def test_replica_throughput_memory_bound():
    # Llama-2 7B bf16 on one H100: weights 13,476,831,232 B; KV per 2,048-token sequence 2 x 32 x 4096 x 2048 x 2
    # = 1,073,741,824 B. Batch: (80e9 / 1.1 - 13.48e9) / 1.074e9 = 55.18 -> 55.
    # A decode step reads the head, one embedding row per sequence and the other weights
    # (course_lib.serving): 2 x (6,607,347,712 + 54 x 4096) = 13,215,137,792 B at batch 55.
    # Bound: 55 x 3.35e12 / (13,215,137,792 + 55 x 1,073,741,824) = 2,549.43 tokens/s (compute ceiling 69,252).
    # A lone sequence: 3.35e12 / (13,214,695,424 + 1,073,741,824) = 234.46 tokens/s.
    r = planner.replica_throughput(Job("serve", "Llama-2 7B", decode_efficiency=1.0), "H100 SXM", 1)
    assert r["batch"] == 55
    assert r["bound"] == "memory"
    assert r["tokens_per_s"] == pytest.approx(2549.434, rel=1e-5)
    assert r["single_tokens_per_s"] == pytest.approx(234.455, rel=1e-5)
    assert planner.replica_throughput(Job("serve", "Llama-2 7B", decode_efficiency=0.4), "H100 SXM", 1)[
        "tokens_per_s"] == pytest.approx(0.4 * 2549.434, rel=1e-5)
    # the largest batch is serving's, with the job's 10% overhead: 55; 70B's 138 GB of bf16 weights do not fit
    assert serving.max_batch(planner.serving_deployment(Job("serve", "Llama-2 7B"), "H100 SXM", 1), 2048, 0.1) == 55
    with pytest.raises(ValueError, match="^n_gpus"):
        planner.replica_throughput(Job("serve", "Llama-2 70B"), "H100 SXM", 1)


def test_replica_throughput_stops_at_the_compute_ceiling():
    # Llama-3 8B, 128-token contexts: FLOP per token 2 x (8,030,261,248 - 128,256 x 4,096) + 4 x 32 x 128 x 4096
    # = 15,076,958,208 -> ceiling 989.5e12 / that = 65,629.9 tokens/s. A step reads W = 2 x (8,030,261,248 -
    # 525,336,576) = 15,009,849,344 B of weights plus 8,192 B per sequence (its embedding row), and a KV cache of
    # K = 2 x 32 x 1024 x 128 x 2 = 16,777,216 B per sequence. b x 3.35e12 / (W + b (K + 8192)) >= 65,629.9 from
    # b = 65,629.9 x W / (3.35e12 - 65,629.9 x (K + 8192)) = 438.1 -> 439 (memory allows 3,377).
    r = planner.replica_throughput(Job("serve", "Llama-3 8B", seq_len=128, decode_efficiency=1.0), "H100 SXM", 1)
    assert r["bound"] == "compute"
    assert r["batch"] == 439
    assert r["tokens_per_s"] == pytest.approx(65_629.9, rel=1e-5)


def test_replica_throughput_of_a_tensor_parallel_group_counts_the_all_reduces():
    # Llama-2 70B fp16 on 8 x A100 SXM 80GB, 2,048-token contexts (config.json: vocab 32000, d 8192, 80 layers,
    # 64 heads of 128, 8 KV heads). Per step, all GPUs: head 262,144,000 x 2 B + other weights 68,452,360,192 x 2 B
    # = 137,429,008,384 B once; per sequence 16,384 B (its embedding row) + KV 2 x 80 x 1024 x 2 B x 2048 =
    # 671,088,640 B. FLOP per sequence 2 x 68,714,504,192 + 2 x 80 x 64 x 256 x 2048 = 142,797,717,504.
    # 8 x 2039e9 = 16.312e12 B/s, 8 x 312e12 = 2.496e15 FLOP/s. Compute-bound from
    # b = 137,429,008,384 / 16.312e12 / (142,797,717,504 / 2.496e15 - 671,105,024 / 16.312e12) = 524.3 -> 525.
    # At 525: compute 525 x 142,797,717,504 / 2.496e15 = 30.0356 ms; all-reduces (NCCL ring LL over NVLink,
    # 300 GB/s each way) 160 x (6.6 + 14 x 0.6) us = 2.4 ms + 160 x 525 x 2 x 7/8 x 16,384 B / 300e9 B/s = 8.0281 ms:
    # 525 / 40.4637 ms = 12,974.6 tokens/s, x 0.4 = 5,189.8.
    r = planner.replica_throughput(Job("serve", "Llama-2 70B", "fp16", decode_efficiency=0.4), "A100 SXM 80GB", 8)
    assert (r["batch"], r["bound"]) == (525, "compute")
    assert r["tokens_per_s"] == pytest.approx(5189.8, rel=1e-4)


def test_serving_plan_picks_the_group_size_needing_fewest_gpus():
    # 10 requests/s x 500 tokens = 5,000 tokens/s of Llama-2 7B on H100s at 40% of the bound:
    # group 1: batch 55, 0.4 x 2,549.434 = 1,019.774 tokens/s -> 5 copies = 5 GPUs (serving's decode bound: the
    # input embedding is read one row per sequence); groups 2, 4, 8 need 6, 8, 8.
    job = Job("serve", "Llama-2 7B", requests_per_s=10, tokens_per_request=500, decode_efficiency=0.4, serve_days=30)
    p = planner.plan(job, "H100 SXM", 2.0)
    assert (p.n_gpus, p.group, p.min_gpus, p.batch) == (5, 1, 1, 55)
    assert p.tokens_per_s == pytest.approx(5 * 0.4 * 2549.434, rel=1e-5)
    # Each of the 55 sequences gets 1,019.774 / 55 = 18.54 tokens/s: a 500-token response takes 26.97 s at that
    # batch (a lone user would wait 500 / (0.4 x 234.455) = 5.33 s; the plan reports the batch it plans).
    assert p.time_s == pytest.approx(500 * 55 / (0.4 * 2549.434), rel=1e-5)
    assert p.usd == pytest.approx(5 * 720 * 2.0)  # 5 GPUs x 30 days x 24 h x $2 = $7,200
    assert p.usd_per_million_tokens == pytest.approx(7200 / 12_960)  # 5,000 x 2.592e6 s = 12,960 M tokens
    assert p.kwh == pytest.approx(5 * 0.7 * 720)  # 2,520 kWh


# ---------------------------------------------------------------- training plans and ranking


def test_deadline_adds_gpus():
    # Llama-2 7B, 2e12 tokens: 8.0861e22 FLOP / (989.5e12 x 0.4) = 2.04297e8 s on one H100; 30 days = 2.592e6 s
    # -> 78.8 -> 79 GPUs, which come as whole 8-GPU DGX H100 nodes: 10 nodes = 80 GPUs (issue 12: "79 H100s -> 10
    # nodes of 8"); 8.0861e22 / (80 x 3.958e14) = 2,553,720 s = 29.56 days.
    p = planner.plan(Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=30), "H100 SXM", 2.0)
    assert (p.n_gpus, p.nodes, p.min_gpus, p.system) == (80, 10, 2, "DGX H100")
    assert p.link == "10 nodes of 8: NVLink 4 through 4 NVSwitch inside the nodes, InfiniBand NDR 400 Gb/s between them"
    assert p.seconds == pytest.approx(2_553_720, rel=1e-5)
    assert p.gpu_hours == pytest.approx(56_749.3, rel=1e-5)  # 2.04297e8 s / 3600: the same on any count
    assert p.usd == pytest.approx(113_498.6, rel=1e-5) and p.usd_per_gpu_hour == 2.0
    # Without a deadline: the memory minimum, 2 GPUs, 2.04297e8 / 2 s = 1,182 days.
    slow = planner.plan(Job("pretrain", "Llama-2 7B", n_tokens=2e12), "H100 SXM")
    assert slow.n_gpus == 2 and slow.seconds == pytest.approx(1.021485e8, rel=1e-5)
    assert slow.usd is None and slow.within_budget is None  # no price given


def test_impossible_deadlines_do_not_fit_and_do_not_crash():
    # Reliability review D5: 2.04297e8 s on one H100 / 1e-9 days (8.64e-5 s) = 2.4e12 GPUs > 2**24.
    for days in (1e-9, 1e-308):
        p = planner.plan(Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=days), "H100 SXM", 2.0)
        assert not p.fits and "16,777,216 GPUs" in p.note and p.min_gpus == 2
    # The edge: 2.04297e8 s / (1e-4 days x 86,400 s) = 23.6M GPUs > 16.8M -> no; at 2e-4 days: 8.0861e22 / (395.8e12 x 17.28 s)
    # = 11,822,777.3 -> 11,822,778 GPUs.
    assert not planner.plan(Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=1e-4), "H100").fits
    # ... rounded up to whole nodes: ceil(11,822,778 / 8) = 1,477,848 nodes = 11,822,784 GPUs.
    assert planner.plan(Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=2e-4), "H100").n_gpus == 11_822_784


def test_rank_by_cost_follows_the_prices_and_leaves_unpriced_gpus_out():
    # Llama-2 7B, 1e11 tokens: 4.0430e21 FLOP -> 2,837.5 H100-hours (at 40% of 989.5) or 8,999.0 A100-hours.
    job = Job("pretrain", "Llama-2 7B", n_tokens=1e11, budget_usd=12_000)
    gpus = ["A100 SXM 80GB", "H100 SXM", "T4"]  # the T4 has no bf16 rate
    r = planner.rank_hardware(job, {"H100": 4.0, "A100": 1.5}, rank_by="cost", gpus=gpus)
    assert [p.gpu for p in r.ranked] == ["H100 SXM", "A100 SXM 80GB"]  # $11,350 < $13,498
    assert r.ranked[0].usd == pytest.approx(2837.47 * 4.0, rel=1e-5)
    assert r.ranked[1].usd == pytest.approx(8998.95 * 1.5, rel=1e-5)
    assert (r.ranked[0].within_budget, r.ranked[1].within_budget) == (True, False)
    assert [p.gpu for p in r.not_fitting] == ["T4"] and "bf16" in r.not_fitting[0].note
    cheaper_a100 = planner.rank_hardware(job, {"H100": 4.0, "A100": 1.2}, rank_by="cost", gpus=gpus)
    assert [p.gpu for p in cheaper_a100.ranked] == ["A100 SXM 80GB", "H100 SXM"]  # $10,799 < $11,350
    one_price = planner.rank_hardware(job, {"A100": 100.0}, rank_by="cost", gpus=gpus)
    assert [p.gpu for p in one_price.ranked] == ["A100 SXM 80GB"]  # the H100 has no price: left out, named
    assert [p.gpu for p in one_price.left_out] == ["H100 SXM"] and one_price.left_out[0].usd is None
    assert "no price" in one_price.left_out_reason()
    assert [p.gpu for p in one_price.plans] == ["A100 SXM 80GB", "H100 SXM", "T4"]


def test_time_energy_and_cost_are_separate_rankings():
    # 4.0430e21 FLOP at 40%: H100 2,837.5 GPU-hours x 0.7 kW = 1,986 kWh; A100 8,999 x 0.4 kW = 3,600 kWh;
    # MI300X 4.0430e21 / (1307.4e12 x 0.4) / 3600 = 2,147.5 GPU-hours x 0.75 kW = 1,611 kWh; TPU v5e: no TDP.
    job = Job("pretrain", "Llama-2 7B", n_tokens=1e11, deadline_days=30)
    gpus = ["A100 SXM 80GB", "H100 SXM", "MI300X", "TPU v5e"]
    by_time = planner.rank_hardware(job, gpus=gpus)
    assert by_time.rank_by == "time" and by_time.left_out == ()
    times = [p.time_s for p in by_time.ranked]
    assert times == sorted(times) and len(times) == 4
    by_energy = planner.rank_hardware(job, rank_by="energy", gpus=gpus)
    assert [p.gpu for p in by_energy.ranked] == ["MI300X", "H100 SXM", "A100 SXM 80GB"]
    assert [p.kwh for p in by_energy.ranked] == pytest.approx([1610.6, 1986.2, 3599.6], rel=1e-4)
    assert [p.gpu for p in by_energy.left_out] == ["TPU v5e"] and by_energy.left_out_reason() == "no published TDP"
    no_prices = planner.rank_hardware(job, rank_by="cost", gpus=gpus)
    assert no_prices.ranked == () and len(no_prices.left_out) == 4


def test_whole_catalog_is_planned_and_missing_data_is_handled():
    r = planner.rank_hardware(Job("pretrain", "Llama-2 7B", n_tokens=1e10))
    names = [p.gpu for p in r.plans]
    assert len(names) == 21 and "Xeon Platinum 8480+" not in names  # 18 GPUs and 3 TPUs (v5e, v5p, v6e), no CPUs
    for name in ("TPU v5e", "TPU v5p", "TPU v6e"):  # each comes in a pod (systems.json); Google publishes no TDP
        tpu = next(p for p in r.plans if p.gpu == name)
        assert tpu.fits and tpu.kwh is None, name
    # V100 and T4: no bf16 rate. The others need more GPUs (ZeRO-3 over 108 GB of state) than they come in:
    # no multi-GPU system of the H100 PCIe, L4, RTX 3090, RTX 5090 in the data; the 4-GPU RTX 4090 workstation
    # and the Jetson module are never clustered.
    assert [p.gpu for p in r.not_fitting] == ["V100 SXM2 32GB", "H100 PCIe", "L4", "T4", "RTX 3090", "RTX 4090",
                                              "RTX 5090", "Jetson AGX Orin 64GB"]
    fp16 = planner.rank_hardware(Job("pretrain", "Llama-2 7B", n_tokens=1e10, precision="fp16"))
    unfit = [p.gpu for p in fp16.not_fitting]
    assert "TPU v5e" in unfit and "V100 SXM2 32GB" in unfit  # no fp16 rate on the TPU; the V100 needs 4 (no server)


def test_tpu_chips_are_hosts_of_one_pod_joined_by_ici():
    # Llama-2 7B, 2e12 tokens: 8.0861e22 FLOP. TPU v6e: / (918e12 x 0.4) = 2.2021e8 chip-seconds / 2.592e6 s (30 days)
    # = 84.96 -> 85 chips -> 11 hosts of 8 = 88 chips, inside one 256-chip pod: the ICI joins the hosts (no network).
    job = Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=30)
    v6e = planner.plan(job, "TPU v6e")
    assert (v6e.n_gpus, v6e.nodes, v6e.system) == (88, 11, "TPU v6e pod (256 chips)")
    assert v6e.link == "ICI, 2D torus across the pod, joining the hosts"
    # TPU v5e: / (197e12 x 0.4) = 1.02615e9 / 2.592e6 = 395.9 -> 396 -> 50 hosts = 400 chips > 256: two slices.
    v5e = planner.plan(job, "TPU v5e")
    assert (v5e.n_gpus, v5e.nodes) == (400, 50)
    assert v5e.link == ("2 slices of up to 256 chips: ICI, 2D torus across the pod inside each, "
                        "Data-center network, 2 x 100 Gb/s per host between them")


def test_pcie_systems_get_a_caveat_in_words():
    # LoRA-style Llama-2 13B on RTX 4090s: 2 GPUs (test_min_gpus_for_lora) in the 4-GPU PCIe workstation.
    p = planner.plan(Job("lora", "Llama-2 13B", n_tokens=1e9), "RTX 4090")
    assert (p.n_gpus, p.system) == (2, "Workstation 4x RTX 4090") and "PCIe inside the node" in p.note
    assert planner.plan(Job("pretrain", "Llama-2 7B", n_tokens=1e10), "H100 SXM").note == ""


def test_never_a_system_that_cannot_be_built():
    # Learner review: 64 Jetsons in tensor-parallel groups, 16 T4s in TP-16, 79 H100s. None of them now.
    serve70 = Job("serve", "Llama-2 70B", "fp16", requests_per_s=10)
    jetson = planner.plan(serve70, "Jetson AGX Orin 64GB")
    assert not jetson.fits and "the one GPU of the Jetson AGX Orin 64GB Developer Kit" in jetson.note
    t4 = planner.plan(serve70, "T4")  # 138 GB of fp16 weights: 16 x 16 GB, over PCIe cards: not built
    assert not t4.fits and "needs 16 GPUs, more than one card" in t4.note
    pretrain = planner.plan(Job("pretrain", "Llama-2 7B", n_tokens=1e10), "Jetson AGX Orin 64GB")
    assert not pretrain.fits and "never clustered" in pretrain.note
    # The TPU v5e's 16-chip group stays inside its 256-chip ICI domain: 2 hosts of 8 chips per copy.
    tpu = planner.plan(Job("serve", "Llama-2 70B", requests_per_s=1), "TPU v5e")
    assert tpu.fits and tpu.group == 16 and tpu.n_gpus % 16 == 0


@pytest.mark.parametrize("task", ["pretrain", "lora", "serve"])
def test_every_plan_is_a_count_the_system_sells(task):
    job = Job(task, "Llama-2 13B", n_tokens=3e11, deadline_days=20, requests_per_s=20)
    for p in planner.rank_hardware(job).plans:
        if not p.fits:
            continue
        system = topology.reference_system(p.gpu)
        if system is None:
            assert p.n_gpus == 1 or (task == "serve" and p.group == 1)  # single cards
        elif task != "serve" and p.n_gpus > system.gpus_per_node:
            assert p.n_gpus == p.nodes * system.gpus_per_node and system.clustered  # whole nodes
        elif task != "serve":
            assert system.gpus_per_node % p.n_gpus == 0  # a slice of one node
        else:
            assert p.group <= system.domain_size and p.n_gpus % p.group == 0


def test_systems_can_be_chosen():
    # 8.0861e22 FLOP in 30 days on B200s: 34.66 -> 35 GPUs -> 5 DGX B200 nodes = 40; in a GB200 NVL72 rack, 35 GPUs
    # take a slice of the 72-GPU node that divides it: 36.
    job = Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=30)
    assert planner.plan(job, "B200").n_gpus == 40
    rack = planner.rank_hardware(job, systems={"B200": "GB200 NVL72"}, gpus=["B200"]).ranked[0]
    assert (rack.system, rack.n_gpus, rack.nodes) == ("GB200 NVL72", 36, 1)
    with pytest.raises(ValueError, match="^system: DGX H100 holds H100 SXM, not B200"):
        planner.plan(job, "B200", system="DGX H100")


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["Llama-2 7B", "Llama-2 13B", "Llama-2 70B", "Mixtral 8x7B", "GPT-3 175B"]),
       st.sampled_from(["pretrain", "lora", "serve"]),
       st.sampled_from(["H100 SXM", "A100 SXM 40GB", "RTX 4090", "MI300X", "TPU v5e"]),
       st.floats(0.0, 0.5))
def test_min_gpus_is_the_smallest_count_that_fits(model, task, gpu, overhead):
    job = Job(task, model, n_tokens=1e9, overhead_fraction=overhead)
    n = planner.min_gpus(job, gpu)
    capacity = memory.fit_report(model, gpu)["available_bytes"]

    def need(k):
        return planner.memory_per_gpu(job, gpu, k)

    assert n is not None and need(n) <= capacity
    smaller = [k for k in planner.tensor_parallel_sizes(model) if k < n] if task == "serve" else [n - 1] * (n > 1)
    assert all(need(k) > capacity for k in smaller)


def test_assumptions_are_built_from_the_job_and_the_constants():
    training = planner.assumptions(Job("pretrain", "Llama-2 7B", n_tokens=1e9, mfu=0.35, overhead_fraction=0.2))
    assert "20% on top" in training[0] and "whole nodes" in training[1]
    assert "ZeRO stage 3" in training[2] and "35% MFU" in training[4] and "no deadline" in training[5]
    serving = planner.assumptions(Job("serve", "Llama-2 7B", seq_len=4096))
    assert "inside one link domain" in serving[2] and "4,096 tokens" in serving[3]


# ---------------------------------------------------------------- rent vs buy


def test_break_even_rtx_4090():
    # $1,599 (launch MSRP), 450 W x $0.15/kWh = $0.0675 per hour; rent $0.50/h saves $0.4325 per hour:
    # 1,599 / 0.4325 = 3,697.1 h = 154.05 days at 24 h/day = 5.061 months of 30.44 days; at 8 h/day 15.18 months.
    r = planner.break_even(1599, 450, 0.5, 0.15)
    assert r["electricity_usd_per_hour"] == pytest.approx(0.0675, rel=1e-12)
    assert r["hours"] == pytest.approx(3697.11, rel=1e-6)
    assert r["days"] == pytest.approx(154.046, rel=1e-5)
    assert r["months"] == pytest.approx(5.06107, rel=1e-5)
    assert planner.break_even(1599, 450, 0.5, 0.15, hours_per_day=8)["months"] == pytest.approx(15.1832, rel=1e-5)
    # PUE 1.2: $0.081 per hour -> 1,599 / 0.419 = 3,816.2 h.
    assert planner.break_even(1599, 450, 0.5, 0.15, pue=1.2)["hours"] == pytest.approx(3816.23, rel=1e-6)


def test_cumulative_usd_rtx_4090():
    # One month of 24 h use = 365.25 / 12 x 24 = 730.5 h: buy $1,599 + 730.5 x $0.0675 = $1,648.31; rent
    # 730.5 x $0.50 = $365.25. At 8 h/day a month is 243.5 h: buy $1,615.44, rent $121.75.
    r = planner.cumulative_usd(1599, 450, 0.5, 0.15, [0.0, 1.0])
    assert r["hours"].tolist() == pytest.approx([0.0, 730.5])
    assert r["buy_usd"].tolist() == pytest.approx([1599.0, 1648.30875])
    assert r["rent_usd"].tolist() == pytest.approx([0.0, 365.25])
    eight = planner.cumulative_usd(1599, 450, 0.5, 0.15, 1.0, hours_per_day=8)
    assert (float(eight["buy_usd"]), float(eight["rent_usd"])) == pytest.approx((1615.43625, 121.75))
    # At the break-even (5.061 months) the two lines meet: 3,697.1 h x $0.50 = $1,848.55 both ways.
    meet = planner.cumulative_usd(1599, 450, 0.5, 0.15, planner.break_even(1599, 450, 0.5, 0.15)["months"])
    assert float(meet["buy_usd"]) == pytest.approx(float(meet["rent_usd"]), rel=1e-12)
    assert float(meet["rent_usd"]) == pytest.approx(1848.55, rel=1e-5)
    assert planner.break_even(1599, 450, 0.5, 0.15)["net_usd_per_hour"] == pytest.approx(0.4325, rel=1e-12)


def test_break_even_never_when_rent_is_below_electricity():
    assert planner.break_even(1599, 450, 0.05, 0.15)["hours"] == math.inf  # $0.05 < $0.0675
    assert planner.break_even(0, 450, 0.5, 0.15)["hours"] == 0.0


@given(st.floats(1, 1e5), st.floats(10, 2000), st.floats(0.01, 10), st.floats(0, 1))
def test_break_even_costs_are_equal_there(purchase, watts, rent, usd_per_kwh):
    r = planner.break_even(purchase, watts, rent, usd_per_kwh)
    if math.isfinite(r["hours"]):
        # owning: purchase + W/1000 kW x h x price; renting: rent x h
        own = purchase + watts / 1000 * r["hours"] * usd_per_kwh
        assert own == pytest.approx(rent * r["hours"], rel=1e-9)
    else:
        assert rent <= watts / 1000 * usd_per_kwh * (1 + 1e-12)


# ---------------------------------------------------------------- bad input


def _job(**changes):
    return Job(**{"task": "pretrain", "model": "Llama-2 7B", "n_tokens": 1e9, **changes})


@pytest.mark.parametrize("call, name", [
    (lambda: _job(task="pretrian"), "task"),
    (lambda: _job(model="Llama-9 7B"), "model"),
    (lambda: _job(precision="fp32"), "precision"),
    (lambda: _job(n_tokens=None), "n_tokens"),
    (lambda: _job(n_tokens=-1.0), "n_tokens"),
    (lambda: _job(n_tokens=1e300), "n_tokens"),
    (lambda: _job(model="GPT-2 small", seq_len=2048), "seq_len"),
    (lambda: _job(mfu=0.0), "mfu"),
    (lambda: _job(deadline_days=-1), "deadline_days"),
    (lambda: _job(budget_usd=-5), "budget_usd"),
    (lambda: _job(budget_usd=1e300), "budget_usd"),
    (lambda: _job(pue=0.9), "pue"),
    (lambda: _job(checkpointing="some"), "checkpointing"),
    (lambda: _job(overhead_fraction=-0.1), "overhead_fraction"),
    (lambda: _job(batch=1.5), "batch"),
    (lambda: _job(batch=True), "batch"),
    # Reliability review D8: parameters the task does not use are validated too.
    (lambda: _job(requests_per_s=-1), "requests_per_s"),
    (lambda: _job(tokens_per_request=0), "tokens_per_request"),
    (lambda: _job(serve_days=math.nan), "serve_days"),
    (lambda: _job(decode_efficiency=1.5), "decode_efficiency"),
    (lambda: _job(task="serve", n_tokens=-5), "n_tokens"),
    (lambda: _job(task="serve", deadline_days=math.nan), "deadline_days"),
    (lambda: _job(task="serve", mfu=2.0), "mfu"),
    (lambda: _job(task="serve", requests_per_s=math.nan), "requests_per_s"),
    (lambda: _job(task="serve", tokens_per_request=1e308), "tokens_per_request"),
    (lambda: planner.rank_hardware(_job(), rank_by="speed"), "rank_by"),
    (lambda: planner.rank_hardware(_job(), {"H100": -2.0}), "usd_per_gpu_hour for H100 SXM"),
    (lambda: planner.rank_hardware(_job(), {"H100": math.nan}), "usd_per_gpu_hour for H100 SXM"),
    (lambda: planner.rank_hardware(_job(), 2.0), "usd_per_gpu_hour"),
    (lambda: planner.rank_hardware(_job(), {"H1000": 2.0}), "gpu name"),
    (lambda: planner.rank_hardware(_job(), gpus=["A100", "B300"]), "gpus"),
    (lambda: planner.plan(_job(), "H100", -1.0), "usd_per_gpu_hour for H100 SXM"),
    (lambda: planner.replica_throughput(_job(task="serve", model="Llama-2 70B"), "H100", 1), "n_gpus"),
    (lambda: planner.replica_throughput(_job(task="serve"), "H100", 1e30), "n_gpus"),
    (lambda: planner.replica_throughput(_job(), "H100", 1), "job"),
    (lambda: planner.task_flops(_job(task="serve")), "task"),
    (lambda: planner.break_even(-1, 450, 0.5, 0.15), "purchase_usd"),
    (lambda: planner.break_even(1599, None, 0.5, 0.15), "power_w"),
    (lambda: planner.break_even(1599, 450, -0.5, 0.15), "rent_usd_per_hour"),
    (lambda: planner.break_even(1599, 450, 0.5, math.inf), "usd_per_kwh"),
    (lambda: planner.break_even(1599, 450, 0.5, 0.15, hours_per_day=25), "hours_per_day"),
    (lambda: planner.cumulative_usd(1599, 450, 0.5, 0.15, [1.0, -1.0]), "months"),
    (lambda: planner.cumulative_usd(1599, 450, 0.5, 0.15, math.nan), "months"),
    (lambda: planner.cumulative_usd(1599, -450, 0.5, 0.15, 1.0), "power_w"),
])
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises((ValueError, TypeError)) as error:
        call()
    assert str(error.value).startswith(name)


def test_unknown_task_lists_close_matches_and_a_job_is_required():
    with pytest.raises(ValueError, match="did you mean 'pretrain'"):
        Job("pretrian", "Llama-2 7B", n_tokens=1e9)
    with pytest.raises(TypeError, match="^job must be a planner.Job"):
        planner.plan("pretrain", "H100")
    with pytest.raises(TypeError, match="^job must be a planner.Job"):
        planner.replica_throughput("Llama-2 7B", "H100", 1)


def test_a_job_is_frozen_and_stored_resolved():
    job = Job("Pretrain", "llama-2-7b", "BF16", n_tokens=1e9)
    assert (job.task, job.model.name, job.precision) == ("pretrain", "Llama-2 7B", "bf16")
    with pytest.raises(AttributeError):
        job.mfu = 0.5
