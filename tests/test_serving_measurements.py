"""Published serving measurements beside the course's estimates: each row sourced, each number its prose quotes
re-derived here (by hand where short), and the differences where the explanations put them."""

import pytest

from course_lib import serving

KEYS = ["llama.cpp-4090", "llama.cpp-3090", "trtllm-ttft-2048", "trtllm-ttft-128", "trtllm-a100-bs384",
        "trtllm-h100-70b-fp8"]


def test_rows_are_sourced_and_complete():
    assert [m.key for m in serving.MEASUREMENTS] == KEYS
    for m in serving.MEASUREMENTS:
        assert "https://" in m.source and m.setup and m.explanation and m.published > 0
        assert m.unit in ("tokens/s", "ms", "tokens/s per GPU")


def test_batch_one_decode_by_hand():
    # tg128 from an empty prompt: step c reads 13,214,695,424 B of weights and c x 524,288 B of KV (c = 0..127);
    # mean bytes 13,214,695,424 + 63.5 x 524,288 = 13,247,987,712 -> 1008e9 / that = 76.09 tokens/s on a 4090
    m = serving.get_measurement("llama.cpp-4090")
    assert m.estimated() == pytest.approx(128 / sum((13_214_695_424 + c * 524_288) / 1008e9 for c in range(128)))
    assert round(m.estimated(), 1) == 76.1 and round(m.achieved_fraction(), 2) == 0.80
    assert round(serving.get_measurement("llama.cpp-3090").achieved_fraction(), 2) == 0.69
    assert round(1008 / 936 - 1, 2) == 0.08 and round(61.03 / 48.52 - 1, 2) == 0.26  # "8% ... 26%"


def test_prefill_rows_by_hand():
    ttft = serving.get_measurement("trtllm-ttft-2048")
    flops = 2048 * 2 * (6_607_343_616 - 131_072_000) + 2 * 131_072_000 + 4 * 32 * 4096 * (2048 * 2049 // 2)
    assert round(flops / 1e12, 1) == 27.6
    assert ttft.estimated() == pytest.approx(1000 * flops / 312e12) and round(ttft.estimated(), 1) == 88.5
    assert round(ttft.achieved_fraction(), 2) == 0.67  # "about two thirds"
    short = serving.get_measurement("trtllm-ttft-128")
    # memory-bound: 2 x (6,607,347,712 + 127 rows of 4096) + 128 x 524,288 bytes at 2039 GB/s
    assert short.estimated() == pytest.approx(1000 * (2 * (6_607_347_712 + 127 * 4096) + 128 * 524_288) / 2039e9)
    assert round(short.estimated(), 1) == 6.5 and round(16 / short.estimated(), 1) == 2.5
    dep = serving.deployment("Llama-2 7B", "A100 SXM 80GB", precision="fp16")
    assert round(1000 * serving.prefill(dep, 128).compute_s, 1) == 5.3


def test_throughput_rows_match_their_explanations():
    dep = serving.deployment("Llama-2 7B", "A100 SXM 80GB", precision="fp16")
    tl = serving.timeline(dep, 128, 128, 384)
    assert (round(tl.ttft_s, 1), round(tl.decode_s, 1)) == (2.0, 3.2)
    assert round(serving.get_measurement("trtllm-a100-bs384").achieved_fraction(), 1) == 0.6
    fp8 = serving.deployment("Llama-2 70B", "H100 SXM", n_gpus=2, weight_bits=8, kv_dtype="fp8", precision="fp8")
    tl = serving.timeline(fp8, 2048, 128, 96)
    assert round(tl.ttft_s / tl.total_s, 1) == 0.8 and tl.prefill.tokens == 196_608
    assert serving.max_batch(fp8, 2048 + 128) >= 96   # the measured batch fits in the estimate's memory too
    assert round(serving.get_measurement("trtllm-h100-70b-fp8").achieved_fraction(), 1) == 0.5


def test_every_estimate_is_a_bound():
    # a roofline bound is never beaten by a measurement: rates above, times below
    for m in serving.MEASUREMENTS:
        assert 0 < m.achieved_fraction() < 1, m.key
        assert (m.difference() < 0) == (m.unit == "ms"), m.key


def test_unknown_key_lists_close_matches():
    with pytest.raises(ValueError, match="^key: .*llama.cpp-4090"):
        serving.get_measurement("llama.cpp-4080")
