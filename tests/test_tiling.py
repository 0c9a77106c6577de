"""course_lib.tiling: the tiled product equals A @ B (numpy oracle); traffic counted by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import tiling


@settings(max_examples=40, deadline=None)
@given(m=st.integers(1, 40), n=st.integers(1, 40), k=st.integers(1, 40), tile=st.integers(1, 48),
       tile_k=st.integers(1, 48), seed=st.integers(0, 2**16))
def test_tiled_product_equals_numpy_and_counts_match_the_formula(m, n, k, tile, tile_k, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    c, counted = tiling.tiled_matmul(a, b, tile, tile_k)
    np.testing.assert_allclose(c, a @ b, rtol=1e-12, atol=1e-12)  # float64: only summation order differs
    assert counted == tiling.matmul_traffic(m, n, k, tile, 8)


def test_float32_product_within_float32_rounding():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((96, 80)).astype(np.float32), rng.standard_normal((80, 72)).astype(np.float32)
    c, traffic = tiling.tiled_matmul(a, b, 32)
    assert c.dtype == np.float32 and traffic.bytes_per_element == 4
    exact = a.astype(np.float64) @ b.astype(np.float64)
    assert np.max(np.abs(c - exact)) < 80 * np.finfo(np.float32).eps * np.max(np.abs(a)) * np.max(np.abs(b))


def test_traffic_by_hand():
    # 4 x 4 x 4, tiles of 2, 1 byte per value: A (16 values) is loaded once per column of output tiles (2),
    # B (16) once per row (2): 64 bytes read; C written once: 16; 2 x 64 = 128 FLOP; each multiply-add reads
    # one A and one B value on chip: 2 x 64 = 128 bytes from shared memory.
    t = tiling.matmul_traffic(4, 4, 4, 2, 1)
    assert (t.hbm_read_bytes, t.hbm_write_bytes, t.flops, t.shared_read_bytes) == (64, 16, 128, 128)
    assert t.intensity == 128 / 80 and t.reuse == 2
    # sizes that do not divide: 5 x 3 x 2 with tiles of 2: A (10) x ceil(3/2) = 20, B (6) x ceil(5/2) = 18
    assert tiling.matmul_traffic(5, 3, 2, 2, 1).hbm_read_bytes == 38


def test_intensity_grows_with_the_tile():
    # square n = 8192, bf16: 2 / (2 (2/T + 1/8192)): T = 128 -> 63.5, 256 -> 126.0, 1024 -> 481.9 FLOP/byte
    for tile, expected in ((128, 63.50), (256, 126.03), (1024, 481.88)):
        assert tiling.matmul_traffic(8192, 8192, 8192, tile, 2).intensity == pytest.approx(expected, abs=0.01)


def test_compute_bound_tile_on_the_h100():
    # H100 SXM bf16 ridge 989.5e12 / 3.35e12 = 295.37 FLOP/byte; T = 2 / (2 / (2 x 295.37) - 1 / 8192) = 612.8
    ridge = 989.5e12 / 3.35e12
    assert tiling.compute_bound_tile("H100 SXM", "bf16", 8192) == pytest.approx(2 / (2 / (2 * ridge) - 1 / 8192))
    assert tiling.tile_on_roofline("H100 SXM", 512).bound == "memory"
    assert tiling.tile_on_roofline("H100 SXM", 1024).bound == "compute"
    # A100 80GB ridge 312 / 2.039 = 153.0 -> T = 311.9: 256 memory-bound, 512 compute-bound
    assert tiling.tile_on_roofline("A100 SXM 80GB", 256).bound == "memory"
    assert tiling.tile_on_roofline("A100 SXM 80GB", 512).bound == "compute"
    # a tile bigger than the matrix cannot help: n = 256 never reaches the H100's ridge
    assert tiling.compute_bound_tile("H100 SXM", "bf16", 256) is None


def test_accumulators_must_fit_one_sm():
    # fp32 accumulators: 4 x 256^2 = 262,144 bytes = one SM's 256 KiB register file (whole of it)
    assert tiling.tile_on_roofline("H100 SXM", 256).fits_one_sm is True
    assert tiling.tile_on_roofline("H100 SXM", 257).fits_one_sm is False
    assert tiling.tile_on_roofline("L4", 64).fits_one_sm is None  # no architecture data for the L4


def test_register_share_of_the_accumulators():
    # H100: 256 KiB = 262,144 bytes of registers per SM. 4 x 256^2 = 262,144: the accumulators alone take all of it;
    # 4 x 128^2 = 65,536: a quarter; a real 128 x 256 thread-block tile: 4 x 32,768 = 131,072, half
    assert tiling.tile_on_roofline("H100 SXM", 256).register_share == 1.0
    assert tiling.tile_on_roofline("H100 SXM", 128).register_share == 0.25
    real_m, real_n = tiling.REAL_KERNEL_TILE
    assert tiling.ACCUMULATOR_BYTES * real_m * real_n / tiling.tile_on_roofline("H100 SXM", 128).register_file_bytes \
        == 0.5
    assert tiling.tile_on_roofline("MI300X", 128).register_share is None  # register file size not in the data


def test_chip_wide_tile():
    # 132 SMs each on a 128 x 128 tile: an edge of 128 x sqrt(132) = 1470.6 -> 1470
    assert tiling.chip_tile("H100 SXM", 128) == 1470
    assert tiling.tile_on_roofline("H100 SXM", 1470).bound == "compute"


@pytest.mark.parametrize(("call", "name"), [
    (lambda: tiling.matmul_traffic(4, 4, 4, 0, 2), "tile"),
    (lambda: tiling.matmul_traffic(4, 4, 2.5, 2, 2), "k"),
    (lambda: tiling.matmul_traffic(4, 4, 4, 2, -2), "bytes_per_element"),
    (lambda: tiling.tiled_matmul(np.ones((2, 3)), np.ones((2, 3)), 2), "a, b"),
    (lambda: tiling.tiled_matmul(np.array([["x"]]), np.array([["y"]]), 1), "a"),
    (lambda: tiling.tiled_matmul(np.ones((4096, 4096)), np.ones((4096, 4096)), 1), "tile"),
    (lambda: tiling.tiled_matmul(np.ones((2, 2)), np.ones((2, 2)), 2, tile_k=0), "tile_k"),
    (lambda: tiling.tile_on_roofline("H100 SXM", 64, "fp4"), "precision"),
    (lambda: tiling.compute_bound_tile("H100 SXM", "int4"), "precision"),
    (lambda: tiling.compute_bound_tile("H100 SXM", "bf16", 0), "n"),
    (lambda: tiling.chip_tile("B200", 128), "gpu"),
])
def test_bad_input_raises_value_error_naming_the_parameter(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()
