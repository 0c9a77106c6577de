"""Screenshots of every view of every notebook, as a learner sees them: ``python -m bench.screenshots``.

JupyterLab's default layout (file browser open) at 1280x800 in Debian's chromium, in the light and the dark
theme (``--themes light``: one of them), then the Voila planner app; one PNG per view, cropped to the view, under
``test-artifacts/screenshots/views/`` (``light_03_flops_1.png``, ``dark_04_memory_and_precision_1.png``,
``voila_1.png``, ``voila_page.png``). For looking at, not for comparing pixels.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.browser import lab as harness

OUT = harness.REPO / "test-artifacts" / "screenshots" / "views"
THEMES = {"light": None, "dark": "JupyterLab Dark"}


def _view_shot(page, view, path: Path) -> Path:
    """Screenshot of one view. A view taller than the 800 px window is shot in a taller window (same width, so the
    same line breaks and track widths), as a learner would see it by scrolling."""
    height = view.bounding_box()["height"]
    if height > harness.VIEWPORT["height"] - 150:
        page.set_viewport_size({"width": harness.VIEWPORT["width"], "height": int(height) + 300})
    view.scroll_into_view_if_needed()
    view.screenshot(path=str(path))
    page.set_viewport_size(harness.VIEWPORT)
    return path


def shoot(themes=tuple(THEMES), notebooks=None, voila: bool = True, say=print) -> list[Path]:
    """Take the screenshots; return their paths."""
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    names = notebooks or [name.removesuffix(".ipynb") for name in harness.course_notebooks()]
    paths = []
    with tempfile.TemporaryDirectory(prefix="course-shots-") as tmp, sync_playwright() as playwright:
        tmp = Path(tmp)
        root = harness.served_copy(tmp / "notebooks")
        env = harness.private_env(tmp / "home")
        browser = harness.launch_chromium(playwright)
        for theme in themes:
            with harness.lab_server(root, tmp / f"lab-{theme}", env, theme=THEMES[theme]) as url:
                page = browser.new_context(viewport=harness.VIEWPORT).new_page()
                session = harness.Lab(page, url)
                session.load()
                for name in names:
                    say(f"{theme}: {name}")
                    session.run(f"{name}.ipynb")
                    views = page.locator(harness.VIEW)
                    for index in range(views.count()):
                        paths.append(_view_shot(page, views.nth(index), OUT / f"{theme}_{name}_{index + 1}.png"))
                    session.close_all()
                page.context.close()
        if voila:
            with harness.voila_server(root / harness.VOILA_NOTEBOOK, tmp / "voila", env) as url:
                page = browser.new_context(viewport=harness.VIEWPORT).new_page()
                page.goto(url, timeout=60_000)
                page.locator(harness.FREE_LABEL, has_text="Fastest").first.wait_for(timeout=60_000)
                page.screenshot(path=str(OUT / "voila_page.png"))
                paths.append(OUT / "voila_page.png")
                views = page.locator(harness.VIEW)
                for index in range(views.count()):
                    paths.append(_view_shot(page, views.nth(index), OUT / f"voila_{index + 1}.png"))
        browser.close()
    return paths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--themes", nargs="*", default=list(THEMES), choices=list(THEMES))
    parser.add_argument("--notebooks", nargs="*", help="notebook names without .ipynb (default: all)")
    parser.add_argument("--no-voila", action="store_true")
    args = parser.parse_args(argv)
    paths = shoot(args.themes, args.notebooks, not args.no_voila,
                  say=lambda message: print(f"... {message}", file=sys.stderr, flush=True))
    print(f"{len(paths)} screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
