"""Reality check: the course's estimates next to published results, each with its source.

:data:`COMPARISONS` holds one :class:`Comparison` per published number: the value and unit as the
paper prints it, the source (paper, table or section, arXiv id), the inputs, how course_lib
predicts it (``predicted()`` calls the course's calculators), the relative tolerance we accept with
its reason, and why the two differ where they do. :data:`TRAINING_RUNS` are published training runs
for the MFU explorer: time = 6 N D / (GPUs x dense peak x MFU). Notebook 11, its widgets
(:mod:`course_lib.widgets.reality`) and ``tests/test_reality.py`` all read these two lists.

Units are those of each row (``unit``); differences are (predicted - published) / published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from course_lib import _validate, compute, hardware, memory, models, units
from course_lib._registry import Registry, by_name

A100 = "A100 SXM 80GB"

# TPU v4 is in the catalog but not listed (it only serves the PaLM comparison below).
TPU_V4 = hardware.get_gpu("TPU v4")

GPT3_SOURCE = "Brown et al. 2020, Language Models are Few-Shot Learners, arXiv:2005.14165"
MEGATRON_SOURCE = ("Narayanan et al. 2021, Efficient Large-Scale Language Model Training on GPU Clusters Using "
                   "Megatron-LM, arXiv:2104.04473")
LLAMA_SOURCE = "Touvron et al. 2023, LLaMA: Open and Efficient Foundation Language Models, arXiv:2302.13971"
LLAMA2_SOURCE = "Touvron et al. 2023b, Llama 2: Open Foundation and Fine-Tuned Chat Models, arXiv:2307.09288"
ZERO_SOURCE = ("Rajbhandari et al. 2020, ZeRO: Memory Optimizations Toward Training Trillion Parameter Models, "
               "arXiv:1910.02054")
VLLM_SOURCE = ("Kwon et al. 2023, Efficient Memory Management for Large Language Model Serving with "
               "PagedAttention (vLLM), arXiv:2309.06180")
PALM_SOURCE = "Chowdhery et al. 2022, PaLM: Scaling Language Modeling with Pathways, arXiv:2204.02311"

# Narayanan et al. 2021, Section 5.1: GPT-3 175B on 1024 A100s "we achieve X = 140 teraFLOP/s per GPU".
MEGATRON_TFLOPS_PER_GPU = 140

# One MFU for all Llama 2 sizes: Meta publishes GPU-hours but no throughput or MFU. 40 % is a
# round number inside the 33-48 % that the other runs of this table imply (see TRAINING_RUNS).
LLAMA2_ASSUMED_MFU = 0.40


@dataclass(frozen=True)
class TrainingRun:
    """A published training run: ``n_params`` x ``n_tokens`` on ``n_gpus`` x ``gpu`` (bf16 dense peak).

    ``published`` is in ``unit``: "days" (wall clock) or "GPU-hours" (which do not depend on the
    GPU count under perfect scaling, so GPU-hour runs use ``n_gpus = 1``).
    """

    name: str
    n_params: float
    n_tokens: float
    gpu: hardware.GPULike
    n_gpus: int
    published: float
    unit: str
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        canonical = {  # stored in canonical form: unit="Days" -> "days", gpu name -> the catalog's GPU name
            "name": _validate.text("name", self.name),
            "n_params": _validate.positive("n_params", self.n_params),
            "n_tokens": _validate.positive("n_tokens", self.n_tokens),
            "gpu": hardware.get_gpu(self.gpu).name if isinstance(self.gpu, str) else hardware.get_gpu(self.gpu),
            "n_gpus": _validate.positive_int("n_gpus", self.n_gpus),
            "published": _validate.positive("published", self.published),
            "unit": _validate.choice("unit", self.unit, RUN_UNITS),
            "source": _validate.text("source", self.source),
            "note": _validate.text("note", self.note),
        }
        for name, value in canonical.items():
            object.__setattr__(self, name, value)

    def predicted(self, mfu: float) -> float:
        """Predicted time in ``unit`` at ``mfu``: 6 N D / (n_gpus x peak x mfu)."""
        seconds = compute.training_seconds(compute.training_flops(self.n_params, self.n_tokens), self.gpu,
                                           self.n_gpus, mfu)
        if self.unit == "days":
            return seconds / units.SECONDS_PER_DAY
        return seconds * self.n_gpus / units.SECONDS_PER_HOUR

    def difference(self, mfu: float) -> float:
        """(predicted at ``mfu`` - published) / published, a fraction."""
        return self.predicted(mfu) / self.published - 1

    def implied_mfu(self) -> float:
        """The MFU at which :meth:`predicted` equals ``published`` (via :func:`course_lib.compute.mfu`)."""
        scale = units.SECONDS_PER_DAY if self.unit == "days" else units.SECONDS_PER_HOUR / self.n_gpus
        tokens_per_second = self.n_tokens / (self.published * scale)
        return compute.mfu(tokens_per_second, self.n_params, self.gpu, self.n_gpus)


RUN_UNITS = ("days", "GPU-hours")


def _params(model: str) -> int:
    return models.get_model(model).param_count()


TRAINING_RUNS = [
    TrainingRun("LLaMA-65B (2048 A100)", 65.2e9, 1.4e12, A100, 2048, 21, "days",
                f"{LLAMA_SOURCE}, Section 2.4 (21 days, 2048 A100-80GB); Table 2 (65.2B parameters, 1.4T tokens)",
                "The paper also gives the throughput, ~380 tokens/s per GPU."),
    TrainingRun("GPT-3 175B, Megatron-LM estimate (1024 A100)", _params("GPT-3 175B"), 300e9, A100, 1024, 34, "days",
                f"{MEGATRON_SOURCE}, Section 5.1 (GPT-3 175B, 300B tokens, 1024 A100s at 140 TFLOP/s: 34 days)",
                "An estimate, not a run: 140 TFLOP/s per GPU counts activation recomputation (8 N D), "
                "so it is a hardware-FLOPs utilization of 140/312 = 45 %."),
    *(TrainingRun(f"Llama-2 {size}", _params(f"Llama-2 {size}"), 2e12, A100, 1, hours, "GPU-hours",
                  f"{LLAMA2_SOURCE}, Table 2 ({hours:,} A100-80GB GPU-hours); Table 1 (2.0T tokens)",
                  "GPU count and wall-clock time are not published.")
      for size, hours in (("7B", 184_320), ("13B", 368_640), ("70B", 1_720_320))),
]


_RUNS: Registry[TrainingRun] = Registry(by_name(TRAINING_RUNS, lambda r: r.name), what="TRAINING_RUNS", param="run name")


def get_run(name: str) -> TrainingRun:
    """A :data:`TRAINING_RUNS` entry by name (close matches listed on a miss)."""
    return _RUNS.get(name)


@dataclass(frozen=True)
class Comparison:
    """One published number and the course's prediction of it.

    inputs: (name, value with unit and origin) pairs the prediction uses. formula: how course_lib
    computes it. predict: no-argument function returning the prediction in ``unit``. details:
    optional function returning computed (label, text) pairs for the derivation (e.g. an implied
    MFU). tolerance: the largest |predicted / published - 1| we accept, with ``tolerance_reason``.
    explanation: why the two differ (conventions, rounding, what the paper counted).
    """

    key: str
    title: str
    published: float
    unit: str
    source: str
    inputs: tuple[tuple[str, str], ...]
    formula: str
    predict: Callable[[], float] = field(repr=False)
    tolerance: float
    tolerance_reason: str
    explanation: str
    details: Callable[[], tuple[tuple[str, str], ...]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        _validate.positive("published", self.published)
        _validate.fraction("tolerance", self.tolerance)
        if not callable(self.predict):
            raise ValueError(f"predict must be a function of no arguments, got {_validate.describe(self.predict)}")

    def predicted(self) -> float:
        """The course's prediction, in ``unit``."""
        return self.predict()

    def difference(self) -> float:
        """(predicted - published) / published, a fraction."""
        return self.predicted() / self.published - 1

    def percent_difference(self) -> float:
        """:meth:`difference` in percent."""
        return 100 * self.difference()

    def within_tolerance(self) -> bool:
        """True if |difference| <= tolerance."""
        return abs(self.difference()) <= self.tolerance


def _gpt3_flops() -> float:
    return compute.training_flops(_params("GPT-3 175B"), 300e9)


def _gpt3_details() -> tuple[tuple[str, str], ...]:
    with_attention = compute.training_flops_per_token("GPT-3 175B", 2048) * 300e9
    return (("with attention at 2048 tokens (compute.training_flops_per_token x D)", f"{with_attention:.4g} FLOP"),
            ("attention adds", f"{with_attention / _gpt3_flops() - 1:.1%}"))


def _megatron_flops() -> float:
    return compute.megatron_training_flops("GPT-3 175B", 300e9, seq_len=2048, recompute=True)


def megatron_hfu() -> float:
    """Megatron-LM's 140 TFLOP/s per A100 (recomputation included) as a fraction of the dense bf16 peak: 0.449."""
    return MEGATRON_TFLOPS_PER_GPU * units.TFLOPS / hardware.get_gpu(A100).peak_flops("bf16")


def megatron_mfu() -> float:
    """The same GPT-3 estimate counted as an MFU (6 N D, no recomputation, no attention): 0.327.

    The GPUs execute the Megatron count (:func:`course_lib.compute.megatron_training_flops`) at
    :func:`megatron_hfu` of the peak; only 6 N D of those FLOP count for MFU.
    """
    return megatron_hfu() * _gpt3_flops() / _megatron_flops()


def _megatron_days() -> float:
    return compute.training_seconds(_megatron_flops(), A100, 1024, mfu=megatron_hfu()) / units.SECONDS_PER_DAY


def _megatron_details() -> tuple[tuple[str, str], ...]:
    full, six_nd = _megatron_flops(), _gpt3_flops()
    return (("Megatron FLOP (with recomputation)", f"{full:.4g} FLOP"),
            ("6 N D (no recomputation, no attention)", f"{six_nd:.4g} FLOP"),
            ("Megatron FLOP / 6ND, about 8/6 x (1 + s/6h + V/16lh)", f"{full / six_nd:.4f}"),
            ("the same run as 6ND MFU: 140/312 x 6ND / Megatron FLOP", f"{megatron_mfu():.1%}"))


def _llama65b_mfu() -> float:
    return compute.mfu(380 * 2048, 65.2e9, A100, n_gpus=2048)


def _llama65b_days() -> float:
    seconds = compute.training_seconds(compute.training_flops(65.2e9, 1.4e12), A100, 2048, _llama65b_mfu())
    return seconds / units.SECONDS_PER_DAY


def _zero_gb(stage: int) -> float:
    return memory.training_memory(7.5e9, zero_stage=stage, n_gpus=64)["total"] / units.GB


def _llama2_row(run: TrainingRun) -> Comparison:
    return Comparison(
        key=f"llama2-{run.name.split()[-1].lower()}-gpu-hours",
        title=f"{run.name}: pre-training GPU-hours",
        published=run.published, unit="A100-80GB GPU-hours", source=run.source,
        inputs=(("N", f"{run.n_params:,.0f} parameters (course preset, Hugging Face config)"),
                ("D", "2.0e12 tokens (Table 1)"), ("GPU", f"{A100}, 312 TFLOPS dense bf16"),
                ("MFU", f"{LLAMA2_ASSUMED_MFU:.0%} (assumed; not published)")),
        formula="6 N D / (312e12 FLOP/s x MFU) / 3600 (compute.training_flops, compute.training_seconds)",
        predict=lambda: run.predicted(LLAMA2_ASSUMED_MFU),
        tolerance=0.10,
        tolerance_reason="Meta publishes no throughput or MFU; one assumed MFU for all sizes is off by the spread "
                         "of their real MFUs (the implied MFUs lie within 10 % of 40 %).",
        explanation="The table's GPU-hours fix the MFU: 6ND at the implied MFU (derivation) reproduces them "
                    "exactly. The implied MFU differs between sizes; it summarizes all that 6ND leaves out "
                    "(attention, recomputation, communication, pipeline bubbles, time lost). Meta trained on two "
                    "A100-80GB clusters (Section 2.2.1) and does not say which size ran where.",
        details=lambda: (("MFU that makes 6ND agree", f"{run.implied_mfu():.1%}"),),
    )


def _zero_row(stage: int, published: float, half_last_digit: float) -> Comparison:
    names = {0: "baseline (data parallel)", 1: "ZeRO-1, P_os", 2: "ZeRO-2, P_os+g", 3: "ZeRO-3, P_os+g+p"}
    return Comparison(
        key=f"zero-stage{stage}",
        title=f"ZeRO 7.5B on 64 GPUs, {names[stage]}: memory per GPU",
        published=published, unit="GB per GPU",
        source=f"{ZERO_SOURCE}, Figure 1 (Psi = 7.5B, N_d = 64, K = 12)",
        inputs=(("parameters", "7.5e9"), ("data-parallel GPUs", "64"),
                ("bytes per parameter", "2 fp16 weights + 2 fp16 gradients + 12 Adam states (K = 12)")),
        formula=f"memory.training_memory(7.5e9, zero_stage={stage}, n_gpus=64)['total'] / 1e9",
        predict=lambda: _zero_gb(stage),
        tolerance=half_last_digit / published,
        tolerance_reason=f"The figure rounds to the last printed digit: +- {half_last_digit:g} GB.",
        explanation="Same model as the paper, bytes per parameter (2 + 2 + 12) divided over the GPUs for the "
                    "partitioned parts; the only difference is the paper's rounding. Activations and buffers are "
                    "not counted, by the paper or here.",
    )


COMPARISONS = [
    Comparison(
        key="gpt3-compute",
        title="GPT-3 175B: total training compute",
        published=3.14e23, unit="FLOP",
        source=f"{GPT3_SOURCE}, Table D.1",
        inputs=(("N", f"{_params('GPT-3 175B'):,} parameters (course preset from Table 2.1 shapes)"),
                ("D", "300e9 tokens (Table D.1)")),
        formula="6 N D (compute.training_flops)",
        predict=_gpt3_flops,
        tolerance=0.002,
        tolerance_reason="The table prints 3 significant figures (3.14e23 +- 0.005e23 = +- 0.16 %).",
        explanation="The published figure equals 6 x 174.6e9 x 300e9 to three digits: the paper counts 6 N D, "
                    "as the course does, and the course's N is the exact count of the paper's shapes. "
                    "Neither counts the attention scores (see the derivation for what they would add).",
        details=_gpt3_details,
    ),
    Comparison(
        key="megatron-gpt3-days",
        title="GPT-3 175B on 1024 A100s at 140 TFLOP/s: training days (Megatron-LM estimate)",
        published=34, unit="days",
        source=f"{MEGATRON_SOURCE}, Section 5.1 (estimate of end-to-end training time)",
        inputs=(("model", "GPT-3 175B: l = 96 layers, h = 12288, V = 50257, s = 2048"),
                ("D", "300e9 tokens"), ("GPUs", "1024 x A100 (312 TFLOPS dense bf16)"),
                ("achieved", "140 TFLOP/s per GPU = 140/312 of peak, recomputation included")),
        formula="96 l h^2 (1 + s/6h + V/16lh) x D / (1024 x 140e12) (compute.megatron_training_flops, "
                "compute.training_seconds)",
        predict=_megatron_days,
        tolerance=0.03,
        tolerance_reason="The paper's 34 days uses its approximation 8TP/(nX), which drops the attention and "
                         "vocabulary bracket (1 + s/6h + V/16lh = 1.03); the full count is 3 % more.",
        explanation="Megatron-LM counts the FLOP the GPUs execute: with full activation recomputation every "
                    "layer's forward pass runs twice, so a training step is 4 forward passes (8 N per token) "
                    "instead of 3 (6 N). 140 TFLOP/s is therefore a hardware-FLOPs utilization, not an MFU "
                    "(the derivation converts it). The bracket adds attention scores (s/6h, counted unmasked) "
                    "and the output layer (V/16lh). The course uses the preset's vocabulary (50,257; Megatron "
                    "pads it to 51,200), a 0.005 % difference.",
        details=_megatron_details,
    ),
    Comparison(
        key="llama65b-days",
        title="LLaMA-65B on 2048 A100-80GB at ~380 tokens/s/GPU: training days",
        published=21, unit="days",
        source=f"{LLAMA_SOURCE}, Section 2.4 (efficient implementation); Table 2 (65.2B parameters, 1.4T tokens)",
        inputs=(("N", "65.2e9 parameters"), ("D", "1.4e12 tokens"), ("GPUs", "2048 x A100-80GB"),
                ("throughput", "380 tokens/s per GPU")),
        formula="MFU = 6 N x 380 x 2048 / (2048 x 312e12) (compute.mfu); days = 6 N D / (2048 x 312e12 x MFU) "
                "/ 86400 (compute.training_seconds)",
        predict=_llama65b_days,
        tolerance=0.025,
        tolerance_reason="The paper says 'around 380 tokens/sec/GPU' and 'approximately 21 days': 21 +- 0.5 days "
                         "is +- 2.4 %.",
        explanation="Days follow from the throughput alone (1.4e12 / (380 x 2048) s); the course's step is the "
                    "MFU that throughput implies (derivation). The 6ND count leaves out attention and the "
                    "activation recomputation the paper still does (it checkpoints to recompute less), so the "
                    "GPUs executed more FLOP than the MFU credits.",
        details=lambda: (("implied MFU (compute.mfu)", f"{_llama65b_mfu():.1%}"),),
    ),
    *(_llama2_row(run) for run in TRAINING_RUNS if run.unit == "GPU-hours"),
    _zero_row(0, 120, 0.5),
    _zero_row(1, 31.4, 0.05),
    _zero_row(2, 16.6, 0.05),
    _zero_row(3, 1.9, 0.05),
    Comparison(
        key="vllm-kv-opt13b",
        title="OPT-13B: KV cache per token in fp16",
        published=800, unit="KB per token (the paper's KB = 1024 bytes)",
        source=f"{VLLM_SOURCE}, Section 3",
        inputs=(("model", "OPT-13B: 40 layers, hidden size 5120, multi-head attention"), ("dtype", "fp16, 2 bytes")),
        formula="2 (K and V) x layers x n_kv_heads x head_dim x bytes (memory.kv_cache_bytes) / 1024",
        predict=lambda: memory.kv_cache_bytes("OPT-13B", 1, 1, "fp16") / 1024,
        tolerance=0.001,
        tolerance_reason="Exact arithmetic: 2 x 5120 x 40 x 2 = 819,200 bytes = 800 x 1024.",
        explanation="Same formula as the paper. Its '800 KB' is 800 KiB: in decimal units (GB = 1e9 bytes, the "
                    "course's convention) it is 819.2 KB, 2.4 % more - the GB vs GiB trap of notebook 03.",
    ),
    Comparison(
        key="palm-mfu",
        title="PaLM 540B on 6144 TPU v4 at 238.3K tokens/s: model FLOPs utilization",
        published=46.2, unit="% MFU",
        source=f"{PALM_SOURCE}, Table 3; throughput and formula in Section 4.1 and Appendix B",
        inputs=(("N", "540.35e9 parameters (Table 1)"), ("throughput", "238.3e3 tokens/s (all chips)"),
                ("chips", "6144 x TPU v4, 275 TFLOPS bf16 each (Google Cloud TPU v4 documentation)")),
        formula="100 x 6 N x tokens/s / (6144 x 275e12) (compute.mfu)",
        predict=lambda: 100 * compute.mfu(238.3e3, 540.35e9, TPU_V4, n_gpus=6144),
        tolerance=0.015,
        tolerance_reason="PaLM's MFU adds the self-attention matmuls, 12 L H Q T FLOP per token; Table 22 gives "
                         "3.28 TFLOP/token with them vs 6N = 3.24: 1.2 % more.",
        explanation="compute.mfu is PaLM's definition without its attention term. PaLM itself prints both: "
                    "45.7 % without self-attention, 46.2 % with it (next row). Neither counts the "
                    "rematerialization FLOP; with them the paper reports 57.8 % hardware FLOPs utilization.",
    ),
    Comparison(
        key="palm-mfu-no-attention",
        title="PaLM 540B: MFU without self-attention",
        published=45.7, unit="% MFU",
        source=f"{PALM_SOURCE}, Section 4.1 and Appendix B: (238.3 x 6 x 540) / (275 x 6144)",
        inputs=(("N", "540.35e9 parameters (Table 1); the paper's arithmetic uses 540e9"),
                ("throughput", "238.3e3 tokens/s"), ("chips", "6144 x TPU v4 at 275 TFLOPS")),
        formula="100 x 6 N x tokens/s / (6144 x 275e12) (compute.mfu)",
        predict=lambda: 100 * compute.mfu(238.3e3, 540.35e9, TPU_V4, n_gpus=6144),
        tolerance=0.002,
        tolerance_reason="Printed to 0.1 point (+- 0.11 %), and the paper rounds N to 540e9 (0.06 %).",
        explanation="Identical convention: 6 N per token over the chips' peak.",
    ),
    Comparison(
        key="mtnlg-mfu",
        title="Megatron-Turing NLG 530B on 2240 A100s at 65.43K tokens/s: MFU without attention",
        published=29.7, unit="% MFU",
        source=f"{PALM_SOURCE}, Appendix B (from Smith et al. 2022, arXiv:2201.11990: 1920 x 2048 tokens "
               "per 60.1 s step on 2240 A100s)",
        inputs=(("N", "530e9 parameters"), ("throughput", "65.43e3 tokens/s"), ("GPUs", "2240 x A100 at 312 TFLOPS")),
        formula="100 x 6 N x tokens/s / (2240 x 312e12) (compute.mfu)",
        predict=lambda: 100 * compute.mfu(65.43e3, 530e9, A100, n_gpus=2240),
        tolerance=0.005,
        tolerance_reason="The paper prints 29.7 for (65.43 x 6 x 530) / (312 x 2240) = 29.77: cut off, not "
                         "rounded (+0.24 %).",
        explanation="Same convention as PaLM's; with self-attention the paper gives 30.2 %.",
    ),
]


_COMPARISONS: Registry[Comparison] = Registry(by_name(COMPARISONS, lambda c: c.key),
                                              [(c.title, c.key) for c in COMPARISONS], what="COMPARISONS",
                                              param="comparison key")


def get_comparison(key: str) -> Comparison:
    """A :data:`COMPARISONS` row by ``key`` or ``title`` (close matches listed on a miss)."""
    return _COMPARISONS.get(key)
