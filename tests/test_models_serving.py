"""Serving-related model presets and fields: DeepSeek-V3 (MLA, shared experts, dense first layers),
Llama-3.1 405B, Mistral's sliding window. Counts derived by hand from the published config files."""

import dataclasses

import pytest

from course_lib import models


def test_llama31_405b_by_hand():
    # config.json (meta-llama/Llama-3.1-405B; Llama 3 paper, arXiv:2407.21783, Table 3): d 16384, 126 layers,
    # 128 heads of 128, 8 KV heads (kv width 1024), FFN 53248, vocab 128256, untied head.
    attention = 2 * 16384 * 16384 + 2 * 16384 * 1024          # q, o + k, v = 570,425,344
    mlp = 3 * 16384 * 53248                                     # gate, up, down = 2,617,245,696
    layer = attention + mlp + 2 * 16384                         # + two RMSNorms
    expected = 126 * layer + 2 * 128256 * 16384 + 16384         # + embedding, head, final norm
    assert expected == 405_853_388_800  # "405B"
    m = models.get_model("Llama-3.1 405B")
    assert m.param_count() == m.active_param_count() == expected
    assert m.kv_values_per_token == 2 * 126 * 8 * 128          # 258,048 values: 504 KiB per token in 16-bit


def test_deepseek_v3_by_hand():
    # inference/configs/config_671B.json (deepseek-ai/DeepSeek-V3): dim 7168, 61 layers (3 dense, inter_dim
    # 18432), 128 heads, q_lora_rank 1536, kv_lora_rank 512, qk_nope 128, qk_rope 64, v 128; 256 routed
    # experts of 2048 (8 per token) + 1 shared; vocab 129280; router weight 256 x 7168 and bias 256.
    d = 7168
    q = d * 1536 + 1536 + 1536 * 128 * (128 + 64)                          # wq_a, q_norm, wq_b
    kv = d * (512 + 64) + 512 + 512 * 128 * (128 + 128)                     # wkv_a, kv_norm, wkv_b
    o = 128 * 128 * d                                                       # wo
    attention = q + kv + o
    assert attention == 187_107_328
    expert = 3 * d * 2048
    norms = 2 * d
    dense_layer = attention + 3 * d * 18432 + norms
    moe_layer_all = attention + (256 + 1) * expert + 256 * d + 256 + norms
    moe_layer_active = attention + (8 + 1) * expert + 256 * d + 256 + norms
    head_and_embedding = 2 * 129280 * d
    total = head_and_embedding + 3 * dense_layer + 58 * moe_layer_all + d
    active = head_and_embedding + 3 * dense_layer + 58 * moe_layer_active + d
    m = models.get_model("DeepSeek-V3")
    assert m.param_count() == total == 671_026_419_200     # README: "671B total parameters"
    assert m.active_param_count() == active == 37_552_297_472
    # README_WEIGHTS.md: "36.7B activated (including 0.9B embedding and 0.9B output head)"; the paper's "37B".
    # Without the input embedding (a table lookup, not a matmul) the count is 36.6B:
    assert round((active - 129280 * d) / 1e9, 1) == 36.6
    # MLA caches one 512-wide latent plus one 64-wide rotary key per layer: 61 x 576 = 35,136 values per token
    assert m.kv_values_per_token == 61 * (512 + 64) and m.is_mla
    assert (m.qk_head_dim, m.value_head_dim, m.n_moe_layers, m.expert_d_ff) == (192, 128, 58, 2048)


def test_mistral_sliding_window_from_config():
    # mistralai/Mistral-7B-v0.1 config.json: "sliding_window": 4096
    assert models.get_model("Mistral 7B").sliding_window == 4096
    assert models.get_model("Llama-2 7B").sliding_window == 0


def test_dense_models_keep_their_counts_with_the_new_fields():
    llama = models.get_model("Llama-2 7B")
    assert not llama.is_mla and llama.n_moe_layers == 0 and llama.expert_d_ff == llama.d_ff
    assert (llama.qk_head_dim, llama.value_head_dim) == (128, 128)
    assert models.get_model("Mixtral 8x7B").n_moe_layers == 32


@pytest.mark.parametrize("changes, message", [
    ({"kv_lora_rank": 512}, "kv_lora_rank"),
    ({"sliding_window": -1}, "sliding_window"),
    ({"n_dense_layers": 40}, "n_dense_layers"),
    ({"moe_d_ff": 1.5}, "moe_d_ff"),
])
def test_invalid_serving_fields(changes, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(models.get_model("Llama-2 7B"), **changes)


def test_alias():
    assert models.get_model("deepseek").name == "DeepSeek-V3"
    assert models.get_model("llama-3.1-405b").name == "Llama-3.1 405B"
