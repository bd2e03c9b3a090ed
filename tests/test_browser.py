"""The built site in headless Chromium: served over http from a sub-path, and opened from
the file system (file://), since both must work. Search, the actions filter, the skip link,
printing a brief on A4, pages at phone and desktop widths, and axe-core's accessibility rules
on one page of each kind.

Every test records the page's console errors and every request; a test fails on a console
error or on a request to anything but the local server or the file system.

Chromium and the `watch` fixture come from conftest.py (browsing.py): skipped locally without
Chromium, failed in CI.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest

from browsing import Watched

pytestmark = pytest.mark.browser

SUB = "team/playbook"  # the example is served from a sub-path, as on a shared intranet host
#: axe-core, vendored so that CI needs no network (tests/vendor/axe-core/README.md).
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: One page of each kind the site has, and the customer page of notes that try to break out.
PAGE_KINDS = [f"{SUB}/{rel}" for rel in (
    "index.html", "customers/index.html", "customers/northgate-logistics/index.html",
    "customers/northgate-logistics/brief.html", "actions.html", "owners/index.html", "owners/tomas.html",
    "stages/at-risk.html", "tags/index.html", "tags/logistics.html", "search.html", "404.html")] + [
    "hostile/customers/evil/index.html"]


@pytest.fixture(scope="session")
def pieces_site(tmp_path_factory) -> Path:
    """The example built with its search index in pieces, as a large playbook's is."""
    from helpers import REPO
    from playbook.build import build
    from playbook.outputs import search_shards
    out = tmp_path_factory.mktemp("pieces") / "site"
    before = search_shards.ONE_FILE_MAX, search_shards.SHARD_MAX
    # and small shards, so that the common prefixes are split as a large playbook's are
    search_shards.ONE_FILE_MAX, search_shards.SHARD_MAX = 0, 400
    try:
        assert build(REPO, out, use_cache=False).ok
    finally:
        search_shards.ONE_FILE_MAX, search_shards.SHARD_MAX = before
    return out


@pytest.fixture(scope="session")
def sites(tmp_path_factory, example_site: Path, hostile_site: Path, pieces_site: Path) -> Path:
    """<root>/team/playbook: the example; <root>/hostile: notes that try to run script;
    <root>/pieces: the example with its search index in pieces."""
    root = tmp_path_factory.mktemp("served")
    shutil.copytree(example_site, root / SUB)
    shutil.copytree(hostile_site, root / "hostile")
    shutil.copytree(pieces_site, root / "pieces")
    return root


@pytest.fixture(scope="session")
def server(sites):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(sites)))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(params=["http", "file"])
def base(request, sites, server) -> str:
    """The URL of the served root (http) or of its folder (file), without a trailing slash."""
    return server if request.param == "http" else sites.as_uri()


@pytest.fixture
def watched(watch) -> Watched:
    return watch()


def test_home_links_to_a_customer(watched, base):
    page = watched.page
    page.goto(f"{base}/{SUB}/index.html")
    assert page.title()
    page.locator('a[href$="customers/rosalinds-bakery/index.html"]').first.click()
    page.wait_for_url(re.compile(r"/customers/rosalinds-bakery/index\.html$"))
    assert "Rosalind's Family Bakery" in page.locator("h1").first.inner_text()


def test_header_search_finds_a_contact_and_lands_on_the_customer(watched, base):
    page = watched.page
    page.goto(f"{base}/{SUB}/customers/brightwell-precision/index.html")
    page.fill("#site-q", "rosalind baptiste")
    page.press("#site-q", "Enter")
    page.wait_for_url(re.compile(r"/search\.html\?q=rosalind\+baptiste$"))
    assert page.input_value("#search-input") == "rosalind baptiste"
    first = page.locator("#search-results li").first
    assert first.locator(".search-type").inner_text() == "Contact"
    first.locator("a").click()
    page.wait_for_url(re.compile(r"/customers/rosalinds-bakery/index\.html#contact-rosalind-baptiste$"))
    target = page.locator("#contact-rosalind-baptiste")
    assert target.count() == 1 and "Rosalind Baptiste" in target.inner_text()


def test_search_updates_as_you_type_ignoring_case_and_accents(watched, base):
    page = watched.page
    page.goto(f"{base}/{SUB}/search.html")
    assert page.locator("#search-results li").count() == 0
    page.locator("#search-input").press_sequentially("CAFE MANAG")
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    results = page.locator("#search-results").inner_text()
    assert "Café Manager" in results  # the role, written with an accent
    page.fill("#search-input", "tomas")
    page.wait_for_function("document.getElementById('search-status').textContent.indexOf('result') >= 0")
    assert page.locator("#search-results li").count() > 0  # owners named Tomás
    page.fill("#search-input", "zzqx nothing")
    page.wait_for_function("document.getElementById('search-status').textContent.indexOf('Nothing') === 0")
    assert page.locator("#search-results li").count() == 0


def test_every_term_must_match(watched, base):
    page = watched.page
    page.goto(f"{base}/{SUB}/search.html?q=rosalind+haas")
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0")
    assert page.locator("#search-results li").count() == 0


def test_hostile_notes_never_run(watched, base):
    page = watched.page
    page.goto(f"{base}/hostile/customers/evil/index.html")
    assert "Evil <script>alert(1)</script>" in page.locator("h1").first.inner_text()
    links = page.locator("a", has_text="click")
    for i in range(links.count()):
        links.nth(i).click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.goto(f"{base}/hostile/search.html?q=pwned")
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    text = page.locator("#search-results").inner_text()
    assert "<script>window.__pwned=1</script>" in text  # shown as text
    assert page.locator("#search-results script, #search-results img").count() == 0
    page.goto(f"{base}/hostile/search.html?q=%3Cimg+src%3Dx+onerror%3Dwindow.__pwned%3D1%3E")
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0")
    assert page.locator("#search-results img").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_tab_from_the_top_reaches_the_skip_link(watched, base):
    page = watched.page
    page.goto(f"{base}/{SUB}/index.html")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.tagName, document.activeElement.getAttribute('href'),"
                            " document.activeElement.textContent.trim()]")
    assert focused[0] == "A" and focused[1] == "#main", focused
    assert "skip" in focused[2].lower()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_search_page_without_javascript_says_so(watch, sites):
    page = watch(java_script_enabled=False).page
    page.goto(f"{sites.as_uri()}/{SUB}/search.html?q=rosalind")
    assert "Search needs JavaScript" in page.locator("main").inner_text()


def test_actions_filter_by_select_and_by_url(watched, base, sites):
    page = watched.page
    page.goto(f"{base}/{SUB}/actions.html")
    total = page.locator("li.action").count()
    assert page.locator("#action-filters").is_visible()
    page.select_option("#f-owner", "lena")
    shown = page.locator("li.action:visible")
    assert 0 < shown.count() < total
    lists = shown.evaluate_all("els => els.map(e => e.dataset.owners)")
    assert all("lena" in o.split() for o in lists)  # hers, or on a customer she owns
    assert len(lists) == len(re.findall(r'<li class="action ', (sites / SUB / "owners/lena.html").read_text("utf-8")))
    assert any(o != "lena" for o in lists)  # shared customers' actions are on her list too
    assert "?owner=lena" in page.url
    page.goto(f"{base}/{SUB}/actions.html?kind=repair&due=week")
    assert page.locator("#f-kind").input_value() == "repair"
    kinds = page.locator("li.action:visible").evaluate_all("els => els.map(e => e.dataset.kind + ' ' + e.dataset.due)")
    assert kinds and all(k.startswith("repair ") and " week" in f" {k.split(' ', 1)[1]}" for k in kinds)
    page.click("button[type=reset]")
    page.wait_for_function(f"document.querySelectorAll('li.action:not([hidden])').length === {total}")


def test_every_brief_prints_on_one_a4_page(watched, sites):
    page = watched.page
    briefs = sorted((sites / SUB).glob("customers/*/brief.html"))
    assert len(briefs) == 15
    for brief in briefs:
        assert_one_page(page, brief)


def assert_one_page(page, brief: Path) -> None:
    page.goto(brief.as_uri())
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"{brief.parent.name}: the brief prints on {pages} pages"


@pytest.mark.parametrize("day", ["2026-12-14", "2027-02-22", "2027-05-03"])
def test_every_brief_prints_on_one_a4_page_on_other_days(watched, example_root, tmp_path, day):
    """On other days the briefs say more (St Aldhelm's, with five contacts and three flags, and
    Northgate ran to a second page on 14 Dec and 22 Feb at the print styles of 20 Nov)."""
    from datetime import date
    from playbook.build import build
    assert build(example_root, tmp_path / "site", as_of=date.fromisoformat(day), use_cache=False).ok
    for brief in sorted((tmp_path / "site").glob("customers/*/brief.html")):
        assert_one_page(watched.page, brief)


@pytest.mark.parametrize("width", [390, 1280])
def test_pages_fit_phone_and_desktop_widths(watch, sites, width: int):
    page = watch(viewport={"width": width, "height": 900}).page
    site = sites / SUB
    for rel in ("index.html", "customers/index.html", "customers/northgate-logistics/index.html",
                "customers/northgate-logistics/brief.html", "actions.html", "owners/index.html", "owners/tomas.html",
                "stages/at-risk.html", "tags/index.html", "search.html"):
        page.goto((site / rel).as_uri())
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{rel} is {overflow}px wider than a {width}px screen"
        # every tab of the main nav is on screen: none hidden in a sideways scroll
        cut = page.evaluate("""[...document.querySelectorAll('.site-nav a')]
            .filter(a => a.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .map(a => a.textContent)""")
        assert not cut, f"{rel}: nav tabs {cut} are off a {width}px screen"
    page.goto((site / "index.html").as_uri())
    placeholder = page.get_attribute("#site-q", "placeholder")
    assert placeholder == ("Search…" if width < 600 else "Search customers, people, notes…")


#: Words from their start, as the index in pieces finds them: names, contacts, roles with
#: accents, owners, words of notes, dates, phrases, a word in every customer, nothing.
PIECES_QUERIES = ["rosalind", "rosalind baptiste", "CAFE MANAG", "tomas", "quote", "ovens", "maya", "at risk",
                  "2026", "the", "renewal price", "zzqx nothing", "o'brien", "nadia kestrel", "brightwell", "sent",
                  "st aldhelm"]


def test_search_in_pieces_finds_what_the_one_file_search_finds(watched, base):
    page = watched.page

    def results(site: str, q: str) -> tuple[list[str], str]:
        page.goto(f"{base}/{site}/search.html?q={q.replace(' ', '+')}")
        page.wait_for_function("(() => { const t = document.getElementById('search-status').textContent;"
                               " return t && t !== 'Searching…'; })()")
        hrefs = page.locator("#search-results li a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        return hrefs, page.inner_text("#search-status")

    for q in PIECES_QUERIES:
        one, _ = results(SUB, q)
        pieces, status = results("pieces", q)
        assert pieces == one, f"{q!r}: {status}"
    assert len(results("pieces", "rosalind")[0]) > 3
    # every piece a query loads is a script beside the page: no fetch, so file:// works
    assert any(re.search(r"/search/t/ro[a-z_-]?\.js$", u) for u in watched.requests)
    assert any(u.endswith("/customers/rosalinds-bakery/search.js") for u in watched.requests)
    # a word is found from its start only, in a playbook this size
    assert results("pieces", "anager")[0] == [] and results(SUB, "anager")[0]
    # and a common two-letter start (its shard split in many) as a whole word, saying so
    hrefs, status = results("pieces", "re")
    assert "“re” found as a whole word only" in status and hrefs != results(SUB, "re")[0]


@pytest.fixture(scope="session")
def synthetic(sites, tmp_path_factory) -> list[str]:
    """A generated playbook large enough for the pages a small one lacks (renewals, key dates,
    a list's page 2) and with headings in its notes, served beside the example: its pages to check."""
    from builds import synthetic_playbook
    from playbook.build import build
    root = synthetic_playbook(tmp_path_factory.mktemp("synthetic"), customers=120, interactions=3)
    report = build(root, root / "site", use_cache=False)
    assert report.ok, report.problems
    shutil.copytree(root / "site", sites / "synthetic")
    site = sites / "synthetic"
    pages = sorted(p.parent.name for p in site.glob("customers/*/index.html"))
    about = next(c for c in pages if 'id="about-h"' in (site / f"customers/{c}/index.html").read_text("utf-8"))
    headed = next(c for c in pages  # a note with a heading
                  if re.search(r"<h[456]>", (site / f"customers/{c}/index.html").read_text("utf-8")))
    return [f"synthetic/{rel}" for rel in ("renewals.html", "key-dates.html", "actions/2.html",
                                           f"customers/{about}/index.html", f"customers/{about}/brief.html",
                                           f"customers/{headed}/index.html")]


@pytest.mark.parametrize("scheme,width", [("light", 1280), ("dark", 390)])
def test_no_page_kind_breaks_an_accessibility_rule(watch, server, synthetic, scheme: str, width: int):
    """axe-core's rules (WCAG 2 A and AA, and its best practices), in both colour schemes:
    any violation fails, with the rule, its impact and the elements. Over http: axe reads the
    style sheets, which a file:// page may not fetch."""
    page = watch(color_scheme=scheme, viewport={"width": width, "height": 900}).page
    axe = AXE.read_text("utf-8")
    found = []
    for rel in PAGE_KINDS + synthetic:
        page.goto(f"{server}/{rel}")
        page.add_script_tag(content=axe)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found += [f"{rel}: {v['id']} ({v['impact']}, {len(v['nodes'])}×) {v['help']}: "
                  f"{[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]
        assert result["passes"], f"{rel}: axe checked nothing"
    assert not found, "\n".join(found)
