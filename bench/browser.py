"""What a learner feels: the latency of every view in a real browser, from key press or click until the view changed.

``python -m bench.run`` writes it as section 5 of bench/report.md; ``python -m bench.browser`` prints it alone
(``--notebooks 03_flops 07_parallelism`` for a few, ``--ops 4`` for fewer operations per view).

Recipe (../shared/BROWSER_TESTING.md): Debian's headless chromium at 1280x800 opens every course notebook in one
JupyterLab page, runs it, and for each view on the page (a ``CalculatorView``, class ``course-view``) operates its
visible controls in turn: a slider with the arrow keys, a drop-down by picking the next option (and back), toggle
buttons by clicking another one (and back), a checkbox by clicking it. In the page, ``performance.now()`` is taken at
the triggering keydown / pointerdown / input event and at every change of the view's result area (headline,
details, error, image; not the controls' own readouts):

* **first**: the first change (usually the headline);
* **done**: the last change before the view is quiet for 300 ms: text and picture both updated, what the learner waits for;
* **picture**: the image's ``src`` swap (when the update redraws the plot).

Each operation also counts the websocket frames the page received until the view settled (widget updates, echoes,
kernel status messages). Then the same for the Voila planner app. On a shared machine the numbers are upper
bounds: the load average is recorded before and after.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tests.browser import lab as harness

TARGET_MEDIAN_MS = 100.0
TARGET_P95_MS = 250.0
OPS_PER_VIEW = 10
QUIET_MS = 300
GIVE_UP_MS = 8000


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


@dataclass
class ViewTiming:
    """Latencies (ms) of the operations on one view; ``None`` where that part did not change."""

    where: str  # notebook (or "Voila app") and the view's number on the page
    controls: str  # descriptions of its first controls
    first: list = field(default_factory=list)
    done: list = field(default_factory=list)
    picture: list = field(default_factory=list)
    frames: list = field(default_factory=list)
    revisit: list = field(default_factory=list)  # per operation: a setting the view had shown before?
    unchanged: int = 0  # operations after which nothing in the result area changed (e.g. a slider at its end)

    @staticmethod
    def _stat(values: list, q: float) -> float:
        values = [v for v in values if v is not None]
        return float(np.percentile(values, q)) if values else float("nan")

    def median(self, part: str = "done", revisit: bool | None = None) -> float:
        values = getattr(self, part)
        if revisit is not None:
            values = [v for v, r in zip(values, self.revisit, strict=True) if r == revisit]
        return self._stat(values, 50)

    def p95(self, part: str = "done") -> float:
        return self._stat(getattr(self, part), 95)

    @property
    def ok(self) -> bool:
        return self.median() < TARGET_MEDIAN_MS and self.p95() < TARGET_P95_MS


@dataclass
class BrowserReport:
    views: list = field(default_factory=list)
    problems: list = field(default_factory=list)  # (where, what went wrong)
    load_start: str = ""
    load_end: str = ""
    seconds: float = 0.0


def _operations(view, limit: int) -> list:
    """Up to ``limit`` operations on the visible controls of ``view``, one control after the other:
    ``(control number, position, action)``, the position counted in steps from the control's start. A slider moves two steps and back, a drop-down, toggle button or
    checkbox changes and goes back: half the operations reach a setting the view showed before."""
    plans = []
    for handle in view.locator(harness.SLIDER_HANDLE.split(",")[0]).all():
        if not handle.is_visible():
            continue
        at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        step, back = ("ArrowLeft", "ArrowRight") if at_max else ("ArrowRight", "ArrowLeft")
        sign = -1 if at_max else 1
        plans.append([(sign * k, lambda h=handle, key=key: h.press(key))
                      for k, key in ((1, step), (2, step), (1, back), (0, back))])
    for select in view.locator(harness.DROPDOWN).all():
        count = select.locator("option").count()
        if not select.is_visible() or count < 2:
            continue
        start = select.evaluate("s => s.selectedIndex")
        nxt = (start + 1) % count
        plans.append([(1, lambda s=select, i=nxt: s.select_option(index=i)),
                      (0, lambda s=select, i=start: s.select_option(index=i))])
    for group in view.locator(".widget-toggle-buttons").all():
        buttons = [b for b in group.locator("button").all() if b.is_visible()]
        selected = [i for i, b in enumerate(buttons) if "mod-active" in (b.get_attribute("class") or "")]
        others = [i for i in range(len(buttons)) if i not in selected]
        if selected and others:
            plans.append([(1, lambda b=buttons[others[0]]: b.click()),
                          (0, lambda b=buttons[selected[0]]: b.click())])
    for box in view.locator("input[type=checkbox]").all():
        if box.is_visible():
            plans.append([(1, lambda b=box: b.click()), (0, lambda b=box: b.click())])
    return [(number, position, action) for number, plan in enumerate(plans) for position, action in plan][:limit]


def time_views(page, where: str, limit: int, frames: list) -> tuple[list, list]:
    """Time the operations on every view on ``page``; ``frames`` is the live list of websocket frame times."""
    timings, problems = [], []
    views = page.locator(harness.VIEW)
    for index in range(views.count()):
        view = views.nth(index)
        if not view.is_visible():
            continue
        view.scroll_into_view_if_needed()
        names = [t.strip() for t in view.locator("label.widget-label").all_inner_texts() if t.strip()]
        timing = ViewTiming(f"{where} #{index + 1}", ", ".join(names[:3]) + (", ..." if len(names) > 3 else ""))
        state: dict = {}
        seen = {()}
        for number, position, action in _operations(view, limit):
            state[number] = position  # steps from the control's start (0: back at the start)
            setting = tuple(sorted((k, v) for k, v in state.items() if v != 0))
            revisit = setting in seen
            seen.add(setting)
            view.evaluate(harness.PROBE)
            received = len(frames)
            try:
                action()
                page.wait_for_function(harness.SETTLED, arg=[QUIET_MS, GIVE_UP_MS], timeout=GIVE_UP_MS + 5000,
                                       polling=20)
            except Exception as exc:  # a stuck control is a finding, not a crash of the benchmark
                problems.append((timing.where, f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"))
                page.evaluate("() => window.__courseProbe && window.__courseProbe.stop()")
                continue
            result = page.evaluate(harness.READ)
            if result["first"] is None:
                timing.unchanged += 1
                continue
            timing.first.append(result["first"])
            timing.done.append(result["last"])
            timing.picture.append(result["image"])
            timing.frames.append(len(frames) - received)
            timing.revisit.append(revisit)
        if timing.done or timing.unchanged:
            timings.append(timing)
    return timings, problems


def measure(notebooks: list[str] | None = None, ops_per_view: int = OPS_PER_VIEW, voila: bool = True,
            say=lambda message: None) -> BrowserReport:
    """Run the latency measurement (JupyterLab and, with ``voila``, the planner app); never raises."""
    report = BrowserReport(load_start=_load())
    start = time.perf_counter()
    if not harness.CHROMIUM.exists():
        report.problems.append(("setup", f"no chromium at {harness.CHROMIUM}"))
        return report
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        report.problems.append(("setup", "Python package playwright missing"))
        return report
    names = notebooks or [name.removesuffix(".ipynb") for name in harness.course_notebooks()]
    with tempfile.TemporaryDirectory(prefix="course-bench-") as tmp, sync_playwright() as playwright:
        tmp = Path(tmp)
        root = harness.served_copy(tmp / "notebooks")
        env = harness.private_env(tmp / "home")
        browser = harness.launch_chromium(playwright)
        try:
            with harness.lab_server(root, tmp / "lab", env) as url:
                context = browser.new_context(viewport=harness.VIEWPORT)
                page = context.new_page()
                frames: list = []
                page.on("websocket", lambda ws: ws.on("framereceived", lambda _: frames.append(time.perf_counter())))
                session = harness.Lab(page, url)
                session.load()
                for number, name in enumerate(names):
                    say(f"browser: {name}")
                    try:
                        session.run(f"{name}.ipynb")
                        if number + 1 < len(names):
                            session.prefetch(f"{names[number + 1]}.ipynb")
                        timings, problems = time_views(page, name, ops_per_view, frames)
                        report.views += timings
                        report.problems += problems
                    except Exception as exc:
                        report.problems.append((name, f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"))
                    keep = f"{names[number + 1]}.ipynb" if number + 1 < len(names) else None
                    session.close_all(keep=keep)
                context.close()
            if voila:
                say("browser: Voila planner app")
                with harness.voila_server(root / harness.VOILA_NOTEBOOK, tmp / "voila", env) as url:
                    context = browser.new_context(viewport=harness.VIEWPORT)
                    page = context.new_page()
                    frames = []
                    page.on("websocket",
                            lambda ws: ws.on("framereceived", lambda _: frames.append(time.perf_counter())))
                    for _attempt in range(3):  # about one Voila page load in five stalls on 2 cores
                        try:
                            page.goto(url, timeout=25_000)
                            page.locator(harness.VIEW).first.wait_for(timeout=25_000)
                            page.locator(harness.FREE_LABEL, has_text="Fastest").first.wait_for(timeout=25_000)
                            break
                        except Exception:
                            continue
                    timings, problems = time_views(page, "Voila app", ops_per_view, frames)
                    report.views += timings
                    report.problems += problems
                    context.close()
        except Exception as exc:
            report.problems.append(("servers", f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"))
        finally:
            browser.close()
    report.seconds = time.perf_counter() - start
    report.load_end = _load()
    return report


def _ms(value: float) -> str:
    return "-" if np.isnan(value) else f"{value:.0f}"


def render(report: BrowserReport) -> list[str]:
    """The report section (markdown lines)."""
    lines = ["## 5. Real browser: key press or click until the view changed", "",
             "Debian's headless chromium, 1280x800, one JupyterLab page (then the Voila app); every view's visible "
             "controls operated in turn (sliders by arrow keys, drop-downs, toggle buttons, checkboxes), timed in the "
             "page with `performance.now()` from the keydown/pointerdown/input event (tests/browser/lab.py, "
             "`PROBE`). \"first\": the first change of the view's text or picture; \"done\": the last change before "
             f"{QUIET_MS} ms of quiet (text and picture both updated: what the learner waits for); \"picture\": the "
             "image swap; \"frames\": websocket frames the page received per operation. Target: done median "
             f"< {TARGET_MEDIAN_MS:.0f} ms and p95 < {TARGET_P95_MS:.0f} ms on an idle machine. Load average (1/5/15 "
             f"min) {report.load_start} before, {report.load_end} after; {report.seconds:.0f} s in all.", ""]
    if not report.views:
        lines += ["(no view timed)", ""]
    else:
        all_done = [v for t in report.views for v in t.done]
        all_first = [v for t in report.views for v in t.first]
        new_done = [v for t in report.views for v, r in zip(t.done, t.revisit, strict=True) if not r]
        lines += [f"All {len(all_done)} operations on {len(report.views)} views: done median "
                  f"{np.median(all_done):.0f} ms, p95 {np.percentile(all_done, 95):.0f} ms (new settings only: median "
                  f"{np.median(new_done):.0f} ms, p95 {np.percentile(new_done, 95):.0f} ms); first median "
                  f"{np.median(all_first):.0f} ms; "
                  f"{sum(t.ok for t in report.views)} of {len(report.views)} views within both targets. \"seen before\": "
                  "a setting the view had shown, whose picture it kept (no drawing).", "",
                  "| view | controls | ops | first median (ms) | done median (ms) | done p95 (ms) | done median, new "
                  "setting (ms) | done median, seen before (ms) | frames/op | target |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
        for t in report.views:
            frames = f"{np.median(t.frames):.0f}" if t.frames else "-"
            status = "ok" if t.ok else "**MISS**"
            lines.append(f"| {t.where} | {t.controls} | {len(t.done)}" + (f" (+{t.unchanged} unchanged)" if t.unchanged
                                                                          else "")
                         + f" | {_ms(t.median('first'))} | {_ms(t.median())} | {_ms(t.p95())} | "
                         f"{_ms(t.median(revisit=False))} | {_ms(t.median(revisit=True))} | {frames} | {status} |")
    if report.problems:
        lines += ["", "Problems:", ""] + [f"- {where}: {what}" for where, what in report.problems]
    lines.append("")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", nargs="*", help="notebook names without .ipynb (default: all)")
    parser.add_argument("--ops", type=int, default=OPS_PER_VIEW, help="operations per view")
    parser.add_argument("--no-voila", action="store_true", help="skip the Voila app")
    args = parser.parse_args(argv)
    report = measure(args.notebooks, args.ops, voila=not args.no_voila,
                     say=lambda message: print(f"... {message}", file=sys.stderr, flush=True))
    print("\n".join(render(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
