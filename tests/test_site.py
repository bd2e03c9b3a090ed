"""The HTML site: what each page says, that user text can never run, that builds repeat
byte for byte, and that a team's templates/ overrides the defaults file by file."""

from __future__ import annotations

import re
import tomllib
from html import unescape
from pathlib import Path

import pytest

from helpers import write_playbook
from playbook.build import build
from playbook.site.render import default_templates
from sitecheck import LEAVING, parse

REPO = Path(__file__).resolve().parents[1]


def tree(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def text_of(html: str) -> str:
    """Visible text, tags dropped and entities decoded, whitespace squeezed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    report = build(REPO, out)
    assert report.ok, report.problems
    return out


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text("utf-8")


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by `heading_id`."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    depth, i = 1, html.index(">", start)
    for m in re.finditer(r"<(/?)section\b", html[i:]):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return html[i:i + m.start()]
    raise AssertionError(f"section {heading_id} is not closed")


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
        prios = re.findall(r'<li class="arow prio-(\w+)', main)
        rank = {"high": 0, "medium": 1}
        assert [rank[p] for p in prios] == sorted(rank[p] for p in prios)  # high first, then medium
        assert set(re.findall(r'<li class="arow prio-(\w+)', later)) <= {"low"}
    assert '<summary>When you have time' in due  # e.g. Lena's dormant Pemberton's
    assert "Low priority" in due  # the key to the marks
    # every mark says its priority in words, not by colour alone
    assert due.count('<li class="arow ') == len(re.findall(r'<span class="sr-only">(High|Medium|Low) priority</span>', due)) > 0
    stats = text_of(re.search(r'<ul class="stats">.*?</ul>', html, re.S).group(0))
    assert "11 actions overdue" in stats and "19 more due within 7 days" in stats  # 30 in all, none twice


def test_home_puts_at_risk_before_the_long_lists(site: Path):
    html = read(site, "index.html")
    assert html.index('id="risk-h"') < html.index('id="due-h"') < html.index('id="dates-h"')


def test_home_shows_customers_at_risk_and_why(site: Path):
    risk = text_of(section(read(site, "index.html"), "risk-h"))
    for name in ("Calder & Wren LLP", "Northgate Logistics", "St Aldhelm's Community Hospital"):
        assert name in risk
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
    assert "<desc id=\"mix-desc\">15 customers: 2 establishing, 2 growing, 5 steady, 3 at risk, 2 dormant, 1 ended.</desc>" in mix
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
    assert journey.count("<rect ") == 12 and "<desc id=\"journey-desc\">Stage at each month end" in journey


def test_customer_page_health_actions_people_and_promises(site: Path):
    html = read(site, "customers/northgate-logistics/index.html")
    health = text_of(section(html, "health-h"))
    assert "Recency" in health and "+20" in health and "−9" in health and "Average sentiment -1.2" in health
    actions = text_of(section(html, "next-h"))
    assert "Repair: talk to Craig Dunmore, Simon Hurst and 2 others about the meeting of 6 Nov 2026" in actions
    assert "It went very negative 14 days ago" in actions  # the why
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


def test_customer_timeline_newest_first_with_rendered_notes_and_rhythm(site: Path):
    html = read(site, "customers/northgate-logistics/index.html")
    tl = section(html, "tl-h")
    days = re.findall(r'<article class="entry" id="i-(\d{4}-\d\d-\d\d)', tl)
    assert len(days) == 19 and days == sorted(days, reverse=True)
    assert '<input class="task-list-item-checkbox" type="checkbox" disabled="" />' in tl  # Markdown rendered
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
    assert '<form class="site-search" role="search" action="../../search.html" method="get">' in html
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
    assert "We promised: Send root-cause report" in text and "They asked: Service credit" in text
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


# -- lists ---------------------------------------------------------------------------------

def test_stage_pages_list_their_customers(site: Path):
    names = re.findall(r'<h3><a href="../customers/[\w-]+/index.html">([^<]+)</a></h3>', read(site, "stages/at-risk.html"))
    assert [unescape(n) for n in names] == ["Calder & Wren LLP", "Northgate Logistics", "St Aldhelm's Community Hospital"]
    for s in ("establishing", "growing", "steady", "dormant", "ended"):
        assert (site / f"stages/{s}.html").is_file()
    assert "Marlow Print Works" in read(site, "stages/ended.html")


def test_owner_page_lists_only_that_owners_book(site: Path):
    html = read(site, "owners/lena.html")
    names = {unescape(n) for n in re.findall(r'<h3><a href="../customers/[\w-]+/index.html">([^<]+)</a></h3>', html)}
    assert names == {"Ashby Fold District Council", "Calder & Wren LLP", "Fernhill Dental Group",
                     "Pemberton's Garden Centre", "Saltmarsh Brewing Co."}
    assert "Lena Hartmann’s book" in html and 'href="../calendar/lena.ics"' in html
    todo = section(html, "todo-h")
    assert 'for <a href="../owners/lena.html">' not in todo  # the owner's own actions: no owner repeated
    assert 'for <a href="../owners/tomas.html">Tomás Reilly</a>' in todo  # a shared customer's action, Tomás's to do


def test_mine_means_one_thing_on_the_owner_page_the_actions_filter_and_the_cli(site: Path):
    """An owner's list: actions on customers they own or co-own, plus those assigned to them
    (engine.team_actions, `playbook actions --owner`, calendar/<handle>.ics)."""
    from playbook.engine import analyse_all, team_actions
    from playbook.load import load
    loaded = load(REPO)
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


def test_tag_pages_and_actions_page(site: Path):
    tag = read(site, "tags/public-sector.html")
    assert "3 customers tagged “public-sector”" in tag
    actions = read(site, "actions.html")
    items = re.findall(r'<li class="action prio-(\w+)[^"]*" data-owners="([^"]*)" data-kind="([\w-]+)" data-due="([\w ]+)">',
                       actions)
    import json
    doc = json.loads(read(site, "playbook.json"))
    assert len(items) == sum(len(c["next_actions"]) for c in doc["customers"]) > 40
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
    report = build(root, out)
    assert report.ok, report.problems
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
                if tag == "link" and a.get("rel") == "icon" and a.get(attr) == "data:,":
                    continue  # the empty icon of base.html (no request for /favicon.ico)
                v = str(a.get(attr) or "").strip().lower()
                assert not v.startswith(("javascript:", "vbscript:", "data:")), (page, tag, a)
    customer = (out / "customers/evil/index.html").read_text("utf-8")
    assert "Evil &lt;b&gt;&amp; Co" in customer
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in customer  # shown as text, not dropped silently
    assert 'href="tel:' not in customer or 'href="tel:javascript' not in customer
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

def test_two_builds_are_byte_identical(tmp_path: Path, site: Path):
    again = tmp_path / "again"
    assert build(REPO, again).ok
    first, second = tree(site), tree(again)
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


def test_hostile_builds_are_byte_identical_too(tmp_path: Path):
    root = hostile_playbook(tmp_path / "evil")
    assert build(root, tmp_path / "a").ok and build(root, tmp_path / "b").ok
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


# -- templates: the team's over the defaults -----------------------------------------------

def test_a_playbook_without_templates_uses_the_defaults(tmp_path: Path, make_playbook):
    root = make_playbook({})
    assert not (root / "templates").exists()
    out = tmp_path / "site"
    assert build(root, out).ok
    assert (out / "customers/acme/index.html").read_text("utf-8").count("<h1>Acme Bakery</h1>") == 1
    assert (out / "assets/style.css").read_bytes() == (default_templates() / "assets/style.css").read_bytes()


def test_a_team_overrides_single_templates_partials_and_assets(tmp_path: Path, make_playbook):
    root = make_playbook({
        "templates/customer.html": (
            '{% extends "base.html" %}\n{% block main %}<h1>Team page for {{ c.name }}</h1>\n'
            "<p>{{ stage.label }}: {% for r in stage.reasons %}{{ r.text }}{% endfor %}</p>{% endblock %}\n"),
        "templates/partials/customer_head.html": "<h1>{{ title_prefix }}{{ c.name }}, our way</h1>\n",
        "templates/assets/style.css": "body { color: rebeccapurple; }\n",
        "templates/assets/team.js": "// the team's own\n",
    })
    out = tmp_path / "site"
    assert build(root, out).ok
    assert "<h1>Team page for Acme Bakery</h1>" in (out / "customers/acme/index.html").read_text("utf-8")
    brief = (out / "customers/acme/brief.html").read_text("utf-8")  # default brief, team's partial
    assert "<h1>Brief: Acme Bakery, our way</h1>" in brief and 'id="b-who"' in brief
    assert (out / "assets/style.css").read_text() == "body { color: rebeccapurple; }\n"
    assert (out / "assets/team.js").is_file() and (out / "assets/site.js").is_file()
    assert "Today" in (out / "index.html").read_text("utf-8")  # everything else is still the default


def test_templates_get_no_undefined_values(tmp_path: Path, make_playbook):
    root = make_playbook({"templates/tags.html": "{{ no_such_thing }}\n"})
    report = build(root, tmp_path / "site")
    assert not report.ok
    (p,) = [p for p in report.problems if p.severity == "error"]
    assert p.path == "templates/tags.html" and p.line == 1 and "no_such_thing" in p.message
    assert not (tmp_path / "site").exists()  # a failed render leaves no half-written site


# -- packaging -----------------------------------------------------------------------------

def test_pyproject_ships_every_package_and_the_default_templates():
    cfg = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    src = REPO / "src"
    found = sorted(".".join(p.parent.relative_to(src).parts) for p in src.glob("playbook/**/__init__.py"))
    assert sorted(set(cfg["packages"]) - {"playbook.default_templates"}) == found
    assert cfg["package-dir"]["playbook.default_templates"] == "templates"
    assert (REPO / "templates/base.html").is_file()
    patterns = cfg["package-data"]["playbook.default_templates"]
    shipped = {p.relative_to(REPO / "templates") for pat in patterns for p in (REPO / "templates").glob(pat)}
    wanted = {p.relative_to(REPO / "templates") for p in (REPO / "templates").rglob("*") if p.is_file()}
    assert wanted <= shipped, wanted - shipped


# -- in a browser: the filter, paper and the phone ------------------------------------------

CHROMIUM = "/usr/bin/chromium"


class Chromium:
    """Runs a check in headless Chromium on a thread of its own: Playwright's sync API allows one
    instance per thread, and other test modules may hold one open for the whole session."""

    def run(self, check, **page_args) -> None:
        import threading
        from playwright.sync_api import sync_playwright
        failure: list[BaseException] = []

        def go():
            try:
                with sync_playwright() as p:
                    b = p.chromium.launch(executable_path=CHROMIUM, args=[
                        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run"])
                    try:
                        check(b.new_page(**page_args))
                    finally:
                        b.close()
            except BaseException as exc:  # handed back to the test's thread
                failure.append(exc)

        t = threading.Thread(target=go)
        t.start()
        t.join(300)
        if failure:
            raise failure[0]


@pytest.fixture(scope="module")
def chromium() -> Chromium:
    import os
    try:
        import playwright.sync_api  # noqa: F401
        reason = "" if Path(CHROMIUM).exists() else f"no Chromium at {CHROMIUM}"
    except ImportError:
        reason = "playwright is not installed"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return Chromium()


@pytest.mark.browser
def test_actions_filter_by_select_and_by_url(chromium, site: Path):
    chromium.run(lambda page: _filter_check(page, site))


def _filter_check(page, site: Path) -> None:
    page.goto((site / "actions.html").as_uri())
    total = page.locator("li.action").count()
    assert page.locator("#action-filters").is_visible()
    page.select_option("#f-owner", "lena")
    shown = page.locator("li.action:visible")
    assert 0 < shown.count() < total
    lists = shown.evaluate_all("els => els.map(e => e.dataset.owners)")
    assert all("lena" in o.split() for o in lists)  # hers, or on a customer she owns
    assert len(lists) == len(re.findall(r'<li class="action ', (site / "owners/lena.html").read_text("utf-8")))
    assert any(o != "lena" for o in lists)  # shared customers' actions are on her list too
    assert "?owner=lena" in page.url
    page.goto((site / "actions.html").as_uri() + "?kind=repair&due=week")
    assert page.locator("#f-kind").input_value() == "repair"
    kinds = page.locator("li.action:visible").evaluate_all("els => els.map(e => e.dataset.kind + ' ' + e.dataset.due)")
    assert kinds and all(k.startswith("repair ") and " week" in f" {k.split(' ', 1)[1]}" for k in kinds)
    page.click("button[type=reset]")
    page.wait_for_function(f"document.querySelectorAll('li.action:not([hidden])').length === {total}")


@pytest.mark.browser
def test_every_brief_prints_on_one_a4_page(chromium, site: Path):
    def check(page):
        for brief in sorted(site.glob("customers/*/brief.html")):
            page.goto(brief.as_uri())
            pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
            pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
            assert pages == 1, f"{brief.parent.name}: the brief prints on {pages} pages"
    chromium.run(check)


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_pages_fit_phone_and_desktop_widths(chromium, site: Path, width: int):
    chromium.run(lambda page: _fit_check(page, site, width), viewport={"width": width, "height": 900})


def _fit_check(page, site: Path, width: int) -> None:
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
