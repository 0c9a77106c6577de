"""One regression test per defect of the 2026-12 reviews that lies in the core library (issue 13).

D1-D15: shared/reviews/reliability-review-2026-12.md section 6 (and its lower-severity list, "L");
A1-A10: shared/reviews/architecture-review-2026-12.md section 6. Each test reproduces the review's
one-liner and asserts the fixed behaviour. The property test (tests/test_public_api.py) covers the
same classes of input over the whole API; these pin the reported cases by name.
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from oracles import GPT2_SMALL_PARAMS

from course_lib import compute, formats, hardware, memory, models, parallel, planner, quantization, reality, units
from course_lib.checks import CORRECT, NOT_YET, Exercise, Status
from course_lib.checks import flops as flops_checks
from course_lib.checks import memory_precision as mp_checks
from course_lib.checks._base import CheckResult

ROOT = Path(__file__).resolve().parent.parent


# --- D1: units are case-sensitive ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "suggestion"), [("80 gb", "'GB'"), ("80 mb", "'MB'"), ("80 GIB", "'GiB'"),
                                                  ("1.5 m", "'M'")])
def test_d1_lower_or_odd_case_units_are_rejected_with_the_right_spelling(text, suggestion):
    # Before: parse_quantity('80 gb') == 80.0 and parse_quantity('80 GIB') == 8e10 (GB, not GiB).
    with pytest.raises(ValueError, match="^text") as caught:
        units.parse_quantity(text)
    assert "case-sensitive" in str(caught.value) and suggestion in str(caught.value)


@pytest.mark.parametrize("unit", ["Tokens", "Pa", "Mbit", "Gbit", "Ebit", "K", "kWh"])
def test_d1_units_that_begin_with_a_prefix_letter_round_trip(unit):
    # Before: parse_quantity(format_si(1, 'Tokens')) == 1e12 ('T' read as tera).
    for value in (1.0, 2.5e6, 7.25e12):
        assert units.parse_quantity(units.format_si(value, unit, digits=6), unit=unit) == pytest.approx(value)


def test_d1_known_units_without_a_prefix_letter_still_parse_without_unit():
    assert units.parse_quantity("1 kWh") == 1000.0  # kilo + Wh, in Wh
    assert units.parse_quantity("400 Gbit/s") == 400e9
    assert units.parse_quantity("80 GiB") == 80 * 2**30


# --- D2, D3: values validated case-insensitively are stored in canonical form ---------------------------

def test_d2_training_run_unit_is_stored_canonically():
    run = reality.get_run("LLaMA-65B (2048 A100)")
    days = dataclasses.replace(run, unit="Days")
    assert days.unit == "days"
    assert days.predicted(0.4) == run.predicted(0.4)  # before: 1,219,017 (read as GPU-hours) instead of 24.8


def test_d3_model_config_norm_is_canonical_and_flags_are_real_bools():
    gpt2 = models.get_model("GPT-2 small")
    assert gpt2.param_count() == GPT2_SMALL_PARAMS
    assert dataclasses.replace(gpt2, norm="LayerNorm").param_count() == GPT2_SMALL_PARAMS  # before: 19,200 short
    for field in ("gated_mlp", "tied_embeddings", "learned_positions", "bias", "embedding_norm"):
        for bad in ("False", math.nan, None, [], 0):
            with pytest.raises(ValueError, match=f"^{field}"):
                dataclasses.replace(gpt2, **{field: bad})
    assert dataclasses.replace(gpt2, gated_mlp=np.bool_(False)).gated_mlp is False


# --- D4 (part in scope): the inputs that escaped the widgets as OverflowError are now ValueErrors --------

def test_d4_fit_and_training_views_show_huge_batches_as_messages():
    from course_lib.widgets import memory_precision as mp
    fit = mp.fit_view()
    fit.controls["batch"].value = 1e308  # a number box set programmatically, as the sweep did
    assert "batch (sequences) must be a whole number" in fit.error.value and fit.last is None
    training = mp.training_memory_view()
    training.controls["micro_batch"].value = 1e308
    assert "micro batch (sequences) must be a whole number" in training.error.value and training.last is None


# --- D6: bool parameters accept only bools -------------------------------------------------------------

@pytest.mark.parametrize("call, param", [
    (lambda: compute.megatron_training_flops("GPT-3 175B", 3e11, 2048, recompute="False"), "recompute"),
    (lambda: quantization.quantized_bytes(7e9, 4, 128, zero_point="False"), "zero_point"),
    (lambda: quantization.bits_per_weight(4, zero_point="False"), "zero_point"),
    (lambda: parallel.ring_allreduce([np.ones(4), np.ones(4)], record_steps="no"), "record_steps"),
    (lambda: memory.training_memory(7e9, mixed_precision=1), "mixed_precision"),
    (lambda: hardware.list_gpus(include_unlisted="yes"), "include_unlisted"),
])
def test_d6_truthy_strings_are_not_read_as_true(call, param):
    # Before: megatron_training_flops(recompute='False') used the recompute formula (+33 %).
    with pytest.raises(ValueError, match=f"^{param} must be True or False"):
        call()


def test_d6_numpy_bools_count_as_bools():
    assert compute.megatron_training_flops("GPT-3 175B", 3e11, 2048, recompute=np.bool_(False)) == \
        compute.megatron_training_flops("GPT-3 175B", 3e11, 2048, recompute=False)


# --- D7, D14: exercise checks never raise and never mislead --------------------------------------------

@pytest.mark.parametrize("answer", [10**400, -(10**400), b"40", bytearray(b"40"), np.bool_(True), 1 + 2j,
                                    np.array([1.0, 2.0]), {"a": 1}, object(), float("nan")])
def test_d7_check_never_raises(answer):
    for exercise in (*flops_checks.EXERCISES, *mp_checks.EXERCISES):
        assert exercise.check(answer).status == NOT_YET


def test_d14_bytes_and_numpy_bools_are_not_numbers():
    assert mp_checks.ex1.check(b"40").status == NOT_YET  # before: "Correct: 40 GB."
    assert "bytes" in mp_checks.ex1.check(b"40").message
    assert "not True" in mp_checks.ex1.check(np.bool_(True)).message  # before: "1 is too small"


def test_d14_a_near_miss_is_printed_so_it_does_not_read_as_the_answer():
    message = mp_checks.ex4.check(65504.5).message  # the right answer is 65504
    assert message.startswith("65504.5 is too large")  # before: "6.55e+04 is too large"


@pytest.mark.parametrize("n", [math.inf, "abc", math.nan, [1], 10**400, -3, 2.5])
def test_d7_hint_with_any_argument_returns_text(n):
    text = flops_checks.ex1.hint(n)
    assert isinstance(text, str) and (text.startswith("Hint") or text.startswith("hint(n)"))


def test_d7_exercise_kind_is_canonical_and_choice_needs_options():
    number = Exercise("x", expected=lambda: 1.0, kind="Number")  # before: judged as a choice -> IndexError
    assert number.kind == "number" and number.check(1.0).status == CORRECT
    with pytest.raises(ValueError, match="^options"):
        Exercise("pick one", expected=lambda: "a", kind="choice")


def test_hint_returns_the_same_type_with_or_without_hints():
    bare = Exercise("x", expected=lambda: 1.0)
    assert type(bare.hint()) is type(flops_checks.ex1.hint(1))


# --- D8: every parameter is validated, used in this mode or not -----------------------------------------

@pytest.mark.parametrize("kwargs, param", [
    ({"optimizer": "H1OO"}, "optimizer"), ({"zero_stage": -7}, "zero_stage"), ({"checkpointing": None}, "checkpointing"),
    ({"mixed_precision": "no"}, "mixed_precision"),
])
def test_d8_fit_report_in_inference_mode_rejects_bad_training_parameters(kwargs, param):
    # Before: fit_report('Llama-2 7B', 'H100 SXM', optimizer='H1OO', zero_stage=-7, ...)['fits'] was True.
    with pytest.raises(ValueError, match=f"^{param}"):
        memory.fit_report("Llama-2 7B", "H100 SXM", mode="inference", **kwargs)


def test_d8_fit_report_in_training_mode_rejects_a_bad_weight_dtype():
    with pytest.raises(ValueError, match="^dtype"):
        memory.fit_report("Llama-2 7B", "H100 SXM", mode="training", dtype="fp61")


# --- D9: user-built records are validated when built -----------------------------------------------------

def test_d9_a_negative_gpu_cannot_be_built():
    h100 = hardware.get_gpu("H100 SXM")
    with pytest.raises(ValueError, match="^memory_gb"):
        dataclasses.replace(h100, memory_gb=-80)
    with pytest.raises(ValueError, match=r"^tflops\['bf16'\]"):
        dataclasses.replace(h100, tflops={"bf16": -989.5})


def test_d9_training_run_and_exercise_reject_nonsense():
    run = reality.get_run("LLaMA-65B (2048 A100)")
    with pytest.raises(ValueError, match="^published"):
        dataclasses.replace(run, published=0)  # before: implied_mfu() -> ZeroDivisionError
    with pytest.raises(ValueError, match="^within_factor"):
        Exercise("x", expected=lambda: 1.0, within_factor=0.5)  # before: the exact answer was "too small"
    with pytest.raises(ValueError, match="^rel_tol"):
        Exercise("x", expected=lambda: 1.0, rel_tol=-0.1)


# --- D10, D11: huge integers and absurd floats ------------------------------------------------------------

def test_d10_integers_beyond_the_float_range_are_value_errors():
    with pytest.raises(ValueError, match="^n_params") as caught:
        memory.weights_bytes(10**400, "fp16")  # before: OverflowError
    assert "401 digits" in str(caught.value)  # the message does not print 400 digits


def test_d11_pipeline_schedule_with_absurd_sizes_fails_fast():
    start = time.perf_counter()
    for bad in (1e30, 1e300, 10**400, 2**40):
        with pytest.raises(ValueError, match="^n_stages"):
            parallel.pipeline_schedule(bad, 8)  # before: ran until killed, growing to 1.8 GB
    assert time.perf_counter() - start < 1.0


def test_d11_integral_floats_beyond_2_to_53_are_rejected():
    with pytest.raises(ValueError, match="^batch"):
        memory.inference_memory("Llama-2 7B", batch=1e300)  # before: OverflowError
    assert memory.kv_cache_bytes("Llama-2 7B", 4096.0, 2.0) == memory.kv_cache_bytes("Llama-2 7B", 4096, 2)


def test_d11_results_that_overflow_name_their_inputs():
    with pytest.raises(ValueError, match="^n_params, n_tokens"):
        compute.training_flops(1e300, 2e12)  # before: inf
    with pytest.raises(ValueError, match="overhead_fraction"):
        memory.fit_report("Llama-2 7B", "H100 SXM", overhead_fraction=1e300)  # before: required_bytes inf


def test_l_synthetic_weights_too_large_is_a_value_error_naming_shape():
    with pytest.raises(ValueError, match="^shape"):
        quantization.synthetic_weights((10**6, 10**6))  # before: MemoryError


# --- D12: one-row matrices in the quantization plot -------------------------------------------------------

def test_d12_one_row_matrix_plots_and_explores():
    from course_lib.widgets import quantization as wq
    ax = wq.plot_quantization_grid(Figure().add_subplot(), np.ones((1, 256)), 4, granularity="per-channel")
    assert ax.get_title().startswith("4-bit absmax, per-channel")
    view = wq.quantization_explorer_view(shape=(1, 1024))
    assert view.error.value == "" and view.last is not None


# --- D13: messages name the right parameter -----------------------------------------------------------------

def test_d13_mfu_above_one_names_both_inputs():
    with pytest.raises(ValueError, match="^tokens_per_second, n_params"):
        compute.mfu(1e5, 1e30, "A100", 64)


def test_d13_quantize_matrix_names_w_and_granularity():
    with pytest.raises(ValueError, match="^w must be a matrix"):
        quantization.error_vs_bits(0.5, "absmax", "per-channel")  # before: "axis must be ... in [0, 0)"
    with pytest.raises(ValueError, match="^w must be a matrix"):
        quantization.quantize_matrix([0.1, 0.2, 0.3], 4, "absmax", "group 128")
    with pytest.raises(ValueError, match="^granularity"):
        quantization.quantize_matrix(np.ones((2, 3)), 4, "absmax", "group 128")


# --- D15: malformed containers and arguments ---------------------------------------------------------------

def test_d15_ring_allreduce_of_text_is_rejected():
    with pytest.raises(ValueError, match="^arrays"):
        parallel.ring_allreduce(["ab", "cd"])  # before: results ['cd', 'cd']


def test_d15_bubble_fraction_of_a_non_grid_is_rejected():
    with pytest.raises(ValueError, match="^grid"):
        parallel.grid_bubble_fraction("abc")  # before: 0.0


def test_d15_format_si_needs_a_text_unit():
    with pytest.raises(ValueError, match="^unit"):
        units.format_si(3.12e14, None)  # before: '312 TNone'


# --- L: CheckResult status ------------------------------------------------------------------------------------

def test_l_check_result_status_is_an_enum_and_validated():
    assert CheckResult("CORRECT", "ok").status is Status.CORRECT
    assert CheckResult("not yet", "x").status == "not yet"  # still compares equal to the plain string
    with pytest.raises(ValueError, match="^status"):
        CheckResult("wrong", "x")  # before: KeyError when displayed
    assert "Correct" in CheckResult(CORRECT, "fine")._repr_html_()


# --- A1: one number-format registry; dtype = storage, precision = hardware rate --------------------------

def test_a1_bytes_per_param_are_derived_from_the_format_registry():
    for dtype in formats.DTYPES:
        if dtype != "int4":  # int4 is memory.INT4_BYTES_PER_PARAM, a stated convention
            assert memory.bytes_per_param(dtype) == formats.format_info(dtype).bits / 8
    assert formats.resolve("fp8") == "fp8_e4m3"
    assert set(hardware.PRECISIONS) == set(formats.PRECISIONS)


# --- A5: no private cross-module calls -----------------------------------------------------------------------

def test_a5_no_module_calls_another_modules_private_names():
    names = sorted(p.stem for p in (ROOT / "course_lib").glob("*.py") if p.stem != "__init__")
    names += sorted(p.stem for p in (ROOT / "course_lib" / "widgets").glob("*.py") if not p.stem.startswith("__"))
    assert {"serving", "topology", "layouts", "planner", "measure", "_view"} <= set(names)
    private = re.compile(rf"\b({'|'.join(names)})\._[a-z]\w*")
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for folder in ("course_lib", "notebooks", "solutions")
                 for path in sorted((ROOT / folder).rglob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if private.search(line)]
    assert offenders == []


# --- D5: a deadline that needs more GPUs than exist is a plan that does not fit, not a crash -------------------

@pytest.mark.parametrize("days", [1e-9, 1e-308])
def test_d5_an_impossible_deadline_is_a_plan_that_does_not_fit(days):
    job = planner.Job("pretrain", "Llama-2 7B", n_tokens=2e12, deadline_days=days)
    plan = planner.plan(job, "H100 SXM")  # before: TypeError comparing None with an int, or OverflowError
    assert not plan.fits and "more than 16,777,216 GPUs" in plan.note
    assert planner.rank_hardware(job, gpus=["H100 SXM"]).not_fitting == (plan,)


# --- A8: catalog records hashable; TPU v4 is data -------------------------------------------------------------

def test_a8_gpu_hashable_and_tpu_v4_from_the_catalog():
    assert len({hardware.get_gpu("a100"), hardware.get_gpu("A100 SXM 80GB")}) == 1  # before: TypeError
    assert reality.TPU_V4 is hardware.get_gpu("tpu-v4")


# --- A9: guards the mutation probe showed untested ---------------------------------------------------------------

def test_a9_tf32_rounding_keeps_a_nan_whose_mantissa_is_all_ones():
    # float64 NaN 0x7FFF...F becomes float32 0x7FFFFFFF. Rounding away the 13 low bits adds 0x0FFF + 1, which
    # carries through the exponent into the sign: without the NaN guard the result is 0x80000000, i.e. -0.0.
    nan_all_ones = np.array([0x7FFF_FFFF_FFFF_FFFF], dtype=np.uint64).view(np.float64)
    assert math.isnan(nan_all_ones[0])
    assert math.isnan(formats.round_to(nan_all_ones, "tf32")[0])


@pytest.mark.parametrize("estimate", [0, 3, 7, 8, 50, 10**6, -4])
def test_a9_largest_fitting_corrects_an_estimate_that_is_off_either_way(estimate):
    calls = []

    def fits(n):
        calls.append(n)
        return n <= 7

    assert memory.largest_fitting(estimate, fits) == 7
    assert len(calls) < 60  # doubling steps and bisection, not a walk


def test_a9_largest_fitting_stops_at_the_limit_and_at_zero():
    assert memory.largest_fitting(10, lambda n: True, limit=1000) == 1000
    assert memory.largest_fitting(10, lambda n: n == 0) == 0
