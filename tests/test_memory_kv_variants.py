"""KV-cache variants (GQA, MQA, quantized cache, MLA, sliding window), each derived by hand from a config."""

import dataclasses

import pytest

from course_lib import memory, models


def test_gqa_and_mqa_by_hand():
    # Llama-2 70B: 80 layers, 64 query heads of 128 sharing 8 KV heads: 2 x 80 x 8 x 128 x 2 bytes = 327,680 per token
    llama70 = models.get_model("Llama-2 70B")
    assert memory.kv_cache_bytes(llama70, 1, 1) == 327_680
    mqa = dataclasses.replace(llama70, n_kv_heads=1)   # multi-query: one KV head
    mha = dataclasses.replace(llama70, n_kv_heads=64)  # multi-head: one per query head
    assert memory.kv_cache_bytes(mqa, 1, 1) == 2 * 80 * 128 * 2 == 40_960
    assert memory.kv_cache_bytes(mha, 1, 1) == 64 * 40_960


def test_quantized_cache_halves_the_bytes():
    # fp8 / int8 cache: 1 byte per value instead of 2
    assert memory.kv_cache_bytes("Llama-2 70B", 4096, 8, "fp8") == 4096 * 8 * 327_680 / 2
    assert memory.kv_cache_bytes("Llama-2 70B", 4096, 8, "int8") == memory.kv_cache_bytes("Llama-2 70B", 4096, 8,
                                                                                          "fp8")


def test_mla_deepseek_v3_by_hand():
    # DeepSeek-V3 config: 61 layers, kv_lora_rank 512, qk_rope_head_dim 64 -> 61 x 576 = 35,136 values per token;
    # in bf16: 70,272 bytes per token (68.6 KiB). Standard multi-head attention with the same 128 heads would keep
    # a 192-wide key and a 128-wide value per head: 61 x 128 x (192 + 128) x 2 bytes = 4,997,120 bytes per token.
    assert memory.kv_cache_bytes("DeepSeek-V3", 1, 1, "bf16") == 70_272
    assert round(4_997_120 / 70_272, 1) == 71.1    # MLA keeps 71x less per token
    # 128K tokens of context: 70,272 x 131,072 = 9.21e9 bytes
    assert memory.kv_cache_bytes("DeepSeek-V3", 131_072, 1, "bf16") == 70_272 * 131_072


def test_sliding_window_caps_the_cache():
    # Mistral 7B (config "sliding_window": 4096): 2 x 32 x 8 x 128 x 2 = 131,072 bytes per token, at most 4096 tokens
    per_token = 131_072
    assert memory.kv_cache_bytes("Mistral 7B", 1000, 1) == 1000 * per_token
    assert memory.kv_cache_bytes("Mistral 7B", 4096, 1) == memory.kv_cache_bytes("Mistral 7B", 32_768, 1) \
        == 4096 * per_token
    # memory no longer limits its context on an 80 GB GPU: the model's own limit (32768) is the answer
    assert memory.max_context("Mistral 7B", "A100 SXM 80GB") == 32_768


@pytest.mark.parametrize("args, name", [
    (("DeepSeek-V3", 0, 1, "bf16"), "seq_len"), (("Mistral 7B", 10, 0), "batch"), (("Mistral 7B", 10, 1, "fp7"), "dtype"),
])
def test_validation(args, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        memory.kv_cache_bytes(*args)
