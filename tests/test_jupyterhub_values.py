"""deploy/jupyterhub/values.yaml uses only keys the Zero to JupyterHub chart documents, with their types.

The keys and their JSON types below are read from the chart's published schema,
``jupyterhub/values.schema.yaml`` of github.com/jupyterhub/zero-to-jupyterhub-k8s at tag 4.4.0
(commit 5c5f5df, 2026-06-10), for the part of the tree the file uses. ``singleuser``, ``image``,
``cpu``, ``memory``, ``storage``, ``lifecycleHooks`` and ``cull`` have ``additionalProperties:
false`` there, so the chart rejects any other key under them; ``lifecycleHooks.postStart`` is a
Kubernetes lifecycle handler passed through (``additionalProperties: true``). The file is
generated from the course's address (tools/workshop.py) and must name its image and repository.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tools.address import Address, load
from tools.workshop import VALUES_FILE, Z2JH_CHART_VERSION, course_image, jupyterhub_values

ROOT = Path(__file__).resolve().parent.parent
# key path -> JSON types the chart's values.schema.yaml (4.4.0) allows; "object+" = passed through, not checked deeper.
DOCUMENTED = {
    "singleuser": {"object"},
    "singleuser.image": {"object"},
    "singleuser.image.name": {"string"},
    "singleuser.image.tag": {"string"},
    "singleuser.defaultUrl": {"string", "null"},
    "singleuser.lifecycleHooks": {"object"},
    "singleuser.lifecycleHooks.postStart": {"object+"},
    "singleuser.cpu": {"object"},
    "singleuser.cpu.limit": {"number", "null"},
    "singleuser.cpu.guarantee": {"number", "null"},
    "singleuser.memory": {"object"},
    "singleuser.memory.limit": {"number", "string", "null"},
    "singleuser.memory.guarantee": {"number", "string", "null"},
    "singleuser.storage": {"object"},
    "singleuser.storage.capacity": {"string", "null"},
    "cull": {"object"},
    "cull.enabled": {"boolean"},
    "cull.timeout": {"integer", "null"},
}
REQUIRED = {"singleuser.image": {"name", "tag"}, "cull": {"enabled"}}  # the schema's "required" lists


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return {str: "string", dict: "object", list: "array", type(None): "null"}[type(value)]


def undocumented(values: dict, prefix: str = "") -> list[str]:
    """Key paths of ``values`` the chart does not document, or whose value has a type it does not allow."""
    problems = []
    for key, value in values.items():
        path = f"{prefix}{key}"
        allowed = DOCUMENTED.get(path)
        kind = _json_type(value)
        if allowed is None:
            problems.append(f"{path}: not a documented key of the chart {Z2JH_CHART_VERSION}")
        elif "object+" in allowed:
            if kind != "object":
                problems.append(f"{path}: {kind}, expected an object")
        elif kind not in allowed and not (kind == "integer" and "number" in allowed):
            problems.append(f"{path}: {kind}, the chart allows {sorted(allowed)}")
        elif kind == "object":
            missing = REQUIRED.get(path, set()) - set(value)
            problems += [f"{path}.{name}: required" for name in sorted(missing)]
            problems += undocumented(value, f"{path}.")
    return problems


def _values() -> dict:
    return yaml.safe_load((ROOT / VALUES_FILE).read_text(encoding="utf-8"))


def test_values_use_only_documented_keys_and_types():
    assert undocumented(_values()) == []


@pytest.mark.parametrize(("values", "expected"), [
    ({"singleuser": {"image": {"name": "x", "tag": "y", "pullpolicy": "Always"}}}, "singleuser.image.pullpolicy: not"),
    ({"singleuser": {"image": {"name": "x"}}}, "singleuser.image.tag: required"),
    ({"singleuser": {"cpu": {"limit": "2"}}}, "singleuser.cpu.limit: string"),
    ({"cull": {"enabled": "yes"}}, "cull.enabled: string"),
    ({"singleuser": {"lifecycleHooks": {"postStart": ["gitpuller"]}}}, "singleuser.lifecycleHooks.postStart: array"),
    ({"hub": {"config": {}}}, "hub: not a documented key"),
])
def test_the_key_check_catches_mistakes(values, expected):
    assert any(problem.startswith(expected) for problem in undocumented(values)), undocumented(values)


def test_values_name_the_course_image_and_repository():
    address, values = load(), _values()
    assert values["singleuser"]["image"] == {"name": course_image(address), "tag": address.branch}
    assert values["singleuser"]["lifecycleHooks"]["postStart"]["exec"]["command"] == [
        "gitpuller", address.github_url, address.branch, address.name]
    # GitHub's container registry takes lower-case names only.
    assert course_image(Address("GPU-Course/Repo_Name", "main")) == "ghcr.io/gpu-course/repo_name"


def test_values_of_another_address_are_still_documented():
    values = yaml.safe_load(jupyterhub_values(Address("someone-else/fork", "dev")))
    assert undocumented(values) == []
    assert values["singleuser"]["image"]["tag"] == "dev"
