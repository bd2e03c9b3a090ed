"""Long lists in pages: every HTML page of a generated playbook with long names and long
promises stays under 1 MB, page 1 keeps the list's address, the pages together hold every
item once in order, and the pager's links lead to each other."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from builds import synthetic_playbook
from playbook.build import build
from playbook.site.paging import PER_PAGE, Pages, cut, page_path

LIMIT = 1_000_000
LONG = " and Sons, Suppliers of Long Names to the Trade" * 5  # 235 characters more per name


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """A generated playbook of 320 customers with long names, and a long promise in every
    note; built once."""
    root = synthetic_playbook(tmp_path_factory.mktemp("paging"), customers=320, interactions=2, seed=5)
    for f in sorted(root.glob("content/customers/*/customer.yaml")):
        text = f.read_text("utf-8")
        f.write_text(re.sub(r'^name: "(.*)"$', lambda m: f'name: "{m.group(1)}{LONG}"', text, count=1, flags=re.M),
                     "utf-8")
    for f in sorted(root.glob("content/customers/*/interactions/*.md")):
        f.write_text(f.read_text("utf-8") + "\n- [ ] Send the long promise: " + "every word of it " * 120
                     + "(due 2026-12-01)\n", "utf-8")
    report = build(root, root / "site", use_cache=False, jobs=1)
    assert report.ok, report.problems
    return root / "site"


def titles(page: Path) -> list[str]:
    return [unescape(t) for t in re.findall(r'<p class="action-title">(.*?)</p>', page.read_text("utf-8"))]


def test_every_html_page_is_under_a_megabyte(big: Path):
    sizes = {p.relative_to(big).as_posix(): p.stat().st_size for p in big.rglob("*.html")}
    over = {k: v for k, v in sizes.items() if v >= LIMIT}
    assert not over, over
    # and the lists were long enough to need pages
    assert (big / "actions/2.html").is_file() and (big / "customers/index/2.html").is_file()


def test_the_actions_pages_hold_every_action_once_in_rank_order(big: Path):
    agenda = json.loads((big / "playbook.json").read_text("utf-8"))["agenda"]
    pages = [big / "actions.html"] + sorted(big.glob("actions/*.html"), key=lambda p: int(p.stem))
    assert [p.stem for p in pages[1:]] == [str(n) for n in range(2, len(pages) + 1)]
    shown = [t for p in pages for t in titles(p)]
    assert shown == [a["title"] for a in agenda]
    # a page of long promises fills its text budget before its item count
    assert len(titles(pages[0])) == PER_PAGE and any(len(titles(p)) < PER_PAGE for p in pages[:-1])


def test_a_persons_pages_hold_their_actions_and_customers(big: Path):
    team = (big / "owners/index.html").read_text("utf-8")
    maya = re.search(r'owners/maya.html">.*?<dt>Customers</dt><dd>(\d+)</dd>.*?<dt>Actions</dt><dd>(\d+)</dd>', team, re.S)
    customers, actions = int(maya.group(1)), int(maya.group(2))
    first = (big / "owners/maya.html").read_text("utf-8")
    # what needs doing comes first on the page, then the customers
    assert first.index('id="todo-h"') < first.index('id="mine-h"')
    more_actions = sorted(big.glob("owners/maya/actions/*.html"))
    more_customers = sorted(big.glob("owners/maya/customers/*.html"))
    assert more_actions
    assert len(titles(big / "owners/maya.html")) + sum(len(titles(p)) for p in more_actions) == actions
    cards = lambda p: len(re.findall(r'<li class="card customer-card', p.read_text("utf-8")))  # noqa: E731
    assert cards(big / "owners/maya.html") + sum(cards(p) for p in more_customers) == customers
    for p in more_actions:
        assert 'id="mine-h"' not in p.read_text("utf-8")


def test_the_pager_links_every_page_from_file_paths(big: Path):
    page2 = (big / "actions/2.html").read_text("utf-8")
    nav = re.search(r'<nav class="pager".*?</nav>', page2, re.S).group(0)
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs[0] == "../actions.html"  # previous: page 1 at its own address
    for h in hrefs:
        assert (big / "actions" / h).resolve().is_file(), h
    assert 'aria-current="page">2<' in nav


def test_the_home_page_links_to_the_rest_of_long_lists(big: Path):
    home = (big / "index.html").read_text("utf-8")
    assert home.count('<li class="keydate') <= 15
    if (big / "key-dates.html").exists():
        assert 'href="key-dates.html"' in home


@pytest.mark.parametrize("n,sizes,per,budget,want", [
    (0, [], 3, 100, [[]]),
    (1, [5], 3, 100, [[0]]),
    (2, [5] * 7, 3, 100, [[0, 1, 2], [3, 4, 5], [6]]),
    (3, [40, 40, 40, 10], 10, 100, [[0, 1], [2, 3]]),
    (4, [500, 1, 1], 10, 100, [[0], [1, 2]]),  # an item over the budget has a page of its own
])
def test_cut(n, sizes, per, budget, want):
    items = list(range(len(sizes)))
    assert [list(c) for c in cut(items, lambda i: sizes[i], per, budget)] == want


def test_pager_windows_and_addresses():
    pages = Pages("stages/at-risk.html", list(range(2000)), lambda i: 1, per=100)
    assert page_path("stages/at-risk.html", 1) == "stages/at-risk.html"
    assert pages.address(3) == "stages/at-risk/3.html"
    p = pages.pager(10, "../../")
    assert [x.number if x else None for x in p.links] == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert p.prev_href == "../../stages/at-risk/9.html" and p.next_href == "../../stages/at-risk/11.html"
    assert p.where == "901–1,000 of 2,000"
    first = pages.pager(1, "../")
    assert first.prev_href == "" and first.links[0].href == "../stages/at-risk.html"
    assert Pages("owners/maya.html", [1], lambda i: 1, rest="owners/maya/actions").address(2) == \
        "owners/maya/actions/2.html"
