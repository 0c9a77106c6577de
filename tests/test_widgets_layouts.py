"""Views of notebook 08 (parallel layouts), driven without a browser.

The numbers behind the views are tested in tests/test_layouts.py (hand derivations); here: that the views
show those results, name where groups sit, refuse what cannot be built with a message, and redraw.
"""

import pytest
from matplotlib.figure import Figure

from course_lib import layouts, published_layouts
from course_lib.widgets import layouts as views


def test_search_view_shows_the_fastest_layout_that_fits():
    view = views.search_view()
    found = layouts.search("Llama-2 70B", "DGX H100", 64, 4096, 512)
    best = found.best
    assert view.headline.value.startswith(f"Fastest of {found.n_feasible} that fit: {best.layout.label}, ")
    assert "On 64 × H100 SXM (8 × DGX H100)" in view.details.value
    assert f"{found.n_candidates} layouts tried" in view.details.value
    before = view.image.value
    view.controls["n_gpus"].value = 128
    assert "On 128 × H100 SXM (16 × DGX H100)" in view.details.value and view.image.value != before
    view.controls["model"].value = "DeepSeek-V3"
    # 671e9 x 16 bytes = 10.7 TB of training state: 128 H100s cannot hold it
    assert view.headline.value.startswith("No layout of DeepSeek-V3 fits on 128 × H100 SXM (16 × DGX H100)")
    view.controls["n_gpus"].value = 1024
    assert view.headline.value.startswith("Fastest of ") and "On 1024 × H100 SXM (128 × DGX H100)" in view.details.value
    assert view.error.value == ""


def test_search_view_names_tpu_hosts_not_pods():
    # 64 TPU v5e chips are 64 / 8 = 8 hosts of one 256-chip pod (systems.json: 8 chips per host, ICI over the pod),
    # not "8 x TPU v5e pod (256 chips)", which would be 2,048 chips.
    view = views.search_view(model="Llama-2 7B", system="TPU v5e pod (256 chips)", n_gpus=64)
    assert "On 64 × TPU v5e (8 hosts of 8 in one TPU v5e pod)" in view.details.value
    assert "TPU v5e pod (256 chips)" not in view.details.value and view.error.value == ""
    hand = views.layout_view(model="Llama-2 7B", system="TPU v5e pod (256 chips)", tp=8, pp=1, dp=8)
    assert "<p>8 hosts of 8 in one TPU v5e pod; " in hand.details.value


def test_model_options_list_each_model_once():
    # Llama 3 405B and DeepSeek-V3 are presets (their shapes come from them); only GLM-130B is a paper's shape
    options = views.model_options()
    assert len(options) == len(set(options)) and options[-1] == "GLM-130B (paper's shape)"
    assert "Llama-3.1 405B" in options and "DeepSeek-V3" in options and sum("paper's shape" in o for o in options) == 1


def test_search_view_refuses_what_cannot_be_built():
    view = views.search_view(n_gpus=128)
    view.controls["system"].value = "GB200 NVL72"  # 128 GPUs are not whole 72-GPU racks
    assert "⚠ GPUs: 128 GPUs do not fill whole 72-GPU" in view.error.value  # the slider's description (D17)
    view.controls["system"].value = "Workstation 4x RTX 4090"  # a workstation is never clustered
    assert "never clustered" in view.error.value and view.last is None
    view.controls["n_gpus"].value = 4
    view.controls["model"].value = "Llama-2 70B"
    assert view.headline.value.startswith("No layout of Llama-2 70B fits on 4 × RTX 4090 (1 × Workstation 4x RTX 4090)")


def test_layout_view_by_hand_and_its_errors():
    view = views.layout_view()
    assert view.headline.value.startswith("TP8 PP8 DP1 ZeRO-1 mb1 1f1b selective, 64 GPUs: ")
    assert "<p>8 × DGX H100; " in view.details.value
    assert view.headline.value.endswith("(fits)")
    assert "TP 8: inside one 8-GPU domain" in view.details.value and "PP 8: stages talk over InfiniBand" in \
        view.details.value
    view.controls["tp"].value = 16  # TP across two servers: legal, slow, and said so
    assert "TP 16: crosses 2 domains" in view.details.value
    view.controls["tp"].value = 8
    view.controls["zero_stage"].value = 0
    view.controls["pp"].value = 1  # 70B x 16 bytes / 8 = 138 GB per GPU: does not fit
    assert view.headline.value.endswith("(DOES NOT FIT)")
    view.controls["model"].value = "GPT-2 small"  # 12 heads: TP 8 does not divide them
    assert "⚠ TP: 8 must divide the 12 attention heads" in view.error.value


def test_plot_step_breakdown_and_memory():
    results = layouts.search("Llama-2 70B", "DGX H100", 64, 4096, 512, limit=3).feasible
    ax = views.plot_step_breakdown(Figure().add_subplot(), results)
    bars = ax.collections[0]
    # the segments of each bar add up to its step time
    widths = {}
    for path in bars.get_paths():
        x, y = path.vertices[:, 0], path.vertices[:, 1]
        widths.setdefault(round(float(y.mean())), []).append(float(x.max() - x.min()))
    assert [sum(widths[i]) for i in range(3)] == pytest.approx([r.time.total for r in results])
    assert sum(views.time_parts(results[0]).values()) == pytest.approx(results[0].time.total)
    with pytest.raises(ValueError, match="^results"):
        views.plot_step_breakdown(Figure().add_subplot(), [])
    memory_ax = views.plot_memory(Figure().add_subplot(), results[0])
    assert sum(p.get_height() for p in memory_ax.patches) == pytest.approx(results[0].memory.total / 1e9)


def test_published_table_lists_every_run():
    table = views.published_table()
    for p in published_layouts.PUBLISHED_LAYOUTS:
        assert p.title in table
        assert f"{p.difference():+.0%}" in table


def test_plot_published_differences_one_bar_per_run():
    ax = views.plot_published_differences(Figure().add_subplot())
    widths = [patch.get_width() for patch in ax.patches if patch.get_height() == 0.6]
    assert widths == pytest.approx([100 * p.difference() for p in published_layouts.PUBLISHED_LAYOUTS])
