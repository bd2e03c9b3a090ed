"""A note's summary is its first sentence: abbreviations do not end it, and a summary cut for
length ends on a whole word with "…". The page, the feed and search show the same one."""

from __future__ import annotations

import json
from html import unescape

import pytest
from hypothesis import given, strategies as st

from playbook.build import build
from playbook.markdown import SUMMARY_LIMIT, parse_note
from playbook.sentences import first_sentence, sentence_at

from helpers import ACME_YAML, CUSTOMER_YAML, PLAYBOOK_YAML, note, write_playbook
from sitecheck import search_index


@pytest.mark.parametrize("text,expected", [
    # issue 14: "Intro call with Dr." was the whole summary
    ("Intro call with Dr. Okafor about the pilot. Then lunch.", "Intro call with Dr. Okafor about the pilot."),
    ("Met Mr. and Mrs. Lee and Ms. Cho. Good.", "Met Mr. and Mrs. Lee and Ms. Cho."),
    ("Visited St. Aldhelm's ward. Busy.", "Visited St. Aldhelm's ward."),
    ("Met J. R. Hartley about the book. Later.", "Met J. R. Hartley about the book."),
    ("Bring samples (e.g. the rye) next time. Ok.", "Bring samples (e.g. the rye) next time."),
    ("Two options, i.e. Gold vs. Silver plans. Ok.", "Two options, i.e. Gold vs. Silver plans."),
    ("Booked unit no. 5 for May. Ok.", "Booked unit no. 5 for May."),
    ("Asked about No. 12 Quay Street. Ok.", "Asked about No. 12 Quay Street."),
    # abbreviations that may end a sentence do so before a capital, and only then
    ("Call at 9 a.m. on Monday went well. Next.", "Call at 9 a.m. on Monday went well."),
    ("Call at 9 a.m. Ros joined late.", "Call at 9 a.m."),
    ("Demo at 3 p.m. tomorrow. Ok.", "Demo at 3 p.m. tomorrow."),
    ("Sent brochures, samples, etc. to Ros. Then lunch.", "Sent brochures, samples, etc. to Ros."),
    ("Sent brochures, samples etc. Then lunch.", "Sent brochures, samples etc."),
    ("They moved to the U.S. last year. Ok.", "They moved to the U.S. last year."),
    ("They moved to the U.S. Then went quiet.", "They moved to the U.S."),
    ("Well... we will see. Maybe.", "Well... we will see."),
    ("Renewal agreed… Paperwork next.", "Renewal agreed…"),
    # "No." alone is a word; "!" and "?" always end one; closing quotes stay with it
    ("No. They want to wait.", "No."),
    ("Ready to sign?! Really. Yes.", "Ready to sign?!"),
    ('She said "go ahead." Then left.', 'She said "go ahead."'),
    ("Ended (at last.) Then more.", "Ended (at last.)"),
    ("Version 2.5 ships now", "Version 2.5 ships now"),
    ("Ends with Dr.", "Ends with Dr."),
    # too long: whole words, then "…"; a comma or dash before the cut is dropped
    ("word " * 40, "word " * 27 + "word…"),
    ("a" * 130 + " bbbbbbbbbbbbbbb and more.", "a" * 130 + "…"),
    ("a" * 130 + ", bbbbbbbbbbbbbbb and more.", "a" * 130 + "…"),
    ("x" * 300, "x" * (SUMMARY_LIMIT - 1) + "…"),  # one word longer than the limit: cut in it
    ("a" * 139 + ". Then.", "a" * 139 + "."),  # the sentence fits exactly
    ("a" * 139 + " b. Then.", "a" * 139 + "…"),
])
def test_the_first_sentence(text: str, expected: str):
    assert first_sentence(text, SUMMARY_LIMIT) == expected
    assert parse_note(text).summary == expected.rstrip()


@given(st.lists(st.sampled_from(["Dr.", "a.m.", "etc.", "No.", "J.", "x", "word", "Ros,", "end.", "Yes!", "…",
                                 "e.g.", "“Go.”", "(see)", "-", "supercalifragilistic"]), max_size=80))
def test_a_summary_fits_and_ends_on_a_whole_word(words: list[str]):
    plain = " ".join(words)
    got = first_sentence(plain, SUMMARY_LIMIT)
    assert len(got) <= SUMMARY_LIMIT
    assert plain.startswith(got) or got.endswith("…")
    if got.endswith("…") and not plain.startswith(got):
        head = got[:-1]
        assert plain.startswith(head)
        # cut where a word ends, unless the first word alone is longer than the limit
        assert plain[len(head)] in " ,;:—–-" or " " not in plain[:SUMMARY_LIMIT]


def test_the_page_the_feed_and_search_show_the_same_summary(tmp_path):
    root = write_playbook(tmp_path / "pb", {
        "playbook.yaml": PLAYBOOK_YAML, ACME_YAML: CUSTOMER_YAML,
        note("2026-11-10-call.md"): "Intro call with Dr. Okafor at 9 a.m. on Monday. She wants a pilot.\n",
    })
    out = tmp_path / "site"
    assert build(root, out, use_cache=False).ok
    want = "Intro call with Dr. Okafor at 9 a.m. on Monday."
    page = unescape((out / "customers/acme/index.html").read_text("utf-8"))
    assert f"<h3>{want}</h3>" in page
    feed = (out / "feed.atom").read_text("utf-8")
    assert f"<title>Acme Bakery: {want}</title>" in feed
    records = json.dumps(search_index((out / "search-index.js").read_bytes()), ensure_ascii=False)
    assert json.dumps(want, ensure_ascii=False) in records


@pytest.mark.parametrize("at, expected", [
    (0, "Met Ros."), (10, "Kofi helps Dr. Lee on Saturdays \u2014 show him the till next time we're in."),
    (-3, "Bought cake."),
])
def test_the_sentence_that_holds_a_place(at, expected):
    text = "Met Ros. Kofi helps Dr. Lee on Saturdays \u2014 show him the till next time we're in. Bought cake."
    assert sentence_at(text, at % len(text), 200) == expected


@given(st.text(alphabet="ab .!?D\u2026r\"", max_size=60), st.integers(0, 59))
def test_the_sentence_at_a_place_is_a_piece_of_the_text(text, at):
    if at < len(text):
        found = sentence_at(text, at, 500)
        assert found in text and (not found or found == found.strip())
