"""Every view's controls, checked without a browser against what the browser does with them (browser review
2026-12: D1, D2/D7, D5, D6, D10, D12, D14, D15, D16, D18; issue 13: constructors that clamped silently).

The browser's arithmetic is re-created here from ipywidgets 8.1's frontend (jupyterlab_widgets 3.0): a
``FloatLogSlider`` starts its noUiSlider at ``log(value) / log(base)`` snapped to ``min + k * step`` and sends
``base ** exponent`` back; a ``FloatSlider``/``IntSlider`` snaps its start to ``min + k * step``; a
``SelectionSlider`` sends the index of one of its options.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import re

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib import font_manager, ft2font
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.textpath import TextPath

import course_lib.widgets as package
from course_lib.widgets import CalculatorView, _controls, choosing, flops, memory_precision, reality

SLIDERS = (widgets.IntSlider, widgets.FloatSlider, widgets.FloatLogSlider, widgets.SelectionSlider)


def _builders():
    """(module.name, builder) for every public ``*_view`` builder whose arguments all have defaults."""
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"course_lib.widgets.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and name.endswith("_view") and not name.startswith("_"):
                found.append((f"{info.name}.{name}", function))
    return found


BUILDERS = _builders()


@pytest.fixture(scope="module")
def views() -> dict[str, CalculatorView]:
    return {name: builder() for name, builder in BUILDERS}


def test_every_view_builder_is_found():
    assert len(BUILDERS) >= 30 and "flops.matmul_view" in dict(BUILDERS)


def browser_start(control):
    """The value the browser shows (and sends back) when it renders ``control`` (see the module docstring)."""
    if isinstance(control, widgets.FloatLogSlider):
        exponent = min(max(math.log(control.value) / math.log(control.base), control.min), control.max)
        snapped = control.min + round((exponent - control.min) / control.step) * control.step
        return control.base ** snapped
    if isinstance(control, (widgets.IntSlider, widgets.FloatSlider)):
        return control.min + round((control.value - control.min) / control.step) * control.step
    if isinstance(control, widgets.SelectionSlider):
        return control.options[control.index][1]
    return control.value


def test_browser_start_reproduces_the_reviewed_snaps():
    # The review's own observations (D5): 7.5B became 7.94B, 7B became 7.08B, 2e12 tokens became 1.995e12.
    def log_slider(value):
        return widgets.FloatLogSlider(value=value, base=10, min=-1, max=3, step=0.05)
    assert browser_start(log_slider(7.5)) == pytest.approx(7.943, abs=1e-3)
    assert browser_start(log_slider(7.0)) == pytest.approx(7.079, abs=1e-3)
    tokens = widgets.FloatLogSlider(value=2e12, base=10, min=8, max=14, step=0.05)
    assert browser_start(tokens) == pytest.approx(1.995e12, rel=1e-3)


@pytest.mark.parametrize("name", [name for name, _ in BUILDERS])
def test_the_browser_shows_the_value_python_computed_with(views, name):
    """D5: the numbers a view prints when it is built are the ones the learner sees after the browser renders it."""
    for control in views[name].controls.values():
        if isinstance(control, SLIDERS):
            assert browser_start(control) == pytest.approx(control.value, rel=1e-12), control.description


@pytest.mark.parametrize("name", [name for name, _ in BUILDERS])
def test_no_control_the_browser_turns_into_another_number(views, name):
    """D1/D5/D10: no FloatLogSlider (base ** exponent in the browser) and no IntText/FloatText ("1.5" -> 15)."""
    kinds = {type(control).__name__ for control in views[name].controls.values()}
    assert not kinds & {"FloatLogSlider", "IntText", "FloatText", "BoundedIntText", "BoundedFloatText"}


def test_matmul_sizes_are_exact_at_every_slider_position():
    """D1: m, k, n at every position the browser can send are whole powers of two the view accepts."""
    view = flops.matmul_view()
    for name in ("m", "k", "n"):
        slider = view.controls[name]
        for index, (label, value) in enumerate(slider.options):
            slider.index = index
            assert type(value) is int and label == f"{value:,}" and value == 2 ** index
            assert view.error.value == "" and f"{value:,}" in view.headline.value.replace(" × ", " ")
        slider.index = 12  # back to 4096


def _text_width_px(text: str, size_px: float = 13.0) -> float:
    """Width of ``text`` in DejaVu Sans (wider than JupyterLab's UI fonts: an upper bound) at ``size_px``."""
    return TextPath((0, 0), text, size=size_px, prop=FontProperties(family="DejaVu Sans")).get_extents().width


@pytest.mark.parametrize("name", [name for name, _ in BUILDERS])
def test_every_slider_track_has_room(views, name):
    """D2/D7: a slider row is as wide as the page allows, up to a width that leaves the track >= 150 px next to
    its description and a 90 px readout (ipywidgets' default row is 300 px, whatever the description)."""
    for control in views[name].controls.values():
        if not isinstance(control, SLIDERS):
            continue
        assert control.layout.width == "100%", control.description
        room = int(control.layout.max_width.removesuffix("px"))
        assert room - _text_width_px(control.description) - 90 >= 150, control.description


@pytest.mark.parametrize("name", [name for name, _ in BUILDERS])
def test_every_slider_position_is_a_value_the_view_accepts(views, name):
    """D6 and its kind: no slider position (both ends and the middle) is refused by the view because of the
    slider's own value (other controls may still make a combination impossible, with a message)."""
    view = views[name]
    for key, control in view.controls.items():
        if not isinstance(control, SLIDERS):
            continue
        start = control.index if isinstance(control, widgets.SelectionSlider) else control.value
        positions = ([0, len(control.options) // 2, len(control.options) - 1]
                     if isinstance(control, widgets.SelectionSlider) else [control.min, control.max])
        for position in positions:
            if isinstance(control, widgets.SelectionSlider):
                control.index = position
            else:
                control.value = position
            own = re.escape(control.description)
            assert not re.search(rf"⚠ ({own}|{re.escape(key)}) must", view.error.value), view.error.value
            assert "failed on these inputs" not in view.error.value, (key, position, view.error.value)  # a bug
        if isinstance(control, widgets.SelectionSlider):
            control.index = start
        else:
            control.value = start


def test_percentages_are_labelled_in_percent_everywhere(views):
    """D12/D16: every MFU, efficiency and overlap control is a slider of fractions labelled "40%"; the readout
    cannot be typed into, so 50 is never read as 5,000 %."""
    fractions = [(name, key, c) for name, view in views.items() for key, c in view.controls.items()
                 if re.search(r"mfu|efficiency|overlap", key)]
    assert len(fractions) >= 9
    for name, key, control in fractions:
        assert isinstance(control, widgets.SelectionSlider), (name, key)
        assert all(label.endswith("%") and value <= 1 for label, value in control.options), (name, key)


def test_number_boxes_refuse_what_an_int_text_misread():
    """D10: "1.5" is not 15, "1e300" is not 1300; empty and "nan" are refused with the box's description."""
    view = memory_precision.fit_view()
    box = view.controls["n_gpus"]
    assert isinstance(box, _controls.NumberBox) and box.continuous_update is False
    for typed in ("1.5", "1e300", "", "nan", "abc", "-2", "0"):
        box.value = typed
        assert view.error.value.startswith("<span") and "number of GPUs" in view.error.value, typed
        assert view.last is None and view.headline.value == ""
    box.value = "1,024"  # thousands separators are fine
    assert view.error.value == "" and "1,024" not in view.error.value and view.last is not None
    box.value = "2e0"
    assert view.values()["n_gpus"] == 2 and type(view.values()["n_gpus"]) is int


def test_a_number_box_set_from_code_takes_numbers():
    box = _controls.number_box("n", 8, "n", integer=True, minimum=1, maximum=100)
    box.value = 16
    assert box.value == "16" and box.parsed() == 16
    box.value = 0.25
    assert box.value == "0.25"
    with pytest.raises(ValueError, match="^n must be a whole number from 1 to 100, got '0.25'$"):
        box.parsed()


@pytest.mark.parametrize(("call", "argument"), [
    # Issue 13 (hardening's leftovers): the constructors clamped these silently or failed deep inside.
    (lambda: importlib.import_module("course_lib.widgets.why_gpus").amdahl_view(n_workers=1e9), "n_workers"),
    (lambda: importlib.import_module("course_lib.widgets.why_gpus").amdahl_view(parallel_fraction=math.nan),
     "parallel_fraction"),
    (lambda: importlib.import_module("course_lib.widgets.why_gpus").roofline_view(tokens=3), "tokens"),
    (lambda: importlib.import_module("course_lib.widgets.parallelism").zero_view(n_params_billion=1e5),
     "n_params_billion"),
    (lambda: importlib.import_module("course_lib.widgets.parallelism").zero_view(n_gpus=math.nan), "n_gpus"),
    (lambda: memory_precision.training_memory_view(checkpointing=None), "checkpointing"),
    (lambda: memory_precision.training_memory_view(mixed_precision="False"), "mixed_precision"),
    (lambda: memory_precision.fit_view(n_gpus=0), "n_gpus"),
    (lambda: flops.matmul_view(m=48), "m"),
    (lambda: flops.training_cost_view(mfu=1.5), "mfu"),
    (lambda: flops.training_cost_view(gpu="H1OO"), "gpu"),
    (lambda: reality.mfu_view(mfu=0.0), "mfu"),
    (lambda: choosing.planner_view(deadline_days=-1), "deadline_days"),
    (lambda: choosing.rent_vs_buy_view(hours_per_day=25), "hours_per_day"),
    (lambda: importlib.import_module("course_lib.widgets.serving").paged_view(block_size=3), "block_size"),
    (lambda: importlib.import_module("course_lib.widgets.inside_gpu").peak_view(clock_mhz=9000), "clock_mhz"),
])
def test_constructors_refuse_out_of_range_arguments_naming_them(call, argument):
    with pytest.raises(ValueError, match=f"^{argument}"):
        call()


def test_nan_set_from_code_is_a_message_naming_the_control():
    """Issue 13: amdahl/zero/roofline views said "cannot convert float NaN to integer"."""
    view = _controls_view_with_float_slider()
    view.controls["x"].value = math.nan
    assert "x value must be a finite number, got nan" in view.error.value
    assert "convert" not in view.error.value


def _controls_view_with_float_slider():
    from course_lib.widgets import ViewUpdate
    slider = _controls.float_slider("x", 0.5, 0.0, 1.0, 0.1, "x value")
    return CalculatorView({"x": slider}, lambda x: ViewUpdate(f"x = {round(x * 10)}"), figsize=None)


def test_typed_price_of_minus_zero_is_never_usd_minus_zero():
    """Hardening's leftover: "USD -0" where money() was not used."""
    view = flops.training_cost_view(usd_per_gpu_hour=1.0)
    view.controls["price_typed"].value = "-0"
    assert "USD -0" not in view.headline.value + view.details.value
    assert "USD 0" in view.headline.value


# --------------------------------------------------------------------------- what the page shows

_FONT = ft2font.FT2Font(font_manager.findfont(FontProperties(family="DejaVu Sans")))


def _visible_texts(view: CalculatorView) -> list[str]:
    texts = [view.headline.value, re.sub(r"<[^>]+>", " ", view.details.value), re.sub(r"<[^>]+>", " ", view.error.value)]
    for control in view.controls.values():
        texts.append(control.description)
        texts += [str(label) for label in getattr(control, "_options_labels", ())]
    return texts


def test_every_character_has_a_glyph_in_a_common_font(views):
    """D15: ✅/❌ showed as empty boxes on a Linux desktop without an emoji font. Every character a view shows
    (and the exercise checks' icons) must be in DejaVu Sans, the usual Linux fallback font."""
    from course_lib.checks import _base
    missing = {(name, ch) for name, view in views.items() for text in _visible_texts(view) for ch in set(text)
               if ord(ch) > 127 and _FONT.get_char_index(ord(ch)) == 0}
    missing |= {("checks", ch) for ch in "".join(_base._ICONS.values()) if _FONT.get_char_index(ord(ch)) == 0}
    assert not missing


def test_no_dollar_in_any_view_text(views):
    """Browser review D4: two "$" in a label or description are typeset as LaTeX; money is "USD 1,599"."""
    assert not [(name, text) for name, view in views.items() for text in _visible_texts(view) if "$" in text]


def test_headlines_wrap_instead_of_being_cut(views):
    """D8: a Label is one line cut with an ellipsis; every view's headline carries the class its style sheet wraps."""
    for view in views.values():
        assert "course-headline" in view.headline._dom_classes and "course-view" in view.widget._dom_classes
        sheet = view.widget.children[-1]
        assert sheet.layout.display == "none" and "white-space:normal" in sheet.value
        assert ".widget-toggle-buttons{display:flex" in sheet.value  # D16: toggle buttons beside their description


def _contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_bit_boxes_are_readable_in_light_and_dark_themes():
    """D9: in JupyterLab Dark the digits inherited the theme's white text on pastel boxes (1.7:1) and the legend was
    #555 on #111 (2.5:1). Now each box sets dark digits (WCAG AA: 4.5:1), and the legend keeps the theme's colour."""
    view = memory_precision.format_explorer_view()
    markup = view.details.value
    boxes = re.findall(r"color:(#[0-9a-f]{6});background:(#[0-9a-f]{6})", markup)
    assert len(boxes) == 16  # fp16
    assert all(_contrast(fg, bg) >= 4.5 for fg, bg in boxes)
    legend = re.search(r"<div style='([^']*)'>sign \(1 bit\)", markup).group(1)
    assert "color" not in legend


def test_planner_caveats_are_written_out_not_hover_only():
    """D18: the planner's notes are table text, not title tooltips a keyboard or touch user cannot open."""
    view = choosing.planner_view()
    assert "title=" not in view.details.value and "⚠" not in view.details.value
    assert "no GPU-to-GPU link" in view.details.value or "PCIe" in view.details.value


def _smallest_font_px(view: CalculatorView) -> float:
    texts = [t for t in view.figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    return min(t.get_fontsize() for t in texts) * view.figure.dpi / 72


@pytest.mark.parametrize("builder", [flops.matmul_view, choosing.planner_view])
def test_chart_text_is_readable(builder):
    """D14: bar labels of the 03 matmul and 09 planner charts were about 7 px; every text is now >= 10 px."""
    assert _smallest_font_px(builder()) >= 10


def test_catalog_scatter_labels_do_not_overprint():
    """D14: in 09's scatter plots "H100 SXM"/"H800 SXM" and the three A...80GB labels printed over each other."""
    from matplotlib.figure import Figure
    for draw in (choosing.plot_tflops_vs_memory, choosing.plot_bandwidth_vs_memory):
        figure = Figure(figsize=(8, 5), dpi=80)  # as notebook 09 draws them
        ax = draw(figure.add_subplot())
        renderer = figure.canvas.get_renderer()
        for note in ax.texts:
            note.update_positions(renderer)
        boxes = [Text.get_window_extent(t, renderer) for t in ax.texts if t.get_text()]
        overlaps = [(i, j) for i in range(len(boxes)) for j in range(i) if boxes[i].overlaps(boxes[j])]
        assert len(boxes) >= 15 and not overlaps
        inside = figure.bbox
        assert all(inside.x0 <= b.x0 and b.x1 <= inside.x1 and inside.y0 <= b.y0 and b.y1 <= inside.y1 for b in boxes)


def test_every_view_figure_text_is_at_least_8_points(views):
    """The charts' smallest text (tick labels, bar labels, legends) is >= 8 pt, drawn at the view's dpi."""
    small = {name: _smallest_font_px(v) * 72 / v.figure.dpi for name, v in views.items() if v.figure is not None}
    assert {name: size for name, size in small.items() if size < 8} == {}
    assert np.isfinite(list(small.values())).all()
