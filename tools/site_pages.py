"""The website's generated pages: home (from the README), sources, instructor; and their link rewriting.

Everything here is read from the repository when the site is built: the README's reader-facing
sections, course_lib's catalogs and their citations, the notebooks' markdown (objectives, myth
checks, URLs), the exercise checks (titles, traps) and ``course_lib.widgets.start_here.COURSE`` (the
stated minutes). Nothing is kept by hand in two places.
"""

from __future__ import annotations

import datetime
import importlib
import json
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from course_lib import _sourced, hardware, measure, models, prices, published_layouts, reality, serving, topology
from course_lib.widgets.start_here import COURSE, GOALS, Notebook, course_plan
from tools.address import ROOT, Address
from tools.workshop import VALUES_FILE, Z2JH_CHART_VERSION, course_image

URL = re.compile(r"https?://[^\s<>\"'`)\]]+")
MARKDOWN_LINK = re.compile(r"(\]\()(?!https?:|mailto:|#)([^)\s]+)(\))")
# The README's sections on the home page, in this order (titles renamed for a reader of the website).
HOME_SECTIONS = ("The course", "Where to run it", "Conventions used everywhere", "Two commands")
HOME_TITLES = {"Two commands": "Run it on your machine"}
# README bullets of "For instructors" that the instructor page replaces with its own, longer sections.
INSTRUCTOR_PAGE_COVERS = ("- **The instructor page**", "- **JupyterHub")


# --- links ----------------------------------------------------------------------------------------

def rewrite_links(markdown: str, source: str, site_files: set[str], address: Address, root: Path = ROOT) -> str:
    """Relative links of the file ``source`` (repo path): kept if their target is a site page, else to GitHub.

    A link to a file the website does not publish (a solution notebook, course_lib, CONTRIBUTING)
    would be broken on the site; it points at the file on GitHub instead (address's branch).
    """
    def replace(match: re.Match[str]) -> str:
        target, _, fragment = match[2].partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), target)) if target else source
        if resolved in site_files:
            return match[0]
        kind = "tree" if (root / resolved).is_dir() else "blob"
        url = f"{address.github_url}/{kind}/{address.branch}/{resolved}" + (f"#{fragment}" if fragment else "")
        return f"{match[1]}{url}{match[3]}"

    return MARKDOWN_LINK.sub(replace, markdown)


HTML_HREF = re.compile(r"""(href=)(["'])(?!https?:|mailto:|#|javascript:)([^"'#]+)(#[^"']*)?\2""")


def rewrite_html_links(text: str, source: str, site_files: set[str], address: Address, root: Path = ROOT) -> str:
    """Relative ``href``s in HTML output (a widget's details) of ``source``, as on the built site.

    A link to a published notebook or page becomes its ``.html`` page; any other file, its page on GitHub.
    """
    def replace(match: re.Match[str]) -> str:
        target, fragment = match[3], match[4] or ""
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
        if resolved in site_files:
            page = target.rsplit(".", 1)[0] + ".html"
            return f"{match[1]}{match[2]}{page}{fragment}{match[2]}"
        kind = "tree" if (root / resolved).is_dir() else "blob"
        return f"{match[1]}{match[2]}{address.github_url}/{kind}/{address.branch}/{resolved}{fragment}{match[2]}"

    return HTML_HREF.sub(replace, text)


def _trim_url(url: str) -> str:
    return url.rstrip(".,;:")


def urls(text: str) -> list[str]:
    """The http(s) URLs in ``text``, in order, without trailing punctuation."""
    return [_trim_url(url) for url in URL.findall(text)]


def cite(text: str) -> str:
    """Citation text as Markdown: URLs become links, characters Markdown would read as markup are escaped."""
    parts, last = [], 0
    for match in URL.finditer(text):
        url = _trim_url(match[0])
        parts.append(_escape(text[last:match.start()]))
        parts.append(f"<{url}>")
        last = match.start() + len(url)
    parts.append(_escape(text[last:]))
    return "".join(parts)


# --- home page: the README's reader-facing part -----------------------------------------------------

def readme_sections(readme: str) -> tuple[str, list[tuple[str, str]]]:
    """(text before the first ``## `` heading, [(heading, body), ...]) of the README."""
    pieces = re.split(r"^## (.+)$", readme, flags=re.M)
    return pieces[0], list(zip(pieces[1::2], pieces[2::2], strict=True))


def home_markdown(readme: str, address: Address, site_files: set[str], toctree: str) -> str:
    """The home page: the README's reader-facing sections (the course first), without the website's own link.

    Sections are kept in :data:`HOME_SECTIONS` order; "Two commands" stops before its maintainers' targets.
    """
    intro, sections = readme_sections(readme)
    paragraphs = re.split(r"\n\s*\n", intro)
    body = "\n\n".join(p.strip() for p in paragraphs if address.pages_url not in p and p.strip()) + "\n\n"
    by_heading = {heading.strip(): text for heading, text in sections}
    for heading in HOME_SECTIONS:
        text = by_heading[heading].split("\nMore targets", 1)[0]
        body += f"## {HOME_TITLES.get(heading, heading)}\n{text.rstrip()}\n\n"
    body += ("## For instructors\n\nWorkshop plans built from each notebook's stated time, discussion questions, "
             "exercises to assign, the mistakes the checks catch, and a JupyterHub set-up: "
             "[instructor page](instructor.md).\n\n")
    body = body.replace("](#for-instructors)", "](instructor.md)")
    return rewrite_links(body, "README.md", site_files, address) + toctree


# --- sources page ---------------------------------------------------------------------------------

def _escape(text: str) -> str:
    """``text`` with the characters Markdown reads as markup backslash-escaped."""
    return re.sub(r"([\\`*_\[\]<>|#$])", r"\\\1", text)


def _bullets(rows: Iterable[tuple[str, str]]) -> str:
    return "\n".join(f"- **{_escape(name)}**: {cite(source)}" for name, source in rows) + "\n"


def notebook_markdown(path: Path) -> str:
    """All markdown cells of the notebook at ``path``, joined."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def notebook_urls(path: Path, address: Address) -> list[str]:
    """URLs cited in a notebook's markdown, first occurrence order, the course's own links left out."""
    own = ("https://colab.research.google.com/github/", "https://mybinder.org/", address.github_url, address.pages_url)
    return [url for url in dict.fromkeys(urls(notebook_markdown(path))) if not url.startswith(own)]


def sources_markdown(address: Address, root: Path = ROOT) -> str:
    """Every source the course cites, from course_lib's catalogs and the notebooks' markdown."""
    out = ["# Sources\n",
           "Every source the course cites, collected from `course_lib` (each catalog row carries its source) and "
           "from the notebooks' text when this website was built. Conventions: dense TFLOPS, GB = 10⁹ bytes, "
           "link bandwidth per direction unless a source says otherwise.\n"]
    out += ["## GPUs and CPUs (datasheets)\n", _bullets(
        (gpu.name, gpu.source + (f" Price: {gpu.price_source}" if gpu.price_source else ""))
        for gpu in hardware.list_gpus())]
    systems = []
    for system in topology.list_systems():
        links = [link for link in (system.intra_link, system.inter_link) if link is not None]
        systems.append((system.name, " ".join([system.source, *(f"{link.name}: {link.source}" for link in links
                                                                  if link.source and link.source != system.source)])))
    out += ["## Systems: servers, racks, pods and their links\n", _bullets(systems)]
    out += ["## Prices (a dated snapshot, not live prices)\n", cite(prices.snapshot_note()) + "\n\n",
            "### Rent\n", _bullets((f"{o.gpu}, {o.provider}, {o.offer}, as of {o.as_of}", f"{o.source} {o.url}")
                                   for o in prices.rent_observations()),
            "### Purchase\n", _bullets((f"{o.item}, as of {o.as_of}", f"{o.source} {o.url}")
                                       for o in prices.purchase_observations()),
            "### Electricity\n", _bullets((f"{o.region}, {o.sector}, {o.year}", f"{o.source} {o.url}")
                                          for o in prices.electricity_observations())]
    out += ["## Published GPU measurements (matrix products)\n", _bullets(
        (f"{m.device}, {m.dtype}, {m.date}", m.source) for m in measure.reference_measurements())]
    out += ["## Serving measurements\n", _bullets((m.title, m.source) for m in serving.MEASUREMENTS)]
    out += ["## Published training runs and the reality checks\n",
            _bullets((run.name, run.source) for run in reality.TRAINING_RUNS),
            _bullets((row.title, row.source) for row in reality.COMPARISONS)]
    out += ["## Published parallel layouts\n", _bullets((row.title, row.source)
                                                         for row in published_layouts.PUBLISHED_LAYOUTS)]
    out += ["## Model configurations\n", _bullets((model.name, model.source) for model in models.list_models()
                                                  if model.source)]
    for filename, title in (("gpu_arch.json", "GPU architecture (notebook 02)"),
                            ("server_components.json", "Server and rack components (notebook 02)"),
                            ("datacenter.json", "Storage, reliability and cooling (notebook 02)"),
                            ("software_stack.json", "The software stack (notebook 02)")):
        out += [f"## {title}\n", _bullets(sorted(_sourced.load(filename)["sources"].items()))]
    out += ["## Links in the notebooks\n"]
    for notebook in COURSE:
        found = notebook_urls(root / "notebooks" / f"{notebook.name}.ipynb", address)
        if found:
            out += [f"### [{notebook.number} · {notebook.title}](notebooks/{notebook.name}.ipynb)\n",
                    "\n".join(f"- <{url}>" for url in found) + "\n"]
    return "\n".join(out)


# --- instructor page ------------------------------------------------------------------------------

HALF_DAY = ("Which GPU should I buy or rent?", 210)  # 3.5 h of notebook time
FULL_DAY = ("Which GPU should I buy or rent?", 420)  # two 3.5 h sessions: the same path, further
WELCOME_MIN, BREAK_MIN, LUNCH_MIN, BREAK_EVERY_MIN = 10, 15, 60, 90
LUNCH_AFTER_MIN = 150  # on a full day, lunch once this many minutes of notebooks are done


@dataclass(frozen=True)
class Slot:
    """One line of a workshop schedule: start time, minutes, what."""

    start: datetime.time
    minutes: int
    what: str


def schedule(notebooks: Sequence[Notebook], start: datetime.time = datetime.time(9, 0),
             lunch_after_min: int | None = None) -> list[Slot]:
    """A day's timetable for ``notebooks`` (``start_here.Notebook``) at their stated minutes.

    A welcome of ``WELCOME_MIN``; a break of ``BREAK_MIN`` once ``BREAK_EVERY_MIN`` of notebooks have
    passed since the last pause; lunch (``LUNCH_MIN``) after the notebook that reaches ``lunch_after_min``
    minutes of notebooks. Ends with an "End" slot of 0 minutes.
    """
    clock = datetime.datetime.combine(datetime.date(2000, 1, 1), start)
    slots: list[Slot] = []
    since_pause = taught = 0

    def add(minutes: int, what: str) -> None:
        nonlocal clock
        slots.append(Slot(clock.time(), minutes, what))
        clock += datetime.timedelta(minutes=minutes)

    add(WELCOME_MIN, "Welcome; everyone opens the course (hub link, Binder or Colab)")
    for i, notebook in enumerate(notebooks):
        add(notebook.minutes, f"{notebook.number} · {notebook.title}")
        since_pause += notebook.minutes
        taught += notebook.minutes
        if i == len(notebooks) - 1:
            break
        if lunch_after_min is not None and taught >= lunch_after_min:
            add(LUNCH_MIN, "Lunch")
            lunch_after_min, since_pause = None, 0
        elif since_pause >= BREAK_EVERY_MIN:
            add(BREAK_MIN, "Break")
            since_pause = 0
    slots.append(Slot(clock.time(), 0, "End"))
    return slots


def _schedule_table(slots: list[Slot]) -> str:
    rows = ["| time | minutes | what |", "|---|---|---|"]
    rows += [f"| {slot.start:%H:%M} | {slot.minutes or ''} | {slot.what} |" for slot in slots]
    return "\n".join(rows) + "\n"


def objectives(markdown: str) -> list[str]:
    """The bullet list after "**Learning objectives**" (continuation lines joined)."""
    block = re.search(r"\*\*Learning objectives\*\*[^\n]*\n((?:[-*] .*\n(?: +\S.*\n)*)+)", markdown + "\n")
    if not block:
        return []
    items = re.split(r"^[-*] ", block[1], flags=re.M)
    return [" ".join(item.split()) for item in items if item.strip()]


def myth_claims(markdown: str) -> list[str]:
    """The claims a notebook's myth checks test: quoted in a "Myth check" heading or bold text in such a section."""
    claims = []
    for section in re.split(r"^(?=#{1,4} )", markdown, flags=re.M):
        heading = section.splitlines()[0] if section.strip() else ""
        if "myth" in heading.lower():
            claims += re.findall(r'"([^"\n]+)"', heading)
            body = section[len(heading):]
            claims += [claim for claim in re.findall(r'\*\*[^*\n]*?"([^"\n]+)"[^*\n]*?\*\*', body)]
        else:
            claims += re.findall(r'\*\*[^*\n]*[Mm]yth[^*\n]*?"([^"\n]+)"[^*\n]*?\*\*', section)
    return list(dict.fromkeys(claim.strip().rstrip(".") for claim in claims))


def estimated_minutes(markdown: str) -> int | None:
    found = re.search(r"\*\*Estimated time:\*\* (\d+) min", markdown)
    return int(found[1]) if found else None


def checks_module(notebook: str, root: Path = ROOT):
    """The ``course_lib.checks`` module of a notebook's exercises (read from its solution notebook), or None."""
    solution = root / "solutions" / f"{notebook}_solutions.py"
    if not solution.exists():
        return None
    found = re.search(r"^from course_lib\.checks\.(\w+) import .*\bEXERCISES\b", solution.read_text(encoding="utf-8"), re.M)
    return importlib.import_module(f"course_lib.checks.{found[1]}") if found else None


def _lower_first(text: str) -> str:
    """'Read a number' -> 'read a number' (continues "can each learner ..."); 'MFU ...' stays."""
    second = text[1:2]
    return text[0].lower() + text[1:] if not (second.isupper() or second.isdigit()) else text


def trap_text(message: str) -> str:
    """A trap's message for the instructor: the learner's number shown as N."""
    return message.replace("{answer}", "N")


def instructor_markdown(address: Address, readme: str, site_files: set[str], peak_kernel_mb: float | None = None,
                        root: Path = ROOT) -> str:
    """The instructor page: plans, per-notebook questions, exercises and traps, JupyterHub set-up."""
    total = sum(nb.minutes for nb in COURSE)
    out = ["# For instructors\n",
           f"The course is {len(COURSE)} notebooks, {total} min of stated time in all (each notebook states its "
           "time: reading, running, moving the widgets and the *Try this* prompts). Everything below is generated "
           "from the notebooks, the exercise checks and the course map when the website is built.\n"]
    half, full = course_plan(*HALF_DAY), course_plan(*FULL_DAY)
    out += ["## Workshop plans\n",
            f"Times are the notebooks' stated minutes, plus a {WELCOME_MIN}-min welcome, a {BREAK_MIN}-min break "
            f"after about {BREAK_EVERY_MIN} min and, on a full day, a {LUNCH_MIN}-min lunch.\n",
            f"### Half day: {sum(nb.minutes for nb in half['today'])} min of notebooks "
            f"(goal: *{HALF_DAY[0]}*)\n", _schedule_table(schedule(half["today"])),
            f"### Full day: {sum(nb.minutes for nb in full['today'])} min of notebooks (goal: *{FULL_DAY[0]}*)\n",
            _schedule_table(schedule(full["today"], lunch_after_min=LUNCH_AFTER_MIN)),
            "### Other goals\n",
            f"What fits in a half day ({HALF_DAY[1]} min of notebooks) and a full day ({FULL_DAY[1]} min) for each "
            "goal of the course map (notebook 00's planner):\n",
            "| goal | whole path | half day | full day |", "|---|---|---|---|"]
    for goal in GOALS:
        plan_half, plan_full = course_plan(goal, HALF_DAY[1]), course_plan(goal, FULL_DAY[1])
        out.append(f"| {goal} | {plan_half['total_minutes']} min | "
                   f"{', '.join(nb.number for nb in plan_half['today'])} | "
                   f"{', '.join(nb.number for nb in plan_full['today'])} |")
    out.append("")
    out += ["## Notebook by notebook\n"]
    for notebook in COURSE:
        markdown = notebook_markdown(root / "notebooks" / f"{notebook.name}.ipynb")
        out += [f"### [{notebook.number} · {notebook.title}](notebooks/{notebook.name}.ipynb): {notebook.minutes} min\n"]
        goals = objectives(markdown)
        if goals:
            out += ["**Check for understanding** (the learning objectives): can each learner …\n",
                    "\n".join(f"- {_lower_first(goal)}" for goal in goals) + "\n"]
        claims = myth_claims(markdown)
        if claims:
            out += ["**Discussion** (the myth checks; ask before the notebook, answer after):\n",
                    "\n".join(f'- Someone says: "{claim}". What is wrong with it, and which number in the notebook '
                              f"shows it?" for claim in claims) + "\n"]
        checks = checks_module(notebook.name, root)
        if checks is not None:
            exercises_path = f"exercises/{notebook.name}_exercises.ipynb"
            minutes = estimated_minutes(notebook_markdown(root / exercises_path))
            conceptual = [ex.title for ex in checks.EXERCISES if ex.kind in ("choice", "bool")]
            numeric = [ex.title for ex in checks.EXERCISES if ex.kind == "number"]
            out += [f"**Exercises** ([exercise notebook]({exercises_path}), {minutes} min): in class, the conceptual "
                    f"ones ({'; '.join(conceptual) or 'none'}); as homework, the calculations "
                    f"({'; '.join(numeric)}).\n"]
            traps = [(ex.title, trap_text(trap.message)) for ex in checks.EXERCISES for trap in ex.traps
                     if isinstance(trap.message, str)]
            if traps:
                out += ["**Common mistakes** (what the checks recognise, N = the learner's number):\n",
                        "\n".join(f"- *{cite(title)}*: {cite(message)}" for title, message in traps) + "\n"]
    _, sections = readme_sections(readme)
    bullets = re.split(r"^(?=- )", dict(sections).get("For instructors", ""), flags=re.M)
    advice = "".join(b for b in bullets if b.startswith("- ") and not b.startswith(INSTRUCTOR_PAGE_COVERS))
    out += ["## Running the workshop\n", advice.strip() + "\n"]
    link = address.gitpull_link()
    out += ["## JupyterHub with nbgitpuller\n",
            "Learners get the course with one link: the first click clones the repository into their hub home and "
            "opens the start page; later clicks fetch updates and merge them without overwriting their edits "
            "(nbgitpuller's merge behaviour, tested by `make test-workshop`). Replace `YOUR-HUB` with your hub's "
            "address:\n",
            f"```text\n{link}\n```\n",
            "The hub's user image needs the course environment and nbgitpuller: `environment.yml` lists both, so an "
            "image built from this repository by repo2docker has them:\n",
            f"```bash\njupyter-repo2docker --no-run --ref {address.branch} "
            f"--image-name {course_image(address)}:{address.branch} {address.github_url}\n"
            f"docker push {course_image(address)}:{address.branch}\n```\n",
            "### A class larger than one machine: Zero to JupyterHub on Kubernetes\n",
            "`deploy/jupyterhub/values.yaml` (generated from the course's address by `make retarget`) sets the course "
            "image, pulls the course at every server start and culls idle servers. Install it with the JupyterHub "
            "Helm chart version it was checked against:\n",
            "```bash\nhelm repo add jupyterhub https://hub.jupyter.org/helm-chart/\n"
            f"helm upgrade --install course jupyterhub/jupyterhub --version {Z2JH_CHART_VERSION} "
            "--values deploy/jupyterhub/values.yaml\n```\n",
            f"```yaml\n{(root / VALUES_FILE).read_text(encoding='utf-8').rstrip()}\n```\n"]
    if peak_kernel_mb is not None:
        out += [f"The memory guarantee leaves room: the largest kernel peaked at {peak_kernel_mb:,.0f} MB (resident "
                "memory) while it ran a notebook when this website was built.\n"]
    return rewrite_links("\n".join(out), "instructor.md", site_files, address, root)
