"""The non-HTML outputs: calendars (RFC 5545), the Atom feed, the search index, playbook.json.

Their exact bytes for the example playbook are golden files, compared in test_golden.py.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from msgspec.structs import replace

from helpers import write_playbook
from playbook.build import build
from playbook.engine import analyse_all
from playbook.load import load
from playbook.outputs import ics
from playbook.outputs.ics import MAX_OCTETS, escape_text, fold
from playbook.outputs.search import NOTE_CAP, plain
from sitecheck import search_index

AS_OF = date(2026, 11, 20)
ATOM = "{http://www.w3.org/2005/Atom}"


def analysed(root: Path, as_of: date = AS_OF):
    """What the outputs should say: the playbook loaded and analysed (the files under test
    are always read from a built site)."""
    loaded = load(root)
    assert not loaded.errors, "\n".join(map(str, loaded.errors))
    return analyse_all(loaded.playbook, loaded.config, as_of), loaded.config


@pytest.fixture(scope="module")
def example(example_root):
    return analysed(example_root)


def calendar_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "calendar").glob("*.ics"))}


# -- iCalendar ---------------------------------------------------------------------------------

def physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert b"\n" not in line and b"\r" not in line, f"bare CR or LF in {line!r}"
    return lines


def unfold(data: bytes) -> list[str]:
    """Content lines, continuation lines joined (RFC 5545 §3.1)."""
    out: list[str] = []
    for raw in physical_lines(data):
        if raw.startswith(b" "):
            out[-1] += raw[1:].decode("utf-8")
        else:
            out.append(raw.decode("utf-8"))
    return out


def events(data: bytes) -> list[dict[str, str]]:
    found, current = [], None
    for line in unfold(data):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return found


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def check_rfc5545(data: bytes) -> None:
    stack: list[str] = []
    for raw in physical_lines(data):
        assert len(raw) <= MAX_OCTETS, f"{len(raw)} octets: {raw!r}"
        raw.decode("utf-8")  # each physical line is whole UTF-8: no character split by folding
    lines = unfold(data)
    for line in lines:
        if line.startswith("BEGIN:"):
            stack.append(line[6:])
        elif line.startswith("END:"):
            assert stack and stack.pop() == line[4:], f"unbalanced {line}"
    assert not stack, f"unclosed {stack}"
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    for prop in ("PRODID:", "VERSION:2.0", "CALSCALE:GREGORIAN", "X-WR-CALNAME:"):
        assert any(line.startswith(prop) for line in lines[:8]), prop
    uids = []
    for ev in events(data):
        for prop in ("UID", "DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY"):
            assert prop in ev, f"{prop} missing in {ev}"
        assert ev["UID"].endswith("@playbook")
        start = date(int(ev["DTSTART;VALUE=DATE"][:4]), int(ev["DTSTART;VALUE=DATE"][4:6]), int(ev["DTSTART;VALUE=DATE"][6:]))
        end = date(int(ev["DTEND;VALUE=DATE"][:4]), int(ev["DTEND;VALUE=DATE"][4:6]), int(ev["DTEND;VALUE=DATE"][6:]))
        assert (end - start).days == 1
        uids.append(ev["UID"])
        for prop in ("SUMMARY", "DESCRIPTION"):
            # every , ; and \ in a TEXT value is escaped
            assert not re.search(r"(?<!\\)(?:\\\\)*[,;]", ev.get(prop, "")), ev[prop]
    assert len(uids) == len(set(uids)), "UIDs repeat"


def test_every_example_calendar_follows_rfc_5545(example_site):
    files = calendar_files(example_site)
    assert set(files) == {"calendar/team.ics", "calendar/maya.ics", "calendar/tomas.ics", "calendar/priya.ics",
                          "calendar/jonas.ics", "calendar/lena.ics"}
    for data in files.values():
        check_rfc5545(data)
        assert b"DTSTAMP:20261120T000000Z\r\n" in data  # as_of, never the clock


def test_team_calendar_has_every_action_and_key_date_of_its_window(example, example_site):
    rels, _ = example
    data = (example_site / "calendar/team.ics").read_bytes()
    evs = events(data)
    as_of, start, end = date(2026, 11, 20), date(2026, 10, 20), date(2027, 11, 20)  # key dates a month back
    assert len(evs) == sum(1 for r in rels for a in r.actions if a.due <= end) + \
        sum(1 for r in rels for k in r.key_dates if start <= k.date <= end)
    unfolded = data.replace(b"\r\n ", b"")
    assert (b"X-WR-CALDESC:Actions due up to 20 Nov 2027 (each one overdue is shown on 20 Nov 2026 with its "
            b"lateness)\\, and key dates\\, as of 20 Nov 2026.") in unfolded
    # Every action overdue is on the calendar's own day, saying since when: on its own day it sat
    # where nobody looks, and one over a month late was left out (a twenty-eighth blind read);
    # a low one too (kept on its own day for a month, Northgate's exec call left every calendar).
    late = [(r, a) for r in rels for a in r.actions if a.due < as_of]
    assert any(a.due < start and a.priority == "high" for _, a in late)
    # Low, and months late, too.
    entries = [ics.entry(r) for r in rels]
    e0 = next(e for e in entries if any(a.due < as_of for a in e.actions))
    a0 = next(a for a in e0.actions if a.due < as_of)
    # Asking how one of their days went is filed with their days, not as a personal touch.
    after = replace(a0, kind="personal", occasion=a0.source, title="Ask Ann how it went: the move", due=as_of)
    (ev,) = [e for e in events(ics.calendar("Team", [replace(e0, actions=(after,))], as_of))
             if "how it went" in e["SUMMARY"]]
    assert ev["CATEGORIES"] == "event"
    low = replace(a0, priority="low", due=start - timedelta(days=60), title="A low promise")
    cal = events(ics.calendar("Team", [replace(e0, actions=(low,))], as_of))
    assert [(unescape(e["SUMMARY"]), e["DTSTART;VALUE=DATE"]) for e in cal if "A low promise" in e["SUMMARY"]] == [
        (f"{e0.name}: A low promise (91 days overdue)", "20261120")]
    by_uid = {e["UID"]: e for e in evs}
    for r, a in late:
        n = (as_of - a.due).days
        late_title = f"{r.customer.name}: {a.title} ({n} day{'s' if n != 1 else ''} overdue)"
        (ev,) = [e for e in evs if unescape(e["SUMMARY"]) == late_title]
        assert ev["DTSTART;VALUE=DATE"] == "20261120", ev
        assert unescape(ev["DESCRIPTION"]).startswith(f"Due {a.due.day} {a.due.strftime('%b %Y')}. ")
    assert len(by_uid) == len(evs)
    by_summary = {unescape(e["SUMMARY"]): e for e in evs}
    bday = by_summary["Rosalind's Family Bakery: Rosalind Baptiste's birthday"]
    assert bday["DTSTART;VALUE=DATE"] == "20270609" and bday["CATEGORIES"] == "birthday"
    assert "RRULE" not in bday  # one occurrence per build: see outputs/ics.py
    assert {e.get("PRIORITY") for e in evs if e["CATEGORIES"] not in ("birthday", "anniversary", "renewal", "event")} <= {"1", "5", "9"}


def test_a_calendar_too_large_keeps_the_most_important_events(example):
    rels, _ = example
    entries = [ics.entry(r) for r in rels]
    as_of = date(2026, 11, 20)
    full = ics.calendar("Team", entries, as_of)
    every = events(full)
    prio = {e["UID"]: e.get("PRIORITY") for e in every}
    for limit in (len(full) - 1, len(full) // 2, 6000):
        data = ics.calendar("Team", entries, as_of, max_bytes=limit)
        assert len(data) <= limit
        check_rfc5545(data)
        kept = events(data)
        assert 0 < len(kept) < len(every)
        text = "".join(unfold(data))
        assert f"The {len(kept)} most important of {len(every)} actions due up to 20 Nov 2027 (each one overdue is " \
               "shown on 20 Nov 2026 with its lateness) and key dates" in text.replace("\\,", ",")
        # in the file's order, with the same UIDs as in the full calendar
        uids = [e["UID"] for e in every]
        assert [uids.index(e["UID"]) for e in kept] == sorted(uids.index(e["UID"]) for e in kept)
        # no high-priority action is left out while anything less important is kept
        if any(p != "1" for p in (prio[e["UID"]] for e in kept)):
            assert {u for u, p in prio.items() if p == "1"} <= {e["UID"] for e in kept}


def test_owner_calendar_holds_their_customers_and_their_actions(example, example_site):
    rels, _ = example
    files = calendar_files(example_site)
    owned = {r.customer.name for r in rels if "maya" in r.customer.owners}
    mine = {f"{r.customer.name}: {a.title}" for r in rels for a in r.actions if "maya" in a.assignees}
    for ev in events(files["calendar/maya.ics"]):
        summary = unescape(ev["SUMMARY"])
        assert summary in mine or any(name in summary for name in owned), summary
    names = {unescape(e["SUMMARY"]) for e in events(files["calendar/maya.ics"])}
    assert "Rosalind's Family Bakery: Rosalind Baptiste's birthday" in names
    assert "Northgate Logistics: Book an exec call between Maya and Simon" in names  # Tomás's, naming her
    assert "X-WR-CALNAME:Harbour & Pine — Relationship Playbook — Maya Okafor\r\n".encode() in files["calendar/maya.ics"]


def test_uids_do_not_change_when_the_due_date_moves(example_root, example_site, tmp_path):
    assert build(example_root, tmp_path / "later", date(2026, 11, 21), use_cache=False).ok
    now = {e["UID"] for e in events((example_site / "calendar/team.ics").read_bytes())}
    later = {e["UID"] for e in events((tmp_path / "later/calendar/team.ics").read_bytes())}
    assert (tmp_path / "later/calendar/team.ics").read_bytes() != (example_site / "calendar/team.ics").read_bytes()
    assert len(now & later) > 0.8 * len(now)


@pytest.mark.parametrize("raw, escaped", [
    ("plain", "plain"),
    ("a,b;c\\d", "a\\,b\\;c\\\\d"),
    ("two\nlines\r\nand\rmore", "two\\nlines\\nand\\nmore"),
    ("tab\tok, bell\x07 gone", "tab\tok\\, bell gone"),
    ("\\,", "\\\\\\,"),
])
def test_text_escaping(raw, escaped):
    assert escape_text(raw) == escaped
    assert unescape(escaped) == raw.replace("\r\n", "\n").replace("\r", "\n").replace("\x07", "")


@pytest.mark.parametrize("line", [
    "A" * 75, "A" * 76, "A" * 200,
    "SUMMARY:" + "é" * 80,                       # two-octet characters
    "SUMMARY:" + "東" * 60,                      # three octets
    "SUMMARY:" + "x" * 66 + "🎂" * 10,           # four octets straddling the limit
    "SUMMARY:" + "a" * 73 + "é" + "b" * 100,     # a two-octet character right at octet 74-75
])
def test_folding_keeps_lines_short_and_characters_whole(line):
    folded = fold(line).encode("utf-8")
    physical = physical_lines(folded)
    for i, raw in enumerate(physical):
        assert len(raw) <= MAX_OCTETS
        raw.decode("utf-8")
        if i:
            assert raw.startswith(b" ")
    assert "".join([physical[0].decode()] + [p[1:].decode() for p in physical[1:]]) == line
    if len(line.encode()) > MAX_OCTETS:  # folds use the room they have
        assert all(len(raw) >= MAX_OCTETS - 3 for raw in physical[:-1])


def test_hostile_text_is_escaped_and_multibyte_names_fold(hostile_site):
    files = calendar_files(hostile_site)
    for data in files.values():
        check_rfc5545(data)
    team = files["calendar/team.ics"]
    summaries = [unescape(e["SUMMARY"]) for e in events(team)]
    name = "Evil <script>alert(1)</script> & Sons; Ltd, \\ Co"
    contact = "Zoë Ångström-Łukasiewicz 東京 <img src=x onerror=alert(1)>"
    assert f"{name}: {contact}'s birthday" in summaries
    assert f"{name}: Send the <script>quote</script>, please; now \\" in summaries
    assert f"{name} renewal" in summaries  # a key date naming the customer is not prefixed twice
    # the multi-byte birthday line is long enough to fold, and folds between characters
    raw = [line for line in physical_lines(team) if "ngstr".encode() in line]
    assert raw, "the contact's name should appear"
    assert 'X-WR-CALNAME:Hostile <b>&</b> "Co" — team\r\n'.encode() in team
    assert "calendar/maya.ics" in files


# -- Atom --------------------------------------------------------------------------------------

def test_feed_is_well_formed_with_the_50_most_recent_entries(example, example_site):
    rels, _ = example
    data = (example_site / "feed.atom").read_bytes()
    root = ET.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}base") is None  # links resolve against the feed's address
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 50
    dates = [e.findtext(f"{ATOM}updated") for e in entries]
    assert dates == sorted(dates, reverse=True)
    every = sorted((i.date for r in rels for i in r.customer.interactions if i.date <= AS_OF), reverse=True)
    assert dates[0] == f"{every[0].isoformat()}T00:00:00Z" and dates[-1] == f"{every[49].isoformat()}T00:00:00Z"
    assert root.findtext(f"{ATOM}updated") == dates[0]
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == 50 and all(i.startswith("tag:playbook,") for i in ids)
    first = entries[0]
    assert first.find(f"{ATOM}content").get("type") == "html"
    href = first.find(f"{ATOM}link").get("href")
    assert re.fullmatch(r"customers/[a-z0-9-]+/index\.html#i-[a-z0-9-]+", href), href
    assert first.findtext(f"{ATOM}title").split(": ", 1)[0] in {r.customer.name for r in rels}


def test_feed_escapes_hostile_text(hostile_site):
    data = (hostile_site / "feed.atom").read_bytes()
    root = ET.fromstring(data)  # well-formed despite <, &, ]]> and control characters
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1  # the future interaction is left out
    assert root.findtext(f"{ATOM}title") == 'Hostile <b>&</b> "Co": recent interactions'
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == (
        "Evil <script>alert(1)</script> & Sons; Ltd, \\ Co: Summary with <b>bold</b>, semi; colon\\ and ]]> end")
    html = entry.findtext(f"{ATOM}content")
    # the content is HTML made by the safe renderer: the notes' markup is only text in it
    tags = html_tags(html)
    assert not [t for t in tags if t[0] in ("script", "img", "iframe", "object")], tags
    assert not [t for t in tags for name, value in t[1] if name.startswith("on")
                or (name == "href" and (value or "").strip().lower().startswith("javascript:"))], tags
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert b"<script>" not in data and b"Future secret" not in data
    assert b"\x01" not in data and b"\x1b" not in data  # not even escaped: XML 1.0 has no place for them


def html_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


# -- search index ------------------------------------------------------------------------------

def test_search_index_holds_customers_contacts_and_interactions(example, example_site):
    rels, _ = example
    data = (example_site / "search-index.js").read_bytes()
    entries = search_index(data)
    assert [e[0] for e in entries] == [r.customer.slug for r in rels]
    bakery = next(e for e in entries if e[0] == "rosalinds-bakery")
    assert bakery[1] == "Rosalind's Family Bakery"
    assert ["contact-rosalind-baptiste", "Rosalind Baptiste", "Owner"] == bakery[6][0][:3]
    assert "Rosalind Baptiste" in bakery[3]
    assert all(i[0].startswith("i-") for i in bakery[7])
    assert [i[2] for i in bakery[7]] == sorted((i[2] for i in bakery[7]), reverse=True)
    n_items = sum(1 for r in rels for i in r.customer.interactions if i.date <= AS_OF)
    assert sum(len(e[7]) for e in entries) == n_items
    assert all(len(x[-1]) <= NOTE_CAP + 1 for e in entries for x in e[6] + e[7] if len(x) == 7 or len(x) == 5)
    assert len(data) < 200_000, f"index is {len(data):,} bytes for 15 customers"


def test_search_index_carries_no_markup(hostile_site):
    data = (hostile_site / "search-index.js").read_bytes()
    for bad in (b"<script", b"</script", b"<img", b"<", b">"):
        assert bad not in data
    entry = search_index(data)[0]
    assert entry[1] == "Evil <script>alert(1)</script> & Sons; Ltd, \\ Co"  # the text, intact
    assert "<script>window.__pwned=1</script>" in entry[5]
    assert len(entry[7]) == 1 and b"Future secret" not in data


@pytest.mark.parametrize("md, text", [
    ("**Bold** and _em_ and `code`", "Bold and em and code"),
    ("# Heading\n\n- [ ] task (due 2026-01-01)\n- item\n> quote", "Heading task (due 2026-01-01) item quote"),
    ("[link text](https://example.com/x) ![alt](a.png) <https://a.b>", "link text alt https://a.b"),
    ("```\ncode block\n```", "code block"),
    ("", ""),
    # what the page shows, not what a pattern guesses: no table rules, entities decoded, a
    # star that is no emphasis kept, raw HTML kept as the text it is shown as
    ("| Item | Days |\n|---|---:|\n| quote | 42 |", "Item Days quote 42"),
    ("Fish &amp; chips, 5 * 3 = 15", "Fish & chips, 5 * 3 = 15"),
    ("<b>bold</b> [not a link] [x]: y", "<b>bold</b> [not a link] [x]: y"),
    ("[ref][r]\n\n[r]: https://example.com", "ref"),
])
def test_plain_text_from_notes(md, text):
    assert plain(md) == text


def test_an_interactions_search_text_is_its_notes_plain_text(example_root):
    """The search index takes an interaction's text from the note's one parse (`Interaction.text`),
    cut as profile notes are; the parse keeps more than the index shows."""
    import random
    from playbook.markdown import TEXT_LIMIT, parse_note
    from playbook.outputs.search import cut
    rng = random.Random(3)
    words = ["a", "to", "the", "quote", "renewal", "procurement", "unsubstantiated,"]
    for n in [*range(40, 80), 400]:  # plain text of about 250 to 400 characters, and far more
        note = " ".join(rng.choice(words) for _ in range(n))
        kept = parse_note(note).text
        assert len(kept) <= TEXT_LIMIT and note.startswith(kept)
        assert cut(kept) == cut(note), n  # what the parse keeps is enough to cut as if whole
    loaded = load(example_root)
    items = [i for c in loaded.playbook.customers for i in c.interactions if i.body.strip()]
    assert items and all(i.text == parse_note(i.body).text != "" for i in items)


def test_plain_text_is_capped_at_a_word():
    text = plain("word " * 200)
    assert len(text) <= NOTE_CAP + 1 and text.endswith("word…")
    assert plain("[see](http://a.example/" + "x" * 900 + ") and more words here", cap=50) == "see and more words here"


def test_search_index_stays_compact_with_long_notes(tmp_path):
    """Notes are cut to NOTE_CAP, and a customer's name and page are written once, not per record."""
    long_note = "Words about the network and the backup plan. " * 60  # ~2,700 characters
    files = {"playbook.yaml": "as_of: 2026-11-20\n"}
    for c in range(20):
        files[f"content/customers/c{c:02d}/customer.yaml"] = (
            f"name: A rather long customer name number {c} Limited\nnotes: {long_note}\n"
            "contacts:\n  - name: Pat Doe\n    role: CFO\n")
        for k in range(10):
            files[f"content/customers/c{c:02d}/interactions/2026-0{1 + k % 9}-1{k}-call.md"] = (
                f"---\nsummary: Call number {k}\nwith: Pat Doe\n---\n{long_note}\n")
    assert build(write_playbook(tmp_path / "long", files), tmp_path / "site", use_cache=False).ok
    data = (tmp_path / "site/search-index.js").read_bytes()
    records = 20 * (1 + 1 + 10)
    assert len(data) / records < NOTE_CAP + 60, f"{len(data) / records:.0f} bytes a record"


# -- playbook.json, one customer at a time ---------------------------------------------------

def test_each_customer_has_its_entry_of_playbook_json_on_its_own(example_site):
    full = json.loads((example_site / "playbook.json").read_bytes())
    pattern = full["customer_files"]
    assert pattern == "customers/{slug}/index.json"
    assert len(full["customers"]) == 15
    for c in full["customers"]:
        raw = (example_site / pattern.replace("{slug}", c["slug"])).read_bytes()
        one = json.loads(raw)
        assert one == {"schema": full["schema"], "as_of": full["as_of"], "customer": c}
        # indented as playbook.json is, so the two read alike
        assert raw == (json.dumps(one, indent=2, ensure_ascii=False) + "\n").encode()
    assert sorted(p.parent.name for p in example_site.glob("customers/*/index.json")) == \
        sorted(c["slug"] for c in full["customers"])
