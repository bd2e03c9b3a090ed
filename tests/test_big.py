"""A playbook of 10,000 customers in Chromium: the home page, a person's page and a search
open, each page and file stays light, and a search loads a few pieces of the index only.

The playbook is generated (benchmarks/generate.py) with two notes per customer so that it
builds in a few minutes; the lists, calendars and the index grow with the customers, which
is what this checks. Sizes are the issue's (#15): every HTML page and calendar under 1 MB,
one query's transfer under 2 MB.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from builds import synthetic_playbook
from playbook.build import build

pytestmark = [pytest.mark.browser, pytest.mark.big]

CUSTOMERS = 10_000
MB = 1_000_000


@pytest.fixture(scope="module")
def big_site(tmp_path_factory) -> Path:
    root = synthetic_playbook(tmp_path_factory.mktemp("big"), customers=CUSTOMERS, interactions=2, seed=7)
    report = build(root, root / "site", use_cache=False)
    assert report.ok and report.customers == CUSTOMERS, report.problems[:5]
    return root / "site"


def largest(site: Path, suffix: str) -> tuple[int, str]:
    return max((p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob(f"*{suffix}"))


def test_every_page_and_calendar_is_under_a_megabyte(big_site: Path):
    for suffix in (".html", ".ics"):
        size, name = largest(big_site, suffix)
        assert size < MB, f"{name} is {size:,} bytes"
    # the lists are in pages: the actions of 10,000 customers on many
    assert (big_site / "actions/2.html").is_file() and (big_site / "customers/index/50.html").is_file()
    # and each customer's entry of playbook.json is on its own
    assert len(list(big_site.glob("customers/*/index.json"))) == CUSTOMERS


def _opened(watch, url: str, **context):
    w = watch(**context)
    w.page.goto(url)
    return w


def test_the_home_page_shows_what_needs_doing_first(watch, big_site: Path):
    page = _opened(watch, (big_site / "index.html").as_uri(), viewport={"width": 1280, "height": 900}).page
    due = page.locator("#due-h")
    assert due.is_visible()
    # each person's list: the most important actions, and a link to the rest on their page
    first = page.locator(".owner-group").first
    assert first.locator(".arow").count() > 0
    more = first.locator("p.more a")
    assert "more on" in more.inner_text()
    more.click()
    page.wait_for_url(re.compile(r"/owners/[a-z-]+\.html$"))
    assert "’s book" in page.locator("h1").inner_text()


def test_a_persons_page_opens_on_their_first_actions(watch, big_site: Path):
    page = _opened(watch, (big_site / "owners/maya.html").as_uri(), viewport={"width": 390, "height": 800}).page
    first = page.locator("li.action").first
    assert first.is_visible()
    box = first.bounding_box()
    assert box is not None and box["y"] < 800 * 1.5, "the first action is far below the first screen"
    nxt = page.locator("nav.pager a[rel=next]").first
    nxt.click()
    page.wait_for_url(re.compile(r"/owners/maya/actions/2\.html$"))
    assert page.locator("li.action").count() > 0


def test_a_search_loads_a_few_pieces_of_the_index(watch, big_site: Path):
    name = re.search(r'name: "(.*)"', next(big_site.parent.glob("content/customers/*/customer.yaml"))
                     .read_text("utf-8")).group(1)
    for query, first_title in ((name, name), ("procurement board", None)):
        w = watch()
        w.page.goto((big_site / "search.html").as_uri() + "?q=" + query.replace(" ", "+"))
        w.page.wait_for_function("(() => { const t = document.getElementById('search-status').textContent;"
                                 " return t && t !== 'Searching…'; })()", timeout=60_000)
        results = w.page.locator("#search-results li")
        assert results.count() > 0, w.page.inner_text("#search-status")
        if first_title:
            assert results.first.locator("a").inner_text() == first_title
        loaded = [Path(unquote(urlsplit(u).path)) for u in w.requests if u.startswith("file:")]
        total = sum(p.stat().st_size for p in loaded if p.is_file())
        assert total < 2 * MB, f"{query!r} loaded {total:,} bytes in {len(loaded)} files"
        assert any("/search/t/" in str(p) for p in loaded)
