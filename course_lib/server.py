"""The server around the GPUs: 8-GPU DGX H100 and DGX A100 nodes and a 72-GPU GB200 NVL72 rack, from cited data.

Components live in ``course_lib/data/server_components.json`` (DGX H100/H200 user guide, H100
datasheet, DGX A100 datasheet, GB200 NVL72 page, DGX GB200 user guide). What a node is as a
*system* (its catalog GPU, GPUs per node, the NVLink domain and its bandwidth, the network cards) is read from
:mod:`course_lib.topology` (``data/systems.json`` and the GPU catalog), never typed twice.
Bandwidths here are **GB/s per direction per GPU** (what one GPU can send while it receives as
much), the convention of :mod:`course_lib.parallel`: NVLink is half the catalog's bidirectional
figure, PCIe from the lane rate (:func:`course_lib.parallel.pcie_bandwidth_gbs`), a network card's
share from its Gb/s.

Why tensor parallelism stays inside a node: a Megatron layer needs four all-reduces of its
activations for each micro-batch, two in the forward and two in the backward pass
(:func:`course_lib.parallel.tensor_parallel_layer_seconds`).
Inside a DGX H100 they run on NVLink at 450 GB/s per direction per GPU; across nodes each GPU has
one 400 Gb/s NIC, 50 GB/s, nine times less. :func:`tensor_parallel_over_links` compares the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from course_lib import _sourced, _validate, hardware, models, parallel, topology

DATA_FILE = "server_components.json"


def _data() -> dict[str, Any]:
    return _sourced.load(DATA_FILE)


def node_names() -> list[str]:
    """Names of the servers (nodes) in the data: ["DGX H100", "DGX A100 (80GB)"] (names of systems.json)."""
    return list(_data()["nodes"])


def rack_names() -> list[str]:
    """Names of the rack-scale systems in the data: ["GB200 NVL72"]."""
    return list(_data()["racks"])


def node(name: str = "DGX H100", param: str = "name") -> dict[str, _sourced.Sourced]:
    """The components of a node: {field: Sourced}, e.g. ``node()["nvswitch_chips"].value`` -> 4.

    The GPU, GPUs per node, links and network cards are the system's: :func:`node_system`. An unknown
    name raises ValueError naming ``param``.
    """
    nodes = _data()["nodes"]
    parts: dict[str, _sourced.Sourced] = nodes[_validate.choice(param, name, nodes)]
    return parts


def rack(name: str = "GB200 NVL72") -> dict[str, _sourced.Sourced]:
    """The components of a rack-scale system: {field: Sourced}; its GPUs and NVLink domain: :func:`node_system`."""
    racks = _data()["racks"]
    parts: dict[str, _sourced.Sourced] = racks[_validate.choice("name", name, racks)]
    return parts


def drive(name: str = "NVMe example (PCIe Gen4)") -> dict[str, _sourced.Sourced]:
    """An NVMe drive's sequential ``read_gbs`` / ``write_gbs`` (Sourced): an example of the class."""
    drives = _data()["drives"]
    parts: dict[str, _sourced.Sourced] = drives[_validate.choice("name", name, drives)]
    return parts


def node_system(name: str = "DGX H100", param: str = "name") -> topology.System:
    """The :mod:`course_lib.topology` system of a node or rack of this module: its GPU, GPUs per node, NVLink
    domain and network, e.g. ``node_system().gpus_per_node`` -> 8. An unknown name raises ValueError naming
    ``param``."""
    name = _validate.choice(param, name, node_names() + rack_names())
    return topology.get_system(name, param)


def node_gpu(name: str = "DGX H100") -> hardware.GPU:
    """The catalog GPU of a node or rack."""
    return node_system(name).gpu_spec()


@dataclass(frozen=True)
class Path:
    """One data path of a node and its bandwidth in GB/s for one GPU, per direction (HBM: reads + writes).

    ``key``: "hbm", "nvlink", "pcie", "network" or "nvme".
    """

    key: str
    name: str
    between: str
    gbs: float
    basis: str


def node_paths(name: str = "DGX H100") -> tuple[Path, ...]:
    """The paths data takes in and around one GPU of the node, fastest first.

    GPU memory (HBM, the catalog's bandwidth), NVLink to another GPU of the node through the
    NVSwitches, PCIe to CPU memory, the GPU's own network card to other nodes, and its share of
    the node's NVMe data drives (one drive per GPU, the example drive's sequential read rate).
    """
    parts = node(name)
    system = node_system(name)
    gpu = system.gpu_spec()
    nvlink, network = system.intra_link, system.inter_link
    if nvlink is None or network is None or system.nics_per_node is None or system.nic_gbit_per_s is None:
        raise ValueError(f"name: {name} has no NVLink domain or network in systems.json")
    drives_per_gpu = parts["data_drives"].value / system.gpus_per_node
    read = drive()["read_gbs"].value
    nic = system.nic_gbit_per_s
    return (
        Path("hbm", "GPU memory (HBM)", "SMs <-> HBM", gpu.memory_bandwidth_gbs,
             f"{gpu.name} datasheet, reads and writes together"),
        Path("nvlink", "NVLink via NVSwitch", "GPU <-> any GPU of the same node", nvlink.bandwidth_gbs,
             f"{2 * nvlink.bandwidth_gbs:g} GB/s both directions together / 2 ({gpu.name} datasheet)"),
        Path("pcie", f"PCIe Gen{parts['pcie_gen'].value} x16", "GPU <-> CPU memory",
             parallel.pcie_bandwidth_gbs(parts["pcie_gen"].value),
             f"16 lanes x {parallel.PCIE_GTS[parts['pcie_gen'].value]:g} GT/s x 128/130 / 8"),
        Path("network", f"Network card ({network.name})", "GPU <-> GPUs of other nodes", network.bandwidth_gbs,
             f"{system.nics_per_node} x {nic:g} Gb/s ports / {system.gpus_per_node} GPUs / 8 bits per byte"),
        Path("nvme", "NVMe data drive", "drive -> GPU's node", drives_per_gpu * read,
             f"{drives_per_gpu:g} drive per GPU x {read:g} GB/s sequential read (example drive)"),
    )


def nvlink_domain(system: str) -> dict[str, float]:
    """GPUs that reach each other over NVLink, and the per-GPU NVLink bandwidth (GB/s per direction).

    ``system``: a node ("DGX H100": the 8 GPUs of the server) or a rack ("GB200 NVL72": all 72).
    Beyond the domain, traffic leaves through the network cards.
    """
    name = _validate.choice("system", system, node_names() + rack_names())
    link = topology.get_system(name, "system").intra_link
    if link is None or link.domain_size is None:
        raise ValueError(f"system: {name} has no NVLink domain in systems.json")
    return {"gpus": link.domain_size, "gbs_per_direction": link.bandwidth_gbs}


@dataclass(frozen=True)
class TensorParallelLink:
    """One Megatron layer (forward + backward) with tensor parallelism over one kind of link."""

    link: str
    gbs: float
    compute_s: float
    communication_s: float

    @property
    def communication_share(self) -> float:
        """Communication time / compute time: above 1 the GPUs mostly wait (if nothing overlaps)."""
        return self.communication_s / self.compute_s


def tensor_parallel_over_links(model: models.ModelLike, seq_len: int = 4096, micro_batch: int = 1,
                               tensor_parallel: int = 8, mfu: float = 0.5,
                               name: str = "DGX H100") -> tuple[TensorParallelLink, ...]:
    """Compute vs communication per layer with tensor parallelism inside the node (NVLink) and across nodes.

    Uses :func:`course_lib.parallel.tensor_parallel_layer_seconds` with the node's GPU, once with
    the NVLink bandwidth and once with one network card per GPU (each GPU of the group in another
    node). ``tensor_parallel`` must not exceed the node's GPUs for the NVLink case to be buildable.
    """
    node(name)  # a node of this module (not a rack)
    system = node_system(name)
    tp = _validate.positive_int("tensor_parallel", tensor_parallel)
    if tp > system.domain_size:
        raise ValueError(f"tensor_parallel: a {name} has {system.domain_size} GPUs on NVLink, got {tp}")
    gpu = system.gpu_spec()
    paths = {path.key: path for path in node_paths(name)}
    links = (("NVLink (inside the node)", paths["nvlink"].gbs), ("Network card (across nodes)", paths["network"].gbs))
    results = []
    for label, gbs in links:
        times = parallel.tensor_parallel_layer_seconds(model, seq_len, micro_batch, tp, gbs, gpu, mfu)
        results.append(TensorParallelLink(label, gbs, times["compute"], times["communication"]))
    return tuple(results)
