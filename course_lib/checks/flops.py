"""Exercises of notebook 03 (FLOPS): units, datasheets, matmul FLOP, 6 N D, training time, an estimate.

Expected values are computed with course_lib; the questions are in
``solutions/03_flops_solutions.ipynb`` (and, without answers, ``exercises/03_flops_exercises.ipynb``).
"""

from __future__ import annotations

from course_lib import compute, hardware, models, units
from course_lib.checks._base import Exercise, Trap

# The setting shared by exercises 4 and 5: a 7B-parameter model trained on 2T tokens on A100s.
N_PARAMS = 7e9
N_TOKENS = 2e12
GPU = "A100 SXM 80GB"
N_GPUS = 1024
MFU = 0.4

ex1 = Exercise(
    "80 GB in GiB",
    expected=lambda: units.parse_quantity("80 GB") / units.GiB,
    unit="GiB",
    hints=[
        "1 GB = 10**9 bytes (decimal); 1 GiB = 2**30 = 1,073,741,824 bytes (binary). A GiB is the bigger unit.",
        "Convert to bytes first, then divide by the size of one GiB: `units.parse_quantity('80 GB') / units.GiB`.",
    ],
    explanation="80 GB = 80e9 bytes; 80e9 / 2**30 = 74.5 GiB. A GiB is 7.4% bigger than a GB, so the number shrinks.",
    traps=[
        Trap(lambda e: 80.0, "80 is the decimal figure unchanged; a GiB (2**30 bytes) is bigger than a GB (1e9 bytes), "
                             "so the same bytes are fewer GiB."),
        Trap(lambda e: 80 * units.GiB / units.GB, "85.9 is the conversion the wrong way round (GiB -> GB): "
                                                  "you multiplied by 2**30 / 1e9 instead of dividing."),
        Trap(lambda e: 80 * 1000 / 1024, "78.1 divides by 1024/1000 once; GB -> GiB needs it three times "
                                         "(1e9 / 2**30 = (1000/1024)**3)."),
    ],
)

ex2 = Exercise(
    "Decode '3,958 TFLOPS*' (H100 SXM)",
    expected=lambda: hardware.get_gpu("H100 SXM").peak_tflops("bf16"),
    unit="TFLOPS",
    hints=[
        "The asterisk means 'with 2:4 sparsity': the dense rate is half of it.",
        "3,958 is also an FP8 figure; on Hopper bf16 runs at half the FP8 rate.",
        "Two factors of 2: `hardware.get_gpu('H100 SXM').peak_tflops('bf16')` is the catalog's dense bf16 rate.",
    ],
    explanation="3,958 (FP8, sparse) / 2 (dense) / 2 (bf16 instead of FP8) = 989.5 TFLOPS.",
    traps=[
        Trap(lambda e: 4 * e, "that is the datasheet headline as printed: FP8 *with sparsity*. Training uses dense "
                              "bf16."),
        Trap(lambda e: 2 * e, "only one factor of 2 removed: that is dense FP8 (or sparse bf16). Both the sparsity "
                              "and the FP8 -> bf16 halving apply."),
    ],
)

ex3 = Exercise(
    "GFLOP of (2048 x 4096) @ (4096 x 11008)",
    expected=lambda: compute.matmul_flops(2048, 11008, 4096) / units.SI_PREFIXES["G"],
    unit="GFLOP",
    hints=[
        "Each of the m x n outputs is a dot product of length k: k multiplies and k adds.",
        "FLOP = 2 * m * n * k with m = 2048, k = 4096, n = 11008; then divide by 1e9 for GFLOP.",
    ],
    explanation="2 x 2048 x 11008 x 4096 = 1.847e11 FLOP = 184.7 GFLOP (`compute.matmul_flops(2048, 11008, 4096)`).",
    traps=[
        Trap(lambda e: e / 2, "that is m*n*k, the number of multiply-adds. Each multiply-add is 2 FLOP (a multiply "
                              "and an add)."),
    ],
)

ex4 = Exercise(
    "Training FLOP of a 7B model on 2T tokens",
    expected=lambda: compute.training_flops(N_PARAMS, N_TOKENS),
    unit="FLOP",
    hints=[
        "A forward pass costs about 2 FLOP per parameter per token (one multiply-add per weight).",
        "The backward pass costs twice the forward pass, so training is 3 x forward = 6 FLOP per parameter per token.",
        "`compute.training_flops(7e9, 2e12)` = 6 x N x D.",
    ],
    explanation="6 x 7e9 x 2e12 = 8.4e22 FLOP (forward 2ND + backward 4ND).",
    traps=[
        Trap(lambda e: e / 3, "2ND counts only the forward pass; the backward pass costs another 4ND (gradients with "
                              "respect to activations and to weights)."),
        Trap(lambda e: e / 2, "3ND counts a multiply-add as 1 FLOP; the convention is 2 FLOP per multiply-add."),
        Trap(lambda e: 2 * e / 3, "4ND is the backward pass alone; add the forward pass (2ND)."),
    ],
)

ex5 = Exercise(
    "Days on 1024 A100s at 40% MFU",
    expected=lambda: compute.training_seconds(compute.training_flops(N_PARAMS, N_TOKENS), GPU, N_GPUS, MFU)
    / units.SECONDS_PER_DAY,
    unit="days",
    hints=[
        "time = FLOP / (GPUs x dense peak FLOP/s x MFU).",
        "The A100's dense bf16 peak is 312 TFLOPS; the datasheet's 624 has an asterisk (sparsity).",
        "`compute.training_seconds(8.4e22, 'A100 SXM 80GB', 1024, 0.4) / units.SECONDS_PER_DAY`.",
    ],
    explanation="8.4e22 / (1024 x 312e12 x 0.4) = 657,000 s = 7.6 days.",
    traps=[
        Trap(lambda e: e / 2, "2x too fast: you used the sparse 624 TFLOPS as if it were dense. Use 312."),
        Trap(lambda e: e * MFU, "too fast by 1/MFU: you assumed 100% of the peak. Multiply the peak by the MFU, 0.4."),
        Trap(lambda e: e * MFU / 2, "both slips: sparse TFLOPS (2x) and no MFU (2.5x)."),
        Trap(lambda e: e * 24, "that looks like hours; the question asks for days."),
        Trap(lambda e: e * units.SECONDS_PER_DAY, "that looks like seconds; divide by units.SECONDS_PER_DAY."),
    ],
)

ex6 = Exercise(
    "Estimate: GPU-hours to pretrain Llama-2 7B",
    expected=lambda: compute.training_cost(
        compute.training_flops(models.get_model("Llama-2 7B").param_count(), N_TOKENS), GPU, 1, MFU, 0.0
    )["gpu_hours"],
    unit="GPU-hours",
    within_factor=2,
    hints=[
        "FLOP first: 6 x N x D with N = `models.get_model('Llama-2 7B').param_count()` and D = 2e12 tokens.",
        "GPU-hours do not depend on how many GPUs share the work: FLOP / (one GPU's dense peak x MFU) / 3600.",
        "Pick an MFU you can defend: PaLM's well-tuned run reached 46.2% (Chowdhery et al. 2022, Table 3).",
    ],
    explanation=("6 x 6.74e9 x 2e12 = 8.09e22 FLOP; at 40% of 312 TFLOPS that is 180,000 A100-hours. Meta reports "
                 "184,320 GPU-hours for Llama-2 7B (Touvron et al. 2023, Table 2), which implies an MFU of about 39%."),
    traps=[
        Trap(lambda e: e * MFU, "that assumes 100% of the peak (MFU = 1); no real run gets there (PaLM's record: 46.2%)."),
        Trap(lambda e: e * units.SECONDS_PER_HOUR, "that looks like GPU-seconds; divide by 3600."),
        Trap(lambda e: e / 24, "that looks like GPU-days; multiply by 24 for GPU-hours."),
    ],
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6]
