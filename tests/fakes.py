"""Stand-ins for measurements the tests must not take: a CPU report as measure.measure_cpu() returns it."""

from __future__ import annotations

from course_lib import measure


def spread(median: float, unit: str = "GFLOPS") -> measure.Spread:
    """A Spread around ``median`` (quartiles at ±10 %, range -50 %/+20 %, 20 repeats)."""
    return measure.Spread(unit, median, 0.9 * median, 1.1 * median, 0.5 * median, 1.2 * median, 20)


def synthetic_cpu_report(float32: float = 192.4, clock_source: str = "/proc/cpuinfo cpu MHz: current or base clock",
                         peak: float | None = 166.1) -> measure.CPUReport:
    """The learner review's machine: 2 cores x 2.596 GHz x 32 FLOP/cycle = 166.1 GFLOPS estimated, 192.4 measured."""
    info = measure.CPUInfo(model_name="AMD EPYC", vendor="AuthenticAMD", family=25, machine="x86_64",
                           logical_cores=2, physical_cores=2, max_clock_mhz=None, clock_mhz=2596.0,
                           clock_source=clock_source, flags=["sse2", "avx", "fma", "avx2", "avx512f"])
    return measure.CPUReport(cpu=info, matmul_n=1024, matmul_gflops={"float32": spread(float32), "float64": spread(84)},
                             flop_per_cycle={"float32": 32, "float64": 16},
                             peak_gflops_estimate={"float32": peak, "float64": peak / 2 if peak else None},
                             python_loop_n=64, python_loop_gflops=spread(0.04), memory_copy_bytes=256e6,
                             memory_bandwidth_gbs=spread(20, "GB/s"), measured_at="2026-12-01T10:00:00+00:00",
                             seconds=1.5)
