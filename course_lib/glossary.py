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
_CHOOSING: tuple[Term, ...] = ()

TERMS: tuple[Term, ...] = _BASICS + _INSIDE_THE_GPU + _COMPUTE_AND_MEMORY + _SERVING + _PARALLELISM + _CHOOSING
