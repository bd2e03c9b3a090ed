"""`playbook log --eml`: real-shaped emails (tests/fixtures/mail: Gmail, Outlook, Apple Mail,
ISO-8859-1, a forward, HTML only and hostile, no Message-ID, an mbox) imported into a fresh
playbook and built; what the customer page then shows; re-imports that add nothing; hostile
and broken messages."""

from __future__ import annotations

import os
import shutil
from datetime import date, timedelta, timezone
from pathlib import Path

import pytest

from helpers import run_cli, tree, write_playbook
from playbook.capture.mail import import_mail
from playbook.capture.mailtext import clean_subject, html_to_text, trim_reply
from playbook.check import check
from playbook.limits import MAX_NOTE_BYTES
from playbook.load import load
from sitecheck import parse, section, text_of

MAIL = Path(__file__).parent / "fixtures" / "mail"
EMLS = sorted(p.name for p in MAIL.glob("*.eml"))

PLAYBOOK = {
    "playbook.yaml": """\
title: Mail test
as_of: 2026-11-20
team:
  - handle: maya
    name: Maya Okafor
    email: Maya@HarbourPine.example
  - handle: tomas
    name: Tomás Reilly
    email: tomas@harbourpine.example
""",
    "content/customers/rosalinds-bakery/customer.yaml": """\
name: Rosalind's Bakery
owner: maya
since: 2024-03-01
contacts:
  - name: Rosalind Baptiste
    email: Ros@RosalindsBakery.example
    primary: true
  - name: Ada Baptiste
    email: ada@rosalindsbakery.example
""",
    "content/customers/northgate/customer.yaml": """\
name: Northgate Logistics
owner: tomas
since: 2023-05-01
contacts:
  - name: Anil Shah
    role: Head of Operations
    email: anil.shah@northgate.example
  - name: Grete Berg
    email: grete.berg@gmail.com
""",
    "content/customers/kestrel/customer.yaml": """\
name: Kestrel Pay
owner: maya
since: 2025-01-01
contacts:
  - name: Jo Park
    email: jo@kestrelpay.example
""",
}


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    """The machine's zone dates the messages: pin it, so the dates below hold anywhere."""
    monkeypatch.setenv("TZ", "UTC")
    if hasattr(__import__("time"), "tzset"):
        __import__("time").tzset()
    yield
    monkeypatch.undo()
    if hasattr(__import__("time"), "tzset"):
        __import__("time").tzset()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = write_playbook(tmp_path / "pb", PLAYBOOK)
    shutil.copytree(MAIL, tmp_path / "mail")
    return r


def notes(root: Path) -> dict[str, str]:
    base = root / "content/customers"
    return {p.relative_to(base).as_posix(): p.read_text("utf-8") for p in sorted(base.rglob("*.md"))}


def eml(headers: str, body: str = "Hello.\n") -> bytes:
    return (headers.strip("\n") + "\n\n" + body).encode("utf-8")


# -- the fixtures, imported and built ------------------------------------------------------

def test_a_folder_of_real_shaped_mail_becomes_notes(root: Path):
    code, out, err = run_cli(["log", "--eml", "../mail"], cwd=root)
    assert code == 0, err
    assert err.endswith("7 messages: 7 written, 0 already imported, 0 not imported\n")
    assert sorted(notes(root)) == [
        "kestrel/interactions/2026-11-10-0802-invoice-hp-2291.md",
        "northgate/interactions/2026-11-12-2230-lieferung-fur-munchen.md",
        "northgate/interactions/2026-11-17-1640-q4-route-planning.md",
        "rosalinds-bakery/interactions/2026-11-18-0914-oven-delivery-this-week.md",
        "rosalinds-bakery/interactions/2026-11-18-1031-oven-delivery-this-week.md",
        "rosalinds-bakery/interactions/2026-11-19-1545-order-confirmation-date-1999-01-01.md",
        "rosalinds-bakery/interactions/2026-11-20-0705-christmas-opening-hours.md",
    ]
    got = notes(root)
    # Gmail: multipart/alternative, quoted-printable; the quoted history gone.
    assert got["rosalinds-bakery/interactions/2026-11-18-0914-oven-delivery-this-week.md"] == """\
---
date: 2026-11-18
type: email
with: [Rosalind Baptiste, Ada Baptiste]
by: maya
direction: in
summary: Oven delivery this week
message_id: CAB7yT2pQ8=rX0ovensArrived+9w@mail.gmail.com
---
Hi Maya,

The two new deck ovens arrived this morning and Ada already has the first batch of sourdough in. \
The engineer says the commissioning visit can be on the 24th — does that work for you?

Could you also send the updated service contract so I can sign it before the end of the month?

Thanks,
Ros
"""
    # Apple Mail, ours: the signature and the quoted message gone, direction out.
    assert got["rosalinds-bakery/interactions/2026-11-18-1031-oven-delivery-this-week.md"] == """\
---
date: 2026-11-18
type: email
with: Rosalind Baptiste
by: maya
direction: out
summary: Oven delivery this week
message_id: 8F2D3A41-6C5E-4B7A-9D10-3E2F4A5B6C7D@harbourpine.example
---
Hi Ros,

Great news about the ovens. The 24th works - I've booked the engineer for 9am.

I'll send the updated service contract tomorrow.
"""
    # Outlook: base64, the "From: … Sent: …" history cut, an unknown colleague listed, not added.
    outlook = got["northgate/interactions/2026-11-17-1640-q4-route-planning.md"]
    assert "with: Anil Shah\nby: tomas\ndirection: in\nsummary: Q4 route planning\n" in outlook
    assert "Here is the draft" not in outlook and "Sent:" not in outlook
    assert outlook.endswith("T: +44 113 496 0000\n\n*Also on this email, not among the contacts:* "
                            "Priya Kaur \\(priya.kaur@northgate.example\\)\n")
    assert "Priya Kaur (priya.kaur@northgate.example)" in err and "not among northgate's contacts" in err
    # ISO-8859-1 with a German subject prefix and "Am … schrieb …:" history; a gmail.com contact matched
    # by the address itself.
    latin = got["northgate/interactions/2026-11-12-2230-lieferung-fur-munchen.md"]
    assert "with: Grete Berg\nby: tomas\ndirection: in\nsummary: Lieferung für München\n" in latin
    assert latin.endswith("---\nHallo Tomás,\n\ndie Lieferung für München ist angekommen, vielen Dank. Die "
                          "Etiketten für Köln fehlen noch.\n\nGrüße aus Hamburg\nGrete\n")
    # A forward keeps what it forwards; the attachment is named, never read.
    fwd = got["kestrel/interactions/2026-11-10-0802-invoice-hp-2291.md"]
    assert "summary: Invoice HP-2291\n" in fwd and "---------- Forwarded message ---------" in fwd
    assert "charges for 40 licences but we only have 32 seats" in fwd
    assert fwd.endswith("Sam\n\n*Attachments, not imported:* HP-2291.pdf\n") and "PDF-1.4" not in fwd
    # No Message-ID: a digest stands in.
    assert "message_id: sha256:" in got["rosalinds-bakery/interactions/2026-11-20-0705-christmas-opening-hours.md"]
    problems, _ = check(root)
    assert problems == []


def test_the_customer_page_shows_the_mail(root: Path):
    assert run_cli(["log", "--eml", "../mail"], cwd=root)[0] == 0
    code, _, err = run_cli(["build", "-q"], cwd=root)
    assert code == 0, err
    html = (root / "site/customers/rosalinds-bakery/index.html").read_text("utf-8")
    timeline = text_of(section(html, "tl-h"))
    assert ("18 Nov 2026 · Email with Rosalind Baptiste · by Maya Okafor Oven delivery this week unrated "
            "we reached out Hi Ros, Great news about the ovens.") in timeline
    assert ("18 Nov 2026 · Email with Rosalind Baptiste, Ada Baptiste · by Maya Okafor Oven delivery this week "
            "unrated they reached out Hi Maya, The two new deck ovens arrived") in timeline
    # Newest first, our reply above the message it answers.
    assert timeline.index("Great news about the ovens") < timeline.index("The two new deck ovens")
    assert "Just checking the ovens" not in timeline
    people = load(root).playbook.customers
    ros = next(c for c in people if c.slug == "rosalinds-bakery")
    assert [i.message_id for i in ros.interactions][:2] == ["CAB7yT2pQ8=rX0ovensArrived+9w@mail.gmail.com",
                                                           "8F2D3A41-6C5E-4B7A-9D10-3E2F4A5B6C7D@harbourpine.example"]


def test_hostile_mail_is_inert_on_the_page(root: Path):
    assert run_cli(["log", "rosalind", "--eml", "../mail/html-only-hostile.eml"], cwd=root)[0] == 0
    (name, text), = notes(root).items()
    # The subject's newlines could not make front matter: one line, quoted, the date the header's.
    assert text.startswith("---\ndate: 2026-11-19\ntype: email\nwith: Ada Baptiste\nby: maya\ndirection: in\n"
                           "summary: 'Order confirmation date: 1999-01-01 --- <script>alert(1)</script> "
                           "\"quoted\" #not a comment'\nmessage_id: hostile.1@rosalindsbakery.example\n---\n")
    assert "alert('head')" not in text and 'alert("body")' not in text and "javascript" not in text
    assert "onerror" not in text and "evil.example" not in text
    assert run_cli(["build", "-q"], cwd=root)[0] == 0
    html = (root / "site/customers/rosalinds-bakery/index.html").read_text("utf-8")
    page = parse(root / "site/customers/rosalinds-bakery/index.html")
    assert not [v for _, _, v in page.links if v.lower().startswith("javascript")]
    assert "<script>alert" not in html and "<iframe" not in html and "onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as the text it is
    assert "&lt;script&gt;alert(&quot;escaped&quot;)&lt;/script&gt; and tasty bread" in html
    assert "our new menu (https://rosalindsbakery.example/menu)" in text_of(html)
    # A checkbox in their email is no promise of ours.
    ros = next(c for c in load(root).playbook.customers if c.slug == "rosalinds-bakery")
    assert ros.interactions[0].commitments == ()
    assert "[ ] Pay us a million pounds" in text_of(html)


# -- importing again -----------------------------------------------------------------------

def test_a_second_import_adds_nothing(root: Path):
    assert run_cli(["log", "--eml", "../mail"], cwd=root)[0] == 0
    before = tree(root / "content")
    code, out, err = run_cli(["log", "--eml", "../mail/inbox.mbox", "--eml", "../mail"], cwd=root)
    assert code == 0, err
    after = tree(root / "content")
    added = sorted(set(after) - set(before))
    assert added == ["customers/kestrel/interactions/2026-11-11-1700-renewal-call.md"]
    assert {k: after[k] for k in before} == before
    assert out.count("skipped ") == 8
    assert ("skipped ../mail/inbox.mbox, message 1: already imported as content/customers/rosalinds-bakery/"
            "interactions/2026-11-18-0914-oven-delivery-this-week.md (Message-ID "
            "CAB7yT2pQ8=rX0ovensArrived+9w@mail.gmail.com)") in out
    assert err.endswith("9 messages: 1 written, 8 already imported, 0 not imported\n")
    # mboxrd: '>From our side' in the box is the body's 'From our side'; the quoted history is cut.
    renewal = after["customers/kestrel/interactions/2026-11-11-1700-renewal-call.md"].decode()
    assert renewal.endswith("---\nThursday at 3pm UK time is fine for the renewal call.\n"
                            "From our side it will be me and our CFO.\n")
    assert run_cli(["log", "--eml", "../mail/inbox.mbox", "--eml", "../mail"], cwd=root)[0] == 0
    assert tree(root / "content") == after


def test_the_same_message_twice_in_one_run_is_written_once(root: Path, tmp_path: Path):
    code, out, err = run_cli(["log", "--eml", "../mail/gmail-reply.eml", "--eml", "../mail/inbox.mbox"], cwd=root)
    assert code == 0 and "skipped ../mail/inbox.mbox, message 1: already imported" in out
    assert len(notes(root)) == 2


def test_dry_run_prints_and_writes_nothing(root: Path):
    before = tree(root)
    code, out, err = run_cli(["log", "--eml", "../mail/apple-mail.eml", "--dry-run"], cwd=root)
    assert code == 0
    assert tree(root) == before
    assert out.startswith("--- would write content/customers/rosalinds-bakery/interactions/"
                          "2026-11-18-1031-oven-delivery-this-week.md (from ../mail/apple-mail.eml)\n---\n"
                          "date: 2026-11-18\ntype: email\n")
    assert err.endswith("1 message: 1 would write, 0 already imported, 0 not imported\n")


# -- which customer, which day -------------------------------------------------------------

def test_no_customer_matches_so_it_asks_for_one(root: Path, tmp_path: Path):
    (tmp_path / "stranger.eml").write_bytes(eml("""
From: Someone <someone@gmail.com>
To: maya@harbourpine.example
Date: Wed, 18 Nov 2026 09:00:00 +0000
Message-ID: <s1@gmail.com>
Subject: Hello"""))
    code, out, err = run_cli(["log", "--eml", "../stranger.eml"], cwd=root)
    assert code == 1 and notes(root) == {}
    assert ("../stranger.eml: not imported: no customer has a contact with its addresses (someone@gmail.com), "
            "nor one at the same company domain (free-mail addresses such as gmail.com never match by domain); "
            "name the customer: playbook log CUSTOMER --eml ../stranger.eml") in err
    code, out, err = run_cli(["log", "kestrel", "--eml", "../stranger.eml"], cwd=root)
    assert code == 0 and list(notes(root)) == ["kestrel/interactions/2026-11-18-0900-hello.md"]


def test_a_colleague_at_a_customers_domain_finds_the_customer(root: Path, tmp_path: Path):
    (tmp_path / "m.eml").write_bytes(eml("""
From: New Person <new.person@NorthGate.example>
To: tomas@harbourpine.example
Date: Wed, 18 Nov 2026 09:00:00 +0000
Subject: Intro"""))
    code, out, err = run_cli(["log", "--eml", "../m.eml"], cwd=root)
    assert code == 0, err
    (text,) = notes(root).values()
    assert "direction: in" in text and "by: tomas" in text and "with:" not in text
    assert "not among the contacts:* New Person \\(new.person@northgate.example\\)" in text


def test_two_customers_on_one_message_is_ambiguous(root: Path, tmp_path: Path):
    (tmp_path / "m.eml").write_bytes(eml("""
From: maya@harbourpine.example
To: jo@kestrelpay.example, anil.shah@northgate.example
Date: Wed, 18 Nov 2026 09:00:00 +0000
Subject: Joint webinar"""))
    code, _, err = run_cli(["log", "--eml", "../m.eml"], cwd=root)
    assert code == 1 and notes(root) == {}
    assert ("its addresses match several customers by a contact's address: kestrel (Kestrel Pay), "
            "northgate (Northgate Logistics); name the customer") in err


def test_a_missing_or_bad_date_is_a_problem_for_that_message_only(root: Path, tmp_path: Path):
    d = tmp_path / "box"
    d.mkdir()
    (d / "a.eml").write_bytes(eml("From: jo@kestrelpay.example\nSubject: Undated"))
    (d / "b.eml").write_bytes(eml("From: jo@kestrelpay.example\nDate: the day after tomorrow\nSubject: Odd"))
    (d / "c.eml").write_bytes(eml("From: jo@kestrelpay.example\nDate: Wed, 18 Nov 2026 09:00:00 +0000\nSubject: Ok"))
    code, out, err = run_cli(["log", "--eml", "../box"], cwd=root)
    assert code == 1
    assert "../box/a.eml: not imported: it has no Date header; give its date with --date" in err
    assert ("../box/b.eml: not imported: its Date header 'the day after tomorrow' is not a date Playbook can "
            "read; give its date with --date") in err
    assert list(notes(root)) == ["kestrel/interactions/2026-11-18-0900-ok.md"]
    code, out, err = run_cli(["log", "--eml", "../box", "--date", "2026-11-02"], cwd=root)
    assert code == 0
    assert sorted(notes(root)) == ["kestrel/interactions/2026-11-02-odd.md", "kestrel/interactions/2026-11-02-undated.md",
                                   "kestrel/interactions/2026-11-18-0900-ok.md"]


@pytest.mark.parametrize("tz, day", [(timezone(timedelta(hours=-8)), date(2026, 11, 12)),
                                     (timezone(timedelta(hours=10)), date(2026, 11, 13))])
def test_the_date_is_the_teams_own(root: Path, tz, day):
    """23:30 in Hamburg on the 12th is the 12th in California and the 13th in Sydney."""
    (o,) = import_mail(root, [root.parent / "mail/latin1-reply.eml"], customer=None, today=date(2026, 11, 20),
                       tz=tz)
    assert o.path is not None and o.path.name.startswith(day.isoformat())
    assert f"date: {day.isoformat()}\n" in o.path.read_text("utf-8")


def test_without_team_emails_the_direction_comes_from_the_contacts(tmp_path: Path):
    files = dict(PLAYBOOK)
    files["playbook.yaml"] = "as_of: 2026-11-20\nteam:\n  - handle: maya\n    name: Maya Okafor\n"
    root = write_playbook(tmp_path / "pb", files)
    shutil.copytree(MAIL, tmp_path / "mail")
    assert run_cli(["log", "--eml", "../mail/apple-mail.eml", "--eml", "../mail/gmail-reply.eml"], cwd=root)[0] == 0
    got = notes(root)
    assert "direction: out" in got["rosalinds-bakery/interactions/2026-11-18-1031-oven-delivery-this-week.md"]
    theirs = got["rosalinds-bakery/interactions/2026-11-18-0914-oven-delivery-this-week.md"]
    assert "direction: in" in theirs and "by:" not in theirs
    # Without team addresses, Maya's own address is an unknown one on the note.
    assert "not among the contacts:* Maya Okafor \\(maya@harbourpine.example\\)" in theirs


# -- broken and hostile messages -----------------------------------------------------------

def test_unknown_charsets_and_raw_bytes_are_read(root: Path, tmp_path: Path):
    raw = (b"From: J\xf6rg <jo@kestrelpay.example>\nTo: maya@harbourpine.example\n"
           b"Subject: Gr\xfc\xdfe aus K\xf6ln\nDate: Wed, 18 Nov 2026 09:00:00 +0000\n"
           b"Content-Type: text/plain; charset=x-no-such-charset\nContent-Transfer-Encoding: 8bit\n\n"
           b"Sch\xf6ne Gr\xfc\xdfe\n")
    (tmp_path / "m.eml").write_bytes(raw)
    code, _, err = run_cli(["log", "--eml", "../m.eml"], cwd=root)
    assert code == 0, err
    (text,) = notes(root).values()
    assert "summary: Grüße aus Köln\n" in text and "with: Jo Park" in text and text.endswith("---\nSchöne Grüße\n")


def test_a_huge_body_is_cut_to_the_note_limit(root: Path, tmp_path: Path):
    body = "".join(f"Line {n} of a very long message about the rollout plan.\n" for n in range(10_000))
    (tmp_path / "m.eml").write_bytes(eml("From: jo@kestrelpay.example\nDate: Wed, 18 Nov 2026 09:00:00 +0000\n"
                                         "Subject: Long", body))
    code, _, err = run_cli(["log", "--eml", "../m.eml"], cwd=root)
    assert code == 0, err
    (path,) = (root / "content/customers/kestrel/interactions").iterdir()
    data = path.read_bytes()
    assert MAX_NOTE_BYTES - 200 < len(data) <= MAX_NOTE_BYTES
    assert data.decode().endswith(" bytes, was left out: notes are kept up to 100,000 bytes.]*\n")
    assert "the email's text was cut to fit a note" in err
    assert check(root)[0] == []


def test_hostile_headers_stay_in_their_fields(root: Path, tmp_path: Path):
    (tmp_path / "m.eml").write_bytes(eml("""
From: "Evil\\nby: mallory" <jo@kestrelpay.example>
To: maya@harbourpine.example
Date: Wed, 18 Nov 2026 09:00:00 +0000
Message-ID: <x
 ---
 date: 1999-01-01@evil>
Subject: =?utf-8?b?IlllcyIKc3VtbWFyeTogbm8KLS0tCiMgaGVhZGluZwobWzMxbXJlZA==?="""))
    code, out, err = run_cli(["log", "--eml", "../m.eml"], cwd=root)
    assert code == 0, err
    assert "\x1b" not in out + err
    (text,) = notes(root).values()
    problems, _ = check(root)
    assert problems == []
    (it,) = next(c for c in load(root).playbook.customers if c.slug == "kestrel").interactions
    assert it.date == date(2026, 11, 18) and it.by == "maya" and it.with_ == ("Jo Park",)
    assert it.summary == '"Yes" summary: no --- # heading \x1b[31mred'
    assert it.message_id == "x --- date: 1999-01-01@evil"


def test_a_folder_is_read_for_its_own_eml_files_only(root: Path, tmp_path: Path):
    outside = tmp_path / "secret.eml"
    outside.write_bytes(eml("From: jo@kestrelpay.example\nDate: Wed, 18 Nov 2026 09:00:00 +0000\nSubject: Secret"))
    box = tmp_path / "box"
    box.mkdir()
    os.symlink(outside, box / "link.eml")
    (box / "notes.txt").write_text("not mail")
    code, _, err = run_cli(["log", "--eml", "../box"], cwd=root)
    assert code == 1 and notes(root) == {}
    assert "../box/link.eml: not imported: a link or not a regular file; only the folder's own .eml files are read" in err


def test_usage_errors(root: Path):
    code, _, err = run_cli(["log", "kestrel", "Called them", "--eml", "../mail"], cwd=root)
    assert code == 2 and "TEXT: not with --eml" in err
    code, _, err = run_cli(["log", "--eml", "../nowhere"], cwd=root)
    assert code == 2 and "--eml ../nowhere: no such file or folder" in err
    code, _, err = run_cli(["log", "kestrel", "Called", "--dry-run"], cwd=root)
    assert code == 2 and "--dry-run goes with --eml" in err
    code, _, err = run_cli(["log"], cwd=root)
    assert code == 2 and "say which customer" in err
    assert notes(root) == {}


# -- the text rules, as tables -------------------------------------------------------------

@pytest.mark.parametrize("subject, cleaned", [
    ("Re: Renewal", "Renewal"), ("RE: AW: Fwd: Re:  Renewal\n quote", "Renewal quote"), ("FW: x", "x"),
    ("WG: Angebot", "Angebot"), ("SV: Tilbud", "Tilbud"), ("Re[2]: Plan", "Plan"), ("[EXTERNAL] Re: Hi", "Hi"),
    ("Regarding: the plan", "Regarding: the plan"), ("Aw shucks", "Aw shucks"), ("", ""),
])
def test_subject_prefixes(subject: str, cleaned: str):
    assert clean_subject(subject) == cleaned


@pytest.mark.parametrize("text, kept", [
    ("Yes.\n\nOn Mon, 16 Nov 2026 at 10:12, Maya <m@x> wrote:\n> Hi", "Yes."),
    ("Yes.\n\nOn Mon, 16 Nov 2026 at 10:12, Maya Okafor <\nm@x> wrote:\n> Hi", "Yes."),
    ("Ja.\n\nAm 12.11.2026 um 10:00 schrieb Tomás <t@x>:\n> Hallo", "Ja."),
    ("Oui.\n\nLe 12 nov. 2026 à 10:00, Tomás <t@x> a écrit :\n> Bonjour", "Oui."),
    ("Sure.\n\n-----Original Message-----\nFrom: Maya\nSent: Monday\nQuestion?", "Sure."),
    ("Sure.\n\n________________________________\nFrom: Maya <m@x>\nSent: Monday\nTo: Jo", "Sure."),
    ("Sure.\n\nFrom: Maya <m@x>\nDate: Monday\nTo: Jo\n\nQuestion?", "Sure."),
    ("Fine by me.\n-- \nJo Park\nKestrel", "Fine by me."),
    ("Fine by me.\n\nSent from my iPhone", "Fine by me."),
    ("Fine.\n\nGet Outlook for iOS", "Fine."),
    ("Top.\n> quoted\n>> deeper\nBottom.", "Top.\nBottom."),
    ("On balance, yes.\nWe wrote: to them.", "On balance, yes.\nWe wrote: to them."),
    ("From: London\nTo Paris by train.", "From: London\nTo Paris by train."),
    ("See below.\n\n-- \nSig\n\n---------- Forwarded message ---------\nFrom: A\n\nBody",
     "See below.\n\n---------- Forwarded message ---------\nFrom: A\n\nBody"),
    ("\n\n\nA\n\n\n\nB\n\n", "A\n\nB"),
])
def test_quoted_history_and_signatures(text: str, kept: str):
    assert trim_reply(text) == kept


def test_an_outlook_forward_keeps_its_header_block():
    text = "FYI\n\n________________________________\nFrom: Sam <s@x>\nSent: Monday\nSubject: Invoice\n\nCheck this."
    assert trim_reply(text, forward=True) == text
    assert trim_reply(text) == "FYI"


@pytest.mark.parametrize("html, text", [
    ("<p>Hi <b>Jo</b>,</p><p>Fine.</p>", "Hi Jo,\n\nFine."),
    ("a<br>b<br><br>c", "a\nb\n\nc"),
    ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
    ("<script>alert(1)</script><style>p{}</style>x<!-- c -->y", "xy"),
    ('<a href="javascript:alert(1)">click</a>', "click"),
    ('<a href="https://x.example/a">the doc</a>', "the doc (https://x.example/a)"),
    ('<a href="https://x.example/a">https://x.example/a</a>', "https://x.example/a"),
    ('<a href="mailto:jo@x.example">Jo</a>', "Jo (jo@x.example)"),
    ("&lt;script&gt; &amp; &#233;", "<script> & é"),
    ("<p>Hi</p><blockquote>old<blockquote>older</blockquote></blockquote>", "Hi\n\n> old\n> > older"),
    ("<div>a\x00b\x07c</div>", "abc"),
    ("", ""), ("<html></html>", ""),
])
def test_html_to_text(html: str, text: str):
    assert html_to_text(html) == text


@pytest.mark.parametrize("html", [
    '<a b="x>"' * 20_000, "<div" * 50_000, "<!--" * 50_000, "<a href='https://x'>" * 20_000,
    "<blockquote>" * 20_000 + "x", "<li>x" * 50_000, "<" * 200_000,
])
def test_html_tag_soup_takes_linear_time(html: str):
    """html.parser took minutes on 100 KB of the first (Python 3.11); lxml a fraction of a second.
    Generous bounds: a shared CI machine is slow, not quadratic."""
    import time
    start = time.perf_counter()
    html_to_text(html)
    assert time.perf_counter() - start < 5


def test_messages_the_parser_cannot_take_apart_are_reported_not_raised(root: Path, tmp_path: Path):
    head = b"From: jo@kestrelpay.example\nTo: maya@harbourpine.example\nDate: Wed, 18 Nov 2026 09:00:00 +0000\n"
    box = tmp_path / "box"
    box.mkdir()
    (box / "deep.eml").write_bytes(head + b"Subject: Deep\n" + b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(1500)) + b"\nhi\n")
    (box / "parts.eml").write_bytes(head + b"Subject: Parts\nContent-Type: multipart/mixed; boundary=B\n\n"
                                    + b"--B\nContent-Type: text/plain\n\nx\n" * 6000 + b"--B--\n")
    # getaddresses recurses once per nested '(' of a comment; the header parser takes over.
    (box / "comment.eml").write_bytes(head.replace(b"To: maya", b"Cc: " + b"(" * 5000 + b"x@y\nTo: maya")
                                      + b"Subject: Comment\n\nStill read.\n")
    code, _, err = run_cli(["log", "--eml", "../box"], cwd=root)
    assert code == 1
    assert "../box/deep.eml: not imported: its parts are nested too deep to read (hundreds of levels)" in err
    assert ("../box/parts.eml: not imported: it has 6,001 lines starting '--' (MIME parts); Playbook reads "
            "messages of up to 5,000") in err
    assert list(notes(root)) == ["kestrel/interactions/2026-11-18-0900-comment.md"]
    assert "Traceback" not in err


@pytest.mark.parametrize("header", [b"To: " + b'"a' * 20_000, b"To: " + b"<" * 20_000,
                                    b"To: " + b", ".join(b"P%d <p%d@x.example>" % (i, i) for i in range(20_000)),
                                    b"Subject: " + b"=?utf-8?q?a=C3=A9?= " * 20_000])
def test_huge_headers_take_linear_time(header: bytes):
    """policy.default's address parser took 1.5 s on 10 KB of '"a'; the raw header goes to getaddresses."""
    import time
    from playbook.capture.mailread import parse_mail
    raw = b"From: jo@kestrelpay.example\nDate: Wed, 18 Nov 2026 09:00:00 +0000\n" + header + b"\n\nbody\n"
    start = time.perf_counter()
    mail = parse_mail(raw, "x")
    assert time.perf_counter() - start < 5 and mail.body == "body"


@pytest.mark.browser
def test_hostile_mail_runs_nothing_in_the_browser(root: Path, watch):
    """The imported hostile email on the customer page, opened in Chromium: no dialog, no script
    error, no request leaving the machine, its words there as text, no link to javascript:."""
    assert run_cli(["log", "--eml", "../mail/html-only-hostile.eml", "--eml", "../mail/gmail-reply.eml"],
                   cwd=root)[0] == 0
    assert run_cli(["build", "-q"], cwd=root)[0] == 0
    w = watch()
    dialogs: list[str] = []
    w.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    w.page.goto((root / "site/customers/rosalinds-bakery/index.html").as_uri())
    w.page.wait_for_timeout(300)
    assert dialogs == []
    entry = w.page.locator("#i-2026-11-19-1545-order-confirmation-date-1999-01-01")
    assert entry.locator("h3").inner_text() == ('Order confirmation date: 1999-01-01 --- <script>alert(1)</script> '
                                                '"quoted" #not a comment')
    assert '<script>alert("escaped")</script> and tasty bread' in entry.inner_text()
    assert entry.locator("a[href^='javascript'], script, iframe, img").count() == 0
    assert entry.locator("input[type=checkbox]").count() == 0  # their checkbox is no promise of ours
