"""Values that carry their source: the loader of notebook 02's data files.

In ``gpu_arch.json``, ``server_components.json``, ``datacenter.json`` and ``software_stack.json``
every number is written as ``{"value": ..., "source": "<key>", "note": "..."}``, where ``<key>``
names an entry of the file's ``"sources"`` table (document, section or table, URL). A value the
vendor does not publish is ``{"value": null, "source": "<the document checked>", "note": "not
published ..."}``: never a guess. :func:`load` turns each such leaf into a :class:`Sourced`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Sourced:
    """One value with its citation. ``value`` is None where the source does not publish it."""

    value: Any
    source: str
    note: str = ""

    @property
    def published(self) -> bool:
        """True if the source gives a value."""
        return self.value is not None


def _resolve(node: Any, sources: dict, where: str) -> Any:
    if isinstance(node, dict) and "value" in node and "source" in node:
        key = node["source"]
        if key not in sources:
            raise ValueError(f"{where}: unknown source key {key!r}")
        return Sourced(node["value"], sources[key], node.get("note", ""))
    if isinstance(node, dict):
        return {name: _resolve(item, sources, f"{where}.{name}") for name, item in node.items()}
    if isinstance(node, list):
        return [_resolve(item, sources, f"{where}[{i}]") for i, item in enumerate(node)]
    return node


@cache
def load(filename: str) -> dict:
    """The data file ``course_lib/data/<filename>`` with every sourced leaf as a :class:`Sourced`.

    The ``"sources"`` table is returned too (key -> citation). Cached: the file is read once.
    """
    raw = json.loads(resources.files("course_lib").joinpath(f"data/{filename}").read_text(encoding="utf-8"))
    sources = raw.get("sources", {})
    return {name: (sources if name == "sources" else _resolve(item, sources, f"{filename}:{name}"))
            for name, item in raw.items()}


def sourced_leaves(node: Any) -> list[Sourced]:
    """Every :class:`Sourced` inside ``node`` (dicts and lists walked depth-first)."""
    if isinstance(node, Sourced):
        return [node]
    if isinstance(node, dict):
        return [leaf for item in node.values() for leaf in sourced_leaves(item)]
    if isinstance(node, list):
        return [leaf for item in node for leaf in sourced_leaves(item)]
    return []
