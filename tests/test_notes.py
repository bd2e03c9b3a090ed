"""Notes' Markdown (markdown-it-py): what a note shows, the promises read from the same parse,
and that a note can never run script or stall a build."""

from __future__ import annotations

import gc
import pickle
import re
import time
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import given, settings, strategies as st

from playbook import notes
from playbook.markdown import SUMMARY_LIMIT, Task, parse_note
from playbook.notes import bad_due_dates, commitments, render

FIXTURES = Path(__file__).parent / "fixtures" / "notes"
#: Every tag the renderer may emit; anything else in the HTML came from a note.
TAGS = {"p", "br", "hr", "em", "strong", "s", "code", "pre", "blockquote", "ul", "ol", "li", "input",
        "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td"}
LIVE = ("javascript:", "vbscript:", "file:", "data:")


def read_fixtures(path: Path) -> list[tuple[int, str, str, str]]:
    """(line, title, input, expected HTML) of each case in a fixture file written as
    markdown-it-py's: a title line, then ".", the input, ".", the HTML, "." (each on its own line)."""
    lines = path.read_text("utf-8").split("\n")
    cases, i = [], 0
    while i < len(lines):
        if lines[i] != ".":
            i += 1
            continue
        title = lines[i - 1] if i else ""
        ends = [j for j in range(i + 1, len(lines)) if lines[j] == "."][:2]
        source, html = lines[i + 1:ends[0]], lines[ends[0] + 1:ends[1]]
        cases.append((i, title, "\n".join(source) + "\n", "\n".join(html) + "\n"))
        i = ends[1] + 1
    return cases


def fixture_params(name: str) -> list:
    return [pytest.param(src, html, id=f"{name}:{line}") for line, _, src, html in read_fixtures(FIXTURES / name)]


@pytest.mark.parametrize("source,html", fixture_params("commonmark.md"))
def test_commonmark_spec_examples_as_a_note_shows_them(source: str, html: str):
    assert parse_note(source).html == html


@pytest.mark.parametrize("source,html", fixture_params("playbook.md"))
def test_what_a_note_shows(source: str, html: str):
    assert parse_note(source).html == html


def test_the_fixture_files_hold_the_cases_they_should():
    spec = read_fixtures(FIXTURES / "commonmark.md")
    assert len(spec) > 500 and sum("raw HTML shown as text" in t for _, t, _, _ in spec) > 50
    titles = [t for _, t, _, _ in read_fixtures(FIXTURES / "playbook.md")]
    assert sum(t.startswith("issue 11:") for t in titles) == 7


# -- promises: a task item is a commitment exactly when the page shows a checkbox ------------------

def tasks(text: str) -> list[tuple[int, bool, str, date | None]]:
    return [(t.line, t.done, t.text, t.due) for t in parse_note(text).tasks]


@pytest.mark.parametrize("text,expected", [
    ("- [ ] send deck (due 2026-11-25)\n- [x] call Ben\n", [(0, False, "send deck", date(2026, 11, 25)),
                                                          (1, True, "call Ben", None)]),
    ("Intro.\n\n* [X] upper-case x\n+ [ ] plus\n", [(2, True, "upper-case x", None), (3, False, "plus", None)]),
    ("1. [ ] first\n2) [ ] second\n", [(0, False, "first", None), (1, False, "second", None)]),
    ("- [ ] send the deck\n  to Nadia (due: 2026-12-01)\n", [(0, False, "send the deck to Nadia", date(2026, 12, 1))]),
    ("- [ ] x (Due 2026-12-01)\n- [ ] y (due  2026-12-01 )\n", [(0, False, "x", date(2026, 12, 1)),
                                                                (1, False, "y", date(2026, 12, 1))]),
    ("- [ ] due 2026-12-01 without brackets\n", [(0, False, "due 2026-12-01 without brackets", None)]),
    ("- [ ] (due 2026-01-01) not at the end\n", [(0, False, "(due 2026-01-01) not at the end", None)]),
    ("- [ ] `code` and **bold**\n", [(0, False, "`code` and **bold**", None)]),
    ("> - [ ] quoted\n>   - [x] nested\n", [(0, False, "quoted", None), (1, True, "nested", None)]),
    ("-\n  [ ] on the next line\n", [(1, False, "on the next line", None)]),
    ("- [ ] loose\n\n- [x] list\n", [(0, False, "loose", None), (2, True, "list", None)]),
    # issue 11: what the page shows as code or text gives no commitment
    ("Notes:\n\n    - [ ] indented code\n", []),
    ("````\n- [ ] a\n```\n- [ ] b\n````\n", []),
    ("```\n- [ ] a\n```python\n- [ ] b\n", []),
    ("~~~\n- [ ] tilde fence\n~~~\n- [ ] after\n", [(3, False, "after", None)]),
    ("<!--\n- [ ] in a comment, shown as text\n\n-->\n", [(1, False, "in a comment, shown as text", None)]),
    ("- [] no\n- [ ]\n- [y] no\n-  [ ]  two spaces is still a box\n\n\\- [ ] escaped\n",
     [(3, False, "two spaces is still a box", None)]),
    ("- text then\n  [ ] not first\n", []),
    ("- # [ ] heading\n", []),
    ("- [x] a link's label\n\n[x]: https://x.example\n", []),
    ("| - [ ] cell |\n|---|\n", []),
])
def test_commitments_are_the_task_items_the_page_shows(text: str, expected: list):
    assert tasks(text) == expected
    assert parse_note(text).html.count("<input ") == len(expected)


def test_commitments_carry_file_lines_and_due_date_warnings():
    note = parse_note("Call notes.\n\n- [ ] send pricing (due 2026-02-30)\n- [x] intro (due 2026-03-01)\n")
    found = commitments(note, 9, date(2026, 2, 1), "content/customers/a/interactions/x.md")
    assert [(c.source.line, c.text, c.done, c.due, c.made_on) for c in found] == [
        (11, "send pricing (due 2026-02-30)", False, None, date(2026, 2, 1)),
        (12, "intro", True, date(2026, 3, 1), date(2026, 2, 1))]
    assert {c.source.path for c in found} == {"content/customers/a/interactions/x.md"}
    assert bad_due_dates(note, 9) == [(11, "2026-02-30")]


@pytest.mark.parametrize("text,expected", [
    ("Ravi asked for the pack. Then more.", "Ravi asked for the pack."),
    ("# Call with *Nadia*\n\nBody.", "Call with Nadia"),
    ("- [ ] a task\n\nThe [real](https://x.example) `first` line!", "The real first line!"),
    ("```\ncode. not a summary\n```\n\nAfter the code.", "After the code."),
    ("    indented code.\n\nText", "Text"),
    ("Wrapped over\ntwo lines. Second.", "Wrapped over two lines."),
    ("Version 2.5 ships now", "Version 2.5 ships now"),
    ("![diagram of it](a.png) shows it.", "diagram of it shows it."),
    ("| a | b |\n|---|---|\n| c | d |\n", None),
    ("", None),
    ("x" * 300, "x" * (SUMMARY_LIMIT - 1) + "…"),
])
def test_the_summary_is_the_first_sentence(text: str, expected: str | None):
    assert parse_note(text).summary == expected


@pytest.mark.parametrize("text,top,html", [
    ("# A\n## B\n### C\n", 4, "<h4>A</h4>\n<h5>B</h5>\n<h6>C</h6>\n"),
    ("### C\n## B\n", 4, "<h4>C</h4>\n<h4>B</h4>\n"),  # never below the page's h3 by more than one
    ("# A\n### C\n## B\n# E\n", 4, "<h4>A</h4>\n<h5>C</h5>\n<h5>B</h5>\n<h4>E</h4>\n"),
    ("# A\n### C\n#### D\n", 4, "<h4>A</h4>\n<h5>C</h5>\n<h6>D</h6>\n"),
    ("### C\n# A\n## B\n", 3, "<h3>C</h3>\n<h3>A</h3>\n<h4>B</h4>\n"),  # the About section's notes, under an h2
])
def test_a_notes_headings_follow_the_page_outline(text: str, top: int, html: str):
    assert parse_note(text, top).html == html
    assert render(text, top) == html


def test_a_note_pickles_for_the_build_cache():
    note = parse_note("# Call\n\n- [ ] send it (due 2026-01-05)\n- [x] b (due 2026-02-30)\n")
    assert pickle.loads(pickle.dumps(note)) == note


# -- safety -----------------------------------------------------------------------------------------

class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.comments.append(data)


def assert_inert(html: str) -> Tags:
    """No tag a note could have brought, no event handler, no link or image that runs code."""
    t = Tags()
    t.feed(html)
    t.close()
    for tag, attrs in t.tags:
        assert tag in TAGS, (tag, html)
        assert not [k for k in attrs if k.startswith("on") or k in ("srcdoc", "formaction")], (tag, attrs)
        assert "style" not in attrs or tag in ("th", "td"), (tag, attrs)
        for k in ("href", "src"):
            v = re.sub(r"[\x00-\x20\x7f]", "", attrs.get(k) or "").lower()
            assert not v.startswith(LIVE), (tag, attrs, html)
        if tag == "input":
            assert attrs.get("type") == "checkbox" and "disabled" in attrs, attrs
    assert "<script" not in html.lower() and "<iframe" not in html.lower()
    assert not t.comments, html  # raw HTML is shown as text, not left in
    return t


def checkboxes(html: str) -> list[bool]:
    """The checked state of each checkbox the HTML shows, in order."""
    return [("checked" in attrs) for tag, attrs in assert_inert(html).tags if tag == "input"]


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">raw</a>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](<java\tscript:alert(1)>)",
    "[x](<\x01javascript:alert(1)>)",
    "[x](\\javascript:alert(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x][r]\n\n[r]: <data:text/html,<script>alert(1)</script>>",
    "<javascript:alert(1)>",
    "<JaVaScRiPt:alert(1)>",
    "[y](vbscript:msgbox)",
    "[f](file:///etc/passwd)",
    "[z](data:text/html;base64,PHNjcmlwdD4=)",
    "[p](data:image/png;base64,AAAA) ![p](data:image/png;base64,AAAA) <data:image/png;base64,AAAA>",
    "![i](javascript:alert(1))",
    "![i](data:text/html,x)",
    "![i](data:image/svg+xml,<svg onload=alert(1)>)",
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    '[x](https://ok.example" onmouseover="alert(1))',
    "[x](<img src=x onerror=alert(1)>)",
    "[x](<b>y</b>",
    "```\" onload=\"alert(1)\nx\n```",
    "- [ ] <script>alert(1)</script> (due 2026-11-12)",
    "| <img src=x onerror=alert(1)> |\n|---|\n| [x](javascript:alert(1)) |",
    "```<script>\nalert(1)\n```",
    "control \x01\x1b char, nul \x00, lone \ud800 surrogate",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_notes_stay_inert(text: str):
    html = render(text)
    assert_inert(html)
    assert html == render(text)
    html.encode("utf-8")  # writable as a page


_PIECES = st.sampled_from([
    "<", ">", "\\", "`", "*", "_", "~~", "[", "]", "(", ")", "!", "#", "- ", "- [ ] ", "* [x] ", "1. ", "> ",
    "|", "\n", "\n\n", "    ", "  ", " ", "\t", '"', "'", "&", "&lt;", "&#x6a;", "&#58;", ":", "javascript:",
    "JaVa\tScRiPt:", "data:", "data:image/png;base64,AA", "vbscript:", "file:", "https://x.example", "mailto:",
    "//", "<script>", "</script>", "<img src=x onerror=alert(1)>", "<a href=", "onerror=", "<!--", "-->",
    "<https://x.example>", "](", "](<", "[r]: ", "\u2e19", "é", "東", "---", "|---|", "```", "~~~",
    "(due 2026-02-30)", "(due 2026-11-25)", "alert(1)", "x",
])


def assert_sound(text: str) -> None:
    note = parse_note(text)
    assert checkboxes(note.html) == [t.done for t in note.tasks]
    assert all(isinstance(t, Task) and t.line >= 0 for t in note.tasks)
    assert parse_note(text) == note  # same note, same result


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_any_mix_of_markdown_and_markup_stays_inert_with_one_commitment_per_checkbox(text: str):
    assert_sound(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_stays_inert_with_one_commitment_per_checkbox(text: str):
    assert_sound(text)


# -- every note costs time linear in its length (issue 12: a pull request must not stall CI) ------

def growth(make: Callable[[int], str], n: int, factor: int = 8, runs: int = 3,
           fn: Callable[[str], object] = parse_note) -> float:
    """How much more CPU time a note `factor` times as long takes: about `factor` when linear,
    `factor`² when quadratic. Process time, best of `runs`, the two sizes taking turns and no
    garbage collection in between, so that other work on the machine hardly shows."""
    texts = (make(n), make(n * factor))
    best = [float("inf"), float("inf")]
    gc.disable()
    try:
        for _ in range(runs):
            for k, text in enumerate(texts):
                start = time.process_time()
                fn(text)
                best[k] = min(best[k], time.process_time() - start)
    finally:
        gc.enable()
    return best[1] / max(best[0], 1e-3)


@pytest.mark.parametrize("name,make,n,factor", [
    ("a task item then spaces", lambda n: "- [ ] " + " " * n, 200_000, 8),
    ("a task item, spaces, text", lambda n: "- [ ] " + " " * n + "x", 200_000, 8),
    ("a due marker full of spaces", lambda n: "- [ ] x (due" + " " * n + ")", 200_000, 8),
    # 400 and 6,400 items: long enough for a per-item look back over the list to dominate
    ("many items in one list", lambda n: "- [ ] item (due 2026-01-01)\n" * (n // 28), 11_200, 16),
    ("unclosed link openers", lambda n: "[a](" * (n // 4), 2_000, 8),
    ("a first line of emphasis", lambda n: "*a_" * (n // 3), 2_000, 8),
    ("a first sentence of abbreviations", lambda n: "Dr. e.g. " * (n // 9), 200_000, 8),
])
def test_cost_is_linear_in_the_note_length(name: str, make: Callable[[int], str], n: int, factor: int):
    # `factor` when linear, its square when quadratic: 3 x leaves room for a busy machine
    assert growth(make, n, factor) < 3 * factor, name


def test_the_sentence_at_the_end_of_a_long_note_is_found_in_linear_time():
    """The brief looks for the sentence "next time" is in (`sentences.sentence_at`): each full
    stop's word was looked for back to the text's start when no space came before it (long
    words, each ending a line): 1.5 s at 400 KB."""
    from playbook.sentences import sentence_at
    assert growth(lambda n: ("a" * 50 + ".\n") * (n // 52), 50_000, 8,
                  fn=lambda text: sentence_at(text, len(text) - 3, 140)) < 3 * 8


def test_the_task_line_that_used_to_hang_takes_milliseconds():
    start = time.perf_counter()
    note = parse_note("- [ ] " + " " * 40_000)
    assert time.perf_counter() - start < 1.0  # was 16-25 s with the line-scan patterns
    assert note.tasks == ()


# -- the page renderer and its memo -----------------------------------------------------------------

def test_render_of_nothing_is_empty():
    assert render(None) == "" and render("") == ""


def test_a_cold_build_parses_each_note_once(tmp_path, monkeypatch):
    """The loader's parse gives the promises and the page's HTML alike; pages never parse again."""
    from helpers import write_playbook
    from playbook import units
    from playbook.build import build
    root = write_playbook(tmp_path / "pb", {
        "content/customers/acme/customer.yaml": "name: Acme\n",
        "content/customers/acme/interactions/2026-11-01-call.md": "Call *one*.\n\n- [ ] Send the deck\n",
        "content/customers/acme/interactions/2026-11-02-call.md": "Call two.\n",
    })
    seen: list[str] = []
    real = units.parse_note

    def counting(text):
        seen.append(text)
        return real(text)

    monkeypatch.setattr(units, "parse_note", counting)  # the build's parse of a folder (units.parse_folder)
    monkeypatch.setattr(notes, "parse_note", lambda text: pytest.fail(f"parsed again for a page: {text!r}"))
    assert build(root, tmp_path / "site", use_cache=False).ok
    assert sorted(seen) == ["Call *one*.\n\n- [ ] Send the deck\n", "Call two.\n"]
    page = (tmp_path / "site" / "customers" / "acme" / "index.html").read_text()
    assert "Call <em>one</em>." in page and 'type="checkbox"' in page


# -- `playbook done` ticks what the page shows ------------------------------------------------------

def test_done_ticks_only_a_box_the_page_shows():
    from playbook.capture import CaptureError, tick_bytes
    data = ("---\r\ndate: 2026-01-01\r\n---\r\n```\r\n- [ ] in code\r\n```\r\n\r\n> 1. [ ] quoted\r\n"
            "-\r\n  [ ] next line\r\n- [x] done\r\n").encode()
    for line in (5, 11, 2):  # in a fence; ticked already; front matter
        with pytest.raises(CaptureError):
            tick_bytes(data, line)
    assert tick_bytes(data, 8) == data.replace(b"> 1. [ ] quoted", b"> 1. [x] quoted")
    assert tick_bytes(data, 10) == data.replace(b"  [ ] next line", b"  [x] next line")
    assert tick_bytes(b"\xef\xbb\xbf- [ ] a\r- [ ] b\r", 2) == b"\xef\xbb\xbf- [ ] a\r- [x] b\r"
