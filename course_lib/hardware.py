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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources
from typing import Any

from course_lib import _validate, formats, units
from course_lib._registry import Registry

PRECISIONS = formats.PRECISIONS
KINDS = ("gpu", "tpu", "accelerator", "cpu")
MARKETS = ("datacenter", "workstation", "consumer", "edge", "china")
PCIE_GENERATIONS = (3, 4, 5, 6)


class Rates(Mapping[str, "float | None"]):
    """Read-only ``{precision: dense TFLOPS or None}``; hashable, so a :class:`GPU` is hashable too.

    Built from a dict; every key is a :data:`PRECISIONS` name, every value None or a finite number > 0.
    """

    __slots__ = ("_items",)

    def __init__(self, rates: Mapping[str, Any], param: str = "tflops") -> None:
        if not isinstance(rates, Mapping):
            raise ValueError(f"{param} must be a mapping of precision -> TFLOPS, got {_validate.describe(rates)}")
        items: dict[str, float | None] = {}
        for precision, value in rates.items():
            key = _validate.choice(f"{param} key", precision, PRECISIONS)
            items[key] = None if value is None else _validate.positive(f"{param}[{key!r}]", value)
        self._items = tuple(items.items())

    def __getitem__(self, precision: str) -> float | None:
        for key, value in self._items:
            if key == precision:
                return value
        raise KeyError(precision)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __repr__(self) -> str:
        return f"Rates({dict(self._items)!r})"


def _optional(check: Any, name: str, value: Any) -> Any:
    return None if value is None else check(name, value)


@dataclass(frozen=True)
class GPU:
    """One accelerator (``kind`` "gpu", "tpu" or "accelerator") or CPU (``kind == "cpu"``). Units are in the field
    names. "accelerator": a matrix-engine chip that is neither a GPU nor a TPU (Intel Gaudi 3).

    Validated when built (from ``gpus.json`` or by a learner): positive finite sizes and rates, known
    kind, market and precisions; ``tflops`` is stored as read-only :class:`Rates`, so a GPU is hashable.
    ``listed=False`` rows (TPU v4, kept for a published comparison) are found by :func:`get_gpu` but not
    listed by :func:`list_gpus` (dropdowns, rankings).
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
    tflops: Mapping[str, float | None] = field(repr=False)
    source: str = field(repr=False)
    aliases: tuple[str, ...] = field(default=(), repr=False)
    market: str = "datacenter"  # "datacenter", "workstation", "consumer", "edge", "china"
    price_usd: float | None = None  # approximate purchase price, see price_source
    rent_usd_per_hour: float | None = None  # typical on-demand cloud price per GPU-hour
    price_source: str | None = field(default=None, repr=False)
    notes: str = field(default="", repr=False)
    listed: bool = field(default=True, repr=False)

    def __post_init__(self) -> None:
        canonical = {
            "name": _validate.text("name", self.name).strip(),
            "kind": _validate.choice("kind", self.kind, KINDS),
            "vendor": _validate.text("vendor", self.vendor),
            "architecture": _validate.text("architecture", self.architecture),
            "year": _validate.integer("year", self.year, 1990, 2100),
            "memory_gb": _validate.positive("memory_gb", self.memory_gb),
            "memory_type": _validate.text("memory_type", self.memory_type),
            "memory_bandwidth_gbs": _validate.positive("memory_bandwidth_gbs", self.memory_bandwidth_gbs),
            "tdp_w": _optional(_validate.positive, "tdp_w", self.tdp_w),
            "interconnect_gbs": _optional(_validate.positive, "interconnect_gbs", self.interconnect_gbs),
            "pcie_gen": None if self.pcie_gen is None else _pcie_gen(self.pcie_gen),
            "tflops": self.tflops if isinstance(self.tflops, Rates) else Rates(self.tflops),
            "source": _validate.text("source", self.source),
            "aliases": _aliases(self.aliases),
            "market": _validate.choice("market", self.market, MARKETS),
            "price_usd": _optional(_validate.positive, "price_usd", self.price_usd),
            "rent_usd_per_hour": _optional(_validate.positive, "rent_usd_per_hour", self.rent_usd_per_hour),
            "price_source": _optional(_validate.text, "price_source", self.price_source),
            "notes": _validate.text("notes", self.notes),
            "listed": _validate.flag("listed", self.listed),
        }
        if not canonical["name"]:
            raise ValueError("name must not be empty")
        if not canonical["source"].strip():
            raise ValueError(f"source: {canonical['name']} needs a source (datasheet URL and document name)")
        if not any(canonical["tflops"].get(p) for p in ("bf16", "fp16", "fp32")):
            raise ValueError(f"tflops: {canonical['name']} needs at least one of a bf16, fp16 or fp32 rate")
        for name, value in canonical.items():
            object.__setattr__(self, name, value)

    @property
    def memory_bytes(self) -> float:
        """Memory capacity in bytes."""
        return self.memory_gb * units.GB

    @property
    def memory_bandwidth_bytes_per_s(self) -> float:
        """Memory bandwidth in bytes/s."""
        return self.memory_bandwidth_gbs * units.GB

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
        return tflops * units.TFLOPS


def _pcie_gen(value: Any) -> int:
    gen = _validate.integer("pcie_gen", value, min(PCIE_GENERATIONS), max(PCIE_GENERATIONS))
    return gen


def _aliases(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (tuple, list)):
        raise ValueError(f"aliases must be a tuple of strings, got {_validate.describe(value)}")
    return tuple(_validate.text("aliases", a) for a in value)


_FIELDS = {f.name for f in fields(GPU)}


def _row(row: Mapping[str, Any], index: int) -> GPU:
    """One ``gpus.json`` row as a validated GPU; ValueError naming the row for unknown or missing fields."""
    label = f"gpus.json row {index} ({row.get('name', '?')!r})"
    unknown = set(row) - _FIELDS
    if unknown:
        raise ValueError(f"{label}: unknown field(s) {sorted(unknown)}")
    try:
        return GPU(**{**row, "aliases": tuple(row.get("aliases", ()))})
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{label}: {exc}") from None


@lru_cache(maxsize=1)
def _registry() -> Registry[GPU]:
    rows = json.loads(resources.files("course_lib").joinpath("data/gpus.json").read_text(encoding="utf-8"))
    gpus = [_row(row, i) for i, row in enumerate(rows["gpus"])]
    entries: dict[str, GPU] = {}
    for gpu in gpus:
        if entries.setdefault(gpu.name, gpu) is not gpu:
            raise ValueError(f"gpus.json: two rows are named {gpu.name!r}")
    aliases = [(alias, gpu.name) for gpu in gpus for alias in gpu.aliases]
    return Registry(entries, aliases, what="gpus.json", param="gpu name")


def list_gpus(kind: str | None = None, *, include_unlisted: bool = False) -> list[GPU]:
    """Catalog entries (``kind="gpu"``, ``"tpu"``, ``"accelerator"`` or ``"cpu"`` to filter), in catalog order.

    Rows with ``listed=False`` are left out unless ``include_unlisted=True``.
    """
    gpus = _registry().values()
    if not _validate.flag("include_unlisted", include_unlisted):
        gpus = [g for g in gpus if g.listed]
    if kind is not None:
        kind = _validate.choice("kind", kind, KINDS)
        gpus = [g for g in gpus if g.kind == kind]
    return gpus


def gpu_names(kind: str | None = None) -> list[str]:
    """Names of the listed catalog entries, for dropdowns."""
    return [g.name for g in list_gpus(kind)]


def get_gpu(name: str | GPU, param: str = "gpu name") -> GPU:
    """Look up a GPU by name or alias, ignoring case, spaces, dashes: ``get_gpu("a100-80gb")``.

    A ``GPU`` instance (validated when it was built) is returned unchanged. Unknown names raise
    ValueError with close matches; the message starts with ``param`` (the caller's parameter name).
    """
    if isinstance(name, GPU):
        return name
    return _registry().get(name, param)


GPULike = str | GPU
