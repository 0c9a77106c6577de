"""The public API of course_lib for the property test (tests/test_public_api.py).

Every public function and record class of each module in :data:`MODULES` is found by
introspection; its parameters' kinds come from their annotations (``int``, ``float``, ``bool``,
``str``, ``ModelLike``/``GPULike``, ``ArrayLike``) and a valid call is built from :data:`VALID`
(by parameter name) and :data:`OVERRIDES` (by function). A new module is one line in
:data:`MODULES`, plus entries for parameter names :data:`VALID` does not know yet.

Nothing is skipped silently: callables left out are listed in :data:`NOT_FUZZED` with the reason.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

import numpy as np
from fakes import synthetic_cpu_report

from course_lib import layouts, measure, planner, prices, serving

# Modules whose public callables are fuzzed: every public module of course_lib (test_every_module_is_listed
# fails when a new one is missing). A new module is one line here.
MODULES = (
    "course_lib.units",
    "course_lib.formats",
    "course_lib.hardware",
    "course_lib.models",
    "course_lib.memory",
    "course_lib.compute",
    "course_lib.quantization",
    "course_lib.parallel",
    "course_lib.reality",
    "course_lib.checks._base",
    "course_lib.chip",
    "course_lib.memory_hierarchy",
    "course_lib.tiling",
    "course_lib.attention",
    "course_lib.server",
    "course_lib.storage",
    "course_lib.power",
    "course_lib.software_stack",
    "course_lib.glossary",
    "course_lib.prices",
    "course_lib.topology",
    "course_lib.layouts",
    "course_lib.published_layouts",
    "course_lib.serving",
    "course_lib.planner",
    "course_lib.measure",
)

# A valid value of each parameter name, shared by every function that uses the name.
VALID: dict[str, Any] = {
    "value": 3.0, "unit": "B", "digits": 3, "n_bytes": 8e10, "text": "80 GB", "seconds": 3600.0, "low": 3000.0,
    "high": 4000.0,
    "name": "fp16", "param": "dtype", "x": np.linspace(-1.0, 1.0, 64).reshape(8, 8), "loss_scale": 1024.0,
    "bits": 4, "include_unlisted": False, "dtype": "bf16", "n_params": 7e9, "optimizer": "adam",
    "mixed_precision": True, "zero_stage": 1, "n_gpus": 8, "activations_bytes": 1e9, "model": "Llama-2 7B",
    "seq_len": 2048, "micro_batch": 1, "checkpointing": "selective", "tensor_parallel": 1,
    "sequence_parallel": False, "batch": 2, "kv_dtype": None, "overhead_fraction": 0.1, "gpu": "H100 SXM",
    "mode": "inference", "estimate": 3, "fits": (lambda n: n <= 5), "m": 64, "n": 64, "k": 64,
    "n_tokens": 2e12, "recompute": True, "total_flops": 1e21, "mfu": 0.4, "precision": "bf16",
    "tokens_per_second": 1e4, "power_w": 700.0, "pue": 1.2, "usd_per_gpu_hour": 2.0,
    "arithmetic_intensity": 100.0, "efficiency": 0.7, "bytes_per_element": 2.0, "n_elements": 1000, "flops": 1e12,
    "parallel_fraction": 0.95, "n_workers": 64, "first": "A100 SXM 80GB", "second": "H100 SXM", "tokens": 16,
    "d": 256, "scheme": "absmax", "axis": None, "group_size": None, "q": np.arange(-4, 4, dtype=np.int8),
    "scale": 0.5, "zero_point": np.int8(0), "granularity": "per-channel", "shape": (8, 64),
    "w": np.linspace(-1.0, 1.0, 512).reshape(8, 64), "x_hat": np.linspace(-1.0, 1.0, 64).reshape(8, 8) * 0.99,
    "scale_bytes": 2.0, "seed": 0, "std": 0.02, "threshold": 6.0, "gen": 4, "lanes": 16,
    "link_gbit_per_s": 400.0, "link": "NVLink A100", "bandwidth_gbs": 300.0, "algorithm": "ring",
    "latency_s": 1e-5, "arrays": [np.ones(8), np.arange(8.0)], "record_steps": False, "n_stages": 4,
    "n_microbatches": 8, "schedule": "1f1b", "backward_ratio": 2, "grid": [[("F", 0), None], [None, ("B", 0)]],
    "n_parts": 2, "activation": "gelu", "w1": np.ones((8, 16)), "w2": np.ones((16, 8)), "stage": 2,
    "compute_seconds": 1.0, "communication_seconds": 0.5, "n_keys": 2048, "width": 4096, "n_layers": 32, "grad_dtype": "bf16", "overlap": 0.5, "tokens_per_gpu": 4096, "key": "gpt3-compute",
    "exercises": [], "wrong": (lambda e: 2 * e), "message": "a message", "status": "correct",
    "published": 21.0, "source": "a paper, section 1", "limit": (lambda: 46.5), "side": "max",
    # notebook 02's modules
    "tile": 4, "a": np.ones((8, 8)), "b": np.ones((8, 8)), "sm_tile": 128, "head_dim": 64, "sram_values": 4096,
    "method": "tiled", "system": "DGX H100", "checkpoint_seconds": 20.0, "mtbf_seconds": 40_000.0,
    "interval_seconds": 1300.0, "it_power_w": 10_200.0, "nodes_per_rack": 4, "delta_t_k": 10.0,
    "airflow_cfm": 1105.0, "layer": "collective communication", "vendor": "AMD",
    # prices, topology, layouts
    "region": "Texas", "sector": "commercial", "gpus": ["H100 SXM", "L4"], "op": "all-reduce", "label": "NVLink H100",
    "global_batch": 16,
    # serving
    "context": 1024, "batches": (1, 8, 64), "prompt_tokens": 512, "output_tokens": 64, "tokens_per_sequence": 2048,
    "lengths": [100, 600, 4000], "reserved_tokens": 4096, "block_size": 16, "acceptance_rate": 0.8, "draft_tokens": 4,
    "cost_ratio": 0.1, "mean_tokens": 600, "arrival_rate": 2.0,
    # planner
    "task": "pretrain", "purchase_usd": 1599.0, "rent_usd_per_hour": 0.5, "usd_per_kwh": 0.15, "months": 12.0,
}
_DEPLOYMENT = serving.deployment("Llama-2 7B", "H100 SXM")

VALID.update({
    "report": synthetic_cpu_report(), "result": measure.reference_race("L4"), "flags": ("avx2", "fma"),
    "cores": 8, "clock_mhz": 3000.0, "device_name": "NVIDIA H100 80GB HBM3",
    "dep": _DEPLOYMENT, "target": serving.deployment("Llama-2 70B", "H200 SXM", n_gpus=2),
    "draft": serving.deployment("Llama-2 7B", "H200 SXM"), "layout": layouts.Layout(tp=8),
    "job": planner.Job("pretrain", "Llama-2 7B", n_tokens=1e9), "prices": prices.rent_prices(["H100 SXM", "L4"]),
})

# Valid calls where a parameter name means something else in one function ("module.function": {name: value}).
OVERRIDES: dict[str, dict[str, Any]] = {
    "course_lib.formats.value_from_bits": {"bits": 0x3C00},
    "course_lib.formats.round_to": {"name": "bf16"},
    "course_lib.formats.resolve": {"name": "float16"},
    "course_lib.formats.dtype": {"name": "BF16"},
    "course_lib.formats.bytes_per_value": {"name": "int4"},
    "course_lib.hardware.get_gpu": {"name": "a100"},
    "course_lib.models.get_model": {"name": "llama-2-7b"},
    "course_lib.reality.get_run": {"name": "LLaMA-65B (2048 A100)"},
    "course_lib.quantization.dequantize": {"q": np.arange(-4, 4, dtype=np.int8), "scale": 0.5},
    "course_lib.quantization.error_vs_bits": {"bits": (2, 4, 8)},
    "course_lib.quantization.prune_2_4": {"axis": -1},
    "course_lib.quantization.int8_matmul": {"x": np.ones((4, 8)), "w": np.ones((8, 3))},
    "course_lib.quantization.mixed_int8_matmul": {"x": np.ones((4, 8)), "w": np.ones((8, 3))},
    "course_lib.parallel.column_parallel_matmul": {"x": np.ones((4, 8)), "w": np.ones((8, 6))},
    "course_lib.parallel.row_parallel_matmul": {"x": np.ones((4, 8)), "w": np.ones((8, 6))},
    "course_lib.parallel.tensor_parallel_mlp": {"x": np.ones((4, 8))},
    "course_lib.units.format_si": {"value": 3.12e14, "unit": "FLOPS"},
    "course_lib.compute.mfu": {"tokens_per_second": 1e4, "n_params": 7e9},
    "course_lib.compute.matmul_arithmetic_intensity": {"m": 16, "n": 16, "k": 16},
    "course_lib.memory.fewest_gpus": {"model": "Llama-2 70B"},
    "course_lib.compute.megatron_training_flops": {"model": "GPT-3 175B"},
    "course_lib.checks._base.CheckResult": {"message": "right"},
    "course_lib.reality.TrainingRun": {"name": "a run", "n_params": 65.2e9, "n_tokens": 1.4e12, "gpu": "A100 SXM 80GB",
                                       "n_gpus": 2048, "unit": "days"},
    "course_lib.attention.softmax_attention": {"q": np.ones((16, 8)), "k": np.ones((16, 8)), "v": np.ones((16, 8))},
    "course_lib.attention.tiled_attention": {"q": np.ones((16, 8)), "k": np.ones((16, 8)), "v": np.ones((16, 8)),
                                             "sram_values": 256},
    "course_lib.server.nvlink_domain": {"system": "GB200 NVL72"},
    "course_lib.serving.simulate": {"n_requests": 50},
    "course_lib.planner.rank_hardware": {"gpus": ["H100 SXM", "L4"]},
    "course_lib.planner.rentable_gpus": {"n_gpus": 16},
    "course_lib.planner.Job": {"n_tokens": 1e12},
    "course_lib.planner.replica_throughput": {"job": planner.Job("serve", "Llama-2 7B")},
    "course_lib.chip.constant": {"name": "warp_threads"},
    "course_lib.power.fluid": {"name": "water"},
    "course_lib.topology.get_system": {"name": "dgx-h100"},
    "course_lib.topology.group_link": {"group_size": 16},
    "course_lib.topology.collective_time": {"group_size": 16},
    "course_lib.published_layouts.get_published": {"key": "megatron-gpt3"},
    "course_lib.serving.get_measurement": {"key": "llama.cpp-4090"},
    "course_lib.storage.write_seconds": {"per_node_gbs": 10.0},
    "course_lib.measure.format_gpu_report": {"report": measure.GPUReport(available=False, reason="no GPU here")},
    "course_lib.measure.format_report": {"m": measure.Measurement(cpu=synthetic_cpu_report(), gpu=measure.GPUReport(
        available=False, reason="no GPU here"), race=None)},
}

# Result records: built by the library from validated inputs, never typed by a learner.
_RESULTS = {
    "chip": ("PeakRebuild", "Parallelism"), "memory_hierarchy": ("MemoryLevel", "WorkingSet"),
    "tiling": ("MatmulTraffic", "TileOnRoofline"), "attention": ("AttentionCounts", "AttentionIO", "AttentionOnRoofline"),
    "server": ("Path", "TensorParallelLink"), "storage": ("Checkpoint",), "power": ("NodePower", "TokenEnergy"),
    "prices": ("Price",), "topology": ("GroupLink", "CollectiveTime"),
    "layouts": ("ModelShape", "MemoryPerGPU", "StepTime", "LayoutResult", "SearchResult"),
    "serving": ("Deployment", "Step", "Timeline", "BatchPoint", "KVAllocation", "Speculation", "SimulationResult"),
    "planner": ("Plan", "Ranking"),
    "measure": ("Spread", "CPUReport", "MatmulSweep", "GPUReport", "Race", "AchievedFraction", "Measurement"),
}
# Catalog rows: loaded from course_lib/data (validated at load) or written in the module itself.
_CATALOG_ROWS = {
    "chip": ("ChipArch", "UnitTerms"), "software_stack": ("Layer",), "glossary": ("Term",),
    "prices": ("RentObservation", "PurchaseObservation", "ElectricityObservation"), "topology": ("Link", "System"),
    "published_layouts": ("PublishedLayout",), "serving": ("Measurement",), "measure": ("ReferenceMeasurement",),
}

# Record classes built only by the library (results), and callables whose inputs are not data.
NOT_FUZZED: dict[str, str] = {
    **{f"course_lib.{m}.{c}": "a result record: built by the library, never from user input"
       for m, classes in _RESULTS.items() for c in classes},
    **{f"course_lib.{m}.{c}": "catalog rows: loaded from course_lib/data or written in the module, checked by its tests"
       for m, classes in _CATALOG_ROWS.items() for c in classes},
    **{f"course_lib.measure.{f}": "runs a timed measurement (up to measure.MAX_BUDGET_S per call); its bounds and "
                                  "bad-input errors are tested in tests/test_measure.py"
       for f in ("time_calls", "matmul_rate", "python_loop_rate", "memory_copy_rate", "measure_cpu", "cpu_report",
                 "measure_gpu", "gpu_report", "cpu_race_seconds", "race", "measure_all")},
    "course_lib.measure.main": "the command-line entry point (argparse exits on bad arguments, as CLIs do)",
    "course_lib.glossary.main": "the command-line entry point that writes or checks docs/glossary.md",
    "course_lib.formats.FormatInfo": "a result record: built from the format table, never from user input",
    "course_lib.formats.Decomposition": "a result record returned by decompose()",
    "course_lib.parallel.RingAllReduceResult": "a result record returned by ring_allreduce()",
    "course_lib.memory.GpuCount": "a result record returned by fewest_gpus()",
    "course_lib.quantization.PublishedPerplexity": "catalog rows of published perplexities written in quantization.py",
    "course_lib.reality.Comparison": "catalog rows written in reality.py (callables in fields); validated when built",
    "course_lib.checks._base.Exercise": "takes callables and Trap lists; fuzzed in tests/test_checks_base.py",
    "course_lib.hardware.GPU": "record of 20 fields; fuzzed field by field in tests/test_hardware.py",
    "course_lib.models.ModelConfig": "record of 18 fields; fuzzed field by field in tests/test_models.py",
}

# Text parameters that take any string (no lookup): only non-strings are bad.
FREE_TEXT = {"message", "param", "source", "note"}
FREE_TEXT_IN = {"course_lib.units.format_si": {"unit"}, "course_lib.units.parse_quantity": {"unit"},
                "course_lib.reality.TrainingRun": {"name"}, "course_lib.measure.parse_cpuinfo": {"text"},
                "course_lib.measure.flop_per_cycle": {"vendor"}, "course_lib.measure.peak_gflops_estimate": {"vendor"},
                "course_lib.measure.catalog_gpu_for": {"device_name"}}
# Developer-facing parameters that name the caller's parameter in messages: not data, not fuzzed.
NOT_FUZZED_PARAMS = {"param"}
# Parameters whose valid values include NaN or inf by design (decompose shows what a format stores).
NON_FINITE_OK = {"course_lib.formats.decompose": {"value"}, "course_lib.formats.round_to": {"x"},
                 "course_lib.formats.value_from_bits": set()}
# Integer parameters that accept negative values (numpy axes).
NEGATIVE_OK = {"axis", "estimate"}


@dataclasses.dataclass(frozen=True)
class Target:
    """One public callable: ``qualname`` "module.function", the callable, its valid keyword arguments."""

    qualname: str
    call: Callable[..., Any]
    valid: dict[str, Any]
    kinds: dict[str, str]
    optional: frozenset[str]
    message_name: str | None = None  # the name lookups report (the default of a ``param`` parameter)


def _kind(qualname: str, name: str, hint: Any) -> tuple[str, bool]:
    """(kind, None allowed) of a parameter from its annotation."""
    args = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    optional = type(None) in args
    args = tuple(a for a in args if a is not type(None))
    names = {getattr(a, "__name__", str(a)) for a in args}
    if args == (bool,):
        return "flag", optional
    if args == (int,):
        return ("int_any_sign" if name in NEGATIVE_OK else "int"), optional
    if args == (float,):
        return "number", optional
    if args == (str,):
        free = name in FREE_TEXT or name in FREE_TEXT_IN.get(qualname, set())
        return ("text" if free else "name"), optional
    if names & {"ModelConfig", "GPU"}:
        return "lookup", optional
    if "ndarray" in names or "ArrayLike" in str(hint) or "_SupportsArray" in str(hint):
        return "array", optional
    return "object", optional


def targets() -> list[Target]:
    """Every public callable of :data:`MODULES` with a valid call, minus :data:`NOT_FUZZED`."""
    found = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name, obj in vars(module).items():
            qualname = f"{module_name}.{name}"
            public = not name.startswith("_") and getattr(obj, "__module__", None) == module_name
            callable_kind = inspect.isfunction(obj) or (inspect.isclass(obj) and dataclasses.is_dataclass(obj))
            if not public or not callable_kind or qualname in NOT_FUZZED:
                continue
            hints = typing.get_type_hints(obj.__init__ if inspect.isclass(obj) else obj)
            signature = inspect.signature(obj).parameters
            parameters = [p for p in signature.values() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
                          and not p.name.startswith("_") and p.name not in NOT_FUZZED_PARAMS]
            overrides = OVERRIDES.get(qualname, {})
            valid, kinds, optional = {}, {}, set()
            for p in parameters:
                if p.name in overrides:
                    valid[p.name] = overrides[p.name]
                elif p.default is inspect.Parameter.empty:
                    valid[p.name] = VALID[p.name]
                kinds[p.name], none_ok = _kind(qualname, p.name, hints.get(p.name))
                if none_ok or p.default is None:
                    optional.add(p.name)
            message_name = signature["param"].default if "param" in signature else None
            found.append(Target(qualname, obj, valid, kinds, frozenset(optional), message_name))
    return found
