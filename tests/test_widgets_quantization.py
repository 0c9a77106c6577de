"""Widgets of notebook 05 driven without a browser; expected numbers are hand-derived or computed here with numpy."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib import quantization
from course_lib.widgets import quantization as qw

SHAPE = (64, 256)  # small matrices keep the tests fast; the notebook uses 256 x 1024


def numpy_absmax(w, bits, block_axis=None):
    """Oracle written here: symmetric round-to-nearest with q_max = 2**(bits-1) - 1, scales over ``block_axis``."""
    q_max = 2 ** (bits - 1) - 1
    scale = np.max(np.abs(w), axis=block_axis, keepdims=True) / q_max
    return np.clip(np.rint(w / scale), -q_max, q_max) * scale


def relative(w, w_hat):
    return np.linalg.norm(w - w_hat) / np.linalg.norm(w)


@pytest.fixture
def explorer():
    return qw.quantization_explorer_view(kind="heavy_tailed", bits=4, scheme="absmax", granularity="per-channel",
                                         shape=SHAPE)


def test_explorer_default_matches_numpy_oracle(explorer):
    w = quantization.synthetic_weights(SHAPE, "heavy_tailed")
    expected = relative(w, numpy_absmax(w, 4, block_axis=1))  # one scale per row
    headline = explorer.headline.value
    assert f"relative error {expected:.2%}" in headline
    assert "4.062 bits/weight" in headline  # 4 + 16 / 256: one fp16 scale per row of 256
    assert "256 (64 scales)" in explorer.details.value
    assert explorer.error.value == "" and explorer.image.value


def headline_for(view, **changes):
    """The headline ``view`` shows for its current controls with ``changes``, without redrawing the figure."""
    return view.compute(**{**view.values(), **changes}).headline


def error_of(headline):
    return float(headline.split("relative error ")[1].split("%")[0])


def test_per_tensor_int8_and_groups(explorer):
    w = quantization.synthetic_weights(SHAPE, "gaussian")
    headline = headline_for(explorer, kind="gaussian", bits=8, granularity="per-tensor")
    assert f"relative error {relative(w, numpy_absmax(w, 8)):.2%}" in headline
    assert "8.001 bits/weight" in headline  # 8 + 16 / 16,384 = 8.00098: one scale for the tensor
    explorer.controls["kind"].value = "gaussian"
    explorer.controls["granularity"].value = "group 128"
    groups = w.reshape(64, 2, 128)  # two groups of 128 per row
    expected = relative(groups, numpy_absmax(groups, 4, block_axis=2))
    assert f"relative error {expected:.2%}" in explorer.headline.value
    assert "4.125 bits/weight" in explorer.headline.value  # 4 + 16 / 128


def test_zero_point_adds_a_zero_point_per_group_and_lowers_error(explorer):
    absmax = headline_for(explorer, granularity="group 128")
    zeropoint = headline_for(explorer, granularity="group 128", scheme="zeropoint")
    assert "4.156 bits/weight" in zeropoint  # 4 + (16-bit scale + 4-bit zero point) / 128
    # 16 levels over [min, max] instead of 15 over [-max|w|, max|w|]: a finer step
    assert error_of(zeropoint) < error_of(absmax)


def test_more_bits_less_error_and_a_new_picture(explorer):
    errors = [error_of(headline_for(explorer, bits=bits)) for bits in (2, 4, 6, 8)]
    assert errors == sorted(errors, reverse=True)
    first = explorer.image.value
    explorer.controls["bits"].value = 3
    assert explorer.image.value != first
    assert error_of(explorer.headline.value) > errors[1]


def test_error_vs_bits_plot(explorer):
    histogram = explorer.image.value
    explorer.controls["plot"].value = "error vs bits"
    assert explorer.image.value != histogram
    assert explorer.error.value == ""
    curve = explorer.image.value
    explorer.controls["granularity"].value = "group 64"  # a granularity outside the default curves is added
    assert explorer.image.value != curve


def test_plot_helpers_draw_on_a_given_axes():
    w = quantization.synthetic_weights(SHAPE)
    ax = qw.plot_quantization_grid(Figure().add_subplot(), w, 3, "absmax", "per-tensor")
    assert "7 levels" in ax.get_title()  # 3-bit absmax: codes -3..3, all in use over 16,384 Gaussian weights
    assert ax.get_legend() is None and ax.get_yscale() == "log"  # 16,384 weights > 4096: log counts
    ax = qw.plot_error_vs_bits(Figure().add_subplot(), {"per-tensor": [0.5, 0.2]}, highlight=(3, 0.2), bits=(2, 3))
    assert len(ax.lines) == 2  # the curve and the star
    # Words in the lines' colours instead of a legend, drawn from the bottom up: the star's word lowest
    assert ax.get_legend() is None
    assert [(text.get_text(), text.get_color()) for text in ax.texts] == [("★ chosen", "black"),
                                                                          ("● per-tensor", "tab:red")]
    assert list(ax.get_xticks()) == [2, 3]


def test_explorer_caches_quantizations_and_curve_points(explorer):
    w = quantization.synthetic_weights(SHAPE, "heavy_tailed")
    for cache in (qw._cached_curve, qw._cached_error, qw._cached_quantization):  # other tests filled them
        cache.cache_clear()
    explorer.controls["plot"].value = "error vs bits"
    # The curves come point by point from the cache and agree with the library's error_vs_bits
    curve = qw._cached_curve("heavy_tailed", SHAPE, "absmax", "per-channel")
    np.testing.assert_array_equal(curve, quantization.error_vs_bits(w, "absmax", "per-channel"))
    # so moving the bits along a drawn curve quantizes nothing
    quantized_so_far = qw._cached_quantization.cache_info().misses
    explorer.controls["bits"].value = 6
    assert qw._cached_quantization.cache_info().misses == quantized_so_far
    assert f"relative error {relative(w, numpy_absmax(w, 6, block_axis=1)):.2%}" in explorer.headline.value
    explorer.controls["plot"].value = "histogram"
    w_hat, q, scale, _ = qw._cached_quantization("heavy_tailed", SHAPE, 6, "absmax", "per-channel")
    np.testing.assert_allclose(w_hat, numpy_absmax(w, 6, block_axis=1))  # the numpy oracle: one scale per row
    assert not (w_hat.flags.writeable or q.flags.writeable or scale.flags.writeable)  # shared: read-only


# -- memory and speed ------------------------------------------------------------------------------
# Llama-2 70B: 68,976,648,192 parameters (config.json; tests/test_models.py). A100 SXM 80GB: 80 GB, 2,039 GB/s.
# 4 bits, groups of 128: 68,976,648,192 / 2 = 34,488,324,096 bytes + 538,880,064 groups x 2 bytes = 1,077,760,128
# -> 35,566,084,224 bytes = 35.6 GB; decode <= 2039e9 / 35,566,084,224 = 57.33 tokens/s.


@pytest.fixture
def serving():
    return qw.serving_view(model="Llama-2 70B", bits=4, group_size=128, gpu="A100 SXM 80GB")


# Llama-2 70B (68,976,648,192 parameters; embedding and head 32000 x 8192 = 262,144,000 each, kept in fp16).
def test_serving_default_by_hand(serving):
    headline = serving.headline.value
    # 4 bits, groups of 128: 68,452,360,192 x 4.125 / 8 = 35,295,748,224 B + 524,288,000 x 2 B = 36,344,324,224 B
    assert "36.3 GB of weights" in headline
    assert "fits on one A100 SXM 80GB" in headline
    # batch 1 reads 35,295,748,224 + head 524,288,000 + one row 16,384 = 35,820,052,608 B:
    # 2039e9 / 35,820,052,608 = 56.92 tokens/s
    assert "decode ≤ 56.9 tokens/s" in headline
    assert "68,976,648,192" in serving.details.value
    assert "4.215" in serving.details.value  # 8 x 36,344,324,224 / 68,976,648,192 bits per weight
    assert "3.8x" in serving.details.value  # 137,953,296,384 / 36,344,324,224 = 3.796
    assert serving.image.value


def test_fp16_needs_two_gpus_and_says_why_it_is_not_slower(serving):
    first = serving.image.value
    serving.controls["bits"].value = 16
    # 2 x 68,976,648,192 = 137,953,296,384 bytes = 138 GB > 80 GB: 2 GPUs, each reading half:
    # 2 x 68,714,512,384 / (2 x 2039e9) = 33.700 ms + 160 all-reduces x 7.855 us = 1.257 ms -> 28.6 tokens/s
    headline = serving.headline.value
    assert "138 GB of weights" in headline and "needs 2 x A100 SXM 80GB" in headline
    assert "28.6 tokens/s on 2 GPUs" in headline
    assert "each reads 1/2 of the weights" in headline and "all-reduces take 4% of each step" in headline
    assert serving.image.value != first


def test_int8_gpt3_on_a_16_gb_gpu(serving):
    # 173,961,535,488 weights x 1 byte + 642,723,840 embedding weights x 2 = 175.2 GB; / 16 GB -> 11 T4s, but
    # the course has no multi-GPU T4 server (PCIe cards): no tensor-parallel decode bound
    update = serving.compute(model="GPT-3 175B", bits=8, group_size=0, gpu="T4")
    headline = update.headline
    assert "175 GB of weights" in headline
    assert "needs 11 x T4" in headline
    assert "no tensor-parallel split (no multi-GPU system of the T4 in the course's data: one card only)" in headline
    assert "none (at most 1)" in update.details
    # GPT-3 in fp16: 2 x 174,604,259,328 = 349.2 GB / 24 GB = 14.6 -> 15 RTX 4090s; the course's RTX 4090 system
    # is a 4-card PCIe workstation, never clustered
    headline = serving.compute(model="GPT-3 175B", bits=16, group_size=0, gpu="RTX 4090").headline
    assert "needs 15 x RTX 4090" in headline
    assert "no tensor-parallel split (more GPUs than one 4-GPU link domain of the RTX 4090's system holds)" in headline
    serving.controls["model"].value = "GPT-3 175B"
    # 4 bits, groups of 128: 173,961,535,488 x 4.125 / 8 + 1,285,447,680 = 90,984,364,416 B > 80 GB -> 2 GPUs
    assert "91 GB of weights — needs 2 x A100 SXM 80GB" in serving.headline.value


def test_smaller_groups_cost_memory(serving):
    update = serving.compute(**{**serving.values(), "group_size": 32})
    # 68,452,360,192 x (4 + 16/32 = 4.5) / 8 + 1,048,576,000 = 39,553,028,608 B (4.587 bits per weight on average)
    assert "39.6 GB of weights" in update.headline
    assert "4.587" in update.details


def test_errors_are_shown_not_raised(serving, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("bits: something is wrong")

    monkeypatch.setattr(quantization, "quantized_serving", broken)
    serving.controls["bits"].value = 8
    assert "bits per weight: something is wrong" in serving.error.value  # the control's description
    assert serving.headline.value == "" and serving.last is None


@pytest.mark.parametrize("call, parameter", [
    (lambda: qw.quantization_explorer_view(kind="gauss"), "kind"),
    (lambda: qw.quantization_explorer_view(bits=9), "bits"),
    (lambda: qw.quantization_explorer_view(scheme="symmetric"), "scheme"),
    (lambda: qw.quantization_explorer_view(granularity="per-row"), "granularity"),
    (lambda: qw.quantization_explorer_view(plot="scatter"), "plot"),
    (lambda: qw.quantization_explorer_view(shape=(0, 4)), "shape"),
    (lambda: qw.quantization_explorer_view(shape=(4, 4, 4)), "shape"),
    (lambda: qw.serving_view(model="Llama-9 70B"), "model"),
    (lambda: qw.serving_view(gpu="A1000"), "gpu"),
    (lambda: qw.serving_view(bits=7), "bits"),
    (lambda: qw.serving_view(group_size=100), "group_size"),
])
def test_bad_arguments_name_the_parameter(call, parameter):
    with pytest.raises(ValueError, match=f"^{parameter}"):
        call()
