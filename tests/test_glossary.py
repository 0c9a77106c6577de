"""The glossary: unique names and anchors, links that resolve, and a generated page that is up to date."""

import re
from pathlib import Path

import pytest

from course_lib import glossary
from course_lib.widgets.start_here import COURSE

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY_LINK = re.compile(r"glossary\.md#([^)\s\"'>]+)")
LINKING_FILES = sorted([*ROOT.glob("notebooks/*.py"), *ROOT.glob("solutions/*.py"), ROOT / "README.md"])


def test_anchor_is_lower_case_with_dashes():
    # Written out: "2:4 sparsity" -> "2-4-sparsity", "Amdahl's law" -> "amdahl-s-law", "MFU" -> "mfu".
    assert glossary.Term("2:4 sparsity", "x.", "03_flops").anchor == "2-4-sparsity"
    assert glossary.Term("Amdahl's law", "x.", "01_why_gpus").anchor == "amdahl-s-law"
    assert glossary.Term("MFU", "x.", "03_flops").anchor == "mfu"


def test_names_aliases_and_anchors_are_unique_across_sections():
    spellings = [s.casefold() for t in glossary.TERMS for s in (t.name, *t.aliases)]
    assert len(spellings) == len(set(spellings)), sorted({s for s in spellings if spellings.count(s) > 1})
    anchors = [t.anchor for t in glossary.TERMS]
    assert len(anchors) == len(set(anchors)), sorted({a for a in anchors if anchors.count(a) > 1})


def test_every_term_names_a_course_notebook_and_has_a_sentence():
    stems = {nb.name for nb in COURSE}
    for term in glossary.TERMS:
        assert term.notebook in stems, term.name
        # a sentence, and no "$" (Jupyter would typeset $...$ as LaTeX)
        assert len(term.definition.split()) >= 5 and term.definition.endswith("."), term.name
        assert "$" not in term.definition, term.name


def test_the_basics_section_holds_the_terms_the_review_asked_for():
    # Learner review 2026-12, section 1: used before they were explained in 00, 01 and 03.
    names = {t.name for t in glossary._BASICS}
    assert {"MFU", "Tensor Core", "accumulate precision", "2:4 sparsity", "AVX-512", "AMX", "BLAS"} <= names


def test_kernel_is_defined_and_notebook_02_links_it():
    # Learner review of notebook 02: "kernel" was used in 01 and 02 but never defined.
    kernel = next(t for t in glossary.TERMS if t.name == "kernel")
    assert kernel.notebook == "02_inside_the_gpu" and "Jupyter" in kernel.definition
    assert "glossary.md#kernel" in (ROOT / "notebooks" / "02_inside_the_gpu.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", LINKING_FILES, ids=lambda p: p.name)
def test_every_glossary_link_resolves_to_a_term(path):
    anchors = {t.anchor for t in glossary.TERMS}
    missing = [a for a in GLOSSARY_LINK.findall(path.read_text(encoding="utf-8")) if a not in anchors]
    assert not missing, f"{path.name} links to glossary anchors that no term defines: {missing}"


def test_link_pattern_finds_links_and_rejects_unknown_anchors():
    text = "see [MFU](../docs/glossary.md#mfu) and [x](../docs/glossary.md#no-such-term)"
    assert GLOSSARY_LINK.findall(text) == ["mfu", "no-such-term"]
    assert "no-such-term" not in {t.anchor for t in glossary.TERMS}


def test_every_notebook_that_teaches_a_term_links_the_glossary():
    for stem in sorted({t.notebook for t in glossary.TERMS}):
        text = (ROOT / "notebooks" / f"{stem}.py").read_text(encoding="utf-8")
        assert "docs/glossary.md" in text, stem
    assert "docs/glossary.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_rendered_page_has_every_term_with_anchor_and_notebook_link():
    page = glossary.render()
    for term in glossary.TERMS:
        assert f'<a id="{term.anchor}"></a>{term.name}\n' in page, term.name
    # MFU is taught in 03: its entry links there with the notebook's title.
    mfu = page.split('<a id="mfu"></a>')[1].split("###")[0]
    assert "Taught in [03 · FLOPS](../notebooks/03_flops.ipynb)." in mfu
    assert "Model FLOPs utilization" in mfu
    # Alphabetical, ignoring case: "2:4 sparsity" before "accumulate precision" before "Amdahl's law".
    assert page.index('id="2-4-sparsity"') < page.index('id="accumulate-precision"') < page.index('id="amdahl-s-law"')


def test_committed_page_is_up_to_date(tmp_path):
    assert (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8") == glossary.render(), \
        "docs/glossary.md is stale: run `python -m course_lib.glossary`"
    stale = tmp_path / "glossary.md"
    stale.write_text("old\n", encoding="utf-8")
    assert glossary.main(["--check", "--output", str(stale)]) == 1
    assert glossary.main(["--output", str(stale)]) == 0
    assert glossary.main(["--check", "--output", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == glossary.render()
