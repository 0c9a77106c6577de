"""Exercises of notebook 04 (memory and precision): weights, training state, KV cache, fp16 range,
bf16 precision, and an estimate.

Expected values are computed with course_lib; the questions are in
``solutions/04_memory_and_precision_solutions.ipynb`` (and, without answers,
``exercises/04_memory_and_precision_exercises.ipynb``).
"""

from __future__ import annotations

from course_lib import formats, hardware, memory, units
from course_lib.checks._base import Exercise, Trap

ex1 = Exercise(
    "10B fp32 weights in GB",
    expected=lambda: memory.weights_bytes(10e9, "fp32") / units.GB,
    unit="GB",
    hints=[
        "fp32 is 32 bits = 4 bytes per number.",
        "10e9 parameters x 4 bytes = ? bytes; 1 GB = 1e9 bytes. Or `memory.weights_bytes(10e9, 'fp32') / units.GB`.",
    ],
    explanation="10e9 x 4 B = 4e10 B = 40 GB (37.3 GiB).",
    traps=[
        Trap(lambda e: 10 * e, "400 GB is a famous slip: 10e9 x 4 B = 4e10 B, which is 40 GB, not 400 GB. Count the "
                               "zeros: 1e9 bytes per GB cancels the 1e9 of 'billion'."),
        Trap(lambda e: e / 2, "20 GB is 2 bytes per parameter (fp16/bf16); fp32 takes 4 bytes."),
        Trap(lambda e: 8 * e, "320 is in gigabits: 32 bits per parameter, but the question asks for bytes (8 bits)."),
    ],
)

ex2 = Exercise(
    "Full fine-tuning of a 7B model with mixed-precision Adam (GB, no activations)",
    expected=lambda: memory.training_memory(7e9, optimizer="adam", mixed_precision=True)["total"] / units.GB,
    unit="GB",
    hints=[
        "Training keeps more than the weights: gradients, and Adam's states.",
        "Mixed precision (ZeRO paper, Sec. 3.1): 16-bit weights (2 B) and gradients (2 B); Adam keeps an fp32 master "
        "copy, fp32 momentum and fp32 variance (4 + 4 + 4 B).",
        "2 + 2 + 12 = 16 bytes per parameter: `memory.training_memory(7e9)['total'] / units.GB`.",
    ],
    explanation="7e9 x (2 + 2 + 4 + 4 + 4) B = 7e9 x 16 B = 112 GB, before activations: more than one 80 GB GPU.",
    traps=[
        Trap(lambda e: e * 4 / 16, "28 GB is the fp32 weights alone (4 B/param). Training also stores gradients and "
                                   "Adam's master weights, momentum and variance: 16 B/param."),
        Trap(lambda e: e * 2 / 16, "14 GB is the 16-bit weights alone: enough to run the model, not to train it."),
        Trap(lambda e: e * 8 / 16, "56 GB counts weights and gradients (8 B/param) but forgets Adam's states."),
        Trap(lambda e: e * 12 / 16, "84 GB is the optimizer part alone (fp32 master + momentum + variance = 12 B); "
                                    "add the 16-bit weights and gradients (4 B)."),
        Trap(lambda e: e * 10 / 16, "70 GB = 10 B/param: you counted the fp32 values as 2 bytes. fp32 is 4 bytes "
                                    "(the 16-bit copies are 2)."),
    ],
)

ex3 = Exercise(
    "KV cache of Llama-2 70B: 8 sequences of 4096 tokens, fp16 (GB)",
    expected=lambda: memory.kv_cache_bytes("Llama-2 70B", 4096, 8, "fp16") / units.GB,
    unit="GB",
    hints=[
        "Per token and layer the cache keeps one key and one value vector per KV head.",
        "Llama-2 70B (config.json): 80 layers, 64 query heads but only 8 KV heads (grouped-query attention), "
        "head size 8192 / 64 = 128.",
        "2 x 80 layers x 8 x 128 x 2 bytes per token, times 4096 tokens x 8 sequences: "
        "`memory.kv_cache_bytes('Llama-2 70B', 4096, 8) / units.GB`.",
    ],
    explanation="2 x 80 x 1024 x 2 B = 327,680 B per token; x 4096 x 8 = 10.7 GB. Without GQA (64 KV heads) it "
                "would be 8x more, 85.9 GB: more than a whole 80 GB GPU.",
    traps=[
        Trap(lambda e: 8 * e, "85.9 GB is multi-head attention with 64 KV heads. Llama-2 70B uses grouped-query "
                              "attention: only 8 KV heads, shared by 8 query heads each."),
        Trap(lambda e: e / 2, "half the answer: the cache stores both K and V (the factor 2)."),
        Trap(lambda e: 2 * e, "twice the answer: fp16 is 2 bytes per value, not 4."),
        Trap(lambda e: e / 8, "that is one sequence; the batch has 8."),
    ],
)

ex4 = Exercise(
    "Largest finite fp16 number",
    expected=lambda: formats.format_info("fp16").max,
    rel_tol=1e-9,  # exact: 65536 is only 0.05% away but wrong
    hints=[
        "fp16 has 5 exponent bits (bias 15) and 10 mantissa bits. The all-ones exponent is reserved for inf and NaN.",
        "The largest normal number has exponent field 11110 (= 30, so 2**(30 - 15)) and mantissa all ones "
        "(1 + 1023/1024).",
        "(2 - 2**-10) x 2**15, or `formats.format_info('fp16').max`.",
    ],
    explanation="(2 - 2**-10) x 2**15 = 65504. So 70000 overflows to inf in fp16 (`formats.decompose(70000, 'fp16')`)"
                " while bf16, with fp32's 8 exponent bits, reaches 3.4e38.",
    traps=[
        Trap(lambda e: 2.0**16, "65536 = 2**16 is not representable: the mantissa tops out at 1.1111111111b "
                                "(2 - 2**-10), and the all-ones exponent means inf/NaN."),
        Trap(lambda e: 2.0**16 - 1, "65535 is the largest uint16 integer; fp16 spends 5 bits on the exponent."),
        Trap(lambda e: formats.format_info("bf16").max, "3.4e38 is bf16's (and fp32's) range: 8 exponent bits. "
                                                        "fp16 has only 5."),
        Trap(lambda e: formats.format_info("fp8_e5m2").max, "57344 is fp8 E5M2: same exponent as fp16, 2 mantissa "
                                                            "bits."),
    ],
)

ex5 = Exercise(
    "70000 stored in bf16",
    expected=lambda: formats.decompose(70000, "bf16").stored,
    rel_tol=1e-9,  # exact: 70000 itself is only 0.2% away but not representable
    hints=[
        "bf16 keeps fp32's range (no overflow here) but only 8 significant bits (7 stored + the implicit 1).",
        "70000 lies between 2**16 = 65536 and 2**17; in that binade neighbouring bf16 numbers are 2**(16 - 7) = 512 "
        "apart.",
        "Round 70000 to the nearest multiple of 512: `formats.decompose(70000, 'bf16').stored`.",
    ],
    explanation="70000 / 512 = 136.7, which rounds to 137; 137 x 512 = 70144 (0.2% error). Range is not precision.",
    traps=[
        Trap(lambda e: 70000.0, "70000 is not representable in bf16: with 8 significant bits the numbers near 70000 "
                                "are 512 apart."),
        Trap(lambda e: e - 512, "69632 = 136 x 512 rounds down; round to nearest: 70000 / 512 = 136.7 -> 137."),
        Trap(lambda e: formats.format_info("fp16").max, "65504 is fp16's largest value; bf16's range goes to 3.4e38."),
    ],
)

ex6 = Exercise(
    "Estimate: largest model (billions of parameters) to serve in int4 on a 24 GB RTX 4090",
    expected=lambda: hardware.get_gpu("RTX 4090").memory_bytes / memory.bytes_per_param("int4") / 1e9,
    unit="billion parameters",
    within_factor=1.6,
    hints=[
        "int4 is 4 bits = half a byte per weight.",
        "Weights only: 24e9 bytes / 0.5 bytes per parameter. Then leave room for the KV cache and the CUDA context.",
        "`hardware.get_gpu('RTX 4090').memory_bytes / memory.bytes_per_param('int4') / 1e9` is the upper bound.",
    ],
    explanation="24e9 B / 0.5 B = 48 billion parameters for the weights alone; with a KV cache and a few GB of "
                "runtime overhead, about 40B is realistic (Mixtral 8x7B, 46.7B in int4 with a 4096-token cache, "
                "leaves 0.1 GB free). Any estimate from 30 to 77 counts.",
    traps=[
        Trap(lambda e: e / 8, "6 billion is 4 bytes per parameter: int4 is 4 bits, half a byte."),
        Trap(lambda e: e / 4, "12 billion is 2 bytes per parameter (fp16/bf16); int4 is half a byte."),
        Trap(lambda e: e / 2, "24 billion is 1 byte per parameter (int8); int4 is half a byte."),
        Trap(lambda e: e * 2, "96 billion assumes a quarter byte per parameter; 4 bits is half a byte."),
    ],
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6]
