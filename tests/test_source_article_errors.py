"""docs/source-article-errors.md: the myth checks it points to exist, and its numbers are course_lib's.

The expected values are hand arithmetic written out here (bytes per value x parameters, datasheet
rates from the catalog's sources), never the doc's own text.
"""

import re
from pathlib import Path

import pytest

from course_lib import hardware, memory, models

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "source-article-errors.md").read_text(encoding="utf-8")
NOTEBOOK_BY_NUMBER = {p.name[:2]: p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.py")}
MYTH_REFERENCES = re.findall(r"\*\*Where:\*\* (\d\d) [^,]*, myth check \"([^\"]+)\"", DOC)


def test_the_doc_points_to_myth_checks():
    assert len(MYTH_REFERENCES) >= 5


@pytest.mark.parametrize(("number", "title"), MYTH_REFERENCES)
def test_each_referenced_myth_check_exists_in_its_notebook(number, title):
    text = NOTEBOOK_BY_NUMBER[number].read_text(encoding="utf-8")
    assert re.search(rf"^# #+ (?:\d+\. )?Myth check: \"{re.escape(title)}\"$", text, re.M), (number, title)


def test_every_claim_in_the_summary_has_a_section():
    rows = re.findall(r"^\| (\d+) \| [\d, ]+ \|", DOC, re.M)
    assert [int(r) for r in rows] == list(range(1, len(rows) + 1))
    sections = {int(n) for first, last in re.findall(r"^### (\d+)(?:–(\d+))?\.", DOC, re.M)
                for n in range(int(first), int(last or first) + 1)}
    assert sections == set(range(1, len(rows) + 1))


def test_the_doc_numbers_agree_with_course_lib():
    # 10B parameters: 4, 2 and 1 bytes each -> 40, 20, 10 GB (the article says 400, 200, 100)
    assert [memory.weights_bytes(10e9, d) / 1e9 for d in ("fp32", "fp16", "int8")] == [40, 20, 10]
    assert "10e9 × 4 B = 40 GB (fp32), 20 GB (fp16), 10 GB (int8)" in DOC
    # GPT-3: 174,604,259,328 parameters x 2 bytes = 349.2 GB; x 1 byte = 174.6 GB, eleven 16 GB T4s
    gpt3 = models.get_model("GPT-3 175B").param_count()
    assert round(memory.weights_bytes(gpt3, "bf16") / 1e9) == 349 and "349 GB in bf16" in DOC
    assert -(-memory.weights_bytes(gpt3, "int8") // hardware.get_gpu("T4").memory_bytes) == 11
    # mixed-precision Adam 2 + 2 + 12 = 16 B/param; fp32 Adam 4 + 4 + 8 = 16 B/param: 7B -> 112 GB both
    for mixed in (True, False):
        assert memory.training_memory(7e9, mixed_precision=mixed)["total"] == 112e9
    # RTX 3090: GA102 whitepaper App. A, FP32 35.6, FP16/BF16 Tensor with FP32 accumulate 71
    rtx3090 = hardware.get_gpu("RTX 3090")
    assert (rtx3090.peak_tflops("fp32"), rtx3090.peak_tflops("fp16")) == (35.6, 71)
    # A100 vs Xeon 8480+: 19.5 / 7.168 = 2.72 and 312 / 114.688 = 2.72; 312 / 7.168 = 43.5; 2039 / 307.2 = 6.6
    a100, xeon = hardware.get_gpu("A100 SXM 80GB"), hardware.get_gpu("Xeon Platinum 8480+")
    assert round(a100.peak_tflops("bf16") / xeon.peak_tflops("fp32"), 1) == 43.5 and "(43.5×)" in DOC
    assert round(a100.memory_bandwidth_gbs / xeon.memory_bandwidth_gbs, 1) == 6.6
    # RTX 4090 vs A100 bf16: 165.2 / 312 = 0.53
    assert round(hardware.get_gpu("RTX 4090").peak_tflops("bf16") / a100.peak_tflops("bf16"), 2) == 0.53
    # OPT-13B KV cache: 2 x 5120 x 40 x 2 bytes = 819,200 = 800 KiB per token
    assert memory.kv_cache_bytes("OPT-13B", 1, 1, "fp16") == 800 * 1024 and "800 KiB per token" in DOC
