"""The built website (``make site``, build/site/) in a real browser: what a reader would find broken.

Every page is loaded in chromium from a local HTTP server: no console error, no failed request, no
page error; every image decoded. Every internal link (href) names a page that exists and, with a
``#fragment``, an element with that id. Every Binder and Colab link on a notebook page launches that
very notebook at the course's address (``[tool.course]``), the repository button points at it, each
notebook with widgets shows them as pictures with launch links, and the search box finds a term.
Run by ``make test-site`` after the build; screenshots in test-artifacts/screenshots/site_*.png.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from tools.address import load

pytestmark = [pytest.mark.browser, pytest.mark.site]

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "build" / "site"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
SHOWN = ("index.html", "notebooks/04_memory_and_precision.html", "docs/glossary.html", "sources.html",
         "instructor.html")
# Notebooks that display no widget view (a reader sees no picture there, and none is expected).
WITHOUT_WIDGETS: set[str] = set()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the test reports problems itself
        pass


@pytest.fixture(scope="module")
def site_url():
    """The built site on a local HTTP server (the test fails if there is none: `make site` builds it)."""
    if not (SITE / "index.html").exists():
        pytest.fail(f"no website in {SITE}: run `make site` (`make test-site` builds it first)")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def pages() -> list[str]:
    """Every HTML page of the site, relative to its root (the theme's own assets left out)."""
    return sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html") if "_static" not in p.parts)


class _Parsed(HTMLParser):
    """The ids and the (tag, attributes) of the links and images of one HTML page."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


@functools.cache
def parsed(page: str) -> _Parsed:
    parser = _Parsed()
    parser.feed((SITE / page).read_text(encoding="utf-8"))
    return parser


def broken_links(page: str) -> list[str]:
    """Internal links of ``page`` whose target page or fragment does not exist."""
    problems = []
    base = f"http://site/{page}"
    for href in parsed(page).links:
        url = urlsplit(urljoin(base, href))
        if url.scheme not in ("http", "https") or url.netloc != "site":
            continue  # external, mailto:, javascript:
        target = unquote(url.path).lstrip("/") or "index.html"
        if target.endswith("/"):
            target += "index.html"
        if not (SITE / target).is_file():
            problems.append(f"{page}: link {href!r} -> missing {target}")
        elif url.fragment and target.endswith(".html") and unquote(url.fragment) not in parsed(target).ids:
            problems.append(f"{page}: link {href!r} -> no id {url.fragment!r} in {target}")
    return problems


def notebook_of(page: str) -> str | None:
    """Repository path of the notebook a page renders, or None (notebooks/, exercises/, apps/)."""
    if page.startswith(("notebooks/", "exercises/", "apps/")):
        return page.removesuffix(".html") + ".ipynb"
    return None


def launch_problems(page: str) -> list[str]:
    """Binder/Colab links of ``page`` not at the course's address (on a notebook's page: not that notebook)."""
    address, notebook = load(), notebook_of(page)
    prefixes = (f"https://mybinder.org/v2/gh/{address.repository}/{address.branch}?urlpath=",
                f"https://colab.research.google.com/github/{address.repository}/blob/{address.branch}/")
    this = set() if notebook is None else {address.colab_url(notebook), address.binder_url(notebook),
                                          address.binder_url(notebook, ui="voila")}
    problems = []
    for href in parsed(page).links:
        if not href.startswith(("https://mybinder.org/", "https://colab.research.google.com/")):
            continue
        if not href.startswith(prefixes):
            problems.append(f"{page}: {href} is not at {address.repository}@{address.branch}")
        elif notebook is not None and href not in this:
            problems.append(f"{page}: {href} does not launch {notebook}")
    if address.github_url not in parsed(page).links:
        problems.append(f"{page}: no link to the repository {address.github_url}")
    return problems


def test_every_page_loads_without_errors_with_its_images(site_url, chromium_browser):
    found = pages()
    assert len(found) >= 12 + 10 + 3, f"the site has only {len(found)} pages"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 1000})
    problems = []
    for page in found:
        tab = context.new_page()
        messages = []
        tab.on("console", lambda m, messages=messages: messages.append(f"console {m.type}: {m.text}")
               if m.type == "error" else None)
        tab.on("pageerror", lambda e, messages=messages: messages.append(f"page error: {e}"))
        tab.on("requestfailed", lambda r, messages=messages: messages.append(f"request failed: {r.url[:120]}"))
        tab.on("response", lambda r, messages=messages: messages.append(f"HTTP {r.status}: {r.url[:120]}")
               if r.status >= 400 else None)
        tab.goto(site_url + page, wait_until="load")
        tab.wait_for_load_state("networkidle")
        broken = tab.evaluate("""() => [...document.images]
            .filter(img => !(img.complete && img.naturalWidth > 0))
            .map(img => (img.getAttribute('alt') || '') + ' ' + img.src.slice(0, 80))""")
        problems += [f"{page}: {message}" for message in messages]
        problems += [f"{page}: image not shown: {image}" for image in broken]
        if page in SHOWN:
            name = page.removesuffix(".html").replace("/", "_")
            tab.screenshot(path=str(SCREENSHOTS / f"site_{name}.png"))
        tab.close()
    context.close()
    assert not problems, "\n".join(problems)


def test_no_internal_link_is_broken():
    problems = [problem for page in pages() for problem in broken_links(page)]
    assert pages() and not problems, "\n".join(problems)


def test_launch_buttons_point_at_the_course_address():
    notebook_pages = [page for page in pages() if notebook_of(page)]
    assert len(notebook_pages) >= 12 + 10
    problems = [problem for page in pages() for problem in launch_problems(page)]
    assert not problems, "\n".join(problems)
    address = load()
    for page in notebook_pages:  # the theme's launch menu and the page's own links are both there
        links = parsed(page).links
        assert address.binder_url(notebook_of(page)) in links or notebook_of(page).startswith("apps/"), page
        assert address.colab_url(notebook_of(page)) in links, page


def test_widgets_are_pictures_with_launch_links():
    address = load()
    for page in (p for p in pages() if p.startswith("notebooks/") and p not in WITHOUT_WIDGETS):
        text = (SITE / page).read_text(encoding="utf-8")
        widgets = text.count('class="course-widget"')
        assert widgets >= 1, f"{page}: no widget picture"
        assert text.count('class="course-widget-image"') >= 1, f"{page}: no widget figure"
        assert text.count('class="course-widget-launch"') == text.count('class="course-widget-controls"') >= 1, \
            f"{page}: a widget with controls but no launch links"
        assert address.binder_url(notebook_of(page)) in text
        assert 'type="application/vnd.jupyter.widget-view+json"' not in text, f"{page}: a live widget left"


def test_search_box_finds_a_term(site_url, chromium_browser):
    tab = chromium_browser.new_page()
    tab.goto(site_url + "index.html")
    tab.locator("button.search-button-field:visible").first.click()  # the box opens the search dialog
    box = tab.locator("input[name='q']:visible").first
    box.fill("bandwidth")
    box.press("Enter")
    tab.wait_for_url(re.compile(r"search\.html\?q=bandwidth"))
    results = tab.locator("#search-results li")
    results.first.wait_for(timeout=30_000)
    assert results.count() >= 5
    tab.close()
