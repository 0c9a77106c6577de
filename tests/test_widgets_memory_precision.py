"""Widgets of notebook 04, driven without a browser; expected values are hand derivations or numpy/ml_dtypes."""

import math

import ml_dtypes
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib.widgets import memory_precision as mp


def test_spacing_plot_draws_every_format():
    ax = Figure().add_subplot()
    mp.plot_format_spacing(ax, highlight="bf16", value=70000)
    assert len(ax.lines) == len(mp.FORMAT_OPTIONS) + 1  # one per format + the marker
    xmax = max(line.get_xdata().max() for line in ax.lines[:-1])
    assert xmax == pytest.approx(float(np.finfo(np.float32).max))


def test_spacing_plot_names_each_line_at_its_largest_value():
    ax = Figure().add_subplot()
    mp.plot_format_spacing(ax, highlight="bf16", value=70000)
    names = {text.get_text(): text for text in ax.texts}
    assert list(names) == list(mp.FORMAT_OPTIONS) and ax.get_legend() is None  # names instead of a legend
    # fp16's top binade [2**15, 2**16) has gap 2**(15 - 10) = 32 and ends at 65504; fp8 E4M3: gap 32 up to 448
    assert names["fp16"].xy == (65504.0, 32 / 65504)
    assert names["fp16"].get_va() == "top"  # below its end: tf32's sawtooth (same 10-bit mantissa) runs above it
    assert names["fp8_e4m3"].xy == (448.0, 32 / 448)
    assert names["int8"].xy == (127.0, 1 / 127)  # integers: gap 1
    bf16_max = float(ml_dtypes.finfo(ml_dtypes.bfloat16).max)  # (2 - 2**-7) x 2**127, gap 2**(127 - 7)
    assert names["bf16"].xy == (bf16_max, 2.0**120 / bf16_max)
    assert names["bf16"].get_fontweight() == "bold" and names["fp16"].get_fontweight() == "normal"
    assert ax.get_xlim()[1] > 1e6 * float(np.finfo(np.float32).max)  # room for the names after the longest lines
    # Few plain tick labels (mathtext and many ticks are slow to draw): powers of 1e20 on x, of 100 on y
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    assert [t for t in ax.get_xticks() if x_low <= t <= x_high] == pytest.approx([1e-40, 1e-20, 1.0, 1e20, 1e40])
    assert [t for t in ax.get_yticks() if y_low <= t <= y_high] == pytest.approx([1e-6, 1e-4, 1e-2, 1.0])
    assert ax.xaxis.get_major_formatter()(1e-20, 0) == "1e-20" and ax.get_xaxis().get_minor_locator()() == []


# -- underflow and loss scaling --------------------------------------------------------------------------------------

def test_gradient_plot_reports_the_fractions():
    ax = Figure().add_subplot()
    mp.plot_gradient_underflow(ax, [1e-8, 2.0**-26, 2.0**-24, 1e-3], loss_scale=1024)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["gradients: 50% become 0", "× 1024: 0% become 0"]
    assert labels[2:] == ["fp16 smallest: 5.96e-08", "fp16 smallest normal: 6.1e-05", "fp16 largest: 6.55e+04"]  # 2**-24, 2**-14, 65504


# -- format explorer -------------------------------------------------------------------------------------------------

def test_format_explorer_default_is_a_tenth_in_fp16():
    view = mp.format_explorer_view()
    # 0.1 = 1.6 x 2**-4; mantissa 0.6 x 1024 = 614.4 -> 614: (1024 + 614) x 2**-14 = 0.0999755859375
    assert "stored 0.0999755859375" in view.headline.value
    assert "0 01011 1001100110" in view.details.value  # exponent -4 + 15 = 11; 614 = 0b1001100110
    assert view.error.value == ""


def test_format_explorer_fp16_overflow_and_bf16_rounding():
    view = mp.format_explorer_view()
    before = view.image.value
    view.controls["value"].value = 70000
    assert "stored inf" in view.headline.value and "overflow" in view.headline.value
    assert "0 11111 0000000000" in view.details.value
    assert view.image.value != before  # the marker moved
    view.controls["name"].value = "bf16"
    # bf16 step in [2**16, 2**17) is 2**(16-7) = 512; 70000 / 512 = 136.7 -> 137 x 512 = 70144
    assert "stored 70144.0" in view.headline.value
    view.controls["name"].value = "fp32"
    view.controls["value"].value = 0.1
    assert f"stored {float(np.float32(0.1))!r}" in view.headline.value  # numpy as the oracle


def test_format_explorer_underflow_int8_and_fp8():
    view = mp.format_explorer_view(value=1e-8, name="fp16")
    assert "stored 0.0" in view.headline.value and "underflow" in view.headline.value
    view.controls["name"].value = "int8"
    view.controls["value"].value = -3
    assert "1 1111101" in view.details.value  # two's complement: 256 - 3 = 253 = 0b11111101
    view.controls["value"].value = 300
    assert "stored 127.0" in view.headline.value and "saturated" in view.headline.value
    view.controls["name"].value = "fp8_e4m3"
    view.controls["value"].value = 240
    assert "stored 240.0" in view.headline.value  # 240 = 1.875 x 2**7, exact with 3 mantissa bits


def test_format_explorer_shows_errors_instead_of_raising():
    view = mp.format_explorer_view(name="int8")
    view.controls["value"].value = math.nan
    assert "value" in view.error.value and view.last is None
    view.controls["value"].value = 1.0
    assert view.error.value == "" and view.last is not None


# -- training memory -------------------------------------------------------------------------------------------------

def test_training_memory_llama_2_7b_by_hand():
    view = mp.training_memory_view()  # Llama-2 7B, Adam, mixed precision, selective, 4096 tokens, micro batch 1
    # 16 B x 6,738,415,616 = 107.8 GB; selective activations (Korthikanti et al.): 34 x s b h per layer,
    # 32 x 34 x 4096 x 4096 = 18.25 GB, plus the 16-bit logits 2 x 32000 x 4096 = 0.26 GB: 18.5 GB; total 126.3 GB
    assert view.headline.value.startswith("Llama-2 7B (6.74 B params): 126 GB = 16 bytes/param")
    assert "18.5 GB" in view.headline.value
    before = view.image.value
    view.controls["checkpointing"].value = "full"  # 2 s b h per layer: 1.07 GB + 0.26 GB of logits -> 109.2 GB
    assert "109 GB" in view.headline.value
    view.controls["checkpointing"].value = "none"  # (34 + 5 a s / h) = 34 + 5 x 32 = 194 per s b h: 212.0 GB
    assert "212 GB" in view.headline.value
    view.controls["micro_batch"].value = 2
    assert view.image.value != before


@pytest.mark.parametrize("optimizer, mixed, per_param", [
    ("adam", False, "16"),  # fp32 weights 4 + grads 4 + momentum 4 + variance 4
    ("sgd", True, "8"),  # 2 + 2 + fp32 master 4
    ("sgd", False, "8"),  # 4 + 4
    ("sgd_momentum", True, "12"),  # 2 + 2 + 4 + 4
])
def test_training_memory_bytes_per_param(optimizer, mixed, per_param):
    view = mp.training_memory_view(optimizer=optimizer, mixed_precision=mixed)
    assert f"= {per_param} bytes/param" in view.headline.value


def test_mixed_precision_checkbox_changes_the_activations():
    view = mp.training_memory_view()  # selective recomputation, 4096 tokens, micro batch 1
    before = view.image.value
    view.controls["mixed_precision"].value = False
    # fp32 activations: values 4 bytes, dropout masks 1 byte: per layer 16 x 4 + 2 = 66 s b h (16-bit: 34 s b h).
    # 32 layers x 66 x 4096 x 4096 = 35,433,480,192 B + fp32 logits 4 x 32,000 x 4096 = 524,288,000 B
    # = 35,957,768,192 B = 36.0 GB; state still 16 B/param = 107.8 GB; total 143.8 GB.
    assert "fp32 activations 36 GB" in view.headline.value and "144 GB" in view.headline.value
    assert "16 bytes/param" in view.headline.value  # fp32 weights 4 + grads 4 + Adam 8: the state does not change
    assert "fp32 throughout" in view.details.value
    assert view.image.value != before
    view.controls["mixed_precision"].value = True
    # 32 x 34 x 4096 x 4096 = 18,253,611,008 B + logits 2 x 32,000 x 4096 = 262,144,000 B = 18.5 GB
    assert "16-bit activations 18.5 GB" in view.headline.value


def test_training_memory_bad_micro_batch_is_a_message():
    view = mp.training_memory_view()
    view.controls["micro_batch"].value = 0
    assert "micro batch (sequences) must be a whole number from 1" in view.error.value and view.headline.value == ""


# -- will it fit -----------------------------------------------------------------------------------------------------

def test_fit_llama_2_70b_bf16_on_h100():
    view = mp.fit_view()  # Llama-2 70B, H100 SXM (80 GB), bf16, 4096 tokens, batch 1, inference
    # weights 2 B x 68,976,648,192 = 137.95 GB; KV 2 x 80 x 1024 x 4096 x 2 B = 1.34 GB; total 139.30 GB = 129.7 GiB
    assert view.headline.value.startswith("Does not fit")  # words, not emoji (no emoji font: boxes, review D15)
    assert "139 GB (130 GiB) per GPU" in view.headline.value and "80 GB (74.5 GiB)" in view.headline.value
    assert "Fewest GPUs whose memory holds it: 2 (weights + KV cache split evenly; the weights alone need as many)" \
        in view.details.value
    before = view.image.value
    view.controls["n_gpus"].value = 2  # 69.65 GB = 64.9 GiB per GPU
    assert view.headline.value.startswith("Fits") and "69.6 GB (64.9 GiB)" in view.headline.value
    assert view.image.value != before  # the bars are per GPU


def test_fit_training_needs_zero_to_scale():
    view = mp.fit_view(model="Llama-2 7B", mode="training", n_gpus=8)
    assert view.headline.value.startswith("Does not fit")
    assert "No number of GPUs" in view.details.value and "ZeRO" in view.details.value
    view.controls["zero_stage"].value = 3
    view.controls["checkpointing"].value = "full"
    # ZeRO-3 on 8 GPUs: 16 B x N / 8 = 13.48 GB, plus full recomputation's 16-bit layer inputs,
    # 2 B x s b h x L = 2 x 4096 x 1 x 4096 x 32 = 1.07 GB, and the logits 2 x 32000 x 4096 = 0.26 GB: 14.81 GB
    assert view.headline.value.startswith("Fits") and "14.8 GB" in view.headline.value


def test_fit_says_the_weights_do_not_fit_instead_of_zero_tokens():
    view = mp.fit_view()  # Llama-2 70B bf16: 137.95 GB of weights > 80 GB
    assert "0 tokens" not in view.details.value
    assert "weights alone (138 GB) do not fit in one H100 SXM (80 GB)" in view.details.value


def test_fit_explains_why_gpu_counts_differ():
    # GPT-3 175B in int8 on 16 GB T4s: weights 174,604,259,328 B -> ceil(10.91) = 11 GPUs (notebook 05's count).
    # KV cache (fp16 beside int8 weights) 2 x 96 layers x 12288 x 2 B x 4096 tokens = 19,327,352,832 B; weights +
    # cache 193,931,612,160 B / 16e9 = 12.12 -> 13 GPUs. Tensor parallelism divides the 96 heads (16 is the first
    # divisor of 96 from 13 up) and stays in one link domain: the T4 has no multi-GPU system, so no split.
    view = mp.fit_view(model="GPT-3 175B", gpu="T4", dtype="int8")
    details = view.details.value
    assert "Fewest GPUs whose memory holds it: 13" in details
    assert "the weights alone need 11, the count notebook 05 uses" in details
    assert "96 attention heads" in details and "stay inside one link domain" in details
    assert "no multi-GPU system of the T4 (here a single card), so no split holds it" in details
    assert "16 GPUs" not in details and "power of two" not in details
    # on A100s (8 to a DGX A100 on NVLink): 193.9 GB / 80 GB -> 3 GPUs, and 3 divides 96
    view.controls["gpu"].value = "A100 SXM 80GB"
    assert "(8 x A100 SXM 80GB in its system): 3 GPUs." in view.details.value
    # Llama-2 70B in bf16 on RTX 4090s: 6 cards, more than the 4-card workstation
    view.controls["model"].value = "Llama-2 70B"
    view.controls["gpu"].value = "RTX 4090"
    view.controls["dtype"].value = "bf16"
    assert "(4 x RTX 4090 in its system): no split of at most 4 holds it." in view.details.value


def test_fit_training_gpu_count():
    # ZeRO-3, full recomputation: 107,814,649,856 B / n + 1,073,741,824 B <= 80e9 needs n >= 1.37, so 2 GPUs
    view = mp.fit_view(model="Llama-2 7B", mode="training", zero_stage=3, checkpointing="full")
    assert "Fewest data-parallel GPUs that fit with ZeRO-3: 2" in view.details.value


def test_fit_max_context_note():
    view = mp.fit_view(model="Llama-2 7B")
    # (80e9 - 2 x 6,738,415,616) / (2 x 32 x 4096 x 2 B per token) = 126,882.9 -> 126,882 tokens
    assert "126,882 tokens" in view.details.value and "4,096" in view.details.value


@pytest.mark.parametrize("control, value, name", [("n_gpus", 0, "number of GPUs must be"),
                                                  ("batch", 0, "batch (sequences) must be"),
                                                  ("batch", -4, "batch (sequences) must be")])
def test_fit_bad_input_is_a_message(control, value, name):
    view = mp.fit_view()
    view.controls[control].value = value
    assert name in view.error.value and view.last is None


def test_plot_memory_breakdown_stacks_parts():
    ax = Figure().add_subplot()
    bars = {"a": {"weights": 2e9, "kv_cache": 1e9, "total": 3e9}, "b": {"weights": 4e9, "kv_cache": 0.0, "total": 4e9}}
    mp.plot_memory_breakdown(ax, bars, capacity_bytes=3.5e9, capacity_label="cap", highlight="b")
    heights = [patch.get_height() for patch in ax.patches]
    assert heights[:4] == [2.0, 4.0, 1.0, 0.0]  # weights of a and b, then kv_cache stacked on top (GB)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["cap", "weights", "kv cache"]


