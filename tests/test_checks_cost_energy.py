"""Exercises of notebook 10: right answers (hand-derived literals) pass, traps and slips are explained."""


from course_lib.checks import CORRECT, NOT_YET, cost_energy

# Right answers, derived by hand (not with the code under test). Prices: the snapshot's (tests/test_prices.py).
RIGHT = {
    # 16 GPUs x 0.7 kW x 36 h x 1.2 = 483.84 kWh
    "ex1": 483.84,
    # 6 x 6,738,415,616 x 1e12 = 4.0430e22 FLOP / (989.5e12 x 0.4) = 1.02149e8 GPU-s = 28,374.67 GPU-h x USD 2.99
    # (Lambda, 2026-05-18) = USD 84,840.26
    "ex2": 84_840.26,
    # 450 W x 29.51 cents/kWh = USD 0.132795/h; 1,599 / (0.40 - 0.132795) = 5,984.17 h / 12 h/day = 498.68 days
    # / 30.4375 = 16.384 months
    "ex3": 16.384,
    # Published: Llama-2 70B took 1,720,320 GPU-hours at 400 W (Touvron et al. 2023, Table 2) = 688.1 MWh;
    # the course value at 40% MFU is 6 x 68,976,648,192 x 2e12 / (312e12 x 0.4) / 3600 = 1,842,325 h -> 736.9 MWh.
    "ex4": 688.1,
    # L4: 4 x 6,738,415,616 x 1e9 / (121e12 x 0.4) / 3600 = 154.7 GPU-h x 0.7992 = USD 123.6;
    # H100: / (989.5e12 x 0.4) = 18.92 GPU-h x 2.99 = USD 56.6.
    "ex5": "H100 SXM",
    # bf16 gradients 13.48 GB: ring all-reduce 2 x 7/8 x 13.48e9 / 200e9 = 0.118 s on the H800's NVLink, less than the
    # backward pass, 2/3 x 65,536 x 6 x 6.738e9 / (8 x 989.5e12 x 0.4) = 2/3 x 0.837 = 0.558 s: all hidden.
    "ex6": "no longer",
}

TRAPS = {
    # Wh: 483,840; no PUE: 403.2; one node: 241.92; nodes as GPUs: 60.48; kW x seconds: 1,741,824
    "ex1": [(483_840, "watt-hours"), (403.2, "PUE"), (241.92, "one node"), (60.48, "nodes as if"),
            (1_741_824, "seconds")],
    # node-hours: / 8 = 10,605.03; one GPU: / 64 = 1,325.63; sparse: / 2 = 42,420.13; MFU 1: x 0.4 = 33,936.10;
    # dearest on-demand (3.78): 28,374.67 x 3.78 = 107,256.25; AWS capacity block (4.916): 139,489.87
    "ex2": [(10_605.03, "node-hours"), (1_325.63, "one GPU"), (42_420.13, "sparse"), (33_936.10, "100%"),
            (107_256.25, "dearest"), (139_489.87, "capacity-block")],
    # no electricity: 1,599 / 0.40 / 12 / 30.4375 = 10.945; 24 h/day: 5,984.17 / 24 / 30.4375 = 8.192;
    # hours 5,984.17; days 498.68; Texas household 14.46 cents: 1,599 / (0.40 - 0.06507) / 12 / 30.4375 = 13.071
    "ex3": [(10.945, "ignores electricity"), (8.192, "24 hours"), (5_984.17, "in hours"), (498.68, "in days"),
            (13.071, "Texas")],
    # kWh: 736,930; 100% MFU or sparse: 736.9 x 0.4 / 2 = 147.4; 100% MFU: 294.8
    "ex4": [(736_930, "kWh"), (147.4, "100%"), (294.8, "100% MFU")],
    # the wrong options of the two choices, with a fragment of their explanation
    "ex5": [("L4", "8.2x the GPU-hours")],
    "ex6": [("2.25 times as long", "all-reduce alone"), ("about 7% longer", "without overlap")],
}

WRONG = {
    "ex1": 16 * 0.35 * 36 * 1.2,  # the H100 PCIe's 350 W
    "ex2": 84_840.26 * 989.5 / 312,  # A100 peak instead of H100's
    "ex3": 1599 / 0.40 / 24 / 30.4375,  # two slips: no electricity and 24 h/day: 5.47 months
    "ex4": 3_000,  # a factor of 4 off
}


def test_estimate_accepts_realistic_mfus_only():
    # ex4: 294.77 / MFU MWh. MFU 0.25 -> 1,179 and MFU 0.6 -> 491.3 pass; MFU 0.8 -> 368.5 (above what real runs reach)
    # and MFU 0.15 -> 1,965 do not.
    assert cost_energy.ex4.check(1_179).status == CORRECT
    assert cost_energy.ex4.check(491.3).status == CORRECT
    assert cost_energy.ex4.check(368.5).status == NOT_YET
    assert cost_energy.ex4.check(1_965).status == NOT_YET


def test_questions_use_dated_prices():
    # The price in ex2's explanation is the snapshot's, with its date; no "$" that Jupyter would typeset.
    assert "USD 2.99 (Lambda on demand, 2026-05-18)" in cost_energy.ex2.explanation
    for exercise in cost_energy.EXERCISES:
        assert "$" not in exercise.title + exercise.explanation + "".join(exercise.hints)
