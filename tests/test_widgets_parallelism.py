"""Views of notebook 07 (parallelism), driven without a browser.

Expected values are hand computations: ring all-reduce 2(n-1)/n x bytes / per-direction bandwidth
(Patarasuk & Yuan 2009), hierarchical across nodes (reduce-scatter in node, all-reduce of the 1/8 shard
over each GPU's NIC, all-gather in node); NVLink per direction = half the datasheet total (A100 600 -> 300
GB/s, A800 400 -> 200, H100 900 -> 450); PCIe Gen4 x16 = 16 lanes x 16 GT/s x 128/130 / 8 = 31.5077 GB/s;
one HDR 200 Gb/s NIC per GPU = 25 GB/s; AWS g6e 400 Gb/s for 8 GPUs = 6.25 GB/s per GPU; pipeline bubble (p-1)/(m+p-1) (GPipe); ZeRO Figure 1
(7.5B parameters, 64 GPUs: 120 / 31.4 / 16.6 / 1.9 GB); Llama-2 7B has 6,738,415,616 parameters
(its config.json); A100 dense bf16 312 TFLOPS.
"""

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from course_lib import parallel
from course_lib.widgets import parallelism


def test_allreduce_view_follows_controls():
    view = parallelism.allreduce_view()
    # 7e9 x 2 bytes = 14 GB; inside one DGX A100: 2 x 7/8 x 14 GB / 300 GB/s = 81.7 ms
    assert view.headline.value == "14 GB of bf16 gradients over 8 GPUs in 1 node: 81.7 ms (NVLink inside the node)"
    assert "Naive (everything through GPU 0) inside one DGX A100 (80GB) node of 8: 653 ms" in view.details.value
    before = view.image.value
    view.controls["n_gpus"].value = 16  # 2 nodes: + 2 x 1/2 x (14 GB / 8) / 25 GB/s = 70 ms over InfiniBand HDR
    assert view.headline.value == ("14 GB of bf16 gradients over 16 GPUs in 2 nodes: 152 ms "
                                   "(InfiniBand HDR 200 Gb/s between nodes)")
    assert view.image.value != before
    view.controls["n_gpus"].value = 64  # + 2 x 7/8 x 1.75 GB / 25 GB/s = 122.5 ms: 204 ms, never "64 on NVLink"
    assert "over 64 GPUs in 8 nodes: 204 ms (InfiniBand" in view.headline.value
    view.controls["system"].value = "AWS g6e.48xlarge (8x L40S)"
    # PCIe Gen4 inside (2 x 7/8 x 14 / 31.5077 = 777.6 ms) + EFA 6.25 GB/s per GPU (2 x 7/8 x 1.75 / 6.25 = 490 ms)
    assert view.headline.value.endswith(": 1.27 s (EFA 400 Gb/s per instance between nodes)")
    view.controls["grad_dtype"].value = "fp32"
    assert view.headline.value.startswith("28 GB of fp32 gradients") and ": 2.54 s (" in view.headline.value
    assert view.error.value == ""


def test_plot_allreduce_vs_gpus_stays_on_buildable_counts():
    ax = Figure().add_subplot()
    parallelism.plot_allreduce_vs_gpus(ax, 14e9, 8, "HGX A800 8-GPU", max_gpus=64)
    *systems, flat, domain_end, dot = ax.lines
    assert len(systems) == 4 and list(domain_end.get_xdata()) == [8, 8]
    assert dot.get_ydata()[0] == pytest.approx(2 * 7 / 8 * 14e9 / 200e9)  # 122.5 ms inside one A800 node
    # the flat ring across nodes runs at the network's 25 GB/s per GPU: 2 x 63/64 x 14 GB / 25 GB/s at 64 GPUs
    assert list(flat.get_xdata()) == [16, 32, 64]
    assert flat.get_ydata()[-1] == pytest.approx(2 * 63 / 64 * 14e9 / 25e9)
    a800 = next(line for line in systems if line.get_label().startswith("HGX A800"))
    assert list(a800.get_xdata()) == [2, 4, 8, 16, 32, 64]
    # past 8 GPUs the hierarchical all-reduce adds the network term: 2 x 1/2 x 1.75 GB / 25 GB/s at 16
    assert a800.get_ydata()[3] == pytest.approx(2 * 7 / 8 * 14e9 / 200e9 + 1.75e9 / 25e9)
    compact = parallelism.plot_allreduce_vs_gpus(Figure().add_subplot(), 14e9, 8, "HGX A800 8-GPU", compact=True)
    assert [t.get_text() for t in compact.get_legend().get_texts()] == [
        "HGX A800 8-GPU: 200 GB/s inside, 25 GB/s per GPU between nodes", "one flat ring across nodes (no hierarchy)"]


def test_plot_dp_scaling_compact_legend():
    ax = parallelism.plot_dp_scaling(Figure().add_subplot(), "Llama-2 7B", 4096, 0.4,
                                     highlight=("DGX A100 (80GB)", 8), compact=True)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["ideal (n GPUs = n x faster)",
                                                                   "DGX A100 (80GB) (A100 SXM 80GB)"]
    assert ax.lines[-1].get_ydata()[0] == pytest.approx(7.5525, rel=1e-4)  # the dot: 8 GPUs inside one node
    assert len(ax.lines) == 1 + 4 + 1 + 1  # ideal, four systems, the end of one node, the dot


def test_dp_step_view_crosses_the_network_past_one_node():
    view = parallelism.dp_step_view()
    assert view.headline.value == ("8 x A100 SXM 80GB: step 1.41 s (compute 1.33 s, all-reduce 78.6 ms) -> 7.55x one "
                                   "GPU (94% efficiency)")
    assert "inside one 8-GPU domain" in view.details.value
    before = view.image.value
    # 16 GPUs: 13,476,831,232 B: 2 x 7/8 x 13.48e9 / 300e9 = 78.6 ms + 1.685e9 / 25e9 = 67.4 ms over InfiniBand
    view.controls["n_gpus"].value = 16
    assert "all-reduce 146 ms) -> 14.4x one GPU (90% efficiency)" in view.headline.value
    assert "crosses 2 domains" in view.details.value and "InfiniBand HDR" in view.details.value
    assert view.image.value != before
    view.controls["n_gpus"].value = 8
    view.controls["system"].value = "AWS g6e.48xlarge (8x L40S)"  # L40S: 362.05 TFLOPS bf16, PCIe Gen4
    # compute 6 x 6.738e9 x 4096 / (362.05e12 x 0.4) = 1.1436 s; all-reduce 1.75 x 13.48e9 / 31.5077e9 = 0.7485 s
    assert "compute 1.14 s, all-reduce 749 ms" in view.headline.value
    view.controls["overlap"].value = 1.0  # 0.749 s hidden behind 2/3 x 1.14 s = 0.762 s of backward pass
    assert view.headline.value.endswith("-> 8x one GPU (100% efficiency)")
    assert view.error.value == ""


def test_ring_step_lines_four_gpus():
    result = parallel.ring_allreduce([np.arange(4) + 10 * r for r in range(4)], record_steps=True)
    lines = parallelism.ring_step_lines(result.steps)
    assert len(lines) == 6  # n - 1 reduce-scatter + n - 1 all-gather steps
    # reduce-scatter step s: GPU r sends chunk (r - s) mod 4; all-gather step s: chunk (r + 1 - s) mod 4
    assert lines[0] == ("reduce-scatter 1: GPU0 -> GPU1 chunk 0 | GPU1 -> GPU2 chunk 1 | GPU2 -> GPU3 chunk 2 | "
                        "GPU3 -> GPU0 chunk 3")
    assert lines[1].endswith("GPU0 -> GPU1 chunk 3 | GPU1 -> GPU2 chunk 0 | GPU2 -> GPU3 chunk 1 | "
                             "GPU3 -> GPU0 chunk 2")
    assert lines[3] == ("    all-gather 1: GPU0 -> GPU1 chunk 1 | GPU1 -> GPU2 chunk 2 | GPU2 -> GPU3 chunk 3 | "
                        "GPU3 -> GPU0 chunk 0")
    with pytest.raises(ValueError, match="^steps"):
        parallelism.ring_step_lines([])


def test_plot_ring_contributions_one_panel_per_step():
    result = parallel.ring_allreduce([np.ones(4) for _ in range(4)], record_steps=True)
    axes = parallelism.plot_ring_contributions(Figure(), result.steps)
    assert len(axes) == 6
    assert [t.get_text() for t in axes[-1].texts] == ["4"] * 16  # after the last step every chunk is complete
    # after reduce-scatter step 1, each GPU's chunk received from its left neighbour holds 2 inputs
    assert sorted(t.get_text() for t in axes[0].texts) == ["1"] * 12 + ["2"] * 4


def test_bubble_view_formula_and_chart():
    view = parallelism.bubble_view()
    assert view.headline.value == ("1f1b, 4 stages, 8 micro-batches: 27.3% of GPU time idle "
                                   "((p-1)/(m+p-1) = 3/11)")
    # 2 x (8 + 4 - 1) = 22 slots; 1F1B keeps at most p = 4 micro-batches in flight on GPU 0
    assert "27.3% idle over 22 time slots" in view.details.value and "up to 4 micro-batch" in view.details.value
    before = view.image.value
    view.controls["schedule"].value = "gpipe"
    assert "up to 8 micro-batch" in view.details.value  # GPipe runs all m forwards first
    assert view.image.value != before
    view.controls["n_microbatches"].value = 1
    assert "75.0% of GPU time idle" in view.headline.value  # 3 / 4
    view.controls["n_microbatches"].value = 8
    view.controls["backward_ratio"].value = 2
    assert "27.3% idle over 33 time slots" in view.details.value  # 3 x 11 slots, same fraction
    assert view.error.value == ""


def test_zero_view_reproduces_zero_paper_figure_1():
    view = parallelism.zero_view()
    # 7.5B: weights 2 x 7.5 = 15 GB, gradients 2 x 7.5 / 64 = 0.234 GB, optimizer 12 x 7.5 / 64 = 1.406 GB
    assert view.headline.value == ("ZeRO-2, 7.5B parameters on 64 GPUs: 16.6 GB per GPU "
                                   "(fits in A100 SXM 80GB's 80 GB before activations)")
    assert "weights 15 GB, gradients 234 MB, optimizer states 1.41 GB" in view.details.value
    before = view.image.value
    view.controls["stage"].value = 0
    assert ": 120 GB per GPU (does not fit in" in view.headline.value  # 16 x 7.5
    assert view.image.value != before
    view.controls["stage"].value = 1
    assert ": 31.4 GB per GPU" in view.headline.value  # 4 x 7.5 + 12 x 7.5 / 64
    view.controls["stage"].value = 3
    assert ": 1.88 GB per GPU" in view.headline.value  # 16 x 7.5 / 64
    view.controls["n_gpus"].value = 1
    assert "on 1 GPU: 120 GB" in view.headline.value  # nothing to shard over


def test_zero_view_refuses_gpu_counts_no_server_holds():
    # RTX 4090s come at most 4 to a workstation that is never clustered (systems.json); a T4 has no multi-GPU
    # server in the data. 5B on 4 RTX 4090s, ZeRO-3: 16 bytes x 5e9 / 4 = 20 GB, under the card's 24 GB.
    view = parallelism.zero_view(n_params_billion=5, n_gpus=4, stage=3, gpu="RTX 4090")
    assert view.headline.value == ("ZeRO-3, 5B parameters on 4 GPUs: 20 GB per GPU "
                                   "(fits in RTX 4090's 24 GB before activations)")
    view.controls["n_gpus"].value = 8
    assert "never clustered" in view.error.value and "at most 4" in view.error.value
    view.controls["n_gpus"].value = 4
    view.controls["gpu"].value = "T4"
    assert "no multi-GPU server of the T4" in view.error.value
    view.controls["n_gpus"].value = 1
    assert view.error.value == "" and "on 1 GPU: 80 GB" in view.headline.value  # 16 x 5e9, nothing to shard


def test_plot_zero_stages_bar_heights_and_gpu_line():
    ax = Figure().add_subplot()
    parallelism.plot_zero_stages(ax, 7.5e9, 64, stage=2, gpu="RTX 4090")
    bars = ax.collections[0]  # one collection: weights of stages 0-3, then gradients, then optimizer states
    spans = [(path.vertices[:, 1].min(), path.vertices[:, 1].max()) for path in bars.get_paths()]
    heights = [high - low for low, high in spans]
    weights, gradients, optimizer = (heights[i:i + 4] for i in (0, 4, 8))  # one bar per stage 0-3
    assert weights == pytest.approx([15, 15, 15, 15 / 64])  # 2 bytes x 7.5e9
    assert gradients == pytest.approx([15, 15, 15 / 64, 15 / 64])
    assert optimizer == pytest.approx([90, 90 / 64, 90 / 64, 90 / 64])  # 12 bytes
    assert spans[8] == pytest.approx((30, 120))  # stage 0: optimizer states stacked on weights + gradients
    assert [path.vertices[:, 0].mean() for path in bars.get_paths()[:4]] == pytest.approx([0, 1, 2, 3], abs=0.1)
    alphas = bars.get_facecolors()[:, 3]
    assert list(alphas[[2, 6, 10]]) == [1.0] * 3  # stage 2 opaque
    assert alphas[0] < 1
    assert ax.lines[0].get_ydata()[0] == 24  # RTX 4090: 24 GB
    assert "RTX 4090, 24 GB" in ax.get_xlabel()
    texts = [text.get_text() for text in ax.texts]
    assert texts[:4] == ["120 GB\n0: plain DP", "31.4 GB\n1: + optimizer", "16.6 GB\n2: + gradients",
                         "1.88 GB\n3: + weights"]  # 16, 4 + 12/64, 2 + 14/64 and 16/64 bytes x 7.5e9
    assert texts[4:] == ["■ weights", "■ gradients", "■ optimizer states"]  # coloured words instead of a legend
    word_colours = [to_rgba(text.get_color())[:3] for text in ax.texts[4:]]
    assert word_colours == [tuple(bars.get_facecolors()[i, :3]) for i in (0, 4, 8)]  # each word in its part's colour
    assert ax.get_legend() is None


def test_plot_pipeline_schedule_draws_every_busy_slot():
    grid = parallel.pipeline_schedule(3, 4, "1f1b")
    ax = Figure().add_subplot()
    assert parallelism.plot_pipeline_schedule(ax, grid) is ax
    busy = sum(cell is not None for row in grid for cell in row)
    assert len(ax.texts) == busy and sum(len(c.get_paths()) for c in ax.collections) == busy
    assert len(ax.collections) == 2 * 3  # forward and backward bars of each of the 3 stages, batched
    assert "33%" in ax.get_title()  # (3 - 1) / (4 + 3 - 1) = 1/3
    assert ax.get_xlim() == (0, len(grid[0]))
    bare = parallelism.plot_pipeline_schedule(Figure().add_subplot(), grid, labels=False)
    assert not bare.texts and sum(len(c.get_paths()) for c in bare.collections) == busy
