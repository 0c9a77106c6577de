"""course_lib.memory_hierarchy: capacities and bandwidths per level, derived ones by hand here."""

import pytest

from course_lib import memory_hierarchy as mh


def levels(gpu):
    return {level.name: level for level in mh.memory_hierarchy(gpu)}


def test_h100_levels_by_hand():
    h100 = levels("H100 SXM")
    # Hopper whitepaper: 132 SMs x 256 KB registers and x 256 KB L1/shared; 50 MB L2
    assert h100["registers"].capacity_bytes == 132 * 256 * 1024
    assert h100["shared memory / L1"].capacity_bytes == 132 * 256 * 1024
    assert h100["L2 cache"].capacity_bytes == 50 * 1024 * 1024
    # shared memory: 132 SMs x 32 banks x 4 bytes x 1.98 GHz = 33.45 TB/s, an upper bound
    assert h100["shared memory / L1"].bandwidth_bytes_per_s == pytest.approx(132 * 32 * 4 * 1.98e9)
    assert h100["shared memory / L1"].status == "derived"
    # NVIDIA publishes no register or H100 L2 bandwidth: left empty, never invented
    assert h100["registers"].bandwidth_bytes_per_s is None and h100["registers"].status == "not published"
    assert h100["L2 cache"].bandwidth_bytes_per_s is None and h100["L2 cache"].status == "not published"
    # datasheet: 80 GB at 3.35 TB/s; DGX H100: 2 TB of CPU memory for 8 GPUs over PCIe Gen5 x16 (32 GT/s x 16 x 128/130 / 8)
    assert h100["GPU memory (HBM3)"].bandwidth_bytes_per_s == 3.35e12 and h100["GPU memory (HBM3)"].status == "published"
    assert h100["CPU memory over PCIe"].capacity_bytes == 2e12 / 8
    assert h100["CPU memory over PCIe"].bandwidth_bytes_per_s == pytest.approx(32e9 * 16 * 128 / 130 / 8)
    # DGX H100: 8 x 3.84 TB data drives for 8 GPUs; example drive reads 6.8 GB/s
    assert h100["NVMe drive"].capacity_bytes == 3.84e12 and h100["NVMe drive"].bandwidth_bytes_per_s == 6.8e9


def test_host_rows_come_from_the_gpus_own_server():
    # DGX A100 640GB datasheet: 2 TB of system memory, 8 x 3.84 TB U.2 NVMe, PCIe Gen4 for its 8 A100 80GB:
    # 2e12 / 8 = 250 GB per GPU over 16 lanes x 16 GT/s x 128/130 / 8 = 31.5 GB/s; one 3.84 TB drive per GPU
    a100 = levels("A100 SXM 80GB")
    host, nvme = a100["CPU memory over PCIe"], a100["NVMe drive"]
    assert host.capacity_bytes == 2e12 / 8 and host.bandwidth_bytes_per_s == pytest.approx(16e9 * 16 * 128 / 130 / 8)
    assert nvme.capacity_bytes == 3.84e12
    for level in (host, nvme):
        assert level.basis.startswith("DGX A100 (80GB): ") and "H100" not in level.basis
    assert mh.host_node("A100 SXM 80GB") == ("DGX A100 (80GB)", True)
    assert mh.host_node("H100 SXM") == ("DGX H100", True)
    assert not any("illustrative" in level.basis for level in mh.memory_hierarchy("H100 SXM"))


@pytest.mark.parametrize("gpu", ["RTX 4090", "H100 PCIe", "V100 SXM2 32GB", "MI300X"])
def test_a_gpu_in_no_server_of_the_data_says_its_host_is_illustrative(gpu):
    assert mh.host_node(gpu) == ("DGX H100", False)
    ladder = levels(gpu)
    for name in ("CPU memory over PCIe", "NVMe drive"):
        assert ladder[name].basis.startswith("host of a DGX H100 (illustrative): ")
    # a node chosen by hand is used as given, and labelled illustrative when the GPU is not its own
    assert mh.host_node("A100 SXM 80GB", "DGX H100") == ("DGX H100", False)
    with pytest.raises(ValueError, match="^node"):
        mh.memory_hierarchy(gpu, "DGX A100")


def test_a100_and_v100_l2_bandwidth_from_bytes_per_clock():
    # A100 whitepaper: 5120 B/clk (A100) and 2048 B/clk (V100) of L2 read bandwidth, at 1410 and 1530 MHz
    assert levels("A100 SXM 80GB")["L2 cache"].bandwidth_bytes_per_s == pytest.approx(5120 * 1.41e9)  # 7.22 TB/s
    assert levels("V100 SXM2 32GB")["L2 cache"].bandwidth_bytes_per_s == pytest.approx(2048 * 1.53e9)  # 3.13 TB/s
    # the whitepaper's "2.3x the L2 read bandwidth of V100":
    ratio = levels("A100 SXM 80GB")["L2 cache"].bandwidth_bytes_per_s / levels("V100 SXM2 32GB")["L2 cache"].bandwidth_bytes_per_s
    assert round(ratio, 1) == 2.3


def test_mi300x_has_an_infinity_cache_and_no_invented_lds_bandwidth():
    mi = levels("MI300X")
    assert mi["Infinity Cache"].capacity_bytes == 256 * 2**20 and mi["Infinity Cache"].bandwidth_bytes_per_s == 17e12
    assert mi["shared memory / L1"].bandwidth_bytes_per_s is None  # the CUDA bank rule is NVIDIA's
    assert "registers" not in mi  # register file size not in the data


@pytest.mark.parametrize("gpu", ["V100 SXM2 32GB", "A100 SXM 80GB", "H100 SXM", "RTX 4090", "MI300X"])
def test_further_levels_are_bigger_and_not_faster(gpu):
    ladder = mh.memory_hierarchy(gpu)
    first_off_chip = next(i for i, level in enumerate(ladder) if level.name.startswith("GPU memory"))
    off_chip = [level.capacity_bytes for level in ladder[first_off_chip:]]
    assert off_chip == sorted(off_chip)
    assert max(level.capacity_bytes for level in ladder[:first_off_chip]) < off_chip[0] / 100
    known = [level.bandwidth_bytes_per_s for level in ladder if level.bandwidth_bytes_per_s is not None]
    assert known == sorted(known, reverse=True)
    assert all(level.status in mh.STATUSES for level in ladder)


def test_the_register_file_can_be_bigger_than_l1_and_v100s_l2_smaller_than_both():
    # A100: 108 x 256 KB of registers (27 MiB) > 108 x 192 KB of L1/shared (20.25 MiB); V100's L2 is 6 MB
    a100, v100 = levels("A100 SXM 80GB"), levels("V100 SXM2 32GB")
    assert a100["registers"].capacity_bytes > a100["shared memory / L1"].capacity_bytes
    assert v100["L2 cache"].capacity_bytes < v100["shared memory / L1"].capacity_bytes


def test_working_set_lands_in_the_first_level_that_holds_it():
    assert mh.working_set_level("H100 SXM", 40e6).level.name == "L2 cache"
    ws = mh.working_set_level("H100 SXM", 1e9)
    assert ws.level.name == "GPU memory (HBM3)" and ws.read_seconds == pytest.approx(1e9 / 3.35e12)
    assert mh.working_set_level("H100 SXM", 100e9).level.name == "CPU memory over PCIe"
    assert mh.working_set_level("H100 SXM", 40e6).read_seconds is None  # L2 bandwidth unpublished
    with pytest.raises(ValueError, match="^n_bytes"):
        mh.working_set_level("H100 SXM", 1e15)
    with pytest.raises(ValueError, match="^n_bytes"):
        mh.working_set_level("H100 SXM", -1)
