"""The hardware catalog: GPUs (plus a TPU and two CPUs for comparison) with datasheet numbers.

Conventions (the same in every notebook):

* ``memory_gb`` is the datasheet figure read as decimal GB (1e9 bytes); ``memory_bandwidth_gbs`` GB/s.
  This is conservative for HBM cards, which are built in binary sizes: ``nvidia-smi`` reports an
  "80GB" A100 as 81920 MiB (80 GiB, 85.9 GB), part of which the driver reserves.
* ``peak_tflops(precision)`` is the **dense** peak in TFLOPS (1e12 FLOP/s), never the 2:4
  structured-sparsity figure that datasheets print next to it (which is exactly 2x).
  ``fp64`` and ``fp32`` are the vector (CUDA-core / SIMD) rates; ``tf32``, ``fp16``, ``bf16``,
  ``fp8`` and ``int8`` are matrix-unit (Tensor Core / Matrix Core / AMX) rates; ``int8`` is in
  TOPS. ``None`` means the vendor publishes no such rate (the hardware lacks that path, or the
  figure is not given; the row's ``notes`` say which).
* GeForce cards (RTX 3090/4090/5090) have two fp16/bf16 tensor rates; the catalog lists the one
  with **fp32 accumulate**, which is what mixed-precision training uses.
* ``interconnect_gbs`` is the total bidirectional GPU-to-GPU bandwidth (NVLink, Infinity Fabric,
  TPU ICI), ``None`` if the card only talks over PCIe. ``tdp_w`` is board power (``None`` for the
  TPU, whose power Google does not publish).
* CPU rows derive their peaks as cores x clock x FLOP/cycle and memory bandwidth as
  channels x MT/s x 8 bytes; the derivation is in ``notes``.

Every row carries a ``source`` (datasheet or whitepaper URL, plus document name); prices, where
present, carry a dated ``price_source``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from course_lib import _validate

PRECISIONS = ("fp64", "fp32", "tf32", "fp16", "bf16", "fp8", "int8")


@dataclass(frozen=True)
class GPU:
    """One accelerator (``kind`` "gpu", "tpu" or "accelerator") or CPU (``kind == "cpu"``). Units are in the field names.

    "accelerator": a matrix-engine chip that is neither a GPU nor a TPU (Intel Gaudi 3).
    """

    name: str
    kind: str  # "gpu", "tpu", "accelerator" or "cpu"
    vendor: str
    architecture: str
    year: int
    memory_gb: float
    memory_type: str
    memory_bandwidth_gbs: float
    tdp_w: float | None
    interconnect_gbs: float | None
    pcie_gen: int | None
    tflops: dict = field(repr=False)
    source: str = field(repr=False)
    aliases: tuple = field(default=(), repr=False)
    market: str = "datacenter"  # "datacenter", "workstation", "consumer", "edge", "china"
    price_usd: float | None = None  # approximate purchase price, see price_source
    rent_usd_per_hour: float | None = None  # typical on-demand cloud price per GPU-hour
    price_source: str | None = field(default=None, repr=False)
    notes: str = field(default="", repr=False)

    @property
    def memory_bytes(self) -> float:
        """Memory capacity in bytes."""
        return self.memory_gb * 1e9

    @property
    def memory_bandwidth_bytes_per_s(self) -> float:
        """Memory bandwidth in bytes/s."""
        return self.memory_bandwidth_gbs * 1e9

    def peak_tflops(self, precision: str) -> float | None:
        """Dense peak in TFLOPS (TOPS for int8) for ``precision``; None where no rate is published."""
        precision = _validate.choice("precision", precision, PRECISIONS)
        return self.tflops.get(precision)

    def peak_flops(self, precision: str) -> float:
        """Dense peak in FLOP/s; ValueError (naming ``precision``) if the hardware lacks it."""
        tflops = self.peak_tflops(precision)
        if tflops is None:
            supported = [p for p in PRECISIONS if self.tflops.get(p) is not None]
            raise ValueError(f"precision: {self.name} has no {precision} rate; it supports {', '.join(supported)}")
        return tflops * 1e12


@lru_cache(maxsize=1)
def _catalog() -> dict:
    rows = json.loads(resources.files("course_lib").joinpath("data/gpus.json").read_text(encoding="utf-8"))
    catalog = {}
    for row in rows["gpus"]:
        row = dict(row, aliases=tuple(row.get("aliases", ())))
        catalog[row["name"]] = GPU(**row)
    return catalog


@lru_cache(maxsize=1)
def _alias_index() -> dict:
    index = {}
    for gpu in _catalog().values():
        for key in (gpu.name, *gpu.aliases):
            key = _validate.normalize_key(key)
            if index.setdefault(key, gpu.name) != gpu.name:
                raise ValueError(f"gpus.json: alias {key!r} is used by both {index[key]!r} and {gpu.name!r}")
    return index


def list_gpus(kind: str | None = None) -> list:
    """All catalog entries (``kind="gpu"``, ``"tpu"``, ``"accelerator"`` or ``"cpu"`` to filter), in catalog order."""
    gpus = list(_catalog().values())
    if kind is not None:
        kind = _validate.choice("kind", kind, ("gpu", "tpu", "accelerator", "cpu"))
        gpus = [g for g in gpus if g.kind == kind]
    return gpus


def gpu_names(kind: str | None = None) -> list:
    """Names of catalog entries, for dropdowns."""
    return [g.name for g in list_gpus(kind)]


def get_gpu(name) -> GPU:
    """Look up a GPU by name or alias, ignoring case, spaces, dashes: ``get_gpu("a100-80gb")``.

    A ``GPU`` instance is returned unchanged. Unknown names raise ValueError with close matches.
    """
    if isinstance(name, GPU):
        return name
    key = _validate.normalize_key(name) if isinstance(name, str) else None
    if key and key in _alias_index():
        return _catalog()[_alias_index()[key]]
    names = list(_catalog()) + [a for g in _catalog().values() for a in g.aliases]
    raise ValueError(_validate.unknown_message("gpu name", name, names))
