"""Exercises of notebook 01 (why GPUs): Amdahl, arithmetic intensity, the roofline, Tensor Cores,
FLOP/s per watt, an estimate with your own machine, and two conceptual questions (predict Amdahl's limit, which
GPU needs more tokens in flight to leave the memory-bound side of the roofline).

Expected values are computed with course_lib; the questions are in
``solutions/01_why_gpus_solutions.ipynb`` (and, without answers, ``exercises/01_why_gpus_exercises.ipynb``).
"""

from __future__ import annotations

import math
from functools import lru_cache

from course_lib import _validate, compute, hardware, measure, memory, units
from course_lib.checks._base import Exercise, Trap

H100 = "H100 SXM"
A100 = "A100 SXM 80GB"
D = 4096  # matrix size of exercises 2 and 3 (the hidden size of a 7B-class model)
RTX = "RTX 4090"  # exercise 8: against the H100
# Exercise 7: Amdahl at 99 % parallel, from 1,000 to 100,000 cores; options are the predicted speed-ups.
AMDAHL_P, AMDAHL_CORES = 0.99, 100_000
AMDAHL_OPTIONS = {"A": 100_000.0, "B": 9_100.0, "C": 1_000.0, "D": 100.0}


def _tflops(gpu: str, precision: str) -> float:
    """Dense TFLOPS of a catalog GPU (ValueError naming ``precision`` where none is published)."""
    return hardware.get_gpu(gpu).peak_flops(precision) / units.TFLOPS


def _tdp(gpu: str) -> float:
    return _validate.present("tdp_w", hardware.get_gpu(gpu).tdp_w)


def _h100() -> hardware.GPU:
    return hardware.get_gpu(H100)


ex1 = Exercise(
    "Amdahl: 95 % parallel on 1000 cores",
    expected=lambda: compute.amdahl_speedup(0.95, 1000),
    unit="x",
    hints=[
        "Split the one-core time into a serial part (5 %) and a parallel part (95 %). Only the parallel part "
        "gets 1000 times shorter.",
        "New time = 0.05 + 0.95 / 1000 of the old time; the speed-up is old time / new time.",
        "Write the new time as a fraction of the old one, then invert it.",
    ],
    explanation="1 / (0.05 + 0.95/1000) = 1 / 0.05095 = 19.6x. The serial 5 % caps it below 1 / 0.05 = 20x, "
                "so 980 of the 1000 cores are idle on average.",
    traps=[
        Trap(lambda e: 1000.0, "1000x would need every part of the job to run in parallel. The serial 5 % still "
                               "takes as long as before."),
        Trap(lambda e: compute.amdahl_speedup(0.95, 10**12),
             "20x is the limit with infinitely many cores (1 / 0.05). With 1000 cores the parallel part still "
             "takes 0.95/1000 of the time."),
        Trap(lambda e: 950.0, "950 = 0.95 x 1000 scales the cores by the fraction; Amdahl adds up *times*: "
                              "0.05 + 0.95/1000."),
        Trap(lambda e: compute.amdahl_speedup(0.05, 1000), "that treats 5 % as the parallel part; 95 % is parallel."),
    ],
)

ex2 = Exercise(
    "Arithmetic intensity of a 4096^3 bf16 matmul",
    expected=lambda: compute.matmul_arithmetic_intensity(D, D, D, memory.bytes_per_param("bf16")),
    unit="FLOP/byte",
    hints=[
        "Arithmetic intensity = FLOP done / bytes moved to and from memory.",
        "FLOP = 2 x 4096^3. Bytes: A and B are read once, C written once: 3 matrices of 4096^2 values, "
        "2 bytes each in bf16.",
        "Count the FLOP and the bytes separately, then divide; many factors of 4096 cancel.",
    ],
    explanation="2 x 4096^3 / (3 x 4096^2 x 2 bytes) = 4096 / 3 = 1365 FLOP/byte: every byte fetched is used "
                "in over a thousand FLOP.",
    traps=[
        Trap(lambda e: 1 / e, "that is bytes per FLOP, the inverse. Intensity is FLOP per byte: FLOP on top."),
        Trap(lambda e: e / 2, "half the answer: either you counted multiply-adds (4096^3) instead of FLOP "
                              "(2 x 4096^3), or 4 bytes per value (fp32) instead of 2 (bf16)."),
        Trap(lambda e: 3 * e, "you counted the bytes of one matrix only: A and B are read and C is written, "
                              "three matrices."),
    ],
)

ex3 = Exercise(
    "One token through a 4096 x 4096 layer on an H100: which bound?",
    expected=lambda: compute.roofline_bound(
        compute.matmul_arithmetic_intensity(1, D, D, memory.bytes_per_param("bf16")), H100, "bf16") + "-bound",
    kind="choice",
    options=["compute-bound", "memory-bound"],
    hints=[
        "Compare the arithmetic intensity of (1 x 4096) @ (4096 x 4096) with the H100's ridge point "
        "(`compute.ridge_point('H100 SXM', 'bf16')`).",
        "The 4096 x 4096 bf16 weight matrix is 33.6 MB read for only 2 x 4096^2 FLOP: about 1 FLOP per byte.",
    ],
    explanation="Intensity 2 x 4096^2 / (2 x (4096 + 4096^2 + 4096)) = 1.0 FLOP/byte, far below the ridge of "
                "989.5e12 / 3.35e12 = 295 FLOP/byte: memory-bound, at most 0.3 % of the peak. This is why "
                "batch-1 decoding is limited by memory bandwidth.",
    feedback={"compute-bound": "one token uses each weight it reads for one multiply-add: about 1 FLOP per byte, "
                               "while the H100 needs 295 FLOP per byte (989.5 TFLOPS / 3.35 TB/s) to keep its "
                               "Tensor Cores busy."},
)

ex4 = Exercise(
    "H100: bf16 Tensor Core TFLOPS / fp32 vector TFLOPS",
    expected=lambda: _tflops(H100, "bf16") / _tflops(H100, "fp32"),
    unit="x",
    hints=[
        "Look both rates up in the catalog: `hardware.get_gpu('H100 SXM').peak_tflops(...)`.",
        "Dense rates only: the catalog already halved the datasheet's 'with sparsity' figure.",
    ],
    explanation="989.5 / 67 = 14.8x: the same chip does almost 15 times more bf16 matrix math on its Tensor "
                "Cores than fp32 math on its vector units. That, plus half the bytes, is why LLMs train in bf16.",
    traps=[
        Trap(lambda e: 2 * e, "twice the answer: you used the datasheet's 1,979 TFLOPS, which is *with 2:4 "
                              "sparsity*. The dense bf16 rate is 989.5."),
        Trap(lambda e: _tflops(H100, "bf16") / _tflops(H100, "fp64"),
             "that divides by the fp64 rate (34 TFLOPS); the question compares with fp32 vector (67 TFLOPS)."),
        Trap(lambda e: _tflops(H100, "tf32") / _tflops(H100, "fp32"),
             "that uses tf32 (the Tensor Core rate for fp32 inputs, 494.5 TFLOPS); the question asks for bf16."),
        Trap(lambda e: 1 / e, "the inverse: divide the bf16 tensor rate by the fp32 vector rate."),
    ],
)

ex5 = Exercise(
    "bf16 FLOP per joule: H100 SXM vs A100 SXM 80GB",
    expected=lambda: compute.flops_per_watt(H100, "bf16") / compute.flops_per_watt(A100, "bf16"),
    unit="x",
    hints=[
        "Efficiency = dense peak FLOP/s / board power (TDP) in W, for each card; then divide H100's by A100's.",
        "H100 SXM: 989.5 TFLOPS at 700 W; A100 SXM 80GB: 312 TFLOPS at 400 W. Use dense numbers for both.",
        "Compute FLOP/s per watt for each card, then the ratio.",
    ],
    explanation="(989.5 / 700) / (312 / 400) = 1.414 / 0.78 = 1.81x: the H100 does 3.2x the math for 1.75x "
                "the power.",
    traps=[
        Trap(lambda e: 2 * e, "twice the answer: you used the H100's 'with sparsity' 1,979 TFLOPS against the "
                              "A100's dense 312. Compare dense with dense."),
        Trap(lambda e: _tflops(H100, "bf16") / _tflops(A100, "bf16"),
             "3.17x is the ratio of FLOP/s alone; per joule you also divide by the power (700 W vs 400 W)."),
        Trap(lambda e: _tdp(H100) / _tdp(A100),
             "1.75 is the ratio of the powers; the question asks FLOP/s per watt."),
        Trap(lambda e: 1 / e, "the inverse: H100's FLOP/s per watt divided by A100's."),
    ],
)


@lru_cache(maxsize=1)
def my_cpu_gflops() -> float:
    """This machine's numpy float32 matmul GFLOPS: the median of ``measure.cpu_report()``, measured once.

    Shared with notebooks 01, 03 and 11 (session and cache file), so a learner's answer and the
    check of exercise 6 use the same measurement.
    """
    return measure.cpu_report().matmul_gflops["float32"].median


ex6 = Exercise(
    "Estimate: how many of your CPUs to match one H100?",
    expected=lambda: _h100().peak_flops("bf16") / (my_cpu_gflops() * 1e9),
    unit="CPUs like yours",
    within_factor=3,
    hints=[
        "Your machine's rate: `my_cpu_gflops()` gives GFLOPS (1e9 FLOP/s), the median float32 matmul rate "
        "that notebook 01 measured (`measure.cpu_report()`).",
        "Divide the H100's dense bf16 peak (989.5 TFLOPS = 989,500 GFLOPS) by your GFLOPS. Same units on both sides!",
    ],
    explanation="H100 dense bf16 peak / your measured float32 matmul rate, `my_cpu_gflops()`. Measurements vary "
                "with clock, load and other programs, so any answer within a factor of 3 of it counts.",
    traps=[
        Trap(lambda e: e * _tflops(H100, "fp32") / _tflops(H100, "bf16"),
             "that uses the H100's fp32 vector rate (67 TFLOPS); the question asks for its bf16 Tensor Core peak."),
    ],
)

def _amdahl_option() -> str:
    """The option nearest (in ratio) to Amdahl's speed-up at AMDAHL_P on AMDAHL_CORES (computed)."""
    speedup = compute.amdahl_speedup(AMDAHL_P, AMDAHL_CORES)
    return min(AMDAHL_OPTIONS, key=lambda option: abs(math.log(AMDAHL_OPTIONS[option] / speedup)))


ex7 = Exercise(
    "Predict, then move the slider: 99 % parallel on 100,000 cores",
    expected=_amdahl_option,
    kind="choice",
    options=list(AMDAHL_OPTIONS),
    hints=[
        "On 1,000 cores the speed-up is 91x. Which part of the run does not get any shorter with more cores?",
        "With infinitely many cores only the serial 1 % is left. What speed-up is that?",
    ],
    explanation="D: 1 / (0.01 + 0.99 / 100,000) = 99.9x. The serial 1 % caps the speed-up at 100x however many "
                "cores you add; 100x more cores buy only 91x -> 99.9x.",
    feedback={
        "A": "100,000x would need the whole program to run in parallel; the serial 1 % still takes as long as before.",
        "B": "9,100x scales the 91x of 1,000 cores by 100; Amdahl adds times, and the serial part does not shrink.",
        "C": "1,000x is more than 1 / 0.01 = 100x, the limit with infinitely many cores.",
    },
)


def _needs_more_tokens() -> str:
    """The GPU whose roofline ridge (FLOP/byte) is higher: it needs more tokens in flight to be compute-bound."""
    ridges = {name: compute.ridge_point(name, "bf16") for name in (RTX, H100)}
    if math.isclose(*ridges.values(), rel_tol=0.05):
        return "the same"
    return max(ridges, key=lambda name: ridges[name])


ex8 = Exercise(
    "Which GPU needs more tokens in flight to be compute-bound (bf16)?",
    expected=_needs_more_tokens,
    kind="choice",
    options=[RTX, H100, "the same"],
    hints=[
        "A (tokens x 4096) @ (4096 x 4096) matmul does about as many FLOP per byte as it has tokens (for a few "
        "hundred tokens). It is compute-bound once that passes the GPU's ridge point.",
        "The ridge point is dense peak FLOP/s divided by memory bandwidth. Which card has more FLOP/s per byte/s?",
    ],
    explanation="H100 SXM: its ridge is 989.5 TFLOPS / 3.35 TB/s = 295 FLOP/byte, the RTX 4090's 165.2 / 1.008 = "
                "164. In the roofline widget the RTX 4090 becomes compute-bound at 256 tokens, the H100 at 512: "
                "the faster the arithmetic compared with the memory, the more reuse it needs.",
    feedback={
        RTX: "the RTX 4090 has less bandwidth (1,008 GB/s), but far fewer FLOP/s too: 164 FLOP per byte at its "
             "ridge, against the H100's 295.",
        "the same": "the matrix's intensity is the same on both, but the ridge point (peak FLOP/s / bandwidth) is a "
                    "property of the GPU: 164 vs 295 FLOP/byte.",
    },
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8]
