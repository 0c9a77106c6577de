"""The memory hierarchy of one GPU: registers, shared memory/L1, L2, GPU memory, CPU memory, NVMe.

Capacity and bandwidth per level, each with the status of its bandwidth:

* ``"published"``: a vendor figure (GPU memory bandwidth from the catalog, MI300X's Infinity Cache);
* ``"derived"``: computed from cited factors, e.g. shared memory = SMs x 128 bytes per clock
  (32 banks x 4 bytes, CUDA C++ Programming Guide) x boost clock, L2 = bytes per clock (A100
  whitepaper, for A100 and V100 only) x boost clock, PCIe from its lane rate. These are upper
  bounds: every bank busy every clock;
* ``"not published"``: no bandwidth is given (registers, and L2 of most GPUs). Never invented.

CPU memory and NVMe are those of the GPU's own server shared by its 8 GPUs (:mod:`course_lib.server`):
the DGX H100 for the H100 SXM, the DGX A100 (80GB) for the A100 SXM 80GB, each 2 TB / 8 of CPU
memory reached over the GPU's PCIe link and one NVMe data drive per GPU. A GPU that is in no server
of the data gets the DGX H100's, and those rows say "host of a DGX H100 (illustrative)".
"""

from __future__ import annotations

from dataclasses import dataclass

from course_lib import _validate, chip, hardware, parallel, server

STATUSES = ("published", "derived", "not published")


@dataclass(frozen=True)
class MemoryLevel:
    """One level: ``capacity_bytes`` for the whole GPU, ``bandwidth_bytes_per_s`` (None if unpublished)."""

    name: str
    capacity_bytes: float
    bandwidth_bytes_per_s: float | None
    status: str
    basis: str


ILLUSTRATIVE_NODE = "DGX H100"  # the host shown for a GPU that is in no server of server_components.json


def host_node(gpu: hardware.GPULike, node: str | None = None) -> tuple[str, bool]:
    """The server whose CPU memory and NVMe drives :func:`memory_hierarchy` shows for ``gpu``, and whether
    ``gpu`` is that server's own GPU.

    ``node`` None: the server of :mod:`course_lib.server` built around ``gpu`` (the DGX A100 (80GB) for
    the A100 SXM 80GB), else :data:`ILLUSTRATIVE_NODE`. A named ``node`` is used as given (ValueError
    naming ``node`` if unknown).
    """
    name = hardware.get_gpu(gpu).name
    if node is None:
        own = [n for n in server.node_names() if server.node_system(n).gpu == name]
        node = own[0] if own else ILLUSTRATIVE_NODE
    server.node(node, "node")
    return node, server.node_system(node, "node").gpu == name


def memory_hierarchy(gpu: hardware.GPULike, node: str | None = None) -> tuple[MemoryLevel, ...]:
    """The levels of ``gpu``, nearest the arithmetic first. Levels with an unpublished capacity are left out.

    CPU memory and NVMe are those of :func:`host_node`; where ``gpu`` is not that server's GPU, their basis
    says "host of a <node> (illustrative)".
    """
    node, own = host_node(gpu, node)
    parts = server.node(node, "node")
    host = node if own else f"host of a {node} (illustrative)"
    arch = chip.get_arch(gpu)
    catalog = hardware.get_gpu(arch.name)
    sizes = chip.on_chip_bytes(arch.name)
    sms, boost = arch.value("sm_count"), arch.value("boost_clock_mhz")
    levels = []
    if sizes["registers"] is not None:
        levels.append(MemoryLevel("registers", sizes["registers"], None, "not published",
                                  f"{sms} SMs x {arch.value('register_file_kib_per_sm')} KiB"))
    if sizes["l1_shared"] is not None:
        per_clock = chip.constant("shared_memory_bytes_per_clock_per_sm").value
        nvidia = catalog.vendor == "NVIDIA"
        bandwidth = sms * per_clock * boost * 1e6 if nvidia else None
        levels.append(MemoryLevel(
            "shared memory / L1", sizes["l1_shared"], bandwidth, "derived" if nvidia else "not published",
            f"{sms} SMs x {arch.value('l1_shared_kib_per_sm')} KiB"
            + (f"; {sms} SMs x {per_clock} B/clock x {boost:,} MHz" if nvidia else "")))
    if sizes["l2"] is not None:
        per_clock = arch.value("l2_bytes_per_clock")
        bandwidth = None if per_clock is None else per_clock * boost * 1e6
        levels.append(MemoryLevel("L2 cache", sizes["l2"], bandwidth, "not published" if bandwidth is None else "derived",
                                  f"{arch.value('l2_kib'):,} KiB"
                                  + ("" if per_clock is None else f"; {per_clock:,} B/clock x {boost:,} MHz")))
    if "infinity_cache_mib" in arch.fields:
        levels.append(MemoryLevel("Infinity Cache", arch.value("infinity_cache_mib") * 2**20,
                                  arch.value("infinity_cache_gbs") * 1e9, "published", "AMD: 256 MB at 17 TB/s peak"))
    levels.append(MemoryLevel(f"GPU memory ({catalog.memory_type})", catalog.memory_bytes,
                              catalog.memory_bandwidth_bytes_per_s, "published",
                              f"{catalog.memory_gb:g} GB at {catalog.memory_bandwidth_gbs:,g} GB/s (datasheet)"))
    gpus = server.node_system(node, "node").gpus_per_node
    host_bytes = parts["system_memory_tb"].value * 1e12 / gpus
    if catalog.pcie_gen is not None:
        levels.append(MemoryLevel("CPU memory over PCIe", host_bytes,
                                  parallel.pcie_bandwidth_gbs(catalog.pcie_gen) * 1e9, "derived",
                                  f"{host}: {parts['system_memory_tb'].value:g} TB / {gpus} GPUs; "
                                  f"PCIe Gen{catalog.pcie_gen} x16, one direction"))
    drives = parts["data_drives"].value / gpus
    read = server.drive()["read_gbs"].value
    levels.append(MemoryLevel("NVMe drive", drives * parts["data_drive_tb"].value * 1e12, drives * read * 1e9,
                              "published", f"{host}: {drives:g} x {parts['data_drive_tb'].value:g} TB drive per GPU; "
                                           f"example drive, {read:g} GB/s sequential read"))
    return tuple(levels)


@dataclass(frozen=True)
class WorkingSet:
    """Where a working set of ``n_bytes`` fits first, and the time to read it once from there."""

    n_bytes: float
    level: MemoryLevel
    read_seconds: float | None


def working_set_level(gpu: hardware.GPULike, n_bytes: float, node: str | None = None) -> WorkingSet:
    """The nearest level of :func:`memory_hierarchy` that holds ``n_bytes``, and bytes / its bandwidth.

    Registers are skipped: each thread's registers are its own, so data the threads share starts in
    shared memory. ``read_seconds`` is None where that level's bandwidth is unpublished. ValueError (naming
    ``n_bytes``) if nothing holds it.
    """
    n_bytes = _validate.positive("n_bytes", n_bytes)
    levels = memory_hierarchy(gpu, node)
    for level in levels:
        if level.name != "registers" and n_bytes <= level.capacity_bytes:
            seconds = None if level.bandwidth_bytes_per_s is None else n_bytes / level.bandwidth_bytes_per_s
            return WorkingSet(n_bytes, level, seconds)
    raise ValueError(f"n_bytes: {n_bytes:.3g} bytes is more than any level of one GPU's share holds")
