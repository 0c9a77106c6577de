"""Point every link to the course at one address: ``make retarget REPO=owner/name [BRANCH=main]``.

Writes the address into ``[tool.course]`` of pyproject.toml, then rewrites the Colab and Binder
links, the Colab install cells, the nbgitpuller links, the website and repository links and the
GitHub Actions workflows in every file git would commit (notebooks and their .py pairs, solutions,
generated exercises, apps, README, docs, deploy/, .github/), except tests/, whose addresses are
examples; and regenerates deploy/jupyterhub/values.yaml. ``--check`` changes nothing and exits 1 if a file disagrees with pyproject.toml.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from tools.address import PYPROJECT, ROOT, Address, load, retarget_text
from tools.workshop import VALUES_FILE, jupyterhub_values

TEXT_SUFFIXES = {".py", ".ipynb", ".md", ".toml", ".yml", ".yaml", ".txt", ".cfg", ".json", ".html", ".css"}
SKIPPED_DIRS = ("tests/",)
# Files generated whole from the address (written by retarget, compared by --check).
GENERATED = {VALUES_FILE: jupyterhub_values}


def course_files(root: Path = ROOT) -> list[Path]:
    """Text files git would commit under ``root`` (tracked or new, not ignored), tests/ left out."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                            check=True, capture_output=True, text=True).stdout.split("\0")
    names = sorted({name for name in listed if name and not name.startswith(SKIPPED_DIRS)})
    return [root / name for name in names
            if (root / name).is_file() and (Path(name).suffix in TEXT_SUFFIXES or Path(name).name == "Makefile")]


def _is_workflow(path: Path, root: Path) -> bool:
    return path.relative_to(root).parts[:2] == (".github", "workflows")


def set_address(pyproject: Path, address: Address) -> None:
    """Write ``address`` into the ``[tool.course]`` table of ``pyproject`` (comments kept)."""
    text = pyproject.read_text(encoding="utf-8")
    table = re.search(r"^\[tool\.course\]\n(?:(?!\[).*\n?)*", text, re.M)
    if table is None:
        raise ValueError(f"pyproject: {pyproject} has no [tool.course] table")
    body = re.sub(r'^repository = ".*"$', f'repository = "{address.repository}"', table[0], flags=re.M)
    body = re.sub(r'^branch = ".*"$', f'branch = "{address.branch}"', body, flags=re.M)
    pyproject.write_text(text[:table.start()] + body + text[table.end():], encoding="utf-8")


def disagreeing_files(root: Path = ROOT, address: Address | None = None) -> list[Path]:
    """Files whose links to the course do not all point at ``address`` (default: pyproject.toml's)."""
    address = address or load(root / "pyproject.toml")
    stale = [root / name for name, generate in GENERATED.items()
             if not (root / name).exists() or (root / name).read_text(encoding="utf-8") != generate(address)]
    return stale + [path for path in course_files(root) if path not in stale
                    and retarget_text(text := path.read_text(encoding="utf-8"), address,
                                      workflow=_is_workflow(path, root)) != text]


def retarget(new: Address, root: Path = ROOT) -> list[Path]:
    """Make ``new`` the course's address under ``root``; return the files changed."""
    pyproject = root / PYPROJECT.name
    old = load(pyproject)
    set_address(pyproject, new)
    changed = []
    for name, generate in GENERATED.items():
        path = root / name
        if not path.exists() or path.read_text(encoding="utf-8") != generate(new):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(generate(new), encoding="utf-8")
            changed.append(path)
    for path in course_files(root):
        if path in changed:
            continue
        text = path.read_text(encoding="utf-8")
        rewritten = retarget_text(text, new, old, workflow=_is_workflow(path, root))
        if rewritten != text:
            path.write_text(rewritten, encoding="utf-8")
            changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", help="owner/name on GitHub (default: pyproject.toml's)")
    parser.add_argument("--branch", help="branch (default: pyproject.toml's, or main with a new --repo)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a link disagrees")
    args = parser.parse_args(argv)
    current = load()
    if args.check:
        stale = disagreeing_files()
        for path in stale:
            print(f"disagrees with [tool.course] ({current.repository}@{current.branch}): "
                  f"{path.relative_to(ROOT)} (run `make retarget`)", file=sys.stderr)
        if not stale:
            print(f"every link points at {current.repository}@{current.branch}")
        return 1 if stale else 0
    try:
        new = Address(args.repo or current.repository, args.branch or ("main" if args.repo else current.branch))
    except ValueError as error:
        parser.error(str(error))
    changed = retarget(new)
    for path in changed:
        print(f"rewrote {path.relative_to(ROOT)}")
    print(f"the course now lives at {new.repository}@{new.branch} ({len(changed)} files changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
