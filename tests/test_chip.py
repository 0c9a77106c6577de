"""course_lib.chip and its data (gpu_arch.json): cited fields, the peak rebuilt from SMs x rate x clock.

Expected values are whitepaper numbers written here as literals (named beside each), multiplied by
hand; the datasheet peaks they are compared with come from the catalog (another document).
"""

import re

import pytest

from course_lib import _sourced, chip, hardware

URL = re.compile(r"https?://\S+")
DATA_FILES = ("gpu_arch.json", "server_components.json", "datacenter.json", "software_stack.json")


# --- every value carries a source ------------------------------------------------------------------


@pytest.mark.parametrize("filename", DATA_FILES)
def test_every_value_has_a_citation_with_a_url_and_every_gap_says_why(filename):
    leaves = _sourced.sourced_leaves(_sourced.load(filename))
    assert len(leaves) > 10
    for leaf in leaves:
        assert URL.search(leaf.source), leaf
        if leaf.value is None:
            assert leaf.note, f"{filename}: an unpublished value needs a note saying so: {leaf}"


def test_unknown_source_key_is_rejected():
    with pytest.raises(ValueError, match="unknown source key 'nope'"):
        _sourced._resolve({"value": 1, "source": "nope"}, {"ok": "x"}, "here")


def test_architecture_keys_are_catalog_gpus():
    names = chip.arch_gpu_names()
    assert {"V100 SXM2 32GB", "A100 SXM 80GB", "H100 SXM", "RTX 4090", "B200", "MI300X"} <= set(names)
    assert all(hardware.get_gpu(name).name == name for name in names)


# --- published whitepaper fields ---------------------------------------------------------------------

PUBLISHED = [
    # Volta whitepaper, Table 1
    ("V100 SXM2 32GB", "sm_count", 80), ("V100 SXM2 32GB", "tensor_cores_per_sm", 8), ("V100 SXM2 32GB", "l2_kib", 6144),
    # A100 whitepaper, Table 3
    ("A100 SXM 80GB", "sm_count", 108), ("A100 SXM 80GB", "max_shared_kib_per_sm", 164), ("A100 SXM 80GB", "l2_kib", 40960),
    # Hopper whitepaper, Table 3
    ("H100 SXM", "sm_count", 132), ("H100 PCIe", "sm_count", 114), ("H100 SXM", "max_shared_kib_per_sm", 228),
    ("H100 SXM", "tensor_clock_mhz", 1830), ("H100 SXM", "boost_clock_mhz", 1980),
    # Ada and RTX Blackwell whitepapers, Appendix A; MI300X data sheet; CUDA programming guide
    ("RTX 4090", "sm_count", 128), ("RTX 4090", "l2_kib", 73728), ("RTX 5090", "sm_count", 170),
    ("MI300X", "sm_count", 304), ("MI300X", "boost_clock_mhz", 2100), ("T4", "max_warps_per_sm", 32),
]


@pytest.mark.parametrize(("gpu", "field", "value"), PUBLISHED)
def test_published_fields(gpu, field, value):
    assert chip.get_arch(gpu).value(field) == value
    assert URL.search(chip.get_arch(gpu).sourced(field).source)


def test_b200_internals_are_marked_unpublished_not_guessed():
    b200 = chip.get_arch("B200")
    for field in ("sm_count", "tensor_clock_mhz", "l2_kib", "register_file_kib_per_sm"):
        assert b200.value(field) is None
        assert "not published" in b200.sourced(field).note


# --- the peak, rebuilt ---------------------------------------------------------------------------------

# SMs x dense FLOP per clock per SM x MHz, from the whitepapers, and the catalog's datasheet peak.
REBUILDS = [
    # V100: 80 SMs x (8 Tensor Cores x 64 FMA x 2) x 1530 MHz = 125.3 TFLOPS; datasheet "125"
    ("V100 SXM2 32GB", "fp16", 80 * 8 * 64 * 2 * 1530e6 / 1e12, 125),
    # T4: 40 x (8 x 64 x 2) x 1590 MHz = 65.1; datasheet "65"
    ("T4", "fp16", 40 * 8 * 64 * 2 * 1590e6 / 1e12, 65),
    # A100: 108 x (1024 FMA x 2) x 1410 MHz = 311.9; datasheet 312
    ("A100 SXM 80GB", "bf16", 108 * 1024 * 2 * 1410e6 / 1e12, 312),
    # H100 SXM: 132 x (2 x 1024 FMA x 2) x 1830 MHz = 989.4; datasheet 1,979 sparse / 2
    ("H100 SXM", "bf16", 132 * 2048 * 2 * 1830e6 / 1e12, 1979 / 2),
    ("H100 SXM", "fp8", 132 * 4096 * 2 * 1830e6 / 1e12, 3958 / 2),
    # H100 PCIe: 114 x 4096 x 1620 MHz = 756.4; datasheet 1,513 sparse / 2
    ("H100 PCIe", "bf16", 114 * 4096 * 1620e6 / 1e12, 1513 / 2),
    # RTX 3090: 82 x (4 x 128 FMA x 2 / 2 for FP32 accumulate) x 1695 MHz = 71.2; whitepaper 71
    ("RTX 3090", "fp16", 82 * 4 * 128 * 2 / 2 * 1695e6 / 1e12, 71),
    # MI300X: 304 CUs x 2048 FLOP x 2100 MHz = 1307.4; data sheet 1,307.4
    ("MI300X", "bf16", 304 * 2048 * 2100e6 / 1e12, 1307.4),
    ("MI300X", "fp8", 304 * 4096 * 2100e6 / 1e12, 2614.9),
]


@pytest.mark.parametrize(("gpu", "precision", "rebuilt", "datasheet"), REBUILDS)
def test_peak_rebuilt_from_the_whitepaper_agrees_with_the_datasheet(gpu, precision, rebuilt, datasheet):
    result = chip.rebuild_peak(gpu, precision)
    assert result.rebuilt_tflops == pytest.approx(rebuilt, rel=1e-12)
    assert result.datasheet_tflops == pytest.approx(datasheet, rel=1e-3)
    assert abs(rebuilt / datasheet - 1) < 0.01  # within rounding, independently of the code
    assert result.agrees and "agree within rounding" in result.explanation


def test_h100_at_its_cuda_core_boost_clock_overshoots_by_8_percent():
    # 132 x 4096 x 1980 MHz = 1070.5 TFLOPS, 8.2 % above 989.5: the Tensor Core peak uses 1830 MHz.
    result = chip.rebuild_peak("H100 SXM", "bf16", clock_mhz=1980)
    assert result.rebuilt_tflops == pytest.approx(132 * 4096 * 1980e6 / 1e12)
    assert result.difference_pct == pytest.approx(100 * (1070.5344 / 989.5 - 1), abs=1e-3)
    assert not result.agrees and "1,830 MHz" in result.explanation and "1,980 MHz" in result.explanation


@pytest.mark.parametrize(("gpu", "why"), [("B200", "SM count"), ("RTX 4090", "per-SM Tensor Core rate")])
def test_unpublished_factors_are_reported_not_guessed(gpu, why):
    result = chip.rebuild_peak(gpu, "bf16")
    assert result.rebuilt_tflops is None and result.difference_pct is None and not result.agrees
    assert result.datasheet_tflops is not None
    assert result.explanation.startswith("Cannot rebuild") and why in result.explanation


def test_precision_without_a_catalog_rate_says_so():
    result = chip.rebuild_peak("V100 SXM2 32GB", "bf16")  # Volta has no bf16
    assert result.datasheet_tflops is None and "no bf16 rate" in result.explanation


def test_unit_terms_are_the_vendors_own():
    # NVIDIA: SMs and Tensor Cores (whitepapers); AMD: compute units and Matrix Cores (MI300X data sheet)
    assert (chip.unit_terms("H100 SXM").blocks, chip.unit_terms("H100 SXM").matrix_units) == ("SMs", "Tensor Cores")
    amd = chip.unit_terms("MI300X")
    assert (amd.block, amd.blocks, amd.matrix_unit, amd.matrix_units) == ("compute unit", "compute units",
                                                                          "Matrix Core", "Matrix Cores")
    # a vendor without words in the table gets neutral ones, never NVIDIA's
    for name in ("Gaudi 3", "TPU v5p"):
        terms = chip.unit_terms(name)
        assert "SM" not in terms.blocks and "Tensor" not in terms.matrix_units and "CUDA" not in terms.vector_peaks


def test_mi300x_rebuild_speaks_amd():
    # 304 CUs x 2048 x 2000 MHz = 1245.2 TFLOPS, -4.76 % from 1307.4: AMD computes its Matrix Core peaks at 2100 MHz
    result = chip.rebuild_peak("MI300X", "bf16", clock_mhz=2000)
    assert result.rebuilt_tflops == pytest.approx(304 * 2048 * 2000e6 / 1e12)
    assert "Matrix Core peaks at 2,100 MHz" in result.explanation and "Tensor" not in result.explanation


def test_parallelism_counts_lanes_tensor_cores_and_resident_threads():
    h100 = chip.parallelism("H100 SXM")
    # 132 SMs x 128 FP32 cores = 16,896 (Hopper whitepaper); x 4 Tensor Cores = 528; 64 warps x 32 threads per SM
    assert (h100.fp32_lanes, h100.tensor_cores) == (16_896, 528)
    assert h100.resident_threads == 132 * 64 * 32 == 270_336
    assert chip.parallelism("MI300X").resident_threads is None  # wavefront limits not in the data


def test_on_chip_bytes():
    sizes = chip.on_chip_bytes("A100 SXM 80GB")
    assert sizes == {"registers": 108 * 256 * 1024, "l1_shared": 108 * 192 * 1024, "l2": 40 * 1024 * 1024}
    assert chip.on_chip_bytes("B200") == {"registers": None, "l1_shared": None, "l2": None}


@pytest.mark.parametrize(("call", "name"), [
    (lambda: chip.get_arch("L4"), "gpu"),
    (lambda: chip.get_arch("H100 SXN"), "gpu name"),
    (lambda: chip.rebuild_peak("H100 SXM", "fp4"), "precision"),
    (lambda: chip.rebuild_peak("H100 SXM", "bf16", clock_mhz=-1), "clock_mhz"),
    (lambda: chip.rebuild_peak("H100 SXM", "bf16", clock_mhz=True), "clock_mhz"),
    (lambda: chip.parallelism("B200"), "gpu"),
    (lambda: chip.get_arch("H100 SXM").value("sm_cnt"), "field"),
    (lambda: chip.constant("warp"), "name"),
])
def test_bad_input_raises_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


def test_uncatalogued_ascend_keeps_only_published_values():
    ascend = chip.uncatalogued_accelerators()["Ascend 910B"]
    assert ascend["memory_gb"].value == 64 and "hiascend.com" in ascend["memory_gb"].source
    assert ascend["memory_bandwidth_gbs"].value is None and ascend["fp16_tflops"].value is None
    assert "910b" not in [name.lower() for name in hardware.gpu_names()]
    first = chip.uncatalogued_accelerators()["Ascend 910"]
    assert (first["fp16_tflops"].value, first["int8_tops"].value, first["tdp_w"].value) == (256, 512, 310)
