"""Money in every notebook, solution, exercise and app is written "USD 1,599", never "$1,599" (browser review D4/D19).

Jupyter typesets the text between two "$" as LaTeX: "type $4 (every other GPU stays at $2)" rendered as
"type 4(everyotherGPUstaysat2)". A "$" directly before a digit is money; "$$...$$" around a formula is math and
stays allowed (notebook 07 writes the all-reduce time that way).
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(path for folder in ("notebooks", "solutions", "exercises", "apps")
                   for path in (ROOT / folder).glob("*.ipynb"))
MONEY = re.compile(r"(?<!\$)\$\s?\d")  # "$2", "$ 500,000"; not the second "$" of "$$"


def money_signs(text: str) -> list[str]:
    """Each "$" used for money in ``text``, with a little context."""
    return [text[max(m.start() - 20, 0):m.end() + 10] for m in MONEY.finditer(text)]


def test_money_signs_are_found():
    assert len(money_signs("rent at $2 per GPU-hour and a $ 500,000 budget")) == 2
    assert money_signs(r"$$t = \frac{2(n-1)}{n}$$ and USD 1,599") == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_dollar_money_in_markdown(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = [sign for cell in cells if cell["cell_type"] == "markdown" for sign in money_signs("".join(cell["source"]))]
    assert not found


def test_every_folder_is_covered():
    assert {p.parent.name for p in NOTEBOOKS} == {"notebooks", "solutions", "exercises", "apps"}
