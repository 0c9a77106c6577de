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
_COMPUTE_AND_MEMORY: tuple[Term, ...] = ()

# --- 06 serving -------------------------------------------------------------------------------
_SERVING: tuple[Term, ...] = ()

# --- 07 parallelism, 08 parallel layouts ------------------------------------------------------
_PARALLELISM: tuple[Term, ...] = ()

# --- 09 choosing hardware, 10 cost and energy, 11 reality check -------------------------------
_CHOOSING: tuple[Term, ...] = ()

TERMS: tuple[Term, ...] = _BASICS + _INSIDE_THE_GPU + _COMPUTE_AND_MEMORY + _SERVING + _PARALLELISM + _CHOOSING
