"""FlashAttention as IO-awareness: attention's memory traffic, standard vs tiled, on numpy arrays.

Sources: Dao, Fu, Ermon, Rudra and Re, "FlashAttention: Fast and Memory-Efficient Exact Attention
with IO-Awareness", NeurIPS 2022, arXiv:2205.14135: Algorithm 0 (standard attention), Algorithm 1
(the tiled kernel with online softmax) and Theorem 2 (standard attention needs Theta(N d + N^2) HBM
accesses, FlashAttention Theta(N^2 d^2 / M) for on-chip memory of M elements).

Per head, with N = ``seq_len``, d = ``head_dim`` and b bytes per value, counted in values moved:

* standard (Algorithm 0): read Q, K; write S = Q K^T (N^2); read S, write P = softmax(S) (N^2 each);
  read P and V, write O: 4 N d + 4 N^2. The N x N matrices go to HBM and back.
* tiled (Algorithm 1, counted exactly as :func:`tiled_attention` runs it): blocks of B_c = ceil(M / 4d)
  keys and values are loaded once; for each, every block of B_r = min(B_c, d) queries and its
  partial output O_i and softmax statistics (row max m_i, row sum l_i) are read and written:
  2 N d + T_c (3 N d + 4 N) + N d + 2 N, with T_c = ceil(N / B_c) (the last two terms initialise O, l, m).
  No N x N matrix ever reaches HBM.
* minimum: read Q, K, V and write O once, 4 N d: what any exact attention kernel must move. Real
  kernels come close when the blocks they re-read are still in the L2 cache.

FLOP: 4 N^2 d (Q K^T and P V; the softmax's exponentials are not counted).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from course_lib import _validate, chip, compute, hardware, tiling

METHODS = ("standard", "tiled", "minimum")
_KIB = 1024


def softmax_attention(q: ArrayLike, k: ArrayLike, v: ArrayLike, scale: float | None = None) -> np.ndarray:
    """softmax(scale Q K^T) V, row-wise softmax, the whole N x N score matrix at once (the reference).

    ``scale`` defaults to 1 / sqrt(d). Computed in the inputs' float type.
    """
    q, k, v = _qkv(q, k, v)
    s = _scores(q, k, _scale(scale, q.shape[1]))
    p = np.exp(s - s.max(axis=1, keepdims=True))
    return (p / p.sum(axis=1, keepdims=True)) @ v


@dataclass(frozen=True)
class AttentionCounts:
    """Values read from and written to HBM by one run of :func:`tiled_attention`, and its block sizes."""

    reads: int
    writes: int
    block_rows: int
    block_cols: int

    @property
    def total(self) -> int:
        """Values moved (reads + writes)."""
        return self.reads + self.writes


# Most (row block, column block) pairs tiled_attention simulates (a Python loop): beyond this it runs for minutes.
MAX_BLOCK_PAIRS = 2**20


def _qkv(q: ArrayLike, k: ArrayLike, v: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arrays = []
    for name, x in (("q", q), ("k", k), ("v", v)):
        _validate.float_array(name, x)  # ragged, text, complex, NaN or inf: an error naming the array
        array = np.asarray(x)
        if array.dtype.kind != "f":
            raise ValueError(f"{name} must be a float array (attention runs in its float type), got {array.dtype}")
        arrays.append(array)
    q, k, v = arrays
    if q.ndim != 2 or k.shape != q.shape or v.shape != q.shape:
        raise ValueError(f"q, k, v: need three N x d arrays of one shape, got {q.shape}, {k.shape}, {v.shape}")
    if q.dtype.kind != "f" or q.dtype != k.dtype or q.dtype != v.dtype:
        raise ValueError(f"q, k, v: need float arrays of one dtype, got {q.dtype}, {k.dtype}, {v.dtype}")
    return q, k, v


def _scale(scale: float | None, head_dim: int) -> float:
    return 1 / math.sqrt(head_dim) if scale is None else _validate.positive("scale", scale)


def _scores(q: np.ndarray, k: np.ndarray, scale: float) -> np.ndarray:
    """scale Q K^T; ValueError naming ``scale`` if a score overflows the float type (the softmax would be NaN)."""
    with np.errstate(over="ignore", invalid="ignore"):
        s = (q @ k.T) * scale
    if not np.all(np.isfinite(s)):
        raise ValueError(f"scale: scores scaled by {scale:.3g} overflow {q.dtype}; use a smaller scale "
                         "(1 / sqrt(d) by default)")
    return s


def block_sizes(head_dim: int, sram_values: int) -> tuple[int, int]:
    """Algorithm 1's block sizes (B_r, B_c): B_c = ceil(M / 4d), B_r = min(B_c, d), for on-chip memory of M values."""
    d = _validate.positive_int("head_dim", head_dim)
    m = _validate.positive_int("sram_values", sram_values)
    if m < 4 * d:
        raise ValueError(f"sram_values: on-chip memory of {m} values cannot hold 4 rows of {d}")
    cols = math.ceil(m / (4 * d))
    return min(cols, d), cols


def tiled_attention(q: ArrayLike, k: ArrayLike, v: ArrayLike, sram_values: int,
                    scale: float | None = None) -> tuple[np.ndarray, AttentionCounts]:
    """Algorithm 1 of Dao et al. (2022) on numpy arrays, with the HBM traffic it causes.

    ``sram_values``: on-chip memory M in values (elements). Equals :func:`softmax_attention` to the
    rounding of the float type (the online softmax rescales partial sums exactly).
    """
    q, k, v = _qkv(q, k, v)
    n, d = q.shape
    rows, cols = block_sizes(d, sram_values)
    if math.ceil(n / rows) * math.ceil(n / cols) > MAX_BLOCK_PAIRS:
        raise ValueError(f"sram_values: blocks of {rows} x {cols} make more than {MAX_BLOCK_PAIRS:,} block pairs for "
                         f"{n} tokens; give more on-chip memory or a shorter sequence")
    s_scale = _scale(scale, d)
    dtype = q.dtype
    o = np.zeros((n, d), dtype=dtype)  # in "HBM"
    row_sum = np.zeros(n, dtype=dtype)
    row_max = np.full(n, -np.inf, dtype=dtype)
    reads, writes = 0, n * d + 2 * n  # initialising O, l, m
    for j in range(0, n, cols):
        k_j, v_j = k[j:j + cols], v[j:j + cols]  # HBM -> on-chip
        reads += k_j.size + v_j.size
        for i in range(0, n, rows):
            q_i, o_i = q[i:i + rows], o[i:i + rows]
            l_i, m_i = row_sum[i:i + rows], row_max[i:i + rows]
            reads += q_i.size + o_i.size + l_i.size + m_i.size
            s = _scores(q_i, k_j, s_scale)
            m_tilde = s.max(axis=1)
            p_tilde = np.exp(s - m_tilde[:, None])
            l_tilde = p_tilde.sum(axis=1)
            m_new = np.maximum(m_i, m_tilde)
            old, new = np.exp(m_i - m_new), np.exp(m_tilde - m_new)
            l_new = old * l_i + new * l_tilde
            o[i:i + rows] = ((l_i * old)[:, None] * o_i + new[:, None] * (p_tilde @ v_j)) / l_new[:, None]
            row_sum[i:i + rows], row_max[i:i + rows] = l_new, m_new
            writes += o_i.size + l_i.size + m_i.size
    return o, AttentionCounts(int(reads), int(writes), rows, cols)


@dataclass(frozen=True)
class AttentionIO:
    """HBM bytes of one attention head by method (:data:`METHODS`), and its FLOP."""

    seq_len: int
    head_dim: int
    bytes_per_element: float
    sram_values: int
    flops: float
    bytes: dict

    def intensity(self, method: str) -> float:
        """FLOP per HBM byte of ``method``."""
        return self.flops / self.bytes[_validate.choice("method", method, METHODS)]


def attention_io(seq_len: int, head_dim: int, bytes_per_element: float, sram_values: int) -> AttentionIO:
    """HBM traffic per head of standard, tiled and minimum attention (formulas in the module docstring)."""
    n = _validate.positive_int("seq_len", seq_len)
    d = _validate.positive_int("head_dim", head_dim)
    b = _validate.positive("bytes_per_element", bytes_per_element)
    _, cols = block_sizes(d, sram_values)
    passes = math.ceil(n / cols)
    values = {"standard": 4 * n * d + 4 * n * n,
              "tiled": 2 * n * d + passes * (3 * n * d + 4 * n) + n * d + 2 * n,
              "minimum": 4 * n * d}
    return AttentionIO(n, d, b, int(sram_values), 4.0 * n * n * d, {name: b * count for name, count in values.items()})


def sram_values(gpu: hardware.GPULike, precision: str = "bf16") -> int:
    """On-chip memory M of one SM in values of ``precision``: its maximum shared memory (or L1/shared)."""
    arch = chip.get_arch(gpu)
    kib = arch.value("max_shared_kib_per_sm") or arch.value("l1_shared_kib_per_sm")
    if kib is None:
        raise ValueError(f"gpu: {arch.name}'s shared memory per SM is not published")
    return int(kib * _KIB // tiling.precision_bytes(precision))


@dataclass(frozen=True)
class AttentionOnRoofline:
    """One attention method on a GPU's roofline: bytes, intensity, bound and the roofline time."""

    method: str
    hbm_bytes: float
    intensity: float
    bound: str
    seconds: float


def attention_on_roofline(gpu: hardware.GPULike, seq_len: int, head_dim: int = 128, precision: str = "bf16",
                          heads: int = 1) -> tuple[AttentionOnRoofline, ...]:
    """Standard, tiled and minimum attention for ``heads`` heads (batch x heads) on ``gpu``.

    Times are the roofline bound :func:`course_lib.compute.roofline_seconds`: max(FLOP / peak,
    bytes / bandwidth); launch overheads and the softmax's own arithmetic are not included.
    """
    gpu = hardware.get_gpu(gpu)
    heads = _validate.positive_int("heads", heads)
    io = attention_io(seq_len, head_dim, tiling.precision_bytes(precision), sram_values(gpu, precision))
    return tuple(AttentionOnRoofline(method, heads * io.bytes[method], io.intensity(method),
                                     compute.roofline_bound(io.intensity(method), gpu, precision),
                                     compute.roofline_seconds(heads * io.flops, heads * io.bytes[method], gpu, precision))
                 for method in METHODS)


def compute_bound_seq_len(gpu: hardware.GPULike, method: str, head_dim: int = 128, precision: str = "bf16",
                          max_seq_len: int = 2**20) -> int | None:
    """The shortest power-of-two sequence length at which ``method`` is compute-bound on ``gpu``, else None."""
    method = _validate.choice("method", method, METHODS)
    max_seq_len = _validate.positive_int("max_seq_len", max_seq_len)
    gpu = hardware.get_gpu(gpu)
    b, sram = tiling.precision_bytes(precision), sram_values(gpu, precision)
    n = 1
    while n <= max_seq_len:
        if compute.roofline_bound(attention_io(n, head_dim, b, sram).intensity(method), gpu, precision) == "compute":
            return n
        n *= 2
    return None
