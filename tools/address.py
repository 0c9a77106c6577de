"""The course's one home address: its GitHub repository (owner/name) and branch.

They are read from ``[tool.course]`` in ``pyproject.toml``. Every link that points at the course
itself is built here: "Open in Colab", "Launch on Binder", the Colab install cell's requirement,
the JupyterHub git-pull (nbgitpuller) link and the website on GitHub Pages. :func:`retarget_text`
rewrites those links in a text to another address (``make retarget``, ``tools/retarget.py``).

A branch here is one path segment (letters, digits, ``_``, ``.``, ``-``): a branch name with ``/``
would make Colab and Binder links ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import tomllib

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"

_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_NAME = r"[A-Za-z0-9_.-]+"
_BRANCH = r"[A-Za-z0-9_.-]+"
_END = r"(?![A-Za-z0-9_-]|\.[A-Za-z0-9_-])"  # the branch or name ends here (a final "." is punctuation)

# Links that can only point at the course itself: rewritten whatever owner/name/branch they hold now.
COLAB = re.compile(rf"https://colab\.research\.google\.com/github/(?P<repo>{_OWNER}/{_NAME})/blob/(?P<branch>{_BRANCH})/")
BINDER = re.compile(rf"https://mybinder\.org/v2/gh/(?P<repo>{_OWNER}/{_NAME})/(?P<branch>{_BRANCH}){_END}")
INSTALL = re.compile(rf"git\+https://github\.com/(?P<repo>{_OWNER}/{_NAME})(?:@(?P<branch>{_BRANCH}))?(?![A-Za-z0-9_.@/-])")
GITPULL = re.compile(rf"repo=https%3A%2F%2Fgithub\.com%2F(?P<owner>{_OWNER})%2F(?P<name>{_NAME})"
                     rf"(?P<amp>&(?:amp;)?)branch=(?P<branch>{_BRANCH})(?P<amp2>&(?:amp;)?)urlpath=lab%2Ftree%2F{_NAME}%2F")
# In GitHub Actions workflows: the repository that may publish, and the branch that triggers.
WORKFLOW_REPOSITORY = re.compile(rf"github\.repository == '(?P<repo>{_OWNER}/{_NAME})'")
WORKFLOW_BRANCHES = re.compile(rf"branches: \[(?P<branch>{_BRANCH})\]")


@dataclass(frozen=True)
class Address:
    """Where the course lives: ``repository`` "owner/name" on GitHub, ``branch`` the one learners use."""

    repository: str
    branch: str = "main"

    def __post_init__(self) -> None:
        if not isinstance(self.repository, str) or not re.fullmatch(rf"{_OWNER}/{_NAME}", self.repository):
            raise ValueError(f"repository: expected 'owner/name' as on GitHub, got {self.repository!r}")
        if not isinstance(self.branch, str) or not re.fullmatch(_BRANCH, self.branch):
            raise ValueError(f"branch: expected one name of letters, digits, '_', '.', '-' (no '/'), got {self.branch!r}")

    @property
    def owner(self) -> str:
        return self.repository.split("/")[0]

    @property
    def name(self) -> str:
        return self.repository.split("/")[1]

    @property
    def github_url(self) -> str:
        return f"https://github.com/{self.repository}"

    def blob_url(self, path: str) -> str:
        """The file ``path`` (relative to the repository root) on GitHub."""
        return f"{self.github_url}/blob/{self.branch}/{path}"

    def colab_url(self, path: str) -> str:
        """"Open in Colab" for the notebook ``path`` (e.g. "notebooks/00_start_here.ipynb")."""
        return f"https://colab.research.google.com/github/{self.repository}/blob/{self.branch}/{path}"

    def binder_url(self, path: str, ui: str = "lab") -> str:
        """"Launch on Binder": JupyterLab on ``path`` (``ui="voila"``: the Voila app at ``path``)."""
        urlpath = {"lab": f"lab/tree/{path}", "voila": f"voila/render/{path}"}[ui]
        return f"https://mybinder.org/v2/gh/{self.repository}/{self.branch}?urlpath={urlpath}"

    @property
    def install_requirement(self) -> str:
        """What the Colab install cell gives ``%pip install``: course_lib from this branch."""
        return f"course-lib @ git+https://github.com/{self.repository}@{self.branch}"

    @property
    def pages_url(self) -> str:
        """The course website (GitHub Pages of the repository)."""
        return f"https://{self.owner.lower()}.github.io/{self.name}/"

    def gitpull_link(self, hub: str = "https://YOUR-HUB", path: str = "notebooks/00_start_here.ipynb",
                     repo_url: str | None = None) -> str:
        """The nbgitpuller link a workshop gives learners: clone (later: merge) the course, open ``path``.

        nbgitpuller clones into a folder named after the repository; ``repo_url`` replaces the
        GitHub URL (the workshop test uses a local ``file://`` clone).
        """
        repo = quote(repo_url or self.github_url, safe="")
        urlpath = quote(f"lab/tree/{self.name}/{path}", safe="")
        return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?repo={repo}&branch={self.branch}&urlpath={urlpath}"


def load(pyproject: Path = PYPROJECT) -> Address:
    """The address in ``[tool.course]`` of ``pyproject``."""
    table = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}).get("course")
    if not table:
        raise ValueError(f"pyproject: {pyproject} has no [tool.course] table with repository and branch")
    return Address(table["repository"], table.get("branch", "main"))


def _substitutions(new: Address, old: Address, workflow: bool) -> list[tuple[re.Pattern[str], Callable]]:
    subs: list[tuple[re.Pattern[str], Callable]] = [
        (COLAB, lambda m: f"https://colab.research.google.com/github/{new.repository}/blob/{new.branch}/"),
        (BINDER, lambda m: f"https://mybinder.org/v2/gh/{new.repository}/{new.branch}"),
        (INSTALL, lambda m: f"git+https://github.com/{new.repository}@{new.branch}"),
        (GITPULL, lambda m: (f"repo=https%3A%2F%2Fgithub.com%2F{new.owner}%2F{new.name}{m['amp']}branch={new.branch}"
                             f"{m['amp2']}urlpath=lab%2Ftree%2F{new.name}%2F")),
        # Plain links to the repository and its website: only the old address (sources cite other repositories).
        (re.compile(rf"https://github\.com/{re.escape(old.repository)}{_END}"), lambda m: new.github_url),
        (re.compile(re.escape(old.pages_url), re.I), lambda m: new.pages_url),
    ]
    if workflow:
        subs += [(WORKFLOW_REPOSITORY, lambda m: f"github.repository == '{new.repository}'"),
                 (WORKFLOW_BRANCHES, lambda m: f"branches: [{new.branch}]")]
    return subs


def retarget_text(text: str, new: Address, old: Address | None = None, workflow: bool = False) -> str:
    """``text`` with every link to the course pointing at ``new``.

    Colab, Binder, install and git-pull links are rewritten whatever address they hold; plain
    GitHub and GitHub Pages links only where they name ``old`` (default: ``new``). ``workflow``:
    also the publishing repository and trigger branch of a GitHub Actions workflow.
    """
    for pattern, replacement in _substitutions(new, old or new, workflow):
        text = pattern.sub(replacement, text)
    return text
