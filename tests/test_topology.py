"""course_lib.topology against datasheet figures and hand-derived collective costs."""

import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_lib import hardware, topology

# -------------------------------------------------------------------------- the catalog


def _rows():
    return json.loads(resources.files("course_lib").joinpath("data/systems.json").read_text())["systems"]


def test_every_system_and_link_has_a_source_and_a_catalog_gpu():
    for row in _rows():
        assert row["source"], row["name"]
        hardware.get_gpu(row["gpu"])  # raises on a GPU the catalog does not know
        for part in ("intra_link", "network"):
            if row[part] is not None:
                assert row[part]["source"], (row["name"], part)


@pytest.mark.parametrize(
    "name, intra_gbs, domain, per_gpu_network_gbs",
    [
        # DGX A100: NVLink 600 GB/s both ways -> 300 each way; 8 x 200 Gb/s HDR = 1,600 Gb/s / 8 GPUs
        # = 200 Gb/s = 25 GB/s per GPU (DGX A100 User Guide).
        ("DGX A100 (80GB)", 300, 8, 25),
        # A800: NVLink cut to 400 GB/s -> 200 each way (network assumed as DGX A100).
        ("HGX A800 8-GPU", 200, 8, 25),
        # DGX H100: NVLink 900 -> 450; 8 x 400 Gb/s NDR -> 400 Gb/s = 50 GB/s per GPU.
        ("DGX H100", 450, 8, 50),
        # H800: NVLink 400 -> 200; eight 400 Gb/s NICs (Zhao et al. 2025) -> 50 GB/s per GPU.
        ("HGX H800 8-GPU", 200, 8, 50),
        # B200 NVLink 5: 1.8 TB/s -> 900; 8 x 400 Gb/s.
        ("DGX B200", 900, 8, 50),
        # NVL72: one NVLink domain of 72; one 400 Gb/s NIC per GPU.
        ("GB200 NVL72", 900, 72, 50),
        # p4d: 4 x 100 Gb/s EFA for 8 GPUs = 50 Gb/s = 6.25 GB/s per GPU.
        ("AWS p4d.24xlarge (8x A100 40GB)", 300, 8, 6.25),
        # p5: 32 x 100 Gb/s = 3,200 Gb/s / 8 = 400 Gb/s = 50 GB/s per GPU.
        ("AWS p5.48xlarge (8x H100)", 450, 8, 50),
        # L40S: PCIe Gen4 x16 = 16 lanes x 16 GT/s x 128/130 / 8 = 31.51 GB/s; 400 Gb/s / 8 GPUs.
        ("AWS g6e.48xlarge (8x L40S)", 16 * 16 * 128 / 130 / 8, 8, 6.25),
        # 4 A100 PCIe on Gen4; 80 Gb/s per VM / 4 GPUs = 20 Gb/s = 2.5 GB/s.
        ("Azure NC96ads A100 v4 (4x A100 PCIe)", 16 * 16 * 128 / 130 / 8, 4, 2.5),
        # MI300X: 7 links x 128 GB/s = 896 both ways -> 448; 8 x 400 Gb/s.
        ("Azure ND MI300X v5 (8x MI300X)", 448, 8, 50),
        # TPU v5e: 400 GB/s bidirectional ICI -> 200; pod of 256; 2 x 100 Gb/s per 8-chip host = 25 Gb/s.
        ("TPU v5e pod (256 chips)", 200, 256, 3.125),
    ],
)
def test_bandwidths_from_the_datasheets(name, intra_gbs, domain, per_gpu_network_gbs):
    system = topology.get_system(name)
    assert system.intra_link.bandwidth_gbs == pytest.approx(intra_gbs)
    assert system.domain_size == domain
    assert system.inter_link.bandwidth_gbs == pytest.approx(per_gpu_network_gbs)
    assert system.inter_link.domain_size is None  # a switched network scales with the cluster


def test_edge_and_workstation_systems_are_never_clustered():
    jetson = topology.get_system("jetson")
    assert (jetson.gpus_per_node, jetson.intra_link, jetson.inter_link, jetson.clustered) == (1, None, None, False)
    rtx = topology.get_system("Workstation 4x RTX 4090")
    assert not rtx.clustered and rtx.intra_link.kind == "pcie"
    for gpu in ("Jetson AGX Orin 64GB", "RTX 4090"):
        assert all(not s.clustered for s in topology.systems_for(gpu))


def test_systems_for_and_lookup():
    assert [s.name for s in topology.systems_for("H100 SXM")] == [
        "DGX H100", "Meta Grand Teton H100 (Llama 3 cluster)", "AWS p5.48xlarge (8x H100)"]
    assert topology.systems_for("T4") == []  # no T4 system is modelled
    assert topology.get_system("dgx-h100") is topology.get_system("DGX H100")
    assert topology.get_system(topology.get_system("nvl72")).name == "GB200 NVL72"
    with pytest.raises(ValueError, match=r"^system: .*'DGX H100'"):
        topology.get_system("DGX H10")
    with pytest.raises(ValueError, match="^system"):
        topology.get_system(None)


def test_reference_system_and_tensor_parallel_limit():
    # systems.json lists each GPU's 8-GPU server first: H100 SXM -> DGX H100 (8 on NVSwitch), B200 -> DGX B200
    # (not the GB200 NVL72's 72); the RTX 4090 -> a 4-card PCIe workstation; the TPU v5e -> a 256-chip ICI pod;
    # the Jetson -> its one-module developer kit; the T4 and the H100 PCIe -> nothing (no multi-GPU server of them in the data)
    assert topology.reference_system("H100 SXM").name == "DGX H100"
    assert topology.reference_system("B200").name == "DGX B200"
    assert topology.reference_system("T4") is None and topology.reference_system("H100 PCIe") is None
    limits = {gpu: topology.tensor_parallel_limit(gpu)
              for gpu in ("H100 SXM", "B200", "RTX 4090", "TPU v5e", "Jetson AGX Orin 64GB", "T4", "H100 PCIe")}
    assert limits == {"H100 SXM": 8, "B200": 8, "RTX 4090": 4, "TPU v5e": 256, "Jetson AGX Orin 64GB": 1, "T4": 1,
                      "H100 PCIe": 1}
    with pytest.raises(ValueError, match="^gpu"):
        topology.tensor_parallel_limit("H100 SMX")


@pytest.mark.parametrize("n_gpus, nodes", [(1, 1), (8, 1), (9, 2), (79, 10), (16384, 2048)])
def test_nodes_come_whole(n_gpus, nodes):
    assert topology.nodes_for(n_gpus, "DGX H100") == nodes


def test_nodes_for_refuses_clusters_of_unclustered_systems():
    assert topology.nodes_for(1, "jetson") == 1
    with pytest.raises(ValueError, match="^n_gpus: Jetson .* never clustered"):
        topology.nodes_for(64, "jetson")
    with pytest.raises(ValueError, match="^n_gpus"):
        topology.nodes_for(0, "DGX H100")
    assert topology.nodes_for(144, "GB200 NVL72") == 2


@pytest.mark.parametrize("n_gpus, system, expected", [
    (80, "DGX H100", "10 × DGX H100"),  # 80 / 8 = 10 whole servers
    (3, "DGX H100", "part of one DGX H100"),
    (20, "DGX H100", "3 × DGX H100 (not all of the last one)"),  # ceil(20 / 8) = 3, 24 > 20
    (36, "GB200 NVL72", "part of one GB200 NVL72"),
    (1, "jetson", "1 × Jetson AGX Orin 64GB Developer Kit"),
    # A TPU node is a host inside a pod (systems.json: 8 chips per v6e/v5e host, 4 per v5p host; ICI over the pod):
    (88, "TPU v6e pod (256 chips)", "11 hosts of 8 in one TPU v6e pod"),  # 88 / 8 = 11 hosts, 88 <= 256
    (8, "TPU v5e pod (256 chips)", "one host of 8 in one TPU v5e pod"),
    (4, "TPU v5e pod (256 chips)", "part of one host of 8 in a TPU v5e pod"),
    (20, "TPU v5e pod (256 chips)", "3 hosts of 8 in one TPU v5e pod (not all of the last host)"),
    (400, "TPU v5e pod (256 chips)", "50 hosts of 8 in 2 TPU v5e pod slices"),  # 400 / 8 = 50; ceil(400 / 256) = 2
    (172, "TPU v5p pod (8,960 chips)", "43 hosts of 4 in one TPU v5p pod"),  # 172 / 4 = 43, within 6,144
])
def test_placement_in_words(n_gpus, system, expected):
    assert topology.placement(n_gpus, system) == expected


def test_placement_knows_which_nodes_are_hosts_in_a_pod():
    pods = {s.name for s in topology.list_systems() if s.node_is_host_in_pod}
    assert pods == {"TPU v5e pod (256 chips)", "TPU v5p pod (8,960 chips)", "TPU v6e pod (256 chips)"}
    assert topology.get_system("TPU v6e pod").pod_name == "TPU v6e pod"
    with pytest.raises(ValueError, match="^system: DGX H100 is a server, not a pod"):
        topology.get_system("DGX H100").pod_name  # noqa: B018 - the property raises
    with pytest.raises(ValueError, match="^n_gpus"):
        topology.placement(0, "DGX H100")


# -------------------------------------------------------------------------- placement


def test_group_link_inside_and_across_domains():
    inside = topology.group_link("DGX A100 (80GB)", 8)
    assert (inside.per_domain, inside.n_domains, inside.crosses_domain) == (8, 1, False)
    assert inside.link.kind == "nvlink" and "inside one 8-GPU domain" in inside.note
    across = topology.group_link("DGX A100 (80GB)", 64)
    assert (across.per_domain, across.n_domains, across.crosses_domain) == (8, 8, True)
    assert across.link.kind == "infiniband" and "crosses 8 domains" in across.note
    # a data-parallel group with 2 members per node (tensor parallel 4 fills the rest of each node)
    spread = topology.group_link("DGX H100", 16, per_domain=2)
    assert (spread.per_domain, spread.n_domains) == (2, 8)
    # 72 GPUs stay on NVLink in an NVL72 rack, a TPU v5e group of 64 on ICI
    assert not topology.group_link("GB200 NVL72", 72).crosses_domain
    assert topology.group_link("TPU v5e pod (256 chips)", 64).link.kind == "ici"


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: topology.group_link("DGX H100", 12), "group_size"),  # not whole nodes
        (lambda: topology.group_link("DGX H100", 16, per_domain=3), "per_domain"),
        (lambda: topology.group_link("DGX H100", 16, per_domain=16), "per_domain"),
        (lambda: topology.group_link("Workstation 4x RTX 4090", 8), "group_size"),
        (lambda: topology.group_link("jetson", 2), "group_size"),
        (lambda: topology.group_link("DGX H100", 0), "group_size"),
        (lambda: topology.group_link("DGX H100", True), "group_size"),
    ],
)
def test_group_link_bad_input(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


# -------------------------------------------------------------------------- collectives, by hand


def test_collectives_inside_one_node():
    s = 1e9  # 1 GB buffer, DGX H100, 8 GPUs on 450 GB/s
    # ring all-reduce: 2 x 7/8 x 1e9 / 450e9 = 3.889 ms
    assert topology.collective_time("all-reduce", s, "DGX H100", 8).seconds == pytest.approx(1.75 / 450)
    # all-gather and reduce-scatter: half of it, 7/8 x 1e9 / 450e9 = 1.944 ms; all-to-all the same
    for op in ("all-gather", "reduce-scatter", "all-to-all"):
        assert topology.collective_time(op, s, "DGX H100", 8).seconds == pytest.approx(0.875 / 450)
    assert topology.collective_time("all-reduce", s, "DGX H100", 1).seconds == 0.0


def test_hierarchical_allreduce_two_dgx_h100():
    # 16 GPUs = 2 nodes x 8: reduce-scatter in node 7/8 x 1 GB / 450 GB/s = 1.944 ms; all-reduce of the
    # 1/8 shard (125 MB) across 2 nodes, each GPU on its own 50 GB/s NIC: 2 x 1/2 x 125 MB / 50 GB/s = 2.5 ms;
    # all-gather in node 1.944 ms. Total 6.389 ms.
    t = topology.collective_time("all-reduce", 1e9, "DGX H100", 16)
    assert t.intra_seconds == pytest.approx(2 * 0.875 / 450)
    assert t.inter_seconds == pytest.approx(2.5e-3)
    assert t.seconds == pytest.approx(2 * 0.875 / 450 + 2.5e-3)
    assert t.group.crosses_domain


def test_bus_bandwidth_as_nccl_tests_define_it():
    # inside a node the bus bandwidth is the link's 450 GB/s; across 2 nodes: 2 x 15/16 x 1 GB / 6.389 ms = 293.5 GB/s
    assert topology.collective_time("all-reduce", 1e9, "DGX H100", 8).bus_bandwidth_gbs == pytest.approx(450)
    across = topology.collective_time("all-reduce", 1e9, "DGX H100", 16)
    assert across.bus_bandwidth_gbs == pytest.approx(2 * 15 / 16 * 1e9 / (2 * 0.875 / 450 + 2.5e-3) / 1e9)
    assert topology.collective_time("all-gather", 1e9, "DGX H100", 8).bus_bandwidth_gbs == pytest.approx(450)
    assert topology.collective_time("all-reduce", 1e9, "DGX H100", 1).bus_bandwidth_gbs == float("inf")


def test_flat_ring_is_paced_by_the_network():
    # one ring through 16 GPUs: 2 x 15/16 x 1 GB at min(450, 50) = 50 GB/s = 37.5 ms, 5.9x the hierarchical
    ring = topology.collective_time("all-reduce", 1e9, "DGX H100", 16, algorithm="ring")
    assert ring.seconds == pytest.approx(0.0375)
    assert ring.seconds > topology.collective_time("all-reduce", 1e9, "DGX H100", 16).seconds


def test_reduce_scatter_and_all_gather_across_nodes():
    # 32 GPUs of DGX A100 (300 GB/s NVLink, 25 GB/s per GPU HDR): in node 7/8 x 1 GB / 300 GB/s = 2.917 ms,
    # across 4 nodes 3/4 x 125 MB / 25 GB/s = 3.75 ms.
    for op in ("reduce-scatter", "all-gather"):
        t = topology.collective_time(op, 1e9, "DGX A100 (80GB)", 32)
        assert t.seconds == pytest.approx(0.875 / 300 + 3.75e-3)


def test_all_to_all_across_nodes_uses_both_links_at_once():
    # 64 experts' GPUs, 8 per node: each GPU sends 1/64 of 1 GB to each of 63 peers; 7 of them in its node
    # (7/64 GB at 450 GB/s = 0.243 ms) and 56 elsewhere (56/64 GB at 50 GB/s = 17.5 ms): 17.5 ms.
    t = topology.collective_time("all-to-all", 1e9, "DGX H100", 64)
    assert t.intra_seconds == pytest.approx(7 / 64 / 450)
    assert t.inter_seconds == pytest.approx(56 / 64 / 50)
    assert t.seconds == pytest.approx(56 / 64 / 50)


def test_spread_group_pays_more_network():
    # 16 GPUs, 2 per node (8 nodes): all-reduce 2 x 1/2 x 1 GB / 450 GB/s + 2 x 7/8 x 0.5 GB / 50 GB/s
    t = topology.collective_time("all-reduce", 1e9, "DGX H100", 16, per_domain=2)
    assert t.seconds == pytest.approx(1 / 450 + 1.75 * 0.5 / 50)


@given(n_bytes=st.floats(1e3, 1e12), nodes=st.integers(2, 64))
def test_hierarchical_never_slower_than_flat_ring(n_bytes, nodes):
    n = 8 * nodes
    hier = topology.collective_time("all-reduce", n_bytes, "DGX H100", n).seconds
    ring = topology.collective_time("all-reduce", n_bytes, "DGX H100", n, algorithm="ring").seconds
    assert hier <= ring * (1 + 1e-12)
    # and never faster than the network lower bound: each GPU's shard crosses its NIC twice
    assert hier >= 2 * (nodes - 1) / nodes * n_bytes / 8 / 50e9 * (1 - 1e-12)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: topology.collective_time("allreduce2", 1e9, "DGX H100", 8), "op"),
        (lambda: topology.collective_time("all-reduce", -1, "DGX H100", 8), "n_bytes"),
        (lambda: topology.collective_time("all-reduce", 1e9, "DGX H100", 8, algorithm="tree"), "algorithm"),
        (lambda: topology.collective_time("all-reduce", 1e9, "DGX H10", 8), "system"),
    ],
)
def test_collective_bad_input(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


def test_power_of_two_counts_are_what_a_system_holds():
    assert topology.power_of_two_counts("DGX H100", 64) == [2, 4, 8, 16, 32, 64]
    assert topology.power_of_two_counts("GB200 NVL72", 256) == [2, 4, 8, 16, 32, 64]  # 128 is not whole racks of 72
    assert topology.power_of_two_counts("Workstation 4x RTX 4090", 64) == [2, 4]  # never clustered
    assert topology.power_of_two_counts("jetson", 64) == []
    assert topology.power_of_two_counts("DGX H100", 100) == [2, 4, 8, 16, 32, 64]


def test_reference_links_carry_their_domains():
    links = topology.reference_links()
    assert {label: link.domain_size for label, link in links.items()} == {
        "NVLink A100": 8, "NVLink A800": 8, "NVLink H100": 8, "PCIe Gen4 x16": 8,
        "InfiniBand HDR 200 Gb/s": None, "InfiniBand NDR 400 Gb/s": None}
    assert links["NVLink A100"].bandwidth_gbs == 300 and links["InfiniBand NDR 400 Gb/s"].bandwidth_gbs == 50
    assert topology.reference_link("nvlink h100").bandwidth_gbs == 450
    with pytest.raises(ValueError, match=r"^label: .*'NVLink A100'"):
        topology.reference_link("NVlnk A100")
