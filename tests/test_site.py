"""The HTML site: what each page says (its visible text), that user text can never run,
and that builds repeat byte for byte. Whole pages of the example are compared in
test_golden.py, the team's templates in test_templates.py, the pages in a browser in
test_browser.py."""

from __future__ import annotations

import json
from datetime import date
import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from helpers import REPO, tree, write_playbook
from playbook.build import build
from playbook.site.views import HOME_GROUP_MAX, HOME_RISK_MAX
from sitecheck import LEAVING, parse, section, text_of

sys.path.insert(0, str(REPO / "benchmarks"))
from generate import generate  # noqa: E402


@pytest.fixture(scope="module")
def site(example_site: Path) -> Path:
    return example_site


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text("utf-8")


# -- the home page -------------------------------------------------------------------------

def test_home_lists_this_weeks_actions_by_owner(site: Path):
    due = section(read(site, "index.html"), "due-h")
    owners = re.findall(r'<h3 id="due-\d+" class="group-head"><a href="owners/(\w+)\.html">', due)
    assert owners == ["maya", "tomas", "priya", "jonas", "lena"]  # team order from playbook.yaml
    text = text_of(due)
    assert "Repair: talk to Craig Dunmore, Simon Hurst and 2 others about the meeting of 6 Nov 2026" in text
    assert "days overdue" in text  # overdue actions are included
    assert "Call Craig Dunmore before the renewal" not in text  # due 24 Dec: not this week


def test_home_ranks_by_priority_and_keeps_low_priority_apart(site: Path):
    html = read(site, "index.html")
    due = section(html, "due-h")
    groups = re.split(r'<section class="card owner-group"', due)[1:]
    assert groups
    for g in groups:
        main, _, later = g.partition('<details class="later">')
        assert set(re.findall(r'<li class="arow prio-(\w+)', main)) <= {"high", "medium"}
        scores = [int(s) for s in re.findall(r'<li class="arow [^"]*" data-score="(-?\d+)"', main)]
        assert scores == sorted(scores, reverse=True)  # ranked by what is at stake, highest first
        assert set(re.findall(r'<li class="arow prio-(\w+)', later)) <= {"low"}
    doc = json.loads(read(site, "playbook.json"))
    as_of = date.fromisoformat(doc["as_of"])
    due_in = [(date.fromisoformat(a["due"]) - as_of).days for c in doc["customers"] for a in c["next_actions"]]
    low_soon = any(a["priority"] == "low" and (date.fromisoformat(a["due"]) - as_of).days <= 7
                   for c in doc["customers"] for a in c["next_actions"])
    assert ('<summary>When you have time' in due) is low_soon
    assert "Low priority" in due  # the key to the marks
    # every mark says its priority in words, not by colour alone
    assert due.count('<li class="arow ') == len(re.findall(r'<span class="sr-only">(High|Medium|Low) priority</span>', due)) > 0
    stats = text_of(re.search(r'<ul class="stats">.*?</ul>', html, re.S).group(0))
    # Held at today since an earlier day ("overdue since 1 Dec 2025") is overdue too.
    held = [a["due_since"] is not None for c in doc["customers"] for a in c["next_actions"]]
    overdue = sum(1 for n, h in zip(due_in, held) if n < 0 or h)
    soon = sum(1 for n, h in zip(due_in, held) if 0 <= n <= 7 and not h)
    assert any(held)
    assert overdue and f"{overdue} actions overdue" in stats and f"{soon} more due within 7 days" in stats  # none twice


def test_home_puts_at_risk_before_the_long_lists(site: Path):
    html = read(site, "index.html")
    assert html.index('id="risk-h"') < html.index('id="due-h"') < html.index('id="dates-h"')


def test_home_shows_customers_at_risk_and_why(site: Path):
    risk = text_of(section(read(site, "index.html"), "risk-h"))
    for name in ("Calder & Wren LLP", "Northgate Logistics"):
        assert name in risk
    assert "St Aldhelm's Community Hospital" not in risk  # quiet after good news needs a touch, not an alarm
    assert "Negative call with Raj Mistry on 13 Nov 2026 (7 days ago)" in risk
    assert "interactions/2026-11-13-rollback-call.md:1" in risk
    assert "Oakmere Studio" not in risk


def test_home_key_dates_stage_mix_and_recent_activity(site: Path):
    html = read(site, "index.html")
    dates = text_of(section(html, "dates-h"))
    assert "Camille Roux's birthday" in dates and "in 8 days" in dates
    assert "Northgate Logistics renewal" not in dates  # 56 days away: beyond the 30-day window
    mix = section(html, "mix-h")
    assert '<svg class="chart mix"' in mix and 'role="img"' in mix
    assert "<desc id=\"mix-desc\">15 customers: 2 establishing, 2 growing, 7 steady, 2 at risk, 1 dormant, 1 ended.</desc>" in mix
    assert re.search(r'<svg class="chart mix".*?</svg>', mix, re.S).group(0).count("<rect ") == 6
    recent = section(html, "recent-h")
    assert recent.count('class="touch"') == 10
    dates_iso = re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)"', recent)
    assert dates_iso == sorted(dates_iso, reverse=True)
    assert 'href="calendar/team.ics"' in html and 'href="calendar/maya.ics"' in html and 'href="feed.atom"' in html


# -- a customer page -----------------------------------------------------------------------

def test_customer_page_stage_indicator_with_reasons_and_journey(site: Path):
    html = read(site, "customers/northgate-logistics/index.html")
    stage = section(html, "stage-h")
    assert "Stage: At risk" in stage
    path = re.search(r'<svg class="chart stage-path".*?</svg>', stage, re.S).group(0)
    assert re.findall(r'<text class="node-label( current)?"[^>]*>([^<]+)</text>', path) == [
        ("", "Establishing"), ("", "Growing"), ("", "Steady"), (" current", "At risk"), ("", "Dormant"), ("", "Ended")]
    assert "This relationship is now At risk." in path
    assert "Negative call with Raj Mistry on 13 Nov 2026 (7 days ago): Firmware rollback" in text_of(stage)
    assert '<code class="src" title="Source file and line">interactions/2026-11-13-rollback-call.md:1</code>' in stage
    journey = re.search(r'<svg class="chart journey".*?</svg>', stage, re.S).group(0)
    assert journey.count("<rect ") == 12 and "<desc id=\"journey-desc\">Stage month by month" in journey


def test_people_say_a_later_note_that_names_them(site: Path):
    """Pemberton's People read "Last spoke 27 Aug 2025" beside the stage's "since the note of
    30 Sep 2025" ("Alan says they'll call us in the new year…", a note with nobody in `with`)."""
    people = text_of(section(read(site, "customers/pembertons-garden-centre/index.html"), "people-h"))
    assert "with Lena Hartmann · named in the note of 30 Sep 2025" in people
    assert people.count("named in the note") == 1  # not Mandy, whom it does not name


def test_customer_page_health_actions_people_and_promises(site: Path):
    html = read(site, "customers/northgate-logistics/index.html")
    health = text_of(section(html, "health-h"))
    assert "Recency" in health and "−9" in health and "Sentiment -1.2, the average of 6 rated touches" in health
    # the rollback call went badly: no credit for being recent
    assert "Last heard from them 7 days ago (13 Nov 2026), but all 5 times we heard from them since 8 Jul 2026 went badly" in health
    actions = text_of(section(html, "next-h"))
    assert "Repair: talk to Craig Dunmore, Simon Hurst and 2 others about the meeting of 6 Nov 2026" in actions
    assert "It went very badly 14 days ago" in actions  # the why
    people = section(html, "people-h")
    assert "Newborn daughter (Anaya) born August 2026" in text_of(people)
    assert 'href="mailto:raj.mistry@northgate.example.com"' in people and 'href="tel:+447700900304"' in people
    assert 'id="contact-raj-mistry"' in people
    # who spoke to them last, not everyone who ever did
    assert "Last spoke 10 Nov 2026 (10 days ago) with Tomás Reilly" in text_of(people)
    assert "with Tomás Reilly, Maya Okafor" not in text_of(people)
    owed = text_of(section(html, "owed-h"))
    assert "Send root-cause report for the 3 November outage" in owed and "7 days overdue" in owed
    assert "Service credit for the October SLA breaches" in owed
    engaged = text_of(section(html, "eng-h"))
    assert "Raj Mistry IT Manager 4 recent of 9 touches" in engaged and "Jonas Eklund" in engaged


def test_a_chase_reads_as_a_to_do_not_a_promise(site: Path):
    """Fernhill's "Chase Sarah for the staff list" waits on Sarah: the page badged it "Promise"
    and said it was "promised in the email" (an account manager's second read)."""
    html = read(site, "customers/fernhill-dental/index.html")
    owed = text_of(section(html, "owed-h"))
    assert "Chase Sarah for the staff list so accounts can be set up" in owed
    assert "a to-do from the email of 6 Nov 2026" in owed and "promised in the email" not in owed
    actions = section(html, "next-h")
    assert '<span class="kind">To-do</span>' in actions and '<span class="kind">Promise</span>' not in actions


def test_the_day_after_a_birthday_the_page_says_it_was_and_asks_for_belated_wishes(example_root: Path, tmp_path):
    """Read on 3 Dec, Nadia's birthday of 2 Dec said "in 364 days, turns 41" and its greeting
    was gone (an account manager's objection). Camille's of 28 Nov is marked by no note this
    year (last year's note is last year's): hers is asked for too."""
    out = tmp_path / "site"
    assert build(example_root, out, as_of=date(2026, 12, 3), use_cache=False).ok
    kestrel = read(out, "customers/kestrel-pay/index.html")
    people = text_of(section(kestrel, "people-h"))
    assert "2 Dec 1986 (yesterday, turned 40)" in people and "in 364 days" not in people  # the list of
    # coming dates still gives the next one, a year off
    actions = text_of(section(kestrel, "next-h"))
    assert "Wish Nadia Farouk a happy birthday, belatedly (Wed 2 Dec)" in actions
    assert "Nadia Farouk's birthday (40) was yesterday, and no note since mentions it." in actions
    lantern = text_of(section(read(out, "customers/lantern-house-hotel/index.html"), "next-h"))
    # Due the working day after her Saturday birthday, Mon 30 Nov: 3 days overdue, never a weekend.
    assert "Wish Camille Roux a happy birthday, belatedly (Sat 28 Nov)" in lantern and "3 days overdue" in lantern


def test_an_ask_back_from_parking_is_not_listed_as_waiting(example_root: Path, tmp_path):
    """Ashby's open asks read "Mark Ellery asked 29 Jan 2026, waiting 43 days" for the Phase 2
    pricing parked until 1 Apr, beside an action saying whether it still stands is theirs to say
    (a fourth blind read)."""
    out = tmp_path / "site"
    assert build(example_root, out, as_of=date(2027, 5, 14), use_cache=False).ok
    ashby = text_of(section(read(out, "customers/ashby-fold-council/index.html"), "owed-h"))
    assert ("Mark Ellery asked 29 Jan 2026, parked until 1 Apr 2027: whether it still stands is theirs to say"
            in ashby), ashby
    assert "waiting 43 days" not in ashby


def test_customer_timeline_newest_first_with_rendered_notes_and_rhythm(site: Path):
    html = read(site, "customers/northgate-logistics/index.html")
    tl = section(html, "tl-h")
    days = re.findall(r'<article class="entry" id="i-(\d{4}-\d\d-\d\d)', tl)
    assert len(days) == 19 and days == sorted(days, reverse=True)
    assert '<input class="task-list-item-checkbox" type="checkbox" disabled="" aria-label="Done" />' in tl  # Markdown rendered
    assert "<p>They want a written root cause and a remediation plan with dates</p>" in tl
    rhythm = section(html, "rhythm-h")
    assert rhythm.count('<svg class="chart rhythm') == 2  # drawn for desktop and for phones
    wide = re.search(r'<svg class="chart rhythm rhythm-wide".*?</svg>', rhythm, re.S).group(0)
    assert "<title id=\"rhythm-wide-title\">" in wide and "against a desired 14-day cadence" in wide
    assert wide.count('class="mark ') == 11  # the touches since 20 Nov 2025
    assert 'class="mark s-2"' in wide and 'class="window missed"' in wide


def test_customer_page_links_use_the_page_depth(site: Path):
    html = read(site, "customers/northgate-logistics/index.html")
    assert 'href="../../assets/style.css"' in html
    assert 'href="../../owners/tomas.html"' in html and 'href="../../tags/logistics.html"' in html
    assert '<form class="site-search" role="search" aria-label="Site" action="../../search.html" method="get">' in html
    assert '<link rel="alternate" type="application/atom+xml"' in html and 'href="../../feed.atom"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_brief_is_one_printable_page_of_what_matters(site: Path):
    html = read(site, "customers/northgate-logistics/brief.html")
    text = text_of(html)
    assert "Brief: Northgate Logistics" in text
    assert "Newborn daughter (Anaya)" in text and "Sailing at Portishead" in text
    recent = section(html, "b-recent")
    assert recent.count("<li>") >= 3 and "Last 3 interactions" in text_of(recent)
    assert re.findall(r'<time datetime="([\d-]+)">', recent) == ["2026-11-13", "2026-11-10", "2026-11-06"]
    assert "We are late on: Send root-cause report" in text and "Simon Hurst's question: Service credit" in text
    assert "5th anniversary of working with Northgate Logistics" in text
    assert "Repair: talk to Craig Dunmore" in text_of(section(html, "b-next"))
    assert "Stage: At risk" in text
    people = section(html, "b-who")
    assert 'href="mailto:raj.mistry@northgate.example.com"' in people and 'href="tel:+447700900304"' in people
    about = section(html, "b-about")  # the customer's own notes, rendered
    assert "<strong>Peak season (mid-October to Christmas) is everything to them.</strong>" in about
    css = read(site, "assets/style.css")
    assert "@media print" in css and "size: A4" in css


def test_an_ended_customer_shows_no_live_health(site: Path):
    html = read(site, "customers/marlow-print-works/index.html")
    assert '<svg class="ring' not in html and "No health score" in html
    assert "Not scored: this relationship has ended." in text_of(section(html, "health-h"))
    assert '<svg class="ring' not in read(site, "customers/marlow-print-works/brief.html")
    row = re.search(r'<tr>\s*<th scope="row"><a href="../customers/marlow-print-works/index.html">.*?</tr>',
                    read(site, "customers/index.html"), re.S).group(0)
    assert '<span class="score band-ended">Ended</span>' in row


def test_brief_notes_keep_whole_paragraphs_up_to_a_limit():
    from playbook.site.views import brief_notes
    assert brief_notes(None, 100) == ("", False)
    assert brief_notes("One.\n\nTwo.", 100) == ("One.\n\nTwo.", False)
    assert brief_notes("One.\n\n" + "x" * 200, 100) == ("One.", True)
    assert brief_notes("word " * 50, 22) == ("word word word word…", True)


def test_home_caps_each_list_and_links_to_the_rest(tmp_path):
    """On a large playbook the home page stays a morning digest: each person's list shows the
    most important actions up to a cap and links to the rest; at-risk shows the most at stake first."""
    root = tmp_path / "pb"
    generate(root, customers=150, interactions=4, seed=11)
    report = build(root, tmp_path / "site", jobs=1, use_cache=False)
    assert report.ok, "\n".join(map(str, report.problems))
    html = (tmp_path / "site" / "index.html").read_text()
    due = html[html.index('id="due-h"'):html.index('id="renewals-h"')]
    groups = due.split('class="card owner-group"')[1:]
    assert groups
    capped = 0
    for g in groups:
        total = int(re.search(r'<span class="count">(\d+)</span>', g).group(1))
        assert g.count("<li") == min(total, HOME_GROUP_MAX)  # one row per action shown
        more = re.search(r'<a href="(owners/[\w-]+\.html)">(\d+) more on [^<]+’s list →</a>', g)
        if total > HOME_GROUP_MAX:
            capped += 1
            assert more, "a capped list links to the person's whole list"
            assert int(more.group(2)) == total - HOME_GROUP_MAX
            assert (tmp_path / "site" / more.group(1)).is_file()
        else:
            assert not more
    assert capped, "the fixture should give someone more than HOME_GROUP_MAX actions"

    risk = html[html.index('id="risk-h"'):html.index('id="due-h"')]
    at_risk = len(re.findall(r'<h3><a href="../customers/', (tmp_path / "site" / "stages" / "at-risk.html").read_text()))
    assert at_risk > HOME_RISK_MAX, "the fixture should have more customers at risk than the home page shows"
    assert risk.count('class="card risk-card"') == HOME_RISK_MAX
    # The largest yearly value first, then the least healthy (a ninth blind read: by health
    # alone, accounts bottomed out at 0 read alphabetically, a bakery above a £142,000 account).
    cards = risk.split('class="card risk-card"')[1:]
    order = [(-int(v.group(1).replace(",", "")) if (v := re.search(r'class="value">\D*([\d,]+) a year<', c)) else 0,
              int(re.search(r'title="Health">(\d+)', c).group(1))) for c in cards]
    assert len(order) == HOME_RISK_MAX and order == sorted(order), "largest first, then least healthy"
    assert len({v for v, _ in order}) > 1, "the fixture should give the cards several values"
    assert "Largest yearly value first, then the least healthy." in risk
    assert f'<a href="stages/at-risk.html">{at_risk - HOME_RISK_MAX} more at risk →</a>' in risk


# -- lists ---------------------------------------------------------------------------------

def test_stage_pages_list_their_customers(site: Path):
    names = re.findall(r'<h3><a href="../customers/[\w-]+/index.html">([^<]+)</a></h3>', read(site, "stages/at-risk.html"))
    assert [unescape(n) for n in names] == ["Calder & Wren LLP", "Northgate Logistics"]
    for s in ("establishing", "growing", "steady", "dormant", "ended"):
        assert (site / f"stages/{s}.html").is_file()
    assert "Marlow Print Works" in read(site, "stages/ended.html")
    # Steady is not "no sign of growth": St Aldhelm's read so beside £140,000 of new business
    # being worked on (a nineteenth blind read).
    steady = read(site, "stages/steady.html")
    assert "Not at risk, and not clearly growing of late" in steady and "no sign of growth" not in steady


def test_owner_page_lists_only_that_owners_book(site: Path):
    html = read(site, "owners/lena.html")
    names = {unescape(n) for n in re.findall(r'<h3><a href="../customers/[\w-]+/index.html">([^<]+)</a></h3>', html)}
    assert names == {"Ashby Fold District Council", "Calder & Wren LLP", "Fernhill Dental Group",
                     "Pemberton's Garden Centre", "Saltmarsh Brewing Co."}
    assert "Lena Hartmann’s book" in html and 'href="../calendar/lena.ics"' in html
    todo = section(html, "todo-h")
    assert 'for <a href="../owners/lena.html">' not in todo  # the owner's own actions: no owner repeated
    assert 'for <a href="../owners/tomas.html">Tomás Reilly</a>' in todo  # a shared customer's action, Tomás's to do


def test_mine_means_one_thing_on_the_owner_page_the_actions_filter_and_the_cli(site: Path, example_root: Path):
    """An owner's list: actions on customers they own or co-own, plus those assigned to them
    (engine.team_actions, `playbook actions --owner`, calendar/<handle>.ics)."""
    from playbook.engine import analyse_all, team_actions
    from playbook.load import load
    loaded = load(example_root)
    rels = analyse_all(loaded.playbook, loaded.config, loaded.config.as_of)
    actions = read(site, "actions.html")
    owners = re.findall(r'<li class="action [^"]*" data-owners="([^"]*)"', actions)
    for handle in ("maya", "tomas", "priya", "jonas", "lena"):
        want = team_actions(rels, owner=handle)
        page = read(site, f"owners/{handle}.html")
        assert len(re.findall(r'<li class="action ', page)) == len(want), handle
        assert f"and {len(want)} actions." in text_of(page)
        assert sum(handle in o.split() for o in owners) == len(want), handle
    assert len(team_actions(rels, owner="maya")) > 7  # more than the actions assigned to her


def test_a_colleague_a_promise_names_has_it_on_every_list_of_theirs(site: Path, example_root: Path):
    """Northgate's "Book an exec call between Maya and Simon", written by Tomás, was on his
    list only: Maya, who is to take the call, saw it nowhere. It is on her page, her calendar,
    the actions filter, her digest and `playbook actions --owner maya`, and says whom it is for."""
    from helpers import run_cli
    title = "Book an exec call between Maya and Simon"
    page = read(site, "owners/maya.html")
    item = next(li for li in page.split("<li ") if title in li)
    assert 'data-owners="maya tomas"' in item
    # Whose it is first (Tomás books the call), then who else it names: "for Tomás Reilly, Maya
    # Okafor" did not say which, and "…, with Maya Okafor" read like the customer's contact.
    assert ('for <a href="../owners/tomas.html">Tomás Reilly</a> (and <a href="../owners/maya.html">Maya Okafor</a>)'
            in item)
    assert "for Tomás Reilly (and Maya Okafor)" in text_of(next(li for li in read(site, "index.html").split("<li ")
                                                     if title in li and "arow-meta" in li))
    on_tomas = next(li for li in read(site, "owners/tomas.html").split("<li ") if title in li)
    assert "also for" in text_of(on_tomas) and "Maya Okafor" in on_tomas  # his, and whom else it is for
    assert sum(title in li and "maya" in re.search(r'data-owners="([^"]*)"', li)[1].split()
               for li in read(site, "actions.html").split("<li ") if 'data-owners="' in li) == 1
    unfolded = {h: (site / f"calendar/{h}.ics").read_bytes().decode().replace("\r\n ", "") for h in ("maya", "lena")}
    assert title in unfolded["maya"] and title not in unfolded["lena"]
    (entry,) = [a for c in json.loads(read(site, "playbook.json"))["customers"] for a in c["next_actions"]
                if a["title"] == title]
    assert (entry["owner"], entry["also_for"]) == ("tomas", ["maya"])
    code, out, _ = run_cli(["actions", str(example_root), "--owner", "maya", "--json"])
    assert code == 0 and title in [a["title"] for a in json.loads(out)["actions"]]
    code, out, _ = run_cli(["digest", str(example_root), "--owner", "maya", "--as-of", "2026-11-27"])
    assert code == 0 and f"Northgate Logistics**: {title} (today)" in out


def test_tag_pages_and_actions_page(site: Path):
    tag = read(site, "tags/public-sector.html")
    assert "3 customers tagged “public-sector”" in tag
    actions = read(site, "actions.html")
    items = re.findall(r'<li class="action prio-(\w+)[^"]*" data-owners="([^"]*)" data-kind="([\w-]+)" data-due="([\w ]+)">',
                       actions)
    doc = json.loads(read(site, "playbook.json"))
    assert len(items) == sum(len(c["next_actions"]) for c in doc["customers"]) > 30
    assert {k for _, _, k, _ in items} >= {"follow-up", "repair", "renewal", "answer", "play"}
    assert '<form id="action-filters" class="filters" action="actions.html" method="get" hidden>' in actions
    for name in ("owner", "kind", "due"):
        assert f'<select id="f-{name}" name="{name}">' in actions
    assert 'src="assets/site.js"' in actions and "URLSearchParams" in read(site, "assets/site.js")


def test_search_page_shell_and_header_search_everywhere(site: Path):
    html = read(site, "search.html")
    for needle in ('<div id="search"', '<input type="search" id="search-input" name="q"', '<ol id="search-results">',
                   'src="search-index.js"', 'src="assets/search.js"'):
        assert needle in html
    for page in site.rglob("*.html"):
        assert 'name="q"' in page.read_text("utf-8"), page


def test_nothing_is_fetched_from_elsewhere(site: Path):
    for page in site.rglob("*.html"):
        for tag, a in parse(page).attrs:
            for attr in ("src", "srcset", "poster", "data"):
                assert not str(a.get(attr, "")).startswith(LEAVING + ("//",)), (page, tag, a)
            if tag == "link":
                assert not str(a.get("href", "")).startswith(LEAVING + ("//",)), (page, a)
    css = read(site, "assets/style.css")
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


# -- safety --------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"


def hostile_playbook(root: Path) -> Path:
    return write_playbook(root, {
        "playbook.yaml": "as_of: 2026-11-20\nteam:\n  - handle: maya\n    name: \"Maya <i>&\"\n",
        "content/customers/evil/customer.yaml": (
            'name: "Evil <b>& Co"\nowner: maya\nsince: 2025-01-10\ntags: ["<script>x</script>", "C++ & <Go>"]\n'
            "renewal: 2026-12-01\n"
            'notes: "' + HOSTILE.replace('"', '\\"') + '"\n'
            "contacts:\n"
            '  - name: "Ann <img src=x onerror=alert(1)>"\n'
            '    role: "<script>alert(1)</script>"\n'
            '    email: "a@example.com\\" onmouseover=\\"alert(1)"\n'
            '    phone: "javascript:alert(1)"\n'
            "    birthday: 1980-11-25\n"
            '    notes: "' + HOSTILE.replace('"', '\\"') + '"\n'
            "asks:\n"
            '  - what: "<script>alert(1)</script>"\n'
            "    since: 2026-11-01\n"
        ),
        "content/customers/evil/interactions/2026-11-10-call.md": (
            "---\ntype: call\nwith: Ann <img src=x onerror=alert(1)>\nby: maya\nsentiment: negative\n"
            'summary: "<script>alert(1)</script>"\n---\n'
            + HOSTILE + "\n\n<a href=\"javascript:alert(1)\">raw</a>\n\n"
            "- [ ] <script>alert(1)</script> (due 2026-11-12)\n"
            "[y](vbscript:msgbox) [z](data:text/html;base64,PHNjcmlwdD4=)\n"
        ),
    })


def test_user_text_is_escaped_everywhere(tmp_path: Path):
    root = hostile_playbook(tmp_path / "evil")
    out = tmp_path / "site"
    report = build(root, out, use_cache=False)
    assert report.problems == [], report.problems
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text("utf-8")
        for raw in ("<script>alert", "<script>x", "<img src=x", "<b>&", "<i>&", "<a href=\"javascript", "<Go>",
                    "onerror=alert(1)>", '" onmouseover="'):
            assert raw not in html, f"{page.relative_to(out)} holds unescaped {raw!r}"
        info = parse(page)
        scripts = [a for t, a in info.attrs if t == "script"]
        assert all(a.get("src") for a in scripts), f"{page}: an inline script"
        for tag, a in info.attrs:
            assert not any(k.startswith("on") for k in a), (page, tag, a)
            for attr in ("href", "src", "action"):
                v = str(a.get(attr) or "").strip().lower()
                assert not v.startswith(("javascript:", "vbscript:", "data:")), (page, tag, a)
    customer = (out / "customers/evil/index.html").read_text("utf-8")
    assert "Evil &lt;b&gt;&amp; Co" in customer
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in customer  # shown as text, not dropped silently
    tels = re.findall(r'href="tel:([^"]*)"', customer)
    assert tels and all(re.fullmatch(r"\+?\d+", t) for t in tels), tels  # a tel: link dials digits only
    assert ">javascript:alert(1)</a>" in customer  # the phone as written, shown as text
    assert (out / "tags/c-go.html").is_file() and (out / "tags/script-x-script.html").is_file()
    # the other outputs that are markup or script keep the text inert too
    for rel in ("feed.atom", "search-index.js"):
        data = (out / rel).read_text("utf-8")
        assert "<script>alert" not in data and "<img src=x" not in data, rel


def test_edit_links_when_the_repo_url_is_set(tmp_path: Path, make_playbook):
    root = make_playbook({"playbook.yaml": "as_of: 2026-11-20\nrepo_url: https://github.com/acme/book/\nbranch: trunk\n"
                                          "robots: index\n"})
    out = tmp_path / "site"
    assert build(root, out).ok
    html = (out / "customers/acme/index.html").read_text("utf-8")
    assert 'href="https://github.com/acme/book/edit/trunk/content/customers/acme/customer.yaml#L1"' in html
    assert '<meta name="robots"' not in html


# -- determinism ---------------------------------------------------------------------------

def test_a_build_in_another_process_is_byte_identical(tmp_path: Path, site: Path, example_root: Path):
    """Through the CLI, in a fresh interpreter with another hash seed: an output that
    depended on set or dict order, or on the process, would differ here."""
    again = tmp_path / "again"
    run = subprocess.run([sys.executable, "-m", "playbook", "build", str(example_root), "--out", str(again),
                          "--no-cache", "--quiet"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"}, timeout=300)
    assert (run.returncode, run.stderr) == (0, "")
    first, second = tree(site), tree(again)
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


def test_hostile_builds_are_byte_identical_too(tmp_path: Path):
    root = hostile_playbook(tmp_path / "evil")
    assert build(root, tmp_path / "a").ok and build(root, tmp_path / "b").ok
    assert tree(tmp_path / "a") == tree(tmp_path / "b")




@pytest.mark.parametrize("as_of, shown", [(date(2026, 12, 3), False), (date(2026, 12, 4), True)])
def test_the_home_page_says_when_nobody_has_logged_anything_for_weeks(example_root: Path, example_site: Path,
                                                                       tmp_path: Path, as_of: date, shown: bool):
    """The example's notes stop on 19 Nov: by June, 13 of 15 accounts read dormant, and nothing
    on the site said the silence might be the team's (an account manager's objection)."""
    assert "Nothing has been logged" not in (example_site / "index.html").read_text("utf-8")
    out = tmp_path / "site"
    assert build(example_root, out, as_of=as_of, use_cache=False).ok
    home = text_of((out / "index.html").read_text("utf-8"))
    notice = "Nothing has been logged in this playbook since 19 Nov 2026 (15 days)."
    assert (notice in home) is shown, home[:600]


def test_renewals_gone_by_with_nothing_recorded_are_counted_and_listed_first(tmp_path):
    """A seventeenth blind read, on 20 May: "£146,500 a year renews in the next 180 days", and
    nothing of eight renewals gone by unrecorded, worth £554,500 (whether they renewed is open)."""
    out = tmp_path / "site"
    assert build(REPO, out, date(2027, 5, 20), use_cache=False).ok
    home = text_of((out / "index.html").read_text())
    assert ("£146,500 a year renews in the next 180 days. 8 renewals went by with nothing recorded of how they went "
            "(£554,500 a year): check whether they renewed →") in home
    page = (out / "renewals.html").read_text()
    assert "Before them, 8 that went by with nothing recorded of how they went (£554,500 a year)" in text_of(page)
    start = page.index('<ul class="renewals">')
    listed = re.findall(r'<time datetime="([\d-]+)">', page[start:page.index("</ul>", start)])
    assert listed == sorted(listed) and len(listed) == 13 and listed[0] == "2026-12-14"  # Saltmarsh's, first
    assert "157 days ago, nothing recorded" in page
    # None gone by yet: no line, and no page while the card shows every renewal.
    before = tmp_path / "before"
    assert build(REPO, before, date(2026, 11, 20), use_cache=False).ok
    assert "nothing recorded" not in (before / "index.html").read_text()
    assert not (before / "renewals.html").exists()


def test_asking_how_one_of_their_days_went_is_labelled_by_that_day_not_personal(tmp_path):
    """Kestrel (a seventeenth blind read): "Ask Joe Whitcombe how it went: Office move to Temple
    Quay", after our own fixed-price project, read "Personal" on the team's list."""
    out = tmp_path / "site"
    assert build(REPO, out, date(2027, 1, 20), use_cache=False).ok
    for rel in ("customers/kestrel-pay/index.html", "actions.html", "owners/jonas.html"):
        page = (out / rel).read_text()
        labels = re.findall(r'<span class="kind">([^<]+)</span>(?:(?!<span class="kind">).)*?Ask Joe Whitcombe how it '
                            r'went', page, re.S)
        assert labels == ["Their day"], (rel, labels)
