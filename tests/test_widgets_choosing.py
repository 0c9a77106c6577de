"""Widgets and figures of notebooks 09/10 driven without a browser; expected numbers are hand-derived here.

Llama-2 7B = 6,738,415,616 params: 6 N D for 2e12 tokens = 8.0861e22 FLOP. Dense bf16 peaks: B200 2,250,
MI300X 1,307.4, H100 SXM 989.5 TFLOPS (catalog, from the datasheets). Snapshot prices (tests/test_prices.py):
MI300X USD 1.50 (TensorWave), H100 SXM 2.99 (Lambda), B200 6.03 (Spheron) per GPU-hour on demand.
"""

import pytest
from matplotlib.figure import Figure

from course_lib import planner
from course_lib.planner import Job
from course_lib.widgets import choosing


@pytest.fixture
def view():
    return choosing.planner_view(task="pretrain", model="Llama-2 7B", n_tokens=2e12, deadline_days=30,
                                 budget_usd=500_000, mfu=0.4)


def test_planner_defaults_match_hand_computation(view):
    # B200 at 40%: 8.0861e22 / (2250e12 x 0.4) = 8.9846e7 GPU-seconds; 30 days = 2.592e6 s -> 34.66 -> 35 GPUs
    # -> 5 whole DGX B200 nodes = 40 GPUs; 8.9846e7 / 40 = 2,246,156 s = 26.0 days; 24,957 GPU-hours.
    # 13 of 21 fit: V100 and T4 have no bf16; the H100 PCIe, L4, RTX 3090 and RTX 5090 have no multi-GPU system in
    # the data; the RTX 4090 workstation (4) and the Jetson (1) are never clustered and the job needs more.
    assert view.error.value == ""
    assert view.headline.value == "Fastest: 40 × B200 (5 nodes), 26 days, 24,957 GPU-hours; 13 of 21 fit."
    assert "5 × DGX B200" in view.details.value and "InfiniBand NDR 400 Gb/s between them" in view.details.value
    # 88 TPU v6e chips (test_planner) are 11 hosts of 8 in one 256-chip pod, not 11 pods
    assert "11 hosts of 8 in one TPU v6e pod" in view.details.value and "11 × TPU v6e pod" not in view.details.value
    assert "does not fit: no bf16 rate" in view.details.value
    assert "snapshot" in view.details.value and "not live" in view.details.value
    assert "ZeRO stage 3" in view.details.value  # assumptions built from the job
    assert view.image.value


def test_only_the_controls_of_the_task_are_shown(view):
    shown = {name for name, control in view.controls.items() if control.layout.display != "none"}
    assert {"n_tokens", "deadline_days", "mfu"} <= shown and not shown & set(choosing.SERVING_CONTROLS)
    view.controls["task"].value = "serve"
    shown = {name for name, control in view.controls.items() if control.layout.display != "none"}
    assert set(choosing.SERVING_CONTROLS) <= shown and not shown & set(choosing.TRAINING_CONTROLS)


def test_cost_ranks_only_priced_gpus_and_names_the_others(view):
    view.controls["rank_by"].value = "cost"
    # MI300X: 8.0861e22 / (1307.4e12 x 0.4) = 1.5462e8 s -> 59.65 -> 60 GPUs -> 8 nodes of 8 = 64; 42,950.5
    # GPU-hours x USD 1.50 = USD 64,426. Priced and fitting: B200, H100 SXM, A100 SXM 40GB, L40S, MI300X = 5 of 13.
    assert view.headline.value.startswith("Cheapest of 5 with a price: 64 × MI300X (8 nodes), USD 64,426 (snapshot "
                                          "price); 8 left out (no price)")
    assert "Left out of this ranking (no price" in view.details.value
    assert "A800 SXM 80GB" in view.details.value.split("Left out")[1].split("</p>")[0]
    assert "1.50 (TensorWave, 2026-05-18)" in view.details.value


def test_your_price_is_per_gpu_and_never_carried_to_another(view):
    view.controls["rank_by"].value = "cost"
    view.controls["price_gpu"].value = "H800 SXM"
    assert view.controls["price_typed"].value == ""  # nothing typed for it yet
    view.controls["price_typed"].value = "1.00"  # H800: 56,749.3 H800-hours (80 GPUs) x USD 1 = USD 56,749
    assert view.headline.value.startswith("Cheapest of 6 with a price: 80 × H800 SXM (10 nodes), USD 56,749 (your "
                                          "price)")
    assert "Price of H800 SXM: USD 1.00 per GPU-hour (your price)." in view.details.value
    view.controls["price_gpu"].value = "V100 SXM2 32GB"
    assert view.controls["price_typed"].value == ""  # the H800's price stays with the H800
    assert "Price of V100 SXM2 32GB: no price in the snapshot: enter one." in view.details.value
    view.controls["price_gpu"].value = "H800 SXM"
    assert view.controls["price_typed"].value == "1.00"
    view.controls["price_typed"].value = ""  # back to the snapshot: the H800 has none
    assert view.headline.value.startswith("Cheapest of 5 with a price: 64 × MI300X")


def test_energy_ranking(view):
    view.controls["rank_by"].value = "energy"
    # B200: 24,957 GPU-hours x 1.0 kW = 24,957 kWh = 25 MWh; the three TPUs have no TDP and are left out.
    assert view.headline.value == "Least energy: 40 × B200 (5 nodes), 25 MWh; 13 of 21 fit, 3 left out (no TDP)."
    assert "Left out of this ranking (no published TDP): TPU v5e, TPU v5p, TPU v6e." in view.details.value


def test_serving(view):
    view.controls["task"].value = "serve"
    view.controls["requests_per_s"].value = 10.0
    view.controls["rank_by"].value = "cost"
    # 5,000 tokens/s of Llama-2 7B on MI300X (192 GB, 5.3 TB/s), 40% of the bound: one GPU holds
    # (192e9 / 1.1 - 13.48e9) / 1.074e9 = 150 sequences -> 150 x 5.3e12 / (13.48e9 + 150 x 1.074e9) = 4,550 tokens/s
    # x 0.4 = 1,820 -> 3 copies of one GPU, part of one 8-GPU server; 3 x 720 h x USD 1.50 = USD 3,240 for 30 days.
    # Priced and fitting when serving a 7B model: B200, H100 SXM, H100 PCIe, A100 SXM 40GB, L40S, L4, MI300X (the T4
    # has no bf16).
    assert view.headline.value.startswith("Cheapest of 7 with a price: 3 × MI300X, USD 3,240 (snapshot price)")
    assert "part of one Azure ND MI300X v5 (8x MI300X)" in view.details.value
    assert "per copy × batch" in view.details.value and "per response (batch" in view.details.value
    assert view.error.value == ""


def test_bad_inputs_show_messages_in_the_learners_words(view):
    view.controls["deadline_days"].value = 0.0
    assert "deadline (days) must be a number above 0 and up to 36,500, got &#x27;0&#x27;" in view.error.value
    assert view.last is None
    view.controls["deadline_days"].value = 30.0
    view.controls["budget_usd"].value = "1e300"  # browser review D10: no 300-digit budget
    assert "budget (USD) must be a number from 0 to 1e+12, got &#x27;1e300&#x27;" in view.error.value
    view.controls["budget_usd"].value = 1e5
    view.controls["model"].value = "GPT-2 small"  # trained on 1,024-token sequences; seq_len is 2,048
    assert "sequence length (tokens): GPT-2 small handles at most 1,024 tokens" in view.error.value
    view.controls["seq_len"].value = 1024
    assert view.error.value == ""
    view.controls["task"].value = "serve"
    view.controls["tokens_per_request"].value = "1.5"  # D10: 1.5 is not silently read as 15
    assert "tokens per response must be a whole number from 1 to 1,000,000, got &#x27;1.5&#x27;" in view.error.value
    view.controls["tokens_per_request"].value = 500
    view.controls["price_gpu"].value = "L4"
    view.controls["price_typed"].value = "-5"
    assert "your price for L4 must be a number" in view.error.value  # names the GPU the learner typed for
    view.controls["price_typed"].value = "USD 0.5"
    assert view.error.value == ""


def test_a_bad_value_in_a_hidden_control_does_not_block_the_other_task(view):
    view.controls["deadline_days"].value = -1.0
    assert "deadline (days)" in view.error.value
    view.controls["task"].value = "serve"  # the deadline box is hidden now: serving does not use it
    assert view.error.value == "" and view.headline.value


def test_impossible_deadline_is_a_message_not_a_crash(view):
    view.controls["deadline_days"].value = 1e-9  # reliability review D4/D5
    assert view.error.value == "" and view.headline.value.startswith("No GPU in the catalog can do this job")
    assert "16,777,216 GPUs" in view.details.value


def test_parse_price():
    assert choosing.parse_price("", "x") is None and choosing.parse_price("  ", "x") is None
    assert choosing.parse_price("USD 1,599", "x") == 1599.0 and choosing.parse_price("2.5", "x") == 2.5
    for bad in ("abc", "-1", "nan", "inf", "1e300"):
        with pytest.raises(ValueError, match="^x must be a number"):
            choosing.parse_price(bad, "x")


def test_rent_vs_buy_view_uses_dated_prices_and_asks_for_missing_ones():
    view = choosing.rent_vs_buy_view()  # A100 SXM 40GB: 1/8 of a DGX A100 (USD 199,000) vs Lambda USD 1.48/h
    # Texas commercial 8.82 cents/kWh x 0.4 kW = USD 0.03528/h; 24,875 / (1.48 - 0.03528) = 17,217.6 h
    # = 717.4 days = 23.6 months at 24 h/day.
    assert view.headline.value == ("Buying A100 SXM 40GB (USD 24,875) beats renting (USD 1.48/h) after 17,218 hours "
                                   "of use = 23.6 months at 24 h/day")
    assert "snapshot: NVIDIA DGX A100 server, 1/8 of it, 2020-05-14" in view.details.value
    assert "different years 2020, 2026" in view.details.value
    assert "your price" not in view.details.value
    image = view.image.value
    view.controls["gpu"].value = "RTX 4090"  # launch MSRP, but no rent in the snapshot
    assert view.headline.value == "RTX 4090: no rent in the snapshot: enter one above."
    assert view.image.value != image  # the old plot does not stay on screen
    view.controls["rent_typed"].value = "0.50"  # 450 W x 0.0882 = USD 0.03969/h; 1,599 / 0.46031 = 3,473.8 h
    assert "3,474 hours" in view.headline.value and "4.8 months" in view.headline.value
    assert "USD 0.50 per GPU-hour (your price)" in view.details.value
    assert "USD 1,599 (snapshot: RTX 4090 card, 2022-09-20)" in view.details.value
    view.controls["gpu"].value = "H100 SXM"  # a rent in the snapshot, no purchase price; the 0.50 stays with the 4090
    assert view.controls["rent_typed"].value == ""
    assert view.headline.value == "H100 SXM: no purchase price in the snapshot: enter one above."
    view.controls["purchase_typed"].value = "25000"
    # 700 W x 0.0882 = USD 0.06174/h; 25,000 / (2.99 - 0.06174) = 8,537.4 h = 355.7 days = 11.7 months.
    assert "8,537 hours" in view.headline.value and "11.7 months" in view.headline.value
    view.controls["rent_typed"].value = "0.05"
    assert view.headline.value.startswith("Never")
    view.controls["purchase_typed"].value = "-5"
    assert "your purchase price for H100 SXM" in view.error.value


def test_rent_vs_buy_typed_electricity():
    view = choosing.rent_vs_buy_view(gpu="RTX 4090", electricity=choosing.ELECTRICITY_TYPED)
    assert view.controls["kwh_typed"].layout.display == ""
    view.controls["rent_typed"].value = "0.5"
    assert view.headline.value == "Type an electricity price in USD per kWh."
    view.controls["kwh_typed"].value = "0.15"  # 450 W x 0.15 = 0.0675/h; 1,599 / 0.4325 = 3,697 h = 5.1 months
    assert view.headline.value.endswith("after 3,697 hours of use = 5.1 months at 24 h/day")
    view.controls["electricity"].value = "California|residential"
    assert view.controls["kwh_typed"].layout.display == "none"


def test_price_tables_cite_every_row():
    rent = choosing.rent_table_html()
    assert rent.count("<tr>") == 15  # header + 14 observations
    assert "capacity block" in rent and "2024-12-31" in rent
    assert "No rental price in the snapshot for: V100 SXM2 32GB, A100 SXM 80GB" in rent
    buy = choosing.purchase_table_html()
    assert buy.count("<tr>") == 5 and "24,875" in buy and "2022-09-20" in buy


def test_catalog_table_and_figures():
    table = choosing.catalog_table_html()
    assert table.count("<tr>") == 22  # header + 21 GPU/TPU rows
    assert "TPU v5e" in table and "Xeon" not in table
    assert 'href="https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/' in table
    assert ">1,979</td>" in table  # H100 dense fp8
    china = choosing.catalog_table_html(["H100 SXM", "H800 SXM"], precisions=("fp64",))
    assert china.count("<tr>") == 3 and ">34<" in china and ">1<" in china  # FP64: 34 vs 1 TFLOPS

    ax = choosing.plot_tflops_per_watt(Figure().add_subplot())
    widths = sorted(bar.get_width() for bar in ax.patches)
    assert len(widths) == 16  # 19 minus V100/T4 (no bf16) and the TPU (no TDP)
    assert widths[-1] == pytest.approx(2.25)  # B200: 2,250 TFLOPS / 1,000 W
    assert "TPU v5e" in ax.get_title()
    ax = choosing.plot_tflops_vs_memory(Figure().add_subplot())
    assert len(ax.collections) == 2  # powered bubbles + the TPU's hollow square
    ax = choosing.plot_bandwidth_vs_memory(Figure().add_subplot(), gpus=["H100 SXM", "MI300X"])
    assert list(ax.collections[0].get_offsets()[:, 1]) == [3350, 5300]


def test_plot_ranking_marks_the_budget():
    job = Job("pretrain", "Llama-2 7B", n_tokens=1e11, budget_usd=10_000)
    ranking = planner.rank_hardware(job, {"H100": 2.0, "A100 SXM 80GB": 2.0}, rank_by="cost",
                                    gpus=["H100 SXM", "A100 SXM 80GB", "T4"])
    ax = choosing.plot_ranking(Figure().add_subplot(), ranking, budget_usd=10_000)
    # 2,837.5 H100-hours x $2 = $5,675 (within), 8,999 A100-hours x $2 = $17,998 (over); T4 does not fit.
    assert [round(bar.get_width()) for bar in ax.patches] == [5675, 17998]
    colors = [bar.get_facecolor()[:3] for bar in ax.patches]
    assert colors[0] != colors[1]
    assert ax.lines[0].get_xdata()[0] == 10_000 and "budget" in ax.get_xlabel()
    assert [label.get_text() for label in ax.get_yticklabels()] == ["2 × H100 SXM", "2 × A100 SXM 80GB"]
    every = planner.rank_hardware(Job("pretrain", "Llama-2 7B", n_tokens=1e11))
    assert len(choosing.plot_ranking(Figure().add_subplot(), every).patches) == 8  # the 8 fastest of 17


def test_rent_vs_buy_plot_lines_cross_at_the_break_even():
    # RTX 4090: buy $1,599 + $0.0675/h, rent $0.50/h, 24 h/day; break-even 5.061 months; plotted to 2 x that.
    ax = choosing.plot_rent_vs_buy(Figure().add_subplot(), 1599, 450, 0.5, 0.15)
    buy, rent = ax.lines[0], ax.lines[1]
    assert list(buy.get_xdata()) == pytest.approx([0, 10.1221], rel=1e-4)
    # 10.1221 months x 730.5 h = 7,394.2 h: buy 1,599 + 499.11 = $2,098.1; rent $3,697.1.
    assert list(buy.get_ydata()) == pytest.approx([1599, 2098.11], rel=1e-4)
    assert list(rent.get_ydata()) == pytest.approx([0, 3697.11], rel=1e-4)
    assert ax.lines[2].get_xdata()[0] == pytest.approx(5.06107, rel=1e-5)  # the break-even marker


def test_decode_speed_follows_bandwidth_not_tflops():
    fig = Figure()
    left, right = choosing.plot_decode_vs_specs(fig.subplots(1, 2), "Llama-2 13B", gpus=[
        "A100 SXM 80GB", "H100 PCIe", "RTX 4090"])
    # Llama-2 13B in fp16 = 26.03 GB: not in the RTX 4090's 24 GB. Batch 1 reads the head, one embedding row and the
    # rest: 2 x (13,015,864,320 - 32000 x 5120 + 5120) = 25,704,058,880 B. Bound = bandwidth / that:
    # A100 SXM 2,039e9 -> 79.33 tokens/s at 312 TFLOPS; H100 PCIe 2,000e9 -> 77.81 tokens/s at 756.5 TFLOPS.
    points = left.collections[0].get_offsets()
    assert [tuple(p) for p in points] == [pytest.approx((312, 79.33), rel=1e-3), pytest.approx((756.5, 77.81),
                                                                                                rel=1e-3)]
    assert list(right.collections[0].get_offsets()[:, 0]) == [2039, 2000]


def test_labels_never_hold_two_dollar_signs():
    # ipywidgets typesets a Label's $...$ as LaTeX: two "$" in a headline would garble it in the browser.
    view = choosing.planner_view(task="serve", model="Llama-2 7B")
    rent = choosing.rent_vs_buy_view()
    for control, value in (("rank_by", "cost"), ("price_gpu", "B200"), ("price_typed", "3"), ("rank_by", "energy")):
        view.controls[control].value = value
        assert view.headline.value and "$" not in view.headline.value
    assert "$" not in rent.headline.value
    rent.controls["rent_typed"].value = "0.01"
    assert rent.headline.value.startswith("Never") and "$" not in rent.headline.value
    assert all("$" not in c.description for c in [*view.controls.values(), *rent.controls.values()])


def test_a_typed_minus_zero_price_is_zero():
    # Hardening's leftover: "USD -0" where a price was formatted without money().
    assert str(choosing.parse_price("-0", "x")) == "0.0"
    view = choosing.rent_vs_buy_view()
    view.controls["electricity"].value = choosing.ELECTRICITY_TYPED
    view.controls["kwh_typed"].value = "-0"
    assert "USD -0" not in view.headline.value + view.details.value and "USD 0.0000 per kWh" in view.details.value
