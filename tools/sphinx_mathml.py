"""A Sphinx math renderer that writes MathML (latex2mathml): browsers draw it natively, nothing is loaded from a CDN.

The default renderer, MathJax, fetches its script from a CDN: offline, the page would log an error
and show the raw LaTeX. ``html_math_renderer = "mathml"`` in book/conf.py selects this one.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from latex2mathml.converter import convert


def _inline(translator: Any, node: nodes.Element) -> None:
    translator.body.append(convert(node.astext()))
    raise nodes.SkipNode


def _block(translator: Any, node: nodes.Element) -> None:
    translator.body.append(f'<div class="math-block">{convert(node.astext(), display="block")}</div>')
    raise nodes.SkipNode


def setup(app: Any) -> dict:
    app.add_html_math_renderer("mathml", (_inline, None), (_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
