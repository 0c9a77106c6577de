"""course_lib.reality against the papers it quotes.

For every row: the published value as the paper prints it, and the course's prediction derived by
hand below (never by calling the code under test). Each row must stay within its tolerance, and
the tolerance may not be loosened past the ceiling written here with its reason.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracles import LLAMA2_7B_PARAMS, LLAMA2_13B_PARAMS, LLAMA2_70B_PARAMS

from course_lib import reality

DAY, HOUR = 86400.0, 3600.0

# key: (published as printed, prediction by hand, ceiling on the row's tolerance and why)
EXPECTED = {
    # Brown et al. 2020, Table D.1: 3.14e23 FLOP. 6 x 174,604,259,328 (Table 2.1 shapes) x 300e9 tokens.
    # Ceiling 0.2 %: the table prints 3 significant figures (+-0.16 %).
    "gpt3-compute": (3.14e23, 6 * 174_604_259_328 * 300e9, 0.002),
    # Narayanan et al. 2021, section 5.1: 34 days. 96 x 96 x 12288^2 = 1,391,569,403,904;
    # bracket 1 + 2048/73728 + 50257/18874368 = 1.0304405; x 300e9 tokens = 4.301788e23 FLOP;
    # / (1024 x 140e12 FLOP/s) = 3,000,690 s = 34.7302 days. Ceiling 3 %: their 8TP/(nX) drops the 1.03 bracket.
    "megatron-gpt3-days": (34, 1_391_569_403_904 * (1 + 2048 / 73728 + 50257 / 18874368) * 300e9
                           / (1024 * 140e12) / DAY, 0.03),
    # Touvron et al. 2023, section 2.4: ~21 days. 1.4e12 tokens / (380 x 2048 tokens/s) = 1,798,931 s = 20.821 days.
    # Ceiling 2.5 %: "approximately 21 days" (+-0.5 day).
    "llama65b-days": (21, 1.4e12 / (380 * 2048) / DAY, 0.025),
    # Touvron et al. 2023b, Table 2 GPU-hours; 6 N x 2e12 / (312e12 x 0.40) / 3600 with the HF parameter counts:
    # 7B: 8.0861e22 / 1.248e14 / 3600 = 179,979; 13B: 347,646; 70B: 1,842,325.
    # Ceiling 10 %: the MFU is assumed (40 %), the implied ones are 39.1 %, 37.7 %, 42.8 %.
    "llama2-7b-gpu-hours": (184_320, 6 * LLAMA2_7B_PARAMS * 2e12 / (312e12 * 0.4) / HOUR, 0.10),
    "llama2-13b-gpu-hours": (368_640, 6 * LLAMA2_13B_PARAMS * 2e12 / (312e12 * 0.4) / HOUR, 0.10),
    "llama2-70b-gpu-hours": (1_720_320, 6 * LLAMA2_70B_PARAMS * 2e12 / (312e12 * 0.4) / HOUR, 0.10),
    # Rajbhandari et al. 2020, Figure 1: 7.5e9 params x (2 + 2 + 12) bytes, partitioned over 64 GPUs.
    # Ceilings: half the last printed digit (0.5 GB of 120, 0.05 GB of the others).
    "zero-stage0": (120, 7.5 * 16, 0.5 / 120),
    "zero-stage1": (31.4, 7.5 * (2 + 2 + 12 / 64), 0.05 / 31.4),  # 31.40625
    "zero-stage2": (16.6, 7.5 * (2 + 14 / 64), 0.05 / 16.6),  # 16.640625
    "zero-stage3": (1.9, 7.5 * 16 / 64, 0.05 / 1.9),  # 1.875
    # Kwon et al. 2023, section 3: "800 KB" = 2 x 5120 x 40 x 2 bytes = 819,200 B = 800 KiB. Ceiling: exact.
    "vllm-kv-opt13b": (800, 2 * 5120 * 40 * 2 / 1024, 0.001),
    # Chowdhery et al. 2022, Table 3: 46.2 %. 6 x 540.35e9 x 238.3e3 / (6144 x 275e12) = 45.7264 %.
    # Ceiling 1.5 %: PaLM adds 12LHQT attention FLOP (Table 22: 3.28 vs 6N = 3.24 TFLOP/token, +1.2 %).
    "palm-mfu": (46.2, 100 * 6 * 540.35e9 * 238.3e3 / (6144 * 275e12), 0.015),
    # Same paper, appendix B, without self-attention: 45.7 %. Ceiling 0.2 %: printed to 0.1, N rounded to 540e9.
    "palm-mfu-no-attention": (45.7, 100 * 6 * 540.35e9 * 238.3e3 / (6144 * 275e12), 0.002),
    # PaLM appendix B for MT-NLG: 29.7 %. 6 x 530e9 x 65.43e3 / (2240 x 312e12) = 29.7715 %. Ceiling 0.5 %: cut off.
    "mtnlg-mfu": (29.7, 100 * 6 * 530e9 * 65.43e3 / (2240 * 312e12), 0.005),
}


def test_every_published_number_is_covered_once():
    keys = [row.key for row in reality.COMPARISONS]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(EXPECTED)


@pytest.mark.parametrize("row", reality.COMPARISONS, ids=lambda row: row.key)
def test_every_row_has_a_source_and_says_why(row):
    assert re.search(r"arXiv:\d{4}\.\d{4,5}", row.source), row.source
    assert re.search(r"(Table|Section|Figure|Appendix) [\dA-Z.]+", row.source), row.source
    assert row.unit and row.formula and row.explanation and row.tolerance_reason
    assert row.inputs and all(name and value for name, value in row.inputs)


@pytest.mark.parametrize("row", reality.COMPARISONS, ids=lambda row: row.key)
def test_prediction_matches_hand_derivation_and_published_value(row):
    published, by_hand, ceiling = EXPECTED[row.key]
    assert row.published == published
    assert row.predicted() == pytest.approx(by_hand, rel=1e-6)
    assert 0 < row.tolerance <= ceiling * (1 + 1e-9)
    assert abs(by_hand / published - 1) <= row.tolerance
    assert row.within_tolerance()
    assert row.percent_difference() == pytest.approx(100 * (by_hand / published - 1), rel=1e-6, abs=1e-9)


def test_differences_are_what_the_papers_explain():
    # Signs and sizes that the notebook's prose relies on.
    assert reality.get_comparison("megatron-gpt3-days").percent_difference() == pytest.approx(2.15, abs=0.01)
    assert reality.get_comparison("palm-mfu").percent_difference() == pytest.approx(-1.03, abs=0.01)
    assert reality.get_comparison("zero-stage3").percent_difference() == pytest.approx(-1.32, abs=0.01)
    assert reality.get_comparison("vllm-kv-opt13b").difference() == 0


def test_derivation_details_by_hand():
    megatron = dict(reality.get_comparison("megatron-gpt3-days").details())
    # Megatron / 6ND = 4.301788e23 / 3.142877e23 = 1.3687; 140/312 / 1.3687 = 32.8 % MFU.
    assert megatron["Megatron FLOP / 6ND, about 8/6 x (1 + s/6h + V/16lh)"] == "1.3687"
    assert megatron["the same run as 6ND MFU: 140/312 x 6ND / Megatron FLOP"] == "32.8%"
    # LLaMA-65B: 6 x 65.2e9 x 380 / 312e12 = 47.6 %.
    assert dict(reality.get_comparison("llama65b-days").details())["implied MFU (compute.mfu)"] == "47.6%"
    # Llama-2 7B: 6 x 6,738,415,616 x 2e12 / (184,320 x 3600 x 312e12) = 39.1 %.
    assert dict(reality.get_comparison("llama2-7b-gpu-hours").details())["MFU that makes 6ND agree"] == "39.1%"
    # GPT-3 with causal attention at 2048 tokens: 1.4 % more than 6ND (compute's own tests pin the formula).
    assert dict(reality.get_comparison("gpt3-compute").details())["attention adds"] == "1.4%"


# ---------------------------------------------------------------- training runs

def test_training_runs_by_hand():
    llama = reality.get_run("LLaMA-65B (2048 A100)")
    # 6 x 65.2e9 x 1.4e12 / (2048 x 312e12 x 0.4) = 2,142,857 s = 24.80 days.
    assert llama.predicted(0.4) == pytest.approx(6 * 65.2e9 * 1.4e12 / (2048 * 312e12 * 0.4) / DAY, rel=1e-12)
    # Implied: 6 x 65.2e9 x 1.4e12 / (2048 x 312e12 x 21 days) = 0.47240.
    assert llama.implied_mfu() == pytest.approx(0.47240, abs=1e-5)
    megatron = reality.get_run("GPT-3 175B, Megatron-LM estimate (1024 A100)")
    # 6 x 174,604,259,328 x 300e9 / (1024 x 312e12 x 34 days) = 0.33487.
    assert megatron.implied_mfu() == pytest.approx(0.33487, abs=1e-5)
    seven = reality.get_run("Llama-2 7B")
    assert seven.unit == "GPU-hours" and seven.published == 184_320
    assert seven.implied_mfu() == pytest.approx(0.3906, abs=1e-4)  # as in tests/test_compute.py
    assert reality.get_run("Llama-2 70B").implied_mfu() == pytest.approx(0.4284, abs=1e-4)
    # 24.80 days predicted at 40 % vs 21 published: +18.1 %.
    assert llama.difference(0.4) == pytest.approx(6 * 65.2e9 * 1.4e12 / (2048 * 312e12 * 0.4) / DAY / 21 - 1, rel=1e-12)


def test_megatron_utilizations_by_hand():
    # 140 TFLOP/s of the A100's 312: 0.448718 of the peak, recomputation included (a hardware FLOPs utilization).
    assert reality.megatron_hfu() == pytest.approx(0.448718, rel=1e-6)
    # Counted as MFU: 0.448718 x 6ND / Megatron FLOP = 0.448718 / 1.3687 = 0.32784.
    assert reality.megatron_mfu() == pytest.approx(0.32784, rel=1e-4)


@pytest.mark.parametrize("run", reality.TRAINING_RUNS, ids=lambda run: run.name)
def test_runs_have_sources_and_agree_at_their_implied_mfu(run):
    assert re.search(r"arXiv:\d{4}\.\d{4,5}", run.source)
    assert 0.3 < run.implied_mfu() < 0.5
    assert run.predicted(run.implied_mfu()) == pytest.approx(run.published, rel=1e-9)


@given(st.sampled_from(reality.TRAINING_RUNS), st.floats(min_value=0.01, max_value=1.0))
def test_time_is_inversely_proportional_to_mfu(run, mfu):
    assert run.predicted(mfu) * mfu == pytest.approx(run.predicted(1.0), rel=1e-9)


def test_tpu_v4_from_google_documentation():
    # Google Cloud TPU v4 docs: 275 bf16 TFLOPS per chip, 32 GiB HBM2 (= 34.36 GB), 1200 GBps.
    assert reality.TPU_V4.peak_flops("bf16") == 275e12
    assert reality.TPU_V4.memory_bytes == 32 * 2**30
    assert reality.TPU_V4.memory_bandwidth_gbs == 1200
    assert "cloud.google.com/tpu/docs/v4" in reality.TPU_V4.source


# ---------------------------------------------------------------- validation

@pytest.mark.parametrize("call, param", [
    (lambda: reality.get_run("LLaMA-66B (2048 A100)"), "run"),
    (lambda: reality.get_comparison("gpt4-compute"), "comparison"),
    (lambda: reality.get_run("Llama-2 7B").predicted(0), "mfu"),
    (lambda: reality.get_run("Llama-2 7B").predicted(1.5), "mfu"),
    (lambda: reality.TrainingRun("x", 1e9, 1e9, "A100 SXM 80GB", 1, 1, "weeks", "s"), "unit"),
    (lambda: reality.TPU_V4.peak_flops("fp32"), "precision"),
])
def test_bad_input_raises_value_error_naming_the_parameter(call, param):
    with pytest.raises(ValueError, match=rf"^{param}"):
        call()


def test_unknown_run_lists_close_matches():
    with pytest.raises(ValueError, match="did you mean"):
        reality.get_run("Llama-2 7")
