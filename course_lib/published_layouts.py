"""Published training layouts beside the course's estimate of them (:mod:`course_lib.layouts`).

Each :class:`PublishedLayout` is one run as its paper describes it: model, system, the layout (TP,
PP, DP, CP, EP, ZeRO, micro-batch, schedule, recomputation), sequence length and batch, and one
published number with its unit and source. ``predicted()`` evaluates the same layout on the same
system at :data:`COMMON_EFFICIENCY` (one value for every run: the share of the dense bf16 peak the
GPUs reach while computing, an assumption) and converts the step time into the published unit;
``implied_efficiency()`` is the compute efficiency at which the estimate would equal the published
number. ``assumptions`` lists what the paper does not say and the course had to choose.

Llama 3 405B and DeepSeek-V3 are the course presets (:mod:`course_lib.models`) made into shapes by
:func:`layouts.model_shape`: the Llama 3 paper's 405B (Llama Team 2024, arXiv:2407.21783, Table 3: 126
layers, width 16,384, FFN 53,248, 128 heads, 8 key/value heads) is the architecture released as Llama 3.1
405B, whose config.json is the "Llama-3.1 405B" preset; "DeepSeek-V3" is its config.json (MLA, 3 dense first
layers, 1 shared and 256 routed experts). GLM-130B has no preset (no config.json with its sizes is
published); its shape is typed from its paper (Zeng et al. 2022, arXiv:2210.02414, Table 11).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypedDict

from course_lib import _validate, compute, layouts, units

COMMON_EFFICIENCY = 0.6
TOLERANCE = 0.35  # |estimate / published - 1| the course accepts for a layout estimate; the gaps are explained
UNITS = ("TFLOP/s per GPU", "MFU", "GPU-hours")

MEGATRON_SOURCE = ("Narayanan et al. 2021, Efficient Large-Scale Language Model Training on GPU Clusters Using "
                   "Megatron-LM, arXiv:2104.04473")
LLAMA3_SOURCE = "Llama Team, AI @ Meta 2024, The Llama 3 Herd of Models, arXiv:2407.21783"
DEEPSEEK_SOURCE = "DeepSeek-AI 2024, DeepSeek-V3 Technical Report, arXiv:2412.19437"
GLM_SOURCE = "Zeng et al. 2022, GLM-130B: An Open Bilingual Pre-trained Model, arXiv:2210.02414"
ALPACA_SOURCE = ("Taori et al. 2023, Stanford Alpaca, https://github.com/tatsu-lab/stanford_alpaca (README, Fine-tuning: "
                 "LLaMA-7B on a machine with 4 A100 80G GPUs in FSDP full_shard mode, per-device batch 4, gradient "
                 "accumulation 8, max length 512)")

LLAMA3_405B = layouts.model_shape("Llama-3.1 405B")
"""Llama 3 405B as the Llama 3 paper trained it (Table 3), the architecture released as Llama 3.1 405B: the
preset's exact count, 405,853,388,800 parameters (the paper rounds to 405B; the count takes the config's
128,256-token vocabulary, Table 3 says 128,000), K and V of 8 heads x 128 each."""

DEEPSEEK_V3 = layouts.model_shape("DeepSeek-V3")
"""DeepSeek-V3 from its config.json: 671,026,419,200 parameters (the report's 671B) of which 37,552,297,472 are
active per token (37B), 653,908,770,816 in the routed experts of the 58 MoE layers; MLA caches 512 + 64
numbers per token and layer."""

GLM_130B = layouts.ModelShape(
    "GLM-130B", n_params=130e9, active_params=130e9, n_layers=70, d_model=12288, n_heads=96, kv_width=2 * 12288,
    attention_width=12288,
    source=f"{GLM_SOURCE}, Section 2.3 (130B parameters, 70 layers) and Table 11 (hidden 12,288, 96 heads, "
           "GeGLU FFN 32,768)")


@dataclass(frozen=True)
class PublishedLayout:
    """One published run: the layout the paper gives, one published number, and the course's estimate."""

    key: str
    title: str
    model: layouts.ShapeLike
    system: str
    layout: layouts.Layout
    seq_len: int
    global_batch: int
    published: float
    unit: str
    source: str
    assumptions: tuple[str, ...]
    explanation: str
    total_tokens: float | None = None  # for GPU-hours
    ep_overlap: float = 0.0
    dp_overlap: float = 0.5
    convert: Callable[[layouts.LayoutResult], float] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        _validate.choice("unit", self.unit, UNITS)

    def result(self, compute_efficiency: float = COMMON_EFFICIENCY) -> layouts.LayoutResult:
        """The layout evaluated on its system (memory with no overhead added: the run did fit)."""
        return layouts.evaluate(self.model, self.system, self.layout, self.seq_len, self.global_batch,
                                compute_efficiency=compute_efficiency, dp_overlap=self.dp_overlap,
                                ep_overlap=self.ep_overlap, overhead_fraction=0.0)

    def predicted(self, compute_efficiency: float = COMMON_EFFICIENCY) -> float:
        """The estimate in ``unit``."""
        r = self.result(compute_efficiency)
        if self.convert is not None:
            return self.convert(r)
        if self.unit == "MFU":
            return r.mfu
        if self.total_tokens is None:
            raise ValueError(f"{self.key}: a GPU-hours row needs total_tokens")
        return self.total_tokens / r.tokens_per_second * r.n_gpus / units.SECONDS_PER_HOUR  # GPU-hours

    def difference(self, compute_efficiency: float = COMMON_EFFICIENCY) -> float:
        """(predicted - published) / published, a fraction."""
        return self.predicted(compute_efficiency) / self.published - 1

    def implied_efficiency(self) -> float:
        """The compute efficiency at which the estimate equals the published number (bisection on
        (0.05, 1]); NaN if even 100 % of peak while computing falls short of it."""
        higher_is_faster = self.unit != "GPU-hours"

        def short(e: float) -> bool:  # the estimate at efficiency e is worse than published
            p = self.predicted(e)
            return p < self.published if higher_is_faster else p > self.published

        if short(1.0):
            return math.nan
        low, high = 0.05, 1.0
        for _ in range(40):
            mid = (low + high) / 2
            low, high = (mid, high) if short(mid) else (low, mid)
        return (low + high) / 2


def _megatron_tflops(r: layouts.LayoutResult) -> float:
    """Megatron-LM's teraFLOP/s per GPU: its FLOP count with recomputation over the step time."""
    flops = compute.megatron_training_flops("GPT-3 175B", r.tokens_per_step, r.seq_len, recompute=True)
    return flops / (r.n_gpus * r.time.total) / 1e12


_LLAMA_ASSUMPTIONS = (
    "Interleaved schedule with 4 chunks per GPU: Meta uses an interleaved schedule (Section 3.3.2) but does not "
    "publish the number of chunks.",
    "FSDP counted as ZeRO-2: Meta's FSDP does not re-shard the weights after the forward pass (Section 3.3.2), "
    "so the weights are gathered once per step and the gradients reduce-scattered once.",
    "Selective recomputation with sequence parallelism; the paper does not state its recomputation. With it the "
    "course's activation estimate (Korthikanti's GPT layer, 4 interleaved chunks in flight) exceeds 80 GB per GPU; "
    "Meta balances memory by removing layers from the first and last stages (Section 3.3.2).",
)


def _llama(key: str, gpus: int, cp: int, dp: int, seq_len: int, batch_per_dp: int, tflops: float, mfu: float,
           explanation: str) -> PublishedLayout:
    return PublishedLayout(
        key=key, title=f"Llama 3 405B on {gpus:,} H100s, {seq_len // 1024}K-token sequences (TP 8, CP {cp}, PP 16, DP {dp})",
        model=LLAMA3_405B, system="Meta Grand Teton H100 (Llama 3 cluster)",
        layout=layouts.Layout(tp=8, cp=cp, pp=16, dp=dp, zero_stage=2, micro_batch=1, schedule="interleaved",
                              virtual_stages=4, recompute="selective"),
        seq_len=seq_len, global_batch=batch_per_dp * dp, published=mfu, unit="MFU",
        source=f"{LLAMA3_SOURCE}, Section 3.3.2 and Table 4 ({gpus:,} GPUs, TP 8, CP {cp}, PP 16, DP {dp}, "
               f"sequence {seq_len:,}, batch size/DP {batch_per_dp}, {tflops} TFLOPs/GPU, BF16 MFU {mfu:.0%}); "
               "model: Table 3's 405B, the architecture of the Llama-3.1 405B config.json (the course preset)",
        assumptions=_LLAMA_ASSUMPTIONS, explanation=explanation)


PUBLISHED_LAYOUTS = [
    PublishedLayout(
        key="megatron-gpt3",
        title="GPT-3 175B on 1,536 A100s with Megatron-LM (TP 8, PP 12, DP 16)",
        model="GPT-3 175B", system="DGX A100 (80GB)",
        layout=layouts.Layout(tp=8, pp=12, dp=16, zero_stage=0, micro_batch=1, recompute="full",
                              sequence_parallel=False),
        seq_len=2048, global_batch=1536, published=141, unit="TFLOP/s per GPU",
        source=f"{MEGATRON_SOURCE}, Section 5.2 and Table 2 (PTD parallelism, 174.6B parameters, model-parallel "
               "size 96 = TP 8 x PP 12, batch 1536, microbatch 1, 1536 GPUs: 141 teraFLOP/s per GPU; 768 GPUs: "
               "149); Selene: Section 5 (8 A100 80 GB per node, NVLink/NVSwitch, 8 x 200 Gb/s HDR InfiniBand)",
        assumptions=(
            "1F1B schedule (Table 2 does not say whether it is interleaved; with 96 micro-batches per pipeline the "
            "bubble is small either way).",
            "Full activation recomputation, as Megatron-LM used then (Section 3.5); its teraFLOP/s count it "
            "(compute.megatron_training_flops, recompute=True).",
            "The course's GPT-3 preset has the 50,257-token vocabulary of the GPT-3 paper; Megatron used 51,200.",
        ),
        explanation="The paper's 1,024-GPU '34 days' for 300B tokens (Section 5.1) is an estimate at 140 "
                    "teraFLOP/s per GPU, not a layout: 1,024 is not a multiple of the 96 GPUs of one model "
                    "replica. Table 2's measured run is the one with a layout.",
        convert=_megatron_tflops),
    _llama("llama3-8k-8192", 8192, 1, 64, 8192, 32, 430, 0.43,
           "Close: the interleaved schedule hides most of the bubble of 16 stages with 32 micro-batches."),
    _llama("llama3-8k-16384", 16384, 1, 128, 8192, 16, 400, 0.41,
           "With 16 micro-batches for 16 stages the bubble weighs twice as much as on 8,192 GPUs; Meta's "
           "tuned schedule (Section 3.3.2) recovers more of it than the textbook interleaved one."),
    _llama("llama3-128k-16384", 16384, 16, 8, 131072, 16, 380, 0.38,
           "The estimate counts the context-parallel all-gathers of K and V across 16 servers as fully exposed; "
           "Meta overlaps part of them with attention (grouped-query attention keeps them small)."),
    PublishedLayout(
        key="deepseek-v3",
        title="DeepSeek-V3 on 2,048 H800s (PP 16, EP 64, ZeRO-1 DP, no TP): pre-training GPU-hours",
        model=DEEPSEEK_V3, system="HGX H800 8-GPU",
        layout=layouts.Layout(tp=1, pp=16, dp=128, ep=64, zero_stage=1, micro_batch=1, schedule="dualpipe",
                              recompute="selective"),
        seq_len=4096, global_batch=15360, published=2.664e6, unit="GPU-hours", total_tokens=14.8e12,
        ep_overlap=1.0,
        source=f"{DEEPSEEK_SOURCE}, Section 3.2 (16-way pipeline parallelism, 64-way expert parallelism across 8 "
               "nodes, ZeRO-1 data parallelism, no tensor parallelism; DualPipe overlaps the all-to-all), Section "
               "4.2 (4K sequences, batch size 15,360 after the ramp-up), Table 1 (pre-training 2,664K H800 "
               "GPU-hours of 2,788K in all; 14.8T tokens); model: its config.json (the course preset)",
        assumptions=(
            "All-to-all fully overlapped with computation (DualPipe, Section 3.2.1): only the part longer than "
            "the compute stays exposed.",
            "Micro-batch of 1 sequence and batch 15,360 for every step (the ramp-up from 3,072 over the first "
            "469B tokens is ignored).",
            "bf16 peak and bf16 traffic: DeepSeek-V3 runs its GEMMs in FP8 (Section 3.3) and dispatches tokens "
            "in FP8, so it can beat the bf16-based efficiency.",
        ),
        explanation="The estimate finds the all-to-all about as long as the compute, the 1:1 ratio DeepSeek "
                    "reports (Section 3.2.1), and hides it. FP8 GEMMs (twice the bf16 peak) are the main reason "
                    "DeepSeek needs fewer GPU-hours than a bf16 estimate. The activation memory exceeds 80 GB "
                    "in this model: the GPT-layer formula knows neither DeepSeek's recomputation of norms and "
                    "MLA up-projections nor its FP8 activations (Section 3.3)."),
    PublishedLayout(
        key="glm-130b",
        title="GLM-130B on 768 A100-40GB (96 DGX A100, TP 4, PP 8, DP 24, ZeRO-1)",
        model=GLM_130B, system="DGX A100 (40GB)",
        layout=layouts.Layout(tp=4, pp=8, dp=24, zero_stage=1, micro_batch=1, recompute="full",
                              sequence_parallel=False),
        seq_len=2048, global_batch=4224, published=0.325, unit="MFU",
        source=f"{GLM_SOURCE}, Section 2.3 (96 DGX-A100 (8 x 40G) servers; 4-way tensor and 8-way pipeline "
               "parallelism, PipeDream-Flush (1F1B); global batch 4,224; HFU 43.3 %, MFU 32.5 % due to "
               "re-materialization) and Table 11 (data_parallel_size 24, micro_batch_size 1, zero_stage 1, "
               "checkpoint_activations True, fp16)",
        assumptions=("MFU counted as the course does (6 N D plus causal attention, bf16/fp16 dense peak 312 "
                     "TFLOPS); the paper follows PaLM's definition.",),
        explanation="GLM-130B's GPUs computed at a lower share of peak than Megatron-LM's on the same A100s "
                    "(fp16 with DeepSpeed in 2022, a custom architecture): the implied efficiency is lower."),
]


def get_published(key: str) -> PublishedLayout:
    """A :data:`PUBLISHED_LAYOUTS` entry by key (close matches listed on a miss)."""
    key = _validate.choice("key", key, [p.key for p in PUBLISHED_LAYOUTS])
    return next(p for p in PUBLISHED_LAYOUTS if p.key == key)


# --------------------------------------------------------------------------- a fine-tuning job that fits

class FineTune(TypedDict):
    """A fine-tuning job as :func:`course_lib.layouts.evaluate` takes it."""

    model: str
    system: str
    seq_len: int
    global_batch: int
    layout: layouts.Layout


ALPACA_FINETUNE: FineTune = {"model": "Llama-2 7B", "system": "DGX A100 (80GB)", "seq_len": 512, "global_batch": 128,
                             "layout": layouts.Layout(dp=4, zero_stage=3, micro_batch=4, recompute="none")}
"""Stanford Alpaca's full fine-tuning of LLaMA-7B (:data:`ALPACA_SOURCE`): FSDP full_shard (ZeRO-3) on 4
A100 80 GB GPUs, 4 sequences of at most 512 tokens per GPU and micro-batch, 8 accumulation steps (4 x 4 x 8
= batch 128). The course's "Llama-2 7B" preset has LLaMA-7B's shape (32 layers, width 4,096, MLP 11,008,
32,000-token vocabulary). The published claim checked here is that it fits in 80 GB per GPU."""


def alpaca_finetune(compute_efficiency: float = COMMON_EFFICIENCY) -> layouts.LayoutResult:
    """:data:`ALPACA_FINETUNE` evaluated (10 % memory overhead, as for any layout)."""
    job = ALPACA_FINETUNE
    return layouts.evaluate(job["model"], job["system"], job["layout"], job["seq_len"], job["global_batch"],
                            compute_efficiency=compute_efficiency)
