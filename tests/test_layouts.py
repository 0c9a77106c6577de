"""course_lib.layouts and course_lib.published_layouts against hand derivations and published runs."""

import math

import pytest

from course_lib import layouts, models, published_layouts, topology
from course_lib.layouts import Layout, ModelShape

# A small made-up dense model whose numbers are easy to follow by hand: 8 layers, width 4096, 32 heads.
TOY = ModelShape("toy 8B", n_params=8e9, active_params=8e9, n_layers=8, d_model=4096, n_heads=32, kv_width=2 * 4096,
                 attention_width=4096)
H100 = 989.5e12  # dense bf16 FLOP/s of the catalog's H100 SXM (datasheet 1,979 sparse / 2)


def _eval(layout, model=TOY, system="DGX H100", seq_len=2048, global_batch=64, **kw):
    kw.setdefault("overhead_fraction", 0.0)
    return layouts.evaluate(model, system, layout, seq_len, global_batch, **kw)


# -------------------------------------------------------------------------- model shapes


def test_model_shape_of_a_dense_preset():
    shape = layouts.model_shape("Llama-2 7B")
    assert shape.n_params == shape.active_params == 6_738_415_616  # the preset's exact count
    assert (shape.expert_params, shape.n_experts, shape.moe_layers) == (0, 1, 0)
    # K and V of 32 heads x 128 per layer; attention width 32 heads x (128 + 128) / 2 = 4096 = d_model
    assert (shape.n_layers, shape.d_model, shape.n_heads, shape.kv_width, shape.attention_width) == \
        (32, 4096, 32, 2 * 4096, 4096)


def test_model_shape_of_mixtral_counts_all_experts():
    # Mixtral 8x7B: 32 layers x 8 experts x 3 matrices of 4096 x 14336 = 45.1e9 routed-expert parameters
    shape = layouts.model_shape("Mixtral 8x7B")
    assert shape.expert_params == 32 * 8 * 3 * 4096 * 14336
    assert (shape.n_experts, shape.experts_per_token, shape.moe_layers) == (8, 2, 32)
    assert shape.kv_width == 2 * 8 * 128  # grouped-query attention: K and V of 8 heads x 128


def test_model_shape_of_llama_3_405b():
    # Llama 3 405B (Llama 3 paper, Table 3) = the Llama-3.1 405B config: 126 layers, d 16384, 128 heads of 128,
    # 8 K/V heads, SwiGLU 53248, untied 128256-token vocabulary. Per layer 2 d^2 + 2 d 1024 (attention)
    # + 3 d 53248 (MLP) + 2 d (norms) = 570,425,344 + 2,617,245,696 + 32,768 = 3,187,703,808; x 126
    # = 401,650,679,808, + 2 x 128256 x 16384 = 4,202,692,608 (embedding, head) + 16,384 (final norm).
    shape = published_layouts.LLAMA3_405B
    assert shape == layouts.model_shape("Llama-3.1 405B")
    assert shape.n_params == shape.active_params == 401_650_679_808 + 4_202_692_608 + 16_384 == 405_853_388_800
    assert (shape.n_layers, shape.d_model, shape.n_heads) == (126, 16384, 128)
    assert shape.kv_width == 2 * 8 * 128                  # K and V of the 8 key/value heads
    assert shape.attention_width == 128 * (128 + 128) // 2 == 16384
    assert (shape.expert_params, shape.n_experts, shape.moe_layers) == (0, 1, 0)


def test_model_shape_of_deepseek_v3():
    # DeepSeek-V3 config.json: 61 layers, the first 3 dense, so 58 MoE layers of 256 routed experts, each
    # 3 matrices of 7168 x 2048: 58 x 256 x 44,040,192 = 653,908,770,816 routed parameters. The shared expert
    # (58 x 44,040,192 = 2,554,331,136), routers, attention, the dense layers and embeddings stay dense:
    # 671,026,419,200 - 653,908,770,816 = 17,117,648,384. Active: total - 58 x (256 - 8) x 44,040,192
    # = 671,026,419,200 - 633,474,121,728 = 37,552,297,472 (totals: tests/test_models_serving.py).
    shape = published_layouts.DEEPSEEK_V3
    assert shape == layouts.model_shape("DeepSeek-V3")
    assert shape.n_params == 671_026_419_200
    assert shape.expert_params == 58 * 256 * 3 * 7168 * 2048 == 653_908_770_816
    assert shape.dense_params == 17_117_648_384 > 58 * 3 * 7168 * 2048  # the shared experts are in it
    assert shape.active_params == 671_026_419_200 - 58 * 248 * 3 * 7168 * 2048 == 37_552_297_472
    assert (shape.n_experts, shape.experts_per_token, shape.moe_layers) == (256, 8, 61 - 3)
    # MLA caches one 512-wide latent and one 64-wide rotary key per token and layer; attention runs 128 heads
    # with 192-wide queries/keys (128 + 64) and 128-wide values: width 128 x (192 + 128) / 2
    assert shape.kv_width == 512 + 64
    assert shape.attention_width == 128 * (192 + 128) // 2 == 20480


def test_model_shape_of_an_moe_config_with_only_dense_layers():
    # experts declared but every layer dense (n_dense_layers = n_layers): no routed experts to shard
    config = models.ModelConfig("all dense", vocab_size=100, d_model=64, n_layers=2, n_heads=4, n_kv_heads=4,
                                d_ff=256, gated_mlp=True, tied_embeddings=True, learned_positions=False,
                                max_seq_len=128, n_experts=8, experts_per_token=2, n_dense_layers=2)
    shape = layouts.model_shape(config)
    assert (shape.expert_params, shape.n_experts, shape.moe_layers) == (0, 1, 0)
    assert shape.n_params == config.param_count()


def test_model_shape_validation():
    with pytest.raises(ValueError, match="^n_layers"):
        ModelShape("x", 1e9, 1e9, 0, 64, 1, 64, 64)
    with pytest.raises(ValueError, match="^n_experts"):
        ModelShape("x", 1e9, 1e9, 2, 64, 1, 64, 64, n_experts=8)  # experts without expert parameters
    with pytest.raises(ValueError, match="^n_params"):
        ModelShape("x", 1e9, 2e9, 2, 64, 1, 64, 64)  # more active than total


# -------------------------------------------------------------------------- memory per GPU


def test_zero_stages_on_pure_data_parallel():
    # 8B parameters, 8 GPUs of one DGX H100, DP 8: 2 + 2 + 12 bytes per parameter, sharded by stage
    # (ZeRO paper): stage 0 weights 16 GB, grads 16 GB, optimizer 96 GB; stage 3 everything / 8.
    full = {"weights": 16e9, "gradients": 16e9, "optimizer_states": 96e9}
    for stage, shard in ((0, ()), (1, ("optimizer_states",)), (2, ("optimizer_states", "gradients")),
                         (3, ("optimizer_states", "gradients", "weights"))):
        m = _eval(Layout(dp=8, zero_stage=stage, recompute="full"), global_batch=8).memory
        for part, value in full.items():
            assert getattr(m, part) == pytest.approx(value / 8 if part in shard else value), (stage, part)


def test_tensor_and_pipeline_split_the_weights():
    # TP 2 x PP 4 = 8 GPUs, no DP: each GPU holds 8e9 / 8 = 1e9 parameters: 2 GB weights, 12 GB optimizer
    m = _eval(Layout(tp=2, pp=4, zero_stage=0, recompute="full"), global_batch=8).memory
    assert (m.weights, m.gradients, m.optimizer_states) == pytest.approx((2e9, 2e9, 12e9))


def test_activations_in_flight_per_schedule():
    # full recomputation keeps 2 s b h bytes per layer (Korthikanti et al. Table 2): 2 x 2048 x 1 x 4096 =
    # 16.8 MB per layer; PP 4 puts 2 layers on a stage; 16 micro-batches per pipeline (batch 64 / DP 1 / mb 4 ...)
    per_layer = 2 * 2048 * 1 * 4096
    stage = 2 * per_layer
    m = 64  # micro-batches per pipeline: global batch 64 / (dp 1 x micro-batch 1)
    cases = {"gpipe": m, "1f1b": 4, "zb-h1": 4, "zb-h2": 2 * 4 - 1, "dualpipe": 4 + 1}
    for schedule, in_flight in cases.items():
        r = _eval(Layout(tp=2, pp=4, zero_stage=0, recompute="full", schedule=schedule, sequence_parallel=False))
        assert r.memory.activations == pytest.approx(stage * in_flight), schedule
    # interleaved with v chunks: 1F1B's p micro-batches x (1 + (p-1)/(p v)) = 4 x (1 + 3/8) = 5.5
    r = _eval(Layout(tp=2, pp=4, zero_stage=0, recompute="full", schedule="interleaved", virtual_stages=2,
                     sequence_parallel=False))
    assert r.memory.activations == pytest.approx(stage * 5.5)


def test_overhead_is_added_on_top():
    plain = _eval(Layout(dp=8, zero_stage=3), global_batch=8).memory
    padded = _eval(Layout(dp=8, zero_stage=3), global_batch=8, overhead_fraction=0.1).memory
    assert padded.total == pytest.approx(1.1 * plain.total) and padded.overhead == pytest.approx(0.1 * plain.total)
    assert plain.capacity == 80e9


def test_busiest_stage_sets_memory_and_time():
    # 126 layers on 16 stages: the busiest holds ceil(126/16) = 8 layers, 8 x 16 / 126 = 1.016 of an even share
    shape = ModelShape("126 layers", 126e9, 126e9, 126, 4096, 32, 4096, 4096)
    even = 126e9 / (8 * 16)
    r = _eval(Layout(tp=8, pp=16, dp=1, zero_stage=0, recompute="full"), model=shape, global_batch=64)
    assert r.memory.weights == pytest.approx(2 * even * 8 * 16 / 126)


# -------------------------------------------------------------------------- time per step


def test_compute_time_and_mfu_by_hand():
    # one GPU (a DGX H100 node used partly), 64 sequences of 2048 tokens: 131,072 tokens
    # model FLOP = 6 x 8e9 x 131072 + 3 x (4 x 8 layers x 1024 keys x 4096) x 131072 = 6.291e15 + 1.649e13
    tokens = 64 * 2048
    model_flops = 6 * 8e9 * tokens + 3 * 4 * 8 * 1024 * 4096 * tokens
    r = _eval(Layout(recompute="none"), compute_efficiency=0.5)
    assert r.model_flops_per_step == pytest.approx(model_flops)
    assert r.time.compute == pytest.approx(model_flops / (H100 * 0.5))
    assert r.time.total == r.time.compute  # nothing else on one GPU
    assert r.mfu == pytest.approx(0.5)
    # full recomputation runs the forward pass again: 4/3 of the model FLOP, and MFU drops to 0.375
    full = _eval(Layout(recompute="full"), compute_efficiency=0.5)
    assert full.time.compute == pytest.approx(model_flops * 4 / 3 / (H100 * 0.5))
    assert full.mfu == pytest.approx(0.375)


def test_pipeline_bubble_by_hand():
    # PP 4 on one node, 16 micro-batches: 1F1B idles (p-1) = 3 micro-batch times, each compute / 16
    r = _eval(Layout(pp=4, zero_stage=0, recompute="none"), global_batch=16)
    per_mb = r.time.compute / 16
    assert r.time.bubble == pytest.approx(3 * per_mb)
    # the bubble's share of compute + bubble is the textbook (p-1)/(m+p-1) = 3/19
    assert r.time.bubble / (r.time.compute + r.time.bubble) == pytest.approx(3 / 19)
    for schedule, v, slots in (("gpipe", 1, 3), ("interleaved", 2, 1.5), ("zb-h1", 1, 1.0), ("zb-h2", 1, 0.0)):
        other = _eval(Layout(pp=4, zero_stage=0, recompute="none", schedule=schedule, virtual_stages=v),
                      global_batch=16)
        assert other.time.bubble == pytest.approx(slots * per_mb), schedule


def test_tensor_parallel_all_reduces_by_hand():
    # TP 8 inside a DGX H100: per layer and micro-batch 4 all-reduces of 2048 x 1 x 4096 x 2 bytes = 16.8 MB,
    # each 2 x 7/8 x 16.8 MB / 450 GB/s; 8 layers, 64 micro-batches
    buffer = 2048 * 4096 * 2
    one = 2 * 7 / 8 * buffer / 450e9
    r = _eval(Layout(tp=8, zero_stage=0, recompute="none"))
    assert r.time.tensor_parallel == pytest.approx(4 * 8 * 64 * one)
    assert any("TP 8: inside one 8-GPU domain" in note for note in r.notes)
    # TP 16 spans two nodes: the same all-reduce now crosses InfiniBand (hierarchical) and says so
    # (hierarchical: + 2 x 1/2 x 16.8 MB / 8 / 50 GB/s per all-reduce)
    wide = _eval(Layout(tp=16, zero_stage=0, recompute="none"), global_batch=64)
    assert wide.time.tensor_parallel == pytest.approx(4 * 8 * 64 * (one + buffer / 8 / 50e9))
    assert any("TP 16: crosses 2 domains" in note for note in wide.notes)


def test_data_parallel_all_reduce_and_overlap():
    # DP 16 over 2 DGX H100 nodes, ZeRO-1: one all-reduce of 8e9 bf16 gradients (16 GB) per step:
    # 2 x 7/8 x 16 GB / 450 GB/s + 2 x 1/2 x 2 GB / 50 GB/s = 62.2 ms + 40 ms
    r = _eval(Layout(dp=16, zero_stage=1, recompute="none"), global_batch=64, dp_overlap=0.0)
    assert r.time.data_parallel == pytest.approx(2 * 7 / 8 * 16e9 / 450e9 + 2e9 / 50e9)
    assert r.time.data_parallel_hidden == 0
    hidden = _eval(Layout(dp=16, zero_stage=1, recompute="none"), global_batch=64, dp_overlap=1.0)
    assert hidden.time.data_parallel_hidden == pytest.approx(min(hidden.time.data_parallel, 2 / 3 * hidden.time.compute))
    # ZeRO-3 (FSDP) gathers the weights twice and reduce-scatters the gradients for each of the 4 micro-batches
    fsdp = _eval(Layout(dp=16, zero_stage=3, recompute="none"), global_batch=64, dp_overlap=0.0)
    rs = 7 / 8 * 16e9 / 450e9 + 1 / 2 * 2e9 / 50e9
    assert fsdp.microbatches == 4 and fsdp.time.data_parallel == pytest.approx(4 * 3 * rs)


def test_expert_parallel_all_to_all_by_hand():
    # Mixtral 8x7B, EP 8 inside one DGX H100, DP 8: per MoE layer and micro-batch 4 all-to-alls of
    # 4096 tokens x 2 experts x 4096 x 2 bytes = 67.1 MB, each 7/8 of it over 450 GB/s; 32 layers, 2 micro-batches
    send = 4096 * 2 * 4096 * 2
    r = _eval(Layout(dp=8, ep=8, zero_stage=3, recompute="full"), model="Mixtral 8x7B", seq_len=4096,
              global_batch=16)
    assert r.microbatches == 2
    assert r.time.expert_parallel == pytest.approx(32 * 2 * 6 * 7 / 8 * send / 450e9)  # 6 with full recomputation
    assert r.time.expert_parallel_hidden == 0  # ep_overlap defaults to 0


def test_context_parallel_gathers_keys_and_values():
    # CP 2 inside a node: per layer and micro-batch all-gather K and V (2 x 2048 x 4096 x 2 bytes) and
    # reduce-scatter their gradients: each 1/2 x 33.6 MB / 450 GB/s
    kv = 2 * 2048 * 4096 * 2
    r = _eval(Layout(cp=2, zero_stage=0, recompute="none"), global_batch=64)
    assert r.time.context_parallel == pytest.approx(8 * 64 * 2 * (1 / 2) * kv / 450e9)


def test_context_parallel_gathers_the_latent_of_mla():
    # DeepSeek-V3 on two HGX H800 servers, CP 2 x DP 8 (EP 8, TP 1, PP 1): each CP pair sits in one server (CP is
    # innermost after TP). Per layer and micro-batch the all-gather
    # of the MLA latent, 4096 tokens x (512 + 64) x 2 bytes = 4,718,592 B (not K and V of 128 heads), and the
    # reduce-scatter of its gradient, each 1/2 x 4,718,592 B over NVLink at 200 GB/s (H800: 400 GB/s both ways);
    # 61 layers, 8 / 8 = 1 micro-batch
    latent = 4096 * (512 + 64) * 2
    r = layouts.evaluate("DeepSeek-V3", "HGX H800 8-GPU", Layout(dp=8, cp=2, ep=8, zero_stage=3), 4096, 8)
    assert r.microbatches == 1 and r.n_gpus == 16
    assert r.time.context_parallel == pytest.approx(61 * 1 * 2 * (1 / 2) * latent / 200e9)


# -------------------------------------------------------------------------- what cannot be built


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(layout=Layout(tp=3)), "tp"),  # 3 does not divide 32 heads
        (dict(layout=Layout(pp=16)), "pp"),  # 16 stages for 8 layers
        (dict(layout=Layout(dp=12), global_batch=12), "layout"),  # 12 GPUs are not whole 8-GPU nodes
        (dict(layout=Layout(dp=2), system="jetson", global_batch=2), "n_gpus"),  # edge modules are never clustered
        (dict(layout=Layout(dp=8, ep=8), global_batch=8), "ep"),  # a dense model has no experts
        (dict(layout=Layout(dp=8), global_batch=12), "global_batch"),
        (dict(layout=Layout(cp=3), seq_len=2048), "cp"),
        (dict(layout=Layout(dp=8), compute_efficiency=1.5), "compute_efficiency"),
        (dict(layout=Layout(), system="DGX H10"), "system"),
        (dict(layout=Layout(), seq_len=0), "seq_len"),
    ],
)
def test_layouts_that_cannot_run(kwargs, name):
    kwargs = {"model": TOY, "system": "DGX H100", "seq_len": 2048, "global_batch": 64, **kwargs}
    with pytest.raises(ValueError, match=f"^{name}"):
        layouts.evaluate(**kwargs)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(tp=0), "tp"), (dict(zero_stage=4), "zero_stage"), (dict(schedule="pipedream"), "schedule"),
        (dict(recompute="some"), "recompute"), (dict(dp=4, ep=3), "ep"), (dict(sequence_parallel=1), "sequence_parallel"),
        (dict(schedule="interleaved"), "virtual_stages"), (dict(virtual_stages=2), "virtual_stages"),
    ],
)
def test_layout_validation(kwargs, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        Layout(**kwargs)


def test_layout_label_and_gpu_count():
    layout = Layout(tp=8, pp=16, dp=8, cp=16, zero_stage=2, schedule="interleaved", virtual_stages=4)
    assert layout.n_gpus == 16384
    assert layout.label == "TP8 PP16 DP8 CP16 ZeRO-2 mb1 interleaved v4 selective"
    with pytest.raises(TypeError, match="^layout"):
        layouts.evaluate(TOY, "DGX H100", "TP8", 2048, 64)


# -------------------------------------------------------------------------- the search


def test_search_ranks_feasible_layouts_and_counts_the_rest():
    found = layouts.search("Llama-2 70B", "DGX H100", 64, 4096, 512)
    times = [r.time.total for r in found.feasible]
    assert times == sorted(times) and found.best is found.feasible[0]
    assert all(r.fits and r.n_gpus == 64 for r in found.feasible)
    assert found.n_candidates == len(found.feasible) + found.n_out_of_memory + found.n_invalid
    assert found.n_feasible == len(found.feasible)
    # TP never leaves the NVLink domain by default, and TP 8 x PP 8 (a layout people use) is among them
    assert all(r.layout.tp <= 8 for r in found.feasible)
    assert any((r.layout.tp, r.layout.pp) == (8, 8) for r in found.feasible)
    # plain data parallelism cannot hold 70B x 16 bytes without ZeRO-3: it is never feasible with ZeRO-1
    assert not any(r.layout.dp == 64 and r.layout.zero_stage == 1 for r in found.feasible)


def test_search_on_a_workstation_and_an_edge_module():
    # Llama-2 7B needs 16 x 6.74e9 / 4 = 27 GB of state per card even with ZeRO-3: no layout fits 24 GB
    assert not layouts.search("Llama-2 7B", "Workstation 4x RTX 4090", 4, 2048, 32, zero_stages=(3,)).feasible
    found = layouts.search("GPT-3 2.7B", "Workstation 4x RTX 4090", 4, 2048, 32, zero_stages=(3,))
    assert found.feasible and all(r.n_nodes == 1 for r in found.feasible)
    with pytest.raises(ValueError, match="^n_gpus"):
        layouts.search("Llama-2 7B", "Workstation 4x RTX 4090", 8, 2048, 32)  # never clustered
    with pytest.raises(ValueError, match="^n_gpus"):
        layouts.search("Llama-2 7B", "DGX H100", 12, 2048, 32)  # not whole nodes


def test_search_limit_and_moe():
    found = layouts.search("Mixtral 8x7B", "DGX H100", 16, 4096, 64, limit=5)
    assert len(found.feasible) == 5 < found.n_feasible
    assert any(r.layout.ep > 1 for r in layouts.search("Mixtral 8x7B", "DGX H100", 16, 4096, 64).feasible)


# -------------------------------------------------------------------------- published runs


@pytest.mark.parametrize("run", published_layouts.PUBLISHED_LAYOUTS, ids=lambda p: p.key)
def test_published_layouts_within_the_stated_tolerance(run):
    assert abs(run.difference()) <= published_layouts.TOLERANCE, (run.key, run.difference())
    assert run.source and run.explanation and run.assumptions
    implied = run.implied_efficiency()
    assert 0.3 < implied <= 1.0
    # at the implied efficiency the estimate reproduces the published number
    assert run.predicted(implied) == pytest.approx(run.published, rel=1e-3)


def test_published_layout_numbers_as_the_papers_print_them():
    gpt3 = published_layouts.get_published("megatron-gpt3")
    assert gpt3.layout.n_gpus == 1536 and gpt3.layout.tp * gpt3.layout.pp == 96  # model-parallel size 96
    llama = [published_layouts.get_published(k) for k in ("llama3-8k-8192", "llama3-8k-16384", "llama3-128k-16384")]
    assert [p.layout.n_gpus for p in llama] == [8192, 16384, 16384]
    assert [p.global_batch * p.seq_len for p in llama] == [2**24] * 3  # 16M tokens per batch (Table 4)
    ds = published_layouts.get_published("deepseek-v3")
    assert ds.layout.n_gpus == 2048 and ds.layout.tp == 1 and ds.layout.ep == 64
    assert published_layouts.DEEPSEEK_V3.expert_params / 1e9 == pytest.approx(653.9, abs=0.05)
    assert topology.nodes_for(ds.layout.n_gpus, ds.system) == 256
    glm = published_layouts.get_published("glm-130b")
    assert glm.layout.n_gpus == 768 and topology.nodes_for(768, glm.system) == 96  # 96 DGX-A100
    with pytest.raises(ValueError, match="^key"):
        published_layouts.get_published("gpt-4")


def test_megatron_conversion_by_hand():
    # teraFLOP/s per GPU = 96 B s l h^2 (1 + s/6h + V/16lh) / (GPUs x step time) with B = 1536, s = 2048, l = 96,
    # h = 12288, V = 50257 (Narayanan et al. 2021, Section 5.1)
    gpt3 = published_layouts.get_published("megatron-gpt3")
    r = gpt3.result()
    b, s, layers, h, v = 1536, 2048, 96, 12288, 50257
    flops = 96 * b * s * layers * h**2 * (1 + s / (6 * h) + v / (16 * layers * h))
    assert gpt3.predicted() == pytest.approx(flops / (1536 * r.time.total) / 1e12)


def test_deepseek_compute_to_all_to_all_is_about_one_to_one():
    # DeepSeek-V3 Section 3.2.1: cross-node expert parallelism makes computation : communication about 1:1
    r = published_layouts.get_published("deepseek-v3").result()
    assert 0.7 < r.time.expert_parallel / r.time.compute < 1.4


def test_glm_130b_fits_40gb_cards():
    # the source-article myth "a 130B model needs 80 GB cards": GLM-130B's layout fits A100 40GB
    r = published_layouts.get_published("glm-130b").result()
    assert r.fits and r.memory.capacity == 40e9 and r.memory.total < 30e9
    padded = layouts.evaluate(published_layouts.GLM_130B, "DGX A100 (40GB)", r.layout, 2048, 4224)
    assert padded.fits  # with the usual 10 % overhead as well


def test_alpaca_finetune_fits_four_a100():
    r = published_layouts.alpaca_finetune()
    assert r.fits and r.n_gpus == 4 and r.n_nodes == 1
    # ZeRO-3 over 4: 16 bytes x 6.74e9 / 4 = 27.0 GB of state, plus activations of 4 x 512 tokens
    assert r.memory.weights + r.memory.gradients + r.memory.optimizer_states == pytest.approx(16 * 6_738_415_616 / 4)
    assert math.isclose(r.memory.total, 1.1 * (27e9 + r.memory.activations), rel_tol=0.01)


def test_dp_speedup_on_a_system_by_hand():
    # Llama-2 7B (6,738,415,616 parameters), 8 A100s in one DGX A100, 4096 tokens per GPU at 40 % MFU:
    # compute 6 x 6.738e9 x 4096 / (312e12 x 0.4) = 1.3270 s; all-reduce 2 x 7/8 x 13.477e9 B / 300e9 = 78.6 ms;
    # speed-up 8 x 1.3270 / 1.4056 = 7.5525
    r = layouts.dp_speedup("Llama-2 7B", "DGX A100 (80GB)", 8, 4096, 0.4)
    assert r["communication"] == pytest.approx(2 * 7 / 8 * 2 * 6_738_415_616 / 300e9)
    assert r["speedup"] == pytest.approx(7.5525, rel=1e-4)
    # 16 GPUs: + 2 x 1/2 x 13.477e9 / 8 / 25e9 over InfiniBand HDR
    r16 = layouts.dp_speedup("Llama-2 7B", "DGX A100 (80GB)", 16, 4096, 0.4)
    assert r16["communication"] == pytest.approx(2 * 7 / 8 * 13.476831232e9 / 300e9 + 13.476831232e9 / 8 / 25e9)
    assert "crosses 2 domains" in r16["note"]
    assert layouts.dp_speedup("Llama-2 7B", "DGX A100 (80GB)", 1, 4096, 0.4)["speedup"] == 1
