"""Exercises of notebook 10 (cost, energy and access): energy of a run with PUE, the bill at a dated price,
rent vs buy with a dated launch price and an EIA electricity average, an estimate of Llama-2 70B's
pre-training energy, and two conceptual questions (cost per hour vs per job; the H800's link cut with overlap).

Expected values are computed with course_lib; the questions are in
``solutions/10_cost_and_energy_solutions.ipynb`` (and, without answers,
``exercises/10_cost_and_energy_exercises.ipynb``). Prices are the snapshot's (dated, cited) except the
rent of exercise 3, which the question gives as a hypothetical quote.
"""

from __future__ import annotations

from course_lib import _validate, compute, hardware, models, planner, prices, units
from course_lib.checks._base import Exercise, Trap

# Exercise 1: 2 nodes of 8 H100 SXM for 36 hours at TDP, PUE 1.2.
ENERGY_GPUS, ENERGY_HOURS, ENERGY_PUE = 16, 36, 1.2
# Exercise 2: Llama-2 7B on 1e12 tokens, 8 DGX H100 nodes, 40% MFU, the snapshot's cheapest on-demand H100 SXM price.
COST_TOKENS, COST_NODES, GPUS_PER_NODE, COST_MFU = 1e12, 8, 8, 0.4
# Exercise 3: an RTX 4090 at its launch MSRP vs a quoted USD 0.40/h; EIA 2023 California residential electricity;
# 12 hours a day.
RENT_QUOTE, HOURS_PER_DAY = 0.40, 12
ELECTRICITY = ("California", "residential")
# Exercise 4: Llama-2 70B pre-trained on 2T tokens on A100 80GB.
ESTIMATE_MODEL, ESTIMATE_TOKENS, ESTIMATE_GPU, ESTIMATE_MFU = "Llama-2 70B", 2e12, "A100 SXM 80GB", 0.4
# Exercise 5: a LoRA-style fine-tune of Llama-2 7B on 1e9 tokens, one L4 or one H100, at snapshot prices.
LORA_JOB = planner.Job("lora", "Llama-2 7B", n_tokens=1e9)
LORA_CHOICES = ("L4", "H100 SXM")


def _h100_price() -> float:
    return _validate.present("the H100's snapshot rent", prices.reference_rent("H100 SXM")).usd_per_gpu_hour


def _run_usd(usd_per_gpu_hour: float | None = None) -> float:
    flops = compute.training_flops(models.get_model("Llama-2 7B").param_count(), COST_TOKENS)
    price = _h100_price() if usd_per_gpu_hour is None else usd_per_gpu_hour
    return compute.training_cost(flops, "H100 SXM", COST_NODES * GPUS_PER_NODE, COST_MFU, price)["usd"]


def _usd_per_kwh() -> float:
    return prices.electricity(*ELECTRICITY).usd_per_kwh


def _break_even(usd_per_kwh: float | None = None, hours_per_day: float = HOURS_PER_DAY) -> planner.BreakEven:
    card = hardware.get_gpu("RTX 4090")
    price = _validate.present("the RTX 4090's MSRP", prices.purchase_price(card).usd)  # NVIDIA newsroom 2022-09-20
    return planner.break_even(price, _validate.present("the RTX 4090's TDP", card.tdp_w), RENT_QUOTE, _usd_per_kwh() if usd_per_kwh is None else usd_per_kwh,
                              hours_per_day=hours_per_day)


def _pretraining_mwh() -> float:
    flops = compute.training_flops(models.get_model(ESTIMATE_MODEL).param_count(), ESTIMATE_TOKENS)
    return _validate.present("kwh", compute.training_cost(flops, ESTIMATE_GPU, 1, ESTIMATE_MFU, 0.0)["kwh"]) / 1e3


def _cheaper_job() -> str:
    return min(LORA_CHOICES, key=lambda g: _validate.present("usd", planner.plan(LORA_JOB, g, prices.rent_price(g).usd).usd))


ex1 = Exercise(
    "Energy of 16 H100s for 36 hours at PUE 1.2",
    expected=lambda: compute.energy_kwh(_validate.present("tdp_w", hardware.get_gpu("H100 SXM").tdp_w), ENERGY_HOURS * units.SECONDS_PER_HOUR,
                                        ENERGY_GPUS, ENERGY_PUE),
    unit="kWh",
    hints=[
        "Energy = power x time. Each H100 SXM board draws its TDP: `hardware.get_gpu('H100 SXM').tdp_w` watts.",
        "16 GPUs x 700 W = 11.2 kW of boards; the PUE multiplies it by 1.2 for cooling and power conversion.",
        "kWh = kilowatts x hours; the PUE multiplies the boards' energy.",
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

ex2 = Exercise(
    "Cost of pre-training Llama-2 7B on 1T tokens at the snapshot's H100 price",
    expected=_run_usd,
    unit="USD",
    hints=[
        "FLOP: 6 x N x D with N = `models.get_model('Llama-2 7B').param_count()` and D = 1e12. The price: "
        "`prices.reference_rent('H100 SXM')`.",
        "Wall-clock time = FLOP / (64 GPUs x 989.5e12 FLOP/s x 0.4). The bill counts every GPU for that time.",
        "GPU-hours = 64 x hours; USD = GPU-hours x the price per GPU-hour. Does the number of GPUs matter?",
    ],
    explanation="6 x 6.738e9 x 1e12 = 4.043e22 FLOP; / (64 x 989.5e12 x 0.4) = 1.596e6 s = 443.3 h of wall-clock "
                "time; x 64 GPUs = 28,375 GPU-hours; x USD 2.99 (Lambda on demand, 2026-05-18) = USD 84,840. (The "
                "count of GPUs cancels: 4.043e22 / (989.5e12 x 0.4) / 3600 GPU-hours on any number of GPUs.)",
    traps=[
        Trap(lambda e: e / GPUS_PER_NODE, "that is node-hours at the per-GPU price: 8 nodes x 443 h. A node has 8 "
                                          "GPUs, and the price is per GPU-hour."),
        Trap(lambda e: e / (COST_NODES * GPUS_PER_NODE), "that is the wall-clock hours x the price, as if one GPU "
                                                         "were rented; all 64 GPUs are billed."),
        Trap(lambda e: e / 2, "2x too cheap: you used the sparse 1,979 TFLOPS; the dense bf16 peak is 989.5."),
        Trap(lambda e: e * COST_MFU, "too cheap by 1/MFU: you assumed 100% of the peak; multiply the peak by 0.4."),
        Trap(lambda e: _run_usd(max(r.usd_per_gpu_hour for r in prices.rent_observations("H100 SXM", "on-demand"))),
             "that uses the dearest on-demand H100 price in the snapshot (USD 3.78); the question asks for the "
             "cheapest."),
        Trap(lambda e: _run_usd(prices.rent_observations("H100 SXM", "capacity block")[0].usd_per_gpu_hour),
             "that is AWS's capacity-block price (reserved ahead), not an on-demand price."),
    ],
)

ex3 = Exercise(
    "Months until buying an RTX 4090 beats a USD 0.40/h rent (California household electricity)",
    expected=lambda: _break_even()["months"],
    unit="months",
    hints=[
        "Owning costs the launch MSRP once (`prices.purchase_price('RTX 4090')`) plus electricity: 450 W = 0.45 kW "
        "x `prices.electricity('California', 'residential').usd_per_kwh` per hour of use.",
        "Each hour of use saves the rent minus that electricity. Hours to recover the price = price / (rent - "
        "electricity per hour).",
        "Hours -> days at 12 h/day -> months of 365.25 / 12 days.",
    ],
    explanation="Electricity 0.45 kW x USD 0.2951 = USD 0.1328 per hour; 1,599 / (0.40 - 0.1328) = 5,984 h; / 12 h "
                "per day = 498.7 days; / 30.44 = 16.4 months. Not counted: the PC around the card, resale value.",
    traps=[
        Trap(lambda e: _break_even(usd_per_kwh=0.0)["months"],
             "that ignores electricity: each hour of use costs you 0.45 kW x USD 0.2951 = USD 0.13 as well."),
        Trap(lambda e: _break_even(hours_per_day=24)["months"], "that is for 24 hours a day; the question says 12."),
        Trap(lambda e: _break_even()["hours"], "that is in hours; convert to days (12 h each) and months "
                                               "(30.44 days each)."),
        Trap(lambda e: _break_even()["days"], "that is in days of use; divide by 30.44 days per month."),
        Trap(lambda e: _break_even(usd_per_kwh=prices.electricity("Texas", "residential").usd_per_kwh)["months"],
             "that uses Texas's household price (14.46 cents); the question says California (29.51 cents)."),
    ],
)

ex4 = Exercise(
    "Estimate: energy to pre-train Llama-2 70B",
    expected=_pretraining_mwh,
    unit="MWh",
    within_factor=1.85,  # MFU 0.22 to 0.74 around the course's 0.4: a realistic MFU, never above ~0.75
    hints=[
        "FLOP = 6 N D with N = `models.get_model('Llama-2 70B').param_count()` and D = 2e12 tokens.",
        "GPU-seconds = FLOP / (312e12 x MFU); pick an MFU you can defend (notebook 03: 30-50% for real runs).",
        "Energy = GPU-hours x the A100's TDP in kW; 1 MWh = 1,000 kWh.",
    ],
    explanation="6 x 6.90e10 x 2e12 = 8.28e23 FLOP; at 40% of 312 TFLOPS that is 1.84 million A100-hours, x 0.4 kW "
                "= 737 MWh. Meta reports 1,720,320 GPU-hours at 400 W for Llama-2 70B (Touvron et al. 2023, "
                "Table 2; their 400 W is peak power per GPU, adjusted for the data centre's PUE): 688 MWh, an MFU "
                "of about 43%.",
    traps=[
        Trap(lambda e: e * 1e3, "that looks like kWh (or watts used as kilowatts); 1 MWh = 1,000 kWh."),
        Trap(lambda e: e * ESTIMATE_MFU / 2, "that assumes 100% of the dense peak, or the sparse 624 TFLOPS: real "
                                             "runs reach 30-50% of 312 TFLOPS."),
        Trap(lambda e: e * ESTIMATE_MFU, "that assumes 100% MFU: no real run reaches the peak (notebook 03)."),
    ],
)

ex5 = Exercise(
    "At the snapshot's prices, which LoRA-style fine-tune of Llama-2 7B (1e9 tokens) costs less: on one L4 or "
    "one H100 SXM?",
    expected=_cheaper_job,
    kind="choice",
    options=list(LORA_CHOICES),
    hints=[
        "The bill is GPU-hours x price. The L4 is cheaper per hour; how many more GPU-hours does it need?",
        "Compare the dense bf16 peaks (121 vs 989.5 TFLOPS) with the prices (`prices.rent_price(name)`).",
    ],
    explanation="The H100 costs 3.7x more per hour (USD 2.99 vs 0.80) but needs 8.2x fewer GPU-hours (18.9 vs 154.7 "
                "at the same MFU): USD 57 against USD 124. Compare jobs, not hours.",
    feedback={"L4": "it is cheaper per hour, but needs 8.2x the GPU-hours: the job costs about twice as much."},
)

STEP_OPTIONS = ("2.25 times as long", "about 7% longer", "no longer")

ex6 = Exercise(
    "With PyTorch DDP overlapping the all-reduce with the backward pass, an 8-GPU Llama-2 7B step on an HGX H800 "
    "takes ... compared with a DGX H100?",
    expected=lambda: STEP_OPTIONS[2],
    kind="choice",
    options=list(STEP_OPTIONS),
    hints=[
        "The H800's NVLink carries 200 GB/s per direction, the H100's 450: the all-reduce takes 2.25x as long. How "
        "long is it next to the backward pass?",
        "`parallel.data_parallel_step_seconds(n_params, 8, 200, compute_s, overlap=1.0)`: what is 'hidden'?",
    ],
    explanation="The bf16 gradient all-reduce takes 0.05 s on the H100's NVLink and 0.12 s on the H800's, both far "
                "shorter than the backward pass (2/3 of 0.84 s): with overlap it hides entirely and both steps take "
                "the compute time. Without overlap the H800 step is 7% longer; tensor parallelism, which cannot hide "
                "its exchanges as well, suffers more.",
    feedback={STEP_OPTIONS[0]: "that is the all-reduce alone, not the whole step.",
             STEP_OPTIONS[1]: "that is without overlap; DDP hides the all-reduce behind the backward pass."},
)


EXERCISES = [ex1, ex2, ex3, ex4, ex5, ex6]
