"""The notes' Markdown renderer (cmark-gfm): what it shows, and that a note can never run script."""

from __future__ import annotations

import sys
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings, strategies as st

from playbook import notes
from playbook.notes import markdown, remembering, render

REL = ' rel="noopener noreferrer nofollow"'
#: Every tag the renderer may emit; anything else in the HTML came from a note.
TAGS = {"p", "br", "hr", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li", "input",
        "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td"}
LIVE = ("javascript:", "vbscript:", "file:", "data:")


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
    t = Tags()
    t.feed(html)
    t.close()
    for tag, attrs in t.tags:
        assert tag in TAGS, (tag, html)
        assert not [k for k in attrs if k.startswith("on") or k in ("style", "srcdoc", "formaction")
                    and tag not in ("th", "td")], (tag, attrs)
        for k in ("href", "src"):
            v = "".join((attrs.get(k) or "").split()).lower()
            if tag == "img" and k == "src" and v.startswith("data:image/"):
                continue
            assert not v.startswith(LIVE), (tag, attrs, html)
        if tag == "input":
            assert attrs.get("type") == "checkbox" and "disabled" in attrs, attrs
    assert "<script" not in html.lower() and "<iframe" not in html.lower()
    return t


# -- what a note shows ---------------------------------------------------------------------------

def test_headings_sit_three_levels_down():
    html = markdown("# One\n## Two\n### Three\n#### Four\n###### Six\n\nSetext\n======\n")
    assert html == ("<h4>One</h4>\n<h5>Two</h5>\n<h6>Three</h6>\n<h6>Four</h6>\n<h6>Six</h6>\n"
                    "<h4>Setext</h4>\n")
    assert markdown("`<h1>` and &lt;h1&gt;") == "<p><code>&lt;h1&gt;</code> and &lt;h1&gt;</p>\n"


def test_outside_links_never_leak_the_referrer():
    html = markdown('[a](https://x.example/p?q=1&r=2 "T") [b](http://y.example) [c](mailto:c@x.example) '
                    "[d](HTTPS://Z.EXAMPLE) <https://auto.example> <me@x.example>\n\n"
                    "[e](../rel) [f](#frag) [g](//host.example)")
    assert f'<a href="https://x.example/p?q=1&amp;r=2" title="T"{REL}>a</a>' in html
    assert f'<a href="http://y.example"{REL}>b</a>' in html
    assert f'<a href="mailto:c@x.example"{REL}>c</a>' in html
    assert f'<a href="HTTPS://Z.EXAMPLE"{REL}>d</a>' in html
    assert f'<a href="https://auto.example"{REL}>https://auto.example</a>' in html
    assert f'<a href="mailto:me@x.example"{REL}>me@x.example</a>' in html
    assert '<a href="../rel">e</a> <a href="#frag">f</a> <a href="//host.example">g</a>' in html


def test_bare_addresses_are_not_linked_and_quotes_stay_straight():
    assert markdown('https://x.example www.x.example "q" -- ...') == (
        "<p>https://x.example www.x.example &quot;q&quot; -- ...</p>\n")


def test_task_items_are_disabled_checkboxes_in_tight_and_loose_lists():
    assert markdown("- [ ] open (due 2026-11-25)\n- [x] done\n- [] not a task\n") == (
        "<ul>\n"
        '<li class="task-list-item"><input class="task-list-item-checkbox" type="checkbox" disabled="" />'
        " open (due 2026-11-25)</li>\n"
        '<li class="task-list-item"><input class="task-list-item-checkbox" type="checkbox" checked="" disabled="" />'
        " done</li>\n"
        "<li>[] not a task</li>\n</ul>\n")
    # in a loose list the box stays in the item's first paragraph, on the text's line
    assert markdown("1. [X] sent\n\n   with a note\n\n2. [ ] call\n") == (
        "<ol>\n"
        '<li class="task-list-item">\n<p><input class="task-list-item-checkbox" type="checkbox" checked="" disabled="" />'
        " sent</p>\n<p>with a note</p>\n</li>\n"
        '<li class="task-list-item">\n<p><input class="task-list-item-checkbox" type="checkbox" disabled="" />'
        " call</p>\n</li>\n</ol>\n")


def test_tables_and_strikethrough():
    assert markdown("| a | b |\n|:--|--:|\n| 1 | `|` |\n") == (
        '<table>\n<thead>\n<tr>\n<th style="text-align: left">a</th>\n<th style="text-align: right">b</th>\n'
        '</tr>\n</thead>\n<tbody>\n<tr>\n<td style="text-align: left">1</td>\n'
        '<td style="text-align: right">`</td>\n</tr>\n</tbody>\n</table>\n')
    assert markdown("~~gone~~ but ~5 days~ and ~10 people") == (
        "<p><del>gone</del> but ~5 days~ and ~10 people</p>\n")  # one tilde is just a tilde


def test_raw_html_is_shown_as_text():
    assert markdown("<script>alert(1)</script>\n\nC++ & <Go>, <b>bold</b> <!-- c -->") == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        "<p>C++ &amp; &lt;Go&gt;, &lt;b&gt;bold&lt;/b&gt; &lt;!-- c --&gt;</p>\n")
    assert markdown("<div>\n**still Markdown**\n</div>") == (
        "<p>&lt;div&gt;\n<strong>still Markdown</strong>\n&lt;/div&gt;</p>\n")
    # "<" keeps its meanings that are not HTML
    assert markdown(r"\<b> `<b>` a<b [x](<a b>) [y](p<q) 1 < 2") == (
        '<p>&lt;b&gt; <code>&lt;b&gt;</code> a&lt;b <a href="a%20b">x</a> <a href="p%3Cq">y</a> 1 &lt; 2</p>\n')
    # a note that already holds every stand-in for "<" still never passes raw HTML through
    crowded = "\u2e19\u2058\u2e3a\u2e3b <script>alert(1)</script> and <b>"
    assert "<script" not in markdown(crowded) and "&lt;script" not in markdown(crowded)
    assert markdown(crowded).startswith("<p>\u2e19\u2058\u2e3a\u2e3b")


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
    "[x](\\javascript:alert(1))",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<JaVaScRiPt:alert(1)>",
    "[y](vbscript:msgbox)",
    "[f](file:///etc/passwd)",
    "[z](data:text/html;base64,PHNjcmlwdD4=)",
    "![i](javascript:alert(1))",
    "![i](data:text/html,x)",
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    '[x](https://ok.example" onmouseover="alert(1))',
    "[x](<img src=x onerror=alert(1)>)",
    "[x](<b>y</b>",
    "- [ ] <script>alert(1)</script> (due 2026-11-12)",
    "| <img src=x onerror=alert(1)> |\n|---|\n| [x](javascript:alert(1)) |",
    "```<script>\nalert(1)\n```",
    "control \x01\x1b char, nul \x00, lone \ud800 surrogate",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_notes_stay_inert(text: str):
    html = render(text)
    t = assert_inert(html)
    assert not t.comments, html  # raw HTML is shown as text, not left out
    assert html == render(text)


def test_refused_links_are_text_not_links():
    assert markdown("[x](javascript:alert(1)) <vbscript:x> [e]()") == "<p><a>x</a> <a>vbscript:x</a> <a>e</a></p>\n"
    assert markdown("![i](javascript:alert(1)) ![p](data:image/png;base64,AAAA)") == (
        '<p><img src="" alt="i" /> <img src="data:image/png;base64,AAAA" alt="p" /></p>\n')


_PIECES = st.sampled_from([
    "<", ">", "\\", "`", "*", "_", "~~", "[", "]", "(", ")", "!", "#", "- ", "- [ ] ", "1. ", "> ", "|",
    "\n", "\n\n", "    ", " ", '"', "'", "&", "&lt;", "&#x6a;", ":", "javascript:", "JaVa\tScRiPt:", "data:",
    "vbscript:", "https://x.example", "mailto:", "<script>", "</script>", "<img src=x onerror=alert(1)>",
    "<a href=", "onerror=", "<!--", "-->", "<https://x.example>", "](", "](<", "\u2e19", "é", "東",
    "---", "|---|", "```", "alert(1)", "x",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=30).map("".join))
def test_any_mix_of_markdown_and_markup_stays_inert(text: str):
    html = markdown(text)
    assert_inert(html)
    assert html == markdown(text)  # same note, same bytes


# -- the renderer itself -------------------------------------------------------------------------

def test_render_of_nothing_is_empty():
    assert render(None) == "" and render("") == ""


def test_remembered_notes_are_not_rendered_again(monkeypatch):
    first = {}
    with remembering({}) as used:
        html = render("Hello *you*.")
        first.update(used)
    assert list(first.values()) == [html] == ["<p>Hello <em>you</em>.</p>\n"]

    def refuse(text):
        raise AssertionError("rendered again")

    monkeypatch.setattr(notes, "markdown", refuse)
    with remembering(first) as used:
        assert render("Hello *you*.") == html
    assert used == first


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss is in KiB on Linux")
def test_rendering_frees_cmark_memory():
    """cmarkgfm's Python wrappers never free the tree or the HTML (about 11 KB a note); the
    renderer calls the C library itself so that a large build does not grow without bound."""
    import resource

    assert isinstance(notes._cmark(), notes._Cmark)
    text = "# Call\n\n" + "Some **notes** with [a link](https://x.example).\n\n- [ ] a task\n" * 20
    for _ in range(200):
        markdown(text)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(5000):
        markdown(text)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < 20_000, f"{grown} KiB more after 5,000 renders"
