"""Exercises of notebook 09: right answers (hand-derived literals) pass, traps and slips are explained."""


from course_lib.checks import CORRECT, NOT_YET, choosing

# Right answers, derived by hand (not with the code under test):
RIGHT = {
    # Llama-2 70B fp16: 2 x 68,976,648,192 = 137.95 GB; KV 2 x 80 layers x 1,024 (8 KV heads x 128) x 2 B =
    # 327,680 B/token x 32 x 4,096 tokens = 42.95 GB; (137.95 + 42.95) x 1.1 = 199.0 GB / 80 GB = 2.49 -> 3,
    # and the GPU count must divide the 64 heads -> 4.
    "ex1": 4,
    # 16 GPUs x 0.7 kW x 36 h x 1.2 = 483.84 kWh
    "ex2": 483.84,
    # 6 x 6,738,415,616 x 1e12 = 4.0430e22 FLOP / (989.5e12 x 0.4) = 1.02149e8 GPU-s = 28,374.67 GPU-h x $2.50
    "ex3": 70_936.67,
    # 450 W x $0.25/kWh = $0.1125/h; 1,599 / (0.40 - 0.1125) = 5,561.74 h / 12 h/day = 463.48 days
    # / (365.25 / 12 = 30.4375) = 15.227 months
    "ex4": 15.227,
    # batch-1 decode of 26.03 GB: L40S 864 GB/s -> 33.2 tokens/s; A100 PCIe 80GB 1,935 GB/s -> 74.3 tokens/s
    "ex5": "A100 PCIe 80GB",
    # Published: Llama-2 70B took 1,720,320 GPU-hours at 400 W (Touvron et al. 2023, Table 2) = 688.1 MWh;
    # the course value at 40% MFU is 6 x 68,976,648,192 x 2e12 / (312e12 x 0.4) / 3600 = 1,842,325 h -> 736.9 MWh.
    "ex6": 688.1,
}

# Each trap's value, derived by hand from the right answer, with a fragment of its message.
TRAPS = {
    "ex1": [(2, "only the weights"), (1.75, "1.75 GPUs"), (3, "divide 64"), (2.49, "before rounding")],
    # Wh: 483,840; no PUE: 16 x 0.7 x 36 = 403.2; one node: 241.92; nodes as GPUs: 2 x 0.7 x 36 x 1.2 = 60.48;
    # kW x seconds: 483.84 x 3600 = 1,741,824
    "ex2": [(483_840, "watt-hours"), (403.2, "PUE"), (241.92, "one node"), (60.48, "nodes as if"),
            (1_741_824, "seconds")],
    # node-hours: $70,936.67 / 8 = $8,867.08; one GPU: / 64 = $1,108.39; sparse TFLOPS: / 2 = $35,468.33;
    # MFU 1: x 0.4 = $28,374.67; 7e9 parameters: x 7e9 / 6,738,415,616 = $73,690.42
    "ex3": [(8_867.08, "node-hours"), (1_108.39, "one GPU"), (35_468.33, "sparse"), (28_374.67, "100%"),
            (73_690.42, "7e9")],
    # no electricity: 1,599 / 0.40 = 3,997.5 h / 12 / 30.4375 = 10.945 months; 24 h/day: 5,561.74 / 24 / 30.4375
    # = 7.614; hours 5,561.74; days 463.48; 450 W x $0.25 as $/h: 1,599 / (0.40 - 112.5) / 12 / 30.4375 = -0.03905
    "ex4": [(10.945, "ignores electricity"), (7.614, "24 hours"), (5_561.74, "in hours"), (463.48, "in days"),
            (-0.03905, "kilowatts")],
    # kWh instead of MWh: 736,930; MFU 1 or sparse: 736.9 x 0.4 / 2 = 147.4 (and anything within 2x of it)
    "ex6": [(736_930, "kWh"), (147.4, "100%"), (100, "100%")],
}

# Plausible wrong answers not covered by a trap; the check must still say NOT_YET.
WRONG = {
    "ex1": 8,  # one full 8-GPU server: fits, but not the minimum
    "ex2": 16 * 0.35 * 36 * 1.2,  # the H100 PCIe's 350 W
    "ex3": 70_936.67 * 989.5 / 312,  # A100 peak instead of H100's
    "ex4": 1599 / 0.40 / 24 / 30.4375,  # two slips: no electricity and 24 h/day: 5.47 months
    "ex5": "L40S",  # more TFLOPS, half the bandwidth
    "ex6": 3_000,  # a factor of 4 off
}


def test_choice_accepts_spelling_variants_and_rejects_other_gpus():
    assert choosing.ex5.check("a100 pcie 80gb").status == CORRECT
    result = choosing.ex5.check("H100 SXM")
    assert result.status == NOT_YET and "not one of the options" in result.message


def test_estimate_accepts_any_defensible_mfu():
    # ex6 within a factor of 2 of 736.9 MWh (MFU 0.4): MFU 0.25 -> 1,179 MWh and MFU 0.6 -> 491.3 MWh pass;
    # MFU 0.15 -> 1,965 MWh does not.
    assert choosing.ex6.check(1_179).status == CORRECT
    assert choosing.ex6.check(491.3).status == CORRECT
    assert choosing.ex6.check(1_965).status == NOT_YET


def test_six_exercises_in_order():
    assert choosing.EXERCISES == [choosing.ex1, choosing.ex2, choosing.ex3, choosing.ex4, choosing.ex5, choosing.ex6]
