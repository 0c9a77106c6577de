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
_INSIDE_THE_GPU: tuple[Term, ...] = (
    Term("SM", "Streaming multiprocessor: one of the identical processor blocks of an NVIDIA GPU (132 on an H100 SXM). "
         "Each has its own arithmetic lanes, Tensor Cores, registers and shared memory; AMD calls it a compute "
         "unit (CU).", "02_inside_the_gpu", ("streaming multiprocessor", "compute unit", "CU")),
    Term("warp", "A group of 32 threads that an NVIDIA SM issues together, one instruction for all 32 (AMD: a "
         "wavefront of 64). While one warp waits for memory, the SM runs another.", "02_inside_the_gpu"),
    Term("SIMT", "Single instruction, multiple threads: you write code for one thread and the GPU runs it for the 32 "
         "threads of a warp at once.", "02_inside_the_gpu"),
    Term("Tensor Core", "A unit in each SM that multiplies small matrix tiles in one instruction, many multiply-adds "
         "per clock (AMD: Matrix Core). The big TFLOPS on a datasheet are Tensor Core rates.", "02_inside_the_gpu",
         ("Tensor Cores", "Matrix Core")),
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
         "72 of a GB200 NVL72 rack. Beyond it, traffic goes through network cards.", "02_inside_the_gpu"),
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
         "an H100 SXM).", "02_inside_the_gpu", ("board power",)),
    Term("PUE", "Power usage effectiveness: a data centre's total power divided by the power of its IT equipment; 1.5 "
         "means cooling and power conversion add half again.", "02_inside_the_gpu",
         ("power usage effectiveness",)),
    Term("CUDA", "NVIDIA's programming platform: the driver, runtime and compiler that run kernels on its GPUs. AMD's "
         "counterpart is ROCm, Huawei's CANN.", "02_inside_the_gpu", ("ROCm", "CANN")),
    Term("NCCL", "NVIDIA's library of collective operations (all-reduce, all-gather, ...) over NVLink and the network; "
         "AMD's is RCCL, Huawei's HCCL.", "02_inside_the_gpu", ("RCCL", "HCCL")),
)

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
    Term("micro-batch", "A slice of the batch that goes through the model in one forward and backward pass; a "
         "step processes several and adds up their gradients.", "07_parallelism"),
    Term("gradient accumulation", "Adding the gradients of several micro-batches before one optimizer step (and "
         "one all-reduce), to reach a large batch with the memory of a small one.", "07_parallelism"),
    Term("ZeRO", "Zero Redundancy Optimizer: data-parallel GPUs split (shard) the optimizer states (stage 1), "
         "also the gradients (stage 2) and also the weights (stage 3) instead of each keeping a full copy.",
         "07_parallelism", ("zero redundancy optimizer",)),
    Term("FSDP", "PyTorch's Fully Sharded Data Parallel: ZeRO stage 3 as PyTorch users meet it (FULL_SHARD; "
         "SHARD_GRAD_OP is stage 2).", "07_parallelism", ("fully sharded data parallel",)),
    Term("NVLink", "NVIDIA's GPU-to-GPU link. Through NVSwitch chips it joins the GPUs of one server (8 on HGX/DGX "
         "boards, 72 in a GB200 NVL72 rack); between servers traffic goes over the network.", "07_parallelism"),
    Term("NVSwitch domain", "The GPUs one set of NVSwitch chips connects at full NVLink bandwidth: one 8-GPU server, "
         "or one NVL72 rack. A group larger than it crosses InfiniBand or Ethernet.", "08_parallel_layouts",
         ("NVLink domain",)),
    Term("InfiniBand", "The network most GPU clusters use between servers; one 400 Gb/s NDR port (50 GB/s each way) "
         "per GPU on a DGX H100. RoCE carries the same traffic over Ethernet.", "08_parallel_layouts", ("RoCE",)),
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
    Term("activation recomputation", "Keeping only some activations in the forward pass and recomputing the rest "
         "during the backward pass: less memory for more compute. Also called (gradient) checkpointing.",
         "08_parallel_layouts", ("recomputation", "gradient checkpointing", "activation checkpointing")),
)

# --- 09 choosing hardware, 10 cost and energy, 11 reality check -------------------------------
_CHOOSING: tuple[Term, ...] = (
    Term("TDP", "Thermal design power: the power a GPU board is rated to draw under sustained load, in watts "
         "(700 W for an H100 SXM). The course takes it as the board's draw when it estimates energy.",
         "09_choosing_hardware", ("thermal design power", "board power")),
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
    Term("PUE", "Power usage effectiveness: a data centre's total energy divided by the energy of its IT "
         "equipment. 1.0 would mean no cooling or conversion losses; Google reported 1.08 for PaLM's.",
         "10_cost_and_energy", ("power usage effectiveness",)),
    Term("export-control variant", "A GPU cut down to meet export rules, such as the A800 and H800 sold in China: "
         "the same chip with slower NVLink (and, on the H800, little FP64).", "10_cost_and_energy",
         ("A800", "H800")),
)

TERMS: tuple[Term, ...] = _BASICS + _INSIDE_THE_GPU + _COMPUTE_AND_MEMORY + _SERVING + _PARALLELISM + _CHOOSING
