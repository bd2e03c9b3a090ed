"""Issue 17, as a user meets it: three customers ask for the same thing in different words and
one for something else; the asks page groups them, an `available` entry makes a `tell` action
for exactly the three (each with the person who asked), and answering the ask ends it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpers import run_cli, write_playbook
from playbook.build import build
from sitecheck import parse, section, text_of

CONFIG = """\
title: Handbooks & Co
as_of: 2026-11-20
currency: £
team:
  - handle: maya
    name: Maya Okafor
available:
  - what: Spanish edition of the handbook
    on: 2026-11-18
    about: [spanish]
"""


def customer(name: str, person: str, what: str, since: str, value: int | None = None) -> str:
    return (f"name: {name}\nowner: maya\nsince: 2024-01-10\n" + (f"value: {value}\n" if value else "")
            + f"contacts:\n  - name: {person}\n    primary: true\n  - name: Sam Other\n"
            f"asks:\n  - what: {what}\n    since: {since}\n    from: {person.split()[0]}\n")


def note(day: str, person: str) -> str:
    return f"---\ndate: {day}\ntype: call\nwith: {person}\nsentiment: positive\n---\nA good call.\n"


PEOPLE = {
    "anders": ("Anders Books", "Ana Lima", "Is there a Spanish edition of the handbook?", "2026-03-12", 12000),
    "bolt": ("Bolt Academy", "Carlos Ruiz", "The handbook translated into Spanish for the Madrid office",
             "2026-10-01", 30000),
    "cedar": ("Cedar Clinics", "Dee Park", "Spanish-language handbooks for new hires", "2026-11-16", None),
    "dune": ("Dune Shops", "Eve Stone", "Invoices that show the shop name", "2026-09-01", 5000),
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    files = {"playbook.yaml": CONFIG}
    for slug, (name, person, what, since, value) in PEOPLE.items():
        files[f"content/customers/{slug}/customer.yaml"] = customer(name, person, what, since, value)
        files[f"content/customers/{slug}/interactions/2026-11-10-call.md"] = note("2026-11-10", person)
    return write_playbook(tmp_path / "pb", files)


def built(root: Path) -> Path:
    out = root / "site"
    report = build(root, out, use_cache=False)
    assert report.ok, report.problems
    return out


def tells(out: Path) -> dict[str, tuple[str, str, str]]:
    data = json.loads((out / "playbook.json").read_text())
    return {a["customer"]: (a["contact"], a["title"], a["source"])
            for c in data["customers"] for a in c["next_actions"] if a["kind"] == "tell"}


def kinds(out: Path, slug: str) -> list[str]:
    data = json.loads((out / "playbook.json").read_text())
    (c,) = [c for c in data["customers"] if c["slug"] == slug]
    return [a["kind"] for a in c["next_actions"]]


def group_texts(out: Path) -> list[str]:
    html = (out / "asks.html").read_text()
    return [text_of(m).strip() for m in re.findall(r'<li class="card ask-group".*?</ol>', html, re.S)]


def test_the_page_groups_the_same_wish_in_different_words(root: Path):
    out = built(root)
    (group,) = group_texts(out)
    assert group.startswith("spanish handbook 3 customers £42,000 a year (1 with no value written) first asked "
                            "253 days ago (12 Mar 2026)")
    assert "Spanish edition of the handbook : available since 18 Nov 2026 · 3 asks to tell playbook.yaml:8" in group
    # Each customer's own wording, oldest first, with who asked and how long ago.
    order = [group.index(w) for w in ("“Is there a Spanish edition of the handbook?” Anders Books · Ana Lima · "
                                      "asked 12 Mar 2026 (253 days ago)",
                                      "“The handbook translated into Spanish for the Madrid office” Bolt Academy · "
                                      "Carlos Ruiz · asked 1 Oct 2026 (50 days ago)",
                                      "“Spanish-language handbooks for new hires” Cedar Clinics · Dee Park · "
                                      "asked 16 Nov 2026 (4 days ago)")]
    assert order == sorted(order)
    assert "Invoices" not in group
    assert "Asked by one customer 1 ask that no other customer shares →" in \
        text_of(section((out / "asks.html").read_text(), "alone-h"))
    once = text_of((out / "asks/once.html").read_text())
    assert "“Invoices that show the shop name” Dune Shops · Eve Stone · asked 1 Sep 2026 (80 days ago)" in once
    # The group's own page lists all its asks, the same rows as its card
    page = text_of((out / "asks/g-spanish-handbook.html").read_text())
    assert "“spanish handbook” 3 customers · £42,000 a year (1 with no value written)" in page
    assert all(w in page for w in ("Anders Books", "Bolt Academy", "Cedar Clinics")) and "Dune" not in page


def test_an_available_entry_tells_exactly_the_three_who_asked_each_by_name(root: Path):
    out = built(root)
    assert tells(out) == {
        "anders": ("Ana Lima", "Tell Ana Lima: Spanish edition of the handbook is available \u2014 Ana asked on "
                               "12 Mar 2026", "content/customers/anders/customer.yaml:10"),
        "bolt": ("Carlos Ruiz", "Tell Carlos Ruiz: Spanish edition of the handbook is available \u2014 Carlos asked "
                                "on 1 Oct 2026", "content/customers/bolt/customer.yaml:10"),
        "cedar": ("Dee Park", "Tell Dee Park: Spanish edition of the handbook is available \u2014 Dee asked on "
                              "16 Nov 2026", "content/customers/cedar/customer.yaml:9"),
    }
    assert "answer" not in kinds(out, "bolt") and "answer" in kinds(out, "dune")
    page = text_of((out / "customers/bolt/index.html").read_text())
    assert "it matches 'spanish' in the ask of 1 Oct" in page
    assert "Spanish edition of the handbook is available (since 18 Nov 2026): tell them." in page


def test_answering_the_ask_ends_the_tell(root: Path):
    yaml = root / "content/customers/bolt/customer.yaml"
    yaml.write_text(yaml.read_text() + "    status: answered\n")
    out = built(root)
    assert set(tells(out)) == {"anders", "cedar"}
    assert not {"tell", "answer"} & set(kinds(out, "bolt"))
    (group,) = group_texts(out)
    assert "Bolt Academy" not in group and group.startswith("spanish handbook 2 customers")


def test_the_customer_page_and_the_home_page_link_to_the_asks(root: Path):
    out = built(root)
    page = parse(out / "customers/bolt/index.html")
    # asks.html only: where an ask is shown depends on the other customers, a customer page must not
    assert [v for _, _, v in page.links if "asks" in v] == ["../../asks.html"]
    home = parse(out / "index.html")
    assert "asks.html" in [v for _, _, v in home.links]
    assert "asks/g-spanish-handbook.html" in [v for _, _, v in home.links]
    assert "Spanish edition of the handbook is available since 18 Nov 2026: 3 customers to tell." in \
        text_of((out / "index.html").read_text())


def test_playbook_asks_prints_the_same_groups(root: Path):
    code, out, err = run_cli(["asks", str(root)])
    assert (code, err) == (0, "")
    assert out.startswith("What customers ask for, as of 20 Nov 2026: 4 open or parked asks from 4 customers; "
                          "1 thing asked for by more than one\n\nspanish handbook \u2014 3 customers, £42,000 a year\n"
                          "  Spanish edition of the handbook: available since 18 Nov 2026, 3 asks to tell "
                          "(playbook.yaml:8)\n  12 Mar 2026 (253 days ago)  Anders Books · Ana Lima\n")
    assert "\nAsked by one customer \u2014 1\n  1 Sep 2026 (80 days ago)  Dune Shops · Eve Stone\n" in out
    code, out, _ = run_cli(["asks", str(root), "--format", "json"])
    data = json.loads(out)
    (g,) = data["groups"]
    assert (g["label"], g["customers"], g["value"]) == ("spanish handbook", ["anders", "bolt", "cedar"], 42000)
    assert [a["tell"] for a in g["asks"]] == ["Spanish edition of the handbook"] * 3
    assert [a["customer"] for a in data["ungrouped"]] == ["dune"]


def test_check_warns_about_an_entry_that_matches_no_ask(root: Path):
    cfg = root / "playbook.yaml"
    cfg.write_text(cfg.read_text() + "  - what: Ukrainian edition\n    on: 2026-11-18\n    about: [ukranian]\n")
    code, out, _ = run_cli(["check", str(root)])
    assert code == 0
    assert ("playbook.yaml:11:1: warning: available 'Ukrainian edition' matches no ask: no customer's ask has "
            "'ukranian' in its words or its 'about'; check the 'about' words") in out
    assert run_cli(["check", str(root), "--strict"])[0] == 1
    report = build(root, root / "site", use_cache=False)           # build reports it too
    assert any("matches no ask" in p.message and p.line == 11 for p in report.problems)



def test_playbook_done_answers_the_ask_and_the_tell_goes(root: Path):
    yaml = root / "content/customers/cedar/customer.yaml"
    before = yaml.read_text()
    code, out, err = run_cli(["done", "cedar", "spanish-language", "--root", str(root)])
    assert (code, err) == (0, "")
    assert yaml.read_text() == before + "    status: answered\n"
    assert set(tells(built(root))) == {"anders", "bolt"}


def test_a_parked_ask_that_something_available_answers_is_on_dones_list(root: Path):
    yaml = root / "content/customers/bolt/customer.yaml"
    yaml.write_text(yaml.read_text() + "    status: parked   # until the translation is done\n"
                    "    until: 2027-06-01\n  - what: A printed copy\n    status: parked\n")
    assert "bolt" in tells(built(root))                      # parked, and told
    code, out, _ = run_cli(["done", "bolt", "--root", str(root)])
    assert code == 0
    assert ("  1. The handbook translated into Spanish for the Madrid office (from Carlos Ruiz, since 1 Oct 2026, "
            "parked; Spanish edition of the handbook is available from 18 Nov 2026)\n") in out
    assert "A printed copy" not in out                       # parked, and nothing has come in for it
    code, out, err = run_cli(["done", "bolt", "1", "--root", str(root)])
    assert code == 0, err
    assert yaml.read_text().endswith("    from: Carlos\n    status: answered   # until the translation is done\n"
                                     "  - what: A printed copy\n    status: parked\n")
    assert "bolt" not in tells(built(root))


@pytest.mark.parametrize("before, after", [
    ("asks:\n  - what: X\n    until: 2027-01-01   # a note\n    status: parked\n",
     "asks:\n  - what: X\n    status: parked\n"),
    ("asks:\r\n  - what: X\r\n    status: parked\r\n    until: 2027-01-01\r\n",
     "asks:\r\n  - what: X\r\n    status: parked\r\n"),
    ("asks:\n  - what: X\n    status: parked\n", "asks:\n  - what: X\n    status: parked\n"),   # no until
])
def test_remove_field_takes_out_one_line(before, after):
    from playbook.capture.yamledit import remove_field
    assert remove_field("name: A\n" + before, "asks", 3, "until") == "name: A\n" + after


@pytest.mark.parametrize("before", [
    "asks:\n  - {what: X, until: 2027-01-01}\n",
    "asks:\n  - until: 2027-01-01\n    what: X\n",
])
def test_remove_field_refuses_what_is_not_a_line_of_its_own(before):
    from playbook.capture.yamledit import Unsupported, remove_field
    with pytest.raises(Unsupported, match="edit it by hand"):
        remove_field("name: A\n" + before, "asks", 3, "until")


def test_serve_groups_the_asks_again_only_when_an_ask_changed(root: Path, monkeypatch):
    """The asks are grouped over the whole book; `serve` keeps the groups while what grouping
    reads of every customer is equal, and the site is still the cold build's."""
    from builds import cold, same
    from helpers import tree
    from playbook.build import Session
    from playbook.site import views
    calls = []
    real = views.group_asks
    monkeypatch.setattr(views, "group_asks", lambda rels: calls.append(1) or real(rels))
    session = Session(root, root / "served")

    def grouped_again(changed: Path) -> bool:
        before = len(calls)
        assert session.rebuild([changed]).ok
        return len(calls) > before

    assert session.rebuild().ok
    dune_note = root / "content/customers/dune/interactions/2026-11-10-call.md"
    dune_note.write_text(dune_note.read_text().replace("A good call.", "A great call: they liked the invoices."))
    assert not grouped_again(dune_note)
    same(tree(root / "served"), cold(root), "a note edited")
    anders = root / "content/customers/anders/customer.yaml"
    anders.write_text(anders.read_text().replace("Is there a Spanish edition", "Invoices with the shop name? A Spanish edition"))
    assert grouped_again(anders)
    same(tree(root / "served"), cold(root), "an ask edited")


def test_a_parked_ask_whose_answer_has_come_says_so_not_until_further_notice(root: Path):
    """Kestrel's read "parked until further notice, so never overdue" directly above "Managed
    zero-trust access is available: tell them" (a seventeenth blind read), and then "parked until we
    could offer it, so never overdue" (a twenty-ninth): come in, it is ours to tell them."""
    yaml = root / "content/customers/bolt/customer.yaml"
    yaml.write_text(yaml.read_text() + "    status: parked\n  - what: A printed copy\n    status: parked\n")
    page = text_of((built(root) / "customers/bolt/index.html").read_text())
    assert ("Carlos Ruiz asked 1 Oct 2026; parked until we could offer it, as we now can: ours to tell them "
            "customer.yaml:10 Spanish edition of the handbook is available (since 18 Nov "
            "2026): tell them.") in page
    assert "A printed copy parked until further notice, so never overdue" in page  # nothing has come for it


@pytest.mark.parametrize("paused", [False, True])
def test_a_parked_ask_of_ours_says_so_on_the_profile(root: Path, paused: bool):
    """Lantern's profile read "parked until 11 Jan 2027, so never overdue" of the Copilot price
    agreed for after the party season, while its brief said "ours to answer from then" (a check
    of a twenty-eighth blind read's fix). Held by a pause they asked for, it is theirs."""
    yaml = root / "content/customers/dune/customer.yaml"
    text = yaml.read_text() + "    status: parked\n    until: 2027-01-11\n"
    if paused:
        text += "pause:\n  until: 2027-01-11\n  why: Not before the new year\n"
    yaml.write_text(text)
    page = text_of((built(root) / "customers/dune/index.html").read_text())
    ours = "Eve Stone asked 1 Sep 2026; parked until 11 Jan 2027, so not overdue before then; ours to answer from then"
    assert (ours in page) is not paused
    assert ("Eve Stone asked 1 Sep 2026; parked until 11 Jan 2027, so never overdue" in page) is paused
