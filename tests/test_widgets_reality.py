"""Views of notebook 11, driven without a browser; expected values are derived by hand in comments."""

import pytest
from matplotlib.figure import Figure

from course_lib import reality
from course_lib.widgets import reality as reality_widgets


def test_comparison_view_default_headline():
    view = reality_widgets.comparison_view()
    # 6 x 174,604,259,328 x 300e9 = 3.142877e23 vs 3.14e23: +0.09 %, tolerance 0.2 %.
    assert view.headline.value == ("GPT-3 175B: total training compute: course_lib 3.143e+23 vs published 3.14e+23 "
                                   "FLOP (+0.09 %, within the ± 0.2 % tolerance)")
    assert "Table D.1" in view.details.value and "arXiv:2005.14165" in view.details.value
    assert view.error.value == ""


def test_comparison_view_follows_the_dropdown():
    view = reality_widgets.comparison_view()
    before = view.image.value
    view.controls["key"].value = "vllm-kv-opt13b"
    # 2 x 5120 x 40 x 2 = 819,200 bytes = 800 x 1024.
    assert view.headline.value.startswith("OPT-13B: KV cache per token in fp16: course_lib 800 vs published 800 ")
    assert "+0.00 %" in view.headline.value
    assert "1024" in view.details.value and "Section 3" in view.details.value
    assert view.image.value != before
    view.controls["key"].value = "megatron-gpt3-days"
    # 34.730 days vs 34: +2.15 %; Megatron / 6ND = 1.3687; 140/312 / 1.3687 = 32.8 %.
    assert "course_lib 34.73 vs published 34 days (+2.15 %, within the ± 3 % tolerance)" in view.headline.value
    assert "1.3687" in view.details.value and "32.8%" in view.details.value
    assert "recomputation" in view.details.value


def test_every_comparison_renders_within_tolerance():
    view = reality_widgets.comparison_view("mtnlg-mfu")
    for row in reality.COMPARISONS:
        view.controls["key"].value = row.key
        assert view.error.value == "" and view.last is not None
        assert view.headline.value.startswith(row.title) and "within" in view.headline.value


def test_comparison_view_rejects_unknown_key():
    with pytest.raises(ValueError, match=r"^comparison"):
        reality_widgets.comparison_view("gpt-5")


def test_mfu_view_default_and_agreement():
    view = reality_widgets.mfu_view()
    # 6 x 65.2e9 x 1.4e12 / (2048 x 312e12 x 0.40) = 24.80 days vs 21: +18 %; agree at 21 days -> 47.2 %.
    assert view.headline.value == ("LLaMA-65B (2048 A100) at 40% MFU: 24.8 days predicted vs 21 published (+18 %); "
                                   "they agree at 47.2% MFU")
    view.controls["mfu"].value = 0.47
    # 24.80 x 0.40 / 0.47 = 21.11 days: +1 %.
    assert "21.11 days predicted vs 21 published (+1 %)" in view.headline.value


def test_mfu_view_gpu_hour_runs_and_figure():
    view = reality_widgets.mfu_view()
    before = view.image.value
    view.controls["run"].value = "Llama-2 70B"
    # 6 x 68,976,648,192 x 2e12 / (312e12 x 0.40) / 3600 = 1,842,325 GPU-hours vs 1,720,320: +7 %; agree at 42.8 %.
    assert view.headline.value == ("Llama-2 70B at 40% MFU: 1,842,325 GPU-hours predicted vs 1,720,320 published "
                                   "(+7 %); they agree at 42.8% MFU")
    assert view.image.value != before
    before = view.image.value
    view.controls["mfu"].value = 0.6
    assert view.image.value != before


def test_mfu_view_slider_cannot_reach_zero():
    # Browser review D6: the slider went down to 0 % and the view rejected its own position. Now every position is
    # an MFU the view accepts, from 15 % (the plot's left edge) to 100 %, labelled in percent.
    view = reality_widgets.mfu_view()
    slider = view.controls["mfu"]
    assert slider.options[0] == ("15%", 0.15) and slider.options[-1] == ("100%", 1.0)
    for index in range(len(slider.options)):
        slider.index = index
        assert view.error.value == "" and view.last is not None, slider.value
    with pytest.raises(ValueError, match="^mfu must be a fraction from 0.15 to 1"):
        reality_widgets.mfu_view(mfu=0.0)


def test_table_lists_every_row_with_its_source():
    table = reality_widgets.comparison_table_html()
    assert table.count("<tr>") == len(reality.COMPARISONS) + 1
    for row in reality.COMPARISONS:
        assert row.source.split(",")[0] in table
    # ZeRO stage 3: 1.875 vs 1.9 GB = -1.32 %.
    assert "-1.32 %" in table


def test_plot_ratios_puts_every_row_on_one_unit_free_axis():
    # Learner review 2026-12 (07, item 3): a log-log plot mixed FLOP, days, GB and %; the ratio has no unit.
    ax = Figure().add_subplot()
    assert reality_widgets.plot_ratios(ax, highlight="zero-stage3") is ax
    assert ax.get_xscale() == "linear"
    bands, dots = ax.collections
    ratios = {row.key: x for row, (x, _) in zip(reality.COMPARISONS, dots.get_offsets(), strict=True)}
    assert len(ratios) == len(reality.COMPARISONS)
    # 6 x 174,604,259,328 x 300e9 = 3.142877e23 FLOP vs 3.14e23: ratio 1.000916
    assert ratios["gpt3-compute"] == pytest.approx(1.000916, abs=1e-6)
    # ZeRO stage 3: 16 B x 7.5e9 / 64 = 1.875 GB vs 1.9: 0.98684; vLLM: 819,200 B / 1024 = 800 exactly
    assert ratios["zero-stage3"] == pytest.approx(1.875 / 1.9) and ratios["vllm-kv-opt13b"] == 1
    # one gray band per row, centred on 1, as wide as twice the row's tolerance, at the row's height
    extents = [path.get_extents() for path in bands.get_paths()]
    assert [round((e.x0 + e.x1) / 2, 9) for e in extents] == [1] * len(reality.COMPARISONS)
    assert [e.x1 - e.x0 for e in extents] == pytest.approx([2 * row.tolerance for row in reality.COMPARISONS])
    assert [(e.y0 + e.y1) / 2 for e in extents] == pytest.approx(range(len(reality.COMPARISONS)))
    bold = [t.get_text() for t in ax.texts if t.get_fontweight() == "bold"]
    assert bold == ["10 zero-stage3"]


def test_plot_ratios_axis_is_not_truncated():
    # Learner review 2026-12 (07, item 3): a bar axis from 3.128e23 to 3.152e23 made a 0.09 % gap look large.
    ax = Figure().add_subplot()
    reality_widgets.plot_ratios(ax, [reality.get_comparison("gpt3-compute")])
    low, high = ax.get_xlim()
    # the axis spans the row's whole tolerance band (+- 0.2 %) around 1, so the 0.09 % gap is under half of it
    assert low <= 0.998 and high >= 1.002 and low < 1 < high
    with pytest.raises(ValueError, match=r"^comparisons"):
        reality_widgets.plot_ratios(Figure().add_subplot(), [])


def test_comparison_view_figure_is_the_ratio_plot_with_the_row_highlighted():
    view = reality_widgets.comparison_view("vllm-kv-opt13b")
    fig = Figure()
    view.last.draw(fig)
    ax = fig.axes[0]
    low, high = ax.get_xlim()
    assert ax.get_xscale() == "linear" and low < 1 < high  # a ratio axis, not the row's own unit
    assert [t.get_text() for t in ax.texts if t.get_fontweight() == "bold"] == ["11 vllm-kv-opt13b"]


def test_plot_mfu_explorer_marks_the_chosen_mfu():
    ax = Figure().add_subplot()
    reality_widgets.plot_mfu_explorer(ax, reality.get_run("LLaMA-65B (2048 A100)"), 0.4)
    # The red dot sits at (40 %, 24.80 days).
    dot = ax.lines[-1].get_data()
    assert dot[0][0] == pytest.approx(40) and dot[1][0] == pytest.approx(24.80, abs=0.01)
