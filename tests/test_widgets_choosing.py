"""Widgets and figures of notebook 09 driven without a browser; expected numbers are hand-derived here.

Llama-2 7B = 6,738,415,616 params: 6 N D for 2e12 tokens = 8.0861e22 FLOP. Dense bf16 peaks: B200 2,250,
MI300X 1,307.4, H100 SXM 989.5 TFLOPS (catalog, from the datasheets).
"""

import pytest
from matplotlib.figure import Figure

from course_lib import planner
from course_lib.widgets import choosing


@pytest.fixture
def view():
    return choosing.planner_view(task="pretrain", model="Llama-2 7B", n_tokens=2e12, days=30, budget_usd=500_000,
                                 usd_per_gpu_hour=2.0, mfu=0.4)


def test_planner_defaults_match_hand_computation(view):
    # B200 at 40%: 8.0861e22 / (2250e12 x 0.4) = 8.9846e7 GPU-seconds; 30 days = 2.592e6 s -> 34.66 -> 35 GPUs;
    # 8.9846e7 / 35 = 2,567,035 s = 29.7 days; 24,957 GPU-hours x $2 = $49,914; 35 x 1 kW x 713 h = 25 MWh.
    assert view.error.value == ""
    headline = view.headline.value
    assert headline.startswith("Best: 35 × B200 — 29.7 days, 24,957 GPU-hours, USD 49,914, 25 MWh.")
    # 17 of 19 fit (V100 and T4 have no bf16); within $500,000: B200, MI300X, H100/H800/H200 SXM ($113,499),
    # H100 PCIe, L40S ($310,197) and the four A100/A800 ($359,958) = 11.
    assert "17 of 19 fit; 11 within your budget of USD 500,000." in headline
    assert "does not fit: no bf16 rate" in view.details.value
    assert "$2 per GPU-hour for every GPU" in view.details.value
    assert view.image.value


def test_fewer_tokens_fewer_gpus(view):
    image = view.image.value
    view.controls["n_tokens"].value = 1e12
    # 4.4923e7 GPU-seconds / 2.592e6 = 17.33 -> 18 B200s, 2,495,706 s = 28.9 days, 12,479 GPU-hours, $24,957.
    assert view.headline.value.startswith("Best: 18 × B200 — 28.9 days, 12,479 GPU-hours, USD 24,957")
    assert view.image.value != image


def test_your_price_for_one_gpu_changes_the_ranking(view):
    view.controls["price_for"].value = "B200"
    assert view.controls["usd_per_gpu_hour"].value == 2.0  # shows the every-GPU price until you type one
    view.controls["usd_per_gpu_hour"].value = 20.0  # B200: 24,957.09 GPU-hours x $20 = $499,142
    # MI300X: 8.0861e22 / (1307.4e12 x 0.4) = 1.5462e8 s -> 59.65 -> 60 GPUs; 42,950.48 GPU-hours x $2 = $85,901.
    assert view.headline.value.startswith("Best: 60 × MI300X")
    assert "USD 85,901" in view.headline.value
    assert "B200 $20" in view.details.value
    view.controls["price_for"].value = choosing.EVERY_GPU
    assert view.controls["usd_per_gpu_hour"].value == 2.0
    view.controls["usd_per_gpu_hour"].value = 3.0  # every other GPU; the B200 keeps its $20
    assert "USD 128,851" in view.headline.value  # 42,950.48 MI300X-hours x $3 = $128,851.45
    assert "$499,142" in view.details.value


def test_redraws_only_when_the_plot_changes(view):
    image = view.image.value
    view.controls["price_for"].value = "B200"  # which GPU your price applies to: same prices, same bars
    assert view.image.value is image
    view.controls["usd_per_gpu_hour"].value = 20.0  # the B200 now costs $499,142: its bar grows
    assert view.image.value != image


def test_rank_by_time_and_serving(view):
    view.controls["rank_by"].value = "time"
    assert view.headline.value.startswith("Best: ")
    view.controls["task"].value = "serve"
    assert view.controls["days"].description == "serving period (days)"
    view.controls["rank_by"].value = "cost"
    view.controls["requests_per_s"].value = 10.0
    # 10 x 500 = 5,000 tokens/s of Llama-2 7B on B200s (180 GB, 7.7 TB/s), 40% of the bound: one GPU holds
    # (180e9 / 1.1 - 13.48e9) / 1.074e9 = 139 sequences of 2,048 tokens; a step reads 2 x (6,607,347,712 + 138 x
    # 4096) = 13,215,826,944 B of weights (head, one embedding row per sequence, the rest):
    # 139 x 7.7e12 / (13,215,826,944 + 139 x 1,073,741,824) = 6,587.8 tokens/s x 0.4 = 2,635 -> 2 GPUs
    # (5,270 tokens/s); 2 x 720 h x $2 = $2,880 for 30 days; 5,000 x 2.592e6 = 12,960 M tokens -> $0.22 per million.
    assert view.headline.value.startswith("Best: 2 × B200 — serves 5,270 tokens/s for 30 days: USD 2,880 (USD 0.22 "
                                          "per million tokens)")
    view.controls["task"].value = "lora"
    assert view.controls["days"].description == "deadline (days)"
    assert view.error.value == ""


def test_bad_inputs_show_messages(view):
    view.controls["days"].value = 0.0
    assert "deadline_days" in view.error.value and view.last is None
    view.controls["days"].value = 30.0
    view.controls["budget_usd"].value = -1.0
    assert "budget_usd" in view.error.value
    view.controls["budget_usd"].value = 1e5
    view.controls["model"].value = "GPT-2 small"  # trained on 1,024-token sequences; seq_len is 2,048
    assert "seq_len" in view.error.value
    view.controls["seq_len"].value = 1024
    assert view.error.value == ""
    view.controls["task"].value = "serve"
    view.controls["tokens_per_request"].value = 0
    assert "tokens_per_request" in view.error.value


def test_rent_vs_buy_view():
    view = choosing.rent_vs_buy_view()  # RTX 4090, launch MSRP $1,599, 450 W, rent $0.50/h, $0.15/kWh, 24 h/day
    # 450 W x $0.15/kWh = $0.0675/h; 1,599 / (0.50 - 0.0675) = 3,697 h = 154.0 days = 5.1 months.
    assert view.headline.value.endswith("after 3,697 hours of use = 5.1 months at 24 h/day")
    assert "catalog launch MSRP" in view.details.value
    image = view.image.value
    view.controls["gpu"].value = "RTX 3090"  # loads its $1,499 MSRP; 350 W -> $0.0525/h; 1,499 / 0.4475 = 3,350 h
    assert view.controls["purchase_usd"].value == 1499
    assert "3,350 hours" in view.headline.value and "4.6 months" in view.headline.value
    assert view.image.value != image
    view.controls["gpu"].value = "H100 SXM"  # no MSRP in the catalog: the price stays the learner's
    assert view.controls["purchase_usd"].value == 1499 and "your price" in view.details.value
    view.controls["rent_usd_per_hour"].value = 0.05  # below 700 W x $0.15 = $0.105/h of electricity
    assert view.headline.value.startswith("Never")
    view.controls["purchase_usd"].value = -5.0
    assert "purchase_usd" in view.error.value


def test_catalog_table_and_figures():
    table = choosing.catalog_table_html()
    assert table.count("<tr>") == 20  # header + 19 GPU/TPU rows
    assert "TPU v5e" in table and "Xeon" not in table
    assert 'href="https://www.amd.com/content/dam/amd/en/documents/instinct-tech-docs/data-sheets/' in table
    assert "<td style='padding:1px 6px;text-align:left'>1,979</td>" in table  # H100 dense fp8
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


def test_plot_plans_marks_the_budget():
    plans = planner.rank_hardware("pretrain", "Llama-2 7B", n_tokens=1e11, usd_per_gpu_hour=2.0,
                                  gpus=["H100 SXM", "A100 SXM 80GB", "T4"], budget_usd=10_000)
    ax = choosing.plot_plans(Figure().add_subplot(), plans, "cost", budget_usd=10_000)
    # 2,837.5 H100-hours x $2 = $5,675 (within), 8,999 A100-hours x $2 = $17,998 (over); T4 does not fit.
    assert [round(bar.get_width()) for bar in ax.patches] == [5675, 17998]
    assert [bar.get_facecolor()[:3] for bar in ax.patches][0] != [bar.get_facecolor()[:3] for bar in ax.patches][1]
    assert ax.lines[0].get_xdata()[0] == 10_000 and "budget" in ax.get_xlabel()
    assert [label.get_text() for label in ax.get_yticklabels()] == ["2 × H100 SXM", "2 × A100 SXM 80GB"]
    every = planner.rank_hardware("pretrain", "Llama-2 7B", n_tokens=1e11, usd_per_gpu_hour=2.0)
    assert len(choosing.plot_plans(Figure().add_subplot(), every).patches) == 8  # the 8 cheapest of 17 that fit


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
    for control, value in (("price_for", "B200"), ("usd_per_gpu_hour", 3.0), ("rank_by", "time")):
        view.controls[control].value = value
        assert view.headline.value and view.headline.value.count("$") < 2
    assert rent.headline.value.count("$") < 2
    rent.controls["rent_usd_per_hour"].value = 0.01
    assert rent.headline.value.startswith("Never") and rent.headline.value.count("$") < 2
    assert all(c.description.count("$") < 2 for c in [*view.controls.values(), *rent.controls.values()])
