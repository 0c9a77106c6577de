"""Widgets of notebook 03 driven without a browser; expected numbers are hand-derived here."""

import dataclasses

import pytest
from matplotlib.figure import Figure

from course_lib import hardware
from course_lib.widgets import flops

# Llama-2 7B has 6,738,415,616 parameters (Hugging Face config; tests/test_models.py derives it).
# 6 x 6,738,415,616 x 2e12 tokens = 8.0861e22 FLOP.
# A100 SXM 80GB dense bf16 = 312 TFLOPS (datasheet "312 | 624*"); 1024 GPUs at 40% MFU:
# 8.0861e22 / (1024 x 312e12 x 0.4) = 632,738 s = 7.32 days; GPU-hours = 632,738 x 1024 / 3600 = 179,979.


@pytest.fixture
def training():
    return flops.training_cost_view(model="Llama-2 7B", n_tokens=2e12, gpu="A100 SXM 80GB", n_gpus=1024, mfu=0.4,
                                    usd_per_gpu_hour=2.0)


def test_training_view_defaults_match_hand_computation(training):
    assert training.error.value == ""
    headline = training.headline.value
    assert "8.09e+22 FLOP" in headline
    assert "7.32 days" in headline
    assert "179,979 GPU-hours" in headline
    assert "USD 359,958" in headline and "$" not in headline  # 179,979 x USD 2 (typed from code: "your price")
    assert "USD 2.00 per GPU-hour (your price)" in training.details.value
    # energy: 1024 x 400 W x 632,738 s = 2.592e11 J = 71,992 kWh = 72 MWh
    assert "72 MWh" in training.details.value
    assert "6,738,415,616" in training.details.value
    assert training.image.value


def test_more_gpus_shorter_time_same_gpu_hours(training):
    first_image = training.image.value
    training.controls["n_gpus"].value = 2048
    assert "3.66 days" in training.headline.value  # 632,738 s / 2 = 316,369 s = 3.66 days
    assert "179,979 GPU-hours" in training.headline.value
    assert training.image.value != first_image  # the marked point moved


def test_lower_mfu_takes_longer(training):
    training.controls["mfu"].value = 0.2
    assert "14.6 days" in training.headline.value  # 2 x 7.32 days


def test_faster_gpu_and_other_model(training):
    training.controls["gpu"].value = "H100 SXM"
    # H100 SXM dense bf16 = 1,979* / 2 = 989.5 TFLOPS: 8.0861e22 / (1024 x 989.5e12 x 0.4) = 199,511 s = 2.31 days
    assert "2.31 days" in training.headline.value
    training.controls["model"].value = "GPT-2 small"
    training.controls["n_tokens"].value = 3e11
    # 6 x 124,439,808 x 3e11 = 2.240e20 FLOP
    assert "2.24e+20 FLOP" in training.headline.value


def test_bad_inputs_show_messages_not_tracebacks(training):
    training.controls["n_gpus"].value = 0
    assert "number of GPUs must be a whole number from 1" in training.error.value  # its description, not n_gpus (D17)
    assert training.headline.value == "" and training.last is None
    training.controls["n_gpus"].value = 8
    assert training.error.value == ""
    training.controls["price_typed"].value = "-1"
    assert "your price for A100 SXM 80GB" in training.error.value
    training.controls["price_typed"].value = "2"
    training.controls["precision"].value = "fp8"  # the A100 has no FP8 tensor cores
    assert "precision" in training.error.value and "fp8" in training.error.value


def test_the_price_comes_from_the_snapshot_or_is_typed_never_carried_over(training):
    # Learner review: the price must follow the GPU. Snapshot: H100 SXM USD 2.99 (Lambda, 2026-05-18);
    # none for the A100 SXM 80GB. H100: 8.0861e22 / (989.5e12 x 0.4) / 3600 = 56,749.33 GPU-hours x 2.99 = USD 169,680.5.
    training.controls["gpu"].value = "H100 SXM"
    assert training.controls["price_typed"].value == ""  # the USD 2 typed for the A100 stays with the A100
    assert "USD 169,681" in training.headline.value
    assert "USD 2.99 per GPU-hour (snapshot: Lambda on-demand, 2026-05-18)" in training.details.value
    training.controls["gpu"].value = "A100 SXM 80GB"
    assert training.controls["price_typed"].value == "2"
    training.controls["price_typed"].value = ""
    assert training.headline.value.endswith("cost: no A100 SXM 80GB price in the snapshot, type one")
    assert "no price in the snapshot: enter one" in training.details.value


def test_energy_without_published_tdp(training, monkeypatch):
    catalog_gpu = hardware.get_gpu
    monkeypatch.setattr(hardware, "get_gpu", lambda name: dataclasses.replace(catalog_gpu(name), tdp_w=None))
    training.controls["n_gpus"].value = 512
    assert training.error.value == ""
    assert "no TDP published" in training.details.value
    assert "14.6 days" in training.headline.value  # 2 x 7.32 days: half the GPUs


@pytest.fixture
def matmul():
    return flops.matmul_view(m=4096, n=4096, k=4096, gpu="H100 SXM", efficiency=0.7, precision="bf16")


def test_matmul_view_counts_two_flop_per_multiply_add(matmul):
    # 4096^3 = 68,719,476,736 multiply-adds = 137,438,953,472 FLOP;
    # on H100 SXM at 70% of 989.5 TFLOPS: 1.3744e11 / 6.9265e14 = 198 µs
    assert "137 GFLOP" in matmul.headline.value
    assert "198 µs" in matmul.headline.value
    assert "68,719,476,736" in matmul.details.value
    assert "137,438,953,472" in matmul.details.value


def test_matmul_view_shows_roofline_time_and_bound(matmul):
    # default 4096^3 bf16: arithmetic 198 us > memory 3 x 4096^2 x 2 B = 100,663,296 B / 3.35e12 B/s = 30 us
    assert "compute-bound" in matmul.headline.value and "101 MB" in matmul.headline.value
    assert "100,663,296" in matmul.details.value and "1,365.3 FLOP/byte" in matmul.details.value  # 4096 / 3
    # Learner review: k = 1 is an outer product that writes a 4096^2 bf16 output.
    # bytes (4096 + 4096 + 4096^2) x 2 = 33,570,816 -> / 3.35e12 = 10.02 us, far above the arithmetic
    # 33,554,432 FLOP / (989.5e12 x 0.7) = 0.0484 us: memory-bound, 10 us.
    first_image = matmul.image.value
    matmul.controls["k"].value = 1
    headline = matmul.headline.value
    assert "33.6 MB to move → 10 µs on one H100 SXM: memory-bound" in headline
    assert "0.0484 µs" in headline  # the arithmetic alone, still shown
    assert "33,570,816" in matmul.details.value and "memory-bound" in matmul.details.value
    assert matmul.image.value != first_image  # the bars follow the roofline time too


def test_plot_matmul_times_uses_the_roofline():
    fig = Figure()
    # k = 1 outer product on each GPU: the bars are bytes / bandwidth, not FLOP / peak
    ax = flops.plot_matmul_times(fig.add_subplot(), 33_554_432, "H100 SXM", 0.7, "bf16", 33_570_816)
    seconds = dict(zip([t.get_text() for t in ax.texts], [bar.get_width() for bar in ax.patches], strict=True))
    assert seconds["H100 SXM"] == pytest.approx(10.02e-6, rel=1e-3)  # 33,570,816 B / 3.35e12 B/s
    assert seconds["A100 SXM 80GB"] == pytest.approx(16.46e-6, rel=1e-3)  # 33,570,816 B / 2.039e12 B/s
    assert "bandwidth" in ax.get_xlabel()


def test_matmul_view_follows_sliders_and_gpu(matmul):
    first_image = matmul.image.value
    matmul.controls["k"].value = 1  # 2 x 4096 x 4096 x 1 = 33,554,432 FLOP
    assert "33.6 MFLOP" in matmul.headline.value
    matmul.controls["k"].value = 4096
    matmul.controls["gpu"].value = "V100 SXM2 32GB"  # Volta has no bf16
    assert "bf16" in matmul.error.value
    matmul.controls["precision"].value = "fp16"  # 1.3744e11 / (125e12 x 0.7) = 1.57 ms
    assert matmul.error.value == ""
    assert "1.57 ms" in matmul.headline.value
    assert matmul.image.value != first_image  # another GPU highlighted, other precision


def test_plot_helpers_draw_on_a_given_axes():
    fig = Figure()
    ax = flops.plot_training_days(fig.add_subplot(1, 2, 1), 8.4e22, "A100 SXM 80GB", 1024, 0.4)
    assert ax.get_xlabel() == "number of GPUs"
    days = ax.lines[0].get_ydata()
    # one GPU: 8.4e22 / (312e12 x 0.4) = 673,076,923 s = 7,790 days
    assert days[0] == pytest.approx(7790.2, rel=1e-3)
    bars = flops.plot_matmul_times(fig.add_subplot(1, 2, 2), 1e12, "H100 SXM", 0.5)
    labels = [t.get_text() for t in bars.texts]  # row names are texts left of the axes (no tick objects)
    assert "H100 SXM" in labels and "V100 SXM2 32GB" not in labels  # V100 has no bf16 rate
