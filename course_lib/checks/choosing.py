"""Exercises of notebook 09 (choosing hardware): GPUs to serve a 70B model, whole servers for a deadline,
which GPU decodes faster, and three conceptual questions (why no T4 tensor-parallel group, what a cost
ranking leaves out, what a longer deadline changes).

Expected values are computed with course_lib; the questions are in
``solutions/09_choosing_hardware_solutions.ipynb`` (and, without answers,
``exercises/09_choosing_hardware_exercises.ipynb``).
"""

from __future__ import annotations

from course_lib import _validate, compute, planner
from course_lib.checks._base import Exercise, Trap

# Exercise 1: serve Llama-2 70B in fp16 on H100s, 32 sequences of 4,096 tokens, 10% overhead.
SERVE_MODEL, SERVE_GPU, SERVE_BATCH, SERVE_SEQ_LEN, OVERHEAD = "Llama-2 70B", "H100 SXM", 32, 4096, 0.1
# Exercise 2: pre-train Llama-2 13B on 1e12 tokens in 14 days on H100 SXM (DGX H100 nodes of 8) at 40% MFU.
DEADLINE_JOB = planner.Job("pretrain", "Llama-2 13B", n_tokens=1e12, deadline_days=14, mfu=0.4)
DEADLINE_GPU = "H100 SXM"
# Exercise 3: batch-1 decode of Llama-2 13B in fp16.
DECODE_MODEL, DECODE_CHOICES = "Llama-2 13B", ("L40S", "A100 PCIe 80GB")


def _serving_gpus() -> int:
    job = planner.Job("serve", SERVE_MODEL, "fp16", seq_len=SERVE_SEQ_LEN, batch=SERVE_BATCH, overhead_fraction=OVERHEAD)
    return _validate.present("min_gpus", planner.min_gpus(job, SERVE_GPU))


def _deadline_gpus() -> int:
    return _validate.present("n_gpus", planner.plan(DEADLINE_JOB, DEADLINE_GPU).n_gpus)


def _faster_decoder() -> str:
    return max(DECODE_CHOICES, key=lambda gpu: compute.decode_tokens_per_second(DECODE_MODEL, gpu, dtype="fp16"))


_WEIGHTS_ONLY = "that counts only the weights (70B x 2 bytes = 140 GB, two H100s). The KV cache of 32 sequences x " \
                "4,096 tokens adds 43 GB, and the 10% overhead comes on top."

ex1 = Exercise(
    "H100s to serve Llama-2 70B in fp16 (32 sequences of 4,096 tokens)",
    expected=_serving_gpus,
    unit="GPUs",
    hints=[
        "Weights: `models.get_model('Llama-2 70B').param_count()` x 2 bytes. KV cache: "
        "`memory.kv_cache_bytes('Llama-2 70B', 4096, 32)` (grouped-query attention keeps it small).",
        "Add the two, add 10%, divide by 80e9 bytes per H100 (GB = 1e9 bytes), round up...",
        "... then round up again to the next divisor of the 64 attention heads (1, 2, 4, 8, ...).",
    ],
    explanation="137.95 GB of weights + 42.95 GB of KV cache (2 x 80 layers x 1,024 x 2 bytes = 327,680 bytes per "
                "token, x 131,072 tokens) = 180.9 GB, x 1.1 = 199.0 GB = 2.49 H100s -> 3 GPUs hold the bytes, but 3 "
                "does not divide the 64 heads: 4 GPUs (vLLM would refuse 3), half of one DGX H100.",
    traps=[
        Trap(lambda e: 2, _WEIGHTS_ONLY),
        Trap(lambda e: 140 / 80, _WEIGHTS_ONLY + " And round up: you cannot use 1.75 GPUs."),
        Trap(lambda e: 3, "3 GPUs hold the 199 GB, but tensor parallelism splits the 64 attention heads evenly: "
                          "the number of GPUs must divide 64."),
        Trap(lambda e: 199.0 / 80, "2.49 is the ratio before rounding; count whole GPUs, and the count must divide "
                                   "the 64 attention heads."),
    ],
)

_NEEDED = 163.12  # GPUs before rounding (explanation of ex2)

ex2 = Exercise(
    "H100s to rent for Llama-2 13B on 1e12 tokens in 14 days",
    expected=_deadline_gpus,
    unit="GPUs",
    rel_tol=0.001,
    hints=[
        "FLOP = 6 N D with N = `models.get_model('Llama-2 13B').param_count()`; one H100 does 989.5e12 x 0.4 "
        "FLOP per second at 40% MFU.",
        "GPU-seconds / (14 x 86,400 s) is the number of GPUs the deadline needs; round up to a whole GPU...",
        "... then to what you can rent: H100 SXM GPUs come in DGX H100 servers of 8.",
    ],
    explanation="6 x 13,015,864,320 x 1e12 = 7.810e22 FLOP / (989.5e12 x 0.4) = 1.973e8 GPU-seconds; / 1,209,600 s "
                "= 163.1 -> 164 GPUs, which come as 21 whole 8-GPU servers: 168 GPUs (they finish a little early).",
    traps=[
        Trap(lambda e: e - 4, "164 GPUs meet the deadline, but they come in servers of 8: round up to whole servers."),
        Trap(lambda e: _NEEDED, "that is the ratio before rounding; then round up to whole 8-GPU servers."),
        Trap(lambda e: e / 8, "that is the number of servers; the question asks for GPUs (8 per server)."),
        Trap(lambda e: 56, "that counts 2 N D, the forward pass only; training is 6 N D (the backward pass adds 4 N D)."),
        Trap(lambda e: 88, "that uses the sparse 1,979 TFLOPS; the dense bf16 peak is 989.5."),
    ],
)

ex3 = Exercise(
    "Faster batch-1 decode of Llama-2 13B: L40S or A100 PCIe 80GB?",
    expected=_faster_decoder,
    kind="choice",
    options=list(DECODE_CHOICES),
    hints=[
        "At batch 1, each new token reads every weight once: 13.0e9 x 2 bytes = 26 GB per token.",
        "Compare memory bandwidth, not TFLOPS: `hardware.get_gpu(name).memory_bandwidth_gbs`.",
    ],
    explanation="L40S: 864 GB/s / 26.0 GB = 33 tokens/s, despite 362 dense bf16 TFLOPS. A100 PCIe 80GB: "
                "1,935 / 26.0 = 74 tokens/s with 312 TFLOPS. Decode is bandwidth-bound; the newer card with more "
                "TFLOPS is 2.2x slower here.",
    feedback={"L40S": "its 362 dense bf16 TFLOPS do not help at batch 1: every token reads all 26 GB of weights, and "
                      "the L40S reads them at 864 GB/s, the A100 PCIe 80GB at 1,935 GB/s."},
)

T4_OPTIONS = ("16 T4s hold too little memory",
              "16 does not divide the 64 attention heads",
              "T4s have no NVLink server: a 16-way group would talk over PCIe and the network every layer",
              "the T4 has no fp16 rate")

ex4 = Exercise(
    "Why does the planner not serve Llama-2 70B on 16 T4s?",
    expected=lambda: T4_OPTIONS[2],
    kind="choice",
    options=list(T4_OPTIONS),
    hints=[
        "Check each option against the catalog: the T4's memory and rates (`hardware.get_gpu('T4')`), and 64 / 16.",
        "Tensor parallelism exchanges activations in every layer; look at what joins T4s: "
        "`topology.reference_system('T4')`.",
    ],
    explanation="16 x 16 GB = 256 GB would hold the 138 GB of fp16 weights, 16 divides 64, and the T4 runs fp16 at "
                "65 TFLOPS. But the course's data has no multi-GPU NVLink server of T4s (they are PCIe cards): a "
                "tensor-parallel group must stay inside one NVLink domain, so one copy of the model has to fit in one "
                "card, which a 70B model does not.",
    feedback={
        T4_OPTIONS[0]: "16 x 16 GB = 256 GB holds the 138 GB of fp16 weights; memory alone is not the problem.",
        T4_OPTIONS[1]: "it does: 64 / 16 = 4 heads per GPU.",
        T4_OPTIONS[3]: "it has one: 65 dense fp16 TFLOPS (it is bf16 the T4 lacks).",
    },
)

RANKING_OPTIONS = ("it is the slowest", "it does not fit", "it has no price in the snapshot and none was typed",
                   "it has no published TDP")

ex5 = Exercise(
    "Ranked by cost, the TPU v5e is not ranked. Why?",
    expected=lambda: RANKING_OPTIONS[2],
    kind="choice",
    options=list(RANKING_OPTIONS),
    hints=[
        "Rank by time first: is the TPU v5e in the list? Then look at `planner.Ranking.left_out`.",
        "What does a cost need that the TPU row lacks? `prices.rent_price('TPU v5e')`.",
    ],
    explanation="A cost ranking ranks only GPUs with a price: the snapshot has none for the TPU v5e, so it is left "
                "out and named (until you type a price). Ranked by time it is there; ranked by energy it is left out "
                "for another reason, its unpublished TDP.",
    feedback={
        RANKING_OPTIONS[0]: "rankings never drop slow GPUs: they rank them last.",
        RANKING_OPTIONS[1]: "it fits: ranked by time, it is in the list.",
        RANKING_OPTIONS[3]: "that leaves it out of the energy ranking; a cost needs a price, not a TDP.",
    },
)

DEADLINE_OPTIONS = ("they triple", "they stay the same", "they drop to a third")

ex6 = Exercise(
    "Predict, then check in the planner: the deadline goes from 30 to 90 days. The GPU-hours...?",
    expected=lambda: DEADLINE_OPTIONS[1],
    kind="choice",
    options=list(DEADLINE_OPTIONS),
    hints=[
        "GPU-hours = GPUs x hours. What happens to each when the deadline triples?",
        "Try it: `planner.plan(Job('pretrain', 'Llama-2 7B', n_tokens=2e12, deadline_days=90), 'H100').gpu_hours`.",
    ],
    explanation="The GPUs drop to about a third (80 -> 32 H100s) and the hours triple: GPU-hours, energy and the bill "
                "stay the same, as long as MFU does not change with the GPU count (in practice it drops a little as "
                "the cluster grows, so the bigger cluster costs a little more).",
    feedback={
        DEADLINE_OPTIONS[0]: "that is the wall-clock hours; the GPU count drops by as much.",
        DEADLINE_OPTIONS[2]: "that is the GPU count; the hours grow by as much.",
    },
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6]
