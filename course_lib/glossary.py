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
_COMPUTE_AND_MEMORY: tuple[Term, ...] = ()

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
