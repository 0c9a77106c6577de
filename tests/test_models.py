"""Model presets: parameter counts against published exact counts, lookups and validation."""

import dataclasses

import numpy as np
import pytest

from course_lib import models
from course_lib.models import ModelConfig, get_model

# Published exact parameter counts of the released checkpoints, written out here (never computed by
# course_lib). Sources:
#  [keras] KerasHub preset metadata "params" (keras-team/keras-hub, keras_hub/src/models/<family>/<family>_presets.py)
#  [hf]    Hugging Face safetensors total of the checkpoint (index "total_size" / 2 bytes for fp16/bf16),
#          as reported by the Hub API ("safetensors": {"total": ...}) and quoted in papers and tools
#  [card]  model card
PUBLISHED_COUNTS = {
    "GPT-2 small": 124_439_808,      # [keras] gpt2_base_en
    "GPT-2 medium": 354_823_168,     # [keras] gpt2_medium_en
    "GPT-2 large": 774_030_080,      # [keras] gpt2_large_en
    "GPT-2 XL": 1_557_611_200,       # [keras] gpt2_extra_large_en
    "BLOOM 176B": 176_247_271_424,   # [card] huggingface.co/bigscience/bloom: "176,247,271,424 parameters"
    "Llama-2 7B": 6_738_415_616,     # [keras] llama2_7b_en; [hf] meta-llama/Llama-2-7b-hf
    "Llama-2 13B": 13_015_864_320,   # [hf] meta-llama/Llama-2-13b-hf (also LoRAM, arXiv:2502.13533, "#Orig. Params")
    "Llama-2 70B": 68_976_648_192,   # [hf] meta-llama/Llama-2-70b-hf (also LoRAM, arXiv:2502.13533, "#Orig. Params")
    "Llama-3 8B": 8_030_261_248,     # [keras] llama3_8b_en; [hf] meta-llama/Meta-Llama-3-8B
    "Llama-3 70B": 70_553_706_496,   # [hf] meta-llama/Meta-Llama-3-70B (same shapes as Llama-3.3-70B)
    "Mistral 7B": 7_241_732_096,     # [keras] mistral_7b_en; [hf] mistralai/Mistral-7B-v0.1
    "Mixtral 8x7B": 46_702_792_704,  # [keras] mixtral_8_7b_en; [hf] mistralai/Mixtral-8x7B-v0.1
}


@pytest.mark.parametrize("name, expected", PUBLISHED_COUNTS.items())
def test_param_count_matches_published_checkpoint(name, expected):
    assert get_model(name).param_count() == expected


def test_bloom_embedding_parameters_match_model_card():
    # Model card: "3,596,615,680 embedding parameters" (the 250880 x 14336 table); course_lib's
    # embedding_params() also counts the LayerNorm right after the embedding (weight + bias, 2 x 14336).
    assert get_model("bloom").embedding_params() == 3_596_615_680 + 2 * 14_336


def test_opt_13b_by_hand():
    # No published exact count was found for OPT-13B; derived by hand from facebook/opt-13b config.json
    # (vocab 50272, hidden 5120, 40 layers, ffn 20480, 2048 positions + 2 offset rows, tied head):
    embeddings = 50_272 * 5_120 + (2_048 + 2) * 5_120         # 257,392,640 + 10,496,000
    attention = 4 * 5_120 * 5_120 + 4 * 5_120                  # q, k, v, out weights + biases
    mlp = 2 * 5_120 * 20_480 + 20_480 + 5_120                  # fc1, fc2 weights + biases
    norms = 2 * 2 * 5_120                                      # two LayerNorms per layer
    expected = embeddings + 40 * (attention + mlp + norms) + 2 * 5_120   # + final LayerNorm
    assert expected == 12_853_473_280
    assert get_model("OPT-13B").param_count() == expected
    # The fp16 checkpoint holds 2 bytes per parameter: 25.7 GB as the Hub lists for flax_model.msgpack.
    assert round(expected * 2 / 1e9, 1) == 25.7


def test_opt_position_offset_on_opt_125m():
    # The OPT layout (2050-row position table, tied head, final LayerNorm) checked on the smallest OPT, whose
    # exact count is published: AMD Quark depth-pruning tutorial, facebook/opt-125m "has 125239296
    # parameters; after pruning [2 of 12 layers], the model has 10 layers and 111063552".
    # Shapes from facebook/opt-125m config.json.
    opt_125m = ModelConfig("OPT-125M", vocab_size=50272, d_model=768, n_layers=12, n_heads=12, n_kv_heads=12,
                           d_ff=3072, gated_mlp=False, tied_embeddings=True, learned_positions=True,
                           max_seq_len=2048, position_offset=2, bias=True, norm="layernorm")
    assert opt_125m.param_count() == 125_239_296
    assert dataclasses.replace(opt_125m, n_layers=10).param_count() == 111_063_552
    assert dataclasses.replace(opt_125m, position_offset=0).param_count() == 125_239_296 - 2 * 768


# GPT-3 (Brown et al. 2020, Table 2.1): no checkpoint exists, so the check is against the paper's rounded
# "n_params" column. The paper rounds loosely (its GPT-2-style "350M" medium has 355.9M parameters for the
# stated shape, as GPT-2's own paper called the 354,823,168-parameter medium "345M"), so most rows agree within
# 1% and four within 2%: Medium (+1.7%), XL (+1.2%), 2.7B (-1.8%), 13B (-1.1%, with d_model = 40 heads x 128
# = 5120; the table's 5140 is not divisible by its 40 heads).
GPT3_PAPER = {
    "GPT-3 Small": (125e6, 0.01), "GPT-3 Medium": (350e6, 0.02), "GPT-3 Large": (760e6, 0.01),
    "GPT-3 XL": (1.3e9, 0.02), "GPT-3 2.7B": (2.7e9, 0.02), "GPT-3 6.7B": (6.7e9, 0.01),
    "GPT-3 13B": (13.0e9, 0.02), "GPT-3 175B": (175.0e9, 0.01),
}


@pytest.mark.parametrize("name, paper", GPT3_PAPER.items())
def test_gpt3_within_paper_rounding(name, paper):
    n_params, tolerance = paper
    assert get_model(name).param_count() == pytest.approx(n_params, rel=tolerance)


def test_gpt3_shapes_from_table():
    m = get_model("GPT-3 175B")
    assert (m.n_layers, m.d_model, m.n_heads, m.head_dim, m.vocab_size, m.max_seq_len) == (96, 12288, 96, 128, 50257,
                                                                                          2048)
    assert m.d_ff == 4 * 12288
    # Table 2.1 d_head column, Small to 175B
    assert [get_model(n).head_dim for n in GPT3_PAPER] == [64, 64, 96, 128, 80, 128, 128, 128]


def test_mixtral_active_parameters_by_hand():
    # Mixtral 8x7B: d 4096, 32 layers, 32 query / 8 kv heads of 128, 8 experts of SwiGLU d_ff 14336, top-2.
    attention = 2 * 4096 * 4096 + 2 * 4096 * 1024     # q, o: 4096x4096; k, v: 4096x1024
    expert = 3 * 4096 * 14336                          # gate, up, down
    router = 4096 * 8
    norms = 2 * 4096
    embeddings = 2 * 32000 * 4096                      # untied input and output tables
    active = embeddings + 32 * (attention + 2 * expert + router + norms) + 4096
    assert active == 12_879_925_248                    # "12.9B active" (Mixtral paper: 13B active)
    assert get_model("mixtral").active_param_count() == active
    assert get_model("mixtral").param_count() - active == 32 * 6 * expert


def test_dense_models_are_fully_active():
    for m in models.list_models():
        if m.n_experts == 1:
            assert m.active_param_count() == m.param_count()


def test_gqa_kv_heads_from_configs():
    assert get_model("Llama-2 70B").kv_dim == 8 * 128
    assert get_model("Llama-2 13B").kv_dim == 5120           # MHA: 40 kv heads
    assert get_model("Llama-3 8B").n_kv_heads == 8
    assert get_model("Llama-3 70B").vocab_size == 128256
    assert get_model("Mistral 7B").n_kv_heads == 8


@pytest.mark.parametrize("alias, name", [
    ("gpt3-175b", "GPT-3 175B"), ("gpt3", "GPT-3 175B"), ("GPT-3 1.3B", "GPT-3 XL"), ("gpt3-13b", "GPT-3 13B"),
    ("gpt3-2.7b", "GPT-3 2.7B"), ("llama-2-70b", "Llama-2 70B"), ("llama2-7b", "Llama-2 7B"),
    ("llama3-8b", "Llama-3 8B"), ("mixtral", "Mixtral 8x7B"), ("bloom", "BLOOM 176B"),
    ("opt-13b", "OPT-13B"), ("gpt2-xl", "GPT-2 XL"), ("mistral", "Mistral 7B"), ("gpt2", "GPT-2 small"),
])
def test_aliases(alias, name):
    assert get_model(alias).name == name


def test_every_preset_is_found_by_its_name_and_has_a_source():
    names = models.model_names()
    assert len(set(names)) == len(names)
    for m in models.list_models():
        assert get_model(m.name) is m
        assert m.source


def test_model_config_passes_through():
    m = get_model("Llama-2 7B")
    assert get_model(m) is m


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match=r"^model name: unknown value 'lama-2 70b'.*Llama-2 70B"):
        get_model("lama-2 70b")
    with pytest.raises(ValueError, match="model name"):
        get_model(None)


def _config(**changes):
    base = dict(vocab_size=100, d_model=64, n_layers=2, n_heads=4, n_kv_heads=4, d_ff=256, gated_mlp=False,
                tied_embeddings=True, learned_positions=False, max_seq_len=128)
    return ModelConfig("test", **{**base, **changes})


@pytest.mark.parametrize("changes, message", [
    ({"n_heads": 5}, "^d_model"),                            # 64 not divisible by 5 heads
    ({"n_layers": 0}, "^n_layers"),
    ({"n_experts": 2, "experts_per_token": 3}, "^experts_per_token"),
    ({"n_kv_heads": 3}, "^n_kv_heads"),                      # 3 does not divide 4
    ({"position_offset": -1}, "^position_offset"),
    ({"vocab_size": float("nan")}, "^vocab_size"),
    ({"norm": "batchnorm"}, "^norm"),
    # the fields added for MLA, sliding windows and DeepSeek-style MoE: validated like the others
    ({"sliding_window": -1}, "^sliding_window"),
    ({"sliding_window": 2.5}, "^sliding_window"),
    ({"kv_lora_rank": float("nan")}, "^kv_lora_rank"),
    ({"kv_lora_rank": 16}, "^kv_lora_rank"),                 # MLA needs qk_nope_head_dim and v_head_dim
    ({"q_lora_rank": "8"}, "^q_lora_rank"),
    ({"qk_rope_head_dim": 10**400}, "^qk_rope_head_dim"),
    ({"moe_d_ff": True}, "^moe_d_ff"),
    ({"n_shared_experts": -2}, "^n_shared_experts"),
    ({"n_dense_layers": 3}, "^n_dense_layers"),              # more than the 2 layers
    ({"router_bias": "False"}, "^router_bias"),               # a real bool, not a truthy string
])
def test_invalid_configs(changes, message):
    with pytest.raises(ValueError, match=message):
        _config(**changes)


def test_new_fields_are_stored_in_canonical_form():
    config = _config(sliding_window=64.0, kv_lora_rank=np.int64(16), qk_nope_head_dim=8, v_head_dim=8,
                     router_bias=np.bool_(True))
    assert (config.sliding_window, config.kv_lora_rank, config.router_bias) == (64, 16, True)
    assert type(config.sliding_window) is int and type(config.kv_lora_rank) is int and type(config.router_bias) is bool
