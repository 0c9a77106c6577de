"""The JupyterHub workshop path, for real: the course's git-pull link, nbgitpuller, a learner's edit kept.

A local git repository stands in for GitHub (a ``file://`` URL, named like the course's repository,
on the course's branch, holding what git would commit here). A JupyterLab server with the nbgitpuller
extension (requirements-site.txt) stands in for the learner's hub server: on a hub, the link's
``/hub/user-redirect/`` part sends the learner to their own server's ``/git-pull``, which is what
is opened here. The test opens the link in chromium and checks that the start notebook arrives
in the learner's home, opens in JupyterLab and runs; then the learner edits it, the course gets a
new commit that changes the same notebook elsewhere and another file, and the learner clicks the
link again: the upstream changes arrive and the learner's edit is still there.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tools.address import load

pytestmark = [pytest.mark.browser, pytest.mark.workshop]

REPO = Path(__file__).resolve().parents[2]
START = "notebooks/00_start_here.ipynb"
GIT = ["git", "-c", "user.email=instructor@example.org", "-c", "user.name=Instructor", "-c", "init.defaultBranch=main"]


def _git(*args: str, cwd: Path) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _upstream(directory: Path, branch: str) -> Path:
    """A git repository with what git would commit here, on ``branch``: the course as learners pull it."""
    listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO).split("\0")
    for name in filter(None, listed):
        if (REPO / name).is_file():
            (directory / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, directory / name)
    _git("init", "-q", "-b", branch, cwd=directory)
    _git("add", "-A", cwd=directory)
    _git("commit", "-q", "-m", "the course", cwd=directory)
    return directory


def _pull(page, link: str, arrived: Path) -> None:
    """Open the git-pull ``link`` and wait until nbgitpuller has redirected to JupyterLab."""
    page.goto(link)
    page.wait_for_url("**/lab/tree/**", timeout=120_000)
    page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
    assert arrived.exists()


def _set_markdown(path: Path, index: int, text: str) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"][index]["source"] = text
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def test_git_pull_link_clones_runs_and_merges_without_losing_an_edit(tmp_path, page, lab_serving):
    address = load()
    upstream = _upstream(tmp_path / "github" / address.name, address.branch)
    home = tmp_path / "home"
    home.mkdir()
    with lab_serving(home) as server:
        hub_link = address.gitpull_link(server, repo_url=upstream.as_uri())
        assert "/hub/user-redirect/git-pull?" in hub_link
        link = hub_link.replace("/hub/user-redirect/", "/", 1)  # no hub here: the learner's own server
        clone = home / address.name
        _pull(page, link, clone / START)
        assert address.name in page.url and page.url.endswith(START)

        # The start notebook arrived and runs (as the learner's kernel would run it, from its folder).
        notebook = nbformat.read(clone / START, as_version=4)
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str((clone / START).parent)}}).execute()
        errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, errors

        # The learner writes a note into the last cell of the start notebook.
        cells = json.loads((clone / START).read_text(encoding="utf-8"))["cells"]
        last = len(cells) - 1
        note = "My note: 80 GB on the datasheet is 74.5 GiB in nvidia-smi."
        _set_markdown(clone / START, last, note)

        # The course changes: the start notebook's first cell and the README.
        _set_markdown(upstream / START, 0, "".join(cells[0]["source"]) + "\n\nUpdated by the instructor.")
        (upstream / "README.md").write_text((upstream / "README.md").read_text() + "\nA new line.\n")
        _git("commit", "-q", "-am", "an update", cwd=upstream)

        _pull(page, link, clone / START)
        merged = json.loads((clone / START).read_text(encoding="utf-8"))["cells"]
        assert "".join(merged[last]["source"]) == note, "the learner's edit was lost"
        assert "".join(merged[0]["source"]).endswith("Updated by the instructor."), "the update did not arrive"
        assert (clone / "README.md").read_text().endswith("A new line.\n")
        assert nbformat.validate(nbformat.read(clone / START, as_version=4)) is None


def test_hub_post_start_command_clones_the_course(tmp_path):
    """The gitpuller command of deploy/jupyterhub/values.yaml, run as the hub runs it at a server start."""
    import yaml

    from tools.workshop import VALUES_FILE

    address = load()
    upstream = _upstream(tmp_path / "github" / address.name, address.branch)
    command = yaml.safe_load((REPO / VALUES_FILE).read_text())["singleuser"]["lifecycleHooks"]["postStart"]["exec"][
        "command"]
    assert command[1] == address.github_url
    command = [shutil.which("gitpuller") or str(Path(sys.executable).parent / "gitpuller"), upstream.as_uri(),
               *command[2:]]
    home = tmp_path / "home"
    home.mkdir()
    for _ in range(2):  # the first start clones, the next ones pull
        subprocess.run(command, cwd=home, check=True, capture_output=True, timeout=120)
    assert (home / address.name / START).exists()
