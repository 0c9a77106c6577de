"""Tests for the hardware catalog (course_lib.hardware, course_lib/data/gpus.json).

Expected values are written here from the vendors' documents (named next to each table) or derived
by hand from die configurations; none is read back from the catalog to check the catalog.
"""

import dataclasses
import datetime
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import hardware
from course_lib._registry import Registry
from course_lib._validate import normalize_key
from course_lib.hardware import PRECISIONS, get_gpu, gpu_names, list_gpus

URL = re.compile(r"https?://\S+")

REQUIRED_ROWS = [
    "V100 SXM2 32GB", "A100 SXM 40GB", "A100 SXM 80GB", "A100 PCIe 80GB", "A800 SXM 80GB", "H100 SXM", "H100 PCIe",
    "H800 SXM", "H200 SXM", "B200", "L4", "L40S", "T4", "RTX 3090", "RTX 4090", "RTX 5090", "MI300X",
    "Jetson AGX Orin 64GB",
]


def rel_close(value, expected, rel):
    return value == pytest.approx(expected, rel=rel)


# --- (a) every row is sourced and physically sensible ------------------------------------------------


def test_catalog_has_the_required_rows_and_kinds():
    names = gpu_names()
    assert set(REQUIRED_ROWS) <= set(names)
    assert len(names) == len(set(names))
    assert gpu_names("tpu") and len(gpu_names("cpu")) >= 2
    assert {g.kind for g in list_gpus()} == {"gpu", "tpu", "accelerator", "cpu"}


@pytest.mark.parametrize("gpu", list_gpus(), ids=lambda g: g.name)
def test_every_row_has_a_source_with_a_url(gpu):
    assert gpu.source.strip()
    assert URL.search(gpu.source), gpu.source


@pytest.mark.parametrize("gpu", list_gpus(), ids=lambda g: g.name)
def test_prices_only_with_a_dated_cited_source(gpu):
    if gpu.price_usd is None and gpu.rent_usd_per_hour is None:
        assert gpu.price_source is None
        return
    assert gpu.price_source and URL.search(gpu.price_source)
    assert re.search(r"\b(19|20)\d\d-\d\d-\d\d\b", gpu.price_source), "price_source must state its date"
    for price in (gpu.price_usd, gpu.rent_usd_per_hour):
        assert price is None or price > 0


@pytest.mark.parametrize("gpu", list_gpus(), ids=lambda g: g.name)
def test_every_row_is_physically_sensible(gpu):
    assert gpu.kind in ("gpu", "tpu", "accelerator", "cpu")
    assert gpu.market in ("datacenter", "workstation", "consumer", "edge", "china")
    assert 2015 <= gpu.year <= datetime.date.today().year + 1  # announced, at most, for next year
    assert gpu.memory_gb > 0 and gpu.memory_bandwidth_gbs > 0
    assert gpu.interconnect_gbs is None or gpu.interconnect_gbs > 0
    assert set(gpu.tflops) == set(PRECISIONS)
    assert all(v is None or v > 0 for v in gpu.tflops.values())
    assert gpu.tflops["bf16"] or gpu.tflops["fp16"] or gpu.tflops["fp32"]
    if gpu.kind == "gpu":
        assert gpu.tdp_w > 0
        assert gpu.tflops["fp32"] > 0
        assert gpu.pcie_gen in (3, 4, 5)


def test_memory_properties_are_decimal_bytes():
    assert get_gpu("a100").memory_bytes == 80e9  # datasheet "80GB" = 80 x 10^9 bytes
    assert get_gpu("a100").memory_bandwidth_bytes_per_s == 2039e9


# --- (b) internal consistency, derived independently -------------------------------------------------

# Datacenter Ampere/Hopper/Blackwell and CDNA3 matrix units: FP16 = BF16, TF32 = FP16/2, INT8 = 2 x FP16
# (A100 and Hopper whitepapers, MI300X data sheet). Datasheets round to whole TFLOPS, hence rel=2e-3.
RATIO_1_2_4 = ["A100 SXM 40GB", "A100 SXM 80GB", "A100 PCIe 80GB", "A800 SXM 80GB", "H100 SXM", "H100 PCIe",
               "H800 SXM", "H200 SXM", "B200", "MI300X"]


@pytest.mark.parametrize("name", RATIO_1_2_4)
def test_datacenter_tensor_rate_ratios(name):
    t = get_gpu(name).tflops
    assert t["fp16"] == t["bf16"]
    assert rel_close(t["tf32"], t["fp16"] / 2, 2e-3)
    assert rel_close(t["int8"], 2 * t["fp16"], 2e-3)


@pytest.mark.parametrize("name", ["H100 SXM", "H100 PCIe", "H800 SXM", "H200 SXM", "B200", "MI300X", "RTX 4090"])
def test_fp8_is_twice_fp16(name):
    # Hopper/Blackwell/CDNA3: FP8 runs at 2x FP16. RTX 4090: FP8 and FP16 both with FP32 accumulate (Ada whitepaper).
    t = get_gpu(name).tflops
    assert rel_close(t["fp8"], 2 * t["fp16"], 2e-3)


@pytest.mark.parametrize("name", ["A100 SXM 80GB", "V100 SXM2 32GB", "T4"])
def test_no_fp8_before_hopper_and_ada(name):
    assert get_gpu(name).tflops["fp8"] is None


@pytest.mark.parametrize("name", ["RTX 3090", "RTX 4090", "RTX 5090"])
def test_geforce_rates_are_the_fp32_accumulate_ones(name):
    # GeForce whitepaper tables: FP16 with FP32 accumulate runs at half the FP16-accumulate rate, so
    # INT8 = 4 x fp16 here (it would be 2 x fp16 had the FP16-accumulate figure been stored), and
    # dense TF32 equals the CUDA-core FP32 rate.
    t = get_gpu(name).tflops
    assert rel_close(t["int8"], 4 * t["fp16"], 2e-3)
    assert rel_close(t["tf32"], t["fp32"], 2e-3)
    assert t["bf16"] == t["fp16"]


# Memory bandwidth = bus width (bits) x data rate (Gb/s per pin) / 8, from the vendors' documents:
# GeForce whitepapers (RTX 3090: 384-bit 19.5 Gbps GDDR6X; RTX 4090: 384-bit 21 Gbps; RTX 5090:
# 512-bit 28 Gbps GDDR7), Turing whitepaper (T4: 256-bit 10 Gbps GDDR6), L4 (192-bit 12.5 Gbps),
# L40S (384-bit 18 Gbps), A100 whitepaper (5120-bit HBM2 at 1215 MHz DDR = 2.43 Gbps; the 80GB HBM2e
# part runs 1593 MHz DDR = 3.186 Gbps, as deviceQuery reports), Orin technical brief (256-bit LPDDR5-6400).
BUS = [
    ("RTX 3090", 384, 19.5),
    ("RTX 4090", 384, 21.0),
    ("RTX 5090", 512, 28.0),
    ("T4", 256, 10.0),
    ("L4", 192, 12.5),
    ("L40S", 384, 18.0),
    ("A100 SXM 40GB", 5120, 2.430),
    ("A100 SXM 80GB", 5120, 3.186),
    ("Jetson AGX Orin 64GB", 256, 6.4),
]


@pytest.mark.parametrize(("name", "bus_bits", "gbps_per_pin"), BUS)
def test_memory_bandwidth_is_bus_width_times_data_rate(name, bus_bits, gbps_per_pin):
    assert rel_close(get_gpu(name).memory_bandwidth_gbs, bus_bits * gbps_per_pin / 8, 1e-3)


# CUDA-core FP32 = cores x boost clock x 2 (an FMA is 2 FLOP). Cores and boost clocks from the
# datasheets/whitepapers: V100 5,120 @ 1,530 MHz; A100 6,912 @ 1,410; T4 2,560 @ 1,590; RTX 3090
# 10,496 @ 1,695; RTX 4090 16,384 @ 2,520; RTX 5090 21,760 @ 2,407; Orin 2,048 @ 1,300.
CORES = [
    ("V100 SXM2 32GB", 5120, 1.530),
    ("A100 SXM 80GB", 6912, 1.410),
    ("T4", 2560, 1.590),
    ("RTX 3090", 10496, 1.695),
    ("RTX 4090", 16384, 2.520),
    ("RTX 5090", 21760, 2.407),
    ("Jetson AGX Orin 64GB", 2048, 1.300),
]


@pytest.mark.parametrize(("name", "cores", "boost_ghz"), CORES)
def test_fp32_is_cores_times_clock_times_two(name, cores, boost_ghz):
    # Datasheets print three significant figures (T4: 8.14 -> "8.1"), hence rel=1e-2.
    assert rel_close(get_gpu(name).tflops["fp32"], cores * boost_ghz * 2 / 1e3, 1e-2)


def test_a100_tensor_peak_from_sm_count():
    # A100 whitepaper: 108 SMs x 4 Tensor Cores x 256 FP16 FMA/clock x 2 FLOP x 1.41 GHz = 311.9 TFLOPS.
    assert rel_close(get_gpu("a100").tflops["fp16"], 108 * 4 * 256 * 2 * 1.41 / 1e3, 1e-3)


def test_mi300x_vector_peaks_from_compute_units():
    # 304 CUs x 64 lanes x 2 (FMA) x 2 (dual issue / packed FP32) x 2.1 GHz = 163.4 TFLOPS; FP64 half of it.
    t = get_gpu("mi300x").tflops
    assert rel_close(t["fp32"], 304 * 64 * 2 * 2 * 2.1 / 1e3, 1e-3)
    assert rel_close(t["fp64"], 304 * 64 * 2 * 2.1 / 1e3, 1e-3)


def test_cpu_peaks_are_cores_times_clock_times_flop_per_cycle():
    # Intel ARK, Xeon Platinum 8480+: 56 cores, 2.0 GHz base, 2 AVX-512 FMA units -> 2 x 8 doubles x 2 = 32
    # FP64 FLOP/cycle; Intel AMX: 1,024 BF16 and 2,048 INT8 operations per cycle per core.
    xeon = get_gpu("xeon").tflops
    assert rel_close(xeon["fp64"], 56 * 2.0 * 32 / 1e3, 1e-9)
    assert rel_close(xeon["fp32"], 56 * 2.0 * 64 / 1e3, 1e-9)
    assert rel_close(xeon["bf16"], 56 * 2.0 * 1024 / 1e3, 1e-9)
    assert rel_close(xeon["int8"], 56 * 2.0 * 2048 / 1e3, 1e-9)
    # AMD Ryzen 7 7840U: 8 Zen 4 cores, 3.3 GHz base, two 256-bit FMA pipes -> 16 FP64 FLOP/cycle.
    ryzen = get_gpu("7840u").tflops
    assert rel_close(ryzen["fp64"], 8 * 3.3 * 16 / 1e3, 1e-9)
    assert rel_close(ryzen["fp32"], 8 * 3.3 * 32 / 1e3, 1e-9)
    assert ryzen["bf16"] is None and ryzen["int8"] is None  # no matrix unit counted


@pytest.mark.parametrize(("name", "channels", "mt_per_s"), [("xeon", 8, 4800), ("7840u", 2, 7500)])
def test_cpu_memory_bandwidth_is_channels_times_transfer_rate(name, channels, mt_per_s):
    # 64-bit channels move 8 bytes per transfer.
    assert rel_close(get_gpu(name).memory_bandwidth_gbs, channels * mt_per_s * 8 / 1e3, 1e-9)


# --- (c) published figures, written here with their source ------------------------------------------

PUBLISHED = [
    # NVIDIA A100 datasheet (2021)
    ("A100 SXM 80GB", "memory_bandwidth_gbs", 2039), ("A100 SXM 80GB", "interconnect_gbs", 600),
    ("A100 SXM 80GB", "tdp_w", 400), ("A100 SXM 40GB", "memory_bandwidth_gbs", 1555),
    ("A100 PCIe 80GB", "memory_bandwidth_gbs", 1935), ("A100 PCIe 80GB", "tdp_w", 300),
    # NVIDIA H100 / H200 datasheets
    ("H100 SXM", "memory_bandwidth_gbs", 3350), ("H100 SXM", "interconnect_gbs", 900), ("H100 SXM", "tdp_w", 700),
    ("H100 PCIe", "memory_bandwidth_gbs", 2000), ("H200 SXM", "memory_gb", 141), ("H200 SXM", "memory_bandwidth_gbs", 4800),
    # NVIDIA HGX B200 (per GPU), AMD MI300X data sheet, Google TPU v5e docs, V100 datasheet
    ("B200", "memory_gb", 180), ("B200", "interconnect_gbs", 1800), ("B200", "tdp_w", 1000),
    ("MI300X", "memory_gb", 192), ("MI300X", "memory_bandwidth_gbs", 5300), ("MI300X", "tdp_w", 750),
    ("TPU v5e", "memory_gb", 16), ("TPU v5e", "memory_bandwidth_gbs", 819),
    ("V100 SXM2 32GB", "memory_bandwidth_gbs", 900), ("V100 SXM2 32GB", "interconnect_gbs", 300),
    # GeForce whitepapers, L4/L40S/T4 datasheets, Orin technical brief
    ("RTX 4090", "tdp_w", 450), ("RTX 5090", "memory_gb", 32), ("RTX 5090", "tdp_w", 575), ("L4", "tdp_w", 72),
    ("L40S", "memory_gb", 48), ("T4", "tdp_w", 70), ("T4", "memory_gb", 16), ("Jetson AGX Orin 64GB", "tdp_w", 60),
]


@pytest.mark.parametrize(("name", "field", "value"), PUBLISHED)
def test_published_figures(name, field, value):
    assert getattr(get_gpu(name), field) == value


PUBLISHED_DENSE = [
    ("H100 SXM", "bf16", 1979 / 2),  # datasheet: "BF16 Tensor Core 1,979 teraFLOPS*", * = with sparsity
    ("H100 SXM", "fp8", 3958 / 2),
    ("A100 SXM 80GB", "fp16", 312),  # datasheet: "312 | 624*"
    ("A100 SXM 80GB", "tf32", 156),
    ("V100 SXM2 32GB", "fp16", 125),  # datasheet "Tensor Performance 125 TFLOPS" (Volta: no sparsity)
    ("T4", "fp16", 65), ("T4", "int8", 130),  # datasheet mixed precision 65 TFLOPS, INT8 130 TOPS
    ("L4", "fp16", 242 / 2), ("L4", "fp8", 485 / 2),  # datasheet 242* / 485*
    ("L40S", "fp16", 362.05),  # datasheet "362.05 | 733*"
    ("RTX 3090", "fp16", 71),  # GA102 whitepaper, FP16 tensor with FP32 accumulate
    ("RTX 4090", "fp16", 165.2),  # Ada whitepaper, FP16 tensor with FP32 accumulate
    ("RTX 5090", "fp16", 209.5),  # RTX Blackwell whitepaper, FP16 tensor with FP32 accumulate
    ("MI300X", "fp16", 1307.4), ("MI300X", "fp64", 81.7),  # AMD data sheet
    ("B200", "fp8", 72_000 / 8 / 2),  # HGX B200: 72 PFLOPS FP8 (sparse) for 8 GPUs
    ("TPU v5e", "bf16", 197), ("TPU v5e", "int8", 393),  # Google Cloud TPU v5e docs
    ("Jetson AGX Orin 64GB", "int8", 170 / 2),  # technical brief: GPU 170 sparse INT8 TOPS
]


@pytest.mark.parametrize(("name", "precision", "value"), PUBLISHED_DENSE)
def test_published_dense_peaks(name, precision, value):
    assert rel_close(get_gpu(name).peak_tflops(precision), value, 1e-3)


# --- (d) the dense convention: no stored value equals the sparse datasheet figure ---------------------

SPARSE_DATASHEET = {
    "A100 SXM 80GB": {"tf32": 312, "fp16": 624, "bf16": 624, "int8": 1248},
    "A100 PCIe 80GB": {"tf32": 312, "fp16": 624, "bf16": 624, "int8": 1248},
    "H100 SXM": {"tf32": 989, "fp16": 1979, "bf16": 1979, "fp8": 3958, "int8": 3958},
    "H100 PCIe": {"tf32": 756, "fp16": 1513, "bf16": 1513, "fp8": 3026, "int8": 3026},
    "H200 SXM": {"tf32": 989, "fp16": 1979, "bf16": 1979, "fp8": 3958, "int8": 3958},
    "B200": {"tf32": 2200, "fp16": 4500, "bf16": 4500, "fp8": 9000, "int8": 9000},
    "L4": {"tf32": 120, "fp16": 242, "bf16": 242, "fp8": 485, "int8": 485},
    "L40S": {"tf32": 366, "fp16": 733, "bf16": 733, "fp8": 1466, "int8": 1466},
    "RTX 3090": {"tf32": 71, "fp16": 142, "int8": 568},
    "RTX 4090": {"tf32": 165.2, "fp16": 330.4, "fp8": 660.6, "int8": 1321.2},
    "RTX 5090": {"tf32": 209.5, "fp16": 419, "int8": 1676},
    "MI300X": {"tf32": 1307.4, "fp16": 2614.9, "bf16": 2614.9, "fp8": 5229.8, "int8": 5229.8},
}


@pytest.mark.parametrize(("name", "precision", "sparse"), [
    (name, p, v) for name, rates in SPARSE_DATASHEET.items() for p, v in rates.items()
])
def test_stored_rate_is_half_the_sparse_figure(name, precision, sparse):
    stored = get_gpu(name).peak_tflops(precision)
    assert stored != sparse
    assert rel_close(stored, sparse / 2, 2.5e-2)  # B200 TF32: per-GPU table rounds 2.25 to "2.2"


@pytest.mark.parametrize(("name", "fp16_accumulate_dense"), [("RTX 3090", 142), ("RTX 4090", 330.3), ("RTX 5090", 419)])
def test_geforce_fp16_is_not_the_fp16_accumulate_rate(name, fp16_accumulate_dense):
    assert rel_close(get_gpu(name).tflops["fp16"], fp16_accumulate_dense / 2, 2e-3)


# --- (e) China-market parts: same chip, less interconnect ---------------------------------------------


def test_a800_is_an_a100_80gb_with_200_gbs_less_nvlink():
    a100, a800 = get_gpu("A100 SXM 80GB"), get_gpu("A800 SXM 80GB")
    assert a100.interconnect_gbs - a800.interconnect_gbs == 600 - 400  # Reuters, Nov 2022
    assert a800.tflops == a100.tflops
    assert (a800.memory_gb, a800.memory_bandwidth_gbs, a800.tdp_w) == (a100.memory_gb, a100.memory_bandwidth_gbs, a100.tdp_w)
    assert a800.market == "china"


def test_h800_is_an_h100_sxm_with_500_gbs_less_nvlink_and_little_fp64():
    h100, h800 = get_gpu("H100 SXM"), get_gpu("H800 SXM")
    assert h100.interconnect_gbs - h800.interconnect_gbs == 900 - 400  # DeepSeek, arXiv:2505.09343
    for p in ("tf32", "fp16", "bf16", "fp8", "int8", "fp32"):
        assert h800.tflops[p] == h100.tflops[p]
    assert h800.tflops["fp64"] < h100.tflops["fp64"] / 10
    assert h800.memory_bandwidth_gbs == h100.memory_bandwidth_gbs
    assert h800.market == "china"


# --- (f) lookup, aliases and validation ----------------------------------------------------------------

ALIASES = {
    "h100": "H100 SXM", "a100": "A100 SXM 80GB", "a100-80gb": "A100 SXM 80GB", "a100-40gb": "A100 SXM 40GB",
    "a100-pcie": "A100 PCIe 80GB", "h100-pcie": "H100 PCIe", "h200": "H200 SXM", "h800": "H800 SXM",
    "a800": "A800 SXM 80GB", "b200": "B200", "v100": "V100 SXM2 32GB", "4090": "RTX 4090", "rtx4090": "RTX 4090",
    "3090": "RTX 3090", "5090": "RTX 5090", "t4": "T4", "l4": "L4", "l40s": "L40S", "mi300x": "MI300X",
    "orin": "Jetson AGX Orin 64GB", "tpu-v5e": "TPU v5e", "xeon": "Xeon Platinum 8480+", "7840u": "Ryzen 7 7840U",
}


@pytest.mark.parametrize(("alias", "name"), ALIASES.items())
def test_friendly_aliases(alias, name):
    assert get_gpu(alias).name == name


def test_no_alias_names_two_rows():
    owner = {}
    for gpu in list_gpus():
        for key in {normalize_key(k) for k in (gpu.name, *gpu.aliases)}:
            assert owner.setdefault(key, gpu.name) == gpu.name, f"{key!r}: {owner[key]} and {gpu.name}"


def test_loader_rejects_an_ambiguous_alias():
    a100 = get_gpu("a100")
    clash = {"A": a100, "B": dataclasses.replace(a100, name="B", aliases=("a100",))}
    with pytest.raises(ValueError, match="a100"):
        Registry(clash, [(alias, name) for name, gpu in clash.items() for alias in gpu.aliases], what="gpus.json")


@pytest.mark.parametrize("spelling", ["A100", "a100", " a-100 ", "A_100", "a.100", "RTX 4090", "rtx-4090", "Rtx_4090",
                                      "H100 SXM", "h100sxm", "h100-SXM"])
def test_lookup_ignores_case_spaces_dashes(spelling):
    assert get_gpu(spelling) is get_gpu(normalize_key(spelling))


@settings(max_examples=50)
@given(data=st.data())
def test_any_case_and_separator_variant_of_an_alias_resolves(data):
    gpu = data.draw(st.sampled_from(list_gpus()))
    alias = data.draw(st.sampled_from([gpu.name, *gpu.aliases]))
    n = len(alias)
    upper = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    seps = data.draw(st.lists(st.sampled_from(["", " ", "-", "_"]), min_size=n, max_size=n))
    variant = "".join(s + (c.upper() if u else c.lower()) for s, c, u in zip(seps, alias, upper, strict=True))
    assert get_gpu(variant) is gpu


def test_gpu_instance_is_returned_unchanged():
    gpu = get_gpu("h100")
    assert get_gpu(gpu) is gpu


def test_unknown_name_lists_close_matches():
    with pytest.raises(ValueError, match="name") as err:
        get_gpu("H100 SXN")
    assert "'H100 SXM'" in str(err.value)


@pytest.mark.parametrize("bad", ["", "GTX 480", 100, None, True])
def test_unknown_or_non_string_name_raises(bad):
    with pytest.raises(ValueError, match="name"):
        get_gpu(bad)


def test_precision_lookup_and_validation():
    a100 = get_gpu("a100")
    assert a100.peak_flops("BF16") == 312e12
    assert a100.peak_flops("int8") == 624e12
    assert a100.peak_tflops("fp8") is None
    with pytest.raises(ValueError, match="^precision") as err:
        a100.peak_tflops("fp4")
    assert "fp8" in str(err.value)  # lists the valid choices


@pytest.mark.parametrize(("name", "precision"), [("V100 SXM2 32GB", "bf16"), ("A100 SXM 80GB", "fp8"), ("T4", "tf32"),
                                                  ("TPU v5e", "fp32")])
def test_peak_flops_raises_where_unsupported(name, precision):
    with pytest.raises(ValueError, match="^precision") as err:
        get_gpu(name).peak_flops(precision)
    assert name in str(err.value)


def test_list_gpus_filters_by_kind():
    assert [g.name for g in list_gpus("cpu")] == ["Xeon Platinum 8480+", "Ryzen 7 7840U"]
    assert gpu_names("tpu") == ["TPU v5e", "TPU v5p", "TPU v6e"]
    assert "H100 SXM" in gpu_names("GPU")
    with pytest.raises(ValueError, match="^kind"):
        list_gpus("fpga")


# --- records are validated when built, hashable, read-only ---------------------------------------------


def test_gpu_is_hashable_and_its_rates_read_only():
    h100 = get_gpu("H100 SXM")
    assert hash(h100) == hash(get_gpu("h100"))
    assert {h100: "ok"}[get_gpu("H100")] == "ok"
    with pytest.raises(TypeError):
        h100.tflops["bf16"] = 1.0  # type: ignore[index]
    assert dataclasses.replace(h100, tflops=dict(h100.tflops)) == h100  # a plain dict is stored as the same Rates


def test_a_user_built_gpu_is_validated_and_canonical():
    base = get_gpu("H100 SXM")
    custom = dataclasses.replace(base, name="my card", kind="GPU", tflops={"BF16": 100.0}, aliases=[])
    assert custom.kind == "gpu" and custom.tflops["bf16"] == 100.0 and custom.aliases == ()
    assert custom.peak_flops("bf16") == 100e12
    assert hash(custom)


@pytest.mark.parametrize(("field", "value"), [
    ("memory_gb", -80), ("memory_gb", math.nan), ("memory_gb", 10**400), ("memory_gb", "80"),
    ("memory_bandwidth_gbs", 0), ("tdp_w", -700), ("tdp_w", math.inf), ("interconnect_gbs", np.nan),
    ("tflops", {"bf16": -989.5}), ("tflops", {"fp4": 1.0}), ("tflops", {"bf16": None, "fp32": None}),
    ("tflops", [("bf16", 1.0)]), ("kind", "fpga"), ("market", "moon"), ("year", 2020.5), ("year", 1e30),
    ("pcie_gen", 9), ("listed", "False"), ("price_usd", -1), ("name", ""), ("source", " "), ("aliases", "h100"),
])
def test_a_bad_gpu_record_is_rejected_naming_the_field(field, value):
    # D9 of the reliability review: GPU(memory_gb=-80, tflops={'bf16': -989.5}) used to flow into every calculator.
    with pytest.raises(ValueError, match=f"^{field}"):
        dataclasses.replace(get_gpu("H100 SXM"), **{field: value})


def test_loader_names_the_row_of_an_unknown_field():
    row = {**{f.name: getattr(get_gpu("T4"), f.name) for f in dataclasses.fields(hardware.GPU)}, "colour": "green"}
    with pytest.raises(ValueError, match="row 7.*colour"):
        hardware._row(row, 7)


def test_tpu_v4_is_in_the_catalog_but_not_listed():
    tpu = get_gpu("TPU v4")
    assert not tpu.listed and tpu.kind == "tpu"
    assert tpu.peak_flops("bf16") == 275e12  # Google Cloud TPU v4 documentation: 275 TFLOPS bf16 per chip
    assert tpu.memory_bytes == 32 * 2**30  # "32 GiB"
    assert tpu.memory_bandwidth_gbs == 1200
    assert "cloud.google.com/tpu/docs/v4" in tpu.source
    assert "TPU v4" not in gpu_names() and "TPU v4" not in gpu_names("tpu")
    assert "TPU v4" in [g.name for g in list_gpus("tpu", include_unlisted=True)]
