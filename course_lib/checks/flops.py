"""Exercises of notebook 03 (FLOPS): units, datasheets, matmul FLOP, 6 N D, training time, an estimate bounded
by a realistic MFU, and two conceptual questions (predict the training-cost widget, order GPUs by their datasheets).

Expected values are computed with course_lib; the questions are in
``solutions/03_flops_solutions.ipynb`` (and, without answers, ``exercises/03_flops_exercises.ipynb``).
"""

from __future__ import annotations

from course_lib import compute, hardware, models, units
from course_lib.checks._base import Bound, Exercise, Trap

# The setting shared by exercises 4 and 5: a 7B-parameter model trained on 2T tokens on A100s.
N_PARAMS = 7e9
N_TOKENS = 2e12
GPU = "A100 SXM 80GB"
N_GPUS = 1024
MFU = 0.4
# Exercise 6: the MFU range an estimate may assume. Above ~0.75 no whole training run has been published (PaLM's
# 46.2 %, Chowdhery et al. 2022, Table 3, is among the best); one perfectly shaped bf16 matmul alone reaches 85.9 %
# of an A100 SXM's peak (267.9 of 312 TFLOPS: the MAMF table of stas00/ml-engineering, compute/accelerator); 1 is
# the peak itself.
MFU_LOW, MFU_HIGH = 0.2, 0.75
# Exercise 8: four GPUs to order by dense fp16 Tensor Core TFLOPS (GeForce: with fp32 accumulate).
ORDER_GPUS = ("V100 SXM2 32GB", "RTX 4090", "A100 SXM 80GB", "H100 SXM")
ORDERINGS = {  # option -> GPUs from slowest to fastest
    "A": ("V100 SXM2 32GB", "RTX 4090", "A100 SXM 80GB", "H100 SXM"),
    "B": ("V100 SXM2 32GB", "A100 SXM 80GB", "RTX 4090", "H100 SXM"),
    "C": ("RTX 4090", "V100 SXM2 32GB", "A100 SXM 80GB", "H100 SXM"),
    "D": ("V100 SXM2 32GB", "A100 SXM 80GB", "H100 SXM", "RTX 4090"),
}

ex1 = Exercise(
    "80 GB in GiB",
    expected=lambda: units.parse_quantity("80 GB") / units.GiB,
    unit="GiB",
    hints=[
        "1 GB = 10**9 bytes (decimal); 1 GiB = 2**30 = 1,073,741,824 bytes (binary). A GiB is the bigger unit.",
        "Convert to bytes first, then ask how many GiB those bytes make. Will the number grow or shrink?",
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
        "Two factors of 2 to remove: which two?",
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
        "How many outputs are there, how many multiply-adds does each take, and how many FLOP is a multiply-add?",
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
        "Forward + backward = 3 forward passes. FLOP per parameter per token, times parameters, times tokens.",
    ],
    explanation="6 x 7e9 x 2e12 = 8.4e22 FLOP (forward 2ND + backward 4ND).",
    traps=[
        Trap(lambda e: e / 3, "2ND counts only the forward pass; the backward pass costs another 4ND (gradients with "
                              "respect to activations and to weights)."),
        Trap(lambda e: e / 2, "3ND counts a multiply-add as 1 FLOP; the convention is 2 FLOP per multiply-add."),
        Trap(lambda e: 2 * e / 3, "4ND is the backward pass alone; add the forward pass (2ND)."),
        Trap(lambda e: 8 * e / 6, "8ND counts the forward pass twice: that is activation recomputation (full "
                                  "checkpointing reruns the forward pass during the backward pass). It is the "
                                  "hardware's FLOP (HFU), not the model FLOP (6ND) that MFU and this question count."),
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
        "Seconds first, then days. Check the units: FLOP / (FLOP/s) gives seconds.",
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

def _llama_flops() -> float:
    return compute.training_flops(models.get_model("Llama-2 7B").param_count(), N_TOKENS)


def _gpu_hours(mfu: float) -> float:
    return compute.training_cost(_llama_flops(), GPU, 1, mfu, 0.0)["gpu_hours"]


ex6 = Exercise(
    "Estimate: GPU-hours to pretrain Llama-2 7B",
    expected=lambda: _gpu_hours(MFU),
    unit="GPU-hours",
    within_factor=(MFU_HIGH / MFU, MFU / MFU_LOW),  # any MFU from 0.2 to 0.75
    trap_rel_tol=0.05,
    hints=[
        "FLOP first: 6 x N x D with N = `models.get_model('Llama-2 7B').param_count()` and D = 2e12 tokens.",
        "GPU-hours do not depend on how many GPUs share the work: FLOP / (one GPU's dense peak x MFU) / 3600.",
        "Pick an MFU you can defend from published runs, and say why.",
    ],
    explanation=("6 x 6.74e9 x 2e12 = 8.09e22 FLOP; at 40% of 312 TFLOPS that is 180,000 A100-hours. Meta reports "
                 "184,320 GPU-hours for Llama-2 7B (Touvron et al. 2023, Table 2), which implies an MFU of about 39%. "
                 "Any MFU from 0.2 to 0.75 counts; above 0.75 no whole training run has been published."),
    traps=[
        Trap(lambda e: e * MFU, "that assumes 100% of the peak (MFU = 1); no real run gets there (PaLM's record: 46.2%)."),
        Trap(lambda e: e / N_GPUS, "{answer} looks like wall-clock hours on 1,024 GPUs. GPU-hours count every GPU: "
                                   "multiply the hours by the number of GPUs (or leave the GPUs out altogether)."),
        Trap(lambda e: e * units.SECONDS_PER_HOUR, "that looks like GPU-seconds; divide by 3600."),
        Trap(lambda e: e / 24, "that looks like GPU-days; multiply by 24 for GPU-hours."),
    ],
    bounds=[
        Bound(lambda: _gpu_hours(1.0), "min", "{answer} GPU-hours is faster than the A100's peak allows (MFU above "
                                              "1): impossible. Check the FLOP and the dense peak."),
        Bound(lambda: _gpu_hours(MFU_HIGH), "min", "{answer} GPU-hours implies an MFU above 0.75. No whole training "
                                                   "run has been published that high (PaLM: 46.2%); one perfectly "
                                                   "shaped matmul alone reaches about 86% of an A100's peak."),
    ],
)


def _scaling_option() -> str:
    """How days and GPU-hours change when the GPUs double (computed with compute.training_cost)."""
    one, two = (compute.training_cost(compute.training_flops(N_PARAMS, N_TOKENS), GPU, n, MFU, 0.0)
                for n in (N_GPUS, 2 * N_GPUS))
    days, hours = two["seconds"] / one["seconds"], two["gpu_hours"] / one["gpu_hours"]
    return {(0.5, 0.5): "A", (0.5, 1.0): "B", (1.0, 2.0): "C", (2.0, 2.0): "D"}.get((round(days, 2), round(hours, 2)),
                                                                               "none of these")


ex7 = Exercise(
    "Predict, then move the control: twice the GPUs",
    expected=_scaling_option,
    kind="choice",
    options=["A", "B", "C", "D"],
    hints=[
        "The total FLOP of the run does not change. What does each GPU do when there are twice as many?",
        "A GPU-hour is one GPU busy for one hour. Twice the GPUs for half the time is how many GPU-hours?",
    ],
    explanation="B: the same FLOP at the same MFU spread over twice the GPUs takes half the days, and the GPU-hours "
                "(and the bill) stay the same. In practice MFU drops a little as more GPUs wait on communication "
                "(notebook 07), so the bill grows slightly.",
    feedback={
        "A": "the days halve, but twice as many GPUs are busy for each of them: GPU-hours = GPUs x hours stay the "
             "same.",
        "C": "the FLOP are shared: each GPU does half the work, so the run finishes in half the days.",
        "D": "more GPUs never make the same work take longer in this model (same MFU); the days halve.",
    },
)


def _order_option() -> str:
    """The option listing ORDER_GPUS by dense fp16 Tensor Core TFLOPS, slowest first (computed from the catalog)."""
    ranked = tuple(sorted(ORDER_GPUS, key=lambda name: hardware.get_gpu(name).peak_flops("fp16")))
    return next((option for option, order in ORDERINGS.items() if order == ranked), "none of these")


ex8 = Exercise(
    "Order four GPUs by dense fp16 Tensor TFLOPS",
    expected=_order_option,
    kind="choice",
    options=list(ORDERINGS),
    hints=[
        "Use dense rates: a figure with an asterisk (2:4 sparsity) is twice the dense one.",
        "GeForce datasheets print fp16 twice: with fp16 accumulate and, half as fast, with fp32 accumulate. "
        "Training accumulates in fp32.",
    ],
    explanation="A: V100 125 < RTX 4090 165.2 (fp32 accumulate) < A100 312 < H100 989.5 dense TFLOPS. The 4090's "
                "330 (fp16 accumulate) and 661 (that, with 2:4 sparsity) are what put it above the A100 on paper.",
    feedback={
        "B": "that puts the RTX 4090 above the A100: 330 TFLOPS is its rate with fp16 accumulate. With fp32 "
             "accumulate, as training uses, it does 165.2, below the A100's 312.",
        "C": "the V100's 125 (fp16 multiply, fp32 accumulate) is below the RTX 4090's 165.2 with fp32 accumulate.",
        "D": "661 is the RTX 4090 with fp16 accumulate *and* 2:4 sparsity; dense with fp32 accumulate it does 165.2, "
             "a sixth of the H100's 989.5.",
    },
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6, ex7, ex8]
