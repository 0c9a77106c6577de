"""Storage around training: checkpoint size and write time, how often to checkpoint, data loading.

* Checkpoint size: what a restart needs, the weights and the optimizer states, from
  :func:`course_lib.memory.training_memory` (mixed-precision Adam: 2 + 12 = 14 of its 16 bytes per
  parameter; the 2 bytes of gradients are recomputed after a restart, so they are not saved).
* Write time: bytes / bandwidth, where a parallel file system's bandwidth is shared by the whole
  job and local NVMe drives add up over the nodes (each node writes its own shard).
* How often: Young's first-order optimum interval sqrt(2 delta M) (J. W. Young, "A first order
  approximation to the optimum checkpoint interval", Communications of the ACM 17(9), 530-531,
  1974) and Daly's higher-order one (J. T. Daly, "A higher order estimate of the optimum
  checkpoint interval for restart dumps", Future Generation Computer Systems 22(3), 303-312,
  2006, eq. 37), for a checkpoint that takes delta seconds and a mean time between failures M.
* Failures: the Llama 3 paper's 419 unexpected interruptions in 54 days on 16,384 H100 GPUs
  (``course_lib/data/datacenter.json``), assumed independent and proportional to the GPU count.
* Data loading: tokens per second per GPU x bytes per token.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from course_lib import _sourced, _validate, compute, hardware, memory, server, units

DATA_FILE = "datacenter.json"


@dataclass(frozen=True)
class Checkpoint:
    """Bytes of a training checkpoint: ``weights`` + ``optimizer_states`` = ``total``."""

    weights: float
    optimizer_states: float

    @property
    def total(self) -> float:
        """Bytes to save."""
        return self.weights + self.optimizer_states


def checkpoint_bytes(n_params: float, optimizer: str = "adam") -> Checkpoint:
    """Bytes to save ``n_params`` parameters trained with mixed precision and ``optimizer``.

    Weights and optimizer states (fp32 master copy and moments) of
    :func:`course_lib.memory.training_memory`; gradients are not saved. Adam: 2 + 12 = 14 bytes per
    parameter, 0.98 TB for 70 billion parameters.
    """
    parts = memory.training_memory(n_params, optimizer=optimizer)
    return Checkpoint(parts["weights"], parts["optimizer_states"])


def storage_tiers() -> dict[str, Any]:
    """Shared storage systems with published rates: {name: {"kind", "sustained_tbs", ...: Sourced}}."""
    return _sourced.load(DATA_FILE)["storage"]


def local_nvme_write_gbs(node: str = "DGX H100") -> float:
    """Write rate of one node's NVMe data drives in GB/s: drives x the example drive's sequential write.

    An upper bound (RAID 0 striping that scales perfectly); the DGX user guide names neither the
    drive nor a rate, so the example drive of :func:`course_lib.server.drive` stands in.
    """
    return server.node(node, "node")["data_drives"].value * server.drive()["write_gbs"].value


def write_seconds(n_bytes: float, n_nodes: int = 1, per_node_gbs: float | None = None,
                  shared_gbs: float | None = None) -> float:
    """Seconds to write ``n_bytes`` from ``n_nodes`` nodes that each write their share in parallel.

    The rate is n_nodes x ``per_node_gbs`` (local drives, or each node's network link) capped by
    ``shared_gbs`` (a file system's total), whichever of them are given.
    """
    n_bytes = _validate.non_negative("n_bytes", n_bytes)
    n_nodes = _validate.positive_int("n_nodes", n_nodes)
    limits = []
    if per_node_gbs is not None:
        limits.append(n_nodes * _validate.positive("per_node_gbs", per_node_gbs))
    if shared_gbs is not None:
        limits.append(_validate.positive("shared_gbs", shared_gbs))
    if not limits:
        raise ValueError("per_node_gbs: give per_node_gbs, shared_gbs or both")
    return n_bytes / (min(limits) * units.GB)


def reference_failures() -> dict[str, Any]:
    """The Llama 3 pre-training snapshot: {"gpus", "snapshot_days", "interruptions", ...: Sourced}."""
    return _sourced.load(DATA_FILE)["llama3_cluster"]


def job_mtbf_seconds(n_gpus: int, unexpected_only: bool = True) -> float:
    """Mean time between interruptions of a job on ``n_gpus`` GPUs, scaled from the Llama 3 snapshot.

    Llama 3: 419 unexpected (466 with the planned ones) interruptions in 54 days on 16,384 GPUs;
    the per-GPU rate is assumed constant, so the job's MTBF = 54 days x 16,384 / (interruptions x n_gpus).
    On 16,384 GPUs: 54 x 24 / 419 = 3.09 hours.
    """
    n_gpus = _validate.positive_int("n_gpus", n_gpus)
    unexpected_only = _validate.flag("unexpected_only", unexpected_only)
    ref = reference_failures()
    events = ref["unexpected_interruptions" if unexpected_only else "interruptions"].value
    gpu_seconds = ref["snapshot_days"].value * units.SECONDS_PER_DAY * ref["gpus"].value
    return gpu_seconds / (events * n_gpus)


def _delta_and_mtbf(checkpoint_seconds: float, mtbf_seconds: float) -> tuple[float, float]:
    return (_validate.positive("checkpoint_seconds", checkpoint_seconds),
            _validate.positive("mtbf_seconds", mtbf_seconds))


def young_interval_seconds(checkpoint_seconds: float, mtbf_seconds: float) -> float:
    """Young (1974): the compute time between checkpoints that loses least, sqrt(2 delta M)."""
    delta, mtbf = _delta_and_mtbf(checkpoint_seconds, mtbf_seconds)
    return math.sqrt(2 * delta * mtbf)


def daly_interval_seconds(checkpoint_seconds: float, mtbf_seconds: float) -> float:
    """Daly (2006, eq. 37): sqrt(2 delta M) [1 + sqrt(delta / 2M) / 3 + delta / 18M] - delta, or M if delta >= 2M."""
    delta, mtbf = _delta_and_mtbf(checkpoint_seconds, mtbf_seconds)
    if delta >= 2 * mtbf:
        return mtbf
    ratio = delta / (2 * mtbf)
    return math.sqrt(2 * delta * mtbf) * (1 + math.sqrt(ratio) / 3 + ratio / 9) - delta


def lost_fraction(interval_seconds: float, checkpoint_seconds: float, mtbf_seconds: float) -> float:
    """Young's first-order share of time lost: delta / tau (writing) + tau / 2M (work redone after a failure).

    Restart time is not included. At tau = sqrt(2 delta M) both terms are equal.
    """
    tau = _validate.positive("interval_seconds", interval_seconds)
    delta, mtbf = _delta_and_mtbf(checkpoint_seconds, mtbf_seconds)
    return delta / tau + tau / (2 * mtbf)


def training_tokens_per_second(n_params: float, gpu: hardware.GPULike, mfu: float, precision: str = "bf16") -> float:
    """Tokens per second one GPU trains on: dense peak x ``mfu`` / 6N (:func:`course_lib.compute.training_flops`)."""
    mfu = _validate.fraction("mfu", mfu)
    return hardware.get_gpu(gpu).peak_flops(precision) * mfu / compute.training_flops(n_params, 1)


def data_loading_bytes_per_second(tokens_per_second: float, bytes_per_token: float = 4) -> float:
    """Bytes per second to feed ``tokens_per_second`` tokens stored as ``bytes_per_token``-byte token IDs.

    4 bytes (uint32) is needed once the vocabulary exceeds 65,536 (Llama 3: 128,256); 2 bytes below.
    """
    return (_validate.positive("tokens_per_second", tokens_per_second)
            * _validate.positive("bytes_per_token", bytes_per_token))
