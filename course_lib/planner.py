"""Choosing hardware: which catalog GPUs can run a job, how many, how long, at what cost; rent vs buy.

Pure functions over the catalog (:mod:`course_lib.hardware`), the model presets and the memory and
compute calculators. Prices are always the caller's: the catalog sources no rental prices, and
purchase prices only for GeForce cards (launch MSRPs).

Tasks:

* ``"pretrain"`` and ``"finetune"``: full training, 6 N D FLOP (N = parameters a token uses) with
  mixed-precision Adam state sharded by ZeRO stage 3 over data-parallel GPUs
  (:func:`course_lib.memory.fit_report`, Rajbhandari et al. 2020). They differ only in the tokens.
* ``"lora"``: a weights-frozen approximation of LoRA-style fine-tuning (Hu et al. 2021,
  arXiv:2106.09685): the frozen weights in the compute precision's dtype, sharded over the GPUs,
  plus the activations (:func:`course_lib.memory.weights_bytes`,
  :func:`course_lib.memory.activation_bytes`); the adapters and their optimizer state are ignored
  (the paper trains 4.7M or 37.7M of GPT-3's 175B parameters, Table 4). The paper's own memory
  figure matches: training GPT-3 175B took 350 GB of VRAM with LoRA instead of 1.2 TB (Section
  4.2), i.e. 2 bytes per weight. FLOP = 4 N D: the forward pass (2 N D) and the backward pass
  through the activations (2 N D), but no weight gradients (the other 2 N D). That is an ideal
  1.5x over 6 N D; the LoRA paper measured 43.1 vs 32.5 tokens/s per V100 on GPT-3 175B
  (Section 4.2, footnote 5: 1.33x), so 4 N D times are optimistic by about 13 %.
* ``"serve"``: decode throughput from the memory-bandwidth bound and the compute ceiling
  (:func:`course_lib.compute.decode_tokens_per_second`,
  :func:`course_lib.compute.decode_compute_bound_tokens_per_second`). The weights are split by
  tensor parallelism over a group whose size divides the attention-head count (vLLM refuses
  other sizes: "Total number of attention heads must be divisible by tensor parallel size",
  ``ModelConfig.verify_with_parallel_config``). Of the allowed sizes from the smallest that fits
  up to one 8-GPU server (:data:`MAX_GROUP`), the one needing the fewest GPUs in all is chosen
  (a bigger group holds more KV cache, so a bigger batch); groups are replicated to carry the
  traffic. The KV cache is split evenly over the group (vLLM replicates KV heads when the group is
  larger than their number, e.g. 16 chips for Llama-2 70B's 8: then this underestimates).
  Prefill (reading the prompts) is not counted.

Times assume perfect scaling: ``mfu`` (training) or ``efficiency`` (serving) is the fraction of the
bound reached, the same on 1 or 1,000 GPUs. Energy is every board at its TDP
(:func:`course_lib.compute.energy_kwh`), None where no TDP is published (TPU v5e).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from course_lib import _validate, compute, hardware, memory, models, units

TASKS = ("pretrain", "finetune", "lora", "serve")
TRAINING_TASKS = ("pretrain", "finetune", "lora")
RANK_BY = ("cost", "time")
PRECISIONS = ("bf16", "fp16", "fp8")  # compute precisions the planner offers (weights in this dtype when serving)
DAYS_PER_MONTH = units.SECONDS_PER_YEAR / 12 / units.SECONDS_PER_DAY  # 30.44 days
_MAX_GPUS = 2**24  # "does not fit" beyond this many
MAX_GROUP = 8  # largest tensor-parallel group tried when serving (one 8-GPU server), unless fitting needs more


@dataclass(frozen=True)
class Plan:
    """One catalog GPU's answer to a job (units in the names; None where it does not apply or fit).

    fits: the job fits (memory at some GPU count, and the precision exists on the hardware).
    note: why it does not fit, or a caveat (e.g. no GPU-to-GPU link).
    n_gpus: GPUs to rent or buy (memory minimum, raised to meet a deadline or carry the traffic).
    min_gpus: the memory minimum (ZeRO-3 ranks for training; smallest tensor-parallel group for serving).
    group: serving only: GPUs per copy of the model (the tensor-parallel size chosen, see rank_hardware).
    memory_per_gpu_bytes: bytes each GPU needs at ``n_gpus`` (serving: at the planned batch).
    seconds: wall-clock seconds of the job (training run, or the serving period).
    time_s: the ranking time: training run seconds; serving, seconds to generate one response of
        ``tokens_per_request`` tokens for a lone user (batch 1, the best-case latency).
    gpu_hours, usd, kwh: for the whole job (``usd`` None without a price, ``kwh`` without a TDP).
    within_budget: usd <= budget (None without a budget or a price).
    batch, tokens_per_s, usd_per_million_tokens: serving only: sequences per tensor-parallel group,
        output tokens per second all GPUs can produce, and the cost per million generated tokens.
    """

    gpu: str
    task: str
    fits: bool
    note: str = ""
    n_gpus: int | None = None
    min_gpus: int | None = None
    memory_per_gpu_bytes: float | None = None
    seconds: float | None = None
    time_s: float | None = None
    gpu_hours: float | None = None
    usd: float | None = None
    kwh: float | None = None
    within_budget: bool | None = None
    group: int | None = None
    batch: int | None = None
    tokens_per_s: float | None = None
    usd_per_million_tokens: float | None = None


# --------------------------------------------------------------------------- small pieces


def _smallest(fits: Callable[[int], bool], estimate: float, limit: int = _MAX_GPUS) -> int | None:
    """Smallest n >= 1 with fits(n) (fits monotone in n), starting near ``estimate``; None above ``limit``."""
    n = min(max(1, math.ceil(estimate)), limit)
    while n > 1 and fits(n - 1):  # the estimate's rounding may overshoot ...
        n -= 1
    while not fits(n):  # ... or undershoot
        if n >= limit:
            return None
        n += 1
    return n


def _largest(fits: Callable[[int], bool], estimate: float) -> int:
    """Largest n >= 1 with fits(n) (fits monotone decreasing in n, fits(1) true), starting near ``estimate``."""
    n = max(1, math.floor(estimate))
    while n > 1 and not fits(n):
        n -= 1
    while fits(n + 1):
        n += 1
    return n


def _seq_len(model: models.ModelConfig, seq_len) -> int:
    seq_len = _validate.positive_int("seq_len", seq_len)
    if seq_len > model.max_seq_len:
        raise ValueError(f"seq_len: {model.name} handles at most {model.max_seq_len:,} tokens, got {seq_len:,}")
    return seq_len


def _precision(precision) -> str:
    return _validate.choice("precision", precision, PRECISIONS)


def task_flops(task, model, n_tokens) -> float:
    """Training FLOP of ``task`` on ``n_tokens`` tokens: 6 N D (pretrain, finetune) or 4 N D (lora).

    N is the number of parameters a token uses (``active_param_count``: all of them for dense
    models). "lora" skips the weight gradients, a third of 6 N D (module docstring).
    """
    task = _validate.choice("task", task, TRAINING_TASKS)
    m = models.get_model(model)
    full = compute.training_flops(m.active_param_count(), n_tokens)
    return full * 2 / 3 if task == "lora" else full


def lora_memory(model, n_gpus=1, *, dtype="bf16", seq_len=2048, batch=1, checkpointing="full",
                overhead_fraction=0.0) -> dict:
    """Bytes per GPU for weights-frozen (LoRA-style) fine-tuning on ``n_gpus`` GPUs.

    The frozen weights in ``dtype`` sharded over the GPUs (:func:`course_lib.memory.weights_bytes`
    / n_gpus) plus one micro-batch of ``batch`` sequences' activations per GPU
    (:func:`course_lib.memory.activation_bytes`), plus ``overhead_fraction`` of that. Adapters and
    their optimizer state (well under 1% of the parameters) are ignored. Returns a dict of bytes:
    weights, activations, overhead, total.
    """
    m = models.get_model(model)
    n = _validate.positive_int("n_gpus", n_gpus)
    fraction = _validate.non_negative("overhead_fraction", overhead_fraction)
    parts = {"weights": memory.weights_bytes(m.param_count(), dtype) / n,
             "activations": memory.activation_bytes(m, seq_len, batch, checkpointing)}
    parts["overhead"] = fraction * (parts["weights"] + parts["activations"])
    parts["total"] = sum(parts.values())
    return parts


def memory_per_gpu(task, model, gpu, n_gpus, *, precision="bf16", seq_len=2048, batch=1, checkpointing="full",
                   overhead_fraction=0.1) -> float:
    """Bytes each of ``n_gpus`` GPUs needs for ``task`` (the assumptions of the module docstring).

    pretrain/finetune: :func:`course_lib.memory.fit_report` in training mode with ZeRO stage 3,
    ``batch`` sequences per GPU and ``checkpointing``; lora: :func:`lora_memory` with the weights in
    ``precision``; serve: :func:`course_lib.memory.fit_report` in inference mode, weights in
    ``precision`` and the KV cache of ``batch`` sequences of ``seq_len`` tokens split over the GPUs.
    """
    task = _validate.choice("task", task, TASKS)
    m = models.get_model(model)
    seq_len = _seq_len(m, seq_len)
    precision = _precision(precision)
    if task == "lora":
        return lora_memory(m, n_gpus, dtype=precision, seq_len=seq_len, batch=batch, checkpointing=checkpointing,
                           overhead_fraction=overhead_fraction)["total"]
    if task == "serve":
        report = memory.fit_report(m, gpu, dtype=precision, seq_len=seq_len, batch=batch, n_gpus=n_gpus,
                                   overhead_fraction=overhead_fraction)
    else:
        report = memory.fit_report(m, gpu, seq_len=seq_len, batch=batch, n_gpus=n_gpus, mode="training",
                                   zero_stage=3, checkpointing=checkpointing, overhead_fraction=overhead_fraction)
    return report["required_bytes"]


def tensor_parallel_sizes(model) -> list:
    """Tensor-parallel group sizes a model allows: the divisors of its attention-head count."""
    heads = models.get_model(model).n_heads
    return [t for t in range(1, heads + 1) if heads % t == 0]


def min_gpus(task, model, gpu, *, precision="bf16", seq_len=2048, batch=1, checkpointing="full",
             overhead_fraction=0.1) -> int | None:
    """Fewest GPUs of type ``gpu`` whose memory holds ``task`` (None if no count does).

    Training tasks: any count (ZeRO-3 / sharded frozen weights shrink with n; the activations do
    not, so a model whose activations alone overflow one GPU never fits). Serving: the smallest
    tensor-parallel size (a divisor of the head count) that holds the weights and ``batch``
    sequences' KV cache. Assumptions and defaults as in :func:`memory_per_gpu`; the default
    ``overhead_fraction`` 0.1 stands for the CUDA context, workspace and fragmentation.
    """
    task = _validate.choice("task", task, TASKS)
    m = models.get_model(model)
    capacity = hardware.get_gpu(gpu).memory_bytes

    def fits(n):
        return memory_per_gpu(task, m, gpu, n, precision=precision, seq_len=seq_len, batch=batch,
                              checkpointing=checkpointing, overhead_fraction=overhead_fraction) <= capacity

    if task == "serve":
        return next((t for t in tensor_parallel_sizes(m) if fits(t)), None)
    # Sharded part / (capacity - unsharded part): the sharded part is what shrinks from n = 1 to n = 2.
    one, two = (memory_per_gpu(task, m, gpu, n, precision=precision, seq_len=seq_len, batch=batch,
                               checkpointing=checkpointing, overhead_fraction=overhead_fraction) for n in (1, 2))
    sharded, unsharded = 2 * (one - two), 2 * two - one
    if unsharded >= capacity:
        return None
    return _smallest(fits, sharded / (capacity - unsharded))


def max_batch(model, gpu, n_gpus, *, precision="bf16", seq_len=2048, overhead_fraction=0.1) -> int:
    """Most sequences of ``seq_len`` tokens whose KV cache fits next to the weights on ``n_gpus`` GPUs (0 if none)."""
    m = models.get_model(model)
    capacity = hardware.get_gpu(gpu).memory_bytes

    def required(b):
        return memory_per_gpu("serve", m, gpu, n_gpus, precision=precision, seq_len=seq_len, batch=b,
                              overhead_fraction=overhead_fraction)

    one, two = required(1), required(2)
    if one > capacity:
        return 0
    return _largest(lambda b: required(b) <= capacity, 1 + (capacity - one) / (two - one))


def replica_throughput(model, gpu, n_gpus, *, precision="bf16", seq_len=2048, efficiency=1.0,
                       overhead_fraction=0.1) -> dict:
    """Decode throughput of one tensor-parallel group of ``n_gpus`` GPUs serving ``model``.

    The batch is the smallest that reaches the compute ceiling, or the largest that fits
    (:func:`max_batch`) if the memory bound stays below the ceiling; a larger batch would add
    latency without adding throughput. Throughput = ``efficiency`` x min(memory bound at that batch,
    compute ceiling), every sequence at ``seq_len`` tokens of context (the worst case).
    Returns batch, tokens_per_s (all sequences), single_tokens_per_s (one lone sequence, batch 1),
    bound ("memory" or "compute"). ValueError if the model does not fit at batch 1.
    """
    m = models.get_model(model)
    device = hardware.get_gpu(gpu)
    precision = _precision(precision)
    efficiency = _validate.fraction("efficiency", efficiency)
    largest = max_batch(m, device, n_gpus, precision=precision, seq_len=seq_len, overhead_fraction=overhead_fraction)
    if largest == 0:
        raise ValueError(f"n_gpus: {m.name} does not fit on {n_gpus} x {device.name} in {precision}")
    ceiling = compute.decode_compute_bound_tokens_per_second(m, device, precision, seq_len, n_gpus)

    def bandwidth_bound(b):
        return compute.decode_tokens_per_second(m, device, precision, b, seq_len, n_gpus)

    single, full = bandwidth_bound(1), bandwidth_bound(largest)
    if full < ceiling:
        batch, bound = largest, full
    else:  # smallest batch reaching the ceiling; the bound b X / (W + b K) is linear in 1/b: fit it through b = 1
        # and b = largest for a first guess (exact for dense models), then step to the answer
        k = (largest / full - 1 / single) / (largest - 1) if largest > 1 else 0.0
        w = 1 / single - k
        estimate = w / (1 / ceiling - k) if 1 / ceiling > k else largest
        batch = _smallest(lambda b: bandwidth_bound(b) >= ceiling, estimate, limit=largest)
        bound = ceiling
    return {"batch": batch, "tokens_per_s": efficiency * min(bound, ceiling),
            "single_tokens_per_s": efficiency * min(single, ceiling),
            "bound": "memory" if bound < ceiling else "compute"}


def _price(prices, gpu: hardware.GPU) -> float | None:
    if isinstance(prices, Mapping):
        price = prices.get(gpu.name)
        return None if price is None else _validate.non_negative(f"usd_per_gpu_hour[{gpu.name!r}]", price)
    return _validate.non_negative("usd_per_gpu_hour", prices)


def _normalized_prices(prices):
    if prices is None or not isinstance(prices, Mapping):
        return prices
    return {hardware.get_gpu(name).name: price for name, price in prices.items()}


def _link_note(gpu: hardware.GPU, n_gpus: int) -> str:
    if n_gpus > 1 and gpu.interconnect_gbs is None:
        return (f"no GPU-to-GPU link: {n_gpus} GPUs talk over PCIe or the network, so the assumed efficiency "
                "is optimistic")
    return ""


# --------------------------------------------------------------------------- one GPU, all GPUs


def plan(task, model, gpu, *, precision="bf16", n_tokens=None, requests_per_s=1.0, tokens_per_request=500,
         usd_per_gpu_hour=None, budget_usd=None, mfu=0.4, deadline_days=None, serve_days=30.0, seq_len=2048,
         batch=1, checkpointing="full", overhead_fraction=0.1, pue=1.0) -> Plan:
    """How ``gpu`` would run ``task`` for ``model``: a :class:`Plan` (see :func:`rank_hardware` for the inputs)."""
    task = _validate.choice("task", task, TASKS)
    m = models.get_model(model)
    device = hardware.get_gpu(gpu)
    precision = _precision(precision)
    seq_len = _seq_len(m, seq_len)
    _validate.pue("pue", pue)
    budget = None if budget_usd is None else _validate.non_negative("budget_usd", budget_usd)
    price = None if usd_per_gpu_hour is None else _price(_normalized_prices(usd_per_gpu_hour), device)
    if device.peak_tflops(precision) is None:
        return Plan(device.name, task, False, note=f"no {precision} rate on this hardware")
    sizing = {"precision": precision, "seq_len": seq_len, "batch": batch, "checkpointing": checkpointing,
              "overhead_fraction": overhead_fraction}
    if task == "serve":
        return _serving_plan(m, device, sizing, requests_per_s, tokens_per_request, price, budget, mfu, serve_days,
                             pue)
    if n_tokens is None:
        raise ValueError(f"n_tokens: give the number of training tokens for task {task!r}")
    flops = task_flops(task, m, n_tokens)
    mfu = _validate.fraction("mfu", mfu)
    smallest = min_gpus(task, m, device, **sizing)
    if smallest is None:
        return Plan(device.name, task, False, note=f"the activations of one micro-batch of {batch} x {seq_len} tokens "
                                                   f"do not fit in {device.memory_gb:g} GB")
    n = smallest
    if deadline_days is not None:
        deadline = _validate.positive("deadline_days", deadline_days) * units.SECONDS_PER_DAY
        one = compute.training_seconds(flops, device, 1, mfu, precision)
        n = max(n, _smallest(lambda k: compute.training_seconds(flops, device, k, mfu, precision) <= deadline,
                             one / deadline, limit=2**40))
    cost = compute.training_cost(flops, device, n, mfu, price or 0.0, precision, pue)
    usd = None if price is None else cost["usd"]
    return Plan(device.name, task, True, note=_link_note(device, n), n_gpus=n, min_gpus=smallest,
                memory_per_gpu_bytes=memory_per_gpu(task, m, device, n, **sizing), seconds=cost["seconds"],
                time_s=cost["seconds"], gpu_hours=cost["gpu_hours"], usd=usd, kwh=cost["kwh"],
                within_budget=None if budget is None or usd is None else usd <= budget)


def _serving_plan(m, device, sizing, requests_per_s, tokens_per_request, price, budget, efficiency, serve_days, pue):
    traffic = _validate.positive("requests_per_s", requests_per_s) * _validate.positive_int("tokens_per_request",
                                                                                              tokens_per_request)
    seconds = _validate.positive("serve_days", serve_days) * units.SECONDS_PER_DAY
    efficiency = _validate.fraction("mfu", efficiency)
    smallest = min_gpus("serve", m, device, **sizing)
    if smallest is None:
        return Plan(device.name, "serve", False, note=f"{m.name} does not fit even split over {m.n_heads} GPUs")
    options = {k: sizing[k] for k in ("precision", "seq_len", "overhead_fraction")}
    # A bigger group holds more KV cache per copy of the weights, so a bigger batch: try the allowed sizes up to
    # one 8-GPU server (or the smallest that fits, if larger) and keep the one that needs the fewest GPUs.
    best = None
    for size in (t for t in tensor_parallel_sizes(m) if smallest <= t <= max(smallest, MAX_GROUP)):
        candidate = replica_throughput(m, device, size, efficiency=efficiency, **options)
        copies = math.ceil(traffic / candidate["tokens_per_s"])
        if best is None or copies * size < best[0] * best[1]:
            best = (copies, size, candidate)
    replicas, group, replica = best
    n = replicas * group
    gpu_hours = n * seconds / units.SECONDS_PER_HOUR
    usd = None if price is None else gpu_hours * price
    kwh = None if device.tdp_w is None else compute.energy_kwh(device.tdp_w, seconds, n, pue)
    return Plan(device.name, "serve", True, note=_link_note(device, group), n_gpus=n, min_gpus=smallest,
                memory_per_gpu_bytes=memory_per_gpu("serve", m, device, group, batch=replica["batch"], **options),
                seconds=seconds, time_s=tokens_per_request / replica["single_tokens_per_s"], gpu_hours=gpu_hours,
                usd=usd, kwh=kwh, within_budget=None if budget is None or usd is None else usd <= budget,
                group=group, batch=replica["batch"], tokens_per_s=replicas * replica["tokens_per_s"],
                usd_per_million_tokens=None if usd is None else usd / (traffic * seconds / 1e6))


def rank_hardware(task, model, *, precision="bf16", n_tokens=None, requests_per_s=1.0, tokens_per_request=500,
                  usd_per_gpu_hour=None, budget_usd=None, mfu=0.4, deadline_days=None, serve_days=30.0,
                  seq_len=2048, batch=1, checkpointing="full", overhead_fraction=0.1, pue=1.0, rank_by="cost",
                  gpus=None) -> list:
    """One :class:`Plan` per GPU for ``task`` ("pretrain", "finetune", "lora", "serve") and ``model``, best first.

    Inputs: ``precision`` (bf16, fp16, fp8: compute rate, and weight dtype for lora/serve);
    training: ``n_tokens``, ``mfu``, optional ``deadline_days`` (GPUs are added until the run fits
    in it), ``batch`` sequences of ``seq_len`` tokens per GPU, ``checkpointing``; serving:
    ``requests_per_s`` x ``tokens_per_request`` output tokens/s for ``serve_days`` days, ``mfu``
    as the fraction of the decode bound reached, contexts of ``seq_len`` tokens.
    ``usd_per_gpu_hour``: your price, one number for every GPU or ``{gpu name: price}`` (GPUs
    without a price get ``usd`` None); ``budget_usd`` flags plans within it; ``pue`` scales energy.
    ``gpus``: names to compare (default: every GPU and TPU of the catalog, no CPUs).

    Ranked by ``rank_by``: "cost" (usd, then time; unpriced after priced) or "time" (time_s);
    plans that do not fit come last, in catalog order.
    """
    rank_by = _validate.choice("rank_by", rank_by, RANK_BY)
    devices = (hardware.list_gpus("gpu") + hardware.list_gpus("tpu")) if gpus is None else [
        hardware.get_gpu(g) for g in gpus]
    prices = _normalized_prices(usd_per_gpu_hour)
    plans = [plan(task, model, device, precision=precision, n_tokens=n_tokens, requests_per_s=requests_per_s,
                  tokens_per_request=tokens_per_request, usd_per_gpu_hour=prices, budget_usd=budget_usd, mfu=mfu,
                  deadline_days=deadline_days, serve_days=serve_days, seq_len=seq_len, batch=batch,
                  checkpointing=checkpointing, overhead_fraction=overhead_fraction, pue=pue) for device in devices]

    def key(p: Plan):
        cost = math.inf if p.usd is None else p.usd
        return (cost, p.time_s) if rank_by == "cost" else (p.time_s, cost)

    return sorted((p for p in plans if p.fits), key=key) + [p for p in plans if not p.fits]


# --------------------------------------------------------------------------- rent vs buy


def break_even(purchase_usd, power_w, rent_usd_per_hour, usd_per_kwh, *, pue=1.0, hours_per_day=24.0) -> dict:
    """When owning a GPU becomes cheaper than renting one.

    Owning costs ``purchase_usd`` once plus electricity for every hour of use:
    :func:`course_lib.compute.energy_kwh` (``power_w`` for an hour, times ``pue``) x ``usd_per_kwh``.
    Renting costs ``rent_usd_per_hour``. Break-even after purchase / (rent - electricity per hour)
    hours of use; in days and months (of 365.25 / 12 days) at ``hours_per_day`` hours of use a day.
    math.inf if renting costs no more than the electricity. Not counted: the host computer,
    resale value, interest, maintenance, your time.

    Returns hours, days, months, electricity_usd_per_hour, net_usd_per_hour (rent minus electricity:
    what each hour of use on your own card saves).
    """
    purchase = _validate.non_negative("purchase_usd", purchase_usd)
    rent = _validate.non_negative("rent_usd_per_hour", rent_usd_per_hour)
    price = _validate.non_negative("usd_per_kwh", usd_per_kwh)
    per_day = _validate.positive("hours_per_day", hours_per_day)
    if per_day > 24:
        raise ValueError(f"hours_per_day must be at most 24, got {hours_per_day!r}")
    electricity = compute.energy_kwh(power_w, units.SECONDS_PER_HOUR, 1, pue) * price
    net = rent - electricity
    hours = purchase / net if net > 0 else math.inf
    days = hours / per_day
    return {"hours": hours, "days": days, "months": days / DAYS_PER_MONTH, "electricity_usd_per_hour": electricity,
            "net_usd_per_hour": net}


def cumulative_usd(purchase_usd, power_w, rent_usd_per_hour, usd_per_kwh, months, *, pue=1.0,
                   hours_per_day=24.0) -> dict:
    """Total $ spent after ``months`` (a number or array, months of 365.25 / 12 days) of use, owning vs renting.

    Hours of use = months x :data:`DAYS_PER_MONTH` x ``hours_per_day``. Owning: ``purchase_usd`` plus
    electricity for those hours (:func:`break_even`'s ``electricity_usd_per_hour``); renting:
    ``rent_usd_per_hour`` x hours. The two lines cross at :func:`break_even`. Returns numpy arrays
    (0-d for a number): hours, buy_usd, rent_usd.
    """
    per_hour = break_even(purchase_usd, power_w, rent_usd_per_hour, usd_per_kwh, pue=pue,
                          hours_per_day=hours_per_day)["electricity_usd_per_hour"]
    months = np.asarray(months, dtype=float)
    if not np.all(np.isfinite(months)) or np.any(months < 0):
        raise ValueError(f"months must be finite and non-negative, got {months!r}")
    hours = months * DAYS_PER_MONTH * hours_per_day
    return {"hours": hours, "buy_usd": purchase_usd + per_hour * hours, "rent_usd": rent_usd_per_hour * hours}
