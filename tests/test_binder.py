"""Binder builds the course from environment.yml and installs course_lib from the repository.

Runs the real ``jupyter-repo2docker --no-build --debug`` (it prints the Dockerfile Binder would
build, needs no Docker) on a copy of what git would commit, and reads the Dockerfile.
repo2docker stages the whole repository before ``mamba env update`` only when environment.yml has
a local pip requirement such as ``-e .``; otherwise it copies environment.yml alone, and a local
install must come from a ``postBuild`` script that runs after the full copy.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ENV_UPDATE = re.compile(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment\.yml"')
FULL_COPY = re.compile(r"^COPY --chown=\S+ src/ \$\{REPO_DIR\}/$", re.M)
LOCAL_INSTALL = re.compile(r"^\s*-\s*(-e\s+|--editable[= ])?\.(\[\w[\w,]*\])?\s*(#.*)?$", re.M)


def _repo2docker() -> str:
    found = shutil.which("jupyter-repo2docker") or str(Path(sys.executable).parent / "jupyter-repo2docker")
    if not Path(found).exists():
        message = "jupyter-repo2docker not installed: pip install -r requirements.txt"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def _committable_copy(destination: Path) -> Path:
    """Copy the files git would commit (tracked + untracked, not ignored): what Binder clones."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def repo2docker(repo: Path) -> tuple[str, str]:
    """(Dockerfile, log) that repo2docker generates for ``repo`` (no image is built)."""
    result = subprocess.run([_repo2docker(), "--no-build", "--debug", str(repo)], capture_output=True, text=True,
                            timeout=120, cwd=repo.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout, result.stderr


def binder_problems(repo: Path, docker: str, log: str) -> list[str]:
    """Why Binder would not give a JupyterLab with course_lib from ``repo`` (given repo2docker's output)."""
    problems = []
    update = ENV_UPDATE.search(docker)
    if not update:
        return ["the Dockerfile does not build the conda environment from environment.yml"]
    python = re.search(r"^\s*-\s*python\s*=\s*([\d.]+)", (repo / "environment.yml").read_text(), re.M)
    if not python or f"Building conda environment for python={python.group(1)}" not in log:
        problems.append("repo2docker's Python differs from environment.yml's python=")
    full_copy = FULL_COPY.search(docker)
    staged = bool(full_copy) and full_copy.start() < update.start()
    installs_repo = bool(LOCAL_INSTALL.search((repo / "environment.yml").read_text()))
    post_build = next((path for path in (repo / "binder" / "postBuild", repo / "postBuild") if path.exists()), None)
    by_post_build = post_build is not None and re.search(r"pip install\b.*(\s|^)\.(\s|$)", post_build.read_text(), re.M)
    if not ((installs_repo and staged) or (by_post_build and f"./{post_build.name}" in docker)):
        problems.append("course_lib is not pip-installed from the repository (no `- -e .` with the repo staged "
                        "before `env update`, no postBuild `pip install -e .`)")
    return problems


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    if not (ROOT / "environment.yml").exists():
        pytest.fail("environment.yml missing at the repository root")
    return _committable_copy(tmp_path_factory.mktemp("binder") / "repo")


def test_binder_builds_environment_yml_and_installs_course_lib(repo):
    docker, log = repo2docker(repo)
    assert binder_problems(repo, docker, log) == []
    environment = yaml.safe_load((repo / "environment.yml").read_text())
    assert "conda-forge" in environment["channels"]


def test_binder_check_fails_without_a_local_install(repo, tmp_path):
    """The check above can fail: drop ``- -e .`` and repo2docker installs the environment before the repo exists."""
    variant = tmp_path / "repo"
    shutil.copytree(repo, variant)
    text = (variant / "environment.yml").read_text()
    stripped = LOCAL_INSTALL.sub("", text)
    assert stripped != text, "environment.yml has no `- -e .` line to remove"
    (variant / "environment.yml").write_text(stripped)
    docker, log = repo2docker(variant)
    assert FULL_COPY.search(docker).start() > ENV_UPDATE.search(docker).start()
    assert binder_problems(variant, docker, log) == [
        "course_lib is not pip-installed from the repository (no `- -e .` with the repo staged "
        "before `env update`, no postBuild `pip install -e .`)"]
