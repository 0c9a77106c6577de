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
    Term("KV cache", "The keys and values of every past token, kept in GPU memory so that each new token attends "
         "to them without recomputing them: 2 x layers x KV heads x head size x bytes per token.", "06_serving"),
    Term("GQA", "Grouped-query attention: several query heads share one key/value head, which shrinks the KV "
         "cache by n_heads / n_kv_heads (Llama-2 70B: 64 query heads, 8 KV heads).", "06_serving",
         ("grouped-query attention",)),
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
_PARALLELISM: tuple[Term, ...] = ()

# --- 09 choosing hardware, 10 cost and energy, 11 reality check -------------------------------
_CHOOSING: tuple[Term, ...] = ()

TERMS: tuple[Term, ...] = _BASICS + _INSIDE_THE_GPU + _COMPUTE_AND_MEMORY + _SERVING + _PARALLELISM + _CHOOSING
