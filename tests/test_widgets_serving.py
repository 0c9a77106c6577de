"""Views of notebook 06 driven without a browser: controls set, headlines checked against hand derivations.

Llama-2 7B on an A100 SXM 80GB (2039 GB/s, 312 dense bf16 TFLOPS): a batch-1 decode step reads 2 x 6,607,347,712
= 13,214,695,424 bytes of weights plus 524,288 bytes of KV cache per cached token (tests/test_serving.py).
"""

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import serving
from course_lib.widgets import serving as sw

WEIGHTS_7B, KV_7B = 13_214_695_424, 524_288


def test_request_view_by_hand():
    view = sw.request_view()
    # prefill of 2048 tokens: 27,627,119,181,824 FLOP / 312e12 = 88.5 ms (compute-bound);
    # 255 decode steps at 2048..2302 cached tokens, mean 2175: (13,214,695,424 + 2175 x 524,288) / 2039e9 = 7.04 ms
    assert view.headline.value.startswith("TTFT 88.5 ms (compute-bound prefill) · then 7.04 ms per token")
    assert (WEIGHTS_7B + 2175 * KV_7B) / 2039e9 == pytest.approx(7.04e-3, abs=5e-6)
    before = view.image.value
    view.controls["prompt_tokens"].value = 128
    # 128 tokens: 13.2 GB read for 128 tokens -> memory-bound
    assert "memory-bound prefill" in view.headline.value and view.image.value != before


def test_request_view_refuses_what_does_not_fit():
    view = sw.request_view()
    view.controls["model"].value = "Llama-2 70B"  # 138 GB of bf16 weights on one 80 GB GPU
    assert view.error.value.count("GPU: the weights of Llama-2 70B (138.0 GB) do not fit") == 1
    assert view.last is None and view.headline.value == ""
    view.controls["n_gpus"].value = 2
    assert view.error.value == "" and "TTFT" in view.headline.value
    assert "all-reduces per step" in view.details.value
    view.controls["prompt_tokens"].value = 4096  # 4096 + 256 > Llama-2's 4,096-token context
    assert "prompt tokens: Llama-2 70B reads at most 4,096 tokens" in view.error.value


def test_batch_view_by_hand():
    view = sw.batch_view()
    # batch 1 at 1024 cached tokens: 2039e9 / (13,214,695,424 + 1024 x 524,288) = 148.3 tokens/s
    assert view.headline.value.startswith("batch 1: 148 tokens/s in total, 148 for each user")
    assert "123" in view.details.value  # (80e9 - 13,476,831,232) / (1024 x 524,288) = 123.9 sequences fit
    view.controls["batch"].value = 256
    assert view.headline.value.endswith("that many caches do not fit in memory")
    view.controls["context"].value = 128
    # short caches: the step turns compute-bound from batch 169 (closed form as in test_serving, with KV reads)
    cross = serving.crossover_batch(serving.deployment("Llama-2 7B", "A100 SXM 80GB"), 128)
    w0, f, r = 2 * 6_607_343_616, 2 * 6_607_343_616 + 4 * 32 * 4096 * 128, 8192 + 128 * KV_7B
    assert cross == int(np.ceil((w0 / 2039e9) / (f / 312e12 - r / 2039e9)))
    assert f"{cross:,}" in view.details.value


def test_server_view_flags_a_growing_queue():
    view = sw.server_view(arrival_rate=1.0)
    assert view.headline.value.startswith("TTFT p50") and "overloaded" not in view.headline.value
    image = view.image.value
    view.controls["arrival_rate"].value = 50.0
    assert "overloaded: the queue grows" in view.headline.value and view.image.value != image
    view.controls["policy"].value = "static"
    assert "overloaded" in view.headline.value


def test_paged_view_against_numpy():
    view = sw.paged_view()
    lengths = np.minimum(np.random.default_rng(0).geometric(1 / 600, size=1000), 4096)  # the view's sample
    contiguous_waste = 1 - lengths.sum() / (1000 * 4096)
    paged_waste = 1 - lengths.sum() / (np.ceil(lengths / 16) * 16).sum()
    assert view.headline.value.startswith(f"contiguous: {contiguous_waste:.0%} of the reserved KV memory unused")
    assert f"blocks of 16: {paged_waste:.1%}" in view.headline.value
    view.controls["block_size"].value = 256
    assert "blocks of 256" in view.headline.value
    assert "127.5 tokens" in view.details.value  # (256 - 1) / 2


def test_speculative_view_by_hand():
    view = sw.speculative_view()
    # (1 - 0.8^5) / 0.2 = 3.3616 tokens; / (4 x 0.1 + 1) = 2.40x
    assert view.headline.value.startswith("3.36 tokens per check of the big model · speed-up 2.40x")
    view.controls["cost_ratio"].value = 0.0  # free drafts: more is always better, up to the slider's 12
    assert "best: 12 drafted tokens" in view.headline.value
    view.controls["acceptance_rate"].value = 0.0  # every draft rejected: drafting only costs
    assert "best: 0 drafted tokens, 1.00x" in view.headline.value


def test_decode_figure_puts_measurements_beside_the_model():
    ax = sw.plot_decode_model_vs_measured(Figure().add_subplot(), gpus=["RTX 3090", "RTX 4090", "A100 SXM 80GB"])
    bound, measured = ax.lines[0], ax.lines[2:]
    # the model's points: bandwidth / 13,214,695,424 bytes per token
    np.testing.assert_allclose(bound.get_ydata(), np.array([936e9, 1008e9, 2039e9]) / WEIGHTS_7B)
    assert [(line.get_xdata()[0], line.get_ydata()[0]) for line in measured] == [(1008, 61.03), (936, 48.52)]
    assert any("80% of the bound" in t.get_text() for t in ax.texts)


def test_measurements_table_and_plot():
    table = sw.measurements_table_html()
    assert all(m.title in table for m in serving.MEASUREMENTS) and "+25%" in table
    ax = sw.plot_measurements(Figure().add_subplot())
    heights = [bar.get_width() for bar in ax.patches]
    assert heights == pytest.approx([m.achieved_fraction() for m in serving.MEASUREMENTS])


def test_errors_are_shown_not_raised(monkeypatch):
    view = sw.batch_view()

    def broken(*args, **kwargs):
        raise ValueError("context: something is wrong")

    monkeypatch.setattr(serving, "batch_curve", broken)
    sw._curve.cache_clear()
    view.controls["context"].value = 4096
    assert "tokens already in each cache: something is wrong" in view.error.value and view.last is None


def test_request_view_with_one_output_token_has_no_decode_step():
    # One output token: the prefill makes it, there is no decode step (TPOT 0 s); the view said
    # "ZeroDivisionError" (1 / TPOT) before.
    view = sw.request_view()
    view.controls["output_tokens"].value = 1
    assert view.error.value == "" and "no decode step" in view.headline.value
