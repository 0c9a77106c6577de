"""The workshop path: the Zero to JupyterHub values file built from the course's address.

The keys are those the Zero to JupyterHub Helm chart documents in its ``values.schema.yaml``
(github.com/jupyterhub/zero-to-jupyterhub-k8s, tag 4.4.0, commit 5c5f5df, 2026-06-10); the
``gitpuller`` post-start hook is the chart documentation's own recipe ("Using nbgitpuller to
synchronize a folder", docs/source/jupyterhub/customizing/user-environment.md at that tag).
"""

from __future__ import annotations

from tools.address import Address

Z2JH_CHART_VERSION = "4.4.0"
VALUES_FILE = "deploy/jupyterhub/values.yaml"


def course_image(address: Address) -> str:
    """The hub's user image: built from the repository by repo2docker, on GitHub's registry (lower case)."""
    return f"ghcr.io/{address.repository.lower()}"


def jupyterhub_values(address: Address) -> str:
    """Zero to JupyterHub values for a workshop of the course at ``address``."""
    return f"""\
# Zero to JupyterHub values for a workshop of the course (Helm chart jupyterhub {Z2JH_CHART_VERSION}).
# Generated from [tool.course] in pyproject.toml by `make retarget`: edit tools/workshop.py, not this file.
# helm upgrade --install course jupyterhub/jupyterhub --version {Z2JH_CHART_VERSION} --values {VALUES_FILE}
singleuser:
  image:
    # The course environment (environment.yml: JupyterLab, ipywidgets, course_lib, nbgitpuller), built by
    # jupyter-repo2docker --no-run --ref {address.branch} --image-name {course_image(address)}:{address.branch} {address.github_url}
    name: {course_image(address)}
    tag: {address.branch}
  defaultUrl: /lab
  lifecycleHooks:
    postStart:
      exec:
        # At every server start: clone the course into ~/{address.name}, or merge its updates into the learner's copy.
        command: ["gitpuller", "{address.github_url}", "{address.branch}", "{address.name}"]
  cpu:
    guarantee: 0.5
    limit: 2
  memory:
    guarantee: 1G
    limit: 2G
  storage:
    capacity: 2Gi
cull:
  enabled: true
  timeout: 3600
"""
