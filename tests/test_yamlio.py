"""The YAML reader: syntax errors at the right line, duplicates, aliases, YAML 1.1 traps."""

from __future__ import annotations

import pytest

from helpers import ACME_YAML, note, one
from playbook.yamlio import MAX_DEPTH, MAX_NODES, Map, Scalar, Seq, parse

# -- syntax errors: the line (and column) where the fix goes ---------------------------------

SYNTAX_ERRORS = [
    # id, text, line, column, words the message must contain
    ("colon-in-value", "name: Acme\nnotes: Re: renewal\ntier: key\n", 2, 10,
     ["needs quotes", 'summary: "Re: renewal"']),
    ("unclosed-double-quote", 'name: "Acme\ntier: key\nsince: 2020-01-01\n', 1, 7,
     ["the quote opened here is never closed"]),
    # 'it' closes the quote, so the stray "s fine" after it is the fault.
    ("apostrophe-in-single-quotes", "name: Acme\nnotes: 'it's fine'\ntier: key\n", 2, 12,
     ["YAML syntax:"]),
    ("unclosed-quote-before-separator", 'name: "Acme\ntier: key\n---\nx: 1\n', 1, 7,
     ["the quote opened here is never closed"]),
    # A bad escape is not an unclosed quote: point at the backslash, not at the quote.
    # (libyaml marks the backslash, pure-Python PyYAML the letter after it)
    ("backslash-in-double-quotes", 'name: Acme\nnotes: "saved in C:\\qdir"\n', 2, (20, 21),
     ["escape", "use single quotes"]),
    ("unclosed-list", "name: Acme\ntags: [a, b\ntier: key\n", 2, 7,
     ["'['", "missing ']'"]),
    ("unclosed-mapping", "name: Acme\nx: {a: 1\ntier: key\n", 2, 4,
     ["'{'", "missing '}'"]),
    ("tab-indent", "name: Acme\ncontacts:\n\t- name: X\n", 3, 1,
     ["tabs", "use spaces"]),
    ("missing-colon", "name: Acme\ncontacts:\n  - name: X\n    role CFO\n    email: x@y.z\n", 4, 5,
     ["missing its colon"]),
    ("bad-indent", "name: Acme\nasks:\n  - what: a\n what: b\n", 4, 2, ["YAML syntax:"]),
    ("undefined-alias", "name: *nope\n", 1, 7, ["alias"]),
    ("two-documents", "name: a\n---\nname: b\n", 2, 1, ["document"]),
]


@pytest.mark.parametrize("text,line,column,words", [c[1:] for c in SYNTAX_ERRORS],
                         ids=[c[0] for c in SYNTAX_ERRORS])
def test_syntax_error_points_at_the_fault(text, line, column, words):
    node, problems = parse(text, "f.yaml")
    assert node is None
    assert len(problems) == 1, problems
    p = problems[0]
    assert (p.path, p.line, p.severity) == ("f.yaml", line, "error")
    assert p.column in (column if isinstance(column, tuple) else (column,))
    assert p.message.startswith("YAML syntax: ")
    for w in words:
        assert w in p.message


def test_line_offset_shifts_front_matter_lines():
    # Front matter starts on file line 2 (below the opening ---).
    _, problems = parse("date: 2026-01-01\ntype: call\nsummary: Re: x\n", "i.md", line_offset=1)
    assert [(p.line, p.column) for p in problems] == [(4, 12)]


def test_malformed_yaml_in_a_customer_file_is_reported_and_loading_goes_on(load_case):
    case = load_case({
        ACME_YAML: "name: Acme\nnotes: Re: renewal\n",
        note("2026-11-01-call.md"): "---\ntype: vist\n---\nVisited.\n",
    })
    p = one(case.problems, ACME_YAML)
    assert (p.line, p.column, p.severity) == (2, 10, "error")
    # The interactions of a customer whose file is broken are still checked.
    v = one(case.problems, note("2026-11-01-call.md"))
    assert (v.line, v.column) == (2, 7) and "did you mean 'visit'" in v.message
    assert not case.has_customer("acme")


def test_malformed_front_matter_is_reported_at_its_file_line(load_case):
    case = load_case({note("2026-11-01-call.md"):
                      "---\ndate: 2026-11-01\ntype: call\nsummary: Re: renewal\n---\nBody.\n"})
    p = one(case.problems, note("2026-11-01-call.md"))
    # Column 12: the second ': ' on "summary: Re: renewal".
    assert (p.line, p.column, p.severity) == (4, 12, "error")
    assert "needs quotes" in p.message
    assert case.customer().interactions == ()


# -- duplicates, merge keys, odd keys -------------------------------------------------------

def test_duplicate_key_reports_the_second_and_keeps_the_first():
    node, problems = parse("name: Acme\ntier: key\nname: Other\n", "f.yaml")
    assert [(p.line, p.column, p.severity) for p in problems] == [(3, 1, "error")]
    assert problems[0].message == "duplicate key 'name' (first set on line 1); keep one of them"
    assert isinstance(node, Map) and node.items["name"].text == "Acme"


def test_duplicate_key_in_a_nested_mapping(load_case):
    case = load_case({ACME_YAML: "name: Acme\ncontacts:\n  - name: Maria\n    role: CFO\n    role: CEO\n"})
    p = one(case.problems, ACME_YAML)
    assert (p.line, p.column, p.severity) == (5, 5, "error")
    assert "duplicate key 'role' (first set on line 4)" in p.message
    assert case.customer().contacts[0].role == "CFO"


def test_duplicate_front_matter_key_has_file_lines(load_case):
    case = load_case({note("2026-11-01-call.md"): "---\ntype: call\ntype: visit\n---\nx\n"})
    p = one(case.problems, note("2026-11-01-call.md"))
    assert (p.line, p.column) == (3, 1)
    assert "first set on line 2" in p.message


def test_merge_keys_are_refused():
    _, problems = parse("base: &b {role: CFO}\nperson:\n  <<: *b\n  name: X\n", "f.yaml")
    assert [(p.line, p.column) for p in problems] == [(3, 3)]
    assert "merge keys ('<<') are not supported" in problems[0].message


def test_a_key_that_is_a_list_is_refused():
    node, problems = parse("? [a, b]\n: c\nname: x\n", "f.yaml")
    assert [(p.line, p.column) for p in problems] == [(1, 3)]
    assert "a key must be a plain word" in problems[0].message
    assert isinstance(node, Map) and list(node.items) == ["name"]


# -- aliases and nesting: refused, never a hang or a crash ----------------------------------

def _billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\nname: x\n"


def test_alias_bomb_is_refused():
    node, problems = parse(_billion_laughs(), "f.yaml")
    assert node is None
    assert len(problems) == 1
    p = problems[0]
    assert (p.line, p.column, p.severity) == (1, 1, "error")
    assert "aliases" in p.message and "billion laughs" in p.message
    assert f"{MAX_NODES:,}" in p.message


def test_alias_bomb_in_customer_yaml_does_not_stop_the_loader(load_case):
    case = load_case({ACME_YAML: _billion_laughs()})
    p = one(case.problems, ACME_YAML)
    assert "aliases" in p.message
    assert not case.has_customer("acme")
    assert case.has_customer("zeta")


def test_alias_bomb_in_front_matter(load_case):
    text = "---\n" + _billion_laughs() + "---\nBody.\n"
    case = load_case({note("2026-11-01-call.md"): text})
    p = one(case.problems, note("2026-11-01-call.md"))
    assert p.line == 2 and "aliases" in p.message


def test_a_few_aliases_are_fine():
    node, problems = parse("a: &x CFO\nb: *x\n", "f.yaml")
    assert problems == []
    assert isinstance(node, Map) and node.items["b"].text == "CFO"


def test_recursive_alias_is_refused():
    node, problems = parse("a: &a [*a]\n", "f.yaml")
    assert node is None and len(problems) == 1
    assert problems[0].severity == "error"


# The root mapping or list is level 1, so the 200th bracket or dash opens level 201, the first
# one past MAX_DEPTH = 200; the message points there. 1,000 levels is past libyaml 0.2.6's own
# limit (PyYAML 6.0.3 and later), whose error must not replace ours; 100,000 levels used to
# crash older libyaml's composer outright.
@pytest.mark.parametrize("text,column", [
    ("x: " + "[" * 1000 + "]" * 1000 + "\n", 3 + 199 + 1),
    ("x: " + "[" * 100_000 + "]" * 100_000 + "\n", 3 + 199 + 1),
    ("x: " + "[" * 100_000 + "\n", 3 + 199 + 1),
    ("x: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n", 3 + 4 * 199 + 1),
    ("- " * 1000 + "a\n", 2 * 200 + 1),
], ids=["lists", "lists-100k", "lists-unclosed", "mappings", "dashes"])
def test_deep_nesting_is_refused_where_it_goes_too_deep(text, column):
    node, problems = parse(text, "f.yaml")
    assert node is None
    assert [(p.line, p.column, p.severity) for p in problems] == [(1, column, "error")]
    assert "nests too deeply" in problems[0].message


def test_deep_nesting_below_the_first_line_reports_its_line_in_the_file():
    # Front matter (line_offset=1): the deep value is on YAML line 2, so file line 3.
    text = "type: call\nx: " + "[" * 1000 + "]" * 1000 + "\n"
    node, problems = parse(text, "i.md", line_offset=1)
    assert node is None
    assert [(p.line, p.column) for p in problems] == [(3, 203)]


def test_a_long_flat_list_is_not_too_deep():
    # Hundreds of '- ' pass the cheap gate; the exact count must still let them through.
    node, problems = parse("tags:\n" + "  - a\n" * 1000, "f.yaml")
    assert problems == [] and len(node.items["tags"].items) == 1000


def test_a_syntax_error_in_a_busy_file_is_still_a_syntax_error():
    # Past the cheap gate, a real syntax error keeps its own position rather than becoming
    # a nesting complaint.
    text = "tags:\n" + "  - a\n" * 300 + "notes: Re: x\n"
    node, problems = parse(text, "f.yaml")
    assert node is None
    assert [(p.line, p.column) for p in problems] == [(302, 10)]
    assert problems[0].message.startswith("YAML syntax: ") and "needs quotes" in problems[0].message


def test_nesting_up_to_the_limit_is_fine():
    node, problems = parse("x: " + "[" * 100 + "]" * 100 + "\n", "f.yaml")
    assert problems == [] and isinstance(node, Map)
    assert MAX_DEPTH >= 100


# -- scalars stay as written (no YAML 1.1 guessing) ------------------------------------------

@pytest.mark.parametrize("written,text,plain", [
    ("No", "No", True),
    ("yes", "yes", True),
    ("off", "off", True),
    ("0612", "0612", True),
    ('"0612"', "0612", False),
    ("2024", "2024", True),
    ("1e3", "1e3", True),
    ("0x1F", "0x1F", True),
    ("12:30", "12:30", True),
    ("2026-02-30", "2026-02-30", True),
    ("'null'", "null", False),
])
def test_scalars_keep_their_text(written, text, plain):
    node, problems = parse(f"v: {written}\n", "f.yaml")
    assert problems == []
    v = node.items["v"]
    assert v == Scalar(text, 1, 4, plain)


@pytest.mark.parametrize("written,is_null", [("", True), ("~", True), ("null", True), ("NULL", True),
                                             ("''", False), ('"null"', False), ("nil", False)])
def test_null_means_unquoted_null(written, is_null):
    node, _ = parse(f"v: {written}\n", "f.yaml")
    assert node.items["v"].is_null is is_null


def test_positions_of_nested_values():
    node, _ = parse("name: Acme\ncontacts:\n  - name: Maria\n    phone: 0612\n", "f.yaml")
    contacts = node.items["contacts"]
    assert isinstance(contacts, Seq) and (contacts.line, contacts.column) == (3, 3)
    phone = contacts.items[0].items["phone"]
    assert (phone.text, phone.line, phone.column) == ("0612", 4, 12)
    assert node.keys["contacts"] == Scalar("contacts", 2, 1, True)


def test_python_tags_are_never_constructed():
    node, problems = parse("name: !!python/object/apply:os.system ['echo pwned']\n", "f.yaml")
    # Said, so a reader of `check` knows the tag does nothing (a fuzzing session).
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "the tag '!!python/object/apply:os.system' is not read: Playbook reads this value as plain "
                    "text; remove the tag")]
    # The tag is ignored; the value is just the list of texts.
    assert isinstance(node.items["name"], Seq)
    assert node.items["name"].items[0].text == "echo pwned"


def test_empty_and_comment_only_documents():
    assert parse("", "f.yaml") == (None, [])
    assert parse("# nothing yet\n", "f.yaml") == (None, [])


@pytest.mark.parametrize("field,written,expected", [
    ("name", "No", "No"),
    ("name", "yes", "yes"),
    ("name", "2024", "2024"),
    ("name", "1_000", "1_000"),
    ("name", "0x1F", "0x1F"),
    ("name", "12:30", "12:30"),
    ("phone", "0612", "0612"),
    ("phone", '"0612"', "0612"),
    ("phone", "+44 20 7946 0958", "+44 20 7946 0958"),
    ("phone", "06-12-34-56-78", "06-12-34-56-78"),
])
def test_yaml_11_traps_stay_text_in_customer_files(load_case, field, written, expected):
    if field == "name":
        text = f"name: {written}\n"
    else:
        text = f"name: Acme\ncontacts:\n  - name: Maria Lopez\n    phone: {written}\n"
    case = load_case({ACME_YAML: text})
    assert case.problems == []
    c = case.customer()
    got = c.name if field == "name" else c.contacts[0].phone
    assert got == expected
    assert isinstance(got, str)


def test_contact_named_like_a_number_or_boolean(load_case):
    case = load_case({ACME_YAML: "name: Acme\ncontacts:\n  - name: 2024\n  - No\n"})
    assert case.problems == []
    assert [c.name for c in case.customer().contacts] == ["2024", "No"]
