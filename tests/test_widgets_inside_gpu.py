"""Views of notebook 02 driven without a browser: set controls, read the headline, details, error and image.

Expected numbers are derived by hand in the comments (whitepaper and datasheet figures).
"""

import pytest
from matplotlib.figure import Figure

from course_lib.widgets import inside_gpu as w


def test_peak_view_rebuilds_and_follows_the_gpu():
    view = w.peak_view()
    # H100 SXM: 132 x 4096 x 1830 MHz = 989.4 TFLOPS vs 989.5
    assert view.headline.value.startswith("132 SMs x 4,096 FLOP/clock x 1,830 MHz = 989.4 TFLOPS vs 989.5")
    view.controls["clock_mhz"].value = 1980  # the CUDA-core boost clock: 1070.5, +8.19 %
    assert "1,070.5 TFLOPS" in view.headline.value and "+8.19 %" in view.headline.value
    view.controls["gpu"].value = "A100 SXM 80GB"  # the slider follows to the A100's 1410 MHz
    assert view.controls["clock_mhz"].value == 1410
    assert view.headline.value.startswith("108 SMs x 2,048 FLOP/clock x 1,410 MHz = 311.9 TFLOPS vs 312.0")
    view.controls["gpu"].value = "B200"
    assert "Cannot rebuild" in view.headline.value and view.error.value == ""
    view.controls["gpu"].value = "V100 SXM2 32GB"
    view.controls["precision"].value = "bf16"  # Volta has no bf16: said in the headline, no traceback
    assert "no bf16 rate" in view.headline.value


def test_peak_view_uses_amds_words_for_the_mi300x():
    view = w.peak_view()
    view.controls["gpu"].value = "MI300X"  # 304 CUs x 2048 x 2100 MHz = 1307.4 TFLOPS, AMD's figure
    assert view.headline.value.startswith("304 compute units x 2,048 FLOP/clock x 2,100 MHz = 1,307.4 TFLOPS")
    assert "Per compute unit: 4 Matrix Cores" in view.details.value
    assert not any(word in view.headline.value + view.details.value for word in ("SM", "Tensor Core", "CUDA"))
    view.controls["gpu"].value = "H100 SXM"  # NVIDIA's words stay NVIDIA's
    assert view.headline.value.startswith("132 SMs x") and "Per SM: 4 Tensor Cores" in view.details.value


def test_hierarchy_view_places_a_working_set():
    view = w.hierarchy_view()
    # 1 GB from HBM3 at 3.35 TB/s: 1e9 / 3.35e12 = 299 us
    assert view.headline.value == "1 GB fits first in GPU memory (HBM3): 299 µs to read once at 3.35 TB/s (published)"
    view.controls["working_set_bytes"].value = 1e7
    assert "shared memory / L1" in view.headline.value and "(derived)" in view.headline.value
    view.controls["working_set_bytes"].value = 4e7  # the L2: bandwidth not published
    assert view.headline.value.endswith("L2 cache: its bandwidth is not published")
    assert "not published" in view.details.value and view.image.value[:4] == b"\x89PNG"
    assert "DGX H100: 2 TB / 8 GPUs" in view.details.value and "illustrative" not in view.details.value


def test_hierarchy_view_shows_the_a100_in_its_own_server():
    view = w.hierarchy_view()
    view.controls["gpu"].value = "A100 SXM 80GB"  # a DGX A100: 2 TB / 8 GPUs over PCIe Gen4, 31.5 GB/s
    assert "DGX A100 (80GB): 2 TB / 8 GPUs; PCIe Gen4" in view.details.value
    assert "DGX H100" not in view.details.value and "31.5 GB/s" in view.details.value
    view.controls["gpu"].value = "RTX 4090"  # in no server of the data: the DGX H100's host, said to be illustrative
    assert view.details.value.count("host of a DGX H100 (illustrative)") == 2


def test_tiling_view_finds_the_compute_bound_tile():
    view = w.tiling_view()
    # T = 128 on an 8192^3 bf16 matmul: 2 / (2 (2/128 + 1/8192)) = 63.5 FLOP/byte; 63.5 x 3.35e12 / 989.5e12 = 21 %
    assert view.headline.value.startswith("T = 128: 63.5 FLOP/byte vs ridge 295 -> memory-bound, at most 21% of peak")
    assert view.headline.value.endswith("compute-bound from T = 613")
    view.controls["tile"].value = 1024
    assert "-> compute-bound, at most 100% of peak" in view.headline.value
    assert "(4 MiB) do not fit in one SM's 256 KiB register file" in view.details.value
    view.controls["tile"].value = 256  # 4 x 256^2 bytes = 256 KiB: the whole register file, nothing left
    assert "accumulators (256 KiB) fill the entire register file of one SM: no room is left" in view.details.value
    assert "real kernels stop at about 128 x 256" in view.details.value and " fits " not in view.details.value
    view.controls["tile"].value = 128  # 4 x 128^2 = 64 KiB, a quarter
    assert "accumulators (64 KiB) take 25% of one SM's 256 KiB register file" in view.details.value
    view.controls["gpu"].value = "A100 SXM 80GB"  # ridge 312 / 2.039 = 153 -> T = 312
    assert view.headline.value.endswith("compute-bound from T = 312")


def test_attention_view_compares_the_three_methods():
    view = w.attention_view()
    # N = 8192, d = 128, bf16: standard 2 (4 N d + 4 N^2) = 545 MB; minimum 2 x 4 N d = 8.39 MB
    assert view.headline.value.startswith("N = 8,192 (bf16): standard 545 MB per head (memory-bound)")
    assert "minimum 8.39 MB (compute-bound)" in view.headline.value
    view.controls["seq_len"].value = 256  # 256 / 2 = 128 FLOP/byte: below the H100's ridge even at the minimum
    assert view.headline.value.endswith("(memory-bound)")
    assert view.details.value.count("<tr>") == 4
    view.controls["gpu"].value = "V100 SXM2 32GB"  # no bf16 on Volta: fp16, 2 bytes as well
    assert view.headline.value.startswith("N = 256 (fp16)") and view.error.value == ""


def test_tensor_parallel_view():
    view = w.tensor_parallel_view()
    assert "19% of the compute time over NVLink, 170% over the network cards" in view.headline.value
    assert "Per layer and micro-batch of 4,096 tokens, at 50% MFU (the share of the peak" in view.details.value
    view.controls["tensor_parallel"].value = 2
    assert view.headline.value.startswith("Llama-2 70B, 2 GPUs")


def test_checkpoint_view():
    view = w.checkpoint_view()
    # 70e9 x 14 B = 980 GB; Tectonic 2 TB/s: 0.49 s; 1,024 GPUs: MTBF 16 x 54 x 86,400 / 419 s = 2.06 days
    assert view.headline.value.startswith("980 GB per checkpoint, 490 ms to write; a failure every 2.06 days")
    view.controls["store"].value = "a store you describe (GB/s below)"
    view.controls["your_gbs"].value = 10.0  # 980 GB / 10 GB/s = 98 s
    assert "1.63 min to write" in view.headline.value
    view.controls["your_gbs"].value = -1.0
    assert "your store, GB/s total must be a number above 0" in view.error.value


def test_power_view():
    view = w.power_view()
    # 4 x 10.2 kW = 40.8 kW; air at +10 K: 40,800 / (1.204 x 1005 x 10) m3/s = 7,145 CFM; water 0.98 L/s
    assert view.headline.value == ("4 DGX H100: 40.8 kW of IT load, 40.8 kW at PUE 1.00; to carry it off at +10 K: "
                                   "7,145 CFM of air or 0.98 L/s of water")
    view.controls["pue"].value = 1.5
    assert "61.2 kW at PUE 1.50" in view.headline.value


def test_static_figures_and_tables():
    assert w.plot_server(Figure().add_subplot()).get_title().startswith("DGX H100: 8 GPUs, 4 NVSwitch chips, 8 network")
    ax = w.plot_software_stack(Figure().add_subplot())
    assert {"NCCL", "RCCL", "HCCL"} <= {t.get_text() for t in ax.texts}
    table = w.peak_rebuild_table()
    assert "989.4" in table and "not published" in table
    assert "1,835" in w.accelerator_table() and "not published" in w.accelerator_table()  # Gaudi 3; TPU power
    assert "NCCL" in w.software_stack_table()
    assert "not published" in w.hierarchy_table("H100 SXM")


def test_no_dollar_signs_in_any_label():
    for view in (w.peak_view(), w.hierarchy_view(), w.tiling_view(), w.attention_view(), w.tensor_parallel_view(),
                 w.checkpoint_view(), w.power_view()):
        texts = [view.headline.value] + [getattr(c, "description", "") for c in view.controls.values()]
        assert not any("$" in text for text in texts)


@pytest.mark.parametrize("factory", [w.peak_view, w.hierarchy_view, w.tiling_view, w.attention_view,
                                     w.tensor_parallel_view, w.checkpoint_view, w.power_view])
def test_every_view_has_a_slider(factory):
    view = factory()
    assert any(type(c).__name__ in ("IntSlider", "FloatSlider", "SelectionSlider") for c in view.controls.values())
    assert view.headline.value and view.error.value == ""
