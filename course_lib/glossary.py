"""The course glossary: every technical term, defined once, with the notebook that teaches it.

Notebooks define a term in plain words at first use and link here, e.g.
``[MFU](../docs/glossary.md#mfu)``; ``docs/glossary.md`` is generated from :data:`TERMS`.
Each topic has its own section below so that terms are added next to the notebook that teaches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One glossary entry.

    ``name`` as written in prose ("MFU"), ``definition`` one to three plain sentences,
    ``notebook`` the file stem of the notebook that teaches it ("03_flops"), ``aliases`` other
    spellings a learner may meet ("model FLOPs utilization").
    """

    name: str
    definition: str
    notebook: str
    aliases: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """The link target in docs/glossary.md: lower case, runs of other characters as one '-'."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")


# --- 00 start here, 01 why GPUs -------------------------------------------------------------
_BASICS: tuple[Term, ...] = (
    Term("FLOP", "One floating-point operation (an add or a multiply); a multiply-add counts as 2 FLOP. "
         "FLOP is an amount of work.", "00_start_here"),
    Term("FLOPS", "FLOP per second: a rate. A datasheet's TFLOPS is 10^12 FLOP per second.", "00_start_here",
         ("FLOP/s",)),
)

# --- 02 inside the GPU and the server -------------------------------------------------------
_INSIDE_THE_GPU: tuple[Term, ...] = ()

# --- 03 FLOPS, 04 memory and precision, 05 quantization --------------------------------------
_COMPUTE_AND_MEMORY: tuple[Term, ...] = (
    # 04 memory and precision
    Term("Exponent and mantissa", "The two parts of a floating-point number besides its sign: the exponent bits set "
         "the range (how large and how small a number can be), the mantissa bits the precision (how many "
         "significant digits it keeps).", "04_memory_and_precision", ("significand",)),
    Term("bf16", "bfloat16: a 16-bit float with fp32's 8 exponent bits (same range) and only 7 mantissa bits "
         "(about 3 significant decimal digits).", "04_memory_and_precision", ("bfloat16",)),
    Term("fp16", "IEEE half precision: 16 bits with 5 exponent and 10 mantissa bits; more precise than bf16, but the "
         "largest finite value is 65504.", "04_memory_and_precision", ("half precision",)),
    Term("tf32", "The format Tensor Cores since the A100 use for 'fp32' matmuls when allowed: fp32's 8 exponent bits "
         "with fp16's 10 mantissa bits, stored in a 32-bit register.", "04_memory_and_precision"),
    Term("fp8", "8-bit floats: E4M3 (4 exponent, 3 mantissa bits, largest 448) for weights and activations, E5M2 "
         "(largest 57344) for gradients.", "04_memory_and_precision", ("E4M3", "E5M2")),
    Term("Underflow and overflow", "A number too small for a format becomes 0 (underflow); one too large becomes "
         "infinity, or the largest integer for int formats (overflow).", "04_memory_and_precision"),
    Term("Mixed precision", "Training with 16-bit weights, gradients and activations for speed, while the "
         "optimizer keeps an fp32 master copy of the weights so that small updates are not rounded away.",
         "04_memory_and_precision", ("master weights",)),
    Term("Loss scaling", "Multiplying the loss by a factor (e.g. 2^16) before the backward pass so that small fp16 "
         "gradients do not underflow to 0; the update divides it out again.", "04_memory_and_precision"),
    Term("Optimizer states", "What the optimizer remembers for every parameter between steps: Adam keeps a "
         "momentum and a variance (in fp32, 8 bytes per parameter), plus the fp32 master weights with mixed "
         "precision.", "04_memory_and_precision", ("Adam",)),
    Term("Activations", "The intermediate results of the forward pass (each layer's inputs and outputs) that the "
         "backward pass needs to compute the gradients; their memory grows with tokens and batch.",
         "04_memory_and_precision"),
    Term("Hidden states", "The vectors of d_model numbers, one per token, that flow from one transformer layer to "
         "the next; each of their d_model entries is a feature dimension.", "04_memory_and_precision",
         ("feature dimension",)),
    Term("Micro-batch", "The sequences one GPU pushes through one forward and backward pass; a training step may "
         "add up the gradients of several micro-batches.", "04_memory_and_precision", ("micro batch",)),
    Term("Activation checkpointing", "Keeping only some activations (checkpoints, e.g. each layer's input) in the "
         "forward pass and recomputing the others during the backward pass: less memory for about one extra "
         "forward pass (Chen et al. 2016). Also called gradient checkpointing or recomputation.",
         "04_memory_and_precision", ("gradient checkpointing", "recomputation")),
    Term("FlashAttention", "An attention kernel that computes softmax(QK^T)V tile by tile in on-chip memory, never "
         "storing the tokens x tokens score matrix (Dao et al. 2022); the backward pass recomputes it.",
         "04_memory_and_precision"),
    Term("KV cache", "During generation, the keys (K) and values (V) that every layer computed for the tokens so "
         "far, kept so that each new token attends to them without recomputing them: 2 x layers x KV heads x head "
         "size numbers per token.", "04_memory_and_precision"),
    Term("KV heads", "Attention heads that have their own key and value projections. With grouped-query attention "
         "(GQA) several query heads share one KV head (Llama-2 70B: 64 query heads, 8 KV heads), shrinking the KV "
         "cache.", "04_memory_and_precision", ("grouped-query attention", "GQA", "query heads")),
    # 05 quantization
    Term("Quantization", "Storing numbers (usually weights) as small integer codes plus a scale: the real value is "
         "(code - zero point) x scale.", "05_quantization"),
    Term("Scale and zero point", "The numbers that turn integer codes back into real values: absmax (symmetric) "
         "quantization uses scale = max|x| / 127 and zero point 0; zero-point (asymmetric) quantization maps [min, "
         "max] onto 0..255.", "05_quantization", ("absmax",)),
    Term("Group-wise quantization", "One scale per group of consecutive weights (e.g. 128) instead of one per "
         "tensor or per row: a finer grid for each group, at 16 / group size extra bits per weight.",
         "05_quantization", ("group size", "per-channel")),
    Term("int4 bits per weight", "The course counts int4 weights as 4.125 bits: a 4-bit code plus its share of one "
         "16-bit scale per group of 128 weights (memory.bytes_per_param('int4') = 0.515625 bytes).",
         "05_quantization"),
    Term("SQNR", "Signal-to-quantization-noise ratio: 10 log10(sum of x^2 / sum of errors^2) in dB; every 6 dB more "
         "means about one more bit of precision.", "05_quantization"),
    Term("Outlier features", "A few feature dimensions of the hidden states with values up to tens of times larger "
         "than the rest, found in transformers from about 6.7B parameters on (Dettmers et al. 2022).",
         "05_quantization"),
    Term("LLM.int8()", "An 8-bit matmul that keeps the outlier feature columns in 16 bits and multiplies the rest "
         "in int8 with one scale per row and column (Dettmers et al. 2022).", "05_quantization"),
    Term("Round-to-nearest", "The simplest post-training quantization: each weight gets the nearest code of its "
         "group's grid, independently of the others (RTN).", "05_quantization", ("RTN",)),
    Term("GPTQ", "Post-training quantization that rounds a layer's weights one column at a time and updates the "
         "not-yet-quantized weights to cancel the error on the layer's outputs, using a few calibration "
         "sentences (Frantar et al. 2022).", "05_quantization"),
    Term("AWQ", "Activation-aware weight quantization: finds the ~1% of weight channels that multiply large "
         "activations and scales them up before quantizing, so they lose less precision (Lin et al. 2023).",
         "05_quantization"),
    Term("Perplexity", "How surprised a language model is by a text: exp of the average negative log-likelihood "
         "per token. Lower is better; quantization papers compare it before and after.", "05_quantization"),
    Term("Student-t distribution", "A bell-shaped distribution with heavier tails than the Gaussian: large values "
         "are rarer than typical ones but far more common than under a Gaussian.", "05_quantization"),
    Term("nn.Linear", "PyTorch's fully connected layer y = x W^T + b; it stores W as (out_features x "
         "in_features), one row per output channel.", "05_quantization"),
    Term("Pruning", "Setting weights to zero; 2:4 structured pruning keeps 2 of every 4 consecutive weights, the "
         "pattern sparse Tensor Cores skip.", "05_quantization"),
    Term("Distillation", "Training a smaller student model to match the outputs of a larger teacher (Hinton et al. "
         "2015).", "05_quantization"),
)

# --- 06 serving -------------------------------------------------------------------------------
_SERVING: tuple[Term, ...] = ()

# --- 07 parallelism, 08 parallel layouts ------------------------------------------------------
_PARALLELISM: tuple[Term, ...] = ()

# --- 09 choosing hardware, 10 cost and energy, 11 reality check -------------------------------
_CHOOSING: tuple[Term, ...] = ()

TERMS: tuple[Term, ...] = _BASICS + _INSIDE_THE_GPU + _COMPUTE_AND_MEMORY + _SERVING + _PARALLELISM + _CHOOSING
