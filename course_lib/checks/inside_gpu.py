"""Exercises of notebook 02 (inside the GPU and the server): the peak rebuilt, tile intensity, the
compute-bound tile, attention traffic, two conceptual questions (tensor parallelism, FlashAttention),
the checkpoint interval and a rack's facility power.

Expected values are computed with course_lib; the questions are in
``solutions/02_inside_the_gpu_solutions.ipynb`` (and, without answers, ``exercises/02_inside_the_gpu_exercises.ipynb``).
"""

from __future__ import annotations

import math

from course_lib import _validate, attention, chip, power, server, storage, tiling
from course_lib.checks._base import Exercise, Trap

H100 = "H100 SXM"
N = 8192  # matrix size of exercises 2 and 3
SEQ, HEAD = 4096, 128  # attention shape of exercise 4
CKPT_PARAMS, CKPT_GBS, CKPT_GPUS = 70e9, 50.0, 4096  # exercise 7
RACK_NODES, RACK_PUE = 4, 1.3  # exercise 8


def _h100_peak(clock_mhz: float | None = None) -> float:
    return _validate.present("rebuilt_tflops", chip.rebuild_peak(H100, "bf16", clock_mhz).rebuilt_tflops)


ex1 = Exercise(
    "Rebuild the H100 SXM's dense bf16 peak",
    expected=_h100_peak,
    unit="TFLOPS",
    hints=[
        "Peak = number of SMs x FLOP per clock per SM x clock (in Hz). Then convert FLOP/s to TFLOPS.",
        "Per SM: 4 Tensor Cores x 512 multiply-adds per clock, and each multiply-add is 2 FLOP. Which clock does "
        "the question give for the Tensor Cores?",
        "132 SMs, 4,096 FLOP per clock per SM, 1.83e9 clocks per second: multiply, then divide by 1e12.",
    ],
    explanation="132 x (4 x 512 x 2) x 1.83e9 = 989.4e12 FLOP/s = 989.4 TFLOPS, the datasheet's 1,979 'with "
                "sparsity' halved. Tensor Core peaks are computed at 1,830 MHz, not the 1,980 MHz of the FP32 peak.",
    traps=[
        Trap(lambda e: _h100_peak(1980), "that uses the 1,980 MHz boost clock of the FP32 (CUDA-core) peaks; NVIDIA "
                                         "computes the Tensor Core peaks at 1,830 MHz."),
        Trap(lambda e: e / 2, "half the answer: a multiply-add (FMA) is 2 FLOP, so 2,048 multiply-adds per clock are "
                              "4,096 FLOP."),
        Trap(lambda e: 2 * e, "twice the answer: that is the 2:4-sparse figure; the question asks for the dense peak."),
        Trap(lambda e: e / 4, "a quarter of the answer: 512 multiply-adds per clock is per Tensor Core, and each SM "
                              "has 4 of them."),
    ],
)

ex2 = Exercise(
    "Intensity of a tiled bf16 matmul (128 x 128 tiles)",
    expected=lambda: tiling.matmul_traffic(N, N, N, 128, 2).intensity,
    unit="FLOP/byte",
    hints=[
        "Intensity = FLOP / bytes moved to and from HBM. FLOP = 2 n^3.",
        "With T x T output tiles, every value of A is loaded once per column of output tiles (n / T of them), every "
        "value of B once per row; C is written once. bf16 values are 2 bytes.",
        "Bytes = 2 x (n^2 x n/T + n^2 x n/T + n^2) with n = 8192, T = 128. Divide 2 n^3 by that.",
    ],
    explanation="2 x 8192^3 / (2 x (2 x 8192^3 / 128 + 8192^2)) = 63.5 FLOP/byte: about T / 2 in bf16, far below the "
                "H100's ridge of 295.",
    traps=[
        Trap(lambda e: 2 * e, "twice the answer: you counted values, not bytes; a bf16 value is 2 bytes."),
        Trap(lambda e: e / 2, "half the answer: fp32 would be 4 bytes per value; the question says bf16 (2 bytes)."),
        Trap(lambda e: N / 3, "8192 / 3 = 2,731 assumes A and B are each read from HBM only once; that needs a tile as "
                              "big as the whole matrix. With 128 x 128 tiles they are read n / T = 64 times."),
    ],
)


def _compute_bound_power_of_two() -> int:
    return 2 ** math.ceil(math.log2(_crossing()))


def _crossing() -> float:
    return _validate.present("compute_bound_tile", tiling.compute_bound_tile(H100, "bf16", N))


ex3 = Exercise(
    "Smallest power-of-two tile that makes the matmul compute-bound on an H100",
    expected=_compute_bound_power_of_two,
    unit="(tile edge)",
    rel_tol=1e-9,
    hints=[
        "Compute-bound means intensity >= the ridge point: the H100's bf16 peak / its HBM bandwidth.",
        "The intensity is about T / 2 in bf16 (exercise 2). Which T gives at least the ridge of ~295 FLOP/byte?",
        "Try the powers of two around 2 x 295: is 512 enough? Check it with the formula of exercise 2.",
    ],
    explanation="The ridge is 989.5 / 3.35 = 295.4 FLOP/byte; intensity 2 / (2 (2/T + 1/8192)) reaches it at T = 613, "
                "so 1,024 is the first power of two (512 gives 248). A 256 x 256 tile's fp32 accumulators would fill one "
                "SM's whole register file (real kernels stop at about 128 x 256): the L2, shared by all SMs, has to "
                "provide the rest of the reuse.",
    traps=[
        Trap(lambda e: e / 2, "512 gives 2 / (2 (2/512 + 1/8192)) = 248 FLOP/byte, still below the ridge of 295."),
        Trap(lambda e: round(_crossing()),
             "613 is the exact crossing; the question asks for the smallest power of two at or above it."),
        Trap(lambda e: 296, "296 is about the ridge in FLOP/byte; the tile edge needs about twice that, as bf16 "
                            "intensity is T / 2."),
    ],
)

ex4 = Exercise(
    "HBM traffic of standard attention for one head (N = 4096, d = 128, bf16)",
    expected=lambda: attention.attention_io(SEQ, HEAD, 2, attention.sram_values(H100)).bytes["standard"] / 1e6,
    unit="MB",
    hints=[
        "Standard attention (Dao et al. 2022, Algorithm 0) writes S = Q K^T to HBM, reads it, writes P = softmax(S), "
        "reads P again with V, and writes O.",
        "Count values: Q and K read (2 N d), S written and read (2 N^2), P written and read (2 N^2), V read and O "
        "written (2 N d). Then bytes = 2 x values in bf16.",
        "4 N d + 4 N^2 values with N = 4096 and d = 128; 2 bytes each; MB = 1e6 bytes.",
    ],
    explanation="2 x (4 x 4096 x 128 + 4 x 4096^2) = 138.4 MB per head; the N^2 terms are 97 % of it. FlashAttention "
                "never writes S or P; its minimum is 2 x 4 N d = 4.2 MB.",
    traps=[
        Trap(lambda e: e - 2 * 4 * SEQ * HEAD / 1e6, "only the N x N matrices: Q, K, V and O move through HBM too "
                                                      "(4 N d values)."),
        Trap(lambda e: 2 * (4 * SEQ * HEAD + 2 * SEQ * SEQ) / 1e6,
             "that moves the N x N matrix only twice; S is written and read, and so is P: four N x N transfers."),
        Trap(lambda e: 2 * e, "twice the answer: fp32 values; the question says bf16 (2 bytes)."),
        Trap(lambda e: 2 * 4 * SEQ * HEAD / 1e6, "that is the minimum any kernel must move (Q, K, V once, O once): "
                                                  "FlashAttention's goal, not standard attention's traffic."),
    ],
)

_TP_WHY_NOT = {
    "b": "every GPU keeps its own slice of the weights in its own HBM. Tensor parallelism exchanges "
         "activations over the links; nothing requires one shared memory.",
    "c": "NCCL all-reduces over InfiniBand all the time; data parallelism across servers does exactly that. "
         "The question is how long it takes.",
    "d": "models have 32 to 128 attention heads. TP groups of 8 are chosen because 8 GPUs share one NVLink "
         "domain in an HGX/DGX server.",
}

ex5 = Exercise(
    "Why does tensor parallelism stay inside one server?",
    expected=lambda: "a",
    kind="choice",
    options=["a", "b", "c", "d"],
    hints=[
        "How often does tensor parallelism communicate, and how much? (Four all-reduces of the activations per "
        "layer per step.)",
        "Compare the per-GPU bandwidth of NVLink with that of the network card in `server.node_paths()`.",
    ],
    explanation="(a): inside a DGX H100 each GPU has 450 GB/s of NVLink each way, across servers one 400 Gb/s NIC = "
                "50 GB/s. Tensor parallelism all-reduces every layer's activations in the forward and backward pass, "
                "on the critical path: over NVLink that costs ~19 % of the compute time for Llama-2 70B on 8 GPUs, "
                "over the network ~170 %.",
    feedback=_TP_WHY_NOT,
)

_FLASH_WHY_NOT = {
    "a": "FlashAttention is exact. It computes every score; it equals softmax attention to rounding.",
    "c": "it gives the same result in the same precision as standard attention (bf16 or fp16 inputs); the "
         "gain is from memory traffic, not number format.",
    "d": "it is a kernel on one GPU. Spreading attention over GPUs is context parallelism, another idea.",
}

ex6 = Exercise(
    "Why is FlashAttention faster than standard attention?",
    expected=lambda: "b",
    kind="choice",
    options=["a", "b", "c", "d"],
    hints=[
        "Does FlashAttention do fewer FLOP? Look at `attention.attention_io(...).flops` (the same for every method).",
        "Compare `attention.attention_io(...).bytes` for the methods, and the intensity against the ridge.",
    ],
    explanation="(b): standard attention writes and reads the N x N score and probability matrices in HBM (4 N^2 "
                "values), which makes it memory-bound at every length (about d / 2 FLOP per byte in bf16). "
                "FlashAttention keeps them in on-chip tiles with an online softmax: the same FLOP, far fewer bytes.",
    feedback=_FLASH_WHY_NOT,
)


def _checkpoint_seconds() -> float:
    return storage.write_seconds(storage.checkpoint_bytes(CKPT_PARAMS).total, shared_gbs=CKPT_GBS)


def _young_minutes(mtbf_seconds: float | None = None, checkpoint_seconds: float | None = None) -> float:
    delta = _checkpoint_seconds() if checkpoint_seconds is None else checkpoint_seconds
    mtbf = storage.job_mtbf_seconds(CKPT_GPUS) if mtbf_seconds is None else mtbf_seconds
    return storage.young_interval_seconds(delta, mtbf) / 60


ex7 = Exercise(
    "How often to checkpoint a 70B model on 4,096 GPUs",
    expected=_young_minutes,
    unit="minutes",
    rel_tol=0.02,
    hints=[
        "Young's rule: checkpoint every sqrt(2 x delta x M), delta = time to write one checkpoint, M = the job's "
        "mean time between failures.",
        "delta: a checkpoint holds weights and optimizer states, 14 bytes per parameter with Adam, written at 50 GB/s. "
        "M: Llama 3 saw 419 unexpected interruptions in 54 days on 16,384 GPUs; scale the rate to 4,096 GPUs.",
        "delta = 70e9 x 14 / 50e9 s; M = 54 x 86,400 x 16,384 / (419 x 4,096) s. Give the interval in minutes.",
    ],
    explanation="delta = 980 GB / 50 GB/s = 19.6 s; M = 54 days x 16,384 / (419 x 4,096) = 12.4 hours; sqrt(2 x 19.6 x "
                "44,542) = 1,321 s = 22 minutes, losing about 3 % of the time (delta / tau + tau / 2M).",
    traps=[
        Trap(lambda e: e / math.sqrt(2), "that is sqrt(delta M); Young's interval is sqrt(2 delta M)."),
        Trap(lambda e: 60 * e, "that is in seconds; the question asks for minutes."),
        Trap(lambda e: _young_minutes(mtbf_seconds=storage.job_mtbf_seconds(16_384)),
             "that uses the MTBF of the 16,384-GPU Llama 3 job; with 4 times fewer GPUs failures are 4 times rarer."),
        Trap(lambda e: _young_minutes(checkpoint_seconds=CKPT_PARAMS * 16 / (CKPT_GBS * 1e9)),
             "that saves 16 bytes per parameter; the gradients (2 bytes) are recomputed after a restart and not saved: "
             "14 bytes."),
    ],
)


def _facility_kw(pue: float = RACK_PUE, per_node_w: float | None = None) -> float:
    per_node = power.node_power().node_max_w if per_node_w is None else per_node_w
    return power.facility_power_w(RACK_NODES * per_node, pue) / 1e3


ex8 = Exercise(
    "Facility power of a rack of four DGX H100 at PUE 1.3",
    expected=_facility_kw,
    unit="kW",
    hints=[
        "IT power = servers x each server's maximum power (DGX H100 user guide). Facility power = IT power x PUE.",
        "One DGX H100 draws up to 10.2 kW, of which its GPU boards are 8 x 700 W.",
    ],
    explanation="4 x 10.2 kW = 40.8 kW of IT load, x 1.3 = 53.0 kW from the grid: five times the ~10 kW a typical "
                "rack is built for.",
    traps=[
        Trap(lambda e: _facility_kw(per_node_w=server.node_system().gpus_per_node * _validate.present("tdp_w", server.node_gpu().tdp_w)),
             "that counts the GPU boards only (8 x 700 W); CPUs, NVSwitches, NICs, drives and fans bring each server "
             "to 10.2 kW."),
        Trap(lambda e: _facility_kw(pue=1.0), "that is the IT load; the facility adds cooling and conversion: x PUE."),
        Trap(lambda e: e / RACK_PUE**2, "you divided by the PUE; facility power = IT power x PUE."),
    ],
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8]
