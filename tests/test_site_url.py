"""`site_url` in playbook.yaml: the feed's links, calendar events' links to the customer's page
and each page's canonical link are absolute with it; without it nothing changes and every link
stays relative (the site works from file://)."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from builds import SITE_URL_LINE, cold, copy_playbook, same
from helpers import REPO, tree
from playbook.build import build
from playbook.config import parse_config
from playbook.siteurl import normalise_site_url

SITE = "https://team.example.com/playbook/"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize("text,url", [
    ("https://team.example.com/playbook/", SITE),
    ("https://team.example.com/playbook", SITE),                   # the trailing slash is added
    ("HTTPS://Team.Example.COM/playbook//", SITE),                  # scheme and host in lower case
    ("https://team.example.com/a/../playbook/./", SITE),             # dots resolved
    ("https://team.example.com//playbook", SITE),
    ("  https://team.example.com/playbook  ", SITE),
    ("https://team.example.com", "https://team.example.com/"),
    ("http://localhost:8000", "http://localhost:8000/"),
    ("https://[::1]:8443/pb", "https://[::1]:8443/pb/"),
    ("https://team.example.com/café/", "https://team.example.com/caf%C3%A9/"),
    ("https://bücher.example/", "https://xn--bcher-kva.example/"),
])
def test_site_url_is_normalised(text: str, url: str):
    assert normalise_site_url(text) == (url, None)
    config, problems = parse_config(f"site_url: '{text}'\n")
    assert (config.site_url, problems) == (url, [])


@pytest.mark.parametrize("text,words", [
    ("team.example.com/playbook", "should start with https://"),
    ("ftp://team.example.com/", "should start with https://"),
    ("javascript:alert(1)", "should start with https://"),
    ("https://", "should name a host"),
    ("https:///playbook", "should name a host"),
    ("https://team..example.com/", "should name a host"),
    ("https://team_example.com/", "should name a host"),
    ("https://maya:secret@team.example.com/", "user name or password"),
    ("https://team.example.com/?page=1", "without '?' or '#'"),
    ("https://team.example.com/#top", "without '?' or '#'"),
    ("https://team.example.com:99999/", "should be a web address"),
    ("https://team.example.com/a b/", "no spaces or control characters"),
    ("https://team.exa\tmple.com/", "no spaces or control characters"),
])
def test_a_bad_site_url_is_a_problem_at_its_line(text: str, words: str):
    config, problems = parse_config(f"title: T\nsite_url: {text!r}\n".replace("\\t", "\t"))
    assert config.site_url is None
    assert [(p.path, p.line, p.column, p.severity) for p in problems] == [("playbook.yaml", 2, 11, "error")]
    assert words in problems[0].message and problems[0].message.startswith("site_url ")


def test_a_site_url_that_is_not_text_is_a_problem():
    _, problems = parse_config("site_url:\n  - https://a.example/\n")
    assert [(p.line, p.message) for p in problems] == [(2, "'site_url' should be a web address, not a list")]


def unfold(data: bytes) -> list[str]:
    """An .ics file's content lines, folded lines joined (RFC 5545 §3.1)."""
    out: list[str] = []
    for raw in data.decode("utf-8").split("\r\n"):
        if raw.startswith(" "):
            out[-1] += raw[1:]
        else:
            out.append(raw)
    return out


@pytest.fixture(scope="module")
def with_url(tmp_path_factory) -> Path:
    """The example built with a site_url."""
    root = copy_playbook(REPO, tmp_path_factory.mktemp("with-url") / "pb")
    (root / "playbook.yaml").write_text((root / "playbook.yaml").read_text() + SITE_URL_LINE)
    report = build(root, root / "site", use_cache=False)
    assert report.problems == [], report.problems
    return root / "site"


def test_without_site_url_every_link_stays_relative(example_site):
    feed = ET.parse(example_site / "feed.atom").getroot()
    hrefs = [link.get("href") for link in feed.iter(f"{ATOM}link")]
    assert hrefs and not [h for h in hrefs if "://" in h]
    assert {tuple(e.attrib) for e in feed.iter(f"{ATOM}content")} == {("type",)}  # no xml:base
    for ics in (example_site / "calendar").glob("*.ics"):
        assert not [line for line in unfold(ics.read_bytes()) if line.startswith("URL") or "Page: " in line]
    for page in example_site.rglob("*.html"):
        assert 'rel="canonical"' not in page.read_text("utf-8"), page


def test_the_feed_links_are_absolute(with_url):
    feed = ET.parse(with_url / "feed.atom").getroot()
    top = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert top == {"self": SITE + "feed.atom", "alternate": SITE + "index.html"}
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) > 10
    for e in entries:
        href = e.find(f"{ATOM}link").get("href")
        page, _, anchor = href[len(SITE):].partition("#")
        assert href.startswith(SITE) and (with_url / page).is_file(), href
        assert f'id="{anchor}"' in (with_url / page).read_text("utf-8"), href
        # relative links inside a note's HTML resolve against its customer's page
        assert e.find(f"{ATOM}content").get("{http://www.w3.org/XML/1998/namespace}base") == SITE + page


def test_calendar_events_link_to_the_customer_page(with_url):
    for ics in sorted((with_url / "calendar").glob("*.ics")):
        events = "\n".join(unfold(ics.read_bytes())).split("BEGIN:VEVENT")[1:]
        assert events, ics.name
        for ev in events:
            url = re.search(r"^URL:(.*)$", ev, re.M).group(1)
            assert re.fullmatch(re.escape(SITE) + r"customers/[a-z0-9-]+/index\.html", url), url
            assert (with_url / url[len(SITE):]).is_file()
            assert f"\\nPage: {url}" in ev  # also in the description, which more apps show


def test_every_page_names_its_canonical_address(with_url):
    pages = sorted(with_url.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        rel = page.relative_to(with_url).as_posix()
        found = re.findall(r'<link rel="canonical" href="([^"]*)">', page.read_text("utf-8"))
        assert found == ([] if rel == "404.html" else [SITE + rel]), rel


def test_the_404_page_resolves_its_links_from_the_sites_root_path(example_site, with_url):
    """A host shows 404.html at any depth: with site_url its links start from the site's path."""
    page = (with_url / "404.html").read_text("utf-8")
    assert page.startswith('<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                           '<base href="/playbook/">\n')
    assert "<base" not in (example_site / "404.html").read_text("utf-8")


def test_only_the_links_change_with_a_site_url(example_site, with_url):
    """Relative links are untouched, so the site still works from file:// with a site_url."""
    plain, absolute = tree(example_site), tree(with_url)
    assert set(plain) == set(absolute)
    for rel in plain:
        if rel.endswith(".html"):
            without = re.sub(r'<link rel="canonical" href="[^"]*">\n|<base href="/playbook/">\n', "",
                             absolute[rel].decode())
            assert without == plain[rel].decode(), rel


def test_changing_only_the_site_url_rebuilds_warm_as_cold(tmp_path):
    root = copy_playbook(REPO, tmp_path / "pb", ["northgate-logistics", "loomwork", "kestrel-pay"])
    cfg = root / "playbook.yaml"
    base = cfg.read_text()
    for text in (base, base + SITE_URL_LINE, base + "site_url: https://other.example/\n", base):
        cfg.write_text(text)
        assert build(root, root / "site").ok  # warm: the memo and the manifest of the last build
        same(tree(root / "site"), cold(root), f"site_url line: {text[len(base):]!r}")
    shutil.rmtree(root / "site")
