"""The course glossary: every technical term, defined once, with the notebook that teaches it.

Notebooks define a term in plain words at first use and link here, e.g.
``[MFU](../docs/glossary.md#mfu)``; ``docs/glossary.md`` is generated from :data:`TERMS` by
``python -m course_lib.glossary`` (``--check`` fails if the committed page is stale; ``make lint``
runs it). Each topic has its own section below so that terms are added next to the notebook that
teaches them. A definition holds definitional numbers only (10^9, 2^30); computed figures belong
in the notebooks, where course_lib computes them.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "glossary.md"


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


# --- 00 start here, 01 why GPUs, 03 FLOPS, 11 reality check ----------------------------------
_BASICS: tuple[Term, ...] = (
    # 00 start here
    Term("FLOP", "One floating-point operation (an add or a multiply); a multiply-add counts as 2 FLOP. "
         "FLOP is an amount of work.", "00_start_here"),
    Term("FLOPS", "FLOP per second: a rate. A datasheet's TFLOPS is 10^12 FLOP per second.", "00_start_here",
         ("FLOP/s", "TFLOPS")),
    Term("GB", "Gigabyte: 10^9 bytes, a decimal unit. GPU datasheets, disk vendors and this course count "
         "memory in GB.", "00_start_here", ("gigabyte",)),
    Term("GiB", "Gibibyte: 2^30 = 1,073,741,824 bytes, a binary unit, a little more than a GB. nvidia-smi "
         "and operating systems count in binary units: MiB = 2^20 bytes, KiB = 2^10 bytes.", "00_start_here",
         ("gibibyte", "MiB", "KiB")),
    Term("multiply-add", "a × b + c, the step every dot product and matrix product repeats. It counts as "
         "2 FLOP; hardware does it as one fused instruction (FMA).", "00_start_here",
         ("FMA", "fused multiply-add")),
    Term("widget", "Controls in a notebook (sliders, dropdowns, text boxes) wired to a course_lib calculator: "
         "moving one recomputes the numbers and redraws the figure below it.", "00_start_here"),
    # 01 why GPUs
    Term("latency", "How long one task takes from start to finish. A CPU core is built to make it short for "
         "one stream of instructions.", "01_why_gpus"),
    Term("throughput", "How much work finishes per second when many tasks run side by side. A GPU is built "
         "for it: many simple arithmetic lanes and many threads in flight.", "01_why_gpus"),
    Term("SIMD", "Single instruction, multiple data: one CPU instruction works on a short vector of numbers "
         "at once; the program or compiler must arrange the data as vectors.", "01_why_gpus"),
    Term("SIMT", "Single instruction, multiple threads, the NVIDIA GPU model: you write the code of one "
         "thread, and the hardware runs threads in groups (warps) that execute each instruction together.",
         "01_why_gpus"),
    Term("warp", "A group of 32 threads on an NVIDIA GPU that execute each instruction together (CUDA C++ "
         "Programming Guide, SIMT architecture). If threads of a warp take different branches, the warp "
         "runs the branches one after the other.", "01_why_gpus"),
    Term("AVX-512", "An x86 SIMD instruction set with 512-bit registers: one instruction handles 16 fp32 or "
         "8 fp64 numbers. Intel server CPUs and AMD Zen 4 and later have it.", "01_why_gpus"),
    Term("AMX", "Advanced Matrix Extensions: matrix-multiply units in Intel Xeon CPUs since Sapphire Rapids "
         "that multiply tiles of bf16 or int8 numbers, the CPU's counterpart of a Tensor Core.", "01_why_gpus",
         ("Advanced Matrix Extensions",)),
    Term("BLAS", "Basic Linear Algebra Subprograms: the standard interface for vector and matrix routines "
         "such as matrix multiplication (GEMM). Each chip has tuned libraries for it: OpenBLAS, Intel MKL or "
         "Apple Accelerate on CPUs (numpy's @ calls one), cuBLAS on NVIDIA GPUs.", "01_why_gpus",
         ("cuBLAS", "GEMM")),
    Term("CUDA core", "NVIDIA's name for one fp32 vector lane of its GPUs: one fp32 multiply-add per clock "
         "cycle. A datasheet's fp32 rate is CUDA cores × 2 FLOP × clock.", "01_why_gpus",
         ("CUDA cores", "vector lane")),
    Term("Tensor Core", "A matrix-multiply unit of NVIDIA GPUs since Volta (V100): one instruction multiplies "
         "small matrix tiles, many multiply-adds at once, in low precision (fp16, bf16, tf32, fp8 or int8, "
         "depending on the generation). AMD's equivalent is the Matrix Core.", "01_why_gpus",
         ("Tensor Cores", "Matrix Core")),
    Term("accumulate precision", "The number format in which a matrix unit adds up the products of a dot "
         "product. Tensor Cores take fp16 or bf16 inputs and accumulate in fp32 so that long sums keep their "
         "precision; GeForce cards run at half their fp16-accumulate rate when they accumulate in fp32, so "
         "their datasheets print both rates.", "01_why_gpus", ("accumulate", "fp32 accumulate")),
    Term("Amdahl's law", "The speed-up of a job on n workers when a fraction p of its one-worker time can run "
         "in parallel: 1 / ((1 − p) + p / n). The serial part caps it at 1 / (1 − p) (G. M. Amdahl, 1967).",
         "01_why_gpus"),
    Term("arithmetic intensity", "The FLOP a computation does per byte it moves to or from memory (FLOP/byte).",
         "01_why_gpus"),
    Term("roofline", "A model of the speed a chip can reach: min(peak FLOP/s, arithmetic intensity × memory "
         "bandwidth) (Williams, Waterman and Patterson, Communications of the ACM, 2009).", "01_why_gpus",
         ("roofline model",)),
    Term("ridge point", "A chip's peak FLOP/s divided by its memory bandwidth, in FLOP/byte: the arithmetic "
         "intensity above which a computation is compute-bound instead of memory-bound.", "01_why_gpus"),
    Term("memory-bound", "Limited by how fast data comes from memory, not by arithmetic: arithmetic "
         "intensity below the ridge point. Generating text one token at a time is memory-bound.",
         "01_why_gpus", ("memory bound",)),
    Term("compute-bound", "Limited by the arithmetic units: arithmetic intensity above the ridge point, as in "
         "a large matrix product.", "01_why_gpus", ("compute bound",)),
    # 03 FLOPS
    Term("dense peak", "The highest rate a datasheet gives for ordinary matrices at one precision, with no "
         "zeros required. It is the rate the course uses; the 2:4-sparse rate printed beside it is twice as "
         "high.", "03_flops", ("dense rate", "peak FLOPS")),
    Term("2:4 sparsity", "A weight pattern with at least 2 zeros in every group of 4 consecutive values, which "
         "NVIDIA Tensor Cores (since Ampere) skip to double their rate. Datasheets mark these rates with an "
         "asterisk; LLM training multiplies dense matrices, so the course never uses them.", "03_flops",
         ("2:4 structured sparsity", "structured sparsity")),
    Term("forward pass", "Running inputs through the model to its outputs and loss: about 2 FLOP per "
         "parameter per token.", "03_flops"),
    Term("backward pass", "Computing the gradient of the loss with respect to every weight and activation, "
         "layer by layer from the output back to the input: about twice the FLOP of the forward pass.",
         "03_flops"),
    Term("6ND", "The training compute of a transformer: about 6 FLOP per parameter per token (2 forward, "
         "4 backward), times N parameters and D training tokens (Kaplan et al. 2020).", "03_flops",
         ("6 N D",)),
    Term("PF-day", "One PFLOPS (10^15 FLOP per second) sustained for one day: 8.64 × 10^19 FLOP. A unit "
         "of training compute (Brown et al. 2020, GPT-3).", "03_flops", ("PF-days", "petaflop/s-day")),
    Term("MFU", "Model FLOPs utilization: the FLOP per second a run achieves by the model's own FLOP count "
         "(about 6 N per token; recomputation not counted), divided by the hardware's dense peak (Chowdhery et al. 2022, "
         "PaLM, appendix B). Real runs stay well below 1.", "03_flops", ("model FLOPs utilization",)),
    Term("GPU-hour", "One GPU used for one hour, the unit of cloud bills and published training budgets. "
         "With perfect scaling a job's GPU-hours do not depend on how many GPUs share it.", "03_flops",
         ("GPU-hours",)),
    Term("compute-optimal", "For a fixed training compute, the model size and number of tokens that give the "
         "lowest loss; Hoffmann et al. 2022 (Chinchilla) found about 20 tokens per parameter.", "03_flops",
         ("Chinchilla",)),
    # 11 reality check
    Term("HFU", "Hardware FLOPs utilization: like MFU, but counting every FLOP the hardware executes, "
         "including the forward passes run again to recompute activations, so it is higher than the MFU of "
         "the same run (Chowdhery et al. 2022, PaLM, appendix B).", "11_reality_check",
         ("hardware FLOPs utilization",)),
)

# --- 02 inside the GPU and the server -------------------------------------------------------
_INSIDE_THE_GPU: tuple[Term, ...] = ()

# --- 04 memory and precision, 05 quantization -------------------------------------------------
_COMPUTE_AND_MEMORY: tuple[Term, ...] = ()

# --- 06 serving -------------------------------------------------------------------------------
_SERVING: tuple[Term, ...] = ()

# --- 07 parallelism, 08 parallel layouts ------------------------------------------------------
_PARALLELISM: tuple[Term, ...] = ()

# --- 09 choosing hardware, 10 cost and energy -------------------------------------------------
_CHOOSING: tuple[Term, ...] = ()

TERMS: tuple[Term, ...] = _BASICS + _INSIDE_THE_GPU + _COMPUTE_AND_MEMORY + _SERVING + _PARALLELISM + _CHOOSING


def _notebook_titles() -> dict[str, str]:
    """Notebook file stem -> "NN · Title", from the course map (imported here: it is a widget module)."""
    from course_lib.widgets.start_here import COURSE

    return {nb.name: f"{nb.number} · {nb.title}" for nb in COURSE}


def render(terms: tuple[Term, ...] = TERMS) -> str:
    """The Markdown text of docs/glossary.md: every term, alphabetically, with its anchor and notebook."""
    titles = _notebook_titles()
    lines = [
        "# Glossary",
        "",
        "Every technical term of the course, defined once, with the notebook that teaches it.",
        "Generated from `course_lib/glossary.py` by `python -m course_lib.glossary`: edit that file, not this page.",
        "Conventions used in every definition: GB = 10^9 bytes, GiB = 2^30 bytes; TFLOPS are dense; a",
        "multiply-add is 2 FLOP.",
    ]
    for term in sorted(terms, key=lambda t: t.name.casefold()):
        title = titles.get(term.notebook, term.notebook)
        also = f"Also written: {', '.join(term.aliases)}. " if term.aliases else ""
        lines += ["", f'### <a id="{term.anchor}"></a>{term.name}', "", term.definition, "",
                  f"{also}Taught in [{title}](../notebooks/{term.notebook}.ipynb)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write docs/glossary.md (or, with ``--check``, exit 1 if the committed page differs)."""
    parser = argparse.ArgumentParser(description="Generate docs/glossary.md from course_lib.glossary.TERMS.")
    parser.add_argument("--check", action="store_true", help="fail if the committed page is stale")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where the page lives")
    args = parser.parse_args(argv)
    text = render()
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if args.check:
        if current != text:
            print(f"stale: {args.output} (run `python -m course_lib.glossary`)", file=sys.stderr)
            return 1
        print(f"glossary up to date ({len(TERMS)} terms)")
        return 0
    if current != text:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output} ({len(TERMS)} terms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
