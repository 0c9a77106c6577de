"""The measurement views of notebooks 01 and 11 (course_lib.widgets.why_gpus, measured part), without a browser.

Expected values are hand computations from fixed race times and from the published rows of
course_lib/data/gpu_measurements.json (issue 79 of torch-performance-test-data: an H100 80GB HBM3
at 37.39 TFLOPS fp32 and 179.13 fp16 for n = 1024; ml-engineering's MAMF table for bf16).
"""

import pytest
from fakes import synthetic_cpu_report
from matplotlib.figure import Figure

from course_lib import measure
from course_lib.widgets import why_gpus

# This CPU's median seconds at measure.RACE_SIZES (64 ... 4096), fixed so the views are deterministic.
CPU = (2e-6, 1e-5, 1.5e-4, 1.2e-3, 8e-3, None, None)


def live_race():
    """A race as measure.race() returns it on a T4: the GPU loses below n = 256 once the copies count."""
    sizes = (64, 256, 1024)
    return measure.Race(sizes=sizes, cpu=(2e-6, 1.5e-4, 8e-3), gpu_fp32=(1e-5, 2e-5, 5e-4),
                        gpu_fp16=(1e-5, 1.2e-5, 6e-5), gpu_end_to_end=(9e-5, 3e-4, 3e-3),
                        transfer_estimate=tuple(measure.transfer_seconds_estimate(n, "T4") for n in sizes),
                        gpu_name="Tesla T4", catalog_name="T4", measured=True, source="measured here")


def test_race_view_live_headline_follows_the_slider():
    view = why_gpus.race_view(live_race(), n=64)
    assert view.controls["gpu"].options[0] == "your GPU (measured)"
    # n = 64: CPU 2 us against 90 us end to end -> the CPU wins
    assert view.headline.value == "n = 64: CPU 2 µs | GPU fp32 10 µs, fp16 10 µs, with copies 90 µs -> CPU wins"
    before = view.image.value
    view.controls["n"].value = 1024
    # 8 ms on the CPU, 3 ms end to end on the GPU
    assert view.headline.value.endswith("with copies 3 ms -> GPU wins")
    assert view.image.value != before and view.error.value == ""
    # fp32 500 us / fp16 60 us at n = 1024 = 8.3x; at 256 the CPU still wins (0.15 ms vs 0.3 ms): crossover 1024
    assert "fp16 runs 8.3x faster" in view.details.value
    assert "From n = 1,024 on, the GPU wins" in view.details.value


def test_race_view_without_gpu_uses_published_measurements():
    view = why_gpus.race_view(cpu_seconds=CPU, n=1024)
    assert view.controls["gpu"].value == "H100 SXM" and "your GPU (measured)" not in view.controls["gpu"].options
    # issue 79: 2 x 1024^3 / 37.39e12 = 57.4 us (fp32), / 179.13e12 = 12.0 us (fp16);
    # PCIe Gen5 x16 estimate 12 x 1024^2 B / 63.02 GB/s = 200 us; 57.4 + 200 us < 8 ms -> the GPU wins
    assert view.headline.value == ("n = 1,024: CPU 8 ms | GPU fp32 57.4 µs, fp16 12 µs, + copies >= 200 µs (estimate) "
                                   "-> GPU wins")
    assert "published measurement" in view.details.value and 'href="https://github.com/zzc0721/' in view.details.value
    view.controls["n"].value = 64
    assert view.headline.value == "n = 64: CPU 2 µs | GPU not published at this size"
    before = view.image.value
    view.controls["quantity"].value = "TFLOPS"
    assert view.image.value != before
    view.controls["gpu"].value = "V100 SXM2 32GB"
    assert view.error.value == "" and view.headline.value.startswith("n = 64: CPU 2 µs")


def test_plot_race_draws_the_series_and_the_peaks():
    race = live_race()
    ax = why_gpus.plot_race(Figure().add_subplot(), race, "time", n=256)
    cpu_line = ax.lines[0]
    assert list(cpu_line.get_xdata()) == [64, 256, 1024] and list(cpu_line.get_ydata()) == [2e-6, 1.5e-4, 8e-3]
    assert any(list(line.get_xdata()) == [256, 256] for line in ax.lines)  # the marker at n
    ax = why_gpus.plot_race(Figure().add_subplot(), race, "TFLOPS")
    # fp16 at 1024: 2 x 1024^3 / 60 us = 35.8 TFLOPS; T4 catalog peaks: fp32 8.1, fp16 65
    fp16 = ax.lines[2]
    assert fp16.get_ydata()[-1] == pytest.approx(2 * 1024**3 / 6e-5 / 1e12)
    peaks = sorted(line.get_ydata()[0] for line in ax.lines if line.get_linestyle() == ":")
    assert peaks == [8.1, 65]
    with pytest.raises(ValueError, match="^quantity"):
        why_gpus.plot_race(Figure().add_subplot(), race, "watts")


def test_plot_cpu_report_bars_are_medians_with_spread():
    report = synthetic_cpu_report()
    ax = why_gpus.plot_cpu_report(Figure().add_subplot(), report)
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == [0.04, 84, 192.4, 166.1]  # loop, float64, float32 medians, then the estimated peak
    whiskers = [tuple(line.get_ydata()) for line in ax.lines]
    assert (0.5 * 192.4, 1.2 * 192.4) in whiskers and (0.9 * 192.4, 1.1 * 192.4) in whiskers
    with pytest.raises(TypeError, match="^report"):
        why_gpus.plot_cpu_report(Figure().add_subplot(), {"float32": 1})


def test_progress_bar_moves():
    box, progress = why_gpus.progress_bar("GPU", width=4)
    (label,) = box.children
    assert label.value == "GPU: waiting"
    progress(0.25, "matmul fp16 ...")
    assert label.value == "GPU █░░░  25% matmul fp16 ..."  # one of four cells filled
    progress(3, "done")
    assert label.value == "GPU ████ 100% done"  # clipped to 100 %


def test_achieved_view_by_precision():
    view = why_gpus.achieved_view()
    # bf16: 12 MAMF rows + 4 per-size rows with a catalog peak; lowest MI300X 668.4 / 1307.4 = 51.1 %,
    # highest Gaudi 2 418.7 / 432 = 96.9 %
    assert view.headline.value == "bf16: 16 published measurements reach 51-97 % of their dense peak"
    before = view.image.value
    view.controls["dtype"].value = "fp8"
    # 8 MAMF fp8 rows: H100 SXM 1402.6 / 1979 = 70.9 % ... Gaudi 2 826.5 / 865 = 95.5 %
    assert view.headline.value == "fp8: 8 published measurements reach 71-96 % of their dense peak"
    assert view.image.value != before and view.error.value == ""


def test_achieved_view_adds_yours():
    sweep = measure.MatmulSweep("fp16", (4096,), (measure.Spread.of([26.0], "TFLOPS"),), 65.0)
    gpu = measure.GPUReport(available=True, reason="test", name="Tesla T4", catalog_name="T4",
                            matmul={"fp16": sweep})
    view = why_gpus.achieved_view(gpu=gpu, cpu=synthetic_cpu_report(), dtype="fp16")
    assert "Tesla T4 (yours): 40 %" in view.details.value  # 26 / 65
    view.controls["dtype"].value = "fp32"
    assert "(yours, fp32 vs estimate): 116 %" in view.details.value  # 192.4 / 166.1
    rows = measure.achieved_fractions("fp16", gpu=gpu, benchmark=None)
    ax = why_gpus.plot_achieved_fractions(Figure().add_subplot(), rows)
    colors = [bar.get_facecolor() for bar in ax.patches]
    assert len(set(colors)) == 2  # the learner's bar stands out
    with pytest.raises(ValueError, match="^rows"):
        why_gpus.plot_achieved_fractions(Figure().add_subplot(), [])
