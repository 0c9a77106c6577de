"""course_lib: every formula, catalog entry and widget of the course "GPU hardware for LLMs".

Modules: ``units`` (SI/IEC formatting), ``hardware`` (GPU catalog), ``formats`` (number formats,
bit level), ``models`` (transformer configs, parameter counts), ``memory`` (weights, training,
KV cache), ``compute`` (FLOPs, time, cost, roofline), ``quantization``, ``parallel`` (all-reduce,
pipeline, tensor parallel, ZeRO), ``measure`` (this machine), ``checks`` (exercise answers),
``widgets`` (interactive views). Units are SI: bytes, FLOP, seconds, unless a name says otherwise.
"""

__version__ = "0.1.0"
