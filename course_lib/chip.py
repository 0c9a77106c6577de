"""Inside the chip: streaming multiprocessors (SMs), warps, Tensor Cores and clocks, from cited fields.

Architecture fields live in ``course_lib/data/gpu_arch.json``, keyed by the catalog name of the
GPU (:mod:`course_lib.hardware`), each with its source (NVIDIA architecture whitepapers for Volta,
Turing, Ampere, Hopper, Ada and RTX Blackwell; AMD's MI300X data sheet and ROCm documentation
for CDNA 3). A field the vendor does not publish is None, never a guess.

:func:`rebuild_peak` multiplies SM count x dense FLOP per clock per SM x clock and compares the
product with the datasheet peak the catalog holds. They agree within rounding where the
whitepaper gives every factor; where they do not (the H100 at its 1,980 MHz CUDA-core clock,
GeForce cards' FP32-accumulate rate, a B200 whose SM count is unpublished) the result says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from course_lib import _sourced, _validate, hardware
from course_lib._sourced import Sourced

ARCH_FILE = "gpu_arch.json"
REBUILD_PRECISIONS = ("fp16", "bf16", "tf32", "fp8", "int8")
# Agreement within rounding: datasheets print 3-4 significant figures (V100 "125", A100 "312").
AGREEMENT_PCT = 1.0
_KIB = 1024


@dataclass(frozen=True)
class ChipArch:
    """Architecture fields of one GPU: ``fields`` maps a field name to a :class:`Sourced` value.

    ``rates`` maps a precision to the dense FLOP per clock per SM (a multiply-add is 2 FLOP).
    """

    name: str
    fields: dict
    rates: dict

    def value(self, field: str) -> Any:
        """The value of ``field`` (None where unpublished); ValueError for an unknown field name."""
        field = _validate.choice("field", field, self.fields)
        return self.fields[field].value

    def sourced(self, field: str) -> Sourced:
        """``field`` with its source and note."""
        return self.fields[_validate.choice("field", field, self.fields)]


@cache
def _archs() -> dict:
    data = _sourced.load(ARCH_FILE)
    archs = {}
    for name, fields in data["gpus"].items():
        hardware.get_gpu(name)  # every key must be a catalog GPU
        fields = dict(fields)
        rates = fields.pop("dense_flop_per_clock_per_sm")
        archs[name] = ChipArch(name, fields, rates)
    return archs


def constant(name: str) -> Sourced:
    """A cited constant of ``gpu_arch.json``: "warp_threads" or "shared_memory_bytes_per_clock_per_sm"."""
    constants = _sourced.load(ARCH_FILE)["constants"]
    return constants[_validate.choice("name", name, constants)]


@dataclass(frozen=True)
class UnitTerms:
    """A vendor's own words for its processor block and its matrix units, for text about one of its chips.

    ``block`` / ``blocks``: "SM" / "SMs" (NVIDIA), "compute unit" / "compute units" (AMD);
    ``matrix_unit`` / ``matrix_units``: "Tensor Core(s)" (NVIDIA), "Matrix Core(s)" (AMD);
    ``vector_peaks``: what the vendor calls the non-matrix (FP32) peaks, "CUDA-core (FP32)" on NVIDIA.
    """

    block: str
    blocks: str
    matrix_unit: str
    matrix_units: str
    vector_peaks: str


# Words per catalog vendor. Only NVIDIA and AMD chips have architecture data (gpu_arch.json); a vendor
# without an entry gets the neutral words of _NEUTRAL_TERMS rather than NVIDIA's.
_UNIT_TERMS = {
    "NVIDIA": UnitTerms("SM", "SMs", "Tensor Core", "Tensor Cores", "CUDA-core (FP32)"),  # whitepapers
    "AMD": UnitTerms("compute unit", "compute units", "Matrix Core", "Matrix Cores", "vector (FP32)"),  # MI300X sheet
}
_NEUTRAL_TERMS = UnitTerms("processor block", "processor blocks", "matrix unit", "matrix units", "vector (FP32)")


def unit_terms(gpu: hardware.GPULike) -> UnitTerms:
    """The vendor's words for the processor blocks and matrix units of ``gpu`` (a catalog name, alias or GPU)."""
    return _UNIT_TERMS.get(hardware.get_gpu(gpu).vendor, _NEUTRAL_TERMS)


def arch_gpu_names() -> list[str]:
    """Catalog names of the GPUs with architecture fields, in file order."""
    return list(_archs())


def get_arch(gpu: hardware.GPULike) -> ChipArch:
    """Architecture fields of ``gpu`` (a catalog name, alias or :class:`~course_lib.hardware.GPU`).

    ValueError naming ``gpu`` for a catalog GPU without architecture data.
    """
    name = hardware.get_gpu(gpu).name
    if name not in _archs():
        raise ValueError(f"gpu: no architecture data for {name}; choose one of {', '.join(arch_gpu_names())}")
    return _archs()[name]


def uncatalogued_accelerators() -> dict:
    """Accelerators kept out of the catalog (published fields only) and why: {name: {field: Sourced or text}}."""
    return _sourced.load(ARCH_FILE)["uncatalogued"]


# --------------------------------------------------------------------------- the peak, rebuilt


@dataclass(frozen=True)
class PeakRebuild:
    """SM count x dense FLOP per clock per SM x clock, beside the datasheet peak.

    ``rebuilt_tflops`` and ``difference_pct`` are None when a factor is unpublished;
    ``agrees`` is True when the two agree within :data:`AGREEMENT_PCT`; ``explanation`` says why
    they do or do not.
    """

    gpu: str
    precision: str
    sm_count: int | None
    flop_per_clock_per_sm: float | None
    clock_mhz: float | None
    rebuilt_tflops: float | None
    datasheet_tflops: float | None
    difference_pct: float | None
    agrees: bool
    explanation: str


def rebuild_peak(gpu: hardware.GPULike, precision: str = "bf16", clock_mhz: float | None = None) -> PeakRebuild:
    """Dense peak in TFLOPS from SM count x FLOP per clock per SM x clock, vs the catalog's datasheet value.

    ``clock_mhz`` defaults to the clock the vendor uses for its Tensor Core peaks (``tensor_clock_mhz``);
    pass another (e.g. the CUDA-core ``boost_clock_mhz``) to see what it changes.
    """
    arch = get_arch(gpu)
    precision = _validate.choice("precision", precision, REBUILD_PRECISIONS)
    if clock_mhz is not None:
        clock_mhz = _validate.positive("clock_mhz", clock_mhz)
    datasheet = hardware.get_gpu(arch.name).peak_tflops(precision)
    sms = arch.value("sm_count")
    rate = arch.rates[precision].value if precision in arch.rates else None
    tensor_clock = arch.value("tensor_clock_mhz")
    clock = clock_mhz if clock_mhz is not None else tensor_clock
    terms = unit_terms(arch.name)
    missing = [what for what, value in ((f"{terms.block} count", sms),
                                        (f"{precision} FLOP per clock per {terms.block}", rate),
                                        ("clock", clock)) if value is None]
    if datasheet is None:
        return PeakRebuild(arch.name, precision, sms, rate, clock, None, None, None, False,
                           f"{arch.name} has no {precision} rate in the catalog: nothing to compare with.")
    if missing:
        entries = [arch.rates[precision]] if precision in arch.rates else list(arch.rates.values())
        notes = [entry.note for entry in entries if entry.value is None and entry.note]
        why = notes[0] if notes else "not in the course data"
        return PeakRebuild(arch.name, precision, sms, rate, clock, None, datasheet, None, False,
                           f"Cannot rebuild: {' and '.join(missing)} missing ({why}).")
    rebuilt = sms * rate * clock * 1e6 / 1e12
    difference = 100 * (rebuilt - datasheet) / datasheet
    agrees = abs(difference) <= AGREEMENT_PCT
    boost = arch.value("boost_clock_mhz")
    if agrees:
        explanation = f"Rebuilt and datasheet peaks agree within rounding ({difference:+.2f} %)."
    elif tensor_clock is not None and clock != tensor_clock:
        explanation = (f"{difference:+.1f} %: the vendor computes {terms.matrix_unit} peaks at {tensor_clock:,.0f} MHz"
                       + (f", not the {boost:,.0f} MHz boost clock of its {terms.vector_peaks} peaks"
                          if boost != tensor_clock else "") + "; the peak scales with the clock.")
    else:
        explanation = f"{difference:+.1f} %: more than rounding."
    return PeakRebuild(arch.name, precision, sms, rate, clock, rebuilt, datasheet, difference, agrees, explanation)


@dataclass(frozen=True)
class Parallelism:
    """How much runs at once on one GPU: SMs, FP32 lanes, Tensor Cores and resident threads."""

    gpu: str
    sm_count: int
    fp32_lanes: int
    tensor_cores: int
    resident_warps: int | None
    resident_threads: int | None


def parallelism(gpu: hardware.GPULike) -> Parallelism:
    """SM count, FP32 lanes (CUDA cores), Tensor Cores and the threads resident at once (SMs x warps x 32).

    ValueError naming ``gpu`` if its SM count is unpublished. ``resident_*`` are None where the
    maximum warps per SM is not in the data.
    """
    arch = get_arch(gpu)
    sms = arch.value("sm_count")
    if sms is None:
        raise ValueError(f"gpu: {arch.name}'s SM count is not published")
    warps_per_sm = arch.value("max_warps_per_sm")
    warps = None if warps_per_sm is None else sms * warps_per_sm
    threads = None if warps is None else warps * constant("warp_threads").value
    return Parallelism(arch.name, sms, sms * arch.value("fp32_lanes_per_sm"), sms * arch.value("tensor_cores_per_sm"),
                       warps, threads)


def on_chip_bytes(gpu: hardware.GPULike) -> dict[str, float | None]:
    """Bytes of each on-chip memory of ``gpu``: register file, L1/shared and L2 (None where unpublished).

    Per-SM sizes (KiB, as the whitepapers print "KB") are multiplied by the SM count.
    """
    arch = get_arch(gpu)
    sms = arch.value("sm_count")

    def total(field: str) -> float | None:
        per_sm = arch.value(field)
        return None if per_sm is None or sms is None else sms * per_sm * _KIB

    l2 = arch.value("l2_kib")
    return {"registers": total("register_file_kib_per_sm"), "l1_shared": total("l1_shared_kib_per_sm"),
            "l2": None if l2 is None else l2 * _KIB}
