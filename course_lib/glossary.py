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
_PARALLELISM: tuple[Term, ...] = ()

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
