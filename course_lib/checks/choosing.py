"""Exercises of notebook 09 (choosing hardware): GPUs to serve a 70B model, energy and cost of a run,
rent vs buy, which GPU decodes faster, and an estimate of Llama-2 70B's pre-training energy.

Expected values are computed with course_lib; the questions are in
``solutions/09_choosing_hardware_solutions.ipynb`` (and, without answers,
``exercises/09_choosing_hardware_exercises.ipynb``). Prices are the questions' assumptions.
"""

from __future__ import annotations

from course_lib import compute, hardware, models, planner, units
from course_lib.checks._base import Exercise, Trap

# Exercise 1: serve Llama-2 70B in fp16 on H100s, 32 sequences of 4,096 tokens, 10% overhead.
SERVE_MODEL, SERVE_GPU, SERVE_BATCH, SERVE_SEQ_LEN, OVERHEAD = "Llama-2 70B", "H100 SXM", 32, 4096, 0.1
# Exercise 2: 2 nodes of 8 H100 SXM for 36 hours at TDP, PUE 1.2.
ENERGY_GPUS, ENERGY_HOURS, ENERGY_PUE = 16, 36, 1.2
# Exercise 3: Llama-2 7B on 1e12 tokens, 8 nodes of 8 H100 SXM, 40% MFU, $2.50 per GPU-hour.
COST_TOKENS, COST_NODES, GPUS_PER_NODE, COST_MFU, COST_USD_PER_GPU_HOUR = 1e12, 8, 8, 0.4, 2.5
# Exercise 4: an RTX 4090 at its launch MSRP vs renting at $0.40/h; electricity $0.25/kWh; 12 hours a day.
RENT_USD_PER_HOUR, USD_PER_KWH, HOURS_PER_DAY = 0.40, 0.25, 12
# Exercise 5: batch-1 decode of Llama-2 13B in fp16.
DECODE_MODEL, DECODE_CHOICES = "Llama-2 13B", ("L40S", "A100 PCIe 80GB")
# Exercise 6: Llama-2 70B pre-trained on 2T tokens on A100 80GB.
ESTIMATE_MODEL, ESTIMATE_TOKENS, ESTIMATE_GPU, ESTIMATE_MFU = "Llama-2 70B", 2e12, "A100 SXM 80GB", 0.4


def _serving_gpus() -> int:
    job = planner.Job("serve", SERVE_MODEL, "fp16", seq_len=SERVE_SEQ_LEN, batch=SERVE_BATCH, overhead_fraction=OVERHEAD)
    return planner.min_gpus(job, SERVE_GPU)


def _run_usd() -> float:
    flops = compute.training_flops(models.get_model("Llama-2 7B").param_count(), COST_TOKENS)
    return compute.training_cost(flops, "H100 SXM", COST_NODES * GPUS_PER_NODE, COST_MFU, COST_USD_PER_GPU_HOUR)["usd"]


def _break_even(usd_per_kwh: float = USD_PER_KWH, hours_per_day: float = HOURS_PER_DAY) -> dict:
    card = hardware.get_gpu("RTX 4090")  # launch MSRP $1,599, 450 W
    return planner.break_even(card.price_usd, card.tdp_w, RENT_USD_PER_HOUR, usd_per_kwh, hours_per_day=hours_per_day)


def _faster_decoder() -> str:
    return max(DECODE_CHOICES, key=lambda gpu: compute.decode_tokens_per_second(DECODE_MODEL, gpu, dtype="fp16"))


def _pretraining_mwh() -> float:
    flops = compute.training_flops(models.get_model(ESTIMATE_MODEL).param_count(), ESTIMATE_TOKENS)
    return compute.training_cost(flops, ESTIMATE_GPU, 1, ESTIMATE_MFU, 0.0)["kwh"] / 1e3


_WEIGHTS_ONLY = "that counts only the weights (70B x 2 bytes = 140 GB, two H100s). The KV cache of 32 sequences x " \
                "4,096 tokens adds 43 GB, and the 10% overhead comes on top."

ex1 = Exercise(
    "H100s to serve Llama-2 70B in fp16 (32 sequences of 4,096 tokens)",
    expected=_serving_gpus,
    unit="GPUs",
    hints=[
        "Weights: `models.get_model('Llama-2 70B').param_count()` x 2 bytes. KV cache: "
        "`memory.kv_cache_bytes('Llama-2 70B', 4096, 32)` (grouped-query attention keeps it small).",
        "Add the two, add 10%, divide by 80e9 bytes per H100 (GB = 1e9 bytes), round up...",
        "... then round up again to the next divisor of the 64 attention heads (1, 2, 4, 8, ...).",
    ],
    explanation="137.95 GB of weights + 42.95 GB of KV cache (2 x 80 layers x 1,024 x 2 bytes = 327,680 bytes per "
                "token, x 131,072 tokens) = 180.9 GB, x 1.1 = 199.0 GB = 2.49 H100s -> 3 GPUs hold the bytes, but 3 "
                "does not divide the 64 heads: 4 GPUs (vLLM would refuse 3).",
    traps=[
        Trap(lambda e: 2, _WEIGHTS_ONLY),
        Trap(lambda e: 140 / 80, _WEIGHTS_ONLY + " And round up: you cannot use 1.75 GPUs."),
        Trap(lambda e: 3, "3 GPUs hold the 199 GB, but tensor parallelism splits the 64 attention heads evenly: "
                          "the number of GPUs must divide 64."),
        Trap(lambda e: 199.0 / 80, "2.49 is the ratio before rounding; count whole GPUs, and the count must divide "
                                   "the 64 attention heads."),
    ],
)

ex2 = Exercise(
    "Energy of 16 H100s for 36 hours at PUE 1.2",
    expected=lambda: compute.energy_kwh(hardware.get_gpu("H100 SXM").tdp_w, ENERGY_HOURS * units.SECONDS_PER_HOUR,
                                        ENERGY_GPUS, ENERGY_PUE),
    unit="kWh",
    hints=[
        "Energy = power x time. Each H100 SXM board draws its TDP: `hardware.get_gpu('H100 SXM').tdp_w` watts.",
        "16 GPUs x 700 W = 11.2 kW of boards; the PUE multiplies it by 1.2 for cooling and power conversion.",
        "kWh = kilowatts x hours: `compute.energy_kwh(700, 36 * 3600, 16, 1.2)`.",
    ],
    explanation="16 x 0.7 kW x 36 h x 1.2 = 483.84 kWh.",
    traps=[
        Trap(lambda e: e * 1e3, "that is in watt-hours: 700 W is 0.7 kW, so divide by 1,000 for kWh."),
        Trap(lambda e: e / ENERGY_PUE, "that is the boards' energy alone; the PUE (1.2) adds the facility's "
                                       "cooling and power conversion."),
        Trap(lambda e: e / 2, "that is one node; the run uses 2 nodes of 8 GPUs = 16 GPUs."),
        Trap(lambda e: e / 8, "that counts nodes as if they were GPUs: 2 nodes hold 16 GPUs."),
        Trap(lambda e: e * units.SECONDS_PER_HOUR, "that is kilowatt-seconds (kJ); multiply kW by hours, not seconds."),
    ],
)

ex3 = Exercise(
    "Cost of pre-training Llama-2 7B on 1T tokens at $2.50 per GPU-hour",
    expected=_run_usd,
    unit="$",
    hints=[
        "FLOP: 6 x N x D with N = `models.get_model('Llama-2 7B').param_count()` and D = 1e12.",
        "Wall-clock time = FLOP / (64 GPUs x 989.5e12 FLOP/s x 0.4). The bill counts every GPU for that time.",
        "GPU-hours = 64 x hours; $ = GPU-hours x 2.50: "
        "`compute.training_cost(flops, 'H100 SXM', 64, 0.4, 2.5)['usd']`.",
    ],
    explanation="6 x 6.738e9 x 1e12 = 4.043e22 FLOP; / (64 x 989.5e12 x 0.4) = 1.596e6 s = 443.3 h of wall-clock "
                "time; x 64 GPUs = 28,375 GPU-hours; x $2.50 = $70,937. (The count of GPUs cancels: 4.043e22 / "
                "(989.5e12 x 0.4) / 3600 GPU-hours on any number of GPUs.)",
    traps=[
        Trap(lambda e: e / GPUS_PER_NODE, "that is node-hours at the per-GPU price: 8 nodes x 443 h. A node has 8 "
                                          "GPUs, and the price is per GPU-hour."),
        Trap(lambda e: e / (COST_NODES * GPUS_PER_NODE), "that is the wall-clock hours x the price, as if one GPU "
                                                         "were rented; all 64 GPUs are billed."),
        Trap(lambda e: e / 2, "2x too cheap: you used the sparse 1,979 TFLOPS; the dense bf16 peak is 989.5."),
        Trap(lambda e: e * COST_MFU, "too cheap by 1/MFU: you assumed 100% of the peak; multiply the peak by 0.4."),
        Trap(lambda e: e * 7e9 / models.get_model("Llama-2 7B").param_count(),
             "close: you used 7e9 parameters; Llama-2 7B has 6.74e9 (`models.get_model('Llama-2 7B').param_count()`)."),
    ],
)

ex4 = Exercise(
    "Months until buying an RTX 4090 beats renting",
    expected=lambda: _break_even()["months"],
    unit="months",
    hints=[
        "Owning costs $1,599 once plus electricity: 450 W = 0.45 kW x $0.25/kWh per hour of use.",
        "Each hour of use saves the rent minus that electricity. Hours to recover $1,599 = 1,599 / (0.40 - 0.1125).",
        "Hours -> days at 12 h/day -> months of 365.25/12 days: "
        "`planner.break_even(1599, 450, 0.40, 0.25, hours_per_day=12)['months']`.",
    ],
    explanation="Electricity 0.45 kW x $0.25 = $0.1125 per hour; 1,599 / (0.40 - 0.1125) = 5,562 h; / 12 h per day "
                "= 463.5 days; / 30.44 = 15.2 months. Not counted: the PC around the card, resale value.",
    traps=[
        Trap(lambda e: _break_even(usd_per_kwh=0.0)["months"],
             "that ignores electricity: each hour of use costs you 0.45 kW x $0.25 = $0.11 as well."),
        Trap(lambda e: _break_even(hours_per_day=24)["months"], "that is for 24 hours a day; the question says 12."),
        Trap(lambda e: _break_even()["hours"], "that is in hours; convert to days (12 h each) and months "
                                               "(30.44 days each)."),
        Trap(lambda e: _break_even()["days"], "that is in days of use; divide by 30.44 days per month."),
        Trap(lambda e: 1599 / (RENT_USD_PER_HOUR - 450 * USD_PER_KWH) / HOURS_PER_DAY / planner.DAYS_PER_MONTH,
             "negative: you multiplied 450 W by the price per kWh. Convert to kilowatts first: 0.45 kW."),
    ],
)

ex5 = Exercise(
    "Faster batch-1 decode of Llama-2 13B: L40S or A100 PCIe 80GB?",
    expected=_faster_decoder,
    kind="choice",
    options=list(DECODE_CHOICES),
    hints=[
        "At batch 1, each new token reads every weight once: 13.0e9 x 2 bytes = 26 GB per token.",
        "Compare memory bandwidth, not TFLOPS: `hardware.get_gpu(name).memory_bandwidth_gbs`.",
    ],
    explanation="L40S: 864 GB/s / 26.0 GB = 33 tokens/s, despite 362 dense bf16 TFLOPS. A100 PCIe 80GB: "
                "1,935 / 26.0 = 74 tokens/s with 312 TFLOPS. Decode is bandwidth-bound; the newer card with more "
                "TFLOPS is 2.2x slower here.",
)

ex6 = Exercise(
    "Estimate: energy to pre-train Llama-2 70B",
    expected=_pretraining_mwh,
    unit="MWh",
    within_factor=2,
    hints=[
        "FLOP = 6 N D with N = `models.get_model('Llama-2 70B').param_count()` and D = 2e12 tokens.",
        "GPU-seconds = FLOP / (312e12 x MFU); pick an MFU you can defend (notebook 03: about 40%).",
        "Energy = GPU-hours x 0.4 kW (A100 TDP); 1 MWh = 1,000 kWh.",
    ],
    explanation="6 x 6.90e10 x 2e12 = 8.28e23 FLOP; at 40% of 312 TFLOPS that is 1.84 million A100-hours, x 0.4 kW "
                "= 737 MWh. Meta reports 1,720,320 GPU-hours at 400 W for Llama-2 70B (Touvron et al. 2023, "
                "Table 2; their 400 W is peak power per GPU, adjusted for the data centre's PUE): 688 MWh, an MFU "
                "of about 43%.",
    traps=[
        Trap(lambda e: e * 1e3, "that looks like kWh (or watts used as kilowatts); 1 MWh = 1,000 kWh."),
        Trap(lambda e: e * ESTIMATE_MFU / 2, "that assumes 100% of the dense peak, or the sparse 624 TFLOPS: real "
                                             "runs reach 30-50% of 312 TFLOPS."),
    ],
)

EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6]
