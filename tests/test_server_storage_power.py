"""course_lib.server, storage, power and software_stack; the beyond-NVIDIA catalog rows.

Published values are written here from the documents named beside them; derived ones by hand.
"""

import math

import pytest

from course_lib import hardware, power, server, software_stack, storage

# --- the DGX H100 node -----------------------------------------------------------------------------

# DGX H100/H200 user guide, Introduction, Tables 1-3 and environmental specifications
DGX_H100 = {"nvswitch_chips": 4, "cpus": 2, "cpu_cores_each": 56, "system_memory_tb": 2, "data_drives": 8,
            "data_drive_tb": 3.84, "max_power_kw": 10.2, "airflow_cfm": 1105, "heat_output_btu_per_hr": 38557,
            "power_supplies": 6}


@pytest.mark.parametrize(("field", "value"), DGX_H100.items())
def test_dgx_h100_components_as_published(field, value):
    part = server.node("DGX H100")[field]
    assert part.value == value and "dgxh100-user-guide" in part.source


# DGX A100 datasheet, DGX A100 640GB column (the node of the A100 SXM 80GB in systems.json)
DGX_A100 = {"nvswitch_chips": 6, "pcie_gen": 4, "cpus": 2, "cpu_cores_each": 64, "system_memory_tb": 2,
            "data_drives": 8, "data_drive_tb": 3.84, "max_power_kw": 6.5}


@pytest.mark.parametrize(("field", "value"), DGX_A100.items())
def test_dgx_a100_components_as_published(field, value):
    part = server.node("DGX A100 (80GB)")[field]
    assert part.value == value and "dgx-a100-datasheet" in part.source


def test_dgx_a100_paths_use_its_own_pcie_generation():
    # Gen4 x16: 16 lanes x 16 GT/s x 128/130 / 8 = 31.5 GB/s each way; NVLink 600 / 2; one 200 Gb/s HDR NIC per GPU
    paths = {p.key: p for p in server.node_paths("DGX A100 (80GB)")}
    assert paths["pcie"].gbs == pytest.approx(16 * 16 * 128 / 130 / 8) and "16 GT/s" in paths["pcie"].basis
    assert (paths["nvlink"].gbs, paths["network"].gbs) == (300, 25)
    assert "32 GT/s" in {p.key: p for p in server.node_paths("DGX H100")}["pcie"].basis


def test_the_node_as_a_system_comes_from_topology():
    # user guide Table 1: 8 x H100 GPUs, 8 single-port ConnectX-7 cards at up to 400 Gb/s; one place holds them
    system = server.node_system("DGX H100")
    assert (system.gpu, system.gpus_per_node, system.nics_per_node, system.nic_gbit_per_s) == ("H100 SXM", 8, 8, 400)
    assert server.node_gpu().name == "H100 SXM"
    assert all(field not in server.node() for field in ("gpu", "gpus", "nvlink_gbs_per_gpu", "cluster_nics"))
    assert server.node_system("GB200 NVL72").domain_size == 72
    with pytest.raises(ValueError, match="^name"):
        server.node_system("DGX A100")


def test_dgx_h100_pcie_switches_are_not_invented():
    assert server.node()["pcie_switches"].value is None and "does not list" in server.node()["pcie_switches"].note


def test_node_paths_per_gpu_per_direction():
    paths = {p.key: p.gbs for p in server.node_paths("DGX H100")}
    assert paths["hbm"] == 3350  # H100 SXM datasheet
    assert paths["nvlink"] == 900 / 2  # 900 GB/s both directions together
    assert paths["pcie"] == pytest.approx(32 * 16 * 128 / 130 / 8)  # Gen5 x16: 63.0 GB/s each way
    assert paths["network"] == 400 / 8  # one 400 Gb/s ConnectX-7 per GPU
    assert paths["nvme"] == 6.8  # one data drive per GPU, example drive's sequential read
    assert paths["nvlink"] / paths["network"] == 9  # why tensor parallelism stays inside the node
    assert list(paths.values()) == sorted(paths.values(), reverse=True)


def test_nvlink_domains():
    assert server.nvlink_domain("DGX H100") == {"gpus": 8, "gbs_per_direction": 450}
    # GB200 NVL72 page: 72 GPUs, 1.8 TB/s NVLink per GPU (both directions)
    assert server.nvlink_domain("GB200 NVL72") == {"gpus": 72, "gbs_per_direction": 900}
    nvl72 = server.rack("GB200 NVL72")
    assert (nvl72["grace_cpus"].value, nvl72["rack_power_kw"].value, nvl72["cooling"].value) == (36, 120, "liquid")
    # 72 GPUs x 1.8 TB/s (both directions) = 129.6 TB/s, the page's "130 TB/s"
    assert round(72 * 2 * server.nvlink_domain("GB200 NVL72")["gbs_per_direction"] / 1000) == \
        nvl72["nvlink_domain_tbs"].value


def test_tensor_parallel_inside_vs_across_nodes():
    inside, across = server.tensor_parallel_over_links("Llama-2 70B", seq_len=4096, micro_batch=1, tensor_parallel=8)
    assert inside.gbs == 450 and across.gbs == 50
    assert inside.compute_s == across.compute_s
    assert across.communication_s == pytest.approx(9 * inside.communication_s)
    assert inside.communication_share < 0.25 < 1 < across.communication_share
    with pytest.raises(ValueError, match="^tensor_parallel"):
        server.tensor_parallel_over_links("Llama-2 70B", tensor_parallel=16)


@pytest.mark.parametrize(("call", "name"), [
    (lambda: server.node("DGX A100"), "name"), (lambda: server.rack("NVL36"), "name"),
    (lambda: server.nvlink_domain("HGX B300"), "system"), (lambda: server.drive("PM9A3"), "name"),
])
def test_server_lookups_validate(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


# --- storage and checkpoints -------------------------------------------------------------------------


def test_checkpoint_is_weights_plus_optimizer_states():
    # mixed-precision Adam (ZeRO paper): 2 bytes of bf16 weights + 12 of fp32 master, momentum, variance;
    # the 2 bytes of gradients are not saved. 70e9 x 14 = 9.8e11 bytes.
    ckpt = storage.checkpoint_bytes(70e9)
    assert (ckpt.weights, ckpt.optimizer_states, ckpt.total) == (140e9, 840e9, 980e9)
    assert storage.checkpoint_bytes(70e9, optimizer="sgd").total == 70e9 * (2 + 4)


def test_write_time_takes_the_tighter_limit():
    five_tb = 405e9 * 14  # Llama 3 405B: 5.67 TB
    assert storage.write_seconds(five_tb, shared_gbs=2000) == pytest.approx(5.67e12 / 2e12)  # Tectonic 2 TB/s
    # 2,048 nodes writing local NVMe at 8 x 5.6 = 44.8 GB/s each
    assert storage.local_nvme_write_gbs() == pytest.approx(44.8)
    assert storage.write_seconds(five_tb, 2048, per_node_gbs=44.8) == pytest.approx(5.67e12 / (2048 * 44.8e9))
    assert storage.write_seconds(five_tb, 2048, per_node_gbs=44.8, shared_gbs=2000) == pytest.approx(2.835)
    with pytest.raises(ValueError, match="^per_node_gbs"):
        storage.write_seconds(1e9)


def test_tectonic_rates_as_published():
    tectonic = storage.storage_tiers()["Tectonic (Llama 3)"]
    assert (tectonic["sustained_tbs"].value, tectonic["peak_tbs"].value, tectonic["capacity_pb"].value) == (2, 7, 240)


def test_job_mtbf_from_the_llama3_snapshot():
    # 419 unexpected interruptions in 54 days on 16,384 GPUs: 54 x 86,400 / 419 = 11,135 s = 3.09 hours
    assert storage.job_mtbf_seconds(16_384) == pytest.approx(54 * 86_400 / 419)
    assert storage.job_mtbf_seconds(16_384, unexpected_only=False) == pytest.approx(54 * 86_400 / 466)
    assert storage.job_mtbf_seconds(1_024) == pytest.approx(16 * 54 * 86_400 / 419)  # 16x fewer GPUs
    with pytest.raises(ValueError, match="^unexpected_only"):
        storage.job_mtbf_seconds(8, unexpected_only=1)


def test_young_and_daly_intervals_by_hand():
    # delta = 60 s, M = 3,600 s: Young sqrt(2 x 60 x 3600) = 657.27 s
    assert storage.young_interval_seconds(60, 3600) == pytest.approx(math.sqrt(432_000))
    # Daly: 657.27 x (1 + sqrt(60/7200)/3 + (60/7200)/9) - 60 = 657.27 x 1.031355 - 60 = 617.88 s
    assert storage.daly_interval_seconds(60, 3600) == pytest.approx(657.2671 * (1 + 0.0912871 / 3 + 0.0083333 / 9) - 60,
                                                                    rel=1e-5)
    assert storage.daly_interval_seconds(8000, 3600) == 3600  # delta >= 2M: checkpoint every M
    tau = storage.young_interval_seconds(60, 3600)
    assert storage.lost_fraction(tau, 60, 3600) == pytest.approx(2 * 60 / tau)  # both terms equal at the optimum
    assert storage.lost_fraction(tau, 60, 3600) < storage.lost_fraction(tau / 2, 60, 3600)
    assert storage.lost_fraction(tau, 60, 3600) < storage.lost_fraction(tau * 2, 60, 3600)


def test_data_loading_is_tiny_next_to_checkpoints():
    # Llama 3 405B on an H100 at 40 % MFU: 989.5e12 x 0.4 / (6 x 405e9) = 162.9 tokens/s; 4-byte token ids: 651.5 B/s
    tokens = storage.training_tokens_per_second(405e9, "H100 SXM", 0.4)
    assert tokens == pytest.approx(989.5e12 * 0.4 / (6 * 405e9))
    assert storage.data_loading_bytes_per_second(tokens) == pytest.approx(4 * tokens)
    assert storage.data_loading_bytes_per_second(1000, 2) == 2000


# --- power and cooling ----------------------------------------------------------------------------------


def test_node_power_and_facility():
    dgx = power.node_power("DGX H100")
    assert (dgx.gpu_boards_w, dgx.node_max_w, dgx.rest_w) == (8 * 700, 10_200, 4_600)
    assert power.facility_power_w(10_200, 1.3) == pytest.approx(13_260)
    assert power.rack_power_w(4) == 40_800
    with pytest.raises(ValueError, match="^pue"):
        power.facility_power_w(10_200, 0.9)


def test_air_and_water_cooling_by_hand():
    # DGX H100: 10.2 kW in 1,105 CFM = 1105 x 0.3048^3 / 60 = 0.52150 m3/s of air (1.204 kg/m3, 1,005 J/(kg K))
    rise = 10_200 / (1.204 * 1005 * 1105 * 0.3048**3 / 60)
    assert power.air_temperature_rise_k(10_200, 1105) == pytest.approx(rise)
    assert 16.1 < rise < 16.2
    # 120 kW (an NVL72 rack) with water warming 10 K: 120,000 / (998.2 x 4,180 x 10) = 2.876 L/s
    assert power.coolant_flow_m3_per_s(120_000, 10, "water") == pytest.approx(120_000 / (998.2 * 4180 * 10))
    # the same 120 kW with air at the DGX's rise takes 120 / 10.2 x 1,105 CFM = 13,000 CFM
    air = power.coolant_flow_m3_per_s(120_000, rise, "air") / power.M3_PER_S_PER_CFM
    assert air == pytest.approx(120 / 10.2 * 1105)


def test_the_guides_heat_output_exceeds_its_power():
    # 38,557 BTU/h x 1055.05585262 J / 3600 s = 11,300 W, 10.8 % above the 10.2 kW maximum power
    heat = 38_557 * power.WATTS_PER_BTU_PER_HOUR
    assert heat == pytest.approx(11_299.9, abs=0.1) and round(100 * (heat / 10_200 - 1), 1) == 10.8


def test_energy_per_trained_token_by_hand():
    # 70B at 40 % MFU on 8 H100s: 8 x 989.5e12 x 0.4 / (6 x 70e9) = 7,539 tokens/s; boards 5,600 W x PUE 1.2
    energy = power.energy_per_token(70e9, 0.4, pue=1.2)
    assert energy.tokens_per_second == pytest.approx(8 * 989.5e12 * 0.4 / 420e9)
    assert energy.gpu_boards_j == pytest.approx(5600 * 1.2 / energy.tokens_per_second)
    assert energy.whole_node_j == pytest.approx(10_200 * 1.2 / energy.tokens_per_second)
    assert power.typical_rack_w() == 10_000


def test_coolant_validation():
    with pytest.raises(ValueError, match="^coolant"):
        power.coolant_flow_m3_per_s(1000, 10, "oil")
    with pytest.raises(ValueError, match="^delta_t_k"):
        power.coolant_flow_m3_per_s(1000, 0)


# --- software stack ----------------------------------------------------------------------------------


def test_software_stack_map():
    assert software_stack.vendors() == ["NVIDIA", "AMD", "Huawei Ascend"]
    assert [layer.name for layer in software_stack.layers()][0] == "driver, runtime and compiler"
    collectives = {v: software_stack.project("collective communication", v).value for v in software_stack.vendors()}
    assert collectives == {"NVIDIA": "NCCL", "AMD": "RCCL", "Huawei Ascend": "HCCL"}
    assert "TensorRT-LLM" in software_stack.project("inference serving", "NVIDIA").value
    assert "TensorRT" not in software_stack.project("inference serving", "AMD").value
    with pytest.raises(ValueError, match="^vendor"):
        software_stack.project("framework", "Intel")


# --- beyond NVIDIA: the new catalog rows ---------------------------------------------------------------

NEW_ROWS = [
    # Google Cloud TPU v5p docs and announcement blog: 459 bf16, 918 INT8, 95 GB at 2,765 GB/s, ICI 1,200 GB/s
    ("TPU v5p", "tpu", {"bf16": 459, "int8": 918}, 95, 2765, 1200, None),
    # Google Cloud TPU v6e docs: 918 bf16, 1,836 INT8, 32 GB at 1,638 GB/s, ICI 800 GB/s
    ("TPU v6e", "tpu", {"bf16": 918, "int8": 1836}, 32, 1638, 800, None),
    # Intel Gaudi 3 white paper: BF16 and FP8 matrix 1,835 TFLOPS, 128 GB at 3.7 TB/s, 24 x 200 GbE, 900 W OAM
    ("Gaudi 3", "accelerator", {"bf16": 1835, "fp8": 1835}, 128, 3700, 24 * 200 / 8 * 2, 900),
]


@pytest.mark.parametrize(("name", "kind", "peaks", "memory_gb", "bandwidth", "interconnect", "tdp"), NEW_ROWS)
def test_beyond_nvidia_rows_as_published(name, kind, peaks, memory_gb, bandwidth, interconnect, tdp):
    row = hardware.get_gpu(name)
    assert row.kind == kind and row.memory_gb == memory_gb and row.memory_bandwidth_gbs == bandwidth
    assert row.interconnect_gbs == interconnect and row.tdp_w == tdp
    for precision, value in peaks.items():
        assert row.peak_tflops(precision) == value
    assert row.peak_tflops("fp32") is None  # not published: stored as None, never guessed


def test_new_kinds_are_listed():
    assert hardware.gpu_names("tpu") == ["TPU v5e", "TPU v5p", "TPU v6e"]
    assert hardware.gpu_names("accelerator") == ["Gaudi 3"]
    assert "Gaudi 3" not in hardware.gpu_names("gpu")
