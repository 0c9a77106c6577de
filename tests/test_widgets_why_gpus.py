"""Views of notebook 01, driven without a browser.

Expected values are hand computations from datasheet figures: H100 SXM 67 TFLOPS fp32 vector,
989.5 TFLOPS bf16 dense (1,979 with sparsity), 3,350 GB/s, 700 W; A100 SXM 80GB 19.5 TFLOPS fp32,
312 bf16, 2,039 GB/s, 400 W; Xeon Platinum 8480+ 56 cores x 2.0 GHz x 64 FLOP/cycle = 7.168 TFLOPS
fp32, 8 x DDR5-4800 = 307.2 GB/s, 350 W (Intel ARK).
"""

import pytest
from matplotlib.figure import Figure

from course_lib.widgets import why_gpus

H100, A100, XEON = "H100 SXM", "A100 SXM 80GB", "Xeon Platinum 8480+"


def test_amdahl_view_follows_sliders():
    view = why_gpus.amdahl_view()
    # 1 / (0.05 + 0.95/1000) = 19.63; busy 19.63 / 1000 = 2.0 %
    assert view.headline.value == "95.0% parallel on 1,000 workers: 19.6x faster (each worker busy 2.0% of the time)"
    assert "With a billion workers: 20x" in view.details.value  # 1 / (0.05 + 0.95e-9) = 19.99999998
    before = view.image.value
    view.controls["parallel_fraction"].value = 0.5
    # 1 / (0.5 + 0.5/1000) = 1.998
    assert view.headline.value.startswith("50.0% parallel on 1,000 workers: 2x faster")
    assert view.image.value != before
    view.controls["n_workers"].value = 1
    assert "on 1 workers: 1x faster (each worker busy 100.0%" in view.headline.value
    assert view.error.value == ""


def test_amdahl_view_small_busy_shares_keep_two_significant_figures():
    # Learner review: 100,000 workers read "busy 0.0%". 1 / (0.05 + 0.95 / 1e5) = 19.996; / 1e5 = 0.019996 %
    view = why_gpus.amdahl_view(0.95, 100_000)
    assert view.headline.value.endswith("(each worker busy 0.02% of the time)")
    view.controls["parallel_fraction"].value = 0.5  # 1 / (0.5 + 0.5e-5) = 1.99998; / 1e5 = 0.0019999... %
    assert "busy 0.002% of the time" in view.headline.value
    view.controls["parallel_fraction"].value = 0.9999  # 1 / (1e-4 + 0.9999e-5) = 9,091; / 1e5 = 9.09 %
    assert "busy 9.1% of the time" in view.headline.value
    view.controls["n_workers"].value = 1000  # 1 / (1e-4 + 0.9999e-3) = 1 / 1.0999e-3 = 909.2; / 1000 = 90.9 %
    assert "busy 90.9% of the time" in view.headline.value


def test_plot_amdahl_marks_the_chosen_point():
    ax = Figure().add_subplot()
    why_gpus.plot_amdahl(ax, 0.9, 100, max_workers=1000)
    linear, curve, dot = ax.lines
    assert list(dot.get_xdata()) == [100]
    assert dot.get_ydata()[0] == pytest.approx(1 / (0.1 + 0.009))  # 9.17
    assert max(curve.get_ydata()) < 10  # 1 / (1 - 0.9)
    assert max(linear.get_ydata()) == 1000


def test_compare_view_changes_with_precision_and_reports_missing_rates():
    view = why_gpus.compare_view(first=A100, second=H100, precision="bf16")
    # 989.5 / 312 = 3.17; 3350 / 2039 = 1.64; (989.5/700) / (312/400) = 1.81
    assert view.headline.value == ("H100 SXM vs A100 SXM 80GB (bf16, dense): 3.17x peak FLOP/s, "
                                   "1.64x memory bandwidth, 1.81x FLOP/s per watt")
    before = view.image.value
    view.controls["precision"].value = "fp32"
    assert view.headline.value.startswith("H100 SXM vs A100 SXM 80GB (fp32, dense): 3.44x peak")  # 67 / 19.5
    assert view.image.value != before
    view.controls["precision"].value = "fp8"  # A100 has no fp8 path
    assert "precision" in view.error.value and "A100 SXM 80GB has no fp8" in view.error.value
    assert view.last is None


def test_compare_view_without_tdp_leaves_out_flops_per_watt():
    view = why_gpus.compare_view(first="TPU v5e", second=H100, precision="bf16")
    assert view.error.value == ""
    assert "per watt" not in view.headline.value
    assert "No published TDP for TPU v5e" in view.details.value


def test_roofline_view_follows_tokens_and_shows_errors():
    view = why_gpus.roofline_view()
    assert "memory-bound" in view.headline.value and "(0.3% of peak)" in view.headline.value
    before = view.image.value
    view.controls["tokens"].value = 1024
    # 2 x 1024 x 4096^2 / (2 x (1024 x 4096 + 4096^2 + 1024 x 4096)) = 1024 x 4096 / 6144 = 682.7
    assert view.headline.value.startswith("(1,024 x 4096) @ (4096 x 4096) in bf16: 682.7 FLOP/byte")
    assert "compute-bound" in view.headline.value
    assert view.image.value != before
    view.controls["gpu"].value = "Ryzen 7 7840U"  # no bf16 rate published
    assert "⚠ precision: Ryzen 7 7840U has no bf16" in view.error.value


def test_plot_tensor_vs_vector_uses_fp16_where_bf16_is_absent():
    # Learner review 2026-12 (01, item 1): the V100 was drawn as "none" although Volta has Tensor Cores.
    ax = Figure().add_subplot()
    why_gpus.plot_tensor_vs_vector(ax, [A100, H100, "V100 SXM2 32GB", "Ryzen 7 7840U"])
    labels = [t.get_text() for t in ax.texts]
    # A100 312 / 19.5 = 16; H100 989.5 / 67 = 14.8; V100 fp16 Tensor Core 125 / 15.7 = 7.96 (datasheet
    # "Tensor Performance 125 TFLOPS", no bf16 on Volta); the laptop CPU has no matrix unit at all.
    assert labels == ["16x", "14.8x", "7.96x fp16", "none"]
    tensor_bars = [p for p in ax.patches if p.get_facecolor()[:3] != ax.patches[0].get_facecolor()[:3]]
    assert [round(p.get_height(), 1) for p in tensor_bars] == [312, 989.5, 125, 0]
    assert [bool(p.get_hatch()) for p in tensor_bars] == [False, False, True, False]  # the fp16 bar is marked
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["fp32 (vector units)", "bf16 (Tensor/Matrix Cores)", "fp16 (GPU has no bf16)"]


def test_plot_tensor_vs_vector_legend_names_fp16_only_when_drawn():
    ax = Figure().add_subplot()
    why_gpus.plot_tensor_vs_vector(ax, [A100, H100])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["fp32 (vector units)", "bf16 (Tensor/Matrix Cores)"]


def test_roofline_view_draws_the_point_on_the_roof_with_a_singular_label():
    # Learner review 2026-12, section 2: the label read "1 tokens" and the promised point was a vertical line.
    view = why_gpus.roofline_view()
    fig = Figure()
    view.last.draw(fig)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "1 token: 0.3% of peak" in texts and not any("1 tokens" in t for t in texts)
    # The red point sits on the roof: x = 0.9995 FLOP/byte, y = 0.9995 x 3.35 TB/s = 3.348 TFLOP/s.
    (point,) = [line for line in ax.lines if line.get_marker() == "o"]
    assert point.get_xdata()[0] == pytest.approx(0.9995, abs=1e-4)
    assert point.get_ydata()[0] == pytest.approx(0.9995 * 3.35, rel=1e-4)
    x_range = ax.get_xlim()
    view.controls["tokens"].value = 512
    fig = Figure()
    view.last.draw(fig)
    ax = fig.axes[0]
    (point,) = [line for line in ax.lines if line.get_marker() == "o"]
    # 512 tokens: 512 x 4096 / (2 x 512 + 4096) = 409.6 FLOP/byte > ridge 295.4: on the flat roof, 989.5 TFLOP/s
    assert point.get_xdata()[0] == pytest.approx(409.6) and point.get_ydata()[0] == pytest.approx(989.5)
    assert "512 tokens: 100.0% of peak" in [t.get_text() for t in ax.texts]
    assert ax.get_xlim() == pytest.approx(x_range)  # the point moves, the axes stay


def test_plot_rates_labels_and_validation():
    ax = Figure().add_subplot()
    why_gpus.plot_rates(ax, {"Python loop": 0.01, "numpy": 50.0})
    assert [t.get_text() for t in ax.texts] == ["10 MFLOPS", "50 GFLOPS"]
    assert ax.get_yscale() == "log"
    with pytest.raises(ValueError, match=r"^gflops\['numpy'\]"):
        why_gpus.plot_rates(Figure().add_subplot(), {"numpy": -1.0})
    with pytest.raises(ValueError, match=r"^gflops"):
        why_gpus.plot_rates(Figure().add_subplot(), {})


def test_bad_input_names_parameter():
    with pytest.raises(ValueError, match="^gpus"):
        why_gpus.plot_roofline(Figure().add_subplot(), [], "bf16")
    with pytest.raises(ValueError, match="^points"):
        why_gpus.plot_roofline(Figure().add_subplot(), A100, points={"x": -1})
    with pytest.raises(ValueError, match=r"^n_workers"):
        why_gpus.plot_amdahl(Figure().add_subplot(), 0.9, 0)


def test_plot_roofline_draws_one_line_per_gpu():
    fig = Figure()
    ax = fig.add_subplot()
    out = why_gpus.plot_roofline(ax, [A100, H100], "bf16", points={"GEMV": 1.0, "4096^3 matmul": 1365})
    assert out is ax
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    solid = [line for line in ax.lines if line.get_linestyle() == "-"]
    assert len(solid) == 2
    a100_x, a100_y = solid[0].get_data()
    assert a100_x[1] == pytest.approx(153.02, abs=0.01)  # the kink is at the ridge point
    assert max(a100_y) == pytest.approx(312)  # TFLOP/s
    assert max(solid[1].get_data()[1]) == pytest.approx(989.5)
    assert [t.get_text().strip() for t in ax.texts] == ["GEMV", "4096^3 matmul"]
