"""One home address: every link to the course agrees with ``[tool.course]``, and one command changes them all.

Expected URLs are written out by hand from the formats Colab, Binder, pip and nbgitpuller document:
Colab ``colab.research.google.com/github/OWNER/NAME/blob/BRANCH/PATH``; Binder
``mybinder.org/v2/gh/OWNER/NAME/BRANCH?urlpath=lab/tree/PATH``; pip ``NAME @ git+https://...@BRANCH``;
nbgitpuller ``HUB/hub/user-redirect/git-pull?repo=URL&branch=BRANCH&urlpath=lab/tree/NAME/PATH``
(percent-encoded).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import retarget
from tools.address import Address, load, retarget_text

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("notebooks", "solutions", "exercises", "apps")
FORK = Address("someone-else/llm-gpus-fork", "dev")


def test_urls_of_an_address():
    address = Address("octo-org/course.repo", "v2")
    assert address.owner == "octo-org" and address.name == "course.repo"
    assert address.colab_url("notebooks/00_start_here.ipynb") == (
        "https://colab.research.google.com/github/octo-org/course.repo/blob/v2/notebooks/00_start_here.ipynb")
    assert address.binder_url("notebooks/00_start_here.ipynb") == (
        "https://mybinder.org/v2/gh/octo-org/course.repo/v2?urlpath=lab/tree/notebooks/00_start_here.ipynb")
    assert address.binder_url("apps/planner.ipynb", ui="voila") == (
        "https://mybinder.org/v2/gh/octo-org/course.repo/v2?urlpath=voila/render/apps/planner.ipynb")
    assert address.install_requirement == "course-lib @ git+https://github.com/octo-org/course.repo@v2"
    assert address.pages_url == "https://octo-org.github.io/course.repo/"
    assert address.blob_url("README.md") == "https://github.com/octo-org/course.repo/blob/v2/README.md"
    assert address.gitpull_link("https://hub.example.org/") == (
        "https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Focto-org%2Fcourse.repo"
        "&branch=v2&urlpath=lab%2Ftree%2Fcourse.repo%2Fnotebooks%2F00_start_here.ipynb")
    assert address.gitpull_link("http://127.0.0.1:8888", repo_url="file:///tmp/x y") == (
        "http://127.0.0.1:8888/hub/user-redirect/git-pull?repo=file%3A%2F%2F%2Ftmp%2Fx%20y"
        "&branch=v2&urlpath=lab%2Ftree%2Fcourse.repo%2Fnotebooks%2F00_start_here.ipynb")


@pytest.mark.parametrize(("repository", "branch", "starts"), [
    ("no-slash", "main", "repository:"),
    ("a/b/c", "main", "repository:"),
    ("-bad/name", "main", "repository:"),
    ("owner/name", "feature/x", "branch:"),
    ("owner/name", "", "branch:"),
    ("owner/name", None, "branch:"),
])
def test_bad_addresses_are_refused_with_the_parameter_name(repository, branch, starts):
    with pytest.raises(ValueError, match=f"^{starts}"):
        Address(repository, branch)


def test_load_reads_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.course]\nrepository = "a-b/c_d"\nbranch = "gh-pages2"\n')
    assert load(tmp_path / "pyproject.toml") == Address("a-b/c_d", "gh-pages2")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    with pytest.raises(ValueError, match="^pyproject:"):
        load(tmp_path / "pyproject.toml")


SAMPLE = """[Open in Colab](https://colab.research.google.com/github/old-owner/old-name/blob/main/notebooks/03_flops.ipynb)
[Launch on Binder](https://mybinder.org/v2/gh/old-owner/old-name/main?urlpath=lab/tree/notebooks/03_flops.ipynb)
    %pip install -q "course-lib @ git+https://github.com/old-owner/old-name"
    %pip install -q "course-lib @ git+https://github.com/old-owner/old-name@main"
https://HUB/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fold-owner%2Fold-name&branch=main&urlpath=lab%2Ftree%2Fold-name%2Fnotebooks%2F00_start_here.ipynb
<a href="https://HUB/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fold-owner%2Fold-name&amp;branch=main&amp;urlpath=lab%2Ftree%2Fold-name%2Fx">
Website: https://old-owner.github.io/old-name/ and code: https://github.com/old-owner/old-name.
Cited, never rewritten: https://github.com/old-owner/old-name-data, https://github.com/huggingface/transformers,
https://jax-ml.github.io/scaling-book/ and https://github.com/NVIDIA/Megatron-LM/blob/main/README.md
"""
RETARGETED = """[Open in Colab](https://colab.research.google.com/github/someone-else/llm-gpus-fork/blob/dev/notebooks/03_flops.ipynb)
[Launch on Binder](https://mybinder.org/v2/gh/someone-else/llm-gpus-fork/dev?urlpath=lab/tree/notebooks/03_flops.ipynb)
    %pip install -q "course-lib @ git+https://github.com/someone-else/llm-gpus-fork@dev"
    %pip install -q "course-lib @ git+https://github.com/someone-else/llm-gpus-fork@dev"
https://HUB/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fsomeone-else%2Fllm-gpus-fork&branch=dev&urlpath=lab%2Ftree%2Fllm-gpus-fork%2Fnotebooks%2F00_start_here.ipynb
<a href="https://HUB/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fsomeone-else%2Fllm-gpus-fork&amp;branch=dev&amp;urlpath=lab%2Ftree%2Fllm-gpus-fork%2Fx">
Website: https://someone-else.github.io/llm-gpus-fork/ and code: https://github.com/someone-else/llm-gpus-fork.
Cited, never rewritten: https://github.com/old-owner/old-name-data, https://github.com/huggingface/transformers,
https://jax-ml.github.io/scaling-book/ and https://github.com/NVIDIA/Megatron-LM/blob/main/README.md
"""


def test_retarget_text_rewrites_every_link_form_and_no_citation():
    assert retarget_text(SAMPLE, FORK, Address("old-owner/old-name")) == RETARGETED
    assert retarget_text(RETARGETED, FORK) == RETARGETED  # already pointing at FORK: nothing to do


def test_retarget_text_rewrites_workflows_only_when_asked():
    workflow = "on:\n  push:\n    branches: [main]\njobs:\n  a:\n    if: github.repository == 'old-owner/old-name'\n"
    assert retarget_text(workflow, FORK) == workflow
    assert retarget_text(workflow, FORK, workflow=True) == (
        "on:\n  push:\n    branches: [dev]\njobs:\n  a:\n    if: github.repository == 'someone-else/llm-gpus-fork'\n")


def test_every_link_in_the_repository_agrees_with_pyproject():
    assert retarget.disagreeing_files() == [], "run `make retarget` (tools/retarget.py)"


def _notebooks() -> list[Path]:
    return sorted(path for folder in NOTEBOOK_DIRS for path in (ROOT / folder).glob("*.ipynb"))


def _markdown(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


@pytest.mark.parametrize("path", [p for p in _notebooks() if p.parent.name != "apps"],
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_each_notebook_launches_itself(path):
    address, relative = load(), path.relative_to(ROOT).as_posix()
    line = f"[Open in Colab]({address.colab_url(relative)}) · [Launch on Binder]({address.binder_url(relative)})"
    assert line in _markdown(path)


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_notebook_fetches_an_image_from_the_network(path):
    # Offline rooms (browser review D13): a badge image from colab.research.google.com or mybinder.org
    # shows as a broken image; plain text links do not.
    markdown = _markdown(path)
    assert not re.search(r"!\[[^\]]*\]\(\s*https?:", markdown), "markdown image from the network"
    assert not re.search(r"<img[^>]+src=[\"']?https?:", markdown, re.I), "<img> from the network"


def _committable_copy(destination: Path) -> Path:
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    subprocess.run(["git", "init", "-q"], cwd=destination, check=True)
    return destination


def test_one_command_changes_every_link(tmp_path):
    repo = _committable_copy(tmp_path / "repo")
    old = load(repo / "pyproject.toml")
    run = subprocess.run([sys.executable, "-m", "tools.retarget", "--repo", FORK.repository, "--branch", FORK.branch],
                         cwd=repo, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert load(repo / "pyproject.toml") == FORK
    assert retarget.disagreeing_files(repo) == []
    old_forms = (old.repository, f"{old.owner}%2F{old.name}", old.pages_url)
    for path in retarget.course_files(repo):
        text = path.read_text(encoding="utf-8")
        assert not [form for form in old_forms if form in text], path.relative_to(repo)
    markdown = _markdown(repo / "notebooks" / "03_flops.ipynb")
    assert FORK.colab_url("notebooks/03_flops.ipynb") in markdown
    assert FORK.binder_url("notebooks/03_flops.ipynb") in markdown
    install = json.loads((repo / "exercises" / "03_flops_exercises.ipynb").read_text())["cells"][1]["source"]
    assert FORK.install_requirement in "".join(install)
    # The generated exercises still match their solutions (their links were rewritten the same way).
    check = subprocess.run([sys.executable, "-m", "tools.build_exercises", "--check"], cwd=repo,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_readme_opens_with_the_website_then_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_lines = "\n".join(readme.splitlines()[:4])
    assert load().pages_url in first_lines
    assert readme.index(load().pages_url) < readme.index("## Two commands") < readme.index("## Where to run it")
