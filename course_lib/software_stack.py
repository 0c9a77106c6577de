"""The software stack map: from the driver to inference serving, for NVIDIA, AMD and Huawei Ascend.

Data in ``course_lib/data/software_stack.json``: one row per layer (bottom to top), what the
layer does, and the project that fills it on each vendor's hardware, each with its documentation.
"""

from __future__ import annotations

from dataclasses import dataclass

from course_lib import _sourced, _validate
from course_lib._sourced import Sourced

DATA_FILE = "software_stack.json"


@dataclass(frozen=True)
class Layer:
    """One layer of the stack: its name, what it does, and {vendor: Sourced project name}."""

    name: str
    does: str
    projects: dict


def vendors() -> list[str]:
    """The vendors (columns) of the map: NVIDIA, AMD, Huawei Ascend."""
    return list(_sourced.load(DATA_FILE)["vendors"])


def layers() -> tuple[Layer, ...]:
    """The layers, bottom (driver) to top (serving)."""
    data = _sourced.load(DATA_FILE)
    return tuple(Layer(row["layer"], row["does"], {v: row[v] for v in data["vendors"]}) for row in data["layers"])


def project(layer: str, vendor: str) -> Sourced:
    """The project filling ``layer`` for ``vendor``, with its source: ``project("collective communication", "AMD")``."""
    rows = {row.name: row for row in layers()}
    row = rows[_validate.choice("layer", layer, rows)]
    return row.projects[_validate.choice("vendor", vendor, row.projects)]
