"""Views of notebook 00, driven without a browser; expected values are written out by hand."""

import re
from pathlib import Path

import pytest

from course_lib.widgets import start_here

ROOT = Path(__file__).resolve().parent.parent


def test_bytes_view_gb_to_gib():
    view = start_here.bytes_view()
    # 80 GB = 80e9 bytes = 80e9 / 2**30 = 74.506 GiB
    assert view.headline.value == "80 GB = 80,000,000,000 bytes; decimal: 80 GB, binary: 74.5 GiB"
    view.controls["unit"].value = "GiB"
    # 80 GiB = 80 x 1,073,741,824 = 85,899,345,920 bytes = 85.9 GB
    assert view.headline.value == "80 GiB = 85,899,345,920 bytes; decimal: 85.9 GB, binary: 80 GiB"
    view.controls["unit"].value = "MiB"
    view.controls["amount"].value = 1024
    assert view.headline.value.startswith("1024 MiB = 1,073,741,824 bytes")
    assert view.headline.value.endswith("binary: 1 GiB")
    assert view.error.value == ""


def test_bytes_view_details_name_both_conventions():
    view = start_here.bytes_view(amount=24, unit="GB")
    assert "24,000,000,000" in view.headline.value
    assert "22.4 GiB" in view.details.value  # 24e9 / 2**30 = 22.35
    assert "10<sup>9</sup>" in view.details.value and "2<sup>30</sup>" in view.details.value


def test_bytes_view_labels_define_the_units_the_values_use():
    # Learner review: the decimal row said "GB = 10^9 B" while showing "81.9 KB".
    view = start_here.bytes_view(amount=80, unit="KiB")  # 80 x 1024 = 81,920 bytes = 81.9 KB
    assert "KB = 10<sup>3</sup> B)</td><td style='text-align:right;padding:1px 6px'>81.9 KB" in view.details.value
    assert "KiB = 2<sup>10</sup> B)</td><td style='text-align:right;padding:1px 6px'>80 KiB" in view.details.value
    assert "GB = 10<sup>9</sup>" not in view.details.value
    view.controls["unit"].value = "TiB"  # 80 x 2**40 = 87,960,930,222,080 bytes = 88.0 TB
    assert "TB = 10<sup>12</sup> B)</td><td style='text-align:right;padding:1px 6px'>88 TB" in view.details.value
    assert "TiB = 2<sup>40</sup> B)" in view.details.value
    view.controls["unit"].value = "GB"
    view.controls["amount"].value = 1024  # 1.024e12 bytes: 1.02 TB (rounding moves to T) = 954 GiB (1.024e12 / 2**30)
    assert "TB = 10<sup>12</sup> B)</td><td style='text-align:right;padding:1px 6px'>1.02 TB" in view.details.value
    assert "GiB = 2<sup>30</sup> B)</td><td style='text-align:right;padding:1px 6px'>954 GiB" in view.details.value
    view.controls["unit"].value = "B"  # 1024 bytes: 1.02 KB, 1 KiB
    assert "KB = 10<sup>3</sup> B" in view.details.value and "KiB = 2<sup>10</sup> B" in view.details.value
    view.controls["amount"].value = 80  # plain bytes: the smallest prefix defines the convention
    assert "KB = 10<sup>3</sup> B" in view.details.value and "KiB = 2<sup>10</sup> B" in view.details.value
    assert view.error.value == ""


def test_bytes_view_shows_the_gap_growing_with_the_prefix():
    view = start_here.bytes_view()
    # 2**30 / 1e9 = 1.0737: 7.4 % bigger; 1 - 1e9 / 2**30 = 6.9 % smaller number
    assert "1 GiB = 1.074 GB: the binary unit is 7.4% bigger" in view.details.value
    assert "6.9% smaller in GiB than in GB" in view.details.value
    view.controls["unit"].value = "KiB"  # 1024 / 1000
    assert "1 KiB = 1.024 KB: the binary unit is 2.4% bigger" in view.details.value
    view.controls["unit"].value = "TB"  # 2**40 / 1e12 = 1.0995; 1 - 1 / 1.0995 = 9.05 %
    assert "1 TiB = 1.100 TB: the binary unit is 10.0% bigger" in view.details.value
    assert "9.1% smaller" in view.details.value
    view.controls["unit"].value = "B"
    assert "bigger" not in view.details.value and view.error.value == ""


def test_course_plan_fits_prefix_of_path():
    # "Which GPU" path: 00 (15) + 01 (55) + 03 (50) + 04 (75) + 09 (45) + 10 (35) + 11 (40) = 315 min
    plan = start_here.course_plan("Which GPU should I buy or rent?", 150)
    assert [nb.number for nb in plan["path"]] == ["00", "01", "03", "04", "09", "10", "11"]
    assert plan["total_minutes"] == 315
    # 15 + 55 + 50 = 120 <= 150 < 195
    assert [nb.number for nb in plan["today"]] == ["00", "01", "03"]
    assert [nb.number for nb in plan["later"]] == ["04", "09", "10", "11"]
    assert start_here.course_plan("Why do LLMs run on GPUs?", 0)["today"] == []


def test_plan_view_headline_and_figure_follow_controls():
    view = start_here.plan_view()
    # 00 (15) + 01 (55) + 02 (65) = 135 min; the default 90 min cover 00 and 01 (70 min)
    assert view.headline.value == "Path 00 → 01 → 02: 135 min in all; today do 00 → 01, then start next time at 02."
    before = view.image.value
    view.controls["goal"].value = "Everything (the whole course)"
    # 15 + 55 + 65 + 50 + 75 + 75 + 60 + 55 + 55 + 45 + 35 + 40 = 625 min; 90 min cover 00 and 01 (70 min)
    assert view.headline.value == ("Path 00 → 01 → 02 → 03 → 04 → 05 → 06 → 07 → 08 → 09 → 10 → 11: 625 min in all; "
                                   "today do 00 → 01, then start next time at 02.")
    assert view.image.value != before
    view.controls["minutes"].value = 630
    assert view.headline.value.endswith("625 min in all; it fits in your time.")
    assert "11_reality_check.ipynb" in view.details.value


def test_course_plan_bad_input_names_parameter():
    with pytest.raises(ValueError, match=r"^goal: unknown value"):
        start_here.course_plan("Why do GPUs exist", 60)
    with pytest.raises(ValueError, match=r"^minutes_available"):
        start_here.course_plan("Why do LLMs run on GPUs?", -5)


def test_every_goal_starts_at_00_and_uses_known_notebooks_in_order():
    numbers = [nb.number for nb in start_here.COURSE]
    for goal, path in start_here.GOALS.items():
        assert path[0] == "00", goal
        assert list(path) == sorted(path), goal
        assert set(path) <= set(numbers), goal


def test_course_map_agrees_with_readme():
    # README table rows: | [NN · Title](notebooks/NAME.ipynb) | what you learn | N min |
    rows = re.findall(r"^\| \[(\d\d) · ([^\]]+)\]\(notebooks/(\w+)\.ipynb\) \| (.+?) \| (\d+) min \|$",
                      (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    assert rows, "README course table not found"
    assert [(nb.number, nb.title, nb.name, nb.learn, nb.minutes) for nb in start_here.COURSE] == [
        (number, title, name, learn, int(minutes)) for number, title, name, learn, minutes in rows]


def test_course_map_minutes_agree_with_each_notebooks_estimated_time():
    # Each notebook's title cell says "**Estimated time:** N min"; the planner must add up the same N.
    for nb in start_here.COURSE:
        text = (ROOT / "notebooks" / f"{nb.name}.py").read_text(encoding="utf-8")
        stated = re.search(r"\*\*Estimated time:\*\* (\d+) min", text)
        assert stated and int(stated.group(1)) == nb.minutes, nb.name
