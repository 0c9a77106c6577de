"""Exercises of notebook 08 (parallel layouts): memory of a 3D layout, the interleaved bubble, why
DeepSeek-V3 used no tensor parallelism, and "design the layout", whose check accepts any layout that
fits and runs close to the fastest one the search finds.

Expected values are computed with course_lib; the questions are in ``solutions/08_parallel_layouts_solutions.ipynb``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from course_lib import _validate, layouts, units
from course_lib.checks._base import CORRECT, NOT_ATTEMPTED, NOT_YET, CheckResult, Exercise, Trap

# Exercise 1: Llama-2 70B, TP 8 x PP 2 x DP 4 on 64 H100s, ZeRO-1: training state per GPU.
MEMORY_MODEL, MEMORY_SYSTEM, MEMORY_LAYOUT = "Llama-2 70B", "DGX H100", layouts.Layout(tp=8, pp=2, dp=4, zero_stage=1)
# Exercise 2: interleaved schedule, 8 stages, 2 chunks per GPU, 16 micro-batches.
STAGES, CHUNKS, MICROBATCHES = 8, 2, 16
# Exercise 4: the design task.
DESIGN_MODEL, DESIGN_SYSTEM, DESIGN_GPUS, DESIGN_SEQ_LEN, DESIGN_BATCH = "Llama-2 70B", "DGX H100", 64, 4096, 512
DESIGN_SLACK = 0.15  # a design within 15 % of the fastest layout the search finds counts as correct


def _state_gb(layout: layouts.Layout) -> float:
    m = layouts.evaluate(MEMORY_MODEL, MEMORY_SYSTEM, layout, 4096, 512).memory
    return (m.weights + m.gradients + m.optimizer_states) / units.GB


ex1 = Exercise(
    "Training state per GPU of Llama-2 70B with TP 8 x PP 2 x DP 4 and ZeRO-1",
    expected=lambda: _state_gb(MEMORY_LAYOUT),
    unit="GB",
    hints=[
        "TP and PP split the parameters: each GPU holds 1/(8 x 2) of them. ZeRO-1 then shards only the optimizer "
        "states, over the 4 data-parallel copies.",
        "Mixed-precision Adam: 2 bytes of weights and 2 of gradients per parameter (kept whole on each copy), 12 "
        "bytes of optimizer states (sharded). Llama-2 70B has 68.98e9 parameters.",
    ],
    explanation="68.98e9 / 16 = 4.31e9 parameters per GPU: 2 + 2 bytes each = 17.2 GB, plus 12 x 4.31e9 / 4 = 12.9 "
                "GB of optimizer states: 30.2 GB (activations come on top).",
    traps=[
        Trap(lambda e: _state_gb(layouts.Layout(tp=8, pp=2, dp=4, zero_stage=0)),
             "that is without ZeRO: each copy keeps all 12 bytes of optimizer state. ZeRO-1 shards them over the "
             "4 data-parallel copies."),
        Trap(lambda e: _state_gb(layouts.Layout(tp=8, pp=2, dp=4, zero_stage=3)),
             "that shards everything (ZeRO-3). ZeRO-1 shards only the optimizer states; weights and gradients stay "
             "whole on every copy."),
    ],
)


def _interleaved_bubble() -> float:
    # pipeline parallelism alone (no TP), so that each micro-batch time is pure compute
    r = layouts.evaluate("Llama-2 70B", "DGX H100", layouts.Layout(pp=STAGES, schedule="interleaved",
                                                                    virtual_stages=CHUNKS, recompute="none"),
                         4096, MICROBATCHES)
    return r.time.bubble / (r.time.compute + r.time.bubble)


ex2 = Exercise(
    "Share of the pipeline time idle with the interleaved schedule (8 stages, 2 chunks, 16 micro-batches)",
    expected=_interleaved_bubble,
    unit="(fraction of compute + bubble)",
    hints=[
        "1F1B idles p - 1 micro-batch times per step; the interleaved schedule with v chunks per GPU idles "
        "(p - 1) / v of them (Narayanan et al. 2021, Section 2.2.2).",
        "The busy time is m micro-batch times. The share idle is bubble / (busy + bubble).",
    ],
    explanation="(8 - 1) / 2 = 3.5 micro-batch times of bubble against 16 of work: 3.5 / 19.5 = 0.179 (1F1B: "
                "7 / 23 = 0.304).",
    traps=[
        Trap(lambda e: (STAGES - 1) / (MICROBATCHES + STAGES - 1),
             "that is 1F1B's bubble, (p-1)/(m+p-1). Interleaving divides the bubble by the number of chunks."),
        Trap(lambda e: (STAGES - 1) / (CHUNKS * MICROBATCHES),
             "that is (p-1)/(v m): the bubble measured against the busy time only (how Narayanan et al. quote "
             "it). The question asks for the share of compute + bubble."),
        Trap(lambda e: 100 * e, "give a fraction between 0 and 1, not a percentage."),
    ],
)

ex3 = Exercise(
    "Why did DeepSeek-V3 train on 2,048 H800s without tensor parallelism?",
    expected=lambda: "NVLink",
    kind="choice",
    options=("NVLink", "MoE", "memory"),
    hints=[
        "Compare the H800 with the H100 it is derived from: which number did the export rules cut?",
        "Tensor parallelism talks inside every layer, over the NVLink of one server.",
    ],
    explanation="The H800's NVLink is cut to 400 GB/s (200 per direction, DeepSeek measured about 160), less than "
                "half the H100's. TP's per-layer all-reduces would cost too much; DeepSeek used 16-way pipeline and "
                "64-way expert parallelism with ZeRO-1 instead (DeepSeek-V3 report, Section 3.2).",
    feedback={
        "MoE": "mixture-of-experts models can use tensor parallelism (Megatron-LM supports it for experts and "
               "attention); DeepSeek chose not to because of the link.",
        "memory": "an H800 has the H100's 80 GB, and DeepSeek's layout used far less per GPU; memory was not "
                  "the reason.",
    },
)


@lru_cache(maxsize=1)
def _best_design() -> layouts.LayoutResult:
    best = layouts.search(DESIGN_MODEL, DESIGN_SYSTEM, DESIGN_GPUS, DESIGN_SEQ_LEN, DESIGN_BATCH).best
    return _validate.present("the best layout", best)


class LayoutExercise(Exercise):
    """Design a layout: any ``layouts.Layout`` that runs, fits (with the usual 10 % overhead) and whose step time is
    within ``DESIGN_SLACK`` of the fastest layout :func:`course_lib.layouts.search` finds is correct."""

    def _judge(self, answer: Any) -> CheckResult:
        if answer is Ellipsis or answer is None:
            return CheckResult(NOT_ATTEMPTED, "replace the `...` with a layouts.Layout(...) and run the cell again.")
        if not isinstance(answer, layouts.Layout):
            return CheckResult(NOT_YET, f"give a layout, e.g. layouts.Layout(tp=..., pp=..., dp=...), not a "
                                        f"{type(answer).__name__}.")
        if answer.n_gpus != DESIGN_GPUS:
            return CheckResult(NOT_YET, f"your layout uses tp x cp x pp x dp = {answer.n_gpus} GPUs; the cluster "
                                        f"has {DESIGN_GPUS}.")
        try:
            r = layouts.evaluate(DESIGN_MODEL, DESIGN_SYSTEM, answer, DESIGN_SEQ_LEN, DESIGN_BATCH)
        except ValueError as error:
            return CheckResult(NOT_YET, f"this layout cannot run: {error}")
        if not r.fits:
            return CheckResult(NOT_YET, f"it needs {r.memory.total / units.GB:.0f} GB per GPU (state "
                                        f"{(r.memory.weights + r.memory.gradients + r.memory.optimizer_states) / units.GB:.0f}"
                                        f" GB, activations {r.memory.activations / units.GB:.0f} GB); an H100 has 80. "
                                        "Shard more (TP, PP, ZeRO) or recompute activations.")
        best = _best_design()
        slower = r.time.total / best.time.total - 1
        if slower > DESIGN_SLACK:
            parts = {"bubble": r.time.bubble, "tensor-parallel all-reduces": r.time.tensor_parallel,
                     "data-parallel communication": r.time.data_parallel - r.time.data_parallel_hidden,
                     "recomputation and compute": r.time.compute}
            worst = max(parts, key=lambda part: parts[part])
            return CheckResult(NOT_YET, f"it fits ({r.memory.total / units.GB:.0f} GB) but a step takes "
                                        f"{r.time.total:.1f} s, {slower:.0%} slower than the best layout the course "
                                        f"finds ({best.time.total:.1f} s). Its largest part after compute: {worst}.")
        return CheckResult(CORRECT, f"{answer.label}: fits ({r.memory.total / units.GB:.0f} GB per GPU), step "
                                    f"{r.time.total:.1f} s, within {DESIGN_SLACK:.0%} of the best "
                                    f"({best.time.total:.1f} s, {best.layout.label}).")


ex4 = LayoutExercise(
    "Design the layout: Llama-2 70B on 64 H100s",
    expected=lambda: _best_design().layout.label,
    hints=[
        "The cluster is 8 DGX H100 servers: keep TP inside a server (TP <= 8), and tp x pp x dp must make 64.",
        "70B x 16 bytes = 1.1 TB of training state: split it with TP and PP, and let ZeRO shard the optimizer "
        "states over the data-parallel copies. Check memory with layouts.evaluate(...).memory.total.",
        "With 512 sequences per step, fewer data-parallel copies mean more micro-batches per pipeline and a "
        "smaller bubble. Compare a few candidates' result.time.total.",
    ],
    explanation="Many layouts pass. The search's best runs TP 2 x PP 16 x DP 2 with ZeRO-1; TP 4 x PP 2 x DP 8 "
                "is within 1 %, TP 8 x PP 2 x DP 4 within 12 %. Plain FSDP (DP 64, ZeRO-3) needs full "
                "recomputation to fit and is about 40 % slower; TP 8 x PP 8 misses by 16 %.",
)

EXERCISES = [ex1, ex2, ex3, ex4]
