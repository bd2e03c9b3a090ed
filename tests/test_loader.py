"""Loading customers and notes: one test per kind of bad input, each pinned to its file, line
and column (playbook.yaml's own faults are in test_config.py).

Every test goes through `load_case` (conftest.py), which also writes a second customer
with known faults and asserts they were reported: a bad file never stops the loader.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from helpers import (
    ACME, ACME_YAML, CUSTOMER_YAML, PLAYBOOK_YAML, note, one, only, write_playbook,
)
from playbook.check import check
from playbook.folders import IGNORED, ignored
from playbook.config import CONFIG_FILE
from playbook.load import MAX_FILE_BYTES, load
from playbook.model import Birthday, Commitment, Source

TYPES = "'call', 'meeting', 'email', 'visit', 'message', 'support', 'purchase', 'event', 'note'"

# -- customer.yaml -----------------------------------------------------------------------------

CUSTOMER_FAULTS = [
    # id, customer.yaml, line, column, severity, words in the message
    ("missing-name", "tier: key\nowner: maya\n", 1, 1, "error",
     ["customer.yaml has no 'name'", "name: ..."]),
    ("empty-name", 'name: ""\n', 1, 7, "error", ["'name' is empty"]),
    ("name-is-a-list", "name: [Acme, Bakery]\n", 1, 7, "error", ["'name' should be text, not a list"]),
    ("top-level-list", "- name: Acme\n", 1, 1, "error",
     ["customer.yaml should hold 'field: value' lines, not a list"]),
    ("top-level-text", "Acme Bakery\n", 1, 1, "error",
     ["customer.yaml should hold 'field: value' lines, not 'Acme Bakery'"]),
    ("contacts-mapping-not-list", "name: Acme\ncontacts:\n  name: Maria\n", 3, 3, "error",
     ["'contacts' should be a list (lines starting with '- '), not a mapping"]),
    ("contact-list-not-mapping", "name: Acme\ncontacts:\n  - [Maria, CFO]\n", 3, 5, "error",
     ["each contact should have 'name: …'"]),
    ("tags-mapping", "name: Acme\ntags:\n  retail: yes\n", 3, 3, "error",
     ["'tags' should be a list like [a, b], not a mapping"]),
    ("unknown-status", "name: Acme\nstatus: paused\n", 2, 9, "error",
     ["unknown status 'paused'", "use one of 'active', 'ended'"]),
    ("misspelt-status", "name: Acme\nstatus: actve\n", 2, 9, "error",
     ["unknown status 'actve'", "did you mean 'active'?"]),
    ("impossible-since", "name: Acme\nsince: 2026-02-30\n", 2, 8, "error",
     ["'since: 2026-02-30' is not a real date", "check the day and month"]),
    ("impossible-renewal", "name: Acme\nrenewal: 2026-13-01\n", 2, 10, "error",
     ["'renewal: 2026-13-01' is not a real date"]),
    ("renewal-not-a-date", "name: Acme\nrenewal: next spring\n", 2, 10, "error",
     ["'renewal' should be a date written YYYY-MM-DD, not 'next spring'"]),
    ("since-is-a-list", "name: Acme\nsince: [2020]\n", 2, 8, "error",
     ["'since' should be a date like 2026-11-20, not a list"]),
    ("value-not-a-number", "name: Acme\nvalue: lots\n", 2, 8, "error",
     ["'value' should be a number like 12000, not 'lots'"]),
    ("value-nan", "name: Acme\nvalue: nan\n", 2, 8, "error", ["'value' should be a number like 12000, not 'nan'"]),
    ("value-infinite", "name: Acme\nvalue: .inf\n", 2, 8, "error",
     ["'value' should be a number like 12000, not '.inf'"]),
    ("unknown-field", "name: Acme\nowner: maya\ntgas: [retail]\n", 3, 1, "error",
     ["unknown field 'tgas' in customer.yaml", "(did you mean 'tags'?)", "expected one of 'name'"]),
    ("unknown-contact-field", "name: Acme\ncontacts:\n  - name: Maria\n    emial: m@x.org\n", 4, 5, "error",
     ["unknown field 'emial' in a contact", "(did you mean 'email'?)"]),
    ("unknown-ask-field", "name: Acme\nasks:\n  - what: A quote\n    sine: 2026-01-01\n", 4, 5, "error",
     ["unknown field 'sine' in an ask", "(did you mean 'since'?)"]),
    ("contact-without-name", "name: Acme\ncontacts:\n  - role: CFO\n", 3, 5, "error",
     ["a contact has no 'name'"]),
    ("ask-without-what", "name: Acme\nasks:\n  - since: 2026-01-01\n", 3, 5, "error",
     ["an ask has no 'what'"]),
    ("primary-not-boolean", "name: Acme\ncontacts:\n  - name: Maria\n    primary: maybe\n", 4, 14, "error",
     ["'primary' should be true or false, not 'maybe'"]),
    ("contact-twice", "name: Acme\ncontacts:\n  - name: Maria Lopez\n  - name: maria lopez\n", 4, 0, "error",
     ["contact 'maria lopez' is listed twice (also line 3)"]),
    # One action listed as covering itself ("Also covers" its own title), without a word.
    ("date-twice", "name: Acme\ndates:\n  - what: Office move\n    on: 2027-01-11\n  - what: office  move\n"
     "    on: 2027-01-11\n", 5, 0, "warning", ["date 'office  move' is listed twice (also line 3); keep one"]),
    ("ask-twice", "name: Acme\nasks:\n  - what: A quote\n    since: 2026-01-01\n  - what: A quote\n"
     "    since: 2026-01-01\n", 5, 0, "warning", ["ask 'A quote' is listed twice (also line 3); keep one"]),
    ("owner-not-in-team", "name: Acme\nowner: bob\n", 2, 8, "warning",
     ["owner 'bob' is not a team member in playbook.yaml"]),
    ("tier-without-cadence", "name: Acme\ntier: gold\n", 2, 0, "warning",
     ["tier 'gold' has no cadence in playbook.yaml (known: key)", "the default cadence applies"]),
    ("bad-cadence", "name: Acme\ncadence: fortnight\n", 2, 10, "error",
     ["'cadence' should be a number of days like 14, '14d', '2w' or '1m', not 'fortnight'"]),
    ("bad-birthday", "name: Acme\ncontacts:\n  - name: Maria\n    birthday: 02-30\n", 4, 15, "error",
     ["birthday '02-30' is not a real day", "MM-DD"]),
]


@pytest.mark.parametrize("text,line,column,severity,words", [c[1:] for c in CUSTOMER_FAULTS],
                         ids=[c[0] for c in CUSTOMER_FAULTS])
def test_customer_yaml_fault(load_case, text, line, column, severity, words):
    case = load_case({ACME_YAML: text})
    problems = only(case.problems, ACME_YAML)
    assert len(problems) == 1, "\n".join(map(str, case.problems))
    p = problems[0]
    assert (p.line, p.column, p.severity) == (line, column, severity)
    for w in words:
        assert w in p.message, p.message
    assert case.problems == problems  # nothing reported elsewhere


def test_customer_without_name_is_not_loaded_but_others_are(load_case):
    case = load_case({ACME_YAML: "tier: key\n"})
    assert not case.has_customer("acme")
    assert case.has_customer("zeta")


def test_a_bad_field_does_not_lose_the_customer(load_case):
    case = load_case({ACME_YAML: "name: Acme\nstatus: paused\nsince: 2026-02-30\ntier: key\n"})
    assert [(p.line, p.column) for p in case.problems] == [(2, 9), (3, 8)]
    c = case.customer()
    assert (c.name, c.status, c.since, c.tier) == ("Acme", "active", None, "key")


def test_empty_customer_yaml_is_an_error(load_case):
    case = load_case({ACME_YAML: ""})
    p = one(case.problems, ACME_YAML)
    assert (p.line, p.column, p.severity) == (1, 0, "error")
    assert "customer.yaml is empty; it needs at least 'name: …'" == p.message


def test_comment_only_customer_yaml_is_empty(load_case):
    case = load_case({ACME_YAML: "# to do\n\n"})
    assert "customer.yaml is empty" in one(case.problems, ACME_YAML).message


def test_folder_without_customer_yaml(load_case):
    case = load_case({"content/customers/beta/interactions/2026-11-01-call.md": "Called.\n"})
    p = one(case.problems, "content/customers/beta/customer.yaml")
    assert (p.line, p.column, p.severity) == (0, 0, "error")
    assert "missing customer.yaml" in p.message and "'name: …'" in p.message
    assert not case.has_customer("beta")


def test_customer_yml_gets_a_rename_hint(load_case):
    case = load_case({"content/customers/beta/customer.yml": "name: Beta\n"})
    p = one(case.problems, "content/customers/beta/customer.yaml")
    assert "rename customer.yml to customer.yaml" in p.message


def test_folder_name_that_is_not_a_slug(load_case):
    case = load_case({"content/customers/Acme Corp/customer.yaml": "name: Acme Corp\n"})
    p = one(case.problems, "content/customers/Acme Corp")
    assert p.severity == "error"
    assert "not a valid slug" in p.message and "'acme-corp'" in p.message


def test_no_customers_folder(make_playbook):
    loaded = load(make_playbook({"playbook.yaml": PLAYBOOK_YAML}, defaults=False))
    assert [(p.path, p.severity) for p in loaded.problems] == [("content/customers", "error")]
    assert "no customers folder" in loaded.problems[0].message


def test_stray_files(load_case):
    case = load_case({
        note("photo.jpg"): b"\x89PNG\r\n",
        note("2026-11-01-call.txt"): "Called.\n",
        f"{ACME}/notes.md": "Loose note.\n",
        "content/customers/README.md": "Customers.\n",
    })
    got = [(p.path, p.line, p.severity) for p in case.problems]
    assert got == [
        ("content/customers/README.md", 0, "warning"),
        (f"{ACME}/interactions/2026-11-01-call.txt", 0, "warning"),
        (f"{ACME}/interactions/photo.jpg", 0, "warning"),
        (f"{ACME}/notes.md", 0, "warning"),
    ]
    assert "interaction files end in .md" in one(case.problems, note("photo.jpg")).message
    assert "stray file among customer folders" in case.problems[0].message
    assert "move it into interactions/" in case.problems[3].message


def test_editor_and_os_droppings_are_ignored_silently(load_case):
    case = load_case({
        note(".DS_Store"): b"\x00\x01",
        note("2026-11-01-call.md~"): "backup\n",
        note(".2026-11-01-call.md.swp"): b"\x00",
        note("4913"): "",
        f"{ACME}/.customer.yaml.swp": b"\x00",
        "content/customers/.DS_Store": b"\x00",
    })
    assert case.problems == []


@settings(max_examples=400, deadline=None)
@example("call.md~\n")  # `$` matches before a final line break
@example("#draft#\n")
@example("4913\n")
@given(st.text(alphabet=st.sampled_from(".#~4913swpxtm-_aZ\n é"), max_size=12) | st.text(max_size=12))
def test_the_quick_test_of_an_ignored_name_is_the_pattern(name):
    """`ignored` tells most names by their ends without a search: it says what IGNORED does."""
    assert ignored(name) == (IGNORED.search(name) is not None)


# -- encodings and line endings ---------------------------------------------------------------

def test_customer_yaml_not_utf8_points_at_the_byte(load_case):
    case = load_case({
        ACME_YAML: b"name: Acme\nnotes: Caf\xe9 au lait\n",
        note("2026-11-01-call.md"): "---\ntype: vist\n---\nx\n",
    })
    p = one(case.problems, ACME_YAML)
    assert (p.line, p.column, p.severity) == (2, 11, "error")
    assert p.message == "not UTF-8 text (byte 0xe9); re-save the file as UTF-8"
    # The interactions beside it are still read and checked.
    assert one(case.problems, note("2026-11-01-call.md")).line == 2
    assert not case.has_customer("acme")


def test_interaction_not_utf8(load_case):
    case = load_case({note("2026-11-01-call.md"): b"---\ntype: call\n---\n\xff\xfe notes\n"})
    p = one(case.problems, note("2026-11-01-call.md"))
    assert (p.line, p.column, p.severity) == (4, 1, "error")
    assert "not UTF-8 text (byte 0xff)" in p.message
    assert case.customer().interactions == ()


def test_utf16_file_is_not_utf8(load_case):
    case = load_case({ACME_YAML: "name: Acme\n".encode("utf-16")})
    p = one(case.problems, ACME_YAML)
    assert (p.line, p.column) == (1, 1) and "not UTF-8" in p.message


def test_nul_bytes(load_case):
    case = load_case({note("2026-11-01-call.md"): "Called.\x00\n"})
    assert "NUL bytes" in one(case.problems, note("2026-11-01-call.md"), severity="error").message


def test_oversized_file(load_case):
    big = "Called.\n" + "x" * MAX_FILE_BYTES
    case = load_case({note("2026-11-01-call.md"): big})
    p = one(case.problems, note("2026-11-01-call.md"))
    assert p.severity == "error" and "Split it up" in p.message


def test_bom_and_crlf_are_accepted_with_lines_intact(load_case):
    case = load_case({
        CONFIG_FILE: "\ufeff" + PLAYBOOK_YAML.replace("\n", "\r\n"),
        ACME_YAML: "\ufeff" + CUSTOMER_YAML.replace("\n", "\r\n"),
        note("2026-11-01-call.md"): "\ufeff---\r\ndate: 2026-11-01\r\ntype: call\r\nwith: Maria\r\n"
                                    "by: maya\r\n---\r\nGood call.\r\n\r\n- [ ] Send quote (due 2026-12-01)\r\n",
    })
    assert case.problems == []
    c = case.customer()
    assert c.name == "Acme Bakery" and c.contacts[1].source == Source(ACME_YAML, 8)
    (i,) = c.interactions
    assert (i.date, i.type, i.with_, i.by, i.summary) == (date(2026, 11, 1), "call", ("Maria Lopez",), "maya",
                                                          "Good call.")
    assert "\r" not in i.body
    assert (i.date_line, i.body_line) == (2, 7)
    assert i.commitments[0].source == Source(note("2026-11-01-call.md"), 9)
    assert case.loaded.config.team[0].handle == "maya"


def test_bom_and_crlf_do_not_shift_problem_lines(load_case):
    case = load_case({
        ACME_YAML: "\ufeff" + "name: Acme\r\nowner: maya\r\nnmae: x\r\n",
        note("2026-11-01-call.md"): "\ufeff---\r\ntype: call\r\ntypo: 1\r\n---\r\nx\r\n",
    })
    assert [(p.path, p.line, p.column) for p in case.problems] == [
        (ACME_YAML, 3, 1), (note("2026-11-01-call.md"), 3, 1)]


def test_old_mac_line_endings(load_case):
    case = load_case({ACME_YAML: "name: Acme\rowner: maya\rstatus: paused\r"})
    assert [(p.line, p.column) for p in case.problems] == [(3, 9)]


# -- interactions: front matter ---------------------------------------------------------------

INTERACTION_FAULTS = [
    # id, file name, content, line, column, severity, words in the message
    ("unknown-type", "2026-11-01-x.md", "---\ntype: vist\n---\nx\n", 2, 7, "error",
     ["unknown type 'vist'", "(did you mean 'visit'?)", f"use one of {TYPES}"]),
    ("unknown-sentiment", "2026-11-01-x.md", "---\nsentiment: happy\n---\nx\n", 2, 12, "error",
     ["unknown sentiment 'happy'", "-2..2", "very negative, negative, neutral, positive, very positive"]),
    ("sentiment-out-of-range", "2026-11-01-x.md", "---\nsentiment: 3\n---\nx\n", 2, 12, "error",
     ["unknown sentiment '3'"]),
    ("unknown-direction", "2026-11-01-x.md", "---\ndirection: sideways\n---\nx\n", 2, 12, "error",
     ["unknown direction 'sideways'", "use one of 'in', 'out'"]),
    ("unknown-field", "2026-11-01-x.md", "---\ntype: call\ntypo: x\n---\nx\n", 3, 1, "error",
     ["unknown field 'typo' in the front matter", "(did you mean 'type'?)"]),
    ("impossible-date", "call.md", "---\ndate: 2026-02-30\n---\nx\n", 2, 7, "error",
     ["'date: 2026-02-30' is not a real date"]),
    ("date-not-a-date", "call.md", "---\ndate: last tuesday\n---\nx\n", 2, 7, "error",
     ["'date' should be a date written YYYY-MM-DD, not 'last tuesday'"]),
    ("impossible-file-name-date", "2026-02-30-call.md", "Called.\n", 0, 0, "error",
     ["'file name date: 2026-02-30' is not a real date"]),
    ("no-date-anywhere", "call.md", "---\ntype: call\n---\nCalled.\n", 1, 0, "error",
     ["this interaction has no date", "date: YYYY-MM-DD", "2026-11-20-call.md"]),
    ("no-date-no-front-matter", "call.md", "Called.\n", 1, 0, "error", ["this interaction has no date"]),
    ("front-matter-never-closed", "2026-11-01-x.md", "---\ntype: call\n\nCalled about the renewal.\n", 1, 1,
     "error", ["front matter opened with '---' on line 1 is never closed", "add a line with only '---'"]),
    ("front-matter-is-a-list", "2026-11-01-x.md", "---\n- call\n---\nx\n", 2, 1, "error",
     ["front matter should be 'field: value' lines, not a list"]),
    ("with-is-a-mapping", "2026-11-01-x.md", "---\nwith:\n  Maria: yes\n---\nx\n", 3, 3, "error",
     ["'with' should be a list like [a, b], not a mapping"]),
    ("empty", "2026-11-01-x.md", "", 0, 0, "warning",
     ["empty interaction file", "write a sentence about what happened"]),
    ("blank-lines-only", "2026-11-01-x.md", "\n  \n\n", 0, 0, "warning", ["empty interaction file"]),
    ("with-unknown-person", "2026-11-01-x.md", "---\nwith: [Maria, Joe]\n---\nx\n", 2, 15, "warning",
     ["'Joe' is not among this customer's contacts (Maria Lopez, Ben Ortiz)", "fix the spelling"]),
    ("by-not-in-team", "2026-11-01-x.md", "---\nby: bob\n---\nx\n", 2, 0, "warning",
     ["'by: bob' is not a team member in playbook.yaml (known: maya, tomas)"]),
    ("bad-due-date", "2026-11-01-x.md", "Call.\n\n- [ ] Send quote (due 2026-13-01)\n", 3, 0, "warning",
     ["due date '2026-13-01' is not a real date", "YYYY-MM-DD"]),
]


@pytest.mark.parametrize("name,text,line,column,severity,words", [c[1:] for c in INTERACTION_FAULTS],
                         ids=[c[0] for c in INTERACTION_FAULTS])
def test_interaction_fault(load_case, name, text, line, column, severity, words):
    case = load_case({note(name): text})
    assert len(case.problems) == 1, "\n".join(map(str, case.problems))
    p = case.problems[0]
    assert (p.path, p.line, p.column, p.severity) == (note(name), line, column, severity)
    for w in words:
        assert w in p.message, p.message


def test_warnings_keep_the_interaction(load_case):
    case = load_case({note("2026-11-01-x.md"): "---\nwith: Joe\nby: bob\n---\nx\n"})
    assert [p.severity for p in case.problems] == ["warning", "warning"]
    (i,) = case.customer().interactions
    assert (i.with_, i.by) == (("Joe",), "bob")


def test_bad_type_falls_back_to_note_but_keeps_the_interaction(load_case):
    case = load_case({note("2026-11-01-x.md"): "---\ntype: vist\n---\nx\n"})
    assert case.customer().interactions[0].type == "note"


def test_unclosed_front_matter_drops_only_that_file(load_case):
    case = load_case({
        note("2026-11-01-a.md"): "---\ntype: call\nx\n",
        note("2026-11-02-b.md"): "---\ntype: visit\n---\nVisited.\n",
    })
    assert [p.path for p in case.problems] == [note("2026-11-01-a.md")]
    assert [i.type for i in case.customer().interactions] == ["visit"]


def test_front_matter_date_wins_over_the_file_name(load_case):
    case = load_case({note("2026-11-01-call.md"): "---\ntype: call\ndate: 2026-11-03\n---\nx\n"})
    (i,) = case.customer().interactions
    assert (i.date, i.date_line) == (date(2026, 11, 3), 3)


def test_a_dashed_rule_is_not_front_matter(load_case):
    case = load_case({note("2026-11-01-x.md"): "----\nNot front matter.\n"})
    assert case.problems == []
    assert case.customer().interactions[0].summary == "Not front matter."


def test_minimal_note_without_front_matter(load_case):
    case = load_case({note("2026-11-20-call.md"): "Called Maria about the renewal; she is happy to go ahead."})
    assert case.problems == []
    (i,) = case.customer().interactions
    assert i.date == date(2026, 11, 20)
    assert i.type == "note"
    assert i.summary == "Called Maria about the renewal; she is happy to go ahead."
    assert (i.with_, i.by, i.sentiment, i.direction, i.commitments) == ((), None, None, None, ())
    assert (i.body_line, i.date_line, i.source) == (1, 1, Source(note("2026-11-20-call.md"), 1))
    assert i.slug == "2026-11-20-call"


def test_two_line_note_summary_is_the_first_sentence(load_case):
    case = load_case({note("2026-11-20-call.md"): "Quick call with Ben. He wants the new price list.\n"
                                                  "Follow up next week.\n"})
    assert case.customer().interactions[0].summary == "Quick call with Ben."


def test_summary_field_wins_over_the_body(load_case):
    case = load_case({note("2026-11-20-call.md"): "---\nsummary: Renewal agreed\n---\nLong notes. More.\n"})
    assert case.customer().interactions[0].summary == "Renewal agreed"


def test_interactions_are_sorted_by_date_then_file(load_case):
    case = load_case({
        note("2026-11-05-b.md"): "B.\n",
        note("2026-11-05-a.md"): "A.\n",
        note("2026-10-01-z.md"): "Z.\n",
        note("late.md"): "---\ndate: 2026-09-01\n---\nEarliest.\n",
    })
    assert [i.slug for i in case.customer().interactions] == ["late", "2026-10-01-z", "2026-11-05-a",
                                                              "2026-11-05-b"]


@pytest.mark.parametrize("written,value", [
    ("2", 2), ("-2", -2), ("0", 0), ("+1", 1),
    ("very positive", 2), ("very-positive", 2), ("Very_Positive", 2), ("positive", 1),
    ("neutral", 0), ("negative", -1), ("very negative", -2), ("VERY  NEGATIVE", -2),
])
def test_sentiment_words_and_numbers(load_case, written, value):
    case = load_case({note("2026-11-01-x.md"): f"---\nsentiment: {written}\n---\nx\n"})
    assert case.problems == []
    assert case.customer().interactions[0].sentiment == value


@pytest.mark.parametrize("written,value", [("in", "in"), ("out", "out"), ("Inbound", "in"), ("outbound", "out")])
def test_direction(load_case, written, value):
    case = load_case({note("2026-11-01-x.md"): f"---\ndirection: {written}\n---\nx\n"})
    assert case.problems == []
    assert case.customer().interactions[0].direction == value


@pytest.mark.parametrize("written,resolved", [
    ("Maria", ("Maria Lopez",)),
    ("maria", ("Maria Lopez",)),
    ("Maria Lopez", ("Maria Lopez",)),
    ("ben ortiz", ("Ben Ortiz",)),
    ("[Maria, Ben]", ("Maria Lopez", "Ben Ortiz")),
    ("[Maria, Maria Lopez]", ("Maria Lopez",)),
])
def test_with_resolves_to_contacts(load_case, written, resolved):
    case = load_case({note("2026-11-01-x.md"): f"---\nwith: {written}\n---\nx\n"})
    assert case.problems == []
    assert case.customer().interactions[0].with_ == resolved


def test_with_first_name_shared_by_two_contacts_is_a_warning(load_case):
    case = load_case({
        ACME_YAML: "name: Acme\ncontacts:\n  - name: Maria Lopez\n  - name: Maria Chen\n",
        note("2026-11-01-x.md"): "---\nwith: Maria\n---\nx\n",
    })
    p = one(case.problems, note("2026-11-01-x.md"))
    assert (p.line, p.column, p.severity) == (2, 7, "warning")
    assert "'Maria' is not among this customer's contacts (Maria Lopez, Maria Chen)" in p.message
    assert case.customer().interactions[0].with_ == ("Maria",)


def test_with_is_not_checked_when_customer_yaml_is_broken(load_case):
    # Without a readable contact list a 'with' name cannot be judged; no false warnings.
    case = load_case({ACME_YAML: "name: [\n", note("2026-11-01-x.md"): "---\nwith: Joe\n---\nx\n"})
    assert [p.path for p in case.problems] == [ACME_YAML]


def test_without_a_team_by_and_owner_are_not_checked(load_case):
    case = load_case({CONFIG_FILE: None, ACME_YAML: "name: Acme\nowner: bob\n",
                      note("2026-11-01-x.md"): "---\nby: anyone\n---\nx\n"})
    assert case.problems == []
    assert case.customer().owners == ("bob",)


def test_front_matter_date_disagreeing_with_the_file_name_is_a_warning(make_playbook):
    root = make_playbook({note("2026-11-02-call.md"): "---\ntype: call\ndate: 2026-11-12\n---\nCalled.\n"})
    problems, _ = check(root)
    (p,) = [p for p in problems if "file name says" in p.message]
    assert (p.path, p.line, p.severity) == (note("2026-11-02-call.md"), 3, "warning")
    assert "2026-11-02" in p.message and "2026-11-12" in p.message


# -- commitments --------------------------------------------------------------------------------

COMMITMENT_NOTE = """\
---
date: 2026-11-01
type: call
---
Talked about the renewal.

- [ ] Send quote (due 2026-12-01)
- [x] Share the case study
* [ ] Book a visit (due: 2026-12-15)
1. [X] Numbered promise
  - [ ] Nested promise (due 2027-01-10)
- [] not a task
- plain list item

```
- [ ] Example inside a code block
```

~~~markdown
- [ ] Also inside a fence
~~~
- [ ] After the fence
"""


def test_commitments_with_exact_lines_and_due_dates(load_case):
    case = load_case({note("2026-11-01-call.md"): COMMITMENT_NOTE})
    assert case.problems == []
    (i,) = case.customer().interactions
    src = note("2026-11-01-call.md")
    made = date(2026, 11, 1)
    assert i.commitments == (
        Commitment("Send quote", False, date(2026, 12, 1), made, Source(src, 7)),
        Commitment("Share the case study", True, None, made, Source(src, 8)),
        Commitment("Book a visit", False, date(2026, 12, 15), made, Source(src, 9)),
        Commitment("Numbered promise", True, None, made, Source(src, 10)),
        Commitment("Nested promise", False, date(2027, 1, 10), made, Source(src, 11)),
        Commitment("After the fence", False, None, made, Source(src, 22)),
    )
    assert i.summary == "Talked about the renewal."


def test_commitment_in_a_minimal_note_without_front_matter(load_case):
    case = load_case({note("2026-11-20-call.md"): "Called Ben.\n- [ ] Send the contract (due 2026-11-27)\n"})
    (c,) = case.customer().interactions[0].commitments
    assert (c.text, c.due, c.made_on, c.source.line) == ("Send the contract", date(2026, 11, 27),
                                                          date(2026, 11, 20), 2)


def test_impossible_due_date_keeps_the_commitment_without_a_due(load_case):
    case = load_case({note("2026-11-01-x.md"): "Call.\n\n- [ ] Send quote (due 2026-02-30)\n"})
    p = one(case.problems, note("2026-11-01-x.md"))
    assert (p.line, p.severity) == (3, "warning")
    (c,) = case.customer().interactions[0].commitments
    assert (c.text, c.due) == ("Send quote (due 2026-02-30)", None)


# -- birthdays and cadences --------------------------------------------------------------------

@pytest.mark.parametrize("written,birthday", [
    ("02-29", Birthday(2, 29)),
    ("2-9", Birthday(2, 9)),
    ("12-31", Birthday(12, 31)),
    ("1980-03-14", Birthday(3, 14, 1980)),
    ("1980-02-29", Birthday(2, 29, 1980)),
])
def test_valid_birthdays(load_case, written, birthday):
    case = load_case({ACME_YAML: f"name: Acme\ncontacts:\n  - name: Maria\n    birthday: {written}\n"})
    assert case.problems == []
    assert case.customer().contacts[0].birthday == birthday


def test_29_february_falls_on_the_28th_in_other_years():
    assert Birthday(2, 29).on_year(2027) == date(2027, 2, 28)
    assert Birthday(2, 29).on_year(2028) == date(2028, 2, 29)


@pytest.mark.parametrize("written,words", [
    ("02-30", "birthday '02-30' is not a real day"),
    ("13-01", "birthday '13-01' is not a real day"),
    ("00-10", "birthday '00-10' is not a real day"),
    ("1981-02-29", "'birthday: 1981-02-29' is not a real date"),
    ("March 14", "'birthday' should be a date written YYYY-MM-DD, not 'March 14'"),
])
def test_invalid_birthdays(load_case, written, words):
    case = load_case({ACME_YAML: f"name: Acme\ncontacts:\n  - name: Maria\n    birthday: {written}\n"})
    p = one(case.problems, ACME_YAML)
    assert (p.line, p.column, p.severity) == (4, 15, "error")
    assert words in p.message
    assert case.customer().contacts[0].birthday is None  # the contact itself is kept


@pytest.mark.parametrize("written,days", [
    ("14", 14), ("14d", 14), ("'14d'", 14), ("2w", 14), ("1m", 30), ("1y", 365), ("14D", 14), (" 3 w", 21),
    ("3650d", 3650), ("10y", 3650),  # the longest allowed
])
def test_cadence_forms(load_case, written, days):
    case = load_case({ACME_YAML: f"name: Acme\ncadence: {written}\n"})
    assert case.problems == []
    assert case.customer().cadence == days


@pytest.mark.parametrize("written", ["fortnight", "0", "-2w", "2 weeks", "1.5m", "w"])
def test_cadence_errors(load_case, written):
    case = load_case({ACME_YAML: f"name: Acme\ncadence: {written}\n"})
    p = one(case.problems, ACME_YAML)
    assert (p.line, p.column, p.severity) == (2, 10, "error")
    assert "'cadence' should be a number of days like 14, '14d', '2w' or '1m'" in p.message
    assert case.customer().cadence is None


@pytest.mark.parametrize("written, days", [("3651", "3,651"), ("9999999y", "3,649,999,635")])
def test_cadence_over_ten_years_is_an_error(load_case, written, days):
    case = load_case({ACME_YAML: f"name: Acme\ncadence: {written}\n"})
    p = one(case.problems, ACME_YAML)
    assert (p.line, p.column, p.severity) == (2, 10, "error")
    assert p.message == f"'cadence: {written}' is {days} days; a cadence can be at most 3650 days (10 years)"
    assert case.customer().cadence is None


@pytest.mark.parametrize("written, days, message", [
    ("8w", 56, None), ("56d", 56, None), ("12m", 360, None), ("52w", 364, None),
    ("53w", None, "'renewal_lead' is 371 days; it can be at most a year (365 days, '52w' or '12m'): how long "
                  "their side needs to renew, e.g. '8w'"),
    ("soon", None, "'renewal_lead' should be a number of days like 14, '14d', '2w' or '1m', not 'soon'"),
])
def test_renewal_lead(load_case, written, days, message):
    case = load_case({ACME_YAML: f"name: Acme\nrenewal: 2027-03-31\nrenewal_lead: {written}\n"})
    assert case.customer().renewal_lead == days
    if message is None:
        assert case.problems == []
    else:
        p = one(case.problems, ACME_YAML)
        assert (p.line, p.column, p.severity, p.message) == (3, 15, "error", message)


LEADS = ("defaults:\n  renewal_lead: 2w\n  tiers:\n    key: {cadence: 14d, renewal_lead: 8w}\n"
         "    growth: {renewal_lead: 6w}\n    small: 60d\n")


@pytest.mark.parametrize("lines, days, where", [
    ("tier: key\n", 56, "playbook.yaml's key tier"),
    ("tier: growth\n", 42, "playbook.yaml's growth tier"),
    ("tier: small\n", 14, "playbook.yaml's defaults"),  # a tier with a cadence only
    ("", 14, "playbook.yaml's defaults"),
    ("tier: key\nrenewal_lead: 4w\n", 28, ""),  # the customer's own wins
    ("tier: key\nrenewal_lead: 0\n", 0, ""),  # ...even none: this customer renews on the day
])
def test_a_renewal_lead_for_a_tier_or_all_in_playbook_yaml(load_case, lines, days, where):
    """A team renewing many NHS trusts on one framework writes its eight weeks once, for the
    tier; a customer's own `renewal_lead` (0 for none) wins."""
    case = load_case({"playbook.yaml": LEADS, ACME_YAML: f"name: Acme\nrenewal: 2027-03-31\n{lines}"})
    assert case.problems == []  # a tier with a renewal_lead and no cadence is a known tier
    c = case.customer()
    assert (c.renewal_lead, c.renewal_lead_from) == (days, where)
    assert case.loaded.config.cadence_for(None, c.tier)[0] == {"key": 14, "small": 60}.get(c.tier, 30)


# -- symlinks ------------------------------------------------------------------------------------

def _symlink(target: Path, link: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(target, link, target_is_directory=target.is_dir())
    except (OSError, NotImplementedError):  # pragma: no cover - Windows without privileges
        pytest.skip("symlinks are not available here")


def test_symlinks_pointing_outside_the_root_are_skipped(tmp_path, make_playbook):
    outside = write_playbook(tmp_path / "outside", {
        "secret.md": "Secret notes.\n",
        "evil/customer.yaml": "name: Evil\n",
        "other.yaml": "name: Other\n",
    })
    root = make_playbook({})
    _symlink(outside / "secret.md", root / note("2026-11-01-leak.md"))
    _symlink(outside / "evil", root / "content/customers/evil")
    _symlink(outside / "other.yaml", root / "content/customers/other/customer.yaml")
    loaded = load(root)
    assert [(p.path, p.severity) for p in loaded.problems] == [
        (note("2026-11-01-leak.md"), "warning"),
        ("content/customers/evil", "warning"),
        ("content/customers/other/customer.yaml", "warning"),
    ]
    assert all(p.message == "points outside the playbook folder; skipped" for p in loaded.problems)
    assert [c.slug for c in loaded.playbook.customers] == ["acme"]
    assert loaded.playbook.customers[0].interactions == ()


def test_symlinks_inside_the_root_are_followed(make_playbook):
    root = make_playbook({"shared/2026-11-01-call.md": "Shared call.\n"})
    _symlink(root / "shared/2026-11-01-call.md", root / note("2026-11-01-call.md"))
    loaded = load(root)
    assert loaded.problems == []
    assert loaded.playbook.customers[0].interactions[0].summary == "Shared call."


# -- dates after as_of (a whole-playbook check) ------------------------------------------------

def test_interaction_after_as_of_is_a_warning(make_playbook):
    root = make_playbook({
        note("2026-12-25-x.md"): "Future by file name.\n",
        note("future.md"): "---\ntype: call\ndate: 2027-01-05\n---\nFuture by front matter.\n",
        note("2026-11-01-x.md"): "Past.\n",
    })
    problems, files = check(root)  # as_of: 2026-11-20 in playbook.yaml
    assert [(p.path, p.line, p.severity) for p in problems] == [
        (note("2026-12-25-x.md"), 1, "warning"),
        (note("future.md"), 3, "warning"),
    ]
    assert problems[1].message == ("dated 2027-01-05, after the as-of date 2026-11-20; the analysis ignores "
                                   "it until then (check the year?)")
    assert files == 5  # playbook.yaml, customer.yaml and three notes
    assert check(root, as_of=date(2027, 2, 1))[0] == []


def test_customer_with_nothing_yet_is_a_warning(make_playbook):
    root = make_playbook({ACME_YAML: "name: Acme\n"})
    problems, _ = check(root)
    assert [(p.path, p.line, p.severity) for p in problems] == [(ACME_YAML, 1, "warning")]
    assert "no interactions and no 'since' date yet" in problems[0].message


def test_an_ask_asked_again_on_another_day_or_a_date_that_recurs_is_no_duplicate(load_case):
    case = load_case({ACME_YAML: "name: Acme\nasks:\n  - what: A quote\n    since: 2026-01-01\n  - what: A quote\n"
                                 "    since: 2027-01-01\ndates:\n  - what: Audit\n    on: 2027-01-11\n"
                                 "  - what: Audit\n    on: 2028-01-11\n"})
    assert only(case.problems, ACME_YAML) == []
