"""Capture without writing YAML: contacts, asks and opportunities added to customer.yaml
from the command line (comments and layout kept, every other byte the same), asks and
promises ticked from a numbered list, and `log --edit`'s hints."""

from __future__ import annotations

import difflib
import stat
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ACME, ACME_YAML, PLAYBOOK_YAML, note, run_cli, write_playbook
from playbook.capture import CaptureError
from playbook.capture.customers import CustomerRef
from playbook.capture.profile import add_ask, add_contact, edit_profile, rewrite_file
from playbook.capture.yamledit import Unsupported, append_item, set_fields
from playbook.check import check
from playbook.config import Config
from playbook.load import load


@pytest.fixture(autouse=True)
def _no_user(monkeypatch):
    monkeypatch.delenv("PLAYBOOK_USER", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)


COMMENTED = """\
# Acme: our oldest customer
name: Acme Bakery   # as on the sign
owner: maya
since: 2025-01-10
contacts:
  - name: Maria Lopez
    role: CFO      # signs off
    # birthday: 03-14 (ask her)

  - Ben Ortiz

# What they asked
asks:
  - Can invoices show the shop name?   # from the call
  - what: Quote for a fourth shop
    since: 2026-10-28
    from: Maria
notes: |
  Family-run since 1962.

  Prefers a call.
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_playbook(tmp_path / "pb", {
        "playbook.yaml": PLAYBOOK_YAML, ACME_YAML: COMMENTED,
        note("2026-11-02-call.md"): "---\nwith: Maria\n---\nCalled.\n\n- [ ] Send the quote (due 2026-12-01)\n"
                                    "- [x] Share the case study\n",
    })


def yaml_of(root: Path) -> str:
    return (root / ACME_YAML).read_text()


# -- the text edits ---------------------------------------------------------------------------------

@pytest.mark.parametrize("before, after", [
    # After the last item (and the comment lines indented under it), before blank lines and comments.
    (COMMENTED, COMMENTED.replace("  - Ben Ortiz\n", "  - Ben Ortiz\n  - name: Anita Patel\n")),
    ("name: A\ncontacts:\n  - name: B\n    role: X  # r\n    # later\n# top\nasks: []\n",
     "name: A\ncontacts:\n  - name: B\n    role: X  # r\n    # later\n  - name: Anita Patel\n# top\nasks: []\n"),
    # Line endings, a list not indented, no final newline.
    ("name: A\r\ncontacts:\r\n- B\r\n- C", "name: A\r\ncontacts:\r\n- B\r\n- C\r\n- name: Anita Patel\r\n"),
    ("name: A\rcontacts:\r- B\r", "name: A\rcontacts:\r- B\r- name: Anita Patel\r"),
    # A flow list gains a flow item; an empty value or [] becomes a block list.
    ("name: A\ncontacts: [B, {name: C}]  # two\n", "name: A\ncontacts: [B, {name: C}, {name: Anita Patel}]  # two\n"),
    ("name: A\ncontacts: []  # none yet\nasks: []\n",
     "name: A\ncontacts:  # none yet\n  - name: Anita Patel\nasks: []\n"),
    ("name: A\ncontacts:\nasks: []\n", "name: A\ncontacts:\n  - name: Anita Patel\nasks: []\n"),
    ("name: A\ncontacts: ~\n", "name: A\ncontacts:\n  - name: Anita Patel\n"),
    # No list yet: one at the end.
    ("name: A", "name: A\ncontacts:\n  - name: Anita Patel\n"),
    # The last item ends with a block of text.
    ("contacts:\n  - name: B\n    notes: |\n      one\n\n      two\nname: A\n",
     "contacts:\n  - name: B\n    notes: |\n      one\n\n      two\n  - name: Anita Patel\nname: A\n"),
])
def test_append_item(before: str, after: str):
    assert append_item(before, "contacts", [("name", "Anita Patel")]) == after


@pytest.mark.parametrize("before, line, after", [
    ("asks:\n  - Can we? # q\n  - x\n", 2, "asks:\n  - what: Can we?\n    status: answered # q\n  - x\n"),
    ("asks:\n  - what: Q\n    status: open  # s\n", 2, "asks:\n  - what: Q\n    status: answered  # s\n"),
    ("asks:\n  - what: Q\n    since: 2026-01-01\n  # after\n", 2,
     "asks:\n  - what: Q\n    since: 2026-01-01\n    status: answered\n  # after\n"),
    ("asks: [Can we, {what: Q}]\n", 1, "asks: [{what: Can we, status: answered}, {what: Q}]\n"),
    ("asks: [{what: Q}, R]\n", 1, "asks: [{what: Q, status: answered}, R]\n"),
])
def test_set_fields(before: str, line: int, after: str):
    assert set_fields(before, "asks", line, [("status", "answered")], "what") == after


@pytest.mark.parametrize("text", ["{name: A, contacts: [B]}\n", "name: A\nx: &p [B]\ncontacts: *p\n",
                                  "name: A\ncontacts: Maria\n"])
def test_shapes_it_does_not_edit_are_refused(text: str):
    with pytest.raises(Unsupported):
        append_item(text, "contacts", [("name", "Anita")])


# -- proved before written ------------------------------------------------------------------------------

def test_a_file_with_errors_is_not_edited(root: Path):
    (root / ACME_YAML).write_text(COMMENTED + "status: paused\n")
    before = (root / ACME_YAML).read_bytes()
    code, out, err = run_cli(["log", "acme", "Met Anita.", "--with", "Anita Patel", "--add-contact",
                              "--root", str(root)])
    assert (code, out) == (1, "")
    assert err == ("playbook: content/customers/acme/customer.yaml has errors, so Playbook will not edit it "
                   "(first: content/customers/acme/customer.yaml:22: unknown status 'paused'; use one of 'active', "
                   "'ended'); fix them (see 'playbook check') and try again\n")
    assert (root / ACME_YAML).read_bytes() == before
    assert len(list((root / ACME / "interactions").iterdir())) == 1  # no note either


def test_an_edit_that_would_change_something_else_is_refused(root: Path, monkeypatch):
    import playbook.capture.profile as profile
    monkeypatch.setattr(profile, "append_item", lambda t, k, f: t.replace("role: CFO", "role: CEO") + "contacts: x\n")
    before = (root / ACME_YAML).read_bytes()
    ref = CustomerRef("acme", "Acme Bakery", (root / ACME).resolve())
    with pytest.raises(CaptureError) as exc:
        edit_profile(root, ref, Config(), [profile.add_contact("Anita")])
    assert "without altering something else" in str(exc.value)
    assert (root / ACME_YAML).read_bytes() == before


def test_rewrite_keeps_mode_and_refuses_a_file_changed_meanwhile(root: Path):
    path = root / ACME_YAML
    path.chmod(0o640)
    data = path.read_bytes()
    rewrite_file(path, data, data + b"tags: [x]\n", root)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and path.read_bytes() == data + b"tags: [x]\n"
    with pytest.raises(CaptureError, match="changed while Playbook was editing it"):
        rewrite_file(path, data, data + b"tier: key\n", root)
    assert path.read_bytes() == data + b"tags: [x]\n"
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(min_size=1, max_size=30).filter(lambda s: s.strip()),
       what=st.text(min_size=1, max_size=60).filter(lambda s: s.strip()))
def test_any_name_and_ask_reads_back_exactly_or_nothing_is_written(tmp_path: Path, name: str, what: str):
    root = write_playbook(tmp_path / "fuzz", {ACME_YAML: COMMENTED})
    ref = CustomerRef("acme", "Acme Bakery", (root / ACME).resolve())
    before = (root / ACME_YAML).read_bytes()
    name, what = " ".join(name.split()), " ".join(what.split())
    try:
        edit_profile(root, ref, Config(), [add_contact(name), add_ask(what, None, None)])
    except CaptureError:
        assert (root / ACME_YAML).read_bytes() == before
        return
    (customer,) = load(root).playbook.customers
    assert customer.contacts[-1].name == name and customer.asks[-1].what == what
    # Lines were only added: every line that was there is there, in order, as it was.
    diff = difflib.ndiff(COMMENTED.splitlines(), (root / ACME_YAML).read_text().splitlines())
    assert all(d.startswith(("  ", "+ ")) for d in diff)


# -- log --add-contact, --ask, --from ------------------------------------------------------------------

def test_log_with_a_new_person_adds_the_contact(root: Path, tmp_path: Path):
    code, out, err = run_cli(["log", "acme", "Met their new CTO.", "--with", "Anita Patel", "--add-contact",
                              "--date", "2026-11-10", "--root", str(root)])
    assert code == 0
    assert err == "playbook: added Anita Patel to the contacts in content/customers/acme/customer.yaml\n"
    assert yaml_of(root) == COMMENTED.replace("  - Ben Ortiz\n", "  - Ben Ortiz\n  - name: Anita Patel\n")
    # Later, her first name is enough, and the site knows one Anita.
    code, out, err = run_cli(["log", "acme", "Anita called back.", "--with", "anita", "--date", "2026-11-12",
                              "--root", str(root)])
    assert (code, err) == (0, "")
    loaded = load(root)
    assert loaded.problems == []
    (c,) = loaded.playbook.customers
    assert [i.with_ for i in c.interactions] == [("Maria Lopez",), ("Anita Patel",), ("Anita Patel",)]
    assert run_cli(["build", str(root), "--out", str(tmp_path / "site"), "-q"])[0] == 0
    page = (tmp_path / "site/customers/acme/index.html").read_text()
    assert "Anita Patel" in page and ">Anita<" not in page and "Anita called back" in page


def test_log_with_a_new_person_without_add_contact_says_how(root: Path):
    code, _, err = run_cli(["log", "acme", "Met Anita.", "--with", "Anita Patel", "--date", "2026-11-19",
                            "--root", str(root)])
    assert code == 0
    assert err == ("playbook: warning: 'Anita Patel' is not among this customer's contacts (Maria Lopez, Ben Ortiz); "
                   "add them to customer.yaml or fix the spelling (or log it again with --add-contact)\n")
    assert yaml_of(root) == COMMENTED


def test_log_an_ask(root: Path):
    code, out, err = run_cli(["log", "acme", "--ask", "Can we pay by card?", "--from", "ben", "--type", "call",
                              "--date", "2026-11-18", "--root", str(root)])
    assert code == 0, err
    assert err == ("playbook: added the ask 'Can we pay by card?' from Ben Ortiz to "
                   "content/customers/acme/customer.yaml\n")
    assert yaml_of(root) == COMMENTED.replace(
        "    from: Maria\n", "    from: Maria\n  - what: Can we pay by card?\n    since: 2026-11-18\n    from: Ben Ortiz\n")
    path = Path(out.strip())
    assert path.read_text() == ("---\ndate: 2026-11-18\ntype: call\nwith: Ben Ortiz\n---\n"
                                "Ben Ortiz asked: Can we pay by card?\n")
    loaded = load(root)
    assert loaded.problems == []
    ask = loaded.playbook.customers[0].asks[-1]
    assert (ask.what, str(ask.since), ask.from_, ask.status) == ("Can we pay by card?", "2026-11-18", "Ben Ortiz", "open")


def test_log_an_ask_from_a_new_person_with_a_note(root: Path):
    code, out, err = run_cli(["log", "acme", "Sam from finance rang.", "--ask", "Invoice per shop",
                              "--ask", "A PO number on invoices", "--from", "Sam Reed", "--add-contact",
                              "--date", "yesterday", "--root", str(root)])
    assert code == 0, err
    (c,) = load(root).playbook.customers
    assert c.contacts[-1].name == "Sam Reed"
    assert [(a.what, a.from_) for a in c.asks[-2:]] == [("Invoice per shop", "Sam Reed"),
                                                        ("A PO number on invoices", "Sam Reed")]
    assert Path(out.strip()).read_text().endswith("with: Sam Reed\n---\nSam from finance rang.\n")
    assert check(root, as_of=date.today())[0] == []


def test_from_needs_an_ask(root: Path):
    code, _, err = run_cli(["log", "acme", "x", "--from", "Maria", "--root", str(root)])
    assert code == 2 and err == "playbook: --from says who asked: give the ask with --ask \"…\"\n"


# -- done: list, pick by number or text, asks too, twice is fine -------------------------------------------

LISTING = """\
Promises to Acme Bakery not kept yet:
  1. Send the quote (due 1 Dec 2026)
     content/customers/acme/interactions/2026-11-02-call.md:6
Asks from Acme Bakery not answered yet:
  2. Can invoices show the shop name?
     content/customers/acme/customer.yaml:14
  3. Quote for a fourth shop (from Maria Lopez, since 28 Oct 2026)
     content/customers/acme/customer.yaml:15
"""


def test_done_lists_what_is_open(root: Path):
    code, out, err = run_cli(["done", "acme", "--root", str(root)])
    assert (code, err) == (0, "")
    assert out == LISTING + "Tick one with: playbook done acme NUMBER (or part of its text)\n"


def test_done_by_number_answers_an_ask_in_customer_yaml(root: Path):
    code, out, err = run_cli(["done", "acme", "2", "--root", str(root)])
    assert (code, err) == (0, "")
    assert out == f"answered {(root / ACME_YAML).resolve()}:14: Can invoices show the shop name?\n"
    assert yaml_of(root) == COMMENTED.replace(
        "  - Can invoices show the shop name?   # from the call\n",
        "  - what: Can invoices show the shop name?\n    status: answered   # from the call\n")
    code, out, _ = run_cli(["done", "acme", "invoices", "--root", str(root)])
    assert code == 0 and out == f"already done: {(root / ACME_YAML).resolve()}:14: Can invoices show the shop name?\n"
    code, out, _ = run_cli(["done", "acme", "--root", str(root)])
    assert "invoices" not in out and "  2. Quote for a fourth shop" in out  # renumbered


def test_done_by_number_ticks_a_promise(root: Path):
    code, out, _ = run_cli(["done", "acme", "1", "--root", str(root)])
    path = (root / note("2026-11-02-call.md")).resolve()
    assert code == 0 and out == f"ticked {path}:6: Send the quote\n"
    assert "- [x] Send the quote (due 2026-12-01)" in path.read_text()
    code, out, _ = run_cli(["done", "acme", "send the quote", "--root", str(root)])
    assert (code, out) == (0, f"already done: {path}:6: Send the quote\n")
    code, _, err = run_cli(["done", "acme", "7", "--root", str(root)])
    assert code == 1 and err.startswith("playbook: there is no number 7: Acme Bakery has 2 open.\n")


def test_done_asks_which_on_a_terminal(root: Path, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "3")
    code, out, err = run_cli(["done", "acme", "--root", str(root)])
    assert (code, err) == (0, "")
    assert out == LISTING + f"answered {(root / ACME_YAML).resolve()}:15: Quote for a fourth shop\n"
    assert "    from: Maria\n    status: answered\n" in yaml_of(root)
    monkeypatch.setattr("builtins.input", lambda prompt: "")
    before = yaml_of(root)
    assert run_cli(["done", "acme", "--root", str(root)])[0] == 0
    assert yaml_of(root) == before


def test_done_with_nothing_open(root: Path):
    (root / ACME_YAML).write_text("name: Acme Bakery\n")
    (root / note("2026-11-02-call.md")).write_text("Called.\n")
    assert run_cli(["done", "acme", "--root", str(root)]) == (
        0, "Acme Bakery has nothing open: no open promises ('- [ ] …' in its notes) and no open asks.\n", "")


# -- opportunity ----------------------------------------------------------------------------------------

def test_opportunities_added_listed_and_decided(root: Path):
    code, out, err = run_cli(["opportunity", "acme", "Fourth shop", "--value", "40,000", "--since", "2026-11-01",
                              "--root", str(root)])
    assert (code, err) == (0, "")
    assert out == "added the opportunity 'Fourth shop' to content/customers/acme/customer.yaml\n"
    assert yaml_of(root) == COMMENTED + ("opportunities:\n  - what: Fourth shop\n    value: 40000\n"
                                         "    since: 2026-11-01\n")
    assert run_cli(["opportunity", "acme", "Catering", "--since", "2026-11-05", "--root", str(root)])[0] == 0
    code, out, _ = run_cli(["opportunity", "acme", "--root", str(root)])
    assert out == ("  1. Fourth shop, 40,000, since 1 Nov 2026\n     content/customers/acme/customer.yaml:23\n"
                   "  2. Catering, since 5 Nov 2026\n     content/customers/acme/customer.yaml:26\n")
    code, out, _ = run_cli(["opportunity", "acme", "1", "--won", "--date", "2026-11-19", "--root", str(root)])
    assert (code, out) == (0, "marked won: Fourth shop (content/customers/acme/customer.yaml)\n")
    code, out, _ = run_cli(["opportunity", "acme", "fourth", "--lost", "--root", str(root)])
    assert (code, out) == (0, "already won: Fourth shop (content/customers/acme/customer.yaml)\n")
    code, _, err = run_cli(["opportunity", "acme", "catering", "--lost", "--date", "2026-11-01", "--root", str(root)])
    assert code == 2 and err == "playbook: 'Catering' came up on 2026-11-05; give a --date on or after that\n"
    (c,) = load(root).playbook.customers
    assert [(o.what, o.value, o.status, str(o.closed)) for o in c.opportunities] == [
        ("Fourth shop", 40000.0, "won", "2026-11-19"), ("Catering", None, "open", "None")]
    assert yaml_of(root).endswith("    since: 2026-11-01\n    status: won\n    closed: 2026-11-19\n"
                                  "  - what: Catering\n    since: 2026-11-05\n")


@pytest.mark.parametrize("args, message", [
    (["--value", "lots"], "--value 'lots' is not an amount; write a number like 40000 or 40,000"),
    (["--value", "-5"], "--value '-5' is not an amount; write a number like 40000 or 40,000"),
    (["--won", "--value", "5"], "--value and --since are for adding an opportunity, not for --won or --lost"),
    (["--date", "yesterday"], "--date is when one was won or lost; for when it came up, use --since"),
])
def test_opportunity_usage(root: Path, args, message):
    code, out, err = run_cli(["opportunity", "acme", "Deal", *args, "--root", str(root)])
    assert (code, out, err) == (2, "", f"playbook: {message}\n")
    assert yaml_of(root) == COMMENTED


# -- log --edit: hints in the front matter ---------------------------------------------------------------

def editor(tmp_path: Path, script: str) -> str:
    path = tmp_path / "editor.sh"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


def test_edit_shows_hints_and_removes_those_left(root: Path, tmp_path: Path, monkeypatch):
    seen = tmp_path / "seen.md"
    monkeypatch.setenv("EDITOR", editor(tmp_path, f'cp "$1" {seen}\nsed -i "s/^# sentiment: positive .*/sentiment: '
                                                  f'positive/" "$1"\necho "Went well." >> "$1"\n'))
    code, out, err = run_cli(["log", "acme", "--type", "call", "--edit", "--date", "2026-11-19", "--root", str(root)])
    assert code == 0, err
    assert seen.read_text() == (
        "---\ndate: 2026-11-19\ntype: call\n"
        "# Uncomment ('# ' off) and fill in the fields you want; the notes go below the last '---'.\n"
        "# with: [Maria Lopez]   # who took part: Maria Lopez, Ben Ortiz\n"
        "# by: maya   # who on the team: maya, tomas\n"
        "# sentiment: positive   # very negative, negative, neutral, positive, very positive\n"
        "# direction: out   # in: they reached out; out: we did\n"
        '# summary: "One line"   # default: the first sentence of the notes\n'
        "# Promises are task items in the notes: - [ ] Send the quote (due 2026-12-01)\n"
        "---\n")
    assert Path(out.strip()).read_text() == "---\ndate: 2026-11-19\ntype: call\nsentiment: positive\n---\nWent well.\n"


def test_edit_left_empty_logs_nothing(root: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("EDITOR", editor(tmp_path, "exit 0\n"))
    code, _, err = run_cli(["log", "acme", "--edit", "--root", str(root)])
    assert code == 1 and "no interaction logged" in err
    assert len(list((root / ACME / "interactions").iterdir())) == 1


@pytest.mark.parametrize("text, line", [
    ("name: Acme\nsince: 2025-01-01\n...\n# trailing\n", 3),
    ("---\nname: Acme\nsince: 2025-01-01\n...\n", 4),
])
def test_a_customer_yaml_with_document_markers_is_refused_with_its_line(tmp_path: Path, text: str, line: int):
    """A `...` end marker made every edit fail with "could not make this change… please report
    this" (a fuzzing session): valid YAML, so it is said what to do, with the line."""
    root = write_playbook(tmp_path, {"playbook.yaml": PLAYBOOK_YAML, ACME_YAML: text})
    code, out, err = run_cli(["log", "acme", "Called", "--with", "New Person", "--add-contact"], cwd=root)
    assert code != 0 and f"{ACME_YAML}:{line}: this line marks where the YAML document ends" in err, err
    assert "please report" not in err and (root / ACME_YAML).read_text() == text
    # A document start on the first line is fine.
    (root / ACME_YAML).write_text("---\n" + text.split("...")[0].removeprefix("---\n"))
    code, out, err = run_cli(["log", "acme", "Called", "--with", "New Person", "--add-contact"], cwd=root)
    assert code == 0, err
