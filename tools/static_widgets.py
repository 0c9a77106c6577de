"""Widgets as pictures: an executed notebook's widget outputs turned into static HTML for the website.

A notebook executed by nbclient keeps its widgets' last state in its metadata
(``application/vnd.jupyter.widget-state+json``). :func:`freeze_widgets` replaces every widget output
with HTML drawn from that state: the controls and their values, the headline ``Label``, the details
``HTML`` and the figure ``Image`` (a course ``CalculatorView`` in its starting state), followed by
links that launch the notebook on Binder or Colab, where it moves. No JavaScript, nothing fetched.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
BOXES = {"VBoxModel": "vbox", "HBoxModel": "hbox", "BoxModel": "vbox", "GridBoxModel": "vbox"}
CHOICES = {"DropdownModel", "ToggleButtonsModel", "RadioButtonsModel", "SelectModel", "SelectionSliderModel"}
VALUES = {"IntSliderModel", "FloatSliderModel", "FloatLogSliderModel", "IntTextModel", "FloatTextModel",
          "BoundedIntTextModel", "BoundedFloatTextModel", "TextModel", "TextareaModel", "CheckboxModel",
          "ToggleButtonModel", "IntProgressModel", "FloatProgressModel"}


class WidgetState:
    """The saved state of one notebook's widgets: ``model(id)`` gives a model's state (buffers included)."""

    def __init__(self, notebook: nbformat.NotebookNode):
        saved = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {})
        self.models: dict[str, dict] = saved.get("state", {})

    def model(self, model_id: str) -> tuple[str, dict]:
        """(model name, state) of ``model_id`` (an id or an ``IPY_MODEL_<id>`` reference)."""
        model_id = model_id.removeprefix("IPY_MODEL_")
        if model_id not in self.models:
            raise KeyError(f"widget model {model_id} is not in the notebook's saved widget state")
        entry = self.models[model_id]
        state = dict(entry["state"])
        for buffer in entry.get("buffers", []):  # binary values (an Image's PNG) travel base64-encoded
            state[buffer["path"][0]] = buffer["data"]
        return entry["model_name"], state


def _format(model: str, state: dict) -> str:
    value = state.get("value")
    if model in {"CheckboxModel", "ToggleButtonModel"}:
        return "on" if value else "off"
    if model in {"IntSliderModel", "FloatSliderModel", "FloatLogSliderModel"} and isinstance(value, (int, float)):
        return format(value, state.get("readout_format") or ".4g")  # as the slider's readout shows it
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format(value, ",.6g")  # a number typed in a box: 500000.0 -> 500,000
    return str(value)


def control_text(model: str, state: dict) -> str:
    """'description: value' of a control as the learner sees it (the chosen label of a dropdown)."""
    if model in CHOICES:
        index = state.get("index")
        labels = state.get("_options_labels", [])
        value = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else "(none)"
    else:
        value = _format(model, state)
    description = str(state.get("description", "")).strip().rstrip(":")
    return f"{description}: {value}" if description else value


def widget_html(state: WidgetState, model_id: str, alt: str = "") -> str:
    """Static HTML of the widget ``model_id`` and its children; ``alt`` describes its images."""
    model, values = state.model(model_id)
    if model in BOXES:
        children = [widget_html(state, child, alt) for child in values.get("children", [])]
        kind = BOXES[model]
        if children and all(state.model(child)[0] in CHOICES | VALUES for child in values.get("children", [])):
            kind = "controls"
        return f'<div class="course-widget-{kind}">{"".join(children)}</div>'
    if model in CHOICES | VALUES:
        return f'<span class="course-widget-control">{html.escape(control_text(model, values))}</span>'
    if model == "LabelModel":
        text = values.get("value", "")
        return f'<p class="course-widget-headline">{html.escape(text)}</p>' if text else ""
    if model in {"HTMLModel", "HTMLMathModel"}:
        text = values.get("value", "")
        return f'<div class="course-widget-html">{text}</div>' if text else ""
    if model == "ImageModel":
        data = values.get("value", "")
        if not data:
            return ""
        return (f'<img class="course-widget-image" src="data:image/{values.get("format", "png")};base64,{data}" '
                f'alt="{html.escape(alt or "figure of the widget", quote=True)}">')
    if model == "OutputModel":
        return "".join(_output_html(output) for output in values.get("outputs", []))
    raise ValueError(f"widget model {model!r} has no static picture (tools/static_widgets.py)")


def _output_html(output: dict) -> str:
    if output.get("output_type") == "stream":
        return f"<pre>{html.escape(output.get('text', ''))}</pre>"
    data = output.get("data", {})
    if "image/png" in data:
        return f'<img class="course-widget-image" src="data:image/png;base64,{data["image/png"]}" alt="figure">'
    if "text/html" in data:
        return str(data["text/html"])
    return f"<pre>{html.escape(str(data.get('text/plain', '')))}</pre>"


def _first_label(state: WidgetState, model_id: str) -> str:
    """The first non-empty Label text inside ``model_id``: the headline, used as the figure's alt text."""
    model, values = state.model(model_id)
    if model == "LabelModel":
        return str(values.get("value", ""))
    for child in values.get("children", []) if model in BOXES else []:
        if text := _first_label(state, child):
            return text
    return ""


def _has_controls(state: WidgetState, model_id: str) -> bool:
    model, values = state.model(model_id)
    if model in CHOICES | VALUES:
        return True
    return model in BOXES and any(_has_controls(state, child) for child in values.get("children", []))


def freeze_widgets(notebook: nbformat.NotebookNode, launch_html: Callable[[], str]) -> int:
    """Replace every widget output of the executed ``notebook`` with its static picture (in place).

    ``launch_html()`` is appended after each picture with controls (the launch links; a progress
    bar has nothing to move). The saved widget state is removed afterwards, so no page loads the
    widget JavaScript. Returns the number of widgets frozen.
    """
    state = WidgetState(notebook)
    frozen = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            view: Any = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            model_id = view["model_id"]
            picture = widget_html(state, model_id, alt=_first_label(state, model_id))
            launch = launch_html() if _has_controls(state, model_id) else ""
            output["data"] = {"text/html": f'<div class="course-widget">{picture}{launch}</div>'}
            frozen += 1
    notebook.metadata.pop("widgets", None)
    return frozen
