"""Clusters as they are built: nodes of GPUs, the link inside a node, the network between nodes.

A :class:`System` is what you buy or rent: a node (an 8-GPU HGX/DGX server, a 72-GPU NVL72 rack, a
PCIe box, a cloud instance, an edge module) of ``gpus_per_node`` catalog GPUs, an intra-node
:class:`Link` (NVLink/NVSwitch, Infinity Fabric, PCIe, TPU ICI) that connects at most
``domain_size`` GPUs, and an inter-node network (InfiniBand, RoCE, Ethernet) - or none, for systems
that are never clustered (an edge module, a GeForce workstation). The rows are in
``course_lib/data/systems.json``, each with its source.

Bandwidths follow :mod:`course_lib.parallel`: **per GPU, per direction**, GB/s (1e9 bytes/s).

* Intra-node links are derived from the catalog GPU, not typed twice: NVLink, Infinity Fabric and
  ICI are half the catalog's bidirectional ``interconnect_gbs``
  (:func:`course_lib.parallel.interconnect_per_direction_gbs`); PCIe is an x16 slot of the GPU's
  generation (:func:`course_lib.parallel.pcie_bandwidth_gbs`).
* The network's share per GPU is nics_per_node x Gb/s per NIC / 8 / gpus_per_node
  (:func:`course_lib.parallel.network_bandwidth_gbs`): a DGX H100's eight 400 Gb/s NICs give each
  GPU 50 GB/s each way.

Collectives (:func:`collective_time`) choose the link by where the group sits: a group inside one
link domain uses the intra-node link; a larger group spans several domains and its traffic crosses
the network, ``per_domain`` members in each. Costs are bandwidth terms only (no latency): the ring
all-reduce sends 2(n-1)/n of the buffer per GPU (Patarasuk & Yuan 2009; nccl-tests
doc/PERFORMANCE.md), all-gather and reduce-scatter (n-1)/n, all-to-all (n-1)/n; the hierarchical
all-reduce is a reduce-scatter inside each domain, an all-reduce of the 1/g shard across domains
(every GPU over its own NIC) and an all-gather inside each domain.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from course_lib import _validate, hardware, parallel
from course_lib._registry import Registry, by_name

LINK_KINDS = ("nvlink", "infinity_fabric", "ici", "pcie", "infiniband", "roce", "ethernet")
INTRA_KINDS = ("nvlink", "infinity_fabric", "ici", "pcie")
NETWORK_KINDS = ("infiniband", "roce", "ethernet")
SYSTEM_KINDS = ("server", "rack", "pod", "cloud instance", "workstation", "edge module")
COLLECTIVES = ("all-reduce", "all-gather", "reduce-scatter", "all-to-all")
ALGORITHMS = ("hierarchical", "ring")


@dataclass(frozen=True)
class Link:
    """A link between GPUs: ``bandwidth_gbs`` per GPU and per direction (GB/s).

    ``domain_size``: the most GPUs it connects directly (8 for an HGX NVSwitch board, 72 for NVL72,
    256 for a TPU v5e pod's ICI); None for a switched network, which scales with the cluster.
    """

    name: str
    kind: str
    bandwidth_gbs: float
    domain_size: int | None
    source: str = field(repr=False)


@dataclass(frozen=True)
class System:
    """A node type and how nodes are joined. Units are in the field names.

    intra_link: None only for one-GPU nodes. inter_link: None if the system is never clustered.
    nics_per_node, nic_gbit_per_s, network_topology: the network as published (None without one).
    """

    name: str
    kind: str
    gpu: str
    gpus_per_node: int
    intra_link: Link | None
    inter_link: Link | None
    nics_per_node: int | None
    nic_gbit_per_s: float | None
    network_topology: str | None
    source: str = field(repr=False)
    notes: str = field(default="", repr=False)
    aliases: tuple[str, ...] = field(default=(), repr=False)

    @property
    def clustered(self) -> bool:
        """True if nodes can be joined by a network."""
        return self.inter_link is not None

    @property
    def domain_size(self) -> int:
        """GPUs one intra-node link domain connects (1 for a one-GPU node)."""
        if self.intra_link is None or self.intra_link.domain_size is None:
            return 1
        return self.intra_link.domain_size

    def link_inside(self) -> Link:
        """The intra-node link; ValueError (naming ``system``) for a one-GPU node, which has none."""
        if self.intra_link is None:
            raise ValueError(f"system: a {self.name} node holds one GPU; it has no link between GPUs")
        return self.intra_link

    def network(self) -> Link:
        """The network between nodes; ValueError (naming ``system``) for a system that is never clustered."""
        if self.inter_link is None:
            raise ValueError(f"system: {self.name} is never clustered; it has no network between nodes")
        return self.inter_link

    def gpu_spec(self) -> hardware.GPU:
        """The catalog row of this system's GPU."""
        return hardware.get_gpu(self.gpu)

    @property
    def node_is_host_in_pod(self) -> bool:
        """True when a node is one host inside a pod (kind "pod": a TPU host of 4 or 8 chips, the pod's ICI joining
        the hosts), not a machine of its own (a server, a rack, an instance, a workstation, a module)."""
        return self.kind == "pod"

    @property
    def pod_name(self) -> str:
        """The pod, named without its size: "TPU v6e pod" for "TPU v6e pod (256 chips)"; ValueError naming
        ``system`` for a system that is not a pod."""
        if not self.node_is_host_in_pod:
            raise ValueError(f"system: {self.name} is a {self.kind}, not a pod")
        return self.name.split(" (")[0]


@dataclass(frozen=True)
class GroupLink:
    """Where a group of GPUs sits and the slowest link its collectives cross.

    per_domain GPUs of the group share each link domain, n_domains domains hold it
    (group_size = per_domain x n_domains). ``link`` is the intra-node link when the group fits in one
    domain, else the network; ``note`` says which, in words.
    """

    group_size: int
    per_domain: int
    n_domains: int
    link: Link | None
    crosses_domain: bool
    note: str


@dataclass(frozen=True)
class CollectiveTime:
    """Seconds of one collective: ``seconds`` in all, ``intra_seconds`` on the intra-node link and
    ``inter_seconds`` on the network (all-to-all uses both at once: seconds is the larger)."""

    op: str
    algorithm: str
    n_bytes: float
    seconds: float
    intra_seconds: float
    inter_seconds: float
    group: GroupLink

    @property
    def bus_bandwidth_gbs(self) -> float:
        """nccl-tests' "bus bandwidth" (doc/PERFORMANCE.md): the per-GPU, per-direction rate a single ring
        would need to take ``seconds``: 2(n-1)/n x bytes / seconds for an all-reduce, (n-1)/n for the others.
        Inside one domain it is the link's bandwidth; across domains it falls towards the network's.
        Infinite for one GPU (no communication)."""
        n = self.group.group_size
        if n == 1 or self.seconds == 0:
            return math.inf
        factor = 2 if self.op == "all-reduce" else 1
        return factor * (n - 1) / n * self.n_bytes / self.seconds / 1e9


# --------------------------------------------------------------------------- catalog


def _intra_bandwidth(kind: str, gpu: hardware.GPU) -> float:
    if kind == "pcie":
        if gpu.pcie_gen is None:
            raise ValueError(f"systems.json: {gpu.name} has no PCIe generation in the catalog")
        return parallel.pcie_bandwidth_gbs(gpu.pcie_gen)
    return parallel.interconnect_per_direction_gbs(gpu)


def _system(row: dict) -> System:
    name = row["name"]
    gpu = hardware.get_gpu(row["gpu"])
    gpn = _validate.positive_int(f"systems.json {name}: gpus_per_node", row["gpus_per_node"])
    _validate.choice(f"systems.json {name}: kind", row["kind"], SYSTEM_KINDS)
    intra = None
    if row["intra_link"] is not None:
        link = row["intra_link"]
        kind = _validate.choice(f"systems.json {name}: intra_link kind", link["kind"], INTRA_KINDS)
        domain = _validate.positive_int(f"systems.json {name}: domain_size", link["domain_size"])
        if domain < gpn or domain % gpn:
            raise ValueError(f"systems.json {name}: domain_size {domain} must be a multiple of gpus_per_node {gpn}")
        intra = Link(link["name"], kind, _intra_bandwidth(kind, gpu), domain, link["source"])
    elif gpn > 1:
        raise ValueError(f"systems.json {name}: a node of {gpn} GPUs needs an intra_link")
    inter, nics, gbit, topology = None, None, None, None
    if row["network"] is not None:
        net = row["network"]
        kind = _validate.choice(f"systems.json {name}: network kind", net["kind"], NETWORK_KINDS)
        nics = _validate.positive_int(f"systems.json {name}: nics_per_node", net["nics_per_node"])
        gbit = _validate.positive(f"systems.json {name}: nic_gbit_per_s", net["nic_gbit_per_s"])
        per_gpu = parallel.network_bandwidth_gbs(nics * gbit) / gpn
        inter, topology = Link(net["name"], kind, per_gpu, None, net["source"]), net["topology"]
    if not row["source"]:
        raise ValueError(f"systems.json {name}: every system needs a source")
    return System(name=name, kind=row["kind"], gpu=gpu.name, gpus_per_node=gpn, intra_link=intra, inter_link=inter,
                  nics_per_node=nics, nic_gbit_per_s=gbit, network_topology=topology, source=row["source"],
                  notes=row.get("notes", ""), aliases=tuple(row.get("aliases", ())))


@lru_cache(maxsize=1)
def _registry() -> Registry[System]:
    rows = json.loads(resources.files("course_lib").joinpath("data/systems.json").read_text(encoding="utf-8"))
    systems = [_system(row) for row in rows["systems"]]
    aliases = [(alias, system.name) for system in systems for alias in system.aliases]
    return Registry(by_name(systems, lambda system: system.name), aliases, what="systems.json", param="system")


def list_systems() -> list[System]:
    """Every system of ``systems.json``, in file order."""
    return _registry().values()


def system_names() -> list[str]:
    """Names of the systems, for dropdowns."""
    return _registry().names()


def get_system(name: str | System, param: str = "system") -> System:
    """A system by name or alias, ignoring case and punctuation: ``get_system("dgx-h100")``.

    A :class:`System` is returned unchanged; unknown names raise ValueError naming ``param`` with
    close matches.
    """
    if isinstance(name, System):
        return name
    return _registry().get(name, param)


def systems_for(gpu: str | hardware.GPU) -> list[System]:
    """The systems a catalog GPU ships in (possibly none: then no cluster of it is modelled)."""
    name = hardware.get_gpu(gpu).name
    return [s for s in _registry().values() if s.gpu == name]


def reference_system(gpu: str | hardware.GPU) -> System | None:
    """The system a catalog GPU is modelled in: the first of :func:`systems_for` (``systems.json`` lists the
    8-GPU server first where one exists: the DGX B200 before the GB200 NVL72), or None if it ships in none of
    them (no multi-GPU server of it in the data, such as the T4 or the H100 PCIe)."""
    found = systems_for(gpu)
    return found[0] if found else None


def tensor_parallel_limit(gpu: str | hardware.GPU) -> int:
    """Most GPUs of ``gpu`` one tensor-parallel group may hold: the link domain of its :func:`reference_system`
    (8 in an HGX/DGX server, 4 in the 4-card RTX 4090 workstation, 256 over a TPU v5e pod's ICI), 1 for a GPU
    that ships in no system or alone (an edge module). A group never spans servers: beyond the domain its
    traffic would cross the network in every layer."""
    system = reference_system(gpu)
    return 1 if system is None else system.domain_size


def nodes_for(n_gpus: int, system: str | System) -> int:
    """Whole nodes needed for ``n_gpus`` GPUs: ceil(n_gpus / gpus_per_node).

    ValueError (naming ``n_gpus``) when a system that is never clustered would need two nodes.
    """
    n = _validate.positive_int("n_gpus", n_gpus)
    s = get_system(system)
    nodes = math.ceil(n / s.gpus_per_node)
    if nodes > 1 and not s.clustered:
        raise ValueError(f"n_gpus: {s.name} is never clustered; it holds at most {s.gpus_per_node} GPU(s), "
                         f"got {n}")
    return nodes


def placement(n_gpus: int, system: str | System) -> str:
    """Where ``n_gpus`` GPUs of ``system`` sit, in words: the one label the planner's table and the layout views show.

    Nodes are ceil(n_gpus / gpus_per_node) (the caller has checked that the system can be that large). A node that is
    a machine of its own: "10 × DGX H100", "part of one DGX H100", "3 × DGX H100 (not all of the last one)". A node
    that is a host inside a pod (:attr:`System.node_is_host_in_pod`, the TPU rows): the hosts and the pod, since
    88 TPU v6e chips are 11 hosts of one 256-chip pod, not 11 pods: "11 hosts of 8 in one TPU v6e pod", "part of
    one host of 8 in a TPU v5e pod", and beyond one ICI domain "50 hosts of 8 in 2 TPU v5e pod slices" (a slice:
    the chips one ICI domain joins; slices are joined by the data-center network).
    """
    n = _validate.positive_int("n_gpus", n_gpus)
    s = get_system(system)
    per_node = s.gpus_per_node
    nodes = math.ceil(n / per_node)
    partial = n < nodes * per_node
    if not s.node_is_host_in_pod:
        if not partial:
            return f"{nodes:,} × {s.name}"
        return f"{nodes:,} × {s.name} (not all of the last one)" if nodes > 1 else f"part of one {s.name}"
    if nodes == 1 and partial:
        return f"part of one host of {per_node} in a {s.pod_name}"
    slices = math.ceil(n / s.domain_size)
    where = f"one {s.pod_name}" if slices == 1 else f"{slices:,} {s.pod_name} slices"
    hosts = "one host" if nodes == 1 else f"{nodes:,} hosts"
    return f"{hosts} of {per_node} in {where}" + (" (not all of the last host)" if partial else "")


def power_of_two_counts(system: str | System, max_gpus: int = 64) -> list[int]:
    """GPU counts 2, 4, 8, ... up to ``max_gpus`` that ``system`` can hold: within one link domain, or whole
    domains of a clustered system (128 is not whole 72-GPU NVL72 racks; a workstation stops at its cards)."""
    s = get_system(system)
    limit = _validate.positive_int("max_gpus", max_gpus)
    counts = [2**k for k in range(1, limit.bit_length()) if 2**k <= limit]
    return [n for n in counts if n <= s.domain_size or (s.clustered and n % s.domain_size == 0)]


# --------------------------------------------------------------------------- placement and collectives


def group_link(system: str | System, group_size: int, per_domain: int | None = None) -> GroupLink:
    """The link a collective over ``group_size`` GPUs of ``system`` runs on, and a note saying so.

    ``per_domain``: how many of the group's GPUs share one link domain (default: as many as fit,
    min(group_size, domain size)). A group inside one domain uses the intra-node link; a larger
    group crosses the network. ValueError (naming the parameter) when per_domain does not divide
    the group or exceeds the domain, or when the system is never clustered and the group does not fit.
    """
    s = get_system(system)
    n = _validate.positive_int("group_size", group_size)
    domain = s.domain_size
    if per_domain is None and n > domain and n % domain:
        raise ValueError(f"group_size: a group larger than one {s.name} domain ({domain} GPUs) fills whole domains; "
                         f"{n} is not a multiple of {domain} (or pass per_domain)")
    g = min(n, domain) if per_domain is None else _validate.positive_int("per_domain", per_domain)
    if g > domain or g > n or n % g:
        raise ValueError(f"per_domain: {g} GPUs per domain must divide the group ({n}) and fit in one "
                         f"{s.name} domain ({domain} GPUs)")
    k = n // g
    if k > 1 and not s.clustered:
        raise ValueError(f"group_size: {s.name} is never clustered; a group holds at most {domain} GPU(s), got {n}")
    if n == 1:
        return GroupLink(1, 1, 1, None, False, "one GPU: no communication")
    if k == 1:
        inside = s.link_inside()
        note = f"inside one {domain}-GPU domain on {inside.name} ({inside.bandwidth_gbs:.3g} GB/s)"
        return GroupLink(n, g, 1, inside, False, note)
    network = s.network()
    note = f"crosses {k} domains ({g} GPU(s) in each) over {network.name} ({network.bandwidth_gbs:.3g} GB/s per GPU)"
    return GroupLink(n, g, k, network, True, note)


def collective_time(op: str, n_bytes: float, system: str | System, group_size: int, per_domain: int | None = None,
                    algorithm: str = "hierarchical") -> CollectiveTime:
    """Seconds for the collective ``op`` over ``group_size`` GPUs of ``system`` (bandwidth terms only).

    ``n_bytes`` is each GPU's full buffer: the all-reduce input, the all-gather output, the
    reduce-scatter input, the all-to-all send buffer (an n-th to each peer). With g = per_domain GPUs
    per domain, k domains, n = g k, intra-node bandwidth B_i and network B_e (per GPU, per direction):

    * one domain (k = 1): all-reduce 2(g-1)/g S/B_i; all-gather, reduce-scatter, all-to-all (g-1)/g S/B_i;
    * ``"hierarchical"`` (default): reduce-scatter (g-1)/g S/B_i + (k-1)/k S/(g B_e); all-gather the
      same in reverse; all-reduce 2(g-1)/g S/B_i + 2(k-1)/k S/(g B_e);
    * ``"ring"``: one flat ring through every GPU, paced by the slower link: the one-domain formulas
      with n and min(B_i, B_e);
    * all-to-all (any algorithm): (g-1)/n S over B_i and (n-g)/n S over B_e at the same time: the larger.
    """
    op = _validate.choice("op", op, COLLECTIVES)
    algorithm = _validate.choice("algorithm", algorithm, ALGORITHMS)
    size = _validate.non_negative("n_bytes", n_bytes)
    group = group_link(system, group_size, per_domain)
    if group.group_size == 1:
        return CollectiveTime(op, algorithm, size, 0.0, 0.0, 0.0, group)
    s = get_system(system)
    g, k, n = group.per_domain, group.n_domains, group.group_size
    factor = 2 if op == "all-reduce" else 1  # a ring all-reduce = reduce-scatter + all-gather
    b_intra = s.link_inside().bandwidth_gbs * 1e9 if g > 1 else math.inf
    if k == 1:
        intra = factor * (g - 1) / g * size / b_intra
        return CollectiveTime(op, algorithm, size, intra, intra, 0.0, group)
    b_inter = s.network().bandwidth_gbs * 1e9
    if op == "all-to-all":
        intra, inter = (g - 1) / n * size / b_intra, (n - g) / n * size / b_inter
        return CollectiveTime(op, algorithm, size, max(intra, inter), intra, inter, group)
    if algorithm == "ring":
        seconds = factor * (n - 1) / n * size / min(b_intra, b_inter)
        return CollectiveTime(op, algorithm, size, seconds, 0.0, seconds, group)
    intra = factor * (g - 1) / g * size / b_intra
    inter = factor * (k - 1) / k * size / g / b_inter
    return CollectiveTime(op, algorithm, size, intra + inter, intra, inter, group)


# --------------------------------------------------------------------------- the links notebook 07 compares


_REFERENCE_LINKS = (  # label -> (system, "intra" or "inter")
    ("NVLink A100", "DGX A100 (80GB)", "intra"),
    ("NVLink A800", "HGX A800 8-GPU", "intra"),
    ("NVLink H100", "DGX H100", "intra"),
    ("PCIe Gen4 x16", "AWS g6e.48xlarge (8x L40S)", "intra"),
    ("InfiniBand HDR 200 Gb/s", "DGX A100 (80GB)", "inter"),
    ("InfiniBand NDR 400 Gb/s", "DGX H100", "inter"),
)


def reference_links() -> dict[str, Link]:
    """The links notebook 07 compares, by label, each taken from a real system (so each carries its
    domain): NVLink A100 / A800 / H100 (8 GPUs each), PCIe Gen4 x16 (an 8-GPU PCIe box), and the
    InfiniBand share of one GPU in a DGX A100 (HDR) and a DGX H100 (NDR) (no domain limit)."""
    links = {}
    for label, system, which in _REFERENCE_LINKS:
        s = get_system(system)
        links[label] = s.link_inside() if which == "intra" else s.network()
    return links


def reference_link(label: str, param: str = "label") -> Link:
    """One :func:`reference_links` entry; an unknown label raises ValueError naming ``param``."""
    links = reference_links()
    return links[_validate.choice(param, label, links)]
