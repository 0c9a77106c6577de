"""The GitHub Actions workflows (not run here): valid against GitHub's workflow schema, calling the Makefile.

``check-jsonschema --builtin-schema vendor.github-workflows`` validates each file against the
workflow schema of SchemaStore that check-jsonschema ships (offline). Then: test.yml runs ``make
test`` and the website and workshop targets on every push; site.yml builds and checks the website
with the Makefile, uploads the folder tools/site_build.py writes, and publishes only from the
course's own repository and branch (``[tool.course]``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import site_build
from tools.address import load

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def _check_jsonschema() -> str:
    found = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    assert Path(found).exists(), "check-jsonschema missing: pip install -e .[test]"
    return found


def schema_errors(path: Path) -> str:
    """check-jsonschema's complaint about the workflow at ``path`` ('' when it is valid)."""
    result = subprocess.run([_check_jsonschema(), "--builtin-schema", "vendor.github-workflows", str(path)],
                            capture_output=True, text=True, timeout=120)
    return "" if result.returncode == 0 else result.stdout + result.stderr


def _workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def _runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def _make_targets() -> set[str]:
    return set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), re.M))


def test_there_are_exactly_the_two_workflows():
    assert sorted(p.name for p in WORKFLOWS.glob("*.y*ml")) == ["site.yml", "test.yml"]


@pytest.mark.parametrize("name", ["site.yml", "test.yml"])
def test_workflow_is_valid_against_githubs_schema(name):
    assert schema_errors(WORKFLOWS / name) == ""


def test_the_schema_check_can_fail(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps: not-a-list\n")
    assert "steps" in schema_errors(bad)


@pytest.mark.parametrize("name", ["site.yml", "test.yml"])
def test_every_make_call_names_a_makefile_target_and_actions_are_pinned(name):
    workflow = _workflow(name)
    targets = _make_targets()
    for job in workflow["jobs"].values():
        for run in _runs(job):
            for call in re.findall(r"\bmake ([\w -]+)", run):
                called = [word for word in call.split() if "=" not in word]
                assert set(called) <= targets, f"{name}: make {call}: not in the Makefile"
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"actions/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_tests_run_on_push_with_the_makefile():
    workflow = _workflow("test.yml")
    assert "push" in workflow["on"]
    runs = [run for job in workflow["jobs"].values() for run in _runs(job)]
    assert "make test" in runs
    assert any(re.search(r"\bmake test-site test-workshop\b", run) for run in runs)


def test_site_is_built_checked_and_published_from_the_course_address():
    address, workflow = load(), _workflow("site.yml")
    assert workflow["on"]["push"]["branches"] == [address.branch]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert _runs(build)[-2:] == ["make site", "make test-site"]
    upload = next(step for step in build["steps"] if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == site_build.OUTPUT.relative_to(ROOT).as_posix()
    assert deploy["if"] == f"github.repository == '{address.repository}'"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any(step.get("uses", "").startswith("actions/deploy-pages@") for step in deploy["steps"])
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"
