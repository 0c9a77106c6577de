"""The course works on Google Colab: guarded install cells, Colab-compatible requirements, core widgets only.

Colab brings its own Jupyter frontend and ipywidgets 7.7.1 (ipywidgets 8 does not render there), so:
  * each notebook's first code cell installs course_lib only under ``if "google.colab" in sys.modules:``
    with ``%pip``, and never installs ipywidgets or a Jupyter frontend;
  * course_lib's requirements are already met by Colab's preinstalled versions (pip changes nothing);
  * course_lib/widgets uses only widget classes, keyword arguments and style keys that exist in the
    ipywidgets installed here. ``make test`` runs this file (and tests/test_widgets*.py) once more in
    ``.venv-ipywidgets7`` with Colab's ipywidgets 7.7.1, with ``EXPECT_IPYWIDGETS=7.7.1``.
Uses only the standard library, packaging and ipywidgets, so it runs in that second venv too.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import pkgutil
import re
from pathlib import Path

import ipywidgets
import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

import course_lib.widgets
from course_lib.widgets import CalculatorView, ViewUpdate

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted(path for folder in ("notebooks", "exercises", "solutions") for path in (ROOT / folder).glob("*.ipynb"))
WIDGET_SOURCES = sorted((ROOT / "course_lib" / "widgets").glob("*.py"))

# Colab's preinstalled versions, from github.com/googlecolab/backend-info pip-freeze.gpu.txt (GPU runtime,
# commit 4647a1df, 2026):
# ipywidgets==7.7.1, numpy==2.0.2, matplotlib==3.10.0, ml_dtypes==0.5.4, pillow==11.3.0, Python 3.12 (cp312 wheels).
COLAB_VERSIONS = {"ipywidgets": "7.7.1", "numpy": "2.0.2", "matplotlib": "3.10.0", "ml_dtypes": "0.5.4",
                  "pillow": "11.3.0"}
COLAB_PYTHON = "3.12"
# Widget classes present in both ipywidgets 7.7 and 8.x (docs/CONTRIBUTING.md), plus the two
# non-view helpers the views may name: Widget (type hints) and Layout.
CORE_WIDGETS = {"IntSlider", "FloatSlider", "FloatLogSlider", "SelectionSlider", "IntText", "FloatText", "Text",
                "Dropdown", "ToggleButtons", "RadioButtons", "Checkbox", "Label", "HTML", "Image", "Output", "VBox",
                "HBox"}
ALLOWED_NAMES = CORE_WIDGETS | {"Widget", "Layout"}

GUARD = re.compile(r'^(\s*)if\s+["\']google\.colab["\']\s+in\s+sys\.modules\s*:\s*(#.*)?$')
INSTALL = re.compile(r"^\s*[%!]?\s*(python3?\s+-m\s+)?pip3?\s+install\b")
FRONTEND_PACKAGE = re.compile(r"ipywidgets|widgetsnbextension|jupyterlab|jupyter[-_]?server|\bnotebook\b|\bvoila\b",
                              re.I)
COURSE_LIB = re.compile(r"course[-_]lib|gpu-hardware-for-llms")


# --- (a) the Colab install cell -----------------------------------------------------------------

def colab_install_problems(cells: list[dict]) -> list[str]:
    """Problems with how a notebook (its ``cells`` as in .ipynb JSON) installs course_lib on Colab."""
    code = ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for cell in cells if cell["cell_type"] == "code"]
    if not code:
        return ["no code cell"]
    problems = []
    for index, source in enumerate(code):
        guard_indent, in_guard = None, False
        for line in source.splitlines():
            guard = GUARD.match(line)
            if guard:
                guard_indent, in_guard = len(guard.group(1)), True
                continue
            if in_guard and line.strip() and len(line) - len(line.lstrip()) <= guard_indent:
                in_guard = False
            if not INSTALL.match(line):
                continue
            where = f"code cell {index + 1}: {line.strip()!r}"
            if index > 0 or not in_guard:
                problems.append(f"{where} installs outside the first cell's google.colab guard")
            if not line.lstrip().startswith("%pip"):
                problems.append(f"{where} must use %pip (installs into the running kernel)")
            if FRONTEND_PACKAGE.search(line):
                problems.append(f"{where} installs a frontend package: Colab's own ipywidgets 7.7 must stay")
            if re.search(r"--force-reinstall|--upgrade-strategy[ =]eager", line):
                problems.append(f"{where} would replace Colab's preinstalled packages")
    first = code[0]
    if not any(GUARD.match(line) for line in first.splitlines()):
        problems.append('first code cell lacks `if "google.colab" in sys.modules:`')
    elif not re.search(r"^\s*import\s+(.*,\s*)?sys\b", first, re.M):
        problems.append("first code cell uses sys.modules without `import sys`")
    if not any(INSTALL.match(line) and COURSE_LIB.search(line) for line in first.splitlines()):
        problems.append("first code cell does not %pip install course_lib")
    return problems


def _cells(*sources: str) -> list[dict]:
    return [{"cell_type": "markdown", "source": "# Title"}] + [{"cell_type": "code", "source": s} for s in sources]


GOOD_FIRST_CELL = ('import sys\n\nif "google.colab" in sys.modules:  # Colab only\n'
                   '    %pip install -q "course-lib @ git+https://github.com/gpu-llm-course/gpu-hardware-for-llms"\n')


@pytest.mark.parametrize(("cells", "expected"), [
    (_cells(GOOD_FIRST_CELL, "x = 1"), []),
    (_cells("import sys\n%pip install course-lib\n"), ["outside the first cell's google.colab guard",
                                                       "lacks `if \"google.colab\""]),
    (_cells(GOOD_FIRST_CELL + "%pip install -q ipywidgets==8.1.9\n"), ["outside", "installs a frontend package"]),
    (_cells(GOOD_FIRST_CELL.replace("%pip", "!pip")), ["must use %pip"]),
    (_cells(GOOD_FIRST_CELL.replace("-q", "-q jupyterlab")), ["installs a frontend package"]),
    (_cells(GOOD_FIRST_CELL, "%pip install numpy"), ["code cell 2", "outside"]),
    (_cells('if "google.colab" in sys.modules:\n    %pip install -q course-lib\n'), ["without `import sys`"]),
    (_cells('import sys\nif "google.colab" in sys.modules:\n    print("hi")\n'), ["does not %pip install course_lib"]),
    (_cells(GOOD_FIRST_CELL.replace("-q", "-q --force-reinstall")), ["replace Colab's preinstalled"]),
])
def test_colab_install_checker_flags_each_mistake(cells, expected):
    problems = colab_install_problems(cells)
    if not expected:
        assert problems == []
    for fragment in expected:
        assert any(fragment in problem for problem in problems), (fragment, problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_notebook_installs_course_lib_only_on_colab(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    assert colab_install_problems(cells) == []


# --- course_lib's requirements are met by what Colab preinstalls ---------------------------------

def test_course_lib_requirements_are_met_by_colab_preinstalled_versions():
    """pip on Colab then installs course_lib alone: no numpy/matplotlib upgrade, no ipywidgets 8."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = {Requirement(line).name.lower().replace("-", "_"): Requirement(line)
                    for line in project["dependencies"]}
    assert set(requirements) <= set(COLAB_VERSIONS), f"not preinstalled on Colab: {set(requirements) - set(COLAB_VERSIONS)}"
    for name, requirement in requirements.items():
        assert requirement.specifier.contains(COLAB_VERSIONS[name]), f"{requirement} rejects Colab's {COLAB_VERSIONS[name]}"
    assert SpecifierSet(project["requires-python"]).contains(COLAB_PYTHON), "Colab's Python must be supported"
    assert requirements["ipywidgets"].specifier.contains("8.1.9"), "the pinned JupyterLab pair must be allowed too"


# --- (b) core widgets only, with traits and style keys this ipywidgets has -----------------------

def _ipywidgets_names(tree: ast.Module):
    """Yield (ipywidgets name, node) for every use; the node is the ``Call`` when the name is called."""
    module_aliases, imported = {"ipywidgets"}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            module_aliases |= {alias.asname or alias.name for alias in node.names
                               if alias.name in ("ipywidgets", "ipywidgets.widgets")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ipywidgets"):
            for alias in node.names:
                if alias.name == "widgets":
                    module_aliases.add(alias.asname or alias.name)
                else:
                    imported[alias.asname or alias.name] = alias.name
                    yield alias.name, node
    calls = {id(node.func): node for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in module_aliases:
            yield node.attr, calls.get(id(node), node)
        elif isinstance(node, ast.Name) and node.id in imported and id(node) in calls:
            yield imported[node.id], calls[id(node)]


def _module_dicts(tree: ast.Module) -> dict:
    """Module-level ``NAME = {literal dict}`` assignments (e.g. a shared ``_STYLE``)."""
    dicts = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:  # a dict built from names or calls is not a style literal
                continue
            dicts.update((target.id, value) for target in node.targets if isinstance(target, ast.Name))
    return dicts


def widget_usage_problems(source: str) -> list[str]:
    """Non-core ipywidgets names, and keyword arguments / style keys unknown to the installed ipywidgets."""
    tree = ast.parse(source)
    dicts = _module_dicts(tree)
    problems = []
    for name, node in _ipywidgets_names(tree):
        where = f"line {node.lineno}: {name}"
        if name not in ALLOWED_NAMES:
            problems.append(f"{where} is not a core widget shared by ipywidgets 7.7 and 8")
            continue
        if not isinstance(node, ast.Call):
            continue
        cls = getattr(ipywidgets, name)
        for keyword in node.keywords:
            if keyword.arg is None:
                continue
            if not cls.class_traits().get(keyword.arg):
                problems.append(f"{where}({keyword.arg}=...) is not a trait in ipywidgets {ipywidgets.__version__}")
            elif keyword.arg == "style":
                style = keyword.value
                keys = (ast.literal_eval(style) if isinstance(style, ast.Dict)
                        else dicts.get(style.id, {}) if isinstance(style, ast.Name) else {})
                style_class = cls.class_traits()["style"].klass  # no instance: a SelectionSlider needs options
                unknown = [key for key in keys if key not in style_class.class_traits()]
                if unknown:
                    problems.append(f"{where}: style keys {unknown} unknown to ipywidgets {ipywidgets.__version__}")
    return problems


def test_widget_usage_checker_flags_each_mistake():
    source = '''import ipywidgets as widgets
from ipywidgets import Tab, IntSlider
STYLE = {"description_width": "initial", "no_such_key": 1}
widgets.IntSlider(value=1, description="n", style={"description_width": "initial"})
widgets.Dropdown(options=["a"], no_such_trait=True)
widgets.FloatSlider(style=STYLE)
widgets.Accordion()
IntSlider(bogus=1)
'''
    problems = widget_usage_problems(source)
    expected = ["line 2: Tab is not a core widget", "line 5: Dropdown(no_such_trait=...) is not a trait",
                "line 6: FloatSlider: style keys ['no_such_key']", "line 7: Accordion is not a core widget",
                "line 8: IntSlider(bogus=...) is not a trait"]
    for fragment in expected:
        assert any(problem.startswith(fragment) for problem in problems), (fragment, problems)
    assert len(problems) == len(expected), problems


@pytest.mark.parametrize("path", WIDGET_SOURCES, ids=lambda path: path.stem)
def test_widget_module_uses_only_core_widgets_and_known_traits(path):
    assert widget_usage_problems(path.read_text(encoding="utf-8")) == []


def test_core_widget_set_exists_in_installed_ipywidgets():
    assert [name for name in sorted(ALLOWED_NAMES) if not hasattr(ipywidgets, name)] == []


# --- (c) the views run on the installed ipywidgets (7.7.1 in .venv-ipywidgets7) ------------------

def test_running_expected_ipywidgets_version():
    """In the Colab-compatibility venv, prove the widget tests really run on ipywidgets 7.7."""
    expected = os.environ.get("EXPECT_IPYWIDGETS")
    if not expected:
        pytest.skip("EXPECT_IPYWIDGETS not set (set by `make test` for .venv-ipywidgets7)")
    assert ipywidgets.__version__ == expected


def test_calculator_view_slider_updates_label_and_png():
    def square(n):
        if n == 0:
            raise ValueError("n must be > 0, got 0")
        return ViewUpdate(headline=f"{n} squared is {n * n}", details=f"<b>{n}</b>",
                          draw=lambda fig: fig.add_subplot().bar([0], [n * n]))

    slider = ipywidgets.IntSlider(value=3, min=0, max=10, description="n", style={"description_width": "initial"})
    view = CalculatorView({"n": slider}, square)
    assert view.headline.value == "3 squared is 9"
    first_png = view.image.value
    assert first_png[:8] == b"\x89PNG\r\n\x1a\n"
    slider.value = 4
    assert (view.headline.value, view.details.value, view.error.value) == ("4 squared is 16", "<b>4</b>", "")
    assert view.image.value[:8] == b"\x89PNG\r\n\x1a\n" and view.image.value != first_png
    slider.value = 0
    assert view.last is None and view.headline.value == "" and "n must be &gt; 0, got 0" in view.error.value
    assert isinstance(view.widget, ipywidgets.VBox) and view.widget.children[1] is view.headline


def _view_factories() -> list:
    """Every ``*_view`` function of course_lib.widgets' modules that needs no arguments."""
    factories = []
    for info in pkgutil.iter_modules(course_lib.widgets.__path__):
        module = importlib.import_module(f"course_lib.widgets.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            parameters = inspect.signature(function).parameters.values()
            if (name.endswith("_view") and function.__module__ == module.__name__
                    and all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters)):
                factories.append(pytest.param(function, id=f"{info.name}.{name}"))
    return factories


@pytest.mark.parametrize("factory", _view_factories())
def test_every_view_builds_with_its_defaults(factory):
    """Each ``*_view()`` of course_lib.widgets builds on this ipywidgets and shows a headline, no error."""
    view = factory()
    assert isinstance(view, CalculatorView)
    assert view.error.value == "", view.error.value
    assert view.headline.value
