"""A note's summary: its first sentence, knowing the abbreviations people write in notes, cut
at a word boundary when it is too long. Pure and linear in the text's length.

Hand-written rather than a sentence splitter from PyPI: we need one sentence of at most a
line, the known splitters (pysbd, NLTK's Punkt) are rule sets or trained models many times
this size, and pysbd's patterns are not linear on hostile input, which every note must be.
"""

from __future__ import annotations

import re

__all__ = ["first_sentence", "sentence_at"]

#: Never end a sentence: titles before a name, and Latin that leads into more of the sentence.
_ALWAYS = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "st", "mt", "e.g", "i.e", "vs", "cf", "approx",
                     "incl", "esp", "viz"})
#: End a sentence only when the next word starts with a capital ("at 9 a.m. Ros joined" ends,
#: "at 9 a.m. on Monday" does not). Dotted letters ("a.m.", "U.S.") and "..." are treated the same way.
_UNLESS_LOWER = frozenset({"etc", "inc", "ltd", "co", "corp", "jr", "sr"})
#: Before a number only ("No. 5", "no. 12"); "No." alone is a word.
_BEFORE_NUMBER = frozenset({"no", "nos", "nr"})
#: A candidate end: ".", "!", "?" or an ellipsis, closing quotes or brackets, then a space or the end.
_END = re.compile(r"(?:\.\.\.|[.!?…])[\"'”’)\]]*(?=\s|$)")
_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")
#: Longer than any word of the lists above, with what may open it.
_WORD_MAX = 16
#: What may open a word or the next sentence before its first letter.
_OPENERS = "\"'“‘([—–-"


def first_sentence(plain: str, limit: int) -> str:
    """The first sentence of `plain` (one line, spaces collapsed); at most `limit` characters,
    cut after a whole word with "…" when longer (mid-word only for a single longer word)."""
    for m in _END.finditer(plain):
        if m.start() >= limit:
            break
        if _ends_here(plain, m.start(), m.end()):
            return _cut(plain[:m.end()], limit)
    return _cut(plain, limit)


def sentence_at(plain: str, at: int, limit: int) -> str:
    """The sentence of `plain` that holds the character at `at`, cut as `first_sentence` cuts:
    from the end of the one before it to its own end, one pass over the text."""
    start, stop = 0, len(plain)
    for m in _END.finditer(plain):
        if not _ends_here(plain, m.start(), m.end()):
            continue
        if m.end() <= at:
            start = m.end()
        else:
            stop = m.end()
            break
    return _cut(plain[start:stop].strip(), limit)


def _ends_here(text: str, at: int, end: int) -> bool:
    """Does the punctuation at `at` (its closing quotes to `end`) end a sentence?"""
    mark = text[at]
    if mark in "!?":
        return True
    if not (text.startswith("...", at) or mark == "…"):  # an ellipsis ends one before a capital
        # The word before it, looked for no further back than any word the lists hold: a
        # text of long words each ending a line had made each look go back to its start.
        start = text.rfind(" ", max(0, at - _WORD_MAX), at) + 1 or max(0, at - _WORD_MAX)
        written = text[start:at].lstrip(_OPENERS)
        if len(written) == 1 and written.isupper():
            return False  # an initial: "J. R. Hartley"
        word = written.lower()
        if word in _ALWAYS:
            return False
        if word in _BEFORE_NUMBER:
            return not text[end + 1:end + 2].isdigit()
        if word not in _UNLESS_LOWER and not _DOTTED.fullmatch(word):
            return True
    following = text[end:end + 8].lstrip().lstrip(_OPENERS)
    return following == "" or following[0].isupper()


def _cut(sentence: str, limit: int) -> str:
    """`sentence` as it is when it fits, else its whole words up to `limit` characters and "…"."""
    if len(sentence) <= limit:
        return sentence
    space = sentence.rfind(" ", 0, limit)  # the last whole word ends before it, within limit - 1
    head = sentence[:space].rstrip(" ,;:—–-") if space > 0 else ""
    return (head or sentence[:limit - 1]) + "…"
