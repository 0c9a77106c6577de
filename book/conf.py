"""Sphinx configuration of the course website (``make site``; tools/site_build.py writes the source pages).

myst-nb renders the notebooks as executed by tools/site_build.py (never executed again here);
sphinx-book-theme gives the navigation, the search box and the Binder/Colab launch buttons, built
from the course's one address (``[tool.course]`` in pyproject.toml).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.address import load  # noqa: E402

address = load()

project = "GPU hardware for large language models"
author = "the course's contributors"
copyright = "the course's contributors (MIT licence)"
extensions = ["myst_nb", "tools.sphinx_mathml"]
html_math_renderer = "mathml"

nb_execution_mode = "off"  # executed once, in parallel, by tools/site_build.py
nb_ipywidgets_js = {}  # widgets are frozen into pictures: no widget JavaScript from a CDN
nb_merge_streams = True
myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 4
myst_heading_slug_func = "tools.site_build.heading_slug"  # the glossary's anchors: "2:4 sparsity" -> 2-4-sparsity
suppress_warnings = ["myst.header"]  # the glossary's terms are ### headings under its # title

html_theme = "sphinx_book_theme"
html_title = project
html_context = {"default_mode": "light"}  # the widget pictures and figures are drawn on white
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_favicon = "_static/favicon.svg"
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "repository_url": address.github_url,
    "repository_branch": address.branch,
    "path_to_docs": "",  # build/site-src keeps the repository's layout: notebooks/NN_name.ipynb
    "use_repository_button": True,
    "use_download_button": False,  # the page is the notebook as run for the site; the original is on GitHub
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",
        "notebook_interface": "jupyterlab",
    },
    "show_toc_level": 2,
}
