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
_INSIDE_THE_GPU: tuple[Term, ...] = (
    Term("SM", "Streaming multiprocessor: one of the identical processor blocks of an NVIDIA GPU (132 on an H100 SXM). "
         "Each has its own arithmetic lanes, Tensor Cores, registers and shared memory; AMD calls it a compute "
         "unit (CU).", "02_inside_the_gpu", ("streaming multiprocessor", "compute unit", "CU")),
    Term("kernel", "A function that runs on the GPU: the CPU launches it, and thousands of GPU threads each run it "
         "on their own part of the data (one matrix product, one softmax, ...). Not the Jupyter kernel, the Python "
         "process behind a notebook.", "02_inside_the_gpu", ("GPU kernel", "CUDA kernel")),
    Term("register file", "The fastest memory, inside each SM: every thread's private variables (256 KiB per SM on "
         "recent NVIDIA GPUs). Matrix tiles being accumulated live here.", "02_inside_the_gpu", ("registers",)),
    Term("shared memory", "Fast on-chip memory of one SM that its threads share (up to 228 KiB per SM on an H100); "
         "kernels copy tiles of data into it to reuse them. It shares storage with the L1 cache.",
         "02_inside_the_gpu", ("L1", "LDS")),
    Term("L2 cache", "On-chip memory shared by all SMs (50 MB on an H100), between the SMs and HBM; it keeps recently "
         "used data so repeated reads need not go back to HBM.", "02_inside_the_gpu", ("L2",)),
    Term("HBM", "High-bandwidth memory: stacks of DRAM chips placed next to the GPU die, the GPU's main memory (80 GB "
         "at 3.35 TB/s on an H100 SXM). GeForce cards use GDDR instead.", "02_inside_the_gpu",
         ("high-bandwidth memory", "VRAM")),
    Term("tiling", "Splitting a computation into blocks (tiles) that fit in on-chip memory, so each value loaded from "
         "HBM is used many times before it is dropped.", "02_inside_the_gpu", ("tile",)),
    Term("FlashAttention", "An exact attention kernel that works on tiles of queries, keys and values and keeps a "
         "running softmax (online softmax), so the N x N score matrix is never written to HBM (Dao et al. 2022).",
         "02_inside_the_gpu", ("online softmax",)),
    Term("PCIe", "The standard expansion bus between a CPU and its cards: 16 lanes of PCIe Gen5 carry 63 GB/s each "
         "way. GPUs, network cards and NVMe drives hang off it.", "02_inside_the_gpu"),
    Term("NVLink", "NVIDIA's GPU-to-GPU link: 900 GB/s per H100 (both directions together), about 7 times PCIe "
         "Gen5 x16.", "02_inside_the_gpu"),
    Term("NVSwitch", "A switch chip that connects the NVLinks of many GPUs so that each can talk to every other at full "
         "NVLink speed: 4 in a DGX H100 (8 GPUs); a GB200 NVL72 rack has 9 switch trays for its 72 GPUs.", "02_inside_the_gpu"),
    Term("NVLink domain", "The set of GPUs that reach each other over NVLink: the 8 GPUs of an HGX/DGX server, or the "
         "72 of a GB200 NVL72 rack. Beyond it, traffic goes through network cards.", "02_inside_the_gpu", ('NVSwitch domain',)),
    Term("NIC", "Network interface card: connects a server to the network. A DGX H100 has one 400 Gb/s NIC per GPU "
         "(50 GB/s each way).", "02_inside_the_gpu", ("network card", "ConnectX")),
    Term("InfiniBand", "A low-latency network used between GPU servers, with RDMA (one machine writes directly into "
         "another's memory). RoCE carries RDMA over Ethernet instead.", "02_inside_the_gpu", ("RoCE", "RDMA")),
    Term("NVMe", "The protocol of SSDs attached over PCIe; a DGX H100 has eight 3.84 TB NVMe drives for data and "
         "checkpoints.", "02_inside_the_gpu", ("SSD",)),
    Term("checkpoint", "A saved copy of the training state (weights and optimizer states) from which a job restarts "
         "after a failure.", "02_inside_the_gpu"),
    Term("MTBF", "Mean time between failures: the average time between interruptions, shorter the more GPUs a job "
         "uses.", "02_inside_the_gpu", ("mean time between failures",)),
    Term("TDP", "Thermal design power: the power a board is designed to draw and shed as heat at full load (700 W for "
         "an H100 SXM).", "02_inside_the_gpu", ('board power', 'thermal design power')),
    Term("PUE", "Power usage effectiveness: a data centre's total power divided by the power of its IT equipment; 1.5 "
         "means cooling and power conversion add half again.", "02_inside_the_gpu",
         ("power usage effectiveness",)),
    Term("CUDA", "NVIDIA's programming platform: the driver, runtime and compiler that run kernels on its GPUs. AMD's "
         "counterpart is ROCm, Huawei's CANN.", "02_inside_the_gpu", ("ROCm", "CANN")),
    Term("NCCL", "NVIDIA's library of collective operations (all-reduce, all-gather, ...) over NVLink and the network; "
         "AMD's is RCCL, Huawei's HCCL.", "02_inside_the_gpu", ("RCCL", "HCCL")),
)

# --- 04 memory and precision, 05 quantization ------------------------------------------
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
         "04_memory_and_precision", ('gradient checkpointing', 'recomputation', 'activation recomputation')),
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
_SERVING: tuple[Term, ...] = (
    Term("prefill", "The first phase of answering a request: the model reads the whole prompt in one pass, all "
         "tokens at once, and produces the first output token. Many tokens share each weight read, so it is "
         "usually compute-bound.", "06_serving"),
    Term("decode", "The second phase: the model produces the answer one token at a time, each step reading every "
         "weight and the KV cache again for one new token per sequence. At small batch it is memory-bound.",
         "06_serving", ("decoding", "generation")),
    Term("TTFT", "Time to first token: from a request's arrival to its first output token (waiting plus prefill).",
         "06_serving", ("time to first token",)),
    Term("TPOT", "Time per output token: the time between two output tokens of one request during decode; "
         "1 / TPOT is the speed one user sees.", "06_serving", ("time per output token", "inter-token latency")),
    Term("MQA", "Multi-query attention: all query heads share a single key/value head, the smallest KV cache of "
         "the GQA family.", "06_serving", ("multi-query attention",)),
    Term("MLA", "Multi-head latent attention (DeepSeek-V2/V3): each token caches one compressed latent vector "
         "shared by all heads (plus a small rotary key) instead of a key and value per head.", "06_serving",
         ("multi-head latent attention",)),
    Term("sliding window attention", "Each token attends only to the last w tokens (Mistral 7B: 4096), so the KV "
         "cache stops growing at w tokens per sequence.", "06_serving", ("sliding window",)),
    Term("static batching", "A batch is formed, run until its longest request finishes, and only then replaced; "
         "new arrivals wait and finished sequences idle as padding.", "06_serving"),
    Term("continuous batching", "Iteration-level scheduling (Orca, 2022): before every decode step finished "
         "sequences leave and waiting ones join, so the batch stays full.", "06_serving",
         ("in-flight batching", "iteration-level scheduling")),
    Term("PagedAttention", "vLLM's KV-cache manager (2023): the cache is stored in fixed-size blocks allocated as "
         "a sequence grows, like pages of virtual memory, instead of one contiguous region reserved for the "
         "longest possible sequence.", "06_serving", ("paged KV cache",)),
    Term("speculative decoding", "A small draft model proposes several tokens and the large model checks them "
         "all in one pass, keeping the accepted prefix; the output is the same as the large model's alone.",
         "06_serving"),
    Term("acceptance rate", "In speculative decoding, the probability that the large model accepts a drafted "
         "token (alpha).", "06_serving"),
    Term("Poisson arrivals", "Requests that arrive independently at a constant average rate: the gaps between "
         "them are exponentially distributed.", "06_serving"),
)

# --- 07 parallelism, 08 parallel layouts ------------------------------------------------------
_PARALLELISM: tuple[Term, ...] = (
    Term("all-reduce", "A collective operation in which every GPU ends with the sum of all GPUs' buffers. The ring "
         "version makes each GPU send about twice its buffer, however many GPUs take part.", "07_parallelism"),
    Term("data parallelism", "Every GPU holds the whole model and trains on different data; the gradients are summed "
         "with an all-reduce before each optimizer step.", "07_parallelism", ("DP",)),
    Term("tensor parallelism", "Every weight matrix is split over several GPUs, which compute their slices together "
         "and combine them with all-reduces inside every layer; used within one server's NVLink domain.",
         "07_parallelism", ("TP",)),
    Term("pipeline parallelism", "The layers are split into stages, one per GPU (or group of GPUs); activations "
         "flow from stage to stage, micro-batch by micro-batch.", "07_parallelism", ("PP",)),
    Term("pipeline bubble", "The time pipeline stages sit idle while the pipeline fills and drains: (p-1)/(m+p-1) "
         "of a step for p stages and m micro-batches with GPipe or 1F1B.", "07_parallelism", ("bubble",)),
    Term("gradient accumulation", "Adding the gradients of several micro-batches before one optimizer step (and "
         "one all-reduce), to reach a large batch with the memory of a small one.", "07_parallelism"),
    Term("ZeRO", "Zero Redundancy Optimizer: data-parallel GPUs split (shard) the optimizer states (stage 1), "
         "also the gradients (stage 2) and also the weights (stage 3) instead of each keeping a full copy.",
         "07_parallelism", ("zero redundancy optimizer",)),
    Term("FSDP", "PyTorch's Fully Sharded Data Parallel: ZeRO stage 3 as PyTorch users meet it (FULL_SHARD; "
         "SHARD_GRAD_OP is stage 2).", "07_parallelism", ("fully sharded data parallel",)),
    Term("bus bandwidth", "nccl-tests' measure of a collective: the per-GPU rate a single ring would need to take "
         "the measured time, 2(n-1)/n x bytes / time for an all-reduce.", "08_parallel_layouts", ("busbw",)),
    Term("3D parallelism", "Tensor, pipeline and data parallelism combined: TP inside a server, PP and DP across "
         "servers. With context and expert parallelism it is called 4D or 5D.", "08_parallel_layouts"),
    Term("sequence parallelism", "Splitting the activations along the sequence outside the matrix multiplications "
         "(norms, dropout) over the tensor-parallel GPUs, with the same communication as TP.",
         "08_parallel_layouts", ("SP",)),
    Term("context parallelism", "Splitting every long sequence over several GPUs; attention gathers the keys and "
         "values of the others.", "08_parallel_layouts", ("CP",)),
    Term("expert parallelism", "Placing a mixture-of-experts model's experts on different GPUs; each MoE layer sends "
         "every token to its experts and back with all-to-alls.", "08_parallel_layouts", ("EP",)),
    Term("all-to-all", "A collective in which every GPU sends a different piece of its buffer to every other GPU.",
         "08_parallel_layouts"),
    Term("interleaved schedule", "A pipeline schedule in which each GPU holds several smaller chunks of layers, "
         "dividing the bubble by the number of chunks at the cost of more communication.", "08_parallel_layouts"),
    Term("zero-bubble schedule", "Pipeline schedules that split the backward pass into its input-gradient and "
         "weight-gradient halves and use the weight halves to fill the bubble (Qi et al. 2023).",
         "08_parallel_layouts"),
)

# --- 09 choosing hardware, 10 cost and energy, 11 reality check -------------------------------
_CHOOSING: tuple[Term, ...] = (
    Term("reference system", "The server, rack, cloud instance, workstation or module a GPU is planned in: the "
         "first system the course's data lists for it (a DGX H100 for the H100 SXM). It fixes how many GPUs a node "
         "holds and which links join them.", "09_choosing_hardware"),
    Term("on-demand price", "A cloud list price per GPU-hour with no commitment: start and stop when you like. "
         "It differs by provider, region and instance size and changes every few months.", "10_cost_and_energy",
         ("on-demand",)),
    Term("capacity block", "Cloud GPUs reserved ahead for a fixed period (on AWS, 1 to 14 days) at a price set "
         "when you book; not the same offer as on demand.", "10_cost_and_energy"),
    Term("price snapshot", "The course's dated list of observed prices, each with the page it was read on; a "
         "record of what was charged then, not a live price.", "10_cost_and_energy"),
    Term("MSRP", "Manufacturer's suggested retail price: the launch price a vendor announces (NVIDIA publishes "
         "them for GeForce cards).", "10_cost_and_energy", ("launch price",)),
    Term("break-even", "The hours of use after which buying costs less than renting: purchase price / (rent per "
         "hour - electricity per hour).", "10_cost_and_energy"),
    Term("export-control variant", "A GPU cut down to meet export rules, such as the A800 and H800 sold in China: "
         "the same chip with slower NVLink (and, on the H800, little FP64).", "10_cost_and_energy",
         ("A800", "H800")),
)

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
