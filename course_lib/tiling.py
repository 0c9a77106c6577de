"""Why tiles: a tiled matrix multiplication on numpy arrays that counts its memory traffic.

C = A @ B with A (m x k) and B (k x n) is computed one output tile (``tile`` x ``tile``) at a time,
stepping along k in slices of ``tile_k``: each step copies an A tile and a B tile from "HBM"
(the arrays) into "shared memory" (small copies), multiplies them there, and adds into the C tile
held in "registers". The C tile is written to HBM once. Counting what moves:

* HBM reads = b (m k ceil(n / tile) + k n ceil(m / tile)): every A element is loaded once per
  column of output tiles, every B element once per row of them; HBM writes = b m n;
* shared-memory reads = b 2 m n k: each multiply-add reads one A and one B value on chip;
* FLOP = 2 m n k (a multiply-add is 2 FLOP).

So each value loaded from HBM is used about ``tile`` times, and for a square n x n x n product the
arithmetic intensity from HBM is 2 / (b (2 / tile + 1 / n)), about tile / b: bigger tiles, more
reuse, until the kernel reaches the roofline ridge of the GPU (:func:`course_lib.compute.ridge_point`)
and becomes compute-bound. The limit is on-chip space: one SM holds the C tile's fp32 accumulators
in its register file and the A and B tiles in shared memory. This model has no cache: a real GPU's
L2 also serves loads that neighbouring tiles share, so the whole chip acts as a bigger tile.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from course_lib import _validate, chip, compute, hardware, memory

ACCUMULATOR_BYTES = 4  # fp32 accumulators, as Tensor Cores accumulate (the catalog's rates)
# About the largest output tile per thread block in real Hopper matrix kernels (e.g. CUTLASS's 128 x 256 x 64
# tile shapes): its fp32 accumulators, 128 KiB, take half of one SM's 256 KiB register file, leaving the rest
# for operands, addresses and loop counters.
REAL_KERNEL_TILE = (128, 256)
PRECISIONS = ("fp32", "fp16", "bf16", "fp8", "int8")  # catalog rates that have a storage size
_KIB = 1024


def precision_bytes(precision: str) -> float:
    """Bytes per value of ``precision`` (one of :data:`PRECISIONS`), for rooflines at that precision's peak."""
    return memory.bytes_per_param(_validate.choice("precision", precision, PRECISIONS))


@dataclass(frozen=True)
class MatmulTraffic:
    """Memory traffic of a tiled (m x k) @ (k x n) product with ``bytes_per_element`` values.

    ``reuse`` is shared-memory reads / HBM reads: how many times each loaded value is used.
    """

    m: int
    n: int
    k: int
    tile: int
    bytes_per_element: float
    flops: float
    hbm_read_bytes: float
    hbm_write_bytes: float
    shared_read_bytes: float

    @property
    def hbm_bytes(self) -> float:
        """Bytes read from and written to HBM."""
        return self.hbm_read_bytes + self.hbm_write_bytes

    @property
    def intensity(self) -> float:
        """Arithmetic intensity in FLOP per HBM byte."""
        return self.flops / self.hbm_bytes

    @property
    def reuse(self) -> float:
        """Shared-memory reads per HBM read."""
        return self.shared_read_bytes / self.hbm_read_bytes


# Most tile steps tiled_matmul simulates (a Python loop): beyond this a call would run for minutes.
MAX_TILE_STEPS = 2**20


def _sizes(m: int, n: int, k: int, tile: int) -> tuple[int, int, int, int]:
    m, n, k = (_validate.positive_int(name, v) for name, v in (("m", m), ("n", n), ("k", k)))
    return m, n, k, _validate.positive_int("tile", tile)


def matmul_traffic(m: int, n: int, k: int, tile: int, bytes_per_element: float) -> MatmulTraffic:
    """The traffic :func:`tiled_matmul` counts, in closed form (see the module docstring)."""
    m, n, k, tile = _sizes(m, n, k, tile)
    b = _validate.positive("bytes_per_element", bytes_per_element)
    reads = b * (m * k * math.ceil(n / tile) + k * n * math.ceil(m / tile))
    return MatmulTraffic(m, n, k, tile, b, 2.0 * m * n * k, reads, b * m * n, b * 2.0 * m * n * k)


def tiled_matmul(a: np.ndarray, b: np.ndarray, tile: int, tile_k: int | None = None) -> tuple[np.ndarray, MatmulTraffic]:
    """C = A @ B computed tile by tile, and the traffic counted while doing it.

    ``tile``: output tile edge; ``tile_k``: k-slice per step (default ``tile``; it changes the
    shared-memory footprint, not the traffic). Edge tiles are smaller when the sizes do not divide.
    Tiles are accumulated in float64 for float inputs of 64 bits (and lists), else float32; the byte counts
    use the inputs' element size.
    """
    kind = np.result_type(*(np.asarray(x).dtype if isinstance(x, np.ndarray) else np.float64 for x in (a, b)))
    a, b = _validate.float_array("a", a), _validate.float_array("b", b)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[0]:
        raise ValueError(f"a, b: need (m x k) @ (k x n) matrices, got shapes {a.shape} and {b.shape}")
    (m, k), n = a.shape, b.shape[1]
    m, n, k, tile = _sizes(m, n, k, tile)
    tile_k = tile if tile_k is None else _validate.positive_int("tile_k", tile_k)
    steps = math.ceil(m / tile) * math.ceil(n / tile) * math.ceil(k / tile_k)
    if steps > MAX_TILE_STEPS:
        raise ValueError(f"tile: {steps:,} tile steps would take minutes in Python; use tiles of at least "
                         f"{math.ceil(max(m, n, k) / round(MAX_TILE_STEPS ** (1 / 3)))} (at most {MAX_TILE_STEPS:,} "
                         "steps)")
    out_dtype = np.float64 if kind == np.float64 else np.float32
    itemsize = kind.itemsize
    c = np.empty((m, n), dtype=out_dtype)
    read = shared = 0
    for i in range(0, m, tile):
        for j in range(0, n, tile):
            acc = np.zeros((min(tile, m - i), min(tile, n - j)), dtype=out_dtype)  # "registers"
            for p in range(0, k, tile_k):
                a_tile = np.array(a[i:i + tile, p:p + tile_k], dtype=out_dtype)  # HBM -> shared memory
                b_tile = np.array(b[p:p + tile_k, j:j + tile], dtype=out_dtype)
                read += a_tile.size + b_tile.size
                acc += a_tile @ b_tile
                shared += 2 * acc.size * a_tile.shape[1]  # one A and one B read per multiply-add
            c[i:i + tile, j:j + tile] = acc  # registers -> HBM, once
    traffic = MatmulTraffic(m, n, k, tile, itemsize, 2.0 * m * n * k, float(read * itemsize), float(m * n * itemsize),
                            float(shared * itemsize))
    return c, traffic


@dataclass(frozen=True)
class TileOnRoofline:
    """A square tiled matmul on a GPU's roofline: intensity vs ridge, and whether one SM holds the tile.

    ``register_share``: the tile's fp32 accumulators as a share of one SM's register file (None where
    its size is unpublished). At 1.0 they fill all of it, which leaves no register for the operands,
    addresses and loop counters; real Hopper GEMM kernels stop at about 128 x 256 per thread block, 0.5.
    """

    gpu: str
    precision: str
    tile: int
    traffic: MatmulTraffic
    ridge: float
    bound: str
    fraction_of_peak: float
    accumulator_bytes: int
    register_file_bytes: int | None
    fits_one_sm: bool | None

    @property
    def register_share(self) -> float | None:
        """Accumulator bytes / one SM's register file bytes (None where the register file is unpublished)."""
        return None if self.register_file_bytes is None else self.accumulator_bytes / self.register_file_bytes


def tile_on_roofline(gpu: hardware.GPULike, tile: int, precision: str = "bf16", n: int = 8192) -> TileOnRoofline:
    """An n x n x n product in ``precision`` with ``tile`` x ``tile`` output tiles, on the roofline of ``gpu``.

    ``fits_one_sm``: the tile's fp32 accumulators (4 tile^2 bytes) are no bigger than one SM's register
    file (None where the register file size is unpublished). That is a capacity bound, not a working
    kernel: at equality the accumulators take every register (see ``register_share``). Operand tiles are
    not checked: with a small k-slice they fit in shared memory whenever the accumulators fit in registers.
    """
    gpu = hardware.get_gpu(gpu)
    n = _validate.positive_int("n", n)
    traffic = matmul_traffic(n, n, n, tile, precision_bytes(precision))
    ridge = compute.ridge_point(gpu, precision)
    attainable = compute.roofline(traffic.intensity, gpu, precision)
    accumulators = ACCUMULATOR_BYTES * traffic.tile**2
    try:
        per_sm = chip.get_arch(gpu).value("register_file_kib_per_sm")
    except ValueError:  # no architecture data for this GPU
        per_sm = None
    registers = None if per_sm is None else per_sm * _KIB
    return TileOnRoofline(gpu.name, precision, traffic.tile, traffic, ridge,
                          compute.roofline_bound(traffic.intensity, gpu, precision),
                          attainable / gpu.peak_flops(precision), accumulators, registers,
                          None if registers is None else accumulators <= registers)


def compute_bound_tile(gpu: hardware.GPULike, precision: str = "bf16", n: int = 8192) -> float | None:
    """The tile edge at which a square n x n x n matmul reaches the ridge of ``gpu``, or None if none does.

    Solves 2 / (b (2 / T + 1 / n)) = ridge for T: T = 2 / (2 / (b ridge) - 1 / n). The smallest
    whole tile at or above this value is compute-bound.
    """
    n = _validate.positive_int("n", n)
    b = precision_bytes(precision)
    slack = 2 / (b * compute.ridge_point(gpu, precision)) - 1 / n
    return 2 / slack if slack > 0 and 2 / slack <= n else None


def chip_tile(gpu: hardware.GPULike, sm_tile: int) -> int:
    """Edge of the region all SMs of ``gpu`` work on at once when each holds a ``sm_tile`` x ``sm_tile`` tile.

    sm_tile x sqrt(SM count), rounded down: if the SMs work on neighbouring tiles and the L2 cache
    serves the loads they share, HBM sees one tile of this edge (an idealised model of what
    tile-ordering ("swizzling") in real kernels aims at). ValueError where the SM count is unpublished.
    """
    sm_tile = _validate.positive_int("sm_tile", sm_tile)
    return math.floor(sm_tile * math.sqrt(chip.parallelism(gpu).sm_count))

