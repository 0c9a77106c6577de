"""environment.yml (conda/Binder) and the pip path (pyproject + requirements.txt) agree."""

import re
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;@]", requirement.strip(), maxsplit=1)[0].lower().replace("-", "_")


def _conda_packages() -> dict:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    packages = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, _, version = dep.partition("=")
            packages[name.lower().replace("-", "_")] = version
    return packages


def _pip_requirements() -> dict:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = pyproject["project"]
    lines = project["dependencies"] + project["optional-dependencies"]["test"]
    lines += [
        line for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "-e"))
    ]
    return {_name(line): line for line in lines}


def test_conda_environment_lists_every_runtime_and_notebook_package():
    conda = _conda_packages()
    # Tools only a developer machine needs (lint, browser automation, benchmark, YAML test) are pip-only.
    pip_only = {"ruff", "mypy", "playwright", "pytest_benchmark", "pyyaml", "jupyter_repo2docker", "check_jsonschema"}
    missing = set(_pip_requirements()) - set(conda) - pip_only
    assert not missing, f"in pyproject/requirements.txt but not environment.yml: {sorted(missing)}"


def test_jupyterlab_and_ipywidgets_pins_agree():
    conda = _conda_packages()
    pip = _pip_requirements()
    for package in ("jupyterlab", "ipywidgets", "jupyterlab_widgets", "widgetsnbextension", "voila"):
        pinned = re.search(r"==(\S+)", pip[package])
        assert pinned, f"requirements.txt must pin {package} exactly"
        assert conda[package] == pinned.group(1), f"{package}: conda {conda[package]} vs pip {pinned.group(1)}"


def test_environment_installs_course_lib_and_comments_every_line():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*- -e \.", text, re.M), "environment.yml must pip-install course_lib from the repo"
    for line in text.splitlines():
        if re.match(r"^\s*- \S", line):
            assert "#" in line, f"environment.yml line without a comment saying why: {line.strip()}"
